"""Write report.pdf beside report.html: the same page printed to A4 by Chromium, or a plainer PDF without it.

Chromium prints report.html with its print stylesheet (the interactive map gives way to the PNG map, tables
keep their rows whole and repeat their heads, each main section starts on a new page) and embeds the fonts it
used, a CJK font for Chinese (see :mod:`.printing`). Without Chromium, or when it fails, the run still writes a
report.pdf and does not fail: a plainer PDF drawn with matplotlib (the title and result, the reasons, the
headline numbers and the map, and a note saying why and what to install), and a warning in the log; ``run.json``
records which (``"pdf"``).
"""

from __future__ import annotations

import io
import logging
import textwrap
import threading
from pathlib import Path

import matplotlib
from matplotlib import image as mpimg
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from .. import i18n
from . import _mapkit as kit
from .printing import PrintUnavailable, print_pdf

log = logging.getLogger("consolidation")

A4 = (8.27, 11.69)
"""A4 portrait, in inches."""


class PendingPdf:
    """report.pdf being printed in a background thread while the run folder's other files are written.

    The thread only prints (to bytes); :meth:`finish`, called by the writer, waits for it and writes the file,
    so an interrupted run never has a PDF written into its folder behind its back.
    """

    def __init__(self, page: Path) -> None:
        self._result: bytes | PrintUnavailable | None = None
        self._thread = threading.Thread(target=self._print, args=(Path(page),), name="report.pdf", daemon=True)
        self._thread.start()

    def _print(self, page: Path) -> None:
        try:
            self._result = print_pdf(page)
        except PrintUnavailable as exc:
            self._result = exc
        except Exception as exc:  # noqa: BLE001 - any failure of the browser becomes the plainer PDF, said
            self._result = PrintUnavailable(f"printing failed: {exc}")

    def finish(self, pdf: Path, *, title: str, badge: str, lines: list[str], map_png: bytes | None,
               lang: str) -> str:
        """Wait for the print and write ``pdf``; without a working Chromium write the plainer PDF instead.

        Parameters
        ----------
        pdf : pathlib.Path
            The PDF to write (inside the run folder being filled).
        title, badge : str
            The report's title and result, for the plainer PDF.
        lines : list of str
            What the plainer PDF lists under the title: the reasons, or the headline numbers.
        map_png : bytes or None
            The map, for the plainer PDF's second page.
        lang : str
            The report's language.

        Returns
        -------
        str
            How it was made: ``chromium``, or ``fallback: <why>``.
        """
        self._thread.join()
        result = self._result
        if isinstance(result, bytes):
            Path(pdf).write_bytes(result)
            return "chromium"
        why = str(result)
        log.warning("report.pdf: %s; wrote a plainer PDF (headline numbers and map) instead", why)
        plain_pdf(pdf, title=title, badge=badge, lines=lines, map_png=map_png, lang=lang, why=why)
        return f"fallback: {why}"


def start_report_pdf(page: Path) -> PendingPdf:
    """Start printing ``page`` (report.html, as written) to A4 in the background; see :meth:`PendingPdf.finish`."""
    return PendingPdf(page)


def plain_pdf(pdf: Path, *, title: str, badge: str, lines: list[str], map_png: bytes | None, lang: str,
              why: str) -> None:
    """Write the plainer A4 PDF: title, result, a note on why it is plainer, the lines, then the map on page 2."""
    note = i18n.text("pdf.fallback_note", lang, why=why)
    family = kit.font_family([title, badge, note, *lines])
    wide = kit.needs_cjk([title, note, *lines])
    width = 48 if wide else 95  # characters a line
    with matplotlib.rc_context({"font.family": family}), \
            PdfPages(pdf, metadata={"Title": title, "Creator": "consolidation"}) as out:
        fig = _page()
        y = 0.94
        fig.text(0.08, y, kit.mpl_text(title), fontsize=16, fontweight="bold", va="top")
        y -= 0.035
        fig.text(0.08, y, kit.mpl_text(badge), fontsize=11, va="top", color="#1e7b34")
        y -= 0.035
        for chunk in textwrap.wrap(note, width):
            fig.text(0.08, y, kit.mpl_text(chunk), fontsize=9, va="top", color="#a35f00")
            y -= 0.02
        y -= 0.015
        for line in lines:
            for i, chunk in enumerate(textwrap.wrap(line, width) or [""]):
                if y < 0.06:
                    out.savefig(fig)
                    fig, y = _page(), 0.94
                fig.text(0.08 if i == 0 else 0.1, y, kit.mpl_text(chunk), fontsize=10, va="top")
                y -= 0.022
        out.savefig(fig)
        if map_png:
            fig = _page()
            ax = fig.add_axes((0.05, 0.05, 0.9, 0.9))
            ax.imshow(mpimg.imread(io.BytesIO(map_png), format="png"))
            ax.set_axis_off()
            out.savefig(fig)


def _page() -> Figure:
    """Return an empty A4 page."""
    fig = Figure(figsize=A4)
    FigureCanvasAgg(fig)
    return fig

