"""A programme's start plan, year by year (rolling horizon): each year's block solved alone, in order.

Year ``y`` is planned alone with the earlier years' decisions fixed: the schools closed before stay closed,
at most ``max_closures_per_year`` of those still open close, and nothing is built (a start needs no
building: it keeps to ``lead_years`` and to the places kept, whatever they are). The years' values, named as
the programme names them (``<name>__y<year>``), are the programme's MIP start: a whole programme that keeps
every rule of every year and every rule across years, which HiGHS then improves with the programme's bound.
The plan reported is the programme model's (verified like any other); the start only gives HiGHS a good
plan early on large counties, where its own first plan came late and far off (1,000 villages x 100
schools x 6 years: the root's first plan after 110 s, 500 times the optimum).

Not used with capital caps (``[budget] capital`` or ``capital_per_year``), which tie the years' spending.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pulp

from . import ProgrammeModel, build_programme

log = logging.getLogger(__name__)


def _within(var: pulp.LpVariable, value: float) -> float:
    """Return a solver's value within the variable's bounds (-2e-14 is 0), whole for an integer variable."""
    if var.cat == pulp.LpInteger:
        value = float(round(value))
    if var.lowBound is not None:
        value = max(value, float(var.lowBound))
    if var.upBound is not None:
        value = min(value, float(var.upBound))
    return value


def applies(programme: ProgrammeModel, integer_columns: int) -> bool:
    """Return True when a year-by-year start is made: several years, no capital caps, a large model.

    Large: at least ``integer_columns`` integer variables. On smaller programmes HiGHS finds a good plan early
    itself (the example programme: at 12 s, the one it ends with) and the start's time is lost to the bound.
    """
    s = programme.scenario
    if s is None or len(programme.models) < 2 or s.budget.capital is not None or s.budget.capital_per_year is not None:
        return False
    return sum(1 for v in programme.problem.variables() if v.cat == pulp.LpInteger) >= integer_columns


def year_by_year(programme: ProgrammeModel, settings: Any, deadline: float) -> dict[str, float] | None:
    """Return a start for the programme, by programme variable name, or None when a year finds no plan in time.

    Each year gets an equal share of the time left before ``deadline`` (``time.perf_counter()`` value).
    """
    from ..solve import solve  # the one-year solve (solve imports this module's caller, not this module)

    scenario = programme.scenario
    assert scenario is not None
    alone = scenario.model_copy(update={"years": scenario.years.model_copy(update={
        "lead_years": max(1, scenario.years.lead_years), "max_closures_per_year": None})})
    most = scenario.years.max_closures_per_year
    start: dict[str, float] = {}
    schools = programme.models[0].schools
    was_open = set(schools.index[schools["lock"] != "closed"])  # open in the data, before the first year
    for k, block in enumerate(programme.models):
        left = deadline - time.perf_counter()
        if left <= 0:
            return None
        year = block.year
        one = alone.model_copy(update={"years": alone.years.model_copy(update={"first": year, "last": year})})
        model = build_programme({year: block.pairs}, {year: block.schools}, one).models[0]
        open_ = model.variables["open"]
        for sid, var in open_.items():
            if sid not in was_open:
                var.lowBound = var.upBound = 0
        if most is not None:
            still = [open_[sid] for sid in was_open if sid in open_]
            gone = sum(1 for sid in was_open if sid not in open_)
            model.problem.addConstraint(pulp.lpSum(still) >= len(still) + gone - most, "start_closures")
        outcome = solve(model, settings.model_copy(update={"time_limit_s": max(left / (len(programme.models) - k),
                                                                               0.5)}))
        if not outcome.has_plan:
            log.debug("year-by-year start: no plan for %s (%s)", year, outcome.status)
            return None
        for var in model.problem.variables():
            start[var.name] = _within(var, float(var.varValue or 0.0))
        was_open = {sid for sid, v in outcome.open.items() if v > 0.5}
    return start
