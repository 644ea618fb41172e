"""One school, several campuses (一校多区): a school run as a campus of a main school, both sites kept open.

Declares ``campus__C__M``, binary, keyed by ``(campus_id, main_id)`` (the builder block ``campus``, declared
always, empty when no pair may be a campus), for the pairs of :func:`consolidation.travel.campus_candidates`
whose two schools may both be open: 1 when school C is a campus of main school M. The pairs are the data's
existing campuses (schools column ``campus_of``), ``[campuses] pairs``, and with ``[campuses] allowed`` every
pair within ``max_minutes``.

A campus stays an open school with its own pupils, places, beds and classes; it needs
``[campuses] shared_posts`` fewer staff posts (one head, one administration: the ``teacher_posts`` family's
rows and the counting rule of :mod:`consolidation.families._staff` both subtract them), and costs
``per_minute`` x the minutes to its main school less ``annual_saving`` a year (term ``campuses``).

Existing and locked campuses stay campuses while the plan keeps both schools open; when the plan closes
either school the link ends (a closed campus's pupils go where the plan sends them; a campus whose main
school closes is a school on its own again). Lock the schools open (schools column ``lock``) to keep both.
In a programme a campus, once made, stays one while both schools are open.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import id_list
from ..scenario import Scenario
from ..travel import existing_campuses, school_minutes
from .base import Builder, Family, PlanView

TERMS = ("campuses",)


def _candidates(m: Builder) -> pd.DataFrame:
    table = getattr(m.pairs, "campuses", None)
    if table is None or not len(table):
        return pd.DataFrame(columns=["campus_id", "main_id", "minutes", "fixed"])
    open_ = m["open"]
    keep = table["campus_id"].isin(list(open_)) & table["main_id"].isin(list(open_))
    return table[keep]


def declare(m: Builder, scenario: Scenario) -> None:
    """``campus`` (keyed by ``(campus_id, main_id)``): binary, for the pairs whose schools may both be open."""
    m.declare("campus", {(c, h): m.variable(f"campus__{m.school_name(c)}__{m.school_name(h)}", kind="binary")
                         for c, h in _candidates(m)[["campus_id", "main_id"]].itertuples(index=False)})


def define(m: Builder, scenario: Scenario) -> None:
    """Make a school a campus of an open main school, one main each, no chains, at most max_campuses per main.

    ``campus[c,h] <= open[c]``, ``campus[c,h] <= open[h]`` (and ``<= full`` of either where it may become a
    teaching point: campuses and their mains stay complete schools); ``sum_h campus[c,h] <= 1`` (one main
    school); ``sum_c campus[c,h] + K sum_g campus[h,g] <= K`` with ``K = max_campuses`` (at most K campuses, and
    a main school is not itself a campus); existing and locked pairs ``campus[c,h] >= open[c] + open[h] - 1``
    (a campus while both are open).
    """
    campus, open_, full = m["campus"], m["open"], m.get("full", {})
    if not campus:
        return
    rows = _candidates(m).set_index(["campus_id", "main_id"])
    as_campus: dict[str, list] = {}
    as_main: dict[str, list] = {}
    for (c, h), var in campus.items():
        as_campus.setdefault(c, []).append(var)
        as_main.setdefault(h, []).append(var)
        m.constrain(var - open_[c], "<=", m.name("campus_open", c, h), 0)
        m.constrain(var - open_[h], "<=", m.name("campus_main_open", c, h), 0)
        for sid in (c, h):
            if sid in full:
                m.constrain(var - full[sid], "<=", m.name("campus_full", sid, c, h), 0)
        if bool(rows.at[(c, h), "fixed"]):
            m.constrain(var - open_[c] - open_[h], ">=", m.name("campus_kept", c, h), -1)
    for c, variables in as_campus.items():
        if len(variables) > 1:
            m.constrain(m.total(variables), "<=", m.name("campus_one_main", c), 1)
    k = scenario.campuses.max_campuses
    for h, variables in as_main.items():
        own = as_campus.get(h, [])
        if len(variables) > k or own:
            m.constrain(m.total(variables) + m.expr(own, np.full(len(own), float(k))), "<=",
                        m.name("campuses_max", h), k)


def objective(m: Builder, scenario: Scenario) -> dict[str, Any]:
    """Return ``campuses``: sum over campuses of ``per_minute x minutes - annual_saving`` (yuan a year)."""
    campus = m["campus"]
    if not campus:
        return {}
    rule = scenario.campuses
    minutes = _candidates(m).set_index(["campus_id", "main_id"])["minutes"]
    keys = list(campus)
    return {"campuses": m.expr([campus[k] for k in keys],
                               [rule.per_minute * float(minutes[k]) - rule.annual_saving for k in keys])}


def links(schools: pd.DataFrame) -> pd.DataFrame:
    """Return the plan's campus links from its school table (``campus_id``, ``main_id``; role ``campus``)."""
    s = schools.reset_index() if "school_id" not in schools.columns else schools
    if "parent_id" not in s.columns or "role" not in s.columns:
        return pd.DataFrame(columns=["campus_id", "main_id"])
    rows = s[s["role"] == "campus"]
    return pd.DataFrame({"campus_id": rows["school_id"].astype(str).to_numpy(),
                         "main_id": rows["parent_id"].astype(str).to_numpy()})


