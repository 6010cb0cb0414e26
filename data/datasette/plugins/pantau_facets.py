"""Datasette plugin: a table page's column facets are computed at once, not one after another.

Datasette 0.65 runs the facets of a page in sequence (ColumnFacet.facet_results loops over
them, awaiting each query). Each facet is one SQL query that Datasette already runs on its
thread pool (num_sql_threads), and SQLite releases the GIL while it works, so the queries can
run side by side on several cores. At 1,000,000 articles a fact table filtered to one category
still has about a million rows, every facet of it takes ~130 ms, and five of them in a row made
the page ~800 ms (benchmarks/README.md, "Publishing latency at scale").

This replaces ColumnFacet.facet_results by one that runs Datasette's own method once per facet,
all at once, and joins the results in the order Datasette would give them: the same facets,
values, counts, links and time-outs. Only for the Datasette series it was written against
(COMPATIBLE); any other version keeps its own behaviour.
"""

from __future__ import annotations

import asyncio
import copy

from datasette import hookimpl
from datasette.facets import ColumnFacet
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
        parts.append(_sequential(one))
    results, timed_out = [], []
    for part_results, part_timed_out in await asyncio.gather(*parts):
        results += part_results
        timed_out += part_timed_out
    return results, timed_out


@hookimpl
def startup(datasette):
    """Install the concurrent facet_results (once per process, for a compatible Datasette)."""
    if __version__.startswith(COMPATIBLE) and ColumnFacet.facet_results is _sequential:
        ColumnFacet.facet_results = facet_results
