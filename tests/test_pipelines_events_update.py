"""pipelines/event_update.py update_events: after new, re-extracted or regrouped articles, only the
events they touch are recomputed, and the events are those a rebuild from scratch gives.

The reference is grouped_at_once (every candidate of the database grouped together), as for
rebuild_events. The random articles are invented from a few sentence templates, so that some
are near-duplicates (one story), some fall within the date window of others, and some are
year totals.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from test_pipelines_events import (
    OFFICE,
    TANGERANG,
    add,
    deportation,
    evidence,
    grouped_at_once,
    serang_articles,
    stored_events,
)

import pipelines.event_rebuild as event_rebuild
import pipelines.event_update as event_update
from nlp.schema import Award, Count, Extraction, Nationality, Office
from pipelines.db import open_db
from pipelines.events import rebuild_events, update_events
from pipelines.facts import store_facts, sync_offices
from pipelines.stories import rebuild_stories

OFFICES = {o["office_id"]: o for o in (OFFICE, TANGERANG)}
NAMES = {"kanim-serang": "Kantor Imigrasi Kelas I TPI Serang",
         "kanim-tangerang": "Kantor Imigrasi Kelas I TPI Tangerang"}
VERBS = {"deportation": "mendeportasi", "arrest": "menangkap"}
# Words of the sentences after the lead: drawn at random, so two articles are near-duplicates
# (one story) only when one reprints the other.
WORDS = ("petugas memeriksa dokumen perjalanan izin tinggal orang asing ruang detensi proses "
         "pemulangan kawasan industri permukiman warga melaporkan aktivitas mereka kepala kantor "
         "mengimbau pemilik penginapan perusahaan wilayah aplikasi pelaporan daring sebagian "
         "bekerja tanpa proyek konstruksi sementara lain melebihi masa berlaku kedatangan "
         "bandara pelabuhan operasi gabungan pengawasan kepolisian pemerintah daerah").split()
OUTLETS = ["kabar", "warta", "radar", "suara"]


def tail(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(30)).capitalize() + "."


def office_extraction(office_id: str, text: str, lead: str) -> list[Office]:
    return [Office(NAMES[office_id], office_id, evidence=evidence(text, lead))]


def random_article(rng: random.Random) -> tuple[str, str, str, Extraction]:
    """(outlet, published, text, extraction) of an invented article."""
    office_id = rng.choice(list(NAMES))
    day = date(2026, 1, 1) + timedelta(days=rng.randrange(150))
    outlet = rng.choice(OUTLETS)
    roll = rng.random()
    if roll < 0.15:  # a year's total: joins every total of its office and year
        value = rng.choice([112, 120])
        lead = f"Sepanjang 2026 {NAMES[office_id]} mendeportasi {value} WNA."
        text = f"Catatan akhir tahun. {lead} {tail(rng)}"
        return outlet, "2026-12-30", text, deportation_of(office_id, text, lead, value, [])
    if roll < 0.25:  # an award: joins reports of it within a month
        name = rng.choice(["predikat Zona Integritas WBK", "predikat Zona Integritas WBBM"])
        lead = f"{NAMES[office_id]} meraih {name}."
        text = f"{lead} {tail(rng)}"
        return outlet, day.isoformat(), text, Extraction(
            offices=office_extraction(office_id, text, lead),
            awards=[Award(name, giver="Kemenpan RB", evidence=evidence(text, lead))])
    category = rng.choice(list(VERBS))
    value = rng.choice([2, 9, 10])
    lead = f"{NAMES[office_id]} {VERBS[category]} {value} warga negara asing."
    text = f"{lead} {tail(rng)}"
    nationalities = rng.sample([("NG", 4), ("VN", 2), ("CN", 3)], rng.randrange(3))
    return outlet, day.isoformat(), text, deportation_of(office_id, text, lead, value,
                                                          nationalities, category)


def deportation_of(office_id, text, lead, value, nationalities, category="deportation"):
    return Extraction(
        offices=office_extraction(office_id, text, lead),
        counts=[Count(value, "WNA", "warga negara asing", category, evidence(text, lead))],
        nationalities=[Nationality(code, code, n, evidence(text, lead))
                       for code, n in nationalities])


def add_random(db, rng: random.Random, article_id: str) -> None:
    outlet, published, text, extraction = random_article(rng)
    add(db, article_id, outlet, f"{outlet}.example", published, text, extraction)


@pytest.fixture
def events_db(db_path):
    return serang_articles(db_path)


@pytest.fixture
def counted(monkeypatch) -> list:
    """The events each update builds: build_event's calls, recorded."""
    built = []
    build = event_rebuild.build_event

    def recording(group, provinces):
        built.append({c["article_id"] for c in group})
        return build(group, provinces)

    monkeypatch.setattr(event_rebuild, "build_event", recording)
    return built


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_updates_give_the_events_of_a_rebuild(db_path, monkeypatch, counted, seed):
    monkeypatch.setattr(event_update, "FULL_SHARE", 1.0)  # never fall back to a rebuild here
    rng = random.Random(seed)
    db = open_db(db_path)
    sync_offices(db, list(OFFICES.values()))
    for i in range(30):
        add_random(db, rng, f"a{i:03d}")
    rebuild_stories(db)
    assert update_events(db)["rebuilt"]  # the first run: nothing to update from
    assert stored_events(db) == grouped_at_once(db)
    partial = 0
    for step in range(8):
        ids = [r[0] for r in db.execute("select article_id from articles")]
        action = step % 4
        if action == 0:  # new articles
            for k in range(rng.randint(1, 3)):
                add_random(db, rng, f"n{step}-{k}")
        elif action == 1:  # the NLP stage finds other facts in old articles
            for article_id in rng.sample(ids, 2):
                extraction = random_article(rng)[3]
                store_facts(db, article_id, extraction if rng.random() < 0.7 else Extraction(),
                            "test")
        elif action == 2:  # an outlet rewrites an article: new text, new story, new facts
            article_id = rng.choice(ids)
            outlet, published, text, extraction = random_article(rng)
            add(db, article_id, outlet, f"{outlet}.example", published, text, extraction)
        else:  # a reprint of an old article: same text, joins its story
            source = db["articles"].get(rng.choice(ids))
            facts = db.execute("select count(*) from counts where article_id = ?",
                               [source["article_id"]]).fetchone()[0]
            # The reprint's facts are the same as its source's, or found where it had none.
            extraction = random_article(rng)[3] if not facts else None
            add(db, f"r{step}", "suara", "suara.example", source["published"], source["text"],
                extraction or Extraction())
            if facts:
                for table in ("counts", "office_mentions", "nationalities", "awards"):
                    rows = [{**r, "fact_id": r["fact_id"].replace(source["article_id"], f"r{step}"),
                             "article_id": f"r{step}"} for r in db[table].rows_where(
                                 "article_id = ?", [source["article_id"]])]
                    db[table].insert_all(rows)
        rebuild_stories(db)
        counted.clear()
        result = update_events(db)
        recomputed = len(counted)
        assert not result["rebuilt"] and result["queued"] >= 1
        expected = grouped_at_once(db)
        assert stored_events(db) == expected, f"step {step}"
        assert (result["events"], result["citations"]) == (
            len(expected), sum(len(e[1]) for e in expected))
        assert db.execute("select count(*) from event_pending").fetchone()[0] == 0
        partial += recomputed < len(expected)
    # Most updates recompute a part of the events, not all of them.
    assert partial >= 4


