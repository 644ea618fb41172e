"""Read the data files into canonical tables with a metric CRS.

Schools, villages, a travel matrix and a boundary may come as GeoPackage, GeoJSON, Shapefile or CSV
(``lon``/``lat`` in WGS84, or ``x``/``y`` with ``inputs.crs``). Whatever the form, the result is one
:class:`Inputs` with canonical columns. Problems in reading (a missing column, a word where a number
belongs, a blank ID, a coordinate out of range) are collected and raised together as one
:class:`~consolidation.errors.InputError`.

Before a file is opened it must be a regular file (a FIFO or a device would block or never end). CSV files
are decoded as UTF-8 (with or without a byte-order mark), UTF-16 (with a byte-order mark, or without one when
every other byte is NUL) or GB18030 (which includes GBK), tried in that order; detectors that guess from the
bytes take short GBK files for Big5, so no guessing. The separator is the one of comma, semicolon and tab that
the header line holds most often. Column names cut to 10 characters by the Shapefile format (``pupils_g1_``)
are mapped back to the documented names, or refused when that is ambiguous.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from . import BANDS, pupils_column
from .errors import InputError, id_list
from .files import is_excel, not_a_regular_file
from .scenario import YUAN_MAX, Scenario, Teachers

log = logging.getLogger(__name__)

PUPIL_COLUMNS = [pupils_column(b) for b in BANDS]
TRUE_WORDS = {"true", "1", "yes", "y", "t"}
FALSE_WORDS = {"false", "0", "no", "n", "f", ""}
LOCKS = {"open", "closed", ""}
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
SHAPEFILE_NAME_LENGTH = 10

DOCUMENTED_COLUMNS: dict[str, tuple[str, ...]] = {
    "schools": ("school_id", "name", *PUPIL_COLUMNS, "capacity", "beds", "bands", "can_be_hub", "lock",
                "annual_cost", "max_capacity", "max_beds", "teachers", "teachers_junior", "quality",
                "classrooms", "county"),
    "villages": ("village_id", "name", *PUPIL_COLUMNS, "school_id", "school_id_g1_3", "school_id_g4_6",
                 "school_id_g7_9", "county"),
    "travel": ("origin_id", "school_id", "minutes", "km"),
    "boundary": (),
}
"""The columns README documents for each file, to recognise their Shapefile-truncated names."""

ID_COLUMNS: dict[str, list[str]] = {
    "schools": ["school_id"],
    "villages": ["village_id", "school_id", "school_id_g1_3", "school_id_g4_6", "school_id_g7_9"],
    "travel": ["origin_id", "school_id"],
    "boundary": [],
}
"""Columns read as text, never as numbers (an ID "007" stays "007")."""


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
        ``{role: {...}}`` more about each file read: ``format`` (``csv``, ``shapefile``, ...), ``encoding``
        (the text encoding a CSV was decoded with, e.g. ``utf-8``, ``utf-8-sig``, ``utf-16``, ``gb18030``;
        for spatial files the encoding GDAL read, when known), ``separator`` (CSV), ``renamed_columns``
        (Shapefile-truncated names mapped back). See :func:`input_record` for what ``run.json`` records.
    """

    schools: pd.DataFrame
    origins: pd.DataFrame
    travel: pd.DataFrame | None
    boundary: gpd.GeoDataFrame | None
    crs: CRS | None
    files: dict[str, tuple[str, str]]
    details: dict[str, dict] = field(default_factory=dict)

    @property
    def has_geometry(self) -> bool:
        """True when schools and origins both have point geometry."""
        return isinstance(self.schools, gpd.GeoDataFrame) and isinstance(self.origins, gpd.GeoDataFrame)


def input_record(inputs: Inputs | None, scenario_file: str | Path | None = None) -> dict[str, dict]:
    """What run.json records of each input file: ``path``, ``sha256``, ``inside_scenario_folder`` (is the file
    in the scenario file's folder or below it; data kept elsewhere is allowed, and said so), and the
    :attr:`Inputs.details` (``format``, ``encoding``, ``separator``, ``renamed_columns``)."""
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


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _text(series: pd.Series) -> pd.Series:
    """Strings with blanks as ``""`` (never ``"nan"``); whole floats (an ID column with a gap read as numbers)
    lose their ``.0``."""
    def one(value) -> str:
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    values = series.astype(object)
    return values.where(values.notna(), "").map(one).astype(str).str.strip()


# ------------------------------------------------------------------------------------------- reading files


