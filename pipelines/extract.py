"""The extract stage: runs the NLP over stored articles not yet extracted at this NLP version."""

from __future__ import annotations

import json
import logging
import multiprocessing
import sqlite3
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
from pipelines.facts import prepare_facts, store_prepared_batch, sync_offices
from pipelines.schema import drop_fact_indexes, restore_indexes
from pipelines.stories import PENDING_TABLE as STORY_PENDING
from pipelines.stories import rebuild_stories, signature_blob, store_signatures

logger = logging.getLogger(__name__)

# Articles per transaction: a kill -9 loses at most this many articles' work (the settings
# table's batch_size, `pantau extract --batch-size`).
BATCH_SIZE = value("batch_size")
# Articles per piece of work sent to an NLP worker (their ids: the worker reads them).
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

# Up to this many pending articles are listed at once (pending_ids): a few among many.
LIST_PENDING = 100_000
FEW_AMONG_MANY = 10  # ... when the extracted articles are at least this many times as many

ARTICLE_FIELDS = "article_id, title, published, text, on_topic, content_hash"
PENDING = "(extracted_at is null or nlp_version is not ?)"


def count_pending(db, redo: bool = False) -> int:
    """How many articles a run will extract (all of them with redo)."""
    if redo:
        return db.execute("select count(*) from articles").fetchone()[0]
    return db.execute(f"select count(*) from articles where {PENDING}",
                      [nlp.NLP_VERSION]).fetchone()[0]


def pending_ids(db, redo: bool = False, page: int = WORKER_BATCH_SIZE,
                listed: int | None = None) -> Iterator[list[str]]:
    """The ids of the articles whose facts are missing or were made by an older NLP version, in
    id order, `page` at a time.

    Read by keyset pagination (article_id > the last one read), never all ids up front: memory
    stays flat however large the table, each page is fetched whole before anything is written
    (no SELECT stays open across a write), and articles stored meanwhile are skipped because
    the next page starts after the last id read. The texts are read by whoever extracts them
    (_extract_ids), not here: the main process never holds or sends them. `listed`: how many
    are pending (count_pending); up to LIST_PENDING, their ids are listed at once instead.
    """
    if not redo and listed is not None and listed <= LIST_PENDING:
        # A few among many (a daily update): listed from the (nlp_version, extracted_at,
        # article_id) index in one pass, not found by walking every row in id order.
        ids = sorted(r[0] for r in db.execute(f"select article_id from articles where {PENDING}",
                                              [nlp.NLP_VERSION]))
        for i in range(0, len(ids), page):
            yield ids[i:i + page]
        return
    last = ""
    pending = "" if redo else f"and {PENDING}"
    while True:
        params = [last] if redo else [last, nlp.NLP_VERSION]
        ids = [r[0] for r in db.execute(f"select article_id from articles where article_id > ? "
                                        f"{pending} order by article_id limit {int(page)}",
                                        params)]
        if not ids:
            return
        yield ids
        last = ids[-1]


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
        workers: NLP processes; above 1, worker processes read the articles and run the NLP
            (and the story signatures) while this process stores the results (_extractions).
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
    extracted = _extracted(db)
    # Listing the pending ids at once pays only for a few among many (a daily update); for
    # the rest, the ids are paged, so memory stays flat however many are pending.
    few = total <= LIST_PENDING and total * FEW_AMONG_MANY <= extracted
    extractions = _extractions(db, Path(db_path), redo, workers, batch_size,
                               total if few else None)
    with bulk_indexes(db, total >= BULK_ARTICLES and total > extracted):
        while batch := list(islice(extractions, max(1, batch_size))):
            written, stored = store_prepared_batch(db, [row[:5] for row in batch],
                                                   nlp.NLP_VERSION)
            facts += written
            # The story signatures computed beside the facts: the stories phase then only groups.
            store_signatures(db, [row[5] for row in batch if row[5] and row[0] in stored])
            done += len(stored)
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


