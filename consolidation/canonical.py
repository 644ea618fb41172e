"""Canonical tables from raw ones: schools, villages (as origins) and travel pairs with documented columns.

Each cell is checked as it is parsed: a missing column (with a hint when it is spelt differently), a word where
a number belongs, a blank where a value is needed, a negative or implausibly large count, fractional pupils,
an unknown band, a lock other than open/closed, a blank ID. Every problem is appended to one list and reported
together by :func:`consolidation.io.read_inputs`; blanks take the documented defaults (no beds, the
scenario's yearly cost, may be a hub, every band).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from . import ALL_BANDS, BANDS, KG, bands_of, pupils_column
from .errors import id_list
from .readers import PUPIL_COLUMNS, row_labels, text_cells
from .scenario import YUAN_MAX, Scenario

TRUE_WORDS = {"true", "1", "yes", "y", "t"}
FALSE_WORDS = {"false", "0", "no", "n", "f", ""}
LOCKS = {"open", "closed", ""}


def _require(frame: pd.DataFrame, path: Path, columns: list[str], problems: list[str]) -> bool:
    """Return True when ``frame`` has every one of ``columns``; else add one problem naming the missing ones."""
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
    """Return a numeric column; blanks take ``default`` (None: blanks are an error).

    ``labels`` name the rows (the ID, or the row number where it is blank); ``maximum`` is (limit, the fix
    when exceeded).
    """
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
    """Return a pupils column; an absent column means 0 pupils of the band.

    A present column must be filled in every row (a blank is an error, not 0: a blank cell is as likely
    missing data as none), with numbers 0 or more, whole unless ``[inputs] fractional_pupils`` says the
    counts are projections.
    """
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
    """Return a true/false column (true, yes, 1, ...; blank or absent: ``default``)."""
    if column not in frame.columns:
        return pd.Series(default, index=frame.index, dtype=bool)
    text = text_cells(frame[column]).str.lower()
    bad = ~text.isin(TRUE_WORDS | FALSE_WORDS)
    if bad.any():
        problems.append(f"{path}: column {column} must be true or false; see {id_column} {id_list(labels[bad])}")
    return text.map(lambda t: default if t == "" else t in TRUE_WORDS).astype(bool)


def _bands(frame: pd.DataFrame, path: Path, labels: pd.Series, problems: list[str]) -> pd.Series:
    """Return the ``bands`` column canonical (``"G1_3,G4_6"``, in band order); blank or absent: every band."""
    if "bands" not in frame.columns:
        return pd.Series(",".join(BANDS), index=frame.index)

    def parse(value) -> str | None:
        if value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == "":
            return ",".join(BANDS)
        words = [w.strip().upper().replace("-", "_") for w in str(value).replace(";", ",").replace(" ", ",").split(",")]
        words = [w for w in words if w]
        if not all(w in ALL_BANDS for w in words):
            return None
        return ",".join(b for b in ALL_BANDS if b in words)

    parsed = frame["bands"].astype(object).map(parse)
    bad = parsed.isna()
    if bad.any():
        problems.append(f"{path}: column bands has unknown bands for school_id {id_list(labels[bad])}: "
                        f"use a comma-separated list of {', '.join(BANDS)} (and {KG} for a kindergarten class)")
    return parsed.fillna(",".join(BANDS))


def _blank_ids(frame: pd.DataFrame, path: Path, column: str, rows: pd.Series, what: str,
               problems: list[str]) -> None:
    """Say which rows have a blank ID in ``column``."""
    blank = text_cells(frame[column]) == ""
    if blank.any():
        problems.append(f"{path}: {column} is blank in {id_list(rows[blank])}"
                        f"{' (counting the header as row 1)' if rows.iloc[0].startswith('row') else ''}: "
                        f"give every {what} an ID, or delete the row")


def _places(frame: pd.DataFrame, path: Path, labels: pd.Series, too_big: tuple[float, str],
            problems: list[str]) -> dict[str, pd.Series]:
    """Return ``capacity``, ``beds``, ``max_capacity`` and ``max_beds`` (places and beds), each at most ``too_big[0]``.

    ``capacity`` is required; a blank ``beds`` is 0; a blank ``max_capacity`` or ``max_beds`` is today's.
    """
    capacity = _numbers(frame, path, "capacity", labels, "school_id", None, problems, maximum=too_big)
    beds = _numbers(frame, path, "beds", labels, "school_id", 0.0, problems, maximum=too_big)
    max_capacity = _numbers(frame, path, "max_capacity", labels, "school_id", np.nan, problems, maximum=too_big)
    max_capacity = max_capacity.fillna(capacity)
    max_beds = _numbers(frame, path, "max_beds", labels, "school_id", np.nan, problems, maximum=too_big)
    return {"capacity": capacity, "beds": beds, "max_capacity": max_capacity, "max_beds": max_beds.fillna(beds)}


def _locks(frame: pd.DataFrame, path: Path, labels: pd.Series, problems: list[str]) -> pd.Series:
    """Return the ``lock`` column: ``open``, ``closed`` or ``""`` (blank, absent, or not understood: said)."""
    if "lock" not in frame.columns:
        return pd.Series("", index=frame.index)
    lock = text_cells(frame["lock"]).str.lower()
    bad = ~lock.isin(LOCKS)
    if bad.any():
        problems.append(f"{path}: column lock must be open, closed or blank; see school_id {id_list(labels[bad])}")
    return lock.where(~bad, "")


def canonical_schools(frame: pd.DataFrame, path: Path, rows: pd.Series, scenario: Scenario,
                      problems: list[str]) -> pd.DataFrame | None:
    """Return the schools table in canonical columns (see :class:`consolidation.io.Inputs`).

    Parameters
    ----------
    frame
        The raw table, with point geometry when the file has coordinates (see
        :func:`consolidation.coordinates.located`).
    path
        The file, for messages.
    rows
        Row names ("row 3", "feature 2") for rows whose ID is blank.
    scenario
        For the defaults and limits: ``[costs] school_annual``, ``[inputs] max_school_pupils`` and
        ``fractional_pupils``.
    problems
        Every problem found is appended here.

    Returns
    -------
    pandas.DataFrame or None
        The table (a GeoDataFrame when ``frame`` is one), or None when a required column is missing.
    """
    if not _require(frame, path, ["school_id", "capacity"], problems):
        return None
    _blank_ids(frame, path, "school_id", rows, "school", problems)
    labels = row_labels(frame, "school_id", rows)
    limit = scenario.inputs.max_school_pupils
    too_big = (limit, f"check the number, or raise [inputs] max_school_pupils (now {limit:,.0f}) for a school "
                      "this large")
    out = frame.copy()
    out["school_id"] = text_cells(out["school_id"])
    out["name"] = text_cells(out["name"]) if "name" in out.columns else out["school_id"]
    out["name"] = out["name"].where(out["name"] != "", out["school_id"])
    for column in PUPIL_COLUMNS:
        out[column] = _pupils(frame, path, column, labels, "school_id", scenario, problems)
    total = out[PUPIL_COLUMNS].sum(axis=1)
    if (total > limit).any():
        problems.append(f"{path}: implausibly many pupils (above {limit:,.0f}) for school_id "
                        f"{id_list(labels[total > limit])}: {too_big[1]}")
    for column, values in _places(frame, path, labels, too_big, problems).items():
        out[column] = values
    out["annual_cost"] = _numbers(frame, path, "annual_cost", labels, "school_id", scenario.costs.school_annual,
                                  problems, maximum=(YUAN_MAX, "yuan a year: check the unit (yuan, not fen)"))
    out["can_be_hub"] = _booleans(frame, path, "can_be_hub", labels, "school_id", True, problems)
    out["bands"] = _bands(out, path, labels, problems)
    _kindergarten(frame, out, path, labels, too_big, scenario, problems)
    for band in BANDS:
        out["teaches_" + band] = out["bands"].str.split(",").map(lambda bs, b=band: b in bs)
    out["lock"] = _locks(frame, path, labels, problems)
    for column in ("teachers", "teachers_junior", "kg_teachers"):  # kg_teachers: kindergarten teachers today
        if column in frame.columns:
            out[column] = _teachers(frame, path, column, labels, problems)
    if "classrooms" in frame.columns:  # blank: derived from capacity (see classrooms())
        out["classrooms"] = _numbers(frame, path, "classrooms", labels, "school_id", np.nan, problems,
                                     maximum=too_big)
    return out


KG_SCHOOL_COLUMNS = (pupils_column(KG), "kg_places", "max_kg_places")
"""The schools' kindergarten columns, all optional."""


