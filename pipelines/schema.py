"""The database schema: every table, index, trigger and view, and the schema's version.

The one module that writes DDL (tests/test_architecture.py checks): the stages call the
functions here to create what they need, and write only rows. pipelines/db.py opens a database
and brings it to this schema (db.ensure_schema), filling what an upgrade leaves empty.

Longer than 400 lines on purpose: it is one thing, the schema, and most of it is the SQL of the
views, aggregates and search triggers, which read best beside the tables they use.
"""

from __future__ import annotations

import sqlite_utils

# Bump when the schema changes; pipelines.db.ensure_schema() upgrades older databases in place.
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
                 ["source", "body_hash"],
                 # What story grouping reads of every article (pipelines/stories.py): from this
                 # index, not from the rows with their texts (4 GB at 1,000,000 articles).
                 ["article_id", "content_hash", "story_id"],
                 # The articles `pantau extract` has to do (pipelines/extract.py pending_ids),
                 # found without reading the rows.
                 ["nlp_version", "extracted_at", "article_id"],
                 # What the story_groups summary and top_stories read of every article in a
                 # story, without the rows (issue 21: 2 s a request at 1,000,000 articles).
                 ["story_id", "published_date", "source", "on_topic", "article_id"],
                 # What the office page and office_articles read of an office's articles
                 # (month, outlet, date, order) from the index, not the rows (~7,000 rows of
                 # ~9 KB for one office at 1,000,000 articles: ~120 ms a page).
                 ["article_id", "on_topic", "month", "source", "published_date", "published"],
                 # coverage_by_month from the index alone (2-6 s of every extract run at
                 # 1,000,000 articles through the on_topic index and the rows).
                 ["month", "source", "on_topic"]],
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
    # office_id, month, source: the office_coverage query from the index alone (issue 21: at
    # 1,000,000 articles ~7,000 fact rows read for one office, ~70 ms a request).
    "office_mentions": [["kind"], ["office_id", "article_id"],
                        ["office_id", "month", "source", "article_id"]],
    # The office page's officials from the index alone (issue 21).
    "officials": [["office_id", "name", "role", "article_id", "published_date"]],
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


# Fact tables whose office_id is attributed (pipelines/db.py refresh_derived) rather than given
# by NLP.
ATTRIBUTED = ("nationalities", "counts", "awards")

