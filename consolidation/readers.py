"""Read one data file's bytes into a raw table: the file checks, text encodings, separators and Shapefile names.

Before a file is opened it must be a regular file (a FIFO or a device would block or never end). CSV files
are decoded as UTF-8 (with or without a byte-order mark), UTF-16 (with a byte-order mark, or without one when
every other byte is NUL) or GB18030 (which includes GBK), tried in that order;
detectors that guess from the bytes take short GBK files for Big5, so no guessing. The separator is the one of
comma, semicolon and tab that the header line holds most often. Spatial files (GeoPackage, GeoJSON, Shapefile)
are read with geopandas; a Shapefile's GBK or UTF-8 text without a ``.cpg`` is recovered. Column names cut to
10 characters by the Shapefile format (``pupils_g1_``) are mapped back to the documented names, or refused when
that is ambiguous.

Excel workbooks (``.xlsx``, ``.xlsm``, or a workbook named ``.csv``) are read with openpyxl: the sheet
``[inputs] sheets.<role>`` names, else the first; a formula's saved value; the header is the first row with
anything in it. A title row above the header, merged cells, a formula with no saved value and a date in a
number column are refused naming the row or cell; an old ``.xls``, a password-protected or damaged file is
refused with what to save it as. ``[inputs] columns`` renames headers of every table (CSV, Excel, spatial) to
the planner's names before anything else looks at them.

The tables here are raw: cells as the file holds them (IDs as text). :mod:`consolidation.canonical` turns them
into canonical columns and :mod:`consolidation.io` assembles the :class:`~consolidation.io.Inputs`. Problems
are appended to a list, never raised one by one, so that every problem of every file is reported at once.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import logging
import re
import warnings
from io import BytesIO, StringIO
from pathlib import Path

import geopandas as gpd
import pandas as pd

from . import BANDS, pupils_column
from .errors import InputError, id_list
from .files import is_excel, not_a_regular_file

log = logging.getLogger(__name__)

PUPIL_COLUMNS = [pupils_column(b) for b in BANDS]
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
SHAPEFILE_NAME_LENGTH = 10

DOCUMENTED_COLUMNS: dict[str, tuple[str, ...]] = {
    "schools": ("school_id", "name", *PUPIL_COLUMNS, "capacity", "beds", "bands", "can_be_hub", "lock",
                "annual_cost", "max_capacity", "max_beds", "teachers", "teachers_junior", "quality",
                "classrooms", "county", "pupils_kg", "kg_places", "max_kg_places", "kg_teachers"),
    "villages": ("village_id", "name", *PUPIL_COLUMNS, "school_id", "school_id_g1_3", "school_id_g4_6",
                 "school_id_g7_9", "county", "pupils_kg", "school_id_kg"),
    "travel": ("origin_id", "school_id", "minutes", "km"),
    "enrolment": ("origin_id", "year", *PUPIL_COLUMNS),
    "boundary": (),
}
"""The columns README documents for each file, to recognise their Shapefile-truncated names."""

ID_COLUMNS: dict[str, list[str]] = {
    "schools": ["school_id"],
    "villages": ["village_id", "school_id", "school_id_g1_3", "school_id_g4_6", "school_id_g7_9", "school_id_kg"],
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
                        "its name says CSV: the province split reads CSV files only: in Excel, Save as \"CSV UTF-8 "
                        "(Comma delimited)\" and name that file")
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
                good = sum(1 for ch in mostly if 0xA0 <= ord(ch) < 0x180 or 0x800 <= ord(ch) != 0xFFFD)
                # UTF-8 text with a few broken bytes (GBK text has far more broken than whole UTF-8
                # characters): read as GB18030 it would come out as mojibake, so refuse it. Whole characters
                # count when Chinese (3 bytes in UTF-8) or Latin: a GBK pair such as 小 (D0 A1) is also a
                # valid 2-byte UTF-8 sequence, of a Cyrillic or Greek letter no Chinese CSV holds.
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
    """Return True (and say why) when ``path`` is not a regular file."""
    problem = not_a_regular_file(path)
    if problem is not None:
        problems.append(f"{role} file {path} {problem}: check [inputs] {role} in the scenario (relative paths are "
                        "relative to the scenario file that names them)" if problem.startswith("does not exist")
                        else f"[inputs] {role} = {path} {problem}: name the data file itself")
        return True
    return False


def _read_bytes(path: Path, role: str, data: bytes, sheet: str | None, info: dict,
                problems: list[str]) -> tuple[pd.DataFrame | None, dict[str, str]]:
    """Read a CSV or Excel file's bytes (by their content: a workbook named .csv is read as one)."""
    packed = data[:4] == ZIP_MAGIC or data[:8] == OLE_MAGIC
    if packed or is_excel(path):
        info["format"] = "xlsx"
        if path.suffix.lower() not in XLSX_SUFFIXES and packed and data[:8] != OLE_MAGIC:
            log.info("%s: read as an Excel workbook (its content is one, whatever its name says)", path)
            info["named"] = path.suffix.lower()
        read = _read_excel(data, path, role, sheet, info, problems)
        return (None, {}) if read is None else read
    if sheet is not None:
        log.info("%s: [inputs] sheets.%s ignored: the file is a CSV, not a workbook", path, role)
    info["format"] = "csv"
    return _read_csv(data, path, role, info, problems), {}


