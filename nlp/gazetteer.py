"""Loads and validates the office gazetteer (data/gazetteer/offices.csv) and the place list."""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

__all__ = ["GazetteerError", "fold", "load_offices", "load_places", "place_words"]

GAZETTEER_DIR = Path(__file__).resolve().parent.parent / "data" / "gazetteer"
OFFICES_CSV = GAZETTEER_DIR / "offices.csv"
PLACES_CSV = GAZETTEER_DIR / "places.csv"

OFFICE_COLUMNS = (
    "office_id",
    "name",
    "kind",
    "class",
    "place",
    "province",
    "aliases",
    "website",
    "lat",
    "lon",
    "confidence",
    "source",
)
REQUIRED = ("office_id", "name", "kind")
KINDS = ("kantor_imigrasi", "rudenim", "kanwil_imigrasi", "unit_layanan_paspor", "ditjen_imigrasi")
OFFICE_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# Words of an office name that are not its place: heads, ministries, classes. Longest first,
# so "kantor imigrasi" goes before "imigrasi". Used to turn every alias into a place key.
NON_PLACE_PHRASES = (
    "kementerian hukum dan hak asasi manusia",
    "kementerian imigrasi dan pemasyarakatan",
    "kementerian hukum dan ham",
    "direktorat jenderal imigrasi",
    "rumah detensi imigrasi",
    "tempat pemeriksaan imigrasi",
    "immigration detention center",
    "unit layanan paspor",
    "divisi keimigrasian",
    "divisi imigrasi",
    "immigration office",
    "kantor wilayah",
    "kantor imigrasi",
    "rumah detensi",
    "ditjen imigrasi",
    "kemenkumham",
    "kemenimipas",
    "ditjenim",
    "kanimsus",
    "kanwil",
    "kumham",
    "kanim",
    "rudenim",
    "ulp",
    "imigrasi",
    "kelas",
    "klas",
    "khusus",
    "non",
    "tpi",
    "i",
    "ii",
    "iii",
    "1",
    "2",
    "3",
)
_NON_PLACE_RE = re.compile(r"\b(" + "|".join(re.escape(p) for p in NON_PLACE_PHRASES) + r")\b")


class GazetteerError(ValueError):
    """The gazetteer file is missing, empty or has a bad row (the message names file and line)."""


def fold(text: str) -> str:
    """Lower-case ASCII with punctuation as spaces: "Soekarno-Hatta" -> "soekarno hatta"."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def place_words(name: str) -> tuple[str, ...]:
    """The place part of an office name as folded words: "Kanim Kelas I Jaksel" -> ("jaksel",)."""
    s = fold(re.sub(r"\([^)]*\)", " ", name))
    return tuple(_NON_PLACE_RE.sub(" ", s).split())


def _float(value: str, path: Path, lineno: int, column: str) -> float | None:
    if not value.strip():
        return None
    try:
        return float(value)
    except ValueError:
        raise GazetteerError(f"{path}:{lineno}: {column} is not a number: {value!r}") from None


def load_offices(path: str | Path | None = None) -> list[dict]:
    """Read and validate the office gazetteer.

    Args:
        path: the CSV to read; defaults to data/gazetteer/offices.csv.

    Returns:
        One dict per office with the CSV's columns; `aliases` is a list of strings,
        `lat`/`lon` are floats or None.

    Raises:
        GazetteerError: the file is missing or empty, a column is missing, or a row is bad
            (empty id/name, unknown kind, duplicate id, non-numeric or half-given coordinates).
    """
    path = Path(path) if path is not None else OFFICES_CSV
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise GazetteerError(f"{path}: cannot read the office gazetteer ({e.strerror})") from None
    if not text.strip():
        raise GazetteerError(f"{path}: the office gazetteer is empty")
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in OFFICE_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise GazetteerError(f"{path}:1: missing columns {', '.join(missing)}")
    offices, seen = [], set()
    for lineno, row in enumerate(reader, 2):
        if None in row or any(v is None for v in row.values()):
            raise GazetteerError(f"{path}:{lineno}: wrong number of fields")
        for col in REQUIRED:
            if not row[col].strip():
                raise GazetteerError(f"{path}:{lineno}: empty {col}")
        oid = row["office_id"].strip()
        if not OFFICE_ID_RE.match(oid):
            raise GazetteerError(f"{path}:{lineno}: bad office_id {oid!r} (use a-z, 0-9 and -)")
        if oid in seen:
            raise GazetteerError(f"{path}:{lineno}: duplicate office_id {oid!r}")
        seen.add(oid)
        if row["kind"] not in KINDS:
            raise GazetteerError(f"{path}:{lineno}: unknown kind {row['kind']!r}; one of {KINDS}")
        lat = _float(row["lat"], path, lineno, "lat")
        lon = _float(row["lon"], path, lineno, "lon")
        if (lat is None) != (lon is None):
            raise GazetteerError(f"{path}:{lineno}: lat and lon must be given together")
        office = {c: row[c].strip() for c in OFFICE_COLUMNS}
        office.update(
            office_id=oid,
            lat=lat,
            lon=lon,
            aliases=[a.strip() for a in row["aliases"].split(";") if a.strip()],
        )
        offices.append(office)
    if not offices:
        raise GazetteerError(f"{path}: the office gazetteer has no rows")
    return offices


def load_places(path: str | Path | None = None) -> list[tuple[str, str, str]]:
    """Return (name, province, kind) for provinces, regencies and cities (places.csv).

    Raises:
        GazetteerError: the file is missing or has no names.
    """
    path = Path(path) if path is not None else PLACES_CSV
    try:
        with open(path, encoding="utf-8", newline="") as f:
            places = [
                (
                    r["name"].strip(),
                    (r.get("province") or "").strip(),
                    (r.get("kind") or "").strip(),
                )
                for r in csv.DictReader(f)
                if (r.get("name") or "").strip()
            ]
    except OSError as e:
        raise GazetteerError(f"{path}: cannot read the place list ({e.strerror})") from None
    if not places:
        raise GazetteerError(f"{path}: the place list has no names")
    return places
