"""The outputs of a programme of several years: its tables, its charts and its section of the report.

A programme run folder holds, besides the last year's plan (``map.png``, ``plan.gpkg``): ``years.csv`` (the
year table), ``capital.csv`` (one-off yuan by the calendar year paid), ``assignments.csv`` and ``schools.csv``
with a ``year`` column first (one block per planned year), ``map_first.png`` (the first year's map),
``timeline.png`` (when each school closes or gets places or beds) and ``projection.png`` (pupils by grade band
and year). Every label comes from :mod:`consolidation.i18n`; school names are drawn in a font that has their
glyphs (:func:`consolidation.report._mapkit.font_family`).

The programme is read through its attributes only (``years``, ``plans``, ``table``, ``capital``, ``summary``,
see :class:`consolidation.programme.Programme`); nothing here solves or imports the solver.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .. import BANDS, i18n, pupils_column
from ..i18n import fmt_int, fmt_pupils, fmt_share, fmt_yuan
from . import _mapkit as kit
from .tables import write_csv

log = logging.getLogger("consolidation")

DPI = 150
BAND_COLORS = {"G1_3": "#8fbcd9", "G4_6": "#2f75b5", "G7_9": "#1f3f66"}
CLOSE_COLOR, BUILD_COLOR, PAID_COLOR, OPEN_COLOR = "#b42318", "#1e7b34", "#7aa889", "#2f5f8a"
MAX_ROWS = 60
"""At most this many schools on the timeline (the earliest changes); the caption says how many are left out."""


# ------------------------------------------------------------------------------------------------- data


def _names(programme: Any) -> dict[str, str]:
    """Map each school id to its name (the last year's table, then earlier years')."""
    names: dict[str, str] = {}
    for plan in programme.plans:
        s = plan.schools
        if "name" in s:
            names.update({str(i): str(n) for i, n in zip(s["school_id"], s["name"])
                          if str(n) and str(n) != "nan" and str(i) not in names})
    return names


def changes(programme: Any) -> pd.DataFrame:
    """Return one row per school and change: ``school_id``, ``year``, ``kind``, ``places``, ``beds``, ``paid``.

    ``kind`` is ``close`` (the school closes that planned year) or ``build`` (places or beds built for use from
    that year, paid ``lead_years`` earlier, in ``paid``). Rows are sorted by year, closures first.
    """
    from ..programme import built_by_year

    lead = int(programme.summary.get("lead_years") or 0)
    rows: list[dict[str, Any]] = []
    for year, ids in (programme.summary.get("closures") or {}).items():
        rows += [{"school_id": str(s), "year": int(year), "kind": "close", "places": 0.0, "beds": 0.0,
                  "paid": int(year)} for s in ids]
    for year, built in built_by_year(tuple(programme.years), tuple(programme.plans)).items():
        places, beds = built["places_added"], built["beds_added"]
        for sid in sorted(set(places.index[places > 0.5]) | set(beds.index[beds > 0.5]), key=str):
            rows.append({"school_id": str(sid), "year": int(year), "kind": "build",
                         "places": float(places.get(sid, 0.0)), "beds": float(beds.get(sid, 0.0)),
                         "paid": int(year) - lead})
    out = pd.DataFrame(rows, columns=["school_id", "year", "kind", "places", "beds", "paid"])
    return out.sort_values(["year", "kind", "school_id"], ascending=[True, False, True], kind="stable",
                           ignore_index=True)


def _school_order(found: pd.DataFrame, names: dict[str, str]) -> list[str]:
    """School ids of the timeline, by year of their first change, then name."""
    first = found.groupby("school_id")["year"].min()
    return sorted(first.index, key=lambda s: (int(first[s]), names.get(s, s), s))


# ----------------------------------------------------------------------------------------------- charts


def _texts(lang: str, *extra: str) -> list[str]:
    """Every fixed label of the programme charts in ``lang``, and ``extra``: to choose a font that draws them."""
    keys = [k for k in i18n.EN if k.startswith("prog.chart.")]
    return [i18n.text(k, lang) for k in keys] + [str(x) for x in extra]


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def draw_timeline(programme: Any, path: Path, *, title: str, lang: str = "en") -> int:
    """Draw ``timeline.png``: one row per school that closes or gets places or beds built, years across.

    A red cross marks the year a school closes (a grey line follows while it stays closed), a green triangle
    the year new places or beds are usable (with how many), joined by a thin line to the year they are paid.

    Parameters
    ----------
    programme : consolidation.programme.Programme
        The verified programme.
    path : pathlib.Path
        The PNG to write (1800 px wide at 150 dpi).
    title : str
        The chart's title (e.g. the scenario's name); a fixed title when the fonts cannot draw it.
    lang : str, default "en"
        ``zh`` for Chinese labels.

    Returns
    -------
    int
        How many schools the chart shows.
    """
    lang = i18n.norm_lang(lang)
    t = lambda key, **fmt: i18n.text(key, lang, **fmt)  # noqa: E731
    names = _names(programme)
    found = changes(programme)
    order = _school_order(found, names)
    shown = order[:MAX_ROWS]
    labels = [f"{names[s]} ({s})" if s in names else s for s in shown]
    family = kit.font_family(_texts(lang, title, *labels))
    if not kit.renderable(title, family):
        title = t("prog.chart.timeline")
    years = list(programme.years)
    x_min = min([years[0], *found["paid"].tolist()]) - 0.5
    x_max = years[-1] + 0.5
    height = 1.7 + 0.32 * max(len(shown), 2)
    fig = _figure(12.0, height)
    ax = fig.add_axes((0.3, 0.75 / height, 0.66, 1 - 1.7 / height))
    fig.suptitle(kit.mpl_text(t("prog.chart.title", name=title, what=t("prog.chart.timeline"))),
                 y=1 - 0.2 / height, fontsize=13, fontweight="bold", fontfamily=family)
    if not shown:
        ax.text(0.5, 0.5, t("prog.chart.no_changes"), ha="center", va="center", transform=ax.transAxes,
                fontfamily=family, fontsize=11, color="#616e7c")
    for row, sid in enumerate(shown):
        _timeline_row(ax, row, found[found["school_id"] == sid], x_max, family, lang)
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(max(len(shown), 1) - 0.5, -0.5)
    ax.set_yticks(range(len(shown)), [kit.mpl_text(s) for s in labels], fontfamily=family, fontsize=9)
    ticks = list(range(int(np.ceil(x_min)), years[-1] + 1))
    ax.set_xticks(ticks, [str(y) for y in ticks], fontfamily=family, fontsize=9)
    for y in years:
        ax.axvline(y, color="#e3e7eb", lw=0.8, zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel(t("prog.chart.year"), fontfamily=family, fontsize=10)
    handles = [Line2D([], [], marker="X", color=CLOSE_COLOR, ls="", ms=9, label=t("prog.chart.closes")),
               Line2D([], [], color="#b8bec4", lw=3, label=t("prog.chart.closed")),
               Line2D([], [], marker="^", color=BUILD_COLOR, ls="", ms=9, label=t("prog.chart.built")),
               Line2D([], [], marker="o", color=PAID_COLOR, mfc="white", ls="-", lw=1, ms=6,
                      label=t("prog.chart.paid"))]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=4, frameon=False,
              prop={"family": family, "size": 9}, borderaxespad=0.2)
    fig.savefig(path, dpi=DPI, facecolor="white")
    if len(order) > len(shown):
        log.info("timeline shows the first %d of %d schools that change", len(shown), len(order))
    return len(shown)


def _timeline_row(ax, row: int, events: pd.DataFrame, x_max: float, family: list[str], lang: str) -> None:
    """Draw one school's closure and building on row ``row``."""
    for e in events.itertuples():
        if e.kind == "close":
            ax.plot([e.year, x_max], [row, row], color="#b8bec4", lw=3, solid_capstyle="butt", zorder=1)
            ax.plot([e.year], [row], marker="X", color=CLOSE_COLOR, ms=10, ls="", zorder=3)
            continue
        if e.paid < e.year:
            ax.plot([e.paid, e.year], [row, row], color=PAID_COLOR, lw=1.2, zorder=2)
            ax.plot([e.paid], [row], marker="o", mfc="white", color=PAID_COLOR, ms=6, ls="", zorder=3)
        ax.plot([e.year], [row], marker="^", color=BUILD_COLOR, ms=10, ls="", zorder=3)
        what = ", ".join(p for p in (i18n.text("prog.chart.places", lang, n=fmt_int(e.places)) if e.places > 0.5
                                     else "", i18n.text("prog.chart.beds", lang, n=fmt_int(e.beds))
                                     if e.beds > 0.5 else "") if p)
        ax.annotate(what, (e.year, row), xytext=(8, 0), textcoords="offset points", va="center", fontsize=8,
                    color=BUILD_COLOR, fontfamily=family, zorder=4)