# The views Datasette shows beside the tables: analysts' aggregates, the map and the charts.
VIEWS = {
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
    # Coverage counts on-topic articles only (a flood or football story naming a town is not
    # immigration coverage); nationalities come from the NLP stage, which reads only those.
    "coverage_by_month": """
select month, source, count(*) as articles
from articles where month is not null and +on_topic = 1
group by month, source""",
    "top_nationalities": """
select n.code, n.country, count(distinct n.article_id) as articles
from nationalities n group by n.code""",
    # One point per office on the map (datasette-cluster-map), with its article count and
    # latest story: a table since issue 21 (as a view, each map request counted every office's
    # articles again: ~40 ms of CPU at 100,000 articles, the heaviest page under load).
    "office_map": """
select o.office_id, o.name, o.kind, o.province, o.latitude, o.longitude,
  coalesce(c.articles, 0) as articles,
  a.title as latest_title, a.published_date as latest_published, a.url as latest_url,
  json_object('title', o.name, 'link', '-/office/' || o.office_id,
    'description', coalesce(c.articles, 0) || ' articles' ||
      coalesce('. Latest: ' || a.published_date || ' ' || a.title, '')) as popup
from offices o
left join (select office_id, count(distinct article_id) as articles
           from office_mentions group by office_id) c on c.office_id = o.office_id
left join articles a on a.article_id = (
  select m.article_id from office_mentions m where m.office_id = o.office_id
  order by m.office_id, m.published_date desc limit 1)
where o.latitude is not null and o.longitude is not null""",
    # Headline figures (issue 18) are built on events: one happening counted once, its figure
    # taken once (events.value, never a sum over the articles reporting it), single happenings
    # only (kind = 'event'; period totals such as "sepanjang 2025" overlap the happenings they
    # sum and are listed in event_period_totals, never added). Every row is one type, so no row
    # adds figures of different kinds, and one office and month or year, so none adds periods.
    # `evidence` is the events page behind the row (each event: its evidence sentence, its lead
    # article, and in event_citations every article reporting it).
    "headline_by_office_month": """
select e.type, e.office_id, o.name as office, e.province, e.year, e.month,
  count(*) as events, sum(e.value) as total, sum(e.value is null) as without_figure,
  sum(e.citations) as citations, max(e.conflict) as conflict,
  'events?kind=event&type=' || e.type ||
    coalesce('&office_id=' || e.office_id, '&office_id__isnull=1') ||
    coalesce('&month=' || e.month, '&month__isnull=1') as evidence
from events e left join offices o on o.office_id = e.office_id
where e.kind = 'event' and e.type != 'award'
group by e.type, e.office_id, e.month""",
    "headline_by_province_year": """
select e.type, e.province, e.year, count(*) as events, sum(e.value) as total,
  sum(e.value is null) as without_figure, sum(e.citations) as citations,
  max(e.conflict) as conflict,
  'events?kind=event&type=' || e.type ||
    coalesce('&province=' || e.province, '&province__isnull=1') ||
    coalesce('&year=' || e.year, '&year__isnull=1') as evidence
from events e
where e.kind = 'event' and e.type != 'award'
group by e.type, e.province, e.year""",
    # People deported per nationality: the per-country numbers of deportation events, so a
    # nationality named in a deportation article for another reason (detainees of the same
    # Rudenim, refused entries) is not counted as deported.
    "deportations_by_nationality": """
select n.year, n.code, n.country, count(distinct n.event_id) as events, sum(n.count) as people,
  max(n.conflict) as conflict,
  'event_nationalities?kind=event&type=deportation&code=' || n.code ||
    coalesce('&year=' || n.year, '&year__isnull=1') as evidence
from event_nationalities n
where n.type = 'deportation' and n.kind = 'event'
group by n.year, n.code""",
    "arrests_by_office": """
select e.office_id, o.name as office, e.province, e.year, count(*) as events,
  sum(e.value) as people, sum(e.citations) as citations, max(e.conflict) as conflict,
  'events?kind=event&type=arrest' || coalesce('&office_id=' || e.office_id,
    '&office_id__isnull=1') || coalesce('&year=' || e.year, '&year__isnull=1') as evidence
from events e left join offices o on o.office_id = e.office_id
where e.type = 'arrest' and e.kind = 'event'
group by e.office_id, e.year""",
    "passports_by_office": """
select e.office_id, o.name as office, e.province, e.month, count(*) as events,
  sum(e.value) as passports, sum(e.citations) as citations, max(e.conflict) as conflict,
  'events?kind=event&type=passport_issued' || coalesce('&office_id=' || e.office_id,
    '&office_id__isnull=1') || coalesce('&month=' || e.month, '&month__isnull=1') as evidence
from events e left join offices o on o.office_id = e.office_id
where e.type = 'passport_issued' and e.kind = 'event'
group by e.office_id, e.month""",
}
# Counts a page reads of a large share of a million articles, computed here once per extract
# run instead of on every request (issue 21; data/datasette/plugins/pantau_counts.py):
# - the articles table's row count and its outlet and year facets, unfiltered or filtered by
#   year and outlet, are sums over article_counts;
# - top_stories ranks story_groups (one row per story of dated on-topic articles, and per
#   dated on-topic article not grouped into a story) and recounts from the articles only the
#   stories that began before its date and went on after it.
SUMMARIES.update({
    # Articles naming each office, for the office picker (which counted them all per request).
    "office_counts": """
select office_id, count(distinct article_id) as articles from office_mentions group by office_id""",
    "article_counts": """
select year, source, count(*) as articles from articles group by year, source""",
    # Two parts, so that the stories are grouped in the order of the index on story_id,
    # published_date, source, on_topic, article_id, and read from it alone (+on_topic: not
    # through the on_topic index and the rows, 3.6 s at 1,000,000 articles instead of 1.4).
    "story_groups": """
select story_id as story_key, story_id, count(distinct source) as outlets, count(*) as articles,
  min(published_date) as first_published, max(published_date) as last_published
from articles where story_id is not null and published_date is not null and +on_topic = 1
group by story_id
union all
select article_id, null, source is not null, 1, published_date, published_date
from articles where story_id is null and published_date is not null and +on_topic = 1""",
})
# Indexes of the summary tables the headline pages filter and sort (`where type = ...
# order by month desc`): at 100,000 articles headline_by_office_month holds ~100,000 rows.
SUMMARY_INDEXES = {
    "headline_by_office_month": [["type", "month"], ["office_id", "type", "month"]],
    "headline_by_province_year": [["type", "year"]],
    # The passports and arrests pages' order (latest first, largest first), read from the
    # index and stopped after 500 rows instead of sorting ~16,000 (issue 21).
    "passports_by_office": [["month", "passports"]],
    "arrests_by_office": [["year", "people"]],
    # top_stories: the groups by rank, read in order and stopped after 100; the groups that
    # began before a date and went on after it.
    "story_groups": [["outlets", "articles", "last_published", "story_key", "first_published",
                      "story_id"], ["last_published", "first_published", "story_id"],
                     ["story_key"]],  # the groups to recompute (pipelines.db)
}
# story_groups is brought up to date group by group (pipelines.db.refresh_summaries): rebuilt
# whole it took 4-8 s of every daily update at 1,000,000 articles. Triggers on `articles` (any
# connection's writes) note each group whose articles changed; "*" (written when the table is
# created) asks for a whole rebuild.
STORY_GROUPS_PENDING = "story_groups_pending"
STORY_GROUPS_PENDING_SQL = f"""create table {STORY_GROUPS_PENDING} (
    story_key text primary key) without rowid"""
