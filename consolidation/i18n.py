"""Every user-facing string of the reports, maps and charts, in English and Chinese.

That is the run report, the plan map, the comparison, the sweep chart and the province map.

One table per language, with the same keys. :func:`text` looks a key up and fills in its fields;
the ``fmt_*`` functions format numbers the way readers of each language expect (Chinese amounts of
money in 万元, ten thousand yuan, as county budgets are written).

The Chinese uses the terms of the national policy documents: 教学点 (teaching point), 寄宿制学校 and
寄宿 (boarding), 中心校 (central school, the hub), 走读 (day pupil), 寄宿生 (boarder), 撤并 (closed by
consolidation), 保留 (kept), grade bands 1-3年级 / 4-6年级 / 7-9年级, 元/年 and 分钟.
"""

from __future__ import annotations

import math

LANGS: tuple[str, ...] = ("en", "zh")
"""Languages of reports, maps and comparisons. Anything else falls back to English."""

EN: dict[str, str] = {
    # words used everywhere
    "band.G1_3": "Grades 1-3",
    "band.G4_6": "Grades 4-6",
    "band.G7_9": "Grades 7-9",
    "band_short.G1_3": "1-3",
    "band_short.G4_6": "4-6",
    "band_short.G7_9": "7-9",
    "role.hub": "Hub",
    "role.kept": "Kept",
    "role.teaching_point": "Teaching point",
    "role.closed": "Closed",
    "role_word.hub": "hub",
    "role_word.kept": "kept",
    "role_word.teaching_point": "a teaching point",
    "role_word.closed": "closed",
    "status.optimal": "Best plan found",
    "status.feasible": "Plan found, may not be the best",
    "status.feasible_gap": "Plan found, cost at most {gap} above the best possible",
    "status.infeasible": "No plan meets the rules",
    "status.no_solution": "No plan found",
    "status_short.optimal": "best plan",
    "status_short.feasible": "plan found",
    "status_short.infeasible": "no plan meets the rules",
    "status_short.no_solution": "no plan found in time",
    "list_sep": ", ",
    "list_and": " and ",
    "no_limit": "no limit",
    "not_set": "(not set)",
    "seconds": "{s} s",
    "per_year": "{value} per year",
    "of_pupils": "of {total} pupils",
    # the run report
    "report.title": "School consolidation plan: {name}",
    "report.unnamed": "Unnamed scenario",
    "report.status_tip": "solver status: {status}",
    "report.changed": "Changed for this run:",
    "report.why_none": "Why there is no plan",
    "report.no_reason": "The solver returned no plan and gave no reason. Check the inputs and the time limit.",
    "report.notes": "Notes",
    "report.headline": "Headline numbers",
    "card.open": "Schools open",
    "card.open_note": "of {n} schools",
    "card.closed": "Schools closed",
    "card.hubs": "Hubs",
    "card.hubs_note": "open schools receiving moved pupils",
    "card.moved": "Pupils moved",
    "card.moved_note": "{share} of {total} pupils",
    "card.boarders": "Boarders",
    "card.boarders_note": "of whom grades 1-3: {n}",
    "card.places": "Places added",
    "card.places_note": "new classroom places",
    "card.beds": "Beds added",
    "card.beds_note": "new boarding beds",
    "card.cost": "Yearly cost",
    "card.cost_note": "per year, building costs spread over years",
    "card.buses": "School buses",
    "card.buses_note": "for {n} day pupils who ride",
    "card.public": "Public cost a year",
    "card.public_note": "schools, teachers, buses, boarding, meals; building spread over years",
    "card.families": "Families' travel",
    "card.families_note": "pupil-minutes one way a school day",
    "budget.schools": "Running the open schools (less closed buildings reused)",
    "budget.teachers": "Teachers' pay (every teacher today, plus recruits)",
    "budget.life_teachers": "Life teachers recruited",
    "budget.buses": "Running school buses",
    "budget.boarding": "Boarding funds and subsidy",
    "budget.meals": "Meals (boarders; nutrition programme if set)",
    "budget.capital_annual": "Building and buses (one-off, spread over years)",
    "budget.total": "Public cost per year",
    "budget.families": "Families' travel time",
    "budget.families_minutes": "{n} pupil-minutes a day",
    "budget.not_valued": "not valued in yuan",
    "budget.objective": "Public cost and families' time (what the plan minimises)",
    "capital.buses": "School buses bought",
    "teachers.card_to_life": "Turned life teachers",
    "teachers.card_to_life_note": "teachers who become life teachers",
    "card.capital": "One-off capital",
    "card.capital_note": "places, beds and buses",
    "report.map": "Map",
    "report.map_alt": "Map of schools and trips today and under the plan",
    "report.map_caption": ("Left: schools and trips today. Right: the plan. Stars are hubs, crosses are closed "
                           "schools, dashed lines are pupils who board."),
    "report.travel": "Travel by grade band",
    "report.travel_caption": ("One-way trip in minutes. Pupils whose trip is longer than the day limit board "
                              "at school."),
    "th.grades": "Grades",
    "th.pupils": "Pupils",
    "th.mean": "Average",
    "th.p90": "9 in 10 pupils within",
    "th.max": "Longest",
    "th.limit": "Day limit",
    "th.over": "Share boarding",
    "report.schools": "Schools",
    "report.schools_caption": ("Hubs first, then schools kept as they are, then teaching points (open for the "
                               "youngest only), then schools that close. Shaded cells "
                               "are new places or beds to build."),
    "th.school": "School",
    "th.id": "ID",
    "th.role": "Role",
    "th.before_after": "Pupils today → plan",
    "th.by_band": "Plan, by grades",
    "th.capacity": "Places today",
    "th.places_added": "Places added",
    "th.beds": "Beds today",
    "th.beds_used": "Beds used",
    "th.beds_added": "Beds added",
    "th.boarders": "Boarders",
    "th.buses": "Buses",
    "th.public": "Public cost a year",
    "report.trips": "Where pupils go",
    "report.trips_caption": ("{moved} of {n} groups change school (shaded); they are listed first, longest trip "
                             "first. Minutes and km are one way."),
    "th.origin": "From village or school",
    "th.today": "School today",
    "th.plan": "School in the plan",
    "th.minutes": "Minutes",
    "th.km": "km",
    "th.mode": "Day or boarding",
    "mode.board": "Boarding",
    "mode.day": "Day",
    "report.cost": "Budget",
    "report.cost_caption": ("The public budget in yuan per year: what the county pays. Building and buses are "
                            "spread over their years of use. Families' travel time is shown apart."),
    "th.yearly": "Yearly cost",
    "th.yuan_year": "Yuan per year",
    "th.share": "Share",
    "th.one_off": "One-off capital",
    "th.yuan": "Yuan",
    "cost.schools_annual": "Running the open schools",
    "cost.travel": "Families' travel time (valued per pupil-minute)",
    "cost.places_added": "New classroom places (annualised)",
    "cost.beds_added": "New boarding beds (annualised)",
    "cost.boarders": "Boarding funds (per boarder)",
    "cost.teachers": "Teachers' pay",
    "cost.life_teachers": "Life teachers recruited",
    "cost.closed_reuse": "Closed buildings reused (a saving)",
    "cost.boarder_subsidy": "Boarding subsidy",
    "cost.meals": "Meals",
    "cost.buses": "Running school buses",
    "cost.bus_purchase": "School buses bought (annualised)",
    "cost.total": "Total per year",
    "capital.places": "New classroom places",
    "capital.beds": "New boarding beds",
    "capital.total": "Total one-off",
    "footer.solver": "Solver",
    "footer.status": "Status",
    "footer.gap": "Gap to best possible",
    "footer.time": "Solve time",
    "footer.objective": "Objective",
    # the plan map
    "map.title": "School consolidation plan",
    "map.today": "Today: {n} schools",
    "map.plan": "Plan: {hubs}, {kept} kept, {points} teaching points, {closed} closed",
    "map.hubs": "{n} hubs",
    "map.hubs_1": "1 hub",
    "map.boundary": "County boundary",
    "map.village": "Village",
    "map.school_today": "School (size = pupils)",
    "map.trip_today": "Trip to school today",
    "map.hub": "Hub: open, receives moved pupils",
    "map.kept": "Kept: open, no pupils moved in",
    "map.teaching_point": "Teaching point: youngest only",
    "map.closed": "Closed",
    "map.trip_same": "Day trip, same school as today",
    "map.trip_moved": "Day trip to a new school",
    "map.trip_board": "Boards at school (trip home weekly)",
    "map.size_key": "{n} pupils",
    "map.km": "km",
    "map.north": "N",
    "map.differs": "Decision differs from {ref}",
    "map.panel": "{hubs}, {kept} kept, {points} teaching points, {closed} closed",
    "map.no_map": "No map: the data of this run have no coordinates",
    "map.no_plan": "No plan: {status}",
    # the comparison of run folders
    "cmp.title": "Comparing {n} plans",
    "cmp.intro": ("The first plan, {ref}, is the reference: the other columns show the difference from it. "
                  "All numbers come from the finished run folders; nothing was solved again."),
    "cmp.plans": "Plans compared",
    "cmp.th_plan": "Plan",
    "cmp.th_result": "Result",
    "cmp.th_about": "What the scenario says",
    "cmp.th_folder": "Run folder",
    "cmp.reference": "reference",
    "cmp.headline": "Headline numbers",
    "cmp.th_measure": "Measure",
    "cmp.diff_legend": ("▲ ▼ show the difference from {ref}. Red: more cost, longer trips or more young "
                        "boarders; green: less; grey: a change that is neither better nor worse in itself."),
    "cmp.group.schools": "Schools",
    "cmp.group.pupils": "Pupils",
    "cmp.group.travel": "Travel, {band} (one-way minutes)",
    "cmp.group.public": "Public budget per year",
    "cmp.m.pupil_minutes": "Families' travel (pupil-minutes a day)",
    "cmp.m.bus_riders": "Day pupils riding a bus",
    "cmp.m.teachers_recruited": "Teacher posts to recruit",
    "cmp.group.cost": "Every cost term per year (the plan's objective)",
    "cmp.group.capital": "One-off capital",
    "cmp.m.status": "Result",
    "cmp.m.schools_open": "Schools open",
    "cmp.m.schools_closed": "Schools closed",
    "cmp.m.hubs": "Hubs (receive moved pupils)",
    "cmp.m.teaching_points": "Teaching points (youngest only)",
    "cmp.m.groups": "Education groups",
    "cmp.m.pupils_moved": "Pupils who change school",
    "cmp.m.boarders": "Boarders",
    "cmp.m.boarders_g1_3": "Boarders in grades 1-3",
    "cmp.m.places_added": "Places added",
    "cmp.m.beds_added": "Beds added",
    "cmp.m.limit": "Day limit",
    "cmp.m.mean": "Average",
    "cmp.m.p90": "9 in 10 pupils within",
    "cmp.m.max": "Longest",
    "cmp.m.over": "Share beyond the day limit (boarding)",
    "cmp.maps": "Maps",
    "cmp.maps_caption": ("Every plan at the same extent and scale. Stars are hubs, blue circles schools kept, "
                         "crosses schools closed, dashed lines pupils who board. A ring marks a school whose "
                         "decision differs from {ref}."),
    "cmp.maps_alt": "Maps of the plans side by side",
    "cmp.travel": "Travel time by grade band",
    "cmp.travel_caption": ("Each line is one plan: the share of pupils whose one-way trip takes at most so many "
                           "minutes. A line further up and to the left means shorter trips. Boarders count with "
                           "their weekly trip home; dotted lines are the day limits."),
    "cmp.travel_alt": "Travel time distributions by grade band",
    "cmp.axis_minutes": "One-way minutes",
    "cmp.axis_share": "Share of pupils",
    "cmp.decisions": "Decisions that differ",
    "cmp.decisions_caption": "One line per school whose decision is not the same in every plan.",
    "cmp.decisions_none": "Every plan takes the same decision for every school.",
    "cmp.decisions_left_out": "Left out, having no plan: {runs}.",
    "cmp.role_in": "{role} in {runs}",
    "cmp.role_sep": "; ",
    "cmp.build_only": "+{n} {what} in {run} only",
    "cmp.build_in": "+{n} {what} in {runs}",
    "cmp.what.places": "places",
    "cmp.what.beds": "beds",
    "cmp.settings": "Scenario settings that differ",
    "cmp.settings_caption": "Each plan's settings against those of {ref} (name and description aside).",
    "cmp.settings_none": "Same settings as {ref}.",
    "cmp.settings_for": "{name} against {ref}",
    "cmp.settings_unknown": "Unknown: the run folder has no scenario.resolved.toml.",
    "setting.rules.max_minutes": "{band}: longest one-way day trip, minutes",
    "setting.rules.boarding": "{band}: may board when the day trip is too long",
    "setting.rules.mode": "{band}: how day pupils travel (walk or bus)",
    "setting.travel.walk_kmh": "children's walking speed, km/h",
    "setting.travel.bus_kmh": "school bus speed, km/h",
    "setting.travel.detour": "road distance over straight-line distance",
    "setting.boarding.max_weekly_minutes": "longest weekly trip home of a boarder, minutes",
    "setting.schools.max_open": "at most this many schools open",
    "setting.schools.open_exactly": "exactly this many schools open",
    "setting.schools.assignment": "single: each village and grade band goes to one school; split: may be divided",
    "setting.schools.min_hub_pupils": "fewest pupils a hub must end with",
    "setting.costs.school_annual": "yuan a year to keep a school open",
    "setting.costs.per_pupil_minute": "value of families' time, yuan a year per pupil-minute",
    "setting.costs.per_place_added": "yuan per new school place",
    "setting.costs.per_bed_added": "yuan per new boarding bed",
    "setting.costs.per_boarder": "yuan a year per boarder",
    "setting.costs.capital_years": "years over which building costs are spread",
    "setting.solver.name": "solver",
    "setting.solver.time_limit_s": "solver time limit, seconds",
    "setting.solver.gap": "solver optimality gap",
    "setting.solver.threads": "solver threads",
    "setting.inputs": "input data ({what})",
    "setting.inputs.crs": "coordinate system of x/y columns",
    "setting.inputs.complete": "the travel table lists every reachable pair",
    "cmp.unsolved": "Plans without a result",
    "cmp.unsolved_item": "{name}: {status}.",
    "cmp.data_differs": ("These plans were made from different input data, so not every difference comes "
                         "from the scenarios: {details}."),
    "cmp.data_item": "{file} differs in {runs}",
    "cmp.footer": "Made by consolidation {version} from the run folders {folders}.",
    "cmp.page": "Page {i} of {n}",
    "cmp.continued": "{title} (continued)",
    # education groups (1+N): the group map, the report section and the groups page
    "group.title": "Education groups: {name}",
    "group.subtitle": "{groups} groups, {schools} schools; every member within {limit} min of its core",
    "group.item": "{gid}  {core}",
    "group.item_note": "{members}, farthest {minutes} min",
    "group.members_0": "no members",
    "group.members_1": "1 member",
    "group.members_n": "{n} members",
    "group.legend_groups": "Groups",
    "group.core": "Core school (group number)",
    "group.member": "Member school",
    "group.link": "Teachers' trip, core to member",
    "group.outside": "School in no group",
    "group.section": "Education groups",
    "group.caption": ("Each group is one core school and its member schools; teachers travel from the core to the "
                      "members. Minutes are one way, by road, to the farthest member."),
    "group.outside_note": "In no group: {names}.",
    "group.map_alt": "Map of the education groups: each group its colour, lines from the core to its members",
    "group.th_group": "Group",
    "group.th_core": "Core school",
    "group.th_members": "Member schools",
    "group.th_n": "Members",
    "group.th_farthest": "Farthest member, min",
    "group.th_teachers": "Teachers",
    "group.card_groups": "Groups",
    "group.card_groups_note": "{low}-{high} members each",
    "group.card_schools": "Schools in groups",
    "group.card_schools_note": "of {n} taking part",
    "group.card_farthest": "Farthest member",
    "group.card_farthest_note": "minutes one way; limit {limit}",
    "group.card_minutes": "Teachers' minutes",
    "group.card_minutes_note": "one way, core to every member",
    # teachers after the plan (run report)
    "teachers.section": "Teachers",
    "teachers.caption": ("Staff posts per open school follow the staffing ratios (pupils per post) with a floor of "
                         "posts per class for small schools; life teachers look after boarders. Teachers of closed "
                         "schools, and teachers beyond a school's posts, move to schools that lack teachers: first "
                         "with their pupils, then to the nearest. Minutes are the teachers' one-way trip by road."),
    "teachers.no_data": ("The schools file has no teachers column, so the teachers available and redeployed are "
                         "not known: add teachers (grades 1-6, or all grades) and teachers_junior (grades 7-9)."),
    "teachers.card_needed": "Teachers needed",
    "teachers.card_needed_note": "{posts} staff posts + {life} life teachers",
    "teachers.card_available": "Teachers today",
    "teachers.card_available_note": "in all schools",
    "teachers.card_redeployed": "Teachers redeployed",
    "teachers.card_redeployed_note": "move to another school",
    "teachers.card_life": "Life teachers",
    "teachers.card_life_note": "for {n} boarders",
    "teachers.card_recruit": "Posts to recruit",
    "teachers.card_recruit_note": "{posts} posts + {life} life teachers no teacher within reach can fill",
    "teachers.card_surplus": "Teachers surplus",
    "teachers.card_surplus_note": "no school within reach needs them; still paid",
    "teachers.moves": "Teachers redeployed",
    "teachers.move_1": "1 teacher from {src} to {dst}, {minutes} min",
    "teachers.move_n": "{n} teachers from {src} to {dst}, {minutes} min",
    "teachers.no_moves": "No teacher needs to change school.",
    "teachers.th_posts": "Staff posts (+ life teachers)",
    # sweep trade-off chart and province map
    "sweep.cost": "Public cost (million yuan a year)",
    "sweep.mean": "Mean one-way trip (minutes, all pupils)",
    "sweep.max": "Longest one-way trip (minutes)",
    "sweep.front": "Not dominated (no other plan is cheaper and shorter)",
    "sweep.other": "Other plans",
    "sweep.title": "Cost against travel: {name}",
    "province.title": "{n} counties: {closed:,.0f} schools closed, {hubs:,.0f} hubs",
    # the programme of several years (report section, charts) and its comparison
    "prog.section": "Programme {first}–{last}",
    "prog.intro": ("Over {n} planned school years, {first} to {last}, the programme takes the county from "
                   "{open_first} schools open to {open_last}, while pupils go from {pupils_first} to {pupils_last}."),
    "prog.closures": "Closures: {items}.",
    "prog.closures_year": "{year}, {n} closed: {names}",
    "prog.item_sep": "; ",
    "prog.no_closures": "No school closes.",
    "prog.building": "Building: {items}.",
    "prog.build_item": "{what} at {school}, in use from {year} (paid in {paid})",
    "prog.places": "{n} places",
    "prog.beds": "{n} beds",
    "prog.no_building": "No places or beds are built.",
    "prog.capital": "One-off capital paid: {items} ({total} in all).",
    "prog.capital_item": "{year} {yuan}",
    "prog.no_capital": "No one-off capital is paid.",
    "prog.discounted": ("Public cost over the programme, discounted: {cost} (discount rate {rate} a year). Places "
                        "and beds are usable {lead} year(s) after they are paid for: they are built before the "
                        "schools whose pupils they take close."),
    "prog.table": "Year by year",
    "prog.table_caption": ("One row per planned year (years.csv). Places and beds built are those in use from "
                           "that year; capital is what is paid in that calendar year."),
    "prog.th.year": "Year",
    "prog.th.schools_open": "Schools open",
    "prog.th.closures": "Closed that year",
    "prog.th.hubs": "Hubs",
    "prog.th.teaching_points": "Teaching points",
    "prog.th.pupils_g1_3": "Grades 1-3",
    "prog.th.pupils_g4_6": "Grades 4-6",
    "prog.th.pupils_g7_9": "Grades 7-9",
    "prog.th.pupils": "Pupils",
    "prog.th.pupils_moved": "Pupils moved",
    "prog.th.boarders": "Boarders",
    "prog.th.places_built": "Places built",
    "prog.th.beds_built": "Beds built",
    "prog.th.buses_bought": "Buses bought",
    "prog.th.teachers_needed": "Teachers needed",
    "prog.th.cost_public": "Public cost",
    "prog.th.capital": "Capital paid",
    "prog.timeline": "When schools change",
    "prog.timeline_alt": "Timeline of closures and building, one row per school",
    "prog.timeline_caption": ("One row per school that closes or gets new places or beds, earliest change first. "
                              "Cross: the year it closes; triangle: the year new places or beds are in use; "
                              "circle: the year they are paid for."),
    "prog.projection": "Pupils by grade band and year",
    "prog.projection_alt": "Bar chart of pupils by grade band in each planned year",
    "prog.projection_caption": "Pupils of each planned year, by grade band: the first year's data, then projected.",
    "prog.maps": "First and last year",
    "prog.map_first": "{year}, the first planned year",
    "prog.map_last": "{year}, the last planned year",
    "prog.below": "The sections below show the plan of the last year, {year}.",
    "prog.chart.title": "{name}: {what}",
    "prog.map_caption": "{what}. {caption}",
    "prog.chart.timeline": "when schools close and places and beds are built",
    "prog.chart.projection": "pupils by grade band and year",
    "prog.chart.year": "School year",
    "prog.chart.pupils": "Pupils",
    "prog.chart.closes": "Closes",
    "prog.chart.closed": "Stays closed",
    "prog.chart.built": "New places or beds in use",
    "prog.chart.paid": "Paid for (built before use)",
    "prog.chart.no_changes": "No school closes and nothing is built",
    "prog.chart.places": "+{n} places",
    "prog.chart.beds": "+{n} beds",
    "cmp.years": "Year by year",
    "cmp.years_caption": ("Programmes of several years: one row per plan and planned year (also in years.csv), "
                          "then each plan's totals over the programme, public cost discounted. The other sections "
                          "compare the programmes' last years."),
    "cmp.years_th.plan": "Plan",
    "cmp.years_th.year": "Year",
    "cmp.years_th.schools_open": "Schools open",
    "cmp.years_th.closures": "Closed that year",
    "cmp.years_th.pupils": "Pupils",
    "cmp.years_th.cost_public": "Public cost",
    "cmp.years_th.capital": "Capital paid",
    "cmp.years_total": "Total (discounted)",
    "cmp.years_single": "{runs}: a plan of one year, not in this table.",
}

