"""crawler/dates.py: publication dates from markup and from Indonesian page text."""

from __future__ import annotations

import pytest

from crawler.dates import normalise_date


@pytest.mark.parametrize("raw, text, expected", [
    pytest.param("2026-03-14T09:30:00+07:00", None, "2026-03-14T09:30:00+07:00", id="iso-offset"),
    pytest.param("2026-03-14T02:30:00Z", None, "2026-03-14T02:30:00+00:00", id="iso-z"),
    pytest.param("2026-03-14", None, "2026-03-14", id="iso-date"),
    pytest.param("Selasa, 14 Maret 2023 10:30 WIB", None, "2023-03-14T10:30:00+07:00",
                 id="weekday-wib"),
    pytest.param("28/8/2018 18:36 WIB", None, "2018-08-28T18:36:00+07:00", id="slashes-wib"),
    pytest.param("14 Maret 2023 | 09.15 WITA", None, "2023-03-14T09:15:00+08:00", id="wita-dot-time"),
    pytest.param("3 Desember 2025 20:00 WIT", None, "2025-12-03T20:00:00+09:00", id="wit"),
    pytest.param(None, "JAKARTA - Jum'at, 29 Desember 2023 - Petugas imigrasi ...", "2023-12-29",
                 id="jumat-apostrophe-in-text"),
    pytest.param("bukan tanggal", "Tidak ada tanggal di sini.", None, id="no-date"),
    pytest.param(None, None, None, id="nothing"),
])
def test_normalise_date(raw, text, expected):
    assert normalise_date(raw, page_text=text) == expected