def add_tangerang(db, article_id: str, outlet: str, published: str, text: str, value: int):
    """A one-sentence article: Kanim Tangerang deported `value` foreigners."""
    add(db, article_id, outlet, f"{outlet}.example", published, text, Extraction(
        offices=office_extraction("kanim-tangerang", text, text),
        counts=[Count(value, "WNA", "warga negara asing", "deportation", evidence(text, text))]))


def test_an_update_recomputes_only_the_events_it_touches(events_db, counted):
    rebuild_events(events_db)
    before = stored_events(events_db)
    counted.clear()
    # A Tangerang deportation: no Serang event can change.
    sync_offices(events_db, [OFFICE, TANGERANG])
    text = "Kantor Imigrasi Kelas I TPI Tangerang mendeportasi tiga warga negara asing asal Mesir."
    add_tangerang(events_db, "tangerang", "kabar", "2026-03-14", text, 3)
    rebuild_stories(events_db)
    result = update_events(events_db)
    assert result == {"events": 4, "citations": 9, "shared": 1, "rebuilt": True, "queued": 1}
    # The offices changed (Tangerang added): the inputs differ, so that run rebuilt. Now add
    # one more with the same inputs.
    counted.clear()
    # Another happening: five weeks later, another story (no sentence in common).
    text2 = ("Dua warga Sudan dipulangkan Kantor Imigrasi Kelas I TPI Tangerang lewat Bandara "
             "Soekarno-Hatta setelah masa tinggal mereka habis.")
    add_tangerang(events_db, "tangerang-2", "radar", "2026-04-20", text2, 2)
    rebuild_stories(events_db)
    result = update_events(events_db)
    assert result == {"events": 5, "citations": 10, "shared": 1, "rebuilt": False, "queued": 1}
    assert counted == [{"tangerang-2"}]  # one event built; the four others kept as they were
    assert [e for e in stored_events(events_db) if e in before] == before
    assert stored_events(events_db) == grouped_at_once(events_db)


