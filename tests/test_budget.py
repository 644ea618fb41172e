"""The public budget: teachers, buses, boarding and meals in the model, budget caps, and the output contract.

Tiny instances whose figures can be checked by hand, a property over random small instances (every public
part recomputed from the tables adds up, school by school too) and the embedded example county end to end.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from consolidation.families import PUBLIC_CATEGORIES
from consolidation.pipeline import run_scenario
from consolidation.report.tables import read_csv
from consolidation.scenario import load_scenario

from conftest import REPO
from test_properties import RICH, _settings, instances, write

X0, Y0 = 500_000.0, 4_000_000.0  # metres in EPSG:4547; with detour 1 at 60 km/h a kilometre is a minute
METRIC = {"inputs": {"crs": "EPSG:4547"}, "travel": {"detour": 1.0, "bus_kmh": 60.0}}


def run(path, *overrides: str, out=None):
    return run_scenario(load_scenario(path, list(overrides)), out=out)


# --- buses ---------------------------------------------------------------------------------------------------


def bus_county(instance, **scenario):
    """Hub H; V1 sends 25 pupils of G4_6 20 minutes (10 km at 30 km/h), V2 5 pupils 2 minutes (1 km, they walk)."""
    return instance(schools=[{"school_id": "H", "capacity": 100, "annual_cost": 0}],
                    villages=[{"village_id": "V1", "pupils_g4_6": 25, "school_id": "H"},
                              {"village_id": "V2", "pupils_g4_6": 5, "school_id": "H"}],
                    travel=[("V1", "H", 20), ("V2", "H", 2)],
                    scenario={"buses": {"seats": 10, "runs": 1, "price": 1000, "life_years": 10, "annual": 100,
                                        "per_km": 1, "walk_km": 2}, **scenario})


def test_riders_need_whole_buses_paid_to_run_and_to_buy(instance):
    s = run(bus_county(instance)).summary
    # 25 riders, 10 seats a bus: 3 buses; running 3 x 100, plus 1 yuan a bus-km: 25 pupils x 10 km x 4 a day
    # x 190 days / 10 seats = 19,000; bought 3 x 1,000 over 10 years = 300 a year
    assert (s["buses"], s["bus_riders"]) == (3, 25)
    assert s["cost_public"]["buses"] == pytest.approx(300 + 19_000)
    assert s["cost_public"]["capital_annual"] == pytest.approx(300)
    assert s["capital"] == {"places": 0, "beds": 0, "buses": 3000, "total": 3000}
    # families' time apart: 25 x 20 + 5 x 2 = 510 pupil-minutes, valued at 100 yuan each
    assert s["cost_families"] == {"pupil_minutes": pytest.approx(510), "yuan": pytest.approx(51_000)}
    assert s["objective"] == pytest.approx(s["cost_public"]["total"] + 51_000) == pytest.approx(70_600)


def test_a_capital_cap_of_zero_names_the_cap_and_the_shortfall(instance):
    result = run(bus_county(instance), "budget.capital=0")
    assert result.status == "infeasible"
    assert any("[budget] capital = 0" in r and "3,000" in r for r in result.summary["reasons"]), \
        result.summary["reasons"]


def test_an_annual_cap_below_the_cheapest_plan_names_the_cap(instance):
    result = run(bus_county(instance), "budget.annual=10000")
    assert result.status == "infeasible"
    assert any("[budget] annual = 10,000" in r and "19,600" in r for r in result.summary["reasons"]), \
        result.summary["reasons"]


def test_a_capital_cap_of_zero_builds_nothing_where_a_plan_can(instance):
    # V1 (10 pupils) is 5 minutes from A, which is full, and 25 from B, which has room: without a cap A adds
    # 10 places (10 x 10 yuan, one year); with a cap of 0 the plan adds nothing and V1 travels to B
    path = instance(schools=[{"school_id": "A", "capacity": 0, "max_capacity": 50, "annual_cost": 0},
                             {"school_id": "B", "capacity": 50, "annual_cost": 0}],
                    villages=[{"village_id": "V1", "pupils_g1_3": 10, "school_id": "A"}],
                    travel=[("V1", "A", 5), ("V1", "B", 25)],
                    scenario={"costs": {"per_place_added": 10, "capital_years": 1, "per_pupil_minute": 1}})
    free = run(path).summary
    assert free["places_added"] == 10 and free["capital"]["total"] == 100
    capped = run(path, "budget.capital=0").summary
    assert capped["status"] == "optimal"
    assert (capped["places_added"], capped["beds_added"], capped["buses"], capped["capital"]["total"]) == (0, 0, 0, 0)


# --- teachers ----------------------------------------------------------------------------------------------------


def two_schools(instance, *, apart_km: float, **scenario):
    """A (20 pupils, 1 teacher) and B (10 pupils, 5 teachers), ``apart_km`` apart; each keeps its own pupils."""
    return instance(schools=[{"school_id": "A", "x": X0, "y": Y0, "pupils_g1_3": 20, "capacity": 40,
                              "annual_cost": 0, "teachers": 1},
                             {"school_id": "B", "x": X0 + 1000 * apart_km, "y": Y0, "pupils_g1_3": 10,
                              "capacity": 40, "annual_cost": 0, "teachers": 5}],
                    scenario={**METRIC, "costs": {"teacher_salary": 90_000, "life_teacher_salary": 50_000},
                              **scenario})


def test_every_teacher_stays_paid_and_a_school_beyond_reach_recruits(instance):
    # B is 100 minutes away (beyond 60): A needs ceil(max(20 / 19, 1.7 x 1 class)) = 2 posts, has 1, recruits 1;
    # B needs 2, keeps 3 surplus. Payroll: 90,000 x (6 teachers + 1 recruit)
    s = run(two_schools(instance, apart_km=100)).summary
    assert s["cost_public"]["teachers"] == pytest.approx(630_000)
    assert (s["teachers_needed"], s["teachers_available"], s["teachers_recruited"], s["teachers_surplus"],
            s["teachers_redeployed"]) == (4, 6, 1, 3, 0)


def test_a_surplus_teacher_within_reach_is_redeployed_instead(instance):
    s = run(two_schools(instance, apart_km=10)).summary  # 10 minutes apart
    assert s["cost_public"]["teachers"] == pytest.approx(540_000)
    assert (s["teachers_recruited"], s["teachers_redeployed"], s["teachers_surplus"]) == (0, 1, 2)


def test_paying_teachers_changes_the_plan(instance):
    # V1 (10 pupils of G4_6) is 5 minutes from B and 10 from A; V2 (10) 5 from A. A has 2 teachers, B none.
    # Both open: B needs 2 posts (the class floor), recruited at 90,000 each; V1 riding 5 minutes more to A
    # costs 10 x 5 x 100 = 5,000 a year. Unpriced teachers leave both open.
    path = instance(schools=[{"school_id": "A", "capacity": 40, "annual_cost": 0, "teachers": 2},
                             {"school_id": "B", "capacity": 40, "annual_cost": 0, "teachers": 0}],
                    villages=[{"village_id": "V1", "pupils_g4_6": 10, "school_id": "B"},
                              {"village_id": "V2", "pupils_g4_6": 10, "school_id": "A"}],
                    travel=[("V1", "A", 10), ("V1", "B", 5), ("V2", "A", 5)])
    unpriced = run(path).summary
    assert unpriced["schools_open"] == 2
    priced = run(path, "costs.teacher_salary=90000", "costs.closed_school_value=1000").summary
    assert (priced["schools_open"], priced["teachers_recruited"]) == (1, 0)
    # the closed building's reuse is a saving on the schools line
    assert priced["cost_public"]["schools"] == pytest.approx(-1000)
    assert priced["cost_public"]["teachers"] == pytest.approx(180_000)


def test_boarders_cost_funds_subsidy_and_meals(instance):
    # 6 pupils of G7_9 must board at H (60 minutes, beyond the 30-minute day limit): 200 funds + 1,250 x 0.5
    # subsidy + 15 x 190 meals a boarder; H's 3 teachers fill its 3 posts (6 / 13.5 pupils, but 2.5 a class),
    # so its life teacher is recruited at 50,000
    path = instance(schools=[{"school_id": "H", "capacity": 50, "beds": 10, "annual_cost": 0, "teachers": 3}],
                    villages=[{"village_id": "V", "pupils_g7_9": 6, "school_id": "H"}],
                    travel=[("V", "H", 60)],
                    scenario={"rules": {"G7_9": {"max_minutes": 30, "boarding": True}},
                              "costs": {"per_boarder": 200, "boarder_subsidy_junior": 1250,
                                        "boarder_subsidy_share": 0.5, "boarder_meals_per_day": 15,
                                        "teacher_salary": 90_000, "life_teacher_salary": 50_000}})
    s = run(path).summary
    assert s["cost_public"]["boarding"] == pytest.approx(6 * (200 + 625))
    assert s["cost_public"]["meals"] == pytest.approx(6 * 15 * 190)
    assert s["cost_public"]["life_teachers"] == pytest.approx(50_000)
    assert (s["life_teachers_recruited"], s["teachers_to_life"]) == (1, 0)


# --- properties ------------------------------------------------------------------------------------------------


@st.composite
def priced(draw):
    """A random small instance with teachers in the data and every public price set."""
    inst = draw(instances(**RICH))
    for school in inst["schools"]:
        school["teachers"] = draw(st.integers(0, 4))
    inst["scenario"]["costs"].update(
        teacher_salary=draw(st.integers(0, 900)), life_teacher_salary=draw(st.integers(0, 500)),
        boarder_subsidy_primary=draw(st.integers(0, 20)), boarder_subsidy_junior=draw(st.integers(0, 20)),
        boarder_meals_per_day=draw(st.integers(0, 2)), nutrition_per_pupil_day=draw(st.integers(0, 1)),
        closed_school_value=draw(st.integers(0, 300)))
    inst["scenario"]["buses"] = {"seats": draw(st.integers(7, 20)), "runs": draw(st.integers(1, 2)),
                                 "price": draw(st.integers(0, 2000)), "annual": draw(st.integers(0, 300)),
                                 "per_km": draw(st.integers(0, 1)), "walk_km": draw(st.integers(0, 10))}
    return inst


@_settings(25)
@given(inst=priced())
def test_every_public_part_recomputed_from_the_tables_adds_up(inst):
    result = run_scenario(load_scenario(write(inst)))
    assert result.status in ("optimal", "infeasible"), result.summary.get("reasons")
    if result.status != "optimal":
        return
    s, schools = result.summary, result.plan.schools
    public = s["cost_public"]
    assert set(public) == {*PUBLIC_CATEGORIES, "total"}
    assert sum(public[c] for c in PUBLIC_CATEGORIES) == pytest.approx(public["total"], abs=1e-6)
    assert s["objective"] == pytest.approx(public["total"] + s["cost_families"]["yuan"], abs=1e-6)
    # recomputed from the tables, the plan costs what the solver says (gap 0)
    assert s["objective"] == pytest.approx(s["solver_objective"], rel=1e-6, abs=1e-6)
    # school by school, the public cost adds up to the county's
    assert schools["cost_public"].sum() == pytest.approx(public["total"], rel=1e-9, abs=1e-6)
    c = inst["scenario"]
    capital = (s["places_added"] * c["costs"]["per_place_added"] + s["beds_added"] * c["costs"]["per_bed_added"]
               + s["buses"] * c["buses"]["price"])
    assert s["capital"]["total"] == pytest.approx(capital, abs=1e-6)
    per_bus = c["buses"]["seats"] * c["buses"]["runs"]
    assert (schools["buses"] * per_bus >= schools["bus_riders"] - 1e-9).all()
    assert (schools["buses"] < schools["bus_riders"] / per_bus + 1).all()  # the fewest whole buses
    assert s["teachers_available"] - s["teachers_needed"] == s["teachers_surplus"] - s["posts_to_recruit"]


# --- the example county, end to end ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def young_by_bus(tmp_path_factory):
    out = tmp_path_factory.mktemp("budget") / "young_by_bus"
    return run_scenario(load_scenario(REPO / "scenarios" / "young_by_bus.toml"), out=out, lang="zh"), out


def test_the_example_county_keeps_the_output_contract(young_by_bus):
    result, out = young_by_bus
    s = json.loads((out / "summary.json").read_text())
    assert set(s["cost_public"]) == {"schools", "teachers", "life_teachers", "buses", "boarding", "meals",
                                     "capital_annual", "total"}
    assert set(s["cost_families"]) == {"pupil_minutes", "yuan"}
    assert set(s["capital"]) == {"places", "beds", "buses", "total"}
    for key in ("buses", "bus_riders", "teachers_recruited", "teachers_to_life", "teachers_surplus"):
        assert isinstance(s[key], (int, float)) and s[key] >= 0, key
    assert s["cost_public"]["teachers"] > 0.5 * s["cost_public"]["total"]  # teachers are most of the budget
    assert s["buses"] > 0 and s["cost_public"]["buses"] > 0
    schools = read_csv(out / "schools.csv")
    assert {"posts", "life_teachers", "buses", "bus_riders", "cost_public"} <= set(schools.columns)
    assert schools["cost_public"].sum() == pytest.approx(s["cost_public"]["total"])
    assert schools["buses"].sum() == s["buses"]
    html = (out / "report.html").read_text()
    assert "年度财政支出" in html and "校车" in html and "转岗生活教师" in html


def test_the_report_shows_the_budget_by_category_in_english(young_by_bus):
    from consolidation.report.html import render_report

    result, _ = young_by_bus
    html = render_report(summary=result.summary, schools=result.plan.schools, assignments=result.plan.assignments)
    for label in ("Public cost per year", "Teachers&#39; pay", "Running school buses", "School buses bought",
                  "pupil-minutes a day"):
        assert label in html, label
    frame = pd.DataFrame(result.plan.schools)
    assert frame.loc[frame["open"] == 0, "bus_riders"].sum() == 0
