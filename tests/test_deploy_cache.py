"""HTTP caching of the published database (issue 21): `pantau serve` marks its pages public for
PANTAU_CACHE_TTL seconds, and the nginx setup of docs/deployment.md (data/deploy/
nginx-pantau.conf, run as shipped but for its paths and ports by benchmarks/nginx_proxy.py)
answers repeats from its cache, in front of a real `pantau serve` process. No timing asserts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import PANTAU, ROOT, free_port, wait_until_responds
from test_reliability_datasette import copy_db

sys.path.insert(0, str(ROOT / "benchmarks"))
from nginx_proxy import nginx_binary, nginx_in_front  # noqa: E402  (beside load_test.py)


def fetch(url: str, **headers) -> tuple[dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as r:
        return {k.lower(): v for k, v in r.headers.items()}, r.read()


class Served:
    """`pantau serve` on its own copy of the demo database, with its log."""

    def __init__(self, db: Path, *args: str, env: dict | None = None):
        self.port = free_port()
        self.log_path = db.with_suffix(".serve.log")
        self.log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [*PANTAU, "serve", "--db", str(db), "--port", str(self.port), *args], cwd=ROOT,
            stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        self.base = f"http://127.0.0.1:{self.port}"
        try:
            wait_until_responds(self.base + "/-/versions.json")
        except OSError:
            self.stop()
            raise AssertionError(self.log_path.read_text(errors="replace")[-3000:]) from None

    def requests_for(self, path: str) -> int:
        """How many requests for `path` reached Datasette (uvicorn's access log)."""
        self.log.flush()
        return len(re.findall(rf'"GET {re.escape(path)} HTTP/1\.[01]" 200',
                              self.log_path.read_text(errors="replace")))

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.close()


@pytest.fixture(scope="module")
def served(demo_db, tmp_path_factory):
    db = copy_db(demo_db, tmp_path_factory.mktemp("cache") / "pantau.db")
    server = Served(db, "--public", env={"PANTAU_CACHE_TTL": "120"})
    yield server
    server.stop()


@pytest.mark.parametrize("path", [
    "/", "/pantau/articles", "/pantau/deportations", "/pantau/-/office/kanim-serang",
    "/pantau/-/search?q=deportasi", "/codebook", "/pantau/counts.csv?category=deportation",
    "/pantau/office_feed.atom?office_id=kanim-serang"])
def test_immutable_pages_are_public_for_the_cache_ttl(served, path):
    headers, _ = fetch(served.base + path)
    assert headers["cache-control"] == "public, max-age=120"


def test_personalised_and_uncached_answers_keep_their_headers(served):
    # A request with a cookie may be personalised: Datasette says private, and that stays.
    headers, _ = fetch(served.base + "/pantau/articles", Cookie="ds_actor=someone")
    assert "private" in headers["cache-control"] and "public" not in headers["cache-control"]
    # ?_ttl=0 asks Datasette for no-cache
    headers, _ = fetch(served.base + "/pantau/articles?_ttl=0")
    assert headers["cache-control"] == "no-cache"
    # an error is not cached as the page
    with pytest.raises(urllib.error.HTTPError) as e:
        fetch(served.base + "/pantau/no_such_table")
    assert "public" not in (e.value.headers.get("cache-control") or "")
    e.value.close()


def test_live_database_gets_no_long_cache(demo_db, tmp_path):
    db = copy_db(demo_db, tmp_path / "pantau.db")
    live = Served(db, "--live")
    try:
        headers, _ = fetch(live.base + "/pantau/articles")
        assert "public" not in headers.get("cache-control", "")
        headers, _ = fetch(live.base + "/pantau/-/office/kanim-serang")
        assert "cache-control" not in headers
    finally:
        live.stop()


@pytest.fixture(scope="module")
def proxy(served, tmp_path_factory):
    if nginx_binary() is None:
        pytest.skip("nginx is not installed (make system-deps installs it)")
    with nginx_in_front(tmp_path_factory.mktemp("nginx"), free_port(), served.port) as base:
        yield base


# Paths no other test of the module asks for: the upstream log counts each once.
@pytest.mark.parametrize("path", ["/pantau/deportations?via=nginx",
                                  "/pantau/-/office/kanim-serang?via=nginx", "/?via=nginx"])
def test_nginx_answers_a_repeat_from_its_cache(proxy, served, path):
    first_headers, first = fetch(proxy + path)
    second_headers, second = fetch(proxy + path)
    assert first_headers["x-cache-status"] == "MISS"
    assert second_headers["x-cache-status"] == "HIT"
    assert second == first
    assert second_headers["cache-control"] == "public, max-age=120"
    # the repeat never reached Datasette
    deadline = time.monotonic() + 5  # uvicorn writes its access line after the answer
    while served.requests_for(path) < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert served.requests_for(path) == 1


def test_nginx_keeps_no_personalised_answer(proxy, served):
    path = "/pantau/arrests"
    for _ in range(2):
        headers, _ = fetch(proxy + path, Cookie="ds_actor=someone")
        assert headers["x-cache-status"] == "BYPASS"
        assert "private" in headers["cache-control"]
    headers, _ = fetch(proxy + path)  # the anonymous page was not filled by those
    assert headers["x-cache-status"] == "MISS"
