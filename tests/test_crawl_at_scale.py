"""One crawl of 300 generated loopback sources on 25 hosts (tests/sites/many.py), with the shipped
per-host limit and no delay: no host ever answers two requests at once, robots.txt
and each source's page budget hold, the date window bounds what is stored, and the summary
is grouped by province (issue 20)."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
import sqlite_utils
from conftest import run_pantau
from sites import many

from crawler.urls import url_key

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    sources = many.build(300, hosts=25)
    servers = list({id(s.server): s.server for s in sources}.values())
    tmp = tmp_path_factory.mktemp("scale")
    path = tmp / "sources.toml"
    path.write_text(many.sources_toml(sources), encoding="utf-8")
    db = tmp / "pantau.db"
    for server in servers:
        server.__enter__()
    try:
        # Shipped settings (one request per host at a time, robots.txt obeyed) without the
        # fixed delay and AutoThrottle, which pace a host and would hide a broken per-host
        # limit; `pantau crawl` keeps PANTAU_MIN_DOWNLOAD_DELAY (crawler/settings.py).
        result = run_pantau("crawl", "--sources", path, "--db", db, "-s", "DOWNLOAD_DELAY=0",
                            "-s", "AUTOTHROTTLE_ENABLED=False", "--since", many.SINCE,
                            "--until", many.UNTIL, timeout=900)
    finally:
        for server in servers:
            server.__exit__(None, None, None)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = list(sqlite_utils.Database(db)["articles"].rows)
    return sources, servers, rows, result.stderr


def test_every_source_crawled_within_its_window(crawled):
    sources, _, rows, _ = crawled
    stored = defaultdict(set)
    for row in rows:
        stored[row["source"]].add(url_key(row["url"]))
    assert len(sources) == 300 and len({s.server.base_url for s in sources}) == 25
    for src in sources:
        if src.index == many.CAPPED_INDEX:
            continue
        want = {url_key(src.server.url(p)) for p in src.in_window()}
        assert stored[src.slug] == want, src.slug
    # every 10th source listed one article before and one after the window: none stored
    outside = [src.server.url(p) for src in sources for p in src.outside]
    assert len(outside) == 60
    assert {url_key(u) for u in outside} & {url_key(r["url"]) for r in rows} == set()


def test_no_host_gets_two_requests_at_once(crawled):
    sources, servers, _, _ = crawled
    assert [s.max_active for s in servers] == [1] * 25
    # and each host had its 12 sources' start pages asked for, once each
    for server in servers:
        starts = {f"/{s.name}/berita" if s.kind == "detik" else f"/{s.name}/"
                  for s in sources if s.server is server}
        asked = [h.path for h in server.hits if h.path in starts]
        assert len(starts) == 12 and sorted(asked) == sorted(starts), server.base_url


def test_robots_and_page_budget_hold(crawled):
    sources, _, rows, _ = crawled
    first = sources[0]
    assert first.server.requested(f"/{first.name}/private/laporan") == 0
    assert first.server.requested("/robots.txt") >= 1
    capped = sources[many.CAPPED_INDEX]
    prefix_hits = [h for h in capped.server.hits if h.path.startswith(f"/{capped.name}/")]
    assert 1 <= len(prefix_hits) <= many.CAPPED_PAGES
    assert len([r for r in rows if r["source"] == capped.slug]) < many.CAPPED_ARTICLES


def test_summary_by_province(crawled):
    sources, _, rows, stderr = crawled
    lines = stderr.split("by province:\n", 1)[1].splitlines()
    printed = {}
    for line in lines:
        m = re.match(r"  (.+): (\d+) sources, (\d+) pages, (\d+) articles, (\d+) errors, "
                     r"(\d+) flagged$", line)
        if not m:
            break
        printed[m.group(1)] = tuple(int(g) for g in m.groups()[1:])
    province_of = {s.slug: s.province for s in sources}
    expected_sources = defaultdict(int)
    expected_articles = defaultdict(int)
    for src in sources:
        expected_sources[src.province] += 1
    for row in rows:
        expected_articles[province_of[row["source"]]] += 1
    assert len(printed) == 38
    assert {p: (v[0], v[2]) for p, v in printed.items()} == {
        p: (expected_sources[p], expected_articles[p]) for p in expected_sources}
    # Every page fetched is some source's, except the robots.txt Scrapy reads once per host.
    hits = sum(len(s.hits) for s in {id(s.server): s.server for s in sources}.values())
    assert sum(v[1] for v in printed.values()) == hits - 25
