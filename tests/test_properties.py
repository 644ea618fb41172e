"""Property tests on random small instances (hypothesis, derandomized so CI runs the same examples).

Every plan the pipeline returns has already passed ``consolidation.plan.verify``, so simply solving
random instances checks feasibility; these tests check optimality and the direction in which the
optimum moves when rules change:

1. with no binding capacity, no boarding, single assignment, the optimum equals a brute force over
   every subset of open schools (each origin-band to its nearest open school);
2. the same with travel limits, including infeasibility exactly when no subset serves everyone
   (also with can_be_hub and max_open); on tiny instances, a brute force over every assignment
   agrees with capacities, places, beds, boarding, locks and max_open as well;
3. monotonicity: tighter travel limits, smaller capacities, fewer schools and single (rather than
   split) assignment never lower the optimum; allowing teaching points never raises it; whole classes
   in classrooms and a teacher limit never lower it;
4. locks hold (and the brute force restricted to the locks agrees);
5. G1_3 pupils never board unless rules.G1_3.boarding = true;
6. HiGHS and CBC agree on the optimum.

A regression test keeps open_exactly able to count a school that no pupil may attend.
"""

from __future__ import annotations

import itertools
import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consolidation.pipeline import run_scenario
from consolidation.scenario import load_scenario

from conftest import write_instance

BANDS = ("G1_3", "G4_6", "G7_9")
COLUMN = {b: "pupils_" + b.lower() for b in BANDS}


def _settings(n: int):
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


# One temporary folder for the whole module; each written instance gets a fresh subfolder.
_ROOT = tempfile.TemporaryDirectory(prefix="consolidation-props-")
_COUNTER = itertools.count()


def write(inst: dict) -> Path:
    """Write an instance (dict with schools, villages, travel, scenario) to a fresh folder."""
    folder = Path(_ROOT.name) / f"case{next(_COUNTER)}"
    return write_instance(folder, schools=inst["schools"], villages=inst["villages"],
                          travel=inst["travel"], scenario=inst["scenario"])


def solve(path: Path, *overrides: str):
    return run_scenario(load_scenario(path, list(overrides)))


def objective(result) -> float | None:
    """The verified optimum, or None when infeasible. Anything else (time limit) fails the test."""
    assert result.status in ("optimal", "infeasible"), (result.status, result.summary.get("reasons"))
    if result.status == "infeasible":
        assert result.summary["reasons"], "an infeasible result must say why"
        return None
    # The objective recomputed from the plan's tables and the solver's agree.
    assert result.summary["objective"] == pytest.approx(result.summary["solver_objective"], rel=1e-6, abs=1e-6)
    return result.summary["objective"]


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6)


def not_below(new: float | None, old: float | None) -> bool:
    """``new`` (a tightened problem) is no better than ``old``: infeasible, or cost >= old's."""
    if new is None:
        return True
    if old is None:
        return False  # a tighter problem is feasible though the looser one was not
    return new >= old - 1e-6 * max(1.0, abs(old))


def open_schools(result) -> set[str]:
    s = result.plan.schools
    return set(s.loc[s["open"] == 1, "school_id"])


# --------------------------------------------------------------------------------------------------
# Random instances
# --------------------------------------------------------------------------------------------------

