"""A province: many counties planned independently, one task per county, with a province table and map.

The counties come either as a folder of county folders (each with its own ``schools`` file and
optionally ``villages``, ``travel`` and ``boundary`` files), or as one data set whose schools and
villages files have a ``county`` column. Every county is planned with the same base scenario.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from collections.abc import Callable

import pandas as pd
import tomli_w

from . import i18n
from .errors import InputError
from .io import read_csv_text
from .parallel import Task, TaskResult, run_tasks
from .paths import scenario_paths, unique_folder_names
from .report.atomic import reserve, write_atomically
from .report.tables import write_csv
from .scenario import LoadedScenario, load_scenario, resolved_dict
from .sweep import FAILURES_LOG, summary_row, write_failures

log = logging.getLogger("consolidation")

ROLES = ("schools", "villages", "travel", "boundary")
SUFFIXES = (".csv", ".gpkg", ".geojson", ".json", ".shp")


@dataclass(frozen=True)
class ProvinceResult:
    """A finished province run: its folder and the table written to ``province.csv``."""

    out: Path
    table: pd.DataFrame


def county_folder_names(counties) -> dict[str, str]:
    """Return ``{county: folder name}``: readable (Chinese kept), one path component each.

    Distinct for every distinct name (``north county``, ``north-county`` and ``North County`` each get a short
    hash of the exact name).
    """
    return unique_folder_names(counties, fallback="county")


def county_folders(folder: Path) -> dict[str, dict[str, Path]]:
    """``{county: {role: path}}`` for each subfolder of ``folder`` that has a schools file."""
    counties: dict[str, dict[str, Path]] = {}
    for sub in sorted(p for p in Path(folder).iterdir() if p.is_dir() and not p.name.startswith(".")):
        files = {}
        for role in ROLES:
            found = [sub / f"{role}{suffix}" for suffix in SUFFIXES if (sub / f"{role}{suffix}").exists()]
            if found:
                files[role] = found[0]
        if "schools" in files:
            counties[sub.name] = files
    return counties


def split_by_county(base: dict[str, Any], into: Path) -> dict[str, dict[str, Path]]:
    """Split the base scenario's CSV inputs by their ``county`` column into one folder per county.

    These files are inputs the county runs read back, not tables for people: they are written as read
    (plain ``to_csv``), never through :func:`consolidation.report.tables.write_csv`, whose quotes would
    change IDs and names.
    """
    inputs = base["inputs"]
    schools = read_csv_text(inputs["schools"], "schools")
    if "county" not in schools.columns:
        raise InputError([f"{inputs['schools']}: no county column, and the province folder has no county "
                          "folders: add a county column or one folder per county"])
    villages = read_csv_text(inputs["villages"], "villages") if inputs.get("villages") else None
    if villages is not None and "county" not in villages.columns:
        raise InputError([f"{inputs['villages']}: no county column; every village needs its county"])
    travel = read_csv_text(inputs["travel"], "travel") if inputs.get("travel") else None
    counties: dict[str, dict[str, Path]] = {}
    folders = county_folder_names(schools["county"].unique())
    for county, rows in schools.groupby("county", sort=True):
        folder = into / folders[str(county)]
        folder.mkdir(parents=True)
        files = {"schools": folder / "schools.csv"}
        rows.to_csv(files["schools"], index=False)
        origins = set(rows["school_id"])
        if villages is not None:
            mine = villages[villages["county"] == county]
            files["villages"] = folder / "villages.csv"
            mine.to_csv(files["villages"], index=False)
            origins = set(mine["village_id"])
        if travel is not None:
            files["travel"] = folder / "travel.csv"
            travel[travel["origin_id"].isin(origins) & travel["school_id"].isin(rows["school_id"])].to_csv(
                files["travel"], index=False)
        counties[str(county)] = files
    return counties


def _county_scenario(base: dict[str, Any], county: str, files: dict[str, Path], path: Path) -> Path:
    data = {**base, "name": county if county.strip() else path.stem, "sweep": {}}
    data["inputs"] = {k: v for k, v in base["inputs"].items() if k not in ROLES}
    # Relative to the scenario file, so the province folder stays valid after its final rename.
    data["inputs"].update({role: os.path.relpath(p.resolve(), path.parent.resolve()) for role, p in files.items()})
    path.write_text(tomli_w.dumps(data))
    return path


def draw_province_map(out: Path, runs: dict[str, Path], *, title: str, lang: str = "en") -> bool:
    """All counties on one map: boundaries and schools by role, from each run's plan.gpkg."""
    import geopandas as gpd
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from .report._mapkit import font_family, mpl_text

    lab = {role: i18n.text(f"role.{role}", lang) for role in ("hub", "kept", "teaching_point", "closed", "campus")}
    family = font_family([title, *runs, *lab.values()])

    layers = []
    for county, folder in runs.items():
        gpkg = folder / "plan.gpkg"
        if not gpkg.exists():
            continue
        schools = gpd.read_file(gpkg, layer="schools").to_crs(4326).assign(county=county)
        try:
            boundary = gpd.read_file(gpkg, layer="boundary").to_crs(4326)
        except Exception:  # noqa: BLE001 - a county without a boundary layer: draw its schools' hull
            boundary = gpd.GeoDataFrame(geometry=[schools.union_all().convex_hull.buffer(0.01)], crs=4326)
        layers.append((county, schools, boundary))
    if not layers:
        return False
    crs = pd.concat([s for _, s, _ in layers]).pipe(gpd.GeoDataFrame, crs=4326).estimate_utm_crs()
    x0, y0, x1, y1 = pd.concat([b for _, _, b in layers]).to_crs(crs).total_bounds
    fig = Figure(figsize=(11, min(14.0, max(4.0, 11 * (y1 - y0) / max(x1 - x0, 1.0)) + 0.8)), dpi=150)
    ax = fig.add_subplot(1, 1, 1)
    style = {"hub": ("*", "#c0392b", 120), "kept": ("o", "#2c5d8a", 25), "teaching_point": ("^", "#5fa8d3", 22),
             "closed": ("x", "#8c8c8c", 25)}
    if any((schools["role"] == "campus").any() for _, schools, _ in layers if "role" in schools):
        style["campus"] = ("D", "#1b7837", 22)  # one school, several campuses (一校多区)
    for county, schools, boundary in layers:
        b = boundary.to_crs(crs)
        b.boundary.plot(ax=ax, color="#333333", linewidth=0.8)
        centre = b.union_all().representative_point()
        ax.annotate(mpl_text(county), (centre.x, centre.y), fontsize=8, color="#555555", ha="center", fontfamily=family)
        s = schools.to_crs(crs)
        for role, (marker, colour, size) in style.items():
            part = s[s["role"] == role]
            if len(part):
                ax.scatter(part.geometry.x, part.geometry.y, marker=marker, c=colour, s=size, zorder=3,
                           linewidths=1.0 if marker == "x" else 0.4, edgecolors=None if marker == "x" else "black")
    handles = [Line2D([], [], marker=m, color=c, linestyle="", markersize=9 if r == "hub" else 6,
                      label=lab[r]) for r, (m, c, _) in style.items()]
    ax.legend(handles=handles, loc="lower right", prop={"family": family, "size": 9})
    ax.set_title(mpl_text(title), fontsize=12, fontfamily=family)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    fig.tight_layout()
    fig.savefig(out, bbox_inches="tight")
    return True


