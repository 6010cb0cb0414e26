"""The `pantau` command line: parses options, calls the library, turns known errors into text."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import click

from core.settings import help_for, setting, value
from pantau import __version__
from pantau.errors import user_errors

# `pantau crawl --fail-on-unhealthy` exits with this when a source is flagged.
EXIT_UNHEALTHY = 3

# The demo site's fixed port: its article URLs (and so their ids) include it.
DEMO_SITE_PORT = 8765


def default(name: str):
    """An option's default from the settings table; a malformed environment variable is a
    one-line error (click reads defaults while parsing, before a command's user_errors)."""
    with user_errors():
        return value(name)


def db_option(f):
    return click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
                        default=lambda: setting("db"), show_default="data/pantau.db",
                        help=help_for("db"))(f)


def _progress(done: int, total: int) -> None:
    if done == total or done % 100 == 0:
        click.echo(f"extracted {done}/{total} articles", err=True)


PHASES = {"stories": "grouping reprinted articles into stories",
          "events": "merging the facts into events",
          "summaries": "refreshing the summary tables"}


def _phase(name: str) -> None:
    click.echo(f"{name}: {PHASES.get(name, name)}...", err=True)


def report_crawl(summary: dict) -> list[dict]:
    """Print a crawl's summary and its unhealthy sources; returns those sources' rows."""
    from crawler.summary import format_summary

    click.echo(format_summary(summary) if summary else "crawl ended without a summary", err=True)
    if summary.get("provinces"):
        from crawler.summary import format_provinces

        click.echo("by province:\n" + "\n".join("  " + line for line in
                                                 format_provinces(summary["provinces"])),
                   err=True)
    unhealthy = [h for h in summary.get("health", []) if h["status"] != "ok"]
    for row in unhealthy:
        click.echo(f"unhealthy source {row['source']}: {row['reason']}", err=True)
    return unhealthy


def report_extract(result: dict) -> None:
    """Print what an extract run did."""
    shared = result.get("shared_stories")
    click.echo(f"extracted {result['articles']} articles, {result['facts']} facts "
               f"({result['offices']} offices in the gazetteer)"
               + (f"; {shared} stories carried by more than one article" if shared else "")
               + (f"; {result['events']} events" if result.get("events") else "")
               + _events_how(result), err=True)


def _events_how(result: dict) -> str:
    if result.get("events_rebuilt") is None:
        return ""
    if result["events_rebuilt"]:
        return " (all rebuilt)"
    return f" (updated for {result['events_queued']} new or changed articles)"


@click.group()
@click.version_option(__version__, prog_name="pantau")
def cli():
    """Pantau: crawl, extract and publish Indonesian immigration news."""


@cli.command()
@click.option("--sources", "sources_path", type=click.Path(dir_okay=False, path_type=Path),
              default=lambda: setting("sources"), show_default="data/sources.toml",
              help=help_for("sources"))
@db_option
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override a Scrapy or Pantau crawl setting, e.g. -s DOWNLOAD_DELAY=0.")
@click.option("--resume", is_flag=True,
              help="Continue a crawl that was stopped or killed: what the database holds is "
                   "not fetched again (every crawl does this; --resume also says so).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="Only articles published on or after this date; bounds every discovery "
                   "strategy (API, feeds, sitemaps, listings, search, aggregators).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help=help_for("until"))
@click.option("--fail-on-unhealthy", is_flag=True,
              help=f"Exit with status {EXIT_UNHEALTHY} when a source is flagged unhealthy "
                   "(no articles, or extraction far below its own history).")
@click.option("--frontier", metavar="redis://HOST:PORT/DB", default=None,
              help="Share one request queue and duplicate filter with every other worker "
                   "started with the same Redis URL, on this or other machines.")
@click.option("--idle-exit", default=lambda: default("idle_exit"),
              type=click.FloatRange(min=0), metavar="SECONDS", help=help_for("idle_exit"))
def crawl(sources_path, db_path, overrides, resume, fail_on_unhealthy, since, until, frontier,
          idle_exit):
    """Crawl the sources in a TOML file and store their articles.

    Crawls are incremental: articles already in the database are not fetched again, and feeds,
    sitemaps and listings are re-read with conditional requests. A crawl killed at any moment
    is continued by running it again (or with --resume).
    """
    from pantau.crawl import run_crawl

    settings = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="-s")
        settings[name] = value
    if since is not None:
        settings["PANTAU_SINCE"] = since.strftime("%Y-%m-%d")
    if until is not None:
        if since is not None and until < since:
            raise click.BadParameter("--until is before --since", param_hint="--until")
        settings["PANTAU_UNTIL"] = until.strftime("%Y-%m-%d")
    if resume and not db_path.exists():
        raise click.ClickException(f"nothing to resume: {db_path} does not exist")
    if frontier:
        from crawler.frontier import check_frontier

        with user_errors():
            check_frontier(frontier)
    with user_errors():
        summary = run_crawl(sources_path, db_path, settings, frontier=frontier,
                            idle_exit=idle_exit)
    unhealthy = report_crawl(summary)
    if summary.get("frontier_lost"):
        raise click.ClickException(
            f"the crawl frontier stopped answering: {summary['frontier_lost']}; this worker "
            "stopped, its articles are stored (start Redis and run the crawl again)")
    if unhealthy and fail_on_unhealthy:
        sys.exit(EXIT_UNHEALTHY)


