"""Draw the plan as a two-panel map: schools and trips today, and after the plan.

The map is meant for county officials: plain titles, a legend for every symbol, a scale bar in
kilometres and a north arrow, no coordinate ticks. Both panels share one extent and one marker
scale, so they can be compared side by side. Geometry must be in a metric projected CRS (metres);
geometry in degrees is projected to the local UTM zone first.

The plan panel is drawn by :func:`draw_plan_panel` on any axes at a given extent and marker scale,
so several plans can be drawn side by side at the same scale (see ``consolidation.compare``).
Every label comes from :mod:`consolidation.i18n` (English and Chinese).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass
from os import PathLike

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from .. import i18n
from . import _mapkit as kit

log = logging.getLogger("consolidation")

LABEL_KEYS = ("title", "today", "plan", "hubs", "hubs_1", "boundary", "village", "school_today", "trip_today",
              "hub", "kept", "teaching_point", "closed", "trip_same", "trip_moved", "trip_board", "size_key", "km",
              "north", "differs", "panel", "no_map", "no_plan", "parent_link")
LABELS: dict[str, dict[str, str]] = {lang: {k: i18n.text(f"map.{k}", lang) for k in LABEL_KEYS}
                                     for lang in i18n.LANGS}
"""Map labels by language (from :mod:`consolidation.i18n`, keys without the ``map.`` prefix)."""

DPI = 150
FIG_WIDTH_IN = 12.0  # 1800 px at 150 dpi
MARGIN_IN, GAP_IN, TITLE_IN, LEGEND_IN = 0.25, 0.3, 0.75, 1.8
COLORS = {
    "boundary": "#333333",
    "land": "#f6f5ef",
    "village": "#6b6b6b",
    "school": "#2f5f8a",
    "teaching_point": "#5fa8d3",
    "hub": "#c62828",
    "closed": "#8c8c8c",
    "trip_same": "#8fa3b8",
    "trip_moved": "#ef8a17",
    "trip_board": "#6a3d9a",
    "differs": "#00897b",
    "road": "#cdbfa3",
    "kindergarten": "#e69f00",
    "campus": "#1b7837",
    "parent_link": "#1b7837",
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


@dataclass(frozen=True)
class PlanLayers:
    """The layers of one plan, ready to draw: all in one metric CRS, schools with geometry.

    ``origins`` and ``boundary`` are None when absent or without geometry.
    """

    schools: gpd.GeoDataFrame
    origins: gpd.GeoDataFrame | None
    assignments: pd.DataFrame
    boundary: gpd.GeoDataFrame | None
    routes: dict | None = None
    """``{(origin_id, school_id): array of shape (k, 2)}``: trips drawn along their road route (same CRS)."""
    roads: np.ndarray | None = None
    """Road segments (m x 2 x 2) drawn under the trips."""

    @property
    def frames(self) -> list:
        """The layers that set the extent."""
        return [self.schools, self.origins, self.boundary]

    def pupils_max(self) -> float:
        """Return the pupils of the largest school, today or in the plan, at least 1 (sets the marker scale)."""
        before, after = _num(self.schools, "pupils_before"), _num(self.schools, "pupils")
        return max(float(before.max()) if len(before) else 0.0, float(after.max()) if len(after) else 0.0, 1.0)


def plan_layers(*, schools, origins, assignments, boundary, crs=None, routes=None, roads=None) -> PlanLayers:
    """Check and project the layers of a plan for drawing.

    Parameters
    ----------
    schools : geopandas.GeoDataFrame
        ``school_id``, ``name``, ``role``, ``pupils``, ``pupils_before`` and Point geometry.
    origins, boundary : geopandas.GeoDataFrame, pandas.DataFrame or None
        Left out when None or without geometry.
    assignments : pandas.DataFrame or None
        ``origin_id``, ``school_id``, ``current_school_id``, ``boards``, ``moved``.
    crs : optional
        Draw in this CRS (e.g. another plan's, to draw both at one extent). By default the
        schools' CRS, or the local UTM zone when that is in degrees.
    routes, roads : optional
        Trips along roads (``{(origin_id, school_id): xy}``) and road segments, in the schools' CRS; left out
        when the map is drawn in another CRS.

    Raises
    ------
    ValueError
        If ``schools`` has no Point geometry.
    """
    schools = kit.with_geometry(schools)
    if schools is None:
        raise ValueError("schools have no geometry; cannot draw a map")
    schools = schools.reset_index(drop=True)
    if crs is None:
        crs = schools.crs
        if crs is not None and crs.is_geographic:
            crs = schools.estimate_utm_crs()
    if schools.crs is None or crs is None or not schools.crs.equals(crs):
        routes = roads = None
    schools = kit.to_crs(schools, crs)
    origins = kit.to_crs(kit.with_geometry(origins), crs)
    boundary = kit.to_crs(kit.with_geometry(boundary), crs)
    assignments = pd.DataFrame(assignments) if assignments is not None else pd.DataFrame()
    if "geometry" in assignments:
        assignments = pd.DataFrame(assignments.drop(columns="geometry"))
    return PlanLayers(schools=schools, origins=origins, assignments=assignments, boundary=boundary,
                      routes=routes or None, roads=roads)


def map_texts(layers: Iterable[PlanLayers], lang: str) -> list[str]:
    """Every string a map of these layers may draw, to choose a font that can draw them all."""
    out = list(LABELS[i18n.norm_lang(lang)].values())
    for lay in layers:
        if "name" in lay.schools:
            out += lay.schools["name"].astype(str).tolist()
    return out


def draw_plan_map(*, schools, origins, assignments, boundary, path: str | PathLike, title: str,
                  lang: str = "en", routes: dict | None = None, roads: np.ndarray | None = None) -> None:
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
        ``zh`` for Chinese titles, legend and scale bar; anything else is English.
    routes : dict, optional
        ``{(origin_id, school_id): xy array}``: trips drawn along their road route instead of straight.
    roads : numpy.ndarray, optional
        Road segments (m x 2 x 2), drawn thin and grey under the trips.

    Raises
    ------
    ValueError
        If ``schools`` has no Point geometry (the caller then skips the map).
    """
    lang = i18n.norm_lang(lang)
    lab = LABELS[lang]
    layers = plan_layers(schools=schools, origins=origins, assignments=assignments, boundary=boundary,
                         routes=routes, roads=roads)
    schools = layers.schools
    pmax = layers.pupils_max()
    bounds, aspect = kit.extent(layers.frames)
    panel_w = (FIG_WIDTH_IN - 2 * MARGIN_IN - GAP_IN) / 2
    panel_h = panel_w * aspect
    fig_h = TITLE_IN + panel_h + LEGEND_IN
    fig = Figure(figsize=(FIG_WIDTH_IN, fig_h), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    family = kit.font_family([title, *map_texts([layers], lang)])
    if not all(kit.renderable(s, family) for s in lab.values()):
        log.warning("no CJK font is installed, so the Chinese labels of the map show as boxes: install one "
                    "(Debian/Ubuntu: apt-get install fonts-noto-cjk)")
    if not kit.renderable(title, family):  # e.g. a Chinese name and no CJK font installed
        title = lab["title"]
    fig.suptitle(kit.mpl_text(title), y=1 - 0.18 / fig_h,
                 fontsize=15, fontweight="bold", fontfamily=family)
    axes = [fig.add_axes(((MARGIN_IN + i * (panel_w + GAP_IN)) / FIG_WIDTH_IN,
                          LEGEND_IN / fig_h, panel_w / FIG_WIDTH_IN, panel_h / fig_h)) for i in range(2)]

    draw_base(axes[0], layers.boundary, layers.origins)
    draw_roads(axes[0], layers)
    frame_axes(axes[0], bounds)
    _draw_today(axes[0], layers, _num(schools, "pupils_before"), pmax, lab, family)
    kit.scale_bar(axes[0], lab["km"], family)
    kit.north_arrow(axes[0], lab["north"], family)
    draw_plan_panel(axes[1], layers, bounds=bounds, pmax=pmax, lang=lang, family=family)

    sizes = size_handles(pmax, lang)
    common = _base_handles(lab, layers.boundary is not None, layers.origins is not None)
    today = [_marker(lab["school_today"], "o", COLORS["school"], 9),
             _line(lab["trip_today"], "trip_same")]
    plan = plan_handles(lang, links=bool(parent_links(layers.schools))) + campus_handles(layers.schools, lang)
    if "kind" in schools and (schools["kind"].astype(str) == "kindergarten").any():
        plan.append(_marker(i18n.text("kg.kind.kindergarten", lang), "p", COLORS["kindergarten"], 9, edge="white"))
    for ax, handles in zip(axes, (common + today + sizes, common + plan + sizes)):
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, -0.015), ncol=2,
                  frameon=False, handlelength=2.6, borderaxespad=0.2,
                  labelspacing=0.9, columnspacing=1.2, prop={"family": family, "size": 9})
    fig.savefig(path, dpi=DPI, facecolor="white")