def draw_projection(table: pd.DataFrame, path: Path, *, title: str, lang: str = "en") -> None:
    """Draw ``projection.png``: pupils by grade band and planned year, as stacked bars with the total on top.

    Parameters
    ----------
    table : pandas.DataFrame
        The year table (``year`` and the pupils columns of each band, e.g. ``pupils_g1_3``).
    path : pathlib.Path
        The PNG to write.
    title : str
        The chart's title (e.g. the scenario's name).
    lang : str, default "en"
        ``zh`` for Chinese labels.
    """
    lang = i18n.norm_lang(lang)
    t = lambda key, **fmt: i18n.text(key, lang, **fmt)  # noqa: E731
    bands = [i18n.text(f"band.{b}", lang) for b in BANDS]
    family = kit.font_family(_texts(lang, title, *bands))
    if not kit.renderable(title, family):
        title = t("prog.chart.projection")
    fig = _figure(12.0, 4.2)
    ax = fig.add_axes((0.07, 0.14, 0.72, 0.72))
    fig.suptitle(kit.mpl_text(t("prog.chart.title", name=title, what=t("prog.chart.projection"))), y=0.97, fontsize=13,
                 fontweight="bold", fontfamily=family)
    years = table["year"].astype(int).to_numpy()
    bottom = np.zeros(len(years))
    for band, name in zip(BANDS, bands):
        values = pd.to_numeric(table.get(pupils_column(band), 0.0), errors="coerce").fillna(0.0).to_numpy(float)
        ax.bar(years, values, bottom=bottom, width=0.6, color=BAND_COLORS[band], label=name, zorder=2)
        bottom = bottom + values
    for x, total in zip(years, bottom):
        ax.annotate(f"{total:,.0f}", (x, total), xytext=(0, 3), textcoords="offset points", ha="center",
                    fontsize=9, fontweight="bold", fontfamily=family)
    ax.set_xticks(years, [str(y) for y in years], fontfamily=family)
    ax.set_ylim(0, max(float(bottom.max()) if len(bottom) else 1.0, 1.0) * 1.12)
    ax.set_ylabel(t("prog.chart.pupils"), fontfamily=family)
    ax.set_xlabel(t("prog.chart.year"), fontfamily=family)
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:,.0f}")
    ax.grid(axis="y", color="#e3e7eb", zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles, names = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], names[::-1], loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False,
              prop={"family": family, "size": 9.5})
    fig.savefig(path, dpi=DPI, facecolor="white")


