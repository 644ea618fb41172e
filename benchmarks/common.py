"""Shared pieces of the benchmarks: the machine header, Markdown tables, and measuring in a child process.

A function measured in a fresh child process has its own peak memory and nothing cached from another.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO.parent / "shared" / "bench"


def peak_mib() -> float:
    """Peak resident memory of this process so far, MiB.

    Linux's VmHWM (the high-water mark of this process image), else ru_maxrss (KiB on Linux). ru_maxrss
    alone is not enough in a child process: Linux carries the parent's size at fork over the exec.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_model() -> str:
    """Return the CPU's model name (from /proc/cpuinfo, else what ``platform`` says)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory_gib() -> float | None:
    """Return the machine's total memory in GiB (from /proc/meminfo), or None where unknown."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 ** 2
    except OSError:
        pass
    return None


def cores() -> int:
    """Return the number of CPU cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def machine_markdown() -> str:
    """Return a Markdown line naming the machine and the versions that matter for the timings."""
    from importlib.metadata import version as package_version

    import pulp

    parts = [f"{cores()} cores", cpu_model()]
    mem = memory_gib()
    if mem:
        parts.append(f"{mem:.0f} GiB RAM")
    parts += [f"{platform.system()} {platform.machine()}", f"Python {platform.python_version()}",
              f"HiGHS {package_version('highspy')} (highspy)", f"PuLP {pulp.__version__}"]
    try:
        from importlib.metadata import version

        parts.append(f"spopt {version('spopt')}")
    except Exception:  # noqa: BLE001 - spopt is optional
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    text = "Machine: " + ", ".join(parts) + "."
    if load is not None:
        text += f" Load average (1 min) when the run started: {load:.2f}."
    return text


def md_table(headers: Sequence[str], rows: Sequence[Sequence[object]], right: Sequence[bool] | None = None) -> str:
    """Return a Markdown table; ``right[i]`` right-aligns column i (default: every column but the first)."""
    right = list(right) if right is not None else [i > 0 for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |",
             "|" + "|".join("---:" if r else "---" for r in right) + "|"]
    lines += ["| " + " | ".join("" if c is None else str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def fmt(value: float | None, digits: int = 2) -> str:
    """Format a number with thousands separators, or '-' for None."""
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def median(values: Sequence[float]) -> float:
    """Return the median of ``values`` as a float."""
    return float(statistics.median(values))


def _json_default(o):
    if hasattr(o, "item"):
        return o.item()
    return str(o)


def in_child(target: str, timeout: float | None = None, **kwargs) -> dict:
    """Run ``benchmarks.<module>.<function>(**kwargs)`` in a fresh Python process and return its dict.

    The dict gains ``base_mib`` (peak memory after imports, before the call) and ``peak_mib`` (peak at the end).
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run([sys.executable, "-m", "benchmarks.common", target, json.dumps(kwargs)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{target}({kwargs}) failed with exit code {proc.returncode}:\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1])


def _child_main(target: str, arguments: str) -> None:
    module, function = target.rsplit(".", 1)
    func = getattr(importlib.import_module(f"benchmarks.{module}"), function)
    for name in ("consolidation.pipeline", "consolidation.solve", "highspy"):  # base: the planner imported
        importlib.import_module(name)
    base = peak_mib()
    result = dict(func(**json.loads(arguments)))
    result["base_mib"], result["peak_mib"] = base, peak_mib()
    print(json.dumps(result, default=_json_default))


if __name__ == "__main__":
    _child_main(sys.argv[1], sys.argv[2])
