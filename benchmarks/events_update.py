"""Daily update at scale: a day's new articles added to a large database, then `pantau extract`.

Usage:
    .venv/bin/python benchmarks/events_update.py --db /tmp/scale/1m.db --new 1000 --check
    .venv/bin/python benchmarks/events_update.py --readme    # section from the runs logged so far

--db is a database scale_build.py built (it is changed in place). The run first brings its
events up to date (the first run after an upgrade rebuilds them all: timed and reported apart),
then adds --new invented articles published in the corpus's last three days (the articles of
one daily crawl), and runs pipelines.extract.run_extract over them, timing each phase: the events
phase recomputes only the events the new articles touch (pipelines/event_update.py update_events).
With --check it then rebuilds every event from scratch and compares the three event tables
row for row (a digest of each, in primary-key order) with what the update left.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from readme import replace_section  # noqa: E402
from scale_build import CORPUS_UNTIL, corpus_name, load_articles  # noqa: E402

from pipelines.db import open_db  # noqa: E402
from pipelines.events import rebuild_events, update_events  # noqa: E402
from pipelines.extract import run_extract  # noqa: E402
from pipelines.stories import rebuild_stories  # noqa: E402

SECTION = "## Daily update at scale (`events_update.py`)"
README = ROOT / "benchmarks" / "README.md"
LOG = Path("/tmp/events_update.jsonl")
EVENT_TABLES = ("events", "event_citations", "event_nationalities")


def digest(db_path: Path) -> dict[str, str]:
    """SHA-1 of each event table's rows in primary-key order."""
    conn = sqlite3.connect(db_path)
    out = {}
    for table in EVENT_TABLES:
        h, n = hashlib.sha1(), 0
        for row in conn.execute(f"select * from {table} order by 1"):
            h.update(repr(row).encode())
            n += 1
        out[table] = f"{n} rows {h.hexdigest()[:12]}"
    conn.close()
    return out


def story_digest(db_path: Path) -> str:
    """SHA-1 of the stories rows and of every article's story_id, in primary-key order."""
    conn = sqlite3.connect(db_path)
    h, n = hashlib.sha1(), 0
    for sql in ("select * from stories order by 1",
                "select article_id, story_id from articles order by 1"):
        for row in conn.execute(sql):
            h.update(repr(row).encode())
            n += 1
    conn.close()
    return f"{n} rows {h.hexdigest()[:12]}"


def run(db_path: Path, new: int, workers: int, check: bool, reprints: float | None,
        news: bool = False) -> dict:
    db = open_db(db_path, create=False)
    total = db.execute("select count(*) from articles").fetchone()[0]
    started = time.perf_counter()
    before = update_events(db, workers)  # an upgraded database rebuilds here, once
    catch_up = time.perf_counter() - started
    started = time.perf_counter()
    # Numbered on from the corpus ("a1000000" sorts after "a0999999"), in its last three days.
    load_articles(db, new, seed=total, first=total, since=CORPUS_UNTIL - timedelta(days=3),
                  until=CORPUS_UNTIL, reprints=reprints, news=news)
    db.close()
    load = time.perf_counter() - started
    load_average = os.getloadavg()[0]
    result = run_extract(db_path, workers=workers)
    row = {
        "command": f".venv/bin/python benchmarks/events_update.py --db {db_path} --new {new}"
                   + (f" --reprints {reprints}" if reprints is not None else "")
                   + (" --news" if news else "") + (" --check" if check else ""),
        "corpus": corpus_name(reprints, news),
        "run": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "articles_before": total,
        "new": new, "workers": workers,
        "catch_up": {"rebuilt": before["rebuilt"], "seconds": round(catch_up, 1)},
        "load_seconds": round(load, 1),
        "seconds": {k: round(v, 1) for k, v in result["seconds"].items()},
        "events_rebuilt": result["events_rebuilt"], "events_queued": result["events_queued"],
        "events": result["events"],
        "load_average": [round(load_average, 2), round(os.getloadavg()[0], 2)],
    }
    if check:
        updated, stories_updated = digest(db_path), story_digest(db_path)
        db = open_db(db_path, create=False)
        started = time.perf_counter()
        rebuild_events(db, workers)
        row["rebuild_seconds"] = round(time.perf_counter() - started, 1)
        # The stories regrouped from scratch: with no stories rows rebuild_stories compares
        # every bucket again instead of seeding from the last grouping.
        with db.conn:
            db.conn.execute("delete from stories")
        started = time.perf_counter()
        rebuild_stories(db)
        row["stories_regroup_seconds"] = round(time.perf_counter() - started, 1)
        db.close()
        rebuilt, stories_rebuilt = digest(db_path), story_digest(db_path)
        row["check"] = {"updated": updated, "rebuilt": rebuilt, "equal": updated == rebuilt,
                        "stories_updated": stories_updated, "stories_regrouped": stories_rebuilt,
                        "stories_equal": stories_updated == stories_rebuilt}
    return row


