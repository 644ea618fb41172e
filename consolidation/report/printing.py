"""Print an HTML report to an A4 PDF with headless Chromium, started once per process and kept.

Chromium prints the page exactly as a reader's browser would (the report's print stylesheet: A4, page breaks
between sections, table rows never split) and embeds the fonts it used, a CJK font for Chinese. Starting a
browser costs about a second; printing a report with it open costs a fraction of that, so the browser is
started on the first PDF of a process and driven over the DevTools protocol on a pipe
(``--remote-debugging-pipe``: no network port is opened). It has no window, loads only the local file given,
runs in its own session (a Ctrl-C in the terminal stops the planner, which then closes it) and exits by
itself when the planner's process ends and the pipe closes.

Without Chromium, :func:`print_pdf` raises :class:`PrintUnavailable`; the caller then writes a plainer PDF
(:mod:`.fallback_pdf`) and says why.
"""

from __future__ import annotations

import atexit
import base64
import fcntl
import json
import logging
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from .atomic import alive

log = logging.getLogger(__name__)

A4_INCHES = (8.27, 11.69)
"""The page's width and height (A4, portrait)."""
PROFILE_PREFIX = "consolidation-chromium-"
"""The browser profile's folder in the temporary folder: this prefix, the planner's process id, a random part."""
TIMEOUT_S = 60.0
"""The longest the browser may take to start, load a page or print it."""
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
"""Browser commands tried in order (``CONSOLIDATION_CHROMIUM`` names one first)."""
INSTALL_HINT = ("install Chromium (Debian/Ubuntu: apt-get install chromium; `make system` does it) or set "
                "CONSOLIDATION_CHROMIUM to a Chromium or Chrome program")


LAUNCHER = ("import os, sys; a, b = int(sys.argv[1]), int(sys.argv[2]); os.dup2(a, 3); os.dup2(b, 4); "
            "os.close(a); os.close(b); os.execv(sys.argv[3], sys.argv[3:])")
"""Run as ``python -c LAUNCHER <fd to browser> <fd from browser> <chromium> <args...>``."""


class PrintUnavailable(RuntimeError):
    """No browser could print the page: none is installed, or it failed; the message says which."""


class PageScriptError(PrintUnavailable):
    """JavaScript run in a page (:func:`evaluate`) threw."""


def find_browser() -> str | None:
    """Return the Chromium program to print with, or None when there is none."""
    named = os.environ.get("CONSOLIDATION_CHROMIUM")
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


