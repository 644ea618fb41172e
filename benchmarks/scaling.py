"""Scaling: synthetic counties of growing size, each stage timed, each size in a fresh process.

    python benchmarks/scaling.py [--quick] [--seed 1] [--time-limit 300] [--gap 0.001] [--no-profile]

Counties come from :func:`consolidation.synthetic.make_county` in the generic 30 km square
(``boundary=None``), all three bands, and are planned under the rules of ``scenarios/young_by_bus.toml``
(every value resolved and written into a scenario file beside the generated CSVs; only the inputs,
the solver's gap and time limit differ). Stages are timed through the library's stage functions:
``pipeline.prepare`` (read + pairs), ``model.build_model``, ``solve.solve``, ``plan.make_plan``.

Realistic travel limits give ~80,000 eligible pairs at 3,000 villages, so the largest build is repeated
on a county with more hub schools and no travel limits (~500,000 pairs), built and handed to HiGHS but
not solved, and profiled with cProfile. The chart goes to ``benchmarks/scaling.png``.
"""

from __future__ import annotations

import argparse
import cProfile
import math
import pstats
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import REPO, fmt, in_child, machine_markdown, md_table, peak_mib  # noqa: E402

RULES_FROM = REPO / "scenarios" / "young_by_bus.toml"
CHART = Path(__file__).resolve().parent / "scaling.png"

# (villages, schools): solved with young_by_bus's travel limits.
SIZES = ((100, 20), (300, 50), (1000, 100), (3000, 200))
QUICK_SIZES = ((100, 20), (300, 50))
# (villages, small, township, city schools): built without travel limits, not solved.
BUILD_ONLY = ((1000, 84, 12, 4), (3000, 172, 20, 8), (3000, 316, 70, 14))
QUICK_BUILD_ONLY = ((300, 43, 5, 2),)

TARGET_BUILD_SHARE = 0.10
TARGET_BUILD_S, TARGET_PAIRS = 2.0, 500_000
TARGET_COUNTY, TARGET_SOLVE_S, TARGET_GAP = (1000, 100), 60.0, 0.001


def school_mix(n_schools: int) -> tuple[int, int, int]:
    """Split a school count into village, township and city schools.

    A township school (one valley) per ten schools, a city school per 25, the rest village primaries and
    teaching points.
    """
    township = max(2, round(n_schools / 10))
    city = max(2, round(n_schools / 25))
    return n_schools - township - city, township, city


def school_mix_dict(n_schools: int) -> dict:
    """:func:`school_mix` as a dict (a cheap child-process entry for tests)."""
    return {"mix": list(school_mix(n_schools))}


def write_case(folder: Path, n_villages: int, small: int, township: int, city: int, *, seed: int,
               limits: bool = True, gap: float = 0.001, time_limit: float = 300.0) -> Path:
    """Generate a county into ``folder`` and write its scenario (young_by_bus's rules); return its path."""
    import tomli_w

    from consolidation.scenario import load_scenario, resolved_dict
    from consolidation.synthetic import make_county, write_county

    schools, villages = make_county(boundary=None, seed=seed, n_villages=n_villages, n_small_schools=small,
                                    n_township_schools=township, n_city_schools=city)
    write_county(schools, villages, folder)
    data = resolved_dict(load_scenario(RULES_FROM).scenario)
    data["name"] = f"scaling_{n_villages}x{small + township + city}" + ("" if limits else "_nolimits")
    data["description"] = "Synthetic county for the scaling benchmark, under young_by_bus's rules."
    data["inputs"] = {"schools": "schools.csv", "villages": "villages.csv"}
    data["solver"].update({"gap": gap, "time_limit_s": time_limit})
    if not limits:
        for rule in data["rules"].values():
            rule.pop("max_minutes", None)  # absent: no travel limit for the band
    path = folder / "scenario.toml"
    path.write_text(tomli_w.dumps(data))
    return path


