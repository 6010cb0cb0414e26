"""data/datasette/plugins/pantau_facets.py: a page's column facets run at once, same results."""

from __future__ import annotations

import asyncio
import importlib.util
import random

import pytest
import sqlite_utils
from conftest import ROOT
from datasette.app import Datasette
from datasette.facets import ColumnFacet

PLUGINS = ROOT / "data" / "datasette" / "plugins"
grouped: list[str] = []  # the facet columns counted by a GROUP BY during the last page()
FACETS = ("office_id", "category", "province", "year", "month", "unit")


def load_plugin():
    spec = importlib.util.spec_from_file_location("pantau_facets_under_test",
                                                  PLUGINS / "pantau_facets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def facts_db(tmp_path):
    rng = random.Random(3)
    path = tmp_path / "facts.db"
    sqlite_utils.Database(path)["counts"].insert_all(
        {"fact_id": i, "category": rng.choice(["deportation", "arrest"]),
         "office_id": rng.choice(["kanim-serang", "kanim-bekasi", "kanim-bogor", None]),
         "province": rng.choice(["Banten", "Jawa Barat"]), "year": rng.choice([2024, 2025]),
         "month": f"2025-{rng.randint(1, 12):02d}", "unit": rng.choice(["WNA", "orang"])}
        for i in range(500))
    return path


def page(path, query: str) -> tuple[dict, int]:
    """The JSON of a counts table page, and how many facet queries ran at one time at most."""
    running = peak = 0
    grouped.clear()
    ds = Datasette([str(path)])
    execute = ds.execute

    async def counting(*args, **kwargs):
        nonlocal running, peak
        facet = " group by " in args[1]
        grouped.extend(c for c in FACETS if f"group by {c}" in " ".join(args[1].split()))
        running += facet
        peak = max(peak, running)
        try:
            return await execute(*args, **kwargs)
        finally:
            running -= facet

    ds.execute = counting

    async def get():
        await ds.invoke_startup()
        return (await ds.client.get(f"/facts/counts.json?{query}")).json()

    return asyncio.run(get()), peak


def test_facets_run_at_once_and_give_what_datasette_gives(facts_db, monkeypatch):
    # Filtered to one category and one year: those facets are answered without a GROUP BY.
    query = "category=deportation&year=2025&" + "&".join(f"_facet={f}" for f in FACETS)
    expected, one_at_a_time = page(facts_db, query)
    assert one_at_a_time == 1  # Datasette's own: one facet query after another
    plugin = load_plugin()
    monkeypatch.setattr(ColumnFacet, "facet_results", plugin.facet_results)
    got, at_once = page(facts_db, query)
    assert at_once > 1
    assert sorted(grouped) == sorted(set(FACETS) - {"category", "year"})
    assert [f["name"] for f in got["facet_results"].values()] == list(FACETS)
    assert got["facet_results"] == expected["facet_results"]
    assert got["rows"] == expected["rows"]
    # The counts are the table's, for the filtered rows only.
    db = sqlite_utils.Database(facts_db)
    [office] = [f for f in got["facet_results"].values() if f["name"] == "office_id"]
    assert {r["value"]: r["count"] for r in office["results"]} == dict(db.execute(
        "select office_id, count(*) from counts where category = 'deportation' and year = 2025 "
        "and office_id is not null group by office_id").fetchall())


def test_the_plugin_installs_itself_only_on_a_compatible_datasette(monkeypatch):
    plugin = load_plugin()
    monkeypatch.setattr(ColumnFacet, "facet_results", plugin._sequential)
    monkeypatch.setattr(plugin, "COMPATIBLE", ("0.0.",))
    plugin.startup(None)
    assert ColumnFacet.facet_results is plugin._sequential
    monkeypatch.setattr(plugin, "COMPATIBLE", (plugin.__version__[:5],))
    plugin.startup(None)
    assert ColumnFacet.facet_results is plugin.facet_results


def test_facets_an_index_leads_with_are_counted_by_one_group_by(facts_db, monkeypatch):
    # An index leading with office_id and province (as idx_articles_year_source leads with
    # the articles table's year and outlet): one GROUP BY counts both facets.
    sqlite_utils.Database(facts_db)["counts"].create_index(["province", "office_id", "unit"])
    query = "category=deportation&_facet=office_id&_facet=province&_facet=month"
    expected, _ = page(facts_db, query)
    plugin = load_plugin()
    monkeypatch.setattr(ColumnFacet, "facet_results", plugin.facet_results)
    got, _ = page(facts_db, query)
    assert got["facet_results"] == expected["facet_results"]
    assert got["rows"] == expected["rows"]
    # office_id and province from the one GROUP BY (in the index's order: "group by province,
    # office_id"), month on its own: two GROUP BYs where Datasette runs three
    assert sorted(grouped) == ["month", "province"]
    # and both facets say what the table says
    db = sqlite_utils.Database(facts_db)
    for name in ("office_id", "province"):
        [facet] = [f for f in got["facet_results"].values() if f["name"] == name]
        assert {r["value"]: r["count"] for r in facet["results"]} == dict(db.execute(
            f"select {name}, count(*) from counts where category = 'deportation' "
            f"and {name} is not null group by {name}").fetchall())


def test_a_combined_count_that_times_out_gives_way_to_one_query_per_facet(facts_db, monkeypatch):
    from datasette.database import QueryInterrupted

    sqlite_utils.Database(facts_db)["counts"].create_index(["province", "office_id"])
    query = "_facet=office_id&_facet=province"
    expected, _ = page(facts_db, query)
    plugin = load_plugin()
    monkeypatch.setattr(ColumnFacet, "facet_results", plugin.facet_results)
    execute = Datasette.execute
    combined = []

    async def slow_combined(self, database, sql, *args, **kwargs):
        if f"limit {plugin.COMBINED_MAX_GROUPS + 1}" in sql:
            combined.append(kwargs.get("custom_time_limit"))
            raise QueryInterrupted(None, sql, None)  # as SQLite's progress handler would
        return await execute(self, database, sql, *args, **kwargs)

    monkeypatch.setattr(Datasette, "execute", slow_combined)
    got, _ = page(facts_db, query)
    assert combined == [Datasette([]).setting("facet_time_limit_ms") // 2]
    assert got["facet_results"] == expected["facet_results"]
    # the combined GROUP BY was tried (and interrupted), then each facet counted on its own
    assert sorted(grouped) == ["office_id", "province", "province"]
