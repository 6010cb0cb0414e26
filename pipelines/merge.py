"""Merge the databases, WARC archives and HTTP caches that crawl workers on different machines
wrote into one target (`pantau merge SOURCE.db ... --into TARGET.db`).

Rules, chosen so that merging the same inputs again changes nothing:
- articles: one row per article_id (the canonical-URL id). An article the target lacks is
  added, unless the target holds the same body from the same source under another URL: then,
  as pipelines/store.py does in a crawl, its URL becomes an alias (article_aliases) of the
  target's article ("duplicate"). An article the target holds is replaced only by a strictly
  newer fetch (fetched_at): a newer fetch of the same content (content_hash) only moves
  fetched_at; a newer fetch of changed content replaces the row. first_seen keeps the earliest.
- article_aliases: each alias the target lacks, of an article the target holds, is added.
- facts are not copied: added and replaced articles are marked for extraction (extracted_at
  and nlp_version cleared), so `pantau extract` on the target makes their facts, stories and
  events with the target's gazetteer, exactly as after a crawl into the target.
- sources: a source the target lacks is added; the target's own row is kept otherwise.
- source_health: every row is kept. A row whose (crawl_id, source) the target holds with other
  numbers (two machines whose crawls started in the same second) is kept under
  "<crawl_id>#<digest of the row>".
- archive: each WARC file the target's archive lacks is copied (same name; a different file of
  the same name gets the digest of its content in its name). Files are never rewritten.
- HTTP cache: each entry the target lacks, or holds with an older timestamp, is copied into
  place atomically (as crawler.httpcache writes it).

--dry-run runs the database part on a temporary copy of the target and only counts the files,
so what it reports is what a real merge would do.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from core.settings import beside_db
from pipelines.db import DatabaseError, open_db, open_readonly
from pipelines.search import write_stems

# Articles read from a source, and written to the target, per transaction: bounded memory, and
# a merge stopped halfway keeps whole batches (running it again finishes the rest).
BATCH = 500
# Target columns the merge clears on an added or replaced article: the extract stage fills them.
EXTRACTION_COLUMNS = ("extracted_at", "nlp_version", "story_id", "event_type", "event_date")
HEALTH_KEY = ("crawl_id", "source")
ARTICLE_OUTCOMES = ("new", "duplicate", "updated", "refreshed", "kept")


class MergeError(DatabaseError):
    """A merge input or target cannot be used: missing, the same file twice, not Pantau's."""


def _digest(*parts) -> str:
    return hashlib.sha1(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:10]


def _file_digest(path: Path) -> str:
    h = hashlib.sha1()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _columns(db, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"pragma table_info([{table}])")]


def merge_articles(source, target) -> dict:
    """Merge the source's articles into the target, BATCH per transaction; returns counts."""
    counts = dict.fromkeys(ARTICLE_OUTCOMES, 0)
    shared = [c for c in _columns(source, "articles") if c in set(_columns(target, "articles"))]
    names = ", ".join(f"[{c}]" for c in shared)
    last = ""
    while True:
        cursor = source.execute(f"select {names} from articles where article_id > ? "
                                f"order by article_id limit {BATCH}", [last])
        rows = [dict(zip(shared, r, strict=True)) for r in cursor.fetchall()]
        if not rows:
            return counts
        last = rows[-1]["article_id"]
        ids = json.dumps([r["article_id"] for r in rows])
        held = {r[0]: r for r in target.execute(
            "select article_id, fetched_at, content_hash, first_seen, title, text from articles "
            "where article_id in (select value from json_each(?))", [ids])}
        with target.conn:
            for row in rows:
                counts[_merge_article(target, row, held.get(row["article_id"]))] += 1


def _merge_article(target, row: dict, held) -> str:
    """Write one source article into the target (inside the caller's transaction)."""
    article_id = row["article_id"]
    fresh = {**row, **dict.fromkeys(EXTRACTION_COLUMNS)}
    fresh = {k: v for k, v in fresh.items() if k in row or k in EXTRACTION_COLUMNS}
    same = held is None and row.get("body_hash") and target.execute(
        "select article_id from articles where source = ? and body_hash = ? limit 1",
        [row.get("source"), row["body_hash"]]).fetchone()
    if same:
        return "duplicate" if _alias(target, {"url": row["url"], "article_id": same[0],
                                              "source": row.get("source"),
                                              "fetched_at": row.get("fetched_at")}) else "kept"
    if held is None:
        write_stems(target, article_id, row.get("title"), row.get("text"))
        _insert(target, "articles", fresh)
        return "new"
    _, fetched_at, content_hash, first_seen, title, text = held
    earliest = min(f for f in (first_seen, row.get("first_seen")) if f) \
        if first_seen or row.get("first_seen") else None
    if (row.get("fetched_at") or "") <= (fetched_at or ""):
        if earliest != first_seen:
            _update(target, article_id, {"first_seen": earliest})
            return "refreshed"
        return "kept"
    if row.get("content_hash") == content_hash:
        _update(target, article_id, {"fetched_at": row["fetched_at"], "first_seen": earliest})
        return "refreshed"
    fresh["first_seen"] = earliest
    _update(target, article_id, {k: v for k, v in fresh.items() if k != "article_id"})
    if (row.get("title"), row.get("text")) != (title, text):
        write_stems(target, article_id, row.get("title"), row.get("text"))
    return "updated"


