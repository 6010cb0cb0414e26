"""pipelines/merge.py and `pantau merge`: workers' databases, archives and HTTP caches merged
into one, every article once, idempotently (issue 19). Crawls by real workers: test_distributed.py.
"""

from __future__ import annotations

import hashlib
import time

import pytest
import sqlite_utils
from conftest import run_pantau

from crawler.sources import Source
from nlp.schema import Extraction
from pipelines.db import open_db
from pipelines.facts import store_facts
from pipelines.health import record_health
from pipelines.merge import MergeError, changes, merge
from pipelines.store import store_article, upsert_sources


def item(article_id: str, fetched_at: str, text: str | None = None,
         source: str = "kabar") -> dict:
    # Each article its own text: one source's identical texts are stored once (pipelines/store.py).
    text = text or f"Petugas imigrasi mendeportasi WNA ({article_id})."
    return {"article_id": article_id, "url": f"https://k.example/berita/{article_id}",
            "fetched_url": f"https://k.example/berita/{article_id}", "source": source,
            "title": f"Judul {article_id}", "published": "2026-03-14T09:30:00+07:00",
            "author": None, "section": None, "language": "id", "description": None,
            "text": text, "discovered_by": "feed", "fetched_at": fetched_at}


def health(crawl_id: str, source: str, pages: int) -> dict:
    return {"crawl_id": crawl_id, "source": source, "pages": pages, "errors": 0,
            "articles_found": pages, "new": pages, "updated": 0, "unchanged": 0, "known": 0,
            "bodies_checked": pages, "short_bodies": 0, "missing_dates": 0, "status": "ok",
            "reason": None}


def build(path, articles: list[dict], health_rows: list[dict] = (), slugs=("kabar",)):
    db = open_db(path)
    upsert_sources(db, [Source(name=s.title(), start_urls=(f"https://{s}.example/",), slug=s,
                               url_prefixes=(f"https://{s}.example/",))
                        for s in slugs])
    for a in articles:
        store_article(db, a)
    record_health(db, list(health_rows))
    return db


def snapshot(path) -> dict:
    """Every row of the tables a merge writes, for before/after comparisons."""
    db = sqlite_utils.Database(path)
    return {t: sorted(map(repr, db.execute(f"select * from [{t}]").fetchall()))
            for t in ("articles", "sources", "source_health", "articles_fts_stems")}


@pytest.fixture
def workers(tmp_path):
    """Two workers' databases (as on two machines) and the target path."""
    one = tmp_path / "one" / "pantau.db"
    two = tmp_path / "two" / "pantau.db"
    one.parent.mkdir()
    two.parent.mkdir()
    a = build(one, [item("a1", "2026-11-01T00:00:00+00:00"),
                    item("a2", "2026-11-01T00:00:00+00:00")],
              [health("2026-11-01T00:00:00+00:00", "kabar", 2)])
    # a2 again, fetched later with changed text; a3 only here; a1 later with the same text.
    b = build(two, [item("a1", "2026-11-03T00:00:00+00:00"),
                    item("a2", "2026-11-02T00:00:00+00:00", text="Teks yang dikoreksi."),
                    item("a3", "2026-10-30T00:00:00+00:00", source="warta")],
              # the same crawl id and source as the first machine's, other numbers
              [health("2026-11-01T00:00:00+00:00", "kabar", 3)], slugs=("kabar", "warta"))
    a.close()
    b.close()
    return one, two, tmp_path / "merged" / "pantau.db"