def _kindergarten(frame: pd.DataFrame, out: pd.DataFrame, path: Path, labels: pd.Series,
                  too_big: tuple[float, str], scenario: Scenario, problems: list[str]) -> None:
    """Add the kindergarten columns to ``out`` when the file has any of them or a ``bands`` cell names KG.

    ``pupils_kg`` (children today), ``kg_places`` (kindergarten places, apart from ``capacity``; blank 0),
    ``max_kg_places`` (what they may grow to; blank: ``kg_places``), ``teaches_KG`` and ``kind``
    (``kindergarten`` for a school teaching KG only; others keep the file's ``kind``, else ``school``). A school
    teaches KG when its ``bands`` name KG or it has ``kg_places`` above 0; ``bands`` then begins with KG.
    Without any of these, ``out`` is left as it was.
    """
    if not any(c in frame.columns for c in KG_SCHOOL_COLUMNS) and not out["bands"].str.contains(KG).any():
        return
    out[pupils_column(KG)] = _pupils(frame, path, pupils_column(KG), labels, "school_id", scenario, problems)
    out["kg_places"] = _numbers(frame, path, "kg_places", labels, "school_id", 0.0, problems, maximum=too_big)
    most = _numbers(frame, path, "max_kg_places", labels, "school_id", np.nan, problems, maximum=too_big)
    out["max_kg_places"] = most.fillna(out["kg_places"])
    named = out["bands"].str.split(",").map(lambda bs: KG in bs)
    places = (out["kg_places"] > 0).to_numpy()
    out["bands"] = out["bands"].where(named | ~places, KG + "," + out["bands"])
    out["teaches_" + KG] = named | places
    kind = text_cells(out["kind"]).where(lambda k: k != "", "school") if "kind" in out.columns else "school"
    out["kind"] = np.where(out["bands"] == KG, "kindergarten", kind)


