"""Travel: every form of input becomes one long table of eligible pairs ``(origin, band, school)``.

The input may be coordinates, a partial or a complete travel matrix; each pair has minutes, km and whether
pupils board.

Pairs that no rule allows never enter the table, so the model never sees them:
a school that is locked closed or does not teach the band; a day trip over the band's ``max_minutes``
where the band may not board, or whose weekly trip is over ``boarding.max_weekly_minutes``;
a school with ``can_be_hub = false`` for pupils who attend another school today.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from . import BANDS, pupils_column
from .io import Inputs
from .scenario import Scenario
from .tolerances import EXACT as EPS


@dataclass(frozen=True)
class Pairs:
    """Eligible pairs and the demand they serve.

    Attributes
    ----------
    table
        One row per eligible pair: ``origin_id``, ``band``, ``school_id``, ``pupils`` (of the origin and band),
        ``minutes`` (one-way: the day trip, or for boarders the weekly trip), ``km`` (road, NaN if unknown),
        ``boards`` (bool), ``moves`` (bool: the school is not the one these pupils attend today).
    demand
        One row per origin and band with pupils: ``origin_id``, ``band``, ``pupils``, ``current_school_id``
        (today's school; the nearest school teaching the band when not given), ``nearest_school_id`` and
        ``nearest_minutes`` (day trip to the nearest school that teaches the band and is not locked
        closed, ignoring limits), ``nearest_block`` (why that nearest school is not eligible, or ``""``),
        ``pairs`` (count).
    """

    table: pd.DataFrame
    demand: pd.DataFrame


def _matrices(inputs: Inputs, scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Road km, bus minutes, walk minutes, each origins x schools; NaN where no pair exists."""
    origins, schools = inputs.origins, inputs.schools
    shape = (len(origins), len(schools))
    settings = scenario.travel
    complete = scenario.inputs.complete
    if inputs.has_geometry and not complete:
        ox, oy = origins.geometry.x.to_numpy(), origins.geometry.y.to_numpy()
        sx, sy = schools.geometry.x.to_numpy(), schools.geometry.y.to_numpy()
        km = np.hypot(ox[:, None] - sx[None, :], oy[:, None] - sy[None, :]) / 1000.0 * settings.detour
    else:
        km = np.full(shape, np.nan)
    bus = km / settings.bus_kmh * 60.0
    walk = km / settings.walk_kmh * 60.0
    if inputs.travel is not None:
        oi = pd.Index(origins["origin_id"]).get_indexer(inputs.travel["origin_id"])
        si = pd.Index(schools["school_id"]).get_indexer(inputs.travel["school_id"])
        keep = (oi >= 0) & (si >= 0)
        oi, si = oi[keep], si[keep]
        minutes = inputs.travel["minutes"].to_numpy(float)[keep]
        listed_km = inputs.travel["km"].to_numpy(float)[keep]
        if complete:
            km = np.full(shape, np.nan)
            bus = np.full(shape, np.nan)
        bus[oi, si] = minutes
        walk = bus.copy() if complete else walk
        walk[oi, si] = minutes
        km[oi, si] = np.where(np.isnan(listed_km), km[oi, si], listed_km)
    return km, bus, walk


def _current_school(origins: pd.DataFrame, schools: pd.DataFrame, band: str, teaches: np.ndarray,
                    day: np.ndarray) -> np.ndarray:
    """Return the index of today's school per origin for one band.

    The given school if it teaches the band, else the nearest school teaching the band; -1 if none.
    """
    given = pd.Index(schools["school_id"]).get_indexer(origins["current_" + band])
    ok = given >= 0
    ok[ok] = teaches[given[ok]]
    masked = np.where(teaches[None, :] & ~np.isnan(day), day, np.inf)
    nearest = np.argmin(masked, axis=1) if masked.shape[1] else np.zeros(len(origins), int)
    has = np.isfinite(masked[np.arange(len(origins)), nearest]) if masked.shape[1] else np.zeros(len(origins), bool)
    return np.where(ok, given, np.where(has, nearest, -1))


def build_pairs(inputs: Inputs, scenario: Scenario) -> Pairs:
    """Compute travel for every origin, band and school, and keep the pairs the rules allow.

    Minutes come from the travel CSV where it lists a pair (for every band and for boarders' weekly
    trips), else from straight-line distance x ``travel.detour`` at ``travel.walk_kmh`` (bands with
    ``mode = "walk"``) or ``travel.bus_kmh`` (other bands, and every boarder's weekly trip).
    With ``inputs.complete = true`` only listed pairs exist.
    """
    origins, schools = inputs.origins, inputs.schools
    km, bus, walk = _matrices(inputs, scenario)
    closed = (schools["lock"] == "closed").to_numpy()
    can_be_hub = schools["can_be_hub"].to_numpy(bool)
    weekly_limit = scenario.boarding.max_weekly_minutes
    school_ids = schools["school_id"].to_numpy(object)
    origin_ids = origins["origin_id"].to_numpy(object)

    tables, demands = [], []
    for band in BANDS:
        rule = scenario.rules.band(band)
        pupils = origins[pupils_column(band)].to_numpy(float)
        teaches = schools["teaches_" + band].to_numpy(bool)
        day = walk if rule.mode == "walk" else bus
        current = _current_school(origins, schools, band, teaches, day)
        limit = np.inf if rule.max_minutes is None else rule.max_minutes
        weekly_ok = ~np.isnan(bus) & (bus <= (np.inf if weekly_limit is None else weekly_limit) + EPS)
        day_ok = ~np.isnan(day) & (day <= limit + EPS)
        board_ok = ~day_ok & weekly_ok & rule.boarding
        moves = np.arange(len(schools))[None, :] != current[:, None]
        open_ok = (teaches & ~closed)[None, :] & (pupils > 0)[:, None]
        hub_ok = can_be_hub[None, :] | ~moves
        eligible = open_ok & hub_ok & (day_ok | board_ok)

        oi, si = np.nonzero(eligible)
        boards = board_ok[oi, si]
        tables.append(pd.DataFrame({
            "origin_id": origin_ids[oi],
            "band": band,
            "school_id": school_ids[si],
            "pupils": pupils[oi],
            "minutes": np.where(boards, bus[oi, si], day[oi, si]),
            "km": km[oi, si],
            "boards": boards,
            "moves": moves[oi, si],
        }))

        rows = np.nonzero(pupils > 0)[0]
        reach = np.where(open_ok & ~np.isnan(day), day, np.inf)[rows]
        nearest = np.argmin(reach, axis=1) if len(schools) else np.zeros(len(rows), int)
        nearest_minutes = reach[np.arange(len(rows)), nearest] if len(schools) else np.full(len(rows), np.inf)
        blocks = []
        for r, j, m in zip(rows, nearest, nearest_minutes):
            if not np.isfinite(m):
                blocks.append("no school teaching this band is reachable")
            elif eligible[r, j]:
                blocks.append("")
            elif not hub_ok[r, j]:
                blocks.append("it cannot take pupils from other schools (can_be_hub = false)")
            elif not rule.boarding:
                blocks.append(f"over the {rule.max_minutes:g}-min day limit and {band} may not board")
            else:
                blocks.append(f"over the {rule.max_minutes:g}-min day limit and the "
                              f"{weekly_limit:g}-min weekly limit for boarders")
        demands.append(pd.DataFrame({
            "origin_id": origin_ids[rows],
            "band": band,
            "pupils": pupils[rows],
            "current_school_id": np.where(current[rows] >= 0, school_ids[np.maximum(current[rows], 0)], ""),
            "nearest_school_id": np.where(np.isfinite(nearest_minutes),
                                          school_ids[nearest] if len(schools) else "", ""),
            "nearest_minutes": nearest_minutes,
            "nearest_block": blocks,
            "pairs": eligible[rows].sum(axis=1),
        }))
    table = pd.concat(tables, ignore_index=True)
    table["boards"] = table["boards"].astype(bool)
    table["moves"] = table["moves"].astype(bool)
    return Pairs(table=table, demand=pd.concat(demands, ignore_index=True))


def school_minutes(inputs: Inputs, scenario: Scenario, *, mode: str = "bus") -> pd.DataFrame:
    """Return one-way minutes between schools (rows from, columns to, both ``school_id``).

    This is the one rule for trips between schools (teachers redeployed after a plan, teachers of an
    education group).

    A pair the travel CSV lists (``origin_id`` one school, ``school_id`` the other) takes its minutes, in the
    listed direction, and the other direction too unless that is listed as well. Other pairs: straight-line
    metres in the metric CRS x ``travel.detour`` at ``travel.bus_kmh`` (``mode = "walk"``:
    ``travel.walk_kmh``), when both schools have coordinates; NaN otherwise. The diagonal is 0.
    """
    schools = inputs.schools
    ids = schools["school_id"].astype(str).tolist()
    n = len(ids)
    minutes = np.full((n, n), np.nan)
    if isinstance(schools, gpd.GeoDataFrame) and "geometry" in schools and n:
        speed = scenario.travel.walk_kmh if mode == "walk" else scenario.travel.bus_kmh
        x, y = schools.geometry.x.to_numpy(float), schools.geometry.y.to_numpy(float)
        metres = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
        minutes = metres / 1000.0 * scenario.travel.detour / speed * 60.0
    if inputs.travel is not None and len(inputs.travel):
        index = pd.Index(ids)
        a = index.get_indexer(inputs.travel["origin_id"].astype(str))
        b = index.get_indexer(inputs.travel["school_id"].astype(str))
        listed = inputs.travel["minutes"].to_numpy(float)
        keep = (a >= 0) & (b >= 0) & (a != b)
        a, b, listed = a[keep], b[keep], listed[keep]
        given = np.zeros((n, n), bool)
        given[a, b] = True
        back = ~given[b, a]  # the reverse direction, where the CSV does not list it itself
        minutes[b[back], a[back]] = listed[back]
        minutes[a, b] = listed
    np.fill_diagonal(minutes, 0.0)
    return pd.DataFrame(minutes, index=ids, columns=ids)
