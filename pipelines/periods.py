"""Tells a count of one happening from a period total ("sepanjang 2025 mendeportasi 87 WNA").

Used by pipelines/events.py (issue 7); the rules and examples are in docs/events.md.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

# --- Vocabulary ------------------------------------------------------------------------------
MONTHS = {"januari": 1, "februari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
          "agustus": 8, "september": 9, "oktober": 10, "november": 11, "desember": 12}
_MONTH = "(" + "|".join(MONTHS) + ")"
_YEAR = r"((?:19|20)\d\d)"
_TO = r"\s*(?:hingga|sampai|s\.d\.?|-|–)\s*"
_ORDINAL = r"pertama|kedua|ketiga|keempat|IV|I{1,3}|[1-4]"
# Period phrases, most specific first; each names the groups it fills. Examples in docs/events.md.
PERIOD_PATTERNS = [
    # "sejak 1 Januari hingga 18 Januari 2026"
    ("days", re.compile(rf"(\d{{1,2}})\s+{_MONTH}{_TO}(\d{{1,2}})\s+{_MONTH}\s+{_YEAR}", re.I)),
    # "Januari hingga Maret 2022", "periode Januari-Maret 2022"
    ("months", re.compile(rf"{_MONTH}{_TO}{_MONTH}\s+{_YEAR}", re.I)),
    # "triwulan pertama 2026", "semester pertama 2026", "kuartal II 2025"
    ("part", re.compile(rf"(triwulan|kuartal|semester)\s+({_ORDINAL})\s+(?:tahun\s+)?{_YEAR}",
                        re.I)),
    # "sepanjang 2025", "selama tahun 2024", "sepanjang tahun ini", "pada tahun sebelumnya"
    ("year", re.compile(r"(?:sepanjang|selama|pada\s+tahun|tahun)\s+(?:tahun\s+)?"
                        r"((?:19|20)\d\d|ini|lalu|sebelumnya|kemarin)\b", re.I)),
]
# What every period phrase above contains (a year, or "tahun ini" and its kin): a sentence
# without it has no period, found with one search instead of one per pattern.
MAY_HAVE_PERIOD = re.compile(r"(?:19|20)\d\d|(?:sepanjang|selama|tahun)\s+(?:tahun\s+)?"
                             r"(?:ini|lalu|sebelumnya|kemarin)\b", re.I)
PART_ORDINALS = {"pertama": 1, "kedua": 2, "ketiga": 3, "keempat": 4, "i": 1, "ii": 2, "iii": 3,
                 "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
# The "year" pattern matches "tahun 2011" in "UU Nomor 6 Tahun 2011": a law's year is no period.
NOT_A_PERIOD = re.compile(r"(?:nomor|no\.)\s*\d+\s+tahun\s+\d{4}", re.I)
# A year-end or period summary: in the title or lead, every count is a period total.
SUMMARY_MARKERS = re.compile(r"catatan akhir tahun|kilas balik|refleksi akhir tahun|"
                             r"capaian kinerja|laporan kinerja|paparan kinerja akhir tahun|"
                             r"sepanjang (?:tahun )?(?:19|20)\d\d", re.I)
LEAD_CHARS = 400


def _iso(d: date) -> str:
    return d.isoformat()


def _year_range(year: int) -> tuple[str, str]:
    return f"{year}-01-01", f"{year}-12-31"


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1))


def _phrase_period(match_kind: str, m: re.Match, ref_year: int) -> tuple[str, str] | None:
    """The (start, end) dates a period phrase names, relative to `ref_year` for "tahun ini"."""
    if match_kind == "days":
        d1, m1, d2, m2, y = m.groups()
        return _iso(date(int(y), MONTHS[m1.lower()], int(d1))), _iso(
            date(int(y), MONTHS[m2.lower()], int(d2)))
    if match_kind == "months":
        m1, m2, y = m.groups()
        return (_iso(date(int(y), MONTHS[m1.lower()], 1)),
                _iso(_month_end(int(y), MONTHS[m2.lower()])))
    if match_kind == "part":
        unit, ordinal, y = m.groups()
        n, size = PART_ORDINALS.get(ordinal.lower(), 1), 6 if unit.lower() == "semester" else 3
        first = (n - 1) * size + 1
        return _iso(date(int(y), first, 1)), _iso(_month_end(int(y), first + size - 1))
    word = m.group(1).lower()
    year = int(word) if word.isdigit() else ref_year - (word != "ini")
    return _year_range(year)


@lru_cache(maxsize=4096)
def find_periods(sentence: str, ref_year: int) -> tuple[tuple[int, int, tuple[str, str]], ...]:
    """Every period phrase in a sentence as (start, end, (first day, last day)), in text order.

    Cached: an article's counts often share a sentence, and syndicated reprints share them all.
    """
    if not sentence or not MAY_HAVE_PERIOD.search(sentence):
        return ()
    found, taken = [], []
    for kind, pattern in PERIOD_PATTERNS:
        for m in pattern.finditer(sentence or ""):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue  # inside a more specific phrase already found
            prefix = sentence[max(0, m.start() - 12):m.end()]
            if kind == "year" and NOT_A_PERIOD.search(prefix):
                continue
            if kind == "year" and m.group(0).lower().startswith("tahun ") and \
                    m.group(1).lower() not in ("ini", "lalu", "sebelumnya", "kemarin"):
                continue  # a bare "tahun 2025" names a year, not a span ("penilaian tahun 2025")
            try:
                period = _phrase_period(kind, m, ref_year)
            except (ValueError, KeyError):
                continue  # "31 Februari": not a date, so not a period
            found.append((m.start(), m.end(), period))
            taken.append((m.start(), m.end()))
    return tuple(sorted(found))


def _number_position(sentence: str, value: int, what: str | None) -> int:
    """Where the count sits in its sentence: its digits, else its `what` words, else the start."""
    for text in (f"{value:,}".replace(",", "."), str(value)):
        i = re.search(rf"(?<![\d.]){re.escape(text)}(?![\d])", sentence)
        if i:
            return i.start()
    i = sentence.find(what) if what else -1
    return max(i, 0)


def count_period(sentence: str, value: int, what: str | None, ref_year: int,
                 article_period: tuple[str, str] | None = None,
                 ) -> tuple[str, str | None, str | None]:
    """Whether a count is a single happening or a period total, and its period.

    Args:
        sentence: the count's evidence sentence.
        value: the count.
        what: the count's `what` words (to place it in the sentence when the number is a word).
        ref_year: the year "tahun ini" refers to (the article's summary year or publication year).
        article_period: the period of a summary article, for counts with no phrase of their own.

    Returns:
        ("event", None, None) or ("period_total", first day, last day).
    """
    sentence = sentence or ""
    pos = _number_position(sentence, value, what)
    periods = find_periods(sentence, ref_year)
    before = [p for p in periods if p[0] <= pos]
    # A phrase after the number counts only within its clause: "mendeportasi 87 WNA sepanjang
    # 2025", not "33.818 paspor, naik 12 persen dibanding tahun sebelumnya".
    after = [p for p in periods if p[0] > pos and not re.search(r"[,;]", sentence[pos:p[0]])]
    chosen = (before[-1] if before else after[0] if after else None)
    if chosen:
        return "period_total", *chosen[2]
    if article_period:
        return "period_total", *article_period
    return "event", None, None


def article_period(title: str | None, text: str | None, published_year: int | None):
    """The period of a summary article ("Catatan Akhir Tahun ... Sepanjang 2025"), else None."""
    head = f"{title or ''}. {(text or '')[:LEAD_CHARS]}"
    if not published_year or not SUMMARY_MARKERS.search(head):
        return None
    periods = find_periods(head, published_year)
    return periods[0][2] if periods else _year_range(published_year)
