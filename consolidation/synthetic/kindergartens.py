"""A SYNTHETIC kindergarten layer over the example county: ``python -m consolidation.synthetic.kindergartens``.

Reads the example county's ``schools.csv`` and ``villages.csv`` (``data/``) and writes copies with the
kindergarten band (KG, ages 3-6) into ``data/kindergartens/``. Everything it adds is made up, seeded:

- children of 3-6 per village: binomial(pupils of grades 1-3, 0.56). 0.56 is the ratio of births in
  2021-2023 to births in 2017-2019 (9.7 / 15.7 million a year, National Bureau of Statistics) times a
  preschool enrolment of about 91 %; a village's children of 3-6 are born three years after its
  grades 1-3;
- nine standalone kindergartens (kind ``kindergarten``, bands ``KG``), as in Bincheng district's groups: a
  central kindergarten about 300 m from each township school (6 classes of 30, room for 9), one beside each
  of three city schools (12 classes, room for 18), and two more where most children live beyond a 20-minute
  walk of any kindergarten place (2 classes, room for 3; 8 and 10 in a town), each with 2 teachers a class
  today and a quality score of 45-85;
- a preschool class (附设幼儿班, 30 places) at every village primary and teaching point: ``kg_places = 30``;
- each village's children attend the nearest school or kindergarten teaching KG today (``school_id_kg``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer

from .geography import utm_crs

KG_SHARE = 0.56
"""Children of 3-6 per pupil of grades 1-3 (see the module docstring)."""
SITES = [("S27", "Xiguoyuan Central Kindergarten", 180, 270), ("S28", "Huangyu Central Kindergarten", 180, 270),
         ("S29", "Weiling Central Kindergarten", 180, 270), ("S30", "Agan Central Kindergarten", 180, 270),
         ("S31", "Qilihe No.2 Kindergarten", 360, 540), ("S32", "Qilihe No.20 Kindergarten", 360, 540),
         ("S34", "Qilihe No.27 Kindergarten", 360, 540)]
"""Kindergartens beside a school: the school, the kindergarten's name, kindergarten places today and at most."""
REACH_M = 20 / 60 * 4.0 * 1000 / 1.6
"""Straight-line metres of a 20-minute walk at 4 km/h with the example's detour of 1.6 (about 830 m)."""
N_VILLAGE = 2
"""Village kindergartens, sited where most children live beyond a walk of every kindergarten place."""


