"""Tests for nlp/counts.py: which numbers are counts, their units and categories."""

import pytest

import nlp


def counts(text):
    return [(c.value, c.unit) for c in nlp.extract(text).counts]


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(
            "Kanim Ambon mendeportasi sebelas WNA asal Nigeria kemarin.",
            [(11, "WNA")],
            id="number-word",
        ),
        pytest.param(
            "Petugas mengamankan dua belas warga negara Vietnam di sebuah vila.",
            [(12, "warga negara")],
            id="teen-word",
        ),
        pytest.param(
            "Loket melayani seratus dua puluh pemohon setiap pagi.",
            [(120, "pemohon")],
            id="hundreds-words",
        ),
        pytest.param(
            "Sepanjang tahun lalu kantor itu menerbitkan 1.331 paspor.",
            [(1331, "paspor")],
            id="thousands-dot",
        ),
        pytest.param(
            "Secara nasional sudah dicetak 1,5 juta paspor elektronik.",
            [(1_500_000, "paspor elektronik")],
            id="decimal-juta",
        ),
        pytest.param(
            "Sebanyak 2 ribu pemohon dilayani dalam program jemput bola.",
            [(2000, "pemohon")],
            id="digit-ribu",
        ),
        pytest.param(
            "Petugas memeriksa satu orang WNA yang paspornya rusak.",
            [(1, "orang")],
            id="satu-orang",
        ),
        pytest.param(
            "Sebanyak 22 warga negara asing (WNA) dipulangkan ke negaranya.",
            [(22, "warga negara asing")],
            id="long-unit",
        ),
        pytest.param(
            "Ada 89 laki-laki dan 53 perempuan yang paspornya ditunda.",
            [(89, "laki-laki"), (53, "perempuan")],
            id="two-person-units",
        ),
        pytest.param(
            "Tercatat 291 penolakan permohonan paspor selama setahun.",
            [(291, "penolakan")],
            id="action-noun-unit",
        ),
        # GOLD.md: targets, quotas and capacities of people or documents are counts
        pytest.param(
            "Target penerbitan mencapai 700 paspor per hari.", [(700, "paspor")], id="target"
        ),
        pytest.param("Ruang tunggu itu berkapasitas 120 orang.", [(120, "orang")], id="capacity"),
        pytest.param("Kuota harian dibatasi 150 pemohon.", [(150, "pemohon")], id="quota"),
        pytest.param(
            "Dari 40 WNA yang diperiksa, 12 di antaranya tidak membawa dokumen.",
            [(40, "WNA"), (12, None)],
            id="subset-di-antaranya",
        ),
        pytest.param(
            "Sebanyak 30 WNA dideportasi, 9 diantaranya karena overstay.",
            [(30, "WNA"), (9, None)],
            id="subset-diantaranya",
        ),
        pytest.param(
            "Ada 3 WNA dideportasi karena narkoba dan 5 karena bekerja tanpa izin.",
            [(3, "WNA"), (5, None)],
            id="ellipsis-after-dan",
        ),
        pytest.param(
            "Mereka berasal dari Malaysia 16 orang dan Filipina 4 orang.",
            [(16, "orang"), (4, "orang")],
            id="country-then-count",
        ),
        pytest.param(
            "Operasi gabungan digelar sebanyak 4 kali sepanjang semester.",
            [(4, "kali")],
            id="event-kali",
        ),
        pytest.param(
            "Ada 2 hal yang dibahas, namun 7 kasus masih diselidiki.",
            [(7, "kasus")],
            id="event-kasus",
        ),
        pytest.param(
            "Rudenim itu kini menampung sekitar 150 deteni.",
            [(150, "deteni")],
            id="approximate-sekitar-is-a-count",
        ),
        pytest.param(
            "Tercatat izin tinggal kunjungan sebanyak 1.313 dan izin tinggal terbatas sebanyak 76.",
            [(1313, "izin tinggal kunjungan"), (76, "izin tinggal terbatas")],
            id="unit-before-amount-word",
        ),
        pytest.param(
            "Jumlah pemohon paspor tahun ini mencapai 12.345.",
            [(12345, "pemohon paspor")],
            id="longest-unit-before-amount-word",
        ),
        pytest.param(
            "Rincian capaian. Jumlah deteni: 45. Tanggal: 12.",
            [(45, "deteni")],
            id="unit-before-colon",
        ),
        pytest.param(
            "Sembilan orang dari Tiongkok dan dua lainnya warga negara Laos.",
            [(9, "orang"), (2, "warga negara")],
            id="lainnya-between-number-and-unit",
        ),
        pytest.param(
            "Tim menangani 1.257 di rumah penampungan sementara.",
            [(1257, None)],
            id="verb-then-bare-number",
        ),
        pytest.param(
            "Tapi ada satu dari Kanada yang merupakan bekas narapidana.",
            [(1, None)],
            id="number-dari-country",
        ),
        pytest.param(
            "Sebanyak 2 (dua) orang WNA diamankan petugas.",
            [(2, "orang")],
            id="formal-spelled-out-in-brackets",
        ),
        pytest.param(
            "Setiap hari ada 600 pemo\u00adhon paspor di sini.",
            [(600, "pemohon paspor")],
            id="soft-hyphen-inside-unit",
        ),
        pytest.param(
            "Kanim Ambon Tindak 57 WNA\n\nKantor Imigrasi Ambon menindak 57 WNA sepanjang tahun.",
            [(57, "WNA")],
            id="headline-repeat-is-one-count",
        ),
        pytest.param(
            "Imigrasi menolak 40 WNA dan menerbitkan 40 paspor.",
            [(40, "WNA"), (40, "paspor")],
            id="same-number-two-facts",
        ),
    ],
)
def test_counts_found(text, expected):
    assert counts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Sidang digelar pada 22 Mei 2025 di Jakarta.", id="date-day-month"),
        pytest.param("Dia diperiksa pada Senin (4/3/2024) sore.", id="date-slashes"),
        pytest.param("Sepanjang 2023 pelayanan terus meningkat.", id="year"),
        pytest.param("Kantor dibuka pukul 08.00 WIB.", id="time"),
        pytest.param("Pria itu berusia 32 tahun.", id="age"),
        pytest.param("Mereka, MCC (33) dan MUC (35), diperiksa.", id="age-in-brackets"),
        pytest.param("Ia overstay selama 60 hari.", id="duration-days"),
        pytest.param("Penangkalan berlaku enam bulan.", id="duration-months"),
        pytest.param("Antrean bisa sampai tiga jam.", id="duration-hours"),
        pytest.param("Izin itu berlaku lima sampai sepuluh tahun.", id="duration-range"),
        pytest.param("Biaya paspor Rp 650.000 per buku.", id="money-rp-space"),
        pytest.param("Biaya beban Rp1 juta per hari.", id="money-rp-glued"),
        pytest.param("Denda mencapai 5 juta rupiah.", id="money-rupiah"),
        pytest.param("Realisasi anggaran mencapai 93.60 persen.", id="percent-word"),
        pytest.param("Kuota dibatasi hanya sekitar 20% saja.", id="percent-sign"),
        pytest.param("Kantor itu menempati peringkat tiga nasional.", id="rank"),
        pytest.param("Perayaan HUT ke-67 berlangsung meriah.", id="ordinal-hyphen"),
        pytest.param("Agenda Hari Bhakti ke 69 ditutup.", id="ordinal-space"),
        pytest.param("Kantor Imigrasi Kelas 2 Bekasi dan Kelas I Bogor hadir.", id="office-class"),
        pytest.param("Mereka melanggar Pasal 75 ayat (2) UU No. 6 Tahun 2011.", id="law-article"),
        pytest.param("Hubungi 0811-1234-5678 untuk informasi.", id="phone"),
        pytest.param("Dua dari 16 kantor imigrasi itu dinilai.", id="offices-not-counted"),
        pytest.param("Kantor imigrasi di provinsi itu sebanyak 16.", id="offices-before-amount"),
        pytest.param("Mereka berasal dari 13 negara.", id="countries-not-counted"),
        pytest.param("Kanim Bekasi meraih tiga penghargaan.", id="awards-not-counted"),
        pytest.param("Petugas menyita 5 mobil dan 2 kapal.", id="vehicles-not-counted"),
        pytest.param("Seorang WNA asal Jepang dideportasi.", id="article-seorang"),
        pytest.param("Sebuah paspor palsu ditemukan.", id="article-sebuah"),
        pytest.param("Keduanya mengaku pemain sepak bola.", id="pronoun-keduanya"),
        pytest.param("Ketiganya diperiksa petugas.", id="pronoun-ketiganya"),
        pytest.param("Mereka berdua ditahan.", id="pronoun-berdua"),
        pytest.param("Ratusan orang memadati kantor itu.", id="vague-ratusan"),
        pytest.param(
            "Kuota dibagi menjadi 200 kuota daring dan 100 kuota langsung.",
            id="bare-number-before-unknown-noun",
        ),
        pytest.param("Puluhan WNA terjaring razia.", id="vague-puluhan"),
        pytest.param("Lebih dari dua ratus WNA ditolak masuk.", id="vague-lebih-dari"),
        pytest.param("Jumlahnya meningkat 3 kali lipat.", id="multiplier-kali-lipat"),
        pytest.param("Pandemi Covid-19 membatasi layanan.", id="number-in-name"),
        pytest.param("Ibrahim, salah satu pemohon, mengeluh.", id="salah-satu"),
        pytest.param("Ketiga WNA Thailand itu diperiksa.", id="ordinal-ketiga"),
    ],
)
def test_not_counts(text):
    assert counts(text) == []


