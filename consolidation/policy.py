"""Policy checks: every breach or near-breach of the national rules in a finished plan (``checks.csv``).

A stage after the plan, independent of the model's rules: a scenario may allow what policy frowns on (grades
1-3 riding 45 minutes, classes of 50), and the checks say so. The limits are the scenario's ``[policy]``
(:class:`consolidation.scenario.Policy`); a value above its limit is a ``breach``, above ``near`` times its limit
a ``near`` breach. One row per finding (:data:`CHECK_COLUMNS`):

- ``g1_3_boarders``: grades 1-3 pupils boarding (never allowed; 2012 No. 48, 2018 No. 27), per village;
- ``g1_3_trip``: a grades 1-3 day trip over ``g1_3_max_minutes`` (30), per village;
- ``class_size``: a school's classes of a band larger on average than ``class_size_primary`` (45) or
  ``class_size_junior`` (50) (classes as the plan counts them: whole classes of ``[teachers] class_size_*``);
- ``school_size``: a school over the size standard of its kind (建标109-2008: incomplete primary 120, complete
  primary 1,080, junior 1,200, nine-year 2,250), its kind from the bands it teaches in the plan;
- ``super_large``: a school over ``super_large`` (2,000) or ``super_large_nine_year`` (2,500) pupils;
- ``beds``: boarders without a bed (beds today plus added);
- ``build_before_close``: a school that closes while a school receiving its pupils must first add places or
  beds ("build before close", 先建后撤): the closure is lawful only once they are built (in a programme: stock
  built for use from the year of the closure itself).

What the data cannot show (parents' objections, unsafe roads, hearings) is not checked.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import ALL_BANDS, BANDS, i18n, pupils_column
from .io import Inputs, whole_classes
from .plan import Plan
from .scenario import Scenario
from .tolerances import SOLVER

CHECK_COLUMNS = ["check", "severity", "school_id", "village_id", "band", "value", "limit", "rule", "message"]
"""Columns of ``checks.csv`` (a programme's has ``year`` first)."""

CHECKS = ("g1_3_boarders", "g1_3_trip", "class_size", "school_size", "super_large", "beds", "build_before_close")
"""Every check, in the order of ``checks.csv`` and the report."""

RULES = {
    "g1_3_boarders": "State Council General Office 2012 No. 48; 2018 No. 27",
    "g1_3_trip": "State Council General Office 2012 No. 48; 2018 No. 27",
    "class_size": "建标109-2008; State Council 2016 No. 40",
    "school_size": "建标109-2008",
    "super_large": "State Council 2016 No. 40",
    "beds": "State Council General Office 2012 No. 48",
    "build_before_close": "State Council General Office 2012 No. 48 (先建后撤)",
}
"""The circular or standard each check comes from (``rule`` in ``checks.csv``)."""


def policy_checks(plan: Plan, inputs: Inputs, scenario: Scenario, *, before: Plan | None = None) -> pd.DataFrame:
    """Return every breach and near-breach of ``plan`` (:data:`CHECK_COLUMNS`; empty when none).

    Parameters
    ----------
    plan
        A verified plan (a programme's year).
    inputs
        The data (the same year's).
    scenario
        Its ``[policy]`` gives the limits.
    before
        A programme: the plan of the year before (None: the first year, or a one-year plan, compared with today).
    """
    rows: list[dict[str, Any]] = []
    rows += _young(plan, scenario)
    rows += _classes(plan, scenario)
    rows += _sizes(plan, inputs, scenario)
    rows += _beds(plan)
    rows += _closures(plan, before)
    table = pd.DataFrame(rows, columns=[c for c in CHECK_COLUMNS if c not in ("rule", "message")] + ["fields"])
    names = _names(plan, inputs)
    table["rule"] = table["check"].map(RULES)
    table["message"] = [check_text(r, names, "en") for r in table.to_dict("records")]
    order = {c: i for i, c in enumerate(CHECKS)}
    table = table.assign(_o=table["check"].map(order), _s=(table["severity"] != "breach").astype(int))
    table = table.sort_values(["_s", "_o", "school_id", "village_id", "band"], kind="stable")
    return table[CHECK_COLUMNS + ["fields"]].reset_index(drop=True)


def _severity(value: float, limit: float, near: float) -> str:
    """``breach`` above the limit, ``near`` above ``near`` x limit, else empty."""
    if value > limit + SOLVER:
        return "breach"
    if near < 1 and value > near * limit + SOLVER:
        return "near"
    return ""


def _row(check: str, severity: str, *, school: str = "", village: str = "", band: str = "", value: float,
         limit: float, **fields: Any) -> dict[str, Any]:
    return {"check": check, "severity": severity, "school_id": school, "village_id": village, "band": band,
            "value": float(value), "limit": float(limit), "fields": fields}


def _young(plan: Plan, scenario: Scenario) -> list[dict[str, Any]]:
    """Grades 1-3 who board, and grades 1-3 day trips near or over the limit, per village and school."""
    p = scenario.policy
    a = plan.assignments[plan.assignments["band"] == "G1_3"]
    rows = []
    for r in a.itertuples(index=False):
        village, school = str(r.origin_id), str(r.school_id)
        if int(r.boards):
            rows.append(_row("g1_3_boarders", "breach", school=school, village=village, band="G1_3",
                             value=r.pupils, limit=0))
            continue
        severity = _severity(float(r.minutes), p.g1_3_max_minutes, p.near)
        if severity and np.isfinite(r.minutes):
            rows.append(_row("g1_3_trip", severity, school=school, village=village, band="G1_3", value=r.minutes,
                             limit=p.g1_3_max_minutes, pupils=float(r.pupils)))
    return rows


def _classes(plan: Plan, scenario: Scenario) -> list[dict[str, Any]]:
    """Schools whose classes of a band are on average near or over the class size limit."""
    p = scenario.policy
    rows = []
    schools = plan.schools[plan.schools["open"] == 1]
    for band in BANDS:
        limit = p.class_size_junior if band == "G7_9" else p.class_size_primary
        pupils = schools[pupils_column(band)].to_numpy(float)
        classes = whole_classes(pupils, band, scenario.teachers)
        for sid, n, k in zip(schools["school_id"].astype(str), pupils, classes):
            if k <= 0:
                continue
            severity = _severity(n / k, limit, p.near)
            if severity:
                rows.append(_row("class_size", severity, school=sid, band=band, value=n / k, limit=limit,
                                 classes=float(k), pupils=float(n)))
    return rows


def school_kind(bands: set[str]) -> str:
    """Return a school's kind by the bands it teaches: ``nine_year``, ``junior``, ``complete`` or ``incomplete``."""
    junior, primary = "G7_9" in bands, bool({"G1_3", "G4_6"} & bands)
    if junior:
        return "nine_year" if primary else "junior"
    return "complete" if "G4_6" in bands else "incomplete"


def _taught(plan: Plan, inputs: Inputs, scenario: Scenario) -> dict[str, set[str]]:
    """Return the bands each open school teaches in the plan (a teaching point: its lower bands only)."""
    data = inputs.schools.set_index(inputs.schools["school_id"].astype(str))
    out = {}
    for sid, role in zip(plan.schools["school_id"].astype(str), plan.schools["role"]):
        bands = {b for b in BANDS if f"teaches_{b}" in data and bool(data.at[sid, f"teaches_{b}"])}
        if role == "teaching_point":
            bands &= set(scenario.teaching_points.bands)
        out[sid] = bands
    return out


def _sizes(plan: Plan, inputs: Inputs, scenario: Scenario) -> list[dict[str, Any]]:
    """Open schools near or over the size standard of their kind, and super-large schools."""
    p = scenario.policy
    standard = {"incomplete": p.size_incomplete_primary, "complete": p.size_complete_primary,
                "junior": p.size_junior, "nine_year": p.size_nine_year}
    taught = _taught(plan, inputs, scenario)
    rows = []
    schools = plan.schools[plan.schools["open"] == 1]
    for sid, pupils in zip(schools["school_id"].astype(str), schools["pupils"].astype(float)):
        kind = school_kind(taught[sid])
        severity = _severity(pupils, standard[kind], p.near)
        if severity:
            rows.append(_row("school_size", severity, school=sid, value=pupils, limit=standard[kind], kind=kind))
        large = p.super_large_nine_year if kind == "nine_year" else p.super_large
        severity = _severity(pupils, large, p.near)
        if severity:
            rows.append(_row("super_large", severity, school=sid, value=pupils, limit=large, kind=kind))
    return rows


def _beds(plan: Plan) -> list[dict[str, Any]]:
    """Open schools with more boarders than beds (today's plus added)."""
    s = plan.schools
    beds = s["beds"].astype(float) + s["beds_added"].astype(float)
    over = (s["open"] == 1) & (s["boarders"].astype(float) > beds + SOLVER)
    return [_row("beds", "breach", school=str(sid), value=b, limit=n)
            for sid, b, n in zip(s.loc[over, "school_id"], s.loc[over, "boarders"], beds[over])]


def _closures(plan: Plan, before: Plan | None) -> list[dict[str, Any]]:
    """Schools closing while a school receiving their pupils must first add places or beds (先建后撤)."""
    s = plan.schools.set_index(plan.schools["school_id"].astype(str))
    if before is None:
        was_open = s["pupils_before"].astype(float) > 0
        stock = pd.DataFrame(0.0, index=s.index, columns=["places_added", "beds_added"])
    else:
        b = before.schools.set_index(before.schools["school_id"].astype(str))
        was_open = b["open"].reindex(s.index).fillna(0).astype(int) == 1
        stock = b[["places_added", "beds_added"]].reindex(s.index).fillna(0.0)
    closing = s.index[(s["open"] == 0) & was_open]
    a = plan.assignments
    rows = []
    for sid in closing:
        receivers = a.loc[a["current_school_id"].astype(str) == sid, "school_id"].astype(str).unique()
        for r in sorted(receivers):
            places = float(s.at[r, "places_added"] - stock.at[r, "places_added"])
            beds = float(s.at[r, "beds_added"] - stock.at[r, "beds_added"])
            if places > SOLVER or beds > SOLVER:
                rows.append(_row("build_before_close", "near", school=sid, value=places + beds, limit=0,
                                 receiver=r, places=max(places, 0.0), beds=max(beds, 0.0)))
    return rows


def _names(plan: Plan, inputs: Inputs) -> dict[str, str]:
    """School and village names by ID."""
    names = dict(zip(plan.schools["school_id"].astype(str), plan.schools["name"].astype(str)))
    if "name" in inputs.origins:
        names.update({f"village:{o}": str(n) for o, n in zip(inputs.origins["origin_id"].astype(str),
                                                              inputs.origins["name"])})
    return names


def _label(key: str, names: dict[str, str], village: bool = False) -> str:
    name = names.get(f"village:{key}" if village else key)
    return f"{name} ({key})" if name and name != key else key


def check_text(row: dict[str, Any], names: dict[str, str], lang: str = "en") -> str:
    """Return a finding in words, e.g. "Dahe (V029): grades 1-3 ride 31.0 min, over the limit of 30"."""
    fields = row.get("fields") or {}
    place = (_label(str(row["village_id"]), names, village=True) if row.get("village_id")
             else _label(str(row["school_id"]), names))
    values = {"place": place, "school": _label(str(row.get("school_id") or ""), names),
              "band": i18n.text(f"band.{row['band']}", lang) if row.get("band") in ALL_BANDS else "",
              "value": i18n.fmt_pupils(row["value"]), "minutes": i18n.fmt_minutes(row["value"]),
              "limit": i18n.fmt_pupils(row["limit"]),
              "severity": i18n.text(f"check.severity.{row['severity']}", lang),
              "classes": i18n.fmt_int(fields.get("classes")), "pupils": i18n.fmt_pupils(fields.get("pupils")),
              "kind": i18n.text(f"check.kind.{fields['kind']}", lang) if "kind" in fields else "",
              "receiver": _label(str(fields.get("receiver", "")), names),
              "adds": _additions(fields, lang)}
    return i18n.text(f"check.{row['check']}", lang, **values)


def _additions(fields: dict[str, Any], lang: str) -> str:
    """Return "5 places and 2 beds" (what a receiving school must add), leaving out what it need not."""
    parts = [i18n.text(f"check.add_{what}", lang, n=i18n.fmt_int(fields[what]))
             for what in ("places", "beds") if fields.get(what, 0) > SOLVER]
    return i18n.join_names(parts, lang)


def checks_summary(checks: pd.DataFrame, near: float | None = None) -> dict[str, Any]:
    """Return the summary's ``policy_checks``: breaches and near-breaches, all and by check.

    ``near``: the scenario's ``[policy] near``, recorded as ``near_share``.
    """
    count = lambda rows, sev: int((rows["severity"] == sev).sum())  # noqa: E731
    return {"breaches": count(checks, "breach"), "near": count(checks, "near"), "near_share": near,
            "by_check": {c: {"breach": count(checks[checks["check"] == c], "breach"),
                             "near": count(checks[checks["check"] == c], "near")} for c in CHECKS}}


def by_year_first(checks: pd.DataFrame) -> pd.DataFrame:
    """Return a programme's checks (every planned year's, a ``year`` column added) with ``year`` first."""
    return checks[["year", *[c for c in checks.columns if c != "year"]]]


def empty_checks() -> pd.DataFrame:
    """Return ``checks.csv`` with nothing flagged: the header only."""
    return pd.DataFrame({c: pd.Series(dtype=float if c in ("value", "limit") else object) for c in CHECK_COLUMNS})


def for_csv(checks: pd.DataFrame | None) -> pd.DataFrame:
    """Return the table written as ``checks.csv`` (the header only when ``checks`` is None or empty)."""
    if checks is None:
        return empty_checks()
    return checks.drop(columns="fields", errors="ignore")


__all__ = ["CHECKS", "CHECK_COLUMNS", "RULES", "by_year_first", "check_text", "checks_summary", "empty_checks",
           "for_csv", "policy_checks", "school_kind"]
