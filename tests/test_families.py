"""The rule families: one registry and a golden LP file each."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from consolidation import cli
from consolidation.families import COST_TERMS, REGISTRY

from conftest import REPO

sys.path.insert(0, str(REPO / "tests" / "golden"))
from instances import RULES, lp_text  # noqa: E402

GOLDEN = REPO / "tests" / "golden"
NAMES = [f.name for f in REGISTRY]


# --- the registry ---------------------------------------------------------------------------------------------


def test_registry_is_ordered_and_complete():
    assert NAMES[:3] == ["travel", "locks", "assign_once"]
    assert {"capacity", "beds", "classes", "teacher_limit", "hub_size", "open_count", "costs",
            "teaching_points", "open_link"} <= set(NAMES)
    assert COST_TERMS == ("schools_annual", "travel", "places_added", "beds_added", "boarders")
    for family in REGISTRY:
        if family.define is not None:  # the algebra, with units or names, in the docstring
            assert family.define.__doc__ and "``" in family.define.__doc__, family.name
        assert family.summary and family.reads or family.name in ("assign_once",), family.name


def test_families_plan_report_and_compare_never_load_the_solver():
    code = ("import sys, consolidation.families, consolidation.plan, consolidation.report.html, "
            "consolidation.compare; bad = [m for m in sys.modules if m.startswith(('pulp', 'highspy'))]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_reference_lists_every_family():
    result = CliRunner().invoke(cli.main, ["reference"])
    assert result.exit_code == 0
    for family in REGISTRY:
        assert f"| `{family.name}` |" in result.output


# --- golden LP files --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_family_has_a_golden_lp_file_showing_its_rows(name):
    path = GOLDEN / f"{name}.lp"
    assert name in RULES, f"add an instance for {name} to tests/golden/instances.py"
    assert path.exists(), f"run python tests/golden/regenerate.py to write {path.name}"
    text = path.read_text()
    family = next(f for f in REGISTRY if f.name == name)
    for prefix in family.lp_names:
        assert re.search(rf"(^|\s){re.escape(prefix)}", text, re.M), f"{name}: no {prefix} in {path.name}"


@pytest.mark.parametrize("name", NAMES)
def test_golden_lp_files_are_the_model(name):
    assert lp_text(name) == (GOLDEN / f"{name}.lp").read_text(), (
        f"the model of {name}'s instance changed: if meant, run python tests/golden/regenerate.py and review "
        "the diff")


def test_golden_files_show_pruning_and_locks():
    travel = (GOLDEN / "travel.lp").read_text()
    assert "assign__V3__G4_6__C" in travel and "assign__V3__G4_6__A" not in travel  # 50 min > 40, no boarding
    assert re.search(r"^ open__A = 1$", (GOLDEN / "locks.lp").read_text(), re.M)
    assert not re.search(r"^ open__A = 1$", travel, re.M)


def test_save_lp_writes_the_model_and_refuses_an_input_file(tmp_path):
    scenario = REPO / "scenarios" / "baseline.toml"
    lp = tmp_path / "lp" / "baseline.lp"
    result = CliRunner().invoke(cli.main, ["run", str(scenario), "--out", str(tmp_path / "run"), "-q",
                                           "--save-lp", str(lp)])
    assert result.exit_code == 0, result.output
    text = lp.read_text()
    assert text.startswith("\\* plan__baseline *\\") and "assign_once__V001__G1_3" in text
    result = CliRunner().invoke(cli.main, ["run", str(scenario), "--out", str(tmp_path / "run2"), "-q",
                                           "--save-lp", str(REPO / "data" / "schools.csv")])
    assert result.exit_code == 2 and "scenario's own files" in result.output
    assert not (tmp_path / "run2").exists()
