"""Words and dates as Indonesian readers write them, for the published pages (issue 18)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml
from babel import Locale
from babel.dates import format_date

# Event types (events.type) named in Indonesian, then in English.
TYPE_LABELS = {
    "deportation": "Deportasi / Deportation",
    "arrest": "Penangkapan / Arrest",
    "detention": "Detensi / Detention",
    "refusal_of_entry": "Penolakan masuk / Refusal of entry",
    "departure_postponed": "Penundaan keberangkatan / Departure postponed",
    "prosecution": "Pro justitia / Prosecution",
    "administrative_sanction": "Tindakan administratif / Administrative sanction",
    "supervision": "Pengawasan orang asing / Foreigners checked",
    "passport_issued": "Paspor diterbitkan / Passports issued",
    "applicants_served": "Pemohon dilayani / Applicants served",
    "permit_issued": "Izin tinggal diterbitkan / Stay permits issued",
    "operation": "Operasi / Operation",
    "joint_operation": "Operasi gabungan (Timpora) / Joint operation",
    "service": "Layanan / Service",
    "policy": "Kebijakan / Policy",
    "award": "Penghargaan / Award",
}


def indonesian_date(iso: str | None) -> str:
    """'2026-03-15' as Indonesian readers write it: '15 Maret 2026' (Babel's CLDR month names).

    Anything that is not an ISO date comes back as it is.
    """
    try:
        return format_date(date.fromisoformat((iso or "")[:10]), "d MMMM y", locale="id")
    except ValueError:
        return iso or ""


def country_name(code: str | None) -> str | None:
    """A country's name as Indonesian readers write it, from its ISO 3166-1 alpha-2 code:
    'CN' -> 'Tiongkok', 'KR' -> 'Korea Selatan' (CLDR, through Babel); None when unknown."""
    if not code:
        return None
    return Locale("id").territories.get(code.upper())


# The Indonesian codebook: each column's meaning by column name, with per-table overrides and
# each table's description, beside metadata.yml's English (tests/test_datasette_codebook.py).
CODEBOOK_ID = Path(__file__).resolve().parent.parent / "data" / "codebook_id.yml"
# Between the Indonesian and the English text of one description, as the page titles have it.
BOTH = " / "


@lru_cache(maxsize=1)
def indonesian_codebook() -> dict:
    """data/codebook_id.yml: {"columns": {name: text}, "tables": {table: {...}}}."""
    return yaml.safe_load(CODEBOOK_ID.read_text(encoding="utf-8"))


def indonesian_description(table: str, column: str | None = None) -> str:
    """The Indonesian description of a table (column None) or of one of its columns; "" when
    the codebook has none."""
    codebook = indonesian_codebook()
    own = (codebook.get("tables") or {}).get(table) or {}
    if column is None:
        return own.get("description", "")
    return own.get(column) or (codebook.get("columns") or {}).get(column, "")


def indonesian_query(name: str | None = None) -> str:
    """The Indonesian description of a canned query, or of the database (name None); ""
    when the codebook has none."""
    codebook = indonesian_codebook()
    if name is None:
        return codebook.get("database", "")
    return (codebook.get("queries") or {}).get(name, "")


def already_bilingual(english: str) -> bool:
    """Whether a metadata description already starts in Indonesian: "Angka utama ... / Headline
    figures ...", the Indonesian and the English of its first sentence on either side of " / "."""
    return BOTH in english.split(". ", 1)[0]


def bilingual(indonesian: str, english: str) -> str:
    """Indonesian first, then English (office staff read the first): "Tahun deportasi. / Year
    of the deportations."; either alone when the other is missing."""
    if not indonesian or already_bilingual(english):
        return english
    return f"{indonesian}{BOTH}{english}" if english else indonesian


def english_part(text: str, table: str, column: str | None = None) -> str:
    """The English of a description `bilingual` wrote (the metadata's own text, for the
    codebook's English column)."""
    return text.removeprefix(indonesian_description(table, column) + BOTH)
