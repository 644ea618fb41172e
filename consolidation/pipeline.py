"""Run the stages in order for one scenario: the one function the CLI (and later, parallel runners) call.

Each stage logs one line with its counts and seconds. Library code never prints.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime, UTC
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from collections.abc import Callable

from .alternatives import Alternatives, find_alternatives, summary_of, wanted
from .before_after import with_before_after
from .central import with_central
from .checks import check_inputs, check_pairs, infeasibility_reasons
from .decisions import Decisions, empty as no_decisions, explain_decisions, programme_decisions, time_budget
from .errors import InfeasibleError, OutputError, ScenarioError, VerificationError
from .explain import relaxed_reasons
from .families.point_parents import check_parent_settings, without_parent
from .groups import GroupResult, NoGroupingError, check_group_settings, form_groups, groups_of_plan
from .io import Inputs, read_inputs
from .messages import band as band_word, join, say, term
from .model import build_model, build_programme, write_lp
from .paths import scenario_paths
from .plan import Plan, make_plan, regroup
from .policy import by_year_first, checks_summary, policy_checks
from .programme import Programme, inputs_by_year, make_programme
from .scenario import LoadedScenario, Scenario
from .solve import solve, solve_programme
from .teachers import Staffing, assess, check_staffing, with_staffing
from .travel import Pairs, build_pairs, matrices

log = logging.getLogger("consolidation")


@dataclass(frozen=True)
class RunResult:
    """What a run produced: its status, headline figures, the plan (if any) and the folder written."""

    status: str
    summary: dict[str, Any]
    plan: Plan | None
    out: Path | None
    groups: GroupResult | None = None
    """Education groups formed among the plan's open schools (with ``[groups] enabled = true``)."""
    staffing: Staffing | None = None
    """Staff posts, life teachers and teachers redeployed after the plan."""
    programme: Programme | None = None
    """A programme's verified plans year by year (with ``[years]``); ``plan`` is then its last year's."""
    checks: pd.DataFrame | None = None
    """The policy checks of the plan (``checks.csv``, :mod:`consolidation.policy`); None without a plan."""
    decisions: Decisions | None = None
    """Why each school: the plan re-solved with each school locked the other way (decisions.csv)."""
    alternatives: Alternatives | None = None
    """The next-best plans that differ from the plan in at least ``[alternatives] min_difference`` schools."""


class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def stage(self, name: str, started: float, message: str) -> None:
        seconds = time.perf_counter() - started
        self.timings[name] = round(seconds, 4)
        log.info("%-8s %s (%.2f s)", name, message, seconds)


def prepare(loaded: LoadedScenario, clock: _Clock | None = None) -> tuple[Inputs, Pairs]:
    """Read and check the data, and build the eligible pairs. Raises InputError on bad data."""
    clock = clock or _Clock()
    inputs = _read(loaded, clock)
    return inputs, _pairs(inputs, loaded.scenario, clock)


def _read(loaded: LoadedScenario, clock: _Clock) -> Inputs:
    """Read and check the data (the ``read`` stage). Raises InputError on bad data."""
    scenario = loaded.scenario
    for key, old, new in loaded.overrides:
        log.info("override %s: %r -> %r", key, old, new)
    if scenario.groups.joint and scenario.years.programme:
        raise ScenarioError("groups.joint = true plans groups in a one-year plan only: remove [years] first and "
                            "last, or set groups.joint = false (groups formed after the plan)")
    t = time.perf_counter()
    inputs = check_inputs(read_inputs(scenario), scenario)
    if scenario.groups.enabled or scenario.groups.joint:
        check_group_settings(inputs, scenario)
    check_parent_settings(inputs, scenario)
    clock.stage("read", t, f"{len(inputs.schools)} schools, {len(inputs.origins)} "
                           f"{'villages' if scenario.inputs.villages else 'origins'}"
                           + (f", {len(inputs.travel)} travel pairs listed" if inputs.travel is not None else ""))
    return inputs


