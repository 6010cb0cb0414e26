"""Keeps the events current: recomputes only the events that queued articles touch."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date

from pipelines.event_queue import PENDING_TABLE, event_inputs, mark_done
from pipelines.event_rebuild import read_candidates, rebuild_events, store_groups, totals
from pipelines.event_rules import (
    AWARD_TYPE,
    AWARD_WINDOW_DAYS,
    WINDOW_DAYS,
    group_candidates,
    ordinal,
    shape_of,
)

# Above this share of the on-topic articles queued, one rebuild is cheaper than an update.
FULL_SHARE = 0.2
# An update holds the candidates it recomputes in memory (a rebuild spills them to disk): above
# this many citations to recompute it rebuilds instead. Generated corpora whose offices report
# the same figures every day chain their reports into events of 26,000 citations
# (benchmarks/README.md); 100,000 candidates are about 300 MB.
UPDATE_MAX_CITATIONS = 100_000
_SHAPE_SQL = ("e.office_id is ? and e.type = ? and e.kind = ? and e.period_start is ? "
              "and e.period_end is ?")


def update_events(db, workers: int = 1) -> dict:
    """Bring the events up to date with the articles queued since the last update.

    Only the events that a queued article was cited by, or that one of its candidates may join,
    are recomputed, with every candidate of theirs: a candidate joins an event of its shape only
    through its story, a date within the window, or a period total of its office
    (same_happening, group_candidates), so no other event can change. The result is the one
    rebuild_events gives (tests/test_pipelines_events_update.py). Everything is rebuilt on the
    first run, when what events read besides the articles changed (event_inputs), when more than
    FULL_SHARE of the on-topic articles are queued, or when the events to recompute hold more
    than UPDATE_MAX_CITATIONS citations (the rebuild's memory is bounded, the update's is not).

    Returns:
        rebuild_events' totals for the whole table, and "rebuilt": whether it rebuilt all and
        "queued": the articles it took from the queue.
    """
    conn = db.conn
    queued, n_queued = conn.execute(f"select max(rowid), count(*) from {PENDING_TABLE}").fetchone()
    recorded = conn.execute("select value from meta where key = 'event_inputs'").fetchone()
    on_topic = conn.execute("select count(*) from articles where on_topic is not 0").fetchone()[0]
    if not recorded or recorded[0] != event_inputs(db) or n_queued > FULL_SHARE * on_topic:
        return {**rebuild_events(db, workers), "rebuilt": True, "queued": n_queued}
    if n_queued and not _update(db, queued):
        return {**rebuild_events(db, workers), "rebuilt": True, "queued": n_queued}
    return {**totals(conn), "rebuilt": False, "queued": n_queued}


def _ids_in(column: str, ids) -> tuple[str, list]:
    """SQL condition `column` in ids, and its one parameter (a JSON array: no limit of ?s)."""
    return f"{column} in (select value from json_each(?))", [json.dumps(sorted(ids))]


def _update(db, queued: int) -> bool:
    """Recompute the events the queue up to rowid `queued` touches, in one transaction.

    Returns:
        False, having changed nothing, when more than UPDATE_MAX_CITATIONS citations would be
        recomputed: then a rebuild is the better way.
    """
    provinces = {r["office_id"]: r["province"] for r in db["offices"].rows}
    conn = db.conn
    inputs = event_inputs(db)
    with conn:
        changed = {r[0] for r in conn.execute(
            f"select article_id from {PENDING_TABLE} where rowid <= ?", [queued])}
        where, params = _ids_in("article_id", changed)
        fresh = list(read_candidates(db, where, params))
        affected = {r[0] for r in conn.execute(
            f"select distinct event_id from event_citations where {where}", params)}
        affected |= _joinable_events(conn, fresh)
        if _citations(conn, affected) > UPDATE_MAX_CITATIONS:
            return False
        pairs, affected = _closed(conn, affected)
        if _citations(conn, affected) > UPDATE_MAX_CITATIONS:
            return False
        # A changed article's candidates all (fresh); another article's of the shapes it is
        # cited in by an affected event, recomputed together (_closed).
        by_shape = defaultdict(list)
        for cand in fresh:
            by_shape[shape_of(cand)].append(cand)
        others = {article_id for article_id, _ in pairs} - changed
        if others:
            for cand in read_candidates(db, *_ids_in("article_id", others)):
                if (cand["article_id"], shape_of(cand)) in pairs:
                    by_shape[shape_of(cand)].append(cand)
        where, params = _ids_in("event_id", affected)
        for table in ("event_nationalities", "event_citations", "events"):
            conn.execute(f"delete from [{table}] where {where}", params)
        store_groups(conn, (group for members in by_shape.values()
                             for group in group_candidates(members)), provinces)
        mark_done(conn, queued, inputs)
    return True


def _citations(conn, event_ids: set[str]) -> int:
    where, params = _ids_in("event_id", event_ids)
    return conn.execute(f"select coalesce(sum(citations), 0) from events where {where}",
                        params).fetchone()[0]


def _joinable_events(conn, fresh: list[dict]) -> set[str]:
    """The events the candidates `fresh` may join: of their shape and their story, or with a
    citation dated within the window of theirs, or (a period total of an office) every one."""
    found = set()

    def events(sql: str, params: list) -> None:
        found.update(r[0] for r in conn.execute(sql, params))

    cited = "select distinct c.event_id from event_citations c join events e using (event_id)"
    whole, stories, days = set(), set(), defaultdict(set)
    for c in fresh:
        shape = shape_of(c)
        if c["story_id"] and c["type"] != AWARD_TYPE:
            stories.add((c["story_id"], shape))
        if c["kind"] != "event":
            if c["office_id"]:
                whole.add(shape)
        elif c["office_id"] and (day := ordinal(c["date"])) is not None:
            days[shape].add(day)
    for story, shape in stories:
        events(f"{cited} where c.story_id = ? and {_SHAPE_SQL}", [story, *shape])
    for shape in whole:
        events(f"select event_id from events e where {_SHAPE_SQL}", list(shape))
    for shape, shape_days in days.items():
        window = AWARD_WINDOW_DAYS if shape[1] == AWARD_TYPE else WINDOW_DAYS
        for first, last in _intervals(sorted(shape_days), window):
            # Dates compared as text: from the first day up to, not including, the day after
            # the last (a date with a time of day on the last day is still in).
            events(f"{cited} where c.date >= ? and c.date < ? and {_SHAPE_SQL}",
                   [date.fromordinal(first).isoformat(),
                    date.fromordinal(last + 1).isoformat(), *shape])
    return found


def _intervals(days: list[int], window: int) -> list[tuple[int, int]]:
    """The sorted days' windows (day - window .. day + window), overlapping ones merged."""
    merged: list[list[int]] = []
    for day in days:
        if merged and day - window <= merged[-1][1] + 1:
            merged[-1][1] = day + window
        else:
            merged.append([day - window, day + window])
    return [(first, last) for first, last in merged]


def _closed(conn, affected: set[str]) -> tuple[set[tuple[str, tuple]], set[str]]:
    """The (article, shape) pairs the affected events cite, and the affected events grown
    until every event citing such a pair's article in its shape is one of them.

    The candidates of one article and shape are recomputed together: which of them an event
    holds is not stored (an article cites an event once, whatever number it holds).
    """
    select = ("select c.article_id, c.event_id, e.office_id, e.type, e.kind, e.period_start, "
              "e.period_end from event_citations c join events e using (event_id) where ")
    pairs: set[tuple[str, tuple]] = set()
    affected, todo = set(affected), set(affected)
    while todo:
        where, params = _ids_in("c.event_id", todo)
        new_pairs = {(article_id, tuple(shape)) for article_id, _, *shape
                     in conn.execute(select + where, params)} - pairs
        pairs |= new_pairs
        where, params = _ids_in("c.article_id", {article_id for article_id, _ in new_pairs})
        todo = {event_id for article_id, event_id, *shape in conn.execute(select + where, params)
                if (article_id, tuple(shape)) in pairs} - affected
        affected |= todo
    return pairs, affected
