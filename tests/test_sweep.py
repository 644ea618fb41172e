"""Sweeps: combinations, the trade-off front, serial and Dask runs agreeing, and failures kept apart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from consolidation import cli
from consolidation.errors import OutputError, ScenarioError
from consolidation.sweep import combinations, pareto, parse_vary, run_label, run_sweep

from test_model import two_schools


def test_parse_vary_and_combinations():
    vary = parse_vary(["rules.G4_6.max_minutes=30,40", 'solver.name="highs","cbc"', "schools.max_open=1"])
    assert vary == {"rules.G4_6.max_minutes": [30, 40], "solver.name": ["highs", "cbc"], "schools.max_open": [1]}
    combos = combinations(vary)
    assert len(combos) == 4 and combos[1] == {"rules.G4_6.max_minutes": 30, "solver.name": "cbc",
                                              "schools.max_open": 1}
    assert run_label({"rules.G4_6.max_minutes": 30, "rules.G7_9.max_minutes": 60}) == \
        "G4_6.max_minutes=30, G7_9.max_minutes=60"
    assert run_label({"costs.per_bed_added": 1}) == "per_bed_added=1"
    with pytest.raises(ScenarioError, match="KEY=V1,V2"):
        parse_vary(["rules.G4_6.max_minutes"])


def test_pareto_by_hand():
    cost = np.array([1.0, 2.0, 3.0, 2.5, np.nan, 1.0])
    travel = np.array([10.0, 8.0, 5.0, 9.0, 1.0, 12.0])
    # (2.5, 9) is dominated by (2, 8); (1, 12) by (1, 10); the NaN run has no plan.
    assert pareto(cost, travel).tolist() == [True, True, True, False, False, False]


@pytest.fixture
def tiny(instance):
    # Tightening G4_6's day limit below 20 min keeps both schools open (2000 instead of 1150).
    return two_schools(instance)


def test_sweep_serial(tiny, tmp_path):
    result = run_sweep(tiny, {"rules.G4_6.max_minutes": [10, 15, 20, 30]}, tmp_path / "sw", serial=True)
    t = result.table
    assert list(t["rules.G4_6.max_minutes"]) == [10, 15, 20, 30]
    assert list(t["objective"]) == pytest.approx([2000, 2000, 1150, 1150])
    assert list(t["schools_open"]) == [2, 2, 1, 1]
    assert (tmp_path / "sw" / "sweep.csv").exists() and (tmp_path / "sw" / "tradeoff.png").exists()
    assert len(list((tmp_path / "sw" / "runs").iterdir())) == 4
    folders = pd.read_csv(tmp_path / "sw" / "sweep.csv")["folder"]
    assert all((Path(f) / "summary.json").exists() for f in folders)  # the table points at the final folders
    with pytest.raises(OutputError, match="already exists"):
        run_sweep(tiny, {"rules.G4_6.max_minutes": [10]}, tmp_path / "sw", serial=True)


@pytest.mark.slow  # starts a Dask cluster
def test_sweep_on_a_dask_cluster_matches_serial(tiny, tmp_path):
    vary = {"rules.G4_6.max_minutes": [10, 20], "costs.per_pupil_minute": [1, 100]}
    serial = run_sweep(tiny, vary, tmp_path / "serial", serial=True).table
    seen = []
    dask = run_sweep(tiny, vary, tmp_path / "dask", workers=2,
                     on_update=lambda result, done, running: seen.append((done, running))).table
    columns = ["run", "status", "objective", "schools_open", "pupils_moved"]
    pd.testing.assert_frame_equal(serial[columns], dask[columns])
    assert seen[-1] == (4, 0)


@pytest.mark.slow  # starts a Dask cluster
def test_one_failed_run_does_not_stop_the_others(tiny, tmp_path):
    (tiny.parent / "empty.csv").write_text("school_id,capacity\n")
    vary = {"inputs.schools": [str(tiny.parent / "schools.csv"), str(tiny.parent / "missing.csv")],
            "rules.G4_6.max_minutes": [15, 1]}
    t = run_sweep(tiny, vary, tmp_path / "sw", workers=2).table
    assert list(t["status"]) == ["optimal", "infeasible", "error", "error"]
    assert "does not exist" in t.loc[2, "error"]
    assert "no school in reach" in t.loc[1, "error"]


def test_sweep_table_in_the_scenario_and_cli(tiny, tmp_path):
    text = tiny.read_text() + '\n[sweep]\n"rules.G4_6.max_minutes" = [10, 20]\n'
    tiny.write_text(text)
    result = CliRunner().invoke(cli.main, ["sweep", str(tiny), "--out", str(tmp_path / "sw"), "--serial", "-q"])
    assert result.exit_code == 0, result.output
    assert "2 runs, 2 with a plan" in result.output
    result = CliRunner().invoke(cli.main, ["sweep", str(tiny), "--vary", "rules.G4_6.max_minute=1,2",
                                           "--out", str(tmp_path / "x")])
    assert result.exit_code == 2 and "Did you mean 'max_minutes'" in result.output and not (tmp_path / "x").exists()
    result = CliRunner().invoke(cli.main, ["sweep", str(tiny), "--vary", "rules.G4_6.max_minutes=1,20",
                                           "--out", str(tmp_path / "y"), "--serial", "-q"])
    assert result.exit_code == 3 and "infeasible" in result.output


def test_valuing_travel_time_more_keeps_more_schools_open(tmp_path):
    """Published check (Araya et al. 2012, Chile): raising the unit cost of travel keeps more schools open."""
    from conftest import REPO

    t = run_sweep(REPO / "scenarios" / "young_by_bus.toml", {"costs.per_pupil_minute": [10, 100, 400]},
                  tmp_path / "sw", serial=True).table
    assert list(t["status"]) == ["optimal"] * 3
    assert t["schools_open"].is_monotonic_increasing and t["schools_open"].iloc[-1] > t["schools_open"].iloc[0]
    assert t["public_cost"].is_monotonic_increasing and t["mean_minutes"].is_monotonic_decreasing


def test_chinese_chart_has_every_glyph(tmp_path):
    import warnings

    from consolidation.report._mapkit import font_family
    from consolidation import i18n
    from consolidation.sweep import draw_tradeoff

    if font_family(["撤并"])[0] == "DejaVu Sans":
        pytest.skip("no CJK font installed (make test installs fonts-noto-cjk)")
    table = pd.DataFrame({"label": ["a=1", "a=2"], "public_cost": [1e6, 2e6], "mean_minutes": [10.0, 5.0],
                          "max_minutes": [30.0, 20.0], "pareto_mean": [True, True], "pareto_max": [True, True]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a UserWarning from matplotlib
        draw_tradeoff(table, tmp_path / "zh.png", title="示例县", lang="zh")
    assert (tmp_path / "zh.png").stat().st_size > 20_000 and i18n.text("sweep.cost", "zh").startswith("公共")
