"""Who loses what (trips today and after, why here) and the policy checks, on a county checkable by hand.

Schools: S, a village primary whose running cost closes it; H, the hub (12 places, may grow); F, a full primary
(10 places, cannot grow) nearest to V2; K, a primary with one class of 46 grades 4-6 pupils (the scenario's
class size is 50, policy's 45). Villages (grades 1-3 unless said):

- V1, 10 pupils, today at S (5 min); F 8 min (full), H 31 min: S closes, so V1 rides 31 min to H
  (+26 min; the scenario allows 40, policy 30: a breach), and H (12 places; 10 + 5 + 2 + 3 pupils after) must
  add 8 places first (build before close);
- V2, 5 pupils, today at H (20 min), F 3 min but full (places 10, used 10): stays at H (no change);
- V3, 10 pupils, at F (2 min; F is all V3 can reach), V4, 2 pupils at H (28 min: near the 30-min limit;
  the data do not say where V4 goes today: the nearest school, H, is taken);
- V5, 46 pupils of grades 4-6 at K (1 min);
- V6, 3 pupils, today at F, for which the travel file has no time (H: 10 min).
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from consolidation.pipeline import run_scenario
from consolidation.policy import CHECK_COLUMNS, policy_checks, school_kind
from consolidation.report.tables import read_csv
from consolidation.scenario import load_scenario
from consolidation.errors import ScenarioError
from hostile import assert_refused, invoke, tiny_county

COSTS = {"school_annual": 1000, "per_pupil_minute": 1, "per_place_added": 1, "per_bed_added": 0,
         "per_boarder": 0, "capital_years": 1}


def county(instance, **scenario):
    schools = [
        {"school_id": "S", "name": "Shanxia", "capacity": 30, "bands": "G1_3,G4_6", "can_be_hub": False,
         "annual_cost": 1_000_000, "pupils_g1_3": 10},
        {"school_id": "H", "name": "Hub", "capacity": 12, "max_capacity": 200, "bands": "G1_3,G4_6", "lock": "open",
         "pupils_g1_3": 7},
        {"school_id": "F", "name": "Full", "capacity": 10, "max_capacity": 10, "bands": "G1_3,G4_6",
         "lock": "open", "pupils_g1_3": 10},
        {"school_id": "K", "name": "Kou", "capacity": 50, "bands": "G1_3,G4_6", "lock": "open", "pupils_g4_6": 46},
    ]
    villages = [{"village_id": "V1", "name": "@Yi", "pupils_g1_3": 10, "school_id": "S"},  # formula-looking
                {"village_id": "V2", "name": "Er", "pupils_g1_3": 5, "school_id": "H"},
                {"village_id": "V3", "name": "San", "pupils_g1_3": 10, "school_id": "F"},
                {"village_id": "V4", "name": "Si", "pupils_g1_3": 2},  # its school today not given
                {"village_id": "V5", "name": "Wu", "pupils_g4_6": 46, "school_id": "K"},
                {"village_id": "V6", "name": "Liu", "pupils_g1_3": 3, "school_id": "F"}]  # no time to F listed
    travel = [("V1", "S", 5), ("V1", "F", 8), ("V1", "H", 31), ("V2", "F", 3), ("V2", "H", 20), ("V3", "F", 2),
              ("V4", "H", 28), ("V5", "K", 1), ("V6", "H", 10)]
    base = {"costs": COSTS, "rules": {"G1_3": {"max_minutes": 40, "boarding": False}},
            "teachers": {"class_size_primary": 50}, **scenario}
    return instance(schools=schools, villages=villages, travel=travel, scenario=base)


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    """The county above, solved and written once (about a second)."""
    from conftest import write_instance  # the instance fixture is per test; this one is per module

    folder = tmp_path_factory.mktemp("losers")
    path = county(lambda **kw: write_instance(folder / "case", **kw))
    return run_scenario(load_scenario(path), out=folder / "run")


def row(result, origin, band="G1_3"):
    a = result.plan.assignments
    return a[(a["origin_id"] == origin) & (a["band"] == band)].iloc[0]


def test_trips_today_and_after_by_hand(solved):
    v1, v2 = row(solved, "V1"), row(solved, "V2")
    assert (v1["school_today"], v1["school_today_from"], v1["minutes_today"]) == ("S", "data", 5)
    assert (v1["school_id"], v1["minutes"], v1["minutes_change"]) == ("H", 31, 26)
    assert (v2["school_today"], v2["school_id"], v2["minutes_change"]) == ("H", "H", 0)
    change = solved.summary["trips_change"]
    assert change["pupils_longer_10"] == change["pupils_longer_20"] == 10
    assert change["by_band"]["G1_3"]["pupils_longer_20"] == 10 and change["by_band"]["G4_6"]["pupils_longer_10"] == 0
    assert change["pupils_school_changed"] == 10 + 3  # 分流学生: V1's ten and V6's three


def test_school_today_inferred_or_without_minutes_is_said(solved):
    v4, v6 = row(solved, "V4"), row(solved, "V6")
    assert (v4["school_today"], v4["school_today_from"], v4["minutes_change"]) == ("H", "nearest", 0)
    assert (v6["school_today"], v6["school_today_from"]) == ("F", "data")
    assert pd.isna(v6["minutes_today"]) and pd.isna(v6["minutes_change"])  # never a silent 0
    change = solved.summary["trips_change"]
    assert change["pupils_school_today_inferred"] == 2 and change["pupils_minutes_today_unknown"] == 3
    notes = " ".join(solved.summary["reasons"])
    assert "school attended today by V4 G1_3" in notes and "No travel time to today's school for V6 G1_3 (F)" in notes


def test_why_here_names_the_closed_and_the_full_school(solved):
    v1, v2 = row(solved, "V1"), row(solved, "V2")
    assert v1["why_code"] == "closed" and "Shanxia (S)" in v1["why_here"] and "closes" in v1["why_here"]
    assert (v2["why_code"], v2["nearest_school_id"], v2["why_used"], v2["why_limit"]) == ("full", "F", 10, 10)
    assert v2["why_here"] == "Full (F) is nearer (3.0 min) but full (places 10, used 10)"
    assert row(solved, "V3")["why_code"] == ""  # at its nearest school


def test_policy_checks_by_hand(solved):
    checks = solved.checks.set_index(["check", "severity"])
    trips = checks.loc[("g1_3_trip", "breach")]
    assert (trips["village_id"], trips["school_id"], trips["value"], trips["limit"]) == ("V1", "H", 31, 30)
    assert checks.loc[("g1_3_trip", "near"), "village_id"] == "V4"  # 28 min > 0.9 x 30
    classes = checks.loc[("class_size", "breach")]
    assert (classes["school_id"], classes["band"], classes["value"], classes["limit"]) == ("K", "G4_6", 46, 45)
    build = checks.loc[("build_before_close", "near")]
    assert build["school_id"] == "S" and "Hub (H)" in build["message"]
    assert build["message"].endswith("must first add 8 places: close it only once they are built and usable")
    assert solved.summary["policy_checks"]["breaches"] == 2 and solved.summary["policy_checks"]["near"] == 2
    assert not (solved.checks["check"] == "g1_3_boarders").any()


def test_run_folder_has_the_columns_checks_csv_and_report_sections(solved):
    a = read_csv(solved.out / "assignments.csv", keep_default_na=False)
    assert {"school_today", "minutes_today", "minutes_change", "why_here"} <= set(a.columns)
    checks = read_csv(solved.out / "checks.csv")
    assert list(checks.columns) == CHECK_COLUMNS and len(checks) == 4
    assert "@Yi (V1): grades 1-3 travel 31.0 min" in checks["message"].tolist()[0]
    assert "\n'@Yi (V1)" not in (solved.out / "checks.csv").read_text(encoding="utf-8-sig")  # not first in its cell
    assert ",'@Yi (V1): grades 1-3" in (solved.out / "checks.csv").read_text(encoding="utf-8-sig")
    html = (solved.out / "report.html").read_text(encoding="utf-8")
    assert "Who loses what" in html and "Policy checks" in html and "Shanxia" in html


def test_boarders_of_grades_1_3_and_beds_are_breaches(solved):
    plan = solved.plan
    a = plan.assignments.copy()
    a.loc[(a["origin_id"] == "V4"), "boards"] = 1
    s = plan.schools.copy()
    s.loc[s["school_id"] == "H", "boarders"] = 2.0
    checks = policy_checks(dataclasses.replace(plan, assignments=a, schools=s), _inputs(solved), _scenario(solved))
    assert ((checks["check"] == "g1_3_boarders") & (checks["village_id"] == "V4")).sum() == 1
    beds = checks[checks["check"] == "beds"].iloc[0]
    assert (beds["school_id"], beds["value"], beds["limit"]) == ("H", 2, 0)


def _scenario(result):
    return load_scenario(result.out.parent / "case" / "scenario.toml").scenario


def _inputs(result):
    from consolidation.pipeline import prepare

    return prepare(load_scenario(result.out.parent / "case" / "scenario.toml"))[0]


@pytest.mark.parametrize("bands, kind", [({"G1_3"}, "incomplete"), ({"G1_3", "G4_6"}, "complete"),
                                         ({"G7_9"}, "junior"), ({"G4_6", "G7_9"}, "nine_year")])
def test_school_kind_by_bands(bands, kind):
    assert school_kind(bands) == kind


def test_near_share_one_flags_breaches_only(instance):
    r = run_scenario(load_scenario(county(instance, policy={"near": 1.0})))
    near = r.checks[r.checks["severity"] == "near"]
    assert list(near["check"]) == ["build_before_close"]  # a condition on the closure, not a share of a limit
    assert r.summary["policy_checks"]["breaches"] == 2


def test_checks_csv_is_written_empty_without_a_plan(tmp_path):
    path = tiny_county(tmp_path / "c", rules={"G1_3": {"max_minutes": 1, "boarding": False}})
    result = invoke("run", path, "--out", tmp_path / "out", "-q")
    assert result.exit_code == 3, result.output
    checks = pd.read_csv(tmp_path / "out" / "checks.csv", encoding="utf-8-sig")
    assert list(checks.columns) == CHECK_COLUMNS and checks.empty


def test_maojiaxia_reason_in_young_by_bus(example_run):
    """The issue guessed "Agan is full": it is not (270 places, 242 used); it is 0.01 min nearer, and sending the 5
    pupils there would take one more bus."""
    r = example_run("young_by_bus")
    m = row(r, "V055", "G7_9")
    assert (m["school_id"], m["nearest_school_id"], m["why_code"]) == ("S29", "S30", "cheaper")
    assert m["why_here"].startswith("Agan Township Central School (S30) is nearer (56.46 min) and has room")
    assert "Running school buses +¥185,000" in m["why_here"]
    assert (r.out / "checks.csv").exists() and (r.out / "change.png").exists()


@pytest.mark.parametrize("setting, culprit", [
    ("policy.near=0", "policy.near"), ("policy.near=1.5", "policy.near"),
    ("policy.class_size_primary=\"many\"", "policy.class_size_primary"),
    ("policy.g1_3_max_minutes=-30", "policy.g1_3_max_minutes"), ("policy.nera=0.9", "policy.nera"),
])
def test_hostile_policy_values_are_refused(tmp_path, setting, culprit):
    path = tiny_county(tmp_path / "c")
    with pytest.raises(ScenarioError):
        load_scenario(path, [setting])
    assert_refused(invoke("run", path, "--out", tmp_path / "out", "--set", setting), culprit)
