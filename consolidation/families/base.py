"""What a rule family is: the parts a rule owns, in one value the registry lists.

A family module defines ``FAMILY = Family(...)`` and nothing outside it needs to change for the rule to be
built, verified, explained when infeasible, costed and listed in ``consolidation reference``.

Family modules never import PuLP: they declare variables and add constraints through the model builder they
are given (:class:`consolidation.model.ModelBuilder`, which owns every PuLP call), so the plan, report and
comparison stages can walk the registry (checks, cost terms) without loading the solver.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, Protocol

import numpy as np
import pandas as pd

from ..io import Inputs
from ..scenario import Scenario
from ..travel import Pairs


class Builder(Protocol):
    """What a family may do with the model being built.

    Implemented by :class:`consolidation.model.ModelBuilder`, which owns every PuLP call. Variables and
    expressions support ``+``, ``-`` and multiplication by numbers; ``var.name`` and ``var.upBound`` are
    readable.
    """

    pairs: Pairs
    """The eligible pairs; ``pairs.table`` rows are aligned with the ``assign`` block."""
    schools: pd.DataFrame
    """The schools' data, indexed by ``school_id``."""
    year: int | None
    """The planned year of this block of a programme (None for a one-year plan)."""

    def school_name(self, sid: str) -> str:
        """Return the LP-safe name of a school in variable names."""

    def origin_name(self, oid: str) -> str:
        """Return the LP-safe name of an origin in variable names."""

    @staticmethod
    def name(*parts: str) -> str:
        """Domain IDs joined into an LP-safe name: ``capacity__S003``."""

    def variable(self, name: str, *, low: float | None = 0, up: float | None = None,
                 kind: Literal["continuous", "integer", "binary"] = "continuous") -> Any:
        """Create and return a new variable."""

    def declare(self, block: str, variables: Any) -> None:
        """Register a variable block (a dict keyed by domain IDs, or a list aligned with the pairs)."""

    def __getitem__(self, block: str) -> Any:
        """Return a declared variable block."""

    def get(self, block: str, default: Any = None) -> Any:
        """Return a declared variable block, or ``default``."""

    @staticmethod
    def fix(variable: Any, value: float) -> None:
        """Fix a variable's value (both bounds)."""

    @staticmethod
    def expr(variables: Iterable[Any], coefficients: Iterable[float]) -> Any:
        """``sum_i coefficients[i] variables[i]``."""

    @staticmethod
    def total(variables: Iterable[Any]) -> Any:
        """Return the sum of variables or expressions."""

    @staticmethod
    def terms(pairs: Iterable[tuple[Any, float]]) -> Any:
        """``sum c v`` from ``(variable, coefficient)`` pairs."""

    def constrain(self, lhs: Any, sense: Literal["<=", ">=", "=="], name: str, rhs: float = 0, *,
                  whole: bool = False) -> None:
        """Add the constraint ``lhs sense rhs`` under ``name`` (``whole``: a programme's row, without year tag)."""

    def loads(self, mask: np.ndarray | None = None, *, by: str | list[str] = "school_id") -> dict:
        """Pupils assigned, ``sum_p n_p assign[p]`` over the pairs of ``mask``, keyed by ``by``."""


Declare = Callable[[Builder, Scenario], None]
Across = Callable[[Sequence[Builder], Scenario], None]
Define = Callable[[Builder, Scenario], None]
Objective = Callable[[Builder, Scenario], Mapping[str, Any]]


@dataclass(frozen=True)
class PlanView:
    """A finished plan's tables, as the family checks read them (built by :func:`consolidation.plan.verify`).

    Attributes
    ----------
    assignments
        The plan's assignments (one row per origin, band and receiving school).
    schools
        The plan's school table, indexed by ``school_id``.
    demand
        One row per origin and band with pupils (:attr:`consolidation.travel.Pairs.demand`).
    inputs
        The checked data.
    summary
        The plan's headline figures (``cost`` recomputed from the tables, ``solver_objective``).
    """

    assignments: pd.DataFrame
    schools: pd.DataFrame
    demand: pd.DataFrame
    inputs: Inputs
    summary: Mapping[str, Any]

    @cached_property
    def load(self) -> pd.Series:
        """Pupils per school after the plan (0 where none), indexed like :attr:`schools`."""
        return self.assignments.groupby("school_id")["pupils"].sum().reindex(self.schools.index).fillna(0.0)

    @cached_property
    def boarders(self) -> pd.Series:
        """Boarders per school after the plan (0 where none), indexed like :attr:`schools`."""
        a = self.assignments
        return a[a["boards"] == 1].groupby("school_id")["pupils"].sum().reindex(self.schools.index).fillna(0.0)

    @cached_property
    def school_of_row(self) -> pd.DataFrame:
        """The school row of each assignment row (aligned with :attr:`assignments`)."""
        return self.schools.reindex(self.assignments["school_id"])


