"""Render a plan as one self-contained HTML page for county officials, in English or Chinese.

The page has no external references: CSS is inline and the map is embedded as a base64 data URI,
so it can be e-mailed, opened offline and printed. Text from the data (school names, reasons,
scenario name) is escaped by jinja2's autoescaping. Every fixed string comes from
:mod:`consolidation.i18n`.
"""

from __future__ import annotations

import base64
import math
from os import PathLike
from pathlib import Path

import jinja2
import pandas as pd

from .. import ALL_BANDS, BANDS, KG, __version__, pupils_column
from ..families import COST_TERMS, PUBLIC_CATEGORIES
from .. import i18n
from ..i18n import fmt_int, fmt_minutes, fmt_pupils, fmt_share, fmt_yuan
from ..i18n import missing as _missing
from .change_section import change_context, checks_context
from .campuses import INSTITUTION_COLUMNS, campus_context
from ..messages import Message, texts
from .central_section import central_context
from .decisions import decisions_context
from .group_map import group_colors
from .kindergarten import kindergarten_context

ROLE_ORDER = {"hub": 0, "kept": 1, "campus": 1.5, "teaching_point": 2, "closed": 3}
STATUS_TONE = {"optimal": "good", "feasible": "warn", "infeasible": "bad", "no_solution": "bad"}
CAPITAL_TERMS = ("places", "beds", "buses", "kg_places")


