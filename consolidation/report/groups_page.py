"""The folder ``consolidation group`` writes: groups.csv, groups.png, groups.html and run.json.

groups.html is one self-contained page (styles inline, the map as a data URI): headline numbers, the
group table and the map, in English or Chinese. The folder is written atomically, like a run folder.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd

from .. import __version__, i18n
from ..io import Inputs
from ..scenario import LoadedScenario, resolved_dict
from .atomic import write_atomically
from .folder import RunRecord, _json, provenance
from .group_map import draw_group_map
from .html import STATUS_TONE, description, environment, group_context, status_text
from .tables import write_csv

if TYPE_CHECKING:  # the page reads a grouping's tables; it never needs the model that made it
    from ..groups import GroupResult


@dataclass(frozen=True)
class GroupPage:
    """What the page says besides the groups: the run's name, description and overrides."""

    scenario: str
    description: str = ""
    overrides: tuple[str, ...] = ()
    limit: float | None = None
    """The travel limit, minutes one way."""


def render_group_page(result: GroupResult, page: GroupPage, *, names: dict[str, str], png: bytes | None = None,
                      lang: str = "en") -> str:
    """Return the education groups as a self-contained HTML page.

    Parameters
    ----------
    result
        The verified grouping.
    page
        Scenario name, description, overrides and travel limit (minutes).
    names
        School names by ``school_id``, shown as ``Name (ID)``.
    png
        The group map's PNG bytes, or None to leave the map out.
    lang
        ``zh`` for Chinese; anything else is English.
    """
    lang = i18n.norm_lang(lang)
    t = lambda key, **fmt: i18n.text(key, lang, **fmt)  # noqa: E731
    s = result.summary()
    limit = "–" if page.limit is None else f"{page.limit:g}"
    cards = [
        {"label": t("group.card_groups"), "value": i18n.fmt_int(s["groups"]),
         "note": t("group.card_groups_note", low=s["members_min"], high=s["members_max"])},
        {"label": t("group.card_schools"), "value": i18n.fmt_int(s["schools"] - s["outside"]),
         "note": t("group.card_schools_note", n=i18n.fmt_int(s["schools"]))},
        {"label": t("group.card_farthest"), "value": i18n.fmt_minutes(s["max_minutes"]),
         "note": t("group.card_farthest_note", limit=limit)},
        {"label": t("group.card_minutes"), "value": i18n.fmt_minutes(s["teacher_minutes"]),
         "note": t("group.card_minutes_note")},
    ]
    footer = [(t("footer.solver"), result.solver),
              (t("footer.status"), t(f"status_short.{result.status}")),
              (t("footer.gap"), "–" if result.gap is None else f"{100 * result.gap:.2f}%"),
              (t("footer.time"), t("seconds", s=f"{result.seconds:,.1f}"))]
    context = {
        "t": t,
        "html_lang": i18n.html_lang(lang),
        "scenario": page.scenario,
        "description": page.description,
        "overrides": list(page.overrides),
        "badge": status_text(result.status, result.gap, lang),
        "tone": STATUS_TONE.get(result.status, "warn"),
        "cards": cards,
        "footer": footer,
        "version": __version__,
        **group_context(result, png, names, lang),
    }
    return environment().get_template("groups.html").render(**context)


def write_group_folder(out: Path, *, loaded: LoadedScenario, inputs: Inputs, result: GroupResult,
                       record: RunRecord, overwrite: bool = False, lang: str = "en",
                       protect: Iterable[tuple[str, Path]] = ()) -> Path:
    """Write groups.csv, groups.png, groups.html and run.json into ``out``, atomically; return ``out``.

    groups.png only when the schools have coordinates. An existing folder is replaced only with ``overwrite``.
    """
    scenario = loaded.scenario

    def fill(folder: Path) -> None:
        write_csv(result.groups, folder / "groups.csv", float_format="%.6g")
        png = None
        if isinstance(inputs.schools, gpd.GeoDataFrame):
            draw_group_map(schools=inputs.schools, groups=result.groups, boundary=inputs.boundary,
                           path=folder / "groups.png", title=scenario.name, limit=scenario.groups.max_minutes,
                           lang=lang)
            png = (folder / "groups.png").read_bytes()
        names = dict(zip(inputs.schools["school_id"].astype(str), inputs.schools["name"].astype(str)))
        about = description({"description": scenario.description, "description_zh": scenario.description_zh}, lang)
        page = GroupPage(scenario=scenario.name, description=about,
                         overrides=tuple(f"{k}: {old} \u2192 {new}" for k, old, new in loaded.overrides),
                         limit=scenario.groups.max_minutes)
        (folder / "groups.html").write_text(render_group_page(result, page, names=names, png=png, lang=lang),
                                            encoding="utf-8")
        run = {"scenario": scenario.name, "status": result.status, "summary": result.summary(),
               "terms": result.terms, "groups": resolved_dict(scenario).get("groups", {}),
               **provenance(loaded, inputs, record, lang)}
        (folder / "run.json").write_text(_json(run), encoding="utf-8")

    write_atomically(Path(out), fill, overwrite=overwrite, what="groups", protect=protect)
    return Path(out)
