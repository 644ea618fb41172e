"""Datums of lon/lat (WGS84, GCJ-02, BD-09) and the metric CRS of the input's family.

Lon/lat copied from Amap/Tencent (GCJ-02) or Baidu (BD-09) are converted to WGS84 on reading when
``[inputs] coordinates`` says so; Chinese data are measured in a CGCS2000 3-degree Gauss-Kruger zone.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import tomli_w
from pyproj import CRS, Geod
from shapely.geometry import Point, box

from consolidation.coordinates import from_wgs84, gauss_kruger_zone, is_cgcs2000, metric_crs, to_wgs84
from consolidation.io import read_inputs
from consolidation.pipeline import prepare, run_scenario
from consolidation.scenario import load_scenario

from conftest import REPO, write_instance
from hostile import assert_refused, complete_looking, invoke

GEOD = Geod(ellps="WGS84")

# Reference points, (lon, lat). The WGS84 -> GCJ-02 pairs are eviltransform's TESTS (BSD-2-Clause,
# github.com/googollee/eviltransform); the Beijing triple WGS84 -> GCJ-02 -> BD-09 is coordtransform's test
# input (116.404, 39.915) (wandergis/coordtransform test/app.js, coordtransform-rs tests); both are transcribed
# as reference vectors in geocoordinates-rs src/test_support.rs, the library used here.
GCJ02_PAIRS = [  # (WGS84, GCJ-02)
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
    ((116.404, 39.915), (116.41024449916938, 39.91640428150164)),  # Beijing (coordtransform)
]
BD09_PAIRS = [  # (WGS84, BD-09)
    ((116.404, 39.915), (116.41662724378733, 39.922699552216216)),
]
GCJ02_TO_BD09 = [((116.404, 39.915), (116.41036949371029, 39.92133699351021))]  # coordtransform gcj02tobd09


def metres(a, b) -> float:
    """Geodesic distance in metres between two (lon, lat) points."""
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


@pytest.mark.parametrize("wgs,gcj", GCJ02_PAIRS)
def test_gcj02_reference_pairs_within_a_metre(wgs, gcj):
    lon, lat = from_wgs84([wgs[0]], [wgs[1]], "gcj02")
    assert metres((lon[0], lat[0]), gcj) < 1.0
    lon, lat = to_wgs84([gcj[0]], [gcj[1]], "gcj02")
    assert metres((lon[0], lat[0]), wgs) < 1.0
    assert metres(wgs, gcj) > 100  # the offset being undone is hundreds of metres


@pytest.mark.parametrize("wgs,bd", BD09_PAIRS)
def test_bd09_reference_pairs_within_a_metre(wgs, bd):
    lon, lat = from_wgs84([wgs[0]], [wgs[1]], "bd09")
    assert metres((lon[0], lat[0]), bd) < 1.0
    lon, lat = to_wgs84([bd[0]], [bd[1]], "bd09")
    assert metres((lon[0], lat[0]), wgs) < 1.0


def test_gcj02_to_bd09_reference_pair():
    (gcj, bd), = GCJ02_TO_BD09
    # GCJ-02 -> BD-09 is the last step of WGS84 -> BD-09: take the GCJ-02 point to WGS84 and then to BD-09.
    wlon, wlat = to_wgs84([gcj[0]], [gcj[1]], "gcj02")
    lon, lat = from_wgs84(wlon, wlat, "bd09")
    assert metres((lon[0], lat[0]), bd) < 1.0


def test_gcj02_leaves_points_outside_china_unchanged():
    lon, lat = to_wgs84([2.35, 139.7], [48.85, 35.7], "gcj02")  # Paris, Tokyo
    assert list(lon) == [2.35, 139.7] and list(lat) == [48.85, 35.7]


def test_gauss_kruger_zone_is_the_nearest_central_meridian():
    assert gauss_kruger_zone(103.7).to_epsg() == 4544  # CM 105E
    assert gauss_kruger_zone(113.4).to_epsg() == 4547  # CM 114E
    assert gauss_kruger_zone(60.0).to_epsg() == 4534 and gauss_kruger_zone(140.0).to_epsg() == 4554
    for code in range(4534, 4555):
        crs = CRS.from_epsg(code)
        assert "3-degree Gauss-Kruger CM" in crs.name and is_cgcs2000(crs)


def _points(crs, xy):
    return gpd.GeoDataFrame(geometry=[Point(x, y) for x, y in xy], crs=crs)


def test_metric_crs_of_the_inputs_family():
    lon_lat = [(103.70, 36.03), (103.75, 35.99)]
    assert metric_crs([_points(4326, lon_lat)]).utm_zone == "48N"  # WGS84 data: UTM as before
    assert metric_crs([_points(4326, lon_lat)], datum="gcj02").to_epsg() == 4544
    assert metric_crs([_points(4326, lon_lat)], datum="bd09").to_epsg() == 4544
    assert metric_crs([_points(4490, lon_lat)]).to_epsg() == 4544  # CGCS2000 lon/lat
    projected = _points(4547, [(500000, 4e6)])
    assert metric_crs([projected]).to_epsg() == 4547  # a projected input is kept
    assert metric_crs([_points(4326, lon_lat)], output_crs="EPSG:4545").to_epsg() == 4545
    # A geographic output_crs only sets plan.gpkg's CRS: distances are still measured in metres.
    assert metric_crs([_points(4490, lon_lat)], output_crs="EPSG:4490").to_epsg() == 4544


# --- the example county ---------------------------------------------------------------------------------------

def _example_in(folder: Path, datum: str, scenario: dict | None = None) -> Path:
    """The example county's schools and villages with lon/lat in ``datum``, and a scenario reading them so."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("schools", "villages"):
        frame = pd.read_csv(REPO / "data" / f"{name}.csv", dtype=str)
        lon, lat = from_wgs84(frame["lon"].astype(float), frame["lat"].astype(float), datum)
        frame["lon"], frame["lat"] = [f"{v:.10f}" for v in lon], [f"{v:.10f}" for v in lat]
        frame.to_csv(folder / f"{name}.csv", index=False)
    data = tomllib.loads((REPO / "scenarios" / "baseline.toml").read_text())  # the example's rules and prices
    data["name"] = f"example-{datum}"
    data["inputs"] = {"schools": "schools.csv", "villages": "villages.csv", "coordinates": datum,
                      **(scenario or {}).get("inputs", {})}
    path = folder / "scenario.toml"
    path.write_text(tomli_w.dumps(data))
    return path