def render_report(*, summary: dict, schools: pd.DataFrame, assignments: pd.DataFrame,
                  map_png: str | PathLike | bytes | None = None,
                  origins: pd.DataFrame | None = None, lang: str = "en", groups=None,
                  groups_png: bytes | None = None, redeployments: pd.DataFrame | None = None,
                  programme: dict | None = None, campuses: pd.DataFrame | None = None,
                  checks: pd.DataFrame | None = None, change_png: bytes | None = None,
                  imap: dict | None = None, decisions=None, alternatives=None) -> str:
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
    lang : str, default "en"
        ``zh`` for a page entirely in Chinese (``<html lang="zh-CN">``); anything else is English.
    groups : consolidation.groups.GroupResult, optional
        Education groups formed after the plan: the page then has a section with their table.
    groups_png : bytes, optional
        The group map (PNG bytes), shown in that section.
    redeployments : pandas.DataFrame, optional
        Teachers moved between schools (``from_school_id``, ``to_school_id``, ``teachers``, ``minutes``), listed
        in the Teachers section; that section shows when ``summary`` has ``teachers_needed``.
    programme : dict, optional
        The Programme section of a programme of several years
        (:func:`consolidation.report.programme.programme_context`), shown at the top; the rest of the page is
        then the last year's plan. None (a plan of one year) leaves the section out.
    checks : pandas.DataFrame, optional
        The policy checks (:mod:`consolidation.policy`), shown in their section with ``summary["policy_checks"]``.
    change_png : bytes, optional
        The map of each village's change in minutes, shown in "Who loses what" (with the assignments'
        before/after columns, :mod:`consolidation.before_after`).
    campuses : pandas.DataFrame, optional
        Schools with campuses as institutions (:func:`consolidation.report.campuses.institutions`): the page
        then has a "One school, several campuses" (一校多区) section.
    imap : dict, optional
        The interactive map (:func:`consolidation.report.web_map.interactive_map`), shown on screen above the
        PNG map (print shows the PNG map only). None leaves it out.
    decisions : consolidation.decisions.Decisions, optional
        Why each school: the "Why each school" section (closest calls first). None leaves it out.
    alternatives : consolidation.alternatives.Alternatives, optional
        The alternative plans: the "Alternative plans" section. None (or none asked) leaves it out.

    Returns
    -------
    str
        The HTML page.

    Raises
    ------
    FileNotFoundError
        If ``map_png`` is a path that does not exist.
    """
    lang = i18n.norm_lang(lang)
    if isinstance(map_png, (bytes, bytearray)):
        png = bytes(map_png)
    elif map_png is not None:
        png = Path(map_png).read_bytes()
    else:
        png = None
    schools = schools if schools is not None else pd.DataFrame()
    assignments = assignments if assignments is not None else pd.DataFrame()
    status = str(summary.get("status") or "no_solution")
    badge = status_text(status, summary.get("gap"), lang)
    tone = STATUS_TONE.get(status, "warn")
    has_plan = status in ("optimal", "feasible")
    names = _school_names(schools)
    context = {
        "t": lambda key, **fmt: i18n.text(key, lang, **fmt),
        "html_lang": i18n.html_lang(lang),
        "scenario": str(summary.get("scenario") or i18n.text("report.unnamed", lang)),
        "status": status,
        "badge": badge,
        "tone": tone,
        "has_plan": has_plan,
        "description": description(summary, lang),
        "overrides": [f"{o['key']}: {o['old']} \u2192 {o['new']}" for o in summary.get("overrides") or []],
        "reasons": said(summary, "reasons", lang),
        "notes": [n for n in said(summary, "notes", lang) if n not in said(summary, "reasons", lang)],
        "status_word": status_word(status, lang),
        "cards": _cards(summary, lang) if has_plan else [],
        "map_uri": data_uri(png) if png else None,
        "travel": _travel_rows(summary.get("travel_minutes") or {}, lang) if has_plan else [],
        "schools": _school_rows(schools, lang),
        "trips": _trip_rows(assignments, names, _origin_names(origins), lang),
        "trips_moved": int((_num(assignments, "moved") > 0).sum()),
        "costs": _budget_rows(summary, lang) if has_plan else [],
        "capital": _capital_rows(summary.get("capital") or {}, lang) if has_plan else [],
        "footer": _footer(summary, lang),
        "version": __version__,
        **group_context(groups, groups_png, names, lang, schools=schools, summary=summary),
        **teacher_context(summary if has_plan else {}, redeployments, names, lang),
        **kindergarten_context(summary if has_plan else {}, schools, lang),
        "band_heads": [i18n.text(f"band_short.{b}", lang) for b in _table_bands(schools)],
        **central_context(schools if has_plan else pd.DataFrame(), summary, lang),
        "school_posts": "posts" in schools or "posts_needed" in schools,
        "school_budget": "cost_public" in schools,
        "programme": programme if has_plan else None,
        **change_context(summary if has_plan else {}, assignments, names, _origin_names(origins),
                         data_uri(change_png) if change_png else None, lang),
        **checks_context(summary if has_plan else {}, checks, names, _origin_names(origins),
                         (summary.get("policy_checks") or {}).get("near_share"), lang),
        **campus_context(campuses if campuses is not None and has_plan else pd.DataFrame(
            columns=INSTITUTION_COLUMNS), names, lang),
        "imap": imap if has_plan else None,
        **decisions_context(decisions if has_plan else None, alternatives if has_plan else None, names, lang),
    }
    return environment().get_template("report.html").render(**context)


def headline_lines(summary: dict, lang: str = "en") -> list[str]:
    """Return the report's gist as lines of text: the reasons (why no plan, or notes), then the headline numbers.

    Each headline number is ``label: value (note)``; for the plainer PDF written when no browser can print.
    """
    status = str(summary.get("status") or "no_solution")
    reasons = said(summary, "reasons", lang)
    if status not in ("optimal", "feasible"):
        return [i18n.text("report.why_none", lang), *(f"\u2022 {r}" for r in reasons)]
    cards = [f"{c['label']}: {c['value']}" + (f" ({c['note']})" if c["note"] else "") for c in _cards(summary, lang)]
    return cards + ([i18n.text("report.notes", lang), *(f"\u2022 {r}" for r in reasons)] if reasons else [])


def said(summary: dict, key: str, lang: str = "en") -> list[str]:
    """Return the sentences of ``summary[key]`` (``reasons``, ``notes``) in ``lang``.

    Each sentence that is a :class:`consolidation.messages.Message` in that language; from a summary read back
    from summary.json (plain strings), the ``<key>_zh`` list written beside it when ``lang`` is ``zh``.
    """
    items = list(summary.get(key) or [])
    stored = summary.get(f"{key}_zh")
    if i18n.norm_lang(lang) == "zh" and isinstance(stored, list) and len(stored) == len(items) \
            and not any(isinstance(x, Message) for x in items):
        return [str(x) for x in stored]
    return texts(items, lang)


def description(summary: dict, lang: str = "en") -> str:
    """Return the scenario's description in ``lang``.

    In Chinese ``description_zh``; without it the English description, marked as untranslated (so that a
    reader knows it is not a summary written for them, and the analyst sees what to add).
    """
    english = str(summary.get("description") or "")
    if i18n.norm_lang(lang) != "zh":
        return english
    chinese = str(summary.get("description_zh") or "")
    return chinese or (i18n.text("report.untranslated", lang, text=english) if english else "")


def status_word(status: str, lang: str = "en") -> str:
    """Return the solver status for the badge's tooltip: the code in English (``optimal``), words in Chinese."""
    key = f"status_short.{status}"
    return i18n.text(key, lang) if i18n.norm_lang(lang) == "zh" and key in i18n.EN else status


