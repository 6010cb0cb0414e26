"""Datasette plugin: a table page's column facets are computed at once, not one after another.

Datasette 0.65 runs the facets of a page in sequence (ColumnFacet.facet_results loops over
them, awaiting each query). Each facet is one SQL query that Datasette already runs on its
thread pool (num_sql_threads), and SQLite releases the GIL while it works, so the queries can
run side by side on several cores. At 1,000,000 articles a fact table filtered to one category
still has about a million rows, every facet of it takes ~130 ms, and five of them in a row made
the page ~800 ms (benchmarks/README.md, "Publishing latency at scale").

This replaces ColumnFacet.facet_results by one that runs Datasette's own method once per facet,
all at once, and joins the results in the order Datasette would give them: the same facets,
values, counts, links and time-outs. A facet on a column the page filters to one value
(`?category=deportation`) has one answer known without counting again: that value, selected,
with the page's row count; it is built here as Datasette builds it, not recomputed (~130 ms
of CPU at a million rows). Only for the Datasette series it was written against
(COMPATIBLE); any other version keeps its own behaviour.

Two or more facets on columns that an index leads with (the articles table's outlet and year:
`idx_articles_year_source`) are counted by one GROUP BY over that index instead of one per
facet, and each facet's counts are summed from it: a search for a common word reads its
matches once for both facets instead of twice (~56 -> ~34 ms of SQLite CPU at 100,000
articles). Datasette's own facet code still builds every result from those counts, so values,
order, truncation, labels and links are as before; without such an index, or past
COMBINED_MAX_GROUPS, or when the one GROUP BY takes over half the facet time limit, each facet
is counted on its own as before.
"""

from __future__ import annotations

import asyncio
import copy
import re
import sqlite3
import weakref

from datasette import hookimpl
from datasette.database import QueryInterrupted, Results
from datasette.facets import ColumnFacet
from datasette.utils import escape_sqlite, path_with_removed_args
from datasette.version import __version__

COMPATIBLE = ("0.65.",)
_sequential = ColumnFacet.facet_results
# Above this many (value, value ...) groups the one GROUP BY is no cheaper than one per facet.
COMBINED_MAX_GROUPS = 5000


async def facet_results(self):
    """Datasette's facet_results for each configured facet, run concurrently, then joined."""
    configs = list(self.get_configs())
    if len(configs) < 2:
        return await _sequential(self)
    counted = [c for c in configs if _one_value(self, c) is None]
    shared = await _counted_together(self, [_column(c) for c in counted]) \
        if len(counted) >= 2 else None
    parts = []
    for config in configs:
        one = copy.copy(self)  # the same request, SQL and parameters
        one.get_configs = lambda config=config: [config]
        if _one_value(self, config) is not None:
            parts.append(_filtered_to_one(one, config))
            continue
        if shared and _column(config) in shared[0][0]:
            one.ds = _Answering(self.ds, _column(config), shared)
        parts.append(_sequential(one))
    results, timed_out = [], []
    for part_results, part_timed_out in await asyncio.gather(*parts):
        results += part_results
        timed_out += part_timed_out
    return results, timed_out


# Per Datasette instance: {(database, table): [leading column sets of its indexes]}.
_index_prefixes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def _indexed_together(facet, columns: list[str]) -> list[str]:
    """The most of these columns that an index of the facet's table starts with (two or more,
    in the index's order), or [] when none does."""
    if not facet.table:
        return []
    known = _index_prefixes.setdefault(facet.ds, {})
    key = (facet.database, facet.table)
    if key not in known:
        db = facet.ds.get_database(facet.database)
        prefixes = []
        for index in (await db.execute("select name from pragma_index_list(?)",
                                       [facet.table])).rows:
            names = [r[0] for r in (await db.execute(
                "select name from pragma_index_info(?) order by seqno", [index[0]])).rows]
            prefixes += [names[:n] for n in range(2, len(names) + 1)]
        known[key] = prefixes
    fitting = [p for p in known[key] if set(p) <= set(columns)]
    return max(fitting, key=len, default=[])


