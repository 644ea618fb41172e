"""Teaching points under a parent school ([teaching_points] parents): 教学点 run by a 中心校.

Hand-checkable county: two township central schools C1 and C2, a city school X, three teaching points P1, P2,
P3 (grades 1-3 only), one village at each point and one at C2 (VC2). C1 and X are locked open.

- Villages (grades 1-3 pupils; walking minutes, a complete travel file): V1 5 (P1 2); V2 5 (P2 2, X 10); V3 5
  (P3 2); VC2 10 (C2 1, X 25). Grades 1-3 walk at most 30 minutes.
- Teachers' minutes between schools: straight line at 60 km/h, detour 1, so one minute a km. The schools sit
  (km) at C1 (0, 0), C2 (60, 0), P1 (10, 0), P2 (47.5, 15.6), X (47.5, 20.6), P3 (32.7, -12.45): C1-P1 10,
  C2-P1 50, C1-P2 50, C2-P2 20, X-P2 5, C1-P3 35, C2-P3 30. max_parent_minutes = 40, parent_kinds = ["township"].
- Every school costs 1000 a year, a pupil-minute 100 and a minute between a point and its parent 1.

All open: P1 -> C1 (the only one within 40), P2 -> C2 (C1 is 50 away, X is a city school), P3 -> C2 (30 beats
C1's 35). Cost: 6 schools 6000 + (5x2x3 + 10x1) x 100 = 4000 + 10 + 20 + 30 = 10,060.

C2 locked closed: VC2 walks to X (10 x 25 x 100 = 25,000); P2 has no township school within 40, so it closes
and V2 walks to X (5 x 10 x 100 = 5000); P3 -> C1 (35). Cost: 4 schools 4000 + (10 + 10 + 50 + 250) x 100
+ 10 + 35 = 36,045. With parent_kinds = [] (any complete school), P2 stays under X (5): 5 schools 5000
+ (10 + 10 + 10 + 250) x 100 + 10 + 5 + 35 = 33,050.
"""

from __future__ import annotations

import dataclasses
import random

import pandas as pd
import pytest

from conftest import write_instance
from hostile import EXIT_BAD_INPUT, invoke, output
from consolidation.pipeline import run_scenario, validate
from consolidation.plan import verify
from consolidation.scenario import load_scenario
from consolidation.pipeline import prepare

SCHOOLS = [
    {"school_id": "C1", "name": "North Central", "kind": "township", "bands": "G1_3,G4_6", "capacity": 100,
     "lock": "open"},
    {"school_id": "C2", "name": "=South <b>Central</b>", "kind": "township", "bands": "G1_3,G4_6", "capacity": 100},
    {"school_id": "X", "name": "City No.1", "kind": "city", "bands": "G1_3,G4_6", "capacity": 100, "lock": "open"},
    {"school_id": "P1", "name": "Point One", "kind": "village", "bands": "G1_3", "capacity": 20, "can_be_hub": False},
    {"school_id": "P2", "name": "Point Two", "kind": "village", "bands": "G1_3", "capacity": 20, "can_be_hub": False},
    {"school_id": "P3", "name": "Point Three", "kind": "village", "bands": "G1_3", "capacity": 20,
     "can_be_hub": False},
]
VILLAGES = [{"village_id": "V1", "pupils_g1_3": 5, "school_id": "P1"},
            {"village_id": "V2", "pupils_g1_3": 5, "school_id": "P2"},
            {"village_id": "V3", "pupils_g1_3": 5, "school_id": "P3"},
            {"village_id": "VC2", "pupils_g1_3": 10, "school_id": "C2"}]
TRAVEL = [("V1", "P1", 2), ("V2", "P2", 2), ("V2", "X", 10), ("V3", "P3", 2), ("VC2", "C2", 1), ("VC2", "X", 25)]
KM = {"C1": (0, 0), "C2": (60, 0), "P1": (10, 0), "P2": (47.5, 15.6), "X": (47.5, 20.6), "P3": (32.7, -12.45)}
for school in SCHOOLS:
    east, north = KM[school["school_id"]]
    school["x"], school["y"] = 500_000 + 1000 * east, 4_000_000 + 1000 * north
for village in VILLAGES:  # each village at its school today (its minutes are the travel file's)
    home = next(s for s in SCHOOLS if s["school_id"] == village["school_id"])
    village["x"], village["y"] = home["x"], home["y"]