def _alias(target, row: dict) -> bool:
    """Record a URL as an alias of a target article unless it is one already; True if added."""
    if target.execute("select 1 from article_aliases where url = ?", [row["url"]]).fetchone():
        return False
    _insert(target, "article_aliases", row)
    return True


def merge_aliases(source, target) -> int:
    """Add the source's article_aliases whose URL the target lacks (and whose article it has)."""
    if "article_aliases" not in source.table_names():
        return 0
    added = 0
    with target.conn:
        for url, article_id, slug, fetched_at in source.execute(
                "select url, article_id, source, fetched_at from article_aliases").fetchall():
            if target.execute("select 1 from articles where article_id = ?",
                              [article_id]).fetchone() and _alias(
                    target, {"url": url, "article_id": article_id, "source": slug,
                             "fetched_at": fetched_at}):
                added += 1
    return added


def _insert(db, table: str, row: dict) -> None:
    names = ", ".join(f"[{c}]" for c in row)
    db.execute(f"insert into [{table}] ({names}) values ({', '.join('?' for _ in row)})",
               list(row.values()))


def _update(db, article_id: str, values: dict) -> None:
    sets = ", ".join(f"[{c}] = ?" for c in values)
    db.execute(f"update articles set {sets} where article_id = ?", [*values.values(), article_id])


def merge_sources(source, target) -> int:
    """Add the sources the target lacks; returns how many."""
    shared = [c for c in _columns(source, "sources") if c in set(_columns(target, "sources"))]
    added = 0
    with target.conn:
        for values in source.execute(f"select {', '.join(shared)} from sources").fetchall():
            row = dict(zip(shared, values, strict=True))
            if not target.execute("select 1 from sources where slug = ?",
                                  [row["slug"]]).fetchone():
                _insert(target, "sources", row)
                added += 1
    return added


def merge_health(source, target) -> int:
    """Keep every source_health row of the source; returns how many were added."""
    if "source_health" not in source.table_names():
        return 0
    shared = [c for c in _columns(source, "source_health")
              if c in set(_columns(target, "source_health"))]
    names = ", ".join(f"[{c}]" for c in shared)
    added = 0
    with target.conn:
        for values in source.execute(f"select {names} from source_health").fetchall():
            row = dict(zip(shared, values, strict=True))
            key = [row[k] for k in HEALTH_KEY]
            same_key = target.execute(f"select {names} from source_health where crawl_id = ? "
                                      "and source = ?", key).fetchone()
            if same_key is None:
                _insert(target, "source_health", row)
                added += 1
                continue
            if list(same_key) == list(values):
                continue
            row["crawl_id"] = f"{row['crawl_id']}#{_digest(*values)}"
            if not target.execute("select 1 from source_health where crawl_id = ? and "
                                  "source = ?", [row["crawl_id"], row["source"]]).fetchone():
                _insert(target, "source_health", row)
                added += 1
    return added


def merge_archive(source_dir: Path, target_dir: Path, dry_run: bool, planned: set) -> int:
    """Copy the WARC files the target's archive lacks; returns how many (would be) copied."""
    if not source_dir.is_dir() or source_dir.resolve() == target_dir.resolve():
        return 0
    copied = 0
    for path in sorted(source_dir.glob("*.warc.gz")):
        name = path.name
        existing = target_dir / name
        if existing.exists() or name in planned:
            if existing.exists() and existing.stat().st_size == path.stat().st_size \
                    and _file_digest(existing) == _file_digest(path):
                continue
            # Another machine's file of the same name (same second and pid): keep both.
            name = name.replace(".warc.gz", f"-{_file_digest(path)[:10]}.warc.gz")
            if (target_dir / name).exists() or name in planned:
                continue
        planned.add(name)
        copied += 1
        if not dry_run:
            target_dir.mkdir(parents=True, exist_ok=True)
            tmp = target_dir / f".{name}.part"
            shutil.copy2(path, tmp)
            os.replace(tmp, target_dir / name)  # the reader never sees half a file
    return copied


def _cache_timestamp(entry: Path) -> float | None:
    """The time Scrapy stored a cache entry, from its `meta` file (a repr of a dict)."""
    try:
        return float(ast.literal_eval((entry / "meta").read_text(encoding="utf-8"))["timestamp"])
    except (OSError, ValueError, SyntaxError, KeyError, TypeError):
        return None  # a damaged entry: Scrapy treats it as a miss, so does the merge


