"""Shared helpers: write tiny instances (scenario + CSV files) into a temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
import tomli_w

REPO = Path(__file__).resolve().parents[1]
# Published OR-Library instances in the planner's format (a copy of ../shared/bench, see its README), so
# that every clone runs the published-optima tests.
BENCH = REPO / "tests" / "data" / "bench"


# Every run re-solves each school's decision the other way and looks for alternative plans, by default for up to a
# minute and two more solves. The suite runs the example county about 20 times (a re-solve there takes 2-15 s on
# 2 cores, 3-80 s when the machine is busy); in the suite the defaults (only where a scenario does not set the
# keys) are no re-solve and no alternative, so decisions.csv lists every decision as not evaluated. Tests of those
# stages set the keys themselves on tiny counties (tests/test_decisions.py); subprocesses inherit these.
os.environ["CONSOLIDATION_DECISIONS_BUDGET_S"] = "0"
os.environ["CONSOLIDATION_ALTERNATIVES_COUNT"] = "0"

UNPRICED = {"costs": {"teacher_salary": 0, "life_teacher_salary": 0, "boarder_subsidy_primary": 0,
                      "boarder_subsidy_junior": 0, "boarder_meals_per_day": 0},
            "buses": {"price": 0, "annual": 0}}
"""Tiny instances leave the public budget's newer prices out (teachers, buses, subsidy, meals), so that their
objectives stay checkable by hand; a test that prices them says so in its own scenario."""


def _zero_pupils(frame: pd.DataFrame) -> pd.DataFrame:
    """A row that leaves out a pupils key has 0 pupils of that band (in a file, a blank pupils cell is an
    error: write 0)."""
    frame = frame.copy()
    for column in [c for c in frame.columns if str(c).startswith("pupils_g")]:
        if frame[column].isna().any():  # object dtype first: a column may hold words on purpose ("many")
            frame[column] = frame[column].astype(object).where(frame[column].notna(), 0)
    return frame


def write_instance(folder: Path, *, schools: list[dict], villages: list[dict] | None = None,
                   travel: list[tuple] | None = None, scenario: dict | None = None) -> Path:
    """Write schools.csv, villages.csv, travel.csv and scenario.toml; return the scenario path.

    ``travel`` rows are ``(origin_id, school_id, minutes)``; with travel given, ``complete = true`` and
    ``travel_mode = "both"`` unless the scenario says otherwise.
    """
    folder.mkdir(parents=True, exist_ok=True)
    _zero_pupils(pd.DataFrame(schools)).to_csv(folder / "schools.csv", index=False)
    inputs: dict = {"schools": "schools.csv"}
    if villages is not None:
        _zero_pupils(pd.DataFrame(villages)).to_csv(folder / "villages.csv", index=False)
        inputs["villages"] = "villages.csv"
    if travel is not None:
        pd.DataFrame(travel, columns=["origin_id", "school_id", "minutes"]).to_csv(folder / "travel.csv", index=False)
        inputs["travel"] = "travel.csv"
        inputs["complete"] = True
        inputs["travel_mode"] = "both"  # hand-made minutes, for walkers and riders alike (said, so no warning)
    data = {"name": "tiny", "inputs": inputs, **{k: dict(v) for k, v in UNPRICED.items()}}
    for key, value in (scenario or {}).items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    path = folder / "scenario.toml"
    path.write_text(tomli_w.dumps(data))
    return path


@pytest.fixture
def instance(tmp_path):
    """``instance(**kwargs)`` writes a tiny instance under tmp_path and returns its scenario path."""
    counter = iter(range(1000))

    def make(**kwargs) -> Path:
        return write_instance(tmp_path / f"case{next(counter)}", **kwargs)

    return make


@pytest.fixture(scope="session")
def example_run(tmp_path_factory):
    """``example_run(name)``: the example scenario ``scenarios/<name>.toml`` run once a test session.

    Returns its :class:`consolidation.pipeline.RunResult` (English run folder in ``.out``). Each example county
    run takes 10-20 s, and several test modules read the same ones; a test must not change the folder (copy
    it first). They re-solve no decision and look for no alternative plan (the environment above: measured, one
    re-solve of young_by_bus's closest call took 10-18 s on the busy 2-core machine, more than the suite can give).
    """
    from consolidation.pipeline import run_scenario
    from consolidation.scenario import load_scenario

    cache: dict = {}

    def run(name: str):
        if name not in cache:
            out = tmp_path_factory.mktemp("examples") / name
            cache[name] = run_scenario(load_scenario(REPO / "scenarios" / f"{name}.toml"), out=out)
        return cache[name]

    return run
