"""Education groups (1+N, 教育集团): one core school (核心校) and 1 to N member schools (成员校) each.

Teachers travel between the campuses of a group, so every member lies within ``groups.max_minutes`` of
its core. The model (:func:`consolidation.group_model.build_group_model`) chooses the cores among the
candidates (or takes the locked ones) and the member schools of each, for the least teacher travel,
better cores (by a quality score) and group sizes kept even.

Teachers' minutes between two schools come from the travel CSV where it lists the pair (``origin_id``
one school, ``school_id`` the other, either way round), else from straight-line distance x
``travel.detour`` at ``travel.bus_kmh`` (:func:`consolidation.travel.school_minutes`, the rule teachers
redeployed after a plan travel by too). Schools without coordinates reach only the schools the travel CSV
pairs them with.

The stage sits after the plan: ``consolidation run`` forms groups among the plan's open schools when
``[groups] enabled = true``; ``consolidation group`` forms them among every school not locked closed.
Every grouping is verified from its table alone (:func:`verify_groups`) before it is reported.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .errors import InfeasibleError, InputError, PlannerError, ScenarioError, VerificationError, id_list
from .messages import ids as id_words, say, term
from .io import Inputs
from .group_model import build_group_model
from .scenario import Groups, Scenario
from .solve import solve_problem
from .status import Status
from .tolerances import SOLVER as EPS
from .travel import school_minutes

log = logging.getLogger("consolidation")

GROUP_COLUMNS = ["group_id", "core_id", "member_id", "minutes"]
"""Columns of ``groups.csv``: one row per member school (``minutes``: teachers' one-way trip from the
core); a core without members (possible only with ``min_members = 0``) has one row with no member."""
TEACHER_COLUMNS = ("teachers", "teachers_junior")


class NoGroupingError(PlannerError):
    """The solver found no grouping within its time limit."""

    exit_code = 4


class GroupingInfeasibleError(InfeasibleError):
    """No grouping can meet the ``[groups]`` rules; ``reasons`` say why in plain words."""

    def __init__(self, reasons: list[str]):
        super().__init__(reasons)
        self.args = ("\n".join(["No education grouping meets the rules:", *("- " + r for r in self.reasons)]),)


@dataclass(frozen=True)
class GroupResult:
    """A verified grouping.

    Attributes
    ----------
    status
        ``optimal`` or ``feasible`` (stopped by the time limit with a grouping).
    groups
        One row per member school: :data:`GROUP_COLUMNS`, groups in the order of their cores in the schools
        file, members nearest first; ``minutes`` is the teachers' one-way trip from the core.
    by_group
        One row per group: ``group_id``, ``core_id``, ``core_name``, ``members`` (count), ``member_ids`` and
        ``member_names`` (lists), ``max_minutes`` (the farthest member, one way; 0 without members),
        ``total_minutes``, ``schools`` (core and members), ``quality`` of the core (NaN where unknown) and
        ``teachers`` (sum of ``teachers`` and ``teachers_junior`` of its schools, when the data have them).
    schools
        IDs of the schools taking part, in file order.
    outside
        Schools taking part that are in no group (only with ``everyone = false``).
    terms
        The objective's terms recomputed from the table, in teacher minutes: ``minutes`` (one-way, summed
        over members), ``quality`` (minus ``quality_weight`` x the cores' quality), ``balance``
        (``balance_weight`` x the members of the largest group less those of the smallest).
    solver_objective, gap, solver, seconds
        As the solver reports them.
    """

    status: Status
    groups: pd.DataFrame
    by_group: pd.DataFrame
    schools: tuple[str, ...]
    outside: tuple[str, ...]
    terms: dict[str, float]
    solver_objective: float | None
    gap: float | None
    solver: str
    seconds: float

    @property
    def objective(self) -> float:
        """The objective recomputed from the table (teacher minutes)."""
        return float(sum(self.terms.values()))

    def summary(self) -> dict[str, Any]:
        """Headline figures for ``summary.json`` and the one-line CLI summary."""
        members = self.by_group["members"] if len(self.by_group) else pd.Series(dtype=int)
        return {
            "groups": len(self.by_group),
            "schools": len(self.schools),
            "outside": len(self.outside),
            "members_min": int(members.min()) if len(members) else 0,
            "members_max": int(members.max()) if len(members) else 0,
            "max_minutes": float(self.by_group["max_minutes"].max()) if len(self.by_group) else 0.0,
            "teacher_minutes": float(self.terms.get("minutes", 0.0)),
            "status": self.status,
            "objective": self.objective,
        }

    def describe(self) -> str:
        """One line: e.g. "8 groups of 2-4 members; 34 of 34 schools in a group; farthest member 41.9 min"."""
        s = self.summary()
        low, high = s["members_min"], s["members_max"]
        sizes = f"{low}-{high} members" if low != high else f"{low} member{'s' if low != 1 else ''}"
        return (f"{s['groups']} group{'s' if s['groups'] != 1 else ''} of {sizes}; {s['schools'] - s['outside']} of "
                f"{s['schools']} schools in a group; farthest member {s['max_minutes']:.1f} min from its core")


# --- who takes part, who may be a core ----------------------------------------------------------------------


def _names(inputs: Inputs) -> dict[str, str]:
    return dict(zip(inputs.schools["school_id"].astype(str), inputs.schools["name"].astype(str)))


def _who(sid: str, names: dict[str, str]) -> str:
    name = names.get(sid, sid)
    return say("reason.who_named", origin=sid, name=name) if name and name != sid else sid


def quality(inputs: Inputs, rules: Groups) -> pd.Series:
    """Return each school's quality score (``groups.quality_column``), indexed by ``school_id``.

    NaN where blank, or everywhere when the column is absent.
    """
    schools = inputs.schools
    ids = schools["school_id"].astype(str)
    if rules.quality_column not in schools:
        return pd.Series(np.nan, index=ids.to_numpy(), dtype=float)
    return pd.Series(pd.to_numeric(schools[rules.quality_column], errors="coerce").to_numpy(float),
                     index=ids.to_numpy())


def check_group_settings(inputs: Inputs, scenario: Scenario) -> None:
    """Check ``[groups]`` against the data before anything is solved.

    Raises
    ------
    ScenarioError
        Naming the key, the IDs not in the schools file, and the fix; or a locked core that the other
        settings forbid (not a candidate, quality too low).
    InputError
        The quality column is needed but missing, or has values that are not numbers.
    """
    rules = scenario.groups
    known = set(inputs.schools["school_id"].astype(str))
    source = scenario.inputs.schools
    problems = []
    lists: list[tuple[str, list[str]]] = [("groups.schools", rules.schools or []), ("groups.cores", rules.cores),
                                         ("groups.core_candidates", rules.core_candidates or [])]
    lists += [("groups.together", [s for pair in rules.together for s in pair]),
              ("groups.apart", [s for pair in rules.apart for s in pair])]
    for key, ids in lists:
        unknown = sorted({str(s) for s in ids} - known, key=str)
        if unknown:
            problems.append(f"{key} names schools that are not in {source}: {id_list(unknown)}; "
                            "use school_id values from that file")
    column = rules.quality_column
    if column not in inputs.schools:
        if rules.min_core_quality is not None or "quality_column" in rules.model_fields_set:
            raise InputError([f"{source}: no column {column}, which [groups] needs for the quality of core "
                              f"schools: add the column, or set groups.quality_column to the column that has it"])
    else:
        raw = inputs.schools[column]
        words = pd.to_numeric(raw, errors="coerce").isna() & raw.notna() & (raw.astype(str).str.strip() != "")
        if words.any():
            raise InputError([f"{source}: column {column} has values that are not numbers for school_id "
                              f"{id_list(inputs.schools.loc[words, 'school_id'])}: write plain numbers"])
    _raise_settings(problems)
    score = quality(inputs, rules)
    if rules.core_candidates is not None:
        odd = [c for c in rules.cores if c not in set(rules.core_candidates)]
        if odd:
            problems.append(f"groups.cores {id_list(odd)} are not among groups.core_candidates: add them there")
    if rules.min_core_quality is not None:
        low = [c for c in rules.cores if not score.get(c, np.nan) >= rules.min_core_quality]
        if low:
            problems.append(f"groups.cores {id_list(low)} have a {column} below groups.min_core_quality = "
                            f"{rules.min_core_quality:g}: lower it, or unlock them")
    both = [f"{a}+{b}" for a, b in rules.together if a in rules.cores and b in rules.cores]
    if both:
        problems.append(f"groups.together pairs two locked cores ({', '.join(both)}); two cores never share a "
                        "group: drop the pair or one of the locks")
    clash = {tuple(sorted(p)) for p in rules.together} & {tuple(sorted(p)) for p in rules.apart}
    if clash:
        problems.append(f"groups.together and groups.apart both name {', '.join('+'.join(p) for p in sorted(clash))}")
    _raise_settings(problems)


def _raise_settings(problems: list[str]) -> None:
    if problems:
        raise ScenarioError("[groups]: " + ("\n  " if len(problems) > 1 else "") + "\n  ".join(problems))


def taking_part(inputs: Inputs, scenario: Scenario, open_ids=None) -> list[str]:
    """Return the schools taking part, in file order.

    Those of ``groups.schools`` (default all) that are open in the plan (``open_ids``) or, without a plan,
    not locked closed.
    """
    schools = inputs.schools
    ids = schools["school_id"].astype(str)
    if open_ids is None:
        keep = (schools["lock"] != "closed").to_numpy()
    else:
        keep = ids.isin({str(s) for s in open_ids}).to_numpy()
    if scenario.groups.schools is not None:
        keep = keep & ids.isin({str(s) for s in scenario.groups.schools}).to_numpy()
    return ids[keep].tolist()


def core_candidates(part: list[str], score: pd.Series, rules: Groups) -> list[str]:
    """Return the schools that may be cores, in the order of ``part``.

    Locked cores, and the schools of ``core_candidates`` (default: all taking part) whose quality is at
    least ``min_core_quality``.
    """
    allowed = set(part) if rules.core_candidates is None else set(rules.core_candidates)
    if rules.min_core_quality is not None:
        allowed = {s for s in allowed if score.get(s, np.nan) >= rules.min_core_quality}
    allowed |= set(rules.cores)
    return [s for s in part if s in allowed]


def eligible_pairs(minutes: pd.DataFrame, part: list[str], candidates: list[str], max_minutes: float) -> pd.DataFrame:
    """Return the pairs ``core_id``, ``member_id``, ``minutes`` a group may hold.

    The core is a candidate, the member another school taking part, within ``max_minutes`` one way.
    """
    block = minutes.loc[candidates, part].to_numpy(float) if candidates and part else np.empty((0, 0))
    ok = ~np.isnan(block) & (block <= max_minutes + EPS)
    ci, mi = np.nonzero(ok)
    out = pd.DataFrame({"core_id": np.asarray(candidates, dtype=object)[ci],
                        "member_id": np.asarray(part, dtype=object)[mi],
                        "minutes": block[ci, mi]})
    return out[out["core_id"] != out["member_id"]].reset_index(drop=True)


def resolved_count(rules: Groups) -> int | None:
    """Return the number of groups: ``count``, else the number of locked cores, else None (the model chooses)."""
    if rules.count is not None:
        return rules.count
    return len(rules.cores) or None


# --- infeasibility in words ---------------------------------------------------------------------------------


def group_reasons(part: list[str], candidates: list[str], pairs: pd.DataFrame, minutes: pd.DataFrame,
                  rules: Groups, names: dict[str, str]) -> list[str]:
    """Return plain-language reasons no grouping can exist, found without solving (may be empty).

    Parameters
    ----------
    part : list of str
        The schools taking part.
    candidates : list of str
        The schools that may be cores.
    pairs : pandas.DataFrame
        The eligible (core, member) pairs, as from :func:`eligible_pairs`.
    minutes : pandas.DataFrame
        One-way minutes between schools (core rows, member columns).
    rules : Groups
        The scenario's ``[groups]`` settings.
    names : dict
        School names by ID, to name schools in the reasons.
    """
    if not part:
        return [term("group.none_take_part")]
    member_count = pairs.groupby("core_id").size()
    viable = [c for c in candidates if member_count.get(c, 0) >= rules.min_members]
    reasons = _locked_reasons(part, member_count, rules, names)
    if reasons:
        return reasons
    reasons += _together_reasons(viable, pairs, minutes, rules, names)
    if rules.everyone:
        reasons += _stuck_reasons(part, candidates, viable, pairs, minutes, rules, names)
    reasons += _count_reasons(len(part), viable, rules)
    return reasons


def _locked_reasons(part: list[str], member_count: pd.Series, rules: Groups, names: dict[str, str]) -> list[str]:
    """List locked cores that do not take part or have too few members in reach, and together-pairs not taking part."""
    reasons: list[str] = []
    limit = rules.max_minutes
    for c in rules.cores:
        if c not in part:
            reasons.append(say("group.core_out", who=_who(c, names)))
        elif member_count.get(c, 0) < rules.min_members:
            reasons.append(say("group.core_alone", who=_who(c, names), n=member_count.get(c, 0), limit=limit,
                               least=rules.min_members))
    for a, b in rules.together:
        gone = [s for s in (a, b) if s not in part]
        if gone:
            reasons.append(say("group.together_out", a=a, b=b, gone=id_words(gone)))
    return reasons


def _together_reasons(viable: list[str], pairs: pd.DataFrame, minutes: pd.DataFrame, rules: Groups,
                      names: dict[str, str]) -> list[str]:
    """List the pairs locked together that no possible core has within reach of both."""
    reasons: list[str] = []
    partners = {(c, s) for c, s in zip(pairs["core_id"], pairs["member_id"])}
    viable_set = set(viable)
    for a, b in rules.together:
        if not ((a in viable_set and (a, b) in partners) or (b in viable_set and (b, a) in partners)
                or any((c, a) in partners and (c, b) in partners for c in viable)):
            apart = minutes.at[a, b]
            far = say("group.apart", minutes=apart) if np.isfinite(apart) else ""
            reasons.append(say("group.together_far", a=_who(a, names), b=_who(b, names), limit=rules.max_minutes,
                               far=far))
    return reasons


def _stuck_reasons(part: list[str], candidates: list[str], viable: list[str], pairs: pd.DataFrame,
                   minutes: pd.DataFrame, rules: Groups, names: dict[str, str]) -> list[str]:
    """List the schools (the first 20) that can join no group, each with its nearest possible core."""
    reasons: list[str] = []
    reach = pairs.groupby("member_id").size()
    stuck = [s for s in part if s not in viable and reach.get(s, 0) == 0]
    for s in stuck[:20]:
        others = [c for c in candidates if c != s]
        row = minutes.loc[others, s].dropna() if others else pd.Series(dtype=float)
        if len(row):
            near = str(row.idxmin())
            detail = say("group.nearest_core", who=_who(near, names), minutes=row.min(), limit=rules.max_minutes)
        else:
            detail = term("group.no_core_known")
        reasons.append(say("group.stuck", who=_who(s, names), detail=detail))
    if len(stuck) > 20:
        reasons.append(say("group.more_stuck", n=len(stuck) - 20))
    return reasons


def _count_reasons(n: int, viable: list[str], rules: Groups) -> list[str]:
    """List the ways the number of groups cannot fit ``n`` schools taking part, or the possible cores."""
    reasons: list[str] = []
    count, limit = resolved_count(rules), rules.max_minutes
    if count is not None:
        one = "_1" if count == 1 else ""
        if rules.everyone and count * (1 + rules.max_members) < n:
            reasons.append(say(f"group.too_few{one}", count=count, most=rules.max_members,
                               hold=count * (1 + rules.max_members), n=n))
        if count * (1 + rules.min_members) > n:
            reasons.append(say(f"group.too_many{one}", count=count, least=rules.min_members,
                               need=count * (1 + rules.min_members), n=n))
        if count > len(viable):
            reasons.append(say("group.count_cores", count=count, viable=len(viable), least=rules.min_members,
                               limit=limit, ids=id_words(viable) if viable else term("word.none")))
    elif rules.everyone and n and math.ceil(n / (1 + rules.max_members)) > len(viable):
        reasons.append(say("group.need_cores", n=n, groups=math.ceil(n / (1 + rules.max_members)),
                           most=rules.max_members, viable=len(viable)))
    locked = set(rules.cores)
    if len(locked) and count is not None and len(locked) > count:
        reasons.append(say("group.locked_count", n=len(locked), count=count))
    return reasons


def _relaxed_reasons(part, candidates, score, minutes, rules: Groups, scenario: Scenario) -> list[str]:
    """When the solver proves no grouping exists and no check above saw why, relax one rule at a time."""
    quick = scenario.solver.model_copy(update={"time_limit_s": min(30.0, scenario.solver.time_limit_s)})
    reasons = []

    def feasible(trial: Groups) -> bool:
        pairs = eligible_pairs(minutes, part, candidates, trial.max_minutes)
        model = build_group_model(part, pairs, candidates, score.fillna(0.0).to_dict(), trial,
                                  count=resolved_count(trial), name=scenario.name)
        return solve_problem(model.problem, {}, quick).has_solution

    if (rules.together or rules.apart) and feasible(rules.model_copy(update={"together": [], "apart": []})):
        reasons.append(say("group.locks", least=rules.min_members, most=rules.max_members, limit=rules.max_minutes))
    block = minutes.loc[candidates, part].to_numpy(float) if candidates else np.empty(0)
    limits = np.unique(block[np.isfinite(block) & (block > rules.max_minutes + EPS)])
    if len(limits) and feasible(rules.model_copy(update={"max_minutes": float(limits[-1])})):
        lo, hi = 0, len(limits) - 1  # the shortest travel limit that allows a grouping
        while lo < hi:
            mid = (lo + hi) // 2
            if feasible(rules.model_copy(update={"max_minutes": float(limits[mid])})):
                hi = mid
            else:
                lo = mid + 1
        reasons.append(say("group.shortest", limit=rules.max_minutes, shortest=math.ceil(limits[lo] * 10) / 10))
    if rules.count is not None and feasible(rules.model_copy(update={"count": None})):
        reasons.append(say("group.count", count=rules.count))
    if not reasons:
        reasons.append(say("group.nothing_helps", least=rules.min_members, most=rules.max_members,
                           limit=rules.max_minutes))
    return reasons


# --- forming and verifying ----------------------------------------------------------------------------------


def form_groups(inputs: Inputs, scenario: Scenario, open_ids=None) -> GroupResult:
    """Form education groups among the schools taking part, and verify them.

    Parameters
    ----------
    inputs
        The checked data (schools with ``school_id``, ``name``, coordinates and/or a travel CSV; the quality
        and teachers columns when present).
    scenario
        Its ``[groups]`` section sets the rules; ``[travel]`` the teachers' speed and detour; ``[solver]``
        the solver, time limit and gap.
    open_ids
        Schools open in a plan; None: every school not locked closed.

    Raises
    ------
    ScenarioError, InputError
        ``[groups]`` names unknown schools or contradicts itself or the data.
    InfeasibleError
        No grouping meets the rules; ``reasons`` say why in words (schools with no core in reach, group
        counts and sizes that cannot add up, the shortest travel limit that would work).
    NoGroupingError
        No grouping was found within the solver's time limit.
    """
    rules = scenario.groups
    check_group_settings(inputs, scenario)
    names = _names(inputs)
    part = taking_part(inputs, scenario, open_ids)
    score = quality(inputs, rules)
    candidates = core_candidates(part, score, rules)
    minutes = school_minutes(inputs, scenario)
    pairs = eligible_pairs(minutes, part, candidates, rules.max_minutes)
    reasons = group_reasons(part, candidates, pairs, minutes, rules, names)
    if reasons:
        raise GroupingInfeasibleError(reasons)
    taking = set(part)  # a pair locked apart holds by itself when one of the two takes no part
    rules = rules.model_copy(update={"apart": [p for p in rules.apart if p[0] in taking and p[1] in taking]})
    started = time.perf_counter()
    model = build_group_model(part, pairs, candidates, score.fillna(0.0).to_dict(), rules,
                              count=resolved_count(rules), name=scenario.name)
    variables: dict[Any, Any] = {("core", c): v for c, v in model.core.items()}
    variables.update({("member", i): v for i, v in enumerate(model.member)})
    outcome = solve_problem(model.problem, variables, scenario.solver)
    log.debug("groups: %d schools, %d candidate cores, %d pairs, solved in %.2f s (%s)", len(part), len(candidates),
              len(pairs), time.perf_counter() - started, outcome.status)
    if outcome.status == "infeasible":
        raise GroupingInfeasibleError(_relaxed_reasons(part, candidates, score, minutes, rules, scenario))
    if not outcome.has_solution:
        raise NoGroupingError(say("group.time_limit", seconds=scenario.solver.time_limit_s))
    cores = [c for c in candidates if outcome.values[("core", c)] > 0.5]
    chosen = [i for i in range(len(pairs)) if outcome.values[("member", i)] > 0.5]
    table = _group_table(cores, pairs.iloc[chosen])
    verify_groups(table, inputs, scenario, part)
    by_group = _by_group(table, inputs, score)
    grouped = set(table["core_id"]) | set(table["member_id"])
    sizes = by_group["members"]
    terms = {"minutes": float(table["minutes"].sum()),
             "quality": -rules.quality_weight * float(score.reindex(cores).fillna(0.0).sum())}
    if model.largest is not None:
        terms["balance"] = rules.balance_weight * float(sizes.max() - sizes.min()) if len(sizes) else 0.0
    return GroupResult(status=outcome.status, groups=table, by_group=by_group, schools=tuple(part),
                       outside=tuple(s for s in part if s not in grouped), terms=terms,
                       solver_objective=outcome.objective, gap=outcome.gap, solver=outcome.solver,
                       seconds=outcome.seconds)


def _group_table(cores: list[str], chosen: pd.DataFrame) -> pd.DataFrame:
    """Return the groups table from the chosen cores (in file order) and member pairs."""
    width = len(str(len(cores)))
    rows = []
    for k, core in enumerate(cores, start=1):
        gid = f"G{k:0{width}d}"
        members = chosen[chosen["core_id"] == core].sort_values(["minutes", "member_id"])
        if members.empty:
            rows.append({"group_id": gid, "core_id": core, "member_id": "", "minutes": np.nan})
        for m, t in zip(members["member_id"], members["minutes"]):
            rows.append({"group_id": gid, "core_id": core, "member_id": m, "minutes": float(t)})
    return pd.DataFrame(rows, columns=GROUP_COLUMNS)


def _by_group(table: pd.DataFrame, inputs: Inputs, score: pd.Series) -> pd.DataFrame:
    """One row per group: its core, members, farthest and total minutes, the core's quality, teachers."""
    names = _names(inputs)
    schools = inputs.schools.assign(school_id=inputs.schools["school_id"].astype(str)).set_index("school_id")
    columns = [c for c in TEACHER_COLUMNS if c in schools]
    teachers = (schools[columns].apply(pd.to_numeric, errors="coerce").fillna(0.0).sum(axis=1)
                if columns else None)
    rows = []
    for gid, rows_ in table.groupby("group_id", sort=False):
        core = rows_["core_id"].iat[0]
        members = [m for m in rows_["member_id"] if m]
        minutes = rows_["minutes"].dropna()
        row = {"group_id": gid, "core_id": core, "core_name": names.get(core, core), "members": len(members),
               "member_ids": members, "member_names": [names.get(m, m) for m in members],
               "max_minutes": float(minutes.max()) if len(minutes) else 0.0,
               "total_minutes": float(minutes.sum()), "schools": 1 + len(members),
               "quality": float(score.get(core, np.nan))}
        if teachers is not None:
            row["teachers"] = float(teachers.reindex([core, *members]).sum())
        rows.append(row)
    return pd.DataFrame(rows)


def verify_groups(groups: pd.DataFrame, inputs: Inputs, scenario: Scenario, part: list[str]) -> None:
    """Check a groups table against the rules, from the table and the data alone.

    Every school of ``part`` in exactly one group (``everyone = true``; at most one otherwise) and no other
    school; one core per group; member counts within ``min_members``-``max_members``; each member's minutes
    those of the travel data and within ``max_minutes``; cores allowed (candidates, quality) and locked cores
    cores; the number of groups; pairs locked together in one group and pairs locked apart in two.

    Raises
    ------
    VerificationError
        Listing every rule broken (a bug, never a report).
    """
    rules = scenario.groups
    missing = [c for c in GROUP_COLUMNS if c not in groups]
    if missing:
        raise VerificationError(f"the groups table lacks column(s) {', '.join(missing)}")
    g = groups.assign(member_id=groups["member_id"].fillna("").astype(str), core_id=groups["core_id"].astype(str))
    cores_of = g.groupby("group_id")["core_id"].nunique()
    members = g[g["member_id"] != ""]
    where = pd.concat([g.drop_duplicates("group_id").set_index("core_id")["group_id"],
                       members.set_index("member_id")["group_id"]])
    problems = [*_membership_problems(g, cores_of, where, part, rules),
                *_size_problems(members, cores_of, rules),
                *_minute_problems(members, inputs, scenario),
                *_core_problems(g, cores_of, part, inputs, rules),
                *_lock_problems(where, rules)]
    if problems:
        raise VerificationError("The grouping breaks the rules when re-checked:\n- " + "\n- ".join(problems))


def _membership_problems(g: pd.DataFrame, cores_of: pd.Series, where: pd.Series, part: list[str],
                         rules: Groups) -> list[str]:
    """List groups without exactly one core, and schools grouped twice, grouped without taking part, or left out.

    ``cores_of`` is the number of distinct cores by group; ``where`` the group of each core and member school.
    """
    problems: list[str] = []
    if (cores_of != 1).any():
        problems.append(f"groups with more than one core: {id_list(cores_of.index[cores_of != 1])}")
    core_groups = g.groupby("core_id")["group_id"].nunique()
    if (core_groups != 1).any():
        problems.append(f"cores heading more than one group: {id_list(core_groups.index[core_groups != 1])}")
    twice = where.index[where.index.duplicated()].unique()
    if len(twice):
        problems.append(f"schools in more than one place: {id_list(twice)}")
    strangers = sorted(set(where.index) - set(part))
    if strangers:
        problems.append(f"schools grouped that do not take part: {id_list(strangers)}")
    if rules.everyone:
        left = [s for s in part if s not in set(where.index)]
        if left:
            problems.append(f"schools in no group although groups.everyone = true: {id_list(left)}")
    return problems


def _size_problems(members: pd.DataFrame, cores_of: pd.Series, rules: Groups) -> list[str]:
    """List groups whose member count is outside ``min_members``-``max_members``."""
    size = members.groupby("group_id").size().reindex(cores_of.index, fill_value=0)
    wrong = size[(size < rules.min_members) | (size > rules.max_members)]
    if len(wrong):
        return [f"groups outside {rules.min_members}-{rules.max_members} members: "
                + ", ".join(f"{k} ({v})" for k, v in wrong.items())]
    return []


def _minute_problems(members: pd.DataFrame, inputs: Inputs, scenario: Scenario) -> list[str]:
    """List members whose minutes are not the travel data's, or exceed ``max_minutes``."""
    if not len(members):
        return []
    problems: list[str] = []
    minutes = school_minutes(inputs, scenario)
    rows, cols = minutes.index.get_indexer(members["core_id"]), minutes.columns.get_indexer(members["member_id"])
    expected = np.where((rows >= 0) & (cols >= 0), minutes.to_numpy()[rows, cols], np.nan)
    given = members["minutes"].to_numpy(float)
    off = ~np.isclose(given, expected, rtol=EPS, atol=EPS)
    if off.any():
        problems.append(f"minutes that are not the travel data's: {id_list(members['member_id'][off])}")
    limit = scenario.groups.max_minutes
    far = members.loc[members["minutes"] > limit + EPS, "member_id"]
    if len(far):
        problems.append(f"members beyond groups.max_minutes = {limit:g}: {id_list(far)}")
    return problems


def _core_problems(g: pd.DataFrame, cores_of: pd.Series, part: list[str], inputs: Inputs, rules: Groups) -> list[str]:
    """List cores that may not be cores, locked cores that are not cores, and a wrong number of groups."""
    problems: list[str] = []
    score = quality(inputs, rules)
    allowed = set(core_candidates(part, score, rules))
    bad = sorted(set(g["core_id"]) - allowed)
    if bad:
        problems.append(f"cores that may not be cores: {id_list(bad)}")
    unlocked = [c for c in rules.cores if c not in set(g["core_id"])]
    if unlocked:
        problems.append(f"locked cores that are not cores: {id_list(unlocked)}")
    count = resolved_count(rules)
    if count is not None and len(cores_of) != count:
        problems.append(f"{len(cores_of)} groups, but the scenario asks for {count}")
    return problems


def _lock_problems(where: pd.Series, rules: Groups) -> list[str]:
    """List pairs locked together that are not in one group, and pairs locked apart that share one."""
    problems: list[str] = []
    group_of = where.to_dict()
    for a, b in rules.together:
        if group_of.get(a) is None or group_of.get(a) != group_of.get(b):
            problems.append(f"{a} and {b} are locked together but are not in one group")
    for a, b in rules.apart:
        if group_of.get(a) is not None and group_of.get(a) == group_of.get(b):
            problems.append(f"{a} and {b} are locked apart but share group {group_of[a]}")
    return problems
