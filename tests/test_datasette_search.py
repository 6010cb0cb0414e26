"""Full-text search (pipelines/search.py, the pantau_search plugin) understands affixes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import sqlite_utils

from core.settings import setting
from pantau.serve import datasette_command
from pipelines.db import open_db
from pipelines.search import SEARCH_TABLE, STEMS_TABLE, stems
from pipelines.store import store_article

# Invented headlines; each id says which affixed form the article alone contains.
ARTICLES = {
    "root": "Imigrasi menyiapkan deportasi tiga WNA",
    "di-": "Tiga WNA dideportasi dari Bandara",
    "meN-": "Kanim Medan mendeportasi dua warga asing",
    "ke-an": "Layanan kepasporan dibuka pada hari Sabtu",
    "ber-": "Penumpang tidak berpaspor ditolak masuk",
    "none": "Banjir merendam ratusan rumah di Gowa",
}
# Unrelated articles, so that a word in one article is rare (under the plugin's 10% share,
# searched by rowid) while "deportasi" (3 of 26) is common (searched through an index).
FILLER = {f"filler-{i}": f"Warga kampung {i} menanam padi bersama" for i in range(20)}


def article(article_id: str, title: str) -> dict:
    return {"article_id": article_id, "url": f"https://example.test/{article_id}",
            "source": None, "title": title, "text": title + ".",
            "published": "2026-05-01T08:00:00+07:00", "fetched_at": "2026-05-02T00:00:00+00:00"}


@pytest.fixture
def search_db(tmp_path) -> Path:
    path = tmp_path / "pantau.db"
    db = open_db(path)
    for article_id, title in {**ARTICLES, **FILLER}.items():
        store_article(db, article(article_id, title))
    db.close()
    return path


def get(db_path, path: str, *settings: str) -> str:
    """A page of the database through `datasette serve --get`, with Pantau's metadata."""
    cmd = datasette_command(db_path, setting("metadata"), extra=(*settings, "--get", path))
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def search(db_path, query: str, args: str = "_search=") -> set[str]:
    """Article ids Datasette returns for `query` (in the search argument `args`)."""
    rows = json.loads(get(db_path, f"/pantau/articles.json?{args}{query}&_shape=array"
                                   "&_col=title&_size=max"))
    return {row["article_id"] for row in rows}


@pytest.mark.parametrize("query,expected", [
    pytest.param("deportasi", {"root", "di-", "meN-"}, id="deportasi-finds-di-and-meN"),
    pytest.param("paspor", {"ke-an", "ber-"}, id="paspor-finds-kepasporan-and-berpaspor"),
    # the query is stemmed as the index is: an affixed form finds its root's every form
    pytest.param("kepasporan", {"ke-an", "ber-"}, id="affixed-form-finds-its-root"),
    pytest.param("dideportasi", {"root", "di-", "meN-"}, id="dideportasi-finds-deportasi"),
    pytest.param("banjir", {"none"}, id="plain-word"),
    pytest.param("di", {"none"}, id="short-word-is-a-word"),
    pytest.param("depor", set(), id="part-of-a-word-finds-nothing"),
    pytest.param("deportasi tiga", {"root", "di-"}, id="every-word-must-match"),
])
def test_search_matches_affixed_forms(search_db, query, expected):
    assert search(search_db, query) == expected


def test_search_by_column_and_raw_mode(search_db):
    assert search(search_db, "dideportasi", "_search_title=") == {"di-"}
    assert search(search_db, "paspor", "_search_stems=") == {"ke-an", "ber-"}
    # FTS5 syntax in raw mode only: a prefix query
    assert search(search_db, "dideport*", "_searchmode=raw&_search=") == {"di-"}
    assert search(search_db, "dideport*") == set()


@pytest.mark.parametrize("query,clause", [
    pytest.param("deportasi", "where +rowid in (select rowid from articles_fts", id="common-word"),
    pytest.param("banjir", "where rowid in (select rowid from articles_fts", id="rare-word"),
])
def test_plan_follows_how_common_the_word_is(search_db, query, clause):
    page = get(search_db, f"/pantau/articles?_search={query}&_trace=1",
               "--setting", "trace_debug", "1")
    assert " from articles " + clause in page.replace("\n", " ")  # the rows' query


def test_search_box_is_shown(search_db):
    assert 'name="_search"' in get(search_db, "/pantau/articles")


def index_is_consistent(db) -> bool:
    db.execute(f"insert into {SEARCH_TABLE}({SEARCH_TABLE}) values ('integrity-check')")
    return True


def test_index_follows_edits_through_any_connection(search_db):
    db = open_db(search_db)
    # store_article: new text, new stems
    store_article(db, article("none", "Deportasi susulan dijadwalkan"))
    raw = sqlite_utils.Database(search_db)  # not Pantau's code: the triggers still apply
    with raw.conn:
        raw["articles"].delete("ber-")
        raw["articles"].update("root", {"title": "Banjir susulan", "text": "Banjir."})
    assert index_is_consistent(db)
    db.close()
    assert search(search_db, "deportasi") == {"di-", "meN-", "none"}
    assert search(search_db, "banjir") == {"root"}
    assert search(search_db, "paspor") == {"ke-an"}
    assert sqlite_utils.Database(search_db)[STEMS_TABLE].count == len(ARTICLES) + len(FILLER) - 1


def test_articles_stored_by_other_code_get_stems_on_next_open(search_db):
    raw = sqlite_utils.Database(search_db)
    with raw.conn:
        raw["articles"].insert(article("raw", "Dua WNA dideportasi lagi"))
    # words: indexed at once, so the word as written finds it before its stems are stored
    assert search(search_db, "dideportasi") == {"root", "di-", "meN-", "raw"}
    open_db(search_db).close()  # stems: added by the next open
    assert search(search_db, "deportasi") == {"root", "di-", "meN-", "raw"}


def test_older_search_indexes_are_replaced(tmp_path):
    path = tmp_path / "pantau.db"
    old = sqlite_utils.Database(path)
    old["articles"].insert(article("di-", ARTICLES["di-"]), pk="article_id")
    old["articles"].enable_fts(["title", "text"], create_triggers=True)
    old.executescript("""
        create virtual table articles_trigram using fts5(title, text, content='articles',
            content_rowid='rowid', tokenize='trigram');
        create trigger articles_trigram_ai after insert on articles begin
            insert into articles_trigram(rowid, title, text)
            values (new.rowid, new.title, new.text);
        end;
        insert into articles_trigram(articles_trigram) values ('rebuild');""")
    db = open_db(path)
    names = set(db.table_names()) | {r[0] for r in db.execute(
        "select name from sqlite_master where type = 'trigger'")}
    assert not {n for n in names if "trigram" in n or n in ("articles_ai", "articles_au")}
    assert [r[1] for r in db.execute(f"pragma table_info({SEARCH_TABLE})")] == [
        "title", "text", "stems"]
    store_article(db, article("meN-", ARTICLES["meN-"]))  # no old index's trigger fires
    db.close()
    assert search(path, "deportasi") == {"di-", "meN-"}


@pytest.mark.parametrize("text,expected", [
    pytest.param("Tiga WNA dideportasi", {"deportasi"}, id="di-"),
    pytest.param("Kanim mendeportasi", {"deportasi"}, id="meN-"),
    pytest.param("Layanan kepasporan", {"layan", "paspor"}, id="ke-an-and-an"),
    pytest.param("paspor imigrasi 2026", set(), id="roots-and-numbers-add-nothing"),
])
def test_stems_are_the_roots_of_affixed_words(text, expected):
    assert set(stems(text).split()) == expected