def _pairs(inputs: Inputs, scenario: Scenario, clock: _Clock) -> Pairs:
    """Build the eligible pairs of the data's enrolment (the ``travel`` stage)."""
    t = time.perf_counter()
    pairs = build_pairs(inputs, scenario)
    orphans = without_parent(inputs, pairs.between, scenario)
    for note in orphans:
        log.warning("%s", note)
    pairs = dataclasses.replace(pairs, notes=(*pairs.notes, *orphans))
    boarding = int(pairs.table["boards"].sum())
    clock.stage("travel", t, f"{len(pairs.table)} eligible pairs ({boarding} by boarding) for "
                             f"{len(pairs.demand)} origin-bands with {pairs.demand['pupils'].sum():,.0f} pupils")
    return pairs


def run_scenario(loaded: LoadedScenario, *, out: Path | None = None, overwrite: bool = False, lang: str = "en",
                 while_solving: Callable[[float], AbstractContextManager] | None = None,
                 save_lp: Path | None = None) -> RunResult:
    """Plan one scenario and, when ``out`` is given, write its run folder.

    Returns the status as a value: ``optimal``/``feasible`` with a verified plan, or ``infeasible``/
    ``no_solution`` with reasons in ``summary["reasons"]``. Raises ScenarioError/InputError for bad
    input and OutputError when ``out`` exists and ``overwrite`` is false (checked before any work).
    ``while_solving(time_limit_s)``, if given, is a context manager held around the solver call
    (the CLI shows a progress bar with it). ``out`` is checked, created and locked before any work and held
    until written (see :mod:`consolidation.report.atomic`). ``save_lp``, if given, is a file to write the
    model to (LP format) once built; it may not be one of the scenario's files or inputs, nor inside ``out``.
    """
    from .report.atomic import reserve

    if save_lp is not None:
        _check_lp_destination(Path(save_lp), loaded, out)
    with reserve(out, overwrite=overwrite, what="run", protect=scenario_paths(loaded)):
        return _run_scenario(loaded, out=out, overwrite=overwrite, lang=lang, while_solving=while_solving,
                             save_lp=save_lp)


