"""Tests for nlp/awards.py: awards received, with rank and giver; goals and praise are not."""

import pytest

import nlp


def awards(text):
    return [(a.name, a.rank, a.giver) for a in nlp.extract(text).awards]


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(
            "Kanim Kediri meraih penghargaan kepatuhan standar pelayanan publik oleh "
            "Ombudsman Republik Indonesia.",
            [
                (
                    "penghargaan kepatuhan standar pelayanan publik",
                    None,
                    "Ombudsman Republik Indonesia",
                )
            ],
            id="penghargaan-oleh",
        ),
        pytest.param(
            "Kantor Imigrasi Ngurah Rai meraih predikat Wilayah Bebas dari Korupsi (WBK) "
            "dari Kementerian PANRB pada tahun 2022.",
            [("predikat Wilayah Bebas dari Korupsi (WBK)", None, "Kementerian PANRB")],
            id="wbk-predicate-dari",
        ),
        pytest.param(
            "Kanim Sukabumi berhasil meraih WBK setelah penilaian panjang.",
            [("WBK", None, None)],
            id="wbk-alone",
        ),
        pytest.param(
            'Dua satker meraih predikat "Sangat Baik" dan satu satker meraih predikat "Baik".',
            [('predikat "Sangat Baik"', None, None), ('predikat "Baik"', None, None)],
            id="quoted-predicates",
        ),
        pytest.param(
            "Penghargaan yang diperoleh untuk kategori Pengawasan Orang Asing terbaik III "
            "dan Pelayanan Paspor terbaik I.",
            [
                ("Pengawasan Orang Asing terbaik III", 3, None),
                ("Pelayanan Paspor terbaik I", 1, None),
            ],
            id="roman-ranks",
        ),
        pytest.param(
            "Rudenim Medan diganjar penghargaan sebagai Satuan Kerja dengan predikat "
            "Terbaik ke 2 Kategori Pagu Sedang.",
            [
                (
                    "penghargaan sebagai Satuan Kerja dengan predikat Terbaik ke 2 Kategori "
                    "Pagu Sedang",
                    2,
                    None,
                )
            ],
            id="terbaik-ke-n",
        ),
        pytest.param(
            "Imigrasi Bogor meraih juara 1 lomba inovasi pelayanan publik yang "
            "diselenggarakan Pemerintah Kota Bogor.",
            [("juara 1 lomba inovasi pelayanan publik", 1, "Pemerintah Kota Bogor")],
            id="juara-digit",
        ),
        pytest.param(
            "Kanim Bekasi memperoleh peringkat pertama Indeks Kepuasan Masyarakat.",
            [("peringkat pertama Indeks Kepuasan Masyarakat", 1, None)],
            id="peringkat-ordinal",
        ),
        pytest.param(
            "Kanim Palu dinobatkan sebagai kantor imigrasi terbaik ke 2 oleh Direktorat "
            "Jenderal Imigrasi.",
            [("kantor imigrasi terbaik ke 2", 2, "Direktorat Jenderal Imigrasi")],
            id="dinobatkan",
        ),
        pytest.param(
            "Rudenim Surabaya menerima piagam penghargaan dari Gubernur Jawa Timur atas "
            "kinerja pelayanan.",
            [("piagam penghargaan", None, "Gubernur Jawa Timur")],
            id="piagam-generic",
        ),
        pytest.param(
            "Capaian dan penghargaan yang diraih Kanim Serang cukup banyak. Seperti "
            "apresiasi Bupati Lebak atas kontribusi layanan dan apresiasi Bupati "
            "Pandeglang pada kantor itu.",
            [
                ("apresiasi Bupati Lebak", None, "Bupati Lebak"),
                ("apresiasi Bupati Pandeglang", None, "Bupati Pandeglang"),
            ],
            id="apresiasi-list-continues-receipt",
        ),
        pytest.param(
            "Kanim Pati mendapat apresiasi dari Bupati Pati atas pelayanan paspor.",
            [("apresiasi dari Bupati Pati", None, "Bupati Pati")],
            id="apresiasi-dari",
        ),
        pytest.param(
            "Kanim Mataram meraih tiga penghargaan: pelayanan terbaik, inovasi terbaik "
            "dan pengawasan terbaik.",
            [
                ("pelayanan terbaik", None, None),
                ("inovasi terbaik", None, None),
                ("pengawasan terbaik", None, None),
            ],
            id="enumerated-after-colon",
        ),
        pytest.param(
            "Direktur Jenderal Imigrasi menyerahkan penghargaan Kinerja Pelayanan Prima "
            "kepada Kantor Imigrasi Jambi.",
            [("penghargaan Kinerja Pelayanan Prima", None, "Direktur Jenderal Imigrasi")],
            id="given-to-immigration-office",
        ),
        pytest.param(
            "Kantor Imigrasi Kelas I TPI Surabaya menduduki peringkat 2 dalam survei "
            "kepuasan yang digelar Ombudsman.",
            [("peringkat 2 dalam survei kepuasan", 2, "Ombudsman")],
            id="office-occupies-rank",
        ),
        pytest.param(
            "Imigrasi Bali mendapat penghargaan Top 45 Inovasi Pelayanan Publik dari KemenPAN-RB.",
            [("penghargaan Top 45 Inovasi Pelayanan Publik", None, "KemenPAN-RB")],
            id="hyphenated-giver",
        ),
        pytest.param(
            "Kanim Cilacap menyabet penghargaan sebagai Satker dengan Kinerja Pelayanan Terbaik "
            "dari Kanwil Kemenkumham Jawa Tengah.",
            [
                (
                    "penghargaan sebagai Satker dengan Kinerja Pelayanan Terbaik",
                    None,
                    "Kanwil Kemenkumham Jawa Tengah",
                )
            ],
            id="rank-word-inside-noun-name",
        ),
        pytest.param(
            "Kanim Blitar menerima Piagam Penghargaan dari Kapolda Jatim sebagai mitra terbaik.",
            [("Piagam Penghargaan", None, "Kapolda Jatim")],
            id="rank-describing-the-award-is-one-award",
        ),
        pytest.param(
            "Kanim Blitar meraih predikat WBK dan WBBM dari KemenPAN-RB.",
            [("predikat WBK", None, "KemenPAN-RB"), ("WBBM", None, "KemenPAN-RB")],
            id="two-predicates",
        ),
        pytest.param(
            "Kanim Batam meraih Public Service Award dari KemenPAN-RB.",
            [("Public Service Award", None, "KemenPAN-RB")],
            id="english-titled-award",
        ),
        pytest.param(
            "Imigrasi Soetta menjadi juara umum pada ajang Immigration Award 2023.",
            [("juara umum pada ajang Immigration Award 2023", None, None)],
            id="contest-after-rank",
        ),
        pytest.param(
            "Kanim Blitar meraih penghargaan Pelayanan Prima. Penghargaan Pelayanan Prima "
            "itu diterima langsung oleh kepala kantor.",
            [("penghargaan Pelayanan Prima", None, None)],
            id="repeat-is-one-award",
        ),
    ],
)
def test_awards_found(text, expected):
    assert awards(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Kanim Depok berkomitmen meraih predikat WBBM di tahun 2025.", id="goal"),
        pytest.param("Pegawai bertekad untuk meraih predikat WBK tahun depan.", id="goal-tekad"),
        pytest.param("Rudenim Manado terus berbenah menuju predikat WBBM.", id="goal-menuju"),
        pytest.param(
            "Pencanangan Pembangunan Zona Integritas menuju WBK digelar di aula.", id="pencanangan"
        ),
        pytest.param(
            "Kepala Kantor Imigrasi memberikan penghargaan kepada sepuluh mitra sponsor.",
            id="given-to-others",
        ),
        pytest.param(
            "Kakanim Blitar menyerahkan piagam penghargaan kepada pegawai teladan.",
            id="given-to-staff-by-office",
        ),
        pytest.param(
            "Warga mengapresiasi pelayanan Kanim Tangerang yang cepat.", id="verbal-praise"
        ),
        pytest.param(
            "Ombudsman memberikan apresiasi atas pelayanan yang baik.",
            id="praise-without-giver-title",
        ),
        pytest.param(
            "Ombudsman RI menilai kepatuhan 15 kantor imigrasi tahun ini.",
            id="assessment-without-result",
        ),
        pytest.param(
            "Kanim Bekasi berhasil meraih tiga penghargaan sekaligus.", id="count-of-awards"
        ),
        pytest.param(
            "Penghargaan tersebut menjadi motivasi bagi seluruh pegawai.", id="anaphor-tersebut"
        ),
        pytest.param(
            "Kami akan terus memberikan pelayanan terbaik bagi masyarakat.",
            id="pelayanan-terbaik-promise",
        ),
        pytest.param("Peringkat kedua diduduki WNA asal Amerika Serikat.", id="ranking-of-wna"),
        pytest.param(
            "Masyarakat kini mendapatkan pelayanan terbaik di kantor imigrasi.",
            id="public-gets-best-service",
        ),
        pytest.param("Kami menerima masukan terbaik dari masyarakat.", id="best-feedback"),
        pytest.param(
            "WNA asal China menempati peringkat pertama pelanggar izin tinggal.",
            id="wna-occupies-rank",
        ),
    ],
)
def test_not_awards(text):
    assert awards(text) == []


