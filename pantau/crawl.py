"""Runs the news spider over a sources file in this process and returns the crawl summary."""

from __future__ import annotations

import os
from pathlib import Path

from crawler.sources import load_sources
from pantau.config import beside_db
from pipelines.db import open_db


def crawl_settings(sources: Path, db: Path, overrides: dict | None = None):
    """Scrapy settings from crawler/settings.py with Pantau's paths and any overrides."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.set("PANTAU_SOURCES", str(sources), priority="cmdline")
    settings.set("PANTAU_DB", str(db), priority="cmdline")
    settings.set("PANTAU_ARCHIVE_DIR", str(beside_db("archive", db)), priority="cmdline")
    settings.set("HTTPCACHE_DIR", str(beside_db("httpcache", db)), priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(sources: Path, db: Path, overrides: dict | None = None) -> dict:
    """Crawl every enabled source in `sources` into `db`.

    Args:
        sources: the sources TOML file; validated before anything is fetched.
        db: the SQLite database; created with the schema if missing.
        overrides: Scrapy settings to set, e.g. {"DOWNLOAD_DELAY": 0}.

    Returns:
        The summary dict of crawler.summary.summarise().

    Raises:
        crawler.sources.SourcesError, pipelines.db.DatabaseError: before the crawl starts.
    """
    load_sources(sources)  # fail fast on a bad file, before a database is created
    open_db(db).close()
    from scrapy.crawler import CrawlerProcess

    from crawler.spiders.news import NewsSpider

    process = CrawlerProcess(crawl_settings(sources, db, overrides))
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler)
    process.start()
    return crawler.stats.get_value("pantau/summary") or {}
