"""pipelines/schema.py: a new database gets every table, index, trigger and view; reopening
changes nothing."""

from __future__ import annotations

import hashlib
import sqlite3

from pipelines import schema
from pipelines.db import open_db


def objects(path) -> dict[str, set[str]]:
    conn = sqlite3.connect(path)
    found: dict[str, set[str]] = {}
    for kind, name in conn.execute("select type, name from sqlite_master "
                                   "where name not like 'sqlite_%'"):
        found.setdefault(kind, set()).add(name)
    conn.close()
    return found


def test_a_new_database_has_the_whole_schema(db_path):
    open_db(db_path).close()
    found = objects(db_path)
    expected_tables = {"sources", "offices", "stories", "articles", "events", "event_citations",
                       "event_nationalities", "article_aliases", schema.EVENT_PENDING_TABLE,
                       "meta", "source_health", schema.SIGNATURE_TABLE,
                       schema.STORY_PENDING_TABLE, schema.STEMS_TABLE, schema.SEARCH_TABLE,
                       schema.STORY_GROUPS_PENDING, schema.SEARCH_FACETS,
                       schema.SEARCH_FACET_TERMS, schema.SEARCH_FACETS_DIRTY,
                       *schema.FACT_TABLES, *schema.SUMMARIES}
    assert expected_tables <= found["table"]
    # The rest are FTS5's own tables of the search index.
    assert {t for t in found["table"] - expected_tables
            if not t.startswith(schema.SEARCH_TABLE + "_")} == set()
    assert found["view"] == set(schema.VIEWS)
    assert found["trigger"] == {*schema.SEARCH_TRIGGERS, *schema.STORY_GROUPS_TRIGGERS,
                                *schema.SEARCH_FACETS_TRIGGERS}
    # One index per listed column set, named by sqlite-utils after the table and columns.
    wanted = {f"idx_{table}_{'_'.join(cols)}" for table, sets in schema.INDEXES.items()
              for cols in sets}
    wanted |= {f"idx_{table}_{'_'.join(cols)}" for table in schema.FACT_TABLES
               for cols in [*schema.FACT_INDEXES, *schema.FACT_OWN_INDEXES[table]]}
    assert wanted <= found["index"]
    version = sqlite3.connect(db_path).execute(
        "select value from meta where key = 'schema_version'").fetchone()
    assert version == (str(schema.SCHEMA_VERSION),)


def test_reopening_a_current_database_writes_nothing(db_path):
    """A database served --immutable must not be changed by opening it (pipelines/db.py)."""
    db = open_db(db_path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    before = hashlib.sha1(db_path.read_bytes()).hexdigest()
    db = open_db(db_path)
    changes = db.conn.total_changes
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    assert changes == 0
    assert hashlib.sha1(db_path.read_bytes()).hexdigest() == before


def test_a_dropped_view_and_index_come_back_on_open(db_path):
    open_db(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("drop view event_outlets")
    conn.execute("drop index idx_articles_source")
    conn.commit()
    conn.close()
    open_db(db_path).close()
    found = objects(db_path)
    assert "event_outlets" in found["view"] and "idx_articles_source" in found["index"]
