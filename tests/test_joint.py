"""Joint planning of education groups and subject posts shared by travelling teachers (走教).

The hand-checkable county (:func:`county`): three schools along a valley road, each with one village next to it.

- H (hub, locked open, room for 100) at 103.70 E; M (locked open) 0.9 km east; K (may close) 1.8 km east. By
  bus (straight line x 1.3 at 30 km/h) M is 2.34 min from H and K 4.69 min.
- Villages VH (20 pupils of G4_6), VM (10), VK (10), each 5 min from its own school; VK is 20 min from H.
- Each open school costs 100 a year to run, one staff post (1 pupil-ratio post: 1,000 pupils a post, no class
  floor) at 1,000, and needs 4 hours a week of music and 4 of PE; a subject teacher teaches 16 hours, so a school
  staffed alone needs 1 + 1 = 2 subject posts (2,000). Families' time: 10 yuan a pupil-minute.
- One education group with core H (the only candidate); a teacher's trip costs 1 yuan a minute.

After the plan (groups.joint = false) the model staffs each school alone. Keeping K costs 100 + 1,000 + 2,000 =
3,100 against closing it, which sends VK 15 minutes farther: 10 pupils x 15 x 10 = 1,500. So K closes (objective
200 + 2,000 + 4,000 + 3,500 = 9,700). The group then formed, H + M, shares its subject posts: 8 hours of music
and 8 of PE at 16 hours a teacher, 1 + 1 = 2 posts instead of 4. The budget restated: 200 + 2,000 + 2,000 + 2.34
(trips) + 3,500 = 7,702.34.

Jointly (groups.joint = true) K can be a member of H's group: H + M + K need 12 hours of each subject, one
teacher each (1 + 1 = 2 posts), and the members' 8 hours at 4 trips of 16 / 5 = 3.2 hours (12.8 hours a week)
need one teacher each too. Keeping K then costs 100 + 1,000 + 4.69 (trips) = 1,104.69 < 1,500: K stays open,
objective 300 + 3,000 + 2,000 + 7.03 + 2,000 = 7,307.03.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from consolidation.errors import ScenarioError
from consolidation.families import subject_posts
from consolidation.pipeline import run_scenario
from consolidation.scenario import Scenario, load_scenario

from hostile import invoke, output

SCHOOLS = [
    {"school_id": "H", "name": "Hub", "bands": "G4_6", "capacity": 100, "max_capacity": 100, "beds": 0, "max_beds": 0,
     "annual_cost": 100, "lon": 103.70, "lat": 36.03, "lock": "open"},
    {"school_id": "M", "name": "Member", "bands": "G4_6", "capacity": 30, "max_capacity": 30, "beds": 0, "max_beds": 0,
     "annual_cost": 100, "lon": 103.71, "lat": 36.03, "lock": "open"},
    {"school_id": "K", "name": "Kept", "bands": "G4_6", "capacity": 30, "max_capacity": 30, "beds": 0, "max_beds": 0,
     "annual_cost": 100, "lon": 103.72, "lat": 36.03, "lock": ""},
]
VILLAGES = [{"village_id": "VH", "pupils_g4_6": 20, "school_id": "H", "lon": 103.70, "lat": 36.04},
            {"village_id": "VM", "pupils_g4_6": 10, "school_id": "M", "lon": 103.71, "lat": 36.04},
            {"village_id": "VK", "pupils_g4_6": 10, "school_id": "K", "lon": 103.72, "lat": 36.04}]
TRAVEL = [("VH", "H", 5), ("VM", "M", 5), ("VK", "K", 5), ("VK", "H", 20)]


def settings(joint: bool, **groups) -> dict:
    """The county's scenario, groups planned jointly or after the plan."""
    return {"rules": {"G1_3": {"max_minutes": 30}, "G4_6": {"max_minutes": 40, "boarding": False},
                      "G7_9": {"boarding": False}},
            "costs": {"per_pupil_minute": 10, "teacher_salary": 1000, "per_place_added": 100, "capital_years": 10},
            "teachers": {"pupils_per_post_primary": 1000, "posts_per_class_primary": 0},
            "groups": {"enabled": True, "joint": joint, "core_candidates": ["H"], "teacher_minute_yuan": 1,
                       "max_members": 4, **groups},
            "travelling_teachers": {"subjects": [{"name": "music", "hours": 4}, {"name": "PE", "hours": 4}]},
            "solver": {"time_limit_s": 20}}


