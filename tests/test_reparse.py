"""pantau/reparse.py: the WARC archive alone rebuilds paged and mislabelled-charset articles."""

from __future__ import annotations

import os
import sqlite3

from conftest import run_pantau
from sites import crawl, faults, portal

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
