"""Datasette plugin: an immutable database's schema is read once, not on every page.

Datasette 0.65 asks SQLite for a table's columns, primary keys, foreign keys, full-text index
and label column, and for the lists of tables, views and hidden tables, each time a page needs
them: the home page made 220 such round trips through Datasette's three SQL threads, the
database page 187, a table page ~30 (counted at 100,000 articles, issue 21). Under fifty
readers at once each round trip waits in the threads' queue behind the others' queries: the
home page took seconds while its own work was ~25 ms of CPU (benchmarks/README.md, "Load").

A database served `--immutable` (`pantau serve` without --live) cannot change while the
server runs, and Pantau's metadata is read once at start: so the answer to each of these
questions is kept after the first, per database and arguments, and a copy of it handed out
(callers may change what they get). Databases opened mutable (--live) are left alone. Only for
the Datasette series it was written against (COMPATIBLE); the answers are Datasette's own.
"""

from __future__ import annotations

import copy
import functools
import re

from datasette import hookimpl
from datasette.database import Results
from datasette.version import __version__

COMPATIBLE = ("0.65.",)
# Database methods whose answer depends only on the schema and the metadata.
SCHEMA_METHODS = ("table_exists", "table_names", "table_columns", "table_column_details",
                  "primary_keys", "fts_table", "label_column_for_table",
                  "foreign_keys_for_table", "hidden_table_names", "view_names",
                  "get_all_foreign_keys", "get_table_definition", "get_view_definition",
                  "attached_databases")
# Answers kept per database and method at most: a name in a URL is an argument (a reader can
# ask for any number of tables that do not exist), so past this the answers are not kept.
MAX_KEPT = 10_000
# A query of the schema table alone (no join, no subquery): Datasette's own lookups, such as
# the table-name check before each `view-table` permission (76 of the home page's round trips).
SCHEMA_QUERY = re.compile(r"select [\w, ()'*]+ from sqlite_master( where [^()]*"
                          r"(\('table', 'view'\)[^()]*)?)?", re.IGNORECASE)


def remembered(method):
    """An async method whose answers are kept per arguments; each caller gets a copy."""
    answers = {}

    @functools.wraps(method)
    async def cached(*args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        if key not in answers:
            found = await method(*args, **kwargs)
            if len(answers) >= MAX_KEPT:
                return found
            answers[key] = found
        return copy.deepcopy(answers[key])

    cached.uncached = method
    return cached


def remembered_schema_queries(execute):
    """`Database.execute` keeping the results of SCHEMA_QUERY queries per SQL and parameters."""
    answers = {}

    @functools.wraps(execute)
    async def cached(sql, params=None, *args, **kwargs):
        text = " ".join(sql.split())
        if args or kwargs or not SCHEMA_QUERY.fullmatch(text) \
                or text.lower().count("select") != 1 or len(answers) >= MAX_KEPT:
            return await execute(sql, params, *args, **kwargs)
        key = (sql, repr(params))
        if key not in answers:
            answers[key] = await execute(sql, params)
        found = answers[key]
        return Results(list(found.rows), found.truncated, found.description)

    cached.uncached = execute
    return cached


def remember_schema(database) -> bool:
    """Keep the schema answers of one immutable database; False (nothing done) otherwise."""
    if database.is_mutable or database.is_memory:
        return False
    for name in SCHEMA_METHODS:
        method = getattr(database, name, None)
        if method is not None and not hasattr(method, "uncached"):
            setattr(database, name, remembered(method))  # this instance only
    if not hasattr(database.execute, "uncached"):
        database.execute = remembered_schema_queries(database.execute)
    return True


@hookimpl(trylast=True)  # after the plugins that add databases at startup (datasette-basemap)
def startup(datasette):
    if not __version__.startswith(COMPATIBLE):
        return
    for database in datasette.databases.values():
        remember_schema(database)