def county(instance, joint: bool, **groups):
    path = instance(schools=SCHOOLS, villages=VILLAGES, travel=TRAVEL, scenario=settings(joint, **groups))
    return load_scenario(path)


def test_joint_keeps_the_member_school_the_after_plan_mode_closes(instance, tmp_path):
    after = run_scenario(county(instance, False))
    joint = run_scenario(county(instance, True), out=tmp_path / "joint")
    role = lambda r: dict(zip(r.plan.schools["school_id"], r.plan.schools["role"]))  # noqa: E731
    assert role(after)["K"] == "closed" and role(joint)["K"] != "closed"
    assert after.summary["solver_objective"] == pytest.approx(9700)  # the model staffed every school alone
    assert after.summary["objective"] == pytest.approx(7702.34, abs=0.01)  # restated with the group H + M
    assert after.summary["subject_posts"] == {"subjects": ["music", "PE"], "alone": 4.0, "posts": 2.0, "saved": 2.0,
                                              "yuan_saved": 2000.0}
    assert joint.summary["objective"] == pytest.approx(7307.03, abs=0.01)
    assert joint.summary["solver_objective"] == pytest.approx(joint.summary["objective"])
    assert joint.summary["subject_posts"]["posts"] == 2 and joint.summary["subject_posts"]["alone"] == 6
    assert joint.summary["cost"]["subject_posts"] == 2000 and joint.summary["groups_mode"] == "joint"
    table = joint.groups.groups
    assert table["member_id"].tolist() == ["M", "K"] and set(table["core_id"]) == {"H"}
    schools = pd.read_csv(tmp_path / "joint" / "schools.csv", encoding="utf-8-sig").set_index("school_id")
    assert schools["group_id"].tolist() == ["G1"] * 3 and schools.at["H", "subject_posts"] == 2
    assert schools["subject_posts"].sum() == 2 and schools["subject_posts_alone"].sum() == 6
    groups = pd.read_csv(tmp_path / "joint" / "groups.csv", encoding="utf-8-sig")
    assert groups.columns.tolist() == ["group_id", "core_id", "member_id", "minutes"]
    assert "走教" not in (tmp_path / "joint" / "report.html").read_text()  # English report stays English
    assert "Subject posts (music and PE): 2 held; 6 if every open school" in (
        tmp_path / "joint" / "report.html").read_text()


def test_why_each_school_compares_with_the_plan_as_solved_not_as_restated(instance):
    """After the plan, K closes (objective 9,700, every school staffed alone); its budget restated with the group
    H + M is 7,702.34. Re-solved with K kept open, the model's objective is 9,700 + 3,100 - 1,500 = 11,300: the
    decision's delta is +1,600, like for like (against the restated plan it would read 3,597.66)."""
    scenario = {**settings(False), "decisions": {"time_budget_s": 30}, "alternatives": {"count": 0}}
    path = instance(schools=SCHOOLS, villages=VILLAGES, travel=TRAVEL, scenario=scenario)
    result = run_scenario(load_scenario(path))
    assert result.summary["objective"] == pytest.approx(7702.34, abs=0.01)
    row = result.decisions.table.set_index("school_id").loc["K"]
    assert (row["decision"], row["alternative"], row["status"]) == ("closed", "open", "optimal")
    assert row["delta_objective"] == pytest.approx(1600, abs=0.01)


