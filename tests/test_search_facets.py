"""Facet counts of common search terms precomputed with the summaries (issue 21,
pipelines.search.refresh_search_facets, read by data/datasette/plugins/pantau_counts.py): the
same counts as a GROUP BY over the matches, through a real Datasette process; counted as
before when the summary is absent or stale, and under --live."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import sqlite_utils
from test_datasette_counts import MATCHES, expected_counts, facet_counts, get, make_db, table_page

from core.settings import setting
from pantau.serve import datasette_command
from pipelines.db import checkpoint, open_db, refresh_summaries, refresh_summaries_if_stale
from pipelines.schema import KEYS_TABLE, SEARCH_FACET_TERMS, SEARCH_FACETS
from pipelines.search import facet_term, fts_query, search_facets_stale
from pipelines.store import store_article

# "dideportasi" is searched as ("dideportasi" OR "deportasi"): the stem group deportasi, in a
# quarter of the test articles; "imigrasi" is in all of them, "banjir" in two (under 5%).
AFFIXED = "dideportasi"


def summary_rows(path: Path) -> list:
    db = sqlite_utils.Database(path)
    return sorted(db.execute(f"select term, year, source, articles from {SEARCH_FACETS} "
                             "where articles > 0").fetchall(), key=repr)


def grouped_matches(path: Path) -> list:
    """What SEARCH_FACETS must hold: each term's matches grouped by year and outlet."""
    db = sqlite_utils.Database(path)
    rows = []
    for (term,) in db.execute(f"select term from {SEARCH_FACET_TERMS}").fetchall():
        rows += [(term, *r) for r in db.execute(
            f"select year, source, count(*) from articles where {MATCHES} "
            "group by year, source", [f'"{term}"']).fetchall()]
    return sorted(rows, key=repr)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return make_db(tmp_path / "pantau.db")


def assert_page_counts(path: Path, search: str, read_from: str, live: bool = False) -> None:
    if live:
        page = json.loads(get(path, f"/pantau/articles.json?_search={search}&_trace=1",
                              live=True))
        sqls = [" ".join(t["sql"].split()) for t in page["_trace"]["traces"]]
    else:
        page, sqls = table_page(path, f"_search={search}")
    count, facets = expected_counts(path, MATCHES, [fts_query(search)])
    assert count > 0
    assert page["filtered_table_rows_count"] == count
    assert facet_counts(page) == facets
    assert any(f"from {read_from} " in sql for sql in sqls), read_from
    other = SEARCH_FACETS if read_from == KEYS_TABLE else KEYS_TABLE
    assert not any(f"from {other} " in sql for sql in sqls), other


def test_terms_are_the_common_stem_groups(db_path):
    db = sqlite_utils.Database(db_path)
    terms = dict(db.execute(f"select term, matches from {SEARCH_FACET_TERMS}").fetchall())
    assert terms["imigrasi"] == 120 and terms["deportasi"] == 30
    assert "banjir" not in terms  # in 2 of 120 articles: under the threshold
    assert summary_rows(db_path) == grouped_matches(db_path)
    assert facet_term(fts_query(AFFIXED)) == "deportasi"
    assert facet_term(fts_query("imigrasi")) == "imigrasi"
    assert facet_term(fts_query("imigrasi deportasi")) is None  # two words: not one term


@pytest.mark.parametrize("search", ["imigrasi", "deportasi", AFFIXED])
def test_facets_from_the_summary_are_the_matches_grouped(db_path, search):
    assert_page_counts(db_path, search, SEARCH_FACETS)


def test_a_rare_word_is_counted_from_the_keys(db_path):
    assert_page_counts(db_path, "banjir", KEYS_TABLE)


def page_after(path: Path, change, search: str) -> tuple[dict, list[str]]:
    """The search page of a server started on the database as it was (`pantau serve`
    refreshes stale summaries before it starts) and then changed by `change(connection)`
    without a refresh: what a server sees when someone writes to a file served immutable."""
    url = f"/pantau/articles.json?_search={search}&_trace=1&_size=max&_shape=objects"
    cmd = datasette_command(path, setting("metadata"),
                            extra=("--setting", "trace_debug", "1", "--get", url))
    raw = sqlite_utils.Database(path)  # any connection: no summary refresh
    with raw.conn:
        change(raw)
    checkpoint(raw)  # immutable readers ignore the WAL
    raw.close()
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    page = json.loads(result.stdout)
    return page, [" ".join(t["sql"].split()) for t in page["_trace"]["traces"]]


