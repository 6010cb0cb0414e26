"""Precomputed counts (issue 21): the articles table's count and facets from article_counts and
the search index's keys (data/datasette/plugins/pantau_counts.py), top_stories from
story_groups, and the search plans of pantau_search; each page the same as counted from the
articles themselves."""

from __future__ import annotations

import json
import random
import re
import subprocess
from pathlib import Path

import pytest
import sqlite_utils
import yaml
from conftest import ROOT

from core.settings import setting
from pantau.serve import datasette_command
from pipelines.db import open_db, refresh_summaries
from pipelines.schema import KEYS_TABLE, SEARCH_FACETS, STORY_GROUPS_PENDING, SUMMARIES
from pipelines.store import store_article

SOURCES = ["outlet-a", "outlet-b", "outlet-c", None]
# Invented words: "imigrasi" in every article (the probe plan, over half of them), "deportasi"
# in one in four (read through the index), "banjir" in two (fetched by rowid).
N_ARTICLES = 120


def make_db(path: Path) -> Path:
    rng = random.Random(21)
    db = open_db(path)
    for i in range(N_ARTICLES):
        year = rng.choice([2024, 2025, 2026])
        words = ["imigrasi", "kantor"] + (["deportasi"] if i % 4 == 0 else []) \
            + (["banjir"] if i in (5, 77) else [])
        published = (f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                     f"T{i % 24:02d}:{i % 60:02d}:00+07:00")  # no two alike
        store_article(db, {
            "article_id": f"a{i:03d}", "url": f"https://example.test/{i}",
            "source": SOURCES[i % len(SOURCES)], "title": f"Berita {i} " + " ".join(words),
            "text": f"Nomor {i}: " + " ".join(words) + ".",
            "fetched_at": "2026-11-02T00:00:00+00:00",
            # a few without a date, a few off topic: left out of top_stories as before
            "published": "" if i % 17 == 0 else published, "on_topic": 0 if i % 13 == 0 else 1})
    # Stories: groups of 1-4 articles, some spanning months (before and after a `since`), one
    # group with no stories row, and some articles in no story at all.
    ids = [f"a{i:03d}" for i in range(N_ARTICLES)]
    rng.shuffle(ids)
    grouped = ids[:90]  # the other 30 are in no story
    with db.conn:
        n = 0
        while grouped:
            size = rng.randint(1, 4)
            group, grouped = grouped[:size], grouped[size:]
            story = f"s{n:03d}"
            db.execute(f"update articles set story_id = ? where article_id in "
                       f"({', '.join('?' * len(group))})", [story, *group])
            if n != 3:
                db.execute("insert into stories(story_id, title) values (?, ?)",
                           [story, f"Story {n}"])
            n += 1
    refresh_summaries(db)
    db.close()
    return path


@pytest.fixture(scope="module")
def counts_db(tmp_path_factory) -> Path:
    return make_db(tmp_path_factory.mktemp("counts") / "pantau.db")


def get(db_path: Path, path: str, *extra: str, live: bool = False) -> str:
    """A page through `datasette --get` as `pantau serve` runs it (immutable unless `live`),
    with its SQL trace."""
    cmd = datasette_command(db_path, setting("metadata"), live=live,
                            extra=("--setting", "trace_debug", "1", *extra, "--get", path))
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def table_page(db_path: Path, query: str) -> tuple[dict, list[str]]:
    """The articles table page's JSON and the SQL it ran."""
    page = json.loads(get(db_path, f"/pantau/articles.json?{query}&_trace=1&_size=max"
                                   "&_shape=objects"))
    return page, [" ".join(t["sql"].split()) for t in page["_trace"]["traces"]]


def facet_counts(page: dict) -> dict:
    return {f["name"]: {r["value"]: r["count"] for r in f["results"]}
            for f in page["facet_results"].values()}


def expected_counts(db_path: Path, where: str, params: list) -> tuple[int, dict]:
    db = sqlite_utils.Database(db_path)
    count = db.execute(f"select count(*) from articles where {where}", params).fetchone()[0]
    facets = {c: dict(db.execute(f"select {c}, count(*) from articles where {where} and "
                                 f"{c} is not null group by {c}", params).fetchall())
              for c in ("source", "year")}
    return count, facets


MATCHES = "rowid in (select rowid from articles_fts where articles_fts match ?)"


