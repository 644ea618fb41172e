"""Small cartography helpers for the plan map.

Geometry checks, extent, scale bar, north arrow, non-overlapping labels and fonts that can draw the names.

Everything here works in a metric projected CRS (metres) and on matplotlib ``Axes``.
"""

from __future__ import annotations

import math
from functools import lru_cache

import geopandas as gpd
import numpy as np
from matplotlib import font_manager, patheffects
from matplotlib.ft2font import FT2Font
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox

CJK_FONTS = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC",
    "Heiti SC", "AR PL UMing CN",
)
"""Fonts able to draw Chinese names, tried in order when a name needs one."""

SCALE_LENGTHS_KM = (0.5, 1, 2, 5, 10, 20, 50, 100, 200)


def with_geometry(df) -> gpd.GeoDataFrame | None:
    """Return the rows of ``df`` that have a geometry, or None when there are none.

    Parameters
    ----------
    df : geopandas.GeoDataFrame, pandas.DataFrame or None
        A plain DataFrame, or a GeoDataFrame without an active geometry column, has none.
    """
    if df is None or not isinstance(df, gpd.GeoDataFrame):
        return None
    try:
        geom = df.geometry
    except AttributeError:  # a GeoDataFrame without an active geometry column
        return None
    ok = ~(geom.isna() | geom.is_empty)
    return df[ok] if bool(ok.any()) else None


def to_crs(df: gpd.GeoDataFrame | None, crs) -> gpd.GeoDataFrame | None:
    """Reproject ``df`` to ``crs`` when both are known and differ."""
    if df is not None and crs is not None and df.crs is not None and df.crs != crs:
        return df.to_crs(crs)
    return df