def measure(scenario: str, solve: bool = True) -> dict:
    """Child-process entry: time each stage of one scenario; memory as peak MiB after each stage."""
    from consolidation.checks import infeasibility_reasons
    from consolidation.model import build_model
    from consolidation.pipeline import prepare
    from consolidation.plan import make_plan
    from consolidation.scenario import load_scenario
    from consolidation.solve import solve as solve_model

    loaded = load_scenario(scenario)
    s = loaded.scenario
    out: dict = {}
    t0 = time.perf_counter()
    inputs, pairs = prepare(loaded)
    out["prepare_s"] = time.perf_counter() - t0
    out["prepare_mib"] = peak_mib()
    out.update(villages=len(inputs.origins), schools=len(inputs.schools), pairs=len(pairs.table),
               boarding_pairs=int(pairs.table["boards"].sum()), origin_bands=len(pairs.demand),
               pupils=float(pairs.demand["pupils"].sum()))
    reasons = infeasibility_reasons(pairs, inputs, s)
    if reasons:
        return {**out, "status": "infeasible (checks)", "reasons": reasons[:3]}
    t0 = time.perf_counter()
    model = build_model(pairs, inputs, s)
    out["build_s"] = time.perf_counter() - t0
    out["build_mib"] = peak_mib()
    out.update(variables=model.problem.numVariables(), constraints=model.problem.numConstraints())
    if not solve:
        out["status"] = "built"
        try:  # the first step of a solve: hand the model to HiGHS (not part of the build)
            import highspy

            from consolidation.solve import _BulkHiGHS

            model.problem.solverModel = highspy.Highs()
            t0 = time.perf_counter()
            _BulkHiGHS(msg=False).buildSolverModel(model.problem)
            out["handover_s"] = time.perf_counter() - t0
        except Exception as exc:  # noqa: BLE001 - an internal API; the measurement is optional
            out["handover_error"] = f"{type(exc).__name__}: {exc}"
        return out
    t0 = time.perf_counter()
    outcome = solve_model(model, s.solver)
    out["solve_s"] = time.perf_counter() - t0
    highs = getattr(model.problem, "solverModel", None)
    out["highs_s"] = float(highs.getRunTime()) if highs is not None and hasattr(highs, "getRunTime") else None
    out.update(status=outcome.status, gap=outcome.gap, objective=outcome.objective)
    if outcome.has_plan:
        t0 = time.perf_counter()
        plan = make_plan(outcome, pairs, inputs, s)
        out["plan_s"] = time.perf_counter() - t0
        out.update(open=plan.summary["schools_open"], closed=plan.summary["schools_closed"],
                   boarders=plan.summary["boarders"], objective=plan.summary["objective"])
    return out


def profile_build(scenario: str, top: int = 12) -> dict:
    """Child-process entry: cProfile of ``build_model``.

    Returns the model code's functions by cumulative time and the top functions overall by own time.
    """
    from consolidation.model import build_model
    from consolidation.pipeline import prepare
    from consolidation.scenario import load_scenario

    loaded = load_scenario(scenario)
    inputs, pairs = prepare(loaded)
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    build_model(pairs, inputs, loaded.scenario)
    profiler.disable()
    wall = time.perf_counter() - t0
    stats = pstats.Stats(profiler).stats  # {(file, line, func): (cc, nc, tottime, cumtime, callers)}
    rows = [{"function": f"{Path(file).name}:{line}({func})", "file": file, "calls": nc, "own_s": tt, "cum_s": ct}
            for (file, line, func), (cc, nc, tt, ct, _) in stats.items()]
    model_rows = sorted((r for r in rows if r["file"].endswith("consolidation/model.py")),
                        key=lambda r: -r["cum_s"])
    own = sorted(rows, key=lambda r: -r["own_s"])[:top]
    return {"pairs": len(pairs.table), "profiled_s": wall, "model": model_rows[:top], "own": own}


def run_sizes(workdir: Path, sizes, build_only, *, seed: int, gap: float, time_limit: float,
              profile: bool = True) -> dict:
    """Generate every county, measure each in its own process; returns ``{"solved", "built", "profile"}``."""
    solved, built = [], []
    child_timeout = time_limit * 2 + 300
    for n_villages, n_schools in sizes:
        small, township, city = school_mix(n_schools)
        folder = workdir / f"v{n_villages}_s{n_schools}"
        t0 = time.perf_counter()
        path = write_case(folder, n_villages, small, township, city, seed=seed, gap=gap, time_limit=time_limit)
        generate_s = time.perf_counter() - t0
        r = in_child("scaling.measure", timeout=child_timeout, scenario=str(path), solve=True)
        solved.append({**r, "generate_s": generate_s, "mix": (small, township, city)})
        print(f"  solved {n_villages} villages x {n_schools} schools: {r['pairs']:,} pairs, {r['status']}, "
              f"solve {r.get('solve_s', 0):.1f} s", file=sys.stderr, flush=True)
    for n_villages, small, township, city in build_only:
        folder = workdir / f"v{n_villages}_s{small + township + city}_nolimits"
        path = write_case(folder, n_villages, small, township, city, seed=seed, limits=False)
        r = in_child("scaling.measure", timeout=1800, scenario=str(path), solve=False)
        built.append({**r, "mix": (small, township, city), "scenario": str(path)})
        print(f"  built {n_villages} villages x {small + township + city} schools without limits: "
              f"{r['pairs']:,} pairs, build {r['build_s']:.1f} s", file=sys.stderr, flush=True)
    prof = None
    if profile and built:
        prof = in_child("scaling.profile_build", timeout=1800, scenario=built[-1]["scenario"])
    return {"solved": solved, "built": built, "profile": prof}


