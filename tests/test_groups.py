"""Education groups (1+N): tiny instances whose best grouping is obvious, the checks in words, the
independent verification, the Bincheng and Jinchuan structures on the example county, and the CLI."""

from __future__ import annotations

import json
import warnings

import pandas as pd
import pytest
from click.testing import CliRunner

from consolidation import cli
from consolidation.checks import check_inputs
from consolidation.errors import InfeasibleError, ScenarioError, VerificationError
from consolidation.groups import GROUP_COLUMNS, form_groups, school_minutes, verify_groups
from consolidation.io import read_inputs
from consolidation.group_model import GROUP_FAMILIES, build_group_model
from consolidation.report import _mapkit as kit
from consolidation.report.group_map import draw_group_map
from consolidation.scenario import load_scenario

from conftest import REPO

X0, Y0 = 500_000.0, 4_000_000.0  # metres in EPSG:4547; with detour 1 at 60 km/h a kilometre is a minute
BINCHENG = REPO / "scenarios" / "bincheng_groups.toml"
JINCHUAN = REPO / "scenarios" / "jinchuan_pairs.toml"


def school(sid: str, km: float, quality: float = 50, km_north: float = 0.0, **extra) -> dict:
    return {"school_id": sid, "name": f"School {sid}", "x": X0 + 1000 * km, "y": Y0 + 1000 * km_north,
            "pupils_g1_3": 10, "capacity": 50, "quality": quality, "teachers": 3, **extra}


def tiny(instance, schools: list[dict], travel=None, **groups):
    """Load a tiny instance's scenario and inputs: minutes between schools equal kilometres."""
    scenario = {"inputs": {"crs": "EPSG:4547"}, "travel": {"detour": 1.0, "bus_kmh": 60.0},
                "groups": {"balance_weight": 0.0, **groups}}
    if travel is not None:
        scenario["inputs"]["complete"] = False
    path = instance(schools=schools, travel=travel, scenario=scenario)
    loaded = load_scenario(path)
    return loaded.scenario, check_inputs(read_inputs(loaded.scenario), loaded.scenario)


def grouping(result) -> dict[str, list[str]]:
    """``{core: [members, nearest first]}``."""
    out: dict[str, list[str]] = {}
    for core, member in zip(result.groups["core_id"], result.groups["member_id"]):
        out.setdefault(core, [])
        if member:
            out[core].append(member)
    return out


# --- hand-checkable instances ------------------------------------------------------------------------------

TWO_CLUSTERS = [school("A1", 0, 80), school("A2", 2, 50), school("A3", 0, 40, km_north=3),
                school("B1", 50, 90), school("B2", 52, 60)]


def test_two_clusters_far_apart_make_two_groups_led_by_the_better_school(instance):
    # A: core A1 costs 2 + 3 minutes - 80 points; core A2 costs 2 + 3.6 - 50. B: core B1 2 - 90; B2 2 - 60.
    scenario, inputs = tiny(instance, TWO_CLUSTERS, max_minutes=10)
    result = form_groups(inputs, scenario)
    assert grouping(result) == {"A1": ["A2", "A3"], "B1": ["B2"]}
    assert list(result.groups.columns) == GROUP_COLUMNS
    assert result.groups["group_id"].tolist() == ["G1", "G1", "G2"]
    assert result.groups["minutes"].tolist() == pytest.approx([2.0, 3.0, 2.0])
    assert result.status == "optimal" and result.outside == ()
    g = result.by_group.set_index("group_id")
    assert g.loc["G1", "members"] == 2 and g.loc["G1", "max_minutes"] == pytest.approx(3.0)
    assert g.loc["G1", "teachers"] == 9 and g.loc["G2", "teachers"] == 6
    assert result.terms == pytest.approx({"minutes": 7.0, "quality": -170.0})
    assert result.objective == pytest.approx(result.solver_objective)
    # The number of groups set explicitly gives the same answer.
    scenario, inputs = tiny(instance, TWO_CLUSTERS, max_minutes=10, count=2)
    assert grouping(form_groups(inputs, scenario)) == {"A1": ["A2", "A3"], "B1": ["B2"]}


LINE = [school("X", 0, 10), school("Y", 5, 10), school("Z", 10, 100)]


def test_quality_weight_trades_teacher_minutes_for_a_better_core(instance):
    # One group of three on a line, 5 km apart: core Y travels 5 + 5 minutes, core Z 10 + 5.
    scenario, inputs = tiny(instance, LINE, count=1, max_minutes=20, quality_weight=0)
    assert grouping(form_groups(inputs, scenario)) == {"Y": ["X", "Z"]}
    scenario, inputs = tiny(instance, LINE, count=1, max_minutes=20, quality_weight=1)
    assert grouping(form_groups(inputs, scenario)) == {"Z": ["Y", "X"]}  # 15 - 100 beats 10 - 10


