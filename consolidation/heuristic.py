"""A quick feasible plan to start the solver from: greedy opening (ADD) and Teitz-Bart interchange.

The interchange runs only where no capacity or beds limit binds (there a swap is evaluated in one vector
operation); with limits each swap re-runs the greedy assignment, and measured on Holmberg p1, p25 and p56 and
a 1,500-village county it never improved the start HiGHS got and cost up to 2 s.

Handed to HiGHS as a MIP start, it gives the search a good incumbent from the first second, so a short
``--time-limit`` returns a plan with its gap rather than nothing. The heuristic knows the assignment, the
links, places (added up to ``max_capacity``), beds for boarders (added up to ``max_beds``) and the
open-school count. Where the model holds only those (:func:`covers`), the start is a whole plan; where it
holds other rules too (hubs, teaching points, classes, teachers...), the start gives only the assignment,
the open schools, places and beds, and HiGHS completes the other variables with these fixed, or drops the
start if it breaks a rule. When the greedy cannot place every pupil there is no start. The start never
decides the plan: HiGHS checks it and the optimum, when proven, is the same.

Everything works on a dense matrix ``cost[g, s]``: the objective coefficient of the pair of group ``g``
(an origin and band) at school ``s`` (``inf`` where no pair exists).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .model import lp_name
from .model.radius import pair_costs

KNOWN_ROWS = ("assign_once__", "link__", "capacity__", "places_open__", "beds__", "beds_open__", "max_open",
                "open_exactly")
"""Row name prefixes of the rules the heuristic keeps to."""
KNOWN_BLOCKS = ("assign", "open", "places", "beds")
"""Variable blocks the start sets; any other (not empty) is left to HiGHS to complete."""


@dataclass
class _Data:
    cost: np.ndarray          # groups x schools, inf where no pair
    pair: np.ndarray          # groups x schools, the pair's row (-1 where none)
    pupils: np.ndarray        # per group
    fixed: np.ndarray         # per school: objective coefficient of open
    limit: np.ndarray         # per school: most pupils it may take (inf where no row)
    capacity: np.ndarray      # per school: places without adding
    place_cost: np.ndarray    # per school: cost of a place added (0 where none may be added)
    boards: np.ndarray        # groups x schools: the pair boards
    bed_limit: np.ndarray     # per school: most boarders it may take (inf where no row)
    beds: np.ndarray          # per school: beds without adding
    bed_cost: np.ndarray      # per school: cost of a bed added (0 where none may be added)
    must: np.ndarray          # bool per school: locked open
    never: np.ndarray         # bool per school: locked closed
    count: int | None         # schools open exactly
    most: int | None          # schools open at most
    split: bool


def _data(model, costs: tuple[np.ndarray, np.ndarray] | None) -> _Data | None:
    problem, blocks = model.problem, model.variables
    table = model.pairs.table
    if table.empty:
        return None
    objective = problem.objective
    sids = list(blocks["open"])
    cost, pair = pair_costs(model) if costs is None else costs
    groups = table.groupby(["origin_id", "band"], sort=False).ngroup().to_numpy()
    n_groups = len(cost)
    pupils = np.zeros(n_groups)
    pupils[groups] = table["pupils"].to_numpy(float)
    open_ = blocks["open"]
    places = blocks.get("places", {})
    s = model.schools
    capacity = s.loc[sids, "capacity"].to_numpy(float)
    limit = np.full(len(sids), np.inf)
    rows = problem._constraints
    for j, sid in enumerate(sids):
        if lp_name("capacity", sid) in rows:
            limit[j] = capacity[j] + (places[sid].upBound if sid in places else 0.0)
    place_cost = np.array([objective.get(places[sid], 0.0) if sid in places else 0.0 for sid in sids])
    beds_added = blocks.get("beds", {})
    beds = s.loc[sids, "beds"].to_numpy(float)
    bed_limit = np.array([beds[j] + (beds_added[sid].upBound if sid in beds_added else 0.0)
                          if lp_name("beds", sid) in rows else np.inf for j, sid in enumerate(sids)])
    boards = np.zeros(cost.shape, bool)
    boards[pair >= 0] = table["boards"].to_numpy(bool)[pair[pair >= 0]]
    return _Data(cost=cost, pair=pair, pupils=pupils, boards=boards, bed_limit=bed_limit, beds=beds,
                 bed_cost=np.array([objective.get(beds_added[sid], 0.0) if sid in beds_added else 0.0
                                    for sid in sids]),
                 fixed=np.array([objective.get(open_[sid], 0.0) for sid in sids]), limit=limit,
                 capacity=capacity, place_cost=place_cost,
                 must=np.array([(open_[sid].lowBound or 0) >= 1 for sid in sids]),
                 never=np.array([open_[sid].upBound is not None and open_[sid].upBound <= 0 for sid in sids]),
                 count=_rhs(rows.get("open_exactly")), most=_rhs(rows.get("max_open")),
                 split=bool(blocks["assign"]) and blocks["assign"][0].cat != "Integer")


def _rhs(row) -> int | None:
    """Return the right-hand side of an open-count row (``sum open <= k`` or ``= k``), or None without the row."""
    return None if row is None else int(round(-row.constant))


def _uncapacitated(d: _Data, opened: np.ndarray) -> float:
    """Cost of serving every group at its cheapest open school, plus the open schools' cost."""
    best = d.cost[:, opened].min(axis=1) if opened.any() else np.full(len(d.pupils), np.inf)
    return float(best.sum() + d.fixed[opened].sum())


