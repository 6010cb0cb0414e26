"""Site kinds (data/site_kinds.toml) in the news spider: one fixture site per kind, crawled once;
each kind's articles found by its strategy, with title, date and body right, and the pages its
URL rules exclude never requested."""

from __future__ import annotations

import pytest
import sqlite_utils
from scrapy.utils.test import get_crawler
from sites import crawl, government, kinds, portal, token_f1, wordpress

from crawler.site_kinds import load_site_kinds
from crawler.sources import SITE_KINDS_TOML
from crawler.spiders.news import NewsSpider
from crawler.urls import url_key

pytestmark = pytest.mark.slow

# Kinds whose fixture is an older, richer fixture module (tests/sites/<module>.py).
OLDER_FIXTURES = {"wordpress": wordpress, "office-cms": government, "portal": portal}


def with_kind(toml: str, kind: str) -> str:
    return toml.replace("\nstart_urls", f'\nsite_kind = "{kind}"\nstart_urls', 1)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """Every kind's fixture site served and crawled in one crawl: (sites, older, rows)."""
    sites = {kind: build() for kind, build in kinds.BUILDERS.items()}
    older = {kind: module.build() for kind, module in OLDER_FIXTURES.items()}
    servers = [s.server for s in sites.values()] + list(older.values())
    for server in servers:
        server.__enter__()
    try:
        toml = "".join(s.source_toml() for s in sites.values()) + "".join(
            with_kind(server.source_toml(), kind) for kind, server in older.items())
        db, _ = crawl(toml, tmp_path_factory.mktemp("kinds"))
    finally:
        for server in servers:
            server.__exit__(None, None, None)
    rows = {url_key(r["url"]): r for r in sqlite_utils.Database(db)["articles"].rows}
    return sites, older, rows


def test_every_site_kind_has_a_fixture():
    shipped = set(load_site_kinds(SITE_KINDS_TOML))
    assert shipped == set(kinds.BUILDERS) | set(OLDER_FIXTURES)


@pytest.mark.parametrize("kind", list(kinds.BUILDERS))
def test_kind_fixture_articles(crawled, kind):
    sites, _, rows = crawled
    site = sites[kind]
    assert site.kind == kind
    mine = {k: r for k, r in rows.items() if r["url"].startswith(site.server.base_url)}
    expected = {url_key(site.server.url(a.path)): (a, via) for a, via in site.articles}
    assert sorted(mine) == sorted(expected)
    for key, (article, via) in expected.items():
        row = mine[key]
        assert (row["title"], row["published"], row["discovered_by"]) == (
            article.title, article.published, via), row["url"]
        assert token_f1(row["text"], article.text) >= 0.95, (row["url"], row["text"])
        assert "Hak cipta" not in row["text"] and "Berita Terkait" not in row["text"]


@pytest.mark.parametrize("kind", list(kinds.BUILDERS))
def test_url_rules_keep_the_crawl_off_other_pages(crawled, kind):
    sites, _, _ = crawled
    site = sites[kind]
    assert [p for p in site.traps if site.server.requested(p)] == []
    paths = [h.path for h in site.server.hits]  # with their query strings
    assert paths.count(site.start) == 1
    if site.topic:
        assert paths.count(site.topic) == 1


def test_topic_pages_are_requested_first(tmp_path):
    """Of a source's first requests, its immigration tag page goes out first and ahead of all."""
    path = tmp_path / "sources.toml"
    path.write_text('[[sources]]\nname = "Antara Uji"\nsite_kind = "antara"\n'
                    'start_urls = ["https://uji.antaranews.com/terkini"]\n'
                    'topic_urls = ["https://uji.antaranews.com/tag/imigrasi"]\n', encoding="utf-8")
    spider = NewsSpider.from_crawler(get_crawler(NewsSpider, {"PANTAU_SOURCES": str(path)}))
    reqs = spider.begin(spider.states["antara-uji"])
    # antara runs feed and listing: no sitemap stage, so robots.txt is left to Scrapy's
    # RobotsTxtMiddleware (once per host) and not read again for sitemaps
    assert [(r.url, r.meta["via"]) for r in reqs] == [
        ("https://uji.antaranews.com/tag/imigrasi", "topic"),
        ("https://uji.antaranews.com/terkini", "home")]
    assert reqs[0].priority > reqs[1].priority
    assert spider.runs(spider.states["antara-uji"], "feed")
    assert not spider.runs(spider.states["antara-uji"], "wordpress")


def test_robots_txt_read_for_sitemaps_only_by_kinds_that_use_them(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text('[[sources]]\nname = "Tribun Uji"\nsite_kind = "tribun"\n'
                    'start_urls = ["https://uji.tribunnews.com/news"]\n\n'
                    '[[sources]]\nname = "RRI Uji"\nsite_kind = "rri"\n'
                    'start_urls = ["https://rri.example/uji/"]\n'
                    'url_prefix = "https://rri.example/uji/"\n', encoding="utf-8")
    spider = NewsSpider.from_crawler(get_crawler(NewsSpider, {"PANTAU_SOURCES": str(path)}))
    assert [r.url for r in spider.begin(spider.states["tribun-uji"])] == [
        "https://uji.tribunnews.com/news", "https://uji.tribunnews.com/robots.txt"]
    assert [r.url for r in spider.begin(spider.states["rri-uji"])] == [
        "https://rri.example/uji/"]


@pytest.mark.parametrize("kind", sorted(OLDER_FIXTURES))
def test_older_fixtures_under_their_kind(crawled, kind):
    _, older, rows = crawled
    server = older[kind]
    mine = {k: r for k, r in rows.items() if r["url"].startswith(server.base_url)}
    assert sorted(mine) == sorted(url_key(server.url(a.path)) for a in server.articles)
    for a in server.articles:
        row = mine[url_key(server.url(a.path))]
        assert (row["title"], row["published"]) == (a.title, a.published), row["url"]
        assert token_f1(row["text"], a.text) >= 0.95, row["url"]