def read_table(path: Path, role: str, *, extra: tuple[str, ...] = (), files: dict, details: dict,
               problems: list[str], sheet: str | None = None,
               columns: dict[str, str] | None = None) -> tuple[pd.DataFrame, pd.Series] | None:
    """Read one input file into a raw table: check it is a regular file, hash it, read it, map its headers.

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
        Filled in: ``{role: {"format": ..., "encoding": ..., "separator": ..., "sheet": ...,
        "renamed_columns": ..., "mapped_columns": ...}}``.
    problems
        Each problem found is appended as one message naming the file and the fix.
    sheet
        ``[inputs] sheets.<role>``: the sheet of an Excel workbook to read (None: the first).
    columns
        ``[inputs] columns``: headers mapped to the planner's names (see :func:`mapped_columns`).

    Returns
    -------
    tuple of (pandas.DataFrame, pandas.Series) or None
        The table (a GeoDataFrame for spatial files; ID columns as text) and ``rows``, naming each row for
        messages ("row 3" of a CSV counting the header as row 1, or of an Excel sheet as Excel numbers it,
        "feature 2"); None when the file cannot
        be read (the problem said).
    """
    if _refused(path, role, problems):
        return None
    info: dict = {}
    details[role] = info
    as_bytes = path.suffix.lower() in CSV_SUFFIXES or is_excel(path)
    letters: dict[str, str] = {}
    try:
        if as_bytes:
            data = path.read_bytes()
            files[role] = (str(path), hashlib.sha256(data).hexdigest())
            frame, letters = _read_bytes(path, role, data, sheet, info, problems)
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
    frame, renames = mapped_columns(frame, path, role, columns or {}, extra, info, problems)
    if frame is None:
        return None
    letters = {renames.get(c, c): letter for c, letter in letters.items()}
    frame = _truncated_columns(frame, path, role, extra, info, problems)
    if info["format"] == "xlsx":
        _dates(frame, letters, path, extra, problems)
    if info["format"] != "csv":
        for column in ID_COLUMNS[role]:
            if column in frame.columns:
                frame[column] = text_cells(frame[column])
    # The index is the row's position in the file: a CSV's row 2 is the first below the header (an Excel
    # table's index is its row number less 2, whatever the rows above its header).
    word, first = ("row", 2) if as_bytes else ("feature", 1)
    rows = pd.Series([f"{word} {i + first}" for i in frame.index], index=frame.index)
    if role in ("schools", "villages") and len(frame) == 0:
        problems.append(f"[inputs] {role} = {path} has no rows{' (only a header)' if as_bytes else ''}: the "
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
        raise InputError([f"[inputs] {role} = {path} is an Excel workbook: the province split reads CSV files only: "
                          "in Excel, Save the sheet as \"CSV UTF-8 (Comma delimited)\" and name that file"])
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



# ------------------------------------------------------------------------------------------------ Excel

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
XLSX_SUFFIXES = (".xlsx", ".xlsm")
COORDINATE_COLUMNS = ("lon", "lat", "x", "y")
NUMBER_COLUMNS = frozenset({*PUPIL_COLUMNS, "capacity", "beds", "max_capacity", "max_beds", "annual_cost",
                            "teachers", "teachers_junior", "quality", "classrooms", "minutes", "km", "year",
                            *COORDINATE_COLUMNS})
"""Columns the planner reads as numbers: a date there is a mistake of the spreadsheet's number format."""
SAVE_AS = "in Excel, Save as \"Excel Workbook (.xlsx)\" or \"CSV UTF-8 (Comma delimited)\" and name that file"


def _packed_problem(data: bytes, path: Path, role: str) -> str | None:
    """Say why a file that is not a readable .xlsx cannot be read as one: old .xls, password, other format."""
    if data[:8] == OLE_MAGIC:
        if "EncryptedPackage".encode("utf-16-le") in data:
            return (f"[inputs] {role} = {path} is a password-protected (encrypted) Excel workbook, which the planner "
                    "cannot open: in Excel, File > Info > Protect Workbook > Encrypt with Password, clear the "
                    "password, and save again (or Save as \"CSV UTF-8 (Comma delimited)\")")
        return (f"[inputs] {role} = {path} is an Excel 97-2003 workbook (.xls), an old format the planner does not "
                f"read: {SAVE_AS}")
    if path.suffix.lower() in (".xlsb", ".ods"):
        return (f"[inputs] {role} = {path} is a {path.suffix.lower()} workbook, a format the planner does not read: "
                f"{SAVE_AS}")
    return None


def _open_workbook(data: bytes, path: Path, role: str, problems: list[str], *, formulas: bool = False):
    """Return the openpyxl workbook of an .xlsx file's bytes (cached values, or the formulas), or None (said)."""
    import openpyxl

    problem = _packed_problem(data, path, role)
    if problem is not None:
        problems.append(problem)
        return None
    try:
        with warnings.catch_warnings():  # openpyxl warns of styles and extensions it does not keep; none matter
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(BytesIO(data), data_only=not formulas, read_only=formulas)
    except Exception as exc:  # noqa: BLE001 - a damaged file of any kind becomes a plain message
        problems.append(f"[inputs] {role} = {path} cannot be opened as an Excel workbook: it is damaged or not "
                        f"really .xlsx ({type(exc).__name__}: {str(exc).strip()[:120]}): open it in Excel and "
                        f"{SAVE_AS.removeprefix('in Excel, ')}")
        return None


def _sheet(book, path: Path, role: str, sheet: str | None, details: dict, problems: list[str]):
    """Return the worksheet ``[inputs] sheets.<role>`` names (else the first), or None (said)."""
    if sheet is None:
        ws = book.worksheets[0]
    elif sheet in book.sheetnames:
        ws = book[sheet]
    else:
        problems.append(f"{path}: has no sheet {sheet!r} ([inputs] sheets.{role}); its sheets are "
                        f"{', '.join(repr(s) for s in book.sheetnames)}: name one of them")
        return None
    if not hasattr(ws, "iter_rows") or not hasattr(ws, "merged_cells"):
        problems.append(f"{path}: sheet {ws.title!r} is a chart, not a table: name a sheet with the table in "
                        f"[inputs] sheets.{role}")
        return None
    details["sheet"] = ws.title
    return ws


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_row(ws, path: Path, problems: list[str]) -> int | None:
    """Return the header's row number (the first row with anything in it), or None (a title or merged header)."""
    rows = [(r[0].row, sum(not _blank(c.value) for c in r)) for r in ws.iter_rows() if r]
    filled = [(row, n) for row, n in rows if n]
    if not filled:
        problems.append(f"{path}: sheet {ws.title!r} is empty: it holds no header and no rows")
        return None
    header, count = filled[0]
    merged = sorted(ws.merged_cells.ranges, key=lambda m: (m.min_row, m.min_col))
    if merged and merged[0].min_row <= header:
        problems.append(f"{path}: sheet {ws.title!r} has merged cells in or above its header (row {header}: "
                        f"{', '.join(str(m) for m in merged if m.min_row <= header)}): unmerge them and keep one row "
                        "of column names, one name a column, with the table's rows below it")
        return None
    if merged:
        problems.append(f"{path}: sheet {ws.title!r} has merged cells in its rows ({id_list([str(m) for m in merged])}"
                        "): a merged cell keeps its value in its first cell only: unmerge them and fill every cell")
        return None
    widest = max(n for _, n in filled)
    if widest > 1 and count * 2 <= widest:
        problems.append(f"{path}: sheet {ws.title!r}, row {header} holds {count} cell(s) only, like a title above "
                        "the table: delete the rows above the column names, so that the header is the first row")
        return None
    return header


def _cell_frame(ws, header: int) -> tuple[pd.DataFrame, dict[str, str]]:
    """Return the table below ``header`` (index: Excel row - 2) and each column's letter by its header text."""
    from openpyxl.utils import get_column_letter

    values = [list(r) for r in ws.iter_rows(min_row=header, values_only=True)]
    width = max((len(r) for r in values), default=0)
    values = [r + [None] * (width - len(r)) for r in values]
    names = [str(v).strip() if not _blank(v) else "" for v in values[0]] if values else []
    keep = [i for i in range(width) if names[i] or any(not _blank(r[i]) for r in values[1:])]
    letters = {}
    columns = []
    for i in keep:
        name = names[i] or f"column {get_column_letter(i + 1)}"
        columns.append(name)
        letters.setdefault(name, get_column_letter(i + 1))
    body = [[r[i] for i in keep] for r in values[1:]]
    frame = pd.DataFrame(body, columns=columns, index=range(header - 1, header - 1 + len(body)), dtype=object)
    empty = frame.map(_blank).all(axis=1) if len(frame) else pd.Series(dtype=bool)
    return frame[~empty] if len(frame) else frame, letters


def _missing_values(frame: pd.DataFrame, letters: dict[str, str], data: bytes, path: Path, role: str,
                    sheet: str, problems: list[str]) -> None:
    """Say which formula cells of the table have no saved value (a file written by a program, never by Excel)."""
    if not frame.isna().to_numpy().any():
        return
    book = _open_workbook(data, path, role, problems, formulas=True)
    if book is None:
        return
    ws = book[sheet]
    wanted = {letters[c] for c in frame.columns if c in letters}
    rows = {i + 2 for i in frame.index}
    unsaved = []
    for row in ws.iter_rows():
        for cell in row:
            if getattr(cell, "data_type", None) == "f" and cell.row in rows and cell.column_letter in wanted:
                unsaved.append(f"{cell.coordinate} ({str(cell.value)[:40]})")
    book.close()
    if unsaved:
        more = " ..." if len(unsaved) > 5 else ""
        problems.append(f"{path}: sheet {sheet!r}: cell(s) {', '.join(unsaved[:5])}{more} "
                        "hold a formula with no saved value (the file was not saved by Excel): open the file in "
                        "Excel and save it again, or copy the column and paste it as values")


def _read_excel(data: bytes, path: Path, role: str, sheet: str | None, details: dict,
                problems: list[str]) -> tuple[pd.DataFrame, dict[str, str]] | None:
    """Read an .xlsx file's sheet as a raw table and each column's letter, or return None (a problem said).

    Cells as Excel holds them (a formula's cached value); the index is the Excel row number less 2, so row
    labels count as Excel does. Records ``sheet`` in ``details``.
    """
    book = _open_workbook(data, path, role, problems)
    if book is None:
        return None
    ws = _sheet(book, path, role, sheet, details, problems)
    header = None if ws is None else _header_row(ws, path, problems)
    if header is None:
        return None
    frame, letters = _cell_frame(ws, header)
    book.close()
    seen = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
    if seen:
        problems.append(f"{path}: sheet {ws.title!r}: column(s) {', '.join(seen)} appear more than once in the header: "
                        "keep one of each")
        return None
    _missing_values(frame, letters, data, path, role, ws.title, problems)
    return frame, letters


def _dates(frame: pd.DataFrame, letters: dict[str, str], path: Path, extra: tuple[str, ...],
           problems: list[str]) -> None:
    """Say which cells of number columns hold a date (a cell formatted as a date in Excel)."""
    for column in frame.columns:
        if column not in NUMBER_COLUMNS and column not in extra:
            continue
        dated = frame[column].map(lambda v: isinstance(v, (datetime.date, datetime.time, datetime.timedelta)))
        if dated.any():
            cells = [f"{letters.get(column, '?')}{i + 2}" for i in frame.index[dated]]
            problems.append(f"{path}: column {column} holds a date where a number belongs, in cell(s) "
                            f"{id_list(cells)}: format the column as Number in Excel (Home > Number Format) and "
                            "type the numbers again")


# ------------------------------------------------------------------------------------------------ header map

MAPPABLE: dict[str, tuple[str, ...]] = {role: (*cols, *COORDINATE_COLUMNS, *(("mode",) if role == "travel" else ()))
                                        for role, cols in DOCUMENTED_COLUMNS.items()}
"""The columns ``[inputs] columns`` may map a header to, by table: the documented ones and coordinates."""


def mapped_columns(frame: pd.DataFrame, path: Path, role: str, columns: dict[str, str], extra: tuple[str, ...],
                   details: dict, problems: list[str]) -> tuple[pd.DataFrame | None, dict[str, str]]:
    """Rename the headers ``[inputs] columns`` maps to a column of this table; return the table and the renames.

    A target that is not a column of this table is ignored here (the map serves every table). Two headers
    that would end up with the same name are a problem naming both.

    Parameters
    ----------
    frame
        A raw table.
    path, role
        The file and its role, for messages and for which columns it has.
    columns
        ``[inputs] columns``: header in the file -> the planner's name.
    extra
        Further names this table may have (the scenario's quality and intake rate columns).
    details
        ``mapped_columns`` (header -> name) is recorded here when anything was renamed.
    problems
        A map that would make two columns of one name is appended here.

    Returns
    -------
    tuple of (pandas.DataFrame or None, dict)
        The renamed table and the renames applied; None when two columns would share a name (said).
    """
    known = {*MAPPABLE[role], *extra}
    renames = {str(c): columns[str(c)] for c in frame.columns
               if str(c) in columns and columns[str(c)] in known and columns[str(c)] != str(c)}
    if not renames:
        return frame, {}
    after = [renames.get(str(c), str(c)) for c in frame.columns]
    twice = sorted({n for n in after if after.count(n) > 1})
    for name in twice:
        both = [str(c) for c, n in zip(frame.columns, after) if n == name]
        problems.append(f"{path}: [inputs] columns would give two columns the name {name}: headers "
                        f"{' and '.join(repr(b) for b in both)}: map only one of them to {name}, or rename or delete "
                        "the other in the file")
    if twice:
        return None, {}
    details["mapped_columns"] = renames
    return frame.rename(columns=renames), renames
