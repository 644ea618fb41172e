"""Adversarial suite, commands: hostile options, broken run folders, failing runs inside sweeps and
provinces, and hostile names in every output (CSV formula injection, HTML escaping).

Each refusal asserts the exit code, no traceback, a message naming the culprit, nothing complete-looking
left where the output would go, and no change to the files the command read.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from consolidation.report.tables import TRIGGERS, neutralise, read_csv, unquote, write_csv

from conftest import REPO, write_instance
from hostile import assert_refused, complete_looking, invoke, output, snapshot, tiny_county

# ----------------------------------------------------------------------------------------------- fixtures


@pytest.fixture
def county(tmp_path) -> Path:
    """A valid tiny county's scenario, in its own folder under tmp_path."""
    return tiny_county(tmp_path / "county")


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """Two finished run folders of one tiny county (made once), to copy and break."""
    base = tmp_path_factory.mktemp("runs")
    scenario = tiny_county(base / "county")
    made = {}
    for name, cost in (("a", 100), ("b", 1)):
        result = invoke("run", scenario, "--out", base / name, "-q", "--set", f"costs.per_pupil_minute={cost}")
        assert result.exit_code == 0, output(result)
        made[name] = base / name
    return made


def _refused(result, *culprits, out: Path | None = None, watched: dict[Path, dict] | None = None,
             code: int = 2) -> str:
    """The full check of a refusal: exit code, no traceback, culprits named, nothing complete at ``out``,
    and every watched folder unchanged."""
    text = assert_refused(result, *culprits, code=code)
    if out is not None:
        assert complete_looking(out) == [], f"complete-looking output left at {out}"
    for folder, before in (watched or {}).items():
        assert snapshot(folder) == before, f"{folder} changed"
    return text


# ------------------------------------------------------------------------------------- run: --time-limit

@pytest.mark.parametrize("value", ["0", "-5", "inf", "nan", "-inf", "abc", "1e400", ""])
def test_run_refuses_a_time_limit_that_is_not_a_positive_finite_number(county, tmp_path, value):
    before = snapshot(county.parent)
    result = invoke("run", county, "--out", tmp_path / "out", f"--time-limit={value}")
    _refused(result, "--time-limit", out=tmp_path / "out", watched={county.parent: before})
    assert not (tmp_path / "out").exists()


def test_run_with_a_tiny_positive_time_limit_is_taken_not_ignored(county, tmp_path):
    result = invoke("run", county, "--out", tmp_path / "out", "--time-limit", "1e-9", "-q")
    assert result.exit_code in (0, 4), output(result)
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert [o["new"] for o in run["overrides"] if o["key"] == "solver.time_limit_s"] == [pytest.approx(1e-9)]


def test_run_with_absurd_costs_is_refused_before_solving(county, tmp_path):
    # 1e300 would reach HiGHS's "infinite cost" (1e20) and end the solve at once with no plan; the scenario
    # schema refuses any yuan amount above 1e9 first, naming the key.
    result = invoke("run", county, "--out", tmp_path / "out", "-q", "--set", "costs.per_pupil_minute=1e300")
    text = assert_refused(result, "costs.per_pupil_minute", "mistake")
    assert "time_limit" not in text and not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------------------------- --workers

@pytest.mark.parametrize("command", ["sweep", "province"])
@pytest.mark.parametrize("workers", ["0", "-1"])
def test_workers_below_one_are_refused_before_anything_runs(county, tmp_path, command, workers):
    before = snapshot(county.parent)
    args = ([county, "--vary", "costs.per_pupil_minute=1,2"] if command == "sweep"
            else [county.parent, "--scenario", county])
    result = invoke(command, *args, "--workers", workers, "--out", tmp_path / "out")
    _refused(result, "--workers", out=tmp_path / "out", watched={county.parent: before})


# ------------------------------------------------------------------------------------------------ --vary

