"""The mixed-integer program, built with PuLP from the eligible pairs.

Sets: schools ``s``; eligible pairs ``p = (o, b, s)`` from :mod:`consolidation.travel` (an origin ``o``
and band ``b`` with ``n_p`` pupils, ``t_p`` one-way minutes, boarding or not).

Variables (named by domain IDs, e.g. ``assign__V017__G4_6__S003``):

- ``open__S``: 1 if school ``s`` stays open (fixed by ``lock``).
- ``assign__O__B__S``: share of the pupils of origin ``o``, band ``b`` that go to ``s``; binary with
  ``assignment = "single"``, in [0, 1] with ``"split"``.
- ``places__S``, ``beds__S``: places and beds added, up to ``max_capacity - capacity`` and ``max_beds - beds``.
- ``hub__S``: 1 if ``s`` takes in pupils from other schools (only when ``min_hub_pupils > 0``).
- ``full__S``: 1 if ``s`` keeps all its bands, 0 if it becomes a teaching point that keeps only the
  bands of ``[teaching_points]`` (only when teaching points are allowed, for schools that teach those
  bands and others). A school is then closed (``open = 0``), a teaching point (``open - full = 1``) or
  kept whole (``full = 1``).

Each constraint family is one ``add_*`` function listed in :data:`FAMILIES`. Model code never reads files.
"""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass
from collections.abc import Callable

import numpy as np
import pandas as pd
import pulp

from . import BANDS
from .io import Inputs, classrooms, teachers_available
from .scenario import Groups, Scenario
from .travel import Pairs


_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def lp_name(*parts: str) -> str:
    """Join domain IDs into an LP-safe name: ``assign__V017__G4_6__S003``."""
    return "__".join(_UNSAFE.sub("_", str(p)) for p in parts)


@dataclass(frozen=True)
class BuiltModel:
    """A PuLP problem and its variables, keyed by domain IDs.

    ``assign`` is aligned with the rows of ``pairs.table``; the dicts are keyed by ``school_id``.
    """

    problem: pulp.LpProblem
    pairs: Pairs
    assign: list[pulp.LpVariable]
    open: dict[str, pulp.LpVariable]
    places: dict[str, pulp.LpVariable]
    beds: dict[str, pulp.LpVariable]
    hub: dict[str, pulp.LpVariable]
    full: dict[str, pulp.LpVariable]
    """Schools that may become teaching points: 1 keeps every band, 0 only the teaching-point bands."""
    classes: dict[tuple[str, str], pulp.LpVariable]
    """Whole classes per ``(school_id, band)`` (with ``capacity_by = "classes"`` or a teacher limit)."""
    rooms: dict[str, pulp.LpVariable]
    """Classrooms added per school (with ``capacity_by = "classes"``); places added are rooms x class size."""
    schools: pd.DataFrame
    """School parameters used by the model, indexed by ``school_id``."""
    capital_years: float


def _expr(variables, coefficients) -> pulp.LpAffineExpression:
    return pulp.LpAffineExpression(list(zip(variables, np.asarray(coefficients, float).tolist())))


def _add(m: BuiltModel, expr, sense: int, name: str, rhs: float) -> None:
    m.problem.addConstraint(pulp.LpConstraint(expr, sense, name, rhs))


