"""The news spider: from each source's start URL, try what the site offers to find its articles.

Per source, discovery runs in stages, in this order, each stage only after the one before has
finished (so `discovered_by` names the first strategy that found an article):
home page (and robots.txt) -> wordpress -> feed -> sitemap -> listing -> search.
Aggregator sources (Google News, GDELT) run their query instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import scrapy
from bs4 import BeautifulSoup
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawler import aggregators
from crawler.discovery import (
    feed_entries,
    feed_links,
    is_before,
    next_page_links,
    parse_when,
    search_urls,
    sitemap_entries,
    wordpress_api_root,
    wordpress_entries,
    wordpress_posts_url,
)
from crawler.extract import ArticleFields, decode_page, extract_article
from crawler.items import ArticleItem, build_article_item
from crawler.relevance import DEFAULT_THRESHOLD
from crawler.sources import Source, load_sources
from crawler.urls import AMP_PATH, clean_url, url_key

logger = logging.getLogger(__name__)

# Meta key crawler.middlewares reads; kept here so the spider does not import the middlewares.
ARTICLE_CANDIDATE = "pantau_candidate"

STAGES = ("wordpress", "feed", "sitemap", "listing", "search")
# Scheduler priority of each strategy's requests; articles go slightly ahead of their lists.
PRIORITY = {"home": 60, "wordpress": 50, "google_news": 50, "gdelt": 50, "feed": 40,
            "sitemap": 30, "listing": 20, "search": 10}
ARTICLE_BOOST = 5
SKIP_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".pdf", ".zip", ".mp4", ".mp3",
                   ".css", ".js", ".ico", ".svg", ".doc", ".docx", ".xls", ".xlsx", ".xml")
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


class NewsSpider(scrapy.Spider):
    """Crawl every enabled source of a sources file; one spider serves all outlets."""

    name = "news"

    def __init__(self, sources: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources_path = sources

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        path = spider.sources_path or settings.get("PANTAU_SOURCES")
        spider.sources = [s for s in load_sources(path) if s.enabled]
        spider.states = {s.slug: SourceState(s) for s in spider.sources}
        spider.max_depth = settings.getint("PANTAU_LISTING_DEPTH", 3)
        spider.terms = tuple(settings.getlist("PANTAU_SEARCH_TERMS", ["imigrasi"]))
        spider.threshold = settings.getfloat("PANTAU_RELEVANCE_MIN", DEFAULT_THRESHOLD)
        since = settings.get("PANTAU_SINCE")
        spider.since = parse_when(since) if since else None
        if since and spider.since is None:
            raise ValueError(f"PANTAU_SINCE: cannot read {since!r} as a date (use YYYY-MM-DD)")
        spider.seen: set[str] = set()
        return spider

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
        if state.pages >= state.source.max_pages:
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
                              meta=meta, dont_filter=True)

    async def start(self):
        for state in self.states.values():
            for req in self.begin(state):
                yield req

    def begin(self, state: SourceState):
        """The first requests of a source: its query (aggregators) or home pages and robots.txt."""
        source = state.source
        if source.kind == "aggregator":
            url = aggregators.query_url(source.api, source.start_urls[0], source.query, self.since)
            req = self.request(state, url, "parse_aggregator", source.api)
            return [req] if req else []
        reqs = [self.request(state, u, "parse_home", "home") for u in source.start_urls]
        root = "{0.scheme}://{0.netloc}/".format(urlsplit(source.start_urls[0]))
        reqs.append(self.request(state, urljoin(root, "/robots.txt"), "parse_robots", "home",
                                 probe=True, again=True))
        return [r for r in reqs if r]

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
            # robots.txt (Scrapy's RobotsTxtMiddleware) or an article already stored.
            kind = "robots_txt" if "robots" in str(failure.value).lower() else "ignored"
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
        """When a source has nothing in flight, start its next discovery stage that has work."""
        while state.pending == 0 and state.source.kind != "aggregator" \
                and state.stage < len(STAGES) - 1:
            state.stage += 1
            stage = STAGES[state.stage]
            reqs = [r for r in getattr(self, f"stage_{stage}")(state) if r]
            if reqs:
                logger.info("%s: discovery by %s (%d requests)", state.source.slug, stage,
                            len(reqs))
            yield from reqs
        if state.pending == 0 and state.stage == len(STAGES) - 1:
            state.stage += 1
            logger.info("%s: discovery finished; articles by strategy: %s", state.source.slug,
                        state.found or "none")

    # --- stages ---------------------------------------------------------------------------------
    def stage_wordpress(self, state):
        if state.wp_api:
            for term in self.terms:
                url = wordpress_posts_url(state.wp_api, term, 1, self.since)
                yield self.request(state, url, "parse_wordpress", "wordpress", probe=True,
                                   term=term)

    def stage_feed(self, state):
        guessed = [urljoin(u if u.endswith("/") else u + "/", "feed/")
                   for u in state.source.start_urls]
        for url in dict.fromkeys([*state.feeds, *guessed]):
            yield self.request(state, url, "parse_feed", "feed", probe=True)

    def stage_sitemap(self, state):
        guessed = [urljoin(state.source.start_urls[0], "/sitemap.xml")]
        if state.wp_api:
            guessed.append(urljoin(state.source.start_urls[0], "/wp-sitemap.xml"))
        for url in state.sitemaps or guessed:
            yield self.request(state, url, "parse_sitemap", "sitemap", probe=True)

    def stage_listing(self, state):
        for url in state.home_links:
            yield self.request(state, url, "parse_page", "listing", article=True, listing_depth=1)

    def stage_search(self, state):
        for url in state.searches:
            # Result pages: their links and next pages are followed, nothing deeper.
            yield self.request(state, url, "parse_page", "search", probe=True,
                               listing_depth=self.max_depth - 1)

    # --- discovery handlers -----------------------------------------------------------------------
    def parse_home(self, response, state):
        """Note what the home page offers: WordPress API, feeds, a search form, its links."""
        if not isinstance(response, TextResponse):
            return
        soup = BeautifulSoup(response.text, "lxml")
        link_header = response.headers.get("Link", b"").decode("latin-1")
        state.wp_api = state.wp_api or wordpress_api_root(response.text, response.url,
                                                          link_header)
        state.feeds.extend(feed_links(soup, response.url))
        state.searches = state.searches or search_urls(soup, response.url, self.terms)
        state.home_links.extend(urljoin(response.url, a["href"])
                                for a in soup.find_all("a", href=True))
        yield from ()

    def parse_robots(self, response, state):
        if response.status == 200:
            state.sitemaps = list(sitemap_urls_from_robots(response.body, base_url=response.url))
        yield from ()

    def article_requests(self, state, entries, via):
        """Requests for listed article links, skipping those dated before --since."""
        for entry in entries:
            if is_before(entry.published, self.since):
                self.crawler.stats.inc_value("pantau/skipped/before_since")
                continue
            # A sitemap or feed of a shared host lists other sources' articles too: each goes
            # to the source that owns it; an aggregator keeps those no source owns.
            owner = self.owner_of(entry.url)
            if owner is None and state.source.kind != "aggregator":
                continue
            yield self.request(state, entry.url, "parse_page", via, article=True,
                               owner=owner)

    def parse_wordpress(self, response, state):
        if response.status != 200:
            logger.info("no WordPress API at %s (%s)", response.url, response.status)
            return
        yield from self.article_requests(state, wordpress_entries(response.body), "wordpress")
        if response.meta.get("wp_page", 1) == 1:
            total = int(response.headers.get("X-WP-TotalPages", b"1") or 1)
            for page in range(2, total + 1):
                url = wordpress_posts_url(state.wp_api, response.meta["term"], page, self.since)
                yield self.request(state, url, "parse_wordpress", "wordpress",
                                   term=response.meta["term"], wp_page=page)

    def parse_feed(self, response, state):
        if response.status != 200:
            logger.info("no feed at %s (%s)", response.url, response.status)
            return
        try:
            entries = feed_entries(response.body, response.url)
        except ValueError as e:
            if response.url in state.feeds:  # announced by the site, so a real fault
                self.parse_error(response, "feed", e)
            else:  # a guessed /feed/ that answers with a page: the site has no feed there
                logger.info("no feed at %s (%s)", response.url, e)
            return
        yield from self.article_requests(state, entries, "feed")

    def parse_sitemap(self, response, state):
        if response.status != 200:
            logger.info("no sitemap at %s (%s)", response.url, response.status)
            return
        body = response.body
        if body[:2] == b"\x1f\x8b":
            from scrapy.utils.gz import gunzip

            body = gunzip(body, max_size=self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        kind, entries = sitemap_entries(body)
        if kind == "sitemapindex":
            for entry in entries:
                if not is_before(entry.published, self.since):
                    yield self.request(state, entry.url, "parse_sitemap", "sitemap")
            return
        yield from self.article_requests(state, entries, "sitemap")

    def parse_aggregator(self, response, state):
        api = state.source.api
        yield from self.article_requests(state, aggregators.entries(api, response.body,
                                                                    response.url), api)

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
            if (canonical and AMP_PATH.search(urlsplit(response.url).path)
                    and not AMP_PATH.search(urlsplit(canonical).path)):
                # An AMP page: read the full page it names instead (same article key).
                self.seen.discard(url_key(canonical))
                yield self.request(state, canonical, "parse_page", via, article=True,
                                   owner=owner)
                return
            partial = {"fields": fields.as_dict(), "texts": [fields.text], "via": via,
                       "owner": owner.slug, "fetched_url": response.url,
                       "fetched_at": fetched_at.replace(microsecond=0).isoformat(),
                       "next": list(fields.page_links)}
            for url in fields.page_links:
                self.seen.add(url_key(url))
            yield from self.next_article_page(partial, state)
            return
        if via not in ("listing", "search"):
            self.crawler.stats.inc_value("pantau/skipped/not_article")
            logger.info("not an article: %s (found by %s)", response.url, via)
            return
        depth = response.meta.get("listing_depth", 0)
        soup = BeautifulSoup(response.text, "lxml")
        paging = set(next_page_links(soup, response.url))
        if paging and is_before(fields.listing_newest, self.since):
            paging = set()  # everything on this page predates --since: older pages do too
        for url in paging:
            yield self.request(state, url, "parse_page", via, article=True, owner=owner,
                               listing_depth=depth)
        if depth >= self.max_depth:
            return
        for a in soup.find_all("a", href=True):
            url = urljoin(response.url, a["href"])
            if url not in paging:
                yield self.request(state, url, "parse_page", via, article=True, owner=owner,
                                   listing_depth=depth + 1)

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
