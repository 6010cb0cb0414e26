"""What researchers and analysts get (issue 18): a codebook in both languages describing every
column, values that match the data, a citation block, headline numbers and a chart on the home
page, internal tables kept out of sight (home page and `pantau export`)."""

from __future__ import annotations

import html as html_lib
import re
import urllib.request

import pytest
import sqlite_utils
import yaml
from click.testing import CliRunner
from conftest import RENAMED

from pantau.cli import cli
from pantau.config import setting
from pipelines.events import AWARD_TYPE
from pipelines.events import EVENT_TYPES as COUNT_EVENT_TYPES

META = yaml.safe_load(setting("metadata").read_text(encoding="utf-8"))
TABLES = META["databases"]["pantau"]["tables"]
INTERNAL = ("articles_fts", "articles_fts_stems", "story_signatures_crc32", "story_pending",
            "event_pending", "meta", "story_groups_pending", "search_facets",
            "search_facet_terms", "search_facets_dirty")


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as r:
        return r.read().decode("utf-8")


def codebook_sections(html: str) -> dict[str, list[tuple[str, str, str]]]:
    """{table: [(column, Indonesian, English)]} from the codebook page."""
    sections = re.findall(r'<section class="pantau-codebook-table" id="([^"]+)">(.*?)</section>',
                          html, flags=re.S)
    return {table: re.findall(r'<tr><td><code>([^<]+)</code></td><td>[^<]*</td>'
                              r'<td lang="id">(.*?)</td><td lang="en">(.*?)</td></tr>', body,
                              flags=re.S)
            for table, body in sections}


def test_codebook_describes_every_published_column_in_both_languages(renamed_server, demo_db):
    sections = codebook_sections(fetch(renamed_server + "/codebook"))
    db = sqlite_utils.Database(demo_db)
    published = [t for t in [*db.table_names(), *db.view_names()]
                 if t not in INTERNAL and not t.startswith("articles_fts")]
    assert sorted(sections) == sorted(published)
    columns = sum(len(rows) for rows in sections.values())
    assert columns >= 250
    undescribed = [(t, c) for t, rows in sections.items() for c, i, e in rows
                   if not i.strip() or not e.strip()]
    assert undescribed == []
    for table in published:  # and each table says what it holds, in both languages
        assert re.search(rf'id="{table}">.*?<p lang="id">.+?</p>\s*<p lang="en">.+?</p>',
                         fetch(renamed_server + "/codebook"), flags=re.S), table


def column_descriptions(html: str) -> dict[str, str]:
    """{column: description} from the list Datasette's table page puts above the rows."""
    [block] = re.findall(r'<dl class="column-descriptions">(.*?)</dl>', html, flags=re.S)
    return {c: html_lib.unescape(d) for c, d in
            re.findall(r"<dt>([^<]+)</dt><dd>(.*?)</dd>", block, flags=re.S)}


@pytest.mark.parametrize("table", ["events", "counts", "headline_by_province_year"])
def test_table_pages_describe_columns_in_indonesian_then_english(renamed_server, table):
    from pantau.i18n import indonesian_description

    html = fetch(f"{renamed_server}/{RENAMED}/{table}")
    shown = column_descriptions(html)
    english = TABLES[table]["columns"]
    assert sorted(shown) == sorted(english)
    for column, text in shown.items():
        indonesian = indonesian_description(table, column)
        assert indonesian, (table, column)
        # Indonesian first, then the metadata's English (or one already written in both)
        assert text in (f"{indonesian} / {english[column]}", english[column]), (table, column)
        assert " / " in text, (table, column)
    assert shown["year"].startswith("Tahun")
    # and the table's own description, in both (the headline table's was written so already)
    description = html_lib.unescape(re.search(
        r'<div class="metadata-description">\s*(.*?)\s*</div>', html, flags=re.S).group(1))
    assert description.endswith(TABLES[table]["description"])
    assert description.split(" / ", 1)[0].split()[0] in (
        indonesian_description(table).split()[0], TABLES[table]["description"].split()[0])
    assert " / " in description


@pytest.mark.parametrize("query", ["arrests", "passports", "top_stories", "office_feed"])
def test_query_pages_describe_themselves_in_indonesian_then_english(renamed_server, query):
    from pantau.i18n import indonesian_query

    html = fetch(f"{renamed_server}/{RENAMED}/{query}")
    description = html_lib.unescape(re.search(
        r'<div class="metadata-description">\s*(.*?)\s*</div>', html, flags=re.S).group(1))
    english = META["databases"]["pantau"]["queries"][query]["description"]
    indonesian = indonesian_query(query)
    assert indonesian and description == (f"{indonesian} / {english}").replace(
        "/pantau/", f"/{RENAMED}/")


def test_codebook_english_column_stays_the_metadata_s_own(renamed_server):
    sections = codebook_sections(fetch(renamed_server + "/codebook"))
    rows = {c: (i, e) for c, i, e in sections["events"]}
    for column in ("year", "type", "conflict"):
        indonesian, english = rows[column]
        assert html_lib.unescape(english) == TABLES["events"]["columns"][column]
        assert " / " not in html_lib.unescape(indonesian)