def _draw_school(draw, sid: str, total: int, *, roomy: bool, school_bands: bool, places: bool, boarding: bool) -> dict:
    """One school's row for :func:`instances`."""
    capacity = total + draw(st.integers(0, 10)) if roomy else draw(st.integers(0, total))
    row = {"school_id": sid, "name": f"School {sid}", "capacity": capacity,
           # blank annual_cost takes [costs] school_annual
           "annual_cost": draw(st.one_of(st.none(), st.integers(0, 5000)))}
    if school_bands and sid != "S0":
        taught = draw(st.lists(st.sampled_from(BANDS), min_size=1, max_size=3, unique=True))
        row["bands"] = ",".join(taught)
    if places:
        row["max_capacity"] = max(total if sid == "S0" else 0, capacity + draw(st.integers(0, total // 2)))
    if boarding:
        beds = draw(st.integers(0, 30))
        row["beds"] = beds
        row["max_beds"] = beds + draw(st.integers(0, 30))
    return row


@st.composite
def instances(draw, *, roomy: bool = True, limits: bool = False, school_bands: bool = False,
              boarding: bool = False, places: bool = False, shortest_limit: int = 1,
              near_home: bool = False, max_schools: int = 5, max_villages: int = 6, max_bands: int = 3):
    """A random small instance: 2-5 schools, 2-6 villages, 0-30 pupils in 1-3 bands, a complete
    travel matrix of 0-90 minutes.

    roomy: every school can hold every pupil (capacity never binds); else capacities 0 to all pupils.
    limits: random max_minutes per band: none or shortest_limit-90 (always set for bands that may board).
    school_bands: schools other than S0 teach random bands (S0 teaches all).
    boarding: G4_6/G7_9 may board, random beds and weekly limit (else nobody boards).
    places: places may be added up to max_capacity at a random price (S0 up to all pupils).
    near_home: a village is 0-20 min from the school it attends today (else 0-90 like the rest).
    """
    n_schools = draw(st.integers(2, max_schools))
    n_villages = draw(st.integers(2, max_villages))
    sids = [f"S{i}" for i in range(n_schools)]
    bands = draw(st.lists(st.sampled_from(BANDS), min_size=1, max_size=max_bands, unique=True))

    villages = []
    for v in range(n_villages):
        row = {"village_id": f"V{v}"}
        for band in bands:
            row[COLUMN[band]] = draw(st.integers(0, 30))
        row["school_id"] = draw(st.sampled_from(["", *sids]))
        villages.append(row)
    if sum(row[COLUMN[b]] for row in villages for b in bands) == 0:
        villages[0][COLUMN[bands[0]]] = draw(st.integers(1, 30))
    total = sum(row[COLUMN[b]] for row in villages for b in bands)

    school_annual = draw(st.integers(0, 5000))
    schools = [_draw_school(draw, sid, total, roomy=roomy, school_bands=school_bands, places=places,
                            boarding=boarding) for sid in sids]

    # near_home: a village is 0-20 minutes from the school it attends today (if it names one).
    travel = [(row["village_id"], sid, draw(st.integers(0, 20 if near_home and sid == row["school_id"] else 90)))
              for row in villages for sid in sids]

    # Limits are often exactly one of the travel times, to exercise "within the limit" at its edge.
    times = sorted({m for _, _, m in travel if m >= shortest_limit})

    def some_limit(low=shortest_limit, high=90):
        return st.one_of(st.integers(low, high), *([st.sampled_from(times)] if times else []))

    rules = {}
    for band in BANDS:
        may_board = boarding and band != "G1_3"
        rule: dict = {"boarding": may_board}
        if limits:
            some = some_limit()
            limit = draw(some if may_board else st.one_of(st.none(), some))
            if limit is not None:
                rule["max_minutes"] = limit
        rules[band] = rule
    scenario = {
        "rules": rules,
        "costs": {"school_annual": school_annual, "per_pupil_minute": draw(st.integers(0, 20)),
                  "per_place_added": draw(st.integers(0, 300)) if places else 0,
                  "per_bed_added": draw(st.integers(0, 300)) if boarding else 0,
                  "per_boarder": draw(st.integers(0, 50)) if boarding else 0,
                  "capital_years": 1},
        "schools": {"assignment": "single"},
        "solver": {"name": "highs", "gap": 0, "time_limit_s": 60},
    }
    if boarding:
        scenario["boarding"] = {"max_weekly_minutes": draw(some_limit(30, 120))}
    return {"schools": schools, "villages": villages, "travel": travel, "scenario": scenario}


# Capacities may bind, places and beds may be added, G4_6/G7_9 may board, travel limits on every
# boarding band, each village near the school it attends today: mostly feasible, often constrained.
RICH = dict(roomy=False, limits=True, school_bands=True, boarding=True, places=True, shortest_limit=20,
            near_home=True)
TINY = dict(RICH, max_schools=3, max_villages=4, max_bands=2)


def brute_force(inst: dict, *, must_open=(), must_close=()) -> float | None:
    """Cheapest plan by enumerating every non-empty set of open schools, each origin-band going to
    its nearest open school that teaches the band within the band's max_minutes (and, if that school
    has can_be_hub = false, only if it is the origin's school today). At most [schools] max_open
    schools. Only valid with roomy capacities, no boarding, single assignment, no min_hub_pupils.
    None when no set serves every pupil."""
    schools = {s["school_id"]: s for s in inst["schools"]}
    scenario = inst["scenario"]
    costs = scenario["costs"]
    max_open = scenario.get("schools", {}).get("max_open", len(schools))
    minutes = {(o, s): m for o, s, m in inst["travel"]}

    def annual(sid):
        value = schools[sid]["annual_cost"]
        return costs["school_annual"] if value is None else value

    def teaches(sid, band):
        return band in schools[sid].get("bands", ",".join(BANDS)).split(",")

    def today(village, band):
        """The school attended today: the one named if it teaches the band, else the nearest that does
        (first in file order on ties)."""
        if village["school_id"] and teaches(village["school_id"], band):
            return village["school_id"]
        options = [(minutes[village["village_id"], sid], i, sid) for i, sid in enumerate(schools) if teaches(sid, band)]
        return min(options)[2] if options else None

    demand = [(v["village_id"], b, v.get(COLUMN[b], 0), today(v, b)) for v in inst["villages"] for b in BANDS]
    demand = [d for d in demand if d[2] > 0]
    candidates = [sid for sid in schools if sid not in must_close]
    best = None
    for k in range(1, min(max_open, len(candidates)) + 1):
        for subset in itertools.combinations(candidates, k):
            if not set(must_open) <= set(subset):
                continue
            cost = float(sum(annual(s) for s in subset))
            for origin, band, n, current in demand:
                limit = scenario["rules"].get(band, {}).get("max_minutes")
                reach = [minutes[origin, s] for s in subset if teaches(s, band)
                         and (limit is None or minutes[origin, s] <= limit)
                         and (schools[s].get("can_be_hub", True) or s == current)]
                if not reach:
                    cost = None
                    break
                cost += costs["per_pupil_minute"] * n * min(reach)
            if cost is not None and (best is None or cost < best):
                best = cost
    return best


def _choice_groups(inst: dict, schools: dict, rules: dict, weekly: float, minutes: dict) -> list | None:
    """Each origin-band's pupils with its eligible (school, minutes, boards); None if one has no school."""
    groups = []  # (pupils, [(school, minutes, boards)])
    for village in inst["villages"]:
        for band in BANDS:
            n = village.get(COLUMN[band], 0)
            if n <= 0:
                continue
            rule, options = rules[band], []
            for sid, school in schools.items():
                if band not in school.get("bands", ",".join(BANDS)).split(",") or school.get("lock") == "closed":
                    continue
                m = minutes[village["village_id"], sid]
                if rule.get("max_minutes") is None or m <= rule["max_minutes"]:
                    options.append((sid, m, False))
                elif rule.get("boarding", False) and m <= weekly:
                    options.append((sid, m, True))
            if not options:
                return None
            groups.append((n, options))
    return groups


def _plan_cost(groups: list, choice: tuple, schools: dict, costs: dict, max_open: int, locked_open: set,
               annual) -> float | None:
    """The cost of one assignment of every origin-band; None when it breaks max_open, places or beds."""
    load, boarders = dict.fromkeys(schools, 0), dict.fromkeys(schools, 0)
    cost = 0.0
    for (n, _), (sid, m, boards) in zip(groups, choice):
        load[sid] += n
        cost += costs["per_pupil_minute"] * n * m
        if boards:
            boarders[sid] += n
            cost += costs["per_boarder"] * n
    opened = {sid for sid in schools if load[sid] > 0} | locked_open
    if len(opened) > max_open:
        return None
    for sid in opened:
        school = schools[sid]
        capacity, beds = school["capacity"], school.get("beds", 0)
        if load[sid] > school.get("max_capacity", capacity) or boarders[sid] > school.get("max_beds", beds):
            return None
        cost += annual(sid)
        cost += costs["per_place_added"] / costs["capital_years"] * max(0, load[sid] - capacity)
        cost += costs["per_bed_added"] / costs["capital_years"] * max(0, boarders[sid] - beds)
    return cost


def brute_force_assignments(inst: dict) -> float | None:
    """Cheapest plan by enumerating every single assignment of each origin-band to an eligible school
    (within the day limit, or boarding where the band may board and the weekly trip is within its
    limit), with capacities, places and beds added up to max_capacity/max_beds at their prices.
    Every [rules] band table must be present. Only for tiny instances (the product of choices)."""
    schools = {s["school_id"]: s for s in inst["schools"]}
    scenario = inst["scenario"]
    costs, rules = scenario["costs"], scenario["rules"]
    weekly = scenario.get("boarding", {}).get("max_weekly_minutes", 120)
    max_open = scenario.get("schools", {}).get("max_open", len(schools))
    minutes = {(o, s): m for o, s, m in inst["travel"]}
    locked_open = {sid for sid, s in schools.items() if s.get("lock") == "open"}

    def annual(sid):
        value = schools[sid]["annual_cost"]
        return costs["school_annual"] if value is None else value

    groups = _choice_groups(inst, schools, rules, weekly, minutes)
    if groups is None:
        return None
    best = None
    for choice in itertools.product(*(options for _, options in groups)):
        cost = _plan_cost(groups, choice, schools, costs, max_open, locked_open, annual)
        if cost is not None and (best is None or cost < best):
            best = cost
    return best


# --------------------------------------------------------------------------------------------------
# 1-2. Brute force agreement
# --------------------------------------------------------------------------------------------------

@_settings(40)
@given(inst=instances())
def test_optimum_equals_brute_force_without_limits(inst):
    result = solve(write(inst))
    expected = brute_force(inst)
    assert expected is not None
    assert result.status == "optimal"
    assert close(objective(result), expected), (objective(result), expected)


@_settings(50)
@given(inst=instances(limits=True, school_bands=True))
def test_optimum_equals_brute_force_with_travel_limits(inst):
    result = solve(write(inst))
    expected = brute_force(inst)
    got = objective(result)
    if expected is None:
        assert got is None, f"brute force finds no plan but the planner found one costing {got}"
    else:
        assert got is not None, f"planner says infeasible ({result.summary['reasons']}) but {expected} exists"
        assert close(got, expected), (got, expected)
        # Every day trip within its band's limit (verify checks it too; cheap to restate).
        a = result.plan.assignments
        for band, rule in inst["scenario"]["rules"].items():
            if "max_minutes" in rule:
                assert (a.loc[a["band"] == band, "minutes"] <= rule["max_minutes"]).all()
        assert (a["boards"] == 0).all()


@_settings(30)
@given(inst=instances(limits=True, school_bands=True), data=st.data())
def test_optimum_equals_brute_force_with_hub_rules_and_max_open(inst, data):
    schools = [dict(s, can_be_hub=data.draw(st.booleans())) for s in inst["schools"]]
    max_open = data.draw(st.integers(1, len(schools)))
    inst = {**inst, "schools": schools,
            "scenario": {**inst["scenario"], "schools": {"assignment": "single", "max_open": max_open}}}
    got = objective(solve(write(inst)))
    expected = brute_force(inst)
    assert (got is None) == (expected is None), (got, expected)
    if got is not None:
        assert close(got, expected), (got, expected)


@_settings(40)
@given(inst=instances(**TINY), data=st.data())
def test_optimum_equals_brute_force_with_capacities_and_boarding(inst, data):
    # Tiny instances (at most 3^8 assignments) where capacities bind, places and beds may be added,
    # G4_6 and G7_9 may board; sometimes a lock and a max_open.
    sids = [s["school_id"] for s in inst["schools"]]
    lock = data.draw(st.sampled_from([None, *[(sid, kind) for sid in sids for kind in ("open", "closed")]]))
    if lock is not None:
        inst = {**inst, "schools": [dict(s, lock=lock[1] if s["school_id"] == lock[0] else "")
                                    for s in inst["schools"]]}
    max_open = data.draw(st.one_of(st.none(), st.integers(1, len(sids))))
    if max_open is not None:
        inst = {**inst, "scenario": {**inst["scenario"], "schools": {"assignment": "single", "max_open": max_open}}}
    got = objective(solve(write(inst)))
    expected = brute_force_assignments(inst)
    assert (got is None) == (expected is None), (got, expected)
    if got is not None:
        assert close(got, expected), (got, expected)


def test_open_exactly_can_keep_an_unreachable_school_open():
    # V1 reaches only A within 15 min; B is 100 min away. open_exactly = 2 has a plan: both open,
    # B empty, 900 + 1000 + 10 x 5 = 1950 (what locking B open gives). The planner says infeasible.
    inst = {"schools": [{"school_id": "A", "capacity": 100, "annual_cost": 900},
                        {"school_id": "B", "capacity": 100, "annual_cost": 1000}],
            "villages": [{"village_id": "V1", "pupils_g4_6": 10, "school_id": "A"}],
            "travel": [("V1", "A", 5), ("V1", "B", 100)],
            "scenario": {"rules": {"G4_6": {"max_minutes": 15}},
                         "costs": {"per_pupil_minute": 1, "capital_years": 1},
                         "schools": {"open_exactly": 2}, "solver": {"gap": 0}}}
    result = solve(write(inst))
    assert result.status == "optimal", result.summary["reasons"]
    assert result.summary["objective"] == pytest.approx(1950)


# --------------------------------------------------------------------------------------------------
# 3. Monotonicity (capacities may bind, places may be added, G4_6/G7_9 may board)
# --------------------------------------------------------------------------------------------------

@_settings(20)
@given(inst=instances(**RICH), band=st.sampled_from(BANDS), cut=st.integers(1, 60))
def test_tighter_travel_limit_never_lowers_the_optimum(inst, band, cut):
    path = write(inst)
    loose = objective(solve(path))
    current = inst["scenario"]["rules"][band].get("max_minutes", 91)
    tighter = max(1, current - cut)
    tight = objective(solve(path, f"rules.{band}.max_minutes={tighter}"))
    assert not_below(tight, loose), (band, current, tighter, loose, tight)


@_settings(20)
@given(inst=instances(**RICH), data=st.data())
def test_more_capacity_never_raises_the_optimum(inst, data):
    small = objective(solve(write(inst)))
    bigger = {**inst, "schools": []}
    for row in inst["schools"]:
        extra = data.draw(st.integers(0, 30))
        bigger["schools"].append({**row, "capacity": row["capacity"] + extra,
                                  "max_capacity": row["max_capacity"] + extra + data.draw(st.integers(0, 10))})
    large = objective(solve(write(bigger)))
    assert not_below(small, large), (small, large)


@_settings(20)
@given(inst=instances(**RICH), data=st.data())
def test_adding_a_school_never_raises_the_optimum(inst, data):
    # No can_be_hub = false and no min_hub_pupils here: a new school can become the inferred "school
    # today" of villages without a school_id, which changes who counts as moving (see the report).
    fewer = objective(solve(write(inst)))
    new = dict(inst["schools"][0], school_id="SNEW", name="New school",
               capacity=data.draw(st.integers(0, 60)), annual_cost=data.draw(st.integers(0, 5000)))
    new["max_capacity"] = new["capacity"] + data.draw(st.integers(0, 30))
    new["bands"] = ",".join(data.draw(st.lists(st.sampled_from(BANDS), min_size=1, max_size=3, unique=True)))
    travel = inst["travel"] + [(v["village_id"], "SNEW", data.draw(st.integers(0, 90))) for v in inst["villages"]]
    more = objective(solve(write({**inst, "schools": [*inst["schools"], new], "travel": travel})))
    assert not_below(fewer, more), (fewer, more)


@_settings(20)
@given(inst=instances(**RICH))
def test_split_assignment_is_never_dearer_than_single(inst):
    path = write(inst)
    single = objective(solve(path))
    split = objective(solve(path, 'schools.assignment="split"'))
    assert not_below(single, split), (single, split)


@_settings(20)
@given(inst=instances(**RICH), cost=st.integers(0, 5000))
def test_allowing_teaching_points_never_raises_the_optimum(inst, cost):
    # An option the model may refuse: keeping a school whole stays possible at the same cost.
    path = write(inst)
    whole = objective(solve(path))
    points = objective(solve(path, "teaching_points.allowed=true", f"teaching_points.annual_cost={cost}"))
    assert not_below(whole, points), (whole, points)


@_settings(15)
@given(inst=instances(**RICH), data=st.data())
def test_class_capacity_and_a_teacher_limit_never_lower_the_optimum(inst, data):
    path = write(inst)
    free = objective(solve(path))
    classes = objective(solve(path, 'schools.capacity_by="classes"', "teachers.class_size_primary=20",
                              "teachers.class_size_junior=20"))
    assert not_below(classes, free), (free, classes)
    teachers = {**inst, "schools": [{**row, "teachers": data.draw(st.integers(0, 4))} for row in inst["schools"]]}
    staffed = objective(solve(write(teachers), "teachers.within_available=true"))
    assert not_below(staffed, free), (free, staffed)


# --------------------------------------------------------------------------------------------------
# 4. Locks
# --------------------------------------------------------------------------------------------------

@_settings(30)
@given(inst=instances(limits=True, school_bands=True), data=st.data())
def test_locks_hold_and_match_brute_force(inst, data):
    sids = [s["school_id"] for s in inst["schools"]]
    opened = data.draw(st.sampled_from(sids))
    closed = data.draw(st.sampled_from([s for s in sids if s != opened] + [None]))
    schools = [dict(s, lock="open" if s["school_id"] == opened else "closed" if s["school_id"] == closed else "")
               for s in inst["schools"]]
    locked = {**inst, "schools": schools}
    result = solve(write(locked))
    got = objective(result)
    expected = brute_force(inst, must_open=[opened], must_close=[closed] if closed else [])
    if expected is None:
        assert got is None, got
        return
    assert got is not None and close(got, expected), (got, expected)
    assert opened in open_schools(result)
    if closed is not None:
        assert closed not in open_schools(result)
        assert closed not in set(result.plan.assignments["school_id"])


@_settings(15)
@given(inst=instances(**RICH), data=st.data())
def test_locks_hold_with_capacities_and_boarding(inst, data):
    path = write(inst)
    free = objective(solve(path))
    sids = [s["school_id"] for s in inst["schools"]]
    target = data.draw(st.sampled_from(sids))
    lock = data.draw(st.sampled_from(["open", "closed"]))
    schools = [dict(s, lock=lock if s["school_id"] == target else "") for s in inst["schools"]]
    result = solve(write({**inst, "schools": schools}))
    got = objective(result)
    assert not_below(got, free), (free, got)
    if lock == "open":
        # A locked-open school never makes a feasible scenario infeasible unless max_open says so.
        assert (got is None) == (free is None)
    if got is not None:
        assert (target in open_schools(result)) == (lock == "open")


# --------------------------------------------------------------------------------------------------
# 5. G1_3 never boards unless allowed
# --------------------------------------------------------------------------------------------------

@_settings(25)
@given(inst=instances(**RICH),
       g1_3=st.sampled_from(["absent", "no_key", "false"]), limit=st.integers(1, 45))
def test_young_pupils_never_board_unless_allowed(inst, g1_3, limit):
    rules = dict(inst["scenario"]["rules"])
    if g1_3 == "absent":
        rules.pop("G1_3")  # defaults: 30 min walking, no boarding
    elif g1_3 == "no_key":  # a G1_3 table without the boarding key
        rules["G1_3"] = {"max_minutes": limit}
    else:
        rules["G1_3"] = {"max_minutes": limit, "boarding": False}
    # G1_3 pupils in every village, so that boarding would often be the cheaper (or only) way.
    villages = [dict(v, **{COLUMN["G1_3"]: v.get(COLUMN["G1_3"], 0) or 5}) for v in inst["villages"]]
    inst = {**inst, "villages": villages, "scenario": {**inst["scenario"], "rules": rules}}
    path = write(inst)
    result = solve(path)
    got = objective(result)
    if got is not None:
        a = result.plan.assignments
        assert result.summary["boarders_g1_3"] == 0
        assert (a.loc[a["band"] == "G1_3", "boards"] == 0).all()
        assert result.summary["travel_minutes"]["G1_3"]["boarders"] == 0
    # Allowing G1_3 to board only relaxes the problem (with the table absent, the override creates
    # a G1_3 table without max_minutes, i.e. no limit: a relaxation too).
    allowed = objective(solve(path, "rules.G1_3.boarding=true"))
    assert not_below(got, allowed), (got, allowed)


# --------------------------------------------------------------------------------------------------
# 6. HiGHS and CBC agree
# --------------------------------------------------------------------------------------------------

@_settings(6)
@given(inst=instances(**RICH), split=st.booleans())
def test_highs_and_cbc_agree(inst, split):
    path = write(inst)
    extra = ['schools.assignment="split"'] if split else []
    highs = solve(path, *extra)
    cbc = solve(path, *extra, 'solver.name="cbc"')
    a, b = objective(highs), objective(cbc)
    assert (a is None) == (b is None), (a, b)
    if a is not None:
        assert math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6), (a, b)
        assert "cbc" in cbc.summary["solver"] and "highs" in highs.summary["solver"]
