"""Tests for nlp/offices.py: office mentions of every kind, linked to gazetteer ids."""

from __future__ import annotations

import pytest
import spacy

import nlp.offices  # noqa: F401  (registers pantau_offices)
import nlp.sentences  # noqa: F401
from nlp.gazetteer import GazetteerError
from nlp.schema import Extraction


@pytest.fixture(scope="module")
def pipe():
    p = spacy.blank("id")
    p.add_pipe("pantau_sentences")
    p.add_pipe("pantau_offices")
    return p


def facts(doc):
    """The component's plain dicts on the Doc, as the schema dataclasses nlp.extract returns."""
    return Extraction.from_dict({"offices": doc._.pantau_offices}).offices


def offices(pipe, text):
    return [(o.office_id, o.name) for o in facts(pipe(text))]


@pytest.mark.parametrize(
    "text,expected",
    [
        pytest.param(
            "Kantor Imigrasi Kelas I TPI Kendari menggelar operasi di Konawe.",
            [("kanim-kendari", "Kantor Imigrasi Kelas I TPI Kendari")],
            id="kelas-i-tpi",
        ),
        pytest.param(
            "Kantor Imigrasi Kelas I Khusus TPI Batam menunda keberangkatan 40 orang.",
            [("kanim-batam", "Kantor Imigrasi Kelas I Khusus TPI Batam")],
            id="kelas-i-khusus-tpi",
        ),
        pytest.param(
            "Petugas Kantor Imigrasi Kelas I Non TPI Bekasi memeriksa berkas.",
            [("kanim-bekasi", "Kantor Imigrasi Kelas I Non TPI Bekasi")],
            id="kelas-i-non-tpi",
        ),
        pytest.param(
            "Kantor Imigrasi Kelas II TPI Entikong mencatat lalu lintas orang.",
            [("kanim-entikong", "Kantor Imigrasi Kelas II TPI Entikong")],
            id="kelas-ii-tpi",
        ),
        pytest.param(
            "Kantor Imigrasi Kelas II Non TPI Depok membuka layanan Sabtu.",
            [("kanim-depok", "Kantor Imigrasi Kelas II Non TPI Depok")],
            id="kelas-ii-non-tpi",
        ),
        pytest.param(
            "Kantor Imigrasi Kelas III Non TPI Putussibau melayani warga perbatasan.",
            [("kanim-putussibau", "Kantor Imigrasi Kelas III Non TPI Putussibau")],
            id="kelas-iii",
        ),
        pytest.param(
            "Kantor Imigrasi Kelas 1 Tanjung Perak Surabaya memperpanjang izin.",
            [("kanim-tanjungperak", "Kantor Imigrasi Kelas 1 Tanjung Perak Surabaya")],
            id="kelas-1-arabic-with-city",
        ),
        pytest.param(
            "Kantor Imigrasi Kelas I Khusus Tempat Pemeriksaan Imigrasi (TPI) Medan "
            "menerbitkan paspor.",
            [
                (
                    "kanim-medan",
                    "Kantor Imigrasi Kelas I Khusus Tempat Pemeriksaan Imigrasi (TPI) Medan",
                )
            ],
            id="tpi-spelt-out",
        ),
        pytest.param(
            "Kantor Imigrasi (Kanim) Kelas II TPI Sambas menahan dua orang.",
            [("kanim-sambas", "Kantor Imigrasi (Kanim) Kelas II TPI Sambas")],
            id="kanim-in-brackets",
        ),
        pytest.param(
            "Kanim Pontianak menerbitkan 300 paspor.",
            [("kanim-pontianak", "Kanim Pontianak")],
            id="kanim-abbreviation",
        ),
        pytest.param(
            "Pelayanan di Kanim II Depok kembali normal.",
            [("kanim-depok", "Kanim II Depok")],
            id="kanim-class-without-kelas",
        ),
        pytest.param(
            "Imigrasi Mataram mendeportasi seorang WNA.",
            [("kanim-mataram", "Imigrasi Mataram")],
            id="imigrasi-x-is-the-office",
        ),
        pytest.param(
            "Kanimsus Kelas I TPI Batam memperketat pengawasan.",
            [("kanim-batam", "Kanimsus Kelas I TPI Batam")],
            id="kanimsus",
        ),
        pytest.param(
            "Petugas Imigrasi Soetta menolak 12 penumpang.",
            [("kanim-soekarnohatta", "Imigrasi Soetta")],
            id="soetta-abbreviation",
        ),
        pytest.param(
            "Kanim Jaksel membuka loket tambahan.",
            [("kanim-jakartaselatan", "Kanim Jaksel")],
            id="jaksel-abbreviation",
        ),
        # a misspelt place still links, through rapidfuzz
        pytest.param(
            "Kantor Imigrasi Kelas I TPI Pekanbarru membuka layanan.",
            [("kanim-pekanbaru", "Kantor Imigrasi Kelas I TPI Pekanbarru")],
            id="fuzzy-place",
        ),
        pytest.param(
            "Rumah Detensi Imigrasi (Rudenim) Pontianak menampung deteni.",
            [("rudenim-pontianak", "Rumah Detensi Imigrasi (Rudenim) Pontianak")],
            id="rudenim-full",
        ),
        pytest.param(
            "Sebanyak 20 deteni berada di Rudenim Denpasar.",
            [("rudenim-denpasar", "Rudenim Denpasar")],
            id="rudenim-short",
        ),
        pytest.param(
            "Unit Layanan Paspor Lippo Mall Puri buka hari Minggu.",
            [("ulp-lippopuri", "Unit Layanan Paspor Lippo Mall Puri")],
            id="ulp",
        ),
        pytest.param(
            "Direktorat Jenderal Imigrasi meluncurkan aplikasi baru.",
            [("ditjen-imigrasi", "Direktorat Jenderal Imigrasi")],
            id="ditjen-full",
        ),
        pytest.param(
            "Ditjen Imigrasi mencatat kenaikan permohonan.",
            [("ditjen-imigrasi", "Ditjen Imigrasi")],
            id="ditjen-short",
        ),
        pytest.param(
            "Kantor Wilayah Kementerian Hukum dan HAM Sulawesi Selatan menggelar rapat.",
            [("kanwil-sulsel", "Kantor Wilayah Kementerian Hukum dan HAM Sulawesi Selatan")],
            id="kanwil-old-full",
        ),
        pytest.param(
            "Kanwil Kemenkumham Kepri memberi arahan.",
            [("kanwil-kepri", "Kanwil Kemenkumham Kepri")],
            id="kanwil-old-abbreviation",
        ),
        pytest.param(
            "Divisi Keimigrasian Kanwil Kemenkumham Bali memantau razia.",
            [("kanwil-bali", "Kanwil Kemenkumham Bali")],
            id="kanwil-divisi-keimigrasian",
        ),
        pytest.param(
            "Kanwil Ditjen Imigrasi NTB menerima penghargaan.",
            [("kanwil-ntb", "Kanwil Ditjen Imigrasi NTB")],
            id="kanwil-new-abbreviation",
        ),
        pytest.param(
            "Kantor Wilayah Imigrasi Jawa Barat menggelar apel.",
            [("kanwil-jabar", "Kantor Wilayah Imigrasi Jawa Barat")],
            id="kanwil-imigrasi",
        ),
        pytest.param(
            "Kanwil Kemenkumham Provinsi Jawa Tengah memberi sambutan.",
            [("kanwil-jateng", "Kanwil Kemenkumham Provinsi Jawa Tengah")],
            id="kanwil-provinsi",
        ),
        pytest.param(
            "Kantor Wilayah (Kanwil) Ditjen Imigrasi Lampung menilai kinerja satker.",
            [("kanwil-lampung", "Kantor Wilayah (Kanwil) Ditjen Imigrasi Lampung")],
            id="kanwil-in-brackets",
        ),
        # the same office twice: one entry, named by its fullest written form
        pytest.param(
            "Imigrasi Kupang menahan WNA. Kantor Imigrasi Kelas I TPI Kupang lalu memeriksanya.",
            [("kanim-kupang", "Kantor Imigrasi Kelas I TPI Kupang")],
            id="dedupe-fullest-form",
        ),
        # "Kantor Imigrasi Jakarta" abbreviates the one Jakarta office the story names
        pytest.param(
            "Kantor Imigrasi Kelas I Non TPI Jakarta Pusat memeriksa WNA itu. Ia datang ke "
            "Kantor Imigrasi Jakarta.",
            [("kanim-jakartapusat", "Kantor Imigrasi Kelas I Non TPI Jakarta Pusat")],
            id="unlinked-prefix-merges",
        ),
        # a bare "Kanwil Ditjen Imigrasi" is the one regional office the story names
        pytest.param(
            "Kanwil Ditjen Imigrasi Riau menindak 30 WNA. Sanksi diberikan Kanwil Ditjen Imigrasi.",
            [("kanwil-riau", "Kanwil Ditjen Imigrasi Riau")],
            id="placeless-kanwil-merges",
        ),
        # an office the gazetteer lacks is kept, unlinked
        pytest.param(
            "Kantor Imigrasi Kelas II Non TPI Sidoarjo mulai beroperasi.",
            [(None, "Kantor Imigrasi Kelas II Non TPI Sidoarjo")],
            id="unknown-office-unlinked",
        ),
        pytest.param(
            "Kantor Imigrasi Kelas I TPI Malang dan Rudenim Surabaya bekerja sama.",
            [
                ("kanim-malang", "Kantor Imigrasi Kelas I TPI Malang"),
                ("rudenim-surabaya", "Rudenim Surabaya"),
            ],
            id="two-offices-in-order",
        ),
        # the Ditjen named only as the owner of a local office's tool is not an actor
        pytest.param(
            "Kanim Bogor memakai aplikasi Ditjen Imigrasi.",
            [("kanim-bogor", "Kanim Bogor")],
            id="ditjen-owner-only",
        ),
        pytest.param(
            "Kanim Bogor memakai inovasi Ditjen Imigrasi. Direktorat Jenderal Imigrasi menilai.",
            [("kanim-bogor", "Kanim Bogor"), ("ditjen-imigrasi", "Direktorat Jenderal Imigrasi")],
            id="ditjen-owner-and-actor",
        ),
        pytest.param(
            "Kepala Kantor Imigrasi Kelas I TPI Kendari Sulawesi Tenggara hadir.",
            [("kanim-kendari", "Kantor Imigrasi Kelas I TPI Kendari")],
            id="province-not-part-of-name",
        ),
        pytest.param("Kantor Imigrasi Bali menggelar apel.", [], id="province-names-no-office"),
        pytest.param(
            "Penumpang antre di loket imigrasi Bandara Soekarno-Hatta.",
            [],
            id="passport-control-not-office",
        ),
        pytest.param(
            "Petugas imigrasi Batam memeriksa kapal.",
            [("kanim-batam", "imigrasi Batam")],
            id="lowercase-imigrasi-x",
        ),
        pytest.param(
            "Kanim Depok membuka loket.\nBaca juga: Rudenim Medan Raih Penghargaan\n"
            "Antrean berjalan lancar.",
            [("kanim-depok", "Kanim Depok")],
            id="related-link-line",
        ),
        pytest.param(
            "Kantor Imigrasi Kelas II TP Sanggau membuka layanan.",
            [("kanim-sanggau", "Kantor Imigrasi Kelas II TP Sanggau")],
            id="class-typo",
        ),
        # negative rows: not immigration offices
        pytest.param("Bandara Soekarno-Hatta ramai penumpang.", [], id="airport-not-office"),
        pytest.param(
            "Polres Bandara Soekarno-Hatta dan Polda Bali menangkap pelaku.",
            [],
            id="police-not-office",
        ),
        pytest.param("Bupati Lebak meresmikan mal pelayanan publik.", [], id="bupati-not-office"),
        pytest.param(
            "Kedutaan Besar Malaysia di Jakarta memberi pendampingan.", [], id="embassy-not-office"
        ),
        pytest.param(
            "Kementerian Luar Negeri dan Kementerian Ketenagakerjaan hadir.",
            [],
            id="ministries-not-office",
        ),
        pytest.param(
            "Tempat Pemeriksaan Imigrasi (TPI) Bandara Juanda ramai.", [], id="tpi-post-not-office"
        ),
        pytest.param("Pos Imigrasi Entikong dijaga ketat.", [], id="pos-imigrasi-not-office"),
        pytest.param(
            "Rutan Kelas I Tangerang dan Lapas Kelas IIA Cilegon dinilai baik.",
            [],
            id="rutan-lapas-not-office",
        ),
        pytest.param("Dirjen Imigrasi Budi Santoso meninjau bandara.", [], id="dirjen-is-a-title"),
        pytest.param(
            "Warga bisa datang ke kantor imigrasi terdekat.", [], id="generic-kantor-imigrasi"
        ),
        pytest.param(
            "Peringatan Hari Bhakti Imigrasi ke-76 berlangsung meriah.", [], id="hari-bhakti"
        ),
        pytest.param("Imigrasi Malaysia menahan nelayan itu.", [], id="foreign-immigration"),
    ],
)
def test_offices(pipe, text, expected):
    assert offices(pipe, text) == expected


