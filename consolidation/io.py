"""Read the data files into canonical tables with a metric CRS.

Schools, villages, a travel matrix and a boundary may come as GeoPackage, GeoJSON, Shapefile or CSV
(``lon``/``lat`` in WGS84, or in GCJ-02/BD-09 with ``inputs.coordinates``, or ``x``/``y`` with
``inputs.crs``). Whatever the form, the result is one :class:`Inputs` with canonical columns. Problems in
reading (a missing column, a word where a number belongs, a blank ID, a coordinate out of range) are collected
and raised together as one :class:`~consolidation.errors.InputError`.

The work is split by responsibility; this module assembles it:

- :mod:`consolidation.readers`: a file's bytes to a raw table (file checks, encodings, separators, Excel
  sheets, the header map, FIFO refusal, Shapefile column names);
- :mod:`consolidation.coordinates`: points from coordinate columns, CRS and range checks, the metric CRS;
- :mod:`consolidation.canonical`: raw tables to canonical schools, origins and travel pairs, cell by cell;
- here: :func:`read_inputs`, the :class:`Inputs` it returns, what ``run.json`` records of the files, and the
  classes, classrooms and teachers the data imply.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from . import BANDS, pupils_column
from .canonical import (
    canonical_enrolment,
    canonical_schools,
    canonical_travel,
    canonical_villages,
    enrolment_problems,
    intake_rates,
    origins_from_schools,
    with_kindergarten,
)
from .coordinates import apply_datum, gives_coordinates, located, metric_crs, output_crs_problems, spatial_file_ok
from .errors import InputError
from .files import not_a_regular_file
from .readers import PUPIL_COLUMNS, read_csv_text, read_table, sha256
from .roads import RoadTravel, read_network, road_travel
from .scenario import Scenario, Teachers

log = logging.getLogger("consolidation")

__all__ = ["PUPIL_COLUMNS", "TEACHER_COLUMNS", "Inputs", "classrooms", "input_record", "metric_crs", "origin_file",
           "read_csv_text", "read_inputs", "school_classes", "sha256", "teachers_available", "whole_classes"]


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
    details
        ``{role: {...}}`` more about each file read: ``format`` (``csv``, ``xlsx``, ``shapefile``, ...),
        ``sheet`` (the Excel sheet read), ``named`` (the suffix of a workbook whose name says otherwise),
        ``mapped_columns`` (headers renamed by ``[inputs] columns``), ``encoding``
        (the text encoding a CSV was decoded with, e.g. ``utf-8``, ``utf-8-sig``, ``utf-16``, ``gb18030``;
        for spatial files the encoding GDAL read, when known), ``separator`` (CSV), ``renamed_columns``
        (Shapefile-truncated names mapped back), ``coordinates`` (lon/lat converted from ``[inputs] coordinates``:
        ``datum``, ``converted_to``, ``points``, ``outside_china``). See :func:`input_record` for what
        ``run.json`` records.
    roads
        Travel along the road network of ``[inputs] roads`` (:class:`consolidation.roads.RoadTravel`: minutes and
        km by mode between every origin and school, snap distances, routes), or None.
    enrolment
        The enrolment table of a programme (``[inputs] enrolment``), if any: ``origin_id`` (str), ``year``
        (int), ``pupils_g1_3``/``_g4_6``/``_g7_9`` (floats; fractions allowed, projections). One row per origin
        and year; every origin has a row for every planned year (``[years]``). Rows for other years may be
        there and are not used. :func:`consolidation.projection.enrolment_by_year` reads it.
    """

    schools: pd.DataFrame
    origins: pd.DataFrame
    travel: pd.DataFrame | None
    boundary: gpd.GeoDataFrame | None
    crs: CRS | None
    files: dict[str, tuple[str, str]]
    details: dict[str, dict] = field(default_factory=dict)
    enrolment: pd.DataFrame | None = None
    roads: RoadTravel | None = None

    @property
    def has_geometry(self) -> bool:
        """True when schools and origins both have point geometry."""
        return isinstance(self.schools, gpd.GeoDataFrame) and isinstance(self.origins, gpd.GeoDataFrame)


