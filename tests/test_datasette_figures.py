"""Headline figures count each happening once and never add figures of different kinds or
periods (issue 18), checked on every headline page of a real Datasette.

The invented database: Kantor Imigrasi Serang deports nine foreigners (four Nigerians, three
Chinese, two Vietnamese); its press release, an outlet's reprint and another outlet's own report
all say so. The independent report also says 68 Afghans are held in the office's detention room,
another article reports five foreigners refused entry in the same month, one article a single
day's 150 passports and another this year's and last year's passport totals and stay permits.
Facts are stored as the NLP stage stores them (pipelines.facts.store_facts), then stories,
events and the summary tables are built as `pantau extract` builds them.
"""

from __future__ import annotations

import re

import pytest
from conftest import _serve, get_json

from nlp.schema import Count, Evidence, Extraction, Nationality, Office
from pipelines.db import open_db, refresh_summaries
from pipelines.events import rebuild_events
from pipelines.facts import store_facts, sync_offices
from pipelines.store import store_article
from pipelines.stories import rebuild_stories

OFFICE = {"office_id": "kanim-serang", "name": "Kantor Imigrasi Kelas I TPI Serang",
          "province": "Banten", "website": "serang.imigrasi.go.id"}
NAME = "Kantor Imigrasi Kelas I TPI Serang"
LEAD = (f"{NAME} mendeportasi sembilan warga negara asing yang melanggar izin tinggal di "
        "wilayah Kabupaten Serang.")
BREAKDOWN = ("Kepala kantor mengatakan kesembilan WNA itu terdiri atas empat warga Nigeria, "
             "tiga warga RRT dan dua warga Vietnam.")
RELEASE = " ".join([
    LEAD, BREAKDOWN,
    "Mereka diamankan dalam pengawasan rutin di kawasan industri Cikande pada awal bulan ini "
    "dan dipulangkan melalui Bandara Soekarno-Hatta dengan pengawalan petugas.",
    "Sebagian besar WNA tersebut tinggal melebihi masa berlaku izin tinggal, sementara sisanya "
    "bekerja tanpa izin di pabrik pengolahan plastik di kawasan itu.",
    "Nama para WNA juga diusulkan masuk daftar penangkalan agar tidak dapat kembali ke "
    "Indonesia dalam waktu tertentu, kata kepala kantor kepada wartawan.",
])
REPRINT = "SERANG – " + RELEASE
INDEPENDENT_LEAD = ("Sembilan warga asing dipulangkan petugas Kanim Serang ke negara asalnya "
                    "pekan ini.")
INDEPENDENT_BREAKDOWN = "Empat orang berasal dari Nigeria, tiga dari RRT dan dua dari Vietnam."
DETAINEES = (f"Sementara itu, 68 WNA asal Afghanistan masih menghuni ruang detensi {NAME} "
             "menunggu keputusan lembaga pengungsi.")
INDEPENDENT = " ".join([
    INDEPENDENT_LEAD,
    "Wartawan kami menyaksikan rombongan itu dikawal di terminal keberangkatan bandara.",
    INDEPENDENT_BREAKDOWN, DETAINEES])
REFUSED = (f"Petugas {NAME} menolak masuk lima warga negara India di pelabuhan karena "
           "dokumen perjalanan mereka tidak lengkap.")
PASSPORT_DAY = (f"{NAME} menerbitkan 150 paspor dalam layanan jemput bola di Cikande, "
                "Sabtu (21/3/2026).")
PASSPORT_YEAR = f"Sepanjang 2026 {NAME} menerbitkan 33.818 paspor."
PASSPORT_LAST = "Pada 2025 tercatat 30.195 paspor dan 4.562 izin tinggal."
PASSPORT_YEARS = " ".join([PASSPORT_YEAR, PASSPORT_LAST])
# Figures that must never appear in a headline page: other kinds, or period totals.
NOT_DEPORTATIONS = {68, 5, 150, 33818, 30195, 4562}


def evidence(text: str, sentence: str) -> Evidence:
    start = text.index(sentence)
    return Evidence(sentence, start, start + len(sentence))


def office(text: str, sentence: str) -> Office:
    return Office(NAME, "kanim-serang", evidence=evidence(text, sentence))


def count(text, sentence, value, unit, what, category) -> Count:
    return Count(value, unit, what, category, evidence(text, sentence))


def nationalities(text, sentence, pairs) -> list[Nationality]:
    return [Nationality(code, code, n, evidence(text, sentence)) for code, n in pairs]


