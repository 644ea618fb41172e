"""Enrolment and teachers by year for a programme (``[years]``): the explicit table, or a cohort projection.

The data's enrolment is that of ``[years] first``. Each later planned year's pupils per origin and band come
from the enrolment table (``[inputs] enrolment``) when it is given (it then replaces the data's enrolment in
the first year too), else from a cohort projection, one year at a time. Each band holds three grades of equal
size (a third of the band each); a year on, two thirds of a band stay in it, the third in its top grade moves
up to the next band, grade 9 leaves, and grade 1's intake comes in:

- ``G1_3[t] = (2/3) G1_3[t-1] + intake[t]``
- ``G4_6[t] = (2/3) G4_6[t-1] + (1/3) G1_3[t-1]``
- ``G7_9[t] = (2/3) G7_9[t-1] + (1/3) G4_6[t-1] x entry``, with ``entry`` = ``[years] junior_entry``, the share
  of grade-6 pupils going on to grade 7 in the data's schools (absent: the data's ratio of G7_9 to G4_6 pupils,
  at most 1; in the example county 0.52, as many juniors attend city schools the data do not hold)

and then every band is multiplied by ``1 + [years] migration_rate``. The intake of the first year is a third of
each origin's G1_3; later intakes are that times ``births[t-6] / births[first-6]`` (``[years] births``), else
times ``(1 + intake_rate)`` a year, compounded. ``[years] intake_rate_column`` adds each origin's own rate: the
factor is ``(1 + intake_rate + own)^(t-first)``, or ``births ratio x (1 + own)^(t-first)``. With ``step`` above 1
every year is projected and the planned ones are kept. Pupils stay fractional and are never negative.

Teachers leave at ``[teachers] attrition_rate`` a year (:func:`teachers_in_year`). Pure pandas and numpy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .canonical import enrolment_problems, intake_rates
from .errors import InputError, ScenarioError
from .io import TEACHER_COLUMNS, Inputs, origin_file
from .readers import PUPIL_COLUMNS
from .scenario import Scenario

__all__ = ["PROJECTION_COLUMNS", "enrolment_by_year", "junior_entry", "projection_table", "teachers_in_year"]

PROJECTION_COLUMNS = ["year", *PUPIL_COLUMNS, "pupils"]
"""Columns of :func:`projection_table`."""

BIRTHS_LAG = 6
"""Years between birth and grade 1."""


def _own_rates(inputs: Inputs, scenario: Scenario) -> np.ndarray:
    """Each origin's own yearly change of intake (``[years] intake_rate_column``), 0 without the column.

    Raises
    ------
    InputError
        The column is missing, or a value is blank, not a number, infinite or outside -0.5 .. 0.5.
    """
    column = scenario.years.intake_rate_column
    if not column:
        return np.zeros(len(inputs.origins))
    problems: list[str] = []
    path, kind = origin_file(scenario)
    rates = intake_rates(inputs.origins, column, path, kind, problems)
    if problems:
        raise InputError(problems)
    return rates.to_numpy(float)


def _intake_factors(inputs: Inputs, scenario: Scenario) -> dict[int, np.ndarray]:
    """Return, for every year first .. last, each origin's intake over its first-year intake.

    Raises
    ------
    ScenarioError
        ``[years] births`` is given but lacks a year from first-6 to last-6.
    InputError
        A bad ``intake_rate_column`` (see :func:`_own_rates`).
    """
    years = scenario.years
    first, last = years.first, years.last
    own = _own_rates(inputs, scenario)
    if years.births:
        needed = range(first - BIRTHS_LAG, last - BIRTHS_LAG + 1)
        missing = [y for y in needed if y not in years.births]
        if missing:
            raise ScenarioError(
                f"[years] births lacks {', '.join(str(y) for y in missing)}: the cohort projection needs births for "
                f"every year {needed[0]} to {needed[-1]} (grade 1 of year t was born in t-{BIRTHS_LAG}, and the "
                f"programme runs {first} to {last}): add those years, or leave births out to use intake_rate")
        base = years.births[first - BIRTHS_LAG]
        return {t: np.clip(years.births[t - BIRTHS_LAG] / base * (1.0 + own) ** (t - first), 0.0, None)
                for t in range(first, last + 1)}
    return {t: np.clip(1.0 + years.intake_rate + own, 0.0, None) ** (t - first) for t in range(first, last + 1)}


def junior_entry(start: np.ndarray, scenario: Scenario) -> float:
    """Return the share of grade-6 pupils going on to grade 7 in the data's schools.

    ``[years] junior_entry``, else the data's G7_9 pupils over G4_6 pupils (``start``: origins x bands), at most 1
    (1 where there are no G4_6 pupils).
    """
    if scenario.years.junior_entry is not None:
        return float(scenario.years.junior_entry)
    primary, junior = float(start[:, 1].sum()), float(start[:, 2].sum())
    return min(1.0, junior / primary) if primary > 0 else 1.0


def _projected(inputs: Inputs, scenario: Scenario) -> dict[int, np.ndarray]:
    """Return the cohort projection: for every year first .. last, pupils per origin (rows) and band (columns)."""
    years = scenario.years
    start = inputs.origins[PUPIL_COLUMNS].to_numpy(float)
    intake = start[:, 0] / 3.0
    factors = _intake_factors(inputs, scenario)
    stay = 1.0 + years.migration_rate
    entry = junior_entry(start, scenario)
    out = {years.first: start.copy()}
    state = start
    for t in range(years.first + 1, years.last + 1):
        g1, g4, g7 = state[:, 0], state[:, 1], state[:, 2]
        state = np.column_stack([2.0 / 3.0 * g1 + intake * factors[t],
                                 2.0 / 3.0 * g4 + g1 / 3.0,
                                 2.0 / 3.0 * g7 + g4 / 3.0 * entry]) * stay
        state = np.clip(state, 0.0, None)
        out[t] = state
    return out


def _from_table(inputs: Inputs, scenario: Scenario) -> dict[int, np.ndarray]:
    """Return the enrolment table's pupils per origin (rows, in ``inputs.origins`` order) and band, by planned year.

    Raises
    ------
    InputError
        The table names unknown origins, gives an origin and year twice, or lacks a planned pair (checked again
        here for tables not read by :func:`consolidation.io.read_inputs`).
    """
    table = inputs.enrolment
    planned = scenario.years.planned
    where, kind = origin_file(scenario)
    path = scenario.inputs.enrolment or "[inputs] enrolment"
    problems = enrolment_problems(table, inputs.origins, planned, path, where, kind)
    bad = table[PUPIL_COLUMNS].isna().any(axis=1) | (table[PUPIL_COLUMNS] < 0).any(axis=1)
    if bad.any():
        problems.append(f"{path}: pupils missing or negative for origin_id "
                        f"{', '.join(table.loc[bad, 'origin_id'].astype(str).head(10))}: write numbers 0 or more")
    if problems:
        raise InputError(problems)
    indexed = table.set_index(["origin_id", "year"])[PUPIL_COLUMNS]
    ids = inputs.origins["origin_id"]
    return {year: indexed.xs(year, level="year").reindex(ids).to_numpy(float) for year in planned}


def enrolment_by_year(inputs: Inputs, scenario: Scenario) -> dict[int, pd.DataFrame]:
    """Return the origins with each planned year's pupils.

    Parameters
    ----------
    inputs
        The data; ``inputs.origins`` holds the enrolment of ``[years] first``, ``inputs.enrolment`` the explicit
        table when the scenario names one.
    scenario
        ``[years]``: the planned years and the projection's settings.

    Returns
    -------
    dict of int to pandas.DataFrame
        For every planned year (``scenario.years.planned``, first to last by ``step``), a copy of
        ``inputs.origins`` (geometry and every other column kept) whose ``pupils_g1_3``, ``pupils_g4_6`` and
        ``pupils_g7_9`` are that year's, as floats. From the enrolment table for every year when it is given;
        else the first year's are the data's unchanged and later years' the cohort projection (see the module
        docstring). Empty for a one-year plan (no ``[years]``).

    Raises
    ------
    ScenarioError
        ``[years] births`` lacks a year the projection needs (exit code 2).
    InputError
        A bad ``intake_rate_column``, or an enrolment table that does not cover the programme.
    """
    years = scenario.years
    if not years.planned:
        return {}
    pupils = _from_table(inputs, scenario) if inputs.enrolment is not None else _projected(inputs, scenario)
    out = {}
    for year in years.planned:
        frame = inputs.origins.copy()
        for i, column in enumerate(PUPIL_COLUMNS):
            frame[column] = pupils[year][:, i].astype(float)
        out[year] = frame
    return out


def projection_table(by_year: dict[int, pd.DataFrame]) -> pd.DataFrame:
    """Return county totals by year: one row a year, columns :data:`PROJECTION_COLUMNS`.

    Parameters
    ----------
    by_year
        What :func:`enrolment_by_year` returns.

    Returns
    -------
    pandas.DataFrame
        ``year`` (int), ``pupils_g1_3``, ``pupils_g4_6``, ``pupils_g7_9`` (each summed over the origins) and
        ``pupils`` (the three together), years in order; no rows for an empty ``by_year``.
    """
    rows = [[year, *(float(frame[c].sum()) for c in PUPIL_COLUMNS)] for year, frame in sorted(by_year.items())]
    table = pd.DataFrame(rows, columns=["year", *PUPIL_COLUMNS])
    table["year"] = table["year"].astype(int)
    table[PUPIL_COLUMNS] = table[PUPIL_COLUMNS].astype(float)
    table["pupils"] = table[PUPIL_COLUMNS].sum(axis=1)
    return table[PROJECTION_COLUMNS]


def whole_shares(values: np.ndarray, total: int) -> np.ndarray:
    """Return whole numbers, one per value, adding up to ``total``, each the value rounded down or up.

    Largest remainders (Hamilton's method): every value rounded down, then one more to the largest fractions
    until the total is reached (ties: the first in order).
    """
    base = np.floor(values + 1e-9)
    short = int(total - base.sum())
    if short > 0:
        order = np.argsort(-(values - base), kind="stable")[:short]
        base[order] += 1
    return base


def teachers_in_year(schools: pd.DataFrame, scenario: Scenario, year: int) -> pd.DataFrame:
    """Return the schools with the teachers left in ``year`` after attrition (no one is dismissed or recruited).

    The county keeps ``round(T x (1 - [teachers] attrition_rate) ** (year - [years] first))`` of its ``T``
    teachers (``teachers`` and ``teachers_junior`` each), whole teachers; they are shared among the schools in
    proportion to the teachers each has today, by largest remainders (:func:`whole_shares`), so the schools'
    counts add up to the county's. (Rounding school by school would keep a school of 3 at 3 for six years at
    3 %, and the county's attrition would not show.) Unchanged in the first year and in a one-year plan.

    Parameters
    ----------
    schools
        The schools table (canonical, or a plan's), with ``teachers`` and ``teachers_junior`` when known.
    scenario
        ``[teachers] attrition_rate`` and ``[years] first``.
    year
        The calendar year; not before ``[years] first``.

    Returns
    -------
    pandas.DataFrame
        A copy of ``schools``; only the teacher columns differ (whole numbers, as floats).

    Raises
    ------
    ValueError
        ``year`` is before the programme's first year.
    """
    out = schools.copy()
    first = scenario.years.first
    if first is None or year == first:
        return out
    if year < first:
        raise ValueError(f"year {year} is before the programme's first year {first}")
    keep = (1.0 - scenario.teachers.attrition_rate) ** (year - first)
    for column in TEACHER_COLUMNS:
        if column in out.columns:
            today = pd.to_numeric(out[column], errors="coerce")
            known = today.notna().to_numpy()
            values = today.fillna(0.0).to_numpy(float) * keep
            whole = whole_shares(values, int(round(float(today.fillna(0.0).sum()) * keep)))
            out[column] = np.where(known, whole, np.nan)
    return out
