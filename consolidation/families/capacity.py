"""Places: pupils within a school's places, plus places added (up to ``max_capacity``) at open schools.

Declares ``places__S``, places added, continuous in [0, ``max_capacity - capacity``], for open schools with
room to grow. Places added cost ``costs.per_place_added`` (one-off; see ``costs``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..io import Inputs
from ..scenario import Scenario
from ..tolerances import SOLVER, slack
from . import _stock
from ._stock import always_fits, declare_added, define_rows
from ..messages import ids, join, say, term
from .base import Builder, Family, PlanView, Relaxation


def cannot_bind(m: Builder) -> set:
    """Return the schools whose places row cannot bind.

    There the pupils of every pair that may reach the school fit its existing places
    (``sum_p n_p <= capacity[s]``). There ``load[s] <= sum_p n_p open[s] <= capacity[s] open[s]`` already
    follows from the links ``assign[p] <= open[s]`` (``open_link``), so the row only costs the solver time,
    and places are never needed. The plan check still checks every school.
    """
    return always_fits(m, None, "capacity")


def declare(m: Builder, scenario: Scenario) -> None:
    """Declare ``places`` (keyed by ``school_id``): places added, up to ``max_capacity - capacity`` (pupils).

    None where places can never be needed (:func:`cannot_bind`), except with ``capacity_by = "classes"``, where
    places also pay for classrooms.
    """
    # in a programme, places may be kept from an earlier year at any open school: declared at all of them
    idle = cannot_bind(m) if scenario.schools.capacity_by != "classes" and m.year is None else set()
    declare_added(m, "places", "capacity", "max_capacity", lambda sid: sid not in idle)


def define(m: Builder, scenario: Scenario) -> None:
    """Places: ``sum_p n_p assign[p] <= capacity[s] open[s] + places[s]`` (pupils).

    Places are added only at open schools: ``places[s] <= (max_capacity[s] - capacity[s]) open[s]``. No places
    row where the pupils of every pair that may reach the school fit its places (the links imply it).
    """
    busy = ~m.pairs.table["school_id"].isin(list(cannot_bind(m))).to_numpy()
    define_rows(m, busy, "capacity", "places", row="capacity", link="places_open")


def check(plan: PlanView, scenario: Scenario) -> list[str]:
    """Pupils within places and places added; additions within ``max_capacity``."""
    s, problems = plan.schools, []
    over = s.index[plan.load > s["capacity"] + s["places_added"] + slack(s["capacity"])]
    if len(over):
        problems.append(say("check.places_over", ids=ids(over)))
    grown = s.index[s["capacity"] + s["places_added"] > s["max_capacity"] + slack(s["max_capacity"])]
    if len(grown):
        problems.append(say("check.places_grown", ids=ids(grown)))
    return problems


def relax(inputs: Inputs, scenario: Scenario, big: float) -> tuple[Inputs, Scenario]:
    """Every school may grow by ``big`` places."""
    return dataclasses.replace(inputs, schools=inputs.schools.assign(max_capacity=inputs.schools["capacity"] + big)), \
        scenario


def explain(plan: Any, inputs: Inputs, scenario: Scenario) -> str:
    """Name the schools whose pupils in the relaxed plan exceed their ``max_capacity``, and by how much."""
    s = plan.schools.set_index("school_id")
    limits = inputs.schools.set_index("school_id")
    short = (s["pupils"] - limits["max_capacity"]).loc[lambda x: x > SOLVER]
    detail = join([say("reason.short_item", sid=sid, name=s.at[sid, "name"], n=v) for sid, v in short.items()], ", ")
    return say("reason.short_places", detail=detail)


def across(builders, scenario: Scenario) -> None:
    """Places added are usable ``years.lead_years`` after the programme starts and stay while the school is open.

    ``places[s,y] = 0`` in the first ``lead_years`` years; ``places[s,y] >= places[s,y-1] - room[s] (1 - open[s,y])``.
    """
    _stock.link_years(builders, scenario, "places", "capacity", "max_capacity")


def check_years(programme, scenario: Scenario) -> list[str]:
    """Nothing added in the first ``lead_years`` years; what was added stays while the school is open."""
    return _stock.check_years(programme, scenario, "places_added", "places")


FAMILY = Family(
    name="capacity",
    order=60,
    summary="Pupils within each school's places plus places added, up to max_capacity.",
    reads=("schools: capacity, max_capacity",),
    declare=declare,
    define=define,
    check=check,
    relaxation=Relaxation(label=term("relax.places"), relax=relax, explain=explain),
    across=across,
    check_years=check_years,
    lp_names=("places__", "capacity__", "places_open__"),
)
