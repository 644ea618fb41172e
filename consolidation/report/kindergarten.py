"""The Kindergartens section of the run report: headline figures and the schools that teach the KG band.

Shown only when the run has the kindergarten band (``summary["kindergarten"]``); every string comes from
:mod:`consolidation.i18n`, in English and Chinese (幼儿园, 学前, 保育员).
"""

from __future__ import annotations

import pandas as pd

from .. import KG, i18n, pupils_column
from ..i18n import fmt_int, fmt_pupils
from ..i18n import missing as _missing


def _number(frame: pd.DataFrame, column: str) -> pd.Series:
    """Return a column as floats (0 where absent or blank)."""
    if column not in frame.columns:
        return pd.Series(0.0, index=frame.index)
    return pd.to_numeric(frame[column], errors="coerce").fillna(0.0)


def kindergarten_context(summary: dict, schools: pd.DataFrame, lang: str) -> dict:
    """Return the template values of the Kindergartens section (empty without ``kindergarten`` in the summary).

    Parameters
    ----------
    summary
        The run summary; its ``kindergarten`` block holds children, places added, classes, teachers, carers,
        kindergartens open and the class settings.
    schools
        The plan's school table: the open schools with kindergarten children or places are listed, largest first.
    lang
        ``en`` or ``zh``.

    Returns
    -------
    dict
        ``kg_cards`` (label, value, note, flag), ``kg_caption`` and ``kg_rows`` (one dict per school).
    """
    kg = summary.get("kindergarten")
    if not kg:
        return {"kg_cards": [], "kg_rows": [], "kg_caption": ""}
    t = lambda key, **fmt: i18n.text(key, lang, **fmt)  # noqa: E731
    cards = [{"label": t("kg.children"), "value": fmt_pupils(kg.get("children")), "note": "", "flag": False},
             {"label": t("kg.open"), "value": fmt_int(kg.get("kindergartens_open")), "note": "", "flag": False},
             {"label": t("kg.classes"), "value": fmt_int(kg.get("classes")), "note": "", "flag": False},
             {"label": t("kg.staff"), "value": f"{fmt_int(kg.get('teachers'))} / {fmt_int(kg.get('carers'))}",
              "note": "", "flag": False},
             {"label": t("kg.places_added"), "value": fmt_int(kg.get("places_added")), "note": "",
              "flag": not _missing(kg.get("places_added")) and float(kg["places_added"]) > 0}]
    s = pd.DataFrame(schools)
    children, places = _number(s, pupils_column(KG)), _number(s, "kg_places")
    shown = s[(_number(s, "open") > 0) & ((children > 0) | (places > 0))].assign(_children=children)
    rows = []
    for _, r in shown.sort_values(["_children", "school_id"], ascending=[False, True]).iterrows():
        kind = "kindergarten" if str(r.get("kind", "")) == "kindergarten" else "school"
        rows.append({"name": str(r["name"]), "id": str(r["school_id"]), "kind": t(f"kg.kind.{kind}"),
                     "children": fmt_pupils(r["_children"]), "places": fmt_int(r.get("kg_places")),
                     "added": fmt_int(r.get("kg_places_added")), "grows": float(r.get("kg_places_added") or 0) > 0,
                     "classes": fmt_int(r.get("kg_classes")), "teachers": fmt_int(r.get("kg_teacher_posts")),
                     "carers": fmt_int(r.get("kg_carer_posts"))})
    caption = t("kg.caption", size=fmt_int(kg.get("class_size")), teachers=f"{kg.get('teachers_per_class', 0):g}",
                carers=f"{kg.get('carers_per_class', 0):g}")
    return {"kg_cards": cards, "kg_rows": rows, "kg_caption": caption}
