"""data/datasette/plugins/pantau_schema_cache.py: an immutable database's schema is asked once,
pages stay the same; a mutable database (pantau serve --live) is asked every time (issue 21)."""

from __future__ import annotations

import asyncio
import importlib.util
import re

import sqlite_utils
from conftest import ROOT
from datasette.app import Datasette
from datasette.database import Database

PLUGIN = ROOT / "data" / "datasette" / "plugins" / "pantau_schema_cache.py"
PAGES = ["/", "/archive", "/archive/articles", "/archive/articles?_search=imigrasi",
         "/archive/articles.json?_shape=array", "/archive/offices/1", "/archive/missing"]


def load_plugin():
    spec = importlib.util.spec_from_file_location("pantau_schema_cache_under_test", PLUGIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_db(path):
    db = sqlite_utils.Database(path)
    db["offices"].insert({"id": 1, "name": "Kantor Imigrasi Serang"}, pk="id")
    db["articles"].insert_all([{"id": i, "title": f"Imigrasi {i}", "office_id": 1}
                               for i in range(30)], pk="id", foreign_keys=[
        ("office_id", "offices", "id")])
    db["articles"].enable_fts(["title"])
    return path


def serve(path, immutable: bool, install: bool):
    """Every page twice: (status and body of each, SQL round trips of the second round)."""
    ds = Datasette(immutables=[str(path)] if immutable else [],
                   files=[] if immutable else [str(path)])
    if install:
        load_plugin().startup(ds)
    db = ds.get_database("archive")
    trips = []
    execute_fn = db.execute_fn

    async def counting(fn):
        trips.append(1)
        return await execute_fn(fn)

    db.execute_fn = counting

    async def run():
        pages = []
        for _ in range(2):
            trips.clear()
            pages = []
            for path_ in PAGES:
                r = await ds.client.get(path_)
                # the page footer's query time is the one part that may differ
                pages.append((r.status_code, re.sub(r"Queries took [\d.]+ms", "", r.text)))
        return pages, len(trips), db

    return asyncio.run(run())


def test_immutable_schema_asked_once_pages_unchanged(tmp_path):
    path = make_db(tmp_path / "archive.db")
    plain, plain_trips, _ = serve(path, immutable=True, install=False)
    kept, kept_trips, db = serve(path, immutable=True, install=True)
    assert [status for status, _ in plain] == [200, 200, 200, 200, 200, 200, 404]
    assert kept == plain
    assert kept_trips < plain_trips / 2, (kept_trips, plain_trips)
    assert hasattr(db.table_columns, "uncached")
    # each caller gets its own copy of a kept answer
    columns = asyncio.run(db.table_columns("articles"))
    columns.append("changed")
    assert asyncio.run(db.table_columns("articles")) == ["id", "title", "office_id"]


def test_mutable_database_is_asked_every_time(tmp_path):
    path = make_db(tmp_path / "archive.db")
    _, _, db = serve(path, immutable=False, install=True)
    assert not hasattr(db.table_columns, "uncached")
    sqlite_utils.Database(path)["later"].insert({"id": 1})  # a crawl adds a table
    assert "later" in asyncio.run(db.table_names())


def test_schema_queries_only(tmp_path):
    plugin = load_plugin()
    path = make_db(tmp_path / "archive.db")
    ds = Datasette(immutables=[str(path)])
    db = ds.get_database("archive")
    assert plugin.remember_schema(db)
    assert not plugin.remember_schema(Database(ds, is_memory=True))

    async def run():
        first = await db.execute("select count(*) from articles")
        schema = await db.execute("select name from sqlite_master where type='table'")
        union = await db.execute("select name from sqlite_master where type = 'table' "
                                 "union select title from articles")
        return first.rows[0][0], [r[0] for r in schema.rows], len(union.rows)

    count, tables, union = asyncio.run(run())
    assert count == 30 and {"articles", "offices"} <= set(tables) and union > 30
