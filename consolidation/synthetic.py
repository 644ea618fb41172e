"""A seeded generator of a SYNTHETIC example county.

Modelled loosely on the consolidation of rural schools in Qilihe district, Lanzhou (Gansu): small
village primaries and teaching points strung along valleys that run from the urban north into the
hills, one township school per valley, and a few large city schools in the north. Every number and
name is invented; only the boundary passed in (if any) is real.

``python -m consolidation.synthetic --out data --seed 7`` writes ``data/schools.csv`` and
``data/villages.csv`` for the Qilihe boundary in ``data/qilihe_boundary.geojson``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import LineString, Point, Polygon, box

KM = 1000.0
"""Metres in a kilometre."""
CLASS_BLOCK = 270
"""One standard size step, in places: 6 classes of 45 (建标109-2008). Sizes are multiples of it."""
WALK_LIMIT_M = 1100.0
"""Largest village-to-school straight-line distance generated, in metres (the contract: 1,200)."""
BOUNDARY_FILE = Path(__file__).resolve().parent.parent / "data" / "qilihe_boundary.geojson"
"""The real Qilihe district boundary shipped in the repository (WGS84)."""

SCHOOL_COLUMNS = ["school_id", "name", "lon", "lat", "pupils_g1_3", "pupils_g4_6", "pupils_g7_9",
                  "capacity", "beds", "bands", "can_be_hub", "max_capacity", "max_beds",
                  "annual_cost", "kind", "teachers", "teachers_junior", "quality"]
VILLAGE_COLUMNS = ["village_id", "name", "lon", "lat", "pupils_g1_3", "pupils_g4_6",
                   "pupils_g7_9", "school_id", "school_id_g4_6", "school_id_g7_9"]
PRIMARY, NINE_YEAR = "G1_3,G4_6", "G1_3,G4_6,G7_9"

_SURNAMES = ("Wang Li Zhang Liu Chen Yang Zhao Huang Zhou Wu Xu Sun Ma Zhu Hu Guo He Gao Luo "
             "Zheng Liang Xie Song Tang Han Feng Deng Cao Peng Xiao Tian Dong Pan Yuan Jiang Du "
             "Wei Su Ding Ren Shen Yao Lu Jin Cui Qiu Bai Hou Kang Mao Qi Chai Yan").split()
_JIA = "wan gou zhuang ping chuan shan ling tai yuan wa ya bao po tan liang zui xia he".split()
_PREFIXES = "Shang Xia Dong Xi Nan Bei Da Xiao Hong Huang Bai Hei Qing Shi Liu Song Zao Niu".split()
_SUFFIXES = "gou wan zhuang ping chuan shan ling tai wa ya po tan liang he quan cha yu".split()
_TOWNS = ("Xiguoyuan", "Huangyu", "Weiling", "Agan", "Bali", "Pengjiaping")
_ROADS = ("Jianlan Road", "Xijin West Road", "Dunhuang Road", "Xiyuan", "Xihu", "Xizhan",
          "Qiaonan", "Lanxi", "Gongjiaping", "Tumendun", "Qilihe Street", "Xiaoxihu")


def utm_crs(lon: float, lat: float) -> CRS:
    """The WGS84 / UTM zone CRS (metres) containing the point ``lon``, ``lat`` (degrees)."""
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + int((lon + 180) // 6) % 60 + 1)


def default_boundary() -> Polygon:
    """A generic 30 km x 30 km square around 103.75 E, 35.95 N, as a WGS84 (EPSG:4326) Polygon."""
    utm = utm_crs(103.75, 35.95)
    c = gpd.GeoSeries([Point(103.75, 35.95)], crs=4326).to_crs(utm).iloc[0]
    square = box(c.x - 15 * KM, c.y - 15 * KM, c.x + 15 * KM, c.y + 15 * KM).segmentize(KM)
    return gpd.GeoSeries([square], crs=utm).to_crs(4326).iloc[0]


def read_boundary(path: str | Path) -> Polygon:
    """The union of the polygons in a vector file, in WGS84 (EPSG:4326)."""
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


@dataclass(frozen=True)
class _Pupils:
    """Pupils living in each rural village, by band (integer counts, one entry a village)."""

    g13: np.ndarray
    g46: np.ndarray
    g79: np.ndarray


@dataclass(frozen=True)
class _Townships:
    """The township schools, one a valley (index ``k`` is valley ``k``).

    Attributes
    ----------
    seats : numpy.ndarray of int
        The seat village (and site) of each township school.
    nine : numpy.ndarray of bool
        True for a nine-year school, False for primary only.
    g79_school : numpy.ndarray of int
        Per valley, the township school its G7_9 pupils attend.
    pupils : numpy.ndarray, shape (n, 3)
        G1_3, G4_6 and G7_9 pupils of the villages attending each school (before teaching points
        send it their G4_6 pupils).
    """

    seats: np.ndarray
    nine: np.ndarray
    g79_school: np.ndarray
    pupils: np.ndarray


@dataclass(frozen=True)
class _City:
    """City schools in the urban north and their neighbourhoods.

    Attributes
    ----------
    xy : numpy.ndarray, shape (n, 2)
        School sites in metres, west to east.
    nine : numpy.ndarray of bool
        True for a nine-year school (every other one from the west), False for a primary.
    capacity : numpy.ndarray of int
        Places: 810 or 1,080.
    pupils : numpy.ndarray, shape (n, 3)
        G1_3, G4_6 and G7_9 pupils of each school.
    owner : numpy.ndarray of int
        Per neighbourhood, the city school its pupils attend.
    neighbourhood_xy : numpy.ndarray, shape (m, 2)
        Neighbourhood points in metres.
    neighbourhood_pupils : numpy.ndarray, shape (m, 3)
        G1_3, G4_6 and G7_9 pupils living in each neighbourhood.
    """

    xy: np.ndarray
    nine: np.ndarray
    capacity: np.ndarray
    pupils: np.ndarray
    owner: np.ndarray
    neighbourhood_xy: np.ndarray
    neighbourhood_pupils: np.ndarray


@dataclass(frozen=True)
class _Names:
    """Made-up names: rural villages (township seats named after their township), townships, streets."""

    villages: np.ndarray
    towns: tuple[str, ...]
    roads: tuple[str, ...]
    city_numbers: np.ndarray


@dataclass(frozen=True)
class _SchoolIds:
    """School ids: ``site`` maps a site index to ``S01``..., ``city`` lists the city schools' ids."""

    site: dict
    city: list[str]


