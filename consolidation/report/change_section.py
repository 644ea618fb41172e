"""The report's "Who loses what" and "Policy checks" sections: template values from the plan's tables.

"Who loses what" reads the assignments' before/after columns (:mod:`consolidation.before_after`): headline
cards, the change map and one row per village and band whose school or trip changes (or that is not at the
nearest school teaching its band), largest increase first. "Policy checks" reads the checks
(:mod:`consolidation.policy`): every breach, then near-breaches. Every string comes from :mod:`consolidation.i18n`.
"""

from __future__ import annotations

import pandas as pd

from .. import i18n
from ..before_after import why_text
from ..i18n import fmt_minutes, fmt_pupils, fmt_share, fmt_signed
from ..policy import check_text

MAX_NEAR_ROWS = 40
"""Near-breaches listed in the report at most (all are in checks.csv); breaches are all listed."""


def _label(key: str, names: dict[str, str]) -> str:
    name = names.get(key)
    return f"{name} ({key})" if name else (key or "–")


def change_context(summary: dict, assignments: pd.DataFrame, names: dict[str, str], origin_names: dict[str, str],
                   png_uri: str | None, lang: str) -> dict:
    """Return the template values of "Who loses what" (``change`` None when the plan has no before/after)."""
    trips = summary.get("trips_change")
    if not trips or "minutes_change" not in assignments:
        return {"change": None}
    t = lambda key, **fmt: i18n.text(key, lang, **fmt)  # noqa: E731
    by_band = trips.get("by_band") or {}

    def bands(key: str) -> dict:
        return {f"g{b[1]}{b[3]}": fmt_pupils((by_band.get(b) or {}).get(key, 0)) for b in ("G1_3", "G4_6", "G7_9")}

    cards = [{"label": t("change.card_10"), "value": fmt_pupils(trips.get("pupils_longer_10")),
              "note": t("change.card_note", **bands("pupils_longer_10")),
              "flag": False},
             {"label": t("change.card_20"), "value": fmt_pupils(trips.get("pupils_longer_20")),
              "note": t("change.card_note", **bands("pupils_longer_20")),
              "flag": (trips.get("pupils_longer_20") or 0) > 0},
             {"label": t("change.card_moved"), "value": fmt_pupils(trips.get("pupils_school_changed")),
              "note": t("change.card_moved_note"), "flag": False},
             {"label": t("change.card_shorter"), "value": fmt_pupils(trips.get("pupils_shorter")),
              "note": t("change.card_shorter_note"), "flag": False}]
    a = assignments.copy()
    a["_change"] = pd.to_numeric(a["minutes_change"], errors="coerce")
    keep = (a["_change"].abs() >= 0.05) | (a["school_id"].astype(str) != a["school_today"].astype(str)) \
        | (a["why_code"].fillna("") != "")
    a = a[keep].sort_values(["_change", "origin_id", "band"], ascending=[False, True, True], na_position="last")
    rows = []
    for r in a.to_dict("records"):
        inferred = r.get("school_today_from") == "nearest"
        rows.append({"village": _label(str(r["origin_id"]), origin_names),
                     "band": i18n.text(f"band.{r['band']}", lang) if f"band.{r['band']}" in i18n.EN else r["band"],
                     "pupils": fmt_pupils(r["pupils"]),
                     "today": _label(str(r["school_today"]), names) + (" *" if inferred else ""),
                     "min_today": fmt_minutes(r["minutes_today"]),
                     "after": _label(str(r["school_id"]), names), "min_after": fmt_minutes(r["minutes"]),
                     "change": fmt_signed(r["_change"], "minutes", lang),
                     "longer": not i18n.missing(r["_change"]) and r["_change"] > 10,
                     "why": why_text(r, names, lang)})
    inferred = trips.get("pupils_school_today_inferred") or 0
    return {"change": {"cards": cards, "rows": rows, "map_uri": png_uri,
                       "caption": t("change.caption", moved=fmt_pupils(trips.get("pupils_school_changed"))),
                       "inferred": t("change.inferred", n=fmt_pupils(inferred)) if inferred else ""}}


def checks_context(summary: dict, checks: pd.DataFrame | None, names: dict[str, str], origin_names: dict[str, str],
                   near_share: float | None, lang: str) -> dict:
    """Return the template values of "Policy checks" (``checks`` None when the run has no checks)."""
    counts = summary.get("policy_checks")
    if checks is None or counts is None:
        return {"checks": None}
    t = lambda key, **fmt: i18n.text(key, lang, **fmt)  # noqa: E731
    lookup = {**names, **{f"village:{k}": v for k, v in origin_names.items()}}
    rows = []
    near_rows = 0
    for r in checks.to_dict("records"):
        if r["severity"] == "near":
            near_rows += 1
            if near_rows > MAX_NEAR_ROWS:
                continue
        finding = check_text(r, lookup, lang) if isinstance(r.get("fields"), dict) else str(r.get("message", ""))
        rows.append({"check": t(f"checks.name.{r['check']}"), "severity": t(f"check.severity.{r['severity']}"),
                     "breach": r["severity"] == "breach", "finding": finding, "rule": t(f"checks.rule.{r['check']}"),
                     "year": r.get("year", "")})
    caption = t("checks.caption", breaches=counts.get("breaches", 0), near=counts.get("near", 0),
                near_share=fmt_share(near_share) if near_share is not None else "–")
    return {"checks": {"rows": rows, "caption": caption, "by_year": "year" in checks,
                       "more": t("checks.more", n=near_rows - MAX_NEAR_ROWS) if near_rows > MAX_NEAR_ROWS else ""}}
