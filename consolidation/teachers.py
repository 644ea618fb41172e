"""Teachers after a plan: staff posts, life teachers, redeployment within reach, and recruits.

Staff posts per open school, life teachers for boarders, and the teachers of closed or overstaffed schools
redeployed to the schools within reach that lack them, by the payroll rule the model states.

This stage reads a verified :class:`~consolidation.plan.Plan` and never changes it; :func:`assess` returns
the counts as a value and :func:`with_staffing` a new plan that carries them.

Counting rules
--------------
One definition (:func:`consolidation.families._staff.staffing`), used for every figure here; the model's
``teacher_posts`` family states the same rule in linear form. ``P`` and ``J`` are a school's primary
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
By the payroll rule of :mod:`consolidation.families._staff`, the one the model's ``teacher_posts`` family
states: every teacher stays on the payroll; a school's teachers fill posts and life-teacher needs at their own
school or at schools within ``[teachers] max_redeploy_minutes`` (one way by bus, straight line x
``travel.detour``; without coordinates, only at their own school); needs nobody fills are recruited, posts at
``teacher_salary`` and life teachers at ``life_teacher_salary``, the fewest by cost, and among equal payrolls
the fewest teacher-minutes moved. A teacher filling a life-teacher need is turned into a life teacher
(``teachers_to_life``). Teachers filling no need stay where they are (``teachers_surplus``). So
``teachers_available - teachers_needed = teachers_surplus - posts_to_recruit`` (posts and life teachers
recruited). Primary and junior teachers are not told apart.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .families._staff import PRIMARY, STAFFING_COLUMNS, posts, reach, settle, staffing  # noqa: F401 (the rule)
from .io import Inputs
from .messages import say
from .plan import Plan
from .scenario import Scenario

REDEPLOY_COLUMNS = ["from_school_id", "from_name", "to_school_id", "to_name", "teachers", "to_life", "minutes"]
"""Columns of :func:`redeploy` and of ``teachers.csv``: one row per school pair, ``to_life`` of the teachers
turned into life teachers, ``minutes`` one way."""
SETTLED_COLUMNS = ["recruited", "life_recruited", "to_life", "teachers_in", "teachers_out", "teachers_after",
                   "surplus_after"]
"""Columns :func:`assess` adds to :func:`staffing`'s table from the redeployment."""
PLAN_COLUMNS = ["posts", "posts_primary", "posts_junior", "life_teachers", "teachers_after", "teachers_recruited",
                "life_teachers_recruited", "teachers_to_life"]
"""Columns :func:`with_staffing` adds to the plan's school table (the last four only when the data have
teachers): posts and life teachers needed, teachers there after redeployment, recruits and teachers turned
into life teachers there."""
FROM_STAFFING = {"posts_needed": "posts", "recruited": "teachers_recruited",
                 "life_recruited": "life_teachers_recruited", "to_life": "teachers_to_life"}
"""The plan table's names of :func:`assess`'s columns."""


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


def redeploy(table: pd.DataFrame, minutes: pd.DataFrame, scenario: Scenario) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill posts and life-teacher needs with today's teachers within reach, at the least payroll.

    Parameters
    ----------
    table
        :func:`staffing`'s table (``school_id``, ``name``, ``posts_needed``, ``life_teachers``,
        ``teachers_available``).
    minutes
        One-way minutes between schools (:func:`consolidation.families._staff.reach`).
    scenario
        For the salaries and ``[teachers] max_redeploy_minutes``.

    Returns
    -------
    tuple of pandas.DataFrame
        The moves (columns :data:`REDEPLOY_COLUMNS`: one row per pair of schools between which teachers move,
        ``to_life`` of them turned into life teachers there, ``minutes`` one way), and per school (indexed by
        ``school_id``) ``recruited``, ``life_recruited``, ``to_life``, ``teachers_in``, ``teachers_out``,
        ``teachers_after`` and ``surplus``. No moves when the data lack teachers.
    """
    ids = table["school_id"].astype(str)
    today = table["teachers_available"].fillna(0.0).round().set_axis(ids)
    settled = settle(table["posts_needed"].set_axis(ids), table["life_teachers"].set_axis(ids), today, minutes,
                     scenario)
    names = dict(zip(ids, table["name"].astype(str)))
    m = settled.moves
    moves = pd.DataFrame({"from_school_id": m["from_school_id"], "from_name": m["from_school_id"].map(names),
                          "to_school_id": m["to_school_id"], "to_name": m["to_school_id"].map(names),
                          "teachers": m["teachers"], "to_life": m["to_life"],
                          "minutes": [float(minutes.at[a, b]) for a, b in zip(m["from_school_id"], m["to_school_id"])]},
                         columns=REDEPLOY_COLUMNS)
    return moves, settled.schools


def _after(table: pd.DataFrame, settled: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the settlement's columns per school (NaN where the data lack teachers)."""
    known = table["teachers_available"].notna().to_numpy()
    out = table.copy()
    settled = settled.rename(columns={"surplus": "surplus_after"})
    for column in SETTLED_COLUMNS:
        values = settled[column].reindex(table["school_id"].astype(str)).to_numpy(float)
        out[column] = np.where(known, values, np.nan) if column not in ("recruited", "life_recruited") else values
    return out


