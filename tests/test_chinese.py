"""Chinese as the seeds write it: sentences made in code in Chinese, the glossary of roles and terms, no English
sentence in a Chinese report besides names, IDs, numbers, units, scenario keys and file names."""

from __future__ import annotations

import json
import pickle
import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from consolidation import i18n
from consolidation.messages import SENTENCES, Message, band, fields, ids, join, say, term, text, texts
from consolidation.pipeline import run_scenario
from consolidation.report.html import description, hub_role, render_report, said, school_role_label
from consolidation.scenario import load_scenario

from conftest import REPO

GLOSSARY = [
    # (catalogue key, English, Chinese): each role and headline term, as the seeds (domain.md) write it
    ("role.hub", "Hub", "接收学校"),
    ("role.hub_boarding", "Hub, boarding school", "寄宿制学校（接收）"),
    ("role.hub_nine_year", "Hub, nine-year school", "九年一贯制学校（接收）"),
    ("role.hub_nine_year_boarding", "Hub, nine-year boarding school", "九年一贯制寄宿制学校（接收）"),
    ("role.hub_township", "Hub, township central school", "中心校（接收）"),
    ("role.hub_city", "Hub, city school", "城区学校（接收）"),
    ("role.kept", "Kept", "保留"),
    ("role.teaching_point", "Teaching point", "教学点"),
    ("role.closed", "Closed", "撤并"),
    ("card.open", "Schools open", "开办学校"),
    ("card.closed", "Schools closed", "撤并学校"),
    ("card.hubs", "Hubs", "接收学校"),
    ("card.moved", "Pupils moved", "分流学生"),
    ("card.boarders", "Boarders", "寄宿生"),
    ("card.places", "Places added", "新增学位"),
    ("card.beds", "Beds added", "新增床位"),
    ("card.public", "Public cost a year", "年度财政支出"),
    ("card.capital", "One-off capital", "一次性建设投入"),
    ("mode.day", "Day", "走读"),
    ("mode.board", "Boarding", "寄宿"),
    ("teachers.card_redeployed", "Teachers redeployed", "调配师资"),
    ("teachers.card_life", "Life teachers", "生活教师"),
    ("teachers.card_to_life", "Turned life teachers", "转岗生活教师"),
    ("group.section", "Education groups", "教育集团"),
    ("group.th_core", "Core school", "核心校"),
    ("group.th_members", "Member schools", "成员校"),
]
HEADLINE = [k for k, _, _ in GLOSSARY if k.startswith("card.") or k == "mode.day"]
"""Terms every report with a plan shows (roles depend on the plan: checked school by school)."""

NOT_SEED_TERMS = ("转学", "生活老师")
"""Words the seeds do not use for what the planner means: pupils moved are 分流学生, life teachers 生活教师."""


def _fill(template: str) -> str:
    return template.format(**{f: 1 for f in fields(template)})


# --- messages -----------------------------------------------------------------------------------------------------

def test_every_sentence_in_both_languages_with_the_same_fields():
    for key, (en, zh) in SENTENCES.items():
        assert fields(en) == fields(zh), key
        assert re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", zh), f"{key}: no Chinese in {zh!r}"
        assert not english_runs(_fill(zh)), f"{key}: English left in {zh!r}"
        for word in NOT_SEED_TERMS:
            assert word not in zh, (key, word)


def test_a_message_is_its_english_and_knows_its_chinese():
    m = say("reason.too_few_places", pupils="1,200", places="900")
    assert m == ("1,200 pupils but only 900 places at most in the schools that may stay open: raise max_capacity "
                 "or unlock closed schools.")
    assert isinstance(m, str) and text(m, "en") == str(m) and text(m, "zh") == m.zh
    assert m.zh.startswith("共 1,200 名学生") and "max_capacity" in m.zh
    assert text("plain words", "zh") == "plain words"  # a plain str is shown as it is
    again = pickle.loads(pickle.dumps(m))  # Dask workers pickle summaries
    assert isinstance(again, Message) and again.zh == m.zh and again == m
    assert json.dumps([m]) == json.dumps([str(m)])  # summary.json: the English, as before


def test_fields_are_filled_in_each_language():
    nested = say("reason.in_year", year=2027, reason=say("reason.open_exactly", n=5, usable=3))
    assert nested == "2027: [schools] open_exactly = 5 but only 3 schools are not locked closed."
    assert nested.zh == "2027学年：[schools] open_exactly = 5，但未被锁定撤并的学校只有 3 所。"
    assert band("G4_6") == "G4_6" and band("G4_6").zh == "4-6年级"
    assert ids(["S1", "S2"]) == "S1, S2" and ids(["S1", "S2"]).zh == "S1、S2"
    many = ids([f"S{i}" for i in range(13)])
    assert many == "S0, S1, S2, S3, S4, S5, S6, S7, S8, S9 and 3 more" and many.zh.endswith("S9 及另外 3 个")
    assert join([term("word.places"), "x"], ", ").zh == "学位，x"
    assert texts([nested, "y"], "zh") == [nested.zh, "y"] and texts(None) == []
    with pytest.raises(KeyError):
        say("no.such.sentence")


