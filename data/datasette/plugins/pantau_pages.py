"""Datasette plugin: Pantau's own pages and cells: the office page, evidence links.

`/<database>/-/office` lists the offices by name (no slug to know), and
`/<database>/-/office/<office_id>` shows one office as its communications staff need it: its
coverage by month (on-topic articles), the outlets that cover it, the latest articles with the
original and the archived copy, the officials quoted, its awards and events, and its Atom feed.
Each block is one indexed query; the page is a template (data/datasette/templates).

Headline tables and queries carry an `evidence` column: the path, relative to the database, of
the events (or per-country event rows) a figure is built from. It is rendered as a link under
the served database's name, so it works whatever the file is called. Article URLs get the
archived copy (pantau_archive.py) linked beside them.
"""

from __future__ import annotations

import json
import weakref
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from pantau.i18n import TYPE_LABELS, country_name, indonesian_date

EVIDENCE_COLUMN = "evidence"
EVIDENCE_TABLES = ("events?", "event_nationalities?")


# Columns whose value is an article's URL: the original link and, beside it, the archived copy
# (pantau_archive.py serves it).
URL_COLUMNS = ("url", "latest_url")


@hookimpl
def render_cell(value, column, database, datasette):
    """Evidence paths as links, article URLs with their archived copy beside them.

    One hook for both: Datasette calls render_cell for every cell of a page (4,000 on a
    headline page of 500 rows), so each implementation costs a call per cell. Markup is built
    with escape() and f-strings, not Markup.format (string.Formatter: ~70-130 µs a cell), from
    prefixes worked out once per database.
    """
    if not isinstance(value, str):
        return None
    if column == EVIDENCE_COLUMN:
        if not value.startswith(EVIDENCE_TABLES):
            return None
        return Markup(f'<a href="{_prefixes(datasette, database)[0]}/{escape(value)}">'
                      'bukti / evidence</a>')
    if column in URL_COLUMNS and value.startswith(("http://", "https://")):
        archive = _prefixes(datasette, database)[1]
        if archive is None:
            return None
        url = escape(value)
        return Markup(f'<a href="{url}">{url}</a> · <a class="pantau-archived" '
                      f'href="{escape(archive + quote(value, safe=""))}">arsip</a>')
    return None


# Per Datasette instance: {database: (its escaped path, the archived-copy link prefix or None
# when `pantau serve` configured no archive)}. Tilde-encoding the name and reading the plugin
# settings cost ~20-50 µs, once per cell before.
_database_prefixes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _prefixes(datasette, database: str) -> tuple[str, str | None]:
    known = _database_prefixes.setdefault(datasette, {})
    if database not in known:
        path = datasette.urls.database(database)
        archived = (datasette.plugin_config("pantau") or {}).get("archive_dir")
        known[database] = (str(escape(path)), f"{path}/-/archive?url=" if archived else None)
    return known[database]


# --- The office page: everything communications staff look for about one office ---------------

LATEST = 20
# pipelines.schema.INDEXES["articles"]: what the office page reads of an office's articles.
ARTICLE_FACTS_INDEX = "idx_articles_article_id_on_topic_month_source_published_date_published"
LATEST_ROWIDS = f"""select l.rowid from articles l indexed by {ARTICLE_FACTS_INDEX}
  where l.article_id in (select article_id from office_mentions where office_id = :office_id)
  order by l.published desc limit :latest"""

OFFICE_SQL = {
    "coverage": """
select a.month, count(*) as articles
from (select distinct article_id from office_mentions where office_id = :office_id) m
join articles a on a.article_id = m.article_id
where a.on_topic = 1 and a.month is not null
group by a.month order by a.month""",
    # From the index on article_id, on_topic, month, source, published_date, published
    # (pipelines.schema.INDEXES), not the articles' rows: ~7,000 rows of ~9 KB for one office
    # at 1,000,000 articles made the page ~120 ms. SQLite would take the primary key's index.
    "outlets": f"""
select a.source, coalesce(s.name, a.source) as outlet, count(*) as articles,
  max(a.published_date) as latest
from articles a indexed by {ARTICLE_FACTS_INDEX} left join sources s on s.slug = a.source
where a.article_id in (select article_id from office_mentions where office_id = :office_id)
group by a.source order by articles desc, outlet""",
    # The latest articles found in that index; only their own rows read.
    "latest": f"""
select a.article_id, a.title, a.url, a.published_date, coalesce(s.name, a.source) as outlet
from articles a left join sources s on s.slug = a.source
where a.rowid in ({LATEST_ROWIDS})
order by a.published desc""",
    "officials": """
select name, group_concat(distinct role) as roles, count(distinct article_id) as articles,
  max(published_date) as latest
from officials where office_id = :office_id
group by name order by articles desc, latest desc limit 50""",
    "awards": """
select event_id, name, giver, date, citations from events
where office_id = :office_id and type = 'award' order by date desc limit 50""",
    "events": """
select event_id, type, kind, date, period_start, period_end, value, unit, citations, outlets,
  conflict, sentence
from events where office_id = :office_id and type != 'award'
order by date desc limit :latest""",
}


