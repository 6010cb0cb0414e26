"""Sources that fail (issue 8): one down (closed port), one too slow, one answering 429 with a
Retry-After over the cap, one asking a short Retry-After once. The crawl goes on with the others,
honours the short Retry-After, and reports the failed sources (source_health, crawl summary)."""

from __future__ import annotations

import threading
import time

import pytest
import sqlite_utils
from conftest import free_port
from sites import crawl
from sites.server import FixtureArticle, FixtureServer, Hit, Reply

from crawler.middlewares import retry_after_seconds

# https://github.com/pantau-id/pantau/issues/8

SETTINGS = ["-s", "RETRY_TIMES=1", "-s", "DOWNLOAD_TIMEOUT=1", "-s", "PANTAU_RETRY_AFTER_MAX=5"]
WAIT = 1  # the Retry-After the throttled site asks once, in seconds
PARAS = ["BATAM – Kantor Imigrasi Batam memeriksa {} di Pelabuhan Batam Centre pada Rabu pagi. "
         "Pemeriksaan dokumen dilakukan bersama petugas pelabuhan.",
         "Menurut petugas imigrasi, setiap warga negara asing wajib menunjukkan paspor dan izin "
         "tinggal yang masih berlaku.",
         "Pemohon paspor diminta mengurus dokumen melalui aplikasi resmi tanpa perantara."]


def _site(name: str, slug: str, topic: str, day: int) -> FixtureServer:
    site = FixtureServer(name)
    a = FixtureArticle(f"/berita/{slug}", f"Imigrasi Batam Periksa {topic.title()}",
                       f"2026-06-{day:02d}T08:00:00+07:00",
                       [[p.format(topic) if "{}" in p else p for p in PARAS]])
    site.articles = [a]
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    site.add("/", f"<html><head><meta charset='utf-8'><title>{name}</title></head><body>"
             f"<h1>{name}</h1><a href='{a.path}'>{a.title}</a></body></html>")
    site.add(a.path, f"<html lang='id'><head><meta charset='utf-8'><title>{a.title}</title>"
             "<meta property='og:type' content='article'>"
             f"<meta property='article:published_time' content='{a.published}'></head><body>"
             f"<h1>{a.title}</h1><div class='isi'>"
             + "".join(f"<p>{p}</p>" for p in a.pages[0]) + "</div></body></html>")
    return site


class ThrottledOnce:
    """Answers 429 with Retry-After the first time, then the page."""

    def __init__(self, page: Reply):
        self.page, self.calls, self.lock = page, 0, threading.Lock()

    def __call__(self, hit: Hit) -> Reply:
        with self.lock:
            self.calls += 1
            first = self.calls == 1
        return Reply("<h1>429 Too Many Requests</h1>", 429,
                     headers={"Retry-After": str(WAIT)}) if first else self.page


def _slow(hit: Hit) -> Reply:
    time.sleep(2.5)
    return Reply("<html><body>terlambat</body></html>")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    good = _site("Warta Batam", "pemeriksaan-feri", "penumpang feri", 1)
    throttled = _site("Kabar Kepri", "pemeriksaan-kapal", "awak kapal", 2)
    throttled.handle("/", ThrottledOnce(throttled.pages.pop("/")))
    slow = FixtureServer("Berita Lambat")
    slow.handle("/", _slow)
    refusing = FixtureServer("Berita Sibuk")  # asks for an hour, over PANTAU_RETRY_AFTER_MAX
    refusing.handle("/", lambda hit: Reply("<h1>429</h1>", 429, headers={"Retry-After": "3600"}))
    down = f"http://127.0.0.1:{free_port()}/"  # nothing listens there
    toml = (good.source_toml() + throttled.source_toml() + slow.source_toml()
            + refusing.source_toml()
            + f'[[sources]]\nname = "Berita Mati"\nstart_urls = ["{down}"]\n\n')
    with good, throttled, slow, refusing:
        db, result = crawl(toml, tmp_path_factory.mktemp("sources"), *SETTINGS)
    rows = {r["url"]: r for r in sqlite_utils.Database(db)["articles"].rows}
    health = {r["source"]: r for r in sqlite_utils.Database(db)["source_health"].rows}
    return {"good": good, "throttled": throttled, "slow": slow, "refusing": refusing}, rows, \
        health, result.stderr


def test_the_other_sources_are_crawled(crawled):
    sites, rows, _, _ = crawled
    expected = [sites[k].url(a.path) for k in ("good", "throttled") for a in sites[k].articles]
    assert sorted(rows) == sorted(expected)


def test_short_retry_after_is_waited_for_then_retried(crawled):
    sites, _, _, stderr = crawled
    home = [h for h in sites["throttled"].hits if h.path == "/"]
    assert len(home) == 2
    assert home[1].at - home[0].at >= WAIT  # not before the server said
    assert f"waiting {WAIT:.1f} s before retrying {sites['throttled'].url('/')} (Retry-After)" \
        in stderr


def test_retry_after_over_the_cap_is_not_retried(crawled):
    sites, _, _, stderr = crawled
    assert sites["refusing"].requested("/") == 1
    assert (f"not retrying {sites['refusing'].url('/')}: the server asks to wait 3600 s "
            "(Retry-After), over PANTAU_RETRY_AFTER_MAX=5 s") in stderr
    assert f"cannot fetch {sites['refusing'].url('/')} (http_429)" in stderr


def test_failed_sources_are_reported_unhealthy(crawled):
    _, _, health, stderr = crawled
    assert {s: r["status"] for s, r in health.items()} == {
        "warta-batam": "ok", "kabar-kepri": "ok", "berita-lambat": "unhealthy",
        "berita-sibuk": "unhealthy", "berita-mati": "unhealthy"}
    assert health["berita-mati"]["reason"].startswith("unreachable:")
    assert health["berita-lambat"]["reason"].startswith("unreachable:")
    for slug in ("berita-lambat", "berita-sibuk", "berita-mati"):
        assert f"unhealthy source {slug}: " in stderr
    assert "unhealthy source warta-batam" not in stderr


def test_down_and_slow_sources_are_counted_by_kind(crawled):
    _, _, _, stderr = crawled
    (summary,) = [ln for ln in stderr.splitlines() if ln.startswith("pages fetched:")]
    assert "fetch_error/DownloadConnectionRefusedError=" in summary
    assert "fetch_error/DownloadTimeoutError=" in summary
    assert "fetch_error/http_429=" in summary


@pytest.mark.parametrize("value,seconds", [
    (b"120", 120.0),
    ("0", 0.0),
    ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # a date in the past: retry now
    (None, None),
    (b"soon", None),
    ("-5", None),
])
def test_retry_after_seconds(value, seconds):
    assert retry_after_seconds(value) == seconds


def test_retry_after_date_in_the_future():
    from datetime import UTC, datetime

    now = datetime(2026, 11, 22, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Sun, 22 Nov 2026 12:01:30 GMT", now=now) == 90.0
