"""Open link: pupils go only to open schools, and into a school from elsewhere only if it is a hub.

A school taking in pupils from other schools must be a hub.

Declares ``open__S``, 1 if school ``s`` stays open, integer in [0, 1] (bounds fixed by ``locks``), for every
school some pair reaches or that is locked open (every school not locked closed when
``schools.open_exactly`` is set: a school nobody can attend may still be asked to stay open).
"""

from __future__ import annotations

from ..scenario import Scenario
from ..messages import ids, say
from .base import Builder, Family, PlanView


def declare(m: Builder, scenario: Scenario) -> None:
    """``open`` (keyed by ``school_id``): integer in [0, 1] rather than binary, so that a lock can fix it."""
    schools = m.schools
    used = set(m.pairs.table["school_id"]) | set(schools.index[schools["lock"] == "open"])
    if scenario.schools.open_exactly is not None:
        used |= set(schools.index[schools["lock"] != "closed"])
    m.declare("open", {sid: m.variable(f"open__{m.school_name(sid)}", low=0, up=1, kind="integer")
                       for sid in schools.index if sid in used})


def define(m: Builder, scenario: Scenario) -> None:
    """Pupils go only to open schools: ``assign[p] <= open[s]`` per pair (the strong form).

    They go to a school taking in pupils from other schools only if it is a hub: ``assign[p] <= hub[s] <= open[s]``.
    """
    table = m.pairs.table
    hub, open_ = m.get("hub", {}), m["open"]
    for var, sid, moves in zip(m["assign"], table["school_id"].tolist(), table["moves"].tolist()):
        gate = hub[sid] if moves and sid in hub else open_[sid]
        m.constrain(m.terms([(var, 1.0), (gate, -1.0)]), "<=", f"link__{var.name[8:]}", 0)
    for sid, var in hub.items():
        m.constrain(var - open_[sid], "<=", m.name("hub_open", sid), 0)


def check(plan: PlanView, scenario: Scenario) -> list[str]:
    """No pupils at a closed school."""
    closed = plan.assignments.loc[(plan.school_of_row["open"] == 0).to_numpy(), "school_id"].unique()
    return [say("check.assigned_closed", ids=ids(closed))] if len(closed) else []


def across(builders, scenario: Scenario) -> None:
    """Close a school at most once, for good: ``open[s,y] <= open[s,y-1]`` (``stays_closed``).

    A school with no ``open`` variable in year ``y-1`` (no pupil could reach it) is closed then, and stays so.
    """
    for before, m in zip(builders, builders[1:]):
        for sid, var in m["open"].items():
            if sid in before["open"]:
                m.constrain(var - before["open"][sid], "<=", m.name("stays_closed", sid), 0)
            else:
                m.fix(var, 0.0)


def check_years(programme, scenario: Scenario) -> list[str]:
    """No school reopens after it closed."""
    open_ = programme.by_year("open")
    problems = []
    for a, b in zip(programme.years, programme.years[1:]):
        again = open_.index[(open_[a] == 0) & (open_[b] == 1)]
        if len(again):
            problems.append(say("check.reopened", ids=ids(again), closed=a, again=b))
    return problems


FAMILY = Family(
    name="open_link",
    order=40,
    summary="Pupils go only to open schools, and into a school from elsewhere only if it is a hub.",
    reads=("schools.open_exactly", "schools: lock"),
    declare=declare,
    define=define,
    check=check,
    lp_names=("open__", "link__"),
    across=across,
    check_years=check_years,
)
