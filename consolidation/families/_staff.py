"""What the teacher-posts family and the teachers stage share: who may be redeployed where, and the payroll.

The payroll rule (``[costs] teacher_salary``, ``life_teacher_salary``; ``[teachers] max_redeploy_minutes``):
every teacher a school has today stays on the payroll (permanent posts, 编制: closing a school moves its
teachers, it does not end their pay). A school's needs are its staff posts and its life teachers. Teachers
fill needs at their own school or at a school within ``max_redeploy_minutes``: a teacher filling a post
stays a teacher, one filling a life-teacher need is a teacher turned into a life teacher (转岗生活教师, as in
Qilihe) and keeps a teacher's pay. Needs nobody fills are recruited: posts at ``teacher_salary``, life
teachers at ``life_teacher_salary``. Teachers filling no need are surplus (still paid).

So the yearly cost is ``teacher_salary x (teachers today + posts recruited) + life_teacher_salary x life
teachers recruited``, with the fewest recruits (by cost) the reach allows: a transportation problem, whole
teachers. The model states it in linear form (:mod:`consolidation.families.teacher_posts`); :func:`settle`
solves it again from a finished plan's table with SciPy's HiGHS (an independent code path), and says who
moves where. The counting rule of posts and life teachers (:func:`staffing`, described in
:mod:`consolidation.teachers`) lives here too, so that the family and the teachers stage share it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import BANDS, pupils_column
from ..io import teachers_available, whole_classes
from ..scenario import Scenario, Teachers
from ..tolerances import EXACT as EPS

PRIMARY = ("G1_3", "G4_6")
STAFFING_COLUMNS = ["school_id", "name", "open", "classes_g1_3", "classes_g4_6", "classes_g7_9", "posts_primary",
                    "posts_junior", "posts_needed", "life_teachers", "teachers_needed", "teachers_available",
                    "surplus", "shortfall"]
"""Columns of :func:`staffing`: classes per band, posts (primary, junior and in all), life teachers, what the
school needs (posts + life teachers), its teachers today, and its surplus and shortfall (NaN when unknown)."""
MOVE_COLUMNS = ["from_school_id", "to_school_id", "teachers", "to_life"]
"""Columns of :attr:`Settlement.moves`: teachers moving between two schools, ``to_life`` of them as life teachers."""


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
          settings: Teachers, shared: float = 0.0) -> tuple[int, int, int]:
    """Staff posts of one open school: ``(total, primary, junior)`` by the rules in the module docstring.

    Parameters
    ----------
    primary_pupils, junior_pupils
        Pupils of grades 1-6 and of grades 7-9 after the plan.
    primary_classes, junior_classes
        Whole classes of the primary bands together, and of G7_9.
    settings
        The scenario's ``[teachers]``.
    shared
        Posts the school does not need as a campus of another (``[campuses] shared_posts``; one head, one
        administration): its posts are ``ceil(max(ratio, floor) - shared)``, at least 0.
    """
    ratio_p = primary_pupils / settings.pupils_per_post_primary
    ratio_j = junior_pupils / settings.pupils_per_post_junior
    floor_p = settings.posts_per_class_primary * primary_classes
    floor_j = settings.posts_per_class_junior * junior_classes
    total = max(0, math.ceil(max(ratio_p + ratio_j, floor_p + floor_j) - shared - EPS))
    part_p, part_j = (floor_p, floor_j) if floor_p + floor_j > ratio_p + ratio_j else (ratio_p, ratio_j)
    first, second = _split(total, part_p, part_j)
    return total, first, second


def staffing(plan_schools: pd.DataFrame, settings: Teachers) -> pd.DataFrame:
    """Return posts, life teachers and teachers per school after a plan (columns :data:`STAFFING_COLUMNS`).

    Parameters
    ----------
    plan_schools
        The plan's school table: ``school_id``, ``name``, ``open``, pupils per band after the plan,
        ``boarders``, and ``teachers`` (and ``teachers_junior``) when the data have them; ``posts_shared``
        (posts a campus shares with its main school) where the plan has campuses.
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
    shared = (pd.to_numeric(s["posts_shared"], errors="coerce").fillna(0.0).to_numpy(float)
              if "posts_shared" in s else np.zeros(len(s)))  # campuses (一校多区)
    counted = [posts(p, j, cp, cj, settings, h) if o else (0, 0, 0) for p, j, cp, cj, o, h in zip(
        primary, junior, out["classes_g1_3"] + out["classes_g4_6"], out["classes_g7_9"], is_open, shared)]
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


