"""The shape of a run's ``summary.json`` and ``run.json``: every key compare reads, checked before use.

Each problem names the file and the key and says how to fix it (run the scenario again), so a broken or
hand-edited run folder is refused with a message, never a traceback further on.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

HAS_PLAN = ("optimal", "feasible")
FIX = "run its scenario again to rewrite it"
STATUSES = ("optimal", "feasible", "infeasible", "no_solution")
SUMMARY_NUMBERS = ("objective", "gap", "seconds", "schools_open", "schools_closed", "hubs", "teaching_points",
                   "groups", "pupils_total", "pupils_moved", "boarders", "boarders_g1_3", "places_added",
                   "beds_added", "teachers_needed", "teachers_available", "teachers_redeployed", "life_teachers",
                   "posts_to_recruit", "buses", "bus_riders", "teachers_recruited", "life_teachers_recruited",
                   "teachers_to_life", "teachers_surplus")
PLAN_KEYS = ("objective", "schools_open", "schools_closed")
"""What every summary.json of a plan holds, whatever the planner's version."""


def _is_number(value: Any) -> bool:
    """Tell whether ``value`` is a finite int or float (not a bool)."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def _numbers_in(file: Path, where: str, table: dict) -> list[str]:
    """List the entries of ``table`` (``where``, e.g. ``cost``) that are neither missing nor numbers."""
    return [f"{file}: {where}.{k} is {v!r}, not a number; {FIX}"
            for k, v in table.items() if v is not None and not _is_number(v)]


def _status_shape(file: Path, summary: dict) -> list[str] | None:
    """Return why the status is unusable (checking nothing else then), or None when it is usable."""
    status = summary.get("status")
    if status is None:
        return [f"{file} has no status: is it a summary.json written by `consolidation run`? {FIX}"]
    if not isinstance(status, str) or status not in STATUSES:
        return [f"{file}: status {status!r} is not one of {', '.join(STATUSES)}; {FIX}"]
    return None


def _numbers_shape(file: Path, summary: dict) -> list[str]:
    """Check the plan's keys, its single numbers and its ``cost`` and ``capital`` tables."""
    bad: list[str] = []
    if summary["status"] in HAS_PLAN:
        missing = [k for k in PLAN_KEYS if k not in summary]
        if missing:
            bad.append(f"{file} says the run has a plan but lacks {', '.join(missing)}; {FIX}")
    for key in SUMMARY_NUMBERS:
        value = summary.get(key)
        if value is not None and not _is_number(value):
            bad.append(f"{file}: {key} is {value!r}, not a number; {FIX}")
    for key in ("cost", "capital", "cost_public", "cost_families"):
        table = summary.get(key)
        if table is None:
            continue
        if not isinstance(table, dict):
            bad.append(f"{file}: {key} is {type(table).__name__}, not a table of yuan; {FIX}")
            continue
        bad += _numbers_in(file, key, table)
    return bad


def _travel_shape(file: Path, travel: Any) -> list[str]:
    """Check ``travel_minutes``: a table by band of tables of minutes."""
    if travel is None:
        return []
    if not isinstance(travel, dict):
        return [f"{file}: travel_minutes is {type(travel).__name__}, not a table by band; {FIX}"]
    bad: list[str] = []
    for band, minutes in travel.items():
        if minutes is None:
            continue
        if not isinstance(minutes, dict):
            bad.append(f"{file}: travel_minutes.{band} is {minutes!r}, not a table of minutes; {FIX}")
            continue
        bad += _numbers_in(file, f"travel_minutes.{band}", minutes)
    return bad


PROGRAMME_NUMBERS = ("objective", "gap", "seconds", "discount_rate", "lead_years", "cost_public_discounted",
                     "capital_total", "schools_open_first", "schools_open_last", "pupils_first", "pupils_last")


def _is_year(value: Any) -> bool:
    """Tell whether ``value`` is a whole number (a year)."""
    return _is_number(value) and float(value).is_integer()