def input_record(inputs: Inputs | None, scenario_file: str | Path | None = None) -> dict[str, dict]:
    """Return what run.json records of each input file.

    ``path``, ``sha256``, ``inside_scenario_folder`` (is the file in the scenario file's folder or below it;
    data kept elsewhere is allowed, and said so), and the :attr:`Inputs.details` (``format``, ``sheet``,
    ``encoding``, ``separator``, ``renamed_columns``, ``mapped_columns``, ``coordinates`` when a GCJ-02 or BD-09
    datum was converted).
    """
    if inputs is None:
        return {}
    folder = Path(scenario_file).resolve().parent if scenario_file is not None else None
    out = {}
    for role, (path, digest) in inputs.files.items():
        entry: dict = {"path": path, "sha256": digest}
        if folder is not None:
            entry["inside_scenario_folder"] = Path(path).resolve().is_relative_to(folder)
        entry.update(inputs.details.get(role, {}))
        out[role] = entry
    return out




@dataclass
class _Reading:
    """What :func:`read_inputs` gathers while it reads.

    Every file read, more about each, every problem, and whether the schools and villages files had
    coordinates. Internal and short-lived; never leaves this module.
    """

    scenario: Scenario
    problems: list[str] = field(default_factory=list)
    files: dict[str, tuple[str, str]] = field(default_factory=dict)
    details: dict[str, dict] = field(default_factory=dict)
    has_points: dict[str, bool] = field(default_factory=dict)

    def table(self, role: str) -> tuple[pd.DataFrame, pd.Series] | None:
        """Return the raw table and row names of the file ``[inputs] <role>`` names (None: not named, unreadable)."""
        path = getattr(self.scenario.inputs, role)
        if path is None:
            return None
        rate = self.scenario.years.intake_rate_column
        extra = ((self.scenario.groups.quality_column,) if role == "schools" else ()) \
            + ((rate,) if rate and role in ("schools", "villages") else ())
        spec = self.scenario.inputs
        return read_table(Path(path), role, extra=extra, files=self.files, details=self.details,
                          problems=self.problems, sheet=spec.sheets.get(role), columns=spec.columns)

    def points(self, role: str) -> tuple[pd.DataFrame, pd.Series] | None:
        """:meth:`table` with point geometry where the file has coordinates; records whether it had them."""
        read = self.table(role)
        if read is None:
            return None
        frame, rows = read
        spec = self.scenario.inputs
        frame = located(role, Path(getattr(spec, role)), frame, rows, spec.crs, self.problems,
                        datum=spec.coordinates, details=self.details.get(role))
        if frame is None:
            return None
        # A file with coordinate columns whose values were refused has its own problem listed already; it must
        # not also be blamed for having no coordinates at all.
        self.has_points[role] = gives_coordinates(frame)
        return frame, rows


def _schools(reading: _Reading) -> pd.DataFrame | None:
    """Return the canonical schools, or None (the problems said)."""
    read = reading.points("schools")
    if read is None:
        return None
    return canonical_schools(read[0], Path(reading.scenario.inputs.schools), read[1], reading.scenario,
                             reading.problems)


def _origins(reading: _Reading, schools: pd.DataFrame | None) -> pd.DataFrame | None:
    """Return the canonical origins: the villages file's, or each school's own pupils when there is none."""
    spec = reading.scenario.inputs
    if spec.villages is None:
        rate = reading.scenario.years.intake_rate_column
        return None if schools is None else origins_from_schools(schools, (rate,) if rate else ())
    read = reading.points("villages")
    if read is None:
        return None
    return canonical_villages(read[0], Path(spec.villages), read[1], reading.scenario, reading.problems)


def _travel(reading: _Reading) -> pd.DataFrame | None:
    """Return the canonical travel matrix, or None (none given, or the problems said)."""
    spec = reading.scenario.inputs
    if spec.travel is None:
        if spec.complete:
            reading.problems.append("[inputs] complete = true needs a travel file: set [inputs] travel = "
                                    "\"travel.csv\"")
        return None
    read = reading.table("travel")
    if read is None:
        return None
    return canonical_travel(pd.DataFrame(read[0]), Path(spec.travel), read[1], reading.problems)


def origin_file(scenario: Scenario) -> tuple[Path, str]:
    """Return the file the origins come from and what an origin is (``village``, or ``school`` without villages)."""
    spec = scenario.inputs
    return (Path(spec.villages), "village") if spec.villages is not None else (Path(spec.schools), "school")


