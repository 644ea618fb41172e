"""Adversarial suite, the input side: hostile paths, messy spreadsheets, wrong coordinates, broken scenarios.

Each case writes a valid tiny county (:func:`hostile.tiny_county`), breaks it in one way, runs a command as a
user would and checks that it refused cleanly (exit 2, no traceback), named the culprit (file, row ID, column
or key), left nothing that looks complete and changed none of the user's files. The positive cases at the end
check that messy but readable files (GBK, UTF-16, semicolons, Shapefile names) are read correctly.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import tomli_w
from shapely.geometry import Point, box

from hostile import assert_refused, complete_looking, invoke, output, snapshot, tiny_county


# ------------------------------------------------------------------------------------------- helpers


def _csv(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def _edit(folder: Path, name: str, change) -> None:
    """Read a CSV as text cells, let ``change`` edit the frame, write it back."""
    change(_csv(folder, name)).to_csv(folder / name, index=False)


def _set(folder: Path, name: str, row: int, column: str, value: str) -> None:
    frame = _csv(folder, name)
    frame.loc[row, column] = value
    frame.to_csv(folder / name, index=False)


def _scenario(folder: Path, **changes) -> None:
    """Merge ``changes`` (nested dicts) into scenario.toml."""
    import tomllib

    path = folder / "scenario.toml"
    data = tomllib.loads(path.read_text())
    for key, value in changes.items():
        if isinstance(value, dict):
            data.setdefault(key, {}).update(value)
        else:
            data[key] = value
    path.write_text(tomli_w.dumps(data))


def _raw_scenario(folder: Path, text: str) -> None:
    (folder / "scenario.toml").write_text(text)


def _drop_travel(folder: Path) -> None:
    """Use coordinates, not the complete matrix."""
    import tomllib

    path = folder / "scenario.toml"
    data = tomllib.loads(path.read_text())
    data["inputs"].pop("travel")
    data["inputs"].pop("complete")
    path.write_text(tomli_w.dumps(data))


def _boundary(folder: Path) -> None:
    gpd.GeoDataFrame(geometry=[box(103.79, 35.99, 103.83, 36.02)], crs=4326).to_file(folder / "boundary.geojson")
    _scenario(folder, inputs={"boundary": "boundary.geojson"})


def _geo(folder: Path, role: str, suffix: str, *, crs=4326, xy=None, columns=None) -> Path:
    """Write the county's schools or villages as a spatial file and point the scenario at it."""
    frame = _csv(folder, f"{role}.csv")
    xs = [float(v) for v in frame.pop("lon")]
    ys = [float(v) for v in frame.pop("lat")]
    if xy is not None:
        xs, ys = xy
    for column in frame.columns:
        if column.startswith("pupils") or column in ("capacity", "beds"):
            frame[column] = frame[column].astype(float)
    if columns:
        frame = frame.assign(**columns)
    gdf = gpd.GeoDataFrame(frame, geometry=[Point(x, y) for x, y in zip(xs, ys)], crs=crs)
    path = folder / f"{role}{suffix}"
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gdf.to_file(path)
    (folder / f"{role}.csv").unlink()
    _scenario(folder, inputs={role: path.name})
    return path


