"""Who loses what: each village band's school and trip today and after the plan, and why it goes where it goes.

A stage after the plan: it reads the verified plan, the eligible pairs and the data, and returns the same plan
whose assignments also say (:data:`CHANGE_COLUMNS`):

- ``school_today``: the school the village band attends today: the villages file's ``school_id_<band>`` or
  ``school_id`` where it names a school teaching the band, else the nearest school teaching the band (the one
  families would expect), and ``school_today_from`` says which (``data`` or ``nearest``);
- ``minutes_today``: the one-way trip to it, measured as the plan measures trips (the pair's minutes where the
  pair is eligible; else the day trip by the band's mode); blank where the travel data have no time for it
  (and a note says so), never 0;
- ``minutes_change``: ``minutes - minutes_today`` (positive: a longer trip);
- why the pupils go here and not to the nearest school teaching their band (``nearest_school_id``,
  ``nearest_minutes`` by the band's day mode, ``why_code``, the figures behind it and ``why_here`` in words):
  the nearer school closes, is kept as a teaching point for the lower grades only, may take no pupils from
  other schools, is beyond the band's day limit, is full (its places or beds used), or has room but sending
  the pupils there would cost more a year (``why_cost``, with the cost terms that differ in ``why_terms``;
  teachers' pay left out, see :data:`UNPRICED`), or the pupils simply stay where they are today.

The summary gets ``trips_change``: pupils whose trips got longer by more than 10 and 20 minutes (all bands and
by band), pupils whose school changes (分流学生), and how many had their school today inferred or their trip
today unknown.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from . import ALL_BANDS, bands_of, i18n
from .io import Inputs
from .families import REGISTRY
from .plan import Plan, _schools
from .scenario import Scenario
from .tolerances import SOLVER
from .travel import Pairs, day_minutes

CHANGE_COLUMNS = ["school_today", "school_today_from", "minutes_today", "minutes_change", "nearest_school_id",
                  "nearest_minutes", "why_code", "why_used", "why_limit", "why_cost", "why_terms", "why_here"]
"""Columns added to ``assignments.csv`` after the plan's own (:data:`consolidation.plan.ASSIGNMENT_COLUMNS`)."""

WHY_CODES = ("", "closed", "teaching_point", "not_hub", "over_limit", "full", "no_beds", "stays", "cheaper")
"""``why_code``: empty at the nearest school; else why not at the nearest school teaching the band."""

LONGER = (10, 20)
"""Minutes by which a longer trip is counted in the summary (``pupils_longer_10``, ``pupils_longer_20``)."""

MAX_COUNTERFACTUALS = 40
"""Most assignments whose cost at the nearest school is recomputed, those whose trips grow most first (each
recomputes the plan's cost once: 0.1 s in the example county); the others' ``why_cost`` is blank."""

UNPRICED = ("teacher_posts",)
"""Families whose cost is left out of ``why_cost``: teachers' pay. Nobody is dismissed, so it changes only with
recruits, and settling the teachers of a plan takes as long as everything else together (0.6 s in the example
county)."""


def with_before_after(plan: Plan, pairs: Pairs, inputs: Inputs, scenario: Scenario, *,
                      in_use: pd.DataFrame | None = None, names: dict[str, str] | None = None) -> Plan:
    """Return ``plan`` with :data:`CHANGE_COLUMNS` in its assignments and ``trips_change`` in its summary.

    Parameters
    ----------
    plan
        A verified plan.
    pairs
        The eligible pairs the plan was made from (the same year's, in a programme).
    inputs
        The data (the same year's, in a programme).
    scenario
        The scenario.
    in_use
        A programme year's places and beds in use beyond the data's (``places_added``, ``beds_added`` by
        ``school_id``), as :func:`consolidation.plan.make_plan` took them; None for a one-year plan.
    names
        School names by ID, for ``why_here`` (default: the plan's).
    """
    names = names if names is not None else dict(zip(plan.schools["school_id"].astype(str),
                                                     plan.schools["name"].astype(str)))
    day = day_minutes(inputs, scenario, bands_of(inputs.origins))
    a = plan.assignments.copy()
    today = _today(a, pairs, inputs, day)
    for column in ("school_today", "school_today_from", "minutes_today"):
        a[column] = today[column].to_numpy()
    a["minutes_change"] = a["minutes"] - a["minutes_today"]
    why = _reasons(plan, a, pairs, inputs, scenario, in_use)
    for column in why.columns:
        a[column] = why[column].to_numpy()
    a["why_here"] = [why_text(row, names, "en") for row in a.to_dict("records")]
    notes = _notes(a)
    summary = {**plan.summary, "trips_change": change_summary(a),
               "reasons": list(plan.summary.get("reasons") or []) + notes}
    return dataclasses.replace(plan, assignments=a, summary=summary)