def test_every_article_once_newest_fetch_kept(workers):
    one, two, target = workers
    target.parent.mkdir()
    result = merge([one, two], target)
    assert [r["articles"] for r in result["inputs"]] == [
        {"new": 2, "duplicate": 0, "updated": 0, "refreshed": 0, "kept": 0},
        {"new": 1, "duplicate": 0, "updated": 1, "refreshed": 1, "kept": 0}]
    db = sqlite_utils.Database(target)
    rows = {r["article_id"]: r for r in db["articles"].rows}
    assert sorted(rows) == ["a1", "a2", "a3"]
    assert rows["a1"]["fetched_at"] == "2026-11-03T00:00:00+00:00"
    assert rows["a1"]["first_seen"] == "2026-11-01T00:00:00+00:00"
    assert rows["a2"]["text"] == "Teks yang dikoreksi."
    assert rows["a2"]["first_seen"] == "2026-11-01T00:00:00+00:00"
    # Nothing extracted yet: every article waits for `pantau extract`.
    assert result["to_extract"] == 3
    assert {r["slug"] for r in db["sources"].rows} == {"kabar", "warta"}
    # The new text is what search finds.
    found = db.execute("select a.article_id from articles_fts f join articles a "
                       "on a.rowid = f.rowid where articles_fts match 'dikoreksi'").fetchall()
    assert found == [("a2",)]
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_merging_again_changes_nothing(workers):
    one, two, target = workers
    target.parent.mkdir()
    merge([one, two], target)
    before = snapshot(target)
    again = merge([one, two], target)
    assert changes(again["total"]) == 0
    assert again["total"]["articles"]["kept"] == 5
    assert snapshot(target) == before
    # In the other order too: the newest fetch wins whichever comes first.
    assert changes(merge([two, one], target)["total"]) == 0
    assert snapshot(target) == before


def test_extracted_articles_keep_their_facts_when_nothing_newer_comes(workers):
    one, two, target = workers
    target.parent.mkdir()
    merge([one, two], target)
    db = open_db(target)
    for article_id in ("a1", "a2", "a3"):
        store_facts(db, article_id, Extraction(), "test")
    db.close()
    assert merge([one, two], target)["to_extract"] == 0
    # A newer fetch of changed text, merged later, marks the article for extraction again.
    three = target.parent.parent / "three.db"
    build(three, [item("a3", "2026-12-01T00:00:00+00:00", text="Berita baru.",
                       source="warta")], slugs=("warta",)).close()
    result = merge([three], target)
    assert result["total"]["articles"]["updated"] == 1
    assert result["to_extract"] == 1


def test_one_body_under_two_urls_of_one_source_is_stored_once(workers):
    # Two machines stored one republished post under two URLs (as a crawl stores it once).
    one, two, target = workers
    text = "Satu teks yang diterbitkan ulang dengan alamat lain."
    three = target.parent.parent / "three.db"
    four = target.parent.parent / "four.db"
    build(three, [item("b1", "2026-11-01T00:00:00+00:00", text=text)]).close()
    build(four, [item("b2", "2026-11-02T00:00:00+00:00", text=text)]).close()
    target.parent.mkdir()
    result = merge([three, four], target)
    assert result["total"]["articles"]["duplicate"] == 1
    db = sqlite_utils.Database(target)
    assert [r["article_id"] for r in db["articles"].rows] == ["b1"]
    assert [(r["url"], r["article_id"]) for r in db["article_aliases"].rows] == [
        ("https://k.example/berita/b2", "b1")]
    assert changes(merge([three, four], target)["total"]) == 0


def test_source_health_rows_are_all_kept(workers):
    one, two, target = workers
    target.parent.mkdir()
    merge([one, two], target)
    rows = sorted((r["crawl_id"], r["pages"]) for r in
                  sqlite_utils.Database(target)["source_health"].rows)
    assert [pages for _, pages in rows] == [2, 3]
    assert rows[0][0] == "2026-11-01T00:00:00+00:00"
    assert rows[1][0].startswith("2026-11-01T00:00:00+00:00#")


