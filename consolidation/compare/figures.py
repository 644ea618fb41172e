"""Figures of a comparison: the plans' maps side by side at one extent and scale, and travel times by band.

Each figure is drawn into a rectangle of a matplotlib figure (inches from the bottom left), so the
same drawing serves the HTML page (a PNG) and a PDF page.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .. import BANDS, i18n
from ..report import _mapkit as kit
from ..report import maps

PANEL_TITLE_IN = 0.62  # run name and counts above each map
ROW_GAP_IN = 0.15
COL_GAP_IN = 0.3
MAP_LEGEND_IN = 1.05
DPI = 150


def png_bytes(fig: Figure) -> bytes:
    """Render the figure as PNG bytes."""
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
    return buf.getvalue()


def map_columns(n: int) -> int:
    """Count the panels per row: up to three side by side, four when there are more than six plans."""
    return max(1, min(n, 3 if n <= 6 else 4))


def maps_height(width: float, n: int, aspect: float) -> float:
    """Measure the height in inches that ``n`` map panels of ``aspect`` (height / width) need at ``width``."""
    cols = map_columns(n)
    rows = math.ceil(n / cols)
    pw = (width - COL_GAP_IN * (cols - 1)) / cols
    return rows * (PANEL_TITLE_IN + pw * aspect) + (rows - 1) * ROW_GAP_IN + MAP_LEGEND_IN


def draw_maps(fig: Figure, rect: tuple[float, float, float, float], panels: Sequence[dict], *, bounds,
              aspect: float, pmax: float, lang: str, family: list[str], ref_name: str) -> None:
    """Draw one panel per plan in ``rect`` (x, y, w, h in inches), all at ``bounds`` and one marker scale.

    ``panels``: dicts with ``name``, ``color``, and either ``layers`` (a :class:`maps.PlanLayers`) and
    ``highlight`` (school ids to ring), or ``message`` (why there is no map).
    """
    fw, fh = fig.get_size_inches()
    x0, y0, w, h = rect
    n = len(panels)
    cols = map_columns(n)
    rows = math.ceil(n / cols)
    avail_w = (w - COL_GAP_IN * (cols - 1)) / cols
    avail_h = (h - MAP_LEGEND_IN - rows * PANEL_TITLE_IN - (rows - 1) * ROW_GAP_IN) / rows
    pw = max(min(avail_w, avail_h / aspect), 0.5)
    ph = pw * aspect
    left = x0 + (w - (cols * pw + (cols - 1) * COL_GAP_IN)) / 2
    top = y0 + h
    small = pw < 5.0
    has_boundary = has_origins = ringed = linked = False
    campus_keys: list = []
    for i, panel in enumerate(panels):
        r, c = divmod(i, cols)
        ax_x = left + c * (pw + COL_GAP_IN)
        ax_y = top - (r + 1) * (PANEL_TITLE_IN + ph) - r * ROW_GAP_IN
        ax = fig.add_axes((ax_x / fw, ax_y / fh, pw / fw, ph / fh))
        layers = panel.get("layers")
        if layers is None:
            maps.draw_message_panel(ax, panel["message"], family, name=panel["name"], name_color=panel["color"],
                                    title_size=11)
            continue
        has_boundary |= layers.boundary is not None
        has_origins |= layers.origins is not None
        ringed |= bool(panel.get("highlight"))
        campus_keys = campus_keys or maps.campus_handles(layers.schools, lang)  # 一校多区, when any plan has one
        linked |= bool(maps.parent_links(layers.schools))
        maps.draw_plan_panel(ax, layers, bounds=bounds, pmax=pmax, lang=lang, family=family, name=panel["name"],
                             name_color=panel["color"], max_named=7 if small else maps.MAX_NAMED,
                             label_size=6.5 if small else 8.5, title_size=11, highlight=panel.get("highlight", ()),
                             small=small)
    handles = (maps.base_handles(lang, has_boundary, has_origins)
               + maps.plan_handles(lang, differs_from=ref_name if ringed else None, links=linked) + campus_keys
               + maps.size_handles(pmax, lang, scale=0.6 if small else 1.0))
    legend_top = top - rows * (PANEL_TITLE_IN + ph) - (rows - 1) * ROW_GAP_IN - 0.05
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=((x0 + w / 2) / fw, legend_top / fh),
               ncol=4, frameon=False, handlelength=2.4, borderaxespad=0.0, labelspacing=0.7, columnspacing=1.6,
               prop={"family": family, "size": 8})


def ecdf(minutes, pupils) -> tuple[np.ndarray, np.ndarray]:
    """Compute the pupil-weighted share of pupils whose trip is at most x minutes, as step points from (0, 0)."""
    m = np.asarray(minutes, dtype=float)
    p = np.asarray(pupils, dtype=float)
    ok = np.isfinite(m) & np.isfinite(p) & (p > 0)
    m, p = m[ok], p[ok]
    if len(m) == 0 or p.sum() <= 0:
        return np.array([]), np.array([])
    order = np.argsort(m, kind="stable")
    m, p = m[order], p[order]
    xs, idx = np.unique(m, return_index=True)
    cum = np.cumsum(p) / p.sum()
    last = np.r_[idx[1:] - 1, len(m) - 1]
    return np.r_[0.0, xs], np.r_[0.0, cum[last]]


def travel_bands(runs) -> list[str]:
    """List the bands with pupils in any plan, in the usual order."""
    found = []
    for run in runs:
        if run.assignments is not None and "band" in run.assignments:
            found += [str(b) for b in run.assignments["band"].unique()]
    return [b for b in BANDS if b in found] + sorted({b for b in found if b not in BANDS})


def draw_travel(fig: Figure, rect: tuple[float, float, float, float], runs, *, lang: str,
                family: list[str]) -> None:
    """Draw one small chart per band: for each plan, the pupil-weighted share of pupils within x minutes.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to draw on.
    rect : tuple of float
        ``(x, y, width, height)`` in inches from the figure's lower left corner; the legend is at the top.
    runs : sequence of RunFolder
        The plans, each drawn in its colour and line style.
    lang : str
        The language of titles and axes.
    family : list of str
        The font family.
    """
    fw, fh = fig.get_size_inches()
    x0, y0, w, h = rect
    bands = travel_bands(runs)
    if not bands:
        return
    legend_h = 0.45
    gap = 0.55
    left_pad, bottom_pad, top_pad, right_pad = 0.6, 0.55, 0.35, 0.25
    cw = (w - left_pad - right_pad - gap * (len(bands) - 1)) / len(bands)
    ch = h - legend_h - bottom_pad - top_pad
    for j, band in enumerate(bands):
        ax = fig.add_axes(((x0 + left_pad + j * (cw + gap)) / fw, (y0 + bottom_pad) / fh, cw / fw, ch / fh))
        top, limits = _plot_band(ax, band, runs)
        right = max(top, *limits.keys()) * 1.08 if limits else top * 1.04
        ax.set_xlim(0, max(right, 5))
        ax.set_ylim(0, 1.02)
        _draw_limits(ax, limits, family)
        _style_band_axes(ax, band, lang, family, first=j == 0)
    handles = [Line2D([], [], color=r.color, ls=r.style, lw=2, label=kit.mpl_text(r.name)) for r in runs
               if r.assignments is not None]
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=((x0 + w / 2) / fw, (y0 + h) / fh),
               ncol=min(len(handles), 6) or 1, frameon=False, prop={"family": family, "size": 9})


def _plot_band(ax: Axes, band: str, runs) -> tuple[float, dict[float, list]]:
    """Plot each plan's travel times in ``band``; return the longest trip and the runs of each day limit."""
    top = 0.0
    limits: dict[float, list] = {}
    for run in runs:
        a = run.assignments
        if a is None or "band" not in a:
            continue
        rows = a[a["band"].astype(str) == band]
        xs, ys = ecdf(pd.to_numeric(rows.get("minutes"), errors="coerce"),
                      pd.to_numeric(rows.get("pupils"), errors="coerce"))
        if len(xs) == 0:
            continue
        top = max(top, float(xs.max()))
        ax.step(np.r_[xs, 1e9], np.r_[ys, ys[-1]], where="post", color=run.color,
                linestyle=run.style, lw=1.8, label=run.name)
        limit = ((run.summary.get("travel_minutes") or {}).get(band) or {}).get("limit")
        if not i18n.missing(limit):
            limits.setdefault(float(limit), []).append(run)
    return top, limits