def status_text(status: str, gap, lang: str = "en") -> str:
    """Return the status badge: e.g. "Best plan found", or how far a feasible plan may be from the best."""
    if status == "feasible" and not _missing(gap):
        return i18n.text("status.feasible_gap", lang, gap=f"{100 * float(gap):.1f}%")
    key = f"status.{status}"
    return i18n.text(key, lang) if key in i18n.EN else status


def data_uri(png: bytes, mime: str = "image/png") -> str:
    """Return the image as a base64 data URI, to embed it in the page."""
    return f"data:{mime};base64," + base64.b64encode(png).decode("ascii")


def environment() -> jinja2.Environment:
    """Return the jinja2 environment with templates from this package and autoescaping on."""
    return jinja2.Environment(loader=jinja2.PackageLoader("consolidation.report", "templates"),
                              autoescape=True, trim_blocks=True, lstrip_blocks=True,
                              undefined=jinja2.StrictUndefined)


def _num(df: pd.DataFrame, col: str) -> pd.Series:
    """Return a numeric column, zeros where missing."""
    if col not in df:
        return pd.Series(0.0, index=df.index)
    return pd.to_numeric(df[col], errors="coerce").fillna(0.0)


def _value(row, col: str):
    """Return a field of a row, None when the column is absent."""
    return row[col] if col in row.index else None


def _text(x) -> str:
    """Return a field as text, empty when missing."""
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else str(x)


def band_label(band: str, lang: str = "en") -> str:
    """``Grades 1-3`` / ``1-3年级``; unknown bands as they are."""
    key = f"band.{band}"
    return i18n.text(key, lang) if key in i18n.EN else str(band)


def role_label(role: str, lang: str = "en") -> str:
    """``Hub`` / ``接收学校``, ``Kept`` / ``保留``, ``Closed`` / ``撤并``; unknown roles as they are."""
    key = f"role.{role}"
    return i18n.text(key, lang) if key in i18n.EN else str(role)


def hub_role(row) -> str:
    """Return the role key of a hub by what it is: ``role.hub_nine_year_boarding``, ``role.hub_boarding``, ...

    A hub with boarders is a boarding school (寄宿制学校), one teaching all three bands a nine-year school
    (九年一贯制学校), both a nine-year boarding school; otherwise a township hub (``kind`` township) is a central
    school (中心校), a city one a city school (城区学校), and any other simply a hub (接收学校).
    """
    boards = not _missing(_value(row, "boarders")) and float(row["boarders"]) > 0
    nine = _teaches_all_bands(row)
    if boards or nine:
        return "role.hub" + ("_nine_year" if nine else "") + ("_boarding" if boards else "")
    kind = _text(_value(row, "kind")).strip().lower()
    return {"township": "role.hub_township", "city": "role.hub_city"}.get(kind, "role.hub")


def _teaches_all_bands(row) -> bool:
    """Whether a school teaches grades 1-9: its ``teaches_<band>`` columns, else ``bands``, else pupils of each."""
    if all(f"teaches_{b}" in row.index for b in BANDS):
        return all(bool(row[f"teaches_{b}"]) for b in BANDS)
    bands = _text(_value(row, "bands"))
    if bands:
        return all(b in bands for b in BANDS)
    return all(not _missing(_value(row, pupils_column(b))) and float(row[pupils_column(b)]) > 0 for b in BANDS)


