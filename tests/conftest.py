"""Shared fixtures: the demo site on a real loopback server, temp databases, the pantau command."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pantau.demo_site import DemoSite

ROOT = Path(__file__).resolve().parent.parent
PANTAU = [sys.executable, "-m", "pantau"]
# Local crawls need no politeness delay; everything else stays as shipped.
FAST_CRAWL = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]


@pytest.fixture(scope="session")
def demo_site():
    """The bundled demo site, served on 127.0.0.1 on a free port for the whole session."""
    with DemoSite() as site:
        yield site


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "pantau.db"


def run_pantau(*args: str, timeout: float = 300, check: bool = False, **kwargs):
    """Run the pantau command in a subprocess (Scrapy's reactor cannot restart in one process)."""
    result = subprocess.run([*PANTAU, *map(str, args)], capture_output=True, text=True,
                            timeout=timeout, cwd=ROOT, **kwargs)
    if check:
        assert result.returncode == 0, result.stderr[-3000:]
    return result


def crawl(site: DemoSite, db: Path, tmp_path: Path, *extra: str):
    """Crawl the demo site's sources into `db`; returns the finished process."""
    sources = tmp_path / "sources.toml"
    sources.write_text(site.sources_toml(), encoding="utf-8")
    return run_pantau("crawl", "--sources", sources, "--db", db, *FAST_CRAWL, *extra, check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_responds(url: str, timeout: float = 90.0) -> None:
    """Poll `url` until it answers 200 (the Datasette test-suite pattern)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A database built by `pantau demo --no-serve`, once per test session."""
    db = tmp_path_factory.mktemp("demo") / "pantau.db"
    result = run_pantau("demo", "--no-serve", "--site-port", "0", "--db", db, check=True)
    assert "database ready" in result.stderr
    return db


@pytest.fixture(scope="session")
def demo_server(demo_db):
    """`pantau serve` over the demo database on a free port; yields the base URL.

    The server logs to a file: an undrained pipe fills after a few hundred requests (access
    log lines, tracebacks of deliberate 4xx) and then blocks the server.
    """
    yield from _serve(demo_db)


# The name the README's `--db /x/demo.db` example gives the database: not `pantau`.
RENAMED = "arsip-imigrasi"


@pytest.fixture(scope="session")
def renamed_server(demo_db):
    """The demo database copied to `arsip-imigrasi.db` beside it (same WARC archive) and
    served by `pantau serve`: every link must follow the served name. Yields the base URL."""
    import shutil

    copy = demo_db.parent / f"{RENAMED}.db"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{demo_db}{suffix}").exists():
            shutil.copy(f"{demo_db}{suffix}", f"{copy}{suffix}")
    yield from _serve(copy)


def _serve(db: Path):
    port = free_port()
    log_path = db.parent / f"serve-{db.stem}.log"
    log = log_path.open("wb")
    proc = subprocess.Popen([*PANTAU, "serve", "--db", str(db), "--port", str(port)],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_responds(base + "/-/versions.json")
    except OSError:
        proc.kill()
        proc.wait(timeout=10)
        log.close()
        raise AssertionError(log_path.read_text(errors="replace")[-3000:]) from None
    yield base
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


def get_json(url: str):
    import json

    with urllib.request.urlopen(url, timeout=30) as r:
        return json.loads(r.read().decode("utf-8"))
