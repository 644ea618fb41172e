"""Folders written whole or not at all: every output folder (run, group page, comparison, sweep, province)
is filled under a hidden temporary name beside its destination and renamed when complete, so an
interrupted command leaves nothing that looks finished. Light on purpose: no maps, no HTML."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ..errors import OutputError

T = TypeVar("T")


def check_destination(out: Path, *, overwrite: bool, what: str = "run") -> None:
    """Refuse early (before any work) to replace an existing folder unless asked; ``what`` it holds
    (``run``, ``sweep``, ...) is named in the message."""
    if out.exists() and not overwrite:
        raise OutputError(f"{out} already exists and holds an earlier {what}: choose another --out, "
                          "or add --overwrite to replace it")
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder")


def write_atomically(out: Path, fill: Callable[[Path], T], *, overwrite: bool, what: str = "run") -> T:
    """Fill a folder through ``fill(staging)`` under a hidden temporary name beside ``out``, then rename it
    to ``out`` (replacing an earlier folder only with ``overwrite``); return what ``fill`` returns."""
    out = Path(out)
    check_destination(out, overwrite=overwrite, what=what)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.partial-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    try:
        result = fill(staging)
        if out.exists():
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            os.replace(out, old)
            os.replace(staging, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result
