"""Teaching points under a parent school (``[teaching_points] parents = true``): 教学点 run by a 中心校.

Every open teaching point (a school that teaches only the teaching-point bands in the data, or one the plan
turns into a teaching point) belongs to one parent: an open complete school (not a teaching point, not
closed) whose ``kind`` is one of ``teaching_points.parent_kinds`` (township central schools by default) and
whose teachers reach the point within ``teaching_points.max_parent_minutes`` one way
(:func:`consolidation.travel.school_minutes`, carried as :attr:`consolidation.travel.Pairs.between`).

What "the parent staffs the point" means here: the point keeps its own staff posts (its classes need
teachers on site, counted by the same rule as any school), and those posts are filled only by the point's
own teachers, its parent's teachers, or recruits: teachers of any other school reach a point only through
its parent (they may fill the parent's posts). The parent's staff figures then include its points
(``posts_with_points``, ``teachers_with_points`` in schools.csv). Each minute of one-way trip between a point
and its parent costs ``per_parent_minute`` yuan a year (teachers' travel, a public cost of the teachers).

Declares ``parent__T__C``, binary, for each possible point ``T`` and possible parent ``C`` within reach.
In a programme a point keeps its parent for as long as both stay what they are (the point open as a point,
the parent open and complete); it changes parent only when its parent closes or stops being complete.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, id_list
from ..io import Inputs
from ..scenario import Scenario
from ..tolerances import SOLVER
from .base import Builder, Family, PlanView, Relaxation
from ._staff import have
from .teaching_points import may_become_teaching_points, teaches_only

TERMS = ("parent_travel",)
PARENT_COLUMNS = ["parent_id", "parent_minutes", "central"]
"""Columns the plan's school table gets: the teaching point's parent school and its teachers' one-way minutes
(empty where none), and ``central`` (1: an open complete school of kind township, a township central school)."""


def active(scenario: Scenario) -> bool:
    """Return True when teaching points must have parents."""
    return scenario.teaching_points.parents


def kinds_ok(schools: pd.DataFrame, scenario: Scenario) -> pd.Series:
    """Return which schools have a kind that may be a parent (every school when ``parent_kinds`` is empty)."""
    kinds = scenario.teaching_points.parent_kinds
    if not kinds:
        return pd.Series(True, index=schools.index)
    if "kind" not in schools.columns:
        return pd.Series(False, index=schools.index)
    return schools["kind"].astype(str).str.strip().isin(kinds)


def possible_points(schools: pd.DataFrame, scenario: Scenario) -> list[str]:
    """Return the schools (``school_id``; ``schools`` indexed by it) that may be open as teaching points.

    Those that teach only the teaching-point bands today, and those the plan may turn into teaching points.
    """
    only = teaches_only(schools, scenario.teaching_points.bands)
    turned = set(may_become_teaching_points(schools, scenario))
    return [sid for sid in schools.index if bool(only[sid]) or sid in turned]


def possible_parents(schools: pd.DataFrame, scenario: Scenario) -> list[str]:
    """Return the schools that may be parents: of a parent kind, and not teaching only the teaching-point bands."""
    only = teaches_only(schools, scenario.teaching_points.bands)
    ok = kinds_ok(schools, scenario) & ~only & (schools["lock"] != "closed")
    return list(schools.index[ok.to_numpy(bool)])


def parent_arcs(schools: pd.DataFrame, between: pd.DataFrame | None, scenario: Scenario) -> pd.DataFrame:
    """Return every (point, parent) pair within reach: columns ``point_id``, ``parent_id``, ``minutes``.

    ``schools`` is indexed by ``school_id``; ``between`` is :func:`consolidation.travel.school_minutes`'s table
    (parent's row, point's column: the parent's teachers travel to the point). Pairs whose minutes are unknown
    are left out.
    """
    rows = []
    if between is not None:
        limit = scenario.teaching_points.max_parent_minutes
        parents = [c for c in possible_parents(schools, scenario) if c in between.index]
        for t in possible_points(schools, scenario):
            if t not in between.columns:
                continue
            for c in parents:
                minutes = float(between.at[c, t])
                if c != t and np.isfinite(minutes) and minutes <= limit + SOLVER:
                    rows.append((t, c, minutes))
    return pd.DataFrame(rows, columns=["point_id", "parent_id", "minutes"])


def declare(m: Builder, scenario: Scenario) -> None:
    """``parent`` (keyed by ``(point, parent)``): binary, for the open-able points and parents within reach."""
    arcs: dict[tuple[str, str], Any] = {}
    if active(scenario):
        open_ = m["open"]
        table = parent_arcs(m.schools, m.pairs.between, scenario)
        for t, c in zip(table["point_id"], table["parent_id"]):
            if t in open_ and c in open_:
                arcs[(t, c)] = m.variable(f"parent__{m.school_name(t)}__{m.school_name(c)}", kind="binary")
    m.declare("parent", arcs)


def _point(m: Builder, sid: str) -> Any:
    """Return ``open[s] - full[s]`` (1: ``s`` is open as a teaching point), or ``open[s]`` for a data teaching point."""
    full = m["full"]
    return m["open"][sid] - full[sid] if sid in full else m["open"][sid]


def _complete(m: Builder, sid: str) -> Any:
    """``full[s]`` when ``s`` may become a teaching point, else ``open[s]`` (1: open and complete)."""
    full = m["full"]
    return full[sid] if sid in full else m["open"][sid]


def define(m: Builder, scenario: Scenario) -> None:
    """Give every open teaching point one open complete parent within reach, who staffs it.

    ``sum_c parent[t,c] = open[t] - full[t]`` (``= open[t]`` for a teaching point in the data; no parent within
    reach: the point cannot stay open); ``parent[t,c] <= full[c]`` (``<= open[c]`` for a school that cannot
    become a teaching point). Staffing (with teacher posts in force): teachers of school ``f`` fill posts or
    life-teacher needs at a possible point ``t`` only as its parent, or when ``t`` is kept whole:
    ``fill[f,t] + tolife[f,t] <= teachers_f (parent[t,f] + full[t])`` for ``f != t`` (terms absent: 0).
    """
    parent = m["parent"]
    if not active(scenario):
        return
    open_, full = m["open"], m["full"]
    by_point: dict[str, list] = {}
    for (t, c), var in parent.items():
        by_point.setdefault(t, []).append(var)
        m.constrain(var - _complete(m, c), "<=", m.name("parent_open", t, c), 0)
    for t in possible_points(m.schools, scenario):
        if t in open_:
            m.constrain(m.total(by_point.get(t, [])) - _point(m, t), "==", m.name("one_parent", t), 0)
    today = have(m.schools)
    into: dict[tuple[str, str], list] = {}
    for block in ("fill", "tolife"):
        for (src, dst), var in m.get(block, {}).items():
            if src != dst:
                into.setdefault((src, dst), []).append(var)
    points = set(possible_points(m.schools, scenario)) & set(open_)
    for (src, dst), variables in into.items():
        if dst not in points:
            continue
        gates = [g for g in (parent.get((dst, src)), full.get(dst)) if g is not None]
        lhs = m.total(variables) - m.expr(gates, np.full(len(gates), float(today[src])))
        m.constrain(lhs, "<=", m.name("point_staff", src, dst), 0)


def objective(m: Builder, scenario: Scenario) -> dict[str, Any]:
    """Return ``parent_travel``: ``per_parent_minute`` x one-way minutes between each point and its parent."""
    parent = m["parent"]
    if not active(scenario):
        return {}
    between = m.pairs.between
    minutes = [float(between.at[c, t]) for t, c in parent]
    return {"parent_travel": m.expr(list(parent.values()),
                                    scenario.teaching_points.per_parent_minute * np.asarray(minutes, float))}


def across(builders, scenario: Scenario) -> None:
    """Keep a point's parent while both stay: ``parent[t,c,y] >= parent[t,c,y-1] + point[t,y] + complete[c,y] - 2``.

    ``point[t,y] = open[t,y] - full[t,y]`` and ``complete[c,y] = full[c,y]`` (``open`` where there is no
    ``full``): a point changes parent only when its parent closes or becomes a teaching point itself.
    """
    if not active(scenario):
        return
    for before, m in zip(builders, builders[1:]):
        for (t, c), var in m["parent"].items():
            old = before["parent"].get((t, c))
            if old is not None:
                m.constrain(var - old - _point(m, t) - _complete(m, c), ">=", m.name("keeps_parent", t, c), -2)


def parent_columns(schools: pd.DataFrame, chosen: dict, between: pd.DataFrame | None,
                   scenario: Scenario) -> pd.DataFrame:
    """Return :data:`PARENT_COLUMNS` for the plan's school table (aligned with its rows).

    ``chosen`` is the solver's ``parent`` block values keyed by ``(point, parent)``; a parent is read only for a
    school whose ``role`` is ``teaching_point``.
    """
    sid = schools["school_id"].astype(str)
    point = (schools["role"] == "teaching_point").to_numpy()
    parent = {t: c for (t, c), v in chosen.items() if v > 0.5}
    out = pd.DataFrame({"parent_id": [parent.get(s, "") if p else "" for s, p in zip(sid, point)]},
                       index=schools.index)
    out["parent_minutes"] = [float(between.at[c, s]) if c and between is not None else np.nan
                             for s, c in zip(sid, out["parent_id"])]
    kind = schools["kind"].astype(str).str.strip() if "kind" in schools.columns else pd.Series("", index=schools.index)
    out["central"] = ((schools["open"] == 1) & (schools["role"] != "teaching_point")
                      & (kind == "township")).astype(int)
    return out


def recompute(assignments: pd.DataFrame, schools: pd.DataFrame, scenario: Scenario) -> dict[str, float]:
    """Recompute ``parent_travel`` from the plan's ``parent_minutes`` column (yuan a year)."""
    if not active(scenario):
        return {}
    return {"parent_travel": float(by_school(assignments, schools, scenario)["parent_travel"].sum())}


def by_school(assignments: pd.DataFrame, schools: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Return ``parent_travel`` of each teaching point (yuan a year, indexed by ``school_id``)."""
    s = schools.set_index("school_id") if "school_id" in schools.columns else schools
    if not active(scenario) or "parent_minutes" not in s.columns:
        return pd.DataFrame(index=pd.Index([], name="school_id"))
    minutes = pd.to_numeric(s["parent_minutes"], errors="coerce").fillna(0.0)
    return pd.DataFrame({"parent_travel": scenario.teaching_points.per_parent_minute * minutes}, index=s.index)


def check(plan: PlanView, scenario: Scenario) -> list[str]:
    """Every open teaching point has one parent: open, complete, of a parent kind, within reach (recomputed)."""
    if not active(scenario):
        return []
    from ..travel import school_minutes  # the minutes recomputed from the data, not read from the plan

    s = plan.schools
    points = s.index[s["role"] == "teaching_point"]
    parent = s["parent_id"].fillna("").astype(str) if "parent_id" in s.columns else pd.Series("", index=s.index)
    problems = []
    orphans = [t for t in points if not parent[t]]
    if orphans:
        problems.append(f"teaching points without a parent school: {id_list(orphans)}")
    known = [t for t in points if parent[t]]
    unknown = [t for t in known if parent[t] not in s.index]
    if unknown:
        problems.append(f"teaching points whose parent_id is not a school: {id_list(unknown)}")
    known = [t for t in known if parent[t] in s.index]
    ok_kind = kinds_ok(s, scenario)
    wrong = [t for t in known if s.at[parent[t], "open"] != 1 or s.at[parent[t], "role"] in ("closed", "teaching_point")
             or not ok_kind[parent[t]]]
    if wrong:
        problems.append(f"teaching points whose parent is closed, a teaching point or not of parent_kinds "
                        f"{scenario.teaching_points.parent_kinds}: {id_list(wrong)}")
    minutes = school_minutes(plan.inputs, scenario)
    limit = scenario.teaching_points.max_parent_minutes
    far = [t for t in known if not minutes.at[parent[t], t] <= limit + SOLVER]
    if far:
        problems.append(f"teaching points farther than max_parent_minutes = {limit:g} from their parent: "
                        f"{id_list(far)}")
    return problems


def check_years(programme, scenario: Scenario) -> list[str]:
    """Check that a point keeps its parent from one year to the next while both stay (a point, a complete school)."""
    if not active(scenario):
        return []
    parent, role = programme.by_year("parent_id").fillna(""), programme.by_year("role")
    problems = []
    for a, b in zip(programme.years, programme.years[1:]):
        was = parent[a].astype(str)
        stays = (role[a] == "teaching_point") & (role[b] == "teaching_point") & (was != "")
        moved = [t for t in parent.index[stays] if parent.at[t, b] != was[t]
                 and role[b].get(was[t]) not in ("closed", "teaching_point")]
        if moved:
            problems.append(f"teaching points {id_list(moved)} changed parent in {b} though the parent of {a} "
                            "stayed open and complete")
    return problems


def check_parent_settings(inputs: Inputs, scenario: Scenario) -> None:
    """Check the data ``[teaching_points] parents`` needs; raise InputError naming the file, column and fix."""
    kinds = scenario.teaching_points.parent_kinds
    if not active(scenario) or not kinds:
        return
    source = scenario.inputs.schools
    if "kind" not in inputs.schools.columns:
        raise InputError([f"{source}: no column kind, which [teaching_points] parents needs to find parent schools "
                          f"of parent_kinds = {kinds}: add a kind column (village, township, city), or set "
                          "teaching_points.parent_kinds = [] to let any complete school be a parent"])
    present = set(inputs.schools["kind"].astype(str).str.strip())
    if not present & set(kinds):
        raise InputError([f"{source}: column kind has no school of parent_kinds = {kinds} (it has "
                          f"{sorted(present)}): set teaching_points.parent_kinds to kinds of that column"])


def without_parent(inputs: Inputs, between: pd.DataFrame | None, scenario: Scenario) -> list[str]:
    """Return a sentence per teaching point in the data with no possible parent within reach (it can only close).

    Each names the point, the nearest school of a parent kind and its minutes.
    """
    if not active(scenario):
        return []
    schools = inputs.schools.set_index("school_id")
    arcs = parent_arcs(schools, between, scenario)
    only = teaches_only(schools, scenario.teaching_points.bands)
    parents = possible_parents(schools, scenario)
    out = []
    for t in schools.index[only.to_numpy(bool) & (schools["lock"] != "closed").to_numpy()]:
        if t in set(arcs["point_id"]):
            continue
        near = ""
        if between is not None and parents:
            column = between.loc[parents, t].dropna()
            if len(column):
                c = str(column.idxmin())
                near = f"; the nearest is {schools.at[c, 'name']} ({c}) at {column[c]:.0f} min"
        out.append(f"teaching point {schools.at[t, 'name']} ({t}) has no parent school (kind "
                   f"{', '.join(scenario.teaching_points.parent_kinds) or 'any'}) within max_parent_minutes = "
                   f"{scenario.teaching_points.max_parent_minutes:g}{near}: it can only close (raise "
                   "teaching_points.max_parent_minutes or add parent_kinds)")
    return out


def relax(inputs: Inputs, scenario: Scenario, big: float) -> tuple[Inputs, Scenario] | None:
    """Teaching points without parents."""
    if not active(scenario):
        return None
    return inputs, scenario.model_copy(update={"teaching_points": scenario.teaching_points.model_copy(
        update={"parents": False})})


def explain(plan: Any, inputs: Inputs, scenario: Scenario) -> str:
    """Name the relaxed plan's teaching points that no open complete parent reaches, with the nearest one."""
    from ..travel import school_minutes

    s = plan.schools.set_index("school_id")
    minutes = school_minutes(inputs, scenario)
    parents = [c for c in possible_parents(s, scenario) if s.at[c, "open"] == 1 and s.at[c, "role"] != "teaching_point"]
    limit = scenario.teaching_points.max_parent_minutes
    lonely = []
    for t in s.index[s["role"] == "teaching_point"]:
        column = minutes.loc[parents, t].dropna() if parents else pd.Series(dtype=float)
        if not len(column) or column.min() > limit + SOLVER:
            near = f" (nearest {column.idxmin()} at {column.min():.0f} min)" if len(column) else ""
            lonely.append(f"{s.at[t, 'name']} ({t}){near}")
    listed = "; ".join(lonely) if lonely else "none alone, but not all of them at once"
    return (f"Teaching points need a parent school: the cheapest plan without parents keeps teaching points that "
            f"no open school of parent_kinds {scenario.teaching_points.parent_kinds} reaches within "
            f"max_parent_minutes = {limit:g}: {listed}. The plan cannot close them instead (their pupils have no "
            "other school within the travel limits, or they are locked open): raise "
            "teaching_points.max_parent_minutes or add parent_kinds.")


FAMILY = Family(
    name="point_parents",
    order=135,
    summary="Every open teaching point belongs to one open complete parent school (中心校) within reach, whose "
            "teachers staff it; the minutes between them are paid as teachers' travel.",
    reads=("teaching_points.parents", "teaching_points.parent_kinds", "teaching_points.max_parent_minutes",
           "teaching_points.per_parent_minute", "schools: kind, teachers"),
    declare=declare,
    define=define,
    objective=objective,
    cost_terms=TERMS,
    recompute=recompute,
    check=check,
    relaxation=Relaxation(label="the teaching points' parents", relax=relax, explain=explain),
    public={"parent_travel": "teachers"},
    by_school=by_school,
    lp_names=("parent__", "parent_open__", "one_parent__", "point_staff__"),
    across=across,
    check_years=check_years,
)
