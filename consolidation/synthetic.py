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


def _longest_part(geom):
    parts = list(getattr(geom, "geoms", [geom]))
    return max(parts, key=lambda g: g.length if g.length else g.area)


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
    sep = min(2.0 * KM, 0.6 * spacing)
    y_end = y_urban - 0.35 * (y_urban - y0)
    south = inset.intersection(box(x0, y0, x1, y_end))
    sx0, sx1 = (south.bounds[0], south.bounds[2]) if not south.is_empty else (xa, xb)
    t = np.linspace(0.0, 1.0, 9)
    candidates = []
    for k, sx in enumerate(starts):
        start = np.array([sx, y_urban - 1.0])
        found = np.array([], dtype=object)
        slice_k = (sx0 + k * (sx1 - sx0) / n, sx0 + (k + 1) * (sx1 - sx0) / n, y_end)
        for lo, hi, top in (slice_k, (sx0, sx1, y_end), (x0, x1, start[1] - 1)):
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
        candidates.append((np.append(found, straight), rng.uniform(0.75, 1.0, len(found))))
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


def _names(n: int, rng: np.random.Generator, exclude: set[str]) -> list[str]:
    """``n`` distinct pinyin village names (numbered once the pool of ~1,300 runs out)."""
    pool = [s + "jia" + x for s in _SURNAMES for x in _JIA] + [p + x for p in _PREFIXES
                                                               for x in _SUFFIXES]
    pool = [name for name in dict.fromkeys(pool) if name not in exclude]
    picked = [pool[i] for i in rng.permutation(len(pool))[:n]]
    return picked + [f"{pool[k % len(pool)]} {k // len(pool) + 2}" for k in range(n - len(picked))]


