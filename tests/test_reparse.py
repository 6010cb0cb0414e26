"""crawler/reparse.py: the WARC archive alone rebuilds the articles, streamed record by record."""

from __future__ import annotations

import gc
import os
import sqlite3
import tracemalloc
import warnings

from conftest import run_pantau
from sites import crawl, faults, portal

from crawler.archive import WarcArchive
from crawler.reparse import reparse_archive
from crawler.sources import Source
from pipelines.store import source_row

COLUMNS = "article_id, url, source, title, published, author, text, pages, on_topic"


def articles(db):
    conn = sqlite3.connect(db)
    rows = conn.execute(f"select {COLUMNS} from articles order by article_id").fetchall()
    conn.close()
    return rows


def test_reparse_rebuilds_paged_and_mislabelled_articles(tmp_path):
    po, bad = portal.build(), faults.build()
    with po, bad:
        db, _ = crawl(po.source_toml() + bad.source_toml(), tmp_path, *faults.SETTINGS)
    before = articles(db)
    assert any(r[7] > 1 for r in before), "the portal serves a paged article"
    assert any("\u00e9" in r[6] or "\u2019" in r[6] or "\u201c" in r[6] for r in before), \
        "a page with non-ASCII text decoded from a mislabelled charset"
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{db}{suffix}"):
            os.remove(f"{db}{suffix}")
    result = run_pantau("extract", "--reparse", "--db", db, check=True)
    assert "re-parsed the archive" in result.stderr
    assert articles(db) == before


def article_page(i: int) -> bytes:
    """An invented news page, long enough to be read as an article (each its own text: one
    source's identical texts are stored once)."""
    body = " ".join(["Kantor Imigrasi Kelas I TPI Serang mendeportasi tujuh WNA asal Nigeria "
                     f"pada Senin ({i % 28 + 1}/03), laporan {i}. Petugas memeriksa dokumen "
                     "perjalanan dan "
                     "izin tinggal mereka secara menyeluruh di wilayah kerja."] * 6)
    day = f"2026-03-{i % 28 + 1:02d}T09:00:00+07:00"
    return (f"<html><head><title>Deportasi WNA {i}</title>"
            f'<meta property="article:published_time" content="{day}">'
            f"</head><body><article><h1>Deportasi WNA {i}</h1><p>{body}</p><p>{body}</p>"
            "</article></body></html>").encode()


def test_reparse_streams_the_archive_with_bounded_memory(tmp_path):
    """A 64 MB archive (large non-HTML records among the pages) re-parsed in a few MB."""
    source = Source(name="Kabar", start_urls=("https://kabar.example/",), slug="kabar",
                    url_prefixes=("https://kabar.example/",))
    archive = WarcArchive(tmp_path / "archive", info={"sources": [source_row(source)]})
    pages, blobs, blob = 40, 1000, os.urandom(64 * 1024)
    with warnings.catch_warnings():
        # warcio leaves its record buffers (SpooledTemporaryFile) to the garbage collector.
        warnings.simplefilter("ignore", ResourceWarning)
        for i in range(blobs):
            archive.write(f"https://kabar.example/foto/{i}.jpg", 200,
                          [("Content-Type", "image/jpeg")], blob, source="kabar", via="listing")
            if i % (blobs // pages) == 0:
                archive.write(f"https://kabar.example/berita/{i}", 200,
                              [("Content-Type", "text/html; charset=utf-8")],
                              article_page(i), source="kabar", via="sitemap")
        archive.close()
        gc.collect()
    tracemalloc.start()
    try:
        counts = reparse_archive(tmp_path / "pantau.db", tmp_path / "archive")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (counts["pages"], counts.get("new", 0) + counts.get("not_article", 0)) == (pages, pages)
    assert counts.get("new", 0) > 0, counts
    assert sqlite3.connect(tmp_path / "pantau.db").execute(
        "select count(*) from articles").fetchone()[0] == counts["new"]
    # Holding the archive's records would take over 64 MB; one record is 64 KB.
    assert peak < 24 * 2**20, peak