def test_a_new_reprint_joins_its_story_event(events_db, counted):
    rebuild_events(events_db)
    release = events_db["articles"].get("release")
    facts = deportation(release["text"], release["text"].split(". ")[0] + ".", 9, [("NG", 4)])
    # Published a month later: outside the date window, only the story joins it.
    add(events_db, "reprint-late", "harian", "harian.example", "2026-04-20", release["text"],
        facts)
    rebuild_stories(events_db)
    counted.clear()
    result = update_events(events_db)
    assert not result["rebuilt"]
    [nine] = [e for e in events_db["events"].rows if e["value"] == 9]
    cited = {c["article_id"] for c in events_db["event_citations"].rows_where(
        "event_id = ?", [nine["event_id"]])}
    assert "reprint-late" in cited and "release" in cited
    assert len(counted) == 1  # that event alone: the other happening and the total untouched
    assert stored_events(events_db) == grouped_at_once(events_db)


def test_facts_cleared_split_what_they_joined(events_db):
    rebuild_events(events_db)
    # Without the release's facts its reprints still form one event (their story).
    store_facts(events_db, "release", Extraction(), "test")
    result = update_events(events_db)
    assert not result["rebuilt"]
    assert "release" not in {c["article_id"] for c in events_db["event_citations"].rows}
    assert stored_events(events_db) == grouped_at_once(events_db)


def test_changed_inputs_rebuild_everything(events_db):
    rebuild_events(events_db)
    assert update_events(events_db) == {"events": 3, "citations": 8, "shared": 1,
                                        "rebuilt": False, "queued": 0}
    sync_offices(events_db, [{**OFFICE, "province": "Jawa Barat"}])  # a corrected gazetteer
    assert update_events(events_db)["rebuilt"]
    assert {e["province"] for e in events_db["events"].rows} == {"Jawa Barat"}


def test_many_queued_articles_rebuild_everything(events_db, monkeypatch):
    rebuild_events(events_db)
    for article_id in ("release", "summary"):
        store_facts(events_db, article_id, Extraction(), "test")
    monkeypatch.setattr(event_update, "FULL_SHARE", 0.1)  # 2 of 9 articles is above a tenth
    assert update_events(events_db)["rebuilt"]
    assert stored_events(events_db) == grouped_at_once(events_db)


def test_an_update_too_large_for_memory_rebuilds_instead(events_db, monkeypatch, counted):
    rebuild_events(events_db)
    release = events_db["articles"].get("release")
    add(events_db, "reprint-late", "harian", "harian.example", "2026-04-20", release["text"],
        deportation(release["text"], release["text"].split(". ")[0] + ".", 9, [("NG", 4)]))
    rebuild_stories(events_db)
    monkeypatch.setattr(event_update, "UPDATE_MAX_CITATIONS", 5)  # its event: 6 citations
    counted.clear()
    result = update_events(events_db)
    assert result["rebuilt"] and result["queued"] == 1
    assert len(counted) == result["events"]  # every event built again
    assert stored_events(events_db) == grouped_at_once(events_db)
    assert events_db.execute("select count(*) from event_pending").fetchone()[0] == 0