def school_role_label(row, lang: str = "en") -> str:
    """Return a school's role in words, a hub named by what it is (:func:`hub_role`); others as :func:`role_label`."""
    role = _text(_value(row, "role"))
    return i18n.text(hub_role(row), lang) if role == "hub" else role_label(role, lang)


def _cards(summary: dict, lang: str) -> list[dict]:
    """Headline numbers: label, value, a note and whether to flag the card red."""
    t = lambda key, **fmt: i18n.text(key, lang, **fmt)  # noqa: E731
    total_schools = (summary.get("schools_open") or 0) + (summary.get("schools_closed") or 0)
    moved, total = summary.get("pupils_moved"), summary.get("pupils_total")
    share = (t("card.moved_note", share=fmt_share(moved / total), total=fmt_pupils(total))
             if not _missing(moved) and not _missing(total) and total else
             t("of_pupils", total=fmt_pupils(total)))
    g13 = summary.get("boarders_g1_3")
    young = not _missing(g13) and float(g13) > 0
    return [
        {"label": t("card.open"), "value": fmt_int(summary.get("schools_open")),
         "note": t("card.open_note", n=fmt_int(total_schools)), "flag": False},
        {"label": t("card.closed"), "value": fmt_int(summary.get("schools_closed")),
         "note": "", "flag": False},
        {"label": t("card.hubs"), "value": fmt_int(summary.get("hubs")),
         "note": t("card.hubs_note"), "flag": False},
        {"label": t("card.moved"), "value": fmt_pupils(moved), "note": share, "flag": False},
        {"label": t("card.boarders"), "value": fmt_pupils(summary.get("boarders")),
         "note": t("card.boarders_note", n=fmt_pupils(g13)), "flag": young},
        {"label": t("card.places"), "value": fmt_int(summary.get("places_added")),
         "note": t("card.places_note"), "flag": False},
        {"label": t("card.beds"), "value": fmt_int(summary.get("beds_added")),
         "note": t("card.beds_note"), "flag": False},
        {"label": t("card.buses"), "value": fmt_int(summary.get("buses")),
         "note": t("card.buses_note", n=fmt_pupils(summary.get("bus_riders"))), "flag": False},
        {"label": t("card.public"), "value": fmt_yuan((summary.get("cost_public") or {}).get("total"), lang),
         "note": t("card.public_note"), "flag": False},
        {"label": t("card.capital"),
         "value": fmt_yuan((summary.get("capital") or {}).get("total"), lang),
         "note": t("card.capital_note"), "flag": False},
        {"label": t("card.families"), "value": fmt_int((summary.get("cost_families") or {}).get("pupil_minutes")),
         "note": t("card.families_note"), "flag": False},
    ]


