"""One school, several campuses (一校多区): the rule by hand, hostile campus data, random instances, the example.

The hand-checkable instance is :func:`test_small_school_stays_open_as_a_campus_when_the_shared_post_pays`; the
golden LP file of the family is ``tests/golden/campuses.lp`` (checked with the others in test_model.py).
"""

from __future__ import annotations

import random

import pandas as pd
import pytest

from consolidation.pipeline import run_scenario
from consolidation.scenario import load_scenario

from conftest import write_instance
from hostile import assert_refused, invoke

PAID = {"costs": {"teacher_salary": 90_000}}
"""Teachers paid; the schools have no teachers column, so every post is a recruit (its pay is the saving)."""


def _tiny(instance, *, campuses: dict | None = None, **extra):
    """A big school S1 (190 pupils of grades 1-3) and a small one S2 (30), 10 minutes apart."""
    schools = [{"school_id": "S1", "name": "Big", "pupils_g1_3": 190, "capacity": 500},
               {"school_id": "S2", "name": "Small", "pupils_g1_3": 30, "capacity": 60}]
    travel = [("S1", "S1", 0), ("S2", "S2", 0), ("S1", "S2", 10), ("S2", "S1", 10)]
    scenario = {**PAID, "campuses": campuses or {}, **extra}
    return instance(schools=schools, travel=travel, scenario=scenario)


def _run(path, *overrides):
    return run_scenario(load_scenario(path, list(overrides)))


def test_small_school_stays_open_as_a_campus_when_the_shared_post_pays(instance, tmp_path):
    """Close S2, or keep it as a campus of S1: worked out by hand (default prices, 90,000 yuan a post).

    Posts are ``ceil(max(pupils / 19, 1.7 x classes of 45))``. S1 alone: 190 / 19 = 10, 5 classes x 1.7 = 8.5:
    10 posts. S2 alone: 30 / 19 = 1.58, 1 class x 1.7 = 1.7: 2 posts. S1 with S2's pupils: 220 / 19 = 11.58:
    12 posts.

    - Both open on their own: 2 x 65,000 + 12 posts x 90,000 = 1,210,000 yuan a year.
    - S2 closed: 65,000 + 12 x 90,000 + 30 pupils x 10 minutes x 100 = 1,175,000: the cheapest without campuses.
    - S2 a campus of S1 (shared_posts 1: one head): S2 needs ceil(1.7 - 1) = 1 post, so 2 x 65,000 + 11 x 90,000
      + 10 minutes x 500 yuan (staff between the campuses) = 1,125,000: 50,000 less than closing it.
    """
    without = _run(_tiny(instance))
    assert without.summary["objective"] == pytest.approx(1_175_000)
    s = without.plan.schools.set_index("school_id")
    assert s.at["S2", "role"] == "closed" and s.at["S2", "parent_id"] == ""

    allowed = run_scenario(load_scenario(_tiny(instance, campuses={"allowed": True, "mains": ["S1"]})),
                           out=tmp_path / "run")
    assert allowed.summary["objective"] == pytest.approx(1_125_000)
    s = allowed.plan.schools.set_index("school_id")
    assert (s.at["S2", "role"], s.at["S2", "parent_id"], s.at["S2", "posts"], s.at["S1", "posts"]) == \
        ("campus", "S1", 1, 10)
    assert s.at["S2", "posts_shared"] == 1 and s.at["S2", "campus_minutes"] == 10
    # the budget, the teachers stage and the schools' costs agree on the 11 posts
    assert allowed.summary["cost"]["teachers"] == pytest.approx(11 * 90_000)
    assert allowed.summary["teachers_needed"] == 11 and allowed.summary["campuses"] == 1
    assert allowed.summary["cost"]["campuses"] == pytest.approx(5_000)
    assert s["cost_public"].sum() == pytest.approx(allowed.summary["cost_public"]["total"])
    _outputs(allowed, tmp_path / "run")

    # the pair locked, with the shared post worth nothing (no pay): closing S2 is cheaper again, the pair ends
    unpaid = _run(_tiny(instance, campuses={"pairs": {"S2": "S1"}}), "costs.teacher_salary=0")
    assert unpaid.plan.schools.set_index("school_id").at["S2", "role"] == "closed"


