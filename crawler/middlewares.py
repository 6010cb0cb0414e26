"""Downloader middlewares: skip stored articles, archive raw responses, refuse unsafe URLs and
binary bodies, honour Retry-After."""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet.task import deferLater

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


# --- Hostile input (issue 8) ----------------------------------------------------------------------
# Host names that only ever mean this machine or the local network.
LOCAL_HOST_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
LOCAL_HOST_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".intranet")
# Magic numbers of binary formats a misconfigured server may label text/html.
BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF-", b"PK\x03\x04", b"\x1f\x8b",
                b"OggS", b"\x7fELF")
# How much of a body is sniffed for NUL bytes, which no HTML page contains.
BINARY_SNIFF_BYTES = 2048


def _ip_of(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a literal host stands for, including legacy IPv4 forms ("127.1", "0x7f.1",
    "2130706433") that the C resolver accepts; None for a host name."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        if not re.fullmatch(r"[0-9a-fA-FxX.]+", host) or not host[0].isdigit():
            return None
        try:
            ip = ipaddress.ip_address(socket.inet_aton(host))
        except OSError:
            return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        return ip.ipv4_mapped
    return ip


def unsafe_reason(url: str, allowed: set[tuple[str, int | None]]) -> str | None:
    """Why a crawl must not fetch `url` ("scheme", "private_address", "local_name"), or None.

    Args:
        url: the request URL.
        allowed: (host, port) pairs of the sources; these stay allowed even on loopback or a
            private network (a port of None allows every port of that host).

    Returns:
        The reason to refuse, or None when the URL may be fetched.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "scheme"
    host = (parts.hostname or "").rstrip(".").lower()
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "bad_port"
    if (host, port) in allowed or (host, None) in allowed:
        return None
    ip = _ip_of(host)
    if ip is not None:
        return None if ip.is_global else "private_address"
    if not host or host in LOCAL_HOST_NAMES or host.endswith(LOCAL_HOST_SUFFIXES) \
            or "." not in host:
        return "local_name"  # dotless names resolve through search domains to internal hosts
    return None


class UnsafeUrlMiddleware:
    """Refuse, before any connection, requests to non-web schemes, private, loopback and
    link-local addresses and local host names, except the sources' own hosts.

    A feed, sitemap, robots.txt or redirect can name any URL; without this a crawl could be made
    to read file:// paths, the cloud metadata service (169.254.169.254) or the operator's
    intranet (server-side request forgery). Redirects pass through here again. Host names are
    judged by their spelling, not resolved: a public name that resolves to a private address is
    not caught (docs/reliability.md).
    """

    def __init__(self, crawler, extra_allowed: list[str]):
        self.crawler = crawler
        self.allowed: set[tuple[str, int | None]] = set()
        for entry in extra_allowed:  # "host" (any port) or "host:port"
            host, sep, port = entry.strip().lower().rpartition(":")
            self.allowed.add((host, int(port)) if sep and port.isdigit()
                             else (entry.strip().lower(), None))

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("PANTAU_REFUSE_PRIVATE_URLS", True):
            raise NotConfigured("PANTAU_REFUSE_PRIVATE_URLS is off")
        mw = cls(crawler, crawler.settings.getlist("PANTAU_ALLOWED_PRIVATE_HOSTS"))
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        return mw

    def spider_opened(self, spider):
        for source in getattr(spider, "sources", []):
            for url in (*source.start_urls, *source.url_prefixes):
                parts = urlsplit(url)
                port = parts.port or (443 if parts.scheme == "https" else 80)
                self.allowed.add(((parts.hostname or "").lower(), port))

    def process_request(self, request):
        reason = unsafe_reason(request.url, self.allowed)
        if reason is None:
            return None
        self.crawler.stats.inc_value(f"pantau/refused_url/{reason}")
        logger.warning("refused %s (%s): not a public web address and not a source's host",
                       request.url, reason)
        raise IgnoreRequest(f"unsafe URL ({reason}): {request.url}")


class BinaryBodyMiddleware:
    """Drop a response labelled text/html whose body is binary (an image, a PDF, an archive),
    with a WARNING and a parse-error counter; the archive keeps it (it runs after archiving)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        if isinstance(response, HtmlResponse):
            head = response.body[:BINARY_SNIFF_BYTES].lstrip()
            if head.startswith(BINARY_MAGIC) or b"\x00" in head:
                self.crawler.stats.inc_value("pantau/parse_error/binary")
                if owner := source_of(request):
                    self.crawler.stats.inc_value(f"pantau/source/{owner}/errors")
                logger.warning("cannot parse %s (binary): a %d-byte non-text body served as "
                               "%s", response.url, len(response.body),
                               response.headers.get("Content-Type", b"").decode("latin-1"))
                raise IgnoreRequest(f"binary body: {response.url}")
        return response


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks to wait (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware that honours Retry-After on 429 and 503.

    The retry waits what the server asks, up to PANTAU_RETRY_AFTER_MAX seconds; a server that
    asks for longer is not retried in this crawl (the source is reported, the crawl goes on).
    Without the header, retries work as in Scrapy.
    """

    @classmethod
    def from_crawler(cls, crawler):
        mw = super().from_crawler(crawler)
        mw.max_wait = crawler.settings.getfloat("PANTAU_RETRY_AFTER_MAX", 120.0)
        return mw

    async def process_response(self, request, response):
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if response.status not in (429, 503) or wait is None \
                or request.meta.get("dont_retry", False):
            return super().process_response(request, response)
        if wait > self.max_wait:
            self.crawler.stats.inc_value("pantau/retry_after/over_cap")
            logger.warning("not retrying %s: the server asks to wait %.0f s (Retry-After), over "
                           "PANTAU_RETRY_AFTER_MAX=%.0f s", request.url, wait, self.max_wait)
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        self.crawler.stats.inc_value("pantau/retry_after/waited")
        logger.info("waiting %.1f s before retrying %s (Retry-After)", wait, request.url)
        from twisted.internet import reactor

        # a Deferred, awaited the way that works under the asyncio reactor as well
        await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        return retry
