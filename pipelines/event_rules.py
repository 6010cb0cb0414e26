"""The rules that merge articles' facts into events: pure functions, no database.

The rules are explained with examples in docs/events.md (issue 7). In short: each article gives one
candidate per (office, event type, event-or-period-total, period); candidates of one syndicated
story, or of one office and type within WINDOW_DAYS whose figures agree, become one event.
pipelines/event_rebuild.py and pipelines/event_update.py apply them to the database.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from datetime import date
from urllib.parse import urlsplit

from pipelines.periods import article_period, count_period

# --- Vocabulary and thresholds -------------------------------------------------------------
# Count categories that are happenings (nlp/count_categories.py); stocks (residents), staff and
# "other" never are.
EVENT_TYPES = ("deportation", "arrest", "detention", "refusal_of_entry", "departure_postponed",
               "prosecution", "administrative_sanction", "supervision", "passport_issued",
               "applicants_served", "permit_issued", "operation")
AWARD_TYPE = "award"
# The NLP stage's article-level types (nlp/events.py) that cover several count categories; any
# other NLP type covers the category of its own name. "other" is no finding.
NLP_TYPE_COVERS = {"service": ("passport_issued", "applicants_served", "permit_issued",
                               "departure_postponed"),
                   "operation": ("supervision",),
                   "arrest": ("prosecution", "administrative_sanction")}
# Two reports of one office and type are one happening when their dates are this close.
WINDOW_DAYS = 7
# Awards are reported later (the ceremony, then the office's thanks, then the regent's visit).
AWARD_WINDOW_DAYS = 31
# Share of award-name words two reports must have in common to be one award.
AWARD_NAME_OVERLAP = 0.5
# The office's own publication: its site under imigrasi.go.id (gazetteer column `website`).
OFFICE_HOST_SUFFIX = "imigrasi.go.id"

# --- Candidates: what one article says ------------------------------------------------------


def optional(row: dict, *keys: str):
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
    nlp_type = optional(article, "event_type")
    nlp_date = optional(article, "event_date")
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


def shape_of(c: dict) -> tuple:
    """What a candidate can only merge within: (office, type, kind, period start, period end)."""
    return (c["office_id"], c["type"], c["kind"], c["period_start"], c["period_end"])


def ordinal(day: str | None) -> int | None:
    """The day of an ISO date as a number (date.toordinal), None when it is not a date."""
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
            stories[(c["story_id"], *shape_of(c))].append(i)
        buckets[shape_of(c)].append(i)
    for members in stories.values():
        for i in members[1:]:
            parent[find(i)] = find(members[0])
    day = [ordinal(c["date"]) or 0 for c in candidates]
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
