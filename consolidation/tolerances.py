"""Numeric tolerances: one set for the whole package.

Two kinds of float noise are told apart:

- :data:`EXACT` (1e-9): arithmetic on exact data (minutes, pupils, ratios) that should land on a whole
  number or on a limit; ``ceil(x - EXACT)``, ``floor(x + EXACT)`` and ``x <= limit + EXACT`` absorb it.
- :data:`SOLVER` (1e-6): what a MIP solver's values may be off by (its feasibility tolerance): shares,
  pupil loads against places and beds, the objective against the one recomputed from a plan's tables.
  Compared relative to the size of the quantity where that grows: :func:`slack`.
"""

from __future__ import annotations

import numpy as np

EXACT = 1e-9
"""Noise of exact arithmetic (rounding counts, comparing minutes with a limit)."""
SOLVER = 1e-6
"""Noise of a solver's values (absolute, or relative with :func:`slack`)."""


def slack(limit):
    """Tolerance for comparing a solver's pupil load (or cost) with ``limit``: ``SOLVER x max(1, |limit|)``."""
    return SOLVER * np.maximum(1.0, np.abs(limit))
