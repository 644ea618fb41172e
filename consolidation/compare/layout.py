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
        """The text width of a page in inches."""
        return PAGE_W - 2 * MARGIN

    @property
    def fig(self) -> Figure:
        """The current page (the first is started on demand)."""
        if not self.pages:
            self.new_page()
        return self.pages[-1]

    def new_page(self) -> None:
        """Start a new page with the running header, the cursor at the top margin."""
        fig = Figure(figsize=(PAGE_W, PAGE_H), facecolor="white")
        FigureCanvasAgg(fig)  # map labels are placed by measuring text, which needs a renderer
        self.pages.append(fig)
        self.y = PAGE_H - MARGIN
        if self.header:
            self._text(MARGIN, PAGE_H - 0.32, self.header, size=8, color=MUTED)

    def room(self) -> float:
        """Measure the inches left on the current page."""
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
        """Lay out the document title and, below it, a subtitle paragraph."""
        self.need(0.9)
        self._text(MARGIN, self.y, s, size=17, bold=True)
        self.y -= 0.38
        if sub:
            self.paragraph(sub, size=9.5, color=MUTED)
        self.y -= 0.08

    def heading(self, s: str, keep: float = 0.6) -> None:
        """Lay out a section heading; ``keep`` inches of what follows must fit below it on the same page."""
        self.need(0.45 + keep)
        self.y -= 0.08
        self._text(MARGIN, self.y, s, size=12.5, bold=True)
        self.y -= 0.27
        self.fig.add_artist(Rectangle((MARGIN / PAGE_W, self.y / PAGE_H), self.width / PAGE_W, 0.012 / PAGE_H,
                                      transform=self.fig.transFigure, color=LINE))
        self.y -= 0.1

    def paragraph(self, s: str, *, size: float = 9, color: str = INK, indent: float = 0.0, bullet: str = "",
                  bold: bool = False) -> None:
        """Lay out a paragraph wrapped to the text width, moving to a new page between lines when full."""
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
        """Lay out a bulleted list, one paragraph per item."""
        for item in items:
            self.paragraph(item, size=size, bullet="•", indent=0.05)

    def figure(self, height: float, draw: Callable[[Figure, tuple[float, float, float, float]], None]) -> None:
        """Reserve ``height`` inches (a new page if needed) and call ``draw(fig, (x, y, w, h))`` in inches."""
        self.need(height)
        draw(self.fig, (MARGIN, self.y - height, self.width, height))
        self.y -= height + 0.1

    def table(self, widths: list[float], header: list[Cell], rows: list[Row], *, size: float = 8.5,
              continued: str = "", row_pad: float = 0.07) -> None:
        """Lay out a table whose long cells wrap and whose header repeats on each page.

        Parameters
        ----------
        widths : list of float
            Column widths in inches, scaled to the page width.
        header : list of Cell
            The header row.
        rows : list of Row
            The rows; a group row is kept with its rows on one page when they fit.
        size : float, default 8.5
            Font size in points.
        continued : str, default ""
            Said above the header when the table goes on to a new page.
        row_pad : float, default 0.07
            Inches added to each row's height.
        """
        scale = self.width / sum(widths)
        tab = _Table([w * scale for w in widths], Row(header), size, row_pad, continued, self.family)
        for i, row in enumerate(rows):
            h = tab.height_of(row)
            self._table_break(tab, first=i == 0, needed=_needed(tab, rows, i))
            self._table_row(tab, row, h)
        self.y -= 0.15

    def _table_break(self, tab: _Table, *, first: bool, needed: float) -> None:
        """Draw the header before the first row, and again on a new page when ``needed`` inches do not fit."""
        if first:
            if tab.height_of(tab.header) + needed > self.room():
                self.new_page()
        elif needed > self.room():
            self.new_page()
            if tab.continued:
                self._text(MARGIN, self.y, tab.continued, size=10, bold=True, color=MUTED)
                self.y -= 0.3
        else:
            return
        h = tab.height_of(tab.header)
        self._band(self.y - h, h, SOFT)
        self._row(tab.header, tab.widths, tab.lines_of(tab.header), tab.size, tab.step, tab.pad, bold=True,
                  top=tab.row_pad / 2)
        self.y -= h

    def _table_row(self, tab: _Table, row: Row, h: float) -> None:
        """Draw one row ``h`` inches high: its shading or rule above, its cells, and a line below."""
        if row.group or row.shade:
            self._band(self.y - h, h, row.shade or "#f7f8fa")
        if row.rule:
            self._band(self.y, 0.015, INK)
        if row.group:
            self._text(MARGIN + tab.pad, self.y - tab.row_pad / 2, row.cells[0].text, size=tab.size, bold=True,
                       color=INK)
        else:
            self._row(row, tab.widths, tab.lines_of(row), tab.size, tab.step, tab.pad, top=tab.row_pad / 2)
        self.y -= h
        self._band(self.y, 0.006, LINE)

    def _band(self, y: float, height: float, color: str) -> None:
        """Draw a band across the text width, from ``y`` up ``height`` inches."""
        self.fig.add_artist(Rectangle((MARGIN / PAGE_W, y / PAGE_H), self.width / PAGE_W, height / PAGE_H,
                                      transform=self.fig.transFigure, color=color))

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
        """Write the PDF, numbering the pages and adding the footer to each."""
        n = len(self.pages)
        with PdfPages(path, metadata={"Title": self.header, "Creator": "consolidation"}) as pdf:
            for i, fig in enumerate(self.pages, start=1):
                self._text(PAGE_W - MARGIN, 0.3, self.page_label(i, n), size=8, color=MUTED, ha="right",
                           va="bottom", fig=fig)
                if self.footer:
                    self._text(MARGIN, 0.3, self.footer, size=7.5, color=MUTED, va="bottom", fig=fig)
                pdf.savefig(fig)


@dataclass
class _Table:
    """A table being laid out: its column widths in inches, its header and its text sizes."""

    widths: list[float]
    header: Row
    size: float
    row_pad: float
    continued: str
    family: list[str]
    pad: float = 0.06

    @property
    def step(self) -> float:
        """Inches from one line of a cell to the next."""
        return self.size * 1.4 / 72

    def lines_of(self, row: Row) -> list[list[str]]:
        """Wrap each cell of ``row`` to its column (a group row is one line)."""
        if row.group:
            return [[row.cells[0].text]]
        out = []
        for c, w in zip(row.cells, self.widths):
            out.append(wrap(c.text, max(w - 2 * self.pad - _diff_width(c, self.size, self.family), 0.3), self.size,
                            self.family) or [""])
        return out

    def height_of(self, row: Row) -> float:
        """Measure the height of ``row`` in inches."""
        return max(len(ls) for ls in self.lines_of(row)) * self.step + self.row_pad


def _needed(tab: _Table, rows: list[Row], i: int) -> float:
    """Measure the inches row ``i`` needs on its page: a group heading with its rows, or the first two of them."""
    row = rows[i]
    h = tab.height_of(row)
    if not row.group:  # keep a group heading with its rows: all of them when they fit on one page
        return h
    block = [tab.height_of(nxt) for nxt in rows[i + 1:]]
    block = block[:next((j for j, nxt in enumerate(rows[i + 1:]) if nxt.group), len(block))]
    whole = h + sum(block)
    return whole if whole <= PAGE_H - 2 * MARGIN - 1.2 else h + sum(block[:2])


def _diff_width(cell: Cell, size: float, family: list[str]) -> float:
    """Measure the inches the difference of a cell takes at its right (at least its ``reserve``)."""
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
    """Measure the width of ``s`` in points at ``size``."""
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
