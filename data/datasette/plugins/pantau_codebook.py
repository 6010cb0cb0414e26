"""Datasette plugin: the /codebook page, every published table's description and columns, in
Bahasa Indonesia and English side by side.

English descriptions come from the metadata (data/metadata.yml, which Datasette's table pages
show too); Indonesian ones from data/codebook_id.yml, by column name with per-table overrides.
Hidden tables and views (working data, the basemap tiles) are left out.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from datasette import hookimpl

INDONESIAN = Path(__file__).resolve().parent.parent.parent / "codebook_id.yml"


@lru_cache(maxsize=1)
def indonesian() -> dict:
    """The Indonesian codebook: {"columns": {name: text}, "tables": {table: {...}}}."""
    return yaml.safe_load(INDONESIAN.read_text(encoding="utf-8"))


def indonesian_description(table: str, column: str | None = None) -> str:
    """The Indonesian description of a table (column None) or of one of its columns."""
    own = (indonesian().get("tables") or {}).get(table) or {}
    if column is None:
        return own.get("description", "")
    return own.get(column) or (indonesian().get("columns") or {}).get(column, "")


async def codebook(datasette) -> list[dict]:
    """Per database and table: descriptions, columns (name, SQLite type, descriptions), kind."""
    entries = []
    for name, database in datasette.databases.items():
        if name.startswith("_"):
            continue
        hidden = set(await database.hidden_table_names())
        tables = [(t, "table") for t in await database.table_names() if t not in hidden]
        tables += [(v, "view") for v in await database.view_names()
                   if not datasette.table_metadata(name, v).get("hidden")]
        for table, kind in tables:
            meta = datasette.table_metadata(name, table)
            described = meta.get("columns") or {}
            columns = (await database.execute(f"pragma table_info([{table}])")).rows
            entries.append({
                "database": name, "table": table, "kind": kind,
                "description": meta.get("description", ""),
                "description_id": indonesian_description(table),
                "columns": [{"name": c["name"], "type": c["type"] or "",
                             "description": described.get(c["name"], ""),
                             "description_id": indonesian_description(table, c["name"])}
                            for c in columns],
            })
    return entries


@hookimpl
def extra_template_vars(template, datasette):
    """Only the codebook page pays for reading the schema."""
    if template != "pages/codebook.html":
        return {}

    async def inner():
        entries = await codebook(datasette)
        return {"codebook": entries,
                "codebook_database": next((e["database"] for e in entries
                                           if e["table"] == "articles"), "pantau")}

    return inner
