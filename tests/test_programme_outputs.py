"""The outputs of a programme of several years: run folder, charts, report section, compare year by year.

The programme is built without solving a programme: two plans of a tiny county are solved once (every school
open, then two schools closed and places built at the hub), and stacked into a :class:`Programme` of three
years, as :func:`consolidation.programme.make_programme` would (its year table and capital come from the same
helpers). One test, marked slow, runs the real pipeline with ``[years]``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from matplotlib import image as mpimg

from conftest import write_instance
from consolidation.io import read_inputs
from consolidation.pipeline import run_scenario
from consolidation.programme import YEAR_COLUMNS, Programme, _year_row, built_by_year, capital_by_year
from consolidation.report.folder import RunRecord, write_run
from consolidation.report.html import render_report
from consolidation.report.tables import read_csv
from consolidation.scenario import load_scenario
from hostile import assert_refused, invoke

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
YEARS = (2026, 2027, 2028)
HUB_NAME = "<script>alert(1)</script>"
ZH_NAME = "河滩小学"
FORMULA_NAME = "=HYPERLINK(\"http://x\")"


def _county(folder: Path, **scenario) -> Path:
    """Three schools of 30 places; closing two sends 50 pupils to the first, which must then grow."""
    return write_instance(
        folder,
        schools=[{"school_id": "S1", "name": HUB_NAME, "capacity": 30, "max_capacity": 80, "beds": 0,
                  "lon": 103.80, "lat": 36.00},
                 {"school_id": "S2", "name": ZH_NAME, "capacity": 30, "beds": 0, "lon": 103.83, "lat": 36.01},
                 {"school_id": "S3", "name": FORMULA_NAME, "capacity": 30, "beds": 0, "lon": 103.78,
                  "lat": 36.02}],
        villages=[{"village_id": "V1", "name": "East", "pupils_g1_3": 12, "pupils_g4_6": 8, "pupils_g7_9": 0,
                   "lon": 103.801, "lat": 36.001},
                  {"village_id": "V2", "name": "West", "pupils_g1_3": 9, "pupils_g4_6": 6, "pupils_g7_9": 0,
                   "lon": 103.831, "lat": 36.011},
                  {"village_id": "V3", "name": "North", "pupils_g1_3": 8, "pupils_g4_6": 7, "pupils_g7_9": 0,
                   "lon": 103.781, "lat": 36.021}],
        travel=[(v, s, 3 if v[1] == s[1] else 12) for v in ("V1", "V2", "V3") for s in ("S1", "S2", "S3")],
        scenario={"name": "tiny programme", "costs": {"school_annual": 1_000_000, "per_place_added": 100},
                  "solver": {"time_limit_s": 20}, **scenario})


def _programme(scenario, plans) -> Programme:
    """Stack the year plans into a Programme, with the year table and capital of the programme's own helpers."""
    for year, plan in zip(YEARS, plans):
        plan.summary["year"] = year
    weights = tuple((1 + scenario.costs.discount_rate) ** -k for k in range(len(YEARS)))
    capital = capital_by_year(YEARS, plans, scenario)
    built = built_by_year(YEARS, plans)
    opened = [set(p.schools.loc[p.schools["open"] == 1, "school_id"]) for p in plans]
    closed = {y: sorted((opened[i - 1] if i else opened[0]) - opened[i]) for i, y in enumerate(YEARS)}
    paid = capital.set_index("year")["total"]
    table = pd.DataFrame([_year_row(y, w, p, closed[y], built[y], float(paid.get(y, 0.0)))
                          for y, w, p in zip(YEARS, weights, plans)], columns=YEAR_COLUMNS)
    summary = {"first": YEARS[0], "last": YEARS[-1], "step": 1, "years": list(YEARS), "status": "optimal",
               "objective": 1.0, "solver_objective": 1.0, "gap": 0.0, "solver": "highs", "seconds": 0.1,
               "discount_rate": scenario.costs.discount_rate, "lead_years": scenario.years.lead_years,
               "cost_public_discounted": float((table["weight"] * table["cost_public"]).sum()),
               "capital_total": float(capital["total"].sum()), "closures": closed,
               "schools_open_first": int(table["schools_open"].iat[0]),
               "schools_open_last": int(table["schools_open"].iat[-1]),
               "pupils_first": float(table["pupils"].iat[0]), "pupils_last": float(table["pupils"].iat[-1])}
    return Programme(years=YEARS, plans=tuple(plans), table=table, capital=capital, summary=summary)


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    """A programme's run folder in English and in Chinese, and a plan of one year of the same county."""
    root = tmp_path_factory.mktemp("programme")
    path = _county(root / "county")
    loaded = load_scenario(path)
    all_open = run_scenario(load_scenario(path, ["schools.open_exactly=3"])).plan
    merged = run_scenario(loaded).plan
    assert merged.summary["schools_closed"] == 2 and merged.summary["places_added"] > 0, merged.summary
    later = type(merged)(assignments=merged.assignments.copy(), schools=merged.schools.copy(),
                         summary=dict(merged.summary))
    programme = _programme(loaded.scenario, (all_open, merged, later))
    inputs = read_inputs(loaded.scenario)
    record = RunRecord(command=["test"], timings={}, started="", finished="")
    out = {"county": path}
    for lang in ("en", "zh"):
        out[lang] = write_run(root / f"run_{lang}", loaded=loaded, inputs=inputs, plan=programme.last,
                              summary={**programme.last.summary, "programme": programme.summary}, record=record,
                              lang=lang, programme=programme)
    out["single"] = run_scenario(loaded, out=root / "single").out
    return out


