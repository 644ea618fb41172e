"""Subject posts: specialist teachers (music, PE, art, English) per school, or shared by travelling teachers (走教).

In force when ``[travelling_teachers] subjects`` lists a subject. Each subject ``j`` needs ``h_j`` hours a week
at every open school; a subject teacher teaches ``T`` hours a week (``teacher_hours``). A school staffed on its
own needs ``n_j = ceil(h_j / T)`` whole posts of the subject. The schools of an education group whose members lie
within ``travelling_teachers.max_minutes`` of the core (one way) form one unit: the core's teachers travel to
them, so the unit needs ``ceil(sum of its hours / T)`` posts, and at least enough teachers for the trips: a
teacher makes at most ``max_trips_per_week`` trips a week, each a school day's teaching (``T / 5`` hours), so
``posts x max_trips_per_week x T / 5 >= the members' hours``. Members farther away staff their subjects
themselves. Subject posts are paid at ``costs.teacher_salary`` (public category ``teachers``), on top of the
staff posts of ``[teachers]``; the posts a group saves against staffing each school alone are the difference.

Declares ``subject_pool__C__j`` (integer: posts of subject ``j`` of the unit of core ``C``) for every possible
core of the joint groups (``group_joint``); without joint groups nothing: each open school costs its ``n_j``.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..errors import id_list
from ..scenario import Scenario
from ..tolerances import EXACT
from . import _grouping
from .base import Builder, Family, PlanView

TERMS = ("subject_posts",)
DAYS = 5
"""School days a week: a travelling teacher's trip is one day's teaching, ``teacher_hours / DAYS`` hours."""
COLUMNS = ("subject_posts", "subject_posts_alone")
"""Columns of the plan's school table: the subject posts each school holds (a unit's posts at its core, 0 at
a member sharing them) and those it would need staffed alone (0 when closed)."""


def active(scenario: Scenario) -> bool:
    """Return True when subject posts are counted (some subject is listed)."""
    return bool(scenario.travelling_teachers.subjects)


def alone(scenario: Scenario) -> int:
    """Return the subject posts of one school staffed on its own: ``sum_j ceil(h_j / T)``."""
    t = scenario.travelling_teachers
    return sum(math.ceil(s.hours / t.teacher_hours - EXACT) for s in t.subjects)


def pooled(schools: int, members: int, scenario: Scenario) -> int:
    """Return the subject posts of a unit of ``schools`` schools, ``members`` of them served by trips.

    ``sum_j max(ceil(schools h_j / T), ceil(members h_j / (trips T / 5)))``.
    """
    t = scenario.travelling_teachers
    total = 0
    for s in t.subjects:
        need = math.ceil(schools * s.hours / t.teacher_hours - EXACT)
        if members:
            need = max(need, math.ceil(members * s.hours / (t.max_trips_per_week * t.teacher_hours / DAYS) - EXACT))
        total += need
    return total


def _sharing(scenario: Scenario) -> bool:
    return scenario.travelling_teachers.max_trips_per_week > 0


def declare(m: Builder, scenario: Scenario) -> None:
    """``subject_pool`` (keyed by ``(core, subject)``; empty without joint groups or subjects)."""
    pool: dict[tuple[str, str], Any] = {}
    if active(scenario) and _sharing(scenario):
        for c in m.get("group_core", {}):
            for s in scenario.travelling_teachers.subjects:
                pool[(c, s.name)] = m.variable(m.name("subject_pool", m.school_name(c), s.name), low=0,
                                               kind="integer")
    m.declare("subject_pool", pool)


def _shares(m: Builder, scenario: Scenario) -> dict[str, list]:
    """Return the member variables of each core whose member lies within the travelling teachers' reach."""
    between, limit = m.pairs.between, scenario.travelling_teachers.max_minutes
    out: dict[str, list] = {c: [] for c in m.get("group_core", {})}
    if not _sharing(scenario):
        return out
    for (c, s), var in m.get("group_member", {}).items():
        if between.at[c, s] <= limit + 1e-9:
            out[c].append(var)
    return out


