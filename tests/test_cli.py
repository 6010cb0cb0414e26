"""pantau/cli.py: every command has help, bad input exits non-zero with one clear line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pantau.cli import cli

COMMANDS = ["crawl", "extract", "serve", "demo", "nlp"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: cli " + command in result.output or f"Usage: pantau {command}" in result.output
    assert len(result.output.splitlines()) > 3


def test_group_lists_every_command():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    assert all(c in result.output for c in COMMANDS)


@pytest.mark.parametrize("args, message", [
    pytest.param(["crawl", "--sources", "{tmp}/missing.toml", "--db", "{tmp}/x.db"],
                 "sources file not found", id="crawl-missing-sources"),
    pytest.param(["crawl", "--sources", "{tmp}/bad.toml", "--db", "{tmp}/x.db"],
                 "malformed TOML", id="crawl-malformed-toml"),
    pytest.param(["crawl", "--sources", "{tmp}/good.toml", "--db", "{tmp}/no/such/dir/x.db"],
                 "folder does not exist", id="crawl-db-folder-missing"),
    pytest.param(["crawl", "--sources", "{tmp}/good.toml", "-s", "NOEQUALS"],
                 "expected NAME=VALUE", id="crawl-bad-setting"),
    pytest.param(["extract", "--db", "{tmp}/missing.db"], "database not found",
                 id="extract-missing-db"),
    pytest.param(["extract", "--db", "{tmp}/junk.db"], "cannot use database",
                 id="extract-not-a-database"),
    pytest.param(["serve", "--db", "{tmp}/missing.db"], "database not found",
                 id="serve-missing-db"),
])
def test_bad_input_gives_one_line_error(tmp_path, args, message):
    (tmp_path / "bad.toml").write_text("[[sources]\nname = 1\n")
    (tmp_path / "good.toml").write_text('[[sources]]\nname = "A"\nstart_urls = ["http://127.0.0.1:9/"]\n')
    (tmp_path / "junk.db").write_bytes(b"this is not sqlite" * 100)
    result = CliRunner().invoke(cli, [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.db").exists()  # nothing half-written
    assert not (tmp_path / "missing.db").exists()


def test_nlp_jsonl_keeps_ids_and_shape():
    lines = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in
                    [("a", "Kantor Imigrasi Kelas I TPI Serang mendeportasi WNA."), ("b", "")])
    result = CliRunner().invoke(cli, ["nlp", "--jsonl"], input=lines)
    assert result.exit_code == 0, result.output
    out = [json.loads(x) for x in result.output.splitlines()]
    assert [o["id"] for o in out] == ["a", "b"]
    for o in out:
        assert set(o) >= {"offices", "people", "nationalities", "counts", "awards"}
    assert out[1]["offices"] == []


def test_nlp_plain_text():
    result = CliRunner().invoke(cli, ["nlp"], input="Tidak ada apa-apa di sini.")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["offices"] == []


@pytest.mark.parametrize("line, message", [
    pytest.param("not json\n", "line 1: not JSON", id="not-json"),
    pytest.param('{"id": 1}\n', 'line 1: expected an object with a string "text"', id="no-text"),
    pytest.param('{"id": 1, "text": "x"}\n[1, 2]\n', "line 2", id="array-line"),
])
def test_nlp_jsonl_bad_lines(line, message):
    result = CliRunner().invoke(cli, ["nlp", "--jsonl"], input=line)
    assert result.exit_code != 0
    assert message in result.output


@pytest.mark.parametrize("article, message", [
    pytest.param("no front matter at all", "expected +++ TOML front matter +++ then the body",
                 id="no-front-matter"),
    pytest.param('+++\noutlet = "nowhere"\n+++\nbody', "outlet must be one of", id="outlet"),
])
def test_a_malformed_demo_article_is_one_line(tmp_path, monkeypatch, article, message):
    """DemoSiteError at the command line: the file and the reason, no traceback, no database."""
    (tmp_path / "site" / "articles").mkdir(parents=True)
    (tmp_path / "site" / "articles" / "01-bad.md").write_text(article, encoding="utf-8")
    monkeypatch.setenv("PANTAU_DEMO_SITE", str(tmp_path / "site"))
    result = CliRunner().invoke(cli, ["demo", "--no-serve", "--site-port", "0",
                                      "--db", str(tmp_path / "demo.db")])
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"Error: {tmp_path / 'site' / 'articles' / '01-bad.md'}: ")
    assert message in line
    assert not (tmp_path / "demo.db").exists()