def active(scenario: Scenario) -> bool:
    """Return True when teacher posts are in the model: teachers are paid, or limited to those available."""
    c = scenario.costs
    return c.teacher_salary > 0 or c.life_teacher_salary > 0 or scenario.teachers.within_available


def have(schools: pd.DataFrame) -> pd.Series:
    """Return whole teachers per school today (0 where the data have no ``teachers`` column)."""
    return teachers_available(schools).fillna(0.0).round()


def reach(schools: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Return one-way minutes between schools for redeployed teachers (rows from, columns to; NaN: unknown).

    ``schools`` is indexed by ``school_id``. Straight-line metres in the schools' metric CRS x
    ``travel.detour`` at ``travel.bus_kmh``, when the schools have point geometry; the diagonal is 0. (The
    travel CSV's school-to-school pairs are not read here: the model is built from the schools table alone.)
    """
    ids = [str(s) for s in schools.index]
    n = len(ids)
    minutes = np.full((n, n), np.nan)
    geometry = schools.geometry if "geometry" in schools.columns and hasattr(schools, "geometry") else None
    if geometry is not None and n and not geometry.isna().any():
        x, y = geometry.x.to_numpy(float), geometry.y.to_numpy(float)
        metres = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
        minutes = metres / 1000.0 * scenario.travel.detour / scenario.travel.bus_kmh * 60.0
    np.fill_diagonal(minutes, 0.0)
    return through_parents(pd.DataFrame(minutes, index=ids, columns=ids), schools, scenario)


def through_parents(minutes: pd.DataFrame, schools: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Return ``minutes`` where a teaching point with a parent is reached only from itself and its parent.

    With ``[teaching_points] parents``, a plan's teaching point (``role`` teaching_point, ``parent_id`` set) is
    staffed by its own teachers, its parent's, or recruits (:mod:`consolidation.families.point_parents`): its
    column keeps those two rows and is unknown (NaN) elsewhere. Other tables are returned unchanged.
    """
    if not scenario.teaching_points.parents or "parent_id" not in schools.columns or "role" not in schools.columns:
        return minutes
    out = minutes.copy()
    parent = schools["parent_id"].fillna("").astype(str)
    for t in schools.index[(schools["role"] == "teaching_point").to_numpy()]:
        t = str(t)
        if parent[t] and t in out.columns:
            keep = out.index.isin([t, parent[t]])
            out.loc[~keep, t] = np.nan
    return out


def arcs(sources: list[str], targets: list[str], minutes: pd.DataFrame, limit: float, *,
         outside: float | None = None, group: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """Return the pairs ``(from, to)`` a teacher may be redeployed along.

    The same school, or within ``limit`` minutes; with ``outside`` (``teachers.max_redeploy_minutes_outside_group``)
    a move beyond ``outside`` only within one education group (``group``: each school's ``group_id``, empty for
    none; None: no groups, so every move keeps to ``outside``).
    """
    out = []
    for src in sources:
        row = minutes.loc[src] if src in minutes.index else None
        for dst in targets:
            if src == dst or (row is not None and dst in row.index and row[dst] <= limit
                              and (outside is None or row[dst] <= outside or same_group(src, dst, group))):
                out.append((src, dst))
    return out


def same_group(a: str, b: str, group: dict[str, str] | None) -> bool:
    """Return True when schools ``a`` and ``b`` are in one education group."""
    return bool(group) and bool(group.get(a)) and group.get(a) == group.get(b)


def groups_of(schools: pd.DataFrame) -> dict[str, str] | None:
    """Return each school's ``group_id`` (empty for none) from a plan's school table, or None without groups."""
    if "group_id" not in schools.columns:
        return None
    ids = schools["school_id"] if "school_id" in schools.columns else schools.index.to_series()
    return dict(zip(ids.astype(str), schools["group_id"].fillna("").astype(str)))


@dataclass(frozen=True)
class Settlement:
    """Who fills which need after a plan, and what the payroll costs.

    Attributes
    ----------
    schools
        Per school (indexed by ``school_id``): ``teachers_today``, ``recruited`` (posts), ``life_recruited``,
        ``to_life`` (teachers turned into life teachers there), ``teachers_in``, ``teachers_out``,
        ``teachers_after`` (teachers there after the moves), ``surplus`` (teachers there filling no need).
    moves
        Columns :data:`MOVE_COLUMNS`, one row per pair of different schools.
    """

    schools: pd.DataFrame
    moves: pd.DataFrame

    def total(self, column: str) -> int:
        """Return the county's total of a column of :attr:`schools`, as a whole number."""
        return int(round(float(self.schools[column].sum())))


def settle(posts: pd.Series, life: pd.Series, today: pd.Series, minutes: pd.DataFrame,
           scenario: Scenario, *, group: dict[str, str] | None = None) -> Settlement:
    """Fill posts and life-teacher needs with today's teachers within reach, at the least payroll.

    Parameters
    ----------
    posts, life
        Whole staff posts and life teachers each school needs after the plan (indexed by ``school_id``).
    today
        Whole teachers each school has today (same index).
    minutes
        :func:`reach`'s table.
    scenario
        For ``[costs] teacher_salary``, ``life_teacher_salary`` and ``[teachers] max_redeploy_minutes`` (and
        ``max_redeploy_minutes_outside_group``).
    group
        Each school's education group (``group_id``, empty for none), or None without groups.

    Returns
    -------
    Settlement
        Recruits are the fewest by cost (posts at ``teacher_salary``, life teachers at
        ``life_teacher_salary``; by count where a salary is 0); among those, moves within a group before moves
        outside it (redeployment first within the group, then county-wide), then the fewest teacher-minutes.
    """
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    ids = [str(s) for s in posts.index]
    posts = posts.astype(float).set_axis(ids)
    life = life.astype(float).set_axis([str(s) for s in life.index]).reindex(ids).fillna(0.0)
    today = today.astype(float).set_axis([str(s) for s in today.index]).reindex(ids).fillna(0.0)
    sources = [s for s in ids if today[s] > 0]
    limit, outside = scenario.teachers.max_redeploy_minutes, scenario.teachers.max_redeploy_minutes_outside_group
    post_arcs = arcs(sources, [t for t in ids if posts[t] > 0], minutes, limit, outside=outside, group=group)
    life_arcs = arcs(sources, [t for t in ids if life[t] > 0], minutes, limit, outside=outside, group=group)
    c = scenario.costs
    w_post = c.teacher_salary if c.teacher_salary > 0 else 1.0
    w_life = c.life_teacher_salary if c.life_teacher_salary > 0 else 1.0
    eps = min(w_post, w_life) * 1e-6  # per teacher and minute: only ever breaks ties between equal payrolls
    n_y, n_z, n = len(post_arcs), len(life_arcs), len(ids)
    at = {s: i for i, s in enumerate(ids)}
    # columns: y (post arcs), z (life arcs), r (post recruits per school), q (life recruits per school)
    move_minutes = [float(minutes.at[a, b]) if a != b else 0.0 for a, b in post_arcs + life_arcs]
    if group:  # within the group first: a move outside it weighs as 1,000 minutes more (ties only)
        move_minutes = [t + (1000.0 if a != b and not same_group(a, b, group) else 0.0)
                        for t, (a, b) in zip(move_minutes, post_arcs + life_arcs)]
    # a teacher fills a need only where one is left (no teacher counted twice), the nearest first
    cost = np.concatenate([eps * (1.0 + np.asarray(move_minutes, float)), np.full(n, w_post), np.full(n, w_life)])
    rows, cols, vals, rhs = [], [], [], []

    def add(row: int, col: int, value: float) -> None:
        rows.append(row)
        cols.append(col)
        vals.append(value)

    for k, (src, dst) in enumerate(post_arcs):
        add(at[src], k, 1.0)                # supply: sum of moves out of src <= teachers today
        add(n + at[dst], k, -1.0)           # posts: -(filled) - recruited <= -posts
    for k, (src, dst) in enumerate(life_arcs):
        add(at[src], n_y + k, 1.0)
        add(2 * n + at[dst], n_y + k, -1.0)  # life: -(filled) - recruited <= -life
    for i in range(n):
        add(n + i, n_y + n_z + i, -1.0)
        add(2 * n + i, n_y + n_z + n + i, -1.0)
    rhs = np.concatenate([today.to_numpy(), -posts.to_numpy(), -life.to_numpy()])
    matrix = coo_matrix((vals, (rows, cols)), shape=(3 * n, n_y + n_z + 2 * n)).tocsr()
    result = linprog(cost, A_ub=matrix, b_ub=rhs, bounds=(0, None), method="highs-ds")
    if result.status != 0:  # cannot happen: recruiting every need is always feasible
        raise RuntimeError(f"teacher settlement failed: {result.message}")
    x = np.round(result.x, 6)
    y, z = x[:n_y], x[n_y:n_y + n_z]
    recruited, life_recruited = x[n_y + n_z:n_y + n_z + n], x[n_y + n_z + n:]
    return _settlement(ids, today, post_arcs, life_arcs, y, z, recruited, life_recruited)


def _settlement(ids: list[str], today: pd.Series, post_arcs: list, life_arcs: list, y: np.ndarray, z: np.ndarray,
                recruited: np.ndarray, life_recruited: np.ndarray) -> Settlement:
    """Assemble the per-school table and the moves from the transportation problem's solution."""
    flows: dict[tuple[str, str], list[float]] = {}
    for (src, dst), v in zip(post_arcs, y):
        flows.setdefault((src, dst), [0.0, 0.0])[0] += v
    for (src, dst), v in zip(life_arcs, z):
        flows.setdefault((src, dst), [0.0, 0.0])[1] += v
    table = pd.DataFrame(0.0, index=pd.Index(ids, name="school_id"),
                         columns=["teachers_today", "recruited", "life_recruited", "to_life", "teachers_in",
                                  "teachers_out", "teachers_after", "surplus"])
    table["teachers_today"] = today.to_numpy()
    table["recruited"] = recruited
    table["life_recruited"] = life_recruited
    used = pd.Series(0.0, index=ids)
    moves = []
    for (src, dst), (as_post, as_life) in sorted(flows.items()):
        used[src] += as_post + as_life
        table.at[dst, "to_life"] += as_life
        if src != dst and as_post + as_life > 0:
            table.at[src, "teachers_out"] += as_post + as_life
            table.at[dst, "teachers_in"] += as_post + as_life
            moves.append({"from_school_id": src, "to_school_id": dst, "teachers": as_post + as_life,
                          "to_life": as_life})
    table["teachers_after"] = table["teachers_today"] - table["teachers_out"] + table["teachers_in"]
    table["surplus"] = (table["teachers_today"] - used).clip(lower=0) + 0.0
    return Settlement(schools=table, moves=pd.DataFrame(moves, columns=MOVE_COLUMNS))
