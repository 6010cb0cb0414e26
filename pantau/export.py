"""Whole-table export as CSV or JSON lines, streamed row by row with no row cap."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TextIO

import yaml

from pantau.config import setting
from pipelines.db import open_readonly

FORMATS = ("csv", "jsonl")
# Excel reads a CSV as the legacy code page unless it starts with this mark.
BOM = "\ufeff"


def internal_tables(names: list[str]) -> set[str]:
    """The working tables among `names`, left out of the choices offered to readers: the
    full-text index and its shadow tables, and what the metadata marks hidden (signatures,
    queues, meta). The home page hides the same ones (data/metadata.yml)."""
    try:
        meta = yaml.safe_load(setting("metadata").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        meta = {}
    hidden = {name for database in (meta.get("databases") or {}).values()
              for name, table in ((database or {}).get("tables") or {}).items()
              if (table or {}).get("hidden")}
    return {n for n in names if n in hidden or "_fts" in n or "_trigram" in n
            or n.startswith("sqlite_")}


class UnknownTable(ValueError):
    """The table or view is not in the database."""


def export_table(db_path: Path, table: str, fmt: str, out: TextIO, bom: bool = False) -> int:
    """Write every row of a table or view to `out`.

    Args:
        db_path: an existing Pantau database.
        table: a table or view name (see `pantau export --help` or the Datasette home page).
        fmt: "csv" (header row, then one row per record) or "jsonl" (one JSON object per line).
        out: a text stream to write to.
        bom: start a CSV with a UTF-8 byte order mark, so Excel reads it as UTF-8.

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
            visible = sorted(set(names) - internal_tables(names))
            raise UnknownTable(f"no table or view {table!r} in {db_path}; "
                               f"try one of: {', '.join(visible)}")
        rows = db[table].rows  # a generator: the table is never held in memory
        count = 0
        if fmt == "csv":
            if bom:
                out.write(BOM)
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
