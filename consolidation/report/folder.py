"""Write one run folder: tables, GeoPackage, map, HTML report, resolved scenario and provenance.

The folder is written under a hidden temporary name beside its destination and renamed into place
only when complete, so an interrupted run never leaves a folder that looks finished. An existing
folder is replaced only when the caller asks (``overwrite=True``).
"""

from __future__ import annotations

import json
import logging
import platform
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import tomli_w
from shapely.geometry import LineString

from .. import i18n
from ..io import Inputs, input_record
from ..messages import texts
from ..plan import Plan
from ..policy import for_csv
from ..scenario import LoadedScenario, Scenario, resolved_dict
from .atomic import write_atomically
from .change_map import draw_change_map
from .group_map import draw_group_map
from .campuses import institutions
from .html import headline_lines, render_report, status_text
from .maps import draw_plan_map
from .pdf import start_report_pdf
from .printing import warm_up
from .programme import programme_context, write_charts, write_tables
from .tables import write_csv, write_xlsx
from .web_map import interactive_map

if TYPE_CHECKING:
    from ..groups import GroupResult

log = logging.getLogger(__name__)

PACKAGES = ("consolidation", "pulp", "highspy", "geopandas", "pyogrio", "shapely", "pandas", "numpy", "pydantic")


@dataclass(frozen=True)
class RunRecord:
    """What happened in a run, for ``run.json``."""

    command: list[str]
    timings: dict[str, float]
    started: str
    finished: str


def versions() -> dict[str, str]:
    """Versions of Python and the packages a plan depends on."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _json(data: Any) -> str:
    def default(value):
        if hasattr(value, "item"):
            return value.item()
        return str(value)

    return json.dumps(data, indent=2, ensure_ascii=False, default=default, allow_nan=False) + "\n"


def _clean(value: Any) -> Any:
    """Replace NaN/inf by None so summary.json is strict JSON."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    return value


def with_chinese(summary: dict[str, Any]) -> dict[str, Any]:
    """Return the summary with ``reasons_zh`` and ``notes_zh``: its reasons and notes in Chinese, for summary.json.

    Reasons and notes are :class:`consolidation.messages.Message` values that know their Chinese; summary.json
    keeps them in both languages so that a comparison in Chinese, made later from the folder, can show them.
    """
    out = dict(summary)
    for key in ("reasons", "notes"):
        if key in summary:
            out[f"{key}_zh"] = texts(summary[key], "zh")
    return out


def road_routes(plan: Plan, inputs: Inputs, scenario: Scenario) -> dict | None:
    """Return the road route of every trip of the plan and of today, ``{(origin_id, school_id): xy}``; None
    without roads.

    A trip's mode is its band's (``rules.<band>.mode``), by bus for boarders; routes are followed back along the
    Dijkstra predecessors kept for each school, for these pairs only.
    """  # noqa: D205 - one sentence
    if inputs.roads is None or scenario.inputs.complete:
        return None
    o_at = {str(o): i for i, o in enumerate(inputs.origins["origin_id"])}
    s_at = {str(s): i for i, s in enumerate(inputs.schools["school_id"])}
    routes: dict = {}
    a = plan.assignments
    boards = a["boards"].astype(float).to_numpy() > 0 if "boards" in a else np.zeros(len(a), bool)
    for row, board in zip(a.itertuples(index=False), boards):
        mode = "bus" if board else scenario.rules.band(row.band).mode
        for school, day in ((row.school_id, mode), (getattr(row, "current_school_id", None), None)):
            key = (str(row.origin_id), str(school))
            if key in routes or key[0] not in o_at or key[1] not in s_at:
                continue
            route = inputs.roads.route(o_at[key[0]], s_at[key[1]], day or scenario.rules.band(row.band).mode)
            if route is not None:
                routes[key] = route
    return routes


