"""Publication dates: ISO stamps, meta values and Indonesian dates in page text, to ISO 8601."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import dateparser

# Indonesian time zones; dateparser does not know them.
ZONES = {"WIB": "+07:00", "WITA": "+08:00", "WIT": "+09:00"}
MONTHS = ("januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|"
          "desember|jan|feb|mar|apr|jun|jul|agu|agt|ags|sep|okt|nov|des")
DAYS = "senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad"
# Python's weekday() numbers for the Indonesian day names.
WEEKDAYS = {"senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4,
            "sabtu": 5, "minggu": 6, "ahad": 6}
# "Selasa, 14 Maret 2023 10:30 WIB", "14 Maret 2023", "28/8/2018 18:36 WIB"
DATE_IN_TEXT = re.compile(
    rf"(?:\b({DAYS}),?\s*)?\b(\d{{1,2}}\s+(?:{MONTHS})\.?\s+\d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{4}})"
    rf"(?:\s*[,|-]?\s*(?:pukul\s*)?(\d{{1,2}}[:.]\d{{2}})\s*(WIB|WITA|WIT)?)?", re.I)
# What a DATE_IN_TEXT match must contain, as a pattern starting with a digit: Python's regex
# engine skips ahead to digits, where DATE_IN_TEXT, starting with an optional day name, is tried
# at every position (a page with no date in it is searched five times faster this way).
DATE_CORE = re.compile(rf"\d{{1,2}}(?:\s+(?:{MONTHS})\.?\s+\d{{4}}|/\d{{1,2}}/\d{{4}})", re.I)
# "Kamis (26/01)": the day and month of a dateline, with the year left to the reader.
WEEKDAY_DAY_MONTH = re.compile(rf"\b({DAYS})\s*\((\d{{1,2}})/(\d{{1,2}})\)", re.I)
DAY_MONTH_CORE = re.compile(r"\(\d{1,2}/\d{1,2}\)")  # what it must contain (as DATE_CORE)
# "2 jam yang lalu", "15 menit lalu", "kemarin": relative to when the page was fetched.
RELATIVE = re.compile(r"\b(\d{1,3})\s+(detik|menit|jam|hari|minggu|bulan)\s+(?:yang\s+)?lalu\b",
                      re.I)
RELATIVE_UNITS = {"detik": timedelta(seconds=1), "menit": timedelta(minutes=1),
                  "jam": timedelta(hours=1), "hari": timedelta(days=1),
                  "minggu": timedelta(weeks=1), "bulan": timedelta(days=30)}
# How many years back a weekday-checked year is looked for ("Kamis (26/01)").
YEAR_SEARCH_BACK = 7
# Dates in text are looked for near the top of the page only: further down they are events.
TEXT_SEARCH_CHARS = 6000
PARSER_SETTINGS = {"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first"}
MONTH_NUMBERS = {name: n for n, names in enumerate(
    [("januari", "jan"), ("februari", "feb"), ("maret", "mar"), ("april", "apr"), ("mei",),
     ("juni", "jun"), ("juli", "jul"), ("agustus", "agu", "agt", "ags"),
     ("september", "sep"), ("oktober", "okt"), ("november", "nov"), ("desember", "des")], 1)
    for name in names}
# "14 Maret 2023", "14 Mar. 2023 10:30", "28/8/2018 18:36" (day first), nothing else.
PLAIN_DATE = re.compile(
    rf"^(\d{{1,2}})(?:\s+({'|'.join(MONTH_NUMBERS)})\.?\s+|/(\d{{1,2}})/)(\d{{4}})"
    r"(?:\s*[,|-]?\s*(\d{1,2}):(\d{2}))?$", re.I)


def _iso(dt: datetime) -> str:
    if dt.hour == dt.minute == dt.second == 0 and dt.tzinfo is None:
        return dt.date().isoformat()
    return dt.isoformat()


def _weekday_ok(day_name: str | None, iso: str | None) -> bool:
    """False when the page names a weekday that the date does not fall on (a misread date)."""
    if not day_name or not iso:
        return True
    return date.fromisoformat(iso[:10]).weekday() == WEEKDAYS[day_name.lower()]


def parse_indonesian(value: str) -> str | None:
    """Parse one Indonesian date string ('Selasa, 14 Maret 2023 10:30 WIB') to ISO, or None.

    A weekday that does not match the date makes the value unparseable rather than wrong.
    """
    value = value.strip()
    zone = None
    for name, offset in ZONES.items():
        if re.search(rf"\b{name}\b", value):
            zone = offset
            value = re.sub(rf"\b{name}\b", "", value).strip()
            break
    day = re.match(rf"^({DAYS}),?\s*", value, flags=re.I)
    value = value[day.end():] if day else value
    value = value.replace("pukul", "").strip(" ,|-")
    # dateparser reads "09.15" as a decimal; Indonesian pages write times with a dot.
    value = re.sub(r"\b(\d{1,2})\.(\d{2})\b(?!\.)", r"\1:\2", value)
    dt = _plain_date(value)
    if dt is None:
        dt = dateparser.parse(value, languages=["id", "en"], settings=PARSER_SETTINGS)
    if dt is None:
        return None
    iso = dt.replace(microsecond=0).isoformat() + zone if zone else _iso(dt)
    return iso if _weekday_ok(day.group(1) if day else None, iso) else None


def _plain_date(value: str) -> datetime | None:
    """'14 Maret 2023 10:30' and '28/8/2018 18:36' read directly: dateparser takes some 10 ms
    a call (a listing page has dozens), and these two forms are nearly all Indonesian pages
    write. Anything else is left to dateparser (None)."""
    m = PLAIN_DATE.match(value)
    if not m:
        return None
    day, month, year = (int(m.group(1)), MONTH_NUMBERS.get((m.group(2) or "").lower()),
                        int(m.group(4)))
    month = month or (int(m.group(3)) if m.group(3) else None)
    try:
        return datetime(year, month, day, int(m.group(5) or 0), int(m.group(6) or 0))
    except (TypeError, ValueError):
        return None


def infer_year(day_name: str, day: int, month: int, reference: datetime) -> str | None:
    """'Kamis (26/01)' -> the latest date on or before `reference` that falls on that weekday."""
    for year in range(reference.year, reference.year - YEAR_SEARCH_BACK, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue  # 29/02 in a common year
        if candidate <= reference.date() and candidate.weekday() == WEEKDAYS[day_name.lower()]:
            return candidate.isoformat()
    return None


def relative_date(text: str, reference: datetime) -> str | None:
    """'2 jam yang lalu' -> `reference` minus two hours, as ISO with the reference's offset."""
    m = RELATIVE.search(text)
    if not m:
        return None
    when = reference - int(m.group(1)) * RELATIVE_UNITS[m.group(2).lower()]
    return when.replace(microsecond=0).isoformat()


