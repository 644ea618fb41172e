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

Files the planner writes only to read them again itself (the per-county inputs a province run splits off)
are not outputs for people and are written without this rule.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)."""

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


def write_csv(frame: pd.DataFrame, path: Path, **options: Any) -> None:
    """Write ``frame`` to ``path`` as an output CSV (UTF-8, no index), text cells neutralised.

    ``options`` go to :meth:`pandas.DataFrame.to_csv` (e.g. ``float_format="%.6g"``).
    """
    safe = safe_table(frame)
    carriage = any("\r" in str(c) for c in safe.columns) or any(
        safe[c].map(lambda v: isinstance(v, str) and "\r" in v).any() for c in _text_columns(safe))
    options.setdefault("lineterminator", "\r\n" if carriage else "\n")
    safe.to_csv(path, index=False, **options)


def read_csv(path: Path, **options: Any) -> pd.DataFrame:
    """Read a CSV the planner wrote with :func:`write_csv`, undoing the quotes it added."""
    frame = pd.read_csv(path, **options)
    frame.columns = [unquote(c) for c in frame.columns]
    for column in _text_columns(frame):
        frame[column] = frame[column].map(unquote, na_action="ignore")
    return frame
