"""``python -m consolidation``: the same as the ``consolidation`` command."""

from .cli import main

if __name__ == "__main__":
    main(prog_name="consolidation")
