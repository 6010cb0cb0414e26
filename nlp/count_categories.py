"""What happened to what a count counts: its category (GOLD.md, "Count categories").

The category follows the words that govern the count in its own clause, read the way Indonesian
news writes them, in this order:

1. The count's own noun, when it names a role that is the category whatever happens to it
   ("50 petugas", "dua staf"): staff.
2. The governor on the left: the verb or noun the count is the object of, with only linking
   words between ("mendeportasi 11 WNA", "penundaan terhadap 238 pemohon", "tindakan
   projustitia sebanyak 267 kasus"). Indonesian noun phrases are head-first, so where cues stand
   side by side ("penundaan penerbitan paspor", "menangguhkan pengajuan penerbitan paspor") the
   leftmost one, the head, decides.
3. The predicate on the right: the verb or noun the count is the subject of, past its noun
   phrase ("11 WNA asal Nigeria dideportasi", "89 laki-laki dan 53 perempuan mengalami
   penundaan"); a cue inside a "yang" relative clause gives way to a later verb.
4. The count's own noun ("238 pemohon", "4 orang deteni", "4.336 paspor", "3 tersangka").
5. A count marked as part of a group ("17 di antaranya", "sisanya", "dengan rincian ...") takes
   the group's category.
6. The nearest cue in the count's clause (the clause may reach back over a comma when the count
   is introduced by "sebanyak", "yakni" ...: "penolakan ... karena alasan X, sebanyak 821 orang").
7. A count with no cue at all in its sentence continues the group counted just before it
   ("Dengan rincian Malaysia 6 orang, China 6 orang"): it takes that count's category.
8. Otherwise "other".

Two cue kinds are resolved by what was counted: "issued" (diterbitkan, penerbitan ...) is
permit_issued for stay permits and visas, passport_issued otherwise; "refused" (ditolak,
penolakan) is departure_postponed when a passport or an application was refused, refusal_of_entry
otherwise. The words are data: data/patterns/count_categories.jsonl.

Over 400 lines: one rule set, the eight ordered steps above and the cue tables they share;
split, each step would import the others' helpers.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from nlp.tokenview import TokenView, register_triggers
from nlp.vocabulary import VocabularyError, load_vocabulary, match_phrase, phrase_index

CATEGORIES = (
    "deportation",
    "arrest",
    "detention",
    "refusal_of_entry",
    "departure_postponed",
    "prosecution",
    "administrative_sanction",
    "supervision",
    "residents",
    "passport_issued",
    "applicants_served",
    "permit_issued",
    "operation",
    "staff",
    "other",
)
RESOLVED = ("issued", "refused")  # cue kinds whose category depends on what was counted
KINDS = ("verb", "noun", "weak", "unit")

VOCAB = load_vocabulary(
    "count_categories",
    required=("mask", "linker", "np_word", "subset_after", "subset_before", "detention_place",
              "light_verb", "reason", "specifier",
              "unit:staff", "verb:deportation", "noun:issued"),
)
for _label in VOCAB:
    _kind, _, _cat = _label.partition(":")
    if _kind in ("detention_place", "light_verb", "reason", "specifier"):
        continue
    if _cat and (_kind not in KINDS or (_cat not in CATEGORIES and _cat not in RESOLVED)):
        raise VocabularyError(f"count_categories.jsonl: unknown label {_label!r}")

# phrase -> (kind, category) for predicates (verbs, nouns, weak cues) and for count nouns
PRED_OF: dict[str, tuple[str, str]] = {}
UNIT_OF: dict[str, str] = {}
for _label, _phrases in VOCAB.items():
    _kind, _, _cat = _label.partition(":")
    for _p in _phrases:
        if _kind == "unit":
            UNIT_OF[_p] = _cat
        elif _kind in KINDS:
            PRED_OF.setdefault(_p, (_kind, _cat))
PRED_INDEX = phrase_index(list(PRED_OF))
UNIT_INDEX = phrase_index(list(UNIT_OF))
MASK_INDEX = phrase_index(VOCAB["mask"])
# Words a cue or a mask may start with: the only tokens a sentence is matched at.
FIRST_WORDS = frozenset(PRED_INDEX) | frozenset(MASK_INDEX)
# the same words with the clitic "-nya", which the tokenizer leaves attached
FIRST_WORDS_ANY = FIRST_WORDS | frozenset(w + "nya" for w in FIRST_WORDS)
register_triggers(FIRST_WORDS_ANY)
MAX_CUE_WORDS = max(len(p.split()) for p in (*PRED_OF, *VOCAB["mask"]))
LINKER_INDEX = phrase_index(VOCAB["linker"])
NP_WORDS = frozenset(VOCAB["np_word"])
SUBSET_AFTER = phrase_index(VOCAB["subset_after"])
SUBSET_BEFORE = phrase_index(VOCAB["subset_before"])
DETENTION_PLACE = phrase_index(VOCAB["detention_place"])
# Categories that name an activity around the count rather than its fate: in a chain of cues
# ("pengawasan keberangkatan deportasi") a fate named later decides.
GENERIC = frozenset({"supervision", "operation", "applicants_served", "residents", "other",
                     "passport_issued", "permit_issued", "issued"})
# Words that join coordinated cues: "mendeportasi atau memberikan tindakan administratif"
COORDINATORS = frozenset({"atau", "dan", "serta", "maupun", "/"})
# Verbs whose object names the act ("memberikan tindakan administratif", "melakukan penundaan"):
# a chain of cues runs through them.
LIGHT_VERBS = frozenset(VOCAB["light_verb"])
# After these the cues give a reason, not the count's fate ("17 di antaranya karena overstay").
REASON_INDEX = phrase_index(VOCAB["reason"])
# "tindakan administratif berupa deportasi": the specific act named after these decides.
SPECIFIERS = frozenset(p for p in VOCAB["specifier"] if " " not in p)
# Words around a refusal that make it a refusal of entry, or of a departure or a passport.
ENTRY_WORDS = frozenset({"masuk", "kedatangan", "kedatangannya", "mendarat", "pendaratan", "tiba"})
DEPARTURE_WORDS = frozenset({"keberangkatan", "keberangkatannya", "berangkat", "pmi", "cpmi",
                             "tki", "prosedural", "nonprosedural"})
PASSPORT_WORDS = frozenset({"paspor", "buku", "splp", "paspornya", "e-paspor"})
# What was counted decides the resolved kinds.
PERMIT_WORDS = frozenset({"izin", "ijin", "itk", "itas", "itap", "kitas", "kitap", "visa", "voa",
                          "e-visa", "evisa", "affidavit", "itt", "plb"})
APPLICATION_WORDS = frozenset({"paspor", "permohonan", "pemohon", "paspornya", "pengajuan"})
# Clause ends; a comma ends a clause unless the count's own clause opens with a linker.
CLAUSE_PUNCT = frozenset({",", ";", ":", ".", "!", "?", "—", "–"})
STRONG_PUNCT = frozenset({";", ".", "!", "?"})
LEAD_LINKERS = frozenset({"sebanyak", "sejumlah", "berjumlah", "yakni", "yaitu", "mencapai",
                          "total", "adalah", "ada", "tercatat", "terdata", "terdaftar", "hanya"})
# How far each search looks, in tokens.
CHAIN_GAP = 2  # non-cue words allowed inside a head-first chain of cues
NP_GAP = 4  # words of a document noun phrase between its verb and the count
COORDINATION_MAX = 8  # words between two coordinated counts ("7 WNA asal Malaysia dan 2 ...")
RELATIVE_MAX = 4  # words of a "yang" clause between a count noun and "mencapai N"
RIGHT_MAX = 12  # tokens after the count searched for its predicate
INHERIT_SENTENCES = 5  # sentences back a count with no cue looks for its group (a quote between)


@dataclass(frozen=True)
class Limits:
    """How far the searches look; the pantau_counts factory's config can change them."""

    right_max: int = RIGHT_MAX
    inherit_sentences: int = INHERIT_SENTENCES