_NOTE_GROUP = (f"insert or ignore into {STORY_GROUPS_PENDING}(story_key) "
               "values (coalesce({row}.story_id, {row}.article_id));")
STORY_GROUPS_TRIGGERS_SQL = f"""
create trigger story_groups_ai after insert on articles begin
    {_NOTE_GROUP.format(row="new")}
end;
create trigger story_groups_ad after delete on articles begin
    {_NOTE_GROUP.format(row="old")}
end;
create trigger story_groups_au
after update of story_id, published_date, source, on_topic, article_id on articles
when old.story_id is not new.story_id or old.published_date is not new.published_date
  or old.source is not new.source or old.on_topic is not new.on_topic
  or old.article_id is not new.article_id begin
    {_NOTE_GROUP.format(row="old")}
    {_NOTE_GROUP.format(row="new")}
end;
"""
STORY_GROUPS_TRIGGERS = ("story_groups_ai", "story_groups_ad", "story_groups_au")
# The story_groups rows of the noted groups only (the SUMMARIES definition, restricted).
STORY_GROUPS_OF_PENDING = f"""
select story_id as story_key, story_id, count(distinct source) as outlets, count(*) as articles,
  min(published_date) as first_published, max(published_date) as last_published
from articles where story_id in (select story_key from {STORY_GROUPS_PENDING})
  and published_date is not null and +on_topic = 1
group by story_id
union all
select article_id, null, source is not null, 1, published_date, published_date
from articles where article_id in (select story_key from {STORY_GROUPS_PENDING})
  and story_id is null and published_date is not null and +on_topic = 1"""
# Above this share of the groups noted, story_groups is rebuilt whole (a bulk load).
STORY_GROUPS_REBUILD_SHARE = 0.05

# Copies of the aggregates made by earlier versions at server start; dropped on upgrade.
LEGACY_SUMMARY_TABLES = ("summary_deportations", "summary_nationalities", "summary_arrests",
                         "summary_passports")

# --- The full-text index (pipelines/search.py fills it) --------------------------------------
SEARCH_TABLE = "articles_fts"
STEMS_TABLE = "articles_fts_stems"
SEARCH_COLUMNS = ["title", "text", "stems"]
# Earlier search indexes, dropped on upgrade with their triggers on articles: the trigram
# index, and sqlite-utils' word index (whose update trigger re-indexed an article's text on
# every update of any column, e.g. each extracted_at stamp).
LEGACY_SEARCH_TRIGGERS = ("articles_trigram_ai", "articles_trigram_ad", "articles_trigram_au",
                          "articles_ai", "articles_ad", "articles_au")
LEGACY_SEARCH_TABLES = ("articles_trigram",)

