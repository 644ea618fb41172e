"""Checks before solving: data problems listed all at once, then cheap-to-see infeasibility in words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from . import BANDS, pupils_column
from .campuses import campus_problems
from .errors import InfeasibleError, InputError, id_list
from .io import PUPIL_COLUMNS, Inputs
from .messages import band as band_word, say, term
from .scenario import Scenario
from .travel import Pairs


def _duplicates(series: pd.Series) -> list[str]:
    return sorted(series[series.duplicated()].unique().tolist())


def check_inputs(inputs: Inputs, scenario: Scenario) -> Inputs:
    """Check the data's meaning (IDs, references, bounds, geometry) and return ``inputs`` unchanged.

    Raises
    ------
    InputError
        Listing every problem with its file, column, the offending IDs and the fix.
    """
    problems = [*_id_problems(inputs, scenario), *_bound_problems(inputs, scenario),
                *_pupil_problems(inputs, scenario), *_travel_problems(inputs, scenario),
                *_location_problems(inputs, scenario)]
    if not problems:  # campus minutes need sound IDs and coordinates
        problems = campus_problems(inputs, scenario)
    if problems:
        raise InputError(problems)
    return inputs


def _id_problems(inputs: Inputs, scenario: Scenario) -> list[str]:
    """List duplicate and unknown school and village IDs, and pupils in bands a school does not teach."""
    spec = scenario.inputs
    schools, origins = inputs.schools, inputs.origins
    sfile, ofile = spec.schools, spec.villages or spec.schools
    problems: list[str] = []
    dup = _duplicates(schools["school_id"])
    if dup:
        problems.append(f"{sfile}: school_id is not unique: {id_list(dup)} appear more than once")
    if spec.villages is None:
        for band in BANDS:
            wrong = schools.loc[(schools[pupils_column(band)] > 0) & ~schools["teaches_" + band], "school_id"]
            if len(wrong):
                problems.append(f"{sfile}: school_id {id_list(wrong)} have {pupils_column(band)} > 0 but their "
                                f"bands column does not include {band}: add {band} to bands or move the pupils")
        return problems
    dup = _duplicates(origins["origin_id"])
    if dup:
        problems.append(f"{ofile}: village_id is not unique: {id_list(dup)} appear more than once")
    clash = sorted(set(origins["origin_id"]) & set(schools["school_id"]))
    if clash and inputs.travel is not None:
        problems.append(f"{ofile}: village_id {id_list(clash)} are also school IDs, so the travel file's "
                        "origin_id is ambiguous: rename the villages")
    for band in BANDS:
        current = origins["current_" + band]
        unknown = origins.loc[(current != "") & ~current.isin(schools["school_id"]), "origin_id"]
        if len(unknown):
            problems.append(f"{ofile}: column school_id (or school_id_{band.lower()}) names schools not in "
                            f"{sfile} for {band} of village_id {id_list(unknown)}: fix the IDs or leave them blank")
    return problems


def _bound_problems(inputs: Inputs, scenario: Scenario) -> list[str]:
    """List schools whose growth limits are below today's places or beds, and a missing teachers column."""
    schools, sfile = inputs.schools, scenario.inputs.schools
    problems: list[str] = []
    for low, high in (("capacity", "max_capacity"), ("beds", "max_beds")):
        bad = schools.loc[schools[high] < schools[low], "school_id"]
        if len(bad):
            problems.append(f"{sfile}: {high} is below {low} for school_id {id_list(bad)}: "
                            f"{high} is what the school can grow to, at least {low}")
    if scenario.teachers.within_available and "teachers" not in schools.columns:
        problems.append(f"{sfile}: [teachers] within_available = true needs a teachers column (teachers per "
                        "school; teachers_junior for grades 7-9 if counted apart): add it, or set within_available "
                        "= false")
    return problems


def _pupil_problems(inputs: Inputs, scenario: Scenario) -> list[str]:
    """Say so when the data hold no pupils at all."""
    if inputs.origins[PUPIL_COLUMNS].to_numpy().sum() <= 0:
        ofile = scenario.inputs.villages or scenario.inputs.schools
        return [f"{ofile}: no pupils at all in columns {', '.join(PUPIL_COLUMNS)}"]
    return []


