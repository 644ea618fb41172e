"""Costs: the objective's yearly terms, in yuan a year (one-off costs spread over ``costs.capital_years``).

- ``schools_annual``: ``annual_cost`` of each open school (a teaching point: ``teaching_points.annual_cost``);
- ``travel``: ``per_pupil_minute`` x pupil-minutes (one-way; for boarders the weekly trip);
- ``places_added``, ``beds_added``: ``per_place_added`` x places and ``per_bed_added`` x beds added,
  / ``capital_years``;
- ``boarders``: ``per_boarder`` x boarders (public funds for boarders);
- ``boarder_subsidy``: ``boarder_subsidy_share`` x boarders x ``boarder_subsidy_primary`` (G1_3, G4_6) or
  ``boarder_subsidy_junior`` (G7_9);
- ``meals``: ``boarder_meals_per_day`` x ``school_days`` x boarders, plus ``nutrition_per_pupil_day`` x
  ``school_days`` x pupils;
- ``closed_reuse``: ``-closed_school_value`` x schools closed (a saving).

The same terms are recomputed from a finished plan's tables, and the solver's objective must not be below
their total.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..scenario import Scenario
from ..tolerances import SOLVER
from ..messages import say
from .base import Builder, Family, PlanView
from .teaching_points import teaches_only

TERMS = ("schools_annual", "closed_reuse", "travel", "places_added", "beds_added", "boarders", "boarder_subsidy",
         "meals")
PUBLIC = {"schools_annual": "schools", "closed_reuse": "schools", "places_added": "capital_annual",
          "beds_added": "capital_annual", "boarders": "boarding", "boarder_subsidy": "boarding", "meals": "meals"}



def objective(m: Builder, scenario: Scenario) -> dict[str, Any]:
    """Return the yearly terms as expressions of the model's variables (yuan a year)."""
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
    bands = table["band"].to_numpy()
    subsidy = np.where(bands == "G7_9", costs.boarder_subsidy_junior, costs.boarder_subsidy_primary)
    boarding = [assign[i] for i in np.flatnonzero(boards)]
    closed = len(m.schools) * costs.closed_school_value
    return {
        "schools_annual": m.expr(school_vars, annual),
        "closed_reuse": m.expr([open_[s] for s in sids], np.full(len(sids), costs.closed_school_value)) - closed,
        "travel": m.expr(assign, costs.per_pupil_minute * pupils * table["minutes"].to_numpy(float)),
        "places_added": m.expr(list(places.values()),
                               np.full(len(places), costs.per_place_added / costs.capital_years)),
        "beds_added": m.expr(list(beds.values()), np.full(len(beds), costs.per_bed_added / costs.capital_years)),
        "boarders": m.expr(boarding, costs.per_boarder * pupils[boards]),
        "boarder_subsidy": m.expr(boarding, costs.boarder_subsidy_share * subsidy[boards] * pupils[boards]),
        "meals": m.expr(boarding, costs.boarder_meals_per_day * costs.school_days * pupils[boards])
        + m.expr(assign, costs.nutrition_per_pupil_day * costs.school_days * pupils),
    }


def by_school(assignments: pd.DataFrame, schools: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Return the terms school by school (yuan a year), from a plan's tables; travel by receiving school."""
    c = scenario.costs
    s = schools.set_index("school_id") if "school_id" in schools.columns else schools
    open_ = s["open"] == 1
    # A school turned into a teaching point (it teaches other bands too) costs the teaching-point cost.
    turned = (s["role"] == "teaching_point") & ~teaches_only(s, scenario.teaching_points.bands)
    annual = s["annual_cost"].where(~turned, scenario.teaching_points.annual_cost)
    a = assignments
    boards = a["boards"].to_numpy() == 1
    bands = a["band"].to_numpy().astype(str)
    subsidy = np.where(bands == "G7_9", c.boarder_subsidy_junior, c.boarder_subsidy_primary) * c.boarder_subsidy_share
    pupils = a["pupils"].to_numpy(float)
    per_row = pd.DataFrame({
        "school_id": a["school_id"].to_numpy(),
        "travel": c.per_pupil_minute * pupils * a["minutes"].to_numpy(float),
        "boarders": np.where(boards, c.per_boarder * pupils, 0.0),
        "boarder_subsidy": np.where(boards, subsidy * pupils, 0.0),
        "meals": np.where(boards, c.boarder_meals_per_day * c.school_days * pupils, 0.0)
        + c.nutrition_per_pupil_day * c.school_days * pupils,
    }).groupby("school_id").sum().reindex(s.index).fillna(0.0)
    out = pd.DataFrame({
        "schools_annual": annual.where(open_, 0.0).astype(float),
        "closed_reuse": np.where(open_, 0.0, -c.closed_school_value),
        "travel": per_row["travel"],
        "places_added": c.per_place_added * s["places_added"].astype(float) / c.capital_years,
        "beds_added": c.per_bed_added * s["beds_added"].astype(float) / c.capital_years,
        "boarders": per_row["boarders"],
        "boarder_subsidy": per_row["boarder_subsidy"],
        "meals": per_row["meals"],
    }, index=s.index)
    return out + 0.0


def recompute(assignments: pd.DataFrame, schools: pd.DataFrame, scenario: Scenario) -> dict[str, float]:
    """Recompute the terms from a plan's tables (yuan a year): the sums of :func:`by_school`."""
    return {term: float(value) for term, value in by_school(assignments, schools, scenario).sum().items()}


def check(plan: PlanView, scenario: Scenario) -> list[str]:
    """Check that the cost recomputed from the tables is not above the solver's objective."""
    solver_objective = plan.summary.get("solver_objective")
    recomputed = plan.summary["cost"]["total"]
    if solver_objective is not None and recomputed > solver_objective + SOLVER * max(1.0, abs(solver_objective)):
        return [say("check.objective", recomputed=recomputed, reported=solver_objective)]
    return []


FAMILY = Family(
    name="costs",
    order=120,
    summary="The objective: schools kept open (less the reuse of closed ones), families' travel time, places "
            "and beds added (spread over capital_years), boarders' funds, subsidy and meals, in yuan a year.",
    reads=("costs.school_annual", "costs.per_pupil_minute", "costs.per_place_added", "costs.per_bed_added",
           "costs.per_boarder", "costs.capital_years", "costs.boarder_subsidy_primary",
           "costs.boarder_subsidy_junior", "costs.boarder_subsidy_share", "costs.boarder_meals_per_day",
           "costs.nutrition_per_pupil_day", "costs.school_days", "costs.closed_school_value",
           "teaching_points.annual_cost", "schools: annual_cost"),
    objective=objective,
    cost_terms=TERMS,
    recompute=recompute,
    check=check,
    lp_names=("OBJ",),
    public=PUBLIC,
    by_school=by_school,
)
