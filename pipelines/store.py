"""StoreArticlePipeline: upsert sources and articles into SQLite, idempotently."""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from sqlite_utils.db import NotFoundError

from core.values import Source
from pipelines.db import DatabaseError, open_db, retry_locked
from pipelines.search import write_stems

logger = logging.getLogger(__name__)


def content_hash(item: dict) -> str:
    """What decides whether a re-fetched article changed: its title, date and text."""
    key = "\x1f".join(str(item.get(k) or "") for k in ("title", "published", "text"))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def body_hash(text: str | None) -> str | None:
    """The text alone, whitespace normalised: one source's identical bodies share it."""
    words = " ".join((text or "").split())
    return hashlib.sha1(words.encode("utf-8")).hexdigest() if words else None


def source_row(source: Source) -> dict:
    return {"slug": source.slug, "name": source.name, "kind": source.kind,
            "region": source.region, "url_prefix": " ".join(source.url_prefixes),
            "start_urls": json.dumps(list(source.start_urls))}


def source_from_row(row: dict) -> Source:
    """The inverse of source_row: a Source as the database recorded it."""
    return Source(name=row["name"], start_urls=tuple(json.loads(row["start_urls"] or "[]")),
                  slug=row["slug"], url_prefixes=tuple((row["url_prefix"] or "").split()),
                  kind=row["kind"] or "outlet", region=row["region"])


def upsert_sources(db, sources: list[Source]) -> None:
    """Insert or update the sources table (label column for articles.source)."""
    with db.conn:
        db["sources"].upsert_all([source_row(s) for s in sources], pk="slug")


def store_article(db, item: dict) -> str:
    """Insert a new article or update a changed one, in one transaction.

    A new URL whose text the same source already has under another article (a republished
    post) is not stored again: its URL is recorded in article_aliases. Reprints by other
    sources are separate articles (story grouping joins them).

    Returns:
        'new', 'updated', 'unchanged' or 'duplicate' (recorded as an alias).
    """
    row = dict(item)
    row["content_hash"] = content_hash(row)
    row["body_hash"] = body_hash(row.get("text"))
    published = row.get("published") or ""
    row["published_date"] = published[:10] or None
    row["year"] = int(published[:4]) if published[:4].isdigit() else None
    row["month"] = published[:7] if len(published) >= 7 else None
    table = db["articles"]
    try:
        existing = table.get(row["article_id"])
    except NotFoundError:
        existing = None
    with db.conn:
        if existing is None and row["body_hash"]:
            same = db.execute("select article_id from articles where source = ? and body_hash = ?"
                              " limit 1", [row.get("source"), row["body_hash"]]).fetchone()
            if same:
                db["article_aliases"].upsert({"url": row["url"], "article_id": same[0],
                                              "source": row.get("source"),
                                              "fetched_at": row["fetched_at"]}, pk="url")
                return "duplicate"
        if existing is None:
            row["first_seen"] = row["fetched_at"]
            # Stems first: the insert trigger then indexes title, text and stems in one go.
            write_stems(db, row["article_id"], row.get("title"), row.get("text"))
            table.insert(row, pk="article_id", alter=True)
            return "new"
        if existing["content_hash"] == row["content_hash"]:
            table.update(row["article_id"], {"fetched_at": row["fetched_at"]})
            return "unchanged"
        # Changed text means the facts are stale: clear extracted_at so `pantau extract` redoes it.
        row.update(first_seen=existing["first_seen"], extracted_at=None, nlp_version=None)
        table.update(row["article_id"], row, alter=True)
        if (row.get("title"), row.get("text")) != (existing["title"], existing["text"]):
            write_stems(db, row["article_id"], row.get("title"), row.get("text"))
        return "updated"


class StoreArticlePipeline:
    """Write every article item to the database named by the PANTAU_DB setting."""

    def __init__(self, crawler, db_path: str):
        self.crawler = crawler
        self.db_path = db_path
        self.db = None
        self.closing = False

    @classmethod
    def from_crawler(cls, crawler):
        db_path = crawler.settings.get("PANTAU_DB")
        if not db_path:
            raise NotConfigured("PANTAU_DB is not set")
        return cls(crawler, db_path)

    def open_spider(self):
        try:
            self.db = open_db(self.db_path)
            retry_locked(upsert_sources, self.db, getattr(self.crawler.spider, "sources", []))
        except (sqlite3.Error, DatabaseError) as e:
            # Raised from here it would fail the engine's start with a Twisted traceback (and
            # the command would exit 0): the crawl closes as soon as it is open, with the error
            # in the stats for pantau.crawl.run_crawl to turn into one line.
            logger.error("cannot use %s: %s; stopping the crawl", self.db_path, e)
            self.crawler.stats.set_value("pantau/database_error", str(e))
            self.db, self.closing = None, True
            self.crawler.signals.connect(self._close_at_once, signal=signals.spider_opened)

    def _close_at_once(self, spider):
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="database_error"))

    def close_spider(self):
        if self.db is not None:
            self.db.close()

    def process_item(self, item):
        row = ItemAdapter(item).asdict()
        if self.db is None:
            raise DropItem(f"not stored: {row['url']} (the database could not be opened)")
        try:
            # Other workers may write the same database: a lock is waited for, within bounds.
            outcome = retry_locked(store_article, self.db, row)
        except (sqlite3.Error, DatabaseError) as e:
            # Disk full, read-only file, a lock held too long: every later article would fail
            # the same way, so stop the crawl cleanly; the article is still in the WARC archive.
            logger.error("cannot write %s to %s: %s; stopping the crawl", row["url"],
                         self.db_path, e)
            self.crawler.stats.set_value("pantau/database_error", str(e))
            if not self.closing:
                self.closing = True
                deferred_from_coro(self.crawler.engine.close_spider_async(reason="database_error"))
            raise DropItem(f"not stored: {row['url']} ({e})") from None
        self.crawler.stats.inc_value(f"pantau/articles/{outcome}")
        self.crawler.stats.inc_value(f"pantau/source/{row['source']}/{outcome}")
        if not row.get("on_topic", True):
            self.crawler.stats.inc_value("pantau/articles/off_topic")
        return item