def _decode(data: bytes, path: Path, role: str, problems: list[str]) -> tuple[str, str] | None:
    """The text of a CSV file and the encoding it was decoded with, or None (a problem said)."""
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        problems.append(f"[inputs] {role} = {path} is an Excel workbook (or another packed file), not a CSV, though "
                        "its name says CSV: Excel is not supported yet: in Excel, Save as \"CSV UTF-8 (Comma "
                        "delimited)\" and name that file")
        return None
    if data.startswith(codecs.BOM_UTF8):
        codecs_to_try = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codecs_to_try = ["utf-16"]
    elif b"\x00" in data[:4096]:  # UTF-16 without a byte-order mark: every other byte of ASCII text is NUL
        head = data[:4096]
        codecs_to_try = ["utf-16-le" if head[1::2].count(0) >= head[0::2].count(0) else "utf-16-be"]
    else:
        codecs_to_try = ["utf-8", "gb18030"]
    where = ""
    for codec in codecs_to_try:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            if codec == "utf-8":
                line = data[:exc.start].count(b"\n") + 1
                where = f" (line {line} has bytes that are not UTF-8)"
                mostly = data.decode("utf-8", errors="replace")
                bad = mostly.count("\ufffd")
                good = sum(1 for ch in mostly if ord(ch) > 127) - bad
                # UTF-8 text with a few broken bytes (GBK text has far more broken than whole UTF-8
                # characters): read as GB18030 it would come out as mojibake, so refuse it.
                if good >= bad:
                    problems.append(f"{path}: {where.strip(' ()')}, though the rest of the file is UTF-8: fix "
                                    "that line, or save the file again as CSV UTF-8")
                    return None
            continue
        if "\x00" in text:
            break
        return text, codec
    problems.append(f"{path}: the {role} file is not text in UTF-8, UTF-16 or GB18030/GBK{where}: save it as CSV "
                    "UTF-8")
    return None


def _separator(text: str) -> str:
    """The separator the header line holds most often: comma, semicolon or tab (comma when none)."""
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    return max(counts, key=lambda sep: (counts[sep], sep == ","))


def _read_csv(data: bytes, path: Path, role: str, details: dict, problems: list[str]) -> pd.DataFrame | None:
    decoded = _decode(data, path, role, problems)
    if decoded is None:
        return None
    text, encoding = decoded
    details["encoding"] = encoding
    if not text.strip():
        problems.append(f"[inputs] {role} = {path} is empty: it holds no header and no rows")
        return None
    sep = _separator(text)
    details["separator"] = SEPARATORS[sep]
    if sep != ",":
        log.info("%s: read with %s as the separator (the header line has no commas)", path, SEPARATORS[sep])
    header = [c.strip() for c in next(csv.reader(io.StringIO(text.split("\n", 1)[0]), delimiter=sep))]
    seen = {c for c in header if c and header.count(c) > 1}
    if seen:
        problems.append(f"{path}: column(s) {', '.join(sorted(seen))} appear more than once in the header: keep "
                        "one of each")
    ids = {c: str for c in ID_COLUMNS[role]}
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=ids, skipinitialspace=True, index_col=False,
                            skip_blank_lines=False)
    except Exception as exc:  # noqa: BLE001 - any parser failure becomes a plain message
        hint = f" (a value that contains a {SEPARATORS[sep]} needs double quotes)"
        problems.append(f"{path}: cannot be read as a {SEPARATORS[sep]}-separated table: "
                        f"{str(exc).strip()}{hint}")
        return None
    frame.columns = [str(c).strip() for c in frame.columns]
    # Rows with no value at all (blank lines, or the ",,,," Excel leaves below a table) carry nothing: drop
    # them, keeping the index so that row numbers in messages stay the file's (index 0 is row 2).
    empty = frame.apply(lambda col: col.isna() | (col.astype(str).str.strip() == "")).all(axis=1)
    if empty.any():
        log.info("%s: ignored %d empty row(s)", path, int(empty.sum()))
        frame = frame[~empty]
    return frame