def with_kindergarten(schools: pd.DataFrame, origins: pd.DataFrame) -> pd.DataFrame:
    """Return ``schools`` with kindergarten columns (0, teaching no KG) where the origins have KG and they do not.

    Villages with children of 3-6 and a schools file without kindergarten columns: no school teaches KG yet,
    which the checks before solving then say (no school teaching the band is reachable).
    """
    if KG not in bands_of(origins) or "teaches_" + KG in schools.columns:
        return schools
    added = schools.assign(**{pupils_column(KG): 0.0, "kg_places": 0.0, "max_kg_places": 0.0, "teaches_" + KG: False})
    return added if "kind" in added.columns else added.assign(kind="school")


def _teachers(frame: pd.DataFrame, path: Path, column: str, labels: pd.Series, problems: list[str]) -> pd.Series:
    """Return a column of teachers per school: whole numbers, 0 or more; blank is 0 but in ``teachers``."""
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    blank = raw.isna() | (raw.astype(str).str.strip() == "")
    if column != "teachers":
        values = values.where(~blank, 0.0)
    bad = values.isna() | (values < 0) | ~np.isfinite(values) | ((values - values.round()).abs() > 1e-9)
    if bad.any():
        problems.append(f"{path}: column {column} must be a whole number of teachers, 0 or more, but is not for "
                        f"school_id {id_list(labels[bad])}: write whole numbers such as 0, "
                        f"3 or 12{' (0 for a school without teachers)' if column == 'teachers' else ''}")
    return values


