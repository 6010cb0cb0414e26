"""pipelines/store.py, pipelines/facts.py, pipelines/db.py: idempotent writes to real SQLite."""

from __future__ import annotations

import pytest
import sqlite_utils

from nlp.schema import Count, Evidence, Extraction, Nationality, Office
from pipelines.db import DatabaseError, open_db
from pipelines.facts import store_facts
from pipelines.store import store_article


def item(**overrides) -> dict:
    base = {"article_id": "a1", "url": "https://k.example/berita/a", "fetched_url":
            "https://k.example/berita/a?utm_source=x", "source": "kabar", "title": "Judul",
            "published": "2026-03-14T09:30:00+07:00", "author": "Rina", "section": "Hukum",
            "language": "id", "description": None, "text": "Isi berita.",
            "discovered_by": "feed", "fetched_at": "2026-11-01T00:00:00+00:00"}
    return {**base, **overrides}


@pytest.fixture
def db(db_path):
    return open_db(db_path)


def test_store_new_unchanged_updated(db):
    assert store_article(db, item()) == "new"
    assert store_article(db, item(fetched_at="2026-11-02T00:00:00+00:00")) == "unchanged"
    assert store_article(db, item(text="Isi berita yang dikoreksi.")) == "updated"
    assert db["articles"].count == 1
    row = db["articles"].get("a1")
    assert (row["first_seen"], row["text"], row["year"], row["month"], row["published_date"]) == (
        "2026-11-01T00:00:00+00:00", "Isi berita yang dikoreksi.", 2026, "2026-03", "2026-03-14")


def test_updated_article_is_queued_for_extraction_again(db):
    store_article(db, item())
    store_facts(db, "a1", Extraction(), "0.1")
    assert db["articles"].get("a1")["extracted_at"] is not None
    store_article(db, item(text="Teks baru."))
    assert db["articles"].get("a1")["extracted_at"] is None


def test_store_facts_replaces_instead_of_adding(db):
    store_article(db, item())
    ev = Evidence("Kanim Serang mendeportasi 11 WNA asal Nigeria.", 0, 47)
    extraction = Extraction(
        offices=[Office("Kanim Serang", "kanim-serang", "kantor_imigrasi", ev)],
        nationalities=[Nationality("NG", "Nigeria", 11, ev)],
        counts=[Count(11, "WNA", "WNA dideportasi", "deportation", ev)])
    assert store_facts(db, "a1", extraction, "0.1") == 3
    assert store_facts(db, "a1", extraction, "0.1") == 3
    assert [db[t].count for t in ("office_mentions", "nationalities", "counts")] == [1, 1, 1]
    nat = next(db["nationalities"].rows)
    assert (nat["code"], nat["country"], nat["count"], nat["sentence"], nat["start"]) == (
        "NG", "Nigeria", 11, ev.sentence, 0)
    store_facts(db, "a1", Extraction(), "0.2")
    assert [db[t].count for t in ("office_mentions", "nationalities", "counts")] == [0, 0, 0]
    assert db["articles"].get("a1")["nlp_version"] == "0.2"


def test_schema_is_upgraded_in_place(db_path):
    old = sqlite_utils.Database(db_path)
    old["articles"].insert({"article_id": "x", "url": "u", "title": "t"}, pk="article_id")
    db = open_db(db_path)
    assert "extracted_at" in db["articles"].columns_dict
    assert db["articles"].get("x")["title"] == "t"
    # the search index is built for the rows already there
    assert db.execute("select rowid from articles_fts where articles_fts match 't'").fetchall() == [
        (db.execute("select rowid from articles where article_id = 'x'").fetchone()[0],)]
    assert db["articles_fts_stems"].count == 1


def test_store_article_writes_the_stems_search_uses(db):
    store_article(db, item(title="Tiga WNA dideportasi", text="Layanan kepasporan dibuka."))
    assert db["articles_fts_stems"].get("a1")["stems"] == "buka deportasi layan paspor"
    store_article(db, item(title="Judul baru", text="Petugas mengamankan dua WNA."))
    assert db["articles_fts_stems"].get("a1")["stems"] == "aman tugas"
    match = "select count(*) from articles_fts where articles_fts match ?"
    assert [db.execute(match, [w]).fetchone()[0] for w in ("aman", "paspor", "mengamankan")] == [
        1, 0, 1]


def test_missing_database_is_not_created(tmp_path):
    with pytest.raises(DatabaseError, match="database not found"):
        open_db(tmp_path / "none.db", create=False)
    assert not (tmp_path / "none.db").exists()


def test_same_body_twice_from_one_source_is_stored_once(db):
    # A WordPress "-2" republication: its own URL and id, same title, date and text.
    assert store_article(db, item()) == "new"
    again = item(article_id="a2", url="https://k.example/berita/a-2",
                 fetched_url="https://k.example/berita/a-2", text=" Isi  berita.\n")
    assert store_article(db, again) == "duplicate"
    assert [r["article_id"] for r in db["articles"].rows] == ["a1"]
    assert list(db["article_aliases"].rows) == [
        {"url": "https://k.example/berita/a-2", "article_id": "a1", "source": "kabar",
         "fetched_at": "2026-11-01T00:00:00+00:00"}]
    # The same text from another outlet is a reprint: a separate article.
    reprint = item(article_id="b1", url="https://w.example/a", source="warta")
    assert store_article(db, reprint) == "new"
    # A different text from the same source is a different article.
    assert store_article(db, item(article_id="a3", url="https://k.example/c",
                                  text="Berita lain.")) == "new"
    assert db["articles"].count == 3
