"""crawler/dates.py: publication dates from markup and from Indonesian page text."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from crawler.dates import normalise_date


@pytest.mark.parametrize("raw, text, expected", [
    pytest.param("2026-03-14T09:30:00+07:00", None, "2026-03-14T09:30:00+07:00", id="iso-offset"),
    pytest.param("2026-03-14T02:30:00Z", None, "2026-03-14T02:30:00+00:00", id="iso-z"),
    pytest.param("2026-03-14", None, "2026-03-14", id="iso-date"),
    pytest.param("Selasa, 14 Maret 2023 10:30 WIB", None, "2023-03-14T10:30:00+07:00",
                 id="weekday-wib"),
    pytest.param("28/8/2018 18:36 WIB", None, "2018-08-28T18:36:00+07:00", id="slashes-wib"),
    pytest.param("14 Maret 2023 | 09.15 WITA", None, "2023-03-14T09:15:00+08:00",
                 id="wita-dot-time"),
    pytest.param("3 Desember 2025 20:00 WIT", None, "2025-12-03T20:00:00+09:00", id="wit"),
    pytest.param(None, "JAKARTA - Jum'at, 29 Desember 2023 - Petugas imigrasi ...", "2023-12-29",
                 id="jumat-apostrophe-in-text"),
    pytest.param("bukan tanggal", "Tidak ada tanggal di sini.", None, id="no-date"),
    pytest.param(None, None, None, id="nothing"),
])
def test_normalise_date(raw, text, expected):
    assert normalise_date(raw, page_text=text) == expected


# A fixed fetch time, for dates relative to it or written without a year.
FETCHED = datetime(2026, 3, 20, 12, 0, tzinfo=timezone(timedelta(hours=7)))


@pytest.mark.parametrize("text, expected", [
    pytest.param("Selasa, 14 Maret 2023", "2023-03-14", id="weekday-date"),
    pytest.param("Jum'at, 29 Desember 2023", "2023-12-29", id="jumat-apostrophe"),
    pytest.param("Jumat, 29 Desember 2023 pukul 09.15 WIB", "2023-12-29T09:15:00+07:00",
                 id="pukul-dot-time-wib"),
    pytest.param("28/8/2018 18:36 WIB", "2018-08-28T18:36:00+07:00", id="slashes-wib"),
    pytest.param("Rabu, 5 Maret 2025 14:00 WITA", "2025-03-05T14:00:00+08:00", id="wita"),
    pytest.param("Sabtu, 1 Maret 2025 07:30 WIT", "2025-03-01T07:30:00+09:00", id="wit"),
    # the year is inferred: the latest 26 January before the fetch that is a Thursday
    pytest.param("MATARAM – Petugas memeriksa kapal pada Kamis (26/01) pagi.", "2023-01-26",
                 id="weekday-day-month-year-inferred"),
    pytest.param("pada Jumat (13/03) malam", "2026-03-13", id="weekday-day-month-this-year"),
    # no year up to seven years back has 29 February on a Wednesday
    pytest.param("Rabu (29/02)", None, id="weekday-day-month-impossible"),
    pytest.param("2 jam yang lalu", "2026-03-20T10:00:00+07:00", id="hours-ago"),
    pytest.param("Diperbarui 15 menit lalu", "2026-03-20T11:45:00+07:00", id="minutes-ago"),
    pytest.param("3 hari yang lalu", "2026-03-17T12:00:00+07:00", id="days-ago"),
    # 14 March 2023 was a Tuesday: a page that says Monday has misread the date
    pytest.param("Senin, 14 Maret 2023", None, id="weekday-mismatch-rejected"),
    pytest.param("Senin, 14 Maret 2023 ... Selasa, 14 Maret 2023", "2023-03-14",
                 id="mismatch-skipped-next-used"),
])
def test_dates_in_indonesian_text(text, expected):
    assert normalise_date(None, page_text=text, reference=FETCHED) == expected


def test_relative_date_in_markup_uses_fetch_time():
    assert normalise_date("2 jam yang lalu", reference=FETCHED) == "2026-03-20T10:00:00+07:00"


def test_dateparser_alone_misses_the_inferred_year():
    # Why infer_year exists: dateparser reads "Kamis (26/01)" without checking the weekday.
    import dateparser

    parsed = dateparser.parse("Kamis (26/01)", languages=["id"],
                              settings={"RELATIVE_BASE": FETCHED.replace(tzinfo=None)})
    assert parsed is None or parsed.date().isoformat() != "2023-01-26"


def test_date_search_shortcut_never_skips_a_date():
    # date_in_text and all_dates_in_text run their patterns only where DATE_CORE and
    # DAY_MONTH_CORE find what a match must contain: on every string the full pattern matches,
    # the core must match too (seeded strings glued from date-like pieces).
    import random

    from crawler.dates import DATE_CORE, DATE_IN_TEXT, DAY_MONTH_CORE, WEEKDAY_DAY_MONTH

    pieces = ["Senin", "kamis", "Jum'at", ",", " ", "\n", "(", ")", "/", "1", "12", "٣", "2023",
              "Maret", "MEI", "des", "Jan.", "agt", "14:30", "09.15", "WIB", "pukul", "x",
              "14 Maret", "3 des. ", "(26/01", "/8/2018", "Rabu (", "5/1)"]
    rng = random.Random(17)
    matched = 0
    for _ in range(20000):
        text = "".join(rng.choice(pieces) + rng.choice(["", " "])
                       for _ in range(rng.randint(1, 12)))
        for full, core in ((DATE_IN_TEXT, DATE_CORE), (WEEKDAY_DAY_MONTH, DAY_MONTH_CORE)):
            if full.search(text):
                matched += 1
                assert core.search(text), text
    assert matched > 300  # the strings do hold dates (622 of them)
