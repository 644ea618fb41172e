"""The rule families: one registry, a golden LP file each, and the worked example of a new rule (a cap on
boarders of a band), checked by hand."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from consolidation import cli
from consolidation.checks import check_inputs
from consolidation.families import COST_TERMS, PUBLIC, PUBLIC_CATEGORIES, REGISTRY
from consolidation.io import read_inputs
from consolidation.pipeline import run_scenario
from consolidation.plan import verify
from consolidation.scenario import load_scenario
from consolidation.travel import build_pairs

from conftest import REPO

sys.path.insert(0, str(REPO / "tests" / "golden"))
from instances import RULES, lp_text  # noqa: E402

GOLDEN = REPO / "tests" / "golden"
NAMES = [f.name for f in REGISTRY]


# --- the registry ---------------------------------------------------------------------------------------------


def test_registry_is_ordered_and_complete():
    assert NAMES[:3] == ["travel", "locks", "assign_once"]
    assert {"capacity", "beds", "classes", "teacher_posts", "buses", "budget", "hub_size", "open_count", "costs",
            "teaching_points", "open_link", "boarder_cap", "kindergarten"} <= set(NAMES)
    assert COST_TERMS == ("teachers", "life_teachers", "group_travel", "subject_posts", "schools_annual",
                          "closed_reuse", "travel", "places_added", "beds_added", "boarders", "boarder_subsidy",
                          "meals", "buses", "bus_purchase", "kg_staff", "kg_funds", "kg_places_added", "campuses",
                          "parent_travel")
    # every cost term is the public's, in one of the budget's categories, except families' valued time
    assert set(COST_TERMS) - set(PUBLIC) == {"travel"}
    assert set(PUBLIC.values()) == set(PUBLIC_CATEGORIES)
    for family in REGISTRY:  # a family that costs anything says so school by school too
        assert (family.by_school is None) == (not family.cost_terms), family.name
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
    assert "`boarding.max_boarders_G4_6`" in result.output


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
                                           "--save-lp", str(lp), "--time-limit", "3"])  # written before solving
    assert result.exit_code == 0, result.output
    text = lp.read_text()
    assert text.startswith("\\* plan__baseline *\\") and "assign_once__V001__G1_3" in text
    result = CliRunner().invoke(cli.main, ["run", str(scenario), "--out", str(tmp_path / "run2"), "-q",
                                           "--save-lp", str(REPO / "data" / "schools.csv")])
    assert result.exit_code == 2 and "scenario's own files" in result.output
    assert not (tmp_path / "run2").exists()


# --- the worked example: at most N pupils of a band may board ---------------------------------------------------

# Schools A (900 a year, 100 beds), B (1000), C (1100). V0 lives by A (5 min); V1 is 5 min from B and 20 from
# A, V2 5 from C and 20 from A; 10 pupils of G4_6 each, who ride at most 15 min and may board beyond.
# A pupil-minute costs 1; boarding and beds are free.
# No cap: only A open, V1 and V2 board there: 900 + 50 + 200 + 200 = 1350, 20 boarders.
# At most 10 boarders: one of V1, V2 stays home. Keeping B: 900 + 1000 + 50 + 50 + 200 = 2200 (V2 boards);
# keeping C costs 100 more. Nobody boards: all three open, 3000 + 150 = 3150.


def boarders_instance(instance, cap=None, lock_bc=False):
    lock = {"lock": "closed"} if lock_bc else {}
    schools = [{"school_id": "A", "name": "Anping", "capacity": 100, "annual_cost": 900, "beds": 100,
                "max_beds": 100},
               {"school_id": "B", "name": "Baishui", "capacity": 100, "annual_cost": 1000, **lock},
               {"school_id": "C", "name": "Chaijia", "capacity": 100, "annual_cost": 1100, **lock}]
    villages = [{"village_id": "V0", "pupils_g4_6": 10, "school_id": "A"},
                {"village_id": "V1", "pupils_g4_6": 10, "school_id": "B"},
                {"village_id": "V2", "pupils_g4_6": 10, "school_id": "C"}]
    travel = [("V0", "A", 5), ("V1", "A", 20), ("V1", "B", 5), ("V2", "A", 20), ("V2", "C", 5)]
    scenario = {"costs": {"per_pupil_minute": 1, "per_place_added": 0, "per_bed_added": 0, "per_boarder": 0,
                          "capital_years": 1},
                "rules": {"G1_3": {"boarding": False}, "G4_6": {"max_minutes": 15, "boarding": True},
                          "G7_9": {"boarding": False}}}
    if cap is not None:
        scenario["boarding"] = {"max_boarders_G4_6": cap}
    return instance(schools=schools, villages=villages, travel=travel, scenario=scenario)


def summary(result):
    s = result.plan.schools
    return (result.summary["objective"], result.summary["boarders"],
            dict(zip(s["school_id"], s["open"])))


def test_boarder_cap_by_hand(instance):
    free = run_scenario(load_scenario(boarders_instance(instance)))
    assert summary(free) == (pytest.approx(1350), 20, {"A": 1, "B": 0, "C": 0})
    ten = run_scenario(load_scenario(boarders_instance(instance, cap=10)))
    assert summary(ten) == (pytest.approx(2200), 10, {"A": 1, "B": 1, "C": 0})
    a = ten.plan.assignments.set_index("origin_id")
    assert a.loc["V2", "boards"] == 1 and a.loc["V1", "school_id"] == "B"
    none = run_scenario(load_scenario(boarders_instance(instance, cap=0)))
    assert summary(none) == (pytest.approx(3150), 0, {"A": 1, "B": 1, "C": 1})


def test_boarder_cap_is_verified(instance):
    free = run_scenario(load_scenario(boarders_instance(instance)))
    capped = load_scenario(boarders_instance(instance, cap=10)).scenario
    inputs = check_inputs(read_inputs(capped), capped)
    problems = verify(free.plan, build_pairs(inputs, capped).demand, inputs, capped)
    assert problems == ["20 G4_6 pupils board, max_boarders_G4_6 = 10"]


def test_boarder_cap_explains_infeasibility(instance):
    # B and C locked closed: V1 and V2 can only board at A, 20 boarders, but at most 5 may.
    result = run_scenario(load_scenario(boarders_instance(instance, cap=5, lock_bc=True)))
    assert result.status == "infeasible"
    assert any("max_boarders_G4_6 = 5, but a plan needs 20 G4_6 boarders" in r for r in result.summary["reasons"])
