"""Reports and maps in English and Chinese: complete string tables, Chinese pages, Chinese glyphs in PNGs."""

from __future__ import annotations

import re
import string
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from matplotlib import image as mpimg
from shapely.geometry import Point, box

from consolidation import i18n
from consolidation.report import _mapkit as kit
from consolidation.report.html import render_report
from consolidation.report.maps import LABELS, draw_plan_map

CRS = "EPSG:32648"
X0, Y0 = 500_000.0, 3_970_000.0


def _fields(s: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(s) if name}


def test_every_key_in_both_languages():
    assert i18n.LANGS == ("en", "zh")
    assert set(i18n.TABLES) == set(i18n.LANGS)
    en, zh = set(i18n.EN), set(i18n.ZH)
    assert not en - zh, f"missing in Chinese: {sorted(en - zh)}"
    assert not zh - en, f"missing in English: {sorted(zh - en)}"
    for key in en:
        assert _fields(i18n.EN[key]) == _fields(i18n.ZH[key]), key
        assert i18n.ZH[key].strip(), key


def test_text_and_official_terms():
    assert i18n.text("role.closed", "zh") == "撤并"
    assert i18n.text("role.kept", "zh") == "保留"
    assert i18n.text("role.hub", "zh") == "接收学校"  # 中心校 only for township central schools
    assert i18n.text("role.hub_township", "zh") == "中心校（接收）"
    assert i18n.text("band.G1_3", "zh") == "1-3年级"
    assert i18n.text("band.G7_9", "zh") == "7-9年级"
    assert i18n.text("mode.day", "zh") == "走读" and i18n.text("mode.board", "zh") == "寄宿"
    assert i18n.text("map.today", "zh", n=3) == "现状：3 所学校"
    assert i18n.text("role.closed", "fr") == "Closed"  # anything else is English
    assert i18n.text("role.closed", "zh-CN") == "撤并"
    with pytest.raises(KeyError):
        i18n.text("no.such.key", "en")


def test_number_formats():
    assert i18n.fmt_yuan(3926710.3, "en") == "¥3,926,710"
    assert i18n.fmt_yuan(3926710.3, "zh") == "392.67万元"
    assert i18n.fmt_yuan(3000, "zh") == "3,000元"
    assert i18n.fmt_signed(120, "int") == "+120"
    assert i18n.fmt_signed(-1600, "yuan", "zh") == "−1,600元"
    assert i18n.fmt_signed(0.05, "share", "zh") == "+5.0个百分点"
    assert i18n.join_names(["a", "b", "c"], "zh") == "a、b 和 c"
    assert i18n.join_names(["杨家湾", "东山"], "zh") == "杨家湾和东山"
    assert i18n.join_names(["a", "b", "c"]) == "a, b and c"


@pytest.fixture
def plan():
    schools = gpd.GeoDataFrame({
        "school_id": ["S1", "S2", "S3"],
        "name": ["河滩镇中心小学", "上庄教学点", "Xigou Village Primary"],
        "role": ["hub", "kept", "closed"], "open": [1, 1, 0],
        "pupils_g1_3": [150.0, 20, 0], "pupils_g4_6": [160.0, 0, 0], "pupils_g7_9": [300.0, 0, 0],
        "pupils": [610.0, 20, 0], "pupils_before": [500.0, 20, 90],
        "capacity": [560, 30, 100], "places_added": [50, 0, 0],
        "beds": [40, 0, 0], "beds_used": [60, 0, 0], "beds_added": [20, 0, 0], "boarders": [60.0, 0, 0],
    }, geometry=[Point(X0, Y0), Point(X0 - 6000, Y0 + 5000), Point(X0 + 7000, Y0 + 3000)], crs=CRS)
    origins = gpd.GeoDataFrame({"origin_id": ["V1", "V2"], "kind": ["village", "village"],
                                "name": ["杨家湾", "东山"]},
                               geometry=[Point(X0 + 8000, Y0 + 4000), Point(X0 - 2000, Y0 - 3000)], crs=CRS)
    assignments = pd.DataFrame({
        "origin_id": ["V1", "V1", "V2"], "band": ["G1_3", "G7_9", "G4_6"], "pupils": [30.0, 60, 25],
        "school_id": ["S1", "S1", "S1"], "minutes": [28.0, 70.0, 12.0], "km": [9.0, 9.0, 3.5],
        "boards": [0, 1, 0], "current_school_id": ["S3", "S3", "S1"], "moved": [1, 1, 0],
    })
    summary = {
        "scenario": "河滩 2030", "status": "optimal", "objective": 2_345_678.0, "gap": 0.0,
        "solver": "highs", "seconds": 0.2, "schools_open": 2, "schools_closed": 1, "hubs": 1,
        "pupils_total": 630, "pupils_moved": 90, "boarders": 60, "boarders_g1_3": 0,
        "places_added": 50, "beds_added": 20,
        "travel_minutes": {b: {"pupils": 100, "mean": 10.0, "p90": 20.0, "max": 30.0, "limit": 40,
                               "over_limit_share": 0.0, "boarders": 0} for b in ("G1_3", "G4_6", "G7_9")},
        "cost": {"schools_annual": 130000, "travel": 2_000_000, "places_added": 90000, "beds_added": 30000,
                 "boarders": 12000, "total": 2_262_000},
        "capital": {"places": 1_800_000, "beds": 600_000, "total": 2_400_000},
        "reasons": [], "description": "",
        "overrides": [{"key": "rules.G4_6.max_minutes", "old": 40, "new": 60}],
    }
    boundary = gpd.GeoDataFrame(geometry=[box(X0 - 10000, Y0 - 8000, X0 + 10000, Y0 + 8000)], crs=CRS)
    return {"schools": schools, "origins": origins, "assignments": assignments, "summary": summary,
            "boundary": boundary}


