"""Benchmark instances written as the planner's own input files.

The files are villages.csv, schools.csv, travel.csv and scenario.toml, written the way
../shared/bench/README.md converts OR-Library files, plus a seeded Euclidean p-median. Each writer returns
the folder and what the peers need (cost matrix, demand, p, capacities).

- :func:`euclidean_pmedian`: ``n`` villages and ``m`` candidate sites uniform in a 100 x 100 square
  (seeded), minutes = straight-line distance, demand 1-20 pupils, capacity = total demand, ``open_exactly = p``.
- :func:`orlib_pmedian`: Beasley's ``pmedN.txt`` (graph; travel = all-pairs shortest paths, an edge listed
  twice counts with its last cost), demand 1 per node, ``open_exactly = p``.
- :func:`holmberg`: Holmberg, Ronnqvist and Yuan (1999) single-source capacitated instances.
- :func:`orlib_cap`: Beasley's ``capNN.txt`` / ``capa-c.txt`` (split), with a capacity given where the file
  says ``capacity``.

Converted folders are cached under ``benchmarks/.instances`` (not committed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

CACHE = Path(__file__).resolve().parent / ".instances"

SCENARIO = """name = "{name}"

[inputs]
villages = "villages.csv"
schools = "schools.csv"
travel = "travel.csv"
complete = true

[rules.G1_3]
boarding = false

[rules.G4_6]
boarding = false

[rules.G7_9]
boarding = false

[schools]
assignment = "{assignment}"
{open_exactly}
[costs]
school_annual = 0
per_pupil_minute = 1
per_place_added = 0
per_bed_added = 0
per_boarder = 0
teacher_salary = 0
life_teacher_salary = 0
boarder_subsidy_primary = 0
boarder_subsidy_junior = 0
boarder_meals_per_day = 0

[buses]
price = 0
annual = 0

[solver]
name = "highs"
time_limit_s = {time_limit}
gap = {gap}
"""


@dataclass(frozen=True)
class Instance:
    """An instance on disk and in arrays.

    ``minutes[i, j]`` origin i to site j, ``demand[i]``, ``capacity[j]``, ``fixed[j]`` (yuan a year), ``p``
    (None: no open count), ``assignment``.
    """

    name: str
    folder: Path
    minutes: np.ndarray
    demand: np.ndarray
    capacity: np.ndarray
    fixed: np.ndarray
    p: int | None
    assignment: str


def _write(name: str, minutes: np.ndarray, demand: np.ndarray, capacity: np.ndarray, fixed: np.ndarray,
           p: int | None, assignment: str, gap: float = 0.0, time_limit: float = 600,
           cache: Path = CACHE) -> Instance:
    import pandas as pd

    folder = Path(cache) / name
    n, m = minutes.shape
    scenario = SCENARIO.format(name=name, assignment=assignment, gap=gap, time_limit=time_limit,
                               open_exactly="" if p is None else f"open_exactly = {p}\n")
    cached = folder / "scenario.toml"
    # a cached folder is reused only if its scenario is today's (a new scenario key must reach old caches);
    # the scenario file is written last, so a half-written folder is never taken for a cached one
    if not cached.exists() or cached.read_text() != scenario:
        cached.unlink(missing_ok=True)
        folder.mkdir(parents=True, exist_ok=True)
        vids = [f"V{i + 1}" for i in range(n)]
        sids = [f"S{j + 1}" for j in range(m)]
        pd.DataFrame({"village_id": vids, "pupils_g1_3": 0, "pupils_g4_6": 0, "pupils_g7_9": demand}) \
            .to_csv(folder / "villages.csv", index=False)
        pd.DataFrame({"school_id": sids, "name": [f"Site {j + 1}" for j in range(m)], "pupils_g1_3": 0,
                      "pupils_g4_6": 0, "pupils_g7_9": 0, "capacity": capacity, "beds": 0, "annual_cost": fixed}) \
            .to_csv(folder / "schools.csv", index=False)
        pd.DataFrame({"origin_id": np.repeat(vids, m), "school_id": np.tile(sids, n),
                      "minutes": minutes.ravel()}).to_csv(folder / "travel.csv", index=False, float_format="%.10g")
        cached.write_text(scenario)
    return Instance(name, folder, minutes, demand, capacity, fixed, p, assignment)


def euclidean_pmedian(n: int = 1000, m: int = 100, p: int = 10, seed: int = 1, cache: Path = CACHE) -> Instance:
    """Write a seeded Euclidean p-median: capacities equal to the total demand (so none can bind)."""
    rng = np.random.default_rng(seed)
    villages, sites = rng.uniform(0, 100, (n, 2)), rng.uniform(0, 100, (m, 2))
    minutes = np.round(np.hypot(*(villages[:, None, :] - sites[None, :, :]).transpose(2, 0, 1)), 4)
    demand = rng.integers(1, 21, n)
    total = int(demand.sum())
    return _write(f"euclid-{n}x{m}-p{p}-s{seed}", minutes, demand, np.full(m, total), np.zeros(m), p, "single",
                  cache=cache)


def _shortest_paths(text: str) -> tuple[np.ndarray, int]:
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import shortest_path

    numbers = text.split()
    n, edges, p = int(numbers[0]), int(numbers[1]), int(numbers[2])
    triples = np.array(numbers[3:3 + 3 * edges], int).reshape(-1, 3)
    last: dict[tuple[int, int], int] = {}
    for i, j, c in triples:  # an edge listed twice counts with its LAST cost
        last[(min(i, j), max(i, j))] = c
    rows = np.array([k[0] - 1 for k in last]), np.array([k[1] - 1 for k in last])
    graph = csr_matrix((np.array(list(last.values()), float), rows), shape=(n, n))
    return shortest_path(graph, directed=False), p


def orlib_pmedian(path: Path, cache: Path = CACHE) -> Instance:
    """Beasley's pmedN.txt as a planner instance (demand 1 per node, every node a site)."""
    path = Path(path)
    minutes, p = _shortest_paths(path.read_text())
    n = len(minutes)
    return _write(path.stem, minutes, np.ones(n, int), np.full(n, n), np.zeros(n), p, "single", cache=cache)