def frame_axes(ax, bounds) -> None:
    """Set the extent ``(xmin, ymin, xmax, ymax)`` in metres, equal scale, no ticks, grey frame."""
    xmin, ymin, xmax, ymax = bounds
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_color("#999999")


def draw_plan_panel(ax, layers: PlanLayers, *, bounds, pmax: float, lang: str = "en",
                    family: list[str] | None = None, name: str | None = None, max_named: int = MAX_NAMED,
                    label_size: float = 8.5, title_size: float = 12, highlight: Iterable[str] = (),
                    small: bool = False, name_color: str = "black") -> None:
    """Draw one plan on ``ax``: county, villages, trips by kind, schools by role, names, scale bar.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes to draw on; its extent is set to ``bounds``.
    layers : PlanLayers
        The plan, from :func:`plan_layers`.
    bounds : tuple
        ``(xmin, ymin, xmax, ymax)`` in the layers' CRS; give several panels the same bounds and
        ``pmax`` to compare them at one scale.
    pmax : float
        Pupils of the largest school drawn anywhere: sets the marker sizes.
    lang : str, default "en"
        Language of the title, scale bar and north arrow.
    family : list of str, optional
        Fonts (see :func:`_mapkit.font_family`); by default chosen for the texts drawn.
    name : str, optional
        Write this name (e.g. the scenario, in a comparison) in bold above the counts, in
        ``name_color``; without it the title reads "Plan: ...".
    max_named : int
        At most this many school names (hubs first, then large kept schools). 0: none.
    label_size, title_size : float
        Font sizes of the school names and the title.
    highlight : iterable of str
        School ids to ring (e.g. decisions that differ from another plan).
    small : bool
        Smaller scale bar and north arrow, for small panels.
    """
    lang = i18n.norm_lang(lang)
    lab = LABELS[lang]
    family = family or kit.font_family(map_texts([layers], lang) + [name or ""])
    draw_base(ax, layers.boundary, layers.origins)
    frame_axes(ax, bounds)  # after the base: geopandas labels the axes when it plots
    draw_roads(ax, layers)
    _draw_trips(ax, layers, small)
    _draw_parent_links(ax, layers, small)
    marks = _school_marks(layers.schools, pmax, small)
    _draw_schools(ax, marks)
    campuses = _draw_campuses(ax, layers.schools, marks)
    _ring(ax, marks, highlight)
    _panel_title(ax, marks, lab, name=name, name_color=name_color, title_size=title_size, family=family)
    if campuses:  # one school, several campuses (一校多区): their count after the title's
        ax.set_title(ax.get_title(loc="left") + i18n.text("campus.map_count", lang, n=campuses), loc="left",
                     fontsize=title_size * (0.85 if name else 1), fontfamily=family,
                     color="#333333" if name else "black")
    kit.scale_bar(ax, lab["km"], family, fontsize=7.5 if small else 8.5)
    kit.north_arrow(ax, lab["north"], family, size=0.7 if small else 1.0)
    if max_named > 0:
        _name_schools(ax, marks, pmax=pmax, max_named=max_named, family=family, label_size=label_size, small=small)


