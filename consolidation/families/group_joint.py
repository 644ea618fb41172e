"""Joint groups: education groups (1+N, 教育集团) formed in the plan model itself, among the schools it keeps open.

In force with ``groups.joint = true``. The rows are the group model's (:mod:`consolidation.families._grouping`),
with ``open[s]`` in place of 1: a school is in a group (as its core school, 核心校, or a member school, 成员校)
only while it stays open, and every open school taking part is in one with ``groups.everyone``. So a school's
fate can depend on the group it could join: the ``subject_posts`` family counts the posts a group's travelling
teachers (走教) share.

Declares ``core__C`` (integer in [0, 1]; 1 for a locked core) for every school that may be a core (open-able,
taking part, a candidate of at least ``min_core_quality``) and ``member__C__M`` (binary) for every pair within
``groups.max_minutes`` one way (:attr:`consolidation.travel.Pairs.between`); blocks ``group_core`` (keyed by
core) and ``group_member`` (keyed by ``(core, member)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import id_list
from ..io import Inputs
from ..scenario import Scenario
from ..travel import school_minutes
from . import _grouping
from ._staff import have, reach
from .base import Builder, Family, PlanView, Relaxation

TERMS = ("group_travel",)


@dataclass(frozen=True)
class _Grouping:
    """The joint family's blocks seen as a grouping (:class:`consolidation.families._grouping.GroupVariables`)."""

    schools: tuple[str, ...]
    pairs: pd.DataFrame
    core: dict[str, Any]
    member: list[Any]
    count: int | None
    largest: Any = None
    smallest: Any = None


def taking_part(m: Builder, scenario: Scenario) -> list[str]:
    """Return the schools that may be in a group: those with an ``open`` variable, of ``groups.schools`` if given."""
    chosen = scenario.groups.schools
    return [s for s in m.schools.index if s in m["open"] and (chosen is None or s in chosen)]


def declare(m: Builder, scenario: Scenario) -> None:
    """``group_core`` and ``group_member`` (empty unless ``groups.joint``)."""
    core: dict[str, Any] = {}
    member: dict[tuple[str, str], Any] = {}
    rules = scenario.groups
    if rules.joint and m.pairs.between is not None:
        part = taking_part(m, scenario)
        candidates = _grouping.core_candidates(part, _grouping.school_quality(m.schools, rules), rules)
        pairs = _grouping.eligible_pairs(m.pairs.between, part, candidates, rules.max_minutes)
        locked = set(rules.cores)
        for c in candidates:
            core[c] = m.variable(f"core__{m.school_name(c)}", low=1 if c in locked else 0, up=1, kind="integer")
        for c, s in zip(pairs["core_id"], pairs["member_id"]):
            member[(c, s)] = m.variable(f"member__{m.school_name(c)}__{m.school_name(s)}", low=0, up=1,
                                        kind="binary")
    m.declare("group_core", core)
    m.declare("group_member", member)


def grouping(m: Builder, scenario: Scenario) -> _Grouping:
    """Return the declared blocks as a grouping: the schools taking part, the pairs with their minutes."""
    keys = list(m["group_member"])
    between = m.pairs.between
    pairs = pd.DataFrame({"core_id": [c for c, _ in keys], "member_id": [s for _, s in keys],
                          "minutes": [float(between.at[c, s]) for c, s in keys]}, columns=["core_id", "member_id",
                                                                                           "minutes"])
    rules = scenario.groups
    taking = set(taking_part(m, scenario))
    return _Grouping(schools=tuple(taking_part(m, scenario)), pairs=pairs, core=dict(m["group_core"]),
                     member=list(m["group_member"].values()),
                     count=_grouping.resolved_count(rules) if taking else None)


def define(m: Builder, scenario: Scenario) -> None:
    """Add the group rows with ``open[s]`` in play (the group model's rows otherwise).

    ``sum_c x[s,c] = open[s]`` (``<=`` without ``everyone``), ``member[c,m] <= core[c]``,
    ``min_members core[c] <= sum_m member[c,m] <= max_members core[c]``, ``sum_c core[c] = count`` (when set or
    cores are locked), ``sum_c x[a,c] = open[a]`` and ``x[a,c] = x[b,c]`` for pairs together,
    ``x[a,c] + x[b,c] <= 1`` for pairs apart (both taking part). Teacher pools by group (with
    ``teachers.max_redeploy_minutes_outside_group`` and teachers paid): a move of the teacher-posts family
    longer than that limit only within one group, ``fill[f,t] + tolife[f,t] <= teachers_f sum_c same[f,t,c]``,
    ``same[f,t,c] <= x[f,c]``, ``same[f,t,c] <= x[t,c]`` (continuous: at whole ``x`` the sum is 1 exactly when
    f and t share a group).
    """
    if not scenario.groups.joint:
        return
    _teacher_moves(m, scenario)
    if not m["group_core"]:
        return
    g = grouping(m, scenario)
    rules = scenario.groups
    taking = set(g.schools)
    rules = rules.model_copy(update={"apart": [p for p in rules.apart if p[0] in taking and p[1] in taking]})
    in_play = {s: m["open"][s] for s in g.schools}
    for name, rule in _grouping.RULES.items():
        if name == "group_balance":
            continue  # the joint objective is yuan: quality and balance weights are not used
        if name in _grouping.PLAYED:
            rule(g, rules, m, in_play)
        else:
            rule(g, rules, m)


