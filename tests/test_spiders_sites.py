"""crawler/spiders/news.py: one crawl over three kinds of fixture site and both aggregators,
each site configured by its name and start URL alone; asserts against what was served."""

from __future__ import annotations

import pytest
import sqlite_utils
from sites import aggregators, crawl, government, portal, token_f1, wordpress

from crawler.sources import slugify
from crawler.urls import url_key

BOILERPLATE = ("TINGGALKAN KOMENTAR", "Silakan masukkan", "Baca Juga", "Bagikan", "cookie",
               "Artikel Terkait", "Terpopuler", "Kirim Komentar", "Berita Lainnya", "Halaman 1",
               "Pedoman Media Siber", "Hak Cipta", "Copyright", "Simpan nama")


def allow(site) -> list[str]:
    """The -s option that lets a crawl fetch a loopback fixture site that is no source."""
    return ["-s", f"PANTAU_ALLOWED_PRIVATE_HOSTS={site.base_url.split('//', 1)[1]}"]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """Serve the sites, crawl them once, yield (servers by kind, rows by URL key, stderr)."""
    wp, gov, po = wordpress.build(), government.build(), portal.build()
    # GDELT also lists an article of the portal, so two strategies race for it.
    agg, outlet = aggregators.build([po.url(portal.ARTICLES[2].path)])
    with wp, gov, po, agg, outlet:
        toml = (wp.source_toml() + gov.source_toml() + po.source_toml()
                + aggregators.sources_toml(agg))
        # The aggregators' outlet is no source and, here, on loopback: allow it explicitly
        # (crawler.middlewares.UnsafeUrlMiddleware refuses other loopback hosts).
        db, result = crawl(toml, tmp_path_factory.mktemp("sites"), *allow(outlet))
    rows = list(sqlite_utils.Database(db)["articles"].rows)
    servers = {"wordpress": wp, "government": gov, "portal": po, "aggregator": agg,
               "outlet": outlet}
    return servers, rows, result.stderr


def _expected(servers):
    """(source slug, server, article) for every article a fixture served."""
    for kind in ("wordpress", "government", "portal"):
        site = servers[kind]
        for a in site.articles:
            yield slugify(site.name), site, a
    for i, a in enumerate(aggregators.ARTICLES):
        yield ("google-news-imigrasi" if i < 2 else "gdelt-imigrasi"), servers["outlet"], a


def test_every_article_found_exactly_once(crawled):
    servers, rows, _ = crawled
    expected = {url_key(site.url(a.path)): (slug, a) for slug, site, a in _expected(servers)}
    keys = [url_key(r["url"]) for r in rows]
    assert sorted(keys) == sorted(expected)  # nothing missing, nothing twice, nothing extra
    for row in rows:
        slug, article = expected[url_key(row["url"])]
        assert row["source"] == slug, row["url"]
        assert bool(row["on_topic"]) == article.on_topic, row["url"]


def test_titles_dates_and_clean_bodies(crawled):
    servers, rows, _ = crawled
    by_key = {url_key(r["url"]): r for r in rows}
    checked = 0
    for _slug, site, a in _expected(servers):
        row = by_key[url_key(site.url(a.path))]
        assert (row["title"], row["published"]) == (a.title, a.published), row["url"]
        assert token_f1(row["text"], a.text) >= 0.95, (row["url"], row["text"])
        assert [b for b in BOILERPLATE if b.lower() in row["text"].lower()] == [], row["url"]
        assert row["pages"] == len(a.pages), row["url"]
        checked += 1
    assert checked == len(rows) == 17


def test_short_article_keeps_no_comment_form(crawled):
    servers, rows, _ = crawled
    short = wordpress.POSTS[0]
    assert len(short.pages[0]) == 2  # one- or two-sentence posts are where trafilatura slips
    (row,) = [r for r in rows if url_key(r["url"]) == url_key(servers["wordpress"].url(short.path))]
    assert row["text"] == short.text


def test_strategies_run_in_order(crawled):
    servers, rows, _ = crawled
    found = {url_key(r["url"]): r["discovered_by"] for r in rows}
    wp = servers["wordpress"]
    # The WordPress API (searched for "imigrasi", two pages) finds every on-topic post first;
    # the off-topic post only the feed lists.
    for post in wordpress.POSTS:
        assert found[url_key(wp.url(post.path))] == ("wordpress" if post.on_topic else "feed")
    api = [h for h in wp.hits if h.path.startswith("/wp-json/wp/v2/posts")]
    assert [h.query["page"] for h in api] == [["1"], ["2"]]
    assert all(h.query["search"] == ["imigrasi"] for h in api)
    gov = servers["government"]
    assert found[url_key(gov.url(government.SEARCH_ONLY.path))] == "search"
    assert {found[url_key(gov.url(a.path))] for a in government.LISTED} == {"listing"}
    # "Selanjutnya" led to page 2 of the listing; the search form to one result page.
    assert sorted(h.path for h in gov.hits if h.path.startswith(("/berita?", "/berita", "/pen"))
                  and "/baca/" not in h.path) == ["/berita", "/berita?page=2",
                                                  "/pencarian?kata=imigrasi"]
    po = servers["portal"]
    assert found[url_key(po.url(portal.ARCHIVED[0].path))] == "sitemap"
    # Without --since the listing is paged to its end (rel=next, then "Next").
    assert [h.path for h in po.hits if h.path.startswith("/indeks")] == [
        "/indeks", "/indeks?page=2", "/indeks?page=3", "/indeks?page=4"]


