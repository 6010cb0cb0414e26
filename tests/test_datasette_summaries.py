"""The analysts' aggregates (pipelines.schema.SUMMARIES): tables equal to their SQL definition."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import sqlite_utils
from conftest import PANTAU, ROOT, free_port, get_json, wait_until_responds

from nlp.schema import Extraction
from pipelines.db import open_db, refresh_summaries, refresh_summaries_if_stale
from pipelines.facts import store_facts
from pipelines.schema import LEGACY_SUMMARY_TABLES, SUMMARIES


@pytest.fixture
def own_db(demo_db, tmp_path) -> Path:
    """A copy of the demo database, free to change."""
    copy = tmp_path / "pantau.db"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{demo_db}{suffix}").exists():
            shutil.copy(f"{demo_db}{suffix}", f"{copy}{suffix}")
    return copy


def rows(db, sql: str) -> list[str]:
    return sorted(map(repr, db.query(sql)))


def assert_tables_match_definitions(db) -> None:
    for name, sql in SUMMARIES.items():
        assert rows(db, f"select * from [{name}]") == rows(db, sql), name


def clear_nationalities(db) -> int:
    """Re-store every article that names a nationality with no facts; how many there were."""
    ids = [r["article_id"] for r in db.query("select distinct article_id from nationalities")]
    for article_id in ids:
        store_facts(db, article_id, Extraction(), "test")
    return len(ids)


def test_older_views_and_copies_become_tables(own_db):
    db = sqlite_utils.Database(own_db)
    with db.conn:  # the layout before: views, and copies made by `pantau serve`
        for name, sql in SUMMARIES.items():
            db[name].drop()
            db.create_view(name, sql)
        for name in LEGACY_SUMMARY_TABLES:
            db.execute(f"create table {name} as select 1 as x")
    db = open_db(own_db)
    assert set(SUMMARIES) <= set(db.table_names())
    assert not set(SUMMARIES) & set(db.view_names())
    assert not set(LEGACY_SUMMARY_TABLES) & set(db.table_names())
    # The demo's passport figures are all yearly totals, which headline tables never add.
    assert [name for name in SUMMARIES if not db[name].count] == ["passports_by_office"]
    assert_tables_match_definitions(db)


def test_refreshed_only_when_the_facts_changed(own_db):
    db = open_db(own_db)
    assert_tables_match_definitions(db)
    assert refresh_summaries_if_stale(db) is False  # `pantau demo` ran extract, which refreshed
    assert clear_nationalities(db) >= 2
    assert rows(db, "select * from top_nationalities") != rows(db, SUMMARIES["top_nationalities"])
    assert refresh_summaries_if_stale(db) is True
    assert db["top_nationalities"].count == 0
    assert_tables_match_definitions(db)
    assert refresh_summaries_if_stale(db) is False


def test_live_server_shows_each_refresh(own_db, tmp_path):
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen([*PANTAU, "serve", "--live", "--db", str(own_db), "--port", str(port)],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/pantau/top_nationalities.json?_shape=array"
    try:
        wait_until_responds(base)
        before = get_json(base)
        assert before
        db = open_db(own_db)
        clear_nationalities(db)
        refresh_summaries(db)  # what `pantau extract` does at the end of a run
        db.close()
        assert get_json(base) == []
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
