"""Tests for nlp/count_categories.py: a count's category follows what governs it in its clause.

Every sentence here is written for the test (GOLD.md's categories, our own phrasing); one
phrasing per case, grouped by the rule of the module docstring that decides it.
"""

import pytest

import nlp
from nlp.count_categories import CATEGORIES


def categories(text):
    return [(c.value, c.category) for c in nlp.extract(text).counts]


@pytest.mark.parametrize(
    "text, expected",
    [
        # --- the governor on the left: the verb or noun the count is the object of ----------
        pytest.param("Kanim Malang mendeportasi 8 WNA asal Yaman.", [(8, "deportation")],
                     id="verb-deport"),
        pytest.param("Petugas menangkap 6 WNA dalam razia malam.", [(6, "arrest")],
                     id="verb-arrest-before-operation-noun"),
        pytest.param("Rudenim itu kini mendetensi 9 orang tanpa kewarganegaraan.",
                     [(9, "detention")], id="verb-detain"),
        pytest.param("Petugas bandara menolak kedatangan 14 orang asing.",
                     [(14, "refusal_of_entry")], id="refused-arrival"),
        pytest.param("Kantor itu melakukan penundaan terhadap 75 pemohon paspor.",
                     [(75, "departure_postponed")], id="postponed-over-unit"),
        pytest.param("Kasus itu naik ke tahap projustitia sebanyak 4 kasus.",
                     [(4, "prosecution")], id="projustitia-noun"),
        pytest.param("Kanim mengenakan denda kepada 12 orang asing.",
                     [(12, "administrative_sanction")], id="fine"),
        pytest.param("Tim gabungan memeriksa 40 WNA di kawasan industri.",
                     [(40, "supervision")], id="verb-inspect"),
        pytest.param("Kantor kami menerbitkan 1.215 paspor bulan lalu.",
                     [(1215, "passport_issued")], id="issued-passports"),
        pytest.param("Kanwil menerbitkan 930 izin tinggal terbatas.",
                     [(930, "permit_issued")], id="issued-permits"),
        pytest.param("Loket melayani 200 pemohon per hari.", [(200, "applicants_served")],
                     id="serve"),
        pytest.param("Imigrasi memperpanjang 310 izin tinggal kunjungan.",
                     [(310, "permit_issued")], id="extended-permits"),
        # head-first chains: the head decides; an activity gives way to a fate named after it
        pytest.param("Kantor itu menangguhkan pengajuan penerbitan paspor kepada 61 orang.",
                     [(61, "departure_postponed")], id="chain-head-postponed"),
        pytest.param("Petugas melakukan pengawasan keberangkatan deportasi dua orang WNA.",
                     [(2, "deportation")], id="chain-activity-gives-way-to-fate"),
        pytest.param("Ditjen telah mendeportasi atau mendenda 900 orang asing tahun ini.",
                     [(900, "deportation")], id="coordinated-first-named"),
        pytest.param("Kantor memberikan Tindakan Administratif Keimigrasian (TAK) kepada 33 WNA.",
                     [(33, "administrative_sanction")], id="over-parenthesis"),
        pytest.param("Untuk pelanggaran izin tinggal, kantor melakukan deportasi terhadap 21 WNA.",
                     [(21, "deportation")], id="light-verb-ends-chain"),
        pytest.param("Kanim menjatuhkan tindakan administratif berupa deportasi kepada 6 WNA.",
                     [(6, "deportation")], id="specific-act-after-berupa"),
        pytest.param("Pelayanan penerbitan paspor mencapai 2.300 paspor bulan ini.",
                     [(2300, "passport_issued")], id="activity-chain-fits-counted-noun"),
        pytest.param("Petugas bandara menolak keberangkatan 37 PMI ke Timur Tengah.",
                     [(37, "departure_postponed")], id="refused-departure"),
        pytest.param("Tahun lalu permohonan 12 orang ditolak karena dokumennya tidak lengkap.",
                     [(12, "departure_postponed")], id="refused-application"),
        pytest.param("Tim Pora menggelar kegiatan bersama sebanyak 35 kegiatan.",
                     [(35, "operation")], id="joint-activities"),
        pytest.param("Imigrasi menggelar pengawasan sebanyak 6 kali dan mendeportasi 2 WNA.",
                     [(6, "operation"), (2, "deportation")], id="times-held-are-operations"),
        pytest.param("Dari 30 WNA yang kami deportasi, 12 di antaranya karena overstay.",
                     [(30, "deportation"), (12, "deportation")], id="reason-is-not-fate"),
        pytest.param("Petugas memeriksa paspor dan izin tinggal 27 WNA di hotel itu.",
                     [(27, "supervision")], id="verb-over-possessed-documents"),
        pytest.param("Untuk izin tinggal terbatas ada 930 orang tahun ini.",
                     [(930, "permit_issued")], id="document-before-linker"),
        pytest.param("Kanim Batam menggelar rapat Timpora sebanyak 3 kali tahun ini.",
                     [(3, "operation")], id="times-this-year"),
        pytest.param("Kanim menunda keberangkatan 17 calon PMI nonprosedural.",
                     [(17, "departure_postponed")], id="prospective-migrant-workers"),
        pytest.param("Pemohon yang datang mencapai 400 orang per hari.",
                     [(400, "applicants_served")], id="noun-before-yang-clause"),
        pytest.param("Saat ini Rudenim menampung 120 pencari suaka sambil menunggu deportasi.",
                     [(120, "detention")], id="asylum-seekers-held"),
        pytest.param("Sebanyak 3 WNA telah disidangkan di Pengadilan Negeri sebelum dideportasi.",
                     [(3, "prosecution")], id="taken-to-court"),
        pytest.param("Kami mengeluarkan ijin tinggal bagi WNA yang terbagi dari ITK (48) orang.",
                     [(48, "permit_issued")], id="ijin-spelling-and-bracket"),
        pytest.param("Kanim Pekanbaru mendeportasi 7 WNA asal Malaysia dan 2 WNA asal Laos.",
                     [(7, "deportation"), (2, "deportation")], id="coordinated-objects"),
        pytest.param("Kanim Bogor mendeportasi 5 WNA, sementara 3 WNA lain masih diperiksa.",
                     [(5, "deportation"), (3, "supervision")], id="coordinated-own-verb"),
        # object voice: "[pronoun] [root]" after the count
        pytest.param("Dari hasil razia, delapan WNA kami amankan ke kantor.", [(8, "arrest")],
                     id="object-voice"),
        # --- what is not the count's fate -------------------------------------------------------
        pytest.param("Dari tangan pelaku petugas menyita lima paspor palsu.", [(5, "other")],
                     id="seized-passports-are-not-issued"),
        pytest.param("Kantor Imigrasi Entikong menyerahkan 15 deteni ke Rudenim.",
                     [(15, "detention")], id="people-handed-over-are-not-documents"),
        pytest.param("Petugas mengamankan 10 WNA. Sisanya 4 orang yang tinggal menunggu jadwal "
                     "deportasi.", [(10, "arrest"), (4, "arrest")], id="awaited-fate-is-not-fate"),
        pytest.param("Petugas memberikan sosialisasi kepada 300 warga tentang prosedur bekerja "
                     "di luar negeri.", [(300, "other")], id="outreach-is-other"),
        # --- the predicate on the right: the count is the subject ------------------------------
        pytest.param("Sebanyak 11 WNA asal Nigeria dideportasi melalui Soekarno-Hatta.",
                     [(11, "deportation")], id="passive-deport"),
        pytest.param("Sebanyak 19 WNA ditolak masuk di pelabuhan itu.",
                     [(19, "refusal_of_entry")], id="passive-refused-entry"),
        pytest.param("Ada 40 laki-laki dan 21 perempuan mengalami penundaan paspor.",
                     [(40, "departure_postponed"), (21, "departure_postponed")],
                     id="coordinated-subjects-share-predicate"),
        pytest.param("Sebanyak 7 WNA yang melanggar izin tinggal diamankan petugas.",
                     [(7, "arrest")], id="main-verb-after-relative-clause"),
        pytest.param("Lalu 15 orang deteni berhasil dipulangkan ke negaranya masing-masing.",
                     [(15, "deportation")], id="verb-beats-detainee-noun"),
        pytest.param("Sebanyak 30 pengungsi bersedia kembali ke negaranya secara sukarela.",
                     [(30, "other")], id="voluntary-return-is-other"),
        pytest.param("Sebanyak 5 PMI dari Malaysia difasilitasi pemulangannya oleh BP2MI.",
                     [(5, "deportation")], id="nya-suffix"),
        # --- the count's own noun ------------------------------------------------------------
        pytest.param("Empat petugas berjaga di lobi kantor.", [(4, "staff")], id="staff"),
        pytest.param("Sebanyak 60 personel Satgas dikerahkan dalam operasi itu.",
                     [(60, "staff")], id="staff-beats-operation"),
        pytest.param("Saat ini Rudenim menampung 88 deteni.", [(88, "detention")],
                     id="detainees"),
        pytest.param("Tercatat 3 tersangka dalam perkara pemalsuan dokumen.",
                     [(3, "prosecution")], id="suspects"),
        pytest.param("Terdapat 1.500 pengungsi di kota itu.", [(1500, "residents")],
                     id="refugees-are-residents"),
        pytest.param("Terminal itu melayani 45.000 penumpang setiap hari.",
                     [(45000, "applicants_served")], id="served-verb-beats-passenger-noun"),
        pytest.param("Bandara itu dilewati 45.000 penumpang setiap hari.",
                     [(45000, "other")], id="passengers-are-other"),
        pytest.param("Dalam kegiatan itu terkumpul 120 pemohon.", [(120, "applicants_served")],
                     id="applicants"),
        # --- presence, and presence in a detention house ---------------------------------------
        pytest.param("Ada 1.200 orang asing yang tinggal di kabupaten itu.",
                     [(1200, "residents")], id="residing"),
        pytest.param("Masih ada 30 WNA yang berada di Rumah Detensi Imigrasi Medan.",
                     [(30, "detention")], id="present-in-detention-house"),
        pytest.param("Kapasitas rudenim itu 150 orang.", [(150, "detention")],
                     id="capacity-of-detention-house"),
        # --- groups and lists -----------------------------------------------------------------
        pytest.param("Imigrasi mendeportasi 12 WNA. Lima di antaranya berasal dari Ghana.",
                     [(12, "deportation"), (5, "deportation")], id="subset-di-antaranya"),
        pytest.param("Sebanyak 9 WNA ditolak masuk. Dengan rincian Malaysia 4 orang, "
                     "India 3 orang dan Nepal 2 orang.",
                     [(9, "refusal_of_entry"), (4, "refusal_of_entry"), (3, "refusal_of_entry"),
                      (2, "refusal_of_entry")], id="breakdown-sentence"),
        pytest.param("WNA Kamboja paling banyak dideportasi, yakni 20 orang, disusul Laos "
                     "sebanyak 8 orang.", [(20, "deportation"), (8, "deportation")],
                     id="list-in-one-sentence"),
        pytest.param("Petugas menahan 6 WNA. Hanya dua orang yang memiliki paspor.",
                     [(6, "detention"), (2, "detention")], id="owning-passport-is-no-cue"),
        pytest.param("Imigrasi mengamankan 10 WNA. Bahkan tiga di antaranya, diamankan di "
                     "Kupang.", [(10, "arrest"), (3, "arrest")], id="subset-own-verb"),
        pytest.param("Kanim mendenda 30 WNA. Mereka melanggar aturan. \"Kami tegas,\" kata dia. "
                     "Ia menambahkan itu. Adapun mereka berasal dari dua negara, yakni 20 orang "
                     "dari Laos dan Nepal 10 orang.",
                     [(30, "administrative_sanction"), (20, "administrative_sanction"),
                      (10, "administrative_sanction")], id="breakdown-after-a-quote"),
        pytest.param("Kanim mendenda 30 WNA. Satu. Dua. Tiga. Empat. Lima. Enam. Ada 12 orang "
                     "dari Laos.", [(30, "administrative_sanction"), (12, "other")],
                     id="no-group-far-back"),
        # --- clauses: a cue in another clause does not decide ------------------------------------
        pytest.param("Penolakan terbanyak karena alasan kesehatan, sebanyak 40 orang.",
                     [(40, "refusal_of_entry")], id="clause-reaches-over-comma-for-sebanyak"),
        pytest.param("Kami mengawasi 246 WNA di wilayah itu dan mengamankan 11 WNA.",
                     [(246, "supervision"), (11, "arrest")], id="two-clauses-two-verbs"),
        pytest.param("Sepanjang tahun ada 53 kegiatan dengan jumlah penerbitan 4.336 paspor.",
                     [(53, "other"), (4336, "passport_issued")],
                     id="cue-governing-another-count"),
        pytest.param("Kantor itu dikunjungi 7 mahasiswa.", [(7, "other")], id="no-fate-other"),
        pytest.param("Razia digelar sebanyak 4 kali.", [(4, "operation")],
                     id="operations-held"),
    ],
)
def test_category(text, expected):
    assert categories(text) == expected


def test_every_category_is_known():
    text = ("Kanim mendeportasi 3 WNA. Petugas memeriksa 20 WNA. Loket melayani 90 pemohon. "
            "Empat petugas berjaga.")
    assert {c for _, c in categories(text)} <= set(CATEGORIES)
    assert len(CATEGORIES) == 15


def test_limits_come_from_the_factory_config(tmp_path):
    """A saved pipeline's config.cfg carries the limits; changing one changes the categories."""
    import spacy

    nlp.load_pipeline().to_disk(tmp_path)
    assert "inherit_sentences = 5" in (tmp_path / "config.cfg").read_text()
    text = "Kanim mendeportasi 9 WNA. Dengan rincian Laos 4 orang dan Nepal 5 orang."
    overrides = {"components": {"pantau_counts": {"inherit_sentences": 0}}}
    strict = spacy.load(tmp_path, config=overrides)
    assert [(c["value"], c["category"]) for c in strict(text)._.pantau_counts] == [
        (9, "deportation"), (4, "other"), (5, "other")]
    assert categories(text) == [(9, "deportation"), (4, "deportation"), (5, "deportation")]
