"""Smoke tests of the benchmark harness on tiny sizes (the real runs are `python benchmarks/run.py`)."""

from __future__ import annotations

import sys

import pytest

from conftest import BENCH, REPO

sys.path.insert(0, str(REPO))

from benchmarks import common, province_bench, scaling  # noqa: E402


def test_markdown_table():
    text = common.md_table(["a", "b"], [["x", 1], ["y", None]])
    assert text.splitlines() == ["| a | b |", "|---|---:|", "| x | 1 |", "| y |  |"]
    assert common.machine_markdown().startswith("Machine: ")


def test_scaling_stages_chart_and_targets(tmp_path):
    small, township, city = scaling.school_mix(12)
    assert small + township + city == 12
    path = scaling.write_case(tmp_path / "c", 40, small, township, city, seed=3, time_limit=30)
    solved = scaling.measure(str(path), solve=True)
    assert solved["status"] == "optimal" and solved["pairs"] > 0 and solved["constraints"] > 0
    assert all(solved[k] >= 0 for k in ("prepare_s", "build_s", "solve_s", "plan_s"))
    unlimited = scaling.write_case(tmp_path / "n", 40, small, township, city, seed=3, limits=False)
    built = scaling.measure(str(unlimited), solve=False)
    assert built["status"] == "built" and built["pairs"] >= solved["pairs"]
    for r in (solved, built):
        r.update(base_mib=100.0, peak_mib=150.0, build_mib=120.0, mix=(small, township, city))
    results = {"solved": [solved], "built": [built], "profile": None}
    text = scaling.markdown(results, gap=0.001, time_limit=30, seed=3)
    assert "| villages | schools | pair variables |" in text and "Targets:" in text
    assert scaling.chart(results, tmp_path / "scaling.png").stat().st_size > 0


def test_child_process_reports_memory():
    r = common.in_child("scaling.school_mix_dict", n_schools=50)
    assert r["mix"] == [43, 5, 2] and r["peak_mib"] >= r["base_mib"] > 0


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # spopt builds PuLP variables the pre-4.0 way
def test_spopt_side_by_side_matches_the_published_optimum():
    pytest.importorskip("spopt")
    from benchmarks import spopt_compare

    [r] = spopt_compare.compare(BENCH, ["pmed1"], repeats=1)
    assert r["planner_objective"] == pytest.approx(5819) and r["spopt_objective"] == pytest.approx(5819)
    assert "| pmed1 (p = 5) | 5,819 |" in spopt_compare.markdown([r], 1)


def test_province_counties_run_serially(tmp_path):
    folder = province_bench.write_province(tmp_path / "p", 2)
    assert sorted(p.name for p in folder.iterdir()) == ["county_001", "county_002"]
    r = province_bench.run_once(folder, tmp_path / "out", serial=True, workers=1)
    assert r["statuses"] == {"optimal": 2} and len(r["seconds"]) == 2 and len(r["stages"]) == 2


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # spopt builds PuLP variables the pre-4.0 way
def test_peers_side_by_side_and_targets(tmp_path):
    pytest.importorskip("spopt")
    from benchmarks import instances, peers

    euclid = instances.euclidean_pmedian(n=60, m=10, p=3, cache=tmp_path)
    r = peers.side_by_side(euclid, "spopt", repeats=1)
    assert r["objectives_agree"] and r["planner_objective"] == pytest.approx(r["peer_objective"])
    text = peers.markdown([r], 2.0)
    assert "| euclid-60x10-p3-s1 | spopt |" in text
    # met only when the peer is at least 2x slower: the same run read with another factor flips the verdict
    ratio = r["peer_s"] / r["planner_s"]
    assert ("| met |" in peers.markdown([r], ratio / 2)) and ("**not met**" in peers.markdown([r], ratio * 2))


def test_time_limit_table_says_when_the_promise_is_kept(tmp_path):
    from benchmarks import instances, peers

    euclid = instances.euclidean_pmedian(n=60, m=10, p=3, cache=tmp_path)
    r = peers.run_limited(euclid.folder / "scenario.toml", 30.0)
    assert r["status"] == "optimal" and r["gap"] is not None and 0 < r["limited_s"] < 30
    text = peers.time_limits([("tiny", euclid.folder / "scenario.toml", r["objective"])], limits=(30.0,))
    assert "| tiny | 30 | optimal |" in text and "0.00%" in text and "| met |" in text


def test_capb_says_why_it_is_not_measured(tmp_path, monkeypatch):
    from benchmarks import peers

    monkeypatch.setattr(peers, "BENCH", tmp_path)
    assert peers.capb(1).startswith("capb: not measured")
