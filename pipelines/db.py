"""The database schema: tables, keys, indexes, views, aggregates (search: pipelines/search.py)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import sqlite_utils

from pipelines.search import ensure_search_index

# Bump when the schema changes; ensure_schema() upgrades older databases in place.
SCHEMA_VERSION = 2

ARTICLE_COLUMNS = {
    "article_id": str, "url": str, "fetched_url": str, "source": str, "title": str,
    "published": str, "published_date": str, "year": int, "month": str, "author": str,
    "section": str, "language": str, "description": str, "text": str, "discovered_by": str,
    "content_hash": str, "first_seen": str, "fetched_at": str, "extracted_at": str,
    "nlp_version": str, "immigration_relevance": float, "on_topic": int, "pages": int,
    "body_hash": str,
}
EVIDENCE = {"sentence": str, "start": int, "end": int}
# table -> (columns, foreign keys); every fact row keeps its article and its evidence sentence.
FACT_TABLES = {
    "office_mentions": ({"office_id": str, "name": str, "kind": str},
                        [("office_id", "offices", "office_id")]),
    "officials": ({"name": str, "role": str, "office_id": str},
                  [("office_id", "offices", "office_id")]),
    "nationalities": ({"code": str, "country": str, "name": str, "count": int}, []),
    "counts": ({"value": int, "unit": str, "what": str, "category": str}, []),
    "awards": ({"name": str, "rank": int, "giver": str, "year": int}, []),
}
# Columns for publishing, filled by a later stage: story grouping (pipelines/stories.py).
# event_type and event_date: the article's happening, stored by pipelines/facts.py when the NLP
# Extraction provides them; pipelines/events.py prefers them to the count categories.
PUBLISH_ARTICLE_COLUMNS = {"story_id": str, "event_type": str, "event_date": str}
# Derived on every fact row by refresh_derived(), so Datasette can facet and filter a fact table
# without a join (Datasette has no date-part facet: simonw/datasette#483). office_id is the office
# the fact is attributed to: NLP's own where given, else the office named in the same sentence,
# else the first office the article names.
DERIVED_FACT_COLUMNS = {"office_id": str, "province": str, "source": str,
                        "published_date": str, "year": int, "month": str}
# Tables filled by later stages (story grouping, event merging); created now so views and
# metadata are ready. Stories group syndicated near-identical articles.
STORY_COLUMNS = {"story_id": str, "title": str, "article_id": str, "first_published": str,
                 "last_published": str, "articles": int, "outlets": int}
# Events merge the facts of articles: one happening counted once (pipelines/events.py, issue 7).
# kind is "event" (a single happening) or "period_total" (a figure for period_start..period_end);
# value is the office's own figure, else the most reported; conflict = 1 when citations differ.
# article_id, story_id and the evidence are the lead citation's.
EVENT_COLUMNS = {"event_id": str, "article_id": str, "type": str, "date": str, "value": int,
                 "office_id": str, "province": str, "year": int, "month": str, "story_id": str,
                 "kind": str, "period_start": str, "period_end": str, "unit": str,
                 "values_reported": str, "conflict": int, "name": str, "giver": str,
                 "citations": int, "outlets": int, **EVIDENCE}
# One row per (event, article that reports it); role: press_release, reprint or independent.
# date is the day the article gives the happening (its NLP event date, else its publication).
EVENT_CITATION_COLUMNS = {"citation_id": str, "event_id": str, "article_id": str, "source": str,
                          "url": str, "published_date": str, "role": str, "value": int,
                          "story_id": str, "date": str, **EVIDENCE}
# Per-country numbers of an event, each person counted once however many articles report it.
EVENT_NATIONALITY_COLUMNS = {"row_id": str, "event_id": str, "code": str, "country": str,
                             "count": int, "conflict": int, "year": int, "type": str, "kind": str,
                             "office_id": str}
# Facet and join columns that get an index, per table.
INDEXES = {
    "articles": [["source"], ["published_date"], ["published"], ["year"], ["month"],
                 ["month", "source"], ["extracted_at"], ["section"], ["story_id"], ["language"],
                 ["on_topic"],
                 # A year's or an outlet's articles, newest first (the table's sort), and the
                 # outlet facet within a year: at 1,000,000 articles, without them the page
                 # sorts or groups every article of the year (benchmarks/README.md).
                 ["year", "published"], ["year", "source"], ["source", "published"],
                 # an identical body already stored for the source (pipelines/store.py)
                 ["source", "body_hash"]],
    "offices": [["province"], ["kind"], ["class"]],
    "stories": [["article_id"], ["outlets"], ["last_published"]],
    # date and story_id: the events a new article may join (pipelines/events.py update_events).
    "event_citations": [["event_id"], ["article_id"], ["source"], ["role"], ["date"],
                        ["story_id"]],
    "event_nationalities": [["event_id"], ["type", "kind", "year", "code"], ["office_id"]],
    "events": [["kind", "type", "office_id", "year"], ["conflict"],
               ["article_id"], ["type"], ["office_id"], ["province"], ["date"], ["year"],
               ["month"], ["story_id"]],
}
# Every fact table is faceted by these, on top of its own columns below.
FACT_INDEXES = [["article_id"], ["office_id", "published_date"], ["province"], ["source"],
                ["year"], ["month"]]
# The longer ones cover the analysts' views (benchmarks/README.md): at 100,000 articles they
# turn a scan of the fact table into a scan of the index.
FACT_OWN_INDEXES = {
    "office_mentions": [["kind"], ["office_id", "article_id"]],
    "officials": [],
    "nationalities": [["code", "country", "article_id", "count"],
                      ["year", "code", "country", "article_id", "count"], ["country"]],
    "counts": [["category", "article_id"], ["category", "published_date"], ["category", "year"],
               ["category", "month"], ["category", "province"],
               ["category", "office_id", "year", "article_id", "value"],
               ["category", "office_id", "month", "article_id", "value"], ["unit"]],
    "awards": [["giver"]],
}

OFFICE_COLUMNS = {
    "office_id": str, "name": str, "kind": str, "class": str, "place": str, "province": str,
    "aliases": str, "website": str, "latitude": float, "longitude": float, "confidence": str,
}


class DatabaseError(Exception):
    """The database file cannot be opened, read or written."""


def open_db(path: str | Path, create: bool = True) -> sqlite_utils.Database:
    """Open the database at `path` with the current schema.

    Args:
        path: the SQLite file.
        create: create the file when missing; with False a missing file raises DatabaseError.

    Returns:
        A sqlite_utils.Database in WAL mode, so readers (Datasette) and one writer coexist.
    """
    path = Path(path)
    if not create and not path.exists():
        raise DatabaseError(f"database not found: {path} "
                            "(run `pantau crawl` or `pantau demo` first)")
    if create and not path.parent.exists():
        raise DatabaseError(f"folder does not exist: {path.parent}")
    # SQLite's own message for these is "unable to open database file": say what is wrong.
    target = path if path.exists() else path.parent
    if not os.access(target, os.W_OK):
        raise DatabaseError(f"{target} is read-only (a read-only disk or file permissions); "
                            "Pantau writes the database: choose a writable --db")
    try:
        db = sqlite_utils.Database(path)
        db.enable_wal()
        ensure_schema(db)
    except sqlite3.DatabaseError as e:
        raise DatabaseError(f"cannot use database {path}: {e}") from None
    return db


def open_readonly(path: str | Path) -> sqlite_utils.Database:
    """Open an existing database for reading only (exports); never changes the file.

    Raises:
        DatabaseError: the file is missing or not a database.
    """
    path = Path(path)
    if not path.exists():
        raise DatabaseError(f"database not found: {path} "
                            "(run `pantau crawl` or `pantau demo` first)")
    try:
        db = sqlite_utils.Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
        db.table_names()  # fails here, not mid-export, on a file that is not SQLite
    except sqlite3.DatabaseError as e:
        raise DatabaseError(f"cannot use database {path}: {e}") from None
    return db


def _table(db, name: str, columns: dict, pk: str, foreign_keys=()) -> list[str]:
    """Create a table, or add the columns an older schema lacks (upgrade in place).

    Returns:
        The columns added to an existing table (empty for a new or complete table).
    """
    table = db[name]
    if not table.exists():
        table.create(columns, pk=pk, foreign_keys=list(foreign_keys))
        return []
    fks = {column: (other, other_column) for column, other, other_column in foreign_keys}
    added = []
    for column, kind in columns.items():
        if column not in table.columns_dict:
            other, other_column = fks.get(column, (None, None))
            table.add_column(column, kind, fk=other, fk_col=other_column)
            added.append(column)
    return added


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create missing tables, columns, indexes, FTS and views; safe to run on every open."""
    stale = False  # derived fact columns were just added to a table holding rows
    with db.conn:
        _table(db, "sources", {"slug": str, "name": str, "kind": str, "region": str,
                               "url_prefix": str, "start_urls": str}, pk="slug")
        _table(db, "offices", OFFICE_COLUMNS, pk="office_id")
        # stories.article_id (the representative article) has no foreign key: articles refers
        # to stories, and SQLite needs the referred table first.
        _table(db, "stories", STORY_COLUMNS, pk="story_id")
        _table(db, "articles", {**ARTICLE_COLUMNS, **PUBLISH_ARTICLE_COLUMNS}, pk="article_id",
               foreign_keys=[("source", "sources", "slug"), ("story_id", "stories", "story_id")])
        _table(db, "events", EVENT_COLUMNS, pk="event_id",
               foreign_keys=[("article_id", "articles", "article_id"),
                             ("office_id", "offices", "office_id"),
                             ("story_id", "stories", "story_id")])
        _table(db, "event_citations", EVENT_CITATION_COLUMNS, pk="citation_id",
               foreign_keys=[("event_id", "events", "event_id"),
                             ("article_id", "articles", "article_id"),
                             ("source", "sources", "slug")])
        _table(db, "event_nationalities", EVENT_NATIONALITY_COLUMNS, pk="row_id",
               foreign_keys=[("event_id", "events", "event_id"),
                             ("office_id", "offices", "office_id")])
        # A second URL of an article its source published twice with the same body
        # (WordPress "-2" slugs): stored once, the other URL kept here (pipelines/store.py).
        _table(db, "article_aliases", {"url": str, "article_id": str, "source": str,
                                       "fetched_at": str}, pk="url",
               foreign_keys=[("article_id", "articles", "article_id")])
        # Articles whose events the next update_events recomputes (pipelines/events.py).
        _table(db, "event_pending", {"article_id": str}, pk="article_id")
        for table, (columns, fks) in FACT_TABLES.items():
            fks = [("article_id", "articles", "article_id"), *fks]
            if not any(fk[0] == "office_id" for fk in fks):
                fks.append(("office_id", "offices", "office_id"))
            added = _table(db, table, {"fact_id": str, "article_id": str, **columns,
                                       **DERIVED_FACT_COLUMNS, **EVIDENCE},
                           pk="fact_id", foreign_keys=fks)
            stale = stale or bool(set(added) & set(DERIVED_FACT_COLUMNS))
            for columns in [*FACT_INDEXES, *FACT_OWN_INDEXES[table]]:
                db[table].create_index(columns, if_not_exists=True)
        for table, indexes in INDEXES.items():
            for columns in indexes:
                db[table].create_index(columns, if_not_exists=True)
        _table(db, "meta", {"key": str, "value": str}, pk="key")
        # One row per crawl and source: what it found, how well it extracted (pipelines/health.py).
        _table(db, "source_health", {
            "crawl_id": str, "source": str, "pages": int, "errors": int, "articles_found": int,
            "new": int, "updated": int, "unchanged": int, "known": int, "bodies_checked": int,
            "short_bodies": int, "missing_dates": int, "status": str, "reason": str},
            pk=("crawl_id", "source"), foreign_keys=[("source", "sources", "slug")])
        # Write only on a change: a database served --immutable must not be touched by readers.
        version = str(SCHEMA_VERSION)
        if not db["meta"].count_where("key = 'schema_version' and value = ?", [version]):
            db["meta"].upsert({"key": "schema_version", "value": str(SCHEMA_VERSION)}, pk="key")
    ensure_search_index(db)  # words and their stems (pipelines/search.py)
    if stale:
        refresh_derived(db)
    with db.conn:
        for name, sql in VIEWS.items():
            current = db[name].schema if name in db.view_names() else ""
            if current.partition(" AS ")[2] != sql:
                db.create_view(name, sql, replace=True)
    ensure_summaries(db)