def coords(df: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return x and y of a representative point of each row."""
    if len(df) == 0:
        return np.array([]), np.array([])
    pts = df.geometry.representative_point()
    return pts.x.to_numpy(), pts.y.to_numpy()


def extent(frames, aspect_range=(0.6, 1.35)) -> tuple[tuple[float, float, float, float], float]:
    """Return the common map extent of all frames and its height / width ratio.

    The bounds are padded by 6 %, made at least 2 km across, then grown in one direction so the
    ratio lies within ``aspect_range`` (very long or wide counties still get a usable panel).

    Returns
    -------
    tuple
        ``((xmin, ymin, xmax, ymax), aspect)``.
    """
    bounds = np.array([f.total_bounds for f in frames if f is not None and len(f)])
    bounds = bounds[np.isfinite(bounds).all(axis=1)]
    w = max(bounds[:, 2].max() - bounds[:, 0].min(), 2000.0) * 1.06
    h = max(bounds[:, 3].max() - bounds[:, 1].min(), 2000.0) * 1.06
    cx = (bounds[:, 0].min() + bounds[:, 2].max()) / 2
    cy = (bounds[:, 1].min() + bounds[:, 3].max()) / 2
    aspect = min(max(h / w, aspect_range[0]), aspect_range[1])
    if h / w < aspect:
        h = w * aspect
    else:
        w = h / aspect
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), aspect


def round_keys(top_value: float) -> list[int]:
    """Two or three round numbers (1-2-5 steps) for a size legend, none above ``top_value``."""
    nice = [n * 10**e for e in range(0, 6) for n in (1, 2, 5)]
    top = max([n for n in nice if n <= top_value] or [max(int(top_value), 1)])
    keys = [top]
    for frac in (0.25, 0.0625):
        smaller = [n for n in nice if n < keys[-1]]
        if smaller and top * frac >= 5:
            keys.append(min(smaller, key=lambda n: abs(n - top * frac)))
    return sorted(set(keys))


def scale_bar(ax, km_label: str, family: list[str] | None = None, fontsize: float = 8.5) -> None:
    """Draw a black-and-white scale bar of a round length (about a quarter of the width)."""
    xmin, xmax = ax.get_xlim()
    ymin, ymax = ax.get_ylim()
    w, h = xmax - xmin, ymax - ymin
    km = max([c for c in SCALE_LENGTHS_KM if c * 1000 <= 0.25 * w] or [SCALE_LENGTHS_KM[0]])
    length = km * 1000
    x0, y0, bh = xmin + 0.06 * w, ymin + 0.06 * h, 0.012 * h
    for i, color in enumerate(("black", "white")):
        ax.add_patch(Rectangle((x0 + i * length / 2, y0), length / 2, bh, facecolor=color,
                               edgecolor="black", lw=0.8, zorder=9))
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    for xx, text in ((x0, "0"), (x0 + length, f"{km:g} {km_label}")):
        ax.text(xx, y0 + bh + 0.008 * h, text, ha="center", va="bottom", fontsize=fontsize,
                fontfamily=family or ["DejaVu Sans"], path_effects=halo, zorder=9)


def north_arrow(ax, letter: str, family: list[str] | None = None, size: float = 1.0) -> None:
    """Draw a north arrow in the upper right corner (grid north of the projection).

    ``size`` scales the arrow and letter, e.g. 0.7 for small panels.
    """
    top, length = 0.955, 0.09 * size
    ax.annotate("", xy=(0.95, top), xytext=(0.95, top - length), xycoords="axes fraction",
                arrowprops=dict(arrowstyle="-|>,head_width=0.35,head_length=0.7",
                                color="black", lw=1.6 * size), zorder=9)
    ax.text(0.95, top - length - 0.015, letter, transform=ax.transAxes, ha="center", va="top",
            fontsize=11 * size, fontweight="bold", fontfamily=family or ["DejaVu Sans"], zorder=9)


def place_labels(ax, labels, family: list[str], markers=(), fontsize: float = 8.5) -> None:
    """Write labels beside their markers, each at the first of eight spots that fits.

    A spot fits when the text stays inside the axes and clear of the labels already placed and of
    the other markers. A bold (important) label that fits nowhere may then cover markers, never
    another label. Any other label that fits nowhere is left out rather than drawn over something
    (the report's table still names every school). Earlier labels win: pass important ones first.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes whose limits are already set.
    labels : iterable of tuple
        ``(x, y, text, bold, radius)``: the marker position in data coordinates, the text, bold or
        not, and the marker radius in points (the text starts just beyond it).
    family : list of str
        Font family list, e.g. from :func:`font_family`.
    markers : iterable of tuple, optional
        ``(x, y, radius)`` of markers labels should not cover, radius in points.
    fontsize : float, default 8.5
        Size of the labels in points.
    """
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    px = ax.figure.dpi / 72.0
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    obstacles = []
    for x, y, r in markers:
        cx, cy = ax.transData.transform((x, y))
        obstacles.append(((cx, cy), Bbox.from_extents(cx - r * px, cy - r * px, cx + r * px,
                                                      cy + r * px)))
    placed = []
    for x, y, text, bold, radius in labels:
        here = tuple(ax.transData.transform((x, y)))
        spots = []
        for reach in (1.0, 2.2, 3.6):  # near first; farther out (on a leader line) when crowded
            d, e = (0.7 * radius + 6) * reach, (radius + 8) * reach
            spots += [(d, d, "left", "bottom"), (-d, d, "right", "bottom"), (d, -d, "left", "top"),
                      (-d, -d, "right", "top"), (e, 0, "left", "center"), (-e, 0, "right", "center"),
                      (0, e, "center", "bottom"), (0, -e, "center", "top")]
        for strict in (True, False) if bold else (True,):
            for dx, dy, ha, va in spots:
                label = ax.annotate(mpl_text(text), (x, y), xytext=(dx, dy),
                                    textcoords="offset points", ha=ha, va=va, fontfamily=family,
                                    fontsize=fontsize, fontweight="bold" if bold else "normal",
                                    path_effects=halo, zorder=7,
                                    arrowprops={"arrowstyle": "-", "lw": 0.6, "color": "0.25",
                                                "shrinkA": 0, "shrinkB": radius * 0.8})
                label.update_positions(renderer)
                box = Text.get_window_extent(label, renderer)  # the words only, not the leader line
                ok = (box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0
                      and box.y1 <= frame.y1 and not any(box.overlaps(o) for o in placed))
                if ok and strict:
                    ok = not any(box.overlaps(m) for c, m in obstacles if math.dist(c, here) > 0.5)
                if ok:
                    placed.append(box)
                    break
                label.remove()
            else:
                continue
            break


def mpl_text(text) -> str:
    """Escape ``$`` so matplotlib does not read a name as mathematics."""
    return str(text).replace("$", r"\$")


def needs_cjk(texts) -> bool:
    """Whether any of ``texts`` has a CJK character (or other East Asian script)."""
    return any(ord(c) >= 0x2E80 for t in texts for c in str(t))


def cjk_font() -> str | None:
    """Return the name of the first installed font of :data:`CJK_FONTS`, or None when there is none."""
    for attempt in range(2):
        installed = {f.name for f in font_manager.fontManager.ttflist}
        for name in CJK_FONTS:
            if name in installed:
                return name
        if attempt == 0:
            _add_system_cjk_fonts()
    return None


def font_family(texts) -> list[str]:
    """Font family list: an installed CJK font first when any text needs one, then DejaVu Sans.

    Pass every string the figure will draw (titles, legend, names): Chinese labels need the CJK
    font as much as Chinese names do. Without a CJK font installed, the list is DejaVu Sans alone
    and callers fall back to text it can draw (see :func:`renderable`).
    """
    if needs_cjk(texts):
        name = cjk_font()
        if name is not None:
            return [name, "DejaVu Sans"]
    return ["DejaVu Sans"]


@lru_cache(maxsize=1)
def _add_system_cjk_fonts() -> int:
    """Register CJK fonts installed after matplotlib cached its font list (it never looks again)."""
    added = 0
    for path in font_manager.findSystemFonts():
        if any(key in path.lower() for key in ("cjk", "wqy", "wenquanyi", "sourcehan", "simhei", "yahei")):
            try:
                font_manager.fontManager.addfont(path)
                added += 1
            except (OSError, RuntimeError, ValueError):
                continue
    return added


def renderable(text: str, family: list[str]) -> bool:
    """Whether every character of ``text`` has a glyph in one of the fonts of ``family``."""
    maps = [_charmap(name) for name in family]
    return all(c.isspace() or any(ord(c) in m for m in maps) for c in str(text))


@lru_cache(maxsize=16)
def _charmap(name: str) -> frozenset[int]:
    """Code points the font ``name`` can draw (empty if the font is not installed)."""
    try:
        path = font_manager.findfont(font_manager.FontProperties(family=name),
                                     fallback_to_default=False)
        return frozenset(FT2Font(path).get_charmap())
    except (ValueError, RuntimeError, OSError):
        return frozenset()