def _enrolment(reading: _Reading, origins: pd.DataFrame | None) -> pd.DataFrame | None:
    """Return the canonical enrolment table, or None (none given, or the problems said).

    Its rows are checked against the origins (known IDs, one row per origin and year, every planned year) when
    the origins could be read.
    """
    spec, years = reading.scenario.inputs, reading.scenario.years
    if spec.enrolment is None:
        return None
    if not years.programme:
        reading.problems.append(f"[inputs] enrolment = {spec.enrolment}: inputs.enrolment needs [years] first and "
                                "last (the programme whose years it gives): add [years] with first and last, or "
                                "leave inputs.enrolment out for a one-year plan on the data's enrolment")
    read = reading.table("enrolment")
    if read is None:
        return None
    table = canonical_enrolment(pd.DataFrame(read[0]), Path(spec.enrolment), read[1], reading.problems)
    if table is not None and origins is not None:
        where, kind = origin_file(reading.scenario)
        reading.problems.extend(enrolment_problems(table, origins, years.planned, Path(spec.enrolment), where,
                                                   kind))
    return table


def _intake_rate_column(reading: _Reading, origins: pd.DataFrame | None) -> None:
    """Check ``[years] intake_rate_column`` where the cohort projection will use it (a programme, no table)."""
    scenario = reading.scenario
    column = scenario.years.intake_rate_column
    if origins is None or not column or not scenario.years.programme or scenario.inputs.enrolment is not None:
        return
    where, kind = origin_file(scenario)
    intake_rates(origins, column, where, kind, reading.problems)


def _boundary(reading: _Reading) -> gpd.GeoDataFrame | None:
    """Return the boundary polygons, or None (none given, or the problems said)."""
    spec = reading.scenario.inputs
    if spec.boundary is None:
        return None
    read = reading.table("boundary")
    if read is None:
        return None
    frame, rows = read
    if not isinstance(frame, gpd.GeoDataFrame):
        reading.problems.append(f"{spec.boundary}: a boundary must be a polygon file (GeoJSON, GeoPackage, "
                                "Shapefile)")
        return None
    if not spatial_file_ok(frame, Path(spec.boundary), rows, reading.problems):
        return None
    return apply_datum(frame, Path(spec.boundary), spec.coordinates, reading.details.get("boundary"),
                       reading.problems)


def _coordinates_agree(reading: _Reading) -> None:
    """Without a complete travel matrix, schools and villages both need coordinates, or neither has them."""
    spec, has = reading.scenario.inputs, reading.has_points
    if spec.complete or len(has) != 2 or has["schools"] == has["villages"]:
        return
    have, lack = ("schools", "villages") if has["schools"] else ("villages", "schools")
    reading.problems.append(f"{getattr(spec, lack)}: the {lack} file has no coordinates (columns lon/lat, or x/y "
                            f"with [inputs] crs, or a spatial file) but the {have} file has: give the {lack} "
                            "coordinates too, or a complete travel matrix with [inputs] complete = true")


def read_inputs(scenario: Scenario) -> Inputs:
    """Read every file the scenario names into canonical :class:`Inputs`.

    Every path must name a regular file; it is checked before it is opened or hashed. Schools and villages are
    read first, then the travel matrix, then the boundary, then the enrolment table of a programme (checked
    against the origins and ``[years]``); every problem of every file is collected.

    Parameters
    ----------
    scenario
        Names the files (``[inputs]``) and sets the defaults and limits of their values.

    Returns
    -------
    Inputs
        With point geometry in one metric CRS (:func:`~consolidation.coordinates.metric_crs`: the input's own
        projected CRS, a CGCS2000 Gauss-Kruger zone for Chinese data, else UTM; ``[inputs] output_crs`` when
        projected) when schools and origins both have coordinates, else plain tables (and no boundary).
        Lon/lat in GCJ-02 or BD-09 (``[inputs] coordinates``) are converted to WGS84 first.

    Raises
    ------
    InputError
        Listing every reading problem at once.
    """
    reading = _Reading(scenario)
    schools = _schools(reading)
    origins = _origins(reading, schools)
    if schools is not None and origins is not None:
        schools = with_kindergarten(schools, origins)
    travel = _travel(reading)
    boundary = _boundary(reading)
    enrolment = _enrolment(reading, origins)
    _intake_rate_column(reading, origins)
    _coordinates_agree(reading)
    reading.problems.extend(output_crs_problems(scenario.inputs.output_crs))
    if reading.problems or schools is None or origins is None:
        raise InputError(reading.problems)
    crs = None
    if isinstance(schools, gpd.GeoDataFrame) and isinstance(origins, gpd.GeoDataFrame):
        crs = metric_crs([schools, origins], datum=scenario.inputs.coordinates,
                         output_crs=scenario.inputs.output_crs)
        schools, origins = schools.to_crs(crs), origins.to_crs(crs)
        boundary = None if boundary is None else boundary.to_crs(crs)
        roads = _roads(reading, schools, origins, crs)
    else:
        schools = pd.DataFrame(schools.drop(columns="geometry", errors="ignore"))
        origins = pd.DataFrame(origins.drop(columns="geometry", errors="ignore"))
        boundary = roads = None
        if scenario.inputs.roads is not None:
            reading.problems.append(f"[inputs] roads = {scenario.inputs.roads}: travel along roads needs the "
                                    "coordinates of schools and villages: give them, or leave inputs.roads out")
    if reading.problems:
        raise InputError(reading.problems)
    return Inputs(schools=schools, origins=origins, travel=travel, boundary=boundary, crs=crs,
                  files=reading.files, details=reading.details, enrolment=enrolment, roads=roads)


