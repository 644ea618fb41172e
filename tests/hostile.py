"""Shared checks of the adversarial suite (tests/test_hostile_*.py): run a command as a user would and
assert that it refused cleanly, named the culprit, left nothing that looks complete and changed nothing else.

A tiny county for hostile cases: :func:`tiny_county` writes a valid two-school, two-village instance that
each case then breaks in one way.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from click.testing import CliRunner, Result

from consolidation import cli

from conftest import write_instance

EXIT_BAD_INPUT = 2

# Files whose presence marks a folder as finished output of the planner.
COMPLETE_MARKERS = ("run.json", "summary.json", "report.html", "comparison.html", "sweep.csv", "province.csv",
                    "groups.html")


def invoke(*args, input: str | None = None) -> Result:
    """Run the ``consolidation`` command in-process, exactly as on a terminal (exceptions are not re-raised:
    an internal error shows up as exit 1 and a traceback in the output, which the checks below reject)."""
    return CliRunner().invoke(cli.main, [str(a) for a in args], input=input, catch_exceptions=True)


def output(result: Result) -> str:
    """Everything the command printed, stdout and stderr, once each."""
    text = result.output or ""
    try:
        err = result.stderr or ""
    except ValueError:  # stderr not captured separately
        err = ""
    return text if err in text else text + err  # click 8.2+ already interleaves stderr into output


def snapshot(folder: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of every file under ``folder`` (hidden ones too), to prove nothing changed."""
    folder = Path(folder)
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def complete_looking(folder: Path) -> list[Path]:
    """Folders under (and including) ``folder`` that hold a file marking finished output."""
    folder = Path(folder)
    if not folder.exists():
        return []
    found = []
    for marker in COMPLETE_MARKERS:
        found += [p.parent for p in folder.rglob(marker)]
    return sorted(set(found))


def assert_refused(result: Result, *culprits: str, code: int = EXIT_BAD_INPUT) -> str:
    """The command ended with ``code``, printed no traceback, and its message names every ``culprit``
    (case-insensitive). Returns the output for further checks."""
    text = output(result)
    assert result.exit_code == code, f"exit {result.exit_code}, expected {code}:\n{text}\n{result.exception!r}"
    assert "Traceback" not in text, text
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"internal error {result.exception!r}:\n{text}")
    lowered = text.lower()
    for culprit in culprits:
        assert str(culprit).lower() in lowered, f"{culprit!r} not named in:\n{text}"
    return text


def tiny_county(folder: Path, **scenario) -> Path:
    """A valid tiny county (2 schools, 2 villages, a complete travel table); returns its scenario path.

    ``scenario`` entries are merged into the scenario file (e.g. ``name="x"``)."""
    return write_instance(
        Path(folder),
        schools=[{"school_id": "S1", "name": "Hill", "capacity": 100, "beds": 0, "lon": 103.80, "lat": 36.00},
                 {"school_id": "S2", "name": "River", "capacity": 100, "beds": 0, "lon": 103.82, "lat": 36.01}],
        villages=[{"village_id": "V1", "name": "East", "pupils_g1_3": 10, "pupils_g4_6": 8, "pupils_g7_9": 0,
                   "lon": 103.801, "lat": 36.001},
                  {"village_id": "V2", "name": "West", "pupils_g1_3": 12, "pupils_g4_6": 6, "pupils_g7_9": 0,
                   "lon": 103.821, "lat": 36.011}],
        travel=[("V1", "S1", 5), ("V1", "S2", 25), ("V2", "S1", 25), ("V2", "S2", 5)],
        scenario=scenario,
    )
