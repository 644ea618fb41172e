"""Alternative plans (``[alternatives]``): the best plans that differ from the optimum in at least k schools.

Found one after another: the plan's model again, with a no-good cut on the open schools of the plan and of every
alternative found so far (each later plan differs from each of them in at least ``min_difference`` schools) and
the objective kept within ``within`` of the plan's (:mod:`consolidation.model.variants`). Each is verified like
any plan. The search stops at ``count`` alternatives or at the first solve without a plan (none is left within
the bound, or none was found in ``time_limit_s``).

The classic formulation is solved (the radius formulation has no room for the cuts). A teaching point and a
school kept whole are both open: the cut counts schools opened or closed, not teaching points.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .decisions import env_default
from .io import Inputs
from .plan import Plan, make_plan
from .scenario import Scenario
from .travel import Pairs


log = logging.getLogger("consolidation")

COUNT_ENV = "CONSOLIDATION_ALTERNATIVES_COUNT"
"""Environment variable giving the default of ``[alternatives] count`` where the scenario does not set it: the
test suite sets 0, so that its many runs of the example county look for no alternative unless a test asks."""


def wanted(scenario: Scenario) -> int:
    """Return how many alternatives to look for: ``[alternatives] count`` as set, else :data:`COUNT_ENV`, else
    its default.
    """  # noqa: D205 - one sentence
    return int(env_default(scenario.alternatives, "count", COUNT_ENV, lambda v: 0 <= v <= 20 and v == int(v),
                           "give a whole number from 0 to 20 (or unset it to use [alternatives] count)"))


@dataclass(frozen=True)
class Alternative:
    """One alternative plan and how it differs from the plan."""

    name: str
    """``alt1``, ``alt2``, ...: its folder under ``alternatives/``."""
    plan: Plan
    differ: tuple[tuple[str, str], ...]
    """``(school_id, state in this alternative)`` for every school whose open/closed state differs."""
    deltas: dict[str, float]
    """``delta_objective``, ``delta_public_cost``, ``delta_pupil_minutes``, ``delta_moved`` against the plan."""


@dataclass(frozen=True)
class Alternatives:
    """The alternatives found, the search's end and which decisions are the same in all plans."""

    found: tuple[Alternative, ...]
    stopped: str
    """Why the search ended: ``count`` (all found), ``none_within`` (no other plan within the bound),
    ``time`` (a solve found no plan in its time limit), ``disabled`` (count 0)."""
    seconds: float
    close_calls: tuple[str, ...] = field(default=())
    """Schools whose open/closed state differs between the plan and some alternative."""
    min_difference: int = 1
    """``[alternatives] min_difference`` searched with."""
    within: float = 0.0
    """``[alternatives] within`` searched with."""

    def table(self) -> pd.DataFrame:
        """Return alternatives.csv: one row per alternative, its deltas and the schools that differ."""
        rows = [{"alternative": a.name, **{k: round(v, 2) for k, v in a.deltas.items()},
                 "schools_differ": " ".join(f"{sid}:{state}" for sid, state in a.differ),
                 "folder": f"alternatives/{a.name}"} for a in self.found]
        return pd.DataFrame(rows, columns=["alternative", "delta_objective", "delta_public_cost",
                                           "delta_pupil_minutes", "delta_moved", "schools_differ", "folder"])

    def describe(self) -> str:
        """One line for the CLI."""
        words = {"count": "all found", "none_within": "no other plan within the bound",
                 "time": "a solve found no plan in its time limit", "disabled": "none asked"}
        return (f"{len(self.found)} alternative plan(s) in {self.seconds:.1f} s ({words.get(self.stopped, '')}); "
                f"{len(self.close_calls)} close call(s)")


def _open_set(plan: Plan) -> dict[str, int]:
    return {str(s): int(o) for s, o in zip(plan.schools["school_id"], plan.schools["open"])}


def _deltas(plan: Plan, other: Plan) -> dict[str, float]:
    a, b = plan.summary, other.summary
    return {"delta_objective": b["objective"] - a["objective"],
            "delta_public_cost": b["cost_public"]["total"] - a["cost_public"]["total"],
            "delta_pupil_minutes": b["cost_families"]["pupil_minutes"] - a["cost_families"]["pupil_minutes"],
            "delta_moved": b["pupils_moved"] - a["pupils_moved"]}


def find_alternatives(plan: Plan, pairs: Pairs, inputs: Inputs, scenario: Scenario) -> Alternatives:
    """Return up to ``[alternatives] count`` verified plans, each the best that differs from the plan and every
    earlier alternative in at least ``min_difference`` schools with an objective within ``within`` of the plan's.
    """  # noqa: D205 - one sentence
    from .model import build_model
    from .model.variants import bound_objective, exclude_plans
    from .solve import solve

    rule = scenario.alternatives
    started = time.perf_counter()
    count = wanted(scenario)
    if count == 0:
        return Alternatives(found=(), stopped="disabled", seconds=0.0, min_difference=rule.min_difference,
                            within=rule.within)
    objective = float(plan.summary["solver_objective"] if plan.summary.get("solver_objective") is not None
                      else plan.summary["objective"])
    settings = scenario.solver.model_copy(update={"time_limit_s": rule.time_limit_s, "formulation": "classic"})
    seen = [_open_set(plan)]
    found: list[Alternative] = []
    stopped = "count"
    for i in range(count):
        model = build_model(pairs, inputs, scenario)
        exclude_plans(model, seen, rule.min_difference)
        bound_objective(model, objective + rule.within * abs(objective))
        outcome = solve(model, settings)
        if not outcome.has_plan:
            stopped = "none_within" if outcome.status == "infeasible" else "time"
            break
        other = make_plan(outcome, pairs, inputs, scenario)  # verified like any plan
        mine, theirs = seen[0], _open_set(other)
        differ = tuple((sid, "open" if theirs[sid] else "closed") for sid in mine if mine[sid] != theirs[sid])
        found.append(Alternative(name=f"alt{i + 1}", plan=other, differ=differ, deltas=_deltas(plan, other)))
        seen.append(theirs)
    close = sorted({sid for a in found for sid, _ in a.differ})
    return Alternatives(found=tuple(found), stopped=stopped, seconds=round(time.perf_counter() - started, 2),
                        close_calls=tuple(close), min_difference=rule.min_difference, within=rule.within)


def summary_of(result: Alternatives | None) -> dict[str, Any] | None:
    """Return the alternatives' headline figures for summary.json (None when not searched)."""
    if result is None:
        return None
    return {"found": len(result.found), "stopped": result.stopped, "seconds": result.seconds,
            "close_calls": list(result.close_calls),
            "plans": [{"name": a.name, **{k: round(v, 2) for k, v in a.deltas.items()},
                       "differ": [f"{sid}:{state}" for sid, state in a.differ]} for a in result.found]}