_STEMS_OF = f"(select stems from {STEMS_TABLE} where article_id = {{row}}.article_id)"
SEARCH_SQL = f"""
create virtual table {SEARCH_TABLE} using fts5(
    title, text, stems, content='', tokenize='unicode61');
create table {STEMS_TABLE} (article_id text primary key, stems text) without rowid;
"""
# A contentless FTS5 table forgets a row only when given the exact values it indexed, so each
# trigger passes the old title, text and stems; an update of an article's title or text
# keeps its stems until store_article writes new ones (the stems trigger re-indexes then).
SEARCH_TRIGGERS_SQL = f"""
create trigger {SEARCH_TABLE}_ai after insert on articles begin
    insert into {SEARCH_TABLE}(rowid, title, text, stems)
    values (new.rowid, new.title, new.text, {_STEMS_OF.format(row="new")});
end;
create trigger {SEARCH_TABLE}_ad after delete on articles begin
    insert into {SEARCH_TABLE}({SEARCH_TABLE}, rowid, title, text, stems)
    values ('delete', old.rowid, old.title, old.text, {_STEMS_OF.format(row="old")});
    delete from {STEMS_TABLE} where article_id = old.article_id;
end;
create trigger {SEARCH_TABLE}_au after update of title, text on articles
when old.title is not new.title or old.text is not new.text begin
    insert into {SEARCH_TABLE}({SEARCH_TABLE}, rowid, title, text, stems)
    values ('delete', old.rowid, old.title, old.text, {_STEMS_OF.format(row="old")});
    insert into {SEARCH_TABLE}(rowid, title, text, stems)
    values (new.rowid, new.title, new.text, {_STEMS_OF.format(row="new")});
end;
create trigger {STEMS_TABLE}_ai after insert on {STEMS_TABLE} begin
    insert into {SEARCH_TABLE}({SEARCH_TABLE}, rowid, title, text, stems)
    select 'delete', rowid, title, text, null from articles where article_id = new.article_id;
    insert into {SEARCH_TABLE}(rowid, title, text, stems)
    select rowid, title, text, new.stems from articles where article_id = new.article_id;
end;
create trigger {STEMS_TABLE}_au after update of stems on {STEMS_TABLE} begin
    insert into {SEARCH_TABLE}({SEARCH_TABLE}, rowid, title, text, stems)
    select 'delete', rowid, title, text, old.stems from articles
    where article_id = old.article_id;
    insert into {SEARCH_TABLE}(rowid, title, text, stems)
    select rowid, title, text, new.stems from articles where article_id = new.article_id;
end;
create trigger {STEMS_TABLE}_ad after delete on {STEMS_TABLE} begin
    insert into {SEARCH_TABLE}({SEARCH_TABLE}, rowid, title, text, stems)
    select 'delete', rowid, title, text, old.stems from articles
    where article_id = old.article_id;
    insert into {SEARCH_TABLE}(rowid, title, text, stems)
    select rowid, title, text, null from articles where article_id = old.article_id;
end;
"""
# The outlet and year of every article by its rowid (the search index's rowid), beside the
# index: a search page's facets read these few bytes per match instead of the article's row
# (~9 KB with its text: at 1,000,000 articles a word in 42,735 of them took ~0.5 s of CPU a
# page). Kept equal to `articles` by triggers, as the index is (issue 21,
# data/datasette/plugins/pantau_counts.py).
KEYS_TABLE = "articles_fts_keys"
KEYS_SQL = f"""
create table {KEYS_TABLE} (id integer primary key, year integer, source text);
insert into {KEYS_TABLE}(id, year, source) select rowid, year, source from articles;
"""
KEYS_TRIGGERS_SQL = f"""
create trigger {KEYS_TABLE}_ai after insert on articles begin
    insert or replace into {KEYS_TABLE}(id, year, source) values (new.rowid, new.year, new.source);
end;
create trigger {KEYS_TABLE}_ad after delete on articles begin
    delete from {KEYS_TABLE} where id = old.rowid;
end;
create trigger {KEYS_TABLE}_au after update of year, source on articles begin
    update {KEYS_TABLE} set year = new.year, source = new.source where id = new.rowid;
end;
"""
KEYS_TRIGGERS = (f"{KEYS_TABLE}_ai", f"{KEYS_TABLE}_ad", f"{KEYS_TABLE}_au")
# Outlet and year counts of the matches of the search terms found in a large share of the
# articles (issue 21): a word in 95% of 1,000,000 articles made each of a search page's two
# facets read ~950,000 keys (~0.65 s, over Datasette's facet time limit). Computed by
# pipelines.search.refresh_search_facets with the other summaries; a term is a stem group
# (the FTS5 term "paspor" matches the word and every affixed form indexed under that stem).
# Kept exact by adding the articles stored since (rowid above the recorded one); a change to
# an article counted already (text, stems, year or outlet, or a delete) is noted by the
# triggers below and makes the next refresh count everything again.
SEARCH_FACETS = "search_facets"
SEARCH_FACET_TERMS = "search_facet_terms"
SEARCH_FACETS_DIRTY = "search_facets_dirty"
SEARCH_FACETS_UPTO = "search_facets_upto"  # meta key: the last rowid counted
SEARCH_FACETS_SQL = f"""
create table if not exists {SEARCH_FACETS} (term text, year integer, source text, articles integer);
create index if not exists idx_{SEARCH_FACETS}_term on {SEARCH_FACETS} (term);
create table if not exists {SEARCH_FACET_TERMS} (term text primary key, matches integer);
create table if not exists {SEARCH_FACETS_DIRTY} (dirty integer primary key);
"""
_COUNTED = (f"(select cast(value as integer) from meta where key = '{SEARCH_FACETS_UPTO}')")
_NOTE_DIRTY = f"insert or ignore into {SEARCH_FACETS_DIRTY}(dirty) values (1);"
SEARCH_FACETS_TRIGGERS_SQL = f"""
create trigger {SEARCH_FACETS}_ad after delete on articles when old.rowid <= {_COUNTED} begin
    {_NOTE_DIRTY}
end;
create trigger {SEARCH_FACETS}_au after update of title, text, year, source on articles
when old.rowid <= {_COUNTED} and (old.title is not new.title or old.text is not new.text
  or old.year is not new.year or old.source is not new.source) begin
    {_NOTE_DIRTY}
end;
""" + "".join(f"""create trigger {SEARCH_FACETS}_stems_{name} after {event} on {STEMS_TABLE}
when (select rowid from articles where article_id = {row}.article_id) <= {_COUNTED} begin
    {_NOTE_DIRTY}
end;
""" for name, event, row in (("ai", "insert", "new"), ("au", "update", "old"),
                             ("ad", "delete", "old")))