@dataclass(frozen=True)
class _SchoolMarks:
    """Each school of a plan panel as drawn: position, role and marker size (one entry a school).

    Attributes
    ----------
    ids, names : list of str
        School ids (blank without a ``school_id`` column) and names (the ids without a ``name`` column).
    x, y : numpy.ndarray
        Position in the layers' CRS (metres).
    pupils : pandas.Series
        Pupils after the plan (0 where missing).
    closed, kept, hub, point : numpy.ndarray of bool
        The role: closed, kept open, hub, or teaching point (a school without ``role`` is kept).
    size, hub_size : numpy.ndarray
        Marker areas in pt^2: a circle for the pupils, and the star of a hub.
    shrink : float
        Scale of markers and line widths: 0.6 on a small panel, else 1.
    """

    ids: list[str]
    names: list[str]
    x: np.ndarray
    y: np.ndarray
    pupils: pd.Series
    closed: np.ndarray
    kept: np.ndarray
    hub: np.ndarray
    point: np.ndarray
    size: np.ndarray
    hub_size: np.ndarray
    shrink: float
    kindergarten: np.ndarray | None = None
    """Open standalone kindergartens (``kind`` kindergarten), drawn as pentagons sized by their children; None
    where the plan has none."""


def _draw_trips(ax, layers: PlanLayers, small: bool) -> None:
    """Draw one line per trip in the plan, origin to school, styled by kind (same, moved, boarding)."""
    ends = (_xy_lookup(layers.origins, "origin_id"), _xy_lookup(layers.schools, "school_id"))
    assignments = layers.assignments
    kinds = _trip_kind(assignments)
    for kind, (style, width, z) in TRIP_STYLES.items():
        lines = _segments(assignments[kinds == kind], "school_id", *ends, routes=layers.routes)
        ax.add_collection(LineCollection(lines, colors=COLORS[kind], linewidths=width * (0.8 if small else 1),
                                         linestyles=style, zorder=z))


