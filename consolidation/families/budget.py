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
    if b.capital is not None:
        m.constrain(capital_expr(m, scenario), "<=", "budget_capital", b.capital)
    if b.annual is not None:
        terms: dict[str, Any] = {}
        for family in REGISTRY:
            if family.objective is not None:
                terms.update(family.objective(m, scenario))
        m.constrain(m.total([v for k, v in terms.items() if k in PUBLIC]), "<=", "budget_annual", b.annual)


def _figures(summary: dict) -> tuple[float, float]:
    """Return a plan's one-off capital and public yearly cost (yuan)."""
    return float((summary.get("capital") or {}).get("total", 0.0)), float(
        (summary.get("cost_public") or {}).get("total", 0.0))


def check(plan: PlanView, scenario: Scenario) -> list[str]:
    """Check the plan's capital and public yearly cost, recomputed from its tables, against the caps."""
    b, problems = scenario.budget, []
    capital, annual = _figures(dict(plan.summary))
    if b.capital is not None and capital > b.capital + slack(b.capital):
        problems.append(f"the plan needs {capital:,.0f} yuan of capital, [budget] capital = {b.capital:,.0f}")
    if b.annual is not None and annual > b.annual + slack(b.annual):
        problems.append(f"the plan costs the public {annual:,.0f} yuan a year, [budget] annual = {b.annual:,.0f}")
    return problems


def relax(inputs: Inputs, scenario: Scenario, big: float) -> tuple[Inputs, Scenario] | None:
    """No budget caps."""
    if scenario.budget.capital is None and scenario.budget.annual is None:
        return None
    return inputs, scenario.model_copy(update={"budget": scenario.budget.model_copy(
        update={"capital": None, "annual": None})})


def explain(plan: Any, inputs: Inputs, scenario: Scenario) -> str:
    """Say which cap the least-cost plan without caps breaks, and by how much."""
    b = scenario.budget
    capital, annual = _figures(plan.summary)
    parts = []
    if b.capital is not None and capital > b.capital + slack(b.capital):
        items = ", ".join(f"{item} {value:,.0f}" for item, value in (plan.summary.get("capital") or {}).items()
                          if item != "total" and value > 0)
        parts.append(f"[budget] capital = {b.capital:,.0f} yuan, but the least-cost plan without the caps needs "
                     f"{capital:,.0f} yuan one-off ({items}), {capital - b.capital:,.0f} more")
    if b.annual is not None and annual > b.annual + slack(b.annual):
        parts.append(f"[budget] annual = {b.annual:,.0f} yuan a year, but the least-cost plan without the caps "
                     f"costs the public {annual:,.0f} ({annual - b.annual:,.0f} more)")
    if not parts:
        return ("The budget caps cannot both hold with the other rules, though the least-cost plan without them "
                f"needs {capital:,.0f} yuan one-off and {annual:,.0f} a year: raise [budget] capital or annual.")
    return ("The budget is too small: " + "; ".join(parts)
            + ". Raise the cap, or relax the rules that need the spending.")


FAMILY = Family(
    name="budget",
    order=140,
    summary="Hard caps on one-off capital (places, beds, buses) and on the public yearly cost.",
    reads=("budget.capital", "budget.annual"),
    define=define,
    check=check,
    relaxation=Relaxation(label="the budget caps", relax=relax, explain=explain),
    lp_names=("budget_capital", "budget_annual"),
)
