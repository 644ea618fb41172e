"""report.pdf (A4, headings as text, CJK font embedded, a plainer PDF without Chromium) and the interactive map in
report.html (self-contained, hostile names inert, hover in a real browser, size for 1,000 villages)."""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader
from shapely.geometry import Point, box

from consolidation.pipeline import run_scenario
from consolidation.report import pdf as report_pdf
from consolidation.report import printing
from consolidation.report.html import render_report
from consolidation.report.web_map import interactive_map
from consolidation.scenario import load_scenario

from hostile import tiny_county

CHROMIUM = printing.find_browser()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian/Ubuntu: apt-get "
                                                             "install chromium; `make test` installs it)")
A4_PT = (595.3, 841.9)
CRS = "EPSG:32648"
X0, Y0 = 500_000.0, 3_970_000.0
HOSTILE = "</script><script>alert('x')</script> \"Hill\" & <b>"


def _text(pdf: Path, pages: int | None = None) -> str:
    """The text of the PDF (its first ``pages``), NFKC-normalised (CJK fonts map some glyphs to radicals: ⽅ for 方)."""
    text = "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages[:pages])
    return unicodedata.normalize("NFKC", text)


def _is_a4(pdf: Path) -> bool:
    box_ = PdfReader(pdf).pages[0].mediabox
    return abs(float(box_.width) - A4_PT[0]) < 2 and abs(float(box_.height) - A4_PT[1]) < 2


