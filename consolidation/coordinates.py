"""Coordinates: points from columns or spatial files, their sanity checks, and the metric CRS.

Points come from ``lon``/``lat`` or ``x``/``y`` columns; a spatial file's CRS and coordinates are checked;
every distance is measured in one metric CRS.

Coordinates out of range are named row by row with their likely cause: projected metres given as degrees,
longitude and latitude swapped, or a spatial file without a CRS. Problems are appended to a list, never raised
one by one.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from .errors import id_list
from .readers import row_labels

_PROJECTED = 1000.0  # |coordinate| beyond this is metres, not degrees


def _geographic_problems(x: pd.Series, y: pd.Series, labels: pd.Series, path: Path, what: str,
                         problems: list[str]) -> bool:
    """Check lon (x) and lat (y) in degrees row by row; True when all are in range."""
    outside = (x.abs() > 180) | (y.abs() > 90)
    if not outside.any():
        return True
    projected = (x.abs() > _PROJECTED) | (y.abs() > _PROJECTED)
    swapped = outside & ~projected & (y.abs() > 90) & (y.abs() <= 180) & (x.abs() <= 90)
    other = outside & ~swapped & ~projected
    if projected.any():
        problems.append(f"{path}: lon/lat out of range for {id_list(labels[projected])}: {what} look like projected "
                        "metres, not degrees: put them in columns x/y and set [inputs] crs (e.g. crs = "
                        "\"EPSG:4547\"), or save the file with its real CRS")
    if swapped.any():
        problems.append(f"{path}: lon/lat out of range and swapped for {id_list(labels[swapped])}: the latitude is "
                        "above 90 and the longitude below 90, so the two are exchanged: swap lon and lat in these "
                        "rows")
    if other.any():
        problems.append(f"{path}: lon/lat out of range (|lon| <= 180, |lat| <= 90) for {id_list(labels[other])}: "
                        "fix these coordinates")
    return False


COORDINATE_PAIRS = (("lon", "lat"), ("x", "y"))
"""Columns that give a table's points: ``lon``/``lat`` in WGS84, or ``x``/``y`` in ``[inputs] crs``."""


def gives_coordinates(frame: pd.DataFrame) -> bool:
    """Return True when ``frame`` has point geometry or any coordinate column (a bad value is its own problem)."""
    return isinstance(frame, gpd.GeoDataFrame) or any(c in frame.columns for pair in COORDINATE_PAIRS for c in pair)


def _points_from_columns(frame: pd.DataFrame, path: Path, crs: str | None, labels: pd.Series,
                         problems: list[str]):
    columns = set(frame.columns)
    if {"lon", "lat"} <= columns:
        xs, ys, crs_used, names = frame["lon"], frame["lat"], "EPSG:4326", "lon/lat"
    elif {"x", "y"} <= columns:
        if crs is None:
            problems.append(f"{path}: columns x/y need a CRS: set [inputs] crs, e.g. crs = \"EPSG:4547\"")
            return frame
        xs, ys, crs_used, names = frame["x"], frame["y"], crs, "x/y"
    else:
        for a, b in COORDINATE_PAIRS:
            if (a in columns) != (b in columns):
                have, lack = (a, b) if a in columns else (b, a)
                problems.append(f"{path}: has a column {have} but no column {lack}: give both, or neither")
        return frame
    x = pd.to_numeric(xs, errors="coerce")
    y = pd.to_numeric(ys, errors="coerce")
    bad = x.isna() | y.isna() | ~np.isfinite(x.fillna(0)) | ~np.isfinite(y.fillna(0))
    if bad.any():
        problems.append(f"{path}: coordinates ({names}) missing or not numbers for {id_list(labels[bad])} (row "
                        "numbers count the header as 1): fill them in")
        return frame
    if crs_used == "EPSG:4326" and not _geographic_problems(x, y, labels, path, "the values", problems):
        return frame
    try:
        return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(x, y), crs=crs_used)
    except Exception as exc:  # noqa: BLE001 - an unknown CRS name
        problems.append(f"[inputs] crs = {crs_used!r} is not a CRS pyproj knows ({exc}): write it as EPSG:<code>, "
                        "e.g. EPSG:4547")
        return frame


