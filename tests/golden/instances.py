"""One tiny instance per rule family, small enough to check its model by hand: three schools, three villages.

Every instance starts from the same county and switches on its family's rule (:data:`RULES`):

- Schools A (capacity 40, 900 yuan a year), B (20, 1000) and C (20, 1100); all teach G4_6, A and B G1_3 too.
- Villages V1 (10 pupils of G4_6, at A today), V2 (10, at B), V3 (10, at C).
- Travel (minutes, complete): V1-A 5, V1-B 20; V2-A 20, V2-B 5; V3-A 50, V3-B 30, V3-C 5.
- G4_6 may ride 40 minutes and may not board, so V3-A (50 min) has no variable (the ``travel`` family).
- Costs: 1 yuan a pupil-minute, a place 100 and a bed 50 (over 10 years), 3 a boarder; teachers, buses, the
  boarding subsidy and meals unpriced (``conftest.UNPRICED``) unless the family's instance prices them.
- G4_6 rides a bus (no km given: bus minutes x 30 km/h, so every trip is beyond the 2 km walk).

:func:`lp_text` builds an instance's model and returns its LP file; ``tests/golden/<family>.lp`` keeps the
reviewed text, rewritten only by ``python tests/golden/regenerate.py``.
"""

from __future__ import annotations

import sys
import tempfile
from copy import deepcopy
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # conftest's write_instance

from conftest import write_instance  # noqa: E402

SCHOOLS = [
    {"school_id": "A", "name": "Anping Central", "bands": "G1_3,G4_6", "capacity": 40, "max_capacity": 40,
     "beds": 0, "max_beds": 0, "annual_cost": 900},
    {"school_id": "B", "name": "Baishui", "bands": "G1_3,G4_6", "capacity": 20, "max_capacity": 20,
     "beds": 0, "max_beds": 0, "annual_cost": 1000},
    {"school_id": "C", "name": "Chaijia", "bands": "G4_6", "capacity": 20, "max_capacity": 20,
     "beds": 0, "max_beds": 0, "annual_cost": 1100},
]
VILLAGES = [
    {"village_id": "V1", "pupils_g4_6": 10, "school_id": "A"},
    {"village_id": "V2", "pupils_g4_6": 10, "school_id": "B"},
    {"village_id": "V3", "pupils_g4_6": 10, "school_id": "C"},
]
TRAVEL = [("V1", "A", 5), ("V1", "B", 20), ("V2", "A", 20), ("V2", "B", 5),
          ("V3", "A", 50), ("V3", "B", 30), ("V3", "C", 5)]
SCENARIO: dict[str, Any] = {
    "rules": {"G1_3": {"max_minutes": 30, "boarding": False}, "G4_6": {"max_minutes": 40, "boarding": False},
              "G7_9": {"boarding": False}},
    "costs": {"per_pupil_minute": 1, "per_place_added": 100, "per_bed_added": 50, "per_boarder": 3,
              "capital_years": 10},
}
BOARDING = {"rules": {"G4_6": {"max_minutes": 15, "boarding": True}},
            "schools": {"A": {"beds": 5, "max_beds": 20}}}
"""G4_6 rides 15 minutes and may board beyond: V2 may board at A (20 min), which has 5 beds and room for 20."""

PLACES = {"A": {"lon": 103.70, "lat": 36.03}, "B": {"lon": 103.71, "lat": 36.03}, "C": {"lon": 103.80, "lat": 36.03}}
"""Coordinates for the teacher-posts and campuses instances: A and B 0.9 km apart (2 minutes by bus), C 9 km
east (23). The campuses instance locks C as a campus of A (23 minutes, within 30), adds school D halfway
between A and B (locked open, no pupils in reach) and lets the model make B a campus of A or D, or D a campus of
A or B (A, the main school of C, may not become a campus, nor C a main); a main runs at most one campus; with
teaching points allowed, A and B stay complete schools to be a campus or a main (``campus_full``)."""
PLACES_V = {"V1": {"lon": 103.70, "lat": 36.04}, "V2": {"lon": 103.71, "lat": 36.04},
            "V3": {"lon": 103.80, "lat": 36.04}}

