"""Groups syndicated near-identical articles into stories (MinHash LSH over word shingles).

Scale (1,000,000 articles): each article's MinHash signature is computed once and kept in
SIGNATURE_TABLE, so a re-run hashes only new or changed articles (the extract stage computes
them in its NLP worker processes, beside the facts: store_signatures); the grouping then works on a
numpy matrix of the signatures (512 bytes an article) instead of MinHash objects and an LSH
index of Python dicts, and only the story_id values that changed are written.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from functools import cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from pipelines.events import queue_for_events
from pipelines.schema import (
    SIGNATURE_TABLE,
    create_story_tables,
    create_touched_stories,
)
from pipelines.schema import STORY_PENDING_TABLE as PENDING_TABLE

# Word 3-grams with a low threshold: outlets reword every sentence of a press release
# ("mendeportasi sebelas" -> "memulangkan 11", "RRT" -> "Tiongkok") and still share about half
# of its 3-grams, while different stories about the same office share under a tenth (measured
# on the demo site and tests/test_pipelines_stories.py: 0.50 against at most 0.08).
SHINGLE_WORDS = 3
NUM_PERM = 128
# Estimated Jaccard similarity from which two articles are one story.
THRESHOLD = 0.3
WORD = re.compile(r"\w+", re.UNICODE)
# Rows per transaction when writing signatures and story ids: bounded memory, and a killed run
# keeps what it wrote (the next run continues from there).
BATCH_ROWS = 5000
# Members of one LSH bucket compared at a time (bounds the comparison matrix).
CHUNK = 4096
# A bucket left in several stories is compared pair by pair up to this many members. A larger
# one (a band shared by boilerplate: tens of thousands of members in a generated corpus, where
# all pairs would take hours) compares each member with its NEIGHBOURS nearest members in id
# order that are in another story (the "sorted neighbourhood" blocking of record linkage):
# linear work, at the price of missing a pair that shares only this band and lies further apart.
EXACT_BUCKET = 2000
NEIGHBOURS = 16

# CRC-32 (zlib, C) hashes a shingle in a tenth of the time of datasketch's default SHA-1 and
# is as good a 32-bit input to MinHash's random permutations: hashing drops from ~0.7 to ~0.4 ms
# for a 400-word article, which matters a million times over.
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=zlib.crc32)


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    words = WORD.findall((text or "").lower())
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def signature(text: str) -> MinHash:
    # A copy of one template skips drawing the permutations again, and update_batch hashes all
    # shingles in one numpy step: the same values as update() per shingle, ~6x faster.
    m = _TEMPLATE.copy()
    m.update_batch([s.encode("utf-8") for s in shingles(text)])
    return m


def signature_blob(text: str | None) -> bytes | None:
    """The signature as stored in SIGNATURE_TABLE: NUM_PERM little-endian uint32, or None for
    a text without a word. Run by the extract stage's NLP workers (pantau/extract.py)."""
    m = signature(text)  # shingled once: asking shingles() first would shingle the text twice
    return None if m.is_empty() else m.hashvalues.astype("<u4").tobytes()


def store_signatures(db, rows: list[tuple[str, str | None, bytes | None]]) -> None:
    """Keep signatures computed elsewhere (the extract stage): (article_id, content_hash, blob).

    The articles are queued in PENDING_TABLE for the next rebuild_stories, which groups them
    without hashing them again. One transaction.
    """
    if not rows:
        return
    conn = db.conn
    create_story_tables(conn)
    ids = json.dumps([r[0] for r in rows])
    with conn:
        before = dict(conn.execute(
            f"select article_id, content_hash from {SIGNATURE_TABLE} "
            "where article_id in (select value from json_each(?))", [ids]))
        conn.executemany(f"insert or replace into {SIGNATURE_TABLE} values (?, ?, ?)", rows)
        # A text that changed since its last signature: its old story may have to split.
        conn.executemany(
            f"insert into {PENDING_TABLE} values (?, ?) on conflict (article_id) do update "
            "set changed = max(changed, excluded.changed)",
            [(r[0], int(r[0] in before and (before[r[0]] is None or before[r[0]] != r[1])))
             for r in rows])


@cache
def _bands(threshold: float) -> tuple[tuple[int, int], ...]:
    """The (start, end) signature slices datasketch's MinHashLSH uses as bands at `threshold`."""
    return tuple(MinHashLSH(threshold=threshold, num_perm=NUM_PERM).hashranges)


def _min_equal(threshold: float) -> int:
    """The fewest equal signature values for MinHash.jaccard(...) >= threshold (same floats)."""
    return next(c for c in range(NUM_PERM + 1) if float(c) / float(NUM_PERM) >= threshold)


