"""What places and beds share: a stock each school has, topped up at open schools only.

A stock is a schools column (``capacity`` or ``beds``) with its ceiling (``max_capacity`` or ``max_beds``).
The rows of a family are ``load[s] <= stock[s] open[s] + added[s]`` and ``added[s] <= room[s] open[s]``; a
school whose stock holds every pupil of every pair that may reach it needs neither (the links
``assign[p] <= open[s]`` imply the row).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

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
