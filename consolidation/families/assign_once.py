"""Assign once: every origin and band is fully assigned, to one school with single assignment.

Declares ``assign__O__B__S``, the share of the pupils of origin ``o``, band ``b`` that go to school ``s``,
one per eligible pair: binary with ``schools.assignment = "single"``, in [0, 1] with ``"split"``.
"""

from __future__ import annotations

import numpy as np

from ..scenario import Scenario
from ..tolerances import SOLVER
from ..messages import ids, say
from .base import Builder, Family, PlanView


def declare(m: Builder, scenario: Scenario) -> None:
    """``assign`` (a list aligned with the pairs table): binary (single assignment) or in [0, 1] (split)."""
    table = m.pairs.table
    kind = "binary" if scenario.schools.assignment == "single" else "continuous"
    m.declare("assign", [m.variable(f"assign__{m.origin_name(o)}__{b}__{m.school_name(s)}", low=0, up=1, kind=kind)
                         for o, b, s in zip(table["origin_id"].tolist(), table["band"].tolist(),
                                            table["school_id"].tolist())])


def define(m: Builder, scenario: Scenario) -> None:
    """Every origin and band is fully assigned: ``sum_s assign[o,b,s] = 1`` (shares of its pupils)."""
    table = m.pairs.table
    if table.empty:
        return
    assign = m["assign"]
    for (origin, band), rows in table.groupby(["origin_id", "band"], sort=False).indices.items():
        m.constrain(m.expr([assign[i] for i in rows], np.ones(len(rows))), "==", m.name("assign_once", origin, band), 1)


def check(plan: PlanView, scenario: Scenario) -> list[str]:
    """Every origin and band fully assigned, nobody else; once with single assignment."""
    a, demand = plan.assignments, plan.demand
    problems: list[str] = []
    key = ["origin_id", "band"]
    got = a.groupby(key)["pupils"].sum()
    want = demand.set_index(key)["pupils"]
    diff = (got.reindex(want.index).fillna(0.0) - want).abs()
    bad = diff[diff > SOLVER * np.maximum(1.0, want)]
    if len(bad):
        problems.append(say("check.not_assigned", ids=ids([f"{o}/{b}" for o, b in bad.index])))
    extra = got.index.difference(want.index)
    if len(extra):
        problems.append(say("check.no_pupils", ids=ids([f"{o}/{b}" for o, b in extra])))
    if scenario.schools.assignment == "single":
        many = a.groupby(key).size()
        many = many[many > 1]
        if len(many):
            problems.append(say("check.single", ids=ids([f"{o}/{b}" for o, b in many.index])))
    return problems


FAMILY = Family(
    name="assign_once",
    order=30,
    summary="Every village and band is fully assigned (to one school with single assignment).",
    reads=("schools.assignment",),
    declare=declare,
    define=define,
    check=check,
    lp_names=("assign__", "assign_once__"),
)
