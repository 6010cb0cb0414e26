"""Opens a Pantau database, brings it to the current schema, and keeps its derived rows current.

The schema itself (tables, indexes, triggers, views, its version) is pipelines/schema.py's;
the search index's stems are pipelines/search.py's.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from pipelines.schema import (
    ATTRIBUTED,
    STORY_GROUPS_OF_PENDING,
    STORY_GROUPS_PENDING,
    STORY_GROUPS_REBUILD_SHARE,
    SUMMARIES,
    create_summary_tables,
    create_tables,
    create_views,
    drop_indexes,
    facts_table_names,
    restore_indexes,
)
from pipelines.search import ensure_search_index, refresh_search_facets, search_facets_stale


class DatabaseError(Exception):
    """The database file cannot be opened, read or written."""


# Seconds a process waits for another one's hold on the database (creating or upgrading its
# schema, a write transaction) before it gives up with a clear error: several crawl workers
# share one database file.
LOCK_WAIT = 60.0


@contextmanager
def _schema_lock(path: Path) -> Iterator[None]:
    """Let one process at a time create or upgrade the database at `path`; the others wait.

    An flock on `<db>-lock` beside the database, not a SQLite transaction: ensure_schema writes
    through sqlite-utils, whose every helper commits on its own, so no single transaction can
    hold the upgrade. A process that waited then finds the schema current and writes nothing.
    Writes outside the upgrade take SQLite's own locks (busy_timeout = LOCK_WAIT).
    """
    fd = os.open(path.with_name(f"{path.name}-lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise DatabaseError(f"cannot use database {path}: another process has been "
                                        f"creating or upgrading it for {LOCK_WAIT:.0f} s") from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # releases the flock


def is_locked(error: BaseException) -> bool:
    """True for SQLite's "database is locked" / "busy": another process holds the database."""
    return isinstance(error, sqlite3.OperationalError) and (
        "locked" in str(error) or "busy" in str(error))


def retry_locked(write: Callable, *args, seconds: float = LOCK_WAIT):
    """Call write(*args), again while SQLite says the database is locked, for up to `seconds`.

    busy_timeout already waits for most locks; SQLite answers at once, without waiting, when
    waiting could deadlock (a transaction that read before it writes, while another process
    wrote). Such a transaction must be rolled back and run again, which only the caller can do.

    Raises:
        DatabaseError: still locked after `seconds` (one line, naming the cause).
    """
    deadline = time.monotonic() + seconds
    pause = 0.01
    while True:
        try:
            return write(*args)
        except sqlite3.OperationalError as e:
            if not is_locked(e):
                raise
            if time.monotonic() > deadline:
                raise DatabaseError(f"the database stayed locked by another process for "
                                    f"{seconds:.0f} s ({e})") from None
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


def open_db(path: str | Path, create: bool = True) -> sqlite_utils.Database:
    """Open the database at `path` with the current schema.

    Args:
        path: the SQLite file.
        create: create the file when missing; with False a missing file raises DatabaseError.

    Returns:
        A sqlite_utils.Database in WAL mode, so readers (Datasette) and one writer coexist.
    """
    path = Path(path)
    if not create and not path.exists():
        raise DatabaseError(f"database not found: {path} "
                            "(run `pantau crawl` or `pantau demo` first)")
    if create and not path.parent.exists():
        raise DatabaseError(f"folder does not exist: {path.parent}")
    # SQLite's own message for these is "unable to open database file": say what is wrong.
    target = path if path.exists() else path.parent
    if not os.access(target, os.W_OK):
        raise DatabaseError(f"{target} is read-only (a read-only disk or file permissions); "
                            "Pantau writes the database: choose a writable --db")
    try:
        with _schema_lock(path):
            db = sqlite_utils.Database(path)
            db.execute(f"PRAGMA busy_timeout = {int(LOCK_WAIT * 1000)}")
            db.enable_wal()
            # In WAL mode NORMAL never corrupts the file; a power cut (not a killed process)
            # may lose the last commits, which the WARC archive still holds (pantau reparse).
            # FULL waits for an fsync on every article's commit: 7 ms here, in the crawl's
            # only thread (benchmarks/README.md, crawl throughput).
            db.execute("PRAGMA synchronous = NORMAL")
            ensure_schema(db)
    except sqlite3.DatabaseError as e:
        raise DatabaseError(f"cannot use database {path}: {e}") from None
    return db


