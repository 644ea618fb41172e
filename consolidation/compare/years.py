"""Programmes of several years compared year by year: one row per plan and planned year, then each plan's totals.

Read from each programme run's ``years.csv`` (checked by :mod:`.runs`) and summary.json ``programme``
(checked by :mod:`.shapes`). Runs that are plans of one year are left out of this table and compared as
ever in the rest of the comparison. Pure functions of the runs already read; nothing here touches the disk.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import i18n
from .analysis import Comparison

COLUMNS = ["scenario", "year", "schools_open", "closures", "closed_schools", "pupils", "cost_public", "capital",
           "weight", "cost_public_discounted"]
"""The columns of the comparison's ``years.csv``: one row per compared programme and planned year.
``cost_public_discounted`` is the year's public cost times its weight (discount factor); the programme's
discounted total is their sum."""
SHOWN = (("schools_open", "int"), ("closures", "int"), ("pupils", "pupils"), ("cost_public", "yuan"),
         ("capital", "yuan"))


def programmes(cmp: Comparison) -> list:
    """Return the compared runs that are programmes, with their year table read."""
    return [r for r in cmp.runs if r.programme is not None and r.years is not None]


def year_table(cmp: Comparison) -> pd.DataFrame:
    """Return the year-by-year table of the compared programmes (:data:`COLUMNS`), empty when there are none."""
    parts = []
    for run in programmes(cmp):
        y = run.years
        weight = pd.to_numeric(y["weight"], errors="coerce") if "weight" in y else pd.Series(1.0, index=y.index)
        cost = pd.to_numeric(y["cost_public"], errors="coerce")
        parts.append(pd.DataFrame({
            "scenario": run.name, "year": pd.to_numeric(y["year"], errors="coerce").astype("Int64"),
            "schools_open": y["schools_open"], "closures": y["closures"],
            "closed_schools": y["closed_schools"] if "closed_schools" in y else "",
            "pupils": y["pupils"], "cost_public": cost, "capital": y["capital"], "weight": weight,
            "cost_public_discounted": weight * cost}))
    return pd.concat(parts, ignore_index=True)[COLUMNS] if parts else pd.DataFrame(columns=COLUMNS)


def _fmt(value: Any, kind: str, lang: str) -> str:
    if kind == "yuan":
        return i18n.fmt_yuan(value, lang)
    return i18n.fmt_pupils(value, lang) if kind == "pupils" else i18n.fmt_int(value, lang)


def year_rows(cmp: Comparison) -> dict[str, Any]:
    """Return what the page and the PDF show of the year-by-year comparison.

    Returns
    -------
    dict
        ``header`` (column titles), ``rows`` (each with ``name``, ``color``, ``cells`` and ``total``: a plan's
        row of totals, public cost discounted, capital summed), ``single`` (a note naming the runs that are plans
        of one year, empty when none). ``rows`` is empty when no run is a programme.
    """
    t, lang = cmp.t, cmp.lang
    header = [t("cmp.years_th.plan"), t("cmp.years_th.year")] + [t(f"cmp.years_th.{c}") for c, _ in SHOWN]
    rows: list[dict[str, Any]] = []
    for run in programmes(cmp):
        for _, r in run.years.iterrows():
            year = "–" if i18n.missing(r.get("year")) else str(int(float(r["year"])))
            rows.append({"name": run.name, "color": run.color, "total": False,
                         "cells": [year] + [_fmt(r.get(c), kind, lang) for c, kind in SHOWN]})
        p = run.programme
        rows.append({"name": run.name, "color": run.color, "total": True,
                     "cells": [t("cmp.years_total"), "", "", "", _fmt(p.get("cost_public_discounted"), "yuan", lang),
                               _fmt(p.get("capital_total"), "yuan", lang)]})
    single = [r.name for r in cmp.runs if r.programme is None]
    note = t("cmp.years_single", runs=i18n.join_names(single, lang)) if rows and single else ""
    return {"header": header, "rows": rows, "single": note}
