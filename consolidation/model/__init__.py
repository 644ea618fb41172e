"""The plan model: a mixed-integer program built with PuLP from the eligible pairs.

Sets: schools ``s``; eligible pairs ``p = (o, b, s)`` from :mod:`consolidation.travel` (an origin ``o``
and band ``b`` with ``n_p`` pupils, ``t_p`` one-way minutes, boarding or not).

The rules are the families of :mod:`consolidation.families`, in registry order: each declares its variables
(named by domain IDs, e.g. ``assign__V017__G4_6__S003``), adds its constraints and contributes its objective
terms through a :class:`ModelBuilder`. This module owns every PuLP call of the plan model (the group model
is :mod:`consolidation.group_model`); model code never reads files.
"""

from __future__ import annotations

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

    def __init__(self, pairs: Pairs, schools: pd.DataFrame, name: str):
        self.problem = pulp.LpProblem(lp_name("plan", name), pulp.LpMinimize)
        self.pairs = pairs
        self.schools = schools
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
        return self.problem.add_variable(name, lowBound=low, upBound=up, cat=_KINDS[kind])

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

    def constrain(self, lhs: Any, sense: Literal["<=", ">=", "=="], name: str, rhs: float = 0) -> None:
        """Add ``lhs sense rhs`` (``rhs`` a number) under ``name``."""
        self.problem.addConstraint(pulp.LpConstraint(lhs, _SENSES[sense], name, rhs))

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
                          variables=MappingProxyType(dict(self._blocks)))


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


def build_model(pairs: Pairs, inputs: Inputs, scenario: Scenario) -> BuiltModel:
    """Build the MIP from the registry's families.

    Every family declares its variables (eligible pairs only), then the objective is the sum of the
    families' cost terms, then each family adds its constraints, in order.

    Python's cyclic garbage collector is paused while building: PuLP makes a few objects per pair, none of
    them garbage, and the collector's repeated passes over them cost a fifth of the build on large models.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        m = ModelBuilder(pairs, inputs.schools.set_index("school_id"), scenario.name)
        for family in REGISTRY:
            if family.declare is not None:
                family.declare(m, scenario)
        m.problem.setObjective(pulp.lpSum(objective_terms(m, scenario).values()))
        for family in REGISTRY:
            if family.define is not None:
                family.define(m, scenario)
        return m.freeze()
    finally:
        if was_enabled:
            gc.enable()


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
