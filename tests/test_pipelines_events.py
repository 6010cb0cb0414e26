"""pipelines/events.py and pipelines/periods.py: one happening counted once, with its citations.

Issue 7. The fixture articles are invented: a press release of Kantor Imigrasi Kelas I TPI Serang
on its own site, four outlets' reprints with small edits, one outlet's independent report (with a
different total), a different deportation at the same office in the same week, and a year-end
summary. Facts are stored as the NLP stage would store them (pipelines.facts.store_facts).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sqlite_utils
from conftest import get_json

from nlp.schema import Award, Count, Evidence, Extraction, Nationality, Office
from pipelines.db import open_db
from pipelines.events import rebuild_events
from pipelines.facts import article_event, store_facts, sync_offices
from pipelines.periods import count_period
from pipelines.store import store_article
from pipelines.stories import rebuild_stories

OFFICE = {"office_id": "kanim-serang", "name": "Kantor Imigrasi Kelas I TPI Serang",
          "province": "Banten", "website": "serang.imigrasi.go.id"}

LEAD = ("Kantor Imigrasi Kelas I TPI Serang mendeportasi sembilan warga negara asing yang "
        "melanggar izin tinggal di wilayah Kabupaten Serang.")
BREAKDOWN = ("Kepala Kantor Imigrasi Kelas I TPI Serang, Andika Pratama, mengatakan kesembilan WNA "
             "itu terdiri atas empat warga Nigeria, tiga warga RRT dan dua warga Vietnam.")
RELEASE = " ".join([
    LEAD, BREAKDOWN,
    "Mereka diamankan dalam pengawasan rutin di kawasan industri Cikande pada awal bulan ini dan "
    "dipulangkan melalui Bandara Soekarno-Hatta dengan pengawalan petugas hingga pesawat lepas "
    "landas.",
    "Menurut Andika, sebagian besar WNA tersebut tinggal melebihi masa berlaku izin tinggal, "
    "sementara sisanya bekerja tanpa izin di pabrik pengolahan plastik.",
    "Nama para WNA juga diusulkan masuk daftar penangkalan agar tidak dapat kembali ke Indonesia "
    "dalam waktu tertentu.",
    "Ia mengimbau perusahaan dan pemilik penginapan melaporkan keberadaan orang asing kepada "
    "kantor imigrasi terdekat melalui aplikasi pelaporan orang asing yang tersedia secara daring.",
])
# The outlets' small edits: a dateline, a new opening line, a cut ending, a changed verb. The
# weekly "pos" runs it two weeks later, outside the date window: only the story joins it.
REPRINTS = [
    ("kabar", "2026-03-13", "SERANG – " + RELEASE),
    ("warta", "2026-03-14",
     "Imigrasi Serang kembali bertindak tegas. " + RELEASE.replace("RRT", "Tiongkok")),
    ("suara", "2026-03-15",
     RELEASE.rsplit(" Ia mengimbau", 1)[0].replace("mengatakan", "menjelaskan")),
    ("pos", "2026-03-27",
     RELEASE.replace("dipulangkan", "dideportasi") + " Kegiatan ini rutin digelar."),
]
INDEPENDENT = (
    "Sepuluh warga asing asal Nigeria dan Vietnam dipulangkan ke negara asalnya pekan ini. "
    "Wartawan kami menyaksikan rombongan itu dikawal petugas Kanim Serang di terminal "
    "keberangkatan. Menurut seorang petugas yang enggan disebut namanya, empat orang berasal dari "
    "Nigeria dan dua dari Vietnam, sisanya dari negara lain di Asia.")
OTHER_HAPPENING = (
    "Kantor Imigrasi Kelas I TPI Serang kembali mendeportasi dua warga negara asing asal Korea "
    "Selatan yang bekerja sebagai pelatih golf tanpa izin kerja di sebuah resor di Anyer.")
SUMMARY = (
    "Catatan akhir tahun Kantor Imigrasi Kelas I TPI Serang. Sepanjang 2026 Kanim Serang "
    "mendeportasi 112 WNA. Warga Nigeria menjadi yang terbanyak dengan 40 orang.")


def evidence(text: str, sentence: str) -> Evidence:
    start = text.index(sentence)
    return Evidence(sentence, start, start + len(sentence))


def deportation(text, lead, value, nationalities, breakdown=None) -> Extraction:
    """The facts the NLP stage gives for a deportation article."""
    breakdown = breakdown or lead
    return Extraction(
        offices=[Office("Kantor Imigrasi Kelas I TPI Serang", "kanim-serang",
                        evidence=evidence(text, lead))],
        counts=[Count(value, "WNA", "warga negara asing", "deportation", evidence(text, lead))],
        nationalities=[Nationality(code, code, count, evidence(text, breakdown))
                       for code, count in nationalities])


def add(db, article_id, source, host, published, text, extraction):
    store_article(db, {"article_id": article_id, "url": f"https://{host}/{article_id}",
                       "fetched_url": f"https://{host}/{article_id}", "source": source,
                       "title": text[:60], "published": published, "text": text,
                       "fetched_at": "2026-12-31T00:00:00"})
    store_facts(db, article_id, extraction, "test")


NATIONALITIES = [("NG", 4), ("CN", 3), ("VN", 2)]


@pytest.fixture
def events_db(db_path):
    return serang_articles(db_path)


def serang_articles(db_path):
    """A database of the fixture articles above, stories grouped, events not yet built."""
    db = open_db(db_path)
    sync_offices(db, [OFFICE])
    add(db, "release", "imigrasi-serang", "serang.imigrasi.go.id", "2026-03-13T09:00:00+07:00",
        RELEASE, deportation(RELEASE, LEAD, 9, NATIONALITIES, BREAKDOWN))
    for outlet, published, text in REPRINTS:
        add(db, f"reprint-{outlet}", outlet, f"{outlet}.example", published, text,
            deportation(text, LEAD, 9, NATIONALITIES, BREAKDOWN.replace(
                "mengatakan", "menjelaskan" if outlet == "suara" else "mengatakan").replace(
                "RRT", "Tiongkok" if outlet == "warta" else "RRT")))
    first = INDEPENDENT.split(". ")[0] + "."
    add(db, "independent", "radar", "radar.example", "2026-03-16T18:00:00+07:00", INDEPENDENT,
        deportation(INDEPENDENT, first, 10, [("NG", 4), ("VN", 2)],
                    INDEPENDENT[INDEPENDENT.index("Menurut"):]))
    add(db, "other", "kabar", "kabar.example", "2026-03-17", OTHER_HAPPENING,
        deportation(OTHER_HAPPENING, OTHER_HAPPENING, 2, [("KR", 2)]))
    second = SUMMARY.split(". ")[1] + "."
    third = SUMMARY.split(". ")[2]
    add(db, "summary", "kabar", "kabar.example", "2026-12-30", SUMMARY,
        deportation(SUMMARY, second, 112, [("NG", 40)], third))
    rebuild_stories(db)
    return db


def events_by_value(db) -> dict[int, dict]:
    return {e["value"]: e for e in db["events"].rows}


def test_one_event_per_happening(events_db):
    assert rebuild_events(events_db) == {"events": 3, "citations": 8, "shared": 1}
    events = events_by_value(events_db)
    assert sorted(events) == [2, 9, 112]
    assert {(e["type"], e["kind"], e["office_id"], e["date"]) for e in events.values()} == {
        ("deportation", "event", "kanim-serang", "2026-03-13"),
        ("deportation", "event", "kanim-serang", "2026-03-17"),
        ("deportation", "period_total", "kanim-serang", "2026-12-30")}


def test_citations_of_each_event_with_their_roles(events_db):
    rebuild_events(events_db)
    events = events_by_value(events_db)
    roles = {}
    for c in events_db["event_citations"].rows:
        roles.setdefault(c["event_id"], {})[c["article_id"]] = c["role"]
    assert roles[events[9]["event_id"]] == {
        "release": "press_release", "reprint-kabar": "reprint", "reprint-warta": "reprint",
        "reprint-suara": "reprint", "reprint-pos": "reprint", "independent": "independent"}
    assert roles[events[2]["event_id"]] == {"other": "independent"}
    assert roles[events[112]["event_id"]] == {"summary": "independent"}
    assert (events[9]["citations"], events[9]["outlets"], events[9]["article_id"]) == (
        6, 6, "release")


def test_conflicting_figures_are_kept_and_flagged_not_averaged(events_db):
    rebuild_events(events_db)
    event = events_by_value(events_db)[9]
    assert (event["value"], event["values_reported"], event["conflict"]) == (9, "9; 10", 1)
    values = {c["article_id"]: c["value"] for c in
              events_db["event_citations"].rows_where("event_id = ?", [event["event_id"]])}
    assert values["independent"] == 10 and values["release"] == 9


def test_deportations_by_nationality_count_each_person_once(events_db):
    rebuild_events(events_db)
    rows = {r["code"]: r for r in events_db["event_deportations_by_nationality"].rows}
    assert {code: (r["year"], r["events"], r["people"]) for code, r in rows.items()} == {
        "NG": (2026, 1, 4), "CN": (2026, 1, 3), "VN": (2026, 1, 2), "KR": (2026, 1, 2)}
    # The naive sum over articles counts the Nigerians of the release six times, plus the total.
    naive = events_db.execute("select sum(count) from nationalities where code = 'NG'").fetchone()
    assert naive[0] == 4 * 6 + 40


def test_period_total_is_marked_and_left_out_of_event_sums(events_db):
    rebuild_events(events_db)
    total = events_by_value(events_db)[112]
    assert (total["period_start"], total["period_end"]) == ("2026-01-01", "2026-12-31")
    rows = list(events_db["event_totals_by_office"].rows)
    assert [(r["type"], r["year"], r["events"], r["total"]) for r in rows] == [
        ("deportation", 2026, 2, 11)]
    assert [r["value"] for r in events_db["event_period_totals"].rows] == [112]


def test_coverage_views_count_citations(events_db):
    rebuild_events(events_db)
    [coverage] = events_db["event_coverage_by_office"].rows
    assert (coverage["events"], coverage["citations"], coverage["outlets"],
            coverage["press_releases"], coverage["reprints"], coverage["independent"]) == (
        3, 8, 6, 1, 4, 3)
    outlets = {r["value"]: r["outlets"] for r in events_db["event_outlets"].rows}
    assert outlets == {9: 6, 2: 1, 112: 1}


def test_rebuild_is_idempotent(events_db):
    rebuild_events(events_db)
    first = sorted(r["event_id"] for r in events_db["events"].rows)
    assert rebuild_events(events_db)["events"] == 3
    assert sorted(r["event_id"] for r in events_db["events"].rows) == first
    assert events_db["event_citations"].count == 8


def test_nlp_event_date_is_preferred_to_the_publication_date(db_path):
    db = open_db(db_path)
    sync_offices(db, [OFFICE])
    extraction = deportation(OTHER_HAPPENING, OTHER_HAPPENING, 2, [("KR", 2)])
    extraction.event_date = "2026-03-12"  # as the NLP stage will provide it (issue 7 notes)
    add(db, "dated", "kabar", "kabar.example", "2026-03-17", OTHER_HAPPENING, extraction)
    rebuild_events(db)
    [event] = db["events"].rows
    assert (event["date"], event["year"], event["month"]) == ("2026-03-12", 2026, "2026-03")


@pytest.mark.parametrize("event", [
    pytest.param(SimpleNamespace(type="deportation", date="2026-03-12"), id="event-object"),
    pytest.param({"type": "deportation", "date": "2026-03-12T10:00:00"}, id="event-dict"),
])
def test_article_event_reads_the_nlp_event_defensively(event):
    extraction = Extraction()
    assert article_event(extraction) == {"event_type": None, "event_date": None}
    extraction.event = event
    assert article_event(extraction) == {"event_type": "deportation", "event_date": "2026-03-12"}
    extraction.event = {"type": "other", "date": None}  # the NLP's default is no finding
    assert article_event(extraction) == {"event_type": None, "event_date": None}


def test_nlp_event_type_without_a_count_still_makes_an_event(db_path):
    db = open_db(db_path)
    sync_offices(db, [OFFICE])
    extraction = deportation(OTHER_HAPPENING, OTHER_HAPPENING, 2, [])
    extraction.event = {"type": "joint_operation", "date": "2026-03-10"}
    add(db, "raid", "kabar", "kabar.example", "2026-03-17", OTHER_HAPPENING, extraction)
    rebuild_events(db)
    got = sorted((e["type"], e["value"], e["date"], e["office_id"]) for e in db["events"].rows)
    assert got == [("deportation", 2, "2026-03-17", "kanim-serang"),
                   ("joint_operation", None, "2026-03-10", "kanim-serang")]


def test_nlp_story_types_cover_count_categories(db_path):
    # nlp/events.py says "service" for passport figures: the count's event takes its date, and
    # no figure-less "service" event is added beside it.
    db = open_db(db_path)
    sync_offices(db, [OFFICE])
    text = "Kantor Imigrasi Kelas I TPI Serang melayani 150 pemohon paspor pada Sabtu."
    extraction = Extraction(
        offices=[Office("Kantor Imigrasi Kelas I TPI Serang", "kanim-serang",
                        evidence=evidence(text, text))],
        counts=[Count(150, "pemohon", "pemohon paspor", "applicants_served",
                      evidence(text, text))])
    extraction.event = {"type": "service", "date": "2026-03-14"}
    add(db, "service", "kabar", "kabar.example", "2026-03-16", text, extraction)
    rebuild_events(db)
    got = [(e["type"], e["value"], e["date"]) for e in db["events"].rows]
    assert got == [("applicants_served", 150, "2026-03-14")]


def test_nlp_award_type_without_an_award_row_makes_no_event(db_path):
    # "Kanwil canangkan zona integritas, bidik WBBM 2027": an award story type, nothing received.
    db = open_db(db_path)
    sync_offices(db, [OFFICE])
    text = "Kantor Imigrasi Kelas I TPI Serang mencanangkan zona integritas menuju WBBM."
    extraction = Extraction(offices=[Office("Kantor Imigrasi Kelas I TPI Serang", "kanim-serang",
                                            evidence=evidence(text, text))])
    extraction.event = {"type": "award", "date": "2026-02-10"}
    add(db, "pledge", "kabar", "kabar.example", "2026-02-10", text, extraction)
    assert rebuild_events(db)["events"] == 0


def test_award_reports_merge_and_an_article_cites_an_event_once(db_path):
    # Article "a" names two predicates that a second outlet reports as one award.
    db = open_db(db_path)
    sync_offices(db, [OFFICE])
    for article_id, published, names in [
            ("a", "2026-06-01", ["predikat Zona Hijau Ombudsman", "predikat Zona Integritas WBK"]),
            ("b", "2026-06-20", ["predikat Zona Hijau Integritas WBK"])]:
        text = "Kantor Imigrasi Kelas I TPI Serang meraih " + " dan ".join(names) + "."
        extraction = Extraction(
            offices=[Office("Kantor Imigrasi Kelas I TPI Serang", "kanim-serang",
                            evidence=evidence(text, text))],
            awards=[Award(name, giver="Ombudsman RI", evidence=evidence(text, text))
                    for name in names])
        add(db, article_id, article_id, f"{article_id}.example", published, text, extraction)
    assert rebuild_events(db) == {"events": 1, "citations": 2, "shared": 1}
    [award] = db["event_awards_by_office"].rows
    assert (award["office_id"], award["year"], award["awards"], award["citations"]) == (
        "kanim-serang", 2026, 1, 2)


def test_old_events_table_is_upgraded_in_place(db_path):
    # The stub schema had no kind, period or citation columns.
    raw = sqlite_utils.Database(db_path)
    raw["events"].create({"event_id": str, "type": str, "value": int}, pk="event_id")
    raw.close()
    db = open_db(db_path)
    assert {"kind", "period_start", "conflict", "citations"} <= set(db["events"].columns_dict)
    assert "role" in db["event_citations"].columns_dict


@pytest.mark.parametrize(("sentence", "value", "ref_year", "expected"), [
    pytest.param("Pada aspek penegakan hukum, sepanjang 2025 Kanim Tangerang mendeportasi 87 WNA.",
                 87, 2025, ("period_total", "2025-01-01", "2025-12-31"), id="sepanjang-year"),
    pytest.param("Kanim Tangerang mendeportasi 87 WNA sepanjang 2025.",
                 87, 2025, ("period_total", "2025-01-01", "2025-12-31"), id="phrase-after"),
    pytest.param("Selama tahun 2024 petugas menolak 50 WNA di bandara.",
                 50, 2025, ("period_total", "2024-01-01", "2024-12-31"), id="selama-tahun"),
    pytest.param("Dari Januari hingga Maret 2022 tercatat 30 WNA dideportasi.",
                 30, 2022, ("period_total", "2022-01-01", "2022-03-31"), id="month-range"),
    pytest.param("Sejak 1 Januari hingga 18 Januari 2026, total 31 WNA ditolak masuk.",
                 31, 2026, ("period_total", "2026-01-01", "2026-01-18"), id="day-range"),
    pytest.param("Pada triwulan pertama 2026 sebanyak 40 WNA dideportasi.",
                 40, 2026, ("period_total", "2026-01-01", "2026-03-31"), id="quarter"),
    pytest.param("Sepanjang tahun ini Timpora sudah menggelar empat kali operasi gabungan.",
                 4, 2026, ("period_total", "2026-01-01", "2026-12-31"), id="tahun-ini"),
    pytest.param("Jumlah itu naik dibanding pada tahun sebelumnya yang sebanyak 30.195 paspor.",
                 30195, 2025, ("period_total", "2024-01-01", "2024-12-31"), id="tahun-sebelumnya"),
    # The comparison after a comma belongs to the other figure, not to this one.
    pytest.param("Kanim menerbitkan 33.818 paspor, naik 12 persen dibanding tahun sebelumnya.",
                 33818, 2025, ("event", None, None), id="comparison-after-comma"),
    # A law's year is not a period.
    pytest.param("Sebelas WNA dideportasi berdasarkan Pasal 75 UU Nomor 6 Tahun 2011.",
                 11, 2026, ("event", None, None), id="law-year"),
    pytest.param("Kanim Serang mendeportasi sebelas WNA pada Kamis (12/3/2026).",
                 11, 2026, ("event", None, None), id="single-date"),
    pytest.param("Selama dua hari, petugas melayani 120 pemohon.",
                 120, 2026, ("event", None, None), id="duration-not-period"),
])
def test_count_period(sentence, value, ref_year, expected):
    assert count_period(sentence, value, None, ref_year) == expected


def test_summary_article_period_applies_to_counts_without_their_own():
    assert count_period("Warga Nigeria terbanyak dengan 40 orang.", 40, None, 2026,
                        ("2026-01-01", "2026-12-31")) == ("period_total", "2026-01-01",
                                                          "2026-12-31")


# --- The demo site, through the Datasette JSON API ------------------------------------------


def rows(server: str, path: str) -> list[dict]:
    sep = "&" if "?" in path else "?"
    return get_json(f"{server}/pantau/{path}{sep}_shape=array&_size=max")


def test_demo_events_match_the_stories(demo_server):
    # Articles 01 and 02: one press release of Kanim Serang reprinted by two outlets.
    [serang] = rows(demo_server, "events.json?office_id=kanim-serang&type=deportation")
    assert (serang["kind"], serang["value"], serang["citations"], serang["outlets"],
            serang["conflict"], serang["month"]) == ("event", 11, 2, 2, 0, "2026-03")
    citations = rows(demo_server, f"event_citations.json?event_id={serang['event_id']}")
    assert sorted((c["source"], c["role"]) for c in citations) == [
        ("kabar-banten", "reprint"), ("warta-nusantara", "reprint")]
    # Article 03, the same office's operation that week, is not part of it.
    others = rows(demo_server, "events.json?office_id=kanim-serang&kind=event"
                  "&type__not=deportation")
    assert others and all(o["citations"] == 1 and o["date"] == "2026-03-18" for o in others)
    # The five Nigerians of articles 01/02 are counted once, though two articles report them.
    by_events = {r["code"]: r["people"] for r in
                 rows(demo_server, "event_deportations_by_nationality.json?year=2026")}
    by_table = {r["code"]: r["people"] for r in
                rows(demo_server, "deportations_by_nationality.json?year=2026")}
    assert (by_events["NG"], by_events["CN"], by_events["KR"]) == (5, 4, 2)
    assert by_table == by_events  # the headline table is built on events too (issue 18)


def test_demo_year_end_summary_is_a_period_total(demo_server):
    # Article 06: "sepanjang 2025 Kanim Tangerang mendeportasi 87 WNA".
    totals = rows(demo_server, "event_period_totals.json?office_id=kanim-tangerang"
                  "&type=deportation")
    assert [(t["value"], t["period_start"], t["period_end"]) for t in totals] == [
        (87, "2025-01-01", "2025-12-31")]
    sums = rows(demo_server, "event_totals_by_office.json?office_id=kanim-tangerang"
                "&type=deportation")
    assert sums == []


# --- Scale: one shape at a time gives the events of grouping everything at once ---------------

TANGERANG = {"office_id": "kanim-tangerang", "name": "Kantor Imigrasi Kelas I TPI Tangerang",
             "province": "Banten", "website": "tangerang.imigrasi.go.id"}


def grouped_at_once(db) -> list[tuple]:
    """Events as rebuild_events first built them: every candidate in memory, grouped together."""
    from pipelines.events import article_candidates, build_event, group_candidates

    provinces = {r["office_id"]: r["province"] for r in db["offices"].rows}
    facts = {t: {} for t in ("counts", "nationalities", "awards", "office_mentions")}
    for table, by_article in facts.items():
        for r in db[table].rows:
            by_article.setdefault(r["article_id"], []).append(r)
    candidates = []
    for a in db.query("select *, substr(text, 1, 400) as text from articles order by article_id"):
        aid = a["article_id"]
        candidates += article_candidates(
            a, facts["counts"].get(aid, []), facts["nationalities"].get(aid, []),
            facts["awards"].get(aid, []),
            sorted(facts["office_mentions"].get(aid, []), key=lambda m: m.get("start") or 0))
    events = [build_event(g, provinces) for g in group_candidates(candidates)]
    return sorted(((tuple(sorted(e.items())), sorted(tuple(sorted(c.items())) for c in cites),
                    sorted((n["event_id"], n["code"], n["count"]) for n in nats))
                   for e, cites, nats in events), key=by_event_id)


def stored_events(db) -> list[tuple]:
    cites, nats = {}, {}
    for c in db["event_citations"].rows:
        cites.setdefault(c["event_id"], []).append(tuple(sorted(c.items())))
    for n in db["event_nationalities"].rows:
        nats.setdefault(n["event_id"], []).append((n["event_id"], n["code"], n["count"]))
    return sorted(((tuple(sorted(e.items())), sorted(cites.get(e["event_id"], [])),
                    sorted(nats.get(e["event_id"], []))) for e in db["events"].rows),
                  key=by_event_id)


def by_event_id(event: tuple) -> str:
    return dict(event[0])["event_id"]


def test_shapes_merged_apart_give_the_events_of_one_global_grouping(events_db, monkeypatch):
    import pipelines.event_rebuild as event_rebuild

    sync_offices(events_db, [OFFICE, TANGERANG])
    # Another office and more types: one article reports two offices, another an award.
    two = ("Kantor Imigrasi Kelas I TPI Tangerang mendeportasi sembilan warga negara asing. "
           "Kantor Imigrasi Kelas I TPI Serang menolak masuk empat warga Nigeria.")
    first, second = two.split(". ")
    add(events_db, "two-offices", "radar", "radar.example", "2026-03-14", two, Extraction(
        offices=[Office("Kantor Imigrasi Kelas I TPI Tangerang", "kanim-tangerang",
                        evidence=evidence(two, first + ".")),
                 Office("Kantor Imigrasi Kelas I TPI Serang", "kanim-serang",
                        evidence=evidence(two, second))],
        counts=[Count(9, "WNA", "warga negara asing", "deportation", evidence(two, first + ".")),
                Count(4, "WNA", "warga Nigeria", "refusal_of_entry", evidence(two, second))],
        nationalities=[Nationality("NG", "Nigeria", 4, evidence(two, second))]))
    award = "Kantor Imigrasi Kelas I TPI Tangerang meraih predikat Zona Integritas WBK."
    add(events_db, "award", "kabar", "kabar.example", "2026-03-20", award, Extraction(
        offices=[Office("Kantor Imigrasi Kelas I TPI Tangerang", "kanim-tangerang",
                        evidence=evidence(award, award))],
        awards=[Award("predikat Zona Integritas WBK", giver="Kemenpan RB",
                      evidence=evidence(award, award))]))
    rebuild_stories(events_db)
    monkeypatch.setattr(event_rebuild, "CANDIDATE_BATCH", 2)  # each read and write: 2 batches
    result = rebuild_events(events_db)
    expected = grouped_at_once(events_db)
    assert result == {"events": len(expected), "citations": sum(len(e[1]) for e in expected),
                      "shared": sum(len(e[1]) > 1 for e in expected)}
    assert len(expected) == 6
    assert stored_events(events_db) == expected
    # Candidates computed by worker processes over id ranges: the same events.
    for workers in (2, 3):
        assert rebuild_events(events_db, workers=workers) == result
        assert stored_events(events_db) == expected


def test_split_points_cut_the_articles_into_ranges(events_db):
    from pipelines.event_rebuild import _split_points

    ids = [r[0] for r in events_db.execute(
        "select article_id from articles where on_topic is not 0 order by 1")]
    points = _split_points(events_db, 3)
    assert len(points) == 2 and points == sorted(points) and set(points) <= set(ids)
    sizes = [sum(lo <= i < hi for i in ids)
             for lo, hi in zip(["", *points], [*points, "\uffff"], strict=True)]
    assert max(sizes) - min(sizes) <= 1


def citation_role(cand: dict, group: list[dict]) -> str:
    """The citation rule as first written, one citation at a time (quadratic per event)."""
    if cand["office_site"]:
        return "press_release"
    own = [c for c in group if c["office_site"]]
    peers = own or [c for c in group if c["article_id"] != cand["article_id"]]
    if cand["story_id"] and any(p["story_id"] == cand["story_id"] for p in peers):
        return "reprint"
    return "independent"


def test_citation_roles_equal_citation_role_for_every_member():
    import random

    from pipelines.events import citation_roles

    rng = random.Random(5)
    seen = set()
    for _ in range(300):
        group = [{"article_id": f"a{rng.randrange(6)}", "story_id": rng.choice([None, "s1", "s2"]),
                  "office_site": rng.random() < 0.2} for _ in range(rng.randint(1, 8))]
        roles = citation_roles(group, group)
        assert roles == [citation_role(c, group) for c in group]
        seen.update(roles)
    assert seen == {"press_release", "reprint", "independent"}
