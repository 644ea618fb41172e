"""A seeded generator of a SYNTHETIC example county.

Modelled loosely on the consolidation of rural schools in Qilihe district, Lanzhou (Gansu): small
village primaries and teaching points strung along valleys that run from the urban north into the
hills, one township school per valley, and a few large city schools in the north. Every number and
name is invented; only the boundary passed in (if any) is real.

``python -m consolidation.synthetic --out data --seed 7`` writes ``data/schools.csv``,
``data/villages.csv`` and ``data/roads.gpkg`` (roads along the valleys) for the Qilihe boundary in
``data/qilihe_boundary.geojson``.

The generator runs in small steps, one module per responsibility:

- :mod:`.geography`: the boundary in metres, valleys, school sites, villages, city sites;
- :mod:`.enrolment`: pupils of villages, township and city schools, both sides agreeing;
- :mod:`.tables`: names, school and village IDs, teaching points, rows of the two CSV files;
- :mod:`.road_lines`: a road network along the valleys, with a few ravines crossed only on foot;
- :mod:`.county`: :func:`make_county` (every step in order, from one seed), :func:`make_county_roads` and
  :func:`write_county`;
- :mod:`.command`: the command line, run by ``python -m consolidation.synthetic``.
"""

from __future__ import annotations

from .command import main
from .county import make_county, make_county_roads, write_county
from .geography import BOUNDARY_FILE, KM, WALK_LIMIT_M, default_boundary, read_boundary, utm_crs
from .tables import CLASS_BLOCK, NINE_YEAR, PRIMARY, SCHOOL_COLUMNS, VILLAGE_COLUMNS

__all__ = ["BOUNDARY_FILE", "CLASS_BLOCK", "KM", "NINE_YEAR", "PRIMARY", "SCHOOL_COLUMNS", "VILLAGE_COLUMNS",
           "WALK_LIMIT_M", "default_boundary", "main", "make_county", "make_county_roads", "read_boundary", "utm_crs",
           "write_county"]
