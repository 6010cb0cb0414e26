"""A full disk or a read-only database: a clear error, and the existing database untouched.

These tests mount a tiny tmpfs, so they need root (as CI and the developers' machines run).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess

import pytest
from conftest import FAST_CRAWL, run_pantau

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB filesystem of its own, unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def snapshot(db):
    conn = sqlite3.connect(db)
    out = (conn.execute("pragma integrity_check").fetchone()[0],
           conn.execute("select count(*), group_concat(article_id) from "
                        "(select article_id from articles order by article_id)").fetchone())
    conn.close()
    return out


def fill(folder, leave_bytes: int) -> None:
    """Fill a filesystem until about `leave_bytes` are free."""
    free = shutil.disk_usage(folder).free
    with open(folder / "filler", "wb") as f:
        f.write(b"\0" * max(0, free - leave_bytes))


def test_crawl_onto_a_full_disk_fails_clearly_and_keeps_the_database(demo_db, demo_site,
                                                                     small_disk, tmp_path):
    db = small_disk / "pantau.db"
    shutil.copy(demo_db, db)
    run_pantau("extract", "--db", db, check=True)  # fold the copy into a settled state
    before = snapshot(db)
    sources = tmp_path / "sources.toml"
    # A second site instance on a new port: all its articles are new to this database.
    from pantau.demo_site import DemoSite

    with DemoSite() as other:
        sources.write_text(other.sources_toml(), encoding="utf-8")
        fill(small_disk, 8 * 1024)
        result = run_pantau("crawl", "--sources", sources, "--db", db, *FAST_CRAWL)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: ") and "full" in last, last
    (small_disk / "filler").unlink()
    integrity, (count, ids) = snapshot(db)
    assert integrity == "ok"
    assert count >= before[1][0]  # articles committed before the disk filled are kept
    assert set(before[1][1].split(",")) <= set((ids or "").split(","))


def test_read_only_database_fails_clearly_and_is_untouched(demo_db, small_disk):
    db = small_disk / "pantau.db"
    shutil.copy(demo_db, db)
    for suffix in ("-wal", "-shm"):
        if os.path.exists(f"{demo_db}{suffix}"):
            shutil.copy(f"{demo_db}{suffix}", f"{db}{suffix}")
    conn = sqlite3.connect(db)  # a plain rollback-journal file, readable on a read-only disk
    conn.execute("pragma journal_mode=delete")
    conn.close()
    before = snapshot(db)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = run_pantau("extract", "--redo", "--db", db)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: ") and "is read-only" in last, last
    assert "Traceback" not in result.stderr
    assert snapshot(db) == before
