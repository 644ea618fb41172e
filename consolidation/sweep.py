"""Sweeps: run every combination of a few scenario values, then draw the cost-versus-travel trade-off.

``consolidation sweep SCENARIO --vary rules.G4_6.max_minutes=30,40,50,60`` (or a ``[sweep]`` table in
the scenario) writes one run folder per combination under one sweep folder, ``sweep.csv`` with a row
per run, and ``tradeoff.png``: public yearly cost (the objective less families' valued travel time, so
runs that price time differently stay comparable) against mean and maximum one-way minutes,
non-dominated plans marked and labelled.
"""

from __future__ import annotations

import itertools
import logging
import warnings
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from collections.abc import Callable

import numpy as np
import pandas as pd

from . import BANDS, flatten, i18n
from .errors import ScenarioError
from .parallel import Task, TaskResult, one_line, run_tasks
from .paths import folder_name, scenario_paths
from .report.atomic import reserve, write_atomically
from .report.tables import write_csv
from .scenario import load_scenario, parse_value
from .tolerances import EXACT

log = logging.getLogger("consolidation")

@dataclass(frozen=True)
class SweepResult:
    """A finished sweep: its folder and the table written to ``sweep.csv``."""

    out: Path
    table: pd.DataFrame


MAX_RUNS = 1000
"""A sweep of more runs than this is refused unless the caller raises ``max_runs`` (``--max-runs``): a typo
in ``--vary`` (a range pasted twice, one key too many) should not start hours of runs and fill the disk."""


def parse_vary(items: list[str] | tuple[str, ...]) -> dict[str, list[Any]]:
    """``["rules.G4_6.max_minutes=30,40"]`` -> ``{"rules.G4_6.max_minutes": [30, 40]}``.

    Raises
    ------
    ScenarioError
        Naming the ``--vary`` item: no ``=``, no key, no values, an empty value (``30,,40``), a value given
        twice or a key given twice.
    """
    vary: dict[str, list[Any]] = {}
    example = "e.g. --vary rules.G4_6.max_minutes=30,40,50,60"
    for item in items:
        key, sep, values = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ScenarioError(f"--vary {item!r}: write KEY=V1,V2,..., {example}")
        texts = [v.strip() for v in values.split(",")]
        if not any(texts):
            raise ScenarioError(f"--vary {item!r}: {key} has no values: list them after '=', {example}")
        if not all(texts):
            raise ScenarioError(f"--vary {item!r}: {key} has an empty value (two commas in a row, or a comma at "
                                f"either end): write the values separated by single commas, {example}")
        if key in vary:
            raise ScenarioError(f"--vary {key} is given twice: give all its values in one --vary {key}=V1,V2,...")
        parsed = [parse_value(text) for text in texts]
        for i, value in enumerate(parsed):
            if any(type(value) is type(other) and value == other for other in parsed[:i]):
                raise ScenarioError(f"--vary {item!r}: {key} value {texts[i]} is given twice: each value once")
        vary[key] = parsed
    return vary


def count_runs(vary: dict[str, list[Any]]) -> int:
    """How many runs a sweep of ``vary`` makes (every combination), without listing them."""
    return math.prod(len(v) for v in vary.values()) if vary else 0


