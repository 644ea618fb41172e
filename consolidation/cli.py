"""Command line: ``consolidation run``, ``validate``, ``travel``, ``sweep``, ``province``, ``compare``, ``group``...

Thin: parses, calls the pipeline, owns logging and exit codes
(0 plan found, 2 bad input or scenario, 3 infeasible, 4 no plan within the time limit, 1 anything else).
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__
from .errors import InfeasibleError, PlannerError
from .paths import scenario_folder
from .scenario import load_scenario, reference_markdown

EXIT_OK, EXIT_BUG, EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_NO_SOLUTION = 0, 1, 2, 3, 4
log = logging.getLogger("consolidation")


def _logging(quiet: bool, verbose: bool) -> None:
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger("consolidation")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


@contextmanager
def _solver_progress(time_limit: float, *, show: bool):
    """Show a progress bar of seconds spent solving, out of the time limit, while the solver runs."""
    if not show:
        yield
        return
    from tqdm import tqdm

    done = threading.Event()
    with tqdm(total=round(time_limit), unit="s", desc="solving", leave=False, file=sys.stderr,
              bar_format="{desc} {bar} {n_fmt}/{total_fmt} s (time limit)") as bar:
        def tick() -> None:
            started = time.monotonic()
            while not done.wait(0.5):
                bar.n = min(round(time.monotonic() - started), bar.total)
                bar.refresh()

        thread = threading.Thread(target=tick, daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()


def _infeasible(headline: str, exc: InfeasibleError) -> None:
    """Say why there is no plan, a reason a line, and exit with the infeasible code."""
    click.echo(headline, err=True)
    for reason in exc.reasons:
        click.echo(f"- {reason}", err=True)
    sys.exit(EXIT_INFEASIBLE)


def _fail(exc: BaseException, debug: bool, what: str = "run") -> None:
    if isinstance(exc, KeyboardInterrupt):  # Ctrl-C, or SIGTERM (see _sigterm_as_interrupt)
        click.echo(f"interrupted: no {what} folder was written", err=True)
        sys.exit(130)
    if debug:
        raise exc
    if isinstance(exc, PlannerError):
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    click.echo(f"error: {type(exc).__name__}: {exc} (run again with --debug for the traceback)", err=True)
    sys.exit(EXIT_BUG)


class Seconds(click.ParamType):
    """A positive, finite number of seconds (``--time-limit``).

    0, negative, ``inf`` and ``nan`` are refused by name rather than ignored or passed on to the solver.
    """

    name = "seconds"

    def convert(self, value, param, ctx):
        """Return ``value`` as seconds (float), or fail with a message naming what is wrong."""
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds, e.g. --time-limit 60", param, ctx)
        if seconds != seconds or seconds in (float("inf"), float("-inf")):
            self.fail(f"{value!r} is not a finite number of seconds: give a limit such as --time-limit 600",
                      param, ctx)
        if seconds <= 0:
            self.fail(f"{value!r}: the time limit must be more than 0 seconds, e.g. --time-limit 60", param, ctx)
        return seconds


def _options(*options):
    """Return a decorator that applies click ``options`` so that ``--help`` lists them in the order given."""
    def apply(func):
        for option in reversed(options):
            func = option(func)
        return func

    return apply


# Each option shared by several commands is declared once, here.
OVERWRITE = click.option("--overwrite", is_flag=True,
                         help="Replace the output folder if it exists, only when the planner wrote it and nothing in "
                              "it changed since (see the README's Safety section).")


def lang_option(what: str):
    """``--lang en|zh``: the language of ``what`` (reports, maps, charts)."""
    return click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
                        help=f"Language of {what}.")


with_verbosity = _options(
    click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors."),
    click.option("-v", "--verbose", is_flag=True, help="More detail."),
    click.option("--debug", is_flag=True, help="Show the traceback on errors."),
)
with_overrides = click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
                              help="Override a scenario value, e.g. --set rules.G4_6.max_minutes=45 (repeatable).")


def with_common(func):
    """``--set`` and the verbosity options of every command that reads a scenario."""
    return with_overrides(with_verbosity(func))


def _sigterm_as_interrupt(ctx: click.Context) -> None:
    """Handle SIGTERM like Ctrl-C for the rest of the command; the previous handler is put back after.

    A run stopped by a scheduler or ``kill`` then removes its temporary folder and says nothing was written.
    """
    if threading.current_thread() is not threading.main_thread():
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    ctx.call_on_close(lambda: signal.signal(signal.SIGTERM, previous))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="consolidation")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Plan rural school consolidation: which schools close, which become boarding hubs,
    who travels how long, and what it costs.
    """  # noqa: D205 - the --help text, one paragraph that click rewraps
    _sigterm_as_interrupt(ctx)


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Run folder to write (default: reports/<scenario name>).")
@OVERWRITE
@click.option("--solver", type=click.Choice(["highs", "cbc"]), help="Same as --set solver.name=...")
@click.option("--time-limit", type=Seconds(), metavar="SECONDS",
              help="Same as --set solver.time_limit_s=... (more than 0 seconds).")
