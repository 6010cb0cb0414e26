"""Datasette plugin: gives the /codebook page every table's description, columns and types."""

from __future__ import annotations

from datasette import hookimpl


async def codebook(datasette) -> list[dict]:
    """Per database and table: description, columns (name, SQLite type, description), kind."""
    entries = []
    for name, database in datasette.databases.items():
        if name.startswith("_"):
            continue
        hidden = set(await database.hidden_table_names())
        tables = [(t, "table") for t in await database.table_names() if t not in hidden]
        tables += [(v, "view") for v in await database.view_names()]
        for table, kind in tables:
            meta = datasette.table_metadata(name, table)
            described = meta.get("columns") or {}
            columns = (await database.execute(f"pragma table_info([{table}])")).rows
            entries.append({
                "database": name, "table": table, "kind": kind,
                "description": meta.get("description", ""),
                "columns": [{"name": c["name"], "type": c["type"] or "",
                             "description": described.get(c["name"], "")} for c in columns],
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
