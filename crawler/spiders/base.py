"""Shared behaviour of Pantau's spiders: per-source state, requests, article pages to items."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.discovery import is_before, parse_when
from crawler.extract import ArticleFields, decode_page, extract_article
from crawler.items import ArticleItem, build_article_item
from crawler.relevance import DEFAULT_THRESHOLD
from crawler.site_kinds import SiteKind
from crawler.sources import Source, default_site_kinds, load_sources
from crawler.urls import clean_url, is_amp_copy, url_key

logger = logging.getLogger(__name__)

# Meta key crawler.middlewares reads; kept here so the spider does not import the middlewares.
ARTICLE_CANDIDATE = "pantau_candidate"

# Scheduler priority of each strategy's requests; articles go slightly ahead of their lists.
# A source's topic pages (its immigration tag or search page, issue 20) go first of all.
PRIORITY = {"topic": 70, "home": 60, "wordpress": 50, "google_news": 50, "gdelt": 50, "feed": 40,
            "sitemap": 30, "listing": 20, "search": 10}
ARTICLE_BOOST = 5
SKIP_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".pdf", ".zip", ".mp4", ".mp3",
                   ".css", ".js", ".ico", ".svg", ".doc", ".docx", ".xls", ".xlsx", ".xml")
# Why an IgnoreRequest was raised, from its message: (words in the message, kind in the log).
IGNORED_KINDS = (("robots", "robots_txt"), ("max redirections", "redirect_loop"),
                 ("unsafe url", "unsafe_url"), ("binary body", "binary"),
                 ("download_maxsize", "too_large"))
# Discovery endpoints Pantau guesses (/feed/, /sitemap.xml) may not exist: a 404 there is quiet.
PROBE_STATUSES = [404, 410]


@dataclass
class SourceState:
    """Where one source's discovery stands and what its home page offered."""

    source: Source
    stage: int = -1  # index into STAGES; -1 while the home page and robots.txt are fetched
    pending: int = 0  # requests of this source not yet answered
    pages: int = 0
    wp_api: str | None = None
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    searches: list[str] = field(default_factory=list)
    home_links: list[str] = field(default_factory=list)
    found: dict[str, int] = field(default_factory=dict)  # strategy -> articles


