"""CrawlSummary: progress lines during a crawl and one summary when it ends."""

from __future__ import annotations

import logging

from scrapy import signals
from twisted.internet import task

logger = logging.getLogger("pantau.crawl")

OUTCOMES = ("new", "updated", "unchanged", "duplicate", "off_topic")


def summarise(stats: dict) -> dict:
    """Pages fetched, articles by outcome and errors by kind, from Scrapy's stats."""
    errors = {k.split("/", 1)[1]: v for k, v in stats.items()
              if k.startswith(("pantau/fetch_error/", "pantau/parse_error/"))}
    return {
        "pages": stats.get("response_received_count", 0),
        "articles": {o: stats.get(f"pantau/articles/{o}", 0) for o in OUTCOMES},
        "skipped_known": stats.get("pantau/skipped_known", 0),
        "errors": dict(sorted(errors.items())),
    }


def format_summary(summary: dict) -> str:
    a = summary["articles"]
    errors = ", ".join(f"{k}={v}" for k, v in summary["errors"].items()) or "none"
    return (f"pages fetched: {summary['pages']}; articles new: {a['new']}, updated: "
            f"{a['updated']}, unchanged: {a['unchanged']}, duplicate: {a['duplicate']}, "
            f"off-topic: {a.get('off_topic', 0)}, "
            f"already stored (not fetched): {summary.get('skipped_known', 0)}; "
            f"errors: {errors}")


# Where sources without a province (national portals, aggregators) are counted.
NATIONAL = "Nasional"


def by_province(health: list[dict], provinces: dict[str, str | None]) -> dict[str, dict]:
    """One crawl's source_health rows summed per province, provinces in name order.

    Args:
        health: the crawl's rows from pipelines.health.assess_sources (one per source).
        provinces: source slug -> its province (None for a national source).

    Returns:
        province -> {"sources", "pages", "errors", "articles", "unhealthy"}.
    """
    out: dict[str, dict] = {}
    for row in health:
        group = out.setdefault(provinces.get(row["source"]) or NATIONAL, dict.fromkeys(
            ("sources", "pages", "errors", "articles", "unhealthy"), 0))
        group["sources"] += 1
        group["pages"] += row["pages"]
        group["errors"] += row["errors"]
        group["articles"] += row["articles_found"]
        group["unhealthy"] += row["status"] != "ok"
    return dict(sorted(out.items()))


def format_provinces(provinces: dict[str, dict]) -> list[str]:
    """One line per province: 'Aceh: 9 sources, 41 pages, 12 articles, 0 errors, 0 flagged'."""
    return [f"{name}: {g['sources']} sources, {g['pages']} pages, {g['articles']} articles, "
            f"{g['errors']} errors, {g['unhealthy']} flagged" for name, g in provinces.items()]


class CrawlSummary:
    """Logs progress every PANTAU_PROGRESS_INTERVAL seconds and the summary at the end."""

    def __init__(self, crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.loop = None
        self.final: dict | None = None

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler, crawler.settings.getfloat("PANTAU_PROGRESS_INTERVAL", 10.0))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider):
        if self.interval > 0:
            self.loop = task.LoopingCall(self.progress)
            self.loop.start(self.interval, now=False)

    def progress(self):
        logger.info("progress: %s", format_summary(summarise(self.crawler.stats.get_stats())))

    def spider_closed(self, spider, reason):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.final = summarise(self.crawler.stats.get_stats())
        self.crawler.stats.set_value("pantau/summary", self.final)
        logger.info("crawl finished (%s): %s", reason, format_summary(self.final))
