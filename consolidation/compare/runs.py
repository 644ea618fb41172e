"""Read finished run folders: ``summary.json``, ``run.json``, the plan's tables and ``plan.gpkg``.

Every file is checked before it is used, and each problem is reported with the file, the key and
the fix, never as a traceback. The input files each run was made from (``run.json`` ``inputs``)
are compared with the reference run's, so plans of different data are not compared by mistake.
"""

from __future__ import annotations

import json
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
from .shapes import HAS_PLAN, record_shape, summary_shape

RUN_COLORS = ("#1f4e79", "#e07b00", "#2a9d8f", "#7b4fa0", "#8a8a00", "#8c564b", "#d6458f", "#555555")
RUN_STYLES = ("-", "--", "-.", ":", (0, (6, 2)), (0, (1, 1.5)), (0, (5, 1, 1, 1)), (0, (9, 3)))


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
    years: pd.DataFrame | None = None
    """A programme's year table (``years.csv``); None for a plan of one year."""
    color: str = RUN_COLORS[0]
    style: Any = "-"

    @property
    def status(self) -> str:
        """The status recorded in summary.json (``no_solution`` when empty)."""
        return str(self.summary.get("status") or "no_solution")

    @property
    def programme(self) -> dict | None:
        """The programme's headline figures (summary.json ``programme``), None for a plan of one year."""
        return self.summary.get("programme")

    @property
    def has_plan(self) -> bool:
        """Whether the run has a plan and its schools table was read."""
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
        """Say which runs and files differ, naming both folders."""
        if self.sha is None:
            return (f"'{self.run.name}' ({self.run.path}) has no {self.role} file, but '{self.ref.name}' "
                    f"({self.ref.path}) was made with {self.ref_path}")
        if self.ref_sha is None:
            return (f"'{self.run.name}' ({self.run.path}) was made with a {self.role} file ({self.path}) that "
                    f"'{self.ref.name}' ({self.ref.path}) does not have")
        return (f"'{self.run.name}' ({self.run.path}) and '{self.ref.name}' ({self.ref.path}) were made from "
                f"different {self.role} data: {self.path} has SHA-256 {self.sha[:12]}..., "
                f"{self.ref_path} has {self.ref_sha[:12]}...")


class _Refused(Exception):
    """A run folder that cannot be compared; the message names the file and the fix."""


def one_line(exc: BaseException) -> str:
    """Return an exception's message on one line, at most 200 characters."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def _read_json(path: Path, problems: list[str]) -> dict | None:
    """Read a JSON object, or add to ``problems`` why it cannot be read and return None."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problems.append(f"{path} cannot be read as JSON ({one_line(exc)}); is the run folder complete? "
                        "Run its scenario again to rewrite it")
        return None
    if not isinstance(data, dict):
        problems.append(f"{path} does not hold a JSON object (it holds a {type(data).__name__}); is the run folder "
                        "complete? Run its scenario again to rewrite it")
        return None
    return data


def _not_a_run(path: Path) -> str:
    """Say what a folder without summary.json is instead, and what to pass."""
    if (path / "runs").is_dir() or (path / "sweep.csv").exists():
        return (f"{path} is a sweep folder, not a run folder: compare its runs, e.g. "
                f"{path / 'runs'}/01_*, {path / 'runs'}/02_*")
    if (path / "counties").is_dir() or (path / "province.csv").exists():
        return f"{path} is a province folder, not a run folder: compare its counties/<county> folders"
    return (f"{path} is not a run folder (it has no summary.json): pass folders written by "
            "`consolidation run`")


def read_run(path: str | os.PathLike) -> RunFolder:
    """Read one run folder.

    Parameters
    ----------
    path : path
        A folder written by ``consolidation run``.

    Returns
    -------
    RunFolder
        The folder's summary, record, settings and, when it has a plan, its tables.

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
    """Read one run folder, or add to ``problems`` why it cannot be compared and return None."""
    try:
        return _read_folder(path, problems)
    except _Refused as exc:
        problems.append(str(exc))
        return None


def _check_folder(path: Path) -> None:
    """Refuse a path that does not exist, is a file, or is a folder of another kind."""
    if not path.exists():
        raise _Refused(f"{path} does not exist")
    if not path.is_dir():
        raise _Refused(f"{path} is a file, not a run folder: pass folders written by `consolidation run`")
    if not (path / "summary.json").exists():
        raise _Refused(_not_a_run(path))


def _read_folder(path: Path, problems: list[str]) -> RunFolder | None:
    """Read and check summary.json and run.json, then the settings and the plan's files."""
    _check_folder(path)
    summary = _read_json(path / "summary.json", problems)
    if not (path / "run.json").exists():
        raise _Refused(f"{path} has no run.json, so the data it was made from are unknown: is the run folder "
                       "complete?")
    record = _read_json(path / "run.json", problems)
    if summary is None or record is None:
        return None
    shape = summary_shape(path / "summary.json", summary) + record_shape(path / "run.json", record)
    if shape:
        problems += shape
        return None
    settings = _read_settings(path / "scenario.resolved.toml")
    name = str(summary.get("scenario") or record.get("scenario") or path.name)
    run = RunFolder(path=path, name=name, summary=summary, record=record, settings=settings)
    if str(summary.get("status")) in HAS_PLAN:
        last = summary["programme"]["years"][-1] if run.programme is not None else None
        run.schools = _last_year(_read_table(path / "schools.csv", ("school_id",)), path / "schools.csv", last)
        run.assignments = _last_year(_read_table(path / "assignments.csv", ("origin_id", "school_id")),
                                     path / "assignments.csv", last)
        if (path / "plan.gpkg").exists():
            run.gpkg = _check_gpkg(path / "plan.gpkg")
        if last is not None:
            run.years = _read_table(path / "years.csv", YEARS_COLUMNS)
    return run


