"""Merges articles' facts into events: one happening, counted once, with every article citing it.

The rules are explained with examples in docs/events.md (issue 7). In short: each article gives one
candidate per (office, event type, event-or-period-total, period); candidates of one syndicated
story, or of one office and type within WINDOW_DAYS whose figures agree, become one event.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import pickle
import re
import sqlite3
import tempfile
from collections import Counter, defaultdict
from datetime import date
from urllib.parse import urlsplit

from pipelines.periods import LEAD_CHARS, article_period, count_period
from pipelines.schema import EVENT_PENDING_TABLE as PENDING_TABLE
from pipelines.schema import SCHEMA_VERSION, create_spill, index_spill

# --- Vocabulary and thresholds -------------------------------------------------------------
# Count categories that are events; "other" never is (nlp/counts.py).
EVENT_TYPES = ("deportation", "arrest", "detention", "refusal_of_entry", "passport_issued",
               "applicants_served", "permit_issued", "joint_operation")
AWARD_TYPE = "award"
# The NLP stage's article-level types (nlp/events.py) that cover several count categories; any
# other NLP type covers the category of its own name. "other" is no finding.
NLP_TYPE_COVERS = {"service": ("passport_issued", "applicants_served", "permit_issued"),
                   "operation": ("joint_operation",)}
# Two reports of one office and type are one happening when their dates are this close.
WINDOW_DAYS = 7
# Awards are reported later (the ceremony, then the office's thanks, then the regent's visit).
AWARD_WINDOW_DAYS = 31
# Share of award-name words two reports must have in common to be one award.
AWARD_NAME_OVERLAP = 0.5
# The office's own publication: its site under imigrasi.go.id (gazetteer column `website`).
OFFICE_HOST_SUFFIX = "imigrasi.go.id"
# Rows read, spilled or written per step of rebuild_events (bounds its memory).
CANDIDATE_BATCH = 5000

# --- Candidates: what one article says ------------------------------------------------------


def _optional(row: dict, *keys: str):
    """The first present, non-empty value of `keys` (NLP event fields that may not exist yet)."""
    for key in keys:
        if row.get(key):
            return row[key]
    return None


def _is_office_site(url: str | None) -> bool:
    host = (urlsplit(url or "").hostname or "").lower()
    return host == OFFICE_HOST_SUFFIX or host.endswith("." + OFFICE_HOST_SUFFIX)


def article_candidates(article: dict, counts: list[dict], nationalities: list[dict],
                       awards: list[dict], mentions: list[dict] = ()) -> list[dict]:
    """One article's candidate events: counts grouped by office, type and period, and awards.

    Args:
        article: an `articles` row (event_type/event_date used when the NLP stage provides them).
        counts, nationalities, awards: that article's fact rows.
        mentions: its office_mentions rows (the office of a happening with no count).

    Returns:
        Candidates with key, type, kind, period, office_id, date, value, unit, nationalities
        ({code: count}), evidence and the article's id, story and outlet.
    """
    published_year = article.get("year")
    period = article_period(article.get("title"), article.get("text"), published_year)
    ref_year = int(period[0][:4]) if period else published_year or 0
    nlp_type = _optional(article, "event_type")
    nlp_date = _optional(article, "event_date")
    published = article.get("published_date")
    groups: dict[tuple, dict] = {}
    for c in sorted(counts, key=lambda r: (r.get("start") or 0, r["fact_id"])):
        if c.get("category") not in EVENT_TYPES or c.get("value") is None:
            continue
        kind, first, last = count_period(c.get("sentence"), c["value"], c.get("what"), ref_year,
                                         period)
        key = (c.get("office_id"), c["category"], kind, first, last)
        cand = groups.setdefault(key, {
            "type": c["category"], "kind": kind, "period_start": first, "period_end": last,
            "office_id": c.get("office_id"), "value": None, "unit": None, "name": None,
            "giver": None, "positions": [], "nationalities": {}, "evidence": c})
        cand["positions"].append(c.get("start") or 0)
        if cand["value"] is None or c["value"] > cand["value"]:
            # The largest figure is the total; the smaller ones are its breakdown.
            cand.update(value=c["value"], unit=c.get("unit"), evidence=c)
    for a in awards:
        key = (a.get("office_id"), AWARD_TYPE, "event", None, None, a["fact_id"])
        groups[key] = {"type": AWARD_TYPE, "kind": "event", "period_start": None,
                       "period_end": None, "office_id": a.get("office_id"), "value": None,
                       "unit": None, "name": a.get("name"), "giver": a.get("giver"),
                       "positions": [a.get("start") or 0], "nationalities": {}, "evidence": a}
    covered = (nlp_type, *NLP_TYPE_COVERS.get(nlp_type, ()))
    # An award needs an award row: the awards component keeps only awards received, while the
    # story type is also "award" for a pledge ("canangkan zona integritas ... bidik WBBM").
    # A summary article reports periods, not a happening: its story type adds no event.
    if nlp_type and nlp_type != AWARD_TYPE and not period and not any(
            g["type"] in covered and g["kind"] == "event" for g in groups.values()):
        # The NLP stage names a happening the counts do not show (a raid with no figure).
        groups[(None, nlp_type)] = {
            "type": nlp_type, "kind": "event", "period_start": None, "period_end": None,
            "office_id": _first_office(counts, awards, mentions), "value": None, "unit": None,
            "name": None, "giver": None, "positions": [], "nationalities": {}, "evidence": {}}
    candidates = list(groups.values())
    _attach_nationalities(candidates, nationalities)
    for i, cand in enumerate(candidates):
        ev = cand.pop("evidence")
        # A per-article date dates the article's happening, not its period totals.
        on_nlp_date = bool(nlp_date) and cand["kind"] == "event" and (
            not nlp_type or cand["type"] in covered)
        cand.update(key=f"{article['article_id']}-{i}", article_id=article["article_id"],
                    story_id=article.get("story_id"), source=article.get("source"),
                    url=article.get("url"), published_date=published,
                    date=(str(nlp_date)[:10] if on_nlp_date else published),
                    office_site=_is_office_site(article.get("url")) or
                    article.get("source_kind") == "office",
                    sentence=ev.get("sentence"), start=ev.get("start"), end=ev.get("end"))
    return candidates


def _first_office(*fact_lists: list[dict]) -> str | None:
    offices = [r["office_id"] for rows in fact_lists for r in rows if r.get("office_id")]
    return offices[0] if offices else None


def _attach_nationalities(candidates: list[dict], nationalities: list[dict]) -> None:
    """Give each sentence's nationalities to the candidate whose total they break down.

    "mendeportasi sebelas WNA ... terdiri atas lima warga Nigeria, empat warga RRT dan dua warga
    Korsel": the breakdown follows its total, so the owner is the nearest candidate before the
    sentence whose figure is at least the sentence's sum (a part never exceeds its total).
    """
    owners = [c for c in candidates if c["type"] != AWARD_TYPE]
    if not owners:
        return
    sentences = defaultdict(list)
    for n in nationalities:
        if n.get("code"):
            sentences[n.get("start") or 0].append(n)
    for at, rows in sentences.items():
        total = sum(n.get("count") or 0 for n in rows)
        fits = [c for c in owners if (c["value"] or 0) >= total]
        before = [(max(p for p in c["positions"] if p <= at), i) for i, c in enumerate(fits)
                  if any(p <= at for p in c["positions"])]
        owner = fits[max(before)[1]] if before else fits[0] if fits else owners[0]
        for n in rows:
            if owner["nationalities"].get(n["code"]) is None:
                owner["nationalities"][n["code"]] = n.get("count")


# --- Merging: which candidates are one happening --------------------------------------------


def _days_apart(a: str | None, b: str | None) -> int | None:
    try:
        return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days)
    except (TypeError, ValueError):
        return None


def _words(name: str | None) -> set[str]:
    return set(re.findall(r"\w+", (name or "").lower()))


def same_happening(a: dict, b: dict) -> bool:
    """Whether two candidates from different stories report one happening (docs/events.md)."""
    if a["article_id"] == b["article_id"] or a["type"] != b["type"] or a["kind"] != b["kind"]:
        return False
    if not a["office_id"] or a["office_id"] != b["office_id"]:
        return False
    if a["kind"] == "period_total":
        # The same office's total for the same period is one figure, whoever reports it.
        return (a["period_start"], a["period_end"]) == (b["period_start"], b["period_end"])
    days = _days_apart(a["date"], b["date"])
    if a["type"] == AWARD_TYPE:
        wa, wb = _words(a["name"]), _words(b["name"])
        overlap = len(wa & wb) / max(1, min(len(wa), len(wb)))
        return days is not None and days <= AWARD_WINDOW_DAYS and overlap >= AWARD_NAME_OVERLAP
    if days is None or days > WINDOW_DAYS:
        return False
    if a["value"] is not None and a["value"] == b["value"]:
        return True
    # A differing figure joins only when the same nationalities were named: "12 WNA asal
    # Nigeria dan RRT" against "11 WNA asal Nigeria dan RRT" is one deportation, reported twice.
    return bool(set(a["nationalities"]) & set(b["nationalities"]))


def _shape(c: dict) -> tuple:
    return (c["office_id"], c["type"], c["kind"], c["period_start"], c["period_end"])


def _ordinal(day: str | None) -> int | None:
    try:
        return date.fromisoformat(day[:10]).toordinal()
    except (TypeError, ValueError):
        return None


def group_candidates(candidates: list[dict]) -> list[list[dict]]:
    """Union candidates of one story (same office, type and period) and candidates that match.

    Only candidates that can match are compared: same office, type, kind and period, and for
    happenings, dates within the window (sorted, so the work grows with the window, not n²).
    """
    parent = list(range(len(candidates)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    stories, buckets = defaultdict(list), defaultdict(list)
    for i, c in enumerate(candidates):
        if c["story_id"] and c["type"] != AWARD_TYPE:
            stories[(c["story_id"], *_shape(c))].append(i)
        buckets[_shape(c)].append(i)
    for members in stories.values():
        for i in members[1:]:
            parent[find(i)] = find(members[0])
    day = [_ordinal(c["date"]) or 0 for c in candidates]
    for shape, members in buckets.items():
        root = find(members[0])
        if all(find(i) == root for i in members):
            continue  # one story already: nothing left to join
        if shape[2] != "event":
            # A period total of one office, type and period (the shape) is one figure whoever
            # reports it: same_happening holds for every two candidates of different articles.
            # Joined directly, not pair by pair (a year's total is reprinted thousands of times).
            if shape[0] and len({candidates[i]["article_id"] for i in members}) > 1:
                for i in members[1:]:
                    parent[find(i)] = find(members[0])
            continue
        window = AWARD_WINDOW_DAYS if shape[1] == AWARD_TYPE else WINDOW_DAYS
        dated = sorted(members, key=day.__getitem__)
        for n, i in enumerate(dated):
            for k in range(n + 1, len(dated)):  # indexes, not dated[n + 1:]: no copy per i
                j = dated[k]
                if day[j] - day[i] > window:
                    break
                if find(i) != find(j) and same_happening(candidates[i], candidates[j]):
                    parent[find(i)] = find(j)
    groups = defaultdict(list)
    for i, c in enumerate(candidates):
        groups[find(i)].append(c)
    return list(groups.values())


def _chosen(values: list, preferred: list) -> tuple:
    """The figure an event shows: the office's own, else the most reported, else the earliest."""
    present = [v for v in values if v is not None]
    if not present:
        return None, False
    conflict = len(set(present)) > 1
    own = [v for v in preferred if v is not None]
    if own:
        return own[0], conflict
    return Counter(present).most_common(1)[0][0], conflict


