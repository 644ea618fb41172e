"""Draw education groups on one map: each group its own colour, lines from the core to its members.

Cores are large circles with the group's number and the school's name; members are small circles in
the group's colour; schools in no group are small grey dots. The legend, at the right, lists every
group with its core, members and farthest member. Geometry must be in a metric projected CRS (metres).
Every label comes from :mod:`consolidation.i18n` (English and Chinese).
"""

from __future__ import annotations

import logging
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
from .maps import COLORS, frame_axes

log = logging.getLogger("consolidation")

DPI = 150
MAP_IN, LEGEND_IN, MARGIN_IN, TITLE_IN = 7.4, 3.9, 0.25, 0.85
CORE_SIZE, MEMBER_SIZE, OUTSIDE_SIZE = 330.0, 70.0, 16.0  # marker areas, pt^2
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#17becf", "#8c564b", "#e377c2",
           "#bcbd22", "#393b79", "#ad494a", "#637939")
"""Group colours (matplotlib's tab10 without its grey, then three darker ones); they repeat after twelve."""


def group_colors(group_ids) -> dict[str, str]:
    """Return a colour per group id, in the order given."""
    return {str(g): PALETTE[i % len(PALETTE)] for i, g in enumerate(group_ids)}


def members_text(n: int, lang: str) -> str:
    """``no members`` / ``1 member`` / ``3 members`` (成员校 3 所)."""
    key = "group.members_0" if n == 0 else "group.members_1" if n == 1 else "group.members_n"
    return i18n.text(key, lang, n=n)