# --- glossary -----------------------------------------------------------------------------------------------------

def test_glossary_in_the_catalogue():
    for key, en, zh in GLOSSARY:
        assert i18n.text(key, "en") == en, key
        assert i18n.text(key, "zh") == zh, key
    for key, value in i18n.ZH.items():
        for word in NOT_SEED_TERMS:
            assert word not in value, (key, word)
        # 中心校: a township central school, never a city school or any hub (points.central labels only schools
        # of kind township; the section and the map's line are about teaching points under township schools)
        if key not in ("role.hub_township", "points.central", "points.section", "map.parent_link"):
            assert "中心校" not in value, key


@pytest.mark.parametrize(("row", "key"), [
    ({"role": "hub", "boarders": 12, "bands": "G1_3,G4_6,G7_9", "kind": "township"}, "role.hub_nine_year_boarding"),
    ({"role": "hub", "boarders": 12, "bands": "G1_3,G4_6", "kind": "township"}, "role.hub_boarding"),
    ({"role": "hub", "boarders": 0, "bands": "G1_3,G4_6,G7_9", "kind": "city"}, "role.hub_nine_year"),
    ({"role": "hub", "boarders": 0, "bands": "G1_3,G4_6", "kind": "township"}, "role.hub_township"),
    ({"role": "hub", "boarders": 0, "bands": "G1_3,G4_6", "kind": "city"}, "role.hub_city"),
    ({"role": "hub", "boarders": 0, "bands": "G4_6"}, "role.hub"),
    ({"role": "hub", "boarders": 0, "pupils_g1_3": 5, "pupils_g4_6": 5, "pupils_g7_9": 5}, "role.hub_nine_year"),
])
def test_a_hub_is_named_by_what_it_is(row, key):
    row = pd.Series(row)
    assert hub_role(row) == key
    assert school_role_label(row, "zh") == i18n.text(key, "zh")
    assert school_role_label(pd.Series({"role": "closed", "kind": "township"}), "zh") == "撤并"


def _render(result, lang: str) -> str:
    staff = result.staffing
    return render_report(summary=result.summary, schools=result.plan.schools, assignments=result.plan.assignments,
                         lang=lang, redeployments=staff.moves if staff is not None and staff.known else None)


def test_glossary_in_the_rendered_reports(example_run):
    result = example_run("baseline")
    pages = {lang: _render(result, lang) for lang in i18n.LANGS}
    table = {key: (en, zh) for key, en, zh in GLOSSARY}
    for key in HEADLINE + ["teachers.card_redeployed", "teachers.card_life", "teachers.card_to_life"]:
        en, zh = table[key]
        assert en in pages["en"], en
        assert zh in pages["zh"], zh
    schools = result.plan.schools
    assert (schools["role"] == "hub").any() and (schools["role"] == "kept").any()
    for _, row in schools.iterrows():
        en, zh = table[hub_role(row) if row["role"] == "hub" else f"role.{row['role']}"]
        assert f">{en}<" in pages["en"] and f">{zh}<" in pages["zh"], row["school_id"]


# --- no English sentence in a Chinese report ----------------------------------------------------------------------

