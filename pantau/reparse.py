"""Rebuilds the articles table from the WARC archive, with no network: `pantau extract --reparse`."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

from itemadapter import ItemAdapter
from scrapy.http import HtmlResponse

from crawler.archive import archived_info, iter_archive
from crawler.extract import extract_article
from crawler.items import build_article_item
from pipelines.db import open_db
from pipelines.store import source_from_row, store_article, upsert_sources

logger = logging.getLogger(__name__)


def reparse_archive(db_path: Path, archive_dir: Path) -> dict:
    """Re-extract every archived HTML page and store its article (new, updated or unchanged).

    Pages are decoded exactly as during the crawl (Scrapy's HtmlResponse: headers, BOM,
    meta charset). The archive is streamed record by record, never loaded whole.

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
    for record in iter_archive(archive_dir):
        if record.status != 200 or "html" not in record.content_type.lower():
            continue
        outcome["pages"] += 1
        source = sources.get(record.source or "")
        if source is None:
            outcome["unknown_source"] += 1
            continue
        response = HtmlResponse(record.url, status=record.status, body=record.body,
                                headers=dict(record.headers))
        try:
            fields = extract_article(response.text, record.url)
        except Exception as e:  # boundary: one broken page must not stop the re-parse
            logger.warning("cannot re-parse %s: %s", record.url, e)
            outcome["errors"] += 1
            continue
        if not fields.is_article:
            outcome["not_article"] += 1
            continue
        item = build_article_item(fields, source, record.url, record.via,
                                  fetched_at=(record.date or "").replace("Z", "+00:00") or None)
        outcome[store_article(db, ItemAdapter(item).asdict())] += 1
    db.close()
    return dict(outcome)
