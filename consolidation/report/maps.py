"""Draw the plan as a two-panel map: schools and trips today, and after the plan.

The map is meant for county officials: plain titles, a legend for every symbol, a scale bar in
kilometres and a north arrow, no coordinate ticks. Both panels share one extent and one marker
scale, so they can be compared side by side. Geometry must be in a metric projected CRS (metres);
geometry in degrees is projected to the local UTM zone first.

Only English labels exist now; every label lives in :data:`LABELS`, so another language is one
more entry there.
"""

from __future__ import annotations

import math
from os import PathLike

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from . import _mapkit as kit

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "School consolidation plan",
        "today": "Today: {n} schools",
        "plan": "Plan: {hubs}, {kept} kept, {closed} closed",
        "hubs": "{n} hubs",
        "hubs_1": "1 hub",
        "boundary": "County boundary",
        "village": "Village",
        "school_today": "School (size = pupils)",
        "trip_today": "Trip to school today",
        "hub": "Hub: open, receives moved pupils",
        "kept": "Kept: open, no pupils moved in",
        "closed": "Closed",
        "trip_same": "Day trip, same school as today",
        "trip_moved": "Day trip to a new school",
        "trip_board": "Boards at school (trip home weekly)",
        "size_key": "{n} pupils",
        "km": "km",
        "north": "N",
    },
}
"""Label strings by language. Add a language by adding a dict with the same keys."""

DPI = 150
FIG_WIDTH_IN = 12.0  # 1800 px at 150 dpi
MARGIN_IN, GAP_IN, TITLE_IN, LEGEND_IN = 0.25, 0.3, 0.75, 1.8
COLORS = {
    "boundary": "#333333",
    "land": "#f6f5ef",
    "village": "#6b6b6b",
    "school": "#2f5f8a",
    "hub": "#c62828",
    "closed": "#8c8c8c",
    "trip_same": "#8fa3b8",
    "trip_moved": "#ef8a17",
    "trip_board": "#6a3d9a",
}
TRIP_STYLES = {  # kind: (line style, width, zorder)
    "trip_same": ("-", 0.9, 2),
    "trip_moved": ("-", 1.4, 3),
    "trip_board": ((0, (4, 2.5)), 1.6, 3),
}
MAX_MARKER = 520.0  # marker area (pt^2) of the largest school, today or in the plan
MIN_MARKER = 14.0
HUB_SCALE, HUB_MIN = 1.7, 170.0  # a star covers less ink than a circle; hubs stay prominent
MAX_NAMED = 10  # at most this many names (more if there are more hubs): hubs, then kept schools
NAME_SHARE = 0.15  # ... with at least this share of the largest school's pupils


