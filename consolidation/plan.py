"""From the solver's values to a plan: assignments, the school table and headline figures.

The plan is re-verified independently with pandas before anything is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import ALL_BANDS, BANDS, KG, bands_of, pupils_column
from .messages import ids, say
from .errors import VerificationError
from .io import Inputs, classrooms, school_classes
from .families import PUBLIC, REGISTRY, PlanView, public_parts
from .families import family as rule_family
from .families import kindergarten, subject_posts
from .families._grouping import with_group_columns
from .families.buses import fleet
from .families.group_joint import table_from_values
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
             in_use: pd.DataFrame | None = None, candidates: pd.DataFrame | None = None) -> pd.DataFrame:
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
    schools = _campus_columns(schools, campus_links(outcome), candidates, scenario)
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
    first = ["school_id", "name", "open", "role", "parent_id", *[pupils_column(b) for b in BANDS], "pupils",
             "pupils_before",
             "pupils_moved_in", "capacity", "places_added", "beds", "beds_used", "beds_added", "boarders",
             "bus_riders", "buses"]
    if KG in bands_of(inputs.origins):  # the kindergarten band: its children and places, apart from the pupils
        schools = kindergarten.plan_columns(schools, assignments, scenario)
        first = [*first[:4], "kind", pupils_column(KG), *first[4:], *kindergarten.COLUMNS]
    rest = [c for c in schools.columns if c not in first and not c.startswith("teaches_")]
    return schools[first + rest]


def campus_links(outcome: Outcome) -> dict[tuple[str, str], float]:
    """Return the solver's campus links, ``(campus_id, main_id)`` -> value (the ``campus`` block)."""
    return dict(outcome.values.get("campus", {}) or {})


def _campus_columns(schools: pd.DataFrame, campus: dict, candidates: pd.DataFrame | None,
                    scenario: Scenario) -> pd.DataFrame:
    """Return ``schools`` with the campus columns (一校多区): ``parent_id``, ``campus_minutes``, ``posts_shared``.

    An open school linked to an open main school gets ``role = campus``; ``parent_id`` is empty elsewhere
    (unless another rule set it). ``campus_minutes``: teachers' one-way minutes from the main school;
    ``posts_shared``: the posts it does not need (``[campuses] shared_posts``).
    """
    if "parent_id" not in schools.columns:
        schools["parent_id"] = ""
    schools["parent_id"] = schools["parent_id"].fillna("").astype(str)
    schools["campus_minutes"] = np.nan
    schools["posts_shared"] = 0.0
    minutes = ({} if candidates is None or not len(candidates) else
               candidates.set_index(["campus_id", "main_id"])["minutes"].to_dict())
    is_open = dict(zip(schools["school_id"], schools["open"]))
    at = {sid: i for i, sid in enumerate(schools["school_id"])}
    for (c, h), value in campus.items():
        if value > 0.5 and is_open.get(c) == 1 and is_open.get(h) == 1:
            i = schools.index[at[c]]
            schools.loc[i, ["role", "parent_id"]] = ["campus", h]
            schools.loc[i, "campus_minutes"] = minutes.get((c, h), np.nan)
            schools.loc[i, "posts_shared"] = float(scenario.campuses.shared_posts)
    if not (schools["role"] == "campus").any():
        return schools.drop(columns=["campus_minutes", "posts_shared"])
    return schools


def _grouped(schools: pd.DataFrame, groups: pd.DataFrame | None, scenario: Scenario) -> pd.DataFrame:
    """Return the school table with its education groups (``group_id``, ``group_role``, ``group_minutes``) when
    ``groups`` is a groups table, and its subject posts (``subject_posts``, ``subject_posts_alone``) when counted.
    """  # noqa: D205 - one sentence
    if groups is not None:
        schools = with_group_columns(schools, groups)
    if subject_posts.active(scenario):
        counted = subject_posts.count(schools, scenario)
        for column in subject_posts.COLUMNS:
            schools[column] = schools["school_id"].astype(str).map(counted[column]).to_numpy()
    return schools


def subject_summary(schools: pd.DataFrame, scenario: Scenario) -> dict[str, Any]:
    """Return ``{"subject_posts": {...}}`` when subject posts are counted, else ``{}``.

    ``alone``: the posts every open school staffed on its own would need; ``posts``: those the plan holds (shared
    within education groups by travelling teachers); ``saved``: the difference; ``yuan_saved``: its pay a year.
    """
    if not subject_posts.active(scenario) or "subject_posts" not in schools.columns:
        return {}
    alone, held = float(schools["subject_posts_alone"].sum()), float(schools["subject_posts"].sum())
    return {"subject_posts": {"subjects": [s.name for s in scenario.travelling_teachers.subjects], "alone": alone,
                              "posts": held, "saved": alone - held,
                              "yuan_saved": (alone - held) * scenario.costs.teacher_salary}}