def test_subject_posts_by_hand():
    """Music 4 h and PE 4 h a school, 16 h a teacher, 4 trips of 3.2 h: alone 2 posts a school.

    Group G1: core A with B (5 min) and C (10 min) sharing, D (40 min) beyond the teachers' 30 minutes (alone);
    12 hours of each subject -> 1 + 1 posts, the members' 8 hours within 12.8 -> 2 posts for A, B and C.
    Group G2: core E with F, G, H, I (5 min each): 20 hours -> 2 + 2; members' 16 hours > 12.8 -> 2 + 2: 4 posts.
    J alone: 2; K closed: 0. Alone the eight open schools of G1 and J need 2 each.
    """
    scenario = Scenario(name="x", inputs={"schools": "s.csv"}, travelling_teachers={
        "subjects": [{"name": "music", "hours": 4}, {"name": "PE", "hours": 4}], "teacher_hours": 16,
        "max_minutes": 30, "max_trips_per_week": 4})
    rows = [("A", 1, "G1", "core", np.nan), ("B", 1, "G1", "member", 5), ("C", 1, "G1", "member", 10),
            ("D", 1, "G1", "member", 40), ("E", 1, "G2", "core", np.nan), ("F", 1, "G2", "member", 5),
            ("G", 1, "G2", "member", 5), ("H", 1, "G2", "member", 5), ("I", 1, "G2", "member", 5),
            ("J", 1, "", "", np.nan), ("K", 0, "", "", np.nan)]
    schools = pd.DataFrame(rows, columns=["school_id", "open", "group_id", "group_role", "group_minutes"])
    counted = subject_posts.count(schools, scenario)
    assert counted["subject_posts"].to_dict() == {"A": 2, "B": 0, "C": 0, "D": 2, "E": 4, "F": 0, "G": 0, "H": 0,
                                                  "I": 0, "J": 2, "K": 0}
    assert counted["subject_posts_alone"].sum() == 2 * 10
    assert subject_posts.pooled(5, 4, scenario) == 4 and subject_posts.alone(scenario) == 2
    no_trips = scenario.model_copy(update={"travelling_teachers": scenario.travelling_teachers.model_copy(
        update={"max_trips_per_week": 0})})
    assert subject_posts.count(schools, no_trips)["subject_posts"].sum() == 2 * 10  # nobody travels: all alone


@pytest.mark.parametrize("seed", [1, 2])
def test_joint_costs_no_more_than_after_the_plan_with_its_groups(instance, seed):
    """Random counties of 5 schools: the after-the-plan plan with its groups is a joint plan, so the joint optimum
    costs at most its restated objective (within the gap)."""
    rng = np.random.default_rng(seed)
    schools = [{"school_id": f"S{i}", "name": f"School {i}", "bands": "G4_6", "capacity": 60, "max_capacity": 60,
                "beds": 0, "max_beds": 0, "annual_cost": float(rng.integers(50, 400)),
                "lon": 103.70 + float(rng.uniform(0, 0.05)), "lat": 36.03 + float(rng.uniform(0, 0.05)),
                "lock": "open" if i == 0 else ""} for i in range(5)]
    villages = [{"village_id": f"V{i}", "pupils_g4_6": int(rng.integers(3, 15)), "school_id": f"S{i}",
                 "lon": s["lon"], "lat": s["lat"] + 0.005} for i, s in enumerate(schools)]
    travel = [(f"V{i}", f"S{j}", 3.0 if i == j else float(rng.uniform(8, 35))) for i in range(5) for j in range(5)
              if i == j or rng.uniform() < 0.7]
    extra = {"groups": {"core_candidates": ["S0", "S1"], "everyone": False}}
    results = []
    for joint in (False, True):
        scenario = settings(joint)
        scenario["groups"].update(extra["groups"])
        path = instance(schools=schools, villages=villages, travel=travel, scenario=scenario)
        results.append(run_scenario(load_scenario(path)))
    after, joint = results
    assert joint.status == after.status == "optimal"
    assert joint.summary["objective"] <= after.summary["objective"] * (1 + 1e-4) + 1e-6
    assert after.summary["objective"] <= after.summary["solver_objective"] + 1e-6  # groups only ever save