def _closures_shape(file: Path, closures: Any) -> list[str]:
    """Check ``programme.closures``: school ids by year."""
    if closures is None:
        return []
    if not isinstance(closures, dict):
        return [f"{file}: programme.closures is {type(closures).__name__}, not a table of schools by year; {FIX}"]
    return [f"{file}: programme.closures.{year} is {ids!r}, not a list of school ids; {FIX}"
            for year, ids in closures.items() if not isinstance(ids, list)]


def programme_shape(file: Path, programme: Any) -> list[str]:
    """List what is wrong with ``programme`` of a summary.json (absent: nothing; a plan of one year).

    Parameters
    ----------
    file : pathlib.Path
        The file, named in each problem.
    programme : object
        Its ``programme`` entry.

    Returns
    -------
    list of str
        One problem per key (``programme``, ``programme.years`` ...); empty when the shape is right.
    """
    if programme is None:
        return []
    if not isinstance(programme, dict):
        return [f"{file}: programme is {type(programme).__name__}, not a table of the programme's figures; {FIX}"]
    years = programme.get("years")
    if years is None:
        return [f"{file}: programme has no years (the planned years, e.g. [2026, 2027]); {FIX}"]
    if not isinstance(years, list) or not years or not all(_is_year(y) for y in years):
        return [f"{file}: programme.years is {years!r}, not a list of years; {FIX}"]
    bad = [f"{file}: programme.{k} is {programme[k]!r}, not a number; {FIX}"
           for k in PROGRAMME_NUMBERS if programme.get(k) is not None and not _is_number(programme[k])]
    return bad + _closures_shape(file, programme.get("closures"))


def summary_shape(file: Path, summary: dict) -> list[str]:
    """List what is wrong with the shape of a run's summary.json.

    Parameters
    ----------
    file : pathlib.Path
        The file, named in each problem.
    summary : dict
        Its content.

    Returns
    -------
    list of str
        One problem per key, naming the file and the key; empty when the shape is right.
    """
    status = _status_shape(file, summary)
    if status is not None:
        return status
    bad = (_numbers_shape(file, summary) + _travel_shape(file, summary.get("travel_minutes"))
           + programme_shape(file, summary.get("programme")))
    reasons = summary.get("reasons")
    if reasons is not None and not isinstance(reasons, list):
        bad.append(f"{file}: reasons is {type(reasons).__name__}, not a list; {FIX}")
    for key in ("scenario", "description"):
        if summary.get(key) is not None and not isinstance(summary[key], str):
            bad.append(f"{file}: {key} is {summary[key]!r}, not text; {FIX}")
    return bad


def record_shape(file: Path, record: dict) -> list[str]:
    """List what is wrong with the shape of a run's run.json (the part compare reads: scenario and inputs).

    Parameters
    ----------
    file : pathlib.Path
        The file, named in each problem.
    record : dict
        Its content.

    Returns
    -------
    list of str
        One problem per key, naming the file and the key; empty when the shape is right.
    """
    bad: list[str] = []
    if record.get("scenario") is not None and not isinstance(record["scenario"], str):
        bad.append(f"{file}: scenario is {record['scenario']!r}, not text; {FIX}")
    inputs = record.get("inputs")
    if inputs is None:
        return bad
    if not isinstance(inputs, dict):
        return [*bad, f"{file}: inputs is {type(inputs).__name__}, not a table of input files; {FIX}"]
    for role, entry in inputs.items():
        if not isinstance(entry, dict):
            bad.append(f"{file}: inputs.{role} is {entry!r}, not a table with path and sha256; {FIX}")
            continue
        for key in ("path", "sha256"):
            if entry.get(key) is not None and not isinstance(entry[key], str):
                bad.append(f"{file}: inputs.{role}.{key} is {entry[key]!r}, not text; {FIX}")
    return bad