def canonical_villages(frame: pd.DataFrame, path: Path, rows: pd.Series, scenario: Scenario,
                       problems: list[str]) -> pd.DataFrame | None:
    """Return the villages as origins: ``origin_id``, ``kind`` (village), ``name``, pupils, ``current_<band>``.

    The column ``[years] intake_rate_column`` names is carried over as the file holds it (raw cells; see
    :func:`intake_rates`); no other extra column is.

    Parameters
    ----------
    frame
        The raw table, with point geometry when the file has coordinates (see
        :func:`consolidation.coordinates.located`).
    path
        The file, for messages.
    rows
        Row names ("row 3", "feature 2") for rows whose ID is blank.
    scenario
        For ``[inputs] max_village_pupils`` and ``fractional_pupils``, and ``[years] intake_rate_column``.
    problems
        Every problem found is appended here.

    Returns
    -------
    pandas.DataFrame or None
        The origins (a GeoDataFrame when ``frame`` is one), or None when ``village_id`` is missing.
    """
    if not _require(frame, path, ["village_id"], problems):
        return None
    _blank_ids(frame, path, "village_id", rows, "village", problems)
    labels = row_labels(frame, "village_id", rows)
    out = pd.DataFrame(index=frame.index)
    out["origin_id"] = text_cells(frame["village_id"])
    out["kind"] = "village"
    out["name"] = text_cells(frame["name"]) if "name" in frame.columns else out["origin_id"]
    out["name"] = out["name"].where(out["name"] != "", out["origin_id"])
    for column in PUPIL_COLUMNS:
        out[column] = _pupils(frame, path, column, labels, "village_id", scenario, problems)
    if pupils_column(KG) in frame.columns:  # the kindergarten band, optional
        out[pupils_column(KG)] = _pupils(frame, path, pupils_column(KG), labels, "village_id", scenario, problems)
    limit = scenario.inputs.max_village_pupils
    total = out[PUPIL_COLUMNS].sum(axis=1)
    if (total > limit).any():
        problems.append(f"{path}: implausibly many pupils (above {limit:,.0f}, all bands) for village_id "
                        f"{id_list(labels[total > limit])}: check the numbers, or raise [inputs] max_village_pupils "
                        "for a village this large")
    current = text_cells(frame["school_id"]) if "school_id" in frame.columns else pd.Series("", index=frame.index)
    for band in bands_of(out):
        column = "school_id_" + band.lower()
        own = text_cells(frame[column]) if column in frame.columns else pd.Series("", index=frame.index)
        out["current_" + band] = own.where(own != "", current)
    rate = scenario.years.intake_rate_column
    if rate and rate in frame.columns and rate not in out.columns:  # the projection's per-origin intake change
        out[rate] = frame[rate].to_numpy()
    if isinstance(frame, gpd.GeoDataFrame):
        out = gpd.GeoDataFrame(out, geometry=frame.geometry.values, crs=frame.crs)
    return out


def origins_from_schools(schools: pd.DataFrame, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """Origins when there is no villages file: each school's own pupils live at the school.

    Parameters
    ----------
    schools
        Canonical schools.
    extra
        Columns of ``schools`` to carry over where present (``[years] intake_rate_column``).

    Returns
    -------
    pandas.DataFrame
        One origin a school (``kind`` school, ``current_<band>`` the school itself), with its geometry.
    """
    out = pd.DataFrame({"origin_id": schools["school_id"], "kind": "school", "name": schools["name"]})
    for column in PUPIL_COLUMNS:
        out[column] = schools[column]
    if pupils_column(KG) in schools.columns:
        out[pupils_column(KG)] = schools[pupils_column(KG)]
    for band in bands_of(out):
        out["current_" + band] = schools["school_id"]
    for column in extra:
        if column in schools.columns and column not in out.columns:
            out[column] = schools[column]
    if isinstance(schools, gpd.GeoDataFrame):
        out = gpd.GeoDataFrame(out, geometry=schools.geometry.values, crs=schools.crs)
    return out


def canonical_travel(frame: pd.DataFrame, path: Path, rows: pd.Series, problems: list[str]) -> pd.DataFrame | None:
    """Return the travel matrix: ``origin_id``, ``school_id``, ``minutes``, ``km`` (NaN if not given), mode, band.

    ``mode`` (``walk``, ``bus``) and ``band`` (``G1_3``, ``G4_6``, ``G7_9``) are optional columns; ``""`` where
    blank or absent: the row applies to the mode(s) of ``[inputs] travel_mode`` and to every band.

    Parameters
    ----------
    frame
        The raw table.
    path
        The file, for messages.
    rows
        Row names ("row 3", "feature 2") for rows whose ID is blank.
    problems
        Every problem found is appended here.

    Returns
    -------
    pandas.DataFrame or None
        One row a pair, or None when a required column is missing.
    """
    if not _require(frame, path, ["origin_id", "school_id", "minutes"], problems):
        return None
    out = pd.DataFrame({
        "origin_id": text_cells(frame["origin_id"]),
        "school_id": text_cells(frame["school_id"]),
    })
    for column in ("origin_id", "school_id"):
        _blank_ids(frame, path, column, rows, "pair", problems)
    pair = out["origin_id"] + "->" + out["school_id"]
    labels = pair.where((out["origin_id"] != "") & (out["school_id"] != ""), rows)
    out["minutes"] = _numbers(frame, path, "minutes", labels, "pair", None, problems)
    out["km"] = _numbers(frame, path, "km", labels, "pair", np.nan, problems)
    out["mode"] = _choices(frame, path, "mode", labels, TRAVEL_MODES, problems, lower=True)
    out["band"] = _choices(frame, path, "band", labels, BANDS, problems)
    return out


TRAVEL_MODES = ("walk", "bus")
"""Values of a travel file's ``mode`` column."""


def _choices(frame: pd.DataFrame, path: Path, column: str, labels: pd.Series, allowed, problems: list[str], *,
             lower: bool = False) -> pd.Series:
    """Return an optional column of words from ``allowed`` (``""`` where blank or absent); say each bad cell."""
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype=object)
    values = text_cells(frame[column])
    values = values.str.lower() if lower else values.str.upper()
    bad = (values != "") & ~values.isin(allowed)
    if bad.any():
        shown = ", ".join(sorted({repr(str(v)) for v in frame.loc[bad, column]})[:5])
        blank = ("[inputs] travel_mode applies" if column == "mode" else "the row applies to every band")
        problems.append(f"{path}: column {column} has {shown} for pair {id_list(labels[bad])}: write one of "
                        f"{', '.join(allowed)} (a blank cell: {blank})")
    return values.where(~bad, "")