def test_vague_figure_repeated_is_still_vague():
    text = "Lebih dari dua ratus WNA ditolak masuk. Dari dua ratus WNA tersebut, banyak kembali."
    assert counts(text) == []


def test_count_evidence_is_the_sentence():
    text = "Kantor itu sibuk. Petugas mendeportasi 5 WNA asal Yaman. Lalu rapat."
    found = nlp.extract(text).counts
    assert len(found) == 1
    ev = found[0].evidence
    assert ev.sentence == "Petugas mendeportasi 5 WNA asal Yaman."
    assert text[ev.start : ev.end] == ev.sentence
    assert "WNA" in found[0].what


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("Penerbitan paspor per tahun, yakni 2016 (4.764) dan 2017 (6.322).",
                     [(4764, None), (6322, None)], id="figure-in-brackets-after-year"),
        pytest.param("Izin tinggal terbagi dari ITK (489) orang dan ITAS (101) orang.",
                     [(489, "orang"), (101, "orang")], id="figure-in-brackets-before-unit"),
        pytest.param("Pelaku berinisial MCC (33) ditangkap.", [], id="age-in-brackets"),
        pytest.param("Tahun lalu terbit 6.558 paspor. Rinciannya 2018 (6.558).",
                     [(6558, "paspor")], id="restated-figure-once"),
    ],
)
def test_bracketed_figures(text, expected):
    assert counts(text) == expected
