"""Excel in and out: a county's tables as .xlsx (sheets, Chinese headers through ``[inputs] columns``), the
spreadsheet quirks refused naming the cell, GBK CSV, and the run folder's plan.xlsx and UTF-8-with-BOM CSVs.

The example county read from a workbook (or a GBK CSV) must give exactly the canonical inputs the CSVs give,
so the same plan; a tiny county is solved both ways to show it end to end. Each hostile workbook is refused
with exit 2, the file, the row or cell, and the fix.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import tomli_w

from conftest import REPO, write_instance
from consolidation.io import read_inputs
from consolidation.report.tables import read_csv, write_xlsx
from consolidation.scenario import load_scenario
from hostile import assert_refused, invoke, output, tiny_county

HEADERS = {"学校代码": "school_id", "学校名称": "name", "村代码": "village_id", "村名": "name"}
"""The header map the Chinese workbooks use (a name per table: 学校名称 for schools, 村名 for villages)."""
FORMULA_NAME = '=HYPERLINK("x")'


# ------------------------------------------------------------------------------------------- helpers


def _rows(frame: pd.DataFrame) -> list[list]:
    return [list(frame.columns), *[list(r) for r in frame.itertuples(index=False, name=None)]]


def _book(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Write a workbook whose sheets hold exactly these rows (cells as given: numbers stay numbers)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append([None if isinstance(v, float) and v != v else v for v in row])
    book.save(path)
    return path


def _scenario(folder: Path, **inputs) -> Path:
    """Rewrite scenario.toml's [inputs] with ``inputs`` (None removes a key)."""
    import tomllib

    path = folder / "scenario.toml"
    data = tomllib.loads(path.read_text())
    for key, value in inputs.items():
        if value is None:
            data["inputs"].pop(key, None)
        else:
            data["inputs"][key] = value
    path.write_text(tomli_w.dumps(data))
    return path


def _tiny_xlsx(folder: Path, change=None, name: str = "county.xlsx") -> Path:
    """The tiny county with schools and villages in one workbook (sheets 学校 and 村, Chinese headers), the
    travel table staying CSV; ``change(schools_rows, villages_rows)`` may break the rows first."""
    path = tiny_county(folder)
    schools = pd.read_csv(folder / "schools.csv", dtype={"school_id": str}).rename(
        columns={"school_id": "学校代码", "name": "学校名称"})
    villages = pd.read_csv(folder / "villages.csv", dtype={"village_id": str}).rename(
        columns={"village_id": "村代码", "name": "村名"})
    rows = {"学校": _rows(schools), "村": _rows(villages)}
    if change is not None:
        change(rows["学校"], rows["村"])
    _book(folder / name, rows)
    (folder / "schools.csv").unlink()
    (folder / "villages.csv").unlink()
    _scenario(folder, schools=name, villages=name, sheets={"schools": "学校", "villages": "村"}, columns=HEADERS)
    return path


def _run(path: Path, out: Path, *extra) -> dict:
    result = invoke("run", path, "--out", out, "-q", *extra)
    assert result.exit_code == 0, output(result)
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def _open(out: Path) -> list[str]:
    schools = read_csv(out / "schools.csv", dtype={"school_id": str})
    return sorted(schools.loc[schools["open"] == 1, "school_id"])


def _inputs(scenario_path: Path):
    return read_inputs(load_scenario(scenario_path).scenario)


def _example(folder: Path, schools: str, villages: str, **inputs) -> Path:
    """The example county's baseline scenario in ``folder``, reading the named files."""
    text = (REPO / "scenarios" / "baseline.toml").read_text(encoding="utf-8")
    text = text.replace('"../data/schools.csv"', json.dumps(schools)).replace(
        '"../data/villages.csv"', json.dumps(villages)).replace(
        '"../data/qilihe_boundary.geojson"', json.dumps(str(REPO / "data" / "qilihe_boundary.geojson")))
    path = folder / "baseline.toml"
    path.write_text(text, encoding="utf-8")
    if inputs:
        _scenario_at(path, inputs)
    return path


