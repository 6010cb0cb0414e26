"""Publishing the demo database: metadata, facets, views, queries, exports, read-only serving."""

from __future__ import annotations

import csv
import io
import shutil
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import sqlite_utils
from conftest import get_json

from core.settings import setting
from pantau.demo_site import load_articles
from pantau.i18n import country_name
from pantau.serve import DATASETTE_SETTINGS, datasette_command
from pipelines.schema import SUMMARIES

ARTICLES = load_articles(setting("demo_site") / "articles")
ATOM = "{http://www.w3.org/2005/Atom}"


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as r:
        return r.read().decode("utf-8")


def fetch_csv(url: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(fetch(url))))


@pytest.fixture
def own_db(demo_db, tmp_path):
    """A copy of the demo database: datasette_command() refreshes summary tables in the file,
    which must not happen under the session's running demo_server."""
    copy = tmp_path / "pantau.db"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{demo_db}{suffix}").exists():
            shutil.copy(f"{demo_db}{suffix}", f"{copy}{suffix}")
    return copy


def test_serve_command_is_read_only_bounded_and_local(own_db):
    cmd = datasette_command(own_db, setting("metadata"))
    assert cmd[cmd.index("--immutable") + 1] == str(own_db)
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"
    settings = {cmd[i + 1]: cmd[i + 2] for i, arg in enumerate(cmd) if arg == "--setting"}
    assert settings["sql_time_limit_ms"] == "3000"
    assert settings["max_returned_rows"] == "2000"
    assert settings["max_csv_mb"] == "0"  # simonw/datasette#2444: no 100 MB cut
    assert settings["allow_csv_stream"] == "on"


def test_live_mode_opens_the_database_mutable(own_db):
    cmd = datasette_command(own_db, setting("metadata"), live=True)
    assert "--immutable" not in cmd
    assert str(own_db) in cmd


def test_settings_are_in_force(demo_server):
    settings = get_json(demo_server + "/-/settings.json")
    flags = {"on": True, "off": False}
    assert {k: settings[k] for k in DATASETTE_SETTINGS} == {
        k: flags.get(v, v) for k, v in DATASETTE_SETTINGS.items()}


def test_every_published_table_and_view_is_described(demo_server, demo_db):
    meta = get_json(demo_server + "/-/metadata.json")
    described = meta["databases"]["pantau"]["tables"]
    db = sqlite_utils.Database(demo_db)
    names = [t for t in db.table_names() if "_fts" not in t and "_trigram" not in t]
    names += db.view_names()
    undescribed = [n for n in names if not described.get(n, {}).get("description")
                   and not described.get(n, {}).get("hidden")]
    assert undescribed == []


def test_facet_filtered_csv_export_has_exactly_the_expected_rows(demo_server):
    url = demo_server + "/pantau/articles.csv?_stream=1&source=kabar-banten&year=2026&_facet=month"
    rows = fetch_csv(url)
    expected = sorted(a.title for a in ARTICLES
                      if a.outlet == "kabar-banten" and a.published.startswith("2026"))
    assert sorted(r["title"] for r in rows) == expected
    assert {r["year"] for r in rows} == {"2026"}


def test_facet_filtered_fact_csv_matches_the_database(demo_server, demo_db):
    rows = fetch_csv(demo_server + "/pantau/counts.csv?_stream=1&category=deportation&_labels=off")
    db = sqlite_utils.Database(demo_db)
    expected = {r["fact_id"]: str(r["value"]) for r in db["counts"].rows_where(
        "category = 'deportation'")}
    assert len(expected) >= 2
    assert {r["fact_id"]: r["value"] for r in rows} == expected


@pytest.mark.parametrize("table,column", [
    ("office_mentions", "office_id"),
    ("office_mentions", "province"),
    ("counts", "category"),
    ("counts", "year"),
    ("counts", "month"),
    ("nationalities", "country"),
    # the derived office of a count: same sentence, else the article's first office
    ("counts", "office_id"),
])
def test_facets_count_the_fact_rows(demo_server, demo_db, table, column):
    data = get_json(f"{demo_server}/pantau/{table}.json?_facet={column}&_size=0")
    facet = {str(f["value"]): f["count"] for f in data["facet_results"][column]["results"]}
    db = sqlite_utils.Database(demo_db)
    expected = Counter(str(r[column]) for r in db[table].rows if r[column] is not None)
    assert facet, f"no {column} facet on {table}"
    assert facet == dict(expected)


