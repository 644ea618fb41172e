"""Tests of the synthetic county generator and of the embedded data it made."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from consolidation.synthetic import (
    SCHOOL_COLUMNS,
    VILLAGE_COLUMNS,
    default_boundary,
    main,
    make_county,
    read_boundary,
)

DATA = Path(__file__).resolve().parent.parent / "data"
SEED = 7  # the seed documented in data/README.md
BANDS = ["pupils_g1_3", "pupils_g4_6", "pupils_g7_9"]


@pytest.fixture(scope="module")
def boundary():
    return read_boundary(DATA / "qilihe_boundary.geojson")


@pytest.fixture(scope="module")
def county(boundary):
    return make_county(boundary=boundary, seed=SEED)


def _points(frame: pd.DataFrame) -> gpd.GeoSeries:
    return gpd.GeoSeries(gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")


def walking_distances_m(schools: pd.DataFrame, villages: pd.DataFrame) -> pd.Series:
    """Straight-line metres from each village to its ``school_id`` school, in a UTM CRS."""
    crs = _points(villages).estimate_utm_crs()
    village_pts = _points(villages).to_crs(crs)
    school_pts = _points(schools).to_crs(crs)
    where = pd.Index(schools["school_id"]).get_indexer(villages["school_id"])
    assert (where >= 0).all(), "a village names a school_id that does not exist"
    return pd.Series(village_pts.distance(school_pts.iloc[where].reset_index(drop=True)).to_numpy(),
                     index=villages["village_id"])


def check_county(schools: pd.DataFrame, villages: pd.DataFrame, boundary) -> None:
    assert list(schools.columns) == SCHOOL_COLUMNS
    assert list(villages.columns) == VILLAGE_COLUMNS
    assert schools["school_id"].is_unique and villages["village_id"].is_unique
    for frame in (schools, villages):
        assert shapely.contains_xy(boundary, frame["lon"], frame["lat"]).all()
    assert walking_distances_m(schools, villages).max() <= 1200.0
    for band in BANDS:  # every school's enrolment is exactly the pupils of the villages attending it
        attends = villages.get("school_id_" + band[7:], pd.Series("", index=villages.index))
        attends = attends.fillna("").astype(str).where(lambda a: a != "", villages["school_id"])
        enrolled = villages.groupby(attends)[band].sum()
        today = schools.set_index("school_id")[band]
        assert enrolled.reindex(today.index, fill_value=0).equals(today), band
    assert (schools[BANDS].sum() == villages[BANDS].sum()).all()  # every pupil is at one school
    assert (schools["capacity"] >= schools[BANDS].sum(axis=1)).all()
    assert (schools["max_capacity"] >= schools["capacity"]).all()
    assert (schools["max_beds"] >= schools["beds"]).all()
    assert schools["annual_cost"].isna().all()


def test_same_seed_gives_identical_frames(boundary):
    first = make_county(boundary=boundary, seed=3)
    second = make_county(boundary=boundary, seed=3)
    for a, b in zip(first, second):
        pd.testing.assert_frame_equal(a, b)


def test_different_seed_gives_different_frames(boundary, county):
    other = make_county(boundary=boundary, seed=SEED + 1)
    assert not county[0].equals(other[0])
    assert not county[1].equals(other[1])


def test_default_county_is_consistent(boundary, county):
    schools, villages = county
    check_county(schools, villages, boundary)
    counts = schools["kind"].value_counts()
    assert counts.to_dict() == {"village": 26, "township": 4, "city": 4}
    assert len(villages) == 60


def test_default_county_looks_like_the_case(county):
    schools, villages = county
    small = schools[schools["kind"] == "village"]
    points = small[small["bands"] == "G1_3"]  # teaching points: the smallest 40 %, grades 1-3 only
    assert len(points) == 10 and (points["pupils_g4_6"] == 0).all()
    primaries = small[small["bands"] == "G1_3,G4_6"]
    assert len(primaries) == 16 and (primaries["pupils_g1_3"] + primaries["pupils_g4_6"]).between(8, 35).all()
    # About 400 pupils in grades 1-6 live in the small schools' villages (Qilihe: ~400 in 26 schools).
    served = villages[villages["school_id"].isin(small["school_id"])]
    assert 350 <= (served["pupils_g1_3"] + served["pupils_g4_6"]).sum() <= 450
    assert not small["can_be_hub"].any()
    assert (small["pupils_g7_9"] == 0).all() and (small["max_beds"] == 0).all()
    towns = schools[schools["kind"] == "township"]
    assert towns[BANDS].sum(axis=1).between(150, 400).all()
    assert (towns["bands"] == "G1_3,G4_6,G7_9").sum() >= 2
    assert towns["can_be_hub"].all() and towns["max_beds"].between(200, 400).all()
    assert (towns["capacity"] % 270 == 0).all() and (towns["max_capacity"] > towns["capacity"]).all()
    city = schools[schools["kind"] == "city"]
    assert (city[BANDS].sum(axis=1) / city["capacity"]).between(0.85, 0.98).all()
    rural = villages[~villages["school_id"].isin(city["school_id"])]
    assert rural["pupils_g7_9"].between(0, 12).all()
    assert 3 <= len(villages) - len(rural) <= 6
    assert schools["max_capacity"].sum() > 1.2 * villages[BANDS].sum().sum()


def test_generic_boundary(county):
    schools, villages = make_county(seed=SEED)
    check_county(schools, villages, default_boundary())


def test_committed_data_match_the_generator(county):
    schools = pd.read_csv(DATA / "schools.csv", dtype={"school_id": str})
    ids = {"village_id": str, "school_id": str, "school_id_g4_6": str, "school_id_g7_9": str}
    villages = pd.read_csv(DATA / "villages.csv", dtype=ids, keep_default_na=False)
    villages[["pupils_g1_3", "pupils_g4_6", "pupils_g7_9"]] = villages[
        ["pupils_g1_3", "pupils_g4_6", "pupils_g7_9"]].astype("int64")
    villages[["lon", "lat"]] = villages[["lon", "lat"]].astype(float)
    message = "data/*.csv drifted: run python -m consolidation.synthetic --out data --seed 7"
    for read, made in zip((schools, villages), county):
        assert list(read.columns) == list(made.columns), message
        pd.testing.assert_frame_equal(read, made, check_dtype=False, check_exact=False,
                                      rtol=0.0, atol=2e-6, obj=message)


def test_main_writes_the_committed_files(tmp_path, capsys):
    assert main(["--out", str(tmp_path), "--seed", str(SEED)]) == 0
    for name in ("schools.csv", "villages.csv"):
        written = pd.read_csv(tmp_path / name)
        committed = pd.read_csv(DATA / name)
        pd.testing.assert_frame_equal(written, committed, check_exact=False, rtol=0.0, atol=2e-6)
    assert "schools.csv" in capsys.readouterr().out


def test_scale_case(boundary):
    schools, villages = make_county(boundary=boundary, seed=11, n_villages=3000,
                                    n_small_schools=200)
    assert len(villages) == 3000 and (schools["kind"] == "village").sum() == 200
    check_county(schools, villages, boundary)


def test_too_few_villages_is_refused():
    with pytest.raises(ValueError, match="n_villages"):
        make_county(n_villages=10)


def test_distances_are_metric_not_degrees(county):
    schools, villages = county
    metres = walking_distances_m(schools, villages)
    assert 100.0 < metres.max() <= 1200.0
    assert np.isfinite(metres).all()


def test_committed_roads_match_the_generator(boundary):
    from consolidation.synthetic import make_county_roads

    made = make_county_roads(boundary=boundary, seed=SEED)
    read = gpd.read_file(DATA / "roads.gpkg")
    message = "data/roads.gpkg drifted: run python -m consolidation.synthetic --out data --seed 7"
    assert read["highway"].tolist() == made["highway"].tolist(), message
    assert all(a.equals_exact(b, 1e-7) for a, b in zip(read.geometry, made.geometry)), message
    counts = made["highway"].value_counts()
    assert counts["path"] == 3 and counts["secondary"] == 4 and counts["primary"] == 1


def test_roads_are_the_same_bytes_every_time(tmp_path):
    from consolidation.synthetic.road_lines import write_roads

    roads = gpd.read_file(DATA / "roads.gpkg")
    first = write_roads(roads, tmp_path).read_bytes()
    assert write_roads(roads, tmp_path).read_bytes() == first
