"""Folders written whole or not at all, and never over anything the planner did not write.

Every output folder (run, group page, comparison, sweep, province) is filled under a hidden temporary
name beside its destination, ``.<name>.partial-<pid>``, and renamed when complete, so an interrupted
command leaves nothing that looks finished. Light on purpose: no maps, no HTML.

Safety rules, in the order they are checked (each refusal is an :class:`OutputError`, exit code 2):

- The destination is not ``/``, the home folder, the current folder or a folder that contains it, not a
  file or under one, not a symbolic link, not named like the planner's own hidden staging folders, and
  does not equal or contain what the caller protects (the scenario's folder and files, the input files,
  the runs being compared).
- An existing destination is replaced only with ``overwrite`` and only when the planner wrote it: it
  holds the marker :data:`MARKER` (``{"planner": "consolidation", "format": "run" | "groups" |
  "comparison" | "sweep" | "province", "files": {path: sha256 | "dir"}}``), of the same format, and
  nothing else: no file or folder the marker does not list, none changed since (OS litter such as
  ``.DS_Store`` aside). A folder of an earlier version of the planner has no marker and is refused.
- While a command works towards a destination it holds an exclusive lock, ``.<name>.lock`` beside it
  (``flock``, released by the system if the process dies, so a stale lock is taken over): a second
  command aiming at the same folder is refused at once.
- The parent folder is created and proved writable (by the lock file) before any work.
- Staging (``.<name>.partial-<pid>``) and replaced (``.<name>.old-<pid>``) folders whose process is gone
  are removed when the next command writes into the same parent folder (a replaced folder whose
  replacement never arrived is put back instead).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from ..errors import OutputError, id_list

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no locking between processes
    fcntl = None  # type: ignore[assignment]

T = TypeVar("T")

MARKER = ".consolidation.json"
"""The file that marks a folder as written by the planner, listing what it wrote."""
FORMATS = {"run": "run", "groups": "group page", "comparison": "comparison", "sweep": "sweep",
           "province": "province run"}
"""Folder formats and how messages name them."""
LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
"""Files an operating system drops into folders it shows; never a reason to refuse, never recorded."""
LEGACY = ("run.json", "summary.json", "comparison.html", "sweep.csv", "province.csv", "groups.html")
"""Files of folders written by versions of the planner before the marker."""
STAGING = re.compile(r"^\.(?P<name>.+)\.(?P<kind>partial|old)-(?P<pid>[0-9]+)$")

Protected = Iterable[tuple[str, "os.PathLike[str] | str"]]


def _kind(what: str) -> str:
    kind = {"province run": "province", "group": "groups"}.get(what, what)
    if kind not in FORMATS:
        raise ValueError(f"unknown folder format {what!r}")
    return kind


# ------------------------------------------------------------------------------------------- inventory


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def inventory(folder: Path) -> dict[str, str]:
    """Return ``{relative path: sha256 | "dir" | "link" | "other"}`` of everything under ``folder``.

    Its own marker and OS litter are left out; symbolic links are listed, never followed.
    """
    folder = Path(folder)
    items: dict[str, str] = {}
    for root, dirs, files in os.walk(folder, followlinks=False):
        here = Path(root)
        rel = here.relative_to(folder)
        for name in dirs:
            items[(rel / name).as_posix()] = "link" if (here / name).is_symlink() else "dir"
        for name in files:
            key = (rel / name).as_posix()
            if key == MARKER or name in LITTER:
                continue
            path = here / name
            items[key] = "link" if path.is_symlink() else _sha256(path) if path.is_file() else "other"
    return items


def write_marker(folder: Path, what: str) -> None:
    """Record in ``folder`` that the planner wrote it, as a ``what`` folder, with everything it holds."""
    from .. import __version__

    record = {"planner": "consolidation", "format": _kind(what), "version": __version__,
              "files": inventory(folder)}
    (Path(folder) / MARKER).write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def not_ours(folder: Path, what: str) -> str | None:
    """Return why the planner must not replace ``folder`` as a ``what`` folder, or None when it may.

    It may when the folder carries the planner's marker of that format and holds exactly what the planner
    wrote.
    """
    folder = Path(folder)
    marker = folder / MARKER
    if not marker.is_file() or marker.is_symlink():
        if any((folder / name).exists() for name in LEGACY):
            return (f"was written by an earlier version of the planner or by hand (it has no {MARKER} "
                    "listing what the planner wrote)")
        return f"was not written by the planner (it has no {MARKER})"
    try:
        record = json.loads(marker.read_text(encoding="utf-8"))
        files, kind = record["files"], record["format"]
        if record.get("planner") != "consolidation" or not isinstance(files, dict) or kind not in FORMATS:
            raise ValueError
    except (OSError, ValueError, KeyError, TypeError):
        return f"has a {MARKER} the planner cannot read"
    if kind != _kind(what):
        return f"holds a {FORMATS[kind]}, not a {FORMATS[_kind(what)]}"
    now = inventory(folder)
    extra = sorted(set(now) - set(files))
    if extra:
        return f"holds files the planner did not write: {id_list(extra, 5)}"
    changed = sorted(k for k in now if now[k] != files[k])
    if changed:
        return f"has files changed since the planner wrote them: {id_list(changed, 5)}"
    return None


# ------------------------------------------------------------------------------------------- location


def _real(path: os.PathLike[str] | str) -> Path:
    return Path(os.path.realpath(os.path.abspath(path)))


def _where(out: Path, protect: Protected) -> Path:
    """Return the destination, resolved, after refusing places an output folder must never be."""
    if os.path.islink(out):
        raise OutputError(f"{out} is a symbolic link: the planner writes only real folders, never through a "
                          "link: choose another --out")
    dest = _real(out)
    if dest.parent == dest:
        raise OutputError(f"--out {out} is the root folder: choose a new folder, e.g. --out reports/NAME")
    _refuse_home_or_cwd(out, dest)
    if STAGING.match(dest.name) or (dest.name.startswith(".") and dest.name.endswith(".lock")):
        raise OutputError(f"--out {out}: the name {dest.name!r} is kept for the planner's own temporary folders "
                          "and locks: choose another --out")
    for above in dest.parents:
        if os.path.lexists(above):
            if not above.is_dir():
                raise OutputError(f"--out {out} is under {above}, which is a file, not a folder: choose another "
                                  "--out")
            break
    _refuse_inputs(out, dest, protect)
    return dest


def _refuse_home_or_cwd(out: Path, dest: Path) -> None:
    """Refuse the home folder, and the current folder or one that contains it."""
    try:
        home = _real(Path.home())
    except (RuntimeError, KeyError, OSError):  # no home folder known
        home = None
    if dest == home:
        raise OutputError(f"--out {out} is your home folder: choose a new folder, e.g. --out reports/NAME")
    try:
        cwd = _real(Path.cwd())
    except OSError:  # the current folder was deleted
        cwd = None
    if cwd is not None and (dest == cwd or dest in cwd.parents):
        how = "is" if dest == cwd else "contains"
        raise OutputError(f"--out {out} {how} the current folder ({cwd}): choose a new folder inside it, "
                          "e.g. --out reports/NAME")


def _refuse_inputs(out: Path, dest: Path, protect: Protected) -> None:
    """Refuse a destination that is or contains one of the ``protect`` paths (the command's inputs)."""
    for label, path in protect:
        p = _real(path)
        if p == dest or dest in p.parents:
            how = "is" if p == dest else "contains"
            raise OutputError(f"--out {out} {how} {label} {path}: an output folder never holds its own inputs: "
                              "choose another --out, e.g. reports/NAME")


def check_destination(out: Path, *, overwrite: bool, what: str = "run", protect: Protected = ()) -> Path:
    """Refuse early (before any work) a destination the planner must not write or replace; return it resolved.

    See the module's rules. ``what`` it holds (``run``, ``groups``, ``comparison``, ``sweep``, ``province``)
    is named in the message. Looks only; changes nothing.
    """
    out = Path(out)
    dest = _where(out, list(protect))
    if not os.path.lexists(dest):
        return dest
    if not dest.is_dir():
        raise OutputError(f"{out} exists and is a file, not a folder: choose another --out")
    reason = not_ours(dest, what)
    if reason is not None:
        raise OutputError(f"{out} already exists and {reason}, so the planner will not "
                          f"{'replace it, even with --overwrite' if overwrite else 'write there'}: "
                          "choose another --out, or delete or move that folder yourself")
    if not overwrite:
        raise OutputError(f"{out} already exists and holds an earlier {FORMATS[_kind(what)]}: choose another --out, "
                          "or add --overwrite to replace it")
    return dest


# ------------------------------------------------------------------------------------------- reservation


@dataclass
class _Held:
    thread: int
    fd: int | None
    lock: Path
    created: list[Path] = field(default_factory=list)
    depth: int = 1


_held: dict[Path, _Held] = {}
_guard = threading.Lock()


@contextmanager
def _deferred_interrupts() -> Iterator[None]:
    """Hold back Ctrl-C and SIGTERM for a few steps that must not be cut in two.

    The steps are taking the lock and noting it, releasing it, and the renames that swap a folder in. A
    signal that comes meanwhile is noted and acted on right after, where cleanup is certain. (Python runs
    signal handlers in the main thread only, so the handlers are swapped there; blocking the signal would
    not do, another thread would receive it.)
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous: dict[int, object] = {}
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda signum, frame: caught.append(signum))
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if caught:
            handler = previous[caught[0]]
            if callable(handler):
                handler(caught[0], None)  # Ctrl-C's and the CLI's SIGTERM handler raise KeyboardInterrupt
            elif handler == signal.SIG_DFL:
                signal.raise_signal(caught[0])


def alive(pid: int) -> bool:
    """Return whether process ``pid`` exists (this process, and a pid of 0 or less, count as alive)."""
    if pid <= 0 or pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, not ours to signal
        return True
    return True


def _make_parent(dest: Path, out: Path) -> list[Path]:
    """Create ``dest``'s parent folders; return those created (deepest last)."""
    missing = [p for p in [dest.parent, *dest.parent.parents] if not os.path.lexists(p)][::-1]
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {dest.parent} for --out {out} ({exc.strerror}): choose "
                          "another --out") from None
    return missing


