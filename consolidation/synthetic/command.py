"""The command line of the generator: ``python -m consolidation.synthetic --out data --seed 7``."""

from __future__ import annotations

import argparse

from .county import make_county, make_county_roads, write_county
from .road_lines import write_roads
from .geography import BOUNDARY_FILE, read_boundary


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m consolidation.synthetic --out data --seed 7``."""
    parser = argparse.ArgumentParser(prog="python -m consolidation.synthetic",
                                     description="Write a SYNTHETIC example county: CSV tables, roads.gpkg.")
    parser.add_argument("--out", default="data", help="output directory (default: data)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default: 7)")
    parser.add_argument("--boundary", default=str(BOUNDARY_FILE),
                        help="WGS84 boundary file (default: the repository's Qilihe boundary); "
                             "'none' for a generic 30 km square")
    parser.add_argument("--villages", type=int, default=60, help="villages (default: 60)")
    parser.add_argument("--small-schools", type=int, default=26, help="default: 26")
    parser.add_argument("--township-schools", type=int, default=4, help="default: 4")
    parser.add_argument("--city-schools", type=int, default=4, help="default: 4")
    args = parser.parse_args(argv)
    boundary = None if args.boundary.lower() == "none" else read_boundary(args.boundary)
    schools, villages = make_county(
        boundary=boundary, seed=args.seed, n_villages=args.villages,
        n_small_schools=args.small_schools, n_township_schools=args.township_schools,
        n_city_schools=args.city_schools)
    for path in write_county(schools, villages, args.out):
        print(f"wrote {path}")
    roads = make_county_roads(boundary=boundary, seed=args.seed, n_villages=args.villages,
                              n_small_schools=args.small_schools, n_township_schools=args.township_schools,
                              n_city_schools=args.city_schools)
    print(f"wrote {write_roads(roads, args.out)}")
    return 0