def _read_spatial(path: Path, role: str, details: dict, problems: list[str]) -> gpd.GeoDataFrame | None:
    if path.suffix.lower() == ".shp" and not_a_regular_file(path.with_suffix(".dbf")) is not None \
            and not_a_regular_file(path.with_suffix(".DBF")) is not None:
        problems.append(f"{path}: the Shapefile's .dbf file (its columns) is missing next to it: copy "
                        f"{path.with_suffix('.dbf').name} (and .shx, .prj, .cpg) into the same folder")
        return None
    try:
        frame = gpd.read_file(path)
    except UnicodeDecodeError:
        try:  # a Shapefile whose .dbf is GBK without a .cpg saying so, cut in the middle of a character
            frame = gpd.read_file(path, encoding="gb18030")
            details["encoding"] = "gb18030"
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{path}: cannot be read: its text is in an unknown encoding ({exc}): save it as "
                            "GeoPackage")
            return None
    except Exception as exc:  # noqa: BLE001 - any reader failure becomes a plain message
        problems.append(f"{path}: cannot be read as a table ({type(exc).__name__}: {exc})")
        return None
    if path.suffix.lower() == ".shp" and "encoding" not in details:
        frame = _shapefile_text(path, frame, details)
    if "encoding" not in details:
        if path.suffix.lower() in (".geojson", ".json", ".gpkg"):
            details["encoding"] = "utf-8"  # what the format prescribes
        elif path.suffix.lower() == ".shp":
            cpg = path.with_suffix(".cpg")
            details["encoding"] = cpg.read_text(errors="replace").strip()[:40] \
                if not_a_regular_file(cpg) is None else None
    return frame


def _shapefile_text(path: Path, frame: gpd.GeoDataFrame, details: dict) -> gpd.GeoDataFrame:
    """A Shapefile without a .cpg is read by GDAL as ISO-8859-1: Chinese text written in GBK or UTF-8 then
    comes out as mojibake. When every text value re-encodes to UTF-8 or GB18030 text, read it again so."""
    if any(not_a_regular_file(path.with_suffix(s)) is None for s in (".cpg", ".CPG")):
        return frame
    texts = [v for c in frame.columns if c != frame.geometry.name and frame[c].dtype.kind in "OSUT"
             for v in frame[c].dropna().astype(str) if any(0x80 <= ord(ch) <= 0xFF for ch in v)]
    texts += [c for c in frame.columns if any(0x80 <= ord(ch) <= 0xFF for ch in str(c))]
    if not texts or any(ord(ch) > 0xFF for v in texts for ch in v):
        return frame
    raw = "\n".join(texts).encode("latin-1")
    for codec in ("utf-8", "gb18030"):
        try:
            raw.decode(codec)
        except UnicodeDecodeError:
            continue
        try:
            again = gpd.read_file(path, encoding=codec)
        except Exception:  # noqa: BLE001
            continue
        details["encoding"] = codec
        return again
    return frame


def _truncated_columns(frame: pd.DataFrame, path: Path, role: str, extra: tuple[str, ...], details: dict,
                       problems: list[str]) -> pd.DataFrame:
    """Map names cut to 10 characters by the Shapefile format back to the documented names; refuse the
    ambiguous ones (``school_id_`` could be any of ``school_id_g1_3``, ``_g4_6``, ``_g7_9``)."""
    documented = [c for c in (*DOCUMENTED_COLUMNS[role], *extra) if len(c) > SHAPEFILE_NAME_LENGTH]
    present = set(frame.columns)
    renames, ambiguous = {}, {}
    for column in frame.columns:
        if column in DOCUMENTED_COLUMNS[role] or column in extra:
            continue
        if len(column) != SHAPEFILE_NAME_LENGTH:
            continue
        matches = [c for c in documented if c[:SHAPEFILE_NAME_LENGTH] == column]
        laundered = re.fullmatch(r"(.+)_(\d+)", column)  # GDAL makes cut names unique: school_i_1, school_i_2
        if not matches and laundered:
            matches = [c for c in documented if c.startswith(laundered.group(1))]
        if len(matches) == 1 and matches[0] not in present:
            renames[column] = matches[0]
        elif matches:
            ambiguous[column] = matches
    if ambiguous:
        names = sorted({m for ms in ambiguous.values() for m in ms})
        problems.append(f"{path}: column(s) {', '.join(ambiguous)} look like {', '.join(names)} cut to "
                        f"{SHAPEFILE_NAME_LENGTH} characters by the Shapefile format, and which is which cannot be "
                        "told: save the file as GeoPackage or GeoJSON, which keep full column names")
    if renames:
        details["renamed_columns"] = renames
        log.info("%s: column(s) %s read as %s (Shapefile names are cut to %d characters)", path,
                 ", ".join(renames), ", ".join(renames.values()), SHAPEFILE_NAME_LENGTH)
        frame = frame.rename(columns=renames)
    return frame


