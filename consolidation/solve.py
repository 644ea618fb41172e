"""Solve a built model with HiGHS (default) or CBC, and return the outcome as a value."""

from __future__ import annotations

import logging
import os
import shutil
import stat
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pulp

from .heuristic import covers, start
from .messages import say
from .model import BuiltModel, ProgrammeModel
from .model.radius import Radius
from .scenario import SolverSettings
from .status import WITH_SOLUTION, Status

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What the solver found, for the plan model and the education-group model alike.

    Attributes
    ----------
    status
        ``optimal`` (within the gap tolerance), ``feasible`` (a solution, stopped by the time limit),
        ``infeasible`` (proven: nothing satisfies the rules) or ``no_solution`` (none found in time).
    objective
        The objective as the solver reports it (yuan a year for a plan), or None.
    gap
        Relative optimality gap (0.001 = 0.1 %), or None when the solver does not tell.
    solver
        The solver used, with its version.
    seconds
        Wall-clock solve time.
    values
        Variable values (0 without a solution). For a plan: one entry per variable block of the model
        (``assign`` an array aligned with the pairs table, the others dicts keyed like the block); for any
        other problem, under the keys given to :func:`solve_problem`.
    """

    status: Status
    objective: float | None
    gap: float | None
    solver: str
    seconds: float
    values: Mapping[str, Any] = field(default_factory=dict, repr=False)
    stopped: str | None = None
    """With ``no_solution``: why the solver stopped when it was not the time limit (e.g. costs out of
    HiGHS's range); None when it ran out of time."""

    @property
    def has_solution(self) -> bool:
        """True when there are values to report (a plan, a grouping)."""
        return self.status in WITH_SOLUTION

    has_plan = has_solution

    @property
    def assign(self) -> np.ndarray:
        """Shares of the pairs' pupils, aligned with the pairs table (a plan)."""
        return np.asarray(self.values.get("assign", ()), float)

    @property
    def open(self) -> dict[str, float]:
        """``open`` per ``school_id`` (a plan)."""
        return self.values.get("open", {})

    @property
    def full(self) -> dict[str, float]:
        """Schools that could become teaching points: 1 kept whole, 0 a teaching point (a plan)."""
        return self.values.get("full", {})


SHORT_LIMIT_S = 20.0
"""Seconds left for HiGHS under which its presolve is switched off (see :meth:`_BulkHiGHS.buildSolverModel`)."""
LARGE_MIP_COLUMNS = 20_000
"""Integer columns from which HiGHS's presolve is switched off. Its probing grows faster than the model: on
synthetic counties under young_by_bus's rules (HiGHS 1.16) it took 221 s against 33 s without presolve at
3,000 villages x 200 schools (82,000 binaries), 109 s against 42 s at 1,500 x 168 and 19 s against 8 s at
1,000 x 100; on smaller models it helps as often as not (Holmberg p56, 6,000 binaries: 28 s with it, 41 s
without), so they keep it."""


class _BulkHiGHS(pulp.HiGHS):
    """PuLP's HiGHS interface, loading the model into HiGHS in bulk (arrays).

    PuLP's own loads one column and one row per call, which grows quadratically with the number of integer
    columns.

    With ``warmStart=True`` the variables' initial values (``setInitialValue``) are handed to HiGHS as a
    MIP start (``Highs.setSolution``); HiGHS checks the start and ignores it if it breaks a row.
    """

    def __init__(self, *args: Any, warmStart: bool = False, **kwargs: Any):  # noqa: N803 - PuLP's name
        super().__init__(*args, **kwargs)
        self.warm_start = warmStart

    def buildSolverModel(self, lp: pulp.LpProblem) -> None:  # noqa: N802 - PuLP's name
        """Load ``lp`` into HiGHS in bulk, take the loading time off its time limit, and choose its presolve.

        Presolve is off with little time left (:data:`SHORT_LIMIT_S`) and on large models
        (:data:`LARGE_MIP_COLUMNS`), by measurement.
        """
        started = time.perf_counter()
        self._load(lp)
        if self.timeLimit is not None:  # the limit is the user's: loading the model counts against it
            left = float(self.timeLimit) - (time.perf_counter() - started)
            lp.solverModel.setOptionValue("time_limit", max(left, 0.01))
            if left < SHORT_LIMIT_S and self.mip:
                # HiGHS's MIP presolve does not keep to the time limit (on a 1,500-village county it took 11-30 s
                # with 3 s left, and gave no bound); without it the root LP gives a plan and a bound in time
                lp.solverModel.setOptionValue("presolve", "off")
        if self.mip and self.integer_columns >= LARGE_MIP_COLUMNS:
            lp.solverModel.setOptionValue("presolve", "off")

    def _load(self, lp: pulp.LpProblem) -> None:
        """Add ``lp``'s columns, costs, integrality, rows and MIP start to its HiGHS model, as arrays."""
        import highspy

        inf = highspy.kHighsInf
        sense = -1.0 if lp.sense == pulp.LpMaximize else 1.0
        variables = lp.variables()
        for i, var in enumerate(variables):
            var.index = i
        objective = lp.objective
        cost = np.array([sense * objective.get(v, 0.0) for v in variables], float)
        lower = np.array([-inf if v.lowBound is None else v.lowBound for v in variables], float)
        upper = np.array([inf if v.upBound is None else v.upBound for v in variables], float)
        self.largest_cost = float(np.abs(cost).max()) if len(cost) else 0.0
        h = lp.solverModel
        if objective.constant:  # so that HiGHS's gap and bound are those of the whole objective
            h.changeObjectiveOffset(sense * float(objective.constant))
        h.addVars(len(variables), lower, upper)
        h.changeColsCost(len(variables), np.arange(len(variables), dtype=np.int32), cost)
        integer = np.array([v.index for v in variables if v.cat == pulp.LpInteger], dtype=np.int32)
        self.integer_columns = len(integer)
        if self.mip and len(integer):
            h.changeColsIntegrality(len(integer), integer,
                                    np.full(len(integer), int(highspy.HighsVarType.kInteger), dtype=np.uint8))
        constraints = list(lp._constraints.values())
        starts, indices, values, row_lower, row_upper = [], [], [], [], []
        for i, constraint in enumerate(constraints):
            constraint.index = i
            starts.append(len(indices))
            for var, coefficient in constraint.items():
                if coefficient != 0:
                    indices.append(var.index)
                    values.append(coefficient)
            lb, ub = constraint.getLb(), constraint.getUb()
            row_lower.append(-inf if lb is None else lb)
            row_upper.append(inf if ub is None else ub)
        if constraints:
            h.addRows(len(constraints), np.array(row_lower, float), np.array(row_upper, float), len(indices),
                      np.array(starts, dtype=np.int32), np.array(indices, dtype=np.int32), np.array(values, float))
        if self.warm_start and self.mip:
            given = [(v.index, v.varValue) for v in variables if v.varValue is not None]
            if given:
                index, value = zip(*given)
                h.setSolution(len(index), np.array(index, dtype=np.int32), np.array(value, float))


_banner_lock = threading.Lock()
_banner_done = False


def _quiet_highs_start() -> str:
    """Create this process's first HiGHS instance with stdout silenced, and return HiGHS's version.

    The C library's stdout is sent to /dev/null meanwhile.

    HiGHS prints its banner ("Running HiGHS ...") from C++ when the first instance of a process is created,
    before any option (output_flag, log_to_console) can be set, and only then. The planner's own output
    (the summary line on stdout) must stay clean, so that first instance is made with file descriptor 1
    pointed at /dev/null for a moment.
    """
    global _banner_done
    import highspy

    with _banner_lock:
        if _banner_done:
            return highspy.Highs().version()
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "wb") as null:
                os.dup2(null.fileno(), 1)
            try:
                h = highspy.Highs()
                h.setOptionValue("output_flag", False)
                version = h.version()
            finally:
                _flush_c_stdout()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_done = True
        return version


