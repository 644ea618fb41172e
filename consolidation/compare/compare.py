"""Compare finished run folders side by side, for officials choosing between scenarios.

Only what ``consolidation run`` wrote is read (``summary.json``, ``run.json``, ``schools.csv``,
``assignments.csv``, ``plan.gpkg``, ``scenario.resolved.toml``); nothing is solved again. The first
run is the reference: every other run's numbers are shown with their difference from it. The output
folder holds ``comparison.html`` (one self-contained page) and ``comparison.pdf`` (A4 landscape,
drawn with matplotlib, no browser needed), written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import json
import logging
import math
import os
import warnings
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
from markupsafe import Markup, escape
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .. import BANDS, __version__, flatten, i18n
from ..errors import InputError, OutputError
from ..families import COST_TERMS
from ..report import _mapkit as kit
from ..report import maps
from ..report.atomic import check_destination, write_atomically
from ..report.tables import read_csv
from ..report.html import band_label, data_uri, environment, label, status_text
from . import figures
from .layout import MUTED, Cell, Flow, Row, text_width

log = logging.getLogger("consolidation")

RUN_COLORS = ("#1f4e79", "#e07b00", "#2a9d8f", "#7b4fa0", "#8a8a00", "#8c564b", "#d6458f", "#555555")
RUN_STYLES = ("-", "--", "-.", ":", (0, (6, 2)), (0, (1, 1.5)), (0, (5, 1, 1, 1)), (0, (9, 3)))
TONE_COLORS = {"worse": "#b42318", "better": "#1e7b34", "neutral": "#616e7c", "": MUTED}
HAS_PLAN = ("optimal", "feasible")
TOLERANCE = {"int": 0.5, "pupils": 0.05, "minutes": 0.05, "share": 0.0005, "yuan": 0.5}
IGNORED_SETTINGS = ("name", "description")
ROLE_FIRST = {"closed": 0, "teaching_point": 1, "hub": 2, "kept": 3}  # in the action list, closures are named first


@dataclass
class RunFolder:
    """One finished run folder, as read from disk."""

    path: Path
    name: str
    summary: dict
    record: dict
    settings: dict[str, Any] | None
    schools: pd.DataFrame | None = None
    assignments: pd.DataFrame | None = None
    gpkg: Path | None = None
    color: str = RUN_COLORS[0]
    style: Any = "-"

    @property
    def status(self) -> str:
        return str(self.summary.get("status") or "no_solution")

    @property
    def has_plan(self) -> bool:
        return self.status in HAS_PLAN and self.schools is not None


@dataclass
class DataDifference:
    """An input file whose SHA-256 differs between a run and the reference run."""

    run: RunFolder
    ref: RunFolder
    role: str
    path: str | None
    sha: str | None
    ref_path: str | None
    ref_sha: str | None

    def message(self) -> str:
        if self.sha is None:
            return (f"'{self.run.name}' ({self.run.path}) has no {self.role} file, but '{self.ref.name}' "
                    f"({self.ref.path}) was made with {self.ref_path}")
        if self.ref_sha is None:
            return (f"'{self.run.name}' ({self.run.path}) was made with a {self.role} file ({self.path}) that "
                    f"'{self.ref.name}' ({self.ref.path}) does not have")
        return (f"'{self.run.name}' ({self.run.path}) and '{self.ref.name}' ({self.ref.path}) were made from "
                f"different {self.role} data: {self.path} has SHA-256 {self.sha[:12]}..., "
                f"{self.ref_path} has {self.ref_sha[:12]}...")


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


# --------------------------------------------------------------------------------------------- reading


def _read_json(path: Path, problems: list[str]) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problems.append(f"{path} cannot be read as JSON ({_short(exc)}); is the run folder complete? "
                        "Run its scenario again to rewrite it")
        return None
    if not isinstance(data, dict):
        problems.append(f"{path} does not hold a JSON object (it holds a {type(data).__name__}); is the run folder "
                        "complete? Run its scenario again to rewrite it")
        return None
    return data


def _short(exc: BaseException) -> str:
    """An exception's message on one line, at most 200 characters."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