class _UnionFind:
    """Union-find over 0..n-1 whose roots are always the smallest member (the story's first id)."""

    def __init__(self, n: int):
        self.parent = np.arange(n, dtype=np.int64)

    def roots(self, items: np.ndarray) -> np.ndarray:
        r = self.parent[items]
        while True:  # vectorised path following; union() keeps the paths short
            up = self.parent[r]
            if (up == r).all():
                return r
            r = up

    def union(self, a: np.ndarray, b: np.ndarray) -> None:
        """Join each a[i] with b[i]."""
        while len(a):
            ra, rb = self.roots(a), self.roots(b)
            apart = ra != rb
            a, b = np.minimum(ra, rb)[apart], np.maximum(ra, rb)[apart]
            # Several pairs may hook one root in this step: the smallest wins, the others are
            # joined in the next round. Parents always point to smaller indexes (no cycles).
            np.minimum.at(self.parent, b, a)

    def labels(self) -> np.ndarray:
        p = self.parent
        while True:
            up = p[p]
            if (up == p).all():
                self.parent = p
                return p
            p = up


def _matching(a: np.ndarray, b: np.ndarray, sigs: np.ndarray, need: int) -> np.ndarray:
    """Which pairs (a[i], b[i]) have at least `need` equal signature values."""
    out = np.zeros(len(a), dtype=bool)
    for lo in range(0, len(a), CHUNK):
        out[lo:lo + CHUNK] = np.count_nonzero(
            sigs[a[lo:lo + CHUNK]] == sigs[b[lo:lo + CHUNK]], axis=1) >= need
    return out


def components(sigs: np.ndarray, valid: np.ndarray, threshold: float = THRESHOLD,
               seed: np.ndarray | None = None, new: np.ndarray | None = None) -> np.ndarray:
    """Story label (smallest member index) of each signature row.

    The same result as inserting every valid row into datasketch's MinHashLSH, querying each,
    and joining a row to every candidate with MinHash.jaccard >= threshold (the code this
    replaces, too slow and too big at a million articles): two rows are joined when they share
    a band and enough values. Within a band bucket, a pair already in one story is not compared.

    Args:
        sigs: n x NUM_PERM uint32 signature values.
        valid: rows with at least one shingle; the others stay alone.
        threshold: estimated Jaccard similarity that joins two rows.
        seed: the labels of the previous run, when rows were only added since (then only the
            buckets holding a `new` row can join anything: the others were compared then).
        new: rows added since `seed`.
    """
    n, need = len(sigs), _min_equal(threshold)
    uf = _UnionFind(n)
    if seed is not None:
        uf.parent = seed.astype(np.int64)
    rows = np.flatnonzero(valid)
    if not len(rows):
        return uf.labels().copy()
    for start, end in _bands(threshold):
        keys = sigs[rows, start:end]
        order = np.lexsort(keys.T[::-1])  # stable: a bucket's members stay in index order
        keys = keys[order]
        # Bucket boundaries: where the band's values change between neighbours in sorted order.
        cuts = np.flatnonzero((keys[1:] != keys[:-1]).any(axis=1)) + 1
        starts = np.concatenate(([0], cuts))
        sizes = np.diff(np.concatenate((starts, [len(order)])))
        members = rows[order]
        if new is not None:
            fresh = np.maximum.reduceat(new[members], starts)
            keep = np.repeat(fresh, sizes)
            members, sizes = members[keep], sizes[fresh]
            starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
            if not len(members):
                continue
        # First every member against its bucket's first member, all buckets at once: in a
        # bucket of reprints that joins them all; only buckets left mixed are compared pairwise.
        first = np.repeat(members[starts], sizes)
        labels = uf.labels()
        ask = labels[first] != labels[members]
        pairs_a, pairs_b = first[ask], members[ask]
        hit = _matching(pairs_a, pairs_b, sigs, need)
        uf.union(pairs_a[hit], pairs_b[hit])
        labels = uf.labels()[members]
        mixed = (np.minimum.reduceat(labels, starts) != np.maximum.reduceat(labels, starts))
        for b in np.flatnonzero(mixed):
            bucket = members[starts[b]:starts[b] + sizes[b]]
            if len(bucket) <= EXACT_BUCKET:
                _join_bucket(bucket, sigs, need, uf)
            else:
                _join_neighbours(bucket, sigs, need, uf)
    return uf.labels().copy()


def _join_bucket(members: np.ndarray, sigs: np.ndarray, need: int, uf: _UnionFind) -> None:
    """Compare each pair of one bucket that is in two stories; join the pairs that match."""
    for pos in range(1, len(members)):
        x = members[pos:pos + 1]
        earlier = members[:pos]
        apart = earlier[uf.roots(earlier) != uf.roots(x)[0]]
        if len(apart):
            hit = _matching(apart, np.repeat(x, len(apart)), sigs, need)
            uf.union(apart[hit], np.repeat(x, np.count_nonzero(hit)))


def _join_neighbours(members: np.ndarray, sigs: np.ndarray, need: int, uf: _UnionFind) -> None:
    """Compare each member of a large bucket with the next NEIGHBOURS members; join matches."""
    for gap in range(1, min(NEIGHBOURS, len(members) - 1) + 1):
        a, b = members[:-gap], members[gap:]
        apart = uf.roots(a) != uf.roots(b)
        a, b = a[apart], b[apart]
        hit = _matching(a, b, sigs, need)
        uf.union(a[hit], b[hit])


