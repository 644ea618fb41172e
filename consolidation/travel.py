"""Travel: every form of input becomes one long table of eligible pairs ``(origin, band, school)``.

The input may be coordinates, a partial or a complete travel matrix; each pair has minutes, km and whether
pupils board.

Pairs that no rule allows never enter the table, so the model never sees them:
a school that is locked closed or does not teach the band; a day trip over the band's ``max_minutes``
where the band may not board, or whose weekly trip is over ``boarding.max_weekly_minutes``;
a school with ``can_be_hub = false`` for pupils who attend another school today.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from . import bands_of, pupils_column
from .io import Inputs
from .messages import band as band_word, say, term
from .scenario import Scenario
from .tolerances import EXACT as EPS

log = logging.getLogger("consolidation")


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
    notes
        What the run's summary should say about how travel was found (``summary["reasons"]``, shown as notes),
        e.g. that a travel file's minutes were used for walking and riding alike.
    between
        One-way minutes between schools by bus (:func:`school_minutes`; rows from, columns to), for the rules
        that link schools (a teaching point and its parent, ``[teaching_points] parents``); None when no rule
        in force needs them.
    """

    table: pd.DataFrame
    demand: pd.DataFrame
    notes: tuple[str, ...] = ()
    campuses: pd.DataFrame | None = None
    """School pairs that may be one school with two campuses (:func:`campus_candidates`), or None."""
    between: pd.DataFrame | None = None
    """One-way minutes between schools (:func:`school_minutes`: rows from, columns to), for the model's rules on
    trips between schools (education groups planned jointly, ``groups.joint``); None when no rule needs them."""


@dataclass(frozen=True)
class _Modes:
    """Origins x schools matrices of one band: minutes and km walking and by bus; NaN where no pair exists."""

    walk: np.ndarray
    bus: np.ndarray
    walk_km: np.ndarray
    bus_km: np.ndarray

    def copy(self) -> _Modes:
        """Return a copy whose arrays may be changed."""
        return _Modes(self.walk.copy(), self.bus.copy(), self.walk_km.copy(), self.bus_km.copy())

    def day(self, mode: str) -> tuple[np.ndarray, np.ndarray]:
        """Return (minutes, km) of a day trip by ``mode``."""
        return (self.walk, self.walk_km) if mode == "walk" else (self.bus, self.bus_km)


def _computed(inputs: Inputs, scenario: Scenario) -> _Modes:
    """Minutes and km before the travel file: along roads, else straight line x detour, else unknown."""
    origins, schools = inputs.origins, inputs.schools
    shape = (len(origins), len(schools))
    settings = scenario.travel
    if scenario.inputs.complete or not inputs.has_geometry:
        nan = np.full(shape, np.nan)
        return _Modes(nan, nan.copy(), nan.copy(), nan.copy())
    if inputs.roads is not None:
        walk, bus = inputs.roads.modes["walk"], inputs.roads.modes["bus"]
        return _Modes(walk.minutes, bus.minutes, walk.km, bus.km)
    ox, oy = origins.geometry.x.to_numpy(), origins.geometry.y.to_numpy()
    sx, sy = schools.geometry.x.to_numpy(), schools.geometry.y.to_numpy()
    km = np.hypot(ox[:, None] - sx[None, :], oy[:, None] - sy[None, :]) / 1000.0 * settings.detour
    return _Modes(km / settings.walk_kmh * 60.0, km / settings.bus_kmh * 60.0, km, km.copy())


def _listed(inputs: Inputs, scenario: Scenario) -> pd.DataFrame | None:
    """Return the travel file's rows as indices: ``oi``, ``si``, ``minutes``, ``km``, ``walk``/``bus`` (bool:
    the row gives this mode's minutes), ``band`` (``""``: every band), ``rank`` (more specific rows apply later).
    """  # noqa: D205 - the columns are part of the summary
    travel = inputs.travel
    if travel is None:
        return None
    oi = pd.Index(inputs.origins["origin_id"]).get_indexer(travel["origin_id"])
    si = pd.Index(inputs.schools["school_id"]).get_indexer(travel["school_id"])
    mode = travel["mode"] if "mode" in travel else pd.Series("", index=travel.index)
    band = travel["band"] if "band" in travel else pd.Series("", index=travel.index)
    declared = scenario.inputs.travel_mode or "both"
    given = mode.where(mode != "", declared)
    rows = pd.DataFrame({"oi": oi, "si": si, "minutes": travel["minutes"].to_numpy(float),
                         "km": travel["km"].to_numpy(float), "walk": given.isin(["walk", "both"]).to_numpy(),
                         "bus": given.isin(["bus", "both"]).to_numpy(), "band": band.to_numpy(),
                         "rank": (mode != "").to_numpy(int) + 2 * (band != "").to_numpy(int)})
    return rows[(rows["oi"] >= 0) & (rows["si"] >= 0)].sort_values("rank", kind="stable")


