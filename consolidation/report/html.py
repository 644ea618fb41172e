"""Render a plan as one self-contained HTML page for county officials.

The page has no external references: CSS is inline and the map is embedded as a base64 data URI,
so it can be e-mailed, opened offline and printed. Text from the data (school names, reasons,
scenario name) is escaped by jinja2's autoescaping.
"""

from __future__ import annotations

import base64
import math
from os import PathLike
from pathlib import Path

import jinja2
import pandas as pd

from .. import BANDS, __version__, pupils_column

ROLE_ORDER = {"hub": 0, "kept": 1, "closed": 2}
ROLE_LABELS = {"hub": "Hub", "kept": "Kept", "closed": "Closed"}
BAND_LABELS = {"G1_3": "Grades 1-3", "G4_6": "Grades 4-6", "G7_9": "Grades 7-9"}
STATUS = {
    "optimal": ("Best plan found", "good"),
    "feasible": ("Plan found, may not be the best", "warn"),
    "infeasible": ("No plan meets the rules", "bad"),
    "no_solution": ("No plan found", "bad"),
}
COST_TERMS = [
    ("schools_annual", "Running the open schools"),
    ("travel", "Families' travel time (valued per pupil-minute)"),
    ("places_added", "New classroom places (annualised)"),
    ("beds_added", "New boarding beds (annualised)"),
    ("boarders", "Boarding pupils (care and meals)"),
]
CAPITAL_TERMS = [("places", "New classroom places"), ("beds", "New boarding beds")]


def render_report(*, summary: dict, schools: pd.DataFrame, assignments: pd.DataFrame,
                  map_png: str | PathLike | bytes | None = None,
                  origins: pd.DataFrame | None = None, lang: str = "en") -> str:
    """Return the report of one scenario as a self-contained HTML page.

    Parameters
    ----------
    summary : dict
        The run summary (``scenario``, ``status``, headline counts, ``travel_minutes``, ``cost``,
        ``capital``, ``reasons``, ``description``, solver details). Missing keys show as a dash.
    schools : pandas.DataFrame
        One row per school after the plan (``school_id``, ``name``, ``role``, pupils and places
        columns). May be empty, e.g. for an infeasible run. Geometry, if any, is ignored.
    assignments : pandas.DataFrame
        One row per origin, band and receiving school. May be empty.
    map_png : str, os.PathLike, bytes or None, default None
        The map: a path to a PNG file or the PNG bytes. None leaves the map out.
    origins : pandas.DataFrame, optional
        ``origin_id`` and ``name``: when given, "Where pupils go" shows village names too.

    Returns
    -------
    str
        The HTML page.

    Raises
    ------
    FileNotFoundError
        If ``map_png`` is a path that does not exist.
    """
    if isinstance(map_png, (bytes, bytearray)):
        png = bytes(map_png)
    elif map_png is not None:
        png = Path(map_png).read_bytes()
    else:
        png = None
    schools = schools if schools is not None else pd.DataFrame()
    assignments = assignments if assignments is not None else pd.DataFrame()
    status = str(summary.get("status") or "no_solution")
    badge, tone = STATUS.get(status, (status, "warn"))
    has_plan = status in ("optimal", "feasible")
    gap = summary.get("gap")
    if status == "feasible" and not _missing(gap):
        badge = f"Plan found, cost at most {100 * float(gap):.1f}% above the best possible"
    names = _school_names(schools)
    context = {
        "scenario": str(summary.get("scenario") or "Unnamed scenario"),
        "status": status,
        "badge": badge,
        "tone": tone,
        "has_plan": has_plan,
        "description": summary.get("description") or "",
        "overrides": [f"{o['key']}: {o['old']} \u2192 {o['new']}" for o in summary.get("overrides") or []],
        "reasons": [str(r) for r in (summary.get("reasons") or [])],
        "cards": _cards(summary) if has_plan else [],
        "map_uri": _data_uri(png) if png else None,
        "travel": _travel_rows(summary.get("travel_minutes") or {}) if has_plan else [],
        "schools": _school_rows(schools),
        "trips": _trip_rows(assignments, names, _origin_names(origins)),
        "trips_moved": int((_num(assignments, "moved") > 0).sum()),
        "costs": _cost_rows(summary.get("cost") or {}) if has_plan else [],
        "capital": _capital_rows(summary.get("capital") or {}) if has_plan else [],
        "footer": _footer(summary),
        "version": __version__,
    }
    return _environment().get_template("report.html").render(**context)


