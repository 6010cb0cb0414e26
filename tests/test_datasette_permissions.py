"""data/datasette/plugins/pantau_permissions.py: a table's view rules are read once, and still
decide every request as Datasette decides them (issue 21)."""

from __future__ import annotations

import asyncio
import importlib.util

import sqlite_utils
from conftest import ROOT
from datasette.app import Datasette

PLUGIN = ROOT / "data" / "datasette" / "plugins" / "pantau_permissions.py"
METADATA = {"databases": {"archive": {"tables": {
    "secret": {"allow": {"id": "editor"}, "description": "Only editors."},
    "open": {"description": "Everyone."}}}}}


def load_plugin():
    spec = importlib.util.spec_from_file_location("pantau_permissions_under_test", PLUGIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def statuses(db_path, install: bool) -> list[int]:
    """Each table page twice, anonymous and as the editor: the HTTP statuses in order."""
    ds = Datasette([str(db_path)], metadata=METADATA)
    if install:
        load_plugin().startup(ds)
    editor = {"ds_actor": ds.sign({"a": {"id": "editor"}}, "actor")}

    async def fetch():
        found = []
        for _ in range(2):  # the second round answered from the remembered rules
            for table in ("secret", "open"):
                found.append((await ds.client.get(f"/archive/{table}")).status_code)
                found.append((await ds.client.get(f"/archive/{table}",
                                                  cookies=editor)).status_code)
        return found, ds

    return asyncio.run(fetch())


def test_remembered_rules_decide_as_datasette_does(tmp_path):
    path = tmp_path / "archive.db"
    db = sqlite_utils.Database(path)
    db["secret"].insert({"id": 1})
    db["open"].insert({"id": 1})
    plain, _ = statuses(path, install=False)
    remembered, ds = statuses(path, install=True)
    assert plain == [403, 200, 200, 200] * 2
    assert remembered == plain
    # it was the cached lookup that answered: one lookup per table, reused
    info = ds._table_permission_allows.cache_info()
    assert info.misses == 2 and info.hits > 0
    assert ds._table_permission_allows("archive", "secret") == ({"id": "editor"},)