def _index(inputs: Inputs) -> tuple[pd.Index, pd.Index]:
    return pd.Index(inputs.origins["origin_id"].astype(str)), pd.Index(inputs.schools["school_id"].astype(str))


def _today(a: pd.DataFrame, pairs: Pairs, inputs: Inputs, day: dict[str, np.ndarray]) -> pd.DataFrame:
    """Return, per assignment row, the school today, whether the data name it, and the minutes to it."""
    origins, schools = _index(inputs)
    given = {band: dict(zip(origins, inputs.origins["current_" + band].astype(str)))
             for band in bands_of(inputs.origins) if "current_" + band in inputs.origins.columns}
    minutes = pairs.table.set_index(["origin_id", "band", "school_id"])["minutes"]
    minutes = minutes[~minutes.index.duplicated()]
    rows = []
    for o, band, s in zip(a["origin_id"].astype(str), a["band"], a["current_school_id"].fillna("").astype(str)):
        source = "data" if s and given.get(band, {}).get(o) == s else "nearest" if s else ""
        if not s:
            value = np.nan
        elif (o, band, s) in minutes.index:
            value = float(minutes[(o, band, s)])
        else:
            oi, si = origins.get_indexer([o])[0], schools.get_indexer([s])[0]
            value = float(day[band][oi, si]) if oi >= 0 and si >= 0 else np.nan
        rows.append((s, source, value))
    return pd.DataFrame(rows, columns=["school_today", "school_today_from", "minutes_today"], index=a.index)


def _notes(a: pd.DataFrame) -> list[str]:
    """Say which schools today were inferred and which trips today have no travel time."""
    notes = []
    inferred = a[a["school_today_from"] == "nearest"]
    if len(inferred):
        where = ", ".join(f"{o} {b}" for o, b in inferred[["origin_id", "band"]].drop_duplicates().head(10)
                          .itertuples(index=False))
        more = f" and {len(inferred) - 10} more" if len(inferred) > 10 else ""
        notes.append(f"The data do not name the school attended today by {where}{more}: the nearest school teaching "
                     "the band is taken as today's (school_today_from = nearest in assignments.csv). Give "
                     "school_id_g1_3 / school_id_g4_6 / school_id_g7_9 (or school_id) in the villages file to say.")
    unknown = a[a["minutes_today"].isna() & (a["school_today"] != "")]
    if len(unknown):
        where = ", ".join(f"{o} {b} ({s})" for o, b, s in unknown[["origin_id", "band", "school_today"]]
                          .drop_duplicates().head(10).itertuples(index=False))
        notes.append(f"No travel time to today's school for {where}: the travel data do not list these pairs, so "
                     "minutes_today and minutes_change are blank there. Add them to the travel file.")
    return notes


def _outcome_of(plan: Plan) -> SimpleNamespace:
    """Return the open, full-school and campus decisions of ``plan``, as :func:`consolidation.plan._schools` reads."""
    s = plan.schools
    campus = s[s["role"] == "campus"]
    links = {(c, str(h)): 1.0 for c, h in zip(campus["school_id"], campus.get("parent_id", pd.Series(dtype=str)))}
    return SimpleNamespace(open=dict(zip(s["school_id"], s["open"].astype(float))),
                           full=dict(zip(s["school_id"], (s["role"] != "teaching_point").astype(float))),
                           values={"campus": links})


