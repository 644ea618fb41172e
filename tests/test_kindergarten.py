"""The kindergarten band (KG, ages 3-6): optional, apart from primary places, with its own travel rule.

By hand: a tiny county where the kindergarten children could walk to the nearest school, which has primary
places to spare but no kindergarten places, and so go to the school with a kindergarten class; where the
travel rule of KG leaves a child no kindergarten, the scenario is explained before solving. Without
``pupils_kg`` nothing changes (the golden LP files of every other family, tests/test_model.py). Hostile
kindergarten columns are refused naming file, ID and column. The example (scenarios/bincheng_kindergartens.toml)
runs once.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from consolidation import ALL_BANDS, BANDS, bands_of
from consolidation.pipeline import run_scenario
from consolidation.scenario import load_scenario

from hostile import assert_refused, invoke, tiny_county

SCHOOLS = [
    # A: the nearest school, many primary places, no kindergarten places
    {"school_id": "A", "name": "Anping", "bands": "G1_3,G4_6", "capacity": 100, "annual_cost": 1000},
    # B: a primary school with a kindergarten class of 10 places, room for 20 (kg_places: it teaches KG)
    {"school_id": "B", "name": "Baishui", "bands": "G1_3,G4_6", "capacity": 40, "annual_cost": 1000,
     "kg_places": 10, "max_kg_places": 20},
    # K: a standalone kindergarten, room for 20 more
    {"school_id": "K", "name": "Kang Kindergarten", "bands": "KG", "capacity": 0, "annual_cost": 500,
     "kg_places": 10, "max_kg_places": 30},
]
VILLAGES = [{"village_id": "V1", "pupils_g4_6": 10, "pupils_kg": 8, "school_id": "A"},
            {"village_id": "V2", "pupils_g4_6": 10, "pupils_kg": 6, "school_id": "B"}]
TRAVEL = [("V1", "A", 5), ("V1", "B", 12), ("V1", "K", 18), ("V2", "A", 20), ("V2", "B", 5), ("V2", "K", 25)]
RULES = {"G4_6": {"max_minutes": 40, "boarding": False}, "KG": {"max_minutes": 15}}
COSTS = {"per_pupil_minute": 1, "per_place_added": 100, "capital_years": 10}


def _run(instance, **changes):
    scenario = {"rules": RULES, "costs": COSTS, **changes}
    return run_scenario(load_scenario(instance(schools=SCHOOLS, villages=VILLAGES, travel=TRAVEL,
                                               scenario=scenario)))


def test_bands_of_a_run_come_from_its_data():
    assert bands_of(pd.DataFrame(columns=["pupils_g1_3"])) == BANDS
    assert bands_of(pd.DataFrame(columns=["pupils_kg"])) == ALL_BANDS == ("KG", *BANDS)


def test_kindergarten_children_never_use_primary_places(instance):
    result = _run(instance, kindergarten={"class_size": 30, "teacher_salary": 10, "carer_salary": 5,
                                          "per_child": 2})
    assert result.status == "optimal"
    a = result.plan.assignments.set_index(["origin_id", "band"])["school_id"]
    # V1's 8 children: A (5 min) has 100 primary places but no kindergarten places; K is 18 min, over the
    # 15-minute rule of KG; so B (12 min), which then holds 8 + 6 = 14 children in 10 places: 4 added.
    assert a[("V1", "KG")] == "B" and a[("V2", "KG")] == "B"
    s = result.plan.schools.set_index("school_id")
    assert s.at["B", "pupils_kg"] == 14 and s.at["B", "kg_places_added"] == 4
    assert s.at["B", "pupils"] == s.at["B", "pupils_g4_6"]  # children not among the pupils
    assert s.at["A", "pupils_kg"] == 0 and s.at["K", "kind"] == "kindergarten"
    assert s.at["B", "kg_classes"] == 1 and s.at["B", "kg_teacher_posts"] == 2 and s.at["B", "kg_carer_posts"] == 1
    cost = result.summary["cost"]
    # one class: 2 teachers x 10 + 1 carer x 5; 14 children x 2; 4 places x 100 / 10 years
    assert cost["kg_staff"] == 25 and cost["kg_funds"] == 28 and cost["kg_places_added"] == 40
    assert result.summary["capital"]["kg_places"] == 400
    assert result.summary["kindergarten"]["children"] == 14
    assert result.summary["travel_minutes"]["KG"]["max"] == 12


def test_the_kindergarten_travel_rule_binds(instance):
    """With 10 minutes for KG, V1's children reach no school teaching KG: explained before solving."""
    result = _run(instance, rules={**RULES, "KG": {"max_minutes": 10}})
    assert result.status == "infeasible"
    reason = " ".join(result.summary["reasons"])
    assert "V1, KG, 8 pupils: no school in reach" in reason and "B (Baishui) at 12.0 min" in reason


