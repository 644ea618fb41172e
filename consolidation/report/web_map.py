r"""The plan as an interactive map inside report.html: inline SVG and a small inline script, nothing fetched.

The SVG is drawn from the plan's geometry in the run's metric CRS (the one distances were measured in and the
PNG maps are drawn in), scaled to a 1,000-unit-wide view box with y upwards: the county boundary, one straight
line from each village to each school its pupils attend (grey: the same school as today; orange: a new school,
by day; purple, dashed: boarding), villages as dots, and the schools by role (hubs as red stars, kept schools as
blue circles, teaching points as light blue triangles, campuses as green diamonds, closed schools as grey crosses),
each sized by its pupils
after the plan. A reader zooms with the mouse wheel or the + and - buttons, pans by dragging, and hovers (or taps)
a school or a village to read its figures; the lines of that place are highlighted.

Text from the data (names, IDs) never enters the markup as markup: the SVG carries numbers and element keys
only, and every figure a tooltip shows sits in one JSON block (``<``, ``>`` and ``&`` written as ``\\u003c``,
``\\u003e``, ``\\u0026``, so a name cannot close the script), which the script puts on the page with
``textContent``. Figures are formatted here, in the report's language, so the script has no words of its own.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import shapely
import shapely.affinity
from markupsafe import Markup

from .. import BANDS, i18n, pupils_column
from . import _mapkit as kit
from .html import school_role_label
from .maps import plan_layers

VIEW_W = 1000.0
"""The width of the view box; its height follows the county's shape."""
MAX_R, MIN_R, VILLAGE_R = 13.0, 3.5, 2.2
"""Marker radii in view-box units at zoom 1: the largest school, the smallest, a village."""
ROLES = ("hub", "kept", "teaching_point", "closed", "campus")
KIND_ORDER = {"same": 0, "moved": 1, "board": 2}
"""A village's line to a school takes the strongest kind among its bands' trips there."""
LEGEND = (("hub", "star"), ("kept", "circle"), ("teaching_point", "triangle"), ("closed", "cross"),
          ("village", "dot"), ("trip_same", "same"), ("trip_moved", "moved"), ("trip_board", "board"))


def interactive_map(*, schools, origins, assignments, boundary, lang: str = "en") -> dict | None:
    """Return the template values of the interactive map, or None when the schools have no coordinates.

    Parameters
    ----------
    schools : geopandas.GeoDataFrame
        The plan's schools: ``school_id``, ``name``, ``role``, pupils before and after (in all and by band),
        ``capacity``, and Point geometry.
    origins : geopandas.GeoDataFrame or None
        Villages (or origins): ``origin_id``, ``name``, pupils by band, Point geometry.
    assignments : pandas.DataFrame
        The plan's trips: ``origin_id``, ``band``, ``school_id``, ``pupils``, ``minutes``, ``boards``, ``moved``,
        ``current_school_id``.
    boundary : geopandas.GeoDataFrame or None
        The county boundary.
    lang : str, default "en"
        The language of every figure and label.

    Returns
    -------
    dict or None
        ``svg`` (the markup, safe), ``data`` (the tooltips as JSON, safe inside a script element), ``legend``
        (symbol, label pairs) and ``width``/``height`` of the view box.
    """
    lang = i18n.norm_lang(lang)
    try:
        layers = plan_layers(schools=schools, origins=origins, assignments=assignments, boundary=boundary)
    except ValueError:
        return None
    (xmin, ymin, xmax, ymax), _ = kit.extent(layers.frames)
    scale = VIEW_W / (xmax - xmin)
    height = round((ymax - ymin) * scale, 1)

    def at(x, y):
        return (np.asarray(x, float) - xmin) * scale, (ymax - np.asarray(y, float)) * scale

    names = _names(layers.schools, "school_id")
    village_names = _names(layers.origins, "origin_id") if layers.origins is not None else {}
    school_xy = _points(layers.schools, "school_id", at)
    village_xy = _points(layers.origins, "origin_id", at) if layers.origins is not None else {}
    assign = layers.assignments
    tips = {**_school_tips(layers.schools, assign, names, village_names, lang),
            **_village_tips(layers.origins, assign, names, village_names, lang)}
    parts = [_boundary(layers.boundary, xmin, ymax, scale, VIEW_W / 1500),
             _trip_lines(assign, village_xy, school_xy),
             _villages(layers.origins, village_xy),
             _schools(layers.schools, school_xy)]
    svg = (f'<svg class="imap-svg" viewBox="0 0 {VIEW_W:g} {height:g}" data-w="{VIEW_W:g}" data-h="{height:g}" '
           f'role="img" aria-label="{Markup.escape(i18n.text("imap.aria", lang))}">{_defs()}'
           + "".join(parts) + "</svg>")
    labels = {key: i18n.text(f"map.{key}", lang) for key, _ in LEGEND}
    legend = [(shape, labels[key]) for key, shape in LEGEND if key != "village" or layers.origins is not None]
    if "role" in layers.schools and (layers.schools["role"].astype(str) == "campus").any():  # 一校多区
        legend.insert(4, ("diamond", i18n.text("role.campus", lang)))
    return {"svg": Markup(svg), "data": Markup(script_json(tips)), "width": VIEW_W, "height": height,
            "legend": legend}


