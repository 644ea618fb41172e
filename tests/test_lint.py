"""Ruff's checks (pyflakes, pycodestyle, bugbear, complexity, numpy docstrings) stay clean, so CI keeps them so."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    # ruff is in the test extra; without it this fails with "No module named ruff" rather than skipping.
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "consolidation", "tests", "benchmarks"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