def test_derived_fact_columns_follow_the_article(demo_db):
    db = sqlite_utils.Database(demo_db)
    articles = {a["article_id"]: a for a in db["articles"].rows}
    rows = list(db["counts"].rows)
    assert rows
    for row in rows:
        article = articles[row["article_id"]]
        assert (row["source"], row["year"], row["month"]) == (
            article["source"], article["year"], article["month"])


def test_search_finds_indonesian_affixed_forms(demo_server, demo_db):
    db = sqlite_utils.Database(demo_db)
    texts = {r["article_id"]: (r["title"] + " " + r["text"]).lower() for r in db["articles"].rows}
    found = get_json(demo_server + "/pantau/articles.json?_search=paspor&_shape=array&_col=title")
    expected = {i for i, t in texts.items() if "paspor" in t}
    assert {r["article_id"] for r in found} == expected
    # "berpaspor" alone: found through its stem, "paspor"
    only_affixed = [i for i, t in texts.items() if "berpaspor" in t and " paspor" not in t]
    assert only_affixed and set(only_affixed) <= {r["article_id"] for r in found}


def test_map_view_counts_articles_and_names_the_latest(demo_server, demo_db):
    rows = get_json(demo_server + "/pantau/office_map.json?office_id=kanim-serang&_shape=array")
    assert len(rows) == 1
    db = sqlite_utils.Database(demo_db)
    ids = {m["article_id"] for m in db["office_mentions"].rows_where("office_id = 'kanim-serang'")}
    newest = max((db["articles"].get(i) for i in ids), key=lambda a: a["published"])
    assert rows[0]["articles"] == len(ids)
    assert rows[0]["latest_title"] == newest["title"]
    assert rows[0]["latitude"] and rows[0]["longitude"]


def test_deportations_table_sums_deportation_events_per_nationality(demo_server, demo_db):
    rows = get_json(demo_server + "/pantau/deportations_by_nationality.json?_shape=array&_size=max")
    db = sqlite_utils.Database(demo_db)
    deportations = {e["event_id"]: e for e in db["events"].rows_where(
        "type = 'deportation' and kind = 'event'")}
    expected = {}  # a nationality named with no number: in the table, people empty
    for n in db["event_nationalities"].rows:
        if n["event_id"] in deportations:
            key = (deportations[n["event_id"]]["year"], n["code"])
            if n["count"] is not None:
                expected[key] = (expected.get(key) or 0) + n["count"]
            else:
                expected.setdefault(key, None)
    assert expected
    assert {(r["year"], r["code"]): r["people"] for r in rows} == dict(expected)


@pytest.mark.parametrize("query,table", [
    ("deportations", "deportations_by_nationality"),
    ("arrests", "arrests_by_office"),
    ("passports", "passports_by_office"),
    ("nationalities_top", "top_nationalities"),
])
def test_aggregate_queries_and_tables_match_their_definition(demo_server, demo_db, query, table):
    db = sqlite_utils.Database(demo_db)
    expected = list(db.query(SUMMARIES[table]))  # computed now from the fact tables
    if table == "passports_by_office":
        # the demo's passport figures are all yearly totals: listed, never added here
        assert not expected and db["event_period_totals"].count_where(
            "type = 'passport_issued'") >= 2
    else:
        assert expected, f"{table} is empty on the demo"
    for path in (f"/pantau/{query}.json?_shape=array",
                 f"/pantau/{table}.json?_shape=array&_size=max"):
        rows = get_json(demo_server + path)
        # the queries add the country's Indonesian name (negara) beside the table's columns
        assert all(r.pop("negara") == country_name(r["code"]) for r in rows if "negara" in r)
        rows = [{k: v for k, v in r.items() if k != "rowid"} for r in rows]
        # the arrests and passports pages leave out office_id (the office's name is shown)
        shown = set(rows[0]) if rows else set()
        assert not rows or set(expected[0]) - shown <= {"office_id"}, path
        wanted = [{k: v for k, v in r.items() if k in shown} for r in expected] if rows \
            else expected
        assert sorted(repr(sorted(r.items())) for r in rows) == sorted(
            repr(sorted(r.items())) for r in wanted), path


