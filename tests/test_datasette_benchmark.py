"""benchmarks/publish_latency.py runs end to end on a small database (no timing is asserted)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import sqlite_utils
from conftest import ROOT

SCRIPT = ROOT / "benchmarks" / "publish_latency.py"


def pages() -> list[tuple[str, str]]:
    spec = importlib.util.spec_from_file_location("publish_latency", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PAGES


def test_benchmark_builds_and_fetches_every_page(tmp_path):
    db = tmp_path / "pantau.db"
    result = subprocess.run([sys.executable, str(SCRIPT), "--articles", "200", "--repeat", "1",
                             "--no-readme", "--db", str(db)],
                            capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    timed = [line.split(" p50 ")[0].strip() for line in result.stderr.splitlines()
             if " p50 " in line]
    assert timed == [name for name, _path in pages()]
    # Every facet asked for (metadata and _facet) was found on its page by the check that
    # flags the facets Datasette gives up on.
    assert "facets timed out" not in result.stderr
    database = sqlite_utils.Database(db)
    assert database["articles"].count == 200
    assert database["counts"].count >= 200
    assert database["counts"].count_where("office_id is null or year is null") == 0
