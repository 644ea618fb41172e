"""What a comparison computes from the runs: headline numbers, decisions that differ, settings that differ.

Pure functions of the runs already read; nothing here touches the disk or draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import BANDS, i18n
from ..families import COST_TERMS, PUBLIC_CATEGORIES
from ..report.html import band_label, label
from .runs import DataDifference, RunFolder
from .shapes import HAS_PLAN

TOLERANCE = {"int": 0.5, "pupils": 0.05, "minutes": 0.05, "share": 0.0005, "yuan": 0.5}
IGNORED_SETTINGS = ("name", "description", "description_zh")
ROLE_FIRST = {"closed": 0, "teaching_point": 1, "hub": 2, "kept": 3}  # in the action list, closures are named first


@dataclass
class Comparison:
    """The runs being compared, the language of the output and the input files that differ.

    Everything the page and the PDF show is computed from this once (see :mod:`.content`).
    """

    runs: list[RunFolder]
    lang: str
    differences: list[DataDifference] = field(default_factory=list)

    @property
    def ref(self) -> RunFolder:
        """The reference run: the first given."""
        return self.runs[0]

    def t(self, key: str, **fmt) -> str:
        """Translate ``key`` into the comparison's language, formatted with ``fmt``."""
        return i18n.text(key, self.lang, **fmt)


def short_status(status: str, lang: str) -> str:
    """Name a run's status in a word or two ("optimal", "no plan"), or as recorded when unknown."""
    return i18n.text(f"status_short.{status}", lang) if f"status_short.{status}" in i18n.EN else status


# ------------------------------------------------------------------------------------- headline numbers


def _get(summary: dict, path: tuple[str, ...]) -> Any:
    """Look up a nested key of summary.json, or None where a level is missing."""
    value: Any = summary
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _fmt(value: Any, kind: str, lang: str) -> str:
    """Format a value of a kind (``yuan``, ``minutes``, ``share``, ``pupils`` or ``int``)."""
    if kind == "yuan":
        return i18n.fmt_yuan(value, lang)
    if kind == "minutes":
        return i18n.fmt_minutes(value, lang)
    if kind == "share":
        return i18n.fmt_share(value, lang)
    if kind == "pupils":
        return i18n.fmt_pupils(value, lang)
    return i18n.fmt_int(value, lang)


def _school_specs(cmp: Comparison) -> list[tuple]:
    """List the measures of schools and pupils."""
    t = cmp.t
    return [
        ("group", t("cmp.group.schools")),
        (("schools_open",), t("cmp.m.schools_open"), "int", None, False),
        (("schools_closed",), t("cmp.m.schools_closed"), "int", None, False),
        (("hubs",), t("cmp.m.hubs"), "int", None, False),
        (("teaching_points",), t("cmp.m.teaching_points"), "int", None, False),
        *([(("groups",), t("cmp.m.groups"), "int", None, False)]
          if any(r.summary.get("groups") for r in cmp.runs) else []),
        ("group", t("cmp.group.pupils")),
        (("pupils_moved",), t("cmp.m.pupils_moved"), "pupils", None, False),
        (("boarders",), t("cmp.m.boarders"), "pupils", None, False),
        (("boarders_g1_3",), t("cmp.m.boarders_g1_3"), "pupils", "lower", False),
        (("places_added",), t("cmp.m.places_added"), "int", None, False),
        (("beds_added",), t("cmp.m.beds_added"), "int", None, False),
    ]


def _teacher_specs(cmp: Comparison) -> list[tuple]:
    """List the measures of teachers, when any run counted them."""
    if not any(r.summary.get("teachers_needed") is not None for r in cmp.runs):
        return []
    t = cmp.t
    return [("group", t("teachers.section")),
            (("teachers_needed",), t("teachers.card_needed"), "int", "lower", False),
            (("teachers_available",), t("teachers.card_available"), "int", None, False),
            (("teachers_redeployed",), t("teachers.card_redeployed"), "int", None, False),
            (("life_teachers",), t("teachers.card_life"), "int", None, False)]