ZH: dict[str, str] = {
    "band.G1_3": "1-3年级",
    "band.G4_6": "4-6年级",
    "band.G7_9": "7-9年级",
    "band_short.G1_3": "1-3年级",
    "band_short.G4_6": "4-6年级",
    "band_short.G7_9": "7-9年级",
    "role.hub": "中心校（接收）",
    "role.kept": "保留",
    "role.teaching_point": "教学点",
    "role.closed": "撤并",
    "role_word.hub": "中心校（接收）",
    "role_word.kept": "保留",
    "role_word.teaching_point": "改为教学点",
    "role_word.closed": "撤并",
    "status.optimal": "已得到最优方案",
    "status.feasible": "已得到可行方案，未必最优",
    "status.feasible_gap": "已得到方案，成本最多比最优高 {gap}",
    "status.infeasible": "没有满足全部规则的方案",
    "status.no_solution": "未得到方案",
    "status_short.optimal": "最优方案",
    "status_short.feasible": "可行方案",
    "status_short.infeasible": "没有满足全部规则的方案",
    "status_short.no_solution": "时限内未得到方案",
    "list_sep": "、",
    "list_and": "和",
    "no_limit": "不限",
    "not_set": "（未设置）",
    "seconds": "{s} 秒",
    "per_year": "{value}/年",
    "of_pupils": "共 {total} 名学生",
    "report.title": "学校布局调整方案：{name}",
    "report.unnamed": "未命名方案",
    "report.status_tip": "求解状态：{status}",
    "report.changed": "本次运行修改的参数：",
    "report.why_none": "为什么没有方案",
    "report.no_reason": "求解器没有给出方案，也没有说明原因。请检查输入数据和求解时限。",
    "report.notes": "说明",
    "report.headline": "主要指标",
    "card.open": "开办学校",
    "card.open_note": "共 {n} 所学校",
    "card.closed": "撤并学校",
    "card.hubs": "中心校（接收）",
    "card.hubs_note": "接收转入学生的学校",
    "card.moved": "转学学生",
    "card.moved_note": "占全部 {total} 名学生的 {share}",
    "card.boarders": "寄宿生",
    "card.boarders_note": "其中 1-3年级：{n} 人",
    "card.places": "新增学位",
    "card.places_note": "新建教室学位",
    "card.beds": "新增床位",
    "card.beds_note": "新建寄宿床位",
    "card.cost": "年度成本",
    "card.cost_note": "每年，建设费用按使用年限分摊",
    "card.buses": "校车",
    "card.buses_note": "接送 {n} 名走读乘车学生",
    "card.public": "年度财政支出",
    "card.public_note": "学校运行、教师、校车、寄宿、伙食；建设按年分摊",
    "card.families": "家庭上学路程",
    "card.families_note": "每个上学日单程 学生·分钟",
    "budget.schools": "学校运行经费（扣除闲置校舍再利用）",
    "budget.teachers": "教师工资（现有全部教师及新补充教师）",
    "budget.life_teachers": "新聘生活老师",
    "budget.buses": "校车运行",
    "budget.boarding": "寄宿生公用经费和生活补助",
    "budget.meals": "伙食（寄宿生；如设定含营养改善计划）",
    "budget.capital_annual": "建设和购车（一次性，按年分摊）",
    "budget.total": "年度财政支出合计",
    "budget.families": "家庭上学路程时间",
    "budget.families_minutes": "每天 {n} 学生·分钟",
    "budget.not_valued": "未折算为金额",
    "budget.objective": "财政支出加家庭时间（规划最小化的目标）",
    "capital.buses": "购置校车",
    "teachers.card_to_life": "转岗生活老师",
    "teachers.card_to_life_note": "转为生活老师的教师",
    "card.capital": "一次性建设投入",
    "card.capital_note": "新建学位、床位和购置校车",
    "report.map": "地图",
    "report.map_alt": "现状与调整方案的学校及上学路线地图",
    "report.map_caption": "左：现状学校及上学路线。右：调整方案。星形为中心校（接收），叉号为撤并学校，虚线为寄宿生。",
    "report.travel": "各学段上学路程",
    "report.travel_caption": "单程时间，单位：分钟。单程超过走读时限的学生在校寄宿。",
    "th.grades": "年级",
    "th.pupils": "学生数",
    "th.mean": "平均",
    "th.p90": "90%学生不超过",
    "th.max": "最长",
    "th.limit": "走读时限",
    "th.over": "寄宿比例",
    "report.schools": "学校",
    "report.schools_caption": "依次列出中心校、保留学校、教学点和撤并学校。底色标出的单元格为需新建的学位或床位。",
    "th.school": "学校",
    "th.id": "编号",
    "th.role": "调整结果",
    "th.before_after": "学生数 现状 → 方案",
    "th.by_band": "方案学生数（按年级）",
    "th.capacity": "现有学位",
    "th.places_added": "新增学位",
    "th.beds": "现有床位",
    "th.beds_used": "使用床位",
    "th.beds_added": "新增床位",
    "th.boarders": "寄宿生",
    "th.buses": "校车",
    "th.public": "年度财政支出",
    "report.trips": "学生去向",
    "report.trips_caption": ("共 {n} 组学生，其中 {moved} 组转学（底色标出），排在前面，按单程从长到短排列。"
                             "分钟和公里均为单程。"),
    "th.origin": "所在村或学校",
    "th.today": "现就读学校",
    "th.plan": "方案就读学校",
    "th.minutes": "分钟",
    "th.km": "公里",
    "th.mode": "走读/寄宿",
    "mode.board": "寄宿",
    "mode.day": "走读",
    "report.cost": "预算",
    "report.cost_caption": ("年度财政支出，单位：元/年（一万元以上以万元计）。建设和购车费用按使用年限分摊到每年；"
                            "家庭上学时间单列。"),
    "th.yearly": "年度财政支出",
    "th.yuan_year": "每年金额",
    "th.share": "占比",
    "th.one_off": "一次性建设投入",
    "th.yuan": "金额",
    "cost.schools_annual": "学校运行经费",
    "cost.travel": "家庭上学路程时间（按每生每分钟计价）",
    "cost.places_added": "新建学位（按年分摊）",
    "cost.beds_added": "新建寄宿床位（按年分摊）",
    "cost.boarders": "寄宿生公用经费",
    "cost.teachers": "教师工资",
    "cost.life_teachers": "新聘生活老师",
    "cost.closed_reuse": "闲置校舍再利用（节省）",
    "cost.boarder_subsidy": "寄宿生生活补助",
    "cost.meals": "伙食",
    "cost.buses": "校车运行",
    "cost.bus_purchase": "购置校车（按年分摊）",
    "cost.total": "年度合计",
    "capital.places": "新建学位",
    "capital.beds": "新建寄宿床位",
    "capital.total": "一次性合计",
    "footer.solver": "求解器",
    "footer.status": "状态",
    "footer.gap": "与最优方案的差距",
    "footer.time": "求解时间",
    "footer.objective": "目标值",
    "map.title": "学校布局调整方案",
    "map.today": "现状：{n} 所学校",
    "map.plan": "方案：{hubs}，保留 {kept} 所，教学点 {points} 个，撤并 {closed} 所",
    "map.hubs": "中心校 {n} 所",
    "map.hubs_1": "中心校 1 所",
    "map.boundary": "县（区）界",
    "map.village": "村庄",
    "map.school_today": "学校（大小 = 学生数）",
    "map.trip_today": "现状上学路线",
    "map.hub": "中心校（接收）：开办并接收转入学生",
    "map.kept": "保留：开办，无学生转入",
    "map.teaching_point": "教学点：仅低年级",
    "map.closed": "撤并",
    "map.trip_same": "走读，学校不变",
    "map.trip_moved": "走读，转入新学校",
    "map.trip_board": "寄宿（每周往返）",
    "map.size_key": "{n} 名学生",
    "map.km": "公里",
    "map.north": "北",
    "map.differs": "与 {ref} 决定不同",
    "map.panel": "{hubs}，保留 {kept} 所，教学点 {points} 个，撤并 {closed} 所",
    "map.no_map": "无地图：本次运行的数据没有坐标",
    "map.no_plan": "无方案：{status}",
    "cmp.title": "{n} 个方案比较",
    "cmp.intro": "以第一个方案 {ref} 为基准，其他各列标出与它的差异。全部数字取自已完成的运行目录，没有重新求解。",
    "cmp.plans": "参与比较的方案",
    "cmp.th_plan": "方案",
    "cmp.th_result": "结果",
    "cmp.th_about": "方案说明",
    "cmp.th_folder": "运行目录",
    "cmp.reference": "基准",
    "cmp.headline": "主要指标",
    "cmp.th_measure": "指标",
    "cmp.diff_legend": ("▲ ▼ 表示与 {ref} 的差异。红色：成本更高、路程更长或低年级寄宿生更多；绿色：更少；"
                        "灰色：本身无所谓好坏的变化。"),
    "cmp.group.schools": "学校",
    "cmp.group.pupils": "学生",
    "cmp.group.travel": "{band}上学路程（单程，分钟）",
    "cmp.group.public": "年度财政支出",
    "cmp.m.pupil_minutes": "家庭上学路程（每天 学生·分钟）",
    "cmp.m.bus_riders": "乘校车走读学生",
    "cmp.m.teachers_recruited": "需补充教师编制",
    "cmp.group.cost": "年度成本",
    "cmp.group.capital": "一次性建设投入",
    "cmp.m.status": "结果",
    "cmp.m.schools_open": "开办学校",
    "cmp.m.schools_closed": "撤并学校",
    "cmp.m.hubs": "中心校（接收转入学生）",
    "cmp.m.teaching_points": "教学点（仅低年级）",
    "cmp.m.groups": "教育集团",
    "cmp.m.pupils_moved": "转学学生",
    "cmp.m.boarders": "寄宿生",
    "cmp.m.boarders_g1_3": "1-3年级寄宿生",
    "cmp.m.places_added": "新增学位",
    "cmp.m.beds_added": "新增床位",
    "cmp.m.limit": "走读时限",
    "cmp.m.mean": "平均",
    "cmp.m.p90": "90%学生不超过",
    "cmp.m.max": "最长",
    "cmp.m.over": "超过走读时限（寄宿）的比例",
    "cmp.maps": "地图",
    "cmp.maps_caption": ("各方案地图范围和比例尺相同。星形为中心校（接收），蓝色圆点为保留学校，叉号为撤并学校，"
                         "虚线为寄宿生。圆圈标出与 {ref} 决定不同的学校。"),
    "cmp.maps_alt": "各方案地图并排",
    "cmp.travel": "各学段单程时间分布",
    "cmp.travel_caption": ("每条线代表一个方案：单程不超过某一分钟数的学生比例。线越靠左上，路程越短。"
                           "寄宿生按每周回家单程计；点线为走读时限。"),
    "cmp.travel_alt": "各学段单程时间分布图",
    "cmp.axis_minutes": "单程时间（分钟）",
    "cmp.axis_share": "学生比例",
    "cmp.decisions": "不同的决定",
    "cmp.decisions_caption": "每行一所学校：在各方案中决定不同的学校。",
    "cmp.decisions_none": "各方案对每所学校的决定都相同。",
    "cmp.decisions_left_out": "没有方案、未列入比较：{runs}。",
    "cmp.role_in": "{runs} {role}",
    "cmp.role_sep": "；",
    "cmp.build_only": "仅 {run} 新增{what} {n}",
    "cmp.build_in": "{runs} 新增{what} {n}",
    "cmp.what.places": "学位",
    "cmp.what.beds": "床位",
    "cmp.settings": "不同的方案参数",
    "cmp.settings_caption": "各方案参数与 {ref} 的比较（名称和说明除外）。",
    "cmp.settings_none": "参数与 {ref} 相同。",
    "cmp.settings_for": "{name} 与 {ref} 相比",
    "cmp.settings_unknown": "未知：运行目录中没有 scenario.resolved.toml。",
    "setting.rules.max_minutes": "{band}走读单程时限（分钟）",
    "setting.rules.boarding": "{band}路程过长时可否寄宿",
    "setting.rules.mode": "{band}走读上学方式（walk 步行，bus 校车）",
    "setting.travel.walk_kmh": "学生步行速度（公里/小时）",
    "setting.travel.bus_kmh": "校车速度（公里/小时）",
    "setting.travel.detour": "道路距离与直线距离之比",
    "setting.boarding.max_weekly_minutes": "寄宿生每周回家单程时限（分钟）",
    "setting.schools.max_open": "开办学校数上限",
    "setting.schools.open_exactly": "开办学校数（固定）",
    "setting.schools.assignment": "single：每个村每个学段只去一所学校；split：可分到多所学校",
    "setting.schools.min_hub_pupils": "中心校最少学生数",
    "setting.costs.school_annual": "每所学校每年运行经费（元）",
    "setting.costs.per_pupil_minute": "家庭时间价值（元/年，每生每分钟）",
    "setting.costs.per_place_added": "每个新建学位费用（元）",
    "setting.costs.per_bed_added": "每张新建床位费用（元）",
    "setting.costs.per_boarder": "每名寄宿生每年补助（元）",
    "setting.costs.capital_years": "建设费用分摊年限",
    "setting.solver.name": "求解器",
    "setting.solver.time_limit_s": "求解时限（秒）",
    "setting.solver.gap": "求解最优性差距",
    "setting.solver.threads": "求解线程数",
    "setting.inputs": "输入数据（{what}）",
    "setting.inputs.crs": "x/y 坐标列的坐标系",
    "setting.inputs.complete": "路程表列出全部可达的村校组合",
    "cmp.unsolved": "没有结果的方案",
    "cmp.unsolved_item": "{name}：{status}。",
    "cmp.data_differs": "这些方案所用的输入数据不同，差异不全来自方案参数：{details}。",
    "cmp.data_item": "{runs} 的 {file} 不同",
    "cmp.footer": "由 consolidation {version} 根据运行目录 {folders} 生成。",
    "cmp.page": "第 {i} 页，共 {n} 页",
    "cmp.continued": "{title}（续）",
    "group.title": "教育集团：{name}",
    "group.subtitle": "{groups} 个教育集团，{schools} 所学校；成员校距核心校单程均不超过 {limit} 分钟",
    "group.item": "{gid}  {core}",
    "group.item_note": "{members}，最远 {minutes} 分钟",
    "group.members_0": "无成员校",
    "group.members_1": "成员校 1 所",
    "group.members_n": "成员校 {n} 所",
    "group.legend_groups": "教育集团",
    "group.core": "核心校（集团编号）",
    "group.member": "成员校",
    "group.link": "教师往来路线（核心校至成员校）",
    "group.outside": "未加入集团的学校",
    "group.section": "教育集团",
    "group.caption": ("每个教育集团由一所核心校和若干成员校组成，教师从核心校到成员校交流任教。"
                      "分钟为到最远成员校的单程道路时间。"),
    "group.outside_note": "未加入集团：{names}。",
    "group.map_alt": "教育集团地图：每个集团一种颜色，连线从核心校到成员校",
    "group.th_group": "集团",
    "group.th_core": "核心校",
    "group.th_members": "成员校",
    "group.th_n": "成员校数",
    "group.th_farthest": "最远成员校（分钟）",
    "group.th_teachers": "教师数",
    "group.card_groups": "教育集团",
    "group.card_groups_note": "每个集团 {low}-{high} 所成员校",
    "group.card_schools": "加入集团的学校",
    "group.card_schools_note": "共 {n} 所学校参与",
    "group.card_farthest": "最远成员校",
    "group.card_farthest_note": "单程分钟；上限 {limit}",
    "group.card_minutes": "教师往来时间",
    "group.card_minutes_note": "单程分钟，核心校至各成员校合计",
    # 方案后的教师（方案报告）
    "teachers.section": "教师",
    "teachers.caption": ("各开办学校的教职工编制按生师比核定，小规模学校按班师比保底；寄宿生配备生活老师。"
                         "撤并学校的教师和超出编制的教师调配到缺编学校：先随学生流向，再就近调配。"
                         "分钟为教师单程路程时间。"),
    "teachers.no_data": ("学校文件没有 teachers 列，无法得知现有教师和调配教师数：请补充 teachers"
                         "（1-6年级，或全部年级）和 teachers_junior（7-9年级）。"),
    "teachers.card_needed": "所需教师",
    "teachers.card_needed_note": "教职工编制 {posts} 个 + 生活老师 {life} 名",
    "teachers.card_available": "现有教师",
    "teachers.card_available_note": "全部学校合计",
    "teachers.card_redeployed": "调配教师",
    "teachers.card_redeployed_note": "调往其他学校",
    "teachers.card_life": "生活老师",
    "teachers.card_life_note": "照顾 {n} 名寄宿生",
    "teachers.card_recruit": "需补充编制",
    "teachers.card_recruit_note": "调配后仍缺：编制 {posts} 个 + 生活老师 {life} 名",
    "teachers.card_surplus": "富余教师",
    "teachers.card_surplus_note": "可达范围内无学校需要，留在原校，照常发薪",
    "teachers.moves": "调配教师",
    "teachers.move_1": "1 名教师从 {src} 调配到 {dst}，单程 {minutes} 分钟",
    "teachers.move_n": "{n} 名教师从 {src} 调配到 {dst}，单程 {minutes} 分钟",
    "teachers.no_moves": "无需调配教师。",
    "teachers.th_posts": "教职工编制（+生活老师）",
    "sweep.cost": "公共成本（百万元/年）",
    "sweep.mean": "平均单程时间（分钟，全部学生）",
    "sweep.max": "最长单程时间（分钟）",
    "sweep.front": "非劣方案（没有其他方案更省钱且路程更短）",
    "sweep.other": "其他方案",
    "sweep.title": "成本与路程的权衡：{name}",
    "province.title": "{n} 个县：撤并 {closed:,.0f} 所学校，{hubs:,.0f} 所中心校",
    "prog.section": "分年度实施方案（{first}–{last}学年）",
    "prog.intro": ("本方案覆盖 {first}–{last} 学年共 {n} 个规划学年：开办学校由 {open_first} 所调整为 {open_last} 所，"
                   "在校学生由 {pupils_first} 人变为 {pupils_last} 人。"),
    "prog.closures": "撤并安排：{items}。",
    "prog.closures_year": "{year}学年撤并 {n} 所（{names}）",
    "prog.item_sep": "；",
    "prog.no_closures": "规划期内不撤并学校。",
    "prog.building": "建设安排：{items}。",
    "prog.build_item": "{school}新增{what}，{year}学年起使用（{paid}年投入建设）",
    "prog.places": "学位 {n} 个",
    "prog.beds": "床位 {n} 张",
    "prog.no_building": "不新建学位和床位。",
    "prog.capital": "一次性建设投入：{items}，合计 {total}。",
    "prog.capital_item": "{year}年 {yuan}",
    "prog.no_capital": "无一次性建设投入。",
    "prog.discounted": ("规划期财政支出（折现）：{cost}（年折现率 {rate}）。新建学位和床位在投入建设 {lead} 年后"
                        "方可使用，即先建后撤：接收学校建成后，相关学校再撤并。"),
    "prog.table": "分学年情况",
    "prog.table_caption": ("每个规划学年一行（见 years.csv）。新增学位、床位为当年起投入使用的数量；"
                           "建设投入为当年实际支付的金额。"),
    "prog.th.year": "学年",
    "prog.th.schools_open": "开办学校",
    "prog.th.closures": "当年撤并",
    "prog.th.hubs": "中心校",
    "prog.th.teaching_points": "教学点",
    "prog.th.pupils_g1_3": "1-3年级",
    "prog.th.pupils_g4_6": "4-6年级",
    "prog.th.pupils_g7_9": "7-9年级",
    "prog.th.pupils": "学生合计",
    "prog.th.pupils_moved": "转学学生",
    "prog.th.boarders": "寄宿生",
    "prog.th.places_built": "新增学位",
    "prog.th.beds_built": "新增床位",
    "prog.th.buses_bought": "新购校车",
    "prog.th.teachers_needed": "所需教师",
    "prog.th.cost_public": "财政支出",
    "prog.th.capital": "建设投入",
    "prog.timeline": "学校调整时间表",
    "prog.timeline_alt": "学校撤并与建设时间表，每所学校一行",
    "prog.timeline_caption": ("每所撤并或新增学位、床位的学校一行，按调整先后排列。叉号：撤并学年；"
                              "三角：新增学位或床位投入使用的学年；圆圈：投入建设的年份。"),
    "prog.projection": "分学段分学年学生数",
    "prog.projection_alt": "各规划学年分学段学生数柱状图",
    "prog.projection_caption": "各规划学年分学段在校学生数：首年为现状数据，其后为推算。",
    "prog.maps": "首末学年对比",
    "prog.map_first": "{year}学年（首年）",
    "prog.map_last": "{year}学年（末年）",
    "prog.below": "以下各部分为末年（{year}学年）的方案。",
    "prog.chart.title": "{name}：{what}",
    "prog.map_caption": "{what}。{caption}",
    "prog.chart.timeline": "学校撤并与学位、床位建设时间",
    "prog.chart.projection": "分学段分学年学生数",
    "prog.chart.year": "学年",
    "prog.chart.pupils": "学生数",
    "prog.chart.closes": "撤并",
    "prog.chart.closed": "已撤并",
    "prog.chart.built": "新增学位或床位投入使用",
    "prog.chart.paid": "投入建设（先建后用）",
    "prog.chart.no_changes": "规划期内无撤并、无新建",
    "prog.chart.places": "+{n} 学位",
    "prog.chart.beds": "+{n} 床位",
    "cmp.years": "分学年对比",
    "cmp.years_caption": ("分年度方案：每个方案每个规划学年一行（另见 years.csv），其后为各方案规划期合计，"
                          "财政支出为折现值。其余各部分比较的是各分年度方案的末年。"),
    "cmp.years_th.plan": "方案",
    "cmp.years_th.year": "学年",
    "cmp.years_th.schools_open": "开办学校",
    "cmp.years_th.closures": "当年撤并",
    "cmp.years_th.pupils": "学生合计",
    "cmp.years_th.cost_public": "财政支出",
    "cmp.years_th.capital": "建设投入",
    "cmp.years_total": "合计（折现）",
    "cmp.years_single": "{runs}：单年方案，不在此表中。",
}