def _scenario_at(path: Path, inputs: dict) -> None:
    import tomllib

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data["inputs"].update(inputs)
    path.write_text(tomli_w.dumps(data), encoding="utf-8")


def _example_workbook(folder: Path) -> Path:
    """data/schools.csv and data/villages.csv as one workbook: a notes sheet first, then 学校 and 村 with
    Chinese headers; school IDs of the villages' columns as the file has them (text)."""
    schools = pd.read_csv(REPO / "data" / "schools.csv", dtype={"school_id": str})
    villages = pd.read_csv(REPO / "data" / "villages.csv", dtype={c: str for c in (
        "village_id", "school_id", "school_id_g4_6", "school_id_g7_9")})
    return _book(folder / "county.xlsx", {
        "说明": [["本表为七里河区学校和村庄数据"]],
        "学校": _rows(schools.rename(columns={"school_id": "学校代码", "name": "学校名称"})),
        "村": _rows(villages.rename(columns={"village_id": "村代码", "name": "村名"})),
    })


def _same_inputs(a, b) -> None:
    for name in ("schools", "origins"):
        left, right = getattr(a, name), getattr(b, name)
        assert list(left.columns) == list(right.columns), name
        pd.testing.assert_frame_equal(pd.DataFrame(left.drop(columns="geometry")).reset_index(drop=True),
                                      pd.DataFrame(right.drop(columns="geometry")).reset_index(drop=True),
                                      check_dtype=False)
        assert left.geometry.geom_equals_exact(right.geometry, tolerance=1e-6).all(), name


# ------------------------------------------------------------------------------------------- the same plan


def test_example_county_from_a_workbook_and_gbk_reads_as_the_csvs(tmp_path):
    """Workbook (second and third sheets, Chinese headers mapped) and GBK CSVs give the CSVs' canonical inputs,
    so the model and its plan are the same."""
    csv = _inputs(REPO / "scenarios" / "baseline.toml")
    _example_workbook(tmp_path)
    xlsx = _inputs(_example(tmp_path, "county.xlsx", "county.xlsx", sheets={"schools": "学校", "villages": "村"},
                            columns=HEADERS))
    _same_inputs(csv, xlsx)
    assert xlsx.details["schools"] == {"format": "xlsx", "sheet": "学校",
                                       "mapped_columns": {"学校代码": "school_id", "学校名称": "name"}}
    assert xlsx.details["villages"]["sheet"] == "村"
    for name in ("schools.csv", "villages.csv"):
        text = (REPO / "data" / name).read_text(encoding="utf-8").replace("Village", "村").replace("Primary", "小学")
        (tmp_path / f"gbk_{name}").write_bytes(text.encode("gbk"))
    gbk = _inputs(_example(tmp_path, "gbk_schools.csv", "gbk_villages.csv"))
    assert gbk.details["schools"]["encoding"] == "gb18030"
    assert gbk.schools["name"].str.contains("小学").any()
    renamed = csv.schools.assign(name=csv.schools["name"].str.replace("Village", "村").str.replace("Primary", "小学"))
    _same_inputs(type(csv)(**{**csv.__dict__, "schools": renamed,
                              "origins": csv.origins.assign(name=csv.origins["name"].str.replace("Village", "村"))}),
                 gbk)


