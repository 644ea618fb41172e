"""School buses: whole buses at each receiving school for its day pupils who ride.

A day pupil rides when the band's ``mode`` is ``bus`` and the trip is longer than ``buses.walk_km`` (road km;
where the data give no km, bus minutes x ``travel.bus_kmh`` / 60). Boarders' weekly trips are not counted.
A bus carries ``seats x runs`` riders (runs each morning, and again each afternoon).

Declares ``buses__S``, whole buses, for every school a riding pair reaches, when buses cost anything (``price``,
``annual`` or ``per_km`` above 0). Every bus is bought (the data hold no fleet of today).

Cost terms (yuan a year): ``buses``, ``annual`` x buses + ``per_km`` x bus-km (a proxy before routing: each
busload drives its riders' km four times a school day, ``school_days`` a year); ``bus_purchase``, ``price`` x
buses / ``life_years``. One-off capital: ``price`` x buses.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..scenario import Scenario
from ..tolerances import SOLVER
from ..messages import ids, say
from .base import Builder, Family, PlanView

TERMS = ("buses", "bus_purchase")


def priced(scenario: Scenario) -> bool:
    """Return True when buses cost anything, so the model counts them."""
    b = scenario.buses
    return b.price > 0 or b.annual > 0 or b.per_km > 0


def rides(table: pd.DataFrame, scenario: Scenario) -> np.ndarray:
    """Return True for the rows (pairs or assignments: ``band``, ``boards``, ``km``, ``minutes``) that ride a bus."""
    bands = table["band"].to_numpy().astype(str)
    by_bus = np.isin(bands, [b for b in ("G1_3", "G4_6", "G7_9") if scenario.rules.band(b).mode == "bus"])
    day = ~table["boards"].to_numpy().astype(bool)
    return by_bus & day & (road_km(table, scenario) > scenario.buses.walk_km + SOLVER)


def road_km(table: pd.DataFrame, scenario: Scenario) -> np.ndarray:
    """Return each row's km (bus minutes x ``travel.bus_kmh`` / 60 where not known)."""
    km = pd.to_numeric(table["km"], errors="coerce").to_numpy(float)
    return np.where(np.isnan(km), table["minutes"].to_numpy(float) * scenario.travel.bus_kmh / 60.0, km)


def per_bus(scenario: Scenario) -> int:
    """Return the riders one bus carries: seats x runs."""
    return scenario.buses.seats * scenario.buses.runs


def km_yuan(scenario: Scenario) -> float:
    """Return yuan a year per rider-km of one-way trip: ``per_km`` x 4 trips a day x school days / seats."""
    b = scenario.buses
    return b.per_km * 4.0 * scenario.costs.school_days / b.seats


def declare(m: Builder, scenario: Scenario) -> None:
    """Declare ``buses`` (keyed by ``school_id``): whole buses at each school riders can reach."""
    buses = {}
    if priced(scenario):
        table = m.pairs.table
        for sid in pd.unique(table.loc[rides(table, scenario), "school_id"]):
            buses[sid] = m.variable(f"buses__{m.school_name(sid)}", low=0, kind="integer")
    m.declare("buses", buses)


def define(m: Builder, scenario: Scenario) -> None:
    """Seats for riders: ``seats x runs x buses[s] >= sum_{p rides to s} n_p assign[p]`` (pupils).

    And the strong form ``buses[s] >= assign[p]`` for every riding pair (implied for whole buses, it makes
    the relaxation tight where few pupils ride).
    """
    buses = m["buses"]
    if not buses:
        return
    riding = rides(m.pairs.table, scenario)
    for sid, load in m.loads(riding).items():
        m.constrain(per_bus(scenario) * buses[sid] - load, ">=", m.name("bus_seats", sid), 0)
    assign = m["assign"]
    for i in np.flatnonzero(riding):  # the strong form: anyone riding needs a whole bus (tightens the bound)
        var = assign[i]
        m.constrain(buses[m.pairs.table["school_id"].iat[i]] - var, ">=", f"bus_link__{var.name[8:]}", 0)


