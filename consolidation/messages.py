"""Sentences made in code (reasons, notes, verification problems) in English and Chinese at once.

A sentence shown in a report is made with :func:`say` from a key of :data:`SENTENCES` and its fields::

    reasons.append(say("reason.too_few_places", pupils=total, places=places))

The result is a :class:`Message`: a ``str`` whose value is the English sentence (logs, the CLI, summary.json
and every existing caller see plain English, unchanged) and that also knows its Chinese form (``.zh``).
Reports call :func:`text` (``text(reason, "zh")``) to show it in the report's language; a plain ``str`` is
shown as it is. Both forms are made when the message is made, so a message survives pickling (Dask workers)
and copying; formatting it into another string (``f"{year}: {r}"``) keeps only the English, so wrap it in
another message instead (``say("reason.in_year", year=year, reason=r)``).

Fields are filled in each language: a field that is itself a :class:`Message` gives its form in that language
(nested sentences, :func:`ids`, :func:`band`, :func:`join`, :func:`term`); numbers keep their format spec
(``{pupils:,.0f}``) in both; anything else (IDs, names, scenario keys) is written as it is.

The Chinese uses the seeds' terms (see the brief's domain.md): 寄宿制学校, 九年一贯制学校, 中心校 (township
central schools only), 教学点, 撤并, 分流学生, 调配师资, 生活教师 / 转岗生活教师, 教育集团 / 核心校 / 成员校.
Scenario keys (``[budget] capital``, ``max_capacity``) stay as written in the file, since that is where the
reader changes them.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

BAND_ZH = {"G1_3": "1-3年级", "G4_6": "4-6年级", "G7_9": "7-9年级"}
"""Grade bands in Chinese (as :mod:`consolidation.i18n` writes them)."""

SENTENCES: dict[str, tuple[str, str]] = {
    # words and phrases used inside sentences
    "word.places": ("places", "学位"),
    "word.beds": ("beds", "床位"),
    "word.buses": ("buses", "校车"),
    "word.classrooms": ("classrooms", "教室"),
    "word.caps_on_boarders": ("the caps on boarders", "寄宿生人数上限"),
    "word.none": ("none", "无"),
    "word.plan": ("plan", "方案"),
    "word.programme": ("programme", "分年度方案"),
    "ids.more": ("{shown} and {more} more", "{shown} 及另外 {more} 个"),
    # rule families, as relaxations name them ("relaxing places, beds or the hub size alone does not help")
    "relax.places": ("places", "学位"),
    "relax.beds": ("beds", "床位"),
    "relax.hub_size": ("the hub size", "接收学校最少学生数"),
    "relax.open_count": ("the open-school count", "开办学校数"),
    "relax.teacher_limit": ("the teacher limit", "教师总数上限"),
    "relax.boarder_cap": ("the boarder cap", "寄宿生人数上限"),
    "relax.budget": ("the budget caps", "预算上限"),
    "relax.or": ("{head} or {last}", "{head}或{last}"),
    # why the nearest school cannot take a village's pupils (travel.py)
    "block.unreachable": ("no school teaching this band is reachable", "没有可到达的开设该学段的学校"),
    "block.no_hub": ("it cannot take pupils from other schools (can_be_hub = false)",
                     "该校不能接收其他学校的学生（can_be_hub = false）"),
    "block.no_boarding": ("over the {limit:g}-min day limit and {band} may not board",
                          "超过走读时限 {limit:g} 分钟，且{band}不得寄宿"),
    "block.weekly": ("over the {limit:g}-min day limit and the {weekly:g}-min weekly limit for boarders",
                     "超过走读时限 {limit:g} 分钟，也超过寄宿生每周往返时限 {weekly:g} 分钟"),
    # reasons found before solving (checks.py)
    "reason.who_named": ("{origin} ({name})", "{name}（{origin}）"),
    "reason.no_school": ("{who}, {band}, {pupils} pupils: no school in reach. The nearest school teaching {band} "
                         "is {near} ({name}) at {minutes:.1f} min, but {block}.",
                         "{who}，{band}，{pupils} 名学生：没有可就读的学校。最近的开设{band}的学校是{name}（{near}），"
                         "单程 {minutes:.1f} 分钟，但{block}。"),
    "reason.no_school_at_all": ("{who}, {band}, {pupils} pupils: {block}.",
                                "{who}，{band}，{pupils} 名学生：{block}。"),
    "reason.more_stuck": ("... and {n} more origin-band pairs with no school in reach.",
                          "……另有 {n} 个村（校）和学段没有可就读的学校。"),
    "reason.too_big": ("{origin}, {band}: {pupils} pupils must go to one school, but no school in reach can hold them "
                       "(the largest holds {biggest} places at most{beds}). Set [schools] assignment = \"split\" or "
                       "raise max_capacity.",
                       "{origin}，{band}：{pupils} 名学生须整体分流到同一所学校，但可到达的学校都容纳不下"
                       "（最大的学校最多 {biggest} 个学位{beds}）。请设置 [schools] assignment = \"split\"，"
                       "或提高 max_capacity。"),
    "reason.beds_counted": (", beds counted for boarders", "，寄宿生还受床位限制"),
    "reason.too_few_places": ("{pupils} pupils but only {places} places at most in the schools that may stay open: "
                              "raise max_capacity or unlock closed schools.",
                              "共 {pupils} 名学生，但可保留开办的学校最多只有 {places} 个学位：请提高 max_capacity，"
                              "或解除学校的撤并锁定。"),
    "reason.too_few_beds": ("{boarders} pupils live too far for a day trip and must board, but the county has at most "
                            "{beds} beds: raise max_beds at hubs or lengthen the day limits.",
                            "{boarders} 名学生路程过远、无法走读，必须寄宿，但全县最多只有 {beds} 张床位："
                            "请提高接收学校的 max_beds，或放宽走读时限。"),
    "reason.locked_open": ("{n} schools are locked open but [schools] {key} = {bound}.",
                           "有 {n} 所学校被锁定开办，但 [schools] {key} = {bound}。"),
    "reason.open_exactly": ("[schools] open_exactly = {n} but only {usable} schools are not locked closed.",
                            "[schools] open_exactly = {n}，但未被锁定撤并的学校只有 {usable} 所。"),
    "reason.in_year": ("{year}: {reason}", "{year}学年：{reason}"),
    # reasons found by relaxing one rule family at a time (explain.py, families' explain)
    "reason.nothing_helps": ("The rules cannot all hold together, and relaxing {listed} alone does not help: check "
                             "travel limits and locks.",
                             "各项规则无法同时满足，单独放宽{listed}也无济于事：请检查走读时限和锁定设置。"),
    "reason.short_item": ("{sid} ({name}) {n:,.0f} more", "{name}（{sid}）超出 {n:,.0f} 人"),
    "reason.short_places": ("Not enough places: a plan exists only if schools can hold more than their max_capacity: "
                            "{detail}.",
                            "学位不足：以下学校须容纳超过其 max_capacity 的学生，才有可行方案：{detail}。"),
    "reason.short_beds": ("Not enough beds for the pupils who must board: hubs lack beds beyond max_beds: {detail}.",
                          "必须寄宿的学生床位不足：以下接收学校的寄宿生超过其 max_beds：{detail}。"),
    "reason.boarder_cap_item": ("max_boarders_{band_id} = {cap:g}, but a plan needs {need:,.0f} {band} boarders",
                                "max_boarders_{band_id} = {cap:g}，但方案需要 {need:,.0f} 名{band}寄宿生"),
    "reason.boarder_cap": ("Too few pupils may board: {detail}; raise the cap or let pupils travel longer.",
                           "允许寄宿的学生太少：{detail}；请提高上限，或放宽走读时限。"),
    "reason.hub_size": ("min_hub_pupils = {n:g} cannot be met by the hubs that pupils can reach; lower it.",
                        "学生可到达的接收学校达不到 min_hub_pupils = {n:g}：请降低该值。"),
    "reason.open_count": ("The limit on open schools (max_open / open_exactly) cannot be met: a plan needs {n} open "
                          "schools.",
                          "开办学校数的限制（max_open / open_exactly）无法满足：方案至少需要开办 {n} 所学校。"),
    "reason.teachers": ("Too few teachers: the cheapest plan without [teachers] within_available needs {need:,.0f} "
                        "teachers (posts and life teachers), {more:,.0f} more than the {today:,.0f} the schools have.",
                        "教师不足：不设 [teachers] within_available 时成本最低的方案需要 {need:,.0f} 名教师"
                        "（编制教师和生活教师），比各校现有的 {today:,.0f} 名多 {more:,.0f} 名。"),
    "reason.capital_item": ("{item} {value:,.0f}", "{item} {value:,.0f} 元"),
    "reason.budget_capital": ("[budget] capital = {cap:,.0f} yuan, but the least-cost plan without the caps needs "
                              "{capital:,.0f} yuan one-off ({items}), {more:,.0f} more",
                              "[budget] capital = {cap:,.0f} 元，但不设预算上限时成本最低的方案需要一次性投入 "
                              "{capital:,.0f} 元（{items}），超出 {more:,.0f} 元"),
    "reason.budget_annual": ("[budget] annual = {cap:,.0f} yuan a year, but the least-cost plan without the caps "
                             "costs the public {annual:,.0f} ({more:,.0f} more)",
                             "[budget] annual = 每年 {cap:,.0f} 元，但不设预算上限时成本最低的方案每年财政支出 "
                             "{annual:,.0f} 元（超出 {more:,.0f} 元）"),
    "reason.budget_both": ("The budget caps cannot both hold with the other rules, though the least-cost plan "
                           "without them needs {capital:,.0f} yuan one-off and {annual:,.0f} a year: raise [budget] "
                           "capital or annual.",
                           "预算上限与其他规则无法同时满足，而不设上限时成本最低的方案需要一次性投入 "
                           "{capital:,.0f} 元、"
                           "每年 {annual:,.0f} 元：请提高 [budget] capital 或 annual。"),
    "reason.budget": ("The budget is too small: {parts}. Raise the cap, or relax the rules that need the spending.",
                      "预算不足：{parts}。请提高上限，或放宽需要这些支出的规则。"),
    # no plan from the solver (pipeline.py)
    "reason.stopped": ("No {what} was found: {why}.", "未得到{what}：{why}。"),
    "reason.time_limit": ("No {what} was found within the time limit of {seconds:g} s: raise [solver] time_limit_s "
                          "(or --time-limit).",
                          "在 {seconds:g} 秒的求解时限内未得到{what}：请提高 [solver] time_limit_s"
                          "（或使用 --time-limit）。"),
    "reason.programme_links": ("No programme meets the rules of every year and the rules between years: {links}. "
                               "Check each year alone with a one-year run (remove [years]), then loosen the rule "
                               "between years that binds.",
                               "没有分年度方案能同时满足每一年的规则和年度之间的规则：{links}。请先逐年单独规划"
                               "（去掉 [years]），再放宽起约束作用的年度间规则。"),
    "link.lead": ("nothing built is usable before {year} ([years] lead_years = {lead}), so the first years must fit "
                  "today's places and beds",
                  "新建设施 {year} 年之前不能使用（[years] lead_years = {lead}），因此最初几年只能使用现有学位和床位"),
    "link.closures": ("at most {n} closures a year", "每年最多撤并 {n} 所"),
    "link.capital_per_year": ("at most {cap:,.0f} yuan of capital a year ([budget] capital_per_year)",
                              "每年一次性投入最多 {cap:,.0f} 元（[budget] capital_per_year）"),
    "link.capital": ("at most {cap:,.0f} yuan of capital in all ([budget] capital)",
                     "一次性投入合计最多 {cap:,.0f} 元（[budget] capital）"),
    # notes on how travel was found (pipeline.py, travel.py, roads.py)
    "note.no_limit": ("rules.{band_id}: no max_minutes, so {band} has no travel limit",
                      "rules.{band_id}：未设 max_minutes，{band}上学路程不受时限约束"),
    "note.travel_mode": ("The travel file {file} gives no mode and [inputs] travel_mode is not set, so its minutes "
                         "were used for walking and riding alike: add a mode column (walk or bus) to the file, or "
                         "declare what its minutes are with [inputs] travel_mode = \"walk\", \"bus\" or \"both\".",
                         "路程文件 {file} 没有 mode 列，也未设置 [inputs] travel_mode，因此其中的分钟数同时用作步行和"
                         "乘车时间：请在文件中加上 mode 列（walk 或 bus），或用 [inputs] travel_mode = \"walk\"、"
                         "\"bus\" 或 \"both\" 说明这些分钟数是什么。"),
    "note.dem_unused": ("{dem}: the elevation raster is not used: [roads] slope_penalty is 0",
                        "{dem}：未使用高程栅格，因为 [roads] slope_penalty 为 0"),
    "note.no_rasterio": ("{dem}: walking minutes have no slope penalty: rasterio is not installed (pip install "
                         "rasterio)",
                         "{dem}：步行时间未计坡度：未安装 rasterio（pip install rasterio）"),
    "note.groups": ("Education groups: {reason}", "教育集团：{reason}"),
    # verification of a finished plan (families' check, plan.py, teachers.py, programme.py): a failed check is a
    # bug, reported on the command line, never in a report; in Chinese for a Chinese caller all the same
    "check.not_assigned": ("pupils not fully assigned for {ids}", "学生未全部分配：{ids}"),
    "check.no_pupils": ("assignments for origins without pupils: {ids}", "没有学生的村（校）有分配：{ids}"),
    "check.single": ("single assignment broken for {ids}", "未做到每个村每个学段只去一所学校：{ids}"),
    "check.beds_over": ("more boarders than beds at {ids}", "寄宿生多于床位：{ids}"),
    "check.beds_grown": ("beds added beyond max_beds at {ids}", "新增床位超出 max_beds：{ids}"),
    "check.places_over": ("more pupils than places at {ids}", "学生多于学位：{ids}"),
    "check.places_grown": ("places added beyond max_capacity at {ids}", "新增学位超出 max_capacity：{ids}"),
    "check.boarder_cap": ("{boarders:,.0f} {band} pupils board, max_boarders_{band_id} = {cap:g}",
                          "{band}寄宿生 {boarders:,.0f} 名，max_boarders_{band_id} = {cap:g}"),
    "check.capital_year": ("{value:,.0f} yuan of capital spent in {year}, [budget] capital_per_year = {cap:,.0f}",
                           "{year}年一次性投入 {value:,.0f} 元，[budget] capital_per_year = {cap:,.0f}"),
    "check.capital_programme": ("the programme needs {value:,.0f} yuan of capital, [budget] capital = {cap:,.0f}",
                                "分年度方案需要一次性投入 {value:,.0f} 元，[budget] capital = {cap:,.0f}"),
    "check.capital": ("the plan needs {value:,.0f} yuan of capital, [budget] capital = {cap:,.0f}",
                      "方案需要一次性投入 {value:,.0f} 元，[budget] capital = {cap:,.0f}"),
    "check.annual": ("the plan costs the public {value:,.0f} yuan a year, [budget] annual = {cap:,.0f}",
                     "方案每年财政支出 {value:,.0f} 元，[budget] annual = {cap:,.0f}"),
    "check.riders_closed": ("bus riders assigned to closed schools {ids}", "乘车学生被分配到撤并学校：{ids}"),
    "check.seats": ("more bus riders than bus seats at {ids}", "乘车学生多于校车座位：{ids}"),
    "check.classrooms": ("more classes than classrooms at {ids}", "班级多于教室：{ids}"),
    "check.objective": ("the plan costs {recomputed:,.2f} recomputed from its tables but the solver reported "
                        "{reported:,.2f}",
                        "按方案表格重新计算的成本为 {recomputed:,.2f}，但求解器报告为 {reported:,.2f}"),
    "check.hub_size": ("hubs below min_hub_pupils = {n:g}: {ids}", "接收学校学生数低于 min_hub_pupils = {n:g}：{ids}"),
    "check.locks": ("locks not held at {ids}", "未遵守锁定设置：{ids}"),
    "check.max_open": ("{n} schools open, max_open = {bound}", "开办学校 {n} 所，max_open = {bound}"),
    "check.open_exactly": ("{n} schools open, open_exactly = {bound}", "开办学校 {n} 所，open_exactly = {bound}"),
    "check.closures": ("{n} schools closed in {year} ({ids}), [years] max_closures_per_year = {most}",
                       "{year}学年撤并 {n} 所学校（{ids}），[years] max_closures_per_year = {most}"),
    "check.assigned_closed": ("pupils assigned to closed schools {ids}", "学生被分配到撤并学校：{ids}"),
    "check.reopened": ("schools {ids} closed in {closed} and open again in {again}",
                       "学校 {ids} 在 {closed} 学年撤并，又在 {again} 学年重新开办"),
    "check.teachers": ("the plan needs {need:,.0f} teachers (posts and life teachers) but the schools have "
                       "{today:,.0f}, and [teachers] within_available = true",
                       "方案需要 {need:,.0f} 名教师（编制教师和生活教师），但各校现有 {today:,.0f} 名，"
                       "且 [teachers] within_available = true"),
    "check.unfilled": ("posts or life teachers neither filled nor recruited at {ids}",
                       "编制或生活教师岗位既未调配补足也未招聘：{ids}"),
    "check.tp_not_allowed": ("teaching points though [teaching_points] allowed = false: {ids}",
                             "[teaching_points] allowed = false，却有教学点：{ids}"),
    "check.tp_bands": ("teaching points with pupils of {bands}: {ids}", "教学点有{bands}学生：{ids}"),
    "check.tp_min": ("teaching points below min_pupils = {n:g}: {ids}", "教学点学生数低于 min_pupils = {n:g}：{ids}"),
    "check.tp_max": ("teaching points above max_pupils = {n:g}: {ids}", "教学点学生数高于 max_pupils = {n:g}：{ids}"),
    "check.not_taught": ("{band} pupils assigned to schools that do not teach {band}: {ids}",
                         "{band}学生被分配到不开设{band}的学校：{ids}"),
    "check.day_limit": ("{band} day trips over {limit:g} min: {ids}", "{band}走读单程超过 {limit:g} 分钟：{ids}"),
    "check.may_not_board": ("{band} pupils board though {band} may not board: {ids}",
                            "{band}不得寄宿，却有寄宿生：{ids}"),
    "check.weekly": ("{band} boarders' weekly trips over {limit:g} min: {ids}",
                     "{band}寄宿生每周回家单程超过 {limit:g} 分钟：{ids}"),
    "check.not_hub": ("pupils moved into schools that cannot be hubs: {ids}",
                      "学生分流到不能作为接收学校的学校：{ids}"),
    "check.unknown_school": ("assignments to unknown schools {ids}", "分配到未知学校：{ids}"),
    "check.programme_objective": ("the programme's discounted cost recomputed from the plans ({recomputed:,.2f}) is "
                                  "above the solver's objective ({reported:,.2f})",
                                  "按各年方案重新计算的规划期折现成本（{recomputed:,.2f}）高于求解器的目标值"
                                  "（{reported:,.2f}）"),
    "check.built_early": ("{what} added at {ids} in {year}, before anything built is usable ([years] lead_years = "
                          "{lead})",
                          "{year}学年在 {ids} 新增{what}，而此时新建设施尚不能使用（[years] lead_years = {lead}）"),
    "check.built_gone": ("{what} added earlier are gone in {year} at the open schools {ids}",
                         "此前新增的{what}在 {year} 学年的开办学校 {ids} 中消失"),
    # why no education groups can be formed (groups.py)
    "group.none_take_part": ("No school takes part: every school is closed, or groups.schools names none that is "
                             "open.",
                             "没有学校参与：所有学校都已撤并，或 groups.schools 所列学校都未开办。"),
    "group.core_out": ("{who} is locked as a core (groups.cores) but does not take part (it is closed, or not in "
                       "groups.schools): keep it open, or drop it from groups.cores.",
                       "{who} 被锁定为核心校（groups.cores），但未参与组建（已撤并，或不在 groups.schools 中）："
                       "请保留该校，或将其从 groups.cores 中删去。"),
    "group.core_alone": ("{who} is locked as a core but only {n} other school(s) are within {limit:g} min of it; a "
                         "group needs at least {least} member(s): raise groups.max_minutes or lower "
                         "groups.min_members.",
                         "{who} 被锁定为核心校，但单程 {limit:g} 分钟内只有 {n} 所其他学校；每个教育集团至少需要 "
                         "{least} 所成员校：请提高 groups.max_minutes，或降低 groups.min_members。"),
    "group.together_out": ("groups.together pairs {a} and {b}, but {gone} does not take part (closed in the plan, "
                           "or not in groups.schools).",
                           "groups.together 要求 {a} 和 {b} 同属一个集团，但 {gone} 未参与组建（在方案中撤并，"
                           "或不在 groups.schools 中）。"),
    "group.apart": (" (they are {minutes:.1f} min apart)", "（两校相距 {minutes:.1f} 分钟）"),
    "group.together_far": ("{a} and {b} are locked together (groups.together), but no school that may be a core is "
                           "within {limit:g} min of both{far}: drop the pair or raise groups.max_minutes.",
                           "{a} 和 {b} 被锁定在同一集团（groups.together），但没有可作核心校的学校到两校单程都在 "
                           "{limit:g} 分钟以内{far}：请删去这一对，或提高 groups.max_minutes。"),
    "group.nearest_core": ("the nearest school that may be a core, {who}, is {minutes:.1f} min away; the limit is "
                           "groups.max_minutes = {limit:g}",
                           "最近的可作核心校的学校 {who} 单程 {minutes:.1f} 分钟，而上限 groups.max_minutes = "
                           "{limit:g}"),
    "group.no_core_known": ("no school that may be a core has a known travel time to it",
                            "没有可作核心校的学校有到该校的已知路程时间"),
    "group.stuck": ("{who} cannot join any group: {detail}.", "{who} 无法加入任何教育集团：{detail}。"),
    "group.more_stuck": ("... and {n} more schools with no core in reach.",
                         "……另有 {n} 所学校在可达范围内没有核心校。"),
    "group.too_few": ("{count} groups of at most 1 + {most} schools hold {hold} schools, but {n} take part: raise "
                      "groups.count or groups.max_members.",
                      "{count} 个教育集团、每个最多 1 + {most} 所学校，最多容纳 {hold} 所，但有 {n} 所学校参与："
                      "请提高 groups.count 或 groups.max_members。"),
    "group.too_few_1": ("{count} group of at most 1 + {most} schools holds {hold} schools, but {n} take part: raise "
                        "groups.count or groups.max_members.",
                        "{count} 个教育集团、最多 1 + {most} 所学校，最多容纳 {hold} 所，但有 {n} 所学校参与："
                        "请提高 groups.count 或 groups.max_members。"),
    "group.too_many": ("{count} groups of at least 1 + {least} schools need {need} schools, but only {n} take part: "
                       "lower groups.count or groups.min_members.",
                       "{count} 个教育集团、每个至少 1 + {least} 所学校，共需 {need} 所，但只有 {n} 所学校参与："
                       "请降低 groups.count 或 groups.min_members。"),
    "group.too_many_1": ("{count} group of at least 1 + {least} schools needs {need} schools, but only {n} take "
                         "part: lower groups.count or groups.min_members.",
                         "{count} 个教育集团、至少 1 + {least} 所学校，共需 {need} 所，但只有 {n} 所学校参与："
                         "请降低 groups.count 或 groups.min_members。"),
    "group.count_cores": ("groups.count = {count}, but only {viable} school(s) may be cores with at least {least} "
                          "member(s) within {limit:g} min ({ids}): lower count, widen core_candidates or "
                          "min_core_quality, or raise max_minutes.",
                          "groups.count = {count}，但单程 {limit:g} 分钟内至少有 {least} 所成员校、可作核心校的学校"
                          "只有 {viable} 所（{ids}）：请降低 count，放宽 core_candidates 或 min_core_quality，"
                          "或提高 max_minutes。"),
    "group.need_cores": ("{n} schools need at least {groups} groups of at most 1 + {most}, but only {viable} "
                         "school(s) may be cores with members in reach: widen core_candidates or min_core_quality, "
                         "or raise max_members or max_minutes.",
                         "{n} 所学校至少需要 {groups} 个每个最多 1 + {most} 所学校的教育集团，但可达范围内有成员校、"
                         "可作核心校的学校只有 {viable} 所：请放宽 core_candidates 或 min_core_quality，"
                         "或提高 max_members 或 max_minutes。"),
    "group.locked_count": ("{n} cores are locked but groups.count = {count}.",
                           "锁定了 {n} 所核心校，但 groups.count = {count}。"),
    "group.locks": ("The schools locked together or apart (groups.together, groups.apart) cannot all hold with "
                    "groups of {least}-{most} members within {limit:g} min: a grouping exists without these locks.",
                    "在每个集团 {least}-{most} 所成员校、单程 {limit:g} 分钟以内的条件下，锁定同组或分组的学校"
                    "（groups.together、groups.apart）无法全部满足：去掉这些锁定即可组建。"),
    "group.shortest": ("No grouping keeps every member within groups.max_minutes = {limit:g} min of its core; the "
                       "shortest limit that allows one is {shortest:g} min.",
                       "没有一种分组能使所有成员校到核心校单程都在 groups.max_minutes = {limit:g} 分钟以内；"
                       "可行的最短时限为 {shortest:g} 分钟。"),
    "group.count": ("groups.count = {count} cannot be met with these sizes and travel limit; a grouping exists with "
                    "another number of groups.",
                    "在这些规模和路程时限下无法组建 groups.count = {count} 个教育集团；换一个集团数即可组建。"),
    "group.nothing_helps": ("The group sizes ({least}-{most} members), the travel limit of {limit:g} min, the count "
                            "and the locks cannot all hold together: raise groups.max_minutes or groups.max_members, "
                            "or drop some locks.",
                            "集团规模（{least}-{most} 所成员校）、{limit:g} 分钟的路程时限、集团数和锁定设置无法同时"
                            "满足：请提高 groups.max_minutes 或 groups.max_members，或去掉部分锁定。"),
    "group.time_limit": ("No grouping was found within the time limit of {seconds:g} s: raise [solver] time_limit_s "
                         "(or --set solver.time_limit_s=...).",
                         "在 {seconds:g} 秒的求解时限内未得到分组：请提高 [solver] time_limit_s"
                         "（或 --set solver.time_limit_s=...）。"),
    # why the solver stopped without a plan before its time limit (solve.py)
    "stop.costs": ("the costs are out of range: one term of the objective reaches {largest:.3g} yuan a year, and the "
                   "solver cannot work with costs of {limit:g} or more; check the [costs] values (e.g. "
                   "costs.per_pupil_minute) for a misplaced exponent",
                   "成本数值超出范围：目标函数中有一项达到每年 {largest:.3g} 元，"
                   "而求解器无法处理 {limit:g} 及以上的成本；"
                   "请检查 [costs] 各项取值（如 costs.per_pupil_minute）是否写错了指数"),
    "stop.numerical": ("the solver stopped without a plan and before the time limit (HiGHS model status: {status}); "
                       "this is numerical trouble, often costs or capacities of very different magnitudes: check the "
                       "[costs] values and the data for outliers",
                       "求解器在时限之前停止且未得到方案（HiGHS 模型状态：{status}）；这是数值问题，常因成本或容量的"
                       "数量级相差悬殊：请检查 [costs] 各项取值和数据中的异常值"),
}
"""Every sentence made in code that a report shows: key -> (English, Chinese) templates with the same fields."""


_FULL_WIDTH_SPACED = re.compile(r" *([（），。：；、]) *")
"""Spaces beside full-width punctuation, which Chinese does not set (a field may bring them: ``{who} 无法``)."""


class Message(str):
    """A sentence in English (its ``str`` value) that also knows its Chinese form (:attr:`zh`).

    Attributes
    ----------
    key
        The :data:`SENTENCES` key it was made from ("" for a join of messages).
    zh
        The Chinese form.
    """

    key: str
    zh: str

    def __new__(cls, en: str, zh: str, key: str = "") -> Message:
        """Make a message from its two forms (use :func:`say`)."""
        made = super().__new__(cls, en)
        made.zh = zh
        made.key = key
        return made

    def __reduce__(self):
        """Pickle both forms (Dask workers, copies)."""
        return (Message, (str(self), self.zh, self.key))

    def form(self, lang: str) -> str:
        """Return the sentence in ``lang`` (``zh``, or English for anything else)."""
        return self.zh if _is_zh(lang) else str(self)


def _is_zh(lang: str | None) -> bool:
    return str(lang or "").lower().replace("_", "-").startswith("zh")


def text(x, lang: str = "en") -> str:
    """Return ``x`` in ``lang``: a :class:`Message` in that language, anything else as ``str(x)``."""
    return x.form(lang) if isinstance(x, Message) else str(x)


def texts(items: Iterable | None, lang: str = "en") -> list[str]:
    """Return each item of ``items`` in ``lang`` (see :func:`text`); an empty list for None."""
    return [text(x, lang) for x in items or []]


def fields(template: str) -> set[str]:
    """Return the names of the fields of a template."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def say(key: str, /, **params) -> Message:
    """Return the sentence ``key`` of :data:`SENTENCES` with its fields filled in, in both languages.

    Raises
    ------
    KeyError
        If ``key`` is not in :data:`SENTENCES` or a field is not given.
    """
    en, zh = SENTENCES[key]
    chinese = zh.format(**{k: text(v, "zh") if isinstance(v, Message) else v for k, v in params.items()})
    return Message(en.format(**{k: text(v, "en") if isinstance(v, Message) else v for k, v in params.items()}),
                   _FULL_WIDTH_SPACED.sub(r"\1", chinese), key)