def _pairs(path: Path, *overrides: str):
    inputs, pairs = prepare(load_scenario(path, list(overrides)))
    return inputs, pairs.table.set_index(["origin_id", "band", "school_id"]).sort_index()


def test_example_county_in_gcj02_reads_as_in_wgs84(tmp_path):
    wgs = _example_in(tmp_path / "wgs84", "wgs84", {"inputs": {"output_crs": "EPSG:4544"}})
    gcj = _example_in(tmp_path / "gcj02", "gcj02")
    a, pa = _pairs(wgs)
    b, pb = _pairs(gcj)
    assert b.crs.to_epsg() == 4544 and a.crs.to_epsg() == 4544
    # Same points to well under a metre, so the same eligible pairs and the same minutes.
    gap = a.schools.geometry.distance(b.schools.geometry, align=False)
    assert gap.max() < 0.5
    assert pa.index.equals(pb.index)
    np.testing.assert_allclose(pb["minutes"], pa["minutes"], rtol=1e-6)
    # The conversion is recorded in run.json's input details.
    record = b.details["schools"]["coordinates"]
    assert record == {"datum": "gcj02", "converted_to": "wgs84", "points": len(b.schools), "outside_china": 0}
    assert "coordinates" not in a.details["schools"]


def test_gcj02_file_read_as_wgs84_is_hundreds_of_metres_off(tmp_path):
    wgs = _example_in(tmp_path / "wgs84", "wgs84", {"inputs": {"output_crs": "EPSG:4544"}})
    gcj = _example_in(tmp_path / "gcj02", "gcj02", {"inputs": {"output_crs": "EPSG:4544"}})
    a = read_inputs(load_scenario(wgs).scenario)
    b = read_inputs(load_scenario(gcj, ['inputs.coordinates="wgs84"']).scenario)
    shift = a.schools.geometry.distance(b.schools.geometry, align=False)
    assert shift.min() > 100  # Qilihe, Gansu: each point lands hundreds of metres from where it is
    # Within one county the offset is nearly a translation, so distances between points change by metres
    # only; the points are still off the boundary, the map and any road network by those hundreds of metres.
    sa, sb = a.schools.geometry, b.schools.geometry
    change = (sa.distance(sa.iloc[0]) - sb.distance(sb.iloc[0])).abs()
    assert change.max() < 30