TABLES: dict[str, dict[str, str]] = {"en": EN, "zh": ZH}
"""The string table of each language in :data:`LANGS`."""


def norm_lang(lang: str | None) -> str:
    """Return the language to use for ``lang``: ``zh`` (also ``zh-CN``, ``zh_Hans`` ...) or ``en`` otherwise."""
    return "zh" if str(lang or "").lower().replace("_", "-").startswith("zh") else "en"


def text(key: str, lang: str = "en", **fmt) -> str:
    """Return the string ``key`` in ``lang``, with ``{fields}`` filled in from ``fmt``.

    Raises
    ------
    KeyError
        If ``key`` is not in the table (every key is in both tables; a test checks it).
    """
    s = TABLES[norm_lang(lang)][key]
    return s.format(**fmt) if fmt else s


def setting_label(key: str, lang: str = "en") -> str:
    """Return plain words for a scenario key; empty when there are none.

    E.g. ``rules.G4_6.max_minutes`` -> "Grades 4-6: longest one-way day trip, minutes".
    """
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "rules" and f"setting.rules.{parts[2]}" in EN and f"band.{parts[1]}" in EN:
        return text(f"setting.rules.{parts[2]}", lang, band=text(f"band.{parts[1]}", lang))
    if f"setting.{key}" in EN:
        return text(f"setting.{key}", lang)
    if len(parts) == 2 and parts[0] == "inputs":
        return text("setting.inputs", lang, what=parts[1])
    return ""