RULES: dict[str, dict[str, Any]] = {
    "travel": {},
    "locks": {"schools": {"A": {"lock": "open"}}},
    "assign_once": {},
    "open_link": {},
    "teaching_points": {"scenario": {"teaching_points": {"allowed": True, "min_pupils": 3, "max_pupils": 15}},
                        "villages": {"V1": {"pupils_g1_3": 4}, "V2": {"pupils_g1_3": 6}}},
    "capacity": {"schools": {"B": {"max_capacity": 30}}},
    "beds": BOARDING,
    "classes": {"scenario": {"schools": {"capacity_by": "classes"}}, "schools": {"B": {"max_capacity": 65}}},
    "teacher_posts": {"rules": BOARDING["rules"],
                      "scenario": {"teachers": {"within_available": True, "max_redeploy_minutes": 15},
                                   "costs": {"teacher_salary": 90, "life_teacher_salary": 50}},
                      "schools": {"A": {"teachers": 3, "beds": 5, "max_beds": 20, **PLACES["A"]},
                                  "B": {"teachers": 2, **PLACES["B"]}, "C": {"teachers": 2, **PLACES["C"]}},
                      "villages": PLACES_V},
    "campuses": {"scenario": {"campuses": {"allowed": True, "max_minutes": 30, "pairs": {"C": "A"},
                                           "per_minute": 2, "annual_saving": 10},
                              "teaching_points": {"allowed": True},
                              "costs": {"teacher_salary": 90}},
                 "schools": {sid: dict(PLACES[sid]) for sid in PLACES},
                 "villages": {v: {**PLACES_V[v], **young} for v, young in
                              (("V1", {"pupils_g1_3": 4}), ("V2", {"pupils_g1_3": 6}), ("V3", {}))},
                 "add_schools": [{"school_id": "D", "name": "Dongpo", "bands": "G4_6", "capacity": 20,
                                  "max_capacity": 20, "beds": 0, "max_beds": 0, "annual_cost": 800, "lock": "open",
                                  "lon": 103.705, "lat": 36.03}]},
    "hub_size": {"scenario": {"schools": {"min_hub_pupils": 15}}},
    "open_count": {"scenario": {"schools": {"max_open": 2, "open_exactly": 2}}},
    "costs": {**BOARDING, "scenario": {"costs": {"boarder_subsidy_primary": 4, "boarder_subsidy_share": 0.5,
                                                 "boarder_meals_per_day": 1, "nutrition_per_pupil_day": 1,
                                                 "school_days": 2, "closed_school_value": 7}}},
    "boarder_cap": {**BOARDING, "scenario": {"boarding": {"max_boarders_G4_6": 5}}},
    "buses": {"scenario": {"buses": {"price": 1000, "annual": 100, "life_years": 10, "seats": 10, "runs": 1,
                                     "walk_km": 2}}},
    "budget": {"schools": {"B": {"max_capacity": 30}}, "scenario": {"budget": {"capital": 500, "annual": 5000}}},
    "group_joint": {"scenario": {"groups": {"joint": True, "core_candidates": ["A", "B"], "max_members": 2,
                                            "max_minutes": 30, "teacher_minute_yuan": 1, "count": 1,
                                            "together": [["A", "B"]], "apart": [["B", "C"]]},
                                 "costs": {"teacher_salary": 90},
                                 "teachers": {"max_redeploy_minutes": 60, "max_redeploy_minutes_outside_group": 10}},
                    "schools": {"A": {"teachers": 3, **PLACES["A"]}, "B": {"teachers": 2, **PLACES["B"]},
                                "C": {"teachers": 2, **PLACES["C"]}}, "villages": PLACES_V},
    "subject_posts": {"scenario": {"groups": {"joint": True, "core_candidates": ["A"], "max_minutes": 30,
                                              "teacher_minute_yuan": 1},
                                   "travelling_teachers": {"subjects": [{"name": "music", "hours": 4}],
                                                           "teacher_hours": 16, "max_minutes": 10,
                                                           "max_trips_per_week": 4},
                                   "costs": {"teacher_salary": 90},
                                   "teachers": {"pupils_per_post_primary": 1000, "posts_per_class_primary": 0}},
                      "schools": {k: dict(v) for k, v in PLACES.items()}, "villages": PLACES_V},
    "kindergarten": {"rules": {"KG": {"max_minutes": 20}},
                     "scenario": {"kindergarten": {"class_size": 5, "teacher_salary": 10, "carer_salary": 5,
                                                   "per_child": 2, "per_place_added": 30}},
                     "schools": {"A": {"kg_places": 5, "max_kg_places": 10}, "B": {"kg_places": 2, "max_kg_places": 6}},
                     "villages": {"V1": {"pupils_kg": 6}, "V2": {"pupils_kg": 4}, "V3": {"pupils_kg": 0}}},
    "point_parents": {"scenario": {"teaching_points": {"allowed": True, "parents": True, "max_parent_minutes": 30,
                                                       "per_parent_minute": 2},
                                   "teachers": {"max_redeploy_minutes": 30},
                                   "costs": {"teacher_salary": 90}},
                      "schools": {"A": {"kind": "township", "teachers": 3, **PLACES["A"]},
                                  "B": {"kind": "village", "teachers": 2, **PLACES["B"]},
                                  "C": {"kind": "village", "bands": "G1_3", "teachers": 2, **PLACES["C"]}},
                      "villages": {"V1": {"pupils_g1_3": 4, **PLACES_V["V1"]},
                                   "V2": {"pupils_g1_3": 6, **PLACES_V["V2"]},
                                   "V3": {"pupils_g1_3": 5, **PLACES_V["V3"]}}},
}
"""What each family's instance changes: ``scenario`` keys, and columns of ``schools`` and ``villages`` by ID
(``rules`` is a shorthand for ``scenario.rules``; ``add_schools``: more schools). ``group_joint``: one group
(count 1) of A and B locked together, B and C apart, teachers paid; C is 23 minutes from A and B, beyond the 10
minutes allowed outside a group, so its teachers may move to A or B, and theirs to C, only within one group.

``point_parents``: A is a township school (the only possible parent), B a village primary that may become a
teaching point, C a teaching point already (grades 1-3 only; V3's grades 4-6 go to B). A's teachers reach B in
2 minutes and C in 23 (within 30), so ``parent__B__A`` and ``parent__C__A``; teachers (A 3, B 2, C 2) may move
between schools within 30 minutes, and fill a point's posts only as its parent (``point_staff``)."""