def _assign(d: _Data, opened: np.ndarray) -> tuple[np.ndarray, float] | None:
    """Return shares ``x[g, s]`` serving every group at open schools within their limits, and the cost.

    Greedy: the groups with the most to lose first, each to its cheapest school with room (and beds, for a
    boarding pair); split: the rest to the next. None when some group finds no room.
    """
    cost = np.where(opened[None, :], d.cost, np.inf)
    x = np.zeros_like(cost)
    if np.isinf(d.limit[opened]).all() and np.isinf(d.bed_limit[opened]).all():  # no limit binds: cheapest
        if not np.isfinite(cost.min(axis=1)).all():
            return None
        best = cost.argmin(axis=1)
        x[np.arange(len(best)), best] = 1.0
    else:
        ranked = np.sort(cost, axis=1)
        regret = np.where(np.isfinite(ranked[:, 1]), ranked[:, 1] - ranked[:, 0], np.inf) \
            if cost.shape[1] > 1 else np.full(len(cost), np.inf)
        left, beds_left = d.limit.copy(), d.bed_limit.copy()
        for g in np.lexsort((-d.pupils, -regret)):
            if not _place(d, g, cost[g], x, left, beds_left):
                return None
    load = (x * d.pupils[:, None]).sum(axis=0)
    boarders = (x * d.boards * d.pupils[:, None]).sum(axis=0)
    added = np.maximum(load - d.capacity, 0.0) * opened
    beds_added = np.maximum(boarders - d.beds, 0.0) * opened
    total = float((np.where(x > 0, d.cost, 0.0) * x).sum() + d.fixed[opened].sum() + (added * d.place_cost).sum()
                  + (beds_added * d.bed_cost).sum())
    return x, total


def _place(d: _Data, g: int, cost: np.ndarray, x: np.ndarray, left: np.ndarray, beds_left: np.ndarray) -> bool:
    """Put group ``g`` at its cheapest schools with room, updating ``x`` and what is left; False if it does not fit."""
    need, pupils = 1.0, d.pupils[g]
    for s in np.argsort(cost):
        if not np.isfinite(cost[s]) or need <= 0:
            break
        room = min(left[s], beds_left[s] if d.boards[g, s] else np.inf) / pupils if pupils > 0 else np.inf
        share = min(need, room) if d.split else (need if room >= need - 1e-12 else 0.0)
        if share <= 0:
            continue
        x[g, s] += share
        left[s] -= share * pupils
        if d.boards[g, s]:
            beds_left[s] -= share * pupils
        need -= share
    return need <= 1e-9


def _evaluate(d: _Data, opened: np.ndarray) -> float:
    if _unlimited(d):
        return _uncapacitated(d, opened)
    result = _assign(d, opened)
    return np.inf if result is None else result[1]


def _greedy_open(d: _Data) -> np.ndarray:
    """ADD: from the locked schools, open the school that lowers the (uncapacitated) cost most, repeatedly.

    Stops when the open count is met or, without one, when opening no longer lowers the cost and everyone
    is served.
    """
    opened = d.must.copy()
    most = d.count if d.count is not None else d.most
    finite = np.isfinite(d.cost)
    if not finite.any():
        return opened
    penalty = (np.abs(d.cost[finite]).max() * 10 + 1) * np.maximum(d.pupils, 1)  # a group nobody serves yet
    cost = np.where(finite, d.cost, penalty[:, None])
    while most is None or opened.sum() < most:
        current = cost[:, opened].min(axis=1) if opened.any() else penalty
        candidates = ~opened & ~d.never
        if not candidates.any():
            break
        totals = np.minimum(current[:, None], cost).sum(axis=0) + d.fixed
        totals[~candidates] = np.inf
        j = int(np.argmin(totals))
        covered = opened.any() and finite[:, opened].any(axis=1).all()
        if d.count is None and covered and totals[j] >= current.sum() and _fits(d, opened):
            break
        opened[j] = True
    return opened


def _unlimited(d: _Data) -> bool:
    """Return True when no school limits pupils or boarders (every group goes to its cheapest open school)."""
    return bool(np.isinf(d.limit).all() and np.isinf(d.bed_limit).all())


def _fits(d: _Data, opened: np.ndarray) -> bool:
    return bool(np.isinf(d.limit).all() or d.limit[opened].sum() >= d.pupils.sum())