VARY_CASES = [
    (["k=,,,"], ["k=,,,", "no values"]),
    (["costs.per_pupil_minute="], ["costs.per_pupil_minute", "no values"]),
    (["costs.per_pupil_minute"], ["costs.per_pupil_minute", "KEY=V1,V2"]),
    (["=1,2"], ["=1,2", "KEY=V1,V2"]),
    (["costs.per_pupil_minute=1,,2"], ["costs.per_pupil_minute=1,,2", "empty value"]),
    (["costs.per_pupil_minute=1,2,"], ["costs.per_pupil_minute=1,2,", "empty value"]),
    (["costs.per_pupil_minute=1,1"], ["costs.per_pupil_minute", "given twice"]),
    (["costs.per_pupil_minute=1", "costs.per_pupil_minute=2"], ["costs.per_pupil_minute", "given twice"]),
    (["costs.per_pupil_mintue=1,2"], ["costs.per_pupil_mintue", "per_pupil_minute"]),
    (["rules.G4_6.max_minutes=abc,40"], ["rules.G4_6.max_minutes", "abc"]),
    (["rules.G4_6.max_minutes=40,-5"], ["rules.G4_6.max_minutes", "-5"]),
    (["rules.G4_6=30,40"], ["rules.G4_6"]),
    (["costs.per_pupil_minute=" + ",".join(str(i) for i in range(1, 12)),
      "costs.school_annual=" + ",".join(str(i) for i in range(1, 11)),
      "costs.per_boarder=" + ",".join(str(i) for i in range(1, 11))], ["1,100 runs", "--max-runs 1100"]),
]


@pytest.mark.parametrize("vary, culprits", VARY_CASES, ids=[" ".join(v)[:40] for v, _ in VARY_CASES])
def test_sweep_refuses_bad_vary_naming_the_item(county, tmp_path, vary, culprits):
    before = snapshot(county.parent)
    args = [a for item in vary for a in ("--vary", item)]
    result = invoke("sweep", county, *args, "--serial", "--out", tmp_path / "sw")
    _refused(result, *culprits, out=tmp_path / "sw", watched={county.parent: before})
    assert not (tmp_path / "sw").exists()


def test_sweep_max_runs_lets_a_big_sweep_through_when_asked(county, tmp_path):
    result = invoke("sweep", county, "--vary", "costs.per_pupil_minute=1,2,3", "--max-runs", "2", "--serial",
                    "--out", tmp_path / "sw")
    _refused(result, "3 runs", "--max-runs 3", out=tmp_path / "sw")
    result = invoke("sweep", county, "--vary", "costs.per_pupil_minute=1,2", "--max-runs", "2", "--serial",
                    "--out", tmp_path / "sw", "-q")
    assert result.exit_code == 0, output(result)


def test_sweep_without_anything_to_vary_is_refused(county, tmp_path):
    result = invoke("sweep", county, "--serial", "--out", tmp_path / "sw")
    _refused(result, "nothing to vary", str(county), out=tmp_path / "sw")


# ----------------------------------------------------------------------- failing runs: one line, and a log

