"""What the families share about the kindergarten band: which pairs are schooling, which are kindergarten.

Kindergarten children (band ``KG``) fill kindergarten places (:mod:`consolidation.families.kindergarten`);
the families of schooling (places, classes, teacher posts) count the other bands only. Without KG in the
pairs every mask here is all true, so those families build exactly the rows they built before the band
existed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import KG


def schooling(table: pd.DataFrame) -> np.ndarray:
    """Return a mask of the pairs (or assignment rows) of the school bands, every band but KG."""
    return table["band"].to_numpy() != KG


def rows_by_school(table: pd.DataFrame, mask: np.ndarray) -> dict:
    """Return the positions of the pairs of ``mask``, grouped by ``school_id`` (in order of first appearance)."""
    keep = np.flatnonzero(mask)
    return {sid: keep[rows] for sid, rows in table.iloc[keep].groupby("school_id", sort=False).indices.items()}
