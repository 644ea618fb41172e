"""Travel along roads ([inputs] roads) and a travel file's mode and band columns, on hand-made instances."""

import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from shapely.geometry import LineString

from consolidation import cli
from consolidation.errors import InputError, OutputError
from consolidation.io import read_inputs
from consolidation.pipeline import prepare, run_scenario, write_travel
from consolidation.scenario import load_scenario
from consolidation.travel import build_pairs, school_minutes

from conftest import REPO, write_instance

X0, Y0 = 500000.0, 4000000.0
CRS = "EPSG:32648"

# A school S1 at (0, 0) and a village V1 ten metres beyond (0, 1000): 1 km apart as the crow flies, with a
# ravine between. By bus: 3 km of trunk road (60 km/h, never walked) and 2 km of track (15 km/h) = 5 km,
# 3 + 8 = 11 min. On foot: the trunk road is not walked, so a 7 km path round the other side, 105 min.
# Both ends: the village is 10 m from the roads, walked (0.15 min at 4 km/h) and counted as road km.
LINES = [
    ("trunk", [(0, 0), (2000, 0), (2000, 1000)]),
    ("track", [(2000, 1000), (0, 1000)]),
    ("path", [(0, 1000), (-3000, 1000), (-3000, 0), (0, 0)]),
]
SNAP_MIN = 10 / 1000 / 4 * 60
BUS_MIN, WALK_MIN = 3 + 8 + SNAP_MIN, 105 + SNAP_MIN


def _roads_file(folder: Path, lines=LINES) -> Path:
    frame = gpd.GeoDataFrame({"highway": [c for c, _ in lines]},
                             geometry=[LineString([(X0 + x, Y0 + y) for x, y in pts]) for _, pts in lines],
                             crs=CRS)
    path = folder / "roads.gpkg"
    frame.to_file(path, driver="GPKG")
    return path


def _instance(folder: Path, *, villages=None, scenario=None, lines=LINES, travel=None) -> Path:
    schools = [{"school_id": "S1", "x": X0, "y": Y0, "capacity": 100, "pupils_g1_3": 0}]
    villages = villages or [{"village_id": "V1", "x": X0, "y": Y0 + 1010, "pupils_g1_3": 5, "pupils_g4_6": 5,
                             "school_id": "S1"}]
    base = {"inputs": {"crs": CRS, "roads": "roads.gpkg"},
            "rules": {"G1_3": {"max_minutes": 120, "mode": "walk"}, "G4_6": {"max_minutes": 60, "mode": "bus"}}}
    for key, value in (scenario or {}).items():
        base[key] = {**base.get(key, {}), **value}
    path = write_instance(folder, schools=schools, villages=villages, scenario=base)
    _roads_file(folder, lines)
    if travel is not None:
        pd.DataFrame(travel).to_csv(folder / "travel.csv", index=False)
    return path


def _pairs(path: Path):
    loaded = load_scenario(path)
    inputs = read_inputs(loaded.scenario)
    return inputs, build_pairs(inputs, loaded.scenario)


def test_a_village_near_as_the_crow_flies_gets_its_road_minutes(tmp_path):
    inputs, pairs = _pairs(_instance(tmp_path))
    table = pairs.table.set_index("band")
    assert table.loc["G4_6", "minutes"] == pytest.approx(BUS_MIN)
    assert table.loc["G4_6", "km"] == pytest.approx(5.01)
    assert table.loc["G1_3", "minutes"] == pytest.approx(WALK_MIN)  # walking: the trunk road is not walked
    assert table.loc["G1_3", "km"] == pytest.approx(7.01)
    bus = inputs.roads.modes["bus"]
    assert bus.origin_snap_m[0] == pytest.approx(10.0) and bus.school_snap_m[0] == pytest.approx(0.0)


def test_straight_line_without_roads_is_much_shorter(tmp_path):
    path = _instance(tmp_path)
    _, pairs = _pairs(path)
    text = (tmp_path / "scenario.toml").read_text().replace('roads = "roads.gpkg"\n', "")
    (tmp_path / "plain.toml").write_text(text)
    _, plain = _pairs(tmp_path / "plain.toml")
    walk = plain.table.set_index("band").loc["G1_3", "minutes"]
    assert walk == pytest.approx(1.01 * 1.3 / 4 * 60)
    assert pairs.table.set_index("band").loc["G1_3", "minutes"] > 5 * walk