def _roads(reading: _Reading, schools: gpd.GeoDataFrame, origins: gpd.GeoDataFrame, crs: CRS) -> RoadTravel | None:
    """Read the road network of ``[inputs] roads`` and compute travel along it; None without one (or a problem).

    Points without a usable location are left to :func:`consolidation.checks.check_inputs` to name: travel along
    roads is then not computed. With ``[inputs] complete = true`` only the travel file counts, so the roads are
    not read.
    """
    spec = reading.scenario.inputs
    if spec.roads is None or spec.complete:
        if spec.roads is not None:
            log.warning("[inputs] roads is not used: [inputs] complete = true takes every trip from the travel file")
        return None
    for role, path in (("roads", spec.roads), ("dem", spec.dem)):
        if path is None:
            continue
        why = not_a_regular_file(path)
        if why:
            reading.problems.append(f"[inputs] {role} = {path}: the file {why}")
            return None
        reading.files[role] = (str(path), sha256(Path(path)))
    points_ok = all(bool(f.geometry.notna().all() and (~f.geometry.is_empty).all()
                         and (f.geom_type == "Point").all()) for f in (schools, origins))
    if not points_ok:
        return None
    network = read_network(Path(spec.roads), reading.scenario, crs, reading.problems)
    if network is None:
        return None
    return road_travel(network, origins, schools, reading.scenario, reading.problems)


TEACHER_COLUMNS = ("teachers", "teachers_junior")


def whole_classes(pupils, band: str, teachers: Teachers) -> np.ndarray:
    """Return the whole classes of ``band`` for ``pupils`` (array-like): ``ceil(pupils / class size)``.

    0 for no pupils. Classes mix the grades of a band; 45 pupils a class in primary, 50 in junior by default.
    """
    return np.ceil(np.asarray(pupils, dtype=float) / teachers.class_size(band) - 1e-9).clip(min=0)


def school_classes(schools: pd.DataFrame, teachers: Teachers) -> np.ndarray:
    """Whole classes per school, every band: :func:`whole_classes` of each ``pupils_<band>`` column, summed."""
    return sum(whole_classes(schools[pupils_column(b)], b, teachers) for b in BANDS)


def teachers_available(schools: pd.DataFrame) -> pd.Series:
    """Return teachers per school today: ``teachers`` + ``teachers_junior`` (blank or missing junior: 0).

    NaN everywhere without a ``teachers`` column.
    """
    if "teachers" not in schools.columns:
        return pd.Series(np.nan, index=schools.index)
    return sum(pd.to_numeric(schools[c], errors="coerce").fillna(0.0) for c in TEACHER_COLUMNS if c in schools)


def classrooms(schools: pd.DataFrame, scenario: Scenario) -> pd.Series:
    """Return classrooms per school (same index as ``schools``).

    The ``classrooms`` column where given, else the larger of ``capacity / class_size_primary`` rounded up
    and the whole classes today's pupils need (:func:`school_classes`).
    """
    t = scenario.teachers
    rooms = np.maximum(np.ceil(schools["capacity"].to_numpy(float) / t.class_size_primary - 1e-9),
                       school_classes(schools, t))
    if "classrooms" in schools:
        given = pd.to_numeric(schools["classrooms"], errors="coerce")
        rooms = np.where(given.notna(), given, rooms)
    return pd.Series(rooms, index=schools.index, dtype=float)
