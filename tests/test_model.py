"""Hand-checkable instances: two or three schools where the best plan is obvious, checked exactly."""

from __future__ import annotations

import pytest

from consolidation.errors import InfeasibleError
from consolidation.pipeline import run_scenario, validate
from consolidation.scenario import load_scenario

# Two villages, two schools. V1 is 5 min from A and 20 from B; V2 the reverse. 10 pupils each in G4_6.
# Keeping a school costs 900 (A) or 1000 (B) a year; each pupil-minute costs 1.
# Both open: 1900 + 100 = 2000. Only A: 900 + 50 + 200 = 1150 (best). Only B: 1000 + 250 = 1250.
COSTS = {"school_annual": 1000, "per_pupil_minute": 1, "per_place_added": 0, "per_bed_added": 0,
         "per_boarder": 0, "capital_years": 1}
NO_LIMITS = {"G1_3": {"boarding": False}, "G4_6": {"boarding": False}, "G7_9": {"boarding": False}}


def two_schools(instance, *, school_a=None, school_b=None, scenario=None, pupils_band="pupils_g4_6",
                v2_pupils=10):
    a = {"school_id": "A", "name": "Alpha", "capacity": 100, "annual_cost": 900, **(school_a or {})}
    b = {"school_id": "B", "name": "Beta", "capacity": 100, "annual_cost": 1000, **(school_b or {})}
    villages = [{"village_id": "V1", pupils_band: 10, "school_id": "A"},
                {"village_id": "V2", pupils_band: v2_pupils, "school_id": "B"}]
    travel = [("V1", "A", 5), ("V1", "B", 20), ("V2", "A", 20), ("V2", "B", 5)]
    base = {"costs": COSTS, "rules": NO_LIMITS}
    for key, value in (scenario or {}).items():
        base[key] = {**base.get(key, {}), **value} if isinstance(value, dict) else value
    return instance(schools=[a, b], villages=villages, travel=travel, scenario=base)


def solve(path, *overrides):
    return run_scenario(load_scenario(path, list(overrides)))


def where(result) -> dict[tuple[str, str], str]:
    a = result.plan.assignments
    return {(o, b): s for o, b, s in zip(a["origin_id"], a["band"], a["school_id"])}


def roles(result) -> dict[str, str]:
    s = result.plan.schools
    return dict(zip(s["school_id"], s["role"]))


def test_closes_the_dearer_school(instance):
    r = solve(two_schools(instance))
    assert r.status == "optimal"
    assert where(r) == {("V1", "G4_6"): "A", ("V2", "G4_6"): "A"}
    assert roles(r) == {"A": "hub", "B": "closed"}
    assert r.summary["objective"] == pytest.approx(1150)
    assert r.summary["pupils_moved"] == 10
    assert r.summary["cost"]["travel"] == pytest.approx(250)
    assert r.summary["travel_minutes"]["G4_6"]["max"] == 20


def test_day_limit_keeps_both_open(instance):
    r = solve(two_schools(instance, scenario={"rules": {"G4_6": {"max_minutes": 15, "boarding": False}}}))
    assert roles(r) == {"A": "kept", "B": "kept"}
    assert r.summary["objective"] == pytest.approx(2000)
    assert r.summary["pupils_moved"] == 0


def test_boarding_beyond_the_day_limit_needs_beds(instance):
    # B locked closed: V2 (20 min) is over the 15-min day limit, so its pupils board at A,
    # which has no beds and may add 10 at 20 yuan each.
    path = two_schools(instance, school_a={"beds": 0, "max_beds": 10}, school_b={"lock": "closed"},
                       scenario={"rules": {"G4_6": {"max_minutes": 15, "boarding": True}},
                                 "costs": {"per_bed_added": 20, "per_boarder": 3}})
    r = solve(path)
    a = r.plan.assignments.set_index("origin_id")
    assert a.loc["V2", "boards"] == 1 and a.loc["V1", "boards"] == 0
    assert r.summary["boarders"] == 10 and r.summary["beds_added"] == 10
    assert r.summary["objective"] == pytest.approx(900 + 50 + 200 + 10 * 20 + 10 * 3)
    s = r.plan.schools.set_index("school_id")
    assert s.loc["A", "beds_used"] == 10 and s.loc["A", "beds_added"] == 10


def test_boarding_prefers_keeping_a_school_when_beds_are_dear(instance):
    path = two_schools(instance, school_a={"max_beds": 10},
                       scenario={"rules": {"G4_6": {"max_minutes": 15, "boarding": True}},
                                 "costs": {"per_bed_added": 200}})
    r = solve(path)
    assert roles(r) == {"A": "kept", "B": "kept"} and r.summary["boarders"] == 0


