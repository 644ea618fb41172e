"""The education-group model (1+N): a small MIP of its own, on pairs of schools rather than pupils.

Sets: schools ``s`` taking part; candidate cores ``c`` (a subset); eligible pairs ``(c, m)`` with
``m != c`` and the teachers' one-way trip ``t_cm <= max_minutes`` (no variable for any other pair).
Write ``x[s,c]`` for "school s is in the group of core c": ``x[c,c] = core[c]``, ``x[m,c] = member[c,m]``
for an eligible pair, and 0 otherwise.

Each constraint family is one ``add_group_*`` function listed in :data:`GROUP_FAMILIES`. Like the plan
model (:mod:`consolidation.model`), it names variables and constraints by school IDs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pulp

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
        out: dict[str, dict[str, pulp.LpVariable]] = {s: {} for s in self.schools}
        for c, var in self.core.items():
            out[c][c] = var
        for c, m, var in zip(self.pairs["core_id"].tolist(), self.pairs["member_id"].tolist(), self.member):
            out[m][c] = var
        return out

    def members_of(self) -> dict[str, list[pulp.LpVariable]]:
        """Return the member variables of each candidate core (an empty list where it has no eligible member)."""
        out: dict[str, list[pulp.LpVariable]] = {c: [] for c in self.core}
        for c, var in zip(self.pairs["core_id"].tolist(), self.member):
            out[c].append(var)
        return out


def add_group_once(m: GroupModel, rules: Groups) -> None:
    """Put each school taking part in one group at most, as its core or a member.

    ``sum_c x[s,c] = 1`` with ``everyone = true``, ``<= 1`` otherwise (it may stay outside every group).
    """
    sense = pulp.LpConstraintEQ if rules.everyone else pulp.LpConstraintLE
    for sid, row in m.in_group().items():
        _add_group(m, pulp.lpSum(row.values()), sense, lp_name("group_once", sid), 1)


def add_group_link(m: GroupModel, rules: Groups) -> None:
    """Let a school join only a core school's group: ``member[c,m] <= core[c]`` per eligible pair."""
    for c, var in zip(m.pairs["core_id"].tolist(), m.member):
        _add_group(m, var - m.core[c], pulp.LpConstraintLE, f"group_link__{var.name[8:]}", 0)


def add_group_size(m: GroupModel, rules: Groups) -> None:
    """Keep the member schools of each group (the core not counted) within the size limits.

    ``min_members core[c] <= sum_m member[c,m] <= max_members core[c]``.
    """
    for c, members in m.members_of().items():
        size = pulp.lpSum(members)
        if rules.min_members > 0:
            _add_group(m, size - rules.min_members * m.core[c], pulp.LpConstraintGE, lp_name("group_min", c), 0)
        _add_group(m, size - rules.max_members * m.core[c], pulp.LpConstraintLE, lp_name("group_max", c), 0)


def add_group_count(m: GroupModel, rules: Groups) -> None:
    """Fix the number of groups: ``sum_c core[c] = count`` (when set, or the number of locked cores)."""
    if m.count is None:
        return
    _add_group(m, pulp.lpSum(m.core.values()), pulp.LpConstraintEQ, "group_count", m.count)


def add_group_together(m: GroupModel, rules: Groups) -> None:
    """Put schools ``a``, ``b`` locked together both in a group, the same one.

    ``sum_c x[a,c] = 1`` and ``x[a,c] = x[b,c]`` for every core ``c``.
    """
    x = m.in_group()
    for a, b in rules.together:
        _add_group(m, pulp.lpSum(x[a].values()), pulp.LpConstraintEQ, lp_name("together_in", a, b), 1)
        for c in sorted(set(x[a]) | set(x[b])):
            terms = ([(x[a][c], 1.0)] if c in x[a] else []) + ([(x[b][c], -1.0)] if c in x[b] else [])
            _add_group(m, pulp.LpAffineExpression(terms), pulp.LpConstraintEQ, lp_name("together", a, b, c), 0)


def add_group_apart(m: GroupModel, rules: Groups) -> None:
    """Schools ``a``, ``b`` locked apart never share a group: ``x[a,c] + x[b,c] <= 1`` for every core ``c``."""
    x = m.in_group()
    for a, b in rules.apart:
        for c in sorted(set(x[a]) & set(x[b])):
            _add_group(m, x[a][c] + x[b][c], pulp.LpConstraintLE, lp_name("apart", a, b, c), 1)


def add_group_balance(m: GroupModel, rules: Groups) -> None:
    """Bound the sizes (member schools) of the largest and the smallest group.

    ``largest >= sum_m member[c,m]`` and ``smallest <= sum_m member[c,m] + max_members (1 - core[c])`` for
    every candidate core ``c``.
    """
    if m.largest is None or m.smallest is None:
        return
    for c, members in m.members_of().items():
        size = pulp.lpSum(members)
        _add_group(m, m.largest - size, pulp.LpConstraintGE, lp_name("largest", c), 0)
        _add_group(m, m.smallest - size + rules.max_members * m.core[c], pulp.LpConstraintLE,
                   lp_name("smallest", c), rules.max_members)


GROUP_FAMILIES: dict[str, Callable[[GroupModel, Groups], None]] = {
    "group_once": add_group_once,
    "group_link": add_group_link,
    "group_size": add_group_size,
    "group_count": add_group_count,
    "group_together": add_group_together,
    "group_apart": add_group_apart,
    "group_balance": add_group_balance,
}
"""Every constraint family of the group model, in build order."""


def _add_group(m: GroupModel, expr, sense: int, name: str, rhs: float) -> None:
    m.problem.addConstraint(pulp.LpConstraint(expr, sense, name, rhs))


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