def _flush_c_stdout() -> None:
    """Flush the C library's stdout buffer (what HiGHS printed) while it still points at /dev/null."""
    try:
        import ctypes

        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError):  # no C library to call: nothing buffered that we can reach
        pass


def highs_available() -> bool:
    """Return True when HiGHS (highspy) can be used through PuLP."""
    return bool(pulp.HiGHS().available())


def _solver(settings: SolverSettings, warm: bool = False, spent: float = 0.0) -> tuple[pulp.LpSolver, str]:
    name = settings.name
    if name == "highs" and not highs_available():
        log.warning("HiGHS is not installed (pip install highspy); using CBC instead")
        name = "cbc"
    # the time the start took comes off the solver's limit, so the whole solve keeps to it
    limit = max(settings.time_limit_s - spent, min(settings.time_limit_s, 0.01))
    common = {"msg": False, "timeLimit": limit, "gapRel": settings.gap, "threads": settings.threads}
    if name == "highs":
        return _BulkHiGHS(warmStart=warm, **common), f"highs {_quiet_highs_start()}"
    path, where = cbc_binary()
    return pulp.COIN_CMD(path=path, **common), f"cbc ({where})"


def cbc_binary() -> tuple[str, str]:
    """Return the CBC executable and where it comes from.

    The one PuLP 3 bundles, else the ``cbcbox`` package (``pip install pulp[cbc]``, PuLP 4's way), else
    ``cbc`` on the PATH.

    Called through ``COIN_CMD`` with an explicit path rather than ``PULP_CBC_CMD``, which PuLP 3.3
    deprecates (with a warning on every run) and PuLP 4 removes.
    """
    from pulp.apis import coin_api

    bundled = coin_api.COIN_CMD.executableExtension(getattr(coin_api, "pulp_cbc_path", ""))
    if bundled and os.path.isfile(bundled):
        if not os.access(bundled, os.X_OK):  # wheels may drop the execute bit, as PuLP itself notes
            os.chmod(bundled, os.stat(bundled).st_mode | stat.S_IXUSR)
        return bundled, f"bundled with PuLP {pulp.__version__}"
    try:
        import cbcbox

        return cbcbox.cbc_bin_path(), "cbcbox"
    except (ImportError, AttributeError):
        return shutil.which("cbc") or "cbc", "on the PATH"


