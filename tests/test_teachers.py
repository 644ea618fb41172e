"""Teachers after a plan: staff posts, life teachers and redeployment, on numbers small enough to check by hand."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from consolidation.errors import InputError
from consolidation.io import read_inputs
from consolidation.checks import check_inputs
from consolidation.pipeline import run_scenario
from consolidation.report.html import render_report
from consolidation.scenario import Scenario, Teachers, load_scenario
from consolidation.teachers import (REDEPLOY_COLUMNS, Staffing, check_staffing, posts, redeploy, staffing,
                                    teacher_summary)


T = Teachers()  # 19 / 13.5 pupils a post, 1.7 / 2.5 posts a class, classes of 45 / 50, 30 boarders a life teacher
X0, Y0 = 500_000.0, 4_000_000.0  # metres in EPSG:4547; with detour 1 at 60 km/h a kilometre is a minute


def plan_schools(*rows: dict) -> pd.DataFrame:
    """A plan's school table: every school open with no pupils, boarders or teachers unless a row says so."""
    base = {"open": 1, "pupils_g1_3": 0.0, "pupils_g4_6": 0.0, "pupils_g7_9": 0.0, "boarders": 0.0}
    return pd.DataFrame([{**base, "name": f"School {r['school_id']}", **r} for r in rows])


def one(row: dict) -> pd.Series:
    return staffing(plan_schools(row), T).iloc[0]


# --- posts and life teachers ---------------------------------------------------------------------------------


def test_posts_by_the_pupil_ratio():
    s = one({"school_id": "A", "pupils_g1_3": 38})  # one class: ceil(max(38 / 19 = 2, 1.7 x 1)) = 2
    assert (s["classes_g1_3"], s["posts_needed"], s["posts_primary"], s["posts_junior"]) == (1, 2, 2, 0)
    s = one({"school_id": "A", "pupils_g1_3": 190, "pupils_g4_6": 190})  # 380 / 19 = 20 > 1.7 x (5 + 5) = 17
    assert (s["classes_g1_3"], s["classes_g4_6"], s["posts_needed"]) == (5, 5, 20)


def test_small_school_gets_the_class_floor():
    s = one({"school_id": "A", "pupils_g1_3": 12, "pupils_g4_6": 10})  # 22 / 19 = 1.16 < 1.7 x 2 classes = 3.4
    assert s["classes_g1_3"] + s["classes_g4_6"] == 2
    assert s["posts_needed"] == 4


def test_junior_posts_and_the_split():
    s = one({"school_id": "A", "pupils_g7_9": 100})  # 2 classes: max(100 / 13.5 = 7.41, 2.5 x 2 = 5) -> 8
    assert (s["classes_g7_9"], s["posts_needed"], s["posts_junior"]) == (2, 8, 8)
    # 55 + 45 primary (3 classes), 100 junior (2): ratio 5.26 + 7.41 = 12.67 beats 5.1 + 5 -> 13 posts,
    # split 13 x 5.26 / 12.67 = 5.4 -> 5 primary, 8 junior
    s = one({"school_id": "A", "pupils_g1_3": 55, "pupils_g4_6": 45, "pupils_g7_9": 100})
    assert (s["posts_needed"], s["posts_primary"], s["posts_junior"]) == (13, 5, 8)
    assert posts(100, 100, 3, 2, T) == (13, 5, 8)


def test_life_teachers_and_closed_schools():
    s = one({"school_id": "A", "pupils_g7_9": 61, "boarders": 61, "teachers": 20})
    assert s["life_teachers"] == 3  # ceil(61 / 30)
    assert s["teachers_needed"] == s["posts_needed"] + 3
    s = one({"school_id": "C", "open": 0, "teachers": 5})
    assert (s["posts_needed"], s["life_teachers"], s["surplus"], s["shortfall"]) == (0, 0, 5, 0)


def test_teachers_junior_adds_and_missing_teachers_are_unknown():
    s = one({"school_id": "A", "pupils_g1_3": 38, "teachers": 3, "teachers_junior": 2})
    assert (s["teachers_available"], s["surplus"]) == (5, 3)
    s = one({"school_id": "A", "pupils_g1_3": 38})
    assert pd.isna(s["teachers_available"]) and pd.isna(s["surplus"])