def _read_table(path: Path, role: str, scenario: Scenario, files: dict, details: dict, problems: list[str]):
    """Read one file: check it is a regular file, hash it, read it. Returns ``(frame, rows)`` or None, where
    ``rows`` names each row for messages ("row 3" of a CSV counting the header as row 1, "feature 2")."""
    problem = not_a_regular_file(path)
    if problem is not None:
        problems.append(f"{role} file {path} {problem}: check [inputs] {role} in the scenario (relative paths are "
                        "relative to the scenario file that names them)" if problem.startswith("does not exist")
                        else f"[inputs] {role} = {path} {problem}: name the data file itself")
        return None
    if is_excel(path):
        problems.append(f"[inputs] {role} = {path} is an Excel workbook: Excel is not supported yet: in Excel, Save "
                        "as \"CSV UTF-8 (Comma delimited)\" and name the .csv file in the scenario")
        return None
    info: dict = {}
    details[role] = info
    is_csv = path.suffix.lower() in CSV_SUFFIXES
    try:
        if is_csv:
            data = path.read_bytes()
            files[role] = (str(path), hashlib.sha256(data).hexdigest())
            info["format"] = "csv"
            frame = _read_csv(data, path, role, info, problems)
        else:
            files[role] = (str(path), sha256(path))
            info["format"] = {".shp": "shapefile", ".gpkg": "geopackage", ".geojson": "geojson",
                              ".json": "geojson"}.get(path.suffix.lower(), path.suffix.lower().lstrip("."))
            frame = _read_spatial(path, role, info, problems)
    except OSError as exc:
        problems.append(f"[inputs] {role} = {path} cannot be read ({exc.strerror or exc})")
        return None
    if frame is None:
        return None
    extra = (scenario.groups.quality_column,) if role == "schools" else ()
    frame = _truncated_columns(frame, path, role, extra, info, problems)
    if not is_csv:
        for column in ID_COLUMNS[role]:
            if column in frame.columns:
                frame[column] = _text(frame[column])
    # The index is the row's position in the file: a CSV's row 2 is the first below the header.
    word, first = ("row", 2) if is_csv else ("feature", 1)
    rows = pd.Series([f"{word} {i + first}" for i in frame.index], index=frame.index)
    if role in ("schools", "villages") and len(frame) == 0:
        problems.append(f"[inputs] {role} = {path} has no rows{' (only a header)' if is_csv else ''}: the "
                        f"{role} file must list at least one {role[:-1]}")
        return None
    return frame, rows


def read_csv_text(path: str | Path, role: str) -> pd.DataFrame:
    """A CSV input read as text cells (blanks ``""``), with the same checks as :func:`read_inputs` (a regular
    file, its encoding and separator): for tools that only split or copy rows, such as the province split.

    Raises
    ------
    InputError
        Naming the file and the problem.
    """
    path = Path(path)
    problems: list[str] = []
    problem = not_a_regular_file(path)
    if problem is not None:
        raise InputError([f"[inputs] {role} = {path} {problem}"
                          + (": check the path" if problem.startswith("does not exist") else ": name the file")])
    if is_excel(path):
        raise InputError([f"[inputs] {role} = {path} is an Excel workbook: Excel is not supported yet: save the "
                          "sheet as \"CSV UTF-8 (Comma delimited)\""])
    decoded = _decode(path.read_bytes(), path, role, problems)
    if decoded is None:
        raise InputError(problems)
    text = decoded[0]
    try:
        frame = pd.read_csv(io.StringIO(text), sep=_separator(text), dtype=str, keep_default_na=False,
                            skipinitialspace=True, index_col=False)
    except Exception as exc:  # noqa: BLE001
        raise InputError([f"{path}: cannot be read as a table: {str(exc).strip()}"]) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _labels(frame: pd.DataFrame, id_column: str, rows: pd.Series) -> pd.Series:
    """Each row's ID, or its row number where the ID is blank."""
    if id_column not in frame.columns:
        return rows
    ids = _text(frame[id_column])
    return ids.where(ids != "", rows)


_PROJECTED = 1000.0  # |coordinate| beyond this is metres, not degrees


def _geographic_problems(x: pd.Series, y: pd.Series, labels: pd.Series, path: Path, what: str,
                         problems: list[str]) -> bool:
    """Check lon (x) and lat (y) in degrees row by row; True when all are in range."""
    outside = (x.abs() > 180) | (y.abs() > 90)
    if not outside.any():
        return True
    projected = (x.abs() > _PROJECTED) | (y.abs() > _PROJECTED)
    swapped = outside & ~projected & (y.abs() > 90) & (y.abs() <= 180) & (x.abs() <= 90)
    other = outside & ~swapped & ~projected
    if projected.any():
        problems.append(f"{path}: lon/lat out of range for {id_list(labels[projected])}: {what} look like projected "
                        "metres, not degrees: put them in columns x/y and set [inputs] crs (e.g. crs = "
                        "\"EPSG:4547\"), or save the file with its real CRS")
    if swapped.any():
        problems.append(f"{path}: lon/lat out of range and swapped for {id_list(labels[swapped])}: the latitude is "
                        "above 90 and the longitude below 90, so the two are exchanged: swap lon and lat in these "
                        "rows")
    if other.any():
        problems.append(f"{path}: lon/lat out of range (|lon| <= 180, |lat| <= 90) for {id_list(labels[other])}: "
                        "fix these coordinates")
    return False