HIGHS_INFINITE_COST = 1e20
"""HiGHS's ``infinite_cost`` option: a cost coefficient at least this large is read as infinity."""


def _why_stopped(problem: pulp.LpProblem, solver: pulp.LpSolver) -> str | None:
    """Why HiGHS ended without a plan when it was not the time limit, in words; None otherwise.

    HiGHS treats a cost coefficient of 1e20 or more as infinite, so a model whose yearly costs reach that
    (e.g. ``per_pupil_minute = 1e300``) makes every assignment forbidden and HiGHS ends at once with model
    status "Unknown". Reporting that as "raise the time limit" would send the user the wrong way.
    """
    highs = getattr(problem, "solverModel", None)
    if highs is None or not hasattr(highs, "getModelStatus"):
        return None
    import highspy

    status = highs.getModelStatus()
    if status in (highspy.HighsModelStatus.kTimeLimit, highspy.HighsModelStatus.kInterrupt,
                  highspy.HighsModelStatus.kIterationLimit, highspy.HighsModelStatus.kSolutionLimit):
        return None
    largest = getattr(solver, "largest_cost", 0.0)
    if largest >= HIGHS_INFINITE_COST:
        return say("stop.costs", largest=largest, limit=HIGHS_INFINITE_COST)
    return say("stop.numerical", status=highs.modelStatusToString(status))


def _run(problem: pulp.LpProblem, settings: SolverSettings) -> tuple[Status, float | None, float | None, str, float]:
    """Solve ``problem``: its status, objective (None without a solution), gap, solver label and seconds."""
    status, objective, gap, label, seconds, _ = _run_with_reason(problem, settings)
    return status, objective, gap, label, seconds


def _run_with_reason(problem: pulp.LpProblem, settings: SolverSettings, warm: bool = False, spent: float = 0.0
                     ) -> tuple[str, float | None, float | None, str, float, str | None]:
    """Run :func:`_run`, and also return why the solver stopped without a plan when not at the time limit.

    ``warm``: hand the variables' initial values to HiGHS as a start; ``spent``: seconds already used of the
    time limit.
    """
    solver, label = _solver(settings, warm, spent)
    started = time.perf_counter()
    problem.solve(solver)
    seconds = time.perf_counter() - started + spent
    sol = problem.sol_status
    status: Status
    if sol == pulp.LpSolutionOptimal:
        status = "optimal"
    elif sol == pulp.LpSolutionIntegerFeasible:
        status = "feasible"
    elif sol in (pulp.LpSolutionInfeasible, pulp.LpSolutionUnbounded):
        status = "infeasible"
    else:
        status = "no_solution"

    gap = None
    if status in WITH_SOLUTION:
        highs = getattr(problem, "solverModel", None)
        if highs is not None and hasattr(highs, "getInfo"):
            info = highs.getInfo()
            gap = float(info.mip_gap) if np.isfinite(info.mip_gap) and info.mip_dual_bound > -1e300 else None
            if gap is None and status == "optimal":
                gap = 0.0
        elif status == "optimal":
            gap = settings.gap  # CBC does not report its final gap through PuLP; it is within the tolerance
    objective = float(pulp.value(problem.objective) or 0.0) if status in WITH_SOLUTION else None
    stopped = _why_stopped(problem, solver) if status == "no_solution" else None
    return status, objective, gap, label, seconds, stopped