@dataclass(frozen=True)
class _TeachingPoints:
    """The smallest 40 % of village schools, which teach G1_3 only.

    Attributes
    ----------
    sites : frozenset of int
        Their sites.
    g46_school : numpy.ndarray of str
        Per rural village, the school its G4_6 pupils attend when that is not its ``school_id``
        (the valley's township school, for a teaching point's villages); ``""`` otherwise.
    g46_to_town : numpy.ndarray of int
        Per township school, the G4_6 pupils it receives from teaching points' villages.
    """

    sites: frozenset
    g46_school: np.ndarray
    g46_to_town: np.ndarray


def _longest_part(geom):
    """Return the longest line (or, for polygons, the largest part) of a possibly multi-part geometry."""
    parts = list(getattr(geom, "geoms", [geom]))
    return max(parts, key=lambda g: g.length if g.length else g.area)


def _check_counts(n_villages: int, n_small: int, n_township: int, n_city: int, n_neigh: int) -> None:
    """Raise ValueError unless the school counts are usable and there are villages enough to host them."""
    n_sites = n_small + n_township
    if min(n_small, n_city) < 0 or n_township < 1:
        raise ValueError("school counts must be >= 0, with at least one township school")
    if n_villages < n_sites + n_neigh:
        raise ValueError(f"n_villages={n_villages} is below the {n_sites + n_neigh} villages "
                         "that schools and city neighbourhoods need")


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


