"""From the solver's values to a plan: assignments, the school table and headline figures.

The plan is re-verified independently with pandas before anything is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import BANDS, pupils_column
from .errors import VerificationError, id_list
from .io import Inputs, classrooms, school_classes
from .families import PUBLIC, REGISTRY, PlanView, public_parts
from .families.buses import fleet
from .families.point_parents import PARENT_COLUMNS, parent_columns
from .families.teaching_points import teaches_only
from .scenario import Scenario
from .tolerances import EXACT, SOLVER, slack
from .travel import Pairs

if TYPE_CHECKING:  # the plan stage reads an outcome's values; it never needs the solver itself
    from .solve import Outcome

ASSIGNMENT_COLUMNS = ["origin_id", "band", "pupils", "school_id", "minutes", "km", "boards",
                      "current_school_id", "moved"]


@dataclass(frozen=True)
class Plan:
    """A verified plan.

    Attributes
    ----------
    assignments
        One row per origin, band and receiving school (see :data:`ASSIGNMENT_COLUMNS`).
    schools
        One row per school: the input columns plus ``open``, ``role`` (hub/kept/teaching_point/closed),
        ``parent_id``, ``parent_minutes`` and ``central`` (a teaching point's parent school), pupils per band
        after the plan, ``pupils``, ``pupils_before``, ``places_added``, ``beds_used``, ``beds_added``,
        ``boarders``.
    summary
        Headline figures (the ``summary.json`` contract).
    """

    assignments: pd.DataFrame
    schools: pd.DataFrame
    summary: dict[str, Any]


def _excess(load: pd.Series, limit: pd.Series) -> pd.Series:
    """``load - limit`` where clearly positive, else 0 (places or beds that must be added)."""
    excess = load - limit
    return excess.where(excess > slack(limit), 0.0)


def weighted_percentile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """Return the smallest value with at least share ``q`` of the weight at or below it (pupil-weighted)."""
    if len(values) == 0 or weights.sum() <= 0:
        return float("nan")
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, q * cumulative[-1] - SOLVER)])


def _assignments(pairs: Pairs, outcome: Outcome, scenario: Scenario) -> pd.DataFrame:
    table = pairs.table
    share = outcome.assign
    if scenario.schools.assignment == "single":
        share = np.where(share > 0.5, 1.0, 0.0)
    keep = share > SOLVER
    out = table.loc[keep, ["origin_id", "band", "school_id", "minutes", "km", "boards"]].copy()
    out.insert(2, "pupils", table.loc[keep, "pupils"].to_numpy() * share[keep])
    current = pairs.demand.set_index(["origin_id", "band"])["current_school_id"]
    out["current_school_id"] = current.reindex(pd.MultiIndex.from_frame(out[["origin_id", "band"]])).to_numpy()
    out["moved"] = (out["school_id"] != out["current_school_id"]).astype(int)
    out["boards"] = out["boards"].astype(int)
    return out[ASSIGNMENT_COLUMNS].reset_index(drop=True)


def _in_use(schools: pd.DataFrame, in_use: pd.DataFrame | None, column: str) -> pd.Series:
    """Return the stock a programme keeps in use at each school beyond ``column`` (0 for a one-year plan)."""
    if in_use is None or column not in in_use.columns:
        return pd.Series(0.0, index=schools.index)
    return schools["school_id"].map(in_use[column]).fillna(0.0)


def _schools(inputs: Inputs, assignments: pd.DataFrame, outcome: Outcome, scenario: Scenario,
             in_use: pd.DataFrame | None = None) -> pd.DataFrame:
    schools = inputs.schools.copy()
    sid = schools["school_id"]
    schools["pupils_before"] = schools[[pupils_column(b) for b in BANDS]].sum(axis=1)
    schools["open"] = sid.map(lambda s: int(outcome.open.get(s, 0.0) > 0.5)).astype(int)
    for band in BANDS:
        rows = assignments[assignments["band"] == band]
        schools[pupils_column(band)] = sid.map(rows.groupby("school_id")["pupils"].sum()).fillna(0.0)
    schools["pupils"] = schools[[pupils_column(b) for b in BANDS]].sum(axis=1)
    moved_in = sid.map(assignments[assignments["moved"] == 1].groupby("school_id")["pupils"].sum()).fillna(0.0)
    schools["pupils_moved_in"] = moved_in
    schools["role"] = np.where(schools["open"] == 0, "closed", np.where(moved_in > SOLVER, "hub", "kept"))
    point = teaches_only(schools, scenario.teaching_points.bands) | sid.map(
        lambda s: outcome.full.get(s, 1.0) < 0.5).astype(bool)
    schools.loc[(schools["open"] == 1) & point, "role"] = "teaching_point"
    schools["places_added"] = np.maximum(_excess(schools["pupils"], schools["capacity"]),
                                         _in_use(schools, in_use, "places_added")).where(schools["open"] == 1, 0.0)
    if scenario.schools.capacity_by == "classes":  # whole classes in whole classrooms
        size = scenario.teachers.class_size_primary
        schools["classes"] = school_classes(schools, scenario.teachers)
        schools["classrooms"] = classrooms(schools.set_index("school_id"), scenario).to_numpy()
        rooms = np.maximum(np.ceil(schools["places_added"] / size - EXACT),
                           (schools["classes"] - schools["classrooms"]).clip(lower=0))
        schools["classrooms_added"] = rooms.where(schools["open"] == 1, 0.0)
        schools["places_added"] = schools["classrooms_added"] * size
    boarders = sid.map(assignments[assignments["boards"] == 1].groupby("school_id")["pupils"].sum()).fillna(0.0)
    schools["boarders"] = boarders
    schools["beds_used"] = boarders
    schools["beds_added"] = np.maximum(_excess(boarders, schools["beds"]),
                                       _in_use(schools, in_use, "beds_added")).where(schools["open"] == 1, 0.0)
    buses = fleet(assignments, pd.Index(sid), scenario)
    schools["bus_riders"] = buses["bus_riders"].to_numpy()
    schools["buses"] = buses["buses"].to_numpy()
    first = ["school_id", "name", "open", "role", *[pupils_column(b) for b in BANDS], "pupils", "pupils_before",
             "pupils_moved_in", "capacity", "places_added", "beds", "beds_used", "beds_added", "boarders",
             "bus_riders", "buses"]
    rest = [c for c in schools.columns if c not in first and not c.startswith("teaches_")]
    return schools[first + rest]


def _with_parents(schools: pd.DataFrame, outcome: Outcome, pairs: Pairs, scenario: Scenario) -> pd.DataFrame:
    """Return the school table with :data:`~consolidation.families.point_parents.PARENT_COLUMNS` after ``role``."""
    parents = parent_columns(schools, outcome.values.get("parent", {}), pairs.between, scenario)
    out = schools.drop(columns=[c for c in PARENT_COLUMNS if c in schools.columns])
    at = list(out.columns).index("role") + 1
    for offset, column in enumerate(PARENT_COLUMNS):
        out.insert(at + offset, column, parents[column].to_numpy())
    return out


def cost_terms(assignments: pd.DataFrame, schools: pd.DataFrame, scenario: Scenario) -> dict[str, float]:
    """Return the objective's terms recomputed from the plan's tables (yuan a year), and their ``total``.

    One term for every family that contributes one, in the order of
    :data:`~consolidation.families.COST_TERMS`.
    """
    terms: dict[str, float] = {}
    for family in REGISTRY:
        if family.recompute is not None:
            terms.update(family.recompute(assignments, schools, scenario))
    terms["total"] = sum(terms.values())
    return terms


def public_by_school(assignments: pd.DataFrame, schools: pd.DataFrame, scenario: Scenario) -> pd.Series:
    """Return the public yearly cost of each school (yuan a year, aligned with ``schools``' rows).

    The sum over the families' :attr:`~consolidation.families.base.Family.by_school` of their public terms;
    over all schools it adds up to ``cost_public.total``.
    """
    ids = pd.Index(schools["school_id"], name="school_id")
    total = pd.Series(0.0, index=ids)
    for family in REGISTRY:
        if family.by_school is not None:
            part = family.by_school(assignments, schools, scenario)
            for term in [c for c in part.columns if c in PUBLIC]:
                total = total.add(part[term].reindex(ids).fillna(0.0), fill_value=0.0)
    return total


def _travel_stats(assignments: pd.DataFrame, scenario: Scenario, demand: pd.DataFrame) -> dict[str, Any]:
    out = {}
    for band in BANDS:
        rows = assignments[assignments["band"] == band]
        limit = scenario.rules.band(band).max_minutes
        minutes, pupils = rows["minutes"].to_numpy(float), rows["pupils"].to_numpy(float)
        total = float(demand.loc[demand["band"] == band, "pupils"].sum())
        if total <= 0:
            out[band] = {"pupils": 0.0, "mean": None, "p90": None, "max": None, "limit": limit,
                         "over_limit_share": 0.0, "boarders": 0.0}
            continue
        over = float(pupils[minutes > limit + SOLVER].sum()) if limit is not None else 0.0
        out[band] = {
            "pupils": total,
            "mean": float((minutes * pupils).sum() / pupils.sum()),
            "p90": weighted_percentile(minutes, pupils, 0.9),
            "max": float(minutes.max()),
            "limit": limit,
            "over_limit_share": over / total,
            "boarders": float(pupils[rows["boards"].to_numpy() == 1].sum()),
        }
    return out


def make_plan(outcome: Outcome, pairs: Pairs, inputs: Inputs, scenario: Scenario,
              in_use: pd.DataFrame | None = None) -> Plan:
    """Turn a solved outcome into a :class:`Plan`, verified by :func:`verify` (raises on any violation).

    ``in_use`` (a programme): the places and beds in use beyond the data's at each school, ``places_added`` and
    ``beds_added`` by ``school_id``, as the programme decided them (built for an earlier year, or ahead of
    need to spread the capital); a year's additions are at least those. The checks across years verify them.
    """
    assignments = _assignments(pairs, outcome, scenario)
    schools = _with_parents(_schools(inputs, assignments, outcome, scenario, in_use), outcome, pairs, scenario)
    costs = cost_terms(assignments, schools, scenario)
    schools["cost_public"] = public_by_school(assignments, schools, scenario).to_numpy()
    c = scenario.costs
    places, beds = float(schools["places_added"].sum()), float(schools["beds_added"].sum())
    buses = float(schools["buses"].sum())
    pupil_minutes = float((assignments["pupils"] * assignments["minutes"]).sum())
    capital = {"places": places * c.per_place_added, "beds": beds * c.per_bed_added,
               "buses": buses * scenario.buses.price}
    summary: dict[str, Any] = {
        "scenario": scenario.name,
        "description": scenario.description,
        "status": outcome.status,
        "objective": costs["total"],
        "solver_objective": outcome.objective,
        "gap": outcome.gap,
        "solver": outcome.solver,
        "seconds": outcome.seconds,
        "schools_open": int(schools["open"].sum()),
        "schools_closed": int((schools["open"] == 0).sum()),
        "hubs": int((schools["role"] == "hub").sum()),
        "teaching_points": int((schools["role"] == "teaching_point").sum()),
        "pupils_total": float(pairs.demand["pupils"].sum()),
        "pupils_moved": float(assignments.loc[assignments["moved"] == 1, "pupils"].sum()),
        "boarders": float(assignments.loc[assignments["boards"] == 1, "pupils"].sum()),
        "boarders_g1_3": float(assignments.loc[(assignments["boards"] == 1) & (assignments["band"] == "G1_3"),
                                               "pupils"].sum()),
        "places_added": places,
        "beds_added": beds,
        "travel_minutes": _travel_stats(assignments, scenario, pairs.demand),
        "buses": int(round(buses)),
        "bus_riders": float(schools["bus_riders"].sum()),
        "cost": costs,
        "cost_public": public_parts(costs),
        "cost_families": {"pupil_minutes": pupil_minutes, "yuan": float(sum(v for k, v in costs.items()
                                                                            if k != "total" and k not in PUBLIC))},
        "capital": {**capital, "total": sum(capital.values())},
        "reasons": list(getattr(pairs, "notes", ())),
    }
    plan = Plan(assignments=assignments, schools=schools, summary=summary)
    problems = verify(plan, pairs.demand, inputs, scenario)
    if problems:
        raise VerificationError("The solved plan failed independent verification (please report this):\n- "
                                + "\n- ".join(problems))
    return plan


def verify(plan: Plan, demand: pd.DataFrame, inputs: Inputs, scenario: Scenario) -> list[str]:
    """Check a plan against the rules from its tables alone; return every violation found (empty: valid).

    Each rule family of the registry checks its own rule (:attr:`Family.check`): every origin and band
    fully assigned (once, with single assignment); only open schools that teach the band and are not locked
    closed receive pupils; locks hold; day trips within the band's limit, boarders only where the band may
    board and within the weekly limit; places and beds within what exists plus what is added, and additions
    within ``max_capacity``/``max_beds``; no pupils moved into a school that cannot be a hub; hubs at least
    ``min_hub_pupils``; the open-school count; and the solver's objective equal to the one recomputed from
    the tables. Assignments to schools the data do not have stop the checks at once.
    """
    view = PlanView(assignments=plan.assignments, schools=plan.schools.set_index("school_id"), demand=demand,
                    inputs=inputs, summary=plan.summary)
    unknown = view.assignments.loc[view.school_of_row["name"].isna().to_numpy(), "school_id"]
    if len(unknown):
        return [f"assignments to unknown schools {id_list(unknown.unique())}"]
    problems: list[str] = []
    for family in REGISTRY:
        if family.check is not None:
            problems += family.check(view, scenario)
    return problems
