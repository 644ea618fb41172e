"""Programmes: a six-year programme on a synthetic county, next to the one-year plan of its first year.

    python benchmarks/programme_bench.py [--quick] [--seed 1] [--time-limit 600] [--gap 0.01]

The county comes from :func:`consolidation.synthetic.make_county` (1,000 villages x 100 schools; ``--quick``
300 x 50) under the rules of ``scenarios/young_by_bus.toml`` (:func:`benchmarks.scaling.write_case`), with
``[years]`` 2026-2031, the national births series of ``scenarios/programme.toml`` and its other programme
settings. Each run is in a fresh process; the stages are the pipeline's (``pipeline.run_scenario`` without a
run folder) and its own stage timings.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tomllib
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import REPO, fmt, in_child, machine_markdown, md_table  # noqa: E402

PROGRAMME = REPO / "scenarios" / "programme.toml"
SIZE, QUICK_SIZE = (1000, 100), (300, 50)
TARGET_S, TARGET_GAP = 600.0, 0.01


def programme_settings() -> dict:
    """Return the ``[years]`` table of ``scenarios/programme.toml`` (the example programme's settings)."""
    return tomllib.loads(PROGRAMME.read_text())["years"]


def write_programme(folder: Path, n_villages: int, n_schools: int, *, seed: int, gap: float,
                    time_limit: float, years: bool = True) -> Path:
    """Write a synthetic county and its scenario with (or, ``years=False``, without) the programme's years."""
    import tomli_w

    from benchmarks.scaling import school_mix, write_case

    path = write_case(folder, n_villages, *school_mix(n_schools), seed=seed, gap=gap, time_limit=time_limit)
    data = tomllib.loads(path.read_text())
    if years:
        data["years"] = programme_settings()
        data["name"] += "_programme"
    path.write_text(tomli_w.dumps(data))
    return path


def measure(scenario: str) -> dict:
    """Child-process entry: run one scenario through the pipeline (no run folder) and return its figures."""
    from consolidation.pipeline import run_scenario
    from consolidation.scenario import load_scenario

    t0 = time.perf_counter()
    result = run_scenario(load_scenario(scenario))
    out = {"total_s": time.perf_counter() - t0, "status": result.status, "gap": result.summary.get("gap")}
    if result.programme is not None:
        p = result.programme
        out.update(years=len(p.years), open_first=int(p.table["schools_open"].iat[0]),
                   open_last=int(p.table["schools_open"].iat[-1]), closures=int(p.table["closures"].sum()),
                   capital=float(p.capital["total"].sum()), objective=p.summary["objective"],
                   pupils_first=float(p.table["pupils"].iat[0]), pupils_last=float(p.table["pupils"].iat[-1]))
    elif result.plan is not None:
        out.update(years=1, open_first=result.summary["schools_open"], open_last=result.summary["schools_open"],
                   closures=result.summary["schools_closed"], capital=result.summary["capital"]["total"],
                   objective=result.summary["objective"], pupils_first=result.summary["pupils_total"],
                   pupils_last=result.summary["pupils_total"])
    return out


def section(quick: bool = False, seed: int = 1, time_limit: float = TARGET_S, gap: float = TARGET_GAP) -> str:
    """Run the one-year plan and the programme on one county; return the Markdown section."""
    n_villages, n_schools = QUICK_SIZE if quick else SIZE
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for years in (False, True):
            folder = Path(tmp) / ("programme" if years else "one_year")
            folder.mkdir()
            path = write_programme(folder, n_villages, n_schools, seed=seed, gap=gap, time_limit=time_limit,
                                   years=years)
            r = in_child("programme_bench.measure", scenario=str(path))
            rows.append(["2026-2031" if years else "2026 alone", r.get("years", ""), r["status"],
                         fmt(100 * r["gap"], 2) + " %" if r.get("gap") is not None else "",
                         fmt(r["total_s"], 1), r.get("open_first", ""), r.get("open_last", ""), r.get("closures", ""),
                         f"{r.get('capital', 0):,.0f}", f"{r.get('pupils_first', 0):,.0f}",
                         f"{r.get('pupils_last', 0):,.0f}"])
    met = rows[1][2] in ("optimal", "feasible") and rows[1][3] and float(rows[1][3].split()[0]) <= 100 * TARGET_GAP \
        and float(rows[1][4]) <= TARGET_S
    table = md_table(["plan", "years", "status", "gap", "seconds", "open first year", "open last year", "closures",
                      "capital (yuan)", "pupils first year", "pupils last year"], rows)
    return (f"### Programme: {n_villages:,} villages x {n_schools} schools over six years\n\n"
            f"Synthetic county (seed {seed}) under young_by_bus's rules with scenarios/programme.toml's years; "
            f"gap {gap:g}, time limit {time_limit:g} s (build and solve), the whole pipeline timed.\n\n{table}\n\n"
            f"Target: the six-year programme proven within {TARGET_GAP:.0%} in under {TARGET_S:.0f} s: "
            f"{'met' if met else 'not met'}.")


def main(argv: list[str] | None = None) -> int:
    """Print the section with the machine it ran on."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SIZE[0]} villages x {QUICK_SIZE[1]} schools")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=TARGET_S)
    parser.add_argument("--gap", type=float, default=TARGET_GAP)
    args = parser.parse_args(argv)
    print(machine_markdown() + "\n")
    print(section(quick=args.quick, seed=args.seed, time_limit=args.time_limit, gap=args.gap))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