def _travel_problems(inputs: Inputs, scenario: Scenario) -> list[str]:
    """List travel-file IDs that are not in the schools or villages file, and pairs given twice."""
    if inputs.travel is None:
        return []
    spec = scenario.inputs
    travel, tfile = inputs.travel, spec.travel
    problems: list[str] = []
    for column, known, what in (("origin_id", inputs.origins["origin_id"], "villages" if spec.villages else "schools"),
                                ("school_id", inputs.schools["school_id"], "schools")):
        unknown = sorted(set(travel[column]) - set(known))
        if unknown:
            problems.append(f"{tfile}: column {column} has IDs not in the {what} file: {id_list(unknown)}")
    pair = travel["origin_id"] + "->" + travel["school_id"]
    keyed = [c for c in ("mode", "band") if c in travel and (travel[c] != "").any()]
    for column in keyed:
        pair = pair + travel[column].map(lambda v: f" {v}" if v else "")
    dup = _duplicates(pair)
    if dup:
        problems.append(f"{tfile}: pairs listed more than once: {id_list(dup)}: keep one row per pair"
                        + (f" and {' and '.join(keyed)}" if keyed else ""))
    return problems


def _location_problems(inputs: Inputs, scenario: Scenario) -> list[str]:
    """List missing coordinates, geometries that are not points, and points outside the county boundary."""
    spec = scenario.inputs
    problems: list[str] = []
    if not spec.complete and not inputs.has_geometry:
        lacking = " and ".join(str(p) for p in (spec.schools, spec.villages) if p is not None)
        problems.append(f"{lacking}: schools{', villages' if spec.villages else ''} without coordinates: give "
                        "lon/lat (or x/y with [inputs] crs) or a spatial file, or a complete travel matrix with "
                        "[inputs] complete = true")
    elif not spec.complete:
        for role, frame, key in (("schools", inputs.schools, "school_id"), ("villages", inputs.origins, "origin_id")):
            empty = frame.loc[frame.geometry.is_empty | frame.geometry.isna(), key]
            if len(empty):
                problems.append(f"{role}: no location for {id_list(empty)}: give each a point")
            not_point = frame.loc[~frame.geometry.is_empty & (frame.geometry.geom_type != "Point"), key]
            if len(not_point):
                problems.append(f"{role}: geometry must be points; {id_list(not_point)} are not")
    if inputs.boundary is not None and inputs.has_geometry:
        problems += _outside_boundary(inputs, scenario)
    return problems


def _outside_boundary(inputs: Inputs, scenario: Scenario) -> list[str]:
    """Schools and villages farther outside the county boundary than ``[inputs] boundary_tolerance_km``.

    An error, not a warning: a point far outside the county nearly always has wrong coordinates (lon and lat
    swapped within the valid range, a digit dropped, another CRS), which changes every travel time computed
    from it and so the plan, and a warning is easily missed (``-q``). Where points really lie outside (a
    school across the county line), the key says how far is allowed.
    """
    spec = scenario.inputs
    polygons = inputs.boundary.geometry
    polygons = polygons[polygons.notna() & ~polygons.is_empty & polygons.geom_type.isin(["Polygon", "MultiPolygon"])]
    if polygons.empty:
        return []
    area = shapely.make_valid(shapely.union_all(shapely.make_valid(polygons.to_numpy())))
    tolerance = spec.boundary_tolerance_km * 1000.0
    out = []
    for frame, key, path in ((inputs.schools, "school_id", spec.schools),
                             (inputs.origins, "origin_id", spec.villages or spec.schools)):
        distance = pd.Series(shapely.distance(frame.geometry.to_numpy(), area), index=frame.index)
        far = distance > tolerance
        if far.any():
            out.append(f"{path}: {key.replace('origin', 'village' if spec.villages else 'school')} "
                       f"{id_list(frame.loc[far, key])} lie outside the boundary ({spec.boundary}) by more than "
                       f"{spec.boundary_tolerance_km:g} km (the farthest by {distance[far].max() / 1000:,.1f} km): "
                       "check their coordinates (lon and lat swapped? another CRS?), or raise [inputs] "
                       "boundary_tolerance_km if they really lie outside the county")
    return out


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x - round(x)) < 1e-9 else f"{x:,.1f}"