def test_a_locked_core_leads_even_when_another_core_is_better(instance):
    scenario, inputs = tiny(instance, LINE, cores=["X"], max_minutes=20)
    result = form_groups(inputs, scenario)
    assert grouping(result) == {"X": ["Y", "Z"]}
    assert result.groups["minutes"].tolist() == pytest.approx([5.0, 10.0])


def test_min_core_quality_and_candidates_decide_who_may_lead(instance):
    scenario, inputs = tiny(instance, LINE, count=1, max_minutes=20, quality_weight=0, min_core_quality=50)
    assert grouping(form_groups(inputs, scenario)) == {"Z": ["Y", "X"]}
    scenario, inputs = tiny(instance, LINE, count=1, max_minutes=20, core_candidates=["X"])
    assert grouping(form_groups(inputs, scenario)) == {"X": ["Y", "Z"]}


# C and D may lead (two groups); A, B and E are members. Best: C{A, B}, D{E} = 2 + 4 + 2 minutes.
LOCKS = [school("C", 0, 90), school("A", 2), school("B", 4), school("D", 10, 80), school("E", 12)]
LOCK_RULES = {"count": 2, "core_candidates": ["C", "D"], "max_minutes": 10}


@pytest.mark.parametrize(("locks", "expected"), [
    ({}, {"C": ["A", "B"], "D": ["E"]}),
    ({"apart": [["A", "B"]]}, {"C": ["A"], "D": ["E", "B"]}),  # 2 + 2 + 6
    ({"together": [["A", "E"]]}, {"C": ["B"], "D": ["E", "A"]}),  # 4 + 2 + 8
])
def test_pairs_locked_together_or_apart_change_the_groups(instance, locks, expected):
    scenario, inputs = tiny(instance, LOCKS, **LOCK_RULES, **locks)
    assert grouping(form_groups(inputs, scenario)) == expected


def test_pairs_outside_any_group_with_everyone_false(instance):
    # Two cores, one member each (Jinchuan pairs): each core takes its nearest school, the others stay out.
    schools = [school("C", 0, 90), school("A", 2), school("B", 4), school("D", 10, 80), school("E", 12)]
    scenario, inputs = tiny(instance, schools, cores=["C", "D"], min_members=1, max_members=1, everyone=False,
                            max_minutes=10)
    result = form_groups(inputs, scenario)
    assert grouping(result) == {"C": ["A"], "D": ["E"]}
    assert result.outside == ("B",)


def test_sizes_are_balanced_when_asked(instance):
    # Six members on a line between two cores at 0 and 9 km: nearest core gives sizes 4 and 2 (S4 at 4 km
    # goes to C); weighing one member of imbalance at 5 minutes moves S4 to D (1 minute more), sizes 3 and 3.
    schools = [school("C", 0, 90), school("D", 9, 90)] + [school(f"S{k}", k) for k in (1, 2, 3, 4, 7, 8)]
    rules = {"count": 2, "core_candidates": ["C", "D"], "max_minutes": 10, "max_members": 4}
    scenario, inputs = tiny(instance, schools, **rules)
    assert grouping(form_groups(inputs, scenario)) == {"C": ["S1", "S2", "S3", "S4"], "D": ["S8", "S7"]}
    scenario, inputs = tiny(instance, schools, **rules, balance_weight=5)
    result = form_groups(inputs, scenario)
    assert grouping(result) == {"C": ["S1", "S2", "S3"], "D": ["S8", "S7", "S4"]}
    assert result.terms["balance"] == 0


def test_listed_travel_overrides_distance_both_ways(instance):
    scenario, inputs = tiny(instance, TWO_CLUSTERS, travel=[("A1", "B1", 7.0)], max_minutes=10)
    minutes = school_minutes(inputs, scenario)
    assert minutes.at["A1", "B1"] == minutes.at["B1", "A1"] == 7.0
    assert minutes.at["A1", "A2"] == pytest.approx(2.0) and minutes.at["A2", "A2"] == 0.0


def test_no_variable_for_pairs_beyond_the_limit(instance):
    scenario, inputs = tiny(instance, TWO_CLUSTERS, max_minutes=10)
    result = form_groups(inputs, scenario)
    assert result.groups["minutes"].max() <= 10
    pairs = pd.DataFrame({"core_id": ["A1", "A2"], "member_id": ["A2", "A1"], "minutes": [2.0, 2.0]})
    model = build_group_model(["A1", "A2"], pairs, ["A1", "A2"], {"A1": 80.0}, scenario.groups, count=1)
    assert len(model.problem.variables()) == 4  # core x 2, member x 2: nothing for the far pairs
    assert {v.name for v in model.problem.variables()} == {"core__A1", "core__A2", "member__A1__A2",
                                                           "member__A2__A1"}
    for name, add in GROUP_FAMILIES.items():
        assert add.__doc__ and "``" in add.__doc__, name


