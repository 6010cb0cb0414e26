"""crawler/discovery.py: what a page, feed, sitemap or API answer offers to find articles."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup

from crawler.discovery import (
    Entry,
    article_page_links,
    feed_entries,
    feed_links,
    is_before,
    next_page_links,
    next_page_links_in,
    search_urls,
    sitemap_entries,
    wordpress_api_root,
    wordpress_entries,
    wordpress_posts_url,
)
from crawler.extract import page_links

BASE = "https://kabar.example/"


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def test_rss_atom_and_rdf_entries():
    rss = (b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>A</title>'
           b"<link>https://kabar.example/a</link><pubDate>Tue, 10 Mar 2026 07:20:00 +0000"
           b"</pubDate></item><item><guid>https://kabar.example/b</guid></item></channel></rss>")
    assert feed_entries(rss, BASE) == [
        Entry("https://kabar.example/a", datetime(2026, 3, 10, 7, 20, tzinfo=UTC)),
        Entry("https://kabar.example/b", None)]
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="enclosure" '
            b'href="/x.jpg"/><link href="/c"/><updated>2026-03-10T14:20:00+07:00</updated>'
            b"</entry></feed>")
    (entry,) = feed_entries(atom, BASE)
    assert (entry.url, entry.published.isoformat()) == ("https://kabar.example/c",
                                                        "2026-03-10T14:20:00+07:00")


def test_feed_parser_resolves_no_entities():
    evil = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<rss><channel><item><link>https://kabar.example/&x;</link></item></channel></rss>")
    entries = feed_entries(evil, BASE)
    assert all("root:" not in e.url for e in entries)


def test_html_is_not_a_feed():
    with pytest.raises(ValueError, match="not a feed"):
        feed_entries(b"<html><body><p>bukan feed</p></body></html>", BASE)


def test_feed_links_from_alternate_and_immigration_tag_pages():
    page = soup('<link rel="alternate" type="application/rss+xml" href="/feed/">'
                '<link rel="alternate" hreflang="en" href="/en/">'
                '<a href="/tag/imigrasi/">Imigrasi</a><a href="/tag/sepak-bola/">Bola</a>'
                '<a href="/kategori/berita-keimigrasian">K</a>')
    assert feed_links(page, BASE) == ["https://kabar.example/feed/",
                                      "https://kabar.example/tag/imigrasi/feed/",
                                      "https://kabar.example/kategori/berita-keimigrasian/feed/"]


def test_wordpress_api_found_in_link_tag_or_header():
    assert wordpress_api_root('<link rel="https://api.w.org/" href="/wp-json/">', BASE) == \
        "https://kabar.example/wp-json/"
    header = '<https://kabar.example/wp-json/>; rel="https://api.w.org/"'
    assert wordpress_api_root("<html></html>", BASE, header) == "https://kabar.example/wp-json/"
    assert wordpress_api_root("<html></html>", BASE) is None


def test_wordpress_posts_url_and_answer():
    url = wordpress_posts_url("https://kabar.example/wp-json/", "imigrasi", 2,
                              datetime(2026, 1, 1, tzinfo=UTC))
    assert url.startswith("https://kabar.example/wp-json/wp/v2/posts?search=imigrasi&")
    assert "page=2" in url and "after=2026-01-01T00%3A00%3A00" in url
    body = b'[{"link": "https://kabar.example/a/", "date_gmt": "2026-03-10T07:20:00"}]'
    assert wordpress_entries(body) == [
        Entry("https://kabar.example/a/", datetime(2026, 3, 10, 7, 20, tzinfo=UTC))]
    with pytest.raises(ValueError):
        wordpress_entries(b'{"code": "rest_no_route"}')


def test_sitemap_index_and_urlset():
    index = (b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap>'
             b"<loc>https://kabar.example/s1.xml</loc><lastmod>2025-12-31</lastmod></sitemap>"
             b"</sitemapindex>")
    kind, entries = sitemap_entries(index)
    assert (kind, entries[0].url, entries[0].published.year) == (
        "sitemapindex", "https://kabar.example/s1.xml", 2025)
    urlset = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>'
              b"https://kabar.example/a</loc></url></urlset>")
    assert sitemap_entries(urlset) == ("urlset", [Entry("https://kabar.example/a", None)])


@pytest.mark.parametrize("html, expected", [
    pytest.param('<a href="/berita?page=2">Selanjutnya &raquo;</a>', ["/berita?page=2"],
                 id="selanjutnya"),
    pytest.param('<a href="/indeks/2">Berikutnya</a>', ["/indeks/2"], id="berikutnya"),
    pytest.param('<a href="/page/2/">2</a><a href="/page/3/">3</a>', ["/page/2/", "/page/3/"],
                 id="wordpress-page-numbers"),
    pytest.param('<link rel="next" href="/x?page=2">', ["/x?page=2"], id="rel-next"),
    pytest.param('<a href="/berita/kanim-serang">Kanim Serang deportasi WNA</a>', [],
                 id="article-link-is-not-paging"),
])
def test_next_page_links(html, expected):
    assert next_page_links(soup(html), BASE) == [BASE.rstrip("/") + p for p in expected]
    # The crawl reads listing pages with lxml (crawler.extract.page_links): the same links.
    assert next_page_links_in(*page_links(html), BASE) == [BASE.rstrip("/") + p for p in expected]


@pytest.mark.parametrize("html", [
    pytest.param('<html><head><link rel="alternate next" href="/n?page=2"></head><body>'
                 '<nav class="pagination  Next-Page"><a class="page next" href="/p/2/">'
                 '<span>Selanjutnya</span> <!-- c --> &raquo;</a></nav>'
                 '<ul><li><a href="">kosong</a></li><li><a href="/b?x=1&amp;page=3">'
                 '<b>3</b></a></li><li><a rel="nofollow next" href="/r">r</a></li>'
                 '<li><a name="top">no href</a></li></ul></body></html>', id="whole-page"),
    pytest.param('<div><a href="/a">Berikutnya</a> <a href="/b" class="x  next">2</a></div>',
                 id="bare-fragment"),
    pytest.param('<?xml version="1.0" encoding="iso-8859-1"?><html><body>'
                 '<a href="/z" rel="next">é</a></body></html>', id="xml-declaration"),
])
def test_listing_links_read_with_lxml_as_with_beautifulsoup(html):
    rel_next, anchors = page_links(html)
    assert next_page_links_in(rel_next, anchors, BASE) == next_page_links(soup(html), BASE)
    parsed = soup(html)
    assert anchors == [(a.get_text(" ", strip=True), " ".join(a.get("class") or []), a["href"])
                       for a in parsed.find_all("a", href=True)]


@pytest.mark.parametrize("html, expected", [
    pytest.param('<form role="search" action="/"><input type="search" name="s"></form>',
                 ["https://kabar.example/?s=imigrasi"], id="wordpress"),
    pytest.param('<form action="/cari" method="get"><input type="hidden" name="t" value="1">'
                 '<input name="kata"></form>', ["https://kabar.example/cari?t=1&kata=imigrasi"],
                 id="hidden-field-kept"),
    pytest.param('<form action="/login" method="post"><input name="q"></form>', [],
                 id="post-form-ignored"),
    pytest.param('<form action="/x"><input name="email"></form>', [], id="no-search-input"),
])
def test_search_urls(html, expected):
    assert search_urls(soup(html), BASE, ("imigrasi",)) == expected


@pytest.mark.parametrize("url, html, expected", [
    pytest.param("https://p.example/read/1/a", 'Halaman <a href="?page=2">2</a> '
                 '<a href="/read/1/a?page=3">3</a>',
                 ["https://p.example/read/1/a?page=2", "https://p.example/read/1/a?page=3"],
                 id="page-parameter"),
    pytest.param("https://p.example/read/1/a", '<a href="/read/1/a/2">2</a>',
                 ["https://p.example/read/1/a/2"], id="path-suffix"),
    # numbered links to other articles are not pages of this one
    pytest.param("https://p.example/berita/12", '<a href="/berita/2">2</a>', [],
                 id="other-article-id"),
    pytest.param("https://p.example/read/1/a", '<a href="/read/1/b?page=2">2</a>', [],
                 id="other-article-paged"),
])
def test_article_page_links(url, html, expected):
    assert article_page_links(soup(html), url) == expected


def test_is_before_keeps_undated():
    since = datetime(2026, 1, 1, tzinfo=UTC)
    assert is_before("2025-12-31T23:00:00+00:00", since)
    assert not is_before("2026-01-01", since)
    assert not is_before(None, since)
    assert not is_before("2020-01-01", None)
