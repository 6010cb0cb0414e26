"""crawler/spiders/news.py and crawler/settings.py: the faults of real sites, each exercised
against the fault fixture site in one crawl."""

from __future__ import annotations

import os

import pytest
import sqlite_utils
from sites import crawl, faults, token_f1

CONTACT = "mailto:tim@pantau.test"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    site = faults.build()
    env = {**os.environ, "PANTAU_CONTACT": CONTACT}
    with site:
        db, result = crawl(site.source_toml(), tmp_path_factory.mktemp("faults"),
                           *faults.SETTINGS, env=env)
    rows = {r["url"]: r for r in sqlite_utils.Database(db)["articles"].rows}
    return site, rows, result.stderr


def _summary(stderr: str) -> str:
    (line,) = [ln for ln in stderr.splitlines() if ln.startswith("pages fetched:")]
    return line


def test_only_the_good_pages_become_articles(crawled):
    site, rows, _ = crawled
    assert sorted(rows) == sorted(site.url(a.path) for a in faults.ARTICLES.values())


def test_5xx_is_retried_and_recovers(crawled):
    site, rows, _ = crawled
    page = faults.ARTICLES["retry"]
    assert site.requested(page.path) == 2  # 503, then 200
    assert rows[site.url(page.path)]["title"] == page.title


def test_5xx_that_persists_is_retried_then_counted(crawled):
    site, _, stderr = crawled
    assert site.requested(faults.BROKEN["always_500"]) == 2  # RETRY_TIMES=1
    assert "fetch_error/http_500=1" in _summary(stderr)
    assert f"cannot fetch {site.url(faults.BROKEN['always_500'])} (http_500)" in stderr


def test_timeout_is_retried_then_counted(crawled):
    site, _, stderr = crawled
    url = site.url(faults.BROKEN["slow"])
    # Both attempts are read from the crawler's log: on a loaded machine the retry can time out
    # before the server's thread has read it, so the server may count one request or two.
    assert f"Gave up retrying <GET {url}> (failed 2 times): Getting {url} took longer" in stderr
    assert site.requested(faults.BROKEN["slow"]) >= 1
    assert "fetch_error/DownloadTimeoutError=1" in _summary(stderr)


def test_404_is_logged_not_retried(crawled):
    site, _, stderr = crawled
    assert site.requested(faults.BROKEN["missing"]) == 1
    assert "fetch_error/http_404=1" in _summary(stderr)
    assert f"cannot fetch {site.url(faults.BROKEN['missing'])} (http_404)" in stderr


def test_redirect_is_followed(crawled):
    site, rows, _ = crawled
    target = faults.ARTICLES["redirect"]
    row = rows[site.url(target.path)]
    assert row["title"] == target.title
    assert site.requested(faults.MOVED_FROM) == 1


def test_response_over_size_cap_is_dropped_with_log_line(crawled):
    site, rows, stderr = crawled
    url = site.url(faults.BROKEN["big"])
    assert url not in rows
    assert [ln for ln in stderr.splitlines() if url in ln and "max size" in ln]


@pytest.mark.parametrize("key", ["cp1252", "utf8", "utf8_labelled_latin1",
                                 "cp1252_labelled_utf8", "malformed"])
def test_charsets_and_broken_html_are_decoded(crawled, key):
    site, rows, _ = crawled
    article = faults.ARTICLES[key]
    row = rows[site.url(article.path)]
    assert (row["title"], row["published"]) == (article.title, article.published)
    assert token_f1(row["text"], article.text) >= 0.95
    assert article.pages[0][0] in row["text"]  # every “, ”, –, é and … intact


def test_empty_page_is_reported(crawled):
    site, rows, stderr = crawled
    url = site.url(faults.BROKEN["empty"])
    assert url not in rows
    assert f"cannot parse {url} (empty)" in stderr
    assert "parse_error/empty=1" in _summary(stderr)


def test_robots_txt_is_obeyed(crawled):
    site, _, _ = crawled
    assert site.requested("/robots.txt") >= 1
    assert site.requested(faults.BROKEN["forbidden"]) == 0


def test_user_agent_names_pantau_and_contact(crawled):
    site, _, _ = crawled
    agents = {h.headers.get("user-agent") for h in site.hits}
    assert len(agents) == 1
    (agent,) = agents
    assert agent.startswith("Pantau/") and CONTACT in agent


def test_summary_and_progress_lines(crawled):
    _, rows, stderr = crawled
    line = _summary(stderr)
    assert f"articles new: {len(rows)}," in line
    # The crawl lasts over a second (timeouts), so progress lines appear (interval 0.5 s).
    assert "progress: pages fetched:" in stderr