SCENARIO = {"inputs": {"crs": "EPSG:32648"}, "travel": {"bus_kmh": 60, "detour": 1},
            "costs": {"school_annual": 1000, "per_pupil_minute": 100, "per_place_added": 0, "per_bed_added": 0,
                      "per_boarder": 0, "capital_years": 1},
            "rules": {"G1_3": {"max_minutes": 30, "boarding": False}, "G4_6": {"boarding": False},
                      "G7_9": {"boarding": False}},
            "teaching_points": {"parents": True, "max_parent_minutes": 40, "per_parent_minute": 1}}


def county(instance, *, locks: dict | None = None, points: dict | None = None, **extra):
    schools = [{**s, **({"lock": locks[s["school_id"]]} if locks and s["school_id"] in locks else {})}
               for s in SCHOOLS]
    scenario = {**SCENARIO, **extra,
                "teaching_points": {**SCENARIO["teaching_points"], **(points or {})}}
    return instance(schools=schools, villages=VILLAGES, travel=TRAVEL, scenario=scenario)


def parents(result) -> dict[str, str]:
    s = result.plan.schools
    return {sid: p for sid, p in zip(s["school_id"], s["parent_id"]) if p}


@pytest.fixture(scope="module")
def all_open(tmp_path_factory):
    """The county with every school open-able, run once for the tests that read it: (loaded scenario, result)."""
    folder = tmp_path_factory.mktemp("all_open")
    loaded = load_scenario(county(lambda **kw: write_instance(folder / "county", **kw)))
    return loaded, run_scenario(loaded, out=folder / "run")


def test_each_point_gets_the_parent_its_minutes_allow(all_open):
    result = all_open[1]
    assert result.status == "optimal"
    assert parents(result) == {"P1": "C1", "P2": "C2", "P3": "C2"}
    assert result.summary["objective"] == pytest.approx(10_060, abs=0.05)
    assert result.summary["cost"]["parent_travel"] == pytest.approx(60, abs=0.05)
    s = result.plan.schools.set_index("school_id")
    assert s.loc[["C1", "C2"], "central"].tolist() == [1, 1] and s.at["X", "central"] == 0  # a city school is no 中心校
    assert s.at["C2", "points_attached"] == 2 and s.at["P3", "parent_minutes"] == pytest.approx(30, abs=0.1)


def test_a_closed_central_school_moves_its_points_or_closes_them(instance):
    result = run_scenario(load_scenario(county(instance, locks={"C2": "closed"})))
    assert parents(result) == {"P1": "C1", "P3": "C1"}
    roles = dict(zip(result.plan.schools["school_id"], result.plan.schools["role"]))
    assert roles["P2"] == "closed" and roles["C2"] == "closed"
    assert result.summary["objective"] == pytest.approx(36_045, abs=0.5)


def test_any_complete_school_may_be_a_parent_when_kinds_are_open(instance):
    result = run_scenario(load_scenario(county(instance, locks={"C2": "closed"}, points={"parent_kinds": []})))
    assert parents(result) == {"P1": "C1", "P2": "X", "P3": "C1"}
    assert result.summary["objective"] == pytest.approx(33_050, abs=0.5)


def test_the_run_folder_shows_parents_safely(all_open):
    """schools.csv has parent_id and central; a formula-looking name stays text; the report escapes it."""
    out = all_open[1].out
    s = pd.read_csv(out / "schools.csv", dtype=str, keep_default_na=False).set_index("school_id")
    assert s.at["P3", "parent_id"] == "C2" and s.at["C1", "parent_id"] == "" and s.at["C2", "central"] == "1"
    assert s.at["C2", "name"] == "'=South <b>Central</b>"  # neutralised: a spreadsheet shows it as text
    html = (out / "report.html").read_text()
    assert "Central schools and their teaching points" in html and "=South &lt;b&gt;Central&lt;/b&gt;" in html
    assert "<b>Central</b>" not in html


def test_the_check_fails_when_a_parent_is_wrong(all_open):
    loaded, result = all_open
    inputs, pairs = prepare(loaded)
    s = result.plan.schools.copy()
    for wrong, says in (("X", "not of parent_kinds"), ("C1", "farther than max_parent_minutes"),
                        ("", "without a parent"), ("P1", "teaching point"), ("nowhere", "not a school")):
        s.loc[s["school_id"] == "P2", "parent_id"] = wrong
        problems = verify(dataclasses.replace(result.plan, schools=s), pairs.demand, inputs, loaded.scenario)
        assert any(says in p for p in problems), (wrong, problems)