def draw_group_map(*, schools: gpd.GeoDataFrame, groups: pd.DataFrame, boundary: gpd.GeoDataFrame | None,
                   path: str | PathLike, title: str, limit: float | None = None, lang: str = "en") -> None:
    """Write a PNG map of education groups.

    Parameters
    ----------
    schools : geopandas.GeoDataFrame
        Every school: ``school_id``, ``name`` and Point geometry in a metric CRS. Schools in no group
        are drawn as grey dots.
    groups : pandas.DataFrame
        ``group_id``, ``core_id``, ``member_id`` (blank for a core without members) and ``minutes``
        (one way, core to member).
    boundary : geopandas.GeoDataFrame or None
        The county outline, drawn shaded when given.
    path : str or os.PathLike
        Where to write the PNG (150 dpi).
    title : str
        The run's name, written after "Education groups:".
    limit : float, optional
        The travel limit in minutes, for the subtitle.
    lang : str, default "en"
        ``zh`` for Chinese titles and legend.

    Raises
    ------
    ValueError
        If ``schools`` has no Point geometry (the caller then skips the map).
    """
    lang = i18n.norm_lang(lang)
    schools, boundary = _projected(schools, boundary)
    lay = _group_layout(schools, groups)
    bounds, aspect = kit.extent([schools, boundary])
    page = _Page.for_aspect(aspect)
    fig = Figure(figsize=(page.width, page.height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    family = kit.font_family(_map_texts(title, lay, lang))
    _draw_headings(fig, page, lay, title=title, limit=limit, lang=lang, family=family)
    ax = fig.add_axes((MARGIN_IN / page.width, MARGIN_IN / page.height, MAP_IN / page.width,
                       page.map_height / page.height))
    _draw_county(ax, boundary, bounds)
    _draw_groups(ax, lay)
    kit.scale_bar(ax, i18n.text("map.km", lang), family)
    kit.north_arrow(ax, i18n.text("map.north", lang), family)
    _label_schools(ax, lay, family)
    _draw_legends(fig, page, lay, has_boundary=boundary is not None, lang=lang, family=family)
    fig.savefig(path, dpi=DPI, facecolor="white")


@dataclass(frozen=True)
class _Page:
    """The figure's size in inches: the map on the left, the legends on the right, the titles on top."""

    width: float
    height: float
    map_height: float

    @classmethod
    def for_aspect(cls, aspect: float) -> _Page:
        """Size the page for a map :data:`MAP_IN` inches wide of ``aspect`` (height / width)."""
        map_h = MAP_IN * aspect
        return cls(width=MARGIN_IN + MAP_IN + LEGEND_IN + MARGIN_IN, height=TITLE_IN + map_h + MARGIN_IN,
                   map_height=map_h)


@dataclass(frozen=True)
class _GroupLayout:
    """The groups and schools to draw, keyed by string ids.

    Attributes
    ----------
    ids : list of str
        Every school, in the order of the schools table.
    names : dict
        School id to name (the id when there is no ``name`` column).
    at : dict
        School id to its ``(x, y)`` in metres.
    order : list of str
        Group ids in the order of the groups table.
    colors : dict
        Group id to its colour.
    core_of : dict
        Group id to its core school's id.
    members : pandas.DataFrame
        The groups table's rows that have a member (``member_id`` not blank), ids as strings.
    member_ids : dict
        Group id to its members' ids, in table order.
    grouped : set of str
        Schools that are a core or a member of some group.
    outside : list of str
        Schools in no group, in table order.
    """

    ids: list[str]
    names: dict[str, str]
    at: dict[str, tuple[float, float]]
    order: list[str]
    colors: dict[str, str]
    core_of: dict[str, str]
    members: pd.DataFrame
    member_ids: dict[str, list[str]]
    grouped: set[str]
    outside: list[str]


def _projected(schools: gpd.GeoDataFrame, boundary: gpd.GeoDataFrame | None
               ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame | None]:
    """Return the schools and boundary in metres: the schools' CRS, or their UTM zone if in degrees.

    Raises
    ------
    ValueError
        If ``schools`` has no Point geometry.
    """
    schools = kit.with_geometry(schools)
    if schools is None:
        raise ValueError("schools have no geometry; cannot draw a map")
    if schools.crs is not None and schools.crs.is_geographic:
        schools = schools.to_crs(schools.estimate_utm_crs())
    return schools, kit.to_crs(kit.with_geometry(boundary), schools.crs)


def _group_layout(schools: gpd.GeoDataFrame, groups: pd.DataFrame) -> _GroupLayout:
    """Index the schools and groups for drawing.

    Parameters
    ----------
    schools : geopandas.GeoDataFrame
        ``school_id``, optional ``name`` and Point geometry in metres.
    groups : pandas.DataFrame
        ``group_id``, ``core_id``, ``member_id`` (blank or missing for a core without members).

    Returns
    -------
    _GroupLayout
        Ids, names, positions, colours, cores and members of every group, and the schools in none.
    """
    ids = schools["school_id"].astype(str).tolist()
    names = dict(zip(ids, schools["name"].astype(str) if "name" in schools else ids))
    x, y = kit.coords(schools)
    table = groups.assign(core_id=groups["core_id"].astype(str), member_id=groups["member_id"].fillna("").astype(str))
    order = list(dict.fromkeys(table["group_id"].astype(str)))
    core_of = dict(zip(table["group_id"].astype(str), table["core_id"]))
    members = table[table["member_id"] != ""]
    member_ids = {gid: members.loc[members["group_id"].astype(str) == gid, "member_id"].tolist() for gid in order}
    grouped = set(core_of.values()) | set(members["member_id"])
    return _GroupLayout(ids=ids, names=names, at={s: (a, b) for s, a, b in zip(ids, x, y)}, order=order,
                        colors=group_colors(order), core_of=core_of, members=members, member_ids=member_ids,
                        grouped=grouped, outside=[s for s in ids if s not in grouped])


def _map_texts(title: str, lay: _GroupLayout, lang: str) -> list[str]:
    """Return every string the map may draw, to choose a font that can draw them all."""
    keys = ("group.core", "group.member", "group.link", "group.outside")
    return [title, *(i18n.text(k, lang) for k in keys), i18n.text("map.boundary", lang), *lay.names.values()]


def _draw_headings(fig: Figure, page: _Page, lay: _GroupLayout, *, title: str, limit: float | None, lang: str,
                   family: list[str]) -> None:
    """Write the title ("Education groups: <title>") and the subtitle (groups, schools, travel limit in minutes)."""
    heading = i18n.text("group.title", lang, name=title)
    if not kit.renderable(heading, family):
        heading = i18n.text("group.title", lang, name="").rstrip(":： ")
    fig.text(MARGIN_IN / page.width, 1 - 0.16 / page.height, kit.mpl_text(heading), ha="left", va="top",
             fontsize=15, fontweight="bold", fontfamily=family)
    subtitle = i18n.text("group.subtitle", lang, groups=len(lay.order), schools=len(lay.grouped),
                         limit=f"{limit:g}" if limit is not None else "–")
    fig.text(MARGIN_IN / page.width, 1 - 0.5 / page.height, kit.mpl_text(subtitle), ha="left", va="top",
             fontsize=10.5, color="#444444", fontfamily=family)


def _draw_county(ax, boundary: gpd.GeoDataFrame | None, bounds) -> None:
    """Shade the county (when given) and frame the axes at ``bounds`` (metres)."""
    if boundary is not None:
        boundary.plot(ax=ax, facecolor=COLORS["land"], edgecolor="none", zorder=0)
        boundary.boundary.plot(ax=ax, color=COLORS["boundary"], linewidth=1.2, zorder=1)
    frame_axes(ax, bounds)


def _draw_groups(ax, lay: _GroupLayout) -> None:
    """Draw the core-to-member lines, the schools in no group, the members, and the numbered cores."""
    at, colors = lay.at, lay.colors
    for gid in lay.order:
        core = lay.core_of[gid]
        segments = [[at[core], at[m]] for m in lay.member_ids[gid] if core in at and m in at]
        ax.add_collection(LineCollection(segments, colors=colors[gid], linewidths=1.8, alpha=0.85, zorder=3))
    ax.scatter([at[s][0] for s in lay.outside], [at[s][1] for s in lay.outside], s=OUTSIDE_SIZE, c="#9a9a9a",
               edgecolors="white", linewidths=0.5, zorder=4)
    for gid in lay.order:
        pts = [at[m] for m in lay.member_ids[gid] if m in at]
        if pts:
            ax.scatter(*zip(*pts), s=MEMBER_SIZE, c=colors[gid], edgecolors="white", linewidths=0.9, zorder=5)
        core = lay.core_of[gid]
        if core in at:
            ax.scatter(*at[core], s=CORE_SIZE, c=colors[gid], edgecolors="black", linewidths=1.2, zorder=6)
            ax.text(*at[core], gid.lstrip("G"), ha="center", va="center", fontsize=8, fontweight="bold",
                    color="white", fontfamily=["DejaVu Sans"], zorder=7)


def _label_schools(ax, lay: _GroupLayout, family: list[str]) -> None:
    """Name the cores (their id if the font cannot draw the name) and put members' ids beside them.

    Labels avoid every grouped school's marker and the north arrow (marker radii in points).
    """
    at = lay.at
    radius_core, radius_member = np.sqrt(CORE_SIZE) / 2, np.sqrt(MEMBER_SIZE) / 2
    markers = [(*at[s], radius_core if s in lay.core_of.values() else radius_member) for s in lay.ids
               if s in lay.grouped]
    to_data = ax.transData.inverted()
    for fy in (0.92, 0.86, 0.8):  # keep names off the north arrow
        markers.append((*to_data.transform(ax.transAxes.transform((0.95, fy))), 12))
    names = lay.names
    labels = [(*at[c], names[c] if kit.renderable(names[c], family) else c, True, radius_core)
              for c in lay.core_of.values() if c in at]
    labels += [(*at[m], m, False, radius_member) for m in lay.members["member_id"] if m in at]
    kit.place_labels(ax, labels, family, markers, fontsize=8)


def _group_handles(lay: _GroupLayout, lang: str, family: list[str]) -> list:
    """Legend entries, one a group: its colour, number and core, its members and farthest member (minutes)."""
    members = lay.members
    minutes = members.groupby(members["group_id"].astype(str))["minutes"].max()
    counts = members.groupby(members["group_id"].astype(str)).size()
    handles = []
    for gid in lay.order:
        core = lay.core_of[gid]
        note = i18n.text("group.item_note", lang, members=members_text(int(counts.get(gid, 0)), lang),
                         minutes=i18n.fmt_minutes(minutes.get(gid, 0.0)))
        name = lay.names.get(core, core) if kit.renderable(lay.names.get(core, core), family) else core
        handles.append(Line2D([], [], ls="-", lw=1.8, color=lay.colors[gid], marker="o", ms=11,
                              markerfacecolor=lay.colors[gid], markeredgecolor="black",
                              label=kit.mpl_text(i18n.text("group.item", lang, gid=gid, core=name) + "\n" + note)))
    return handles


def _symbol_handles(lay: _GroupLayout, has_boundary: bool, lang: str) -> list:
    """Legend entries for the symbols: core, member, link, and (when drawn) schools in no group and the county."""
    def t(key):
        return i18n.text(key, lang)

    keys = [Line2D([], [], ls="none", marker="o", ms=13, markerfacecolor="#777777", markeredgecolor="black",
                   label=t("group.core")),
            Line2D([], [], ls="none", marker="o", ms=7.5, markerfacecolor="#777777", markeredgecolor="white",
                   label=t("group.member")),
            Line2D([], [], color="#777777", lw=1.8, label=t("group.link"))]
    if lay.outside:
        keys.append(Line2D([], [], ls="none", marker="o", ms=4.5, markerfacecolor="#9a9a9a",
                           markeredgecolor="white", label=t("group.outside")))
    if has_boundary:
        keys.append(Rectangle((0, 0), 1, 1, facecolor=COLORS["land"], edgecolor=COLORS["boundary"], lw=1.2,
                              label=t("map.boundary")))
    return keys


def _draw_legends(fig: Figure, page: _Page, lay: _GroupLayout, *, has_boundary: bool, lang: str,
                  family: list[str]) -> None:
    """Right of the map: the groups' legend under the title line, and the symbols' legend below it."""
    handles = _group_handles(lay, lang, family)
    keys = _symbol_handles(lay, has_boundary, lang)
    left = (MARGIN_IN + MAP_IN + 0.2) / page.width
    top = 1 - TITLE_IN / page.height
    legend = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(left, top), frameon=False,
                        title=i18n.text("group.legend_groups", lang), alignment="left", labelspacing=0.9,
                        handlelength=2.2, prop={"family": family, "size": 8.5},
                        title_fontproperties={"family": family, "size": 10, "weight": "bold"})
    fig.add_artist(legend)
    renderer = fig.canvas.get_renderer()
    below = legend.get_window_extent(renderer).transformed(fig.transFigure.inverted()).y0
    fig.legend(handles=keys, loc="upper left", bbox_to_anchor=(left, below - 0.01), frameon=False,
               labelspacing=0.8, handlelength=2.2, prop={"family": family, "size": 8.5})
