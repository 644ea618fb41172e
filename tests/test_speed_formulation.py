"""The speed formulation: rows that cannot bind are left out, and plans stay the same and verified."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "golden"))

from instances import SCENARIO, SCHOOLS, TRAVEL, VILLAGES  # noqa: E402

from consolidation.checks import check_inputs  # noqa: E402
from consolidation.io import read_inputs  # noqa: E402
from consolidation.model import build_model  # noqa: E402
from consolidation.pipeline import run_scenario  # noqa: E402
from consolidation.scenario import load_scenario  # noqa: E402
from consolidation.travel import build_pairs  # noqa: E402


def _model(path):
    scenario = load_scenario(path).scenario
    inputs = check_inputs(read_inputs(scenario), scenario)
    return build_model(build_pairs(inputs, scenario), inputs, scenario)


def _rows(model, prefix):
    return sorted(name for name in model.problem._constraints if name.startswith(prefix))


def test_places_rows_only_where_they_can_bind(instance):
    # A (40 places) can receive V1 and V2 (20 pupils), C (20) only V3 (10): their rows cannot bind.
    # B (20 places) can receive all three villages (30 pupils): its row stays, with places added.
    schools = [{**s, "max_capacity": 30} if s["school_id"] == "B" else s for s in SCHOOLS]
    model = _model(instance(schools=schools, villages=VILLAGES, travel=TRAVEL, scenario=SCENARIO))
    assert _rows(model, "capacity__") == ["capacity__B"]
    assert list(model.variables["places"]) == ["B"]


def test_no_places_variable_where_places_are_never_needed(instance):
    schools = [{**s, "max_capacity": 100} for s in SCHOOLS]
    schools = [{**s, "capacity": 30} if s["school_id"] == "B" else s for s in schools]
    model = _model(instance(schools=schools, villages=VILLAGES, travel=TRAVEL, scenario=SCENARIO))
    assert _rows(model, "capacity__") == []
    assert model.variables["places"] == {}


def test_beds_rows_only_where_boarders_may_not_fit(instance):
    scenario = {**SCENARIO, "rules": {**SCENARIO["rules"], "G4_6": {"max_minutes": 15, "boarding": True}}}
    # V2 and V3 may board at A, V1 and V3 at B; A's 20 beds hold them all, B's 5 do not.
    schools = [{**s, "beds": 20, "max_beds": 20} if s["school_id"] == "A" else
               {**s, "beds": 5, "max_beds": 30} if s["school_id"] == "B" else s for s in SCHOOLS]
    model = _model(instance(schools=schools, villages=VILLAGES, travel=TRAVEL, scenario=scenario))
    assert _rows(model, "beds__") == ["beds__B"]
    assert list(model.variables["beds"]) == ["B"]


@pytest.mark.parametrize("capacity_b, expected_open", [(20, {"A", "B", "C"}), (30, {"A", "B"})])
def test_plan_is_the_same_with_rows_dropped(instance, capacity_b, expected_open):
    # With B at 20 places, V3 cannot join V1 or V2 there without places (100 yuan each), so C stays open.
    schools = [{**s, "capacity": capacity_b, "max_capacity": 40} if s["school_id"] == "B" else s for s in SCHOOLS]
    scenario = {**SCENARIO, "costs": {**SCENARIO["costs"], "per_pupil_minute": 0.01}}
    result = run_scenario(load_scenario(instance(schools=schools, villages=VILLAGES, travel=TRAVEL,
                                                 scenario=scenario)))
    assert result.status == "optimal"
    plan = result.plan.schools
    assert set(plan.loc[plan["open"] == 1, "school_id"]) >= {"B"}
    assert result.summary["objective"] == pytest.approx(result.summary["solver_objective"], rel=1e-9)


# --------------------------------------------------------------------------------------- the MIP start

def _pmedian(tmp_path, n=200, m=30, p=5, **kwargs):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks.instances import euclidean_pmedian

    return euclidean_pmedian(n=n, m=m, p=p, cache=tmp_path, **kwargs)


def _every_row_holds(model, values):
    for var, value in values.items():
        var.setInitialValue(value)
    return [name for name, row in model.problem._constraints.items() if not row.valid(1e-7)]


def test_the_start_is_a_feasible_plan_with_the_open_count(tmp_path):
    from consolidation.heuristic import start

    inst = _pmedian(tmp_path)
    model = _model(inst.folder / "scenario.toml")
    values = start(model)
    assert values is not None
    assert sum(values[v] for v in model.variables["open"].values()) == 5
    assert _every_row_holds(model, values) == []


def test_the_start_respects_places(instance):
    from consolidation.heuristic import start

    schools = [{**s, "max_capacity": 30} if s["school_id"] == "B" else s for s in SCHOOLS]
    model = _model(instance(schools=schools, villages=VILLAGES, travel=TRAVEL, scenario=SCENARIO))
    values = start(model)
    assert values is not None and _every_row_holds(model, values) == []


def test_a_partial_start_where_the_greedy_does_not_know_the_rules(instance):
    from consolidation.heuristic import covers, start

    scenario = {**SCENARIO, "schools": {"min_hub_pupils": 15}}
    model = _model(instance(schools=SCHOOLS, villages=VILLAGES, travel=TRAVEL, scenario=scenario))
    values = start(model)
    # the hub variables and rows are not the heuristic's: it sets the assignment and open schools only, HiGHS
    # completes the rest, and a start that cannot be a plan alone is never returned as one
    assert not covers(model)
    assert values is not None and not set(values) & set(model.variables["hub"].values())
    assert set(values) >= set(model.variables["assign"]) | set(model.variables["open"].values())
    result = run_scenario(load_scenario(instance(schools=SCHOOLS, villages=VILLAGES, travel=TRAVEL,
                                                 scenario={**scenario, "solver": {"time_limit_s": 0.01}})))
    assert "not run" not in result.summary["solver"]  # HiGHS always completes a partial start


def test_a_short_time_limit_returns_the_start_not_nothing(tmp_path):
    inst = _pmedian(tmp_path, n=400, m=60, p=8)
    result = run_scenario(load_scenario(inst.folder / "scenario.toml", ["solver.time_limit_s=0.01"]))
    assert result.status in ("feasible", "optimal")
    assert result.plan is not None
    # building took the 0.01 s: the (whole) start plan is the plan, verified, and HiGHS was not started
    assert "not run" in result.summary["solver"] and result.summary["gap"] is None
