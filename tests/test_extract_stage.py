"""pipelines/extract.py: the extract stage does pending work only, atomic batches, kill -9 safe."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time

import pytest
import sqlite_utils
from conftest import PANTAU, ROOT, run_pantau

from core.settings import setting
from nlp.gazetteer import load_offices
from nlp.schema import Count, Evidence, Extraction, Nationality, Office
from pantau.demo_site import load_articles
from pipelines.db import open_db
from pipelines.facts import store_facts_batch, sync_offices
from pipelines.store import store_article

FACT_TABLES = ("office_mentions", "officials", "nationalities", "counts", "awards")


def build_db(path, copies: int, first: int = 0) -> int:
    """A database of the demo articles, each stored `copies` times under different URLs (copies
    numbered from `first`: more copies can be added to an existing database). Copies after the
    first come from other outlets, as reprints: one outlet's identical texts are stored once."""
    db = open_db(path)
    articles = load_articles(setting("demo_site") / "articles")
    n = 0
    for c in range(first, first + copies):
        for a in articles:
            source = a.outlet if c == 0 else f"{a.outlet}-{c}"
            store_article(db, {"article_id": f"{c:04d}-{a.slug}"[:40], "source": source,
                               "url": f"https://x.example/{c}/{a.slug}",
                               "fetched_url": f"https://x.example/{c}/{a.slug}", "title": a.title,
                               "published": a.published, "text": a.text,
                               "fetched_at": "2026-11-01T00:00:00+00:00"})
            n += 1
    db.close()
    return n


def table_rows(path, tables: tuple[str, ...]) -> dict:
    """Every row of each table, in primary-key order (the first column)."""
    conn = sqlite3.connect(path)
    out = {t: conn.execute(f"select * from {t} order by 1").fetchall() for t in tables}
    conn.close()
    return out


def facts(path) -> dict:
    return table_rows(path, FACT_TABLES)


def test_second_extract_does_nothing(db_path):
    build_db(db_path, 1)
    first = run_pantau("extract", "--db", db_path, check=True)
    assert "extracted 17 articles" in first.stderr
    # The phases after the NLP are announced as they start (minutes each at a million).
    assert [line.split(":")[0] for line in first.stderr.splitlines()
            if line.endswith("...")] == ["stories", "events", "summaries"]
    before = facts(db_path)
    second = run_pantau("extract", "--db", db_path, check=True)
    assert "extracted 0 articles" in second.stderr
    assert facts(db_path) == before


EVENT_TABLES = ("events", "event_citations", "event_nationalities")


def event_rows(path) -> dict:
    return table_rows(path, EVENT_TABLES)


def test_a_later_extract_updates_the_events_to_those_of_one_run(tmp_path):
    once, later = tmp_path / "once.db", tmp_path / "later.db"
    build_db(once, 7)
    run_pantau("extract", "--db", once, check=True)
    build_db(later, 6)
    first = run_pantau("extract", "--db", later, check=True)
    assert "events (all rebuilt)" in first.stderr
    build_db(later, 1, first=6)  # the next day's 17 articles (of 119: under FULL_SHARE)
    second = run_pantau("extract", "--db", later, check=True)
    assert "extracted 17 articles" in second.stderr
    assert "events (updated for 17 new or changed articles)" in second.stderr
    assert event_rows(later) == event_rows(once)
    assert len(event_rows(later)["events"]) > 10


def facts_of(path, article_ids: set[str]) -> dict:
    """The fact rows of some articles only, per table."""
    return {t: [r for r in rows if r[1] in article_ids] for t, rows in facts(path).items()}


def extracted_ids(path) -> set[str]:
    conn = sqlite3.connect(path)
    ids = {r[0] for r in conn.execute("select article_id from articles "
                                      "where extracted_at is not null")}
    conn.close()
    return ids


