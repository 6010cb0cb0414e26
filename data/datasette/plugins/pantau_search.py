"""Datasette plugin: ?_search= on a table through its word-and-stem index, planned for common words.

Datasette's own search filter (datasette/filters.py) adds `rowid in (select rowid from FTS
where FTS match ...)` to every query of a table page. SQLite then always starts from the
matching rowids, since FTS5 gives the planner no estimate of how many there are: right for a
place name, but a word in half the articles ("deportasi") makes the page's four queries (rows,
count, two facets) each fetch half the articles table, and the rows query sort them all for 50
(0.7 s a page at 100,000 articles, benchmarks/README.md). For such a word this filter writes
`+rowid in (...)`, which lets SQLite read an index instead (published for the rows, stopping
after the first page; source and year for the facets) and test each entry against the
matches. It is the same search, the same rows, counts and facets, only a different plan.

Configured per table in metadata.yml (the FTS table then stays out of Datasette's own
`fts_table`, or both filters would apply):

    tables:
      articles:
        plugins:
          pantau-search: {fts_table: articles_fts}

Supports what Datasette's filter does: `_search`, `_search_COLUMN`, `_searchmode=raw|escaped`
and the table's `searchmode` metadata.
"""

from __future__ import annotations

import sqlite3

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite
from datasette.utils.asgi import BadRequest

PLUGIN = "pantau-search"
# Above this share of the table's rows, reading an index and testing each entry is cheaper
# than fetching every matching row by rowid: measured at 100,000 articles, 0.5% of rows
# matching is ~20x faster by rowid, 34% and 58% are ~1.2-2x faster through the index.
SCAN_ABOVE_SHARE = 0.10


@hookimpl(trylast=True)  # after Datasette's filter, so supports_search=True is what stays
def filters_from_request(request, database, table, datasette):
    """The search WHERE clause for a configured table, with the plan chosen by match count."""
    config = datasette.plugin_config(PLUGIN, database=database, table=table) or {}
    fts_table = config.get("fts_table")
    if not fts_table:
        return None

    async def inner():
        db = datasette.get_database(database)
        args = {k: request.args[k] for k in request.args
                if k.startswith("_search") and k != "_searchmode" and request.args[k]}
        context = {"supports_search": True}
        if not args:
            return FilterArguments([], extra_context=context)
        mode = request.args.get("_searchmode") or datasette.table_metadata(
            database, table).get("searchmode")
        match = "{}" if mode == "raw" else "escape_fts({})"
        fts_columns = await db.table_columns(fts_table)
        clauses, params, descriptions = [], {}, []
        for i, (key, text) in enumerate(args.items()):
            column = fts_table if key == "_search" else key.split("_search_", 1)[1]
            if column != fts_table and column not in fts_columns:
                raise BadRequest("Cannot search by that column")
            subquery = (f"select rowid from {escape_sqlite(fts_table)} "
                        f"where {escape_sqlite(column)} match {match.format(f':search_{i}')}")
            rowid = "+rowid" if await _common(db, table, subquery, text, i) else "rowid"
            clauses.append(f"{rowid} in ({subquery})")
            params[f"search_{i}"] = text
            descriptions.append(f'search matches "{text}"' if key == "_search"
                                else f'search column "{column}" matches "{text}"')
            context["search"] = text
        return FilterArguments(clauses, params, descriptions, context)

    return inner


async def _common(db, table: str, subquery: str, text: str, i: int) -> bool:
    """Whether the search matches more than SCAN_ABOVE_SHARE of the table's rows.

    Counting matches costs one FTS5 posting-list read (~3 ms for a word in half of 100,000
    articles); max(rowid) stands in for the row count, a single index step.
    """
    try:
        matches = (await db.execute(f"select count(*) from ({subquery})",
                                    {f"search_{i}": text})).first()[0]
        rows = (await db.execute(f"select max(rowid) from {escape_sqlite(table)}")).first()[0]
    except sqlite3.Error:
        return False  # a malformed raw query: the page's own query reports it
    return bool(matches) and matches > SCAN_ABOVE_SHARE * (rows or 0)
