"""From the solver's values to a plan: assignments, the school table and headline figures,
re-verified independently with pandas before anything is reported."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import BANDS, pupils_column
from .errors import VerificationError, id_list
from .io import Inputs, classrooms, school_classes
from .scenario import Scenario
from .travel import Pairs

if TYPE_CHECKING:  # the plan stage reads an outcome's values; it never needs the solver itself
    from .solve import Outcome

TOL = 1e-6
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
        One row per school: the input columns plus ``open``, ``role`` (hub/kept/teaching_point/closed), pupils per band
        after the plan, ``pupils``, ``pupils_before``, ``places_added``, ``beds_used``, ``beds_added``,
        ``boarders``.
    summary
        Headline figures (the ``summary.json`` contract).
    """

    assignments: pd.DataFrame
    schools: pd.DataFrame
    summary: dict[str, Any]


def _slack(limit):
    """Tolerance for comparing pupil loads with a limit: solvers' float noise grows with the numbers."""
    return TOL * np.maximum(1.0, np.abs(limit))


def _excess(load: pd.Series, limit: pd.Series) -> pd.Series:
    """``load - limit`` where clearly positive, else 0 (places or beds that must be added)."""
    excess = load - limit
    return excess.where(excess > _slack(limit), 0.0)


def weighted_percentile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The smallest value with at least share ``q`` of the weight at or below it (pupil-weighted)."""
    if len(values) == 0 or weights.sum() <= 0:
        return float("nan")
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, q * cumulative[-1] - TOL)])


def _assignments(pairs: Pairs, outcome: Outcome, scenario: Scenario) -> pd.DataFrame:
    table = pairs.table
    share = outcome.assign
    if scenario.schools.assignment == "single":
        share = np.where(share > 0.5, 1.0, 0.0)
    keep = share > TOL
    out = table.loc[keep, ["origin_id", "band", "school_id", "minutes", "km", "boards"]].copy()
    out.insert(2, "pupils", table.loc[keep, "pupils"].to_numpy() * share[keep])
    current = pairs.demand.set_index(["origin_id", "band"])["current_school_id"]
    out["current_school_id"] = current.reindex(pd.MultiIndex.from_frame(out[["origin_id", "band"]])).to_numpy()
    out["moved"] = (out["school_id"] != out["current_school_id"]).astype(int)
    out["boards"] = out["boards"].astype(int)
    return out[ASSIGNMENT_COLUMNS].reset_index(drop=True)


def _teaches_only(schools: pd.DataFrame, bands: list[str]) -> pd.Series:
    """Schools whose ``bands`` are all among ``bands`` (teaching points by what they teach)."""
    return schools["bands"].astype(str).str.split(",").map(lambda bs: set(bs) <= set(bands)).astype(bool)


def _schools(inputs: Inputs, assignments: pd.DataFrame, outcome: Outcome, scenario: Scenario) -> pd.DataFrame:
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
    schools["role"] = np.where(schools["open"] == 0, "closed", np.where(moved_in > TOL, "hub", "kept"))
    point = _teaches_only(schools, scenario.teaching_points.bands) | sid.map(
        lambda s: outcome.full.get(s, 1.0) < 0.5).astype(bool)
    schools.loc[(schools["open"] == 1) & point, "role"] = "teaching_point"
    schools["places_added"] = _excess(schools["pupils"], schools["capacity"]).where(schools["open"] == 1, 0.0)
    if scenario.schools.capacity_by == "classes":  # whole classes in whole classrooms
        size = scenario.teachers.class_size_primary
        schools["classes"] = school_classes(schools, scenario.teachers)
        schools["classrooms"] = classrooms(schools.set_index("school_id"), scenario).to_numpy()
        rooms = np.maximum(np.ceil(schools["places_added"] / size - 1e-9),
                           (schools["classes"] - schools["classrooms"]).clip(lower=0))
        schools["classrooms_added"] = rooms.where(schools["open"] == 1, 0.0)
        schools["places_added"] = schools["classrooms_added"] * size
    boarders = sid.map(assignments[assignments["boards"] == 1].groupby("school_id")["pupils"].sum()).fillna(0.0)
    schools["boarders"] = boarders
    schools["beds_used"] = boarders
    schools["beds_added"] = _excess(boarders, schools["beds"]).where(schools["open"] == 1, 0.0)
    first = ["school_id", "name", "open", "role", *[pupils_column(b) for b in BANDS], "pupils", "pupils_before",
             "pupils_moved_in", "capacity", "places_added", "beds", "beds_used", "beds_added", "boarders"]
    rest = [c for c in schools.columns if c not in first and not c.startswith("teaches_")]
    return schools[first + rest]


def cost_terms(assignments: pd.DataFrame, schools: pd.DataFrame, scenario: Scenario) -> dict[str, float]:
    """The objective's terms recomputed from the plan's tables (yuan a year)."""
    c = scenario.costs
    open_ = schools["open"] == 1
    # A school turned into a teaching point (it teaches other bands too) costs the teaching-point cost.
    turned = (schools["role"] == "teaching_point") & ~_teaches_only(schools, scenario.teaching_points.bands)
    annual = schools["annual_cost"].where(~turned, scenario.teaching_points.annual_cost)
    terms = {
        "schools_annual": float(annual[open_].sum()),
        "travel": float(c.per_pupil_minute * (assignments["pupils"] * assignments["minutes"]).sum()),
        "places_added": float(c.per_place_added * schools["places_added"].sum() / c.capital_years),
        "beds_added": float(c.per_bed_added * schools["beds_added"].sum() / c.capital_years),
        "boarders": float(c.per_boarder * assignments.loc[assignments["boards"] == 1, "pupils"].sum()),
    }
    terms["total"] = sum(terms.values())
    return terms


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
        over = float(pupils[minutes > limit + TOL].sum()) if limit is not None else 0.0
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


def make_plan(outcome: Outcome, pairs: Pairs, inputs: Inputs, scenario: Scenario) -> Plan:
    """Turn a solved outcome into a :class:`Plan`, verified by :func:`verify` (raises on any violation)."""
    assignments = _assignments(pairs, outcome, scenario)
    schools = _schools(inputs, assignments, outcome, scenario)
    costs = cost_terms(assignments, schools, scenario)
    c = scenario.costs
    places, beds = float(schools["places_added"].sum()), float(schools["beds_added"].sum())
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
        "cost": costs,
        "capital": {"places": places * c.per_place_added, "beds": beds * c.per_bed_added,
                    "total": places * c.per_place_added + beds * c.per_bed_added},
        "reasons": [],
    }
    plan = Plan(assignments=assignments, schools=schools, summary=summary)
    problems = verify(plan, pairs.demand, inputs, scenario)
    if problems:
        raise VerificationError("The solved plan failed independent verification (please report this):\n- "
                                + "\n- ".join(problems))
    return plan


def verify(plan: Plan, demand: pd.DataFrame, inputs: Inputs, scenario: Scenario) -> list[str]:
    """Check a plan against the rules from its tables alone; return every violation found (empty: valid).

    Checks: every origin and band fully assigned (once, with single assignment); only open schools that
    teach the band and are not locked closed receive pupils; locks hold; day trips within the band's
    limit, boarders only where the band may board and within the weekly limit; places and beds within
    what exists plus what is added, and additions within ``max_capacity``/``max_beds``; no pupils moved
    into a school that cannot be a hub; hubs at least ``min_hub_pupils``; the open-school count; and the
    solver's objective equal to the one recomputed from the tables.
    """
    a, s = plan.assignments, plan.schools.set_index("school_id")
    problems: list[str] = []
    key = ["origin_id", "band"]
    got = a.groupby(key)["pupils"].sum()
    want = demand.set_index(key)["pupils"]
    diff = (got.reindex(want.index).fillna(0.0) - want).abs()
    bad = diff[diff > TOL * np.maximum(1.0, want)]
    if len(bad):
        problems.append(f"pupils not fully assigned for {id_list([f'{o}/{b}' for o, b in bad.index])}")
    extra = got.index.difference(want.index)
    if len(extra):
        problems.append(f"assignments for origins without pupils: {id_list([f'{o}/{b}' for o, b in extra])}")
    if scenario.schools.assignment == "single":
        many = a.groupby(key).size()
        many = many[many > 1]
        if len(many):
            problems.append(f"single assignment broken for {id_list([f'{o}/{b}' for o, b in many.index])}")

    school = s.reindex(a["school_id"])
    unknown = a.loc[school["name"].isna().to_numpy(), "school_id"]
    if len(unknown):
        return problems + [f"assignments to unknown schools {id_list(unknown.unique())}"]
    closed = a.loc[(school["open"] == 0).to_numpy(), "school_id"].unique()
    if len(closed):
        problems.append(f"pupils assigned to closed schools {id_list(closed)}")
    for band in BANDS:
        rows = a["band"] == band
        wrong = a.loc[rows & ~school["bands"].str.split(",").map(lambda bs, b=band: b in bs).to_numpy(), "school_id"]
        if len(wrong):
            problems.append(f"{band} pupils assigned to schools that do not teach {band}: {id_list(wrong.unique())}")
        rule = scenario.rules.band(band)
        day = rows & (a["boards"] == 0)
        if rule.max_minutes is not None:
            over = a[day & (a["minutes"] > rule.max_minutes + TOL)]
            if len(over):
                problems.append(f"{band} day trips over {rule.max_minutes:g} min: {id_list(over['origin_id'])}")
        boards = rows & (a["boards"] == 1)
        if boards.any() and not rule.boarding:
            problems.append(f"{band} pupils board though {band} may not board: {id_list(a.loc[boards, 'origin_id'])}")
        weekly = scenario.boarding.max_weekly_minutes
        if weekly is not None:
            over = a[boards & (a["minutes"] > weekly + TOL)]
            if len(over):
                problems.append(f"{band} boarders' weekly trips over {weekly:g} min: {id_list(over['origin_id'])}")

    locked = s[((s["lock"] == "open") & (s["open"] == 0)) | ((s["lock"] == "closed") & (s["open"] == 1))]
    if len(locked):
        problems.append(f"locks not held at {id_list(locked.index)}")
    load = a.groupby("school_id")["pupils"].sum().reindex(s.index).fillna(0.0)
    over = s.index[load > s["capacity"] + s["places_added"] + _slack(s["capacity"])]
    if len(over):
        problems.append(f"more pupils than places at {id_list(over)}")
    grown = s.index[s["capacity"] + s["places_added"] > s["max_capacity"] + _slack(s["max_capacity"])]
    if len(grown):
        problems.append(f"places added beyond max_capacity at {id_list(grown)}")
    boarders = a[a["boards"] == 1].groupby("school_id")["pupils"].sum().reindex(s.index).fillna(0.0)
    over = s.index[boarders > s["beds"] + s["beds_added"] + _slack(s["beds"])]
    if len(over):
        problems.append(f"more boarders than beds at {id_list(over)}")
    grown = s.index[s["beds"] + s["beds_added"] > s["max_beds"] + _slack(s["max_beds"])]
    if len(grown):
        problems.append(f"beds added beyond max_beds at {id_list(grown)}")
    no_hub = s.index[(s["pupils_moved_in"] > TOL) & ~s["can_be_hub"].astype(bool)]
    if len(no_hub):
        problems.append(f"pupils moved into schools that cannot be hubs: {id_list(no_hub)}")
    minimum = scenario.schools.min_hub_pupils
    small = s.index[(s["role"] == "hub") & (load < minimum - TOL)]
    if len(small):
        problems.append(f"hubs below min_hub_pupils = {minimum:g}: {id_list(small)}")
    if scenario.schools.capacity_by == "classes":
        size = scenario.teachers.class_size_primary
        classes = school_classes(s, scenario.teachers)
        rooms = classrooms(s, scenario) * s["open"] + s["places_added"] / size
        crowded = s.index[classes > rooms + TOL]
        if len(crowded):
            problems.append(f"more classes than classrooms at {id_list(crowded)}")
    rule = scenario.teaching_points
    point = s["role"] == "teaching_point"
    turned = point & ~_teaches_only(s, rule.bands)
    if turned.any() and not rule.allowed:
        problems.append(f"teaching points though [teaching_points] allowed = false: {id_list(s.index[turned])}")
    others = [b for b in BANDS if b not in rule.bands]
    if others:
        older = s[[pupils_column(b) for b in others]].sum(axis=1)
        wrong = s.index[point & (older > TOL)]
        if len(wrong):
            problems.append(f"teaching points with pupils of {', '.join(others)}: {id_list(wrong)}")
    few = s.index[turned & (load < rule.min_pupils - TOL)]
    if len(few):
        problems.append(f"teaching points below min_pupils = {rule.min_pupils:g}: {id_list(few)}")
    if rule.max_pupils is not None:
        many = s.index[turned & (load > rule.max_pupils + _slack(rule.max_pupils))]
        if len(many):
            problems.append(f"teaching points above max_pupils = {rule.max_pupils:g}: {id_list(many)}")
    n_open = int(s["open"].sum())
    if scenario.schools.max_open is not None and n_open > scenario.schools.max_open:
        problems.append(f"{n_open} schools open, max_open = {scenario.schools.max_open}")
    if scenario.schools.open_exactly is not None and n_open != scenario.schools.open_exactly:
        problems.append(f"{n_open} schools open, open_exactly = {scenario.schools.open_exactly}")

    solver_objective = plan.summary.get("solver_objective")
    recomputed = plan.summary["cost"]["total"]
    if solver_objective is not None and recomputed > solver_objective + 1e-6 * max(1.0, abs(solver_objective)):
        problems.append(f"the plan costs {recomputed:,.2f} recomputed from its tables but the solver reported "
                        f"{solver_objective:,.2f}")
    return problems
