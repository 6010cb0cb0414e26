"""crawler/spiders/news.py: full crawls of the demo site on a real loopback server."""

from __future__ import annotations

import sqlite_utils
from conftest import FAST_CRAWL, crawl, run_pantau

from crawler.urls import article_id


def test_crawl_finds_every_demo_article_once(demo_site, db_path, tmp_path):
    result = crawl(demo_site, db_path, tmp_path)
    db = sqlite_utils.Database(db_path)
    rows = {r["url"]: r for r in db["articles"].rows}
    expected = {demo_site.url(a.path): a for a in demo_site.articles}
    assert set(rows) == set(expected)
    assert db["articles"].count == len(demo_site.articles)
    for url, article in expected.items():
        row = rows[url]
        assert row["title"] == article.title, url
        assert row["published"] == article.published, url
        assert row["source"] == article.outlet, url
        assert row["article_id"] == article_id(url)
        assert row["discovered_by"] in ("feed", "sitemap", "listing")
        assert bool(row["on_topic"]) == article.on_topic, url
    assert f"articles new: {len(expected)}," in result.stderr


def test_crawl_obeys_robots_txt(demo_site, db_path, tmp_path):
    # One source for the whole host, so the home page's link to /admin/ is in scope;
    # robots.txt disallows /admin/.
    sources = tmp_path / "whole-site.toml"
    sources.write_text(f'[[sources]]\nname = "Demo"\nstart_urls = ["{demo_site.url("/")}"]\n')
    demo_site.requests.clear()
    run_pantau("crawl", "--sources", sources, "--db", db_path, *FAST_CRAWL, check=True)
    assert "/robots.txt" in demo_site.requests
    assert "/kabar-banten/" in demo_site.requests  # the home page's links were followed
    assert not [p for p in demo_site.requests if p.startswith("/admin")]
    db = sqlite_utils.Database(db_path)
    assert db["articles"].count == len(demo_site.articles)


def test_second_crawl_adds_no_rows(demo_site, db_path, tmp_path):
    crawl(demo_site, db_path, tmp_path)
    db = sqlite_utils.Database(db_path)
    before = {t: db[t].count for t in ("articles", "sources")}
    first_seen = {r["article_id"]: r["first_seen"] for r in db["articles"].rows}
    result = crawl(demo_site, db_path, tmp_path)
    after = {t: db[t].count for t in ("articles", "sources")}
    assert after == before
    assert {r["article_id"]: r["first_seen"] for r in db["articles"].rows} == first_seen
    # Stored articles are not fetched again (crawler.middlewares.SkipKnownArticlesMiddleware).
    assert f"already stored (not fetched): {before['articles']}" in result.stderr
    assert "articles new: 0" in result.stderr