# ------------------------------------------------------------------------------------------------ files


def write_tables(folder: Path, programme: Any) -> None:
    """Write the programme's tables: assignments.csv and schools.csv by year, years.csv and capital.csv."""
    from ..programme import tidy_by_year

    years = tuple(programme.years)
    write_csv(tidy_by_year([p.assignments for p in programme.plans], years), folder / "assignments.csv",
              float_format="%.6g")
    write_csv(tidy_by_year([p.schools.drop(columns="geometry", errors="ignore") for p in programme.plans], years),
              folder / "schools.csv", float_format="%.6g")
    write_csv(programme.table, folder / "years.csv", float_format="%.6g")
    write_csv(programme.capital, folder / "capital.csv", float_format="%.6g")


def write_charts(folder: Path, programme: Any, *, title: str, lang: str) -> dict[str, bytes]:
    """Write timeline.png and projection.png; return their bytes by name (``timeline``, ``projection``)."""
    draw_timeline(programme, folder / "timeline.png", title=title, lang=lang)
    draw_projection(programme.table, folder / "projection.png", title=title, lang=lang)
    return {"timeline": (folder / "timeline.png").read_bytes(), "projection": (folder / "projection.png").read_bytes()}


# ------------------------------------------------------------------------------------------------ report


def _label(sid: str, names: dict[str, str]) -> str:
    name = names.get(sid)
    return f"{name} ({sid})" if name else sid


def _closure_text(summary: dict, names: dict[str, str], lang: str) -> str:
    """Closures by year as a sentence, or that no school closes."""
    t = lambda key, **fmt: i18n.text(key, lang, **fmt)  # noqa: E731
    parts = [t("prog.closures_year", year=int(y), n=len(ids),
               names=i18n.join_names([_label(str(s), names) for s in ids], lang))
             for y, ids in (summary.get("closures") or {}).items() if ids]
    return t("prog.closures", items=t("prog.item_sep").join(parts)) if parts else t("prog.no_closures")