DEPORTED = [("NG", 4), ("CN", 3), ("VN", 2)]


def add(db, article_id, source, host, published, title, text, extraction):
    store_article(db, {"article_id": article_id, "url": f"https://{host}/{article_id}",
                       "fetched_url": f"https://{host}/{article_id}", "source": source,
                       "title": title, "published": published, "text": text,
                       "fetched_at": "2026-12-31T00:00:00"})
    store_facts(db, article_id, extraction, "test")
    db.execute("update articles set on_topic = 1 where article_id = ?", [article_id])


def build(path):
    db = open_db(path)
    sync_offices(db, [OFFICE])
    for article_id, source, host, published, text in [
            ("release", "imigrasi-serang", "serang.imigrasi.go.id", "2026-03-13T09:00:00+07:00",
             RELEASE),
            ("reprint", "kabar", "kabar.example", "2026-03-14T10:00:00+07:00", REPRINT)]:
        add(db, article_id, source, host, published, "Kanim Serang deportasi sembilan WNA",
            text, Extraction(
                offices=[office(text, LEAD)],
                counts=[count(text, LEAD, 9, "WNA", "warga negara asing", "deportation")],
                nationalities=nationalities(text, BREAKDOWN, DEPORTED)))
    add(db, "independent", "radar", "radar.example", "2026-03-15T18:00:00+07:00",
        "Sembilan WNA dipulangkan, 68 lainnya masih ditahan", INDEPENDENT, Extraction(
            offices=[office(INDEPENDENT, DETAINEES)],
            counts=[count(INDEPENDENT, INDEPENDENT_LEAD, 9, "warga asing", "warga asing",
                          "deportation"),
                    count(INDEPENDENT, DETAINEES, 68, "WNA", "WNA", "detention")],
            nationalities=nationalities(INDEPENDENT, INDEPENDENT_BREAKDOWN, DEPORTED)
            + nationalities(INDEPENDENT, DETAINEES, [("AF", 68)])))
    add(db, "refused", "warta", "warta.example", "2026-03-20T08:00:00+07:00",
        "Lima WNA India ditolak masuk", REFUSED, Extraction(
            offices=[office(REFUSED, REFUSED)],
            counts=[count(REFUSED, REFUSED, 5, "warga negara", "warga negara India",
                          "refusal_of_entry")],
            nationalities=nationalities(REFUSED, REFUSED, [("IN", 5)])))
    add(db, "passport-day", "kabar", "kabar.example", "2026-03-22T08:00:00+07:00",
        "Jemput bola paspor di Cikande", PASSPORT_DAY, Extraction(
            offices=[office(PASSPORT_DAY, PASSPORT_DAY)],
            counts=[count(PASSPORT_DAY, PASSPORT_DAY, 150, "paspor", "paspor",
                          "passport_issued")]))
    add(db, "passport-year", "warta", "warta.example", "2026-03-25T08:00:00+07:00",
        "Kanim Serang terbitkan 33.818 paspor", PASSPORT_YEARS, Extraction(
            offices=[office(PASSPORT_YEARS, PASSPORT_YEAR)],
            counts=[count(PASSPORT_YEARS, PASSPORT_YEAR, 33818, "paspor", "paspor",
                          "passport_issued"),
                    count(PASSPORT_YEARS, PASSPORT_LAST, 30195, "paspor", "paspor",
                          "passport_issued"),
                    count(PASSPORT_YEARS, PASSPORT_LAST, 4562, "izin tinggal", "izin tinggal",
                          "permit_issued")]))
    rebuild_stories(db)
    rebuild_events(db)
    refresh_summaries(db)
    db.close()


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    path = tmp_path_factory.mktemp("figures") / "angka.db"
    build(path)
    server = _serve(path)
    base = next(server)
    yield base + "/angka"
    next(server, None)


def page(figures: str, name: str) -> list[dict]:
    return get_json(f"{figures}/{name}.json?_shape=array&_size=max")


def numbers(rows: list[dict]) -> set[int]:
    return {v for r in rows for k, v in r.items() if isinstance(v, int) and k != "rowid"}


def test_the_deportation_is_one_event_with_three_citations(figures):
    events = page(figures, "events")
    deportations = [e for e in events if e["type"] == "deportation"]
    assert [(e["kind"], e["value"], e["citations"]) for e in deportations] == [("event", 9, 3)]
    roles = {c["article_id"]: c["role"] for c in page(figures, "event_citations")
             if c["event_id"] == deportations[0]["event_id"]}
    assert roles == {"release": "press_release", "reprint": "reprint",
                     "independent": "independent"}


