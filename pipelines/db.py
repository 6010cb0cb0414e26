"""The database schema: tables, keys, indexes, full-text search; the only module that defines SQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

# Bump when the schema changes; ensure_schema() upgrades older databases in place.
SCHEMA_VERSION = 1

ARTICLE_COLUMNS = {
    "article_id": str, "url": str, "fetched_url": str, "source": str, "title": str,
    "published": str, "published_date": str, "year": int, "month": str, "author": str,
    "section": str, "language": str, "description": str, "text": str, "discovered_by": str,
    "content_hash": str, "first_seen": str, "fetched_at": str, "extracted_at": str,
    "nlp_version": str,
}
EVIDENCE = {"sentence": str, "start": int, "end": int}
# table -> (columns, foreign keys); every fact row keeps its article and its evidence sentence.
FACT_TABLES = {
    "office_mentions": ({"office_id": str, "name": str, "kind": str},
                        [("office_id", "offices", "office_id")]),
    "officials": ({"name": str, "role": str, "office_id": str},
                  [("office_id", "offices", "office_id")]),
    "nationalities": ({"code": str, "country": str, "name": str, "count": int}, []),
    "counts": ({"value": int, "unit": str, "what": str, "category": str}, []),
    "awards": ({"name": str, "rank": int, "giver": str, "year": int}, []),
}
OFFICE_COLUMNS = {
    "office_id": str, "name": str, "kind": str, "class": str, "place": str, "province": str,
    "aliases": str, "website": str, "latitude": float, "longitude": float, "confidence": str,
}


class DatabaseError(Exception):
    """The database file cannot be opened, read or written."""


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
        raise DatabaseError(f"database not found: {path} (run `pantau crawl` or `pantau demo` first)")
    if create and not path.parent.exists():
        raise DatabaseError(f"folder does not exist: {path.parent}")
    try:
        db = sqlite_utils.Database(path)
        db.enable_wal()
        ensure_schema(db)
    except sqlite3.DatabaseError as e:
        raise DatabaseError(f"cannot use database {path}: {e}") from None
    return db


def _table(db, name: str, columns: dict, pk: str, foreign_keys=()) -> None:
    """Create a table, or add the columns an older schema lacks (upgrade in place)."""
    table = db[name]
    if not table.exists():
        table.create(columns, pk=pk, foreign_keys=list(foreign_keys))
        return
    for column, kind in columns.items():
        if column not in table.columns_dict:
            table.add_column(column, kind)


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create missing tables, columns, indexes and FTS; safe to run on every open."""
    with db.conn:
        _table(db, "sources", {"slug": str, "name": str, "kind": str, "region": str,
                               "url_prefix": str, "start_urls": str}, pk="slug")
        _table(db, "offices", OFFICE_COLUMNS, pk="office_id")
        _table(db, "articles", ARTICLE_COLUMNS, pk="article_id",
               foreign_keys=[("source", "sources", "slug")])
        for table, (columns, fks) in FACT_TABLES.items():
            _table(db, table, {"fact_id": str, "article_id": str, **columns, **EVIDENCE},
                   pk="fact_id", foreign_keys=[("article_id", "articles", "article_id"), *fks])
            db[table].create_index(["article_id"], if_not_exists=True)
        for column in ("source", "published_date", "year", "month", "extracted_at"):
            db["articles"].create_index([column], if_not_exists=True)
        db["office_mentions"].create_index(["office_id"], if_not_exists=True)
        db["officials"].create_index(["office_id"], if_not_exists=True)
        db["nationalities"].create_index(["code"], if_not_exists=True)
        db["counts"].create_index(["category"], if_not_exists=True)
        db["offices"].create_index(["province"], if_not_exists=True)
        _table(db, "meta", {"key": str, "value": str}, pk="key")
        db["meta"].upsert({"key": "schema_version", "value": str(SCHEMA_VERSION)}, pk="key")
    if not db["articles"].detect_fts():
        db["articles"].enable_fts(["title", "text"], create_triggers=True)


def facts_table_names() -> tuple[str, ...]:
    """Names of the per-article fact tables, in a stable order."""
    return tuple(FACT_TABLES)