def _teacher_moves(m: Builder, scenario: Scenario) -> None:
    """With joint groups and a limit outside groups: a longer move only within one group.

    ``fill[f,t] + tolife[f,t] <= teachers_f sum_c same[f,t,c]``, ``same[f,t,c] <= x[f,c]``, ``same[f,t,c] <=
    x[t,c]`` (continuous: at whole ``x`` their sum is 1 exactly when f and t share a group).
    """
    outside = scenario.teachers.max_redeploy_minutes_outside_group
    if outside is None or not m.get("fill"):
        return
    today = have(m.schools)
    x: dict[str, dict[str, Any]] = {}
    for c, var in m["group_core"].items():
        x.setdefault(c, {})[c] = var
    for (c, s), var in m["group_member"].items():
        x.setdefault(s, {})[c] = var
    minutes = reach(m.schools, scenario)
    moves: dict[tuple[str, str], list] = {}
    for block in ("fill", "tolife"):
        for (src, dst), var in m[block].items():
            if src != dst and minutes.at[src, dst] > outside:
                moves.setdefault((src, dst), []).append(var)
    for (src, dst), variables in moves.items():
        cores = sorted(set(x.get(src, {})) & set(x.get(dst, {})))
        same = []
        for c in cores:
            var = m.variable(f"same__{m.school_name(src)}__{m.school_name(dst)}__{m.school_name(c)}", low=0, up=1)
            m.constrain(var - x[src][c], "<=", m.name("same_from", src, dst, c), 0)
            m.constrain(var - x[dst][c], "<=", m.name("same_to", src, dst, c), 0)
            same.append(var)
        m.constrain(m.total(variables) - float(today[src]) * m.total(same), "<=",
                    m.name("group_move", src, dst), 0)


def objective(m: Builder, scenario: Scenario) -> dict[str, Any]:
    """Return ``group_travel``: ``teacher_minute_yuan x sum t_cm member[c,m]`` (yuan a year)."""
    if not m["group_member"]:
        return {}
    g = grouping(m, scenario)
    return {"group_travel": m.expr(g.member, g.pairs["minutes"].to_numpy(float) * scenario.groups.teacher_minute_yuan)}


def costed(scenario: Scenario) -> bool:
    """Return True when the groups' teacher travel is in the budget (joint, or with subject posts)."""
    return scenario.groups.joint or bool(scenario.travelling_teachers.subjects and scenario.groups.enabled)