def _reasons(plan: Plan, a: pd.DataFrame, pairs: Pairs, inputs: Inputs, scenario: Scenario,
             in_use: pd.DataFrame | None) -> pd.DataFrame:
    """Return why each assignment is not at the nearest school teaching its band (see the module)."""
    demand = pairs.demand.set_index(["origin_id", "band"])
    eligible = pairs.table.set_index(["origin_id", "band", "school_id"])
    eligible = eligible[~eligible.index.duplicated()]
    schools = plan.schools.set_index("school_id")
    explain = _Counterfactual(plan, inputs, scenario, in_use, getattr(pairs, "campuses", None))
    out = pd.DataFrame({"nearest_school_id": "", "nearest_minutes": np.nan, "why_code": "", "why_used": np.nan,
                        "why_limit": np.nan, "why_cost": np.nan, "why_terms": ""}, index=a.index)
    priced = []  # (minus the change in minutes, row, pair) of the assignments whose cost there to recompute
    for i, row in a.iterrows():
        key = (str(row["origin_id"]), row["band"])
        if key not in demand.index:
            continue
        near, near_min = str(demand.at[key, "nearest_school_id"]), float(demand.at[key, "nearest_minutes"])
        if not near or not np.isfinite(near_min):
            continue
        out.at[i, "nearest_school_id"], out.at[i, "nearest_minutes"] = near, near_min
        if near == str(row["school_id"]):
            continue
        s = schools.loc[near]
        pair = (key[0], key[1], near)
        code, used, limit = _why_not(s, near, row, eligible.loc[pair] if pair in eligible.index else None, scenario)
        out.at[i, "why_code"], out.at[i, "why_used"], out.at[i, "why_limit"] = code, used, limit
        places = float(s["capacity"] + s["places_added"])
        if code in ("stays", "cheaper") or (code == "full" and float(s["max_capacity"]) > places + SOLVER):
            priced.append((-float(np.nan_to_num(row["minutes_change"], nan=0.0)), i, pair))
    for _, i, pair in sorted(priced, key=lambda p: p[:2])[:MAX_COUNTERFACTUALS]:  # the largest increases first
        out.at[i, "why_cost"], out.at[i, "why_terms"] = explain.cost_there(i, eligible.loc[pair])
    return out


def _why_not(s: pd.Series, near: str, row: pd.Series, pair: pd.Series | None,
             scenario: Scenario) -> tuple[str, float, float]:
    """Return why ``row``'s pupils are not at the nearer school ``s`` (``near``): the code, used and limit."""
    if int(s["open"]) == 0:
        return "closed", np.nan, np.nan
    if s["role"] == "teaching_point" and row["band"] not in set(scenario.teaching_points.bands):
        return "teaching_point", np.nan, np.nan
    if pair is None:  # not an eligible pair
        if not bool(s["can_be_hub"]) and near != row["school_today"]:
            return "not_hub", np.nan, np.nan
        limit = scenario.rules.band(row["band"]).max_minutes
        return "over_limit", np.nan, np.nan if limit is None else float(limit)
    places, beds = float(s["capacity"] + s["places_added"]), float(s["beds"] + s["beds_added"])
    if places - float(s["pupils"]) < float(row["pupils"]) - SOLVER:
        return "full", float(s["pupils"]), places
    if bool(pair["boards"]) and beds - float(s["beds_used"]) < float(row["pupils"]) - SOLVER:
        return "no_beds", float(s["beds_used"]), beds
    return ("stays" if row["school_id"] == row["school_today"] else "cheaper"), np.nan, np.nan


class _Counterfactual:
    """The plan's yearly cost with one assignment moved to another school, recomputed from the tables."""

    def __init__(self, plan: Plan, inputs: Inputs, scenario: Scenario, in_use: pd.DataFrame | None,
                 campuses: pd.DataFrame | None) -> None:
        plain = pd.DataFrame(inputs.schools.drop(columns="geometry", errors="ignore"))  # geopandas is slower here
        self.plan, self.scenario, self.in_use, self.campuses = plan, scenario, in_use, campuses
        self.inputs = dataclasses.replace(inputs, schools=plain)
        self.base_assignments = plan.assignments
        self.outcome = _outcome_of(plan)
        self.base = self._terms(plan.assignments)

    def _terms(self, assignments: pd.DataFrame) -> dict[str, float]:
        """Return the yearly cost terms of ``assignments``, teachers' pay left out (see :data:`UNPRICED`)."""
        schools = _schools(self.inputs, assignments, self.outcome, self.scenario, self.in_use, self.campuses)
        kept = [c for c in self.plan.schools.columns if c not in schools.columns]  # decisions one pupil does not
        if kept:  # change: parents of teaching points, groups, subject posts
            schools = schools.join(self.plan.schools.set_index("school_id")[kept], on="school_id")
        terms: dict[str, float] = {}
        for family in REGISTRY:
            if family.recompute is not None and family.name not in UNPRICED:
                terms.update(family.recompute(assignments, schools, self.scenario))
        terms["total"] = sum(terms.values())
        return terms

    def cost_there(self, i: Any, pair: pd.Series) -> tuple[float, str]:
        """Return the yearly cost added by sending row ``i``'s pupils to ``pair``'s school, and the terms changing."""
        a = self.base_assignments.copy()
        a.loc[i, "school_id"] = pair.name[2]
        a.loc[i, "minutes"], a.loc[i, "km"] = float(pair["minutes"]), float(pair["km"])
        a.loc[i, "boards"] = int(bool(pair["boards"]))
        a.loc[i, "moved"] = int(a.loc[i, "school_id"] != a.loc[i, "current_school_id"])
        terms = self._terms(a)
        diff = {k: terms[k] - self.base.get(k, 0.0) for k in terms if k != "total"}
        changed = sorted(((k, v) for k, v in diff.items() if abs(v) >= 0.5), key=lambda kv: -abs(kv[1]))[:3]
        return terms["total"] - self.base["total"], "; ".join(f"{k} {v:+.0f}" for k, v in changed)


