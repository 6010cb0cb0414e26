"""What a site offers to find its articles: WordPress API, feeds, sitemaps, pagination, search."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode, urljoin, urlsplit

from bs4 import BeautifulSoup
from lxml import etree
from scrapy.utils.sitemap import Sitemap

FEED_TYPES = ("application/rss+xml", "application/atom+xml")
WP_API_REL = "https://api.w.org/"
# Posts per WordPress API page; 100 is the API's maximum.
WP_PER_PAGE = 50
# Anchor texts of "next page" links in Indonesian and English themes.
NEXT_TEXTS = re.compile(r"^\s*(selanjutnya|berikutnya|halaman\s+berikutnya|next|lanjut|older"
                        r"|sebelumnya\s+»)?\s*[»›>]*\s*$", re.I)
NEXT_WORDS = re.compile(r"\b(selanjutnya|berikutnya|next|lanjut)\b", re.I)
PAGED_URL = re.compile(r"(/page/\d+/?$|[?&](page|halaman|hal|p|paged)=\d+)", re.I)
# Query parameters and path tails that number the pages of one article ("?page=2", "/2").
ARTICLE_PAGE_PARAM = re.compile(r"[?&](page|halaman|hal|p)=(\d+)", re.I)
# Names of search inputs in site search forms (WordPress uses "s").
SEARCH_INPUTS = ("s", "q", "search", "keyword", "keywords", "kata", "cari", "query", "k")
# Tag and category archives about immigration, whose feeds are worth reading ("/tag/imigrasi/").
TOPIC_ARCHIVE = re.compile(r"/(tag|category|kategori|topik|topic)/[^/?#]*"
                           r"(imigrasi|keimigrasian|wna|deportasi|paspor)[^/?#]*/?$", re.I)
# A safe XML parser: no entities, no network (billion-laughs and XXE proof), tolerant of junk.
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True,
                             remove_comments=True, remove_pis=True, huge_tree=False)


@dataclass(frozen=True)
class Entry:
    """One article link a discovery source lists, with the date it gives, if any."""

    url: str
    published: datetime | None = None


def parse_when(value: str | None) -> datetime | None:
    """An ISO 8601 or RFC 822 date (feeds, sitemaps, APIs) as an aware datetime, or None."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            dt = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def is_before(published: datetime | str | None, since: datetime | None) -> bool:
    """True when a known date lies before `since`; unknown dates are never excluded."""
    if since is None or published is None:
        return False
    if isinstance(published, str):
        published = parse_when(published)
        if published is None:
            return False
    return published < since


# --- WordPress REST API --------------------------------------------------------------------------
def wordpress_api_root(html: str, base_url: str, link_header: str | None = None) -> str | None:
    """The site's /wp-json/ root from <link rel="https://api.w.org/"> or the Link header."""
    m = re.search(r"<([^>]+)>;\s*rel=\"https://api\.w\.org/\"", link_header or "")
    if m:
        return urljoin(base_url, m.group(1))
    soup = BeautifulSoup(html, "lxml")
    link = soup.find("link", rel=WP_API_REL)
    return urljoin(base_url, link["href"]) if link and link.get("href") else None


def wordpress_posts_url(api_root: str, term: str, page: int = 1,
                        since: datetime | None = None) -> str:
    """/wp-json/wp/v2/posts?search=term&page=N, newest first, only the fields Pantau reads."""
    params = {"search": term, "per_page": WP_PER_PAGE, "page": page, "orderby": "date",
              "_fields": "link,date_gmt,date"}
    if since:
        params["after"] = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    root = api_root if api_root.endswith("/") else api_root + "/"
    return urljoin(root, "wp/v2/posts") + "?" + urlencode(params)


def wordpress_entries(body: bytes) -> list[Entry]:
    """Post links and dates from a /wp/v2/posts answer; raises ValueError when it is not one."""
    posts = json.loads(body)
    if not isinstance(posts, list):
        raise ValueError("expected a JSON list of posts")
    entries = []
    for post in posts:
        if isinstance(post, dict) and isinstance(post.get("link"), str):
            gmt = post.get("date_gmt")
            entries.append(Entry(post["link"], parse_when(gmt + "Z" if gmt else post.get("date"))))
    return entries


# --- Feeds ----------------------------------------------------------------------------------------
def feed_entries(body: bytes, base_url: str) -> list[Entry]:
    """Links and dates of an RSS 2.0, RSS 1.0 or Atom feed; raises ValueError on a non-feed."""
    root = etree.fromstring(body, parser=XML_PARSER)
    if root is None:
        raise ValueError("empty or unparseable XML")
    # libxml2 stops at an entity-expansion bomb (billion laughs) and keeps what it had read:
    # report the feed instead of returning its first items as if that were all (issue 8).
    limits = [e for e in XML_PARSER.error_log if e.type_name == "ERR_RESOURCE_LIMIT"]
    if limits:
        raise ValueError(f"entity expansion refused: {limits[0].message}")
    entries = []
    for item in root.iter("{*}item", "{*}entry"):
        link = None
        for el in item.iterchildren("{*}link"):
            if el.get("href") and el.get("rel", "alternate") == "alternate":
                link = el.get("href")
                break
            if el.text and el.text.strip():
                link = el.text.strip()
                break
        if not link:
            guid = item.find("{*}guid")
            if guid is not None and guid.text and guid.get("isPermaLink", "true") == "true":
                link = guid.text.strip()
        if not link:
            continue
        when = None
        for tag in ("pubDate", "published", "updated", "date", "issued"):
            el = item.find("{*}" + tag)
            if el is not None and (when := parse_when(el.text)):
                break
        entries.append(Entry(urljoin(base_url, link), when))
    if not entries and etree.QName(root).localname not in ("rss", "feed", "RDF"):
        raise ValueError(f"not a feed (root element {etree.QName(root).localname})")
    return entries


