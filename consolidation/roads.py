"""Travel along a road network (``[inputs] roads``): shortest paths by mode, walking and by bus.

The road file (lines: GeoPackage, Shapefile, GeoJSON; or a local OpenStreetMap ``.osm.pbf`` extract, read with
pyrosm when it is installed) becomes a graph: a node at every vertex of every line (vertices of different lines
at the same place, to the centimetre, are one node), an edge for every stretch between two vertices. Lines that
cross without sharing a vertex (a bridge over a road) do not meet.

Two weightings:

- **walking**: every road except the classes in ``[roads] walk_classes_excluded``, at ``travel.walk_kmh``, plus
  ``[roads] slope_penalty`` minutes per 100 m climbed (elevation from ``[inputs] dem``, read with rasterio; a
  climb is counted in the direction walked);
- **bus**: the roads whose class is in ``[roads] class_speeds``, at those speeds, or at the km/h of
  ``[roads] speed_column`` where the file gives it.

Every village and school is snapped to the nearest node of the largest connected part of each mode's network
(a KD-tree); the snap distance is walked, added to both ends of every trip and reported. A point farther than
``[roads] max_snap_m`` from a mode's network is an input error naming it.

Minutes per (origin, school) and mode come from one multi-source Dijkstra (``scipy.sparse.csgraph``, compiled)
from the schools, stopped at the longest trip any rule allows, so a large county stays fast. The predecessor
arrays are kept so that a chosen trip can be drawn along its route (:meth:`RoadTravel.route`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from .errors import id_list
from .messages import say
from .scenario import Roads, Scenario

MODES = ("walk", "bus")
"""The two ways of travelling along roads."""

NODE_CM = 100.0
"""Vertices closer than 1/NODE_CM metres (1 cm) are one node."""

MIN_MINUTES = 1e-9
"""Smallest weight of an edge: the compiled Dijkstra would drop an explicit zero."""


@dataclass(frozen=True)
class Network:
    """A road network as a graph, in the scenario's metric CRS.

    Attributes
    ----------
    xy
        Node coordinates, shape (n, 2), metres.
    u, v
        End nodes of each edge (a stretch of road between two vertices), as read.
    metres
        Length of each edge.
    road_class
        Class of each edge's road (``""`` when not known).
    bus_kmh
        Bus speed on each edge; NaN where buses do not drive.
    walkable
        True where children may walk.
    climb
        Metres climbed going u -> v (column 0) and v -> u (column 1); zeros without an elevation raster.
    notes
        What the reader could not do (no slope penalty without rasterio), for the run's notes.
    """

    xy: np.ndarray
    u: np.ndarray
    v: np.ndarray
    metres: np.ndarray
    road_class: np.ndarray
    bus_kmh: np.ndarray
    walkable: np.ndarray
    climb: np.ndarray
    notes: tuple[str, ...] = ()

    def usable(self, mode: str) -> np.ndarray:
        """Return True for the edges of ``mode`` (``walk`` or ``bus``)."""
        return self.walkable if mode == "walk" else np.isfinite(self.bus_kmh) & (self.bus_kmh > 0)

    def segments(self, mode: str | None = None) -> np.ndarray:
        """Return the edges (of ``mode``, or all) as an array of shape (m, 2, 2) for drawing."""
        keep = np.ones(len(self.u), bool) if mode is None else self.usable(mode)
        return np.stack([self.xy[self.u[keep]], self.xy[self.v[keep]]], axis=1)


def _read_pbf(path: Path, problems: list[str]) -> gpd.GeoDataFrame | None:
    """Read the ways of a local OpenStreetMap extract with pyrosm; None (a problem said) when it cannot."""
    try:
        from pyrosm import OSM
    except ImportError:
        problems.append(f"{path}: reading an OpenStreetMap .osm.pbf extract needs pyrosm (pip install pyrosm); "
                        "or convert the extract to a GeoPackage of lines (ogr2ogr roads.gpkg extract.osm.pbf lines)")
        return None
    try:
        frame = OSM(str(path)).get_network(network_type="all")
    except Exception as exc:  # noqa: BLE001 - any reader failure is an input problem, said with its cause
        problems.append(f"{path}: could not read the OpenStreetMap extract ({type(exc).__name__}: {exc})")
        return None
    if frame is None or not len(frame):
        problems.append(f"{path}: the OpenStreetMap extract has no roads")
        return None
    return frame


def _read_lines(path: Path, problems: list[str]) -> gpd.GeoDataFrame | None:
    """Read the road file as a GeoDataFrame; None (a problem said) when it cannot."""
    if path.name.lower().endswith(".osm.pbf") or path.suffix.lower() == ".pbf":
        return _read_pbf(path, problems)
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # noqa: BLE001 - any reader failure is an input problem, said with its cause
        problems.append(f"{path}: could not read the road file ({type(exc).__name__}: {exc}): give a GeoPackage, "
                        "Shapefile or GeoJSON of lines, or an OpenStreetMap .osm.pbf extract")
        return None
    if frame.crs is None:
        problems.append(f"{path}: the road file has no CRS: save it with one (e.g. EPSG:4326 for lon/lat)")
        return None
    return frame


def _classes_and_speeds(frame: gpd.GeoDataFrame, path: Path, settings: Roads,
                        problems: list[str]) -> tuple[np.ndarray, np.ndarray] | None:
    """Return each line's class (text) and bus km/h (NaN: not driven); None (a problem said) when columns lack."""
    class_column = settings.class_column or "highway"
    found = ", ".join(str(c) for c in frame.columns if c != "geometry")
    if class_column not in frame.columns and settings.speed_column is None:
        problems.append(f"{path}: no column {class_column} with each road's class (found: {found}): name the "
                        "column with [roads] class_column, or give speeds with [roads] speed_column")
        return None
    classes = (frame[class_column].fillna("").astype(str).str.strip().to_numpy(object)
               if class_column in frame.columns else np.full(len(frame), "", object))
    speeds = pd.Series(classes).map(settings.class_speeds).to_numpy(float)
    if settings.speed_column is not None:
        if settings.speed_column not in frame.columns:
            problems.append(f"{path}: no column {settings.speed_column} ([roads] speed_column) (found: {found})")
            return None
        given = pd.to_numeric(frame[settings.speed_column], errors="coerce").to_numpy(float)
        speeds = np.where(np.isfinite(given) & (given > 0), given, speeds)
    return classes, speeds