@pytest.mark.parametrize("change, words", [
    ({"travelling_teachers": {"subjects": [{"name": "music", "hours": -2}]}}, "travelling_teachers.subjects"),
    ({"travelling_teachers": {"subjects": [{"name": "music", "hours": 2}, {"name": "music", "hours": 3}]}},
     "subjects named twice: music"),
    ({"travelling_teachers": {"subjects": [{"name": "music", "hours": "=1+1"}]}}, "hours"),
    ({"travelling_teachers": {"subjects": [{"name": "music"}]}}, "hours"),
    ({"travelling_teachers": {"teacher_hours": 0}}, "teacher_hours"),
    ({"travelling_teachers": {"max_trips_per_week": -1}}, "max_trips_per_week"),
    ({"travelling_teachers": {"lessons": 3}}, "lessons"),
    ({"groups": {"joint": "maybe"}}, "groups.joint"),
    ({"groups": {"teacher_minute_yuan": -5}}, "teacher_minute_yuan"),
    ({"groups": {"joint": True, "core_candidates": ["H", "NOPE"]}}, "NOPE"),
    ({"years": {"first": 2026, "last": 2027}}, "groups.joint = true plans groups in a one-year plan only: remove"),
])
def test_hostile_settings_are_refused_with_exit_2(instance, change, words):
    scenario = settings(True)
    for key, value in change.items():
        scenario[key] = {**scenario.get(key, {}), **value}
    path = instance(schools=SCHOOLS, villages=VILLAGES, travel=TRAVEL, scenario=scenario)
    result = invoke("validate", path)
    assert result.exit_code == 2, output(result)
    assert words in output(result) and "Traceback" not in output(result)


def test_joint_refused_for_a_programme_before_anything_is_read(instance):
    scenario = {**settings(True), "years": {"first": 2026, "last": 2028}}
    path = instance(schools=SCHOOLS, villages=VILLAGES, travel=TRAVEL, scenario=scenario)
    with pytest.raises(ScenarioError, match="groups.joint = true plans groups in a one-year plan only"):
        run_scenario(load_scenario(path))


def test_teachers_move_within_their_group_first_and_outside_it_only_near():
    """Teacher pools by group, by the payroll rule (:func:`consolidation.families._staff.settle`).

    A (8 teachers, needs 4) is 40 min from B (needs 2) and 20 min from C (needs 2); a teacher may move 60
    minutes, outside their group only 30. A and B are one group. B's 2 posts are filled from A (within the group,
    40 min); C's too (county, 20 min). With no group, B is beyond A's 30 minutes: 2 recruits. Without the outside
    limit, every move is allowed; with groups, A's teachers go to B first (scope group).
    """
    from consolidation.families._staff import settle

    ids = ["A", "B", "C"]
    minutes = pd.DataFrame([[0, 40, 20], [40, 0, 50], [20, 50, 0]], index=ids, columns=ids, dtype=float)
    posts, life = pd.Series([4.0, 2.0, 2.0], index=ids), pd.Series(0.0, index=ids)
    today = pd.Series([8.0, 0.0, 0.0], index=ids)
    scenario = Scenario(name="x", inputs={"schools": "s.csv"}, costs={"teacher_salary": 100},
                        teachers={"max_redeploy_minutes": 60, "max_redeploy_minutes_outside_group": 30})
    grouped = settle(posts, life, today, minutes, scenario, group={"A": "G1", "B": "G1", "C": ""})
    assert grouped.total("recruited") == 0
    assert grouped.moves.set_index("to_school_id")["teachers"].to_dict() == {"B": 2.0, "C": 2.0}
    alone = settle(posts, life, today, minutes, scenario, group=None)
    assert alone.total("recruited") == 2 and alone.schools.at["B", "recruited"] == 2
    tight = today.copy()
    tight["A"] = 6.0  # 2 spare teachers: the group's member B gets them, C recruits
    first = settle(posts, life, tight, minutes, scenario, group={"A": "G1", "B": "G1", "C": ""})
    assert first.schools.at["B", "recruited"] == 0 and first.schools.at["C", "recruited"] == 2