def check_size(vary: dict[str, list[Any]], max_runs: int = MAX_RUNS) -> int:
    """Return the number of runs; raise ScenarioError when it is 0 or more than ``max_runs``."""
    n = count_runs(vary)
    if n == 0:
        raise ScenarioError("nothing to vary: give --vary KEY=V1,V2,... with at least one value")
    if n > max_runs:
        sizes = " x ".join(f"{len(v)} {k}" for k, v in vary.items())
        raise ScenarioError(f"this sweep would make {n:,} runs ({sizes}), more than {max_runs:,}: vary fewer values, "
                            f"or add --max-runs {n} if you mean it")
    return n


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def combinations(vary: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Every combination of the varied values, in the order given (the last key varies fastest)."""
    keys = list(vary)
    return [dict(zip(keys, values)) for values in itertools.product(*(vary[k] for k in keys))]


def short_keys(keys: list[str]) -> dict[str, str]:
    """Return the shortest dotted suffix of each key that tells it apart.

    ``rules.G4_6.max_minutes`` -> ``G4_6.max_minutes`` when another band's limit varies too,
    ``max_minutes`` when alone.
    """
    out = {}
    for key in keys:
        parts = key.split(".")
        for n in range(1, len(parts) + 1):
            suffix = ".".join(parts[-n:])
            if not any(other != key and other.endswith(suffix) for other in keys):
                out[key] = suffix
                break
    return out


def run_label(combo: dict[str, Any]) -> str:
    """Return a short readable label, e.g. ``max_minutes=40`` or ``G4_6.max_minutes=40, G7_9.max_minutes=60``."""
    names = short_keys(list(combo))
    return ", ".join(f"{names[k]}={v}" for k, v in combo.items())


def _folder_name(index: int, combo: dict[str, Any]) -> str:
    """``NN_<key-value>...``: one safe folder name whatever the values hold (``/``, ``..``, very long text)."""
    text = "_".join(f"{'.'.join(k.split('.')[-2:])}-{v}" for k, v in combo.items())
    return f"{index:02d}_" + (folder_name(text, max_chars=60) or "run")


def pareto(costs: np.ndarray, travel: np.ndarray) -> np.ndarray:
    """Return True where no other point is at most as costly and as long, and better in one of the two."""
    ok = np.isfinite(costs) & np.isfinite(travel)
    front = np.zeros(len(costs), bool)
    for i in np.flatnonzero(ok):
        better = ok & (costs <= costs[i] + EXACT) & (travel <= travel[i] + EXACT) & \
            ((costs < costs[i] - EXACT) | (travel < travel[i] - EXACT))
        front[i] = not better.any()
    return front


def summary_row(result: TaskResult) -> dict[str, Any]:
    """Headline figures of one run, flat, for the sweep or province table."""
    s = result.summary or {}
    row: dict[str, Any] = {"status": result.status, "objective": s.get("objective"),
                           "schools_open": s.get("schools_open"), "schools_closed": s.get("schools_closed"),
                           "hubs": s.get("hubs"), "teaching_points": s.get("teaching_points"),
                           "groups": s.get("groups"), "pupils_total": s.get("pupils_total"),
                           "pupils_moved": s.get("pupils_moved"), "boarders": s.get("boarders"),
                           "boarders_g1_3": s.get("boarders_g1_3"), "places_added": s.get("places_added"),
                           "beds_added": s.get("beds_added"),
                           **{k: s.get(k) for k in ("teachers_needed", "teachers_available", "teachers_redeployed",
                                                    "life_teachers", "teachers_recruited", "life_teachers_recruited",
                                                    "teachers_to_life", "teachers_surplus", "buses", "bus_riders")},
                           "gap": s.get("gap"), "seconds": s.get("seconds")}
    travel = s.get("travel_minutes") or {}
    weighted, pupils, longest = 0.0, 0.0, None
    for band in BANDS:
        t = travel.get(band) or {}
        row[f"mean_{band}"], row[f"max_{band}"] = t.get("mean"), t.get("max")
        if t.get("mean") is not None and t.get("pupils"):
            weighted += t["mean"] * t["pupils"]
            pupils += t["pupils"]
            longest = t["max"] if longest is None else max(longest, t["max"])
    row["mean_minutes"] = weighted / pupils if pupils else None
    row["max_minutes"] = longest
    for term, value in (s.get("cost") or {}).items():
        row[f"cost_{term}"] = value
    for part, value in (s.get("cost_public") or {}).items():
        row[f"public_{part}"] = value
    for item, value in (s.get("capital") or {}).items():
        row[f"capital_{item}"] = value
    row["pupil_minutes"] = (s.get("cost_families") or {}).get("pupil_minutes")
    if (s.get("cost_public") or {}).get("total") is not None:  # what the county pays, families' time apart
        row["public_cost"] = s["cost_public"]["total"]
    elif row.get("cost_total") is not None:  # a run written before the public budget: the objective less time
        row["public_cost"] = row["cost_total"] - row.get("cost_travel", 0.0)
    row["folder"] = result.out
    row["error"] = one_line(result.error or "; ".join(str(r) for r in s.get("reasons") or []))
    return row


FAILURES_LOG = "failures.log"


def write_failures(path: Path, results: list[TaskResult], labels: list[str], *, what: str) -> int:
    """Write ``path`` (failures.log) with every run of ``results`` that has no plan; return how many.

    Each run's name, label, status, and everything known (the full message, the reasons, the traceback of
    an unexpected error). The table keeps one line per run; this file keeps the rest. Writes nothing when
    every run has a plan.
    """
    failed = [(r, label) for r, label in zip(results, labels) if r.status not in ("optimal", "feasible")]
    if not failed:
        return 0
    blocks = [f"# {len(failed)} of {len(results)} {what} ended without a plan: one block each.\n"]
    for result, label in failed:
        reasons = [str(x) for x in (result.summary or {}).get("reasons") or []]
        body = result.details or result.error or "\n".join(f"- {r}" for r in reasons) or "(no details)"
        head = f"== {result.name}" + (f" ({label})" if label and label != result.name else "") + f": {result.status}"
        blocks.append(f"{head}\n{body.rstrip()}\n")
    path.write_text("\n".join(blocks), encoding="utf-8")
    return len(failed)


def draw_tradeoff(table: pd.DataFrame, path: Path, *, title: str, lang: str = "en") -> None:
    """Two panels: yearly cost against mean and against maximum minutes; non-dominated plans marked."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from .report._mapkit import font_family, mpl_text

    lab = {key: i18n.text(f"sweep.{key}", lang) for key in ("cost", "mean", "max", "front", "other")}
    heading = i18n.text("sweep.title", lang, name=title)
    family = font_family([heading, *lab.values(), *table["label"].astype(str)])
    fig = Figure(figsize=(12, 5.2), dpi=150)
    fig.suptitle(mpl_text(heading), fontsize=13, fontfamily=family)
    cost = table["public_cost"].to_numpy(float) / 1e6
    for k, (column, front_column, xlabel) in enumerate(
            (("mean_minutes", "pareto_mean", lab["mean"]), ("max_minutes", "pareto_max", lab["max"]))):
        ax = fig.add_subplot(1, 2, k + 1)
        x = table[column].to_numpy(float)
        front = table[front_column].to_numpy(bool)
        ax.scatter(x[~front], cost[~front], s=40, c="#9aa5b1", label=lab["other"], zorder=2)
        ax.scatter(x[front], cost[front], s=70, c="#c0392b", edgecolors="black", linewidths=0.6,
                   label=lab["front"], zorder=3)
        order = np.argsort(x[front])
        ax.plot(x[front][order], cost[front][order], c="#c0392b", lw=1.2, zorder=1)
        # One label per point: runs that gave the same plan figures share it ("a=1; a=2").
        points: dict[tuple[float, float], list[str]] = {}
        for xi, yi, text, on in zip(x, cost, table["label"], front):
            if on and np.isfinite(xi) and np.isfinite(yi):
                points.setdefault((round(xi, 6), round(yi, 6)), []).append(str(text))
        for (xi, yi), texts in points.items():
            ax.annotate(mpl_text("; ".join(texts)), (xi, yi), xytext=(7, 5), textcoords="offset points", fontsize=8,
                        fontfamily=family, annotation_clip=False)
        ax.margins(x=0.15, y=0.12)
        ax.set_xlabel(xlabel, fontfamily=family)
        ax.set_ylabel(lab["cost"], fontfamily=family)
        ax.grid(True, alpha=0.3)
    handles, names = fig.axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=2, frameon=False, prop={"family": family, "size": 9})
    with warnings.catch_warnings():  # long run labels (file paths) may not fit: the chart is drawn as it is
        warnings.filterwarnings("ignore", message="Tight layout not applied")
        fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.savefig(path)


