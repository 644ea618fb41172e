"""Errors the stages raise. The CLI maps each to an exit code."""

from __future__ import annotations


class PlannerError(Exception):
    """Base class of every error the planner raises on purpose."""

    exit_code = 1


class ScenarioError(PlannerError):
    """The scenario file is malformed: unknown key, wrong type, bad value."""

    exit_code = 2


class InputError(PlannerError):
    """The data files have problems. ``problems`` lists each, with its file, column, IDs and fix."""

    exit_code = 2

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) in the input data:"
        super().__init__("\n".join([head, *("- " + p for p in self.problems)]))


class InfeasibleError(PlannerError):
    """No plan can satisfy the scenario's rules. ``reasons`` says why in plain words."""

    exit_code = 3

    def __init__(self, reasons: list[str]):
        self.reasons = list(reasons)
        super().__init__("\n".join(["The scenario has no feasible plan:", *("- " + r for r in reasons)]))


class OutputError(PlannerError):
    """The output folder cannot be written as asked (e.g. it exists and overwriting was not asked)."""

    exit_code = 2


class VerificationError(PlannerError):
    """A solved plan broke a rule when re-checked independently. This is a bug, never a report."""

    exit_code = 1


def id_list(ids, limit: int = 10) -> str:
    """Format IDs for a message: the first ``limit`` and a count of the rest."""
    ids = [str(i) for i in ids]
    shown = ", ".join(ids[:limit])
    more = len(ids) - limit
    return shown + (f" and {more} more" if more > 0 else "")
