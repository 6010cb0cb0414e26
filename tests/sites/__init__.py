"""Hand-written fixture sites, each on its own loopback server, in the styles of real outlets."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from conftest import FAST_CRAWL, run_pantau


def token_f1(got: str, want: str) -> float:
    """Token F1 of an extracted body against the text the fixture served."""
    a, b = Counter(re.findall(r"\w+", got.lower())), Counter(re.findall(r"\w+", want.lower()))
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0
    p, r = overlap / sum(a.values()), overlap / sum(b.values())
    return 2 * p * r / (p + r)


def crawl(sources_toml: str, tmp_path: Path, *extra: str, env: dict | None = None):
    """Crawl a sources file in a subprocess into tmp_path/pantau.db; returns (db path, process)."""
    sources = tmp_path / "sources.toml"
    sources.write_text(sources_toml, encoding="utf-8")
    db = tmp_path / "pantau.db"
    result = run_pantau("crawl", "--sources", sources, "--db", db, *FAST_CRAWL, *extra,
                        env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return db, result