def _fonts(pdf: Path) -> list[tuple[str, str, bool]]:
    """Every font the PDF uses: base name, subtype, and whether its glyphs are in the file.

    A font is embedded when it (or its descendant) has a font file, or when it is a Type 3 font (its glyphs are
    drawing procedures in the file: Chromium writes CFF-flavoured OpenType fonts such as Noto Sans CJK so).
    """
    fonts = []
    for page in PdfReader(pdf).pages:
        for ref in page.get("/Resources", {}).get_object().get("/Font", {}).values():
            font = ref.get_object()
            parts = [font, *[d.get_object() for d in font.get("/DescendantFonts", [])]]
            embedded = font.get("/Subtype") == "/Type3" and "/CharProcs" in font or any(
                k in p["/FontDescriptor"].get_object() for p in parts if "/FontDescriptor" in p
                for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.append((str(font.get("/BaseFont")), str(font.get("/Subtype")), bool(embedded)))
    return fonts


@pytest.fixture(scope="module")
def tiny_runs(tmp_path_factory):
    """The tiny county (2 schools, 2 villages) run in English (with coordinates: maps), in Chinese and infeasible
    (both without coordinates, so no map to draw: faster)."""
    root = tmp_path_factory.mktemp("pdf")
    mapped, plain = tiny_county(root / "mapped"), tiny_county(root / "plain")
    for name in ("schools", "villages"):
        pd.read_csv(root / "plain" / f"{name}.csv").drop(columns=["lon", "lat"]).to_csv(
            root / "plain" / f"{name}.csv", index=False)
    runs = {"en": run_scenario(load_scenario(mapped), out=root / "en").out,
            "zh": run_scenario(load_scenario(plain), out=root / "zh", lang="zh").out}
    strict = load_scenario(plain, overrides=["rules.G1_3.max_minutes=1"])
    runs["infeasible"] = run_scenario(strict, out=root / "infeasible").out
    return runs


def test_every_run_folder_has_an_a4_report_pdf(tiny_runs):
    for name, folder in tiny_runs.items():
        pdf = folder / "report.pdf"
        assert pdf.read_bytes().startswith(b"%PDF"), name
        assert _is_a4(pdf), name
        how = json.loads((folder / "run.json").read_text())["pdf"]
        assert how == ("chromium" if CHROMIUM else how) and (CHROMIUM or how.startswith("fallback")), how
    assert not list(tiny_runs["en"].parent.glob(".*partial*"))
    assert not [p for p in tiny_runs["en"].iterdir() if p.suffix == ".html" and p.name != "report.html"]


@needs_chromium
def test_report_pdf_has_the_sections_of_the_html(tiny_runs):
    text = _text(tiny_runs["en"] / "report.pdf")
    for heading in ("School consolidation plan: tiny", "Travel by grade band", "Schools", "Where pupils go",
                    "Budget", "Hill (S1)"):
        assert heading in text, heading
    assert "Interactive map" not in text  # print shows the PNG map instead
    assert "Why there is no plan" in _text(tiny_runs["infeasible"] / "report.pdf")


@needs_chromium
def test_chinese_report_pdf_embeds_its_fonts(tiny_runs):
    pdf = tiny_runs["zh"] / "report.pdf"
    fonts = _fonts(pdf)
    assert fonts and all(embedded for _, _, embedded in fonts), [f for f in fonts if not f[2]]
    assert any(kind == "/Type3" or "CJK" in name for name, kind, _ in fonts)  # Noto Sans CJK's glyphs
    text = _text(pdf, pages=1)
    assert "学校布局调整方案" in text and "分流学生" in text


def test_without_chromium_a_plainer_pdf_and_a_warning(tmp_path, monkeypatch, caplog):
    def missing(page):
        raise printing.PrintUnavailable("no Chromium found: install it")

    monkeypatch.setattr(report_pdf, "print_pdf", missing)
    (tmp_path / "report.html").write_text("<html></html>", encoding="utf-8")
    png = (Path(__file__).resolve().parents[1] / "docs" / "young_by_bus_map.png").read_bytes()
    with caplog.at_level(logging.WARNING, logger="consolidation"):
        how = report_pdf.start_report_pdf(tmp_path / "report.html").finish(
            tmp_path / "report.pdf", title="调整方案：县", badge="最优", lines=["撤并学校: 3"], map_png=png, lang="zh")
    assert how == "fallback: no Chromium found: install it"
    assert "no Chromium found" in caplog.text
    assert _is_a4(tmp_path / "report.pdf") and len(PdfReader(tmp_path / "report.pdf").pages) == 2
    assert "撤并学校" in _text(tmp_path / "report.pdf")


def test_print_copy_leaves_the_interactive_map_out_and_prints_pictures_as_jpeg():
    png = (Path(__file__).resolve().parents[1] / "docs" / "young_by_bus_map.png").read_bytes()
    html = _page(_layers(3)).replace("</body>", f'<img src="{report_pdf_uri(png)}"></body>')
    copy = report_pdf.print_copy(html)
    assert 'id="imap"' in html and 'id="imap"' not in copy and 'id="imap-data"' not in copy
    assert "data:image/png" not in copy and copy.count("data:image/jpeg;base64,") == 1
    assert "Where pupils go" in copy


def report_pdf_uri(png: bytes) -> str:
    from consolidation.report.html import data_uri

    return data_uri(png)


def test_find_browser_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CONSOLIDATION_CHROMIUM", str(tmp_path / "nowhere"))
    assert printing.find_browser() is None
    monkeypatch.setattr(printing, "_browser", None)  # the process's browser, if any, is put back afterwards
    with pytest.raises(printing.PrintUnavailable, match="CONSOLIDATION_CHROMIUM=.*nowhere names no program"):
        printing.print_pdf(tmp_path / "report.html")


# ------------------------------------------------------------------------------------------- the interactive map


def _layers(n_villages: int = 3, names=None, seed: int = 1):
    """A small plan in a metric CRS: a hub, a kept school, a closed one, villages going to the hub or staying."""
    rng = np.random.default_rng(seed)
    names = names or ["Hetan Central", "Shangzhuang", "Xigou"]
    schools = gpd.GeoDataFrame({
        "school_id": ["S1", "S2", "S3"], "name": names, "role": ["hub", "kept", "closed"],
        "pupils_g1_3": [150.0, 40, 0], "pupils_g4_6": [160.0, 35, 0], "pupils_g7_9": [90.0, 0, 0],
        "pupils": [400.0, 75, 0], "pupils_before": [300.0, 75, 100], "capacity": [500, 100, 120],
        "boarders": [20.0, 0, 0]},
        geometry=[Point(X0, Y0), Point(X0 - 6000, Y0 + 5000), Point(X0 + 7000, Y0 + 3000)], crs=CRS)
    xy = rng.uniform(-10000, 10000, size=(n_villages, 2))
    villages = gpd.GeoDataFrame({"origin_id": [f"V{i}" for i in range(n_villages)],
                                 "name": [f"Village {i}" for i in range(n_villages)],
                                 "pupils_g1_3": 10, "pupils_g4_6": 8, "pupils_g7_9": 5},
                                geometry=[Point(X0 + a, Y0 + b) for a, b in xy], crs=CRS)
    rows = []
    for i in range(n_villages):
        for band in ("G1_3", "G4_6", "G7_9"):
            school = "S2" if (i % 3 == 0 and band == "G1_3") else "S1"
            rows.append({"origin_id": f"V{i}", "band": band, "pupils": 10.0, "school_id": school,
                         "minutes": 12.5 + i % 7, "km": 3.0, "boards": int(band == "G7_9" and i % 2 == 0),
                         "current_school_id": "S3" if i % 2 else school, "moved": int(i % 2 == 1)})
    boundary = gpd.GeoDataFrame(geometry=[box(X0 - 12000, Y0 - 12000, X0 + 12000, Y0 + 11000)], crs=CRS)
    return {"schools": schools, "origins": villages, "assignments": pd.DataFrame(rows), "boundary": boundary}


def _page(layers, lang="en") -> str:
    imap = interactive_map(**layers, lang=lang)
    summary = {"scenario": "Hetan", "status": "optimal", "gap": 0.0, "reasons": []}
    return render_report(summary=summary, schools=pd.DataFrame(layers["schools"].drop(columns="geometry")),
                         assignments=layers["assignments"], lang=lang, imap=imap)


def _tips(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="imap-data">(.*?)</script>', html, re.S).group(1)
    return json.loads(block)


def test_interactive_map_draws_every_place_and_trip():
    layers = _layers(4)
    imap = interactive_map(**layers)
    svg = str(imap["svg"])
    assert svg.count('class="mk s ') == 3 and svg.count('class="mk v"') == 4
    assert 'class="mk s closed" href="#m-cross"' in svg and 'class="mk s hub" href="#m-star"' in svg
    pairs = layers["assignments"][["origin_id", "school_id"]].drop_duplicates()
    assert svg.count("<line ") == len(pairs) == 4 + 2  # each village to the hub, V0's and V3's youngest to S2
    assert '<path class="bd"' in svg
    tips = json.loads(str(imap["data"]))
    hub = next(t for t in tips.values() if t["title"] == "Hetan Central (S1)")
    assert hub["role"] == "Hub, nine-year boarding school"  # named by what it is, as in the schools table
    assert ["Pupils, today \u2192 plan", "300 \u2192 400"] in hub["rows"]
    closed = next(t for t in tips.values() if t["title"] == "Xigou (S3)")
    assert ["Today's pupils now go to", "Hetan Central (S1): 50; Shangzhuang (S2): 10"] in closed["rows"]
    village = tips["v1"]
    assert village["title"] == "Village 1 (V1)"
    assert any("to Hetan Central (S1)" in value and "min" in value for _, value in village["rows"])


def test_interactive_map_is_self_contained_and_keeps_hostile_names_inert():
    html = _page(_layers(3, names=[HOSTILE, "Shangzhuang", "Xigou"]))
    assert "<script>alert" not in html and "</script><script>" not in html
    assert "http://" not in html and "https://" not in html
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)""", html, re.I)
    assert refs and all(r.startswith(("#", "data:")) for r in refs), refs
    assert "//" not in "".join(refs)
    assert any(t["title"] == f"{HOSTILE} (S1)" for t in _tips(html).values())  # the name itself, unharmed


def test_interactive_map_in_chinese():
    html = _page(_layers(2), lang="zh")
    assert "调整方案交互地图" in html and "放大" in html
    tips = _tips(html)
    assert tips["s0"]["role"] == "九年一贯制寄宿制学校（接收）" and "走读" in json.dumps(tips, ensure_ascii=False)


def test_interactive_map_for_a_thousand_villages_stays_small():
    imap = interactive_map(**_layers(1000))  # 100 schools would add about 30 KB more
    size = len(str(imap["svg"]).encode()) + len(str(imap["data"]).encode())
    assert size < 600_000, size  # about 530 KB: 200 KB of SVG, 330 KB of figures


def test_no_map_without_coordinates():
    layers = _layers(2)
    layers["schools"] = gpd.GeoDataFrame(pd.DataFrame(layers["schools"].drop(columns="geometry")))
    assert interactive_map(**layers) is None


@needs_chromium
def test_hovering_a_school_in_a_real_browser_shows_its_figures(tmp_path):
    page = tmp_path / "report.html"
    page.write_text(_page(_layers(3, names=[HOSTILE, "Shangzhuang", "Xigou"])), encoding="utf-8")
    script = """(() => {
      const hub = document.querySelector('.mk.s.hub');
      hub.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
      const tip = document.querySelector('.imap-tip');
      const svg = document.querySelector('svg.imap-svg');
      const before = svg.getAttribute('viewBox');
      document.querySelector('button[data-zoom=in]').click();
      return JSON.stringify({tip: tip.textContent, shown: !tip.hidden,
                             lit: document.querySelectorAll('line.hl').length, before: before,
                             after: svg.getAttribute('viewBox'), injected: document.querySelectorAll('script').length});
    })()"""
    seen = json.loads(printing.evaluate(page, script))
    assert seen["shown"] and f"{HOSTILE} (S1)" in seen["tip"] and "Hub, nine-year boarding school" in seen["tip"]
    assert "300 \u2192 400" in seen["tip"] and seen["lit"] == 3
    assert seen["before"] != seen["after"]  # zoomed in
    assert seen["injected"] == 2  # the data block and the map's script: the hostile name added none


def test_example_report_carries_the_map_and_the_pdf(example_run):
    folder = example_run("baseline").out
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert 'id="imap"' in html and html.count('data-k="v') == 60
    assert (folder / "report.pdf").stat().st_size > 10_000
    if CHROMIUM is not None:
        assert "Where pupils go" in _text(folder / "report.pdf")


def test_a_program_that_is_no_browser_is_refused_quickly(monkeypatch, tmp_path):
    monkeypatch.setenv("CONSOLIDATION_CHROMIUM", "/bin/true")
    monkeypatch.setattr(printing, "_browser", None)  # the process's browser, if any, is put back afterwards
    (tmp_path / "report.html").write_text("<html></html>", encoding="utf-8")
    with pytest.raises(printing.PrintUnavailable, match="Chromium"):
        printing.print_pdf(tmp_path / "report.html")
    assert printing._browser is None


def test_a_campus_is_a_green_diamond_in_the_legend_too():
    layers = _layers(2)
    layers["schools"].loc[1, "role"] = "campus"
    imap = interactive_map(**layers)
    assert str(imap["svg"]).count('class="mk s campus" href="#m-diamond"') == 1
    assert ("diamond", "Campus") in imap["legend"]
    assert ("diamond", "Campus") not in interactive_map(**_layers(2))["legend"]
