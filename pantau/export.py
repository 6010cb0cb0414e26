"""Whole-table export as CSV or JSON lines, streamed row by row with no row cap."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TextIO

from pipelines.db import open_readonly

FORMATS = ("csv", "jsonl")


class UnknownTable(ValueError):
    """The table or view is not in the database."""


def export_table(db_path: Path, table: str, fmt: str, out: TextIO) -> int:
    """Write every row of a table or view to `out`.

    Args:
        db_path: an existing Pantau database.
        table: a table or view name (see `pantau export --help` or the Datasette home page).
        fmt: "csv" (header row, then one row per record) or "jsonl" (one JSON object per line).
        out: a text stream to write to.

    Returns:
        The number of rows written.

    Raises:
        UnknownTable: `table` is neither a table nor a view.
        ValueError: `fmt` is not one of FORMATS.
        pipelines.db.DatabaseError: the database is missing or unreadable.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    db = open_readonly(db_path)
    try:
        names = [*db.table_names(), *db.view_names()]
        if table not in names:
            visible = sorted(n for n in names if "_fts" not in n and "_trigram" not in n)
            raise UnknownTable(f"no table or view {table!r} in {db_path}; "
                               f"try one of: {', '.join(visible)}")
        rows = db[table].rows  # a generator: the table is never held in memory
        count = 0
        if fmt == "csv":
            writer = csv.writer(out)
            writer.writerow([c.name for c in db[table].columns])
            for row in rows:
                writer.writerow(row.values())
                count += 1
        else:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
        return count
    finally:
        db.close()