def _spread(total: int, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Split ``total`` pupils over places in proportion to ``weights`` (multinomial draw)."""
    return rng.multinomial(max(int(total), 0), weights / weights.sum())


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


def _village_school_sizes(n: int, rng: np.random.Generator) -> np.ndarray:
    """Pupils (G1_3 and G4_6) of ``n`` village schools: 8-35 each, about 400 in all for 26 schools.

    Returns
    -------
    numpy.ndarray of int
        Gamma-distributed sizes, then nudged one pupil at a time until they add up to the target.
    """
    enrol = np.clip(np.round(8 + rng.gamma(1.6, 5.0, n)), 8, 35).astype(int)
    target = round(400 * n / 26)
    while enrol.sum() != target:
        step = np.sign(target - enrol.sum())
        room = np.flatnonzero((enrol + step >= 8) & (enrol + step <= 35))
        if not len(room):
            break
        enrol[rng.choice(room, min(len(room), abs(target - enrol.sum())), replace=False)] += step
    return enrol


def _village_school_pupils(enrol: np.ndarray, small: np.ndarray, attach: np.ndarray,
                           rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Spread each village school's pupils over the villages attached to it.

    Parameters
    ----------
    enrol : numpy.ndarray of int
        Pupils (G1_3 and G4_6) of each village school, from :func:`_village_school_sizes`.
    small : numpy.ndarray of int
        The village schools' sites, in the order of ``enrol``.
    attach : numpy.ndarray of int
        Per rural village, its site.

    Returns
    -------
    g13, g46
        G1_3 and G4_6 pupils per rural village (50-62 % of a school's pupils in G1_3; the school's
        own village weighs 1, the others 0.2-0.8). Villages of township schools get none here.
    """
    g13, g46 = np.zeros(len(attach), dtype=int), np.zeros(len(attach), dtype=int)
    for e, site in zip(enrol, small):
        members = np.flatnonzero(attach == site)
        weights = np.where(members == site, 1.0, rng.uniform(0.2, 0.8, len(members)))
        first = int(round(e * rng.uniform(0.5, 0.62)))
        g13[members] += _spread(first, weights, rng)
        g46[members] += _spread(e - first, weights, rng)
    return g13, g46


def _rural_pupils(sites: _Sites, villages: _RuralVillages, rng: np.random.Generator) -> _Pupils:
    """Pupils of every rural village by band (township seats' own primary pupils come later).

    Parameters
    ----------
    sites : _Sites
        The school sites (village schools and township seats).
    villages : _RuralVillages
        The rural villages and the site each attends.

    Returns
    -------
    _Pupils
        Villages of a village school share its 8-35 pupils; other villages of a township school
        have 3 + Poisson(7) primary pupils; every village has 0-12 G7_9 pupils (about 0.45 per
        primary pupil; a township seat Poisson(8)).
    """
    attach = villages.attach
    n_rural = len(attach)
    small, towns = np.flatnonzero(~sites.town), np.flatnonzero(sites.town)
    enrol = _village_school_sizes(len(small), rng)
    g13, g46 = _village_school_pupils(enrol, small, attach, rng)
    near_town = np.isin(attach, towns) & ~np.isin(np.arange(n_rural), towns)
    primary = 3 + rng.poisson(7, n_rural)
    first = rng.binomial(primary, 0.55)
    g13[near_town], g46[near_town] = first[near_town], (primary - first)[near_town]
    g79 = np.minimum(rng.poisson(0.45 * (g13 + g46) * rng.uniform(0.7, 1.3, n_rural) + 0.5), 12)
    g79[towns] = np.minimum(rng.poisson(8, len(towns)), 12)
    return _Pupils(g13=g13, g46=g46, g79=g79)


def _township_schools(sites: _Sites, villages: _RuralVillages, pupils: _Pupils,
                      rng: np.random.Generator) -> tuple[_Townships, _Pupils]:
    """Township schools: which are nine-year, who they teach, and their seat villages' pupils.

    Parameters
    ----------
    sites : _Sites
        The school sites; township seats are those with ``town``.
    villages : _RuralVillages
        The rural villages and the site each attends.
    pupils : _Pupils
        Rural pupils so far (a seat village has no primary pupils yet).

    Returns
    -------
    townships, pupils
        All but one township school (all if fewer than 3) are nine-year; a primary one's valley
        sends G7_9 to the nearest nine-year seat. Each school totals 170-380 pupils (its seat
        village at least 60 primary pupils), which sets the seat village's G1_3 and G4_6 in the
        returned pupils.
    """
    towns = np.flatnonzero(sites.town)
    n_val = len(towns)
    xy, attach = villages.xy, villages.attach
    nine = np.zeros(n_val, dtype=bool)
    nine[rng.permutation(n_val)[: n_val if n_val < 3 else n_val - 1]] = True
    seat_gap = np.where(nine[None, :], _distances(xy[towns], xy[towns]), np.inf)
    g79_school = np.where(nine, np.arange(n_val), np.argmin(seat_gap, axis=1))
    town_total = rng.integers(170, 381, n_val)
    g13, g46, g79 = pupils.g13.copy(), pupils.g46.copy(), pupils.g79
    town_pupils = np.zeros((n_val, 3), dtype=int)
    for k, seat in enumerate(towns):
        members = np.flatnonzero(attach == seat)
        others = int((g13[members] + g46[members]).sum())  # the seat has none yet
        valleys = np.flatnonzero(g79_school == k)
        own79 = int(g79[np.isin(villages.valley, valleys)].sum()) if nine[k] else 0
        seat_primary = max(int(town_total[k]) - own79 - others, 60)
        g13[seat] = rng.binomial(seat_primary, 0.55)
        g46[seat] = seat_primary - g13[seat]
        town_pupils[k] = g13[members].sum(), g46[members].sum(), own79
    townships = _Townships(seats=towns, nine=nine, g79_school=g79_school, pupils=town_pupils)
    return townships, _Pupils(g13=g13, g46=g46, g79=g79)


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


def _city_enrolment(nine: np.ndarray, total: np.ndarray, owner: np.ndarray,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Pupils of each city school by band, and of each neighbourhood, so that both sides agree.

    Parameters
    ----------
    nine : numpy.ndarray of bool
        Which city schools are nine-year.
    total : numpy.ndarray of int
        Pupils of each city school (all bands).
    owner : numpy.ndarray of int
        Per neighbourhood, its city school.

    Returns
    -------
    school_pupils, neighbourhood_pupils
        Arrays of G1_3, G4_6 and G7_9 pupils, shapes (schools, 3) and (neighbourhoods, 3). A
        primary's neighbourhoods have G7_9 pupils (30-40 % of its total) who attend the nine-year
        school west of it; a nine-year school has 29-33 % G7_9, including those.
    """
    n_pupils = np.zeros((len(owner), 3), dtype=int)
    c_pupils = np.zeros((len(nine), 3), dtype=int)
    incoming = np.zeros(len(nine), dtype=int)
    for j in list(np.flatnonzero(~nine)) + list(np.flatnonzero(nine)):  # primaries first
        members = np.flatnonzero(owner == j)
        weights = rng.uniform(0.5, 1.5, len(members))
        if nine[j]:
            g79_j = max(round(total[j] * rng.uniform(0.29, 0.33)), incoming[j] + total[j] // 20)
            n_pupils[members, 2] = _spread(g79_j - incoming[j], weights, rng)
        else:
            g79_j = 0
            n_pupils[members, 2] = _spread(round(total[j] * rng.uniform(0.3, 0.4)), weights, rng)
            incoming[j - 1] += n_pupils[members, 2].sum()
        first = round((total[j] - g79_j) * rng.uniform(0.5, 0.55))
        c_pupils[j] = first, total[j] - g79_j - first, g79_j
        n_pupils[members, 0] = _spread(c_pupils[j, 0], weights, rng)
        n_pupils[members, 1] = _spread(c_pupils[j, 1], weights, rng)
    return c_pupils, n_pupils


def _city_schools(area: _Area, n_city: int, n_neigh: int, rng: np.random.Generator) -> _City:
    """City schools in the urban north (the top 19 % less 300 m), and their neighbourhoods.

    Parameters
    ----------
    area : _Area
        The county in metres.
    n_city : int
        City schools.
    n_neigh : int
        Neighbourhoods: one per school, the rest attached to schools at random.

    Returns
    -------
    _City
        Alternately nine-year (1,080 places) and primary (810 or 1,080) from west to east, each
        85-98 % full, with neighbourhoods 300-900 m away holding exactly their pupils.
    """
    x0, _, x1, y1 = area.bounds
    urban = area.inset.intersection(box(x0, area.y_urban + 300, x1, y1))
    c_xy = _city_sites(urban if not urban.is_empty else area.inset, n_city, rng)
    c_nine = np.arange(n_city) % 2 == 0
    c_cap = np.where(c_nine, 1080, rng.choice([810, 1080], n_city))
    c_total = np.round(c_cap * rng.uniform(0.85, 0.98, n_city)).astype(int)
    owner = np.concatenate([np.arange(n_city), rng.integers(0, max(n_city, 1), n_neigh - n_city)])
    n_xy = _neighbourhood_sites(c_xy, owner, area.safe, rng)
    c_pupils, n_pupils = _city_enrolment(c_nine, c_total, owner, rng)
    return _City(xy=c_xy, nine=c_nine, capacity=c_cap, pupils=c_pupils, owner=owner,
                 neighbourhood_xy=n_xy, neighbourhood_pupils=n_pupils)


def _names(n: int, rng: np.random.Generator, exclude: set[str]) -> list[str]:
    """``n`` distinct pinyin village names (numbered once the pool of ~1,300 runs out)."""
    pool = [s + "jia" + x for s in _SURNAMES for x in _JIA] + [p + x for p in _PREFIXES
                                                               for x in _SUFFIXES]
    pool = [name for name in dict.fromkeys(pool) if name not in exclude]
    picked = [pool[i] for i in rng.permutation(len(pool))[:n]]
    return picked + [f"{pool[k % len(pool)]} {k // len(pool) + 2}" for k in range(n - len(picked))]


def _place_names(n_rural: int, seats: np.ndarray, n_neigh: int, n_city: int,
                 rng: np.random.Generator) -> _Names:
    """Names of villages, townships and neighbourhoods' streets, and the city schools' numbers.

    Parameters
    ----------
    n_rural : int
        Rural villages.
    seats : numpy.ndarray of int
        The township seat villages, one a valley; named after :data:`_TOWNS` (then after villages).
    n_neigh, n_city : int
        Urban neighbourhoods and city schools.

    Returns
    -------
    _Names
        Village names (seats bear their township's), township names, one street a neighbourhood
        and a distinct school number (1-30, or up to 3 a school) per city school, ascending.
    """
    n_val = len(seats)
    town_names = list(_TOWNS[:n_val])
    names = _names(n_rural + max(0, n_val - len(_TOWNS)), rng, set(town_names))
    town_names += names[n_rural:]
    v_names = np.array(names[:n_rural], dtype=object)
    v_names[seats] = town_names
    roads = [f"{_ROADS[k % len(_ROADS)]}{'' if k < len(_ROADS) else f' {k // len(_ROADS) + 1}'}"
             for k in range(n_neigh)]
    numbers = np.sort(rng.choice(np.arange(1, max(31, 3 * n_city)), n_city, replace=False))
    return _Names(villages=v_names, towns=tuple(town_names), roads=tuple(roads), city_numbers=numbers)


def _school_ids(small: np.ndarray, seats: np.ndarray, n_city: int) -> _SchoolIds:
    """Ids ``S01``...: village schools in the order given, then township, then city schools."""
    n_sites = len(small) + len(seats)
    width = max(2, len(str(n_sites + n_city)))
    site = {s: f"S{i + 1:0{width}d}" for i, s in enumerate(np.concatenate([small, seats]))}
    return _SchoolIds(site=site, city=[f"S{n_sites + i + 1:0{width}d}" for i in range(n_city)])


def _teaching_points(small: np.ndarray, villages: _RuralVillages, pupils: _Pupils,
                     townships: _Townships, ids: _SchoolIds) -> _TeachingPoints:
    """Make the smallest 40 % of village schools teaching points; their G4_6 go to the township.

    Parameters
    ----------
    small : numpy.ndarray of int
        Village school sites, by valley and north to south (ties go to the first).
    villages, pupils : _RuralVillages, _Pupils
        The rural villages, the site each attends and their pupils.
    townships : _Townships
        The township schools (school ``k`` in valley ``k``).
    ids : _SchoolIds
        School ids, for the villages' ``school_id_g4_6``.

    Returns
    -------
    _TeachingPoints
        The teaching points, where their villages' G4_6 pupils attend, and how many each
        township school receives.
    """
    attach, seats = villages.attach, townships.seats
    sizes = np.array([(pupils.g13 + pupils.g46)[attach == site].sum() for site in small])
    points = frozenset(small[np.argsort(sizes, kind="stable")[: round(0.4 * len(small))]].tolist())
    town_of_valley = {int(villages.valley[seat]): k for k, seat in enumerate(seats)}
    g46_school = np.full(len(attach), "", dtype=object)  # set where G4_6 attend elsewhere than school_id
    g46_to_town = np.zeros(len(seats), dtype=int)
    for site in small:
        if site in points:
            k = town_of_valley[int(villages.valley[site])]
            g46_to_town[k] += int(pupils.g46[attach == site].sum())
            g46_school[attach == site] = ids.site[seats[k]]
    return _TeachingPoints(sites=points, g46_school=g46_school, g46_to_town=g46_to_town)


def _village_school_rows(small: np.ndarray, villages: _RuralVillages, pupils: _Pupils, points: _TeachingPoints,
                         names: _Names, ids: _SchoolIds, rng: np.random.Generator) -> list[tuple]:
    """Rows of ``schools.csv`` for the village schools (x, y still in metres).

    A teaching point teaches and counts only G1_3. Capacity: 1.3-2 times the pupils, in tens (at
    least 1.3 times). No beds, no growth, not a hub.
    """
    rows = []
    for site in small:
        members = villages.attach == site
        a, b = int(pupils.g13[members].sum()), int(pupils.g46[members].sum())
        teaching_point = site in points.sites
        if teaching_point:  # teaches G1_3 only; its villages' G4_6 attend the valley's township school
            b = 0
        cap = max(10 * round((a + b) * rng.uniform(1.3, 2.0) / 10), 10 * -(-(a + b) * 13 // 100))
        label = "Teaching Point" if teaching_point else "Village Primary"
        rows.append((ids.site[site], f"{names.villages[site]} {label}", *villages.xy[site], a, b, 0, cap, 0,
                     "G1_3" if teaching_point else PRIMARY, False, cap, 0, "village"))
    return rows


def _township_rows(townships: _Townships, points: _TeachingPoints, xy: np.ndarray, names: _Names,
                   ids: _SchoolIds, rng: np.random.Generator) -> list[tuple]:
    """Rows of ``schools.csv`` for the township schools (x, y still in metres).

    Pupils include the G4_6 of teaching points' villages. Capacity: the smallest multiple of
    :data:`CLASS_BLOCK` that holds them, growing by one block; beds 0-120 now, 200-400 at most.
    """
    enrolled = townships.pupils.copy()
    enrolled[:, 1] += points.g46_to_town
    rows = []
    for k, seat in enumerate(townships.seats):
        cap = CLASS_BLOCK * int(np.ceil(enrolled[k].sum() / CLASS_BLOCK))
        nine = townships.nine[k]
        label = "Township Central School" if nine else "Township Central Primary"
        beds, max_beds = 10 * int(rng.integers(0, 13)), 10 * int(rng.integers(20, 41))
        rows.append((ids.site[seat], f"{names.towns[k]} {label}", *xy[seat], *enrolled[k], cap,
                     beds, NINE_YEAR if nine else PRIMARY, True, cap + CLASS_BLOCK, max_beds, "township"))
    return rows


def _city_rows(city: _City, names: _Names, ids: _SchoolIds) -> list[tuple]:
    """Rows of ``schools.csv`` for the city schools (x, y still in metres): full size, no beds, no growth."""
    rows = []
    for j in range(len(city.nine)):
        label = "Nine-Year School" if city.nine[j] else "Primary"
        rows.append((ids.city[j], f"Qilihe No.{names.city_numbers[j]} {label}", *city.xy[j], *city.pupils[j],
                     city.capacity[j], 0, NINE_YEAR if city.nine[j] else PRIMARY, True, city.capacity[j], 0, "city"))
    return rows


def _to_degrees(points: np.ndarray, to_deg: Transformer) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes (WGS84 degrees, 6 decimals) of ``points`` in metres."""
    lon, lat = to_deg.transform(points[:, 0], points[:, 1])
    return np.round(lon, 6), np.round(lat, 6)


def _schools_table(rows: list[tuple], to_deg: Transformer) -> pd.DataFrame:
    """Build the schools frame (all of :data:`SCHOOL_COLUMNS` but staff and quality) from rows in metres."""
    schools = pd.DataFrame(rows, columns=[c for c in SCHOOL_COLUMNS[:15] if c != "annual_cost"])
    schools.insert(SCHOOL_COLUMNS.index("annual_cost"), "annual_cost", np.nan)
    schools["lon"], schools["lat"] = _to_degrees(schools[["lon", "lat"]].to_numpy(float), to_deg)
    int_columns = [c for c in SCHOOL_COLUMNS[4:13] if c not in ("bands", "can_be_hub")]
    schools[int_columns] = schools[int_columns].astype("int64")
    return schools


def _villages_table(villages: _RuralVillages, pupils: _Pupils, city: _City, townships: _Townships,
                    points: _TeachingPoints, names: _Names, ids: _SchoolIds, to_deg: Transformer) -> pd.DataFrame:
    """Build the villages frame (:data:`VILLAGE_COLUMNS`).

    Rural villages come first, by valley and north to south, then the urban neighbourhoods.
    ``school_id`` is the village's school today; ``school_id_g4_6`` is set for teaching points'
    villages; ``school_id_g7_9`` is the valley's nine-year township school, or for a neighbourhood
    its nine-year city school (the one west of a city primary).
    """
    order = np.lexsort((villages.s, villages.valley))
    owner, seats = city.owner, townships.seats
    lon, lat = _to_degrees(np.vstack([villages.xy[order], city.neighbourhood_xy]), to_deg)
    band_pupils = np.vstack([np.column_stack([pupils.g13, pupils.g46, pupils.g79])[order],
                             city.neighbourhood_pupils])
    n_villages = len(band_pupils)
    frame = pd.DataFrame({
        "village_id": [f"V{i + 1:0{max(3, len(str(n_villages)))}d}" for i in range(n_villages)],
        "name": list(names.villages[order]) + [f"{road} Community" for road in names.roads],
        "lon": lon, "lat": lat,
        "pupils_g1_3": band_pupils[:, 0], "pupils_g4_6": band_pupils[:, 1], "pupils_g7_9": band_pupils[:, 2],
        "school_id": [ids.site[s] for s in villages.attach[order]] + [ids.city[o] for o in owner],
        "school_id_g4_6": list(points.g46_school[order]) + [""] * len(owner),
        "school_id_g7_9": [ids.site[seats[townships.g79_school[v]]] for v in villages.valley[order]]
        + [ids.city[o if city.nine[o] else o - 1] for o in owner],
    })
    return frame[VILLAGE_COLUMNS].astype({c: "int64" for c in VILLAGE_COLUMNS[4:7]})


def _staff_and_quality(schools: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Return ``schools`` with ``teachers`` (grades 1-6), ``teachers_junior`` (grades 7-9) and ``quality`` added.

    Drawn from their own random stream, so the other columns do not depend on them. Teachers: the
    staffing ratio (19 primary, 13.5 junior pupils a post) times 0.9-1.2, and at least 1.5 a class in
    small schools (one class a band, mixed grades), as rural schools are staffed by class, not by ratio.
    Quality: an invented 0-100 score (city 75-95, township 55-80, village 30-60) for choosing group cores.
    """
    primary = (schools["pupils_g1_3"] + schools["pupils_g4_6"]).to_numpy(float)
    junior = schools["pupils_g7_9"].to_numpy(float)
    classes = schools["bands"].str.count("G").to_numpy(float)  # one mixed-grade class a band
    ratio = np.ceil(primary / 19 * rng.uniform(0.9, 1.2, len(schools)))
    floor = np.where(schools["kind"] == "village", np.ceil(1.5 * np.minimum(classes, 2)), 0)
    teachers = np.maximum(ratio, floor).astype("int64")
    teachers_junior = np.round(junior / 13.5 * rng.uniform(0.85, 1.1, len(schools))).astype("int64")
    low, high = schools["kind"].map({"city": 75, "township": 55, "village": 30}), \
        schools["kind"].map({"city": 95, "township": 80, "village": 60})
    quality = np.round(rng.uniform(low.to_numpy(float), high.to_numpy(float)), 0).astype("int64")
    return schools.assign(teachers=teachers, teachers_junior=teachers_junior, quality=quality)


def make_county(*, boundary: Polygon | None = None, seed: int = 7, n_villages: int = 60,
                n_small_schools: int = 26, n_township_schools: int = 4,
                n_city_schools: int = 4) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate a synthetic county: schools and the villages whose pupils attend them.

    Parameters
    ----------
    boundary
        Polygon in WGS84 (lon/lat degrees, EPSG:4326); None gives :func:`default_boundary`
        (30 km x 30 km around 103.75 E, 35.95 N). The top 19 % of its north-south extent is urban.
    seed
        Seed of :func:`numpy.random.default_rng`; the same seed gives identical frames.
    n_villages
        Villages in all: rural villages (including those hosting a village or township school)
        and ``n_city_schools + 1`` urban neighbourhoods.
    n_small_schools
        Village primaries and teaching points (bands ``G1_3,G4_6``), 8-35 pupils each.
    n_township_schools
        Township schools, one per valley a quarter of the way up from its mouth (so also the number of valleys; >= 1).
        All but one (and at least two) are nine-year; a primary-only township's valley sends its
        G7_9 pupils to the nearest nine-year township school.
    n_city_schools
        Large city schools in the urban north, alternately nine-year and primary from west to
        east; a city primary's neighbourhoods send their G7_9 pupils to the nine-year school west
        of it.

    Returns
    -------
    schools, villages
        Frames with columns :data:`SCHOOL_COLUMNS` and :data:`VILLAGE_COLUMNS`: ``lon``/``lat`` in
        WGS84 degrees rounded to 6 decimals; pupils, places and beds as integer counts;
        ``annual_cost`` empty (NaN). Rural villages attend the nearest village or township school,
        neighbourhoods their city school, all within 1.1 km straight line; every school's G1_3 and
        G4_6 enrolment is the sum of its villages'. The ranges (8-35 pupils a village school,
        150-400 a township school, 0-12 G7_9 a village) are for the default sizes: with many more
        villages per valley, township schools grow beyond 400.

    Raises
    ------
    ValueError
        If a count is negative, there is no township school, or ``n_villages`` is smaller than
        the villages that host schools plus the neighbourhoods.
    """
    n_neigh = n_city_schools + 1 if n_city_schools else 0
    _check_counts(n_villages, n_small_schools, n_township_schools, n_city_schools, n_neigh)
    rng = np.random.default_rng(seed)
    area = _county_area(default_boundary() if boundary is None else boundary)
    lines = _valleys(area.inset, n_township_schools, area.y_urban, rng)
    valleys = _Valleys(lines=tuple(lines), lengths=np.array([line.length for line in lines]))
    sites = _school_sites(valleys, n_small_schools, rng)
    rural = _villages_along_valleys(valleys, sites, n_villages - len(sites.s) - n_neigh, area.safe, rng)
    townships, pupils = _township_schools(sites, rural, _rural_pupils(sites, rural, rng), rng)
    city = _city_schools(area, n_city_schools, n_neigh, rng)
    names = _place_names(len(rural.s), townships.seats, n_neigh, n_city_schools, rng)
    small = np.flatnonzero(~sites.town)
    small = small[np.lexsort((rural.s[small], rural.valley[small]))]  # by valley, north to south
    ids = _school_ids(small, townships.seats, n_city_schools)
    points = _teaching_points(small, rural, pupils, townships, ids)
    rows = (_village_school_rows(small, rural, pupils, points, names, ids, rng)
            + _township_rows(townships, points, rural.xy, names, ids, rng)
            + _city_rows(city, names, ids))
    schools = _staff_and_quality(_schools_table(rows, area.to_deg), np.random.default_rng([seed, 1]))
    return schools, _villages_table(rural, pupils, city, townships, points, names, ids, area.to_deg)


def write_county(schools: pd.DataFrame, villages: pd.DataFrame,
                 out: str | Path) -> tuple[Path, Path]:
    """Write ``schools.csv`` and ``villages.csv`` into directory ``out`` (created if missing).

    Coordinates get 6 decimals, ``can_be_hub`` is written ``true``/``false`` and an empty
    ``annual_cost`` a blank cell. Returns the two paths.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    hub = schools["can_be_hub"].map({True: "true", False: "false"})
    paths = out / "schools.csv", out / "villages.csv"
    for frame, path in zip((schools.assign(can_be_hub=hub), villages), paths):
        frame.to_csv(path, index=False, float_format="%.6f", lineterminator="\n")
    return paths


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m consolidation.synthetic --out data --seed 7``."""
    parser = argparse.ArgumentParser(prog="python -m consolidation.synthetic",
                                     description="Write a SYNTHETIC example county as CSV.")
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