# Fact tables whose office_id is attributed here rather than given by NLP.
ATTRIBUTED = ("nationalities", "counts", "awards")

# The views Datasette shows beside the tables: analysts' aggregates, the map and the charts.
VIEWS = {
    # One point per office on the map (datasette-cluster-map), with its article count and
    # latest story.
    "office_map": """
select o.office_id, o.name, o.kind, o.province, o.latitude, o.longitude,
  coalesce(c.articles, 0) as articles,
  a.title as latest_title, a.published_date as latest_published, a.url as latest_url,
  json_object('title', o.name, 'link', 'office_coverage?office_id=' || o.office_id,
    'description', coalesce(c.articles, 0) || ' articles' ||
      coalesce('. Latest: ' || a.published_date || ' ' || a.title, '')) as popup
from offices o
left join (select office_id, count(distinct article_id) as articles
           from office_mentions group by office_id) c on c.office_id = o.office_id
left join articles a on a.article_id = (
  select m.article_id from office_mentions m where m.office_id = o.office_id
  order by m.office_id, m.published_date desc limit 1)
where o.latitude is not null and o.longitude is not null""",
    # Coverage over time: the chart of articles per outlet per month.
    "coverage_by_month": """
select month, source, count(*) as articles
from articles where month is not null
group by month, source""",
    # Over events (issue 7): each happening once, however many articles report it. Period
    # totals ("sepanjang 2025 ... 87 WNA") are left out: they overlap the happenings they sum.
    "event_deportations_by_nationality": """
select n.year, n.code, n.country, count(distinct n.event_id) as events, sum(n.count) as people,
  max(n.conflict) as conflict
from event_nationalities n
where n.type = 'deportation' and n.kind = 'event'
group by n.year, n.code""",
    "event_totals_by_office": """
select e.type, e.office_id, o.name as office, o.province, e.year, count(*) as events,
  sum(e.value) as total, sum(e.citations) as citations, max(e.conflict) as conflict
from events e left join offices o on o.office_id = e.office_id
where e.kind = 'event' and e.type != 'award'
group by e.type, e.office_id, e.year""",
    "event_awards_by_office": """
select e.office_id, o.name as office, o.province, e.year, count(*) as awards,
  group_concat(e.name, '; ') as names, sum(e.citations) as citations
from events e left join offices o on o.office_id = e.office_id
where e.type = 'award'
group by e.office_id, e.year""",
    # Period totals are listed, never summed: two of them may cover the same months.
    "event_period_totals": """
select e.event_id, e.type, e.office_id, o.name as office, e.period_start, e.period_end,
  e.value, e.unit, e.values_reported, e.conflict, e.citations, e.outlets
from events e left join offices o on o.office_id = e.office_id
where e.kind = 'period_total'""",
    # Over citations: how far each happening travelled.
    "event_coverage_by_office": """
select e.office_id, o.name as office, o.province, e.year, count(distinct e.event_id) as events,
  count(*) as citations, count(distinct c.source) as outlets,
  sum(c.role = 'press_release') as press_releases, sum(c.role = 'reprint') as reprints,
  sum(c.role = 'independent') as independent
from event_citations c join events e on e.event_id = c.event_id
left join offices o on o.office_id = e.office_id
group by e.office_id, e.year""",
    "event_outlets": """
select e.event_id, e.type, e.kind, e.office_id, e.date, e.value, e.conflict,
  count(*) as citations, count(distinct c.source) as outlets,
  sum(c.role = 'press_release') as press_releases, sum(c.role = 'reprint') as reprints,
  sum(c.role = 'independent') as independent, group_concat(c.source, ', ') as sources
from events e join event_citations c on c.event_id = e.event_id
group by e.event_id""",
}