def test_walking_and_bus_follow_the_class_rules(tmp_path):
    # Let children walk the trunk road: walking now takes the 5 km road too, at walking speed.
    _, pairs = _pairs(_instance(tmp_path, scenario={"roads": {"walk_classes_excluded": ["motorway"]}}))
    assert pairs.table.set_index("band").loc["G1_3", "minutes"] == pytest.approx(75 + SNAP_MIN)
    # A bus that may not drive tracks cannot reach the village: it is refused as too far from bus roads.
    with pytest.raises(InputError, match=r"villages V1 \(1,010 m\).*bus roads"):
        _pairs(_instance(tmp_path / "b", scenario={"roads": {"class_speeds": {"trunk": 60.0}, "max_snap_m": 500}}))


def test_a_village_far_from_every_road_is_refused(tmp_path):
    villages = [{"village_id": "V1", "x": X0, "y": Y0 + 1010, "pupils_g1_3": 5, "school_id": "S1"},
                {"village_id": "V9", "x": X0 + 9000, "y": Y0 + 9000, "pupils_g1_3": 5, "school_id": "S1"}]
    with pytest.raises(InputError) as err:
        _pairs(_instance(tmp_path, villages=villages))
    text = str(err.value)
    assert "V9" in text and "max_snap_m = 2000" in text and "V1 " not in text


def test_the_search_stops_at_the_longest_trip_the_rules_allow(tmp_path):
    # G1_3 may walk 60 min: the 105-min walk is beyond every rule and is not searched; the bus trip stays.
    inputs, pairs = _pairs(_instance(tmp_path, scenario={"rules": {"G1_3": {"max_minutes": 60, "mode": "walk"}}}))
    assert np.isnan(inputs.roads.modes["walk"].minutes[0, 0])
    assert set(pairs.table["band"]) == {"G4_6"}


def test_routes_follow_the_roads(tmp_path):
    inputs, _ = _pairs(_instance(tmp_path))
    route = inputs.roads.route(0, 0, "bus")
    assert route[0].tolist() == [X0, Y0 + 1010] and route[-1].tolist() == [X0, Y0]
    assert np.hypot(*np.diff(route, axis=0).T).sum() == pytest.approx(5010)


def test_school_minutes_follow_the_roads(tmp_path):
    schools = [{"school_id": "S1", "x": X0, "y": Y0, "capacity": 100},
               {"school_id": "S2", "x": X0, "y": Y0 + 1000, "capacity": 100, "pupils_g1_3": 3}]
    path = write_instance(tmp_path, schools=schools, scenario={"inputs": {"crs": CRS, "roads": "roads.gpkg"}})
    _roads_file(tmp_path)
    loaded = load_scenario(path)
    minutes = school_minutes(read_inputs(loaded.scenario), loaded.scenario)
    assert minutes.loc["S2", "S1"] == pytest.approx(11.0)


def test_climbing_costs_walkers_minutes(tmp_path):
    rasterio = pytest.importorskip("rasterio")
    from affine import Affine

    # The ground rises 10 m per 100 m southwards: walking from V1 down the path's last leg to S1 climbs 100 m,
    # 6 minutes at slope_penalty = 6 per 100 m. Pixel centres fall on the nodes (100 m pixels).
    path = _instance(tmp_path, scenario={"inputs": {"dem": "dem.tif"}, "roads": {"slope_penalty": 6.0}})
    north = Y0 + 3050
    centre_y = north - 50 - 100 * np.arange(50)
    z = np.repeat((-(centre_y - Y0) / 10.0)[:, None], 80, axis=1)
    with rasterio.open(tmp_path / "dem.tif", "w", driver="GTiff", height=50, width=80, count=1, dtype="float64",
                       crs=CRS, transform=Affine(100, 0, X0 - 4050, 0, -100, north)) as out:
        out.write(z, 1)
    inputs, pairs = _pairs(path)
    assert pairs.table.set_index("band").loc["G1_3", "minutes"] == pytest.approx(WALK_MIN + 6)
    assert pairs.table.set_index("band").loc["G4_6", "minutes"] == pytest.approx(BUS_MIN)  # buses: no penalty