SEARCH_FACETS_TRIGGERS = tuple(f"{SEARCH_FACETS}_{n}"
                               for n in ("ad", "au", "stems_ai", "stems_au", "stems_ad"))
SEARCH_TRIGGERS = (f"{SEARCH_TABLE}_ai", f"{SEARCH_TABLE}_ad", f"{SEARCH_TABLE}_au",
                   f"{STEMS_TABLE}_ai", f"{STEMS_TABLE}_au", f"{STEMS_TABLE}_ad", *KEYS_TRIGGERS)

# --- Story grouping (pipelines/stories.py) -------------------------------------------------------
# One row per article: its signature (NUM_PERM uint32 values; NULL when the text has no word)
# and the articles.content_hash it was computed from, so a changed text is hashed again. The
# name carries the signature scheme: a new scheme starts a new table (LEGACY_STORY_TABLES are
# dropped).
SIGNATURE_TABLE = "story_signatures_crc32"
LEGACY_STORY_TABLES = ("story_signatures",)  # sha1-hashed shingles (2026-11-22)
SIGNATURE_SQL = f"""create table if not exists {SIGNATURE_TABLE} (
    article_id text primary key, content_hash text, signature blob)"""
# Articles whose signature was written by the extract stage (store_signatures) and not grouped
# yet, and whether their text changed since the signature before (then stories regroup all).
STORY_PENDING_TABLE = "story_pending"
STORY_PENDING_SQL = f"""create table if not exists {STORY_PENDING_TABLE} (
    article_id text primary key, changed integer)"""
# A run's story ids to rewrite, in the connection's temp schema (pipelines/stories.py).
TOUCHED_STORIES_SQL = "create temp table if not exists touched_stories (story_id text primary key)"