def spatial_file_ok(frame: gpd.GeoDataFrame, path: Path, labels: pd.Series, problems: list[str]) -> bool:
    """Whether a spatial file's CRS and coordinates make sense.

    Parameters
    ----------
    frame
        The file as read.
    path
        The file, for messages.
    labels
        How messages name each row (its ID, or "feature 2").
    problems
        A file without a CRS, or degrees out of range, is appended as one message each.

    Returns
    -------
    bool
        True when they do (an empty file does).
    """
    geometry = frame.geometry
    present = geometry.notna() & ~geometry.is_empty
    if not present.any():
        return True
    bounds = geometry[present].bounds
    x = bounds[["minx", "maxx"]].abs().max(axis=1)
    y = bounds[["miny", "maxy"]].abs().max(axis=1)
    if frame.crs is None:
        looks = "projected metres" if ((x > _PROJECTED) | (y > _PROJECTED)).any() else "degrees"
        problems.append(f"{path}: the file has no CRS (its coordinates look like {looks}, e.g. for "
                        f"{labels[present].iloc[0]}): save it with its CRS (e.g. EPSG:4326 or EPSG:4490 for "
                        "degrees, EPSG:4547 for CGCS2000 Gauss-Kruger metres)")
        return False
    if frame.crs.is_geographic:
        lon = pd.Series(np.where(bounds["minx"].abs() > bounds["maxx"].abs(), bounds["minx"], bounds["maxx"]),
                        index=bounds.index)
        lat = pd.Series(np.where(bounds["miny"].abs() > bounds["maxy"].abs(), bounds["miny"], bounds["maxy"]),
                        index=bounds.index)
        what = (f"the file says its CRS is {frame.crs.name} (GeoJSON without a \"crs\" member always means "
                "WGS84 lon/lat), but its coordinates")
        return _geographic_problems(lon, lat, labels[present], path, what, problems)
    return True


def metric_crs(frames: list[gpd.GeoDataFrame]) -> CRS:
    """Return the CRS to measure distances in.

    Parameters
    ----------
    frames
        Point tables with a CRS (schools and origins).

    Returns
    -------
    pyproj.CRS
        The first frame's own CRS if it is projected in metres, else the UTM zone of all points.
    """
    first = frames[0].crs
    if first is not None and first.is_projected and all(
        a.unit_name in ("metre", "meter") for a in first.axis_info
    ):
        return first
    points = pd.concat([f.to_crs("EPSG:4326").geometry for f in frames], ignore_index=True)
    return gpd.GeoSeries(points, crs="EPSG:4326").estimate_utm_crs()


def located(role: str, path: Path, raw: pd.DataFrame, rows: pd.Series, crs: str | None,
            problems: list[str]) -> pd.DataFrame | None:
    """Return a raw table with point geometry when its file has coordinates (CSV columns or a spatial file).

    Parameters
    ----------
    role
        ``schools`` or ``villages``: which ID column names the rows in messages.
    path
        The file, for messages.
    raw
        The table as read (a GeoDataFrame for spatial files).
    rows
        Row names ("row 3", "feature 2") where the ID is blank.
    crs
        ``[inputs] crs``, the CRS of ``x``/``y`` columns (None: not given).
    problems
        Coordinates missing, out of range, or of an unknown CRS are appended here.

    Returns
    -------
    pandas.DataFrame or None
        A GeoDataFrame when the table has usable coordinates; the table unchanged when it has none (or bad
        ones in columns, the problem said); None when a spatial file's CRS or coordinates are wrong.
    """
    id_column = {"schools": "school_id", "villages": "village_id"}.get(role, "")
    labels = row_labels(raw, id_column, rows) if id_column else rows
    if isinstance(raw, gpd.GeoDataFrame):
        return raw if spatial_file_ok(raw, path, labels, problems) else None
    return _points_from_columns(raw, path, crs, labels, problems)