def _building_text(found: pd.DataFrame, names: dict[str, str], lang: str) -> str:
    """Places and beds built, where and when, as a sentence, or that nothing is built."""
    t = lambda key, **fmt: i18n.text(key, lang, **fmt)  # noqa: E731
    built = found[found["kind"] == "build"]
    if built.empty:
        return t("prog.no_building")
    parts = []
    for e in built.itertuples():
        what = i18n.join_names([x for x in (t("prog.places", n=fmt_int(e.places)) if e.places > 0.5 else "",
                                            t("prog.beds", n=fmt_int(e.beds)) if e.beds > 0.5 else "") if x], lang)
        parts.append(t("prog.build_item", what=what, school=_label(e.school_id, names), year=e.year, paid=e.paid))
    return t("prog.building", items=t("prog.item_sep").join(parts))


def _capital_text(capital: pd.DataFrame, lang: str) -> str:
    """One-off capital by calendar year paid, as a sentence."""
    t = lambda key, **fmt: i18n.text(key, lang, **fmt)  # noqa: E731
    paid = [(int(y), float(v)) for y, v in zip(capital["year"], capital["total"]) if float(v) > 0.5]
    if not paid:
        return t("prog.no_capital")
    items = t("prog.item_sep").join(t("prog.capital_item", year=y, yuan=fmt_yuan(v, lang)) for y, v in paid)
    return t("prog.capital", items=items, total=fmt_yuan(sum(v for _, v in paid), lang))


def _sentences(programme: Any, found: pd.DataFrame, names: dict[str, str], lang: str) -> list[str]:
    """Say what the programme does, a sentence each: years and schools, closures, building, capital, cost."""
    t = lambda key, **fmt: i18n.text(key, lang, **fmt)  # noqa: E731
    s = programme.summary
    years = list(programme.years)
    return [
        t("prog.intro", n=len(years), first=years[0], last=years[-1], open_first=fmt_int(s.get("schools_open_first")),
          open_last=fmt_int(s.get("schools_open_last")), pupils_first=fmt_pupils(s.get("pupils_first")),
          pupils_last=fmt_pupils(s.get("pupils_last"))),
        _closure_text(s, names, lang),
        _building_text(found, names, lang),
        _capital_text(programme.capital, lang),
        t("prog.discounted", cost=fmt_yuan(s.get("cost_public_discounted"), lang),
          rate=fmt_share(s.get("discount_rate")), lead=fmt_int(s.get("lead_years"))),
    ]


YEAR_TABLE = (("year", "int"), ("schools_open", "int"), ("closures", "int"), ("hubs", "int"),
              ("teaching_points", "int"), *[(pupils_column(b), "pupils") for b in BANDS], ("pupils", "pupils"),
              ("pupils_moved", "pupils"), ("boarders", "pupils"), ("places_built", "int"), ("beds_built", "int"),
              ("buses_bought", "int"), ("teachers_needed", "int"), ("cost_public", "yuan"), ("capital", "yuan"))
"""The columns of years.csv the report shows, and how each is formatted."""


def year_rows(table: pd.DataFrame, lang: str) -> tuple[list[str], list[list[str]]]:
    """Return the report's year table: its header and one row of formatted cells per planned year."""
    header = [i18n.text(f"prog.th.{c}", lang) for c, _ in YEAR_TABLE]
    fmt = {"int": fmt_int, "pupils": fmt_pupils, "yuan": lambda v: fmt_yuan(v, lang)}
    rows = [[str(int(r["year"])) if c == "year" else fmt[kind](r.get(c)) for c, kind in YEAR_TABLE]
            for _, r in table.iterrows()]
    return header, rows


def programme_context(programme: Any, images: dict[str, bytes], lang: str) -> dict[str, Any]:
    """Return the template values of the report's Programme section.

    Parameters
    ----------
    programme : consolidation.programme.Programme
        The verified programme.
    images : dict of str to bytes
        PNG bytes of ``timeline``, ``projection``, ``map_first`` and ``map_last`` (any may be absent).
    lang : str
        ``zh`` or ``en``.

    Returns
    -------
    dict
        ``sentences`` (plain text, escaped by the template), ``header`` and ``rows`` of the year table, the
        images as data URIs, and the first and last years.
    """
    from .html import data_uri

    lang = i18n.norm_lang(lang)
    names = _names(programme)
    found = changes(programme)
    header, rows = year_rows(programme.table, lang)
    years = list(programme.years)
    return {"first": years[0], "last": years[-1], "sentences": _sentences(programme, found, names, lang),
            "header": header, "rows": rows, "n_numeric": len(header),
            **{f"{k}_uri": data_uri(images[k]) if images.get(k) else None
               for k in ("timeline", "projection", "map_first", "map_last")}}