def draw_plan_map(*, schools, origins, assignments, boundary, path: str | PathLike, title: str,
                  lang: str = "en") -> None:
    """Write a PNG map comparing today's schools and trips with the plan.

    Parameters
    ----------
    schools : geopandas.GeoDataFrame
        One row per school with ``school_id``, ``name``, ``role`` (``hub``/``kept``/``closed``),
        ``pupils`` (after), ``pupils_before`` and Point geometry in a metric CRS.
    origins : geopandas.GeoDataFrame, pandas.DataFrame or None
        ``origin_id``, ``kind`` (``village``/``school``) and Point geometry. Without geometry,
        villages and trip lines are left out.
    assignments : pandas.DataFrame
        ``origin_id``, ``school_id``, ``current_school_id``, ``boards`` and ``moved``.
    boundary : geopandas.GeoDataFrame or None
        Polygons of the county, drawn as a shaded outline when given.
    path : str or os.PathLike
        Where to write the PNG (1800 px wide, 150 dpi).
    title : str
        Title above both panels.
    lang : str, default "en"
        Key of :data:`LABELS`; unknown languages fall back to English.

    Raises
    ------
    ValueError
        If ``schools`` has no Point geometry (the caller then skips the map).
    """
    lab = LABELS.get(lang, LABELS["en"])
    schools = kit.with_geometry(schools)
    if schools is None:
        raise ValueError("schools have no geometry; cannot draw a map")
    schools = schools.reset_index(drop=True)
    crs = schools.crs
    if crs is not None and crs.is_geographic:
        crs = schools.estimate_utm_crs()
        schools = schools.to_crs(crs)
    origins = kit.to_crs(kit.with_geometry(origins), crs)
    boundary = kit.to_crs(kit.with_geometry(boundary), crs)
    assignments = assignments if assignments is not None else pd.DataFrame()

    before, after = _num(schools, "pupils_before"), _num(schools, "pupils")
    pmax = max(float(before.max()), float(after.max()), 1.0)
    (xmin, ymin, xmax, ymax), aspect = kit.extent([schools, origins, boundary])
    panel_w = (FIG_WIDTH_IN - 2 * MARGIN_IN - GAP_IN) / 2
    panel_h = panel_w * aspect
    fig_h = TITLE_IN + panel_h + LEGEND_IN
    fig = Figure(figsize=(FIG_WIDTH_IN, fig_h), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    family = kit.font_family([title, *schools.get("name", [])])
    if not kit.renderable(title, family):  # e.g. a Chinese name and no CJK font installed
        title = lab["title"]
    fig.suptitle(kit.mpl_text(title), y=1 - 0.18 / fig_h,
                 fontsize=15, fontweight="bold", fontfamily=family)
    axes = []
    for i in range(2):
        ax = fig.add_axes(((MARGIN_IN + i * (panel_w + GAP_IN)) / FIG_WIDTH_IN,
                           LEGEND_IN / fig_h, panel_w / FIG_WIDTH_IN, panel_h / fig_h))
        _draw_base(ax, boundary, origins)
        ax.set_xlim(xmin, xmax)
        ax.set_ylim(ymin, ymax)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
        for spine in ax.spines.values():
            spine.set_color("#999999")
        axes.append(ax)

    ends = (_xy_lookup(origins, "origin_id"), _xy_lookup(schools, "school_id"))
    _draw_today(axes[0], schools, assignments, ends, before, pmax, lab)
    _draw_plan(axes[1], schools, assignments, ends, after, pmax, lab, family)

    sizes = [_marker(lab["size_key"].format(n=f"{k:,}"), "o", "white",
                     math.sqrt(_sizes([k], pmax)[0]), edge=COLORS["school"])
             for k in kit.round_keys(pmax)]
    common = _base_handles(lab, boundary is not None, origins is not None)
    today = [_marker(lab["school_today"], "o", COLORS["school"], 9),
             _line(lab["trip_today"], "trip_same")]
    plan = [_marker(lab["hub"], "*", COLORS["hub"], 15, edge="black"),
            _marker(lab["kept"], "o", COLORS["school"], 9),
            Line2D([], [], ls="none", marker="x", color=COLORS["closed"], ms=8, mew=1.6,
                   label=lab["closed"])] + [_line(lab[k], k) for k in TRIP_STYLES]
    for ax, handles in zip(axes, (common + today + sizes, common + plan + sizes)):
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, -0.015), ncol=2,
                  frameon=False, fontsize=9, handlelength=2.6, borderaxespad=0.2,
                  labelspacing=0.9, columnspacing=1.2)
        kit.scale_bar(ax, lab["km"])
        kit.north_arrow(ax, lab["north"])
    fig.savefig(path, dpi=DPI, facecolor="white")


def _draw_today(ax, schools, assignments, ends, before, pmax, lab) -> None:
    """Today: every school that has pupils, and a line from each origin to its school."""
    lines = _segments(assignments, "current_school_id", *ends)
    style, width, z = TRIP_STYLES["trip_same"]
    ax.add_collection(LineCollection(lines, colors=COLORS["trip_same"], linewidths=width,
                                     linestyles=style, zorder=z))
    has = before > 0
    x, y = kit.coords(schools[has])
    ax.scatter(x, y, s=_sizes(before[has], pmax), c=COLORS["school"], edgecolors="white",
               linewidths=0.7, alpha=0.9, zorder=4)
    ax.set_title(lab["today"].format(n=int(has.sum())), fontsize=12, loc="left")


def _draw_plan(ax, schools, assignments, ends, after, pmax, lab, family) -> None:
    """Plan: schools by role, lines to the assigned school by kind of trip, open schools named."""
    kinds = _trip_kind(assignments)
    for kind, (style, width, z) in TRIP_STYLES.items():
        lines = _segments(assignments[kinds == kind], "school_id", *ends)
        ax.add_collection(LineCollection(lines, colors=COLORS[kind], linewidths=width,
                                         linestyles=style, zorder=z))
    role = schools["role"].astype(str) if "role" in schools else pd.Series("kept", schools.index)
    closed, kept, hub = (role == "closed").to_numpy(), (role == "kept").to_numpy(), (
        role == "hub").to_numpy()
    size = _sizes(after, pmax)
    hub_size = np.maximum(size * HUB_SCALE, HUB_MIN)
    x, y = kit.coords(schools)
    ax.scatter(x[closed], y[closed], s=60, marker="x", c=COLORS["closed"], linewidths=1.6,
               zorder=4)
    ax.scatter(x[kept], y[kept], s=size[kept], c=COLORS["school"], edgecolors="white",
               linewidths=0.7, alpha=0.9, zorder=5)
    ax.scatter(x[hub], y[hub], s=hub_size[hub], marker="*", c=COLORS["hub"], edgecolors="black",
               linewidths=0.6, zorder=6)
    n_hubs = int(hub.sum())
    hubs = lab["hubs_1"] if n_hubs == 1 else lab["hubs"].format(n=n_hubs)
    ax.set_title(lab["plan"].format(hubs=hubs, kept=int(kept.sum()), closed=int(closed.sum())),
                 fontsize=12, loc="left")

    # Name hubs, then large kept schools, up to MAX_NAMED names where they fit; names may
    # cover the crosses of closed schools but not other open schools.
    radius = np.where(hub, np.sqrt(hub_size) * 0.45, np.where(kept, np.sqrt(size) / 2, 4.0))
    markers = [(x[i], y[i], radius[i]) for i in np.flatnonzero(~closed)]
    big = kept & (after.to_numpy() >= NAME_SHARE * pmax)
    order = sorted(np.flatnonzero(hub | big), key=lambda i: (not hub[i], -after.iloc[i]))
    order = order[:max(MAX_NAMED, int(hub.sum()))]
    ids = schools["school_id"].astype(str).tolist() if "school_id" in schools else [""] * len(x)
    names = schools["name"].astype(str).tolist() if "name" in schools else ids
    labels = [(x[i], y[i], names[i] if kit.renderable(names[i], family) else ids[i], bool(hub[i]),
               radius[i]) for i in order]
    kit.place_labels(ax, labels, family, markers)