def _remove_empty(created: list[Path]) -> None:
    for folder in reversed(created):
        try:
            folder.rmdir()
        except OSError:
            return


def _lock(dest: Path, out: Path) -> tuple[int | None, Path]:
    """Take the exclusive lock ``.<name>.lock`` beside ``dest``; refuse when another process holds it."""
    path = dest.parent / f".{dest.name}.lock"
    for _ in range(20):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0),
                         0o644)
        except OSError as exc:
            raise OutputError(f"cannot write into {dest.parent} for --out {out} ({exc.strerror}): choose another "
                              "--out, or make that folder writable") from None
        if fcntl is None:  # pragma: no cover
            return fd, path
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                os.close(fd)
                raise OutputError(f"cannot lock {path} for --out {out} ({exc.strerror}): choose another --out") \
                    from None
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise OutputError(f"{out} is being written by another command right now (process {holder}): wait for "
                              "it to finish, or choose another --out") from None
        try:
            same = os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if not same:  # the holder released and removed it between our open and our lock: try again
            os.close(fd)
            continue
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        return fd, path
    raise OutputError(f"cannot lock {path} for --out {out}: choose another --out")  # pragma: no cover


def _unlock(held: _Held) -> None:
    try:
        os.unlink(held.lock)
    except OSError:
        pass
    if held.fd is not None:
        os.close(held.fd)


