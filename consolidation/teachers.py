"""Teachers after a plan: staff posts, life teachers, and redeployment following the pupils.

Staff posts per open school, life teachers for boarders, and the teachers of closed or overstaffed schools
redeployed to the schools that lack them, following the pupils.

This stage reads a verified :class:`~consolidation.plan.Plan` and never changes it; :func:`assess` returns
the counts as a value and :func:`with_staffing` a new plan that carries them.

Counting rules
--------------
One definition, used for every figure here; the teacher limit in ``model.py``
(``[teachers] within_available``) is the same rule in linear form. ``P`` and ``J`` are a school's primary
(G1_3 + G4_6) and junior (G7_9) pupils after the plan; the settings are the scenario's ``[teachers]``.

- Classes of a band = ``ceil(pupils of the band / class size)``: mixed-grade classes within a band, the
  primary bands (G1_3, G4_6) in classes of ``class_size_primary`` (45), G7_9 of ``class_size_junior`` (50);
  no pupils, no class.
- Staff posts of an open school =
  ``ceil(max(P / pupils_per_post_primary + J / pupils_per_post_junior,
  posts_per_class_primary x primary classes + posts_per_class_junior x junior classes) - 1e-9)``
  (19 and 13.5 pupils a post, floors of 1.7 and 2.5 posts a class); a closed school needs none.
- The posts are split into primary and junior posts for the reports in proportion to the two parts of
  the larger term (the pupil ratio, or the class floor when it is larger), whole posts by largest
  remainder (a tie goes to primary); the two parts always add up to the school's posts.
- Life teachers (生活老师) of a school = ``ceil(boarders / boarders_per_life_teacher - 1e-9)`` (30).
- A school needs its posts plus its life teachers; ``teachers_needed`` is that summed over the schools.
  Life teachers are counted against the same teachers as posts (as in Qilihe, where teachers of closed
  schools became life teachers at the boarding hub), so the teacher limit and the redeployment below
  treat them alike.
- Teachers available = ``teachers`` + ``teachers_junior`` (a missing ``teachers_junior`` column counts
  0: ``teachers`` then covers every grade). Without a ``teachers`` column the data say nothing about
  teachers: the counts of teachers available, redeployed, surplus and to recruit are unknown (None).

Redeployment
------------
A school's surplus is its teachers less what it needs (a closed school: all its teachers); a school
whose need exceeds its teachers has a shortfall. Primary and junior teachers are not told apart here.
Surplus teachers move to shortfalls in two steps, whole teachers only:

1. Following the pupils: the surplus of each school whose pupils moved is shared among the receiving
   schools with a shortfall in proportion to the pupils it sent each (from ``current_school_id`` to
   ``school_id`` in the assignments); where the shares into a school exceed its shortfall they are scaled
   down to it. Whole teachers by largest remainder: every pair first gets the whole part of its share,
   then the pairs with the largest fractions one teacher more each (ties: more pupils sent, then IDs),
   until the shares' total, rounded down, is reached, never beyond a sender's surplus or a receiver's
   shortfall.
2. Nearest first: every remaining shortfall is filled from the remaining surplus, taking school pairs
   from the shortest trip up (ties by ID), as many teachers as both allow.

Teachers nobody needs stay where they are (``teachers_surplus``); shortfalls nobody fills are posts to
recruit (``posts_to_recruit``). So ``teachers_available - teachers_needed = teachers_surplus -
posts_to_recruit``. A move's ``minutes`` is the teachers' one-way trip from the old school to the new one
by road, by the one rule for trips between schools (:func:`consolidation.travel.school_minutes`): the
travel CSV's minutes where it lists the pair, else straight-line metres in the schools' metric CRS x
``travel.detour`` at ``travel.bus_kmh`` (unknown, NaN, without coordinates; step 2 then takes pairs in
ID order).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import BANDS, pupils_column
from .io import Inputs, teachers_available, whole_classes
from .plan import Plan
from .scenario import Scenario, Teachers
from .tolerances import EXACT as EPS
from .travel import school_minutes
PRIMARY = ("G1_3", "G4_6")
STAFFING_COLUMNS = ["school_id", "name", "open", "classes_g1_3", "classes_g4_6", "classes_g7_9", "posts_primary",
                    "posts_junior", "posts_needed", "life_teachers", "teachers_needed", "teachers_available",
                    "surplus", "shortfall"]
"""Columns of :func:`staffing`: classes per band, posts (primary, junior and in all), life teachers, what the
school needs (posts + life teachers), its teachers today, and its surplus and shortfall (NaN when unknown)."""
REDEPLOY_COLUMNS = ["from_school_id", "from_name", "to_school_id", "to_name", "teachers", "minutes"]
"""Columns of :func:`redeploy` and of ``teachers.csv``: one row per school pair, ``minutes`` one way."""
PLAN_COLUMNS = ["posts_needed", "posts_primary", "posts_junior", "life_teachers", "teachers_after"]
"""Columns :func:`with_staffing` adds to the plan's school table (``teachers_after``: its teachers after
redeployment, only when the data have teachers)."""


@dataclass(frozen=True)
class Staffing:
    """Teachers after a plan.

    Attributes
    ----------
    schools
        :func:`staffing`'s table plus ``teachers_out``, ``teachers_in`` and ``teachers_after`` (teachers
        leaving, arriving, and there after redeployment; NaN when the data lack teachers).
    moves
        :func:`redeploy`'s table (empty when the data lack teachers).
    summary
        :func:`teacher_summary`'s figures.
    """

    schools: pd.DataFrame
    moves: pd.DataFrame
    summary: dict[str, Any]

    @property
    def known(self) -> bool:
        """True when the data say how many teachers each school has (a ``teachers`` column)."""
        return self.summary.get("teachers_available") is not None

    def describe(self) -> str:
        """One line for the log, e.g. ``320 needed (305 posts, 15 life teachers), 359 available, ...``."""
        s = self.summary
        head = (f"{s['teachers_needed']:,} needed ({s['teachers_needed'] - s['life_teachers']:,} posts, "
                f"{s['life_teachers']:,} life teachers)")
        if not self.known:
            return head + "; the schools file has no teachers column"
        return (f"{head}, {s['teachers_available']:,} available, {s['teachers_redeployed']:,} redeployed, "
                f"{s['posts_to_recruit']:,} to recruit, {s['teachers_surplus']:,} surplus")


def _split(total: int, primary: float, junior: float) -> tuple[int, int]:
    """``total`` whole posts split in proportion to ``primary`` and ``junior`` by largest remainder."""
    if total <= 0 or primary + junior <= 0:
        return 0, 0
    share = total * primary / (primary + junior)
    first = math.floor(share + EPS)
    if share - first >= 0.5 - EPS:  # primary's remainder is the larger (a tie goes to primary)
        first += 1
    first = min(first, int(total))
    return first, int(total) - first


def posts(primary_pupils: float, junior_pupils: float, primary_classes: float, junior_classes: float,
          settings: Teachers) -> tuple[int, int, int]:
    """Staff posts of one open school: ``(total, primary, junior)`` by the rules in the module docstring.

    Parameters
    ----------
    primary_pupils, junior_pupils
        Pupils of grades 1-6 and of grades 7-9 after the plan.
    primary_classes, junior_classes
        Whole classes of the primary bands together, and of G7_9.
    settings
        The scenario's ``[teachers]``.
    """
    ratio_p = primary_pupils / settings.pupils_per_post_primary
    ratio_j = junior_pupils / settings.pupils_per_post_junior
    floor_p = settings.posts_per_class_primary * primary_classes
    floor_j = settings.posts_per_class_junior * junior_classes
    total = max(0, math.ceil(max(ratio_p + ratio_j, floor_p + floor_j) - EPS))
    part_p, part_j = (floor_p, floor_j) if floor_p + floor_j > ratio_p + ratio_j else (ratio_p, ratio_j)
    first, second = _split(total, part_p, part_j)
    return total, first, second


def staffing(plan_schools: pd.DataFrame, settings: Teachers) -> pd.DataFrame:
    """Return posts, life teachers and teachers per school after a plan (columns :data:`STAFFING_COLUMNS`).

    Parameters
    ----------
    plan_schools
        The plan's school table: ``school_id``, ``name``, ``open``, pupils per band after the plan,
        ``boarders``, and ``teachers`` (and ``teachers_junior``) when the data have them.
    settings
        The scenario's ``[teachers]``.

    Returns
    -------
    pandas.DataFrame
        One row per school, in the plan's order. Counts are whole numbers (floats); ``teachers_available``,
        ``surplus`` and ``shortfall`` are NaN when the data lack teachers. A closed school needs nothing,
        so its surplus is all its teachers.
    """
    s = plan_schools.reset_index(drop=True)
    is_open = pd.to_numeric(s["open"], errors="coerce").fillna(0).to_numpy() > 0.5
    out = pd.DataFrame({"school_id": s["school_id"].astype(str), "name": s["name"].astype(str),
                        "open": is_open.astype(int)})
    for band in BANDS:
        out["classes_" + band.lower()] = np.where(is_open, whole_classes(s[pupils_column(band)], band, settings), 0.0)
    primary = sum(s[pupils_column(b)].to_numpy(float) for b in PRIMARY)
    junior = s[pupils_column("G7_9")].to_numpy(float)
    counted = [posts(p, j, cp, cj, settings) if o else (0, 0, 0) for p, j, cp, cj, o in zip(
        primary, junior, out["classes_g1_3"] + out["classes_g4_6"], out["classes_g7_9"], is_open)]
    out["posts_primary"] = [float(c[1]) for c in counted]
    out["posts_junior"] = [float(c[2]) for c in counted]
    out["posts_needed"] = [float(c[0]) for c in counted]
    boarders = pd.to_numeric(s["boarders"], errors="coerce").fillna(0.0).to_numpy() if "boarders" in s else 0.0
    life = np.ceil(np.asarray(boarders, float) / settings.boarders_per_life_teacher - EPS).clip(min=0)
    out["life_teachers"] = np.where(is_open, life, 0.0)
    out["teachers_needed"] = out["posts_needed"] + out["life_teachers"]
    out["teachers_available"] = teachers_available(s).to_numpy(float)
    gap = out["teachers_available"] - out["teachers_needed"]
    out["surplus"] = gap.clip(lower=0) + 0.0  # + 0.0: no negative zeros in the tables
    out["shortfall"] = (-gap).clip(lower=0) + 0.0
    return out[STAFFING_COLUMNS]


def _pupil_flows(assignments: pd.DataFrame) -> pd.Series:
    """Pupils moved from each school today to each school in the plan, indexed ``(from, to)``."""
    a = assignments
    if len(a) == 0:
        return pd.Series(dtype=float)
    current = a["current_school_id"].astype(object).where(a["current_school_id"].notna(), "").astype(str)
    rows = (a["moved"] == 1) & (current != "") & (current != a["school_id"].astype(str))
    return a[rows].groupby([current[rows], a.loc[rows, "school_id"].astype(str)])["pupils"].sum()


def redeploy(table: pd.DataFrame, assignments: pd.DataFrame, minutes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Move surplus teachers to shortfalls, following the pupils first, then nearest first.

    Parameters
    ----------
    table
        :func:`staffing`'s table (``school_id``, ``name``, ``surplus``, ``shortfall``).
    assignments
        The plan's assignments (``pupils``, ``school_id``, ``current_school_id``, ``moved``).
    minutes
        One-way minutes between schools (:func:`consolidation.travel.school_minutes`); None: unknown.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`REDEPLOY_COLUMNS`: one row per pair of schools between which teachers move (whole
        teachers, ``minutes`` one way from the old school to the new), ordered by sending then receiving
        school. Empty when the data lack teachers or nobody moves.
    """
    if len(table) == 0 or table["surplus"].isna().all():
        return pd.DataFrame(columns=REDEPLOY_COLUMNS)
    ids = table["school_id"].astype(str)
    left = dict(zip(ids, table["surplus"].fillna(0).round().astype(int)))
    need = dict(zip(ids, table["shortfall"].fillna(0).round().astype(int)))
    moved: dict[tuple[str, str], int] = {}
    _follow_pupils(assignments, left, need, moved)
    _nearest_first(minutes, left, need, moved)

    names = dict(zip(ids, table["name"].astype(str)))
    rows = [{"from_school_id": src, "from_name": names.get(src, src), "to_school_id": dst,
             "to_name": names.get(dst, dst), "teachers": n,
             "minutes": float(minutes.at[src, dst]) if minutes is not None else math.nan}
            for (src, dst), n in sorted(moved.items()) if n > 0]
    return pd.DataFrame(rows, columns=REDEPLOY_COLUMNS)