async def office_picker(request, datasette):
    """`/<database>/-/office`: every office by name, grouped by kind, with its article count."""
    database = request.url_vars["database"]
    db = datasette.get_database(database)
    chosen = request.args.get("office_id")
    if chosen:
        return Response.redirect(f"{datasette.urls.database(database)}/-/office/"
                                 f"{quote(chosen, safe='')}")
    # The counts from the office_counts summary (pipelines.schema.SUMMARIES): counted per
    # request they read every office mention (~120 ms at 1,000,000 articles).
    offices = (await db.execute(
        """select o.office_id, o.name, o.kind, o.province, coalesce(c.articles, 0) as articles
           from offices o left join office_counts c on c.office_id = o.office_id
           order by o.name""")).rows
    return Response.html(await datasette.render_template(
        "pantau_office_picker.html",
        {"database": database, "offices": offices,
         "covered": [o for o in offices if o["articles"]]}, request=request))


async def office_page(request, datasette):
    """`/<database>/-/office/<office_id>`: an office's coverage, outlets, articles and events."""
    database = request.url_vars["database"]
    office_id = request.url_vars["office_id"]
    db = datasette.get_database(database)
    office = (await db.execute("select * from offices where office_id = ?", [office_id])).first()
    picker = f"{datasette.urls.database(database)}/-/office"
    if office is None:
        return Response.html(await datasette.render_template(
            "pantau_office_unknown.html", {"database": database, "office_id": office_id,
                                           "picker": picker}, request=request), status=404)
    params = {"office_id": office_id, "latest": LATEST}
    found = {name: (await db.execute(sql, params)).rows for name, sql in OFFICE_SQL.items()}
    peak = max((r["articles"] for r in found["coverage"]), default=0)
    base = datasette.urls.database(database)
    return Response.html(await datasette.render_template("pantau_office.html", {
        "database": database, "office": dict(office), "picker": picker,
        "coverage": found["coverage"], "peak": peak, "outlets": found["outlets"],
        "latest": [dict(r, date=indonesian_date(r["published_date"]),
                        row_url=datasette.urls.row(database, "articles", r["article_id"]),
                        archive_url=f"{base}/-/archive?url={quote(r['url'] or '', safe='')}")
                   for r in found["latest"]],
        "officials": found["officials"],
        "awards": [dict(r, date=indonesian_date(r["date"]),
                        url=datasette.urls.row(database, "events", r["event_id"]))
                   for r in found["awards"]],
        "events": [dict(r, label=TYPE_LABELS.get(r["type"], r["type"]),
                        date=indonesian_date(r["date"]),
                        url=datasette.urls.row(database, "events", r["event_id"]))
                   for r in found["events"]],
        "feed_url": f"{base}/office_feed.atom?office_id={quote(office_id)}",
        "coverage_csv": f"{base}/office_coverage.csv?office_id={quote(office_id)}&_bom=1",
        "articles_url": f"{base}/office_articles?office_id={quote(office_id)}",
        "row_url": datasette.urls.row(database, "offices", office_id),
    }, request=request))


@hookimpl
def register_routes():
    return [(r"^/(?P<database>[^/]+)/-/office$", office_picker),
            (r"^/(?P<database>[^/]+)/-/office/(?P<office_id>[^/]+)$", office_page)]


# --- Home page and codebook: headline numbers, a chart, the citation block --------------------

# The headline page of each type (canned queries in metadata.yml), in the home page's order;
# any other type present links to the headline table filtered to it.
HEADLINE_PAGES = {"deportation": "deportations_by_office", "arrest": "arrests",
                  "detention": "detentions", "refusal_of_entry": "refusals",
                  "passport_issued": "passports", "applicants_served": "applicants",
                  "operation": "operations", "joint_operation": "operations"}