# --- infeasible and bad settings, in words -----------------------------------------------------------------


def test_a_school_out_of_reach_is_named_with_its_nearest_core(instance):
    schools = [*TWO_CLUSTERS, school("F", 0, 20, km_north=30)]
    scenario, inputs = tiny(instance, schools, max_minutes=10, core_candidates=["A1", "B1"])
    with pytest.raises(InfeasibleError) as caught:
        form_groups(inputs, scenario)
    assert len(caught.value.reasons) == 1
    reason = caught.value.reasons[0]
    assert "F (School F) cannot join any group" in reason and "A1 (School A1), is 30.0 min away" in reason
    assert "groups.max_minutes = 10" in reason
    assert caught.value.exit_code == 3


def test_too_few_groups_for_the_schools_is_said_with_numbers(instance):
    scenario, inputs = tiny(instance, TWO_CLUSTERS, count=1, max_members=2, max_minutes=100)
    with pytest.raises(InfeasibleError, match="1 group of at most 1 \\+ 2 schools holds 3 schools, but 5 take part"):
        form_groups(inputs, scenario)


def test_infeasible_after_solving_names_the_shortest_limit_that_works(instance):
    # Every check before solving passes, but A, B and E, locked apart from each other, need three groups
    # and only C and D may lead: the solver proves it, and relaxing the locks shows why.
    scenario, inputs = tiny(instance, LOCKS, **LOCK_RULES, apart=[["A", "B"], ["B", "E"], ["A", "E"]])
    with pytest.raises(InfeasibleError) as caught:
        form_groups(inputs, scenario)
    text = " ".join(caught.value.reasons)
    assert "groups.together, groups.apart" in text
    assert "No education grouping meets the rules" in str(caught.value)


def test_a_locked_core_closed_in_the_plan_is_named(instance):
    scenario, inputs = tiny(instance, LINE, cores=["X"], max_minutes=20)
    with pytest.raises(InfeasibleError, match="X \\(School X\\) is locked as a core .* does not take part"):
        form_groups(inputs, scenario, open_ids=["Y", "Z"])


def test_a_pair_locked_apart_with_a_closed_school_holds_by_itself(instance):
    scenario, inputs = tiny(instance, LINE, count=1, max_minutes=20, apart=[["X", "Y"]])
    assert grouping(form_groups(inputs, scenario, open_ids=["Y", "Z"])) == {"Z": ["Y"]}
    with pytest.raises(InfeasibleError, match="No school takes part"):
        form_groups(inputs, scenario, open_ids=[])


def test_unknown_ids_name_the_key_and_the_fix(instance):
    scenario, inputs = tiny(instance, LINE, cores=["X", "Q9"], together=[["Y", "Q8"]])
    with pytest.raises(ScenarioError) as caught:
        form_groups(inputs, scenario)
    text = str(caught.value)
    assert "groups.cores names schools that are not in" in text and "Q9" in text
    assert "groups.together" in text and "Q8" in text and "use school_id values from that file" in text
    assert caught.value.exit_code == 2


# --- independent verification ------------------------------------------------------------------------------


def test_verify_groups_catches_a_broken_table(instance):
    scenario, inputs = tiny(instance, TWO_CLUSTERS, max_minutes=10)
    good = form_groups(inputs, scenario).groups
    part = ["A1", "A2", "A3", "B1", "B2"]
    verify_groups(good, inputs, scenario, part)
    minutes = school_minutes(inputs, scenario)
    broken = {
        "in more than one place": pd.concat([good, pd.DataFrame([{"group_id": "G2", "core_id": "B1",
                                                                   "member_id": "A2", "minutes": 48.0}])]),
        "in no group": good[good["member_id"] != "A3"],
        "not the travel data's": good.assign(minutes=[2.0, 1.0, 2.0]),
        "beyond groups.max_minutes": good.replace({"A3": "B2", "B2": "A3"}).assign(
            minutes=[2.0, minutes.at["A1", "B2"], minutes.at["B1", "A3"]]),
        "outside 1-4 members": good[good["core_id"] == "A1"].pipe(lambda t: pd.concat(
            [t, pd.DataFrame([{"group_id": "G2", "core_id": "B1", "member_id": "", "minutes": None},
                              {"group_id": "G3", "core_id": "B2", "member_id": "", "minutes": None}])])),
    }
    for words, table in broken.items():
        with pytest.raises(VerificationError, match=words):
            verify_groups(table.reset_index(drop=True), inputs, scenario, part)


