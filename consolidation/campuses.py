"""One school, several campuses (一校多区): the data's campuses and the scenario's, checked before solving.

A campus is an open school run by a main school (one head, one administration); it keeps its own pupils,
places, beds and classes. The data state existing campuses in the schools column ``campus_of`` (the main
school's ID); ``[campuses] pairs`` locks planned ones. Both are checked here, every problem named with its file
(or scenario key), school ID, column and fix; the pairs the model may choose are
:func:`consolidation.travel.campus_candidates`, its rule the ``campuses`` family.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import id_list
from .io import Inputs
from .scenario import Scenario
from .tolerances import EXACT
from .travel import CAMPUS_COLUMN, existing_campuses, school_minutes


def _teaching_points(schools: pd.DataFrame, scenario: Scenario) -> set[str]:
    """Schools that teach only the teaching-point bands (they can be neither a campus nor a main school)."""
    bands = set(scenario.teaching_points.bands)
    only = schools["bands"].astype(str).str.split(",").map(lambda bs: set(bs) <= bands).to_numpy(bool)
    return set(schools["school_id"].astype(str)[only])


def _links(stated: dict[str, str], where: str, ids: set[str], points: set[str]) -> list[str]:
    """Problems of one source of campus links by itself: unknown IDs, a school its own campus, teaching points."""
    problems = []
    unknown_campus = [c for c in stated if c not in ids]
    if unknown_campus:
        problems.append(f"{where}: campus {id_list(unknown_campus)} not in the schools file: use a school_id "
                        "of the schools file")
    unknown = sorted(c for c, m in stated.items() if c in ids and m not in ids)
    if unknown:
        problems.append(f"{where}: school_id {id_list(unknown)} name main schools not in the schools file "
                        f"({id_list(stated[c] for c in unknown)}): give the main school's school_id, or leave it "
                        "blank")
    self_ = sorted(c for c, m in stated.items() if c == m)
    if self_:
        problems.append(f"{where}: school_id {id_list(self_)} name themselves as main school: a campus belongs to "
                        "another school; leave it blank")
    tp = sorted(c for c, m in stated.items() if c in points or m in points)
    if tp:
        problems.append(f"{where}: school_id {id_list(tp)} are, or are run by, a teaching point (a school teaching "
                        "only the teaching-point bands): a campus and its main school teach the older bands too; "
                        "leave it blank or fix the bands column")
    return problems


def campus_problems(inputs: Inputs, scenario: Scenario) -> list[str]:
    """Return every problem of the data's campuses (``campus_of``) and of ``[campuses]`` (``pairs``, ``mains``).

    Unknown IDs, a school its own campus, a campus of two main schools, chains (a main school that is itself a
    campus), teaching points, more campuses than ``max_campuses`` per main, and a campus beyond ``max_minutes``
    of its main school (by :func:`consolidation.travel.school_minutes`).
    """
    rule = scenario.campuses
    schools = inputs.schools
    sfile = scenario.inputs.schools
    ids = set(schools["school_id"].astype(str))
    points = _teaching_points(schools, scenario)
    data, locked = existing_campuses(schools), dict(rule.pairs)
    where_data = f"{sfile}: column {CAMPUS_COLUMN}"
    problems = [*_links(data, where_data, ids, points), *_links(locked, "[campuses] pairs", ids, points)]
    if rule.mains is not None and [m for m in rule.mains if m not in ids]:
        problems.append(f"[campuses] mains: {id_list([m for m in rule.mains if m not in ids])} not in {sfile}: use "
                        "school_id values of the schools file")
    two = sorted(c for c in data if c in locked and locked[c] != data[c])
    if two:
        problems.append(f"{where_data} and [campuses] pairs give school_id {id_list(two)} two different main "
                        "schools: a campus has one main school; remove one of them")
    links = {c: m for c, m in {**data, **locked}.items() if c in ids and m in ids and c != m}
    chained = sorted(c for c, m in links.items() if m in links)
    if chained:
        problems.append(f"{where_data} (or [campuses] pairs): the main schools of school_id {id_list(chained)} "
                        f"({id_list(links[c] for c in chained)}) are themselves campuses: name the main school "
                        "they belong to instead (a campus belongs to a school that is not a campus)")
    per_main = pd.Series(list(links.values()), dtype=object).value_counts()
    many = per_main[per_main > rule.max_campuses]
    if len(many):
        problems.append(f"{where_data} (or [campuses] pairs): main schools {id_list(many.index)} have more than "
                        f"[campuses] max_campuses = {rule.max_campuses} campuses: raise max_campuses or remove links")
    if links and not problems:
        problems += _too_far(links, inputs, scenario, where_data)
    return problems


def _too_far(links: dict[str, str], inputs: Inputs, scenario: Scenario, where: str) -> list[str]:
    """Campuses farther than ``max_minutes`` from their main school (or with no minutes known)."""
    minutes = school_minutes(inputs, scenario)
    limit = scenario.campuses.max_minutes
    far = {c: float(minutes.at[m, c]) for c, m in links.items()}
    bad = sorted(c for c, t in far.items() if np.isnan(t) or t > limit + EXACT)
    if not bad:
        return []
    said = ", ".join(f"{c} -> {links[c]} " + ("(minutes unknown)" if np.isnan(far[c]) else f"({far[c]:.1f} min)")
                     for c in bad[:10])
    return [f"{where} (or [campuses] pairs): school_id {said} beyond [campuses] max_minutes = {limit:g} of their main "
            "school (teachers' one-way minutes): raise max_minutes, give the pair's minutes in the travel file, or "
            "leave it blank"]
