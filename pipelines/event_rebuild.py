"""Rebuilds every event from the articles' facts, spilling candidates to disk (bounded memory)."""

from __future__ import annotations

import heapq
import json
import os
import pickle
import sqlite3
import tempfile

from pipelines.event_queue import PENDING_TABLE, event_inputs, mark_done
from pipelines.event_rules import (
    article_candidates,
    build_event,
    group_candidates,
    optional,
    shape_of,
)
from pipelines.facts import country_name  # the one place country names come from
from pipelines.periods import LEAD_CHARS
from pipelines.schema import create_spill, drop_indexes, index_spill, restore_indexes

EVENT_TABLES = ("event_nationalities", "event_citations", "events")
# Rows read, spilled or written per step of rebuild_events (bounds its memory).
CANDIDATE_BATCH = 5000


def _id_range(first: str | None, last: str | None) -> tuple[str, list[str]]:
    """SQL condition (and its parameters) for first <= article_id < last; None is open."""
    where = " and ".join([*(["article_id >= ?"] if first is not None else []),
                          *(["article_id < ?"] if last is not None else [])]) or "1"
    return where, [b for b in (first, last) if b is not None]


def _facts_by_article(db, table: str, where: str = "1", params: list = ()):
    """Yield (article_id, rows) for every article with rows in `table` (of those `where`
    selects), in article_id order.

    Rows keep their insertion order within an article (the nationalities' owner depends on it);
    the article_id index gives that order without a sort.
    """
    cursor = db.conn.execute(f"select * from [{table}] where {where} "
                             "order by article_id, rowid", params)
    names = [d[0] for d in cursor.description]
    current, rows = None, []
    while chunk := cursor.fetchmany(CANDIDATE_BATCH):
        for values in chunk:
            row = dict(zip(names, values, strict=True))
            if row["article_id"] != current:
                if rows:
                    yield current, rows
                current, rows = row["article_id"], []
            rows.append(row)
    if rows:
        yield current, rows


class _Aligned:
    """The rows of one fact table for the article being read, by a merge on article_id."""

    def __init__(self, db, table: str, where: str = "1", params: list = ()):
        self.rows = _facts_by_article(db, table, where, params)
        self.head = next(self.rows, None)

    def take(self, article_id: str) -> list[dict]:
        while self.head is not None and self.head[0] < article_id:
            self.head = next(self.rows, None)
        if self.head is not None and self.head[0] == article_id:
            return self.head[1]
        return []


def read_candidates(db, where: str = "1", params: list = ()):
    """Every on-topic article's candidates (of the articles `where` selects, a condition on
    article_id), reading the articles and their facts in one pass."""
    source_kind = {r["slug"]: r["kind"] for r in db["sources"].rows}
    facts = {t: _Aligned(db, t, where, params)
             for t in ("counts", "nationalities", "awards", "office_mentions")}
    # Only the lead of the text is read (summary markers); the NLP columns may not exist yet.
    nlp_columns = [c for c in ("event_type", "event_date") if c in db["articles"].columns_dict]
    select = ", ".join(["article_id", "url", "source", "title", "year", "published_date",
                        "story_id", f"substr(text, 1, {LEAD_CHARS}) as text", *nlp_columns])
    # Both sides ordered by article_id with SQLite's own collation, so the merge sees them
    # in one order (Python compares str the same way as BINARY for valid UTF-8).
    for article in db["articles"].rows_where(f"on_topic is not 0 and {where}", params,
                                             select=select, order_by="article_id"):
        aid = article["article_id"]
        counts, awards = facts["counts"].take(aid), facts["awards"].take(aid)
        nationalities = facts["nationalities"].take(aid)
        mentions = facts["office_mentions"].take(aid)
        if not (counts or awards or optional(article, "event_type")):
            continue
        article["source_kind"] = source_kind.get(article.get("source"))
        yield from article_candidates(article, counts, nationalities, awards,
                                      sorted(mentions, key=lambda m: m.get("start") or 0))


def _spill(db, path: str, first: str | None = None, last: str | None = None,
           start: int = 0) -> None:
    """Write the candidates of articles first <= article_id < last to a new scratch file, each
    with its shape and its place in article order (numbered from `start`), indexed by shape."""
    spill = sqlite3.connect(path)
    spill.execute("pragma journal_mode = off")
    spill.execute("pragma synchronous = off")
    create_spill(spill)
    batch = []
    for seq, cand in enumerate(read_candidates(db, *_id_range(first, last)), start=start):
        batch.append((json.dumps(shape_of(cand)), seq, pickle.dumps(cand, pickle.HIGHEST_PROTOCOL)))
        if len(batch) >= CANDIDATE_BATCH:
            spill.executemany("insert into candidates values (?, ?, ?)", batch)
            batch.clear()
    spill.executemany("insert into candidates values (?, ?, ?)", batch)
    index_spill(spill)
    spill.commit()
    spill.close()


def _spill_part(db_path: str, path: str, first: str | None, last: str | None, seq: int) -> None:
    """In a worker process: _spill over its own read-only connection to the database."""
    import sqlite_utils

    db = sqlite_utils.Database(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True))
    try:
        _spill(db, path, first, last, seq)
    finally:
        db.close()


