"""Side by side with PySAL spopt: the same p-median instances (pmed1, pmed5) solved by both.

spopt solves with ``PMedian.from_cost_matrix(...).solve(pulp.HiGHS(msg=False))`` and by the planner's ``run_scenario``
(from the scenario file to a verified plan, no run folder). Same solver (HiGHS through PuLP).

    python benchmarks/spopt_compare.py [--repeats 3] [--bench ../shared/bench] [--instances pmed1 pmed5]

Times are medians over the repeats, wall-clock, in one process (the first repeat pays for lazy imports
on both sides). spopt's time includes reading travel.csv into the cost matrix, as the planner's includes
reading its input files.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from collections.abc import Iterator
from contextlib import contextmanager

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import BENCH, fmt, machine_markdown, md_table, median  # noqa: E402
from benchmarks.published import instances  # noqa: E402

INSTANCES = ("pmed1", "pmed5")


class StageTimes(logging.Handler):
    """Collects the planner's per-stage seconds from its one-line-per-stage log."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.timings: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the seconds of a stage line (``read``, ``model``, ``solve``...)."""
        args = record.args if isinstance(record.args, tuple) else ()
        if record.msg == "%-8s %s (%.2f s)" and len(args) == 3:
            self.timings[str(args[0]).strip()] = float(args[2])