def test_office_coverage_query_counts_articles_per_outlet_and_month(demo_server, demo_db):
    rows = get_json(demo_server + "/pantau/office_coverage.json?office_id=kanim-serang"
                    "&_shape=array")
    db = sqlite_utils.Database(demo_db)
    ids = {m["article_id"] for m in db["office_mentions"].rows_where("office_id = 'kanim-serang'")}
    expected = Counter((db["articles"].get(i)["month"], db["articles"].get(i)["source"])
                       for i in ids)
    assert {(r["month"], r["source"]): r["articles"] for r in rows} == dict(expected)


def test_office_feed_is_valid_atom_with_the_office_articles(demo_server, demo_db):
    feed = ET.fromstring(fetch(demo_server + "/pantau/office_feed.atom?office_id=kanim-serang"))
    entries = feed.findall(ATOM + "entry")
    db = sqlite_utils.Database(demo_db)
    urls = {db["articles"].get(m["article_id"])["url"]
            for m in db["office_mentions"].rows_where("office_id = 'kanim-serang'")}
    assert len(entries) == len(urls) >= 2
    assert {e.find(ATOM + "id").text for e in entries} == urls
    assert all(e.find(ATOM + "title").text for e in entries)


def test_top_stories_ranks_stories_by_outlets(demo_server, demo_db):
    rows = get_json(demo_server + "/pantau/top_stories.json?since=2026-01-01&_shape=array")
    db = sqlite_utils.Database(demo_db)
    stories = defaultdict(list)  # an article not grouped yet is its own story
    # coverage: on-topic articles only
    for a in db["articles"].rows_where("published_date >= '2026-01-01' and on_topic = 1"):
        stories[a["story_id"] or a["article_id"]].append(a)
    assert len(rows) == len(stories) >= 10
    expected = sorted(len({a["source"] for a in group}) for group in stories.values())
    assert sorted(r["outlets"] for r in rows) == expected
    assert [r["outlets"] for r in rows] == sorted(expected, reverse=True)


def test_codebook_page_lists_tables_columns_and_licences(demo_server):
    html = fetch(demo_server + "/codebook")
    assert html.count('class="pantau-codebook-table"') >= 12
    assert "ISO 3166-1 alpha-2 country code." in html
    assert 'id="deportations_by_nationality"' in html
    assert "CC BY 4.0" in html


def status_of(request) -> int:
    """The HTTP status of a request, closing the response either way."""
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        e.close()
        return e.code


def test_no_write_or_download_endpoints(demo_server, demo_db):
    before = sqlite_utils.Database(demo_db)["articles"].count
    insert = urllib.request.Request(demo_server + "/pantau/articles/-/insert", method="POST",
                                    data=b'{"row": {"title": "x"}}',
                                    headers={"Content-Type": "application/json"})
    assert status_of(insert) >= 400
    assert status_of(demo_server + "/pantau.json?sql=delete+from+articles") == 400
    assert status_of(demo_server + "/pantau.db") == 403
    assert sqlite_utils.Database(demo_db)["articles"].count == before
    plugins = {p["name"] for p in get_json(demo_server + "/-/plugins.json")}
    assert plugins == {"datasette-atom", "datasette-cluster-map", "datasette-leaflet",
                       "datasette-vega", "datasette-basemap", "datasette-tiles",
                       "pantau_codebook.py", "pantau_facets.py", "pantau_search.py",
                       "pantau_archive.py", "pantau_dates.py", "pantau_feed.py",
                       "pantau_pages.py", "pantau_csv.py", "pantau_cache.py",
                       "pantau_permissions.py", "pantau_schema_cache.py", "pantau_counts.py"}


def test_sql_results_are_capped(demo_server):
    sql = ("with recursive n(x) as (select 1 union all select x + 1 from n limit 5000) "
           "select x from n")
    data = get_json(demo_server + "/pantau.json?sql=" + urllib.request.quote(sql))
    assert data["truncated"] is True
    assert len(data["rows"]) == 2000
