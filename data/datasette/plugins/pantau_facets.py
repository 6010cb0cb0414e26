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
"""

from __future__ import annotations

import asyncio
import copy

from datasette import hookimpl
from datasette.facets import ColumnFacet
from datasette.utils import escape_sqlite, path_with_removed_args
from datasette.version import __version__

COMPATIBLE = ("0.65.",)
_sequential = ColumnFacet.facet_results


async def facet_results(self):
    """Datasette's facet_results for each configured facet, run concurrently, then joined."""
    configs = list(self.get_configs())
    if len(configs) < 2:
        return await _sequential(self)
    parts = []
    for config in configs:
        one = copy.copy(self)  # the same request, SQL and parameters
        one.get_configs = lambda config=config: [config]
        parts.append(_filtered_to_one(one, config) if _one_value(self, config) is not None
                     else _sequential(one))
    results, timed_out = [], []
    for part_results, part_timed_out in await asyncio.gather(*parts):
        results += part_results
        timed_out += part_timed_out
    return results, timed_out


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
