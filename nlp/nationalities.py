"""The pantau_nationalities component: countries whose citizens a story concerns (ISO 3166).

Over 400 lines: one component, finding country names (as written, abbreviated, misspelt) and
deciding from the sentence around each whether it names citizens; both work on one Mention.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

import pycountry
from babel import Locale
from rapidfuzz import fuzz, process
from spacy.language import Language
from spacy.tokens import Doc

from nlp.counts import BETWEEN, skip_spelled_out, unit_at  # counts owns the unit vocabulary
from nlp.docstate import set_facts
from nlp.numbers import parse_at, starts_number
from nlp.schema import Nationality
from nlp.sentences import doc_arrays
from nlp.tokenview import TokenView, register_triggers, token_view
from nlp.vocabulary import DATA_DIR, load_vocabulary, match_phrase, phrase_index

# --- constants --------------------------------------------------------------------------------
TABLE_PATH = DATA_DIR / "nationalities.csv"
HOME_COUNTRY = "ID"  # Indonesia is never a nationality in Pantau (GOLD.md)
# A misspelling must be this close (rapidfuzz ratio, 0-100) to a known name: "Partai Gading" ~92.
FUZZY_CUTOFF = 88
FUZZY_MIN_CHARS = 5
FUZZY_CACHE_MAX = 50_000  # words looked up by fuzzy match, kept per process
MAX_CUE_STEPS = 4  # fillers allowed between a cue and the country: "WNA asal negara X"
MAX_CHAIN_GAP = 8  # tokens between listed countries: ", Thailand (masing-masing 4 orang),"
MAX_FOLLOW = 6  # "RRT menjadi negara yang warga negaranya ..."
MAX_LEFT_COUNT = 8  # "2 (dua) orang WNA asal Tiongkok": tokens from a count to the name
# Babel decorations that are not part of a name as written in news: "Myanmar (Burma)".
BABEL_NOISE = re.compile(r"\s*\(.*?\)|\s+DAK\s+.*$")
LIST_OPENERS = frozenset({"(", "["})
LIST_CLOSERS = frozenset({")", "]"})

REQUIRED_LABELS = (
    "person_cue strong_cue filler connector place_cue list_cue follow_cue count_skip "
    "home_cue abbr_cue"
).split()
VOCAB = load_vocabulary("nationalities", required=tuple(REQUIRED_LABELS))
PERSON_CUES = frozenset(VOCAB["person_cue"])
STRONG_FILLERS = frozenset(VOCAB["strong_cue"])  # "asal", "berkewarganegaraan": enough alone
FILLERS = frozenset(VOCAB["filler"])
CONNECTORS = frozenset(VOCAB["connector"])
PLACE_CUES = frozenset(VOCAB["place_cue"])
LIST_CUES = frozenset(VOCAB["list_cue"])
FOLLOW_INDEX = phrase_index(VOCAB["follow_cue"])  # "RRT menjadi negara yang warganya ..."
# Two-letter abbreviations ("AS") are also suspects' initials, so they need a citizenship word.
ABBR_CUES = frozenset(VOCAB["abbr_cue"])
COUNT_SKIP = frozenset(VOCAB["count_skip"])
# In a sentence about Indonesians abroad ("PMI dideportasi dari Malaysia"), "dari X" is a place.
HOME_CUES = frozenset(VOCAB["home_cue"])
FUZZY_CUES = STRONG_FILLERS | {"wna", "warga"}  # a misspelled country may follow these
register_triggers(FUZZY_CUES, HOME_CUES, LIST_CUES)


class NationalitiesError(ValueError):
    """data/nationalities.csv is missing, empty or names a code that is not a foreign ISO 3166
    alpha-2 country."""


@lru_cache(maxsize=1)
def country_table() -> tuple[dict[str, str], dict[str, str]]:
    """Return (lowercased name -> iso2, case-sensitive abbreviation -> iso2).

    Names come from Babel's Indonesian CLDR territory names, pycountry's English names, and
    data/nationalities.csv (news spellings and abbreviations), which wins on conflicts.
    """
    if not TABLE_PATH.is_file():
        raise NationalitiesError(f"nationalities table not found: {TABLE_PATH}")
    valid = {c.alpha_2 for c in pycountry.countries} - {HOME_COUNTRY}
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            name = getattr(country, attr, None)
            if name and "," not in name and len(name) >= FUZZY_MIN_CHARS:
                names[name.lower()] = country.alpha_2
    for code, name in Locale("id").territories.items():
        if code in valid and " - " not in name:
            names[BABEL_NOISE.sub("", name).strip().lower()] = code
    abbreviations: dict[str, str] = {}
    with TABLE_PATH.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise NationalitiesError(f"nationalities table is empty: {TABLE_PATH}")
    for row in rows:
        code = row["iso2"].strip().upper()
        if code not in valid:
            raise NationalitiesError(
                f"{TABLE_PATH}: {code!r} is not a foreign ISO 3166 alpha-2 code")
        for name in filter(None, (n.strip() for n in row["names"].split("|"))):
            names[name.lower()] = code
        for abbr in filter(None, (a.strip() for a in (row["abbreviations"] or "").split("|"))):
            abbreviations[abbr] = code
    names = {n: c for n, c in names.items() if c != HOME_COUNTRY and n != "indonesia"}
    return names, abbreviations


@dataclass
class Mention:
    """One country name in the text (token span), with what the rules decided about it."""

    start: int
    end: int
    code: str
    abbreviation: bool = False
    positive: bool = False
    blocked: bool = False
    count: int | None = None
    each: bool = False  # the count was given "masing-masing" for a group of listed countries
    left: bool = False  # the count stood before the name ("11 warga Nigeria")


@Language.factory(
    "pantau_nationalities",
    assigns=["doc._.pantau_nationalities"],
    default_config={"fuzzy_cutoff": FUZZY_CUTOFF},
)
def make_nationalities(nlp: Language, name: str, fuzzy_cutoff: int) -> NationalityFinder:
    """Build the nationality finder for a pipeline."""
    return NationalityFinder(nlp, fuzzy_cutoff=fuzzy_cutoff)


class NationalityFinder:
    """Finds country names, keeps those used for citizens, and links misspellings by fuzzy match."""

    def __init__(self, nlp: Language, fuzzy_cutoff: int = FUZZY_CUTOFF):
        """Args:
        nlp: the pipeline, whose tokenizer builds the phrase patterns.
        fuzzy_cutoff: minimum rapidfuzz ratio (0-100) for a misspelled country name.
        """
        self.names, self.abbreviations = country_table()
        self.fuzzy_cutoff = fuzzy_cutoff
        self.choices = list(self.names)
        self._fuzzy_cache: dict[str, tuple | None] = {}
        # Country names as token sequences, indexed by their first lower-cased token: names match
        # in lower case, abbreviations ("RRT", "AS") exactly as written. Looked up only at
        # the positions TokenView finds for those first tokens; two spaCy PhraseMatchers
        # (lower case and exact) each walked every token and cost several times more.
        self.phrases: dict[str, list[tuple[tuple[str, ...], str, bool]]] = {}
        for table, exact in ((self.names, False), (self.abbreviations, True)):
            for text, code in table.items():
                tokens = tuple(t.text if exact else t.lower_ for t in nlp.make_doc(text)
                               if not t.is_space)
                if tokens:
                    self.phrases.setdefault(tokens[0].lower(), []).append((tokens, code, exact))
        for options in self.phrases.values():
            options.sort(key=lambda option: len(option[0]), reverse=True)
        self.firsts = frozenset(self.phrases)
        # Built with the pipeline, as the names come from the table: TokenView.positions then
        # finds them in its one pass over the Doc.
        register_triggers(self.firsts)

    def __call__(self, doc: Doc) -> Doc:
        tv = token_view(doc)
        mentions = self._find(doc, tv)
        tv.country_starts = {m.start: m.code for m in mentions}
        if mentions:
            self._decide(tv, mentions)
        set_facts(doc, "pantau_nationalities", self._collect(tv, mentions))
        return doc

    # --- finding ------------------------------------------------------------------------------
    def _find(self, doc: Doc, tv: TokenView) -> list[Mention]:
        words, texts, n = tv.words, doc_arrays(doc).texts, len(tv.words)
        matches, abbr = [], set()
        for k in tv.positions(self.firsts):
            for tokens, code, exact in self.phrases[words[k]]:
                end = k + len(tokens)
                if end <= n and tuple((texts if exact else words)[k:end]) == tokens:
                    matches.append((k, end, code))
                    if exact:
                        abbr.add((k, end))
        mentions = [
            Mention(s, e, code, abbreviation=(s, e) in abbr)
            for s, e, code in _longest_first(matches)
        ]
        mentions += self._fuzzy(tv, mentions)
        mentions.sort(key=lambda m: m.start)
        return mentions

    def _fuzzy(self, tv: TokenView, mentions: list[Mention]) -> list[Mention]:
        """Misspelled names after a listed country or a citizenship cue ("Banglades")."""
        words, n = tv.words, len(tv.words)
        taken = {i for m in mentions for i in range(m.start, m.end)}
        candidates = set()
        for m in mentions:
            k = m.end
            while k < n and words[k] in CONNECTORS:
                k += 1
            if k > m.end:
                candidates.add(k)
        candidates.update([i + 1 for i in tv.positions(FUZZY_CUES)])
        found = []
        for k in sorted(candidates):
            if k >= n or k in taken or not tv.title[k]:
                continue
            for length in (2, 1):
                if k + length > n or any(i in taken for i in range(k, k + length)):
                    continue
                text = tv.span_text(k, k + length).lower()
                if len(text) < FUZZY_MIN_CHARS:
                    continue
                best = self._closest(text)
                if best and best[0][0] == text[0]:
                    found.append(Mention(k, k + length, self.names[best[0]]))
                    taken.update(range(k, k + length))
                    break
        return found

    def _closest(self, text: str):
        """rapidfuzz's best country name for `text` (cached: "WNA asal X" repeats a lot)."""
        if text not in self._fuzzy_cache:
            if len(self._fuzzy_cache) >= FUZZY_CACHE_MAX:
                self._fuzzy_cache.clear()
            self._fuzzy_cache[text] = process.extractOne(
                text, self.choices, scorer=fuzz.ratio, score_cutoff=self.fuzzy_cutoff
            )
        return self._fuzzy_cache[text]

    # --- deciding -----------------------------------------------------------------------------
    def _decide(self, tv: TokenView, mentions: list[Mention]) -> None:
        words, sent_of = tv.words, tv.sent_of
        home = tv.sentences_with(HOME_CUES)
        for m in mentions:
            left = self._left_cue(words, m)
            right = self._right_count(words, m)
            if right is not None:
                m.count, m.each = right
            if left or right is not None or self._follow_cue(words, m):
                m.positive = True
            elif m.start > 0 and (
                words[m.start - 1] in PLACE_CUES
                or (words[m.start - 1] == "dari" and sent_of[m.start] in home)
            ):
                m.blocked = True
            if m.count is None:
                m.count = _left_count(words, m)
                m.left = m.count is not None
        sent_cues = tv.sentences_with(LIST_CUES)
        for chain in _chains(words, mentions):
            if chain[0].blocked:
                continue
            size = len(chain)
            s = sent_of[chain[0].start]
            cued = s in sent_cues and size >= 2
            cued = cued or (size >= 3 and s > 0 and s - 1 in sent_cues)
            if cued or any(m.positive for m in chain):
                for m in chain:
                    if not m.blocked:
                        m.positive = True
            if size > 1 and chain[0].left and all(m.count is None for m in chain[1:]):
                chain[0].count = None  # "11 WNA asal Nigeria, RRT dan Mesir": 11 is the total
            _share_counts(chain)
        for m in mentions:
            if m.abbreviation and m.positive and len(words[m.start]) <= 2:
                m.positive = _abbreviation_ok(words, m, mentions)

    def _left_cue(self, words: list[str], m: Mention) -> bool:
        """A citizenship word before the name: "WNA asal", "warga negara", "berkewarganegaraan."."""
        k, seen = m.start - 1, set()
        while k >= 0 and m.start - k <= MAX_CUE_STEPS and words[k] in FILLERS:
            seen.add(words[k])
            k -= 1
        if seen & STRONG_FILLERS:
            return True
        if k < 0:
            return False
        if words[k] in PERSON_CUES and not ({".", ":"} & seen):
            return True
        # "satu dari Kanada": a number of people from a country
        return "dari" in seen and starts_number(words[k]) and len(seen) == 1

    def _right_count(self, words: list[str], m: Mention) -> tuple[int, bool] | None:
        """A count right after the name: "Nigeria 560 orang", "India sebanyak 142 orang"."""
        k = m.end
        while k < len(words) and k - m.end < 3 and words[k] in COUNT_SKIP:
            k += 1
        each = "masing-masing" in words[m.end : k]
        if k >= len(words) or not starts_number(words[k]):
            return None
        parsed = parse_at(words, k)
        if parsed is None:
            return None
        unit = unit_at(words, parsed[1])
        if unit is None or unit[1] not in ("person", "event"):
            return None
        return parsed[0], each

    def _follow_cue(self, words: list[str], m: Mention) -> bool:
        """ "RRT menjadi negara yang warga negaranya ...": citizens named after the country."""
        end = min(len(words), m.end + MAX_FOLLOW)
        return any(match_phrase(FOLLOW_INDEX, words, k) for k in range(m.end, end))

    # --- output -------------------------------------------------------------------------------
    def _collect(self, tv: TokenView, mentions: list[Mention]) -> list[Nationality]:
        result: dict[str, Nationality] = {}
        for m in mentions:
            if not m.positive:
                continue
            nat = result.get(m.code)
            if nat is None:
                result[m.code] = Nationality(
                    code=m.code,
                    name=tv.span_text(m.start, m.end),
                    count=m.count,
                    evidence=tv.evidence(m.start),
                )
            elif nat.count is None and m.count is not None:
                nat.count = m.count
        return list(result.values())


