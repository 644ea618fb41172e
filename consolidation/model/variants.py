"""Variants of a built plan model: a school's teaching-point choice fixed, plans cut off, the objective bounded.

Used by :mod:`consolidation.decisions` (a school locked the other way) and :mod:`consolidation.alternatives`
(the next-best plans). Every PuLP call of these variants is here; the callers pass school IDs and numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pulp

from . import BuiltModel, lp_name


def fix_whole(model: BuiltModel, sid: str, whole: bool) -> bool:
    """Fix whether school ``sid`` keeps every band (``full = 1``) or only the teaching-point bands (``full = 0``).

    Returns False when the school has no ``full`` variable (it cannot become a teaching point).
    """
    var = model.variables.get("full", {}).get(sid)
    if var is None:
        return False
    var.lowBound = var.upBound = 1 if whole else 0
    return True


def exclude_plans(model: BuiltModel, plans: Iterable[Mapping[str, int]], k: int) -> int:
    """Add a no-good cut per plan: the open schools differ from ``plan`` in at least ``k`` schools.

    ``sum_{s open in plan} (1 - open[s]) + sum_{s closed in plan} open[s] >= k`` over the schools with an
    ``open`` variable (``plan`` maps ``school_id`` to 1 open, 0 closed; a school it leaves out counts as
    closed). Returns how many cuts were added.
    """
    open_ = model.variables["open"]
    added = 0
    for plan in plans:
        terms = [(var, -1.0 if plan.get(sid, 0) else 1.0) for sid, var in open_.items()]
        ones = sum(1 for sid in open_ if plan.get(sid, 0))
        name = lp_name("differ", str(len(model.problem._constraints)))
        model.problem.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression(terms), pulp.LpConstraintGE,
                                                      name, k - ones))
        added += 1
    return added


def bound_objective(model: BuiltModel, most: float) -> None:
    """Keep the objective at most ``most`` (yuan a year): ``objective <= most``."""
    objective = model.problem.objective
    model.problem.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression(list(objective.items())),
                                                  pulp.LpConstraintLE, "objective_within",
                                                  most - float(objective.constant)))