def _geo_layers(plan: Plan, inputs: Inputs,
                routes: dict | None = None) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    schools = gpd.GeoDataFrame(
        plan.schools, geometry=inputs.schools.set_index("school_id").geometry.reindex(plan.schools["school_id"]).values,
        crs=inputs.crs)
    origins = inputs.origins
    where = dict(zip(schools["school_id"], schools.geometry))
    origin_at = dict(zip(origins["origin_id"], origins.geometry))
    routes = routes or {}
    lines = [LineString(routes[(str(o), str(s))]) if (str(o), str(s)) in routes else
             LineString([origin_at[o], where[s]]) for o, s in zip(plan.assignments["origin_id"],
                                                                  plan.assignments["school_id"])]
    assignments = gpd.GeoDataFrame(plan.assignments, geometry=lines, crs=inputs.crs)
    return schools, origins, assignments


def write_run(out: Path, *, loaded: LoadedScenario, inputs: Inputs | None, plan: Plan | None,
              summary: dict[str, Any], record: RunRecord, overwrite: bool = False, lang: str = "en",
              groups: GroupResult | None = None, redeployments: pd.DataFrame | None = None,
              protect: Iterable[tuple[str, Path]] = (), programme: Any = None,
              checks: pd.DataFrame | None = None, decisions: Any = None, alternatives: Any = None) -> Path:
    """Write the run folder ``out`` atomically and return it.

    With a ``plan``: summary.json, assignments.csv, schools.csv, plan.xlsx (the summary's figures and those
    tables, with teachers and years when written), plan.gpkg and map.png (when the data have coordinates),
    report.html (with an interactive map when the data have coordinates), report.pdf, scenario.resolved.toml,
    run.json; with ``groups`` (education groups formed after the plan)
    also groups.csv and groups.png; with ``redeployments`` (teachers moved between schools, columns
    :data:`consolidation.teachers.REDEPLOY_COLUMNS`; None when the data lack teachers) also teachers.csv;
    with campuses (一校多区) campuses.csv (:func:`consolidation.report.campuses.institutions`).
    Without a plan (infeasible, or no solution in time): summary.json with the reasons, report.html, report.pdf,
    scenario.resolved.toml, run.json. report.pdf is report.html printed to A4 by Chromium, or a plainer PDF when
    Chromium is missing or fails (:mod:`.pdf`; ``run.json`` says which, under ``pdf``).

    With a ``programme`` (:class:`consolidation.programme.Programme`; ``plan`` is then its last year):
    assignments.csv and schools.csv hold every planned year (a ``year`` column first), and the folder also
    has years.csv, capital.csv, timeline.png, projection.png and map_first.png (the first year's map;
    map.png and plan.gpkg are the last year's), and the report opens with the programme.

    Every run folder has checks.csv: the policy checks (``checks``, :data:`consolidation.policy.CHECK_COLUMNS`;
    a programme's with ``year`` first), the header alone when nothing is flagged or there is no plan. With a plan
    whose assignments say how trips change (:mod:`consolidation.before_after`), coordinates, and a trip that changes
    or a school that closes, also change.png.

    Every run folder has decisions.csv (:data:`consolidation.decisions.COLUMNS`; only its header without a
    plan), from ``decisions`` (:class:`consolidation.decisions.Decisions`). With ``alternatives``
    (:class:`consolidation.alternatives.Alternatives`) that found plans: alternatives.csv and a run folder per
    alternative plan, ``alternatives/altN/`` (the same files, so ``consolidation compare`` reads them).
    """
    write_atomically(Path(out), lambda staging: _write_contents(
        staging, loaded=loaded, inputs=inputs, plan=plan, summary=summary, record=record, lang=lang, groups=groups,
        redeployments=redeployments, programme=programme, checks=checks, decisions=decisions,
        alternatives=alternatives),
        overwrite=overwrite, what="run", protect=protect)
    return Path(out)


