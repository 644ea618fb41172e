"""Class-based capacity and the county's teacher limit, on instances small enough to check by hand."""

from __future__ import annotations

import pytest

from consolidation.pipeline import run_scenario
from consolidation.scenario import load_scenario

COSTS = {"school_annual": 0, "per_pupil_minute": 1, "per_place_added": 20, "per_bed_added": 0,
         "per_boarder": 0, "capital_years": 1}
RULES = {"G1_3": {"boarding": False}, "G4_6": {"boarding": False}, "G7_9": {"boarding": False}}


def solve(path):
    return run_scenario(load_scenario(path))


def one_school(instance, capacity_by):
    # One nine-year school with 2 classrooms and room to grow; 10 pupils in each band: 3 mixed classes.
    schools = [{"school_id": "A", "name": "Alpha", "capacity": 60, "classrooms": 2, "max_capacity": 200,
                "bands": "G1_3,G4_6,G7_9"}]
    villages = [{"village_id": "V1", "pupils_g1_3": 10, "pupils_g4_6": 10, "pupils_g7_9": 10, "school_id": "A"}]
    return instance(schools=schools, villages=villages, travel=[("V1", "A", 3)],
                    scenario={"costs": COSTS, "rules": RULES, "schools": {"capacity_by": capacity_by}})


def test_places_fit_without_building(instance):
    r = solve(one_school(instance, "places"))  # 30 pupils in 60 places
    assert r.summary["places_added"] == 0
    assert r.summary["objective"] == pytest.approx(30 * 3)


def test_three_classes_need_a_third_classroom(instance):
    r = solve(one_school(instance, "classes"))  # 3 bands, 3 classes, 2 classrooms: one more, 45 places
    s = r.plan.schools.set_index("school_id")
    assert s.at["A", "classes"] == 3 and s.at["A", "classrooms"] == 2 and s.at["A", "classrooms_added"] == 1
    assert r.summary["places_added"] == 45
    assert r.summary["objective"] == pytest.approx(30 * 3 + 45 * 20)


def two_small_schools(instance, within_available):
    # A and B each have 10 grade 1-3 pupils (one class: 2 posts by the floor of 1.7 a class); 3 teachers in all.
    schools = [{"school_id": "A", "name": "Alpha", "capacity": 40, "bands": "G1_3", "teachers": 2},
               {"school_id": "B", "name": "Beta", "capacity": 40, "bands": "G1_3", "teachers": 1}]
    villages = [{"village_id": "V1", "pupils_g1_3": 10, "school_id": "A"},
                {"village_id": "V2", "pupils_g1_3": 10, "school_id": "B"}]
    travel = [("V1", "A", 5), ("V1", "B", 20), ("V2", "A", 20), ("V2", "B", 5)]
    return instance(schools=schools, villages=villages, travel=travel,
                    scenario={"costs": {**COSTS, "school_annual": 1}, "rules": RULES,
                              "teachers": {"within_available": within_available}})


def test_without_the_teacher_limit_both_stay_open(instance):
    r = solve(two_small_schools(instance, False))
    assert r.summary["schools_closed"] == 0
    assert r.summary["objective"] == pytest.approx(100 + 2)


def test_three_teachers_cannot_staff_two_schools(instance):
    r = solve(two_small_schools(instance, True))  # open both: 2 + 2 posts > 3; one school of 20: 2 posts
    assert r.summary["schools_closed"] == 1
    assert r.summary["objective"] == pytest.approx(10 * 5 + 10 * 20 + 1)


def test_classrooms_that_are_not_numbers_are_named(instance):
    from consolidation.errors import InputError

    path = one_school(instance, "classes")
    schools = path.parent / "schools.csv"
    schools.write_text(schools.read_text().replace(",2,200,", ",two,200,"))
    with pytest.raises(InputError, match="column classrooms has values that are not numbers for school_id A"):
        solve(path)