def script_json(data) -> str:
    """Return ``data`` as JSON that is safe inside ``<script type="application/json">``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _names(frame, id_col: str) -> dict[str, str]:
    """Map each id to ``Name (ID)`` (or the ID alone when nameless)."""
    if frame is None or id_col not in frame:
        return {}
    names = frame["name"] if "name" in frame else pd.Series("", index=frame.index)
    return {str(i): (f"{n} ({i})" if _txt(n) and str(n) != str(i) else str(i)) for i, n in zip(frame[id_col], names)}


def _txt(x) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else str(x)


def _points(frame, id_col: str, at) -> dict[str, tuple[float, float]]:
    """Map each id to its position in the view box."""
    if frame is None or id_col not in frame or len(frame) == 0:
        return {}
    x, y = at(*kit.coords(frame))
    return {str(i): (round(float(a), 1), round(float(b), 1)) for i, a, b in zip(frame[id_col], x, y)}


def _num(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame:
        return pd.Series(0.0, index=frame.index)
    return pd.to_numeric(frame[col], errors="coerce").fillna(0.0)


def _kinds(assign: pd.DataFrame) -> pd.Series:
    """Each trip's kind: ``board``, ``moved`` (a new school, by day) or ``same``."""
    boards, moved = _num(assign, "boards") > 0, _num(assign, "moved") > 0
    return pd.Series(np.where(boards, "board", np.where(moved, "moved", "same")), index=assign.index)


def _boundary(boundary, xmin: float, ymax: float, scale: float, tolerance: float) -> str:
    """Return the boundary as one SVG path, simplified to ``tolerance`` view-box units."""
    if boundary is None or len(boundary) == 0:
        return ""
    geom = shapely.union_all(boundary.geometry.values)
    geom = shapely.affinity.affine_transform(geom, [scale, 0, 0, -scale, -xmin * scale, ymax * scale])
    geom = geom.simplify(tolerance, preserve_topology=True)
    rings = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.geom_type != "Polygon":
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)
            rings.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in xy) + "Z")
    return f'<path class="bd" d="{"".join(rings)}"/>' if rings else ""


def _trip_lines(assign: pd.DataFrame, village_xy: dict, school_xy: dict) -> str:
    """Return one line per village and school its pupils attend, classed by kind, keyed to both ends."""
    if len(assign) == 0 or not {"origin_id", "school_id"} <= set(assign):
        return ""
    trips = pd.DataFrame({"o": assign["origin_id"].astype(str), "s": assign["school_id"].astype(str),
                          "k": _kinds(assign).map(KIND_ORDER)})
    trips = trips.groupby(["o", "s"], sort=True)["k"].max().reset_index().sort_values("k", kind="stable")
    vkey, skey = _keys(village_xy, "v"), _keys(school_xy, "s")
    kinds = {v: k for k, v in KIND_ORDER.items()}
    out = []
    for o, s, k in trips.itertuples(index=False):
        a, b = village_xy.get(o), school_xy.get(s)
        if a is None or b is None:
            continue
        out.append(f'<line class="t {kinds[k]}" x1="{a[0]:g}" y1="{a[1]:g}" x2="{b[0]:g}" y2="{b[1]:g}" '
                   f'data-a="{vkey[o]}" data-b="{skey[s]}"/>')
    return '<g class="trips">' + "".join(out) + "</g>"


def _keys(xy: dict, prefix: str) -> dict[str, str]:
    """Return the keys of the places in order, ``s0``, ``s1`` ... (of the tooltips and the markers)."""
    return {i: f"{prefix}{n}" for n, i in enumerate(xy)}