def test_without_a_slope_penalty_the_raster_is_not_used(tmp_path):
    path = _instance(tmp_path, scenario={"inputs": {"dem": "dem.tif"}})
    (tmp_path / "dem.tif").write_bytes(b"not read")
    _, pairs = _pairs(path)
    assert pairs.table.set_index("band").loc["G1_3", "minutes"] == pytest.approx(WALK_MIN)
    assert any("slope_penalty is 0" in note for note in pairs.notes)


# --- the travel command ---------------------------------------------------------------------------------------


def test_travel_command_writes_the_matrix(tmp_path):
    path = _instance(tmp_path)
    out = tmp_path / "out" / "travel.csv"
    result = CliRunner().invoke(cli.main, ["travel", str(path), "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out).set_index("mode")
    assert list(table.columns) == ["origin_id", "school_id", "minutes", "km", "snap_m"]
    assert table.loc["bus", "minutes"] == pytest.approx(BUS_MIN, abs=0.01)
    assert table.loc["walk", "km"] == pytest.approx(7.01)
    assert table.loc["bus", "snap_m"] == pytest.approx(10.0)
    again = CliRunner().invoke(cli.main, ["travel", str(path), "--out", str(out)])
    assert again.exit_code == 2 and "exists" in again.output


def test_travel_command_refuses_to_overwrite_an_input(tmp_path):
    path = _instance(tmp_path)
    before = (tmp_path / "villages.csv").read_bytes()
    for target in (tmp_path / "villages.csv", tmp_path / "scenario.toml", tmp_path / "roads.gpkg"):
        result = CliRunner().invoke(cli.main, ["travel", str(path), "--out", str(target), "--overwrite"])
        assert result.exit_code == 2 and "scenario's own files" in result.output
    assert (tmp_path / "villages.csv").read_bytes() == before
    with pytest.raises(OutputError, match="folder"):
        write_travel(load_scenario(path), tmp_path)


# --- a travel file's mode and band ----------------------------------------------------------------------------


def _plain(folder: Path, travel: list[dict], scenario: dict | None = None) -> Path:
    schools = [{"school_id": "S1", "x": X0, "y": Y0, "capacity": 100}]
    villages = [{"village_id": "V1", "x": X0, "y": Y0 + 1000, "pupils_g1_3": 5, "pupils_g4_6": 5,
                 "pupils_g7_9": 5, "school_id": "S1"}]
    base = {"inputs": {"crs": CRS, "travel": "travel.csv"}, **(scenario or {})}
    base["inputs"] = {"crs": CRS, "travel": "travel.csv", **(scenario or {}).get("inputs", {})}
    path = write_instance(folder, schools=schools, villages=villages, scenario=base)
    pd.DataFrame(travel).to_csv(folder / "travel.csv", index=False)
    return path


def _minutes(path: Path) -> dict:
    _, pairs = _pairs(path)
    return pairs.table.set_index("band")["minutes"].to_dict(), pairs.notes


def test_walkers_take_walking_minutes_and_riders_bus_minutes(tmp_path):
    path = _plain(tmp_path, [{"origin_id": "V1", "school_id": "S1", "mode": "walk", "minutes": 25},
                             {"origin_id": "V1", "school_id": "S1", "mode": "bus", "minutes": 7}])
    minutes, notes = _minutes(path)
    assert minutes == {"G1_3": 25, "G4_6": 7, "G7_9": 7}
    assert notes == ()


def test_a_band_row_overrides_the_row_for_every_band(tmp_path):
    path = _plain(tmp_path, [{"origin_id": "V1", "school_id": "S1", "mode": "bus", "band": "", "minutes": 7},
                             {"origin_id": "V1", "school_id": "S1", "mode": "bus", "band": "g7_9", "minutes": 9},
                             {"origin_id": "V1", "school_id": "S1", "mode": "walk", "band": "", "minutes": 20}])
    minutes, _ = _minutes(path)
    assert minutes == {"G1_3": 20, "G4_6": 7, "G7_9": 9}


def test_travel_mode_says_what_a_file_without_mode_gives(tmp_path):
    # Bus minutes only: walkers keep straight line x detour (1 km x 1.3 at 4 km/h = 19.5 min).
    path = _plain(tmp_path, [{"origin_id": "V1", "school_id": "S1", "minutes": 7}],
                  {"inputs": {"travel_mode": "bus"}})
    minutes, notes = _minutes(path)
    assert minutes["G1_3"] == pytest.approx(19.5) and minutes["G4_6"] == 7 and notes == ()


def test_no_mode_and_no_travel_mode_means_both_but_says_so(tmp_path, caplog):
    path = _plain(tmp_path, [{"origin_id": "V1", "school_id": "S1", "minutes": 7}])
    with caplog.at_level(logging.WARNING, logger="consolidation"):
        minutes, notes = _minutes(path)
    assert minutes == {"G1_3": 7, "G4_6": 7, "G7_9": 7}
    assert len(notes) == 1 and "walking and riding alike" in notes[0] and "travel_mode" in notes[0]
    assert "walking and riding alike" in caplog.text
    result = run_scenario(load_scenario(path), out=tmp_path / "run")
    assert notes[0] in result.summary["reasons"] and notes[0] in result.summary["notes"]
    assert "walking and riding alike" in (tmp_path / "run" / "report.html").read_text(encoding="utf-8")


def test_bad_mode_and_band_values_are_named(tmp_path):
    path = _plain(tmp_path, [{"origin_id": "V1", "school_id": "S1", "mode": "car", "band": "G1_3", "minutes": 7},
                             {"origin_id": "V2", "school_id": "S1", "mode": "walk", "band": "G10", "minutes": 7}])
    with pytest.raises(InputError) as err:
        prepare(load_scenario(path))
    text = str(err.value)
    assert "travel.csv: column mode has 'car' for pair V1->S1: write one of walk, bus" in text
    assert "column band has 'G10' for pair V2->S1: write one of G1_3, G4_6, G7_9" in text


def test_a_pair_may_be_listed_once_per_mode_and_band(tmp_path):
    path = _plain(tmp_path, [{"origin_id": "V1", "school_id": "S1", "mode": "walk", "minutes": 7},
                             {"origin_id": "V1", "school_id": "S1", "mode": "walk", "minutes": 8}])
    with pytest.raises(InputError, match=r"listed more than once: V1->S1 walk.*and mode"):
        prepare(load_scenario(path))


# --- the example county on its synthetic roads ----------------------------------------------------------------


def test_the_example_county_runs_on_its_roads(tmp_path):
    result = run_scenario(load_scenario(REPO / "scenarios" / "roads.toml"), out=tmp_path / "roads")
    assert result.status in ("optimal", "feasible")
    assert (tmp_path / "roads" / "map.png").exists()


def test_a_real_openstreetmap_extract_gives_road_minutes(tmp_path):
    """pyrosm's own test extract (a small .osm.pbf it ships for its tests; no download): roads read, minutes."""
    pyrosm = pytest.importorskip("pyrosm")
    import shutil

    pbf = Path(pyrosm.get_data("test_pbf"))
    shutil.copy(pbf, tmp_path / "extract.osm.pbf")
    ways = pyrosm.OSM(str(pbf)).get_network(network_type="driving")
    points = [p for geom in ways.geometry[:40] for p in geom.geoms[0].coords[:1]] if ways.geom_type.iloc[0] == \
        "MultiLineString" else [geom.coords[0] for geom in ways.geometry[:40]]
    schools = [{"school_id": f"S{i}", "name": f"School {i}", "bands": "G1_3,G4_6,G7_9", "capacity": 500,
                "max_capacity": 500, "beds": 0, "max_beds": 0, "lon": x, "lat": y, "pupils_g4_6": 10}
               for i, (x, y) in enumerate(points[:3])]
    villages = [{"village_id": f"V{i}", "lon": x, "lat": y, "pupils_g4_6": 10, "school_id": "S0"}
                for i, (x, y) in enumerate(points[10:16])]
    path = write_instance(tmp_path, schools=schools, villages=villages,
                          scenario={"inputs": {"roads": "extract.osm.pbf"}, "rules": {"G4_6": {"max_minutes": 120}}})
    out = tmp_path / "travel.csv"
    result = CliRunner().invoke(cli.main, ["travel", str(path), "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert len(table) > 0 and table["minutes"].notna().all() and (table["minutes"] >= 0).all()
    assert set(table["mode"]) <= {"walk", "bus"} and (table["snap_m"] < 100).all()
