"""Why each school (decisions.csv) and alternative plans: hand-checked deltas, budgets, reasons, folders."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from consolidation import cli
from consolidation.compare.runs import load_runs
from consolidation.pipeline import run_scenario
from consolidation.report.html import render_report
from consolidation.report.tables import read_csv
from consolidation.scenario import load_scenario

HILL_TOWN = dict(
    schools=[
        {"school_id": "S1", "name": "=Hill", "capacity": 20, "annual_cost": 50_000, "bands": "G4_6",
         "can_be_hub": False, "pupils_g4_6": 0},
        {"school_id": "S2", "name": "Town", "capacity": 100, "annual_cost": 100_000, "bands": "G4_6",
         "can_be_hub": True, "pupils_g4_6": 0},
    ],
    villages=[{"village_id": "V1", "name": "Upper", "pupils_g4_6": 10, "school_id": "S1"},
              {"village_id": "V2", "name": "Lower", "pupils_g4_6": 30, "school_id": "S2"}],
    travel=[("V1", "S1", 5), ("V1", "S2", 20), ("V2", "S2", 5)],
)
"""Keeping Hill open costs its 50,000 yuan a year and saves Upper's 10 pupils 15 minutes each (150 pupil-minutes a
day, 15,000 yuan a year at 100 yuan each): the plan closes it, 35,000 yuan a year cheaper. Closing Town leaves
Lower with no school in reach."""

WHY = {"decisions": {"time_budget_s": 30}, "alternatives": {"count": 0}}


def _decisions(out) -> pd.DataFrame:
    return read_csv(out / "decisions.csv", dtype={"school_id": str}).set_index(["school_id", "alternative"])


def test_deltas_by_hand_and_an_impossible_closure(instance, tmp_path):
    result = run_scenario(load_scenario(instance(**HILL_TOWN, scenario=WHY)), out=tmp_path / "run")
    assert result.status == "optimal"
    assert result.plan.schools.set_index("school_id")["open"].to_dict() == {"S1": 0, "S2": 1}
    d = _decisions(tmp_path / "run")
    hill = d.loc[("S1", "open")]
    assert hill["decision"] == "closed" and hill["status"] == "optimal"
    assert hill["delta_public_cost"] == pytest.approx(50_000)
    assert hill["delta_pupil_minutes"] == pytest.approx(10 * (5 - 20))
    assert hill["delta_moved"] == pytest.approx(-10)
    assert hill["delta_objective"] == pytest.approx(50_000 - 15_000)
    assert hill["reason"].startswith("cheaper to bus: closing it saves ¥50,000 a year")
    assert "150 pupil-minutes a day, worth only ¥15,000" in hill["reason"]
    assert "校车接送更省钱" in hill["reason_zh"]
    town = d.loc[("S2", "closed")]
    assert town["status"] == "infeasible" and np.isnan(town["delta_public_cost"])
    assert "V2 (Lower), G4_6, 30 pupils: no school teaching this band is reachable" in town["reason"]
    columns = list(pd.read_csv(tmp_path / "run" / "decisions.csv", nrows=0, encoding="utf-8-sig").columns)
    assert columns[:7] == ["school_id", "decision", "alternative", "delta_public_cost", "delta_pupil_minutes",
                           "delta_moved", "reason"]
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["decisions"]["resolved"] == 2 and summary["decisions"]["not_evaluated"] == 0
    html = (tmp_path / "run" / "report.html").read_text()
    assert "Why each school" in html and "cheaper to bus" in html
    text = (tmp_path / "run" / "decisions.csv").read_text(encoding="utf-8-sig")  # a name that looks like a formula
    assert ",=Hill" not in text and "'=Hill" in text


def test_budget_spent_and_max_schools_give_rows_without_numbers(instance):
    for key, value, words in (("time_budget_s", 0, "time budget ([decisions] time_budget_s = 0 s)"),
                              ("max_schools", 0, "max_schools = 0"), ("enabled", False, "enabled = false")):
        scenario = {"decisions": {"time_budget_s": 30, key: value}, "alternatives": {"count": 0}}
        d = run_scenario(load_scenario(instance(**HILL_TOWN, scenario=scenario))).decisions.table
        assert set(d["school_id"]) == {"S1", "S2"}
        assert (d["status"] == "not_evaluated").all()
        assert d[["delta_public_cost", "delta_pupil_minutes", "delta_moved"]].isna().all().all()
        assert d["reason"].str.contains(words, regex=False).all(), d["reason"].tolist()


def test_locked_and_unreachable_schools_are_fixed(instance):
    schools = [{**HILL_TOWN["schools"][0], "lock": "open"}, HILL_TOWN["schools"][1],
               {"school_id": "S3", "name": "Far", "capacity": 50, "annual_cost": 10_000, "bands": "G4_6",
                "can_be_hub": True, "pupils_g4_6": 0}]
    result = run_scenario(load_scenario(instance(**{**HILL_TOWN, "schools": schools}, scenario=WHY)))
    d = result.decisions.table.set_index("school_id")
    assert d.loc["S1", "status"] == "fixed" and "locked open" in d.loc["S1", "reason"]
    assert d.loc["S3", "status"] == "fixed" and "no pupil can reach it" in d.loc["S3", "reason"]


def _random_county(rng: np.random.Generator) -> dict:
    n_schools, n_villages = 4, 7
    schools = [{"school_id": f"S{j}", "name": f"School {j}", "capacity": int(rng.integers(20, 80)),
                "annual_cost": int(rng.integers(5, 60)) * 1000, "bands": "G4_6", "can_be_hub": True,
                "pupils_g4_6": 0} for j in range(n_schools)]
    villages = [{"village_id": f"V{i}", "name": f"Village {i}", "pupils_g4_6": int(rng.integers(1, 20)),
                 "school_id": f"S{i % n_schools}"} for i in range(n_villages)]
    travel = [(f"V{i}", f"S{j}", float(rng.integers(2, 40))) for i in range(n_villages) for j in range(n_schools)
              if j == i % n_schools or rng.random() < 0.7]
    return {"schools": schools, "villages": villages, "travel": travel}


def test_no_other_decision_beats_the_plan_and_alternatives_keep_their_promises(instance, tmp_path):
    """Property: on random small counties every re-solve costs at least the plan (within the solver's gap); each
    alternative is within `within` of the plan's objective and differs from the plan and the alternatives before
    it in at least `min_difference` schools."""
    rng = np.random.default_rng(16)
    for _case in range(1):  # one county: 4 schools, 3-5 re-solves and 2 alternatives (about 3 s on 2 cores)
        scenario = {"rules": {"G4_6": {"max_minutes": 45}}, "decisions": {"time_budget_s": 30},
                    "alternatives": {"count": 2, "within": 0.5, "min_difference": 2}}
        result = run_scenario(load_scenario(instance(**_random_county(rng), scenario=scenario)))
        objective = result.summary["objective"]
        d = result.decisions.table
        assert len(d[d["status"] == "optimal"]) >= 4
        solved = d[d["status"] == "optimal"]
        assert (solved["delta_objective"] >= -1e-3 * abs(objective)).all()
        plans = [result.plan] + [a.plan for a in result.alternatives.found]
        for i, alt in enumerate(result.alternatives.found, start=1):
            assert alt.plan.summary["objective"] <= objective * 1.5 + 1e-6
            mine = plans[i].schools.set_index("school_id")["open"]
            for before in plans[:i]:
                assert (mine != before.schools.set_index("school_id")["open"]).sum() >= 2


def test_alternatives_are_run_folders_compare_reads(instance, tmp_path):
    scenario = {"decisions": {"time_budget_s": 0}, "alternatives": {"count": 2, "within": 1.0}}
    out = tmp_path / "run"
    result = run_scenario(load_scenario(instance(**HILL_TOWN, scenario=scenario)), out=out)
    assert [a.name for a in result.alternatives.found] == ["alt1"]  # S2 must stay open: one other plan
    assert result.alternatives.stopped == "none_within"
    alt = out / "alternatives" / "alt1"
    assert read_csv(alt / "schools.csv", dtype={"school_id": str}).set_index("school_id")["open"].to_dict() == \
        {"S1": 1, "S2": 1}
    table = read_csv(out / "alternatives.csv")
    assert table.loc[0, "delta_objective"] == pytest.approx(35_000) and table.loc[0, "schools_differ"] == "S1:open"
    html = (out / "report.html").read_text()
    assert "Alternative plans" in html and "Close calls" in html
    plan, other = load_runs([out, alt])  # what `consolidation compare` reads: both are complete run folders
    assert other.has_plan and other.name == "tiny alt1" and (alt / "decisions.csv").exists()


def test_no_alternative_within_the_bound_says_so(instance):
    scenario = {"decisions": {"time_budget_s": 0}, "alternatives": {"count": 1, "within": 0.01}}
    result = run_scenario(load_scenario(instance(**HILL_TOWN, scenario=scenario)))
    assert result.alternatives.found == () and result.alternatives.stopped == "none_within"
    html = render_report(summary=result.summary, schools=result.plan.schools, assignments=result.plan.assignments,
                         alternatives=result.alternatives)
    assert "No other plan differs in at least 1 school(s) within 1.0% of the objective" in html


@pytest.mark.parametrize("setting, words", [
    ("decisions.time_budget_s=-1", "decisions.time_budget_s"),
    ("decisions.time_budget_s=\"soon\"", "decisions.time_budget_s"),
    ("alternatives.within=2", "alternatives.within"),
    ("alternatives.min_difference=0", "alternatives.min_difference"),
    ("decisions.max_school=3", "Did you mean 'max_schools'"),
])
def test_bad_settings_exit_2_naming_the_key(instance, tmp_path, setting, words):
    result = CliRunner().invoke(cli.main, ["run", str(instance(**HILL_TOWN)), "--out", str(tmp_path / "x"),
                                           "--set", setting])
    assert result.exit_code == 2 and words in result.output, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("variable", ["CONSOLIDATION_DECISIONS_BUDGET_S", "CONSOLIDATION_ALTERNATIVES_COUNT"])
def test_bad_environment_default_exits_2(instance, tmp_path, monkeypatch, variable):
    monkeypatch.setenv(variable, "=1+1")
    result = CliRunner().invoke(cli.main, ["run", str(instance(**HILL_TOWN)), "--out", str(tmp_path / "x")])
    assert result.exit_code == 2 and f"{variable} = '=1+1'" in result.output, result.output
    assert not (tmp_path / "x").exists()


def test_every_example_run_folder_has_decisions_csv(example_run):
    run = example_run("young_by_bus")  # in the suite nothing is re-solved (conftest): every row not evaluated
    d = read_csv(run.out / "decisions.csv", dtype={"school_id": str})
    assert len(d) == 34 and set(d["decision"]) == {"open", "closed"} and (d["status"] == "not_evaluated").all()
    assert d["reason"].str.startswith("not evaluated: the time budget ([decisions] time_budget_s = 0 s)").all()
    assert not (run.out / "alternatives").exists()


def test_a_run_without_a_plan_still_has_decisions_csv(instance, tmp_path):
    scenario = {**WHY, "rules": {"G4_6": {"max_minutes": 1}}}
    result = run_scenario(load_scenario(instance(**HILL_TOWN, scenario=scenario)), out=tmp_path / "none")
    assert result.status == "infeasible"
    d = pd.read_csv(tmp_path / "none" / "decisions.csv", encoding="utf-8-sig")
    assert d.empty and list(d.columns[:3]) == ["school_id", "decision", "alternative"]


def test_sweeps_and_provinces_re_solve_only_when_the_scenario_asks(instance):
    from consolidation.pipeline import without_why

    quiet = without_why(load_scenario(instance(**HILL_TOWN))).scenario
    assert quiet.decisions.time_budget_s == 0 and quiet.alternatives.count == 0
    asked = without_why(load_scenario(instance(**HILL_TOWN, scenario=WHY), ["alternatives.count=3"])).scenario
    assert asked.decisions.time_budget_s == 30 and asked.alternatives.count == 3
