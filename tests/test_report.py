"""The report stage: the two-panel map (PNG) and the self-contained HTML page."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from matplotlib import image as mpimg
from shapely.geometry import Point, box

from consolidation.report.html import render_report
from consolidation.report.maps import draw_plan_map

CRS = "EPSG:32648"  # UTM 48N, metres
X0, Y0 = 500_000.0, 3_970_000.0
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def plan():
    """A tiny county: one hub, one kept school, two closed schools, three villages."""
    schools = gpd.GeoDataFrame({
        "school_id": ["S1", "S2", "S3", "S4"],
        "name": ["Hetan Central School", "Shangzhuang School", "Xigou School", "Beiling School"],
        "role": ["hub", "kept", "closed", "closed"],
        "open": [1, 1, 0, 0],
        "pupils_g1_3": [150.0, 40, 0, 0], "pupils_g4_6": [160.0, 35, 0, 0],
        "pupils_g7_9": [1190.0, 0, 0, 0],
        "pupils": [1500.0, 75, 0, 0], "pupils_before": [1100.0, 75, 250, 150],
        "capacity": [1200, 100, 300, 200], "places_added": [300, 0, 0, 0],
        "beds": [200, 0, 0, 0], "beds_used": [260, 0, 0, 0], "beds_added": [60, 0, 0, 0],
        "boarders": [260.0, 0, 0, 0],
    }, geometry=[Point(X0, Y0), Point(X0 - 6000, Y0 + 5000), Point(X0 + 7000, Y0 + 3000),
                 Point(X0 + 2000, Y0 - 8000)], crs=CRS)
    origins = gpd.GeoDataFrame({
        "origin_id": ["V1", "V2", "V3", "S3", "S4"],
        "kind": ["village", "village", "village", "school", "school"],
        "pupils_g1_3": [20, 15, 10, 60, 40], "pupils_g4_6": [20, 15, 10, 60, 40],
        "pupils_g7_9": [20, 15, 10, 60, 40],
    }, geometry=[Point(X0 - 7000, Y0 + 7000), Point(X0 + 9000, Y0 + 1000),
                 Point(X0 + 3000, Y0 - 10000), Point(X0 + 7000, Y0 + 3000),
                 Point(X0 + 2000, Y0 - 8000)], crs=CRS)
    assignments = pd.DataFrame({
        "origin_id": ["V1", "V2", "V2", "V3", "S3", "S4"],
        "band": ["G1_3", "G1_3", "G7_9", "G4_6", "G7_9", "G4_6"],
        "pupils": [40.0, 12.5, 2.5, 30.0, 180.0, 120.0],
        "school_id": ["S2", "S1", "S1", "S1", "S1", "S1"],
        "minutes": [12.25, 31.0, 31.0, 27.5, 41.0, 24.0],
        "km": [3.2, 10.5, 10.5, 9.1, 12.0, 8.3],
        "boards": [0, 0, 1, 0, 1, 0],
        "current_school_id": ["S2", "S3", "S3", "S4", "S3", "S4"],
        "moved": [0, 1, 1, 1, 1, 1],
    })
    boundary = gpd.GeoDataFrame(geometry=[box(X0 - 12000, Y0 - 13000, X0 + 12000, Y0 + 10000)],
                                crs=CRS)
    summary = {
        "scenario": "Hetan 2030 baseline", "status": "optimal", "objective": 12345678.9,
        "gap": 0.0, "solver": "HiGHS", "seconds": 1.234, "schools_open": 2, "schools_closed": 2,
        "hubs": 1, "pupils_total": 1575, "pupils_moved": 1234, "boarders": 260,
        "boarders_g1_3": 0, "places_added": 4321, "beds_added": 60,
        "travel_minutes": {
            "G1_3": {"mean": 18.333, "p90": 30.0, "max": 31.0, "limit": 40, "over_limit_share": 0.0,
                     "pupils": 52.5},
            "G4_6": {"mean": 25.2, "p90": 27.5, "max": 27.5, "limit": 40, "over_limit_share": 0.0,
                     "pupils": 150},
            "G7_9": {"mean": 40.9, "p90": 41.0, "max": 41.0, "limit": None,
                     "over_limit_share": 1.0, "pupils": 182.5},
        },
        "cost": {"schools_annual": 9000000, "travel": 1500000.4, "places_added": 1000000,
                 "beds_added": 345678.5, "boarders": 500000, "total": 12345678.9},
        "capital": {"places": 30000000, "beds": 6000000, "total": 36000000},
        "reasons": [], "description": "Close schools under 100 pupils.",
    }
    return {"schools": schools, "origins": origins, "assignments": assignments,
            "boundary": boundary, "summary": summary}


def _draw(plan, path: Path, **changes) -> Path:
    args = {k: plan[k] for k in ("schools", "origins", "assignments", "boundary")}
    args.update(changes)
    draw_plan_map(**args, path=path, title=plan["summary"]["scenario"])
    return path


def _assert_good_png(path: Path) -> np.ndarray:
    assert path.exists()
    assert path.read_bytes()[:8] == PNG_MAGIC
    img = mpimg.imread(path)
    height, width = img.shape[:2]
    assert 1600 <= width <= 2000
    assert 600 <= height <= 2000
    gray = img[..., :3].mean(axis=2)
    assert gray.std() > 0.05  # not blank
    assert (gray < 0.5).mean() > 0.001  # some dark ink: text, outlines, markers
    return img


def test_map_is_a_sensible_png(plan, tmp_path):
    _assert_good_png(_draw(plan, tmp_path / "map.png"))


def test_map_without_boundary_origins_or_assignments(plan, tmp_path):
    no_origins = pd.DataFrame(plan["origins"].drop(columns="geometry"))
    _assert_good_png(_draw(plan, tmp_path / "a.png", boundary=None, origins=no_origins,
                           assignments=plan["assignments"].iloc[:0]))


def test_map_reprojects_degrees(plan, tmp_path):
    _assert_good_png(_draw(plan, tmp_path / "deg.png",
                           schools=plan["schools"].to_crs(4326),
                           origins=plan["origins"].to_crs(4326),
                           boundary=plan["boundary"].to_crs(4326)))


def test_map_with_awkward_names(plan, tmp_path):
    schools = plan["schools"].copy()
    schools.loc[0, "name"] = "河滩中心小学"  # no CJK font needed: falls back to the id
    schools.loc[1, "name"] = "Cost $5 <script>alert(1)</script>"
    _assert_good_png(_draw(plan, tmp_path / "names.png", schools=schools))


def test_map_needs_school_geometry(plan, tmp_path):
    flat = pd.DataFrame(plan["schools"].drop(columns="geometry"))
    with pytest.raises(ValueError):
        _draw(plan, tmp_path / "x.png", schools=flat)
    assert not (tmp_path / "x.png").exists()


def _external_refs(html: str) -> list[str]:
    refs = re.findall(r"""(?:src|href)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]*)""", html, re.I)
    refs += re.findall(r"""url\(\s*["']?\s*((?:https?:)?//[^)"']*)""", html, re.I)
    refs += re.findall(r"@import", html)
    return refs


def test_html_report(plan, tmp_path):
    png = _draw(plan, tmp_path / "map.png")
    html = render_report(summary=plan["summary"], schools=plan["schools"],
                         assignments=plan["assignments"], map_png=png)
    (tmp_path / "report.html").write_text(html, encoding="utf-8")
    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert "Hetan 2030 baseline" in html
    assert "Close schools under 100 pupils." in html
    for name in plan["schools"]["name"]:
        assert name in html
    # headline numbers, formatted for people
    for text in ("1,234", "1,575", "4,321", "¥12,345,679", "¥36,000,000", "Best plan found"):
        assert text in html
    assert "18.3" in html and "41.0" in html  # minutes to one decimal
    assert "12.5" in html  # split demand keeps its decimal
    assert "data:image/png;base64," in html
    assert _external_refs(html) == []
    assert "http://" not in html and "https://" not in html
    assert "@media print" in html
    # schools: hubs first, then kept, then closed
    order = [html.index(n) for n in ("Hetan Central School", "Shangzhuang School",
                                     "Xigou School")]
    assert order == sorted(order)
    assert 'class="closed"' in html
    assert "Why there is no plan" not in html


def test_html_accepts_png_bytes_and_no_map(plan, tmp_path):
    png = _draw(plan, tmp_path / "map.png").read_bytes()
    with_bytes = render_report(summary=plan["summary"], schools=plan["schools"],
                               assignments=plan["assignments"], map_png=png)
    assert "data:image/png;base64," in with_bytes
    without = render_report(summary=plan["summary"], schools=plan["schools"],
                            assignments=plan["assignments"])
    assert "<img" not in without
    assert "Hetan Central School" in without


def test_html_trip_table(plan):
    origins = pd.DataFrame({"origin_id": ["V1", "V2"], "name": ["Yangjiawan", "Dongshan"]})
    html = render_report(summary=plan["summary"], schools=plan["schools"],
                         assignments=plan["assignments"], origins=origins)
    table = html[html.index("Where pupils go"):]
    assert "Yangjiawan (V1)" in table and "Dongshan (V2)" in table
    assert "Xigou School (S3)" in table and "Hetan Central School (S1)" in table
    assert table.count('class="moved"') == 5
    # moved pupils first, longest trip first; the one unmoved group comes last
    assert table.index("41.0") < table.index("31.0") < table.index("12.2")
    assert "Boarding" in table


def test_html_flags_young_boarders(plan):
    summary = {**plan["summary"], "boarders_g1_3": 7, "status": "feasible", "gap": 0.0123}
    html = render_report(summary=summary, schools=plan["schools"],
                         assignments=plan["assignments"])
    assert 'class="card flag"' in html
    assert "1.2%" in html  # the gap, in the badge and the footer


def test_html_infeasible(tmp_path):
    summary = {"scenario": "No new beds", "status": "infeasible", "objective": None, "gap": None,
               "solver": "HiGHS", "seconds": 0.5, "cost": {}, "capital": {}, "travel_minutes": {},
               "reasons": ["Grades 1-3 in Yangjiawan are 52 minutes from any open school; the day "
                           "limit is 40 minutes and they may not board.",
                           "Places short by 120 & no building allowed."],
               "description": ""}
    html = render_report(summary=summary, schools=pd.DataFrame(), assignments=pd.DataFrame(),
                         map_png=None)
    assert "No new beds" in html
    assert "Why there is no plan" in html
    assert "Yangjiawan are 52 minutes" in html
    assert "Places short by 120 &amp; no building allowed." in html
    assert "<img" not in html
    assert _external_refs(html) == []


def test_html_escapes_names(plan):
    schools = plan["schools"].copy()
    schools.loc[1, "name"] = "<script>alert('x')</script>"
    summary = {**plan["summary"], "scenario": "<script>bad()</script>",
               "description": "<b>bold</b>", "reasons": ["<img src=x onerror=alert(1)>"]}
    html = render_report(summary=summary, schools=schools, assignments=plan["assignments"])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(" in html
    assert "&lt;script&gt;bad()&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html
    assert "<img src=x" not in html


def test_report_code_never_imports_pulp():
    folder = Path(__file__).resolve().parents[1] / "consolidation" / "report"
    for path in [folder / "html.py", folder / "maps.py", folder / "_mapkit.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert all(not a.name.startswith("pulp") for a in node.names), path
            elif isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("pulp"), path