ENROLMENT_COLUMNS = ["origin_id", "year", *PUPIL_COLUMNS]
"""Columns of the enrolment table (``[inputs] enrolment``), every one required."""


def _enrolment_cells(frame: pd.DataFrame, path: Path, column: str, labels: pd.Series, problems: list[str], *,
                     year: bool = False) -> pd.Series:
    """Return a year or pupils column of the enrolment table as floats, each bad cell said (NaN where bad).

    A year is a whole number; pupils are a finite number, 0 or more (fractions allowed: projections).
    """
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    blank = raw.isna() | (raw.astype(str).str.strip().isin(["", "nan", "NaN"]))
    what = "a whole year such as 2027" if year else "a number of pupils, 0 or more (0 where there are none)"
    checks = [
        (blank, "is blank (or NaN)", "fill it in"),
        (values.isna() & ~blank, "is not a number", "write plain numbers"),
        (np.isinf(values), "is infinite", "write a finite number"),
    ]
    if year:
        checks.append((np.isfinite(values) & ((values - values.round()).abs() > 1e-9), "is not a whole year",
                       "write the calendar year"))
    else:
        checks.append((values < 0, "is negative", "pupils cannot be fewer than 0"))
    bad = pd.Series(False, index=frame.index)
    for mask, said, fix in checks:
        if mask.any():
            problems.append(f"{path}: column {column} {said} for origin_id {id_list(labels[mask])}: {fix}; each "
                            f"{column} is {what}")
            bad |= mask
    return values.where(~bad, np.nan)


def canonical_enrolment(frame: pd.DataFrame, path: Path, rows: pd.Series, problems: list[str]) -> pd.DataFrame | None:
    """Return the enrolment table: ``origin_id`` (str), ``year`` (int), pupils per band (floats, fractions allowed).

    Parameters
    ----------
    frame
        The raw table of ``[inputs] enrolment``.
    path
        The file, for messages.
    rows
        Row names ("row 3") for messages: each row is named by its origin ID and row, e.g. ``V01 (row 3)``.
    problems
        Every problem found is appended here: missing columns, blank origin IDs, a year that is not a whole
        number, blank, word, infinite or negative pupils. That the IDs are known and every origin and year has
        one row is :func:`enrolment_problems`'s check.

    Returns
    -------
    pandas.DataFrame or None
        One row per row of the file (bad cells: year -1, pupils NaN), or None when a column is missing or
        there are no rows.
    """
    if not _require(frame, path, ENROLMENT_COLUMNS, problems):
        return None
    if len(frame) == 0:
        problems.append(f"{path}: the enrolment file has no rows (only a header): give one row per origin and year "
                        "of the programme")
        return None
    ids = text_cells(frame["origin_id"])
    if (ids == "").any():
        problems.append(f"{path}: origin_id is blank in {id_list(rows[ids == ''])} (counting the header as row 1): "
                        "write the village ID (the school ID when there is no villages file), or delete the row")
    labels = (ids + " (" + rows + ")").where(ids != "", rows)
    out = pd.DataFrame({"origin_id": ids})
    out["year"] = _enrolment_cells(frame, path, "year", labels, problems, year=True).fillna(-1).round().astype(int)
    for column in PUPIL_COLUMNS:
        out[column] = _enrolment_cells(frame, path, column, labels, problems)
    return out