def clean_stale(parent: Path, *, mine: str | None = None) -> list[Path]:
    """Remove the planner's own staging and replaced folders in ``parent`` whose process is gone.

    Exactly ``.<name>.partial-<pid>`` and ``.<name>.old-<pid>``, real folders only. A replaced folder whose
    replacement never arrived is put back when it is ``mine`` (the name whose lock the caller holds).
    Returns what was removed or restored.
    """
    done: list[Path] = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return done
    for entry in entries:
        match = STAGING.match(entry.name)
        if not match or not entry.is_dir(follow_symlinks=False) or alive(int(match["pid"])):
            continue
        path = Path(entry.path)
        final = Path(parent) / match["name"]
        if match["kind"] == "old" and not os.path.lexists(final):
            if match["name"] == mine:
                try:
                    os.replace(path, final)
                    done.append(path)
                except OSError:
                    pass
            continue  # another name's: leave it to that name's next run
        shutil.rmtree(path, ignore_errors=True)
        done.append(path)
    return done


@contextmanager
def reserve(out: Path | None, *, overwrite: bool, what: str = "run", protect: Protected = ()) -> Iterator[Path | None]:
    """Hold ``out`` for this command from the first check to the final rename.

    Refuse places no output may be, create its parent folder, take its lock, clean stale staging folders
    beside it, then check it (:func:`check_destination`). Re-entrant within one thread (the writer re-checks
    inside); another thread or process aiming at the same folder is refused. Parent folders created here are
    removed again if they stay empty. ``out = None`` holds nothing.
    """
    if out is None:
        yield None
        return
    out = Path(out)
    protect = list(protect)
    dest = _where(out, protect)
    me = threading.get_ident()
    with _guard:
        held = _held.get(dest)
        if held is not None and held.thread != me:
            raise OutputError(f"{out} is being written by another command right now: wait for it to finish, or "
                              "choose another --out")
        if held is not None:
            held.depth += 1
    if held is not None:
        check_destination(out, overwrite=overwrite, what=what, protect=protect)
        try:
            yield dest
        finally:
            with _guard:
                held.depth -= 1
        return
    held = None
    created: list[Path] = []
    try:
        with _deferred_interrupts():
            created = _make_parent(dest, out)
            fd, lock = _lock(dest, out)
            held = _Held(thread=me, fd=fd, lock=lock, created=created)
            with _guard:
                _held[dest] = held
        clean_stale(dest.parent, mine=dest.name)  # under the lock: may put back this name's replaced folder
        check_destination(out, overwrite=overwrite, what=what, protect=protect)
        yield dest
    finally:
        with _deferred_interrupts():
            if held is not None:
                with _guard:
                    _held.pop(dest, None)
                _unlock(held)
            _remove_empty(created)