async def _counted_together(facet, columns: list[str]) -> list | None:
    """({column: value ...}, count) for each group of one GROUP BY over the page's rows, by the
    columns an index leads with (_indexed_together), or None when there are no two such
    columns, the groups are too many, or the query timed out."""
    if len(set(columns)) != len(columns) or any(c.startswith("_") for c in columns):
        return None
    columns = await _indexed_together(facet, columns)
    if not columns:
        return None
    names = ", ".join(escape_sqlite(c) for c in columns)
    try:
        found = await facet.ds.execute(
            facet.database,
            f"select {names}, count(*) from ({facet.sql}) group by {names} "
            f"limit {COMBINED_MAX_GROUPS + 1}", facet.params, truncate=False,
            # Half the facet limit: a combined count slower than that (most of a million rows
            # matching) gives way to Datasette's one query per facet, which may still finish;
            # so no facet is given up on that Datasette alone would have shown.
            custom_time_limit=facet.ds.setting("facet_time_limit_ms") // 2)
    except (QueryInterrupted, sqlite3.Error):
        return None
    if len(found.rows) > COMBINED_MAX_GROUPS:
        return None
    return [(dict(zip(columns, row[:-1], strict=True)), row[-1]) for row in found.rows]


def _order(value):
    """SQLite's order of values of one column: numbers, then text, then blobs."""
    return (0, value, "") if isinstance(value, int | float) else \
        (1, 0, value) if isinstance(value, str) else (2, 0, value)


class _Answering:
    """The Datasette object, for one facet: its facet query answered from the counts of the
    one GROUP BY, as SQLite would (`where col is not null group by col order by count desc,
    value limit N`); everything else passed through."""

    def __init__(self, ds, column: str, counts: list):
        self._ds, self._column, self._counts = ds, column, counts
        self._query = re.compile(rf"\s*select {re.escape(escape_sqlite(column))} as value, "
                                 r"count\(\*\) as count from \(")

    def __getattr__(self, name):
        return getattr(self._ds, name)

    async def execute(self, database, sql, params=None, *args, **kwargs):
        limit = re.search(r"limit (\d+)\s*$", sql)
        if not self._query.match(sql) or not limit:
            return await self._ds.execute(database, sql, params, *args, **kwargs)
        totals: dict = {}
        for values, count in self._counts:
            value = values[self._column]
            if value is not None:
                totals[value] = totals.get(value, 0) + count
        ordered = sorted(totals.items(), key=lambda item: (-item[1], _order(item[0])))
        rows = [{"value": v, "count": n} for v, n in ordered[:int(limit.group(1))]]
        return Results(rows, False, None)


def _column(config: dict) -> str:
    return config["config"].get("column") or config["config"]["simple"]


def _one_value(facet, config: dict) -> str | None:
    """The value the page filters the facet's column to (`?column=value`, once), if any, when
    the page's row count is known."""
    column = _column(config)
    values = [v for k, v in facet.get_querystring_pairs() if k == column]
    if len(values) != 1 or not facet.row_count or column.startswith("_"):
        return None
    return values[0]


async def _filtered_to_one(facet, config: dict):
    """Datasette's result for a facet on a column filtered to one value, without the GROUP BY:
    every row of the page has that value, so its count is the page's row count."""
    column = _column(config)
    # The stored value, with its type (the query string has only text): from the first row.
    first = await facet.ds.execute(
        facet.database, f"select {escape_sqlite(column)} as value from ({facet.sql}) limit 1",
        facet.params, truncate=False)
    if not first.rows or first.rows[0]["value"] is None:
        return await _sequential(facet)
    value = first.rows[0]["value"]
    expanded = await facet.ds.expand_foreign_keys(facet.database, facet.table, column, [value]) \
        if facet.table else {}
    toggle = path_with_removed_args(facet.request, {column: str(value)})
    return [{
        "name": column, "type": facet.type, "hideable": config["source"] != "metadata",
        "toggle_url": facet.ds.urls.path(path_with_removed_args(facet.request,
                                                                {"_facet": column})),
        "results": [{"value": value, "label": expanded.get((column, value), value),
                     "count": facet.row_count,
                     "toggle_url": facet.ds.absolute_url(facet.request,
                                                         facet.ds.urls.path(toggle)),
                     "selected": True}],
        "truncated": False,
    }], []


@hookimpl
def startup(datasette):
    """Install the concurrent facet_results (once per process, for a compatible Datasette)."""
    if __version__.startswith(COMPATIBLE) and ColumnFacet.facet_results is _sequential:
        ColumnFacet.facet_results = facet_results
