"""Where things are in the synthetic county: the boundary in metres, the valleys, school sites and villages.

Everything here is geometry in the county's UTM zone (metres): :func:`_county_area` projects the boundary and
marks the urban north, :func:`_valleys` draws meandering valleys from it southwards, :func:`_school_sites` and
:func:`_villages_along_valleys` place schools and villages along them, and :func:`_city_sites` and
:func:`_neighbourhood_sites` place the city schools and their neighbourhoods. Every random draw comes from the
generator passed in, in a fixed order, so a seed gives the same county. Names with a leading underscore are
private to :mod:`consolidation.synthetic`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import LineString, Point, Polygon, box

KM = 1000.0
"""Metres in a kilometre."""
WALK_LIMIT_M = 1100.0
"""Largest village-to-school straight-line distance generated, in metres (the contract: 1,200)."""
BOUNDARY_FILE = Path(__file__).resolve().parents[2] / "data" / "qilihe_boundary.geojson"
"""The real Qilihe district boundary shipped in the repository (WGS84)."""


def utm_crs(lon: float, lat: float) -> CRS:
    """Return the WGS84 / UTM zone CRS (metres) containing the point ``lon``, ``lat`` (degrees)."""
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + int((lon + 180) // 6) % 60 + 1)


def default_boundary() -> Polygon:
    """Return a generic 30 km x 30 km square around 103.75 E, 35.95 N, as a WGS84 (EPSG:4326) Polygon."""
    utm = utm_crs(103.75, 35.95)
    c = gpd.GeoSeries([Point(103.75, 35.95)], crs=4326).to_crs(utm).iloc[0]
    square = box(c.x - 15 * KM, c.y - 15 * KM, c.x + 15 * KM, c.y + 15 * KM).segmentize(KM)
    return gpd.GeoSeries([square], crs=utm).to_crs(4326).iloc[0]


def read_boundary(path: str | Path) -> Polygon:
    """Return the union of the polygons in a vector file, in WGS84 (EPSG:4326)."""
    frame = gpd.read_file(path)
    return (frame.to_crs(4326) if frame.crs is not None else frame).geometry.union_all()


@dataclass(frozen=True)
class _Area:
    """The county in metres (UTM): where valleys, schools and villages may go.

    Attributes
    ----------
    inset : shapely.Polygon
        The boundary shrunk by a margin (at most 800 m): valleys, and so villages, stay inside it.
    safe : shapely.Polygon
        The boundary shrunk by at most 100 m: jittered points outside it are moved back.
    bounds : tuple of float
        ``(xmin, ymin, xmax, ymax)`` of the whole boundary, in metres.
    y_urban : float
        Northing (metres) of the urban edge: the top 19 % of the north-south extent is urban.
    to_deg : pyproj.Transformer
        From these metres back to WGS84 lon/lat degrees.
    """

    inset: Polygon
    safe: Polygon
    bounds: tuple[float, float, float, float]
    y_urban: float
    to_deg: Transformer


@dataclass(frozen=True)
class _Valleys:
    """The valleys as lines in metres (north to south, west to east), and their lengths in metres."""

    lines: tuple[LineString, ...]
    lengths: np.ndarray


@dataclass(frozen=True)
class _Sites:
    """School sites along the valleys, one entry a site (village and township schools alike).

    Attributes
    ----------
    valley : numpy.ndarray of int
        Index of the site's valley.
    s : numpy.ndarray of float
        Metres along the valley from its mouth.
    town : numpy.ndarray of bool
        True for the valley's township seat; False for a village school.
    """

    valley: np.ndarray
    s: np.ndarray
    town: np.ndarray


@dataclass(frozen=True)
class _RuralVillages:
    """Rural villages: the school sites first (same indices as :class:`_Sites`), then the others.

    Attributes
    ----------
    valley : numpy.ndarray of int
        Index of the village's valley.
    s : numpy.ndarray of float
        Metres along the valley from its mouth.
    xy : numpy.ndarray, shape (n, 2)
        Easting and northing in metres.
    attach : numpy.ndarray of int
        Index of the site (village or township school) nearest to the village: its school today.
    """

    valley: np.ndarray
    s: np.ndarray
    xy: np.ndarray
    attach: np.ndarray


def _longest_part(geom):
    """Return the longest line (or, for polygons, the largest part) of a possibly multi-part geometry."""
    parts = list(getattr(geom, "geoms", [geom]))
    return max(parts, key=lambda g: g.length if g.length else g.area)


def _county_area(boundary: Polygon) -> _Area:
    """Project ``boundary`` (WGS84 degrees) to its UTM zone and derive the areas points may go in.

    Parameters
    ----------
    boundary : shapely.Polygon
        The county in lon/lat degrees.

    Returns
    -------
    _Area
        The inset and safe areas, the bounds and the urban edge, all in metres.

    Raises
    ------
    ValueError
        If ``boundary`` is empty or has no area.
    """
    if boundary.is_empty or boundary.area <= 0:
        raise ValueError("boundary must be a non-empty polygon in WGS84")
    crs = utm_crs(boundary.centroid.x, boundary.centroid.y)
    to_m = Transformer.from_crs(4326, crs, always_xy=True)
    to_deg = Transformer.from_crs(crs, 4326, always_xy=True)
    area = shapely.transform(boundary, lambda c: np.column_stack(to_m.transform(c[:, 0], c[:, 1])))
    x0, y0, x1, y1 = area.bounds
    margin = min(0.8 * KM, 0.08 * min(x1 - x0, y1 - y0))
    inset = _longest_part(area.buffer(-margin))
    safe = area.buffer(-min(100.0, margin / 4))
    shapely.prepare(inset)
    return _Area(inset=inset, safe=safe, bounds=area.bounds, y_urban=y1 - 0.19 * (y1 - y0), to_deg=to_deg)


def _valleys(inset, n: int, y_urban: float, rng: np.random.Generator) -> list[LineString]:
    """``n`` meandering polylines (metres) in ``inset`` from the urban edge ``y_urban`` southwards.

    Starts are spread west to east along the urban edge; valley k ends in the k-th west-to-east
    slice of the south. Of a few hundred random candidates a valley, random greedy passes keep
    valleys apart (~2 km); the set with the largest sum of log lengths wins.
    """
    x0, y0, x1, y1 = inset.bounds
    edge = _longest_part(LineString([(x0 - 1, y_urban), (x1 + 1, y_urban)]).intersection(inset))
    xa, xb = edge.bounds[0], edge.bounds[2]
    spacing = (xb - xa) / n
    starts = np.sort(xa + (np.arange(n) + 0.5 + rng.uniform(-0.15, 0.15, n)) * spacing)
    y_end = y_urban - 0.35 * (y_urban - y0)
    south = inset.intersection(box(x0, y0, x1, y_end))
    sx0, sx1 = (south.bounds[0], south.bounds[2]) if not south.is_empty else (xa, xb)
    candidates = []
    for k, sx in enumerate(starts):
        slice_k = (sx0 + k * (sx1 - sx0) / n, sx0 + (k + 1) * (sx1 - sx0) / n, y_end)
        start = np.array([sx, y_urban - 1.0])
        regions = (slice_k, (sx0, sx1, y_end), (x0, x1, start[1] - 1))
        candidates.append(_valley_candidates(inset, start, regions, rng))
    return _pick_valleys(candidates, min(2.0 * KM, 0.6 * spacing), rng)


def _valley_candidates(inset, start: np.ndarray, regions, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Random meandering lines from ``start`` that stay in ``inset``, and a random weight for each.

    Parameters
    ----------
    inset : shapely.Polygon
        Where the lines must lie (metres).
    start : numpy.ndarray
        The valley mouth ``(x, y)`` in metres, on the urban edge.
    regions : sequence of (x_lo, x_hi, y_top)
        Where line ends are drawn (x between ``x_lo`` and ``x_hi``, y below ``y_top``, metres),
        tried in turn until one gives a line that stays inside ``inset``.

    Returns
    -------
    lines, weights
        Array of LineStrings: the candidates that fit, then a straight line due south as fallback;
        and a weight in 0.75-1 for each candidate (none for the fallback).
    """
    y0 = inset.bounds[1]
    t = np.linspace(0.0, 1.0, 9)
    found = np.array([], dtype=object)
    for lo, hi, top in regions:
        ends = np.column_stack([rng.uniform(lo, hi, 400),
                                rng.uniform(y0, max(top, y0 + 1), 400)])
        vec = ends - start
        length = np.hypot(vec[:, 0], vec[:, 1])
        normal = np.column_stack([-vec[:, 1], vec[:, 0]]) / length[:, None]
        wiggle = np.cumsum(rng.normal(0.0, 0.05, (400, len(t))), axis=1) * np.sin(np.pi * t)
        coords = (start + t[None, :, None] * vec[:, None, :]
                  + (wiggle * length[:, None])[:, :, None] * normal[:, None, :])
        cand = shapely.linestrings(coords)
        found = cand[shapely.contains(inset, cand)]
        if len(found):
            break
    down = LineString([start, (start[0], y0 - 1)]).intersection(inset)
    straight = _longest_part(down) if not down.is_empty else LineString([start, start - [0, 1]])
    return np.append(found, straight), rng.uniform(0.75, 1.0, len(found))