def feed_links(soup: BeautifulSoup, base_url: str) -> list[str]:
    """Feeds a page announces with <link rel="alternate">, and feeds of immigration tag pages."""
    links = [urljoin(base_url, link["href"]) for link in soup.find_all("link", rel="alternate")
             if link.get("type") in FEED_TYPES and link.get("href")]
    for a in soup.find_all("a", href=True):
        href = urljoin(base_url, a["href"])
        if TOPIC_ARCHIVE.search(urlsplit(href).path):
            links.append(href.rstrip("/") + "/feed/")
    return list(dict.fromkeys(links))


# --- Sitemaps -------------------------------------------------------------------------------------
def sitemap_entries(body: bytes) -> tuple[str, list[Entry]]:
    """('urlset' or 'sitemapindex', entries with lastmod) via Scrapy's Sitemap parser.

    Google News sitemaps' <news:publication_date> is not read (Scrapy's parser flattens it);
    such sitemaps nearly always give <lastmod> too.
    """
    sitemap = Sitemap(body)
    entries = [Entry(e["loc"], parse_when(e.get("lastmod"))) for e in sitemap if e.get("loc")]
    return sitemap.type, entries


# --- Listing pages and site search ----------------------------------------------------------------
def next_page_links(soup: BeautifulSoup, base_url: str) -> list[str]:
    """Links to a listing's next pages: rel=next, "Selanjutnya", "Berikutnya", /page/N/, ?page=N."""
    return next_page_links_in(
        [link["href"] for link in soup.find_all(["link", "a"], rel="next", href=True)],
        [(a.get_text(" ", strip=True), " ".join(a.get("class") or []), a["href"])
         for a in soup.find_all("a", href=True)], base_url)


def next_page_links_in(rel_next: list[str], anchors, base_url: str) -> list[str]:
    """next_page_links over the rel=next hrefs and the (text, class, href) of every <a href>,
    from any parser."""
    links = list(rel_next)
    for text, classes, href in anchors:
        if NEXT_WORDS.search(text) or "next" in classes.lower() or PAGED_URL.search(href):
            links.append(href)
    return list(dict.fromkeys(urljoin(base_url, h) for h in links))


def search_urls(soup: BeautifulSoup, base_url: str, terms: tuple[str, ...]) -> list[str]:
    """Result-page URLs of the site's own GET search form for each term, if the page has one."""
    for form in soup.find_all("form"):
        if (form.get("method") or "get").lower() != "get":
            continue
        field = next((i for i in form.find_all("input")
                      if (i.get("name") or "").lower() in SEARCH_INPUTS
                      and (i.get("type") or "text").lower() in ("text", "search")), None)
        if field is None:
            continue
        action = urljoin(base_url, form.get("action") or base_url)
        hidden = {i["name"]: i.get("value", "") for i in form.find_all("input", type="hidden")
                  if i.get("name")}
        return [f"{action.split('?')[0]}?{urlencode({**hidden, field['name']: t})}"
                for t in terms]
    return []


def article_page_links(soup: BeautifulSoup, url: str) -> list[str]:
    """URLs of pages 2..N of an article split over pages ("Halaman 1 2 3", "?page=2"), in order.

    A link counts when its text is a page number and its URL is the article's own URL with a
    page parameter or a trailing "/N" segment.
    """
    return article_page_links_in([(a.get_text(strip=True), a["href"])
                                  for a in soup.find_all("a", href=True)], url)


def article_page_links_in(anchors, url: str) -> list[str]:
    """article_page_links over (link text, href) pairs, from any parser."""
    here = urlsplit(url)
    pages = {}
    for text, raw_href in anchors:
        text = text.strip()
        if not text.isdigit() or int(text) < 2:
            continue
        href = urljoin(url, raw_href).split("#")[0]
        there = urlsplit(href)
        if there.netloc != here.netloc or href == url:
            continue
        same_path_paged = (there.path == here.path
                           and _unpaged_query(there.query) == _unpaged_query(here.query)
                           and ARTICLE_PAGE_PARAM.search("?" + there.query))
        path_suffix = there.path.rstrip("/") == f"{here.path.rstrip('/')}/{text}"
        if same_path_paged or path_suffix:
            pages.setdefault(int(text), href)
    return [pages[n] for n in sorted(pages)]


def _unpaged_query(query: str) -> str:
    return "&".join(kv for kv in query.split("&") if kv and not ARTICLE_PAGE_PARAM.match("?" + kv))
