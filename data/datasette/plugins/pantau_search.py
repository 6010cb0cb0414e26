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

Supports what Datasette's filter does: `_search`, `_search_COLUMN`, `_searchmode=raw` and the
table's `searchmode` metadata. A search that is not raw is read as people type it
(pipelines.search.fts_query): each word by its Sastrawi stem, as the index is stemmed, "quoted
phrases" as written, and OR between alternatives.

`/<database>/-/search?q=...` shows the same search as cards: title, outlet, date and a
snippet with the matching words highlighted, newest first.
"""

from __future__ import annotations

import sqlite3
from urllib.parse import quote

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite
from datasette.utils.asgi import BadRequest, Response
from markupsafe import Markup, escape

from pantau.i18n import indonesian_date
from pipelines.search import MIN_AFFIXED_LENGTH, WORD, fts_query, query_words, stem

PLUGIN = "pantau-search"
# Above this share of the table's rows, reading an index and testing each entry is cheaper
# than fetching every matching row by rowid: measured at 100,000 articles, 0.5% of rows
# matching is ~20x faster by rowid, 34% and 58% are ~1.2-2x faster through the index.
SCAN_ABOVE_SHARE = 0.10
# The index is also read when matches² exceeds this many times the rows: the page's rows are
# the first 50 matches in the index's order, found after ~50 * rows / matches entries, while
# by rowid every match is fetched (at 1,000,000 articles ~9 KB each). So at 1,000,000 articles
# a word in more than ~3,200 of them is read through the index (42,735 took ~0.5 s by rowid,
# 6,801 ~60 ms).
SCAN_ABOVE_SQUARE = 10
# Above this share, on a page with no other filter and the table's own order, each entry of
# the index is tested against the search one at a time (an FTS5 lookup of that rowid) instead
# of against a list of every match built first: a word in 95% of 1,000,000 articles made that
# list ~0.2 s of every query. The page's count and outlet and year facets are then counted
# from the search index itself (pantau_counts), not through this test.
PROBE_ABOVE_SHARE = 0.5
# The facets pantau_counts counts from the search index's keys table (pipelines.schema).
KEYS_COLUMNS = {"year", "source"}


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
        # The search is the page's only filter, the order the table's own (an index) and the
        # facets the outlet and year (counted apart from the rows: pantau_counts).
        alone = len(args) == 1 and not any(
            not k.startswith("_") or k == "_where"
            or k.startswith(("_filter", "_sort", "_facet_"))
            for k in request.args) and set(request.args.getlist("_facet")) <= KEYS_COLUMNS
        fts_columns = await db.table_columns(fts_table)
        clauses, params, descriptions = [], {}, []
        for i, (key, text) in enumerate(args.items()):
            column = fts_table if key == "_search" else key.split("_search_", 1)[1]
            if column != fts_table and column not in fts_columns:
                raise BadRequest("Cannot search by that column")
            query = text if mode == "raw" else fts_query(text, stemmed=column == fts_table)
            if not query:
                continue  # punctuation only: no word to look for
            subquery = (f"select rowid from {escape_sqlite(fts_table)} "
                        f"where {escape_sqlite(column)} match :search_{i}")
            plan, _ = await _plan(db, table, subquery, query, i)
            if plan == "probe" and alone and column == fts_table:
                clauses.append(f"exists ({subquery.replace('select rowid', 'select 1', 1)} "
                               f"and rowid = {escape_sqlite(table)}.rowid)")
            else:
                rowid = "rowid" if plan == "rowid" else "+rowid"
                clauses.append(f"{rowid} in ({subquery})")
            params[f"search_{i}"] = query
            descriptions.append(f'search matches "{text}"' if key == "_search"
                                else f'search column "{column}" matches "{text}"')
            context["search"] = text
        return FilterArguments(clauses, params, descriptions, context)

    return inner


async def _plan(db, table: str, subquery: str, text: str, i: int) -> tuple[str, int]:
    """How to find the matches, and how many there are. The plan is "rowid" (fetch each
    match), "scan" (read the table's index and test each entry against the list of matches)
    or "probe" (test each entry by an FTS5 lookup), by how many rows the search matches (see
    SCAN_ABOVE_SHARE, SCAN_ABOVE_SQUARE, PROBE_ABOVE_SHARE).

    Counting matches costs one FTS5 posting-list read (~3 ms for a word in half of 100,000
    articles); max(rowid) stands in for the row count, a single index step.
    """
    try:
        matches = (await db.execute(f"select count(*) from ({subquery})",
                                    {f"search_{i}": text})).first()[0]
        rows = (await db.execute(f"select max(rowid) from {escape_sqlite(table)}")).first()[0]
    except sqlite3.Error:
        return "rowid", 0  # a malformed raw query: the page's own query reports it
    rows = rows or 0
    if not matches or (matches <= SCAN_ABOVE_SHARE * rows
                       and matches * matches <= SCAN_ABOVE_SQUARE * rows):
        return "rowid", matches
    return "probe" if matches > PROBE_ABOVE_SHARE * rows else "scan", matches


# The search page: results as cards rather than a table of 25 columns.
CARDS_PER_PAGE = 20
SNIPPET_CHARS = 320


async def search_page(request, datasette):
    """`/<database>/-/search?q=...`: matching articles as cards, newest first."""
    database = request.url_vars["database"]
    db = datasette.get_database(database)
    fts_table = (datasette.plugin_config(PLUGIN, database=database, table="articles")
                 or {}).get("fts_table", "articles_fts")
    text = (request.args.get("q") or "").strip()
    try:
        offset = max(0, int(request.args.get("offset") or 0))
    except ValueError:
        raise BadRequest("offset must be a whole number") from None
    query = fts_query(text)
    cards, total = [], 0
    if query:
        fts = escape_sqlite(fts_table)
        subquery = f"select rowid from {fts} where {fts} match :search_0"
        plan, total = await _plan(db, "articles", subquery, query, 0)
        test = f"exists (select 1 from {fts} where {fts} match :search_0 and rowid = a.rowid)" \
            if plan == "probe" else \
            f"{'a.rowid' if plan == 'rowid' else '+a.rowid'} in ({subquery})"
        try:
            rows = (await db.execute(
                f"""select a.article_id, a.url, a.title, a.published_date, a.source,
                      coalesce(s.name, a.source) as outlet, a.description, a.text
                    from articles a left join sources s on s.slug = a.source
                    where {test}
                    order by a.published desc limit :limit offset :offset""",
                {"search_0": query, "limit": CARDS_PER_PAGE, "offset": offset})).rows
        except sqlite3.Error as e:
            raise BadRequest(f"search failed: {e}") from None
        words, phrases = query_words(text)
        for row in rows:
            cards.append({
                "title": row["title"], "url": row["url"], "outlet": row["outlet"],
                "source": row["source"], "date": indonesian_date(row["published_date"]),
                "iso_date": row["published_date"],
                "row_url": datasette.urls.row(database, "articles", row["article_id"]),
                "archive_url": datasette.urls.database(database) + "/-/archive?url="
                + quote(row["url"] or "", safe=""),
                "title_html": highlight(row["title"] or "", words, phrases),
                "snippet_html": snippet(row["text"] or row["description"] or "", words, phrases),
            })
    base = datasette.urls.database(database) + "/-/search?q=" + quote(text)
    return Response.html(await datasette.render_template(
        "pantau_search.html",
        {"database": database, "q": text, "cards": cards, "total": total, "offset": offset,
         "shown_from": offset + 1, "shown_to": offset + len(cards),
         "next_url": base + f"&offset={offset + CARDS_PER_PAGE}"
         if offset + CARDS_PER_PAGE < total else None,
         "prev_url": base + f"&offset={max(0, offset - CARDS_PER_PAGE)}" if offset else None,
         "table_url": datasette.urls.table(database, "articles") + "?_search=" + quote(text)},
        request=request))


def _matcher(words: list[str], phrases: list[list[str]]):
    """A test of one word of a text: is it a search word, or does it share a search word's stem?"""
    wanted = set(words) | {w for p in phrases for w in p}
    stems = {stem(w) for w in words if len(w) >= MIN_AFFIXED_LENGTH}

    def matches(word: str) -> bool:
        lower = word.lower()
        return lower in wanted or (len(lower) >= MIN_AFFIXED_LENGTH and stem(lower) in stems)

    return matches


def highlight(text: str, words: list[str], phrases: list[list[str]]) -> Markup:
    """`text`, escaped, with each matching word in <mark>."""
    matches = _matcher(words, phrases)
    out, last = [], 0
    for m in WORD.finditer(text):
        if matches(m.group()):
            out += [escape(text[last:m.start()]), Markup("<mark>"), escape(m.group()),
                    Markup("</mark>")]
            last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def snippet(text: str, words: list[str], phrases: list[list[str]],
            chars: int = SNIPPET_CHARS) -> Markup:
    """About `chars` characters of `text` around its first match, cut at words, highlighted."""
    text = " ".join(text.split())
    matches = _matcher(words, phrases)
    first = next((m.start() for m in WORD.finditer(text) if matches(m.group())), 0)
    start = max(0, first - chars // 3)
    if start:
        start = text.find(" ", start) + 1 or start
    end = min(len(text), start + chars)
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    piece = highlight(text[start:end], words, phrases)
    return (Markup("… ") if start else Markup("")) + piece + \
        (Markup(" …") if end < len(text) else Markup(""))


@hookimpl
def register_routes():
    return [(r"^/(?P<database>[^/]+)/-/search$", search_page)]