def event_id(group: list[dict]) -> str:
    """Stable id: the type, kind and period and the earliest citing candidate."""
    first = min(c["key"] for c in group)
    c = group[0]
    key = "|".join(str(x) for x in (c["type"], c["kind"], c["period_start"], first))
    return "e" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:15]


def citation_roles(cands: list[dict], group: list[dict]) -> list[str]:
    """Each of `cands` (members of `group`): press_release (the office's own site), reprint
    (near-verbatim) or independent.

    A reprint shares its story with the office's publication, or, when that page was not
    crawled, with another citation of the event. In linear time: an event of a giant story has
    thousands of citations, and comparing each with every other one is quadratic.
    """
    own_stories = {c["story_id"] for c in group if c["office_site"]}
    has_own = any(c["office_site"] for c in group)
    articles_of = defaultdict(set)  # story -> its articles in the group (c's own among them)
    for c in group:
        articles_of[c["story_id"]].add(c["article_id"])
    roles = []
    for c in cands:
        sid = c["story_id"]
        if c["office_site"]:
            roles.append("press_release")
        elif sid and (sid in own_stories if has_own else len(articles_of[sid]) > 1):
            roles.append("reprint")
        else:
            roles.append("independent")
    return roles


def _one_per_article(group: list[dict]) -> list[dict]:
    """The group's candidates, the first of each article only: two awards of one article can
    join one event through a third article's report, and an article cites an event once."""
    seen = set()
    return [c for c in group if not (c["article_id"] in seen or seen.add(c["article_id"]))]