def run_province(folder: Path, scenario: Path, out: Path, *, base_overrides: tuple[str, ...] = (),
                 serial: bool = False, scheduler: str | None = None, workers: int | None = None,
                 overwrite: bool = False, lang: str = "en",
                 on_update: Callable[[TaskResult | None, int, int], None] | None = None) -> ProvinceResult:
    """Plan every county of ``folder`` with the base ``scenario`` and write the province folder.

    The folder holds ``counties/<county>/`` (a run folder each), ``scenarios/<county>.toml``,
    ``province.csv`` and ``province_map.png``, and ``failures.log`` (everything known about each county
    without a plan) when some county has none. Written under a temporary name and renamed when complete.
    """
    out = Path(out)
    loaded = load_scenario(scenario, list(base_overrides))
    protect = scenario_paths(loaded) + ([("the province folder", Path(folder))] if folder is not None else [])
    with reserve(out, overwrite=overwrite, what="province", protect=protect):
        return _province(folder, loaded, out, serial=serial, scheduler=scheduler, workers=workers,
                         overwrite=overwrite, lang=lang, on_update=on_update, protect=protect)


def _province(folder: Path | None, loaded: LoadedScenario, out: Path, *, serial: bool, scheduler: str | None,
              workers: int | None, overwrite: bool, lang: str,
              on_update: Callable[[TaskResult | None, int, int], None] | None,
              protect: list[tuple[str, Path]]) -> ProvinceResult:
    base = resolved_dict(loaded.scenario)

    def fill(staging: Path) -> pd.DataFrame:
        for sub in ("counties", "scenarios"):
            (staging / sub).mkdir()
        counties = county_folders(folder) if folder is not None else {}
        if not counties:
            counties = split_by_county(base, staging / "inputs")
        tasks = []
        folders = county_folder_names(counties)
        for county, files in counties.items():
            path = _county_scenario(base, county, files, staging / "scenarios" / f"{folders[county]}.toml")
            tasks.append(Task(name=folders[county], scenario=path, out=staging / "counties" / folders[county],
                              lang=lang))
        log.info("province %d counties with scenario %s", len(tasks), base["name"])
        results = run_tasks(tasks, serial=serial, scheduler=scheduler, workers=workers, on_update=on_update)
        rows = []
        for county, result in zip(counties, results):
            row = {"county": county, **summary_row(result)}
            row["folder"] = str(out / "counties" / result.name) if result.out else None
            rows.append(row)
        table = pd.DataFrame(rows)
        write_csv(table, staging / "province.csv")
        write_failures(staging / FAILURES_LOG, results, list(counties), what="counties")
        done = {county: staging / "counties" / r.name for county, r in zip(counties, results) if r.out}
        closed = pd.to_numeric(table["schools_closed"], errors="coerce").sum()
        hubs = pd.to_numeric(table["hubs"], errors="coerce").sum()
        draw_province_map(staging / "province_map.png", done, lang=lang,
                          title=i18n.text("province.title", lang, n=len(table), closed=closed, hubs=hubs))
        return table

    table = write_atomically(out, fill, overwrite=overwrite, what="province", protect=protect)
    return ProvinceResult(out=out, table=table)
