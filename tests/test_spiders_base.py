"""crawler/spiders/base.py: callbacks on HtmlResponse, without a crawl (the Scrapy habit)."""

from __future__ import annotations

import scrapy
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.items import ArticleItem
from crawler.spiders.news import NewsSpider

SOURCES = '[[sources]]\nname = "Warta Uji"\nstart_urls = ["https://warta.example/"]\n'
BODY = "<p>" + "Petugas Kantor Imigrasi memeriksa paspor dan izin tinggal WNA. " * 6 + "</p>"


def spider(tmp_path, **settings) -> NewsSpider:
    path = tmp_path / "sources.toml"
    path.write_text(SOURCES, encoding="utf-8")
    crawler = get_crawler(NewsSpider, {"PANTAU_SOURCES": str(path), **settings})
    return NewsSpider.from_crawler(crawler)


def page(url: str, html: str, via: str = "feed") -> HtmlResponse:
    meta = {"state": "warta-uji", "owner": "warta-uji", "via": via, "handler": "parse_page"}
    return HtmlResponse(url, body=html.encode(), encoding="utf-8",
                        request=Request(url, meta=meta))


def article(canonical: str, extra: str = "", published: str = "2026-03-10T10:00:00+07:00"):
    return (f'<html lang="id"><head><title>Razia WNA</title><link rel="canonical" '
            f'href="{canonical}"><meta property="og:type" content="article">'
            f'<meta property="article:published_time" content="{published}"></head>'
            f"<body><h1>Razia WNA</h1>{BODY}{extra}</body></html>")


def run(s: NewsSpider, response) -> list:
    # As if s.request had made this request and one more were in flight, so the source is not
    # idle and no next discovery stage starts.
    s.states["warta-uji"].pending = 2
    return list(s.dispatch(response))


def test_article_becomes_item_with_relevance(tmp_path):
    s = spider(tmp_path)
    url = "https://warta.example/berita/razia-wna"
    (item,) = run(s, page(url, article(url)))
    assert isinstance(item, ArticleItem)
    assert (item.url, item.discovered_by, item.source, item.on_topic) == (
        url, "feed", "warta-uji", True)
    assert item.immigration_relevance == 1.0


def test_amp_page_asks_for_its_canonical(tmp_path):
    s = spider(tmp_path)
    canonical = "https://warta.example/berita/razia-wna"
    (req,) = run(s, page("https://warta.example/amp/berita/razia-wna", article(canonical)))
    assert isinstance(req, scrapy.Request)
    assert (req.url, req.meta["handler"], req.meta["via"]) == (canonical, "parse_page", "feed")


def test_paged_article_waits_for_its_pages(tmp_path):
    s = spider(tmp_path)
    url = "https://warta.example/berita/razia-wna"
    nav = '<div class="halaman">Halaman 1 <a href="?page=2">2</a></div>'
    (req,) = run(s, page(url, article(url, nav)))
    assert req.url == url + "?page=2" and req.meta["handler"] == "parse_article_page"
    second = HtmlResponse(req.url, body=article(url, "<p>Halaman kedua berisi data.</p>").encode(),
                          encoding="utf-8", request=req)
    (item,) = run(s, second)
    assert item.pages == 2 and item.text.endswith("Halaman kedua berisi data.")


def test_article_before_since_is_dropped(tmp_path):
    s = spider(tmp_path, PANTAU_SINCE="2026-04-01")
    url = "https://warta.example/berita/razia-wna"
    assert run(s, page(url, article(url))) == []
    assert s.crawler.stats.get_value("pantau/skipped/before_since") == 1


def test_stages_start_in_order_when_the_source_is_idle(tmp_path):
    s = spider(tmp_path)
    state = s.states["warta-uji"]
    home, robots = s.begin(state)
    assert (home.url, robots.url, state.pending) == (
        "https://warta.example/", "https://warta.example/robots.txt", 2)
    html = ('<html><head><link rel="https://api.w.org/" href="/wp-json/"></head><body>'
            '<a href="/berita/a">A</a></body></html>')
    assert list(s.dispatch(HtmlResponse(home.url, body=html.encode(), request=home))) == []
    robots_txt = b"User-agent: *\nSitemap: https://warta.example/peta.xml\n"
    (api,) = s.dispatch(HtmlResponse(robots.url, body=robots_txt, request=robots))
    assert api.url.startswith("https://warta.example/wp-json/wp/v2/posts?")
    assert "search=imigrasi" in api.url and api.meta["via"] == "wordpress"
    # WordPress finds nothing: feeds are next, then the sitemap robots.txt named
    (feed,) = s.dispatch(HtmlResponse(api.url, body=b"[]", request=api))
    assert feed.url == "https://warta.example/feed/"
    (sitemap,) = s.dispatch(HtmlResponse(feed.url, status=404, body=b"", request=feed))
    assert sitemap.url == "https://warta.example/peta.xml"
    (listing,) = s.dispatch(HtmlResponse(sitemap.url, status=404, body=b"", request=sitemap))
    assert (listing.url, listing.meta["via"]) == ("https://warta.example/berita/a", "listing")