def test_no_parent_within_reach_is_infeasible_and_named(instance):
    path = county(instance, locks={"C2": "closed", "P2": "open"})
    notes = validate(load_scenario(path))
    assert any("Point Two (P2) has no parent school" in n and "City" not in n for n in notes)
    result = run_scenario(load_scenario(path))
    assert result.status == "infeasible"
    assert any("Point Two (P2)" in r and "max_parent_minutes = 40" in r for r in result.summary["reasons"])


def test_a_programme_moves_a_point_only_when_its_parent_closes(instance, tmp_path):
    """2026-2028, VC2's pupils gone from 2027: C2 closes then, so P3 moves to C1 and P2 (no parent left) closes.

    Changing P3's parent in 2028 while C1 stays open and complete is a violation of the rule across years.
    """
    from consolidation.families import ProgrammeView
    from consolidation.families.point_parents import check_years

    rows = [{"origin_id": v["village_id"], "year": y, "pupils_g1_3": 0 if v["village_id"] == "VC2" and y > 2026
             else v["pupils_g1_3"], "pupils_g4_6": 0, "pupils_g7_9": 0} for v in VILLAGES for y in (2026, 2027, 2028)]
    path = county(instance, years={"first": 2026, "last": 2028, "lead_years": 0})
    pd.DataFrame(rows).to_csv(path.parent / "enrolment.csv", index=False)
    path.write_text(path.read_text().replace("[inputs]\n", '[inputs]\nenrolment = "enrolment.csv"\n'))
    loaded = load_scenario(path)
    result = run_scenario(loaded)
    assert result.status == "optimal"
    by_year = [parents(dataclasses.replace(result, plan=p)) for p in result.programme.plans]
    assert by_year == [{"P1": "C1", "P2": "C2", "P3": "C2"}, {"P1": "C1", "P3": "C1"}, {"P1": "C1", "P3": "C1"}]
    plans = list(result.programme.plans)
    s = plans[2].schools.copy()
    s.loc[s["school_id"] == "P3", "parent_id"] = "X"
    plans[2] = dataclasses.replace(plans[2], schools=s)
    view = ProgrammeView(years=result.programme.years, plans=tuple(plans), capital=pd.DataFrame())
    assert any("P3" in p and "changed parent in 2028" in p for p in check_years(view, loaded.scenario))


def test_points_are_staffed_only_from_their_parent(instance):
    """Teachers priced: P2 (2 posts, no teachers) is filled from its parent C2 (20 min), not from X (5 min).

    X (6 teachers, no pupils) is the nearest school with teachers to spare; C2 needs 2 posts for VC2's class and
    has 4 to spare. Without the parent rule the settlement would send X's teachers (fewest minutes moved).
    """
    teachers = {"C1": 4, "C2": 6, "X": 6, "P1": 2, "P2": 0, "P3": 2}
    schools = [{**s, "teachers": teachers[s["school_id"]]} for s in SCHOOLS]
    scenario = {**SCENARIO, "costs": {**SCENARIO["costs"], "teacher_salary": 90, "life_teacher_salary": 50}}
    result = run_scenario(load_scenario(instance(schools=schools, villages=VILLAGES, travel=TRAVEL,
                                                 scenario=scenario)))
    assert result.status == "optimal"
    moves = result.staffing.moves
    into_p2 = moves[moves["to_school_id"] == "P2"]
    assert set(into_p2["from_school_id"]) <= {"C2"}
    s = result.plan.schools.set_index("school_id")
    assert s.at["C2", "posts_with_points"] == s.loc[["C2", "P2", "P3"], "posts"].sum()