# --- the example county: Bincheng and Jinchuan --------------------------------------------------------------


@pytest.fixture(scope="module")
def example():
    def load(path, *overrides):
        scenario = load_scenario(path, list(overrides)).scenario
        return scenario, check_inputs(read_inputs(scenario), scenario)

    return load


def test_bincheng_structure(example):
    scenario, inputs = example(BINCHENG)
    result = form_groups(inputs, scenario)
    g = result.groups
    assert len(result.by_group) == 8 and result.status == "optimal"
    assert result.by_group["members"].between(1, 4).all()
    everyone = list(g["core_id"].unique()) + g["member_id"].tolist()
    assert sorted(everyone) == sorted(inputs.schools["school_id"]) and len(everyone) == 34  # each exactly once
    assert (g["minutes"] <= scenario.groups.max_minutes).all()
    quality = inputs.schools.set_index("school_id")["quality"]
    assert (quality[list(g["core_id"].unique())] >= 50).all()
    assert not g["core_id"].isin(inputs.schools.loc[inputs.schools["bands"] == "G1_3", "school_id"]).any()


def test_jinchuan_structure(example):
    scenario, inputs = example(JINCHUAN)
    result = form_groups(inputs, scenario)
    g = result.groups
    assert sorted(g["core_id"]) == ["S31", "S32", "S33", "S34"]
    assert result.by_group["members"].tolist() == [1, 1, 1, 1]
    kind = inputs.schools.set_index("school_id")["kind"]
    assert set(kind[g["member_id"]]) <= {"village", "township"}
    assert len(result.outside) == 34 - 8


def test_group_map_in_chinese_has_every_glyph(example, tmp_path):
    if kit.cjk_font() is None:
        pytest.skip("no CJK font installed (Debian/Ubuntu: apt-get install fonts-noto-cjk)")
    scenario, inputs = example(JINCHUAN)
    result = form_groups(inputs, scenario)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw_group_map(schools=inputs.schools, groups=result.groups, boundary=inputs.boundary,
                       path=tmp_path / "groups.png", title="金川", limit=45, lang="zh")
    assert [str(w.message) for w in caught if "missing from" in str(w.message)] == []
    assert (tmp_path / "groups.png").stat().st_size > 50_000


# --- the command line ---------------------------------------------------------------------------------------


def invoke(*args):
    return CliRunner().invoke(cli.main, [str(a) for a in args], catch_exceptions=False)


def test_group_command_writes_refuses_to_overwrite_and_says_infeasible(tmp_path):
    out = tmp_path / "pairs"
    result = invoke("group", JINCHUAN, "--out", out)
    assert result.exit_code == 0, result.output
    assert "jinchuan_pairs: optimal. 4 groups of 1 member; 8 of 34 schools in a group" in result.output
    for name in ("groups.csv", "groups.png", "groups.html", "run.json"):
        assert (out / name).stat().st_size > 0, name
    table = pd.read_csv(out / "groups.csv", dtype=str)
    assert list(table.columns) == GROUP_COLUMNS and len(table) == 4
    run = json.loads((out / "run.json").read_text())
    assert run["summary"]["groups"] == 4 and len(run["inputs"]["schools"]["sha256"]) == 64
    html = (out / "groups.html").read_text()
    assert "Education groups" in html and "data:image/png;base64," in html and "Qilihe No.2 Nine-Year School" in html
    assert not list(tmp_path.glob(".*partial*"))

    again = invoke("group", JINCHUAN, "--out", out)
    assert again.exit_code == 2 and "already exists" in again.output
    assert invoke("group", JINCHUAN, "--out", out, "--overwrite", "--lang", "zh").exit_code == 0
    assert "教育集团" in (out / "groups.html").read_text()

    stuck = invoke("group", BINCHENG, "--out", tmp_path / "stuck", "--set", "groups.max_minutes=20")
    assert stuck.exit_code == 3
    assert "cannot join any group" in stuck.output and not (tmp_path / "stuck").exists()


def test_run_with_groups_enabled_reports_them(tmp_path, example_run):
    out = tmp_path / "run"
    result = invoke("run", JINCHUAN, "--out", out)
    assert result.exit_code == 0, result.output
    assert (out / "groups.csv").exists() and (out / "groups.png").stat().st_size > 0
    assert json.loads((out / "summary.json").read_text())["groups"] == 4
    html = (out / "report.html").read_text()
    assert "<h2>Education groups</h2>" in html and "Kangjialiang Village Primary (S12)" in html
    plain = example_run("baseline").out  # no [groups]: no groups section, no groups.csv
    assert "Education groups" not in (plain / "report.html").read_text()
    assert not (plain / "groups.csv").exists()