def _write_contents(folder: Path, *, loaded: LoadedScenario, inputs: Inputs | None, plan: Plan | None,
                    summary: dict[str, Any], record: RunRecord, lang: str, groups: GroupResult | None = None,
                    redeployments: pd.DataFrame | None = None, programme: Any = None,
                    checks: pd.DataFrame | None = None, decisions: Any = None, alternatives: Any = None) -> None:
    scenario = loaded.scenario
    warm_up()  # Chromium starts while the maps are drawn, for report.pdf
    summary = _clean(summary)
    (folder / "summary.json").write_text(_json(with_chinese(summary)), encoding="utf-8")
    map_png = None
    if plan is not None:
        map_png = _write_map(folder, plan, inputs, scenario, lang, programme)
    change_png = _write_change_map(folder, plan, inputs, scenario, lang) if plan is not None else None
    groups_png = _write_groups(folder, groups, inputs, scenario, lang) if groups is not None else None
    years = (_write_programme(folder, programme, inputs, scenario, lang, map_png)
             if plan is not None and programme is not None else None)
    html = render_report(summary=summary, schools=plan.schools if plan is not None else pd.DataFrame(),
                         assignments=plan.assignments if plan is not None else pd.DataFrame(), map_png=map_png,
                         origins=inputs.origins if inputs is not None else None, lang=lang, groups=groups,
                         groups_png=groups_png, redeployments=redeployments, programme=years,
                         campuses=institutions(plan.schools, scenario.teachers) if plan is not None else None,
                         checks=checks, change_png=change_png, imap=_interactive_map(plan, inputs, lang),
                         decisions=decisions, alternatives=alternatives)
    (folder / "report.html").write_text(html, encoding="utf-8")
    printing = start_report_pdf(folder / "report.html")  # Chromium prints while the tables are written
    if plan is not None:
        if programme is not None:
            write_tables(folder, programme)
        else:
            write_csv(plan.assignments, folder / "assignments.csv", float_format="%.6g")
            write_csv(plan.schools.drop(columns="geometry", errors="ignore"), folder / "schools.csv",
                      float_format="%.6g")
        if redeployments is not None:
            write_csv(redeployments, folder / "teachers.csv", float_format="%.6g")
        if len(campus_table := institutions(plan.schools, scenario.teachers)):  # 一校多区, the plan's last year
            write_csv(campus_table, folder / "campuses.csv", float_format="%.6g")
        _write_workbook(folder, summary, plan, redeployments, programme, checks)
    write_csv(for_csv(checks), folder / "checks.csv", float_format="%.6g")
    _write_decisions(folder, decisions, plan)
    if alternatives is not None and alternatives.found:
        _write_alternatives(folder, alternatives, loaded=loaded, inputs=inputs, record=record, lang=lang)
    (folder / "scenario.resolved.toml").write_text(
        "# The scenario as run: every value resolved (defaults, extends and --set applied).\n"
        + tomli_w.dumps(resolved_dict(scenario)), encoding="utf-8")
    pdf = printing.finish(folder / "report.pdf", lang=lang, map_png=map_png,
                          title=i18n.text("report.title", lang, name=scenario.name),
                          badge=status_text(str(summary["status"]), summary.get("gap"), lang),
                          lines=headline_lines(summary, lang))
    run = {"scenario": scenario.name, "status": summary["status"], **provenance(loaded, inputs, record, lang),
           "pdf": pdf}
    (folder / "run.json").write_text(_json(run), encoding="utf-8")


def _interactive_map(plan: Plan | None, inputs: Inputs | None, lang: str) -> dict | None:
    """Return the report's interactive map of ``plan`` (None without a plan or coordinates)."""
    if plan is None or inputs is None or not inputs.has_geometry:
        return None
    schools = gpd.GeoDataFrame(
        plan.schools.drop(columns="geometry", errors="ignore"),
        geometry=inputs.schools.set_index("school_id").geometry.reindex(plan.schools["school_id"]).values,
        crs=inputs.crs)
    return interactive_map(schools=schools, origins=inputs.origins, assignments=plan.assignments,
                           boundary=inputs.boundary, lang=lang)
