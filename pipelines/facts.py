"""Stores the gazetteer and the articles' extracted facts, replacing older facts atomically."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC, datetime
from functools import cache

import pycountry

from nlp.schema import Extraction
from pipelines.event_queue import queue_for_events
from pipelines.schema import (
    ATTRIBUTED,
    DERIVED_FACT_COLUMNS,
    EVIDENCE,
    FACT_TABLES,
    facts_table_names,
)

# Extraction attribute -> fact table
FACT_FIELDS = {"offices": "office_mentions", "people": "officials",
               "nationalities": "nationalities", "counts": "counts", "awards": "awards"}
# The columns of a fact as extracted, per fact table; the derived ones are filled from the
# article and the gazetteer (store_facts_batch, refresh_derived). From the schema in
# pipelines/schema.py, so the two cannot drift apart.
WRITTEN_COLUMNS = {table: ("fact_id", "article_id", *columns, *EVIDENCE)
                   for table, (columns, _) in FACT_TABLES.items()}
INSERTED_COLUMNS = {table: (*columns, *(c for c in DERIVED_FACT_COLUMNS if c not in columns))
                    for table, columns in WRITTEN_COLUMNS.items()}


def sync_offices(db, offices: list[dict]) -> int:
    """Upsert the gazetteer rows into `offices`; returns how many rows it holds."""
    rows = [{
        "office_id": o["office_id"], "name": o["name"], "kind": o.get("kind"),
        "class": o.get("class"), "place": o.get("place"), "province": o.get("province"),
        "aliases": "; ".join(o.get("aliases") or []), "website": o.get("website"),
        "latitude": o.get("lat"), "longitude": o.get("lon"), "confidence": o.get("confidence"),
    } for o in offices]
    with db.conn:
        db["offices"].upsert_all(rows, pk="office_id")
    return db["offices"].count


@cache
def country_name(code: str) -> str | None:
    """The English name of an ISO 3166-1 alpha-2 code, None when unknown."""
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else None


def fact_rows(article_id: str, extraction: Extraction) -> dict[str, list[dict]]:
    """Table name -> rows for one article; ids are stable so a rerun replaces, never adds."""
    tables = {}
    for field, table in FACT_FIELDS.items():
        rows = []
        for i, fact in enumerate(getattr(extraction, field)):
            # Shallow, not dataclasses.asdict: asdict deep-copies every value and was the main
            # process's largest cost per article in `pantau extract --workers 2`.
            row = {name: getattr(fact, name) for name in _field_names(type(fact))}
            evidence = row.pop("evidence", None)
            row.update(fact_id=f"{article_id}-{i}", article_id=article_id,
                       sentence=_field(evidence, "sentence"), start=_field(evidence, "start"),
                       end=_field(evidence, "end"))
            if table == "nationalities":
                row["country"] = country_name(row["code"])
            rows.append(row)
        tables[table] = rows
    return tables


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    """The dataclass fields of a fact class, looked up once per class."""
    return tuple(f.name for f in fields(kind))


def _field(obj, name: str):
    """An attribute or dict key of `obj`, None when it has neither."""
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def article_event(extraction) -> dict:
    """The article-level event type and date, when the NLP Extraction provides them (issue 7).

    Read defensively: the fields are being added to nlp/ in parallel, as `event_type` and
    `event_date` or as an `event` with `type` and `date`. Both keys are always returned, so a
    re-extraction without them clears older values.
    """
    event = _field(extraction, "event")
    kind = _field(extraction, "event_type") or _field(event, "type")
    when = _field(extraction, "event_date") or _field(event, "date")
    # "other" is the NLP's default, not a finding: the count categories decide then.
    return {"event_type": str(kind) if kind and kind != "other" else None,
            "event_date": str(when)[:10] if when else None}


def store_facts(db, article_id: str, extraction: Extraction, nlp_version: str) -> int:
    """Replace one article's facts and mark it extracted, in one transaction.

    Returns:
        The number of fact rows written.
    """
    return store_facts_batch(db, [(article_id, extraction)], nlp_version)


def store_facts_batch(db, extractions: list[tuple[str, Extraction]], nlp_version: str) -> int:
    """Replace the facts of a batch of articles and mark them extracted, in one transaction.

    The SQL is written here rather than through sqlite-utils' insert_all / delete_where /
    update: each of those commits on its own (they run inside `with conn:`), which would
    split a batch into many transactions, so a crash could leave an article with half its
    facts, and every commit would cost a WAL sync. Either the whole batch is stored or none
    of it is.

    Args:
        db: an open sqlite_utils.Database with the current schema.
        extractions: (article_id, Extraction) pairs; an empty Extraction clears the facts.
        nlp_version: stamped on each article, so a later NLP version redoes it.

    Returns:
        The number of fact rows written.
    """
    if not extractions:
        return 0
    conn = db.conn
    # The raw connection, not `with conn:`: an exception rolls back, and nothing in between
    # may commit (no sqlite-utils write helpers). The articles' outlet and dates are read in
    # the same transaction as the facts are written, so the derived columns match them.
    conn.execute("begin")
    try:
        articles, provinces = _derived_sources(conn, [article_id for article_id, _ in extractions])
        prepared = [(article_id, *prepare_facts(article_id, extraction,
                                                articles.get(article_id, {}), provinces))
                    for article_id, extraction in extractions]
        written = _write_facts(conn, prepared, nlp_version)
        conn.execute("commit")
    except BaseException:
        # BaseException: a KeyboardInterrupt mid-batch must not leave the transaction open.
        conn.execute("rollback")
        raise
    return written


def prepare_facts(article_id: str, extraction: Extraction, article: dict,
                  provinces: dict[str, str]) -> tuple[dict[str, list[tuple]], tuple]:
    """One article's fact rows as INSERTED_COLUMNS tuples per table, with their derived
    columns (article: its source, published_date, year and month), and its event stamp
    (event_type, event_date). Plain data: the extract stage's NLP workers make it
    (pipelines/extract.py) and send it back for store_prepared_batch."""
    tables = fact_rows(article_id, extraction)
    _derive(tables, article, provinces)
    event = article_event(extraction)
    return ({table: [_values(table, row) for row in rows] for table, rows in tables.items()},
            (event["event_type"], event["event_date"]))


def store_prepared_batch(db, prepared: list[tuple], nlp_version: str) -> tuple[int, set[str]]:
    """store_facts_batch for rows prepare_facts made elsewhere, from articles read before this
    transaction: an article whose content_hash or source changed since (a crawl stored it
    again) is left pending for the next run, since its rows may be stale.

    Args:
        prepared: (article_id, content_hash, source, tables, stamp) per article, tables and
            stamp from prepare_facts.

    Returns:
        The number of fact rows written and the ids of the articles stored.
    """
    if not prepared:
        return 0, set()
    conn = db.conn
    conn.execute("begin")
    try:
        current = {r[0]: (r[1], r[2]) for r in conn.execute(
            "select article_id, content_hash, source from articles "
            "where article_id in (select value from json_each(?))",
            [json.dumps([p[0] for p in prepared])])}
        kept = [(article_id, tables, stamp)
                for article_id, content_hash, source, tables, stamp in prepared
                if current.get(article_id) == (content_hash, source)]
        written = _write_facts(conn, kept, nlp_version)
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return written, {k[0] for k in kept}


def _write_facts(conn, prepared: list[tuple], nlp_version: str) -> int:
    """Replace the facts of prepared articles (article_id, tables, stamp) and mark them
    extracted, inside the caller's transaction."""
    if not prepared:
        return 0
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    ids = [article_id for article_id, _, _ in prepared]
    rows_by_table: dict[str, list[tuple]] = {table: [] for table in facts_table_names()}
    for _, tables, _ in prepared:
        for table, rows in tables.items():
            rows_by_table[table].extend(rows)
    for table in facts_table_names():
        conn.executemany(f"delete from {table} where article_id = ?", [(i,) for i in ids])
        if rows_by_table[table]:
            columns = INSERTED_COLUMNS[table]
            names = ", ".join(f"[{c}]" for c in columns)
            marks = ", ".join("?" for _ in columns)
            conn.executemany(f"insert into {table} ({names}) values ({marks})",
                             rows_by_table[table])
    conn.executemany("update articles set extracted_at = ?, nlp_version = ?, "
                     "event_type = ?, event_date = ? where article_id = ?",
                     [(now, nlp_version, *stamp, article_id)
                      for article_id, _, stamp in prepared])
    queue_for_events(conn, ids)  # with its facts: a crash loses neither without the other
    return sum(len(rows) for rows in rows_by_table.values())


