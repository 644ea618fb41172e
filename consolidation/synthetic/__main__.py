"""``python -m consolidation.synthetic --out data --seed 7``: write the synthetic county as CSV."""

from .command import main

if __name__ == "__main__":
    raise SystemExit(main())