def test_example_county_distances_utm_against_gauss_kruger(tmp_path):
    """Straight-line km differ between UTM and the CGCS2000 zone by their scale factors, nothing else.

    Both are transverse Mercator on 105E for Qilihe (103.7E): UTM zone 48N has scale 0.9996 on its central
    meridian, the CGCS2000 3-degree zone scale 1. Every straight-line distance, hence every straight-line
    minute, is 1/0.9996 (0.04 %) longer in the CGCS2000 zone; both are within 0.03 % of the geodesic distance.
    The objective moves by at most that fraction (its travel terms), and a pair within 0.04 % of a band's
    minute limit may change eligibility; no other difference.
    """
    scenario = REPO / "scenarios" / "baseline.toml"
    utm, pu = _pairs(scenario)  # WGS84 lon/lat: UTM, as before
    gk, pg = _pairs(scenario, 'inputs.output_crs="EPSG:4544"')
    assert utm.crs.utm_zone == "48N" and gk.crs.to_epsg() == 4544
    common = pu.index.intersection(pg.index)
    ratio = pg.loc[common, "minutes"] / pu.loc[common, "minutes"]
    moving = pu.loc[common, "minutes"] > 0
    np.testing.assert_allclose(ratio[moving], 1 / 0.9996, rtol=1e-6)
    # Against the geodesic: both within 0.03 %.
    s = utm.schools.to_crs(4326).geometry
    o = utm.origins.to_crs(4326).geometry
    ox, oy = np.repeat(o.x.to_numpy(), len(s)), np.repeat(o.y.to_numpy(), len(s))
    sx, sy = np.tile(s.x.to_numpy(), len(o)), np.tile(s.y.to_numpy(), len(o))
    true = GEOD.inv(ox, oy, sx, sy)[2]
    far = true > 1000
    for inputs in (utm, gk):
        so, ss = inputs.origins.geometry, inputs.schools.geometry
        flat = np.hypot(np.repeat(so.x.to_numpy(), len(ss)) - np.tile(ss.x.to_numpy(), len(so)),
                        np.repeat(so.y.to_numpy(), len(ss)) - np.tile(ss.y.to_numpy(), len(so)))
        assert np.abs(flat[far] / true[far] - 1).max() < 3e-4
    # Pairs that change eligibility sit within the scale difference of a limit.
    for only in (pu.index.difference(pg.index), pg.index.difference(pu.index)):
        assert len(only) <= 0.01 * len(common)


