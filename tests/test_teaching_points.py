"""Teaching points (the 2018 model): a village primary may keep grades 1-3 only, its older pupils going
to a hub. Hand-checkable: one village primary P, one hub H, two villages."""

from __future__ import annotations

import dataclasses

import pytest

from consolidation.pipeline import run_scenario
from consolidation.plan import verify
from consolidation.scenario import load_scenario
from consolidation.pipeline import prepare

# V1 (10 G1_3 + 10 G4_6 pupils) is 5 min from the village primary P and 20 from the hub H; V2 (the same
# pupils) is 5 min from H. G1_3 may travel at most 15 min, so V1's youngest must stay at P.
# A pupil-minute costs 1 a year; P and H cost 1000 a year each kept whole.
# P kept whole: 1000 + 20 pupils x 5 min = 1100. P a teaching point costing c: c + 10 x 5 + 10 x 20 = c + 250.
# So P becomes a teaching point when c < 850; H (locked open, 1000 + 100) is the same either way.
COSTS = {"school_annual": 1000, "per_pupil_minute": 1, "per_place_added": 0, "per_bed_added": 0,
         "per_boarder": 0, "capital_years": 1}
RULES = {"G1_3": {"max_minutes": 15, "boarding": False}, "G4_6": {"boarding": False},
         "G7_9": {"boarding": False}}


def village_and_hub(instance, **points):
    schools = [
        {"school_id": "P", "name": "Primary", "capacity": 40, "bands": "G1_3,G4_6", "can_be_hub": False},
        {"school_id": "H", "name": "Hub", "capacity": 100, "bands": "G1_3,G4_6", "lock": "open"},
        {"school_id": "T", "name": "Point", "capacity": 10, "bands": "G1_3", "can_be_hub": False},
    ]
    villages = [{"village_id": "V1", "pupils_g1_3": 10, "pupils_g4_6": 10, "school_id": "P"},
                {"village_id": "V2", "pupils_g1_3": 10, "pupils_g4_6": 10, "school_id": "H"},
                {"village_id": "V3", "pupils_g1_3": 4, "school_id": "T"}]
    travel = [("V1", "P", 5), ("V1", "H", 20), ("V2", "H", 5), ("V2", "P", 20), ("V3", "T", 2), ("V3", "H", 40)]
    scenario = {"costs": COSTS, "rules": RULES}
    if points:
        scenario["teaching_points"] = points
    return instance(schools=schools, villages=villages, travel=travel, scenario=scenario)


def solve(path):
    return run_scenario(load_scenario(path))


def roles(result) -> dict[str, str]:
    s = result.plan.schools
    return dict(zip(s["school_id"], s["role"]))


def goes_to(result, origin, band) -> str:
    a = result.plan.assignments
    return a.loc[(a["origin_id"] == origin) & (a["band"] == band), "school_id"].item()


# T (G1_3 only, 1000 + 4 x 2 min) is a teaching point by what it teaches, in every case below.
T_COST = 1000 + 8


def test_not_allowed_keeps_the_village_primary_whole(instance):
    r = solve(village_and_hub(instance))
    assert roles(r) == {"P": "kept", "H": "kept", "T": "teaching_point"}
    assert r.summary["objective"] == pytest.approx(1100 + 1100 + T_COST)
    assert r.summary["teaching_points"] == 1


def test_cheap_teaching_point_sends_older_pupils_to_the_hub(instance):
    r = solve(village_and_hub(instance, allowed=True, annual_cost=400))
    assert roles(r) == {"P": "teaching_point", "H": "hub", "T": "teaching_point"}
    assert goes_to(r, "V1", "G1_3") == "P" and goes_to(r, "V1", "G4_6") == "H"
    assert r.summary["objective"] == pytest.approx(400 + 250 + 1100 + T_COST)
    assert r.summary["cost"]["schools_annual"] == pytest.approx(400 + 1000 + 1000)
    assert r.summary["teaching_points"] == 2 and r.summary["pupils_moved"] == 10


def test_dear_teaching_point_is_not_worth_it(instance):
    r = solve(village_and_hub(instance, allowed=True, annual_cost=950))  # 950 + 250 > 1100
    assert roles(r)["P"] == "kept"
    assert r.summary["objective"] == pytest.approx(1100 + 1100 + T_COST)


@pytest.mark.parametrize("bounds", [{"max_pupils": 5}, {"min_pupils": 15}])
def test_pupil_bounds_of_a_teaching_point(instance, bounds):
    r = solve(village_and_hub(instance, allowed=True, annual_cost=400, **bounds))  # P's 10 young pupils
    assert roles(r)["P"] == "kept"
    assert r.summary["objective"] == pytest.approx(1100 + 1100 + T_COST)


def test_verification_catches_a_teaching_point_with_older_pupils(instance):
    path = village_and_hub(instance, allowed=True, annual_cost=400)
    loaded = load_scenario(path)
    inputs, pairs = prepare(loaded)
    r = run_scenario(loaded)
    a = r.plan.assignments.copy()
    a.loc[(a["origin_id"] == "V1") & (a["band"] == "G4_6"), ["school_id", "moved"]] = ["P", 0]
    s = r.plan.schools.copy()
    s.loc[s["school_id"] == "P", "pupils_g4_6"] = 10
    broken = dataclasses.replace(r.plan, assignments=a, schools=s)
    problems = verify(broken, pairs.demand, inputs, loaded.scenario)
    assert any("teaching points with pupils of G4_6, G7_9: P" in p for p in problems), problems


def test_example_county_keeps_teaching_points(example_run):
    r, base = example_run("teaching_points"), example_run("baseline")
    s = r.plan.schools
    points = s[s["role"] == "teaching_point"]
    assert (points[["pupils_g4_6", "pupils_g7_9"]].sum(axis=1) == 0).all()
    assert r.summary["teaching_points"] > base.summary["teaching_points"]  # village primaries became points
    assert r.summary["objective"] < base.summary["objective"]  # an option can only lower the optimum
    assert r.summary["boarders_g1_3"] == 0
