"""`pantau export`: whole tables and views as CSV or JSON lines, with no row cap."""

from __future__ import annotations

import csv
import io
import json

import pytest
import sqlite_utils
from click.testing import CliRunner

from pantau.cli import cli
from pantau.export import UnknownTable, export_table


def run(*args):
    result = CliRunner().invoke(cli, ["export", *map(str, args)])
    return result


def test_csv_export_has_every_article(demo_db):
    result = run("--db", demo_db, "--format", "csv", "articles")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    db = sqlite_utils.Database(demo_db)
    assert {r["article_id"]: r["title"] for r in rows} == {
        a["article_id"]: a["title"] for a in db["articles"].rows}
    assert f"exported {len(rows)} rows from articles" in result.stderr


def test_jsonl_export_keeps_types_and_evidence(demo_db, tmp_path):
    out = tmp_path / "counts.jsonl"
    result = run("--db", demo_db, "--format", "jsonl", "-o", out, "counts")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    db = sqlite_utils.Database(demo_db)
    assert rows == list(db["counts"].rows)
    assert rows and all(isinstance(r["value"], int) and r["sentence"] for r in rows)


def test_views_export_too(demo_db):
    result = run("--db", demo_db, "--format", "jsonl", "event_outlets")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    db = sqlite_utils.Database(demo_db)
    assert "event_outlets" in db.view_names()
    assert sum(r["citations"] for r in rows) == db["event_citations"].count > 0


def test_unknown_table_names_the_choices(demo_db):
    result = run("--db", demo_db, "artikel")
    assert result.exit_code == 1
    assert "no table or view 'artikel'" in result.output
    assert "articles" in result.output


def test_unknown_format_is_rejected(demo_db):
    result = run("--db", demo_db, "--format", "xlsx", "articles")
    assert result.exit_code == 2
    assert "'xlsx' is not one of 'csv', 'jsonl'" in result.output


def test_missing_database_says_what_to_do(tmp_path):
    result = run("--db", tmp_path / "none.db", "articles")
    assert result.exit_code == 1
    assert "run `pantau crawl` or `pantau demo` first" in result.output


def test_export_never_writes_the_database(demo_db):
    before = demo_db.read_bytes()
    with pytest.raises(UnknownTable):
        export_table(demo_db, "nope", "csv", io.StringIO())
    export_table(demo_db, "offices", "csv", io.StringIO())
    assert demo_db.read_bytes() == before