# --- Events (pipelines/events.py) ----------------------------------------------------------------
# Articles whose events the next update_events recomputes (created with the tables above).
EVENT_PENDING_TABLE = "event_pending"
# The scratch file a rebuild spills its candidates to, one shape at a time (not the database).
SPILL_SQL = "create table candidates (shape text, seq integer, payload blob)"
SPILL_INDEX_SQL = "create index candidates_shape on candidates (shape, seq)"


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


def create_tables(db: sqlite_utils.Database) -> bool:
    """Create missing tables, columns and indexes, and record SCHEMA_VERSION, in one transaction.

    Returns:
        True when derived fact columns were just added to a table holding rows (they need
        pipelines.db.refresh_derived).
    """
    stale = False
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
        _table(db, EVENT_PENDING_TABLE, {"article_id": str}, pk="article_id")
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
        # Story grouping's own tables (pipelines/stories.py also creates them before use).
        create_story_tables(db.conn)
        create_story_groups_pending(db)
        # Write only on a change: a database served --immutable must not be touched by readers.
        version = str(SCHEMA_VERSION)
        if not db["meta"].count_where("key = 'schema_version' and value = ?", [version]):
            db["meta"].upsert({"key": "schema_version", "value": str(SCHEMA_VERSION)}, pk="key")
    return stale


def create_views(db: sqlite_utils.Database) -> None:
    """Create or replace the VIEWS whose SQL differs from the database's (none: no write)."""
    with db.conn:
        for name, sql in VIEWS.items():
            current = db[name].schema if name in db.view_names() else ""
            if current.partition(" AS ")[2] != sql:
                db.create_view(name, sql, replace=True)


def create_summary_tables(db: sqlite_utils.Database) -> list[str]:
    """Create the SUMMARIES tables where missing, out of date in shape, or still views (empty:
    pipelines.db fills them). Writes nothing when all are in place (an --immutable file stays
    as is).

    Returns:
        The names of the tables created.
    """
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
        indexes = {r[0] for r in db.execute("select name from sqlite_master where type = 'index'")}
        for name, columns_list in SUMMARY_INDEXES.items():
            for columns in columns_list:
                index = f"idx_{name}_{'_'.join(columns)}"
                if index not in indexes:  # checked first: an unchanged file is not written
                    db.execute(f"create index [{index}] on [{name}] "
                               f"({', '.join(f'[{c}]' for c in columns)})")
    return created


def facts_table_names() -> tuple[str, ...]:
    """Names of the per-article fact tables, in a stable order."""
    return tuple(FACT_TABLES)


def drop_search_index(db) -> None:
    """Drop every search index, older kinds too, with its triggers (inside the caller's
    transaction)."""
    for trigger in (*LEGACY_SEARCH_TRIGGERS, *SEARCH_TRIGGERS):
        db.execute(f"drop trigger if exists [{trigger}]")
    for table in (*LEGACY_SEARCH_TABLES, SEARCH_TABLE, STEMS_TABLE, KEYS_TABLE):
        db.execute(f"drop table if exists [{table}]")


def create_search_tables(db) -> None:
    """Create the search index's tables, without their triggers (a build fills them first),
    and its keys table, filled."""
    for statement in (SEARCH_SQL + KEYS_SQL).split(";\n"):
        if statement.strip():
            db.execute(statement)


def create_search_triggers(db) -> None:
    """Create the triggers that keep the search index and its keys equal to `articles` and
    the stems."""
    # One statement per trigger: each body holds semicolons, so split on "end;".
    for body in (SEARCH_TRIGGERS_SQL + KEYS_TRIGGERS_SQL).split("end;")[:-1]:
        db.execute(body + "end")


