"""Story signatures: each article's MinHash over its word shingles, computed once and kept.

The extract stage computes them in its NLP worker processes, beside the facts
(store_signatures); sync_signatures hashes what it missed. Kept in SIGNATURE_TABLE with the
content_hash they were computed from, so a re-run hashes only new or changed articles.
"""

from __future__ import annotations

import json
import re
import zlib

import numpy as np
from datasketch import MinHash
from datasketch.minhash import _fmix  # the scheme's own pre-mix (signature_blob)

from pipelines.schema import SIGNATURE_TABLE, create_story_tables
from pipelines.schema import STORY_PENDING_TABLE as PENDING_TABLE

# Word 3-grams, with a low THRESHOLD (pipelines/story_groups.py): outlets reword every
# sentence of a press release ("mendeportasi sebelas" -> "memulangkan 11", "RRT" -> "Tiongkok")
# and still share about half of its 3-grams, while different stories about the same office
# share under a tenth (measured on the demo site and tests/test_pipelines_stories.py: 0.50
# against at most 0.08).
SHINGLE_WORDS = 3
NUM_PERM = 128
WORD = re.compile(r"\w+", re.UNICODE)
# Rows per transaction when writing signatures and story ids: bounded memory, and a killed run
# keeps what it wrote (the next run continues from there).
BATCH_ROWS = 5000

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
    a text without a word. Run by the extract stage's NLP workers (pipelines/extract.py).

    The values of signature(text), computed without its set of shingle strings and Python
    loops: a minimum does not change when a shingle repeats, so every 3-gram is hashed as it
    comes, by C-level map()s, and permuted as datasketch's affine32 scheme does (its _fmix,
    then a * h + b in uint32). 0.20 ms instead of 0.33 for a 400-word article, a million
    times over; tests/test_pipelines_stories.py checks the values against signature().
    """
    words = WORD.findall((text or "").lower())
    if len(words) < SHINGLE_WORDS or _TEMPLATE.scheme != "affine32":
        m = signature(text)
        return None if m.is_empty() else m.hashvalues.astype("<u4").tobytes()
    grams = map(" ".join, zip(*(words[i:] for i in range(SHINGLE_WORDS)), strict=False))
    hashed = np.fromiter(map(zlib.crc32, map(str.encode, grams)), dtype=np.uint32,
                         count=len(words) - SHINGLE_WORDS + 1)
    a, b = _TEMPLATE.permutations
    permuted = _fmix(hashed, 32)[:, None] * a + b
    return np.minimum(_TEMPLATE.hashvalues, permuted.min(axis=0)).astype("<u4").tobytes()


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


def sync_signatures(db) -> tuple[set[str], bool]:
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
    # The ids first, from the articles' (article_id, content_hash, story_id) index and the
    # signatures (no text read), then the texts of those only.
    todo = f"""select a.article_id, a.content_hash, s.article_id from articles a
               left join {SIGNATURE_TABLE} s on s.article_id = a.article_id
               where (s.article_id is null or a.content_hash is null
                      or s.content_hash is not a.content_hash) {{after}}
               order by a.article_id limit {BATCH_ROWS}"""
    for rows in pages(conn, todo):
        texts = dict(conn.execute("select article_id, text from articles where article_id in "
                                  "(select value from json_each(?))",
                                  [json.dumps([r[0] for r in rows])]))
        batch = [(article_id, content_hash, signature_blob(texts.get(article_id)))
                 for article_id, content_hash, _ in rows]
        hashed.update(r[0] for r in rows)
        changed = changed or any(r[2] is not None for r in rows)
        with conn:
            conn.executemany(f"insert or replace into {SIGNATURE_TABLE} values (?, ?, ?)", batch)
    with conn:
        gone = conn.execute(f"""delete from {SIGNATURE_TABLE} where article_id not in
                                (select article_id from articles)""").rowcount
    return hashed, changed or gone > 0


def pages(conn, sql: str):
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


def load_signatures(db) -> tuple[np.ndarray, np.ndarray]:
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
