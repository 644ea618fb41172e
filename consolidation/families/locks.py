"""Locks: a school locked open stays open, one locked closed stays closed (the schools' ``lock`` column).

The lock fixes the bounds of ``open[s]``; a school locked closed also has no pairs (see ``travel``).
"""

from __future__ import annotations

from ..scenario import Scenario
from ..messages import ids, say
from .base import Builder, Family, PlanView


def define(m: Builder, scenario: Scenario) -> None:
    """Fix ``open[s] = 1`` for a school locked open, ``open[s] = 0`` for one locked closed (bounds of ``open``)."""
    lock = m.schools["lock"]
    for sid, var in m["open"].items():
        if lock.at[sid] in ("open", "closed"):
            m.fix(var, 1 if lock.at[sid] == "open" else 0)


def check(plan: PlanView, scenario: Scenario) -> list[str]:
    """Every lock held."""
    s = plan.schools
    locked = s[((s["lock"] == "open") & (s["open"] == 0)) | ((s["lock"] == "closed") & (s["open"] == 1))]
    return [say("check.locks", ids=ids(locked.index))] if len(locked) else []


FAMILY = Family(
    name="locks",
    order=20,
    summary="A school locked open stays open; one locked closed stays closed.",
    reads=("schools: lock",),
    define=define,
    check=check,
)
