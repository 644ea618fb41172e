"""Published optima: run every instance in ../shared/bench through the planner's own input files
and print objective, published optimum, match, build and solve seconds, and peak memory.

    python benchmarks/published.py [--bench ../shared/bench] [--solver highs|cbc]
"""

from __future__ import annotations

import argparse
import csv
import platform
import resource
import time
from pathlib import Path

from consolidation.checks import check_inputs, infeasibility_reasons
from consolidation.io import read_inputs
from consolidation.model import build_model
from consolidation.plan import make_plan
from consolidation.scenario import load_scenario
from consolidation.solve import solve
from consolidation.travel import build_pairs

DEFAULT_BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench"


def run(folder: Path, solver: str) -> dict:
    scenario = load_scenario(folder / "scenario.toml", [f'solver.name="{solver}"']).scenario
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    parser.add_argument("--solver", default="highs", choices=["highs", "cbc"])
    args = parser.parse_args()
    rows = list(csv.DictReader(open(args.bench / "optima.csv")))
    print(f"machine: {platform.processor() or platform.machine()}, {platform.python_version()}, solver {args.solver}")
    header = f"{'instance':<14}{'pairs':>7}{'status':>12}{'objective':>16}{'published':>16}{'match':>7}" \
             f"{'read+pairs s':>14}{'build s':>9}{'solve s':>9}"
    print(header)
    print("-" * len(header))
    for row in rows:
        r = run(args.bench / row["instance"], args.solver)
        expected = float(row["optimum"]) if row["optimum"] else None
        if expected is None:
            match = "yes" if r["status"] == row["status"] else "NO"
        else:
            match = "yes" if r["objective"] is not None and abs(r["objective"] - expected) <= 1e-6 * expected else "NO"
        objective = "-" if r["objective"] is None else f"{r['objective']:,.3f}"
        published = row["status"] if expected is None else f"{expected:,.3f}"
        print(f"{row['instance']:<14}{r['pairs']:>7}{r['status']:>12}{objective:>16}{published:>16}{match:>7}"
              f"{r['prepare_s']:>14.2f}{r['build_s']:>9.2f}{r['solve_s']:>9.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the whole run: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