def _points_from_columns(frame: pd.DataFrame, path: Path, crs: str | None, labels: pd.Series,
                         problems: list[str]):
    columns = set(frame.columns)
    if {"lon", "lat"} <= columns:
        xs, ys, crs_used, names = frame["lon"], frame["lat"], "EPSG:4326", "lon/lat"
    elif {"x", "y"} <= columns:
        if crs is None:
            problems.append(f"{path}: columns x/y need a CRS: set [inputs] crs, e.g. crs = \"EPSG:4547\"")
            return frame
        xs, ys, crs_used, names = frame["x"], frame["y"], crs, "x/y"
    else:
        for a, b in (("lon", "lat"), ("x", "y")):
            if (a in columns) != (b in columns):
                have, lack = (a, b) if a in columns else (b, a)
                problems.append(f"{path}: has a column {have} but no column {lack}: give both, or neither")
        return frame
    x = pd.to_numeric(xs, errors="coerce")
    y = pd.to_numeric(ys, errors="coerce")
    bad = x.isna() | y.isna() | ~np.isfinite(x.fillna(0)) | ~np.isfinite(y.fillna(0))
    if bad.any():
        problems.append(f"{path}: coordinates ({names}) missing or not numbers for {id_list(labels[bad])} (row "
                        "numbers count the header as 1): fill them in")
        return frame
    if crs_used == "EPSG:4326" and not _geographic_problems(x, y, labels, path, "the values", problems):
        return frame
    try:
        return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(x, y), crs=crs_used)
    except Exception as exc:  # noqa: BLE001 - an unknown CRS name
        problems.append(f"[inputs] crs = {crs_used!r} is not a CRS pyproj knows ({exc}): write it as EPSG:<code>, "
                        "e.g. EPSG:4547")
        return frame


def _spatial_problems(frame: gpd.GeoDataFrame, path: Path, labels: pd.Series, problems: list[str]) -> bool:
    """A spatial file's CRS and coordinates make sense; True when they do."""
    geometry = frame.geometry
    present = geometry.notna() & ~geometry.is_empty
    if not present.any():
        return True
    bounds = geometry[present].bounds
    x = bounds[["minx", "maxx"]].abs().max(axis=1)
    y = bounds[["miny", "maxy"]].abs().max(axis=1)
    if frame.crs is None:
        looks = "projected metres" if ((x > _PROJECTED) | (y > _PROJECTED)).any() else "degrees"
        problems.append(f"{path}: the file has no CRS (its coordinates look like {looks}, e.g. for "
                        f"{labels[present].iloc[0]}): save it with its CRS (e.g. EPSG:4326 or EPSG:4490 for "
                        "degrees, EPSG:4547 for CGCS2000 Gauss-Kruger metres)")
        return False
    if frame.crs.is_geographic:
        lon = pd.Series(np.where(bounds["minx"].abs() > bounds["maxx"].abs(), bounds["minx"], bounds["maxx"]),
                        index=bounds.index)
        lat = pd.Series(np.where(bounds["miny"].abs() > bounds["maxy"].abs(), bounds["miny"], bounds["maxy"]),
                        index=bounds.index)
        what = (f"the file says its CRS is {frame.crs.name} (GeoJSON without a \"crs\" member always means "
                "WGS84 lon/lat), but its coordinates")
        return _geographic_problems(lon, lat, labels[present], path, what, problems)
    return True


def _require(frame: pd.DataFrame, path: Path, columns: list[str], problems: list[str]) -> bool:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        hints = []
        lowered = {str(c).strip().lower(): c for c in frame.columns}
        for column in missing:
            if column in lowered:
                hints.append(f"column {lowered[column]!r} is spelt differently: rename it {column}")
        found = ", ".join(str(c) for c in frame.columns if c != "geometry")
        if len(frame.columns) == 1 and any(sep in str(frame.columns[0]) for sep in ("|", ":")):
            hints.append("the header is one column: separate columns with commas")
        problems.append(f"{path}: missing column(s) {', '.join(missing)}; found: {found}"
                        + (f" ({'; '.join(hints)})" if hints else ""))
    return not missing