# --- redeployment --------------------------------------------------------------------------------------------


def flows(*rows: tuple[str, str, float]) -> pd.DataFrame:
    """Assignments of pupils moved from the first school to the second."""
    return pd.DataFrame([{"origin_id": f"{a}{b}", "band": "G1_3", "pupils": n, "school_id": b,
                          "current_school_id": a, "moved": 1} for a, b, n in rows])


def table(**schools: tuple[int, int, int]) -> pd.DataFrame:
    """A staffing table from ``id=(posts, life teachers, teachers today)``."""
    return pd.DataFrame([{"school_id": sid, "name": f"School {sid}", "posts_needed": float(p),
                          "life_teachers": float(life), "teachers_available": float(have)}
                         for sid, (p, life, have) in schools.items()])


def minutes(*trips: tuple[str, str, float]) -> pd.DataFrame:
    """One-way minutes between schools from ``(a, b, minutes)`` (both ways); other pairs far apart."""
    ids = sorted({c for a, b, _ in trips for c in (a, b)})
    out = pd.DataFrame(999.0, index=ids, columns=ids)
    for a, b, value in trips:
        out.at[a, b] = out.at[b, a] = value
    for sid in ids:
        out.at[sid, sid] = 0.0
    return out


SCENARIO = Scenario.model_validate({"name": "t", "inputs": {"schools": "schools.csv"}})  # 90,000 / 50,000, 60 min


def moved(result: pd.DataFrame) -> dict[tuple[str, str], int]:
    return {(r.from_school_id, r.to_school_id): r.teachers for r in result.itertuples()}


def test_teachers_fill_needs_within_reach_and_the_rest_is_recruited():
    # C closes with 5 teachers; H1 (10 min) and H2 (90 min, beyond 60) each need 3 posts
    moves, settled = redeploy(table(C=(0, 0, 5), H1=(3, 0, 0), H2=(3, 0, 0)),
                              minutes(("C", "H1", 10), ("C", "H2", 90)), SCENARIO)
    assert list(moves.columns) == REDEPLOY_COLUMNS
    assert moved(moves) == {("C", "H1"): 3}
    assert settled["recruited"].to_dict() == {"C": 0, "H1": 0, "H2": 3}
    assert settled.at["C", "surplus"] == 2 and settled.at["C", "teachers_after"] == 2


def test_surplus_teachers_turn_into_life_teachers_before_any_are_recruited():
    # H needs 4 posts and 2 life teachers and has 5 teachers: 4 teach, 1 turns into a life teacher, 1 recruited
    moves, settled = redeploy(table(H=(4, 2, 5)), minutes(("H", "H", 0)), SCENARIO)
    assert moves.empty
    assert (settled.at["H", "recruited"], settled.at["H", "to_life"], settled.at["H", "life_recruited"]) == (0, 1, 1)


def test_posts_are_filled_first_since_a_teacher_costs_more_to_recruit():
    # A's one spare teacher could fill B's post (90,000 saved) or C's life-teacher need (50,000 saved)
    moves, settled = redeploy(table(A=(0, 0, 1), B=(1, 0, 0), C=(0, 1, 0)),
                              minutes(("A", "B", 20), ("A", "C", 5)), SCENARIO)
    assert moved(moves) == {("A", "B"): 1} and settled["life_recruited"].sum() == 1


def test_the_nearest_teachers_move_when_the_payroll_is_the_same():
    moves, _ = redeploy(table(A=(0, 0, 3), B=(0, 0, 3), H=(2, 0, 0)), minutes(("A", "H", 10), ("B", "H", 30)), SCENARIO)
    assert moved(moves) == {("A", "H"): 2}
    assert moves.set_index("from_school_id").at["A", "minutes"] == 10