def why_text(row: dict, names: dict[str, str], lang: str = "en") -> str:
    """Return why an assignment is where it is, in words (empty at the nearest school).

    ``row`` holds :data:`CHANGE_COLUMNS` (``why_code`` etc.) and ``minutes``; e.g. "Agan Township Central School
    (S30) is nearer (56.46 min) but full (places 270, used 270)".
    """
    code = str(row.get("why_code") or "")
    if not code or (isinstance(row.get("why_code"), float)):
        return ""
    near = str(row.get("nearest_school_id") or "")
    label = f"{names[near]} ({near})" if names.get(near) else near
    fields = {"school": label, "near_min": _minutes(row.get("nearest_minutes"), row.get("minutes")),
              "used": i18n.fmt_pupils(row.get("why_used")), "limit": i18n.fmt_pupils(row.get("why_limit")),
              "minutes_limit": i18n.fmt_minutes(row.get("why_limit"))}
    if code == "closed" and near == str(row.get("school_today") or ""):
        code = "closed_today"
    text = i18n.text(f"why.{code}", lang, **fields)
    cost = row.get("why_cost")
    if not i18n.missing(cost):
        terms = _terms_text(str(row.get("why_terms") or ""), lang)
        key = "why.cost_more" if float(cost) >= 0.5 else "why.cost_less" if float(cost) <= -0.5 else "why.cost_same"
        text += i18n.text(key, lang, cost=i18n.fmt_yuan(abs(float(cost)), lang), terms=terms)
    return text


def _minutes(x, other) -> str:
    """Return minutes ``x`` with one decimal, or two when ``other`` (the trip here) differs by less than 0.1."""
    if i18n.missing(x):
        return "–"
    close = not i18n.missing(other) and abs(float(x) - float(other)) < 0.1
    return f"{float(x):,.2f}" if close else f"{float(x):,.1f}"


def _terms_text(terms: str, lang: str) -> str:
    """Return ``teachers +90000; travel -800`` as words: "teachers' pay +¥90,000, families' travel time −¥800"."""
    parts = []
    for item in [t for t in terms.split("; ") if t.strip()]:
        name, _, value = item.rpartition(" ")
        label = i18n.text(f"cost.{name}", lang) if f"cost.{name}" in i18n.EN else name
        try:
            parts.append(f"{label} {i18n.fmt_signed(float(value), 'yuan', lang)}")
        except ValueError:
            parts.append(item)
    return i18n.text("list_sep", lang).join(parts)


def change_summary(a: pd.DataFrame) -> dict[str, Any]:
    """Return the summary's ``trips_change`` from assignments with :data:`CHANGE_COLUMNS` (pupils, minutes)."""

    def figures(rows: pd.DataFrame) -> dict[str, Any]:
        change, pupils = rows["minutes_change"], rows["pupils"]
        known = change.notna()
        out = {f"pupils_longer_{m}": float(pupils[known & (change > m + SOLVER)].sum()) for m in LONGER}
        out["pupils_shorter"] = float(pupils[known & (change < -SOLVER)].sum())
        out["pupils_school_changed"] = float(pupils[rows["school_id"] != rows["school_today"]].sum())
        out["largest_increase"] = float(change[known].max()) if known.any() else None
        weight = float(pupils[known].sum())
        out["mean_change"] = float((change[known] * pupils[known]).sum() / weight) if weight > 0 else None
        return out

    total = figures(a)
    total["by_band"] = {band: figures(a[a["band"] == band]) for band in ALL_BANDS if (a["band"] == band).any()}
    total["pupils_school_today_inferred"] = float(a.loc[a["school_today_from"] == "nearest", "pupils"].sum())
    total["pupils_minutes_today_unknown"] = float(a.loc[a["minutes_today"].isna(), "pupils"].sum())
    total["pupils_not_at_nearest"] = float(a.loc[a["why_code"] != "", "pupils"].sum())
    return total


__all__ = ["CHANGE_COLUMNS", "WHY_CODES", "change_summary", "why_text", "with_before_after"]
