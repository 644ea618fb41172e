"""Read the data files into canonical tables with a metric CRS.

Schools, villages, a travel matrix and a boundary may come as GeoPackage, GeoJSON, Shapefile or CSV
(``lon``/``lat`` in WGS84, or ``x``/``y`` with ``inputs.crs``). Whatever the form, the result is one
:class:`Inputs` with canonical columns. Problems in reading (a missing column, a word where a number
belongs) are collected and raised together as one :class:`~consolidation.errors.InputError`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from . import BANDS, pupils_column
from .errors import InputError, id_list
from .scenario import Scenario, Teachers

PUPIL_COLUMNS = [pupils_column(b) for b in BANDS]
TRUE_WORDS = {"true", "1", "yes", "y", "t"}
FALSE_WORDS = {"false", "0", "no", "n", "f", ""}
LOCKS = {"open", "closed", ""}


@dataclass(frozen=True)
class Inputs:
    """The data of one scenario, in canonical form.

    Attributes
    ----------
    schools
        One row per school: ``school_id`` (str), ``name``, ``pupils_g1_3``/``_g4_6``/``_g7_9`` (today),
        ``capacity``, ``beds``, ``max_capacity``, ``max_beds``, ``annual_cost`` (yuan a year, filled from
        the scenario where blank), ``bands`` (e.g. ``"G1_3,G4_6"``), ``teaches_G1_3`` etc. (bool),
        ``can_be_hub`` (bool), ``lock`` (``open``/``closed``/``""``), ``teachers`` and ``teachers_junior``
        (whole numbers, when the file has them; a blank ``teachers_junior`` is 0), any extra input columns,
        and a point geometry in :attr:`crs` when :attr:`has_geometry`.
    origins
        Where pupils live: ``origin_id``, ``kind`` (``village`` or ``school``), ``name``, pupils per band,
        ``current_G1_3``/``current_G4_6``/``current_G7_9`` (the school each band attends today, from
        the villages' ``school_id_g4_6`` etc. or else ``school_id``; may be empty), geometry when available.
    travel
        The travel CSV, if any: ``origin_id``, ``school_id``, ``minutes``, ``km`` (NaN when not given).
    boundary
        Polygons for the map, in :attr:`crs`, or None.
    crs
        The metric CRS of every geometry here (None without geometry).
    files
        ``{role: (path, sha256)}`` of every file read.
    """

    schools: pd.DataFrame
    origins: pd.DataFrame
    travel: pd.DataFrame | None
    boundary: gpd.GeoDataFrame | None
    crs: CRS | None
    files: dict[str, tuple[str, str]]

    @property
    def has_geometry(self) -> bool:
        """True when schools and origins both have point geometry."""
        return isinstance(self.schools, gpd.GeoDataFrame) and isinstance(self.origins, gpd.GeoDataFrame)


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _text(series: pd.Series) -> pd.Series:
    """Strings with blanks as ``""`` (never ``"nan"``)."""
    return series.astype(object).where(series.notna(), "").astype(str).str.strip()


def _read_table(path: Path, role: str, id_columns: list[str], crs: str | None, problems: list[str]):
    """Read one file; CSV points from lon/lat or x/y. Returns a (Geo)DataFrame or None."""
    if not path.exists():
        problems.append(f"{role} file {path} does not exist: check [inputs] {role} in the scenario")
        return None
    try:
        if path.suffix.lower() in (".csv", ".txt"):
            frame = pd.read_csv(path, dtype={c: str for c in id_columns}, skipinitialspace=True)
            frame.columns = [str(c).strip() for c in frame.columns]
            return _points_from_columns(frame, path, crs, problems)
        frame = gpd.read_file(path)
    except Exception as exc:  # noqa: BLE001 - any reader failure becomes a plain message
        problems.append(f"{path}: cannot be read as a table ({type(exc).__name__}: {exc})")
        return None
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in id_columns:
        if column in frame.columns:
            frame[column] = frame[column].astype(str)
    if frame.crs is None and frame.geometry.notna().any():
        problems.append(f"{path}: the file has no CRS; save it with one (e.g. EPSG:4326 or EPSG:4490)")
        return None
    return frame


def _points_from_columns(frame: pd.DataFrame, path: Path, crs: str | None, problems: list[str]):
    if {"lon", "lat"} <= set(frame.columns):
        xs, ys, crs_used = frame["lon"], frame["lat"], "EPSG:4326"
    elif {"x", "y"} <= set(frame.columns):
        if crs is None:
            problems.append(f"{path}: columns x/y need a CRS: set [inputs] crs, e.g. crs = \"EPSG:4547\"")
            return frame
        xs, ys, crs_used = frame["x"], frame["y"], crs
    else:
        return frame
    x = pd.to_numeric(xs, errors="coerce")
    y = pd.to_numeric(ys, errors="coerce")
    bad = x.isna() | y.isna()
    if bad.any():
        problems.append(f"{path}: coordinates missing or not numbers in rows {id_list((bad[bad].index + 2).tolist())} "
                        "(row numbers count the header as 1): fill them in")
        return frame
    if crs_used == "EPSG:4326" and ((x.abs() > 180).any() or (y.abs() > 90).any()):
        problems.append(f"{path}: lon/lat out of range (|lon| <= 180, |lat| <= 90); projected "
                        "coordinates belong in columns x/y with [inputs] crs")
        return frame
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(x, y), crs=crs_used)


def _require(frame: pd.DataFrame, path: Path, columns: list[str], problems: list[str]) -> bool:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        problems.append(f"{path}: missing column(s) {', '.join(missing)}; found: {', '.join(map(str, frame.columns))}")
    return not missing


def _numbers(frame: pd.DataFrame, path: Path, column: str, id_column: str, default: float | None,
             problems: list[str], *, minimum: float | None = 0.0) -> pd.Series:
    """A numeric column; blanks take ``default`` (None: blanks are an error)."""
    if column not in frame.columns:
        return pd.Series(np.nan if default is None else default, index=frame.index, dtype=float)
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce")
    words = values.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
    if words.any():
        problems.append(f"{path}: column {column} has values that are not numbers for {id_column} "
                        f"{id_list(frame.loc[words, id_column])}: write plain numbers")
    if default is not None:
        values = values.fillna(default)
    elif values.isna().any():
        problems.append(f"{path}: column {column} is blank for {id_column} "
                        f"{id_list(frame.loc[values.isna(), id_column])}: fill it in")
    if minimum is not None:
        low = values < minimum
        if low.any():
            problems.append(f"{path}: column {column} is below {minimum:g} for {id_column} "
                            f"{id_list(frame.loc[low, id_column])}")
    return values.astype(float)


def _booleans(frame: pd.DataFrame, path: Path, column: str, id_column: str, default: bool,
              problems: list[str]) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(default, index=frame.index, dtype=bool)
    text = _text(frame[column]).str.lower()
    bad = ~text.isin(TRUE_WORDS | FALSE_WORDS)
    if bad.any():
        problems.append(f"{path}: column {column} must be true or false; see {id_column} "
                        f"{id_list(frame.loc[bad, id_column])}")
    return text.map(lambda t: default if t == "" else t in TRUE_WORDS).astype(bool)


def _bands(frame: pd.DataFrame, path: Path, problems: list[str]) -> pd.Series:
    if "bands" not in frame.columns:
        return pd.Series(",".join(BANDS), index=frame.index)

    def parse(value) -> str | None:
        if value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == "":
            return ",".join(BANDS)
        words = [w.strip().upper().replace("-", "_") for w in str(value).replace(";", ",").replace(" ", ",").split(",")]
        words = [w for w in words if w]
        if not all(w in BANDS for w in words):
            return None
        return ",".join(b for b in BANDS if b in words)

    parsed = frame["bands"].map(parse)
    bad = parsed.isna()
    if bad.any():
        problems.append(f"{path}: column bands has unknown bands for school_id {id_list(frame.loc[bad, 'school_id'])}: "
                        f"use a comma-separated list of {', '.join(BANDS)}")
    return parsed.fillna(",".join(BANDS))


def _canonical_schools(frame, path: Path, scenario: Scenario, problems: list[str]):
    if not _require(frame, path, ["school_id", "capacity"], problems):
        return None
    out = frame.copy()
    out["school_id"] = _text(out["school_id"])
    out["name"] = _text(out["name"]) if "name" in out.columns else out["school_id"]
    for column in PUPIL_COLUMNS:
        out[column] = _numbers(frame, path, column, "school_id", 0.0, problems)
    out["capacity"] = _numbers(frame, path, "capacity", "school_id", None, problems)
    out["beds"] = _numbers(frame, path, "beds", "school_id", 0.0, problems)
    out["max_capacity"] = _numbers(frame, path, "max_capacity", "school_id", np.nan, problems)
    out["max_capacity"] = out["max_capacity"].fillna(out["capacity"])
    out["max_beds"] = _numbers(frame, path, "max_beds", "school_id", np.nan, problems)
    out["max_beds"] = out["max_beds"].fillna(out["beds"])
    out["annual_cost"] = _numbers(frame, path, "annual_cost", "school_id", scenario.costs.school_annual, problems)
    out["can_be_hub"] = _booleans(frame, path, "can_be_hub", "school_id", True, problems)
    out["bands"] = _bands(out, path, problems)
    for band in BANDS:
        out["teaches_" + band] = out["bands"].str.split(",").map(lambda bs, b=band: b in bs)
    if "lock" in frame.columns:
        lock = _text(frame["lock"]).str.lower()
        bad = ~lock.isin(LOCKS)
        if bad.any():
            problems.append(f"{path}: column lock must be open, closed or blank; see school_id "
                            f"{id_list(out.loc[bad, 'school_id'])}")
        out["lock"] = lock.where(~bad, "")
    else:
        out["lock"] = ""
    for column in ("teachers", "teachers_junior"):
        if column in frame.columns:
            out[column] = _teachers(frame, path, column, problems)
    if "classrooms" in frame.columns:  # blank: derived from capacity (see classrooms())
        out["classrooms"] = _numbers(frame, path, "classrooms", "school_id", np.nan, problems)
    return out


def _teachers(frame: pd.DataFrame, path: Path, column: str, problems: list[str]) -> pd.Series:
    """A column of teachers per school: whole numbers, 0 or more; a blank ``teachers_junior`` is 0."""
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce")
    blank = raw.isna() | (raw.astype(str).str.strip() == "")
    if column == "teachers_junior":
        values = values.where(~blank, 0.0)
    bad = values.isna() | (values < 0) | ((values - values.round()).abs() > 1e-9)
    if bad.any():
        problems.append(f"{path}: column {column} must be a whole number of teachers, 0 or more, but is not for "
                        f"school_id {id_list(_text(frame.loc[bad, 'school_id']))}: write whole numbers such as 0, "
                        f"3 or 12{'' if column == 'teachers_junior' else ' (0 for a school without teachers)'}")
    return values.astype(float)


def _canonical_villages(frame, path: Path, problems: list[str]):
    if not _require(frame, path, ["village_id"], problems):
        return None
    out = pd.DataFrame(index=frame.index)
    out["origin_id"] = _text(frame["village_id"])
    out["kind"] = "village"
    out["name"] = _text(frame["name"]) if "name" in frame.columns else out["origin_id"]
    for column in PUPIL_COLUMNS:
        labelled = frame.rename(columns={"village_id": "origin_id"})
        out[column] = _numbers(labelled, path, column, "origin_id", 0.0, problems)
    current = _text(frame["school_id"]) if "school_id" in frame.columns else pd.Series("", index=frame.index)
    for band in BANDS:
        column = "school_id_" + band.lower()
        own = _text(frame[column]) if column in frame.columns else pd.Series("", index=frame.index)
        out["current_" + band] = own.where(own != "", current)
    if isinstance(frame, gpd.GeoDataFrame):
        out = gpd.GeoDataFrame(out, geometry=frame.geometry.values, crs=frame.crs)
    return out


def _origins_from_schools(schools: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({"origin_id": schools["school_id"], "kind": "school", "name": schools["name"]})
    for column in PUPIL_COLUMNS:
        out[column] = schools[column]
    for band in BANDS:
        out["current_" + band] = schools["school_id"]
    if isinstance(schools, gpd.GeoDataFrame):
        out = gpd.GeoDataFrame(out, geometry=schools.geometry.values, crs=schools.crs)
    return out


def _canonical_travel(frame: pd.DataFrame, path: Path, problems: list[str]) -> pd.DataFrame | None:
    if not _require(frame, path, ["origin_id", "school_id", "minutes"], problems):
        return None
    out = pd.DataFrame({
        "origin_id": _text(frame["origin_id"]),
        "school_id": _text(frame["school_id"]),
    })
    labelled = frame.assign(pair=out["origin_id"] + "->" + out["school_id"])
    out["minutes"] = _numbers(labelled, path, "minutes", "pair", None, problems)
    out["km"] = _numbers(labelled, path, "km", "pair", np.nan, problems)
    return out


def metric_crs(frames: list[gpd.GeoDataFrame]) -> CRS:
    """The CRS to measure distances in: the data's own if projected in metres, else the local UTM zone."""
    first = frames[0].crs
    if first is not None and first.is_projected and all(
        a.unit_name in ("metre", "meter") for a in first.axis_info
    ):
        return first
    points = pd.concat([f.to_crs("EPSG:4326").geometry for f in frames], ignore_index=True)
    return gpd.GeoSeries(points, crs="EPSG:4326").estimate_utm_crs()


def read_inputs(scenario: Scenario) -> Inputs:
    """Read every file the scenario names into canonical :class:`Inputs`.

    Raises
    ------
    InputError
        Listing every reading problem at once.
    """
    spec = scenario.inputs
    problems: list[str] = []
    files: dict[str, tuple[str, str]] = {}
    for role in ("schools", "villages", "travel", "boundary"):
        path = getattr(spec, role)
        if path is not None and Path(path).exists():
            files[role] = (str(path), sha256(Path(path)))

    raw_schools = _read_table(Path(spec.schools), "schools", ["school_id"], spec.crs, problems)
    schools = None
    if raw_schools is not None:
        schools = _canonical_schools(raw_schools, Path(spec.schools), scenario, problems)

    origins = None
    if spec.villages is not None:
        raw_villages = _read_table(Path(spec.villages), "villages", ["village_id", "school_id"], spec.crs, problems)
        if raw_villages is not None:
            origins = _canonical_villages(raw_villages, Path(spec.villages), problems)
    elif schools is not None:
        origins = _origins_from_schools(schools)

    travel = None
    if spec.travel is not None:
        raw_travel = _read_table(Path(spec.travel), "travel", ["origin_id", "school_id"], None, problems)
        if raw_travel is not None:
            travel = _canonical_travel(pd.DataFrame(raw_travel), Path(spec.travel), problems)
    elif spec.complete:
        problems.append("[inputs] complete = true needs a travel file: set [inputs] travel = \"travel.csv\"")

    boundary = None
    if spec.boundary is not None:
        raw_boundary = _read_table(Path(spec.boundary), "boundary", [], spec.crs, problems)
        if raw_boundary is not None and not isinstance(raw_boundary, gpd.GeoDataFrame):
            problems.append(f"{spec.boundary}: a boundary must be a polygon file (GeoJSON, GeoPackage, Shapefile)")
        else:
            boundary = raw_boundary

    if problems or schools is None or origins is None:
        raise InputError(problems)

    crs = None
    if isinstance(schools, gpd.GeoDataFrame) and isinstance(origins, gpd.GeoDataFrame):
        crs = metric_crs([schools, origins])
        schools = schools.to_crs(crs)
        origins = origins.to_crs(crs)
        if boundary is not None:
            boundary = boundary.to_crs(crs)
    else:
        schools = pd.DataFrame(schools.drop(columns="geometry", errors="ignore"))
        origins = pd.DataFrame(origins.drop(columns="geometry", errors="ignore"))
        if boundary is not None:
            boundary = None
    return Inputs(schools=schools, origins=origins, travel=travel, boundary=boundary, crs=crs, files=files)


TEACHER_COLUMNS = ("teachers", "teachers_junior")


def whole_classes(pupils, band: str, teachers: Teachers) -> np.ndarray:
    """Whole classes of ``band`` for ``pupils`` (array-like): ``ceil(pupils / class size)``, 0 for none
    (mixed-grade classes within a band; 45 primary, 50 junior by default)."""
    return np.ceil(np.asarray(pupils, dtype=float) / teachers.class_size(band) - 1e-9).clip(min=0)


def school_classes(schools: pd.DataFrame, teachers: Teachers) -> np.ndarray:
    """Whole classes per school, every band: :func:`whole_classes` of each ``pupils_<band>`` column, summed."""
    return sum(whole_classes(schools[pupils_column(b)], b, teachers) for b in BANDS)


def teachers_available(schools: pd.DataFrame) -> pd.Series:
    """Teachers per school today: ``teachers`` + ``teachers_junior`` (blank or missing junior counts 0);
    NaN everywhere without a ``teachers`` column."""
    if "teachers" not in schools.columns:
        return pd.Series(np.nan, index=schools.index)
    return sum(pd.to_numeric(schools[c], errors="coerce").fillna(0.0) for c in TEACHER_COLUMNS if c in schools)


def classrooms(schools: pd.DataFrame, scenario: Scenario) -> pd.Series:
    """Classrooms per school (same index as ``schools``): the ``classrooms`` column where given, else the
    larger of ``capacity / class_size_primary`` rounded up and the whole classes today's pupils need
    (:func:`school_classes`)."""
    t = scenario.teachers
    rooms = np.maximum(np.ceil(schools["capacity"].to_numpy(float) / t.class_size_primary - 1e-9),
                       school_classes(schools, t))
    if "classrooms" in schools:
        given = pd.to_numeric(schools["classrooms"], errors="coerce")
        rooms = np.where(given.notna(), given, rooms)
    return pd.Series(rooms, index=schools.index, dtype=float)
