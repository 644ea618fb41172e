"""Programmes over several years: the model's links between years, checked by hand on a tiny county.

The county (``tests/golden/instances.py``): schools A, B and C (900, 1,000 and 1,100 yuan a year); villages V1,
V2, V3 with 10 pupils of G4_6 each, at A, B and C today. Here A has 10 places and B 15 (room to 30). V1 may
ride to B (20 minutes), V3 to B (30 minutes). Closing C sends V3 to B: 5 places (100 yuan each over 10 years,
50 a year) and 250 yuan a year more travel, 800 saved; closing A too sends V1 to B: 10 places more and 150
more travel, 600 saved. So every plan closes both as soon as the rules let it, C first. Enrolment is the same
every year (an enrolment table).
"""

from __future__ import annotations

import dataclasses
import re
import sys

import pandas as pd
import pytest

from consolidation.errors import VerificationError
from consolidation.families import REGISTRY, ProgrammeView
from consolidation.pipeline import run_scenario
from consolidation.programme import capital_by_year
from consolidation.scenario import load_scenario

from conftest import REPO

sys.path.insert(0, str(REPO / "tests" / "golden"))

from instances import SCENARIO, SCHOOLS, TRAVEL, VILLAGES, _merge, programme_lp_text  # noqa: E402

YEARS = (2026, 2027, 2028)


def _county(instance, years: dict | None = None, *, schools: dict | None = None, budget: dict | None = None,
            enrolment: bool = True, first: int = 2026, last: int = 2028):
    rows = [{**s, **(schools or {}).get(s["school_id"], {})} for s in SCHOOLS]
    size = {"A": {"capacity": 10, "max_capacity": 10}, "B": {"capacity": 15, "max_capacity": 30}}
    rows = [{**r, **size.get(r["school_id"], {})} for r in rows]
    scenario = _merge(SCENARIO, {"years": {"first": first, "last": last, **(years or {})}})
    if budget:
        scenario["budget"] = budget
    path = instance(schools=rows, villages=VILLAGES, travel=TRAVEL, scenario=scenario)
    if enrolment:
        table = pd.DataFrame([{"origin_id": v["village_id"], "year": y, "pupils_g1_3": 0, "pupils_g4_6": 10,
                               "pupils_g7_9": 0} for v in VILLAGES for y in range(first, last + 1)])
        table.to_csv(path.parent / "enrolment.csv", index=False)
        path.write_text(path.read_text().replace("[inputs]\n", '[inputs]\nenrolment = "enrolment.csv"\n'))
    return path


def _open(result) -> dict[int, set[str]]:
    return {y: set(p.schools.loc[p.schools["open"] == 1, "school_id"]) for y, p in
            zip(result.programme.years, result.programme.plans)}


def test_build_before_close_delays_the_closure_until_the_places_are_usable(instance):
    result = run_scenario(load_scenario(_county(instance, {"lead_years": 1})))
    assert result.status == "optimal"
    assert _open(result) == {2026: {"A", "B", "C"}, 2027: {"B"}, 2028: {"B"}}
    t = result.programme.table.set_index("year")
    assert t.loc[2027, "closed_schools"] == "A;C" and t.loc[2027, "places_built"] == pytest.approx(15)
    assert t.loc[2028, "places_added"] == pytest.approx(15) and t.loc[2028, "places_built"] == 0
    capital = result.programme.capital.set_index("year")["total"]
    assert capital[2026] == pytest.approx(1500)  # 15 places paid the year before they are used
    # the objective: each year's cost discounted at 3.5 % a year, recomputed from the tables
    weights = [1, 1 / 1.035, 1 / 1.035 ** 2]
    assert list(t["weight"]) == pytest.approx(weights)
    yearly = [p.summary["objective"] for p in result.programme.plans]
    assert result.programme.summary["objective"] == pytest.approx(sum(w * c for w, c in zip(weights, yearly)))
    # by hand: 2026 all open, everyone at home (900 + 1000 + 1100 + 3 x 10 pupils x 5 min = 3,150);
    # 2027 on: only B (1000 + travel 200 + 50 + 300 + 15 places x 10 a year = 1,700)
    assert yearly == pytest.approx([3150, 1700, 1700])