def parent_links(schools: pd.DataFrame) -> list:
    """Return one segment per teaching point with a parent (``parent_id``): parent school to point."""
    if "parent_id" not in schools.columns or "role" not in schools.columns:
        return []
    xy = _xy_lookup(schools, "school_id")
    parent = schools["parent_id"].fillna("").astype(str)
    rows = schools[(schools["role"] == "teaching_point").to_numpy() & (parent != "").to_numpy()]
    return [[xy[c], xy[str(t)]] for t, c in zip(rows["school_id"].astype(str), parent[rows.index])
            if c in xy and str(t) in xy]


def _draw_parent_links(ax, layers: PlanLayers, small: bool) -> None:
    """Draw a dotted line from each central (parent) school to each of its teaching points."""
    lines = parent_links(layers.schools)
    if lines:
        ax.add_collection(LineCollection(lines, colors=COLORS["parent_link"], linewidths=2.4 * (0.8 if small else 1),
                                         capstyle="round",
                                         linestyles=(0, (0.1, 1.8)), zorder=4))


def _school_marks(schools: gpd.GeoDataFrame, pmax: float, small: bool) -> _SchoolMarks:
    """Read each school's role and position, and size its marker.

    Parameters
    ----------
    schools : geopandas.GeoDataFrame
        The plan's schools: optional ``school_id``, ``name``, ``role`` and ``pupils``, Point geometry.
    pmax : float
        Pupils of the largest school drawn anywhere (the largest marker).
    small : bool
        Shrink markers to 60 % for a small panel.

    Returns
    -------
    _SchoolMarks
        Circles proportional to pupils (see :func:`_sizes`); a hub's star :data:`HUB_SCALE` times
        larger and at least :data:`HUB_MIN` pt^2.
    """
    role = schools["role"].astype(str) if "role" in schools else pd.Series("kept", schools.index)
    shrink = 0.6 if small else 1.0
    after = _num(schools, "pupils")
    size = _sizes(after, pmax) * shrink
    kindergarten = None
    if "kind" in schools and (schools["kind"].astype(str) == "kindergarten").any():  # the KG band's own schools
        kindergarten = ((schools["kind"].astype(str) == "kindergarten") & (role != "closed")).to_numpy()
        size = np.where(kindergarten, _sizes(_num(schools, "pupils_kg"), pmax) * shrink, size)
    x, y = kit.coords(schools)
    ids = schools["school_id"].astype(str).tolist() if "school_id" in schools else [""] * len(x)
    return _SchoolMarks(kindergarten=kindergarten, ids=ids,
                        names=schools["name"].astype(str).tolist() if "name" in schools else ids,
                        x=x, y=y, pupils=after, closed=(role == "closed").to_numpy(), kept=(role == "kept").to_numpy(),
                        hub=(role == "hub").to_numpy(), point=(role == "teaching_point").to_numpy(), size=size,
                        hub_size=np.maximum(size * HUB_SCALE, HUB_MIN * shrink), shrink=shrink)


