"""Classes and classrooms: whole classes per school and band within the class size.

With ``schools.capacity_by = "classes"``, also a classroom for every class; places are then added a classroom
at a time.

Declares ``classes__S__B``, whole classes per school and band (integer, with ``capacity_by = "classes"`` or
when teacher posts are in the model, whose class floor counts them), and ``rooms__S``, classrooms added (integer,
up to ``(max_capacity - capacity) / class_size_primary``), with ``capacity_by = "classes"``.
"""

from __future__ import annotations

import numpy as np

from ..io import classrooms, school_classes
from ..scenario import Scenario
from ..tolerances import SOLVER
from ._staff import active
from ..messages import ids, say
from .base import Builder, Family, PlanView


def declare(m: Builder, scenario: Scenario) -> None:
    """``classes`` (keyed by ``(school_id, band)``) and ``rooms`` (keyed by ``school_id``), when needed."""
    classes: dict = {}
    rooms: dict = {}
    if scenario.schools.capacity_by == "classes" or active(scenario):
        for sid, band in m.pairs.table[["school_id", "band"]].drop_duplicates().itertuples(index=False):
            classes[(sid, band)] = m.variable(f"classes__{m.school_name(sid)}__{band}", low=0, kind="integer")
        if scenario.schools.capacity_by == "classes":
            room = ((m.schools["max_capacity"] - m.schools["capacity"]).clip(lower=0)
                    / scenario.teachers.class_size_primary)
            rooms = {sid: m.variable(f"rooms__{m.school_name(sid)}", low=0, up=float(np.floor(room[sid])),
                                     kind="integer")
                     for sid in m["open"] if np.floor(room[sid]) > 0}
    m.declare("classes", classes)
    m.declare("rooms", rooms)


def define(m: Builder, scenario: Scenario) -> None:
    """Whole classes: ``sum_{p at s, band b} n_p assign[p] <= size_b classes[s,b]`` (pupils).

    Class sizes are 45 primary, 50 junior. The strong form ``classes[s,b] >= assign[p]`` for every pair of
    band ``b`` to ``s`` (any pupil needs a whole class) tightens the relaxation. With
    ``capacity_by = "classes"`` every class needs a classroom:
    ``sum_b classes[s,b] <= rooms[s] open[s] + rooms_added[s]``, and places added are whole classrooms:
    ``places[s] = class_size_primary rooms_added[s]``.
    """
    classes, rooms, open_ = m["classes"], m["rooms"], m["open"]
    if not classes:
        return
    for (sid, band), load in m.loads(by=["school_id", "band"]).items():
        m.constrain(load - scenario.teachers.class_size(band) * classes[(sid, band)], "<=",
                    m.name("classes", sid, band), 0)
    table = m.pairs.table
    for var, sid, band in zip(m["assign"], table["school_id"].tolist(), table["band"].tolist()):
        m.constrain(classes[(sid, band)] - var, ">=", f"class_link__{var.name[8:]}", 0)
    if scenario.schools.capacity_by != "classes":
        return
    existing = classrooms(m.schools, scenario)
    by_school: dict[str, list] = {}
    for (sid, _band), var in classes.items():
        by_school.setdefault(sid, []).append(var)
    for sid, variables in by_school.items():
        extra = rooms[sid] if sid in rooms else 0
        m.constrain(m.total(variables) - float(existing[sid]) * open_[sid] - extra, "<=", m.name("classrooms", sid), 0)
    size = scenario.teachers.class_size_primary
    for sid, var in m["places"].items():
        m.constrain(var - size * rooms[sid] if sid in rooms else var, "==", m.name("whole_rooms", sid), 0)


def check(plan: PlanView, scenario: Scenario) -> list[str]:
    """With ``capacity_by = "classes"``: no more classes than classrooms.

    Classrooms are those existing at open schools, plus places added / class size.
    """
    if scenario.schools.capacity_by != "classes":
        return []
    s = plan.schools
    size = scenario.teachers.class_size_primary
    rooms = classrooms(s, scenario) * s["open"] + s["places_added"] / size
    crowded = s.index[school_classes(s, scenario.teachers) > rooms + SOLVER]
    return [say("check.classrooms", ids=ids(crowded))] if len(crowded) else []


FAMILY = Family(
    name="classes",
    order=80,
    summary="Whole classes within the class size; with capacity_by = \"classes\", a classroom for each.",
    reads=("schools.capacity_by", "teachers.class_size_primary", "teachers.class_size_junior",
           "teachers.within_available", "costs.teacher_salary", "costs.life_teacher_salary",
           "schools: classrooms, capacity, max_capacity"),
    declare=declare,
    define=define,
    check=check,
    lp_names=("classes__", "class_link__", "rooms__", "classrooms__", "whole_rooms__"),
)
