"""Comparing finished run folders: numbers, maps, travel, decisions, settings, refusals, PDF, a real browser."""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib import image as mpimg

from consolidation import i18n
from consolidation.compare import compare_runs, load_runs
from consolidation.compare.analysis import Comparison, decisions
from consolidation.compare.content import map_panels
from consolidation.errors import InputError, OutputError
from consolidation.pipeline import run_scenario
from consolidation.scenario import load_scenario

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = ("baseline", "g4_6_day_60min", "young_by_bus")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


@pytest.fixture(scope="module")
def runs(example_run) -> dict[str, Path]:
    """The three example scenarios, each run into its own folder (once a session: ``conftest.example_run``)."""
    return {name: example_run(name).out for name in SCENARIOS}


@pytest.fixture(scope="module")
def compared(runs, tmp_path_factory) -> dict[str, Path]:
    """The three runs compared, in English and in Chinese."""
    root = tmp_path_factory.mktemp("compare")
    folders = [runs[n] for n in SCENARIOS]
    return {lang: compare_runs(folders, root / lang, lang=lang) for lang in ("en", "zh")}


def _summary(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))


def _headline(page: str) -> dict[str, list[str]]:
    """Rows of the headline table: label -> the value shown for each run (differences left out)."""
    table = page[page.index('<table class="headline">'):]
    table = table[:table.index("</table>")]
    rows = {}
    for label, cells in re.findall(r'<td class="label">(.*?)</td>(.*?)</tr>', table, re.S):
        values = re.findall(r'<span class="value[^"]*">(.*?)</span>', cells, re.S)
        rows.setdefault(htmllib.unescape(label), []).append([htmllib.unescape(v) for v in values])
    return rows


