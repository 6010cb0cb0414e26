"""Story grouping: which signatures are near-duplicates (MinHash LSH bands on a numpy matrix).

The same result as datasketch's MinHashLSH queried article by article, on a numpy matrix of the
signatures (512 bytes an article) instead of MinHash objects and an LSH index of Python dicts:
at 1,000,000 articles the index would not fit and the queries would take hours.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from datasketch import MinHashLSH

from pipelines.story_signatures import NUM_PERM, shingles, signature

# Estimated Jaccard similarity from which two articles are one story.
THRESHOLD = 0.3
# Members of one LSH bucket compared at a time (bounds the comparison matrix).
CHUNK = 4096
# A bucket left in several stories is compared pair by pair up to this many members. A larger
# one (a band shared by boilerplate: tens of thousands of members in a generated corpus, where
# all pairs would take hours) compares each member with its NEIGHBOURS nearest members in id
# order that are in another story (the "sorted neighbourhood" blocking of record linkage):
# linear work, at the price of missing a pair that shares only this band and lies further apart.
EXACT_BUCKET = 2000
NEIGHBOURS = 16


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
        members, starts, sizes = _buckets(sigs, rows, start, end, new)
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
                _join_bucket(bucket, sigs, need, uf, new)
            else:
                _join_neighbours(bucket, sigs, need, uf)
    return uf.labels().copy()


# Odd 64-bit multipliers that fold a band's values into one sort key (_band_keys).
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
                 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53], dtype=np.uint64)


def _band_keys(sigs: np.ndarray, rows: np.ndarray, start: int, end: int) -> np.ndarray:
    """One uint64 per row from its band's values (a hash: equal bands give equal keys)."""
    keys = np.zeros(len(rows), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(start, end):
            keys = (keys ^ sigs[rows, j].astype(np.uint64)) * _MIX[(j - start) % len(_MIX)]
    return keys


def _buckets(sigs: np.ndarray, rows: np.ndarray, start: int, end: int,
             new: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The band's buckets of 2+ rows that can join anything: (members, starts, sizes), each
    bucket's members in index order, as sorting the rows by the band's values gives them.

    A stable sort of one uint64 key per row (_band_keys) instead of a lexsort of the band's
    columns: a third of the time at 1,000,000 rows. Two different bands with one key would
    share a bucket; that is checked, and such a band is sorted by its values instead. With
    `new` only the rows whose key a new row has are sorted (the other buckets were compared
    by the run that made the seed).
    """
    keys = _band_keys(sigs, rows, start, end)
    if new is not None:
        wanted = np.isin(keys, keys[new[rows]])
        rows, keys = rows[wanted], keys[wanted]
    order = np.argsort(keys, kind="stable")
    keys, members = keys[order], rows[order]
    values = sigs[members, start:end]
    same_key = keys[1:] == keys[:-1]
    if (same_key & (values[1:] != values[:-1]).any(axis=1)).any():  # a collision: exact sort
        order = np.lexsort(values.T[::-1])
        members, values = members[order], values[order]
        same_key = (values[1:] == values[:-1]).all(axis=1)
    cuts = np.flatnonzero(~same_key) + 1
    starts = np.concatenate(([0], cuts)).astype(np.int64)
    sizes = np.diff(np.concatenate((starts, [len(members)])))
    if new is not None:
        fresh = np.maximum.reduceat(new[members], starts) if len(members) else sizes > 0
        members = members[np.repeat(fresh, sizes)]
        sizes = sizes[fresh]
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    return members, starts, sizes


def _join_bucket(members: np.ndarray, sigs: np.ndarray, need: int, uf: _UnionFind,
                 new: np.ndarray | None = None) -> None:
    """Compare each pair of one bucket that is in two stories; join the pairs that match.

    With `new` (an update seeded by the last run), only the pairs with a new member: the run
    that made the seed compared the others (a bucket's old members were in it then too), and
    those that matched are joined in the seed.
    """
    if new is not None:
        for x in members[new[members]]:
            others = members[members != x]
            apart = others[uf.roots(others) != uf.roots(np.array([x]))[0]]
            if len(apart):
                hit = _matching(apart, np.full(len(apart), x), sigs, need)
                uf.union(apart[hit], np.full(np.count_nonzero(hit), x))
        return
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