DEFAULT_LIMITS = Limits()
STAFF = "staff"
# Count nouns that are the category whatever the verb says: "50 petugas", "razia 4 kali".
STRONG_UNITS = frozenset({STAFF, "operation"})


@dataclass
class Cue:
    """A cue word or phrase in a sentence: tokens [start, end)."""

    start: int
    end: int
    kind: str
    category: str


@dataclass
class Counted:
    """What categorise() needs of a count: where its number and its noun stand."""

    start: int  # first number token
    end: int  # after the last number token
    unit_start: int
    unit_end: int  # unit_start == unit_end when no noun follows


class _Sentence:
    """The cues, masks and counts of one sentence, found once for all its counts."""

    def __init__(self, tv: TokenView, start: int, end: int, firsts: list[int]):
        self.start, self.end = start, end
        self.cue_at: dict[int, Cue] = {}  # token -> the cue covering it
        self.cues: list[Cue] = []
        words = tv.words
        k = start
        # only where a cue or a mask may start (`firsts`: such words, found once per Doc)
        for k0 in firsts[bisect_left(firsts, start) : bisect_left(firsts, end)]:
            if k0 < k:
                continue
            k = k0
            w = words[k]
            if w in FIRST_WORDS:
                window, at = words, k
            else:  # "pemulangannya": the words from k, without "-nya" on the first
                window, at = [_base(w), *words[k + 1 : min(end, k + MAX_CUE_WORDS)]], 0
            masked = match_phrase(MASK_INDEX, window, at) if window[at] in MASK_INDEX else 0
            if masked:
                k += masked
                continue
            length = match_phrase(PRED_INDEX, window, at) if window[at] in PRED_INDEX else 0
            if length and k + length <= end:
                kind, cat = PRED_OF[" ".join(window[at : at + length])]
                cue = Cue(k, k + length, kind, cat)
                self.cues.append(cue)
                for t in range(cue.start, cue.end):
                    self.cue_at[t] = cue
                k += length


