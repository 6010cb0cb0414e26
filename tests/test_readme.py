"""README.md stays true: its commands, options, make targets and TOML example all exist."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from core.settings import ROOT
from crawler.sources import parse_sources
from pantau.cli import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
# Rows of the command table: | `pantau crawl [--sources FILE] ...` | what it does |
ROWS = re.findall(r"^\| `pantau (\w+)([^`]*)` \|", README, flags=re.M)


def test_readme_has_a_command_table():
    assert len(ROWS) >= 6


@pytest.mark.parametrize("command, usage", ROWS, ids=[r[0] for r in ROWS])
def test_every_documented_command_and_option_exists(command, usage):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    options = re.findall(r"--[a-z][a-z-]*", usage)
    missing = [o for o in options if o not in result.output]
    assert missing == []


@pytest.mark.parametrize("target", ["demo", "test"])
def test_quick_start_make_targets_exist(target):
    assert f"make {target}" in README
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(rf"^{target}:", makefile, flags=re.M)


def test_adding_a_source_example_parses():
    (example,) = re.findall(r"```toml\n(.*?)```", README, flags=re.S)
    toml = "\n".join(line.split("#")[0].rstrip() for line in example.splitlines())
    (source,) = parse_sources(toml, origin="README")
    assert source.name == "Kabar Banten"
    assert source.owns("https://kabarbanten.example/berita/x")