YEARS_COLUMNS = ("year", "schools_open", "closures", "pupils", "cost_public", "capital")
"""The columns of a programme's years.csv that compare reads."""


def _last_year(table: pd.DataFrame, file: Path, last: Any) -> pd.DataFrame:
    """Return the last planned year's rows of a programme's table (``year`` column first), or a one-year table.

    The rest of the comparison (decisions, maps) compares the programmes' last years, as their plan.gpkg holds.
    """
    if last is None:
        return table
    if "year" not in table.columns:
        raise _Refused(f"{file} has no year column, but the run's summary.json is a programme: run its "
                       "scenario again to rewrite it")
    rows = table[pd.to_numeric(table["year"], errors="coerce") == float(last)]
    if rows.empty:
        raise _Refused(f"{file} has no rows of {last}, the programme's last year in summary.json: run its "
                       "scenario again to rewrite it")
    return rows.drop(columns="year").reset_index(drop=True)


def _read_settings(file: Path) -> dict[str, Any] | None:
    """Read the run's resolved scenario, flattened to dotted keys (None when the folder has none)."""
    if not file.exists():
        return None
    try:
        with open(file, "rb") as f:
            return flatten(tomllib.load(f))
    except (OSError, ValueError) as exc:  # TOMLDecodeError and UnicodeDecodeError are ValueErrors
        raise _Refused(f"{file} cannot be read ({one_line(exc)}); run its scenario again to rewrite it, or "
                       "delete the file to compare without the settings") from exc


def _read_table(file: Path, needed: tuple[str, ...]) -> pd.DataFrame:
    """Read one of the plan's tables (schools.csv, assignments.csv), refusing it without ``needed`` columns."""
    try:
        df = read_csv(file, dtype={"school_id": str, "origin_id": str, "current_school_id": str})
    except (OSError, ValueError) as exc:
        raise _Refused(f"{file} cannot be read ({one_line(exc)}); the run says it has a plan: run its "
                       "scenario again to rewrite it") from exc
    lacking = [c for c in needed if c not in df.columns]
    if lacking:
        raise _Refused(f"{file} has no {', '.join(lacking)} column: is it a table written by "
                       "`consolidation run`? Run its scenario again to rewrite it")
    return df


def _check_gpkg(gpkg: Path) -> Path:
    """Return ``gpkg`` if it is a GeoPackage with a schools layer; refuse it otherwise."""
    try:
        with warnings.catch_warnings():  # GDAL's own warnings on a corrupt file; our message says it
            warnings.simplefilter("ignore", RuntimeWarning)
            layers = [str(n) for n in pyogrio.list_layers(gpkg)[:, 0]]
    except Exception as exc:  # noqa: BLE001 - any reading error of a corrupt file is the same to the user
        raise _Refused(f"{gpkg} cannot be read as a GeoPackage ({one_line(exc)}): run its scenario again "
                       "to rewrite it, or delete plan.gpkg to compare without its map") from exc
    if "schools" not in layers:
        raise _Refused(f"{gpkg} has no schools layer (it has {', '.join(layers) or 'none'}): run its "
                       "scenario again to rewrite it, or delete plan.gpkg to compare without its map")
    return gpkg


def load_runs(run_dirs: Sequence[str | os.PathLike]) -> list[RunFolder]:
    """Read every run folder, giving each a unique name, colour and line style.

    Parameters
    ----------
    run_dirs : sequence of paths
        Two or more different folders written by ``consolidation run``; the first is the reference.

    Returns
    -------
    list of RunFolder
        In the order given.

    Raises
    ------
    InputError
        Listing every folder that is not a run folder (or fewer than two folders given).
    """
    if len(run_dirs) < 2:
        raise InputError([f"give at least two run folders to compare (got {len(run_dirs)})"])
    problems = _given_twice(run_dirs)
    if problems:
        raise InputError(problems)
    runs = [r for r in (_read_run(Path(p), problems) for p in run_dirs) if r is not None]
    if problems:
        raise InputError(problems)
    _name_and_style(runs)
    return runs


def _given_twice(run_dirs: Sequence[str | os.PathLike]) -> list[str]:
    """Name every folder given more than once, under the same or another path."""
    problems: list[str] = []
    seen: dict[Path, Path] = {}
    for p in run_dirs:
        key = Path(p).resolve()
        if key in seen:
            twice = (f"{p} is given twice" if str(seen[key]) == str(Path(p))
                     else f"{seen[key]} and {p} are the same folder")
            problems.append(f"{twice}: compare different run folders")
        seen.setdefault(key, Path(p))
    return problems


def _name_and_style(runs: list[RunFolder]) -> None:
    """Give runs of the same name their folder's name (or a number), and each run a colour and a line style."""
    names = [r.name for r in runs]
    for i, run in enumerate(runs):
        if names.count(run.name) > 1:  # e.g. one scenario run twice with different --set values
            unique_folder = [r.path.name for r in runs].count(run.path.name) == 1
            run.name = run.path.name if unique_folder else f"{run.name} ({i + 1})"
        run.color = RUN_COLORS[i % len(RUN_COLORS)]
        run.style = RUN_STYLES[i % len(RUN_STYLES)]


def input_differences(runs: Sequence[RunFolder]) -> list[DataDifference]:
    """Find the input files (from run.json ``inputs``) whose SHA-256 differs from the reference run's.

    Parameters
    ----------
    runs : sequence of RunFolder
        The first is the reference.

    Returns
    -------
    list of DataDifference
        One per run and input file that differ, in the reference's order of files.
    """
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