def _travel_rows(travel: dict, lang: str) -> list[dict]:
    """One row per grade band, in the usual band order."""
    bands = [b for b in BANDS if b in travel] + [b for b in travel if b not in BANDS]
    rows = []
    for band in bands:
        t = travel[band] or {}
        limit = t.get("limit")
        rows.append({
            "band": band_label(band, lang),
            "pupils": fmt_pupils(t.get("pupils")),
            "mean": fmt_minutes(t.get("mean")),
            "p90": fmt_minutes(t.get("p90")),
            "max": fmt_minutes(t.get("max")),
            "limit": i18n.text("no_limit", lang) if _missing(limit) else fmt_minutes(limit),
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


def _table_bands(schools: pd.DataFrame) -> tuple[str, ...]:
    """Return the bands of the schools table's columns: KG first when the run has kindergarten children."""
    return ALL_BANDS if pupils_column(KG) in schools else BANDS


def _school_rows(schools: pd.DataFrame, lang: str) -> list[dict]:
    """Schools sorted hubs, kept, closed; largest first within each role."""
    if len(schools) == 0:
        return []
    df = pd.DataFrame(schools).copy()
    role = df["role"].astype(str) if "role" in df else pd.Series("kept", index=df.index)
    df["_order"] = role.map(ROLE_ORDER).fillna(3)
    df["_pupils"] = _num(df, "pupils")
    df["_name"] = df["name"].astype(str) if "name" in df else ""
    df = df.sort_values(["_order", "_pupils", "_name"], ascending=[True, False, True])
    rows, bands = [], _table_bands(df)
    for _, r in df.iterrows():
        rl = _text(_value(r, "role"))
        rows.append({
            "name": _text(_value(r, "name")),
            "id": _text(_value(r, "school_id")),
            "role": rl,
            "role_label": school_role_label(r, lang) + (f" · {i18n.text('kind.kindergarten', lang)}"
                                                        if _value(r, "kind") == "kindergarten" else ""),
            "before": fmt_pupils(_value(r, "pupils_before")),
            "after": fmt_pupils(_value(r, "pupils")),
            "bands": [fmt_pupils(_value(r, pupils_column(b))) for b in bands],
            "capacity": fmt_int(_value(r, "capacity")),
            "places_added": fmt_int(_value(r, "places_added")),
            "beds": fmt_int(_value(r, "beds")),
            "beds_used": fmt_int(_value(r, "beds_used")),
            "beds_added": fmt_int(_value(r, "beds_added")),
            "boarders": fmt_pupils(_value(r, "boarders")),
            "posts": _posts(r) if rl != "closed" else "–",
            "buses": fmt_int(_value(r, "buses")),
            "public": fmt_yuan(_value(r, "cost_public"), lang),
            "grows_places": not _missing(_value(r, "places_added")) and r["places_added"] > 0,
            "grows_beds": not _missing(_value(r, "beds_added")) and r["beds_added"] > 0,
        })
    return rows


def _posts(row) -> str:
    """Return a school's staff posts, and its life teachers when it has any: ``25`` or ``25 + 1``."""
    life = _value(row, "life_teachers")
    posts = fmt_int(_value(row, "posts") if "posts" in row.index else _value(row, "posts_needed"))
    return posts if _missing(life) or not life else f"{posts} + {fmt_int(life)}"


def _origin_names(origins: pd.DataFrame | None) -> dict[str, str]:
    """Map origin id (as a string) to name, when the origins have names."""
    if origins is None or "origin_id" not in origins or "name" not in origins:
        return {}
    return {_text(i): _text(n) for i, n in zip(origins["origin_id"], origins["name"]) if _text(n)}


def _trip_rows(assign: pd.DataFrame, names: dict[str, str],
               origin_names: dict[str, str], lang: str) -> list[dict]:
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
            "origin": label(_text(_value(r, "origin_id")), origin_names),
            "band": band_label(str(_value(r, "band")), lang),
            "pupils": fmt_pupils(_value(r, "pupils")),
            "from": label(_text(_value(r, "current_school_id")), names),
            "to": label(_text(_value(r, "school_id")), names),
            "minutes": fmt_minutes(_value(r, "minutes")),
            "km": fmt_minutes(_value(r, "km")),
            "mode": i18n.text("mode.board" if boards else "mode.day", lang),
            "boards": boards,
            "moved": bool(r["_moved"]),
        })
    return rows


def label(key: str, names: dict[str, str]) -> str:
    """``Name (id)`` when the id has a name, else the id, or a dash when empty."""
    name = names.get(key)
    return f"{name} ({key})" if name else (key or "–")


def _budget_rows(summary: dict, lang: str) -> list[dict]:
    """Return the public yearly cost by category with shares, its total, then families' time (and the objective)."""
    public = summary.get("cost_public") or {}
    if not public:  # a run folder written before the public budget existed: its cost terms as they were
        return _cost_rows(summary.get("cost") or {}, lang)
    total = public.get("total")
    rows = []
    for key in PUBLIC_CATEGORIES:
        value = public.get(key)
        share = None if _missing(total) or not total or _missing(value) else float(value) / float(total)
        rows.append({"label": i18n.text(f"budget.{key}", lang), "value": fmt_yuan(value, lang),
                     "share": fmt_share(share), "total": False})
    rows.append({"label": i18n.text("budget.total", lang), "value": fmt_yuan(total, lang), "share": "",
                 "total": True})
    families = summary.get("cost_families") or {}
    minutes = i18n.text("budget.families_minutes", lang, n=fmt_int(families.get("pupil_minutes")))
    valued = families.get("yuan")
    rows.append({"label": i18n.text("budget.families", lang) + " (" + minutes + ")",
                 "value": fmt_yuan(valued, lang) if valued else i18n.text("budget.not_valued", lang),
                 "share": "", "total": False})
    if valued:
        rows.append({"label": i18n.text("budget.objective", lang), "value": fmt_yuan(summary.get("objective"), lang),
                     "share": "", "total": True})
    return rows