def _draw_limits(ax: Axes, limits: dict[float, list], family: list[str]) -> None:
    """Mark each day limit with a dotted line: grey when all plans share it, else in the first plan's colour."""
    for value, with_limit in limits.items():
        color = "#555555" if len(limits) == 1 else with_limit[0].color
        ax.axvline(value, color=color, ls=":", lw=1.3, zorder=0)
        ax.annotate(f"{value:g}", (value, 0.03), xytext=(-2, 0), textcoords="offset points", fontsize=7.5,
                    color=color, va="bottom", ha="right", fontfamily=family,
                    bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"})


def _style_band_axes(ax: Axes, band: str, lang: str, family: list[str], *, first: bool) -> None:
    """Give a band's chart its percentages, grid, title and axis labels (the share axis on the ``first`` only)."""
    ax.yaxis.set_major_formatter(lambda v, _: f"{100 * v:.0f}%")
    ax.grid(True, color="#e3e6ea", lw=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        label.set_fontfamily(family)
    ax.set_title(i18n.text(f"band.{band}", lang) if f"band.{band}" in i18n.EN else band, fontsize=10.5,
                 loc="left", fontweight="bold", fontfamily=family)
    ax.set_xlabel(i18n.text("cmp.axis_minutes", lang), fontsize=8.5, fontfamily=family)
    if first:
        ax.set_ylabel(i18n.text("cmp.axis_share", lang), fontsize=8.5, fontfamily=family)