def test_dry_run_reports_the_merge_and_changes_nothing(workers):
    one, two, target = workers
    target.parent.mkdir()
    (one.parent / "archive").mkdir()
    (one.parent / "archive" / "crawl-1-1.warc.gz").write_bytes(b"warc one")
    dry = merge([one, two], target, dry_run=True)
    assert not target.exists()
    assert not (target.parent / "archive").exists()
    real = merge([one, two], target)
    assert dry == real
    before = snapshot(target)
    assert changes(merge([one, two], target, dry_run=True)["total"]) == 0
    assert snapshot(target) == before


def cache_entry(root, fingerprint: str, stamp: float, body: bytes) -> None:
    entry = root / "news" / fingerprint[:2] / fingerprint
    entry.mkdir(parents=True)
    (entry / "meta").write_text(repr({"url": "https://k.example/feed", "status": 200,
                                      "timestamp": stamp}), encoding="utf-8")
    (entry / "response_body").write_bytes(body)


def test_archives_and_http_caches_are_merged(workers):
    one, two, target = workers
    (one.parent / "archive").mkdir()
    (two.parent / "archive").mkdir()
    (one.parent / "archive" / "crawl-20261101T000000000000-7.warc.gz").write_bytes(b"one")
    (two.parent / "archive" / "crawl-20261102T000000000000-9.warc.gz").write_bytes(b"two")
    # Same name on two machines (same microsecond and pid), different records: both kept.
    (two.parent / "archive" / "crawl-20261101T000000000000-7.warc.gz").write_bytes(b"other")
    fp = hashlib.sha1(b"feed").hexdigest()
    now = time.time()
    cache_entry(one.parent / "httpcache", fp, now - 100, b"old feed")
    cache_entry(two.parent / "httpcache", fp, now, b"new feed")
    cache_entry(two.parent / "httpcache", hashlib.sha1(b"x").hexdigest(), now, b"x")
    target.parent.mkdir()
    result = merge([one, two], target)
    assert [(r["archive_files"], r["cache_entries"]) for r in result["inputs"]] == [(1, 1),
                                                                                  (2, 2)]
    archive = sorted(p.read_bytes() for p in (target.parent / "archive").iterdir())
    assert archive == [b"one", b"other", b"two"]
    merged = target.parent / "httpcache" / "news" / fp[:2] / fp / "response_body"
    assert merged.read_bytes() == b"new feed"
    again = merge([one, two], target)
    assert (again["total"]["archive_files"], again["total"]["cache_entries"]) == (0, 0)
    assert len(list((target.parent / "archive").iterdir())) == 3


def test_bad_inputs_are_refused(workers, tmp_path):
    one, _two, target = workers
    with pytest.raises(MergeError, match="not found"):
        merge([tmp_path / "missing.db"], target)
    with pytest.raises(MergeError, match="named twice"):
        merge([one, one], target)
    with pytest.raises(MergeError, match="named twice"):
        merge([one], one)
    (tmp_path / "other.db").write_bytes(b"")
    sqlite_utils.Database(tmp_path / "other.db")["t"].insert({"x": 1})
    with pytest.raises(MergeError, match="not a Pantau database"):
        merge([tmp_path / "other.db"], target)


def test_merge_command(workers):
    one, two, target = workers
    target.parent.mkdir()
    dry = run_pantau("merge", one, two, "--into", target, "--dry-run", check=True)
    assert f"would merge {one}: articles new: 2" in dry.stderr
    assert "3 articles would wait for `pantau extract" in dry.stderr
    assert not target.exists()
    done = run_pantau("merge", one, two, "--into", target, check=True)
    assert f"merged {two}: articles new: 1, updated: 1, refreshed: 1, kept: 0," in done.stderr
    again = run_pantau("merge", one, two, "--into", target, check=True)
    assert f"nothing to change in {target}" in again.stderr
    missing = run_pantau("merge", target.parent / "nope.db", "--into", target)
    assert missing.returncode == 1
    assert missing.stderr.strip().splitlines() == [
        f"Error: merge input not found: {target.parent / 'nope.db'}"]
