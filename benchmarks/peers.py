"""The planner side by side with a peer on the same instances (issue 11).

Planner and peer alternate; times are the median of the repeats, each from the instance's files to a
solution:

- ``euclid``: a seeded Euclidean p-median, 1,000 villages x 100 sites, p = 10, against PySAL spopt's
  ``PMedian`` (HiGHS through PuLP). Target: at least 2x faster, same objective to 1e-6.
- ``pmed``: OR-Library pmed instances (../shared/bench/raw/pmed) against spopt. Same target.
- ``holmberg``: Holmberg et al. (1999) single-source instances against a plain PuLP + HiGHS model of the same
  problem (gap 0 on both sides). Target: the published optimum, no slower than the plain model.

    python benchmarks/peers.py euclid [--repeats 3]
    python benchmarks/peers.py pmed --instances pmed6 pmed11 pmed16
    python benchmarks/peers.py holmberg --instances p1 p13 p25 p41 p56

The planner runs ``run_scenario`` (scenario file to a verified plan, gap 0); spopt runs
``PMedian.from_cost_matrix(...).solve(pulp.HiGHS(msg=False))`` as a new user would (HiGHS's default gap 1e-4).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import instances as inst  # noqa: E402
from benchmarks.common import BENCH, machine_markdown, md_table, median  # noqa: E402
from benchmarks.spopt_compare import cost_matrix, run_spopt  # noqa: E402


def run_planner(folder: Path) -> dict:
    """Run the planner on the instance in ``folder``; return its objective, status and wall seconds."""
    from consolidation.pipeline import run_scenario
    from consolidation.scenario import load_scenario

    t0 = time.perf_counter()
    result = run_scenario(load_scenario(Path(folder) / "scenario.toml"))
    return {"objective": result.summary.get("objective"), "status": result.status,
            "seconds": time.perf_counter() - t0}


def run_plain_cflp(folder: Path, single: bool = True) -> dict:
    """Solve a plain PuLP + HiGHS capacitated facility location model of the instance's files (gap 0).

    Returns its objective, status and wall seconds.
    """
    import pandas as pd
    import pulp

    t0 = time.perf_counter()
    minutes, demand = cost_matrix(Path(folder))
    schools = pd.read_csv(Path(folder) / "schools.csv")
    capacity, fixed = schools["capacity"].to_numpy(float), schools["annual_cost"].to_numpy(float)
    n, m = minutes.shape
    prob = pulp.LpProblem("cflp", pulp.LpMinimize)
    cat = pulp.LpBinary if single else pulp.LpContinuous
    x = [[pulp.LpVariable(f"x_{i}_{j}", 0, 1, cat) for j in range(m)] for i in range(n)]
    y = [pulp.LpVariable(f"y_{j}", cat=pulp.LpBinary) for j in range(m)]
    prob += pulp.lpSum(fixed[j] * y[j] for j in range(m)) + pulp.lpSum(
        minutes[i, j] * demand[i] * x[i][j] for i in range(n) for j in range(m))
    for i in range(n):
        prob += pulp.lpSum(x[i]) == 1
    for j in range(m):
        prob += pulp.lpSum(demand[i] * x[i][j] for i in range(n)) <= capacity[j] * y[j]
    for i in range(n):
        for j in range(m):
            prob += x[i][j] <= y[j]
    prob.solve(pulp.HiGHS(msg=False, gapRel=0))
    return {"objective": float(pulp.value(prob.objective)), "status": pulp.LpStatus[prob.status],
            "seconds": time.perf_counter() - t0}


def side_by_side(instance: inst.Instance, peer: str, repeats: int) -> dict:
    """Run planner and peer alternately ``repeats`` times; return median seconds, runs and objectives."""
    planner, other = [], []
    for _ in range(repeats):  # alternate, so both sides see the same machine load
        planner.append(run_planner(instance.folder))
        other.append(run_spopt(instance.folder, instance.p) if peer == "spopt" else run_plain_cflp(instance.folder))
    return {"instance": instance.name, "peer": peer,
            "planner_s": median([r["seconds"] for r in planner]), "peer_s": median([r["seconds"] for r in other]),
            "planner_runs": [round(r["seconds"], 2) for r in planner],
            "peer_runs": [round(r["seconds"], 2) for r in other],
            "planner_objective": planner[-1]["objective"], "peer_objective": other[-1]["objective"],
            "objectives_agree": all(r["objective"] is not None and abs(r["objective"] - planner[0]["objective"])
                                    <= 1e-6 * max(1.0, abs(planner[0]["objective"])) for r in planner + other)}


def _optimum(name: str) -> float | None:
    for file in ("pmed-optima.csv", "holmberg-optima.csv"):
        path = BENCH / file
        if path.exists():
            with open(path, newline="") as f:
                for row in csv.DictReader(f):
                    if row["instance"] in (name, f"holmberg-{name}"):
                        return float(row["optimum"])
    return None


def markdown(results: list[dict], factor: float) -> str:
    """Return the Markdown table of the results; met: planner ``factor`` x faster, at the optimum."""
    rows = []
    for r in results:
        ratio = r["peer_s"] / r["planner_s"]
        published = _optimum(r["instance"].removeprefix("holmberg-"))
        at_optimum = published is None or (r["planner_objective"] is not None
                                           and abs(r["planner_objective"] - published) <= 1e-6 * published)
        met = ratio >= factor and at_optimum
        rows.append([r["instance"], r["peer"], f"{r['planner_objective']:,.3f}", f"{r['peer_objective']:,.3f}",
                     "-" if published is None else f"{published:,.0f}", f"{r['planner_s']:.2f}", f"{r['peer_s']:.2f}",
                     f"{ratio:.2f}", "met" if met else "**not met**",
                     " / ".join(map(str, r["planner_runs"])), " / ".join(map(str, r["peer_runs"]))])
    return md_table(["instance", "peer", "planner objective", "peer objective", "published", "planner s", "peer s",
                     "peer / planner", f"target (>= {factor:g}x, optimum)", "planner runs s", "peer runs s"], rows)


def main(argv: list[str] | None = None) -> int:
    """Run the side-by-side comparison of the command line and print its tables; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["euclid", "pmed", "holmberg"])
    parser.add_argument("--instances", nargs="*", default=None)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print(machine_markdown() + "\n", flush=True)
    results, factor = [], 2.0
    if args.kind == "euclid":
        results.append(side_by_side(inst.euclidean_pmedian(), "spopt", args.repeats))
    elif args.kind == "pmed":
        for name in args.instances or ["pmed6", "pmed11", "pmed16"]:
            results.append(side_by_side(inst.orlib_pmedian(BENCH / "raw" / "pmed" / f"{name}.txt"), "spopt",
                                        args.repeats))
            print(markdown(results[-1:], factor), flush=True)
    else:
        factor = 1.0
        for name in args.instances or ["p1", "p13", "p25", "p41", "p56"]:
            results.append(side_by_side(inst.holmberg(BENCH / "raw" / "holmberg" / f"{name}.txt"), "plain PuLP + HiGHS",
                                        args.repeats))
            print(markdown(results[-1:], factor), flush=True)
    print("\n" + markdown(results, factor))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
