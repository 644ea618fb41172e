"""Schools as institutions (一校多区): each school with campuses as one school, its totals over its sites.

A campus (``role = campus``, ``parent_id`` its main school) is an open school of its own in ``schools.csv``;
here the main school and its campuses are added up into one row per institution: the table ``campuses.csv``
of a run folder and the "One school, several campuses" section of the report.
"""

from __future__ import annotations

import pandas as pd

from .. import BANDS, i18n, pupils_column
from ..i18n import fmt_int, fmt_minutes, fmt_pupils
from ..io import whole_classes
from ..scenario import Teachers

INSTITUTION_COLUMNS = ["school_id", "name", "campus_ids", "sites", "pupils", "classes", "posts", "posts_shared",
                       "life_teachers", "max_minutes"]
"""Columns of :func:`institutions` (``campuses.csv``): the main school's ID and name, its campuses' IDs
(``;``-separated), its sites (main + campuses), and over all sites: pupils, whole classes, staff posts (the
campuses' already less their shared posts), posts shared, life teachers, and the farthest campus's minutes."""


def institutions(schools: pd.DataFrame, teachers: Teachers) -> pd.DataFrame:
    """Return one row per school that has campuses, its totals over the main site and its campuses.

    ``schools`` is a plan's school table (``role``, ``parent_id``, pupils per band, and ``posts``,
    ``life_teachers``, ``posts_shared``, ``campus_minutes`` where present). Empty (with the columns) without
    campuses.
    """
    if "role" not in schools or "parent_id" not in schools or not (schools["role"] == "campus").any():
        return pd.DataFrame(columns=INSTITUTION_COLUMNS)
    s = schools.copy()
    s["school_id"] = s["school_id"].astype(str)
    s["_classes"] = sum(whole_classes(s[pupils_column(b)], b, teachers) for b in BANDS)
    campus = s[s["role"] == "campus"]
    rows = []
    for main_id, part in campus.groupby(campus["parent_id"].astype(str), sort=True):
        main = s[s["school_id"] == main_id]
        sites = pd.concat([main, part])
        total = _totals(sites)
        rows.append({
            "school_id": main_id, "name": str(main["name"].iloc[0]) if len(main) else main_id,
            "campus_ids": ";".join(part["school_id"].tolist()), "sites": len(sites),
            "pupils": total("pupils"), "classes": total("_classes"), "posts": total("posts"),
            "posts_shared": total("posts_shared"), "life_teachers": total("life_teachers"),
            "max_minutes": float(pd.to_numeric(part.get("campus_minutes"), errors="coerce").max())
            if "campus_minutes" in part else float("nan"),
        })
    return pd.DataFrame(rows, columns=INSTITUTION_COLUMNS)


def _totals(sites: pd.DataFrame):
    """Return ``total(column)``: the column summed over ``sites`` (NaN where the table lacks it)."""
    def total(column: str) -> float:
        if column not in sites:
            return float("nan")
        return float(pd.to_numeric(sites[column], errors="coerce").fillna(0).sum())

    return total


def kind(sites: int, lang: str) -> str:
    """Return the form of a school on ``sites`` sites: 一校两区 (two), 一校多区 (more)."""
    return i18n.text("campus.kind_2" if sites == 2 else "campus.kind_n", lang, n=fmt_int(sites))


def campus_context(table: pd.DataFrame, names: dict[str, str], lang: str) -> dict:
    """Return the template values of the report's campuses section (``campus_rows`` empty without campuses)."""
    rows = []
    for r in table.itertuples():
        ids = [c for c in str(r.campus_ids).split(";") if c]
        rows.append({"school": _label(str(r.school_id), names), "kind": kind(int(r.sites), lang),
                     "campuses": [_label(c, names) for c in ids], "pupils": fmt_pupils(r.pupils),
                     "classes": fmt_int(r.classes), "posts": fmt_int(r.posts), "shared": fmt_int(r.posts_shared),
                     "minutes": fmt_minutes(r.max_minutes)})
    return {"campus_rows": rows}


def _label(key: str, names: dict[str, str]) -> str:
    name = names.get(key)
    return f"{name} ({key})" if name else key
