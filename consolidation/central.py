"""Central schools and their teaching points after a plan: who runs which point, and the staff counted together.

With ``[teaching_points] parents`` every open teaching point has a parent school (``parent_id``, chosen by the
model: :mod:`consolidation.families.point_parents`). This stage reads a verified plan with its staffing
(:func:`consolidation.teachers.with_staffing`) and adds, for each parent school, the figures that count its
points with it; it never changes the plan's decisions.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .plan import Plan
from .scenario import Scenario

CENTRAL_COLUMNS = ["points_attached", "point_pupils", "posts_with_points", "teachers_with_points"]
"""Columns added to the plan's school table for a parent school (0 elsewhere): its teaching points, their
pupils, its staff posts plus its points' posts, and its teachers after redeployment plus its points' (NaN when
the data lack teachers)."""


def central_table(schools: pd.DataFrame) -> pd.DataFrame:
    """Return one row per parent school: ``school_id``, ``name``, the points (ids, names, minutes) and figures.

    ``schools`` is the plan's school table (with ``parent_id``, ``parent_minutes`` and, after staffing,
    ``posts`` and ``teachers_after``). Parents are listed by name; each row's ``points`` is a list of
    ``(school_id, name, minutes, pupils)`` nearest first.
    """
    s = schools.set_index(schools["school_id"].astype(str).rename(None))
    parent = s["parent_id"].fillna("").astype(str) if "parent_id" in s.columns else pd.Series("", index=s.index)
    rows = []
    for c, members in s[parent != ""].groupby(parent[parent != ""]):
        members = members.sort_values(["parent_minutes", "school_id"])
        own = s.loc[c]
        rows.append({
            "school_id": c, "name": str(own["name"]), "kind": str(own.get("kind", "")),
            "central": int(own.get("central", 0)),
            "points": [(str(m.school_id), str(m.name), float(m.parent_minutes), float(m.pupils))
                       for m in members.itertuples()],
            "pupils": float(own["pupils"]), "point_pupils": float(members["pupils"].sum()),
            "posts": _sum(own, members, "posts"), "teachers": _sum(own, members, "teachers_after"),
        })
    return pd.DataFrame(rows, columns=["school_id", "name", "kind", "central", "points", "pupils", "point_pupils",
                                       "posts", "teachers"]).sort_values("name", ignore_index=True)


def _sum(own: pd.Series, members: pd.DataFrame, column: str) -> float:
    """``column`` of the parent plus its points (NaN when the table lacks it or a value is unknown)."""
    if column not in members.columns:
        return np.nan
    values = pd.to_numeric(pd.concat([pd.Series([own[column]]), members[column]]), errors="coerce")
    return float(values.sum()) if values.notna().all() else np.nan


def with_central(plan: Plan, scenario: Scenario) -> Plan:
    """Return the plan with :data:`CENTRAL_COLUMNS` (after ``central``) and ``summary["points_attached"]``.

    Only with ``[teaching_points] parents``; otherwise the plan is returned as it is.
    """
    if not scenario.teaching_points.parents or "parent_id" not in plan.schools.columns:
        return plan
    table = central_table(plan.schools).set_index("school_id")
    schools = plan.schools.copy()
    sid = schools["school_id"].astype(str)
    figures = {"points_attached": table["points"].map(len) if len(table) else pd.Series(dtype=float),
               "point_pupils": table["point_pupils"], "posts_with_points": table["posts"],
               "teachers_with_points": table["teachers"]}
    at = list(schools.columns).index("central") + 1
    for offset, column in enumerate(CENTRAL_COLUMNS):
        values = sid.map(figures[column]).astype(float)
        schools.insert(at + offset, column, values.fillna(0.0) if column in ("points_attached", "point_pupils")
                       else values)
    summary = {**plan.summary, "points_attached": int((schools["parent_id"].fillna("") != "").sum()),
               "parent_schools": int(len(table)), "central_schools": int(schools["central"].sum()),
               "max_parent_minutes": scenario.teaching_points.max_parent_minutes}
    return dataclasses.replace(plan, schools=schools, summary=summary)