def _tiny_lon_lat(folder: Path, datum: str, **scenario) -> Path:
    schools = [{"school_id": "A", "name": "Hill", "capacity": 200, "beds": 0, "lon": 103.70, "lat": 36.03},
               {"school_id": "B", "name": "River", "capacity": 200, "beds": 0, "lon": 103.74, "lat": 36.00},
               {"school_id": "C", "name": "Ridge", "capacity": 30, "beds": 0, "lon": 103.706, "lat": 36.034}]
    near = [(103.70, 36.03), (103.74, 36.00), (103.706, 36.034)]
    villages = [{"village_id": f"V{i}", "name": f"V{i}", "pupils_g1_3": 8 + i, "pupils_g4_6": 5 + i,
                 "pupils_g7_9": 4, "lon": near[i % 3][0] + 0.003 * (i // 3), "lat": near[i % 3][1] - 0.002 * (i // 3)}
                for i in range(8)]
    for rows in (schools, villages):
        lon, lat = from_wgs84([r["lon"] for r in rows], [r["lat"] for r in rows], datum)
        for r, x, y in zip(rows, lon, lat):
            r["lon"], r["lat"] = round(float(x), 10), round(float(y), 10)
    inputs = {"coordinates": datum, **scenario.pop("inputs", {})}
    return write_instance(folder, schools=schools, villages=villages,
                          scenario={"inputs": inputs, "costs": {"school_annual": 300000}, **scenario})


def test_tiny_plan_in_gcj02_is_the_wgs84_plan(tmp_path):
    a = run_scenario(load_scenario(_tiny_lon_lat(tmp_path / "w", "wgs84", inputs={"output_crs": "EPSG:4544"})))
    b = run_scenario(load_scenario(_tiny_lon_lat(tmp_path / "g", "gcj02")), out=tmp_path / "out")
    record = json.loads((tmp_path / "out" / "run.json").read_text())["inputs"]["villages"]["coordinates"]
    assert record == {"datum": "gcj02", "converted_to": "wgs84", "points": 8, "outside_china": 0}
    c = run_scenario(load_scenario(_tiny_lon_lat(tmp_path / "b", "bd09")))
    for run in (a, b, c):
        assert run.status == "optimal"
    opened = [sorted(r.plan.schools.loc[r.plan.schools["open"] == 1, "school_id"]) for r in (a, b, c)]
    assert opened[0] == opened[1] == opened[2] and len(opened[0]) < 3
    for run in (b, c):
        assert run.plan.summary["objective"] == pytest.approx(a.plan.summary["objective"], rel=1e-4)


def _cgcs2000_county(folder: Path, **inputs) -> Path:
    """The tiny county with schools and villages as GeoPackages in CGCS2000 lon/lat (EPSG:4490)."""
    path = _tiny_lon_lat(folder, "wgs84")
    for name in ("schools", "villages"):
        frame = pd.read_csv(folder / f"{name}.csv", dtype={"school_id": str, "village_id": str})
        gdf = gpd.GeoDataFrame(frame.drop(columns=["lon", "lat"]),
                               geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4490")
        gdf.to_file(folder / f"{name}.gpkg", driver="GPKG")
        (folder / f"{name}.csv").unlink()
    text = path.read_text().replace('"schools.csv"', '"schools.gpkg"').replace('"villages.csv"', '"villages.gpkg"')
    text = text.replace('coordinates = "wgs84"', "".join(f'{k} = "{v}"\n' for k, v in inputs.items()))
    path.write_text(text)
    return path


def test_plan_gpkg_of_a_cgcs2000_input_is_in_cgcs2000(tmp_path):
    run = run_scenario(load_scenario(_cgcs2000_county(tmp_path / "c")), out=tmp_path / "out")
    assert run.status == "optimal"
    for layer in ("schools", "villages", "assignments"):
        crs = gpd.read_file(tmp_path / "out" / "plan.gpkg", layer=layer).crs
        assert is_cgcs2000(crs) and crs.to_epsg() == 4544, (layer, crs)


def test_output_crs_sets_plan_gpkg_crs(tmp_path):
    run = run_scenario(load_scenario(_cgcs2000_county(tmp_path / "c", output_crs="EPSG:4490")),
                       out=tmp_path / "out")
    schools = gpd.read_file(tmp_path / "out" / "plan.gpkg", layer="schools")
    assert schools.crs.to_epsg() == 4490
    assert schools.geometry.x.between(103.6, 103.8).all()  # degrees, not metres
    assert run.status == "optimal"
    run_json = json.loads((tmp_path / "out" / "run.json").read_text())
    assert CRS.from_user_input(run_json["crs"]).to_epsg() == 4544  # distances were still measured in metres


def test_gcj02_boundary_geojson_is_converted(tmp_path):
    path = _tiny_lon_lat(tmp_path / "g", "gcj02")
    x0, y0 = from_wgs84([103.60], [35.95], "gcj02")
    x1, y1 = from_wgs84([103.80], [36.10], "gcj02")
    gpd.GeoDataFrame(geometry=[box(x0[0], y0[0], x1[0], y1[0])], crs=4326).to_file(tmp_path / "g" / "b.geojson")
    inputs = read_inputs(load_scenario(path, [f'inputs.boundary="{tmp_path / "g" / "b.geojson"}"']).scenario)
    corners = inputs.boundary.to_crs(4326).geometry.iloc[0].exterior.coords
    assert min(metres(c, (103.60, 35.95)) for c in corners) < 1.0
    assert inputs.details["boundary"]["coordinates"]["datum"] == "gcj02"


# --- hostile ----------------------------------------------------------------------------------------------------

def test_gcj02_with_a_projected_file_is_refused(tmp_path):
    folder = tmp_path / "county"
    path = _cgcs2000_county(folder, coordinates="gcj02")
    schools = gpd.read_file(folder / "schools.gpkg").to_crs(4544)
    schools.to_file(folder / "schools.gpkg", driver="GPKG")
    result = invoke("run", path, "--out", tmp_path / "out", "-q")
    text = assert_refused(result, "[inputs] coordinates", "gcj02", "schools.gpkg", "EPSG:4544")
    assert "villages.gpkg" in text  # EPSG:4490 is explicit too: every such file is named at once
    assert complete_looking(tmp_path) == []


def test_gcj02_with_projected_xy_columns_is_refused(tmp_path):
    folder = tmp_path / "county"
    path = _tiny_lon_lat(folder, "wgs84", inputs={"crs": "EPSG:4544"})
    for name in ("schools", "villages"):
        frame = pd.read_csv(folder / f"{name}.csv")
        pts = gpd.GeoSeries(gpd.points_from_xy(frame.pop("lon"), frame.pop("lat")), crs=4326).to_crs(4544)
        frame.assign(x=pts.x, y=pts.y).to_csv(folder / f"{name}.csv", index=False)
    path.write_text(path.read_text().replace('coordinates = "wgs84"', 'coordinates = "bd09"'))
    result = invoke("run", path, "--out", tmp_path / "out", "-q")
    assert_refused(result, "[inputs] coordinates", "bd09", "schools.csv", "villages.csv", "[inputs] crs")


def test_unknown_output_crs_is_refused(tmp_path):
    path = _tiny_lon_lat(tmp_path / "c", "wgs84", inputs={"output_crs": "EPSG:999999"})
    assert_refused(invoke("run", path, "--out", tmp_path / "out", "-q"), "output_crs", "EPSG:999999")