def _node_climb(xy: np.ndarray, crs, dem: Path | None, penalty: float, notes: list[str],
                problems: list[str]) -> np.ndarray | None:
    """Return each node's elevation (metres) from ``dem``, or None when there is no slope penalty to apply."""
    if dem is None or penalty <= 0:
        if dem is not None:
            notes.append(say("note.dem_unused", dem=dem))
        return None
    try:
        import rasterio
        from pyproj import Transformer
    except ImportError:
        notes.append(say("note.no_rasterio", dem=dem))
        return None
    try:
        with rasterio.open(dem) as raster:
            x, y = xy[:, 0], xy[:, 1]
            if raster.crs is not None and crs is not None:
                x, y = Transformer.from_crs(crs, raster.crs, always_xy=True).transform(x, y)
            z = np.array([v[0] for v in raster.sample(zip(x, y), masked=True)], dtype=float)
    except Exception as exc:  # noqa: BLE001 - any raster failure is an input problem, said with its cause
        problems.append(f"{dem}: could not read the elevation raster ({type(exc).__name__}: {exc})")
        return None
    return np.nan_to_num(z, nan=0.0)


def read_network(path: Path, scenario: Scenario, crs, problems: list[str]) -> Network | None:
    """Read the road file and build its graph in ``crs`` (the inputs' metric CRS).

    Parameters
    ----------
    path
        Lines (GeoPackage, Shapefile, GeoJSON) or an OpenStreetMap ``.osm.pbf`` extract.
    scenario
        ``[roads]`` (class column, speeds, classes not walked, slope penalty) and ``[inputs] dem``.
    crs
        The metric CRS of the schools and villages.
    problems
        Every problem found is appended here.

    Returns
    -------
    Network or None
        None when the file cannot be used (the problems say why).
    """
    settings = scenario.roads
    frame = _read_lines(Path(path), problems)
    if frame is None:
        return None
    frame = frame.to_crs(crs).explode(index_parts=False).reset_index(drop=True)
    frame = frame[frame.geometry.notna() & (frame.geom_type == "LineString")].reset_index(drop=True)
    if not len(frame):
        problems.append(f"{path}: the road file has no lines")
        return None
    read = _classes_and_speeds(frame, Path(path), settings, problems)
    if read is None:
        return None
    classes, speeds = read
    coords, line = shapely.get_coordinates(frame.geometry.to_numpy(), return_index=True)
    nodes, node = np.unique(np.round(coords[:, :2] * NODE_CM), axis=0, return_inverse=True)
    node = node.ravel()
    same_line = line[1:] == line[:-1]
    u, v, which = node[:-1][same_line], node[1:][same_line], line[:-1][same_line]
    xy = nodes / NODE_CM
    keep = u != v
    u, v, which = u[keep], v[keep], which[keep]
    notes: list[str] = []
    z = _node_climb(xy, crs, scenario.inputs.dem, settings.slope_penalty, notes, problems)
    climb = np.zeros((len(u), 2)) if z is None else np.column_stack([np.maximum(z[v] - z[u], 0),
                                                                     np.maximum(z[u] - z[v], 0)])
    walkable = ~np.isin(classes[which].astype(str), list(settings.walk_classes_excluded))
    return Network(xy=xy, u=u, v=v, metres=np.hypot(*(xy[u] - xy[v]).T), road_class=classes[which],
                   bus_kmh=speeds[which], walkable=walkable, climb=climb, notes=tuple(notes))