def _draw_schools(ax, marks: _SchoolMarks) -> None:
    """Draw closed schools as crosses, kept ones as circles, teaching points as triangles and hubs as stars."""
    x, y, size, shrink = marks.x, marks.y, marks.size, marks.shrink
    closed, kept, point, hub = marks.closed, marks.kept, marks.point, marks.hub
    if marks.kindergarten is not None:  # kindergartens kept open: pentagons, not circles (campuses: diamonds)
        kept = kept & ~marks.kindergarten
        garden = marks.kindergarten & ~hub
        ax.scatter(x[garden], y[garden], s=np.maximum(size[garden], 28 * shrink), marker="p",
                   c=COLORS["kindergarten"], edgecolors="white", linewidths=0.6, zorder=5)
    ax.scatter(x[closed], y[closed], s=60 * shrink, marker="x", c=COLORS["closed"], linewidths=1.6 * shrink,
               zorder=4)
    ax.scatter(x[kept], y[kept], s=size[kept], c=COLORS["school"], edgecolors="white",
               linewidths=0.7, alpha=0.9, zorder=5)
    ax.scatter(x[point], y[point], s=np.maximum(size[point], 28 * shrink), marker="^", c=COLORS["teaching_point"],
               edgecolors="#1f4e6b", linewidths=0.6, zorder=5)
    ax.scatter(x[hub], y[hub], s=marks.hub_size[hub], marker="*", c=COLORS["hub"], edgecolors="black",
               linewidths=0.6, zorder=6)


def _draw_campuses(ax, schools: gpd.GeoDataFrame, marks: _SchoolMarks) -> int:
    """Draw campuses (一校多区) as green diamonds, each with a line from its main school (``parent_id``).

    Return how many campuses were drawn.
    """
    if "role" not in schools or "parent_id" not in schools:
        return 0
    campus = (schools["role"].astype(str) == "campus").to_numpy()
    if not campus.any():
        return 0
    at = {sid: i for i, sid in enumerate(marks.ids)}
    parents = schools["parent_id"].astype(str).to_numpy()
    lines = [[(marks.x[at[parents[i]]], marks.y[at[parents[i]]]), (marks.x[i], marks.y[i])]
             for i in np.flatnonzero(campus) if parents[i] in at]
    ax.add_collection(LineCollection(lines, colors=COLORS["campus"], linewidths=2.4 * marks.shrink, zorder=4.5))
    ax.scatter(marks.x[campus], marks.y[campus], s=np.maximum(marks.size[campus], 40 * marks.shrink), marker="D",
               c=COLORS["campus"], edgecolors="white", linewidths=0.7, zorder=5.5)
    return int(campus.sum())


def campus_handles(schools, lang: str = "en") -> list:
    """Legend handles of campuses and their links to the main school, when the plan has campuses (else none)."""
    if "role" not in schools or not (schools["role"].astype(str) == "campus").any():
        return []
    handles = [_marker(i18n.text("role.campus", lang), "D", COLORS["campus"], 8),
               Line2D([], [], color=COLORS["campus"], lw=2.4, label=i18n.text("campus.map_link", lang))]
    return handles


def _ring(ax, marks: _SchoolMarks, highlight: Iterable[str]) -> None:
    """Ring the schools whose ids are in ``highlight`` (e.g. decisions that differ from another plan)."""
    ring = np.isin(marks.ids, [str(h) for h in highlight])
    if ring.any():
        shrink = marks.shrink
        ring_size = np.maximum(np.where(marks.hub, marks.hub_size, marks.size), 60 * shrink) * 2.6 + 60 * shrink
        ax.scatter(marks.x[ring], marks.y[ring], s=ring_size[ring], facecolors="none", edgecolors=COLORS["differs"],
                   linewidths=2.0 * shrink + 0.4, zorder=6.5)


def _panel_title(ax, marks: _SchoolMarks, lab: dict, *, name: str | None, name_color: str, title_size: float,
                 family: list[str]) -> None:
    """Title the panel with the count of schools by role; with a ``name``, write it in bold above the counts."""
    n_hubs = int(marks.hub.sum())
    hubs = lab["hubs_1"] if n_hubs == 1 else lab["hubs"].format(n=n_hubs)
    counts = {"hubs": hubs, "kept": int(marks.kept.sum()), "points": int(marks.point.sum()),
              "closed": int(marks.closed.sum())}
    if name:
        ax.set_title(kit.mpl_text(lab["panel"].format(**counts)), fontsize=title_size * 0.85, loc="left",
                     fontfamily=family, color="#333333")
        ax.annotate(kit.mpl_text(name), (0, 1), xycoords="axes fraction", xytext=(0, title_size * 1.9),
                    textcoords="offset points", fontsize=title_size, fontweight="bold", color=name_color,
                    fontfamily=family, va="bottom", annotation_clip=False)
    else:
        ax.set_title(kit.mpl_text(lab["plan"].format(**counts)), fontsize=title_size, loc="left", fontfamily=family)


