"""The radius formulation (consolidation.model.radius): when it stands for the model, and same optimum.

Hand-checkable levels on a one-village instance; random p-median and facility-location instances solved
with the radius formulation (from the start plan, and from one level per group so that levels must be
added round after round) and with the classical model agree on the optimum; HiGHS and CBC agree.
"""

from __future__ import annotations

import itertools
import math
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consolidation.checks import check_inputs
from consolidation.io import read_inputs
from consolidation.model import build_model
from consolidation.model.radius import Radius
from consolidation.pipeline import run_scenario
from consolidation.scenario import load_scenario
from consolidation.travel import build_pairs

from conftest import write_instance

NO_RULES = {"rules": {b: {"boarding": False} for b in ("G1_3", "G4_6", "G7_9")},
            "costs": {"school_annual": 0, "per_pupil_minute": 1, "per_place_added": 0, "per_bed_added": 0,
                      "per_boarder": 0},
            "schools": {"assignment": "single"},
            "solver": {"name": "highs", "gap": 0, "time_limit_s": 60}}


def _model(path: Path):
    scenario = load_scenario(path).scenario
    inputs = check_inputs(read_inputs(scenario), scenario)
    return build_model(build_pairs(inputs, scenario), inputs, scenario)


def _one_village(instance, minutes, *, scenario=None, locks=None, capacity=100):
    schools = [{"school_id": f"S{j}", "name": f"S{j}", "capacity": capacity, "annual_cost": 0,
                **({"lock": locks[j]} if locks else {})} for j in range(len(minutes))]
    villages = [{"village_id": "V", "pupils_g7_9": 10}]
    travel = [("V", f"S{j}", m) for j, m in enumerate(minutes)]
    return instance(schools=schools, villages=villages, travel=travel, scenario={**NO_RULES, **(scenario or {})})


def test_levels_are_the_distinct_costs_cheapest_first(instance):
    model = _model(_one_village(instance, [3, 1, 2, 2]))
    radius = Radius.of(model)
    assert radius is not None
    # 10 pupils x minutes: levels 10, 20, 30; the schools in cost order S1, then S2 and S3 (tied), then S0
    assert radius.levels.costs[0].tolist() == [10, 20, 30]
    assert [radius.sids[j] for j in radius.levels.order[0]] == ["S1", "S2", "S3", "S0"]
    assert radius.levels.first[0].tolist() == [0, 1, 3, 4]
    assert radius.levels.needed.tolist() == [3]


def test_open_exactly_and_locks_cut_the_levels_needed(instance):
    # 3 of 4 schools open: at most one closed, so one of the two cheapest is open (Elloumi): 2 levels needed
    model = _model(_one_village(instance, [3, 1, 2, 4], scenario={"schools": {"open_exactly": 3}}))
    assert Radius.of(model).levels.needed.tolist() == [2]
    # S2 (the second level) locked open: never served past it
    model = _model(_one_village(instance, [3, 1, 2, 4], locks=["", "", "open", ""]))
    assert Radius.of(model).levels.needed.tolist() == [2]


def test_not_used_where_a_capacity_can_bind(instance):
    path = _one_village(instance, [3, 1, 2], capacity=5)  # 10 pupils, 5 places: the capacity rows stay
    assert Radius.of(_model(path)) is None
    assert Radius.of(_model(_one_village(instance, [3, 1, 2]))) is not None


def test_the_relaxation_serves_past_its_levels_then_gets_more(instance):
    # Two villages, one school may open. With one level each, the relaxation may open S1 (cheapest for
    # V1 only) while V0 is "beyond" its level at the price of one step: the plan must come out right anyway.
    schools = [{"school_id": s, "name": s, "capacity": 100, "annual_cost": 0} for s in ("S0", "S1", "S2")]
    villages = [{"village_id": "V0", "pupils_g7_9": 10}, {"village_id": "V1", "pupils_g7_9": 10}]
    travel = [("V0", "S0", 1), ("V0", "S1", 2), ("V0", "S2", 50), ("V1", "S0", 50), ("V1", "S1", 1), ("V1", "S2", 2)]
    path = instance(schools=schools, villages=villages, travel=travel,
                    scenario={**NO_RULES, "schools": {"assignment": "single", "open_exactly": 1}})
    model = _model(path)
    radius = Radius.of(model)
    levels = np.ones(2, int)
    problem, last = radius.problem(levels)
    assert all(z is not None for z in last)  # each chain cut after its first level
    opened = np.array([False, True, False])
    more, short = radius.more_levels(levels, opened)
    # V0 is served at its second level by S1: it gets every level it needs (3, as 1 of 3 schools opens); half
    # the groups were short, so the other gets twice its levels
    assert short == 1 and more.tolist() == [3, 2]
    result = run_scenario(load_scenario(path))
    assert result.status == "optimal" and result.summary["objective"] == pytest.approx(30.0)


