"""A content digest of the demo database, per table: to show that a refactor changes no row.

Builds the database with `pantau demo --no-serve` (the bundled site on a fixed port, so the
article URLs and ids are the same from run to run) and prints, per table, its row count, its
columns and a SHA-1 of its rows sorted; per view, a SHA-1 of its rows. The columns a run stamps
with the clock (fetched_at, first_seen, extracted_at ...) are left out of the digest, and so is
`meta.summary_inputs`, which holds one of them. A second section lists each schema object's SQL
digest, so a change of DDL shows apart from a change of rows.

    .venv/bin/python benchmarks/demo_digest.py              # build a fresh demo database
    .venv/bin/python benchmarks/demo_digest.py --db FILE    # digest an existing database
    .venv/bin/python benchmarks/demo_digest.py --checkout ../main   # build with main's code

Run it before and after a change and compare the outputs (diff). Not a speed measurement:
it lives here beside the other scripts that build databases to look at.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Not the demo's default port (8765): a running `pantau demo` may hold that one. Fixed, so the
# ids (hashes of the URLs, which include the port) are comparable between runs.
SITE_PORT = 18765
# Written from the clock or a run id, so different on every build; source_health.pages counts
# the pages fetched, which varies with the order concurrent requests finish in (a page found by
# two routes is fetched once or twice), while the articles found do not.
VOLATILE_COLUMNS = {"fetched_at", "first_seen", "extracted_at", "crawl_id"}
VOLATILE_TABLE_COLUMNS = {("source_health", "pages")}
VOLATILE_META_KEYS = {"summary_inputs"}
# The search index's own tables hold rowids, which follow the order the crawl stored the
# articles in: their digest is taken over the index's vocabulary instead (search_vocabulary).
FTS_TABLES = ("articles_fts", "articles_fts_data", "articles_fts_idx", "articles_fts_docsize",
              "articles_fts_config")


def build(db: Path, checkout: Path = ROOT) -> None:
    """`pantau demo --no-serve` into `db`, with the code of `checkout` (a git worktree)."""
    # `python -m` puts the working directory first on sys.path: the checkout's code is run.
    subprocess.run([sys.executable, "-m", "pantau", "demo", "--no-serve", "--site-port",
                    str(SITE_PORT), "--db", str(db)], check=True, cwd=checkout,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _digest(rows) -> str:
    h = hashlib.sha1()
    for row in sorted(repr(r) for r in rows):
        h.update(row.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()[:16]


def search_vocabulary(conn) -> list[tuple]:
    """Every (term, column, documents, occurrences) of the full-text index: what it answers,
    whatever rowids the articles got. Read through SQLite's fts5vocab, in the temp schema."""
    conn.execute("create virtual table if not exists temp.pantau_vocabulary "
                 "using fts5vocab(main, articles_fts, 'col')")
    return conn.execute("select term, col, doc, cnt from temp.pantau_vocabulary").fetchall()


def digest(db: Path) -> list[str]:
    """The report's lines: tables and views with rows and digests, then schema objects."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    objects = conn.execute("select type, name, coalesce(sql, '') from sqlite_master "
                           "where name not like 'sqlite_%' order by type, name").fetchall()
    lines = ["# rows: kind name rows columns digest"]
    for kind, name, _ in objects:
        if kind not in ("table", "view") or name in FTS_TABLES:
            continue
        cursor = conn.execute(f"select * from [{name}]")
        columns = [d[0] for d in cursor.description]
        keep = [i for i, c in enumerate(columns)
                if c not in VOLATILE_COLUMNS and (name, c) not in VOLATILE_TABLE_COLUMNS]
        rows = [tuple(r[i] for i in keep) for r in cursor
                if not (name == "meta" and r[0] in VOLATILE_META_KEYS)]
        lines.append(f"{kind} {name} {len(rows)} {len(columns)} {_digest(rows)}")
    if "articles_fts" in {name for _, name, _ in objects}:
        vocabulary = search_vocabulary(conn)
        lines.append(f"search articles_fts {len(vocabulary)} 3 {_digest(vocabulary)}")
    lines.append("# schema: kind name sql-digest")
    for kind, name, sql in objects:
        lines.append(f"{kind} {name} {hashlib.sha1(sql.encode()).hexdigest()[:16]}")
    conn.close()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="digest this database instead of building one")
    parser.add_argument("--checkout", type=Path, default=ROOT,
                        help="build with the code of this checkout (e.g. another git worktree, "
                             "to compare a branch with main)")
    args = parser.parse_args()
    if args.db:
        print("\n".join(digest(args.db)))
        return
    with tempfile.TemporaryDirectory(prefix="pantau-digest-") as tmp:
        db = Path(tmp) / "pantau.db"
        build(db, args.checkout.resolve())
        print("\n".join(digest(db)))


if __name__ == "__main__":
    main()