def assert_stale_falls_back(path: Path, change, search: str) -> None:
    page, sqls = page_after(path, change, search)
    count, facets = expected_counts(path, MATCHES, [fts_query(search)])
    assert page["filtered_table_rows_count"] == count
    assert facet_counts(page) == facets
    assert any(f"from {KEYS_TABLE} " in sql for sql in sqls)
    assert not any(f"from {SEARCH_FACETS} " in sql for sql in sqls)


def test_absent_summary_falls_back(db_path):
    def drop(raw):
        raw.execute(f"drop table {SEARCH_FACETS}")
    assert_stale_falls_back(db_path, drop, AFFIXED)


def test_a_new_article_not_counted_falls_back(db_path):
    def add(raw):
        store_article(raw, {"article_id": "late", "url": "https://example.test/late",
                            "source": "outlet-a", "title": "Warga dideportasi",
                            "text": "Deportasi imigrasi.",
                            "published": "2026-11-30T08:00:00+07:00",
                            "fetched_at": "2026-12-01T00:00:00+00:00", "on_topic": 1})
    assert_stale_falls_back(db_path, add, AFFIXED)
    # `pantau serve` (here: building its command) brings the counts up to date again
    assert_page_counts(db_path, AFFIXED, SEARCH_FACETS)
    assert summary_rows(db_path) == grouped_matches(db_path)


def test_a_counted_article_changed_falls_back(db_path):
    def move(raw):
        raw.execute("update articles set source = 'outlet-z' where article_id = 'a000'")
    assert_stale_falls_back(db_path, move, "deportasi")
    db = open_db(db_path)
    assert db.execute("select count(*) from search_facets_dirty").fetchone()[0] == 1
    refresh_summaries(db)  # counted again from the start
    db.close()
    assert summary_rows(db_path) == grouped_matches(db_path)
    assert_page_counts(db_path, "deportasi", SEARCH_FACETS)


def test_daily_additions_equal_a_full_count(db_path):
    db = open_db(db_path)
    for i in range(8):  # under 10% of the 120 counted: added, not counted again
        store_article(db, {"article_id": f"new{i}", "url": f"https://example.test/new{i}",
                           "source": ["outlet-a", "outlet-new", None][i % 3],
                           "title": f"Baru {i} imigrasi" + (" dideportasi" if i % 2 else ""),
                           "text": "Kantor.", "published": f"202{i % 3 + 5}-01-0{i + 1}",
                           "fetched_at": "2026-12-01T00:00:00+00:00", "on_topic": 1})
    db.conn.commit()
    refresh_summaries(db)
    added = summary_rows(db_path)
    assert ("deportasi", None, "outlet-new", 0) not in added
    assert added == grouped_matches(db_path)
    # the same as counting everything from the start
    with db.conn:
        db.execute("insert into search_facets_dirty(dirty) values (1)")
    refresh_summaries(db)
    assert summary_rows(db_path) == added
    db.close()


def test_live_mode_does_not_read_the_summary(db_path):
    assert_page_counts(db_path, AFFIXED, KEYS_TABLE, live=True)


def test_a_database_from_before_them_gets_them_when_served(db_path):
    db = open_db(db_path)
    with db.conn:
        for table in (SEARCH_FACETS, SEARCH_FACET_TERMS, "search_facets_dirty"):
            db.execute(f"drop table {table}")
        db.execute("delete from meta where key = 'search_facets_upto'")
    assert search_facets_stale(db)
    assert refresh_summaries_if_stale(db)  # the other summaries' inputs did not change
    assert not search_facets_stale(db) and not refresh_summaries_if_stale(db)
    db.close()
    assert summary_rows(db_path) == grouped_matches(db_path)
    assert_page_counts(db_path, AFFIXED, SEARCH_FACETS)
