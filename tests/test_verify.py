"""The independent verification catches every kind of broken plan (so it is not a check that cannot fail)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from consolidation.checks import check_inputs
from consolidation.io import read_inputs
from consolidation.pipeline import run_scenario
from consolidation.plan import verify
from consolidation.scenario import load_scenario
from consolidation.travel import build_pairs

from conftest import REPO


@pytest.fixture(scope="module")
def solved():
    loaded = load_scenario(REPO / "scenarios" / "young_by_bus.toml")
    scenario = loaded.scenario
    inputs = check_inputs(read_inputs(scenario), scenario)
    demand = build_pairs(inputs, scenario).demand
    result = run_scenario(loaded)
    assert verify(result.plan, demand, inputs, scenario) == []
    return result.plan, demand, inputs, scenario


def broken(plan, assignments=None, schools=None, summary=None):
    return dataclasses.replace(plan, assignments=assignments if assignments is not None else plan.assignments,
                               schools=schools if schools is not None else plan.schools,
                               summary=summary if summary is not None else plan.summary)


def problems(solved, **changes):
    plan, demand, inputs, scenario = solved
    return " | ".join(verify(broken(plan, **changes), demand, inputs, scenario))


def test_unassigned_pupils(solved):
    a = solved[0].assignments
    assert "not fully assigned" in problems(solved, assignments=a.iloc[1:])


def test_assigned_twice(solved):
    a = solved[0].assignments
    twice = pd.concat([a, a.iloc[[0]].assign(pupils=0.0)], ignore_index=True)
    assert "single assignment broken" in problems(solved, assignments=twice)


def test_closed_school_receives(solved):
    a = solved[0].assignments.copy()
    closed = solved[0].schools.loc[solved[0].schools["role"] == "closed", "school_id"].iloc[0]
    a.loc[0, "school_id"] = closed
    assert "closed schools" in problems(solved, assignments=a)


def test_day_limit_broken(solved):
    a = solved[0].assignments.copy()
    a.loc[(a["band"] == "G4_6") & (a["boards"] == 0), "minutes"] = 45.0
    assert "G4_6 day trips over 40 min" in problems(solved, assignments=a)


def test_young_boarder(solved):
    a = solved[0].assignments.copy()
    a.loc[a.index[a["band"] == "G1_3"][0], "boards"] = 1
    assert "G1_3 pupils board though G1_3 may not board" in problems(solved, assignments=a)


def test_capacity_and_beds(solved):
    s = solved[0].schools.copy()
    hub = s.index[s["role"] == "hub"][0]
    s.loc[hub, "capacity"] = 1
    boarding = s.index[s["boarders"] > 0][0]
    s.loc[boarding, "beds"] = 0
    text = problems(solved, schools=s)
    assert "more pupils than places" in text and "more boarders than beds" in text


def test_objective_mismatch(solved):
    summary = {**solved[0].summary, "solver_objective": solved[0].summary["objective"] - 1000}
    assert "recomputed from its tables" in problems(solved, summary=summary)
