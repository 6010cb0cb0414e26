"""The pantau_counts component: cardinal quantities of people, documents and operations."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import compress

from spacy.language import Language
from spacy.tokens import Doc

from nlp.count_categories import CATEGORIES as CATEGORIES  # re-exported
from nlp.count_categories import (
    DEFAULT_LIMITS,
    INHERIT_SENTENCES,
    RIGHT_MAX,
    Counted,
    Limits,
    categorise,
)
from nlp.docstate import set_facts
from nlp.numbers import NUMBER_WORDS, parse_at, starts_number
from nlp.schema import Count
from nlp.tokenview import TokenView, clean_text, token_view
from nlp.vocabulary import load_vocabulary, match_phrase, phrase_index

# --- constants --------------------------------------------------------------------------------
UNIT_LABELS = {
    "unit_person": "person",
    "unit_document": "document",
    "unit_event": "event",
    "unit_action": "action",
}
VOCAB = load_vocabulary(
    "counts",
    required=(
        *UNIT_LABELS,
        "noncount",
        "exclude_next",
        "exclude_prev",
        "vague_prev",
        "subset_next",
        "count_verb",
        "function_word",
        "verb_prefix",
    ),
)
UNIT_CLASS = {p: cls for label, cls in UNIT_LABELS.items() for p in VOCAB[label]}
UNIT_INDEX = phrase_index(list(UNIT_CLASS))
NONCOUNT_INDEX = phrase_index(VOCAB["noncount"])
SUBSET_INDEX = phrase_index(VOCAB["subset_next"])
EXCLUDE_NEXT = frozenset(VOCAB["exclude_next"])
EXCLUDE_PREV = frozenset(VOCAB["exclude_prev"])
VAGUE_PREV = tuple(tuple(p.split()) for p in VOCAB["vague_prev"])
VAGUE_BY_LAST: dict[str, list[tuple[str, ...]]] = {}  # the phrases ending in each word
for _phrase in VAGUE_PREV:
    VAGUE_BY_LAST.setdefault(_phrase[-1], []).append(_phrase)
COUNT_VERBS = frozenset(VOCAB["count_verb"])

MULTIPLIERS = frozenset({"lipat", "lipatnya"})  # "3 kali lipat": a factor, not a count
YEARS = range(1900, 2101)  # a bare four-digit number in this range is a year
RANGE_WORDS = frozenset({"-", "sampai", "hingga", "s/d", "s.d.", "atau", "–"})
BETWEEN = frozenset({"lainnya", "lagi"})  # words allowed between a number and its unit
# "izin tinggal kunjungan sebanyak 1.313": the unit stands before these amount words
AMOUNT_WORDS = frozenset({"sebanyak", "sejumlah", "berjumlah", "mencapai", "sebesar", "total", ":"})
MAX_UNIT_BEFORE = 6  # tokens searched back from the amount word for the unit
ELLIPSIS_PREV = frozenset(
    {"dan", ",", "sekira", "sekitar", "sebanyak", "serta", "lalu", "sedangkan", "kemudian"}
)
FUNCTION_WORDS = frozenset(VOCAB["function_word"])
VERB_PREFIXES = tuple(VOCAB["verb_prefix"])  # "di-", "ter-", "me-", "ber-": a verb follows
OPENERS = frozenset({"(", "“", '"', "'", "‘", "["})
WHAT_RIGHT, WHAT_LEFT = 6, 5  # tokens of context kept in `what`


def unit_at(words: list[str], j: int) -> tuple[int, str] | None:
    """The unit noun starting at words[j]: (length in tokens, class), or None.

    Classes are "person", "document", "event" and "action" ("penolakan", "pemberian").
    """
    length = match_phrase(UNIT_INDEX, words, j)
    if not length:
        return None
    return length, UNIT_CLASS[" ".join(words[j : j + length])]


# word -> whether a number can start at it (a digit first, or a number word), cached: testing
# every token's first character cost a third of this component.
_NUMBER_START: dict[str, bool] = {}
_NUMBER_START_MAX = 200_000  # distinct words; bounds memory on a long crawl


def number_starts(words: list[str]) -> list[int]:
    """Indices of the words a number can start at (a digit first, or a number word)."""
    try:
        flags = list(map(_NUMBER_START.__getitem__, words))
    except KeyError:  # a word not seen before (rare once the cache is warm)
        flags = []
        for w in words:
            flag = _NUMBER_START.get(w)
            if flag is None:
                flag = w[:1].isdigit() or w in NUMBER_WORDS
                if len(_NUMBER_START) < _NUMBER_START_MAX:
                    _NUMBER_START[w] = flag
            flags.append(flag)
    return list(compress(range(len(words)), flags))


@dataclass
class _Found:
    """A number kept as a count, before it becomes a schema Count."""

    value: int
    start: int  # first number token
    unit_start: int
    unit_end: int  # unit_start == unit_end when no unit noun follows
    unit_class: str | None
    end: int = -1  # after the last number token (-1: right after start)


@Language.factory(
    "pantau_counts",
    assigns=["doc._.pantau_counts"],
    default_config={"right_max": RIGHT_MAX, "inherit_sentences": INHERIT_SENTENCES},
)
def make_counts(nlp: Language, name: str, right_max: int, inherit_sentences: int) -> CountFinder:
    """Build the count finder for a pipeline.

    Args:
        right_max: tokens after a count searched for the verb it is the subject of.
        inherit_sentences: sentences back a count with no cue looks for the group it breaks
            down (nlp/count_categories.py).
    """
    return CountFinder(Limits(right_max=right_max, inherit_sentences=inherit_sentences))


class CountFinder:
    """Finds numbers followed by a person, document or event noun; skips dates, money, ranks."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS):
        self.limits = limits

    def __call__(self, doc: Doc) -> Doc:
        tv = token_view(doc)
        words = tv.words
        found: list[_Found] = []
        vague: set[int] = set()
        # sentence start -> unit class of its last count; None after "enam satker" and the like
        last_class: dict[int, str | None] = {}
        # Only digits and number words can start a number: visit those tokens alone. A number
        # read across a sentence end hides the next tokens only within its own sentence.
        starts = number_starts(words)
        pos, pos_sent = 0, -1
        for i in starts:
            sent = tv.sent_of[i]
            if i < pos and sent == pos_sent:
                continue
            parsed = parse_at(words, i)
            if parsed is None:
                continue
            value, j = parsed
            sent_start = tv.sents[sent][0]
            hit = self._classify(tv, i, j, value, sent_start, vague, last_class)
            if hit is not None:
                found.append(hit)
            pos, pos_sent = j, sent
        set_facts(doc, "pantau_counts", self._to_counts(tv, found))
        return doc

    def _classify(self, tv, i, j, value, sent_start, vague, last_class):
        """Decide whether words[i:j] is a count; return it, or None."""
        words = tv.words
        num_end = j
        if _excluded(tv, i, j):
            return None
        if _vague(words, i, sent_start):
            vague.add(value)
            return None
        j = skip_spelled_out(words, j, value)
        if j < len(words) and words[j] == ")" and i > 0 and words[i - 1] == "(":
            j += 1  # "ITK (489) orang": the unit follows the bracket
        if j < len(words) and words[j] in BETWEEN and unit_at(words, j + 1):
            j += 1  # "dua lainnya warga negara Bangladesh"
        if (
            j < len(words)
            and words[j] in RANGE_WORDS
            and j + 1 < len(words)
            and starts_number(words[j + 1])
        ):
            return None  # "lima sampai sepuluh tahun": only the range's end carries the unit
        unit = unit_at(words, j)
        if unit is not None:
            if value <= 0 or value in vague:
                return None
            last_class[sent_start] = unit[1]
            return _Found(value, i, j, j + unit[0], unit[1], num_end)
        if match_phrase(NONCOUNT_INDEX, words, j):
            last_class[sent_start] = None  # "enam satker ..., tiga di antaranya" counts satker
            return None
        return self._bare(tv, i, j, value, sent_start, vague, last_class)

    def _bare(self, tv, i, j, value, sent_start, vague, last_class):
        """A number with no unit noun: kept only in constructions that imply people or cases."""
        words = tv.words
        if value <= 0 or value in vague:
            return None
        if value in YEARS and words[i].isdigit():
            return None
        prev = words[i - 1] if i > sent_start else ""
        earlier = last_class.get(sent_start, "")
        if prev in AMOUNT_WORDS:
            before = _unit_before(tv, i - 1, sent_start)
            if before is not None:
                last_class[sent_start] = before[2]
                return _Found(value, i, before[0], before[1], before[2], j)
        keep = False
        if match_phrase(SUBSET_INDEX, words, j):
            keep = earlier is not None  # "17 diantaranya", unless the whole was offices
        elif j + 1 < len(words) and words[j] == "dari" and (j + 1) in tv.country_starts:
            keep = True  # "satu dari Kanada"
        elif prev in COUNT_VERBS and _clause_goes_on(tv, j):
            keep = True  # "menangani 1.257 di Community House"
        elif prev in ELLIPSIS_PREV and earlier and _clause_goes_on(tv, j):
            keep = True  # "2 WNA dideportasi karena ... dan 4 karena ..."
        elif prev == "(" and _bracketed_figure(words, i, j - 1):
            keep = True  # "penerbitan paspor 2016 (4.764), 2017 (6.322)": a figure per year
        if not keep:
            return None
        # The unit stays null: annotators leave it so for "17 di antaranya" (GOLD.md), and
        # copying the whole's noun would merge it with a same-valued count ("4 WNA Yaman").
        return _Found(value, i, j, j, None, j)

    def _to_counts(self, tv: TokenView, found: list[_Found]) -> list[Count]:
        """One Count per quantity: a figure repeated in headline and body is kept once."""
        counts: list[Count] = []
        by_key: dict[tuple, Count] = {}
        categories = categorise(tv, [
            Counted(f.start, f.end if f.end > f.start else f.start + 1, f.unit_start, f.unit_end)
            for f in found], self.limits)
        for f, category in zip(found, categories, strict=True):
            key_unit = f.unit_class if f.unit_class != "action" else tv.words[f.unit_start]
            key = (f.value, key_unit)
            bracketed = f.start > 0 and tv.words[f.start - 1] == "("
            if key_unit is None and bracketed and any(k[0] == f.value for k in by_key):
                continue  # "2018 (6.558)" after "6.558 paspor": the same figure, restated
            if key in by_key:
                if by_key[key].category == "other":
                    by_key[key].category = category
                continue
            unit = clean_text(tv.span_text(f.unit_start, f.unit_end)) or None
            count = Count(
                value=f.value,
                unit=unit,
                what=_what(tv, f),
                category=category,
                evidence=tv.evidence(f.start),
            )
            by_key[key] = count
            counts.append(count)
        return counts


