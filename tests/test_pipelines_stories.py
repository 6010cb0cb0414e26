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


# --- Scale: the same groups as datasketch's LSH, signatures kept, only changes written --------


def lsh_reference(texts: dict[str, str], threshold: float) -> list[list[str]]:
    """The grouping as it was first written: every text in a MinHashLSH, each one queried."""
    from datasketch import MinHashLSH

    from pipelines.stories import NUM_PERM, shingles, signature

    lsh, sigs = MinHashLSH(threshold=threshold, num_perm=NUM_PERM), {}
    for key, text in texts.items():
        sigs[key] = signature(text)
        if shingles(text):
            lsh.insert(key, sigs[key])
    parent = {k: k for k in texts}

    def find(k):
        while parent[k] != k:
            k = parent[k]
        return k

    for key, sig in sigs.items():
        if shingles(texts[key]):
            for other in lsh.query(sig):
                if other != key and sig.jaccard(sigs[other]) >= threshold:
                    parent[find(key)] = find(other)
    groups = {}
    for key in texts:
        groups.setdefault(find(key), []).append(key)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def mixed_texts(seed: int, n: int) -> dict[str, str]:
    """Texts cut and glued from the fixtures at random: every degree of overlap, chains too."""
    import random

    rng = random.Random(seed)
    words = " ".join([*REPRINTS, *OTHER_STORIES]).split()
    texts = {}
    for i in range(n):
        start = rng.randrange(len(words))
        texts[f"t{i:03d}"] = " ".join(words[start:start + rng.choice([2, 20, 60, 120])])
    texts["empty"] = ""
    texts["empty2"] = "  "
    return texts


def test_grouping_matches_datasketch_lsh_on_random_overlaps():
    checked = 0
    for seed in range(3):
        texts = mixed_texts(seed, 150)
        for threshold in (0.3, 0.5):
            expected = lsh_reference(texts, threshold)
            assert group_near_duplicates(texts, threshold) == expected
            checked += sum(len(g) > 1 for g in expected)
    assert checked > 10  # the sets do contain stories, not only singletons


def test_stored_signatures_are_the_minhash_values_of_the_shingle_sets():
    """signature_blob hashes every 3-gram as it comes (repeats included) in numpy; the values
    are those of datasketch's MinHash over the set of shingles (signature)."""
    import numpy as np

    from pipelines.story_signatures import signature, signature_blob

    texts = [*mixed_texts(3, 120).values(), "a b", "satu", "", "  ", "Ünïcödé kata-kata çé ğ",
             "ulang ulang ulang ulang ulang ulang", "WNA WNA, wna; Wna. wNa!", " ".join(REPRINTS)]
    compared = 0
    for text in texts:
        m = signature(text)
        expected = None if m.is_empty() else m.hashvalues.astype("<u4").tobytes()
        assert signature_blob(text) == expected, text
        compared += expected is not None
    assert compared > 100
    assert np.frombuffer(signature_blob(" ".join(REPRINTS)), dtype="<u4").min() > 0


def test_buckets_whose_keys_collide_are_sorted_by_their_values(monkeypatch):
    """story_groups sorts each band by one hashed key per row; where two different bands share
    a key it sorts by the values instead: the same groups as with no collision."""
    import numpy as np

    from pipelines import story_groups

    texts = mixed_texts(7, 150)
    expected = lsh_reference(texts, 0.3)
    assert sum(len(g) > 1 for g in expected) > 3
    # Every row the same key: every band collides.
    monkeypatch.setattr(story_groups, "_band_keys",
                        lambda sigs, rows, start, end: np.zeros(len(rows), dtype=np.uint64))
    assert group_near_duplicates(texts, 0.3) == expected


def store(db, article_id, text, published="2026-03-12", source="kabar"):
    store_article(db, {"article_id": article_id, "url": f"https://{source}.example/{article_id}",
                       "fetched_url": f"https://{source}.example/{article_id}",
                       "source": source, "title": f"Judul {article_id}",
                       "published": published, "text": text, "fetched_at": "2026-03-20"})