def _png(path: Path) -> None:
    assert path.read_bytes()[:8] == PNG_MAGIC, path
    img = mpimg.imread(path)
    gray = img[..., :3].mean(axis=2)
    assert img.shape[1] >= 1200 and gray.std() > 0.05 and (gray < 0.5).mean() > 0.001, path


def test_programme_folder_has_every_file(folders):
    run = folders["en"]
    for name in ("summary.json", "assignments.csv", "schools.csv", "years.csv", "capital.csv", "plan.gpkg",
                 "map.png", "map_first.png", "timeline.png", "projection.png", "report.html", "report.pdf", "run.json"):
        assert (run / name).is_file(), name
    for name in ("map.png", "map_first.png", "timeline.png", "projection.png"):
        _png(run / name)
    summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    assert summary["programme"]["years"] == list(YEARS)
    assert summary["schools_closed"] == 2  # the last year's headline figures
    assert not (folders["single"] / "years.csv").exists() and not (folders["single"] / "timeline.png").exists()


def test_tables_by_year(folders):
    run = folders["en"]
    schools = read_csv(run / "schools.csv", dtype={"school_id": str})
    assignments = read_csv(run / "assignments.csv", dtype={"school_id": str, "origin_id": str})
    for table in (schools, assignments):
        assert table.columns[0] == "year"
        assert sorted(table["year"].unique()) == list(YEARS)
    assert schools.groupby("year").size().tolist() == [3, 3, 3]
    assert schools.loc[schools["year"] == 2028].set_index("school_id")["open"].to_dict() == {"S1": 1, "S2": 0,
                                                                                             "S3": 0}
    years = read_csv(run / "years.csv")
    assert list(years.columns) == YEAR_COLUMNS
    assert years["year"].tolist() == list(YEARS)
    assert years["closures"].tolist() == [0, 2, 0]
    assert years["places_built"].iat[1] > 0 and years["places_built"].iat[2] == 0
    capital = read_csv(run / "capital.csv")
    assert list(capital.columns) == ["year", "places", "beds", "buses", "total"]
    assert capital.loc[capital["year"] == 2026, "places"].iat[0] > 0  # paid lead_years before use in 2027
    raw = (run / "schools.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in raw and "\n2026,S3,=HYPERLINK" not in raw  # the safe-CSV rule, every year


def _section(html: str) -> str:
    start = html.index('<section class="programme">')
    return html[start:html.index("</section>", start)]


def test_report_programme_section_in_english(folders):
    html = (folders["en"] / "report.html").read_text(encoding="utf-8")
    section = _section(html)
    assert "Programme 2026–2028" in section
    assert "&lt;script&gt;alert(1)&lt;/script&gt; (S1)" in section  # places built at the hub, escaped
    assert "<script>alert" not in html  # the report's own script (the interactive map) aside, no script
    assert "2027, 2 closed:" in section and ZH_NAME in section
    assert "discount rate 3.5%" in section
    assert section.count("data:image/png;base64,") == 4  # timeline, projection, first and last year maps
    assert "<th" in section and "2028</td>" in section
    assert html.index('<section class="programme">') < html.index('class="cards"')
    assert "The sections below show the plan of the last year, 2028." in section


def test_report_programme_section_in_chinese(folders):
    html = (folders["zh"] / "report.html").read_text(encoding="utf-8")
    section = _section(html)
    assert "分年度实施方案（2026–2028学年）" in section
    assert "2027学年撤并 2 所" in section and ZH_NAME in section
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section and "<script>alert" not in html
    assert "学年起使用" in section and "先建后撤" in section


def test_single_year_report_has_no_programme_section(folders):
    html = (folders["single"] / "report.html").read_text(encoding="utf-8")
    assert 'class="programme"' not in html
    plain = render_report(summary={"status": "optimal"}, schools=pd.DataFrame(), assignments=pd.DataFrame())
    assert 'class="programme"' not in plain


def test_compare_programmes_year_by_year(folders, tmp_path):
    out = tmp_path / "cmp"
    result = invoke("compare", folders["en"], folders["zh"], folders["single"], "--out", out, "-q")
    assert result.exit_code == 0, result.output
    years = read_csv(out / "years.csv")
    assert len(years) == 2 * len(YEARS)
    assert years.columns[:2].tolist() == ["scenario", "year"]
    assert years["year"].tolist() == [*YEARS, *YEARS]
    html = (out / "comparison.html").read_text(encoding="utf-8")
    assert "Year by year" in html and "Total (discounted)" in html
    assert "a plan of one year, not in this table" in html
    zh = tmp_path / "cmp_zh"
    assert invoke("compare", folders["en"], folders["zh"], "--out", zh, "--lang", "zh", "-q").exit_code == 0
    assert "分学年对比" in (zh / "comparison.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("broken, key", [([], "programme"), ({"first": 2026}, "years"),
                                         ({"years": "2026"}, "programme.years"),
                                         ({"years": [2026], "capital_total": "lots"}, "capital_total")])
def test_compare_refuses_a_broken_programme(folders, tmp_path, broken, key):
    run = tmp_path / "run"
    shutil.copytree(folders["en"], run)
    summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    summary["programme"] = broken
    (run / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    result = invoke("compare", folders["zh"], run, "--out", tmp_path / "cmp")
    assert_refused(result, str(run / "summary.json"), key)
    assert not (tmp_path / "cmp").exists()


def test_compare_refuses_a_programme_without_its_year_table(folders, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(folders["en"], run)
    (run / "years.csv").unlink()
    assert_refused(invoke("compare", folders["zh"], run, "--out", tmp_path / "cmp"), "years.csv")


@pytest.mark.slow
def test_real_programme_run(folders, tmp_path):
    pytest.importorskip("consolidation.projection")
    out = tmp_path / "run"
    result = invoke("run", folders["county"], "--out", out, "-q", "--set", "years.first=2026",
                    "--set", "years.last=2028")
    assert result.exit_code == 0, result.output
    assert read_csv(out / "years.csv")["year"].tolist() == list(YEARS)
    assert (out / "timeline.png").is_file() and (out / "map_first.png").is_file()
    assert '<section class="programme">' in (out / "report.html").read_text(encoding="utf-8")