def _run_scenario(loaded: LoadedScenario, *, out: Path | None, overwrite: bool, lang: str,
                  while_solving: Callable[[float], AbstractContextManager] | None,
                  save_lp: Path | None) -> RunResult:
    """Run the body of :func:`run_scenario`, once ``out`` is reserved."""
    started = datetime.now(UTC).isoformat(timespec="seconds")
    scenario = loaded.scenario
    clock = _Clock()
    time_budget(scenario), wanted(scenario)  # defaults from the environment, checked before any work
    inputs = _read(loaded, clock)
    if scenario.years.programme:  # its pairs are each planned year's (the first year's data included)
        return _run_programme(loaded, inputs, out=out, overwrite=overwrite, lang=lang, while_solving=while_solving,
                              save_lp=save_lp, clock=clock, started=started)
    pairs = _pairs(inputs, scenario, clock)
    plan = groups = staff = checks = alternatives = None
    decisions = no_decisions()
    reasons = infeasibility_reasons(pairs, inputs, scenario)
    base = _base(scenario, reasons, save_lp)
    if reasons:
        summary = {**base, "status": "infeasible"}
    else:
        t = building = time.perf_counter()  # the time limit counts from here: building is part of solving
        model = build_model(pairs, inputs, scenario)
        clock.stage("model", t, f"{model.problem.numVariables()} variables, "
                                f"{model.problem.numConstraints()} constraints")
        if save_lp is not None:
            log.info("model    written to %s", write_lp(model, save_lp))
        outcome = _solving(scenario, clock, while_solving, lambda: solve(model, scenario.solver, started=building))
        if outcome.has_plan:
            t = time.perf_counter()
            plan = solved = make_plan(outcome, pairs, inputs, scenario)  # re-solves are compared with this one
            summary = plan.summary
            clock.stage("plan", t, f"verified: {summary['schools_open']} open, {summary['schools_closed']} closed, "
                                   f"{summary['pupils_moved']:,.0f} pupils moved, {summary['boarders']:,.0f} boarders, "
                                   f"public {summary['cost_public']['total']:,.0f} yuan a year, capital "
                                   f"{summary['capital']['total']:,.0f}")
            if scenario.groups.enabled and not scenario.groups.joint:  # groups first: teachers move within them
                groups = _groups_after_plan(inputs, scenario, plan, summary, clock)
                if groups is not None:  # the groups' columns in schools.csv, the budget restated with them
                    plan = regroup(plan, groups.groups, scenario)
                    posts = plan.summary.get("subject_posts")
                    log.info("groups   budget restated with the groups: public %s yuan a year%s",
                             f"{plan.summary['cost_public']['total']:,.0f}",
                             f", {posts['saved']:,.0f} subject posts saved" if posts else "")
            plan, staff = _staff(plan, inputs, scenario, clock)
            plan, checks = _who_loses(plan, pairs, inputs, scenario, clock)
            summary = plan.summary
            if scenario.groups.joint or scenario.groups.enabled:
                summary["groups_mode"] = "joint" if scenario.groups.joint else "after"
            if scenario.groups.joint:
                groups = _groups_joint(inputs, scenario, plan, summary, clock)
            # against the plan as solved: groups formed after it restate its budget (subject posts shared, teachers'
            # trips), which the re-solves and alternatives, staffed school by school, do not
            decisions, alternatives = _why(solved, model, pairs, inputs, scenario, summary, clock)
        elif outcome.status == "infeasible":
            t = time.perf_counter()
            summary = {**base, "status": "infeasible", "solver": outcome.solver, "seconds": outcome.seconds,
                       "reasons": relaxed_reasons(inputs, pairs, scenario)}
            clock.stage("diagnose", t, f"{len(summary['reasons'])} reason(s)")
        else:
            summary = {**base, "status": "no_solution", "solver": outcome.solver, "seconds": outcome.seconds,
                       "reasons": [_no_plan(outcome, scenario, "plan")]}
    _finish(summary, loaded, pairs.notes)
    written = _write(out, loaded, inputs, plan, summary, clock, started, overwrite=overwrite, lang=lang,
                     groups=groups, redeployments=staff.moves if staff is not None and staff.known else None,
                     checks=checks, decisions=decisions, alternatives=alternatives)
    return RunResult(status=summary["status"], summary=summary, plan=plan, out=written, groups=groups,
                     staffing=staff, checks=checks, decisions=decisions, alternatives=alternatives)


def _who_loses(plan: Plan, pairs: Pairs, inputs: Inputs, scenario: Scenario, clock: _Clock, *,
               in_use: pd.DataFrame | None = None, before: Plan | None = None) -> tuple[Plan, pd.DataFrame]:
    """Add each trip today and why pupils go where they go; check the plan against policy (the ``change`` stage).

    Returns the plan (assignments with :data:`consolidation.before_after.CHANGE_COLUMNS`, summary with
    ``trips_change`` and ``policy_checks``) and its checks (:data:`consolidation.policy.CHECK_COLUMNS`).
    """
    t = time.perf_counter()
    plan = with_before_after(plan, pairs, inputs, scenario, in_use=in_use)
    checks = policy_checks(plan, inputs, scenario, before=before)
    counts = checks_summary(checks, scenario.policy.near)
    plan = dataclasses.replace(plan, summary={**plan.summary, "policy_checks": counts})
    change = plan.summary["trips_change"]
    clock.stage("change", t, f"{change['pupils_longer_10']:,.0f} pupils' trips over 10 min longer "
                             f"({change['pupils_longer_20']:,.0f} over 20); policy: {counts['breaches']} breaches, "
                             f"{counts['near']} near")
    return plan, checks


