"""Re-crawls cost only what is new; a crawl killed by kill -9 resumes with no loss or duplicate."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import time

import pytest
import sqlite_utils
from conftest import FAST_CRAWL, PANTAU, ROOT, run_pantau

from core.settings import setting
from pantau.demo_site import DemoSite

HELD_BACK = "12-imigrasi-batam-tetapkan-wna-berinisial-ak-tersangka.md"


@pytest.fixture
def site(tmp_path):
    """A private copy of the demo site that a test may change between crawls."""
    folder = tmp_path / "site"
    shutil.copytree(setting("demo_site"), folder)
    with DemoSite(folder) as s:
        yield s


def write_sources(site, tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(site.sources_toml(), encoding="utf-8")
    return path


def article_paths(site) -> set[str]:
    return {a.path for a in site.articles}


def test_recrawl_fetches_only_new_articles_and_revalidates_feeds(site, tmp_path):
    held = site.folder / "articles" / HELD_BACK
    kept = held.read_text(encoding="utf-8")
    held.unlink()
    site.reload()
    sources, db = write_sources(site, tmp_path), tmp_path / "pantau.db"
    run_pantau("crawl", "--sources", sources, "--db", db, *FAST_CRAWL, check=True)
    assert sqlite_utils.Database(db)["articles"].count == len(site.articles)

    held.write_text(kept, encoding="utf-8")
    site.reload()
    site.requests.clear()
    site.responses.clear()
    result = run_pantau("crawl", "--sources", sources, "--db", db, *FAST_CRAWL, check=True)

    fetched_articles = [p for p in site.requests if "/berita/" in p]
    new_path = next(a.path for a in site.articles if a.slug in HELD_BACK)
    assert fetched_articles == [new_path]
    statuses = dict(site.responses)
    # The held-back article is Warta Nusantara's: its feed and sitemap changed, Kabar Banten's not.
    for unchanged in ("/kabar-banten/feed/", "/kabar-banten/sitemap.xml", "/sitemap.xml"):
        assert statuses.get(unchanged) == 304, (unchanged, statuses)
    for changed in ("/warta-nusantara/feed/", "/warta-nusantara/sitemap.xml"):
        assert statuses.get(changed) == 200, (changed, statuses)
    assert sqlite_utils.Database(db)["articles"].count == len(site.articles)
    assert "articles new: 1," in result.stderr


@pytest.mark.parametrize("kill_after", [3, 10, 18])
def test_kill_9_then_resume_keeps_every_article_once(site, tmp_path, kill_after):
    sources, db = write_sources(site, tmp_path), tmp_path / "pantau.db"
    # Slow the crawl down so the kill lands mid-crawl, after `kill_after` responses.
    proc = subprocess.Popen(
        [*PANTAU, "crawl", "--sources", str(sources), "--db", str(db), "-s", "DOWNLOAD_DELAY=0.1",
         "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(site.responses) < kill_after and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "the crawl ended before the kill point"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stored_before = {r["url"] for r in sqlite_utils.Database(db)["articles"].rows}
    assert len(stored_before) < len(site.articles)

    site.requests.clear()
    run_pantau("crawl", "--resume", "--sources", sources, "--db", db, *FAST_CRAWL, check=True)
    database = sqlite_utils.Database(db)
    urls = [r["url"] for r in database["articles"].rows]
    assert sorted(urls) == sorted(site.url(p) for p in article_paths(site))
    assert database.execute("pragma integrity_check").fetchone()[0] == "ok"
    # The resumed crawl fetched each missing article once and none it already had.
    fetched = [site.url(p) for p in site.requests if "/berita/" in p]
    assert sorted(fetched) == sorted(set(urls) - stored_before)


def test_resume_without_database_is_an_error(tmp_path):
    (tmp_path / "s.toml").write_text('[[sources]]\nname = "A"\nstart_urls = ["http://127.0.0.1:9/"]\n')
    result = run_pantau("crawl", "--resume", "--sources", tmp_path / "s.toml",
                        "--db", tmp_path / "none.db")
    assert result.returncode != 0
    assert "nothing to resume" in result.stderr


def test_reparse_from_archive_reproduces_the_database(site, tmp_path):
    sources, db = write_sources(site, tmp_path), tmp_path / "pantau.db"
    run_pantau("crawl", "--sources", sources, "--db", db, *FAST_CRAWL, check=True)
    run_pantau("extract", "--db", db, check=True)
    site.stop()  # the network is off from here on
    original = tmp_path / "original.db"
    shutil.copy(db, original)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{db}{suffix}"):
            os.remove(f"{db}{suffix}")
    result = run_pantau("extract", "--reparse", "--db", db, check=True)
    assert f"new {len(site.articles)}" in result.stderr

    columns = "article_id, url, source, title, published, author, section, text, discovered_by"

    def snapshot(path):
        conn = sqlite3.connect(path)
        tables = {"articles": conn.execute(
            f"select {columns} from articles order by article_id").fetchall()}
        for table in ("office_mentions", "officials", "nationalities", "counts", "awards"):
            tables[table] = conn.execute(f"select * from {table} order by fact_id").fetchall()
        conn.close()
        return tables

    before, after = snapshot(original), snapshot(db)
    assert len(before["articles"]) == len(site.articles)
    assert before["office_mentions"], "the comparison needs facts to compare"
    assert after == before
    site.start = lambda: None  # already stopped; the fixture's __exit__ must not fail


def test_archive_keeps_every_fetched_page(site, tmp_path):
    from crawler.archive import archived_info, iter_archive

    sources, db = write_sources(site, tmp_path), tmp_path / "pantau.db"
    run_pantau("crawl", "--sources", sources, "--db", db, *FAST_CRAWL, check=True)
    records = list(iter_archive(tmp_path / "archive"))
    archived = {r.url for r in records}
    assert {site.url(p) for p in article_paths(site)} <= archived
    assert site.url("/kabar-banten/feed/") in archived
    page = next(r for r in records if r.url == site.url(site.articles[0].path))
    assert site.articles[0].paragraphs[0].encode("utf-8") in page.body.replace(b"&#x27;", b"'")
    assert page.source == site.articles[0].outlet
    (info,) = archived_info(tmp_path / "archive")
    assert {s["slug"] for s in info["sources"]} == {"kabar-banten", "warta-nusantara"}
