"""Read finished run folders: ``summary.json``, ``run.json``, the plan's tables and ``plan.gpkg``.

Every file is checked before it is used, and each problem is reported with the file, the key and
the fix, never as a traceback. The input files each run was made from (``run.json`` ``inputs``)
are compared with the reference run's, so plans of different data are not compared by mistake.
"""

from __future__ import annotations

import json
import math
import os
import warnings
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyogrio

from .. import flatten
from ..errors import InputError
from ..report.tables import read_csv

RUN_COLORS = ("#1f4e79", "#e07b00", "#2a9d8f", "#7b4fa0", "#8a8a00", "#8c564b", "#d6458f", "#555555")
RUN_STYLES = ("-", "--", "-.", ":", (0, (6, 2)), (0, (1, 1.5)), (0, (5, 1, 1, 1)), (0, (9, 3)))
HAS_PLAN = ("optimal", "feasible")


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