def _give(moved: dict[tuple[str, str], int], left: dict[str, int], need: dict[str, int], src: str, dst: str,
          n: int) -> None:
    """Move ``n`` teachers from ``src`` to ``dst`` (nothing when ``n`` is 0), updating surplus and shortfall."""
    if n > 0:
        moved[(src, dst)] = moved.get((src, dst), 0) + n
        left[src] -= n
        need[dst] -= n


def _follow_pupils(assignments: pd.DataFrame, left: dict[str, int], need: dict[str, int],
                   moved: dict[tuple[str, str], int]) -> None:
    """Share each sender's surplus by pupils sent, capped by each receiver's shortfall (whole teachers).

    The fractions left over go, one teacher at a time, to the largest remainders (then most pupils sent).
    ``left``, ``need`` and ``moved`` are updated in place.
    """
    share: dict[tuple[str, str], float] = {}
    sent: dict[tuple[str, str], float] = {}
    for src, flows in _pupil_flows(assignments).groupby(level=0):
        flows = flows.droplevel(0)
        flows = flows[[need.get(dst, 0) > 0 and dst != src for dst in flows.index]]
        if left.get(src, 0) <= 0 or flows.sum() <= 0:
            continue
        for dst, pupils in flows.items():
            share[(src, dst)] = left[src] * pupils / flows.sum()
            sent[(src, dst)] = pupils
    into: dict[str, float] = {}
    for (_src, dst), x in share.items():
        into[dst] = into.get(dst, 0.0) + x
    share = {(src, dst): x * min(1.0, need[dst] / into[dst]) for (src, dst), x in share.items()}
    for (src, dst), x in sorted(share.items()):
        _give(moved, left, need, src, dst, math.floor(x + EPS))
    extra = math.floor(sum(share.values()) + EPS) - sum(moved.values())
    by_remainder = sorted(share, key=lambda k: (-(share[k] - math.floor(share[k] + EPS)), -sent[k], k))
    for src, dst in by_remainder:
        if extra <= 0:
            break
        if share[(src, dst)] - math.floor(share[(src, dst)] + EPS) > EPS and left[src] > 0 and need[dst] > 0:
            _give(moved, left, need, src, dst, 1)
            extra -= 1