@contextmanager
def stage_times() -> Iterator[dict[str, float]]:
    """Collect the planner's per-stage seconds (``read``, ``model``, ``solve``...) while the block runs."""
    logger = logging.getLogger("consolidation")
    handler, level = StageTimes(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler.timings
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def cost_matrix(folder: Path):
    """Return the origins x sites matrix of minutes from travel.csv, and the demand weights.

    Rows and columns are in the order of villages.csv and schools.csv; weights sum all bands.
    """
    import pandas as pd

    travel = pd.read_csv(folder / "travel.csv", dtype={"origin_id": str, "school_id": str})
    villages = pd.read_csv(folder / "villages.csv", dtype={"village_id": str})
    schools = pd.read_csv(folder / "schools.csv", dtype={"school_id": str})
    matrix = (travel.pivot(index="origin_id", columns="school_id", values="minutes")
              .reindex(index=villages["village_id"], columns=schools["school_id"]).to_numpy(float))
    bands = [c for c in ("pupils_g1_3", "pupils_g4_6", "pupils_g7_9") if c in villages]
    return matrix, villages[bands].sum(axis=1).to_numpy(float)


def run_spopt(folder: Path, p: int) -> dict:
    """Solve the instance with spopt's ``PMedian``; return objective, status and seconds (total, read, build, solve)."""
    import numpy as np
    import pulp
    from spopt.locate import PMedian

    t0 = time.perf_counter()
    matrix, weights = cost_matrix(folder)
    if np.isnan(matrix).any():
        raise ValueError(f"{folder}: travel.csv is not a complete matrix")
    t1 = time.perf_counter()
    model = PMedian.from_cost_matrix(matrix, weights, p_facilities=p)
    t2 = time.perf_counter()
    model.solve(pulp.HiGHS(msg=False))
    t3 = time.perf_counter()
    return {"objective": float(model.problem.objective.value()), "status": pulp.LpStatus[model.problem.status],
            "seconds": t3 - t0, "read_s": t1 - t0, "build_s": t2 - t1, "solve_s": t3 - t2}


def run_planner(folder: Path) -> dict:
    """Run the planner on the instance; return objective, status and seconds (total, read, build, solve)."""
    from consolidation.pipeline import run_scenario
    from consolidation.scenario import load_scenario

    with stage_times() as t:
        t0 = time.perf_counter()
        result = run_scenario(load_scenario(folder / "scenario.toml"))
        seconds = time.perf_counter() - t0
    return {"objective": result.summary.get("objective"), "status": result.status, "seconds": seconds,
            "read_s": t.get("read", 0.0) + t.get("travel", 0.0), "build_s": t.get("model"), "solve_s": t.get("solve")}


def compare(bench: Path = BENCH, names=INSTANCES, repeats: int = 3) -> list[dict]:
    """Run planner and spopt ``repeats`` times on each instance; return objectives and median seconds."""
    optima = {r["instance"]: r for r in instances(bench)}
    out = []
    for name in names:
        folder, p = Path(bench) / name, int(optima[name]["p"])
        planner = [run_planner(folder) for _ in range(repeats)]
        spopt = [run_spopt(folder, p) for _ in range(repeats)]

        def med(runs, key):
            values = [r[key] for r in runs if r[key] is not None]
            return median(values) if values else None

        out.append({"instance": name, "p": p, "optimum": float(optima[name]["optimum"]),
                    "planner_objective": planner[-1]["objective"], "spopt_objective": spopt[-1]["objective"],
                    "planner_objectives": {r["objective"] for r in planner},
                    "spopt_objectives": {r["objective"] for r in spopt},
                    **{f"planner_{k}": med(planner, k) for k in ("seconds", "read_s", "build_s", "solve_s")},
                    **{f"spopt_{k}": med(spopt, k) for k in ("seconds", "read_s", "build_s", "solve_s")}})
    return out


def markdown(results: list[dict], repeats: int) -> str:
    """Return the Markdown table comparing the planner with spopt, objectives checked against the optimum."""
    def same(r, key):
        values = r[key]
        return len(values) == 1 and abs(next(iter(values)) - r["optimum"]) <= 1e-6 * r["optimum"]

    table = md_table(
        ["instance", "published", "planner objective", "spopt objective", "planner s", "spopt s",
         "spopt / planner", "planner read / build / solve s", "spopt read / build / solve s"],
        [[f"{r['instance']} (p = {r['p']})", f"{r['optimum']:,.0f}",
          f"{r['planner_objective']:,.0f}" + ("" if same(r, "planner_objectives") else " **(differs)**"),
          f"{r['spopt_objective']:,.0f}" + ("" if same(r, "spopt_objectives") else " **(differs)**"),
          fmt(r["planner_seconds"]), fmt(r["spopt_seconds"]), f"{r['spopt_seconds'] / r['planner_seconds']:.2f}",
          " / ".join(fmt(r[f"planner_{k}"]) for k in ("read_s", "build_s", "solve_s")),
          " / ".join(fmt(r[f"spopt_{k}"]) for k in ("read_s", "build_s", "solve_s"))] for r in results])
    return (table + f"\n\nMedian of {repeats} runs each, wall-clock seconds. Planner: `run_scenario` from the "
            "scenario file to a verified plan (the solve column includes PuLP handing the model to HiGHS and "
            "reading values back; the plan stage and checks make up the rest). spopt: travel.csv to a matrix, "
            "`PMedian.from_cost_matrix`, `.solve(pulp.HiGHS(msg=False))` (HiGHS's default 0.01 % gap; the "
            "planner's scenario asks for gap 0).")


def section(bench: Path = BENCH, repeats: int = 3, names=INSTANCES) -> str:
    """Return the Markdown section comparing with spopt (a note instead when spopt is not installed)."""
    head = "### Side by side with PySAL spopt (p-median, same HiGHS through PuLP)\n\n"
    try:
        import spopt  # noqa: F401
    except ImportError:
        return head + "spopt is not installed (`pip install spopt`); skipped."
    return head + markdown(compare(bench, names, repeats), repeats)


def main(argv: list[str] | None = None) -> int:
    """Run the spopt comparison of the command line and print it; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=BENCH)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--instances", nargs="+", default=list(INSTANCES))
    parser.add_argument("--quick", action="store_true", help="one repeat")
    args = parser.parse_args(argv)
    print(machine_markdown() + "\n")
    print(section(args.bench, 1 if args.quick else args.repeats, args.instances))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