@cli.command()
@db_option
@click.option("--redo", is_flag=True, help="Extract every article again, not only new ones.")
@click.option("--reparse", is_flag=True,
              help="First rebuild the articles from the WARC archive beside the database "
                   "(no network), then extract.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1),
              help="Worker processes for the NLP and the story signatures; 2 on a 2-core "
                   "machine.")
@click.option("--batch-size", default=lambda: default("batch_size"),
              type=click.IntRange(min=1), help=help_for("batch_size"))
def extract(db_path, redo, reparse, workers, batch_size):
    """Run the NLP stage over articles not yet extracted and store the facts."""
    from core.settings import beside_db
    from pipelines.extract import run_extract

    with user_errors():
        if reparse:
            from crawler.reparse import reparse_archive

            counts = reparse_archive(db_path, beside_db("archive", db_path))
            click.echo("re-parsed the archive: " + ", ".join(
                f"{k} {v}" for k, v in sorted(counts.items())), err=True)
        result = run_extract(db_path, redo=redo, progress=_progress, workers=workers,
                             batch_size=batch_size, phase=_phase)
    report_extract(result)
    click.echo("seconds: " + ", ".join(f"{phase} {s:.1f}" for phase, s in
                                       result["seconds"].items()), err=True)


def _default_workers() -> int:
    from pantau.serve import default_workers

    return default_workers()


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind; anything but loopback publishes the archive.")
@click.option("--port", default=8001, show_default=True, type=int, help="Datasette port.")
@click.option("--metadata", "metadata_path", type=click.Path(dir_okay=False, path_type=Path),
              default=lambda: setting("metadata"), show_default="data/metadata.yml",
              help=help_for("metadata"))
@click.option("--live", is_flag=True,
              help="Serve a database that is still being written (e.g. during a crawl); "
                   "by default it is opened --immutable, which is faster.")
@click.option("--public", is_flag=True,
              help="A deployment for anonymous users: no arbitrary SQL (tables, facets, "
                   "search, exports and canned queries stay). Binds --host, as always.")
@click.option("--allow-sql", is_flag=True,
              help="With --public: keep arbitrary SQL on (time limit 1 s, row cap as usual).")
@click.option("--workers", type=click.IntRange(min=1), default=lambda: _default_workers(),
              show_default="one per core",
              help="Server processes; 1 runs `datasette serve` itself (one process).")
@click.option("--cache-mb", type=click.IntRange(min=0), default=0, show_default=True,
              help="Each server process keeps the anonymous pages it sent, up to this many "
                   "MB, and sends them again without Datasette; not with --live.")
def serve(db_path, host, port, metadata_path, live, public, allow_sql, workers, cache_mb):
    """Serve the database with Datasette (read-only, bounded queries)."""
    from pantau.serve import datasette_command, serve_workers

    if allow_sql and not public:
        raise click.BadParameter("--allow-sql only applies with --public (a local instance "
                                 "allows SQL already)", param_hint="--allow-sql")
    if cache_mb and live:
        raise click.BadParameter("a database still being written (--live) changes under its "
                                 "pages: keep none", param_hint="--cache-mb")
    if host not in ("127.0.0.1", "localhost", "::1") and not public:
        click.echo(f"warning: serving on {host} without --public: anyone who can reach it may "
                   "run SQL; add --public to turn that off", err=True)
    with user_errors():
        cmd = datasette_command(db_path, metadata_path, host=host, port=port, live=live,
                                public=public, allow_sql=allow_sql, cache_mb=cache_mb)
    click.echo(f"serving {db_path} on http://{host}:{port}/"
               + (f" with {workers} worker processes" if workers > 1 else ""), err=True)
    sys.stdout.flush()
    if workers == 1:
        os.execv(cmd[0], cmd)
    with user_errors():
        serve_workers(cmd, workers)


