"""Datasette plugin: the articles table's row count and its outlet and year facets are read
from precomputed counts, not counted over the articles' rows on every request.

The articles table page asks SQLite for the number of its rows and, for its two facets
(metadata.yml: source, year), for the rows per outlet and per year. At 1,000,000 articles,
unfiltered, each of these reads an index of a million entries (~100 ms of CPU a page); with a
search for a word in 42,735 articles each fetched every matching article's row, ~9 KB with its
text (~0.5 s of CPU a page; benchmarks/README.md, "Publishing latency at scale"). So:

- Unfiltered or filtered to a year and/or an outlet (`"year" = :p0 and "source" = :p1`, as
  Datasette writes `?year=2025&source=...`): the count and the facets are sums over the summary
  table `article_counts` (pipelines.schema.SUMMARIES: articles per year and outlet, a few
  hundred rows, recomputed at the end of every `pantau extract` run and by `pantau serve` when
  out of date). Only for a database served immutable (`pantau serve` without --live), where
  the summary was brought up to date before the server started and nothing changes after.
- Filtered by a search alone (the pantau_search plugin's clause): the count is the search
  index's own count of matches, and the facets read the outlet and year of each match from
  `articles_fts_keys` (pipelines.schema.KEYS_TABLE), a table of three numbers per article kept
  equal to `articles` by triggers, as the search index is: exact for any database.

- Filtered by a search alone for one word whose stem group is in a large share of the
  articles (`paspor`, `kepasporan`: 95% of 1,000,000; ~950,000 keys a facet, ~0.65 s, over
  Datasette's facet time limit): the count and the facets are read from `search_facets`
  (pipelines.schema.SEARCH_FACETS, computed with the summaries), only for a database served
  immutable and only while that summary covers every article and no counted article changed
  since (stale_search_facets); otherwise as above.

Only these query shapes are rewritten, matched on the whole SQL: Datasette's row count
(`select count(*) from articles ...`), Datasette's column facet on year or source, and
pantau_facets' combined count by year and outlet. Any other filter, another facet, another
table leaves the query as it was. Only for the Datasette series it was written against
(COMPATIBLE).
"""

from __future__ import annotations

import functools
import re

from datasette import hookimpl
from datasette.version import __version__

from pipelines.schema import (
    SEARCH_FACET_TERMS,
    SEARCH_FACETS,
    SEARCH_FACETS_DIRTY,
    SEARCH_FACETS_UPTO,
    STEMS_TABLE,
)
from pipelines.search import facet_term

COMPATIBLE = ("0.65.",)
SUMMARY = "article_counts"
KEYS = "articles_fts_keys"
# The page's WHERE when it is only exact filters on the summary's columns.
_CLAUSE = r'"(?:year|source)" = :p\d+'
_WHERE = rf"(?: where (?P<where>{_CLAUSE}(?: and {_CLAUSE})*))?"
# The page's WHERE when it is one search of pantau_search, in any of its plans.
_MATCH = r"(?:articles_fts|\[?\w+\]?) match :search_\d+"
_SEARCH = (rf" where (?:\+?rowid in \(select rowid from articles_fts where (?P<match>{_MATCH})\)"
           rf"|exists \(select 1 from articles_fts where (?P<probe>{_MATCH}) "
           r"and rowid = articles\.rowid\))")
# Datasette's rows of the page without order and limit (facets wrap it): its column list has
# names and quotes only (no parentheses, so no subquery or function).
_COLUMNS = r"select [\w\[\]\", ]+ from articles"
_FACET = (r"select (?P<column>year|source) as value, count\(\*\) as count from \( ?{page} ?\) "
          r"where (?P=column) is not null group by (?P=column) "
          r"order by count desc, value limit (?P<limit>\d+)")
_COMBINED = (r"select (?P<columns>year, source|source, year), count\(\*\) from \( ?{page} ?\) "
             r"group by (?P=columns) limit (?P<limit>\d+)")
COUNT = re.compile(rf"select count\(\*\) from articles{_WHERE}")
# datasette/facets.py ColumnFacet.facet_results
FACET = re.compile(_FACET.format(page=_COLUMNS + _WHERE))
# pantau_facets._counted_together, over the columns of idx_articles_year_source
COMBINED = re.compile(_COMBINED.format(page=_COLUMNS + _WHERE))
SEARCH_COUNT = re.compile(rf"select count\(\*\) from articles{_SEARCH}")
# pantau_search._plan's count of the matches.
PLAN_COUNT = re.compile(r"select count\(\*\) from \(select rowid from articles_fts "
                        r"where articles_fts match :(?P<param>search_\d+)\)")
SEARCH_FACET = re.compile(_FACET.format(page=_COLUMNS + _SEARCH))
SEARCH_COMBINED = re.compile(_COMBINED.format(page=_COLUMNS + _SEARCH))