def _total(r: dict) -> float:
    return sum(r.get(k) or 0.0 for k in ("prepare_s", "build_s", "solve_s", "plan_s"))


def chart(results: dict, path: Path = CHART) -> Path:
    """Log-log chart of seconds (build, solve, total) against eligible pair variables."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    solved = [r for r in results["solved"] if r.get("build_s")]
    fig = Figure(figsize=(7.5, 5), dpi=130)
    ax = fig.add_subplot(1, 1, 1)
    x = [r["pairs"] for r in solved]
    series = [("total (read to verified plan)", [_total(r) for r in solved], "#333333", "o-"),
              ("solve (PuLP to HiGHS and back)", [r.get("solve_s") for r in solved], "#c0392b", "s-"),
              ("HiGHS alone", [r.get("highs_s") for r in solved], "#e67e22", "v:"),
              ("model build (PuLP)", [r["build_s"] for r in solved], "#2c5d8a", "^-")]
    for label, y, colour, style in series:
        pts = [(a, b) for a, b in zip(x, y) if b]
        if pts:
            ax.plot(*zip(*pts), style, color=colour, label=label)
    for r in solved:
        ax.annotate(f"{r['villages']:,} x {r['schools']}", (r["pairs"], _total(r)), textcoords="offset points",
                    xytext=(4, 6), fontsize=7, color="#555555")
    built = results.get("built") or []
    if built:
        ax.plot([r["pairs"] for r in built], [r["build_s"] for r in built], "^--", color="#2c5d8a",
                markerfacecolor="white", label="model build, no travel limits (not solved)")
    ax.plot([TARGET_PAIRS], [TARGET_BUILD_S], "x", color="#27ae60", markersize=10, markeredgewidth=2,
            label=f"target: build < {TARGET_BUILD_S:g} s at {TARGET_PAIRS:,} pairs")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("eligible pair variables (village x band x school)")
    ax.set_ylabel("seconds")
    ax.set_title("Scaling on synthetic counties (young_by_bus rules)", fontsize=11)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    return path


def _model_mib(r: dict) -> float | None:
    """How much the build raised the peak memory: the model's memory, MiB."""
    if r.get("build_mib") is None or r.get("prepare_mib") is None:
        return None
    return r["build_mib"] - r["prepare_mib"]


def _model_cells(r: dict) -> list[str]:
    mib = _model_mib(r)
    if mib is None:
        return ["-", "-"]
    return [fmt(mib, 0), f"{mib / r['pairs'] * 1000:.2f}" if r["pairs"] else "-"]