def test_kill_9_halfway_then_rerun_loses_and_duplicates_nothing(tmp_path):
    killed, clean = tmp_path / "killed.db", tmp_path / "clean.db"
    total = build_db(killed, 6)
    build_db(clean, 6)
    run_pantau("extract", "--db", clean, check=True)

    batch = 10
    proc = subprocess.Popen([*PANTAU, "extract", "--db", str(killed), "--batch-size", str(batch)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done = 0
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        done = sqlite_utils.Database(killed)["articles"].count_where("extracted_at is not null")
        if done >= total // 3:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "extraction ended before the kill point"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 0 < done < total

    # Whole batches or nothing: every extracted article has all its facts, no other has any.
    stored = extracted_ids(killed)
    assert len(stored) % batch == 0 and 0 < len(stored) < total
    assert facts(killed) == facts_of(clean, stored)

    run_pantau("extract", "--db", killed, check=True)
    db = sqlite_utils.Database(killed)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert db["articles"].count_where("extracted_at is null") == 0
    assert facts(killed) == facts(clean)


def test_batches_fill_the_derived_columns_per_fact(db_path):
    """Outlet, date, office and province of each fact, for several articles in one batch."""
    db = open_db(db_path)
    sync_offices(db, load_offices())
    serang = next(o for o in load_offices() if o["office_id"] == "kanim-serang")
    other = next(o for o in load_offices() if o["province"] and o["province"] != serang["province"])
    first = Evidence(f"{serang['name']} memeriksa dokumen.", 0, 40)
    second = Evidence(f"{other['name']} mendeportasi 11 WNA asal Nigeria.", 41, 90)
    third = Evidence("Mereka bekerja tanpa izin.", 91, 120)
    for n, published in ((1, "2025-03-14T09:30:00+07:00"), (2, "2024-12-31T23:00:00+07:00")):
        store_article(db, {"article_id": f"a{n}", "url": f"https://k.example/{n}", "source":
                           f"outlet-{n}", "title": "Judul", "published": published,
                           "text": "Isi.", "fetched_at": "2026-11-01T00:00:00+00:00"})
    extraction = Extraction(
        offices=[Office(serang["name"], "kanim-serang", "kantor_imigrasi", first),
                 Office(other["name"], other["office_id"], other["kind"], second)],
        nationalities=[Nationality("NG", "Nigeria", 11, second)],
        counts=[Count(11, "WNA", "WNA dideportasi", "deportation", second),
                Count(3, "WNA", "WNA", "other", third)])
    assert store_facts_batch(db, [("a1", extraction), ("a2", extraction)], "test") == 10
    rows = db.execute("select fact_id, office_id, province, source, published_date, year, month "
                      "from counts union all select fact_id, office_id, province, source, "
                      "published_date, year, month from nationalities order by 1").fetchall()
    expected = []
    for n, day in ((1, "2025-03-14"), (2, "2024-12-31")):
        where = (f"outlet-{n}", day, int(day[:4]), day[:7])
        expected += [
            # same sentence as the second office; no office in its sentence: the first one
            (f"a{n}-0", other["office_id"], other["province"], *where),
            (f"a{n}-0", other["office_id"], other["province"], *where),
            (f"a{n}-1", "kanim-serang", serang["province"], *where)]
    assert sorted(rows) == sorted(expected)
    assert db["articles"].count_where("extracted_at is not null and nlp_version = 'test'") == 2


def test_derived_columns_of_the_batches_equal_the_sql_of_refresh_derived(tmp_path, monkeypatch):
    """store_facts_batch derives in Python what refresh_derived's UPDATE derives in SQL."""
    import pipelines.facts
    from pipelines.db import refresh_derived
    from pipelines.extract import run_extract

    python, sql = tmp_path / "python.db", tmp_path / "sql.db"
    for path in (python, sql):
        build_db(path, 2)
    run_extract(python)
    with monkeypatch.context() as m:  # facts stored as extracted, then derived by the UPDATE
        m.setattr(pipelines.facts, "_derive", lambda tables, article, provinces: None)
        run_extract(sql)
    db = open_db(sql, create=False)
    assert db.execute("select count(*) from counts where year is not null").fetchone()[0] == 0
    with db.conn:
        refresh_derived(db)
    # Some counts take the office of another sentence: the attribution rules are exercised.
    assert db.execute("select count(*) from counts c join office_mentions m on m.article_id = "
                      "c.article_id and m.office_id = c.office_id and m.sentence != c.sentence"
                      ).fetchone()[0] > 0
    db.close()
    derived = facts(python)
    assert sum(len(rows) for rows in derived.values()) > 100
    assert derived == facts(sql)


@pytest.mark.parametrize("workers", [1, 2])
def test_extract_computes_the_story_signatures_so_stories_hash_nothing(tmp_path, monkeypatch,
                                                                       workers):
    import pipelines.extract
    import pipelines.stories as stories
    import pipelines.story_signatures as story_signatures

    path = tmp_path / "pantau.db"
    build_db(path, 2)
    db = open_db(path, create=False)
    db.execute("update articles set on_topic = 0 where article_id = "
               "(select min(article_id) from articles)")  # no text goes to the NLP: hashed later
    db.close()
    hashed = []
    real = story_signatures.signature_blob

    def counting_rebuild(db):
        """rebuild_stories, noting each text the stories phase hashes itself."""
        with monkeypatch.context() as m:
            m.setattr(story_signatures, "signature_blob",
                      lambda text: hashed.append(text) or real(text))
            return stories.rebuild_stories(db)

    monkeypatch.setattr(pipelines.extract, "rebuild_stories", counting_rebuild)
    pipelines.extract.run_extract(path, workers=workers)
    off_topic = sqlite3.connect(path).execute(
        "select text from articles where on_topic = 0").fetchone()[0]
    assert hashed == [off_topic]
    hashed.clear()
    db = open_db(path, create=False)
    texts = dict(db.execute("select article_id, text from articles").fetchall())
    signatures = dict(db.execute(
        f"select article_id, signature from {stories.SIGNATURE_TABLE}").fetchall())
    # Every article has the signature of its stored text; the demo's reprints share stories.
    assert signatures == {a: stories.signature_blob(t) for a, t in texts.items()}
    assert db.execute(f"select count(*) from {stories.PENDING_TABLE}").fetchone()[0] == 0
    story_of = dict(db.execute("select article_id, story_id from articles").fetchall())
    assert all(story_of[a] == story_of["0001" + a[4:]] for a in texts if a.startswith("0000"))
    # A second grouping (nothing new) hashes nothing and changes no story.
    before = db.execute("select article_id, story_id from articles order by 1").fetchall()
    monkeypatch.setattr(story_signatures, "signature_blob",
                        lambda text: hashed.append(text) or real(text))
    stories.rebuild_stories(db)
    assert hashed == []
    assert db.execute("select article_id, story_id from articles order by 1").fetchall() == before


def test_a_run_stopped_before_the_events_is_finished_by_the_next(tmp_path, monkeypatch):
    import pipelines.extract as extract

    once, stopped = tmp_path / "once.db", tmp_path / "stopped.db"
    build_db(once, 2)
    run_pantau("extract", "--db", once, check=True)
    build_db(stopped, 2)

    def killed(*args):
        raise KeyboardInterrupt  # as a kill after the last batch was stored

    monkeypatch.setattr(extract, "update_events", killed)
    with pytest.raises(KeyboardInterrupt):
        extract.run_extract(stopped)
    assert event_rows(stopped)["events"] == []
    monkeypatch.undo()
    result = extract.run_extract(stopped)
    assert result["articles"] == 0  # every article was extracted by the stopped run
    assert result["events"] > 0 and result["events_rebuilt"]
    assert event_rows(stopped) == event_rows(once)


def index_sql(path) -> list:
    conn = sqlite3.connect(path)
    out = conn.execute("select name, sql from sqlite_master where type = 'index' "
                       "order by name").fetchall()
    conn.close()
    return out


def test_a_bulk_run_drops_the_fact_indexes_and_gives_the_same_tables(tmp_path, monkeypatch):
    """A first extraction of many articles (pipelines/extract.py BULK_ARTICLES) stores the facts
    without the fact tables' secondary indexes and creates them at the end: the same facts,
    events and indexes as a run that keeps them."""
    import pipelines.extract as extract

    bulk, kept = tmp_path / "bulk.db", tmp_path / "kept.db"
    build_db(bulk, 3)
    build_db(kept, 3)
    indexes = index_sql(kept)
    monkeypatch.setattr(extract, "BULK_ARTICLES", 10**9)
    extract.run_extract(kept)
    seen = []
    real = extract.store_prepared_batch

    def spy(db, batch, version):
        seen.append({r[0] for r in db.execute("select name from sqlite_master where "
                                              "type = 'index'")})
        return real(db, batch, version)

    monkeypatch.setattr(extract, "store_prepared_batch", spy)
    monkeypatch.setattr(extract, "BULK_ARTICLES", 10)
    extract.run_extract(bulk, batch_size=20)
    # While storing, only article_id's index is left on a fact table; after it, every index.
    assert seen and all("idx_counts_article_id" in s and "idx_counts_category_year" not in s
                        for s in seen)
    assert index_sql(bulk) == index_sql(kept) == indexes
    tables = (*FACT_TABLES, *EVENT_TABLES, "stories")
    assert table_rows(bulk, tables) == table_rows(kept, tables)
    assert len(table_rows(bulk, ("counts",))["counts"]) > 10


def test_a_bulk_run_killed_midway_gets_its_indexes_back_at_the_next_open(tmp_path, monkeypatch):
    import pipelines.extract as extract

    path = tmp_path / "killed.db"
    build_db(path, 2)
    indexes = index_sql(path)
    monkeypatch.setattr(extract, "BULK_ARTICLES", 10)

    def crash(db, batch, version):
        raise KeyboardInterrupt  # the block's end still runs: killed for real, it does not

    monkeypatch.setattr(extract, "store_prepared_batch", crash)
    with pytest.raises(KeyboardInterrupt):
        extract.run_extract(path)
    assert index_sql(path) == indexes
    # A kill -9 skips the block's end: the next open_db creates what is missing.
    conn = sqlite3.connect(path)
    conn.execute("drop index idx_counts_category_year")
    conn.close()
    open_db(path).close()
    assert index_sql(path) == indexes


def story_rows(path) -> dict:
    conn = sqlite3.connect(path)
    out = {"stories": conn.execute("select * from stories order by 1").fetchall(),
           "articles": conn.execute("select article_id, story_id from articles "
                                    "order by 1").fetchall()}
    conn.close()
    return out


def test_stories_and_events_updated_day_by_day_equal_those_of_one_run(tmp_path, monkeypatch):
    """The update paths (stories seeded by the last grouping, events of the queued articles)
    give the tables one run over all the articles gives."""
    import pipelines.stories as stories
    from pipelines.extract import run_extract

    seeded = []
    real = stories.components

    def spy(sigs, valid, seed=None, new=None):
        seeded.append(seed is not None)
        return real(sigs, valid, seed=seed, new=new)

    monkeypatch.setattr(stories, "components", spy)

    once, later = tmp_path / "once.db", tmp_path / "later.db"
    build_db(once, 6)
    run_extract(once)
    build_db(later, 4)
    run_extract(later)
    for day in (4, 5):  # two more days, each of 17 articles (reprints of the first day's)
        build_db(later, 1, first=day)
        result = run_extract(later)
        assert result["articles"] == 17 and result["events_rebuilt"] is False
        assert seeded[-1]  # grouped from the last run's stories, comparing the new rows only
    assert story_rows(later) == story_rows(once)
    assert event_rows(later) == event_rows(once)
    assert sum(r[5] > 1 for r in story_rows(once)["stories"]) > 5  # stories of 2+ articles


def test_an_article_stored_again_while_it_was_extracted_stays_pending(tmp_path, monkeypatch):
    """The workers read the articles before the batch is stored: an article a crawl changed
    in between keeps no facts of its old text and is extracted by the next run."""
    import pipelines.extract as extract

    path = tmp_path / "pantau.db"
    build_db(path, 1)
    target = sqlite3.connect(path).execute("select min(article_id) from articles").fetchone()[0]
    real = extract._extract_ids

    def then_a_crawl_changes_it(ids):
        rows = real(ids)
        if target in ids:
            db = open_db(path, create=False)
            store_article(db, {**db["articles"].get(target), "text": "Teks baru sama sekali.",
                               "fetched_at": "2026-11-02T00:00:00+00:00"})
            db.close()
        return rows

    monkeypatch.setattr(extract, "_extract_ids", then_a_crawl_changes_it)
    first = extract.run_extract(path)
    assert first["articles"] == 16
    assert target not in extracted_ids(path)
    assert not [r for rows in facts(path).values() for r in rows if r[1] == target]
    monkeypatch.setattr(extract, "_extract_ids", real)
    second = extract.run_extract(path)
    assert second["articles"] == 1 and target in extracted_ids(path)