def _kindergarten(k: int, name: str, lon: float, lat: float, places: int, most: int,
                  rng: np.random.Generator) -> dict:
    """Return one standalone kindergarten's row (bands KG, no primary places, 2 teachers a class today)."""
    return {"school_id": f"K{k:02d}", "name": name, "lon": round(lon, 6), "lat": round(lat, 6), "pupils_g1_3": 0,
            "pupils_g4_6": 0, "pupils_g7_9": 0, "capacity": 0, "beds": 0, "bands": "KG", "can_be_hub": "true",
            "max_capacity": 0, "max_beds": 0, "kind": "kindergarten", "teachers": 0, "teachers_junior": 0,
            "quality": int(rng.integers(45, 86)), "kg_places": places, "max_kg_places": most,
            "kg_teachers": 2 * -(-places // 30)}


def add_kindergartens(schools: pd.DataFrame, villages: pd.DataFrame, seed: int = 7) -> tuple[pd.DataFrame,
                                                                                             pd.DataFrame]:
    """Return the schools and villages tables with the synthetic kindergarten band added.

    Parameters
    ----------
    schools, villages
        The example county's tables as written by :func:`consolidation.synthetic.county.write_county` (IDs as
        text, ``lon``/``lat`` in WGS84).
    seed
        Random seed: the same seed gives the same tables.

    Returns
    -------
    tuple of pandas.DataFrame
        Schools with ``pupils_kg``, ``kg_places``, ``max_kg_places``, ``kg_teachers`` and nine kindergarten
        rows; villages with ``pupils_kg`` and ``school_id_kg``.
    """
    rng = np.random.default_rng(seed)
    schools, villages = schools.copy(), villages.copy()
    village = schools["kind"] == "village"
    schools["kg_places"] = np.where(village, 30, 0)
    schools["max_kg_places"] = schools["kg_places"]
    schools["kg_teachers"] = np.where(village, 2, 0)
    villages["pupils_kg"] = rng.binomial(villages["pupils_g1_3"].to_numpy(int), KG_SHARE)
    lon0, lat0 = float(schools["lon"].mean()), float(schools["lat"].mean())
    to_metres = Transformer.from_crs("EPSG:4326", utm_crs(lon0, lat0), always_xy=True)
    rows = []
    for beside, name, places, most in SITES:
        at = schools.loc[schools["school_id"] == beside].iloc[0]
        angle = rng.uniform(0, 2 * np.pi)
        rows.append(_kindergarten(len(rows) + 1, name, float(at["lon"]) + 0.0033 * np.cos(angle),
                                  float(at["lat"]) + 0.0027 * np.sin(angle), places, most, rng))
    vx, vy = to_metres.transform(villages["lon"].to_numpy(float), villages["lat"].to_numpy(float))
    for _ in range(N_VILLAGE):  # where most children live beyond a walk of any kindergarten place
        sites = pd.concat([schools[schools["kg_places"] > 0], pd.DataFrame(rows)])
        sx, sy = to_metres.transform(sites["lon"].to_numpy(float), sites["lat"].to_numpy(float))
        far = np.hypot(vx[:, None] - sx[None, :], vy[:, None] - sy[None, :]).min(axis=1) > REACH_M
        v = villages.iloc[int(np.argmax(np.where(far, villages["pupils_kg"] + 1, 0)))]
        rows.append(_kindergarten(len(rows) + 1, f"{v['name']} Kindergarten", float(v["lon"]) + 0.0008,
                                  float(v["lat"]), 60 if v["pupils_kg"] < 60 else 240,
                                  90 if v["pupils_kg"] < 60 else 300, rng))
    schools = pd.concat([schools, pd.DataFrame(rows)], ignore_index=True)
    teaching = schools[schools["kg_places"] > 0].reset_index(drop=True)
    sx, sy = to_metres.transform(teaching["lon"].to_numpy(float), teaching["lat"].to_numpy(float))
    nearest = np.argmin(np.hypot(vx[:, None] - sx[None, :], vy[:, None] - sy[None, :]), axis=1)
    villages["school_id_kg"] = teaching["school_id"].to_numpy()[nearest]
    today = villages.groupby("school_id_kg")["pupils_kg"].sum()
    schools["pupils_kg"] = schools["school_id"].map(today).fillna(0).astype(int)
    order = [c for c in schools.columns if c not in ("pupils_kg", "kg_places", "max_kg_places", "kg_teachers")]
    at = order.index("pupils_g1_3")
    schools = schools[[*order[:at], "pupils_kg", *order[at:], "kg_places", "max_kg_places", "kg_teachers"]]
    first = list(villages.columns[:4])
    villages = villages[[*first, "pupils_kg", *[c for c in villages.columns if c not in (*first, "pupils_kg")]]]
    return schools, villages


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m consolidation.synthetic.kindergartens --data data --out data/kindergartens``."""
    parser = argparse.ArgumentParser(prog="python -m consolidation.synthetic.kindergartens",
                                     description="Write the SYNTHETIC example county with kindergartens (KG).")
    parser.add_argument("--data", default="data", help="folder of the example county's CSV files (default: data)")
    parser.add_argument("--out", default="data/kindergartens", help="output folder (default: data/kindergartens)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default: 7)")
    args = parser.parse_args(argv)
    read = {"dtype": {"school_id": str, "school_id_g4_6": str, "school_id_g7_9": str, "can_be_hub": str},
            "keep_default_na": False}
    schools = pd.read_csv(Path(args.data) / "schools.csv", **read)
    villages = pd.read_csv(Path(args.data) / "villages.csv", **read)
    schools, villages = add_kindergartens(schools, villages, args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, table in (("schools.csv", schools), ("villages.csv", villages)):
        table.to_csv(out / name, index=False, float_format="%.6f")
        print(f"wrote {out / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
