"""Datasette plugin: a table's view permission rules are read from the metadata once, not on
every check.

Datasette 0.65.5 (as installed here) answers each `view-table` check with
`Datasette._table_permission_allows(database, table)`, which deep-copies the whole metadata
(every table's and column's description: ~1,000 objects) to find the table's `allow` blocks.
The home page and the database page check every table they list, ~90 checks a page, which
made those copies ~35 ms of CPU a page (benchmarks/README.md, issue 21).

Pantau's metadata comes from one file read at start (`pantau serve` writes it) and no plugin
adds metadata at run time (the `get_metadata` hook), so the rules of a table never change
while the server runs: this keeps each table's answer after the first. Installed only when
that holds, for the Datasette series it was written against (COMPATIBLE); the answers are
Datasette's own, so permissions are checked exactly as before.
"""

from __future__ import annotations

from functools import lru_cache

from datasette import hookimpl
from datasette.plugins import pm
from datasette.version import __version__

COMPATIBLE = ("0.65.",)


def cached(lookup):
    """`lookup(database, table)` remembered per (database, table), as a tuple (read-only)."""

    @lru_cache(maxsize=4096)
    def allows(database, table):
        return tuple(lookup(database, table))

    allows.uncached = lookup
    return allows


@hookimpl
def startup(datasette):
    lookup = getattr(datasette, "_table_permission_allows", None)
    if not __version__.startswith(COMPATIBLE) or lookup is None \
            or hasattr(lookup, "uncached") or pm.hook.get_metadata.get_hookimpls():
        return
    datasette._table_permission_allows = cached(lookup)  # this instance only