def test_a_failing_run_in_a_sweep_is_one_line_on_the_terminal_and_a_traceback_in_failures_log(
        county, tmp_path, monkeypatch):
    import consolidation.pipeline as pipeline

    real = pipeline.run_scenario

    def flaky(loaded, **kwargs):
        if loaded.scenario.costs.per_pupil_minute == 2:
            raise RuntimeError("disk on fire\nsecond line of the message")
        return real(loaded, **kwargs)

    monkeypatch.setattr(pipeline, "run_scenario", flaky)
    result = invoke("sweep", county, "--vary", "costs.per_pupil_minute=1,2", "--serial", "--out", tmp_path / "sw",
                    "-q")
    text = output(result)
    assert result.exit_code == 3, text
    assert "Traceback" not in text
    failed = [line for line in result.stderr.splitlines() if "disk on fire" in line]
    assert len(failed) == 1 and "per_pupil_minute=2" in failed[0], text
    assert "failures.log" in text
    log = (tmp_path / "sw" / "failures.log").read_text()
    assert "Traceback" in log and "second line of the message" in log and "per_pupil_minute=2" in log
    with open(tmp_path / "sw" / "sweep.csv", newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [r["status"] for r in rows] == ["optimal", "error"]
    assert "\n" not in rows[1]["error"] and "Traceback" not in rows[1]["error"] and "disk on fire" in rows[1]["error"]


def test_a_broken_county_in_a_province_is_one_line_and_a_log(tmp_path):
    province = tmp_path / "province"
    scenario = tiny_county(province / "good")
    tiny_county(province / "broken")
    pd.read_csv(province / "broken" / "schools.csv").drop(columns="capacity").to_csv(
        province / "broken" / "schools.csv", index=False)
    before = snapshot(province)
    result = invoke("province", province, "--scenario", scenario, "--serial", "--out", tmp_path / "p", "-q")
    text = output(result)
    assert result.exit_code == 3, text
    assert "Traceback" not in text
    lines = [line for line in result.stderr.splitlines() if line.startswith("- broken")]
    assert len(lines) == 1 and "capacity" in lines[0], text
    log = (tmp_path / "p" / "failures.log").read_text()
    assert "broken" in log and "capacity" in log and "good" not in log.split("==", 1)[1].split("\n", 1)[0]
    table = pd.read_csv(tmp_path / "p" / "province.csv", keep_default_na=False)
    assert not table["error"].str.contains("\n").any()
    assert snapshot(province) == before


# ---------------------------------------------------------------------------------- compare: broken runs

def _break(folder: Path, how: str) -> str:
    """Damage a copy of a run folder one way; return the text the refusal must name."""
    culprit = _break_summary_file(folder, how) or _break_summary_fields(folder, how) or _break_other_file(folder, how)
    if culprit is None:
        raise AssertionError(how)
    return culprit


def _break_summary_file(folder: Path, how: str) -> str | None:
    if how == "summary is a list":
        (folder / "summary.json").write_text("[1, 2, 3]")
        return "summary.json"
    if how == "summary is not JSON":
        (folder / "summary.json").write_text("{not json")
        return "summary.json"
    if how == "summary is not UTF-8":
        (folder / "summary.json").write_bytes(b"\xff\xfe{\x00")
        return "summary.json"
    if how == "summary is empty":
        (folder / "summary.json").write_text("")
        return "summary.json"
    if how == "summary is missing":
        (folder / "summary.json").unlink()
        return "summary.json"
    if how == "summary is a folder":
        (folder / "summary.json").unlink()
        (folder / "summary.json").mkdir()
        return "summary.json"
    return None


def _break_summary_fields(folder: Path, how: str) -> str | None:
    summary = json.loads((folder / "summary.json").read_text())

    def put(**changes):
        (folder / "summary.json").write_text(json.dumps({**summary, **changes}))

    if how == "no status":
        (folder / "summary.json").write_text(json.dumps({k: v for k, v in summary.items() if k != "status"}))
        return "status"
    if how == "unknown status":
        put(status="done")
        return "done"
    if how == "status is a list":
        put(status=["optimal"])
        return "status"
    if how == "plan without objective":
        (folder / "summary.json").write_text(json.dumps({k: v for k, v in summary.items() if k != "objective"}))
        return "objective"
    if how == "text where a number belongs":
        put(schools_open="many")
        return "schools_open"
    if how == "infinity where a number belongs":
        (folder / "summary.json").write_text(json.dumps({**summary, "pupils_moved": float("inf")}))
        return "pupils_moved"
    if how == "cost is a list":
        put(cost=[1, 2])
        return "cost"
    if how == "cost term is text":
        put(cost={**summary["cost"], "travel": "lots"})
        return "cost.travel"
    if how == "travel band is text":
        put(travel_minutes={**summary["travel_minutes"], "G1_3": "short"})
        return "travel_minutes.G1_3"
    if how == "reasons is text":
        put(reasons="none")
        return "reasons"
    return None


def _break_other_file(folder: Path, how: str) -> str | None:
    if how == "run.json is missing":
        (folder / "run.json").unlink()
        return "run.json"
    if how == "run.json is a list":
        (folder / "run.json").write_text("[]")
        return "run.json"
    if how == "run.json inputs is a list":
        record = json.loads((folder / "run.json").read_text())
        (folder / "run.json").write_text(json.dumps({**record, "inputs": ["schools.csv"]}))
        return "inputs"
    if how == "run.json input sha is a number":
        record = json.loads((folder / "run.json").read_text())
        record["inputs"]["schools"]["sha256"] = 12
        (folder / "run.json").write_text(json.dumps(record))
        return "inputs.schools.sha256"
    if how == "plan.gpkg is empty":
        (folder / "plan.gpkg").write_bytes(b"")
        return "plan.gpkg"
    if how == "plan.gpkg is garbage":
        (folder / "plan.gpkg").write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 8)
        return "plan.gpkg"
    if how == "schools.csv is missing":
        (folder / "schools.csv").unlink()
        return "schools.csv"
    if how == "schools.csv is empty":
        (folder / "schools.csv").write_text("")
        return "schools.csv"
    if how == "schools.csv has no school_id":
        (folder / "schools.csv").write_text("name,role\nx,hub\n")
        return "school_id"
    if how == "assignments.csv has no origin_id":
        (folder / "assignments.csv").write_text("a,b\n1,2\n")
        return "origin_id"
    if how == "scenario.resolved.toml is broken":
        (folder / "scenario.resolved.toml").write_text("[rules\nx = ")
        return "scenario.resolved.toml"
    return None