def _text(page: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", page))


def test_headline_numbers_match_the_summaries(runs, compared):
    page = (compared["en"] / "comparison.html").read_text(encoding="utf-8")
    rows = _headline(page)
    summaries = [_summary(runs[n]) for n in SCENARIOS]
    expect = {
        "Schools open": [i18n.fmt_int(s["schools_open"]) for s in summaries],
        "Schools closed": [i18n.fmt_int(s["schools_closed"]) for s in summaries],
        "Hubs (receive moved pupils)": [i18n.fmt_int(s["hubs"]) for s in summaries],
        "Pupils who change school": [i18n.fmt_pupils(s["pupils_moved"]) for s in summaries],
        "Boarders": [i18n.fmt_pupils(s["boarders"]) for s in summaries],
        "Boarders in grades 1-3": [i18n.fmt_pupils(s["boarders_g1_3"]) for s in summaries],
        "Places added": [i18n.fmt_int(s["places_added"]) for s in summaries],
        "Beds added": [i18n.fmt_int(s["beds_added"]) for s in summaries],
        "Total per year": [i18n.fmt_yuan(s["cost"]["total"]) for s in summaries],
        "Running the open schools": [i18n.fmt_yuan(s["cost"]["schools_annual"]) for s in summaries],
        "Total one-off": [i18n.fmt_yuan(s["capital"]["total"]) for s in summaries],
    }
    for label, values in expect.items():
        assert rows[label] == [values], label
    # one block of travel rows per band, in band order
    for i, band in enumerate(("G1_3", "G4_6", "G7_9")):
        for label, key, fmt in (("Average", "mean", i18n.fmt_minutes), ("9 in 10 pupils within", "p90",
                                i18n.fmt_minutes), ("Longest", "max", i18n.fmt_minutes),
                                ("Share beyond the day limit (boarding)", "over_limit_share", i18n.fmt_share)):
            assert rows[label][i] == [fmt(s["travel_minutes"][band][key]) for s in summaries], (band, label)
    assert rows["Public cost per year"] == [[i18n.fmt_yuan(s["cost_public"]["total"]) for s in summaries]]
    assert rows["School buses"] == [[i18n.fmt_int(s["buses"]) for s in summaries]]
    assert rows["School buses bought"] == [[i18n.fmt_yuan(s["capital"]["buses"]) for s in summaries]]
    # differences from the reference, with arrows and a tone
    closed = summaries[2]["schools_closed"] - summaries[0]["schools_closed"]
    assert f'<span class="diff neutral">▲ +{closed}</span>' in page
    saving = summaries[2]["cost"]["total"] - summaries[0]["cost"]["total"]
    assert f'<span class="diff better">▼ {i18n.fmt_signed(saving, "yuan")}</span>' in page


def test_action_list_names_the_schools_that_differ(runs, compared):
    page = _text((compared["en"] / "comparison.html").read_text(encoding="utf-8"))
    base = pd.read_csv(runs["baseline"] / "schools.csv", dtype={"school_id": str}).set_index("school_id")
    bus = pd.read_csv(runs["young_by_bus"] / "schools.csv", dtype={"school_id": str}).set_index("school_id")
    closed = [s for s in bus.index if bus.at[s, "role"] == "closed" and base.at[s, "role"] == "kept"]
    assert closed
    for sid in closed:
        line = f"{bus.at[sid, 'name']} ({sid}): closed in young_by_bus; kept in baseline and g4_6_day_60min"
        assert line in page
    hubs = [s for s in bus.index if bus.at[s, "role"] == "hub" and base.at[s, "role"] == "kept"]
    for sid in hubs:
        assert f"{bus.at[sid, 'name']} ({sid}): hub in young_by_bus" in page
    g46 = pd.read_csv(runs["g4_6_day_60min"] / "schools.csv", dtype={"school_id": str}).set_index("school_id")
    same = [s for s in bus.index if bus.at[s, "role"] == base.at[s, "role"] == g46.at[s, "role"]]
    assert same
    for sid in same:
        assert f"({sid}):" not in page


def test_building_differences_are_actions(runs):
    folders = load_runs([runs["baseline"], runs["young_by_bus"]])
    schools = folders[1].schools.copy()
    schools.loc[schools["school_id"] == "S29", "beds_added"] = 120
    folders[1].schools = schools
    items = decisions(Comparison(runs=folders, lang="en"))
    assert "Weiling Township Central School (S29): +120 beds in young_by_bus only" in items
    zh = decisions(Comparison(runs=folders, lang="zh"))
    assert "Weiling Township Central School (S29)：仅 young_by_bus 新增床位 120" in zh


def test_scenario_settings_that_differ(compared):
    page = (compared["en"] / "comparison.html").read_text(encoding="utf-8")
    assert "rules.G4_6.max_minutes: 40 -> 60" in page
    assert "rules.G1_3.mode: walk -> bus" in page
    assert "description:" not in page and "name: baseline" not in page
    assert "Grades 4-6: longest one-way day trip, minutes" in page  # the key in plain words
    assert "4-6年级走读单程时限（分钟）" in (compared["zh"] / "comparison.html").read_text(encoding="utf-8")


def test_page_is_self_contained_and_has_figures(compared):
    page = (compared["en"] / "comparison.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 2  # maps, travel
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "@import" not in page and "<script" not in page


def test_chinese_comparison(runs, compared):
    page = (compared["zh"] / "comparison.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    for word in ("主要指标", "撤并", "保留", "接收学校", "不同的决定", "1-3年级", "年度合计",
                 i18n.fmt_yuan(_summary(runs["young_by_bus"])["cost"]["total"], "zh")):
        assert word in page, word
    headings = re.findall(r"<(h1|h2|th)[^>]*>(.*?)</\1>", page, re.S)
    english = [h for _, h in headings if re.search(r"[A-Za-z]{3,}", re.sub(r"<[^>]+>|baseline|g4_6_day_60min|"
                                                                         r"young_by_bus", "", h))]
    assert english == []
    assert "rules.G4_6.max_minutes: 40 -> 60" in page
    assert "young_by_bus 撤并" in _text(page)


def _pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", path.read_bytes()))


def test_pdf(compared):
    for lang in ("en", "zh"):
        pdf = compared[lang] / "comparison.pdf"
        assert pdf.read_bytes()[:5] == b"%PDF-"
        assert _pdf_pages(pdf) >= 2
    from consolidation.report._mapkit import cjk_font

    if cjk_font() is not None:
        assert b"NotoSansCJK" in (compared["zh"] / "comparison.pdf").read_bytes() or b"CJK" in (
            compared["zh"] / "comparison.pdf").read_bytes()


def test_refuses_runs_of_different_data_unless_forced(runs, tmp_path):
    other = tmp_path / "other_data"
    shutil.copytree(runs["young_by_bus"], other)
    record = json.loads((other / "run.json").read_text())
    record["inputs"]["villages"]["sha256"] = "0" * 64
    (other / "run.json").write_text(json.dumps(record))
    with pytest.raises(InputError) as err:
        compare_runs([runs["baseline"], other], tmp_path / "cmp")
    message = str(err.value)
    assert "'baseline'" in message and "'young_by_bus'" in message and str(other) in message
    assert "villages" in message and "SHA-256" in message and "--force" in message
    assert "schools data" not in message  # only the file that differs
    assert not (tmp_path / "cmp").exists()
    out = compare_runs([runs["baseline"], other], tmp_path / "cmp", force=True)
    page = (out / "comparison.html").read_text(encoding="utf-8")
    assert "different input data" in page and "villages.csv" in page


def test_output_folder_rules(runs, compared, tmp_path):
    with pytest.raises(OutputError, match="overwrite"):
        compare_runs([runs["baseline"], runs["g4_6_day_60min"]], compared["en"])
    with pytest.raises(OutputError):
        compare_runs([runs["baseline"], runs["g4_6_day_60min"]], runs["baseline"], overwrite=True)
    assert (runs["baseline"] / "summary.json").exists()
    assert not list(compared["en"].parent.glob(".*partial*"))


def test_folders_that_are_not_runs(runs, tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "sweep" / "runs").mkdir(parents=True)
    with pytest.raises(InputError) as err:
        compare_runs([runs["baseline"], tmp_path / "empty", tmp_path / "sweep", tmp_path / "missing"],
                     tmp_path / "out")
    message = str(err.value)
    assert "empty is not a run folder" in message
    assert "sweep is a sweep folder" in message
    assert "missing does not exist" in message
    with pytest.raises(InputError, match="at least two"):
        compare_runs([runs["baseline"]], tmp_path / "out")


def test_infeasible_run_and_run_without_map(runs, tmp_path):
    bad = run_scenario(load_scenario(REPO / "scenarios" / "baseline.toml", ["rules.G1_3.max_minutes=1"]),
                       out=tmp_path / "too_strict")
    assert bad.status == "infeasible"
    flat = tmp_path / "no_coordinates"
    shutil.copytree(runs["young_by_bus"], flat)
    (flat / "plan.gpkg").unlink()
    out = compare_runs([runs["baseline"], bad.out, flat], tmp_path / "cmp")
    page = (out / "comparison.html").read_text(encoding="utf-8")
    text = _text(page)
    assert "Plans without a result" in text and "no plan meets the rules" in text
    assert bad.summary["reasons"][0][:60] in text
    # two runs of the scenario "baseline": their folder names tell them apart
    assert "Left out, having no plan: too_strict" in text
    folders = load_runs([runs["baseline"], bad.out, flat])
    panels, extent = map_panels(Comparison(runs=folders, lang="en"))
    assert "layers" in panels[0] and extent is not None
    assert panels[1]["message"].startswith("No plan") and panels[2]["message"].startswith("No map")
    assert _pdf_pages(out / "comparison.pdf") >= 2


def test_compare_never_imports_the_solver():
    code = ("import sys, consolidation.compare, consolidation.report.html, consolidation.report.maps; "
            "bad = [m for m in sys.modules if m.startswith(('pulp', 'highspy'))]; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian/Ubuntu: apt-get install chromium; "
                                             "`make test` installs it)")
def test_comparison_in_a_real_browser(runs, compared, tmp_path):
    page = compared["en"] / "comparison.html"
    shot = tmp_path / "shot.png"
    common = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,2000"]
    subprocess.run([*common, f"--screenshot={shot}", page.as_uri()], check=True, capture_output=True, timeout=60)
    img = np.asarray(mpimg.imread(shot))[..., :3]
    assert img.shape[0] >= 1000 and img.shape[1] >= 1000
    assert img.mean(axis=2).std() > 0.05  # not blank
    dom = subprocess.run([*common, "--dump-dom", page.as_uri()], check=True, capture_output=True, timeout=60,
                         text=True).stdout
    text = _text(dom)
    bus = _summary(runs["young_by_bus"])
    for expected in (i18n.fmt_yuan(bus["cost"]["total"]), i18n.fmt_pupils(bus["pupils_moved"]),
                     "rules.G4_6.max_minutes: 40 -> 60", "Headline numbers", "Decisions that differ"):
        assert expected in text, expected
    # the images decoded: the browser laid them out at their natural aspect, not as broken icons
    assert dom.count("data:image/png;base64,") == 2


def test_compare_command(runs, tmp_path):
    from click.testing import CliRunner

    from consolidation import cli

    out = tmp_path / "cmp"
    args = ["compare", str(runs["baseline"]), str(runs["young_by_bus"]), "--out", str(out)]
    result = CliRunner().invoke(cli.main, args)
    assert result.exit_code == 0, result.output
    assert (out / "comparison.html").exists() and (out / "comparison.pdf").exists()
    assert "comparison.html" in result.output
    again = CliRunner().invoke(cli.main, args)  # never replaces an earlier comparison unasked
    assert again.exit_code == 2 and "--overwrite" in again.output
    lone = CliRunner().invoke(cli.main, ["compare", str(runs["baseline"]), "--out", str(tmp_path / "x")])
    assert lone.exit_code == 2 and "at least two" in lone.output
    assert not (tmp_path / "x").exists()
