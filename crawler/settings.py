"""Scrapy settings and Pantau's own crawl settings; each can be overridden with -s NAME=value.

Paths, the contact, the date bound and the frontier's idle exit come from Pantau's settings
table (core/settings.py: defaults and environment variables); the rest is Scrapy's and the
crawl's own, here.
"""

from core.settings import setting, value

BOT_NAME = "pantau"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- Pantau settings -------------------------------------------------------------------------
# SQLite database the pipelines write to.
PANTAU_DB = str(setting("db"))
# TOML file of sources the news spider crawls.
PANTAU_SOURCES = str(setting("sources"))
# Contact shown in the User-Agent, so site owners can reach the operator.
PANTAU_CONTACT = value("contact")
# Folder of the gzipped WARC archive of every raw response; empty turns archiving off.
PANTAU_ARCHIVE_DIR = str(setting("archive"))
# Skip article URLs the database already holds (re-crawls and resumed crawls fetch only the new).
PANTAU_SKIP_KNOWN = True
# How many link hops from a start URL the spider follows through listing pages.
PANTAU_LISTING_DEPTH = 3
# Only articles published on or after this date (YYYY-MM-DD) are crawled; empty for all.
PANTAU_SINCE = value("since")
# Only articles published on or before this date (YYYY-MM-DD); with PANTAU_SINCE, the crawl's date
# window. Empty for no end.
PANTAU_UNTIL = value("until")
# Pages one source may fetch in this crawl, at most (a source's own max_pages may be lower);
# 0 for the sources' own budgets only. E.g. -s PANTAU_MAX_PAGES=30 for a quick sweep of them all.
PANTAU_MAX_PAGES = 0
# Terms searched with the WordPress API and the sites' own search forms (comma-separated).
PANTAU_SEARCH_TERMS = ["imigrasi"]
# Articles scoring below this immigration_relevance are stored as off-topic, not extracted.
PANTAU_RELEVANCE_MIN = 0.3
# Seconds between progress lines (pages, articles, errors) in the crawl log; 0 for none.
PANTAU_PROGRESS_INTERVAL = 10.0
# Redis URL of a crawl frontier shared by several workers (crawler/frontier.py); empty for a
# crawl on its own. Set with `pantau crawl --frontier redis://HOST:PORT/DB`.
PANTAU_FRONTIER = ""
# With a frontier: seconds it must stay empty before this worker exits; 0 never exits.
PANTAU_IDLE_EXIT = value("idle_exit")
# With a frontier: a worker silent this many seconds is taken for dead; its requests are requeued.
PANTAU_FRONTIER_HEARTBEAT = 10.0
# With a frontier: seconds a worker waits for Redis to answer again (a restart, a network cut)
# before it stops cleanly, keeping what it stored.
PANTAU_FRONTIER_RECONNECT = 60.0

# --- Politeness --------------------------------------------------------------------------------
USER_AGENT = f"Pantau/0.1 (+{PANTAU_CONTACT}; Indonesian immigration news archive)"
ROBOTSTXT_OBEY = True
# Hundreds of sources on a few hundred hosts: many hosts at once, but never two requests at once
# to one host (Scrapy's download slots are per host name, so a network's regional sections on
# one host, www.detik.com/<region> or rri.co.id/<station>, share one slot; issue 20).
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 0.5
# The smallest DOWNLOAD_DELAY `pantau crawl` runs with, even when told 0. With a delay of 0,
# Scrapy 2.19's downloader (asyncio reactor) hands a host's whole queue to the network at once:
# Downloader._process_queue loops on free_transfer_slots() while the requests it has started are
# only scheduled as tasks, not yet counted as transferring, so CONCURRENT_REQUESTS_PER_DOMAIN = 1
# does not hold (seen in tests/test_crawl_at_scale.py). With any delay it releases one request a
# pass. Seconds.
PANTAU_MIN_DOWNLOAD_DELAY = 0.01
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# --- Faults ------------------------------------------------------------------------------------
RETRY_ENABLED = True
RETRY_TIMES = 2  # 5xx, 408, 429 and timeouts; 404 is not retried
DOWNLOAD_TIMEOUT = 30
# Pages over 10 MB are dropped by Scrapy with a log line; news articles are far smaller.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5

# Refuse URLs that are not public web addresses (file://, 10.x, 192.168.x, 169.254.x, localhost
# ...) before any connection: feeds, sitemaps and redirects must not reach the operator's network.
# The sources' own hosts stay allowed; more can be listed here ("host" or "host:port").
PANTAU_REFUSE_PRIVATE_URLS = True
PANTAU_ALLOWED_PRIVATE_HOSTS: list[str] = []
# Longest Retry-After (429, 503) a retry waits for, in seconds; a server asking more is reported.
PANTAU_RETRY_AFTER_MAX = 120.0

DOWNLOADER_MIDDLEWARES = {
    # Lowest: sees a failure only when no middleware retried it (off without a frontier).
    "crawler.frontier.FrontierAckMiddleware": 5,
    # First of all: an unsafe URL is refused before robots.txt or anything else is fetched for it.
    "crawler.middlewares.UnsafeUrlMiddleware": 10,
    "crawler.middlewares.SkipKnownArticlesMiddleware": 50,
    # Below the archive (100): a binary body labelled text/html is archived, then dropped.
    "crawler.middlewares.BinaryBodyMiddleware": 90,
    # Low number: sees responses after decompression and redirects, before any parsing.
    "crawler.middlewares.ArchiveResponsesMiddleware": 100,
    # Above RetryMiddleware (550): sees each final answer once, and exceptions after retries.
    "crawler.middlewares.SourceStatsMiddleware": 560,
    # Scrapy's RetryMiddleware, plus waiting what Retry-After asks (within PANTAU_RETRY_AFTER_MAX).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryAfterMiddleware": 550,
}

# --- Increments ---------------------------------------------------------------------------------
# Feeds, sitemaps and listings are re-read with conditional requests (ETag / Last-Modified):
# Scrapy's HTTP cache with the RFC 2616 policy sends the validators and reuses a 304.
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"
HTTPCACHE_DIR = str(setting("httpcache"))
HTTPCACHE_STORAGE = "crawler.httpcache.AtomicFilesystemCacheStorage"

SPIDER_MIDDLEWARES = {
    # Next to the engine: sees the whole output of a callback (off without a frontier).
    "crawler.frontier.FrontierAckMiddleware": 10,
}
# Outputs of one callback processed at once (Scrapy's default is 100). Scrapy 2.19 starts that
# many asyncio tasks for every response, whatever it yields (an article page yields one item, a
# listing a few requests), and Pantau's pipelines are synchronous SQLite writes that gain
# nothing from running side by side: at 100 the tasks cost about a tenth of the crawl's CPU.
CONCURRENT_ITEMS = 4
ITEM_PIPELINES = {
    "pipelines.dedupe.DuplicateArticlePipeline": 100,
    "pipelines.store.StoreArticlePipeline": 300,
}
EXTENSIONS = {
    "crawler.summary.CrawlSummary": 500,
}

LOG_LEVEL = "INFO"
LOGSTATS_INTERVAL = 30.0
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