def build_event(group: list[dict], provinces: dict[str, str]) -> tuple[dict, list, list]:
    """The events row, its citations and its nationalities for one group of candidates."""
    group = sorted(group, key=lambda c: (not c["office_site"], c["published_date"] or "",
                                         c["key"]))
    lead, eid = group[0], event_id(group)
    own = [c for c in group if c["office_site"]]
    value, conflict = _chosen([c["value"] for c in group], [c["value"] for c in own])
    dates = sorted(c["date"] for c in group if c["date"])
    codes = sorted({code for c in group for code in c["nationalities"]})
    nationalities = []
    for code in codes:
        count, n_conflict = _chosen([c["nationalities"].get(code) for c in group],
                                    [c["nationalities"].get(code) for c in own])
        conflict = conflict or n_conflict
        nationalities.append({"event_id": eid, "code": code, "count": count,
                              "conflict": int(n_conflict)})
    event_date = dates[0] if dates else None
    cited = _one_per_article(group)
    citations = [{
        "citation_id": f"{eid}-{c['article_id']}", "event_id": eid, "article_id": c["article_id"],
        "source": c["source"], "url": c["url"], "published_date": c["published_date"],
        "role": role, "value": c["value"], "story_id": c["story_id"], "date": c["date"],
        "sentence": c["sentence"], "start": c["start"], "end": c["end"],
    } for c, role in zip(cited, citation_roles(cited, group), strict=True)]
    event = {
        "event_id": eid, "type": lead["type"], "kind": lead["kind"],
        "period_start": lead["period_start"], "period_end": lead["period_end"],
        "office_id": lead["office_id"], "province": provinces.get(lead["office_id"]),
        "date": event_date, "year": int(event_date[:4]) if event_date else None,
        "month": event_date[:7] if event_date else None,
        "value": value, "unit": lead["unit"],
        "values_reported": "; ".join(str(v) for v in sorted(
            {c["value"] for c in group if c["value"] is not None})) or None,
        "conflict": int(conflict), "name": lead["name"], "giver": lead["giver"],
        "citations": len(citations), "outlets": len({c["source"] for c in group}),
        "article_id": lead["article_id"], "story_id": lead["story_id"],
        "sentence": lead["sentence"], "start": lead["start"], "end": lead["end"],
    }
    for n in nationalities:
        n.update(year=event["year"], type=event["type"], kind=event["kind"],
                 office_id=event["office_id"])
    return event, citations, nationalities


