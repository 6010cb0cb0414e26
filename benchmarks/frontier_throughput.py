"""Crawl throughput on the Redis frontier: 1, 2 and 4 `pantau crawl --frontier` workers over a
generated 2,000-article local site, next to a plain `pantau crawl` (issues 9 and 19).

Usage: .venv/bin/python benchmarks/frontier_throughput.py [--articles 2000] [--idle-exit 2]
           [--workers 1,2,4] [--shared-db 2,4]
Starts its own redis-server (Debian package) on a free loopback port. Prints one JSON line per
row: pages fetched, articles stored, seconds until the last article was fetched, wall-clock
seconds until every worker had exited (which includes --idle-exit), articles/s until the last
article, pages/s over the wall-clock time, and the machine's 1-minute load average before and
after the row (the machine is shared: the load says how much CPU the row had).
In the --workers rows each worker writes its own database, as on separate machines; in the
--shared-db rows all workers of the row write one database, as on one machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from crawl_throughput import generate_site  # noqa: E402

from pantau.demo_site import DemoSite  # noqa: E402

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        # no delay floor either: this measures the crawler, not its politeness (issue 20)
        "-s", "PANTAU_MIN_DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=WARNING"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def last_article_time(site: DemoSite, expected: int, start: float, done: dict) -> None:
    """Note when the site has served `expected` article pages."""
    while not done.get("stop"):
        if sum("/berita/" in p for p in list(site.requests)) >= expected:
            done["seconds"] = time.monotonic() - start
            return
        time.sleep(0.05)


def run_row(site: DemoSite, tmp: Path, workers: int, frontier: str | None,
            idle_exit: float, articles: int, shared_db: bool = False) -> dict:
    sources = tmp / "sources.toml"
    sources.write_text(site.sources_toml().replace("\n\n", "\nmax_pages = 5000\n\n"),
                       encoding="utf-8")
    site.requests.clear()
    extra = ["--frontier", frontier, "--idle-exit", str(idle_exit)] if frontier else []
    load_before = os.getloadavg()[0]
    start = time.monotonic()
    done: dict = {}
    watcher = threading.Thread(target=last_article_time, args=(site, articles, start, done))
    watcher.start()
    procs = []
    for i in range(workers):
        name = f"run-{workers}-{bool(frontier)}-{shared_db}-{0 if shared_db else i}"
        db = tmp / name / "pantau.db"
        db.parent.mkdir(exist_ok=True)
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "pantau", "crawl", "--sources", str(sources), "--db",
             str(db), *extra, *FAST], cwd=ROOT, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True))
    outputs = [p.communicate()[1] for p in procs]
    wall = time.monotonic() - start
    done["stop"] = True
    watcher.join()
    for p, out in zip(procs, outputs, strict=True):
        if p.returncode:
            raise SystemExit(out[-3000:])
    pages = sum(int(re.search(r"pages fetched: (\d+)", o).group(1)) for o in outputs)
    stored = sum(int(re.search(r"articles new: (\d+)", o).group(1)) for o in outputs)
    fetched = [p for p in site.requests if "/berita/" in p]
    crawl = done.get("seconds", wall)
    return {"workers": workers, "frontier": bool(frontier), "shared_db": shared_db,
            "pages": pages, "articles": stored,
            "article_fetches": len(fetched), "distinct_articles": len(set(fetched)),
            "seconds_to_last_article": round(crawl, 1), "wall_seconds": round(wall, 1),
            "articles_per_s": round(stored / crawl, 1), "pages_per_s": round(pages / wall, 1),
            "load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--idle-exit", type=float, default=2.0)
    parser.add_argument("--workers", default="1,2,4",
                        help="frontier rows, one database per worker (comma-separated counts)")
    parser.add_argument("--shared-db", default="",
                        help="frontier rows with one database shared by the workers")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",") if n]
    shared = [int(n) for n in args.shared_db.split(",") if n]
    port = free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    try:
        with tempfile.TemporaryDirectory(prefix="pantau-frontier-bench-") as tmp:
            tmp = Path(tmp)
            generate_site(tmp / "site", args.articles)
            with DemoSite(tmp / "site") as site:
                frontier = f"redis://127.0.0.1:{port}/0"
                rows = [(1, None, False), *((n, frontier, False) for n in counts),
                        *((n, frontier, True) for n in shared)]
                for workers, url, one_db in rows:
                    row = run_row(site, tmp, workers, url, args.idle_exit, args.articles,
                                  shared_db=one_db)
                    assert row["articles"] == args.articles, row
                    print(json.dumps(row), flush=True)
    finally:
        redis.terminate()
        redis.wait(timeout=30)


if __name__ == "__main__":
    main()