def create_search_facets(db) -> bool:
    """Create the SEARCH_FACETS tables where missing, and their triggers (inside the caller's
    transaction).

    Returns:
        True when the triggers were (re)created: changes before them went unnoted, so the
        counts must be computed from the start.
    """
    for statement in SEARCH_FACETS_SQL.split(";\n"):
        if statement.strip():
            db.execute(statement)
    found = {r[0] for r in db.execute(
        f"select name from sqlite_master where type = 'trigger' and name in "
        f"({', '.join('?' * len(SEARCH_FACETS_TRIGGERS))})", SEARCH_FACETS_TRIGGERS)}
    if found == set(SEARCH_FACETS_TRIGGERS):
        return False
    for trigger in SEARCH_FACETS_TRIGGERS:
        db.execute(f"drop trigger if exists [{trigger}]")
    for body in SEARCH_FACETS_TRIGGERS_SQL.split("end;")[:-1]:
        db.execute(body + "end")
    return True


def rebuild_search_keys(db) -> None:
    """Create the search index's keys table and its triggers anew, filled from `articles`
    (inside the caller's transaction): for a database indexed before it existed, or whose
    keys no longer match the articles."""
    for trigger in KEYS_TRIGGERS:
        db.execute(f"drop trigger if exists [{trigger}]")
    db.execute(f"drop table if exists [{KEYS_TABLE}]")
    for statement in KEYS_SQL.split(";\n"):
        if statement.strip():
            db.execute(statement)
    for body in KEYS_TRIGGERS_SQL.split("end;")[:-1]:
        db.execute(body + "end")


def create_story_groups_pending(db) -> None:
    """Create the table and triggers noting the story groups to recompute, where missing
    (inside the caller's transaction); a new table asks for a whole rebuild ("*")."""
    if not db[STORY_GROUPS_PENDING].exists():
        db.execute(STORY_GROUPS_PENDING_SQL)
        db.execute(f"insert into {STORY_GROUPS_PENDING}(story_key) values ('*')")
    found = {r[0] for r in db.execute("select name from sqlite_master where type = 'trigger'")}
    if not set(STORY_GROUPS_TRIGGERS) <= found:
        for trigger in STORY_GROUPS_TRIGGERS:
            db.execute(f"drop trigger if exists [{trigger}]")
        for body in STORY_GROUPS_TRIGGERS_SQL.split("end;")[:-1]:
            db.execute(body + "end")
        db.execute(f"insert or ignore into {STORY_GROUPS_PENDING}(story_key) values ('*')")


def create_story_tables(conn) -> None:
    """Create the signature and pending tables of story grouping where missing; drop the
    signature tables of earlier schemes."""
    for legacy in LEGACY_STORY_TABLES:
        conn.execute(f"drop table if exists {legacy}")
    conn.execute(SIGNATURE_SQL)
    conn.execute(STORY_PENDING_SQL)


def drop_fact_indexes(conn) -> list[str]:
    """Drop the fact tables' secondary indexes (all but article_id's) for a bulk load
    (pipelines/extract.py bulk_indexes), inside the caller's transaction.

    Returns:
        The SQL that creates them again (restore_indexes).
    """
    tables = facts_table_names()
    return drop_indexes(conn, tables, keep={f"idx_{t}_article_id" for t in tables})


def drop_indexes(conn, tables, keep=()) -> list[str]:
    """Drop the secondary indexes of `tables` but those named in `keep` (a table's own primary
    key index stays), inside the caller's transaction; the SQL that creates them again."""
    tables = tuple(tables)
    found = conn.execute(
        "select name, sql from sqlite_master where type = 'index' and sql is not null "
        f"and tbl_name in ({', '.join('?' for _ in tables)})", tables).fetchall()
    dropped = [(name, sql) for name, sql in found if name not in set(keep)]
    for name, _ in dropped:
        conn.execute(f"drop index [{name}]")
    return [sql for _, sql in dropped]


def restore_indexes(conn, sqls: list[str]) -> None:
    """Create the indexes drop_fact_indexes dropped (inside the caller's transaction)."""
    for sql in sqls:
        conn.execute(sql)


def create_touched_stories(conn) -> None:
    """Create the connection's temp table of story ids to rewrite, and empty it."""
    conn.execute(TOUCHED_STORIES_SQL)
    conn.execute("delete from temp.touched_stories")


def create_spill(conn) -> None:
    """Create the candidates table in a new scratch file of pipelines/events.py."""
    conn.execute(SPILL_SQL)


def index_spill(conn) -> None:
    """Index a filled scratch file's candidates by shape (after the inserts: faster)."""
    conn.execute(SPILL_INDEX_SQL)
