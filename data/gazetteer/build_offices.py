"""Builds and checks data/gazetteer/offices.csv and places.csv from the shared desk lists.

Run by hand when the shared lists change (the runtime reads only the committed CSVs):

    .venv/bin/python data/gazetteer/build_offices.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from nlp.gazetteer import KINDS as OFFICE_KINDS
from nlp.gazetteer import OFFICE_COLUMNS

HERE = Path(__file__).resolve().parent
DEFAULT_SHARED = HERE.parents[2] / "shared" / "data"
# The gazetteer's shape is the loader's: one definition, in nlp/gazetteer.py.
COLUMNS = OFFICE_COLUMNS
KINDS = set(OFFICE_KINDS)
# Indonesia's bounding box, to catch swapped or mistyped coordinates.
LAT_RANGE, LON_RANGE = (-11.5, 6.5), (94.5, 141.5)

# Abbreviations Indonesian news uses for provinces ("Kanwil Kemenkumham Jatim").
PROVINCE_ABBR = {
    "Jawa Timur": ["Jatim"],
    "Jawa Tengah": ["Jateng"],
    "Jawa Barat": ["Jabar"],
    "Sulawesi Selatan": ["Sulsel"],
    "Sulawesi Utara": ["Sulut"],
    "Sulawesi Tengah": ["Sulteng"],
    "Sulawesi Tenggara": ["Sultra"],
    "Sulawesi Barat": ["Sulbar"],
    "Sumatera Utara": ["Sumut"],
    "Sumatera Barat": ["Sumbar"],
    "Sumatera Selatan": ["Sumsel"],
    "Kalimantan Timur": ["Kaltim"],
    "Kalimantan Barat": ["Kalbar"],
    "Kalimantan Selatan": ["Kalsel"],
    "Kalimantan Tengah": ["Kalteng"],
    "Kepulauan Riau": ["Kepri"],
    "Kepulauan Bangka Belitung": ["Babel", "Bangka Belitung"],
    "Nusa Tenggara Barat": ["NTB"],
    "Nusa Tenggara Timur": ["NTT"],
    "DI Yogyakarta": ["DIY", "Yogyakarta"],
    "DKI Jakarta": ["Jakarta"],
    "Maluku Utara": ["Malut"],
    "Papua Barat": ["Pabar"],
    "Aceh": ["NAD"],
}
# Old (to Oct 2024, Kemenkumham) and new (Ditjen Imigrasi) names of a regional office.
KANWIL_PATTERNS = (
    "Kantor Wilayah Direktorat Jenderal Imigrasi {p}",
    "Kanwil Ditjen Imigrasi {p}",
    "Kantor Wilayah Ditjen Imigrasi {p}",
    "Kanwil Direktorat Jenderal Imigrasi {p}",
    "Kantor Wilayah Imigrasi {p}",
    "Kanwil Imigrasi {p}",
    "Kanwil Ditjenim {p}",
    "Kantor Wilayah Kementerian Hukum dan HAM {p}",
    "Kantor Wilayah Kementerian Hukum dan Hak Asasi Manusia {p}",
    "Kanwil Kementerian Hukum dan HAM {p}",
    "Kanwil Kemenkumham {p}",
    "Kanwil Kumham {p}",
    "Divisi Keimigrasian Kanwil Kemenkumham {p}",
)
# Units missing from the shared list, with why each is justified.
EXTRA_ROWS = [
    {
        "office_id": "ditjen-imigrasi",
        "name": "Direktorat Jenderal Imigrasi",
        "kind": "ditjen_imigrasi",
        "class": "",
        "place": "Jakarta Selatan",
        "province": "DKI Jakarta",
        "aliases": "Ditjen Imigrasi;Ditjenim;"
        "Direktorat Jenderal Imigrasi Kementerian Hukum dan HAM;"
        "Direktorat Jenderal Imigrasi Kementerian Imigrasi dan Pemasyarakatan;"
        "Directorate General of Immigration",
        "website": "imigrasi.go.id",
        "lat": "-6.266",
        "lon": "106.8135",
        "confidence": "high",
        "source": "national HQ (Jl. H.R. Rasuna Said, Kuningan); host imigrasi.go.id | lat/lon = "
        "centroid of Kota Jakarta Selatan, as for the other rows",
    },
    {
        "office_id": "kanwil-aceh",
        "name": "Kantor Wilayah Direktorat Jenderal Imigrasi Aceh",
        "kind": "kanwil_imigrasi",
        "class": "",
        "place": "Banda Aceh",
        "province": "Aceh",
        "aliases": "",
        "website": "",
        "lat": "5.54167",
        "lon": "95.33333",
        "confidence": "low",
        "source": "every province had a Kanwil Kemenkumham with a Divisi Keimigrasian (Aceh's "
        "included); the shared list has no 2026 host for it, so the new name is assumed",
    },
]
# Extra aliases per existing row: forms seen in news that the systematic rules miss.
EXTRA_ALIASES = {
    "kanim-tanjungperak": [
        "Kantor Imigrasi Tanjung Perak Surabaya",
        "Kanim Tanjung Perak Surabaya",
        "Imigrasi Tanjung Perak Surabaya",
    ],
    # 2026 news calls it "Kanimsus Kelas I Non TPI Tangerang"
    "kanim-tangerang": [
        "Kantor Imigrasi Kelas I Khusus Non TPI Tangerang",
        "Kanimsus Tangerang",
        "Imigrasi Kota Tangerang",
    ],
    "kanim-soekarnohatta": [
        "Kantor Imigrasi Kelas I Khusus TPI Bandara Soekarno-Hatta",
        "Imigrasi Bandara Soetta",
    ],
    "kanim-surabaya": ["Kantor Imigrasi Kelas I Khusus Surabaya"],
}


def _split(s: str) -> list[str]:
    return [a.strip() for a in s.split(";") if a.strip()]


def _kanwil_aliases(province: str) -> list[str]:
    names = [province, *PROVINCE_ABBR.get(province, [])]
    return [p.format(p=n) for n in names for p in KANWIL_PATTERNS]


def build_rows(shared: Path) -> list[dict]:
    """Return the office rows: the shared list, renamed columns, extended aliases, extra units."""
    with open(shared / "immigration_units.csv", encoding="utf-8", newline="") as f:
        src = list(csv.DictReader(f))
    rows = []
    for r in src:
        row = {c: r.get(c, "") for c in COLUMNS if c != "office_id"}
        row["office_id"] = r["id"]
        aliases = _split(r["aliases"])
        if r["kind"] == "kanwil_imigrasi":
            aliases += _kanwil_aliases(r["province"])
        if r["kind"] == "kantor_imigrasi" and "Khusus" in (r["class"] or ""):
            aliases += [f"Kanimsus {r['place']}", f"Kanimsus {r['class']} {r['place']}"]
        aliases += EXTRA_ALIASES.get(r["id"], [])
        row["aliases"] = aliases
        rows.append(row)
    for extra in EXTRA_ROWS:
        row = dict(extra)
        row["aliases"] = _split(row["aliases"])
        if row["kind"] == "kanwil_imigrasi":
            row["aliases"] += _kanwil_aliases(row["province"])
        rows.append(row)
    for row in rows:
        seen, uniq = {row["name"].lower()}, []
        for a in row["aliases"]:
            if a.lower() not in seen:
                seen.add(a.lower())
                uniq.append(a)
        row["aliases"] = ";".join(uniq)
    return rows


def check_rows(rows: list[dict]) -> list[str]:
    """Return problems: duplicate ids, bad kinds, coordinates outside Indonesia, shared aliases."""
    problems, ids, owner = [], set(), {}
    for i, r in enumerate(rows, 2):
        if r["office_id"] in ids:
            problems.append(f"line {i}: duplicate office_id {r['office_id']}")
        ids.add(r["office_id"])
        if r["kind"] not in KINDS:
            problems.append(f"line {i}: unknown kind {r['kind']!r}")
        if r["lat"] and not (
            LAT_RANGE[0] <= float(r["lat"]) <= LAT_RANGE[1]
            and LON_RANGE[0] <= float(r["lon"]) <= LON_RANGE[1]
        ):
            problems.append(f"line {i}: {r['office_id']} lat/lon outside Indonesia")
        for a in [r["name"], *_split(r["aliases"])]:
            other = owner.setdefault(a.lower(), r["office_id"])
            if other != r["office_id"]:
                problems.append(f"line {i}: alias {a!r} also names {other}")
    return problems


def build_places(shared: Path) -> list[dict]:
    """Return province and regency names (no "Kabupaten"/"Kota"), used to bound role phrases."""
    out = []
    with open(shared / "regencies.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            name = r["name"]
            for prefix in ("Kabupaten ", "Kota ", "Kab. "):
                name = name.removeprefix(prefix)
            out.append({"name": name, "kind": r["kind"], "province": r["province"]})
    for prov, abbrs in PROVINCE_ABBR.items():
        out.extend({"name": a, "kind": "singkatan", "province": prov} for a in abbrs)
    return out


def main(argv: list[str]) -> int:
    shared = Path(argv[1]) if len(argv) > 1 else DEFAULT_SHARED
    rows = build_rows(shared)
    problems = check_rows(rows)
    for p in problems:
        print("offices.csv", p, file=sys.stderr)
    with open(HERE / "offices.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    with open(HERE / "places.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=("name", "kind", "province"), lineterminator="\n")
        w.writeheader()
        w.writerows(build_places(shared))
    print(f"wrote {len(rows)} offices, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
