"""`pantau demo`: from the bundled site to a published archive, end to end with real processes."""

from __future__ import annotations

import csv
import io
import urllib.request

import sqlite_utils
from conftest import get_json

from core.settings import setting
from pantau.demo_site import load_articles

ARTICLES = load_articles(setting("demo_site") / "articles")


def test_demo_site_has_enough_articles():
    on_topic = [a for a in ARTICLES if a.on_topic]
    assert len(on_topic) >= 12
    assert len(ARTICLES) - len(on_topic) >= 2


def test_datasette_serves_every_on_topic_article(demo_server):
    rows = get_json(demo_server + "/pantau/articles.json?_shape=array&_size=max")
    titles = {r["title"] for r in rows}
    missing = [a.title for a in ARTICLES if a.on_topic and a.title not in titles]
    assert missing == []
    assert len(rows) == len(ARTICLES)


def test_csv_export_of_a_filtered_table(demo_server):
    url = demo_server + "/pantau/articles.csv?source=warta-nusantara&_size=max"
    with urllib.request.urlopen(url, timeout=30) as r:
        rows = list(csv.DictReader(io.StringIO(r.read().decode("utf-8"))))
    expected = {a.title for a in ARTICLES if a.outlet == "warta-nusantara"}
    assert {r["title"] for r in rows} == expected
    assert len(rows) == len(expected)


def test_demo_database_has_extractions(demo_db):
    db = sqlite_utils.Database(demo_db)
    assert db["offices"].count > 150
    assert db["articles"].count_where("extracted_at is not null") == len(ARTICLES)
    mentioned = {r["office_id"] for r in db["office_mentions"].rows}
    assert "kanim-serang" in mentioned


def test_office_facet_answers(demo_server, demo_db):
    data = get_json(demo_server + "/pantau/office_mentions.json?_facet=office_id")
    facet = {f["value"]: f["count"] for f in data["facet_results"]["office_id"]["results"]}
    db = sqlite_utils.Database(demo_db)
    expected = {r["office_id"]: r["n"] for r in db.query(
        "select office_id, count(*) as n from office_mentions where office_id is not null "
        "group by office_id")}
    assert facet == expected
    assert facet.get("kanim-serang", 0) >= 2


def test_canned_queries_answer(demo_server):
    rows = get_json(demo_server + "/pantau/office_coverage.json?office_id=kanim-serang"
                    "&_shape=array")
    assert rows and all(r["articles"] >= 1 for r in rows)
    assert {r["source"] for r in rows} == {"kabar-banten", "warta-nusantara"}
    since = get_json(demo_server + "/pantau/articles_since.json?since=2026-06-01&_shape=array")
    assert len(since) == sum(1 for a in ARTICLES if a.published[:10] >= "2026-06-01")


def test_search_finds_articles(demo_server):
    rows = get_json(demo_server + "/pantau/articles.json?_search=deportasi&_shape=array")
    assert rows
    assert all("deportasi" in (r["title"] + r["text"]).lower() for r in rows)


def test_syndicated_reprint_is_one_story(demo_db):
    db = sqlite_utils.Database(demo_db)
    story = {r["title"]: r["story_id"] for r in db["articles"].rows}
    pair = [a.title for a in ARTICLES if a.slug in (
        "kanim-serang-deportasi-sebelas-wna", "imigrasi-serang-pulangkan-11-wna")]
    assert len(pair) == 2
    assert story[pair[0]] == story[pair[1]]
    assert len(set(story.values())) == len(ARTICLES) - 1  # every other article stands alone
