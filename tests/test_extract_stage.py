"""pantau/extract.py: the extract stage only does pending work and survives kill -9."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time

import sqlite_utils
from conftest import PANTAU, ROOT, run_pantau

from pantau.config import setting
from pantau.demo_site import load_articles
from pipelines.db import open_db
from pipelines.store import store_article

FACT_TABLES = ("office_mentions", "officials", "nationalities", "counts", "awards")


def build_db(path, copies: int) -> int:
    """A database of the demo articles, each stored `copies` times under different URLs."""
    db = open_db(path)
    articles = load_articles(setting("demo_site") / "articles")
    n = 0
    for c in range(copies):
        for a in articles:
            store_article(db, {"article_id": f"{c:04d}-{a.slug}"[:40], "source": a.outlet,
                               "url": f"https://x.example/{c}/{a.slug}",
                               "fetched_url": f"https://x.example/{c}/{a.slug}", "title": a.title,
                               "published": a.published, "text": a.text,
                               "fetched_at": "2026-11-01T00:00:00+00:00"})
            n += 1
    db.close()
    return n


def facts(path) -> dict:
    conn = sqlite3.connect(path)
    out = {t: conn.execute(f"select * from {t} order by fact_id").fetchall() for t in FACT_TABLES}
    conn.close()
    return out


def test_second_extract_does_nothing(db_path):
    build_db(db_path, 1)
    first = run_pantau("extract", "--db", db_path, check=True)
    assert "extracted 17 articles" in first.stderr
    before = facts(db_path)
    second = run_pantau("extract", "--db", db_path, check=True)
    assert "extracted 0 articles" in second.stderr
    assert facts(db_path) == before


def test_kill_9_halfway_then_rerun_loses_and_duplicates_nothing(tmp_path):
    killed, clean = tmp_path / "killed.db", tmp_path / "clean.db"
    total = build_db(killed, 6)
    build_db(clean, 6)
    run_pantau("extract", "--db", clean, check=True)

    proc = subprocess.Popen([*PANTAU, "extract", "--db", str(killed)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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

    run_pantau("extract", "--db", killed, check=True)
    db = sqlite_utils.Database(killed)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert db["articles"].count_where("extracted_at is null") == 0
    assert facts(killed) == facts(clean)
