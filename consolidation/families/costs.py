"""Costs: the objective's yearly terms, in yuan a year (one-off costs spread over ``costs.capital_years``).

- ``schools_annual``: ``annual_cost`` of each open school (a teaching point: ``teaching_points.annual_cost``);
- ``travel``: ``per_pupil_minute`` x pupil-minutes (one-way; for boarders the weekly trip);
- ``places_added``, ``beds_added``: ``per_place_added`` x places and ``per_bed_added`` x beds added,
  / ``capital_years``;
- ``boarders``: ``per_boarder`` x boarders.

The same terms are recomputed from a finished plan's tables, and the solver's objective must not be below
their total.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..scenario import Scenario
from ..tolerances import SOLVER
from .base import Builder, Family, PlanView
from .teaching_points import teaches_only

TERMS = ("schools_annual", "travel", "places_added", "beds_added", "boarders")


def objective(m: Builder, scenario: Scenario) -> dict[str, Any]:
    """Return the five yearly terms as expressions of the model's variables (yuan a year)."""
    costs, table = scenario.costs, m.pairs.table
    open_, full, assign, places, beds = m["open"], m["full"], m["assign"], m["places"], m["beds"]
    pupils = table["pupils"].to_numpy(float)
    boards = table["boards"].to_numpy(bool)
    sids = list(open_)
    annual = m.schools.loc[sids, "annual_cost"].to_numpy(float)
    if full:  # a school that may become a teaching point: annual_cost kept whole, the teaching-point cost if not
        whole = m.schools.loc[list(full), "annual_cost"].to_numpy(float)
        point = scenario.teaching_points.annual_cost
        annual = np.where(pd.Index(sids).isin(list(full)), point, annual)
        school_vars = [open_[s] for s in sids] + list(full.values())
        annual = np.concatenate([annual, whole - point])
    else:
        school_vars = [open_[s] for s in sids]
    return {
        "schools_annual": m.expr(school_vars, annual),
        "travel": m.expr(assign, costs.per_pupil_minute * pupils * table["minutes"].to_numpy(float)),
        "places_added": m.expr(list(places.values()),
                               np.full(len(places), costs.per_place_added / costs.capital_years)),
        "beds_added": m.expr(list(beds.values()), np.full(len(beds), costs.per_bed_added / costs.capital_years)),
        "boarders": m.expr([assign[i] for i in np.flatnonzero(boards)], costs.per_boarder * pupils[boards]),
    }


def recompute(assignments: pd.DataFrame, schools: pd.DataFrame, scenario: Scenario) -> dict[str, float]:
    """Recompute the five terms from a plan's tables (yuan a year)."""
    c = scenario.costs
    open_ = schools["open"] == 1
    # A school turned into a teaching point (it teaches other bands too) costs the teaching-point cost.
    turned = (schools["role"] == "teaching_point") & ~teaches_only(schools, scenario.teaching_points.bands)
    annual = schools["annual_cost"].where(~turned, scenario.teaching_points.annual_cost)
    return {
        "schools_annual": float(annual[open_].sum()),
        "travel": float(c.per_pupil_minute * (assignments["pupils"] * assignments["minutes"]).sum()),
        "places_added": float(c.per_place_added * schools["places_added"].sum() / c.capital_years),
        "beds_added": float(c.per_bed_added * schools["beds_added"].sum() / c.capital_years),
        "boarders": float(c.per_boarder * assignments.loc[assignments["boards"] == 1, "pupils"].sum()),
    }


def check(plan: PlanView, scenario: Scenario) -> list[str]:
    """Check that the cost recomputed from the tables is not above the solver's objective."""
    solver_objective = plan.summary.get("solver_objective")
    recomputed = plan.summary["cost"]["total"]
    if solver_objective is not None and recomputed > solver_objective + SOLVER * max(1.0, abs(solver_objective)):
        return [f"the plan costs {recomputed:,.2f} recomputed from its tables but the solver reported "
                f"{solver_objective:,.2f}"]
    return []


FAMILY = Family(
    name="costs",
    order=120,
    summary="The objective: schools kept open, families' travel time, places and beds added (spread over "
            "capital_years) and boarders, in yuan a year.",
    reads=("costs.school_annual", "costs.per_pupil_minute", "costs.per_place_added", "costs.per_bed_added",
           "costs.per_boarder", "costs.capital_years", "teaching_points.annual_cost", "schools: annual_cost"),
    objective=objective,
    cost_terms=TERMS,
    recompute=recompute,
    check=check,
    lp_names=("OBJ",),
)