# --- The stage -------------------------------------------------------------------------------


def _id_range(first: str | None, last: str | None) -> tuple[str, list[str]]:
    """SQL condition (and its parameters) for first <= article_id < last; None is open."""
    where = " and ".join([*(["article_id >= ?"] if first is not None else []),
                          *(["article_id < ?"] if last is not None else [])]) or "1"
    return where, [b for b in (first, last) if b is not None]


def _facts_by_article(db, table: str, where: str = "1", params: list = ()):
    """Yield (article_id, rows) for every article with rows in `table` (of those `where`
    selects), in article_id order.

    Rows keep their insertion order within an article (the nationalities' owner depends on it);
    the article_id index gives that order without a sort.
    """
    cursor = db.conn.execute(f"select * from [{table}] where {where} "
                             "order by article_id, rowid", params)
    names = [d[0] for d in cursor.description]
    current, rows = None, []
    while chunk := cursor.fetchmany(CANDIDATE_BATCH):
        for values in chunk:
            row = dict(zip(names, values, strict=True))
            if row["article_id"] != current:
                if rows:
                    yield current, rows
                current, rows = row["article_id"], []
            rows.append(row)
    if rows:
        yield current, rows


class _Aligned:
    """The rows of one fact table for the article being read, by a merge on article_id."""

    def __init__(self, db, table: str, where: str = "1", params: list = ()):
        self.rows = _facts_by_article(db, table, where, params)
        self.head = next(self.rows, None)

    def take(self, article_id: str) -> list[dict]:
        while self.head is not None and self.head[0] < article_id:
            self.head = next(self.rows, None)
        if self.head is not None and self.head[0] == article_id:
            return self.head[1]
        return []