def define(m: Builder, scenario: Scenario) -> None:
    """Size each group's shared subject posts.

    ``T pool[c,j] >= h_j (core[c] + sum_m share[c,m])`` (hours) and, for a core with members in reach,
    ``(trips T / 5) pool[c,j] >= h_j sum_m share[c,m]`` (trips), where ``share[c,m]`` are the member variables
    of members within ``travelling_teachers.max_minutes`` of core ``c``. With campuses (一校多区) and no joint
    groups, a main school ``h`` and its campuses: ``T campus_pool[h,j] >= h_j (open[h] - sum_g campus[h,g] +
    sum_c campus[c,h])`` and ``(trips T / 5) campus_pool[h,j] >= h_j sum_c campus[c,h]``.
    """
    _campus_rows(m, scenario)
    pool = m["subject_pool"]
    if not pool:
        return
    t = scenario.travelling_teachers
    core = m["group_core"]
    for c, members in _shares(m, scenario).items():
        for s in t.subjects:
            var = pool[(c, s.name)]
            m.constrain(t.teacher_hours * var - s.hours * (core[c] + m.total(members)), ">=",
                        m.name("subject_hours", m.school_name(c), s.name), 0)
            if members:
                m.constrain((t.max_trips_per_week * t.teacher_hours / DAYS) * var - s.hours * m.total(members), ">=",
                            m.name("subject_trips", m.school_name(c), s.name), 0)


def _campuses(m: Builder, scenario: Scenario) -> dict[tuple[str, str], Any]:
    """Return the ``campus`` block (一校多区, keyed by ``(campus_id, main_id)``) when its pairs share subject posts.

    They do when subject posts are counted, teachers travel, and the groups are not planned jointly (the joint
    model pools by group; see :func:`campus_units`).
    """
    if not active(scenario) or not _sharing(scenario) or scenario.groups.joint:
        return {}
    return dict(m.get("campus") or {})


def _campus_rows(m: Builder, scenario: Scenario) -> None:
    """Size a main school's subject posts with its campuses'.

    ``T campus_pool[h,j] >= h_j (open[h] - sum_g campus[h,g] + sum_c campus[c,h])`` and
    ``(trips T / 5) campus_pool[h,j] >= h_j sum_c campus[c,h]`` for every school h that may be a main school.
    """
    pool, campus = m.get("subject_campus_pool") or {}, _campuses(m, scenario)
    if not pool:
        return
    t = scenario.travelling_teachers
    mains = sorted({h for _, h in campus})
    for h in mains:
        campuses = [v for (c, g), v in campus.items() if g == h]
        itself = [v for (c, g), v in campus.items() if c == h]
        for s in t.subjects:
            var = pool[(h, s.name)]
            m.constrain(t.teacher_hours * var - s.hours * (m["open"][h] - m.total(itself) + m.total(campuses)), ">=",
                        m.name("subject_campus_hours", m.school_name(h), s.name), 0)
            m.constrain((t.max_trips_per_week * t.teacher_hours / DAYS) * var - s.hours * m.total(campuses), ">=",
                        m.name("subject_campus_trips", m.school_name(h), s.name), 0)


def objective(m: Builder, scenario: Scenario) -> dict[str, Any]:
    """Return ``subject_posts``: salary x (``n`` x schools open outside a sharing unit + the units' posts).

    With campuses (the ``campus`` block) and no joint groups, a school that may be a main school and its campuses
    are a unit (``subject_campus_pool``, declared here: the campus block is known once every family has declared).
    """
    if not active(scenario):
        return {}
    salary, n = scenario.costs.teacher_salary, alone(scenario)
    shared = [v for members in _shares(m, scenario).values() for v in members] + list(m.get("group_core", {}).values())
    if not m["subject_pool"]:
        shared = []
    outside = m.total(m["open"].values()) - m.total(shared)
    campus = _campuses(m, scenario)
    pool: dict[tuple[str, str], Any] = {}
    for h in sorted({h for _, h in campus}):
        for s in scenario.travelling_teachers.subjects:
            pool[(h, s.name)] = m.variable(m.name("subject_campus_pool", m.school_name(h), s.name), low=0,
                                           kind="integer")
        itself = [v for (c, g), v in campus.items() if c == h]
        outside = outside - m["open"][h] + m.total(itself)
    if campus:
        outside = outside - m.total(campus.values())
        m.declare("subject_campus_pool", pool)
    return {"subject_posts": salary * n * outside
            + salary * m.total(list(m["subject_pool"].values()) + list(pool.values()))}


