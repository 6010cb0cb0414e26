"""Datasette plugin: the /codebook page, every published table's description and columns, in
Bahasa Indonesia and English side by side.

English descriptions come from the metadata (data/metadata.yml); Indonesian ones from
data/codebook_id.yml, by column name with per-table overrides (pantau.i18n). `pantau serve`
gives Datasette's table pages both, "Indonesian / English": the English column here is the
metadata's own text.
Hidden tables and views (working data, the basemap tiles) are left out.
"""

from __future__ import annotations

from datasette import hookimpl

from pantau.i18n import english_part, indonesian_description


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
            # Datasette's own lookup: kept after the first page by pantau_schema_cache.py
            columns = [{"name": c.name, "type": c.type}
                       for c in await database.table_column_details(table)]
            entries.append({
                "database": name, "table": table, "kind": kind,
                "description": english_part(meta.get("description", ""), table),
                "description_id": indonesian_description(table),
                "columns": [{"name": c["name"], "type": c["type"] or "",
                             "description": english_part(described.get(c["name"], ""),
                                                         table, c["name"]),
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