def _travel_specs(cmp: Comparison) -> list[tuple]:
    """List the travel-time measures of every band any run has, the known bands first in their order."""
    t = cmp.t
    bands: list[str] = []
    for run in cmp.runs:
        bands += [b for b in (run.summary.get("travel_minutes") or {}) if b not in bands]
    specs: list[tuple] = []
    for band in [b for b in BANDS if b in bands] + [b for b in bands if b not in BANDS]:
        specs += [
            ("group", t("cmp.group.travel", band=band_label(band, cmp.lang))),
            (("travel_minutes", band, "limit"), t("cmp.m.limit"), "minutes", None, False),
            (("travel_minutes", band, "mean"), t("cmp.m.mean"), "minutes", "lower", False),
            (("travel_minutes", band, "p90"), t("cmp.m.p90"), "minutes", "lower", False),
            (("travel_minutes", band, "max"), t("cmp.m.max"), "minutes", "lower", False),
            (("travel_minutes", band, "over_limit_share"), t("cmp.m.over"), "share", "lower", False),
        ]
    return specs


def _public_specs(cmp: Comparison) -> list[tuple]:
    """List the public yearly cost by category and its total, then families' pupil-minutes, when any run has them."""
    if not any(run.summary.get("cost_public") for run in cmp.runs):
        return []
    t = cmp.t
    specs: list[tuple] = [("group", t("cmp.group.public"))]
    specs += [(("cost_public", key), t(f"budget.{key}"), "yuan", "lower", False) for key in PUBLIC_CATEGORIES]
    specs += [(("cost_public", "total"), t("budget.total"), "yuan", "lower", True),
              (("cost_families", "pupil_minutes"), t("cmp.m.pupil_minutes"), "int", "lower", False),
              (("buses",), t("card.buses"), "int", "lower", False),
              (("bus_riders",), t("cmp.m.bus_riders"), "pupils", None, False),
              (("teachers_recruited",), t("cmp.m.teachers_recruited"), "int", "lower", False),
              (("teachers_to_life",), t("teachers.card_to_life"), "int", None, False),
              (("teachers_surplus",), t("teachers.card_surplus"), "int", None, False)]
    return specs


def _cost_specs(cmp: Comparison) -> list[tuple]:
    """List each cost term any run has (the shared terms first, in their order), the total and the capital."""
    t = cmp.t
    terms: list[str] = []
    for run in cmp.runs:
        terms += [k for k in (run.summary.get("cost") or {}) if k != "total" and k not in terms]
    specs: list[tuple] = [("group", t("cmp.group.cost"))]
    for term in [k for k in COST_TERMS if k in terms] + [k for k in terms if k not in COST_TERMS]:
        name = t(f"cost.{term}") if f"cost.{term}" in i18n.EN else term.replace("_", " ").capitalize()
        specs.append((("cost", term), name, "yuan", "lower", False))
    specs.append((("cost", "total"), t("cost.total"), "yuan", "lower", True))
    specs += [("group", t("cmp.group.capital")),
              (("capital", "places"), t("capital.places"), "yuan", "lower", False),
              (("capital", "beds"), t("capital.beds"), "yuan", "lower", False),
              (("capital", "buses"), t("capital.buses"), "yuan", "lower", False),
              (("capital", "total"), t("capital.total"), "yuan", "lower", True)]
    return specs


def _metric_specs(cmp: Comparison) -> list[tuple]:
    """List ``("group", label)`` or ``(path, label, kind, direction, total)``; direction ``lower`` = lower is better."""
    return _school_specs(cmp) + _teacher_specs(cmp) + _travel_specs(cmp) + _public_specs(cmp) + _cost_specs(cmp)


def _solved(run: RunFolder) -> bool:
    """Tell whether the run's status is one with a plan (its tables may still be missing)."""
    return run.status in HAS_PLAN


def _cell(value: Any, ref: Any, i: int, kind: str, direction: str | None, lang: str) -> dict:
    """Make one run's cell: its value and, after the first run, its difference from the reference's."""
    cell = {"value": _fmt(value, kind, lang), "diff": "", "arrow": "", "tone": ""}
    if i > 0 and not i18n.missing(value) and not i18n.missing(ref):
        d = float(value) - float(ref)
        if abs(d) >= TOLERANCE[kind]:
            cell["diff"] = i18n.fmt_signed(d, kind, lang)
            cell["arrow"] = "▲" if d > 0 else "▼"
            cell["tone"] = ("neutral" if direction is None else
                            "worse" if (d > 0) == (direction == "lower") else "better")
    return cell


