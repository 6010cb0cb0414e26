"""The pantau_event component: what kind of happening a story reports, and the date it gives."""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date, timedelta

from spacy.language import Language
from spacy.tokens import Doc

from nlp.docstate import extension_value, set_extension_value
from nlp.sentences import doc_text
from nlp.tokenview import register_triggers, token_view
from nlp.vocabulary import load_vocabulary, match_phrase, phrase_index

# --- constants --------------------------------------------------------------------------------
EVENT_TYPES = ("deportation", "arrest", "award", "service", "operation", "detention",
               "refusal_of_entry", "policy", "other")
VOCAB = load_vocabulary("events", required=tuple(f"cue:{t}" for t in EVENT_TYPES[:-1]))
CUE_OF = {p: label[4:] for label, ps in VOCAB.items() if label.startswith("cue:") for p in ps}
CUE_INDEX = phrase_index(list(CUE_OF))
CUE_FIRSTS = frozenset(CUE_INDEX)
# pantau_counts categories -> event types: a counted deportation is strong evidence of one.
COUNT_TYPES = {"deportation": "deportation", "arrest": "arrest", "detention": "detention",
               "refusal_of_entry": "refusal_of_entry", "passport_issued": "service",
               "applicants_served": "service", "permit_issued": "service",
               "departure_postponed": "service", "operation": "operation",
               "supervision": "operation", "prosecution": "arrest",
               "administrative_sanction": "arrest"}
LEAD_SENTENCES = 3  # the lead (headline and first sentences) says what the story is about
LEAD_WEIGHT = 3
COUNT_WEIGHT = 2
AWARD_WEIGHT = 4  # a received award (pantau_awards) makes an award story
TITLE_WEIGHT = 4  # the headline says what the story is about, like the lead
MIN_SCORE = 4  # below this the story is "other": one passing "paspor" makes no service story
# Ties go to the earlier type: a deportation story also mentions the detention before it.
PRIORITY = {t: i for i, t in enumerate(EVENT_TYPES)}

DAYS = r"senin|selasa|rabu|kamis|jum['’]?at|sabtu|minggu|ahad"
WEEKDAYS = {"senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "sabtu": 5,
            "minggu": 6, "ahad": 6}
# Tokens that open a weekday ("Jum'at" may be tokenised "Jum" + "'" + "at").
WEEKDAY_TOKENS = frozenset(WEEKDAYS) | {"jum", "jum'at", "jum’at"}
MONTHS = {"januari": 1, "jan": 1, "februari": 2, "feb": 2, "pebruari": 2, "maret": 3, "mar": 3,
          "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
          "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "september": 9, "sep": 9, "sept": 9,
          "oktober": 10, "okt": 10, "november": 11, "nov": 11, "nopember": 11, "desember": 12,
          "des": 12}
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
# "Kamis (26/01)", "Kamis (26/1/2023)": a dateline whose year the reader supplies.
WEEKDAY_PAREN = re.compile(
    rf"\b({DAYS})\s*,?\s*\(\s*(\d{{1,2}})\s*/\s*(\d{{1,2}})(?:\s*/\s*(\d{{2}}|\d{{4}}))?\s*\)",
    re.I)
# "26 Januari 2023", "26 Jan" (the year may be left out), and the weekday that may open it:
# "Kamis, 26 Januari 2023". The weekday is looked for behind a day and month found: a regex
# with the optional weekday in front tried it at every position of the window.
DAY_MONTH = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_RE})\.?(?:\s+(\d{{4}}))?\b", re.I)
WEEKDAY_BEFORE = re.compile(rf"\b({DAYS})\s*,?\s*$", re.I)
WEEKDAY_BEFORE_CHARS = 24  # how far before the day WEEKDAY_BEFORE looks
# "26/01/2023", "26-01-2023"
NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})([/-])(\d{1,2})\2(\d{4})(?![\d/-])")
# "pada Kamis", "hari Kamis", "Kamis lalu": a weekday of the current week (capitalised only,
# since lower-case "minggu lalu" means "last week").
WEEKDAY_ONLY = re.compile(
    rf"(?:\b(?:pada|hari|sejak|Sejak|Pada|Hari)\s+({DAYS.title()})\b(?!\s*[,(]?\s*\d)"
    rf"|\b({DAYS.title()})\s+(?:lalu|kemarin)\b)")
