"""core/settings.py: one settings table, read by the CLI, the crawler and serve; docs agree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from core.settings import (
    DATASETTE_SETTINGS,
    SETTINGS,
    SettingError,
    beside_db,
    help_for,
    settings_markdown,
    value,
)
from pantau.cli import cli


def test_docs_show_the_settings_table():
    docs = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = settings_markdown()
    assert table in docs
    # Every setting is a row, with its default and help sentence.
    assert table.count("\n| `") == len(SETTINGS) + len(DATASETTE_SETTINGS)
    assert "| `batch_size` | `500` | `PANTAU_BATCH_SIZE` | Articles stored per transaction" in table
    assert "| `db` | `data/pantau.db` | `PANTAU_DB` |" in table


@pytest.mark.parametrize("command, option, name", [
    ("extract", "--batch-size", "batch_size"),
    ("crawl", "--idle-exit", "idle_exit"),
    ("crawl", "--db", "db"),
    ("serve", "--metadata", "metadata"),
])
def test_help_comes_from_the_table(command, option, name):
    result = CliRunner().invoke(cli, [command, "--help"], terminal_width=1000)
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines() if line.strip().startswith(option)]
    # click wraps nothing at this width: the whole help sentence is on the option's line.
    assert help_for(name).split(" [env ")[0] in line


def test_an_environment_variable_overrides_the_default(monkeypatch, tmp_path):
    assert value("contact") == "https://github.com/pantau-id/pantau"
    monkeypatch.setenv("PANTAU_CONTACT", "mailto:ops@example.org")
    monkeypatch.setenv("PANTAU_ARCHIVE_DIR", str(tmp_path / "warc"))
    assert value("contact") == "mailto:ops@example.org"
    assert beside_db("archive", tmp_path / "x" / "pantau.db") == tmp_path / "warc"
    monkeypatch.delenv("PANTAU_ARCHIVE_DIR")
    assert beside_db("archive", tmp_path / "x" / "pantau.db") == tmp_path / "x" / "archive"


def test_a_number_from_the_environment_is_read_as_one(monkeypatch):
    monkeypatch.setenv("PANTAU_BATCH_SIZE", "200")
    monkeypatch.setenv("PANTAU_IDLE_EXIT", "2.5")
    assert (value("batch_size"), value("idle_exit")) == (200, 2.5)


def test_a_malformed_environment_variable_names_itself(monkeypatch, tmp_path):
    monkeypatch.setenv("PANTAU_BATCH_SIZE", "many")
    with pytest.raises(SettingError, match=r"PANTAU_BATCH_SIZE='many': expected int"):
        value("batch_size")
    # At the command line: one line naming the variable, no traceback.
    result = CliRunner().invoke(cli, ["extract", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: PANTAU_BATCH_SIZE='many': expected int (Articles stored per transaction; a "
        "killed run loses at most one batch.)"]


def test_the_crawler_reads_the_table(tmp_path):
    """crawler/settings.py takes the contact, the date bound and the idle exit from the table,
    environment variables included (a fresh process: Scrapy reads the settings module once)."""
    code = ("import crawler.settings as s; "
            "print(s.PANTAU_CONTACT, repr(s.PANTAU_SINCE), s.PANTAU_IDLE_EXIT, s.PANTAU_DB)")
    env = {"PATH": "/usr/bin:/bin", "PANTAU_CONTACT": "mailto:ops@example.org",
           "PANTAU_SINCE": "2026-01-01", "PANTAU_DB": str(tmp_path / "p.db")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, env=env, check=True).stdout.split()
    assert out == ["mailto:ops@example.org", "'2026-01-01'", "30.0", str(tmp_path / "p.db")]
    assert "mailto:ops@example.org" in subprocess.run(
        [sys.executable, "-c", "import crawler.settings as s; print(s.USER_AGENT)"],
        capture_output=True, text=True, cwd=ROOT, env=env, check=True).stdout


def test_serve_passes_the_datasette_settings_of_the_table(tmp_path):
    from pantau.serve import datasette_command
    from pipelines.db import open_db

    db = tmp_path / "pantau.db"
    open_db(db).close()
    cmd = datasette_command(db, Path(ROOT / "data" / "metadata.yml"))
    passed = {cmd[i + 1]: cmd[i + 2] for i, arg in enumerate(cmd) if arg == "--setting"}
    assert passed == {s.name: str(s.default) for s in DATASETTE_SETTINGS}