def regroup(plan: Plan, groups: pd.DataFrame, scenario: Scenario) -> Plan:
    """Return ``plan`` with education groups formed after it, its budget restated with them.

    The school table gets the groups' columns and the subject posts the groups share; the cost terms, the public
    cost (by category and by school) and ``objective`` are recomputed from the tables (``solver_objective`` stays
    the plan model's, whose schools were staffed alone). Nothing else changes: the groups do not move a pupil.
    """
    schools = _grouped(plan.schools, groups, scenario)
    costs = cost_terms(plan.assignments, schools, scenario)
    schools = schools[[c for c in schools.columns if c != "cost_public"]].copy()  # cost_public stays last
    schools["cost_public"] = public_by_school(plan.assignments, schools, scenario).to_numpy()
    summary = {**plan.summary, "objective": costs["total"], "cost": costs, "cost_public": public_parts(costs),
               **subject_summary(schools, scenario)}
    summary["cost_families"] = {**summary["cost_families"], "yuan": float(sum(
        v for k, v in costs.items() if k != "total" and k not in PUBLIC))}
    regrouped = Plan(assignments=plan.assignments, schools=schools, summary=summary)
    view = PlanView(assignments=plan.assignments, schools=schools.set_index("school_id"), demand=pd.DataFrame(),
                    inputs=None, summary=summary)  # type: ignore[arg-type]  # the group checks read the schools only
    problems = [p for name in ("group_joint", "subject_posts") for p in rule_family(name).check(view, scenario)]
    if problems:
        raise VerificationError("The plan with its education groups failed independent verification (please "
                                "report this):\n- " + "\n- ".join(problems))
    return regrouped


def _with_parents(schools: pd.DataFrame, outcome: Outcome, pairs: Pairs, scenario: Scenario) -> pd.DataFrame:
    """Return the school table with :data:`~consolidation.families.point_parents.PARENT_COLUMNS` after ``role``."""
    parents = parent_columns(schools, outcome.values.get("parent", {}), pairs.between, scenario)
    if "parent_id" in schools.columns:  # a campus's main school (一校多区) stays its parent
        given = schools["parent_id"].fillna("").astype(str).to_numpy()
        parents["parent_id"] = np.where(parents["parent_id"].astype(str) == "", given, parents["parent_id"])
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
    for band in ALL_BANDS if (demand["band"] == KG).any() else BANDS:
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
    schools = _with_parents(_schools(inputs, assignments, outcome, scenario, in_use, getattr(pairs, "campuses", None)),
                            outcome, pairs, scenario)
    schools = _grouped(schools, table_from_values(outcome.values, pairs.between, schools["school_id"].tolist()),
                       scenario)
    costs = cost_terms(assignments, schools, scenario)
    schools["cost_public"] = public_by_school(assignments, schools, scenario).to_numpy()
    c = scenario.costs
    places, beds = float(schools["places_added"].sum()), float(schools["beds_added"].sum())
    buses = float(schools["buses"].sum())
    pupil_minutes = float((assignments["pupils"] * assignments["minutes"]).sum())
    capital = {"places": places * c.per_place_added, "beds": beds * c.per_bed_added,
               "buses": buses * scenario.buses.price}
    if "kg_places_added" in schools.columns:  # kindergarten places, when the run has the KG band
        capital["kg_places"] = float(schools["kg_places_added"].sum()) * scenario.kg.place_price(c)
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
        "hubs": int(((schools["role"] == "hub") | ((schools["role"] == "campus")
                                                   & (schools["pupils_moved_in"] > SOLVER))).sum()),
        "teaching_points": int((schools["role"] == "teaching_point").sum()),
        "campuses": int((schools["role"] == "campus").sum()),
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
        **subject_summary(schools, scenario),
    }
    if "kg_places_added" in schools.columns:
        summary["kindergarten"] = {key: float(schools[column].sum()) for key, column in (
            ("children", pupils_column(KG)), ("places_added", "kg_places_added"), ("classes", "kg_classes"),
            ("teachers", "kg_teacher_posts"), ("carers", "kg_carer_posts"))}
        summary["kindergarten"]["kindergartens_open"] = int(((schools["kind"] == "kindergarten")
                                                             & (schools["open"] == 1)).sum())
        summary["kindergarten"].update(class_size=scenario.kg.class_size,
                                       teachers_per_class=scenario.kg.teachers_per_class,
                                       carers_per_class=scenario.kg.carers_per_class)
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
        return [say("check.unknown_school", ids=ids(unknown.unique()))]
    problems: list[str] = []
    for family in REGISTRY:
        if family.check is not None:
            problems += family.check(view, scenario)
    return problems