def _projected_geojson_without_crs(folder: Path) -> None:
    frame = _csv(folder, "schools.csv").drop(columns=["lon", "lat"])
    features = [{"type": "Feature", "properties": {**row, "capacity": 100},
                 "geometry": {"type": "Point", "coordinates": [512345.0 + i * 1000, 3987654.0]}}
                for i, row in enumerate(frame.to_dict("records"))]
    (folder / "schools.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    (folder / "schools.csv").unlink()
    _scenario(folder, inputs={"schools": "schools.geojson"})


def _fifo(path: Path) -> Path:
    if path.exists():
        path.unlink()
    os.mkfifo(path)
    return path


# ------------------------------------------------------------------------------------------- hostile cases
# Each case: (id, command, break(folder) -> extra args or None, culprits the message must name).
# ``{dir}`` in a culprit is replaced by the case's folder.

def _gbk_scenario(f: Path) -> None:
    text = (f / "scenario.toml").read_text().replace('name = "tiny"', 'name = "七里河"')
    (f / "scenario.toml").write_bytes(("# 七里河区 方案\n" + text).encode("gbk"))


def _utf16_scenario(f: Path) -> None:
    (f / "scenario.toml").write_bytes((f / "scenario.toml").read_text().encode("utf-16"))


def _excel_named_csv(f: Path) -> None:
    (f / "schools.csv").write_bytes(b"PK\x03\x04" + b"\x00" * 100)


def _fake_xlsx(f: Path) -> None:
    (f / "schools.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    _scenario(f, inputs={"schools": "schools.xlsx"})


def _fake_xls(f: Path) -> None:
    (f / "villages.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    _scenario(f, inputs={"villages": "villages.xls"})


def _header_only(name: str):
    def go(f: Path) -> None:
        (f / name).write_text(_csv(f, name).head(0).to_csv(index=False))
    return go


def _duplicate_header(f: Path) -> None:
    text = (f / "schools.csv").read_text().splitlines()
    text[0] = text[0].replace("beds", "capacity")
    (f / "schools.csv").write_text("\n".join(text) + "\n")


def _unquoted_comma(f: Path) -> None:
    text = (f / "schools.csv").read_text().splitlines()
    text[2] = text[2].replace("River", "River, upper")
    (f / "schools.csv").write_text("\n".join(text) + "\n")


def _broken_utf8_line(f: Path) -> None:
    frame = _csv(f, "villages.csv")
    frame["name"] = ["东庄", "西庄"]
    data = frame.to_csv(index=False).encode("utf-8").replace("西庄".encode(), b"West\xe9")
    (f / "villages.csv").write_bytes(data)


def _no_village_coordinates(f: Path) -> None:
    _drop_travel(f)
    _edit(f, "villages.csv", lambda v: v.drop(columns=["lon", "lat"]))


def _no_school_coordinates(f: Path) -> None:
    _drop_travel(f)
    _edit(f, "schools.csv", lambda s: s.drop(columns=["lon", "lat"]))


def _lon_without_lat(f: Path) -> None:
    _drop_travel(f)
    _edit(f, "villages.csv", lambda v: v.drop(columns=["lat"]))


def _ambiguous_shapefile(f: Path) -> None:
    _geo(f, "villages", ".shp", columns={"school_id_g1_3": ["S1", "S2"], "school_id_g4_6": ["S2", "S2"]})


def _shapefile_without_dbf(f: Path) -> None:
    path = _geo(f, "schools", ".shp")
    path.with_suffix(".dbf").unlink()


def _far_village(f: Path) -> None:
    _boundary(f)
    _set(f, "villages.csv", 1, "lon", "104.5")


def _with_counties(f: Path, encoding: str = "utf-8", sep: str = ",") -> None:
    """Give the schools and villages a county column (one county each), as for ``province --scenario``."""
    for name in ("schools.csv", "villages.csv"):
        frame = _csv(f, name).assign(county=["North", "South"])
        (f / name).write_bytes(frame.to_csv(index=False, sep=sep).encode(encoding))


def _set_arg(value: str):
    def go(f: Path):
        return ["--set", value]
    return go


CASES = [
    # --- input paths: regular files only, checked before anything opens them
    ("schools-folder", "run", lambda f: (f / "schools.csv").unlink() or (f / "schools.csv").mkdir(),
     ["[inputs] schools", "schools.csv", "folder"]),
    ("schools-fifo", "run", lambda f: _fifo(f / "schools.csv") and None, ["[inputs] schools", "fifo"]),
    ("villages-dev-zero", "run", lambda f: _scenario(f, inputs={"villages": "/dev/zero"}),
     ["[inputs] villages", "/dev/zero", "device"]),
    ("travel-fifo-validate", "validate", lambda f: _fifo(f / "travel.csv") and None, ["[inputs] travel", "fifo"]),
    ("boundary-folder", "run", lambda f: (f / "b").mkdir() or _scenario(f, inputs={"boundary": "b"}),
     ["[inputs] boundary", "folder"]),
    ("shp-is-a-folder", "run", lambda f: (f / "s.shp").mkdir() or _scenario(f, inputs={"schools": "s.shp"}),
     ["[inputs] schools", "s.shp", "folder"]),
    ("symlink-to-device", "validate",
     lambda f: (f / "schools.csv").unlink() or os.symlink("/dev/zero", f / "schools.csv"),
     ["[inputs] schools", "/dev/zero", "device"]),
    ("schools-path-empty", "run", lambda f: _scenario(f, inputs={"schools": ""}), ["inputs.schools", "empty"]),
    ("schools-set-to-dev-zero", "run", _set_arg('inputs.schools="/dev/zero"'), ["[inputs] schools", "device"]),
    ("schools-path-with-nul", "validate", _set_arg('inputs.schools="a\\u0000b.csv"'), ["inputs.schools", "nul"]),
    ("schools-missing", "run", lambda f: (f / "schools.csv").unlink(), ["schools.csv", "does not exist"]),
    ("xlsx-input-damaged", "run", _fake_xlsx, ["schools.xlsx", "excel", "damaged", "csv utf-8"]),
    ("xls-input", "validate", _fake_xls, ["villages.xls", "excel 97-2003", ".xlsx", "csv utf-8"]),
    ("excel-named-csv-damaged", "run", _excel_named_csv, ["schools.csv", "excel", "damaged"]),
    ("shapefile-without-dbf", "run", _shapefile_without_dbf, ["schools.shp", ".dbf"]),
    # --- the scenario file itself
    ("scenario-folder", "validate", lambda f: (f / "scenario.toml").unlink() or (f / "scenario.toml").mkdir(),
     ["scenario.toml", "directory"]),
    ("scenario-fifo", "run", lambda f: _fifo(f / "scenario.toml") and None, ["scenario.toml", "fifo"]),
    ("scenario-gbk", "run", _gbk_scenario, ["scenario.toml", "utf-8", "gbk", "iconv"]),
    ("scenario-gbk-validate", "validate", _gbk_scenario, ["scenario.toml", "utf-8"]),
    ("scenario-utf16", "run", _utf16_scenario, ["scenario.toml", "utf-16", "utf-8"]),
    ("extends-folder", "run", lambda f: (f / "base").mkdir() or _scenario(f, extends="base"),
     ["extends", "base", "folder"]),
    ("extends-missing", "validate", lambda f: _scenario(f, extends="nowhere.toml"),
     ["extends", "nowhere.toml", "does not exist"]),
    ("time-limit-inf", "run", lambda f: _raw_scenario(f, (f / "scenario.toml").read_text()
                                                      + "\n[solver]\ntime_limit_s = inf\n"),
     ["solver.time_limit_s", "finite"]),
    ("time-limit-nan-set", "run", _set_arg("solver.time_limit_s=nan"), ["solver.time_limit_s", "finite"]),
    ("max-minutes-inf", "validate", _set_arg("rules.G4_6.max_minutes=inf"), ["rules.G4_6.max_minutes", "finite"]),
    ("cost-inf", "run", lambda f: _raw_scenario(f, (f / "scenario.toml").read_text().replace(
        "[costs]\n", "[costs]\nschool_annual = inf\n")),
     ["costs.school_annual", "finite"]),
    ("cost-1e300", "run", _set_arg("costs.per_pupil_minute=1e300"), ["costs.per_pupil_minute", "mistake"]),
    ("capital-years-tiny", "run", _set_arg("costs.capital_years=1e-300"), ["costs.capital_years"]),
    # --- the public budget's keys: every one refused when not finite, negative, or implausibly large
    ("teacher-salary-1e300", "run", _set_arg("costs.teacher_salary=1e300"), ["costs.teacher_salary", "mistake"]),
    ("teacher-salary-nan", "validate", _set_arg("costs.teacher_salary=nan"), ["costs.teacher_salary", "finite"]),
    ("life-salary-negative", "run", _set_arg("costs.life_teacher_salary=-50000"),
     ["costs.life_teacher_salary", "greater than or equal to 0"]),
    ("subsidy-share-above-one", "run", _set_arg("costs.boarder_subsidy_share=1.5"),
     ["costs.boarder_subsidy_share", "less than or equal to 1"]),
    ("subsidy-share-inf", "run", lambda f: _raw_scenario(f, (f / "scenario.toml").read_text().replace(
        "[costs]\n", "[costs]\nboarder_subsidy_share = inf\n")),
     ["costs.boarder_subsidy_share", "finite"]),
    ("meals-text", "validate", _set_arg('costs.boarder_meals_per_day="fifteen"'),
     ["costs.boarder_meals_per_day", "fifteen"]),
    ("school-days-zero", "run", _set_arg("costs.school_days=0"), ["costs.school_days", "greater than 0"]),
    ("nutrition-1e12", "run", _set_arg("costs.nutrition_per_pupil_day=1e12"),
     ["costs.nutrition_per_pupil_day", "mistake"]),
    ("reuse-negative", "run", _set_arg("costs.closed_school_value=-1"), ["costs.closed_school_value"]),
    ("bus-seats-too-many", "run", _set_arg("buses.seats=80"), ["buses.seats", "56"]),
    ("bus-seats-fraction", "validate", _set_arg("buses.seats=30.5"), ["buses.seats", "integer"]),
    ("bus-runs-zero", "run", _set_arg("buses.runs=0"), ["buses.runs"]),
    ("bus-walk-km-nan", "run", _set_arg("buses.walk_km=nan"), ["buses.walk_km", "finite"]),
    ("bus-price-1e300", "run", _set_arg("buses.price=1e300"), ["buses.price", "mistake"]),
    ("bus-life-zero", "run", _set_arg("buses.life_years=0"), ["buses.life_years"]),
    ("bus-annual-inf", "run", _set_arg("buses.annual=inf"), ["buses.annual", "finite"]),
    ("bus-per-km-negative", "validate", _set_arg("buses.per_km=-2"), ["buses.per_km"]),
    ("bus-unknown-key", "run", _set_arg("buses.seat=30"), ["buses.seat", "did you mean 'seats'"]),
    ("budget-capital-negative", "run", _set_arg("budget.capital=-1"), ["budget.capital"]),
    ("budget-capital-1e300", "run", _set_arg("budget.capital=1e300"), ["budget.capital", "mistake"]),
    ("budget-annual-nan", "run", _set_arg("budget.annual=nan"), ["budget.annual", "finite"]),
    ("budget-annual-text", "validate", _set_arg('budget.annual="lots"'), ["budget.annual", "lots"]),
    ("redeploy-minutes-inf", "run", _set_arg("teachers.max_redeploy_minutes=inf"),
     ["teachers.max_redeploy_minutes", "finite"]),
    ("redeploy-minutes-negative", "run", _set_arg("teachers.max_redeploy_minutes=-5"),
     ["teachers.max_redeploy_minutes"]),
    # --- numbers that are silently wrong today
    ("pupils-blank", "run", lambda f: _set(f, "villages.csv", 0, "pupils_g1_3", ""),
     ["villages.csv", "pupils_g1_3", "V1", "blank", "write 0"]),
    ("pupils-nan", "validate", lambda f: _set(f, "villages.csv", 1, "pupils_g4_6", "NaN"),
     ["villages.csv", "pupils_g4_6", "V2"]),
    ("pupils-word", "run", lambda f: _set(f, "villages.csv", 1, "pupils_g4_6", "ten"),
     ["villages.csv", "pupils_g4_6", "V2", "not numbers"]),
    ("pupils-inf", "run", lambda f: _set(f, "villages.csv", 0, "pupils_g1_3", "inf"),
     ["pupils_g1_3", "V1", "infinite"]),
    ("pupils-negative", "run", lambda f: _set(f, "villages.csv", 0, "pupils_g1_3", "-4"),
     ["pupils_g1_3", "V1", "below 0"]),
    ("enrolment-fractional", "run",
     lambda f: _edit(f, "schools.csv", lambda s: s.assign(pupils_g4_6=["12.5", "3"])),
     ["schools.csv", "pupils_g4_6", "S1", "fractional_pupils"]),
    ("village-fractional", "validate", lambda f: _set(f, "villages.csv", 1, "pupils_g1_3", "7.25"),
     ["villages.csv", "pupils_g1_3", "V2", "fractional"]),
    ("school-million-pupils", "run",
     lambda f: _edit(f, "schools.csv", lambda s: s.assign(pupils_g7_9=["1000000", "0"])),
     ["schools.csv", "S1", "max_school_pupils"]),
    ("capacity-million", "run", lambda f: _set(f, "schools.csv", 1, "capacity", "1e6"),
     ["schools.csv", "capacity", "S2", "max_school_pupils"]),
    ("village-1e5-pupils", "run", lambda f: _set(f, "villages.csv", 0, "pupils_g1_3", "100000"),
     ["villages.csv", "V1", "max_village_pupils"]),
    ("annual-cost-1e300", "run", lambda f: _edit(f, "schools.csv", lambda s: s.assign(annual_cost=["1e300", ""])),
     ["schools.csv", "annual_cost", "S1"]),
    ("travel-minutes-inf", "run", lambda f: _set(f, "travel.csv", 0, "minutes", "inf"),
     ["travel.csv", "minutes", "V1->S1", "infinite"]),
    # --- IDs and empty files
    ("school-id-blank", "run", lambda f: _set(f, "schools.csv", 1, "school_id", ""),
     ["schools.csv", "school_id", "row 3", "blank"]),
    ("village-id-blank", "run", lambda f: _set(f, "villages.csv", 0, "village_id", " "),
     ["villages.csv", "village_id", "row 2", "blank"]),
    ("travel-origin-blank", "validate", lambda f: _set(f, "travel.csv", 0, "origin_id", ""),
     ["travel.csv", "origin_id", "row 2", "blank"]),
    ("travel-school-blank", "run", lambda f: _set(f, "travel.csv", 3, "school_id", ""),
     ["travel.csv", "school_id", "row 5"]),
    ("schools-header-only", "run", _header_only("schools.csv"), ["schools.csv", "no rows", "only a header"]),
    ("villages-header-only", "run", _header_only("villages.csv"), ["villages.csv", "no rows"]),
    ("villages-zero-bytes", "validate", lambda f: (f / "villages.csv").write_bytes(b""), ["villages.csv", "empty"]),
    ("duplicate-header", "run", _duplicate_header, ["schools.csv", "capacity", "more than once"]),
    ("unquoted-comma-in-name", "run", _unquoted_comma, ["schools.csv", "quotes"]),
    ("id-column-capitalised", "run",
     lambda f: _edit(f, "schools.csv", lambda s: s.rename(columns={"school_id": "School_ID"})),
     ["schools.csv", "school_id", "School_ID", "rename"]),
    ("broken-utf8-line", "run", _broken_utf8_line, ["villages.csv", "line 3", "not utf-8"]),
    # --- coordinates
    ("lat-out-of-range", "run", lambda f: _set(f, "villages.csv", 1, "lat", "95"),
     ["villages.csv", "V2", "out of range"]),
    ("lon-lat-swapped", "run",
     lambda f: _edit(f, "schools.csv", lambda s: s.assign(lon=["103.80", "36.01"], lat=["36.00", "103.82"])),
     ["schools.csv", "S2", "swap"]),
    ("projected-in-lon-lat", "run",
     lambda f: _edit(f, "villages.csv", lambda v: v.assign(lon=["512345", "513345"], lat=["3987654", "3987000"])),
     ["villages.csv", "V1", "projected", "x/y", "[inputs] crs"]),
    ("coordinate-missing", "validate", lambda f: _set(f, "villages.csv", 0, "lon", ""),
     ["villages.csv", "V1", "coordinates"]),
    ("villages-lack-coordinates", "run", _no_village_coordinates, ["villages.csv", "no coordinates"]),
    ("schools-lack-coordinates", "validate", _no_school_coordinates, ["schools.csv", "no coordinates"]),
    ("lon-without-lat", "run", _lon_without_lat, ["villages.csv", "no column lat"]),
    ("projected-geojson-without-crs", "run", _projected_geojson_without_crs,
     ["schools.geojson", "S1", "projected", "crs"]),
    ("gpkg-without-crs", "run", lambda f: _geo(f, "villages", ".gpkg", crs=None) and None,
     ["villages.gpkg", "no crs", "V1"]),
    ("outside-boundary", "run", _far_village, ["villages.csv", "V2", "boundary", "boundary_tolerance_km"]),
    ("unknown-crs", "run",
     lambda f: _edit(f, "schools.csv", lambda s: s.rename(columns={"lon": "x", "lat": "y"}))
     or _scenario(f, inputs={"crs": "EPSG:999999"}), ["crs", "EPSG:999999"]),
    ("shapefile-ambiguous-columns", "run", _ambiguous_shapefile,
     ["villages.shp", "school_id_", "school_i_1", "geopackage"]),
    # --- the group command reads the same files
    ("group-blank-school-id", "group", lambda f: _set(f, "schools.csv", 0, "school_id", ""),
     ["schools.csv", "school_id", "row 2"]),
    ("group-schools-fifo", "group", lambda f: _fifo(f / "schools.csv") and None, ["[inputs] schools", "fifo"]),
    ("group-gbk-scenario", "group", _gbk_scenario, ["scenario.toml", "utf-8"]),
    # --- the province split reads the county-column files through the same checks
    ("province-villages-fifo", "province", lambda f: _with_counties(f) or _fifo(f / "villages.csv") and None,
     ["[inputs] villages", "fifo"]),
    ("province-schools-xlsx", "province", lambda f: _with_counties(f) or _fake_xlsx(f),
     ["schools.xlsx", "excel", "csv files only"]),
]


@pytest.fixture
def alarm():
    """Fail, rather than hang, if a FIFO or device is ever opened."""
    def timeout(signum, frame):
        raise TimeoutError("the command hung: a FIFO or device was opened")

    old = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("name,command,breaker,culprits", CASES, ids=[c[0] for c in CASES])
def test_hostile_input_is_refused(tmp_path, alarm, name, command, breaker, culprits):
    folder = tmp_path / "county"
    scenario = tiny_county(folder)
    extra = breaker(folder) or []
    out = tmp_path / "out"
    before = snapshot(folder)
    args = [command, scenario, *extra]
    if command in ("run", "group"):
        args += ["--out", out, "-q"]
    if command == "province":
        args = [command, "--scenario", scenario, "--out", out, "--serial", "-q", *extra]
    result = invoke(*args)
    assert_refused(result, *[c.replace("{dir}", str(folder)) for c in culprits])
    assert complete_looking(tmp_path) == []
    assert snapshot(folder) == before


def test_at_least_forty_cases():
    assert len(CASES) >= 40


# ------------------------------------------------------------------------------------------- readable mess


def _run(scenario: Path, out: Path, *extra: str):
    result = invoke("run", scenario, "--out", out, "-q", *extra)
    assert result.exit_code == 0, output(result)
    return json.loads((out / "summary.json").read_text()), json.loads((out / "run.json").read_text())


@pytest.fixture
def reference(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ref")
    summary, _ = _run(tiny_county(folder / "county"), folder / "out")
    return summary["objective"]


def test_gbk_csv_reads_chinese_names_unmangled(tmp_path, reference):
    folder = tmp_path / "county"
    scenario = tiny_county(folder)
    schools = _csv(folder, "schools.csv").assign(name=["七里河小学", "魏岭乡中心校"])
    (folder / "schools.csv").write_bytes(schools.to_csv(index=False).encode("gbk"))
    villages = _csv(folder, "villages.csv").assign(name=["东庄", "阿干镇"])
    (folder / "villages.csv").write_bytes(villages.to_csv(index=False).encode("gbk"))
    summary, run = _run(scenario, tmp_path / "out")
    assert summary["objective"] == pytest.approx(reference)
    assert run["inputs"]["schools"]["encoding"] == "gb18030"
    assert run["inputs"]["villages"]["encoding"] == "gb18030"
    written = pd.read_csv(tmp_path / "out" / "schools.csv", encoding="utf-8")
    assert set(written["name"]) == {"七里河小学", "魏岭乡中心校"}


@pytest.mark.parametrize("sep,word", [(";", "semicolon"), ("\t", "tab")])
def test_semicolon_and_tab_separated_csv_read(tmp_path, reference, sep, word):
    folder = tmp_path / "county"
    scenario = tiny_county(folder)
    for name in ("schools.csv", "villages.csv"):
        _csv(folder, name).to_csv(folder / name, index=False, sep=sep)
    summary, run = _run(scenario, tmp_path / "out")
    assert summary["objective"] == pytest.approx(reference)
    assert run["inputs"]["schools"]["separator"] == word


def test_utf16_and_bom_files_read(tmp_path, reference):
    folder = tmp_path / "county"
    scenario = tiny_county(folder)
    # Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated
    schools = _csv(folder, "schools.csv").assign(name=["七里河小学", "River"])
    (folder / "schools.csv").write_bytes(schools.to_csv(index=False, sep="\t").encode("utf-16"))
    (folder / "villages.csv").write_bytes(b"\xef\xbb\xbf" + (folder / "villages.csv").read_bytes())
    summary, run = _run(scenario, tmp_path / "out")
    assert summary["objective"] == pytest.approx(reference)
    assert run["inputs"]["schools"]["encoding"] == "utf-16"
    assert run["inputs"]["villages"]["encoding"] == "utf-8-sig"
    written = pd.read_csv(tmp_path / "out" / "schools.csv")
    assert "七里河小学" in set(written["name"])


def test_shapefile_truncated_columns_are_mapped_back(tmp_path):
    folder = tmp_path / "county"
    scenario = tiny_county(folder)
    _drop_travel(folder)
    _geo(folder, "schools", ".shp", columns={"max_capacity": [100.0, 150.0], "annual_cost": [1000.0, 2000.0],
                                             "teachers_junior": [0, 0], "teachers": [2, 2],
                                             "pupils_g4_6": [3.0, 0.0]})
    names = list(gpd.read_file(folder / "schools.shp").columns)
    assert {"max_capaci", "annual_cos", "teachers_j", "pupils_g4_"} <= set(names)
    summary, run = _run(scenario, tmp_path / "out")
    renamed = run["inputs"]["schools"]["renamed_columns"]
    assert renamed["annual_cos"] == "annual_cost" and renamed["pupils_g4_"] == "pupils_g4_6"
    written = pd.read_csv(tmp_path / "out" / "schools.csv")
    assert list(written.sort_values("school_id")["pupils_before"])[0] >= 3
    assert summary["cost"]["total"] < 2 * 65000  # the annual_cost column (1,000 and 2,000 yuan) was used


def test_gbk_shapefile_without_cpg_reads_chinese(tmp_path):
    folder = tmp_path / "county"
    scenario = tiny_county(folder)
    path = _geo(folder, "schools", ".shp", columns={"name": ["七里河小学", "魏岭乡中心校"]})
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gpd.read_file(path).to_file(path, encoding="gbk")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    _, run = _run(scenario, tmp_path / "out")
    assert run["inputs"]["schools"]["encoding"] == "gb18030"
    assert set(pd.read_csv(tmp_path / "out" / "schools.csv")["name"]) == {"七里河小学", "魏岭乡中心校"}


def test_fractional_pupils_allowed_as_projections(tmp_path):
    folder = tmp_path / "county"
    scenario = tiny_county(folder, inputs={"fractional_pupils": True})
    _set(folder, "villages.csv", 1, "pupils_g1_3", "7.25")
    summary, _ = _run(scenario, tmp_path / "out")
    assert summary["pupils_total"] == pytest.approx(10 + 8 + 7.25 + 6)


def test_plausibility_limits_can_be_raised(tmp_path):
    folder = tmp_path / "county"
    scenario = tiny_county(folder)
    _set(folder, "schools.csv", 1, "capacity", "150000")
    assert invoke("validate", scenario).exit_code == 2
    result = invoke("validate", scenario, "--set", "inputs.max_school_pupils=200000")
    assert result.exit_code == 0, output(result)


def test_points_outside_the_boundary_within_the_tolerance(tmp_path):
    folder = tmp_path / "county"
    scenario = tiny_county(folder)
    _far_village(folder)
    result = invoke("validate", scenario, "--set", "inputs.boundary_tolerance_km=100")
    assert result.exit_code == 0, output(result)


def test_run_json_says_whether_inputs_are_inside_the_scenario_folder(tmp_path):
    folder = tmp_path / "county"
    scenario = tiny_county(folder)
    elsewhere = tmp_path / "data"
    elsewhere.mkdir()
    (folder / "villages.csv").rename(elsewhere / "villages.csv")
    _scenario(folder, inputs={"villages": "../data/villages.csv"})
    _, run = _run(scenario, tmp_path / "out")
    assert run["inputs"]["schools"]["inside_scenario_folder"] is True
    assert run["inputs"]["villages"]["inside_scenario_folder"] is False
    assert run["inputs"]["villages"]["path"] == str((elsewhere / "villages.csv").resolve())


def test_every_data_problem_reported_at_once(tmp_path):
    folder = tmp_path / "county"
    scenario = tiny_county(folder)
    _set(folder, "villages.csv", 0, "pupils_g1_3", "")
    _set(folder, "villages.csv", 1, "lat", "95")
    _set(folder, "schools.csv", 1, "school_id", "")
    text = assert_refused(invoke("validate", scenario), "pupils_g1_3", "V1", "V2", "row 3")
    assert text.count("\n- ") >= 3


def test_province_split_reads_gbk_semicolon_files(tmp_path):
    folder = tmp_path / "county"
    scenario = tiny_county(folder)
    _edit(folder, "schools.csv", lambda s: s.assign(name=["七里河小学", "魏岭乡中心校"]))
    _with_counties(folder, encoding="gbk", sep=";")
    with pytest.raises(UnicodeDecodeError):  # the test means it: not UTF-8
        (folder / "schools.csv").read_text(encoding="utf-8")
    result = invoke("province", "--scenario", scenario, "--out", tmp_path / "out", "--serial", "-q")
    assert result.exit_code == 0, output(result)
    assert len(pd.read_csv(tmp_path / "out" / "province.csv")) == 2
    names = {n for f in (tmp_path / "out" / "counties").glob("*/schools.csv") for n in pd.read_csv(f)["name"]}
    assert names == {"七里河小学", "魏岭乡中心校"}


def test_empty_rows_below_the_table_are_ignored_and_row_numbers_stay_true(tmp_path, reference):
    folder = tmp_path / "county"
    scenario = tiny_county(folder)
    text = (folder / "villages.csv").read_text().splitlines()
    (folder / "villages.csv").write_text("\n".join([text[0], "", text[1], text[2], ",,,,,,", " , ,", ""]) + "\n")
    summary, _ = _run(scenario, tmp_path / "out")
    assert summary["objective"] == pytest.approx(reference)
    lines = (folder / "villages.csv").read_text().splitlines()
    lines[3] = ",".join(["", *lines[3].split(",")[1:]])  # blank the ID of the village on line 4
    (folder / "villages.csv").write_text("\n".join(lines) + "\n")
    assert_refused(invoke("validate", scenario), "village_id is blank in row 4")


def test_one_bad_coordinate_is_not_also_blamed_as_a_file_without_coordinates(tmp_path):
    # A tired analyst pastes a latitude into the longitude column of one school: say that row is wrong, and
    # do not also claim the schools file has no coordinates at all (it has the columns; one value is off).
    folder = tmp_path / "county"
    scenario = tiny_county(folder)
    _set(folder, "schools.csv", 1, "lat", "103.82")
    text = assert_refused(invoke("run", scenario, "--out", tmp_path / "out"), "schools.csv", "S2")
    assert "no coordinates" not in text
    assert not complete_looking(tmp_path)
