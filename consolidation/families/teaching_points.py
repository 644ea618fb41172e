"""Teaching points (``[teaching_points] allowed = true``): a school may keep only its youngest bands.

A school that teaches the teaching-point bands (G1_3) and older ones may stay open for the teaching-point
bands only, its older pupils going elsewhere.

Declares ``full__S``, binary, for each such school: 1 keeps every band, 0 only the teaching-point bands. A
school is then closed (``open = 0``), a teaching point (``open - full = 1``) or kept whole (``full = 1``);
a teaching point costs ``teaching_points.annual_cost`` instead of the school's annual cost (see ``costs``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import BANDS, pupils_column
from ..scenario import Scenario
from ..tolerances import SOLVER, slack
from ..messages import band as band_word, ids, join, say
from .base import Builder, Family, PlanView


def may_become_teaching_points(schools: pd.DataFrame, scenario: Scenario) -> list[str]:
    """Return the schools (``school_id``) that may stay open as teaching points.

    Teaching points are allowed, and the school teaches a teaching-point band and at least one other band.
    """
    rule = scenario.teaching_points
    if not rule.allowed:
        return []
    kept = [b for b in BANDS if b in rule.bands]
    others = [b for b in BANDS if b not in rule.bands]
    young = schools[[f"teaches_{b}" for b in kept]].any(axis=1)
    old = schools[[f"teaches_{b}" for b in others]].any(axis=1) if others else False
    return list(schools.index[young & old])


def teaches_only(schools: pd.DataFrame, bands: list[str]) -> pd.Series:
    """Schools whose ``bands`` are all among ``bands`` (teaching points by what they teach)."""
    return schools["bands"].astype(str).str.split(",").map(lambda bs: set(bs) <= set(bands)).astype(bool)


def declare(m: Builder, scenario: Scenario) -> None:
    """``full`` (keyed by ``school_id``): binary, for the open schools that may become teaching points."""
    open_ = m["open"]
    m.declare("full", {sid: m.variable(f"full__{m.school_name(sid)}", kind="binary")
                       for sid in may_become_teaching_points(m.schools, scenario) if sid in open_})


def define(m: Builder, scenario: Scenario) -> None:
    """Let a school that may become a teaching point keep its other bands only when kept whole.

    ``full[s] <= open[s]`` and ``assign[p] <= full[s]`` for pairs of the other bands; a teaching point
    (``open[s] - full[s] = 1``) keeps between ``min_pupils`` and ``max_pupils`` pupils:
    ``load[s] >= min_pupils (open[s] - full[s])`` and ``load[s] <= max_pupils open[s] + (M - max_pupils) full[s]``
    with ``M = max_capacity[s]`` (no school holds more).
    """
    full_vars, open_, assign = m["full"], m["open"], m["assign"]
    if not full_vars:
        return
    rule = scenario.teaching_points
    table = m.pairs.table
    other = ~table["band"].isin(rule.bands).to_numpy()
    for i in np.flatnonzero(other & table["school_id"].isin(list(full_vars)).to_numpy()):
        var = assign[i]
        m.constrain(m.terms([(var, 1.0), (full_vars[table["school_id"].iat[i]], -1.0)]), "<=",
                    f"whole__{var.name[8:]}", 0)
    loads = m.loads()
    for sid, full in full_vars.items():
        m.constrain(full - open_[sid], "<=", m.name("full_open", sid), 0)
        load = loads.get(sid)
        if load is None:
            continue
        if rule.min_pupils > 0:
            m.constrain(load - rule.min_pupils * open_[sid] + rule.min_pupils * full, ">=",
                        m.name("teaching_point_min", sid), 0)
        top = float(m.schools.at[sid, "max_capacity"])
        if rule.max_pupils is not None and rule.max_pupils < top:
            m.constrain(load - rule.max_pupils * open_[sid] - (top - rule.max_pupils) * full, "<=",
                        m.name("teaching_point_max", sid), 0)


def check(plan: PlanView, scenario: Scenario) -> list[str]:
    """Teaching points only where allowed, with no pupils of the other bands, within their pupil limits."""
    s, load = plan.schools, plan.load
    problems: list[str] = []
    rule = scenario.teaching_points
    point = s["role"] == "teaching_point"
    turned = point & ~teaches_only(s, rule.bands)
    if turned.any() and not rule.allowed:
        problems.append(say("check.tp_not_allowed", ids=ids(s.index[turned])))
    others = [b for b in BANDS if b not in rule.bands]
    if others:
        older = s[[pupils_column(b) for b in others]].sum(axis=1)
        wrong = s.index[point & (older > SOLVER)]
        if len(wrong):
            problems.append(say("check.tp_bands", bands=join([band_word(b) for b in others], ", ", "、"),
                                ids=ids(wrong)))
    few = s.index[turned & (load < rule.min_pupils - SOLVER)]
    if len(few):
        problems.append(say("check.tp_min", n=rule.min_pupils, ids=ids(few)))
    if rule.max_pupils is not None:
        many = s.index[turned & (load > rule.max_pupils + slack(rule.max_pupils))]
        if len(many):
            problems.append(say("check.tp_max", n=rule.max_pupils, ids=ids(many)))
    return problems


FAMILY = Family(
    name="teaching_points",
    order=50,
    summary="A school may stay open for grades 1-3 only (a teaching point), within its pupil limits.",
    reads=("teaching_points.allowed", "teaching_points.bands", "teaching_points.min_pupils",
           "teaching_points.max_pupils", "schools: bands, max_capacity"),
    declare=declare,
    define=define,
    check=check,
    lp_names=("full__", "whole__", "full_open__", "teaching_point_min__", "teaching_point_max__"),
)