def test_summary_balances():
    t = staffing(plan_schools({"school_id": "C", "open": 0, "teachers": 5},
                              {"school_id": "H", "pupils_g1_3": 90, "boarders": 31, "teachers": 0},
                              {"school_id": "K", "pupils_g1_3": 40, "teachers": 1}), T)
    moves, settled = redeploy(t, minutes(("C", "H", 5), ("C", "K", 5), ("H", "K", 5)), SCENARIO)
    after = t.assign(**{c: settled.rename(columns={"surplus": "surplus_after"})[c].to_numpy()
                        for c in ("recruited", "life_recruited", "to_life", "surplus_after")})
    s = teacher_summary(after, moves)
    # H: 2 classes, 90 / 19 = 4.74 -> 5 posts + 2 life teachers; K: 40 / 19 = 2.1 -> 3 posts, has 1. Six
    # teachers fill six of the eight posts: two posts and both life teachers are recruited
    assert s == {"teachers_needed": 10, "teachers_available": 6, "teachers_redeployed": 5, "life_teachers": 2,
                 "posts_to_recruit": 4, "teachers_surplus": 0, "teachers_recruited": 2,
                 "life_teachers_recruited": 2, "teachers_to_life": 0}
    assert s["teachers_available"] - s["teachers_needed"] == s["teachers_surplus"] - s["posts_to_recruit"]


def test_within_available_flags_a_plan_short_of_teachers(instance):
    staff = Staffing(schools=pd.DataFrame(), moves=pd.DataFrame(columns=REDEPLOY_COLUMNS),
                     summary={"teachers_needed": 10, "teachers_available": 8})
    limited = load_scenario(instance(schools=[{"school_id": "A", "capacity": 10, "teachers": 8}],
                                     travel=[("A", "A", 0)],
                                     scenario={"teachers": {"within_available": True}})).scenario
    assert "needs 10 teachers" in " ".join(check_staffing(staff, limited))
    assert check_staffing(staff, limited.model_copy(update={"teachers": T})) == []


# --- reading ----------------------------------------------------------------------------------------------------


def test_bad_teacher_values_are_one_clear_error(instance):
    schools = [{"school_id": f"S{i:02d}", "capacity": 10, "pupils_g1_3": 5, "teachers": v, "teachers_junior": j}
               for i, (v, j) in enumerate([(2, ""), ("three", 0), (-1, 0), (2.5, 0), (3, 1.5)])]
    path = instance(schools=schools, travel=[(s["school_id"], s["school_id"], 0) for s in schools])
    with pytest.raises(InputError) as caught:
        read_inputs(load_scenario(path).scenario)
    message = str(caught.value)
    assert "schools.csv: column teachers must be a whole number of teachers, 0 or more" in message
    assert "school_id S01, S02, S03: write whole numbers" in message
    assert "column teachers_junior must be a whole number" in message and "school_id S04:" in message
    many = [{"school_id": f"S{i:02d}", "capacity": 10, "teachers": -1} for i in range(12)]
    with pytest.raises(InputError, match="S00, S01, .*S09 and 2 more"):
        read_inputs(load_scenario(instance(schools=many, travel=[("S00", "S00", 0)])).scenario)


def test_teacher_limit_needs_teachers_in_the_data(instance):
    path = instance(schools=[{"school_id": "A", "capacity": 10, "pupils_g1_3": 5}], travel=[("A", "A", 0)],
                    scenario={"teachers": {"within_available": True}})
    scenario = load_scenario(path).scenario
    with pytest.raises(InputError, match="within_available = true needs a teachers column"):
        check_inputs(read_inputs(scenario), scenario)


# --- whole runs ---------------------------------------------------------------------------------------------------


def closing_school(instance, **extra):
    """C (10 pupils) closes; its pupils ride 6 km (6 min) to hub H, which has 80 pupils and no teachers."""
    schools = [{"school_id": "C", "name": "Cliff School", "x": X0, "y": Y0, "pupils_g1_3": 10, "capacity": 10,
                "annual_cost": 1_000_000, "can_be_hub": False, **extra.get("c", {})},
               {"school_id": "H", "name": "Hill Central School", "x": X0 + 6000, "y": Y0, "pupils_g1_3": 80,
                "capacity": 200, "annual_cost": 0, **extra.get("h", {})}]
    return instance(schools=schools, scenario={
        "inputs": {"crs": "EPSG:4547"}, "travel": {"detour": 1.0, "bus_kmh": 60.0},
        "rules": {"G1_3": {"mode": "bus", "max_minutes": 30}},
        "costs": {"school_annual": 0, "per_pupil_minute": 1, "per_boarder": 0}})