def _why(plan: Plan, model: Any, pairs: Pairs, inputs: Inputs, scenario: Scenario, summary: dict[str, Any],
         clock: _Clock) -> tuple[Decisions, Alternatives]:
    """Re-solve each school's decision the other way, then look for alternative plans (the ``decisions`` and
    ``alternatives`` stages); their headline figures go into ``summary``.
    """  # noqa: D205 - one sentence
    t = time.perf_counter()
    decisions = explain_decisions(plan, model, inputs, scenario)
    clock.stage("decisions", t, decisions.describe())
    summary["decisions"] = {"budget_s": time_budget(scenario) if scenario.decisions.enabled else 0.0,
                            "resolved": decisions.resolved, "seconds": decisions.seconds,
                            "workers": decisions.workers,
                            "not_evaluated": int((decisions.table["status"] == "not_evaluated").sum())}
    t = time.perf_counter()
    alternatives = find_alternatives(plan, pairs, inputs, scenario)
    alternatives = _staff_alternatives(alternatives, inputs, scenario)
    if alternatives.stopped != "disabled":
        clock.stage("alternatives", t, alternatives.describe())
    summary["alternatives"] = summary_of(alternatives)
    return decisions, alternatives


def _staff_alternatives(alternatives: Alternatives, inputs: Inputs, scenario: Scenario) -> Alternatives:
    """Count each alternative plan's teachers as the plan's are (its folder then has the same figures)."""
    found = [dataclasses.replace(alt, plan=_staffed(alt.plan, inputs, scenario, f"Alternative plan {alt.name}")[0])
             for alt in alternatives.found]
    return dataclasses.replace(alternatives, found=tuple(found))


def without_why(loaded: LoadedScenario) -> LoadedScenario:
    """Return ``loaded`` with no re-solved decisions and no alternatives, unless its scenario sets them.

    For many runs at once (a sweep, a province), where a minute of re-solves and two more solves per run would
    multiply the work: ``[decisions] time_budget_s`` and ``[alternatives] count`` not set in the scenario (or
    with ``--set``) become 0, and the run's scenario.resolved.toml says so.
    """
    scenario = loaded.scenario
    update = {}
    if "time_budget_s" not in scenario.decisions.model_fields_set:
        update["decisions"] = scenario.decisions.model_copy(update={"time_budget_s": 0.0})
    if "count" not in scenario.alternatives.model_fields_set:
        update["alternatives"] = scenario.alternatives.model_copy(update={"count": 0})
    return dataclasses.replace(loaded, scenario=scenario.model_copy(update=update)) if update else loaded


def _base(scenario: Scenario, reasons: list[str], save_lp: Path | None) -> dict[str, Any]:
    """Return the summary of a run without a plan, before solving (``reasons``: why it is infeasible, if so)."""
    if reasons:
        log.info("checks   infeasible before solving: %d reason(s)", len(reasons))
        if save_lp is not None:
            log.warning("no model was built (infeasible before solving), so %s was not written", save_lp)
    return {"scenario": scenario.name, "description": scenario.description, "objective": None, "gap": None,
            "solver": scenario.solver.name, "seconds": 0.0, "reasons": reasons}


def _solving(scenario: Scenario, clock: _Clock, while_solving: Callable[[float], AbstractContextManager] | None,
             call: Callable[[], Any]) -> Any:
    """Run ``call`` (the solve) inside ``while_solving`` and log it (the ``solve`` stage); return its result.

    The result is an :class:`~consolidation.solve.Outcome`, or a tuple whose first item is the whole outcome.
    """
    t = time.perf_counter()
    log.info("solve    %s, time limit %g s, gap %g ...", scenario.solver.name, scenario.solver.time_limit_s,
             scenario.solver.gap)
    with (while_solving or (lambda limit: nullcontext()))(scenario.solver.time_limit_s):
        result = call()
    outcome = result[0] if isinstance(result, tuple) else result
    gap = "" if outcome.gap is None else f", gap {outcome.gap:.2%}"
    clock.stage("solve", t, f"{outcome.status}{gap}, {outcome.solver}")
    return result


def _no_plan(outcome: Any, scenario: Scenario, what: str) -> str:
    """Say why the solver returned no ``what`` (plan, programme) when it proved nothing infeasible."""
    if outcome.stopped:
        return say("reason.stopped", what=term(f"word.{what}"), why=outcome.stopped)
    return say("reason.time_limit", what=term(f"word.{what}"), seconds=scenario.solver.time_limit_s)


