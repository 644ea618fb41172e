"""Plan rural school consolidation: which schools close, which become boarding hubs, who travels how long."""

from typing import Any

__version__ = "0.1.0"

BANDS: tuple[str, ...] = ("G1_3", "G4_6", "G7_9")
"""Grade bands, in order. Each has a pupils column ``pupils_g1_3`` etc."""

KG = "KG"
"""The kindergarten band (children aged 3-6, 学前): optional. A run has it when its pupils data have a
``pupils_kg`` column (:func:`bands_of`); its children fill ``kg_places``, never the primary ``capacity``."""

ALL_BANDS: tuple[str, ...] = (KG, *BANDS)
"""Every band a run may have, in order (the kindergarten first)."""


def bands_of(table: Any) -> tuple[str, ...]:
    """Return the bands of a run from its origins (or any table with pupils columns): KG only if it has ``pupils_kg``.

    Without a ``pupils_kg`` column this is :data:`BANDS`, so a run without kindergarten data is exactly
    what it was before the band existed.
    """
    return ALL_BANDS if pupils_column(KG) in getattr(table, "columns", ()) else BANDS


def pupils_column(band: str) -> str:
    """Return the pupils column of a band, e.g. ``G4_6`` -> ``pupils_g4_6``."""
    return "pupils_" + band.lower()


def flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten nested tables to dotted keys, as ``--set`` and ``--vary`` name them.

    ``{"rules": {"G4_6": {"max_minutes": 40}}}`` -> ``{"rules.G4_6.max_minutes": 40}``.
    """
    out: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out
