"""The comparison as an A4 landscape PDF, laid out with :mod:`.layout` (no browser needed).

:func:`write_pdf` lays the sections out in the order of the HTML page, one step per section: the
plans, the headline numbers, the maps, the travel times, the decisions and the settings that differ.
"""

from __future__ import annotations

from pathlib import Path

from .. import __version__, i18n
from ..report.html import description, status_text
from . import figures
from .analysis import Comparison
from .content import data_note, left_out, unsolved
from .layout import MUTED, Cell, Flow, Row, text_width
from .shapes import HAS_PLAN

TONE_COLORS = {"worse": "#b42318", "better": "#1e7b34", "neutral": "#616e7c", "": MUTED}
INK_OK = "#1e7b34"
HEADLINE_SIZE = 7.8


def write_pdf(cmp: Comparison, content: dict, path: Path) -> None:
    """Write the comparison as an A4 landscape PDF: tables, maps, travel charts, decisions and settings.

    Programmes of several years are also compared year by year, before the headline numbers.

    Parameters
    ----------
    cmp : Comparison
        The runs compared.
    content : dict
        What :func:`.content.gather` computed for them.
    path : pathlib.Path
        The PDF to write.
    """
    flow = _start(cmp, content["family"])
    _plans(flow, cmp)
    _years(flow, cmp, content)
    _headline(flow, cmp, content)
    _maps(flow, cmp, content)
    _travel(flow, cmp, content)
    _decisions(flow, cmp, content)
    _settings(flow, cmp, content)
    flow.save(path)


def _start(cmp: Comparison, family: list[str]) -> Flow:
    """Open the document: running header and footer, the title, and a warning when the input data differ."""
    t = cmp.t
    flow = Flow(family=family, header=t("cmp.title", n=len(cmp.runs)) + " · " + " | ".join(r.name for r in cmp.runs),
                page_label=lambda i, n: t("cmp.page", i=i, n=n),
                footer=f"consolidation {__version__}")
    flow.title(t("cmp.title", n=len(cmp.runs)), t("cmp.intro", ref=cmp.ref.name))
    if cmp.differences:
        flow.paragraph(data_note(cmp), color=TONE_COLORS["worse"], bold=True)
    return flow


def _run_name(cmp: Comparison, i: int) -> str:
    """Name run ``i``, marking the reference."""
    return cmp.runs[i].name + (f" ({cmp.t('cmp.reference')})" if i == 0 else "")


def _plans(flow: Flow, cmp: Comparison) -> None:
    """Lay out the table of plans (result, description, folder) and the reasons of the runs without a plan."""
    t = cmp.t
    flow.heading(t("cmp.plans"), keep=0.8)
    flow.table([2.2, 2.2, 4.4, 3.0],
               [Cell(t("cmp.th_plan")), Cell(t("cmp.th_result")), Cell(t("cmp.th_about")), Cell(t("cmp.th_folder"))],
               [Row([Cell(_run_name(cmp, i), bold=True, color=r.color),
                     Cell(status_text(r.status, r.summary.get("gap"), cmp.lang),
                          color=INK_OK if r.status in HAS_PLAN else TONE_COLORS["worse"]),
                     Cell(description(r.summary, cmp.lang)), Cell(str(r.path), color=MUTED)])
                for i, r in enumerate(cmp.runs)], size=8)
    without = unsolved(cmp)
    if without:
        flow.heading(t("cmp.unsolved"), keep=0.5)
        for u in without:
            flow.paragraph(t("cmp.unsolved_item", name=u["name"], status=u["status"]), bold=True)
            flow.bullets(u["reasons"], size=8.5)


def _diff_reserve(headline: list[dict], family: list[str]) -> float:
    """Measure the widest difference (``▲ +120``) in inches, kept free in every value cell so values line up."""
    return max([text_width(f"{c['arrow']} {c['diff']}  ", HEADLINE_SIZE * 0.92, family) / 72
                for row in headline if row["kind"] == "metric" for c in row["cells"] if c["diff"]]
               or [0.0])


def _headline_row(row: dict, reserve: float) -> Row:
    """Turn one row of :func:`.analysis.headline_rows` into a table row, differences in their tone's colour."""
    if row["kind"] == "group":
        return Row([Cell(row["label"])], group=True)
    cells = [Cell(row["label"], bold=row["total"])]
    for c in row["cells"]:
        diff = f"{c['arrow']} {c['diff']}" if c["diff"] else ""
        cells.append(Cell(c["value"], align="right", bold=row["total"], reserve=reserve if cells[1:] else 0.0,
                          color=TONE_COLORS["worse"] if c["tone"] == "worse" and not c["diff"] else "#1f2933",
                          diff=diff, diff_color=TONE_COLORS[c["tone"]]))
    return Row(cells, rule=row["total"])