def _base(word: str) -> str:
    """A word without the clitic "-nya", which the tokenizer leaves attached ("pemulangannya")."""
    return word[:-3] if len(word) > 6 and word.endswith("nya") else word


def categorise(tv: TokenView, counted: list[Counted], limits: Limits = DEFAULT_LIMITS) -> list[str]:
    """The category of each count, in order (see the module docstring for the rules)."""
    sentences: dict[int, _Sentence] = {}
    firsts = tv.positions(FIRST_WORDS_ANY)
    number_at = {c.start: c for c in counted}
    owned: dict[int, int] = {}  # id(cue) -> index of the count it governs from the left
    result: list[str] = []
    left_gov: list[Cue | None] = []
    unit_cats: list[str | None] = []
    for n, c in enumerate(counted):
        s = tv.sent_of[c.start]
        if s not in sentences:
            sentences[s] = _Sentence(tv, *tv.sents[s], firsts)
        unit_cat = _unit_category(tv.words, c)
        unit_cats.append(unit_cat)
        gov = _left_governor(tv, sentences[s], c, number_at, unit_cat)
        left_gov.append(gov)
        if gov is not None:
            owned.setdefault(id(gov), n)
    for n, c in enumerate(counted):
        sent = sentences[tv.sent_of[c.start]]
        category = _decide(tv, sent, c, n, left_gov[n], owned, number_at, counted, result,
                           limits, unit_cats[n])
        result.append(category)
    return result