def _outputs(result, folder):
    """schools.csv's role and parent_id, campuses.csv, and the report's section in English and Chinese."""
    from consolidation.report.campuses import institutions
    from consolidation.report.html import render_report
    from consolidation.scenario import Teachers

    schools = pd.read_csv(folder / "schools.csv", dtype={"parent_id": str}, keep_default_na=False)
    assert list(schools["parent_id"]) == ["", "S1"] and list(schools["role"]) == ["kept", "campus"]
    table = pd.read_csv(folder / "campuses.csv", keep_default_na=False)
    assert table.to_dict("records") == [{"school_id": "S1", "name": "Big", "campus_ids": "S2", "sites": 2,
                                         "pupils": 220, "classes": 6, "posts": 11, "posts_shared": 1,
                                         "life_teachers": 0, "max_minutes": 10}]
    html = (folder / "report.html").read_text()
    assert "One school, several campuses" in html and "one school, two campuses" in html
    zh = render_report(summary=result.summary, schools=result.plan.schools, assignments=result.plan.assignments,
                       lang="zh", campuses=institutions(result.plan.schools, Teachers()))
    assert "一校多区" in zh and "一校两区" in zh and "主校区" in zh
    three = result.plan.schools.copy()
    three.loc[2] = {**three.iloc[1].to_dict(), "school_id": "S3", "name": "Third"}
    assert "一校多区（3个校区）" in render_report(
        summary=result.summary, schools=three, assignments=result.plan.assignments, lang="zh",
        campuses=institutions(three, Teachers()))


# ------------------------------------------------------------------------------------------- hostile data


def _county(folder, campus_of: dict[str, str], **scenario):
    """Schools A, B, C, D, E and teaching point T; every pair 10 minutes apart but A-C, 40."""
    ids = ("A", "B", "C", "D", "E", "T")
    schools = [{"school_id": sid, "name": f"School {sid}", "pupils_g1_3": 20, "capacity": 100,
                "bands": "G1_3" if sid == "T" else "G1_3,G4_6", "campus_of": campus_of.get(sid, "")} for sid in ids]
    travel = [(a, b, 0 if a == b else (40 if {a, b} == {"A", "C"} else 10)) for a in ids for b in ids]
    return write_instance(folder, schools=schools, travel=travel, scenario=scenario)


@pytest.mark.parametrize("campus_of, scenario, culprits", [
    # every problem of the column at once: unknown ID (and formula-looking text), itself, teaching points
    ({"B": "Z9", "C": "=HYPERLINK(\"http://x\")", "D": "D", "T": "A", "E": "T"}, {},
     ["schools.csv", "column campus_of", "school_id B, C", "Z9", "HYPERLINK", "school_id D", "themselves",
      "school_id E, T", "teaching point", "leave it blank"]),
    ({"B": "A", "A": "E"}, {}, ["schools.csv", "campus_of", "school_id B", "themselves campuses"]),
    ({"C": "A"}, {}, ["schools.csv", "campus_of", "C -> A", "40.0 min", "max_minutes = 20"]),
    ({"B": "A", "D": "A"}, {}, ["campus_of", "A", "max_campuses = 1"]),
    ({"B": "A"}, {"campuses": {"pairs": {"B": "E", "Z8": "A", "D": "Z9"}, "mains": ["Q1"], "max_campuses": 2}},
     ["[campuses] pairs", "Z8", "school_id D", "Z9", "[campuses] mains", "Q1", "school_id B",
      "two different main"]),
])
def test_hostile_campus_data_refused(tmp_path, campus_of, scenario, culprits):
    path = _county(tmp_path / "c", campus_of, **scenario)
    assert_refused(invoke("validate", path), *culprits)


@pytest.mark.parametrize("pairs, words", [({"B": "B"}, "itself"), ({"B": "A", "A": "C"}, "must not be a campus")])
def test_hostile_scenario_pairs_refused(tmp_path, pairs, words):
    path = _county(tmp_path / "c", {}, campuses={"pairs": pairs})
    assert_refused(invoke("validate", path), "campuses.pairs", words)


