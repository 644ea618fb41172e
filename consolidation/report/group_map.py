"""Draw education groups on one map: each group its own colour, lines from the core to its members.

Cores are large circles with the group's number and the school's name; members are small circles in
the group's colour; schools in no group are small grey dots. The legend, at the right, lists every
group with its core, members and farthest member. Geometry must be in a metric projected CRS (metres).
Every label comes from :mod:`consolidation.i18n` (English and Chinese).
"""

from __future__ import annotations

import logging
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
    """A colour per group id, in the order given."""
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
    t = lambda key, **fmt: i18n.text(key, lang, **fmt)  # noqa: E731
    schools = kit.with_geometry(schools)
    if schools is None:
        raise ValueError("schools have no geometry; cannot draw a map")
    if schools.crs is not None and schools.crs.is_geographic:
        schools = schools.to_crs(schools.estimate_utm_crs())
    boundary = kit.to_crs(kit.with_geometry(boundary), schools.crs)
    ids = schools["school_id"].astype(str).tolist()
    names = dict(zip(ids, schools["name"].astype(str) if "name" in schools else ids))
    x, y = kit.coords(schools)
    at = {s: (a, b) for s, a, b in zip(ids, x, y)}
    table = groups.assign(core_id=groups["core_id"].astype(str), member_id=groups["member_id"].fillna("").astype(str))
    order = list(dict.fromkeys(table["group_id"].astype(str)))
    colors = group_colors(order)
    core_of = dict(zip(table["group_id"].astype(str), table["core_id"]))
    members = table[table["member_id"] != ""]
    grouped = set(core_of.values()) | set(members["member_id"])

    bounds, aspect = kit.extent([schools, boundary])
    map_h = MAP_IN * aspect
    fig_w = MARGIN_IN + MAP_IN + LEGEND_IN + MARGIN_IN
    fig_h = TITLE_IN + map_h + MARGIN_IN
    fig = Figure(figsize=(fig_w, fig_h), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    texts = [title, *(t(k) for k in ("group.core", "group.member", "group.link", "group.outside")),
             i18n.text("map.boundary", lang), *names.values()]
    family = kit.font_family(texts)
    heading = t("group.title", name=title)
    if not kit.renderable(heading, family):
        heading = t("group.title", name="").rstrip(":： ")
    fig.text(MARGIN_IN / fig_w, 1 - 0.16 / fig_h, kit.mpl_text(heading), ha="left", va="top", fontsize=15,
             fontweight="bold", fontfamily=family)
    subtitle = t("group.subtitle", groups=len(order), schools=len(grouped),
                 limit=f"{limit:g}" if limit is not None else "–")
    fig.text(MARGIN_IN / fig_w, 1 - 0.5 / fig_h, kit.mpl_text(subtitle), ha="left", va="top", fontsize=10.5,
             color="#444444", fontfamily=family)
    ax = fig.add_axes((MARGIN_IN / fig_w, MARGIN_IN / fig_h, MAP_IN / fig_w, map_h / fig_h))
    if boundary is not None:
        boundary.plot(ax=ax, facecolor=COLORS["land"], edgecolor="none", zorder=0)
        boundary.boundary.plot(ax=ax, color=COLORS["boundary"], linewidth=1.2, zorder=1)
    frame_axes(ax, bounds)

    for gid in order:
        rows = members[members["group_id"].astype(str) == gid]
        core = core_of[gid]
        segments = [[at[core], at[m]] for m in rows["member_id"] if core in at and m in at]
        ax.add_collection(LineCollection(segments, colors=colors[gid], linewidths=1.8, alpha=0.85, zorder=3))
    outside = [s for s in ids if s not in grouped]
    ax.scatter([at[s][0] for s in outside], [at[s][1] for s in outside], s=OUTSIDE_SIZE, c="#9a9a9a",
               edgecolors="white", linewidths=0.5, zorder=4)
    for gid in order:
        rows = members[members["group_id"].astype(str) == gid]
        pts = [at[m] for m in rows["member_id"] if m in at]
        if pts:
            ax.scatter(*zip(*pts), s=MEMBER_SIZE, c=colors[gid], edgecolors="white", linewidths=0.9, zorder=5)
        core = core_of[gid]
        if core in at:
            ax.scatter(*at[core], s=CORE_SIZE, c=colors[gid], edgecolors="black", linewidths=1.2, zorder=6)
            ax.text(*at[core], gid.lstrip("G"), ha="center", va="center", fontsize=8, fontweight="bold",
                    color="white", fontfamily=["DejaVu Sans"], zorder=7)
    kit.scale_bar(ax, i18n.text("map.km", lang), family)
    kit.north_arrow(ax, i18n.text("map.north", lang), family)

    radius_core, radius_member = np.sqrt(CORE_SIZE) / 2, np.sqrt(MEMBER_SIZE) / 2
    markers = [(*at[s], radius_core if s in core_of.values() else radius_member) for s in ids if s in grouped]
    to_data = ax.transData.inverted()
    for fy in (0.92, 0.86, 0.8):  # keep names off the north arrow
        markers.append((*to_data.transform(ax.transAxes.transform((0.95, fy))), 12))
    labels = [(*at[c], names[c] if kit.renderable(names[c], family) else c, True, radius_core)
              for c in core_of.values() if c in at]
    labels += [(*at[m], m, False, radius_member) for m in members["member_id"] if m in at]
    kit.place_labels(ax, labels, family, markers, fontsize=8)

    minutes = members.groupby(members["group_id"].astype(str))["minutes"].max()
    counts = members.groupby(members["group_id"].astype(str)).size()
    handles = []
    for gid in order:
        core = core_of[gid]
        note = t("group.item_note", members=members_text(int(counts.get(gid, 0)), lang),
                 minutes=i18n.fmt_minutes(minutes.get(gid, 0.0)))
        name = names.get(core, core) if kit.renderable(names.get(core, core), family) else core
        handles.append(Line2D([], [], ls="-", lw=1.8, color=colors[gid], marker="o", ms=11,
                              markerfacecolor=colors[gid], markeredgecolor="black",
                              label=kit.mpl_text(t("group.item", gid=gid, core=name) + "\n" + note)))
    keys = [Line2D([], [], ls="none", marker="o", ms=13, markerfacecolor="#777777", markeredgecolor="black",
                   label=t("group.core")),
            Line2D([], [], ls="none", marker="o", ms=7.5, markerfacecolor="#777777", markeredgecolor="white",
                   label=t("group.member")),
            Line2D([], [], color="#777777", lw=1.8, label=t("group.link"))]
    if outside:
        keys.append(Line2D([], [], ls="none", marker="o", ms=4.5, markerfacecolor="#9a9a9a",
                           markeredgecolor="white", label=t("group.outside")))
    if boundary is not None:
        keys.append(Rectangle((0, 0), 1, 1, facecolor=COLORS["land"], edgecolor=COLORS["boundary"], lw=1.2,
                              label=i18n.text("map.boundary", lang)))
    left = (MARGIN_IN + MAP_IN + 0.2) / fig_w
    top = 1 - TITLE_IN / fig_h
    legend = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(left, top), frameon=False,
                        title=t("group.legend_groups"), alignment="left", labelspacing=0.9, handlelength=2.2,
                        prop={"family": family, "size": 8.5}, title_fontproperties={"family": family,
                                                                                   "size": 10, "weight": "bold"})
    fig.add_artist(legend)
    renderer = fig.canvas.get_renderer()
    below = legend.get_window_extent(renderer).transformed(fig.transFigure.inverted()).y0
    fig.legend(handles=keys, loc="upper left", bbox_to_anchor=(left, below - 0.01), frameon=False,
               labelspacing=0.8, handlelength=2.2, prop={"family": family, "size": 8.5})
    fig.savefig(path, dpi=DPI, facecolor="white")