def test_rounds_add_levels_until_no_group_is_served_past_them(instance, monkeypatch):
    # Five villages in a row, schools at both ends and in the middle; one opens. From one level per group
    # the first relaxation opens an end school (its far villages cost one step each): levels must be added.
    schools = [{"school_id": s, "name": s, "capacity": 1000, "annual_cost": 0} for s in ("W", "M", "E")]
    villages = [{"village_id": f"V{i}", "pupils_g7_9": 10} for i in range(5)]
    where = {"W": 0, "M": 2, "E": 4}
    travel = [(f"V{i}", s, abs(i - x) * 10) for i in range(5) for s, x in where.items()]
    path = instance(schools=schools, villages=villages, travel=travel,
                    scenario={**NO_RULES, "schools": {"assignment": "single", "open_exactly": 1}})
    shorts = []
    more_levels = Radius.more_levels

    def spy(self, levels, opened):
        more, short = more_levels(self, levels, opened)
        shorts.append(short)
        return more, short

    monkeypatch.setattr(Radius, "first_levels", lambda self, opened: np.ones(len(self.levels.needed), int))
    monkeypatch.setattr(Radius, "more_levels", spy)
    result = run_scenario(load_scenario(path))
    assert result.status == "optimal" and result.summary["objective"] == pytest.approx(10 * (20 + 10 + 0 + 10 + 20))
    assert result.summary["schools_open"] == 1 and shorts[0] > 0 and shorts[-1] == 0


# --- random instances: radius and classical agree -----------------------------------------------------

_ROOT = tempfile.TemporaryDirectory(prefix="consolidation-radius-")
_COUNTER = itertools.count()


@st.composite
def pmedians(draw):
    """A random p-median or facility location: 3-9 schools, 4-25 villages, minutes on a grid (many ties)."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_schools, n_villages = draw(st.integers(3, 9)), draw(st.integers(4, 25))
    sites, homes = rng.integers(0, 12, (n_schools, 2)), rng.integers(0, 12, (n_villages, 2))
    minutes = np.abs(homes[:, None, :] - sites[None, :, :]).sum(axis=2)  # city blocks: ties on purpose
    fixed = draw(st.booleans())
    schools = [{"school_id": f"S{j}", "name": f"S{j}", "capacity": 10_000,
                "annual_cost": int(rng.integers(0, 400)) if fixed else 0,
                "lock": draw(st.sampled_from(["", "", "", "open", "closed"]))} for j in range(n_schools)]
    villages = [{"village_id": f"V{i}", "pupils_g4_6": int(rng.integers(0, 9)), "pupils_g7_9": int(rng.integers(1, 9))}
                for i in range(n_villages)]
    travel = [(f"V{i}", f"S{j}", int(minutes[i, j])) for i in range(n_villages) for j in range(n_schools)]
    count = draw(st.sampled_from(["none", "exactly", "max"]))
    rules: dict = {"assignment": draw(st.sampled_from(["single", "split"]))}
    if count != "none":
        rules["open_exactly" if count == "exactly" else "max_open"] = draw(st.integers(1, n_schools))
    scenario = {**NO_RULES, "schools": rules,
                "costs": {**NO_RULES["costs"], "per_pupil_minute": draw(st.sampled_from([1, 0.5, 3]))}}
    folder = Path(_ROOT.name) / f"case{next(_COUNTER)}"
    return write_instance(folder, schools=schools, villages=villages, travel=travel, scenario=scenario)


def _objective(result):
    assert result.status in ("optimal", "infeasible"), result.summary.get("reasons")
    return None if result.status == "infeasible" else result.summary["objective"]


def _same(a, b):
    return (a is None) == (b is None) and (a is None or math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6))


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(path=pmedians())
def test_radius_and_classical_agree(path, monkeypatch):
    classic = _objective(run_scenario(load_scenario(path, ['solver.formulation="classic"'])))
    radius = _objective(run_scenario(load_scenario(path)))
    assert _same(radius, classic), (radius, classic)
    # From one level per group: the relaxations serve groups past their levels and levels are added
    with monkeypatch.context() as patch:
        patch.setattr(Radius, "first_levels", lambda self, opened: np.ones(len(self.levels.needed), int))
        rounds = _objective(run_scenario(load_scenario(path)))
    assert _same(rounds, classic), (rounds, classic)


@settings(max_examples=6, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(path=pmedians())
def test_highs_and_cbc_agree_on_the_radius_formulation(path):
    highs = _objective(run_scenario(load_scenario(path)))
    cbc = _objective(run_scenario(load_scenario(path, ['solver.name="cbc"'])))
    assert _same(highs, cbc), (highs, cbc)
