"""Indonesia's 38 provinces (data/provinces.csv): names, slugs and a point for the coverage map."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROVINCES_CSV = Path(__file__).resolve().parent.parent / "data" / "provinces.csv"


@dataclass(frozen=True)
class Province:
    """One province, as sources and the gazetteer name it."""

    name: str
    abbr: str
    capital: str
    lat: float
    lon: float


@cache
def load_provinces(path: str | Path = PROVINCES_CSV) -> dict[str, Province]:
    """The provinces by name, in the file's order (west to east)."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return {r["province"]: Province(r["province"], r["abbr"], r["capital"], float(r["lat"]),
                                    float(r["lon"])) for r in rows}
