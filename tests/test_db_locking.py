"""pipelines/db.py under several processes (issue 19): creating and upgrading a database while
others open it at the same moment, and writes that meet another process's lock."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time

import pytest
import sqlite_utils
from conftest import ROOT, run_pantau

from pipelines.db import DatabaseError, open_db, retry_locked
from pipelines.schema import SCHEMA_VERSION
from pipelines.store import store_article

# Each process waits for the go file, then opens the database: they start together.
OPENER = """
import os, sys, time
while not os.path.exists(sys.argv[2]):
    time.sleep(0.001)
from pipelines.db import open_db
db = open_db(sys.argv[1])
db.execute("insert into meta(key, value) values (?, 'x')", [f"opened-{os.getpid()}"])
db.conn.commit()
print("ok")
"""


def open_together(db, tmp_path, n: int = 6) -> list[subprocess.CompletedProcess]:
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", OPENER, str(db), str(go)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(n)]
    time.sleep(1.5)  # every process has imported Pantau and waits
    go.touch()
    return [(p.wait(timeout=120), *p.communicate()) for p in procs]


def test_processes_opening_a_new_database_at_once_all_succeed(tmp_path):
    db = tmp_path / "new.db"
    results = open_together(db, tmp_path)
    assert [(code, out.strip(), err) for code, out, err in results] == [(0, "ok", "")] * 6
    check = sqlite_utils.Database(db)
    assert check.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert check["meta"].get("schema_version")["value"] == str(SCHEMA_VERSION)
    assert check.execute("select count(*) from meta where key like 'opened-%'").fetchone()[0] == 6


def test_processes_opening_an_old_database_at_once_see_it_upgraded(tmp_path):
    db = tmp_path / "old.db"
    open_db(db).close()
    # An older schema: a view and an index missing, an older version number.
    old = sqlite_utils.Database(db)
    old.execute("drop view event_outlets")
    old.execute("drop index idx_articles_source_published")
    old.execute("update meta set value = '1' where key = 'schema_version'")
    old.conn.commit()
    old.close()
    results = open_together(db, tmp_path)
    assert [(code, err) for code, _out, err in results] == [(0, "")] * 6
    check = sqlite_utils.Database(db)
    assert "event_outlets" in check.view_names()
    assert "idx_articles_source_published" in [i.name for i in check["articles"].indexes]
    assert check["meta"].get("schema_version")["value"] == str(SCHEMA_VERSION)


def article(n: int) -> dict:
    return {"article_id": f"a{n}", "url": f"https://k.example/{n}", "source": "kabar",
            "title": "Judul", "published": "2026-03-14", "text": "Isi.",
            "fetched_at": "2026-11-01T00:00:00+00:00"}


@pytest.fixture
def locked(tmp_path):
    """A database whose write lock another connection holds until told to let go."""
    path = tmp_path / "pantau.db"
    open_db(path).close()
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("begin immediate")
    yield path, holder
    if holder.in_transaction:
        holder.execute("rollback")
    holder.close()


def test_a_write_waits_for_another_process_lock(locked):
    path, holder = locked
    db = open_db(path)
    db.execute("pragma busy_timeout = 50")  # SQLite gives up at once; retry_locked does not
    threading.Timer(0.5, lambda: holder.execute("commit")).start()
    assert retry_locked(store_article, db, article(1), seconds=30) == "new"
    assert db["articles"].count == 1


def test_a_lock_held_too_long_is_one_clear_error(locked):
    path, _holder = locked
    db = open_db(path)
    db.execute("pragma busy_timeout = 50")
    with pytest.raises(DatabaseError, match=r"^the database stayed locked by another process "
                                            r"for 1 s \(database is locked\)$"):
        retry_locked(store_article, db, article(2), seconds=1)
    assert db["articles"].count == 0  # the failed write left nothing half done


def test_a_database_the_crawl_cannot_open_stops_it_with_one_line(tmp_path):
    # The store pipeline opens the database itself (the setting, as Scrapyd passes it); when
    # that fails the crawl ends at once: one line and exit 1, no Twisted traceback, no exit 0.
    (tmp_path / "s.toml").write_text('[[sources]]\nname = "A"\nstart_urls = '
                                     '["http://127.0.0.1:9/"]\n', encoding="utf-8")
    result = run_pantau("crawl", "--sources", tmp_path / "s.toml", "--db", tmp_path / "p.db",
                        "-s", f"PANTAU_DB={tmp_path / 'gone' / 'p.db'}")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(
        f"Error: the crawl stopped: cannot write to {tmp_path / 'p.db'}: folder does not exist")
