"""A database served by `pantau serve --live` while a crawl and the extract stage write to it
(issue 8): both keep working (WAL), readers see the new rows, nothing reports a locked database."""

from __future__ import annotations

import subprocess
import threading
import time

import sqlite_utils
from conftest import FAST_CRAWL, PANTAU, ROOT, run_pantau
from test_reliability_datasette import Served, fetch

from core.settings import setting
from pantau.demo_site import load_articles
from pipelines.db import open_db

# https://github.com/pantau-id/pantau/issues/8
DEMO_ARTICLES = len(load_articles(setting("demo_site") / "articles"))


class Poller(threading.Thread):
    """Reads the served article count and a canned query over and over until stopped."""

    def __init__(self, base: str):
        super().__init__(daemon=True)
        self.base = base
        self.counts: list[int] = []
        self.failures: list[str] = []
        self.done = threading.Event()

    def run(self):
        import json

        while not self.done.is_set():
            for path in ("/pantau/articles.json?_size=0",
                         "/pantau/office_coverage.json?office_id=kanim-serang"):
                status, body = fetch(self.base + path)
                if status != 200:
                    self.failures.append(f"{status} {path}: {body[:200]}")
                elif path.startswith("/pantau/articles"):
                    self.counts.append(json.loads(body)["filtered_table_rows_count"])
            time.sleep(0.05)


def test_serve_live_and_crawl_share_the_database(demo_site, tmp_path):
    db = tmp_path / "pantau.db"
    open_db(db).close()  # an empty archive, as on the first day
    assert sqlite_utils.Database(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    served = Served(db, "--live")
    poller = Poller(served.base)
    poller.start()
    try:
        sources = tmp_path / "sources.toml"
        sources.write_text(demo_site.sources_toml(), encoding="utf-8")
        crawl = subprocess.run([*PANTAU, "crawl", "--sources", str(sources), "--db", str(db),
                                *FAST_CRAWL], cwd=ROOT, capture_output=True, text=True,
                               timeout=300)
        extract = run_pantau("extract", "--db", db)
        time.sleep(0.5)  # one more round of reads after the writers are done
    finally:
        poller.done.set()
        poller.join(timeout=60)
        served.stop()
    log = served.log_path.read_text(errors="replace")
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert extract.returncode == 0, extract.stderr[-3000:]
    for output in (crawl.stderr, extract.stderr, log):
        assert "database is locked" not in output
    assert poller.failures == []
    assert len(poller.counts) >= 2
    assert poller.counts[0] == 0  # the reads began before the first write
    assert poller.counts == sorted(poller.counts)  # readers never see rows disappear
    assert poller.counts[-1] == DEMO_ARTICLES == sqlite_utils.Database(db)["articles"].count
    assert sqlite_utils.Database(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