def html_lang(lang: str) -> str:
    """Return the value of ``<html lang=...>``."""
    return "zh-CN" if norm_lang(lang) == "zh" else "en"


def missing(x) -> bool:
    """Whether ``x`` is None, NaN or not a number at all."""
    if x is None or isinstance(x, bool):
        return x is None
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def fmt_int(x, lang: str = "en") -> str:
    """Format a count with thousands separators, e.g. ``12,345``; a dash when missing."""
    return "–" if missing(x) else f"{round(float(x)):,}"


def fmt_pupils(x, lang: str = "en") -> str:
    """Pupils: whole numbers plainly, split demand with one decimal."""
    if missing(x):
        return "–"
    x = float(x)
    return f"{round(x):,}" if abs(x - round(x)) < 0.05 else f"{x:,.1f}"


def fmt_minutes(x, lang: str = "en") -> str:
    """Minutes with one decimal, e.g. ``37.5``; a dash when missing."""
    return "–" if missing(x) else f"{float(x):,.1f}"


def fmt_share(x, lang: str = "en") -> str:
    """Format a fraction as a percentage, e.g. ``0.125`` -> ``12.5%``."""
    return "–" if missing(x) else f"{100 * float(x):.1f}%"


def fmt_yuan(x, lang: str = "en") -> str:
    """Yuan: ``¥1,234,567`` in English; in Chinese ``123.46万元`` from ten thousand up, else ``850元``."""
    if missing(x):
        return "–"
    x = float(x)
    if norm_lang(lang) == "zh":
        return f"{x / 1e4:,.2f}万元" if abs(x) >= 1e4 else f"{round(x):,}元"
    return f"¥{round(x):,}"