def sweep_values(scenario_path: Path, vary: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Return the values to vary: ``--vary`` if given, else the scenario's ``[sweep]`` table."""
    if vary:
        return vary
    table = flatten(load_scenario(scenario_path).scenario.sweep)
    if not table:
        raise ScenarioError(f"{scenario_path}: nothing to vary: give --vary KEY=V1,V2 or a [sweep] table")
    return {k: list(v) for k, v in table.items()}


def run_sweep(scenario_path: Path, vary: dict[str, list[Any]], out: Path, *, base_overrides: tuple[str, ...] = (),
              serial: bool = False, scheduler: str | None = None, workers: int | None = None,
              overwrite: bool = False, lang: str = "en", max_runs: int = MAX_RUNS,
              on_update: Callable[[TaskResult | None, int, int], None] | None = None) -> SweepResult:
    """Run every combination of ``vary`` (keys are scenario keys, values lists) and write the sweep folder.

    Every value and then every combination is validated before any run starts, so a misspelt key or a
    value of the wrong type fails at once, naming the key and the value. More than ``max_runs`` runs are
    refused. The folder is written under a temporary name and renamed when complete; an existing folder is
    replaced only with ``overwrite`` and only when the planner wrote it; ``out`` is checked, created and
    locked before any run starts (see :mod:`consolidation.report.atomic`). Runs without a plan are listed in
    ``failures.log`` with everything known about them (a traceback for an unexpected error); ``sweep.csv``
    keeps one line each.
    """
    out = Path(out)
    vary = sweep_values(scenario_path, vary)
    check_size(vary, max_runs)
    for key, values in vary.items():
        for value in values:
            try:
                load_scenario(scenario_path, [*base_overrides, f"{key}={_toml(value)}"])
            except ScenarioError as exc:
                raise ScenarioError(f"sweep value {key}={_toml(value)} is refused: {exc}") from exc
    combos = combinations(vary)
    runs = []
    for combo in combos:
        overrides = (*base_overrides, *(f"{k}={_toml(v)}" for k, v in combo.items()))
        load_scenario(scenario_path, list(overrides))  # values may clash together: fail now, not mid-sweep
        runs.append((combo, overrides))
    base = load_scenario(scenario_path, list(base_overrides))
    protect = scenario_paths(base)
    with reserve(out, overwrite=overwrite, what="sweep", protect=protect):
        return _sweep(scenario_path, vary, runs, out, name=base.scenario.name, serial=serial, scheduler=scheduler,
                      workers=workers, overwrite=overwrite, lang=lang, on_update=on_update, protect=protect)


def _sweep(scenario_path: Path, vary: dict[str, list[Any]], runs: list[tuple[dict[str, Any], tuple[str, ...]]],
           out: Path, *, name: str, serial: bool, scheduler: str | None, workers: int | None, overwrite: bool,
           lang: str, on_update: Callable[[TaskResult | None, int, int], None] | None,
           protect: list[tuple[str, Path]]) -> SweepResult:
    """Run the validated ``runs`` into ``out``, which :func:`run_sweep` has reserved.

    Each run is a combination of ``vary`` and the overrides that make it.
    """
    combos = [combo for combo, _ in runs]

    def fill(staging: Path) -> pd.DataFrame:
        (staging / "runs").mkdir()
        tasks = [Task(name=_folder_name(i + 1, combo), scenario=Path(scenario_path).resolve(), overrides=overrides,
                      out=staging / "runs" / _folder_name(i + 1, combo), lang=lang)
                 for i, (combo, overrides) in enumerate(runs)]
        log.info("sweep    %s: %d runs varying %s", name, len(tasks), ", ".join(vary))
        results = run_tasks(tasks, serial=serial, scheduler=scheduler, workers=workers, on_update=on_update)
        rows = []
        for combo, result in zip(combos, results):
            row = {"run": result.name, "label": run_label(combo), **combo, **summary_row(result)}
            if row["folder"]:
                row["folder"] = str(out / "runs" / Path(row["folder"]).name)
            rows.append(row)
        table = pd.DataFrame(rows)
        cost = pd.to_numeric(table.get("public_cost"), errors="coerce").to_numpy(float) \
            if "public_cost" in table else np.full(len(table), np.nan)
        mean = pd.to_numeric(table["mean_minutes"], errors="coerce").to_numpy(float)
        longest = pd.to_numeric(table["max_minutes"], errors="coerce").to_numpy(float)
        table["pareto_mean"] = pareto(cost, mean)
        table["pareto_max"] = pareto(cost, longest)
        write_csv(table, staging / "sweep.csv")
        write_failures(staging / FAILURES_LOG, results, [run_label(c) for c in combos], what="runs")
        if np.isfinite(cost).any():
            draw_tradeoff(table.assign(public_cost=cost, mean_minutes=mean, max_minutes=longest),
                          staging / "tradeoff.png", title=name, lang=lang)
        return table

    table = write_atomically(out, fill, overwrite=overwrite, what="sweep", protect=protect)
    return SweepResult(out=out, table=table)