@lang_option("the report and map")
@click.option("--save-lp", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also write the model to FILE (LP format, names by school and village IDs) to read it.")
@with_common
def run(scenario: Path, out: Path | None, overwrite: bool, solver: str | None, time_limit: float | None,
        lang: str, save_lp: Path | None, overrides: tuple[str, ...], quiet: bool, verbose: bool, debug: bool) -> None:
    """Solve a scenario and write its run folder (tables, map, report).

    \b
    Examples:
      consolidation run scenarios/baseline.toml
      consolidation run scenarios/baseline.toml --out reports/g46-45 --set rules.G4_6.max_minutes=45
      consolidation run scenarios/baseline.toml --save-lp baseline.lp
    """  # noqa: D301 - --help text: click keeps a \b paragraph as written
    _logging(quiet, verbose)
    extra = list(overrides)
    if solver:
        extra.append(f"solver.name={solver}")
    if time_limit is not None:
        extra.append(f"solver.time_limit_s={time_limit!r}")
    try:
        from .pipeline import run_scenario

        loaded = load_scenario(scenario, extra)
        folder = out if out is not None else Path("reports") / scenario_folder(loaded.scenario.name)
        show = not quiet and sys.stderr.isatty()
        result = run_scenario(loaded, out=folder, overwrite=overwrite, lang=lang,
                              while_solving=lambda limit: _solver_progress(limit, show=show), save_lp=save_lp)
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001
        _fail(exc, debug)
        return
    s = result.summary
    if result.status in ("optimal", "feasible"):
        gap = "" if s.get("gap") is None else f" (gap {s['gap']:.2%})"
        if result.status == "feasible" and s.get("gap") is None:
            gap = " (stopped by the time limit before a bound was proven: the gap is not known)"
        if s.get("programme"):
            _echo_programme(s["programme"], result.programme)
        year = f" {s['year']}" if s.get("year") is not None else ""
        capital = "capital paid that year" if year else "capital"
        click.echo(f"{s['scenario']}{year}: {result.status}{gap}. {s['schools_open']} schools open, "
                   f"{s['schools_closed']} closed, {s['hubs']} hubs; {s['pupils_moved']:,.0f} of "
                   f"{s['pupils_total']:,.0f} pupils move, {s['boarders']:,.0f} board; "
                   f"+{s['places_added']:,.0f} places, +{s['beds_added']:,.0f} beds, {s['buses']:,} buses; "
                   f"public cost {s['cost_public']['total']:,.0f} yuan a year, {capital} "
                   f"{s['capital']['total']:,.0f} yuan; families {s['cost_families']['pupil_minutes']:,.0f} "
                   f"pupil-minutes a day.")
        if s.get("teachers_available") is not None:
            click.echo(f"teachers: {s['teachers_needed']:,.0f} needed of {s['teachers_available']:,.0f}, "
                       f"{s['teachers_redeployed']:,.0f} redeployed, {s['teachers_recruited']:,.0f} posts and "
                       f"{s['life_teachers_recruited']:,.0f} life teachers to recruit, "
                       f"{s['teachers_to_life']:,.0f} turned into life teachers, {s['teachers_surplus']:,.0f} surplus.")
        _echo_why(s)
        click.echo(f"report: {result.out / 'report.html'}")
        sys.exit(EXIT_OK)
    click.echo(f"{s['scenario']}: {result.status}.", err=True)
    for reason in s["reasons"]:
        click.echo(f"- {reason}", err=True)
    click.echo(f"report: {result.out / 'report.html'}", err=True)
    sys.exit(EXIT_INFEASIBLE if result.status == "infeasible" else EXIT_NO_SOLUTION)


def _echo_why(s: dict) -> None:
    """Print how many decisions were re-solved in how many seconds, and the alternative plans found."""
    d, a = s.get("decisions"), s.get("alternatives")
    if d:
        click.echo(f"why each school: {d['resolved']} re-solved in {d['seconds']:.1f} s on {d['workers']} worker(s), "
                   f"{d['not_evaluated']} not evaluated (budget {d['budget_s']:g} s): decisions.csv")
    if a and a["stopped"] != "disabled":
        close = ", ".join(a["close_calls"]) or "none"
        click.echo(f"alternatives: {a['found']} plan(s) within the bound in {a['seconds']:.1f} s; close calls: {close}")


def _echo_programme(p: dict, programme) -> None:
    """Print a programme's lines: the discounted totals, then schools open and closures year by year."""
    click.echo(f"programme {p['first']}-{p['last']}: discounted public cost {p['cost_public_discounted']:,.0f} yuan "
               f"(at {p['discount_rate']:.1%} a year), capital {p['capital_total']:,.0f} yuan; anything built is "
               f"usable {p['lead_years']} year(s) on.")
    if programme is None:
        return
    names = programme.plans[0].schools.set_index("school_id")["name"]
    for row in programme.table.itertuples(index=False):
        ids = [s for s in row.closed_schools.split(";") if s]
        closed = f", closing {', '.join(f'{names.get(s, s)} ({s})' for s in ids)}" if ids else ""
        built = (f", {row.places_built:,.0f} places and {row.beds_built:,.0f} beds newly in use"
                 if row.places_built or row.beds_built else "")
        click.echo(f"  {row.year}: {row.pupils:,.0f} pupils, {row.schools_open} schools open{closed}{built}; "
                   f"public cost {row.cost_public:,.0f} yuan, capital paid {row.capital:,.0f} yuan.")


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@with_common
def validate(scenario: Path, overrides: tuple[str, ...], quiet: bool, verbose: bool, debug: bool) -> None:
    """Check a scenario and its data, and what makes it infeasible when that is cheap to see. Solves nothing.

    \b
    Example:
      consolidation validate scenarios/baseline.toml --set rules.G1_3.max_minutes=20
    """  # noqa: D301 - --help text: click keeps a \b paragraph as written
    _logging(quiet, verbose)
    try:
        from .pipeline import validate as check

        loaded = load_scenario(scenario, list(overrides))
        notes = check(loaded)
    except InfeasibleError as exc:
        _infeasible(f"{scenario}: the data are valid but the scenario cannot have a plan:", exc)
    except Exception as exc:  # noqa: BLE001
        _fail(exc, debug)
        return
    for note in notes:
        click.echo(f"note: {note}")
    click.echo(f"{scenario}: scenario and data are valid.")


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="CSV file to write: origin_id, school_id, mode, minutes, km, snap_m.")
@click.option("--overwrite", is_flag=True, help="Replace FILE if it exists (never a scenario or input file).")
@with_common
def travel(scenario: Path, out: Path, overwrite: bool, overrides: tuple[str, ...], quiet: bool, verbose: bool,
           debug: bool) -> None:
    """Write the travel a run would use, walking and by bus, between every village and school. Solves nothing.

    Along the road network of [inputs] roads when given (with the metres walked to and from the roads, snap_m),
    else straight line x travel.detour; pairs the travel file lists take its minutes. Pairs beyond the longest
    trip any rule allows are left out when travelling along roads.

    \b
    Example:
      consolidation travel scenarios/roads.toml --out travel.csv
    """  # noqa: D301 - --help text: click keeps a \b paragraph as written
    _logging(quiet, verbose)
    try:
        from .pipeline import write_travel

        loaded = load_scenario(scenario, list(overrides))
        path, rows = write_travel(loaded, out, overwrite=overwrite)
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001
        _fail(exc, debug, what="travel")
        return
    click.echo(f"travel: {rows:,} rows (origin, school, mode) written to {path}")