@pytest.mark.parametrize("name", ["deportations", "deportations_by_nationality",
                                  "event_deportations_by_nationality"])
def test_deportations_by_nationality_count_the_deported_once(figures, name):
    rows = page(figures, name)
    assert {(r["year"], r["code"], r["people"], r["events"]) for r in rows} == {
        (2026, "NG", 4, 1), (2026, "CN", 3, 1), (2026, "VN", 2, 1)}


@pytest.mark.parametrize("name,type_", [
    ("deportations_by_office", "deportation"), ("detentions", "detention"),
    ("refusals", "refusal_of_entry"), ("arrests", "arrest"), ("passports", "passport_issued"),
    ("applicants", "applicants_served"), ("operations", "operation")])
def test_each_headline_page_counts_its_own_kind_once(figures, name, type_):
    rows = page(figures, name)
    expected = {"deportation": 9, "detention": 68, "refusal_of_entry": 5,
                "passport_issued": 150}.get(type_)
    if expected is None:
        assert rows == []
        return
    [row] = rows
    figure = row.get("people", row.get("passports", row.get("total")))
    assert (figure, row["events"]) == (expected, 1)
    assert row["month"] == "2026-03" and row["office"] == NAME
    others = {9, 68, 5, 150, 33818, 30195, 4562} - {expected}
    if type_ == "deportation":
        assert row["citations"] == 3
    assert not numbers(rows) & others, rows


def test_summary_tables_by_office_province_month_and_year(figures):
    by_month = {r["type"]: r for r in page(figures, "headline_by_office_month")}
    by_year = {r["type"]: r for r in page(figures, "headline_by_province_year")}
    for rows in (by_month, by_year):
        assert {t: (r["events"], r["total"]) for t, r in rows.items()} == {
            "deportation": (1, 9), "detention": (1, 68), "refusal_of_entry": (1, 5),
            "passport_issued": (1, 150)}
    assert {t: r["province"] for t, r in by_year.items()} == dict.fromkeys(by_year, "Banten")
    totals = {(r["type"], r["total"]) for r in page(figures, "event_totals_by_office")}
    assert totals == {("deportation", 9), ("detention", 68), ("refusal_of_entry", 5),
                      ("passport_issued", 150)}
    # the yearly figures are listed as period totals, never added to the events
    periods = {r["value"] for r in page(figures, "event_period_totals")}
    assert periods and periods <= {33818, 30195, 4562}
    # arrests_by_office and passports_by_office, the tables behind two of the queries
    assert page(figures, "arrests_by_office") == []
    [passports] = page(figures, "passports_by_office")
    assert (passports["passports"], passports["events"]) == (150, 1)


def test_each_figure_links_to_its_events_and_articles(figures):
    [row] = page(figures, "deportations_by_office")
    events = get_json(f"{figures}/{row['evidence'].replace('events?', 'events.json?')}"
                      "&_shape=array")
    assert [(e["value"], e["sentence"]) for e in events] == [(9, LEAD)]
    html = urllib_get(f"{figures}/deportations_by_office")
    link = re.search(r'<a href="(/angka/events\?[^"]+)"', html)
    assert link, "the evidence column is not a link"
    assert get_json(figures.rsplit("/", 1)[0] + link.group(1).replace("&amp;", "&")
                    .replace("/events?", "/events.json?") + "&_shape=array") == events
    [nationality] = [r for r in page(figures, "deportations") if r["code"] == "NG"]
    rows = get_json(f"{figures}/{nationality['evidence'].replace('?', '.json?', 1)}"
                    "&_shape=array")
    assert [(r["count"], r["event_id"]) for r in rows] == [(4, events[0]["event_id"])]


def test_each_headline_page_says_what_it_counts(figures):
    meta = get_json(figures.rsplit("/", 1)[0] + "/-/metadata.json")
    queries = meta["databases"]["angka"]["queries"]
    for name in ("deportations", "deportations_by_office", "arrests", "detentions",
                 "refusals", "passports", "applicants", "operations"):
        # Indonesian first, then English, each saying what is counted once
        indonesian, english = queries[name]["description"].split(" / ", 1)
        assert "once" in english and len(english) < 400, name
        assert "sekali" in indonesian, name
        assert " / " in queries[name]["title"], name  # Indonesian / English


def urllib_get(url: str) -> str:
    import urllib.request

    with urllib.request.urlopen(url, timeout=60) as r:
        return r.read().decode("utf-8")