def count(schools: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Return :data:`COLUMNS` per school (indexed by ``school_id``) by the rule, from the plan's school table.

    ``schools`` has ``school_id``, ``open`` and, when grouped, ``group_id``, ``group_role``, ``group_minutes``.
    """
    frame = schools.reset_index() if "school_id" not in schools.columns else schools
    ids = frame["school_id"].astype(str)
    out = pd.DataFrame(0.0, index=pd.Index(ids.to_numpy(), name="school_id"), columns=list(COLUMNS))
    if not active(scenario):
        return out
    t = scenario.travelling_teachers
    unit = _grouping.group_units(frame, t.max_minutes, _sharing(scenario))
    if _sharing(scenario) and not scenario.groups.joint:
        unit = campus_units(frame, unit)
    out.loc[unit.index, "subject_posts_alone"] = float(alone(scenario))
    for head, members in unit.groupby(unit).groups.items():
        size = len(members)
        out.at[head, "subject_posts"] = float(pooled(size, size - 1, scenario) if size > 1 else alone(scenario))
    return out


def campus_units(schools: pd.DataFrame, unit: pd.Series) -> pd.Series:
    """Return ``unit`` with every campus (``role`` campus, its main school in ``parent_id``) in its main's unit.

    A multi-campus school (一校多区) is one school: its campuses share the main school's subject teachers, whatever
    group a campus is in. Without the columns, ``unit`` as it is.
    """
    if "parent_id" not in schools.columns or "role" not in schools.columns:
        return unit
    out = unit.copy()
    rows = schools[schools["role"].astype(str) == "campus"]
    for c, h in zip(rows["school_id"].astype(str), rows["parent_id"].astype(str)):
        if c in out.index and h in unit.index:
            out[c] = unit[h]
    return out


def recompute(assignments: pd.DataFrame, schools: pd.DataFrame, scenario: Scenario) -> dict[str, float]:
    """Recompute ``subject_posts`` (yuan a year) from the plan's school table by :func:`count`."""
    if not active(scenario):
        return {}
    return {"subject_posts": float(scenario.costs.teacher_salary * count(schools, scenario)["subject_posts"].sum())}


def by_school(assignments: pd.DataFrame, schools: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Return the subject posts' pay at each school (a unit's at its core)."""
    if not active(scenario):
        return pd.DataFrame(index=pd.Index([], name="school_id"))
    return pd.DataFrame({"subject_posts": scenario.costs.teacher_salary * count(schools, scenario)["subject_posts"]})


def check(plan: PlanView, scenario: Scenario) -> list[str]:
    """Every open school's subject hours taught, every closed school without subject posts, trips within limits.

    From the school table: the posts a unit holds (``subject_posts``) cover its hours of every subject at
    ``teacher_hours`` a teacher, and its members' hours at ``max_trips_per_week`` trips a teacher; sharing
    members lie within ``travelling_teachers.max_minutes`` of their core.
    """
    s = plan.schools
    if not active(scenario) or "subject_posts" not in s.columns:
        return []
    t = scenario.travelling_teachers
    problems = []
    closed = s.index[(s["open"] == 0) & (s["subject_posts"] > 0)]
    if len(closed):
        problems.append(f"subject posts at closed schools {id_list(closed)}")
    frame = s.reset_index()
    unit = _grouping.group_units(frame, t.max_minutes, _sharing(scenario))
    if _sharing(scenario) and not scenario.groups.joint:
        unit = campus_units(frame, unit)
    hours = sum(x.hours for x in t.subjects)
    short = []
    per_trip = t.max_trips_per_week * t.teacher_hours / DAYS
    for head, members in unit.groupby(unit).groups.items():
        posts = float(s.loc[list(members), "subject_posts"].sum())
        if posts * t.teacher_hours + EXACT < len(members) * hours:
            short.append(head)
        elif len(members) > 1 and posts * per_trip + EXACT < (len(members) - 1) * hours:
            short.append(head)
    if short:
        problems.append(f"subject hours not taught (posts x teacher_hours, or trips) in the units of {id_list(short)}")
    if "group_minutes" in s.columns:
        far = [sid for sid, head in unit.items()
               if head != sid and float(s.at[sid, "group_minutes"]) > t.max_minutes + EXACT]
        if far:
            problems.append(f"members sharing subject teachers beyond travelling_teachers.max_minutes: {id_list(far)}")
    return problems


FAMILY = Family(
    name="subject_posts",
    order=94,
    summary="Subject posts (music, PE, art, English): whole posts at each open school, or shared by a group's "
            "travelling teachers (走教) within their one-way minutes and trips a week; paid as teachers.",
    reads=("travelling_teachers.subjects", "travelling_teachers.teacher_hours", "travelling_teachers.max_minutes",
           "travelling_teachers.max_trips_per_week", "costs.teacher_salary"),
    declare=declare,
    define=define,
    objective=objective,
    cost_terms=TERMS,
    recompute=recompute,
    check=check,
    public={"subject_posts": "teachers"},
    by_school=by_school,
    lp_names=("subject_pool__", "subject_hours__", "subject_trips__"),  # with campuses also subject_campus_*
)