@contextmanager
def _run_progress(total: int, *, show: bool):
    """Show a progress bar of runs done, with how many are running; yield its update callback."""
    if not show:
        yield lambda result, done, running: None
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="run", desc="runs", file=sys.stderr) as bar:
        def update(result, done: int, running: int) -> None:
            bar.n = done
            bar.set_postfix_str(f"{running} running" + (f", last: {result.name} {result.status}" if result else ""))
            bar.refresh()

        yield update


def _failed_runs(table):
    """Return the rows of a sweep or province table whose run has no plan."""
    return table[~table["status"].isin(["optimal", "feasible"])]


def _say_failed(failed, label: str, folder: Path) -> None:
    """Print each failed run on stderr, one line each, named by its ``label`` column.

    The details are in the folder's failures.log.
    """
    from .parallel import one_line

    for name, status, error in zip(failed[label], failed["status"], failed["error"]):
        text = one_line(error if isinstance(error, str) else "", limit=200)
        click.echo(f"- {name}: {status}" + (f": {text}" if text else ""), err=True)
    if len(failed) and (folder / "failures.log").exists():
        click.echo(f"details: {folder / 'failures.log'}", err=True)


with_parallel = _options(
    click.option("--workers", type=click.IntRange(min=1), metavar="N", help="Worker processes of the local Dask "
                 "cluster, at least 1 (default: one per core)."),
    click.option("--scheduler", metavar="ADDRESS", help="Use an existing Dask cluster, e.g. tcp://host:8786 "
                 "(its workers need this package and the data at the same paths)."),
    click.option("--serial", is_flag=True, help="Run one after another in this process, without Dask."),
    OVERWRITE,
    lang_option("reports, maps and charts"),
)


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--vary", multiple=True, metavar="KEY=V1,V2,...",
              help="Values of one scenario key to try, e.g. --vary rules.G4_6.max_minutes=30,40,50,60 (repeatable: "
                   "every combination runs). Default: the scenario's [sweep] table.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Sweep folder (default: reports/<scenario name>-sweep).")
