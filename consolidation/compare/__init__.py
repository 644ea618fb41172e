"""Compare finished run folders side by side.

The comparison shows the headline numbers, the maps at one scale, the travel times, the decisions
that differ and the scenario settings that differ. It never solves and never imports the solver.

Modules, in the order data flows: :mod:`.shapes` and :mod:`.runs` read and check run folders,
:mod:`.analysis` computes what differs, :mod:`.content` gathers what both outputs show (with the map
panels), :mod:`.html` and :mod:`.pdf` (on :mod:`.layout` and :mod:`.figures`) write them, and
:mod:`.compare` runs it all.
"""

from .analysis import Comparison, decisions, headline_rows, setting_differences
from .compare import compare_runs
from .runs import RunFolder, input_differences, load_runs, read_run

__all__ = ["Comparison", "RunFolder", "compare_runs", "decisions", "headline_rows", "input_differences",
           "load_runs", "read_run", "setting_differences"]
