"""Kindergarten: children of 3-6 (band ``KG``) in kindergarten places and whole classes, staffed and funded apart.

In force only when the pairs hold the KG band (the data have ``pupils_kg``). Kindergarten children fill a
school's ``kg_places`` (plus kindergarten places added, up to ``max_kg_places``), never its primary
``capacity`` (the ``capacity`` family counts every band but KG). Each school's children form whole classes of
``[kindergarten] class_size``; a class is staffed by ``teachers_per_class`` kindergarten teachers and
``carers_per_class`` carers (保育员), paid ``[kindergarten] teacher_salary`` (else ``costs.teacher_salary``)
and ``carer_salary``, counted apart from the primary and junior staff posts. Public funds are
``[kindergarten] per_child`` a child a year.

Declares, keyed by ``school_id``: ``kg_places__S`` kindergarten places added (continuous, in
[0, ``max_kg_places - kg_places``], at open schools KG children may reach) and ``kg_classes__S`` whole
kindergarten classes (integer).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from .. import KG, pupils_column
from ..errors import id_list
from ..io import Inputs
from ..scenario import Scenario
from ..tolerances import EXACT, SOLVER, slack
from ._stock import declare_added, define_rows
from .base import Builder, Family, PlanView, Relaxation

TERMS = ("kg_staff", "kg_funds", "kg_places_added")
PUBLIC = {"kg_staff": "teachers", "kg_funds": "schools", "kg_places_added": "capital_annual"}
COLUMNS = ("kg_places", "kg_places_added", "kg_classes", "kg_teacher_posts", "kg_carer_posts")
"""The plan's kindergarten columns of the school table (after ``pupils_kg``), when the run has KG."""


def _kg(table: pd.DataFrame) -> np.ndarray:
    return table["band"].to_numpy() == KG


def declare(m: Builder, scenario: Scenario) -> None:
    """Declare ``kg_places`` (places added, keyed by school) and ``kg_classes`` (whole classes); empty without KG."""
    table = m.pairs.table
    kg = _kg(table)
    if not kg.any():
        m.declare("kg_places", {})
        m.declare("kg_classes", {})
        return
    reached = set(table.loc[kg, "school_id"])
    declare_added(m, "kg_places", "kg_places", "max_kg_places", reached.__contains__)
    m.declare("kg_classes", {sid: m.variable(f"kg_classes__{m.school_name(sid)}", low=0, kind="integer")
                             for sid in dict.fromkeys(table.loc[kg, "school_id"])})


def define(m: Builder, scenario: Scenario) -> None:
    """Kindergarten places and classes (children of band KG only).

    ``sum_{p of KG} n_p assign[p] <= kg_places[s] open[s] + kg_added[s]`` (row ``kg_capacity``), places added
    only at open schools ``kg_added[s] <= (max_kg_places[s] - kg_places[s]) open[s]``; whole classes
    ``sum_{p of KG} n_p assign[p] <= class_size kg_classes[s]`` and ``kg_classes[s] >= assign[p]`` for every KG
    pair (any child needs a whole class).
    """
    classes = m["kg_classes"]
    if not classes:
        return
    table = m.pairs.table
    kg = _kg(table)
    define_rows(m, kg, "kg_places", "kg_places", row="kg_capacity", link="kg_places_open")
    size = float(scenario.kg.class_size)
    for sid, load in m.loads(kg).items():
        m.constrain(load - size * classes[sid], "<=", m.name("kg_class_size", sid), 0)
    assign = m["assign"]
    for i in np.flatnonzero(kg):
        var = assign[i]
        m.constrain(classes[table["school_id"].iat[i]] - var, ">=", f"kg_class_link__{var.name[8:]}", 0)


def _per_class(scenario: Scenario) -> float:
    """Yuan a year of one kindergarten class's staff: its teachers' and carers' pay."""
    k = scenario.kg
    return k.teachers_per_class * k.salary(scenario.costs) + k.carers_per_class * k.carer_salary


def objective(m: Builder, scenario: Scenario) -> dict[str, Any]:
    """Return the terms ``kg_staff`` (class staff), ``kg_funds`` (per child) and ``kg_places_added`` (yuan a year)."""
    classes = m["kg_classes"]
    if not classes:
        return {}
    table, k = m.pairs.table, scenario.kg
    kg = np.flatnonzero(_kg(table))
    places = list(m["kg_places"].values())
    pupils = table["pupils"].to_numpy(float)
    return {
        "kg_staff": m.expr(list(classes.values()), np.full(len(classes), _per_class(scenario))),
        "kg_funds": m.expr([m["assign"][i] for i in kg], k.per_child * pupils[kg]),
        "kg_places_added": m.expr(places, np.full(len(places), k.place_price(scenario.costs)
                                                  / scenario.costs.capital_years)),
    }


