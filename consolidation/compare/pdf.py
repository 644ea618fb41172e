"""The comparison as an A4 landscape PDF, laid out with :mod:`.layout` (no browser needed)."""

from __future__ import annotations

from pathlib import Path

from .. import __version__, i18n
from ..report.html import status_text
from . import figures
from .analysis import Comparison
from .content import _data_note, _left_out, _unsolved
from .layout import MUTED, Cell, Flow, Row, text_width
from .shapes import HAS_PLAN

TONE_COLORS = {"worse": "#b42318", "better": "#1e7b34", "neutral": "#616e7c", "": MUTED}
INK_OK = "#1e7b34"


def _with_gloss(line: str, lang: str) -> str:
    """``key: old -> new`` followed by the key in plain words, when it has some."""
    gloss = i18n.setting_label(line.split(":")[0], lang)
    return f"{line}  ({gloss})" if gloss and lang != "zh" else f"{line}（{gloss}）" if gloss else line


def write_pdf(cmp: Comparison, content: dict, path: Path) -> None:
    """The comparison as an A4 landscape PDF: tables, maps, travel charts, decisions and settings."""
    lang = cmp.lang
    family = content["family"]
    t = cmp.t
    flow = Flow(family=family, header=t("cmp.title", n=len(cmp.runs)) + " · " + " | ".join(r.name for r in cmp.runs),
                page_label=lambda i, n: t("cmp.page", i=i, n=n),
                footer=f"consolidation {__version__}")
    flow.title(t("cmp.title", n=len(cmp.runs)), t("cmp.intro", ref=cmp.ref.name))
    if cmp.differences:
        flow.paragraph(_data_note(cmp), color=TONE_COLORS["worse"], bold=True)

    flow.heading(t("cmp.plans"), keep=0.8)
    flow.table([2.2, 2.2, 4.4, 3.0],
               [Cell(t("cmp.th_plan")), Cell(t("cmp.th_result")), Cell(t("cmp.th_about")), Cell(t("cmp.th_folder"))],
               [Row([Cell(r.name + (f" ({t('cmp.reference')})" if i == 0 else ""), bold=True, color=r.color),
                     Cell(status_text(r.status, r.summary.get("gap"), lang),
                          color=INK_OK if r.status in HAS_PLAN else TONE_COLORS["worse"]),
                     Cell(str(r.summary.get("description") or "")), Cell(str(r.path), color=MUTED)])
                for i, r in enumerate(cmp.runs)], size=8)
    unsolved = _unsolved(cmp)
    if unsolved:
        flow.heading(t("cmp.unsolved"), keep=0.5)
        for u in unsolved:
            flow.paragraph(t("cmp.unsolved_item", name=u["name"], status=u["status"]), bold=True)
            flow.bullets(u["reasons"], size=8.5)

    flow.heading(t("cmp.headline"), keep=2.0)
    flow.paragraph(t("cmp.diff_legend", ref=cmp.ref.name), size=8, color=MUTED)
    n = len(cmp.runs)
    widths = [3.3] + [max(2.0, 8.4 / n)] * n
    header = [Cell(t("cmp.th_measure"))] + [
        Cell(r.name + (f" ({t('cmp.reference')})" if i == 0 else ""), color=r.color, align="right")
        for i, r in enumerate(cmp.runs)]
    reserve = max([text_width(f"{c['arrow']} {c['diff']}  ", 7.8 * 0.92, family) / 72
                   for row in content["headline"] if row["kind"] == "metric" for c in row["cells"] if c["diff"]]
                  or [0.0])
    rows = []
    for row in content["headline"]:
        if row["kind"] == "group":
            rows.append(Row([Cell(row["label"])], group=True))
            continue
        cells = [Cell(row["label"], bold=row["total"])]
        for c in row["cells"]:
            diff = f"{c['arrow']} {c['diff']}" if c["diff"] else ""
            cells.append(Cell(c["value"], align="right", bold=row["total"], reserve=reserve if cells[1:] else 0.0,
                              color=TONE_COLORS["worse"] if c["tone"] == "worse" and not c["diff"] else "#1f2933",
                              diff=diff, diff_color=TONE_COLORS[c["tone"]]))
        rows.append(Row(cells, rule=row["total"]))
    flow.table(widths, header, rows, size=7.8, row_pad=0.055,
               continued=t("cmp.continued", title=t("cmp.headline")))

    extent = content["extent"]
    flow.new_page()
    flow.heading(t("cmp.maps"), keep=5)
    caption = t("cmp.maps_caption", ref=cmp.ref.name)
    if extent is not None:
        height = min(flow.room() - 0.5, figures.maps_height(flow.width, len(cmp.runs), extent["aspect"]))
        flow.figure(height, lambda fig, rect: figures.draw_maps(
            fig, rect, content["panels"], bounds=extent["bounds"], aspect=extent["aspect"], pmax=extent["pmax"],
            lang=lang, family=family, ref_name=cmp.ref.name))
        flow.paragraph(caption, size=8, color=MUTED)
    else:
        flow.paragraph(t("map.no_map"))

    if content["travel"]:
        flow.new_page()
        flow.heading(t("cmp.travel"), keep=4)
        flow.figure(4.4, lambda fig, rect: figures.draw_travel(fig, rect, cmp.runs, lang=lang, family=family))
        flow.paragraph(t("cmp.travel_caption"), size=8.5, color=MUTED)
    else:
        flow.heading(t("cmp.travel"))

    flow.heading(t("cmp.decisions"))
    items = content["decisions"]
    if items:
        flow.paragraph(t("cmp.decisions_caption"), size=8.5, color=MUTED)
        flow.bullets(items, size=8.5)
    else:
        flow.paragraph(t("cmp.decisions_none"))
    if _left_out(cmp):
        flow.paragraph(_left_out(cmp), size=8.5, color=MUTED)

    flow.heading(t("cmp.settings"))
    flow.paragraph(t("cmp.settings_caption", ref=cmp.ref.name), size=8.5, color=MUTED)
    for item in content["settings"]:
        flow.paragraph(t("cmp.settings_for", name=item["name"], ref=cmp.ref.name), bold=True)
        if item["unknown"]:
            flow.paragraph("–", size=8.5)
        elif item["items"]:
            flow.bullets([_with_gloss(s, lang) for s in item["items"]], size=8.5)
        else:
            flow.paragraph(t("cmp.settings_none", ref=cmp.ref.name), size=8.5, color=MUTED)
    flow.save(path)
