"""Rebuilds the articles from the WARC archive, with no network: `pantau extract --reparse`."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime
from pathlib import Path

from itemadapter import ItemAdapter
from scrapy.http import HtmlResponse

from crawler.archive import archived_info, iter_archive
from crawler.extract import decode_page, extract_article
from crawler.items import build_article_item
from crawler.urls import is_amp_copy
from pipelines.db import open_db
from pipelines.store import source_from_row, store_article, upsert_sources

logger = logging.getLogger(__name__)


def _when(warc_date: str | None) -> datetime | None:
    """A WARC-Date ('2026-11-22T19:43:38Z') as an aware datetime."""
    try:
        return datetime.fromisoformat((warc_date or "").replace("Z", "+00:00"))
    except ValueError:
        return None


def reparse_archive(db_path: Path, archive_dir: Path) -> dict:
    """Re-extract every archived HTML page and store its article (new, updated or unchanged).

    Pages are decoded exactly as during the crawl (Scrapy's HtmlResponse: headers, BOM,
    meta charset). The archive is streamed record by record (warcio's ArchiveIterator over
    each open file), never loaded whole, and what is kept between records is per file.

    Returns:
        Counts: {"pages": n, "new": n, "updated": n, "unchanged": n, "not_article": n, ...}.
    """
    if not Path(archive_dir).is_dir():
        from pipelines.db import DatabaseError

        raise DatabaseError(f"no archive at {archive_dir}: nothing to re-parse")
    db = open_db(db_path)
    # The archive's own record of its sources first; the database's rows win where both exist.
    rows = {r["slug"]: r for info in archived_info(archive_dir) for r in info.get("sources", [])}
    rows.update({r["slug"]: r for r in db["sources"].rows})
    upsert_sources(db, [source_from_row(r) for r in rows.values()])
    sources = {slug: source_from_row(row) for slug, row in rows.items()}
    outcome: Counter = Counter()
    # Paged articles: the crawl fetched page 1, then pages 2..N, so the archive holds them in
    # that order; a page named in an earlier page's links is a continuation, not an article.
    waiting: dict[str, dict] = {}  # continuation URL -> the partial article it completes

    stored: set[tuple[str, str]] = set()  # (WARC file, article_id) already stored
    current_file = None

    def finish(partial: dict) -> None:
        item = build_article_item(partial["fields"], partial["source"], partial["url"],
                                  partial["via"], fetched_at=partial["fetched_at"],
                                  text="\n\n".join(t for t in partial["texts"] if t),
                                  pages=len(partial["texts"]))
        # Within one crawl (one WARC file) the first copy of an article wins, as
        # DuplicateArticlePipeline decides during the crawl; a later crawl's copy updates it.
        key = (partial["file"], item.article_id)
        if key in stored:
            outcome["duplicate"] += 1
            return
        stored.add(key)
        outcome[store_article(db, ItemAdapter(item).asdict())] += 1

    for record in iter_archive(archive_dir):
        if record.file != current_file:
            # Duplicates are decided within one file: keep only the keys a file still being
            # read, or a paged article still waiting, can need, so memory does not grow with
            # the archive.
            current_file = record.file
            alive = {current_file} | {p["file"] for p in waiting.values()}
            stored = {key for key in stored if key[0] in alive}
        if record.status != 200 or "html" not in record.content_type.lower():
            continue
        outcome["pages"] += 1
        source = sources.get(record.source or "")
        if source is None:
            outcome["unknown_source"] += 1
            continue
        fetched = _when(record.date)
        response = HtmlResponse(record.url, status=record.status, body=record.body,
                                headers=dict(record.headers))
        try:
            # Decoded and dated exactly as the crawl did (decode_page, fetch time as reference).
            fields = extract_article(decode_page(response.body, response.encoding), record.url,
                                     reference=fetched)
        except Exception as e:  # boundary: one broken page must not stop the re-parse
            logger.warning("cannot re-parse %s: %s", record.url, e)
            outcome["errors"] += 1
            continue
        if record.url in waiting:
            partial = waiting.pop(record.url)
            partial["texts"].append(fields.text)
            if not any(w is partial for w in waiting.values()):
                finish(partial)
            continue
        if not fields.is_article:
            outcome["not_article"] += 1
            continue
        if is_amp_copy(record.url, fields.canonical_url):
            # The crawl read the full page an AMP copy names instead; that page follows.
            outcome["amp_copy"] += 1
            continue
        partial = {"fields": fields, "source": source, "url": record.url, "via": record.via,
                   "file": record.file,
                   "fetched_at": fetched.isoformat() if fetched else None,
                   "texts": [fields.text]}
        if fields.page_links:
            waiting.update({url: partial for url in fields.page_links})
        else:
            finish(partial)
    for partial in {id(p): p for p in waiting.values()}.values():
        finish(partial)  # pages that never arrived: keep what there is, as the crawl does
    db.close()
    return dict(outcome)
