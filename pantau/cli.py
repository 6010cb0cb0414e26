"""The `pantau` command line: parses options, calls the library, turns known errors into messages."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import click

from pantau import __version__
from pantau.config import help_for, setting


@contextmanager
def user_errors():
    """Turn Pantau's own exceptions into one-line messages and a non-zero exit."""
    from crawler.sources import SourcesError
    from nlp.gazetteer import GazetteerError
    from pantau.serve import MetadataError
    from pipelines.db import DatabaseError

    try:
        yield
    except (SourcesError, DatabaseError, MetadataError, GazetteerError) as e:
        raise click.ClickException(str(e)) from None


def db_option(f):
    return click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
                        default=lambda: setting("db"), show_default="data/pantau.db",
                        help=help_for("db"))(f)


def _progress(done: int, total: int) -> None:
    if done == total or done % 100 == 0:
        click.echo(f"extracted {done}/{total} articles", err=True)


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
def crawl(sources_path, db_path, overrides):
    """Crawl the sources in a TOML file and store their articles."""
    from crawler.summary import format_summary
    from pantau.crawl import run_crawl

    settings = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="-s")
        settings[name] = value
    with user_errors():
        summary = run_crawl(sources_path, db_path, settings)
    click.echo(format_summary(summary) if summary else "crawl ended without a summary", err=True)


@cli.command()
@db_option
@click.option("--redo", is_flag=True, help="Extract every article again, not only new ones.")
def extract(db_path, redo):
    """Run the NLP stage over articles not yet extracted and store the facts."""
    from pantau.extract import run_extract

    with user_errors():
        result = run_extract(db_path, redo=redo, progress=_progress)
    click.echo(f"extracted {result['articles']} articles, {result['facts']} facts "
               f"({result['offices']} offices in the gazetteer)", err=True)


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind; anything but loopback publishes the archive.")
@click.option("--port", default=8001, show_default=True, type=int, help="Datasette port.")
@click.option("--metadata", "metadata_path", type=click.Path(dir_okay=False, path_type=Path),
              default=lambda: setting("metadata"), show_default="data/metadata.yml",
              help=help_for("metadata"))
def serve(db_path, host, port, metadata_path):
    """Serve the database with Datasette (read-only, bounded queries)."""
    from pantau.serve import datasette_command

    with user_errors():
        cmd = datasette_command(db_path, metadata_path, host=host, port=port)
    click.echo(f"serving {db_path} on http://{host}:{port}/", err=True)
    sys.stdout.flush()
    os.execv(cmd[0], cmd)


@cli.command()
@click.option("--port", default=8001, show_default=True, type=int, help="Datasette port.")
@click.option("--site-port", default=0, type=int,
              help="Port of the demo news site (default: any free port).")
@db_option
@click.option("--no-serve", is_flag=True, help="Stop after building the database.")
def demo(port, site_port, db_path, no_serve):
    """Serve the bundled demo site, crawl and extract it, then publish it with Datasette."""
    from crawler.summary import format_summary
    from pantau.crawl import run_crawl
    from pantau.demo_site import DemoSite
    from pantau.extract import run_extract
    from pantau.serve import datasette_command

    with user_errors(), DemoSite(port=site_port) as site:
        click.echo(f"demo site on {site.base_url}/", err=True)
        with tempfile.TemporaryDirectory(prefix="pantau-demo-") as tmp:
            sources = Path(tmp) / "sources.toml"
            sources.write_text(site.sources_toml(), encoding="utf-8")
            # The site is ours and on loopback: no politeness delay needed.
            summary = run_crawl(sources, db_path, {"DOWNLOAD_DELAY": 0,
                                                   "AUTOTHROTTLE_ENABLED": False})
        click.echo(format_summary(summary), err=True)
        result = run_extract(db_path, progress=_progress)
        click.echo(f"extracted {result['articles']} articles, {result['facts']} facts", err=True)
    if no_serve:
        click.echo(f"database ready: {db_path}", err=True)
        return
    with user_errors():
        cmd = datasette_command(db_path, setting("metadata"), port=port)
    click.echo(f"serving {db_path} on http://127.0.0.1:{port}/", err=True)
    sys.stdout.flush()
    os.execv(cmd[0], cmd)


@cli.command()
@click.option("--jsonl", is_flag=True,
              help='Read JSON lines {"id", "text", "title"?, "published"?}; write one JSON line each.')
def nlp(jsonl):
    """Extract facts from article text on stdin and print JSON.

    Without --jsonl, stdin is one article's plain text and one JSON object is printed.
    """
    from pantau.nlp_io import run_jsonl, run_text

    if jsonl:
        run_jsonl(sys.stdin, sys.stdout)
    else:
        click.echo(json.dumps(run_text(sys.stdin.read()), ensure_ascii=False))