def holmberg(path: Path, cache: Path = CACHE) -> Instance:
    """Holmberg et al. (1999) pN.txt: single source, minutes = cost / demand."""
    path = Path(path)
    numbers = np.array(path.read_text().split(), float)
    sites, customers = int(numbers[0]), int(numbers[1])
    at = 2
    capacity = numbers[at:at + sites]
    at += sites
    fixed = numbers[at:at + sites]
    at += sites
    demand = numbers[at:at + customers]
    at += customers
    cost = numbers[at:at + sites * customers].reshape(customers, sites)
    minutes = cost / demand[:, None]
    return _write(f"holmberg-{path.stem}", minutes, demand.astype(int), capacity.astype(int), fixed, None,
                  "single", cache=cache)


def orlib_cap(path: Path, capacity: float | None = None, assignment: str = "split", cache: Path = CACHE) -> Instance:
    """Beasley's capNN.txt (or capa/capb/capc.txt, whose capacities read ``capacity``: give ``capacity``)."""
    path = Path(path)
    tokens = path.read_text().split()
    sites, customers = int(tokens[0]), int(tokens[1])
    at = 2
    caps, fixed = [], []
    for _ in range(sites):
        caps.append(capacity if tokens[at] == "capacity" else float(tokens[at]))
        fixed.append(float(tokens[at + 1]))
        at += 2
    if any(c is None for c in caps):
        raise ValueError(f"{path} leaves the capacity open: give capacity=")
    demand, cost = np.empty(customers), np.empty((customers, sites))
    for i in range(customers):
        demand[i] = float(tokens[at])
        cost[i] = np.array(tokens[at + 1:at + 1 + sites], float)
        at += 1 + sites
    minutes = cost / demand[:, None]
    name = (path.stem + (f"-{capacity:g}" if capacity is not None else "")
            + ("-single" if assignment == "single" else ""))
    return _write(name, minutes, demand.astype(int), np.array(caps), np.array(fixed), None, assignment, cache=cache)