def teacher_summary(table: pd.DataFrame, moves: pd.DataFrame) -> dict[str, Any]:
    """Headline teacher figures (whole numbers; None where the data lack teachers).

    ``teachers_needed`` (posts plus life teachers), ``life_teachers``, ``teachers_available`` (today),
    ``teachers_redeployed`` (moving school), ``teachers_recruited`` (posts filled by nobody),
    ``life_teachers_recruited``, ``teachers_to_life`` (teachers turned into life teachers),
    ``posts_to_recruit`` (both kinds of recruit) and ``teachers_surplus`` (teachers filling no need, still
    paid). ``table`` is :func:`staffing`'s table after :func:`redeploy` (see :func:`assess`).
    """
    whole = lambda column: int(round(float(table[column].sum())))  # noqa: E731
    out: dict[str, Any] = {"teachers_needed": whole("teachers_needed"), "teachers_available": None,
                           "teachers_redeployed": None, "life_teachers": whole("life_teachers"),
                           "posts_to_recruit": None, "teachers_surplus": None, "teachers_recruited": None,
                           "life_teachers_recruited": None, "teachers_to_life": None}
    if len(table) == 0 or table["teachers_available"].isna().all():
        return out
    out.update(teachers_available=whole("teachers_available"),
               teachers_redeployed=int(round(float(moves["teachers"].sum()))) if len(moves) else 0,
               teachers_recruited=whole("recruited"), life_teachers_recruited=whole("life_recruited"),
               posts_to_recruit=whole("recruited") + whole("life_recruited"),
               teachers_to_life=whole("to_life"), teachers_surplus=whole("surplus_after"))
    return out


def assess(plan: Plan, scenario: Scenario, inputs: Inputs) -> Staffing:
    """Count posts and life teachers, redeploy teachers and sum up, for one verified plan.

    Teachers move within ``[teachers] max_redeploy_minutes`` by the payroll rule of
    :mod:`consolidation.families._staff` (the one the model's teacher-posts family states). ``inputs`` are
    the data the plan was made from.
    """
    table = staffing(plan.schools, scenario.teachers)
    indexed = plan.schools.set_index("school_id")
    indexed.index = indexed.index.astype(str)
    moves, settled = redeploy(table, reach(indexed, scenario), scenario)
    if table["teachers_available"].isna().all():
        moves = moves.iloc[0:0]
    after = _after(table, settled)
    return Staffing(schools=after, moves=moves, summary=teacher_summary(after, moves))



def with_staffing(plan: Plan, staff: Staffing) -> Plan:
    """Return a new plan whose school table also has :data:`PLAN_COLUMNS` and whose summary has the teacher figures.

    The new columns come after ``boarders``.
    """
    extra = staff.schools.set_index("school_id").rename(columns=FROM_STAFFING)
    columns = [c for c in PLAN_COLUMNS if c in ("posts", "posts_primary", "posts_junior", "life_teachers")
               or staff.known]
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
        return [say("check.teachers", need=s["teachers_needed"], today=available)]
    return []