def _villages(origins, village_xy: dict) -> str:
    """Return the villages as dots."""
    if not village_xy:
        return ""
    keys = _keys(village_xy, "v")
    dots = "".join(f'<circle class="mk v" cx="{x:g}" cy="{y:g}" r="{VILLAGE_R:g}" data-r="{VILLAGE_R:g}" '
                   f'data-k="{keys[i]}"/>' for i, (x, y) in village_xy.items())
    return f'<g class="villages">{dots}</g>'


def _schools(schools, school_xy: dict) -> str:
    """Return the schools, closed first and hubs last (on top), each a symbol of its role sized by its pupils."""
    keys = _keys(school_xy, "s")
    pupils = _num(schools, "pupils")
    top = max(float(pupils.max()) if len(pupils) else 0.0, 1.0)
    role = schools["role"].astype(str) if "role" in schools else pd.Series("kept", index=schools.index)
    order = role.map({"closed": 0, "teaching_point": 1, "campus": 1, "kept": 2, "hub": 3}).fillna(2).sort_values(
        kind="stable")
    symbol = {"hub": "star", "kept": "circle", "teaching_point": "triangle", "closed": "cross", "campus": "diamond"}
    out = []
    for i in order.index:
        sid, rl = str(schools.at[i, "school_id"]), role[i] if role[i] in ROLES else "kept"
        r = MIN_R + (MAX_R - MIN_R) * math.sqrt(float(pupils[i]) / top)
        if rl in ("hub",):
            r = max(r * 1.3, 8.0)
        if rl == "closed":
            r = 5.0
        x, y = school_xy[sid]
        out.append(f'<use class="mk s {rl}" href="#m-{symbol[rl]}" transform="translate({x:g} {y:g}) scale({r:.2f})" '
                   f'data-x="{x:g}" data-y="{y:g}" data-r="{r:.2f}" data-k="{keys[sid]}"/>')
    return '<g class="schools">' + "".join(out) + "</g>"


def _defs() -> str:
    """Return the unit symbols (radius 1): a star, a circle, a triangle and a cross."""
    star = " ".join(f"{(1.0 if k % 2 == 0 else 0.45) * math.sin(k * math.pi / 5):.3f},"
                    f"{-(1.0 if k % 2 == 0 else 0.45) * math.cos(k * math.pi / 5):.3f}" for k in range(10))
    return ('<defs><polygon id="m-star" points="' + star + '"/><circle id="m-circle" r="1"/>'
            '<polygon id="m-triangle" points="0,-1 0.95,0.7 -0.95,0.7"/>'
            '<path id="m-cross" d="M-.7 -.7L.7 .7M-.7 .7L.7 -.7"/>'
            '<polygon id="m-diamond" points="0,-1 0.8,0 0,1 -0.8,0"/></defs>')


def _band_pupils(row, lang: str) -> str:
    """``12 · 8 · 0`` pupils by band, in band order."""
    return " · ".join(i18n.fmt_pupils(row.get(pupils_column(b), 0)) for b in BANDS)


def _school_tips(schools, assign: pd.DataFrame, names: dict, village_names: dict, lang: str) -> dict[str, dict]:
    """Each school's tooltip: name, role, pupils today and after (by band), capacity, boarders, the villages it
    serves and their mean trip, pupils moved in, and where today's pupils go when some leave.
    """  # noqa: D205 - one sentence
    t = lambda key, **fmt: i18n.text(key, lang, **fmt)  # noqa: E731
    arriving, leaving = _flows(assign)
    tips = {}
    bands = " · ".join(t(f"band_short.{b}") for b in BANDS)
    for n, row in enumerate(schools.drop(columns="geometry", errors="ignore").to_dict("records")):
        sid = str(row.get("school_id"))
        role = _txt(row.get("role")) or "kept"
        rows = [[t("imap.pupils_today_after"), f"{i18n.fmt_pupils(row.get('pupils_before'))} \u2192 "
                                               f"{i18n.fmt_pupils(row.get('pupils'))}"],
                [t("imap.by_band", bands=bands), _band_pupils(row, lang)],
                [t("th.capacity"), i18n.fmt_int(row.get("capacity"))]]
        if not i18n.missing(row.get("boarders")) and float(row["boarders"]) > 0:
            rows.append([t("th.boarders"), i18n.fmt_pupils(row["boarders"])])
        if sid in arriving:
            villages, moved, minutes = arriving[sid]
            rows.append([t("imap.villages_served"), i18n.fmt_int(villages)])
            rows.append([t("imap.mean_minutes"), i18n.fmt_minutes(minutes)])
            rows.append([t("imap.moved_in"), i18n.fmt_pupils(moved)])
        if sid in leaving:
            go = [f"{names.get(dst, dst)}: {i18n.fmt_pupils(p)}" for dst, p in leaving[sid][:4]]
            more = len(leaving[sid]) - len(go)
            rows.append([t("imap.pupils_go"), "; ".join(go) + (f"; +{more}" if more > 0 else "")])
        tips[f"s{n}"] = {"title": names.get(sid, sid), "role": school_role_label(pd.Series(row), lang), "tone": role,
                         "rows": rows}
    return tips


