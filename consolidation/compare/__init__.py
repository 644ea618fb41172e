"""Compare finished run folders side by side: headline numbers, maps at one scale, travel times,
the decisions that differ and the scenario settings that differ. Never solves, never imports the solver.
"""

from .compare import (Comparison, RunFolder, compare_runs, decisions, headline_rows, input_differences, load_runs,
                      read_run, setting_differences)

__all__ = ["Comparison", "RunFolder", "compare_runs", "decisions", "headline_rows", "input_differences",
           "load_runs", "read_run", "setting_differences"]