def _decide(tv, sent, c, n, gov, owned, number_at, counted, done, limits: Limits,
            unit_cat: str | None) -> str:
    words = tv.words
    if unit_cat in STRONG_UNITS:
        return unit_cat
    if gov is not None and _issued_to_people(gov, unit_cat):
        gov = None
    possessive = gov is not None and gov.kind == "noun" and gov.end == min(c.start, c.unit_start)
    if gov is not None and not possessive:
        return _resolve(gov, words, c, sent)  # the usual case: the predicate is not needed
    pred, relative = _right_predicate(tv, sent, c, number_at, owned, n, limits.right_max)
    if possessive:
        # "permohonan 12 orang ditolak": the noun before is a possessive head, and a verb of
        # the count's own (not one across "dan" or a comma) decides instead
        between = words[max(c.unit_end, c.end) : pred.start] if pred is not None else []
        own_verb = pred is not None and pred.kind == "verb" and not relative and not any(
            w in COORDINATORS or w in CLAUSE_PUNCT for w in between)
        if not own_verb:
            return _resolve(gov, words, c, sent)
    subset = n > 0 and _is_subset(words, c, sent.start)
    if pred is not None and _issued_to_people(pred, unit_cat):
        pred = None
    if pred is not None and not (subset and relative):
        return _resolve(pred, words, c, sent)
    if unit_cat is None:
        unit_cat = _unit_left(tv, sent, c)
    if unit_cat is not None:
        return unit_cat
    if subset:
        group = _group(tv, counted, done, n, limits.inherit_sentences)
        if group is not None:
            return group
    if pred is not None:
        return _resolve(pred, words, c, sent)
    if n > 0 and done[n - 1] != "other" and _coordinated(tv, sent, counted[n - 1], c):
        return done[n - 1]  # "mendeportasi 7 WNA asal Malaysia dan 2 WNA asal Bangladesh"
    near, in_clause = _nearest(tv, sent, c, owned, n)
    if near is not None:
        return _resolve(near, words, c, sent)
    if n > 0 and not in_clause:
        group = _group(tv, counted, done, n, limits.inherit_sentences)
        if group is not None:
            return group
    return "other"


def _issued_to_people(cue: Cue, unit_cat: str | None) -> bool:
    """ "menyerahkan 15 deteni": people handed over are not documents issued; their noun says
    what they are."""
    return cue.category == "issued" and unit_cat not in (None, "passport_issued", "permit_issued")


def _unit_category(words: list[str], c: Counted) -> str | None:
    """The category the count's own noun names, if any: the longest count noun in its noun
    (or right after it: "4 orang deteni", "238 pemohon paspor")."""
    lo = c.unit_start if c.unit_end > c.unit_start else c.end
    hi = max(c.unit_end, c.end) + 2
    best: tuple[int, str] | None = None
    k = lo
    while k < min(hi, len(words)):
        length = match_phrase(UNIT_INDEX, words, k)
        if length:
            if best is None or length > best[0]:
                best = (length, UNIT_OF[" ".join(words[k : k + length])])
            k += length
        elif k >= c.unit_end:
            break  # only nouns adjoining the count's own
        else:
            k += 1
    return best[1] if best else None


def _unit_left(tv: TokenView, sent: _Sentence, c: Counted) -> str | None:
    """The category of a count noun standing before the count, past linking words: "izin
    tinggal terbatas ada 9.370 orang", "petugas sebanyak 40 orang"."""
    words = tv.words
    k = first = min(c.start, c.unit_start) - 1
    while k >= sent.start:
        length = _linker_ending_at(words, k, sent.start)
        if not length:
            break
        k -= length
    if k == first:
        return None  # "izin tinggal 46 WNA" is the permits of 46 people, not 46 permits
    j = _unit_phrase_start(words, k, sent.start)
    if j is None:
        # "Pemohon yang datang mencapai 400 orang": the noun before a short "yang" clause
        for y in range(k, max(sent.start, k - RELATIVE_MAX) - 1, -1):
            if words[y] == "yang":
                j = _unit_phrase_start(words, y - 1, sent.start) if y > sent.start else None
                k = y - 1
                break
    return None if j is None else UNIT_OF[" ".join(words[j : k + 1])]


def _unit_phrase_start(words: list[str], k: int, lo: int) -> int | None:
    """Start of the count noun phrase ("paspor", "izin tinggal terbatas") ending at words[k]."""
    for j in range(max(lo, k - 3), k + 1):
        length = match_phrase(UNIT_INDEX, words, j)
        if length and j + length - 1 == k:
            return j
    return None


