"""Downloader middlewares: skip articles already stored, archive every raw response."""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.archive import WarcArchive
from crawler.urls import url_key
from pipelines.db import known_article_urls, open_db
from pipelines.store import source_row

logger = logging.getLogger(__name__)

# Set this request meta key to fetch a stored article again anyway (e.g. to look for updates).
REFETCH = "pantau_refetch"


def source_of(request) -> str | None:
    """The slug of the source a request's page belongs to ("owner": an aggregator may find
    another source's page), if the spider set one."""
    return request.meta.get("owner") or request.meta.get("source")


class SourceStatsMiddleware:
    """Counts pages and errors per source, for the source-health report (pipelines/health.py)."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_response(self, request, response):
        if owner := source_of(request):
            self.stats.inc_value(f"pantau/source/{owner}/pages")
            if response.status >= 400:
                self.stats.inc_value(f"pantau/source/{owner}/errors")
        return response

    def process_exception(self, request, exception):
        if (owner := source_of(request)) and not isinstance(exception, IgnoreRequest):
            self.stats.inc_value(f"pantau/source/{owner}/errors")


class SkipKnownArticlesMiddleware:
    """Drop a request before download when its URL is an article the database already holds.

    This is what makes a re-crawl, and a crawl resumed after kill -9, cost only what is new:
    the database is the record of what was fetched (Scrapy's JOBDIR is not safe after kill -9,
    scrapy/scrapy#2399).
    """

    def __init__(self, crawler, db_path: str):
        self.crawler = crawler
        self.db_path = db_path
        self.known: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("PANTAU_SKIP_KNOWN", True):
            raise NotConfigured("PANTAU_SKIP_KNOWN is off")
        mw = cls(crawler, crawler.settings.get("PANTAU_DB"))
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        return mw

    def spider_opened(self, spider):
        if self.db_path and Path(self.db_path).exists():
            db = open_db(self.db_path)
            self.known = {url_key(u) for u in known_article_urls(db)}
            db.close()
        self.crawler.stats.set_value("pantau/known_articles", len(self.known))
        logger.info("%d articles already stored will not be fetched again", len(self.known))

    def process_request(self, request):
        # Only article URLs are stored, so listings, feeds, sitemaps and robots.txt always pass:
        # they are how new articles show up.
        if not request.meta.get(REFETCH) and url_key(request.url) in self.known:
            self.crawler.stats.inc_value("pantau/skipped_known")
            if owner := source_of(request):
                self.crawler.stats.inc_value(f"pantau/source/{owner}/known")
            raise IgnoreRequest(f"already stored: {request.url}")
        return None


class ArchiveResponsesMiddleware:
    """Write each downloaded response to the WARC archive before anything parses it."""

    def __init__(self, crawler, folder: str):
        self.crawler = crawler
        self.archive = WarcArchive(folder)

    @classmethod
    def from_crawler(cls, crawler):
        folder = crawler.settings.get("PANTAU_ARCHIVE_DIR")
        if not folder:
            raise NotConfigured("PANTAU_ARCHIVE_DIR is empty")
        mw = cls(crawler, folder)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def spider_opened(self, spider):
        self.archive.info = {"sources": [source_row(s) for s in getattr(spider, "sources", [])]}

    def process_response(self, request, response):
        # A 304 answered from the HTTP cache was archived when first fetched.
        if "cached" not in response.flags:
            headers = [(k.decode("latin-1"), b", ".join(v).decode("latin-1"))
                       for k, v in response.headers.items()]
            # "owner" is the source a page belongs to (an aggregator may find another's page).
            source = source_of(request)
            self.archive.write(response.url, response.status, headers, response.body,
                               source=source, via=request.meta.get("via"))
            self.crawler.stats.inc_value("pantau/archived")
        return response

    def spider_closed(self, spider):
        self.archive.close()
