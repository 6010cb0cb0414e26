"""A crawl spread over workers and machines (issue 19): workers that start together on one new
database, a worker killed mid-crawl whose database is merged with the others', and a Redis
that goes away for a while. Real redis-server, real loopback site, real `pantau` processes."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
import sqlite_utils
from conftest import FAST_CRAWL, PANTAU, ROOT, free_port, run_pantau
from test_frontier import (
    QUICK_FRONTIER,
    QUICK_HEARTBEAT,
    REDIS_SERVER,
    stored_urls,
    worker,
    write_sources,
)

from core.settings import setting
from pantau.demo_site import DemoSite

pytestmark = pytest.mark.slow


class RedisServer:
    """A redis-server on a loopback port that keeps its data in `folder` (append-only file),
    so it can be stopped and started again as a production Redis would be restarted."""

    def __init__(self, folder: Path):
        if not os.path.exists(REDIS_SERVER):
            pytest.fail("redis-server is not installed: `make test` installs it")
        self.folder = folder
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
             str(self.folder), "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 30
        while True:
            try:
                client.ping()
                return
            except (redis.ConnectionError, redis.BusyLoadingError):
                assert time.monotonic() < deadline and self.proc.poll() is None, \
                    "redis-server did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # SHUTDOWN: the append-only file is flushed first
            self.proc.wait(timeout=30)


@pytest.fixture
def redis_server(tmp_path):
    (tmp_path / "redis").mkdir()
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


COUNTRIES = ["Nigeria", "China", "India", "Malaysia", "Korea Selatan", "Jepang", "Rusia"]
# Words the articles' own paragraph is drawn from: each article's text is its own, so only the
# reprints group into stories.
WORDS = ("petugas pemeriksaan paspor izin tinggal bandara pelabuhan operasi pengawasan gabungan "
         "kepolisian pemerintah kabupaten warga laporan masyarakat hotel apartemen kawasan "
         "industri pabrik proyek pekerja visa kunjungan sponsor perusahaan sidang detensi "
         "ruang tahanan keluarga kedutaan tiket pesawat biaya denda putusan pengadilan").split()


def own_paragraph(j: int) -> str:
    pick = random.Random(j)
    return " ".join(pick.choice(WORDS) for _ in range(90)).capitalize() + "."


def make_fact_site(folder: Path, n: int) -> None:
    """`n` articles over the two demo outlets, each reporting a deportation by an office with a
    number and a nationality; every tenth is a reprint of the one before on the other outlet,
    so the extract stage has stories and events to merge."""
    shutil.copytree(setting("demo_site") / "templates", folder / "templates")
    (folder / "articles").mkdir()
    for i in range(n):
        j = i - 1 if i % 10 == 9 else i  # a reprint tells article i - 1's news again
        outlet = "kabar-banten" if i % 2 else "warta-nusantara"
        day, month = 1 + j % 28, 1 + j % 12
        text = (f"SERANG – Kantor Imigrasi Kelas I TPI Serang mendeportasi {2 + j % 9} warga "
                f"negara asing asal {COUNTRIES[j % len(COUNTRIES)]} pada Senin "
                f"({day}/{month}/2026) dalam perkara nomor {j}. Kepala Kantor Imigrasi Serang, "
                f"Budi Santoso, mengatakan para WNA melanggar izin tinggal.\n\n"
                f"{own_paragraph(j)}")
        (folder / "articles" / f"{i:05d}.md").write_text(
            f'+++\noutlet = "{outlet}"\nslug = "berita-{i:05d}"\n'
            f'title = "Imigrasi Serang mendeportasi WNA, perkara {j}"\n'
            f'published = "2026-{month:02d}-{day:02d}T09:00:00+07:00"\n+++\n{text}',
            encoding="utf-8")


@pytest.fixture
def site(tmp_path):
    make_fact_site(tmp_path / "site", 200)
    with DemoSite(tmp_path / "site") as served:
        yield served


def articles_fetched(site: DemoSite) -> int:
    return sum("/berita/" in p for p in list(site.requests))


def wait_for_articles(site: DemoSite, n: int, procs: list, logs: list[Path]) -> None:
    deadline = time.monotonic() + 300
    while articles_fetched(site) < n:
        for proc, log in zip(procs, logs, strict=True):
            assert proc.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < deadline, "the crawl did not get going"
        time.sleep(0.02)


def test_redis_away_for_five_seconds_loses_nothing(site, tmp_path, redis_server):
    sources, db = write_sources(site, tmp_path), tmp_path / "pantau.db"
    logs = [tmp_path / f"worker{i}.log" for i in (1, 2)]
    procs = [worker(sources, db, redis_server.url, log, "-s", "PANTAU_FRONTIER_RECONNECT=60")
             for log in logs]
    wait_for_articles(site, 60, procs, logs)
    redis_server.stop()
    during = articles_fetched(site)
    time.sleep(5)
    redis_server.start()
    for proc, log in zip(procs, logs, strict=True):
        assert proc.wait(timeout=600) == 0, log.read_text()[-3000:]

    text = "".join(log.read_text() for log in logs)
    assert "the crawl frontier does not answer" in text
    assert "the crawl frontier answers again after" in text
    assert "Traceback" not in text
    assert during < len(site.articles), "Redis was stopped after the crawl had ended"
    urls = stored_urls(db)
    assert len(urls) == len(set(urls))
    assert sorted(urls) == sorted(site.url(a.path) for a in site.articles)
    assert sqlite_utils.Database(db).execute("pragma integrity_check").fetchone()[0] == "ok"


def test_redis_gone_for_good_stops_the_worker_cleanly(site, tmp_path, redis_server):
    sources, db = write_sources(site, tmp_path), tmp_path / "pantau.db"
    log = tmp_path / "worker.log"
    proc = worker(sources, db, redis_server.url, log, "-s", "PANTAU_FRONTIER_RECONNECT=3")
    wait_for_articles(site, 40, [proc], [log])
    redis_server.stop()
    assert proc.wait(timeout=300) == 1
    text = log.read_text()
    assert "Traceback" not in text
    assert "did not answer for 3 s" in text
    assert text.strip().splitlines()[-1].startswith(
        "Error: the crawl frontier stopped answering:")
    # What it stored before is kept, whole.
    urls = stored_urls(db)
    assert urls and len(urls) == len(set(urls))
    assert sqlite_utils.Database(db).execute("pragma integrity_check").fetchone()[0] == "ok"




def test_three_workers_started_together_on_one_new_database(site, tmp_path, redis_server):
    sources, db = write_sources(site, tmp_path), tmp_path / "new" / "pantau.db"
    db.parent.mkdir()
    go = tmp_path / "go"
    logs = [tmp_path / f"worker{i}.log" for i in (1, 2, 3)]
    # Each worker's interpreter waits for one file, then replaces itself with `pantau crawl`:
    # the three start within a few milliseconds of each other, as a cron job starts them.
    gate = ("import os, sys, time\n"
            "while not os.path.exists(sys.argv[1]): time.sleep(0.001)\n"
            "print(f'started {time.time():.4f}', file=sys.stderr, flush=True)\n"
            "os.execv(sys.argv[2], sys.argv[2:])\n")
    procs = []
    for log in logs:
        with log.open("wb") as handle:
            procs.append(subprocess.Popen(
                [sys.executable, "-c", gate, str(go), *PANTAU, "crawl", "--sources",
                 str(sources), "--db", str(db), "--frontier", redis_server.url,
                 *QUICK_FRONTIER, *FAST_CRAWL], cwd=ROOT, stdout=subprocess.DEVNULL,
                stderr=handle))
    time.sleep(1)  # every gate is waiting
    go.touch()
    for proc, log in zip(procs, logs, strict=True):
        assert proc.wait(timeout=600) == 0, log.read_text()[-3000:]

    texts = [log.read_text() for log in logs]
    starts = [float(t.split("started ", 1)[1].split()[0]) for t in texts]
    print(f"workers started within {1000 * (max(starts) - min(starts)):.1f} ms")
    for text in texts:
        assert "Traceback" not in text
        assert "pages fetched:" in text  # each printed its summary
    urls = stored_urls(db)
    assert len(urls) == len(set(urls))
    assert sorted(urls) == sorted(site.url(a.path) for a in site.articles)
    check = sqlite_utils.Database(db)
    assert check.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert check["sources"].count == 2


def rows(db: Path, table: str, leave_out=()) -> list[tuple]:
    """Every row of a table, minus columns that say when, in a stable order."""
    conn = sqlite_utils.Database(db)
    columns = [c.name for c in conn[table].columns if c.name not in leave_out]
    names = ", ".join(f"[{c}]" for c in columns)
    return sorted(map(tuple, conn.execute(f"select {names} from [{table}]").fetchall()),
                  key=repr)


RESULT_TABLES = ("office_mentions", "officials", "nationalities", "counts", "awards", "stories",
                 "events", "event_citations", "event_nationalities")


def test_a_worker_killed_its_share_finished_then_merged_like_one_crawl(site, tmp_path,
                                                                      redis_server):
    sources = write_sources(site, tmp_path)
    dbs = [tmp_path / f"machine{i}" / "pantau.db" for i in (1, 2, 3)]
    for db in dbs:
        db.parent.mkdir()
    logs = [db.parent / "crawl.log" for db in dbs]
    # The doomed worker starts first, so it seeds and holds requests when it is killed.
    procs = [worker(sources, dbs[0], redis_server.url, logs[0], *QUICK_HEARTBEAT)]
    wait_for_articles(site, 1, procs, logs[:1])
    procs += [worker(sources, db, redis_server.url, log, *QUICK_HEARTBEAT)
              for db, log in zip(dbs[1:], logs[1:], strict=True)]
    wait_for_articles(site, 80, procs, logs)
    os.kill(procs[0].pid, signal.SIGKILL)
    procs[0].wait()
    for proc, log in zip(procs[1:], logs[1:], strict=True):
        assert proc.wait(timeout=600) == 0, log.read_text()[-3000:]
    assert "stopped answering" in logs[1].read_text() + logs[2].read_text()
    assert all(stored_urls(db) for db in dbs), "every worker should have stored articles"

    merged = tmp_path / "merged" / "pantau.db"
    merged.parent.mkdir()
    result = run_pantau("merge", *dbs, "--into", merged, check=True)
    assert "articles new:" in result.stderr
    urls = stored_urls(merged)
    assert len(urls) == len(set(urls))
    assert sorted(urls) == sorted(site.url(a.path) for a in site.articles)
    archived = list((merged.parent / "archive").glob("*.warc.gz"))
    assert len(archived) >= 3  # the killed worker's archive too
    again = run_pantau("merge", *dbs, "--into", merged, check=True)
    assert f"nothing to change in {merged}" in again.stderr

    # The same site crawled by one worker into one database.
    single = tmp_path / "single" / "pantau.db"
    single.parent.mkdir()
    run_pantau("crawl", "--sources", sources, "--db", single, *FAST_CRAWL, check=True)
    for db in (merged, single):
        run_pantau("extract", "--db", db, check=True, timeout=600)
    for table in RESULT_TABLES:
        assert rows(merged, table) == rows(single, table), table
    facts = sum(len(rows(merged, t)) for t in RESULT_TABLES[:5])
    # Something to compare: a fact or more per article, and events (the site's dates repeat
    # every 84 articles, and one office's deportations on one day are one event).
    assert facts >= 200 and len(rows(merged, "events")) >= 50
    same = ("article_id", "url", "source", "title", "published", "text", "content_hash",
            "nlp_version", "story_id", "event_type", "event_date", "on_topic")
    assert rows(merged, "articles", leave_out=set(
        c.name for c in sqlite_utils.Database(merged)["articles"].columns) - set(same)) == \
        rows(single, "articles", leave_out=set(
            c.name for c in sqlite_utils.Database(single)["articles"].columns) - set(same))
    assert sqlite_utils.Database(merged).execute("pragma integrity_check").fetchone()[0] == "ok"


def test_a_worker_that_finds_no_work_ends_at_once_with_its_summary(site, tmp_path, redis_server):
    # Another worker seeded this crawl and the queue is empty: nothing to fetch.
    redis.Redis.from_url(redis_server.url).set("news:seeded", "another-worker")
    sources, db = write_sources(site, tmp_path), tmp_path / "pantau.db"
    log = tmp_path / "worker.log"
    proc = worker(sources, db, redis_server.url, log, "--idle-exit", "0.5")
    assert proc.wait(timeout=300) == 0, log.read_text()[-3000:]
    text = log.read_text()
    assert "Traceback" not in text
    assert "pages fetched: 0; articles new: 0" in text
    assert articles_fetched(site) == 0