def infeasibility_reasons(pairs: Pairs, inputs: Inputs, scenario: Scenario) -> list[str]:
    """Plain-language reasons the scenario cannot have a plan, found without solving (may be empty)."""
    reasons: list[str] = []
    schools = inputs.schools.set_index("school_id")
    names = inputs.origins.set_index("origin_id")["name"]
    demand, table = pairs.demand, pairs.table

    stuck = demand[demand["pairs"] == 0]
    for row in stuck.head(20).itertuples():
        name = names.get(row.origin_id, row.origin_id)
        who = say("reason.who_named", origin=row.origin_id, name=name) if name != row.origin_id else row.origin_id
        if np.isfinite(row.nearest_minutes):
            near = row.nearest_school_id
            reasons.append(say("reason.no_school", who=who, band=band_word(row.band), pupils=_fmt(row.pupils),
                               near=near, name=schools.at[near, "name"], minutes=row.nearest_minutes,
                               block=row.nearest_block))
        else:
            reasons.append(say("reason.no_school_at_all", who=who, band=band_word(row.band), pupils=_fmt(row.pupils),
                               block=row.nearest_block))
    if len(stuck) > 20:
        reasons.append(say("reason.more_stuck", n=len(stuck) - 20))

    if scenario.schools.assignment == "single" and len(table):
        cap = table["school_id"].map(schools["max_capacity"])
        beds = table["school_id"].map(schools["max_beds"])
        fits = table["pupils"] <= np.where(table["boards"], np.minimum(cap, beds), cap) + 1e-9
        fit_any = fits.groupby([table["origin_id"], table["band"]]).any()
        for (origin, band), _ok in fit_any[~fit_any].head(10).items():
            rows = table[(table["origin_id"] == origin) & (table["band"] == band)]
            biggest = rows["school_id"].map(schools["max_capacity"]).max()
            reasons.append(say("reason.too_big", origin=origin, band=band_word(band),
                               pupils=_fmt(rows["pupils"].iloc[0]), biggest=_fmt(biggest),
                               beds=term("reason.beds_counted") if rows["boards"].any() else ""))

    usable = schools[schools["lock"] != "closed"]
    total, places = demand["pupils"].sum(), usable["max_capacity"].sum()
    if total > places + 1e-9:
        reasons.append(say("reason.too_few_places", pupils=_fmt(total), places=_fmt(places)))
    if len(table):
        day_any = (~table["boards"]).groupby([table["origin_id"], table["band"]]).any()
        must_board = day_any[~day_any].index
        key = pd.MultiIndex.from_frame(demand[["origin_id", "band"]])
        boarders = demand.loc[key.isin(must_board), "pupils"].sum()
        beds = usable["max_beds"].sum()
        if boarders > beds + 1e-9:
            reasons.append(say("reason.too_few_beds", boarders=_fmt(boarders), beds=_fmt(beds)))

    locked_open = int((schools["lock"] == "open").sum())
    rules = scenario.schools
    for key, bound in (("max_open", rules.max_open), ("open_exactly", rules.open_exactly)):
        if bound is not None and locked_open > bound:
            reasons.append(say("reason.locked_open", n=locked_open, key=key, bound=bound))
    if rules.open_exactly is not None and rules.open_exactly > len(usable):
        reasons.append(say("reason.open_exactly", n=rules.open_exactly, usable=len(usable)))
    return reasons


def check_pairs(pairs: Pairs, inputs: Inputs, scenario: Scenario) -> Pairs:
    """Raise :class:`InfeasibleError` with reasons in words if the scenario visibly has no plan."""
    reasons = infeasibility_reasons(pairs, inputs, scenario)
    if reasons:
        raise InfeasibleError(reasons)
    return pairs
