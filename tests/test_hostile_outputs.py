"""Adversarial suite, output folders: --overwrite never deletes what the planner did not write, no output
escapes where it must not go, names are not paths, concurrent and interrupted commands leave nothing wrong.

Each case runs the command as a user would and checks the exit code, that no traceback is printed, that the
message names the culprit, that nothing complete-looking is left where it should not be, and that the
user's files did not change.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from consolidation.report.atomic import MARKER, write_marker

from conftest import REPO
from hostile import assert_refused, complete_looking, invoke, output, snapshot, tiny_county

BASELINE = REPO / "scenarios" / "baseline.toml"
VARY = ("--vary", "costs.per_pupil_minute=1,2")


def fast_county(folder: Path, **scenario) -> Path:
    """:func:`tiny_county` without coordinates: no map to draw, so a run takes a fraction of a second."""
    path = tiny_county(folder, **scenario)
    for name in ("schools", "villages"):
        pd.read_csv(folder / f"{name}.csv").drop(columns=["lon", "lat"]).to_csv(folder / f"{name}.csv", index=False)
    return path


def user_folder(path: Path) -> Path:
    """A folder of the user's own documents."""
    path.mkdir(parents=True)
    (path / "budget.xlsx").write_bytes(b"PK\x03\x04 the user's spreadsheet")
    (path / "notes.txt").write_text("do not lose me\n", encoding="utf-8")
    return path


def no_leftovers(folder: Path) -> None:
    """No staging, replaced or lock entries of the planner anywhere under ``folder``."""
    left = [p for p in Path(folder).rglob(".*") if ".partial-" in p.name or ".old-" in p.name
            or p.name.endswith(".lock")]
    assert not left, left


@pytest.fixture
def county(tmp_path):
    return fast_county(tmp_path / "county")


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """Two finished run folders of the tiny county, for compare."""
    root = tmp_path_factory.mktemp("runs")
    scenario = fast_county(root / "county")
    runs = []
    for minutes in (10, 30):
        out = root / f"run{minutes}"
        result = invoke("run", scenario, "--out", out, "-q", "--set", f"rules.G4_6.max_minutes={minutes}")
        assert result.exit_code == 0, output(result)
        runs.append(out)
    return runs


# ------------------------------------------------------------------------- --overwrite: only the planner's