def _excluded(tv: TokenView, i: int, j: int) -> bool:
    """Dates, times, money, ranks, ordinals, classes, article numbers, ages, percentages."""
    words = tv.words
    n = len(words)
    if i > 0:
        before = words[i - 1]
        if before in EXCLUDE_PREV:
            return True  # "Pasal 75", "Kelas I", "ke 69", "pukul 22.00", "Rp 7.583"
        if tv.glued[i - 1] and not tv.space[i - 1] and before not in OPENERS:
            return True  # glued to a word or sign: "Rp1", "ke-67", "Covid-19", "26/11"
        if before == "(" and j < n and words[j] == ")" and not _bracketed_figure(words, i, j):
            return True  # "MCC (33)": an age or a reference in brackets
    if j < n:
        nxt = words[j]
        if nxt in EXCLUDE_NEXT:
            return True  # "22 Mei", "60 hari", "20 %"
        if nxt == "kali" and j + 1 < n and words[j + 1] in MULTIPLIERS:
            return True  # "3 kali lipat" (but "3 kali tahun ini" is three times)
        if tv.glued[j - 1] and nxt in ("/", "%", "-", ":"):
            return True  # "26/11/2025", "22:00", "5-10"
        if tv.glued[j - 1] and nxt == "." and j + 1 < n and words[j + 1][:1].isdigit():
            return True
    return False