def test_every_open_point_has_one_open_complete_parent_on_random_counties(instance):
    """Property: on random small counties every open teaching point has one parent, open and complete, in reach."""
    rng = random.Random(15)
    seen = 0
    for case in range(3):
        n_points = rng.randint(2, 3)
        schools = [{"school_id": f"C{k}", "name": f"Central {k}", "kind": "township", "bands": "G1_3,G4_6",
                    "capacity": 200, "can_be_hub": True} for k in range(2)]
        schools += [{"school_id": f"V{k}S", "name": f"Village {k}", "kind": "village", "bands": "G1_3,G4_6",
                     "capacity": 40, "can_be_hub": False} for k in range(2)]
        schools += [{"school_id": f"P{k}", "name": f"Point {k}", "kind": "village", "bands": "G1_3",
                     "capacity": 20, "can_be_hub": False} for k in range(n_points)]
        ids = [s["school_id"] for s in schools]
        for school in schools:  # teachers' minutes: one a km (60 km/h, detour 1)
            school["x"], school["y"] = 500_000 + rng.uniform(0, 60_000), 4_000_000 + rng.uniform(0, 40_000)
        villages, travel = [], []
        for k, school in enumerate(schools):
            sid = school["school_id"]
            villages.append({"village_id": f"W{k}", "pupils_g1_3": rng.randint(3, 12),
                             "pupils_g4_6": rng.randint(3, 12) if not sid.startswith("P") else 0,
                             "school_id": sid, "x": school["x"], "y": school["y"]})
            for other in ids:
                travel.append((f"W{k}", other, 1 if other == sid else rng.choice([12, 25, 35, 50])))
        scenario = {**SCENARIO, "teaching_points": {**SCENARIO["teaching_points"], "allowed": True,
                                                    "max_parent_minutes": 45, "annual_cost": 400},
                    "rules": {**SCENARIO["rules"], "G4_6": {"max_minutes": 40, "boarding": False}}}
        loaded = load_scenario(instance(schools=schools, villages=villages, travel=travel, scenario=scenario))
        result = run_scenario(loaded)
        assert result.status == "optimal", case
        s = result.plan.schools.set_index("school_id")
        between = prepare(loaded)[1].between
        for point in s.index[s["role"] == "teaching_point"]:
            seen += 1
            parent = s.at[point, "parent_id"]
            assert parent in s.index and s.at[parent, "open"] == 1, (case, point)
            assert s.at[parent, "role"] not in ("closed", "teaching_point") and s.at[parent, "kind"] == "township"
            assert between.at[parent, point] <= 45
        assert (s.loc[s["role"] != "teaching_point", "parent_id"].fillna("") == "").all()
    assert seen >= 3  # the property is not vacuous: the counties keep teaching points


@pytest.mark.parametrize("setting, says", [
    ("teaching_points.max_parent_minutes=0", "max_parent_minutes"),
    ("teaching_points.max_parent_minutes=-5", "max_parent_minutes"),
    ('teaching_points.max_parent_minutes="far"', "max_parent_minutes"),
    ("teaching_points.per_parent_minute=-1", "per_parent_minute"),
    ("teaching_points.parents=2", "parents"),
    ('teaching_points.parent_kinds=[" "]', "parent_kinds"),
    ('teaching_points.parent_kinds="township"', "parent_kinds"),
])
def test_hostile_settings_are_refused(instance, setting, says):
    path = county(instance)
    result = invoke("validate", path, "--set", setting)
    assert result.exit_code == EXIT_BAD_INPUT and says in output(result) and "Traceback" not in output(result)


def test_hostile_data_name_file_and_column(instance):
    schools = [{k: v for k, v in s.items() if k != "kind"} for s in SCHOOLS]
    path = instance(schools=schools, villages=VILLAGES, travel=TRAVEL, scenario=SCENARIO)
    result = invoke("validate", path)
    err = output(result)
    assert result.exit_code == EXIT_BAD_INPUT and "schools.csv" in err and "no column kind" in err
    assert "parent_kinds = []" in err and "Traceback" not in err
    schools = [{**s, "kind": "=HYPERLINK(\"x\")" if s["school_id"] == "C1" else "village"} for s in SCHOOLS]
    path = instance(schools=schools, villages=VILLAGES, travel=TRAVEL, scenario=SCENARIO)
    result = invoke("validate", path)
    assert result.exit_code == EXIT_BAD_INPUT and "column kind has no school of parent_kinds" in output(result)


def test_the_qilihe_example_shows_parents_everywhere(example_run):
    result = example_run("qilihe_points")
    s = pd.read_csv(result.out / "schools.csv", dtype={"parent_id": str})
    points = s[s["role"] == "teaching_point"]
    assert len(points) and points["parent_id"].notna().all()
    parents = s.set_index("school_id").loc[points["parent_id"].unique()]
    assert (parents["kind"] == "township").all() and (parents["central"] == 1).all()
    html = (result.out / "report.html").read_text()
    assert "Central schools and their teaching points" in html
    summary = result.summary
    assert summary["points_attached"] == len(points) and summary["cost"]["parent_travel"] > 0
