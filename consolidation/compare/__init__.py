"""Compare finished run folders side by side: headline numbers, maps at one scale, travel times,
the decisions that differ and the scenario settings that differ. Never solves, never imports the solver.
"""

from .analysis import Comparison, decisions, headline_rows, setting_differences
from .compare import compare_runs
from .runs import RunFolder, input_differences, load_runs, read_run

__all__ = ["Comparison", "RunFolder", "compare_runs", "decisions", "headline_rows", "input_differences",
           "load_runs", "read_run", "setting_differences"]
