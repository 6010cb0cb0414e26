"""Full-text search through Datasette understands Indonesian affixes (the trigram index)."""

from __future__ import annotations

import json
import subprocess

import pytest

from pantau.config import setting
from pantau.serve import datasette_command
from pipelines.db import open_db
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


@pytest.fixture(scope="module")
def search_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("search") / "pantau.db"
    db = open_db(path)
    for slug, title in ARTICLES.items():
        store_article(db, {"article_id": slug, "url": f"https://example.test/{slug}",
                           "source": None, "title": title, "text": title + ".",
                           "published": "2026-05-01T08:00:00+07:00",
                           "fetched_at": "2026-05-02T00:00:00+00:00"})
    db.close()
    return path


def search(db_path, query: str, fts_table: str | None = None) -> set[str]:
    """Article ids Datasette returns for `query`, through `datasette serve --get`."""
    path = f"/pantau/articles.json?_search={query}&_shape=array&_col=title"
    if fts_table:
        path += f"&_fts_table={fts_table}"
    cmd = datasette_command(db_path, setting("metadata"), extra=("--get", path))
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return {row["article_id"] for row in json.loads(result.stdout)}


@pytest.mark.parametrize("query,expected", [
    pytest.param("deportasi", {"root", "di-", "meN-"}, id="deportasi-finds-di-and-meN"),
    pytest.param("paspor", {"ke-an", "ber-"}, id="paspor-finds-kepasporan"),
    pytest.param("banjir", {"none"}, id="plain-word"),
    # shorter than a trigram: finds nothing rather than everything
    pytest.param("di", set(), id="too-short"),
])
def test_search_matches_affixed_forms(search_db, query, expected):
    assert search(search_db, query) == expected


def test_word_index_alone_misses_affixed_forms(search_db):
    # The plain FTS table beside the trigram one: the reason the trigram index exists.
    assert search(search_db, "deportasi", fts_table="articles_fts") == {"root"}


def test_trigram_index_follows_edits(search_db):
    db = open_db(search_db)
    with db.conn:
        db["articles"].update("none", {"title": "Deportasi susulan", "text": "Deportasi."})
        db["articles"].delete("ber-")
    db.close()
    assert search(search_db, "deportasi") == {"root", "di-", "meN-", "none"}
    assert search(search_db, "paspor") == {"ke-an"}
