"""Why the solver found no plan: relax one rule family at a time and say what a plan would then need.

Runs only when the solver proves infeasibility that no check before solving saw
(:func:`consolidation.checks.infeasibility_reasons`). Each family of the registry with a
:class:`~consolidation.families.base.Relaxation` is dropped in turn (places, beds, the hub size, the
open-school count, ...); a relaxed scenario that has a plan names the schools and shortfalls that would make
the original one possible.
"""

from __future__ import annotations

from .families import REGISTRY
from .io import Inputs
from .messages import either, say
from .model import build_model
from .plan import make_plan
from .scenario import Scenario
from .solve import solve
from .travel import Pairs, build_pairs

QUICK_SECONDS = 60.0
"""Time limit of each relaxed solve (or the scenario's, when shorter)."""


def relaxed_reasons(inputs: Inputs, pairs: Pairs, scenario: Scenario) -> list[str]:
    """Return one reason per family whose relaxation makes a plan possible, in registry order.

    When no single relaxation helps, the list holds one sentence that says so.
    """
    reasons: list[str] = []
    quick = scenario.solver.model_copy(update={"time_limit_s": min(QUICK_SECONDS, scenario.solver.time_limit_s)})
    big = float(pairs.demand["pupils"].sum()) + 1.0
    relaxations = [f.relaxation for f in REGISTRY if f.relaxation is not None]
    for relaxation in relaxations:
        trial = relaxation.relax(inputs, scenario, big)
        if trial is None:  # the rule is not in force: relaxing it changes nothing
            continue
        trial_inputs, trial_scenario = trial
        trial_pairs = build_pairs(trial_inputs, trial_scenario)
        outcome = solve(build_model(trial_pairs, trial_inputs, trial_scenario), quick)
        if not outcome.has_plan:
            continue
        plan = make_plan(outcome, trial_pairs, trial_inputs, trial_scenario)
        reasons.append(relaxation.explain(plan, inputs, scenario))
    if not reasons:
        reasons.append(say("reason.nothing_helps", listed=either(r.label for r in relaxations)))
    return reasons