@pytest.mark.parametrize("query,where,params,read_from", [
    pytest.param("", "1", [], "article_counts", id="unfiltered"),
    pytest.param("year=2025", "year = 2025", [], "article_counts", id="a-year"),
    pytest.param("year=2025&source=outlet-b", "year = 2025 and source = 'outlet-b'", [],
                 "article_counts", id="a-year-and-outlet"),
    # common words: their facets precomputed (pipelines.search.refresh_search_facets)
    pytest.param("_search=imigrasi", MATCHES, ['"imigrasi"'], SEARCH_FACETS, id="word-in-all"),
    pytest.param("_search=deportasi", MATCHES, ['"deportasi"'], SEARCH_FACETS,
                 id="common-word"),
    pytest.param("_search=banjir", MATCHES, ['"banjir"'], KEYS_TABLE, id="rare-word"),
])
def test_counts_and_facets_are_the_articles(counts_db, query, where, params, read_from):
    page, sqls = table_page(counts_db, query)
    count, facets = expected_counts(counts_db, where, params)
    assert count > 0
    assert page["filtered_table_rows_count"] == count
    assert facet_counts(page) == facets
    # ... and they were read from the precomputed table, not counted over the articles
    assert any(f"from {read_from}" in sql for sql in sqls)
    assert not any(re.match(r"select count\(\*\) from articles( |$)", sql) for sql in sqls)
    # the rows: every match, newest first, as without the plugin
    db = sqlite_utils.Database(counts_db)
    assert {r["article_id"] for r in page["rows"]} == {r[0] for r in db.execute(
        f"select article_id from articles where {where}", params)}
    published = [r["published"] or "" for r in page["rows"]]
    assert published == sorted(published, reverse=True)


def test_a_live_database_counts_its_articles_and_reads_search_keys(counts_db):
    # --live: the file may change while served, so article_counts (refreshed by extract) is
    # not used; the search index and its keys are kept by triggers, so they still are.
    page = json.loads(get(counts_db, "/pantau/articles.json?year=2025&_trace=1", live=True))
    sqls = [" ".join(t["sql"].split()) for t in page["_trace"]["traces"]]
    count, facets = expected_counts(counts_db, "year = 2025", [])
    assert page["filtered_table_rows_count"] == count and facet_counts(page) == facets
    assert not any("article_counts" in sql for sql in sqls)
    page = json.loads(get(counts_db, "/pantau/articles.json?_search=deportasi&_trace=1",
                          live=True))
    sqls = [" ".join(t["sql"].split()) for t in page["_trace"]["traces"]]
    count, facets = expected_counts(counts_db, MATCHES, ['"deportasi"'])
    assert page["filtered_table_rows_count"] == count and facet_counts(page) == facets
    assert any(f"from {KEYS_TABLE}" in sql for sql in sqls)


def test_other_filters_are_counted_as_before(counts_db):
    page, sqls = table_page(counts_db, "year=2025&on_topic=1")
    count, facets = expected_counts(counts_db, "year = 2025 and on_topic = 1", [])
    assert page["filtered_table_rows_count"] == count
    assert facet_counts(page) == facets
    assert not any("article_counts" in sql or KEYS_TABLE in sql for sql in sqls)


@pytest.mark.parametrize("query,plan", [
    pytest.param("imigrasi", "exists (select 1 from articles_fts", id="in-every-article"),
    pytest.param("deportasi", "+rowid in (select rowid from articles_fts", id="in-a-quarter"),
    pytest.param("banjir", " rowid in (select rowid from articles_fts", id="in-two"),
])
def test_rows_plan_follows_how_many_articles_match(counts_db, query, plan):
    _, sqls = table_page(counts_db, f"_search={query}")
    [rows_sql] = [s for s in sqls if s.startswith("select article_id") and "limit" in s]
    assert plan in rows_sql


def test_a_word_in_most_articles_with_another_filter_keeps_the_list_plan(counts_db):
    page, sqls = table_page(counts_db, "_search=imigrasi&year=2025")
    assert not any("exists (select 1 from articles_fts" in sql for sql in sqls)
    count, facets = expected_counts(counts_db, f"{MATCHES} and year = 2025", ['"imigrasi"'])
    assert page["filtered_table_rows_count"] == count
    assert facet_counts(page) == facets


def test_search_cards_are_the_newest_matches(counts_db):
    html = get(counts_db, "/pantau/-/search?q=imigrasi")
    db = sqlite_utils.Database(counts_db)
    newest = [r[0] for r in db.execute(
        "select title from articles order by published desc limit 20")]
    positions = [html.find(" ".join(title.split()[:2]) + " <mark>") for title in newest]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)