def _left_governor(tv: TokenView, sent: _Sentence, c: Counted, number_at,
                   unit_cat: str | None) -> Cue | None:
    """The verb or noun the count is the object of: the head of a chain of cues that stands
    right before it, past linking words ("melakukan penundaan terhadap 238 pemohon")."""
    words = tv.words
    k = min(c.start, c.unit_start) - 1
    while k >= sent.start:
        if words[k] == ")":  # "Tindakan Administrasi Keimigrasian (TAK) kepada 2.972 orang"
            j = k - 1
            while j > sent.start and words[j] != "(" and k - j < 8:
                j -= 1
            if words[j] == "(":
                k = j - 1
                continue
        length = _linker_ending_at(words, k, sent.start)
        if not length:
            break
        k -= length
    if k < sent.start:
        return None
    cue = sent.cue_at.get(k)
    noun_end = _unit_phrase_start(words, k, sent.start)
    if cue is None and noun_end is not None:
        # "penerbitan paspor kepada 142 orang", "memeriksa dokumen dan izin tinggal 46 WNA":
        # a document noun phrase may sit between the verb or noun and the count
        j, gap = noun_end - 1, 0
        while j >= sent.start and j not in sent.cue_at and gap < NP_GAP:
            if tv.punct[j] or words[j][:1].isdigit():
                return None
            j, gap = j - 1, gap + 1
        cue = sent.cue_at.get(j)
    if cue is None or cue.kind == "weak":
        return None
    return _chain_head(tv, sent, cue, number_at, unit_cat)


def _chain_head(tv: TokenView, sent: _Sentence, cue: Cue, number_at,
                unit_cat: str | None) -> Cue:
    """The cue that heads the chain `cue` ends. Indonesian noun phrases are head-first, so the
    leftmost cue decides ("menangguhkan pengajuan penerbitan paspor": departure postponed),
    unless it only names an activity around a fate named after it ("pengawasan keberangkatan
    deportasi": deportation). Coordinated cues count together and the first named decides
    ("mendeportasi atau memberikan tindakan administratif": deportation, GOLD.md)."""
    chain = [cue]
    j = cue.start - 1
    gap = 0
    crossed = False  # a coordinator passed since the last cue
    while j >= sent.start and gap <= CHAIN_GAP:
        w = tv.words[j]
        if tv.punct[j] and w != "/" or w[:1].isdigit() or w in NP_WORDS and w not in COORDINATORS:
            break
        other = sent.cue_at.get(j)
        if other is not None and other.kind != "weak":
            if crossed and any(k in number_at for k in range(other.start - 4, other.start)):
                break  # "68 deteni dideportasi dan pemindahan 17 deteni": that verb has its count
            chain.append(other)
            crossed = False
            gap = 0
            j = other.start - 1
            continue
        if w in SPECIFIERS:
            break  # "tindakan administratif berupa deportasi": the specific act decides
        if w in LIGHT_VERBS:
            # "mendeportasi atau memberikan tindakan administratif": coordinated verbs share
            # the object; otherwise the light verb's subject or topic stands before it
            if j - 1 >= sent.start and tv.words[j - 1] in COORDINATORS:
                j -= 1
                continue
            break
        if w not in COORDINATORS and w[:2] in ("me", "di") and len(w) > 5:
            break  # another verb ("menerima 20 WNA yang ..."): the chain stops at it
        crossed = crossed or w in COORDINATORS
        j, gap = j - 1, gap + (w not in COORDINATORS)
    chain.reverse()  # head first
    for c in chain:
        if c.category not in GENERIC:
            return c
    # only activities: the one that fits what was counted ("pelayanan penerbitan paspor
    # sebanyak 5.012 paspor": passports issued), else the head
    if unit_cat is not None:
        for c in chain:
            if c.category == unit_cat or c.category == "issued" and unit_cat in (
                    "passport_issued", "permit_issued"):
                return c
    return chain[0]