def _write_decisions(folder: Path, decisions: Any, plan: Plan | None) -> None:
    """Write decisions.csv: the run's decisions, or (without them) every school's decision, not evaluated."""
    from ..decisions import COLUMNS, empty, not_evaluated

    if decisions is None:
        decisions = empty() if plan is None else not_evaluated(plan, "decisions.why.alternative")
    write_csv(decisions.table[COLUMNS], folder / "decisions.csv", float_format="%.2f")


def _write_alternatives(folder: Path, alternatives: Any, *, loaded: LoadedScenario, inputs: Inputs | None,
                        record: RunRecord, lang: str) -> None:
    """Write alternatives.csv and a run folder per alternative plan (``alternatives/altN``)."""
    write_csv(alternatives.table(), folder / "alternatives.csv", float_format="%.2f")
    name = loaded.scenario.name
    for alt in alternatives.found:
        sub = folder / "alternatives" / alt.name
        sub.mkdir(parents=True)
        differ = ", ".join(f"{sid} {state}" for sid, state in alt.differ)
        summary = {**alt.plan.summary, "scenario": f"{name} {alt.name}",
                   "description": f"Alternative plan {alt.name[3:]} of {name}: differs in {differ}.",
                   "alternative_of": name, **{k: round(v, 2) for k, v in alt.deltas.items()}}
        _write_contents(sub, loaded=loaded, inputs=inputs, plan=alt.plan, summary=summary, record=record,
                        lang=lang)


def _in_output_crs(frame: gpd.GeoDataFrame, scenario: Scenario) -> gpd.GeoDataFrame:
    """Return a plan.gpkg layer in ``[inputs] output_crs`` when set (e.g. EPSG:4490 lon/lat), else as it is.

    As it is means the run's metric CRS (:attr:`Inputs.crs`: the input's own projected CRS, a CGCS2000
    Gauss-Kruger zone for Chinese data, else UTM), in which distances were measured and maps drawn.
    """
    target = scenario.inputs.output_crs
    return frame if target is None or frame.crs is None else frame.to_crs(target)