def _nearest_first(minutes: pd.DataFrame | None, left: dict[str, int], need: dict[str, int],
                   moved: dict[tuple[str, str], int]) -> None:
    """Fill the remaining shortfalls from the remaining surplus, shortest trip (minutes) first.

    Pairs without a known time come last. ``left``, ``need`` and ``moved`` are updated in place.
    """
    trips = []
    for src in sorted(s for s, n in left.items() if n > 0):
        for dst in sorted(d for d, n in need.items() if n > 0 and d != src):
            m = float(minutes.at[src, dst]) if minutes is not None else math.nan
            trips.append((math.inf if math.isnan(m) else m, src, dst))
    for _m, src, dst in sorted(trips):
        _give(moved, left, need, src, dst, min(left[src], need[dst]))


def _after(table: pd.DataFrame, moves: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``teachers_out``, ``teachers_in`` and ``teachers_after`` per school."""
    sid = table["school_id"]
    out = sid.map(moves.groupby("from_school_id")["teachers"].sum()).fillna(0.0).astype(float)
    came = sid.map(moves.groupby("to_school_id")["teachers"].sum()).fillna(0.0).astype(float)
    known = table["teachers_available"].notna()
    return table.assign(teachers_out=out.where(known), teachers_in=came.where(known),
                        teachers_after=(table["teachers_available"] - out + came).where(known))


def teacher_summary(table: pd.DataFrame, moves: pd.DataFrame) -> dict[str, Any]:
    """Headline teacher figures (whole numbers; None where the data lack teachers).

    ``teachers_needed`` (posts plus life teachers), ``life_teachers``, ``teachers_available`` (today),
    ``teachers_redeployed`` (moving school), ``posts_to_recruit`` (shortfalls left after redeployment) and
    ``teachers_surplus`` (teachers left where nobody needs them).
    """
    out: dict[str, Any] = {"teachers_needed": int(round(table["teachers_needed"].sum())),
                           "teachers_available": None, "teachers_redeployed": None,
                           "life_teachers": int(round(table["life_teachers"].sum())),
                           "posts_to_recruit": None, "teachers_surplus": None}
    if len(table) == 0 or table["teachers_available"].isna().all():
        return out
    table = _after(table, moves)
    gap = table["teachers_after"] - table["teachers_needed"]
    out.update(teachers_available=int(round(table["teachers_available"].sum())),
               teachers_redeployed=int(moves["teachers"].sum()) if len(moves) else 0,
               posts_to_recruit=int(round((-gap).clip(lower=0).sum())),
               teachers_surplus=int(round(gap.clip(lower=0).sum())))
    return out


def assess(plan: Plan, scenario: Scenario, inputs: Inputs) -> Staffing:
    """Count posts and life teachers, redeploy teachers and sum up, for one verified plan.

    ``inputs`` are the data the plan was made from, for the minutes between schools.
    """
    table = staffing(plan.schools, scenario.teachers)
    moves = redeploy(table, plan.assignments, school_minutes(inputs, scenario))
    return Staffing(schools=_after(table, moves), moves=moves, summary=teacher_summary(table, moves))


def with_staffing(plan: Plan, staff: Staffing) -> Plan:
    """Return a new plan whose school table also has :data:`PLAN_COLUMNS` and whose summary has the teacher figures.

    The new columns come after ``boarders``.
    """
    extra = staff.schools.set_index("school_id")
    columns = [c for c in PLAN_COLUMNS if c != "teachers_after" or staff.known]
    schools = plan.schools.copy()
    for column in columns:
        schools[column] = schools["school_id"].astype(str).map(extra[column]).to_numpy()
    first = list(plan.schools.columns)
    at = first.index("boarders") + 1 if "boarders" in first else len(first)
    order = first[:at] + columns + [c for c in first[at:] if c not in columns]
    return dataclasses.replace(plan, schools=schools[order], summary={**plan.summary, **staff.summary})


def check_staffing(staff: Staffing, scenario: Scenario) -> list[str]:
    """Return the problem, with ``[teachers] within_available = true``, of a plan short of teachers.

    A plan short of teachers needs more (posts and life teachers) than the schools have; else the list is
    empty.
    """
    s = staff.summary
    if not scenario.teachers.within_available:
        return []
    available = s["teachers_available"] or 0
    if s["teachers_needed"] > available:
        return [f"the plan needs {s['teachers_needed']:,} teachers (posts and life teachers) but the schools have "
                f"{available:,}, and [teachers] within_available = true"]
    return []
