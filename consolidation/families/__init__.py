"""The rules of the plan model, one module per rule family, listed in one ordered registry.

A family module (every module of this package not starting with ``_``, ``base`` apart) defines
``FAMILY = Family(...)``: its scenario keys, the variables it declares, the constraints it adds, the cost
terms it contributes, the check of a finished plan against it, and the relaxation that explains an
infeasible scenario (see :class:`~consolidation.families.base.Family`). The registry is every such family,
sorted by ``order``; building (:func:`consolidation.model.build_model`), verifying
(:func:`consolidation.plan.verify`), costing (:func:`consolidation.plan.cost_terms`), explaining
infeasibility (:func:`consolidation.explain.relaxed_reasons`) and ``consolidation reference`` all walk it.

Family modules never import PuLP, so the plan, report and comparison stages can read the registry without
loading the solver.
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import Family, PlanView, ProgrammeView, Relaxation


def _discover() -> tuple[Family, ...]:
    families = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        family = getattr(module, "FAMILY", None)
        if not isinstance(family, Family):
            raise TypeError(f"{module.__name__} defines no FAMILY = Family(...)")
        families.append(family)
    families.sort(key=lambda f: f.order)
    for a, b in zip(families, families[1:]):
        if a.order == b.order or a.name == b.name:
            raise ValueError(f"families {a.name} and {b.name} share an order or a name")
    return tuple(families)


REGISTRY: tuple[Family, ...] = _discover()
"""Every rule family, in build order."""

COST_TERMS: tuple[str, ...] = tuple(term for family in REGISTRY for term in family.cost_terms)
"""The objective's terms by name, in the order the model, the plan, the report and comparisons list them."""


PUBLIC_CATEGORIES: tuple[str, ...] = ("schools", "teachers", "life_teachers", "buses", "boarding", "meals",
                                      "capital_annual")
"""The public budget's yearly categories, in the order summary.json and the reports list them."""

PUBLIC: dict[str, str] = {term: category for f in REGISTRY for term, category in f.public.items()}
"""The public category of each cost term; terms not here are families' (their travel time valued)."""


def public_parts(terms: dict[str, float]) -> dict[str, float]:
    """Return the public yearly cost by category and its ``total`` (yuan a year) from the cost terms."""
    out = {category: 0.0 for category in PUBLIC_CATEGORIES}
    for term, value in terms.items():
        if term in PUBLIC:
            out[PUBLIC[term]] += float(value)
    out["total"] = sum(out[c] for c in PUBLIC_CATEGORIES)
    return out


def family(name: str) -> Family:
    """Return the registered family called ``name``."""
    for f in REGISTRY:
        if f.name == name:
            return f
    raise KeyError(name)


def families_markdown() -> str:
    """Return a Markdown list of the rule families, in build order.

    Each entry says what the family does, the keys it reads, its cost terms, whether a plan is re-checked
    against it and whether an infeasible scenario is explained by relaxing it.
    """
    out = ["| family | rule | reads | cost terms | checked | relaxed to explain |", "|---|---|---|---|---|---|"]
    for f in REGISTRY:
        reads = ", ".join(f"`{k}`" for k in f.reads)
        terms = ", ".join(f"`{t}`" for t in f.cost_terms)
        relaxed = f.relaxation.label if f.relaxation is not None else ""
        out.append(f"| `{f.name}` | {f.summary} | {reads} | {terms} | {'yes' if f.check else ''} | {relaxed} |")
    out.append("")
    out.append("Constraints, family by family (the algebra the model builds):")
    out.append("")
    for f in REGISTRY:
        if f.define is not None:
            out.append(f"- `{f.name}`: {f.doc}")
    out += ["", "Across the years of a programme (`[years]`), the rows linking one year's block to the next:", ""]
    for f in REGISTRY:
        if f.across is not None:
            out.append(f"- `{f.name}`: {' '.join((f.across.__doc__ or '').split())}")
    return "\n".join(out)


__all__ = ["COST_TERMS", "PUBLIC", "PUBLIC_CATEGORIES", "REGISTRY", "public_parts", "Family", "PlanView",
           "ProgrammeView", "Relaxation", "family", "families_markdown"]
