"""Travel and boarding: the pairs a pupil may take, pruned before the model is built.

The rule lives in the pairs table (:func:`consolidation.travel.build_pairs`): no variable exists for a school
that is locked closed or does not teach the band, a day trip over the band's ``max_minutes`` where the band
may not board or the weekly trip is over ``boarding.max_weekly_minutes``, or a school with
``can_be_hub = false`` for pupils who attend another school today. Its golden LP file shows a far pair
without a variable. A village and band that no pair serves is explained before solving
(:func:`consolidation.checks.infeasibility_reasons`).
"""

from __future__ import annotations

from .. import BANDS
from ..scenario import Scenario
from ..tolerances import SOLVER
from ..messages import band as band_word, ids, say
from .base import Family, PlanView


def check(plan: PlanView, scenario: Scenario) -> list[str]:
    """Check every assignment against the travel rules.

    Only schools that teach the band; day trips within the band's limit; boarders only where the band may
    board and within the weekly limit; nobody moved into a school that cannot be a hub.
    """
    a, s, school = plan.assignments, plan.schools, plan.school_of_row
    problems: list[str] = []
    for band in BANDS:
        rows = a["band"] == band
        wrong = a.loc[rows & ~school["bands"].str.split(",").map(lambda bs, b=band: b in bs).to_numpy(), "school_id"]
        if len(wrong):
            problems.append(say("check.not_taught", band=band_word(band), ids=ids(wrong.unique())))
        rule = scenario.rules.band(band)
        day = rows & (a["boards"] == 0)
        if rule.max_minutes is not None:
            over = a[day & (a["minutes"] > rule.max_minutes + SOLVER)]
            if len(over):
                problems.append(say("check.day_limit", band=band_word(band), limit=rule.max_minutes,
                                    ids=ids(over["origin_id"])))
        boards = rows & (a["boards"] == 1)
        if boards.any() and not rule.boarding:
            problems.append(say("check.may_not_board", band=band_word(band), ids=ids(a.loc[boards, "origin_id"])))
        weekly = scenario.boarding.max_weekly_minutes
        if weekly is not None:
            over = a[boards & (a["minutes"] > weekly + SOLVER)]
            if len(over):
                problems.append(say("check.weekly", band=band_word(band), limit=weekly, ids=ids(over["origin_id"])))
    no_hub = s.index[(s["pupils_moved_in"] > SOLVER) & ~s["can_be_hub"].astype(bool)]
    if len(no_hub):
        problems.append(say("check.not_hub", ids=ids(no_hub)))
    return problems


FAMILY = Family(
    name="travel",
    order=10,
    summary="Pairs no rule allows (over the day limit and not boarding, weekly trip too long, school not "
            "teaching the band or locked closed, can_be_hub = false) never become variables.",
    reads=("rules.<band>.max_minutes", "rules.<band>.boarding", "rules.<band>.mode", "boarding.max_weekly_minutes",
           "travel.walk_kmh", "travel.bus_kmh", "travel.detour", "schools: bands, can_be_hub, lock"),
    check=check,
)