def _numbers(frame: pd.DataFrame, path: Path, column: str, labels: pd.Series, id_column: str,
             default: float | None, problems: list[str], *, minimum: float | None = 0.0,
             maximum: tuple[float, str] | None = None) -> pd.Series:
    """A numeric column; blanks take ``default`` (None: blanks are an error). ``labels`` name the rows (the
    ID, or the row number where it is blank); ``maximum`` is (limit, the fix when exceeded)."""
    if column not in frame.columns:
        return pd.Series(np.nan if default is None else default, index=frame.index, dtype=float)
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    blank = raw.isna() | (raw.astype(str).str.strip() == "")
    words = values.isna() & ~blank
    if words.any():
        problems.append(f"{path}: column {column} has values that are not numbers for {id_column} "
                        f"{id_list(labels[words])}: write plain numbers")
    infinite = np.isinf(values)
    if infinite.any():
        problems.append(f"{path}: column {column} is infinite for {id_column} {id_list(labels[infinite])}: "
                        "write a finite number")
        values = values.where(~infinite, np.nan)
    if default is not None:
        values = values.fillna(default)
    elif (values.isna() & blank).any():
        problems.append(f"{path}: column {column} is blank for {id_column} "
                        f"{id_list(labels[values.isna() & blank])}: fill it in")
    if minimum is not None:
        low = values < minimum
        if low.any():
            problems.append(f"{path}: column {column} is below {minimum:g} for {id_column} {id_list(labels[low])}")
    if maximum is not None:
        high = values > maximum[0]
        if high.any():
            problems.append(f"{path}: column {column} is implausibly large (above {maximum[0]:,.0f}) for "
                            f"{id_column} {id_list(labels[high])}: {maximum[1]}")
    return values


def _pupils(frame: pd.DataFrame, path: Path, column: str, labels: pd.Series, id_column: str,
            scenario: Scenario, problems: list[str]) -> pd.Series:
    """A pupils column: absent means 0 pupils of the band; a present column must be filled in every row (a
    blank is an error, not 0: a blank cell is as likely missing data as none), with numbers 0 or more, whole
    unless ``[inputs] fractional_pupils`` says the counts are projections."""
    if column not in frame.columns:
        return pd.Series(0.0, index=frame.index, dtype=float)
    raw = frame[column]
    blank = raw.isna() | (raw.astype(str).str.strip() == "")
    if blank.any():
        problems.append(f"{path}: column {column} is blank (or NaN) for {id_column} {id_list(labels[blank])}: "
                        "write 0 where there are no pupils of the band (only a column that is absent altogether "
                        "means 0)")
    values = _numbers(frame, path, column, labels, id_column, 0.0, problems)
    if not scenario.inputs.fractional_pupils:
        fraction = np.isfinite(values) & ((values - values.round()).abs() > 1e-9)
        if fraction.any():
            problems.append(f"{path}: column {column} has fractional pupil counts for {id_column} "
                            f"{id_list(labels[fraction])}: pupils are whole numbers; round them, or set [inputs] "
                            "fractional_pupils = true where the numbers are projections")
    return values


def _booleans(frame: pd.DataFrame, path: Path, column: str, labels: pd.Series, id_column: str, default: bool,
              problems: list[str]) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(default, index=frame.index, dtype=bool)
    text = _text(frame[column]).str.lower()
    bad = ~text.isin(TRUE_WORDS | FALSE_WORDS)
    if bad.any():
        problems.append(f"{path}: column {column} must be true or false; see {id_column} {id_list(labels[bad])}")
    return text.map(lambda t: default if t == "" else t in TRUE_WORDS).astype(bool)


def _bands(frame: pd.DataFrame, path: Path, labels: pd.Series, problems: list[str]) -> pd.Series:
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

    parsed = frame["bands"].astype(object).map(parse)
    bad = parsed.isna()
    if bad.any():
        problems.append(f"{path}: column bands has unknown bands for school_id {id_list(labels[bad])}: "
                        f"use a comma-separated list of {', '.join(BANDS)}")
    return parsed.fillna(",".join(BANDS))


def _blank_ids(frame: pd.DataFrame, path: Path, column: str, rows: pd.Series, what: str,
               problems: list[str]) -> None:
    blank = _text(frame[column]) == ""
    if blank.any():
        problems.append(f"{path}: {column} is blank in {id_list(rows[blank])}"
                        f"{' (counting the header as row 1)' if rows.iloc[0].startswith('row') else ''}: "
                        f"give every {what} an ID, or delete the row")