def plan_columns(schools: pd.DataFrame, assignments: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Return the plan's school table with its kindergarten columns (:data:`COLUMNS`) filled in from the assignments.

    ``pupils_kg`` the children after the plan, ``kg_places_added`` the kindergarten places beyond
    ``kg_places`` they need, ``kg_classes`` whole classes of ``class_size``, ``kg_teacher_posts`` and
    ``kg_carer_posts`` the staff of those classes (whole people), all 0 at closed schools.
    """
    k, out = scenario.kg, schools.copy()
    open_ = out["open"] == 1
    rows = assignments[assignments["band"] == KG]
    children = out["school_id"].map(rows.groupby("school_id")["pupils"].sum()).fillna(0.0)
    out[pupils_column(KG)] = children
    excess = children - out["kg_places"]
    out["kg_places_added"] = excess.where((excess > slack(out["kg_places"])) & open_, 0.0)
    out["kg_classes"] = np.ceil(children / k.class_size - EXACT).clip(lower=0).where(open_, 0.0)
    out["kg_teacher_posts"] = np.ceil(out["kg_classes"] * k.teachers_per_class - EXACT) + 0.0
    out["kg_carer_posts"] = np.ceil(out["kg_classes"] * k.carers_per_class - EXACT) + 0.0
    return out


def by_school(assignments: pd.DataFrame, schools: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Return the kindergarten terms school by school (yuan a year); empty without KG."""
    s = schools.set_index("school_id") if "school_id" in schools.columns else schools
    if "kg_classes" not in s.columns:
        return pd.DataFrame(index=pd.Index([], name="school_id"))
    k = scenario.kg
    return pd.DataFrame({
        "kg_staff": _per_class(scenario) * s["kg_classes"].astype(float),
        "kg_funds": k.per_child * s[pupils_column(KG)].astype(float),
        "kg_places_added": k.place_price(scenario.costs) * s["kg_places_added"].astype(float)
        / scenario.costs.capital_years,
    }, index=s.index) + 0.0


def recompute(assignments: pd.DataFrame, schools: pd.DataFrame, scenario: Scenario) -> dict[str, float]:
    """Recompute the kindergarten terms from a plan's tables (yuan a year): the sums of :func:`by_school`."""
    return {term: float(value) for term, value in by_school(assignments, schools, scenario).sum().items()}


def check(plan: PlanView, scenario: Scenario) -> list[str]:
    """Kindergarten children within kindergarten places, in whole classes, and never in the primary count.

    Children of KG only at open schools teaching KG (the ``travel`` family checks the band and the trip);
    within ``kg_places + kg_places_added``, additions within ``max_kg_places``; whole classes of
    ``class_size``; the schools' ``pupils`` (what fills primary and junior places) without them.
    """
    a, s = plan.assignments, plan.schools
    kg = _kg(a)
    if not kg.any() and "kg_places" not in s.columns:
        return []
    problems: list[str] = []
    children = a[kg].groupby("school_id")["pupils"].sum().reindex(s.index).fillna(0.0)
    over = s.index[children > s["kg_places"] + s["kg_places_added"] + slack(s["kg_places"])]
    if len(over):
        problems.append(f"more kindergarten children than kindergarten places at {id_list(over)}")
    grown = s.index[s["kg_places"] + s["kg_places_added"] > s["max_kg_places"] + slack(s["max_kg_places"])]
    if len(grown):
        problems.append(f"kindergarten places added beyond max_kg_places at {id_list(grown)}")
    crowded = s.index[children > s["kg_classes"] * scenario.kg.class_size + SOLVER]
    if len(crowded):
        problems.append(f"kindergarten classes above {scenario.kg.class_size} children at {id_list(crowded)}")
    schooling = a[~kg].groupby("school_id")["pupils"].sum().reindex(s.index).fillna(0.0)
    counted = s.index[(s["pupils"] - schooling).abs() > SOLVER]
    if len(counted):
        problems.append(f"kindergarten children counted among the pupils of primary and junior places at "
                        f"{id_list(counted)}")
    return problems


def relax(inputs: Inputs, scenario: Scenario, big: float) -> tuple[Inputs, Scenario] | None:
    """Every school teaching KG may grow by ``big`` kindergarten places (None without kindergarten data)."""
    if "max_kg_places" not in inputs.schools.columns:
        return None
    schools = inputs.schools.assign(max_kg_places=inputs.schools["kg_places"] + big)
    return dataclasses.replace(inputs, schools=schools), scenario


def explain(plan: Any, inputs: Inputs, scenario: Scenario) -> str:
    """Name the schools whose kindergarten children in the relaxed plan exceed their ``max_kg_places``."""
    s = plan.schools.set_index("school_id")
    limits = inputs.schools.set_index("school_id")
    short = (s[pupils_column(KG)] - limits["max_kg_places"]).loc[lambda x: x > SOLVER]
    detail = ", ".join(f"{sid} ({s.at[sid, 'name']}) {v:,.0f} more" for sid, v in short.items())
    return (f"Not enough kindergarten places: a plan exists only if kindergartens can hold more than their "
            f"max_kg_places: {detail}.")


FAMILY = Family(
    name="kindergarten",
    order=127,
    summary="Kindergarten children (KG, ages 3-6) within kindergarten places plus places added, up to "
            "max_kg_places, in whole classes staffed by kindergarten teachers and carers; never in primary places.",
    reads=("rules.KG", "kindergarten.class_size", "kindergarten.teachers_per_class", "kindergarten.carers_per_class",
           "kindergarten.teacher_salary", "kindergarten.carer_salary", "kindergarten.per_child",
           "kindergarten.per_place_added", "costs.teacher_salary", "costs.per_place_added", "costs.capital_years",
           "schools: pupils_kg, kg_places, max_kg_places, bands", "villages: pupils_kg"),
    declare=declare,
    define=define,
    objective=objective,
    cost_terms=TERMS,
    recompute=recompute,
    check=check,
    relaxation=Relaxation(label="kindergarten places", relax=relax, explain=explain),
    public=PUBLIC,
    by_school=by_school,
    lp_names=("kg_places__", "kg_classes__", "kg_capacity__", "kg_places_open__", "kg_class_size__",
              "kg_class_link__"),
)