class _Browser:
    """One headless Chromium driven over ``--remote-debugging-pipe`` (fd 3 to it, fd 4 from it)."""

    def __init__(self, program: str) -> None:
        _remove_stale_profiles()
        self.profile = tempfile.mkdtemp(prefix=f"{PROFILE_PREFIX}{os.getpid()}-")
        to_browser, self._in = os.pipe()
        self._out, from_browser = os.pipe()
        # the child's ends above fd 9, so that placing them at 3 and 4 cannot overwrite one with the other
        to_browser, from_browser = (_above(to_browser), _above(from_browser))
        args = [program, "--headless", "--remote-debugging-pipe", "--disable-gpu", "--no-first-run",
                "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
                f"--user-data-dir={self.profile}", "about:blank"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.insert(2, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        # a small launcher puts the pipe's ends at fds 3 and 4, where Chromium looks for them, then becomes Chromium
        # (no preexec_fn: that is not safe in a process with threads; no shell: dash stops at fd 9)
        try:
            self.proc = subprocess.Popen([sys.executable, "-I", "-S", "-c", LAUNCHER, str(to_browser),
                                          str(from_browser), *args],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                         pass_fds=(to_browser, from_browser), start_new_session=True)
        except OSError:
            shutil.rmtree(self.profile, ignore_errors=True)
            os.close(self._in)
            os.close(self._out)
            raise
        finally:
            os.close(to_browser)
            os.close(from_browser)
        self.pid = os.getpid()
        self._next = 0
        self._buffer = b""
        self._events: list[dict[str, Any]] = []
        self._session: str | None = None

    def alive(self) -> bool:
        """Return whether the browser still runs and belongs to this process (not a fork's copy)."""
        return self.pid == os.getpid() and self.proc.poll() is None

    def _read(self, deadline: float) -> dict[str, Any]:
        """Return the next message from the browser, waiting until ``deadline``."""
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._out], [], [], left)[0]:
                raise PrintUnavailable(f"Chromium did not answer within {TIMEOUT_S:g} s")
            chunk = os.read(self._out, 1 << 20)
            if not chunk:
                raise PrintUnavailable("Chromium closed its connection (it stopped)")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and return its result; events meanwhile are kept for :meth:`wait_for`."""
        self._next += 1
        ask: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            ask["sessionId"] = session
        data = json.dumps(ask).encode() + b"\0"
        while data:
            data = data[os.write(self._in, data):]
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            message = self._read(deadline)
            if message.get("id") == self._next:
                if "error" in message:
                    raise PrintUnavailable(f"Chromium refused {method}: {message['error'].get('message')}")
                return message.get("result", {})
            if "method" in message:
                self._events.append(message)

    def wait_for(self, event: str, session: str) -> None:
        """Wait for ``event`` of ``session`` (kept from earlier, or arriving now)."""
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            for i, message in enumerate(self._events):
                if message.get("method") == event and message.get("sessionId") == session:
                    del self._events[i]
                    return
            message = self._read(deadline)
            if "method" in message:
                self._events.append(message)

    def load(self, page: Path) -> str:
        """Load ``page`` in the browser's one tab (opened on first use) and return the tab's session."""
        if self._session is None:
            target = self.call("Target.createTarget", url="about:blank")["targetId"]
            self._session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            self.call("Page.enable", self._session)
        self._events.clear()
        self.call("Page.navigate", self._session, url=page.resolve().as_uri())
        self.wait_for("Page.loadEventFired", self._session)
        return self._session

    def print_page(self, page: Path) -> bytes:
        """Load ``page``, print it to A4 and return the PDF's bytes."""
        session = self.load(page)
        width, height = A4_INCHES
        result = self.call("Page.printToPDF", session, printBackground=True, preferCSSPageSize=True,
                           paperWidth=width, paperHeight=height, displayHeaderFooter=False)
        return base64.b64decode(result["data"])

    def evaluate(self, page: Path, expression: str) -> Any:
        """Load ``page``, run the JavaScript ``expression`` in it and return its value (JSON-like)."""
        session = self.load(page)
        result = self.call("Runtime.evaluate", session, expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise PageScriptError(f"the page's script failed: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def close(self) -> None:
        """Close the pipe (Chromium then exits), wait a moment, then make sure; remove its profile."""
        if self.pid != os.getpid():
            return
        for fd in (self._in, self._out):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        shutil.rmtree(self.profile, ignore_errors=True)


def _remove_stale_profiles() -> None:
    """Remove the browser profiles (in the temporary folder) of planner processes that are gone.

    A process that ends without running its exit handlers (``kill -9``, a worker's ``os._exit``) leaves its
    profile behind; its browser has exited with it (the pipe closed).
    """
    for folder in Path(tempfile.gettempdir()).glob(f"{PROFILE_PREFIX}*-*"):
        pid = folder.name[len(PROFILE_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _above(fd: int, lowest: int = 10) -> int:
    """Return a duplicate of ``fd`` numbered ``lowest`` or more, closing ``fd``."""
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, lowest)
    os.close(fd)
    return high


_lock = threading.Lock()
_browser: _Browser | None = None


def _close_browser() -> None:
    """Close the process's browser, if it started one (at exit)."""
    global _browser
    if _browser is not None:
        _browser.close()
        _browser = None


atexit.register(_close_browser)


def print_pdf(page: Path) -> bytes:
    """Print the HTML file ``page`` to A4 with headless Chromium and return the PDF's bytes.

    The browser is started on first use and kept for the process; one page is printed at a time (other threads
    wait their turn).

    Parameters
    ----------
    page : pathlib.Path
        A self-contained HTML file (it loads nothing from the network).

    Returns
    -------
    bytes
        The PDF.

    Raises
    ------
    PrintUnavailable
        When no Chromium is installed, or it failed to start, load or print (the message says which).
    """
    return _with_browser(lambda browser: browser.print_page(Path(page)), "print")


def evaluate(page: Path, expression: str) -> Any:
    """Load the HTML file ``page`` in the process's headless Chromium, run ``expression`` and return its value.

    For tests and checks of a report as a reader's browser shows it (the interactive map's script runs).
    Raises :class:`PrintUnavailable` as :func:`print_pdf` does, or when the expression throws.
    """
    return _with_browser(lambda browser: browser.evaluate(Path(page), expression), "load the page")


def warm_up() -> None:
    """Start the process's browser in the background, if it has none, so that it is ready for the first print.

    A run calls this when it starts writing its folder: the second or so Chromium takes to start then passes
    while the maps are drawn. Without Chromium this does nothing (the print says why).
    """
    def start() -> None:
        try:
            _with_browser(lambda browser: None, "start")
        except PrintUnavailable:
            pass

    if _browser is None or not _browser.alive():
        threading.Thread(target=start, name="chromium start", daemon=True).start()


def _with_browser(work, what: str) -> Any:
    """Run ``work(browser)`` with the process's browser, started when needed; close it when it fails."""
    global _browser
    with _lock:
        if _browser is None or not _browser.alive():
            program = find_browser()
            if program is None:
                named = os.environ.get("CONSOLIDATION_CHROMIUM")
                if named:
                    raise PrintUnavailable(f"CONSOLIDATION_CHROMIUM={named} names no program: set it to a Chromium "
                                           "or Chrome program, or unset it to look for chromium on the PATH")
                raise PrintUnavailable(f"no Chromium found: {INSTALL_HINT}")
            try:
                _browser = _Browser(program)
            except OSError as exc:
                raise PrintUnavailable(f"Chromium ({program}) did not start: {exc}") from None
        try:
            return work(_browser)
        except PageScriptError:
            raise  # the page is at fault, not the browser
        except PrintUnavailable:
            _browser.close()
            _browser = None
            raise
        except (OSError, ValueError, KeyError) as exc:
            _browser.close()
            _browser = None
            raise PrintUnavailable(f"Chromium failed to {what}: {exc}") from None