def _canonical_schools(frame, path: Path, rows: pd.Series, scenario: Scenario, problems: list[str]):
    if not _require(frame, path, ["school_id", "capacity"], problems):
        return None
    _blank_ids(frame, path, "school_id", rows, "school", problems)
    labels = _labels(frame, "school_id", rows)
    limit = scenario.inputs.max_school_pupils
    too_big = (limit, f"check the number, or raise [inputs] max_school_pupils (now {limit:,.0f}) for a school "
                      "this large")
    out = frame.copy()
    out["school_id"] = _text(out["school_id"])
    out["name"] = _text(out["name"]) if "name" in out.columns else out["school_id"]
    out["name"] = out["name"].where(out["name"] != "", out["school_id"])
    for column in PUPIL_COLUMNS:
        out[column] = _pupils(frame, path, column, labels, "school_id", scenario, problems)
    total = out[PUPIL_COLUMNS].sum(axis=1)
    if (total > limit).any():
        problems.append(f"{path}: implausibly many pupils (above {limit:,.0f}) for school_id "
                        f"{id_list(labels[total > limit])}: {too_big[1]}")
    out["capacity"] = _numbers(frame, path, "capacity", labels, "school_id", None, problems, maximum=too_big)
    out["beds"] = _numbers(frame, path, "beds", labels, "school_id", 0.0, problems, maximum=too_big)
    out["max_capacity"] = _numbers(frame, path, "max_capacity", labels, "school_id", np.nan, problems,
                                   maximum=too_big)
    out["max_capacity"] = out["max_capacity"].fillna(out["capacity"])
    out["max_beds"] = _numbers(frame, path, "max_beds", labels, "school_id", np.nan, problems, maximum=too_big)
    out["max_beds"] = out["max_beds"].fillna(out["beds"])
    out["annual_cost"] = _numbers(frame, path, "annual_cost", labels, "school_id", scenario.costs.school_annual,
                                  problems, maximum=(YUAN_MAX, "yuan a year: check the unit (yuan, not fen)"))
    out["can_be_hub"] = _booleans(frame, path, "can_be_hub", labels, "school_id", True, problems)
    out["bands"] = _bands(out, path, labels, problems)
    for band in BANDS:
        out["teaches_" + band] = out["bands"].str.split(",").map(lambda bs, b=band: b in bs)
    if "lock" in frame.columns:
        lock = _text(frame["lock"]).str.lower()
        bad = ~lock.isin(LOCKS)
        if bad.any():
            problems.append(f"{path}: column lock must be open, closed or blank; see school_id {id_list(labels[bad])}")
        out["lock"] = lock.where(~bad, "")
    else:
        out["lock"] = ""
    for column in ("teachers", "teachers_junior"):
        if column in frame.columns:
            out[column] = _teachers(frame, path, column, labels, problems)
    if "classrooms" in frame.columns:  # blank: derived from capacity (see classrooms())
        out["classrooms"] = _numbers(frame, path, "classrooms", labels, "school_id", np.nan, problems,
                                     maximum=too_big)
    return out


def _teachers(frame: pd.DataFrame, path: Path, column: str, labels: pd.Series, problems: list[str]) -> pd.Series:
    """A column of teachers per school: whole numbers, 0 or more; a blank ``teachers_junior`` is 0."""
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    blank = raw.isna() | (raw.astype(str).str.strip() == "")
    if column == "teachers_junior":
        values = values.where(~blank, 0.0)
    bad = values.isna() | (values < 0) | ~np.isfinite(values) | ((values - values.round()).abs() > 1e-9)
    if bad.any():
        problems.append(f"{path}: column {column} must be a whole number of teachers, 0 or more, but is not for "
                        f"school_id {id_list(labels[bad])}: write whole numbers such as 0, "
                        f"3 or 12{'' if column == 'teachers_junior' else ' (0 for a school without teachers)'}")
    return values


def _canonical_villages(frame, path: Path, rows: pd.Series, scenario: Scenario, problems: list[str]):
    if not _require(frame, path, ["village_id"], problems):
        return None
    _blank_ids(frame, path, "village_id", rows, "village", problems)
    labels = _labels(frame, "village_id", rows)
    out = pd.DataFrame(index=frame.index)
    out["origin_id"] = _text(frame["village_id"])
    out["kind"] = "village"
    out["name"] = _text(frame["name"]) if "name" in frame.columns else out["origin_id"]
    out["name"] = out["name"].where(out["name"] != "", out["origin_id"])
    for column in PUPIL_COLUMNS:
        out[column] = _pupils(frame, path, column, labels, "village_id", scenario, problems)
    limit = scenario.inputs.max_village_pupils
    total = out[PUPIL_COLUMNS].sum(axis=1)
    if (total > limit).any():
        problems.append(f"{path}: implausibly many pupils (above {limit:,.0f}, all bands) for village_id "
                        f"{id_list(labels[total > limit])}: check the numbers, or raise [inputs] max_village_pupils "
                        "for a village this large")
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