def _finish(summary: dict[str, Any], loaded: LoadedScenario, notes: Any) -> None:
    """Add the overrides, the travel notes (each once, in order) and the Chinese description to a run's summary."""
    summary["overrides"] = [{"key": k, "old": old, "new": new} for k, old, new in loaded.overrides]
    summary["notes"] = list(dict.fromkeys(notes))
    summary["description_zh"] = loaded.scenario.description_zh


def _write(out: Path | None, loaded: LoadedScenario, inputs: Inputs, plan: Plan | None, summary: dict[str, Any],
           clock: _Clock, started: str, *, overwrite: bool, lang: str, **extra: Any) -> Path | None:
    """Write the run folder ``out`` (the ``report`` stage; nothing without ``out``) and return it."""
    if out is None:
        return None
    from .report.folder import RunRecord, write_run  # maps and HTML only when writing

    t = time.perf_counter()
    record = RunRecord(command=sys.argv, timings=dict(clock.timings), started=started,
                       finished=datetime.now(UTC).isoformat(timespec="seconds"))
    written = write_run(Path(out), loaded=loaded, inputs=inputs, plan=plan, summary=summary, record=record,
                        overwrite=overwrite, protect=scenario_paths(loaded), lang=lang, **extra)
    clock.stage("report", t, f"wrote {written}")
    return written


def _run_programme(loaded: LoadedScenario, inputs: Inputs, *, out: Path | None, overwrite: bool, lang: str,
                   while_solving: Callable[[float], AbstractContextManager] | None, save_lp: Path | None,
                   clock: _Clock, started: str) -> RunResult:
    """Plan a programme of several years ([years]): one model over every planned year, verified year by year."""
    scenario = loaded.scenario
    t = time.perf_counter()
    by_year = inputs_by_year(inputs, scenario)
    pairs = {year: build_pairs(data, scenario) for year, data in by_year.items()}
    pupils = ", ".join(f"{y} {p.demand['pupils'].sum():,.0f}" for y, p in pairs.items())
    clock.stage("years", t, f"{len(pairs)} planned years, pupils {pupils}")
    reasons = [say("reason.in_year", year=year, reason=r)
               for year, p in pairs.items() for r in infeasibility_reasons(p, by_year[year], scenario)]
    base = _base(scenario, reasons, save_lp)
    programme = checks = None
    if reasons:
        summary = {**base, "status": "infeasible"}
    else:
        t = building = time.perf_counter()
        model = build_programme(pairs, {y: d.schools.set_index("school_id") for y, d in by_year.items()}, scenario)
        clock.stage("model", t, f"{model.problem.numVariables()} variables, "
                                f"{model.problem.numConstraints()} constraints over {len(pairs)} years")
        if save_lp is not None:
            log.info("model    written to %s", write_lp(model.models[0], save_lp))
        outcome, outcomes = _solving(scenario, clock, while_solving,
                                     lambda: solve_programme(model, scenario.solver, started=building))
        if outcome.has_plan:
            t = time.perf_counter()
            programme = make_programme(outcome, outcomes, pairs, by_year, scenario, model.weights,
                                       staff=lambda plan, data: _staff(plan, data, scenario, clock)[0])
            clock.stage("plan", t, f"verified {len(pairs)} years: {_describe_years(programme)}")
            programme, checks = _who_loses_by_year(programme, pairs, by_year, scenario, clock)
            summary = {**programme.last.summary, "programme": programme.summary}
        else:
            summary = {**base, "status": outcome.status, "solver": outcome.solver, "seconds": outcome.seconds,
                       "reasons": [_programme_without_plan(outcome, scenario)]}
    _finish(summary, loaded, (n for year in pairs.values() for n in year.notes))
    plan = None if programme is None else programme.last
    decisions = no_decisions() if plan is None else programme_decisions(plan)
    written = _write(out, loaded, inputs, plan, summary, clock, started, overwrite=overwrite, lang=lang,
                     programme=programme, checks=checks, decisions=decisions)
    return RunResult(status=summary["status"], summary=summary, plan=plan, out=written, programme=programme,
                     checks=checks, decisions=decisions)


