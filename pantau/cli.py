"""The `pantau` command line: parses options, calls the library, turns known errors into messages."""

from __future__ import annotations

import json
import sys

import click

from pantau import __version__


@click.group()
@click.version_option(__version__, prog_name="pantau")
def cli():
    """Pantau: crawl, extract and publish Indonesian immigration news."""


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