# The analysts' aggregates, kept as tables and not views: Datasette runs a view's query once for
# the rows of a page, once to count them and once per facet, 0.3-1.7 s each at 100,000 articles
# (benchmarks/README.md). The SQL is their definition; refresh_summaries() fills the tables from
# it at the end of every `pantau extract` run, and `pantau serve` refreshes them when stale.
SUMMARIES = {
    "top_nationalities": """
select code, country, count(distinct article_id) as articles, sum(count) as people
from nationalities group by code""",
    # people: the per-country numbers the articles give (an undercount where they give none).
    "deportations_by_nationality": """
select n.year, n.code, n.country, count(distinct n.article_id) as articles,
  sum(n.count) as people
from nationalities n
where n.article_id in (select article_id from counts where category = 'deportation')
group by n.year, n.code""",
    "arrests_by_office": """
select c.office_id, o.name as office, o.province, c.year,
  count(distinct c.article_id) as articles, sum(c.value) as people
from counts c left join offices o on o.office_id = c.office_id
where c.category = 'arrest'
group by c.office_id, c.year""",
    "passports_by_office": """
select c.office_id, o.name as office, o.province, c.month,
  count(distinct c.article_id) as articles, sum(c.value) as passports
from counts c left join offices o on o.office_id = c.office_id
where c.category = 'passport_issued'
group by c.office_id, c.month""",
}
# Copies of the aggregates made by earlier versions at server start; dropped on upgrade.
LEGACY_SUMMARY_TABLES = ("summary_deportations", "summary_nationalities", "summary_arrests",
                         "summary_passports")
