"""Each source's health over its recent crawls, read from the source_health table."""

from __future__ import annotations

from pathlib import Path

from pipelines.db import open_db


def health_history(db_path: Path, slugs: tuple[str, ...] = (), crawls: int = 5) -> list[dict]:
    """Per source: last crawl, last success, articles found per recent crawl, current flag.

    Args:
        db_path: the Pantau database; source_health rows are written by every crawl.
        slugs: only these sources; all sources with a history when empty.
        crawls: how many recent crawls to list per source, newest first.

    Returns:
        One dict per source, sorted by slug: source, last_crawl, last_success (the newest crawl
        flagged ok, or None), articles_per_crawl (newest first), status and reason of the
        newest crawl.
    """
    db = open_db(db_path, create=False)
    try:
        if not db["source_health"].exists():
            return []
        rows = list(db["source_health"].rows_where(order_by="source, crawl_id desc"))
    finally:
        db.close()
    by_source: dict[str, list[dict]] = {}
    for row in rows:
        if not slugs or row["source"] in slugs:
            by_source.setdefault(row["source"], []).append(row)
    out = []
    for slug, history in sorted(by_source.items()):
        ok = [h["crawl_id"] for h in history if h["status"] == "ok"]
        out.append({"source": slug, "last_crawl": history[0]["crawl_id"],
                    "last_success": ok[0] if ok else None,
                    "articles_per_crawl": [h["articles_found"] for h in history[:crawls]],
                    "status": history[0]["status"], "reason": history[0]["reason"]})
    return out
