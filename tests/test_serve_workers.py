"""`pantau serve --workers N` (issue 21): Datasette in N worker processes on one port,
and the cheap 304 answers of data/datasette/plugins/pantau_cache.py, against real server
processes on loopback. No timing asserts."""

from __future__ import annotations

import os
import re
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from click.testing import CliRunner
from test_deploy_cache import Served, fetch
from test_reliability_datasette import copy_db

from pantau.cli import cli

# https://github.com/pantau-id/pantau/issues/21


def children(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def status(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


@pytest.fixture(scope="module")
def workers(demo_db, tmp_path_factory):
    db = copy_db(demo_db, tmp_path_factory.mktemp("workers") / "pantau.db")
    server = Served(db, "--public", "--workers", "3")
    yield server
    server.stop()


def started_workers(server: Served, expected: int) -> set[str]:
    """The worker pids the server's log names, once `expected` have started (or 120 s)."""
    deadline = time.monotonic() + 120
    while True:
        server.log.flush()
        log = server.log_path.read_text(errors="replace")
        pids = set(re.findall(r"Started server process \[(\d+)\]", log))
        if len(pids) >= expected or time.monotonic() > deadline:
            return pids
        time.sleep(0.5)


def test_three_worker_processes_serve_one_port(workers):
    pids = started_workers(workers, 3)
    assert len(pids) == 3, workers.log_path.read_text(errors="replace")[-3000:]
    assert {int(p) for p in pids} <= set(children(workers.proc.pid))
    paths = ["/", "/pantau", "/pantau/articles", "/pantau/deportations",
             "/pantau/-/office/kanim-serang", "/pantau/counts.csv?category=deportation"] * 10
    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(lambda p: status(workers.base + p), paths))
    assert [code for code, _, _ in answers] == [200] * len(paths)
    # every worker's pages are this start's: one validator, whichever worker answered
    assert len({headers["etag"] for _, headers, _ in answers}) == 1
    # the same page from any worker is the same page
    bodies = [body for p, (_, _, body) in zip(paths, answers, strict=True) if "counts.csv" in p]
    assert len(bodies) == 10 and len(set(bodies)) == 1 and b"deportation" in bodies[0]


def test_a_repeat_with_the_tag_is_answered_304_without_a_body(workers):
    code, headers, body = status(workers.base + "/pantau/articles")
    assert code == 200 and body
    tag = headers["etag"]
    assert tag.startswith('W/"')
    code, again, body = status(workers.base + "/pantau/articles", **{"If-None-Match": tag})
    assert (code, body) == (304, b"")
    assert again["etag"] == tag and again["cache-control"].startswith("public, max-age=")
    # a list of tags naming it, as a cache holding several sends
    code, _, _ = status(workers.base + "/pantau/deportations",
                        **{"If-None-Match": f'W/"0000", {tag}'})
    assert code == 304


def test_other_tags_and_personal_requests_get_the_whole_page(workers):
    _, headers, page = status(workers.base + "/pantau/deportations")
    tag = headers["etag"]
    code, _, body = status(workers.base + "/pantau/deportations",
                           **{"If-None-Match": 'W/"0123456789abcdef"'})
    assert code == 200 and body.startswith(b"<!DOCTYPE html>") and len(body) > len(page) // 2
    # a request with a cookie may be personalised: never a 304, never a tag
    code, personal, body = status(workers.base + "/pantau/deportations",
                                  **{"If-None-Match": tag, "Cookie": "ds_actor=someone"})
    assert code == 200 and body and "etag" not in personal
    # an error gets no tag, so it is never revalidated as a page
    code, missing, _ = status(workers.base + "/pantau/no_such_table")
    assert code == 404 and "etag" not in missing


def test_a_restart_sends_every_page_again(demo_db, tmp_path):
    db = copy_db(demo_db, tmp_path / "pantau.db")
    first = Served(db, "--workers", "1")
    try:
        headers, _ = fetch(first.base + "/pantau/articles")
        tag = headers["etag"]
    finally:
        first.stop()
    second = Served(db, "--workers", "1")
    try:
        code, headers, body = status(second.base + "/pantau/articles", **{"If-None-Match": tag})
        assert code == 200 and body and headers["etag"] != tag
    finally:
        second.stop()


def test_a_live_database_is_never_answered_304(demo_db, tmp_path):
    db = copy_db(demo_db, tmp_path / "pantau.db")
    live = Served(db, "--live", "--workers", "2")
    try:
        code, headers, _ = status(live.base + "/pantau/articles", **{"If-None-Match": "*"})
        assert code == 200 and "etag" not in headers
    finally:
        live.stop()


def test_stopping_the_server_stops_its_workers(demo_db, tmp_path):
    db = copy_db(demo_db, tmp_path / "pantau.db")
    server = Served(db, "--workers", "2")
    assert len(started_workers(server, 2)) == 2
    pids = children(server.proc.pid)
    assert len(pids) >= 2
    server.stop()
    assert server.proc.returncode == 0
    # the workers are gone with the parent; multiprocessing's resource tracker follows once
    # it reads the end of its pipe
    deadline = time.monotonic() + 60
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [pid for pid in pids if alive(pid)] == []


@pytest.mark.parametrize("value", ["0", "-2", "two"])
def test_a_bad_worker_count_is_a_one_line_error(value, demo_db):
    result = CliRunner().invoke(cli, ["serve", "--db", str(demo_db), "--workers", value])
    assert result.exit_code == 2
    assert "--workers" in result.output and "Traceback" not in result.output


def load_plugin():
    """data/datasette/plugins/pantau_cache.py as a module (Datasette loads it by path too)."""
    import importlib.util

    from conftest import ROOT

    path = ROOT / "data" / "datasette" / "plugins" / "pantau_cache.py"
    spec = importlib.util.spec_from_file_location("pantau_cache_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_page_cache_keeps_within_its_bytes_least_recently_used_out():
    pages = load_plugin().PageCache(100_000)
    headers = [(b"content-type", b"text/html")]
    for n in range(40):
        pages.put((b"h", f"/p{n}".encode(), b""), headers, bytes(10_000))
        assert pages.size <= 100_000
    assert len(pages.pages) < 10  # about 10,400 bytes each
    assert pages.get((b"h", b"/p0", b"")) is None  # the oldest went first
    assert pages.get((b"h", b"/p39", b""))[1] == bytes(10_000)
    # a page larger than a quarter of the cache is never kept, and drops nothing
    kept = dict(pages.pages)
    pages.put((b"h", b"/big", b""), headers, bytes(30_000))
    assert pages.get((b"h", b"/big", b"")) is None and dict(pages.pages) == kept
    # reading a page keeps it: the least recently *used* goes
    oldest = next(iter(pages.pages))
    pages.get(oldest)
    pages.put((b"h", b"/new", b""), headers, bytes(10_000))
    assert oldest in pages.pages


@pytest.fixture(scope="module")
def cached(demo_db, tmp_path_factory):
    db = copy_db(demo_db, tmp_path_factory.mktemp("pagecache") / "pantau.db")
    server = Served(db, "--public", "--workers", "1", "--cache-mb", "5")
    yield server
    server.stop()


@pytest.mark.parametrize("path", ["/pantau/articles", "/pantau/-/office/kanim-serang",
                                  "/pantau/counts.csv?category=deportation",
                                  "/pantau/office_feed.atom?office_id=kanim-serang"])
def test_a_kept_page_is_the_page_datasette_sent(cached, path):
    code, first_headers, first = status(cached.base + path)
    code2, second_headers, second = status(cached.base + path)
    assert (code, code2) == (200, 200)
    assert "x-pantau-cache" not in first_headers
    assert second_headers.pop("x-pantau-cache") == "HIT"
    for varying in ("date",):  # uvicorn's own, per answer
        first_headers.pop(varying, None), second_headers.pop(varying, None)
    assert (second_headers, second) == (first_headers, first)


def test_personal_requests_and_other_hosts_are_never_answered_from_the_cache(cached):
    status(cached.base + "/pantau/deportations")
    _, headers, _ = status(cached.base + "/pantau/deportations")
    assert headers.get("x-pantau-cache") == "HIT"
    _, personal, _ = status(cached.base + "/pantau/deportations", Cookie="ds_actor=someone")
    assert "x-pantau-cache" not in personal and "private" in personal["cache-control"]
    # links in the page name the host asked for: another host's page is its own
    _, other, body = status(cached.base + "/pantau/office_feed.atom?office_id=kanim-serang",
                            Host="archive.example.org")
    assert "x-pantau-cache" not in other and b"archive.example.org" in body
    # an error is not kept
    for _ in range(2):
        code, missing, _ = status(cached.base + "/pantau/no_such_table")
        assert code == 404 and "x-pantau-cache" not in missing


def test_without_the_option_no_page_is_kept(workers):
    for _ in range(2):
        _, headers, _ = status(workers.base + "/pantau/articles?_size=5")
        assert "x-pantau-cache" not in headers


def test_cache_mb_refuses_a_live_database(demo_db):
    result = CliRunner().invoke(cli, ["serve", "--db", str(demo_db), "--live", "--cache-mb", "5"])
    assert result.exit_code == 2 and "--cache-mb" in result.output
    assert "Traceback" not in result.output


def test_nginx_revalidates_an_expired_page_with_a_304(demo_db, tmp_path):
    import sys

    from conftest import ROOT, free_port

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from nginx_proxy import nginx_binary, nginx_in_front

    if nginx_binary() is None:
        pytest.skip("nginx is not installed (make system-deps installs it)")
    db = copy_db(demo_db, tmp_path / "pantau.db")
    server = Served(db, "--public", "--workers", "2", env={"PANTAU_CACHE_TTL": "1"})
    try:
        with nginx_in_front(tmp_path / "nginx", free_port(), server.port) as proxy:
            path = "/pantau/deportations?via=revalidate"
            first_headers, first = fetch(proxy + path)
            assert first_headers["x-cache-status"] == "MISS"
            time.sleep(2.5)  # past the 1 s max-age: the copy is stale, not a timing assert
            again_headers, again = fetch(proxy + path)
            # the stale copy answers at once (proxy_cache_background_update) or after the
            # refresh; either way nginx asked with If-None-Match and pantau serve said 304
            assert again_headers["x-cache-status"] in ("STALE", "REVALIDATED")
            assert again == first
            answered = r'"GET /pantau/deportations\?via=revalidate HTTP/1\.[01]" (\d+)'
            deadline = time.monotonic() + 60
            while True:
                server.log.flush()
                codes = re.findall(answered, server.log_path.read_text(errors="replace"))
                if len(codes) >= 2 or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            assert codes[:2] == ["200", "304"]
            third_headers, third = fetch(proxy + path)
            assert third == first and third_headers["x-cache-status"] in ("HIT", "STALE",
                                                                           "REVALIDATED")
    finally:
        server.stop()


def sockets_of(pid: int) -> int:
    """How many sockets process `pid` holds open."""
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            count += os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
        except OSError:
            continue
    return count


def test_each_worker_takes_connections_of_its_own(workers):
    # Each worker listens on its own socket (SO_REUSEPORT) and the kernel spreads new
    # connections over them: of 40 kept-alive connections, every worker holds some (all 40
    # on one of 3 sockets: odds about 3 x (1/3)^40).
    import http.client

    pids = [int(p) for p in started_workers(workers, 3)]
    before = {pid: sockets_of(pid) for pid in pids}
    connections = []
    try:
        for _ in range(40):
            conn = http.client.HTTPConnection("127.0.0.1", workers.port, timeout=60)
            conn.request("GET", "/-/versions.json")
            assert conn.getresponse().read()
            connections.append(conn)
        gained = {pid: sockets_of(pid) - before[pid] for pid in pids}
    finally:
        for conn in connections:
            conn.close()
    assert all(n >= 1 for n in gained.values()), gained
    assert sum(gained.values()) >= 40


def test_a_worker_that_dies_is_replaced(demo_db, tmp_path):
    import signal

    db = copy_db(demo_db, tmp_path / "pantau.db")
    server = Served(db, "--workers", "2")
    try:
        pids = started_workers(server, 2)
        os.kill(int(min(pids)), signal.SIGKILL)
        assert len(started_workers(server, 3)) == 3  # a new one started in its place
        for _ in range(20):  # whichever socket a connection lands on, it is answered
            code, _, _ = status(server.base + "/pantau/articles?_size=1")
            assert code == 200
    finally:
        server.stop()
    assert "ended (-9); starting another" in server.log_path.read_text(errors="replace")


def test_a_port_in_use_is_a_one_line_error(demo_db, tmp_path):
    import socket
    import subprocess

    from conftest import PANTAU, ROOT

    db = copy_db(demo_db, tmp_path / "pantau.db")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([*PANTAU, "serve", "--db", str(db), "--port", str(port),
                                 "--workers", "2"], cwd=ROOT, capture_output=True, text=True,
                                timeout=120)
    assert result.returncode == 1
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_workers_stop_when_their_parent_is_killed(demo_db, tmp_path):
    import signal

    db = copy_db(demo_db, tmp_path / "pantau.db")
    server = Served(db, "--workers", "2")
    try:
        workers = [int(p) for p in started_workers(server, 2)]
        server.proc.send_signal(signal.SIGKILL)  # no chance to stop them itself
        server.proc.wait(timeout=30)
        deadline = time.monotonic() + 60
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [pid for pid in workers if alive(pid)] == []
        with pytest.raises(OSError):  # nobody answers on the port any more
            status(server.base + "/-/versions.json")
    finally:
        server.log.close()
