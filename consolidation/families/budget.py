"""Budget caps (``[budget] capital`` and ``annual``): hard limits on what a plan may cost the public.

``capital``: one-off yuan for places, beds and buses bought. ``annual``: the public yearly cost (every cost
term but families' valued travel time). No variables of their own and no cost term.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..io import Inputs
from ..scenario import Scenario
from ..tolerances import slack
from ..messages import SENTENCES, join, say, term
from .base import Builder, Family, PlanView, Relaxation


def capital_expr(m: Builder, scenario: Scenario) -> Any:
    """Return one-off yuan as an expression: places, beds and buses bought, each at its price."""
    parts = []
    for block, price in (("places", scenario.costs.per_place_added), ("beds", scenario.costs.per_bed_added),
                         ("buses", scenario.buses.price)):
        variables = list(m.get(block, {}).values())
        parts.append(m.expr(variables, np.full(len(variables), price)))
    return m.total(parts)


def define(m: Builder, scenario: Scenario) -> None:
    """Caps: ``per_place_added sum places[s] + per_bed_added sum beds[s] + bus price sum buses[s] <= capital``.

    And ``sum of the public cost terms <= annual`` (yuan a year: every objective term but ``travel``).
    """
    from . import PUBLIC, REGISTRY  # the registry is complete by the time a model is built

    b = scenario.budget
    if b.capital is not None and not scenario.years.programme:  # a programme's capital is capped across years
        m.constrain(capital_expr(m, scenario), "<=", "budget_capital", b.capital)
    if b.annual is not None:
        terms: dict[str, Any] = {}
        for family in REGISTRY:
            if family.objective is not None:
                terms.update(family.objective(m, scenario))
        m.constrain(m.total([v for k, v in terms.items() if k in PUBLIC]), "<=", "budget_annual", b.annual)


def across(builders, scenario: Scenario) -> None:
    """Capital across years: what is built for year ``y`` is paid in ``y - lead_years``, buses the year bought.

    ``sum_s per_place_added places_built[s,y+lead] + per_bed_added beds_built[s,y+lead] + bus price
    buses_bought[y] <= capital_per_year`` for every year ``y`` something is paid (``budget_capital_year``), and
    the same summed over the programme ``<= capital`` (``budget_capital``).
    """
    b = scenario.budget
    if b.capital is None and b.capital_per_year is None:
        return
    lead = scenario.years.lead_years
    spent: dict[int, list] = {}
    for m in builders:
        for block, price in (("places_built", scenario.costs.per_place_added),
                             ("beds_built", scenario.costs.per_bed_added)):
            variables = list(m.get(block, {}).values())
            if variables:
                spent.setdefault(m.year - lead, []).append(m.expr(variables, np.full(len(variables), price)))
        bought = list(m.get("buses_bought", {}).values())
        if bought:
            spent.setdefault(m.year, []).append(m.expr(bought, np.full(len(bought), scenario.buses.price)))
    first = builders[0]
    if b.capital_per_year is not None:
        for year, parts in sorted(spent.items()):
            first.constrain(first.total(parts), "<=", f"budget_capital_year__{year}", b.capital_per_year, whole=True)
    if b.capital is not None:
        first.constrain(first.total([p for parts in spent.values() for p in parts]), "<=", "budget_capital",
                        b.capital, whole=True)


def check_years(programme, scenario: Scenario) -> list[str]:
    """Capital spent in every year within ``capital_per_year``, and over the programme within ``capital``."""
    b, problems = scenario.budget, []
    by_year = programme.capital.set_index("year")["total"]
    if b.capital_per_year is not None:
        for year, value in by_year.items():
            if value > b.capital_per_year + slack(b.capital_per_year):
                problems.append(say("check.capital_year", value=value, year=year, cap=b.capital_per_year))
    if b.capital is not None and by_year.sum() > b.capital + slack(b.capital):
        problems.append(say("check.capital_programme", value=by_year.sum(), cap=b.capital))
    return problems


def _figures(summary: dict) -> tuple[float, float]:
    """Return a plan's one-off capital and public yearly cost (yuan)."""
    return float((summary.get("capital") or {}).get("total", 0.0)), float(
        (summary.get("cost_public") or {}).get("total", 0.0))


def check(plan: PlanView, scenario: Scenario) -> list[str]:
    """Check the plan's capital and public yearly cost, recomputed from its tables, against the caps."""
    b, problems = scenario.budget, []
    capital, annual = _figures(dict(plan.summary))
    if b.capital is not None and not scenario.years.programme and capital > b.capital + slack(b.capital):
        problems.append(say("check.capital", value=capital, cap=b.capital))
    if b.annual is not None and annual > b.annual + slack(b.annual):
        problems.append(say("check.annual", value=annual, cap=b.annual))
    return problems


def relax(inputs: Inputs, scenario: Scenario, big: float) -> tuple[Inputs, Scenario] | None:
    """No budget caps."""
    b = scenario.budget
    if b.capital is None and b.annual is None and b.capital_per_year is None:
        return None
    return inputs, scenario.model_copy(update={"budget": b.model_copy(
        update={"capital": None, "annual": None, "capital_per_year": None})})


def explain(plan: Any, inputs: Inputs, scenario: Scenario) -> str:
    """Say which cap the least-cost plan without caps breaks, and by how much."""
    b = scenario.budget
    capital, annual = _figures(plan.summary)
    parts = []
    if b.capital is not None and capital > b.capital + slack(b.capital):
        items = join([say("reason.capital_item", item=_item(item), value=value)
                      for item, value in (plan.summary.get("capital") or {}).items() if item != "total" and value > 0],
                     ", ")
        parts.append(say("reason.budget_capital", cap=b.capital, capital=capital, items=items,
                         more=capital - b.capital))
    if b.annual is not None and annual > b.annual + slack(b.annual):
        parts.append(say("reason.budget_annual", cap=b.annual, annual=annual, more=annual - b.annual))
    if not parts:
        return say("reason.budget_both", capital=capital, annual=annual)
    return say("reason.budget", parts=join(parts))


def _item(name: str):
    """Return a capital item (``places``, ``beds``, ``buses``) in words of both languages; others as they are."""
    return term(f"word.{name}") if f"word.{name}" in SENTENCES else name


FAMILY = Family(
    name="budget",
    order=140,
    summary="Hard caps on one-off capital (places, beds, buses) and on the public yearly cost.",
    reads=("budget.capital", "budget.annual", "budget.capital_per_year", "years.lead_years"),
    define=define,
    check=check,
    relaxation=Relaxation(label=term("relax.budget"), relax=relax, explain=explain),
    across=across,
    check_years=check_years,
    lp_names=("budget_capital", "budget_annual"),
)
