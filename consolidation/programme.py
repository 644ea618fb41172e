"""A programme over several years: each year's plan, verified, and the figures that run across years.

The programme's model is :func:`consolidation.model.build_programme` (one block of every rule family per
planned year, linked by the families' rules across years); this module turns the solved years into verified
plans (:func:`consolidation.plan.make_plan`, year by year, each carrying what earlier years built), checks
the rules across years from the plans' tables alone (:attr:`Family.check_years`) and the discounted
objective, and makes the year table (``years.csv``). It never imports the solver.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import BANDS, pupils_column
from .errors import VerificationError
from .families import REGISTRY, ProgrammeView
from .families.open_count import closures
from .io import Inputs
from .messages import say
from .plan import Plan, make_plan
from .scenario import Scenario
from .tolerances import SOLVER
from .travel import Pairs

if TYPE_CHECKING:
    from .solve import Outcome

YEAR_COLUMNS = ["year", "weight", "schools_open", "closures", "closed_schools", "hubs", "teaching_points",
                *[pupils_column(b) for b in BANDS], "pupils", "pupils_moved", "boarders", "places_added",
                "beds_added", "places_built", "beds_built", "buses", "buses_bought", "teachers_today",
                "teachers_needed", "cost_public", "pupil_minutes", "capital"]
"""The columns of ``years.csv``, one row per planned year. ``places_added``/``beds_added`` are what is in use
that year beyond the data's places and beds; ``places_built``/``beds_built`` what was built for use from that
year (paid ``lead_years`` earlier); ``capital`` the one-off yuan paid in that calendar year; ``weight`` the
year's weight in the objective (discount factors of the years it stands for)."""


@dataclass(frozen=True)
class Programme:
    """A verified programme.

    Attributes
    ----------
    years
        The planned years, in order.
    plans
        Each year's verified plan (staffing included), in the order of :attr:`years`.
    table
        One row per planned year (:data:`YEAR_COLUMNS`).
    capital
        One-off yuan by the calendar year it is paid: ``year``, ``places``, ``beds``, ``buses``, ``total``.
    summary
        The programme's headline figures (``summary.json``'s ``programme``).
    """

    years: tuple[int, ...]
    plans: tuple[Plan, ...]
    table: pd.DataFrame
    capital: pd.DataFrame
    summary: dict[str, Any]

    @property
    def last(self) -> Plan:
        """The plan of the last planned year."""
        return self.plans[-1]


def _built(before: pd.Series | None, now: pd.Series, open_now: pd.Series) -> pd.Series:
    """Return what was built for use from this year: the stock now beyond what the school kept from last year."""
    if before is None:
        return now.clip(lower=0)
    kept = before.reindex(now.index).fillna(0.0).where(open_now == 1, 0.0)
    return (now - kept).clip(lower=0).where(lambda x: x > SOLVER, 0.0)


def built_by_year(years: tuple[int, ...], plans: tuple[Plan, ...]) -> dict[int, dict[str, pd.Series]]:
    """Return, per planned year and school, the places and beds built for use from that year and buses bought.

    ``buses`` is the county's fleet growth (one value, under ``"county"``): buses move between schools.
    """
    out: dict[int, dict[str, pd.Series]] = {}
    previous: Plan | None = None
    for year, plan in zip(years, plans):
        s = plan.schools.set_index("school_id")
        prev = None if previous is None else previous.schools.set_index("school_id")
        out[year] = {column: _built(None if prev is None else prev[column], s[column], s["open"])
                     for column in ("places_added", "beds_added")}
        fleet_before = 0.0 if prev is None else float(prev["buses"].sum())
        out[year]["buses"] = pd.Series({"county": max(0.0, float(s["buses"].sum()) - fleet_before)})
        previous = plan
    return out


def capital_by_year(years: tuple[int, ...], plans: tuple[Plan, ...], scenario: Scenario,
                    built: dict[int, dict[str, pd.Series]] | None = None) -> pd.DataFrame:
    """Return one-off yuan by the calendar year paid: places and beds ``lead_years`` before use, buses when bought.

    ``built``: :func:`built_by_year` of the plans, when the caller has it already.
    """
    lead, c = scenario.years.lead_years, scenario.costs
    rows: dict[int, dict[str, float]] = {}
    for year, new in (built if built is not None else built_by_year(years, plans)).items():
        paid = rows.setdefault(year - lead, {"places": 0.0, "beds": 0.0, "buses": 0.0})
        paid["places"] += float(new["places_added"].sum()) * c.per_place_added
        paid["beds"] += float(new["beds_added"].sum()) * c.per_bed_added
        rows.setdefault(year, {"places": 0.0, "beds": 0.0, "buses": 0.0})["buses"] += (
            float(new["buses"].sum()) * scenario.buses.price)
    # nothing is usable in the first lead_years (checked across years), so nothing is paid before the first year
    table = pd.DataFrame([{"year": y, **v} for y, v in sorted(rows.items()) if y >= years[0]],
                         columns=["year", "places", "beds", "buses"])
    table["total"] = table[["places", "beds", "buses"]].sum(axis=1)
    return table


def _year_row(year: int, weight: float, plan: Plan, closed: list[str], built: dict[str, pd.Series],
              paid: float) -> dict[str, Any]:
    s, a = plan.schools, plan.assignments
    summary = plan.summary
    row = {"year": year, "weight": weight, "schools_open": int(s["open"].sum()), "closures": len(closed),
           "closed_schools": ";".join(closed), "hubs": summary["hubs"], "teaching_points": summary["teaching_points"]}
    for band in BANDS:
        row[pupils_column(band)] = float(a.loc[a["band"] == band, "pupils"].sum())
    row.update({
        "pupils": float(a["pupils"].sum()), "pupils_moved": summary["pupils_moved"], "boarders": summary["boarders"],
        "places_added": summary["places_added"], "beds_added": summary["beds_added"],
        "places_built": float(built["places_added"].sum()), "beds_built": float(built["beds_added"].sum()),
        "buses": summary["buses"], "buses_bought": float(built["buses"].sum()),
        "teachers_today": summary.get("teachers_available"), "teachers_needed": summary.get("teachers_needed"),
        "cost_public": summary["cost_public"]["total"], "pupil_minutes": summary["cost_families"]["pupil_minutes"],
        "capital": paid,
    })
    return row


