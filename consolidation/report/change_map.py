"""Draw who loses what on a map: each village's change in one-way minutes, longer trips in warm colours.

One panel: the county outline, the schools that stay open and those that close, and each village coloured by the
largest change in minutes among its grade bands (the band worst off: red longer, blue shorter, pale no change),
sized by its pupils whose trip changes. The villages whose trips grow most are named. Every label comes from
:mod:`consolidation.i18n` (English and Chinese).
"""

from __future__ import annotations

from os import PathLike

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .. import i18n
from . import _mapkit as kit
from .maps import COLORS, DPI, draw_base, frame_axes

WIDTH_IN, TITLE_IN, LEGEND_IN, MARGIN_IN, BAR_IN = 9.0, 0.7, 0.9, 0.3, 1.2
NAMED = 6
"""The villages whose trips grow most are named, at most this many."""
CMAP = "RdYlBu_r"


def village_change(assignments: pd.DataFrame) -> pd.DataFrame:
    """Return per origin: ``change`` (the largest change in minutes among its bands), ``pupils_changed``.

    ``pupils_changed``: pupils whose trip changes by half a minute or more. Origins whose trips today are unknown
    have a NaN change.
    """
    a = assignments
    changed = a["minutes_change"].abs() >= 0.5
    out = pd.DataFrame({"change": a.groupby("origin_id")["minutes_change"].max(),
                        "pupils_changed": a[changed].groupby("origin_id")["pupils"].sum()})
    out["pupils_changed"] = out["pupils_changed"].fillna(0.0)
    return out


def draw_change_map(*, schools, plan_schools: pd.DataFrame, origins, assignments: pd.DataFrame, boundary,
                    path: str | PathLike, title: str, lang: str = "en") -> None:
    """Write a PNG map of each village's change in one-way minutes after the plan.

    Parameters
    ----------
    schools : geopandas.GeoDataFrame
        The data's schools (``school_id``, Point geometry in a metric CRS).
    plan_schools : pandas.DataFrame
        The plan's schools (``school_id``, ``open``).
    origins : geopandas.GeoDataFrame
        ``origin_id``, ``name`` and Point geometry.
    assignments : pandas.DataFrame
        ``origin_id``, ``pupils``, ``minutes_change`` (:mod:`consolidation.before_after`).
    boundary : geopandas.GeoDataFrame or None
        Drawn as the county outline.
    path : str or os.PathLike
        The PNG to write.
    title : str
        The scenario's name.
    lang : str, default "en"
        ``zh`` for Chinese labels.
    """
    lang = i18n.norm_lang(lang)
    t = lambda key, **fmt: i18n.text(key, lang, **fmt)  # noqa: E731
    crs = schools.crs if schools.crs is None or not schools.crs.is_geographic else schools.estimate_utm_crs()
    schools, origins = kit.to_crs(schools, crs), kit.to_crs(kit.with_geometry(origins), crs)
    boundary = kit.to_crs(kit.with_geometry(boundary), crs)
    bounds, aspect = kit.extent([f for f in (schools, origins, boundary) if f is not None])
    panel_w = WIDTH_IN - 2 * MARGIN_IN - BAR_IN
    fig_h = TITLE_IN + panel_w * aspect + LEGEND_IN
    fig = Figure(figsize=(WIDTH_IN, fig_h), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    names = [str(n) for n in origins["name"]] if "name" in origins else []
    heading = t("change.map_title", name=title)
    family = kit.font_family([heading, *names, t("change.map_legend"), t("change.map_closed")])
    fig.suptitle(kit.mpl_text(heading), y=1 - 0.15 / fig_h, fontsize=14, fontweight="bold", fontfamily=family)
    ax = fig.add_axes((MARGIN_IN / WIDTH_IN, LEGEND_IN / fig_h, panel_w / WIDTH_IN, panel_w * aspect / fig_h))
    draw_base(ax, boundary, None)
    frame_axes(ax, bounds)
    is_open = schools["school_id"].astype(str).map(dict(zip(plan_schools["school_id"].astype(str),
                                                            plan_schools["open"].astype(int)))).fillna(0) == 1
    for mask, marker, color, size in ((is_open, "s", COLORS["school"], 26), (~is_open, "x", COLORS["closed"], 30)):
        x, y = kit.coords(schools[mask])
        ax.scatter(x, y, marker=marker, s=size, c=color, linewidths=1.2 if marker == "x" else 0.5,
                   edgecolors="white" if marker == "s" else None, zorder=4 if marker == "s" else 6)
    change = village_change(assignments).reindex(origins["origin_id"].astype(str))
    panel_h = panel_w * aspect
    cax = fig.add_axes(((MARGIN_IN + panel_w + 0.15) / WIDTH_IN, (LEGEND_IN + 0.15 * panel_h) / fig_h,
                        0.18 / WIDTH_IN, 0.7 * panel_h / fig_h))
    _draw_villages(ax, cax, origins, change, family, t)
    handles = [Line2D([], [], marker="s", ls="", color=COLORS["school"], label=t("change.map_open")),
               Line2D([], [], marker="x", ls="", color=COLORS["closed"], label=t("change.map_closed")),
               Line2D([], [], marker="o", ls="", color="#bbbbbb", markersize=4, label=t("change.map_same")),
               Line2D([], [], marker="o", ls="", markerfacecolor="#f4a582", markeredgecolor="#333333", markersize=9,
                      label=t("change.map_size"))]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, -0.01), ncol=2, frameon=False,
              prop={"family": family, "size": 9})
    kit.scale_bar(ax, i18n.text("map.km", lang), family)
    kit.north_arrow(ax, i18n.text("map.north", lang), family)
    fig.savefig(path, dpi=DPI, facecolor="white")


def _draw_villages(ax, cax, origins, change: pd.DataFrame, family: list[str], t) -> None:
    """Villages: pale where nothing changes, coloured by the change in minutes and sized by pupils changed."""
    x, y = kit.coords(origins)
    values = change["change"].to_numpy(float)
    pupils = change["pupils_changed"].to_numpy(float)
    moved = np.isfinite(values) & (pupils > 0)
    ax.scatter(x[~moved], y[~moved], s=8, c="#bbbbbb", linewidths=0, zorder=3)
    top = max(float(np.nanmax(np.abs(values[moved]))) if moved.any() else 0.0, 1.0)
    norm = Normalize(vmin=-top, vmax=top)  # symmetric: no change is the palest colour
    sizes = 20 + 180 * np.sqrt(pupils[moved] / max(pupils[moved].max(), 1.0)) if moved.any() else []
    ax.scatter(x[moved], y[moved], s=sizes, c=values[moved], cmap=CMAP, norm=norm, edgecolors="#333333",
               linewidths=0.5, zorder=5)
    bar = ax.figure.colorbar(ScalarMappable(norm=norm, cmap=colormaps[CMAP]), cax=cax, orientation="vertical")
    bar.set_label(kit.mpl_text(t("change.map_legend")), fontfamily=family, fontsize=9)
    names = origins["name"].astype(str).to_numpy() if "name" in origins else origins["origin_id"].astype(str)
    longer = np.where(moved & (np.nan_to_num(values) >= 5))[0]
    labels = [(x[i], y[i], t("change.map_label", name=names[i], minutes=f"{values[i]:.0f}"), False, 7.0)
              for i in longer[np.argsort(-values[longer])][:NAMED]]
    kit.place_labels(ax, labels, family)