def test_weekly_limit_forbids_boarding(instance):
    path = two_schools(instance, school_a={"max_beds": 10}, school_b={"lock": "closed"},
                       scenario={"rules": {"G4_6": {"max_minutes": 15, "boarding": True}},
                                 "boarding": {"max_weekly_minutes": 19}})
    with pytest.raises(InfeasibleError) as err:
        validate(load_scenario(path))
    assert "V2" in str(err.value) and "weekly" in str(err.value)


def test_young_pupils_never_board(instance):
    # Same as the boarding case but the pupils are in G1_3, which may not board: no plan with B closed.
    path = two_schools(instance, pupils_band="pupils_g1_3", school_a={"max_beds": 10}, school_b={"lock": "closed"},
                       scenario={"rules": {"G1_3": {"max_minutes": 15}}})
    r = solve(path)
    assert r.status == "infeasible"
    assert any("V2" in reason and "may not board" in reason for reason in r.summary["reasons"])
    # With B free, B stays open for its own G1_3 pupils and nobody boards.
    r = solve(path, "inputs.complete=true")  # unchanged scenario, sanity
    r = solve(two_schools(instance, pupils_band="pupils_g1_3", school_a={"max_beds": 10},
                          scenario={"rules": {"G1_3": {"max_minutes": 15}}}))
    assert roles(r) == {"A": "kept", "B": "kept"} and r.summary["boarders_g1_3"] == 0


def test_capacity_keeps_both_open(instance):
    r = solve(two_schools(instance, school_a={"capacity": 15}, school_b={"capacity": 15}))
    assert roles(r) == {"A": "kept", "B": "kept"}


def test_places_added_at_the_hub(instance):
    path = two_schools(instance, school_a={"capacity": 15, "max_capacity": 30},
                       scenario={"costs": {"per_place_added": 10}})
    r = solve(path)
    assert roles(r) == {"A": "hub", "B": "closed"}
    assert r.summary["places_added"] == 5
    assert r.summary["objective"] == pytest.approx(1150 + 50)
    assert r.summary["capital"]["places"] == pytest.approx(50)


def test_capital_is_spread_over_capital_years(instance):
    path = two_schools(instance, school_a={"capacity": 15, "max_capacity": 30},
                       scenario={"costs": {"per_place_added": 100, "capital_years": 10}})
    r = solve(path)
    assert r.summary["cost"]["places_added"] == pytest.approx(5 * 100 / 10)
    assert r.summary["capital"]["places"] == pytest.approx(500)


def test_lock_open_is_held(instance):
    r = solve(two_schools(instance, school_b={"lock": "open"}))
    assert roles(r) == {"A": "closed", "B": "hub"}
    assert r.summary["objective"] == pytest.approx(1250)


def test_can_be_hub_false_blocks_pupils_from_elsewhere(instance):
    r = solve(two_schools(instance, school_a={"can_be_hub": False}))
    assert roles(r) == {"A": "closed", "B": "hub"}


def test_min_hub_pupils(instance):
    r = solve(two_schools(instance, scenario={"schools": {"min_hub_pupils": 25}}))
    assert roles(r) == {"A": "kept", "B": "kept"}
    r = solve(two_schools(instance, scenario={"schools": {"min_hub_pupils": 20}}))
    assert roles(r) == {"A": "hub", "B": "closed"}


def test_open_exactly_and_max_open(instance):
    r = solve(two_schools(instance, scenario={"schools": {"open_exactly": 2}}))
    assert r.summary["schools_open"] == 2
    r = solve(two_schools(instance, scenario={"rules": {"G4_6": {"max_minutes": 15}}, "schools": {"max_open": 1}}))
    assert r.status == "infeasible"


def test_school_that_does_not_teach_the_band_gets_none(instance):
    r = solve(two_schools(instance, school_a={"bands": "G1_3"}, pupils_band="pupils_g4_6"))
    assert set(where(r).values()) == {"B"}


