"""The plan model: a mixed-integer program built with PuLP from the eligible pairs.

Sets: schools ``s``; eligible pairs ``p = (o, b, s)`` from :mod:`consolidation.travel` (an origin ``o``
and band ``b`` with ``n_p`` pupils, ``t_p`` one-way minutes, boarding or not).

The rules are the families of :mod:`consolidation.families`, in registry order: each declares its variables
(named by domain IDs, e.g. ``assign__V017__G4_6__S003``), adds its constraints and contributes its objective
terms through a :class:`ModelBuilder`. This module owns every PuLP call of the plan model (the group model
is :mod:`consolidation.group_model`); model code never reads files.
"""

from __future__ import annotations

import dataclasses
import gc
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd
import pulp

from ..families import REGISTRY
from ..io import Inputs
from ..scenario import Scenario
from ..travel import Pairs

_UNSAFE = re.compile(r"[^A-Za-z0-9_]")
_SENSES = {"<=": pulp.LpConstraintLE, ">=": pulp.LpConstraintGE, "==": pulp.LpConstraintEQ}
_KINDS = {"continuous": pulp.LpContinuous, "integer": pulp.LpInteger, "binary": pulp.LpBinary}


def lp_name(*parts: str) -> str:
    """Join domain IDs into an LP-safe name: ``assign__V017__G4_6__S003``."""
    return "__".join(_UNSAFE.sub("_", str(p)) for p in parts)


def unique_names(ids: pd.Series) -> dict[str, str]:
    """Map IDs to LP-safe names, suffixing any that clash after cleaning."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for value in ids:
        name = lp_name(value)
        candidate, k = name, 1
        while candidate in used:
            k += 1
            candidate = f"{name}_{k}"
        used.add(candidate)
        out[value] = candidate
    return out


def expr(variables, coefficients) -> pulp.LpAffineExpression:
    """``sum_i coefficients[i] variables[i]`` as one PuLP expression."""
    return pulp.LpAffineExpression(list(zip(variables, np.asarray(coefficients, float).tolist())))


class ModelBuilder:
    """The model while the families build it.

    It holds the problem, the data it is built from, and the variable blocks declared so far. Families use
    only its methods (never PuLP itself).

    Attributes
    ----------
    pairs
        The eligible pairs; ``pairs.table`` rows are aligned with the ``assign`` block.
    schools
        The schools' data (the canonical columns), indexed by ``school_id``.
    """

    def __init__(self, pairs: Pairs, schools: pd.DataFrame, name: str, *, problem: pulp.LpProblem | None = None,
                 year: int | None = None, tag: str = ""):
        self.problem = problem if problem is not None else pulp.LpProblem(lp_name("plan", name), pulp.LpMinimize)
        self.pairs = pairs
        self.schools = schools
        self.year = year
        """The planned year of this block of a programme (None for a one-year plan)."""
        self.tag = tag
        """Suffix of every name in this year's block (``y2027``; empty for a one-year plan)."""
        self._blocks: dict[str, Any] = {}
        self._school_names = unique_names(schools.index.to_series())
        self._origin_names = unique_names(pd.Series(pd.unique(pairs.table["origin_id"])))

    # --- names and variables ----------------------------------------------------------------------------

    def school_name(self, sid: str) -> str:
        """Return the LP-safe name of a school in variable names (unique after cleaning)."""
        return self._school_names[sid]

    def origin_name(self, oid: str) -> str:
        """Return the LP-safe name of an origin in variable names (unique after cleaning)."""
        return self._origin_names[oid]

    def variable(self, name: str, *, low: float | None = 0, up: float | None = None,
                 kind: Literal["continuous", "integer", "binary"] = "continuous") -> Any:
        """Create a new variable of the problem (``kind`` binary: in {0, 1}, whatever ``low`` and ``up`` say)."""
        return self.problem.add_variable(self._tagged(name), lowBound=low, upBound=up, cat=_KINDS[kind])

    def _tagged(self, name: str) -> str:
        return f"{name}__{self.tag}" if self.tag else name

    @staticmethod
    def fix(variable: Any, value: float) -> None:
        """Fix ``variable`` to ``value`` (both bounds)."""
        variable.lowBound = variable.upBound = value

    def declare(self, block: str, variables: Any) -> None:
        """Register a family's variable block (a dict keyed by domain IDs, or a list aligned with the pairs)."""
        if block in self._blocks:
            raise ValueError(f"variable block {block!r} declared twice")
        self._blocks[block] = variables

    def __getitem__(self, block: str) -> Any:
        """Return the variable block ``block`` (KeyError when no family declared it)."""
        return self._blocks[block]

    def get(self, block: str, default: Any = None) -> Any:
        """Return the variable block ``block``, or ``default`` when no family declared it."""
        return self._blocks.get(block, default)

    # --- algebra ----------------------------------------------------------------------------------------

    name = staticmethod(lp_name)
    expr = staticmethod(expr)

    @staticmethod
    def total(variables) -> Any:
        """Return the sum of ``variables`` (expressions or variables) as one expression."""
        return pulp.lpSum(variables)

    @staticmethod
    def terms(pairs) -> Any:
        """``sum c v`` from ``(variable, coefficient)`` pairs, in their order."""
        return pulp.LpAffineExpression(list(pairs))

    def constrain(self, lhs: Any, sense: Literal["<=", ">=", "=="], name: str, rhs: float = 0, *,
                  whole: bool = False) -> None:
        """Add ``lhs sense rhs`` (``rhs`` a number) under ``name`` (``whole``: a programme's row, untagged)."""
        self.problem.addConstraint(pulp.LpConstraint(lhs, _SENSES[sense], name if whole else self._tagged(name), rhs))

    def loads(self, mask: np.ndarray | None = None, *, by: str | list[str] = "school_id") -> dict:
        """Return pupils assigned, ``sum_p n_p assign[p]`` over the pairs of ``mask``, keyed by ``by``.

        Keys are a school, or ``(school, band)`` with ``["school_id", "band"]``.
        """
        table = self.pairs.table
        assign = self._blocks["assign"]
        pupils = table["pupils"].to_numpy(float)
        keep = np.ones(len(table), bool) if mask is None else mask
        out = {}
        for key, rows in table[keep].groupby(by, sort=False).indices.items():
            index = np.flatnonzero(keep)[rows]
            out[key] = expr([assign[i] for i in index], pupils[index])
        return out

    def freeze(self) -> BuiltModel:
        """Return the finished model, its variable blocks read-only."""
        return BuiltModel(problem=self.problem, pairs=self.pairs, schools=self.schools,
                          variables=MappingProxyType(dict(self._blocks)), year=self.year)


