"""What places and beds share: a stock each school has, topped up at open schools only.

A stock is a schools column (``capacity`` or ``beds``) with its ceiling (``max_capacity`` or ``max_beds``).
The rows of a family are ``load[s] <= stock[s] open[s] + added[s]`` and ``added[s] <= room[s] open[s]``; a
school whose stock holds every pupil of every pair that may reach it needs neither (the links
``assign[p] <= open[s]`` imply the row).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np


from ..messages import SENTENCES, ids, say, term
from .base import Builder


def always_fits(m: Builder, mask: np.ndarray | None, column: str) -> set:
    """Return the schools whose ``column`` holds the pupils of every pair in ``mask`` that may reach them.

    ``mask`` selects rows of the pairs table (None: every pair).
    """
    table = m.pairs.table if mask is None else m.pairs.table.loc[mask]
    reach = table.groupby("school_id", sort=False)["pupils"].sum()
    have = m.schools[column].reindex(reach.index)
    return set(reach.index[(reach <= have).to_numpy()])


def declare_added(m: Builder, block: str, column: str, ceiling: str, among: Callable[[str], bool]) -> None:
    """Declare ``block`` (keyed by ``school_id``): stock added, continuous in [0, ``ceiling - column``].

    One variable ``<block>__<school>`` per open school with room to grow for which ``among(school_id)`` holds.
    """
    room = (m.schools[ceiling] - m.schools[column]).clip(lower=0)
    m.declare(block, {sid: m.variable(f"{block}__{m.school_name(sid)}", low=0, up=float(room[sid]))
                      for sid in m["open"] if room[sid] > 0 and among(sid)})


def define_rows(m: Builder, mask: np.ndarray, column: str, block: str, row: str, link: str) -> None:
    """Add the rows of a stock: what pupils use of it, and what may be added.

    ``load[s] <= column[s] open[s] + block[s]`` (named ``row``) over the pairs in ``mask``, and
    ``block[s] <= room[s] open[s]`` (named ``link``) for every variable of ``block``.
    """
    added, open_ = m[block], m["open"]
    for sid, load in m.loads(mask).items():
        rhs = float(m.schools.at[sid, column]) * open_[sid] + (added[sid] if sid in added else 0)
        m.constrain(load - rhs, "<=", m.name(row, sid), 0)
    for sid, var in added.items():
        m.constrain(var - var.upBound * open_[sid], "<=", m.name(link, sid), 0)


def link_years(builders: Sequence[Builder], scenario, block: str, column: str, ceiling: str) -> None:
    """Link a stock's years: usable only ``years.lead_years`` after the programme starts, and kept.

    ``block[s,y] = 0`` in the first ``lead_years`` planned years (build before close: nothing built is usable
    yet); ``block[s,y] >= block[s,y-1] - room[s] (1 - open[s,y])`` (named ``<block>_kept``): a stock stays
    while its school is open. When a budget caps capital, ``<block>_built[s,y] >= block[s,y] - block[s,y-1]``
    (the stock built for year ``y``, paid ``lead_years`` before) is declared on year ``y``'s builder.
    """
    years = scenario.years
    first, lead = builders[0].year, years.lead_years
    priced = scenario.budget.capital is not None or scenario.budget.capital_per_year is not None
    for k, m in enumerate(builders):
        added, open_ = m[block], m["open"]
        before = builders[k - 1][block] if k else {}
        room = (m.schools[ceiling] - m.schools[column]).clip(lower=0)
        for sid, var in added.items():
            if sid in before:
                m.constrain(var - before[sid] - float(room[sid]) * open_[sid], ">=", m.name(f"{block}_kept", sid),
                            -float(room[sid]))
        built = {}
        if priced and m.year - first >= lead:  # nothing is built for the first lead_years: it would not be usable
            for sid, var in added.items():
                built[sid] = m.variable(f"{block}_built__{m.school_name(sid)}", low=0)
                m.constrain(built[sid] - var + (before[sid] if sid in before else 0), ">=",
                            m.name(f"{block}_new", sid), 0)
        m.declare(f"{block}_built", built)
        if m.year - first < lead:
            for var in added.values():
                m.fix(var, 0.0)


def check_years(programme, scenario, column: str, what: str) -> list[str]:
    """Check a stock's rules across years from the plans' tables: none in the first ``lead_years``, then kept.

    ``column`` is the schools column of the stock added (``places_added``, ``beds_added``).
    """
    stock = programme.by_year(column)
    open_ = programme.by_year("open")
    first, lead, problems = programme.years[0], scenario.years.lead_years, []
    for k, year in enumerate(programme.years):
        if year - first < lead:
            early = stock.index[stock[year] > 1e-6]
            if len(early):
                problems.append(say("check.built_early", what=_word(what), ids=ids(early), year=year, lead=lead))
        elif k:
            lost = stock.index[(open_[year] == 1) & (stock[year] + 1e-6 < stock[programme.years[k - 1]])]
            if len(lost):
                problems.append(say("check.built_gone", what=_word(what), year=year, ids=ids(lost)))
    return problems


def _word(what: str):
    """Return the stock's word (``places``, ``beds``) in both languages; other words as they are."""
    return term(f"word.{what.lower()}") if f"word.{what.lower()}" in SENTENCES else what