def _data_uri(png: bytes) -> str:
    """The PNG as a base64 data URI, to embed it in the page."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _environment() -> jinja2.Environment:
    """The jinja2 environment with templates from this package and autoescaping on."""
    return jinja2.Environment(loader=jinja2.PackageLoader("consolidation.report", "templates"),
                              autoescape=True, trim_blocks=True, lstrip_blocks=True,
                              undefined=jinja2.StrictUndefined)


def _missing(x) -> bool:
    """Whether ``x`` is None, NaN or not a number at all."""
    if x is None or isinstance(x, bool):
        return x is None
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def fmt_int(x) -> str:
    """Format a count with thousands separators, e.g. ``12,345``; a dash when missing."""
    return "–" if _missing(x) else f"{round(float(x)):,}"


def fmt_pupils(x) -> str:
    """Format a number of pupils: whole numbers plainly, split demand with one decimal."""
    if _missing(x):
        return "–"
    x = float(x)
    return f"{round(x):,}" if abs(x - round(x)) < 0.05 else f"{x:,.1f}"


def fmt_minutes(x) -> str:
    """Format minutes with one decimal, e.g. ``37.5``; a dash when missing."""
    return "–" if _missing(x) else f"{float(x):,.1f}"


def fmt_yuan(x) -> str:
    """Format yuan rounded to whole yuan with separators, e.g. ``¥1,234,567``."""
    return "–" if _missing(x) else f"¥{round(float(x)):,}"


def fmt_share(x) -> str:
    """Format a fraction as a percentage, e.g. ``0.125`` -> ``12.5%``."""
    return "–" if _missing(x) else f"{100 * float(x):.1f}%"


def _num(df: pd.DataFrame, col: str) -> pd.Series:
    """A numeric column, zeros where missing."""
    if col not in df:
        return pd.Series(0.0, index=df.index)
    return pd.to_numeric(df[col], errors="coerce").fillna(0.0)


def _value(row, col: str):
    """A field of a row, None when the column is absent."""
    return row[col] if col in row.index else None


def _text(x) -> str:
    """A field as text, empty when missing."""
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else str(x)


def _cards(summary: dict) -> list[dict]:
    """Headline numbers: label, value, a note and whether to flag the card red."""
    total_schools = (summary.get("schools_open") or 0) + (summary.get("schools_closed") or 0)
    moved, total = summary.get("pupils_moved"), summary.get("pupils_total")
    share = (f"{100 * moved / total:.1f}% of {fmt_pupils(total)} pupils"
             if not _missing(moved) and not _missing(total) and total else
             f"of {fmt_pupils(total)} pupils")
    g13 = summary.get("boarders_g1_3")
    young = not _missing(g13) and float(g13) > 0
    return [
        {"label": "Schools open", "value": fmt_int(summary.get("schools_open")),
         "note": f"of {fmt_int(total_schools)} schools", "flag": False},
        {"label": "Schools closed", "value": fmt_int(summary.get("schools_closed")),
         "note": "", "flag": False},
        {"label": "Hubs", "value": fmt_int(summary.get("hubs")),
         "note": "open schools receiving moved pupils", "flag": False},
        {"label": "Pupils moved", "value": fmt_pupils(moved), "note": share, "flag": False},
        {"label": "Boarders", "value": fmt_pupils(summary.get("boarders")),
         "note": f"of whom grades 1-3: {fmt_pupils(g13)}", "flag": young},
        {"label": "Places added", "value": fmt_int(summary.get("places_added")),
         "note": "new classroom places", "flag": False},
        {"label": "Beds added", "value": fmt_int(summary.get("beds_added")),
         "note": "new boarding beds", "flag": False},
        {"label": "Yearly cost", "value": fmt_yuan((summary.get("cost") or {}).get("total")),
         "note": "per year, building costs spread over years", "flag": False},
        {"label": "One-off building cost",
         "value": fmt_yuan((summary.get("capital") or {}).get("total")),
         "note": "places and beds", "flag": False},
    ]


def _travel_rows(travel: dict) -> list[dict]:
    """One row per grade band, in the usual band order."""
    bands = [b for b in BANDS if b in travel] + [b for b in travel if b not in BANDS]
    rows = []
    for band in bands:
        t = travel[band] or {}
        limit = t.get("limit")
        rows.append({
            "band": BAND_LABELS.get(band, band),
            "pupils": fmt_pupils(t.get("pupils")),
            "mean": fmt_minutes(t.get("mean")),
            "p90": fmt_minutes(t.get("p90")),
            "max": fmt_minutes(t.get("max")),
            "limit": "no limit" if _missing(limit) else fmt_minutes(limit),
            "over": fmt_share(t.get("over_limit_share")),
            "flag": band == "G1_3" and not _missing(t.get("over_limit_share"))
            and float(t["over_limit_share"]) > 0,
        })
    return rows


def _school_names(schools: pd.DataFrame) -> dict[str, str]:
    """Map school id (as a string) to name."""
    if "school_id" not in schools or "name" not in schools:
        return {}
    return {str(i): str(n) for i, n in zip(schools["school_id"], schools["name"])}


def _school_rows(schools: pd.DataFrame) -> list[dict]:
    """Schools sorted hubs, kept, closed; largest first within each role."""
    if len(schools) == 0:
        return []
    df = pd.DataFrame(schools).copy()
    role = df["role"].astype(str) if "role" in df else pd.Series("kept", index=df.index)
    df["_order"] = role.map(ROLE_ORDER).fillna(3)
    df["_pupils"] = _num(df, "pupils")
    df["_name"] = df["name"].astype(str) if "name" in df else ""
    df = df.sort_values(["_order", "_pupils", "_name"], ascending=[True, False, True])
    rows = []
    for _, r in df.iterrows():
        rl = _text(_value(r, "role"))
        rows.append({
            "name": _text(_value(r, "name")),
            "id": _text(_value(r, "school_id")),
            "role": rl,
            "role_label": ROLE_LABELS.get(rl, rl),
            "before": fmt_pupils(_value(r, "pupils_before")),
            "after": fmt_pupils(_value(r, "pupils")),
            "bands": [fmt_pupils(_value(r, pupils_column(b))) for b in BANDS],
            "capacity": fmt_int(_value(r, "capacity")),
            "places_added": fmt_int(_value(r, "places_added")),
            "beds": fmt_int(_value(r, "beds")),
            "beds_used": fmt_int(_value(r, "beds_used")),
            "beds_added": fmt_int(_value(r, "beds_added")),
            "boarders": fmt_pupils(_value(r, "boarders")),
            "grows_places": not _missing(_value(r, "places_added")) and r["places_added"] > 0,
            "grows_beds": not _missing(_value(r, "beds_added")) and r["beds_added"] > 0,
        })
    return rows


def _origin_names(origins: pd.DataFrame | None) -> dict[str, str]:
    """Map origin id (as a string) to name, when the origins have names."""
    if origins is None or "origin_id" not in origins or "name" not in origins:
        return {}
    return {_text(i): _text(n) for i, n in zip(origins["origin_id"], origins["name"]) if _text(n)}


def _trip_rows(assign: pd.DataFrame, names: dict[str, str],
               origin_names: dict[str, str]) -> list[dict]:
    """Where pupils go: moved pupils first, longest trips first."""
    if len(assign) == 0:
        return []
    df = pd.DataFrame(assign).copy()
    df["_moved"] = _num(df, "moved") > 0
    df["_minutes"] = _num(df, "minutes")
    df["_origin"] = df["origin_id"].astype(str) if "origin_id" in df else ""
    df["_band"] = df["band"].astype(str) if "band" in df else ""
    df = df.sort_values(["_moved", "_minutes", "_origin", "_band"],
                        ascending=[False, False, True, True], kind="stable")


    rows = []
    for _, r in df.iterrows():
        boards = not _missing(_value(r, "boards")) and float(r["boards"]) > 0
        rows.append({
            "origin": _label(_text(_value(r, "origin_id")), origin_names),
            "band": BAND_LABELS.get(str(_value(r, "band")), str(_value(r, "band"))),
            "pupils": fmt_pupils(_value(r, "pupils")),
            "from": _label(_text(_value(r, "current_school_id")), names),
            "to": _label(_text(_value(r, "school_id")), names),
            "minutes": fmt_minutes(_value(r, "minutes")),
            "km": fmt_minutes(_value(r, "km")),
            "mode": "Boarding" if boards else "Day",
            "boards": boards,
            "moved": bool(r["_moved"]),
        })
    return rows


def _label(key: str, names: dict[str, str]) -> str:
    """``Name (id)`` when the id has a name, else the id, or a dash when empty."""
    name = names.get(key)
    return f"{name} ({key})" if name else (key or "–")


def _cost_rows(cost: dict) -> list[dict]:
    """Yearly cost by term, with each term's share of the total."""
    total = cost.get("total")
    rows = []
    for key, label in COST_TERMS + [(k, k.replace("_", " ").capitalize()) for k in cost
                                    if k not in dict(COST_TERMS) and k != "total"]:
        if key not in cost:
            continue
        share = (None if _missing(total) or not total or _missing(cost[key])
                 else float(cost[key]) / float(total))
        rows.append({"label": label, "value": fmt_yuan(cost[key]), "share": fmt_share(share),
                     "total": False})
    if cost:
        rows.append({"label": "Total per year", "value": fmt_yuan(total),
                     "share": "100.0%" if not _missing(total) and total else "–", "total": True})
    return rows


def _capital_rows(capital: dict) -> list[dict]:
    """One-off building cost by term."""
    rows = [{"label": label, "value": fmt_yuan(capital[k]), "total": False}
            for k, label in CAPITAL_TERMS if k in capital]
    if capital:
        rows.append({"label": "Total one-off", "value": fmt_yuan(capital.get("total")),
                     "total": True})
    return rows


def _footer(summary: dict) -> list[tuple[str, str]]:
    """Solver details for the footer, as label and text pairs."""
    gap = summary.get("gap")
    seconds = summary.get("seconds")
    return [
        ("Solver", str(summary.get("solver") or "–")),
        ("Status", str(summary.get("status") or "–")),
        ("Gap to best possible", "–" if _missing(gap) else f"{100 * float(gap):.2f}%"),
        ("Solve time", "–" if _missing(seconds) else f"{float(seconds):,.1f} s"),
        ("Objective", fmt_yuan(summary.get("objective")) + " per year"
         if not _missing(summary.get("objective")) else "–"),
    ]
