"""Serves a Pantau database with Datasette, its metadata and safe defaults."""

from __future__ import annotations

import json
import os
import secrets
import socket
import sqlite3
import sys
import tempfile
from pathlib import Path

import yaml
from datasette.utils import tilde_encode

from core.settings import beside_db, datasette_settings
from core.settings import value as setting_value
from pantau.i18n import bilingual, indonesian_description, indonesian_query
from pipelines.db import DatabaseError, checkpoint, open_db, refresh_summaries_if_stale

# Datasette settings Pantau always applies: the settings table's, each with its reason there.
DATASETTE_SETTINGS = datasette_settings()
# Added by `pantau serve --public` (issue 8): anonymous users read tables, facets, search,
# exports and the canned queries, but run no SQL of their own (an arbitrary query can read
# pragma_database_list, i.e. the server's file paths, and hold a worker for the time limit).
PUBLIC_SETTINGS = {"default_allow_sql": "off", "trace_debug": "off", "template_debug": "off"}
# `--public --allow-sql`: SQL stays on, with a shorter time limit than a local instance.
PUBLIC_SQL_SETTINGS = {"default_allow_sql": "on", "sql_time_limit_ms": 1000}
# Light customisation of the Datasette look: the codebook page, a stylesheet, a template hook.
DATASETTE_DIR = Path(__file__).resolve().parent.parent / "data" / "datasette"
STATIC_MOUNT = "pantau-static"


class MetadataError(ValueError):
    """The Datasette metadata file is missing or not valid YAML."""


class ForeignDatabase(DatabaseError):
    """The file is SQLite but not a Pantau database: serving it would write Pantau's schema
    into someone else's file, so `pantau serve` refuses (it never writes to a file it did not
    create)."""


# The key Pantau writes into its own `meta` table when it creates a database (pipelines.db):
# a file carrying it may be upgraded in place; any other file is left byte for byte as it is.
SCHEMA_MARKER = "schema_version"


def require_pantau_database(db_path: Path) -> None:
    """Refuse, before anything is written, a file that is not a Pantau database.

    Opened read-only (`mode=ro`): no journal mode change, no table created, whatever the file.

    Raises:
        pipelines.db.DatabaseError: the file is missing or not SQLite.
        ForeignDatabase: SQLite without Pantau's schema marker in a `meta` table.
    """
    db_path = Path(db_path)
    if not db_path.exists():
        raise DatabaseError(f"database not found: {db_path} "
                            "(run `pantau crawl` or `pantau demo` first)")
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("select name from sqlite_master")}
            marked = "meta" in tables and conn.execute(
                "select 1 from meta where key = ?", [SCHEMA_MARKER]).fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise DatabaseError(f"cannot use database {db_path}: {e}") from None
    if not marked:
        raise ForeignDatabase(
            f"{db_path} is not a Pantau database (no {SCHEMA_MARKER} in a meta table); "
            "pantau serve never writes to a file it did not create: publish it with "
            "`datasette` itself, or build a Pantau database with `pantau crawl` or `pantau demo`")


def database_name(db_path: Path) -> str:
    """The name Datasette serves a file under (its stem), as it appears in URLs."""
    return tilde_encode(Path(db_path).stem)


def _follow_name(value, name: str):
    """`value` with every `/pantau/` link pointing at `/<name>/` instead (recursively)."""
    if isinstance(value, str):
        return value.replace("/pantau/", f"/{name}/").replace("/pantau.", f"/{name}.")
    if isinstance(value, dict):
        return {k: _follow_name(v, name) for k, v in value.items()}
    if isinstance(value, list):
        return [_follow_name(v, name) for v in value]
    return value


def _both_languages(database: dict) -> None:
    """Table and column descriptions in Bahasa Indonesia and English (issue 18), as Datasette's
    table pages show them: "Indonesian / English", the Indonesian from data/codebook_id.yml.
    Descriptions already written in both (the headline tables') are left as they are; the
    database's and the canned queries' descriptions get the same treatment."""
    if database.get("description"):
        database["description"] = bilingual(indonesian_query(), database["description"])
    for name, query in (database.get("queries") or {}).items():
        if isinstance(query, dict) and query.get("description"):
            query["description"] = bilingual(indonesian_query(name), query["description"])
    for table, meta in (database.get("tables") or {}).items():
        if meta.get("description"):
            meta["description"] = bilingual(indonesian_description(table), meta["description"])
        if meta.get("columns"):  # a new dict: YAML aliases share one between tables
            meta["columns"] = {column: bilingual(indonesian_description(table, column), english)
                               for column, english in meta["columns"].items()}


