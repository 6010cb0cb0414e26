"""Issue 17 end to end: a crawl of the fixture outlet whose pages the old page extraction lost
(tests/sites/traps.py) stores each article once, whole."""

from __future__ import annotations

import pytest
import sqlite_utils
from sites import crawl, token_f1, traps

from crawler.urls import url_key


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    site = traps.build()
    with site:
        db, result = crawl(site.source_toml(), tmp_path_factory.mktemp("traps"),
                           "-s", f"PANTAU_ALLOWED_PRIVATE_HOSTS={site.base_url.split('//')[1]}")
    return site, sqlite_utils.Database(db), result.stderr


def test_every_article_stored_once_and_whole(crawled):
    site, db, _ = crawled
    rows = {url_key(r["url"]): r for r in db["articles"].rows}
    # The republished post is stored under whichever of its two URLs came first.
    again = url_key(site.url(traps.REPUBLISHED_AGAIN))
    first = url_key(site.url(traps.REPUBLISHED.path))
    if again in rows:
        rows[first] = rows.pop(again)
    assert sorted(rows) == sorted(url_key(site.url(a.path)) for a in traps.ARTICLES)
    for a in traps.ARTICLES:
        row = rows[url_key(site.url(a.path))]
        assert (row["title"], row["published"], row["pages"]) == (
            a.title, a.published, len(a.pages)), row["url"]
        assert token_f1(row["text"], a.text) == 1.0, (row["url"], row["text"])


def test_malformed_paged_article_joins_its_three_pages(crawled):
    site, db, _ = crawled
    (row,) = db["articles"].rows_where("url = ?", [site.url(traps.PAGED.path)])
    assert row["pages"] == 3
    for page in traps.PAGED.pages:
        assert token_f1(page[-1], row["text"]) > 0  # each page's last sentence is there
        assert " ".join(page[-1].split()[-6:]) in " ".join(row["text"].split())


def test_republished_post_stored_once_with_its_alias(crawled):
    site, db, stderr = crawled
    assert site.requested(traps.REPUBLISHED_AGAIN) == site.requested(traps.REPUBLISHED.path) == 1
    (row,) = db["articles"].rows_where("title = ?", [traps.REPUBLISHED.title])
    urls = {site.url(traps.REPUBLISHED.path), site.url(traps.REPUBLISHED_AGAIN)}
    assert row["url"] in urls
    aliases = list(db["article_aliases"].rows)
    assert [(a["url"], a["article_id"]) for a in aliases] == [
        ((urls - {row["url"]}).pop(), row["article_id"])]
    assert "duplicate: 1" in stderr