def open_readonly(path: str | Path) -> sqlite_utils.Database:
    """Open an existing database for reading only (exports); never changes the file.

    Raises:
        DatabaseError: the file is missing or not a database.
    """
    path = Path(path)
    if not path.exists():
        raise DatabaseError(f"database not found: {path} "
                            "(run `pantau crawl` or `pantau demo` first)")
    try:
        db = sqlite_utils.Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
        db.table_names()  # fails here, not mid-export, on a file that is not SQLite
    except sqlite3.DatabaseError as e:
        raise DatabaseError(f"cannot use database {path}: {e}") from None
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create missing tables, columns, indexes, FTS and views; safe to run on every open.

    Fills what an upgrade leaves empty: the derived fact columns, the search index's stems and
    the summary tables.
    """
    stale = create_tables(db)
    ensure_search_index(db)  # words and their stems (pipelines/search.py)
    if stale:
        refresh_derived(db)
    create_views(db)
    ensure_summaries(db)


# Whatever the aggregates read: when none of it changed since the last refresh, serving skips
# it. Every fact write stamps articles.extracted_at and gives new rows new rowids; the headline
# tables read the events (rewritten rows get new rowids) and coverage the articles' on_topic.
SUMMARY_INPUTS_SQL = """
select (select max(extracted_at) from articles),
  (select count(*) || ':' || max(rowid) from nationalities),
  (select count(*) || ':' || max(rowid) from counts),
  (select count(*) || ':' || max(rowid) || ':' || sum(on_topic = 1) from articles),
  (select count(*) || ':' || max(rowid) || ':' || coalesce(max(date), '') from events),
  (select value from meta where key = 'event_inputs'),
  (select group_concat(office_id || '|' || coalesce(name, '') || '|' || coalesce(province, ''))
   from (select * from offices order by office_id))"""


def ensure_summaries(db) -> None:
    """Create the SUMMARIES tables where missing, out of date in shape, or still views; fill
    any it created. Writes nothing when all are in place (an --immutable file stays as is)."""
    if create_summary_tables(db):
        refresh_summaries(db)


def _summary_inputs(db) -> str:
    """A fingerprint of the rows the summaries are computed from, and of their SQL."""
    inputs = db.execute(SUMMARY_INPUTS_SQL).fetchone()
    definition = hashlib.sha1(repr(sorted(SUMMARIES.items())).encode()).hexdigest()
    return "\x1f".join(map(str, [*inputs, definition]))


def refresh_summaries(db) -> None:
    """Recompute every SUMMARIES table from its SQL, in one transaction.

    Rows are replaced (delete, insert), never the tables: a `pantau serve --live` reader sees
    the old rows or the new ones, and no schema change. Records the inputs it read in `meta`.
    """
    with db.conn:
        for name, sql in SUMMARIES.items():
            if name == "story_groups" and _update_story_groups(db):
                continue
            # Indexes built again after the rows (a sort) rather than updated row by row:
            # story_groups at 1,000,000 articles, 801,191 rows, 11 s -> 4 s.
            indexes = drop_indexes(db.conn, [name])
            db.execute(f"delete from [{name}]")
            db.execute(f"insert into [{name}] select * from ({sql})")
            restore_indexes(db.conn, indexes)
            if name == "story_groups":
                db.execute(f"delete from {STORY_GROUPS_PENDING}")
        refresh_search_facets(db)  # common search terms' facet counts (issue 21)
        db.execute("insert into meta(key, value) values ('summary_inputs', ?) "
                   "on conflict(key) do update set value = excluded.value", [_summary_inputs(db)])


def _update_story_groups(db) -> bool:
    """Recompute only the story groups whose articles changed (noted by triggers in
    STORY_GROUPS_PENDING), inside the caller's transaction.

    Returns:
        False, having changed nothing, when the table is to be rebuilt whole instead: empty
        (just created), asked for ("*": new triggers) or more than STORY_GROUPS_REBUILD_SHARE
        of the groups (and 10,000) noted: a bulk load.
    """
    noted = db.execute(f"select count(*), max(story_key = '*') from {STORY_GROUPS_PENDING}"
                       ).fetchone()
    groups = db.execute("select count(*) from story_groups").fetchone()[0]
    if not groups or noted[1] or noted[0] > max(STORY_GROUPS_REBUILD_SHARE * groups, 10_000):
        return False
    db.execute("delete from story_groups where story_key in "
               f"(select story_key from {STORY_GROUPS_PENDING})")
    db.execute(f"insert into story_groups {STORY_GROUPS_OF_PENDING}")
    db.execute(f"delete from {STORY_GROUPS_PENDING}")
    return True


def refresh_summaries_if_stale(db) -> bool:
    """refresh_summaries() unless nothing they read changed since the last one.

    Returns:
        True when the tables were recomputed.
    """
    recorded = db.execute("select value from meta where key = 'summary_inputs'").fetchone()
    if recorded and recorded[0] == _summary_inputs(db):
        if not search_facets_stale(db):
            return False
        with db.conn:  # a database from before them, or written by other code since
            refresh_search_facets(db)
        return True
    refresh_summaries(db)
    return True


def refresh_derived(db, article_ids: str | list[str] | None = None) -> None:
    """Fill the derived columns of the fact tables (see DERIVED_FACT_COLUMNS).

    One UPDATE per fact table: the extract stage calls this once per batch of articles, inside
    its transaction, so a statement per column per article would cost more than the facts.

    Args:
        db: an open database with the current schema.
        article_ids: refresh only these articles' facts (one id or a list); None refreshes
            every fact row.
    """
    import json  # imported here: only this function of the module needs it

    if isinstance(article_ids, str):
        article_ids = [article_ids]
    if article_ids is not None and not article_ids:
        return
    for table in facts_table_names():
        # The ids travel as one JSON array: no limit on the number of ? parameters.
        where, params = ("where f.article_id in (select value from json_each(?))",
                         [json.dumps(list(article_ids))]) if article_ids is not None else ("", [])
        # Attributed tables: NLP's office where given, else the office named in the same
        # sentence, else the first office the article names. SQLite cannot order a correlated
        # subquery by an outer column: two lookups.
        office = """coalesce(f.office_id,
              (select m.office_id from office_mentions m
               where m.article_id = f.article_id and m.office_id is not null
                 and m.sentence = f.sentence order by m.start limit 1),
              (select m.office_id from office_mentions m
               where m.article_id = f.article_id and m.office_id is not null
               order by m.start limit 1))""" if table in ATTRIBUTED else "f.office_id"
        # The new office_id is computed in the FROM subquery, so province follows it in the
        # same statement (SET expressions only see the old row).
        db.execute(f"""update {table} set source = d.source, published_date = d.published_date,
                         year = d.year, month = d.month, office_id = d.office_id,
                         province = coalesce(o.province, {table}.province)
                       from (select f.fact_id, a.source, a.published_date, a.year, a.month,
                                    {office} as office_id
                             from {table} f join articles a on a.article_id = f.article_id
                             {where}) d
                       left join offices o on o.office_id = d.office_id
                       where {table}.fact_id = d.fact_id""", params)


def known_article_urls(db) -> list[str]:
    """Every URL an stored article was fetched from or is canonically known by."""
    urls = []
    for row in db.query("select url, fetched_url from articles"):
        urls.extend(u for u in (row["url"], row["fetched_url"]) if u)
    if "article_aliases" in db.table_names():
        urls.extend(row["url"] for row in db.query("select url from article_aliases"))
    return urls


def checkpoint(db) -> None:
    """Copy the write-ahead log into the database file and empty it (before serving immutable)."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