class _Visible(HTMLParser):
    """The text a reader sees: element text and alt/title/aria-label attributes, without style and script."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")
        self.parts += [v for k, v in attrs if k in ("alt", "title", "aria-label") and v]

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


CODE = [r"\[[a-z_]+\]\s*[a-z_]+",                      # [budget] capital
        r"\b[A-Za-z_]+(?:\.[A-Za-z0-9_]+)+\b",         # rules.G4_6.max_minutes, file.csv, data/roads.gpkg
        r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b",               # max_capacity, teaching_points
        r"\b[A-Z]+[0-9][0-9_]*\b|\bG[0-9]_[0-9]\b",    # IDs: S01, V042, G4_6
        r"--[a-z-]+", r"\bconsolidation\b", r"\b(?:HiGHS|highs|cbc|CBC)\b",
        r"\b(?:km|min|s|walk|bus|both|split|single|true|false|pip install rasterio)\b"]


def english_runs(page_or_text: str, names=()) -> list[str]:
    """Runs of three or more Latin words left in a text (or an HTML page's visible text) once known names, IDs,
    numbers, units, scenario keys and file names are taken out."""
    if "<" in page_or_text and ">" in page_or_text:
        parser = _Visible()
        parser.feed(page_or_text)
        parts = parser.parts
    else:
        parts = [page_or_text]
    names = sorted({str(n) for n in names if str(n).strip()}, key=len, reverse=True)
    found = []
    for part in parts:
        for name in names:
            part = part.replace(name, " ")
        for pattern in CODE:
            part = re.sub(pattern, " ", part)
        found += re.findall(r"[A-Za-z][A-Za-z'-]*(?:[ ,;:()]+[A-Za-z][A-Za-z'-]*){2,}", part)
    return found


def _names(result, extra=()) -> list[str]:
    plan = result.plan
    inputs_names = list(plan.schools["name"]) if plan is not None else []
    return [*inputs_names, result.summary.get("scenario", ""), *extra]


def test_the_checker_finds_english():
    left = english_runs("学位不足：raise max_capacity or unlock closed schools.")
    assert len(left) == 1 and left[0].endswith("or unlock closed schools")
    assert english_runs("<p>Qilihe No.2 Nine-Year School（S31）：[budget] capital = 0 元</p>",
                        ["Qilihe No.2 Nine-Year School"]) == []


@pytest.mark.parametrize("name", ["baseline", "young_by_bus"])
def test_chinese_report_of_an_example_has_no_english_sentence(example_run, name):
    result = example_run(name)
    villages = pd.read_csv(REPO / "data" / "villages.csv")["name"]
    page = _render(result, "zh")
    assert result.summary["description_zh"] in page
    assert english_runs(page, _names(result, villages)) == []


def _places_instance(instance, **scenario):
    # V1 and V2 reach only A within 15 min; each fits A alone but not both: the solver proves it infeasible
    # and relaxing places explains it (as in test_model).
    schools = [{"school_id": "A", "name": "Alpha", "capacity": 15}, {"school_id": "B", "name": "Beta", "capacity": 100}]
    villages = [{"village_id": v, "name": f"Village {v}", "pupils_g4_6": 10} for v in ("V1", "V2", "V3")]
    travel = [("V1", "A", 5), ("V1", "B", 20), ("V2", "A", 5), ("V2", "B", 20), ("V3", "B", 5)]
    return instance(schools=schools, villages=villages, travel=travel,
                    scenario={"rules": {"G4_6": {"max_minutes": 15}}, **scenario})


def test_reasons_found_by_relaxing_are_in_chinese(instance, tmp_path):
    result = run_scenario(load_scenario(_places_instance(instance)), out=tmp_path / "zh", lang="zh")
    assert result.status == "infeasible"
    page = (tmp_path / "zh" / "report.html").read_text(encoding="utf-8")
    assert "学位不足" in page and "Alpha（A）超出 5 人" in page
    assert english_runs(page, ["Alpha", "Beta", "tiny"]) == []
    stored = json.loads((tmp_path / "zh" / "summary.json").read_text(encoding="utf-8"))
    assert stored["reasons"][0].startswith("Not enough places") and stored["reasons_zh"][0].startswith("学位不足")
    assert said(stored, "reasons", "zh") == stored["reasons_zh"]  # a comparison read from the folder
    assert said(stored, "reasons", "en") == stored["reasons"]


def test_reasons_found_before_solving_are_in_chinese(instance, tmp_path):
    schools = [{"school_id": "A", "name": "Alpha", "capacity": 100, "lock": "open"},
               {"school_id": "B", "name": "Beta", "capacity": 100, "lock": "open"}]
    villages = [{"village_id": "V1", "name": "Faraway", "pupils_g1_3": 7},
                {"village_id": "V2", "name": "Nearby", "pupils_g1_3": 9}]
    path = instance(schools=schools, villages=villages, travel=[("V1", "A", 50), ("V2", "B", 5)],
                    scenario={"schools": {"max_open": 1}})
    result = run_scenario(load_scenario(path), out=tmp_path / "zh", lang="zh")
    assert result.status == "infeasible"
    page = (tmp_path / "zh" / "report.html").read_text(encoding="utf-8")
    assert "Faraway（V1），1-3年级，7 名学生：没有可就读的学校" in page
    assert "超过走读时限 30 分钟，且1-3年级不得寄宿" in page
    assert "有 2 所学校被锁定开办，但 [schools] max_open = 1。" in page
    assert english_runs(page, ["Alpha", "Beta", "Faraway", "tiny"]) == []
    # the English report says the same in English, unchanged
    assert result.summary["reasons"][0].startswith("V1 (Faraway), G1_3, 7 pupils: no school in reach.")


# --- the description ----------------------------------------------------------------------------------------------

def test_description_in_chinese_or_marked_untranslated():
    summary = {"description": "As the baseline.", "description_zh": "同基准方案。"}
    assert description(summary, "zh") == "同基准方案。" and description(summary, "en") == "As the baseline."
    marked = description({"description": "As the baseline."}, "zh")
    assert marked.startswith("（方案说明未译成中文") and marked.endswith("As the baseline.")
    assert description({}, "zh") == ""


def test_a_new_description_drops_the_base_files_chinese(tmp_path):
    base = load_scenario(REPO / "scenarios" / "baseline.toml").scenario
    assert base.description_zh.startswith("政策默认值")
    child = tmp_path / "child.toml"
    child.write_text(f'extends = "{REPO / "scenarios" / "baseline.toml"}"\nname = "child"\n'
                     'description = "Something else."\n')
    assert load_scenario(child).scenario.description_zh == ""
    same = tmp_path / "same.toml"
    same.write_text(f'extends = "{REPO / "scenarios" / "baseline.toml"}"\nname = "same"\n')
    assert load_scenario(same).scenario.description_zh == base.description_zh


def test_every_shipped_scenario_has_a_chinese_description():
    for path in sorted((REPO / "scenarios").glob("*.toml")):
        scenario = load_scenario(path).scenario
        assert scenario.description_zh and re.search(r"[\u4e00-\u9fff]", scenario.description_zh), path.name


def test_reasons_no_education_group_forms_are_in_chinese(instance):
    from consolidation.checks import check_inputs
    from consolidation.errors import InfeasibleError
    from consolidation.groups import form_groups
    from consolidation.io import read_inputs

    schools = [{"school_id": s, "name": f"School {s}", "x": 500_000.0 + 1000 * km, "y": 4_000_000.0,
                "pupils_g1_3": 10, "capacity": 50, "quality": 50, "teachers": 3}
               for s, km in (("A1", 0), ("A2", 2), ("F", 30))]
    path = instance(schools=schools, scenario={"inputs": {"crs": "EPSG:4547"},
                                               "travel": {"detour": 1.0, "bus_kmh": 60.0},
                                               "groups": {"max_minutes": 10, "core_candidates": ["A1"]}})
    scenario = load_scenario(path).scenario
    with pytest.raises(InfeasibleError) as caught:
        form_groups(check_inputs(read_inputs(scenario), scenario), scenario)
    reason = caught.value.reasons[0]
    assert reason.startswith("F (School F) cannot join any group")  # English as before
    assert text(reason, "zh") == ("School F（F）无法加入任何教育集团：最近的可作核心校的学校 School A1（A1）单程 30.0 "
                                  "分钟，而上限 groups.max_minutes = 10。")
    assert english_runs(text(reason, "zh"), ["School F", "School A1"]) == []


def test_budget_lines_are_in_chinese(instance, tmp_path):
    # A holds 10 pupils today and may grow to 100; 20 come: 10 places to build, but nothing may be spent.
    path = instance(schools=[{"school_id": "A", "name": "Alpha", "capacity": 10, "max_capacity": 100}],
                    villages=[{"village_id": "V1", "name": "Upper", "pupils_g4_6": 20}], travel=[("V1", "A", 5)],
                    scenario={"budget": {"capital": 0}})
    result = run_scenario(load_scenario(path), out=tmp_path / "zh", lang="zh")
    assert result.status == "infeasible"
    reason = next(r for r in result.summary["reasons"] if r.startswith("The budget is too small"))
    assert "needs 360,000 yuan one-off (places 360,000), 360,000 more" in reason
    assert reason.zh == ("预算不足：[budget] capital = 0 元，但不设预算上限时成本最低的方案需要一次性投入 360,000 元"
                         "（学位 360,000 元），超出 360,000 元。请提高上限，或放宽需要这些支出的规则。")
    page = (tmp_path / "zh" / "report.html").read_text(encoding="utf-8")
    assert reason.zh in page and english_runs(page, ["Alpha", "Upper", "tiny"]) == []


def test_verification_problems_are_in_chinese(instance):
    import dataclasses

    from consolidation.checks import check_inputs
    from consolidation.io import read_inputs
    from consolidation.plan import verify
    from consolidation.travel import build_pairs

    path = _places_instance(instance, rules={"G4_6": {"max_minutes": 30}})  # now every village fits
    scenario = load_scenario(path).scenario
    inputs = check_inputs(read_inputs(scenario), scenario)
    plan = run_scenario(load_scenario(path)).plan
    a = plan.assignments.copy()
    a["minutes"] = 45.0  # every trip over the 30-minute day limit
    problems = verify(dataclasses.replace(plan, assignments=a), build_pairs(inputs, scenario).demand, inputs, scenario)
    day = next(p for p in problems if "day trips" in p)
    assert day.startswith("G4_6 day trips over 30 min: V")
    assert text(day, "zh").startswith("4-6年级走读单程超过 30 分钟：V")
    assert all(not english_runs(text(p, "zh")) for p in problems), texts(problems, "zh")