# top_stories before issue 21: every on-topic article since the date, grouped (the rewritten
# query in metadata.yml must give the same rows; ties broken by the group's key).
TOP_STORIES_DEFINITION = """
select coalesce(s.title, min(a.title)) as title, count(distinct a.source) as outlets,
  count(*) as articles, min(a.published_date) as first_published,
  max(a.published_date) as last_published, min(a.url) as url
from articles a left join stories s on s.story_id = a.story_id
where a.published_date >= :since and a.on_topic = 1
group by coalesce(a.story_id, a.article_id)
order by outlets desc, articles desc, last_published desc, coalesce(a.story_id, a.article_id) desc
limit 100"""


def test_top_stories_are_the_stories_since_the_date(counts_db):
    db = sqlite_utils.Database(counts_db)
    # every date an article was published on, and one before and after all of them
    dates = [r[0] for r in db.execute("select distinct published_date from articles "
                                      "where published_date is not null")]
    spanning = db.execute("select count(*) from story_groups where first_published < ? "
                          "and last_published >= ?", ["2025-06-01"] * 2).fetchone()[0]
    assert spanning >= 3  # stories that began before the date and went on after it
    for since in ["2000-01-01", "2025-06-01", "2099-01-01", *random.Random(1).sample(dates, 8)]:
        got = json.loads(get(counts_db, f"/pantau/top_stories.json?since={since}"
                                        "&_shape=array"))
        expected = [dict(r) for r in db.query(TOP_STORIES_DEFINITION, {"since": since})]
        assert got == expected, since
    assert len(expected) > 0 or since == "2099-01-01"


def test_top_stories_query_is_the_metadata_s(counts_db):
    meta = yaml.safe_load((ROOT / "data" / "metadata.yml").read_text())
    sql = meta["databases"]["pantau"]["queries"]["top_stories"]["sql"]
    assert "from story_groups" in sql


def test_keys_follow_the_articles_through_any_connection(tmp_path):
    path = make_db(tmp_path / "keys.db")
    raw = sqlite_utils.Database(path)  # not Pantau's code: the triggers still apply
    with raw.conn:
        raw["articles"].delete("a001")
        raw["articles"].update("a002", {"year": 1999, "source": "outlet-z"})
        raw["articles"].insert({"article_id": "new", "year": 2030, "source": "outlet-y"})
    keys = "select id, year, source from {} order by id"
    assert raw.execute(keys.format(KEYS_TABLE)).fetchall() == \
        raw.execute(keys.format("(select rowid as id, year, source from articles)")).fetchall()
    # A database from before the keys table gets it on the next open.
    with raw.conn:
        raw.execute(f"drop table {KEYS_TABLE}")
    open_db(path).close()
    assert raw.execute(keys.format(KEYS_TABLE)).fetchall() == \
        raw.execute(keys.format("(select rowid as id, year, source from articles)")).fetchall()


def test_story_groups_are_brought_up_to_date_group_by_group(tmp_path):
    path = make_db(tmp_path / "groups.db")
    db = open_db(path)
    definition = SUMMARIES["story_groups"]

    def rows(sql):
        return sorted(map(repr, db.execute(f"select * from ({sql})").fetchall()))

    before = dict(db.execute("select story_key, rowid from story_groups").fetchall())
    raw = sqlite_utils.Database(path)  # any connection: the triggers note the groups
    with raw.conn:
        raw.execute("update articles set story_id = 's000' where article_id in ('a010', 'a011')")
        raw.execute("update articles set on_topic = 0 where story_id = 's001'")
        raw.execute("update articles set published = published, source = 'outlet-z' "
                    "where article_id = 'a020'")
        raw["articles"].delete("a030")
        store_article(db, {"article_id": "late", "url": "https://example.test/late",
                           "source": "outlet-a", "title": "Berita susulan imigrasi",
                           "text": "Susulan.", "published": "2026-11-30T08:00:00+07:00",
                           "fetched_at": "2026-12-01T00:00:00+00:00", "on_topic": 1})
    assert db.execute(f"select count(*) from {STORY_GROUPS_PENDING}").fetchone()[0] >= 5
    refresh_summaries(db)
    assert rows("select * from story_groups") == rows(definition)
    assert db.execute(f"select count(*) from {STORY_GROUPS_PENDING}").fetchone()[0] == 0
    # Only the noted groups were rewritten: the others kept their rows.
    after = dict(db.execute("select story_key, rowid from story_groups").fetchall())
    kept = [k for k in after if before.get(k) == after[k]]
    assert len(kept) >= len(after) - 8
    # New triggers (an upgrade) or a bulk load: rebuilt whole, the same rows.
    db.execute(f"insert into {STORY_GROUPS_PENDING}(story_key) values ('*')")
    refresh_summaries(db)
    assert rows("select * from story_groups") == rows(definition)
    assert db.execute(f"select count(*) from {STORY_GROUPS_PENDING}").fetchone()[0] == 0