def test_a_closed_schools_teachers_follow_to_the_hub(instance, tmp_path):
    path = closing_school(instance, c={"teachers": 5}, h={"teachers": 0})
    result = run_scenario(load_scenario(path), out=tmp_path / "run")
    s = result.summary
    assert s["schools_closed"] == 1
    # H: 90 pupils, 2 classes: ceil(max(90 / 19 = 4.74, 3.4)) = 5 posts, all from C
    assert (s["teachers_needed"], s["teachers_available"], s["teachers_redeployed"]) == (5, 5, 5)
    assert (s["posts_to_recruit"], s["teachers_surplus"], s["life_teachers"]) == (0, 0, 0)
    moves = pd.read_csv(tmp_path / "run" / "teachers.csv", dtype={"from_school_id": str, "to_school_id": str})
    assert moves[["from_school_id", "to_school_id", "teachers"]].values.tolist() == [["C", "H", 5]]
    assert moves.at[0, "minutes"] == pytest.approx(6.0)
    schools = result.plan.schools.set_index("school_id")
    assert schools.at["H", "posts"] == 5 and schools.at["H", "teachers_after"] == 5
    assert schools.at["C", "teachers_after"] == 0
    html = (tmp_path / "run" / "report.html").read_text()
    assert "5 teachers from Cliff School (C) to Hill Central School (H), 6.0 min" in html


def test_without_teachers_the_figures_are_unknown(instance, tmp_path):
    result = run_scenario(load_scenario(closing_school(instance)), out=tmp_path / "run")
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["teachers_needed"] == 5 and summary["life_teachers"] == 0
    for key in ("teachers_available", "teachers_redeployed", "posts_to_recruit", "teachers_surplus"):
        assert summary[key] is None
    assert not (tmp_path / "run" / "teachers.csv").exists()
    assert "teachers_after" not in result.plan.schools
    assert "The schools file has no teachers column" in (tmp_path / "run" / "report.html").read_text()


@pytest.fixture(scope="module")
def young_by_bus(example_run):
    result = example_run("young_by_bus")
    return result, result.out


def test_the_example_county(young_by_bus):
    result, out = young_by_bus
    s = json.loads((out / "summary.json").read_text())
    keys = ("teachers_needed", "teachers_available", "teachers_redeployed", "life_teachers", "posts_to_recruit",
            "teachers_surplus")
    assert all(isinstance(s[k], int) for k in keys)
    assert s["teachers_available"] == 359  # 286 primary + 73 junior teachers in data/schools.csv
    assert s["teachers_available"] - s["teachers_needed"] == s["teachers_surplus"] - s["posts_to_recruit"]
    moves = pd.read_csv(out / "teachers.csv")
    assert list(moves.columns) == REDEPLOY_COLUMNS
    assert moves["teachers"].sum() == s["teachers_redeployed"] > 0
    schools = pd.read_csv(out / "schools.csv").set_index("school_id")
    closed = schools["role"] == "closed"
    assert (schools.loc[closed, "posts"] == 0).all() and (schools.loc[~closed, "posts"] > 0).all()
    after = schools["teachers"] + schools["teachers_junior"] - schools.index.map(
        moves.groupby("from_school_id")["teachers"].sum()).fillna(0) + schools.index.map(
        moves.groupby("to_school_id")["teachers"].sum()).fillna(0)
    assert (after == schools["teachers_after"]).all()
    html = (out / "report.html").read_text()
    assert "<h2>Teachers</h2>" in html and f"{s['teachers_redeployed']}</div>" in html


def test_the_example_county_in_chinese(young_by_bus):
    result, out = young_by_bus
    moves = pd.read_csv(out / "teachers.csv", dtype=str).assign(teachers=lambda m: m["teachers"].astype(int),
                                                                minutes=lambda m: m["minutes"].astype(float))
    html = render_report(summary=result.summary, schools=result.plan.schools, assignments=result.plan.assignments,
                         lang="zh", redeployments=moves)
    assert "<h2>教师</h2>" in html and "生活教师" in html and "教职工编制" in html and "调配到" in html
