"""Read one data file's bytes into a raw table: the file checks, text encodings, separators and Shapefile names.

Before a file is opened it must be a regular file (a FIFO or a device would block or never end), and not an
Excel workbook. CSV files are decoded as UTF-8 (with or without a byte-order mark), UTF-16 (with a byte-order
mark, or without one when every other byte is NUL) or GB18030 (which includes GBK), tried in that order;
detectors that guess from the bytes take short GBK files for Big5, so no guessing. The separator is the one of
comma, semicolon and tab that the header line holds most often. Spatial files (GeoPackage, GeoJSON, Shapefile)
are read with geopandas; a Shapefile's GBK or UTF-8 text without a ``.cpg`` is recovered. Column names cut to
10 characters by the Shapefile format (``pupils_g1_``) are mapped back to the documented names, or refused when
that is ambiguous.

The tables here are raw: cells as the file holds them (IDs as text). :mod:`consolidation.canonical` turns them
into canonical columns and :mod:`consolidation.io` assembles the :class:`~consolidation.io.Inputs`. Problems
are appended to a list, never raised one by one, so that every problem of every file is reported at once.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import logging
import re
from io import StringIO
from pathlib import Path

import geopandas as gpd
import pandas as pd

from . import BANDS, pupils_column
from .errors import InputError
from .files import is_excel, not_a_regular_file

log = logging.getLogger(__name__)

PUPIL_COLUMNS = [pupils_column(b) for b in BANDS]
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
    "enrolment": ("origin_id", "year", *PUPIL_COLUMNS),
    "boundary": (),
}
"""The columns README documents for each file, to recognise their Shapefile-truncated names."""

ID_COLUMNS: dict[str, list[str]] = {
    "schools": ["school_id"],
    "villages": ["village_id", "school_id", "school_id_g1_3", "school_id_g4_6", "school_id_g7_9"],
    "travel": ["origin_id", "school_id"],
    "enrolment": ["origin_id"],
    "boundary": [],
}
"""Columns read as text, never as numbers (an ID "007" stays "007")."""


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read 1 MiB at a time.

    Parameters
    ----------
    path
        A regular file.

    Returns
    -------
    str
        64 hexadecimal digits.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def text_cells(series: pd.Series) -> pd.Series:
    """Return a column as stripped strings, blanks as ``""`` (never ``"nan"``).

    Parameters
    ----------
    series
        Any column; whole floats (an ID column with a gap read as numbers) lose their ``.0``.

    Returns
    -------
    pandas.Series
        Strings, same index.
    """
    def one(value) -> str:
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    values = series.astype(object)
    return values.where(values.notna(), "").map(one).astype(str).str.strip()


def _decode(data: bytes, path: Path, role: str, problems: list[str]) -> tuple[str, str] | None:
    """Return the text of a CSV file and the encoding it was decoded with, or None (a problem said)."""
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
    """Return the separator the header line holds most often: comma, semicolon or tab (comma when none)."""
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    return max(counts, key=lambda sep: (counts[sep], sep == ","))


def _read_csv(data: bytes, path: Path, role: str, details: dict, problems: list[str]) -> pd.DataFrame | None:
    """Read a CSV file's bytes as a table, or return None (a problem said).

    IDs stay text, empty rows are dropped, the index is the position below the header. Records ``encoding``
    and ``separator`` in ``details``.
    """
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
    header = [c.strip() for c in next(csv.reader(StringIO(text.split("\n", 1)[0]), delimiter=sep))]
    seen = {c for c in header if c and header.count(c) > 1}
    if seen:
        problems.append(f"{path}: column(s) {', '.join(sorted(seen))} appear more than once in the header: keep "
                        "one of each")
    ids = {c: str for c in ID_COLUMNS[role]}
    try:
        frame = pd.read_csv(StringIO(text), sep=sep, dtype=ids, skipinitialspace=True, index_col=False,
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
    """Read a GeoPackage, GeoJSON or Shapefile as a GeoDataFrame, or return None (a problem said).

    Records the text ``encoding`` in ``details`` when known.
    """
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
    """Return the Shapefile's table, re-read as UTF-8 or GB18030 when it has no .cpg and its text is mojibake.

    A Shapefile without a .cpg is read by GDAL as ISO-8859-1: Chinese text written in GBK or UTF-8 then
    comes out as mojibake. When every text value re-encodes to UTF-8 or GB18030 text, read it again so.
    """
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
    """Map names cut to 10 characters by the Shapefile format back to the documented names.

    The ambiguous ones are refused (``school_id_`` could be any of ``school_id_g1_3``, ``_g4_6``, ``_g7_9``).
    """
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


def _refused(path: Path, role: str, problems: list[str]) -> bool:
    """Return True (and say why) when ``path`` is not a regular file, or is an Excel workbook."""
    problem = not_a_regular_file(path)
    if problem is not None:
        problems.append(f"{role} file {path} {problem}: check [inputs] {role} in the scenario (relative paths are "
                        "relative to the scenario file that names them)" if problem.startswith("does not exist")
                        else f"[inputs] {role} = {path} {problem}: name the data file itself")
        return True
    if is_excel(path):
        problems.append(f"[inputs] {role} = {path} is an Excel workbook: Excel is not supported yet: in Excel, Save "
                        "as \"CSV UTF-8 (Comma delimited)\" and name the .csv file in the scenario")
        return True
    return False


def read_table(path: Path, role: str, *, extra: tuple[str, ...] = (), files: dict, details: dict,
               problems: list[str]) -> tuple[pd.DataFrame, pd.Series] | None:
    """Read one input file into a raw table: check it is a regular file, hash it, read it.

    Parameters
    ----------
    path
        The file, as the scenario names it.
    role
        ``schools``, ``villages``, ``travel``, ``enrolment`` or ``boundary``: which columns are IDs and
        documented.
    extra
        Column names beyond the documented ones to recognise when a Shapefile cut them (e.g. the
        scenario's quality column).
    files
        Filled in: ``{role: (path, sha256)}`` once the file has been read.
    details
        Filled in: ``{role: {"format": ..., "encoding": ..., "separator": ..., "renamed_columns": ...}}``.
    problems
        Each problem found is appended as one message naming the file and the fix.

    Returns
    -------
    tuple of (pandas.DataFrame, pandas.Series) or None
        The table (a GeoDataFrame for spatial files; ID columns as text) and ``rows``, naming each row for
        messages ("row 3" of a CSV counting the header as row 1, "feature 2"); None when the file cannot
        be read (the problem said).
    """
    if _refused(path, role, problems):
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
    frame = _truncated_columns(frame, path, role, extra, info, problems)
    if not is_csv:
        for column in ID_COLUMNS[role]:
            if column in frame.columns:
                frame[column] = text_cells(frame[column])
    # The index is the row's position in the file: a CSV's row 2 is the first below the header.
    word, first = ("row", 2) if is_csv else ("feature", 1)
    rows = pd.Series([f"{word} {i + first}" for i in frame.index], index=frame.index)
    if role in ("schools", "villages") and len(frame) == 0:
        problems.append(f"[inputs] {role} = {path} has no rows{' (only a header)' if is_csv else ''}: the "
                        f"{role} file must list at least one {role[:-1]}")
        return None
    return frame, rows


def read_csv_text(path: str | Path, role: str) -> pd.DataFrame:
    """Read a CSV input as text cells (blanks ``""``), for tools that only split or copy rows.

    The checks are those of :func:`consolidation.io.read_inputs` (a regular file, its encoding and
    separator). The province split uses it.

    Parameters
    ----------
    path
        The CSV file.
    role
        Its role in ``[inputs]`` (``schools``, ``villages``, ``travel``), for messages.

    Returns
    -------
    pandas.DataFrame
        Every cell a string, header names stripped.

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
        frame = pd.read_csv(StringIO(text), sep=_separator(text), dtype=str, keep_default_na=False,
                            skipinitialspace=True, index_col=False)
    except Exception as exc:  # noqa: BLE001
        raise InputError([f"{path}: cannot be read as a table: {str(exc).strip()}"]) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def row_labels(frame: pd.DataFrame, id_column: str, rows: pd.Series) -> pd.Series:
    """How messages name each row: its ID, or its row number where the ID is blank.

    Parameters
    ----------
    frame
        A raw table.
    id_column
        Its ID column (``school_id``, ``village_id``); when absent, every row is named by ``rows``.
    rows
        Row names from :func:`read_table` ("row 3", "feature 2").

    Returns
    -------
    pandas.Series
        One label a row, same index.
    """
    if id_column not in frame.columns:
        return rows
    ids = text_cells(frame[id_column])
    return ids.where(ids != "", rows)