def _minutes_of(plan_links: pd.DataFrame, minutes: pd.DataFrame | None) -> np.ndarray:
    if minutes is None or not len(plan_links):
        return np.zeros(len(plan_links))
    index = minutes.set_index(["campus_id", "main_id"])["minutes"]
    keys = pd.MultiIndex.from_frame(plan_links[["campus_id", "main_id"]])
    return index.reindex(keys).to_numpy(float)


def by_school(assignments: pd.DataFrame, schools: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Return ``campuses`` school by school: each campus's ``per_minute x minutes - annual_saving`` (yuan a year)."""
    s = schools.set_index("school_id") if "school_id" in schools.columns else schools
    plan_links = links(s)
    rule = scenario.campuses
    if not len(plan_links) or "campus_minutes" not in s.columns:
        return pd.DataFrame({"campuses": 0.0}, index=s.index) if len(plan_links) else \
            pd.DataFrame(index=pd.Index([], name="school_id"))
    minutes = s["campus_minutes"].astype(float).where(s["role"] == "campus", 0.0)
    value = np.where(s["role"] == "campus", rule.per_minute * minutes - rule.annual_saving, 0.0)
    return pd.DataFrame({"campuses": value + 0.0}, index=s.index)


def recompute(assignments: pd.DataFrame, schools: pd.DataFrame, scenario: Scenario) -> dict[str, float]:
    """Recompute ``campuses`` from the plan's school table (0 without campuses)."""
    part = by_school(assignments, schools, scenario)
    return {"campuses": float(part["campuses"].sum())} if "campuses" in part.columns else {}


def check(plan: PlanView, scenario: Scenario) -> list[str]:
    """Every campus open, of an open main school that is not a campus, within reach, posts shared as stated."""
    s = plan.schools
    rule = scenario.campuses
    problems: list[str] = []
    if "role" not in s.columns or "parent_id" not in s.columns:
        return problems
    campus = s["role"] == "campus"
    parent = s["parent_id"].fillna("").astype(str)
    main = parent.where(campus, "")
    unknown = s.index[campus & ~main.isin(s.index)]
    if len(unknown):
        return [f"campuses {id_list(unknown)} of main schools not in the data"]
    closed = s.index[campus & (s["open"] != 1)]
    if len(closed):
        problems.append(f"closed schools {id_list(closed)} counted as campuses")
    mains = main[campus]
    shut = [c for c, h in mains.items() if s.at[h, "open"] != 1]
    if shut:
        problems.append(f"campuses {id_list(shut)} of closed main schools {id_list(mains[shut])}")
    chained = [c for c, h in mains.items() if h in mains.index]
    if chained:
        problems.append(f"campuses {id_list(chained)} of main schools that are themselves campuses")
    count = mains.value_counts()
    many = count.index[count > rule.max_campuses]
    if len(many):
        problems.append(f"main schools {id_list(many)} with more than max_campuses = {rule.max_campuses} campuses")
    problems += _check_reach_and_posts(s, campus, mains, plan, scenario)
    return problems


def _check_reach_and_posts(s: pd.DataFrame, campus: pd.Series, mains: pd.Series, plan: PlanView,
                           scenario: Scenario) -> list[str]:
    """Campuses within max_minutes (by the data's minutes, recomputed), allowed, and their shared posts."""
    rule = scenario.campuses
    problems = []
    fixed = {**existing_campuses(plan.inputs.schools), **rule.pairs}
    made = [c for c, h in mains.items() if fixed.get(c) != h]
    if made and not rule.allowed:
        problems.append(f"campuses {id_list(made)} made though [campuses] allowed = false")
    if len(mains):
        minutes = school_minutes(plan.inputs, scenario)
        far = [c for c, h in mains.items() if not minutes.at[h, c] <= rule.max_minutes + 1e-6]
        if far:
            problems.append(f"campuses {id_list(far)} beyond max_minutes = {rule.max_minutes:g} of their main school")
        stated = s.loc[list(mains.index), "campus_minutes"].astype(float)
        wrong = [c for c, h in mains.items() if abs(stated[c] - minutes.at[h, c]) > 1e-6]
        if wrong:
            problems.append(f"campuses {id_list(wrong)} with campus_minutes other than the minutes to their main")
    lost = [c for c, h in fixed.items() if c in s.index and h in s.index and s.at[c, "open"] == 1
            and s.at[h, "open"] == 1 and mains.get(c) != h]
    if lost:
        problems.append(f"existing or locked campuses {id_list(lost)} not campuses though both schools are open")
    shared = s["posts_shared"] if "posts_shared" in s.columns else pd.Series(0.0, index=s.index)
    expected = np.where(campus, float(rule.shared_posts), 0.0)
    off = s.index[np.abs(shared.astype(float).to_numpy() - expected) > 1e-9]
    if len(off):
        problems.append(f"posts shared counted wrongly at {id_list(off)} (a campus shares {rule.shared_posts}, "
                        "other schools none)")
    return problems


def across(builders, scenario: Scenario) -> None:
    """Keep a campus a campus while both schools stay open.

    ``campus[c,h,y] >= campus[c,h,y-1] + open[c,y] + open[h,y] - 2`` (``campus_stays``).
    """
    for before, m in zip(builders, builders[1:]):
        for key, var in m["campus"].items():
            if key in before["campus"]:
                c, h = key
                m.constrain(var - before["campus"][key] - m["open"][c] - m["open"][h], ">=",
                            m.name("campus_stays", c, h), -2)


def check_years(programme, scenario: Scenario) -> list[str]:
    """No campus link ends while both schools are open."""
    problems = []
    for a, b, pa, pb in zip(programme.years, programme.years[1:], programme.plans, programme.plans[1:]):
        before = links(pa.schools)
        now = pb.schools.set_index("school_id")
        after = set(map(tuple, links(now).to_numpy().tolist()))
        ended = [c for c, h in before.itertuples(index=False)
                 if now.at[c, "open"] == 1 and now.at[h, "open"] == 1 and (c, h) not in after]
        if ended:
            problems.append(f"campuses {id_list(ended)} in {a} are no longer campuses in {b} though both schools "
                            "are open")
    return problems


FAMILY = Family(
    name="campuses",
    order=128,
    summary="One school, several campuses (一校多区): a school may be run as a campus of a main school within "
            "reach, both kept open; a campus needs shared_posts fewer posts.",
    reads=("campuses.allowed", "campuses.max_minutes", "campuses.shared_posts", "campuses.max_campuses",
           "campuses.mains", "campuses.pairs", "campuses.annual_saving", "campuses.per_minute",
           "schools: campus_of"),
    declare=declare,
    define=define,
    objective=objective,
    cost_terms=TERMS,
    recompute=recompute,
    check=check,
    lp_names=("campus__", "campus_open__", "campus_main_open__", "campus_full__", "campus_kept__",
              "campus_one_main__", "campuses_max__"),
    public={"campuses": "schools"},
    by_school=by_school,
    across=across,
    check_years=check_years,
)