@dataclass(frozen=True)
class _Graph:
    """One mode's directed graph, reversed for Dijkstra from the schools.

    ``reverse[b, a]`` is the minutes of going a -> b, so distances from a school are minutes *to* it.
    ``keys`` (sorted ``a * n + b``) and ``metres`` give the length of the edge a -> b chosen.
    """

    reverse: csr_matrix
    keys: np.ndarray
    metres: np.ndarray
    nodes: np.ndarray  # nodes a point of this mode may snap to


def _graph(network: Network, mode: str, scenario: Scenario) -> _Graph:
    """Build the graph of ``mode`` with minutes as weights, parallel edges reduced to the fastest."""
    use = network.usable(mode)
    u, v, metres = network.u[use], network.v[use], network.metres[use]
    if mode == "walk":
        base = metres / 1000.0 / scenario.travel.walk_kmh * 60.0
        penalty = scenario.roads.slope_penalty / 100.0 * network.climb[use]
        forth, back = base + penalty[:, 0], base + penalty[:, 1]
    else:
        forth = back = metres / 1000.0 / network.bus_kmh[use] * 60.0
    a, b = np.concatenate([u, v]), np.concatenate([v, u])
    w = np.maximum(np.concatenate([forth, back]), MIN_MINUTES)
    m = np.concatenate([metres, metres])
    n = len(network.xy)
    order = np.lexsort((w, b, a))
    a, b, w, m = a[order], b[order], w[order], m[order]
    first = np.ones(len(a), bool)
    first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    a, b, w, m = a[first], b[first], w[first], m[first]
    reverse = csr_matrix((w, (b, a)), shape=(n, n))
    touched = np.zeros(n, bool)
    touched[a] = True
    nodes = np.flatnonzero(touched)
    if len(nodes):
        _, label = connected_components(reverse, directed=True, connection="weak")
        biggest = np.bincount(label[nodes]).argmax()
        nodes = nodes[label[nodes] == biggest]
    return _Graph(reverse=reverse, keys=a.astype(np.int64) * n + b, metres=m, nodes=nodes)


@dataclass(frozen=True)
class ModeTravel:
    """Road travel of one mode between every origin and school.

    Attributes
    ----------
    minutes, km
        Origins x schools: network minutes plus the snap distance at both ends walked; NaN beyond the limit.
    school_minutes
        Schools x schools (from, to), the same way.
    origin_node, school_node
        The node each point is snapped to.
    origin_snap_m, school_snap_m
        Metres from each point to its node.
    predecessors
        Schools x nodes: the next node towards the school (-9999 at the school and where unreachable).
    """

    minutes: np.ndarray
    km: np.ndarray
    school_minutes: np.ndarray
    origin_node: np.ndarray
    school_node: np.ndarray
    origin_snap_m: np.ndarray
    school_snap_m: np.ndarray
    predecessors: np.ndarray


