"""Why each school: the plan re-solved with each school's decision locked the other way (``[decisions]``).

For every school whose decision could change (it has an ``open`` variable, i.e. some pupil could reach it, and
no lock in the data), the same model is built with that school locked the other way: an open school closed, a
closed one open, and, where ``[teaching_points] allowed``, a school that may become a teaching point also in
its third state (kept whole, a teaching point of grades 1-3, closed: each other state is its own row). Locking
uses the data's own ``lock`` column (``locks`` family), so the re-solved plan is verified like any plan
(:func:`consolidation.plan.make_plan`) and an impossible lock is explained by the same checks as an infeasible
scenario (:func:`consolidation.checks.infeasibility_reasons`, then
:func:`consolidation.explain.relaxed_reasons`). The teaching-point state is fixed on the model's ``full``
variable (:mod:`consolidation.model.variants`).

Each row's deltas are the re-solved plan less the plan: public cost (yuan a year), families' pupil-minutes (a
school day, one way) and pupils moved; ``delta_objective`` is what the plan minimises (public cost plus
families' time valued), so the smallest is the closest call. The re-solves run closest calls first, by an
estimate made before solving (a one-school move costed by the start heuristic's greedy assignment,
:func:`consolidation.heuristic.flip_estimates`), within ``[decisions] time_budget_s``: a decision not reached,
or whose re-solve the budget cut short before its plan was proven best, gets a row saying so and no number. They
run one after another, or on a local Dask cluster (``workers``).

A programme's decisions are listed (each school's state in the last planned year) but not re-solved: each
re-solve would be the whole multi-year model.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import i18n
from .checks import infeasibility_reasons
from .messages import Message, text as message_text
from .errors import ScenarioError
from .io import Inputs
from .plan import Plan, make_plan
from .scenario import Scenario

log = logging.getLogger("consolidation")

COLUMNS = ["school_id", "decision", "alternative", "delta_public_cost", "delta_pupil_minutes", "delta_moved",
           "reason", "name", "delta_objective", "status", "gap", "seconds", "estimate", "reason_zh"]
"""The columns of decisions.csv: the first seven as the issue asked, then the school's name, the change of the
objective (what the plan minimises, yuan a year), how the re-solve ended (``optimal``, ``feasible`` with a gap,
``infeasible``, ``not_evaluated``, ``fixed`` for a school whose decision cannot change), the re-solve's gap
(a ``feasible`` re-solve's deltas are then at most that far above the best), its seconds, the
estimate it was ordered by (yuan a year), and the reason in Chinese."""

STATES = ("open", "teaching_point", "closed")
"""A school's decision: kept open (whole), a teaching point (grades 1-3 only), closed."""

BUDGET_ENV = "CONSOLIDATION_DECISIONS_BUDGET_S"
"""Environment variable giving the default of ``[decisions] time_budget_s`` (seconds) where the scenario does not
set it: the test suite sets 0, so that its many runs of the example county re-solve nothing unless a test asks."""

AUTO_PARALLEL_FROM = 60
"""Decisions to re-solve from which ``workers`` absent means a local cluster of one worker per core."""


@dataclass(frozen=True)
class Job:
    """One re-solve: school ``school_id``, decided ``decision`` in the plan, locked to ``alternative``."""

    school_id: str
    decision: str
    alternative: str
    estimate: float


@dataclass(frozen=True)
class Base:
    """The plan's figures the deltas are taken from."""

    objective: float
    public: float
    pupil_minutes: float
    moved: float
    gap: float | None


@dataclass(frozen=True)
class Decisions:
    """The decisions table and how it was made.

    Attributes
    ----------
    table
        One row per school and alternative (:data:`COLUMNS`), closest calls first.
    resolved
        Re-solves run (their rows have deltas or an infeasibility reason).
    seconds
        Wall-clock seconds the stage took.
    workers
        Processes that re-solved (1: serially in this process).
    why
        ``(school_id, alternative) -> [(i18n key, fields)]``: the reason's sentences, rendered in the report's
        language (the table's ``reason`` is the English).
    """

    table: pd.DataFrame
    resolved: int
    seconds: float
    workers: int
    why: dict = dataclasses.field(default_factory=dict, repr=False)

    def describe(self) -> str:
        """One line for the CLI: how many schools were re-solved in how many seconds."""
        evaluated = self.table[self.table["status"].isin(["optimal", "feasible", "infeasible"])]
        skipped = int((self.table["status"] == "not_evaluated").sum())
        out = (f"{self.resolved} re-solve(s) of {evaluated['school_id'].nunique()} school(s) in "
               f"{self.seconds:.1f} s on {self.workers} worker(s)")
        if skipped:
            out += f"; {skipped} not evaluated"
        closest = evaluated[evaluated["status"] != "infeasible"].head(1)
        if len(closest):
            row = closest.iloc[0]
            out += (f"; closest call {row['school_id']} ({row['decision']} -> {row['alternative']}: objective "
                    f"{row['delta_objective']:+,.0f} yuan a year)")
        return out


def state_of(role: str, may_be_point: bool) -> str:
    """Return a school's decision from its role in the plan (a teaching point only where it may become one)."""
    if role == "closed":
        return "closed"
    return "teaching_point" if role == "teaching_point" and may_be_point else "open"


def _text(parts: Sequence[tuple[str, dict]], lang: str) -> str:
    """Render reason sentences in ``lang``, joined by "; " (Chinese "；")."""
    sep = "；" if i18n.norm_lang(lang) == "zh" else "; "
    return sep.join(i18n.text(key, lang, **_fields(fields, lang)) for key, fields in parts)


def _fields(fields: dict, lang: str) -> dict:
    """Format a reason's fields for ``lang``: yuan, counts and state words."""
    out = {}
    for key, value in fields.items():
        if key.startswith("yuan"):
            out[key] = i18n.fmt_yuan(value, lang)
        elif key.startswith("n"):
            out[key] = i18n.fmt_int(value, lang)
        elif key.startswith("state"):
            out[key] = i18n.text(f"decisions.verb.{value}", lang)
        elif key in ("detail", "more") and isinstance(value, tuple):
            out[key] = _text([value], lang)
        elif key == "schools":  # (school, state) pairs: the first three, and how many more
            named = [f"{school} {i18n.text(f'decisions.state.{state}', lang)}" for school, state in value[:3]]
            out[key] = i18n.join_names(named, lang) + (_text([_more(len(value) - 3)], lang) if len(value) > 3
                                                        else "")
        else:  # a reason from the checks (a Message) in the report's language; anything else as it is
            out[key] = message_text(value, lang) if isinstance(value, Message) else value
    return out


def render(parts: Sequence[tuple[str, dict]], lang: str = "en") -> str:
    """Return a decision's reason in ``lang`` from its sentences (see :attr:`Decisions.why`)."""
    return _text(parts, lang)


def _row(school: pd.Series, decision: str, alternative: str, status: str, parts: list, **values: Any) -> dict:
    row = {c: None for c in COLUMNS}
    row.update(school_id=school["school_id"], name=school["name"], decision=decision, alternative=alternative,
               status=status, reason=_text(parts, "en"), reason_zh=_text(parts, "zh"), **values)
    row["_why"] = parts
    return row


def plan_jobs(plan: Plan, open_ids: Sequence[str], may_be_points: Sequence[str],
              estimates: dict[str, float]) -> tuple[list[Job], list[dict]]:
    """Return the re-solves to run, closest calls first, and the rows of schools whose decision cannot change.

    ``open_ids``: the schools with an ``open`` variable (some pupil could reach them); ``may_be_points``: those
    that may become teaching points; ``estimates``: the one-school move's estimate per school.
    """
    jobs, fixed = [], []
    points = set(may_be_points)
    for _, school in plan.schools.iterrows():
        sid = school["school_id"]
        decision = state_of(str(school["role"]), sid in points)
        if school["lock"] in ("open", "closed"):
            fixed.append(_row(school, decision, "", "fixed", [(f"decisions.why.locked_{school['lock']}", {})]))
        elif sid not in set(open_ids):
            fixed.append(_row(school, decision, "", "fixed", [("decisions.why.unreachable", {})]))
        else:
            states = STATES if sid in points else ("open", "closed")
            estimate = estimates.get(sid, math.nan)
            jobs += [Job(sid, decision, other, estimate) for other in states if other != decision]
    order = sorted(range(len(jobs)), key=lambda i: (not np.isfinite(jobs[i].estimate), jobs[i].estimate
                                                    if np.isfinite(jobs[i].estimate) else 0.0, i))
    return [jobs[i] for i in order], fixed


def _school(plan: Plan, sid: str) -> pd.Series:
    """Return the plan's row of school ``sid``."""
    return plan.schools[plan.schools["school_id"] == sid].iloc[0]


def _locked(inputs: Inputs, job: Job) -> Inputs:
    """Return the inputs with the school of ``job`` locked to its alternative (``lock`` column)."""
    schools = inputs.schools.copy()
    schools.loc[schools["school_id"] == job.school_id, "lock"] = "closed" if job.alternative == "closed" else "open"
    return dataclasses.replace(inputs, schools=schools)


def evaluate(job: Job, inputs: Inputs, scenario: Scenario, plan: Plan, base: Base, deadline: float,
             solve_limit: float, threads: int | None = None) -> dict:
    """Re-solve the plan with ``job``'s school locked to its alternative; return its decisions row.

    ``deadline`` is a wall-clock time (``time.time()``) after which nothing more is started: a re-solve's time
    limit is the smaller of ``solve_limit`` and the time left. Never raises for an infeasible or unsolved lock:
    the row says so.
    """
    from .model import build_model
    from .model.variants import fix_whole
    from .solve import solve
    from .travel import build_pairs

    school = _school(plan, job.school_id)
    started = time.perf_counter()
    left = deadline - time.time()
    if left <= 0.05:
        return _row(school, job.decision, job.alternative, "not_evaluated",
                    [("decisions.why.budget", {"budget": f"{time_budget(scenario):g}"})],
                    estimate=job.estimate)
    limit = max(0.1, min(solve_limit, left))  # this re-solve's time limit, seconds
    locked = _locked(inputs, job)
    pairs = build_pairs(locked, scenario)
    reasons = infeasibility_reasons(pairs, locked, scenario)
    outcome = None
    if not reasons:
        model = build_model(pairs, locked, scenario)
        if job.alternative in ("open", "teaching_point"):
            fix_whole(model, job.school_id, job.alternative == "open")
        settings = scenario.solver.model_copy(update={"time_limit_s": limit,
                                                      **({"threads": threads} if threads else {})})
        outcome = solve(model, settings)
        if outcome.status == "infeasible":
            reasons = _relaxed(locked, pairs, scenario, settings, deadline)
    seconds = round(time.perf_counter() - started, 3)
    if reasons:
        parts = [("decisions.why.impossible", {"state_alt": job.alternative, "detail": reasons[0],
                                               "more": _more(len(reasons) - 1)})]
        return _row(school, job.decision, job.alternative, "infeasible", parts, seconds=seconds,
                    estimate=job.estimate)
    if outcome is not None and outcome.status == "feasible" and left < solve_limit:
        # stopped by what was left of the budget, not by its own limit: its numbers could be far off, so none
        return _row(school, job.decision, job.alternative, "not_evaluated",
                    [("decisions.why.budget_during", {"budget": f"{time_budget(scenario):g}"})], seconds=seconds,
                    estimate=job.estimate)
    if outcome is None or not outcome.has_plan:
        return _row(school, job.decision, job.alternative, "not_evaluated",
                    [("decisions.why.no_plan", {"limit": f"{limit:g}"})], seconds=seconds, estimate=job.estimate)
    other = make_plan(outcome, pairs, locked, scenario)  # verified like any plan (raises on a violation)
    s = other.summary
    deltas = {"delta_objective": s["objective"] - base.objective,
              "delta_public_cost": s["cost_public"]["total"] - base.public,
              "delta_pupil_minutes": s["cost_families"]["pupil_minutes"] - base.pupil_minutes,
              "delta_moved": s["pupils_moved"] - base.moved}
    parts = because(job, plan, other, scenario, base, deltas)
    status = "optimal" if outcome.status == "optimal" else "feasible"
    if status == "feasible":
        gap = "?" if outcome.gap is None else f"{100 * outcome.gap:.2f}%"
        parts.append(("decisions.why.gap", {"gap": gap, "limit": f"{limit:g}"}))
    return _row(school, job.decision, job.alternative, status, parts, seconds=seconds, estimate=job.estimate,
                gap=outcome.gap, **{k: round(v, 2) for k, v in deltas.items()})


def env_default(section: Any, key: str, env: str, valid: Callable[[float], bool], hint: str) -> float:
    """Return ``section.key`` when the scenario sets it or the environment variable ``env`` is unset, else
    ``env``'s value (a number ``valid`` accepts; otherwise a ScenarioError saying ``hint``).
    """  # noqa: D205 - one sentence
    given = os.environ.get(env, "").strip()
    if key in section.model_fields_set or not given:
        return getattr(section, key)
    try:
        value = float(given)
    except ValueError:
        value = math.nan
    if not valid(value):
        raise ScenarioError(f"environment variable {env} = {given!r}: {hint}")
    log.info("%s %g from %s (not set in the scenario)", key, value, env)
    return value


def time_budget(scenario: Scenario) -> float:
    """Return the decisions' time budget: ``[decisions] time_budget_s`` as set, else :data:`BUDGET_ENV`, else
    its default.
    """  # noqa: D205 - one sentence
    return env_default(scenario.decisions, "time_budget_s", BUDGET_ENV, lambda v: 0 <= v < math.inf,
                       "give a number of seconds, 0 or more (or unset it to use [decisions] time_budget_s)")


def _only_school(model: Any) -> set[str]:
    """Return the schools that are the only school in reach of some origin and band (closing them may be
    impossible, which the checks before solving tell without a solve).
    """  # noqa: D205 - one sentence
    table = model.pairs.table
    if table.empty:
        return set()
    counts = table.groupby(["origin_id", "band"])["school_id"].transform("nunique")
    return set(table.loc[counts == 1, "school_id"])


def _cheap_reasons(job: Job, inputs: Inputs, scenario: Scenario) -> list[str]:
    """Return why ``job``'s lock cannot have a plan, found without solving (empty: it must be solved)."""
    from .travel import build_pairs

    if job.alternative != "closed":
        return []
    locked = _locked(inputs, job)
    return infeasibility_reasons(build_pairs(locked, scenario), locked, scenario)


def _more(n: int) -> tuple | str:
    return ("decisions.more_reasons", {"n_more": n}) if n > 0 else ""


def _relaxed(inputs: Inputs, pairs: Any, scenario: Scenario, settings: Any, deadline: float) -> list[str]:
    """Return why the locked scenario is infeasible, relaxing one rule at a time, within the time left."""
    from .explain import relaxed_reasons

    left = deadline - time.time()
    if left <= 1.0:
        return ["no plan meets the rules (no time was left to find which rule binds)"]
    quick = scenario.model_copy(update={"solver": settings.model_copy(update={"time_limit_s": min(
        settings.time_limit_s, left)})})
    return relaxed_reasons(inputs, pairs, quick)


def because(job: Job, plan: Plan, other: Plan, scenario: Scenario, base: Base, deltas: dict) -> list:
    """Return the reason the plan decided as it did, from the plan and the re-solved plan, as sentences.

    The places and beds the alternative would have to build at a receiving school first (the school is full),
    then the trade of public money against families' time that decides; a difference within the solver's gap
    says so.
    """
    parts: list[tuple[str, dict]] = []
    before = plan.schools.set_index("school_id")
    after = other.schools.set_index("school_id")
    for column, key in (("places_added", "decisions.why.full"), ("beds_added", "decisions.why.beds_full")):
        grow = (after[column] - before[column].reindex(after.index).fillna(0.0)).sort_values(ascending=False)
        for sid in grow.index[grow > 0.5][:2]:
            a = after.loc[sid]
            have, used = (a["capacity"], a["pupils"]) if column == "places_added" else (a["beds"], a["boarders"])
            parts.append((key, {"state_alt": job.alternative, "school": f"{a['name']} ({sid})", "n_have": have,
                                "n_used": used, "n_add": grow[sid]}))
    flips = after.index[(after["open"] != before["open"].reindex(after.index)) & (after.index != job.school_id)]
    if len(flips):
        parts.append(("decisions.why.also", {"state_alt": job.alternative, "schools": [
            (f"{after.at[sid, 'name']} ({sid})", "open" if after.at[sid, "open"] else "closed") for sid in flips]}))
    d_pub, d_min, d_obj = deltas["delta_public_cost"], deltas["delta_pupil_minutes"], deltas["delta_objective"]
    price = scenario.costs.per_pupil_minute
    tolerance = max(abs(base.objective) * max(scenario.solver.gap, base.gap or 0.0), 1.0)
    fields = {"state": job.decision, "state_alt": job.alternative, "yuan": abs(d_pub), "n_minutes": abs(d_min),
              "yuan_minutes": abs(d_min) * price, "yuan_price": price}
    if d_obj < tolerance:
        parts.append(("decisions.why.tie", {"yuan": abs(d_obj), "state_alt": job.alternative}))
    elif d_pub > 0 and d_min >= 0:
        parts.append(("decisions.why.both", fields))
    elif d_pub > 0:
        parts.append(("decisions.why.bus" if job.decision == "closed" else "decisions.why.cheaper", fields))
    elif d_min > 0:
        parts.append(("decisions.why.time" if abs(d_pub) >= 1.0 else "decisions.why.time_free", fields))
    else:
        parts.append(("decisions.why.other", {**fields, "yuan": d_obj}))
    return parts


def _base(plan: Plan) -> Base:
    s = plan.summary
    return Base(objective=float(s["objective"]), public=float(s["cost_public"]["total"]),
                pupil_minutes=float(s["cost_families"]["pupil_minutes"]), moved=float(s["pupils_moved"]),
                gap=s.get("gap"))


def not_evaluated(plan: Plan, key: str, **fields: Any) -> Decisions:
    """Return every school's decision with empty deltas and the reason ``key`` (disabled, no budget, a programme).

    Schools that may become teaching points are listed with their decision only (no alternative).
    """
    rows = [_row(school, state_of(str(school["role"]), False), "", "not_evaluated", [(key, fields)])
            for _, school in plan.schools.iterrows()]
    return _finish(rows, 0, 0.0, 1)


def empty() -> Decisions:
    """Return the decisions of a run without a plan: no rows."""
    return Decisions(table=pd.DataFrame(columns=COLUMNS), resolved=0, seconds=0.0, workers=1)


def _finish(rows: list[dict], resolved: int, seconds: float, workers: int) -> Decisions:
    table = pd.DataFrame(rows, columns=[*COLUMNS, "_why"])
    rank = table["status"].map({"optimal": 0, "feasible": 0, "infeasible": 1, "not_evaluated": 2, "fixed": 3})
    table = table.assign(_rank=rank, _key=table["delta_objective"].astype(float).fillna(np.inf),
                         _est=table["estimate"].astype(float).fillna(np.inf))
    table = table.sort_values(["_rank", "_key", "_est", "school_id"], kind="stable")
    why = dict(zip(zip(table["school_id"], table["alternative"]), table["_why"]))
    return Decisions(table=table[COLUMNS].reset_index(drop=True), resolved=resolved, seconds=round(seconds, 2),
                     workers=workers, why=why)


def explain_decisions(plan: Plan, model: Any, inputs: Inputs, scenario: Scenario,
                      on_progress: Callable[[int, int], None] | None = None) -> Decisions:
    """Re-solve the plan with each school locked the other way, closest calls first, within the budget.

    ``model`` is the plan's built model (for the estimates and which schools could change). Returns the
    decisions table; raises VerificationError if a re-solved plan fails verification.
    """
    from .families.teaching_points import may_become_teaching_points
    from .heuristic import flip_estimates

    rule = scenario.decisions
    if not rule.enabled:
        return not_evaluated(plan, "decisions.why.disabled")
    seconds = time_budget(scenario)
    if "time_budget_s" not in rule.model_fields_set and os.environ.get(BUDGET_ENV, "").strip():
        log.info("decisions budget %g s from %s ([decisions] time_budget_s not set)", seconds, BUDGET_ENV)
    if seconds <= 0:
        return not_evaluated(plan, "decisions.why.budget", budget=f"{seconds:g}")
    started = time.perf_counter()
    open_ids = list(model.variables["open"])
    opened = dict(zip(plan.schools["school_id"], plan.schools["open"].astype(bool)))
    estimates = flip_estimates(model, opened)
    points = may_become_teaching_points(inputs.schools.set_index("school_id"), scenario)
    jobs, rows = plan_jobs(plan, open_ids, points, estimates)
    base = _base(plan)
    if rule.max_schools is not None and len(jobs) > rule.max_schools:
        for job in jobs[rule.max_schools:]:
            rows.append(_row(_school(plan, job.school_id), job.decision,
                             job.alternative, "not_evaluated",
                             [("decisions.why.max_schools", {"n_most": rule.max_schools})], estimate=job.estimate))
        jobs = jobs[:rule.max_schools]
    # a lock that leaves some village with no school in reach is seen without solving: those rows first
    alone = _only_school(model)
    impossible = [j for j in jobs if j.alternative == "closed" and j.school_id in alone
                  and _cheap_reasons(j, inputs, scenario)]
    rows += [evaluate(j, inputs, scenario, plan, base, time.time() + 3600.0, 1.0) for j in impossible]
    jobs = [j for j in jobs if j not in impossible]
    workers = rule.workers or (0 if len(jobs) >= AUTO_PARALLEL_FROM else 1)
    deadline = time.time() + seconds
    if workers == 1 or len(jobs) <= 1:
        workers = 1
        done = _serial(jobs, inputs, scenario, plan, base, deadline, on_progress)
    else:
        done, workers = _parallel(jobs, inputs, scenario, plan, base, deadline, workers or None)
    rows += done
    resolved = sum(1 for r in done if r["status"] in ("optimal", "feasible", "infeasible")) + len(impossible)
    return _finish(rows, resolved, time.perf_counter() - started, workers)


def _serial(jobs: list[Job], inputs: Inputs, scenario: Scenario, plan: Plan, base: Base, deadline: float,
            on_progress: Callable[[int, int], None] | None) -> list[dict]:
    rows = []
    for i, job in enumerate(jobs):
        rows.append(evaluate(job, inputs, scenario, plan, base, deadline, scenario.decisions.solve_time_limit_s))
        if on_progress is not None:
            on_progress(i + 1, len(jobs))
    return rows


def _parallel(jobs: list[Job], inputs: Inputs, scenario: Scenario, plan: Plan, base: Base, deadline: float,
              workers: int | None) -> tuple[list[dict], int]:
    """Re-solve on a local Dask cluster (one HiGHS thread each); jobs not done by the deadline are not evaluated."""
    from dask.distributed import TimeoutError as DaskTimeout, as_completed

    from .parallel import dask_client

    limit = scenario.decisions.solve_time_limit_s
    rows: dict[int, dict] = {}
    with dask_client(workers=workers) as client:
        n = sum(client.nthreads().values()) or 1
        shared = client.scatter([inputs, scenario, plan, base], broadcast=True)
        futures = [client.submit(evaluate, job, *shared, deadline, limit, 1, key=f"decision-{i}", pure=False)
                   for i, job in enumerate(jobs)]
        index = {f.key: i for i, f in enumerate(futures)}
        try:
            for future in as_completed(futures, timeout=max(1.0, deadline - time.time() + limit + 5.0)):
                rows[index[future.key]] = future.result()
        except DaskTimeout:
            log.warning("decisions: re-solves still running at the end of the budget were stopped")
        client.cancel(futures)
    for i, job in enumerate(jobs):
        if i not in rows:
            rows[i] = _row(_school(plan, job.school_id), job.decision,
                           job.alternative, "not_evaluated",
                           [("decisions.why.budget", {"budget": f"{time_budget(scenario):g}"})],
                           estimate=job.estimate)
    return [rows[i] for i in range(len(jobs))], n


def programme_decisions(plan: Plan) -> Decisions:
    """Return a programme's decisions (its last planned year's), listed without re-solving."""
    return not_evaluated(plan, "decisions.why.programme")


__all__ = ["COLUMNS", "Decisions", "explain_decisions", "not_evaluated", "programme_decisions", "render"]
