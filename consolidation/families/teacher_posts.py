"""Teacher posts: whole staff posts and life teachers per school, today's teachers redeployed, recruits paid.

In force when teachers are paid (``costs.teacher_salary`` or ``costs.life_teacher_salary`` above 0) or
limited (``teachers.within_available``). The counting rule is the one of :mod:`consolidation.teachers` in
linear form; the payroll rule is :mod:`consolidation.families._staff`'s.

Declares, keyed by ``school_id``: ``posts__S`` whole staff posts and ``life__S`` whole life teachers (for
schools boarders can reach), integers; ``recruit__S`` posts and ``life_recruit__S`` life teachers recruited
(continuous: with whole needs and whole teachers the least payroll is whole); and, keyed by
``(from, to)``, ``fill__F__T`` teachers of school F filling posts at T and ``tolife__F__T`` teachers of F
turned into life teachers at T, for F with teachers today and T the same school or within
``teachers.max_redeploy_minutes``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..io import Inputs
from ..scenario import Scenario
from ..messages import ids, say, term
from .base import Builder, Family, PlanView, Relaxation
from ._staff import active, arcs, have, reach, settle, staffing

TERMS = ("teachers", "life_teachers")


def declare(m: Builder, scenario: Scenario) -> None:
    """Declare ``posts``, ``life``, ``recruit``, ``life_recruit``, ``fill`` and ``tolife`` (empty when not in force)."""
    blocks: dict[str, dict] = {k: {} for k in ("posts", "life", "recruit", "life_recruit", "fill", "tolife")}
    if active(scenario):
        table = m.pairs.table
        boards = table["boards"].to_numpy(bool)
        for sid, rows in table.groupby("school_id", sort=False).indices.items():
            name = m.school_name(sid)
            blocks["posts"][sid] = m.variable(f"posts__{name}", low=0, kind="integer")
            blocks["recruit"][sid] = m.variable(f"recruit__{name}", low=0)
            if boards[rows].any():
                blocks["life"][sid] = m.variable(f"life__{name}", low=0, kind="integer")
                blocks["life_recruit"][sid] = m.variable(f"life_recruit__{name}", low=0)
        today = have(m.schools)
        sources = [sid for sid in m.schools.index if today[sid] > 0]
        minutes = reach(m.schools, scenario)
        limit = scenario.teachers.max_redeploy_minutes
        for block, targets in (("fill", blocks["posts"]), ("tolife", blocks["life"])):
            for src, dst in arcs(sources, list(targets), minutes, limit):
                blocks[block][(src, dst)] = m.variable(
                    f"{block}__{m.school_name(src)}__{m.school_name(dst)}", low=0)
    for block, variables in blocks.items():
        m.declare(block, variables)


def _need_rows(m: Builder, scenario: Scenario) -> list:
    """Add the rows of posts and life teachers per school; return every need variable (for the limit)."""
    t = scenario.teachers
    posts, life, assign = m["posts"], m["life"], m["assign"]
    table = m.pairs.table
    pupils = table["pupils"].to_numpy(float)
    per_post = np.where(table["band"].to_numpy() == "G7_9", t.pupils_per_post_junior, t.pupils_per_post_primary)
    boards = table["boards"].to_numpy(bool)
    per_class: dict[str, list] = {}
    for (sid, band), var in m["classes"].items():
        per_class.setdefault(sid, []).append(
            (var, t.posts_per_class_junior if band == "G7_9" else t.posts_per_class_primary))
    shared: dict[str, list] = {}  # a campus (一校多区) needs [campuses] shared_posts fewer posts
    for (campus, _main), var in m.get("campus", {}).items():
        shared.setdefault(campus, []).append((var, float(scenario.campuses.shared_posts)))
    needs = []
    for sid, rows in table.groupby("school_id", sort=False).indices.items():
        m.constrain(posts[sid] - m.expr([assign[i] for i in rows], pupils[rows] / per_post[rows])
                    + m.terms(shared.get(sid, [])), ">=", m.name("posts_ratio", sid), 0)
        m.constrain(posts[sid] - m.terms(per_class.get(sid, [])) + m.terms(shared.get(sid, [])), ">=",
                    m.name("posts_classes", sid), 0)
        needs.append(posts[sid])
        boarding = rows[boards[rows]]
        if len(boarding):
            m.constrain(life[sid] - m.expr([assign[i] for i in boarding],
                                           pupils[boarding] / t.boarders_per_life_teacher),
                        ">=", m.name("life_teachers", sid), 0)
            needs.append(life[sid])
            for i in boarding:  # the strong form: a boarder needs a whole life teacher (tightens the bound)
                m.constrain(life[sid] - assign[i], ">=", f"life_link__{assign[i].name[8:]}", 0)
    return needs


def define(m: Builder, scenario: Scenario) -> None:
    """Add the rows of posts, life teachers, and who fills them.

    Posts per school ``posts[s] >= P_s / pupils_per_post_primary + J_s / pupils_per_post_junior`` and
    ``posts[s] >= posts_per_class_primary sum_{b primary} classes[s,b] + posts_per_class_junior classes[s,G7_9]``,
    each less ``shared_posts sum_h campus[s,h]`` where school s may be a campus (one head, one administration),
    life teachers ``life[s] >= boarders_s / boarders_per_life_teacher`` and ``life[s] >= assign[p]`` for every
    boarding pair (the strong form), all whole. Today's teachers fill them:
    ``sum_t fill[f,t] + tolife[f,t] <= teachers_f`` (school f's teachers, along pairs within
    max_redeploy_minutes); the rest is recruited: ``recruit[t] >= posts[t] - sum_f fill[f,t]`` and
    ``life_recruit[t] >= life[t] - sum_f tolife[f,t]``. With ``teachers.within_available``:
    ``sum_s posts[s] + life[s] <= teachers available`` (the schools' teachers and teachers_junior).
    """
    posts = m["posts"]
    if not posts:
        return
    needs = _need_rows(m, scenario)
    today = have(m.schools)
    out: dict[str, list] = {}
    into: dict[tuple[str, str], list] = {}
    for block, kind in (("fill", "posts"), ("tolife", "life")):
        for (src, dst), var in m[block].items():
            out.setdefault(src, []).append(var)
            into.setdefault((kind, dst), []).append(var)
    for src, variables in out.items():
        m.constrain(m.total(variables), "<=", m.name("teachers_out", src), float(today[src]))
    for block, need, kind in (("recruit", posts, "posts"), ("life_recruit", m["life"], "life")):
        for sid, var in m[block].items():
            m.constrain(var + m.total(into.get((kind, sid), [])) - need[sid], ">=", m.name(block, sid), 0)
    if scenario.teachers.within_available:
        m.constrain(m.total(needs), "<=", "teachers_available", float(today.sum()))


def objective(m: Builder, scenario: Scenario) -> dict[str, Any]:
    """Return ``teachers``: salary x (teachers today + posts recruited); ``life_teachers``: life salary x recruits."""
    c = scenario.costs
    if not m["posts"]:
        return {}
    today = float(have(m.schools).sum())
    recruit, life = list(m["recruit"].values()), list(m["life_recruit"].values())
    return {"teachers": m.expr(recruit, np.full(len(recruit), c.teacher_salary)) + c.teacher_salary * today,
            "life_teachers": m.expr(life, np.full(len(life), c.life_teacher_salary))}


def staffing_of(schools: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Return the plan's posts and life teachers per school and who fills them (indexed by ``school_id``).

    Columns ``posts``, ``life_teachers`` (the counting rule of :mod:`consolidation.teachers`) and those of
    :attr:`consolidation.families._staff.Settlement.schools`.
    """
    frame = schools.reset_index() if "school_id" not in schools.columns else schools
    counted = staffing(frame, scenario.teachers).set_index("school_id")
    indexed = frame.set_index("school_id")
    posts, life = counted["posts_needed"], counted["life_teachers"]
    settled = settle(posts, life, have(indexed), reach(indexed, scenario), scenario)
    return pd.concat([pd.DataFrame({"posts": posts, "life_teachers": life}), settled.schools], axis=1)


def recompute(assignments: pd.DataFrame, schools: pd.DataFrame, scenario: Scenario) -> dict[str, float]:
    """Recompute the payroll from the plan's school table (yuan a year): posts by the rule, then :func:`settle`."""
    if not active(scenario):
        return {}
    c = scenario.costs
    s = staffing_of(schools, scenario)
    return {"teachers": float(c.teacher_salary * (s["teachers_today"].sum() + s["recruited"].sum())),
            "life_teachers": float(c.life_teacher_salary * s["life_recruited"].sum())}


def by_school(assignments: pd.DataFrame, schools: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Return the payroll school by school: teachers there after the moves plus recruits, and life recruits."""
    if not active(scenario):
        return pd.DataFrame(index=pd.Index([], name="school_id"))
    c = scenario.costs
    s = staffing_of(schools, scenario)
    return pd.DataFrame({"teachers": c.teacher_salary * (s["teachers_after"] + s["recruited"]),
                         "life_teachers": c.life_teacher_salary * s["life_recruited"]})


def check(plan: PlanView, scenario: Scenario) -> list[str]:
    """Every post and life teacher filled or recruited; with ``within_available``, needs within today's teachers."""
    if not active(scenario):
        return []
    s = staffing_of(plan.schools, scenario)
    problems = []
    if scenario.teachers.within_available:
        need, today = float((s["posts"] + s["life_teachers"]).sum()), float(s["teachers_today"].sum())
        if need > today:
            problems.append(say("check.teachers", need=need, today=today))
    filled = s["teachers_after"] - s["surplus"] + s["recruited"] + s["life_recruited"]
    short = s.index[filled + 1e-6 < s["posts"] + s["life_teachers"]]
    if len(short):
        problems.append(say("check.unfilled", ids=ids(short)))
    return problems


def relax(inputs: Inputs, scenario: Scenario, big: float) -> tuple[Inputs, Scenario] | None:
    """No limit on teachers (only with ``within_available``)."""
    if not scenario.teachers.within_available:
        return None
    return inputs, scenario.model_copy(update={"teachers": scenario.teachers.model_copy(
        update={"within_available": False})})


def explain(plan: Any, inputs: Inputs, scenario: Scenario) -> str:
    """How many teachers a plan needs beyond those the schools have."""
    s = staffing_of(plan.schools, scenario)
    need, today = float((s["posts"] + s["life_teachers"]).sum()), float(s["teachers_today"].sum())
    return say("reason.teachers", need=need, more=need - today, today=today)


FAMILY = Family(
    name="teacher_posts",
    order=90,
    summary="Whole staff posts and life teachers per school; today's teachers fill them within reach, the rest "
            "is recruited; every teacher stays paid. With within_available, no more than the schools have.",
    reads=("costs.teacher_salary", "costs.life_teacher_salary", "teachers.within_available",
           "teachers.max_redeploy_minutes", "teachers.pupils_per_post_primary", "teachers.pupils_per_post_junior",
           "teachers.posts_per_class_primary", "teachers.posts_per_class_junior",
           "teachers.boarders_per_life_teacher", "schools: teachers, teachers_junior"),
    declare=declare,
    define=define,
    objective=objective,
    cost_terms=TERMS,
    recompute=recompute,
    check=check,
    relaxation=Relaxation(label=term("relax.teacher_limit"), relax=relax, explain=explain),
    public={"teachers": "teachers", "life_teachers": "life_teachers"},
    by_school=by_school,
    lp_names=("posts__", "life__", "recruit__", "life_recruit__", "fill__", "tolife__", "posts_ratio__",
              "posts_classes__", "life_teachers__", "life_link__", "teachers_out__", "teachers_available"),
)