def join(items: Iterable, sep: str = "; ", zh_sep: str | None = None) -> Message:
    """Join messages (or plain words) with ``sep`` in English and ``zh_sep`` in Chinese (default: ；or ，)."""
    items = list(items)
    zh_sep = zh_sep if zh_sep is not None else {"; ": "；", ", ": "，"}.get(sep, sep)
    return Message(sep.join(text(x, "en") for x in items), zh_sep.join(text(x, "zh") for x in items))


def ids(values: Iterable, limit: int = 10) -> Message:
    """Return IDs for a sentence: the first ``limit`` and a count of the rest (as ``errors.id_list``)."""
    values = [str(v) for v in values]
    shown, more = values[:limit], len(values) - limit
    en, zh = ", ".join(shown), "、".join(shown)
    if more > 0:
        return say("ids.more", shown=Message(en, zh), more=more)
    return Message(en, zh)


def band(code: str) -> Message:
    """Return a grade band for a sentence: ``G4_6`` in English (as scenario files write it), ``4-6年级`` in Chinese."""
    return Message(str(code), BAND_ZH.get(str(code), str(code)))


def term(key: str) -> Message:
    """Return a word or phrase of :data:`SENTENCES` that has no fields (``term("word.places")``)."""
    return say(key)


def either(items: Iterable) -> Message:
    """Return ``a, b or c`` in English, ``a、b或c`` in Chinese."""
    items = list(items)
    if len(items) <= 1:
        return join(items)
    return say("relax.or", head=join(items[:-1], ", ", "、"), last=items[-1])
