"""crawler/frontier.py: workers sharing a Redis frontier fetch each article once, and a killed
worker's requests are finished by the others (issue 9)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
import sqlite_utils
from conftest import FAST_CRAWL, PANTAU, ROOT, free_port, run_pantau

from core.settings import setting
from pantau.demo_site import DemoSite

REDIS_SERVER = "/usr/bin/redis-server"
# Short enough that a test does not wait long for a worker to leave.
QUICK_FRONTIER = ["--idle-exit", "3"]
# Only where a worker is killed: its death is seen after 2 s instead of 10.
QUICK_HEARTBEAT = ["-s", "PANTAU_FRONTIER_HEARTBEAT=2"]


@pytest.fixture(scope="module")
def redis_url():
    """A throwaway redis-server on a free loopback port, nothing written to disk."""
    if not os.path.exists(REDIS_SERVER):
        pytest.fail("redis-server is not installed: `make test` installs it (apt-get install "
                    "redis-server)")
    port = free_port()
    proc = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 30
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=30)


def make_site(folder: Path, n: int) -> None:
    """`n` generated articles, half per demo outlet, with the demo site's templates."""
    shutil.copytree(setting("demo_site") / "templates", folder / "templates")
    (folder / "articles").mkdir()
    # Long enough for the extraction-health check (pipelines/health.py) to find it normal.
    body = "\n\n".join(f"Pada hari ke-{k} petugas Kantor Imigrasi memeriksa paspor warga "
                       "negara asing di bandara dan pelabuhan dalam operasi pengawasan gabungan "
                       "bersama kepolisian dan pemerintah kabupaten setempat." for k in range(6))
    for i in range(n):
        outlet = "kabar-banten" if i % 2 else "warta-nusantara"
        (folder / "articles" / f"{i:05d}.md").write_text(
            f'+++\noutlet = "{outlet}"\nslug = "berita-{i:05d}"\n'
            f'title = "Imigrasi memeriksa laporan nomor {i}"\n'
            f'published = "2026-{1 + i % 12:02d}-{1 + i % 28:02d}T09:00:00+07:00"\n+++\n'
            f"SERANG – Nomor {i}. {body}", encoding="utf-8")


@pytest.fixture
def big_site(tmp_path):
    make_site(tmp_path / "site", 2000)
    with DemoSite(tmp_path / "site") as site:
        yield site


@pytest.fixture
def small_site(tmp_path):
    make_site(tmp_path / "site", 300)
    with DemoSite(tmp_path / "site") as site:
        yield site


def write_sources(site: DemoSite, tmp_path: Path) -> Path:
    path = tmp_path / "sources.toml"
    # The generated outlets are larger than the default per-source page cap.
    path.write_text(site.sources_toml().replace("\n\n", "\nmax_pages = 5000\n\n"),
                    encoding="utf-8")
    return path


def worker(sources: Path, db: Path, frontier: str, log: Path, *extra: str) -> subprocess.Popen:
    """One `pantau crawl --frontier` worker, logging to a file (a pipe would fill up)."""
    with log.open("wb") as handle:  # the child keeps its own copy of the handle
        return subprocess.Popen(
            [*PANTAU, "crawl", "--sources", str(sources), "--db", str(db), "--frontier",
             frontier, *QUICK_FRONTIER, *FAST_CRAWL, *extra],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=handle)


def stored_urls(db: Path) -> list[str]:
    return [r["url"] for r in sqlite_utils.Database(db)["articles"].rows]


def frontier_keys(url: str) -> list[bytes]:
    return sorted(redis.Redis.from_url(url).keys("*"))


def test_two_workers_fetch_every_article_exactly_once(big_site, tmp_path, redis_url):
    frontier = f"{redis_url}/1"
    sources = write_sources(big_site, tmp_path)
    # Two databases, as on two machines: together they must hold each article once.
    dbs = [tmp_path / f"worker{i}" / "pantau.db" for i in (1, 2)]
    procs = []
    for db in dbs:
        db.parent.mkdir()
        procs.append(worker(sources, db, frontier, db.parent / "crawl.log"))
    for proc, db in zip(procs, dbs, strict=True):
        assert proc.wait(timeout=900) == 0, (db.parent / "crawl.log").read_text()[-3000:]

    fetched = Counter(p for p in big_site.requests if "/berita/" in p)
    expected = {a.path for a in big_site.articles}
    assert len(expected) == 2000
    assert set(fetched) == expected
    assert [p for p, n in fetched.items() if n > 1] == []
    first, second = (set(stored_urls(db)) for db in dbs)
    assert first and second, "both workers should have stored articles"
    assert first & second == set()
    assert first | second == {big_site.url(p) for p in expected}
    # The last worker out cleared the duplicate filter and the seeding claim.
    assert frontier_keys(frontier) == []