def _cost_rows(cost: dict, lang: str) -> list[dict]:
    """Yearly cost by term, with each term's share of the total."""
    total = cost.get("total")
    keys = [k for k in COST_TERMS if k in cost] + [k for k in cost if k not in COST_TERMS and k != "total"]
    rows = []
    for key in keys:
        share = (None if _missing(total) or not total or _missing(cost[key])
                 else float(cost[key]) / float(total))
        name = (i18n.text(f"cost.{key}", lang) if f"cost.{key}" in i18n.EN
                else key.replace("_", " ").capitalize())
        rows.append({"label": name, "value": fmt_yuan(cost[key], lang), "share": fmt_share(share),
                     "total": False})
    if cost:
        rows.append({"label": i18n.text("cost.total", lang), "value": fmt_yuan(total, lang),
                     "share": "100.0%" if not _missing(total) and total else "–", "total": True})
    return rows


def _capital_rows(capital: dict, lang: str) -> list[dict]:
    """One-off building cost by term."""
    rows = [{"label": i18n.text(f"capital.{k}", lang), "value": fmt_yuan(capital[k], lang), "total": False}
            for k in CAPITAL_TERMS if k in capital]
    if capital:
        rows.append({"label": i18n.text("capital.total", lang), "value": fmt_yuan(capital.get("total"), lang),
                     "total": True})
    return rows


def _footer(summary: dict, lang: str) -> list[tuple[str, str]]:
    """Solver details for the footer, as label and text pairs."""
    t = lambda key, **fmt: i18n.text(key, lang, **fmt)  # noqa: E731
    gap = summary.get("gap")
    seconds = summary.get("seconds")
    status = summary.get("status")
    status_key = f"status_short.{status}"
    return [
        (t("footer.solver"), str(summary.get("solver") or "–")),
        (t("footer.status"), t(status_key) if status_key in i18n.EN else str(status or "–")),
        (t("footer.gap"), "–" if _missing(gap) else f"{100 * float(gap):.2f}%"),
        (t("footer.time"), "–" if _missing(seconds) else t("seconds", s=f"{float(seconds):,.1f}")),
        (t("footer.objective"), t("per_year", value=fmt_yuan(summary.get("objective"), lang))
         if not _missing(summary.get("objective")) else "–"),
    ]


def group_context(groups, png: bytes | None, names: dict[str, str], lang: str, *,
                  schools: pd.DataFrame | None = None, summary: dict | None = None) -> dict:
    """Return the template values of the education-group section (empty without groups).

    One row per group (its colour on the map, core, members as ``Name (ID)``, their count, the farthest
    member's minutes, teachers, and with subject posts counted the posts its travelling teachers hold and
    those its schools would need alone), the map as a data URI, the schools taking part that are in no group,
    and the notes on how the groups were planned and the subject posts saved (from ``summary``).
    """
    if groups is None or len(groups.by_group) == 0:
        return {"group_rows": [], "group_map_uri": None, "group_teachers": False, "group_outside": "",
                "group_subjects": False, "group_notes": []}
    table = groups.by_group
    colors = group_colors(table["group_id"])
    subjects = _group_subjects(schools)
    rows = [{"id": str(r.group_id), "color": colors[str(r.group_id)], "core": label(str(r.core_id), names),
             "members": [label(str(m), names) for m in r.member_ids], "n": fmt_int(r.members),
             "farthest": fmt_minutes(r.max_minutes) if r.members else "–",
             "teachers": fmt_int(getattr(r, "teachers", None)),
             "subject": fmt_int(subjects.get(str(r.group_id), (None, None))[0]),
             "subject_alone": fmt_int(subjects.get(str(r.group_id), (None, None))[1])} for r in table.itertuples()]
    return {"group_rows": rows, "group_map_uri": data_uri(png) if png else None,
            "group_teachers": "teachers" in table, "group_subjects": bool(subjects),
            "group_outside": i18n.join_names([label(s, names) for s in groups.outside], lang),
            "group_notes": _group_notes(summary or {}, lang)}