def _linker_ending_at(words: list[str], k: int, lo: int) -> int:
    """Length of a linking word or phrase ending at words[k], or 0."""
    for size in (3, 2, 1):
        i = k - size + 1
        if i >= lo and match_phrase(LINKER_INDEX, words, i) == size:
            return size
    return 0


def _right_predicate(tv: TokenView, sent: _Sentence, c: Counted, number_at, owned,
                     n: int, right_max: int) -> tuple[Cue | None, bool]:
    """The verb or noun the count is the subject of: the first cue past its noun phrase that
    governs no other count; with whether it stands in a "yang" relative clause."""
    words = tv.words
    k = max(c.unit_end, c.end)
    stop = min(sent.end, k + right_max)
    first: Cue | None = None
    in_relative = False
    depth = 0
    while k < stop:
        w = words[k]
        if w == "(":
            depth += 1
        elif w == ")":
            depth = max(0, depth - 1)
        elif depth:
            pass
        elif w in CLAUSE_PUNCT:
            nxt = k + 1
            if w == "," and nxt in number_at:  # "89 laki-laki, 53 perempuan ..." (a list)
                k = number_at[nxt].unit_end or nxt + 1
                continue
            after = sent.cue_at.get(nxt)
            if w == "," and first is None and after is not None and after.kind == "verb":
                return after, in_relative  # "lima di antaranya, diamankan dari ..."
            break
        elif k in number_at and k != c.start:
            if words[k - 1] not in ("dan", "serta", ","):
                break
            k = max(number_at[k].unit_end, number_at[k].end)  # coordinated: shares the predicate
            continue
        elif w == "yang":
            in_relative = True
        elif match_phrase(REASON_INDEX, words, k):
            break  # "17 di antaranya karena overstay": a reason, not a fate
        else:
            cue = sent.cue_at.get(k)
            if cue is not None and cue.kind in ("verb", "noun") and owned.get(id(cue), n) == n:
                if first is None:
                    first = cue
                    if not in_relative:
                        return cue, False
                elif cue.kind == "verb" and cue.start > first.end:
                    return cue, False  # "20 WNA yang melanggar izin tinggal diamankan"
                elif first.category in GENERIC and cue.category not in GENERIC:
                    first = cue  # "pemohon yang mengajukan ... PMI non prosedural"
                k = cue.end
                continue
        k += 1
    return first, first is not None


def _coordinated(tv: TokenView, sent: _Sentence, before: Counted, c: Counted) -> bool:
    """The count is joined to the one before by "dan", "serta" or a comma, in the same
    sentence, with nothing between that could govern it (no cue, no other verb)."""
    lo, hi = max(before.unit_end, before.end), min(c.start, c.unit_start)
    if not sent.start <= lo <= hi or hi - lo > COORDINATION_MAX:
        return False
    between = tv.words[lo:hi]
    if not any(w in COORDINATORS or w == "," for w in between):
        return False
    return not any(k in sent.cue_at for k in range(lo, hi)) and not any(
        len(w) > 5 and w[:2] in ("me", "di", "be", "te") for w in between)


def _is_subset(words: list[str], c: Counted, sent_start: int) -> bool:
    """ "17 di antaranya", "sisanya 5 orang", "dengan rincian ...": part of a group."""
    after = max(c.unit_end, c.end)
    if after < len(words) and match_phrase(SUBSET_AFTER, words, after):
        return True
    for k in range(max(sent_start, c.start - 6), c.start):
        if match_phrase(SUBSET_BEFORE, words, k):
            return True
    return False


def _group(tv: TokenView, counted: list[Counted], done: list[str], n: int,
           inherit_sentences: int) -> str | None:
    """The category of the count before, when it stands in this or the last few sentences."""
    here = tv.sent_of[counted[n].start]
    for m in range(n - 1, -1, -1):
        if here - tv.sent_of[counted[m].start] > inherit_sentences:
            return None
        if done[m] in STRONG_UNITS:
            return None  # staff is who was counted, not what happened: nothing to continue
        if done[m] != "other":
            return done[m]
    return None