def _who_loses_by_year(programme: Programme, pairs: dict[int, Pairs], by_year: dict[int, Inputs],
                       scenario: Scenario, clock: _Clock) -> tuple[Programme, pd.DataFrame]:
    """:func:`_who_loses` for every planned year (closures checked against the year before); checks by ``year``."""
    plans: list[Plan] = []
    tables = []
    for year, plan in zip(programme.years, programme.plans):
        in_use = plan.schools.set_index("school_id")[["places_added", "beds_added"]]
        plan, checks = _who_loses(plan, pairs[year], by_year[year], scenario, clock, in_use=in_use,
                                  before=plans[-1] if plans else None)
        plans.append(plan)
        tables.append(checks.assign(year=year))
    checks = by_year_first(pd.concat(tables, ignore_index=True))
    last = plans[-1]
    counts = checks_summary(checks, scenario.policy.near)
    plans[-1] = dataclasses.replace(last, summary={**last.summary, "policy_checks": counts})
    return dataclasses.replace(programme, plans=tuple(plans)), checks


def _describe_years(programme: Programme) -> str:
    """One line: schools open and closures year by year."""
    t = programme.table
    return "; ".join(f"{y} {n} open ({c} closed)" for y, n, c in zip(t["year"], t["schools_open"], t["closures"]))


def _programme_without_plan(outcome: Any, scenario: Scenario) -> str:
    """Why a programme has no plan, naming the rules that link the years."""
    if outcome.status != "infeasible":
        return _no_plan(outcome, scenario, "programme")
    y, b = scenario.years, scenario.budget
    links = [say("link.lead", year=y.first + y.lead_years, lead=y.lead_years)]
    if y.max_closures_per_year is not None:
        links.append(say("link.closures", n=y.max_closures_per_year))
    if b.capital_per_year is not None:
        links.append(say("link.capital_per_year", cap=b.capital_per_year))
    if b.capital is not None:
        links.append(say("link.capital", cap=b.capital))
    return say("reason.programme_links", links=join(links))


def _check_lp_destination(path: Path, loaded: LoadedScenario, out: Path | None) -> None:
    """Refuse an LP file that would replace a scenario or input file, or land inside the run folder."""
    check_file_destination(path, loaded, "--save-lp")
    if out is not None and path.resolve().is_relative_to(Path(out).resolve()):
        raise OutputError(f"--save-lp {path}: that is inside the run folder {out}; write it elsewhere")


def check_file_destination(path: Path, loaded: LoadedScenario, option: str, *, overwrite: bool = True) -> None:
    """Refuse an output file that would replace a scenario or input file, a folder, a link, or (unless
    ``overwrite``) an existing file.
    """  # noqa: D205 - one sentence
    target = path.resolve()
    protected = [p for what, p in scenario_paths(loaded) if what != "the scenario's folder"]
    if any(target == Path(p).resolve() for p in protected):
        raise OutputError(f"{option} {path}: that is one of the scenario's own files; name a new file")
    if target.is_dir():
        raise OutputError(f"{option} {path}: that is a folder; name a file, e.g. {path / 'model.lp'}")
    if path.is_symlink():
        raise OutputError(f"{option} {path}: that is a symbolic link; name the file itself")
    if not overwrite and path.exists():
        raise OutputError(f"{option} {path}: the file exists; add --overwrite to replace it, or name a new file")


