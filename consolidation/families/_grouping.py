"""The education-group formulation, once: the rows both group models build (no PuLP here).

Two models hold education groups (1+N, 教育集团): the group model of its own, formed after a plan among its open
schools (:mod:`consolidation.group_model`), and the plan model itself with ``groups.joint = true`` (the
``group_joint`` family), where a school takes part only if it stays open. Both write ``x[s,c]`` for "school s is
in the group of core c": ``x[c,c] = core[c]``, ``x[m,c] = member[c,m]`` for an eligible pair (core ``c``, member
``m``, within ``groups.max_minutes``), 0 otherwise; and both add the rows below through an ``algebra``: any object
with ``constrain(lhs, sense, name, rhs)``, ``total(terms)`` and ``terms(pairs)`` (the plan model's builder, or
the group model's thin wrapper of its PuLP problem).

``in_play[s]`` is what a school's group memberships add up to: 1 after a plan (every school taking part is
open), ``open[s]`` in the joint model (a closed school is in no group).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import numpy as np
import pandas as pd

from ..scenario import Groups
from ..tolerances import SOLVER as EPS

_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def lp(*parts: str) -> str:
    """Join domain IDs into an LP-safe name (the plan model's rule: ``group_once__S03``)."""
    return "__".join(_UNSAFE.sub("_", str(p)) for p in parts)


GROUP_COLUMNS = ["group_id", "core_id", "member_id", "minutes"]
"""Columns of ``groups.csv``: one row per member school (``minutes``: teachers' one-way trip from the
core); a core without members (possible only with ``min_members = 0``) has one row with no member."""


def group_table(cores: list[str], chosen: pd.DataFrame) -> pd.DataFrame:
    """Return the groups table from the chosen cores (in file order) and member pairs.

    ``chosen`` holds ``core_id``, ``member_id``, ``minutes``; groups are numbered ``G1``, ``G2`` ... (zero-padded
    to the widest number) in the order of ``cores``, members nearest first.
    """
    width = len(str(len(cores)))
    rows = []
    for k, core in enumerate(cores, start=1):
        gid = f"G{k:0{width}d}"
        members = chosen[chosen["core_id"] == core].sort_values(["minutes", "member_id"])
        if members.empty:
            rows.append({"group_id": gid, "core_id": core, "member_id": "", "minutes": np.nan})
        for m, t in zip(members["member_id"], members["minutes"]):
            rows.append({"group_id": gid, "core_id": core, "member_id": m, "minutes": float(t)})
    return pd.DataFrame(rows, columns=GROUP_COLUMNS)


def with_group_columns(schools: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Return ``schools`` (a ``school_id`` column) with ``group_id``, ``group_role`` and ``group_minutes``.

    From a groups table (:data:`GROUP_COLUMNS`): ``group_role`` is ``core`` or ``member`` (empty, like
    ``group_id``, for a school in no group); ``group_minutes`` a member's one-way minutes from its core (NaN
    otherwise).
    """
    out = schools.copy()
    ids = out["school_id"].astype(str)
    gid, role, minutes = {}, {}, {}
    for g, c, m, t in table[GROUP_COLUMNS].itertuples(index=False):
        gid[str(c)], role[str(c)] = g, "core"
        if isinstance(m, str) and m:
            gid[m], role[m], minutes[m] = g, "member", float(t)
    out["group_id"] = [gid.get(s, "") for s in ids]
    out["group_role"] = [role.get(s, "") for s in ids]
    out["group_minutes"] = np.array([minutes.get(s, np.nan) for s in ids], float)
    return out


def group_units(schools: pd.DataFrame, max_minutes: float, travels: bool) -> pd.Series:
    """Return the unit whose subject teachers serve each open school, indexed by ``school_id``.

    A core and its members within ``max_minutes`` (one way, when ``travels``) share the core's ID; every other
    open school is a unit of its own. ``schools`` has ``school_id``, ``open`` and, when grouped,
    :func:`with_group_columns`' columns.
    """
    s = schools.reset_index() if "school_id" not in schools.columns else schools
    s = s[pd.to_numeric(s["open"], errors="coerce").fillna(0).to_numpy() > 0.5]
    unit = pd.Series(s["school_id"].astype(str).to_numpy(), index=s["school_id"].astype(str).to_numpy())
    if "group_id" not in s.columns:
        return unit
    cores = {g: str(c) for g, c, r in zip(s["group_id"], s["school_id"], s["group_role"]) if r == "core"}
    for sid, g, r, t in zip(s["school_id"].astype(str), s["group_id"], s["group_role"], s["group_minutes"]):
        if r == "member" and travels and g in cores and float(t) <= max_minutes + EPS:
            unit[sid] = cores[g]
    return unit


def school_quality(schools: pd.DataFrame, rules: Groups) -> pd.Series:
    """Return each school's quality score (``groups.quality_column``), indexed by ``school_id``.

    ``schools`` has a ``school_id`` column or index. NaN where blank, or everywhere when the column is absent.
    """
    ids = (schools["school_id"] if "school_id" in schools.columns else schools.index.to_series()).astype(str)
    if rules.quality_column not in schools:
        return pd.Series(np.nan, index=ids.to_numpy(), dtype=float)
    return pd.Series(pd.to_numeric(schools[rules.quality_column], errors="coerce").to_numpy(float),
                     index=ids.to_numpy())


def core_candidates(part: list[str], score: pd.Series, rules: Groups) -> list[str]:
    """Return the schools that may be cores, in the order of ``part``.

    Locked cores, and the schools of ``core_candidates`` (default: all taking part) whose quality is at
    least ``min_core_quality``.
    """
    allowed = set(part) if rules.core_candidates is None else set(rules.core_candidates)
    if rules.min_core_quality is not None:
        allowed = {s for s in allowed if score.get(s, np.nan) >= rules.min_core_quality}
    allowed |= set(rules.cores)
    return [s for s in part if s in allowed]


def eligible_pairs(minutes: pd.DataFrame, part: list[str], candidates: list[str], max_minutes: float) -> pd.DataFrame:
    """Return the pairs ``core_id``, ``member_id``, ``minutes`` a group may hold.

    The core is a candidate, the member another school taking part, within ``max_minutes`` one way.
    """
    block = minutes.loc[candidates, part].to_numpy(float) if candidates and part else np.empty((0, 0))
    ok = ~np.isnan(block) & (block <= max_minutes + EPS)
    ci, mi = np.nonzero(ok)
    out = pd.DataFrame({"core_id": np.asarray(candidates, dtype=object)[ci],
                        "member_id": np.asarray(part, dtype=object)[mi],
                        "minutes": block[ci, mi]})
    return out[out["core_id"] != out["member_id"]].reset_index(drop=True)


def resolved_count(rules: Groups) -> int | None:
    """Return the number of groups: ``count``, else the number of locked cores, else None (the model chooses)."""
    if rules.count is not None:
        return rules.count
    return len(rules.cores) or None


class GroupVariables(Protocol):
    """The variables of a grouping, keyed by ``school_id`` (a group model, or the joint family's blocks)."""

    schools: tuple[str, ...]
    pairs: pd.DataFrame
    core: Mapping[str, Any]
    member: list[Any]
    count: int | None
    largest: Any
    smallest: Any


def in_group(g: GroupVariables) -> dict[str, dict[str, Any]]:
    """``x[s][c]``: the variable saying school ``s`` is in the group of core ``c`` (only where one exists)."""
    out: dict[str, dict[str, Any]] = {s: {} for s in g.schools}
    for c, var in g.core.items():
        out[c][c] = var
    for c, m, var in zip(g.pairs["core_id"].tolist(), g.pairs["member_id"].tolist(), g.member):
        out[m][c] = var
    return out


def members_of(g: GroupVariables) -> dict[str, list[Any]]:
    """Return the member variables of each candidate core (an empty list where it has no eligible member)."""
    out: dict[str, list[Any]] = {c: [] for c in g.core}
    for c, var in zip(g.pairs["core_id"].tolist(), g.member):
        out[c].append(var)
    return out


def group_once(g: GroupVariables, rules: Groups, alg: Any, in_play: Mapping[str, Any] | None = None) -> None:
    """Put each school taking part in one group at most, as its core or a member.

    ``sum_c x[s,c] = in_play[s]`` with ``everyone = true``, ``<= in_play[s]`` otherwise (it may stay outside every
    group); ``in_play[s]`` is 1 after a plan and ``open[s]`` in the joint model.
    """
    sense = "==" if rules.everyone else "<="
    for sid, row in in_group(g).items():
        if in_play is None:
            alg.constrain(alg.total(row.values()), sense, lp("group_once", sid), 1)
        else:
            alg.constrain(alg.total(row.values()) - in_play[sid], sense, lp("group_once", sid), 0)


def group_link(g: GroupVariables, rules: Groups, alg: Any) -> None:
    """Let a school join only a core school's group: ``member[c,m] <= core[c]`` per eligible pair."""
    for c, var in zip(g.pairs["core_id"].tolist(), g.member):
        alg.constrain(var - g.core[c], "<=", f"group_link__{var.name[8:]}", 0)


def group_size(g: GroupVariables, rules: Groups, alg: Any) -> None:
    """Keep the member schools of each group (the core not counted) within the size limits.

    ``min_members core[c] <= sum_m member[c,m] <= max_members core[c]``.
    """
    for c, members in members_of(g).items():
        size = alg.total(members)
        if rules.min_members > 0:
            alg.constrain(size - rules.min_members * g.core[c], ">=", lp("group_min", c), 0)
        alg.constrain(size - rules.max_members * g.core[c], "<=", lp("group_max", c), 0)


def group_count(g: GroupVariables, rules: Groups, alg: Any) -> None:
    """Fix the number of groups: ``sum_c core[c] = count`` (when set, or the number of locked cores)."""
    if g.count is None:
        return
    alg.constrain(alg.total(g.core.values()), "==", "group_count", g.count)


def group_together(g: GroupVariables, rules: Groups, alg: Any, in_play: Mapping[str, Any] | None = None) -> None:
    """Put schools ``a``, ``b`` locked together both in a group, the same one.

    ``sum_c x[a,c] = in_play[a]`` and ``x[a,c] = x[b,c]`` for every core ``c``.
    """
    x = in_group(g)
    for a, b in rules.together:
        if in_play is None:
            alg.constrain(alg.total(x[a].values()), "==", lp("together_in", a, b), 1)
        else:
            alg.constrain(alg.total(x[a].values()) - in_play[a], "==", lp("together_in", a, b), 0)
        for c in sorted(set(x[a]) | set(x[b])):
            terms = ([(x[a][c], 1.0)] if c in x[a] else []) + ([(x[b][c], -1.0)] if c in x[b] else [])
            alg.constrain(alg.terms(terms), "==", lp("together", a, b, c), 0)


def group_apart(g: GroupVariables, rules: Groups, alg: Any) -> None:
    """Schools ``a``, ``b`` locked apart never share a group: ``x[a,c] + x[b,c] <= 1`` for every core ``c``."""
    x = in_group(g)
    for a, b in rules.apart:
        for c in sorted(set(x[a]) & set(x[b])):
            alg.constrain(x[a][c] + x[b][c], "<=", lp("apart", a, b, c), 1)


def group_balance(g: GroupVariables, rules: Groups, alg: Any) -> None:
    """Bound the sizes (member schools) of the largest and the smallest group.

    ``largest >= sum_m member[c,m]`` and ``smallest <= sum_m member[c,m] + max_members (1 - core[c])`` for
    every candidate core ``c``.
    """
    if g.largest is None or g.smallest is None:
        return
    for c, members in members_of(g).items():
        size = alg.total(members)
        alg.constrain(g.largest - size, ">=", lp("largest", c), 0)
        alg.constrain(g.smallest - size + rules.max_members * g.core[c], "<=", lp("smallest", c), rules.max_members)


RULES: dict[str, Callable[..., None]] = {
    "group_once": group_once,
    "group_link": group_link,
    "group_size": group_size,
    "group_count": group_count,
    "group_together": group_together,
    "group_apart": group_apart,
    "group_balance": group_balance,
}
"""Every row family of a grouping, in build order (``group_once`` and ``group_together`` take ``in_play``)."""

PLAYED = ("group_once", "group_together")
"""The families whose rows depend on ``in_play``."""