def solve(model: BuiltModel, settings: SolverSettings, *, started: float | None = None) -> Outcome:
    """Solve ``model``; never raises for infeasible or timed-out models, it says so in ``status``.

    ``values`` holds every variable block of the model: ``assign`` as an array, the others as dicts.

    ``started`` (a ``time.perf_counter()`` value, default now) is when the time limit began, the start of the
    model build: building, the start plan and every solver call count against ``settings.time_limit_s``.

    With HiGHS, a greedy plan improved by interchange (:mod:`consolidation.heuristic`) is handed over as a
    MIP start where the model is simple enough for it, so a short time limit still returns a plan. Where no
    rule but assignment and an open count is in the model, the radius formulation is solved instead
    (:mod:`consolidation.model.radius`, unless ``settings.formulation`` is ``classic``) and its plan written
    back into the model's variables.
    """
    called = time.perf_counter()
    began = called if started is None else started
    warm, values0 = False, None
    radius = Radius.of(model) if settings.formulation == "auto" else None
    if settings.name == "highs" and highs_available():
        t = time.perf_counter()
        left = settings.time_limit_s - (t - began)
        values0 = start(model, seconds=max(0.0, min(2.0, 0.1 * left)),
                        costs=None if radius is None else (radius.cost, radius.pair))
        if values0:
            for var, v in values0.items():
                var.setInitialValue(v)
            warm = True
        log.debug("start: %s (%.2f s)", "greedy + interchange" if warm else "none", time.perf_counter() - t)
    if warm and time.perf_counter() - began >= settings.time_limit_s and covers(model):
        # the time is spent (building and the start): the start plan is the plan; HiGHS would only load it
        for var, v in values0.items():
            var.varValue = v
        status, objective, gap, stopped = "feasible", float(pulp.value(model.problem.objective) or 0.0), None, None
        label = f"highs {_quiet_highs_start()} (not run: the time limit was spent building the model and a start plan)"
    elif radius is not None:
        opened0 = None if not values0 else np.array([values0[v] > 0.5 for v in radius.open_vars])
        status, objective, gap, label, _, stopped = _by_levels(radius, settings, opened0, began)
    else:
        status, objective, gap, label, _, stopped = _run_with_reason(
            model.problem, settings, warm, time.perf_counter() - began)
    seconds = time.perf_counter() - called
    return Outcome(status=status, objective=objective, gap=gap, solver=label, seconds=seconds,
                   values=_values(model, status in WITH_SOLUTION), stopped=stopped)


def _values(model: BuiltModel, found: bool) -> dict[str, Any]:
    """Every variable block's values (0 without a solution): ``assign`` as an array, the others as dicts."""

    def value(var: pulp.LpVariable) -> float:
        return float(var.varValue or 0.0) if found else 0.0

    values: dict[str, Any] = {}
    for block, variables in model.variables.items():
        if isinstance(variables, dict):
            values[block] = {key: value(v) for key, v in variables.items()}
        else:
            values[block] = np.array([value(v) for v in variables], float)
    return values


