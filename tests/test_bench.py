"""Published optima of OR-Library instances, reproduced through the planner's own input files."""

from __future__ import annotations

import csv

import pytest

from consolidation.pipeline import run_scenario
from consolidation.scenario import load_scenario

from conftest import BENCH

with open(BENCH / "optima.csv", encoding="utf-8") as _handle:
    OPTIMA = {row["instance"]: row for row in csv.DictReader(_handle)}


@pytest.mark.parametrize("name", ["pmed1", "pmed5", "cap41", "cap71"])
def test_published_optimum(name):
    expected = float(OPTIMA[name]["optimum"])
    result = run_scenario(load_scenario(BENCH / name / "scenario.toml"))
    assert result.status == "optimal"
    assert result.summary["objective"] == pytest.approx(expected, rel=1e-6)
    assert result.summary["solver_objective"] == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("name", ["pmed1", "cap41"])
def test_cbc_as_well(name):
    # CBC's split shares carry float noise of ~1e-9 x 5,000 pupils; verification must tolerate it.
    result = run_scenario(load_scenario(BENCH / name / "scenario.toml", ['solver.name="cbc"']))
    assert result.summary["objective"] == pytest.approx(float(OPTIMA[name]["optimum"]), rel=1e-6)


def test_cap41_single_is_explained():
    result = run_scenario(load_scenario(BENCH / "cap41-single" / "scenario.toml"))
    assert result.status == "infeasible"
    assert any("V11" in r and "5,495 pupils" in r and "5,000 places" in r for r in result.summary["reasons"])