def _interchange(d: _Data, opened: np.ndarray, deadline: float) -> np.ndarray:
    """Teitz-Bart: swap an open school for a closed one while that lowers the cost.

    First improvement per open school, best closed school for it, until no swap helps or time is up.
    """
    value = _evaluate(d, opened)
    improved = True
    uncapacitated = _unlimited(d)
    while improved and time.perf_counter() < deadline:
        improved = False
        for i in np.flatnonzero(opened & ~d.must):
            if time.perf_counter() >= deadline:
                break
            without = opened.copy()
            without[i] = False
            candidates = np.flatnonzero(~opened & ~d.never)
            if not len(candidates):
                return opened
            if uncapacitated:
                base = d.cost[:, without].min(axis=1) if without.any() else np.full(len(d.pupils), np.inf)
                totals = np.minimum(base[:, None], d.cost[:, candidates]).sum(axis=0) \
                    + d.fixed[without].sum() + d.fixed[candidates]
                k = int(np.argmin(totals))
                best_value, best_j = float(totals[k]), int(candidates[k])
            else:
                best_value, best_j = np.inf, -1
                for j in candidates:
                    trial = without.copy()
                    trial[j] = True
                    v = _evaluate(d, trial)
                    if v < best_value:
                        best_value, best_j = v, int(j)
            if best_j >= 0 and best_value < value - 1e-9 * max(1.0, abs(value)):
                opened = without
                opened[best_j] = True
                value = best_value
                improved = True
    return opened


def covers(model) -> bool:
    """Return True when the start sets every variable of ``model`` and keeps to every row (a whole plan)."""
    blocks = model.variables
    return (all(block in KNOWN_BLOCKS or not len(v) for block, v in blocks.items())
            and all(name.startswith(KNOWN_ROWS) for name in model.problem._constraints))


def start(model, seconds: float = 2.0, costs: tuple[np.ndarray, np.ndarray] | None = None) -> dict | None:
    """Return a start: values by variable (``assign``, ``open``, ``places``, ``beds``).

    None where the heuristic does not apply or finds no plan. Spends at most about ``seconds`` on the interchange.
    ``costs``: the model's :func:`~consolidation.model.radius.pair_costs`, when the caller has them already.
    """
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf where a group has one school or none
        return _start(model, seconds, costs)


def _start(model, seconds: float, costs: tuple[np.ndarray, np.ndarray] | None) -> dict | None:
    began = time.perf_counter()
    d = _data(model, costs)
    if d is None:
        return None
    opened = _greedy_open(d)
    if d.count is not None and opened.sum() != d.count:
        return None
    if not _fits(d, opened) or _assign(d, opened) is None:
        return None
    if _unlimited(d):  # where a capacity binds each swap re-runs the greedy: slow, and HiGHS does better sooner
        opened = _interchange(d, opened, began + seconds)
    result = _assign(d, opened)
    if result is None:
        return None
    x, _ = result
    blocks = model.variables
    sids = list(blocks["open"])
    values: dict = {}
    assign = blocks["assign"]
    share = np.zeros(len(assign))
    rows, cols = np.nonzero(x)
    share[d.pair[rows, cols]] = x[rows, cols]
    for var, v in zip(assign, share.tolist()):
        values[var] = v
    load = (x * d.pupils[:, None]).sum(axis=0)
    places = blocks.get("places", {})
    boarders = (x * d.boards * d.pupils[:, None]).sum(axis=0)
    beds = blocks.get("beds", {})
    for j, sid in enumerate(sids):
        values[blocks["open"][sid]] = 1.0 if opened[j] else 0.0
        if sid in places:
            values[places[sid]] = float(min(max(load[j] - d.capacity[j], 0.0), places[sid].upBound or 0.0)) \
                if opened[j] else 0.0
        if sid in beds:
            values[beds[sid]] = float(min(max(boarders[j] - d.beds[j], 0.0), beds[sid].upBound or 0.0)) \
                if opened[j] else 0.0
    return values


def flip_estimates(model, opened: dict[str, bool]) -> dict[str, float]:
    """Estimate, per school, how much the objective grows when its decision is flipped (a one-school move).

    ``opened`` is the plan's decision per ``school_id`` (True open). The plan and the plan with one school
    flipped (closed if open, opened if closed) are both costed by the same greedy assignment as the start plan
    (cheapest open school with room; places, beds and the schools' own costs), and the difference is the
    estimate, in yuan a year; ``inf`` where the flipped plan leaves pupils without a school. Where the greedy
    cannot place the plan's own pupils (other rules decide where they go), both are costed without places'
    limits. Only the terms the heuristic knows count (assignment, open schools, places and beds); it ranks the
    decisions before they are re-solved, it is never reported as a cost. Empty when the model has no pairs.
    """
    d = _data(model, None)
    if d is None:
        return {}
    sids = list(model.variables["open"])
    base = np.array([bool(opened.get(sid, False)) for sid in sids])
    out: dict[str, float] = {}
    with np.errstate(invalid="ignore"):  # a flipped plan may leave a group no school: inf - inf regrets
        evaluate = _evaluate
        plan_cost = evaluate(d, base)
        if not np.isfinite(plan_cost):  # the greedy cannot place the plan's pupils: cost without limits
            evaluate = _uncapacitated
            plan_cost = evaluate(d, base)
        for j, sid in enumerate(sids):
            flipped = base.copy()
            flipped[j] = not flipped[j]
            out[sid] = float(evaluate(d, flipped) - plan_cost) if np.isfinite(plan_cost) else np.inf
    return out