def _split_points(db, parts: int) -> list[str]:
    """article_ids cutting the on-topic articles into `parts` ranges of about equal size."""
    n = db.conn.execute("select count(*) from articles where on_topic is not 0").fetchone()[0]
    points = []
    for i in range(1, parts):
        row = db.conn.execute("select article_id from articles where on_topic is not 0 "
                              "order by article_id limit 1 offset ?", [n * i // parts]).fetchone()
        if row and (not points or row[0] > points[-1]):
            points.append(row[0])
    return points


def _database_file(db) -> str | None:
    """The main database's file, or None in memory."""
    for _, name, path in db.conn.execute("pragma database_list"):
        if name == "main":
            return path or None
    return None


# Each worker's candidates are numbered from its part's index times this: one order across parts.
_SEQ_PART = 1 << 40


def _groups_by_shape(db, spill_dir: str, workers: int = 1):
    """Yield group_candidates(...) of each shape's candidates, one shape in memory at a time.

    Every merge rule joins candidates of one shape only (office, type, kind, period), so the
    candidates are spilled to scratch files with their shape and read back one shape at a time:
    memory is bounded by the largest shape, not by the number of articles. With workers > 1 the
    articles are cut into id ranges whose candidates (the costly Python part) are computed by
    worker processes at once, each into its own file; the files are read back merged in order.
    """
    db_path = _database_file(db)
    points = _split_points(db, workers) if workers > 1 and db_path else []
    bounds = list(zip([None, *points], [*points, None], strict=True))
    paths = [os.path.join(spill_dir, f"candidates-{i}.db") for i in range(len(bounds))]
    if len(bounds) == 1:
        _spill(db, paths[0])
    else:
        import multiprocessing

        context = multiprocessing.get_context(
            "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        with context.Pool(len(bounds)) as pool:
            pool.starmap(_spill_part, [(db_path, path, first, last, i * _SEQ_PART)
                                       for i, (path, (first, last))
                                       in enumerate(zip(paths, bounds, strict=True))])
    spills = [sqlite3.connect(path) for path in paths]
    try:
        rows = heapq.merge(*(spill.execute("select shape, seq, payload from candidates "
                                           "order by shape, seq") for spill in spills))
        shape, members = None, []
        for key, _, payload in rows:
            if key != shape and members:
                yield from group_candidates(members)
                members = []
            shape = key
            members.append(pickle.loads(payload))
        if members:
            yield from group_candidates(members)
    finally:
        for spill in spills:
            spill.close()


def _insert(conn, table: str, rows: list[dict]) -> None:
    if rows:
        columns = list(rows[0])
        conn.executemany(
            f"insert into [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
            f"values ({', '.join('?' for _ in columns)})",
            [[r[c] for c in columns] for r in rows])


def rebuild_events(db, workers: int = 1) -> dict:
    """Rebuild `events`, `event_citations` and `event_nationalities` from every article's facts.

    Run after rebuild_stories (pipelines/extract.py): the story groups are the first signal. The
    articles and facts are read in one ordered pass and merged one shape at a time (see
    _groups_by_shape); the tables are replaced in one transaction, so readers see the old
    events or the new ones, never a mix. update_events does the same work for what changed.

    Args:
        db: an open database.
        workers: processes computing the candidates (`pantau extract --workers`); the same
            events whatever the number.

    Returns:
        {"events": n events, "citations": n citations, "shared": events cited by more than one
         article}.
    """
    provinces = {r["office_id"]: r["province"] for r in db["offices"].rows}
    conn = db.conn
    queued = conn.execute(f"select max(rowid) from {PENDING_TABLE}").fetchone()[0]
    inputs = event_inputs(db)
    with tempfile.TemporaryDirectory(prefix="pantau-events-") as spill_dir, conn:
        # Raw executemany inside one `with conn`: sqlite-utils' insert_all commits on its own.
        for table in EVENT_TABLES:
            conn.execute(f"delete from [{table}]")
        # Every row is written again: into tables without their secondary indexes, which are
        # then built in one sort each (at 1,000,000 articles the inserts into ~20 indexes were
        # the rebuild's largest cost). One transaction: readers never see them missing.
        indexes = drop_indexes(conn, EVENT_TABLES)
        store_groups(conn, _groups_by_shape(db, spill_dir, workers), provinces)
        restore_indexes(conn, indexes)
        mark_done(conn, queued, inputs)
    return totals(conn)


def store_groups(conn, groups, provinces: dict[str, str]) -> None:
    """Insert the event, citations and nationalities of each group, CANDIDATE_BATCH at a time."""
    events, citations, event_nats = [], [], []
    for group in groups:
        event, cites, nats = build_event(group, provinces)
        events.append(event)
        citations += cites
        event_nats += [{"row_id": f"{n['event_id']}-{n['code']}", **n,
                        "country": country_name(n["code"])} for n in nats]
        if len(citations) >= CANDIDATE_BATCH:
            _flush(conn, events, citations, event_nats)
    _flush(conn, events, citations, event_nats)


def totals(conn) -> dict:
    """rebuild_events' counts of the events table: events, citations, shared."""
    events, shared = conn.execute("select count(*), count(*) filter (where citations > 1) "
                                  "from events").fetchone()
    citations = conn.execute("select count(*) from event_citations").fetchone()[0]
    return {"events": events, "citations": citations, "shared": shared}


def _flush(conn, events: list, citations: list, event_nats: list) -> None:
    """Insert the buffered rows (parents first, for the foreign keys) and empty the buffers."""
    for table, rows in (("events", events), ("event_citations", citations),
                        ("event_nationalities", event_nats)):
        _insert(conn, table, rows)
        rows.clear()