def write_readme(runs: list[dict], notes: list[str]) -> None:
    lines = [SECTION, "",
             "A day's articles added to a database scale_build.py built, then `pantau extract` "
             "(the update path of every phase). Each row is the latest logged run of its size; "
             "times in seconds.", "",
             "| corpus | articles before | new | extract + store | stories | events | summaries | "
             "whole stage | "
             "events rebuilt? | check: same as a rebuild (events / stories) | rebuild (s) | "
             "load average | run |",
             "|---|---:|---:|---:|---:|---:|---:|---:|:-:|:-:|---:|---|---|"]
    latest = {}
    for r in runs:
        latest[(r["corpus"], r["articles_before"], r["new"])] = r
    for _, r in sorted(latest.items()):
        s = r["seconds"]
        check = r.get("check")
        lines.append(
            f"| {r['corpus']} | {r['articles_before']:,} | {r['new']:,} | "
            f"{s.get('extract', 0):.1f} | "
            f"{s.get('stories', 0):.1f} | {s.get('events', 0):.1f} | {s.get('summaries', 0):.1f} | "
            f"**{sum(s.values()):.1f}** | {'yes' if r['events_rebuilt'] else 'no'} | "
            + (f"{'yes' if check['equal'] else 'NO'}"
               + (f" / {'yes' if check['stories_equal'] else 'NO'}"
                  if "stories_equal" in check else "") if check else "-")
            + " | "
            f"{r.get('rebuild_seconds', '-')} | {r['load_average'][0]}-{r['load_average'][1]} | "
            f"{r['run']} |")
    lines += ["", "Commands:", ""]
    lines += [f"- `{r['command']}`" for r in latest.values()]
    lines += ["", "Notes:", "",
              "- The first run on a database built before `update_events` existed rebuilds "
              "every event once (it has no record of what the events were built from); that "
              "catch-up is timed apart in the log (`catch_up`), not in the table.",
              "- The check digests `events`, `event_citations` and `event_nationalities` in "
              "primary-key order after the update, rebuilds every event from scratch "
              "(`rebuild_events`) and digests them again.",
              *(f"- {note}" for note in notes), ""]
    replace_section(README, SECTION, "\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a database scale_build.py built (changed)")
    parser.add_argument("--new", type=int, default=1000, help="articles to add")
    parser.add_argument("--workers", type=int, default=2, help="NLP worker processes")
    parser.add_argument("--reprints", type=float, default=None, metavar="SHARE",
                        help="the corpus kind the database was built with (scale_build.py)")
    parser.add_argument("--news", action="store_true",
                        help="with --reprints: the news corpus (scale_build.py --news)")
    parser.add_argument("--check", action="store_true",
                        help="then rebuild every event and compare the tables")
    parser.add_argument("--log", type=Path, default=LOG, help="JSON lines file of the runs")
    parser.add_argument("--readme", action="store_true",
                        help="write this section of benchmarks/README.md from --log")
    parser.add_argument("--note", action="append", default=[],
                        help="with --readme: one more note under the table (repeatable)")
    args = parser.parse_args()
    if args.db:
        row = run(args.db, args.new, args.workers, args.check, args.reprints, args.news)
        print(json.dumps(row, ensure_ascii=False), flush=True)
        with args.log.open("a", encoding="utf-8") as log:
            log.write(json.dumps(row, ensure_ascii=False) + "\n")
    if args.readme:
        write_readme([json.loads(line) for line in args.log.read_text().splitlines() if line],
                     args.note)
    if not args.db and not args.readme:
        parser.error("give --db, --readme or both")


if __name__ == "__main__":
    main()
