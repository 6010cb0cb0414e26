"""Tests for nlp/events.py: the story's event type and its date, resolved against publication."""

from __future__ import annotations

from datetime import date

import pytest

import nlp
from nlp.events import EVENT_TYPES, resolve_date


@pytest.mark.parametrize(
    "text,title,expected",
    [
        pytest.param("Kanim Kupang mendeportasi empat WNA asal Timor Leste karena overstay.",
                     None, "deportation", id="deportation"),
        pytest.param("Petugas menangkap dua WNA asal India yang menjadi tersangka pemalsuan "
                     "dokumen. Kasus itu kini dalam penyidikan.", None, "arrest", id="arrest"),
        pytest.param("Kantor Imigrasi Jember meraih predikat WBK dari Kementerian PANRB.",
                     None, "award", id="award"),
        pytest.param("Antrean pemohon paspor mengular sejak pagi. Pelayanan dibuka pukul "
                     "delapan.", None, "service", id="service"),
        pytest.param("Tim Pengawasan Orang Asing menggelar operasi gabungan di tiga hotel.",
                     None, "operation", id="operation"),
        pytest.param("Sebanyak 40 deteni kini ditampung di Rudenim Pekanbaru.",
                     None, "detention", id="detention"),
        pytest.param("Dua WNA asal Yaman ditolak masuk di Bandara Kualanamu.",
                     None, "refusal_of_entry", id="refusal-of-entry"),
        pytest.param("Pemerintah memberlakukan kebijakan bebas visa kunjungan bagi 20 negara.",
                     None, "policy", id="policy"),
        pytest.param("Cuaca cerah menyelimuti kota sepanjang hari.", None, "other", id="other"),
        # one passing word is not enough to name the story
        pytest.param("Ia lupa membawa paspor saat berlibur.", None, "other", id="one-weak-cue"),
        # the headline weighs like the lead
        pytest.param("Acara berlangsung meriah dan dihadiri warga.",
                     "Imigrasi Bima Deportasi WNA Australia", "deportation", id="from-title"),
    ],
)
def test_event_type(text, title, expected):
    event = nlp.extract(text, title=title).event
    assert event.type == expected
    assert event.type in EVENT_TYPES


@pytest.mark.parametrize(
    "text,published,expected",
    [
        pytest.param("Kanim Kupang mendeportasi WNA itu pada Kamis (26/01).", "2023-01-27",
                     "2023-01-26", id="weekday-day-month"),
        # the year is the latest that puts 26 January on a Thursday, before publication
        pytest.param("Kanim Kupang mendeportasi WNA itu pada Kamis (26/01).", "2024-02-02",
                     None, id="weekday-does-not-fit-publication-year"),
        pytest.param("Deportasi dilakukan Rabu (26/11/2025) di Bandara.", None, "2025-11-26",
                     id="weekday-full-date"),
        pytest.param("Deportasi dilakukan pada 14 Maret 2023 lalu.", None, "2023-03-14",
                     id="day-month-year"),
        pytest.param("Deportasi dilakukan Selasa, 14 Maret 2023.", "2023-03-20", "2023-03-14",
                     id="weekday-comma-date"),
        pytest.param("Deportasi dilakukan pada 30 Desember.", "2024-01-03", "2023-12-30",
                     id="day-month-last-year"),
        pytest.param("Deportasi dilakukan pada Kamis lalu.", "2023-01-28", "2023-01-26",
                     id="weekday-only"),
        pytest.param("Jum’at, 29 Desember 2023 petugas mendeportasi WNA.", None, "2023-12-29",
                     id="curly-apostrophe"),
        pytest.param("Deportasi dilakukan 05/06/2022 siang.", None, "2022-06-05",
                     id="numeric"),
        # a weekday that does not fall on the date makes it unreadable, not wrong
        pytest.param("Deportasi dilakukan Senin (26/11/2025).", None, None, id="wrong-weekday"),
        pytest.param("Menurut UU Nomor 6 Tahun 2011, WNA itu dideportasi.", "2023-01-27", None,
                     id="law-year-is-no-date"),
        pytest.param("minggu lalu dua WNA dideportasi.", "2023-01-27", None,
                     id="minggu-lalu-is-last-week"),
        pytest.param("Deportasi dilakukan pada Kamis.", None, None,
                     id="weekday-without-publication"),
    ],
)
def test_event_date(text, published, expected):
    assert nlp.extract(text, published=published).event.date == expected


def test_event_evidence_points_into_the_text():
    text = "Cuaca cerah. Kanim Kupang mendeportasi dua WNA pada Kamis (26/01)."
    event = nlp.extract(text, published="2023-01-27").event
    assert (event.type, event.date) == ("deportation", "2023-01-26")
    assert text[event.evidence.start : event.evidence.end] == event.evidence.sentence
    assert event.evidence.sentence.startswith("Kanim Kupang")


def test_event_in_json_and_optional():
    data = nlp.extract("Kanim Kupang mendeportasi dua WNA.").to_dict()
    assert data["event"] == {"type": "deportation", "date": None,
                             "evidence": {"sentence": "Kanim Kupang mendeportasi dua WNA.",
                                          "start": 0, "end": 34}}
    assert "event" not in nlp.Extraction().to_dict()


def test_resolve_date_rejects_far_past():
    mention = {"day": 1, "month": 1, "year": 2001, "weekday": None}
    assert resolve_date(mention, date(2023, 5, 1)) is None
    assert resolve_date(mention, None) == date(2001, 1, 1)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Deportasi dilakukan Selasa,  14 Maret 2023 siang.", id="two-spaces"),
        pytest.param("Operasi digelar 1-2 Januari 2024 di tiga kota.", id="day-range"),
        pytest.param("Deportasi dilakukan (26-01-2023) pagi.", id="numeric-dashes"),
        pytest.param("Jum'at (26/01) petugas mendeportasi WNA.", id="straight-apostrophe"),
        pytest.param("Deportasi dilakukan pada\nKamis lalu.", id="weekday-after-line-break"),
        pytest.param("Rabu (26/11/2025) dan Kamis, 27 November 2025 serta 28/11/2025.",
                     id="three-dates"),
        pytest.param("Sidang digelar 5 Mei dan putusan 12 Juni 2024.", id="two-day-months"),
    ],
)
def test_date_mentions_at_trigger_words_equal_a_scan_of_the_whole_text(text):
    """The pipeline tries each date regex where a trigger word puts its start; reading the
    whole text with every regex finds the same dates."""
    from nlp.events import date_mentions
    from nlp.tokenview import token_view

    doc = nlp.load_pipeline()(text)
    anchored = date_mentions(text, token_view(doc))
    assert anchored, "each phrasing holds a date"
    scanned = date_mentions(text)
    strip = [{k: v for k, v in d.items() if k != "evidence"} for d in anchored]
    assert strip == [{k: v for k, v in d.items() if k != "evidence"} for d in scanned]