def travel_matrix(loaded: LoadedScenario) -> pd.DataFrame:
    """Return the travel the scenario computes, one row per (origin, school, mode) within the rules' reach.

    Columns ``origin_id``, ``school_id``, ``mode`` (walk, bus), ``minutes``, ``km``, ``snap_m`` (metres walked
    to and from the road network; 0 without roads). Along ``[inputs] roads`` when given (pairs beyond the longest
    trip any rule allows are left out), else straight line x ``travel.detour``; pairs the travel file lists
    take its minutes, as in a run.
    """
    scenario = loaded.scenario
    inputs = check_inputs(read_inputs(scenario), scenario)
    o_ids, s_ids = inputs.origins["origin_id"].to_numpy(object), inputs.schools["school_id"].to_numpy(object)
    snap = {m: np.zeros((len(o_ids), len(s_ids))) for m in ("walk", "bus")}
    if inputs.roads is not None and not scenario.inputs.complete:
        for mode, t in inputs.roads.modes.items():
            snap[mode] = t.origin_snap_m[:, None] + t.school_snap_m[None, :]
    frames = []
    for mode, minutes, km in matrices(inputs, scenario):
        oi, si = np.nonzero(np.isfinite(minutes))
        frames.append(pd.DataFrame({"origin_id": o_ids[oi], "school_id": s_ids[si], "mode": mode,
                                    "minutes": minutes[oi, si].round(2), "km": km[oi, si].round(3),
                                    "snap_m": snap[mode][oi, si].round(1)}))
    return pd.concat(frames, ignore_index=True).sort_values(["origin_id", "school_id", "mode"], kind="stable",
                                                            ignore_index=True)


def write_travel(loaded: LoadedScenario, out: Path, *, overwrite: bool = False) -> tuple[Path, int]:
    """Write :func:`travel_matrix` to the CSV ``out`` (checked first; written whole or not at all).

    Returns the path and the rows written. Raises OutputError when ``out`` is a scenario or input file, a folder
    or a link, or exists and ``overwrite`` is false.
    """
    from .report.tables import write_csv

    out = Path(out)
    check_file_destination(out, loaded, "--out", overwrite=overwrite)
    table = travel_matrix(loaded)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
    try:
        write_csv(table, partial)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return out, len(table)


def _staff(plan: Plan, inputs: Inputs, scenario: Scenario, clock: _Clock) -> tuple[Plan, Staffing]:
    """Count the plan's staff posts and life teachers, and redeploy teachers.

    With ``[teachers] within_available`` a plan needing more teachers than the schools have fails
    verification.
    """
    t = time.perf_counter()
    plan, staff = _staffed(plan, inputs, scenario, "The solved plan")
    clock.stage("teachers", t, staff.describe())
    return plan, staff


def _staffed(plan: Plan, inputs: Inputs, scenario: Scenario, what: str) -> tuple[Plan, Staffing]:
    """Return ``plan`` with its staff (and its central schools' teaching points), checked; ``what`` names it."""
    staff = assess(plan, scenario, inputs)
    problems = check_staffing(staff, scenario)
    if problems:
        raise VerificationError(f"{what} failed independent verification (please report this):\n- "
                                + "\n- ".join(problems))
    return with_central(with_staffing(plan, staff), scenario), staff


def _groups_joint(inputs: Inputs, scenario: Scenario, plan: Plan, summary: dict[str, Any],
                  clock: _Clock) -> GroupResult | None:
    """Read the education groups a joint plan formed, verify them, and set ``summary["groups"]``."""
    t = time.perf_counter()
    if "group_id" not in plan.schools.columns:
        summary["groups"] = 0
        clock.stage("groups", t, "no school may be a core: no groups")
        return None
    groups = groups_of_plan(inputs, scenario, plan.schools, summary)
    summary["groups"] = len(groups.by_group)
    clock.stage("groups", t, f"planned jointly, verified: {groups.describe()}")
    return groups


def _groups_after_plan(inputs: Inputs, scenario: Scenario, plan: Plan, summary: dict[str, Any],
                       clock: _Clock) -> GroupResult | None:
    """Form education groups among the plan's open schools, and set ``summary["groups"]``.

    That is their number, or None with the reasons added to ``summary["reasons"]`` when no grouping meets
    the rules: the plan stands.
    """
    t = time.perf_counter()
    open_ids = plan.schools.loc[plan.schools["role"] != "closed", "school_id"]
    try:
        groups = form_groups(inputs, scenario, open_ids=open_ids)
    except (InfeasibleError, NoGroupingError) as exc:
        why = getattr(exc, "reasons", None) or [exc.args[0] if exc.args else str(exc)]  # a message keeps its Chinese
        summary["groups"] = None
        summary["reasons"] = [*summary.get("reasons", []), *(say("note.groups", reason=r) for r in why)]
        log.warning("groups   none formed: %s", "; ".join(why))
        clock.stage("groups", t, "no grouping meets the rules")
        return None
    summary["groups"] = len(groups.by_group)
    clock.stage("groups", t, groups.describe())
    return groups


