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

import string
from collections.abc import Iterable

LANGS = ("en", "zh")

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
    "ids.more": ("{shown} and {more} more", "{shown} 等，共 {total} 个"),
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
    return Message(en.format(**{k: text(v, "en") if isinstance(v, Message) else v for k, v in params.items()}),
                   zh.format(**{k: text(v, "zh") if isinstance(v, Message) else v for k, v in params.items()}),
                   key)


def join(items: Iterable, sep: str = "; ", zh_sep: str | None = None) -> Message:
    """Join messages (or plain words) with ``sep`` in English and ``zh_sep`` in Chinese (default: ；or ，)."""
    items = list(items)
    zh_sep = zh_sep if zh_sep is not None else {"; ": "；", ", ": "，"}.get(sep, sep)
    return Message(sep.join(text(x, "en") for x in items), zh_sep.join(text(x, "zh") for x in items))


def ids(values: Iterable, limit: int = 10) -> Message:
    """IDs for a sentence: the first ``limit`` and a count of the rest (as :func:`consolidation.errors.id_list`)."""
    values = [str(v) for v in values]
    shown, more = values[:limit], len(values) - limit
    en, zh = ", ".join(shown), "、".join(shown)
    if more > 0:
        return say("ids.more", shown=Message(en, zh), more=more, total=len(values))
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
