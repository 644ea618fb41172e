"""The education-group model (1+N): a small MIP of its own, on pairs of schools rather than pupils.

Sets: schools ``s`` taking part; candidate cores ``c`` (a subset); eligible pairs ``(c, m)`` with
``m != c`` and the teachers' one-way trip ``t_cm <= max_minutes`` (no variable for any other pair).
Write ``x[s,c]`` for "school s is in the group of core c": ``x[c,c] = core[c]``, ``x[m,c] = member[c,m]``
for an eligible pair, and 0 otherwise.

Each constraint family is one function of :mod:`consolidation.families._grouping` (the joint plan model builds
the same rows), listed in :data:`GROUP_FAMILIES`. Like the plan
model (:mod:`consolidation.model`), it names variables and constraints by school IDs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pulp

from .families import _grouping
from .model import expr as _expr, lp_name, unique_names as _unique_names
from .scenario import Groups


@dataclass(frozen=True)
class GroupModel:
    """The education-group MIP and its variables, keyed by ``school_id``.

    Variables: ``core__C`` (1 if candidate ``c`` is a core school; fixed to 1 for locked cores),
    ``member__C__M`` (1 if school ``m`` is a member of the group of core ``c``; eligible pairs only),
    and, when sizes are balanced, ``largest`` and ``smallest`` (member schools of the largest and
    smallest group).
    """

    problem: pulp.LpProblem
    schools: tuple[str, ...]
    """Schools taking part."""
    pairs: pd.DataFrame
    """Eligible pairs: ``core_id``, ``member_id``, ``minutes`` (one-way, core to member); aligned with
    :attr:`member`."""
    core: dict[str, pulp.LpVariable]
    member: list[pulp.LpVariable]
    quality: dict[str, float]
    """Quality score of each candidate core (0 where unknown)."""
    count: int | None
    """Number of groups, or None when the model chooses it."""
    largest: pulp.LpVariable | None
    smallest: pulp.LpVariable | None

    def in_group(self) -> dict[str, dict[str, pulp.LpVariable]]:
        """``x[s][c]``: the variable saying school ``s`` is in the group of core ``c`` (only where one exists)."""
        return _grouping.in_group(self)

    def members_of(self) -> dict[str, list[pulp.LpVariable]]:
        """Return the member variables of each candidate core (an empty list where it has no eligible member)."""
        return _grouping.members_of(self)


class _Algebra:
    """The group model's PuLP problem as the algebra :mod:`consolidation.families._grouping` builds rows with."""

    _SENSES = {"<=": pulp.LpConstraintLE, ">=": pulp.LpConstraintGE, "==": pulp.LpConstraintEQ}

    def __init__(self, problem: pulp.LpProblem):
        self.problem = problem

    def constrain(self, lhs, sense: str, name: str, rhs: float = 0) -> None:
        """Add ``lhs sense rhs`` under ``name``."""
        self.problem.addConstraint(pulp.LpConstraint(lhs, self._SENSES[sense], name, rhs))

    total = staticmethod(pulp.lpSum)

    @staticmethod
    def terms(pairs) -> pulp.LpAffineExpression:
        """``sum c v`` from ``(variable, coefficient)`` pairs."""
        return pulp.LpAffineExpression(list(pairs))


def _family(rule: Callable[..., None]) -> Callable[[GroupModel, Groups], None]:
    def add(m: GroupModel, rules: Groups) -> None:
        rule(m, rules, _Algebra(m.problem))

    add.__doc__ = rule.__doc__
    add.__name__ = f"add_{rule.__name__}"
    return add


GROUP_FAMILIES: dict[str, Callable[[GroupModel, Groups], None]] = {
    name: _family(rule) for name, rule in _grouping.RULES.items()}
"""Every constraint family of the group model, in build order (the rows of
:mod:`consolidation.families._grouping`, each school taking part counted as in play)."""


def group_objective_terms(m: GroupModel, rules: Groups) -> dict[str, pulp.LpAffineExpression]:
    """Return the group objective's terms, in teacher minutes.

    ``minutes`` = ``sum t_cm member[c,m]`` (one-way, core to member); ``quality`` =
    ``- quality_weight sum_c quality[c] core[c]``; ``balance`` = ``balance_weight (largest - smallest)``.
    """
    cores = list(m.core)
    terms = {
        "minutes": _expr(m.member, m.pairs["minutes"].to_numpy(float)),
        "quality": _expr([m.core[c] for c in cores], [-rules.quality_weight * m.quality.get(c, 0.0) for c in cores]),
    }
    if m.largest is not None and m.smallest is not None:
        terms["balance"] = _expr([m.largest, m.smallest], [rules.balance_weight, -rules.balance_weight])
    return terms


def build_group_model(schools: list[str], pairs: pd.DataFrame, candidates: list[str], quality: dict[str, float],
                      rules: Groups, *, count: int | None, name: str = "groups") -> GroupModel:
    """Build the education-group MIP.

    A core variable per candidate, a member variable per eligible pair, then each family in
    :data:`GROUP_FAMILIES`.

    Parameters
    ----------
    schools
        IDs of the schools taking part; every ID in ``pairs``, ``candidates``, ``rules.cores``,
        ``rules.together`` and ``rules.apart`` is one of them.
    pairs
        Eligible pairs ``core_id``, ``member_id``, ``minutes`` (teachers' one-way trip, minutes), each core
        a candidate, within ``rules.max_minutes``.
    candidates
        Schools that may be cores (locked cores among them).
    quality
        Quality score per candidate (points).
    rules
        The ``[groups]`` settings: locked cores, sizes, pairs locked together or apart, weights.
    count
        Number of groups, or None to let the model choose.
    """
    problem = pulp.LpProblem(lp_name("groups", name), pulp.LpMinimize)
    names = _unique_names(pd.Series(list(schools)))
    locked = set(rules.cores)
    core = {c: problem.add_variable(f"core__{names[c]}", lowBound=1 if c in locked else 0, upBound=1,
                                    cat=pulp.LpInteger) for c in candidates}
    pairs = pairs.reset_index(drop=True)
    member = [problem.add_variable(f"member__{names[c]}__{names[s]}", lowBound=0, upBound=1, cat=pulp.LpBinary)
              for c, s in zip(pairs["core_id"].tolist(), pairs["member_id"].tolist())]
    balance = rules.balance_weight > 0 and rules.max_members > rules.min_members
    largest = problem.add_variable("largest", lowBound=0, upBound=rules.max_members) if balance else None
    smallest = problem.add_variable("smallest", lowBound=0, upBound=rules.max_members) if balance else None
    m = GroupModel(problem=problem, schools=tuple(schools), pairs=pairs, core=core, member=member,
                   quality={c: float(quality.get(c, 0.0)) for c in candidates}, count=count,
                   largest=largest, smallest=smallest)
    problem.setObjective(pulp.lpSum(group_objective_terms(m, rules).values()))
    for add in GROUP_FAMILIES.values():
        add(m, rules)
    return m
