"""A SYNTHETIC road network for the example county: roads along its valleys, as a line file.

The roads follow the county the generator made (:func:`.county.make_county`, same seed):

- a **trunk road** (``secondary``) along each valley floor, from the valley mouth to its head, through the
  township seat;
- a **main road** (``primary``) across the urban edge, joining the valley mouths west to east;
- a **track** (``track``) from every village and school of the hills to the nearest point of its valley's road,
  a **street** (``residential``) from every city school and neighbourhood to the nearest road, and streets
  between each city point and its two nearest;
- a few **ravines**: villages set apart from their valley floor by a gully, whose track leaves the other way and
  joins the trunk road 2.5-4 km along the valley. Some of them have a **footpath** (``path``, not driven) straight
  across the gully, so children walk a short way that the bus drives round; the others have none, so they are
  near a school as the crow flies but far by any road.

Every link ends on a vertex of the road it joins (inserted into that road), so the network is connected where
the roads meet. The lines are written in WGS84 (EPSG:4326) with a ``highway`` column (OpenStreetMap classes).
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString

KM = 1000.0

RAVINES = 5
"""Villages set across a ravine from their valley floor."""

FOOTPATHS = 3
"""Of these, how many have a footpath across."""


def _with_vertices(line: LineString, at: list[float]) -> tuple[LineString, np.ndarray]:
    """Return ``line`` with a vertex at each distance of ``at`` (metres along it), and those vertices' points."""
    coords = shapely.get_coordinates(line)
    steps = np.hypot(*np.diff(coords, axis=0).T)
    own = np.concatenate([[0.0], np.cumsum(steps)])
    extra = np.clip(np.asarray(at, float), 0.0, line.length)
    points = shapely.get_coordinates(shapely.line_interpolate_point(line, extra))
    d = np.concatenate([own, extra])
    xy = np.vstack([coords, points])
    order = np.argsort(d, kind="stable")
    d, xy = d[order], xy[order]
    keep = np.ones(len(d), bool)
    keep[1:] = np.hypot(*np.diff(xy, axis=0).T) > 1e-6
    return LineString(xy[keep]), points


def _ravine_villages(points: np.ndarray, rural: np.ndarray, hosts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Pick the villages set across a ravine: rural, hosting no school, drawn at random (seeded)."""
    candidates = np.flatnonzero(rural & ~hosts)
    return np.sort(rng.choice(candidates, size=min(RAVINES, len(candidates)), replace=False))


def _streets(city: np.ndarray, k: int = 2) -> list[LineString]:
    """Streets joining every city point to its ``k`` nearest city points (each pair once)."""
    if len(city) < 2:
        return []
    gaps = np.hypot(city[:, None, 0] - city[None, :, 0], city[:, None, 1] - city[None, :, 1])
    np.fill_diagonal(gaps, np.inf)
    pairs = {tuple(sorted((i, int(j)))) for i in range(len(city)) for j in np.argsort(gaps[i])[:k]}
    return [LineString([city[i], city[j]]) for i, j in sorted(pairs)]


def make_roads(valleys: list[LineString], points: np.ndarray, rural: np.ndarray, hosts: np.ndarray, crs,
               rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Return the road lines of the county, in WGS84, with their class in ``highway``.

    Parameters
    ----------
    valleys
        The valley lines (metres, in ``crs``), each from its mouth (north) to its head.
    points
        Every village and school (metres), shape (n, 2); repeated points are linked once.
    rural
        True for points in the hills (linked by tracks to their valley's road), False for the city.
    hosts
        True for points where a school stands (never set across a ravine).
    crs
        The metric CRS of ``valleys`` and ``points``.
    rng
        The seeded generator: which villages lie across a ravine, and where their tracks join the road.
    """
    mouths = np.array([shapely.get_coordinates(v)[0] for v in valleys])
    main = LineString(mouths[np.argsort(mouths[:, 0])]) if len(valleys) > 1 else None
    roads = list(valleys) + ([main] if main is not None else [])
    points, first = np.unique(np.round(points, 3), axis=0, return_index=True)
    rural, hosts = rural[first], hosts[first]
    across = set(_ravine_villages(points, rural, hosts, rng).tolist())
    footpath = set(sorted(across)[:FOOTPATHS])
    links: list[tuple[str, np.ndarray, int, float]] = []  # class, start points, road, metres along it
    for i, p in enumerate(points):
        candidates = range(len(valleys)) if rural[i] else range(len(roads))
        k = min(candidates, key=lambda j: roads[j].distance(shapely.Point(p)))
        s = roads[k].project(shapely.Point(p))
        if i in across:
            detour = s + rng.uniform(2.5 * KM, 4.0 * KM) * (1 if s + 4.0 * KM < roads[k].length else -1)
            away = p + 0.6 * (p - shapely.get_coordinates(roads[k].interpolate(s))[0])
            links.append(("track", np.vstack([p, away]), k, float(np.clip(detour, 0.0, roads[k].length))))
            if i in footpath:
                links.append(("path", p[None], k, s))
        else:
            links.append(("track" if rural[i] else "residential", p[None], k, s))
    feet: list[list[float]] = [[] for _ in roads]
    for _, _, k, s in links:
        feet[k].append(s)
    lines, classes = [], []
    ends: list[np.ndarray] = []
    for k, road in enumerate(roads):
        line, points_k = _with_vertices(road, feet[k])
        lines.append(line)
        classes.append("secondary" if k < len(valleys) else "primary")
        ends.append(points_k)
    taken = [0] * len(roads)
    for kind, start, k, _ in links:
        foot = ends[k][taken[k]]
        taken[k] += 1
        lines.append(LineString(np.vstack([start, foot])))
        classes.append(kind)
    lines += _streets(points[~rural])
    classes += ["residential"] * (len(lines) - len(classes))
    frame = gpd.GeoDataFrame({"highway": classes}, geometry=lines, crs=crs)
    frame = frame[frame.length > 0.5].reset_index(drop=True)
    return frame.to_crs(4326)


def write_roads(roads: gpd.GeoDataFrame, out: str | Path) -> Path:
    """Write ``roads`` to ``roads.gpkg`` in directory ``out``, the same bytes for the same lines.

    The GeoPackage's timestamp is fixed (``OGR_CURRENT_DATE``) so that the file depends on its lines only.
    """
    path = Path(out) / "roads.gpkg"
    path.unlink(missing_ok=True)
    before = os.environ.get("OGR_CURRENT_DATE")
    os.environ["OGR_CURRENT_DATE"] = "2026-01-01T00:00:00.000Z"
    try:
        roads.to_file(path, layer="roads", driver="GPKG")
    finally:
        if before is None:
            os.environ.pop("OGR_CURRENT_DATE", None)
        else:
            os.environ["OGR_CURRENT_DATE"] = before
    return path