def test_split_assignment_divides_pupils(instance):
    # V2 has 20 pupils; A holds 25 and B 15, so both stay open. Split: V1 -> A, V2 15 -> B and 5 -> A,
    # 1900 + 50 + 75 + 100 = 2125. Single: V2 fits only A, so V1 -> B: 1900 + 200 + 400 = 2500.
    path = two_schools(instance, v2_pupils=20, school_a={"capacity": 25}, school_b={"capacity": 15},
                       scenario={"schools": {"assignment": "split"}})
    r = solve(path)
    assert r.status == "optimal"
    assert r.summary["objective"] == pytest.approx(2125)
    v2 = r.plan.assignments[r.plan.assignments["origin_id"] == "V2"].set_index("school_id")["pupils"]
    assert v2.to_dict() == pytest.approx({"A": 5, "B": 15})
    single = solve(path, 'schools.assignment="single"')
    assert single.summary["objective"] == pytest.approx(2500)


def test_single_assignment_too_big_for_any_school(instance):
    path = two_schools(instance, v2_pupils=200)
    r = solve(path)
    assert r.status == "infeasible"
    assert any("V2" in reason and "assignment = \"split\"" in reason for reason in r.summary["reasons"])


def test_interacting_rules_are_explained_by_relaxing(instance):
    # V1 and V2 reach only A within 15 min; each fits A alone but not both. V3 fills B. Totals fit,
    # so the checks before solving pass; the solver proves infeasibility and relaxing places explains it.
    schools = [{"school_id": "A", "name": "Alpha", "capacity": 15}, {"school_id": "B", "name": "Beta", "capacity": 100}]
    villages = [{"village_id": v, "pupils_g4_6": 10} for v in ("V1", "V2", "V3")]
    travel = [("V1", "A", 5), ("V1", "B", 20), ("V2", "A", 5), ("V2", "B", 20), ("V3", "B", 5)]
    path = instance(schools=schools, villages=villages, travel=travel,
                    scenario={"costs": COSTS, "rules": {"G4_6": {"max_minutes": 15}}})
    r = solve(path)
    assert r.status == "infeasible"
    assert any("Not enough places" in reason and "A (Alpha) 5 more" in reason for reason in r.summary["reasons"])


def test_cbc_gives_the_same_plan(instance):
    r = solve(two_schools(instance), "solver.name=\"cbc\"")
    assert r.status == "optimal" and r.summary["objective"] == pytest.approx(1150)
    assert "cbc" in r.summary["solver"]


def test_minutes_from_coordinates(instance):
    # Metric x/y: A at 0 m, B at 10 km, the village at 3 km. Road km = straight x 1.3; bus 30 km/h.
    schools = [{"school_id": "A", "x": 0, "y": 0, "capacity": 100},
               {"school_id": "B", "x": 10_000, "y": 0, "capacity": 100}]
    villages = [{"village_id": "V1", "x": 3_000, "y": 0, "pupils_g7_9": 10, "pupils_g1_3": 4}]
    path = instance(schools=schools, villages=villages,
                    scenario={"inputs": {"crs": "EPSG:32648"}, "costs": COSTS,
                              "rules": {"G1_3": {"max_minutes": 60}}})
    r = solve(path)
    a = r.plan.assignments.set_index("band")
    assert a.loc["G7_9", "school_id"] == "A"
    assert a.loc["G7_9", "km"] == pytest.approx(3.9)
    assert a.loc["G7_9", "minutes"] == pytest.approx(3.9 / 30 * 60)
    assert a.loc["G1_3", "minutes"] == pytest.approx(3.9 / 4 * 60)  # G1_3 walks by default
    r = solve(path, "rules.G1_3.max_minutes=30")
    assert r.status == "infeasible"
    assert any("58.5 min" in reason for reason in r.summary["reasons"])


def test_listed_travel_overrides_computed_minutes(instance, monkeypatch):
    # Without the matrix V1 is 7.8 min from A and 18.2 from B; a listed pair (a new road) makes B 1 minute.
    schools = [{"school_id": "A", "x": 0, "y": 0, "capacity": 100, "lock": "open"},
               {"school_id": "B", "x": 10_000, "y": 0, "capacity": 100, "lock": "open"}]
    villages = [{"village_id": "V1", "x": 3_000, "y": 0, "pupils_g7_9": 10}]
    path = instance(schools=schools, villages=villages,
                    scenario={"inputs": {"crs": "EPSG:32648"}, "costs": COSTS})
    (path.parent / "roads.csv").write_text("origin_id,school_id,minutes,km\nV1,B,1,0.5\n")
    r = solve(path)
    assert where(r) == {("V1", "G7_9"): "A"}
    monkeypatch.chdir(path.parent)  # a path given with --set is relative to the working folder
    r = solve(path, 'inputs.travel="roads.csv"')
    a = r.plan.assignments.iloc[0]
    assert (a["school_id"], a["minutes"], a["km"]) == ("B", 1, 0.5)