def fmt_signed(x, kind: str, lang: str = "en") -> str:
    """Format a difference with its sign, e.g. ``+120``, ``−3.5``, ``+¥12,000``, ``+1.2 pts`` for shares.

    ``kind`` is one of ``int``, ``pupils``, ``minutes``, ``share`` and ``yuan``.
    """
    if missing(x):
        return "–"
    x = float(x)
    sign = "+" if x > 0 else "−" if x < 0 else "±"
    a = abs(x)
    if kind == "share":
        body = f"{100 * a:.1f}" + ("个百分点" if norm_lang(lang) == "zh" else " pts")
    elif kind == "yuan":
        body = fmt_yuan(a, lang)
    elif kind == "minutes":
        body = fmt_minutes(a, lang)
    elif kind == "pupils":
        body = fmt_pupils(a, lang)
    else:
        body = fmt_int(a, lang)
    return sign + body


def join_names(names, lang: str = "en") -> str:
    """Join names as ``a``, ``a and b``, ``a, b and c`` (Chinese: ``甲、乙和丙``, ``a、b 和 c``)."""
    names = [str(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    head = text("list_sep", lang).join(names[:-1])
    word = text("list_and", lang)
    if norm_lang(lang) == "zh" and (head[-1:].isascii() or names[-1][:1].isascii()):
        word = f" {word} "  # space Chinese from Latin names: "baseline 和 young_by_bus"
    return head + word + names[-1]


# Why each school (decisions.csv) and alternative plans: added as a block so the tables above stay as they were.
EN.update({
    "decisions.verb.open": "keeping it open",
    "decisions.verb.teaching_point": "keeping it as a teaching point (grades 1-3)",
    "decisions.verb.closed": "closing it",
    "decisions.state.open": "open",
    "decisions.state.teaching_point": "teaching point",
    "decisions.state.closed": "closed",
    "decisions.why.locked_open": "locked open in the schools file (lock column): not re-solved",
    "decisions.why.locked_closed": "locked closed in the schools file (lock column): not re-solved",
    "decisions.why.unreachable": "no pupil can reach it under the travel rules: closed whatever it costs",
    "decisions.why.budget": ("not evaluated: the time budget ([decisions] time_budget_s = {budget} s) was spent "
                             "before this school was reached"),
    "decisions.why.budget_during": ("not evaluated: the time budget ([decisions] time_budget_s = {budget} s) ran out "
                                    "during its re-solve, before the best plan was proven"),
    "decisions.why.no_plan": "not evaluated: no plan found within the re-solve's time limit of {limit} s",
    "decisions.why.impossible": "impossible: {state_alt} leaves no plan that meets the rules: {detail}{more}",
    "decisions.why.full": "{state_alt} fills {school}: {n_used} pupils for {n_have} places, {n_add} places to build",
    "decisions.why.beds_full": ("{state_alt} fills the beds of {school}: {n_used} boarders for {n_have} beds, "
                                "{n_add} beds to build"),
    "decisions.why.tie": "a close call: {state_alt} costs only {yuan} a year more, within the solver's tolerance",
    "decisions.why.both": "cheaper and quicker: {state} saves {yuan} a year and {n_minutes} pupil-minutes a day",
    "decisions.why.bus": ("cheaper to bus: {state} saves {yuan} a year; {state_alt} would save {n_minutes} "
                          "pupil-minutes a day, worth only {yuan_minutes} a year at {yuan_price} each"),
    "decisions.why.cheaper": ("cheaper: {state} saves {yuan} a year; {state_alt} would save {n_minutes} "
                              "pupil-minutes a day, worth only {yuan_minutes} a year at {yuan_price} each"),
    "decisions.why.time": ("shorter trips: {state} costs {yuan} a year more but saves {n_minutes} pupil-minutes a "
                           "day, worth {yuan_minutes} a year at {yuan_price} each"),
    "decisions.why.time_free": ("shorter trips at no public cost: {state} saves {n_minutes} pupil-minutes a day, "
                                "worth {yuan_minutes} a year at {yuan_price} each"),
    "decisions.why.other": "other costs decide: the objective changes by {yuan} a year",
    "decisions.why.gap": ("the re-solve stopped at its {limit} s limit, within {gap} of the best possible objective: "
                          "the other decision may cost less than shown"),
    "decisions.more_reasons": " (and {n_more} more)",
    "decisions.why.also": "{state_alt} changes other schools too: {schools}",
    "decisions.why.disabled": "not evaluated: [decisions] enabled = false",
    "decisions.why.alternative": "not evaluated: an alternative plan (the plan's own decisions.csv says why)",
    "decisions.why.max_schools": "not evaluated: [decisions] max_schools = {n_most} re-solves, closest calls first",
    "decisions.why.programme": ("not evaluated: a programme's decisions are not re-solved one by one (each would be "
                                "the whole multi-year model); run one year without [years] to see why"),
    "decisions.section": "Why each school",
    "decisions.caption": ("Each school whose decision could change, re-solved with that school locked the other "
                          "way: what the other decision would change (public cost a year, families' pupil-minutes "
                          "a day, pupils moved) and the reason the plan decided as it did. Closest calls first."),
    "decisions.stats": "{resolved} re-solves in {seconds} s; {skipped} not evaluated.",
    "decisions.th_decision": "Plan",
    "decisions.th_alternative": "Other decision",
    "decisions.th_public": "Public cost, yuan a year",
    "decisions.th_minutes": "Pupil-minutes a day",
    "decisions.th_moved": "Pupils moved",
    "decisions.th_reason": "Why",
    "decisions.more": "{n} more rows in decisions.csv (schools whose decision cannot change, or not evaluated).",
    "alternatives.section": "Alternative plans",
    "alternatives.caption": ("The best plans that differ from this plan in at least {k} school(s), each within "
                             "{within} of its objective, found one after another; each is verified and written as a "
                             "run folder (alternatives/altN) that consolidation compare reads."),
    "alternatives.none": "No other plan differs in at least {k} school(s) within {within} of the objective.",
    "alternatives.th_alt": "Plan",
    "alternatives.th_objective": "Objective vs plan",
    "alternatives.th_differ": "Schools that differ",
    "alternatives.robust": "Robust decisions (the same in every plan): {n} schools.",
    "alternatives.close": "Close calls (they differ between plans): {names}.",
    "alternatives.differ": "{school} {state}",
})
ZH.update({
    "decisions.verb.open": "保留",
    "decisions.verb.teaching_point": "改为教学点（只保留1-3年级）",
    "decisions.verb.closed": "撤并",
    "decisions.state.open": "保留",
    "decisions.state.teaching_point": "教学点",
    "decisions.state.closed": "撤并",
    "decisions.why.locked_open": "学校表中锁定保留（lock 列），未重新求解",
    "decisions.why.locked_closed": "学校表中锁定撤并（lock 列），未重新求解",
    "decisions.why.unreachable": "按出行规则没有学生能到达该校：无论成本如何都撤并",
    "decisions.why.budget": "未评估：求解时间预算（[decisions] time_budget_s = {budget} 秒）在轮到该校之前已用完",
    "decisions.why.budget_during": ("未评估：求解时间预算（[decisions] time_budget_s = {budget} 秒）"
                                    "在重新求解过程中用完，尚未证明最优"),
    "decisions.why.no_plan": "未评估：在单次求解时限 {limit} 秒内未找到方案",
    "decisions.why.impossible": "不可行：若{state_alt}，则没有满足规则的方案：{detail}{more}",
    "decisions.why.full": "若{state_alt}，{school}将满员：{n_used}名学生对应{n_have}个学位，需新增{n_add}个学位",
    "decisions.why.beds_full": ("若{state_alt}，{school}床位不足：{n_used}名寄宿生对应{n_have}张床位，"
                                "需新增{n_add}张床位"),
    "decisions.why.tie": "难以取舍：若{state_alt}，每年仅多{yuan}，在求解器容差之内",
    "decisions.why.both": "更省钱也更省时：{state}每年节省{yuan}，每天节省{n_minutes}生·分钟",
    "decisions.why.bus": ("校车接送更省钱：{state}每年节省{yuan}；若{state_alt}，每天可节省{n_minutes}生·分钟，"
                          "按每生·分钟{yuan_price}计仅值每年{yuan_minutes}"),
    "decisions.why.cheaper": ("更省钱：{state}每年节省{yuan}；若{state_alt}，每天可节省{n_minutes}生·分钟，"
                              "按每生·分钟{yuan_price}计仅值每年{yuan_minutes}"),
    "decisions.why.time": ("路程更短：{state}每年多花{yuan}，但每天节省{n_minutes}生·分钟，"
                           "按每生·分钟{yuan_price}计值每年{yuan_minutes}"),
    "decisions.why.time_free": ("路程更短且不增加公共支出：{state}每天节省{n_minutes}生·分钟，"
                                "按每生·分钟{yuan_price}计值每年{yuan_minutes}"),
    "decisions.why.other": "其他成本起决定作用：目标值每年变化{yuan}",
    "decisions.why.gap": ("重新求解在 {limit} 秒时限处停止，与最优目标值相差不超过 {gap}："
                          "另一种决策的实际成本可能低于所示"),
    "decisions.more_reasons": "（另有 {n_more} 条）",
    "decisions.why.also": "若{state_alt}，其他学校也随之改变：{schools}",
    "decisions.why.disabled": "未评估：[decisions] enabled = false",
    "decisions.why.alternative": "未评估：这是备选方案（原因见主方案的 decisions.csv）",
    "decisions.why.max_schools": "未评估：[decisions] max_schools = {n_most}，最接近的决策优先",
    "decisions.why.programme": ("未评估：多年规划的决策不逐校重新求解（每次都是整个多年模型）；"
                                "去掉 [years] 单独运行一年可查看原因"),
    "decisions.section": "各校决策的原因",
    "decisions.caption": ("对每所决策可以改变的学校，把该校锁定为另一种决策后重新求解：另一种决策会带来的变化"
                          "（每年公共支出、每天学生路程生·分钟、需转学的学生），以及方案如此决策的原因。"
                          "最接近的决策排在前面。"),
    "decisions.stats": "重新求解 {resolved} 次，用时 {seconds} 秒；{skipped} 项未评估。",
    "decisions.th_decision": "方案",
    "decisions.th_alternative": "另一种决策",
    "decisions.th_public": "公共支出（元/年）",
    "decisions.th_minutes": "每天生·分钟",
    "decisions.th_moved": "转学学生",
    "decisions.th_reason": "原因",
    "decisions.more": "另有 {n} 行见 decisions.csv（决策不能改变或未评估的学校）。",
    "alternatives.section": "备选方案",
    "alternatives.caption": ("与本方案至少有 {k} 所学校不同、目标值不超过本方案 {within} 的最优方案，逐个求出；"
                             "每个方案都经过独立核验，并写入运行文件夹 alternatives/altN，"
                             "可用 consolidation compare 比较。"),
    "alternatives.none": "在目标值 {within} 以内，没有与本方案至少有 {k} 所学校不同的其他方案。",
    "alternatives.th_alt": "方案",
    "alternatives.th_objective": "目标值与本方案之差",
    "alternatives.th_differ": "不同的学校",
    "alternatives.robust": "稳健的决策（各方案相同）：{n} 所学校。",
    "alternatives.close": "难以取舍的决策（各方案不同）：{names}。",
    "alternatives.differ": "{school}{state}",
})
