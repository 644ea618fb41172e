"""Coordinates: points from columns or spatial files, their sanity checks, and the metric CRS.

Points come from ``lon``/``lat`` or ``x``/``y`` columns; a spatial file's CRS and coordinates are checked;
every distance is measured in one metric CRS.

Lon/lat copied from Chinese web maps are not WGS84: Amap and Tencent give GCJ-02, Baidu gives BD-09, offset
from the true position by up to 700 m (GCJ-02) or 1.5 km (BD-09) in a way no EPSG CRS describes.
``[inputs] coordinates`` names that datum and :func:`to_wgs84` takes the points back to WGS84 on reading, with
the ``geocoordinates-rs`` library (the published GCJ-02 and BD-09 formulas, the inverse refined to < 0.5 m).
GCJ-02 leaves points outside China's bounding box unchanged, as the standard algorithm does; BD-09 still applies
its own small offset there. Files whose CRS is explicit (projected, or CGCS2000) are never converted.

The metric CRS is of the input's family (:func:`metric_crs`): the input's own projected CRS, a CGCS2000
3-degree Gauss-Kruger zone for Chinese data, or else UTM.

Coordinates out of range are named row by row with their likely cause: projected metres given as degrees,
longitude and latitude swapped, or a spatial file without a CRS. Problems are appended to a list, never raised
one by one.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from .errors import id_list
from .readers import row_labels

_PROJECTED = 1000.0  # |coordinate| beyond this is metres, not degrees

DATUMS = ("wgs84", "gcj02", "bd09")
"""Datums of lon/lat that ``[inputs] coordinates`` may name."""

CHINESE_DATUMS = ("gcj02", "bd09")
"""Web-map datums of Chinese data: converted to WGS84 on reading, measured in a CGCS2000 zone."""

_DATUM_NAMES = {"gcj02": "GCJ-02", "bd09": "BD-09", "wgs84": "WGS84"}


def _converters(datum: str):
    """Return the geocoordinates-rs point type of ``datum``, its inverse to WGS84 and its forward from WGS84."""
    import geocoordinates_ffi as gc  # imported on first use: only runs with Chinese datums need it

    return {"gcj02": (gc.Gcj02, gc.gcj02_to_wgs84_refined, gc.wgs84_to_gcj02),
            "bd09": (gc.Bd09, gc.bd09_to_wgs84_refined, gc.wgs84_to_bd09)}[datum], gc.Wgs84


def to_wgs84(lon, lat, datum: str) -> tuple[np.ndarray, np.ndarray]:
    """Return WGS84 lon/lat of points given in ``datum``.

    Parameters
    ----------
    lon, lat
        Degrees in ``datum`` (array-like, same shape, in range).
    datum
        ``wgs84`` (returned as is), ``gcj02`` (Amap, Tencent) or ``bd09`` (Baidu).

    Returns
    -------
    tuple of numpy.ndarray
        WGS84 longitude and latitude, within 0.5 m (GCJ-02) or 1 m (BD-09) of the exact inverse. GCJ-02 points
        outside China's bounding box come back unchanged.
    """
    if datum == "wgs84":
        return _each(lon, lat, None)
    (point, inverse, _), _wgs = _converters(datum)
    return _each(lon, lat, lambda a, b: inverse(point(lat=b, lon=a)))


def from_wgs84(lon, lat, datum: str) -> tuple[np.ndarray, np.ndarray]:
    """Return lon/lat in ``datum`` of WGS84 points: what a Chinese web map would show (the exact formulas).

    Parameters
    ----------
    lon, lat
        WGS84 degrees (array-like, same shape, in range).
    datum
        ``wgs84``, ``gcj02`` or ``bd09``.

    Returns
    -------
    tuple of numpy.ndarray
        Longitude and latitude in ``datum``.
    """
    if datum == "wgs84":
        return _each(lon, lat, None)
    (_, _, forward), wgs = _converters(datum)
    return _each(lon, lat, lambda a, b: forward(wgs(lat=b, lon=a)))


def _each(lon, lat, convert) -> tuple[np.ndarray, np.ndarray]:
    """Return ``convert(lon, lat)`` point by point (a point with ``.lon``, ``.lat``), or copies without one."""
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if convert is None:
        return x.copy(), y.copy()
    out = [convert(float(a), float(b)) for a, b in zip(x.ravel(), y.ravel())]
    return (np.array([p.lon for p in out], dtype=float).reshape(x.shape),
            np.array([p.lat for p in out], dtype=float).reshape(y.shape))


def outside_china(lon, lat) -> np.ndarray:
    """Return whether each point lies outside China's bounding box, where GCJ-02 applies no offset."""
    import geocoordinates_ffi as gc

    return np.array([gc.out_of_china(float(b), float(a)) for a, b in
                     zip(np.ravel(lon), np.ravel(lat))], dtype=bool)