# Whatever the aggregates read: when none of it changed since the last refresh, serving skips
# it. Every fact write stamps articles.extracted_at and gives new rows new rowids.
SUMMARY_INPUTS_SQL = """
select (select max(extracted_at) from articles),
  (select count(*) || ':' || max(rowid) from nationalities),
  (select count(*) || ':' || max(rowid) from counts),
  (select group_concat(office_id || '|' || coalesce(name, '') || '|' || coalesce(province, ''))
   from (select * from offices order by office_id))"""


def ensure_summaries(db) -> None:
    """Create the SUMMARIES tables where missing, out of date in shape, or still views; fill
    any it created. Writes nothing when all are in place (an --immutable file stays as is)."""
    created = []
    with db.conn:
        for name in LEGACY_SUMMARY_TABLES:
            if db[name].exists():
                db[name].drop()
        views = set(db.view_names())
        for name, sql in SUMMARIES.items():
            if name in views:
                db.execute(f"drop view [{name}]")
            wanted = [c[0] for c in db.execute(f"select * from ({sql}) limit 0").description]
            if db[name].exists() and [c.name for c in db[name].columns] == wanted:
                continue
            db.execute(f"drop table if exists [{name}]")
            db.execute(f"create table [{name}] as select * from ({sql}) where 0")
            created.append(name)
    if created:
        refresh_summaries(db)