def objective(m: Builder, scenario: Scenario) -> dict[str, Any]:
    """Return ``buses`` (running and bus-km) and ``bus_purchase`` (price over the bus's life), yuan a year."""
    buses = m["buses"]
    if not buses:
        return {}
    b = scenario.buses
    table = m.pairs.table
    riding = np.flatnonzero(rides(table, scenario))
    assign = m["assign"]
    rider_km = table["pupils"].to_numpy(float)[riding] * road_km(table, scenario)[riding]
    fleet = list(buses.values())
    return {"buses": m.expr(fleet, np.full(len(fleet), b.annual))
            + m.expr([assign[i] for i in riding], km_yuan(scenario) * rider_km),
            "bus_purchase": m.expr(fleet, np.full(len(fleet), b.price / b.life_years))}


def fleet(assignments: pd.DataFrame, school_ids: pd.Index, scenario: Scenario) -> pd.DataFrame:
    """Return ``bus_riders``, ``buses`` (whole, the fewest that seat the riders) and ``bus_km_riders`` per school."""
    a = assignments
    riding = rides(a, scenario)
    rows = pd.DataFrame({"school_id": a["school_id"].to_numpy()[riding],
                         "bus_riders": a["pupils"].to_numpy(float)[riding],
                         "rider_km": (a["pupils"].to_numpy(float) * road_km(a, scenario))[riding]})
    out = rows.groupby("school_id").sum().reindex(school_ids).fillna(0.0)
    out["buses"] = np.ceil(out["bus_riders"] / per_bus(scenario) - SOLVER).clip(lower=0) + 0.0
    return out


def by_school(assignments: pd.DataFrame, schools: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Return the two terms school by school (yuan a year), from the plan's assignments."""
    index = pd.Index(schools["school_id"] if "school_id" in schools.columns else schools.index, name="school_id")
    if not priced(scenario):
        return pd.DataFrame(index=index)
    b = scenario.buses
    f = fleet(assignments, index, scenario)
    return pd.DataFrame({"buses": b.annual * f["buses"] + km_yuan(scenario) * f["rider_km"],
                         "bus_purchase": b.price / b.life_years * f["buses"]}, index=index)


def recompute(assignments: pd.DataFrame, schools: pd.DataFrame, scenario: Scenario) -> dict[str, float]:
    """Recompute the two terms from the plan's assignments: the sums of :func:`by_school`."""
    return {term: float(v) for term, v in by_school(assignments, schools, scenario).sum().items()}


def check(plan: PlanView, scenario: Scenario) -> list[str]:
    """Riders only at open schools, and the plan's bus count seats them."""
    f = fleet(plan.assignments, plan.schools.index, scenario)
    problems = []
    closed = f.index[(f["bus_riders"] > SOLVER) & (plan.schools["open"] == 0)]
    if len(closed):
        problems.append(say("check.riders_closed", ids=ids(closed)))
    if "buses" in plan.schools.columns:
        short = f.index[plan.schools["buses"] * per_bus(scenario) + SOLVER < f["bus_riders"]]
        if len(short):
            problems.append(say("check.seats", ids=ids(short)))
    return problems


def across(builders, scenario: Scenario) -> None:
    """When a budget caps capital: ``bought[y] >= sum_s buses[s,y] - sum_s buses[s,y-1]`` (``buses_bought``).

    Buses are county-owned and move between schools; a year buys only what its fleet adds.
    """
    if scenario.budget.capital is None and scenario.budget.capital_per_year is None:
        for m in builders:
            m.declare("buses_bought", {})
        return
    previous: list = []
    for m in builders:
        fleet_now = list(m["buses"].values())
        bought = m.variable("buses_bought", low=0)
        m.constrain(bought - m.total(fleet_now) + m.total(previous), ">=", "buses_bought_row", 0)
        m.declare("buses_bought", {"county": bought})
        previous = fleet_now


FAMILY = Family(
    name="buses",
    order=125,
    summary="Whole school buses at each school for its day pupils who ride (bus bands beyond walk_km), paid a "
            "year to run and bought over their life.",
    reads=("buses.seats", "buses.runs", "buses.walk_km", "buses.price", "buses.life_years", "buses.annual",
           "buses.per_km", "costs.school_days", "rules.<band>.mode", "travel.bus_kmh"),
    declare=declare,
    define=define,
    objective=objective,
    cost_terms=TERMS,
    recompute=recompute,
    check=check,
    lp_names=("buses__", "bus_seats__", "bus_link__"),
    public={"buses": "buses", "bus_purchase": "capital_annual"},
    by_school=by_school,
    across=across,
)