BREAKS = ["summary is a list", "summary is not JSON", "summary is not UTF-8", "summary is empty",
          "summary is missing", "summary is a folder", "no status", "unknown status", "status is a list",
          "plan without objective", "text where a number belongs", "infinity where a number belongs",
          "cost is a list", "cost term is text", "travel band is text", "reasons is text", "run.json is missing",
          "run.json is a list", "run.json inputs is a list", "run.json input sha is a number", "plan.gpkg is empty",
          "plan.gpkg is garbage", "schools.csv is missing", "schools.csv is empty", "schools.csv has no school_id",
          "assignments.csv has no origin_id", "scenario.resolved.toml is broken"]


@pytest.mark.parametrize("how", BREAKS)
def test_compare_refuses_a_broken_run_folder_naming_folder_and_file(runs, tmp_path, how):
    broken = tmp_path / "broken-run"
    shutil.copytree(runs["b"], broken)
    culprit = _break(broken, how)
    watched = {runs["a"]: snapshot(runs["a"]), broken: snapshot(broken)}
    result = invoke("compare", runs["a"], broken, "--out", tmp_path / "cmp")
    _refused(result, str(broken), culprit, out=tmp_path / "cmp", watched=watched)
    assert not (tmp_path / "cmp").exists()


@pytest.mark.parametrize("case", ["a file", "an empty folder", "a missing folder", "the same folder twice",
                                  "the same folder by another path", "one folder only", "a sweep folder"])
def test_compare_refuses_what_is_not_two_run_folders(runs, tmp_path, case):
    other: Path
    if case == "a file":
        other = tmp_path / "notes.txt"
        other.write_text("hello")
        culprits = [str(other), "is a file"]
    elif case == "an empty folder":
        other = tmp_path / "empty"
        other.mkdir()
        culprits = [str(other), "summary.json"]
    elif case == "a missing folder":
        other = tmp_path / "nowhere"
        culprits = [str(other), "does not exist"]
    elif case == "the same folder twice":
        other = runs["a"]
        culprits = [str(other), "twice"]
    elif case == "the same folder by another path":
        other = runs["a"].parent / "county" / ".." / runs["a"].name
        culprits = ["same folder"]
    elif case == "a sweep folder":
        other = tmp_path / "sw"
        (other / "runs").mkdir(parents=True)
        (other / "sweep.csv").write_text("run\n")
        culprits = [str(other), "sweep folder"]
    else:
        other = None
        culprits = ["at least two"]
    watched = {runs["a"]: snapshot(runs["a"])}
    args = [runs["a"]] + ([other] if other is not None else [])
    result = invoke("compare", *args, "--out", tmp_path / "cmp")
    _refused(result, *culprits, out=tmp_path / "cmp", watched=watched)