CHART_MONTHS = 24


async def pantau_database(datasette):
    """The name of the served Pantau database (the one with `articles` and `meta`), or None."""
    for name, db in datasette.databases.items():
        if not name.startswith("_") and {"articles", "meta"} <= set(await db.table_names()):
            return name
    return None


async def citation(datasette, database: str) -> dict:
    """What a citation of the database needs: build date, article date range, versions."""
    from pantau import __version__

    db = datasette.get_database(database)
    # Each an index lookup (published_date, extracted_at): no scan of the articles.
    first = (await db.execute("select min(published_date) from articles")).first()[0]
    last = (await db.execute("select max(published_date) from articles")).first()[0]
    built, nlp = (await db.execute("select extracted_at, nlp_version from articles "
                                   "where extracted_at is not null "
                                   "order by extracted_at desc limit 1")).first() or (None, None)
    schema = (await db.execute("select value from meta where key = 'schema_version'")).first()
    return {"database": database, "built": (built or "")[:10],
            "built_id": indonesian_date(built), "first": first, "last": last,
            "first_id": indonesian_date(first), "last_id": indonesian_date(last),
            "version": __version__, "schema": schema[0] if schema else "", "nlp": nlp or "",
            "url": datasette.urls.database(database)}


async def headline(datasette, database: str) -> dict:
    """Headline numbers of the two latest years (each year its own column, never added) and
    on-topic articles per month for the chart, from the summary tables."""
    db = datasette.get_database(database)
    names = set(await db.table_names())
    if not {"headline_by_province_year", "coverage_by_month"} <= names:
        return {}
    years = [r[0] for r in (await db.execute(
        "select distinct year from headline_by_province_year where year is not null "
        "order by year desc limit 2")).rows][::-1]
    figures = {}
    for r in (await db.execute(
            "select type, year, sum(events) as events, sum(total) as total "
            "from headline_by_province_year where year in (select value from json_each(?)) "
            "group by type, year", [json.dumps(years)])).rows:
        figures.setdefault(r["type"], {})[r["year"]] = {"events": r["events"],
                                                        "total": r["total"]}
    base = datasette.urls.database(database)
    order = [*HEADLINE_PAGES, *sorted(set(figures) - set(HEADLINE_PAGES))]
    rows = [{"type": t, "label": TYPE_LABELS.get(t, t), "by_year": figures[t],
             "url": f"{base}/{HEADLINE_PAGES[t]}" if t in HEADLINE_PAGES
             else f"{base}/headline_by_office_month?type={quote(t)}"}
            for t in order if t in figures]
    months = (await db.execute(
        "select month, sum(articles) as articles from coverage_by_month "
        "group by month order by month desc limit :n", {"n": CHART_MONTHS})).rows[::-1]
    peak = max((m["articles"] for m in months), default=0)
    return {"years": years, "rows": rows, "months": months, "peak": peak,
            "csv": f"{base}/headline_by_province_year.csv?_stream=1&_bom=1",
            "chart_csv": f"{base}/coverage_by_month.csv?_stream=1&_bom=1",
            "table": f"{base}/headline_by_province_year"}


# Per Datasette instance: {(database, what): answer} for databases served --immutable, whose
# citation and headline numbers cannot change while the server runs (7 queries a home page).
_immutable_answers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def _once(datasette, database: str, compute):
    """compute(datasette, database), kept for an immutable database, fresh for a mutable one
    (`pantau serve --live`: a running extract changes them)."""
    if datasette.get_database(database).is_mutable:
        return await compute(datasette, database)
    kept = _immutable_answers.setdefault(datasette, {})
    key = (database, compute.__name__)
    if key not in kept:
        kept[key] = await compute(datasette, database)
    return kept[key]


@hookimpl
def extra_template_vars(template, datasette):
    if template not in ("index.html", "pages/codebook.html"):
        return {}

    async def inner():
        database = await pantau_database(datasette)
        if database is None:
            return {}
        found = {"citation": await _once(datasette, database, citation)}
        if template == "index.html":
            found["headline"] = await _once(datasette, database, headline)
        return found

    return inner


@hookimpl
def prepare_connection(conn):
    """negara(code): the country's Indonesian name, for the canned queries (SQLite has no
    locale data; Babel has CLDR's)."""
    conn.create_function("negara", 1, country_name, deterministic=True)
