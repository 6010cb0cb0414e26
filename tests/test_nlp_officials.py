"""Tests for nlp/officials.py: named officials, their role as written, and the office it names."""

from __future__ import annotations

import pytest
import spacy

import nlp.offices  # noqa: F401
import nlp.officials  # noqa: F401  (registers pantau_officials)
import nlp.sentences  # noqa: F401
from nlp.schema import Extraction


@pytest.fixture(scope="module")
def pipe():
    p = spacy.blank("id")
    for name in ("pantau_sentences", "pantau_offices", "pantau_officials"):
        p.add_pipe(name)
    return p


def facts(doc):
    """The component's plain dicts on the Doc, as the schema dataclasses nlp.extract returns."""
    return Extraction.from_dict({"people": doc._.pantau_people}).people


def people(pipe, text):
    return [(o.name, o.role, o.office_id) for o in facts(pipe(text))]


@pytest.mark.parametrize(
    "text,expected",
    [
        pytest.param(
            "Kepala Kantor Imigrasi Kelas I TPI Kendari Andi Pratama mengatakan antrean lancar.",
            [("Andi Pratama", "Kepala Kantor Imigrasi Kelas I TPI Kendari", "kanim-kendari")],
            id="role-then-name",
        ),
        pytest.param(
            '"Kami buka Sabtu," ujar Kepala Kanim II Depok, Rina Wulandari, Senin (3/4).',
            [("Rina Wulandari", "Kepala Kanim II Depok", "kanim-depok")],
            id="role-comma-name-comma",
        ),
        pytest.param(
            "Kakanim Palu, Dewi Sartika, menyerahkan paspor pertama.",
            [("Dewi Sartika", "Kakanim Palu", "kanim-palu")],
            id="kakanim-place",
        ),
        pytest.param(
            "Kepala Bidang Intelijen dan Penindakan Keimigrasian Kantor Imigrasi Kelas I TPI "
            "Ambon, Yohanes Latuheru, menjelaskan kronologinya.",
            [
                (
                    "Yohanes Latuheru",
                    "Kepala Bidang Intelijen dan Penindakan Keimigrasian Kantor Imigrasi Kelas I "
                    "TPI Ambon",
                    "kanim-ambon",
                )
            ],
            id="kepala-bidang",
        ),
        pytest.param(
            "Kasi Teknologi Informasi Keimigrasian Kanim Tarakan Hendra Saputra mengatakan "
            "sistem pulih.",
            [
                (
                    "Hendra Saputra",
                    "Kasi Teknologi Informasi Keimigrasian Kanim Tarakan",
                    "kanim-tarakan",
                )
            ],
            id="kasi",
        ),
        pytest.param(
            "Dirjen Imigrasi Agus Salimun meresmikan gedung baru.",
            [("Agus Salimun", "Dirjen Imigrasi", "ditjen-imigrasi")],
            id="dirjen-title",
        ),
        pytest.param(
            "Hal itu disampaikan Direktur Jenderal Imigrasi, Santoso Wibowo, di Jakarta.",
            [("Santoso Wibowo", "Direktur Jenderal Imigrasi", "ditjen-imigrasi")],
            id="direktur-jenderal",
        ),
        # a typo in the role word does not break the role
        pytest.param(
            "kata Dirjen Imgrasi Santoso Wibowo kepada wartawan.",
            [("Santoso Wibowo", "Dirjen Imgrasi", "ditjen-imigrasi")],
            id="role-word-typo",
        ),
        pytest.param(
            "Bupati Sleman Harjono Wibisono menyambut layanan paspor keliling.",
            [("Harjono Wibisono", "Bupati Sleman", None)],
            id="bupati",
        ),
        pytest.param(
            "Wali Kota Depok Rahmat Hidayat hadir membuka pelayanan.",
            [("Rahmat Hidayat", "Wali Kota Depok", None)],
            id="wali-kota",
        ),
        pytest.param(
            "Kepala Perwakilan Ombudsman RI Jawa Tengah Siti Farida menyerahkan hasil penilaian.",
            [("Siti Farida", "Kepala Perwakilan Ombudsman RI Jawa Tengah", None)],
            id="ombudsman-head",
        ),
        pytest.param(
            "Kepala Divisi Keimigrasian Kanwil Kemenkumham Bali, Bambang Sulistyo, mengatakan "
            "razia digelar.",
            [
                (
                    "Bambang Sulistyo",
                    "Kepala Divisi Keimigrasian Kanwil Kemenkumham Bali",
                    "kanwil-bali",
                )
            ],
            id="kadiv-kanwil",
        ),
        pytest.param(
            '"Kami siap," ujar Lestari Handayani, Kepala Kantor Imigrasi Kelas II TPI Tahuna.',
            [("Lestari Handayani", "Kepala Kantor Imigrasi Kelas II TPI Tahuna", "kanim-tahuna")],
            id="name-then-role",
        ),
        pytest.param(
            "Kepala Rudenim Kupang, AB Setiawan, menuturkan kondisi deteni.",
            [("AB Setiawan", "Kepala Rudenim Kupang", "rudenim-kupang")],
            id="initials-before-name",
        ),
        pytest.param(
            "Kepala Kantor Imigrasi Kelas I TPI Jambi, Dr. Hendro Kusumo, mengatakan hal itu.",
            [("Hendro Kusumo", "Kepala Kantor Imigrasi Kelas I TPI Jambi", "kanim-jambi")],
            id="honorific-dropped",
        ),
        # "Kepala Kantor Imigrasi" names no place: it is the one office in the story
        pytest.param(
            "Kantor Imigrasi Kelas II TPI Bitung memeriksa kapal. Kepala Kantor Imigrasi, Yusuf "
            "Manoppo, menyebut semua awak aman.",
            [("Yusuf Manoppo", "Kepala Kantor Imigrasi", "kanim-bitung")],
            id="generic-role-links",
        ),
        # one person, named three ways
        pytest.param(
            "Kepala Rudenim Pekanbaru, Yoga Pratama, memeriksa ruangan. Menurut Yoga, ruangan "
            "cukup. Hal itu ditegaskan Kepala Rudenim Pekanbaru Yoga Pratama.",
            [("Yoga Pratama", "Kepala Rudenim Pekanbaru", "rudenim-pekanbaru")],
            id="dedupe-same-person",
        ),
        pytest.param(
            'Kepala Kanim Ambon Fransiskus Leiwakabessy hadir. "Aman," kata Fransiskus '
            "Leiwakabesy, Kepala Kanim Ambon.",
            [("Fransiskus Leiwakabessy", "Kepala Kanim Ambon", "kanim-ambon")],
            id="dedupe-misspelt-name",
        ),
        pytest.param(
            "Kepala Kantor Imigrasi Kelas I TPI Kendari Sulawesi Tenggara Budi Santoso hadir.",
            [
                (
                    "Budi Santoso",
                    "Kepala Kantor Imigrasi Kelas I TPI Kendari Sulawesi Tenggara",
                    "kanim-kendari",
                )
            ],
            id="province-after-office-is-role",
        ),
        # a city of another province after the office starts the name
        pytest.param(
            "Kepala Kanim Kendari Bima Arya mengatakan hal itu.",
            [("Bima Arya", "Kepala Kanim Kendari", "kanim-kendari")],
            id="name-that-is-a-place",
        ),
        pytest.param(
            "Kepala Seksi Intelijen dan Penindakan Keimigrasian (Inteldakim) Kanim Kupang, Rio "
            "Pratama, menjelaskan.",
            [
                (
                    "Rio Pratama",
                    "Kepala Seksi Intelijen dan Penindakan Keimigrasian (Inteldakim) Kanim Kupang",
                    "kanim-kupang",
                )
            ],
            id="bracket-in-role",
        ),
        pytest.param(
            "Direktur Pengawasan Keimigrasian Ditjen Imigrasi, Brigjen Pol Reinhard Sitorus, tiba.",
            [
                (
                    "Reinhard Sitorus",
                    "Direktur Pengawasan Keimigrasian Ditjen Imigrasi",
                    "ditjen-imigrasi",
                )
            ],
            id="rank-dropped",
        ),
        # headline in title case: a verb where the name would be
        pytest.param("Kakanim Serang Ajak Warga Laporkan WNA", [], id="headline-verb"),
        pytest.param(
            "Kepala Kanim Serang Tinjau Loket\n\nKepala kantor itu tinjau loket setiap pagi.",
            [],
            id="word-written-lowercase-elsewhere",
        ),
        pytest.param(
            "Budi Santoso Kepala Kantor Imigrasi Kelas I TPI Padang menjelaskan aturan itu.",
            [("Budi Santoso", "Kepala Kantor Imigrasi Kelas I TPI Padang", "kanim-padang")],
            id="name-opens-sentence-no-comma",
        ),
        pytest.param(
            "kata Kepala Rudenim Makassar Andi\nSetiawan Putra kepada wartawan.",
            [("Andi Setiawan Putra", "Kepala Rudenim Makassar", "rudenim-makassar")],
            id="name-over-line-break",
        ),
        pytest.param(
            "Baca Juga: Kepala Kanim Bogor Budi Santoso Terima Penghargaan\nRazia digelar.",
            [],
            id="related-link-line",
        ),
        pytest.param(
            "Apel dipimpin Mhd. Rizal Siregar, Kepala Kanwil Kemenkumham Sumut.",
            [("Mhd. Rizal Siregar", "Kepala Kanwil Kemenkumham Sumut", "kanwil-sumut")],
            id="abbreviated-given-name",
        ),
        pytest.param(
            "Ketua Tim Kerja Bidang Detensi dan Deportasi, Bapak Anggoro Wibisono, menjelaskan.",
            [("Anggoro Wibisono", "Ketua Tim Kerja Bidang Detensi dan Deportasi", None)],
            id="long-unit-name",
        ),
        # merely present: listed at an event, not acting
        pytest.param(
            "Turut hadir dalam apel itu Kepala Divisi Keimigrasian, Yanto Wiguna, dan Kepala "
            "Divisi Pemasyarakatan, Rudi Sianipar.",
            [],
            id="present-only",
        ),
        pytest.param(
            "Turut hadir Kepala Rudenim Medan, Tono Sudarto. Tono Sudarto, Kepala Rudenim Medan, "
            "lalu menjelaskan kondisi deteni.",
            [("Tono Sudarto", "Kepala Rudenim Medan", "rudenim-medan")],
            id="present-then-acts",
        ),
        pytest.param(
            "Kepala Bidang Perizinan dan Informasi Keimigrasian Kanim Batam Rina Marlina hadir.",
            [
                (
                    "Rina Marlina",
                    "Kepala Bidang Perizinan dan Informasi Keimigrasian Kanim Batam",
                    "kanim-batam",
                )
            ],
            id="unit-noun-shape",
        ),
        pytest.param(
            'Razia digelar Kanim Kendari. "Ada dua temuan," kata Kabid Inteldakim, Sari '
            "Wulandari, Kamis.",
            [("Sari Wulandari", "Kabid Inteldakim", "kanim-kendari")],
            id="kanim-unit-links-to-story-office",
        ),
        # negative rows
        pytest.param(
            "Petugas mengamankan WNA berinisial AB dan SK di sebuah vila.",
            [],
            id="suspect-initials",
        ),
        pytest.param(
            "WNA berinisial RK diperiksa Kepala Seksi Penindakan.", [], id="role-without-name"
        ),
        pytest.param(
            "Surat Edaran Dirjen Imigrasi No. IMI-123 berlaku sejak Maret.",
            [],
            id="dirjen-in-a-document",
        ),
        pytest.param(
            '"Antreannya cepat," ujar Rudi, salah satu pemohon.', [], id="member-of-public"
        ),
        pytest.param(
            "Kepala Kantor Imigrasi Kelas I TPI Kendari hadir dalam acara itu.", [], id="role-only"
        ),
        pytest.param(
            "kata Kepala Kantor Imigrasi Kelas I TPI Padang, Kamis (5/1).",
            [],
            id="weekday-not-name",
        ),
        pytest.param("Kepala Kantor Imigrasi SK diperiksa.", [], id="initials-after-role"),
        pytest.param("Sakit kepala Budi kambuh.", [], id="lowercase-kepala"),
    ],
)
def test_people(pipe, text, expected):
    assert people(pipe, text) == expected