def test_paged_article_pages_fetched_once_each(crawled):
    servers, _, _ = crawled
    po = servers["portal"]
    paged = portal.ARTICLES[0]
    assert [h.path for h in po.hits if h.path.startswith(paged.path)] == [
        paged.path, paged.path + "?page=2", paged.path + "?page=3"]


def test_amp_tracking_and_short_urls_collapse(crawled):
    servers, rows, stderr = crawled
    po = servers["portal"]
    # No tracking parameter reaches the server, an AMP copy is fetched only to find its canonical
    # page, and the short-id URLs' articles are dropped as duplicates of the canonical ones.
    assert [h.path for h in po.hits if "utm_" in h.path or "fbclid" in h.path] == []
    assert [h.path for h in po.hits if h.path.startswith("/amp/")] == [
        "/amp" + portal.ARTICLES[0].path]
    assert all("/amp/" not in r["url"] and "?" not in r["url"] for r in rows)
    assert f"duplicate: {len(portal.RECENT)}" in stderr


def test_aggregator_queries_and_resolution(crawled):
    servers, rows, _ = crawled
    agg = servers["aggregator"]
    (gn,) = [h for h in agg.hits if h.path.startswith("/rss/search")]
    assert (gn.query["q"], gn.query["hl"], gn.query["ceid"]) == (["imigrasi"], ["id"], ["ID:id"])
    (gd,) = [h for h in agg.hits if h.path.startswith("/api/v2/doc/doc")]
    assert gd.query["query"] == ["imigrasi sourcelang:indonesian"]
    assert (gd.query["mode"], gd.query["format"]) == (["artlist"], ["json"])
    # The old-style Google News id was decoded without a request; the new-style one redirected.
    assert [h.path for h in agg.hits if h.path.startswith("/rss/articles/")] == [
        "/rss/articles/AU_yqLNew0pq?oc=5"]
    by_url = {r["url"]: r for r in rows}
    assert by_url[servers["outlet"].url(aggregators.ARTICLES[1].path)]["discovered_by"] == \
        "google_news"


def test_summary_and_progress(crawled):
    _, rows, stderr = crawled
    summary = [ln for ln in stderr.splitlines() if ln.startswith("pages fetched:")]
    assert len(summary) == 1
    assert f"articles new: {len(rows)}," in summary[0]
    assert "off-topic: 2," in summary[0]
    # Links to pages the fixtures do not have are logged 404s, counted by kind, not retried.
    assert "errors: fetch_error/http_404=" in summary[0]
    assert "discovery finished; articles by strategy" in stderr


def test_since_bounds_every_strategy(tmp_path):
    wp, gov, po = wordpress.build(), government.build(), portal.build()
    agg, outlet = aggregators.build()
    since = "2026-03-01"
    with wp, gov, po, agg, outlet:
        toml = (wp.source_toml() + gov.source_toml() + po.source_toml()
                + aggregators.sources_toml(agg))
        db, _ = crawl(toml, tmp_path, "--since", since, *allow(outlet))
    rows = list(sqlite_utils.Database(db)["articles"].rows)
    expected = {url_key(site.url(a.path)) for _s, site, a in _expected(
        {"wordpress": wp, "government": gov, "portal": po, "outlet": outlet})
        if a.published[:10] >= since}
    assert sorted(url_key(r["url"]) for r in rows) == sorted(expected)
    assert len(expected) == 10  # 3 WordPress, 4 portal, 3 aggregator; the office's are older
    (api,) = {h.query["after"][0] for h in wp.hits if h.path.startswith("/wp-json/")}
    assert api == "2026-03-01T00:00:00"
    assert po.requested("/sitemap-2025.xml") == 0  # the index dates it before --since
    # /indeks?page=3 lists only older articles, so its "Next" is not followed
    assert [h.path for h in po.hits if h.path.startswith("/indeks")] == [
        "/indeks", "/indeks?page=2", "/indeks?page=3"]
    (gn,) = [h for h in agg.hits if h.path.startswith("/rss/search")]
    assert gn.query["q"] == ["imigrasi after:2026-03-01"]
    (gd,) = [h for h in agg.hits if h.path.startswith("/api/v2/doc/doc")]
    assert gd.query["startdatetime"] == ["20260301000000"]