def _unique_names(ids: pd.Series) -> dict[str, str]:
    """Map IDs to LP-safe names, suffixing any that clash after cleaning."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for value in ids:
        name = lp_name(value)
        candidate, k = name, 1
        while candidate in used:
            k += 1
            candidate = f"{name}_{k}"
        used.add(candidate)
        out[value] = candidate
    return out


def _variables(problem: pulp.LpProblem, pairs: Pairs, schools: pd.DataFrame, scenario: Scenario):
    table = pairs.table
    snames = _unique_names(schools.index.to_series())
    onames = _unique_names(pd.Series(pd.unique(table["origin_id"])))
    used = set(table["school_id"]) | set(schools.index[schools["lock"] == "open"])
    if scenario.schools.open_exactly is not None:  # a school nobody can attend may still be asked to stay open
        used |= set(schools.index[schools["lock"] != "closed"])
    open_vars: dict[str, pulp.LpVariable] = {}
    for sid in schools.index:
        if sid not in used:
            continue
        lock = schools.at[sid, "lock"]
        # Integer in [0, 1] rather than LpBinary, which would reset the bounds that hold a lock.
        open_vars[sid] = problem.add_variable(f"open__{snames[sid]}", lowBound=1 if lock == "open" else 0,
                                              upBound=0 if lock == "closed" else 1, cat=pulp.LpInteger)
    cat = pulp.LpBinary if scenario.schools.assignment == "single" else pulp.LpContinuous
    assign = [problem.add_variable(f"assign__{onames[o]}__{b}__{snames[s]}", lowBound=0, upBound=1, cat=cat)
              for o, b, s in zip(table["origin_id"].tolist(), table["band"].tolist(), table["school_id"].tolist())]
    room = (schools["max_capacity"] - schools["capacity"]).clip(lower=0)
    places = {sid: problem.add_variable(f"places__{snames[sid]}", lowBound=0, upBound=float(room[sid]))
              for sid in open_vars if room[sid] > 0}
    boarding_schools = set(table.loc[table["boards"], "school_id"])
    bed_room = (schools["max_beds"] - schools["beds"]).clip(lower=0)
    beds = {sid: problem.add_variable(f"beds__{snames[sid]}", lowBound=0, upBound=float(bed_room[sid]))
            for sid in open_vars if bed_room[sid] > 0 and sid in boarding_schools}
    hub: dict[str, pulp.LpVariable] = {}
    if scenario.schools.min_hub_pupils > 0:
        receiving = set(table.loc[table["moves"], "school_id"])
        hub = {sid: problem.add_variable(f"hub__{snames[sid]}", cat=pulp.LpBinary)
               for sid in open_vars if sid in receiving}
    full = {sid: problem.add_variable(f"full__{snames[sid]}", cat=pulp.LpBinary)
            for sid in may_become_teaching_points(schools, scenario) if sid in open_vars}
    classes, rooms = _class_variables(problem, pairs, schools, scenario, open_vars, snames)
    return assign, open_vars, places, beds, hub, full, classes, rooms, snames


def _class_variables(problem: pulp.LpProblem, pairs: Pairs, schools: pd.DataFrame, scenario: Scenario,
                     open_vars: dict, snames: dict[str, str]):
    """Whole classes per school and band, and classrooms added, when the scenario needs them."""
    if scenario.schools.capacity_by != "classes" and not scenario.teachers.within_available:
        return {}, {}
    table = pairs.table
    classes = {}
    for sid, band in table[["school_id", "band"]].drop_duplicates().itertuples(index=False):
        classes[(sid, band)] = problem.add_variable(f"classes__{snames[sid]}__{band}", lowBound=0, cat=pulp.LpInteger)
    rooms: dict[str, pulp.LpVariable] = {}
    if scenario.schools.capacity_by == "classes":
        room = ((schools["max_capacity"] - schools["capacity"]).clip(lower=0) / scenario.teachers.class_size_primary)
        rooms = {sid: problem.add_variable(f"rooms__{snames[sid]}", lowBound=0, upBound=float(np.floor(room[sid])),
                                           cat=pulp.LpInteger)
                 for sid in open_vars if np.floor(room[sid]) > 0}
    return classes, rooms


def may_become_teaching_points(schools: pd.DataFrame, scenario: Scenario) -> list[str]:
    """Schools (``school_id``) that may stay open as teaching points: teaching points are allowed, and
    the school teaches a teaching-point band and at least one other band."""
    rule = scenario.teaching_points
    if not rule.allowed:
        return []
    kept = [b for b in BANDS if b in rule.bands]
    others = [b for b in BANDS if b not in rule.bands]
    young = schools[[f"teaches_{b}" for b in kept]].any(axis=1)
    old = schools[[f"teaches_{b}" for b in others]].any(axis=1) if others else False
    return list(schools.index[young & old])


def add_assign_once(m: BuiltModel, scenario: Scenario) -> None:
    """Every origin and band is fully assigned: ``sum_s assign[o,b,s] = 1`` (shares of its pupils)."""
    table = m.pairs.table
    if table.empty:
        return
    for (origin, band), rows in table.groupby(["origin_id", "band"], sort=False).indices.items():
        _add(m, _expr([m.assign[i] for i in rows], np.ones(len(rows))), pulp.LpConstraintEQ,
                                       lp_name("assign_once", origin, band), 1)


def add_open_link(m: BuiltModel, scenario: Scenario) -> None:
    """Pupils go only to open schools: ``assign[p] <= open[s]`` per pair (the strong form), and to a
    school taking in pupils from other schools only if it is a hub: ``assign[p] <= hub[s] <= open[s]``."""
    table = m.pairs.table
    for var, sid, moves in zip(m.assign, table["school_id"].tolist(), table["moves"].tolist()):
        gate = m.hub[sid] if moves and sid in m.hub else m.open[sid]
        _add(m, pulp.LpAffineExpression([(var, 1.0), (gate, -1.0)]), pulp.LpConstraintLE,
             f"link__{var.name[8:]}", 0)
    for sid, var in m.hub.items():
        _add(m, var - m.open[sid], pulp.LpConstraintLE, lp_name("hub_open", sid), 0)


def add_teaching_points(m: BuiltModel, scenario: Scenario) -> None:
    """A school that may become a teaching point keeps its other bands only when kept whole:
    ``full[s] <= open[s]`` and ``assign[p] <= full[s]`` for pairs of the other bands; a teaching point
    (``open[s] - full[s] = 1``) keeps between ``min_pupils`` and ``max_pupils`` pupils:
    ``load[s] >= min_pupils (open[s] - full[s])`` and ``load[s] <= max_pupils open[s] + (M - max_pupils) full[s]``
    with ``M = max_capacity[s]`` (no school holds more)."""
    if not m.full:
        return
    rule = scenario.teaching_points
    table = m.pairs.table
    other = ~table["band"].isin(rule.bands).to_numpy()
    for i in np.flatnonzero(other & table["school_id"].isin(list(m.full)).to_numpy()):
        var = m.assign[i]
        _add(m, pulp.LpAffineExpression([(var, 1.0), (m.full[table["school_id"].iat[i]], -1.0)]),
             pulp.LpConstraintLE, f"whole__{var.name[8:]}", 0)
    loads = _loads(m)
    for sid, full in m.full.items():
        _add(m, full - m.open[sid], pulp.LpConstraintLE, lp_name("full_open", sid), 0)
        load = loads.get(sid)
        if load is None:
            continue
        if rule.min_pupils > 0:
            _add(m, load - rule.min_pupils * m.open[sid] + rule.min_pupils * full, pulp.LpConstraintGE,
                 lp_name("teaching_point_min", sid), 0)
        top = float(m.schools.at[sid, "max_capacity"])
        if rule.max_pupils is not None and rule.max_pupils < top:
            _add(m, load - rule.max_pupils * m.open[sid] - (top - rule.max_pupils) * full, pulp.LpConstraintLE,
                 lp_name("teaching_point_max", sid), 0)


def _loads(m: BuiltModel, mask: np.ndarray | None = None, *, by: str | list[str] = "school_id") -> dict:
    """Pupils assigned, as expressions keyed by ``by`` (a school, or ``(school, band)`` with a list)."""
    table = m.pairs.table
    pupils = table["pupils"].to_numpy(float)
    keep = np.ones(len(table), bool) if mask is None else mask
    out = {}
    for key, rows in table[keep].groupby(by, sort=False).indices.items():
        index = np.flatnonzero(keep)[rows]
        out[key] = _expr([m.assign[i] for i in index], pupils[index])
    return out


def add_capacity(m: BuiltModel, scenario: Scenario) -> None:
    """Places: ``sum_p n_p assign[p] <= capacity[s] open[s] + places[s]`` (pupils), and places are added
    only at open schools: ``places[s] <= (max_capacity[s] - capacity[s]) open[s]``."""
    for sid, load in _loads(m).items():
        rhs = float(m.schools.at[sid, "capacity"]) * m.open[sid] + (m.places[sid] if sid in m.places else 0)
        _add(m, load - rhs, pulp.LpConstraintLE, lp_name("capacity", sid), 0)
    for sid, var in m.places.items():
        _add(m, var - var.upBound * m.open[sid], pulp.LpConstraintLE,
                                       lp_name("places_open", sid), 0)


def add_beds(m: BuiltModel, scenario: Scenario) -> None:
    """Beds: boarders ``sum_{p boards} n_p assign[p] <= beds[s] open[s] + beds_added[s]``, and beds are
    added only at open schools: ``beds_added[s] <= (max_beds[s] - beds[s]) open[s]``."""
    boards = m.pairs.table["boards"].to_numpy(bool)
    if not boards.any():
        return
    for sid, load in _loads(m, boards).items():
        rhs = float(m.schools.at[sid, "beds"]) * m.open[sid] + (m.beds[sid] if sid in m.beds else 0)
        _add(m, load - rhs, pulp.LpConstraintLE, lp_name("beds", sid), 0)
    for sid, var in m.beds.items():
        _add(m, var - var.upBound * m.open[sid], pulp.LpConstraintLE,
                                       lp_name("beds_open", sid), 0)


def add_classes(m: BuiltModel, scenario: Scenario) -> None:
    """Whole classes: ``sum_{p at s, band b} n_p assign[p] <= size_b classes[s,b]`` (pupils; 45 primary, 50
    junior); with ``capacity_by = "classes"`` every class needs a classroom:
    ``sum_b classes[s,b] <= rooms[s] open[s] + rooms_added[s]``, and places added are whole classrooms:
    ``places[s] = class_size_primary rooms_added[s]``."""
    if not m.classes:
        return
    for (sid, band), load in _loads(m, by=["school_id", "band"]).items():
        _add(m, load - scenario.teachers.class_size(band) * m.classes[(sid, band)], pulp.LpConstraintLE,
             lp_name("classes", sid, band), 0)
    if scenario.schools.capacity_by != "classes":
        return
    rooms = classrooms(m.schools, scenario)
    by_school: dict[str, list] = {}
    for (sid, _band), var in m.classes.items():
        by_school.setdefault(sid, []).append(var)
    for sid, variables in by_school.items():
        extra = m.rooms[sid] if sid in m.rooms else 0
        _add(m, pulp.lpSum(variables) - float(rooms[sid]) * m.open[sid] - extra, pulp.LpConstraintLE,
             lp_name("classrooms", sid), 0)
    size = scenario.teachers.class_size_primary
    for sid, var in m.places.items():
        _add(m, var - size * m.rooms[sid] if sid in m.rooms else var, pulp.LpConstraintEQ,
             lp_name("whole_rooms", sid), 0)


def add_teacher_limit(m: BuiltModel, scenario: Scenario) -> None:
    """With ``teachers.within_available``: posts per school
    ``posts[s] >= P_s / pupils_per_post_primary + J_s / pupils_per_post_junior`` and
    ``posts[s] >= posts_per_class_primary sum_{b primary} classes[s,b] + posts_per_class_junior classes[s,G7_9]``,
    life teachers ``life[s] >= boarders_s / boarders_per_life_teacher``, all whole; and
    ``sum_s posts[s] + life[s] <= teachers available`` (the schools' teachers and teachers_junior)."""
    t = scenario.teachers
    if not t.within_available:
        return
    available = float(teachers_available(m.schools).fillna(0.0).sum())
    table = m.pairs.table
    pupils = table["pupils"].to_numpy(float)
    per_post = np.where(table["band"].to_numpy() == "G7_9", t.pupils_per_post_junior, t.pupils_per_post_primary)
    boards = table["boards"].to_numpy(bool)
    per_class: dict[str, list] = {}
    for (sid, band), var in m.classes.items():
        per_class.setdefault(sid, []).append(
            (var, t.posts_per_class_junior if band == "G7_9" else t.posts_per_class_primary))
    total = []
    for sid, rows in table.groupby("school_id", sort=False).indices.items():
        name = lp_name(sid)
        posts = m.problem.add_variable(f"posts__{name}", lowBound=0, cat=pulp.LpInteger)
        _add(m, posts - _expr([m.assign[i] for i in rows], pupils[rows] / per_post[rows]), pulp.LpConstraintGE,
             lp_name("posts_ratio", sid), 0)
        floor = pulp.LpAffineExpression(per_class.get(sid, []))
        _add(m, posts - floor, pulp.LpConstraintGE, lp_name("posts_classes", sid), 0)
        total.append(posts)
        boarding = rows[boards[rows]]
        if len(boarding):
            life = m.problem.add_variable(f"life__{name}", lowBound=0, cat=pulp.LpInteger)
            _add(m, life - _expr([m.assign[i] for i in boarding], pupils[boarding] / t.boarders_per_life_teacher),
                 pulp.LpConstraintGE, lp_name("life_teachers", sid), 0)
            total.append(life)
    _add(m, pulp.lpSum(total), pulp.LpConstraintLE, "teachers_available", available)


def add_hub_size(m: BuiltModel, scenario: Scenario) -> None:
    """A hub ends with at least ``min_hub_pupils``: ``sum_p n_p assign[p] >= min_hub_pupils hub[s]``."""
    if not m.hub:
        return
    loads = _loads(m)
    for sid, var in m.hub.items():
        _add(m, loads[sid] - scenario.schools.min_hub_pupils * var, pulp.LpConstraintGE,
                                       lp_name("hub_size", sid), 0)


def add_open_count(m: BuiltModel, scenario: Scenario) -> None:
    """``sum_s open[s] <= max_open`` and ``sum_s open[s] = open_exactly`` (schools)."""
    total = pulp.lpSum(m.open.values())
    if scenario.schools.max_open is not None:
        _add(m, total, pulp.LpConstraintLE, "max_open", scenario.schools.max_open)
    if scenario.schools.open_exactly is not None:
        _add(m, total, pulp.LpConstraintEQ, "open_exactly", scenario.schools.open_exactly)


FAMILIES: dict[str, Callable[[BuiltModel, Scenario], None]] = {
    "assign_once": add_assign_once,
    "open_link": add_open_link,
    "teaching_points": add_teaching_points,
    "capacity": add_capacity,
    "beds": add_beds,
    "classes": add_classes,
    "teacher_limit": add_teacher_limit,
    "hub_size": add_hub_size,
    "open_count": add_open_count,
}
"""Every constraint family, in build order."""


def objective_terms(m: BuiltModel, scenario: Scenario) -> dict[str, pulp.LpAffineExpression]:
    """The objective's terms in yuan a year; one-off costs divided by ``costs.capital_years``."""
    costs, table = scenario.costs, m.pairs.table
    pupils = table["pupils"].to_numpy(float)
    boards = table["boards"].to_numpy(bool)
    sids = list(m.open)
    annual = m.schools.loc[sids, "annual_cost"].to_numpy(float)
    if m.full:  # a school that may become a teaching point: annual_cost kept whole, the teaching-point cost if not
        whole = m.schools.loc[list(m.full), "annual_cost"].to_numpy(float)
        point = scenario.teaching_points.annual_cost
        annual = np.where(pd.Index(sids).isin(list(m.full)), point, annual)
        school_vars = [m.open[s] for s in sids] + list(m.full.values())
        annual = np.concatenate([annual, whole - point])
    else:
        school_vars = [m.open[s] for s in sids]
    return {
        "schools_annual": _expr(school_vars, annual),
        "travel": _expr(m.assign, costs.per_pupil_minute * pupils * table["minutes"].to_numpy(float)),
        "places_added": _expr(list(m.places.values()),
                              np.full(len(m.places), costs.per_place_added / costs.capital_years)),
        "beds_added": _expr(list(m.beds.values()), np.full(len(m.beds), costs.per_bed_added / costs.capital_years)),
        "boarders": _expr([m.assign[i] for i in np.flatnonzero(boards)], costs.per_boarder * pupils[boards]),
    }


def build_model(pairs: Pairs, inputs: Inputs, scenario: Scenario) -> BuiltModel:
    """Build the MIP: variables for eligible pairs only, then each family in :data:`FAMILIES`.

    Python's cyclic garbage collector is paused while building: PuLP makes a few objects per pair, none of
    them garbage, and the collector's repeated passes over them cost a fifth of the build on large models.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(pairs, inputs, scenario)
    finally:
        if was_enabled:
            gc.enable()


def _build(pairs: Pairs, inputs: Inputs, scenario: Scenario) -> BuiltModel:
    schools = inputs.schools.set_index("school_id")
    problem = pulp.LpProblem(lp_name("plan", scenario.name), pulp.LpMinimize)
    assign, open_vars, places, beds, hub, full, classes, rooms, _ = _variables(problem, pairs, schools, scenario)
    m = BuiltModel(problem=problem, pairs=pairs,
                   assign=assign, open=open_vars, places=places, beds=beds, hub=hub, full=full, classes=classes,
                   rooms=rooms, schools=schools,
                   capital_years=scenario.costs.capital_years)
    m.problem.setObjective(pulp.lpSum(objective_terms(m, scenario).values()))
    for add in FAMILIES.values():
        add(m, scenario)
    return m


# Education groups (1+N): a small model of its own, on pairs of schools rather than pupils.
#
# Sets: schools ``s`` taking part; candidate cores ``c`` (a subset); eligible pairs ``(c, m)`` with
# ``m != c`` and the teachers' one-way trip ``t_cm <= max_minutes`` (no variable for any other pair).
# Write ``x[s,c]`` for "school s is in the group of core c": ``x[c,c] = core[c]``, ``x[m,c] = member[c,m]``
# for an eligible pair, and 0 otherwise.


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
        """The member variables of each candidate core (an empty list where it has no eligible member)."""
        out: dict[str, list[pulp.LpVariable]] = {c: [] for c in self.core}
        for c, var in zip(self.pairs["core_id"].tolist(), self.member):
            out[c].append(var)
        return out


def add_group_once(m: GroupModel, rules: Groups) -> None:
    """Each school taking part is a core or a member of one core: ``sum_c x[s,c] = 1`` with
    ``everyone = true``, ``<= 1`` otherwise (it may stay outside every group)."""
    sense = pulp.LpConstraintEQ if rules.everyone else pulp.LpConstraintLE
    for sid, row in m.in_group().items():
        _add_group(m, pulp.lpSum(row.values()), sense, lp_name("group_once", sid), 1)


def add_group_link(m: GroupModel, rules: Groups) -> None:
    """A school joins only a core school's group: ``member[c,m] <= core[c]`` per eligible pair."""
    for c, var in zip(m.pairs["core_id"].tolist(), m.member):
        _add_group(m, var - m.core[c], pulp.LpConstraintLE, f"group_link__{var.name[8:]}", 0)


def add_group_size(m: GroupModel, rules: Groups) -> None:
    """Member schools per group (the core not counted):
    ``min_members core[c] <= sum_m member[c,m] <= max_members core[c]``."""
    for c, members in m.members_of().items():
        size = pulp.lpSum(members)
        if rules.min_members > 0:
            _add_group(m, size - rules.min_members * m.core[c], pulp.LpConstraintGE, lp_name("group_min", c), 0)
        _add_group(m, size - rules.max_members * m.core[c], pulp.LpConstraintLE, lp_name("group_max", c), 0)


def add_group_count(m: GroupModel, rules: Groups) -> None:
    """The number of groups: ``sum_c core[c] = count`` (when set, or the number of locked cores)."""
    if m.count is None:
        return
    _add_group(m, pulp.lpSum(m.core.values()), pulp.LpConstraintEQ, "group_count", m.count)


def add_group_together(m: GroupModel, rules: Groups) -> None:
    """Schools ``a``, ``b`` locked together are both in a group, the same one:
    ``sum_c x[a,c] = 1`` and ``x[a,c] = x[b,c]`` for every core ``c``."""
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
    """Sizes of the largest and the smallest group (member schools): ``largest >= sum_m member[c,m]`` and
    ``smallest <= sum_m member[c,m] + max_members (1 - core[c])`` for every candidate core ``c``."""
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
    """The group objective's terms, in teacher minutes: ``minutes`` = ``sum t_cm member[c,m]`` (one-way,
    core to member); ``quality`` = ``- quality_weight sum_c quality[c] core[c]``; ``balance`` =
    ``balance_weight (largest - smallest)``."""
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
    """Build the education-group MIP: a core variable per candidate, a member variable per eligible pair,
    then each family in :data:`GROUP_FAMILIES`.

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
