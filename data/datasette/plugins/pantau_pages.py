"""Datasette plugin: Pantau's own pages and cells: the office page, evidence links.

`/<database>/-/office` lists the offices by name (no slug to know), and
`/<database>/-/office/<office_id>` shows one office as its communications staff need it: its
coverage by month (on-topic articles), the outlets that cover it, the latest articles with the
original and the archived copy, the officials quoted, its awards and events, and its Atom feed.
Each block is one indexed query; the page is a template (data/datasette/templates).

Headline tables and queries carry an `evidence` column: the path, relative to the database, of
the events (or per-country event rows) a figure is built from. It is rendered as a link under
the served database's name, so it works whatever the file is called.
"""

from __future__ import annotations

from urllib.parse import quote

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup

from pantau.i18n import TYPE_LABELS, indonesian_date

EVIDENCE_COLUMN = "evidence"
EVIDENCE_TABLES = ("events?", "event_nationalities?")


@hookimpl
def render_cell(value, column, database, datasette):
    if column != EVIDENCE_COLUMN or not isinstance(value, str) \
            or not value.startswith(EVIDENCE_TABLES):
        return None
    return Markup('<a href="{}/{}">bukti / evidence</a>').format(
        datasette.urls.database(database), Markup(value.replace("&", "&amp;")))


# --- The office page: everything communications staff look for about one office ---------------

LATEST = 20

OFFICE_SQL = {
    "coverage": """
select a.month, count(*) as articles
from articles a
where a.article_id in (select article_id from office_mentions where office_id = :office_id)
  and a.on_topic = 1 and a.month is not null
group by a.month order by a.month""",
    "outlets": """
select a.source, coalesce(s.name, a.source) as outlet, count(*) as articles,
  max(a.published_date) as latest
from articles a left join sources s on s.slug = a.source
where a.article_id in (select article_id from office_mentions where office_id = :office_id)
group by a.source order by articles desc, outlet""",
    "latest": """
select a.article_id, a.title, a.url, a.published_date, coalesce(s.name, a.source) as outlet
from articles a left join sources s on s.slug = a.source
where a.article_id in (select article_id from office_mentions where office_id = :office_id)
order by a.published desc limit :latest""",
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
    offices = (await db.execute(
        """select o.office_id, o.name, o.kind, o.province,
             (select count(distinct m.article_id) from office_mentions m
              where m.office_id = o.office_id) as articles
           from offices o order by o.name""")).rows
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
