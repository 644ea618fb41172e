"""Boarder cap (``[boarding] max_boarders_G4_6``): at most N pupils of a band may board, county-wide.

A county may cap boarders of grades 4-6, keeping the others in day schools.

A band has a cap when ``[boarding]`` has a key ``max_boarders_<band>`` and it is set. No variables of its own:
it bounds the boarding pairs' assignments. No cost term.
"""

from __future__ import annotations

from typing import Any

from .. import BANDS
from ..io import Inputs
from ..scenario import Boarding, Scenario
from ..tolerances import slack
from ..messages import band as band_word, join, say, term
from .base import Builder, Family, PlanView, Relaxation


def caps(scenario: Scenario) -> dict[str, float]:
    """Return the capped bands and their caps (pupils)."""
    out = {}
    for band in BANDS:
        cap = getattr(scenario.boarding, f"max_boarders_{band}", None)
        if cap is not None:
            out[band] = float(cap)
    return out


def define(m: Builder, scenario: Scenario) -> None:
    """Boarders of band ``b``: ``sum_{p of band b, boards} n_p assign[p] <= max_boarders_b`` (pupils)."""
    table = m.pairs.table
    boards = table["boards"].to_numpy(bool)
    for band, cap in caps(scenario).items():
        rows = (table["band"].to_numpy() == band) & boards
        if not rows.any():  # nobody of the band can board: the cap holds by itself
            continue
        load = m.loads(rows, by="band")[band]
        m.constrain(load, "<=", m.name("max_boarders", band), cap)


def check(plan: PlanView, scenario: Scenario) -> list[str]:
    """Boarders of each capped band within its cap."""
    a, problems = plan.assignments, []
    for band, cap in caps(scenario).items():
        boarders = float(a.loc[(a["band"] == band) & (a["boards"] == 1), "pupils"].sum())
        if boarders > cap + slack(cap):
            problems.append(say("check.boarder_cap", boarders=boarders, band=band_word(band), band_id=band, cap=cap))
    return problems


def relax(inputs: Inputs, scenario: Scenario, big: float) -> tuple[Inputs, Scenario] | None:
    """No cap on boarders."""
    if not caps(scenario):
        return None
    return inputs, scenario.model_copy(update={"boarding": scenario.boarding.model_copy(
        update={f"max_boarders_{band}": None for band in caps(scenario)})})


def explain(plan: Any, inputs: Inputs, scenario: Scenario) -> str:
    """How many boarders of each capped band a plan needs."""
    a = plan.assignments
    need = {band: float(a.loc[(a["band"] == band) & (a["boards"] == 1), "pupils"].sum()) for band in caps(scenario)}
    detail = join([say("reason.boarder_cap_item", band_id=band, cap=cap, need=need[band], band=band_word(band))
                   for band, cap in caps(scenario).items() if need[band] > cap])
    return say("reason.boarder_cap", detail=detail or term("word.caps_on_boarders"))


FAMILY = Family(
    name="boarder_cap",
    order=130,
    summary="At most N pupils of a band may board, county-wide.",
    reads=tuple(f"boarding.{key}" for key in Boarding.model_fields if key.startswith("max_boarders_")),
    define=define,
    check=check,
    relaxation=Relaxation(label=term("relax.boarder_cap"), relax=relax, explain=explain),
    lp_names=("max_boarders__",),
)