def test_numeric_ids_and_blank_cells_read(tmp_path):
    """School IDs written as numbers (1001, 1002) and blank campus_of cells: read as IDs and as none."""
    schools = [{"school_id": 1001, "name": "Town", "pupils_g1_3": 100, "capacity": 200, "campus_of": None},
               {"school_id": 1002, "name": "Village", "pupils_g1_3": 20, "capacity": 40, "campus_of": 1001,
                "lock": "open"}]  # kept open, so the data's campus stays one
    travel = [(a, b, 0 if a == b else 10) for a in (1001, 1002) for b in (1001, 1002)]
    path = write_instance(tmp_path / "n", schools=schools, travel=travel, scenario={"solver": {"time_limit_s": 20}})
    result = _run(path)
    s = result.plan.schools.set_index("school_id")
    assert (s.at["1002", "role"], s.at["1002", "parent_id"], s.at["1001", "parent_id"]) == ("campus", "1001", "")


# ------------------------------------------------------------------------------------------- properties


def test_random_instances_verify_and_campuses_never_cost_more(tmp_path):
    """On random small counties the plans verify, and allowing campuses never costs more than not."""
    rng = random.Random(15)
    for k in range(3):
        n = rng.randint(3, 5)
        ids = [f"S{i}" for i in range(n)]
        xy = {s: (rng.uniform(0, 30), rng.uniform(0, 30)) for s in ids}
        schools = [{"school_id": s, "name": s, "pupils_g1_3": rng.randint(5, 120), "pupils_g4_6": rng.randint(0, 80),
                    "capacity": 400} for s in ids]
        travel = [(a, b, round(((xy[a][0] - xy[b][0]) ** 2 + (xy[a][1] - xy[b][1]) ** 2) ** 0.5, 1))
                  for a in ids for b in ids]
        path = write_instance(tmp_path / f"r{k}", schools=schools, travel=travel, scenario={
            **PAID, "rules": {"G1_3": {"max_minutes": 25}, "G4_6": {"max_minutes": 40}},
            "campuses": {"max_minutes": 20, "max_campuses": rng.randint(1, 2)},
            "solver": {"time_limit_s": 20, "gap": 0}})
        without = _run(path)
        allowed = _run(path, "campuses.allowed=true")
        assert allowed.status == without.status == "optimal"
        assert allowed.summary["objective"] <= without.summary["objective"] + 1e-6
        s = allowed.plan.schools.set_index("school_id")
        for _, row in s[s["role"] == "campus"].iterrows():
            main = row["parent_id"]
            assert s.at[main, "open"] == 1 and s.at[main, "role"] != "campus"
            assert row["campus_minutes"] <= 20


def test_a_campus_stays_one_across_a_programme(instance):
    """In a two-year programme the campus made in the first year is still one in the second."""
    path = _tiny(instance, campuses={"allowed": True, "mains": ["S1"]},
                 years={"first": 2026, "last": 2027, "lead_years": 1}, solver={"time_limit_s": 20})
    result = _run(path)
    assert result.status == "optimal"
    for plan in result.programme.plans:
        s = plan.schools.set_index("school_id")
        assert (s.at["S2", "role"], s.at["S2", "parent_id"]) == ("campus", "S1")


# ------------------------------------------------------------------------------------------- the example


def test_jinchuan_campuses_example(example_run):
    result = example_run("jinchuan_campuses")
    assert result.status == "optimal"
    s = result.plan.schools.set_index("school_id")
    campuses = s[s["role"] == "campus"]["parent_id"].to_dict()
    assert campuses["S01"] == "S31"  # the existing pair of the data
    assert set(campuses.values()) == {"S31", "S32", "S33", "S34"} and len(campuses) == 4
    table = pd.read_csv(result.out / "campuses.csv", keep_default_na=False)
    assert list(table["school_id"]) == ["S31", "S32", "S33", "S34"] and (table["sites"] == 2).all()
    assert (table["max_minutes"] <= 25).all()
    assert "One school, several campuses" in (result.out / "report.html").read_text()


def test_example_schools_file_is_the_county_plus_campus_of():
    """data/schools_campuses.csv is data/schools.csv with one more column, campus_of (S01's main school S31)."""
    from conftest import REPO

    base = (REPO / "data" / "schools.csv").read_text(encoding="utf-8").splitlines()
    extended = (REPO / "data" / "schools_campuses.csv").read_text(encoding="utf-8").splitlines()
    assert extended[0] == base[0] + ",campus_of"
    assert extended[1:] == [line + (",S31" if line.startswith("S01,") else ",") for line in base[1:]]