def enrolment_problems(enrolment: pd.DataFrame, origins: pd.DataFrame, planned: tuple[int, ...], path,
                       origin_file, kind: str) -> list[str]:
    """List enrolment rows of unknown origins, origin and year pairs given twice, and planned pairs with no row.

    Parameters
    ----------
    enrolment
        The canonical enrolment table (:func:`canonical_enrolment`).
    origins
        The canonical origins (``origin_id``).
    planned
        The planned years (``[years]``); empty: the coverage is not checked.
    path, origin_file
        The enrolment file and the file the origins come from, for messages.
    kind
        ``village`` or ``school``: what an origin is.

    Returns
    -------
    list of str
        One message a kind of problem, with the IDs and the fix; rows for years outside the programme are
        not problems (they are not used). An origin with a row whose year could not be read (said by
        :func:`canonical_enrolment`) is not said to lack a year.
    """
    problems: list[str] = []
    named = enrolment[enrolment["origin_id"] != ""]
    unknown = sorted(set(named["origin_id"]) - set(origins["origin_id"]))
    if unknown:
        problems.append(f"{path}: column origin_id names {kind}s not in the {kind}s file {origin_file}: "
                        f"{id_list(unknown)}: write {kind}_id values of that file, or delete those rows")
    valid = named[named["year"] >= 0]
    pair = valid["origin_id"] + " in " + valid["year"].astype(str)
    twice = sorted(pair[pair.duplicated()].unique())
    if twice:
        problems.append(f"{path}: origin_id and year given more than once: {id_list(twice)}: keep one row per "
                        f"{kind} and year")
    if planned:
        have = set(zip(valid["origin_id"], valid["year"], strict=True))
        unsure = set(named.loc[named["year"] < 0, "origin_id"])  # a row whose year is bad (said) may be the one
        missing = [f"{o} in {y}" for o in origins["origin_id"].drop_duplicates() if o not in unsure for y in planned
                   if (o, y) not in have]
        if missing:
            years = ", ".join(str(y) for y in planned)
            problems.append(f"{path}: {len(missing)} {kind} and year pair(s) of the programme have no row, e.g. "
                            f"{id_list(missing, 5)}: give every {kind} of {origin_file} one row for each planned "
                            f"year ({years})")
    return problems


def intake_rates(origins: pd.DataFrame, column: str, path, kind: str, problems: list[str]) -> pd.Series:
    """Return each origin's own yearly change of intake (``[years] intake_rate_column``) as floats.

    Parameters
    ----------
    origins
        The canonical origins, carrying ``column`` as the file held it.
    column
        The column's name.
    path
        The file the origins come from, for messages.
    kind
        ``village`` or ``school``: what an origin is.
    problems
        A missing column, and blank, word, infinite or implausible values (a share outside -0.5 .. 0.5, the
        range of ``[years] intake_rate``: -3 where -0.03 was meant) are appended here, naming the origins.

    Returns
    -------
    pandas.Series
        One share a year per origin (same index), 0 where the value is bad (its problem said).
    """
    if column not in origins.columns:
        problems.append(f"{path}: [years] intake_rate_column = {column!r}, but the {kind}s file has no column "
                        f"{column}: add it (each {kind}'s own yearly change of grade-1 intake, a share such as "
                        "-0.03), or leave intake_rate_column out")
        return pd.Series(0.0, index=origins.index)
    raw = origins[column]
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    blank = raw.isna() | (raw.astype(str).str.strip().isin(["", "nan", "NaN"]))
    ids = origins["origin_id"].astype(str)
    fix = "write each one's yearly change of intake as a share (0 for none, -0.03 for 3 % fewer a year)"
    for mask, said in ((blank, "is blank (or NaN)"), (values.isna() & ~blank, "is not a number"),
                       (np.isinf(values), "is infinite"), (np.isfinite(values) & (values.abs() > 0.5),
                                                           "is outside -0.5 .. 0.5 (a percentage, not a share?)")):
        if mask.any():
            problems.append(f"{path}: column {column} ([years] intake_rate_column) {said} for {kind}_id "
                            f"{id_list(ids[mask])}: {fix}")
    good = np.isfinite(values) & (values.abs() <= 0.5)
    return values.where(good, 0.0)
