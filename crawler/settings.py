"""Scrapy settings and Pantau's own crawl settings; each can be overridden with -s NAME=value."""

import os

from pantau.config import setting

BOT_NAME = "pantau"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- Pantau settings -------------------------------------------------------------------------
# SQLite database the pipelines write to.
PANTAU_DB = str(setting("db"))
# TOML file of sources the news spider crawls.
PANTAU_SOURCES = str(setting("sources"))
# Contact shown in the User-Agent, so site owners can reach the operator.
PANTAU_CONTACT = os.environ.get("PANTAU_CONTACT", "https://github.com/pantau-id/pantau")
# Folder of the gzipped WARC archive of every raw response; empty turns archiving off.
PANTAU_ARCHIVE_DIR = str(setting("archive"))
# Skip article URLs the database already holds (re-crawls and resumed crawls fetch only what is new).
PANTAU_SKIP_KNOWN = True
# How many link hops from a start URL the spider follows through listing pages.
PANTAU_LISTING_DEPTH = 3
# Only articles published on or after this date (YYYY-MM-DD) are crawled; empty for all.
PANTAU_SINCE = os.environ.get("PANTAU_SINCE", "")
# Terms searched with the WordPress API and the sites' own search forms (comma-separated).
PANTAU_SEARCH_TERMS = ["imigrasi"]
# Articles scoring below this immigration_relevance are stored as off-topic, not extracted.
PANTAU_RELEVANCE_MIN = 0.3
# Seconds between progress lines (pages, articles, errors) in the crawl log; 0 for none.
PANTAU_PROGRESS_INTERVAL = 10.0

# --- Politeness --------------------------------------------------------------------------------
USER_AGENT = f"Pantau/0.1 (+{PANTAU_CONTACT}; Indonesian immigration news archive)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# --- Faults ------------------------------------------------------------------------------------
RETRY_ENABLED = True
RETRY_TIMES = 2  # 5xx, 408, 429 and timeouts; 404 is not retried
DOWNLOAD_TIMEOUT = 30
# Pages over 10 MB are dropped by Scrapy with a log line; news articles are far smaller.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.SkipKnownArticlesMiddleware": 50,
    # Low number: sees responses after decompression and redirects, before any parsing.
    "crawler.middlewares.ArchiveResponsesMiddleware": 100,
    # Above RetryMiddleware (550): sees each final answer once, and exceptions after retries.
    "crawler.middlewares.SourceStatsMiddleware": 560,
}

# --- Increments ---------------------------------------------------------------------------------
# Feeds, sitemaps and listings are re-read with conditional requests (ETag / Last-Modified):
# Scrapy's HTTP cache with the RFC 2616 policy sends the validators and reuses a 304.
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"
HTTPCACHE_DIR = str(setting("httpcache"))
HTTPCACHE_STORAGE = "crawler.httpcache.AtomicFilesystemCacheStorage"

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