def _bracketed_figure(words: list[str], i: int, close: int) -> bool:
    """ "2016 (4.764)", "ITK (489) orang": a figure in brackets after a year, or before a unit
    noun; not "MCC (33)", an age or a reference. `close`: the index of ")"."""
    after_year = i >= 2 and words[i - 2].isdigit() and int(words[i - 2]) in YEARS
    return after_year or unit_at(words, close + 1) is not None


def _clause_goes_on(tv: TokenView, j: int) -> bool:
    """After a bare number: punctuation, a function word or a verb, not an unknown noun.

    "dan 4 karena ...", "sekira 202 terindikasi ..." go on; "100 kuota" names another thing.
    """
    if j >= len(tv.words) or tv.punct[j] or tv.space[j]:
        return True
    w = tv.words[j]
    return w in FUNCTION_WORDS or (len(w) > 4 and w.startswith(VERB_PREFIXES))


def _unit_before(tv: TokenView, k: int, sent_start: int) -> tuple[int, int, str] | None:
    """The unit noun in the clause before words[k]: "paspor yang diterbitkan sebanyak"."""
    words = tv.words
    for p in range(k - 1, max(sent_start, k - MAX_UNIT_BEFORE) - 1, -1):
        if tv.punct[p] or starts_number(words[p]) or match_phrase(NONCOUNT_INDEX, words, p):
            return None
        unit = unit_at(words, p)
        if unit is not None:
            # prefer a longer unit that ends here: "pemohon paspor", not "paspor"
            for q in range(p - 1, max(sent_start, p - 3) - 1, -1):
                longer = unit_at(words, q)
                if longer is not None and q + longer[0] > p:
                    p, unit = q, longer
            return p, p + unit[0], unit[1]
    return None


