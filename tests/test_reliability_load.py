"""The short version of benchmarks/load_test.py (issue 8): 10 concurrent clients for 5 s against
`pantau serve` on the demo database, from a second process; zero errors, no timing asserts."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT
from test_reliability_datasette import copy_db

# https://github.com/pantau-id/pantau/issues/8


def test_ten_clients_for_five_seconds_get_no_errors(demo_db, tmp_path):
    # its own copy and server: `pantau serve` refreshes summary tables in the file at start
    db = copy_db(demo_db, tmp_path / "pantau.db")
    result = subprocess.run([sys.executable, "benchmarks/load_test.py", "--db", str(db),
                             "--clients", "10", "--seconds", "5", "--no-readme"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["errors"] == 0, report["error_samples"]
    assert report["clients"] == 10
    assert report["requests"] >= 10
    assert sum(p["requests"] for p in report["paths"].values()) == report["requests"]