def test_hope_does_not_reach_past_setelah():
    text = "Kanim Mataram berharap meraih predikat WBBM pada 2025 setelah meraih WBK pada 2022."
    found = nlp.extract(text).awards
    assert [(a.name, a.year) for a in found] == [("WBK", 2022)]


def test_award_year_and_evidence():
    text = "Rapat digelar. Kanim Jember meraih predikat WBK pada 2021 dari Kementerian PANRB."
    found = nlp.extract(text).awards
    assert len(found) == 1
    award = found[0]
    assert (award.name, award.year, award.giver) == ("predikat WBK", 2021, "Kementerian PANRB")
    assert text[award.evidence.start : award.evidence.end] == award.evidence.sentence


@pytest.mark.parametrize(
    "text, expected",
    [
        # a giver said in a sentence of its own gives the awards just listed
        pytest.param(
            "Kanim Depok meraih dua penghargaan. Yaitu pengelola arsip terbaik peringkat dua "
            "dan inovasi layanan peringkat tiga. Itu penghargaan dari kementerian.",
            [("pengelola arsip terbaik peringkat dua", 2, "kementerian"),
             ("inovasi layanan peringkat tiga", 3, "kementerian")],
            id="giver-statement-after-list",
        ),
        # a statement naming the award's words gives that award only; a denied giver is none
        pytest.param(
            "Kanim Depok menerima penghargaan pengelola arsip terbaik peringkat dua serta "
            "penghargaan atas pelayanan paspor terbaik. Khusus untuk pelayanan paspor, "
            "penilaian dilakukan oleh Ombudsman, bukan dari kementerian.",
            [("penghargaan pengelola arsip terbaik peringkat dua", 2, None),
             ("penghargaan atas pelayanan paspor terbaik", None, "Ombudsman")],
            id="giver-statement-names-its-award",
        ),
        # the one who receives is not the giver, nor are the others who receive with it
        pytest.param(
            "Ditjen Imigrasi Menerima Penghargaan Mitra Kerja Kemenlu\nJakarta – Penghargaan "
            "itu diserahkan oleh Menteri Luar Negeri.",
            [("Penghargaan Mitra Kerja Kemenlu", None, "Menteri Luar Negeri")],
            id="recipient-is-not-giver",
        ),
        pytest.param(
            "Ditjen Imigrasi menerima penghargaan Mitra Kerja bersama dengan Direktorat "
            "Jenderal Bina Marga.",
            [("penghargaan Mitra Kerja", None, None)],
            id="co-recipient-is-not-giver",
        ),
        # a category mention beside the story's one named award is that award's category
        pytest.param(
            "Kanim Medan menerima Garuda Service Award 2024. Kanim Medan menerima penghargaan "
            "dalam kategori Mitra Pelayanan Terbaik dari Kementerian Keuangan.",
            [("Garuda Service Award 2024", None, "Kementerian Keuangan")],
            id="category-folds-into-named-award",
        ),
        # a list of awards after a plural receipt: one award per item; the contest gives way
        pytest.param(
            "Kanim Bogor meraih dua penghargaan dalam ajang Anugerah Pelayanan 2025. "
            "Penghargaan tersebut mencakup Penghargaan Khusus Unit Pelayanan Baru dan Unit "
            "Berpredikat Prima.",
            [("Penghargaan Khusus Unit Pelayanan Baru", None, None),
             ("Unit Berpredikat Prima", None, None)],
            id="list-after-plural-receipt",
        ),
        # a tally of units holding a predicate is not one office's award
        pytest.param(
            "Sebanyak 4 unit pelaksana teknis di lingkungan Ditjen Imigrasi telah memperoleh "
            "predikat Wilayah Bebas dari Korupsi.",
            [], id="counted-units-are-a-tally",
        ),
    ],
)
def test_givers_lists_and_tallies(text, expected):
    assert awards(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("Kanim Medan meraih opini kualitas tertinggi dari Ombudsman RI.",
                     [("opini kualitas tertinggi", None, "Ombudsman RI")],
                     id="ombudsman-grade"),
        pytest.param("Kanim Serang mendapatkan penghargaan sebagai Kantor Pelayanan Terbaik "
                     "se-Jawa Barat.",
                     [("penghargaan sebagai Kantor Pelayanan Terbaik se-Jawa Barat", None, None)],
                     id="hyphen-inside-a-word"),
        pytest.param("Kanim Jakarta Utara meraih IKPA Award dari KPPN Jakarta.",
                     [("IKPA Award", None, "KPPN Jakarta")], id="acronym-opens-english-name"),
        pytest.param("Kanim Serang memberikan penghargaan kepada anggota Timpora berprestasi.",
                     [], id="given-to-others"),
    ],
)
def test_names_whole_and_grades(text, expected):
    assert awards(text) == expected