def test_killed_worker_is_finished_by_the_other(small_site, tmp_path, redis_url):
    frontier = f"{redis_url}/2"
    sources, db = write_sources(small_site, tmp_path), tmp_path / "pantau.db"
    # One database shared by both workers (one machine), each article one transaction.
    # The doomed worker starts first, so it seeds and holds requests when it is killed.
    doomed = worker(sources, db, frontier, tmp_path / "doomed.log", *QUICK_HEARTBEAT)
    deadline = time.monotonic() + 120
    while not [p for p in small_site.requests if "/berita/" in p]:
        assert doomed.poll() is None and time.monotonic() < deadline, \
            (tmp_path / "doomed.log").read_text()[-3000:]
        time.sleep(0.05)
    survivor = worker(sources, db, frontier, tmp_path / "survivor.log", *QUICK_HEARTBEAT)
    while len([p for p in small_site.requests if "/berita/" in p]) < 100:
        assert doomed.poll() is None and time.monotonic() < deadline, "crawl ended too soon"
        time.sleep(0.01)
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait()
    assert survivor.wait(timeout=600) == 0, (tmp_path / "survivor.log").read_text()[-3000:]

    log = (tmp_path / "survivor.log").read_text()
    assert "stopped answering" in log
    urls = stored_urls(db)
    assert len(urls) == len(set(urls))
    assert sorted(urls) == sorted(small_site.url(a.path) for a in small_site.articles)
    assert sqlite_utils.Database(db).execute("pragma integrity_check").fetchone()[0] == "ok"
    assert frontier_keys(frontier) == []


def test_unreachable_frontier_is_a_clear_error(tmp_path):
    (tmp_path / "s.toml").write_text('[[sources]]\nname = "A"\nstart_urls = ["http://127.0.0.1:9/"]\n')
    result = run_pantau("crawl", "--sources", tmp_path / "s.toml", "--db", tmp_path / "p.db",
                        "--frontier", f"redis://127.0.0.1:{free_port()}/0")
    assert result.returncode == 1
    assert "cannot reach the crawl frontier" in result.stderr
    assert "start redis-server" in result.stderr


@pytest.mark.parametrize("frontier, scheduler", [
    pytest.param("redis://127.0.0.1:6379/0", "crawler.frontier.FrontierScheduler", id="frontier"),
    # Without a frontier nothing changes: Scrapy's own scheduler.
    pytest.param("", "scrapy.core.scheduler.Scheduler", id="alone"),
])
def test_frontier_setting_alone_switches_the_scheduler(frontier, scheduler):
    # `scrapy crawl news -s PANTAU_FRONTIER=...` (and so Scrapyd) takes the same path.
    from scrapy.settings import Settings

    from crawler import settings as project
    from crawler.spiders.news import NewsSpider

    settings = Settings()
    settings.setmodule(project, priority="project")
    settings.set("PANTAU_FRONTIER", frontier, priority="cmdline")
    NewsSpider.update_settings(settings)
    assert settings.get("SCHEDULER") == scheduler
    assert settings.getbool("SCHEDULER_PERSIST") == bool(frontier)


@pytest.mark.parametrize("url, expected", [
    ("redis://:s3cret@10.0.0.5:6379/0", "redis://:***@10.0.0.5:6379/0"),
    ("redis://crawler:s3cret@10.0.0.5:6379/0", "redis://crawler:***@10.0.0.5:6379/0"),
    # no password: nothing to hide
    ("redis://127.0.0.1:6379/2", "redis://127.0.0.1:6379/2"),
])
def test_frontier_url_is_logged_without_its_password(url, expected):
    from crawler.frontier import shown

    assert shown(url) == expected
