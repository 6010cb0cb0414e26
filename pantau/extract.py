"""The extract stage: runs the NLP pipeline over stored articles not yet extracted at this version."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from pathlib import Path

import nlp
from nlp.gazetteer import load_offices
from pipelines.db import open_db
from pipelines.events import rebuild_events
from pipelines.facts import store_facts, sync_offices
from pipelines.stories import rebuild_stories

logger = logging.getLogger(__name__)


def pending_ids(db, redo: bool = False) -> list[str]:
    """Ids of articles whose facts are missing or were made by an older NLP version.

    Ids are read up front: writing facts while a SELECT over articles is open is unsafe.
    """
    where = None if redo else "extracted_at is null or nlp_version is not ?"
    params = None if redo else [nlp.NLP_VERSION]
    rows = db["articles"].rows_where(where, params, select="article_id", order_by="article_id")
    return [r["article_id"] for r in rows]


def run_extract(db_path: Path, redo: bool = False,
                progress: Callable[[int, int], None] | None = None, workers: int = 1) -> dict:
    """Extract facts for pending articles and store them, one transaction per article.

    Args:
        db_path: an existing Pantau database.
        redo: extract every article again, not only pending ones.
        progress: called as progress(done, len(ids)) after each article.
        workers: NLP processes; above 1, articles go through nlp.extract_many (nlp.pipe with
            n_process=workers) while this process stores the results.

    Returns:
        {"articles": n extracted, "facts": n fact rows written, "offices": gazetteer size,
         "shared_stories": stories with more than one article, or None when not regrouped,
         "events": events after merging (pipelines/events.py), or None when not rebuilt}.
    """
    db = open_db(db_path, create=False)
    offices = sync_offices(db, load_offices())
    ids = pending_ids(db, redo)
    done = facts = 0
    for row, extraction in _extractions(db, ids, workers):
        facts += store_facts(db, row["article_id"], extraction, nlp.NLP_VERSION)
        done += 1
        if progress:
            progress(done, len(ids))
    # Syndicated reprints are grouped after every run, since a new article can join a story.
    stories = rebuild_stories(db) if done or redo else None
    events = rebuild_events(db) if done or redo else None  # after stories: its first signal
    db.close()
    return {"articles": done, "facts": facts, "offices": offices, "shared_stories": stories,
            "events": events["events"] if events else None}


def _extractions(db, ids: list[str], workers: int):
    """(article row, Extraction) in id order; off-topic articles get an empty Extraction."""
    rows = (db["articles"].get(article_id) for article_id in ids)
    if workers <= 1:
        for row in rows:
            # Off-topic (crawler.relevance): kept and marked, but the NLP stage skips it.
            if row.get("on_topic") == 0:
                yield row, nlp.Extraction()
            else:
                yield row, nlp.extract(row["text"] or "", title=row["title"],
                                       published=row["published"])
        return
    pending: deque = deque()

    def articles():
        for row in rows:
            pending.append(row)
            text = "" if row.get("on_topic") == 0 else row["text"] or ""
            yield {"text": text, "title": row["title"], "published": row["published"]}

    for extraction in nlp.extract_many(articles(), n_process=workers):
        row = pending.popleft()
        yield row, (nlp.Extraction() if row.get("on_topic") == 0 else extraction)