def skip_spelled_out(words: list[str], j: int, value: int) -> int:
    """Index after "(dua)" in the formal "2 (dua) orang", where the words repeat the digits."""
    if j + 2 < len(words) and words[j] == "(" and starts_number(words[j + 1]):
        parsed = parse_at(words, j + 1)
        if (
            parsed is not None
            and parsed[0] == value
            and parsed[1] < len(words)
            and words[parsed[1]] == ")"
        ):
            return parsed[1] + 1
    return j


def _vague(words: list[str], i: int, sent_start: int) -> bool:
    """ "lebih dari dua ratus", "hampir 300": approximate amounts are not counts (GOLD.md)."""
    if i < 1 or words[i - 1] not in VAGUE_BY_LAST:
        return False  # every phrase ends right before the number
    for phrase in VAGUE_BY_LAST[words[i - 1]]:
        k = i - len(phrase)
        if k >= sent_start and tuple(words[k:i]) == phrase:
            return True
    return False




def _clause(tv: TokenView, start: int, stop: int, step: int, limit: int) -> list[int]:
    """Token indices from `start` walking by `step` until punctuation, `stop` or `limit` tokens."""
    out, k = [], start
    while k != stop and len(out) < limit:
        if tv.punct[k] and tv.words[k] not in ("(", ")"):
            break
        out.append(k)
        k += step
    return out


def _what(tv: TokenView, f: _Found) -> str:
    """A short description in the article's words: the unit and the clause around it."""
    sent_start, sent_end = tv.sents[tv.sent_of[f.start]]
    if f.unit_start < f.start:  # "izin tinggal kunjungan sebanyak 1.313"
        return " ".join(clean_text(tv.span_text(f.unit_start, f.start + 1)).split())
    right = _clause(tv, f.unit_end, sent_end, 1, WHAT_RIGHT)
    if f.unit_end > f.unit_start and len(right) >= 2:
        start, end = f.unit_start, right[-1] + 1
    else:
        left = _clause(tv, f.start - 1, sent_start - 1, -1, WHAT_LEFT)
        start = left[-1] if left else f.start
        end = right[-1] + 1 if right else max(f.unit_end, f.start + 1)
    return " ".join(clean_text(tv.span_text(start, end)).split())
