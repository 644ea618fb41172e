"""Write report.pdf beside report.html: the same page printed to A4 by Chromium, or a plainer PDF without it.

Chromium prints report.html with its print stylesheet (the interactive map gives way to the PNG map, tables
keep their rows whole and repeat their heads, each main section starts on a new page) and embeds the fonts it
used, a CJK font for Chinese (see :mod:`.printing`). Without Chromium, or when it fails, the run still writes a
report.pdf and does not fail: a plainer PDF drawn with matplotlib (the title and result, the reasons, the
headline numbers and the map, and a note saying why and what to install), and a warning in the log; ``run.json``
records which (``"pdf"``).
"""

from __future__ import annotations

import base64
import io
import logging
import re
import tempfile
import textwrap
import threading
from pathlib import Path

import matplotlib
from matplotlib import image as mpimg
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from PIL import Image

from .. import i18n
from . import _mapkit as kit
from .printing import PrintUnavailable, print_pdf

log = logging.getLogger("consolidation")

A4 = (8.27, 11.69)
"""A4 portrait, in inches."""
IMAP = re.compile(r'<section class="imap" id="imap">.*?</section>', re.S)
"""The interactive map's section (its JSON escapes ``<``, so no ``</section>`` hides inside)."""
PNG_URI = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")


class PendingPdf:
    """report.pdf being printed in a background thread while the run folder's other files are written.

    The thread only prints (to bytes); :meth:`finish`, called by the writer, waits for it and writes the file,
    so an interrupted run never has a PDF written into its folder behind its back.
    """

    def __init__(self, page: Path) -> None:
        self._result: bytes | PrintUnavailable | None = None
        text = Path(page).read_text(encoding="utf-8")
        self._thread = threading.Thread(target=self._print, args=(text,), name="report.pdf", daemon=True)
        self._thread.start()

    def _print(self, page: str) -> None:
        """Print :func:`print_copy` of the page, from a private temporary folder (never the run folder)."""
        try:
            with tempfile.TemporaryDirectory(prefix="consolidation-print-") as scratch:
                copy = Path(scratch) / "report.html"
                copy.write_text(print_copy(page), encoding="utf-8")
                self._result = print_pdf(copy)
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


def print_copy(page: str) -> str:
    """Return the page as Chromium prints it: the interactive map left out, its pictures as JPEG.

    Print hides the interactive map anyway; a PNG picture Chromium would compress again pixel by pixel (a map
    of 1800 x 1200 pixels costs about half a second), a JPEG it copies into the PDF as it is. Quality 90 keeps
    the maps' thin lines and small labels sharp on paper.
    """
    page = IMAP.sub("", page, count=1)
    return PNG_URI.sub(lambda m: _as_jpeg(m.group(1)) or m.group(0), page)


def _as_jpeg(encoded: str) -> str | None:
    """Return a PNG (base64) as a JPEG data URI; None when it cannot be read.

    The report's pictures are drawn on white, so their alpha channel is dropped as it is.
    """
    try:
        with Image.open(io.BytesIO(base64.b64decode(encoded))) as image:
            flat = image.convert("RGB")
    except (OSError, ValueError):
        return None
    out = io.BytesIO()
    flat.save(out, "JPEG", quality=90)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")


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

