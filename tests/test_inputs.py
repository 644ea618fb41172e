"""Malformed scenarios and data: one clear error naming the file, the key or column, the IDs and the fix."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from consolidation.errors import InputError, ScenarioError
from consolidation.io import read_inputs
from consolidation.checks import check_inputs
from consolidation.pipeline import run_scenario
from consolidation.scenario import load_scenario, resolved_dict, Scenario

SCHOOLS = [{"school_id": "A", "name": "Alpha", "capacity": 100, "pupils_g4_6": 10, "lon": 103.80, "lat": 35.95},
           {"school_id": "B", "name": "Beta", "capacity": 100, "pupils_g4_6": 10, "lon": 103.85, "lat": 35.95}]


def load(path, *overrides):
    loaded = load_scenario(path, list(overrides))
    return check_inputs(read_inputs(loaded.scenario), loaded.scenario)


def problems(path, *overrides) -> str:
    with pytest.raises(InputError) as err:
        load(path, *overrides)
    return str(err.value)


def test_unknown_key_suggests_the_right_one(instance):
    path = instance(schools=SCHOOLS, scenario={"schools": {"max_opne": 3}})
    with pytest.raises(ScenarioError, match="unknown key 'schools.max_opne'. Did you mean 'max_open'"):
        load_scenario(path)
    with pytest.raises(ScenarioError, match="Did you mean 'G4_6'"):
        load_scenario(instance(schools=SCHOOLS, scenario={"rules": {"G4-6": {"max_minutes": 40}}}))


def test_wrong_values_are_named(instance):
    path = instance(schools=SCHOOLS, scenario={"costs": {"per_pupil_minute": -1}, "schools": {"assignment": "one"}})
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    text = str(err.value)
    assert "costs.per_pupil_minute" in text and "schools.assignment" in text and "'single' or 'split'" in text


def test_bad_toml_and_missing_file(tmp_path):
    (tmp_path / "bad.toml").write_text("name = \n")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_scenario(tmp_path / "bad.toml")
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario(tmp_path / "missing.toml")


def test_extends_and_set_precedence(instance, tmp_path):
    base = instance(schools=SCHOOLS, scenario={"rules": {"G4_6": {"max_minutes": 40, "boarding": True}},
                                               "costs": {"per_bed_added": 1}})
    child = base.parent / "child.toml"
    child.write_text('extends = "scenario.toml"\nname = "child"\n[rules.G4_6]\nmax_minutes = 60\n')
    loaded = load_scenario(child, ["rules.G4_6.max_minutes=45"])
    s = loaded.scenario
    assert s.name == "child" and s.rules.G4_6.max_minutes == 45 and s.rules.G4_6.boarding is True
    assert s.costs.per_bed_added == 1
    assert loaded.overrides == (("rules.G4_6.max_minutes", 60, 45),)
    assert loaded.files == (child.resolve(), base.resolve())
    assert s.inputs.schools == (base.parent / "schools.csv").resolve()  # relative to the file naming it
    assert Scenario.model_validate(resolved_dict(s)) == s  # the resolved scenario reloads identically


def test_extends_circle(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\nname = "a"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\nname = "b"\n')
    with pytest.raises(ScenarioError, match="circle"):
        load_scenario(tmp_path / "a.toml")


def test_band_defaults():
    s = Scenario.model_validate({"name": "x", "inputs": {"schools": "s.csv"}})
    assert (s.rules.G1_3.max_minutes, s.rules.G1_3.boarding, s.rules.G1_3.mode) == (30, False, "walk")
    assert (s.rules.G4_6.max_minutes, s.rules.G4_6.boarding) == (40, True)
    assert s.rules.G7_9.max_minutes == 60
    s = Scenario.model_validate({"name": "x", "inputs": {"schools": "s.csv"}, "rules": {"G1_3": {"boarding": False}}})
    assert s.rules.G1_3.max_minutes is None and s.rules.G1_3.mode == "walk"


def test_every_problem_is_listed_at_once(instance):
    schools = [{**SCHOOLS[0], "pupils_g1_3": "many"}, {**SCHOOLS[1], "school_id": "A", "lock": "maybe"}]
    text = problems(instance(schools=schools))
    assert "pupils_g1_3 has values that are not numbers for school_id A" in text
    assert "lock must be open, closed or blank" in text


def test_semantic_problems_are_listed_at_once(instance):
    schools = [{**SCHOOLS[0], "max_capacity": 50}, {**SCHOOLS[1], "school_id": "A", "bands": "G1_3"}]
    text = problems(instance(schools=schools))
    assert "school_id is not unique: A" in text
    assert "max_capacity is below capacity for school_id A" in text
    assert "pupils_g4_6 > 0 but their bands column does not include G4_6" in text


def test_missing_column_names_file_and_column(instance):
    schools = [{k: v for k, v in s.items() if k != "capacity"} for s in SCHOOLS]
    text = problems(instance(schools=schools))
    assert "schools.csv: missing column(s) capacity" in text


def test_unknown_bands_and_booleans(instance):
    schools = [{**SCHOOLS[0], "bands": "G1_3,G10_12", "can_be_hub": "perhaps"}, SCHOOLS[1]]
    text = problems(instance(schools=schools))
    assert "unknown bands for school_id A" in text and "can_be_hub must be true or false" in text


def test_villages_referring_to_unknown_schools(instance):
    villages = [{"village_id": "V1", "pupils_g1_3": 3, "school_id": "Z", "lon": 103.81, "lat": 35.95},
                {"village_id": "V1", "pupils_g1_3": 3, "school_id": "A", "lon": 103.82, "lat": 35.95}]
    text = problems(instance(schools=SCHOOLS, villages=villages))
    assert "village_id is not unique: V1" in text
    assert "names schools not in" in text and "village_id V1" in text


def test_travel_with_unknown_ids(instance):
    text = problems(instance(schools=SCHOOLS, travel=[("A", "A", 0), ("Q", "B", 5), ("A", "C", 5), ("A", "A", 1)]))
    assert "origin_id has IDs not in the schools file: Q" in text
    assert "school_id has IDs not in the schools file: C" in text
    assert "pairs listed more than once: A->A" in text


def test_xy_needs_a_crs_and_no_coordinates_needs_a_matrix(instance):
    schools = [{"school_id": s["school_id"], "capacity": 100, "pupils_g4_6": 5, "x": 500000 + i * 1000, "y": 4e6}
               for i, s in enumerate(SCHOOLS)]
    assert "columns x/y need a CRS" in problems(instance(schools=schools))
    bare = [{"school_id": s["school_id"], "capacity": 100, "pupils_g4_6": 5} for s in SCHOOLS]
    assert "without coordinates" in problems(instance(schools=bare))


def test_spatial_file_in_cgcs2000(tmp_path):
    gdf = gpd.GeoDataFrame([{k: v for k, v in s.items() if k not in ("lon", "lat")} for s in SCHOOLS],
                           geometry=[Point(s["lon"], s["lat"]) for s in SCHOOLS], crs="EPSG:4490")
    gdf.to_file(tmp_path / "schools.gpkg", driver="GPKG")
    (tmp_path / "s.toml").write_text('name = "g"\n[inputs]\nschools = "schools.gpkg"\n')
    inputs = load(tmp_path / "s.toml")
    # CGCS2000 data are measured in a CGCS2000 3-degree Gauss-Kruger zone (103.8E: CM 105E), not UTM.
    assert inputs.crs.is_projected and inputs.crs.to_epsg() == 4544
    result = run_scenario(load_scenario(tmp_path / "s.toml"))
    assert result.status == "optimal"
    # 0.05 degrees of longitude at 35.95 N is about 4.5 km; x 1.3 detour at 30 km/h is about 11.7 min.
    km = result.plan.assignments["km"].max()
    assert km == pytest.approx(4.51 * 1.3, rel=0.01) or km == 0


def test_lon_lat_out_of_range(instance):
    schools = [{**SCHOOLS[0], "lon": 500000}, SCHOOLS[1]]
    assert "lon/lat out of range" in problems(instance(schools=schools))