def _for_band(base: _Modes, listed: pd.DataFrame | None, band: str) -> _Modes:
    """Return the band's matrices: ``base`` with the travel file's rows for every band, then for this band."""
    if listed is None:
        return base
    rows = listed[listed["band"].isin(["", band])]
    out = base.copy()
    for mode, minutes, km in (("walk", out.walk, out.walk_km), ("bus", out.bus, out.bus_km)):
        mine = rows[rows[mode]]
        oi, si = mine["oi"].to_numpy(), mine["si"].to_numpy()
        minutes[oi, si] = mine["minutes"].to_numpy(float)
        listed_km = mine["km"].to_numpy(float)
        km[oi, si] = np.where(np.isnan(listed_km), km[oi, si], listed_km)
    return out


def matrices(inputs: Inputs, scenario: Scenario):
    """Yield ``(mode, minutes, km)`` (origins x schools, NaN where unknown) for every band, as a run finds them.

    Rows of the travel file for one band only are left out: this is travel for every band.
    """
    modes = _for_band(_computed(inputs, scenario), _listed(inputs, scenario), "")
    yield "walk", modes.walk, modes.walk_km
    yield "bus", modes.bus, modes.bus_km


def _notes(inputs: Inputs, scenario: Scenario) -> tuple[str, ...]:
    """Say what the run should know about its travel: minutes used for both modes, roads not fully used."""
    notes: list[str] = []
    travel, spec = inputs.travel, scenario.inputs
    if travel is not None and spec.travel_mode is None and len(travel) and \
            ("mode" not in travel or (travel["mode"] == "").any()):
        notes.append(say("note.travel_mode", file=Path(spec.travel).name))
    if inputs.roads is not None:
        notes.extend(inputs.roads.network.notes)
    return tuple(notes)


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

    Minutes come from the travel CSV where it lists a pair (for the mode of its ``mode`` column, else of
    ``[inputs] travel_mode``, else both; for the band of its ``band`` column, else every band; a row for a mode or
    band overrides one for every mode or band), else along the road network of ``[inputs] roads``, else from
    straight-line distance x ``travel.detour``; at ``travel.walk_kmh`` (bands with ``mode = "walk"``) or
    ``travel.bus_kmh`` (other bands, and every boarder's weekly trip). With ``inputs.complete = true`` only listed
    pairs exist.
    """
    origins, schools = inputs.origins, inputs.schools
    base, listed = _computed(inputs, scenario), _listed(inputs, scenario)
    notes = _notes(inputs, scenario)
    for note in notes:
        log.warning("%s", note)
    closed = (schools["lock"] == "closed").to_numpy()
    can_be_hub = schools["can_be_hub"].to_numpy(bool)
    weekly_limit = scenario.boarding.max_weekly_minutes
    school_ids = schools["school_id"].to_numpy(object)
    origin_ids = origins["origin_id"].to_numpy(object)

    tables, demands = [], []
    for band in bands_of(origins):
        rule = scenario.rules.band(band)
        pupils = origins[pupils_column(band)].to_numpy(float)
        teaches = schools["teaches_" + band].to_numpy(bool)
        modes = _for_band(base, listed, band)
        bus = modes.bus
        day, day_km = modes.day(rule.mode)
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
            "km": np.where(boards, modes.bus_km[oi, si], day_km[oi, si]),
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
                blocks.append(term("block.unreachable"))
            elif eligible[r, j]:
                blocks.append("")
            elif not hub_ok[r, j]:
                blocks.append(term("block.no_hub"))
            elif not rule.boarding:
                blocks.append(say("block.no_boarding", limit=rule.max_minutes, band=band_word(band)))
            else:
                blocks.append(say("block.weekly", limit=rule.max_minutes, weekly=weekly_limit))
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
    between = (school_minutes(inputs, scenario) if scenario.groups.joint or scenario.teaching_points.parents
               else None)
    return Pairs(table=table, demand=pd.concat(demands, ignore_index=True), notes=notes,
                 campuses=campus_candidates(inputs, scenario, minutes=between), between=between)


def school_minutes(inputs: Inputs, scenario: Scenario, *, mode: str = "bus") -> pd.DataFrame:
    """Return one-way minutes between schools (rows from, columns to, both ``school_id``).

    This is the one rule for trips between schools (teachers redeployed after a plan, teachers of an
    education group).

    A pair the travel CSV lists (``origin_id`` one school, ``school_id`` the other) for ``mode`` (its ``mode``
    column, else ``[inputs] travel_mode``) and every band takes its minutes, in the listed direction, and the
    other direction too unless that is listed as well. Other pairs: along the roads of ``[inputs] roads`` when
    given, else straight-line
    metres in the metric CRS x ``travel.detour`` at ``travel.bus_kmh`` (``mode = "walk"``:
    ``travel.walk_kmh``), when both schools have coordinates; NaN otherwise. The diagonal is 0.
    """
    schools = inputs.schools
    ids = schools["school_id"].astype(str).tolist()
    n = len(ids)
    minutes = np.full((n, n), np.nan)
    if inputs.roads is not None and not scenario.inputs.complete:
        minutes = inputs.roads.modes["walk" if mode == "walk" else "bus"].school_minutes.copy()
    elif isinstance(schools, gpd.GeoDataFrame) and "geometry" in schools and n:
        speed = scenario.travel.walk_kmh if mode == "walk" else scenario.travel.bus_kmh
        x, y = schools.geometry.x.to_numpy(float), schools.geometry.y.to_numpy(float)
        metres = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
        minutes = metres / 1000.0 * scenario.travel.detour / speed * 60.0
    listed = _listed_between(inputs, scenario, mode)
    if listed is not None and len(listed):
        index = pd.Index(ids)
        a = index.get_indexer(listed["origin_id"].astype(str))
        b = index.get_indexer(listed["school_id"].astype(str))
        values = listed["minutes"].to_numpy(float)
        keep = (a >= 0) & (b >= 0) & (a != b)
        a, b, values = a[keep], b[keep], values[keep]
        given = np.zeros((n, n), bool)
        given[a, b] = True
        back = ~given[b, a]  # the reverse direction, where the CSV does not list it itself
        minutes[b[back], a[back]] = values[back]
        minutes[a, b] = values
    np.fill_diagonal(minutes, 0.0)
    return pd.DataFrame(minutes, index=ids, columns=ids)


def _listed_between(inputs: Inputs, scenario: Scenario, mode: str) -> pd.DataFrame | None:
    """Return the travel file's rows that give ``mode``'s minutes, for every band (the last row of a pair wins)."""
    travel = inputs.travel
    if travel is None:
        return None
    given = travel["mode"] if "mode" in travel else pd.Series("", index=travel.index)
    given = given.where(given != "", scenario.inputs.travel_mode or "both")
    band = travel["band"] if "band" in travel else pd.Series("", index=travel.index)
    return travel[given.isin([mode, "both"]) & (band == "")]


def day_minutes(inputs: Inputs, scenario: Scenario, bands: Iterable[str]) -> dict[str, np.ndarray]:
    """Return each band's day trip one-way minutes (origins x schools, NaN where unknown), keyed by band.

    By the band's ``mode`` (walk or bus), from the same travel file, roads or straight line as
    :func:`build_pairs`, ignoring every limit; rows and columns in the order of ``inputs.origins`` and
    ``inputs.schools``. The trips of today and the nearest schools are measured with it.
    """
    base, listed = _computed(inputs, scenario), _listed(inputs, scenario)  # once for every band
    return {band: _for_band(base, listed, band).day(scenario.rules.band(band).mode)[0] for band in bands}


CAMPUS_COLUMN = "campus_of"
"""Schools column naming the main school of a school that is already its campus (一校多区); blank: none."""
CAMPUS_CANDIDATE_COLUMNS = ["campus_id", "main_id", "minutes", "fixed"]


def _campus_id(value: object) -> str:
    """Return an ID cell of ``campus_of`` as text ("" when blank; 31.0 read as a number is "31")."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def existing_campuses(schools: pd.DataFrame) -> dict[str, str]:
    """Return the campuses the schools' data state, campus ID -> main school ID (column ``campus_of``)."""
    if CAMPUS_COLUMN not in schools.columns:
        return {}
    out = {}
    for sid, main in zip(schools["school_id"].astype(str), schools[CAMPUS_COLUMN]):
        main = _campus_id(main)
        if main:
            out[sid] = main
    return out


def campus_candidates(inputs: Inputs, scenario: Scenario, *, minutes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the school pairs that may be one school with two campuses (columns campus_id, main_id, minutes, fixed).

    ``fixed`` pairs are the data's (``campus_of``) and ``[campuses] pairs``: always listed. With
    ``[campuses] allowed``, also every pair of schools not locked closed, neither a teaching point by what it
    teaches, the main among ``[campuses] mains`` (if given) and not a fixed campus, the campus not a fixed
    main or campus, within ``max_minutes`` of the main (:func:`school_minutes`, from the main to the campus;
    ``minutes``: those minutes when the caller has them already).
    """
    rule = scenario.campuses
    schools = inputs.schools
    fixed = {**existing_campuses(schools), **rule.pairs}
    ids = schools["school_id"].astype(str).tolist()
    if not fixed and not rule.allowed:
        return pd.DataFrame(columns=CAMPUS_CANDIDATE_COLUMNS)
    minutes = school_minutes(inputs, scenario) if minutes is None else minutes
    rows = [(c, m, float(minutes.at[m, c]) if c in minutes.index and m in minutes.index else np.nan, True)
            for c, m in fixed.items() if c in minutes.index and m in minutes.index]
    if rule.allowed:
        points = schools["bands"].astype(str).str.split(",").map(
            lambda bs: set(bs) <= set(scenario.teaching_points.bands)).to_numpy(bool)
        usable = [sid for sid, lock, point in zip(ids, schools["lock"], points) if lock != "closed" and not point]
        mains = [s for s in usable if (rule.mains is None or s in rule.mains) and s not in fixed]
        campuses = [s for s in usable if s not in fixed and s not in set(fixed.values())]
        for m in mains:
            for c in campuses:
                t = minutes.at[m, c]
                if c != m and not np.isnan(t) and t <= rule.max_minutes + EPS:
                    rows.append((c, m, float(t), False))
    return pd.DataFrame(rows, columns=CAMPUS_CANDIDATE_COLUMNS)
