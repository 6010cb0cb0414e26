"""Words and dates as Indonesian readers write them, for the published pages (issue 18)."""

from __future__ import annotations

from datetime import date

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