MAX_PAST_DAYS = 366 * 3  # an event date more than this before publication is history, not news
YEARS = range(1990, 2101)
# Characters around a weekday, month or "/" token searched for a whole date expression.
WINDOW_BEFORE, WINDOW_AFTER = 24, 24
MONTH_WORDS = frozenset(MONTHS)
NUMERIC_TRIGGERS = frozenset({"/", "-"})
WINDOW_TRIGGERS = WEEKDAY_TOKENS | MONTH_WORDS | NUMERIC_TRIGGERS
register_triggers(CUE_FIRSTS, WINDOW_TRIGGERS)


@Language.factory("pantau_event", assigns=["doc._.pantau_event"], default_config={})
def make_event_finder(nlp: Language, name: str) -> EventFinder:
    """Build the event finder for a pipeline (after pantau_counts and pantau_awards)."""
    return EventFinder()


if not Doc.has_extension("pantau_event"):  # also registered by nlp.pipeline
    Doc.set_extension("pantau_event", default=None)


class EventFinder:
    """Scores event types from cue words (the lead counts more), counts and awards; keeps the
    date mentions in text order for resolve_event(), which needs the publication date."""

    def __call__(self, doc: Doc) -> Doc:
        tv = token_view(doc)
        scores: dict[str, float] = {}
        where: dict[str, tuple[float, int]] = {}  # type -> (best weight, token) for evidence
        words = tv.words
        k_end = -1  # a phrase cue covers the words after its first
        for k in tv.positions(CUE_FIRSTS):
            if k < k_end:
                continue
            length = match_phrase(CUE_INDEX, words, k)
            if not length:
                continue
            weight = LEAD_WEIGHT if tv.sent_of[k] < LEAD_SENTENCES else 1
            kind = CUE_OF[" ".join(words[k : k + length])]
            scores[kind] = scores.get(kind, 0) + weight
            if weight > where.get(kind, (0, 0))[0]:
                where[kind] = (weight, k)
            k_end = k + length
        for c in extension_value(doc, "pantau_counts") or ():
            kind = COUNT_TYPES.get(c.get("category"))
            if kind:
                scores[kind] = scores.get(kind, 0) + COUNT_WEIGHT
        if extension_value(doc, "pantau_awards"):
            scores["award"] = scores.get("award", 0) + AWARD_WEIGHT
        evidence = {t: tv.evidence_row(k) for t, (_w, k) in where.items()}
        set_extension_value(doc, "pantau_event", {"scores": scores, "evidence": evidence,
                                                  "dates": date_mentions(doc_text(doc), tv)})
        return doc


def _dates_at(text: str, tv, found: list) -> None:
    """The date expressions around the words that open or hold them: each regex is tried
    where its match would start (the day before a month, a weekday, the day before a "/"),
    not at every position of a window, which cost more than all the other rules."""
    words, idx, end = tv.words, tv.idx, tv.end_char
    for k in tv.positions(WINDOW_TRIGGERS):
        w = words[k]
        if w in MONTH_WORDS:
            j = k - 1
            while j > 0 and words[j].isspace():
                j -= 1
            if j >= 0 and words[j][-1:].isdigit():  # "26 Januari", "1-2 Januari"
                _day_month(text, DAY_MONTH.search(text, idx[j], end[k] + WINDOW_AFTER), found)
        elif w in WEEKDAY_TOKENS:
            m = WEEKDAY_PAREN.match(text, idx[k])
            if m:
                _weekday_paren(m, found)
            a, b = max(0, idx[k] - WINDOW_BEFORE), end[k] + WINDOW_AFTER
            for m in WEEKDAY_ONLY.finditer(text, a, b):
                _weekday_only(m, found)
        elif k and words[k - 1][-1:].isdigit():  # "/" or "-" after a number
            _numeric(NUMERIC.search(text, idx[k - 1], end[k] + WINDOW_AFTER), found)


def _dates_in(text: str, found: list) -> None:
    """Every date expression in the whole text (a text without tokens)."""
    for m in WEEKDAY_PAREN.finditer(text):
        _weekday_paren(m, found)
    for m in WEEKDAY_ONLY.finditer(text):
        _weekday_only(m, found)
    for m in DAY_MONTH.finditer(text):
        _day_month(text, m, found)
    for m in NUMERIC.finditer(text):
        _numeric(m, found)


def _weekday_paren(m, found: list) -> None:
    weekday, day, month, year = m.groups()
    if year and len(year) == 2:
        year = "20" + year
    found.append((m.start(), m.end(), int(day), int(month), int(year) if year else None,
                  weekday))


def _weekday_only(m, found: list) -> None:
    before, after = m.groups()
    found.append((m.start(1) if before else m.start(2), m.end(), None, None, None,
                  before or after))


