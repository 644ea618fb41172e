"""The synthetic county as tables: names, school IDs, teaching points, and the rows of the two CSV files.

From the places (:mod:`.geography`) and pupils (:mod:`.enrolment`) this module makes up pinyin names, gives
schools their IDs (``S01``...) and villages theirs (``V001``...), makes the smallest village schools
teaching points, and builds ``schools.csv`` and ``villages.csv`` rows with coordinates in WGS84 degrees,
capacities, beds, teachers and an invented quality score. Names with a leading underscore are private to
:mod:`consolidation.synthetic`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyproj import Transformer

from .enrolment import _City, _Pupils, _Townships
from .geography import _RuralVillages

CLASS_BLOCK = 270
"""One standard size step, in places: 6 classes of 45 (建标109-2008). Sizes are multiples of it."""
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
