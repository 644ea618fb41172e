"""Beds: boarders within a school's beds, plus beds added (up to ``max_beds``) at open schools.

Declares ``beds__S``, beds added, continuous in [0, ``max_beds - beds``], for open schools that boarders can
reach and with room to grow. Beds added cost ``costs.per_bed_added`` (one-off; see ``costs``).
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
    """Return the schools whose beds row cannot bind.

    There the pupils of every boarding pair that may reach the school fit its existing beds. The links
    ``assign[p] <= open[s]`` imply the row there, and beds are never needed.
    """
    return always_fits(m, m.pairs.table["boards"].to_numpy(bool), "beds")


def declare(m: Builder, scenario: Scenario) -> None:
    """Declare ``beds`` (keyed by ``school_id``): beds added, up to ``max_beds - beds`` (beds).

    None where boarders always fit the existing beds (:func:`cannot_bind`).
    """
    table = m.pairs.table
    boarding_schools = set(table.loc[table["boards"], "school_id"]) - cannot_bind(m)
    if m.year is not None:  # in a programme, beds may be kept from an earlier year at any open school
        boarding_schools = set(m.schools.index)
    declare_added(m, "beds", "beds", "max_beds", boarding_schools.__contains__)


def define(m: Builder, scenario: Scenario) -> None:
    """Beds: boarders ``sum_{p boards} n_p assign[p] <= beds[s] open[s] + beds_added[s]``.

    Beds are added only at open schools: ``beds_added[s] <= (max_beds[s] - beds[s]) open[s]``. No beds row where
    the pupils of every boarding pair that may reach the school fit its beds (the links imply it).
    """
    table = m.pairs.table
    boards = table["boards"].to_numpy(bool) & ~table["school_id"].isin(list(cannot_bind(m))).to_numpy()
    if not boards.any():
        return
    define_rows(m, boards, "beds", "beds", row="beds", link="beds_open")


def check(plan: PlanView, scenario: Scenario) -> list[str]:
    """Boarders within beds and beds added; additions within ``max_beds``."""
    s, problems = plan.schools, []
    over = s.index[plan.boarders > s["beds"] + s["beds_added"] + slack(s["beds"])]
    if len(over):
        problems.append(say("check.beds_over", ids=ids(over)))
    grown = s.index[s["beds"] + s["beds_added"] > s["max_beds"] + slack(s["max_beds"])]
    if len(grown):
        problems.append(say("check.beds_grown", ids=ids(grown)))
    return problems


def relax(inputs: Inputs, scenario: Scenario, big: float) -> tuple[Inputs, Scenario]:
    """Every school may add ``big`` beds."""
    return dataclasses.replace(inputs, schools=inputs.schools.assign(max_beds=inputs.schools["beds"] + big)), scenario


def explain(plan: Any, inputs: Inputs, scenario: Scenario) -> str:
    """Name the schools whose boarders in the relaxed plan exceed their ``max_beds``, and by how much."""
    s = plan.schools.set_index("school_id")
    limits = inputs.schools.set_index("school_id")
    short = (s["boarders"] - limits["max_beds"]).loc[lambda x: x > SOLVER]
    detail = join([say("reason.short_item", sid=sid, name=s.at[sid, "name"], n=v) for sid, v in short.items()], ", ")
    return say("reason.short_beds", detail=detail)


def across(builders, scenario: Scenario) -> None:
    """Beds added are usable ``years.lead_years`` after the programme starts and stay while the school is open.

    ``beds[s,y] = 0`` in the first ``lead_years`` years; ``beds[s,y] >= beds[s,y-1] - room[s] (1 - open[s,y])``.
    """
    _stock.link_years(builders, scenario, "beds", "beds", "max_beds")


def check_years(programme, scenario: Scenario) -> list[str]:
    """Nothing added in the first ``lead_years`` years; what was added stays while the school is open."""
    return _stock.check_years(programme, scenario, "beds_added", "beds")


FAMILY = Family(
    name="beds",
    order=70,
    summary="Boarders within each school's beds plus beds added, up to max_beds.",
    reads=("schools: beds, max_beds",),
    declare=declare,
    define=define,
    check=check,
    relaxation=Relaxation(label=term("relax.beds"), relax=relax, explain=explain),
    across=across,
    check_years=check_years,
    lp_names=("beds__", "beds_open__"),
)
