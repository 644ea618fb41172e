"""What the HTML page and the PDF both show, computed once: the analysis, the map panels and the font.

The map panels read each run's ``plan.gpkg`` layers and put every map at one extent and marker scale.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from .. import i18n
from ..errors import InputError
from ..report import _mapkit as kit
from ..report import maps
from ..report.html import said, status_text
from . import figures
from .analysis import Comparison, decisions, headline_rows, setting_differences, short_status
from .runs import RunFolder, one_line
from .shapes import HAS_PLAN
from .years import year_rows

log = logging.getLogger("consolidation")


def _read_layers(run: RunFolder, crs: Any) -> maps.PlanLayers | None:
    """Read the plan's layers from its plan.gpkg, in ``crs`` (None: the file's own, or UTM if in degrees)."""
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


def _layers(run: RunFolder, crs: Any) -> maps.PlanLayers | None:
    """Read the run's map layers, or None when it has no map; a damaged file is an InputError naming it."""
    if run.gpkg is None:
        return None
    try:
        return _read_layers(run, crs)
    except Exception as exc:  # noqa: BLE001 - a damaged layer: say which file, never a traceback
        raise InputError([f"{run.gpkg} cannot be read ({one_line(exc)}): run its scenario again to rewrite "
                          "it, or delete plan.gpkg to compare without its map"]) from exc


def _roles(run: RunFolder) -> dict[str, str]:
    """Map each school id of the plan to its role."""
    return dict(zip(run.schools["school_id"].astype(str), run.schools["role"].astype(str)))


def _panel(cmp: Comparison, run: RunFolder, crs: Any, ref_roles: dict[str, str] | None) -> dict:
    """Make one run's map panel: its layers and the schools whose role differs from ``ref_roles``, or a message."""
    panel = {"name": run.name, "color": run.color}
    if not run.has_plan:
        panel["message"] = cmp.t("map.no_plan", status=short_status(run.status, cmp.lang))
        return panel
    layers = _layers(run, crs)
    if layers is None:
        panel["message"] = cmp.t("map.no_map")
        return panel
    panel["layers"] = layers
    if ref_roles is not None:
        panel["highlight"] = sorted(s for s, r in _roles(run).items() if ref_roles.get(s, r) != r)
    return panel


def map_panels(cmp: Comparison) -> tuple[list[dict], dict | None]:
    """Make one map panel per run, and the common extent and marker scale.

    Parameters
    ----------
    cmp : Comparison
        The runs compared. Every map is drawn in the first map's CRS.

    Returns
    -------
    panels : list of dict
        Each with ``name`` and ``color``, and either ``message`` (no plan, no map) or ``layers`` and,
        after the reference, ``highlight`` (the ids of schools whose role differs from the reference's).
    extent : dict or None
        ``bounds``, ``aspect``, ``pmax`` (the most pupils at one school) and ``layers``; None when no
        run has a map.

    Raises
    ------
    InputError
        A plan.gpkg cannot be read.
    """
    ref_roles = _roles(cmp.ref) if cmp.ref.has_plan else None
    panels = []
    crs = None
    for i, run in enumerate(cmp.runs):
        panel = _panel(cmp, run, crs, ref_roles if i > 0 else None)
        if "layers" in panel:
            crs = crs or panel["layers"].schools.crs
        panels.append(panel)
    drawn = [p["layers"] for p in panels if "layers" in p]
    if not drawn:
        return panels, None
    bounds, aspect = kit.extent([f for lay in drawn for f in lay.frames])
    return panels, {"bounds": bounds, "aspect": aspect, "pmax": max(lay.pupils_max() for lay in drawn),
                    "layers": drawn}


def font_for(cmp: Comparison, extra: Sequence[str] = ()) -> list[str]:
    """Choose fonts that can draw every label of the language, the run names and the school names.

    Parameters
    ----------
    cmp : Comparison
        The runs compared, in their language.
    extra : sequence of str, optional
        More text to draw.

    Returns
    -------
    list of str
        Font family names, for matplotlib's ``font.family``. A warning is logged when Chinese
        text must be drawn and no CJK font is installed.
    """
    texts = list(i18n.TABLES[cmp.lang].values()) + [r.name for r in cmp.runs] + list(extra)
    for run in cmp.runs:
        if run.schools is not None and "name" in run.schools:
            texts += run.schools["name"].astype(str).tolist()
    family = kit.font_family(texts)
    if kit.needs_cjk(texts) and not all(kit.renderable(s, family) for s in i18n.TABLES[cmp.lang].values()):
        log.warning("no CJK font is installed, so Chinese text in the maps, charts and PDF shows as boxes: "
                    "install one (Debian/Ubuntu: apt-get install fonts-noto-cjk)")
    return family


def gather(cmp: Comparison) -> dict:
    """Compute everything the page and the PDF show, once.

    Parameters
    ----------
    cmp : Comparison
        The runs compared.

    Returns
    -------
    dict
        ``headline`` (:func:`.analysis.headline_rows`), ``decisions`` (:func:`.analysis.decisions`),
        ``settings`` (:func:`.analysis.setting_differences`), ``panels`` and ``extent``
        (:func:`map_panels`), ``family`` (:func:`font_for`), ``travel`` (whether any run has
        travel times to chart) and ``years`` (:func:`.years.year_rows`: programmes year by year).
    """
    panels, extent = map_panels(cmp)
    return {
        "headline": headline_rows(cmp),
        "decisions": decisions(cmp),
        "settings": setting_differences(cmp),
        "panels": panels,
        "extent": extent,
        "family": font_for(cmp),
        "travel": bool(figures.travel_bands(cmp.runs)),
        "years": year_rows(cmp),
    }


def data_note(cmp: Comparison) -> str:
    """Say which input files differ between the runs and in which runs (empty when none differ)."""
    if not cmp.differences:
        return ""
    by_file: dict[str, list[str]] = {}
    for d in cmp.differences:
        by_file.setdefault(Path(d.ref_path or d.path or d.role).name, []).append(d.run.name)
    details = i18n.text("list_sep", cmp.lang).join(
        cmp.t("cmp.data_item", file=f, runs=i18n.join_names(names, cmp.lang)) for f, names in by_file.items())
    return cmp.t("cmp.data_differs", details=details)


def unsolved(cmp: Comparison) -> list[dict]:
    """List the runs without a plan, each with ``name``, ``status`` in words and ``reasons``."""
    return [{"name": r.name, "status": status_text(r.status, r.summary.get("gap"), cmp.lang),
             "reasons": said(r.summary, "reasons", cmp.lang)}
            for r in cmp.runs if r.status not in HAS_PLAN]


def left_out(cmp: Comparison) -> str:
    """Name the runs left out of the decisions because they have no plan (empty when none)."""
    missing = [r.name for r in cmp.runs if not r.has_plan]
    return cmp.t("cmp.decisions_left_out", runs=i18n.join_names(missing, cmp.lang)) if missing else ""
