"""The queue of articles whose events are out of date, and what the events were built from."""

from __future__ import annotations

import hashlib

from pipelines.schema import EVENT_PENDING_TABLE as PENDING_TABLE
from pipelines.schema import SCHEMA_VERSION

# PENDING_TABLE: articles whose candidates may have changed since the events were built: their
# facts were stored (pipelines/facts.py) or their story changed (pipelines/stories.py). The
# table is created with the schema (pipelines/schema.py), so the writers queue without DDL.

# Bump when the candidates or the merge rules change: the next update rebuilds every event.
EVENTS_VERSION = "2"  # 2: each citation keeps the date it gives the happening


def queue_for_events(conn, article_ids: list[str]) -> None:
    """Queue articles for the next update_events, inside the caller's transaction.

    insert or replace gives an article queued again a new rowid: an update running meanwhile
    empties the queue only up to the rowid it started from, so it stays for the next one.
    """
    conn.executemany(f"insert or replace into {PENDING_TABLE} (article_id) values (?)",
                     [(i,) for i in article_ids])


def event_inputs(db) -> str:
    """A fingerprint of what events read besides the queued articles' rows: the rules' and
    the schema's versions, the offices' provinces and the sources' kinds."""
    digest = hashlib.sha1(f"{EVENTS_VERSION}|{SCHEMA_VERSION}".encode())
    for sql in ("select office_id, province from offices order by office_id",
                "select slug, kind from sources order by slug"):
        digest.update(repr(db.conn.execute(sql).fetchall()).encode())
    return digest.hexdigest()


def mark_done(conn, queued: int | None, inputs: str) -> None:
    """Record that the events reflect the queue up to rowid `queued` and these inputs."""
    if queued is not None:
        conn.execute(f"delete from {PENDING_TABLE} where rowid <= ?", [queued])
    conn.execute("insert into meta (key, value) values ('event_inputs', ?) "
                 "on conflict (key) do update set value = excluded.value", [inputs])
