"""The pantau_awards component: awards, predicates and rankings an immigration office received.

Over 400 lines: one component, finding award names in a receipt sentence and merging their
mentions; the giver rules are apart (nlp/award_givers.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from nlp.award_givers import (
    EARLIER,
    EXPLICIT,
    explicit_after,
    find_giver,
    giver_end,
    giver_statement,
    head_at,
    inner_dan,
)
from nlp.docstate import set_facts
from nlp.numbers import parse_rank
from nlp.schema import Award, Evidence
from nlp.tokenview import TokenView, clean_text, register_triggers, token_view
from nlp.vocabulary import load_vocabulary, match_phrase, phrase_index

# --- constants --------------------------------------------------------------------------------
REQUIRED_LABELS = (
    "trigger_noun self_named needs_giver trigger_rank receipt_verb give_verb "
    "recipient_cue goal_cue enumeration demonstrative name_stop soft_stop left_stop "
    "giver_prep rank_joiner weak_receipt_verb name_continuer plural_before "
    "name_noise titled event rank_noun award_verb goal_barrier"
).split()
VOCAB = load_vocabulary("awards", required=tuple(REQUIRED_LABELS))
NOUN_INDEX = phrase_index(VOCAB["trigger_noun"])
SELF_NAMED = frozenset(VOCAB["self_named"])
NEEDS_GIVER = frozenset(VOCAB["needs_giver"])
RANK_NOUNS = frozenset(VOCAB["rank_noun"])  # "juara", "peringkat": prizes by themselves
AWARD_VERBS = frozenset(VOCAB["award_verb"])  # verbs used only for prizes ("dinobatkan")
# A name made only of these ("piagam penghargaan") says nothing about which award it was.
GENERIC_WORDS = frozenset({"penghargaan", "piagam", "piala", "trofi", "plakat", "sertifikat"})
ABSORBED_AFTER = frozenset({"sebagai", "atas", "kategori"})  # a rank that describes an award
TITLED = frozenset(VOCAB["titled"])  # English-style names: "Public Service Award"
EVENTS = frozenset(VOCAB["event"])  # "... pada ajang X": the contest that gave the rank
RANK_TRIGGERS = frozenset(VOCAB["trigger_rank"])
TRIGGER_FIRST = frozenset(NOUN_INDEX) | RANK_TRIGGERS  # a cheap test before phrase matching
register_triggers(TRIGGER_FIRST)
RECEIPT_VERBS = frozenset(VOCAB["receipt_verb"])
GIVE_VERBS = frozenset(VOCAB["give_verb"])
# "menduduki peringkat 2" is a result only when an immigration unit is the one ranked
WEAK_RECEIPT_VERBS = frozenset(VOCAB["weak_receipt_verb"])
RECIPIENT_CUES = frozenset(VOCAB["recipient_cue"])
GOAL_CUES = frozenset(VOCAB["goal_cue"])
# "berharap meraih WBBM setelah meraih WBK pada 2022": the hope does not reach past "setelah"
GOAL_BARRIERS = frozenset(VOCAB["goal_barrier"])
ENUMERATION = frozenset(VOCAB["enumeration"])
DEMONSTRATIVES = frozenset(VOCAB["demonstrative"])
NAME_STOPS = frozenset(VOCAB["name_stop"])
SOFT_STOPS = frozenset(VOCAB["soft_stop"])
LEFT_STOPS = frozenset(VOCAB["left_stop"])
GIVER_PREPS = frozenset(VOCAB["giver_prep"])
RANK_JOINERS = frozenset(VOCAB["rank_joiner"])
# "... sebagai Unit Pelayanan Publik dengan Kategori Pelayanan Prima": the name goes on
NAME_CONTINUERS = frozenset(VOCAB["name_continuer"])
VERBS = RECEIPT_VERBS | GIVE_VERBS | WEAK_RECEIPT_VERBS  # a verb after the trigger ends the name

# An award counted in a plural ("tiga penghargaan", "sejumlah penghargaan") is not one award.
PLURAL_BEFORE = frozenset(VOCAB["plural_before"])
QUOTES = frozenset({'"', "“", "”", "‘", "’", "'"})
OPEN_BRACKETS, CLOSE_BRACKETS = frozenset({"(", "["}), frozenset({")", "]"})
MAX_NAME = 22  # tokens in one name ("penghargaan sebagai Satuan Kerja ... Tahun Anggaran 2023")
MAX_LEFT = 10  # tokens before "terbaik" that name the category
ENUM_LOOKBACK = 2  # "... menerima tiga penghargaan. Yaitu ...": a list continuing a receipt
MERGE_OVERLAP = 0.5  # token overlap at which two mentions are the same award
# Words a giver statement shares with every award name: they tell no award apart.
STATEMENT_NOISE = GENERIC_WORDS | RANK_NOUNS | RANK_TRIGGERS | frozenset(
    {"terbaik", "tersebut", "itu", "ini", "penghargaan", "kategori"})
GIVER_LOOKBACK = 3
LIST_JOIN = re.compile(r"\s+(?:dan|serta)\s+(?=[A-Z])")
# "penghargaan dalam kategori X": names a category, not an award of its own
CATEGORY_ONLY = re.compile(
    r"(?i)^(?:penghargaan|piagam|apresiasi)\s+(?:dalam\s+|untuk\s+)?kategori\b")
# "4 unit pelaksana teknis", "37 satker": recipients counted are a tally, not one office
COUNTED_UNITS = frozenset({"unit", "satker", "satuan", "kantor", "upt", "instansi", "lembaga"})
COUNTED_WINDOW = 12  # sentences back a giver statement ("Itu penghargaan dari X.") reaches
YEAR = re.compile(r"^(19[5-9]\d|20\d\d)$")
NAME_NOISE = frozenset(VOCAB["name_noise"])  # words that do not tell two awards apart


class _Sent(NamedTuple):
    """A sentence as a token range."""

    start: int
    end: int


@dataclass
class _Candidate:
    """One award mention before merging repeated mentions of the same award."""

    name: str
    tokens: frozenset
    quoted: str | None
    rank: int | None
    giver: str | None
    giver_rank: int
    year: int | None
    evidence: Evidence
    generic: bool = False
    sent: int = -1  # the sentence of the mention
    contest: bool = False  # named after "ajang"/"dalam ajang": the contest, maybe not an award


@Language.factory("pantau_awards", assigns=["doc._.pantau_awards"], default_config={})
def make_awards(nlp: Language, name: str) -> AwardFinder:
    """Build the award finder for a pipeline."""
    return AwardFinder()


class AwardFinder:
    """Finds award mentions in sentences that report a receipt, not a goal, and merges repeats."""

    def __call__(self, doc: Doc) -> Doc:
        tv = token_view(doc)
        words = tv.words
        sents = [_Sent(a, b) for a, b in tv.sents]
        # a trigger starts with a TRIGGER_FIRST word: only those positions are tried
        sent_of, with_trigger = tv.sent_of, set()
        for k in tv.positions(TRIGGER_FIRST):
            if sent_of[k] not in with_trigger and self._trigger_at(words, k):
                with_trigger.add(sent_of[k])
        triggered = [si in with_trigger for si in range(len(sents))]
        # only sentences with an award word can report one, or start a list that does
        receipt = [t and self._receipt(tv, words, s) for t, s in zip(triggered, sents, strict=True)]
        candidates: list[_Candidate] = []
        for si in range(len(sents)):
            if not triggered[si]:
                continue
            if not receipt[si] and not self._continues(words, sents, si, receipt, triggered):
                continue
            found = self._sentence(tv, words, sents, si, triggered)
            if not receipt[si]:  # "Penghargaan tersebut mencakup A dan B": a list of awards
                found = [part for c in found for part in _split_list(c)]
            candidates += found
        if candidates:
            _giver_statements(tv, candidates)
        set_facts(doc, "pantau_awards", _merge(candidates))
        return doc

    # --- sentence context ---------------------------------------------------------------------
    def _trigger_at(self, words: list[str], k: int) -> int:
        if k >= len(words):
            return 0  # a text that ends on the award noun
        if words[k] in RANK_TRIGGERS:
            return 1
        return match_phrase(NOUN_INDEX, words, k)

    def _receipt(self, tv: TokenView, words: list[str], sent: _Sent) -> bool:
        """A receipt verb, or a give verb whose recipient is an immigration unit."""
        for k in range(sent.start, sent.end):
            w = words[k]
            if w in RECEIPT_VERBS:
                # "4 unit pelaksana teknis telah memperoleh predikat WBK": a tally of units,
                # not one office's award
                return not _counted_recipients(words, sent.start, k)
            if w in WEAK_RECEIPT_VERBS and any(x in RECIPIENT_CUES for x in words[sent.start : k]):
                return True
            if w in GIVE_VERBS:
                window = words[k + 1 : min(sent.end, k + 12)]
                if "kepada" in window or "bagi" in window:
                    after = window[window.index("kepada" if "kepada" in window else "bagi") :]
                    if any(x in RECIPIENT_CUES for x in after[:7]):
                        return True
        return False

    def _continues(self, words, sents, si, receipt, triggered) -> bool:
        """ "Seperti apresiasi ..." after a sentence that reported awards received."""
        sent = sents[si]
        head = words[sent.start : min(sent.end, sent.start + 8)]
        if not any(w in ENUMERATION for w in head):
            return False
        return any(receipt[p] and triggered[p] for p in range(max(0, si - ENUM_LOOKBACK), si))

    # --- candidates ---------------------------------------------------------------------------
    def _sentence(self, tv, words, sents, si, triggered) -> list[_Candidate]:
        sent = sents[si]
        found, covered = [], set()
        k = sent.start
        while k < sent.end:
            length = self._trigger_at(words, k)
            if not length or k in covered:
                k += 1
                continue
            if self._goal(tv, words, sent, k) or self._plural(words, sent, k):
                k += length
                continue
            if words[k] in RANK_TRIGGERS:
                span = self._rank_name(tv, words, sent, k)
                if span is not None and not self._ranked(tv, sent, span[0], span[1]):
                    span = None
                elif span is not None and found and words[span[0] - 1] in ABSORBED_AFTER:
                    span = None  # "Piagam Penghargaan dari X sebagai mitra terbaik": one award
            else:
                span = self._noun_name(tv, words, sent, k, length)
            if span is None:
                k += length
                continue
            start, end, giver = span
            covered.update(range(start, end))
            cand = self._candidate(tv, words, sents, si, start, end, giver, k, triggered)
            if cand is not None:
                found.append(cand)
            k = max(end, k + length)
        return found

    def _ranked(self, tv: TokenView, sent: _Sent, start: int, end: int) -> bool:
        """A bare "X terbaik" is an award only with a rank, an award noun or an award verb.

        "masyarakat mendapatkan pelayanan terbaik" describes service, not a prize.
        """
        words = tv.words
        if _rank(tv, words, start, end) is not None or words[start] in RANK_NOUNS:
            return True
        if any(match_phrase(NOUN_INDEX, words, k) for k in range(sent.start, sent.end)):
            return True
        return not AWARD_VERBS.isdisjoint(words[max(sent.start, start - 3) : start])

    def _goal(self, tv, words, sent, k) -> bool:
        """A goal or hope in the same clause before the trigger ("berkomitmen ... meraih WBBM")."""
        j = k - 1
        while j >= sent.start and words[j] not in GOAL_BARRIERS:
            if words[j] in GOAL_CUES:
                return True
            j -= 1
        return False

    def _plural(self, words, sent, k) -> bool:
        prev = words[k - 1] if k > sent.start else ""
        return prev in PLURAL_BEFORE or prev[:1].isdigit()

    def _noun_name(self, tv, words, sent, t, length):
        """ "penghargaan kepatuhan standar pelayanan publik", "predikat “Sangat Baik”"."""
        if words[t] in TITLED:  # "Immigration Award 2023": the name stands before the word
            while t > sent.start and (tv.title[t - 1] or tv.upper[t - 1]) \
                    and not tv.punct[t - 1] and words[t - 1] not in VERBS:
                t -= 1  # "IKPA Award": an acronym may open the name too
        self_named = " ".join(words[t : t + length]) in SELF_NAMED
        content = self_named
        giver = None
        k, in_quote, depth = t + length, False, 0
        if words[t] in NEEDS_GIVER:
            if k < sent.end and words[k] in GIVER_PREPS:  # "apresiasi dari Bupati X"
                k += 1
            g = head_at(words, k)
            if not g:
                return None  # "apresiasi" without an official after it is praise, not an award
            g_end = giver_end(tv, k, g, sent.end)
            giver = (k, g_end)
            k, content = g_end, True
        while k < sent.end and k - t < MAX_NAME:
            w = words[k]
            if w in QUOTES:
                in_quote = not in_quote if w in ('"', "'") else w in ("“", "‘")
                k += 1
                continue
            if w in OPEN_BRACKETS or w in CLOSE_BRACKETS:
                depth = max(0, depth + (1 if w in OPEN_BRACKETS else -1))
                k += 1
                continue
            if in_quote or depth or (tv.space[k] and not tv.paragraph(k)):
                content = content or not tv.space[k]
                k += 1
                continue
            inner = match_phrase(NOUN_INDEX, words, k)
            if inner > 1:  # "predikat Wilayah Bebas dari Korupsi": a whole predicate name
                k += inner
                content = True
                continue
            if w in RANK_TRIGGERS:  # "predikat Terbaik ke 3 ...": the rank stays in the name
                k = max(k + 1, _skip_rank(words, k + 1, sent.end))
                content = True
                continue
            if w == "-" and tv.glued[k - 1] and tv.glued[k] and k + 1 < sent.end:
                k += 1  # "se-Jawa Barat", "Anti-Korupsi": a hyphen inside a word
                continue
            if tv.space[k] or tv.punct[k]:
                break
            if w in DEMONSTRATIVES:
                return None  # "penghargaan tersebut": a mention of an award named elsewhere
            if explicit_after(tv, k):
                break
            if w in NAME_STOPS and not (w == "dan" and inner_dan(tv, k)):
                break
            if w in VERBS:
                break
            if (
                w in SOFT_STOPS
                and content
                and not self._trigger_at(words, k + 1)
                and not (k + 1 < sent.end and words[k + 1] in NAME_CONTINUERS)
                and not _rank_ahead(tv, k + 1, sent.end)
            ):
                break
            if w not in SOFT_STOPS:
                content = True
            k += 1
        while k > t + length and (words[k - 1] in SOFT_STOPS or words[k - 1] == "dan"):
            k -= 1
        if not content:
            return (t, k, giver) if explicit_after(tv, k) else None
        return t, k, giver

    def _rank_name(self, tv, words, sent, t):
        """ "Tindak Pidana Keimigrasian (TPK) terbaik III", "peringkat tiga pengelola keuangan"."""
        j, depth = t - 1, 0
        while j >= sent.start and t - j <= MAX_LEFT:
            w = words[j]
            if w in CLOSE_BRACKETS:
                depth += 1
            elif w in OPEN_BRACKETS:
                depth = max(0, depth - 1)
            elif tv.space[j] and not tv.paragraph(j):
                pass
            elif not depth and (
                tv.punct[j]
                or tv.space[j]
                or w in LEFT_STOPS
                or w in RECEIPT_VERBS
                or w in WEAK_RECEIPT_VERBS
                or w in DEMONSTRATIVES
            ):
                break
            j -= 1
        start = j + 1
        k = _skip_rank(words, t + 1, sent.end)
        if k < sent.end and words[k] in RANK_TRIGGERS:  # "terbaik peringkat tiga"
            k = _skip_rank(words, k + 1, sent.end)
        if start == t:  # nothing named before the rank: the category follows it
            depth = 0
            while k < sent.end and k - t < MAX_NAME:
                w = words[k]
                if w in OPEN_BRACKETS or w in CLOSE_BRACKETS:
                    depth = max(0, depth + (1 if w in OPEN_BRACKETS else -1))
                    k += 1
                    continue
                if depth:
                    k += 1
                    continue
                if w in ("pada", "dalam") and k + 1 < sent.end and words[k + 1] in EVENTS:
                    k += 2  # "juara umum pada ajang Immigration Award 2023"
                    continue
                if tv.punct[k] or tv.space[k] or w in NAME_STOPS or w in DEMONSTRATIVES:
                    break
                if w in GIVER_PREPS:
                    break
                k += 1
        if start == t and k <= t + 1:
            return None
        if start == t and all(words[x] in DEMONSTRATIVES for x in range(t + 1, k)):
            return None
        return start, k, None

    def _candidate(self, tv, words, sents, si, start, end, giver_span, trigger, triggered):
        sent = sents[si]
        name = " ".join(clean_text(tv.span_text(start, end)).split()).rstrip(".,;:")
        if giver_span is not None:
            giver, giver_rank = tv.span_text(giver_span[0], giver_span[1]), EXPLICIT
        else:
            giver, giver_rank = find_giver(tv, si, range(start, end), triggered)
        tokens = frozenset(_fold_tokens(name)) - NAME_NOISE
        quoted = _quoted(name)
        return _Candidate(
            name=name,
            tokens=tokens,
            quoted=quoted,
            rank=_rank(tv, words, start, end),
            giver=" ".join(giver.split()) if giver else None,
            giver_rank=giver_rank,
            year=_year(words, start, end, sent),
            evidence=tv.evidence(trigger),
            generic=tokens <= GENERIC_WORDS,
            sent=si,
            # "dalam ajang X", "Raih Dua Penghargaan X": a contest or a group of awards, which
            # gives way to the awards a story names one by one
            contest=_contest_before(words, start, sent.start),
        )


def _rank_ahead(tv: TokenView, k: int, end: int) -> bool:
    """ "... sebagai Satker dengan Kinerja Pelayanan Terbaik": a rank word ends this phrase."""
    words = tv.words
    while k < end and not tv.punct[k] and words[k] not in NAME_STOPS and words[k] not in VERBS:
        if words[k] in RANK_TRIGGERS:
            return True
        if words[k] in SOFT_STOPS:
            return False
        k += 1
    return False


def _skip_rank(words: list[str], k: int, end: int) -> int:
    """Index after a rank written after its trigger: "III", "ke 3", "ke-3", "tiga", "ketiga"."""
    j = k
    while j < end and words[j] in RANK_JOINERS:
        j += 1
    if j < end and _rank_value(words[j]) is not None:
        return j + 1
    return k


def _rank_value(word: str) -> int | None:
    """Rank of a lowercased token; "iii" and "i." are Roman numerals after a rank word."""
    word = word.rstrip(".")
    if word.isalpha() and len(word) <= 4 and set(word) <= set("ivxlc"):
        return parse_rank(word.upper())
    return parse_rank(word) if word else None


def _rank(tv: TokenView, words: list[str], start: int, end: int) -> int | None:
    """The rank inside an award name: "terbaik III" -> 3, "Terbaik ke 3" -> 3, "juara 1" -> 1."""
    for k in range(start, end):
        if words[k] not in RANK_TRIGGERS:
            continue
        j = k + 1
        while j < end and words[j] in RANK_JOINERS:
            j += 1
        if j < end:
            value = _rank_value(words[j])
            if value is not None:
                return value
        if k > start:
            value = parse_rank(words[k - 1])
            if value is not None and words[k - 1][:2] == "ke":  # "ketiga terbaik"
                return value
    return None


def _fold_tokens(text: str) -> list[str]:
    return re.sub(r"[^0-9a-z ]", " ", text.lower()).split()


def _quoted(name: str) -> str | None:
    """The quoted part of a predicate: it tells "Baik" and "Sangat Baik" apart."""
    m = re.search(r"[\"“‘']([^\"”’']+)[\"”’']", name)
    return m.group(1).strip().lower() if m else None


def _year(words: list[str], start: int, end: int, sent: _Sent) -> int | None:
    """The year in the name, else the nearest after it, else the nearest before it."""
    after, before = range(start, sent.end), range(start - 1, sent.start - 1, -1)
    for k in [*after, *before]:
        if YEAR.match(words[k]):
            return int(words[k])
    return None


def _contest_before(words: list[str], start: int, lo: int) -> bool:
    """ "dalam ajang X", "Raih Dua Penghargaan X": X names a contest or a group of awards."""
    j = start - 1
    while j >= lo and words[j] in GENERIC_WORDS:
        j -= 1
    return j >= lo and (words[j] in EVENTS or words[j] in PLURAL_BEFORE)


def _split_list(c: _Candidate) -> list[_Candidate]:
    """ "Penghargaan Khusus Badan Publik Baru dan Badan Publik Berpredikat Informatif" in a list
    after "dua penghargaan": two names, each capitalised, joined by "dan"."""
    parts = LIST_JOIN.split(c.name)
    if len(parts) < 2 or any(len(p.split()) < 2 for p in parts):
        return [c]
    out = []
    for p in parts:  # each item keeps the mention's rank, giver, year, evidence and sentence
        tokens = frozenset(_fold_tokens(p)) - NAME_NOISE
        out.append(replace(c, name=p, tokens=tokens, quoted=_quoted(p),
                           generic=tokens <= GENERIC_WORDS, contest=False))
    return out


def _counted_recipients(words: list[str], start: int, verb: int) -> bool:
    """A number of units or offices stands before the receipt verb."""
    for k in range(max(start, verb - COUNTED_WINDOW), verb - 1):
        if words[k][:1].isdigit() and words[k + 1] in COUNTED_UNITS:
            return True
    return False


def _giver_statements(tv: TokenView, candidates: list[_Candidate]) -> None:
    """Givers said in a sentence of their own, after the awards: "Itu penghargaan dari
    kementerian." gives the awards just listed that have none; "Khusus untuk pelayanan terbaik,
    ... dinilai langsung oleh Ombudsman, bukan dari kementerian." gives the award whose name
    the sentence repeats, whatever its giver was."""
    with_award = {c.sent for c in candidates}
    for si in range(len(tv.sents)):
        if si in with_award:
            continue  # a mention's own sentence: find_giver read it
        found = giver_statement(tv, si)
        if found is None:
            continue
        giver, said = found
        said = said - STATEMENT_NOISE  # "peringkat tersebut": no word of a name
        earlier = [c for c in candidates if c.sent < si]
        overlap = {id(c): len(c.tokens & said) for c in earlier}
        best = max(overlap.values(), default=0)
        if best:
            for c in earlier:
                if overlap[id(c)] == best:
                    c.giver, c.giver_rank = giver, EXPLICIT
            continue
        for c in earlier:
            if si - c.sent <= GIVER_LOOKBACK and c.giver is None:
                c.giver, c.giver_rank = giver, EARLIER


def _fold_categories(kept: list[_Candidate]) -> list[_Candidate]:
    """ "penghargaan dalam kategori Mitra Kerja" beside the one named award of the story
    ("Hassan Wirajuda Award"): the category of that award, not a second one."""
    categories = [c for c in kept if CATEGORY_ONLY.match(c.name)]
    named = [c for c in kept if not CATEGORY_ONLY.match(c.name)]
    if not categories or len(named) != 1:
        return kept
    award = named[0]
    if award.giver_rank < max(c.giver_rank for c in categories):
        best = max(categories, key=lambda c: c.giver_rank)
        award.giver, award.giver_rank = best.giver, best.giver_rank
    return named


def _same(a: _Candidate, b: _Candidate) -> bool:
    if a.rank is not None and b.rank is not None and a.rank != b.rank:
        return False
    if a.quoted is not None and b.quoted is not None and a.quoted != b.quoted:
        return False
    if a.giver_rank == b.giver_rank == EXPLICIT and _fold_tokens(a.giver) != _fold_tokens(b.giver):
        return False  # "apresiasi Bupati Lebak" and "apresiasi Bupati Pandeglang"
    if not a.tokens or not b.tokens:
        return a.generic or b.generic
    inter = len(a.tokens & b.tokens)
    return inter / len(a.tokens | b.tokens) >= MERGE_OVERLAP or inter == min(
        len(a.tokens), len(b.tokens)
    )


def _merge(candidates: list[_Candidate]) -> list[Award]:
    """One award per distinct mention group; generic "penghargaan dari X" only when nothing else."""
    specific = [c for c in candidates if not c.generic]
    if any(not c.contest for c in specific):
        # "meraih dua penghargaan dalam ajang X ... mencakup A dan B": X is the contest
        specific = [c for c in specific if not c.contest]
    pool = specific or candidates
    kept: list[_Candidate] = []
    for c in pool:
        for i, k in enumerate(kept):
            if _same(c, k):
                longer = c if len(c.tokens) > len(k.tokens) else k
                other = k if longer is c else c
                if other.giver_rank > longer.giver_rank:
                    longer.giver, longer.giver_rank = other.giver, other.giver_rank
                longer.rank = longer.rank if longer.rank is not None else other.rank
                longer.year = longer.year or other.year
                kept[i] = longer
                break
        else:
            kept.append(c)
    kept = _fold_categories(kept)
    return [
        Award(name=c.name, rank=c.rank, giver=c.giver, year=c.year, evidence=c.evidence)
        for c in kept
    ]
