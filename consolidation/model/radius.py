"""The radius formulation of an uncapacitated plan, built level by level.

Where no rule binds but "every origin and band goes to one open school" and an open-school count (no
capacity that can bind, no hubs, boarding, beds, classes, teachers...), an optimal plan sends every group
(an origin and band) to its cheapest open school, and the plan is described by the schools open alone.
The radius formulation (Cornuejols, Nemhauser and Wolsey 1980; Elloumi 2010) says so directly. For a
group ``g`` whose eligible schools have the distinct costs ``D_1 < D_2 < ... < D_K`` (yuan a year for the
whole group at that school), ``z_k`` is 1 when no school of cost at most ``D_k`` is open:

    cost_g = D_1 + sum_k (D_{k+1} - D_k) z_k
    z_k >= z_{k-1} - sum_{s: cost_gs = D_k} open[s]      (z_0 = 1; the last level: sum >= z_{K-1})
    z_k >= 0

written as a chain (a row holds one level's schools and two ``z``), so the model has about as many nonzeros
as schools a group may attend, and fewer rows and columns than the classical one. Two reductions make it
smaller still:

- levels past a school locked open, or past the ``(M - p + 1)``-th cheapest school when exactly ``p`` of the
  ``M`` schools that may open must open, are never needed (Elloumi 2010);
- levels far from where a group is served are left out at first (Garcia, Labbe and Marin 2011): keeping the
  first ``L_g`` levels and cutting the chain there gives a relaxation (its last ``z`` costs only the step to
  the next level). When the relaxation's plan serves every group within its levels, that plan costs the
  same in the whole problem and is optimal for it; otherwise the groups served past their levels get more
  levels and the relaxation is solved again, from the plan found (:func:`consolidation.solve.solve`).

The classical model (:func:`consolidation.model.build_model`) stays the plan's model of record: the plan is
written back into its variables (every group at its cheapest open school), so the objective, the plan stage
and the independent checks read the same values whichever formulation the solver saw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pulp

from . import BuiltModel

ROWS = ("assign_once__", "link__", "open_exactly", "max_open")
"""Row name prefixes of a model the radius formulation can stand for (nothing else may be in it)."""
COUNT_ROWS = ("open_exactly", "max_open")
MANY_SHORT = 0.05
"""Share of the groups served past their levels above which every group gets more levels in the next round."""


@dataclass
class Levels:
    """Each group's eligible schools, cheapest first, cut into levels of equal cost.

    Attributes
    ----------
    order
        Per group, school columns (indices into ``sids``) by cost, ascending.
    first
        Per group, where each level starts in ``order``, with the end appended (``len(first) = K + 1``).
    costs
        Per group, the cost of each level (``D_1 < ... < D_K``).
    needed
        Per group, how many levels the whole problem needs (at most K; Elloumi's reductions).
    """

    order: list[np.ndarray]
    first: list[np.ndarray]
    costs: list[np.ndarray]
    needed: np.ndarray


class Radius:
    """A built model's uncapacitated plan problem in the radius formulation.

    Made by :meth:`of`, which returns None where the model has rules this formulation does not hold.
    """

    def __init__(self, model: BuiltModel, cost: np.ndarray, pair: np.ndarray):
        self.model = model
        self.cost = cost        # groups x schools: the group's objective coefficient at the school (inf: none)
        self.pair = pair        # groups x schools: the row of that (cheapest) pair in the pairs table
        self.sids = list(model.variables["open"])
        opens = model.variables["open"]
        self.open_vars = [opens[s] for s in self.sids]
        objective = model.problem.objective
        self.fixed = np.array([objective.get(v, 0.0) for v in self.open_vars], float)
        self.constant = float(objective.constant)
        self.must = np.array([(v.lowBound or 0) >= 1 for v in self.open_vars])
        self.never = np.array([v.upBound is not None and v.upBound <= 0 for v in self.open_vars])
        rows = model.problem._constraints
        self.count_rows = [rows[name] for name in COUNT_ROWS if name in rows]
        exactly = rows.get("open_exactly")
        self.exactly = None if exactly is None else int(round(-exactly.constant))
        self.levels = self._levels()

    @classmethod
    def of(cls, model: BuiltModel) -> Radius | None:
        """Return the radius form of ``model``, or None when the model holds any rule beyond assignment and count."""
        blocks = model.variables
        assign = blocks.get("assign", [])
        if not len(assign) or not blocks.get("open"):
            return None
        if any(len(v) for block, v in blocks.items() if block not in ("assign", "open")):
            return None
        if any(not name.startswith(ROWS) for name in model.problem._constraints):
            return None
        cost, pair = pair_costs(model)
        return cls(model, cost, pair)

    # --- the levels -------------------------------------------------------------------------------------

    def _levels(self) -> Levels:
        order, first, costs = [], [], []
        needed = np.zeros(len(self.cost), int)
        can_open = int((~self.never).sum())
        for g, row in enumerate(self.cost):
            eligible = np.flatnonzero(np.isfinite(row))
            ranked = eligible[np.argsort(row[eligible], kind="stable")]
            values = row[ranked]
            distinct, starts = np.unique(values, return_index=True)
            order.append(ranked)
            first.append(np.append(starts, len(ranked)))
            costs.append(distinct)
            last = len(distinct)
            locked = np.flatnonzero(self.must[ranked])
            if len(locked):  # a school locked open: never served past it
                last = min(last, int(np.searchsorted(starts, locked[0], side="right")))
            if self.exactly is not None and can_open - self.exactly + 1 <= len(ranked):
                # p of M schools open: at most M - p closed, so one of the M - p + 1 cheapest is open
                kth = can_open - self.exactly  # position of the (M - p + 1)-th cheapest
                last = min(last, int(np.searchsorted(starts, kth, side="right")))
            needed[g] = max(last, 1)
        return Levels(order, first, costs, needed)

    def served_level(self, opened: np.ndarray) -> np.ndarray:
        """Per group, the number of levels up to its cheapest open school (``K + 1`` when none is open)."""
        out = np.empty(len(self.cost), int)
        for g, (ranked, starts) in enumerate(zip(self.levels.order, self.levels.first)):
            hit = np.flatnonzero(opened[ranked])
            out[g] = len(starts) if not len(hit) else int(np.searchsorted(starts, hit[0], side="right"))
        return out

    def first_levels(self, opened: np.ndarray | None) -> np.ndarray:
        """Levels to start from: around where the start plan serves each group, or a few without a start."""
        needed = self.levels.needed
        if opened is None:
            return np.minimum(needed, 8)
        served = self.served_level(opened)  # twice as far as the start plan serves, and three levels more
        return np.minimum(needed, 2 * served + 3)

    def more_levels(self, levels: np.ndarray, opened: np.ndarray) -> tuple[np.ndarray, int]:
        """Return more levels where ``opened`` serves a group past its own, and how many groups it does."""
        served = self.served_level(opened)
        short = served > levels
        if not short.any():
            return levels, 0
        # The groups served past their levels get all they need. When they are many, the relaxation is loose
        # everywhere and moves other groups next: those get twice what they had (measured on OR-Library
        # pmed6 and a 1,000 x 100 Euclidean p-median, this keeps to two or three rounds).
        others = np.minimum(self.levels.needed, 2 * levels) if short.mean() > MANY_SHORT else levels
        return np.where(short, self.levels.needed, others), int(short.sum())

    # --- costs and plans --------------------------------------------------------------------------------

    def plan_cost(self, opened: np.ndarray) -> float:
        """Return the whole objective with ``opened`` open and every group at its cheapest open school."""
        with np.errstate(invalid="ignore"):
            best = np.where(opened[None, :], self.cost, np.inf).min(axis=1)
        return float(best.sum() + self.fixed[opened].sum() + self.constant)

    def write_back(self, opened: np.ndarray) -> None:
        """Set the classical model's values: ``open`` as given, every group at its cheapest open school."""
        for var, on in zip(self.open_vars, opened.tolist()):
            var.varValue = 1.0 if on else 0.0
        share = np.zeros(len(self.model.variables["assign"]))
        cost = np.where(opened[None, :], self.cost, np.inf)
        best = cost.argmin(axis=1)
        reached = np.isfinite(cost[np.arange(len(cost)), best])
        share[self.pair[np.flatnonzero(reached), best[reached]]] = 1.0
        for var, value in zip(self.model.variables["assign"], share.tolist()):
            var.varValue = value

    # --- the relaxation of given levels -----------------------------------------------------------------

    def problem(self, levels: np.ndarray, opened: np.ndarray | None = None) -> tuple[pulp.LpProblem, list]:
        """Build the relaxation keeping ``levels[g]`` levels of each group.

        Returns the problem and, per group, the ``z`` of its last kept level (None where the group keeps every
        level it needs). With ``opened``, every variable gets the values of that plan as its initial value.
        """
        model = self.model
        problem = pulp.LpProblem(model.problem.name + "__radius", pulp.LpMinimize)
        objective: list[tuple[object, float]] = [(v, c) for v, c in zip(self.open_vars, self.fixed) if c]
        constant = self.constant
        last_z: list = []
        for g, (ranked, starts, values) in enumerate(zip(self.levels.order, self.levels.first, self.levels.costs)):
            constant += float(values[0])
            keep, whole = int(levels[g]), int(self.levels.needed[g])
            previous = None
            z = None
            for k in range(keep):
                members = [(self.open_vars[j], 1.0) for j in ranked[starts[k]:starts[k + 1]]]
                if k == whole - 1:  # the last level needed: someone is open by now
                    lhs = members + ([(previous, -1.0)] if previous is not None else [])
                    problem.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression(lhs), pulp.LpConstraintGE,
                                                            f"reach__{g}__{k}", 0 if previous is not None else 1))
                    z = None
                    break
                z = problem.add_variable(f"beyond__{g}__{k}", lowBound=0)
                objective.append((z, float(values[k + 1] - values[k])))
                lhs = [(z, 1.0)] + members + ([(previous, -1.0)] if previous is not None else [])
                problem.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression(lhs), pulp.LpConstraintGE,
                                                        f"reach__{g}__{k}", 0 if previous is not None else 1))
                if opened is not None:
                    reached = bool(opened[ranked[:starts[k + 1]]].any())
                    z.setInitialValue(0.0 if reached else 1.0)
                previous = z
            last_z.append(z)
        expression = pulp.LpAffineExpression(objective)
        expression.constant = constant
        problem.setObjective(expression)
        for row in self.count_rows:
            problem.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression(list(row.items())), row.sense,
                                                    row.name, -row.constant))
        if opened is not None:
            for var, on in zip(self.open_vars, opened.tolist()):
                var.setInitialValue(1.0 if on else 0.0)
        return problem, last_z

    def opened(self) -> np.ndarray:
        """Return the schools open in the solver's values (after solving a relaxation)."""
        return np.array([(v.varValue or 0.0) > 0.5 for v in self.open_vars])


def pair_costs(model: BuiltModel) -> tuple[np.ndarray, np.ndarray]:
    """Return ``cost[g, s]``, the objective coefficient of group ``g`` at school ``s``, and its pair's row.

    Groups are the origins and bands in the order of the pairs table; schools the ``open`` block's order.
    Where a group has several pairs to one school the cheapest counts; ``inf`` and ``-1`` where it has none.
    """
    table, blocks = model.pairs.table, model.variables
    objective = model.problem.objective
    sids = list(blocks["open"])
    col = {sid: j for j, sid in enumerate(sids)}
    groups = table.groupby(["origin_id", "band"], sort=False).ngroup().to_numpy()
    n_groups = int(groups.max()) + 1 if len(groups) else 0
    schools = np.array([col[s] for s in table["school_id"].tolist()], int)
    coefficient = np.array([objective.get(v, 0.0) for v in blocks["assign"]], float)
    cost = np.full((n_groups, len(sids)), np.inf)
    pair = np.full((n_groups, len(sids)), -1)
    order = np.argsort(-coefficient, kind="stable")  # the cheapest pair of a (group, school) written last
    cost[groups[order], schools[order]] = coefficient[order]
    pair[groups[order], schools[order]] = order
    return cost, pair

