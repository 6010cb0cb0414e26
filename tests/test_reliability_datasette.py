"""Datasette hardening (issue 8), tried against running `pantau serve` processes: the database
file is opened read-only, a --public deployment runs no SQL of its own, queries are bounded,
canned queries are parameterised, and error pages leak no paths or tracebacks."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import PANTAU, ROOT, free_port, get_json, wait_until_responds

from core.settings import setting
from pantau import cli
from pantau.serve import datasette_command

# https://github.com/pantau-id/pantau/issues/8


def fetch(url: str) -> tuple[int, str]:
    """Status and body of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.read().decode("utf-8", "replace")


class Served:
    """A `pantau serve` process on a free port, its base URL and its pid."""

    def __init__(self, db: Path, *options: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = db.parent / f"serve-{self.port}.log"
        self.log = self.log_path.open("wb")
        self.proc = subprocess.Popen([*PANTAU, "serve", "--db", str(db), "--port",
                                      str(self.port), *options],
                                     cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            wait_until_responds(self.base + "/-/versions.json")
        except OSError:
            self.stop()
            raise AssertionError(self.log_path.read_text(errors="replace")[-3000:]) from None

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.close()


@pytest.fixture(scope="module")
def own_db(demo_db, tmp_path_factory) -> Path:
    """A copy of the demo database: `pantau serve` refreshes its summary tables at start, which
    must not change the file the session's immutable demo_server is reading."""
    return copy_db(demo_db, tmp_path_factory.mktemp("served") / "pantau.db")


def copy_db(source: Path, target: Path) -> Path:
    """A consistent copy of a SQLite database (the backup API)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    return target


@pytest.fixture(scope="module")
def public_server(own_db):
    served = Served(own_db, "--public")
    yield served
    served.stop()


@pytest.fixture(scope="module")
def live_db(demo_db, tmp_path_factory) -> Path:
    return copy_db(demo_db, tmp_path_factory.mktemp("live") / "pantau.db")


@pytest.fixture(scope="module")
def live_server(live_db):
    served = Served(live_db, "--public", "--live")
    yield served
    served.stop()


def open_flags(pid: int, path: Path) -> list[str]:
    """The access mode of every descriptor process `pid` holds on `path` (Linux /proc)."""
    modes = {0: "r", 1: "w", 2: "rw"}
    found = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target == str(path):
            flags = re.search(r"flags:\s*(\d+)", Path(f"/proc/{pid}/fdinfo/{fd}").read_text())
            found.append(modes[int(flags.group(1), 8) & 3])
    return found


def test_live_database_file_is_opened_read_only(live_server, live_db):
    # --live: Datasette opens the file with mode=ro, so the OS refuses any write
    status, _ = fetch(live_server.base + "/pantau/articles.json?_size=5")  # the file is open now
    assert status == 200
    modes = open_flags(live_server.proc.pid, live_db.resolve())
    assert modes, "the server holds no descriptor on the database"
    assert set(modes) == {"r"}


def test_immutable_database_is_never_written(public_server, own_db):
    # the default: SQLite's immutable=1 (the descriptor is read-write, SQLite never writes)
    databases = get_json(public_server.base + "/-/databases.json")
    assert [d["is_mutable"] for d in databases if d["name"] == "pantau"] == [False]
    before = own_db.read_bytes()
    for path in ("/pantau/articles?_search=paspor&_facet=source", "/pantau/counts.csv?_stream=1",
                 "/pantau/office_coverage?office_id=kanim-serang", "/pantau.json?sql=select+1"):
        fetch(public_server.base + path)
    insert = urllib.request.Request(public_server.base + "/pantau/articles/-/insert",
                                    method="POST", data=b'{"row": {"title": "x"}}',
                                    headers={"Content-Type": "application/json"})
    assert fetch(insert)[0] >= 400
    assert own_db.read_bytes() == before


@pytest.mark.parametrize("path", [
    "/pantau.json?sql=select+1",
    "/pantau.json?sql=select+file+from+pragma_database_list",  # would reveal file paths
    "/pantau/articles.json?_where=1%3D1",  # raw SQL in a table filter
])
def test_public_deployment_refuses_arbitrary_sql(public_server, path):
    status, body = fetch(public_server.base + path)
    assert status == 403, body[:300]


def test_public_deployment_keeps_tables_facets_search_and_canned_queries(public_server):
    base = public_server.base
    assert get_json(base + "/pantau/articles.json?_facet=source&_size=1")["facet_results"]
    assert get_json(base + "/pantau/articles.json?_search=paspor&_size=1")["rows"]
    assert get_json(base + "/pantau/office_coverage.json?office_id=kanim-serang&_shape=array")
    assert fetch(base + "/pantau/counts.csv?_stream=1")[0] == 200
    settings = get_json(base + "/-/settings.json")
    assert settings["default_allow_sql"] is False


def test_public_allow_sql_keeps_sql_with_a_shorter_limit(demo_db, tmp_path):
    db = copy_db(demo_db, tmp_path / "pantau.db")  # datasette_command refreshes summaries
    cmd = datasette_command(db, setting("metadata"), public=True, allow_sql=True)
    settings = {cmd[i + 1]: cmd[i + 2] for i, arg in enumerate(cmd) if arg == "--setting"}
    assert settings["default_allow_sql"] == "on"
    assert settings["sql_time_limit_ms"] == "1000"
    assert settings["max_returned_rows"] == "2000"
    local = datasette_command(db, setting("metadata"))
    assert "default_allow_sql" not in local  # a local instance keeps Datasette's default


def test_allow_sql_without_public_is_refused(demo_db):
    result = CliRunner().invoke(cli.cli, ["serve", "--db", str(demo_db), "--allow-sql"])
    assert result.exit_code == 2, result.output
    assert "--allow-sql only applies with --public" in result.output


def test_sql_time_limit_stops_a_long_query(demo_server):
    sql = ("with recursive n(x) as (select 1 union all select x + 1 from n) "
           "select count(*) from n")
    status, body = fetch(demo_server + "/pantau.json?sql=" + urllib.parse.quote(sql))
    assert status == 400
    assert "SQL query took too long" in body


CANNED = yaml.safe_load(setting("metadata").read_text(encoding="utf-8"))[
    "databases"]["pantau"]["queries"]


@pytest.mark.parametrize("name", sorted(CANNED))
def test_canned_queries_take_parameters_not_string_building(name):
    # values come in as :named parameters Datasette binds; no Python or printf placeholders
    sql = CANNED[name]["sql"]
    assert not re.search(r"\{[a-z_]*\}|%\(\w+\)s|%s|\$\d|\?", sql), sql


@pytest.mark.parametrize("query,param,value", [
    ("office_coverage", "office_id", "kanim-serang"),
    ("office_articles", "office_id", "kanim-serang"),
    ("office_feed", "office_id", "kanim-serang"),
    ("articles_since", "since", "2025-01-01"),
    ("top_stories", "since", "2025-01-01"),
])
@pytest.mark.parametrize("injection", ["zzz' OR '1'='1", "zzz' OR 1=1 --",
                                       "zzz'); DROP TABLE articles; --"])
def test_canned_query_parameters_are_not_injectable(public_server, query, param, value,
                                                    injection):
    def rows(v: str) -> list:
        url = (f"{public_server.base}/pantau/{query}.json?_shape=array&_size=max&"
               + urllib.parse.urlencode({param: v}))
        return get_json(url)

    assert rows(value), f"{query} finds nothing for {value}: the comparison needs rows"
    if param == "since":  # a date parameter: refused with a message (pantau_dates plugin)
        status, body = fetch(f"{public_server.base}/pantau/{query}.json?"
                             + urllib.parse.urlencode({param: injection}))
        assert status == 400 and "Date not understood" in body
    else:
        assert rows(injection) == []
    articles = get_json(public_server.base + "/pantau/articles.json?_size=0")
    assert articles["filtered_table_rows_count"] > 0  # nothing was dropped


ERROR_PATHS = [
    "/nope",
    "/pantau/nope",
    "/pantau/articles/zzz",
    "/pantau/articles?_sort=zzz",  # Datasette answers 500 here
    "/pantau/articles?_facet=zzz",
    "/pantau/articles?_size=abc",
    "/pantau/articles?published__zzz=1",
    "/pantau/articles?title__gt=%ff%fe",
    "/pantau/office_coverage.json?office_id=%00",
    "/pantau-static/../../../etc/passwd",
    "/pantau-static/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/-/static/..%2f..%2fapp.py",
    "/pantau.db",
    "/pantau.json?sql=select+*+from+nope",
]


@pytest.mark.parametrize("path", ERROR_PATHS)
@pytest.mark.parametrize("server", ["demo_server", "public_server"])
def test_error_pages_leak_no_paths_or_tracebacks(request, demo_db, own_db, server, path):
    served = request.getfixturevalue(server)
    base = served if isinstance(served, str) else served.base
    _, body = fetch(base + path)
    assert body
    for leak in ("Traceback", 'File "', "site-packages", str(ROOT), str(demo_db.parent),
                 str(own_db.parent),
                 "root:x:0:0"):
        assert leak not in body, (path, leak)
