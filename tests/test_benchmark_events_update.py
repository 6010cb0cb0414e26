"""benchmarks/events_update.py runs end to end on a small generated database: the day's
articles update the events, and the events equal a rebuild (no timing is asserted)."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("reprints", [None, 0.2], ids=["giant-stories", "reprints"])
def test_a_days_articles_update_the_events_to_a_rebuilds(tmp_path, reprints):
    scale_build, events_update = load("scale_build"), load("events_update")
    db = tmp_path / "scale.db"
    scale_build.build(400, 1, db, reprints)
    row = events_update.run(db, 40, 1, True, reprints)
    assert row["catch_up"]["rebuilt"] is False  # built by this code: nothing to catch up
    assert row["events_rebuilt"] is False and row["events_queued"] >= 40
    assert row["check"]["equal"], row["check"]
    assert row["events"] > 0
    assert row["check"]["updated"]["events"].startswith(f"{row['events']} rows")