def date_in_text(text: str, reference: datetime | None = None) -> str | None:
    """The first publication date written in page text, in any of the Indonesian forms.

    Args:
        text: page text; only its first TEXT_SEARCH_CHARS characters are read.
        reference: when the page was fetched, for relative dates and inferred years
            (default: now, UTC).

    Returns:
        An ISO date or datetime, or None.
    """
    text = text[:TEXT_SEARCH_CHARS]
    reference = reference or datetime.now(UTC)
    for m in DATE_IN_TEXT.finditer(text) if DATE_CORE.search(text) else ():
        parsed = parse_indonesian(" ".join(x for x in m.groups() if x))
        if parsed:
            return parsed
    m = WEEKDAY_DAY_MONTH.search(text) if DAY_MONTH_CORE.search(text) else None
    if m:
        inferred = infer_year(m.group(1), int(m.group(2)), int(m.group(3)), reference)
        if inferred:
            return inferred
    return relative_date(text, reference)


def all_dates_in_text(text: str) -> list[str]:
    """Every full Indonesian date written in `text` (a listing page's item dates), as ISO."""
    found = (parse_indonesian(" ".join(x for x in m.groups() if x))
             for m in (DATE_IN_TEXT.finditer(text) if DATE_CORE.search(text) else ()))
    return [d for d in found if d]


def normalise_date(raw: str | None, page_text: str | None = None,
                   reference: datetime | None = None) -> str | None:
    """Turn a raw date from markup into ISO 8601, else look for an Indonesian date in the text.

    Args:
        raw: a value from JSON-LD, a meta tag or <time>, possibly None.
        page_text: the article text, searched when `raw` is missing or unparseable.
        reference: when the page was fetched (relative dates, years left out).

    Returns:
        An ISO date or datetime string, or None when nothing parses.
    """
    if raw:
        raw = raw.strip()
        try:
            return _iso(datetime.fromisoformat(raw.replace("Z", "+00:00")))
        except ValueError:
            parsed = parse_indonesian(raw) if not RELATIVE.search(raw) else None
            if parsed:
                return parsed
            found = date_in_text(raw, reference)
            if found:
                return found
    if page_text:
        return date_in_text(page_text, reference)
    return None