def described_values(text: str) -> set[str]:
    return set(re.findall(r"[a-z_]+", text))


def test_offices_kind_values_match_the_data(demo_db):
    kinds = {r[0] for r in sqlite_utils.Database(demo_db).execute(
        "select distinct kind from offices")}
    assert len(kinds) >= 4
    assert kinds <= described_values(TABLES["offices"]["columns"]["kind"])
    indonesian = yaml.safe_load((setting("metadata").parent / "codebook_id.yml")
                                .read_text(encoding="utf-8"))
    assert kinds <= described_values(indonesian["tables"]["offices"]["kind"])


def test_events_type_values_match_the_data_and_the_rules(demo_db):
    from nlp.events import EVENT_TYPES as NLP_TYPES

    possible = {*COUNT_EVENT_TYPES, AWARD_TYPE, *NLP_TYPES} - {"other"}
    data = {r[0] for r in sqlite_utils.Database(demo_db).execute(
        "select distinct type from events")}
    assert data and data <= possible
    english = described_values(TABLES["events"]["columns"]["type"])
    indonesian = described_values(yaml.safe_load(
        (setting("metadata").parent / "codebook_id.yml").read_text(encoding="utf-8"))
        ["columns"]["type"])
    assert possible - english == set()
    assert possible - indonesian == set()


@pytest.mark.parametrize("page", ["/", "/codebook"])
def test_citation_block_names_build_date_article_range_and_version(renamed_server, demo_db,
                                                                   page):
    from pantau import __version__

    html = fetch(renamed_server + page)
    [block] = re.findall(r'<section class="pantau-citation" id="cite">(.*?)</section>', html,
                         flags=re.S)
    db = sqlite_utils.Database(demo_db)
    first, last = db.execute("select min(published_date), max(published_date) "
                             "from articles").fetchone()
    built = db.execute("select max(extracted_at) from articles").fetchone()[0][:10]
    assert f"({first} to {last})" in block
    assert f"({built})" in block
    assert f"Pantau {__version__}" in block and f"<code>{RENAMED}</code>" in block


def test_home_page_headline_numbers_and_chart_come_from_the_events(renamed_server, demo_db):
    html = fetch(renamed_server + "/")
    db = sqlite_utils.Database(demo_db)
    years = [r[0] for r in db.execute("select distinct year from headline_by_province_year "
                                      "order by year desc limit 2")][::-1]
    header = re.findall(r"<th>(\d{4}): peristiwa / events</th>", html)
    assert header == [str(y) for y in years]
    table = re.search(r'<table class="rows-and-columns pantau-headline-table">(.*?)</table>',
                      html, flags=re.S).group(1)
    shown = {}
    for label, cells in re.findall(r'<tr><td><a href="[^"]+">([^<]+)</a></td>(.*?)</tr>', table,
                                   flags=re.S):
        shown[label] = re.findall(r"<td>([^<]*)</td>", cells)
    deportations = shown["Deportasi / Deportation"]
    for i, year in enumerate(years):
        events, total = db.execute(
            "select count(*), sum(value) from events where type = 'deportation' "
            "and kind = 'event' and year = ?", [year]).fetchone()
        assert deportations[2 * i:2 * i + 2] == (
            [f"{events:,}", f"{total:,}"] if events else ["–", "–"])
    bars = dict(re.findall(r"<title>(\d{4}-\d{2}): (\d+)</title>", html))
    months = dict(db.execute("select month, count(*) from articles where on_topic = 1 "
                             "group by month").fetchall())
    assert bars and {m: int(n) for m, n in bars.items()} == {
        m: months[m] for m in sorted(months)[-len(bars):]}


def test_home_page_hides_internal_tables_and_the_basemap(renamed_server, demo_db):
    html = fetch(renamed_server + "/")
    listed = re.findall(r'<a href="/[^/"]+/([^"?#/]+)"[^>]*>\1</a>', html)
    db = sqlite_utils.Database(demo_db)
    assert len(listed) >= 5  # Datasette lists the largest few
    assert set(listed) <= {*db.table_names(), *db.view_names()}
    assert not set(listed) & set(INTERNAL)
    assert not any(t.startswith("articles_fts") for t in listed)
    assert 'href="/basemap"' not in html


def test_export_offers_only_published_tables(demo_db):
    result = CliRunner().invoke(cli, ["export", "--db", str(demo_db), "artikel"])
    assert result.exit_code == 1
    choices = result.output.split("try one of:", 1)[1]
    offered = {c.strip() for c in choices.split(",")}
    assert {"articles", "events", "headline_by_office_month"} <= offered
    assert not offered & set(INTERNAL)


def test_export_csv_with_a_byte_order_mark(demo_db, tmp_path):
    out = tmp_path / "offices.csv"
    result = CliRunner().invoke(cli, ["export", "--db", str(demo_db), "--bom", "-o", str(out),
                                      "offices"])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfoffice_id,")
    assert "Kantor Imigrasi" in data.decode("utf-8-sig")