STATUSES = ("optimal", "feasible", "infeasible", "no_solution")
SUMMARY_NUMBERS = ("objective", "gap", "seconds", "schools_open", "schools_closed", "hubs", "teaching_points",
                   "groups", "pupils_total", "pupils_moved", "boarders", "boarders_g1_3", "places_added",
                   "beds_added", "teachers_needed", "teachers_available", "teachers_redeployed", "life_teachers",
                   "posts_to_recruit")
PLAN_KEYS = ("objective", "schools_open", "schools_closed")
"""What every summary.json of a plan holds, whatever the planner's version."""


def _is_number(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def _summary_shape(file: Path, summary: dict) -> list[str]:
    """What is wrong with the shape of a run's summary.json: each problem names the file and the key."""
    bad: list[str] = []
    fix = "run its scenario again to rewrite it"
    status = summary.get("status")
    if status is None:
        return [f"{file} has no status: is it a summary.json written by `consolidation run`? {fix}"]
    if not isinstance(status, str) or status not in STATUSES:
        return [f"{file}: status {status!r} is not one of {', '.join(STATUSES)}; {fix}"]
    if status in HAS_PLAN:
        missing = [k for k in PLAN_KEYS if k not in summary]
        if missing:
            bad.append(f"{file} says the run has a plan but lacks {', '.join(missing)}; {fix}")
    for key in SUMMARY_NUMBERS:
        value = summary.get(key)
        if value is not None and not _is_number(value):
            bad.append(f"{file}: {key} is {value!r}, not a number; {fix}")
    for key in ("cost", "capital"):
        table = summary.get(key)
        if table is None:
            continue
        if not isinstance(table, dict):
            bad.append(f"{file}: {key} is {type(table).__name__}, not a table of yuan; {fix}")
            continue
        bad += [f"{file}: {key}.{k} is {v!r}, not a number; {fix}"
                for k, v in table.items() if v is not None and not _is_number(v)]
    travel = summary.get("travel_minutes")
    if travel is not None:
        if not isinstance(travel, dict):
            bad.append(f"{file}: travel_minutes is {type(travel).__name__}, not a table by band; {fix}")
        else:
            for band, figures_ in travel.items():
                if figures_ is None:
                    continue
                if not isinstance(figures_, dict):
                    bad.append(f"{file}: travel_minutes.{band} is {figures_!r}, not a table of minutes; {fix}")
                    continue
                bad += [f"{file}: travel_minutes.{band}.{k} is {v!r}, not a number; {fix}"
                        for k, v in figures_.items() if v is not None and not _is_number(v)]
    reasons = summary.get("reasons")
    if reasons is not None and not isinstance(reasons, list):
        bad.append(f"{file}: reasons is {type(reasons).__name__}, not a list; {fix}")
    for key in ("scenario", "description"):
        if summary.get(key) is not None and not isinstance(summary[key], str):
            bad.append(f"{file}: {key} is {summary[key]!r}, not text; {fix}")
    return bad


def _record_shape(file: Path, record: dict) -> list[str]:
    """What is wrong with the shape of a run's run.json (the part compare reads: scenario and inputs)."""
    fix = "run its scenario again to rewrite it"
    bad: list[str] = []
    if record.get("scenario") is not None and not isinstance(record["scenario"], str):
        bad.append(f"{file}: scenario is {record['scenario']!r}, not text; {fix}")
    inputs = record.get("inputs")
    if inputs is None:
        return bad
    if not isinstance(inputs, dict):
        return [*bad, f"{file}: inputs is {type(inputs).__name__}, not a table of input files; {fix}"]
    for role, entry in inputs.items():
        if not isinstance(entry, dict):
            bad.append(f"{file}: inputs.{role} is {entry!r}, not a table with path and sha256; {fix}")
            continue
        for key in ("path", "sha256"):
            if entry.get(key) is not None and not isinstance(entry[key], str):
                bad.append(f"{file}: inputs.{role}.{key} is {entry[key]!r}, not text; {fix}")
    return bad


def _not_a_run(path: Path) -> str:
    if (path / "runs").is_dir() or (path / "sweep.csv").exists():
        return (f"{path} is a sweep folder, not a run folder: compare its runs, e.g. "
                f"{path / 'runs'}/01_*, {path / 'runs'}/02_*")
    if (path / "counties").is_dir() or (path / "province.csv").exists():
        return f"{path} is a province folder, not a run folder: compare its counties/<county> folders"
    return (f"{path} is not a run folder (it has no summary.json): pass folders written by "
            "`consolidation run`")


def read_run(path: str | os.PathLike) -> RunFolder:
    """Read one run folder.

    Raises
    ------
    InputError
        If ``path`` is not a run folder or a file the run needs cannot be read.
    """
    problems: list[str] = []
    run = _read_run(Path(path), problems)
    if run is None or problems:
        raise InputError(problems)
    return run


def _read_run(path: Path, problems: list[str]) -> RunFolder | None:
    if not path.exists():
        problems.append(f"{path} does not exist")
        return None
    if not path.is_dir():
        problems.append(f"{path} is a file, not a run folder: pass folders written by `consolidation run`")
        return None
    if not (path / "summary.json").exists():
        problems.append(_not_a_run(path))
        return None
    summary = _read_json(path / "summary.json", problems)
    if not (path / "run.json").exists():
        problems.append(f"{path} has no run.json, so the data it was made from are unknown: is the run folder "
                        "complete?")
        return None
    record = _read_json(path / "run.json", problems)
    if summary is None or record is None:
        return None
    shape = _summary_shape(path / "summary.json", summary) + _record_shape(path / "run.json", record)
    if shape:
        problems += shape
        return None
    settings = None
    if (path / "scenario.resolved.toml").exists():
        try:
            with open(path / "scenario.resolved.toml", "rb") as f:
                settings = flatten(tomllib.load(f))
        except (OSError, ValueError) as exc:  # TOMLDecodeError and UnicodeDecodeError are ValueErrors
            problems.append(f"{path / 'scenario.resolved.toml'} cannot be read ({_short(exc)}); run its scenario "
                            "again to rewrite it, or delete the file to compare without the settings")
            return None
    name = str(summary.get("scenario") or record.get("scenario") or path.name)
    run = RunFolder(path=path, name=name, summary=summary, record=record, settings=settings)
    if str(summary.get("status")) in HAS_PLAN:
        for table, needed in (("schools", ("school_id",)), ("assignments", ("origin_id", "school_id"))):
            file = path / f"{table}.csv"
            try:
                df = read_csv(file, dtype={"school_id": str, "origin_id": str, "current_school_id": str})
            except (OSError, ValueError) as exc:
                problems.append(f"{file} cannot be read ({_short(exc)}); the run says it has a plan: run its "
                                "scenario again to rewrite it")
                return None
            lacking = [c for c in needed if c not in df.columns]
            if lacking:
                problems.append(f"{file} has no {', '.join(lacking)} column: is it a table written by "
                                "`consolidation run`? Run its scenario again to rewrite it")
                return None
            setattr(run, table, df)
        if (path / "plan.gpkg").exists():
            gpkg = path / "plan.gpkg"
            try:
                with warnings.catch_warnings():  # GDAL's own warnings on a corrupt file; our message says it
                    warnings.simplefilter("ignore", RuntimeWarning)
                    layers = [str(n) for n in pyogrio.list_layers(gpkg)[:, 0]]
            except Exception as exc:  # noqa: BLE001 - any reading error of a corrupt file is the same to the user
                problems.append(f"{gpkg} cannot be read as a GeoPackage ({_short(exc)}): run its scenario again "
                                "to rewrite it, or delete plan.gpkg to compare without its map")
                return None
            if "schools" not in layers:
                problems.append(f"{gpkg} has no schools layer (it has {', '.join(layers) or 'none'}): run its "
                                "scenario again to rewrite it, or delete plan.gpkg to compare without its map")
                return None
            run.gpkg = gpkg
    return run


def load_runs(run_dirs: Sequence[str | os.PathLike]) -> list[RunFolder]:
    """Read every run folder, giving each a unique name, colour and line style.

    Raises
    ------
    InputError
        Listing every folder that is not a run folder (or fewer than two folders given).
    """
    if len(run_dirs) < 2:
        raise InputError([f"give at least two run folders to compare (got {len(run_dirs)})"])
    problems: list[str] = []
    seen: dict[Path, Path] = {}
    for p in run_dirs:
        key = Path(p).resolve()
        if key in seen:
            twice = f"{p} is given twice" if str(seen[key]) == str(Path(p)) else f"{seen[key]} and {p} are the same folder"
            problems.append(f"{twice}: compare different run folders")
        seen.setdefault(key, Path(p))
    if problems:
        raise InputError(problems)
    runs = [r for r in (_read_run(Path(p), problems) for p in run_dirs) if r is not None]
    if problems:
        raise InputError(problems)
    names = [r.name for r in runs]
    for i, run in enumerate(runs):
        if names.count(run.name) > 1:  # e.g. one scenario run twice with different --set values
            unique_folder = [r.path.name for r in runs].count(run.path.name) == 1
            run.name = run.path.name if unique_folder else f"{run.name} ({i + 1})"
        run.color = RUN_COLORS[i % len(RUN_COLORS)]
        run.style = RUN_STYLES[i % len(RUN_STYLES)]
    return runs


def input_differences(runs: Sequence[RunFolder]) -> list[DataDifference]:
    """Input files (from run.json ``inputs``) whose SHA-256 differs from the reference run's."""
    ref = runs[0]
    ref_inputs = ref.record.get("inputs") or {}
    out = []
    for run in runs[1:]:
        inputs = run.record.get("inputs") or {}
        for role in list(ref_inputs) + [r for r in inputs if r not in ref_inputs]:
            a, b = inputs.get(role) or {}, ref_inputs.get(role) or {}
            if a.get("sha256") != b.get("sha256"):
                out.append(DataDifference(run=run, ref=ref, role=role, path=a.get("path"), sha=a.get("sha256"),
                                          ref_path=b.get("path"), ref_sha=b.get("sha256")))
    return out


# ------------------------------------------------------------------------------------------- analysis


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


# -------------------------------------------------------------------------------------------- figures


def _read_layers(run: RunFolder, crs) -> maps.PlanLayers | None:
    """The plan's layers from its plan.gpkg, in ``crs`` (None: the file's own, or UTM if in degrees)."""
    path = run.gpkg
    names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    if "schools" not in names:
        return None
    schools = gpd.read_file(path, layer="schools")
    schools["school_id"] = schools["school_id"].astype(str)
    origins = next((gpd.read_file(path, layer=n) for n in ("villages", "origins") if n in names), None)
    boundary = gpd.read_file(path, layer="boundary") if "boundary" in names else None
    if "assignments" in names:
        assignments = pd.DataFrame(gpd.read_file(path, layer="assignments").drop(columns="geometry"))
    else:
        assignments = run.assignments
    for df in (origins, assignments):
        for col in ("origin_id", "school_id", "current_school_id"):
            if df is not None and col in df:
                df[col] = df[col].astype(str)
    return maps.plan_layers(schools=schools, origins=origins, assignments=assignments, boundary=boundary, crs=crs)


def map_panels(cmp: Comparison) -> tuple[list[dict], dict | None]:
    """One panel per run, and the common extent and marker scale (None when no run has a map)."""
    ref_roles = None
    if cmp.ref.has_plan:
        ref_roles = dict(zip(cmp.ref.schools["school_id"].astype(str), cmp.ref.schools["role"].astype(str)))
    panels = []
    crs = None
    for i, run in enumerate(cmp.runs):
        panel = {"name": run.name, "color": run.color}
        if not run.has_plan:
            panel["message"] = cmp.t("map.no_plan", status=i18n.text(f"status_short.{run.status}", cmp.lang)
                                     if f"status_short.{run.status}" in i18n.EN else run.status)
        elif run.gpkg is None:
            panel["message"] = cmp.t("map.no_map")
        else:
            try:
                layers = _read_layers(run, crs)
            except Exception as exc:  # noqa: BLE001 - a damaged layer: say which file, never a traceback
                raise InputError([f"{run.gpkg} cannot be read ({_short(exc)}): run its scenario again to rewrite "
                                  "it, or delete plan.gpkg to compare without its map"]) from exc
            if layers is None:
                panel["message"] = cmp.t("map.no_map")
            else:
                crs = crs or layers.schools.crs
                panel["layers"] = layers
                if ref_roles is not None and i > 0:
                    roles = dict(zip(run.schools["school_id"].astype(str), run.schools["role"].astype(str)))
                    panel["highlight"] = sorted(s for s, r in roles.items() if ref_roles.get(s, r) != r)
        panels.append(panel)
    drawn = [p["layers"] for p in panels if "layers" in p]
    if not drawn:
        return panels, None
    bounds, aspect = kit.extent([f for lay in drawn for f in lay.frames])
    return panels, {"bounds": bounds, "aspect": aspect, "pmax": max(lay.pupils_max() for lay in drawn),
                    "layers": drawn}


def font_for(cmp: Comparison, extra: Sequence[str] = ()) -> list[str]:
    """Fonts that can draw every label of the language, the run names and the school names."""
    texts = list(i18n.TABLES[cmp.lang].values()) + [r.name for r in cmp.runs] + list(extra)
    for run in cmp.runs:
        if run.schools is not None and "name" in run.schools:
            texts += run.schools["name"].astype(str).tolist()
    family = kit.font_family(texts)
    if kit.needs_cjk(texts) and not all(kit.renderable(s, family) for s in i18n.TABLES[cmp.lang].values()):
        log.warning("no CJK font is installed, so Chinese text in the maps, charts and PDF shows as boxes: "
                    "install one (Debian/Ubuntu: apt-get install fonts-noto-cjk)")
    return family


# --------------------------------------------------------------------------------------------- output


def _check_out(out: Path, runs: Sequence[RunFolder], overwrite: bool) -> list[tuple[str, Path]]:
    """Refuse an ``out`` that is or holds one of the runs, or that the planner must not replace; return what
    the writer must keep protecting."""
    target = out.resolve()
    for run in runs:
        here = run.path.resolve()
        if target == here or target in here.parents:
            raise OutputError(f"{out} holds the run folder {run.path}: write the comparison somewhere else")
    protect = [("the run folder", run.path) for run in runs]
    check_destination(out, overwrite=overwrite, what="comparison", protect=protect)
    return protect


def compare_runs(run_dirs: Sequence[str | os.PathLike], out: str | os.PathLike, *, lang: str = "en",
                 force: bool = False, overwrite: bool = False) -> Path:
    """Compare finished run folders and write ``out/comparison.html`` and ``out/comparison.pdf``.

    Parameters
    ----------
    run_dirs : sequence of paths
        Two or more folders written by ``consolidation run`` (or the runs of a sweep). The first is
        the reference the others are compared with. Runs without a plan (infeasible, or no plan in
        time) are shown with their status and reasons; runs without ``plan.gpkg`` show "no map".
    out : path
        The folder to write. It is written under a hidden temporary name beside ``out`` and renamed
        when complete.
    lang : str, default "en"
        ``zh`` for Chinese; anything else is English.
    force : bool, default False
        Compare runs made from different input data (the page then says so) instead of refusing.
    overwrite : bool, default False
        Replace ``out`` if it exists.

    Returns
    -------
    pathlib.Path
        ``out``.

    Raises
    ------
    InputError
        A folder is not a run folder, fewer than two were given, or (without ``force``) the runs
        were made from input files whose SHA-256 differ; the message names the runs and files.
    OutputError
        ``out`` exists and ``overwrite`` is false, or ``out`` would replace a run folder.
    """
    out = Path(out)
    runs = load_runs(run_dirs)
    protect = _check_out(out, runs, overwrite)
    differences = input_differences(runs)
    if differences and not force:
        raise InputError([d.message() for d in differences]
                         + ["plans made from different input data are not comparable: compare runs of the same "
                            "data, or add --force to compare them anyway"])
    cmp = Comparison(runs=runs, lang=i18n.norm_lang(lang), differences=differences)

    def fill(staging: Path) -> None:
        content = _content(cmp)
        (staging / "comparison.html").write_text(render_html(cmp, content), encoding="utf-8")
        write_pdf(cmp, content, staging / "comparison.pdf")

    write_atomically(out, fill, overwrite=overwrite, what="comparison", protect=protect)
    return out


def _content(cmp: Comparison) -> dict:
    panels, extent = map_panels(cmp)
    return {
        "headline": headline_rows(cmp),
        "decisions": decisions(cmp),
        "settings": setting_differences(cmp),
        "panels": panels,
        "extent": extent,
        "family": font_for(cmp),
        "travel": bool(figures.travel_bands(cmp.runs)),
    }


def _data_note(cmp: Comparison) -> str:
    if not cmp.differences:
        return ""
    by_file: dict[str, list[str]] = {}
    for d in cmp.differences:
        by_file.setdefault(Path(d.ref_path or d.path or d.role).name, []).append(d.run.name)
    details = i18n.text("list_sep", cmp.lang).join(
        cmp.t("cmp.data_item", file=f, runs=i18n.join_names(names, cmp.lang)) for f, names in by_file.items())
    return cmp.t("cmp.data_differs", details=details)


def _unsolved(cmp: Comparison) -> list[dict]:
    return [{"name": r.name, "status": status_text(r.status, r.summary.get("gap"), cmp.lang),
             "reasons": [str(x) for x in r.summary.get("reasons") or []]}
            for r in cmp.runs if r.status not in HAS_PLAN]


def _left_out(cmp: Comparison) -> str:
    missing = [r.name for r in cmp.runs if not r.has_plan]
    return cmp.t("cmp.decisions_left_out", runs=i18n.join_names(missing, cmp.lang)) if missing else ""


def _maps_figure(cmp: Comparison, content: dict, width: float) -> Figure | None:
    extent = content["extent"]
    if extent is None:
        return None
    height = figures.maps_height(width, len(cmp.runs), extent["aspect"])
    fig = Figure(figsize=(width, height), facecolor="white")
    FigureCanvasAgg(fig)
    figures.draw_maps(fig, (0.1, 0.05, width - 0.2, height - 0.1), content["panels"], bounds=extent["bounds"],
                      aspect=extent["aspect"], pmax=extent["pmax"], lang=cmp.lang, family=content["family"],
                      ref_name=cmp.ref.name)
    return fig


def _travel_figure(cmp: Comparison, content: dict, width: float, height: float) -> Figure | None:
    if not content["travel"]:
        return None
    fig = Figure(figsize=(width, height), facecolor="white")
    FigureCanvasAgg(fig)
    figures.draw_travel(fig, (0, 0, width, height), cmp.runs, lang=cmp.lang, family=content["family"])
    return fig


def render_html(cmp: Comparison, content: dict | None = None) -> str:
    """The comparison as one self-contained HTML page (inline CSS, images as data URIs)."""
    content = content or _content(cmp)
    lang = cmp.lang
    maps_fig = _maps_figure(cmp, content, 12.0)
    travel_fig = _travel_figure(cmp, content, 12.0, 3.9)
    plans = [{"name": r.name, "color": r.color, "status": status_text(r.status, r.summary.get("gap"), lang),
              "tone": "good" if r.status == "optimal" else "warn" if r.status == "feasible" else "bad",
              "description": str(r.summary.get("description") or ""), "folder": str(r.path),
              "reference": i == 0} for i, r in enumerate(cmp.runs)]
    settings = []
    for item in content["settings"]:
        settings.append({
            "title": cmp.t("cmp.settings_for", name=item["name"], ref=cmp.ref.name),
            "lines": [(Markup(str(escape(s)).replace(" -&gt; ", " -> ")), i18n.setting_label(s.split(":")[0], lang))
                      for s in item["items"]],
            "none": cmp.t("cmp.settings_none", ref=cmp.ref.name) if not item["items"] and not item["unknown"]
            else "",
            "unknown": item["unknown"],
        })
    context = {
        "t": cmp.t,
        "html_lang": i18n.html_lang(lang),
        "title": cmp.t("cmp.title", n=len(cmp.runs)),
        "names": [r.name for r in cmp.runs],
        "ref": cmp.ref.name,
        "plans": plans,
        "data_note": _data_note(cmp),
        "unsolved": _unsolved(cmp),
        "runs": [{"name": r.name, "color": r.color} for r in cmp.runs],
        "headline": content["headline"],
        "maps_uri": data_uri(figures.png_bytes(maps_fig)) if maps_fig is not None else None,
        "travel_uri": data_uri(figures.png_bytes(travel_fig)) if travel_fig is not None else None,
        "decisions": content["decisions"],
        "left_out": _left_out(cmp),
        "settings": settings,
        "footer": cmp.t("cmp.footer", version=__version__,
                        folders=i18n.join_names([str(r.path) for r in cmp.runs], lang)),
    }
    return environment().get_template("comparison.html").render(**context)


def _with_gloss(line: str, lang: str) -> str:
    """``key: old -> new`` followed by the key in plain words, when it has some."""
    gloss = i18n.setting_label(line.split(":")[0], lang)
    return f"{line}  ({gloss})" if gloss and lang != "zh" else f"{line}（{gloss}）" if gloss else line


def write_pdf(cmp: Comparison, content: dict, path: Path) -> None:
    """The comparison as an A4 landscape PDF: tables, maps, travel charts, decisions and settings."""
    lang = cmp.lang
    family = content["family"]
    t = cmp.t
    flow = Flow(family=family, header=t("cmp.title", n=len(cmp.runs)) + " · " + " | ".join(r.name for r in cmp.runs),
                page_label=lambda i, n: t("cmp.page", i=i, n=n),
                footer=f"consolidation {__version__}")
    flow.title(t("cmp.title", n=len(cmp.runs)), t("cmp.intro", ref=cmp.ref.name))
    if cmp.differences:
        flow.paragraph(_data_note(cmp), color=TONE_COLORS["worse"], bold=True)

    flow.heading(t("cmp.plans"), keep=0.8)
    flow.table([2.2, 2.2, 4.4, 3.0],
               [Cell(t("cmp.th_plan")), Cell(t("cmp.th_result")), Cell(t("cmp.th_about")), Cell(t("cmp.th_folder"))],
               [Row([Cell(r.name + (f" ({t('cmp.reference')})" if i == 0 else ""), bold=True, color=r.color),
                     Cell(status_text(r.status, r.summary.get("gap"), lang),
                          color=INK_OK if r.status in HAS_PLAN else TONE_COLORS["worse"]),
                     Cell(str(r.summary.get("description") or "")), Cell(str(r.path), color=MUTED)])
                for i, r in enumerate(cmp.runs)], size=8)
    unsolved = _unsolved(cmp)
    if unsolved:
        flow.heading(t("cmp.unsolved"), keep=0.5)
        for u in unsolved:
            flow.paragraph(t("cmp.unsolved_item", name=u["name"], status=u["status"]), bold=True)
            flow.bullets(u["reasons"], size=8.5)

    flow.heading(t("cmp.headline"), keep=2.0)
    flow.paragraph(t("cmp.diff_legend", ref=cmp.ref.name), size=8, color=MUTED)
    n = len(cmp.runs)
    widths = [3.3] + [max(2.0, 8.4 / n)] * n
    header = [Cell(t("cmp.th_measure"))] + [
        Cell(r.name + (f" ({t('cmp.reference')})" if i == 0 else ""), color=r.color, align="right")
        for i, r in enumerate(cmp.runs)]
    reserve = max([text_width(f"{c['arrow']} {c['diff']}  ", 7.8 * 0.92, family) / 72
                   for row in content["headline"] if row["kind"] == "metric" for c in row["cells"] if c["diff"]]
                  or [0.0])
    rows = []
    for row in content["headline"]:
        if row["kind"] == "group":
            rows.append(Row([Cell(row["label"])], group=True))
            continue
        cells = [Cell(row["label"], bold=row["total"])]
        for c in row["cells"]:
            diff = f"{c['arrow']} {c['diff']}" if c["diff"] else ""
            cells.append(Cell(c["value"], align="right", bold=row["total"], reserve=reserve if cells[1:] else 0.0,
                              color=TONE_COLORS["worse"] if c["tone"] == "worse" and not c["diff"] else "#1f2933",
                              diff=diff, diff_color=TONE_COLORS[c["tone"]]))
        rows.append(Row(cells, rule=row["total"]))
    flow.table(widths, header, rows, size=7.8, row_pad=0.055,
               continued=t("cmp.continued", title=t("cmp.headline")))

    extent = content["extent"]
    flow.new_page()
    flow.heading(t("cmp.maps"), keep=5)
    caption = t("cmp.maps_caption", ref=cmp.ref.name)
    if extent is not None:
        height = min(flow.room() - 0.5, figures.maps_height(flow.width, len(cmp.runs), extent["aspect"]))
        flow.figure(height, lambda fig, rect: figures.draw_maps(
            fig, rect, content["panels"], bounds=extent["bounds"], aspect=extent["aspect"], pmax=extent["pmax"],
            lang=lang, family=family, ref_name=cmp.ref.name))
        flow.paragraph(caption, size=8, color=MUTED)
    else:
        flow.paragraph(t("map.no_map"))

    if content["travel"]:
        flow.new_page()
        flow.heading(t("cmp.travel"), keep=4)
        flow.figure(4.4, lambda fig, rect: figures.draw_travel(fig, rect, cmp.runs, lang=lang, family=family))
        flow.paragraph(t("cmp.travel_caption"), size=8.5, color=MUTED)
    else:
        flow.heading(t("cmp.travel"))

    flow.heading(t("cmp.decisions"))
    items = content["decisions"]
    if items:
        flow.paragraph(t("cmp.decisions_caption"), size=8.5, color=MUTED)
        flow.bullets(items, size=8.5)
    else:
        flow.paragraph(t("cmp.decisions_none"))
    if _left_out(cmp):
        flow.paragraph(_left_out(cmp), size=8.5, color=MUTED)

    flow.heading(t("cmp.settings"))
    flow.paragraph(t("cmp.settings_caption", ref=cmp.ref.name), size=8.5, color=MUTED)
    for item in content["settings"]:
        flow.paragraph(t("cmp.settings_for", name=item["name"], ref=cmp.ref.name), bold=True)
        if item["unknown"]:
            flow.paragraph("–", size=8.5)
        elif item["items"]:
            flow.bullets([_with_gloss(s, lang) for s in item["items"]], size=8.5)
        else:
            flow.paragraph(t("cmp.settings_none", ref=cmp.ref.name), size=8.5, color=MUTED)
    flow.save(path)


INK_OK = "#1e7b34"