def _is_wgs84_lon_lat(crs: CRS | str | None) -> bool:
    """Whether ``crs`` is EPSG:4326 lon/lat (the form of GCJ-02 and BD-09 files: GeoJSON, or lon/lat columns)."""
    return crs is not None and CRS.from_user_input(crs).equals("EPSG:4326", ignore_axis_order=True)


def _convert_geometry(geometry: gpd.GeoSeries, datum: str) -> tuple[gpd.GeoSeries, dict]:
    """Return ``geometry`` (EPSG:4326) taken from ``datum`` to WGS84, and what run.json records of it."""
    counts = {"points": 0, "outside_china": 0}

    def convert(xy: np.ndarray) -> np.ndarray:
        counts["points"] += len(xy)
        counts["outside_china"] += int(outside_china(xy[:, 0], xy[:, 1]).sum())
        return np.column_stack(to_wgs84(xy[:, 0], xy[:, 1], datum))

    converted = gpd.GeoSeries(shapely.transform(geometry.values, convert), index=geometry.index, crs="EPSG:4326")
    return converted, {"datum": datum, "converted_to": "wgs84", **counts}


def _datum_refused(datum: str, path: Path, crs: CRS | str, spatial: bool, problems: list[str]) -> None:
    name = CRS.from_user_input(crs)
    code = name.to_epsg()
    where = "the file's CRS" if spatial else "[inputs] crs, the CRS of its x/y columns"
    problems.append(f"{path}: [inputs] coordinates = \"{datum}\" cannot apply to this file: its points are in "
                    f"{name.name}{f' (EPSG:{code})' if code else ''} ({where}), a CRS that states its own datum; "
                    f"only lon/lat in EPSG:4326 form (CSV columns lon/lat, or a spatial file in EPSG:4326) can be "
                    f"{_DATUM_NAMES[datum]}: remove [inputs] coordinates to read the file in its CRS, or give the "
                    "web map's lon/lat as CSV columns lon/lat")


def apply_datum(frame: gpd.GeoDataFrame, path: Path, datum: str, details: dict | None, problems: list[str], *,
                spatial: bool = True) -> gpd.GeoDataFrame | None:
    """Take a located table's or spatial file's coordinates from ``[inputs] coordinates`` to WGS84.

    Parameters
    ----------
    frame
        Points (or a boundary's polygons) with a CRS, their coordinates already checked.
    path
        The file, for messages.
    datum
        ``[inputs] coordinates``: ``wgs84`` changes nothing; ``gcj02``/``bd09`` convert EPSG:4326 lon/lat.
    details
        The file's ``run.json`` details: ``coordinates`` records the datum converted and how many points
        (and how many lay outside China, left unchanged by GCJ-02).
    problems
        A file in any other CRS (projected, CGCS2000) with a Chinese datum set is refused here: its CRS is
        explicit.
    spatial
        True for a spatial file, False for a table's ``x``/``y`` columns (in ``[inputs] crs``), for messages.

    Returns
    -------
    geopandas.GeoDataFrame or None
        The table with WGS84 geometry; None when refused (the problem said).
    """
    if datum == "wgs84" or frame.crs is None:
        return frame
    if not _is_wgs84_lon_lat(frame.crs):
        _datum_refused(datum, path, frame.crs, spatial, problems)
        return None
    geometry, record = _convert_geometry(frame.geometry, datum)
    if details is not None:
        details["coordinates"] = record
    out = frame.copy()
    out[frame.geometry.name] = geometry
    return out


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


def _in_metres(crs: CRS | None) -> bool:
    """Whether ``crs`` is projected with both axes in metres."""
    return crs is not None and crs.is_projected and all(a.unit_name in ("metre", "meter") for a in crs.axis_info)


def is_cgcs2000(crs: CRS | None) -> bool:
    """Whether ``crs`` is CGCS2000 (EPSG:4490, its Gauss-Kruger zones EPSG:4491-4554, or a .prj naming it)."""
    if crs is None:
        return False
    datum = crs.geodetic_crs.datum.name if crs.geodetic_crs is not None else ""
    name = datum.lower().replace("_", " ")
    return "china 2000" in name or "china geodetic coordinate system 2000" in name


