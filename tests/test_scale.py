"""pipelines/extract.py at scale: memory stays flat as the number of articles grows."""

from __future__ import annotations

import gc
import hashlib
import random
import tracemalloc

import nlp
from pipelines.db import open_db
from pipelines.extract import run_extract

# Invented sentences (no real news text): an office, a count with a nationality, filler.
OFFICES = ("Kantor Imigrasi Kelas I TPI Serang", "Kantor Imigrasi Kelas II TPI Blitar",
           "Rumah Detensi Imigrasi Makassar")
COUNTRIES = ("Nigeria", "India", "Tiongkok", "Bangladesh", "Filipina")
VARIANTS = 20
FILLER = ("Petugas memeriksa dokumen perjalanan secara menyeluruh.",
          "Masyarakat diimbau melapor bila mengetahui orang asing yang mencurigakan.")


def small_article(rng: random.Random) -> str:
    return " ".join([f"{rng.choice(OFFICES)} mendeportasi {rng.randint(2, 40)} WNA asal "
                     f"{rng.choice(COUNTRIES)} pada Senin ({rng.randint(1, 28)}/"
                     f"{rng.randint(1, 12):02d}).", *rng.sample(FILLER, 2)])


def build(path, n: int) -> None:
    """A database of n small articles with 40-character ids, as real (hashed) ids are.

    The texts cycle through VARIANTS articles, so every batch (a multiple of VARIANTS)
    holds the same facts and only the number of articles differs between two databases.
    """
    texts = [small_article(random.Random(v)) for v in range(VARIANTS)]
    db = open_db(path)
    rows = [{"article_id": hashlib.sha1(f"{n}-{i}".encode()).hexdigest(),
             "url": f"https://k.example/{i}", "source": "kabar", "title": "Judul",
             "published": "2026-03-14T09:30:00+07:00", "text": texts[i % VARIANTS],
             "fetched_at": "2026-11-01T00:00:00+00:00"} for i in range(n)]
    db["articles"].insert_all(rows, pk="article_id")  # one call, so one transaction
    db.close()
    # Opened once more here, so whatever open_db builds on a new database's first open with
    # articles (indexes) happens outside the measured run.
    open_db(path).close()


def extract_memory(path) -> tuple[int, int]:
    """(held, peak): traced bytes above the start after the last batch is stored (after a
    garbage collection, so the number is repeatable), and the peak over the batches after the
    first (a start-up transient such as the gazetteer is left out). run_extract, workers=1.

    Both are read after the last batch: the later stages (stories, events), which are not
    this module's, do not count.
    """
    seen = []

    def progress(done: int, total: int) -> None:
        if not seen:
            tracemalloc.reset_peak()
            seen.append(None)
        if done == total:
            peak = tracemalloc.get_traced_memory()[1]
            gc.collect()
            seen.append((tracemalloc.get_traced_memory()[0], peak))
            tracemalloc.stop()  # tracing slows the later stages several times over

    gc.collect()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        result = run_extract(path, progress=progress, batch_size=200)
    finally:
        tracemalloc.stop()  # when run_extract failed before the last batch
    assert len(seen) == 2 and result["articles"] > 0
    held, peak = seen[1]
    return held - start, peak - start


def test_extract_memory_does_not_grow_with_the_number_of_articles(tmp_path):
    nlp.extract(small_article(random.Random(0)))  # the pipeline is built outside the measure
    build(tmp_path / "warm.db", 200)
    extract_memory(tmp_path / "warm.db")  # first-use caches (gazetteer, pycountry, statements)
    # From 2,000: below that, first-use caches still fill (1,000 peaked ~0.2 MB lower).
    build(tmp_path / "small.db", 2000)
    build(tmp_path / "large.db", 4000)
    small, large = extract_memory(tmp_path / "small.db"), extract_memory(tmp_path / "large.db")
    # Holding one more 40-character id per article (a list of every pending id) would add
    # about 2,000 x 97 bytes = 190 KB to what is held; one batch is the same at any size.
    assert large[0] - small[0] < 64_000, (small, large)
    # The peak moves by up to ~0.1 MB from run to run (when garbage is collected); holding
    # every extraction would add megabytes.
    assert large[1] - small[1] < 400_000, (small, large)


def test_a_few_pending_among_many_are_listed_and_extracted_like_the_rest(tmp_path):
    """A daily update: the pending ids are listed at once from the index (pending_ids with
    `listed`), and exactly the new articles are extracted, as the paged walk would find."""
    from pipelines.extract import pending_ids

    path = tmp_path / "daily.db"
    build(path, 220)
    run_extract(path, workers=1)  # all 220 extracted
    db = open_db(path)
    new = [{"article_id": hashlib.sha1(f"new-{i}".encode()).hexdigest(),
            "url": f"https://k.example/n{i}", "source": "kabar", "title": "Judul",
            "published": "2026-03-15T09:30:00+07:00",
            "text": small_article(random.Random(i)), "fetched_at": "2026-11-02T00:00:00+00:00"}
           for i in range(20)]
    db["articles"].insert_all(new, pk="article_id")
    listed = [i for page in pending_ids(db, listed=20, page=7) for i in page]
    walked = [i for page in pending_ids(db, page=7) for i in page]
    assert listed == walked == sorted(r["article_id"] for r in new)
    db.close()
    assert run_extract(path, workers=1)["articles"] == 20
    db = open_db(path)
    assert db.execute("select count(*) from articles where extracted_at is null").fetchone()[0] == 0
    db.close()
