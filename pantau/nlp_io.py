"""JSON in, JSON out for `pantau nlp`: the extraction's command-line contract."""

from __future__ import annotations

import json
import logging
from typing import IO

import click

import nlp

logger = logging.getLogger(__name__)


def run_text(text: str, title: str | None = None, published: str | None = None) -> dict:
    """Extract from one article and return the JSON-ready dict."""
    return nlp.extract(text, title=title, published=published).to_dict()


def run_jsonl(infile: IO[str], outfile: IO[str]) -> int:
    """Read article JSON lines, write one extraction line per article with the same `id`.

    A line that is not a JSON object with a string `text` stops the run with the line number.

    Returns:
        The number of articles processed.
    """
    n = 0
    for lineno, line in enumerate(infile, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise click.ClickException(f"line {lineno}: not JSON ({e.msg})") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise click.ClickException(f'line {lineno}: expected an object with a string "text"')
        result = run_text(obj["text"], obj.get("title"), obj.get("published"))
        outfile.write(json.dumps({"id": obj.get("id"), **result}, ensure_ascii=False) + "\n")
        n += 1
    return n