def _pick_valleys(candidates: list, sep: float, rng: np.random.Generator) -> list[LineString]:
    """Choose one line per valley, at least ``sep`` metres from the others where possible.

    Parameters
    ----------
    candidates : list of (lines, weights)
        Per valley, from :func:`_valley_candidates` (the last line is the due-south fallback).
    sep : float
        Wanted separation between valleys, in metres.

    Returns
    -------
    list of LineString
        One line a valley, in the order of ``candidates``: of 12 random greedy passes, the one
        with the largest sum of log lengths.
    """
    n = len(candidates)
    best, best_score = None, -np.inf
    for _ in range(12):
        lines: dict[int, LineString] = {}
        for k in rng.permutation(n):
            cand, jitter = candidates[k]
            ok = np.ones(len(cand) - 1, dtype=bool)
            if lines:
                ok = shapely.distance(cand[:-1], shapely.union_all(list(lines.values()))) >= sep
            score = np.where(ok, shapely.length(cand[:-1]) * jitter, -1.0)
            lines[k] = cand[int(np.argmax(score))] if ok.any() else cand[-1]  # last: due south
        total = sum(np.log(max(line.length, 1.0)) for line in lines.values())
        if total > best_score:
            best, best_score = [lines[k] for k in range(n)], total
    return best


