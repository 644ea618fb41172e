"""Many runs at once, on Dask distributed or serially in this process.

Each run is one task on Dask distributed (a local cluster sized to the machine, or an existing cluster), or
runs serially in this process. One failed run is reported and does not stop the others. A run is the same
computation wherever it executes, so results equal serial runs.
"""

from __future__ import annotations

import logging
import os
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Callable

log = logging.getLogger("consolidation")


@dataclass(frozen=True)
class Task:
    """One run: a scenario file, its overrides, and the run folder to write."""

    name: str
    scenario: Path
    overrides: tuple[str, ...] = ()
    out: Path | None = None
    lang: str = "en"
    overwrite: bool = False


@dataclass(frozen=True)
class TaskResult:
    """What a task produced: its status and summary, or the error that stopped it."""

    name: str
    status: str
    """``optimal``, ``feasible``, ``infeasible``, ``no_solution`` or ``error``."""
    summary: dict[str, Any] = field(default_factory=dict)
    out: str | None = None
    error: str = ""
    """Why the run failed, on one line (for a table and the terminal); empty when it did not fail."""
    details: str = ""
    """Everything known about the failure: the full message and, for an unexpected error, the traceback
    (for the sweep's or province's failures.log)."""


def one_line(text: str, limit: int = 300) -> str:
    """``text`` on one line: its lines joined with "; ", spaces collapsed, at most ``limit`` characters."""
    lines = [" ".join(line.split()) for line in str(text).splitlines()]
    joined = "; ".join(line for line in lines if line)
    return joined if len(joined) <= limit else joined[:limit - 3].rstrip() + "..."


def run_task(task: Task) -> TaskResult:
    """Run one task and return its result; never raises.

    An error becomes ``status = "error"`` with its message on one line in ``error`` and in full (with the
    traceback of an unexpected error) in ``details``. Decisions are not re-solved and no alternatives are looked
    for unless the scenario sets them (:func:`consolidation.pipeline.without_why`).
    """
    from .errors import InputError, PlannerError
    from .pipeline import run_scenario, without_why
    from .scenario import load_scenario

    try:
        loaded = without_why(load_scenario(task.scenario, list(task.overrides)))
        result = run_scenario(loaded, out=task.out, overwrite=task.overwrite, lang=task.lang)
        return TaskResult(name=task.name, status=result.status, summary=result.summary,
                          out=str(result.out) if result.out else None)
    except PlannerError as exc:
        short = "; ".join(exc.problems) if isinstance(exc, InputError) else str(exc)
        return TaskResult(name=task.name, status="error", error=one_line(short), details=str(exc))
    except Exception as exc:  # noqa: BLE001 - one broken run must not stop the others
        return TaskResult(name=task.name, status="error",
                          error=one_line(f"internal error: {type(exc).__name__}: {exc}"),
                          details=traceback.format_exc())


def default_workers() -> int:
    """Workers for a local cluster: one per core (each solve uses one process)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


@contextmanager
def dask_client(*, scheduler: str | None = None, workers: int | None = None):
    """Yield a Dask client: connected to ``scheduler`` if given, else to a new local cluster of processes."""
    from dask.distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    n = workers or default_workers()
    # No dashboard; the scheduler's small HTTP server (health, metrics) takes a free port on this machine
    # only, so that two sweeps at once never fight over port 8787 (nor listen on the network).
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                      scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        yield client


def run_tasks(tasks: list[Task], *, serial: bool = False, scheduler: str | None = None,
              workers: int | None = None,
              on_update: Callable[[TaskResult | None, int, int], None] | None = None) -> list[TaskResult]:
    """Run every task and return their results in the order of ``tasks``.

    Parameters
    ----------
    tasks
        The runs.
    serial
        Run in this process, one after another (no Dask).
    scheduler
        Address of an existing Dask scheduler (e.g. ``tcp://10.0.0.5:8786``); its workers need this
        package installed and the data files at the same paths.
    workers
        Worker processes of the local cluster (default: one per core).
    on_update
        Called as ``on_update(result, done, running)`` when a run ends (and once at the start with
        ``result = None``), e.g. to drive a progress bar.
    """
    results: dict[str, TaskResult] = {}
    update = on_update or (lambda result, done, running: None)
    if serial or len(tasks) <= 1 and scheduler is None:
        for i, task in enumerate(tasks):
            update(None, i, 1)
            results[task.name] = run_task(task)
            update(results[task.name], i + 1, 0)
    else:
        from dask.distributed import as_completed

        with dask_client(scheduler=scheduler, workers=workers) as client:
            capacity = sum(client.nthreads().values()) or 1
            log.info("dask     %d runs on %d workers (%s)", len(tasks), capacity, scheduler or "local cluster")
            futures = client.map(run_task, tasks, key=[f"run-{t.name}" for t in tasks], pure=False)
            name_of = {f.key: t.name for f, t in zip(futures, tasks)}
            update(None, 0, min(capacity, len(tasks)))
            for future in as_completed(futures):
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - a worker died: report this run, keep the others
                    result = TaskResult(name=name_of[future.key], status="error",
                                        error=one_line(f"worker failed: {type(exc).__name__}: {exc}"),
                                        details="".join(traceback.format_exception(exc)))
                results[result.name] = result
                done = len(results)
                update(result, done, min(capacity, len(tasks) - done))
    for result in results.values():  # the caller reports failures to the user, once; this is for -v
        if result.status == "error":
            log.debug("run %s failed: %s", result.name, result.error)
    return [results[t.name] for t in tasks]