def _name_schools(ax, marks: _SchoolMarks, *, pmax: float, max_named: int, family: list[str], label_size: float,
                  small: bool) -> None:
    """Name hubs, then kept schools of at least :data:`NAME_SHARE` of ``pmax`` pupils, where names fit.

    At most ``max_named`` names (every hub, if there are more hubs). Names may cover the crosses of
    closed schools but not other open schools, nor the north arrow; the id stands in for a name
    the fonts cannot draw.
    """
    x, y, hub, kept, after = marks.x, marks.y, marks.hub, marks.kept, marks.pupils
    radius = np.where(hub, np.sqrt(marks.hub_size) * 0.45,
                      np.where(kept | marks.point, np.sqrt(np.maximum(marks.size, 28)) / 2, 4.0))
    markers = [(x[i], y[i], radius[i]) for i in np.flatnonzero(~marks.closed)]
    to_data = ax.transData.inverted()
    for fy in (0.92, 0.86, 0.8):  # keep names off the north arrow
        markers.append((*to_data.transform(ax.transAxes.transform((0.95, fy))), 12 * (0.7 if small else 1.0)))
    big = kept & (after.to_numpy() >= NAME_SHARE * pmax)
    order = sorted(np.flatnonzero(hub | big), key=lambda i: (not hub[i], -after.iloc[i]))
    order = order[:max(max_named, int(hub.sum()))]
    names, ids = marks.names, marks.ids
    labels = [(x[i], y[i], names[i] if kit.renderable(names[i], family) else ids[i], bool(hub[i]),
               radius[i]) for i in order]
    kit.place_labels(ax, labels, family, markers, fontsize=label_size)


def draw_message_panel(ax, message: str, family: list[str] | None = None, name: str | None = None,
                       name_color: str = "black", title_size: float = 12) -> None:
    """Draw an empty grey panel with a message in the middle, for a plan without a map; ``name`` as for a plan."""
    family = family or kit.font_family([message, name or ""])
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#f4f6f8")
    for spine in ax.spines.values():
        spine.set_color("#999999")
    ax.text(0.5, 0.5, kit.mpl_text(message), transform=ax.transAxes, ha="center", va="center",
            fontsize=title_size * 0.85, color="#444444", fontfamily=family, wrap=True)
    if name:
        ax.set_title(" ", fontsize=title_size * 0.85, loc="left")
        ax.annotate(kit.mpl_text(name), (0, 1), xycoords="axes fraction", xytext=(0, title_size * 1.9),
                    textcoords="offset points", fontsize=title_size, fontweight="bold", color=name_color,
                    fontfamily=family, va="bottom", annotation_clip=False)


def plan_handles(lang: str = "en", differs_from: str | None = None, links: bool = False) -> list:
    """Legend handles of the plan panel: school roles and kinds of trip (and the ring, and the links to central
    schools, if drawn).
    """  # noqa: D205 - one sentence
    lab = LABELS[i18n.norm_lang(lang)]
    handles = [_marker(lab["hub"], "*", COLORS["hub"], 15, edge="black"),
               _marker(lab["kept"], "o", COLORS["school"], 9),
               _marker(lab["teaching_point"], "^", COLORS["teaching_point"], 8, edge="#1f4e6b"),
               Line2D([], [], ls="none", marker="x", color=COLORS["closed"], ms=8, mew=1.6,
                      label=lab["closed"])]
    if links:
        handles.append(Line2D([], [], color=COLORS["parent_link"], lw=2.4, ls=(0, (0.1, 1.8)),
                              dash_capstyle="round", label=lab["parent_link"]))
    handles += [_line(lab[k], k) for k in TRIP_STYLES]
    if differs_from is not None:
        handles.append(Line2D([], [], ls="none", marker="o", ms=13, markerfacecolor="none",
                              markeredgecolor=COLORS["differs"], markeredgewidth=2.2,
                              label=lab["differs"].format(ref=differs_from)))
    return handles


