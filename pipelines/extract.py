"""The extract stage: runs the NLP over stored articles not yet extracted at this NLP version."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

import nlp
from core.settings import value
from nlp.gazetteer import load_offices
from pipelines.db import open_db, refresh_summaries
from pipelines.events import PENDING_TABLE as EVENT_PENDING
from pipelines.events import rebuild_events, update_events
from pipelines.facts import store_facts_batch, sync_offices
from pipelines.schema import drop_fact_indexes, restore_indexes
from pipelines.stories import PENDING_TABLE as STORY_PENDING
from pipelines.stories import rebuild_stories, signature_blob, store_signatures

logger = logging.getLogger(__name__)

# Articles per transaction: a kill -9 loses at most this many articles' work (the settings
# table's batch_size, `pantau extract --batch-size`).
BATCH_SIZE = value("batch_size")
# Articles per piece of work sent to an NLP worker (nlp.extract_many's batch_size).
WORKER_BATCH_SIZE = 64
# SQLite page cache for the run, in KiB (negative cache_size): the fact tables' indexes are
# updated at random places, and at a million articles they outgrow the default 2 MB cache.
CACHE_KIB = 256 * 1024

# A run that extracts at least this many articles, and more than the fact tables already
# describe, is a bulk load: the fact tables' secondary indexes are dropped for it and built
# again at its end (bulk_indexes). Each fact row otherwise updates ~10 indexes at random
# places, the main cost of storing at 1,000,000 articles (benchmarks/README.md, Scale build);
# building an index afterwards is one sort.
BULK_ARTICLES = 20_000

ARTICLE_FIELDS = "article_id, title, published, text, on_topic, content_hash"
PENDING = "(extracted_at is null or nlp_version is not ?)"


def count_pending(db, redo: bool = False) -> int:
    """How many articles a run will extract (all of them with redo)."""
    if redo:
        return db.execute("select count(*) from articles").fetchone()[0]
    return db.execute(f"select count(*) from articles where {PENDING}",
                      [nlp.NLP_VERSION]).fetchone()[0]


def pending_articles(db, redo: bool = False, page: int = BATCH_SIZE) -> Iterator[dict]:
    """Articles whose facts are missing or were made by an older NLP version, in id order.

    Read by keyset pagination (article_id > the last one read, `page` at a time), never all
    ids up front: memory stays flat however large the table, each page is fetched whole
    before anything is written (no SELECT stays open across a write), and articles stored
    meanwhile are skipped because the next page starts after the last id read.
    """
    last = ""
    pending = "" if redo else f"and {PENDING}"
    while True:
        params = [last] if redo else [last, nlp.NLP_VERSION]
        cursor = db.execute(f"select {ARTICLE_FIELDS} from articles where article_id > ? "
                            f"{pending} order by article_id limit {int(page)}", params)
        columns = [c[0] for c in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        if not rows:
            return
        yield from rows
        last = rows[-1]["article_id"]


def run_extract(db_path: Path, redo: bool = False,
                progress: Callable[[int, int], None] | None = None, workers: int = 1,
                batch_size: int = BATCH_SIZE, phase: Callable[[str], None] | None = None
                ) -> dict:
    """Extract facts for pending articles and store them, one transaction per batch.

    A run killed at any point (even kill -9) loses at most the batch being stored; running
    it again continues after the last stored batch.

    Args:
        db_path: an existing Pantau database.
        redo: extract every article again, not only pending ones.
        progress: called as progress(done, total) after each stored batch.
        workers: NLP processes; above 1, nlp.extract_many runs the NLP (and the story
            signatures) in worker processes while this process reads the next articles and
            stores the results.
        batch_size: articles per transaction.
        phase: called as phase(name) when each phase after the extraction starts ("stories",
            "events", "summaries"): at a million articles they take minutes.

    Returns:
        {"articles": n extracted, "facts": n fact rows written, "offices": gazetteer size,
         "shared_stories": stories with more than one article, or None when not regrouped,
         "events": events after merging (pipelines/events.py), or None when not merged,
         "events_rebuilt": True when every event was rebuilt, False when only the events of the
         "events_queued" articles (new, extracted again or regrouped) were recomputed,
         "seconds": {"extract": s, "stories": s, "events": s, "summaries": s} wall time per
         phase (extract includes storing the facts; a phase not run is absent)}.
    """
    db = open_db(db_path, create=False)
    db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    offices = sync_offices(db, load_offices())
    total = count_pending(db, redo)
    seconds: dict[str, float] = {}
    done = facts = 0
    started = time.perf_counter()
    extractions = _extractions(pending_articles(db, redo, page=batch_size), workers, batch_size)
    with bulk_indexes(db, total >= BULK_ARTICLES and total > _extracted(db)):
        while batch := list(islice(extractions, max(1, batch_size))):
            facts += store_facts_batch(db, [(a, e) for a, e, _ in batch], nlp.NLP_VERSION)
            # The story signatures computed beside the facts: the stories phase then only groups.
            store_signatures(db, [s for _, _, s in batch if s])
            done += len(batch)
            if progress:
                progress(done, max(total, done))
    seconds["extract"] = time.perf_counter() - started
    stories = events = None
    # Also when nothing was extracted but an earlier run stopped before its later phases (a
    # kill after the last batch): its articles are still queued for stories or events.
    if done or redo or _queued(db):
        # Syndicated reprints are grouped after every run, since a new article can join a story.
        stories = _timed(seconds, "stories", phase, rebuild_stories, db)
        # After stories: they are the events' first signal. Only the events the new, changed or
        # regrouped articles touch are recomputed, unless everything was extracted again.
        events = _timed(seconds, "events", phase, rebuild_events if redo else update_events,
                        db, workers)
        _timed(seconds, "summaries", phase, refresh_summaries, db)
    db.close()
    return {"articles": done, "facts": facts, "offices": offices, "shared_stories": stories,
            "events": events["events"] if events else None,
            # Whether every event was rebuilt, else how many queued articles' events were updated.
            "events_rebuilt": events.get("rebuilt", True) if events else None,
            "events_queued": events.get("queued") if events else None,
            "seconds": {k: round(v, 3) for k, v in seconds.items()}}


def _extracted(db) -> int:
    """How many articles have facts stored (at any NLP version)."""
    return db.execute("select count(*) from articles where extracted_at is not null").fetchone()[0]


@contextmanager
def bulk_indexes(db, bulk: bool):
    """With bulk: drop the fact tables' secondary indexes (all but article_id's, which
    store_facts_batch deletes by) for the block, and create them again after it.

    Killed in between, the database lacks those indexes until the next open_db (ensure_schema
    creates every missing index), so nothing is lost; readers meanwhile get slower pages.
    """
    if not bulk:
        yield
        return
    with db.conn:
        dropped = drop_fact_indexes(db.conn)
    try:
        yield
    finally:
        with db.conn:
            restore_indexes(db.conn, dropped)


def _queued(db) -> bool:
    """Whether articles wait for the stories or events phase (pipelines/stories.py, events.py)."""
    return any(db.execute(f"select 1 from [{table}] limit 1").fetchone()
               for table in (STORY_PENDING, EVENT_PENDING) if table in db.table_names())


def _timed(seconds: dict, name: str, phase: Callable[[str], None] | None, function, *args):
    """function(*args), announced to `phase` and its wall time recorded as seconds[name]."""
    if phase:
        phase(name)
    started = time.perf_counter()
    try:
        return function(*args)
    finally:
        seconds[name] = time.perf_counter() - started


def _extractions(articles: Iterator[dict], workers: int, batch_size: int = BATCH_SIZE
                 ) -> Iterator[tuple[str, nlp.Extraction, tuple | None]]:
    """(article_id, Extraction, signature row) in input order.

    Off-topic articles get an empty Extraction. The signature row (article_id, content_hash,
    pipelines.stories.signature_blob) is computed with the NLP (by the workers when there are
    several); None where the workers did not see the stored text (off-topic: no text is sent;
    longer than nlp.MAX_CHARS: clipped), and the stories phase then hashes it itself.
    """
    if workers <= 1:
        for row in articles:
            # Off-topic (crawler.relevance): kept and marked, but the NLP stage skips it.
            if row.get("on_topic") == 0:
                yield row["article_id"], nlp.Extraction(), None
                continue
            text = row["text"] or ""
            yield (row["article_id"],
                   nlp.extract(text, title=row["title"], published=row["published"]),
                   (row["article_id"], row.get("content_hash"), signature_blob(text)))
        return
    pending: deque = deque()  # extract_many reads ahead: the rows wait here, in order

    def texts():
        for row in articles:
            off_topic = row.get("on_topic") == 0
            signed = not off_topic and len(row["text"] or "") <= nlp.MAX_CHARS
            pending.append((row["article_id"], off_topic,
                            row.get("content_hash") if signed else False))
            yield {"text": "" if off_topic else row["text"] or "", "title": row["title"],
                   "published": row["published"]}

    # While this process stores a batch of `batch_size` results, the workers go on with the
    # batches already queued: queue a stored batch's worth more than the workers hold.
    ahead = 2 * workers + -(-batch_size // WORKER_BATCH_SIZE)
    for extraction, blob in nlp.extract_many(texts(), n_process=workers,
                                             batch_size=WORKER_BATCH_SIZE, ahead=ahead,
                                             digest=signature_blob):
        article_id, off_topic, content_hash = pending.popleft()
        signature = None if content_hash is False else (article_id, content_hash, blob)
        # Off-topic (crawler.relevance): kept and marked, but the NLP stage skips it.
        yield article_id, (nlp.Extraction() if off_topic else extraction), signature
