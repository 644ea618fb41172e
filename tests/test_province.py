"""A province: one task per county on a Dask cluster, from county folders or a county column."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner
from shapely.affinity import translate

from consolidation import cli
from consolidation.province import run_province
from consolidation.synthetic import default_boundary, make_county, write_county

from conftest import REPO

SCENARIO = REPO / "scenarios" / "young_by_bus.toml"


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    folder = tmp_path_factory.mktemp("province")
    for k in range(3):
        boundary = translate(default_boundary(), xoff=0.36 * k)
        schools, villages = make_county(boundary=boundary, seed=100 + k, n_villages=20, n_small_schools=6,
                                        n_township_schools=2, n_city_schools=1)
        write_county(schools, villages, folder / f"county{k + 1}")
        gpd.GeoDataFrame(geometry=[boundary], crs=4326).to_file(folder / f"county{k + 1}" / "boundary.geojson")
    return folder


@pytest.mark.slow  # starts a Dask cluster
def test_county_folders_on_dask_match_serial(province, tmp_path):
    dask = run_province(province, SCENARIO, tmp_path / "dask", workers=2).table
    serial = run_province(province, SCENARIO, tmp_path / "serial", serial=True).table
    assert list(dask["county"]) == ["county1", "county2", "county3"]
    assert (dask["status"] == "optimal").all()
    pd.testing.assert_series_equal(dask["objective"], serial["objective"])
    out = tmp_path / "dask"
    assert (out / "province.csv").exists() and (out / "province_map.png").stat().st_size > 10_000
    for county in dask["county"]:
        assert (out / "counties" / county / "summary.json").exists()
    assert not list(tmp_path.glob(".*partial*"))


def test_county_column(province, tmp_path):
    frames = {"schools": [], "villages": []}
    for k in (1, 2):
        for role in frames:
            frame = pd.read_csv(province / f"county{k}" / f"{role}.csv", dtype=str, keep_default_na=False)
            id_column = "school_id" if role == "schools" else "village_id"
            frame[id_column] = f"C{k}-" + frame[id_column]
            for column in ("school_id", "school_id_g4_6", "school_id_g7_9"):
                if role == "villages" and column in frame:
                    frame[column] = frame[column].map(lambda s, k=k: f"C{k}-{s}" if s else s)
            frames[role].append(frame.assign(county=f"County {k}"))
    for role, parts in frames.items():
        pd.concat(parts).to_csv(tmp_path / f"{role}.csv", index=False)
    scenario = tmp_path / "province.toml"
    scenario.write_text(f'extends = "{SCENARIO}"\nname = "province"\n[inputs]\nschools = "schools.csv"\n'
                        'villages = "villages.csv"\nboundary = ""\n')
    scenario.write_text(scenario.read_text().replace('boundary = ""\n', ""))
    result = CliRunner().invoke(cli.main, ["province", "--scenario", str(scenario), "--out", str(tmp_path / "p"),
                                           "--serial", "-q"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "p" / "province.csv")
    assert list(table["county"]) == ["County 1", "County 2"]
    one = pd.read_csv(tmp_path / "p" / "counties" / "County-1" / "schools.csv")
    assert one["school_id"].str.startswith("C1-").all()


@pytest.mark.slow  # starts a Dask cluster
def test_one_broken_county_does_not_stop_the_others(province, tmp_path):
    broken = tmp_path / "prov"
    import shutil

    shutil.copytree(province, broken)
    (broken / "county2" / "schools.csv").write_text("school_id,capacity\nS1,lots\n")
    result = CliRunner().invoke(cli.main, ["province", str(broken), "--scenario", str(SCENARIO),
                                           "--out", str(tmp_path / "p"), "--workers", "2"])
    assert result.exit_code == 3
    assert "county2: error" in result.output and "capacity" in result.output
    table = pd.read_csv(tmp_path / "p" / "province.csv")
    assert list(table["status"]) == ["optimal", "error", "optimal"]
