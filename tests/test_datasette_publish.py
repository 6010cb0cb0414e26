"""What users get from the published archive (issue 18): links under any database name, a
foreign file left alone, the office feed, search as typed, Indonesian dates, archived copies."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

import pytest
import sqlite_utils
from conftest import PANTAU, RENAMED, ROOT, get_json

from pipelines.search import WORD, stem

ATOM = "{http://www.w3.org/2005/Atom}"


def fetch(url: str):
    """Status, body and headers of a GET, 4xx and 5xx included."""
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read().decode("utf-8", "replace"), r.headers
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.read().decode("utf-8", "replace"), e.headers


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def local_links(base: str, page: str) -> list[str]:
    """The page's links that stay on the server, without their #fragment."""
    status, body, _ = fetch(base + page)
    assert status == 200, page
    parser = Links()
    parser.feed(body)
    links = set()
    for href in parser.hrefs:
        url = urljoin(base + page, href).split("#")[0]
        if url.startswith(base):
            links.add(url)
    return sorted(links)


def test_foreign_sqlite_file_is_refused_and_left_byte_for_byte(tmp_path):
    import subprocess

    foreign = tmp_path / "inventory.db"
    conn = sqlite3.connect(foreign)
    conn.execute("create table parts (id integer primary key, name text)")
    conn.execute("insert into parts (name) values ('bolt'), ('nut')")
    conn.commit()
    conn.close()
    before = hashlib.sha256(foreign.read_bytes()).hexdigest()
    result = subprocess.run([*PANTAU, "serve", "--db", str(foreign), "--port", "1"],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode != 0
    assert "not a Pantau database" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert hashlib.sha256(foreign.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inventory.db"]


@pytest.mark.parametrize("page", ["/", "/codebook", f"/{RENAMED}"])
def test_every_link_follows_the_served_database_name(renamed_server, page):
    links = local_links(renamed_server, page)
    paths = [urlsplit(u).path for u in links]
    assert any(p.startswith(f"/{RENAMED}/") for p in paths)
    assert not [p for p in paths if p.startswith("/pantau/") or p == "/pantau"]
    broken = [(u, status) for u in links if (status := fetch(u)[0]) != 200]
    assert broken == []


def test_office_feed_names_the_office_and_each_outlet(renamed_server, demo_db):
    status, body, headers = fetch(f"{renamed_server}/{RENAMED}/office_feed.atom"
                                  "?office_id=kanim-serang")
    assert status == 200 and "atom" in headers["content-type"]
    feed = ET.fromstring(body)
    db = sqlite_utils.Database(demo_db)
    office = db["offices"].get("kanim-serang")["name"]
    assert feed.find(ATOM + "title").text == f"Pantau: {office}"
    outlets = {r["slug"]: r["name"] for r in db["sources"].rows}
    ids = {m["article_id"] for m in db["office_mentions"].rows_where("office_id = 'kanim-serang'")}
    articles = {db["articles"].get(i)["url"]: db["articles"].get(i) for i in ids}
    entries = feed.findall(ATOM + "entry")
    assert len(entries) == len(articles) >= 2
    for entry in entries:
        article = articles[entry.find(ATOM + "id").text]
        outlet = outlets[article["source"]]
        assert entry.find(ATOM + "title").text == f"{article['title']} ({outlet})"
        assert entry.find(ATOM + "author/" + ATOM + "name").text == outlet
        links = {link.get("rel", "alternate"): link.get("href")
                 for link in entry.findall(ATOM + "link")}
        assert links["alternate"] == article["url"]
        status, archived, _ = fetch(links["related"])  # the archived copy answers
        assert status == 200 and "Salinan arsip Pantau" in archived
        content = entry.find(ATOM + "content").text
        whole = " ".join((article["description"] or article["text"]).split())
        if len(whole) > 500:
            assert content.endswith("…") and whole.startswith(content[:-1])
        else:
            assert content == whole


def test_office_feed_of_a_quiet_office_is_empty_and_an_unknown_one_says_so(renamed_server,
                                                                         demo_db):
    db = sqlite_utils.Database(demo_db)
    quiet = next(o["office_id"] for o in db["offices"].rows if not db["office_mentions"]
                 .count_where("office_id = ?", [o["office_id"]]))
    status, body, _ = fetch(f"{renamed_server}/{RENAMED}/office_feed.atom?office_id={quiet}")
    assert status == 200
    assert ET.fromstring(body).findall(ATOM + "entry") == []
    status, body, _ = fetch(f"{renamed_server}/{RENAMED}/office_feed.atom?office_id=kanim-x")
    assert status == 404
    assert "unknown office id 'kanim-x'" in body and f"/{RENAMED}/offices" in body


def _words(article) -> list[str]:
    return WORD.findall(f"{article['title']} {article['text']}".lower())


def _search(base: str, q: str) -> set[str]:
    rows = get_json(f"{base}/{RENAMED}/articles.json?_search={quote(q)}&_shape=array"
                    "&_col=title&_size=max")
    return {r["article_id"] for r in rows}


def test_search_stems_the_query_as_the_index_is_stemmed(renamed_server, demo_db):
    articles = list(sqlite_utils.Database(demo_db)["articles"].rows)
    expected = {a["article_id"] for a in articles
                if any(stem(w) == "deportasi" for w in _words(a))}
    assert len(expected) >= 3
    assert _search(renamed_server, "dideportasi") == expected
    assert _search(renamed_server, "deportasi") == expected


def test_search_understands_quoted_phrases_and_or(renamed_server, demo_db):
    articles = list(sqlite_utils.Database(demo_db)["articles"].rows)
    phrase = {a["article_id"] for a in articles
              if re.search(r"\bkantor imigrasi kelas i tpi serang\b", " ".join(
                  re.findall(r"\w+", f"{a['title']} {a['text']}".lower())))}
    assert phrase
    assert _search(renamed_server, '"Kantor Imigrasi Kelas I TPI Serang"') == phrase
    nigeria = {a["article_id"] for a in articles if "nigeria" in _words(a)}
    china = {a["article_id"] for a in articles if "tiongkok" in _words(a)}
    assert nigeria and china and nigeria != china
    assert _search(renamed_server, "nigeria OR tiongkok") == nigeria | china
    assert _search(renamed_server, "nigeria tiongkok") == nigeria & china


def test_search_page_shows_cards_with_the_match_highlighted(renamed_server, demo_db):
    status, body, _ = fetch(f"{renamed_server}/{RENAMED}/-/search?q=dideportasi")
    assert status == 200
    cards = re.findall(r'<article class="pantau-card">(.*?)</article>', body, flags=re.S)
    assert len(cards) == len(_search(renamed_server, "deportasi"))
    outlets = {r["name"] for r in sqlite_utils.Database(demo_db)["sources"].rows}
    for card in cards:
        assert re.search(r"<mark>\w*deportasi\w*</mark>", card, flags=re.I), card
        assert any(o in card for o in outlets)
        assert re.search(r"\d{1,2} (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|"
                         r"September|Oktober|November|Desember) \d{4}", card)
        assert f"/{RENAMED}/-/archive?url=" in card


@pytest.mark.parametrize("typed", ["15/03/2026", "15 Maret 2026", "15-3-2026"])
def test_canned_query_reads_indonesian_dates(renamed_server, typed):
    iso = get_json(f"{renamed_server}/{RENAMED}/articles_since.json?since=2026-03-15"
                   "&_shape=array")
    assert iso and len(iso) < len(get_json(f"{renamed_server}/{RENAMED}/articles_since.json"
                                           "?since=2019-01-01&_shape=array"))
    rows = get_json(f"{renamed_server}/{RENAMED}/articles_since.json?since={quote(typed)}"
                    "&_shape=array")
    assert rows == iso


def test_canned_query_refuses_a_date_it_cannot_read(renamed_server):
    status, body, _ = fetch(f"{renamed_server}/{RENAMED}/top_stories?since=pertengahan")
    assert status == 400
    assert "Tanggal tidak dikenali" in body and "15/03/2026" in body


def test_every_article_has_its_archived_copy(renamed_server, demo_db):
    articles = list(sqlite_utils.Database(demo_db)["articles"].rows)
    assert len(articles) >= 10
    for article in articles:
        status, body, headers = fetch(f"{renamed_server}/{RENAMED}/-/archive?url="
                                      + quote(article["url"], safe=""))
        assert status == 200, article["url"]
        assert "default-src 'none'" in headers["content-security-policy"]
        assert article["title"].split()[0] in body
        assert "Salinan arsip Pantau" in body
    status, body, _ = fetch(f"{renamed_server}/{RENAMED}/-/archive?url=http%3A%2F%2Fx.example%2F")
    assert status == 404 and "no archived copy" in body


def test_article_rows_link_the_archived_copy_beside_the_original(renamed_server):
    status, body, _ = fetch(f"{renamed_server}/{RENAMED}/articles?_col=url")
    assert status == 200
    originals = re.findall(r'<a href="(http[^"]+)">\1</a> · <a class="pantau-archived" '
                           r'href="([^"]+)">', body)
    assert len(originals) >= 10
    for original, archived in originals[:3]:
        assert archived == f"/{RENAMED}/-/archive?url=" + quote(original, safe="")


def test_offices_are_picked_by_name(renamed_server, demo_db):
    status, body, _ = fetch(f"{renamed_server}/{RENAMED}/-/office")
    assert status == 200
    db = sqlite_utils.Database(demo_db)
    options = re.findall(r'<option value="([^"]+)">([^<(]+)', body)
    names = {o["office_id"]: o["name"] for o in db["offices"].rows}
    assert len(options) == len(names)
    assert all(names[value] == label.strip() for value, label in options)
    # the form's choice lands on the office's page
    request = urllib.request.Request(f"{renamed_server}/{RENAMED}/-/office?office_id=kanim-serang")
    with urllib.request.urlopen(request, timeout=30) as r:
        assert r.url.endswith(f"/{RENAMED}/-/office/kanim-serang") and r.status == 200


def test_office_page_shows_what_communications_staff_need(renamed_server, demo_db):
    status, body, _ = fetch(f"{renamed_server}/{RENAMED}/-/office/kanim-serang")
    assert status == 200
    db = sqlite_utils.Database(demo_db)
    ids = {m["article_id"] for m in db["office_mentions"].rows_where("office_id = 'kanim-serang'")}
    articles = [db["articles"].get(i) for i in ids]
    # coverage by month: one bar per month, its height's label the on-topic article count
    months = {}
    for a in articles:
        if a["on_topic"] == 1:
            months[a["month"]] = months.get(a["month"], 0) + 1
    bars = dict(re.findall(r"<title>(\d{4}-\d{2}): (\d+)</title>", body))
    assert {m: int(n) for m, n in bars.items()} == months
    # every article naming the office, with its outlet, original and archived copy
    for a in articles:
        assert html_escape(a["title"]) in body
        assert quote(a["url"], safe="") in body
    outlets = {r["slug"]: r["name"] for r in db["sources"].rows}
    assert all(outlets[a["source"]] in body for a in articles)
    # officials quoted and events of the office
    for official in db["officials"].rows_where("office_id = 'kanim-serang'"):
        assert html_escape(official["name"]) in body
    events = list(db["events"].rows_where("office_id = 'kanim-serang'"))
    assert events
    assert all(f"/{RENAMED}/events/{e['event_id']}" in body for e in events)
    assert f'href="/{RENAMED}/office_feed.atom?office_id=kanim-serang"' in body


def test_unknown_office_page_says_so(renamed_server):
    status, body, _ = fetch(f"{renamed_server}/{RENAMED}/-/office/kanim-atlantis")
    assert status == 404
    assert "kanim-atlantis" in body and f'href="/{RENAMED}/-/office"' in body


def test_csv_with_a_byte_order_mark_for_excel(renamed_server):
    plain = urllib.request.urlopen(f"{renamed_server}/{RENAMED}/offices.csv?_stream=1",
                                   timeout=60).read()
    marked = urllib.request.urlopen(f"{renamed_server}/{RENAMED}/offices.csv?_stream=1&_bom=1",
                                    timeout=60).read()
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert marked == b"\xef\xbb\xbf" + plain
    assert "Tanjung Balai Karimun" in marked.decode("utf-8-sig")


def html_escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def test_map_popups_open_the_office_page(renamed_server):
    page = f"{renamed_server}/{RENAMED}/office_map"
    rows = get_json(page + ".json?_shape=array&_size=max&articles__gt=0")
    assert rows
    for row in rows:
        link = urljoin(page, json.loads(row["popup"])["link"])
        assert link == f"{renamed_server}/{RENAMED}/-/office/{row['office_id']}"
        status, body, _ = fetch(link)
        assert status == 200 and f"<h1>{row['name']}</h1>" in body