@cli.command()
@click.option("--port", default=8001, show_default=True, type=int, help="Datasette port.")
@click.option("--site-port", default=DEMO_SITE_PORT, show_default=True, type=int,
              help="Port of the demo news site; article URLs include it, so keep it fixed "
                   "between runs or the demo articles are stored again under new URLs.")
@db_option
@click.option("--no-serve", is_flag=True, help="Stop after building the database.")
def demo(port, site_port, db_path, no_serve):
    """Serve the bundled demo site, crawl and extract it, then publish it with Datasette."""
    from pantau.crawl import run_crawl
    from pantau.demo_site import DemoSite
    from pantau.serve import datasette_command
    from pipelines.extract import run_extract

    try:
        with user_errors():  # a malformed article file of the demo site (DemoSiteError)
            site = DemoSite(port=site_port)
    except OSError as e:
        raise click.ClickException(f"cannot serve the demo site on 127.0.0.1:{site_port} ({e}); "
                                   "stop what uses it or pass --site-port") from None
    with user_errors(), site:
        click.echo(f"demo site on {site.base_url}/", err=True)
        with tempfile.TemporaryDirectory(prefix="pantau-demo-") as tmp:
            sources = Path(tmp) / "sources.toml"
            sources.write_text(site.sources_toml(), encoding="utf-8")
            # The site is ours and on loopback: no politeness delay needed.
            summary = run_crawl(sources, db_path, {"DOWNLOAD_DELAY": 0,
                                                   "AUTOTHROTTLE_ENABLED": False})
        report_crawl(summary)
        report_extract(run_extract(db_path, progress=_progress, phase=_phase))
    if no_serve:
        click.echo(f"database ready: {db_path}", err=True)
        return
    with user_errors():
        cmd = datasette_command(db_path, setting("metadata"), port=port)
    click.echo(f"serving {db_path} on http://127.0.0.1:{port}/", err=True)
    sys.stdout.flush()
    os.execv(cmd[0], cmd)


@cli.command()
@click.argument("sources", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--into", "target", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The database to merge into (created when missing).")
@click.option("--dry-run", is_flag=True, help="Change nothing; report what would change.")
def merge(sources, target, dry_run):
    """Merge workers' databases, with their archives and HTTP caches, into one database.

    Every article once (by its id), the newest fetch kept; added or replaced articles wait for
    `pantau extract`. Merging the same databases again changes nothing.
    """
    from pipelines.merge import changes, describe, merge

    with user_errors():
        result = merge(list(sources), target, dry_run=dry_run)
    would = "would merge" if dry_run else "merged"
    for row in result["inputs"]:
        click.echo(f"{would} {row['db']}: {describe(row)}", err=True)
    if not changes(result["total"]):
        click.echo(f"nothing to change in {target}", err=True)
    elif result["to_extract"]:
        click.echo(f"{result['to_extract']} articles {'would ' if dry_run else ''}wait for "
                   f"`pantau extract --db {target}`", err=True)


@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv",
              show_default=True, help="CSV with a header row, or one JSON object per line.")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8", lazy=True), default="-",
              help="File to write (default: standard output).")
@click.option("--bom", is_flag=True,
              help="Start the CSV with a UTF-8 byte order mark, so Excel keeps Indonesian "
                   "characters intact.")
@click.argument("table")
def export(db_path, fmt, output, table, bom):
    """Write a whole table or view (e.g. articles, counts) as CSV or JSON lines, with no row cap."""
    from pantau.export import export_table

    with user_errors():
        count = export_table(db_path, table, fmt, output, bom=bom)
    click.echo(f"exported {count} rows from {table}", err=True)


@cli.command()
@click.option("--jsonl", is_flag=True,
              help='Read JSON lines {"id", "text", "title"?, "published"?}; '
                   'write one JSON line each.')
def nlp(jsonl):
    """Extract facts from article text on stdin and print JSON.

    Without --jsonl, stdin is one article's plain text and one JSON object is printed.
    """
    from pantau.nlp_io import run_jsonl, run_text

    with user_errors():  # e.g. a missing or malformed pattern file (VocabularyError)
        if jsonl:
            run_jsonl(sys.stdin, sys.stdout)
        else:
            click.echo(json.dumps(run_text(sys.stdin.read()), ensure_ascii=False))


def _add_groups() -> None:
    """Command groups that live in their own modules (`pantau sources ...`)."""
    from pantau.sources_cmd import sources

    cli.add_command(sources)


_add_groups()