def _candidates(db, where: str = "1", params: list = ()):
    """Every on-topic article's candidates (of the articles `where` selects, a condition on
    article_id), reading the articles and their facts in one pass."""
    source_kind = {r["slug"]: r["kind"] for r in db["sources"].rows}
    facts = {t: _Aligned(db, t, where, params)
             for t in ("counts", "nationalities", "awards", "office_mentions")}
    # Only the lead of the text is read (summary markers); the NLP columns may not exist yet.
    nlp_columns = [c for c in ("event_type", "event_date") if c in db["articles"].columns_dict]
    select = ", ".join(["article_id", "url", "source", "title", "year", "published_date",
                        "story_id", f"substr(text, 1, {LEAD_CHARS}) as text", *nlp_columns])
    # Both sides ordered by article_id with SQLite's own collation, so the merge sees them
    # in one order (Python compares str the same way as BINARY for valid UTF-8).
    for article in db["articles"].rows_where(f"on_topic is not 0 and {where}", params,
                                             select=select, order_by="article_id"):
        aid = article["article_id"]
        counts, awards = facts["counts"].take(aid), facts["awards"].take(aid)
        nationalities = facts["nationalities"].take(aid)
        mentions = facts["office_mentions"].take(aid)
        if not (counts or awards or _optional(article, "event_type")):
            continue
        article["source_kind"] = source_kind.get(article.get("source"))
        yield from article_candidates(article, counts, nationalities, awards,
                                      sorted(mentions, key=lambda m: m.get("start") or 0))


def _spill(db, path: str, first: str | None = None, last: str | None = None,
           start: int = 0) -> None:
    """Write the candidates of articles first <= article_id < last to a new scratch file, each
    with its shape and its place in article order (numbered from `start`), indexed by shape."""
    spill = sqlite3.connect(path)
    spill.execute("pragma journal_mode = off")
    spill.execute("pragma synchronous = off")
    create_spill(spill)
    batch = []
    for seq, cand in enumerate(_candidates(db, *_id_range(first, last)), start=start):
        batch.append((json.dumps(_shape(cand)), seq, pickle.dumps(cand, pickle.HIGHEST_PROTOCOL)))
        if len(batch) >= CANDIDATE_BATCH:
            spill.executemany("insert into candidates values (?, ?, ?)", batch)
            batch.clear()
    spill.executemany("insert into candidates values (?, ?, ?)", batch)
    index_spill(spill)
    spill.commit()
    spill.close()


def _spill_part(db_path: str, path: str, first: str | None, last: str | None, seq: int) -> None:
    """In a worker process: _spill over its own read-only connection to the database."""
    import sqlite_utils

    db = sqlite_utils.Database(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True))
    try:
        _spill(db, path, first, last, seq)
    finally:
        db.close()