def test_evidence_is_the_sentence_with_the_name(pipe):
    text = "Razia digelar malam hari. Kepala Kanim Palu, Dewi Sartika, memimpin razia itu."
    found = facts(pipe(text))
    assert len(found) == 1
    ev = found[0].evidence
    assert ev.sentence == "Kepala Kanim Palu, Dewi Sartika, memimpin razia itu."
    assert text[ev.start : ev.end] == ev.sentence


def test_works_without_pantau_offices():
    p = spacy.blank("id")
    p.add_pipe("pantau_sentences")
    p.add_pipe("pantau_officials")
    found = facts(p("Kepala Rudenim Medan, Tono Sudarto, menjelaskan."))
    assert [(o.name, o.office_id) for o in found] == [("Tono Sudarto", "rudenim-medan")]


def test_pipe_over_several_docs(pipe):
    docs = list(
        pipe.pipe(
            [
                "Kepala Kanim Palu, Dewi Sartika, hadir.",
                "Tidak ada pejabat di sini.",
                "Kepala Rudenim Medan, Tono Sudarto, menjelaskan.",
            ]
        )
    )
    assert [[(o.name, o.office_id) for o in facts(d)] for d in docs] == [
        [("Dewi Sartika", "kanim-palu")],
        [],
        [("Tono Sudarto", "rudenim-medan")],
    ]