def test_office_fields_and_evidence(pipe):
    text = "Budi datang pagi. Kanim Depok buka jam delapan. Lalu ia pulang."
    found = facts(pipe(text))
    assert len(found) == 1
    office = found[0]
    assert (office.office_id, office.kind) == ("kanim-depok", "kantor_imigrasi")
    assert office.evidence.sentence == "Kanim Depok buka jam delapan."
    assert text[office.evidence.start : office.evidence.end] == office.evidence.sentence


def test_works_without_sentence_boundaries():
    p = spacy.blank("id")
    p.add_pipe("pantau_offices")
    found = facts(p("Kanim Depok buka. Lalu tutup."))
    assert len(found) == 1
    assert found[0].evidence.sentence == "Kanim Depok buka. Lalu tutup."


def test_each_doc_gets_a_new_list(pipe):
    first = facts(pipe("Kanim Depok buka."))
    second = facts(pipe("Tidak ada kantor di sini."))
    assert len(first) == 1
    assert second == []


def test_missing_gazetteer_fails_at_construction(tmp_path):
    p = spacy.blank("id")
    with pytest.raises(GazetteerError, match="missing.csv"):
        p.add_pipe("pantau_offices", config={"gazetteer_path": str(tmp_path / "missing.csv")})


@pytest.mark.parametrize(
    "text, expected",
    [
        # the ministry's regional office named by the ministry (old or new name) and a province
        pytest.param("Kemenkumham Sumut menggelar rapat koordinasi.",
                     [("Kemenkumham Sumut", "kanwil-sumut")], id="ministry-and-province-short"),
        pytest.param("Kanwil Kemenkum Jatim mendeportasi tiga WNA.",
                     [("Kanwil Kemenkum Jatim", "kanwil-jatim")], id="kemenkum-2025"),
        pytest.param("Kantor Kementerian Hukum dan HAM Riau menggelar rapat.",
                     [("Kantor Kementerian Hukum dan HAM Riau", "kanwil-riau")],
                     id="kantor-kementerian"),
        pytest.param("Kemenkumham menggelar rapat nasional.", [], id="ministry-alone-is-no-office"),
        # typos in the organisation's name; a clean mention of the same office names it
        pytest.param("Kantor Wilayah Kementrian Hukum dan Hak Asai Manusia Nusa Tenggara Timur "
                     "menggelar rapat.",
                     [("Kantor Wilayah Kementrian Hukum dan Hak Asai Manusia Nusa Tenggara Timur",
                       "kanwil-ntt")], id="typos-in-ministry"),
        pytest.param("Kantor Wilayah Kementrian Hukum dan Hak Asai Manusia Nusa Tenggara Timur "
                     "hadir. Kakanwil Kemenkumham NTT lalu berbicara.",
                     [("Kemenkumham NTT", "kanwil-ntt")], id="clean-form-preferred"),
        pytest.param("Direktorat Jendral Imigrasi menerbitkan aturan baru.",
                     [("Direktorat Jendral Imigrasi", "ditjen-imigrasi")], id="jendral"),
        # a province's immigration named as an actor
        pytest.param("Imigrasi Bali telah mendeportasi 68 WNA.", [("Imigrasi Bali", None)],
                     id="imigrasi-province"),
        pytest.param("Kakanwil Imigrasi Bali membuka acara.", [], id="kakanwil-is-a-role"),
        # an owner only, and a dateline glued to the name
        pytest.param("Rudenim adalah unit pelaksana teknis dari Direktorat Jenderal Imigrasi.",
                     [], id="owner-after-dari"),
        pytest.param("MERAUKE,ARAFURA,-Kantor Imigrasi Kelas II TPI Merauke menggelar rapat.",
                     [("Kantor Imigrasi Kelas II TPI Merauke", "kanim-merauke")],
                     id="glued-dateline"),
    ],
)
def test_regional_offices_and_variants(text, expected):
    import nlp as _nlp

    assert [(o.name, o.office_id) for o in _nlp.extract(text).offices] == expected
