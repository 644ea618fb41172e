"""Travel along roads at county scale: 1,000 villages x 100 schools on a 100,000-edge network.

``python -m benchmarks.roads_bench`` writes a random road network (a jittered grid of 2-point lines, 200 m
apart, 45 km across, with tracks, paths and a few trunk roads), reads it as a run does and times each step:
reading the GeoPackage into a graph, then snapping and the Dijkstra searches for both modes. The target is under
30 s in all.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
from shapely import linestrings

from consolidation.roads import read_network, road_travel
from consolidation.scenario import Scenario

CRS = "EPSG:32648"
SPACING = 200.0


def road_network(n_edges: int = 100_000, seed: int = 0) -> gpd.GeoDataFrame:
    """Return a jittered grid of about ``n_edges`` road lines (one line per edge), classes drawn at random."""
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n_edges / 2))) + 1
    gx, gy = np.meshgrid(np.arange(side), np.arange(side))
    xy = np.column_stack([gx.ravel(), gy.ravel()]) * SPACING + rng.uniform(-40, 40, (side * side, 2))
    xy += (500_000.0, 4_000_000.0)
    node = np.arange(side * side).reshape(side, side)
    a = np.concatenate([node[:, :-1].ravel(), node[:-1, :].ravel()])
    b = np.concatenate([node[:, 1:].ravel(), node[1:, :].ravel()])
    a, b = a[:n_edges], b[:n_edges]
    classes = rng.choice(["residential", "track", "path", "tertiary"], size=len(a), p=[0.35, 0.4, 0.15, 0.1])
    trunk = (gy.ravel()[a] % 25 == 0) & (gy.ravel()[a] == gy.ravel()[b])
    classes[trunk] = "trunk"
    lines = linestrings(np.stack([xy[a], xy[b]], axis=1))
    return gpd.GeoDataFrame({"highway": classes}, geometry=lines, crs=CRS)


def points(frame: gpd.GeoDataFrame, n: int, prefix: str, id_column: str, seed: int) -> gpd.GeoDataFrame:
    """Return ``n`` random points within the network's extent, with IDs ``<prefix>0001``..."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = frame.total_bounds
    x, y = rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)
    return gpd.GeoDataFrame({id_column: [f"{prefix}{i:04d}" for i in range(1, n + 1)]},
                            geometry=gpd.points_from_xy(x, y), crs=CRS)


def time_roads(n_villages: int = 1000, n_schools: int = 100, n_edges: int = 100_000) -> dict[str, float]:
    """Return seconds to read the network and to compute travel both ways, and the sizes measured."""
    roads = road_network(n_edges)
    villages = points(roads, n_villages, "V", "origin_id", 1)
    schools = points(roads, n_schools, "S", "school_id", 2)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roads.gpkg"
        roads.to_file(path, driver="GPKG")
        scenario = Scenario.model_validate({"name": "roads-bench",
                                            "inputs": {"schools": "s.csv", "villages": "v.csv", "roads": str(path)}})
        problems: list[str] = []
        t = time.perf_counter()
        network = read_network(path, scenario, roads.crs, problems)
        read = time.perf_counter() - t
        t = time.perf_counter()
        travel = road_travel(network, villages, schools, scenario, problems)
        search = time.perf_counter() - t
    assert not problems and travel is not None, problems
    reach = {m: float(np.isfinite(t.minutes).mean()) for m, t in travel.modes.items()}
    return {"edges": len(network.u), "nodes": len(network.xy), "villages": n_villages, "schools": n_schools,
            "read_s": round(read, 2), "travel_s": round(search, 2), "total_s": round(read + search, 2),
            "walk_pairs_reached": round(reach["walk"], 3), "bus_pairs_reached": round(reach["bus"], 3)}


def main() -> None:
    """Print the timings of :func:`time_roads` at the target size."""
    result = time_roads()
    for key, value in result.items():
        print(f"{key:>18}: {value}")


if __name__ == "__main__":
    main()