def test_the_verification_refuses_children_in_primary_places(instance):
    """The kindergarten check reads the tables apart: children counted in a school's ``pupils`` is a violation."""
    from consolidation.families import kindergarten
    from consolidation.families.base import PlanView

    result = _run(instance)
    scenario = load_scenario(instance(schools=SCHOOLS, villages=VILLAGES, travel=TRAVEL,
                                      scenario={"rules": RULES, "costs": COSTS})).scenario
    schools = result.plan.schools.set_index("school_id")
    view = PlanView(assignments=result.plan.assignments, schools=schools, demand=pd.DataFrame(), inputs=None,
                    summary=result.summary)
    assert kindergarten.check(view, scenario) == []
    mixed = PlanView(assignments=result.plan.assignments, schools=schools.assign(
        pupils=schools["pupils"] + schools["pupils_kg"]), demand=pd.DataFrame(), inputs=None, summary=result.summary)
    assert any("counted among the pupils" in p for p in kindergarten.check(mixed, scenario))


@pytest.mark.parametrize(("file", "row", "column", "value", "named"), [
    ("villages.csv", 0, "pupils_kg", "many", "pupils_kg"),
    ("villages.csv", 1, "pupils_kg", "-3", "pupils_kg"),
    ("villages.csv", 0, "pupils_kg", "", "pupils_kg"),
    ("villages.csv", 0, "pupils_kg", "=1+1", "pupils_kg"),
    ("schools.csv", 0, "kg_places", "ten", "kg_places"),
    ("schools.csv", 1, "max_kg_places", "-1", "max_kg_places"),
    ("schools.csv", 0, "bands", "KX", "bands"),
    ("schools.csv", 1, "kg_teachers", "1.5", "kg_teachers"),
])
def test_hostile_kindergarten_columns_are_refused(tmp_path, file, row, column, value, named):
    path = tiny_county(tmp_path / "county")
    for name, extra in (("villages.csv", {"pupils_kg": "3"}), ("schools.csv", {"kg_places": "30"})):
        frame = pd.read_csv(tmp_path / "county" / name, dtype=str, keep_default_na=False).assign(**extra)
        frame.to_csv(tmp_path / "county" / name, index=False)
    frame = pd.read_csv(tmp_path / "county" / file, dtype=str, keep_default_na=False)
    frame.loc[row, column] = value
    frame.to_csv(tmp_path / "county" / file, index=False)
    ids = {"villages.csv": ("V1", "V2"), "schools.csv": ("S1", "S2")}[file]
    assert_refused(invoke("validate", path), file, ids[row], named)


def test_kindergarten_places_below_today_and_boarding_are_refused(tmp_path):
    path = tiny_county(tmp_path / "county")
    schools = pd.read_csv(tmp_path / "county" / "schools.csv", dtype=str, keep_default_na=False)
    schools.assign(kg_places=["30", "20"], max_kg_places=["30", "10"]).to_csv(tmp_path / "county" / "schools.csv",
                                                                             index=False)
    assert_refused(invoke("validate", path), "schools.csv", "max_kg_places is below kg_places", "S2")
    text = path.read_text() + '\n[rules.KG]\nmax_minutes = 20\nboarding = true\n'
    path.write_text(text)
    assert_refused(invoke("validate", path), "rules.KG", "do not board")


def test_villages_with_children_and_no_kindergarten_are_explained(tmp_path):
    path = tiny_county(tmp_path / "county")
    villages = pd.read_csv(tmp_path / "county" / "villages.csv", dtype=str, keep_default_na=False)
    villages.assign(pupils_kg=["3", "0"]).to_csv(tmp_path / "county" / "villages.csv", index=False)
    text = assert_refused(invoke("validate", path), "V1", "KG", code=3)
    assert "no school teaching this band" in text


def test_the_example_county_with_kindergartens(example_run):
    result = example_run("bincheng_kindergartens")
    assert result.status in ("optimal", "feasible")
    out = result.out
    schools = pd.read_csv(out / "schools.csv", dtype={"school_id": str})
    summary = json.loads((out / "summary.json").read_text())
    kg = schools[schools["kind"] == "kindergarten"]
    assert len(kg) == 9 and (kg["pupils"] == 0).all() and (kg["capacity"] == 0).all()
    assert summary["kindergarten"]["children"] == schools["pupils_kg"].sum() > 1000
    assert summary["travel_minutes"]["KG"]["max"] <= 25 and summary["travel_minutes"]["KG"]["boarders"] == 0
    a = pd.read_csv(out / "assignments.csv", dtype={"school_id": str})
    assert set(a.loc[a["band"] == "KG", "school_id"]) <= set(schools.loc[schools["kg_places"] > 0, "school_id"])
    groups = pd.read_csv(out / "groups.csv", dtype=str)
    assert groups["core_id"].nunique() == 8 and "K09" in set(groups["core_id"])
    taking = set(groups["core_id"]) | set(groups["member_id"])
    assert len({s for s in taking if s.startswith("K")}) >= 8
    html = (out / "report.html").read_text()
    assert "Kindergartens (ages 3-6)" in html


def test_a_programme_with_kindergarten_children_is_refused(tmp_path):
    """The years of a programme are not planned for the KG band: said, not silently dropped."""
    path = tiny_county(tmp_path / "county", years={"first": 2026, "last": 2027})
    villages = pd.read_csv(tmp_path / "county" / "villages.csv", dtype=str, keep_default_na=False)
    villages.assign(pupils_kg=["3", "2"]).to_csv(tmp_path / "county" / "villages.csv", index=False)
    assert_refused(invoke("validate", path), "villages.csv", "pupils_kg", "[years]")


