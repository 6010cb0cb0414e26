"""pipelines/stories.py: a press release reprinted by four outlets is one story; others apart."""

from __future__ import annotations

from pipelines.db import open_db
from pipelines.store import store_article
from pipelines.stories import group_near_duplicates, rebuild_stories

# An invented press release of Kantor Imigrasi Kelas I TPI Serang.
RELEASE = (
    "Kantor Imigrasi Kelas I TPI Serang mendeportasi tujuh warga negara asing yang melanggar izin "
    "tinggal di wilayah Kabupaten Serang dan Kota Cilegon. Ketujuh WNA tersebut terdiri atas tiga "
    "warga Nigeria, dua warga Tiongkok dan dua warga Vietnam yang diamankan dalam pengawasan rutin "
    "pada awal bulan ini. Kepala Kantor Imigrasi Kelas I TPI Serang, Andika Pratama, mengatakan "
    "para WNA itu tinggal melebihi masa berlaku izin tinggal dan sebagian bekerja tanpa izin di "
    "kawasan industri. Menurut Andika, pendeportasian dilakukan melalui Bandara Soekarno-Hatta "
    "dengan pengawalan petugas hingga pesawat lepas landas. Nama para WNA juga diusulkan masuk "
    "daftar penangkalan agar tidak dapat kembali ke Indonesia dalam waktu tertentu. Ia mengimbau "
    "perusahaan dan pemilik penginapan melaporkan keberadaan orang asing kepada kantor imigrasi "
    "terdekat serta memanfaatkan aplikasi pelaporan orang asing yang tersedia secara daring. "
    "Pengawasan orang asing akan terus ditingkatkan bersama Tim Pengawasan Orang Asing kabupaten "
    "dan kota, kata Andika menutup keterangannya kepada wartawan di Serang."
)
# Four reprints with the small edits outlets make: a new lead, words for numbers, a cut ending.
REPRINTS = [
    "SERANG – " + RELEASE,
    RELEASE.replace("tujuh warga negara asing", "7 WNA").replace("tiga", "3"),
    "Imigrasi Serang kembali bertindak tegas. " + RELEASE.replace("Tiongkok", "RRT"),
    RELEASE.rsplit(" Pengawasan orang asing", 1)[0].replace("mengatakan", "menjelaskan"),
]
# Two different happenings at the same office, in the same words of office and title.
OTHER_STORIES = [
    "Kantor Imigrasi Kelas I TPI Serang membuka layanan paspor pada hari Sabtu untuk melayani "
    "calon jemaah umrah dan pekerja migran. Kepala Kantor Imigrasi Kelas I TPI Serang, Andika "
    "Pratama, mengatakan kuota layanan akhir pekan sebanyak seratus pemohon dengan pendaftaran "
    "melalui aplikasi. Pemohon diminta datang sesuai jadwal dan membawa dokumen asli seperti KTP, "
    "kartu keluarga dan akta kelahiran agar proses wawancara dan foto berjalan lancar.",
    "Kantor Imigrasi Kelas I TPI Serang menerima penghargaan pelayanan publik terbaik dari "
    "pemerintah provinsi dalam acara di pendopo gubernur. Kepala Kantor Imigrasi Kelas I TPI "
    "Serang, Andika Pratama, mengatakan penghargaan itu menjadi pemacu bagi seluruh pegawai untuk "
    "terus memperbaiki sarana ruang tunggu, layanan pengaduan dan kecepatan penerbitan dokumen "
    "perjalanan bagi masyarakat Banten.",
]


def test_reprints_group_and_other_stories_stay_apart():
    texts = {f"r{i}": t for i, t in enumerate(REPRINTS)}
    texts.update({f"o{i}": t for i, t in enumerate(OTHER_STORIES)})
    groups = group_near_duplicates(texts)
    assert groups == [["o0"], ["o1"], ["r0", "r1", "r2", "r3"]]


def test_strict_threshold_splits_the_edited_reprints():
    texts = {f"r{i}": t for i, t in enumerate(REPRINTS)}
    assert len(group_near_duplicates(texts, threshold=0.5)) == 1
    assert len(group_near_duplicates(texts, threshold=0.95)) > 1


def test_rebuild_stories_counts_outlets(db_path):
    db = open_db(db_path)
    outlets = ["kabar", "warta", "suara", "pos"]
    for i, (text, outlet) in enumerate(zip(REPRINTS, outlets, strict=True)):
        store_article(db, {"article_id": f"r{i}", "url": f"https://{outlet}.example/r",
                           "fetched_url": f"https://{outlet}.example/r", "source": outlet,
                           "title": f"Rilis {i}",
                           "published": f"2026-03-1{i}", "text": text, "fetched_at": "2026-03-20"})
    for i, text in enumerate(OTHER_STORIES):
        store_article(db, {"article_id": f"o{i}", "url": f"https://kabar.example/o{i}",
                           "fetched_url": f"https://kabar.example/o{i}", "source": "kabar",
                           "title": f"Lain {i}", "published": "2026-03-12", "text": text,
                           "fetched_at": "2026-03-20"})
    assert rebuild_stories(db) == 1
    assert rebuild_stories(db) == 1  # idempotent
    stories = sorted(db["stories"].rows, key=lambda s: -s["articles"])
    assert len(stories) == 3
    big = stories[0]
    assert (big["articles"], big["outlets"], big["article_id"], big["first_published"]) == (
        4, 4, "r0", "2026-03-10")
    story_of = {r["article_id"]: r["story_id"] for r in db["articles"].rows}
    assert len({story_of[f"r{i}"] for i in range(4)}) == 1
    assert story_of["o0"] != story_of["o1"] != story_of["r0"]