def _fixed_texts(html: str) -> list[str]:
    """Headings, table headers, card labels and notes, captions, badges: the page's own words."""
    parts = re.findall(r"<(h1|h2|th|figcaption|title)[^>]*>(.*?)</\1>", html, re.S)
    parts += re.findall(r'<(?:div|p|span) class="(?:label|note|caption|badge[^"]*)"[^>]*>(.*?)</(?:div|p|span)>',
                        html, re.S)
    out = []
    for p in parts:
        inner = p[1] if isinstance(p, tuple) else p
        out.append(re.sub(r"<[^>]+>", " ", inner))
    return out


def test_chinese_report(plan):
    html = render_report(summary=plan["summary"], schools=plan["schools"], assignments=plan["assignments"],
                         origins=plan["origins"], lang="zh")
    assert '<html lang="zh-CN">' in html
    for word in ("撤并", "保留", "九年一贯制寄宿制学校（接收）", "寄宿生", "走读", "寄宿", "1-3年级", "4-6年级",
                 "7-9年级",
                 "分钟", "学生去向", "万元", "已得到最优方案", "本次运行修改的参数"):
        assert word in html, word
    assert "234.57万元/年" in html  # the objective in the footer, in 万元 per year
    texts = _fixed_texts(html)
    assert len(texts) > 30
    english = [t for t in texts if re.search(r"[A-Za-z]{3,}", t.replace("河滩 2030", ""))]
    assert english == [], english
    for heading in ("Headline numbers", "Where pupils go", "Travel by grade band", "Schools open",
                    "Yearly cost", "Best plan found", "Day or boarding"):
        assert heading not in html


def test_english_report_stays_english(plan):
    html = render_report(summary=plan["summary"], schools=plan["schools"], assignments=plan["assignments"])
    assert '<html lang="en">' in html
    assert "Where pupils go" in html and "Best plan found" in html and "¥2,262,000" in html
    assert "撤并" not in html and "学生去向" not in html


def test_chinese_infeasible_report():
    summary = {"scenario": "无新床位", "status": "infeasible", "reasons": ["Places short by 120."]}
    html = render_report(summary=summary, schools=pd.DataFrame(), assignments=pd.DataFrame(), lang="zh")
    assert "为什么没有方案" in html and "没有满足全部规则的方案" in html
    assert "Why there is no plan" not in html


def test_chinese_map_has_every_glyph(plan, tmp_path):
    font = kit.cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (Debian/Ubuntu: apt-get install fonts-noto-cjk; `make test` does it)")
    family = kit.font_family(LABELS["zh"].values())
    assert family[0] == font
    for label in LABELS["zh"].values():
        assert kit.renderable(label, family), label
    path = tmp_path / "map_zh.png"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw_plan_map(schools=plan["schools"], origins=plan["origins"], assignments=plan["assignments"],
                      boundary=plan["boundary"], path=path, title="河滩 2030 方案", lang="zh")
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert missing == [], missing  # matplotlib warns for every glyph it draws as a box
    img = mpimg.imread(path)
    assert img.shape[1] >= 1600 and img[..., :3].mean(axis=2).std() > 0.05


def test_english_map_with_chinese_names_uses_the_cjk_font(plan, tmp_path):
    if kit.cjk_font() is None:
        pytest.skip("no CJK font installed (Debian/Ubuntu: apt-get install fonts-noto-cjk; `make test` does it)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw_plan_map(schools=plan["schools"], origins=plan["origins"], assignments=plan["assignments"],
                      boundary=None, path=tmp_path / "map_en.png", title="河滩 2030", lang="en")
    assert [str(w.message) for w in caught if "missing from" in str(w.message)] == []
    assert np.asarray(mpimg.imread(tmp_path / "map_en.png")).size > 0


def test_report_code_never_imports_pulp():
    import ast

    root = Path(__file__).resolve().parents[1] / "consolidation"
    files = [root / "i18n.py", *sorted((root / "report").glob("*.py")), *sorted((root / "compare").glob("*.py"))]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                assert all(not a.name.startswith("pulp") for a in node.names), path
            elif isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("pulp"), path