def solve_programme(programme: ProgrammeModel, settings: SolverSettings, *, started: float | None = None
                    ) -> tuple[Outcome, tuple[Outcome, ...]]:
    """Solve a programme's model; return the whole outcome and one outcome per planned year.

    A one-year plan is solved by :func:`solve` (start plan, radius formulation). A programme of several years
    is solved whole by the solver; each year's outcome carries the whole run's status, gap and solver, its own
    variable values and, as its ``objective``, that year's terms undiscounted (yuan a year).
    """
    if programme.years == (None,):
        outcome = solve(programme.models[0], settings, started=started)
        return outcome, (outcome,)
    called = time.perf_counter()
    spent = called - (called if started is None else started)
    status, objective, gap, label, _, stopped = _run_with_reason(programme.problem, settings, False, spent)
    seconds = time.perf_counter() - called
    found = status in WITH_SOLUTION
    years = tuple(Outcome(status=status, objective=float(pulp.value(m.objective) or 0.0) if found else None,
                          gap=gap, solver=label, seconds=seconds, values=_values(m, found), stopped=stopped)
                  for m in programme.models)
    return Outcome(status=status, objective=objective, gap=gap, solver=label, seconds=seconds,
                   stopped=stopped), years


def _dual_bound(problem: pulp.LpProblem) -> float:
    """HiGHS's proven lower bound of the problem just solved (``-inf`` when it has none or is not HiGHS)."""
    highs = getattr(problem, "solverModel", None)
    if highs is None or not hasattr(highs, "getInfo"):
        return -np.inf
    bound = float(highs.getInfo().mip_dual_bound)
    return bound if np.isfinite(bound) and bound > -1e300 else -np.inf


def _by_levels(radius: Radius, settings: SolverSettings, opened: np.ndarray | None, began: float
               ) -> tuple[str, float | None, float | None, str, float, str | None]:
    """Solve the radius relaxations, adding levels where a group is served past its own, until none is.

    Each relaxation starts from the best plan so far. Returns what :func:`_run_with_reason` returns, for the
    whole problem; the best plan is written back into the model's variables. Stopped by the time limit, the
    best plan found is returned as ``feasible`` with its gap to the best bound proven (a relaxation's bound
    holds for the whole problem).
    """
    deadline = began + settings.time_limit_s
    levels = radius.first_levels(opened)
    best_cost = radius.plan_cost(opened) if opened is not None else np.inf
    best = opened if np.isfinite(best_cost) else None
    bound, label, stopped, rounds = -np.inf, settings.name, None, 0
    final: tuple[str, float | None] | None = None
    while True:
        rounds += 1
        problem, _ = radius.problem(levels, best)
        status, _, gap, label, _, stopped = _run_with_reason(problem, settings, best is not None,
                                                             time.perf_counter() - began)
        if status == "infeasible":  # the relaxation has no plan: neither has the whole problem
            return "infeasible", None, None, label, time.perf_counter() - began, None
        if status not in WITH_SOLUTION:
            break
        bound = max(bound, _dual_bound(problem))
        found = radius.opened()
        cost = radius.plan_cost(found)
        if cost < best_cost:
            best, best_cost = found, cost
        levels, short = radius.more_levels(levels, found)
        log.debug("radius round %d: %d level rows, %d groups served past their levels, %s", rounds,
                  problem.numConstraints(), short, status)
        if not short:
            final = (status, gap)
            break
        if time.perf_counter() >= deadline:
            break
    seconds = time.perf_counter() - began
    if best is None:
        return "no_solution", None, None, label, seconds, stopped
    radius.write_back(best)
    objective = float(pulp.value(radius.model.problem.objective) or 0.0)
    if final is not None and final[0] == "optimal" and np.isclose(objective, best_cost):
        return "optimal", objective, final[1], label, seconds, None
    gap = (objective - bound) / max(abs(objective), 1e-9) if np.isfinite(bound) else None
    if gap is not None and gap <= settings.gap:
        return "optimal", objective, max(gap, 0.0), label, seconds, None
    return "feasible", objective, None if gap is None else max(gap, 0.0), label, seconds, None


def solve_problem(problem: pulp.LpProblem, variables: dict, settings: SolverSettings) -> Outcome:
    """Solve any built ``problem`` with the solver of ``settings`` (time limit and gap).

    Never raises for infeasible or timed-out problems. ``variables`` maps keys of the caller's choice to PuLP
    variables; their values come back under the same keys in ``values``.
    """
    status, objective, gap, label, seconds = _run(problem, settings)
    found = status in WITH_SOLUTION
    return Outcome(status=status, objective=objective, gap=gap, solver=label, seconds=seconds,
                   values={key: float(var.varValue or 0.0) if found else 0.0 for key, var in variables.items()})