def _flows(assign: pd.DataFrame) -> tuple[dict[str, list], dict[str, list]]:
    """Return, by school, who arrives (villages, pupils moved in, mean minutes) and where today's pupils go elsewhere.

    ``leaving[school]`` lists ``(receiving school, pupils)``, most pupils first.
    """
    if len(assign) == 0 or not {"origin_id", "school_id"} <= set(assign):
        return {}, {}
    a = pd.DataFrame({"o": assign["origin_id"].astype(str), "s": assign["school_id"].astype(str),
                      "p": _num(assign, "pupils"), "m": _num(assign, "minutes"), "moved": _num(assign, "moved") > 0,
                      "from": assign["current_school_id"].astype(str) if "current_school_id" in assign else ""})
    a["pm"] = a["p"] * a["m"]
    a["pin"] = a["p"].where(a["moved"], 0.0)
    by = a.groupby("s", sort=False).agg(villages=("o", "nunique"), moved=("pin", "sum"), p=("p", "sum"),
                                         pm=("pm", "sum"))
    arriving = {s: [int(r.villages), float(r.moved), float(r.pm / r.p) if r.p > 0 else None]
                for s, r in by.iterrows()}
    out = a[a["moved"] & (a["from"] != a["s"]) & (a["from"] != "") & (a["from"] != "nan")]
    flows = out.groupby(["from", "s"], sort=False)["p"].sum().reset_index().sort_values(
        ["from", "p", "s"], ascending=[True, False, True])
    leaving: dict[str, list] = {}
    for src, dst, p in flows.itertuples(index=False):
        leaving.setdefault(src, []).append((dst, p))
    return arriving, leaving


def _village_tips(origins, assign: pd.DataFrame, names: dict, village_names: dict, lang: str) -> dict[str, dict]:
    """Each village's tooltip: name, pupils by band, and where each band's pupils go (minutes, by day or boarding)."""
    if origins is None or "origin_id" not in origins:
        return {}
    t = lambda key, **fmt: i18n.text(key, lang, **fmt)  # noqa: E731
    goes: dict[str, list] = {}
    planned: dict[str, dict] = {}  # pupils by band as the plan assigns them (a programme: its last year's)
    if len(assign) and {"origin_id", "band", "school_id"} <= set(assign):
        order = {b: k for k, b in enumerate(BANDS)}
        trips = assign.assign(_o=assign["band"].map(order).fillna(len(BANDS)), _b=_num(assign, "boards") > 0,
                              _m=_num(assign, "moved") > 0).sort_values(["_o", "school_id"], kind="stable")
        for trip in trips.to_dict("records"):
            band = str(trip["band"])
            planned.setdefault(str(trip["origin_id"]), {}).setdefault(pupils_column(band), 0.0)
            planned[str(trip["origin_id"])][pupils_column(band)] += float(trip.get("pupils") or 0.0)
            label = t(f"band.{band}") if f"band.{band}" in i18n.EN else band
            school = str(trip["school_id"])
            text = t("imap.goes", pupils=i18n.fmt_pupils(trip.get("pupils")), school=names.get(school, school),
                     minutes=i18n.fmt_minutes(trip.get("minutes")),
                     mode=t("mode.board" if trip["_b"] else "mode.day").lower())
            goes.setdefault(str(trip["origin_id"]), []).append(
                [label, text + (" \u2022 " + t("imap.new_school") if trip["_m"] else "")])
    bands = " · ".join(t(f"band_short.{b}") for b in BANDS)
    tips = {}
    for n, row in enumerate(origins.drop(columns="geometry", errors="ignore").to_dict("records")):
        oid = str(row.get("origin_id"))
        kind = t("th.school") if str(row.get("kind")) == "school" else t("map.village")  # a school's own pupils
        tips[f"v{n}"] = {"title": village_names.get(oid, oid), "role": kind, "tone": "village",
                         "rows": [[t("imap.by_band", bands=bands), _band_pupils(planned.get(oid, row), lang)],
                                  *goes.get(oid, [])]}
    return tips
