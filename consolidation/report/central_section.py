"""The report's section on central schools and their teaching points (``[teaching_points] parents``).

One row per parent school: its teaching points (nearest first, with the teachers' one-way minutes and the
pupils there) and its posts and teachers counted with its points. Every fixed string comes from
:mod:`consolidation.i18n`; names from the data are escaped by the template.
"""

from __future__ import annotations

import pandas as pd

from .. import i18n
from ..central import central_table
from ..i18n import fmt_int, fmt_minutes, fmt_pupils


def central_context(schools: pd.DataFrame, summary: dict, lang: str) -> dict:
    """Return the template values of the section (``point_rows`` empty: no section).

    The section shows when the plan's school table has ``parent_id`` and the summary ``points_attached``
    (a run with ``[teaching_points] parents``).
    """
    if "parent_id" not in schools.columns or summary.get("points_attached") is None:
        return {"point_rows": [], "point_caption": "", "points_shown": False, "point_cards": []}
    t = lambda key, **fmt: i18n.text(key, lang, **fmt)  # noqa: E731
    rows = []
    for r in central_table(schools).itertuples():
        name = t("points.central", name=r.name) if r.central else r.name
        rows.append({"name": name, "id": r.school_id,
                     "points": [t("points.point", name=f"{n} ({sid})", minutes=fmt_minutes(m), pupils=fmt_pupils(p))
                                for sid, n, m, p in r.points],
                     "pupils": f"{fmt_pupils(r.pupils)} / {fmt_pupils(r.point_pupils)}",
                     "posts": fmt_int(r.posts), "teachers": fmt_int(r.teachers)})
    limit = summary.get("max_parent_minutes")
    caption = t("points.caption", minutes=f"{float(limit):g}" if limit is not None else "–")
    cards = [{"label": t("points.card"), "value": fmt_int(summary.get("points_attached")),
              "note": t("points.card_note", n=fmt_int(summary.get("parent_schools"))), "flag": False}]
    return {"point_rows": rows, "point_caption": caption, "points_shown": True, "point_cards": cards}
