"""Open count: at most ``schools.max_open`` schools open, or exactly ``schools.open_exactly``."""

from __future__ import annotations

from typing import Any

from ..io import Inputs
from ..scenario import Scenario
from ..messages import ids, say, term
from .base import Builder, Family, PlanView, Relaxation


def define(m: Builder, scenario: Scenario) -> None:
    """Limit open schools: ``sum_s open[s] <= max_open`` and ``sum_s open[s] = open_exactly`` (schools)."""
    rule = scenario.schools
    if rule.max_open is None and rule.open_exactly is None:
        return
    total = m.total(m["open"].values())
    if rule.max_open is not None:
        m.constrain(total, "<=", "max_open", rule.max_open)
    if rule.open_exactly is not None:
        m.constrain(total, "==", "open_exactly", rule.open_exactly)


def check(plan: PlanView, scenario: Scenario) -> list[str]:
    """Check the number of open schools is within ``max_open`` and equal to ``open_exactly``."""
    n_open, rule, problems = int(plan.schools["open"].sum()), scenario.schools, []
    if rule.max_open is not None and n_open > rule.max_open:
        problems.append(say("check.max_open", n=n_open, bound=rule.max_open))
    if rule.open_exactly is not None and n_open != rule.open_exactly:
        problems.append(say("check.open_exactly", n=n_open, bound=rule.open_exactly))
    return problems


def relax(inputs: Inputs, scenario: Scenario, big: float) -> tuple[Inputs, Scenario] | None:
    """No limit on the number of open schools."""
    if scenario.schools.max_open is None and scenario.schools.open_exactly is None:
        return None
    return inputs, scenario.model_copy(update={"schools": scenario.schools.model_copy(
        update={"max_open": None, "open_exactly": None})})


def explain(plan: Any, inputs: Inputs, scenario: Scenario) -> str:
    """How many schools a plan needs open."""
    return say("reason.open_count", n=plan.summary["schools_open"])


def across(builders, scenario: Scenario) -> None:
    """At most ``years.max_closures_per_year`` closures a year (``closures``).

    The first year: ``sum_s (1 - open[s,first]) <= max`` over schools not locked closed (schools without an
    ``open`` variable count as closed); later years: ``sum_s open[s,y-1] - open[s,y] <= max``.
    """
    most = scenario.years.max_closures_per_year
    if most is None:
        return
    first = builders[0]
    eligible = first.schools.index[first.schools["lock"] != "closed"]
    open_ = first["open"]
    unreached = sum(1 for sid in eligible if sid not in open_)
    first.constrain(-first.total([open_[sid] for sid in eligible if sid in open_]), "<=", "closures",
                    most - len(eligible) + unreached)
    for before, m in zip(builders, builders[1:]):
        was = before["open"]
        now = [m["open"][sid] for sid in was if sid in m["open"]]
        m.constrain(m.total(was.values()) - m.total(now), "<=", "closures", most)


def closures(programme) -> dict[int, list[str]]:
    """Return the schools closed in each planned year (the first year: those open in the data and closed)."""
    open_ = programme.by_year("open")
    locked = programme.plans[0].schools.set_index("school_id")["lock"] == "closed"
    out, before = {}, (~locked).astype(int)
    for year in programme.years:
        out[year] = list(open_.index[(before == 1) & (open_[year] == 0)])
        before = open_[year]
    return out


def check_years(programme, scenario: Scenario) -> list[str]:
    """At most ``max_closures_per_year`` schools closed in any planned year."""
    most = scenario.years.max_closures_per_year
    if most is None:
        return []
    return [say("check.closures", n=len(shut), year=year, ids=ids(shut), most=most)
            for year, shut in closures(programme).items() if len(shut) > most]


FAMILY = Family(
    name="open_count",
    order=110,
    summary="At most max_open schools open, or exactly open_exactly.",
    reads=("schools.max_open", "schools.open_exactly"),
    define=define,
    check=check,
    relaxation=Relaxation(label=term("relax.open_count"), relax=relax, explain=explain),
    lp_names=("max_open", "open_exactly"),
    across=across,
    check_years=check_years,
)