def test_tiny_county_from_a_workbook_and_gbk_gives_the_csv_plan(tmp_path):
    """Solved end to end: the same objective and the same schools open from CSV, workbook and GBK CSV."""
    plain = tiny_county(tmp_path / "csv")
    want = _run(plain, tmp_path / "out_csv")
    path = _tiny_xlsx(tmp_path / "xlsx")
    got = _run(path, tmp_path / "out_xlsx")
    assert got["objective"] == pytest.approx(want["objective"], rel=1e-9)
    assert _open(tmp_path / "out_xlsx") == _open(tmp_path / "out_csv")
    record = json.loads((tmp_path / "out_xlsx" / "run.json").read_text(encoding="utf-8"))["inputs"]
    assert record["schools"]["format"] == "xlsx" and record["schools"]["sheet"] == "学校"
    assert record["villages"]["sheet"] == "村" and record["travel"]["format"] == "csv"
    gbk = tiny_county(tmp_path / "gbk")
    for name in ("schools.csv", "villages.csv"):
        (tmp_path / "gbk" / name).write_bytes((tmp_path / "gbk" / name).read_text().encode("gbk"))
    assert _run(gbk, tmp_path / "out_gbk")["objective"] == pytest.approx(want["objective"], rel=1e-9)
    assert _open(tmp_path / "out_gbk") == _open(tmp_path / "out_csv")


@pytest.mark.slow
def test_example_county_from_a_workbook_gives_the_csv_plan(tmp_path, example_run):
    want = example_run("baseline")
    _example_workbook(tmp_path)
    path = _example(tmp_path, "county.xlsx", "county.xlsx", sheets={"schools": "学校", "villages": "村"},
                    columns=HEADERS)
    got = _run(path, tmp_path / "out")
    assert got["objective"] == pytest.approx(want.plan.summary["objective"], rel=1e-4)
    assert _open(tmp_path / "out") == _open(want.out)


# ------------------------------------------------------------------------------------------- quirks read