def _staff_and_quality(schools: pd.DataFrame, rng: np.random.Generator) -> None:
    """Add ``teachers`` (posts teaching grades 1-6), ``teachers_junior`` (grades 7-9) and ``quality``.

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
    schools["teachers"] = np.maximum(ratio, floor).astype("int64")
    schools["teachers_junior"] = np.round(junior / 13.5 * rng.uniform(0.85, 1.1, len(schools))).astype("int64")
    low, high = schools["kind"].map({"city": 75, "township": 55, "village": 30}), \
        schools["kind"].map({"city": 95, "township": 80, "village": 60})
    schools["quality"] = np.round(rng.uniform(low.to_numpy(float), high.to_numpy(float)), 0).astype("int64")


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
    n_sites = n_small_schools + n_township_schools
    if min(n_small_schools, n_city_schools) < 0 or n_township_schools < 1:
        raise ValueError("school counts must be >= 0, with at least one township school")
    if n_villages < n_sites + n_neigh:
        raise ValueError(f"n_villages={n_villages} is below the {n_sites + n_neigh} villages "
                         "that schools and city neighbourhoods need")
    rng = np.random.default_rng(seed)
    boundary = default_boundary() if boundary is None else boundary
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
    y_urban = y1 - 0.19 * (y1 - y0)

    # Valleys, and school sites along them at irregular spacing; the township towards the mouth.
    n_val = n_township_schools
    lines = _valleys(inset, n_val, y_urban, rng)
    lengths = np.array([line.length for line in lines])
    share = n_small_schools * lengths / lengths.sum()
    per_valley = np.floor(share).astype(int)
    per_valley[np.argsort(per_valley - share)[: n_small_schools - per_valley.sum()]] += 1
    site_valley, site_s, site_town = [], [], []
    for k, (m, length) in enumerate(zip(per_valley, lengths)):
        edges = np.linspace(min(KM, 0.1 * length), length - min(300, 0.05 * length), m + 2)
        site_s += list(edges[:-1] + np.diff(edges) * rng.uniform(0.15, 0.85, m + 1))
        site_valley += [k] * (m + 1)
        site_town += [i == (m + 1) // 4 for i in range(m + 1)]  # township seat towards the valley mouth
    site_valley, site_s, site_town = np.array(site_valley), np.array(site_s), np.array(site_town)

    # Other rural villages: 250-900 m up or down the valley from a random host site.
    n_extra = n_villages - n_sites - n_neigh
    host = rng.integers(0, n_sites, n_extra)
    d = rng.uniform(0.25 * KM, 0.9 * KM, n_extra) * rng.choice([-1.0, 1.0], n_extra)
    end = lengths[site_valley[host]]
    s_extra = np.where((site_s[host] + d < 100) | (site_s[host] + d > end - 100), -d, d)
    v_valley = np.concatenate([site_valley, site_valley[host]])
    v_s = np.concatenate([site_s, np.clip(site_s[host] + s_extra, 0, end)])
    v_off = np.concatenate([np.clip(rng.normal(0, 80, n_sites), -200, 200),
                            np.clip(rng.normal(0, 120, n_extra), -300, 300)])
    v_host = np.concatenate([np.arange(n_sites), host])
    xy = np.zeros((len(v_s), 2))
    for k, line in enumerate(lines):
        on = v_valley == k
        xy[on] = _along(line, v_s[on], v_off[on])
        off = on & ~shapely.contains_xy(safe, xy[:, 0], xy[:, 1])
        xy[off] = _along(line, v_s[off], np.zeros(off.sum()))
    gap = xy - xy[v_host]
    scale = np.minimum(1.0, WALK_LIMIT_M / np.maximum(np.hypot(gap[:, 0], gap[:, 1]), 1e-9))
    xy = xy[v_host] + gap * scale[:, None]
    attach = np.argmin(_distances(xy, xy[:n_sites]), axis=1)  # a site is nearest to itself

    # Village schools: 8-35 pupils, ~400 for 26 schools; split over the villages attached.
    n_rural = len(v_s)
    g13, g46 = np.zeros(n_rural, dtype=int), np.zeros(n_rural, dtype=int)
    small, towns = np.flatnonzero(~site_town), np.flatnonzero(site_town)
    enrol = np.clip(np.round(8 + rng.gamma(1.6, 5.0, len(small))), 8, 35).astype(int)
    target = round(400 * len(small) / 26)
    while enrol.sum() != target:
        step = np.sign(target - enrol.sum())
        room = np.flatnonzero((enrol + step >= 8) & (enrol + step <= 35))
        if not len(room):
            break
        enrol[rng.choice(room, min(len(room), abs(target - enrol.sum())), replace=False)] += step
    for e, site in zip(enrol, small):
        members = np.flatnonzero(attach == site)
        weights = np.where(members == site, 1.0, rng.uniform(0.2, 0.8, len(members)))
        first = int(round(e * rng.uniform(0.5, 0.62)))
        g13[members] += _spread(first, weights, rng)
        g46[members] += _spread(e - first, weights, rng)
    near_town = np.isin(attach, towns) & ~np.isin(np.arange(n_rural), towns)
    primary = 3 + rng.poisson(7, n_rural)
    first = rng.binomial(primary, 0.55)
    g13[near_town], g46[near_town] = first[near_town], (primary - first)[near_town]
    g79 = np.minimum(rng.poisson(0.45 * (g13 + g46) * rng.uniform(0.7, 1.3, n_rural) + 0.5), 12)
    g79[towns] = np.minimum(rng.poisson(8, n_val), 12)

    # Township schools: bands, whose G7_9 pupils they teach, and the seat village's size.
    nine = np.zeros(n_val, dtype=bool)
    nine[rng.permutation(n_val)[: n_val if n_val < 3 else n_val - 1]] = True
    seat_gap = np.where(nine[None, :], _distances(xy[towns], xy[towns]), np.inf)
    g79_school = np.where(nine, np.arange(n_val), np.argmin(seat_gap, axis=1))
    town_total = rng.integers(170, 381, n_val)
    town_pupils = np.zeros((n_val, 3), dtype=int)
    for k, seat in enumerate(towns):
        members = np.flatnonzero(attach == seat)
        others = int((g13[members] + g46[members]).sum())  # the seat has none yet
        valleys = np.flatnonzero(g79_school == k)
        own79 = int(g79[np.isin(v_valley, valleys)].sum()) if nine[k] else 0
        seat_primary = max(int(town_total[k]) - own79 - others, 60)
        g13[seat] = rng.binomial(seat_primary, 0.55)
        g46[seat] = seat_primary - g13[seat]
        town_pupils[k] = g13[members].sum(), g46[members].sum(), own79

    # City schools in the urban north, and their neighbourhoods 300-900 m away.
    urban = inset.intersection(box(x0, y_urban + 300, x1, y1))
    c_xy = _city_sites(urban if not urban.is_empty else inset, n_city_schools, rng)
    c_nine = np.arange(n_city_schools) % 2 == 0
    c_cap = np.where(c_nine, 1080, rng.choice([810, 1080], n_city_schools))
    c_total = np.round(c_cap * rng.uniform(0.85, 0.98, n_city_schools)).astype(int)
    owner = np.concatenate([np.arange(n_city_schools),
                            rng.integers(0, max(n_city_schools, 1), n_neigh - n_city_schools)])
    n_xy = c_xy[owner] if n_neigh else np.zeros((0, 2))
    for i in range(n_neigh):
        for _ in range(40):
            r, a = rng.uniform(0.3 * KM, 0.9 * KM), rng.uniform(0, 2 * np.pi)
            p = c_xy[owner[i]] + r * np.array([np.cos(a), np.sin(a)])
            if shapely.contains_xy(safe, p[0], p[1]):
                n_xy[i] = p
                break
    n_pupils = np.zeros((n_neigh, 3), dtype=int)
    c_pupils = np.zeros((n_city_schools, 3), dtype=int)
    incoming = np.zeros(n_city_schools, dtype=int)
    for j in list(np.flatnonzero(~c_nine)) + list(np.flatnonzero(c_nine)):  # primaries first
        members = np.flatnonzero(owner == j)
        weights = rng.uniform(0.5, 1.5, len(members))
        if c_nine[j]:
            g79_j = max(round(c_total[j] * rng.uniform(0.29, 0.33)), incoming[j] + c_total[j] // 20)
            n_pupils[members, 2] = _spread(g79_j - incoming[j], weights, rng)
        else:
            g79_j = 0
            n_pupils[members, 2] = _spread(round(c_total[j] * rng.uniform(0.3, 0.4)), weights, rng)
            incoming[j - 1] += n_pupils[members, 2].sum()
        first = round((c_total[j] - g79_j) * rng.uniform(0.5, 0.55))
        c_pupils[j] = first, c_total[j] - g79_j - first, g79_j
        n_pupils[members, 0] = _spread(c_pupils[j, 0], weights, rng)
        n_pupils[members, 1] = _spread(c_pupils[j, 1], weights, rng)

    # Names, ids and the two tables.
    town_names = list(_TOWNS[:n_val])
    names = _names(n_rural + max(0, n_val - len(_TOWNS)), rng, set(town_names))
    town_names += names[n_rural:]
    v_names = np.array(names[:n_rural], dtype=object)
    v_names[towns] = town_names
    roads = [f"{_ROADS[k % len(_ROADS)]}{'' if k < len(_ROADS) else f' {k // len(_ROADS) + 1}'}"
             for k in range(n_neigh)]
    numbers = np.sort(rng.choice(np.arange(1, max(31, 3 * n_city_schools)), n_city_schools,
                                 replace=False))
    small = small[np.lexsort((v_s[small], v_valley[small]))]
    width = max(2, len(str(n_sites + n_city_schools)))
    sid = {site: f"S{i + 1:0{width}d}" for i, site in enumerate(np.concatenate([small, towns]))}
    city_ids = [f"S{n_sites + i + 1:0{width}d}" for i in range(n_city_schools)]
    rows = []
    town_of_valley = {int(v_valley[seat]): k for k, seat in enumerate(towns)}
    g46_school = np.full(n_rural, "", dtype=object)  # set where G4_6 attend elsewhere than school_id
    sizes = np.array([(g13 + g46)[attach == site].sum() for site in small])
    teaching_points = set(small[np.argsort(sizes, kind="stable")[: round(0.4 * len(small))]].tolist())
    for site in small:
        a, b = int(g13[attach == site].sum()), int(g46[attach == site].sum())
        teaching_point = site in teaching_points  # the smallest 40 %
        if teaching_point:  # teaches G1_3 only; its villages' G4_6 attend the valley's township school
            k = town_of_valley[int(v_valley[site])]
            town_pupils[k, 1] += b
            g46_school[attach == site] = sid[towns[k]]
            b = 0
        cap = max(10 * round((a + b) * rng.uniform(1.3, 2.0) / 10), 10 * -(-(a + b) * 13 // 100))
        label = "Teaching Point" if teaching_point else "Village Primary"
        rows.append((sid[site], f"{v_names[site]} {label}", *xy[site], a, b, 0, cap, 0,
                     "G1_3" if teaching_point else PRIMARY, False, cap, 0, "village"))
    for k, seat in enumerate(towns):
        cap = CLASS_BLOCK * int(np.ceil(town_pupils[k].sum() / CLASS_BLOCK))
        label = "Township Central School" if nine[k] else "Township Central Primary"
        beds, max_beds = 10 * int(rng.integers(0, 13)), 10 * int(rng.integers(20, 41))
        rows.append((sid[seat], f"{town_names[k]} {label}", *xy[seat], *town_pupils[k], cap,
                     beds, NINE_YEAR if nine[k] else PRIMARY, True, cap + CLASS_BLOCK, max_beds,
                     "township"))
    for j in range(n_city_schools):
        label = "Nine-Year School" if c_nine[j] else "Primary"
        rows.append((city_ids[j], f"Qilihe No.{numbers[j]} {label}", *c_xy[j], *c_pupils[j],
                     c_cap[j], 0, NINE_YEAR if c_nine[j] else PRIMARY, True, c_cap[j], 0, "city"))
    schools = pd.DataFrame(rows, columns=[c for c in SCHOOL_COLUMNS[:15] if c != "annual_cost"])
    schools.insert(SCHOOL_COLUMNS.index("annual_cost"), "annual_cost", np.nan)
    order = np.lexsort((v_s, v_valley))
    pupils = np.vstack([np.column_stack([g13, g46, g79])[order], n_pupils])
    villages = pd.DataFrame({
        "village_id": [f"V{i + 1:0{max(3, len(str(n_villages)))}d}" for i in range(n_villages)],
        "name": list(v_names[order]) + [f"{road} Community" for road in roads],
        "pupils_g1_3": pupils[:, 0], "pupils_g4_6": pupils[:, 1], "pupils_g7_9": pupils[:, 2],
        "school_id": [sid[s] for s in attach[order]] + [city_ids[o] for o in owner],
        "school_id_g4_6": list(g46_school[order]) + [""] * n_neigh,
        "school_id_g7_9": [sid[towns[g79_school[v]]] for v in v_valley[order]]
        + [city_ids[o if c_nine[o] else o - 1] for o in owner],
    })
    for frame, points in ((schools, schools[["lon", "lat"]].to_numpy(float)),
                          (villages, np.vstack([xy[order], n_xy]))):
        lon, lat = to_deg.transform(points[:, 0], points[:, 1])
        frame["lon"], frame["lat"] = np.round(lon, 6), np.round(lat, 6)
    int_columns = [c for c in SCHOOL_COLUMNS[4:13] if c not in ("bands", "can_be_hub")]
    schools[int_columns] = schools[int_columns].astype("int64")
    _staff_and_quality(schools, np.random.default_rng([seed, 1]))
    return schools, villages[VILLAGE_COLUMNS].astype({c: "int64" for c in VILLAGE_COLUMNS[4:7]})


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
