"""Groups syndicated near-identical articles into stories (MinHash LSH over word shingles)."""

from __future__ import annotations

import hashlib
import re

from datasketch import MinHash, MinHashLSH

# Word 3-grams with a low threshold: outlets reword every sentence of a press release
# ("mendeportasi sebelas" -> "memulangkan 11", "RRT" -> "Tiongkok") and still share about half
# of its 3-grams, while different stories about the same office share under a tenth (measured
# on the demo site and tests/test_pipelines_stories.py: 0.50 against at most 0.08).
SHINGLE_WORDS = 3
NUM_PERM = 128
# Estimated Jaccard similarity from which two articles are one story.
THRESHOLD = 0.3
WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    words = WORD.findall((text or "").lower())
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def signature(text: str) -> MinHash:
    m = MinHash(num_perm=NUM_PERM, seed=1)
    for s in shingles(text):
        m.update(s.encode("utf-8"))
    return m


def group_near_duplicates(texts: dict[str, str], threshold: float = THRESHOLD) -> list[list[str]]:
    """Group ids whose texts are near-duplicates; every id ends in exactly one group.

    Args:
        texts: id -> article text.
        threshold: estimated Jaccard similarity of shingle sets that joins two texts.

    Returns:
        Groups of ids, each sorted, ordered by their first id.
    """
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    sigs = {}
    for key, text in texts.items():
        sigs[key] = signature(text)
        if shingles(text):
            lsh.insert(key, sigs[key])
    parent = {k: k for k in texts}

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for key, sig in sigs.items():
        if not shingles(texts[key]):
            continue
        for other in lsh.query(sig):
            # LSH gives candidates; the estimate decides, so a chance band collision is no match.
            if other != key and sig.jaccard(sigs[other]) >= threshold:
                parent[find(key)] = find(other)
    groups: dict[str, list[str]] = {}
    for key in texts:
        groups.setdefault(find(key), []).append(key)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def story_id(article_ids: list[str]) -> str:
    """Stable id of a story: a hash of its sorted member ids' smallest one."""
    return "s" + hashlib.sha1(min(article_ids).encode("utf-8")).hexdigest()[:15]


def rebuild_stories(db) -> int:
    """Regroup every article into stories and rewrite `stories` and `articles.story_id`.

    Returns:
        The number of stories with more than one article.
    """
    rows = {r["article_id"]: r for r in db["articles"].rows_where(
        select="article_id, title, text, published, source")}
    groups = group_near_duplicates({k: r["text"] for k, r in rows.items()})
    stories, members = [], {}
    for group in groups:
        ordered = sorted(group, key=lambda k: (rows[k]["published"] or "", k))
        first = rows[ordered[0]]
        sid = story_id(group)
        stories.append({
            "story_id": sid, "title": first["title"], "article_id": first["article_id"],
            "first_published": first["published"], "last_published": rows[ordered[-1]]["published"],
            "articles": len(group), "outlets": len({rows[k]["source"] for k in group})})
        members.update({k: sid for k in group})
    with db.conn:
        db["stories"].delete_where()
        db["stories"].insert_all(stories, pk="story_id")
        for article_id, sid in members.items():
            db["articles"].update(article_id, {"story_id": sid})
    return sum(1 for s in stories if s["articles"] > 1)
