"""End to end: the CLI on the embedded example county, its outputs, errors and exit codes."""

from __future__ import annotations

import json
import sqlite3
import tomllib

import pandas as pd
import pytest
from click.testing import CliRunner

from consolidation import cli
from consolidation.before_after import CHANGE_COLUMNS
from consolidation.plan import ASSIGNMENT_COLUMNS
from consolidation.scenario import Scenario, load_scenario

from conftest import REPO

BASELINE = REPO / "scenarios" / "baseline.toml"


def invoke(*args):
    return CliRunner().invoke(cli.main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def baseline_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "baseline"
    result = invoke("run", BASELINE, "--out", out, "--set", "solver.time_limit_s=60")
    return result, out


def test_run_writes_every_output(baseline_run):
    result, out = baseline_run
    assert result.exit_code == 0, result.output
    assert "baseline: optimal" in result.output and "report.html" in result.output
    for name in ("summary.json", "assignments.csv", "schools.csv", "plan.gpkg", "map.png", "report.html", "report.pdf",
                 "scenario.resolved.toml", "run.json"):
        assert (out / name).stat().st_size > 0, name
    assert not list(out.parent.glob(".*partial*"))


def test_summary_contract(baseline_run):
    _, out = baseline_run
    s = json.loads((out / "summary.json").read_text())
    for key in ("status", "objective", "gap", "solver", "seconds", "schools_open", "schools_closed", "pupils_total",
                "pupils_moved", "boarders", "boarders_g1_3", "places_added", "beds_added", "travel_minutes", "cost"):
        assert key in s, key
    assert s["status"] == "optimal" and s["boarders_g1_3"] == 0
    assert s["pupils_total"] == 5152  # every pupil of the example county
    assert set(s["travel_minutes"]) == {"G1_3", "G4_6", "G7_9"}
    assert {"mean", "p90", "max"} <= set(s["travel_minutes"]["G4_6"])
    assert s["cost"]["total"] == pytest.approx(s["objective"])
    assert s["cost"]["total"] == pytest.approx(sum(v for k, v in s["cost"].items() if k != "total"))


def test_tables_contract(baseline_run):
    _, out = baseline_run
    a = pd.read_csv(out / "assignments.csv", dtype={"origin_id": str, "school_id": str})
    assert list(a.columns) == ASSIGNMENT_COLUMNS + CHANGE_COLUMNS  # the plan's, then who loses what
    assert a["pupils"].sum() == pytest.approx(5152)
    assert set(a["boards"]) <= {0, 1}
    s = pd.read_csv(out / "schools.csv")
    for column in ("school_id", "name", "open", "role", "pupils_g1_3", "pupils_g4_6", "pupils_g7_9", "capacity",
                   "places_added", "beds", "beds_used", "beds_added", "kind"):
        assert column in s.columns, column
    assert set(s["role"]) <= {"hub", "kept", "teaching_point", "closed"} and len(s) == 34
    assert s["pupils"].sum() == pytest.approx(5152)


def test_geopackage_layers(baseline_run):
    _, out = baseline_run
    with sqlite3.connect(out / "plan.gpkg") as db:
        layers = {row[0] for row in db.execute("select table_name from gpkg_contents")}
    assert layers == {"schools", "villages", "assignments", "boundary"}


def test_provenance(baseline_run):
    _, out = baseline_run
    run = json.loads((out / "run.json").read_text())
    assert run["overrides"] == [{"key": "solver.time_limit_s", "old": 120, "new": 60}]
    assert set(run["inputs"]) == {"schools", "villages", "boundary"}
    assert all(len(v["sha256"]) == 64 for v in run["inputs"].values())
    assert run["versions"]["pulp"].startswith("3.")
    resolved = tomllib.loads((out / "scenario.resolved.toml").read_text())
    assert Scenario.model_validate(resolved) == load_scenario(BASELINE, ["solver.time_limit_s=60"]).scenario


def test_report_html_is_self_contained(baseline_run):
    _, out = baseline_run
    html = (out / "report.html").read_text()
    assert "baseline" in html and "data:image/png;base64," in html
    assert "Weiling Township Central School" in html
    assert 'src="http' not in html and "<link" not in html


def test_never_overwrites_without_asking(baseline_run):
    _, out = baseline_run
    before = (out / "summary.json").read_bytes()
    result = CliRunner().invoke(cli.main, ["run", str(BASELINE), "--out", str(out)])
    assert result.exit_code == 2
    assert "already exists" in result.output and "--overwrite" in result.output
    assert (out / "summary.json").read_bytes() == before


def test_overwrite_when_asked(tmp_path):
    out = tmp_path / "again"
    # what is tested is the folder, not the plan: a short time limit keeps the solves short
    assert invoke("run", BASELINE, "--out", out, "-q", "--time-limit", "3").exit_code == 0
    before = (out / "run.json").read_text()
    result = invoke("run", BASELINE, "--out", out, "--overwrite", "-q", "--set", "rules.G4_6.max_minutes=60",
                    "--time-limit", "3")
    assert result.exit_code == 0
    assert (out / "run.json").read_text() != before and "max_minutes" in (out / "run.json").read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["again"]


def test_overwrite_never_replaces_what_the_planner_did_not_write(tmp_path):
    out = tmp_path / "again"
    out.mkdir()
    (out / "old.txt").write_text("earlier")
    result = CliRunner().invoke(cli.main, ["run", str(BASELINE), "--out", str(out), "--overwrite", "-q"])
    assert result.exit_code == 2 and "not written by the planner" in result.output and str(out) in result.output
    assert [p.name for p in out.iterdir()] == ["old.txt"]


def test_interrupted_run_leaves_no_folder(tmp_path, monkeypatch):
    import consolidation.report.folder as folder

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(folder, "draw_plan_map", broken)
    out = tmp_path / "broken"
    result = CliRunner().invoke(cli.main, ["run", str(BASELINE), "--out", str(out), "-q", "--time-limit", "3"])
    assert result.exit_code == 1 and "disk full" in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_malformed_scenario_exit_code(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(f'extends = "{BASELINE}"\nname = "bad"\n[rules.G4_6]\nmax_minute = 45\n')
    result = CliRunner().invoke(cli.main, ["run", str(bad), "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "unknown key 'rules.G4_6.max_minute'. Did you mean 'max_minutes'?" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "x").exists()


def test_bad_set_value_exit_code(tmp_path):
    result = CliRunner().invoke(cli.main, ["validate", str(BASELINE), "--set", "rules.G4_6.max_minutes=soon"])
    assert result.exit_code == 2 and "rules.G4_6.max_minutes" in result.output


def test_bad_data_exit_code(tmp_path):
    schools = pd.read_csv(REPO / "data" / "schools.csv", dtype=str)
    schools.loc[3, "capacity"] = "lots"
    schools.to_csv(tmp_path / "schools.csv", index=False)
    scenario = tmp_path / "s.toml"
    scenario.write_text(f'extends = "{BASELINE}"\nname = "bad_data"\n[inputs]\nschools = "schools.csv"\n')
    result = CliRunner().invoke(cli.main, ["validate", str(scenario)])
    assert result.exit_code == 2
    assert "column capacity has values that are not numbers for school_id S04" in result.output


def test_infeasible_exit_code_and_report(tmp_path):
    # Grades 1-3 walking at most 5 minutes: most villages have no school that near.
    out = tmp_path / "strict"
    result = CliRunner().invoke(cli.main, ["run", str(BASELINE), "--out", str(out), "--set",
                                           "rules.G1_3.max_minutes=5"])
    assert result.exit_code == 3
    assert "no school in reach" in result.output and "G1_3" in result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "infeasible" and summary["reasons"]
    html = (out / "report.html").read_text()
    assert "no school in reach" in html
    assert "Changed for this run: <code>rules.G1_3.max_minutes: 30 \u2192 5</code>" in html
    assert summary["overrides"] == [{"key": "rules.G1_3.max_minutes", "old": 30, "new": 5}]


def test_validate(tmp_path):
    result = invoke("validate", BASELINE)
    assert result.exit_code == 0 and "valid" in result.output
    result = CliRunner().invoke(cli.main, ["validate", str(BASELINE), "--set", "rules.G1_3.max_minutes=5"])
    assert result.exit_code == 3 and "cannot have a plan" in result.output


def test_no_solution_exit_code(tmp_path, monkeypatch):
    import consolidation.pipeline as pipeline
    from consolidation.solve import Outcome

    def nothing(model, settings, **kwargs):
        return Outcome(status="no_solution", objective=None, gap=None, solver="highs", seconds=1.0)

    monkeypatch.setattr(pipeline, "solve", nothing)
    result = CliRunner().invoke(cli.main, ["run", str(BASELINE), "--out", str(tmp_path / "late")])
    assert result.exit_code == 4 and "time limit" in result.output


def test_reference_lists_every_key():
    result = invoke("reference")
    for key in ("rules.G4_6.max_minutes", "boarding.max_weekly_minutes", "schools.open_exactly",
                "costs.per_bed_added", "solver.time_limit_s", "inputs.complete"):
        assert f"`{key}`" in result.output


def test_example_scenarios_differ_as_documented(example_run):
    """The example scenarios differ in what officials weigh: closures, boarders, cost."""
    runs = {name: example_run(name).summary for name in ("baseline", "g4_6_day_60min", "young_by_bus")}
    assert runs["g4_6_day_60min"]["boarders"] < runs["baseline"]["boarders"]
    assert runs["young_by_bus"]["schools_closed"] > runs["baseline"]["schools_closed"]
    assert runs["young_by_bus"]["objective"] < runs["baseline"]["objective"]


def test_solver_progress_bar(capsys):
    import time

    with cli._solver_progress(3, show=True):
        time.sleep(1.2)
    assert "solving" in capsys.readouterr().err
