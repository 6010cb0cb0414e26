"""Source health: per crawl and source, what was found and how well it extracted, vs its history."""

from __future__ import annotations

from statistics import mean

# A body shorter than this is taken as a failed extraction (a theme change, a paywall stub).
SHORT_BODY_CHARS = 400
# How many earlier crawls of a source form its history.
HISTORY_CRAWLS = 10
# A share of bad bodies (short, or without a date) at or above this is unhealthy, unless the
# source's own history was as bad (a site of short notices is not broken for being short).
BAD_SHARE = 0.5
HISTORY_MARGIN = 0.25


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def source_stats(stats: dict, slug: str) -> dict:
    """The per-source counters the crawl's middlewares and pipelines keep."""
    get = lambda what: int(stats.get(f"pantau/source/{slug}/{what}", 0))  # noqa: E731
    row = {k: get(k) for k in ("pages", "errors", "new", "updated", "unchanged", "known")}
    row["articles_found"] = row["new"] + row["updated"] + row["unchanged"] + row["known"]
    return row


def assess_sources(db, stats: dict, slugs: list[str], started_at: str) -> list[dict]:
    """Rows for `source_health`: one per source, flagged against the source's own history.

    Args:
        db: the Pantau database (articles stored by this crawl have fetched_at >= started_at).
        stats: the crawl's final Scrapy stats.
        slugs: the sources crawled.
        started_at: ISO time the crawl started; also the crawl's id.
    """
    rows = []
    for slug in slugs:
        row = {"crawl_id": started_at, "source": slug, **source_stats(stats, slug)}
        fetched = list(db.query(
            "select length(coalesce(text, '')) as chars, published from articles "
            "where source = ? and fetched_at >= ?", [slug, started_at]))
        row["bodies_checked"] = len(fetched)
        row["short_bodies"] = sum(1 for r in fetched if r["chars"] < SHORT_BODY_CHARS)
        row["missing_dates"] = sum(1 for r in fetched if not r["published"])
        history = list(db["source_health"].rows_where(
            "source = ? and crawl_id < ?", [slug, started_at], order_by="crawl_id desc",
            limit=HISTORY_CRAWLS)) if db["source_health"].exists() else []
        row["status"], row["reason"] = _verdict(row, history)
        rows.append(row)
    return rows


def _verdict(row: dict, history: list[dict]) -> tuple[str, str | None]:
    if row["articles_found"] == 0:
        usual = mean(h["articles_found"] for h in history) if history else 0
        if row["pages"] == 0 and row["errors"]:
            return "unhealthy", f"unreachable: {row['errors']} errors, no page fetched"
        return "unhealthy", (f"no articles found (usually {usual:.0f})" if usual
                             else "no articles found")
    checks = (("short_bodies", f"bodies shorter than {SHORT_BODY_CHARS} characters"),
              ("missing_dates", "articles without a date"))
    for key, label in checks:
        share = _share(row[key], row["bodies_checked"])
        past = [_share(h[key], h["bodies_checked"]) for h in history if h["bodies_checked"]]
        usual = mean(past) if past else 0.0
        if row["bodies_checked"] >= 2 and share >= BAD_SHARE and share - usual >= HISTORY_MARGIN:
            return "unhealthy", (f"extraction fell: {row[key]} of {row['bodies_checked']} "
                                 f"{label} (usually {usual:.0%})")
    return "ok", None


def record_health(db, rows: list[dict]) -> None:
    """Store the rows of one crawl (idempotent per crawl and source)."""
    with db.conn:
        db["source_health"].upsert_all(rows, pk=("crawl_id", "source"), alter=True)
