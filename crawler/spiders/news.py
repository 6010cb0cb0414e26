"""The news spider: from each source's start URL, try what the site offers to find its articles.

Per source, discovery runs in stages, in this order, each stage only after the one before has
finished (so `discovered_by` names the first strategy that found an article):
topic pages -> home page (and robots.txt) -> wordpress -> feed -> sitemap -> listing -> search.
A source's topic pages (its immigration tag or search page) are read first. Its site kind
(data/site_kinds.toml) picks which stages run, which feed and sitemap paths are tried, and which
listed links are followed. Aggregator sources (Google News, GDELT) run their query instead.
"""


from __future__ import annotations

import logging
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from scrapy.http import TextResponse
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawler import aggregators
from crawler.discovery import (
    feed_entries,
    feed_links,
    is_before,
    next_page_links_in,
    search_urls,
    sitemap_entries,
    wordpress_api_root,
    wordpress_entries,
    wordpress_posts_url,
)
from crawler.extract import page_links
from crawler.spiders.base import BaseNewsSpider, SourceState

logger = logging.getLogger(__name__)

STAGES = ("wordpress", "feed", "sitemap", "listing", "search")


class NewsSpider(BaseNewsSpider):
    """Crawl every enabled source of a sources file; one spider serves all outlets."""

    name = "news"

    @classmethod
    def update_settings(cls, settings):
        """With PANTAU_FRONTIER set (`pantau crawl --frontier`, or `-s` through `scrapy crawl`
        and Scrapyd), schedule through the shared Redis frontier."""
        super().update_settings(settings)
        if settings.get("PANTAU_FRONTIER"):
            from crawler.frontier import frontier_settings

            for name, value in frontier_settings(
                    settings.get("PANTAU_FRONTIER"), settings.getfloat("PANTAU_IDLE_EXIT"),
                    settings.getfloat("PANTAU_FRONTIER_RECONNECT", 60)).items():
                settings.set(name, value, priority="spider")

    async def start(self):
        if self.shared_frontier:
            from crawler.frontier import claim_seeding

            if not claim_seeding(self.crawler, self.name):
                logger.info("the shared frontier is seeded already: taking requests from it")
                return
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
        # The immigration tag or search pages first (priority "topic"), then the home pages.
        reqs = [self.request(state, u, "parse_page", "topic", probe=True,
                             listing_depth=self.max_depth - 1) for u in source.topic_urls]
        reqs += [self.request(state, u, "parse_home", "home") for u in source.start_urls]
        root = "{0.scheme}://{0.netloc}/".format(urlsplit(source.start_urls[0]))
        # robots.txt is read here for the sitemaps it names; a kind without the sitemap stage
        # does not need it (Scrapy still reads it once per host to obey it), which spares a host
        # shared by many sources (rri.co.id/<station>) one request per source.
        if self.runs(state, "sitemap"):
            reqs.append(self.request(state, urljoin(root, "/robots.txt"), "parse_robots",
                                     "home", probe=True, again=True))
        return [r for r in reqs if r]

    def advance(self, state: SourceState):
        """When a source has nothing in flight, start its next discovery stage that has work.

        Not with a shared frontier: there the home page and robots.txt start every stage at
        once (frontier_stages), and the requests' priorities order the strategies.
        """
        if self.shared_frontier:
            return
        while state.pending == 0 and state.source.kind != "aggregator" \
                and state.stage < len(STAGES) - 1:
            state.stage += 1
            stage = STAGES[state.stage]
            if not self.runs(state, stage):
                continue
            reqs = [r for r in getattr(self, f"stage_{stage}")(state) if r]
            if reqs:
                logger.info("%s: discovery by %s (%d requests)", state.source.slug, stage,
                            len(reqs))
            yield from reqs
        if state.pending == 0 and state.stage == len(STAGES) - 1:
            state.stage += 1
            logger.info("%s: discovery finished; articles by strategy: %s", state.source.slug,
                        state.found or "none")

    def frontier_stages(self, state: SourceState, stages: tuple[str, ...]):
        """With a shared frontier: every request of these stages, at once."""
        if self.shared_frontier and state.source.kind != "aggregator":
            for stage in stages:
                if self.runs(state, stage):
                    yield from (r for r in getattr(self, f"stage_{stage}")(state) if r)

    def runs(self, state: SourceState, stage: str) -> bool:
        """True when the source's site kind uses this discovery stage (all do without a kind)."""
        kind = self.kind_of(state.source)
        return kind is None or stage in kind.strategies

    def guessed(self, state: SourceState, paths: tuple[str, ...]) -> list[str]:
        """Discovery URLs a site kind names (feeds, sitemaps), on the source's own host."""
        return [urljoin(state.source.url_prefixes[0], p) for p in paths]

    # --- stages ---------------------------------------------------------------------------------
    def stage_wordpress(self, state):
        if state.wp_api:
            for term in self.terms:
                url = wordpress_posts_url(state.wp_api, term, 1, self.since)
                yield self.request(state, url, "parse_wordpress", "wordpress", probe=True,
                                   term=term)

    def stage_feed(self, state):
        kind = self.kind_of(state.source)
        # A kind with URL rules knows its feeds; without rules, /feed/ beside each start URL.
        guessed = (self.guessed(state, kind.feeds) if kind and (kind.feeds or kind.article)
                   else [urljoin(u if u.endswith("/") else u + "/", "feed/")
                         for u in state.source.start_urls])
        for url in dict.fromkeys([*state.feeds, *guessed]):
            yield self.request(state, url, "parse_feed", "feed", probe=True)

    def stage_sitemap(self, state):
        kind = self.kind_of(state.source)
        guessed = [urljoin(state.source.start_urls[0], "/sitemap.xml")]
        if kind and kind.sitemaps:
            guessed = self.guessed(state, kind.sitemaps)
        elif state.wp_api:
            guessed.append(urljoin(state.source.start_urls[0], "/wp-sitemap.xml"))
        for url in state.sitemaps or guessed:
            yield self.request(state, url, "parse_sitemap", "sitemap", probe=True)

    def stage_listing(self, state):
        kind = self.kind_of(state.source)
        for url in state.home_links:
            if kind and not kind.follows(url):
                continue
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
        yield from self.frontier_stages(state, ("wordpress", "feed", "listing", "search"))

    def parse_robots(self, response, state):
        if response.status == 200:
            state.sitemaps = list(sitemap_urls_from_robots(response.body, base_url=response.url))
        yield from self.frontier_stages(state, ("sitemap",))

    def article_requests(self, state, entries, via):
        """Requests for listed article links, skipping those dated before --since."""
        for entry in entries:
            if is_before(entry.published, self.since):
                self.crawler.stats.inc_value("pantau/skipped/before_since")
                continue
            if self.is_after(entry.published):
                self.crawler.stats.inc_value("pantau/skipped/after_until")
                continue
            # A sitemap or feed of a shared host lists other sources' articles too: each goes
            # to the source that owns it; an aggregator keeps those no source owns.
            owner = self.owner_of(entry.url)
            kind = self.kind_of(owner) if owner else None
            if kind and not kind.is_article(entry.url):
                # a tag, author, video or photo page a sitemap lists: not this kind's articles
                self.crawler.stats.inc_value("pantau/skipped/not_article_url")
                continue
            if owner is None and state.source.kind != "aggregator":
                # another host, a file:// or private address in a feed or sitemap (issue 8)
                self.crawler.stats.inc_value("pantau/skipped/off_source")
                logger.info("not fetched (off_source): %s", entry.url)
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

    def follow_listing(self, response, state, fields):
        """A listing or search page: its next pages at the same depth, its links one deeper."""
        via = response.meta["via"]
        owner = self.states[response.meta["owner"]].source
        if via not in ("listing", "search", "topic"):
            self.crawler.stats.inc_value("pantau/skipped/not_article")
            logger.info("not an article: %s (found by %s)", response.url, via)
            return
        depth = response.meta.get("listing_depth", 0)
        rel_next, anchors = page_links(response.text)
        kind = self.kind_of(owner)
        paging = {u for u in next_page_links_in(rel_next, anchors, response.url)
                  if not kind or kind.follows(u)}
        # When everything this page lists predates --since, older pages do too: stop paging.
        if not is_before(fields.listing_newest, self.since):
            for url in paging:
                yield self.request(state, url, "parse_page", via, article=True, owner=owner,
                                   listing_depth=depth)
        if depth >= self.max_depth:
            return
        for _, _, href in anchors:
            url = urljoin(response.url, href)
            if url not in paging and (not kind or kind.follows(url)):
                yield self.request(state, url, "parse_page", via, article=True, owner=owner,
                                   listing_depth=depth + 1)
