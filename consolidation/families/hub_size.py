"""Hub size (``schools.min_hub_pupils``): a hub, taking in pupils from other schools, keeps a minimum.

A school that takes in pupils from other schools ends with at least ``min_hub_pupils`` pupils.

Declares ``hub__S``, binary, 1 if ``s`` takes in pupils from other schools, for open schools that some
moving pair reaches (only when ``min_hub_pupils > 0``; ``open_link`` gates moving pairs by it).
"""

from __future__ import annotations

from typing import Any

from ..io import Inputs
from ..scenario import Scenario
from ..tolerances import SOLVER
from ..messages import ids, say, term
from .base import Builder, Family, PlanView, Relaxation


def declare(m: Builder, scenario: Scenario) -> None:
    """``hub`` (keyed by ``school_id``): binary, with ``min_hub_pupils > 0`` only."""
    hub: dict = {}
    if scenario.schools.min_hub_pupils > 0:
        table = m.pairs.table
        receiving = set(table.loc[table["moves"], "school_id"])
        hub = {sid: m.variable(f"hub__{m.school_name(sid)}", kind="binary") for sid in m["open"] if sid in receiving}
    m.declare("hub", hub)


def define(m: Builder, scenario: Scenario) -> None:
    """Keep each hub at ``min_hub_pupils`` or more: ``sum_p n_p assign[p] >= min_hub_pupils hub[s]``."""
    hub = m["hub"]
    if not hub:
        return
    loads = m.loads()
    for sid, var in hub.items():
        m.constrain(loads[sid] - scenario.schools.min_hub_pupils * var, ">=", m.name("hub_size", sid), 0)


def check(plan: PlanView, scenario: Scenario) -> list[str]:
    """Every hub at least ``min_hub_pupils``."""
    s, minimum = plan.schools, scenario.schools.min_hub_pupils
    hubs = (s["role"] == "hub") | ((s["role"] == "campus") & (s["pupils_moved_in"] > SOLVER))  # campus: 一校多区
    small = s.index[hubs & (plan.load < minimum - SOLVER)]
    return [say("check.hub_size", n=minimum, ids=ids(small))] if len(small) else []


def relax(inputs: Inputs, scenario: Scenario, big: float) -> tuple[Inputs, Scenario] | None:
    """No minimum hub size."""
    if scenario.schools.min_hub_pupils <= 0:
        return None
    return inputs, scenario.model_copy(update={"schools": scenario.schools.model_copy(update={"min_hub_pupils": 0})})


def explain(plan: Any, inputs: Inputs, scenario: Scenario) -> str:
    """Say that the hub size cannot be met."""
    return say("reason.hub_size", n=scenario.schools.min_hub_pupils)


FAMILY = Family(
    name="hub_size",
    order=100,
    summary="A school that takes in pupils from other schools ends with at least min_hub_pupils.",
    reads=("schools.min_hub_pupils",),
    declare=declare,
    define=define,
    check=check,
    relaxation=Relaxation(label=term("relax.hub_size"), relax=relax, explain=explain),
    lp_names=("hub__", "hub_open__", "hub_size__"),
)
