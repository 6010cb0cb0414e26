"""Stores the gazetteer and each article's extracted facts, replacing older facts atomically."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

import pycountry

from nlp.schema import Extraction
from pipelines.db import facts_table_names, refresh_derived

# Extraction attribute -> fact table
FACT_FIELDS = {"offices": "office_mentions", "people": "officials",
               "nationalities": "nationalities", "counts": "counts", "awards": "awards"}


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


def country_name(code: str) -> str | None:
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else None


def fact_rows(article_id: str, extraction: Extraction) -> dict[str, list[dict]]:
    """Table name -> rows for one article; ids are stable so a rerun replaces, never adds."""
    tables = {}
    for field, table in FACT_FIELDS.items():
        rows = []
        for i, fact in enumerate(getattr(extraction, field)):
            row = asdict(fact)
            evidence = row.pop("evidence", None) or {}
            row.update(fact_id=f"{article_id}-{i}", article_id=article_id,
                       sentence=evidence.get("sentence"), start=evidence.get("start"),
                       end=evidence.get("end"))
            if table == "nationalities":
                row["country"] = country_name(row["code"])
            rows.append(row)
        tables[table] = rows
    return tables


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
    """Replace an article's facts and mark it extracted, in one transaction.

    Returns:
        The number of fact rows written.
    """
    tables = fact_rows(article_id, extraction)
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    with db.conn:
        for table in facts_table_names():
            db[table].delete_where("article_id = ?", [article_id])
            if tables.get(table):
                db[table].insert_all(tables[table], pk="fact_id", alter=True)
        refresh_derived(db, article_id)  # year, month, outlet, office and province per fact
        db["articles"].update(article_id, {"extracted_at": now, "nlp_version": nlp_version,
                                           **article_event(extraction)})
    return sum(len(rows) for rows in tables.values())