# ------------------------------------------------------------------------------- validate and group options

@pytest.mark.parametrize("command", ["validate", "group", "run"])
def test_set_without_equals_is_refused_naming_it(county, tmp_path, command):
    before = snapshot(county.parent)
    out = [] if command == "validate" else ["--out", tmp_path / "out"]
    result = invoke(command, county, *out, "--set", "rules.G4_6.max_minutes")
    _refused(result, "rules.G4_6.max_minutes", out=tmp_path / "out", watched={county.parent: before})


def test_group_with_a_travel_limit_that_is_not_a_number_is_refused(county, tmp_path):
    result = invoke("group", county, "--out", tmp_path / "g", "--set", 'groups.max_minutes="far"')
    _refused(result, "groups.max_minutes", "far", out=tmp_path / "g")


# ------------------------------------------------------------------------------------- terminal and -m

def test_quiet_run_prints_the_summary_and_nothing_of_the_solver(county, tmp_path):
    """The HiGHS banner is printed by C++ on file descriptor 1, so this needs a real process."""
    done = subprocess.run([sys.executable, "-m", "consolidation", "run", str(county), "--out", str(tmp_path / "out"),
                           "-q"], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "HiGHS" not in done.stdout and "HiGHS" not in done.stderr, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("tiny: optimal") and lines[-1].startswith("report: "), done.stdout
    assert done.stderr == ""


def test_python_m_consolidation_is_the_consolidation_command():
    done = subprocess.run([sys.executable, "-m", "consolidation", "--help"], capture_output=True, text=True,
                          cwd=REPO, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("Usage: consolidation "), done.stdout
    done = subprocess.run([sys.executable, "-m", "consolidation", "sweep", "x.toml", "--workers", "0"],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 2 and "--workers" in done.stderr and "Traceback" not in done.stderr


# ------------------------------------------------------------------------------- hostile content in outputs

INJECTIONS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd"]
XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


def hostile_county(folder: Path, **scenario) -> Path:
    """Two schools and two villages whose IDs and names are formula and markup payloads."""
    s1, s2, v1, v2, _ = INJECTIONS
    return write_instance(
        folder,
        schools=[{"school_id": s1, "name": XSS[0] + " $x^{$", "capacity": 100, "beds": 0, "lon": 103.80,
                  "lat": 36.00, "note": "-2+3", "plain": "-5"},
                 {"school_id": s2, "name": XSS[1], "capacity": 100, "beds": 0, "lon": 103.82, "lat": 36.01,
                  "note": "\tcmd", "plain": "7"}],
        villages=[{"village_id": v1, "name": "\tcmd", "pupils_g1_3": 10, "pupils_g4_6": 8, "pupils_g7_9": 0,
                   "lon": 103.801, "lat": 36.001},
                  {"village_id": v2, "name": "=1+1", "pupils_g1_3": 12, "pupils_g4_6": 6, "pupils_g7_9": 0,
                   "lon": 103.821, "lat": 36.011}],
        travel=[(v1, s1, 5), (v1, s2, 25), (v2, s1, 25), (v2, s2, 5)],
        scenario={"name": "evil", "description": XSS[0], **scenario},
    )


def assert_csv_safe(path: Path) -> list[dict]:
    """No cell of ``path`` (read with the csv module) starts as a formula, unless it is a plain number."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    for row in rows:
        for cell in row:
            if cell and cell[0] in TRIGGERS:
                float(cell)  # a number such as -5 is fine; anything else is a formula
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def _csvs(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.csv"))


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    scenario = hostile_county(base / "county", groups={"enabled": True, "max_minutes": 60,
                                                                           "min_members": 0})
    result = invoke("run", scenario, "--out", base / "run", "-q")
    assert result.exit_code == 0, output(result)
    return base / "run"


def test_run_tables_neutralise_formulas_and_keep_numbers(hostile_run):
    names = {p.name for p in _csvs(hostile_run)}
    assert {"schools.csv", "assignments.csv", "groups.csv"} <= names
    for path in _csvs(hostile_run):
        assert_csv_safe(path)
    schools = assert_csv_safe(hostile_run / "schools.csv")
    assert {r["school_id"] for r in schools} == {"'" + INJECTIONS[0], "'" + INJECTIONS[1]}
    assert {r["note"] for r in schools} == {"'-2+3", "'\tcmd"}
    assert {r["plain"] for r in schools} == {"-5", "7"}  # plain numbers stay as they are
    typed = pd.read_csv(hostile_run / "schools.csv")
    assert pd.api.types.is_numeric_dtype(typed["capacity"]) and pd.api.types.is_numeric_dtype(typed["pupils"])
    back = read_csv(hostile_run / "schools.csv", dtype={"school_id": str})
    assert set(back["school_id"]) == {INJECTIONS[0], INJECTIONS[1]}  # the planner reads its own tables back


def test_report_html_escapes_hostile_names(hostile_run):
    html = (hostile_run / "report.html").read_text(encoding="utf-8")
    for payload in XSS:
        assert payload not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html


def test_group_folder_is_safe(tmp_path):
    scenario = hostile_county(tmp_path / "county", groups={"max_minutes": 60})
    before = snapshot(tmp_path / "county")
    result = invoke("group", scenario, "--out", tmp_path / "g", "-q")
    assert result.exit_code == 0, output(result)
    rows = assert_csv_safe(tmp_path / "g" / "groups.csv")
    assert {r["core_id"] for r in rows} | {r["member_id"] for r in rows} <= {"'" + i for i in INJECTIONS[:2]} | {""}
    html = (tmp_path / "g" / "groups.html").read_text(encoding="utf-8")
    assert all(payload not in html for payload in XSS)
    assert snapshot(tmp_path / "county") == before


def test_comparison_of_hostile_runs_escapes_names_and_matches_ids(tmp_path):
    scenario = hostile_county(tmp_path / "county")
    for name, cost in (("a", 100), ("b", 1)):
        assert invoke("run", scenario, "--out", tmp_path / name, "-q", "--set",
                      f"costs.per_pupil_minute={cost}").exit_code == 0
    result = invoke("compare", tmp_path / "a", tmp_path / "b", "--out", tmp_path / "cmp", "-q")
    assert result.exit_code == 0, output(result)
    html = (tmp_path / "cmp" / "comparison.html").read_text(encoding="utf-8")
    assert all(payload not in html for payload in XSS)
    assert "'=HYPERLINK" not in html and "&#39;=HYPERLINK" not in html  # IDs are shown as the user wrote them
    assert (tmp_path / "cmp" / "comparison.pdf").read_bytes().startswith(b"%PDF")


def test_sweep_table_and_runs_are_safe(tmp_path):
    scenario = hostile_county(tmp_path / "county")
    result = invoke("sweep", scenario, "--vary", 'description="=cmd|calc","@SUM(A1)"', "--serial", "--out",
                    tmp_path / "sw", "-q")
    assert result.exit_code == 0, output(result)
    rows = assert_csv_safe(tmp_path / "sw" / "sweep.csv")
    assert [r["description"] for r in rows] == ["'=cmd|calc", "'@SUM(A1)"]
    assert all(float(r["objective"]) > 0 for r in rows)  # numbers still read as numbers
    for path in _csvs(tmp_path / "sw"):
        assert_csv_safe(path)


def test_province_table_is_safe_and_its_split_inputs_are_not_changed(tmp_path):
    scenario = write_instance(
        tmp_path / "data",
        schools=[{"school_id": "=S1", "name": XSS[0], "capacity": 100, "beds": 0, "lon": 103.80, "lat": 36.00,
                  "county": "=cmd|' /C calc'!A0"},
                 {"school_id": "S2", "name": "B", "capacity": 100, "beds": 0, "lon": 103.82, "lat": 36.01,
                  "county": "$x^{"}],
        villages=[{"village_id": "V1", "name": "a", "pupils_g1_3": 10, "pupils_g4_6": 8, "pupils_g7_9": 0,
                   "lon": 103.801, "lat": 36.001, "county": "=cmd|' /C calc'!A0"},
                  {"village_id": "V2", "name": "b", "pupils_g1_3": 12, "pupils_g4_6": 6, "pupils_g7_9": 0,
                   "lon": 103.821, "lat": 36.011, "county": "$x^{"}],
        travel=[("V1", "=S1", 5), ("V2", "S2", 5)], scenario={"name": "prov"})
    result = invoke("province", "--scenario", scenario, "--serial", "--out", tmp_path / "p", "-q")
    assert result.exit_code == 0, output(result)
    rows = assert_csv_safe(tmp_path / "p" / "province.csv")
    assert sorted(r["county"] for r in rows) == ["$x^{", "'=cmd|' /C calc'!A0"]
    # The per-county inputs are read back by the runs: they keep the IDs as written.
    split = [pd.read_csv(p, dtype=str) for p in (tmp_path / "p" / "inputs").rglob("schools.csv")]
    assert "=S1" in set(pd.concat(split)["school_id"])
    for path in (tmp_path / "p" / "counties").rglob("*.csv"):
        assert_csv_safe(path)


@pytest.mark.parametrize("value, written", [
    ("=1+1", "'=1+1"), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tcmd", "'\tcmd"),
    ("\rcmd", "'\rcmd"), ("-5", "-5"), ("+1.5", "+1.5"), ("-2e3", "-2e3"), ("-inf", "'-inf"), ("'=x", "''=x"),
    ("'plain", "'plain"), ("Hill", "Hill"), ("", ""), (-5, -5), (None, None),
])
def test_neutralise_and_unquote_round_trip(value, written):
    assert neutralise(value) == written
    assert unquote(neutralise(value)) == value


def test_write_csv_keeps_numeric_columns_numeric_and_round_trips(tmp_path):
    frame = pd.DataFrame({"id": ["=a", "-5", "\rb", "ok"], "n": [-5, 1, 2, 3], "x": [-1.5, 2.0, 0.0, 1.0],
                          "=col": ["a", "b", "c", "d"]})
    write_csv(frame, tmp_path / "t.csv")
    with open(tmp_path / "t.csv", newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["id", "n", "x", "'=col"] and len(rows) == 5  # the CR stays inside its quoted cell
    back = read_csv(tmp_path / "t.csv", dtype={"id": str})
    assert list(back.columns) == list(frame.columns) and list(back["id"]) == list(frame["id"])
    assert back["n"].tolist() == [-5, 1, 2, 3] and back["x"].tolist() == [-1.5, 2.0, 0.0, 1.0]


def test_every_output_csv_goes_through_the_safe_writer():
    """``to_csv`` appears only in the safe writer, the synthetic-data generators (county, kindergartens) and the
    province split (which writes inputs the runs read back and must keep as they are)."""
    allowed = {"report/tables.py": 1, "synthetic/county.py": 1, "synthetic/kindergartens.py": 1, "province.py": 3}
    found: dict[str, int] = {}
    package = REPO / "consolidation"
    for path in package.rglob("*.py"):
        n = path.read_text(encoding="utf-8").count(".to_csv(")
        if n:
            found[path.relative_to(package).as_posix()] = n
    assert found == allowed