# The worker's own state (_init_worker): a read connection and the offices' provinces.
_WORKER: dict = {}
READ_SQL = (f"select {ARTICLE_FIELDS}, source, published_date, year, month from articles "
            "where article_id in (select value from json_each(?))")


def _init_worker(db_path: str) -> None:
    """Open the worker's own connection (readers never block the writer in WAL mode)."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA query_only = 1")
    _WORKER.update(conn=conn, provinces=dict(conn.execute("select office_id, province "
                                                          "from offices")))


def _extract_ids(ids: list[str]) -> list[tuple]:
    """Read, extract and prepare the storage of some articles (in a worker, or in this process
    with one worker): (article_id, content_hash, source, fact rows, event stamp, signature row)
    per article still in the table, in the order given.

    Off-topic articles (crawler.relevance: kept and marked, but the NLP stage skips them) get an
    empty Extraction. The signature row (article_id, content_hash,
    pipelines.stories.signature_blob) is None where the text is off-topic or longer than
    nlp.MAX_CHARS (the NLP reads it clipped): the stories phase then hashes it itself.
    """
    conn = _WORKER["conn"]
    rows = {r[0]: r for r in conn.execute(READ_SQL, [json.dumps(ids)])}
    out = []
    for article_id in ids:
        if article_id not in rows:
            continue  # deleted since it was listed
        (_, title, published, text, on_topic, content_hash, source, published_date, year,
         month) = rows[article_id]
        signature = None
        if on_topic == 0:
            extraction = nlp.Extraction()
        else:
            extraction = nlp.extract(text or "", title=title, published=published)
            if len(text or "") <= nlp.MAX_CHARS:
                signature = (article_id, content_hash, _signature(text))
        tables, stamp = prepare_facts(article_id, extraction,
                                      {"source": source, "published_date": published_date,
                                       "year": year, "month": month}, _WORKER["provinces"])
        out.append((article_id, content_hash, source, tables, stamp, signature))
    return out


def _signature(text: str | None) -> bytes | None:
    try:
        return signature_blob(text)
    except UnicodeEncodeError:  # a lone surrogate: left to the stories phase (as stored)
        return None


def _extractions(db, db_path: Path, redo: bool, workers: int, batch_size: int = BATCH_SIZE,
                 total: int | None = None) -> Iterator[tuple]:
    """_extract_ids' rows of every pending article, in id order.

    With workers > 1, worker processes forked after the NLP pipeline is built (so they share
    it) read the articles themselves and send back only plain rows ready for executemany: this
    process lists ids and stores, and never reads, pickles or rebuilds a text or an Extraction
    (the costs of nlp.extract_many's way, benchmarks/README.md Scale build). Workers are
    replaced every nlp.WORKER_BATCHES batches, as extract_many's are (spaCy's StringStore
    grows with real text).
    """
    pages = pending_ids(db, redo, listed=total)
    if workers <= 1:
        _init_worker(str(db_path))
        try:
            for ids in pages:
                yield from _extract_ids(ids)
        finally:
            _WORKER.pop("conn").close()
        return
    nlp.load_pipeline()  # built before the fork: the workers share it
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    # While this process stores a batch of `batch_size` results, the workers go on with the
    # pages already queued: queue a stored batch's worth more than the workers hold.
    ahead = 2 * workers + -(-batch_size // WORKER_BATCH_SIZE)
    with context.Pool(workers, initializer=_init_worker, initargs=(str(db_path),),
                      maxtasksperchild=nlp.WORKER_BATCHES) as pool:
        pending = deque(pool.apply_async(_extract_ids, (ids,)) for ids in islice(pages, ahead))
        while pending:
            rows = pending.popleft().get()
            following = next(pages, None)
            if following is not None:
                pending.append(pool.apply_async(_extract_ids, (following,)))
            yield from rows