def _longest_first(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """spacy.util.filter_spans on (start, end, label) tuples: the longest (then first) of
    overlapping matches, in text order. Span objects for every match cost more than this."""
    ordered = sorted(matches, key=lambda m: (m[1] - m[0], -m[0]), reverse=True)
    kept, seen = [], set()
    for m in ordered:
        if m[0] not in seen and m[1] - 1 not in seen:
            kept.append(m)
            seen.update(range(m[0], m[1]))
    return sorted(kept, key=lambda m: m[0])


def _chains(words: list[str], mentions: list[Mention]) -> list[list[Mention]]:
    """Group listed countries: "Nigeria, RRT, Mesir dan Malaysia" (counts, brackets between)."""
    chains: list[list[Mention]] = []
    for m in mentions:
        if chains and _listed(words, chains[-1][-1].end, m.start):
            chains[-1].append(m)
        else:
            chains.append([m])
    return chains


def _listed(words: list[str], a: int, b: int) -> bool:
    """True when words[a:b] only joins two list items: connectors, a count, a bracketed note."""
    gap = words[a:b]
    if not gap or len(gap) > MAX_CHAIN_GAP:
        return False
    depth, joined = 0, False
    for w in gap:
        if w in LIST_OPENERS:
            depth += 1
        elif w in LIST_CLOSERS:
            depth = max(0, depth - 1)
        elif depth:
            continue
        elif w in CONNECTORS:
            joined = True
        elif not (starts_number(w) or w in COUNT_SKIP or w in PERSON_CUES):
            return False
    return joined or depth > 0 or gap[-1] in LIST_CLOSERS


def _left_count(words: list[str], m: Mention) -> int | None:
    """A count before the name: "11 warga Nigeria", "39 orang China", "19 orang dari China"."""
    for k in range(max(0, m.start - MAX_LEFT_COUNT), m.start):
        if not starts_number(words[k]):
            continue
        parsed = parse_at(words, k)
        if parsed is None:
            continue
        value, j = parsed
        j = skip_spelled_out(words, j, value)
        if j < m.start and words[j] in BETWEEN:
            j += 1  # "dua lainnya warga negara Bangladesh"
        unit = unit_at(words, j)
        if unit is None or unit[1] != "person":
            continue
        j += unit[0]
        while (
            j < m.start
            and words[j] not in (".", ":")
            and (words[j] in FILLERS or words[j] in PERSON_CUES)
        ):
            j += 1
        if j == m.start:
            return value
    return None


def _share_counts(chain: list[Mention]) -> None:
    """ "Korea Selatan, Prancis, Thailand (masing-masing 4 orang)": the count covers the group."""
    pending: list[Mention] = []
    for m in chain:
        if m.count is None:
            pending.append(m)
            continue
        if m.each:
            for p in pending:
                p.count = m.count
        pending = []


def _abbreviation_ok(words: list[str], m: Mention, mentions: list[Mention]) -> bool:
    """Keep "AS" only with a citizenship word before it or inside a list of named countries."""
    k = m.start - 1
    if k >= 0 and words[k] in ABBR_CUES:
        return True
    return any(
        o is not m and not o.abbreviation and o.positive and abs(o.start - m.start) <= 12
        for o in mentions
    )