COMMANDS = {
    "run": lambda s, out, *extra: ("run", s, "--out", out, "-q", *extra),
    "group": lambda s, out, *extra: ("group", s, "--out", out, "-q", *extra),
    "sweep": lambda s, out, *extra: ("sweep", s, *VARY, "--serial", "--out", out, "-q", *extra),
    "province": lambda s, out, *extra: ("province", "--scenario", s, "--out", out, "--serial", "-q", *extra),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("overwrite", [True, False], ids=["overwrite", "plain"])
def test_a_users_folder_is_never_replaced(tmp_path, county, command, overwrite):
    if command == "province":  # a county column, so the province runs from the scenario alone
        county = fast_county(tmp_path / "prov")
        for name in ("schools", "villages"):
            table = pd.read_csv(tmp_path / "prov" / f"{name}.csv")
            table.assign(county="A").to_csv(tmp_path / "prov" / f"{name}.csv", index=False)
    out = user_folder(tmp_path / "mine")
    before = snapshot(tmp_path)
    result = invoke(*COMMANDS[command](county, out, *(["--overwrite"] if overwrite else [])))
    assert_refused(result, str(out), "not written by the planner", "--out")
    assert snapshot(tmp_path) == before
    no_leftovers(tmp_path)


def test_compare_never_replaces_a_users_folder(tmp_path, two_runs):
    out = user_folder(tmp_path / "mine")
    before = snapshot(tmp_path)
    result = invoke("compare", *two_runs, "--out", out, "--overwrite")
    assert_refused(result, str(out), "not written by the planner")
    assert snapshot(tmp_path) == before


def test_compare_refuses_the_folder_that_holds_its_runs(two_runs):
    root = two_runs[0].parent
    before = snapshot(root)
    result = invoke("compare", *two_runs, "--out", root, "--overwrite")
    assert_refused(result, str(root))
    assert snapshot(root) == before


@pytest.mark.parametrize("where", ["scenario folder", "above the scenario folder"])
def test_the_scenarios_own_folder_is_never_an_output(tmp_path, where):
    scenario = tiny_county(tmp_path / "project" / "county")
    out = scenario.parent if where == "scenario folder" else tmp_path / "project"
    before = snapshot(tmp_path)
    result = invoke("run", scenario, "--out", out, "--overwrite", "-q")
    assert_refused(result, str(out), "the scenario's folder")
    assert snapshot(tmp_path) == before and not complete_looking(tmp_path)


def test_a_folder_holding_the_input_data_is_never_an_output(tmp_path):
    scenario = tiny_county(tmp_path / "county")
    data = tmp_path / "data"
    data.mkdir()
    (scenario.parent / "schools.csv").rename(data / "schools.csv")
    scenario.write_text(scenario.read_text().replace('schools = "schools.csv"', f'schools = "{data}/schools.csv"'))
    before = snapshot(tmp_path)
    result = invoke("run", scenario, "--out", data, "--overwrite", "-q")
    assert_refused(result, str(data), "schools input")
    assert snapshot(tmp_path) == before


def test_a_folder_holding_an_extended_scenario_is_never_an_output(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "base.toml").write_text("[costs]\nper_pupil_minute = 50\n")
    scenario = tiny_county(tmp_path / "county", extends=str(shared / "base.toml"))
    before = snapshot(tmp_path)
    result = invoke("run", scenario, "--out", shared, "--overwrite", "-q")
    assert_refused(result, str(shared), "scenario file")
    assert snapshot(tmp_path) == before


def test_an_input_file_is_never_a_parent_of_an_output(tmp_path, county):
    out = county.parent / "schools.csv" / "out"
    before = snapshot(tmp_path)
    result = invoke("run", county, "--out", out, "-q")
    assert_refused(result, "schools.csv", "which is a file")
    assert snapshot(tmp_path) == before


@pytest.fixture
def finished(tmp_path, county):
    """A finished run folder of ``county``."""
    out = tmp_path / "run"
    assert invoke("run", county, "--out", out, "-q").exit_code == 0
    assert (out / MARKER).exists()
    no_leftovers(tmp_path)
    return out


def test_overwrite_replaces_the_planners_own_folder(tmp_path, county, finished):
    result = invoke("run", county, "--out", finished, "--overwrite", "-q", "--set", "rules.G4_6.max_minutes=10")
    assert result.exit_code == 0, output(result)
    assert json.loads((finished / "run.json").read_text())["overrides"][0]["new"] == 10
    no_leftovers(tmp_path)


def test_plain_rerun_is_refused_with_the_fix(tmp_path, county, finished):
    before = snapshot(tmp_path)
    assert_refused(invoke("run", county, "--out", finished, "-q"), str(finished), "already exists", "--overwrite")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("damage", ["extra file", "extra folder", "edited report", "link to a user file",
                                    "extra file in a subfolder"])
def test_a_planner_folder_the_user_added_to_is_not_replaced(tmp_path, county, finished, damage):
    secret = user_folder(tmp_path / "elsewhere") / "notes.txt"
    if damage == "extra file":
        (finished / "my notes.docx").write_bytes(b"the user's notes")
    elif damage == "extra folder":
        (finished / "photos").mkdir()
    elif damage == "edited report":
        (finished / "report.html").write_text("<p>edited by the bureau</p>", encoding="utf-8")
    elif damage == "link to a user file":
        (finished / "notes.txt").symlink_to(secret)
    else:
        user_folder(finished / "extra")
    before = snapshot(tmp_path)
    result = invoke("run", county, "--out", finished, "--overwrite", "-q")
    text = assert_refused(result, str(finished), "--out")
    assert "did not write" in text or "changed since" in text
    assert snapshot(tmp_path) == before
    no_leftovers(tmp_path)


@pytest.mark.parametrize("marker", ["none (earlier version)", "not json", "no format", "another kind",
                                    "a link"])
def test_a_folder_without_a_valid_marker_of_its_kind_is_not_replaced(tmp_path, county, finished, marker):
    path = finished / MARKER
    expected = {"none (earlier version)": "earlier version", "not json": "cannot read", "no format": "cannot read",
                "another kind": "holds a sweep, not a run", "a link": "earlier version"}[marker]
    if marker == "none (earlier version)":
        path.unlink()
    elif marker == "not json":
        path.write_text("{ not json")
    elif marker == "no format":
        record = json.loads(path.read_text())
        del record["format"]
        path.write_text(json.dumps(record))
    elif marker == "another kind":
        path.unlink()
        write_marker(finished, "sweep")
    else:
        real = tmp_path / "marker.json"
        path.rename(real)
        path.symlink_to(real)
    before = snapshot(tmp_path)
    result = invoke("run", county, "--out", finished, "--overwrite", "-q")
    assert_refused(result, str(finished), expected)
    assert snapshot(tmp_path) == before


def test_a_symbolic_link_as_out_is_refused(tmp_path, county):
    target = user_folder(tmp_path / "target")
    link = tmp_path / "link"
    link.symlink_to(target, target_is_directory=True)
    before = snapshot(tmp_path)
    assert_refused(invoke("run", county, "--out", link, "--overwrite", "-q"), str(link), "symbolic link")
    assert snapshot(tmp_path) == before and link.is_symlink()


# ------------------------------------------------------------------------- places no output may be


@pytest.mark.parametrize("out, says", [(".", "is the current folder"), ("..", "contains the current folder"),
                                       ("/", "root folder"), ("~", "home folder"),
                                       (".baseline.partial-123", "temporary folders"),
                                       (".baseline.lock", "temporary folders")])
def test_out_in_places_no_output_may_be(tmp_path, county, monkeypatch, out, says):
    work = tmp_path / "work"
    work.mkdir()
    (work / "keep.txt").write_text("mine")
    monkeypatch.chdir(work)
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    before = snapshot(tmp_path)
    result = invoke("run", county, "--out", os.path.expanduser(out), "--overwrite", "-q")
    assert_refused(result, says)
    assert snapshot(tmp_path) == before and not complete_looking(tmp_path)


def test_out_that_is_a_file(tmp_path, county):
    out = tmp_path / "plan.txt"
    out.write_text("mine")
    before = snapshot(tmp_path)
    assert_refused(invoke("run", county, "--out", out, "--overwrite", "-q"), "plan.txt")
    assert snapshot(tmp_path) == before


def test_out_under_a_file(tmp_path, county):
    (tmp_path / "plan.txt").write_text("mine")
    before = snapshot(tmp_path)
    assert_refused(invoke("run", county, "--out", tmp_path / "plan.txt" / "run", "-q"), "plan.txt", "a file")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("out", ["/proc/consolidation-test/run", "/proc/run"], ids=["cannot create", "read-only"])
def test_unwritable_out_is_refused_before_solving(county, monkeypatch, out):
    import consolidation.pipeline as pipeline

    def never(*args, **kwargs):
        raise AssertionError("solved although the output folder cannot be written")

    monkeypatch.setattr(pipeline, "solve", never)
    assert_refused(invoke("run", county, "--out", out, "-q"), "/proc")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_parent_is_refused_before_solving(tmp_path, county, monkeypatch):
    import consolidation.pipeline as pipeline

    monkeypatch.setattr(pipeline, "solve", lambda *a, **k: (_ for _ in ()).throw(AssertionError("solved")))
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        assert_refused(invoke("run", county, "--out", locked / "run", "-q"), str(locked))
    finally:
        locked.chmod(0o755)


def test_a_refused_run_leaves_no_parent_folders_behind(tmp_path, county):
    out = tmp_path / "new" / "deeper" / "run"
    (county.parent / "schools.csv").write_text("school_id,capacity\nS1,lots\n")
    result = invoke("run", county, "--out", out, "-q")
    assert result.exit_code == 2 and "Traceback" not in output(result)
    assert not (tmp_path / "new").exists()


# ------------------------------------------------------------------------- names are not paths


NAMES = {
    "dot-dot path": ("../../x", "x"),
    "absolute path": ("/abs/path", "abs-path"),
    "backslashes": ("..\\..\\win", "win"),
    "hidden": (".hidden", "hidden"),
    "nul": ("a\x00b", "a-b"),
    "newline and tab": ("line\nbreak\tx", "line-break-x"),
    "chinese": ("七里河区/方案 一", "七里河区-方案-一"),
    "right-to-left override": ("abc\u202egpj.exe", "abc-gpj.exe"),
}


@pytest.mark.parametrize("case", sorted(NAMES))
def test_scenario_name_becomes_a_safe_folder_under_reports(tmp_path, monkeypatch, case):
    name, folder = NAMES[case]
    scenario = fast_county(tmp_path / "county", name=name)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    before = snapshot(tmp_path / "county")
    result = invoke("run", scenario, "-q")
    assert result.exit_code == 0, output(result)
    assert [p.name for p in (work / "reports").iterdir()] == [folder]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["county", "work"]
    assert json.loads((work / "reports" / folder / "summary.json").read_text())["scenario"] == name
    assert snapshot(tmp_path / "county") == before


def test_a_very_long_name_is_cut_and_kept_apart(tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for k, tail in enumerate("ab"):
        scenario = fast_county(tmp_path / f"c{k}", name="县" * 999 + tail)
        assert invoke("run", scenario, "-q").exit_code == 0
    folders = sorted(p.name for p in (work / "reports").iterdir())
    assert len(folders) == 2 and all(len(f) <= 80 and f.startswith("县") for f in folders)


@pytest.mark.parametrize("name", [".", "..", "...", "/", "../..", "\x00", "!!!"])
def test_a_name_with_nothing_to_keep_is_refused(tmp_path, monkeypatch, name):
    scenario = tiny_county(tmp_path / "county", name=name)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    before = snapshot(tmp_path)
    assert_refused(invoke("run", scenario, "-q"), "name =", "--out")
    assert snapshot(tmp_path) == before and list(work.iterdir()) == []


@pytest.mark.parametrize("command, suffix", [("sweep", "-sweep"), ("group", "-groups"), ("province", "-province")])
def test_default_folders_of_other_commands_stay_under_reports(tmp_path, monkeypatch, command, suffix):
    make = tiny_county if command == "group" else fast_county  # education groups need coordinates
    scenario = make(tmp_path / "county", name="../../../escape")
    for name in ("schools", "villages"):
        table = pd.read_csv(tmp_path / "county" / f"{name}.csv")
        table.assign(county="A").to_csv(tmp_path / "county" / f"{name}.csv", index=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    args = {"sweep": ("sweep", scenario, *VARY, "--serial", "-q"), "group": ("group", scenario, "-q"),
            "province": ("province", "--scenario", scenario, "--serial", "-q")}[command]
    result = invoke(*args)
    assert result.exit_code in (0, 3), output(result)
    assert "Traceback" not in output(result)
    assert [p.name for p in (work / "reports").iterdir()] == [f"escape{suffix}"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["county", "work"]


@pytest.mark.filterwarnings("ignore:Tight layout not applied")  # the chart's label of a long value: not this suite's
def test_sweep_values_with_slashes_stay_inside_the_sweep(tmp_path, county):
    out = tmp_path / "sw"
    result = invoke("sweep", county, "--vary", 'description="../../../x","/etc/passwd","' + "y" * 150 + '"',
                    "--serial", "--out", out, "-q")
    assert result.exit_code == 0, output(result)
    runs = sorted(p.name for p in (out / "runs").iterdir())
    assert len(runs) == 3 and all(len(r) <= 64 and "/" not in r for r in runs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["county", "sw"]
    table = pd.read_csv(out / "sweep.csv")
    assert all(Path(f).parent == out / "runs" for f in table["folder"])


# ------------------------------------------------------------------------- province counties


def county_folder(root: Path, name: str, pupils: int) -> None:
    fast_county(root / name)
    villages = pd.read_csv(root / name / "villages.csv")
    villages["pupils_g1_3"] = pupils
    villages.to_csv(root / name / "villages.csv", index=False)
    (root / name / "scenario.toml").unlink()


def test_counties_differing_in_punctuation_or_case_get_their_own_folders(tmp_path, county):
    root = tmp_path / "province"
    names = {"north county": 11, "north-county": 22, "North County": 33, "七里河区": 44}
    for name, pupils in names.items():
        county_folder(root, name, pupils)
    out = tmp_path / "p"
    result = invoke("province", root, "--scenario", county, "--out", out, "--serial", "-q")
    assert result.exit_code == 0, output(result)
    table = pd.read_csv(out / "province.csv")
    assert sorted(table["county"]) == sorted(names)
    folders = [Path(f) for f in table["folder"]]
    assert len({f.name.casefold() for f in folders}) == 4 and "七里河区" in {f.name for f in folders}
    for name, folder in zip(table["county"], folders):  # each county's own plan, not another's
        assert json.loads((folder / "summary.json").read_text())["pupils_total"] == 2 * names[name] + 14


def test_county_column_values_differing_in_case_are_kept_apart(tmp_path):
    scenario = fast_county(tmp_path / "prov", name="p")
    for name in ("schools", "villages"):  # S1 and V1 in "Hill", S2 and V2 in "hill"
        table = pd.read_csv(tmp_path / "prov" / f"{name}.csv")
        table.assign(county=["Hill", "hill"]).to_csv(tmp_path / "prov" / f"{name}.csv", index=False)
    out = tmp_path / "p"
    result = invoke("province", "--scenario", scenario, "--out", out, "--serial", "-q")
    assert result.exit_code == 0, output(result)
    table = pd.read_csv(out / "province.csv")
    assert sorted(table["county"]) == ["Hill", "hill"]
    folders = {Path(f).name.casefold() for f in table["folder"]}
    assert len(folders) == 2 and len(list((out / "counties").iterdir())) == 2
    assert len(list((out / "inputs").iterdir())) == 2  # the split data, one folder each


def test_a_county_named_like_a_path_stays_inside_the_province(tmp_path):
    scenario = fast_county(tmp_path / "prov", name="p")
    for name in ("schools", "villages"):
        table = pd.read_csv(tmp_path / "prov" / f"{name}.csv")
        table.assign(county="../../../evil").to_csv(tmp_path / "prov" / f"{name}.csv", index=False)
    out = tmp_path / "p"
    result = invoke("province", "--scenario", scenario, "--out", out, "--serial", "-q")
    assert result.exit_code == 0, output(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p", "prov"]
    assert [p.name for p in (out / "counties").iterdir()] == ["evil"]
    assert list(pd.read_csv(out / "province.csv")["county"]) == ["../../../evil"]


# ------------------------------------------------------------------------- concurrent and interrupted


def hold_lock(folder: Path, name: str) -> subprocess.Popen:
    """Another process holding the planner's lock on ``folder/name``, as a concurrent command would."""
    code = ("import fcntl, os, sys, time\n"
            f"fd = os.open({str(folder / f'.{name}.lock')!r}, os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\nos.write(fd, str(os.getpid()).encode())\n"
            "print('held', flush=True)\ntime.sleep(60)\n")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    holder.stdout.close()  # read what we needed; an open pipe left behind is a ResourceWarning
    return holder


@pytest.mark.parametrize("command", ["run", "sweep"])
def test_a_second_command_into_the_same_folder_is_refused(tmp_path, county, command):
    holder = hold_lock(tmp_path, "out")
    try:
        before = snapshot(tmp_path)
        result = invoke(*COMMANDS[command](county, tmp_path / "out"))
        assert_refused(result, str(tmp_path / "out"), "another command", str(holder.pid))
        assert snapshot(tmp_path) == before and not (tmp_path / "out").exists()
    finally:
        holder.kill()
        holder.wait()


def test_a_stale_lock_is_taken_over(tmp_path, county):
    holder = hold_lock(tmp_path, "out")
    holder.kill()
    holder.wait()
    assert (tmp_path / ".out.lock").exists()
    result = invoke("run", county, "--out", tmp_path / "out", "-q")
    assert result.exit_code == 0, output(result)
    no_leftovers(tmp_path)


def command(*args) -> list[str]:
    return [sys.executable, "-m", "consolidation.cli", *map(str, args)]


def finish(proc: subprocess.Popen, timeout: float = 60) -> tuple[int, str]:
    """Wait for ``proc`` and return its exit code and everything it printed (closing its pipes)."""
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out + err


def test_two_real_processes_into_one_folder(tmp_path, county):
    out = tmp_path / "out"
    procs = [subprocess.Popen(command("run", county, "--out", out, "-q", "--set", f"costs.per_pupil_minute={k}"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for k in (1, 2)]
    results = [finish(p, timeout=120) for p in procs]
    assert sorted(code for code, _ in results) == [0, 2], results
    loser = next(text for code, text in results if code == 2)
    assert str(out) in loser and ("another command" in loser or "already exists" in loser)
    assert "Traceback" not in loser
    winner = 1 + [code for code, _ in results].index(0)
    assert json.loads((out / "run.json").read_text())["overrides"][0]["new"] == winner
    no_leftovers(tmp_path)


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_staging_folders_of_dead_runs_are_cleaned(tmp_path, county):
    dead = dead_pid()
    stale = [tmp_path / f".out.partial-{dead}", tmp_path / f".other.partial-{dead}",
             tmp_path / f".other.old-{dead}"]
    (tmp_path / "other").mkdir()  # .other.old's replacement arrived
    keep = [tmp_path / f".out.partial-{os.getppid()}", tmp_path / ".out.partial-x1", tmp_path / f"out.partial-{dead}",
            tmp_path / f".gone.old-{dead}"]
    for folder in stale + keep:
        folder.mkdir()
        (folder / "file").write_text("x")
    (tmp_path / f".link.partial-{dead}").symlink_to(user_folder(tmp_path / "mine"))
    before = snapshot(tmp_path / "mine")
    assert invoke("run", county, "--out", tmp_path / "out", "-q").exit_code == 0
    assert not any(p.exists() for p in stale)
    assert all((p / "file").exists() for p in keep)
    assert snapshot(tmp_path / "mine") == before and (tmp_path / f".link.partial-{dead}").is_symlink()


def test_a_replaced_folder_whose_replacement_never_came_is_put_back(tmp_path, county, finished):
    old = tmp_path / f".run.old-{dead_pid()}"
    finished.rename(old)
    before = snapshot(old)
    result = invoke("run", county, "--out", finished, "-q")
    assert_refused(result, str(finished), "already exists", "--overwrite")
    assert snapshot(finished) == before and not old.exists()


def wait_for(predicate, proc: subprocess.Popen, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while not predicate():
        assert proc.poll() is None, "the command ended before it could be interrupted"
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


@pytest.mark.parametrize("when", ["while solving", "while writing"])
def test_sigterm_is_handled_like_ctrl_c(tmp_path, when):
    out = tmp_path / "run"
    proc = subprocess.Popen(command("run", BASELINE, "--out", out, "-q", "--time-limit", "3"), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    if when == "while solving":
        wait_for(lambda: (tmp_path / ".run.lock").exists(), proc)
    else:
        wait_for(lambda: any(tmp_path.glob(".run.partial-*/summary.json")), proc)
    proc.send_signal(signal.SIGTERM)
    code, text = finish(proc)
    assert code == 130, text
    assert "interrupted: no run folder was written" in text and "Traceback" not in text
    assert list(tmp_path.iterdir()) == []


def test_sigterm_stops_a_sweep_and_removes_its_staging(tmp_path, county):
    out = tmp_path / "sw"
    values = ",".join(str(v) for v in range(1, 40))
    proc = subprocess.Popen(command("sweep", county, "--vary", f"costs.per_pupil_minute={values}", "--serial",
                                    "--out", out, "-q"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: any(tmp_path.glob(".sw.partial-*/runs/01_*")), proc)
    proc.send_signal(signal.SIGTERM)
    code, text = finish(proc)
    assert code == 130 and "interrupted: no sweep folder was written" in text, text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["county"]


def test_ctrl_c_while_writing_a_comparison_leaves_nothing(tmp_path, two_runs, monkeypatch):
    import consolidation.compare.compare as compare

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(compare, "write_pdf", interrupted)
    result = invoke("compare", *two_runs, "--out", tmp_path / "cmp")
    assert result.exit_code == 130 and "no comparison folder was written" in output(result)
    assert list(tmp_path.iterdir()) == []


def test_every_folder_kind_carries_the_marker(tmp_path, county, two_runs):
    mapped = tiny_county(tmp_path / "mapped")  # education groups need coordinates
    assert invoke("group", mapped, "--out", tmp_path / "g", "-q").exit_code == 0
    assert invoke("sweep", county, *VARY, "--serial", "--out", tmp_path / "s", "-q").exit_code == 0
    assert invoke("compare", *two_runs, "--out", tmp_path / "c", "-q").exit_code == 0
    kinds = {f: json.loads((tmp_path / f / MARKER).read_text())["format"] for f in ("g", "s", "c")}
    assert kinds == {"g": "groups", "s": "sweep", "c": "comparison"}
    sweep_files = json.loads((tmp_path / "s" / MARKER).read_text())["files"]
    assert "sweep.csv" in sweep_files and any(f.endswith(MARKER) for f in sweep_files)  # its runs' markers
    for f in ("g", "s", "c"):  # and each may be replaced by its own command
        args = {"g": ("group", mapped), "s": ("sweep", county, *VARY, "--serial"),
                "c": ("compare", *two_runs)}[f]
        assert invoke(*args, "--out", tmp_path / f, "--overwrite", "-q").exit_code == 0, f
    no_leftovers(tmp_path)
