"""The comparison as one self-contained HTML page (inline CSS, images as data URIs)."""

from __future__ import annotations

from markupsafe import Markup, escape
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .. import __version__, i18n
from ..report.html import data_uri, description, environment, status_text
from . import figures
from .analysis import Comparison
from .content import data_note, gather, left_out, unsolved


def _maps_figure(cmp: Comparison, content: dict, width: float) -> Figure | None:
    """Draw the plans' maps side by side, ``width`` inches wide (None when no run has a map)."""
    extent = content["extent"]
    if extent is None:
        return None
    height = figures.maps_height(width, len(cmp.runs), extent["aspect"])
    fig = Figure(figsize=(width, height), facecolor="white")
    FigureCanvasAgg(fig)
    figures.draw_maps(fig, (0.1, 0.05, width - 0.2, height - 0.1), content["panels"], bounds=extent["bounds"],
                      aspect=extent["aspect"], pmax=extent["pmax"], lang=cmp.lang, family=content["family"],
                      ref_name=cmp.ref.name)
    return fig


def _travel_figure(cmp: Comparison, content: dict, width: float, height: float) -> Figure | None:
    """Draw the travel-time distributions (None when no run has travel times)."""
    if not content["travel"]:
        return None
    fig = Figure(figsize=(width, height), facecolor="white")
    FigureCanvasAgg(fig)
    figures.draw_travel(fig, (0, 0, width, height), cmp.runs, lang=cmp.lang, family=content["family"])
    return fig


def _png_uri(fig: Figure | None) -> str | None:
    """Encode a figure as a PNG data URI (None for no figure)."""
    return data_uri(figures.png_bytes(fig)) if fig is not None else None


def _plans(cmp: Comparison) -> list[dict]:
    """Describe each plan for the table of plans: name, colour, result and its tone, description, folder."""
    return [{"name": r.name, "color": r.color, "status": status_text(r.status, r.summary.get("gap"), cmp.lang),
             "tone": "good" if r.status == "optimal" else "warn" if r.status == "feasible" else "bad",
             "description": description(r.summary, cmp.lang), "folder": str(r.path),
             "reference": i == 0} for i, r in enumerate(cmp.runs)]


def _settings(cmp: Comparison, content: dict) -> list[dict]:
    """Describe the settings that differ for each run: a title, each line with its gloss, or why there are none."""
    settings = []
    for item in content["settings"]:
        settings.append({
            "title": cmp.t("cmp.settings_for", name=item["name"], ref=cmp.ref.name),
            "lines": [(Markup(str(escape(s)).replace(" -&gt; ", " -> ")),
                       i18n.setting_label(s.split(":")[0], cmp.lang)) for s in item["items"]],
            "none": cmp.t("cmp.settings_none", ref=cmp.ref.name) if not item["items"] and not item["unknown"]
            else "",
            "unknown": item["unknown"],
        })
    return settings


def render_html(cmp: Comparison, content: dict | None = None) -> str:
    """Render the comparison as one self-contained HTML page (inline CSS, images as data URIs).

    Parameters
    ----------
    cmp : Comparison
        The runs compared.
    content : dict, optional
        What :func:`.content.gather` computed for them; computed here when not given.

    Returns
    -------
    str
        The page, from the ``comparison.html`` template.
    """
    content = content or gather(cmp)
    maps_fig = _maps_figure(cmp, content, 12.0)
    travel_fig = _travel_figure(cmp, content, 12.0, 3.9)
    context = {
        "t": cmp.t,
        "html_lang": i18n.html_lang(cmp.lang),
        "title": cmp.t("cmp.title", n=len(cmp.runs)),
        "names": [r.name for r in cmp.runs],
        "ref": cmp.ref.name,
        "plans": _plans(cmp),
        "data_note": data_note(cmp),
        "unsolved": unsolved(cmp),
        "runs": [{"name": r.name, "color": r.color} for r in cmp.runs],
        "headline": content["headline"],
        "maps_uri": _png_uri(maps_fig),
        "travel_uri": _png_uri(travel_fig),
        "decisions": content["decisions"],
        "left_out": left_out(cmp),
        "settings": _settings(cmp, content),
        "years": content["years"],
        "footer": cmp.t("cmp.footer", version=__version__,
                        folders=i18n.join_names([str(r.path) for r in cmp.runs], cmp.lang)),
    }
    return environment().get_template("comparison.html").render(**context)