def markdown(results: dict, *, gap: float, time_limit: float, seed: int) -> str:
    """Return the scaling tables in Markdown: solved sizes, built-only sizes, targets and the profile."""
    solved, built, prof = results["solved"], results["built"], results["profile"]
    parts = [md_table(
        ["villages", "schools", "pair variables", "constraints", "read+pairs s", "build s", "solve s",
         "of which HiGHS s", "plan s", "total s", "status", "gap", "peak MiB", "model MiB",
         "model MiB per 1k pairs", "build / solve"],
        [[f"{r['villages']:,}", r["schools"], f"{r['pairs']:,}", f"{r['constraints']:,}" if "constraints" in r else "-",
          fmt(r["prepare_s"]), fmt(r.get("build_s")), fmt(r.get("solve_s")), fmt(r.get("highs_s")),
          fmt(r.get("plan_s")), fmt(_total(r)), r["status"],
          "-" if r.get("gap") is None else f"{r['gap']:.3%}", fmt(r["peak_mib"], 0), *_model_cells(r),
          f"{r['build_s'] / r['solve_s']:.0%}" if r.get("solve_s") else "-"] for r in solved])]
    mixes = "; ".join(f"{r['schools']} = {r['mix'][0]} village + {r['mix'][1]} township + {r['mix'][2]} city"
                      for r in solved)
    parts.append(f"\nSeed {seed}, the generic 30 km square, young_by_bus's rules and costs, solver gap {gap:g} "
                 f"({gap:.1%}), time limit {time_limit:g} s, HiGHS threads: its default. Schools: {mixes}. "
                 "\"solve s\" is `solve.solve` (PuLP hands the model to HiGHS, HiGHS runs, PuLP reads the values "
                 "back); \"of which HiGHS s\" is HiGHS's own run time. \"peak MiB\" is the process's peak resident "
                 "memory (about 100 MiB of it is Python with the planner imported); \"model MiB\" is how much "
                 "the build raised it. Each size in a fresh process.")
    if built:
        parts.append("\nWithout travel limits (more hub schools; built and handed to HiGHS, not solved):\n")
        parts.append(md_table(
            ["villages", "schools", "pair variables", "constraints", "build s", "µs per pair", "handover to HiGHS s",
             "peak MiB", "model MiB", "model MiB per 1k pairs"],
            [[f"{r['villages']:,}", r["schools"], f"{r['pairs']:,}", f"{r['constraints']:,}", fmt(r["build_s"]),
              f"{r['build_s'] / r['pairs'] * 1e6:.1f}", fmt(r.get("handover_s")), fmt(r["peak_mib"], 0),
              *_model_cells(r)] for r in built]))
    parts.append("\n" + targets(results))
    if prof:
        parts.append(f"\nWhere the build time goes (cProfile of `build_model`, {prof['pairs']:,} pairs, "
                     f"{prof['profiled_s']:.1f} s under the profiler). Model code, by cumulative time:\n")
        parts.append(md_table(["function", "calls", "cumulative s", "share"],
                              [[f"`{r['function']}`", f"{r['calls']:,}", fmt(r["cum_s"]),
                                f"{r['cum_s'] / prof['profiled_s']:.0%}"] for r in prof["model"]]))
        parts.append("\nTop functions by own time:\n")
        parts.append(md_table(["function", "calls", "own s", "cumulative s"],
                              [[f"`{r['function']}`", f"{r['calls']:,}", fmt(r["own_s"]), fmt(r["cum_s"])]
                               for r in prof["own"]]))
    return "\n".join(parts)


def _interpolate_build(points: list[dict], pairs: int) -> float | None:
    """Return build seconds at ``pairs``, interpolated from the two measured sizes around it.

    The interpolation is linear; outside the measured sizes, scaled from the nearest one.
    """
    pts = sorted((r["pairs"], r["build_s"]) for r in points if r.get("build_s"))
    if not pts:
        return None
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        if x0 <= pairs <= x1:
            return y0 + (y1 - y0) * (pairs - x0) / (x1 - x0)
    x, y = min(pts, key=lambda p: abs(math.log(p[0] / pairs)))
    return y * pairs / x