@click.option("--max-runs", type=click.IntRange(min=1), default=1000, show_default=True, metavar="N",
              help="Refuse a sweep of more runs than this (every combination of the --vary values).")
@with_parallel
@with_common
def sweep(scenario: Path, vary: tuple[str, ...], out: Path | None, max_runs: int, workers: int | None,
          scheduler: str | None, serial: bool, overwrite: bool, lang: str, overrides: tuple[str, ...], quiet: bool,
          verbose: bool, debug: bool) -> None:
    """Run every combination of a few scenario values and draw the cost-versus-travel trade-off.

    \b
    Writes runs/<one folder per run>, sweep.csv (a row per run), tradeoff.png, and failures.log
    (the details of each run without a plan) when some run has none.
    Examples:
      consolidation sweep scenarios/baseline.toml --vary rules.G4_6.max_minutes=30,40,50,60
      consolidation sweep scenarios/young_by_bus.toml --vary costs.per_pupil_minute=25,50,100,200 --workers 2
    """  # noqa: D301,D406,D407,D411 - --help text: click keeps a \b paragraph as written
    _logging(quiet, verbose)
    try:
        from .sweep import check_size, parse_vary, run_sweep, sweep_values

        values = sweep_values(scenario, parse_vary(vary))
        runs = check_size(values, max_runs)
        name = load_scenario(scenario, list(overrides)).scenario.name
        folder = out if out is not None else Path("reports") / scenario_folder(name, "-sweep")
        with _run_progress(runs, show=not quiet and sys.stderr.isatty()) as update:
            result = run_sweep(scenario, values, folder, base_overrides=tuple(overrides), serial=serial,
                               scheduler=scheduler, workers=workers, overwrite=overwrite, lang=lang,
                               max_runs=max_runs, on_update=update)
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001
        _fail(exc, debug, "sweep")
        return
    table = result.table
    failed = _failed_runs(table)
    front = table[table["pareto_mean"] | table["pareto_max"]]
    click.echo(f"{len(table)} runs, {len(table) - len(failed)} with a plan; not dominated: "
               + ("; ".join(front["label"]) or "none") + ".")
    _say_failed(failed, "label", result.out)
    click.echo(f"table: {result.out / 'sweep.csv'}")
    if (result.out / "tradeoff.png").exists():
        click.echo(f"chart: {result.out / 'tradeoff.png'}")
    sys.exit(EXIT_OK if failed.empty else EXIT_INFEASIBLE)


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path), required=False)
@click.option("--scenario", "scenario", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Base scenario every county is planned with.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Province folder (default: reports/<scenario name>-province).")
@with_parallel
@with_common
def province(folder: Path | None, scenario: Path, out: Path | None, workers: int | None, scheduler: str | None,
             serial: bool, overwrite: bool, lang: str, overrides: tuple[str, ...], quiet: bool, verbose: bool,
             debug: bool) -> None:
    """Plan many counties at once, one task per county, with a province table and map.

    \b
    FOLDER holds one folder per county, each with schools.csv (and villages.csv, travel.csv,
    boundary.geojson if it has them). Without FOLDER, the scenario's schools and villages files
    are split by their county column.
    Examples:
      consolidation province province/ --scenario scenarios/baseline.toml --workers 2
      consolidation province --scenario province.toml
    """  # noqa: D301,D406,D407,D411 - --help text: click keeps a \b paragraph as written
    _logging(quiet, verbose)
    try:
        from .province import county_folders, run_province

        name = load_scenario(scenario, list(overrides)).scenario.name
        target = out if out is not None else Path("reports") / scenario_folder(name, "-province")
        n = len(county_folders(folder)) if folder is not None else 0
        with _run_progress(n or 1, show=not quiet and sys.stderr.isatty() and n > 0) as update:
            result = run_province(folder, scenario, target, base_overrides=tuple(overrides), serial=serial,
                                  scheduler=scheduler, workers=workers, overwrite=overwrite, lang=lang,
                                  on_update=update)
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001
        _fail(exc, debug, "province")
        return
    table = result.table
    failed = _failed_runs(table)
    click.echo(f"{len(table)} counties, {len(table) - len(failed)} with a plan: "
               f"{pd_sum(table, 'schools_closed')} schools closed, {pd_sum(table, 'hubs')} hubs, "
               f"{pd_sum(table, 'pupils_moved')} pupils moved.")
    _say_failed(failed, "county", result.out)
    click.echo(f"table: {result.out / 'province.csv'}")
    sys.exit(EXIT_OK if failed.empty else EXIT_INFEASIBLE)


@main.command()
@click.argument("run_dirs", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write comparison.html and comparison.pdf into.")
@lang_option("the comparison")
@click.option("--force", is_flag=True, help="Compare runs made from different input data anyway.")
@OVERWRITE
@with_verbosity
def compare(run_dirs: tuple[Path, ...], out: Path, lang: str, force: bool, overwrite: bool, quiet: bool,
            verbose: bool, debug: bool) -> None:
    """Compare finished run folders side by side (never re-solves).

    \b
    The first run is the reference: differences are marked against it.
    Writes comparison.html (self-contained) and comparison.pdf.
    Examples:
      consolidation compare reports/baseline reports/g4_6_day_60min reports/young_by_bus --out reports/compare
      consolidation compare reports/baseline-sweep/runs/* --out reports/sweep-compare --lang zh
    """  # noqa: D301,D406,D407,D411 - --help text: click keeps a \b paragraph as written
    _logging(quiet, verbose)
    try:
        from .compare import compare_runs

        folder = compare_runs(run_dirs, out, lang=lang, force=force, overwrite=overwrite)
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001
        _fail(exc, debug, "comparison")
        return
    click.echo(f"compared {len(run_dirs)} runs (reference: {run_dirs[0]}).")
    click.echo(f"report: {folder / 'comparison.html'}")
    click.echo(f"print:  {folder / 'comparison.pdf'}")
    sys.exit(EXIT_OK)


def pd_sum(table, column: str) -> str:
    """Return a column's total, formatted, ignoring runs without a plan."""
    import pandas as pd

    return f"{pd.to_numeric(table[column], errors='coerce').sum():,.0f}"


@main.command()
def reference() -> None:
    """Print every scenario key with its default and meaning, then the model's rule families (Markdown)."""
    from .families import families_markdown

    click.echo(reference_markdown())
    click.echo("\n## Rule families\n")
    click.echo(families_markdown())


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write (default: reports/<scenario name>-groups).")
@OVERWRITE
@lang_option("the page and map")
@with_common
def group(scenario: Path, out: Path | None, overwrite: bool, lang: str, overrides: tuple[str, ...], quiet: bool,
          verbose: bool, debug: bool) -> None:
    """Form education groups (1+N): core schools and their member schools within the teachers' travel limit.

    \b
    Every school not locked closed takes part (or those of groups.schools); the rules are the
    scenario's [groups] section. Writes groups.csv, groups.png, groups.html and run.json.
    Examples:
      consolidation group scenarios/bincheng_groups.toml
      consolidation group scenarios/baseline.toml --set groups.count=8 --set groups.max_minutes=50
    """  # noqa: D301,D406,D407,D411 - --help text: click keeps a \b paragraph as written
    _logging(quiet, verbose)
    try:
        from .pipeline import group_scenario

        loaded = load_scenario(scenario, list(overrides))
        folder = out if out is not None else Path("reports") / scenario_folder(loaded.scenario.name, "-groups")
        result, written = group_scenario(loaded, out=folder, overwrite=overwrite, lang=lang)
    except InfeasibleError as exc:
        if debug:
            raise
        _infeasible(f"{scenario}: no education grouping meets the rules:", exc)
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001
        _fail(exc, debug, "group")
        return
    click.echo(f"{loaded.scenario.name}: {result.status}. {result.describe()}; teachers' trips "
               f"{result.summary()['teacher_minutes']:,.1f} min one way in all.")
    click.echo(f"report: {written / 'groups.html'}")
    sys.exit(EXIT_OK)


if __name__ == "__main__":
    main()
