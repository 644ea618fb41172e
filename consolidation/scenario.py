"""Scenario files: a strict, frozen schema with defaults, ``extends`` and command-line overrides.

Precedence, highest first: ``--set key=value`` on the command line, the scenario file, the file it
``extends`` (recursively), the defaults below. Every override is recorded as ``key: old -> new``.
"""

from __future__ import annotations

import codecs
import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import BANDS, KG
from .errors import ScenarioError
from .files import not_a_regular_file


class _Strict(BaseModel):
    # Every number must be finite: inf or nan in a scenario is a mistake, never a setting ("no limit" is an
    # absent key).
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


YUAN_MAX = 1e9
"""Largest amount of yuan any one cost setting may have. Real settings are at most millions; beyond a
billion the objective's terms differ by more than the solver's tolerances can resolve (HiGHS treats 1e20 as
infinite), so the plan would be noise. A larger value is almost always a unit or typing mistake."""


class InputFiles(_Strict):
    """``[inputs]``: the data files. Relative paths are relative to the scenario file that names them."""

    schools: Path = Field(description="Schools file (GeoPackage, GeoJSON, Shapefile or CSV). Required.")
    villages: Path | None = Field(
        None, description="Villages file; without it each school's own pupils are the demand."
    )
    travel: Path | None = Field(
        None, description="Travel CSV (origin_id, school_id, minutes[, km, mode, band]); listed pairs override "
        "computed travel, for their mode (walk, bus) and band when given."
    )
    enrolment: Path | None = Field(
        None, description="Enrolment by year for a programme ([years]): CSV with origin_id (a village, or a school "
        "without a villages file), year, pupils_g1_3, pupils_g4_6, pupils_g7_9; replaces the projection. Every "
        "origin and every year of the programme must have a row."
    )
    boundary: Path | None = Field(None, description="Polygon file drawn on the map.")
    roads: Path | None = Field(
        None, description="Road network for travel along roads ([roads]): lines (GeoPackage, Shapefile, GeoJSON) "
        "or a local OpenStreetMap extract (.osm.pbf). Absent: straight line x travel.detour."
    )
    dem: Path | None = Field(
        None, description="Elevation raster (GeoTIFF) for a walking slope penalty along roads ([roads] "
        "slope_penalty); needs roads."
    )
    sheets: dict[str, str] = Field(
        default_factory=dict, description="Excel inputs: the sheet to read for a table, by role, e.g. "
        "{ schools = \"学校\", villages = \"村\" }; absent: the first sheet."
    )
    columns: dict[str, str] = Field(
        default_factory=dict, description="Headers of the input tables mapped to the planner's names, e.g. "
        "{ \"学校代码\" = \"school_id\", \"学校名称\" = \"name\" }; applied to every table read."
    )
    coordinates: Literal["wgs84", "gcj02", "bd09"] = Field(
        "wgs84", description="Datum of lon/lat columns: wgs84 (GPS), gcj02 (Amap, Tencent, copied from Chinese "
        "web maps) or bd09 (Baidu); converted to WGS84 on reading. Projected x/y are read in inputs.crs."
    )
    output_crs: str | None = Field(
        None, description="CRS of the run folder's geometry (plan.gpkg). Absent: a metric CRS of the input's "
        "family (a CGCS2000 Gauss-Kruger zone for Chinese data in CGCS2000 or a Chinese web-map datum, else UTM)."
    )
    travel_mode: Literal["walk", "bus", "both"] | None = Field(
        None, description="What a travel CSV without a mode column (or with a blank mode) gives: walk minutes, bus "
        "minutes, or both (the same minutes whatever the mode). Absent: both, with a warning and a note in the "
        "run's report, so a bus-time matrix never silently turns walks into rides."
    )
    crs: str | None = Field(
        None, description="CRS of x/y columns in CSV files, e.g. EPSG:4547 (CGCS2000 / 3-degree GK CM 114E)."
    )
    complete: bool = Field(
        False, description="true: the travel CSV lists every reachable pair; unlisted pairs are unreachable."
    )
    fractional_pupils: bool = Field(
        False, description="true: pupil counts may have fractions (projections); false: they must be whole "
        "numbers (today's enrolment)."
    )
    max_school_pupils: float = Field(
        100_000, gt=0, description="Plausibility limit: a school's pupils, capacity, max_capacity, beds or "
        "max_beds above this is an error (a unit or typing mistake); raise it for a larger school."
    )
    max_village_pupils: float = Field(
        20_000, gt=0, description="Plausibility limit: a village's pupils (all bands) above this is an error; "
        "raise it for a larger origin."
    )
    boundary_tolerance_km: float = Field(
        5, ge=0, description="A school or village farther than this outside the boundary is an error (its "
        "coordinates are probably wrong); raise it to allow points outside the county."
    )

    @field_validator("schools", "villages", "travel", "boundary", "enrolment", "roads", "dem", mode="before")
    @classmethod
    def _not_empty(cls, value: Any, info: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            raise ValueError(f"is empty: name a file, e.g. {info.field_name} = \"{info.field_name}.csv\""
                             + ("" if info.field_name == "schools" else ", or leave the key out"))
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("contains a NUL character: name a file")
        return value


class BandRule(_Strict):
    """``[rules.G1_3]`` etc.: travel and boarding rules of one grade band."""

    max_minutes: float | None = Field(
        None, gt=0, description="Longest one-way day trip, minutes. Absent: no travel limit for the band."
    )
    boarding: bool = Field(False, description="May pupils of this band board when the day trip is too long?")
    mode: Literal["walk", "bus"] = Field(
        "bus", description="How day pupils travel when minutes are computed from distance."
    )


_BAND_DEFAULTS: dict[str, dict[str, Any]] = {
    "G1_3": {"max_minutes": 30, "boarding": False, "mode": "walk"},
    "G4_6": {"max_minutes": 40, "boarding": True, "mode": "bus"},
    "G7_9": {"max_minutes": 60, "boarding": True, "mode": "bus"},
}

_KG_DEFAULT: dict[str, Any] = {"max_minutes": 20, "boarding": False, "mode": "walk"}
"""The kindergarten band's rule where ``[rules.KG]`` is absent. [M]: no national travel limit for children of
3-6 was found; kindergartens are planned by a short service radius (hundreds of metres in towns, wider in the
country), and children this young are walked (or carried) by a parent, so: 20 minutes' walk (about 1.3 km at
4 km/h), never boarding."""


_KG_MEANING: dict[str, str] = {
    "max_minutes": "Longest one-way day trip of a kindergarten child (ages 3-6), minutes; used only when the data "
                   "have pupils_kg ([M]: no national limit found; 20 minutes' walk is about 1.3 km).",
    "boarding": "Never: children of 3-6 do not board (true is refused).",
    "mode": "How kindergarten children travel when minutes are computed from distance (walked by a parent).",
}


class Rules(_Strict):
    """``[rules]``: one table per band.

    A band table that is absent takes the defaults (G1_3: 30 min walking, no boarding; G4_6: 40 min by bus,
    boarding; G7_9: 60 min by bus, boarding).
    A band table that is present but has no ``max_minutes`` has no travel limit.
    """

    G1_3: BandRule = Field(default_factory=lambda: BandRule(**_BAND_DEFAULTS["G1_3"]))
    G4_6: BandRule = Field(default_factory=lambda: BandRule(**_BAND_DEFAULTS["G4_6"]))
    G7_9: BandRule = Field(default_factory=lambda: BandRule(**_BAND_DEFAULTS["G7_9"]))
    KG: BandRule | None = Field(
        None, description="Kindergarten (ages 3-6), used when the data have pupils_kg. Absent: 20 min walking, "
        "never boarding ([M]); boarding = true is refused (children of 3-6 do not board)."
    )

    @model_validator(mode="before")
    @classmethod
    def _mode_by_band(cls, data: Any) -> Any:
        # A present band table without ``mode`` keeps its band's usual mode (walk for G1_3 and KG).
        if isinstance(data, dict):
            data = dict(data)
            for band, table in data.items():
                usual = _KG_DEFAULT if band == KG else _BAND_DEFAULTS.get(band)
                if isinstance(table, dict) and "mode" not in table and usual is not None:
                    data[band] = {**table, "mode": usual["mode"]}
        return data

    @model_validator(mode="after")
    def _kg_never_boards(self) -> Rules:
        if self.KG is not None and self.KG.boarding:
            raise ValueError("rules.KG.boarding = true: kindergarten children (ages 3-6) do not board; set "
                             "boarding = false, or leave it out")
        return self

    def band(self, band: str) -> BandRule:
        """Return the rule of ``band`` (``G1_3``, ``G4_6``, ``G7_9``; ``KG``: its default when absent)."""
        if band == KG:
            return self.KG if self.KG is not None else BandRule(**_KG_DEFAULT)
        return getattr(self, band)


class TravelSettings(_Strict):
    """``[travel]``: how minutes are computed from straight-line distance when no travel CSV gives them."""

    walk_kmh: float = Field(4.0, gt=0, description="Children's walking speed, km/h (2.5 in mountains).")
    bus_kmh: float = Field(30.0, gt=0, description="School bus average speed, km/h.")
    detour: float = Field(1.3, ge=1, description="Road distance over straight line (1.6 in mountains).")


class Roads(_Strict):
    """``[roads]``: travel along a road network (``inputs.roads``): shortest paths by mode."""

    class_column: str | None = Field(
        None, description="Column of the road file holding each road's class (OpenStreetMap's highway values "
        "by default: highway)."
    )
    speed_column: str | None = Field(
        None, description="Column of the road file with a bus speed in km/h for each road; overrides class_speeds."
    )
    class_speeds: dict[str, float] = Field(
        default_factory=lambda: {"motorway": 60.0, "trunk": 60.0, "primary": 50.0, "secondary": 40.0,
                                 "tertiary": 30.0, "unclassified": 25.0, "residential": 20.0, "service": 15.0,
                                 "track": 15.0},
        description="School bus km/h by road class; classes not listed are not driven (paths, steps, footways)."
    )
    walk_classes_excluded: list[str] = Field(
        default_factory=lambda: ["motorway", "trunk"], description="Road classes children may not walk along."
    )
    max_snap_m: float = Field(
        2000, gt=0, description="A village or school farther than this from the network is an error (wrong "
        "coordinates, or a network that misses it); the distance to the network is walked and reported."
    )
    slope_penalty: float = Field(
        0.0, ge=0, description="Walking: extra minutes per 100 m climbed (Tobler-like penalty) from inputs.dem; "
        "0: none."
    )


class Boarding(_Strict):
    """``[boarding]``: rules for boarders."""

    max_weekly_minutes: float | None = Field(
        120, gt=0, description="Longest one-way weekly trip home of a boarder, minutes (by bus)."
    )
    max_boarders_G4_6: float | None = Field(
        None, ge=0, description="At most this many G4_6 pupils may board, county-wide. Absent: no cap."
    )


class SchoolRules(_Strict):
    """``[schools]``: how many schools stay open and how pupils are assigned."""

    max_open: int | None = Field(None, ge=1, description="At most this many schools open.")
    open_exactly: int | None = Field(None, ge=1, description="Exactly this many schools open.")
    assignment: Literal["single", "split"] = Field(
        "single", description="single: each village and band goes to one school; split: may be divided."
    )
    min_hub_pupils: float = Field(
        0, ge=0, description="A school that takes in pupils from other schools must end with at least this many."
    )
    capacity_by: Literal["places", "classes"] = Field(
        "places", description="places: pupils within a school's places; classes: also whole classes per band, "
        "each within the class size of [teachers] (45 primary, 50 junior), one classroom a class: the schools "
        "column classrooms, else capacity / 45 rounded up (at least the classes of today's pupils); places "
        "are then added a classroom (45 places) at a time."
    )

    @model_validator(mode="after")
    def _consistent(self) -> SchoolRules:
        if self.max_open is not None and self.open_exactly is not None and self.open_exactly > self.max_open:
            raise ValueError(
                f"open_exactly ({self.open_exactly}) is larger than max_open ({self.max_open}); drop one"
            )
        return self


class TeachingPoints(_Strict):
    """``[teaching_points]``: whether a school may stay open for its youngest pupils only (a teaching point).

    A teaching point (教学点) sends its older pupils to another school. The model chooses, per school: kept,
    teaching point, hub, or closed.
    """

    allowed: bool = Field(
        False, description="true: a school that teaches the bands below and older ones may keep only these bands."
    )
    bands: list[Literal["G1_3", "G4_6", "G7_9"]] = Field(
        default_factory=lambda: ["G1_3"], min_length=1, description="Bands a teaching point keeps."
    )
    annual_cost: float = Field(
        40_000, ge=0, le=YUAN_MAX,
        description="Yuan a year to run a school as a teaching point, instead of its annual cost."
    )
    min_pupils: float = Field(0, ge=0, description="A school that becomes a teaching point keeps at least this many.")
    max_pupils: float | None = Field(
        120, gt=0, description="...and at most this many (an incomplete primary: 4 classes of 30)."
    )
    parents: bool = Field(
        False, description="true: every open teaching point (one in the data, or a school the plan turns into "
        "one) is attached to a parent school that staffs it (教学点 under a 中心校): an open complete school "
        "(not a teaching point) of parent_kinds within max_parent_minutes. The point's posts are filled by its "
        "own or its parent's teachers, or recruited. Off by default (the plans of earlier versions)."
    )
    parent_kinds: list[str] = Field(
        default_factory=lambda: ["township"], description="Values of the schools' kind column a parent may "
        "have; default township (township central schools, 中心校); [] lets any complete school be a parent. "
        "[M]: Chinese teaching points are run by the township's central school; a city school is not one."
    )
    max_parent_minutes: float = Field(
        60, gt=0, description="Longest one-way trip of the parent's teachers to a teaching point, minutes (by "
        "bus, the rule of travel.school_minutes). [M] placeholder: one G7_9 day trip, as "
        "teachers.max_redeploy_minutes."
    )
    per_parent_minute: float = Field(
        100, ge=0, le=YUAN_MAX, description="Yuan a year per minute of one-way trip between a teaching point "
        "and its parent (teachers' travel, counted with the teachers' public cost); it also makes the nearest "
        "parent the choice among equals. [M] placeholder."
    )

    @field_validator("parent_kinds")
    @classmethod
    def _kinds(cls, kinds: list[str]) -> list[str]:
        blank = [k for k in kinds if not k.strip()]
        if blank:
            raise ValueError("parent_kinds holds an empty kind: list values of the schools' kind column, e.g. "
                             "[\"township\"], or [] for any complete school")
        return kinds


class Teachers(_Strict):
    """``[teachers]``: staff posts, life teachers for boarders and class sizes (staffing rules of 2014)."""

    pupils_per_post_primary: float = Field(19, gt=0, description="Pupils of grades 1-6 per staff post.")
    pupils_per_post_junior: float = Field(13.5, gt=0, description="Pupils of grades 7-9 per staff post.")
    posts_per_class_primary: float = Field(
        1.7, ge=0, description="Floor for small schools: posts per primary class (set by province)."
    )
    posts_per_class_junior: float = Field(2.5, ge=0, description="Floor: posts per junior class.")
    class_size_primary: int = Field(45, gt=0, description="Largest primary class, pupils.")
    class_size_junior: int = Field(50, gt=0, description="Largest junior class, pupils.")
    boarders_per_life_teacher: float = Field(
        30, gt=0, description="Boarders per life teacher (生活老师); no national ratio, 30 is a placeholder."
    )
    within_available: bool = Field(
        False, description="true: the plan may not need more teachers (posts and life teachers) than the "
        "schools' teachers and teachers_junior columns add up to."
    )
    max_redeploy_minutes: float = Field(
        60, ge=0, description="A school's teachers may be redeployed to a school at most this many minutes away "
        "(one way, by bus, straight line x travel.detour); teachers beyond reach of any need stay on the payroll "
        "as surplus. Placeholder: no national rule; 60 minutes is one G7_9 day trip."
    )
    max_redeploy_minutes_outside_group: float | None = Field(
        None, ge=0, description="Longest new one-way trip, minutes, for a teacher redeployed outside their "
        "education group (county-wide); within the group (and at their own school) max_redeploy_minutes holds. "
        "Absent: max_redeploy_minutes for every move. With groups formed after the plan, the plan model assumes no "
        "group (this limit for every move) and the budget is restated with the groups. Placeholder [M]: e.g. 30 "
        "keeps a city teacher from being sent 50-60 minutes to a village outside their group."
    )
    attrition_rate: float = Field(
        0.03, ge=0, lt=1, description="Share of today's teachers who leave each year (retirement and leaving; "
        "domain brief: 3 %, [M]). In a programme, year k after the first keeps round((1 - rate)^k x) of the "
        "county's teachers, shared among the schools in proportion to today's: savings in posts come through "
        "attrition, not dismissal. No effect on a one-year plan."
    )

    def class_size(self, band: str) -> int:
        """Largest class of ``band``, pupils: ``class_size_junior`` for G7_9, ``class_size_primary`` otherwise."""
        return self.class_size_junior if band == "G7_9" else self.class_size_primary


class Kindergarten(_Strict):
    """``[kindergarten]``: places, staff and funds of the kindergarten band (KG, ages 3-6), when the data have it.

    Kindergarten children fill a school's ``kg_places``, never its primary ``capacity``. Staff follow the
    Ministry of Education's kindergarten staffing standard of 2013 (幼儿园教职工配备标准(暂行)): a full-day class
    has 2 full-time teachers and 1 carer (保育员). Without kindergarten data, nothing here is used.
    """

    class_size: int = Field(
        30, gt=0, description="Largest kindergarten class, children ([S]: 幼儿园工作规程 2016: 25 small, 30 "
        "middle or mixed-age, 35 large classes; 30 is the mixed-age class of a village kindergarten)."
    )
    teachers_per_class: float = Field(
        2, ge=0, description="Full-time kindergarten teachers (专任教师) per class ([S]: 2013 staffing standard, "
        "full-day kindergartens and single-class village preschool points: 2)."
    )
    carers_per_class: float = Field(
        1, ge=0, description="Carers (保育员) per class ([S]: 2013 staffing standard, full-day: 1)."
    )
    teacher_salary: float | None = Field(
        None, ge=0, le=YUAN_MAX, description="Yuan a year per kindergarten teacher, all-in. Absent: "
        "costs.teacher_salary ([M])."
    )
    carer_salary: float = Field(
        40_000, ge=0, le=YUAN_MAX, description="Yuan a year per carer (保育员), all-in ([M])."
    )
    per_child: float = Field(
        600, ge=0, le=YUAN_MAX, description="Public operating funds per kindergarten child a year (生均公用经费; "
        "[M]: provinces set their own, often 300-1,000)."
    )
    per_place_added: float | None = Field(
        None, ge=0, le=YUAN_MAX, description="Yuan per kindergarten place added (one-off). Absent: "
        "costs.per_place_added ([M])."
    )

    def salary(self, costs: Costs) -> float:
        """Return a kindergarten teacher's yearly pay (yuan): ``teacher_salary``, else ``costs.teacher_salary``."""
        return costs.teacher_salary if self.teacher_salary is None else self.teacher_salary

    def place_price(self, costs: Costs) -> float:
        """Return the price of a kindergarten place added (yuan): ``per_place_added``, else the classroom place's."""
        return costs.per_place_added if self.per_place_added is None else self.per_place_added


class Campuses(_Strict):
    """``[campuses]``: one school, several campuses (一校多区): a merger that keeps both sites open.

    A campus stays an open school with its own pupils, places, beds and classes, run by a main school: one
    head and one administration, so the campus needs ``shared_posts`` fewer staff posts. Existing campuses
    are the schools column ``campus_of``; ``pairs`` locks planned ones; with ``allowed`` the model may make
    more, within ``max_minutes`` of the main school.
    """

    allowed: bool = Field(
        False, description="true: the model may make a school a campus of another (one school, several "
        "campuses); existing (schools column campus_of) and locked (pairs) campuses apply either way."
    )
    max_minutes: float = Field(
        20, gt=0, description="Longest one-way trip for teachers between a campus and its main school, minutes "
        "(the rule teachers are redeployed by: the travel CSV's school pairs, roads, else straight line x "
        "travel.detour at travel.bus_kmh). Placeholder [M]: no rule found (the example's pairs are 16-23 minutes "
        "apart)."
    )
    shared_posts: int = Field(
        1, ge=0, le=20, description="Staff posts a campus no longer needs: the school has one head and one "
        "administration. A campus's posts are ceil(its posts by the [teachers] rule before rounding - "
        "shared_posts), at least 0. Placeholder [M]: one head's post; no national rule found."
    )
    max_campuses: int = Field(
        1, ge=1, le=20, description="Most campuses one main school runs besides its own site (1: one school, "
        "two campuses, 一校两区) [M]."
    )
    mains: list[str] | None = Field(
        None, description="IDs of the schools that may run campuses the model makes; absent: any complete "
        "school (not a teaching point)."
    )
    pairs: dict[str, str] = Field(
        default_factory=dict, description="Campuses locked as such, campus ID -> main school ID, e.g. "
        "{ S06 = \"S31\" }: a campus of its main school while the plan keeps both open."
    )
    annual_saving: float = Field(
        0, ge=0, le=YUAN_MAX, description="Yuan a year a campus saves besides its posts (one office, one "
        "budget). Placeholder [M]: 0, none counted."
    )
    per_minute: float = Field(
        500, ge=0, le=YUAN_MAX, description="Yuan a year per minute of one-way trip between a campus and its "
        "main school: staff travelling between the sites (one person's round trip each school day is 6.3 hours "
        "a year per minute, about 60 yuan an hour of a teacher's pay, plus the ride). Placeholder [M]."
    )

    @model_validator(mode="after")
    def _pairs_consistent(self) -> Campuses:
        for campus, main in self.pairs.items():
            if campus == main:
                raise ValueError(f"campuses.pairs: {campus} cannot be a campus of itself")
            if main in self.pairs:
                raise ValueError(f"campuses.pairs: {main} is the main school of {campus} and itself a campus "
                                 f"of {self.pairs[main]}: a campus's main school must not be a campus")
        return self


class Decisions(_Strict):
    """``[decisions]``: why each school: the plan re-solved with each school's decision locked the other way.

    Written to ``decisions.csv`` in every run folder and the report's "Why each school" section; the closest
    calls (the smallest increase of the objective) first.
    """

    enabled: bool = Field(True, description="false: decisions.csv lists the decisions with empty deltas and the "
                          "reason \"not evaluated\" (nothing is re-solved).")
    time_budget_s: float = Field(
        60, ge=0, le=86_400, description="Seconds of re-solving in all, after the plan ([M]: a minute, about 30 "
        "re-solves of the example county); schools not reached get a row saying so. 0: none re-solved.")
    max_schools: int | None = Field(
        None, ge=0, description="Re-solve at most this many decisions, the closest calls first (by a one-school "
        "local search estimate). Absent: as many as the budget allows.")
    solve_time_limit_s: float = Field(
        30, gt=0, le=86_400, description="Time limit of each re-solve, seconds ([M]); within what is left of "
        "time_budget_s. A re-solve stopped by it reports its gap.")
    workers: int | None = Field(
        None, ge=1, description="Processes re-solving at once (a local Dask cluster from 2). Absent: 1 (serial), "
        "or one per core from 60 decisions to re-solve ([M]; measured on a busy 2-core machine, starting the "
        "cluster took 45 s, so it pays off only past a few minutes of serial re-solving).")


class Alternatives(_Strict):
    """``[alternatives]``: the best plans that differ from the optimum in at least ``min_difference`` schools.

    Found one after another with a no-good cut on the open schools of every plan found so far and the objective
    kept within ``within`` of the optimum's; each is verified and written as a run folder
    ``alternatives/altN/``.
    """

    count: int = Field(2, ge=0, le=20, description="How many alternative plans to look for ([M]). 0: none.")
    within: float = Field(
        0.01, ge=0, le=1, description="Most an alternative's objective may exceed the optimum's, as a fraction "
        "(0.01: 1 %) ([M]).")
    min_difference: int = Field(
        1, ge=1, description="Schools (open or closed) in which each alternative differs from the plan and from "
        "every alternative before it ([M]).")
    time_limit_s: float = Field(
        60, gt=0, le=86_400, description="Time limit of each alternative's solve, seconds ([M]).")


class Groups(_Strict):
    """``[groups]``: education groups (1+N).

    Each group is one core school and 1 to N member schools within the teachers' travel limit of their core.
    Formed by ``consolidation group`` and, when ``enabled``, after every ``run`` among the plan's open
    schools.
    """

    enabled: bool = Field(False, description="true: `consolidation run` also forms groups among open schools.")
    schools: list[str] | None = Field(
        None, description="IDs of the schools taking part; absent: every school (every open school after a plan)."
    )
    count: int | None = Field(
        None, ge=1, description="Number of groups. Absent: as many as the locked cores, or as the model finds best."
    )
    cores: list[str] = Field(default_factory=list, description="Schools locked as cores (core schools).")
    core_candidates: list[str] | None = Field(
        None, description="Schools that may be cores; absent: any school taking part (see min_core_quality)."
    )
    quality_column: str = Field("quality", description="Schools column with a score; higher makes a better core.")
    min_core_quality: float | None = Field(None, description="Only schools with at least this quality may be cores.")
    quality_weight: float = Field(
        1.0, ge=0, description="Teacher minutes traded for one point of core quality, per group, in the objective."
    )
    min_members: int = Field(1, ge=0, description="Fewest member schools in a group (the core not counted).")
    max_members: int = Field(4, ge=1, description="Most member schools in a group (the N of 1+N).")
    max_minutes: float = Field(
        45, gt=0, description="Longest one-way trip between a core and its members for travelling teachers, minutes."
    )
    everyone: bool = Field(
        True, description="true: every school taking part is in a group; false: schools may stay outside (pairs)."
    )
    balance_weight: float = Field(
        5.0, ge=0, description="Teacher minutes traded for one member less between the largest and smallest group."
    )
    together: list[list[str]] = Field(
        default_factory=list, description="Pairs of school IDs that must share a group, e.g. [[\"S01\", \"S27\"]]."
    )
    apart: list[list[str]] = Field(
        default_factory=list, description="Pairs of school IDs that must be in different groups."
    )
    joint: bool = Field(
        False, description="true: plan consolidation and groups in one model (groups among the schools the plan "
        "keeps open, a school's fate weighed with the group it could join; implies enabled); false: groups are "
        "formed after the plan, among its open schools. One-year plans only. In the joint model the groups' "
        "teacher travel is costed at teacher_minute_yuan and the quality and balance weights are not used."
    )
    teacher_minute_yuan: float = Field(
        100, ge=0, le=1e6, description="Yuan a year per one-way minute from a core to each of its members (the "
        "travelling teachers' allowance and time), public category teachers; in the plan's budget when groups are "
        "joint, or formed after the plan with [travelling_teachers] subjects. Placeholder [M]: of the order of "
        "costs.per_pupil_minute."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Groups:
        if self.min_members > self.max_members:
            raise ValueError(f"min_members ({self.min_members}) is larger than max_members ({self.max_members})")
        for key in ("together", "apart"):
            for pair in getattr(self, key):
                if len(pair) != 2 or pair[0] == pair[1]:
                    raise ValueError(f"groups.{key}: each entry is two different school IDs, e.g. [\"S01\", \"S27\"]")
        if self.count is not None and self.cores and self.count < len(self.cores):
            raise ValueError(f"count ({self.count}) is smaller than the {len(self.cores)} locked cores")
        return self


class Subject(_Strict):
    """One subject taught by specialist teachers who may travel within a group (走教)."""

    name: str = Field(min_length=1, max_length=40, description="The subject, e.g. music, PE, art, English.")
    hours: float = Field(
        gt=0, le=200, description="Hours a week of the subject each open school needs, the school as a whole (a "
        "rural school of 1-6 classes; per school, not per class, so that sharing stays linear). Placeholder [M]: "
        "e.g. 6 = 2 hours a week in each of 3 classes."
    )


class TravellingTeachers(_Strict):
    """``[travelling_teachers]``: subject posts (music, PE, art, English) and teachers travelling within groups (走教).

    Every open school staffed on its own needs ``ceil(hours / teacher_hours)`` whole posts of each subject; the
    schools of an education group (core and members within ``max_minutes`` of the core) share posts:
    ``ceil(group hours / teacher_hours)``, and at least enough teachers to make the trips to the members
    (``max_trips_per_week`` a teacher, a school day's teaching, teacher_hours / 5, a trip). Subject posts are
    costed at ``costs.teacher_salary``, on top of the staff posts of [teachers]. No subjects: nothing counted.
    """

    subjects: list[Subject] = Field(
        default_factory=list, description="Subjects with their hours a week per school, e.g. [{name = \"music\", "
        "hours = 6}]; empty: no subject posts are counted."
    )
    teacher_hours: float = Field(
        16, gt=0, le=40, description="Teaching hours a week of one subject teacher. Placeholder [M] (rural "
        "teachers teach about 14-18 lessons a week)."
    )
    max_minutes: float = Field(
        30, gt=0, le=240, description="Longest one-way trip, minutes, from a core to a member whose subject "
        "hours its travelling teachers take on; a member farther away staffs its subjects itself. Placeholder [M]."
    )
    max_trips_per_week: int = Field(
        4, ge=0, le=20, description="Trips to member schools one travelling teacher makes a week (a school day's "
        "teaching each); 0: no teacher travels. Placeholder [M]."
    )

    @model_validator(mode="after")
    def _distinct(self) -> TravellingTeachers:
        names = [s.name for s in self.subjects]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"subjects named twice: {', '.join(twice)}; give each subject once")
        return self


class Costs(_Strict):
    """``[costs]``: the objective's prices.

    Yearly terms in yuan a year; capital terms are one-off yuan, annualised over ``capital_years`` in the
    objective.
    """

    school_annual: float = Field(
        65_000, ge=0, le=YUAN_MAX, description="Yuan a year to keep a school open, unless the school has annual_cost "
        "(funds floor of 100 pupils x 650 yuan)."
    )
    per_pupil_minute: float = Field(
        100, ge=0, le=YUAN_MAX, description="Yuan a year per pupil per minute of one-way trip: the value of families' "
        "time (a minute each way, 190 school days, is 6.3 hours a year; about 100 yuan at 15 yuan an hour). Added "
        "to the public cost in the objective, reported apart; 0 plans by public cost alone (then the choice among "
        "equally costly schools within the travel limits is arbitrary)."
    )
    per_place_added: float = Field(36_000, ge=0, le=YUAN_MAX, description="Yuan per school place added, classroom "
                                   "building included (one-off; domain brief, [M]).")
    per_bed_added: float = Field(
        30_000, ge=0, le=YUAN_MAX, description="Yuan per boarding bed added, dormitory and canteen share included "
        "(one-off; 15,000-40,000, domain brief, [M])."
    )
    per_boarder: float = Field(200, ge=0, le=YUAN_MAX, description="Yuan a year per boarder: public operating "
                               "funds for boarders (+200, domain brief, [S]); the subsidy is boarder_subsidy_*.")
    capital_years: float = Field(
        20, ge=1, le=100, description="Years over which one-off costs are spread in the objective."
    )
    teacher_salary: float = Field(
        90_000, ge=0, le=YUAN_MAX, description="Yuan a year per teacher, all-in (pay, insurance, housing fund); "
        "rural Gansu 70,000-110,000 (domain brief, [M]). Every teacher the schools have stays on the payroll; "
        "recruits add to it. 0 leaves teachers out of the cost."
    )
    life_teacher_salary: float = Field(
        50_000, ge=0, le=YUAN_MAX, description="Yuan a year per life teacher (生活教师) recruited (domain brief, "
        "[M]); a teacher turned into a life teacher keeps a teacher's pay."
    )
    boarder_subsidy_primary: float = Field(
        1_000, ge=0, le=YUAN_MAX, description="Yuan a year per eligible primary (G1_3, G4_6) boarder: the "
        "boarding subsidy for boarders of families in difficulty (domain brief, [S])."
    )
    boarder_subsidy_junior: float = Field(
        1_250, ge=0, le=YUAN_MAX, description="Yuan a year per eligible junior (G7_9) boarder (domain brief, [S])."
    )
    boarder_subsidy_share: float = Field(
        1.0, ge=0, le=1, description="Share of boarders eligible for the boarding subsidy. Placeholder: 1, every "
        "boarder (an upper bound); set the county's share."
    )
    boarder_meals_per_day: float = Field(
        15, ge=0, le=YUAN_MAX, description="Yuan per boarder per school day for free meals (Qilihe: three free "
        "meals; domain brief, [M]); 0 where boarders pay for their meals."
    )
    nutrition_per_pupil_day: float = Field(
        0, ge=0, le=YUAN_MAX, description="Yuan per pupil per school day of the rural nutrition programme "
        "(营养改善计划: 5, domain brief, [S]). Default 0: left out, since it is the same in every plan."
    )
    school_days: float = Field(190, gt=0, le=366, description="School days a year (domain brief, [M]).")
    closed_school_value: float = Field(
        0, ge=0, le=YUAN_MAX, description="Yuan a year a closed school's building brings in when reused or let "
        "(a saving from closing). Placeholder: 0, no reuse counted."
    )
    discount_rate: float = Field(
        0.035, ge=0, le=0.5, description="A programme's yearly costs are discounted at this rate a year to its "
        "first year (domain brief: 3.5 %, [M]); no effect on a one-year plan."
    )


class Buses(_Strict):
    """``[buses]``: school buses for day pupils who ride.

    A day pupil of a band with ``mode = "bus"`` rides when the trip is longer than ``walk_km``; each receiving
    school needs whole buses for its riders.
    """

    seats: int = Field(30, ge=7, le=56, description="Seats per bus (19-35 in the domain brief, [M]; licensed "
                       "school buses have 7 to 56 [S]).")
    runs: int = Field(2, ge=1, le=10, description="Runs a bus makes each morning (and each afternoon): a bus "
                      "carries seats x runs riders (two runs a day, domain brief, [M]).")
    walk_km: float = Field(
        2.0, ge=0, description="Pupils whose trip is at most this many km walk and need no bus. Placeholder: "
        "2 km (Norway's free transport for grade 1 begins beyond 2 km)."
    )
    price: float = Field(250_000, ge=0, le=YUAN_MAX, description="Yuan to buy a bus (domain brief, [M]); "
                         "capital, spread over life_years in the yearly cost.")
    life_years: float = Field(10, ge=1, le=50, description="Years a bus is used (domain brief, [M]).")
    annual: float = Field(
        185_000, ge=0, le=YUAN_MAX, description="Yuan a year to run a bus with its driver and attendant "
        "(150,000-220,000 in the domain brief, [M]; the middle)."
    )
    per_km: float = Field(
        0, ge=0, le=YUAN_MAX, description="Yuan per bus-km, on top of annual (fuel where annual leaves it out). A "
        "bus-km proxy before routing: each busload drives its riders' km four times a school day (out and "
        "back, morning and afternoon). Placeholder: 0."
    )


class Years(_Strict):
    """``[years]``: a programme over several years (absent: a plan of one year, on the data's enrolment).

    The data's enrolment is that of ``first``; later years are projected (or read from ``inputs.enrolment``).
    """

    first: int | None = Field(None, ge=1990, le=2100, description="First year of the programme (the data's "
                              "enrolment is this year's), e.g. 2026. With last; absent: a one-year plan.")
    last: int | None = Field(None, ge=1990, le=2100, description="Last year of the programme, e.g. 2031.")
    step: int = Field(1, ge=1, le=10, description="Years between planned years (1: every year).")
    lead_years: int = Field(
        1, ge=0, le=10, description="Places, beds and classrooms built in a year are usable this many years later "
        "(build before close: nothing built is usable in the first lead_years of the programme)."
    )
    max_closures_per_year: int | None = Field(
        None, ge=0, description="Most schools closed in any one planned year; absent: no limit."
    )
    intake_rate: float = Field(
        0.0, ge=-0.5, le=0.5, description="Cohort projection: grade-1 intake changes by this share a year "
        "(e.g. -0.05), when no births series is given."
    )
    births: dict[int, float] = Field(
        default_factory=dict, description="Cohort projection: births by year (any unit, e.g. millions); grade-1 "
        "intake in year t is the first year's intake x births[t-6] / births[first-6]. Every year first-6 .. "
        "last-6 must be given. Replaces intake_rate."
    )
    intake_rate_column: str | None = Field(
        None, description="Cohort projection: a villages (or schools) column with each origin's own yearly "
        "change of intake, added to intake_rate or to the births series' change."
    )
    junior_entry: float | None = Field(
        None, ge=0, le=1, description="Cohort projection: share of grade-6 pupils who go on to grade 7 in the "
        "county's schools (the rest to schools outside the data, e.g. in the city). Absent: the data's ratio of "
        "G7_9 to G4_6 pupils, at most 1."
    )
    migration_rate: float = Field(
        0.0, ge=-0.5, le=0.5, description="Cohort projection: every band's pupils change by this share a year "
        "(families moving away, e.g. -0.02; or to town, +0.03)."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Years:
        if (self.first is None) != (self.last is None):
            raise ValueError("give both first and last (e.g. first = 2026, last = 2031), or neither for a "
                             "one-year plan")
        if self.first is not None and self.last is not None and self.last < self.first:
            raise ValueError(f"last ({self.last}) is before first ({self.first})")
        for year, value in self.births.items():
            if not value > 0:
                raise ValueError(f"births for {year} is {value}: births must be positive")
        return self

    @property
    def programme(self) -> bool:
        """True when the scenario plans several years (or one named year)."""
        return self.first is not None

    @property
    def planned(self) -> tuple[int, ...]:
        """The planned years, first to last by step (empty for a one-year plan)."""
        if self.first is None or self.last is None:
            return ()
        return tuple(range(self.first, self.last + 1, self.step))


class Budget(_Strict):
    """``[budget]``: hard limits on what a plan may cost the public. Absent: no limit."""

    capital: float | None = Field(
        None, ge=0, le=YUAN_MAX, description="Most one-off yuan: places, beds and buses bought. 0: build and buy "
        "nothing."
    )
    annual: float | None = Field(
        None, ge=0, le=YUAN_MAX, description="Most public yuan a year (the public cost's total, families' time "
        "not included)."
    )
    capital_per_year: float | None = Field(
        None, ge=0, le=YUAN_MAX, description="A programme ([years]): most one-off yuan spent in any one year on "
        "places, beds and classrooms built that year and buses bought."
    )


class SolverSettings(_Strict):
    """``[solver]``: which MIP solver and when to stop."""

    name: Literal["highs", "cbc"] = Field("highs", description="highs (default) or cbc (fallback).")
    time_limit_s: float = Field(300, gt=0, description="Return the best plan found (and its gap) this many seconds "
                                "after the model build starts: building, the start plan and the solver all count.")
    gap: float = Field(1e-4, ge=0, lt=1, description="Stop when the relative optimality gap is this small.")
    threads: int | None = Field(None, ge=1, description="Solver threads; default: the solver's choice.")
    formulation: Literal["auto", "classic"] = Field(
        "auto", description="auto: where no capacity or other rule can bind (a p-median or facility-location "
        "scenario), solve the smaller radius formulation, level by level; classic: always the model of record.")


class Policy(_Strict):
    """``[policy]``: the national rules a plan is checked against after solving (``checks.csv``).

    The checks are independent of the model's rules: a scenario may allow what policy frowns on (a longer walk,
    larger classes), and the checks then say so. A value above ``near`` times its limit is a near-breach.
    """

    near: float = Field(
        0.9, gt=0, le=1, description="Share of a limit from which a value is flagged as near (0.9: within 10 % "
        "of the limit; 1: breaches only). Placeholder [M]."
    )
    g1_3_max_minutes: float = Field(
        30, gt=0, le=600, description="Longest one-way trip of grades 1-3, minutes (State Council General Office "
        "2012 No. 48; 2018 No. 27, [S]). Grades 1-3 never board (same circulars)."
    )
    class_size_primary: float = Field(
        45, gt=0, le=200, description="Largest primary class, pupils (construction standard 建标109-2008, [S]); a "
        "band's classes are the plan's (teachers.class_size_*)."
    )
    class_size_junior: float = Field(
        50, gt=0, le=200, description="Largest junior (grades 7-9) class, pupils (建标109-2008, [S])."
    )
    size_incomplete_primary: float = Field(
        120, gt=0, description="Most pupils of a school teaching grades 1-3 only, or a teaching point: 4 classes of "
        "30 (建标109-2008, [V])."
    )
    size_complete_primary: float = Field(
        1_080, gt=0, description="Most pupils of a complete primary (grades 1-6): 24 classes of 45 (建标109-2008, [V])."
    )
    size_junior: float = Field(
        1_200, gt=0, description="Most pupils of a junior secondary school (grades 7-9 only): 24 classes of 50 "
        "(建标109-2008, [V])."
    )
    size_nine_year: float = Field(
        2_250, gt=0, description="Most pupils of a nine-year school (grades 1-9 and 4-9): 45 classes "
        "(建标109-2008, [S])."
    )
    super_large: float = Field(
        2_000, gt=0, description="A primary or junior school above this many pupils is super-large (State Council "
        "2016 No. 40 names super-large schools; the figure is a placeholder, [M])."
    )
    super_large_nine_year: float = Field(
        2_500, gt=0, description="A nine-year school above this many pupils is super-large (placeholder, [M])."
    )


class Scenario(_Strict):
    """A whole scenario, resolved: every value set, paths absolute."""

    name: str = Field(min_length=1, description="Short name; the default run folder is reports/<name>.")
    description: str = Field("", description="One or two sentences for the report.")
    description_zh: str = Field("", description="The description in Chinese, for reports and comparisons in Chinese "
                                "(--lang zh). Absent: they show the English description, marked as untranslated.")
    inputs: InputFiles
    rules: Rules = Field(default_factory=Rules)
    travel: TravelSettings = Field(default_factory=TravelSettings)
    roads: Roads = Field(default_factory=Roads)
    boarding: Boarding = Field(default_factory=Boarding)
    schools: SchoolRules = Field(default_factory=SchoolRules)
    costs: Costs = Field(default_factory=Costs)
    buses: Buses = Field(default_factory=Buses)
    budget: Budget = Field(default_factory=Budget)
    years: Years = Field(default_factory=Years)
    solver: SolverSettings = Field(default_factory=SolverSettings)
    teaching_points: TeachingPoints = Field(default_factory=TeachingPoints)
    teachers: Teachers = Field(default_factory=Teachers)
    groups: Groups = Field(default_factory=Groups)
    policy: Policy = Field(default_factory=Policy)
    kindergarten: Kindergarten | None = Field(
        None, description="Kindergarten places, staff and funds ([kindergarten]); absent: the defaults."
    )
    campuses: Campuses = Field(default_factory=Campuses)
    travelling_teachers: TravellingTeachers = Field(default_factory=TravellingTeachers)
    decisions: Decisions = Field(default_factory=Decisions)
    alternatives: Alternatives = Field(default_factory=Alternatives)
    sweep: dict[str, Any] = Field(
        default_factory=dict, description="Values to vary in `consolidation sweep`, e.g. "
        "\"rules.G4_6.max_minutes\" = [30, 40, 50, 60] (or nested tables); each a non-empty list."
    )

    @model_validator(mode="after")
    def _sweep_lists(self) -> Scenario:
        def walk(table: dict[str, Any], prefix: str) -> None:
            for key, value in table.items():
                if isinstance(value, dict):
                    walk(value, f"{prefix}{key}.")
                elif not isinstance(value, list) or not value:
                    raise ValueError(f"sweep.{prefix}{key} must be a non-empty list of values, e.g. [30, 40, 50]")

        walk(self.sweep, "")
        return self

    @property
    def kg(self) -> Kindergarten:
        """Return ``[kindergarten]``, or its defaults where the scenario has none."""
        return self.kindergarten if self.kindergarten is not None else Kindergarten()


SECTIONS: dict[str, type[BaseModel]] = {
    "inputs": InputFiles,
    "rules": Rules,
    "travel": TravelSettings,
    "roads": Roads,
    "boarding": Boarding,
    "schools": SchoolRules,
    "costs": Costs,
    "buses": Buses,
    "budget": Budget,
    "years": Years,
    "solver": SolverSettings,
    "teaching_points": TeachingPoints,
    "teachers": Teachers,
    "groups": Groups,
    "policy": Policy,
    "kindergarten": Kindergarten,
    "campuses": Campuses,
    "travelling_teachers": TravellingTeachers,
    "decisions": Decisions,
    "alternatives": Alternatives,
}


@dataclass(frozen=True)
class LoadedScenario:
    """A scenario and where its values came from."""

    scenario: Scenario
    files: tuple[Path, ...]
    """The scenario file first, then the files it extends."""
    overrides: tuple[tuple[str, Any, Any], ...] = field(default=())
    """``(key, old, new)`` for each ``--set``."""


def _read_toml(path: Path, role: str = "scenario file") -> dict[str, Any]:
    problem = not_a_regular_file(path)
    if problem == "does not exist":
        raise ScenarioError(f"{path}: {role} not found (it does not exist): check the path") from None
    if problem is not None:
        raise ScenarioError(f"{path}: the {role} {problem}: name a .toml file")
    data = path.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (len(data) > 1 and b"\x00" in data[:200]):
        raise ScenarioError(f"{path}: the {role} is saved as UTF-16, but TOML must be UTF-8: save it again as "
                            "UTF-8 (in Notepad: Save as, Encoding UTF-8)")
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark (Notepad's "UTF-8 with BOM") is harmless
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ScenarioError(f"{path}: the {role} is not UTF-8 (line {line} has bytes that are not UTF-8; "
                            "GBK/GB18030 perhaps). TOML must be UTF-8: save it again as UTF-8 (in Notepad: Save "
                            f"as, Encoding UTF-8), or convert it: iconv -f GB18030 -t UTF-8 {path.name} > "
                            f"{path.stem}.utf8.toml") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None


INPUT_PATHS = ("schools", "villages", "travel", "boundary", "enrolment", "roads", "dem")


def _absolute_inputs(raw: dict[str, Any], base: Path) -> None:
    inputs = raw.get("inputs")
    if isinstance(inputs, dict):
        for key in INPUT_PATHS:
            value = inputs.get(key)
            if isinstance(value, str) and value.strip() and "\x00" not in value:
                inputs[key] = str((base / value).resolve())


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _read_chain(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict[str, Any], tuple[Path, ...]]:
    path = path.resolve()
    if path in seen:
        chain = " -> ".join(str(p) for p in (*seen, path))
        raise ScenarioError(f"{path}: 'extends' goes round in a circle: {chain}")
    raw = _read_toml(path)
    _absolute_inputs(raw, path.parent)
    parent = raw.pop("extends", None)
    if parent is None:
        return raw, (path,)
    if not isinstance(parent, str):
        raise ScenarioError(f"{path}: 'extends' must be a file name in quotes, e.g. extends = \"base.toml\"")
    if not parent.strip():
        raise ScenarioError(f"{path}: 'extends' is empty: name the base scenario file, e.g. extends = \"base.toml\"")
    target = path.parent / parent
    problem = not_a_regular_file(target)
    if problem is not None:
        raise ScenarioError(f"{path}: extends = {parent!r}: {target} {problem}: name the base scenario's .toml file "
                            "(relative to this file)")
    base_raw, base_files = _read_chain(target, (*seen, path))
    if "description" in raw and "description_zh" not in raw:  # the base's Chinese describes the base, not this file
        base_raw = {k: v for k, v in base_raw.items() if k != "description_zh"}
    return _merge(base_raw, raw), (path, *base_files)


def parse_value(text: str) -> Any:
    """Read a ``--set`` value as TOML (``45``, ``true``, ``"x"``, ``[1, 2]``); bare words stay strings."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _apply_override(raw: dict[str, Any], assignment: str) -> tuple[str, Any, Any]:
    if "=" not in assignment:
        raise ScenarioError(f"--set {assignment!r}: write it as key=value, e.g. rules.G4_6.max_minutes=45")
    key, _, text = assignment.partition("=")
    key = key.strip()
    parts = key.split(".")
    node = raw
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ScenarioError(f"--set {key}: {part!r} is a value, not a table")
        node = child
    old = node.get(parts[-1])
    new = parse_value(text.strip())
    if parts[0] == "inputs" and len(parts) == 2 and parts[1] in INPUT_PATHS and isinstance(new, str) \
            and new.strip() and "\x00" not in new:
        new = str(Path(new).resolve())  # a path given on the command line is relative to where it is typed
    node[parts[-1]] = new
    return key, old, new


def _fields_at(loc: tuple[Any, ...]) -> list[str]:
    """Field names valid at the table that contains ``loc`` (for spelling suggestions)."""
    model: type[BaseModel] | None = Scenario
    for part in loc[:-1]:
        if model is None:
            return []
        info = model.model_fields.get(str(part))
        if info is None:
            return []
        annotation = info.annotation
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    return list(model.model_fields) if model is not None else []


def _explain(exc: ValidationError, where: str) -> ScenarioError:
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        key = ".".join(str(p) for p in loc)
        if err["type"] == "extra_forbidden":
            known = _fields_at(loc)
            close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            lines.append(f"unknown key '{key}'.{hint} Known keys here: {', '.join(known)}")
        elif err["type"] == "missing":
            lines.append(f"'{key}' is required")
        else:
            given = err.get("input")
            hint = ""
            if err["type"] == "finite_number":
                hint = ": inf and nan are not settings (leave a key out where absent means no limit)"
            elif err["type"] == "less_than_equal" and (err.get("ctx") or {}).get("le") == YUAN_MAX:
                hint = " yuan: a larger amount is almost certainly a unit or typing mistake"
            lines.append(f"'{key}' = {given!r}: {err['msg']}{hint}")
    return ScenarioError(f"{where}: " + ("\n  " if len(lines) > 1 else "") + "\n  ".join(lines))


def load_scenario(path: str | Path, overrides: tuple[str, ...] | list[str] = ()) -> LoadedScenario:
    """Read a scenario file, follow ``extends``, apply ``--set`` overrides, validate strictly.

    Parameters
    ----------
    path
        The scenario TOML file.
    overrides
        ``key=value`` strings, e.g. ``rules.G4_6.max_minutes=45``; values are read as TOML.

    Raises
    ------
    ScenarioError
        Naming the file, the key, and the fix (with a spelling suggestion for unknown keys).
    """
    path = Path(path)
    raw, files = _read_chain(path)
    applied = tuple(_apply_override(raw, item) for item in overrides)
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        where = str(path) + (" (with --set " + ", ".join(overrides) + ")" if overrides else "")
        raise _explain(exc, where) from None
    return LoadedScenario(scenario=scenario, files=files, overrides=applied)


def resolved_dict(scenario: Scenario) -> dict[str, Any]:
    """Return the scenario as plain TOML-ready data; loading it again gives the same scenario."""
    return scenario.model_dump(mode="json", exclude_none=True)


def reference_markdown() -> str:
    """Return a Markdown reference of every scenario key, generated from the schema."""
    out = ["| key | default | meaning |", "|---|---|---|"]
    for name in ("name", "description", "description_zh", "sweep"):
        info = Scenario.model_fields[name]
        default = "" if info.is_required() else repr(info.get_default(call_default_factory=True))
        out.append(f"| `{name}` | {default} | {info.description} |")
    out.append("| `extends` |  | A base scenario file whose values this file overrides. |")
    for section, model in SECTIONS.items():
        if model is Rules:
            for band in BANDS:
                for key, info in BandRule.model_fields.items():
                    default = _BAND_DEFAULTS[band][key]
                    out.append(f"| `rules.{band}.{key}` | {default!r} | {info.description} |")
            for key, meaning in _KG_MEANING.items():
                out.append(f"| `rules.KG.{key}` | {_KG_DEFAULT[key]!r} | {meaning} |")
            continue
        for key, info in model.model_fields.items():
            default = "(required)" if info.is_required() else repr(info.get_default(call_default_factory=True))
            out.append(f"| `{section}.{key}` | {default} | {info.description} |")
    return "\n".join(out)
