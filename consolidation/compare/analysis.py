"""What a comparison computes from the runs: headline numbers, decisions that differ, settings that differ.

Pure functions of the runs already read; nothing here touches the disk or draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import BANDS, i18n
from ..families import COST_TERMS
from ..report.html import band_label, label
from .runs import DataDifference, RunFolder
from .shapes import HAS_PLAN

TOLERANCE = {"int": 0.5, "pupils": 0.05, "minutes": 0.05, "share": 0.0005, "yuan": 0.5}
IGNORED_SETTINGS = ("name", "description")
ROLE_FIRST = {"closed": 0, "teaching_point": 1, "hub": 2, "kept": 3}  # in the action list, closures are named first


@dataclass
class Comparison:
    """Everything a comparison shows, computed once for the HTML page and the PDF."""

    runs: list[RunFolder]
    lang: str
    differences: list[DataDifference] = field(default_factory=list)

    @property
    def ref(self) -> RunFolder:
        return self.runs[0]

    def t(self, key: str, **fmt) -> str:
        return i18n.text(key, self.lang, **fmt)


def _get(summary: dict, path: tuple[str, ...]):
    value: Any = summary
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _fmt(value, kind: str, lang: str) -> str:
    if kind == "yuan":
        return i18n.fmt_yuan(value, lang)
    if kind == "minutes":
        return i18n.fmt_minutes(value, lang)
    if kind == "share":
        return i18n.fmt_share(value, lang)
    if kind == "pupils":
        return i18n.fmt_pupils(value, lang)
    return i18n.fmt_int(value, lang)


def _metric_specs(cmp: Comparison) -> list[tuple]:
    """``("group", label)`` or ``(path, label, kind, direction, total)``; direction ``lower`` = lower is better."""
    t = cmp.t
    specs: list[tuple] = [
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
    if any(r.summary.get("teachers_needed") is not None for r in cmp.runs):
        specs += [("group", t("teachers.section")),
                  (("teachers_needed",), t("teachers.card_needed"), "int", "lower", False),
                  (("teachers_available",), t("teachers.card_available"), "int", None, False),
                  (("teachers_redeployed",), t("teachers.card_redeployed"), "int", None, False),
                  (("life_teachers",), t("teachers.card_life"), "int", None, False)]
    bands = []
    for run in cmp.runs:
        bands += [b for b in (run.summary.get("travel_minutes") or {}) if b not in bands]
    for band in [b for b in BANDS if b in bands] + [b for b in bands if b not in BANDS]:
        specs += [
            ("group", t("cmp.group.travel", band=band_label(band, cmp.lang))),
            (("travel_minutes", band, "limit"), t("cmp.m.limit"), "minutes", None, False),
            (("travel_minutes", band, "mean"), t("cmp.m.mean"), "minutes", "lower", False),
            (("travel_minutes", band, "p90"), t("cmp.m.p90"), "minutes", "lower", False),
            (("travel_minutes", band, "max"), t("cmp.m.max"), "minutes", "lower", False),
            (("travel_minutes", band, "over_limit_share"), t("cmp.m.over"), "share", "lower", False),
        ]
    terms = []
    for run in cmp.runs:
        terms += [k for k in (run.summary.get("cost") or {}) if k != "total" and k not in terms]
    specs.append(("group", t("cmp.group.cost")))
    for term in [k for k in COST_TERMS if k in terms] + [k for k in terms if k not in COST_TERMS]:
        name = t(f"cost.{term}") if f"cost.{term}" in i18n.EN else term.replace("_", " ").capitalize()
        specs.append((("cost", term), name, "yuan", "lower", False))
    specs.append((("cost", "total"), t("cost.total"), "yuan", "lower", True))
    specs += [("group", t("cmp.group.capital")),
              (("capital", "places"), t("capital.places"), "yuan", "lower", False),
              (("capital", "beds"), t("capital.beds"), "yuan", "lower", False),
              (("capital", "total"), t("capital.total"), "yuan", "lower", True)]
    return specs


def headline_rows(cmp: Comparison) -> list[dict]:
    """Rows of the headline table: group headings, the result of each run, then one row per measure.

    A measure row has ``cells``, one per run, each with ``value`` and, for runs after the first,
    ``diff`` (e.g. ``+120``), ``arrow`` (▲/▼) and ``tone`` (``worse``, ``better`` or ``neutral``).
    """
    lang = cmp.lang
    rows: list[dict] = [{"kind": "metric", "label": cmp.t("cmp.m.status"), "total": False, "cells": [
        {"value": i18n.text(f"status_short.{r.status}", lang) if f"status_short.{r.status}" in i18n.EN
         else r.status, "diff": "", "arrow": "", "tone": "" if r.status in HAS_PLAN else "worse"}
        for r in cmp.runs]}]
    for spec in _metric_specs(cmp):
        if spec[0] == "group":
            rows.append({"kind": "group", "label": spec[1]})
            continue
        path, name, kind, direction, total = spec
        values = [_get(r.summary, path) if r.status in HAS_PLAN else None for r in cmp.runs]
        cells = []
        for i, v in enumerate(values):
            if path[-1] == "limit" and r_has_plan(cmp.runs[i]) and i18n.missing(v):
                cells.append({"value": cmp.t("no_limit"), "diff": "", "arrow": "", "tone": ""})
                continue
            cell = {"value": _fmt(v, kind, lang), "diff": "", "arrow": "", "tone": ""}
            ref = values[0]
            if i > 0 and not i18n.missing(v) and not i18n.missing(ref):
                d = float(v) - float(ref)
                if abs(d) >= TOLERANCE[kind]:
                    cell["diff"] = i18n.fmt_signed(d, kind, lang)
                    cell["arrow"] = "▲" if d > 0 else "▼"
                    cell["tone"] = ("neutral" if direction is None else
                                    "worse" if (d > 0) == (direction == "lower") else "better")
            cells.append(cell)
        rows.append({"kind": "metric", "label": name, "cells": cells, "total": total})
    return rows


def r_has_plan(run: RunFolder) -> bool:
    return run.status in HAS_PLAN


def _num(df: pd.DataFrame, col: str) -> pd.Series:
    if col not in df:
        return pd.Series(0.0, index=df.index)
    return pd.to_numeric(df[col], errors="coerce").fillna(0.0)


def decisions(cmp: Comparison) -> list[str]:
    """One plain sentence per school whose role, places added or beds added differ between plans."""
    lang = cmp.lang
    runs = [r for r in cmp.runs if r.has_plan]
    if len(runs) < 2:
        return []
    order: list[str] = []
    names: dict[str, str] = {}
    facts: dict[str, dict[str, tuple[str, float, float]]] = {}
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
    items = []
    for sid in order:
        per_run = facts[sid]
        parts = []
        roles = [(r.name, per_run[r.name][0]) for r in runs if r.name in per_run]
        if len({role for _, role in roles}) > 1:
            groups: dict[str, list[str]] = {}
            for run_name, role in sorted(roles, key=lambda x: ROLE_FIRST.get(x[1], 3)):  # the change first
                groups.setdefault(role, []).append(run_name)
            word = lambda role: i18n.text(f"role_word.{role}", lang) if f"role_word.{role}" in i18n.EN else role  # noqa: E731
            parts.append(i18n.text("cmp.role_sep", lang).join(
                i18n.text("cmp.role_in", lang, role=word(role), runs=i18n.join_names(members, lang))
                for role, members in groups.items()))
        for what, k in (("places", 1), ("beds", 2)):
            values = [(r.name, per_run[r.name][k]) for r in runs if r.name in per_run]
            if len({v for _, v in values}) <= 1:
                continue
            groups_n: dict[int, list[str]] = {}
            for run_name, v in values:
                if v:
                    groups_n.setdefault(v, []).append(run_name)
            label_what = i18n.text(f"cmp.what.{what}", lang)
            if len(groups_n) == 1 and len(next(iter(groups_n.values()))) == 1:
                (n, members), = groups_n.items()
                parts.append(i18n.text("cmp.build_only", lang, n=f"{n:,}", what=label_what, run=members[0]))
            else:
                parts.append(i18n.text("cmp.role_sep", lang).join(
                    i18n.text("cmp.build_in", lang, n=f"{n:,}", what=label_what,
                              runs=i18n.join_names(members, lang)) for n, members in groups_n.items()))
        if parts:
            closes = any(role == "closed" for _, role in roles) and len({role for _, role in roles}) > 1
            rank = 0 if closes else 1 if len({role for _, role in roles}) > 1 else 2
            colon = "：" if lang == "zh" else ": "
            items.append((rank, len(items), f"{label(sid, names)}{colon}"
                          + i18n.text("cmp.role_sep", lang).join(parts)))
    return [text for _, _, text in sorted(items)]


def _setting(value) -> str:
    """A scenario value as written in a scenario file: 40.0 -> 40, true, "highs" -> highs."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(int(value))
    if isinstance(value, list):
        return "[" + ", ".join(_setting(v) for v in value) + "]"
    return str(value)


def setting_differences(cmp: Comparison) -> list[dict]:
    """For each run after the first: its settings that differ from the reference's (``key: old -> new``).

    Each item is ``{"name", "items"}``, or ``{"name", "unknown": True}`` when a folder has no
    ``scenario.resolved.toml``.
    """
    ref = cmp.ref.settings
    out = []
    for run in cmp.runs[1:]:
        if ref is None or run.settings is None:
            out.append({"name": run.name, "items": [], "unknown": True})
            continue
        keys = [k for k in ref if k not in IGNORED_SETTINGS]
        keys += [k for k in run.settings if k not in ref and k not in IGNORED_SETTINGS]
        items = []
        for key in keys:
            old, new = ref.get(key), run.settings.get(key)
            if key in ref and key in run.settings and _setting(old) == _setting(new):
                continue
            old_text = _setting(old) if key in ref else cmp.t("not_set")
            new_text = _setting(new) if key in run.settings else cmp.t("not_set")
            items.append(f"{key}: {old_text} -> {new_text}")
        out.append({"name": run.name, "items": items, "unknown": False})
    return out