def summary_sql(sql: str) -> tuple[str, str] | None:
    """(the table it reads, the query that gives the same answer as `sql` from it), or None
    when `sql` is not one of the shapes above."""
    text = " ".join(sql.split())
    if m := COUNT.fullmatch(text):
        where = f" where {m['where']}" if m["where"] else ""
        return SUMMARY, f"select coalesce(sum(articles), 0) from {SUMMARY}{where}"
    if m := FACET.fullmatch(text):
        column, where = m["column"], f" and {m['where']}" if m["where"] else ""
        return SUMMARY, (f"select {column} as value, sum(articles) as count from {SUMMARY} "
                         f"where {column} is not null{where} group by {column} "
                         f"order by count desc, value limit {m['limit']}")
    if m := COMBINED.fullmatch(text):
        where = f" where {m['where']}" if m["where"] else ""
        return SUMMARY, (f"select {m['columns']}, sum(articles) from {SUMMARY}{where} "
                         f"group by {m['columns']} limit {m['limit']}")
    if m := SEARCH_COUNT.fullmatch(text):
        # Every article is in the search index once, under its rowid (the index's triggers).
        return "articles_fts", f"select count(*) from articles_fts where {m['match'] or m['probe']}"
    matches = "select rowid from articles_fts where {}"
    if m := SEARCH_FACET.fullmatch(text):
        column, found = m["column"], matches.format(m["match"] or m["probe"])
        return KEYS, (f"select {column} as value, count(*) as count from {KEYS} "
                      f"where id in ({found}) and {column} is not null group by {column} "
                      f"order by count desc, value limit {m['limit']}")
    if m := SEARCH_COMBINED.fullmatch(text):
        found = matches.format(m["match"] or m["probe"])
        return KEYS, (f"select {m['columns']}, count(*) from {KEYS} where id in ({found}) "
                      f"group by {m['columns']} limit {m['limit']}")
    return None


def term_sql(sql: str, params) -> tuple[str, str] | None:
    """(the search term, the query that gives the same answer as `sql` from SEARCH_FACETS) for
    a search page's count, its outlet or year facet, or pantau_search's count of matches, when
    the search is one word (pipelines.search.facet_term); else None."""
    text = " ".join(sql.split())
    m = PLAN_COUNT.fullmatch(text) or SEARCH_COUNT.fullmatch(text) \
        or SEARCH_FACET.fullmatch(text) or SEARCH_COMBINED.fullmatch(text)
    if not m or not isinstance(params, dict):
        return None
    name = m["param"] if "param" in m.re.groupindex else \
        (m["match"] or m["probe"]).rsplit(":", 1)[1]
    query = params.get(name)
    term = facet_term(query) if isinstance(query, str) else None
    if term is None:
        return None
    where = f"term = '{term}'"  # letters only (facet_term)
    if m.re in (PLAN_COUNT, SEARCH_COUNT):
        return term, f"select matches from {SEARCH_FACET_TERMS} where {where}"
    if m.re is SEARCH_FACET:
        column = m["column"]
        return term, (f"select {column} as value, sum(articles) as count from {SEARCH_FACETS} "
                      f"where {where} and {column} is not null group by {column} "
                      f"order by count desc, value limit {m['limit']}")
    return term, (f"select {m['columns']}, sum(articles) from {SEARCH_FACETS} where {where} "
                  f"group by {m['columns']} limit {m['limit']}")


# Whether SEARCH_FACETS is absent or out of date: it must cover every article (the rowid it
# counted up to is the last), no article counted may have changed since (its triggers), and
# every article must be stemmed (then `("kepasporan" OR "paspor")` and `"paspor"` match the
# same articles).
STALE_SEARCH_FACETS = f"""
select (select cast(value as integer) from meta where key = '{SEARCH_FACETS_UPTO}')
         is not (select coalesce(max(rowid), 0) from articles)
  or exists (select 1 from {SEARCH_FACETS_DIRTY})
  or (select count(*) from {STEMS_TABLE}) != (select count(*) from articles)"""


async def stale_search_facets(execute) -> bool:
    """True when SEARCH_FACETS cannot be read: absent, or stale (STALE_SEARCH_FACETS)."""
    names = {r[0] for r in (await execute(
        "select name from sqlite_master where type = 'table' and name in (?, ?, ?, 'meta')",
        [SEARCH_FACETS, SEARCH_FACET_TERMS, SEARCH_FACETS_DIRTY])).rows}
    if len(names) < 4:
        return True
    return bool((await execute(STALE_SEARCH_FACETS)).first()[0])


def answered_from_summary(execute, immutable: bool):
    """`Database.execute` sending the shapes of summary_sql() to the table they can be read
    from, when the database has it (and, for article_counts, is immutable)."""
    has: dict[str, bool] = {}

    terms: dict[str, bool] = {}  # immutable: the file never changes, so neither do these

    @functools.wraps(execute)
    async def counted(sql, params=None, *args, **kwargs):
        if immutable and isinstance(sql, str) and (found := term_sql(sql, params)):
            term, rewritten = found
            if "" not in terms:
                terms[""] = not await stale_search_facets(execute)
            if terms[""] and term not in terms:
                terms[term] = bool((await execute(
                    f"select 1 from {SEARCH_FACET_TERMS} where term = ?", [term])).rows)
            if terms[""] and terms[term]:
                return await execute(rewritten, params, *args, **kwargs)
        found = summary_sql(sql) if isinstance(sql, str) else None
        if found is None or (found[0] == SUMMARY and not immutable):
            return await execute(sql, params, *args, **kwargs)
        table, rewritten = found
        if table not in has:
            rows = await execute("select 1 from sqlite_master where type = 'table' "
                                 "and name = ?", [table])
            has[table] = bool(rows.rows)
        return await execute(rewritten if has[table] else sql, params, *args, **kwargs)

    counted.uncounted = execute
    return counted


@hookimpl
def startup(datasette):
    if not __version__.startswith(COMPATIBLE):
        return
    for database in datasette.databases.values():
        if not database.is_memory and not hasattr(database.execute, "uncounted"):
            database.execute = answered_from_summary(  # this instance only
                database.execute, immutable=not database.is_mutable)