def test_joint_groups_that_cannot_hold_are_explained(instance):
    """K is 4.7 min from the only possible core H; with groups.max_minutes = 3 it can join no group, and
    everyone = true puts every open school in one; K is locked open, so no joint plan exists."""
    schools = [dict(s, lock="open") if s["school_id"] == "K" else s for s in SCHOOLS]
    scenario = settings(True, max_minutes=3)
    path = instance(schools=schools, villages=VILLAGES, travel=TRAVEL, scenario=scenario)
    result = run_scenario(load_scenario(path))
    assert result.status == "infeasible"
    assert any("K (Kept) can join no group" in r and "groups.max_minutes = 3 min" in r
               for r in result.summary["reasons"]), result.summary["reasons"]


def test_chinese_terms_of_groups_and_travelling_teachers():
    from consolidation import i18n

    note = i18n.text("group.subject_note", "zh", subjects="音乐、体育", held="2", alone="6", saved="4", yuan="¥4,000")
    assert "走教" in note and "节省 4 个" in note
    assert i18n.text("group.section", "zh") == "教育集团"
    assert i18n.text("group.th_core", "zh") == "核心校" and i18n.text("group.th_members", "zh") == "成员校"
    assert "走教" in i18n.text("cost.subject_posts", "zh") and "走教" in i18n.text("group.th_subject", "zh")
    assert "教育集团内" in i18n.text("teachers.move_group", "zh", move="1 名教师")
    assert "统筹" in i18n.text("group.mode_joint", "zh")


def test_campuses_share_their_main_schools_subject_posts(instance):
    """A multi-campus school (一校多区) shares subject teachers like a group: with K a campus of H (``[campuses]
    pairs``, no posts shared and no cost per minute, so only the subject posts differ), H and K need 8 hours of
    music and of PE, one teacher each (the campus's 4 hours within 12.8 hours of trips): 2 subject posts for both
    instead of 4, so the plan costs 2 x 1,000 less. Every school is locked open; no groups."""
    import consolidation.model as model
    from consolidation.checks import check_inputs
    from consolidation.io import read_inputs
    from consolidation.solve import solve
    from consolidation.travel import build_pairs

    schools = [dict(s, lock="open") for s in SCHOOLS]
    objective = {}
    for with_campus in (False, True):
        scenario = settings(False)
        scenario["groups"] = {"enabled": False}
        if with_campus:
            scenario["campuses"] = {"pairs": {"K": "H"}, "shared_posts": 0, "per_minute": 0}
        path = instance(schools=schools, villages=VILLAGES, travel=TRAVEL, scenario=scenario)
        loaded = load_scenario(path).scenario
        inputs = check_inputs(read_inputs(loaded), loaded)
        built = model.build_model(build_pairs(inputs, loaded), inputs, loaded)
        objective[with_campus] = solve(built, loaded.solver).objective
    assert objective[False] - objective[True] == pytest.approx(2000)
    frame = pd.DataFrame({"school_id": ["H", "M", "K"], "open": [1, 1, 1], "role": ["kept", "kept", "campus"],
                          "parent_id": ["", "", "H"]})
    counted = subject_posts.count(frame, load_scenario(path).scenario)
    assert counted["subject_posts"].to_dict() == {"H": 2, "M": 2, "K": 0}