def test_without_lead_years_the_school_closes_at_once(instance):
    result = run_scenario(load_scenario(_county(instance, {"lead_years": 0})))
    assert _open(result) == {y: {"B"} for y in YEARS}


def test_one_year_programme_is_the_one_year_plan(instance):
    path = _county(instance, {"lead_years": 0}, enrolment=False, first=2026, last=2026)
    programme = run_scenario(load_scenario(path))
    text = path.read_text()
    path.write_text(re.sub(r"\[years\][^\[]*", "", text))
    one_year = run_scenario(load_scenario(path))
    assert programme.programme is not None and one_year.programme is None
    assert programme.summary["objective"] == pytest.approx(one_year.summary["objective"])
    assert programme.summary["schools_open"] == one_year.summary["schools_open"]


def test_at_most_the_closures_a_year_allowed(instance):
    result = run_scenario(load_scenario(_county(instance, {"lead_years": 0, "max_closures_per_year": 0})))
    assert _open(result) == {y: {"A", "B", "C"} for y in YEARS}
    result = run_scenario(load_scenario(_county(instance, {"lead_years": 1, "max_closures_per_year": 1})))
    assert _open(result) == {2026: {"A", "B", "C"}, 2027: {"A", "B"}, 2028: {"B"}}  # C first: it saves more


def test_capital_a_year_caps_what_is_paid_each_year(instance):
    # the 5 places B needs for C's pupils cost 500, more than a year's 400: the programme builds them over two
    # years (ahead of need) and closes C in 2028; A's 10 places more never fit in the years left
    budget = {"capital_per_year": 400}
    result = run_scenario(load_scenario(_county(instance, {"lead_years": 1}, budget=budget)))
    assert result.status == "optimal"
    assert _open(result) == {2026: {"A", "B", "C"}, 2027: {"A", "B", "C"}, 2028: {"A", "B"}}
    capital = result.programme.capital
    assert capital["total"].max() <= 400 * (1 + 1e-6) and capital["total"].sum() == pytest.approx(500)
    stock = [p.schools.set_index("school_id").at["B", "places_added"] for p in result.programme.plans]
    assert stock[0] == 0 and 0 < stock[1] < 5 and stock[2] == pytest.approx(5)


def test_every_rule_across_years_is_checked_from_the_tables(instance):
    result = run_scenario(load_scenario(_county(instance, {"lead_years": 1, "max_closures_per_year": 1})))
    scenario = load_scenario(_county(instance, {"lead_years": 1, "max_closures_per_year": 0},
                                     budget={"capital_per_year": 100})).scenario
    plans = list(result.programme.plans)
    # C reopened in 2028, places at B in 2026 (before lead_years), and B's places gone in 2028 while open
    p26, p28 = plans[0], plans[2]
    s26 = p26.schools.copy()
    s26.loc[s26["school_id"] == "B", "places_added"] = 3.0  # 2026 is before anything built is usable
    s28 = p28.schools.copy()
    s28.loc[s28["school_id"] == "C", "open"] = 1
    s28.loc[s28["school_id"] == "B", "places_added"] = 1.0
    plans[0] = dataclasses.replace(p26, schools=s26)
    plans[2] = dataclasses.replace(p28, schools=s28)
    years = result.programme.years
    view = ProgrammeView(years=years, plans=tuple(plans), capital=capital_by_year(years, tuple(plans), scenario))
    problems = [p for f in REGISTRY if f.check_years is not None for p in f.check_years(view, scenario)]
    text = "\n".join(problems)
    assert "closed in 2027 and open again in 2028" in text
    assert "places added at B in 2026, before anything built is usable" in text
    assert "places added earlier are gone in 2028 at the open schools B" in text
    assert "schools closed in 2027" in text and "max_closures_per_year = 0" in text
    assert "capital_per_year = 100" in text