def _summary_inputs(db) -> str:
    """A fingerprint of the rows the summaries are computed from, and of their SQL."""
    inputs = db.execute(SUMMARY_INPUTS_SQL).fetchone()
    definition = hashlib.sha1(repr(sorted(SUMMARIES.items())).encode()).hexdigest()
    return "\x1f".join(map(str, [*inputs, definition]))


def refresh_summaries(db) -> None:
    """Recompute every SUMMARIES table from its SQL, in one transaction.

    Rows are replaced (delete, insert), never the tables: a `pantau serve --live` reader sees
    the old rows or the new ones, and no schema change. Records the inputs it read in `meta`.
    """
    with db.conn:
        for name, sql in SUMMARIES.items():
            db.execute(f"delete from [{name}]")
            db.execute(f"insert into [{name}] select * from ({sql})")
        db.execute("insert into meta(key, value) values ('summary_inputs', ?) "
                   "on conflict(key) do update set value = excluded.value", [_summary_inputs(db)])


def refresh_summaries_if_stale(db) -> bool:
    """refresh_summaries() unless nothing they read changed since the last one.

    Returns:
        True when the tables were recomputed.
    """
    recorded = db.execute("select value from meta where key = 'summary_inputs'").fetchone()
    if recorded and recorded[0] == _summary_inputs(db):
        return False
    refresh_summaries(db)
    return True