def targets(results: dict) -> str:
    """Return the targets, each met or not, with the measured number."""
    solved, built = results["solved"], results["built"]
    lines = ["Targets:", ""]
    every = [r for r in solved + built if r.get("build_s")]
    at_target = _interpolate_build(every, TARGET_PAIRS)
    largest = max(every, key=lambda r: r["pairs"]) if every else None
    if at_target is not None:
        how = "measured" if largest and abs(largest["pairs"] - TARGET_PAIRS) < 0.05 * TARGET_PAIRS else "estimated"
        met = "met" if at_target < TARGET_BUILD_S else "**not met**"
        lines.append(f"- Model build under {TARGET_BUILD_S:g} s at {TARGET_PAIRS:,} pair variables: {met}: "
                     f"{at_target:.1f} s ({how}; largest build {largest['pairs']:,} pairs in "
                     f"{largest['build_s']:.1f} s).")
    with_solve = [r for r in solved if r.get("solve_s") and r.get("build_s")]
    if with_solve:
        big = max(with_solve, key=lambda r: r["pairs"])
        share = big["build_s"] / big["solve_s"]
        shares = ", ".join(f"{r['build_s'] / r['solve_s']:.0%} at {r['pairs']:,}" for r in with_solve)
        met = "met" if share <= TARGET_BUILD_SHARE else "**not met**"
        lines.append(f"- Model build at most {TARGET_BUILD_SHARE:.0%} of solve time: {met} at the largest solved "
                     f"size ({share:.0%}: {big['build_s']:.2f} s build, {big['solve_s']:.2f} s solve); by size: "
                     f"{shares} pairs.")
        if at_target is not None and big["pairs"] < 0.5 * TARGET_PAIRS:
            lines.append(f"  No county with realistic limits reaches {TARGET_PAIRS:,} pairs; there the build alone "
                         f"takes {at_target:.1f} s, so it stays within {TARGET_BUILD_SHARE:.0%} only for solves "
                         f"of {at_target / TARGET_BUILD_SHARE:.0f} s or more.")
    county = [r for r in solved if (r["villages"], r["schools"]) == TARGET_COUNTY]
    if county:
        r = county[0]
        ok = r["status"] == "optimal" and r.get("gap") is not None and r["gap"] <= TARGET_GAP + 1e-12 \
            and _total(r) <= TARGET_SOLVE_S
        gap = "-" if r.get("gap") is None else f"{r['gap']:.3%}"
        lines.append(f"- {TARGET_COUNTY[0]:,} villages x {TARGET_COUNTY[1]} schools x 3 bands proven optimal "
                     f"(gap <= {TARGET_GAP:.1%}) within {TARGET_SOLVE_S:g} s: {'met' if ok else '**not met**'}: "
                     f"{r['status']}, gap {gap}, "
                     f"{_total(r):.1f} s from reading to verified plan ({r.get('solve_s', 0):.1f} s solve).")
    mem = [r for r in solved + built if (_model_mib(r) or 0) > 0 and r["pairs"] >= 10_000]
    if len(mem) >= 3:
        import numpy as np

        x = np.array([r["pairs"] for r in mem], float)
        y = np.array([_model_mib(r) for r in mem], float)
        slope, intercept = np.polyfit(x, y, 1)
        worst = float(np.max(np.abs(intercept + slope * x - y) / y))
        verdict = "met" if worst <= 0.2 and slope > 0 else "**not met**"
        lines.append(f"- Memory linear in eligible pairs: {verdict} for the model: {slope * 1000:.2f} MiB per 1,000 "
                     f"pairs {'+' if intercept >= 0 else '-'} {abs(intercept):.0f} MiB fits every size from "
                     f"{int(x.min()):,} to {int(x.max()):,} pairs within {worst:.0%} (the rise of the peak during "
                     "the build).")
        with_peak = [r for r in solved if r.get("solve_s") and r["pairs"] >= 10_000]
        if with_peak:
            per = ", ".join(f"{(r['peak_mib'] - r['prepare_mib']) / r['pairs'] * 1000:.1f} at {r['pairs']:,}"
                            for r in with_peak)
            lines.append(f"  With the solve (PuLP model, HiGHS's copy and its search), the peak rises by MiB per "
                         f"1,000 pairs: {per} pairs.")
    return "\n".join(lines)


def section(*, quick: bool = False, seed: int = 1, gap: float = 0.001, time_limit: float | None = None,
            profile: bool = True, chart_path: Path | None = None) -> str:
    """Run the scaling benchmark and return its Markdown.

    Draws the chart to ``chart_path`` (default: ``benchmarks/scaling.png`` for the full run, none for
    ``quick``).
    """
    if chart_path is None and not quick:
        chart_path = CHART
    time_limit = time_limit or (60.0 if quick else 300.0)
    with tempfile.TemporaryDirectory(prefix="consolidation-scaling-") as tmp:
        results = run_sizes(Path(tmp), QUICK_SIZES if quick else SIZES, QUICK_BUILD_ONLY if quick else BUILD_ONLY,
                            seed=seed, gap=gap, time_limit=time_limit, profile=profile)
    head = "### Scaling on synthetic counties\n\n"
    text = head + markdown(results, gap=gap, time_limit=time_limit, seed=seed)
    if chart_path is not None:
        chart(results, chart_path)
        text += f"\n\n![Seconds against pair variables]({chart_path.name})"
    return text


def main(argv: list[str] | None = None) -> int:
    """Run the scaling benchmark of the command line and print it; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only (a smoke run)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--gap", type=float, default=0.001, help="solver gap (default 0.001 = 0.1 %%)")
    parser.add_argument("--time-limit", type=float, default=None, help="seconds per solve (default 300; quick 60)")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile of the largest build")
    parser.add_argument("--chart", type=Path, default=None,
                        help="where to draw the chart (default benchmarks/scaling.png; none with --quick)")
    args = parser.parse_args(argv)
    print(machine_markdown() + "\n")
    print(section(quick=args.quick, seed=args.seed, gap=args.gap, time_limit=args.time_limit,
                  profile=not args.no_profile, chart_path=args.chart))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
