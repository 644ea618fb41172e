"""Compare finished run folders side by side, for officials choosing between scenarios.

Only what ``consolidation run`` wrote is read (``summary.json``, ``run.json``, ``schools.csv``,
``assignments.csv``, ``plan.gpkg``, ``scenario.resolved.toml``); nothing is solved again. The first
run is the reference: every other run's numbers are shown with their difference from it. The output
folder holds ``comparison.html`` (one self-contained page) and ``comparison.pdf`` (A4 landscape,
drawn with matplotlib, no browser needed), written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from .. import i18n
from ..errors import InputError, OutputError
from ..report.atomic import check_destination, write_atomically
from ..report.tables import write_csv
from .analysis import Comparison
from .content import gather
from .html import render_html
from .pdf import write_pdf
from .runs import RunFolder, input_differences, load_runs
from .years import year_table


def _check_out(out: Path, runs: Sequence[RunFolder], overwrite: bool) -> list[tuple[str, Path]]:
    """Refuse an ``out`` that is or holds one of the runs, or that the planner must not replace.

    Returns
    -------
    list of tuple of (str, pathlib.Path)
        What the writer must keep protecting: each run folder.
    """
    target = out.resolve()
    for run in runs:
        here = run.path.resolve()
        if target == here or target in here.parents:
            raise OutputError(f"{out} holds the run folder {run.path}: write the comparison somewhere else")
    protect = [("the run folder", run.path) for run in runs]
    check_destination(out, overwrite=overwrite, what="comparison", protect=protect)
    return protect


def compare_runs(run_dirs: Sequence[str | os.PathLike], out: str | os.PathLike, *, lang: str = "en",
                 force: bool = False, overwrite: bool = False) -> Path:
    """Compare finished run folders and write ``out/comparison.html`` and ``out/comparison.pdf``.

    When runs are programmes of several years (summary.json ``programme``), they are also compared year by
    year (a section of both, and ``out/years.csv``: one row per programme and planned year); the rest of the
    comparison compares their last years.

    Parameters
    ----------
    run_dirs : sequence of paths
        Two or more folders written by ``consolidation run`` (or the runs of a sweep). The first is
        the reference the others are compared with. Runs without a plan (infeasible, or no plan in
        time) are shown with their status and reasons; runs without ``plan.gpkg`` show "no map".
    out : path
        The folder to write. It is written under a hidden temporary name beside ``out`` and renamed
        when complete.
    lang : str, default "en"
        ``zh`` for Chinese; anything else is English.
    force : bool, default False
        Compare runs made from different input data (the page then says so) instead of refusing.
    overwrite : bool, default False
        Replace ``out`` if it exists.

    Returns
    -------
    pathlib.Path
        ``out``.

    Raises
    ------
    InputError
        A folder is not a run folder, fewer than two were given, or (without ``force``) the runs
        were made from input files whose SHA-256 differ; the message names the runs and files.
    OutputError
        ``out`` exists and ``overwrite`` is false, or ``out`` would replace a run folder.
    """
    out = Path(out)
    runs = load_runs(run_dirs)
    protect = _check_out(out, runs, overwrite)
    differences = input_differences(runs)
    if differences and not force:
        raise InputError([d.message() for d in differences]
                         + ["plans made from different input data are not comparable: compare runs of the same "
                            "data, or add --force to compare them anyway"])
    cmp = Comparison(runs=runs, lang=i18n.norm_lang(lang), differences=differences)

    def fill(staging: Path) -> None:
        content = gather(cmp)
        (staging / "comparison.html").write_text(render_html(cmp, content), encoding="utf-8")
        write_pdf(cmp, content, staging / "comparison.pdf")
        years = year_table(cmp)
        if len(years):
            write_csv(years, staging / "years.csv", float_format="%.6g")

    write_atomically(out, fill, overwrite=overwrite, what="comparison", protect=protect)
    return out