def write_atomically(out: Path, fill: Callable[[Path], T], *, overwrite: bool, what: str = "run",
                     protect: Protected = ()) -> T:
    """Fill a folder under a hidden temporary name, then rename it to ``out``; return what ``fill`` returns.

    ``fill(staging)`` fills the folder beside ``out``; it is marked as the planner's (:data:`MARKER`), then
    renamed, replacing an earlier folder only with ``overwrite`` and only one the planner wrote (checked
    again just before).
    """
    out = Path(out)
    protect = list(protect)
    with reserve(out, overwrite=overwrite, what=what, protect=protect) as dest:
        staging = dest.parent / f".{dest.name}.partial-{os.getpid()}"
        if os.path.islink(staging) or staging.is_file():
            staging.unlink()
        elif staging.exists():
            shutil.rmtree(staging)
        try:
            staging.mkdir()
            result = fill(staging)
            write_marker(staging, what)
            if os.path.lexists(dest):
                check_destination(out, overwrite=overwrite, what=what, protect=protect)
                old = dest.parent / f".{dest.name}.old-{os.getpid()}"
                with _deferred_interrupts():
                    os.replace(dest, old)
                    try:
                        os.replace(staging, dest)
                    except BaseException:
                        os.replace(old, dest)
                        raise
                shutil.rmtree(old, ignore_errors=True)
            else:
                try:
                    os.replace(staging, dest)
                except OSError as exc:
                    raise OutputError(f"{out} appeared while this command was writing it ({exc.strerror}): "
                                      "nothing was replaced; choose another --out") from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return result