def _metric_row(cmp: Comparison, spec: tuple) -> dict:
    """Make the row of one measure: a cell per run ("no limit" for a band without a day limit)."""
    path, name, kind, direction, total = spec
    values = [_get(r.summary, path) if r.status in HAS_PLAN else None for r in cmp.runs]
    cells = []
    for i, v in enumerate(values):
        if path[-1] == "limit" and _solved(cmp.runs[i]) and i18n.missing(v):
            cells.append({"value": cmp.t("no_limit"), "diff": "", "arrow": "", "tone": ""})
        else:
            cells.append(_cell(v, values[0], i, kind, direction, cmp.lang))
    return {"kind": "metric", "label": name, "cells": cells, "total": total}


def headline_rows(cmp: Comparison) -> list[dict]:
    """Make the rows of the headline table: the result of each run, then group headings and measures.

    Parameters
    ----------
    cmp : Comparison
        The runs compared.

    Returns
    -------
    list of dict
        A group row has ``kind`` ``"group"`` and ``label``. A measure row has ``kind`` ``"metric"``,
        ``label``, ``total`` and ``cells``, one per run, each with ``value`` and, for runs after the
        first, ``diff`` (e.g. ``+120``), ``arrow`` (▲/▼) and ``tone`` (``worse``, ``better`` or ``neutral``).
    """
    rows: list[dict] = [{"kind": "metric", "label": cmp.t("cmp.m.status"), "total": False, "cells": [
        {"value": short_status(r.status, cmp.lang), "diff": "", "arrow": "",
         "tone": "" if r.status in HAS_PLAN else "worse"} for r in cmp.runs]}]
    for spec in _metric_specs(cmp):
        if spec[0] == "group":
            rows.append({"kind": "group", "label": spec[1]})
        else:
            rows.append(_metric_row(cmp, spec))
    return rows


# ------------------------------------------------------------------------------------ decisions that differ


def _num(df: pd.DataFrame, col: str) -> pd.Series:
    """Read a column as numbers, 0 where missing or not a number (and everywhere when there is no column)."""
    if col not in df:
        return pd.Series(0.0, index=df.index)
    return pd.to_numeric(df[col], errors="coerce").fillna(0.0)


Facts = dict[str, dict[str, tuple[str, int, int]]]
"""For each school id, for each run name: the school's role, places added and beds added."""


def _facts(runs: list[RunFolder]) -> tuple[list[str], dict[str, str], Facts]:
    """Gather each school's decisions in every plan; return the ids in first-seen order, the names and the facts."""
    order: list[str] = []
    names: dict[str, str] = {}
    facts: Facts = {}
    for run in runs:
        s = run.schools
        ids = s["school_id"].astype(str)
        roles = s["role"].astype(str) if "role" in s else pd.Series("kept", index=s.index)
        for sid, name, role, places, beds in zip(ids, s.get("name", ids).astype(str), roles,
                                                 _num(s, "places_added"), _num(s, "beds_added")):
            if sid not in facts:
                order.append(sid)
                facts[sid] = {}
            names.setdefault(sid, name)
            facts[sid][run.name] = (role, round(float(places)), round(float(beds)))
    return order, names, facts


def _role_word(role: str, lang: str) -> str:
    """Name a role in words ("closed", "hub"), or as recorded when unknown."""
    return i18n.text(f"role_word.{role}", lang) if f"role_word.{role}" in i18n.EN else role


def _roles_part(roles: list[tuple[str, str]], lang: str) -> str:
    """Say which plans give a school which role, the change (a closure) first."""
    groups: dict[str, list[str]] = {}
    for run_name, role in sorted(roles, key=lambda x: ROLE_FIRST.get(x[1], 3)):  # the change first
        groups.setdefault(role, []).append(run_name)
    return i18n.text("cmp.role_sep", lang).join(
        i18n.text("cmp.role_in", lang, role=_role_word(role, lang), runs=i18n.join_names(members, lang))
        for role, members in groups.items())