def refresh_derived(db, article_ids: str | list[str] | None = None) -> None:
    """Fill the derived columns of the fact tables (see DERIVED_FACT_COLUMNS).

    One UPDATE per fact table: the extract stage calls this once per batch of articles, inside
    its transaction, so a statement per column per article would cost more than the facts.

    Args:
        db: an open database with the current schema.
        article_ids: refresh only these articles' facts (one id or a list); None refreshes
            every fact row.
    """
    import json  # imported here: only this function of the module needs it

    if isinstance(article_ids, str):
        article_ids = [article_ids]
    if article_ids is not None and not article_ids:
        return
    for table in facts_table_names():
        # The ids travel as one JSON array: no limit on the number of ? parameters.
        where, params = ("where f.article_id in (select value from json_each(?))",
                         [json.dumps(list(article_ids))]) if article_ids is not None else ("", [])
        # Attributed tables: NLP's office where given, else the office named in the same
        # sentence, else the first office the article names. SQLite cannot order a correlated
        # subquery by an outer column: two lookups.
        office = """coalesce(f.office_id,
              (select m.office_id from office_mentions m
               where m.article_id = f.article_id and m.office_id is not null
                 and m.sentence = f.sentence order by m.start limit 1),
              (select m.office_id from office_mentions m
               where m.article_id = f.article_id and m.office_id is not null
               order by m.start limit 1))""" if table in ATTRIBUTED else "f.office_id"
        # The new office_id is computed in the FROM subquery, so province follows it in the
        # same statement (SET expressions only see the old row).
        db.execute(f"""update {table} set source = d.source, published_date = d.published_date,
                         year = d.year, month = d.month, office_id = d.office_id,
                         province = coalesce(o.province, {table}.province)
                       from (select f.fact_id, a.source, a.published_date, a.year, a.month,
                                    {office} as office_id
                             from {table} f join articles a on a.article_id = f.article_id
                             {where}) d
                       left join offices o on o.office_id = d.office_id
                       where {table}.fact_id = d.fact_id""", params)


def known_article_urls(db) -> list[str]:
    """Every URL an stored article was fetched from or is canonically known by."""
    urls = []
    for row in db.query("select url, fetched_url from articles"):
        urls.extend(u for u in (row["url"], row["fetched_url"]) if u)
    if "article_aliases" in db.table_names():
        urls.extend(row["url"] for row in db.query("select url from article_aliases"))
    return urls


def checkpoint(db) -> None:
    """Copy the write-ahead log into the database file and empty it (before serving immutable)."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def facts_table_names() -> tuple[str, ...]:
    """Names of the per-article fact tables, in a stable order."""
    return tuple(FACT_TABLES)
