"""Enrolment by year for a programme: the cohort projection, the explicit enrolment table, teachers' attrition.

The projection cases are tiny and worked out by hand in the comments (one or two villages, two or three years);
the reading cases write a tiny county and break its enrolment table in one way each.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consolidation.errors import InputError, ScenarioError
from consolidation.io import Inputs, read_inputs
from consolidation.projection import PROJECTION_COLUMNS, enrolment_by_year, projection_table, teachers_in_year
from consolidation.scenario import Scenario, load_scenario

PUPILS = ["pupils_g1_3", "pupils_g4_6", "pupils_g7_9"]


# ------------------------------------------------------------------------------------------- helpers


def scenario(years: dict | None = None, **sections) -> Scenario:
    """A scenario with a villages file and a programme 2026-2027 unless ``years`` says otherwise.

    Every grade-6 pupil goes on to grade 7 (``junior_entry = 1``) unless ``years`` says otherwise.
    """
    data = {"name": "t", "inputs": {"schools": "/data/schools.csv", "villages": "/data/villages.csv"},
            "years": {"first": 2026, "last": 2027, "junior_entry": 1.0, **(years or {})}, **sections}
    return Scenario.model_validate(data)


def inputs(*villages: tuple, extra: dict | None = None, enrolment: pd.DataFrame | None = None) -> Inputs:
    """Origins from ``(id, g1_3, g4_6, g7_9)``; ``extra`` adds columns (name -> values)."""
    origins = pd.DataFrame(villages, columns=["origin_id", *PUPILS]).assign(kind="village")
    origins["name"] = origins["origin_id"]
    for column, values in (extra or {}).items():
        origins[column] = values
    return Inputs(schools=pd.DataFrame({"school_id": ["S1"]}), origins=origins, travel=None, boundary=None,
                  crs=None, files={}, enrolment=enrolment)


def bands(by_year: dict, year: int, origin: str = "V1") -> list[float]:
    frame = by_year[year].set_index("origin_id")
    return [float(frame.at[origin, c]) for c in PUPILS]


def close(got, want) -> bool:
    return np.allclose(got, want, rtol=0, atol=1e-9)


# ------------------------------------------------------------------------------------------- projection


def test_one_village_two_years_by_hand():
    # G1_3 30, G4_6 60, G7_9 90; intake = 30 / 3 = 10 a year.
    # 2027: G1_3 = 2/3 x 30 + 10 = 30; G4_6 = 2/3 x 60 + 30/3 = 50; G7_9 = 2/3 x 90 + 60/3 = 80 (30 leave grade 9).
    data = inputs(("V1", 30, 60, 90))
    by_year = enrolment_by_year(data, scenario())
    assert list(by_year) == [2026, 2027]
    assert close(bands(by_year, 2026), [30, 60, 90])
    assert close(bands(by_year, 2027), [30, 50, 80])
    # Copies of the origins, every other column kept; the data's table untouched; floats.
    assert list(by_year[2027].columns) == list(data.origins.columns)
    assert data.origins["pupils_g4_6"].tolist() == [60]
    assert all(by_year[2027][c].dtype == float for c in PUPILS)
    table = projection_table(by_year)
    assert list(table.columns) == PROJECTION_COLUMNS
    assert table["year"].tolist() == [2026, 2027]
    assert close(table["pupils"], [180, 160])


def test_first_year_is_the_data_unchanged_and_one_year_plan_is_empty():
    data = inputs(("V1", 7, 11, 13), ("V2", 1, 0, 2))
    by_year = enrolment_by_year(data, scenario({"intake_rate": 0.3, "migration_rate": -0.2}))
    pd.testing.assert_frame_equal(by_year[2026][PUPILS], data.origins[PUPILS].astype(float))
    one_year = Scenario.model_validate({"name": "t", "inputs": {"schools": "/data/schools.csv"}})
    assert enrolment_by_year(data, one_year) == {}
    assert projection_table({}).columns.tolist() == PROJECTION_COLUMNS


def test_births_series():
    # Intake 2026 = 30 / 3 = 10 (born 2020: 100); 2027: 10 x 80/100 = 8; 2028: 10 x 120/100 = 12.
    # 2027: G1_3 = 20 + 8 = 28; G4_6 = 0 + 30/3 = 10; G7_9 = 0.
    # 2028: G1_3 = 2/3 x 28 + 12 = 30.667; G4_6 = 2/3 x 10 + 28/3 = 16; G7_9 = 0 + 10/3 = 3.333.
    data = inputs(("V1", 30, 0, 0))
    by_year = enrolment_by_year(data, scenario({"last": 2028, "births": {2020: 100, 2021: 80, 2022: 120},
                                                "intake_rate": 0.4}))  # births replace intake_rate
    assert close(bands(by_year, 2027), [28, 10, 0])
    assert close(bands(by_year, 2028), [2 / 3 * 28 + 12, 16, 10 / 3])


def test_births_missing_years_are_named():
    data = inputs(("V1", 30, 0, 0))
    with pytest.raises(ScenarioError) as err:
        enrolment_by_year(data, scenario({"last": 2029, "births": {2020: 100, 2022: 90}}))
    text = str(err.value)
    assert "2021, 2023" in text and "2020 to 2023" in text and "births" in text
    assert err.value.exit_code == 2


def test_intake_rate():
    # Intake 10, -10 % a year: 9 in 2027, 8.1 in 2028.
    # 2027: G1_3 = 20 + 9 = 29; G4_6 = 10.  2028: G1_3 = 2/3 x 29 + 8.1 = 27.4333; G4_6 = 2/3 x 10 + 29/3 = 16.3333.
    by_year = enrolment_by_year(inputs(("V1", 30, 0, 0)), scenario({"last": 2028, "intake_rate": -0.1}))
    assert close(bands(by_year, 2027), [29, 10, 0])
    assert close(bands(by_year, 2028), [2 / 3 * 29 + 8.1, 2 / 3 * 10 + 29 / 3, 10 / 3])


def test_migration():
    # A steady 30/30/30 stays 30/30/30 before migration; -10 % a year: 27 each in 2027.
    by_year = enrolment_by_year(inputs(("V1", 30, 30, 30)), scenario({"last": 2028, "migration_rate": -0.1}))
    assert close(bands(by_year, 2027), [27, 27, 27])
    # 2028: G1_3 = (2/3 x 27 + 10) x 0.9 = 25.2 (the intake is the first year's, migration applies once a year).
    assert close(bands(by_year, 2028), [(18 + 10) * 0.9, (18 + 9) * 0.9, (18 + 9) * 0.9])


def test_per_origin_intake_rate_column():
    # County +5 %; V1 its own +10 % (factor 1.15), V2 -10 % (0.95). Intake 10 each.
    # 2027: V1 G1_3 = 20 + 11.5 = 31.5; V2 G1_3 = 20 + 9.5 = 29.5. 2028: V1 intake 10 x 1.15^2 = 13.225.
    data = inputs(("V1", 30, 0, 0), ("V2", 30, 0, 0), extra={"own": [0.1, -0.1]})
    by_year = enrolment_by_year(data, scenario({"last": 2028, "intake_rate": 0.05, "intake_rate_column": "own"}))
    assert close(bands(by_year, 2027, "V1")[0], 31.5)
    assert close(bands(by_year, 2027, "V2")[0], 29.5)
    assert close(bands(by_year, 2028, "V1")[0], 2 / 3 * 31.5 + 13.225)
    # With births: ratio x (1 + own)^(t - first): V1 2027 intake 10 x 0.8 x 1.1 = 8.8.
    by_year = enrolment_by_year(data, scenario({"births": {2020: 100, 2021: 80}, "intake_rate_column": "own"}))
    assert close(bands(by_year, 2027, "V1")[0], 20 + 8.8)
    assert close(bands(by_year, 2027, "V2")[0], 20 + 7.2)


def test_per_origin_column_problems_name_origin_and_column():
    data = inputs(("V1", 30, 0, 0), ("V2", 30, 0, 0), ("V3", 3, 0, 0), ("V4", 3, 0, 0),
                  extra={"own": ["0.1", "", "fast", "-3"]})
    with pytest.raises(InputError) as err:
        enrolment_by_year(data, scenario({"intake_rate_column": "own"}))
    text = str(err.value)
    assert "villages.csv" in text and "column own" in text
    assert "blank (or NaN) for village_id V2" in text and "not a number for village_id V3" in text
    assert "outside -0.5 .. 0.5" in text and "V4" in text
    with pytest.raises(InputError, match="has no column nothere"):
        enrolment_by_year(data, scenario({"intake_rate_column": "nothere"}))


def test_pupils_never_negative():
    data = inputs(("V1", 30, 3, 0), ("V2", 0, 0, 0), extra={"own": [-0.5, 0.0]})
    by_year = enrolment_by_year(data, scenario({"last": 2040, "intake_rate": -0.5, "migration_rate": -0.5,
                                                "intake_rate_column": "own"}))
    assert all((frame[PUPILS].to_numpy() >= 0).all() for frame in by_year.values())
    assert close(bands(by_year, 2027), [20 * 0.5, (2 + 10) * 0.5, 1 * 0.5])  # the intake factor 1 - 1 = 0


def test_step_above_one_projects_every_year_and_keeps_the_planned():
    data = inputs(("V1", 30, 12, 6), ("V2", 9, 0, 3))
    years = {"last": 2030, "intake_rate": 0.07, "migration_rate": -0.02}
    every = enrolment_by_year(data, scenario(years))
    stepped = enrolment_by_year(data, scenario({**years, "step": 2}))
    assert list(stepped) == [2026, 2028, 2030]
    for year in stepped:
        pd.testing.assert_frame_equal(stepped[year], every[year])
    # Not the same as one two-year step: 2028 is two single-year steps.
    assert not close(bands(stepped, 2028), bands(enrolment_by_year(data, scenario({"step": 2})), 2026))


def test_explicit_table_replaces_the_projection_first_year_included():
    table = pd.DataFrame({"origin_id": ["V1", "V1", "V2", "V2", "V1"], "year": [2026, 2027, 2026, 2027, 2031],
                          "pupils_g1_3": [1.5, 2, 3, 4, 99], "pupils_g4_6": [0, 0.25, 0, 0, 99],
                          "pupils_g7_9": [5, 6, 7, 8, 99]})
    data = inputs(("V1", 30, 30, 30), ("V2", 30, 30, 30), enrolment=table)
    by_year = enrolment_by_year(data, scenario({"intake_rate": 0.3}))
    assert close(bands(by_year, 2026), [1.5, 0, 5]) and close(bands(by_year, 2026, "V2"), [3, 0, 7])
    assert close(bands(by_year, 2027), [2, 0.25, 6]) and close(bands(by_year, 2027, "V2"), [4, 0, 8])
    # A hand-built table missing a planned pair is refused here too.
    with pytest.raises(InputError, match="V2 in 2027"):
        enrolment_by_year(inputs(("V1", 1, 1, 1), ("V2", 1, 1, 1), enrolment=table.drop(index=3)), scenario())


# ------------------------------------------------------------------------------------------- teachers


def test_teachers_in_year_attrition():
    schools = pd.DataFrame({"school_id": ["S1", "S2"], "teachers": [10, 5], "teachers_junior": [4, 0]})
    s = scenario({"last": 2030})
    pd.testing.assert_frame_equal(teachers_in_year(schools, s, 2026), schools)
    later = teachers_in_year(schools, s, 2028)
    # the county keeps round(15 x 0.97^2 = 14.11) = 14 teachers: 9.41 and 4.70 rounded down (13), the one more
    # to the larger remainder (S2's 0.70); juniors round(4 x 0.9409 = 3.76) = 4, all at S1
    assert later["teachers"].tolist() == [9, 5]
    assert later["teachers_junior"].tolist() == [4, 0]
    assert teachers_in_year(schools, s, 2030)["teachers"].sum() == round(15 * 0.97 ** 4)  # 13.28 -> 13
    many = pd.DataFrame({"school_id": [f"S{i}" for i in range(20)], "teachers": [3] * 20})
    assert teachers_in_year(many, s, 2028)["teachers"].sum() == round(60 * 0.97 ** 2)  # 56: attrition shows
    assert schools["teachers"].tolist() == [10, 5]  # a copy
    no_teachers = pd.DataFrame({"school_id": ["S1"]})
    pd.testing.assert_frame_equal(teachers_in_year(no_teachers, s, 2029), no_teachers)
    one_year = Scenario.model_validate({"name": "t", "inputs": {"schools": "/data/schools.csv"}})
    pd.testing.assert_frame_equal(teachers_in_year(schools, one_year, 2030), schools)
    with pytest.raises(ValueError, match="before"):
        teachers_in_year(schools, s, 2025)


# ------------------------------------------------------------------------------------------- property


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(levels=st.lists(st.floats(0, 500, allow_nan=False), min_size=1, max_size=5),
       span=st.integers(0, 9), step=st.integers(1, 4))
def test_steady_state_totals_stay_constant(levels, span, step):
    data = inputs(*((f"V{i}", v, v, v) for i, v in enumerate(levels)))
    by_year = enrolment_by_year(data, scenario({"last": 2026 + span, "step": step}))
    totals = projection_table(by_year)["pupils"]
    assert np.allclose(totals, 3 * sum(levels), rtol=1e-9, atol=1e-9)
    for frame in by_year.values():
        assert np.allclose(frame[PUPILS].to_numpy(), data.origins[PUPILS].to_numpy(), rtol=1e-9, atol=1e-9)


# ------------------------------------------------------------------------------------------- reading


def county(instance, enrolment: str | bytes | None, *, years: dict | None = None, villages: bool = True,
           rate: list | None = None):
    """A two-village (or two-school) county with ``enrolment.csv`` holding ``enrolment``; its scenario path."""
    schools = [{"school_id": "S1", "capacity": 500, "pupils_g1_3": 3, "teachers": 10},
               {"school_id": "S2", "capacity": 500, "pupils_g1_3": 3, "teachers": 4}]
    village_rows = [{"village_id": "V1", "pupils_g1_3": 30}, {"village_id": "V2", "pupils_g1_3": 9}]
    if rate is not None:
        for row, value in zip(village_rows if villages else schools, rate, strict=True):
            row["own"] = value
    travel = [(o, s, 10) for o in (("V1", "V2") if villages else ("S1", "S2")) for s in ("S1", "S2")]
    scen: dict = {"years": {"first": 2026, "last": 2027} if years is None else years}
    if rate is not None:
        scen["years"] = {**scen["years"], "intake_rate_column": "own"}
    if enrolment is not None:
        scen["inputs"] = {"enrolment": "enrolment.csv"}
    path = instance(schools=schools, villages=village_rows if villages else None, travel=travel, scenario=scen)
    if enrolment is not None:
        data = enrolment.encode() if isinstance(enrolment, str) else enrolment
        (path.parent / "enrolment.csv").write_bytes(data)
    return path


GOOD = ("origin_id,year,pupils_g1_3,pupils_g4_6,pupils_g7_9\n"
        "V1,2026,30,0,0\nV1,2027,28.5,10,0\nV2,2026,9,0,0\nV2,2027,8,3,0\n")


def read(path):
    return read_inputs(load_scenario(path).scenario)


def test_enrolment_table_is_read_hashed_and_used(instance):
    path = county(instance, GOOD)
    data = read(path)
    assert data.enrolment["origin_id"].tolist() == ["V1", "V1", "V2", "V2"]
    assert data.enrolment["year"].dtype.kind == "i" and data.enrolment["pupils_g1_3"].dtype == float
    assert data.files["enrolment"][0] == str(path.parent / "enrolment.csv")
    assert len(data.files["enrolment"][1]) == 64
    assert data.details["enrolment"] == {"format": "csv", "encoding": "utf-8", "separator": "comma"}
    by_year = enrolment_by_year(data, load_scenario(path).scenario)
    assert close(bands(by_year, 2027), [28.5, 10, 0])


def test_gbk_and_bom_enrolment_tables_read(instance):
    # Chinese village IDs: a GBK table (semicolons, as Excel writes in some locales) and a UTF-8 one with a BOM.
    schools = [{"school_id": "S1", "capacity": 500}]
    villages = [{"village_id": "七里村", "pupils_g1_3": 30}, {"village_id": "黄峪", "pupils_g1_3": 9}]
    text = ("origin_id;year;pupils_g1_3;pupils_g4_6;pupils_g7_9\n"
            "七里村;2026;30;0;0\n七里村;2027;29;10;0\n黄峪;2026;9;0;0\n黄峪;2027;8;3;0\n")
    for data, encoding in ((text.encode("gbk"), "gb18030"),
                           (("\ufeff" + text.replace(";", ",")).encode("utf-8"), "utf-8-sig")):
        path = instance(schools=schools, villages=villages, travel=[("七里村", "S1", 5), ("黄峪", "S1", 5)],
                        scenario={"inputs": {"enrolment": "enrolment.csv"}, "years": {"first": 2026, "last": 2027}})
        (path.parent / "enrolment.csv").write_bytes(data)
        read_back = read(path)
        assert read_back.details["enrolment"]["encoding"] == encoding
        assert set(read_back.enrolment["origin_id"]) == {"七里村", "黄峪"}
        by_year = enrolment_by_year(read_back, load_scenario(path).scenario)
        assert close(bands(by_year, 2027, "黄峪"), [8, 3, 0])


def test_schools_as_origins_carry_the_intake_rate_column(instance):
    path = county(instance, None, villages=False, rate=[0.1, -0.2])
    data = read(path)
    assert data.origins.set_index("origin_id")["own"].astype(float).to_dict() == {"S1": 0.1, "S2": -0.2}
    by_year = enrolment_by_year(data, load_scenario(path).scenario)
    assert close(bands(by_year, 2027, "S1")[0], 2 + 1.1)  # 2/3 x 3 + 1 x 1.1
    path = county(instance, None, rate=[0.1, "lots"])
    with pytest.raises(InputError) as err:
        read(path)
    assert "villages.csv" in str(err.value) and "column own" in str(err.value) and "V2" in str(err.value)


HEADER = "origin_id,year,pupils_g1_3,pupils_g4_6,pupils_g7_9\n"

HOSTILE = [
    ("missing-column", "origin_id,year,pupils_g1_3,pupils_g4_6\nV1,2026,1,1\n",
     ["missing column(s) pupils_g7_9"]),
    ("unknown-origin", GOOD + "V9,2026,1,0,0\n", ["column origin_id", "V9", "villages.csv", "delete those rows"]),
    ("fractional-year", GOOD.replace("V2,2027", "V2,2027.5"), ["column year", "V2 (row 5)", "whole year"]),
    ("word-year", GOOD.replace("V2,2027", "V2,next"), ["column year", "V2 (row 5)", "not a number"]),
    ("duplicate", GOOD + "V1,2027,1,1,1\n", ["V1 in 2027", "more than once", "one row per village and year"]),
    ("blank-pupils", GOOD.replace("V1,2027,28.5,", "V1,2027,,"), ["column pupils_g1_3", "V1 (row 3)", "blank"]),
    ("negative-pupils", GOOD.replace("V2,2027,8,3,", "V2,2027,8,-3,"),
     ["column pupils_g4_6", "V2 (row 5)", "negative"]),
    ("infinite-pupils", GOOD.replace("V2,2027,8,3,0", "V2,2027,8,3,inf"),
     ["column pupils_g7_9", "V2 (row 5)", "infinite"]),
    ("word-pupils", GOOD.replace("V1,2026,30", "V1,2026,many"), ["column pupils_g1_3", "V1 (row 2)", "not a number"]),
    ("missing-pair", GOOD.replace("V2,2027,8,3,0\n", ""), ["V2 in 2027", "no row", "2026, 2027"]),
    ("blank-id", GOOD + ",2027,1,1,1\n", ["origin_id is blank in row 6"]),
    ("only-header", HEADER, ["no rows"]),
]


@pytest.mark.parametrize(("case", "text", "expected"), HOSTILE, ids=[c[0] for c in HOSTILE])
def test_hostile_enrolment_tables(instance, case, text, expected):
    with pytest.raises(InputError) as err:
        read(county(instance, text))
    message = str(err.value)
    assert len(err.value.problems) == 1, message  # one thing broken, one problem said (no knock-on ones)
    assert "enrolment.csv" in message, message
    for part in expected:
        assert part in message, (case, part, message)
    assert err.value.exit_code == 2


def test_enrolment_without_years_and_not_a_file(instance):
    with pytest.raises(InputError, match=r"inputs\.enrolment needs \[years\] first and last"):
        read(county(instance, GOOD, years={}))
    path = county(instance, GOOD)
    (path.parent / "enrolment.csv").unlink()
    (path.parent / "enrolment.csv").mkdir()
    with pytest.raises(InputError, match="enrolment.csv is a folder"):
        read(path)


def test_schools_as_origins_in_the_enrolment_table(instance):
    text = GOOD.replace("V1", "S1").replace("V2", "S2")
    data = read(county(instance, text, villages=False))
    assert set(data.enrolment["origin_id"]) == {"S1", "S2"}
    with pytest.raises(InputError) as err:
        read(county(instance, GOOD, villages=False))
    assert "schools not in the schools file" in str(err.value) and "V1, V2" in str(err.value)


def test_junior_entry_defaults_to_the_data_ratio_of_juniors_to_primary_pupils():
    # 30 G4_6 and 15 G7_9 pupils: half of grade 6 goes on in the data's schools. A year on, G7_9 keeps two thirds
    # of its 15 (10) and takes half of G4_6's top third (10 x 0.5 = 5)
    data = inputs(("V1", 0, 30, 15))
    by_year = enrolment_by_year(data, scenario({"junior_entry": None}))
    assert close(bands(by_year, 2027), [0, 20, 15])
    by_year = enrolment_by_year(data, scenario({"junior_entry": 0.2}))
    assert close(bands(by_year, 2027), [0, 20, 12])
    assert close(bands(enrolment_by_year(inputs(("V1", 0, 10, 20)), scenario({"junior_entry": None})), 2027),
                 [0, 20 / 3, 20 * 2 / 3 + 10 / 3])  # more juniors than primary pupils: everyone goes on (at most 1)
