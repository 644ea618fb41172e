"""Rewrite the golden LP files, one per registered rule family: ``python tests/golden/regenerate.py``.

Run it only when a change to the formulation is meant; then read the diff of ``tests/golden/*.lp`` (it is
the change to the model, row by row) and commit it with the change.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from instances import RULES, lp_text, programme_lp_text  # noqa: E402

from consolidation.families import REGISTRY  # noqa: E402


def main() -> int:
    missing = [f.name for f in REGISTRY if f.name not in RULES]
    if missing:
        print(f"no instance in tests/golden/instances.py RULES for: {', '.join(missing)}", file=sys.stderr)
        return 1
    for family in REGISTRY:
        path = HERE / f"{family.name}.lp"
        text = lp_text(family.name)
        changed = not path.exists() or path.read_text() != text
        path.write_text(text)
        print(f"{'wrote    ' if changed else 'unchanged'} {path.relative_to(HERE.parent.parent)}")
    path = HERE / "programme.lp"
    text = programme_lp_text()
    changed = not path.exists() or path.read_text() != text
    path.write_text(text)
    print(f"{'wrote    ' if changed else 'unchanged'} {path.relative_to(HERE.parent.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
