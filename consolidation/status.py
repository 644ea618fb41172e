"""The outcome of a solve, as a value: one status type for the plan and the education groups."""

from __future__ import annotations

from typing import Literal

Status = Literal["optimal", "feasible", "infeasible", "no_solution"]
"""``optimal`` (within the gap tolerance), ``feasible`` (a solution, stopped by the time limit),
``infeasible`` (proven: nothing satisfies the rules) or ``no_solution`` (none found in time)."""

STATUSES: tuple[Status, ...] = ("optimal", "feasible", "infeasible", "no_solution")
WITH_SOLUTION: tuple[Status, ...] = ("optimal", "feasible")
"""The statuses that come with a plan (or a grouping) to report."""
