"""Tests for nlp/sentences.py: sentence boundaries in Indonesian news text."""

from __future__ import annotations

import pytest
import spacy

import nlp.sentences  # noqa: F401  (registers pantau_sentences)
from nlp.sentences import sentence_starts


@pytest.fixture(scope="module")
def pipe():
    p = spacy.blank("id")
    p.add_pipe("pantau_sentences")
    return p


def sents(pipe, text):
    return [s.text.strip() for s in pipe(text).sents]


@pytest.mark.parametrize(
    "text,expected",
    [
        pytest.param(
            "Petugas datang. Mereka memeriksa paspor.",
            ["Petugas datang.", "Mereka memeriksa paspor."],
            id="full-stop",
        ),
        pytest.param(
            "Benarkah itu? Ya! Semua lancar.",
            ["Benarkah itu?", "Ya!", "Semua lancar."],
            id="question-exclamation",
        ),
        pytest.param(
            "Acara dibuka H. Ahmad Fauzi dan Hj. Siti Aminah.",
            ["Acara dibuka H. Ahmad Fauzi dan Hj. Siti Aminah."],
            id="haji-titles",
        ),
        pytest.param(
            "Hadir pula Kol. Inf. Bambang Wirawan di lokasi.",
            ["Hadir pula Kol. Inf. Bambang Wirawan di lokasi."],
            id="military-ranks",
        ),
        pytest.param(
            "Sambutan disampaikan Budi Santoso, S.H., M.Si. yang hadir pagi itu.",
            ["Sambutan disampaikan Budi Santoso, S.H., M.Si. yang hadir pagi itu."],
            id="degrees-mid-sentence",
        ),
        pytest.param(
            "Ia tinggal di Jl. Merdeka No. 5 sejak lama.",
            ["Ia tinggal di Jl. Merdeka No. 5 sejak lama."],
            id="street-and-number",
        ),
        pytest.param(
            "Sebanyak 1.331 orang dilayani. Angka itu naik 10,5 persen.",
            ["Sebanyak 1.331 orang dilayani.", "Angka itu naik 10,5 persen."],
            id="decimals",
        ),
        pytest.param(
            "Yang dibawa paspor, visa, dll. Petugas lalu mencatatnya.",
            ["Yang dibawa paspor, visa, dll.", "Petugas lalu mencatatnya."],
            id="dll-ends-sentence",
        ),
        pytest.param(
            "Berkas seperti KTP, KK, dll. juga diperiksa.",
            ["Berkas seperti KTP, KK, dll. juga diperiksa."],
            id="dll-mid-sentence",
        ),
        pytest.param(
            "Keterangan disampaikan M. Yusuf kepada wartawan.",
            ["Keterangan disampaikan M. Yusuf kepada wartawan."],
            id="initial",
        ),
        pytest.param(
            '"Kami siap melayani," ujar Budi. "Antrean dibuka pagi."',
            ['"Kami siap melayani," ujar Budi.', '"Antrean dibuka pagi."'],
            id="straight-quotes",
        ),
        pytest.param(
            "“Semua aman,” katanya. “Tidak ada kendala.” Lalu ia pergi.",
            ["“Semua aman,” katanya.", "“Tidak ada kendala.”", "Lalu ia pergi."],
            id="curly-quotes",
        ),
        pytest.param(
            "Judul Berita Tanpa Titik\n\nIsi berita dimulai di sini.",
            ["Judul Berita Tanpa Titik", "Isi berita dimulai di sini."],
            id="headline-blank-line",
        ),
        # a hard-wrapped line is not a sentence end
        pytest.param(
            "Kantor itu melayani\npemohon dari tiga kabupaten.",
            ["Kantor itu melayani\npemohon dari tiga kabupaten."],
            id="hard-wrap",
        ),
        pytest.param(
            "Biaya Rp1.000.000. Dia membayar tunai.",
            ["Biaya Rp1.000.000.", "Dia membayar tunai."],
            id="money-then-sentence",
        ),
    ],
)
def test_sentences(pipe, text, expected):
    assert sents(pipe, text) == expected


def test_every_token_is_annotated(pipe):
    doc = pipe("Satu. Dua tiga.")
    assert doc.has_annotation("SENT_START", require_complete=True)
    assert [t.is_sent_start for t in doc] == [True, False, True, False, False]


def test_sentence_starts_on_plain_lists():
    starts = sentence_starts(["Ya", ".", "Tidak", "."], [True, False, True, False])
    assert starts == [True, False, True, False]


def test_empty_text(pipe):
    assert list(pipe("").sents) == []


@pytest.mark.parametrize(
    "text, first",
    [
        pytest.param("Kanim Bogor Raih Penghargaan\nBogor – Kantor itu meraih predikat WBK.",
                     "Kanim Bogor Raih Penghargaan", id="headline-before-dateline"),
        pytest.param("Petugas memeriksa paspor\nsetiap pemohon pagi ini.",
                     "Petugas memeriksa paspor\nsetiap pemohon pagi ini.", id="hard-wrapped-line"),
    ],
)
def test_line_break_ends_a_sentence_only_before_a_dateline(text, first):
    import nlp as _nlp

    doc = _nlp.load_pipeline()(text)
    assert next(iter(doc.sents)).text.strip() == first