def group_near_duplicates(texts: dict[str, str], threshold: float = THRESHOLD) -> list[list[str]]:
    """Group ids whose texts are near-duplicates; every id ends in exactly one group.

    Args:
        texts: id -> article text.
        threshold: estimated Jaccard similarity of shingle sets that joins two texts.

    Returns:
        Groups of ids, each sorted, ordered by their first id.
    """
    keys = sorted(texts)
    sigs = np.array([signature(texts[k]).hashvalues for k in keys], dtype=np.uint32)
    valid = np.array([bool(shingles(texts[k])) for k in keys], dtype=bool)
    labels = components(sigs.reshape(len(keys), NUM_PERM), valid, threshold)
    groups: dict[int, list[str]] = {}
    for key, label in zip(keys, labels.tolist(), strict=True):
        groups.setdefault(label, []).append(key)
    return sorted(groups.values(), key=lambda g: g[0])


def story_id(article_ids: list[str]) -> str:
    """Stable id of a story: a hash of its sorted member ids' smallest one."""
    return _story_id(min(article_ids))


def _story_id(first: str) -> str:
    return "s" + hashlib.sha1(first.encode("utf-8")).hexdigest()[:15]


# --- The stage -------------------------------------------------------------------------------


def _sync_signatures(db) -> tuple[set[str], bool]:
    """Hash the articles that are new or changed since their signature was stored.

    Returns:
        The ids hashed now, and whether an article hashed before changed or was deleted (then
        the previous stories cannot seed this run).
    """
    conn = db.conn
    # Signatures the extract stage computed since the last run (store_signatures).
    hashed = {r[0] for r in conn.execute(f"select article_id from {PENDING_TABLE}")}
    changed = bool(conn.execute(f"select 1 from {PENDING_TABLE} where changed limit 1").fetchone())
    # content_hash covers title, date and text (pipelines/store.py); with no hash, hash again.
    todo = f"""select a.article_id, a.content_hash, a.text, s.article_id from articles a
               left join {SIGNATURE_TABLE} s on s.article_id = a.article_id
               where (s.article_id is null or a.content_hash is null
                      or s.content_hash is not a.content_hash) {{after}}
               order by a.article_id limit {BATCH_ROWS}"""
    for rows in _pages(conn, todo):
        batch = [(article_id, content_hash, signature_blob(text))
                 for article_id, content_hash, text, _ in rows]
        hashed.update(r[0] for r in rows)
        changed = changed or any(r[3] is not None for r in rows)
        with conn:
            conn.executemany(f"insert or replace into {SIGNATURE_TABLE} values (?, ?, ?)", batch)
    with conn:
        gone = conn.execute(f"""delete from {SIGNATURE_TABLE} where article_id not in
                                (select article_id from articles)""").rowcount
    return hashed, changed or gone > 0


def _pages(conn, sql: str):
    """The rows of `sql` (ordered by article_id, "{after}" in its where clause) page by page.

    Each page is read whole before the caller writes: SQLite leaves a scan undefined when its
    connection writes to the tables scanned meanwhile. Paging on the key keeps each page an
    index seek, and the text is never read all at once.
    """
    after = None
    while rows := conn.execute(sql.format(after="and a.article_id > ?" if after else ""),
                               [after] if after else []).fetchall():
        yield rows
        after = rows[-1][0]


def _load_signatures(db) -> tuple[np.ndarray, np.ndarray]:
    """Every article's signature in article_id order, and which rows have shingles."""
    n = db.conn.execute(f"select count(*) from {SIGNATURE_TABLE}").fetchone()[0]
    sigs = np.zeros((n, NUM_PERM), dtype=np.uint32)
    valid = np.zeros(n, dtype=bool)
    cursor = db.conn.execute(f"select signature from {SIGNATURE_TABLE} order by article_id")
    i = 0
    while rows := cursor.fetchmany(BATCH_ROWS):
        for (blob,) in rows:
            if blob is not None:
                sigs[i] = np.frombuffer(blob, dtype="<u4")
                valid[i] = True
            i += 1
    return sigs, valid


def _previous_labels(db, hashed: set[str]) -> tuple[np.ndarray, np.ndarray] | None:
    """The previous run's story of each row (smallest row index) and the rows added since.

    None when a row other than the new ones has no story or a story id of another form.
    """
    codes, new = [], []
    rows_sql = f"""select a.article_id, a.story_id from articles a
                   join {SIGNATURE_TABLE} s on s.article_id = a.article_id
                   where 1 {{after}} order by a.article_id limit {BATCH_ROWS}"""
    for rows in _pages(db.conn, rows_sql):
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
    # The same rows in the same order as _load_signatures: row i is labels[i].
    rows_sql = f"""select a.article_id, a.story_id from articles a
                   join {SIGNATURE_TABLE} s on s.article_id = a.article_id
                   where 1 {{after}} order by a.article_id limit {BATCH_ROWS}"""
    i = 0
    for rows in _pages(conn, rows_sql):
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
    hashed, changed = _sync_signatures(db)
    empty = not db.conn.execute("select 1 from stories limit 1").fetchone()
    previous = None if empty or changed else _previous_labels(db, hashed)
    sigs, valid = _load_signatures(db)
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