def size_handles(pmax: float, lang: str = "en", scale: float = 1.0) -> list:
    """Legend handles for marker size: two or three round numbers of pupils."""
    lab = LABELS[i18n.norm_lang(lang)]
    return [_marker(lab["size_key"].format(n=f"{k:,}"), "o", "white",
                    math.sqrt(_sizes([k], pmax)[0] * scale), edge=COLORS["school"])
            for k in kit.round_keys(pmax)]


def base_handles(lang: str, has_boundary: bool, has_origins: bool) -> list:
    """Legend handles of the county boundary and villages."""
    return _base_handles(LABELS[i18n.norm_lang(lang)], has_boundary, has_origins)


def _draw_today(ax, layers: PlanLayers, before, pmax, lab, family) -> None:
    """Today: every school that has pupils, and a line from each origin to its school."""
    schools = layers.schools
    ends = (_xy_lookup(layers.origins, "origin_id"), _xy_lookup(schools, "school_id"))
    lines = _segments(layers.assignments, "current_school_id", *ends, routes=layers.routes)
    style, width, z = TRIP_STYLES["trip_same"]
    ax.add_collection(LineCollection(lines, colors=COLORS["trip_same"], linewidths=width,
                                     linestyles=style, zorder=z))
    has = before > 0
    x, y = kit.coords(schools[has])
    ax.scatter(x, y, s=_sizes(before[has], pmax), c=COLORS["school"], edgecolors="white",
               linewidths=0.7, alpha=0.9, zorder=4)
    ax.set_title(lab["today"].format(n=int(has.sum())), fontsize=12, loc="left", fontfamily=family)


def draw_base(ax, boundary, origins, village_size: float = 7) -> None:
    """Draw the county outline and the villages."""
    if boundary is not None:
        boundary.plot(ax=ax, facecolor=COLORS["land"], edgecolor="none", zorder=0)
        boundary.boundary.plot(ax=ax, color=COLORS["boundary"], linewidth=1.2, zorder=1)
    if origins is not None:
        villages = (origins[origins["kind"].astype(str) == "village"] if "kind" in origins
                    else origins)
        x, y = kit.coords(villages)
        ax.scatter(x, y, s=village_size, c=COLORS["village"], linewidths=0, zorder=3)


def _num(df: pd.DataFrame, col: str) -> pd.Series:
    """Return a numeric column, zeros where missing."""
    if col not in df:
        return pd.Series(0.0, index=df.index)
    return pd.to_numeric(df[col], errors="coerce").fillna(0.0)


def _xy_lookup(df, id_col: str) -> dict[str, tuple[float, float]]:
    """Map each id (as a string) to its point coordinates."""
    if df is None or id_col not in df:
        return {}
    x, y = kit.coords(df)
    return {str(i): (a, b) for i, a, b in zip(df[id_col], x, y)}


def draw_roads(ax, layers: PlanLayers) -> None:
    """Draw the road network thin and grey under the trips, when the layers have one."""
    if layers.roads is not None and len(layers.roads):
        ax.add_collection(LineCollection(layers.roads, colors=COLORS["road"], linewidths=0.5, zorder=1.5))


def _segments(assign: pd.DataFrame, target: str, origin_xy: dict, school_xy: dict, routes: dict | None = None) -> list:
    """One line per distinct (origin, target school), along its road route when known; unknown or coincident ends
    are skipped.
    """  # noqa: D205 - one sentence
    if len(assign) == 0 or target not in assign or "origin_id" not in assign:
        return []
    pairs = assign[["origin_id", target]].dropna().astype(str).drop_duplicates()
    segs = []
    for o, s in pairs.itertuples(index=False):
        route = routes.get((o, s)) if routes else None
        if route is not None and len(route) > 1:
            segs.append(route)
            continue
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
    """Return a legend handle showing one marker."""
    return Line2D([], [], ls="none", marker=marker, ms=size, markerfacecolor=color,
                  markeredgecolor=edge, markeredgewidth=0.9, label=label)


def _line(label: str, kind: str) -> Line2D:
    """Return a legend handle showing one kind of trip line."""
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
