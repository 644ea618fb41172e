"""The README stays true: its scenario reference is the schema's, and its commands exist."""

from __future__ import annotations

import ast

from consolidation.scenario import reference_markdown

from conftest import REPO


def test_readme_scenario_reference_matches_the_schema():
    text = (REPO / "README.md").read_text()
    start, end = "<!-- scenario-reference:start -->", "<!-- scenario-reference:end -->"
    block = text[text.index(start) + len(start):text.index(end)].strip()
    assert block == reference_markdown().strip(), "regenerate the README block from `consolidation reference`"


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    assert "make test" in readme and "make test" in (REPO / ".ci" / "run").read_text()


ORDER = {"errors": -1, "messages": -1, "files": -1, "synthetic": -1, "tolerances": -1, "status": -1, "scenario": 0,
         "readers": 0.7, "coordinates": 0.8, "canonical": 0.9, "roads": 0.95, "io": 1, "travel": 2, "campuses": 2.5,
         "checks": 3, "families": 3.5, "model": 4, "group_model": 4.5, "solve": 5, "plan": 6, "explain": 6.1,
         "teachers": 6.2, "central": 6.25, "programme": 6.3, "projection": 1.5, "groups": 6.5, "decisions": 6.6,
         "alternatives": 6.7, "report": 7, "pipeline": 8, "cli": 9, "before_after": 6.4, "policy": 6.45}
PULP_FREE = ("families", "report", "plan", "io", "roads", "readers", "coordinates", "canonical", "travel", "checks",
             "scenario", "programme", "projection", "messages", "campuses", "before_after", "policy", "central",
             "decisions", "alternatives")
"""Stages that never import PuLP (the rule families reach it only through model.ModelBuilder)."""


def _imports(path):
    """(first module name, node) of every import in a file, relative imports resolved to the package."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level > 0 and node.module:
            yield node.module.split(".")[0], node
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("consolidation."):
            yield node.module.split(".")[1], node
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node


def test_stages_import_only_from_their_left():
    package = REPO / "consolidation"
    for path in package.rglob("*.py"):
        stage = path.parent.name if path.parent.name in ("report", "families", "synthetic") else path.stem
        if stage not in ORDER:
            continue
        for module, _node in _imports(path):
            if module in ORDER and module != stage:
                assert ORDER[module] < ORDER[stage], f"{path.relative_to(REPO)} imports {module}, a later stage"
            if stage in PULP_FREE:
                assert module != "pulp", f"{path.relative_to(REPO)} imports pulp"