def _day_month(text: str, m, found: list) -> None:
    if m is None:
        return
    day, month, year = m.groups()
    start, weekday = m.start(), None
    before = WEEKDAY_BEFORE.search(text, max(0, start - WEEKDAY_BEFORE_CHARS), start)
    if before:
        start, weekday = before.start(), before.group(1)
    found.append((start, m.end(), int(day), MONTHS[month.lower()], int(year) if year else None,
                  weekday))


def _numeric(m, found: list) -> None:
    if m is not None:
        day, _sep, month, year = m.groups()
        found.append((m.start(), m.end(), int(day), int(month), int(year), None))


def date_mentions(text: str, tv=None) -> list[dict]:
    """Date expressions in text order: {"day", "month", "year", "weekday", "evidence"}; any
    part may be None (a bare "Kamis" has only a weekday)."""
    found = []
    if tv is None:
        _dates_in(text, found)
    else:
        _dates_at(text, tv, found)
    found.sort()
    out, last_end = [], -1
    for start, end, day, month, year, weekday in found:
        if start < last_end:
            continue  # "Kamis, 26 Januari 2023" was also read as a bare "Kamis"
        last_end = end
        evidence = None
        if tv is not None and tv.idx:
            evidence = tv.evidence_row(max(0, bisect_right(tv.idx, start) - 1))
        out.append({"day": day, "month": month, "year": year,
                    "weekday": WEEKDAYS[weekday.lower().replace("'", "").replace("’", "")]
                    if weekday else None,
                    "evidence": evidence})
    return out


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def resolve_date(mention: dict, published: date | None) -> date | None:
    """One date mention as a calendar date, using the publication date for what it leaves out.

    "Kamis (26/01)" published 2023-01-27 -> 2023-01-26; "pada Kamis" -> the latest Thursday on
    or before publication; "26 Januari" -> that day in the publication year (or the year before
    when it would fall after publication). A weekday that does not fit the date rejects it.
    """
    day, month, year, weekday = (mention.get(k) for k in ("day", "month", "year", "weekday"))
    if day is None:
        if published is None or weekday is None:
            return None
        return published - timedelta(days=(published.weekday() - weekday) % 7)
    if year is not None:
        found = _date(year, month, day) if year in YEARS else None
    elif published is None:
        return None
    else:
        found = None
        for y in (published.year, published.year - 1):
            cand = _date(y, month, day)
            if cand is not None and cand <= published + timedelta(days=1):
                found = cand
                break
    if found is None or (weekday is not None and found.weekday() != weekday):
        return None
    if published is not None and not (
        published - timedelta(days=MAX_PAST_DAYS) <= found <= published + timedelta(days=1)
    ):
        return None
    return found


def title_scores(title: str | None) -> dict[str, float]:
    """Cue words of the headline, each worth TITLE_WEIGHT."""
    words = re.findall(r"[\w'-]+", (title or "").lower())
    scores: dict[str, float] = {}
    k = 0
    while k < len(words):
        length = match_phrase(CUE_INDEX, words, k)
        if length:
            kind = CUE_OF[" ".join(words[k : k + length])]
            scores[kind] = scores.get(kind, 0) + TITLE_WEIGHT
        k += length or 1
    return scores


def event_type(scores: dict[str, float]) -> str:
    """The best-scoring type, "other" when no type reaches MIN_SCORE."""
    if not scores:
        return "other"
    best = max(scores, key=lambda t: (scores[t], -PRIORITY[t]))
    return best if scores[best] >= MIN_SCORE else "other"


def resolve_event(raw: dict | None, published: str | None, title: str | None = None) -> dict | None:
    """The Event fields ({"type", "date", "evidence"}) from what pantau_event stored on a Doc.

    Args:
        raw: doc._.pantau_event.
        published: the ISO publication date or timestamp, if known.
        title: the headline, if known; its cue words weigh like the lead's.

    Returns:
        The event as a dict, its date the first date mention that resolves (ISO), or None.
    """
    if raw is None:
        return None
    scores = dict(raw.get("scores") or {})
    for kind, score in title_scores(title).items():
        scores[kind] = scores.get(kind, 0) + score
    kind = event_type(scores)
    type_evidence = (raw.get("evidence") or {}).get(kind)
    pub = None
    if published:
        try:
            pub = date.fromisoformat(str(published)[:10])
        except ValueError:
            pub = None
    for mention in raw.get("dates") or ():
        when = resolve_date(mention, pub)
        if when is not None:
            return {"type": kind, "date": when.isoformat(),
                    "evidence": mention.get("evidence") or type_evidence}
    return {"type": kind, "date": None, "evidence": type_evidence}