def test_a_programme_that_breaks_verification_is_refused(instance, monkeypatch):
    from consolidation.families import open_count

    # the check counts four closures a year where one is allowed: the run must stop, not report the plan
    monkeypatch.setattr(open_count, "closures", lambda view: {y: ["A", "B", "C", "D"] for y in view.years})
    with pytest.raises(VerificationError, match="4 schools closed in 2026"):
        run_scenario(load_scenario(_county(instance, {"lead_years": 1, "max_closures_per_year": 1})))


def test_programme_outputs_carry_every_year(instance):
    result = run_scenario(load_scenario(_county(instance, {"lead_years": 1})))
    t = result.programme.table
    assert list(t["year"]) == list(YEARS)
    assert list(t["pupils"]) == pytest.approx([30, 30, 30])
    assert list(t["closures"]) == [0, 2, 0]
    assert result.summary["programme"]["closures"] == {2026: [], 2027: ["A", "C"], 2028: []}
    assert result.summary["year"] == 2028


def test_golden_programme_lp_shows_the_links_between_years():
    text = (REPO / "tests" / "golden" / "programme.lp").read_text()
    assert programme_lp_text() == text, "the programme's model changed: run python tests/golden/regenerate.py"
    for row in ("stays_closed__B__y2027", "places_kept__B__y2027", "closures__y2026", "closures__y2027",
                "places_new__B__y2027", "budget_capital_year__2026", "budget_capital_year__2027"):
        assert re.search(rf"^{row}:", text, re.M), row
    assert re.search(r"^ places__B__y2026 = 0$", text, re.M)  # nothing built is usable in the first year
    assert "places_built__B__y2026" not in text  # so nothing is built for it
    assert "assign__V1__G4_6__A__y2026" in text and "assign__V1__G4_6__A__y2027" in text


@pytest.mark.parametrize("setting, words", [
    (["years.first=2026"], "give both first and last"),
    (["years.first=2026", "years.last=2025"], "last (2025) is before first (2026)"),
    (["years.first=2026", "years.last=2028", "years.step=0"], "step"),
    (["years.first=2026", "years.last=2028", "years.births={2020=-1}"], "births must be positive"),
    (["years.first=2026", "years.last=2028", "years.lead_years=-1"], "lead_years"),
    (["years.first=2026", "years.last=2028", "years.junior_entry=2"], "junior_entry"),
    (["years.first=nan", "years.last=2028"], "years.first"),
    (["costs.discount_rate=0.9"], "discount_rate"),
])
def test_a_wrong_years_setting_is_refused_with_its_key(setting, words):
    from click.testing import CliRunner

    from consolidation import cli

    args = ["validate", str(REPO / "scenarios" / "baseline.toml")]
    for item in setting:
        args += ["--set", item]
    result = CliRunner().invoke(cli.main, args)
    assert result.exit_code == 2, result.output
    assert words in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_the_example_programme_runs_from_the_command_line(tmp_path):
    from click.testing import CliRunner

    from consolidation import cli

    out = tmp_path / "programme"
    result = CliRunner().invoke(cli.main, ["run", str(REPO / "scenarios" / "programme.toml"), "--out", str(out),
                                           "--set", "years.last=2028", "--time-limit", "10", "-q"])
    assert result.exit_code == 0, result.output
    assert "programme 2026-2028" in result.output and "  2027:" in result.output
    years = pd.read_csv(out / "years.csv")
    assert years["year"].tolist() == [2026, 2027, 2028]
    assert years["pupils"].iloc[-1] < years["pupils"].iloc[0]  # the births series falls
    assert (years["closures"] <= 3).all()  # max_closures_per_year
    schools = pd.read_csv(out / "schools.csv")
    closed = schools[schools["open"] == 0].groupby("school_id")["year"].min()
    for sid, year in closed.items():  # closed once, for good
        assert (schools.loc[(schools["school_id"] == sid) & (schools["year"] > year), "open"] == 0).all()
    assert "Programme 2026" in (out / "report.html").read_text(encoding="utf-8")