@dataclass(frozen=True)
class ProgrammeView:
    """A finished programme's plans, year by year, as the families' checks across years read them.

    Attributes
    ----------
    years
        The planned years, in order.
    plans
        Each year's verified plan (:class:`consolidation.plan.Plan`), in the order of :attr:`years`.
    capital
        One-off yuan by the calendar year it is spent (:func:`consolidation.programme.capital_by_year`).
    """

    years: tuple[int, ...]
    plans: tuple[Any, ...]
    capital: pd.DataFrame

    def by_year(self, column: str) -> pd.DataFrame:
        """Return a schools column year by year: rows ``school_id``, columns the years."""
        return pd.DataFrame({y: p.schools.set_index("school_id")[column] for y, p in zip(self.years, self.plans)})


@dataclass(frozen=True)
class Relaxation:
    """How a family explains an infeasible scenario.

    It drops (or loosens) its rule, solves again, and says what the plan found then needs.

    Attributes
    ----------
    label
        The rule in a few words, for the sentence saying no single relaxation helps ("places", "the hub size").
    relax
        ``relax(inputs, scenario, big)``: the inputs and scenario without the rule (``big`` is more pupils
        than the whole county has), or None when the rule is not in force (nothing to relax).
    explain
        ``explain(plan, inputs, scenario)``: one sentence naming the schools and shortfalls that would make
        a plan possible, from the relaxed plan and the original inputs and scenario.
    """

    label: str
    relax: Callable[[Inputs, Scenario, float], tuple[Inputs, Scenario] | None]
    explain: Callable[[Any, Inputs, Scenario], str]


@dataclass(frozen=True)
class Family:
    """One rule of the plan model, every part of it in one place.

    Attributes
    ----------
    name
        Short name, e.g. ``beds``.
    order
        Position in the registry (build order of the constraints; ascending). Keep the existing numbers:
        the order of constraints in the model is part of the formulation (and of the golden LP files).
    summary
        One line for ``consolidation reference``.
    reads
        The scenario keys (``section.key``) and data columns (``schools: beds``) the family reads.
    declare
        ``declare(m, scenario)``: declares the family's variables on the builder ``m`` (``m.declare``).
    define
        ``define(m, scenario)``: adds the constraints; its docstring states the algebra and units.
    objective
        ``objective(m, scenario)``: the objective terms it contributes, by name (yuan a year).
    cost_terms
        The names of those terms, in the order reports show them.
    recompute
        ``recompute(assignments, schools, scenario)``: the same terms recomputed from a plan's tables.
    check
        ``check(plan, scenario)`` on a :class:`PlanView`: every violation of the rule, in words.
    relaxation
        How an infeasible scenario is explained by relaxing this rule (None: it is not relaxed).
    lp_names
        Name prefixes of the rows (and columns) the family puts in an LP file; its golden LP file shows
        each of them.
    public
        The public budget's category of each cost term (``schools``, ``teachers``, ``life_teachers``,
        ``buses``, ``boarding``, ``meals``, ``capital_annual``); a term not listed is families' (travel time).
    by_school
        ``by_school(assignments, schools, scenario)``: the cost terms school by school (yuan a year, indexed by
        ``school_id``, a column per term); the columns add up to :attr:`recompute`'s terms.
    across
        ``across(builders, scenario)``: in a programme, the rows linking the years' blocks (one builder per
        planned year, in order); its docstring states the algebra.
    check_years
        ``check_years(programme, scenario)`` on a :class:`ProgrammeView`: every violation of the family's rule
        across years, in words.
    """

    name: str
    order: int
    summary: str
    reads: tuple[str, ...] = ()
    declare: Declare | None = None
    define: Define | None = None
    objective: Objective | None = None
    cost_terms: tuple[str, ...] = ()
    recompute: Callable[[pd.DataFrame, pd.DataFrame, Scenario], dict[str, float]] | None = None
    check: Callable[[PlanView, Scenario], list[str]] | None = None
    relaxation: Relaxation | None = None
    lp_names: tuple[str, ...] = field(default=())
    public: Mapping[str, str] = field(default_factory=dict)
    by_school: Callable[[pd.DataFrame, pd.DataFrame, Scenario], pd.DataFrame] | None = None
    across: Across | None = None
    check_years: Callable[[ProgrammeView, Scenario], list[str]] | None = None

    @property
    def doc(self) -> str:
        """The algebra of the family's constraints (the docstring of ``define``), or its summary."""
        text = (self.define.__doc__ if self.define is not None else None) or self.summary
        return " ".join(text.split())