def _in_use(result: Outcome) -> pd.DataFrame:
    """Return the places and beds a year's solution keeps in use beyond the data's, by ``school_id``.

    They are decisions (a programme may build ahead of need to spread its capital), read like ``open``; the
    plan is at least what its pupils need, and the checks across years verify how they change.
    """
    values = result.values
    frame = pd.DataFrame({"places_added": pd.Series(values.get("places", {}), dtype=float),
                          "beds_added": pd.Series(values.get("beds", {}), dtype=float)}).fillna(0.0)
    return frame.where(frame > SOLVER, 0.0)


def make_programme(outcome: Outcome, outcomes: tuple[Outcome, ...], pairs: dict[int, Pairs],
                   inputs: dict[int, Inputs], scenario: Scenario, weights: tuple[float, ...],
                   staff: Any = None) -> Programme:
    """Turn a solved programme into verified year plans and the programme's figures.

    Every year's plan is verified against every rule (:func:`consolidation.plan.verify`); then every rule
    across years (:attr:`Family.check_years`) and the discounted objective are checked from the plans'
    tables. ``staff(plan, inputs)``, if given, returns the plan with its staffing (the pipeline's teacher
    stage). Raises VerificationError listing every violation.
    """
    years = tuple(pairs)
    plans: list[Plan] = []
    for year, result in zip(years, outcomes):
        plan = make_plan(result, pairs[year], inputs[year], scenario, _in_use(result))
        if staff is not None:
            plan = staff(plan, inputs[year])
        plan.summary["year"] = year
        plans.append(plan)
    built = built_by_year(years, tuple(plans))
    capital = capital_by_year(years, tuple(plans), scenario, built)
    view = ProgrammeView(years=years, plans=tuple(plans), capital=capital)
    problems = [p for family in REGISTRY if family.check_years is not None for p in family.check_years(view, scenario)]
    recomputed = float(sum(w * p.summary["objective"] for w, p in zip(weights, plans)))
    if outcome.objective is not None and recomputed > outcome.objective + SOLVER * max(1.0, abs(outcome.objective)):
        problems.append(say("check.programme_objective", recomputed=recomputed, reported=outcome.objective))
    if problems:
        raise VerificationError("The solved programme failed independent verification (please report this):\n- "
                                + "\n- ".join(problems))
    closed = closures(view)
    paid = capital.set_index("year").reindex(list(years), fill_value=0.0)
    for year, plan in zip(years, plans):  # a year's capital: what is paid that year (its plan counts the stock)
        plan.summary["capital"] = {k: float(paid.at[year, k]) for k in ("places", "beds", "buses", "total")}
    table = pd.DataFrame([_year_row(y, w, p, closed[y], built[y], float(paid.at[y, "total"]))
                          for y, w, p in zip(years, weights, plans)], columns=YEAR_COLUMNS)
    summary = _summary(outcome, years, plans, table, capital, recomputed, scenario)
    return Programme(years=years, plans=tuple(plans), table=table, capital=capital, summary=summary)


def _summary(outcome: Outcome, years: tuple[int, ...], plans: list[Plan], table: pd.DataFrame,
             capital: pd.DataFrame, recomputed: float, scenario: Scenario) -> dict[str, Any]:
    weights = table["weight"].to_numpy(float)
    return {
        "first": years[0], "last": years[-1], "step": scenario.years.step, "years": list(years),
        "status": outcome.status, "objective": recomputed, "solver_objective": outcome.objective,
        "gap": outcome.gap, "solver": outcome.solver, "seconds": outcome.seconds,
        "discount_rate": scenario.costs.discount_rate, "lead_years": scenario.years.lead_years,
        "cost_public_discounted": float((weights * table["cost_public"].to_numpy(float)).sum()),
        "capital_total": float(capital["total"].sum()),
        "closures": {int(y): [s for s in str(c).split(";") if s]
                     for y, c in zip(table["year"], table["closed_schools"])},
        "schools_open_first": int(table["schools_open"].iat[0]),
        "schools_open_last": int(table["schools_open"].iat[-1]),
        "pupils_first": float(table["pupils"].iat[0]), "pupils_last": float(table["pupils"].iat[-1]),
    }


def inputs_by_year(inputs: Inputs, scenario: Scenario) -> dict[int, Inputs]:
    """Return each planned year's data: the projected (or tabled) enrolment, teachers after attrition."""
    from .projection import enrolment_by_year, teachers_in_year

    origins = enrolment_by_year(inputs, scenario)
    return {year: dataclasses.replace(inputs, origins=origins[year],
                                      schools=teachers_in_year(inputs.schools, scenario, year))
            for year in scenario.years.planned}


def tidy_by_year(frames: list[pd.DataFrame], years: tuple[int, ...]) -> pd.DataFrame:
    """Stack one table per year with a ``year`` column first (assignments.csv and schools.csv of a programme)."""
    parts = [f.assign(year=y)[["year", *f.columns]] for f, y in zip(frames, years)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


__all__ = ["Programme", "YEAR_COLUMNS", "make_programme", "capital_by_year", "built_by_year", "inputs_by_year",
           "tidy_by_year"]