def by_school(assignments: pd.DataFrame, schools: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Return ``group_travel`` at each member school: ``teacher_minute_yuan x`` its minutes from its core."""
    frame = schools.set_index("school_id") if "school_id" in schools.columns else schools
    if not costed(scenario):
        return pd.DataFrame(index=pd.Index([], name="school_id"))
    minutes = frame["group_minutes"].fillna(0.0) if "group_minutes" in frame else pd.Series(0.0, index=frame.index)
    return pd.DataFrame({"group_travel": scenario.groups.teacher_minute_yuan * minutes.astype(float)})


def recompute(assignments: pd.DataFrame, schools: pd.DataFrame, scenario: Scenario) -> dict[str, float]:
    """Recompute ``group_travel`` from the plan's school table (its ``group_minutes``)."""
    if not costed(scenario):
        return {}
    return {"group_travel": float(by_school(assignments, schools, scenario)["group_travel"].sum())}


def check(plan: PlanView, scenario: Scenario) -> list[str]:
    """Check closed schools are in no group, each group has one core, members lie within ``groups.max_minutes``."""
    s = plan.schools
    if "group_id" not in s.columns:
        return []
    problems = []
    closed = s.index[(s["open"] == 0) & (s["group_id"] != "")]
    if len(closed):
        problems.append(f"closed schools in an education group: {id_list(closed)}")
    grouped = s[s["group_id"] != ""]
    cores = grouped[grouped["group_role"] == "core"].groupby("group_id").size()
    odd = sorted(set(grouped["group_id"]) - set(cores.index[cores == 1]))
    if odd:
        problems.append(f"education groups without exactly one core: {id_list(odd)}")
    far = grouped.index[grouped["group_minutes"].to_numpy(float) > scenario.groups.max_minutes + 1e-6]
    if len(far):
        problems.append(f"members beyond groups.max_minutes = {scenario.groups.max_minutes:g}: {id_list(far)}")
    return problems


def relax(inputs: Inputs, scenario: Scenario, big: float) -> tuple[Inputs, Scenario] | None:
    """No groups planned with the plan (``groups.joint = false``, and none formed after it)."""
    if not scenario.groups.joint:
        return None
    return inputs, scenario.model_copy(update={"groups": scenario.groups.model_copy(
        update={"joint": False, "enabled": False})})


def explain(plan: Any, inputs: Inputs, scenario: Scenario) -> str:
    """Name the schools a plan without joint groups keeps open that no school that may be a core reaches."""
    rules = scenario.groups
    schools = plan.schools.assign(school_id=plan.schools["school_id"].astype(str))
    open_ids = schools.loc[schools["open"] == 1, "school_id"].tolist()
    part = [s for s in open_ids if rules.schools is None or s in rules.schools]
    candidates = _grouping.core_candidates(part, _grouping.school_quality(schools, rules), rules)
    pairs = _grouping.eligible_pairs(school_minutes(inputs, scenario), part, candidates, rules.max_minutes)
    reached = set(pairs["member_id"]) | set(candidates)
    stuck = [s for s in part if s not in reached]
    names = dict(zip(schools["school_id"], schools["name"].astype(str)))
    lead = (f"The education groups planned with the plan (groups.joint = true) cannot hold; a plan exists without "
            f"them, keeping {len(open_ids)} schools open")
    if stuck and rules.everyone:
        who = ", ".join(f"{s} ({names.get(s, s)})" for s in stuck[:10]) + (" ..." if len(stuck) > 10 else "")
        return (f"{lead}, of which {who} can join no group (no school that may be a core within groups.max_minutes = "
                f"{rules.max_minutes:g} min): allow more core_candidates, raise max_minutes, or set groups.everyone = "
                "false.")
    return (f"{lead}: check the group sizes (min_members, max_members), count, locked cores and the pairs "
            "together or apart against the schools the plan can keep open.")


def table_from_values(values: dict[str, Any], between: pd.DataFrame | None, order: list[str]) -> pd.DataFrame | None:
    """Return the groups table (:data:`~consolidation.families._grouping.GROUP_COLUMNS`) of a joint solution.

    ``values`` are the solver's values by block; ``order`` the schools in file order (cores are numbered in
    it). None when the plan holds no joint groups.
    """
    core, member = values.get("group_core") or {}, values.get("group_member") or {}
    if not core or between is None:
        return None
    cores = [s for s in order if core.get(s, 0.0) > 0.5]
    chosen = [(c, s) for (c, s), v in member.items() if v > 0.5]
    pairs = pd.DataFrame({"core_id": [c for c, _ in chosen], "member_id": [s for _, s in chosen],
                          "minutes": np.array([between.at[c, s] for c, s in chosen], float)},
                         columns=["core_id", "member_id", "minutes"])
    return _grouping.group_table(cores, pairs)


FAMILY = Family(
    name="group_joint",
    order=92,
    summary="With groups.joint: education groups (one core, 1-N members) among the schools the plan keeps open, "
            "in the plan model; the cores' trips to their members costed.",
    reads=("groups.joint", "groups.schools", "groups.count", "groups.cores", "groups.core_candidates",
           "groups.min_core_quality", "groups.min_members", "groups.max_members", "groups.max_minutes",
           "groups.everyone", "groups.together", "groups.apart", "groups.teacher_minute_yuan",
           "teachers.max_redeploy_minutes_outside_group",
           "schools: quality"),
    declare=declare,
    define=define,
    objective=objective,
    cost_terms=TERMS,
    recompute=recompute,
    check=check,
    relaxation=Relaxation(label="the education groups planned with the plan", relax=relax, explain=explain),
    public={"group_travel": "teachers"},
    by_school=by_school,
    lp_names=("core__", "member__", "group_once__", "group_link__", "group_min__", "group_max__", "group_count",
              "together_in__", "together__", "apart__", "same__", "same_from__", "same_to__", "group_move__"),
)