def _group_subjects(schools: pd.DataFrame | None) -> dict[str, tuple[float, float]]:
    """Return each group's subject posts held and needed alone, by ``group_id`` (empty when not counted)."""
    if schools is None or "subject_posts" not in schools or "group_id" not in schools:
        return {}
    grouped = schools[schools["group_id"].fillna("").astype(str) != ""]
    sums = grouped.groupby(grouped["group_id"].astype(str))[["subject_posts", "subject_posts_alone"]].sum()
    return {g: (float(r.subject_posts), float(r.subject_posts_alone)) for g, r in sums.iterrows()}


def _group_notes(summary: dict, lang: str) -> list[str]:
    """Say how the groups were planned, and the subject posts held and saved."""
    notes = []
    if summary.get("groups_mode") in ("joint", "after"):
        notes.append(i18n.text(f"group.mode_{summary['groups_mode']}", lang))
    posts = summary.get("subject_posts")
    if posts:
        notes.append(i18n.text("group.subject_note", lang, subjects=i18n.join_names(posts.get("subjects", []), lang),
                               held=fmt_int(posts["posts"]), alone=fmt_int(posts["alone"]),
                               saved=fmt_int(posts["saved"]), yuan=fmt_yuan(posts["yuan_saved"], lang)))
    return notes


def teacher_context(summary: dict, moves: pd.DataFrame | None, names: dict[str, str], lang: str) -> dict:
    """Return the template values of the Teachers section (empty without ``teachers_needed`` in the summary).

    Headline cards, the teachers redeployed as sentences ("8 teachers from A (S13) to B (S30), 12.0 min"),
    and whether the data have teachers (``teachers_available`` known).
    """
    if _missing(summary.get("teachers_needed")):
        return {"teacher_cards": [], "teacher_moves": [], "teachers_known": False}
    t = lambda key, **fmt: i18n.text(key, lang, **fmt)  # noqa: E731
    needed, life = summary["teachers_needed"], summary.get("life_teachers") or 0
    cards = [{"label": t("teachers.card_needed"), "value": fmt_int(needed),
              "note": t("teachers.card_needed_note", posts=fmt_int(needed - life), life=fmt_int(life)), "flag": False},
             {"label": t("teachers.card_life"), "value": fmt_int(life),
              "note": t("teachers.card_life_note", n=fmt_pupils(summary.get("boarders"))), "flag": False}]
    known = not _missing(summary.get("teachers_available"))
    if known:
        recruit = summary.get("posts_to_recruit") or 0
        cards[1:1] = [{"label": t("teachers.card_available"), "value": fmt_int(summary["teachers_available"]),
                       "note": t("teachers.card_available_note"), "flag": False},
                      {"label": t("teachers.card_redeployed"), "value": fmt_int(summary.get("teachers_redeployed")),
                       "note": t("teachers.card_redeployed_note"), "flag": False}]
        cards += [{"label": t("teachers.card_to_life"), "value": fmt_int(summary.get("teachers_to_life")),
                   "note": t("teachers.card_to_life_note"), "flag": False},
                  {"label": t("teachers.card_recruit"), "value": fmt_int(recruit),
                   "note": t("teachers.card_recruit_note", posts=fmt_int(summary.get("teachers_recruited")),
                             life=fmt_int(summary.get("life_teachers_recruited"))), "flag": recruit > 0},
                  {"label": t("teachers.card_surplus"), "value": fmt_int(summary.get("teachers_surplus")),
                   "note": t("teachers.card_surplus_note"), "flag": False}]
    rows = []
    if known and moves is not None and len(moves):
        for r in moves.sort_values(["teachers", "from_school_id", "to_school_id"],
                                   ascending=[False, True, True]).itertuples():
            n = int(r.teachers)
            move = t("teachers.move_1" if n == 1 else "teachers.move_n", n=fmt_int(n),
                     src=label(str(r.from_school_id), names), dst=label(str(r.to_school_id), names),
                     minutes=fmt_minutes(r.minutes))
            rows.append(t("teachers.move_group", move=move) if getattr(r, "scope", "") == "group" else move)
    return {"teacher_cards": cards, "teacher_moves": rows, "teachers_known": known}
