"""Datasette plugin: the Atom feed of one office, titled with the office and each entry's outlet.

`/<database>/office_feed.atom?office_id=kanim-serang` (the canned query's own .atom URL, which
this route answers before Datasette does). datasette-atom titles every feed of a canned query
with the query's title, so every office's feed was "Atom feed of one office", and it fails on
an empty feed; here the feed is named after the office, each entry after its article and outlet,
cut text ends with an ellipsis, each entry links the archived copy beside the original, an
office with no articles yet gives a valid empty feed, and an unknown office id a 404 that says
so. Built with feedgen, the library datasette-atom uses.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils.asgi import Response
from feedgen.feed import FeedGenerator
from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
ENTRIES = 50
SUMMARY_CHARS = 500

ARTICLES_SQL = """
select a.url, a.title, a.published, a.description, substr(a.text, 1, :chars + 200) as text,
  a.source, coalesce(s.name, a.source) as outlet
from articles a left join sources s on s.slug = a.source
where a.article_id in (select article_id from office_mentions where office_id = :office_id)
order by a.published desc
limit :entries"""


def cut(text: str | None, limit: int = SUMMARY_CHARS) -> str:
    """`text` up to `limit` characters, cut at a word and ended with an ellipsis when cut."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def _when(value: str | None) -> datetime:
    try:
        when = datetime.fromisoformat(value or "")
    except ValueError:
        return datetime(1970, 1, 1, tzinfo=UTC)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


async def office_feed(request, datasette):
    database = request.url_vars["database"]
    db = datasette.get_database(database)
    office_id = (request.args.get("office_id") or "").strip()
    offices = datasette.urls.table(database, "offices")
    if not office_id:
        return Response.text(f"give an office: ?office_id=kanim-serang (ids in {offices})",
                             status=400)
    office = (await db.execute("select office_id, name from offices where office_id = ?",
                               [office_id])).first()
    if office is None:
        return Response.text(f"unknown office id {office_id!r}: pick one from {offices} "
                             f"(kantor tidak dikenal)", status=404)
    rows = (await db.execute(ARTICLES_SQL, {"office_id": office_id, "entries": ENTRIES,
                                            "chars": SUMMARY_CHARS})).rows
    feed = FeedGenerator()
    feed.id(f"urn:pantau:office:{office_id}")
    feed.title(f"Pantau: {office['name']}")
    feed.subtitle(f"Berita yang menyebut {office['name']} / "
                  f"News naming {office['name']}, newest first")
    feed.link(href=request.url, rel="self")
    feed.link(href=datasette.absolute_url(
        request, datasette.urls.path(f"/{database}/-/office/{office_id}")), rel="alternate")
    feed.updated(max((_when(r["published"]) for r in rows), default=_when("1970-01-01")))
    for row in reversed(rows):  # feedgen lists the last added first
        entry = feed.add_entry()
        entry.id(row["url"])
        entry.title(f"{row['title']} ({row['outlet']})")
        entry.link(href=row["url"])
        entry.updated(_when(row["published"]))
        entry.author({"name": row["outlet"]})
        entry.content(cut(row["description"] or row["text"]), type="text")
    archive = datasette.absolute_url(request, datasette.urls.path(f"/{database}/-/archive?url="))
    return Response(with_archived_links(feed.atom_str(pretty=True), archive), status=200,
                    content_type="application/atom+xml; charset=utf-8")


def with_archived_links(atom: bytes, archive: str) -> bytes:
    """Each entry's archived copy (pantau_archive) as a second link, rel="related".

    Added to the XML feedgen wrote because feedgen 1.0 drops the attributes of an entry's
    links (its atom_entry rebinds the loop variable before reading rel and title), so a
    second entry.link() would come out as a second alternate link.
    """
    root = etree.fromstring(atom)
    for entry in root.iter(f"{{{ATOM}}}entry"):
        url = entry.findtext(f"{{{ATOM}}}id") or ""
        etree.SubElement(entry, f"{{{ATOM}}}link", href=archive + quote(url, safe=""),
                         rel="related", title="arsip / archived copy")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@hookimpl
def register_routes():
    return [(r"^/(?P<database>[^/]+)/office_feed\.atom$", office_feed)]
