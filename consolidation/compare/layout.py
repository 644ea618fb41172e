"""A small flowing layout on A4 landscape pages with matplotlib: headings, paragraphs, lists, tables, figures.

Nothing here needs a browser: every page is a matplotlib figure saved with ``PdfPages``, and text is
drawn in the font family given (a CJK font for Chinese), so the PDF prints the same everywhere.
Lengths are in inches, measured from the top of the page.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.textpath import text_to_path

from ..report._mapkit import mpl_text

PAGE_W, PAGE_H = 11.69, 8.27  # A4 landscape
MARGIN = 0.55
NO_BREAK_BEFORE = set("。，、；：？！）」』》〉,.;:!?)%")
"""Punctuation that never starts a line."""
INK, MUTED, LINE, SOFT = "#1f2933", "#616e7c", "#c9d0d6", "#eef1f4"


@dataclass
class Cell:
    """A table cell: text, with an optional difference drawn after it in its own colour."""

    text: str = ""
    bold: bool = False
    color: str = INK
    align: str = "left"  # left or right
    diff: str = ""
    diff_color: str = MUTED
    reserve: float = 0.0  # inches kept free at the right for ``diff``, so values line up in a column


@dataclass
class Row:
    """A table row; a ``group`` row is a shaded subheading across the table."""

    cells: list[Cell]
    group: bool = False
    shade: str | None = None
    rule: bool = False  # a heavier line above (totals)


@dataclass
class Flow:
    """Lay blocks out top to bottom, starting a new page when one is full.

    Call :meth:`save` at the end: it numbers the pages ("Page 1 of 4") and writes the PDF.
    """

    family: list[str]
    header: str
    page_label: Callable[[int, int], str]
    footer: str = ""
    pages: list[Figure] = field(default_factory=list)
    y: float = PAGE_H  # cursor, inches from the bottom of the current page

    @property
    def width(self) -> float:
        return PAGE_W - 2 * MARGIN

    @property
    def fig(self) -> Figure:
        if not self.pages:
            self.new_page()
        return self.pages[-1]

    def new_page(self) -> None:
        fig = Figure(figsize=(PAGE_W, PAGE_H), facecolor="white")
        FigureCanvasAgg(fig)  # map labels are placed by measuring text, which needs a renderer
        self.pages.append(fig)
        self.y = PAGE_H - MARGIN
        if self.header:
            self._text(MARGIN, PAGE_H - 0.32, self.header, size=8, color=MUTED)

    def room(self) -> float:
        """Inches left on the current page."""
        return self.y - MARGIN - 0.25

    def need(self, height: float) -> None:
        """Start a new page unless ``height`` inches fit on this one."""
        if not self.pages or height > self.room():
            self.new_page()

    def _text(self, x: float, y: float, s: str, *, size: float = 9, color: str = INK, bold: bool = False,
              ha: str = "left", va: str = "top", fig: Figure | None = None) -> None:
        (fig or self.fig).text(x / PAGE_W, y / PAGE_H, mpl_text(s), fontsize=size, color=color,
                               fontweight="bold" if bold else "normal", ha=ha, va=va, fontfamily=self.family)

    def title(self, s: str, sub: str = "") -> None:
        self.need(0.9)
        self._text(MARGIN, self.y, s, size=17, bold=True)
        self.y -= 0.38
        if sub:
            self.paragraph(sub, size=9.5, color=MUTED)
        self.y -= 0.08

    def heading(self, s: str, keep: float = 0.6) -> None:
        """A section heading; ``keep`` inches of what follows must fit below it on the same page."""
        self.need(0.45 + keep)
        self.y -= 0.08
        self._text(MARGIN, self.y, s, size=12.5, bold=True)
        self.y -= 0.27
        self.fig.add_artist(Rectangle((MARGIN / PAGE_W, self.y / PAGE_H), self.width / PAGE_W, 0.012 / PAGE_H,
                                      transform=self.fig.transFigure, color=LINE))
        self.y -= 0.1

    def paragraph(self, s: str, *, size: float = 9, color: str = INK, indent: float = 0.0, bullet: str = "",
                  bold: bool = False) -> None:
        lines = wrap(s, self.width - indent - (0.18 if bullet else 0), size, self.family)
        step = size * 1.45 / 72
        for i, line in enumerate(lines):
            self.need(step)
            if bullet and i == 0:
                self._text(MARGIN + indent, self.y, bullet, size=size, color=color)
            self._text(MARGIN + indent + (0.18 if bullet else 0), self.y, line, size=size, color=color, bold=bold)
            self.y -= step
        self.y -= 0.06

    def bullets(self, items: list[str], *, size: float = 9) -> None:
        for item in items:
            self.paragraph(item, size=size, bullet="•", indent=0.05)

    def figure(self, height: float, draw: Callable[[Figure, tuple[float, float, float, float]], None]) -> None:
        """Reserve ``height`` inches (a new page if needed) and call ``draw(fig, (x, y, w, h))`` in inches."""
        self.need(height)
        draw(self.fig, (MARGIN, self.y - height, self.width, height))
        self.y -= height + 0.1

    def table(self, widths: list[float], header: list[Cell], rows: list[Row], *, size: float = 8.5,
              continued: str = "", row_pad: float = 0.07) -> None:
        """A table; ``widths`` in inches (scaled to the page width). Long cells wrap; the header repeats."""
        scale = self.width / sum(widths)
        widths = [w * scale for w in widths]
        step = size * 1.4 / 72
        pad = 0.06

        def lines_of(row: Row) -> list[list[str]]:
            if row.group:
                return [[row.cells[0].text]]
            out = []
            for c, w in zip(row.cells, widths):
                out.append(wrap(c.text, max(w - 2 * pad - _diff_width(c, size, self.family), 0.3), size,
                                self.family) or [""])
            return out

        def height_of(row: Row) -> float:
            return max(len(ls) for ls in lines_of(row)) * step + row_pad

        def draw_header() -> None:
            h = height_of(Row(header))
            self.fig.add_artist(Rectangle((MARGIN / PAGE_W, (self.y - h) / PAGE_H), self.width / PAGE_W,
                                          h / PAGE_H, transform=self.fig.transFigure, color=SOFT))
            self._row(Row(header), widths, lines_of(Row(header)), size, step, pad, bold=True, top=row_pad / 2)
            self.y -= h

        first = True
        for i, row in enumerate(rows):
            h = height_of(row)
            h_needed = h
            if row.group:  # keep a group heading with its rows: all of them when they fit on one page
                block = [height_of(nxt) for nxt in rows[i + 1:]]
                block = block[:next((j for j, nxt in enumerate(rows[i + 1:]) if nxt.group), len(block))]
                whole = h + sum(block)
                h_needed = whole if whole <= PAGE_H - 2 * MARGIN - 1.2 else h + sum(block[:2])
            if first:
                if height_of(Row(header)) + h_needed > self.room():
                    self.new_page()
                first = False
                draw_header()
            elif h_needed > self.room():
                self.new_page()
                if continued:
                    self._text(MARGIN, self.y, continued, size=10, bold=True, color=MUTED)
                    self.y -= 0.3
                draw_header()
            if row.group or row.shade:
                self.fig.add_artist(Rectangle((MARGIN / PAGE_W, (self.y - h) / PAGE_H), self.width / PAGE_W,
                                              h / PAGE_H, transform=self.fig.transFigure,
                                              color=row.shade or "#f7f8fa"))
            if row.rule:
                self.fig.add_artist(Rectangle((MARGIN / PAGE_W, self.y / PAGE_H), self.width / PAGE_W,
                                              0.015 / PAGE_H, transform=self.fig.transFigure, color=INK))
            if row.group:
                self._text(MARGIN + pad, self.y - row_pad / 2, row.cells[0].text, size=size, bold=True, color=INK)
            else:
                self._row(row, widths, lines_of(row), size, step, pad, top=row_pad / 2)
            self.y -= h
            self.fig.add_artist(Rectangle((MARGIN / PAGE_W, self.y / PAGE_H), self.width / PAGE_W,
                                          0.006 / PAGE_H, transform=self.fig.transFigure, color=LINE))
        self.y -= 0.15

    def _row(self, row: Row, widths, lines, size, step, pad, bold: bool = False, top: float = 0.035) -> None:
        x = MARGIN
        for cell, w, ls in zip(row.cells, widths, lines):
            diff_w = _diff_width(cell, size, self.family)
            for i, line in enumerate(ls):
                if cell.align == "right":
                    self._text(x + w - pad - diff_w, self.y - top - i * step, line, size=size, ha="right",
                               color=cell.color, bold=bold or cell.bold)
                else:
                    self._text(x + pad, self.y - top - i * step, line, size=size, color=cell.color,
                               bold=bold or cell.bold)
            if cell.diff:
                self._text(x + w - pad, self.y - top, cell.diff, size=size * 0.92, ha="right",
                           color=cell.diff_color, bold=True)
            x += w

    def save(self, path) -> None:
        """Number the pages, add the footer and write the PDF."""
        n = len(self.pages)
        with PdfPages(path, metadata={"Title": self.header, "Creator": "consolidation"}) as pdf:
            for i, fig in enumerate(self.pages, start=1):
                self._text(PAGE_W - MARGIN, 0.3, self.page_label(i, n), size=8, color=MUTED, ha="right",
                           va="bottom", fig=fig)
                if self.footer:
                    self._text(MARGIN, 0.3, self.footer, size=7.5, color=MUTED, va="bottom", fig=fig)
                pdf.savefig(fig)


def _diff_width(cell: Cell, size: float, family: list[str]) -> float:
    """Inches the difference of a cell takes at its right (at least its ``reserve``)."""
    used = text_width(cell.diff + "  ", size * 0.92, family) / 72 if cell.diff else 0.0
    return max(used, cell.reserve)


def _wide(c: str) -> bool:
    return unicodedata.east_asian_width(c) in ("W", "F")


@lru_cache(maxsize=4096)
def _width_cached(s: str, size: float, family: tuple[str, ...]) -> float:
    try:
        w, _, _ = text_to_path.get_text_width_height_descent(mpl_text(s), FontProperties(family=list(family),
                                                                                          size=size), ismath=False)
        return float(w)
    except Exception:  # noqa: BLE001 - a font problem must not stop the PDF; estimate instead
        return sum(size * (1.0 if _wide(c) else 0.56) for c in s)


def text_width(s: str, size: float, family: list[str]) -> float:
    """Width of ``s`` in points at ``size``."""
    return _width_cached(str(s), float(size), tuple(family))


def wrap(s: str, width_in: float, size: float, family: list[str]) -> list[str]:
    """Break ``s`` into lines at most ``width_in`` inches wide: at spaces, and between CJK characters."""
    out: list[str] = []
    for para in str(s).split("\n"):
        tokens: list[str] = []
        word = ""
        for c in para:
            if c == " ":
                if word:
                    tokens.append(word)
                tokens.append(" ")
                word = ""
            elif _wide(c):
                if word:
                    tokens.append(word)
                tokens.append(c)
                word = ""
            else:
                word += c
        if word:
            tokens.append(word)
        line = ""
        limit = width_in * 72
        for tok in tokens:
            if (line.strip() and tok not in NO_BREAK_BEFORE
                    and text_width((line + tok).rstrip(), size, family) > limit):
                out.append(line.rstrip())
                line = ""
            line = line + tok if (line or tok != " ") else line
            while text_width(line, size, family) > limit and len(line) > 1:  # a path or id too long to fit
                cut = len(line) - 1
                while cut > 1 and text_width(line[:cut], size, family) > limit:
                    cut -= 1
                out.append(line[:cut])
                line = line[cut:]
        out.append(line.rstrip())
    return out