def _nearest(tv: TokenView, sent: _Sentence, c: Counted, owned, n) -> tuple[Cue | None, bool]:
    """The nearest cue in the count's clause that no other count governs, weak cues last; and
    whether the clause holds any cue at all (a clause without one continues a list)."""
    lo, comma = _clause_start(tv, sent, min(c.start, c.unit_start))
    hi = _clause_end(tv, sent, max(c.unit_end, c.end))
    for k in range(max(c.unit_end, c.end), hi):
        if match_phrase(REASON_INDEX, tv.words, k):
            hi = k  # cues after "karena" give the reason
            break
    if comma is not None:
        # "WNA yang ditampung di Rudenim ..., tercatat sebanyak 7 orang": the count is said of
        # the subject before the comma, which its first cue describes
        for cue in sent.cues:
            if lo <= cue.start < comma and cue.kind in ("verb", "noun") \
                    and owned.get(id(cue), n) == n:
                return cue, True
    best, best_dist, any_cue = None, None, False
    for weak in (False, True):
        for cue in sent.cues:
            if cue.start < lo or cue.end > hi:
                continue
            any_cue = True
            if (cue.kind == "weak") != weak or owned.get(id(cue), n) != n:
                continue
            dist = c.start - cue.end if cue.end <= c.start else cue.start - max(c.unit_end, c.end)
            if best is None or dist < best_dist:
                best, best_dist = cue, dist
        if best is not None:
            return best, True
    return None, any_cue


def _clause_start(tv: TokenView, sent: _Sentence, k: int) -> tuple[int, int | None]:
    """First token of the clause holding token k, over one comma when a linker opens it; and
    that comma's position, if one was crossed."""
    words = tv.words
    j = k - 1
    crossed = None
    while j >= sent.start:
        w = words[j]
        if w in STRONG_PUNCT:
            break
        if w in CLAUSE_PUNCT:
            opener = words[j + 1] if j + 1 < len(words) else ""
            if crossed is None and opener in LEAD_LINKERS:
                crossed = j
                j -= 1
                continue
            break
        j -= 1
    return j + 1, crossed


def _clause_end(tv: TokenView, sent: _Sentence, k: int) -> int:
    """End (exclusive) of the clause holding the token before k."""
    words = tv.words
    j = k
    while j < sent.end and words[j] not in CLAUSE_PUNCT:
        j += 1
    return j


def _resolve(cue: Cue, words: list[str], c: Counted, sent: _Sentence) -> str:
    """The category of a cue, with "issued" and "refused" resolved by what was counted."""
    if cue.category == "issued":
        # the nearest document named: "izin tinggal kunjungan diberikan 24.373 orang"
        own = words[c.unit_start : c.unit_end]
        if any(w in PERMIT_WORDS for w in own):
            return "permit_issued"
        if any(w in PASSPORT_WORDS for w in own):
            return "passport_issued"
        for d in range(1, 8):
            for k in (cue.end - 1 + d, cue.start - d):
                if sent.start <= k < sent.end:
                    if words[k] in PERMIT_WORDS or words[k] in ("arrival", "kewarganegaraan"):
                        return "permit_issued"
                    if words[k] in PASSPORT_WORDS:
                        return "passport_issued"
        return "passport_issued"
    if cue.category == "residents":
        # "berada di Rumah Detensi Imigrasi", "ditampung di rudenim": held, not residing
        for k in range(cue.end, min(sent.end, cue.end + 5)):
            if match_phrase(DETENTION_PLACE, words, k):
                return "detention"
    if cue.category == "refused":
        near = words[cue.end : cue.end + 3] + words[max(sent.start, cue.start - 3) : cue.start]
        if any(w in ENTRY_WORDS for w in near):
            return "refusal_of_entry"
        sentence = words[sent.start : sent.end]
        if any(w in APPLICATION_WORDS or w in DEPARTURE_WORDS for w in sentence):
            return "departure_postponed"  # a passport, an application or a departure refused
        return "refusal_of_entry"
    return cue.category
