"""Every benchmark table, in Markdown, with the machine at the top.

    python benchmarks/run.py            # full sizes (about 25 minutes on 2 cores)
    python benchmarks/run.py --quick    # small sizes, a smoke run (about a minute)
    python benchmarks/run.py --only scaling province

Parts, each also runnable alone:

- ``published``: published optima of OR-Library instances (benchmarks/published.py)
- ``spopt``: side by side with PySAL spopt on pmed1 and pmed5 (benchmarks/spopt_compare.py)
- ``scaling``: synthetic counties of growing size, stage by stage, and the chart benchmarks/scaling.png
  (benchmarks/scaling.py)
- ``province``: 100 small counties on a local Dask cluster and serially (benchmarks/province_bench.py)
- ``programme``: a six-year programme on a synthetic county next to its one-year plan (benchmarks/programme_bench.py)
- ``peers``: class by class against peers on larger instances, and the time limit (benchmarks/peers.py)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import peers, programme_bench, province_bench, published, scaling, spopt_compare  # noqa: E402
from benchmarks.common import BENCH, machine_markdown  # noqa: E402

PARTS = ("published", "spopt", "scaling", "province", "peers", "programme")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark parts of the command line and print their Markdown; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one spopt repeat, 10 counties")
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS), help="run only these parts")
    parser.add_argument("--bench", type=Path, default=BENCH, help="the published instances (../shared/bench)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    print(f"## Benchmarks{' (quick)' if args.quick else ''}\n\n{machine_markdown()}\n", flush=True)
    for part in args.only:
        if part == "published":
            text = published.section(args.bench) if args.bench.exists() else \
                f"### Published optima\n\n{args.bench} not found; skipped."
        elif part == "spopt":
            text = spopt_compare.section(args.bench, repeats=1 if args.quick else 3) if args.bench.exists() else \
                f"### Side by side with PySAL spopt\n\n{args.bench} not found; skipped."
        elif part == "scaling":
            text = scaling.section(quick=args.quick)
        elif part == "peers":
            text = peers.section(quick=args.quick)
        elif part == "programme":
            text = programme_bench.section(quick=args.quick)
        else:
            text = province_bench.section(quick=args.quick)
        print(text + "\n", flush=True)
    print(f"All tables in {time.perf_counter() - started:,.0f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
