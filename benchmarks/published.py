"""Published optima: run every instance in ../shared/bench through the planner's own input files.

Prints objective, published optimum, match, read, build and solve seconds, and peak memory.

    python benchmarks/published.py [--bench ../shared/bench] [--solver highs|cbc]

Each instance runs in a fresh process, so its peak memory is its own (the process after imports
takes about the ``base`` shown under the table).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import BENCH, fmt, in_child, machine_markdown, md_table, median  # noqa: E402
from consolidation.checks import check_inputs, infeasibility_reasons  # noqa: E402
from consolidation.io import read_inputs  # noqa: E402
from consolidation.model import build_model  # noqa: E402
from consolidation.plan import make_plan  # noqa: E402
from consolidation.scenario import load_scenario  # noqa: E402
from consolidation.solve import solve  # noqa: E402
from consolidation.travel import build_pairs  # noqa: E402

DEFAULT_BENCH = BENCH


def run(folder: Path, solver: str) -> dict:
    """Plan one instance with the stage functions, timing each stage."""
    scenario = load_scenario(Path(folder) / "scenario.toml", [f'solver.name="{solver}"']).scenario
    t0 = time.perf_counter()
    inputs = check_inputs(read_inputs(scenario), scenario)
    pairs = build_pairs(inputs, scenario)
    reasons = infeasibility_reasons(pairs, inputs, scenario)
    t1 = time.perf_counter()
    if reasons:
        return {"status": "infeasible", "objective": None, "pairs": len(pairs.table), "prepare_s": t1 - t0,
                "build_s": 0.0, "solve_s": 0.0}
    model = build_model(pairs, inputs, scenario)
    t2 = time.perf_counter()
    outcome = solve(model, scenario.solver)
    plan = make_plan(outcome, pairs, inputs, scenario) if outcome.has_plan else None
    return {"status": outcome.status, "objective": plan.summary["objective"] if plan else None,
            "pairs": len(pairs.table), "prepare_s": t1 - t0, "build_s": t2 - t1, "solve_s": outcome.seconds}


def instances(bench: Path = DEFAULT_BENCH) -> list[dict]:
    """Return the rows of ``optima.csv``."""
    with open(Path(bench) / "optima.csv", newline="") as f:
        return list(csv.DictReader(f))


def measure(bench: str, instance: str, solver: str) -> dict:
    """Child-process entry: :func:`run` on one instance."""
    return run(Path(bench) / instance, solver)


def rows(bench: Path = DEFAULT_BENCH, solver: str = "highs") -> list[dict]:
    """Every instance, each in its own process; adds the published value and whether it matches."""
    out = []
    for row in instances(bench):
        r = in_child("published.measure", bench=str(bench), instance=row["instance"], solver=solver)
        expected = float(row["optimum"]) if row["optimum"] else None
        if expected is None:
            match = r["status"] == row["status"]
        else:
            match = r["objective"] is not None and abs(r["objective"] - expected) <= 1e-6 * max(1.0, abs(expected))
        out.append({**row, **r, "expected": expected, "expected_status": row["status"], "match": match})
    return out


def _label(row: dict) -> str:
    kind = row["kind"]
    if kind == "p-median":
        return f"{row['instance']} (p-median, {row['origins']} nodes, p = {row['p']})"
    return f"{row['instance']} (capacitated, {row['origins']} x {row['sites']}, {row['assignment']})"


def markdown(results: list[dict], solver: str = "highs") -> str:
    """Return the Markdown table of the results, with a note on the memory every process holds."""
    table = md_table(
        ["instance", "pairs", "status", "objective", "published", "match", "read+pairs s", "build s",
         f"solve s ({solver})", "peak MiB"],
        [[_label(r), f"{r['pairs']:,}", r["status"], "-" if r["objective"] is None else f"{r['objective']:,.3f}",
          r["expected_status"] if r["expected"] is None else f"{r['expected']:,.3f}", "yes" if r["match"] else "**NO**",
          fmt(r["prepare_s"]), fmt(r["build_s"]), fmt(r["solve_s"]), fmt(r["peak_mib"], 0)] for r in results])
    base = median([r["base_mib"] for r in results])
    return (table + f"\n\nEach instance in a fresh process; peak MiB includes about {base:,.0f} MiB that the process "
            "holds after importing the planner (Python, pandas, GeoPandas, PuLP, HiGHS).")


def main(argv: list[str] | None = None) -> int:
    """Run the published instances of the command line and print the section; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    parser.add_argument("--solver", default="highs", choices=["highs", "cbc"])
    parser.add_argument("--quick", action="store_true", help="accepted for symmetry; the instances are all small")
    args = parser.parse_args(argv)
    print(machine_markdown() + "\n")
    print(section(args.bench, args.solver))
    return 0


def section(bench: Path = DEFAULT_BENCH, solver: str = "highs") -> str:
    """Return the Markdown section printed by ``run.py``."""
    results = rows(bench, solver)
    ok = all(r["match"] for r in results)
    head = "### Published optima (OR-Library) through the planner's own input files\n\n"
    tail = "\n\nAll match the published values." if ok else "\n\n**Some instances do NOT match.**"
    return head + markdown(results, solver) + tail


if __name__ == "__main__":
    raise SystemExit(main())