def _split_points(db, parts: int) -> list[str]:
    """article_ids cutting the on-topic articles into `parts` ranges of about equal size."""
    n = db.conn.execute("select count(*) from articles where on_topic is not 0").fetchone()[0]
    points = []
    for i in range(1, parts):
        row = db.conn.execute("select article_id from articles where on_topic is not 0 "
                              "order by article_id limit 1 offset ?", [n * i // parts]).fetchone()
        if row and (not points or row[0] > points[-1]):
            points.append(row[0])
    return points


def _database_file(db) -> str | None:
    """The main database's file, or None in memory."""
    for _, name, path in db.conn.execute("pragma database_list"):
        if name == "main":
            return path or None
    return None


# Each worker's candidates are numbered from its part's index times this: one order across parts.
_SEQ_PART = 1 << 40


def _groups_by_shape(db, spill_dir: str, workers: int = 1):
    """Yield group_candidates(...) of each shape's candidates, one shape in memory at a time.

    Every merge rule joins candidates of one shape only (office, type, kind, period), so the
    candidates are spilled to scratch files with their shape and read back one shape at a time:
    memory is bounded by the largest shape, not by the number of articles. With workers > 1 the
    articles are cut into id ranges whose candidates (the costly Python part) are computed by
    worker processes at once, each into its own file; the files are read back merged in order.
    """
    db_path = _database_file(db)
    points = _split_points(db, workers) if workers > 1 and db_path else []
    bounds = list(zip([None, *points], [*points, None], strict=True))
    paths = [os.path.join(spill_dir, f"candidates-{i}.db") for i in range(len(bounds))]
    if len(bounds) == 1:
        _spill(db, paths[0])
    else:
        import multiprocessing

        context = multiprocessing.get_context(
            "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        with context.Pool(len(bounds)) as pool:
            pool.starmap(_spill_part, [(db_path, path, first, last, i * _SEQ_PART)
                                       for i, (path, (first, last))
                                       in enumerate(zip(paths, bounds, strict=True))])
    spills = [sqlite3.connect(path) for path in paths]
    try:
        rows = heapq.merge(*(spill.execute("select shape, seq, payload from candidates "
                                           "order by shape, seq") for spill in spills))
        shape, members = None, []
        for key, _, payload in rows:
            if key != shape and members:
                yield from group_candidates(members)
                members = []
            shape = key
            members.append(pickle.loads(payload))
        if members:
            yield from group_candidates(members)
    finally:
        for spill in spills:
            spill.close()


def _insert(conn, table: str, rows: list[dict]) -> None:
    if rows:
        columns = list(rows[0])
        conn.executemany(
            f"insert into [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
            f"values ({', '.join('?' for _ in columns)})",
            [[r[c] for c in columns] for r in rows])


def rebuild_events(db, workers: int = 1) -> dict:
    """Rebuild `events`, `event_citations` and `event_nationalities` from every article's facts.

    Run after rebuild_stories (pantau/extract.py): the story groups are the first signal. The
    articles and facts are read in one ordered pass and merged one shape at a time (see
    _groups_by_shape); the tables are replaced in one transaction, so readers see the old
    events or the new ones, never a mix. update_events does the same work for what changed.

    Args:
        db: an open database.
        workers: processes computing the candidates (`pantau extract --workers`); the same
            events whatever the number.

    Returns:
        {"events": n events, "citations": n citations, "shared": events cited by more than one
         article}.
    """
    provinces = {r["office_id"]: r["province"] for r in db["offices"].rows}
    conn = db.conn
    queued = conn.execute(f"select max(rowid) from {PENDING_TABLE}").fetchone()[0]
    inputs = _inputs(db)
    with tempfile.TemporaryDirectory(prefix="pantau-events-") as spill_dir, conn:
        # Raw executemany inside one `with conn`: sqlite-utils' insert_all commits on its own.
        for table in ("event_nationalities", "event_citations", "events"):
            conn.execute(f"delete from [{table}]")
        _store_groups(conn, _groups_by_shape(db, spill_dir, workers), provinces)
        _done(conn, queued, inputs)
    return _totals(conn)


def _store_groups(conn, groups, provinces: dict[str, str]) -> None:
    """Insert the event, citations and nationalities of each group, CANDIDATE_BATCH at a time."""
    from pipelines.facts import country_name  # the one place country names come from

    events, citations, event_nats = [], [], []
    for group in groups:
        event, cites, nats = build_event(group, provinces)
        events.append(event)
        citations += cites
        event_nats += [{"row_id": f"{n['event_id']}-{n['code']}", **n,
                        "country": country_name(n["code"])} for n in nats]
        if len(citations) >= CANDIDATE_BATCH:
            _flush(conn, events, citations, event_nats)
    _flush(conn, events, citations, event_nats)


def _totals(conn) -> dict:
    events, shared = conn.execute("select count(*), count(*) filter (where citations > 1) "
                                  "from events").fetchone()
    citations = conn.execute("select count(*) from event_citations").fetchone()[0]
    return {"events": events, "citations": citations, "shared": shared}


# --- Keeping the events current --------------------------------------------------------------
# Articles whose candidates may have changed since the events were built: their facts were
# stored (pipelines/facts.py) or their story changed (pipelines/stories.py). The table
# (PENDING_TABLE) is created with the schema (pipelines/schema.py), so the writers queue
# without DDL.
# Bump when the candidates or the merge rules change: the next update rebuilds every event.
EVENTS_VERSION = "2"  # 2: each citation keeps the date it gives the happening
# Above this share of the on-topic articles queued, one rebuild is cheaper than an update.
FULL_SHARE = 0.2
# An update holds the candidates it recomputes in memory (a rebuild spills them to disk): above
# this many citations to recompute it rebuilds instead. Generated corpora whose offices report
# the same figures every day chain their reports into events of 26,000 citations
# (benchmarks/README.md); 100,000 candidates are about 300 MB.
UPDATE_MAX_CITATIONS = 100_000
_SHAPE_SQL = ("e.office_id is ? and e.type = ? and e.kind = ? and e.period_start is ? "
              "and e.period_end is ?")


def queue_for_events(conn, article_ids: list[str]) -> None:
    """Queue articles for the next update_events, inside the caller's transaction.

    insert or replace gives an article queued again a new rowid: an update running meanwhile
    empties the queue only up to the rowid it started from, so it stays for the next one.
    """
    conn.executemany(f"insert or replace into {PENDING_TABLE} (article_id) values (?)",
                     [(i,) for i in article_ids])


def _inputs(db) -> str:
    """A fingerprint of what events read besides the queued articles' rows: the rules' and
    the schema's versions, the offices' provinces and the sources' kinds."""
    digest = hashlib.sha1(f"{EVENTS_VERSION}|{SCHEMA_VERSION}".encode())
    for sql in ("select office_id, province from offices order by office_id",
                "select slug, kind from sources order by slug"):
        digest.update(repr(db.conn.execute(sql).fetchall()).encode())
    return digest.hexdigest()


def _done(conn, queued: int | None, inputs: str) -> None:
    """Record that the events reflect the queue up to rowid `queued` and these inputs."""
    if queued is not None:
        conn.execute(f"delete from {PENDING_TABLE} where rowid <= ?", [queued])
    conn.execute("insert into meta (key, value) values ('event_inputs', ?) "
                 "on conflict (key) do update set value = excluded.value", [inputs])


def update_events(db, workers: int = 1) -> dict:
    """Bring the events up to date with the articles queued since the last update.

    Only the events that a queued article was cited by, or that one of its candidates may join,
    are recomputed, with every candidate of theirs: a candidate joins an event of its shape only
    through its story, a date within the window, or a period total of its office
    (same_happening, group_candidates), so no other event can change. The result is the one
    rebuild_events gives (tests/test_pipelines_events_update.py). Everything is rebuilt on the
    first run, when what events read besides the articles changed (_inputs), when more than
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
    if not recorded or recorded[0] != _inputs(db) or n_queued > FULL_SHARE * on_topic:
        return {**rebuild_events(db, workers), "rebuilt": True, "queued": n_queued}
    if n_queued and not _update(db, queued):
        return {**rebuild_events(db, workers), "rebuilt": True, "queued": n_queued}
    return {**_totals(conn), "rebuilt": False, "queued": n_queued}


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
    inputs = _inputs(db)
    with conn:
        changed = {r[0] for r in conn.execute(
            f"select article_id from {PENDING_TABLE} where rowid <= ?", [queued])}
        where, params = _ids_in("article_id", changed)
        fresh = list(_candidates(db, where, params))
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
            by_shape[_shape(cand)].append(cand)
        others = {article_id for article_id, _ in pairs} - changed
        if others:
            for cand in _candidates(db, *_ids_in("article_id", others)):
                if (cand["article_id"], _shape(cand)) in pairs:
                    by_shape[_shape(cand)].append(cand)
        where, params = _ids_in("event_id", affected)
        for table in ("event_nationalities", "event_citations", "events"):
            conn.execute(f"delete from [{table}] where {where}", params)
        _store_groups(conn, (group for members in by_shape.values()
                             for group in group_candidates(members)), provinces)
        _done(conn, queued, inputs)
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
        shape = _shape(c)
        if c["story_id"] and c["type"] != AWARD_TYPE:
            stories.add((c["story_id"], shape))
        if c["kind"] != "event":
            if c["office_id"]:
                whole.add(shape)
        elif c["office_id"] and (day := _ordinal(c["date"])) is not None:
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


def _flush(conn, events: list, citations: list, event_nats: list) -> None:
    """Insert the buffered rows (parents first, for the foreign keys) and empty the buffers."""
    for table, rows in (("events", events), ("event_citations", citations),
                        ("event_nationalities", event_nats)):
        _insert(conn, table, rows)
        rows.clear()
