"""Benchmarks of the planner: published optima, PySAL spopt side by side, scaling, and a province.

``python benchmarks/run.py [--quick]`` prints every table in Markdown; each module also runs alone.
"""
