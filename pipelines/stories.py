"""Groups syndicated near-identical articles into stories (MinHash LSH over word shingles).

The stage: rebuild_stories hashes what is new (pipelines/story_signatures.py), groups every
signature (pipelines/story_groups.py) and writes only the story_id values and stories rows that
changed. Scale (1,000,000 articles): each signature is computed once, the grouping works on a
numpy matrix, and the writes are batched.
"""

from __future__ import annotations

import hashlib

import numpy as np

from pipelines.event_queue import queue_for_events
from pipelines.schema import (
    SIGNATURE_TABLE,
    create_story_tables,
    create_touched_stories,
)
from pipelines.schema import STORY_PENDING_TABLE as PENDING_TABLE
from pipelines.story_groups import THRESHOLD, components, group_near_duplicates
from pipelines.story_signatures import (
    BATCH_ROWS,
    NUM_PERM,
    load_signatures,
    pages,
    shingles,
    signature,
    signature_blob,
    store_signatures,
    sync_signatures,
)

# Also the stage's public names: tests and the extract stage import them from here.
__all__ = ["NUM_PERM", "PENDING_TABLE", "SIGNATURE_TABLE", "THRESHOLD", "group_near_duplicates",
           "rebuild_stories", "shingles", "signature", "signature_blob", "store_signatures",
           "story_id"]


def story_id(article_ids: list[str]) -> str:
    """Stable id of a story: a hash of its sorted member ids' smallest one."""
    return _story_id(min(article_ids))


def _story_id(first: str) -> str:
    return "s" + hashlib.sha1(first.encode("utf-8")).hexdigest()[:15]


def _previous_labels(db, hashed: set[str]) -> tuple[np.ndarray, np.ndarray] | None:
    """The previous run's story of each row (smallest row index) and the rows added since.

    None when a row other than the new ones has no story or a story id of another form.
    """
    codes, new = [], []
    rows_sql = f"""select a.article_id, a.story_id from articles a
                   join {SIGNATURE_TABLE} s on s.article_id = a.article_id
                   where 1 {{after}} order by a.article_id limit {BATCH_ROWS}"""
    for rows in pages(db.conn, rows_sql):
        for i, (article_id, sid) in enumerate(rows, start=len(codes)):
            if article_id in hashed:
                codes.append(-1 - i)  # a story of its own until compared
                new.append(True)
            elif sid and len(sid) == 16 and sid[0] == "s":
                # _story_id: "s" and 15 hex digits, 60 bits: an int64 per row, not a str.
                codes.append(int(sid[1:], 16))
                new.append(False)
            else:
                return None
    codes = np.array(codes, dtype=np.int64)
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    return first[inverse].astype(np.int64), np.array(new, dtype=bool)


def _write_story_ids(db, labels: np.ndarray, hashed: set[str]) -> set[str]:
    """Set articles.story_id where it changed, in batches.

    Returns:
        The story ids whose rows may have changed: old and new ids of the articles that moved,
        and the stories of the articles hashed now (a new title or date changes the row).
    """
    conn = db.conn
    sizes = np.bincount(labels, minlength=len(labels))
    first_ids: dict[int, str] = {}  # label -> story id, for stories of several articles
    touched, batch = set(), []
    # The same rows in the same order as load_signatures: row i is labels[i].
    rows_sql = f"""select a.article_id, a.story_id from articles a
                   join {SIGNATURE_TABLE} s on s.article_id = a.article_id
                   where 1 {{after}} order by a.article_id limit {BATCH_ROWS}"""
    i = 0
    for rows in pages(conn, rows_sql):
        for article_id, old in rows:
            label = int(labels[i])
            if label == i:  # the story's smallest article id comes first in this order
                sid = _story_id(article_id)
                if sizes[i] > 1:
                    first_ids[label] = sid
            else:
                sid = first_ids[label]
            if sid != old:
                batch.append((sid, article_id))
                touched.update((sid, old))
            elif article_id in hashed:
                touched.add(sid)
            i += 1
        if batch:
            with conn:
                conn.executemany("update articles set story_id = ? where article_id = ?", batch)
                # The story is an event's first signal: the events of a moved article change.
                queue_for_events(conn, [article_id for _, article_id in batch])
            batch.clear()
    touched.discard(None)
    return touched


# One row per story from its articles: the earliest (by publication, then id) names it.
# A NULL source counts as one outlet, as it did when stories were built in Python.
STORY_ROWS_SQL = """
insert into stories (story_id, title, article_id, first_published, last_published, articles,
                     outlets)
select story_id, max(case when first = 1 then title end), max(case when first = 1 then
       article_id end), max(case when first = 1 then published end),
       max(case when last = 1 then published end), count(*),
       count(distinct coalesce(source, char(0)))
from (select story_id, title, article_id, published, source,
             row_number() over (partition by story_id
                                order by coalesce(published, ''), article_id) as first,
             row_number() over (partition by story_id
                                order by coalesce(published, '') desc, article_id desc) as last
      from articles where {where})
group by story_id"""


def _write_stories(db, touched: set[str] | None) -> None:
    """Rewrite the stories rows of `touched` story ids (None: every story)."""
    conn = db.conn
    with conn:
        if touched is None:
            conn.execute("delete from stories")
            conn.execute(STORY_ROWS_SQL.format(where="story_id is not null"))
            return
        create_touched_stories(conn)
        conn.executemany("insert or ignore into temp.touched_stories values (?)",
                         [(s,) for s in touched])
        conn.execute("delete from stories where story_id in temp.touched_stories")
        conn.execute(STORY_ROWS_SQL.format(
            where="story_id in temp.touched_stories"))


def rebuild_stories(db) -> int:
    """Regroup every article into stories; rewrite `articles.story_id` and `stories` where changed.

    Only new or changed articles are hashed (their signatures are kept in SIGNATURE_TABLE);
    those whose signature the extract stage already stored (store_signatures) are not hashed
    again. The grouping gives the same stories as grouping every text from scratch.

    Returns:
        The number of stories with more than one article.
    """
    # Queued signatures up to here are grouped by this run (an extract running meanwhile may
    # queue more: they stay for the next run).
    create_story_tables(db.conn)  # also drops the signatures of earlier schemes
    queued = db.conn.execute(f"select max(rowid) from {PENDING_TABLE}").fetchone()[0]
    hashed, changed = sync_signatures(db)
    empty = not db.conn.execute("select 1 from stories limit 1").fetchone()
    previous = None if empty or changed else _previous_labels(db, hashed)
    sigs, valid = load_signatures(db)
    labels = components(sigs, valid, seed=previous[0] if previous else None,
                        new=previous[1] if previous else None)
    del sigs, valid, previous
    touched = _write_story_ids(db, labels, hashed)
    # Rewriting every row is cheaper than a long list of ids, and a deleted article's old story
    # is not known any more: then the whole table is rebuilt.
    _write_stories(db, None if empty or changed or 2 * len(hashed) > len(labels) else touched)
    if queued is not None:
        with db.conn:
            db.conn.execute(f"delete from {PENDING_TABLE} where rowid <= ?", [queued])
    return int(np.count_nonzero(np.bincount(labels) > 1))
