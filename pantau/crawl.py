"""Runs the news spider over a sources file in this process and returns the crawl summary."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from core.settings import beside_db, value
from crawler.sources import load_sources
from crawler.summary import by_province, summarise
from pipelines.db import DatabaseError, open_db, retry_locked
from pipelines.health import assess_sources, record_health


def crawl_settings(sources: Path, db: Path, overrides: dict | None = None):
    """Scrapy settings from crawler/settings.py with Pantau's paths and any overrides."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.set("PANTAU_SOURCES", str(sources), priority="cmdline")
    settings.set("PANTAU_DB", str(db), priority="cmdline")
    settings.set("PANTAU_ARCHIVE_DIR", str(beside_db("archive", db)), priority="cmdline")
    settings.set("HTTPCACHE_DIR", str(beside_db("httpcache", db)), priority="cmdline")
    for name, given in (overrides or {}).items():
        settings.set(name, given, priority="cmdline")
    floor = settings.getfloat("PANTAU_MIN_DOWNLOAD_DELAY")
    if settings.getfloat("DOWNLOAD_DELAY") < floor:  # see crawler/settings.py
        settings.set("DOWNLOAD_DELAY", floor, priority="cmdline")
    return settings


def run_crawl(sources: Path, db: Path, overrides: dict | None = None,
              frontier: str | None = None, idle_exit: float | None = None) -> dict:
    """Crawl every enabled source in `sources` into `db`.

    Args:
        sources: the sources TOML file; validated before anything is fetched.
        db: the SQLite database; created with the schema if missing.
        overrides: Scrapy settings to set, e.g. {"DOWNLOAD_DELAY": 0}.
        frontier: redis://HOST:PORT/DB of a frontier shared with other workers
            (crawler/frontier.py); None crawls alone.
        idle_exit: with a frontier, seconds it must stay empty before this worker exits;
            0 never exits; None: the settings table's idle_exit.

    Returns:
        The summary dict of crawler.summary.summarise(), plus "health": this crawl's
        source_health rows (pipelines/health.py), "provinces": those rows summed per
        province (crawler.summary.by_province), and "frontier_lost": the Redis error when
        the frontier stayed away past PANTAU_FRONTIER_RECONNECT and the worker stopped.

    Raises:
        crawler.sources.SourcesError, pipelines.db.DatabaseError,
        crawler.frontier.FrontierError: before the crawl starts.
    """
    crawled = [s for s in load_sources(sources) if s.enabled]  # fail fast, before a db exists
    started = _crawl_start(db)  # opens (creates, upgrades) the database first
    if frontier:
        from crawler.frontier import check_frontier

        check_frontier(frontier)  # NewsSpider.update_settings adds the frontier's settings
        overrides = {**(overrides or {}), "PANTAU_FRONTIER": frontier,
                     "PANTAU_IDLE_EXIT": value("idle_exit") if idle_exit is None else idle_exit}
    from scrapy.crawler import CrawlerProcess

    from crawler.spiders.news import NewsSpider

    process = CrawlerProcess(crawl_settings(sources, db, overrides))
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler)
    process.start()
    db_error = crawler.stats.get_value("pantau/database_error")
    if db_error:
        fix = ("another process held it too long: run fewer workers on one database, or one "
               "database per worker and `pantau merge`" if "locked" in db_error
               else "free disk space or pass --db on a writable disk")
        raise DatabaseError(f"the crawl stopped: cannot write to {db}: {db_error} ({fix}; "
                            "fetched pages are in the archive and a rerun continues)")
    # From whatever was counted, even when the crawl ended before its summary was made.
    summary = dict(crawler.stats.get_value("pantau/summary")
                   or summarise(crawler.stats.get_stats()))
    lost = crawler.stats.get_value("pantau/frontier_lost")
    if lost:
        summary["frontier_lost"] = lost
    database = open_db(db)
    health = assess_sources(database, crawler.stats.get_stats(), [s.slug for s in crawled],
                            started)
    retry_locked(record_health, database, health)
    database.close()
    summary["health"] = health
    summary["provinces"] = by_province(health, {s.slug: s.province for s in crawled})
    return summary


def _crawl_start(db) -> str:
    """The crawl's start, to the second (as articles' fetched_at). The health check counts this
    crawl's articles as those fetched since its start, so a crawl started within the second a
    previous one last fetched in waits for the next second (once: workers sharing a database
    fetch all the time, and their articles are theirs to count anyway)."""
    import time

    started = datetime.now(UTC).replace(microsecond=0).isoformat()
    database = open_db(db)
    try:
        last = next(iter(database.query("select max(fetched_at) as last from articles")),
                    {}).get("last")
    finally:
        database.close()
    if last and last >= started:
        time.sleep(1.01 - datetime.now(UTC).microsecond / 1_000_000)
        started = datetime.now(UTC).replace(microsecond=0).isoformat()
    return started