def metadata_for(db_path: Path, metadata_path: Path) -> dict:
    """Load metadata.yml and key its database section by the database's file stem."""
    try:
        meta = yaml.safe_load(Path(metadata_path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MetadataError(f"metadata file not found: {metadata_path}") from None
    except yaml.YAMLError as e:
        raise MetadataError(f"{metadata_path}: not valid YAML: {e}") from None
    databases = meta.get("databases") or {}
    if "pantau" in databases:
        _both_languages(databases["pantau"])
    if "pantau" in databases and db_path.stem != "pantau":
        databases[db_path.stem] = databases.pop("pantau")
    # Links in descriptions are written for a database called `pantau`; `--db /x/demo.db` is
    # served as /demo/, so they follow the name (the plugins and templates ask Datasette).
    if db_path.stem != "pantau":
        meta = _follow_name(meta, database_name(db_path))
    return meta


def datasette_command(db_path: Path, metadata_path: Path, host: str = "127.0.0.1",
                      port: int = 8001, live: bool = False, public: bool = False,
                      allow_sql: bool = False, extra: tuple[str, ...] = (),
                      cache_mb: int = 0) -> list[str]:
    """The `datasette serve` command line for a database; writes the keyed metadata to a temp file.

    Args:
        db_path: an existing Pantau database.
        metadata_path: the metadata.yml to publish with it.
        host: interface to bind; loopback unless the archive is meant to be public.
        port: TCP port.
        live: open the database mutable (read-only connections that see a running crawl's
            writes) instead of --immutable, which is faster but assumes the file never changes.
            The aggregate tables (pipelines.schema.SUMMARIES) are brought up to date here and
            then at the end of each `pantau extract` run, which --live readers see.
        public: a deployment for anonymous users: arbitrary SQL is off (tables, facets,
            search, exports and the canned queries stay), unless `allow_sql`. The interface
            is still `host`'s.
        allow_sql: with `public`, keep arbitrary SQL on (bounded by PUBLIC_SQL_SETTINGS).
        extra: more `datasette serve` arguments.
        cache_mb: with an immutable database, each server process keeps the anonymous pages
            it sent, up to this many megabytes, and sends them again without Datasette
            (data/datasette/plugins/pantau_cache.py); 0, the default, keeps none.

    Returns:
        The command, as a list for os.execv or subprocess.

    Raises:
        pipelines.db.DatabaseError: the database is missing or unreadable.
        ForeignDatabase: the file is not a Pantau database (it is left unchanged).
        MetadataError: the metadata file is missing or malformed.
    """
    require_pantau_database(db_path)
    db = open_db(db_path, create=False)  # a clear error beats Datasette creating an empty file
    refresh_summaries_if_stale(db)  # a no-op after `pantau extract`, which refreshes them
    if not live:
        checkpoint(db)  # immutable readers ignore the WAL: fold it into the file first
    db.close()
    meta = metadata_for(db_path, metadata_path)
    # The plugins' settings that depend on this database: where its WARC archive is (the
    # archived copy of each article, data/datasette/plugins/pantau_archive.py).
    plugins = meta.setdefault("plugins", {})
    plugins.setdefault("pantau", {})["archive_dir"] = str(beside_db("archive", Path(db_path)))
    if not live:  # an immutable file: every reader gets the same page until a restart
        plugins["pantau"]["cache_ttl"] = setting_value("cache_ttl")
        # This start's validator (pantau_cache.py: ETag, 304 to If-None-Match): new at every
        # start, so a restart on a new file, metadata or code never answers 304 to an old
        # page; the same in every worker process, which all read this metadata file.
        plugins["pantau"]["etag"] = secrets.token_hex(8)
        if cache_mb:
            plugins["pantau"]["cache_mb"] = cache_mb
    handle = tempfile.NamedTemporaryFile("w", suffix=".yml", prefix="pantau-metadata-",
                                         delete=False, encoding="utf-8")
    with handle:
        yaml.safe_dump(meta, handle, allow_unicode=True, sort_keys=False)
    cmd = [sys.executable, "-m", "datasette", "serve"]
    cmd += [str(db_path)] if live else ["--immutable", str(db_path)]
    cmd += ["--metadata", handle.name, "--host", host, "--port", str(port),
            "--template-dir", str(DATASETTE_DIR / "templates"),
            "--plugins-dir", str(DATASETTE_DIR / "plugins"),
            "--static", f"{STATIC_MOUNT}:{DATASETTE_DIR / 'static'}"]
    settings = dict(DATASETTE_SETTINGS)
    if public:
        settings.update(PUBLIC_SETTINGS)
        if allow_sql:
            settings.update(PUBLIC_SQL_SETTINGS)
    for name, value in settings.items():
        cmd += ["--setting", name, str(value)]
    return cmd + list(extra)


# Several server processes (`pantau serve --workers N`, issue 21). `datasette serve` runs one
# process: its event loop renders every page and the SQL threads share its GIL, so one core
# serves however many there are. Here N worker processes each run uvicorn (Datasette's server)
# with their own Datasette, built from the same `datasette serve` arguments by Datasette's own
# command (so they mean exactly what they mean there), which reach them as JSON in this
# environment variable.
WORKER_ARGS_ENV = "PANTAU_DATASETTE_ARGS"
# uvicorn's exit status for a worker that could not start (bad app, port taken): no restart.
STARTUP_FAILURE = 3


def default_workers() -> int:
    """Worker processes `pantau serve` starts by default: one per core."""
    return max(1, os.cpu_count() or 1)


def datasette_instance(args: list[str]):
    """The Datasette that `datasette serve <args>` would serve (not started)."""
    from datasette.cli import serve as datasette_serve

    ctx = datasette_serve.make_context("serve", list(args))
    return datasette_serve.callback(**ctx.params, return_instance=True)


def worker_app():
    """uvicorn's app factory, called once in each worker process: Datasette's ASGI app for the
    arguments in WORKER_ARGS_ENV (Datasette runs its startup hooks on the first request)."""
    return datasette_instance(json.loads(os.environ[WORKER_ARGS_ENV])).app()


def _check(args: list[str]) -> None:
    """What `datasette serve <args>` does before it listens: build, start up, check the files
    (the instance is dropped on return; each worker builds its own)."""
    from datasette.cli import check_databases, run_sync

    ds = datasette_instance(args)
    run_sync(ds.invoke_startup)
    run_sync(lambda: check_databases(ds))


class PortInUse(OSError):
    """The host and port to serve on cannot be bound (taken, or not an address of this host)."""


def listening_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port with SO_REUSEPORT, so that each worker has its own.

    Why not uvicorn's --workers: its workers share one socket, and each accepts every
    connection waiting when it wakes; readers' keep-alive connections stay with the worker that
    took them (50 load-test clients: 33 on one worker, 17 on the other), so half the readers
    wait twice as long. With a socket per worker the kernel spreads new connections over them.

    Raises:
        PortInUse: the address cannot be bound.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as e:
        sock.close()
        raise PortInUse(f"cannot serve on {host}:{port}: {e.strerror}; stop what uses it or "
                        "pass another --port") from None
    sock.set_inheritable(True)
    return sock


def _stop_with_parent() -> None:
    """Stop this worker (SIGTERM: uvicorn finishes what is under way) once the process that
    started it is gone, killed without the chance to stop its workers: an orphan would keep
    answering on the port. A thread polling the parent id, as nothing portable signals it."""
    import signal
    import threading
    import time

    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="pantau-parent-watch", daemon=True).start()


def _run_worker(host: str, port: int, sock: socket.socket) -> None:
    """One worker process: uvicorn serving worker_app() on its own socket."""
    import uvicorn

    _stop_with_parent()
    config = uvicorn.Config("pantau.serve:worker_app", factory=True, host=host, port=port,
                            log_level="info", lifespan="on")
    config.configure_logging()
    uvicorn.Server(config).run(sockets=[sock])


def serve_workers(cmd: list[str], workers: int) -> None:
    """Serve `cmd` (a datasette_command) with `workers` processes until SIGTERM, SIGINT or
    SIGHUP (the workers also stop if this process is killed outright).

    Datasette is built and checked here once first, as `datasette serve` does before it
    listens, so a bad metadata file or database fails at once with Datasette's message instead
    of in every worker. The workers share one signing secret (DATASETTE_SECRET, random unless
    set): a cookie signed by one worker must verify in another. A worker that dies is started
    again on its socket; one that cannot start stops them all (exit status 3).

    Raises:
        click.ClickException: Datasette refused the arguments (its own one-line message).
        PortInUse: host:port cannot be bound.
    """
    import multiprocessing
    import signal
    import time

    args = cmd[cmd.index("serve") + 1:]
    _check(args)
    host, port = args[args.index("--host") + 1], int(args[args.index("--port") + 1])
    sockets = [listening_socket(host, port) for _ in range(workers)]
    os.environ.setdefault("DATASETTE_SECRET", secrets.token_hex(32))
    os.environ[WORKER_ARGS_ENV] = json.dumps(args)
    multiprocessing.allow_connection_pickling()  # each worker is handed its socket
    spawn = multiprocessing.get_context("spawn")  # fresh interpreters: no forked threads
    stop = []
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda number, frame: stop.append(number))

    def start(sock):
        process = spawn.Process(target=_run_worker, args=(host, port, sock), daemon=False)
        process.start()
        return process

    processes = [start(sock) for sock in sockets]
    status = 0
    while not stop:
        time.sleep(0.5)
        for i, process in enumerate(processes):
            if process.exitcode is None or stop:
                continue
            if process.exitcode == STARTUP_FAILURE:
                stop.append(None)
                status = STARTUP_FAILURE
                break
            print(f"worker process [{process.pid}] ended ({process.exitcode}); starting "
                  "another", file=sys.stderr, flush=True)
            processes[i] = start(sockets[i])
    for process in processes:
        if process.exitcode is None:
            process.terminate()  # SIGTERM: uvicorn finishes the requests under way
    for process in processes:
        process.join()
    if status:
        sys.exit(status)