def _draw_base(ax, boundary, origins) -> None:
    """Draw the county outline and the villages."""
    if boundary is not None:
        boundary.plot(ax=ax, facecolor=COLORS["land"], edgecolor="none", zorder=0)
        boundary.boundary.plot(ax=ax, color=COLORS["boundary"], linewidth=1.2, zorder=1)
    if origins is not None:
        villages = (origins[origins["kind"].astype(str) == "village"] if "kind" in origins
                    else origins)
        x, y = kit.coords(villages)
        ax.scatter(x, y, s=7, c=COLORS["village"], linewidths=0, zorder=3)


def _num(df: pd.DataFrame, col: str) -> pd.Series:
    """A numeric column, zeros where missing."""
    if col not in df:
        return pd.Series(0.0, index=df.index)
    return pd.to_numeric(df[col], errors="coerce").fillna(0.0)


def _xy_lookup(df, id_col: str) -> dict[str, tuple[float, float]]:
    """Map each id (as a string) to its point coordinates."""
    if df is None or id_col not in df:
        return {}
    x, y = kit.coords(df)
    return {str(i): (a, b) for i, a, b in zip(df[id_col], x, y)}


def _segments(assign: pd.DataFrame, target: str, origin_xy: dict, school_xy: dict) -> list:
    """One line per distinct (origin, target school); unknown or coincident ends are skipped."""
    if len(assign) == 0 or target not in assign or "origin_id" not in assign:
        return []
    pairs = assign[["origin_id", target]].dropna().astype(str).drop_duplicates()
    segs = []
    for o, s in pairs.itertuples(index=False):
        a, b = origin_xy.get(o), school_xy.get(s)
        if a is not None and b is not None and math.dist(a, b) > 1.0:
            segs.append([a, b])
    return segs


def _trip_kind(assign: pd.DataFrame) -> pd.Series:
    """Classify each assignment as ``trip_board``, ``trip_moved`` or ``trip_same``."""
    boards, moved = _num(assign, "boards") > 0, _num(assign, "moved") > 0
    kind = np.where(boards, "trip_board", np.where(moved, "trip_moved", "trip_same"))
    return pd.Series(kind, index=assign.index, dtype=object)


def _sizes(pupils, pmax: float) -> np.ndarray:
    """Marker areas proportional to pupils, with a floor so small schools stay visible."""
    return np.maximum(MAX_MARKER * np.asarray(pupils, dtype=float) / pmax, MIN_MARKER)


def _marker(label: str, marker: str, color: str, size: float, edge: str = "white") -> Line2D:
    """A legend handle showing one marker."""
    return Line2D([], [], ls="none", marker=marker, ms=size, markerfacecolor=color,
                  markeredgecolor=edge, markeredgewidth=0.9, label=label)


def _line(label: str, kind: str) -> Line2D:
    """A legend handle showing one kind of trip line."""
    style, width, _ = TRIP_STYLES[kind]
    return Line2D([], [], color=COLORS[kind], lw=width + 0.3, ls=style, label=label)


def _base_handles(lab: dict, has_boundary: bool, has_origins: bool) -> list:
    """Legend handles shared by both panels."""
    handles = []
    if has_boundary:
        handles.append(Rectangle((0, 0), 1, 1, facecolor=COLORS["land"],
                                 edgecolor=COLORS["boundary"], lw=1.2, label=lab["boundary"]))
    if has_origins:
        handles.append(_marker(lab["village"], "o", COLORS["village"], 3.5, edge=COLORS["village"]))
    return handles