def story_tables(db):
    return (sorted(tuple(r.values()) for r in db["stories"].rows),
            sorted((r["article_id"], r["story_id"]) for r in
                   db.query("select article_id, story_id from articles")))


def test_rerun_hashes_only_new_or_changed_articles_and_writes_only_changes(db_path, tmp_path,
                                                                           monkeypatch):
    import pipelines.story_signatures as signatures

    db = open_db(db_path)
    for i, text in enumerate(REPRINTS[:3]):
        store(db, f"r{i}", text, published=f"2026-03-1{i}")
    store(db, "o0", OTHER_STORIES[0])
    assert rebuild_stories(db) == 1
    hashed = []
    monkeypatch.setattr(signatures, "signature_blob",
                        lambda text, real=signatures.signature_blob: hashed.append(text)
                        or real(text))
    db.execute("create temp table writes (article_id text)")
    db.execute("""create temp trigger count_writes after update of story_id on articles
                  begin insert into writes values (new.article_id); end""")
    assert rebuild_stories(db) == 1
    assert (hashed, db.execute("select count(*) from writes").fetchone()[0]) == ([], 0)
    # Only new articles: the previous stories seed the run. A new reprint joins the story (its
    # id, from the smallest article id, stays), a new other story stays alone.
    store(db, "r3", REPRINTS[3], published="2026-03-09")
    store(db, "o1", OTHER_STORIES[1])
    assert rebuild_stories(db) == 1
    assert sorted(hashed) == sorted([REPRINTS[3], OTHER_STORIES[1]])
    assert sorted(r[0] for r in db.execute("select article_id from writes")) == ["o1", "r3"]
    assert story_tables(db) == story_tables(fresh_copy(db, tmp_path / "fresh1.db"))
    # A rewritten text is hashed again and leaves the story (every story is then regrouped).
    hashed.clear()
    db.execute("delete from writes")
    rewritten = " ".join(reversed(OTHER_STORIES[0].split()))  # no 3-gram in common
    store(db, "r2", rewritten, published="2026-03-12")
    assert rebuild_stories(db) == 1
    assert hashed == [rewritten]
    assert sorted(r[0] for r in db.execute("select article_id from writes")) == ["r2"]
    assert story_tables(db) == story_tables(fresh_copy(db, tmp_path / "fresh2.db"))
    [big] = [s for s in db["stories"].rows if s["articles"] > 1]
    assert (big["articles"], big["article_id"], big["first_published"],
            big["last_published"]) == (3, "r3", "2026-03-09", "2026-03-11")


def fresh_copy(db, path):
    """The same articles, grouped by a first run in a new database."""
    fresh = open_db(path)
    for row in db.query("select article_id, text, published from articles"):
        store(fresh, row["article_id"], row["text"], published=row["published"])
    rebuild_stories(fresh)
    return fresh


def test_large_buckets_compare_neighbours_and_never_join_what_the_reference_keeps_apart(
        monkeypatch):
    import pipelines.story_groups as story_groups

    texts = mixed_texts(7, 150)
    expected = lsh_reference(texts, 0.3)
    # Every bucket "large": with neighbours reaching across a whole bucket, the same stories.
    monkeypatch.setattr(story_groups, "EXACT_BUCKET", 1)
    monkeypatch.setattr(story_groups, "NEIGHBOURS", len(texts))
    assert group_near_duplicates(texts, 0.3) == expected
    # With one neighbour each, a story may split, but every group lies within a true story.
    monkeypatch.setattr(story_groups, "NEIGHBOURS", 1)
    got = group_near_duplicates(texts, 0.3)
    story_of = {k: i for i, g in enumerate(expected) for k in g}
    assert all(len({story_of[k] for k in g}) == 1 for g in got)
    assert sum(len(g) > 1 for g in got) > 0