class BaseNewsSpider(scrapy.Spider):
    """Sources, per-source discovery state, and article pages to items; no `name`, so Scrapy
    does not list it as a spider of its own."""

    def __init__(self, sources: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources_path = sources

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        path = spider.sources_path or settings.get("PANTAU_SOURCES")
        kinds = default_site_kinds()
        spider.sources = [s for s in load_sources(path, kinds) if s.enabled]
        spider.kinds: dict[str, SiteKind] = kinds
        spider.states = {s.slug: SourceState(s) for s in spider.sources}
        spider.max_depth = settings.getint("PANTAU_LISTING_DEPTH", 3)
        spider.terms = tuple(settings.getlist("PANTAU_SEARCH_TERMS", ["imigrasi"]))
        spider.threshold = settings.getfloat("PANTAU_RELEVANCE_MIN", DEFAULT_THRESHOLD)
        since = settings.get("PANTAU_SINCE")
        spider.since = parse_when(since) if since else None
        if since and spider.since is None:
            raise ValueError(f"PANTAU_SINCE: cannot read {since!r} as a date (use YYYY-MM-DD)")
        until = settings.get("PANTAU_UNTIL")
        # The whole last day counts, in every Indonesian zone (WIB ends it last).
        spider.until = parse_when(until + "T23:59:59+07:00") if until else None
        if until and spider.until is None:
            raise ValueError(f"PANTAU_UNTIL: cannot read {until!r} as a date (use YYYY-MM-DD)")
        spider.page_budget = settings.getint("PANTAU_MAX_PAGES", 0)
        spider.seen: set[str] = set()
        # With a shared frontier (crawler/frontier.py) Redis filters duplicates across workers.
        spider.shared_frontier = bool(settings.get("PANTAU_FRONTIER"))
        return spider

    def budget(self, source: Source) -> int:
        """Pages the source may fetch in this crawl: its max_pages, within PANTAU_MAX_PAGES."""
        return min(source.max_pages, self.page_budget) if self.page_budget else source.max_pages

    def is_after(self, published) -> bool:
        """True when a known date lies after --until (the end of the crawl's date window)."""
        if self.until is None or published is None:
            return False
        when = parse_when(published) if isinstance(published, str) else published
        return when is not None and when > self.until

    def kind_of(self, source: Source) -> SiteKind | None:
        """The site kind a source names (data/site_kinds.toml), or None for the defaults."""
        return self.kinds.get(source.site_kind) if source.site_kind else None

    # --- requests -------------------------------------------------------------------------------
    def owner_of(self, url: str) -> Source | None:
        """The source a URL belongs to; the longest matching prefix wins for shared hosts."""
        owners = [s for s in self.sources if s.kind != "aggregator" and s.owns(url)]
        return max(owners, key=lambda s: max(len(p) for p in s.url_prefixes)) if owners else None

    def request(self, state: SourceState, url: str, handler: str, via: str, *,
                article: bool = False, owner: Source | None = None, probe: bool = False,
                again: bool = False, **meta) -> scrapy.Request | None:
        """A request counted against `state`, unless seen, off-source, or over the page cap.

        `again` fetches a URL another source has fetched already (robots.txt of a shared host).
        """
        url = clean_url(url)
        path = urlsplit(url).path.lower()
        if urlsplit(url).scheme not in ("http", "https"):
            return None
        if article and path.endswith(SKIP_EXTENSIONS):
            return None
        key = url_key(url)
        owner = owner or state.source
        if (key in self.seen and not again) or (article and state.source.kind != "aggregator"
                                                and not owner.owns(url)):
            return None
        if state.pages >= self.budget(state.source):
            self.crawler.stats.inc_value(f"pantau/capped/{state.source.slug}")
            return None
        self.seen.add(key)
        state.pages += 1
        state.pending += 1
        meta.update(state=state.source.slug, owner=owner.slug, source=owner.slug, via=via,
                    handler=handler)
        if article:  # crawler.middlewares.SkipKnownArticlesMiddleware skips stored ones
            meta[ARTICLE_CANDIDATE] = True
        if probe:
            meta["handle_httpstatus_list"] = PROBE_STATUSES
        return scrapy.Request(url, callback=self.dispatch, errback=self.dispatch_error,
                              priority=PRIORITY[via] + (ARTICLE_BOOST if article else 0),
                              meta=meta, dont_filter=again or not self.shared_frontier)

    def dispatch(self, response):
        """Run the handler named in the request, then start the next stage if the source is idle."""
        state = self.states[response.meta["state"]]
        try:
            yield from getattr(self, response.meta["handler"])(response, state)
        except Exception as e:  # boundary: one broken page must not stop the crawl
            self.parse_error(response, response.meta["handler"], e)
        state.pending -= 1
        yield from self.advance(state)

    def dispatch_error(self, failure):
        """Log a failed request by kind, keep what a paged article had, and move discovery on."""
        request = failure.request
        state = self.states[request.meta["state"]]
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            # robots.txt (Scrapy's RobotsTxtMiddleware), an article already stored, or a
            # hostile answer one of the middlewares refused (issue 8).
            message = str(failure.value).lower()
            kind = next((k for words, k in IGNORED_KINDS if words in message), "ignored")
            self.crawler.stats.inc_value(f"pantau/skipped/{kind}")
            logger.info("not fetched (%s): %s", kind, request.url)
        else:
            reason = type(failure.value).__name__
            response = getattr(failure.value, "response", None)
            if response is not None:
                reason = f"http_{response.status}"
            self.crawler.stats.inc_value(f"pantau/fetch_error/{reason}")
            logger.warning("cannot fetch %s (%s)", request.url, reason)
        out = []
        partial = request.meta.get("partial")
        if partial:  # a later page of a paged article failed: store the pages we have
            item = self.finish_article(partial, state)
            out.extend([item] if item else [])
        state.pending -= 1
        out.extend(self.advance(state))
        return out

    def advance(self, state: SourceState):
        """Start the next discovery stage of an idle source (subclasses define the stages)."""
        yield from ()

    def follow_listing(self, response, state: SourceState, fields: ArticleFields):
        """Follow the links of a page that is not an article (subclasses decide which)."""
        yield from ()

    # --- pages ------------------------------------------------------------------------------------
    def parse_page(self, response, state):
        """An article yields an item (after its further pages); a listing has its links followed."""
        if response.status != 200:
            return
        if not response.body.strip():
            self.parse_error(response, "empty", None)
            return
        if not isinstance(response, HtmlResponse):
            self.parse_error(response, "not_html", None)
            return
        fetched_at = datetime.now(UTC)
        fields = extract_article(decode_page(response.body, response.encoding), response.url,
                                 reference=fetched_at)
        via = response.meta["via"]
        owner = self.states[response.meta["owner"]].source
        if fields.is_article:
            canonical = fields.canonical_url
            if is_amp_copy(response.url, canonical):
                # An AMP page: read the full page it names instead (same article key).
                self.seen.discard(url_key(canonical))
                # again: a shared frontier's filter has this key already (the AMP URL's).
                yield self.request(state, canonical, "parse_page", via, article=True,
                                   owner=owner, again=True)
                return
            partial = {"fields": fields.as_dict(), "texts": [fields.text], "via": via,
                       "owner": owner.slug, "fetched_url": response.url,
                       "fetched_at": fetched_at.replace(microsecond=0).isoformat(),
                       "next": list(fields.page_links)}
            for url in fields.page_links:
                self.seen.add(url_key(url))
            yield from self.next_article_page(partial, state)
            return
        yield from self.follow_listing(response, state, fields)

    def next_article_page(self, partial: dict, state):
        """Request the next page of a paged article, or finish it when none is left."""
        if partial["next"]:
            url = partial["next"].pop(0)
            state.pages += 1
            state.pending += 1
            yield scrapy.Request(url, callback=self.dispatch, errback=self.dispatch_error,
                                 priority=PRIORITY[partial["via"]] + ARTICLE_BOOST,
                                 dont_filter=True,
                                 meta={"state": state.source.slug, "owner": partial["owner"],
                                       "source": partial["owner"],
                                       "via": partial["via"], "handler": "parse_article_page",
                                       "partial": partial})
            return
        item = self.finish_article(partial, state)
        if item:
            yield item

    def parse_article_page(self, response, state):
        partial = response.meta["partial"]
        if isinstance(response, HtmlResponse):
            fields = extract_article(decode_page(response.body, response.encoding),
                                     response.url)
            partial["texts"].append(fields.text)
        else:
            self.parse_error(response, "not_html", None)
        yield from self.next_article_page(partial, state)

    def finish_article(self, partial: dict, state) -> ArticleItem | None:
        """The item of an article, all its pages joined; None when it predates --since."""
        f = partial["fields"]
        owner = self.states[partial["owner"]].source
        if is_before(f["published"], self.since):
            self.crawler.stats.inc_value("pantau/skipped/before_since")
            return None
        if self.is_after(f["published"]):
            self.crawler.stats.inc_value("pantau/skipped/after_until")
            return None
        text = "\n\n".join(t for t in partial["texts"] if t)
        state.found[partial["via"]] = state.found.get(partial["via"], 0) + 1
        self.crawler.stats.inc_value(f"pantau/discovered/{partial['via']}")
        return build_article_item(ArticleFields(**f), owner, partial["fetched_url"],
                                  partial["via"], fetched_at=partial["fetched_at"], text=text,
                                  pages=len(partial["texts"]), threshold=self.threshold)

    # --- errors ---------------------------------------------------------------------------------
    def parse_error(self, response, reason: str, error: Exception | None):
        """One WARNING naming the URL and the reason, and a stats counter; the crawl goes on."""
        self.crawler.stats.inc_value(f"pantau/parse_error/{reason}")
        logger.warning("cannot parse %s (%s): %s", response.url, reason, error or "")