def test_numeric_ids_blank_rows_cached_formulas_and_chinese_text_are_read(tmp_path):
    def change(schools, villages):
        sid = schools[0].index("学校代码")
        schools[1][sid], schools[2][sid] = 1001, 1002.0  # IDs stored as numbers
        villages[0].append("school_id")
        villages[1].append(1001.0)
        villages[2].append(1002)
        schools[1][schools[0].index("学校名称")] = "七里河小学"
        cap = schools[0].index("capacity")
        schools[2][cap] = "=50*2"  # a formula; its saved value is written below
        schools.extend([[None] * len(schools[0]), ["  "] + [None] * (len(schools[0]) - 1)])  # blank rows
    path = _tiny_xlsx(tmp_path, change)
    travel = pd.read_csv(tmp_path / "travel.csv", dtype=str).replace({"S1": "1001", "S2": "1002"})
    travel.to_csv(tmp_path / "travel.csv", index=False)
    _cache_formulas(tmp_path / "county.xlsx", {"50*2": "100"})
    inputs = _inputs(path)
    assert inputs.schools["school_id"].tolist() == ["1001", "1002"]
    assert inputs.schools["capacity"].tolist() == [100, 100]
    assert inputs.schools["name"].iat[0] == "七里河小学"
    assert inputs.origins["current_G1_3"].tolist() == ["1001", "1002"]
    _run(path, tmp_path / "out")
    schools = read_csv(tmp_path / "out" / "schools.csv", dtype={"school_id": str})
    assert schools["school_id"].tolist() == ["1001", "1002"] and schools["name"].iat[0] == "七里河小学"
    assert (tmp_path / "out" / "schools.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def _cache_formulas(path: Path, values: dict[str, str]) -> None:
    """Give formula cells saved values, as Excel would (openpyxl writes formulas without one)."""
    data = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(data, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                text = body.decode("utf-8")
                for formula, value in values.items():
                    text = re.sub(rf"<f>{re.escape(formula)}</f><v\s*/>", f"<f>{formula}</f><v>{value}</v>", text)
                body = text.encode("utf-8")
            dst.writestr(item, body)
    path.write_bytes(data.getvalue())


def test_a_workbook_named_csv_is_read_as_a_workbook(tmp_path):
    path = tiny_county(tmp_path)
    schools = pd.read_csv(tmp_path / "schools.csv")
    _book(tmp_path / "book.xlsx", {"Sheet1": _rows(schools)})
    (tmp_path / "book.xlsx").replace(tmp_path / "schools.csv")
    inputs = _inputs(path)
    assert inputs.details["schools"]["format"] == "xlsx" and inputs.details["schools"]["named"] == ".csv"
    assert inputs.schools["school_id"].tolist() == ["S1", "S2"]


def test_header_map_applies_to_csv_and_ignores_other_tables_targets(tmp_path):
    path = tiny_county(tmp_path)
    schools = pd.read_csv(tmp_path / "schools.csv").rename(columns={"school_id": "学校代码", "capacity": "容量"})
    schools["村代码"] = ["x", "y"]  # maps to village_id: not a schools column, so left as it is here
    schools.to_csv(tmp_path / "schools.csv", index=False)
    _scenario(tmp_path, columns={"学校代码": "school_id", "容量": "capacity", "村代码": "village_id"})
    inputs = _inputs(path)
    assert inputs.schools["capacity"].tolist() == [100, 100] and "村代码" in inputs.schools.columns
    assert inputs.details["schools"]["mapped_columns"] == {"学校代码": "school_id", "容量": "capacity"}


# ------------------------------------------------------------------------------------------- quirks refused


def _title_row(schools, villages):
    schools.insert(0, ["七里河区学校统计表"] + [None] * (len(schools[0]) - 1))


def _date_capacity(schools, villages):
    schools[2][schools[0].index("capacity")] = datetime.datetime(2024, 3, 1)


def _unsaved_formula(schools, villages):
    schools[1][schools[0].index("capacity")] = "=SUM(Z1:Z9)"


def _merged_header(folder: Path) -> None:
    book = openpyxl.load_workbook(folder / "county.xlsx")
    book["学校"].merge_cells("B1:C1")
    book.save(folder / "county.xlsx")


def _encrypted(folder: Path) -> None:
    (folder / "county.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200
                                         + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 200)


def _truncated(folder: Path) -> None:
    data = (folder / "county.xlsx").read_bytes()
    (folder / "county.xlsx").write_bytes(data[: len(data) // 2])


def _xls(folder: Path) -> None:
    (folder / "county.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 400)
    _scenario(folder, schools="county.xls")


REFUSED = [
    # (id, break the rows, break the file, culprits)
    ("title-row", _title_row, None, ["county.xlsx", "row 1", "title", "delete the rows above"]),
    ("merged-header", None, _merged_header, ["county.xlsx", "merged", "B1:C1", "row 1", "unmerge"]),
    ("date-in-number-column", _date_capacity, None, ["county.xlsx", "capacity", "date", "cell", "number format"]),
    ("formula-without-value", _unsaved_formula, None, ["county.xlsx", "formula", "no saved value", "save it again"]),
    ("missing-sheet", None, lambda f: _scenario(f, sheets={"schools": "学校表", "villages": "村"}),
     ["county.xlsx", "学校表", "'学校', '村'", "sheets.schools"]),
    ("password", None, _encrypted, ["county.xlsx", "password", "clear the password"]),
    ("corrupt", None, _truncated, ["county.xlsx", "damaged", "save as"]),
    ("xls", None, _xls, ["county.xls", "97-2003", ".xlsx", "csv utf-8"]),
    ("header-map-collision", lambda s, v: s[0].__setitem__(s[0].index("capacity"), "school_id"), None,
     ["county.xlsx", "two columns", "school_id", "'学校代码' and 'school_id'"]),
]


@pytest.mark.parametrize(("case", "rows", "files", "culprits"), REFUSED, ids=[c[0] for c in REFUSED])
def test_hostile_workbook_is_refused(tmp_path, case, rows, files, culprits):
    path = _tiny_xlsx(tmp_path, rows)
    if files is not None:
        files(tmp_path)
    text = assert_refused(invoke("validate", path), *culprits)
    if case == "date-in-number-column":
        assert re.search(r"cell\(s\) [A-Z]+3\b", text), text
    if case == "formula-without-value":
        assert re.search(r"[A-Z]+2 \(=SUM\(Z1:Z9\)\)", text), text
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------------------------------- plan.xlsx


def test_plan_workbook_has_the_tables_chinese_text_and_no_formulas(tmp_path):
    path = write_instance(
        tmp_path / "county",
        schools=[{"school_id": "S1", "name": FORMULA_NAME, "capacity": 100, "beds": 0, "teachers": 3,
                  "lon": 103.8012345678, "lat": 36.0012345678},
                 {"school_id": "S2", "name": "河滩小学", "capacity": 100, "beds": 0, "teachers": 2,
                  "lon": 103.82, "lat": 36.01}],
        villages=[{"village_id": "V1", "name": "东庄", "pupils_g1_3": 10, "pupils_g4_6": 8, "lon": 103.801,
                   "lat": 36.001},
                  {"village_id": "V2", "name": "西庄", "pupils_g1_3": 12, "pupils_g4_6": 6, "lon": 103.821,
                   "lat": 36.011}],
        travel=[("V1", "S1", 5), ("V1", "S2", 25), ("V2", "S1", 25), ("V2", "S2", 5)])
    out = tmp_path / "out"
    summary = _run(path, out)
    book = openpyxl.load_workbook(out / "plan.xlsx")
    assert book.sheetnames[:3] == ["summary", "schools", "assignments"]
    assert ("teachers" in book.sheetnames) == (out / "teachers.csv").exists()
    assert "years" not in book.sheetnames
    figures = {r[0]: r[1] for r in book["summary"].iter_rows(min_row=2, values_only=True)}
    assert figures["objective"] == pytest.approx(summary["objective"]) and figures["status"] == summary["status"]
    schools = book["schools"]
    header = [c.value for c in schools[1]]
    named = {row[0].value: row[header.index("name")] for row in schools.iter_rows(min_row=2)}
    assert named["S1"].value == FORMULA_NAME and named["S1"].data_type == "s"
    assert named["S2"].value == "河滩小学"
    assert schools.cell(2, header.index("lon") + 1).value == pytest.approx(103.8012345678, abs=1e-12)
    villages = {row[0] for row in book["assignments"].iter_rows(min_row=2, values_only=True)}
    assert {"V1", "V2"} <= villages
    marker = json.loads((out / ".consolidation.json").read_text(encoding="utf-8"))
    assert "plan.xlsx" in marker["files"]
    csv = (out / "schools.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf") and b"103.8012345678" in csv and "河滩小学".encode() in csv


def test_write_xlsx_keeps_text_as_text_and_blanks_blank(tmp_path):
    frame = pd.DataFrame({"id": ["=a", "+1", "@b", "七"], "n": [1.5, float("nan"), -2.0, 3.0]})
    write_xlsx({"t": frame, "a name longer than thirty-one characters": frame}, tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    sheet = book["t"]
    cells = [sheet.cell(r, 1) for r in range(2, 6)]
    assert [c.value for c in cells] == ["=a", "+1", "@b", "七"] and {c.data_type for c in cells} == {"s"}
    assert [sheet.cell(r, 2).value for r in range(2, 6)] == [1.5, None, -2.0, 3.0]
    assert book.sheetnames[1] == "a name longer than thirty-one characters"[:31]


@pytest.mark.slow
def test_programme_workbook_has_a_years_sheet(tmp_path):
    path = tiny_county(tmp_path / "county")
    _scenario_at(path, {})
    import tomllib

    data = tomllib.loads(path.read_text())
    data["years"] = {"first": 2026, "last": 2027}
    data["inputs"]["fractional_pupils"] = True
    path.write_text(tomli_w.dumps(data))
    _run(path, tmp_path / "out")
    book = openpyxl.load_workbook(tmp_path / "out" / "plan.xlsx")
    assert "years" in book.sheetnames
    years = read_csv(tmp_path / "out" / "years.csv")
    assert [r[0] for r in book["years"].iter_rows(min_row=2, values_only=True)] == years["year"].tolist()