@dataclass(frozen=True)
class BuiltModel:
    """A PuLP problem and its variable blocks, keyed by domain IDs.

    ``variables`` maps each block a family declared (``assign``, ``open``, ``places``, ...) to its variables:
    a list aligned with the rows of ``pairs.table`` (``assign``) or a dict keyed by ``school_id`` (or by
    ``(school_id, band)``).
    """

    problem: pulp.LpProblem
    pairs: Pairs
    schools: pd.DataFrame
    """School parameters used by the model, indexed by ``school_id``."""
    variables: Mapping[str, Any]
    year: int | None = None
    """The planned year of this block of a programme (None for a one-year plan)."""
    objective: Any = None
    """This year's objective terms (yuan a year, undiscounted) as one expression; None for a one-year plan,
    whose objective is the problem's."""


@dataclass(frozen=True)
class ProgrammeModel:
    """A programme's MIP: one block of every family's variables and rows per planned year, in one problem.

    The blocks are linked by the families' rules across years (:attr:`Family.across`); the objective is the
    sum over years of ``weight[y] x`` the year's terms (its discount factor times the years it stands for).
    A one-year plan is the programme of one block, without tags, weights or links.
    """

    problem: pulp.LpProblem
    models: tuple[BuiltModel, ...]
    weights: tuple[float, ...]

    @property
    def years(self) -> tuple[int | None, ...]:
        """The planned years, in order (``(None,)`` for a one-year plan)."""
        return tuple(m.year for m in self.models)


def year_weights(years: list[int], scenario: Scenario) -> list[float]:
    """Return each planned year's weight: the discount factors of the years it stands for, summed.

    Planned year ``y`` stands for ``y .. y + step - 1``; year ``t`` is discounted by
    ``(1 + costs.discount_rate) ** -(t - first)``.
    """
    rate, step, first = scenario.costs.discount_rate, scenario.years.step, years[0]
    return [float(sum((1 + rate) ** -(y + k - first) for k in range(step))) for y in years]


def build_programme(pairs: Mapping[int | None, Pairs], schools: Mapping[int | None, pd.DataFrame],
                    scenario: Scenario) -> ProgrammeModel:
    """Build the MIP of a programme: every family's block for every year, then the links between years.

    ``pairs`` and ``schools`` (indexed by ``school_id``) are keyed by planned year, in order; a one-year plan
    has the one key None. Per year, every family declares its variables, then the objective is the weighted
    sum of the years' cost terms, then each family adds its constraints (year by year), then each family
    links the years (:attr:`Family.across`, in registry order).

    Python's cyclic garbage collector is paused while building: PuLP makes a few objects per pair, none of
    them garbage, and the collector's repeated passes over them cost a fifth of the build on large models.
    """
    years = list(pairs)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        several = years != [None]
        problem = pulp.LpProblem(lp_name("plan", scenario.name), pulp.LpMinimize)
        builders = [ModelBuilder(pairs[y], schools[y], scenario.name, problem=problem, year=y,
                                 tag=f"y{y}" if several else "") for y in years]
        for m in builders:
            for family in REGISTRY:
                if family.declare is not None:
                    family.declare(m, scenario)
        objectives = [pulp.lpSum(objective_terms(m, scenario).values()) for m in builders]
        weights = year_weights(years, scenario) if several else [1.0]
        problem.setObjective(objectives[0] if not several else
                             pulp.lpSum(w * o for w, o in zip(weights, objectives)))
        for m in builders:
            for family in REGISTRY:
                if family.define is not None:
                    family.define(m, scenario)
        if several:
            for family in REGISTRY:
                if family.across is not None:
                    family.across(builders, scenario)
        models = tuple(dataclasses.replace(m.freeze(), objective=o if several else None)
                       for m, o in zip(builders, objectives))
        return ProgrammeModel(problem=problem, models=models, weights=tuple(weights))
    finally:
        if was_enabled:
            gc.enable()


def build_model(pairs: Pairs, inputs: Inputs, scenario: Scenario) -> BuiltModel:
    """Build the MIP of a one-year plan: the programme of one block (:func:`build_programme`)."""
    return build_programme({None: pairs}, {None: inputs.schools.set_index("school_id")}, scenario).models[0]


def objective_terms(m: ModelBuilder, scenario: Scenario) -> dict[str, Any]:
    """Return the objective's terms in yuan a year, by name, from every family that contributes one."""
    terms: dict[str, Any] = {}
    for family in REGISTRY:
        if family.objective is not None:
            terms.update(family.objective(m, scenario))
    return terms


def write_lp(model: BuiltModel, path: str | Path) -> Path:
    """Write the model as an LP file (CPLEX LP format, names by domain IDs) for analysts to read."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    model.problem.writeLP(str(path))
    return path