def _headline(flow: Flow, cmp: Comparison, content: dict) -> None:
    """Lay out the headline numbers, one column per run, continued on the next page when long."""
    t = cmp.t
    flow.heading(t("cmp.headline"), keep=2.0)
    flow.paragraph(t("cmp.diff_legend", ref=cmp.ref.name), size=8, color=MUTED)
    n = len(cmp.runs)
    widths = [3.3] + [max(2.0, 8.4 / n)] * n
    header = [Cell(t("cmp.th_measure"))] + [Cell(_run_name(cmp, i), color=r.color, align="right")
                                            for i, r in enumerate(cmp.runs)]
    reserve = _diff_reserve(content["headline"], content["family"])
    rows = [_headline_row(row, reserve) for row in content["headline"]]
    flow.table(widths, header, rows, size=HEADLINE_SIZE, row_pad=0.055,
               continued=t("cmp.continued", title=t("cmp.headline")))


def _years(flow: Flow, cmp: Comparison, content: dict) -> None:
    """Lay out the programmes year by year (nothing when no run is a programme)."""
    years = content["years"]
    if not years["rows"]:
        return
    t = cmp.t
    flow.heading(t("cmp.years"), keep=1.5)
    flow.paragraph(t("cmp.years_caption"), size=8, color=MUTED)
    header = [Cell(h, align="left" if i < 2 else "right") for i, h in enumerate(years["header"])]
    rows = [Row([Cell(r["name"], bold=True, color=r["color"])]
                + [Cell(c, align="left" if i == 0 else "right", bold=r["total"]) for i, c in enumerate(r["cells"])],
                rule=r["total"]) for r in years["rows"]]
    flow.table([2.6, 1.4, 1.3, 1.3, 1.3, 1.8, 1.6], header, rows, size=8,
               continued=t("cmp.continued", title=t("cmp.years")))
    if years["single"]:
        flow.paragraph(years["single"], size=8, color=MUTED)


def _maps(flow: Flow, cmp: Comparison, content: dict) -> None:
    """Lay out the plans' maps on a new page, at one extent and scale, as large as the page allows."""
    t = cmp.t
    extent = content["extent"]
    flow.new_page()
    flow.heading(t("cmp.maps"), keep=5)
    if extent is None:
        flow.paragraph(t("map.no_map"))
        return
    height = min(flow.room() - 0.5, figures.maps_height(flow.width, len(cmp.runs), extent["aspect"]))
    flow.figure(height, lambda fig, rect: figures.draw_maps(
        fig, rect, content["panels"], bounds=extent["bounds"], aspect=extent["aspect"], pmax=extent["pmax"],
        lang=cmp.lang, family=content["family"], ref_name=cmp.ref.name))
    flow.paragraph(t("cmp.maps_caption", ref=cmp.ref.name), size=8, color=MUTED)


def _travel(flow: Flow, cmp: Comparison, content: dict) -> None:
    """Lay out the travel-time distributions on a new page (only the heading when no run has travel times)."""
    t = cmp.t
    if not content["travel"]:
        flow.heading(t("cmp.travel"))
        return
    flow.new_page()
    flow.heading(t("cmp.travel"), keep=4)
    flow.figure(4.4, lambda fig, rect: figures.draw_travel(fig, rect, cmp.runs, lang=cmp.lang,
                                                           family=content["family"]))
    flow.paragraph(t("cmp.travel_caption"), size=8.5, color=MUTED)


def _decisions(flow: Flow, cmp: Comparison, content: dict) -> None:
    """Lay out the decisions that differ, and which runs are left out for want of a plan."""
    t = cmp.t
    flow.heading(t("cmp.decisions"))
    items = content["decisions"]
    if items:
        flow.paragraph(t("cmp.decisions_caption"), size=8.5, color=MUTED)
        flow.bullets(items, size=8.5)
    else:
        flow.paragraph(t("cmp.decisions_none"))
    missing = left_out(cmp)
    if missing:
        flow.paragraph(missing, size=8.5, color=MUTED)


def _with_gloss(line: str, lang: str) -> str:
    """Follow ``key: old -> new`` with the key in plain words, when it has some."""
    gloss = i18n.setting_label(line.split(":")[0], lang)
    return f"{line}  ({gloss})" if gloss and lang != "zh" else f"{line}（{gloss}）" if gloss else line


def _settings(flow: Flow, cmp: Comparison, content: dict) -> None:
    """Lay out, for each run after the reference, the scenario settings that differ from the reference's."""
    t = cmp.t
    flow.heading(t("cmp.settings"))
    flow.paragraph(t("cmp.settings_caption", ref=cmp.ref.name), size=8.5, color=MUTED)
    for item in content["settings"]:
        flow.paragraph(t("cmp.settings_for", name=item["name"], ref=cmp.ref.name), bold=True)
        if item["unknown"]:
            flow.paragraph("–", size=8.5)
        elif item["items"]:
            flow.bullets([_with_gloss(s, cmp.lang) for s in item["items"]], size=8.5)
        else:
            flow.paragraph(t("cmp.settings_none", ref=cmp.ref.name), size=8.5, color=MUTED)