def validate(loaded: LoadedScenario) -> list[str]:
    """Check the scenario and data and the cheap infeasibility checks; solve nothing.

    Returns notes worth knowing (e.g. bands without a travel limit). Raises InputError or InfeasibleError.
    """
    clock = _Clock()
    inputs = _read(loaded, clock)
    scenario = loaded.scenario
    notes = [say("note.no_limit", band_id=band, band=band_word(band))
             for band in ("G1_3", "G4_6", "G7_9") if scenario.rules.band(band).max_minutes is None]
    if not scenario.years.programme:
        pairs = _pairs(inputs, scenario, clock)
        check_pairs(pairs, inputs, scenario)
        return [*notes, *pairs.notes]
    # a programme: every planned year's enrolment (the projection; the first year's is the data's or the table's)
    reasons, seen = [], []
    for year, data in inputs_by_year(inputs, scenario).items():
        pairs = build_pairs(data, scenario)
        reasons += [say("reason.in_year", year=year, reason=r) for r in infeasibility_reasons(pairs, data, scenario)]
        seen += [*pairs.notes, *without_parent(data, pairs.between, scenario)]
    if reasons:
        raise InfeasibleError(reasons)
    return notes + list(dict.fromkeys(seen)) + [
        f"programme {scenario.years.first}-{scenario.years.last}: every planned year's enrolment projected and "
        "checked"]


def group_scenario(loaded: LoadedScenario, *, out: Path | None = None, overwrite: bool = False,
                   lang: str = "en") -> tuple[GroupResult, Path | None]:
    """Form education groups without a plan and, when ``out`` is given, write the group folder.

    Every school not locked closed takes part (or those of ``groups.schools``); the folder holds groups.csv,
    groups.png, groups.html and run.json.

    Returns the verified grouping and the folder written. Raises ScenarioError/InputError for bad input,
    InfeasibleError (with reasons) when no grouping meets the rules, NoGroupingError when none is found in
    time, and OutputError when ``out`` exists and ``overwrite`` is false (checked before any work).
    """
    from .report.atomic import reserve

    with reserve(out, overwrite=overwrite, what="groups", protect=scenario_paths(loaded)):
        return _group_scenario(loaded, out=out, overwrite=overwrite, lang=lang)


def _group_scenario(loaded: LoadedScenario, *, out: Path | None, overwrite: bool,
                    lang: str) -> tuple[GroupResult, Path | None]:
    started = datetime.now(UTC).isoformat(timespec="seconds")
    scenario = loaded.scenario
    if out is not None:
        from .report.folder import RunRecord
        from .report.groups_page import write_group_folder
    for key, old, new in loaded.overrides:
        log.info("override %s: %r -> %r", key, old, new)
    clock = _Clock()
    t = time.perf_counter()
    inputs = check_inputs(read_inputs(scenario), scenario)
    clock.stage("read", t, f"{len(inputs.schools)} schools")
    t = time.perf_counter()
    result = form_groups(inputs, scenario)
    clock.stage("groups", t, f"{result.status}, {result.solver}: {result.describe()}")
    written = None
    if out is not None:
        t = time.perf_counter()
        record = RunRecord(command=sys.argv, timings=dict(clock.timings), started=started,
                           finished=datetime.now(UTC).isoformat(timespec="seconds"))
        written = write_group_folder(Path(out), loaded=loaded, inputs=inputs, result=result, record=record,
                                     overwrite=overwrite, lang=lang, protect=scenario_paths(loaded))
        clock.stage("report", t, f"wrote {written}")
    return result, written


__all__ = ["RunResult", "run_scenario", "validate", "prepare", "group_scenario", "InfeasibleError"]