def test_the_example_kindergartens_are_the_generators(tmp_path):
    """data/kindergartens is what the seeded generator writes from data/ (byte for byte)."""
    from conftest import REPO

    from consolidation.synthetic.kindergartens import main

    assert main(["--data", str(REPO / "data"), "--out", str(tmp_path), "--seed", "7"]) == 0
    for name in ("schools.csv", "villages.csv"):
        assert (tmp_path / name).read_bytes() == (REPO / "data" / "kindergartens" / name).read_bytes(), name


def test_the_kindergarten_section_in_both_languages():
    from consolidation.report.kindergarten import kindergarten_context

    summary = {"kindergarten": {"children": 38, "places_added": 8, "classes": 2, "teachers": 4, "carers": 2,
                                "kindergartens_open": 1, "class_size": 30, "teachers_per_class": 2,
                                "carers_per_class": 1}}
    schools = pd.DataFrame({"school_id": ["K1", "S1", "S2"], "name": ["Kang", "Hill", "River"], "open": [1, 1, 0],
                            "kind": ["kindergarten", "village", "village"], "pupils_kg": [30, 8, 0],
                            "kg_places": [22, 30, 30], "kg_places_added": [8, 0, 0], "kg_classes": [1, 1, 0],
                            "kg_teacher_posts": [2, 2, 0], "kg_carer_posts": [1, 1, 0]})
    assert kindergarten_context({}, schools, "en") == {"kg_cards": [], "kg_rows": [], "kg_caption": ""}
    zh = kindergarten_context(summary, schools, "zh")
    assert [r["id"] for r in zh["kg_rows"]] == ["K1", "S1"]  # open ones with children or places, largest first
    assert [r["kind"] for r in zh["kg_rows"]] == ["幼儿园", "附设幼儿班的学校"] and zh["kg_rows"][0]["grows"]
    assert "保育员" in zh["kg_caption"] and zh["kg_cards"][-1]["flag"]
    en = kindergarten_context(summary, schools, "en")
    assert en["kg_rows"][1]["kind"] == "School with a kindergarten class" and "30 children" in en["kg_caption"]


@pytest.mark.parametrize("seed", [1, 2])
def test_kindergartens_apart_leave_the_schools_plan_as_it_was(instance, seed):
    """Random small counties: with the children in kindergartens of their own, the schools' plan is the one
    without any children (the two problems share nothing), and the children never fill primary places."""
    import numpy as np

    rng = np.random.default_rng(seed)
    schools = [{"school_id": f"S{j}", "bands": "G1_3,G4_6", "capacity": int(rng.integers(10, 40)),
                "max_capacity": 60, "annual_cost": int(rng.integers(500, 2000))} for j in range(4)]
    villages = [{"village_id": f"V{i}", "pupils_g1_3": int(rng.integers(0, 12)),
                 "pupils_g4_6": int(rng.integers(1, 12)), "school_id": f"S{i % 4}"} for i in range(5)]
    travel = [(f"V{i}", f"S{j}", float(rng.integers(3, 40))) for i in range(5) for j in range(4)]
    rules = {"G1_3": {"max_minutes": 45}, "G4_6": {"max_minutes": 45, "boarding": False}}
    costs = {"per_pupil_minute": 1, "per_place_added": 50, "capital_years": 10}
    plain = run_scenario(load_scenario(instance(schools=schools, villages=villages, travel=travel,
                                                scenario={"rules": rules, "costs": costs})))
    gardens = [{"school_id": f"K{j}", "bands": "KG", "capacity": 0, "annual_cost": 300, "kg_places": 10,
                "max_kg_places": 40} for j in range(2)]
    children = [{**v, "pupils_kg": int(rng.integers(0, 15))} for v in villages]
    walks = travel + [(f"V{i}", f"K{j}", float(rng.integers(2, 15))) for i in range(5) for j in range(2)]
    both = run_scenario(load_scenario(instance(schools=schools + gardens, villages=children, travel=walks,
                                               scenario={"rules": {**rules, "KG": {"max_minutes": 15}},
                                                         "costs": costs})))
    assert plain.status == both.status == "optimal"
    key = ["origin_id", "band", "school_id"]
    school_part = both.plan.assignments[both.plan.assignments["band"] != "KG"]
    pd.testing.assert_frame_equal(plain.plan.assignments.sort_values(key).reset_index(drop=True)[key],
                                  school_part.sort_values(key).reset_index(drop=True)[key])
    s = both.plan.schools.set_index("school_id")
    assert (s.loc[[f"S{j}" for j in range(4)], "pupils_kg"] == 0).all()
    assert (s["pupils_kg"] <= s["kg_places"] + s["kg_places_added"] + 1e-9).all()
    assert (s["places_added"] == plain.plan.schools.set_index("school_id")["places_added"].reindex(s.index)
            .fillna(0.0)).all()
