"""Names that become folders, and the paths an output folder must never touch.

A scenario's ``name``, a county's name or a sweep's values are text, not paths: :func:`folder_name` turns
them into one safe path component (letters and digits of any script, Chinese included, kept; path
separators, control characters and other punctuation replaced by ``-``; no leading dot, so never ``.``,
``..`` or a hidden folder; at most :data:`MAX_CHARS` characters, a long name ending in a short hash of the
whole so two long names stay apart). :func:`unique_folder_names` gives names that differ only in
punctuation or case distinct folders. Pure functions: nothing here touches the disk.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ScenarioError

if TYPE_CHECKING:
    from .scenario import LoadedScenario

MAX_CHARS = 80
"""Longest folder name made from a name (characters)."""
MAX_BYTES = 160
"""Longest folder name made from a name (UTF-8 bytes): file systems allow 255, and the planner adds
``.``, ``.partial-<pid>``, ``-sweep`` and the like around it."""
KEEP = frozenset("._-")
INPUT_ROLES = ("schools", "villages", "travel", "boundary", "roads", "dem")


def short_hash(text: str) -> str:
    """Eight hex digits of the SHA-256 of ``text``, exactly as given."""
    return hashlib.sha256(str(text).encode("utf-8", "surrogatepass")).hexdigest()[:8]


def _allowed(ch: str) -> bool:
    return ch in KEEP or unicodedata.category(ch)[0] in "LNM"  # letters, marks, digits of any script


def folder_name(text: str, *, max_chars: int = MAX_CHARS) -> str:
    """``text`` as one safe folder name, or ``""`` when nothing of it can be kept.

    ``"../../x"`` -> ``"x"``, ``"/abs/path"`` -> ``"abs-path"``, ``"North County"`` -> ``"North-County"``,
    ``"七里河区"`` unchanged; a name longer than ``max_chars`` characters is cut and ends in ``-<hash>``.
    """
    text = unicodedata.normalize("NFC", str(text))
    parts: list[str] = []
    for ch in text:
        if _allowed(ch):
            parts.append(ch)
        elif not parts or parts[-1] != "-\0":
            parts.append("-\0")  # a run of replaced characters becomes one dash
    name = "".join(parts).replace("-\0", "-").strip("-._ ")
    if len(name) > max_chars or len(name.encode("utf-8")) > MAX_BYTES:
        suffix = "-" + short_hash(text)
        name = name[:max_chars - len(suffix)]
        while len((name + suffix).encode("utf-8")) > MAX_BYTES:
            name = name[:-1]
        name = name.rstrip("-._ ") + suffix
    return name


def scenario_folder(name: str, suffix: str = "") -> str:
    """Return the default folder name of a scenario (``reports/<this>``): its ``name`` made safe, plus ``suffix``.

    ``suffix`` is ``-sweep``, ``-province``, ``-groups`` or empty. Raises ScenarioError naming the key when
    nothing of the name can be kept.
    """
    safe = folder_name(name)
    if not safe:
        shown = repr(name) if len(name) <= 60 else repr(name[:60]) + "..."
        raise ScenarioError(f"name = {shown}: the scenario's name has no letter or digit, so it cannot name its "
                            "output folder: give it a name such as name = \"baseline\", or choose the folder "
                            "with --out")
    return safe + suffix


def unique_folder_names(names: Iterable[str], *, fallback: str = "county") -> dict[str, str]:
    """Return ``{name: folder}`` with a distinct folder for every distinct name, also where case is ignored.

    Names whose safe forms collide (``north county``, ``north-county``, ``North County``) each get
    ``-<hash of the exact name>`` appended; the others keep their readable safe form.
    """
    names = list(dict.fromkeys(str(n) for n in names))
    base = {n: folder_name(n) or fallback for n in names}
    counts: dict[str, int] = {}
    for b in base.values():
        counts[b.casefold()] = counts.get(b.casefold(), 0) + 1
    out = {n: (f"{b}-{short_hash(n)}" if counts[b.casefold()] > 1 else b) for n, b in base.items()}
    seen: set[str] = set()
    for n in names:  # a name that itself looks like "<other>-<hash>": number it (never happens by accident)
        folder, k = out[n], 2
        while folder.casefold() in seen:
            folder, k = f"{out[n]}-{k}", k + 1
        out[n] = folder
        seen.add(folder.casefold())
    return out


def scenario_paths(loaded: LoadedScenario) -> list[tuple[str, Path]]:
    """Return what an output folder of this scenario must never equal or contain, each with how to name it.

    The scenario's folder, every file of its ``extends`` chain, and its input files.
    """
    files = list(loaded.files)
    out: list[tuple[str, Path]] = [("the scenario's folder", Path(files[0]).parent)] if files else []
    out += [("the scenario file", Path(f)) for f in files]
    inputs = loaded.scenario.inputs
    out += [(f"the {role} input", Path(getattr(inputs, role))) for role in INPUT_ROLES if getattr(inputs, role)]
    return out
