"""Make a whole synthetic county, and write it as ``schools.csv`` and ``villages.csv``.

:func:`make_county` runs the steps of :mod:`.geography`, :mod:`.enrolment` and :mod:`.tables` in a fixed
order from one seeded random generator (teachers and quality from a second one), so the same seed gives the
same tables; :func:`write_county` writes them byte for byte the same way every time.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer
from shapely.geometry import Polygon

from .enrolment import _city_schools, _rural_pupils, _township_schools
from .geography import _Area, _county_area, _school_sites, _Valleys, _valleys, _villages_along_valleys, default_boundary
from .road_lines import make_roads
from .tables import (
    _city_rows,
    _place_names,
    _school_ids,
    _schools_table,
    _staff_and_quality,
    _teaching_points,
    _township_rows,
    _village_school_rows,
    _villages_table,
)


def _check_counts(n_villages: int, n_small: int, n_township: int, n_city: int, n_neigh: int) -> None:
    """Raise ValueError unless the school counts are usable and there are villages enough to host them."""
    n_sites = n_small + n_township
    if min(n_small, n_city) < 0 or n_township < 1:
        raise ValueError("school counts must be >= 0, with at least one township school")
    if n_villages < n_sites + n_neigh:
        raise ValueError(f"n_villages={n_villages} is below the {n_sites + n_neigh} villages "
                         "that schools and city neighbourhoods need")


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
    schools, villages, _, _ = _county(boundary=boundary, seed=seed, n_villages=n_villages,
                                      n_small_schools=n_small_schools, n_township_schools=n_township_schools,
                                      n_city_schools=n_city_schools)
    return schools, villages


def _county(*, boundary: Polygon | None, seed: int, n_villages: int, n_small_schools: int, n_township_schools: int,
            n_city_schools: int) -> tuple[pd.DataFrame, pd.DataFrame, list, _Area]:
    """Run every step of :func:`make_county`; also return the valley lines and the area (metres)."""
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
    return schools, _villages_table(rural, pupils, city, townships, points, names, ids, area.to_deg), lines, area


def make_county_roads(*, boundary: Polygon | None = None, seed: int = 7, **sizes: int) -> gpd.GeoDataFrame:
    """Return the SYNTHETIC road network of the county :func:`make_county` makes with the same arguments.

    The roads follow its valleys (see :mod:`.road_lines`); which villages lie across a ravine is drawn from a third
    generator seeded ``[seed, 2]``, so the county's tables do not change. Lines in WGS84 with ``highway``.
    """
    params = {"n_villages": 60, "n_small_schools": 26, "n_township_schools": 4, "n_city_schools": 4, **sizes}
    schools, villages, lines, area = _county(boundary=boundary, seed=seed, **params)
    to_m = Transformer.from_crs(4326, area.to_deg.source_crs, always_xy=True)
    frames = [villages[["lon", "lat"]].to_numpy(float), schools[["lon", "lat"]].to_numpy(float)]
    points = np.vstack([np.column_stack(to_m.transform(f[:, 0], f[:, 1])) for f in frames])
    rural = points[:, 1] < area.y_urban
    at_school = np.zeros(len(points), bool)
    at_school[len(villages):] = True
    school_xy = np.round(points[len(villages):], 3)
    at_school[:len(villages)] = (np.round(points[:len(villages)], 3)[:, None, :] == school_xy[None]).all(-1).any(1)
    return make_roads(lines, points, rural, at_school, area.to_deg.source_crs, np.random.default_rng([seed, 2]))


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