def merge_httpcache(source_dir: Path, target_dir: Path, dry_run: bool, planned: dict) -> int:
    """Copy the cache entries the target lacks or holds older; returns how many."""
    if not source_dir.is_dir() or source_dir.resolve() == target_dir.resolve():
        return 0
    copied = 0
    # Scrapy's FilesystemCacheStorage: <dir>/<spider>/<fingerprint[:2]>/<fingerprint>/meta
    for meta in sorted(source_dir.glob("*/*/*/meta")):
        entry = meta.parent
        stamp = _cache_timestamp(entry)
        if stamp is None:
            continue
        relative = entry.relative_to(source_dir)
        final = target_dir / relative
        held = planned.get(relative, _cache_timestamp(final) if final.exists() else None)
        if held is not None and held >= stamp:
            continue
        planned[relative] = stamp
        copied += 1
        if not dry_run:
            tmp = final.with_name(f"{final.name}.tmp{os.getpid()}")
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.copytree(entry, tmp)
            shutil.rmtree(final, ignore_errors=True)
            os.replace(tmp, final)
    return copied


def _check_inputs(sources: list[Path], target: Path) -> None:
    seen = {target.resolve()}
    for path in sources:
        if not path.exists():
            raise MergeError(f"merge input not found: {path}")
        if path.resolve() in seen:
            raise MergeError(f"{path} is named twice (or is the --into target): each database "
                             "is merged once")
        seen.add(path.resolve())
        _open_source(path).close()  # refused before the target is created or changed


def _open_source(path: Path):
    db = open_readonly(path)
    if "articles" not in db.table_names():
        db.close()
        raise MergeError(f"{path} is not a Pantau database (no articles table)")
    return db


def merge(sources: list[Path], target: Path, dry_run: bool = False) -> dict:
    """Merge `sources` (databases with their archives and HTTP caches) into `target`.

    Args:
        sources: the workers' databases; each one's archive/ and httpcache/ folders beside it
            (core.settings.beside_db) come along.
        target: the database to merge into; created when missing (not with dry_run).
        dry_run: change nothing; report what a merge would change.

    Returns:
        {"inputs": [per-source counts], "total": summed counts, "to_extract": articles
        waiting for `pantau extract` in the target afterwards}. Counts: articles by outcome
        (new; duplicate: the same body of the same source under another URL, kept as an
        alias; updated: newer fetch of changed text; refreshed: newer fetch of the same text,
        or an earlier first_seen; kept: the target's was as new), sources, aliases, health
        rows, archive files, cache entries.

    Raises:
        MergeError: an input is missing, named twice, or not a Pantau database.
        pipelines.db.DatabaseError: the target cannot be opened or written.
    """
    sources = [Path(s) for s in sources]
    target = Path(target)
    _check_inputs(sources, target)
    with tempfile.TemporaryDirectory(prefix="pantau-merge-") as tmp:
        work = target
        if dry_run:
            work = Path(tmp) / "target.db"
            if target.exists():
                with sqlite3.connect(f"file:{target}?mode=ro", uri=True) as held, \
                        sqlite3.connect(work) as copy:
                    held.backup(copy)
        db = open_db(work)
        archive_plan: set = set()
        cache_plan: dict = {}
        inputs = []
        try:
            for path in sources:
                source = _open_source(path)
                try:
                    row = {"db": str(path),
                           "sources": merge_sources(source, db),
                           "articles": merge_articles(source, db),
                           "aliases": merge_aliases(source, db),
                           "health": merge_health(source, db)}
                except sqlite3.Error as e:
                    raise DatabaseError(f"cannot merge {path} into {target}: {e}") from None
                finally:
                    source.close()
                row["archive_files"] = merge_archive(beside_db("archive", path),
                                                     beside_db("archive", target), dry_run,
                                                     archive_plan)
                row["cache_entries"] = merge_httpcache(beside_db("httpcache", path),
                                                       beside_db("httpcache", target), dry_run,
                                                       cache_plan)
                inputs.append(row)
            to_extract = db.execute("select count(*) from articles "
                                    "where extracted_at is null").fetchone()[0]
        finally:
            db.close()
    return {"inputs": inputs, "total": _total(inputs), "to_extract": to_extract}


def _total(inputs: list[dict]) -> dict:
    total = {"sources": 0, "articles": dict.fromkeys(ARTICLE_OUTCOMES, 0), "aliases": 0,
             "health": 0, "archive_files": 0, "cache_entries": 0}
    for row in inputs:
        for key, value in row.items():
            if key == "articles":
                for outcome, n in value.items():
                    total["articles"][outcome] += n
            elif key != "db":
                total[key] += value
    return total


def changes(counts: dict) -> int:
    """How many things a merge's counts (one input's or the total) changed; 0 for a no-op."""
    a = counts["articles"]
    return (a["new"] + a["duplicate"] + a["updated"] + a["refreshed"] + counts["sources"]
            + counts["aliases"] + counts["health"] + counts["archive_files"]
            + counts["cache_entries"])


def describe(counts: dict) -> str:
    """One line of a merge's counts."""
    a = counts["articles"]
    return (f"articles new: {a['new']}, updated: {a['updated']}, refreshed: {a['refreshed']}, "
            f"kept: {a['kept']}, stored already under another URL: {a['duplicate']}; aliases "
            f"added: {counts['aliases']}; sources added: {counts['sources']}; "
            f"source-health rows added: "
            f"{counts['health']}; archive files: {counts['archive_files']}; cache entries: "
            f"{counts['cache_entries']}")

