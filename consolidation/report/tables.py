"""CSV tables the planner writes, safe to open in a spreadsheet.

Every output CSV (``schools.csv``, ``assignments.csv``, ``teachers.csv``, ``groups.csv``, ``sweep.csv``,
``province.csv``) goes through :func:`write_csv`. Input columns are copied into these tables as they are,
so a school named ``=HYPERLINK("http://x")`` would otherwise become a live formula when an official opens
the table in Excel or LibreOffice (CSV formula injection).

The rule (OWASP): a **text** cell, or a column name, that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a single quote in front, so spreadsheets show it as text. Numbers stay numbers: only
cells that are Python strings (in object, string or category columns) are touched, and a string that is a
plain decimal number (``-5``, ``+1.5``, ``-2e3``) stays as it is, since a spreadsheet reads it as that number
and nothing else. A text cell that already begins with a quote followed by one of those characters or by
another quote gets one more quote, so that :func:`unquote` gives back exactly the original text.

A text cell may hold a carriage return (a name pasted from a spreadsheet). Python's CSV writer quotes a
cell only for the characters of its line ending, so such a table is written with CRLF line ends (RFC 4180),
which quotes the cell and keeps it one cell; every other table ends its lines with LF.

Every output CSV is UTF-8 with a byte-order mark (``utf-8-sig``), so that Excel, which reads a CSV without
one in the computer's legacy code page, shows Chinese names as they are; pandas and the planner's own readers
(:func:`read_csv`) skip the mark. Coordinate columns (``lon``, ``lat``, ``x``, ``y``) are written at full
precision whatever ``float_format`` the caller gives for the other numbers.

:func:`write_xlsx` writes the same tables as sheets of one workbook (``plan.xlsx``). There every text cell is
stored as a text cell, never a formula: openpyxl takes a string beginning with ``=`` for a formula unless told
otherwise, so each one is marked as text, and keeps its exact characters (no quote in front).

Files the planner writes only to read them again itself (the per-county inputs a province run splits off)
are not outputs for people and are written without this rule.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)."""

COORDINATE_COLUMNS = ("lon", "lat", "x", "y")
"""Columns written at full precision (a ``float_format`` such as ``%.6g`` would move a point by kilometres)."""
CSV_ENCODING = "utf-8-sig"
"""UTF-8 with a byte-order mark: Excel then reads the CSV as UTF-8."""

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _needs_quote(text: str) -> bool:
    if not text:
        return False
    if text[0] in TRIGGERS:
        return not _NUMBER.fullmatch(text)
    return text[0] == "'" and len(text) > 1 and (text[1] in TRIGGERS or text[1] == "'")


def neutralise(value: Any) -> Any:
    """Return ``value`` with a quote in front when it is text a spreadsheet would read as a formula.

    Anything else (numbers, None, plain text) is returned unchanged.
    """
    if isinstance(value, str) and _needs_quote(value):
        return "'" + value
    return value


def unquote(value: Any) -> Any:
    """Undo :func:`neutralise`, for reading a table the planner wrote."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and (value[1] in TRIGGERS or value[1] == "'"):
        return value[1:]
    return value


def _text_columns(frame: pd.DataFrame) -> list:
    return [c for c in frame.columns
            if pd.api.types.is_object_dtype(frame[c]) or pd.api.types.is_string_dtype(frame[c])
            or isinstance(frame[c].dtype, pd.CategoricalDtype)]


def safe_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` with every text cell and column name neutralised (see the module's rule)."""
    out = frame.copy()
    for column in _text_columns(out):
        values = out[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        out[column] = values.map(neutralise, na_action="ignore")
    out.columns = [neutralise(c) for c in out.columns]
    return out


def _full_precision(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with its float coordinate columns as the shortest text that reads back exactly."""
    columns = [c for c in frame.columns if str(c).lower() in COORDINATE_COLUMNS
               and pd.api.types.is_float_dtype(frame[c])]
    if not columns:
        return frame
    out = frame.copy()
    for column in columns:
        out[column] = out[column].map(lambda v: "" if v != v else repr(float(v))).astype(object)
    return out


def write_csv(frame: pd.DataFrame, path: Path, **options: Any) -> None:
    """Write ``frame`` to ``path`` as an output CSV (UTF-8 with BOM, no index), text cells neutralised.

    ``options`` go to :meth:`pandas.DataFrame.to_csv` (e.g. ``float_format="%.6g"``, which coordinate columns
    ignore: they keep full precision).
    """
    safe = safe_table(frame)
    carriage = any("\r" in str(c) for c in safe.columns) or any(
        safe[c].map(lambda v: isinstance(v, str) and "\r" in v).any() for c in _text_columns(safe))
    options.setdefault("lineterminator", "\r\n" if carriage else "\n")
    options.setdefault("encoding", CSV_ENCODING)
    _full_precision(safe).to_csv(path, index=False, **options)


def read_csv(path: Path, **options: Any) -> pd.DataFrame:
    """Read a CSV the planner wrote with :func:`write_csv`, undoing the quotes it added (a BOM or none)."""
    options.setdefault("encoding", CSV_ENCODING)
    frame = pd.read_csv(path, **options)
    frame.columns = [unquote(c) for c in frame.columns]
    for column in _text_columns(frame):
        frame[column] = frame[column].map(unquote, na_action="ignore")
    return frame


def _cell_value(value: Any) -> Any:
    """Return what an Excel cell can hold: plain Python numbers, text, booleans, or None for blanks."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _sheet_rows(sheet, frame: pd.DataFrame) -> None:
    """Append ``frame`` to ``sheet``: the header, then one row a record, text cells as text."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def cell(value: Any):
        value = _cell_value(value)
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        out = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            out.data_type = "s"  # never a formula, whatever the text begins with
        return out

    sheet.append([cell(str(c)) for c in frame.columns])
    for record in frame.itertuples(index=False, name=None):
        sheet.append([cell(v) for v in record])


def write_xlsx(sheets: dict[str, pd.DataFrame], path: Path) -> None:
    """Write each table as a sheet of one Excel workbook at ``path``, in the order given.

    Text cells (and headers) are text cells, never formulas (a school named ``=HYPERLINK("x")`` stays that
    text); numbers keep full precision; NaN is a blank cell; a geometry column is left out.

    Parameters
    ----------
    sheets
        Sheet name (at most 31 characters) -> table.
    path
        The ``.xlsx`` file to write.
    """
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, frame in sheets.items():
        _sheet_rows(book.create_sheet(title=name[:31]), frame.drop(columns="geometry", errors="ignore"))
    book.save(path)