def _along(line: LineString, s: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """Points ``s`` metres along ``line``, moved ``offset`` metres to its left (negative: right)."""
    s = np.clip(s, 0.0, line.length)

    def at(d):
        return shapely.get_coordinates(shapely.line_interpolate_point(line, d))

    tangent = at(np.minimum(s + 10.0, line.length)) - at(np.maximum(s - 10.0, 0.0))
    tangent /= np.maximum(np.hypot(tangent[:, 0], tangent[:, 1]), 1e-9)[:, None]
    return at(s) + offset[:, None] * np.column_stack([-tangent[:, 1], tangent[:, 0]])


def _distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Matrix of straight-line distances (metres) between point arrays ``a`` and ``b``."""
    return np.hypot(a[:, None, 0] - b[None, :, 0], a[:, None, 1] - b[None, :, 1])


def _school_sites(valleys: _Valleys, n_small: int, rng: np.random.Generator) -> _Sites:
    """Village and township school sites along the valleys, at irregular spacing.

    Parameters
    ----------
    valleys : _Valleys
        The valleys; each gets a share of the ``n_small`` village schools by its length, plus its
        township school.
    n_small : int
        Village schools in all.

    Returns
    -------
    _Sites
        Per valley, from the mouth up: sites in equal stretches (from 1 km, or 10 % of the valley,
        to 300 m, or 5 %, before its end), each placed at random in the middle 70 % of its
        stretch. The township seat is the site a quarter of the way up.
    """
    lengths = valleys.lengths
    share = n_small * lengths / lengths.sum()
    per_valley = np.floor(share).astype(int)
    per_valley[np.argsort(per_valley - share)[: n_small - per_valley.sum()]] += 1
    site_valley, site_s, site_town = [], [], []
    for k, (m, length) in enumerate(zip(per_valley, lengths)):
        edges = np.linspace(min(KM, 0.1 * length), length - min(300, 0.05 * length), m + 2)
        site_s += list(edges[:-1] + np.diff(edges) * rng.uniform(0.15, 0.85, m + 1))
        site_valley += [k] * (m + 1)
        site_town += [i == (m + 1) // 4 for i in range(m + 1)]  # township seat towards the valley mouth
    return _Sites(valley=np.array(site_valley), s=np.array(site_s), town=np.array(site_town))


def _villages_along_valleys(valleys: _Valleys, sites: _Sites, n_extra: int, safe,
                            rng: np.random.Generator) -> _RuralVillages:
    """Rural villages: one at each school site, and ``n_extra`` more 250-900 m up or down a valley.

    Parameters
    ----------
    valleys : _Valleys
        The valleys (metres).
    sites : _Sites
        The school sites; each is a village, and hosts extra villages drawn at random.
    n_extra : int
        Villages without a school.
    safe : shapely.Polygon
        Points jittered off the valley outside it go back onto the valley line.

    Returns
    -------
    _RuralVillages
        Sites first, then the extra villages; each set off the valley by a few hundred metres,
        pulled to within :data:`WALK_LIMIT_M` of its host site, and attached to its nearest site.
    """
    n_sites = len(sites.s)
    host = rng.integers(0, n_sites, n_extra)
    d = rng.uniform(0.25 * KM, 0.9 * KM, n_extra) * rng.choice([-1.0, 1.0], n_extra)
    end = valleys.lengths[sites.valley[host]]
    s_extra = np.where((sites.s[host] + d < 100) | (sites.s[host] + d > end - 100), -d, d)
    v_valley = np.concatenate([sites.valley, sites.valley[host]])
    v_s = np.concatenate([sites.s, np.clip(sites.s[host] + s_extra, 0, end)])
    v_off = np.concatenate([np.clip(rng.normal(0, 80, n_sites), -200, 200),
                            np.clip(rng.normal(0, 120, n_extra), -300, 300)])
    v_host = np.concatenate([np.arange(n_sites), host])
    xy = np.zeros((len(v_s), 2))
    for k, line in enumerate(valleys.lines):
        on = v_valley == k
        xy[on] = _along(line, v_s[on], v_off[on])
        off = on & ~shapely.contains_xy(safe, xy[:, 0], xy[:, 1])
        xy[off] = _along(line, v_s[off], np.zeros(off.sum()))
    gap = xy - xy[v_host]
    scale = np.minimum(1.0, WALK_LIMIT_M / np.maximum(np.hypot(gap[:, 0], gap[:, 1]), 1e-9))
    xy = xy[v_host] + gap * scale[:, None]
    attach = np.argmin(_distances(xy, xy[:n_sites]), axis=1)  # a site is nearest to itself
    return _RuralVillages(valley=v_valley, s=v_s, xy=xy, attach=attach)


def _city_sites(urban, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points in ``urban``, west to east, as far apart as a shrinking minimum allows."""
    x0, y0, x1, y1 = urban.bounds
    cand = np.column_stack([rng.uniform(x0, x1, 2000), rng.uniform(y0, y1, 2000)])
    cand = cand[shapely.contains_xy(urban, cand[:, 0], cand[:, 1])]
    gap = 2.5 * KM
    while n and gap > 1.0:
        chosen = [cand[0]]
        for p in cand[1:]:
            if len(chosen) < n and _distances(p[None], np.array(chosen)).min() >= gap:
                chosen.append(p)
        if len(chosen) == n:
            return np.array(sorted(chosen, key=lambda p: p[0]))
        gap *= 0.8
    return cand[np.arange(n) % len(cand)]


def _neighbourhood_sites(c_xy: np.ndarray, owner: np.ndarray, safe, rng: np.random.Generator) -> np.ndarray:
    """Place each neighbourhood 300-900 m from its city school, inside ``safe``.

    Parameters
    ----------
    c_xy : numpy.ndarray, shape (n, 2)
        City school sites in metres.
    owner : numpy.ndarray of int
        Per neighbourhood, its city school.
    safe : shapely.Polygon
        Where a neighbourhood may lie (up to 40 tries; after that it sits at its school).

    Returns
    -------
    numpy.ndarray, shape (len(owner), 2)
        Neighbourhood points in metres.
    """
    n_xy = c_xy[owner] if len(owner) else np.zeros((0, 2))
    for i in range(len(owner)):
        for _ in range(40):
            r, a = rng.uniform(0.3 * KM, 0.9 * KM), rng.uniform(0, 2 * np.pi)
            p = c_xy[owner[i]] + r * np.array([np.cos(a), np.sin(a)])
            if shapely.contains_xy(safe, p[0], p[1]):
                n_xy[i] = p
                break
    return n_xy
