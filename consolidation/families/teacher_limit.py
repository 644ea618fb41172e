"""Teacher limit (``[teachers] within_available = true``): the plan needs no more teachers than today.

Teachers are staff posts and life teachers, compared with those the schools have today.

Declares ``posts__S``, whole staff posts, for every school some pair reaches, and ``life__S``, whole life
teachers, for every school boarders can reach (integers). The counting rule is the one of
:mod:`consolidation.teachers`, in linear form; a finished plan is checked against the limit there
(:func:`consolidation.teachers.check_staffing`), after its staff are counted.
"""

from __future__ import annotations

import numpy as np

from ..io import teachers_available
from ..scenario import Scenario
from .base import Builder, Family


def declare(m: Builder, scenario: Scenario) -> None:
    """Declare ``posts`` and ``life`` (keyed by ``school_id``), with ``within_available`` only."""
    posts: dict = {}
    life: dict = {}
    if scenario.teachers.within_available:
        table = m.pairs.table
        boards = table["boards"].to_numpy(bool)
        for sid, rows in table.groupby("school_id", sort=False).indices.items():
            posts[sid] = m.variable(f"posts__{m.name(sid)}", low=0, kind="integer")
            if boards[rows].any():
                life[sid] = m.variable(f"life__{m.name(sid)}", low=0, kind="integer")
    m.declare("posts", posts)
    m.declare("life", life)


def define(m: Builder, scenario: Scenario) -> None:
    """With ``teachers.within_available``: whole posts and life teachers, within the teachers available.

    Posts per school ``posts[s] >= P_s / pupils_per_post_primary + J_s / pupils_per_post_junior`` and
    ``posts[s] >= posts_per_class_primary sum_{b primary} classes[s,b] + posts_per_class_junior classes[s,G7_9]``,
    life teachers ``life[s] >= boarders_s / boarders_per_life_teacher``, all whole; and
    ``sum_s posts[s] + life[s] <= teachers available`` (the schools' teachers and teachers_junior).
    """
    t = scenario.teachers
    posts, life = m["posts"], m["life"]
    if not posts:
        return
    available = float(teachers_available(m.schools).fillna(0.0).sum())
    table = m.pairs.table
    assign = m["assign"]
    pupils = table["pupils"].to_numpy(float)
    per_post = np.where(table["band"].to_numpy() == "G7_9", t.pupils_per_post_junior, t.pupils_per_post_primary)
    boards = table["boards"].to_numpy(bool)
    per_class: dict[str, list] = {}
    for (sid, band), var in m["classes"].items():
        per_class.setdefault(sid, []).append(
            (var, t.posts_per_class_junior if band == "G7_9" else t.posts_per_class_primary))
    total = []
    for sid, rows in table.groupby("school_id", sort=False).indices.items():
        m.constrain(posts[sid] - m.expr([assign[i] for i in rows], pupils[rows] / per_post[rows]), ">=",
                    m.name("posts_ratio", sid), 0)
        m.constrain(posts[sid] - m.terms(per_class.get(sid, [])), ">=", m.name("posts_classes", sid), 0)
        total.append(posts[sid])
        boarding = rows[boards[rows]]
        if len(boarding):
            m.constrain(life[sid] - m.expr([assign[i] for i in boarding],
                                           pupils[boarding] / t.boarders_per_life_teacher),
                        ">=", m.name("life_teachers", sid), 0)
            total.append(life[sid])
    m.constrain(m.total(total), "<=", "teachers_available", available)


FAMILY = Family(
    name="teacher_limit",
    order=90,
    summary="With within_available, staff posts and life teachers within the teachers the schools have.",
    reads=("teachers.within_available", "teachers.pupils_per_post_primary", "teachers.pupils_per_post_junior",
           "teachers.posts_per_class_primary", "teachers.posts_per_class_junior",
           "teachers.boarders_per_life_teacher", "schools: teachers, teachers_junior"),
    declare=declare,
    define=define,
    lp_names=("posts__", "life__", "posts_ratio__", "posts_classes__", "life_teachers__", "teachers_available"),
)