def names(pipe, text):
    return [o.name for o in facts(pipe(text))]


@pytest.mark.parametrize(
    "text, expected",
    [
        # ministries of 2024-25 and agencies named by shape are role words, never names
        pytest.param("kata Kadiv Keimigrasian Kanwil Kemenkum Jawa Barat Rudi Hartono kemarin.",
                     ["Rudi Hartono"], id="kemenkum-is-a-role-word"),
        pytest.param("Hal itu dikatakan Kepala BP3MI Provinsi Jambi Lestari Wulandari.",
                     ["Lestari Wulandari"], id="agency-acronym"),
        # a typo in a role word keeps the role whole
        pytest.param("Kepala Kantor Wilayah Kementrian Hukum Bali, Made Sudana, hadir memimpin "
                     "rapat.", ["Made Sudana"], id="typo-kementrian"),
        pytest.param("Ia kini menjabat Kepala Divisi Administrari Kanwil Riau Yohanes Bria.",
                     ["Yohanes Bria"], id="typo-administrasi"),
        # titles beyond immigration
        pytest.param("Penghargaan diterima Staf Ahli Bidang Hubungan Antar Lembaga, Tono Sutarno.",
                     ["Tono Sutarno"], id="staf-ahli"),
        pytest.param("Kapolri Listyo Hadi meresmikan pos itu.", ["Listyo Hadi"], id="kapolri"),
        # a handover names the outgoing and the incoming holder of the role
        pytest.param("Diserahterimakan pula jabatan Kadiv Administrasi dari Agus Salim kepada "
                     "Dewi Lestari.", ["Agus Salim", "Dewi Lestari"], id="handover"),
        pytest.param("ujar Kasi Lalu Lintas Keimigrasian, Bima Sakti kepada wartawan Harian "
                     "Pagi.", ["Bima Sakti"], id="kepada-after-a-name-is-no-handover"),
        # a listing of two holders of one role
        pytest.param("Rombongan tiba bersama dua staf Konsuler KBRI Manila, yaitu Rina Amalia "
                     "dan Joko Susanto.", ["Rina Amalia", "Joko Susanto"], id="listing"),
        # the head of an office named by the verb that says who leads it
        pytest.param("Inovasi itu lahir di Kantor Imigrasi Kelas I TPI Kendari yang dipimpin "
                     "Andi Pratama.", ["Andi Pratama"], id="led-by"),
        pytest.param("Tim yang dipimpin Andi Pratama berangkat pagi.", [], id="team-led-by"),
        # people merely accompanying are present, not acting
        pytest.param("Ia didampingi Kepala Seksi Inteldakim Kanim Kendari Surya Dharma.",
                     [], id="accompanying-is-present"),
    ],
)
def test_names_by_role_grammar(pipe, text, expected):
    assert names(pipe, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # a long role with a comma inside, then the name closing the apposition
        pytest.param("Deputi Bidang Koordinasi Politik, Hukum dan Keamanan, Rudi Hartono, hadir.",
                     [("Rudi Hartono", "Deputi Bidang Koordinasi Politik, Hukum dan Keamanan")],
                     id="role-with-comma"),
        pytest.param("Atase Imigrasi KBRI Kuala Lumpur, Andi Widjaja, menjelaskan prosedurnya.",
                     [("Andi Widjaja", "Atase Imigrasi KBRI Kuala Lumpur")],
                     id="foreign-place-in-role"),
        pytest.param("Gubernur Jambi Drs H Sutan Malik, MSi, membuka acara.",
                     [("Sutan Malik", "Gubernur Jambi")], id="degree-after-name"),
        pytest.param("Kepala Kanim Bogor Ruhiyat, Selasa (3/4), mengatakan hal itu.",
                     [("Ruhiyat", "Kepala Kanim Bogor")], id="weekday-after-name"),
        # a typo in the title before an office still opens the role
        pytest.param("Kepla Kantor Imigrasi Bogor, Ruhiyat, menyampaikan hal itu.",
                     [("Ruhiyat", "Kepla Kantor Imigrasi Bogor")], id="typo-in-title"),
        pytest.param("Kepada Kantor Imigrasi Bogor, warga melapor.", [], id="kepada-is-no-title"),
        # a rank inside the run: the name follows it
        pytest.param("Kapolresta Barelang Kombes Pol Heri Susanto mendukung operasi itu.",
                     [("Heri Susanto", "Kapolresta")], id="rank-inside-run"),
        # where a post is, after "di", belongs to the role
        pytest.param("Konsul Jenderal RI di Johor Bahru, Sigit Widodo, menjemput para WNI.",
                     [("Sigit Widodo", "Konsul Jenderal RI di Johor Bahru")], id="post-place"),
    ],
)
def test_long_roles_and_typos(pipe, text, expected):
    assert [(o.name, o.role) for o in facts(pipe(text))] == expected
