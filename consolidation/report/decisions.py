"""The report's "Why each school" and "Alternative plans" sections, in the report's language."""

from __future__ import annotations

from typing import Any

from .. import i18n
from ..i18n import fmt_int, fmt_signed

SHOWN = 40
"""Rows of decisions.csv shown in the report (closest calls first); the rest are in the file."""


def decisions_context(decisions: Any, alternatives: Any, names: dict[str, str], lang: str) -> dict[str, Any]:
    """Return the template fields of both sections (empty lists leave a section out)."""
    return {**_decision_rows(decisions, names, lang), **_alternative_rows(alternatives, names, lang)}


def _state(state: str, lang: str) -> str:
    return i18n.text(f"decisions.state.{state}", lang) if state else "–"


def _decision_rows(decisions: Any, names: dict[str, str], lang: str) -> dict[str, Any]:
    """Rows of the decisions re-solved (or seen impossible), closest calls first; how many were not shown."""
    if decisions is None or decisions.table.empty:
        return {"decisions": [], "decisions_stats": "", "decisions_more": ""}
    from ..decisions import render

    table = decisions.table
    shown = table[table["status"].isin(["optimal", "feasible", "infeasible"])].head(SHOWN)
    rows = []
    for r in shown.itertuples(index=False):
        sid = str(r.school_id)
        rows.append({"school": names.get(sid, sid), "id": sid, "decision": _state(r.decision, lang),
                     "alternative": _state(r.alternative, lang),
                     "public": fmt_signed(r.delta_public_cost, "yuan", lang),
                     "minutes": fmt_signed(r.delta_pupil_minutes, "int", lang),
                     "moved": fmt_signed(r.delta_moved, "pupils", lang),
                     "reason": render(decisions.why.get((r.school_id, r.alternative), []), lang) or r.reason,
                     "impossible": r.status == "infeasible"})
    skipped = int((table["status"] == "not_evaluated").sum())
    stats = i18n.text("decisions.stats", lang, resolved=fmt_int(decisions.resolved),
                      seconds=f"{decisions.seconds:.1f}", skipped=fmt_int(skipped))
    more = len(table) - len(shown)
    return {"decisions": rows, "decisions_stats": stats,
            "decisions_more": i18n.text("decisions.more", lang, n=fmt_int(more)) if more else ""}


def _alternative_rows(alternatives: Any, names: dict[str, str], lang: str) -> dict[str, Any]:
    """Rows of the alternative plans, and the robust decisions against the close calls."""
    if alternatives is None or alternatives.stopped == "disabled":
        return {"alternatives": None}
    rows = []
    for a in alternatives.found:
        differ = [i18n.text("alternatives.differ", lang, school=f"{names.get(sid, sid)} ({sid})",
                            state=_state(state, lang)) for sid, state in a.differ]
        rows.append({"name": a.name, "objective": fmt_signed(a.deltas["delta_objective"], "yuan", lang),
                     "public": fmt_signed(a.deltas["delta_public_cost"], "yuan", lang),
                     "minutes": fmt_signed(a.deltas["delta_pupil_minutes"], "int", lang),
                     "moved": fmt_signed(a.deltas["delta_moved"], "pupils", lang),
                     "differ": i18n.join_names(differ, lang)})
    close = [f"{names.get(sid, sid)} ({sid})" for sid in alternatives.close_calls]
    robust = len(names) - len(close)
    return {"alternatives": {"rows": rows, "close": i18n.join_names(close, lang) if close else "",
                             "robust": fmt_int(robust), "k": fmt_int(alternatives.min_difference),
                             "within": i18n.fmt_share(alternatives.within)}}
