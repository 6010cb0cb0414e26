"""Publication dates: ISO stamps, meta values and Indonesian dates in page text, to ISO 8601."""

from __future__ import annotations

import re
from datetime import datetime

import dateparser

# Indonesian time zones; dateparser does not know them.
ZONES = {"WIB": "+07:00", "WITA": "+08:00", "WIT": "+09:00"}
MONTHS = ("januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|"
          "desember|jan|feb|mar|apr|jun|jul|agu|agt|ags|sep|okt|nov|des")
DAYS = "senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad"
# "Selasa, 14 Maret 2023 10:30 WIB", "14 Maret 2023", "28/8/2018 18:36 WIB"
DATE_IN_TEXT = re.compile(
    rf"(?:(?:{DAYS}),?\s*)?(\d{{1,2}}\s+(?:{MONTHS})\.?\s+\d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{4}})"
    rf"(?:\s*[,|-]?\s*(?:pukul\s*)?(\d{{1,2}}[:.]\d{{2}})\s*(WIB|WITA|WIT)?)?", re.I)
# Dates in text are looked for near the top of the page only: further down they are events.
TEXT_SEARCH_CHARS = 6000
PARSER_SETTINGS = {"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first"}


def _iso(dt: datetime) -> str:
    if dt.hour == dt.minute == dt.second == 0 and dt.tzinfo is None:
        return dt.date().isoformat()
    return dt.isoformat()


def parse_indonesian(value: str) -> str | None:
    """Parse one Indonesian date string ('Selasa, 14 Maret 2023 10:30 WIB') to ISO, or None."""
    value = value.strip()
    zone = None
    for name, offset in ZONES.items():
        if re.search(rf"\b{name}\b", value):
            zone = offset
            value = re.sub(rf"\b{name}\b", "", value).strip()
            break
    value = re.sub(rf"^({DAYS}),?\s*", "", value, flags=re.I).replace("pukul", "")
    dt = dateparser.parse(value, languages=["id", "en"], settings=PARSER_SETTINGS)
    if dt is None:
        return None
    if zone:
        return dt.replace(microsecond=0).isoformat() + zone
    return _iso(dt)


def normalise_date(raw: str | None, page_text: str | None = None) -> str | None:
    """Turn a raw date from markup into ISO 8601, else look for an Indonesian date in the text.

    Args:
        raw: a value from JSON-LD, a meta tag or <time>, possibly None.
        page_text: the article text, searched when `raw` is missing or unparseable.

    Returns:
        An ISO date or datetime string, or None when nothing parses.
    """
    if raw:
        raw = raw.strip()
        try:
            return _iso(datetime.fromisoformat(raw.replace("Z", "+00:00")))
        except ValueError:
            parsed = parse_indonesian(raw)
            if parsed:
                return parsed
    if page_text:
        m = DATE_IN_TEXT.search(page_text[:TEXT_SEARCH_CHARS])
        if m:
            return parse_indonesian(" ".join(x for x in m.groups() if x))
    return None