def _path_metres(graph: _Graph, predecessors: np.ndarray, starts: np.ndarray, n: int) -> np.ndarray:
    """Return metres along the predecessor chains from each node of ``starts`` (schools x k) to its school."""
    rows = np.repeat(np.arange(predecessors.shape[0]), starts.shape[1])
    cur = starts.ravel().copy()
    total = np.zeros(cur.shape)
    active = np.flatnonzero(predecessors[rows, cur] >= 0)
    while len(active):
        here = cur[active]
        nxt = predecessors[rows[active], here]
        at = np.searchsorted(graph.keys, here.astype(np.int64) * n + nxt)
        total[active] += graph.metres[at]
        cur[active] = nxt
        active = active[predecessors[rows[active], nxt] >= 0]
    return total.reshape(starts.shape)


def _snap(graph: _Graph, network: Network, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the nearest usable node of each point and the metres to it (inf when the mode has no roads)."""
    if not len(graph.nodes):
        return np.zeros(len(points), int), np.full(len(points), np.inf)
    metres, at = cKDTree(network.xy[graph.nodes]).query(points)
    return graph.nodes[at], np.asarray(metres, float)


def _mode_travel(network: Network, graph: _Graph, origins: np.ndarray, schools: np.ndarray, limit: float,
                 walk_kmh: float) -> ModeTravel:
    """Snap, run one Dijkstra from every school (up to ``limit`` minutes) and add the walked snap distances."""
    o_node, o_snap = _snap(graph, network, origins)
    s_node, s_snap = _snap(graph, network, schools)
    dist, pred = dijkstra(graph.reverse, directed=True, indices=s_node, limit=limit, return_predecessors=True)
    dist, pred = np.atleast_2d(dist), np.atleast_2d(pred)
    per_m = 60.0 / 1000.0 / walk_kmh

    def finish(nodes: np.ndarray, snap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        net = dist[:, nodes]  # schools x points
        metres = _path_metres(graph, pred, np.broadcast_to(nodes, net.shape), len(network.xy))
        ends = snap[None, :] + s_snap[:, None]
        reach = np.isfinite(net)
        return (np.where(reach, net + ends * per_m, np.nan).T, np.where(reach, (metres + ends) / 1000.0, np.nan).T)

    minutes, km = finish(o_node, o_snap)
    between, _ = finish(s_node, s_snap)
    np.fill_diagonal(between, 0.0)
    return ModeTravel(minutes=minutes, km=km, school_minutes=between, origin_node=o_node, school_node=s_node,
                      origin_snap_m=o_snap, school_snap_m=s_snap, predecessors=pred)


@dataclass(frozen=True)
class RoadTravel:
    """Travel along roads for one scenario's origins and schools: each mode's :class:`ModeTravel`.

    Attributes
    ----------
    network
        The graph read.
    modes
        ``{"walk": ModeTravel, "bus": ModeTravel}``.
    origin_xy, school_xy
        The points snapped (metres), to draw routes from and to.
    limits
        Longest network minutes searched per mode; pairs beyond are not reachable.
    """

    network: Network
    modes: dict[str, ModeTravel]
    origin_xy: np.ndarray
    school_xy: np.ndarray
    limits: dict[str, float] = field(default_factory=dict)

    def route(self, origin: int, school: int, mode: str) -> np.ndarray | None:
        """Return the route (k x 2 metres) from origin index ``origin`` to school index ``school``; None if none."""
        travel = self.modes[mode]
        pred = travel.predecessors[school]
        node, end = int(travel.origin_node[origin]), int(travel.school_node[school])
        if node != end and pred[node] < 0:
            return None
        chain = [node]
        while chain[-1] != end:
            chain.append(int(pred[chain[-1]]))
        return np.vstack([self.origin_xy[origin], self.network.xy[chain], self.school_xy[school]])

    def matrix(self, origin_ids, school_ids) -> pd.DataFrame:
        """Return every reachable (origin, school, mode): ``origin_id``, ``school_id``, ``mode``, ``minutes``,
        ``km``, ``snap_m`` (metres walked to and from the network at both ends).
        """  # noqa: D205 - the columns are part of the summary
        frames = []
        o_ids, s_ids = np.asarray(origin_ids, object), np.asarray(school_ids, object)
        for mode, travel in self.modes.items():
            oi, si = np.nonzero(np.isfinite(travel.minutes))
            frames.append(pd.DataFrame({
                "origin_id": o_ids[oi], "school_id": s_ids[si], "mode": mode,
                "minutes": travel.minutes[oi, si].round(2), "km": travel.km[oi, si].round(3),
                "snap_m": (travel.origin_snap_m[oi] + travel.school_snap_m[si]).round(1)}))
        return pd.concat(frames, ignore_index=True).sort_values(["origin_id", "school_id", "mode"],
                                                                 kind="stable", ignore_index=True)


def search_limits(scenario: Scenario) -> dict[str, float]:
    """Return the longest network minutes any rule may use, per mode (inf: no limit).

    Walking: the longest day trip of a walking band (of any band when none walks). By bus: the longest day trip
    of a bus band, the boarders' weekly trip when a band may board, and the teachers' and groups' trips between
    schools.
    """
    rules = [scenario.rules.band(b) for b in ("G1_3", "G4_6", "G7_9")]

    def most(values) -> float:
        values = list(values)
        return np.inf if any(v is None for v in values) else float(max(values, default=0.0))

    walk = [r.max_minutes for r in rules if r.mode == "walk"] or [r.max_minutes for r in rules]
    bus = [r.max_minutes for r in rules if r.mode == "bus"]
    if any(r.boarding for r in rules):
        bus.append(scenario.boarding.max_weekly_minutes)
    bus += [scenario.teachers.max_redeploy_minutes, scenario.groups.max_minutes]
    return {"walk": most(walk), "bus": most(bus)}


def _snap_problems(path: Path, scenario: Scenario, travel: dict[str, ModeTravel], origin_ids,
                   school_ids) -> list[str]:
    """Say which points are farther than ``max_snap_m`` from each mode's network."""
    problems = []
    limit = scenario.roads.max_snap_m
    origins = "villages" if scenario.inputs.villages is not None else "origins"
    for mode, t in travel.items():
        for ids, snap, what in ((origin_ids, t.origin_snap_m, origins), (school_ids, t.school_snap_m, "schools")):
            far = snap > limit
            if far.any():
                said = [f"{i} ({m:,.0f} m)" if np.isfinite(m) else f"{i} (no such roads)"
                        for i, m in zip(np.asarray(ids)[far], snap[far])]
                network = "walkable" if mode == "walk" else "bus"
                problems.append(f"{path}: {what} {id_list(said)} are farther than [roads] max_snap_m = "
                                f"{limit:g} m from the {network} roads: check their coordinates, add the roads "
                                "that reach them to the road file, or raise [roads] max_snap_m")
    return problems


def road_travel(network: Network, origins: gpd.GeoDataFrame, schools: gpd.GeoDataFrame, scenario: Scenario,
                problems: list[str]) -> RoadTravel | None:
    """Compute walking and bus travel along ``network`` between every origin and school.

    Parameters
    ----------
    network
        From :func:`read_network`, in the points' CRS.
    origins, schools
        With ``origin_id``/``school_id`` and point geometry in a metric CRS.
    scenario
        Speeds, the snap limit and the rules that bound the search (:func:`search_limits`).
    problems
        Points too far from the network are appended here.

    Returns
    -------
    RoadTravel or None
        None when a point is too far from the network (the problems say which).
    """
    o_xy = np.column_stack([origins.geometry.x.to_numpy(float), origins.geometry.y.to_numpy(float)])
    s_xy = np.column_stack([schools.geometry.x.to_numpy(float), schools.geometry.y.to_numpy(float)])
    limits = search_limits(scenario)
    travel = {mode: _mode_travel(network, _graph(network, mode, scenario), o_xy, s_xy, limits[mode],
                                 scenario.travel.walk_kmh) for mode in MODES}
    found = _snap_problems(Path(scenario.inputs.roads or "roads"), scenario, travel, origins["origin_id"],
                           schools["school_id"])
    if found:
        problems.extend(found)
        return None
    return RoadTravel(network=network, modes=travel, origin_xy=o_xy, school_xy=s_xy, limits=limits)