GAUSS_KRUGER_3_DEGREE = range(4534, 4555)
"""EPSG codes of "CGCS2000 / 3-degree Gauss-Kruger CM 75E" (4534) to "CM 135E" (4554), 3 degrees apart."""


def gauss_kruger_zone(longitude: float) -> CRS:
    """Return the CGCS2000 3-degree Gauss-Kruger zone whose central meridian is nearest ``longitude``.

    Parameters
    ----------
    longitude
        Degrees east; outside 75E-135E the nearest end zone is returned.

    Returns
    -------
    pyproj.CRS
        One of EPSG:4534-4554 (e.g. EPSG:4544, CM 105E, for 103.7E), in metres, scale 1 on its central meridian.
    """
    meridian = min(max(3 * round(longitude / 3), 75), 135)
    return CRS.from_epsg(GAUSS_KRUGER_3_DEGREE.start + (meridian - 75) // 3)


def metric_crs(frames: list[gpd.GeoDataFrame], *, datum: str = "wgs84", output_crs: str | None = None) -> CRS:
    """Return the CRS to measure distances in and to draw maps in: one of the input's family.

    Parameters
    ----------
    frames
        Point tables with a CRS (schools and origins).
    datum
        ``[inputs] coordinates``: ``gcj02`` or ``bd09`` mark lon/lat as Chinese data even though they were
        converted to WGS84 on reading.
    output_crs
        ``[inputs] output_crs``: used when it is projected in metres (a geographic one only sets plan.gpkg's
        CRS).

    Returns
    -------
    pyproj.CRS
        ``output_crs`` when projected in metres; else the first frame's own CRS if it is projected in metres;
        else, for Chinese data (a frame in CGCS2000, or ``datum`` gcj02/bd09), the CGCS2000 3-degree
        Gauss-Kruger zone whose central meridian is nearest the points' centre; else the UTM zone of the
        points.
    """
    if output_crs is not None and _in_metres(chosen := CRS.from_user_input(output_crs)):
        return chosen
    first = frames[0].crs
    if _in_metres(first):
        return first
    points = gpd.GeoSeries(pd.concat([f.to_crs("EPSG:4326").geometry for f in frames], ignore_index=True),
                           crs="EPSG:4326")
    if datum in CHINESE_DATUMS or any(is_cgcs2000(f.crs) for f in frames):
        west, _, east, _ = points.total_bounds
        return gauss_kruger_zone((west + east) / 2)
    return points.estimate_utm_crs()


def output_crs_problems(output_crs: str | None) -> list[str]:
    """Return why ``[inputs] output_crs`` is unusable (not a CRS pyproj knows), or nothing."""
    if output_crs is None:
        return []
    try:
        CRS.from_user_input(output_crs)
    except Exception as exc:  # noqa: BLE001 - any pyproj failure becomes a plain message
        return [f"[inputs] output_crs = {output_crs!r} is not a CRS pyproj knows ({exc}): write it as "
                "EPSG:<code>, e.g. EPSG:4544 (CGCS2000 / 3-degree Gauss-Kruger CM 105E) or EPSG:4490"]
    return []


def located(role: str, path: Path, raw: pd.DataFrame, rows: pd.Series, crs: str | None,
            problems: list[str], *, datum: str = "wgs84", details: dict | None = None) -> pd.DataFrame | None:
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
        Coordinates missing, out of range, or of an unknown CRS are appended here, and so is a Chinese
        ``datum`` set for points whose CRS is explicit.
    datum
        ``[inputs] coordinates``: the datum of lon/lat (EPSG:4326 form), converted to WGS84 here.
    details
        The file's ``run.json`` details, where the conversion is recorded (see :func:`apply_datum`).

    Returns
    -------
    pandas.DataFrame or None
        A GeoDataFrame (lon/lat in WGS84) when the table has usable coordinates; the table unchanged when it
        has none (or bad ones in columns, the problem said); None when a spatial file's CRS or coordinates are
        wrong, or its CRS refuses ``datum``.
    """
    id_column = {"schools": "school_id", "villages": "village_id"}.get(role, "")
    labels = row_labels(raw, id_column, rows) if id_column else rows
    if isinstance(raw, gpd.GeoDataFrame):
        if not spatial_file_ok(raw, path, labels, problems):
            return None
        return apply_datum(raw, path, datum, details, problems)
    frame = _points_from_columns(raw, path, crs, labels, problems)
    if not isinstance(frame, gpd.GeoDataFrame):
        return frame
    return apply_datum(frame, path, datum, details, problems, spatial=False)

