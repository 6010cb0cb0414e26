"""The generic news spider: from each source's start URL, discover articles via feeds, sitemaps, listings."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import HtmlResponse, TextResponse
from scrapy.selector import Selector
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.extract import extract_article
from crawler.items import ArticleItem
from crawler.sources import Source, load_sources
from crawler.urls import article_id, clean_url, url_key

logger = logging.getLogger(__name__)

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
# Discovery order: what a site offers as a list of its articles beats link-following.
PRIORITY = {"feed": 30, "sitemap": 20, "listing": 10}
SKIP_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".pdf", ".zip", ".mp4", ".mp3",
                   ".css", ".js", ".ico", ".svg", ".doc", ".docx", ".xls", ".xlsx")


class NewsSpider(scrapy.Spider):
    """Crawl every enabled source of a sources file; one spider serves all outlets."""

    name = "news"

    def __init__(self, sources: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources_path = sources

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        path = spider.sources_path or crawler.settings.get("PANTAU_SOURCES")
        spider.sources = [s for s in load_sources(path) if s.enabled]
        spider.max_depth = crawler.settings.getint("PANTAU_LISTING_DEPTH", 3)
        spider.seen: set[str] = set()
        spider.pages: dict[str, int] = {s.slug: 0 for s in spider.sources}
        return spider

    # --- requests -------------------------------------------------------------------------
    def source_for(self, url: str) -> Source | None:
        """The source a URL belongs to; the longest matching prefix wins for shared hosts."""
        owners = [s for s in self.sources if s.owns(url)]
        return max(owners, key=lambda s: max(len(p) for p in s.url_prefixes)) if owners else None

    def follow(self, url: str, source: Source, via: str, callback, depth: int = 0):
        """A request for `url` unless it was seen, is off-source, or the source's page cap is hit."""
        url = clean_url(url)
        if urlsplit(url).scheme not in ("http", "https") or url.lower().endswith(SKIP_EXTENSIONS):
            return None
        key = url_key(url)
        if key in self.seen or not source.owns(url):
            return None
        if self.pages[source.slug] >= source.max_pages:
            self.crawler.stats.inc_value(f"pantau/capped/{source.slug}")
            return None
        self.seen.add(key)
        self.pages[source.slug] += 1
        return scrapy.Request(url, callback=callback, priority=PRIORITY[via],
                              meta={"source": source.slug, "via": via, "depth": depth},
                              errback=self.on_error)

    async def start(self):
        # robots.txt and sitemaps belong to a host, which several sources may share.
        roots = sorted({f"{urlsplit(u).scheme}://{urlsplit(u).netloc}/"
                        for s in self.sources for u in s.start_urls})
        for root in roots:
            yield scrapy.Request(urljoin(root, "/robots.txt"), callback=self.parse_robots,
                                 priority=PRIORITY["sitemap"], dont_filter=True,
                                 meta={"root": root, "handle_httpstatus_list": [404, 410]},
                                 errback=self.on_error)
        for source in self.sources:
            for url in source.start_urls:
                req = self.follow(url, source, "listing", self.parse_page)
                if req:
                    yield req

    def _source(self, response) -> Source:
        slug = response.meta["source"]
        return next(s for s in self.sources if s.slug == slug)

    # --- discovery ----------------------------------------------------------------------------
    def parse_robots(self, response):
        sitemaps = []
        if response.status == 200 and isinstance(response, TextResponse):
            sitemaps = list(sitemap_urls_from_robots(response.body, base_url=response.url))
        if not sitemaps:
            sitemaps = [urljoin(response.meta["root"], "/sitemap.xml")]
        for url in sitemaps:
            yield scrapy.Request(url, callback=self.parse_sitemap, priority=PRIORITY["sitemap"],
                                 errback=self.on_error)

    def parse_sitemap(self, response):
        """Sitemap indexes are followed; each URL goes to the source that owns it, if any."""
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body, max_size=self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        try:
            sitemap = Sitemap(body)
        except Exception as e:  # boundary: lxml raises several types on broken XML
            self.parse_error(response, "sitemap", e)
            return
        for entry in sitemap:
            loc = entry.get("loc")
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                yield scrapy.Request(loc, callback=self.parse_sitemap, priority=PRIORITY["sitemap"],
                                     errback=self.on_error)
                continue
            source = self.source_for(loc)
            req = source and self.follow(loc, source, "sitemap", self.parse_page)
            if req:
                yield req

    def parse_feed(self, response):
        source = self._source(response)
        try:
            sel = Selector(text=response.text, type="xml")
            sel.remove_namespaces()
        except Exception as e:  # boundary: broken or non-XML feed bodies
            self.parse_error(response, "feed", e)
            return
        links = sel.xpath("//item/link/text() | //entry/link[not(@rel) or @rel='alternate']/@href")
        for link in links.getall():
            req = self.follow(urljoin(response.url, link.strip()), source, "feed", self.parse_page)
            if req:
                yield req

    def parse_page(self, response):
        """An article yields an item; any other page is a listing whose links are followed."""
        source = self._source(response)
        if not isinstance(response, HtmlResponse):
            self.parse_error(response, "not_html", None)
            return
        try:
            fields = extract_article(response.text, response.url)
        except Exception as e:  # boundary: one broken page must not stop the crawl
            self.parse_error(response, "extract", e)
            return
        if fields.is_article:
            yield self.article_item(fields, source, response)
            return
        depth = response.meta.get("depth", 0)
        for href in response.css("link[rel=alternate]"):
            if href.attrib.get("type") in FEED_TYPES and href.attrib.get("href"):
                req = self.follow(response.urljoin(href.attrib["href"]), source, "feed",
                                  self.parse_feed)
                if req:
                    yield req
        if depth >= self.max_depth:
            return
        for href in response.css("a::attr(href)").getall():
            req = self.follow(response.urljoin(href), source, "listing", self.parse_page,
                              depth=depth + 1)
            if req:
                yield req

    def article_item(self, fields, source: Source, response) -> ArticleItem:
        canonical = fields.canonical_url if fields.canonical_url and source.owns(
            fields.canonical_url) else response.url
        canonical = clean_url(canonical)
        return ArticleItem(
            article_id=article_id(canonical), url=canonical, fetched_url=response.url,
            source=source.slug, title=fields.title, published=fields.published,
            author=fields.author, section=fields.section, language=fields.language,
            description=fields.description, text=fields.text,
            discovered_by=response.meta.get("via", "listing"),
            fetched_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        )

    # --- errors -------------------------------------------------------------------------------
    def parse_error(self, response, reason: str, error: Exception | None):
        """One WARNING naming the URL and the reason, and a stats counter; the crawl goes on."""
        self.crawler.stats.inc_value(f"pantau/parse_error/{reason}")
        logger.warning("cannot parse %s (%s): %s", response.url, reason, error or "")

    def on_error(self, failure):
        request = failure.request
        reason = type(failure.value).__name__
        if hasattr(failure.value, "response") and failure.value.response is not None:
            reason = f"http_{failure.value.response.status}"
        self.crawler.stats.inc_value(f"pantau/fetch_error/{reason}")
        logger.warning("cannot fetch %s (%s)", request.url, reason)
