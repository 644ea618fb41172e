"""Province: many small synthetic counties planned with ``consolidation.province.run_province``.

They run on a local Dask cluster of two workers and serially, for the wall time, the speed-up and the
distribution of per-county solve times.

    python benchmarks/province_bench.py [--quick] [--counties 100] [--workers 2]

Counties are seeds 1..N of :func:`consolidation.synthetic.make_county` (40 villages, 10 village schools,
2 township and 2 city schools each), each in its own 15 km square of a 10-wide grid, planned under
``scenarios/young_by_bus.toml``. Every county writes a full run folder (tables, GeoPackage, map, HTML
report), as ``consolidation province`` does.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import REPO, fmt, machine_markdown, md_table  # noqa: E402

SCENARIO = REPO / "scenarios" / "young_by_bus.toml"
COUNTY = {"n_villages": 40, "n_small_schools": 10, "n_township_schools": 2, "n_city_schools": 2}
SQUARE_KM, GRID = 15.0, 10


def county_square(k: int):
    """Return the ``k``-th (0-based) 15 km square of a grid ``GRID`` wide, as a WGS84 polygon."""
    import geopandas as gpd
    from shapely.geometry import Point, box

    from consolidation.synthetic import utm_crs

    utm = utm_crs(103.75, 35.95)
    c = gpd.GeoSeries([Point(103.75, 35.95)], crs=4326).to_crs(utm).iloc[0]
    row, col = divmod(k, GRID)
    x0, y0 = c.x + col * SQUARE_KM * 1000, c.y - row * SQUARE_KM * 1000
    square = box(x0, y0, x0 + SQUARE_KM * 1000, y0 + SQUARE_KM * 1000).segmentize(1000)
    return gpd.GeoSeries([square], crs=utm).to_crs(4326).iloc[0]


def write_province(folder: Path, n_counties: int) -> Path:
    """One folder per county (schools.csv, villages.csv, boundary.geojson), seeds 1..n_counties."""
    import geopandas as gpd

    from consolidation.synthetic import make_county, write_county

    for seed in range(1, n_counties + 1):
        sub = folder / f"county_{seed:03d}"
        boundary = county_square(seed - 1)
        schools, villages = make_county(boundary=boundary, seed=seed, **COUNTY)
        write_county(schools, villages, sub)
        gpd.GeoDataFrame(geometry=[boundary], crs=4326).to_file(sub / "boundary.geojson", driver="GeoJSON")
    return folder


def _stage_seconds(out: Path) -> list[float]:
    """Return, per county, the seconds of its stages up to the verified plan, from run.json.

    The stages are read, travel, model, solve and plan; the report stage is not recorded there.
    """
    values = []
    for run in sorted((out / "counties").glob("*/run.json")):
        timings = json.loads(run.read_text()).get("timings_s") or {}
        values.append(float(sum(timings.values())))
    return values


def run_once(folder: Path, out: Path, *, serial: bool, workers: int) -> dict:
    """Plan the province once; return wall seconds, per-county solve seconds, statuses and stage seconds."""
    from consolidation.province import run_province

    t0 = time.perf_counter()
    result = run_province(folder, SCENARIO, out, workers=workers, serial=serial)
    wall = time.perf_counter() - t0
    table = result.table
    return {"wall_s": wall, "seconds": table["seconds"].astype(float).dropna().tolist(),
            "statuses": table["status"].value_counts().to_dict(), "stages": _stage_seconds(out)}


def _quantiles(values: list[float]) -> tuple[float, float, float, float]:
    import numpy as np

    a = np.asarray(values, float)
    return float(a.min()), float(np.median(a)), float(np.quantile(a, 0.9)), float(a.max())


def section(*, quick: bool = False, counties: int | None = None, workers: int = 2) -> str:
    """Run the province benchmark, on Dask and serially, and return its Markdown section."""
    n = counties or (10 if quick else 100)
    with tempfile.TemporaryDirectory(prefix="consolidation-province-") as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        folder = write_province(tmp / "province", n)
        generate_s = time.perf_counter() - t0
        parallel = run_once(folder, tmp / "out_dask", serial=False, workers=workers)
        print(f"  province on Dask: {parallel['wall_s']:.1f} s", file=sys.stderr, flush=True)
        serial = run_once(folder, tmp / "out_serial", serial=True, workers=workers)
        print(f"  province serial: {serial['wall_s']:.1f} s", file=sys.stderr, flush=True)
    rows = []
    for label, r in ((f"Dask local cluster, {workers} workers", parallel), ("serial (`serial=True`)", serial)):
        statuses = ", ".join(f"{v} {k}" for k, v in sorted(r["statuses"].items()))
        lo, med, p90, hi = _quantiles(r["seconds"])
        slo, smed, sp90, shi = _quantiles(r["stages"]) if r["stages"] else (None,) * 4
        rows.append([label, n, statuses, fmt(r["wall_s"], 1), fmt(r["wall_s"] / n, 2),
                     " / ".join(f"{v:.3f}" for v in (lo, med, p90, hi)),
                     "-" if smed is None else " / ".join(f"{v:.2f}" for v in (slo, smed, sp90, shi))])
    table = md_table(["run", "counties", "status", "wall s", "wall s per county",
                      "solve s per county: min / median / p90 / max",
                      "read to plan s per county: min / median / p90 / max"], rows)
    speedup = serial["wall_s"] / parallel["wall_s"]
    c = COUNTY
    return ("### A province: many counties at once (`run_province`)\n\n" + table +
            f"\n\nSpeed-up of {workers} Dask workers over serial: **{speedup:.2f}x**. "
            f"{n} synthetic counties (seeds 1..{n}; {c['n_villages']} villages, {c['n_small_schools']} village, "
            f"{c['n_township_schools']} township and {c['n_city_schools']} city schools each; generated in "
            f"{generate_s:.1f} s, not counted), scenario `young_by_bus`. Wall time includes starting the cluster "
            "and writing every county's run folder (map and HTML report), the province table and map. Solve "
            "seconds are `seconds` in province.csv; read-to-plan seconds are the stage timings in each run.json "
            "(read, travel, model, solve, plan), so the rest of each county's time is its report.")


def main(argv: list[str] | None = None) -> int:
    """Run the province benchmark of the command line and print it; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 counties")
    parser.add_argument("--counties", type=int, default=None, help="counties (default 100; quick 10)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    print(machine_markdown() + "\n")
    print(section(quick=args.quick, counties=args.counties, workers=args.workers))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