def _build_part(what: str, values: list[tuple[str, int]], lang: str) -> str:
    """Say which plans add how many places or beds (``what``) at a school ("+120 beds in B only")."""
    groups: dict[int, list[str]] = {}
    for run_name, v in values:
        if v:
            groups.setdefault(v, []).append(run_name)
    label_what = i18n.text(f"cmp.what.{what}", lang)
    if len(groups) == 1 and len(next(iter(groups.values()))) == 1:
        (n, members), = groups.items()
        return i18n.text("cmp.build_only", lang, n=f"{n:,}", what=label_what, run=members[0])
    return i18n.text("cmp.role_sep", lang).join(
        i18n.text("cmp.build_in", lang, n=f"{n:,}", what=label_what, runs=i18n.join_names(members, lang))
        for n, members in groups.items())


def _school_parts(runs: list[RunFolder], per_run: dict[str, tuple[str, int, int]], lang: str) -> list[str]:
    """Say how one school's role, places added and beds added differ between plans (nothing when equal)."""
    parts = []
    roles = [(r.name, per_run[r.name][0]) for r in runs if r.name in per_run]
    if len({role for _, role in roles}) > 1:
        parts.append(_roles_part(roles, lang))
    for what, k in (("places", 1), ("beds", 2)):
        values = [(r.name, per_run[r.name][k]) for r in runs if r.name in per_run]
        if len({v for _, v in values}) > 1:
            parts.append(_build_part(what, values, lang))
    return parts


def _rank(roles: list[str]) -> int:
    """Rank a school's sentence: closed in some plan first, then other changes of role, then building."""
    changes = len(set(roles)) > 1
    if changes and "closed" in roles:
        return 0
    return 1 if changes else 2


def decisions(cmp: Comparison) -> list[str]:
    """Say, one plain sentence per school, how its role, places added or beds added differ between plans.

    Parameters
    ----------
    cmp : Comparison
        The runs compared; runs without a plan are left out.

    Returns
    -------
    list of str
        Closures first, then other changes of role, then building, each in the order the schools
        first appear; empty when fewer than two runs have a plan.
    """
    runs = [r for r in cmp.runs if r.has_plan]
    if len(runs) < 2:
        return []
    order, names, facts = _facts(runs)
    colon = "：" if cmp.lang == "zh" else ": "
    items = []
    for sid in order:
        parts = _school_parts(runs, facts[sid], cmp.lang)
        if parts:
            rank = _rank([facts[sid][r.name][0] for r in runs if r.name in facts[sid]])
            items.append((rank, len(items), f"{label(sid, names)}{colon}"
                          + i18n.text("cmp.role_sep", cmp.lang).join(parts)))
    return [text for _, _, text in sorted(items)]


# ------------------------------------------------------------------------------------- settings that differ


def _setting(value: Any) -> str:
    """Write a scenario value as in a scenario file: 40.0 -> 40, true, "highs" -> highs."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(int(value))
    if isinstance(value, list):
        return "[" + ", ".join(_setting(v) for v in value) + "]"
    return str(value)


def _changed(cmp: Comparison, ref: dict[str, Any], settings: dict[str, Any]) -> list[str]:
    """List the settings that differ from the reference's as ``key: old -> new``, in the reference's order."""
    keys = [k for k in ref if k not in IGNORED_SETTINGS]
    keys += [k for k in settings if k not in ref and k not in IGNORED_SETTINGS]
    items = []
    for key in keys:
        old, new = ref.get(key), settings.get(key)
        if key in ref and key in settings and _setting(old) == _setting(new):
            continue
        old_text = _setting(old) if key in ref else cmp.t("not_set")
        new_text = _setting(new) if key in settings else cmp.t("not_set")
        items.append(f"{key}: {old_text} -> {new_text}")
    return items


def setting_differences(cmp: Comparison) -> list[dict]:
    """List, for each run after the first, its settings that differ from the reference's.

    Parameters
    ----------
    cmp : Comparison
        The runs compared.

    Returns
    -------
    list of dict
        ``{"name", "items", "unknown": False}`` with items like ``rules.G4_6.max_minutes: 40 -> 60``,
        or ``{"name", "items": [], "unknown": True}`` when either folder has no ``scenario.resolved.toml``.
    """
    ref = cmp.ref.settings
    out = []
    for run in cmp.runs[1:]:
        if ref is None or run.settings is None:
            out.append({"name": run.name, "items": [], "unknown": True})
        else:
            out.append({"name": run.name, "items": _changed(cmp, ref, run.settings), "unknown": False})
    return out