def summary_rows(summary: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Return the summary's figures as (key, value) rows: nested keys dotted, lists of plain values joined.

    Lists of tables (e.g. per-year records) are left out: they have sheets of their own.
    """
    rows: list[tuple[str, Any]] = []
    for key, value in summary.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows.extend(summary_rows(value, prefix=f"{name}."))
        elif isinstance(value, (list, tuple)):
            if all(not isinstance(v, (dict, list, tuple)) for v in value):
                rows.append((name, ", ".join(str(v) for v in value)))
        else:
            rows.append((name, value))
    return rows


def _write_workbook(folder: Path, summary: dict[str, Any], plan: Plan, redeployments: pd.DataFrame | None,
                    programme: Any, checks: pd.DataFrame | None = None) -> None:
    """Write plan.xlsx: the summary's figures and the tables of the CSVs beside it, one sheet each."""
    if programme is not None:
        from ..programme import tidy_by_year

        years = tuple(programme.years)
        schools = tidy_by_year([p.schools for p in programme.plans], years)
        assignments = tidy_by_year([p.assignments for p in programme.plans], years)
    else:
        schools, assignments = plan.schools, plan.assignments
    sheets = {"summary": pd.DataFrame(summary_rows(summary), columns=["key", "value"]),
              "schools": schools, "assignments": assignments}
    if checks is not None:
        sheets["checks"] = for_csv(checks)
    if redeployments is not None:
        sheets["teachers"] = redeployments
    if programme is not None:
        sheets["years"] = programme.table
    write_xlsx(sheets, folder / "plan.xlsx")


def _write_map(folder: Path, plan: Plan, inputs: Inputs | None, scenario: Scenario, lang: str,
               programme: Any, name: str = "map.png") -> bytes | None:
    """Write plan.gpkg and the map (``name``) of ``plan`` when the data have coordinates; return the map's bytes.

    In a programme the map's title names the plan's year; plan.gpkg is written for map.png (the last year) only.
    """
    if inputs is None or not inputs.has_geometry:
        return None
    routes = road_routes(plan, inputs, scenario)
    schools, origins, lines = _geo_layers(plan, inputs, routes)
    if name == "map.png":
        gpkg = folder / "plan.gpkg"
        _in_output_crs(schools, scenario).to_file(gpkg, layer="schools", driver="GPKG")
        _in_output_crs(origins, scenario).to_file(gpkg, layer="villages" if scenario.inputs.villages else "origins",
                                                  driver="GPKG")
        _in_output_crs(lines, scenario).to_file(gpkg, layer="assignments", driver="GPKG")
        if inputs.boundary is not None:
            _in_output_crs(inputs.boundary, scenario).to_file(gpkg, layer="boundary", driver="GPKG")
    year = plan.summary.get("year") if programme is not None else None
    draw_plan_map(schools=schools, origins=origins, assignments=plan.assignments, boundary=inputs.boundary,
                  path=folder / name, title=scenario.name if year is None else f"{scenario.name} · {year}", lang=lang,
                  routes=routes, roads=None if routes is None else inputs.roads.network.segments())
    return (folder / name).read_bytes()


def _write_change_map(folder: Path, plan: Plan, inputs: Inputs | None, scenario: Scenario, lang: str) -> bytes | None:
    """Write change.png (each village's change in minutes) when the data have coordinates; return its bytes.

    Nothing when no trip changes by half a minute or more and no school closes (a map of nothing).
    """
    if inputs is None or not inputs.has_geometry or "minutes_change" not in plan.assignments:
        return None
    if not ((plan.assignments["minutes_change"].abs() >= 0.5).any() or (plan.schools["open"] == 0).any()):
        return None
    year = plan.summary.get("year")
    draw_change_map(schools=inputs.schools, plan_schools=plan.schools, origins=inputs.origins,
                    assignments=plan.assignments, boundary=inputs.boundary, path=folder / "change.png",
                    title=scenario.name if year is None else f"{scenario.name} · {year}", lang=lang)
    return (folder / "change.png").read_bytes()


def _write_programme(folder: Path, programme: Any, inputs: Inputs | None, scenario: Scenario, lang: str,
                     map_last: bytes | None) -> dict[str, Any]:
    """Write the programme's charts and first year's map; return the report's Programme section values."""
    images: dict[str, bytes | None] = {**write_charts(folder, programme, title=scenario.name, lang=lang),
                                       "map_last": map_last}
    images["map_first"] = _write_map(folder, programme.plans[0], inputs, scenario, lang, programme,
                                     name="map_first.png")
    return programme_context(programme, images, lang)


def provenance(loaded: LoadedScenario, inputs: Inputs | None, record: RunRecord, lang: str) -> dict[str, Any]:
    """Return what ``run.json`` records of any folder.

    Command and timings, scenario files and overrides, the input files' SHA-256, the CRS, versions and
    platform.
    """
    return {
        "command": record.command,
        "started": record.started,
        "finished": record.finished,
        "timings_s": record.timings,
        "lang": lang,
        "scenario_files": [str(p) for p in loaded.files],
        "overrides": [{"key": k, "old": old, "new": new} for k, old, new in loaded.overrides],
        "inputs": input_record(inputs, loaded.files[0] if loaded.files else None),
        "crs": inputs.crs.to_string() if inputs is not None and inputs.crs is not None else None,
        "versions": versions(),
        "platform": platform.platform(),
        "argv": sys.argv,
    }


def _write_groups(folder: Path, groups: GroupResult, inputs: Inputs | None, scenario: Scenario,
                  lang: str) -> bytes | None:
    """Write groups.csv and, when the schools have coordinates, groups.png; return the map's bytes."""
    write_csv(groups.groups, folder / "groups.csv", float_format="%.6g")
    if inputs is None or not isinstance(inputs.schools, gpd.GeoDataFrame):
        return None
    draw_group_map(schools=inputs.schools, groups=groups.groups, boundary=inputs.boundary,
                   path=folder / "groups.png", title=scenario.name, limit=scenario.groups.max_minutes, lang=lang)
    return (folder / "groups.png").read_bytes()