def _canonical_travel(frame: pd.DataFrame, path: Path, rows: pd.Series, problems: list[str]) -> pd.DataFrame | None:
    if not _require(frame, path, ["origin_id", "school_id", "minutes"], problems):
        return None
    out = pd.DataFrame({
        "origin_id": _text(frame["origin_id"]),
        "school_id": _text(frame["school_id"]),
    })
    for column in ("origin_id", "school_id"):
        _blank_ids(frame, path, column, rows, "pair", problems)
    pair = out["origin_id"] + "->" + out["school_id"]
    labels = pair.where((out["origin_id"] != "") & (out["school_id"] != ""), rows)
    out["minutes"] = _numbers(frame, path, "minutes", labels, "pair", None, problems)
    out["km"] = _numbers(frame, path, "km", labels, "pair", np.nan, problems)
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


def _located(role: str, path: Path, raw, rows: pd.Series, crs: str | None, problems: list[str]):
    """A table with point geometry when its file has coordinates (CSV columns or a spatial file)."""
    id_column = {"schools": "school_id", "villages": "village_id"}.get(role, "")
    labels = _labels(raw, id_column, rows) if id_column else rows
    if isinstance(raw, gpd.GeoDataFrame):
        return raw if _spatial_problems(raw, path, labels, problems) else None
    return _points_from_columns(raw, path, crs, labels, problems)


def read_inputs(scenario: Scenario) -> Inputs:
    """Read every file the scenario names into canonical :class:`Inputs`.

    Every path must name a regular file; it is checked before it is opened or hashed.

    Raises
    ------
    InputError
        Listing every reading problem at once.
    """
    spec = scenario.inputs
    problems: list[str] = []
    files: dict[str, tuple[str, str]] = {}
    details: dict[str, dict] = {}

    def read(role: str):
        path = getattr(spec, role)
        return None if path is None else _read_table(Path(path), role, scenario, files, details, problems)

    schools = origins = travel = boundary = None
    located: dict[str, bool] = {}
    read_schools = read("schools")
    if read_schools is not None:
        frame, rows = read_schools
        frame = _located("schools", Path(spec.schools), frame, rows, spec.crs, problems)
        if frame is not None:
            located["schools"] = isinstance(frame, gpd.GeoDataFrame)
            schools = _canonical_schools(frame, Path(spec.schools), rows, scenario, problems)

    if spec.villages is not None:
        read_villages = read("villages")
        if read_villages is not None:
            frame, rows = read_villages
            frame = _located("villages", Path(spec.villages), frame, rows, spec.crs, problems)
            if frame is not None:
                located["villages"] = isinstance(frame, gpd.GeoDataFrame)
                origins = _canonical_villages(frame, Path(spec.villages), rows, scenario, problems)
    elif schools is not None:
        origins = _origins_from_schools(schools)

    if spec.travel is not None:
        read_travel = read("travel")
        if read_travel is not None:
            frame, rows = read_travel
            travel = _canonical_travel(pd.DataFrame(frame), Path(spec.travel), rows, problems)
    elif spec.complete:
        problems.append("[inputs] complete = true needs a travel file: set [inputs] travel = \"travel.csv\"")

    if spec.boundary is not None:
        read_boundary = read("boundary")
        if read_boundary is not None:
            frame, rows = read_boundary
            if not isinstance(frame, gpd.GeoDataFrame):
                problems.append(f"{spec.boundary}: a boundary must be a polygon file (GeoJSON, GeoPackage, Shapefile)")
            elif _spatial_problems(frame, Path(spec.boundary), rows, problems):
                boundary = frame

    if not spec.complete and len(located) == 2 and located["schools"] != located["villages"]:
        have, lack = ("schools", "villages") if located["schools"] else ("villages", "schools")
        problems.append(f"{getattr(spec, lack)}: the {lack} file has no coordinates (columns lon/lat, or x/y with "
                        f"[inputs] crs, or a spatial file) but the {have} file has: give the {lack} coordinates "
                        "too, or a complete travel matrix with [inputs] complete = true")

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
    return Inputs(schools=schools, origins=origins, travel=travel, boundary=boundary, crs=crs, files=files,
                  details=details)


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