def _derived_sources(conn, ids: list[str]) -> tuple[dict[str, dict], dict[str, str]]:
    """The articles' source, date, year and month by id, and each office's province."""
    cursor = conn.execute("select article_id, source, published_date, year, month from articles "
                          "where article_id in (select value from json_each(?))",
                          [json.dumps(ids)])
    articles = {r[0]: {"source": r[1], "published_date": r[2], "year": r[3], "month": r[4]}
                for r in cursor}
    return articles, dict(conn.execute("select office_id, province from offices"))


def _derive(tables: dict[str, list[dict]], article: dict, provinces: dict[str, str]) -> None:
    """Fill the derived columns of one article's fact rows before they are inserted.

    The same values as pipelines.db.refresh_derived (one UPDATE per table after the insert
    would write every row and its indexes twice): the article's source and dates, and for
    ATTRIBUTED tables a fact with no office takes the office named in its sentence, else the
    first office the article names (mentions ordered by position).
    """
    mentions = sorted((m for m in tables.get("office_mentions", []) if m.get("office_id")),
                      key=lambda m: m.get("start") if m.get("start") is not None else -1)
    first_in = {}  # sentence -> its first office (SQL: NULL equals no sentence)
    for m in mentions:
        if m.get("sentence") is not None:
            first_in.setdefault(m["sentence"], m["office_id"])
    for table, rows in tables.items():
        for row in rows:
            row.update(article)
            if table in ATTRIBUTED and row.get("office_id") is None and mentions:
                row["office_id"] = first_in.get(row.get("sentence"), mentions[0]["office_id"])
            province = provinces.get(row.get("office_id"))
            if province is not None:
                row["province"] = province


def _values(table: str, row: dict) -> tuple:
    """A fact row as a tuple in INSERTED_COLUMNS order; a field the schema lacks is an error."""
    unknown = set(row) - set(INSERTED_COLUMNS[table])
    if unknown:
        # A new NLP field needs its column in pipelines/schema.py FACT_TABLES first.
        raise ValueError(f"{table} has no column for {sorted(unknown)} (add it to "
                         "pipelines/schema.py FACT_TABLES)")
    return tuple(row.get(column) for column in INSERTED_COLUMNS[table])