def _merge(base: dict, top: dict) -> dict:
    out = dict(base)
    for key, value in top.items():
        out[key] = _merge(out.get(key, {}), value) if isinstance(value, dict) else value
    return out


def write(family: str, folder: Path) -> Path:
    """Write the instance of ``family`` into ``folder``; return its scenario file."""
    change = deepcopy(RULES[family])
    scenario = _merge(SCENARIO, {"name": f"golden_{family}", **change.get("scenario", {})})
    if "rules" in change:
        scenario = _merge(scenario, {"rules": change["rules"]})
    schools = [{**s, **change.get("schools", {}).get(s["school_id"], {})} for s in SCHOOLS]
    schools += change.get("add_schools", [])
    villages = [{**v, **change.get("villages", {}).get(v["village_id"], {})} for v in VILLAGES]
    path = write_instance(folder, schools=schools, villages=villages, travel=TRAVEL, scenario=scenario)
    text = path.read_text().replace('name = "tiny"', f'name = "golden_{family}"')
    path.write_text(text)
    return path


def lp_text(family: str) -> str:
    """The LP file of the model of ``family``'s instance."""
    from consolidation.checks import check_inputs
    from consolidation.io import read_inputs
    from consolidation.model import build_model, write_lp
    from consolidation.scenario import load_scenario
    from consolidation.travel import build_pairs

    with tempfile.TemporaryDirectory() as tmp:
        scenario = load_scenario(write(family, Path(tmp) / "instance")).scenario
        inputs = check_inputs(read_inputs(scenario), scenario)
        model = build_model(build_pairs(inputs, scenario), inputs, scenario)
        return write_lp(model, Path(tmp) / "model.lp").read_text()


PROGRAMME = {"years": {"first": 2026, "last": 2027, "lead_years": 1, "max_closures_per_year": 1},
             "budget": {"capital_per_year": 400}}
"""The programme's instance: the county over 2026 and 2027 with A at 10 places and B at 15 (room to 30), the
same enrolment both years (an enrolment table), places usable a year after they are built, at most one closure
and 400 yuan of capital a year."""


def programme_lp_text() -> str:
    """The LP file of the programme's two-year model (:data:`PROGRAMME`)."""
    import pandas as pd

    from consolidation.checks import check_inputs
    from consolidation.io import read_inputs
    from consolidation.model import build_programme, write_lp
    from consolidation.programme import inputs_by_year
    from consolidation.scenario import load_scenario
    from consolidation.travel import build_pairs

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "instance"
        size = {"A": {"capacity": 10, "max_capacity": 10}, "B": {"capacity": 15, "max_capacity": 30}}
        schools = [{**s, **size.get(s["school_id"], {})} for s in SCHOOLS]
        path = write_instance(folder, schools=schools, villages=VILLAGES, travel=TRAVEL,
                              scenario=_merge(SCENARIO, PROGRAMME))
        pd.DataFrame([{"origin_id": v["village_id"], "year": y, "pupils_g1_3": 0, "pupils_g4_6": 10,
                       "pupils_g7_9": 0} for v in VILLAGES for y in (2026, 2027)]).to_csv(folder / "enrolment.csv",
                                                                                         index=False)
        path.write_text(path.read_text().replace('name = "tiny"', 'name = "golden_programme"')
                        .replace("[inputs]\n", '[inputs]\nenrolment = "enrolment.csv"\n'))
        scenario = load_scenario(path).scenario
        inputs = check_inputs(read_inputs(scenario), scenario)
        years = inputs_by_year(inputs, scenario)
        model = build_programme({y: build_pairs(d, scenario) for y, d in years.items()},
                                {y: d.schools.set_index("school_id") for y, d in years.items()}, scenario)
        return write_lp(model.models[0], Path(tmp) / "model.lp").read_text()
