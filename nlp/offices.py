"""The pantau_offices component: immigration-unit mentions linked to gazetteer office_ids.

Over 400 lines: one component, the office grammar (heads, classes, places, the gazetteer tries
and the regional-office forms) that pantau_officials reads too; split, each part would
import the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter

from rapidfuzz import fuzz, process
from spacy.language import Language
from spacy.tokens import Doc

from nlp.docstate import doc_state, set_facts
from nlp.gazetteer import GazetteerError, fold, load_offices, load_places, place_words
from nlp.schema import Evidence, Office
from nlp.sentences import token_texts
from nlp.tokenview import TriggerHits, register_triggers, token_view
from nlp.vocabulary import load_vocabulary

# ---- vocabulary: data/patterns/offices.jsonl (folded words) ---------------------------------
_V = load_vocabulary(
    "offices",
    required=(
        "head:kantor_imigrasi", "head:rudenim", "head:unit_layanan_paspor",
        "head:ditjen_imigrasi", "head:kanwil_imigrasi", "weak_head_blocker", "kanwil_org",
        "class_start", "class_numeral", "class_word", "roman_class", "tpi_long", "place_prefix",
        "ditjen_owned",
    ),
)  # fmt: skip
# Head phrase -> office kind. "imigrasi" alone is a weak head: it needs a known office place.
HEADS = {tuple(p.split()): lab[5:] for lab, ps in _V.items() if lab.startswith("head:") for p in ps}
WEAK_HEAD = ("imigrasi",)
# Heads by first word, longest first, so that each word costs one dict lookup.
_HEADS_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _h in sorted(HEADS, key=len, reverse=True):
    _HEADS_BY_FIRST.setdefault(_h[0], []).append(_h)
HEAD_FIRSTS = frozenset(_HEADS_BY_FIRST)
# A bare "Imigrasi" after these words belongs to another name ("Tempat Pemeriksaan Imigrasi",
# "Hari Bhakti Imigrasi", "Dirjen Imigrasi" as a person's title, "Pos Imigrasi" = a TPI post).
WEAK_HEAD_BLOCKERS = set(_V["weak_head_blocker"])
# Regional offices: the ministry or directorate between "Kanwil" and the province, longest
# first. The old Kemenkumham names count (immigration was one of its divisions until Oct 2024);
# "Kemenkum" (the 2024 law ministry) is a different body and is deliberately absent.
KANWIL_ORGS = sorted((tuple(p.split()) for p in _V["kanwil_org"]), key=len, reverse=True)
CLASS_START = set(_V["class_start"])  # "Kelas", "Klas", "Kls"
CLASS_NUMERALS = set(_V["class_numeral"])
CLASS_WORDS = set(_V["class_word"])  # "Khusus", "Non", "TPI"
ROMAN_CLASSES = set(_V["roman_class"])  # "Kanim II Depok": a class without "Kelas"
TPI_LONG = tuple(_V["tpi_long"][0].split())  # "Tempat Pemeriksaan Imigrasi (TPI)"
# Words that may precede a place without being part of its gazetteer key ("Kota", "Bandara").
PLACE_PREFIXES = set(_V["place_prefix"])
# Nouns after which the Ditjen is only the owner of something a local office uses ("inovasi
# turunan Direktorat Jenderal Imigrasi", "aplikasi ... Ditjen Imigrasi"), not an actor.
DITJEN_OWNED = set(_V["ditjen_owned"])
# "Baca juga: Kantor Imigrasi Balikpapan Raih Penghargaan": a link to another story, whose
# offices and officials are not this story's.
RELATED_LINK = re.compile(r"(?im)^[ \t]*(?:baca|simak|lihat)\s+(?:juga|pula)\b[^\n]*")
RELATED_LINK_FIRSTS = frozenset({"baca", "simak", "lihat"})  # a match starts with one of these
MAX_PAREN_WORDS = 4
CITY_KINDS = {"kabupaten", "kota", "office"}
FUZZY_MAX_WORDS = 3
FUZZY_CACHE_MAX = 50_000  # (text, kind) pairs looked up by fuzzy match, kept per process


@dataclass
class Mention:
    """One office phrase in a doc: token span, kind, linked id (or None) and folded place words."""

    start: int
    end: int
    kind: str
    office_id: str | None
    place: tuple[str, ...]
    generic: bool = False  # a head without a place ("Kepala Kantor Imigrasi, ..."): not an office
    owner_only: bool = False  # "inovasi Direktorat Jenderal Imigrasi": named as an owner only
    fuzzy: bool = False  # read through a typo ("Kementrian"): another mention names it better


# Also registered by nlp.pipeline; set here so that the component works on its own.
if not Doc.has_extension("pantau_offices"):
    Doc.set_extension("pantau_offices", default=None)


def _trie_add(trie: dict, words: tuple[str, ...], value) -> None:
    node = trie
    for w in words:
        node = node.setdefault(w, {})
    node[None] = value


def trie_longest(trie: dict, words: list, i: int):
    """Longest key of `trie` starting at words[i]; returns (end, value) or (i, None)."""
    node, best = trie, (i, None)
    j = i
    seq = words.word if isinstance(words, Words) else [w.word for w in words]
    while j < len(seq) and seq[j] in node:
        node = node[seq[j]]
        j += 1
        if None in node:
            best = (j, node[None])
    return best


_FOLD_CACHE: dict[str, tuple[tuple[str, ...], bool, int, str]] = {}
_FOLD_CACHE_MAX = 200_000  # distinct token texts; bounds memory on a long crawl


@dataclass(slots=True)
class Word:
    """A folded word with the token it came from (one token may give several words)."""

    word: str
    tok: int
    upper: bool


# Folded words pantau_offices and pantau_officials look for first (heads, titles): one pass
# over the Doc finds them all (Words.positions).
_WORD_TRIGGERS: frozenset[str] = frozenset()
_REGISTERED: set[frozenset[str]] = set()  # vocabularies known to be within _WORD_TRIGGERS


def register_word_triggers(*vocabularies: frozenset[str]) -> None:
    """Add word sets that components pass to Words.positions (at import time)."""
    global _WORD_TRIGGERS
    _WORD_TRIGGERS = _WORD_TRIGGERS.union(*vocabularies)


class Words:
    """The doc as folded words, kept as three parallel lists (building one object per word
    cost more than the whole tokenizer); `words[i]` makes a Word on demand."""

    __slots__ = ("word", "tok", "upper", "_triggers")

    def __init__(self):
        self.word: list[str] = []
        self.tok: list[int] = []
        self.upper: list[bool] = []
        self._triggers: TriggerHits | None = None  # over `word`, once doc_words has built it

    def positions(self, vocab: frozenset[str]) -> list[int]:
        """Indices of the words in `vocab`, in order (see register_word_triggers)."""
        if self._triggers is None:
            self._triggers = TriggerHits(self.word, _WORD_TRIGGERS, _REGISTERED)
        return self._triggers.positions(vocab)

    def __len__(self) -> int:
        return len(self.word)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [
                Word(w, t, u)
                for w, t, u in zip(self.word[i], self.tok[i], self.upper[i], strict=True)
            ]
        return Word(self.word[i], self.tok[i], self.upper[i])


register_word_triggers(HEAD_FIRSTS)
register_triggers(RELATED_LINK_FIRSTS)

# Token kinds in the fold cache: a plain word, whitespace, a hyphen, several folded words.
_WORD, _SPACE, _HYPHEN, _MULTI = 0, 1, 2, 3
_UPPER, _KIND, _FIRST_WORD = itemgetter(1), itemgetter(2), itemgetter(3)


def _fold_token(text: str) -> tuple[tuple[str, ...], bool, int, str]:
    """(folded words, capitalised, kind, first folded word) of a token text, cached."""
    hit = _FOLD_CACHE.get(text)
    if hit is None:
        folded = fold(text)
        ws = tuple(folded.split()) or (text,)
        kind = (_SPACE if text.isspace() else _HYPHEN if text == "-"
                else _WORD if len(ws) == 1 else _MULTI)
        hit = (ws, bool(folded) and (text[0].isupper() or text[0].isdigit()), kind, ws[0])
        if len(_FOLD_CACHE) < _FOLD_CACHE_MAX:
            _FOLD_CACHE[text] = hit
    return hit



def related_links(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of "Baca juga: ..." lines (links to other stories)."""
    state = doc_state(doc)
    if state.links is not None:  # pantau_offices and pantau_officials both ask
        return state.links
    out = []
    # Every match starts with one of RELATED_LINK_FIRSTS as a token of its own: most texts
    # are passed over without the regex, which tries every line start of the text.
    tv = token_view(doc)
    matches = RELATED_LINK.finditer(tv.text) if tv.positions(RELATED_LINK_FIRSTS) else ()
    for m in matches:
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is not None:
            out.append((span.start, span.end))
    state.links = out
    return out


def last_mentions(doc: Doc) -> list[Mention] | None:
    """The office mentions pantau_offices found in `doc`, if it was the last Doc it saw."""
    return doc_state(doc).mentions


def doc_words(doc: Doc) -> Words:
    """Fold the doc into words; punctuation stays as itself, a hyphen inside a name disappears."""
    state = doc_state(doc)
    if state.words is not None:
        return state.words
    out = Words()
    texts, glued = token_texts(doc)
    n = len(texts)
    try:
        hits = list(map(_FOLD_CACHE.__getitem__, texts))
    except KeyError:  # a token text not seen before (rare once the cache is warm)
        hits = [_fold_token(t) for t in texts]
    # Most tokens are one plain word each: the lists are built for all tokens with map (no
    # Python step per token, which cost more than the tokenizer), then the few others, found
    # with compress, are spliced in.
    kinds = list(map(_KIND, hits))
    first_words, uppers = list(map(_FIRST_WORD, hits)), list(map(_UPPER, hits))
    special = list(compress(range(n), kinds))  # _WORD is 0
    if not special:
        out.word, out.tok, out.upper = first_words, list(range(n)), uppers
        state.words = out
        return out
    # A hyphen glued on both sides of a word is dropped: "Soekarno-Hatta" is tokenised
    # Soekarno / - / Hatta. "Glued before" looks back past hyphens already dropped.
    dropped: set[int] = set()
    for i in special:
        if kinds[i] != _HYPHEN:
            continue
        p = i - 1
        while p in dropped:
            p -= 1
        if glued[i] and p >= 0 and kinds[p] != _SPACE and glued[p]:
            dropped.add(i)
    word, tok, upper = out.word, out.tok, out.upper
    prev = 0
    for i in special:
        word += first_words[prev:i]
        upper += uppers[prev:i]
        tok += range(prev, i)
        kind = kinds[i]
        if kind == _MULTI:  # "1.331" folds to "1 331": one token, two words
            ws = hits[i][0]
            word += ws
            upper += [uppers[i]] * len(ws)
            tok += [i] * len(ws)
        elif kind == _HYPHEN and i not in dropped:
            word.append(first_words[i])
            upper.append(uppers[i])
            tok.append(i)
        prev = i + 1
    word += first_words[prev:]
    upper += uppers[prev:]
    tok += range(prev, n)
    state.words = out
    return out


class OfficeFinder:
    """Finds office mentions and links them to gazetteer rows."""

    def __init__(self, gazetteer_path=None, places_path=None, fuzzy_threshold: float = 90.0):
        """Build the place tries.

        Args:
            gazetteer_path: offices CSV; None means data/gazetteer/offices.csv.
            places_path: province/regency names CSV; None means data/gazetteer/places.csv.
            fuzzy_threshold: rapidfuzz ratio (0-100) a misspelt place needs to link; high so
                that a near miss never invents an office.
        """
        self.offices = {o["office_id"]: o for o in load_offices(gazetteer_path)}
        self.fuzzy_threshold = fuzzy_threshold
        self._fuzzy_cache: dict[tuple[str, str], tuple | None] = {}
        self.tries: dict[str, dict] = {}
        self.keys: dict[str, dict[str, str]] = {}
        for o in self.offices.values():
            for name in (o["name"], *o["aliases"]):
                words = place_words(name)
                if words:
                    _trie_add(self.tries.setdefault(o["kind"], {}), words, o["office_id"])
                    self.keys.setdefault(o["kind"], {})[" ".join(words)] = o["office_id"]
        ditjen = [o for o in self.offices.values() if o["kind"] == "ditjen_imigrasi"]
        self.ditjen_id = ditjen[0]["office_id"] if ditjen else None
        # place words -> the provinces a place of that name lies in
        # place words -> provinces a place of that name lies in. `cities` has no provinces:
        # "Kantor Imigrasi ... Surabaya" may add its city, not its province; `regions` has only
        # provinces and their abbreviations.
        self.places: dict = {}
        self.cities: dict = {}
        self.regions: dict = {}
        named = list(load_places(places_path))
        for o in self.offices.values():
            kind = "region" if o["kind"] == "kanwil_imigrasi" else "office"
            named += [(n, o["province"], kind) for n in (o["place"], *o["aliases"])]
        for name, province, kind in named:
            words = place_words(name) if kind in ("office", "region") else tuple(fold(name).split())
            tries = [self.places, self.cities if kind in CITY_KINDS else self.regions]
            for trie in tries:
                if words:
                    node = trie
                    for w in words:
                        node = node.setdefault(w, {})
                    node.setdefault(None, set()).add(fold(province))
        if not self.tries.get("kantor_imigrasi"):
            raise GazetteerError("office gazetteer has no kantor_imigrasi rows with a place")

    # -- small parsers over the word list; each returns the index after what it consumed --
    @staticmethod
    def _paren(words: Words, i: int) -> int:
        """Skip a short parenthetical such as "(Kanim)" or "(TPI)"."""
        if i < len(words) and words.word[i] == "(":
            for j in range(i + 1, min(i + MAX_PAREN_WORDS + 2, len(words))):
                if words.word[j] == ")":
                    return j + 1
        return i

    @staticmethod
    def _seq(words: Words, i: int, seq: tuple[str, ...]) -> int:
        n = len(seq)
        if tuple(words.word[i : i + n]) == seq:
            return i + n
        return i

    def _class(self, words: Words, i: int) -> int:
        """Skip a class: "Kelas I Khusus TPI", "Kelas 1 Non TPI", "Kelas II" ..."""
        j = i
        if j < len(words) and words.word[j] in CLASS_START:
            j += 1
            if j < len(words) and words.word[j] in CLASS_NUMERALS:
                j += 1
            else:
                return i
        elif (
            j + 1 < len(words)
            and words.word[j] in ROMAN_CLASSES
            and words.upper[j]
            and words.upper[j + 1]
        ):
            j += 1  # "Kanim II Depok": the class numeral without "Kelas"
        while j < len(words):
            if words.word[j] in CLASS_WORDS:
                j += 1
            elif (k := self._seq(words, j, TPI_LONG)) > j:
                j = self._paren(words, k)
            else:
                break
        return j

    def _place(self, words: Words, i: int, kind: str):
        """Match a gazetteer place of `kind` at i; returns (end, office_id) or (i, None)."""
        trie = self.tries.get(kind, {})
        j = i
        for _ in range(3):  # at most "Bandara Internasional" before the place
            if j < len(words) and words.upper[j]:
                end, oid = trie_longest(trie, words, j)
                if oid:
                    return end, oid
            if j < len(words) and words.word[j] in PLACE_PREFIXES:
                j += 1
            else:
                break
        return i, None

    def _fuzzy_place(self, words: Words, i: int, kind: str):
        """Link a misspelt place ("Soekarno Hata") when one is close enough."""
        keys = self.keys.get(kind)
        if not keys:
            return i, None
        best = (i, None, 0.0)
        j = i
        while (
            j < len(words)
            and j - i < FUZZY_MAX_WORDS
            and words.upper[j]
            and words.word[j].isalpha()
        ):
            j += 1
            cand = " ".join(words.word[i:j])
            if len(cand) < 5:
                continue
            hit = self._closest_key(cand, kind)
            if hit and hit[1] > best[2]:
                best = (j, keys[hit[0]], hit[1])
        return best[0], best[1]

    def _closest_key(self, cand: str, kind: str):
        """rapidfuzz's best place key of `kind` for `cand`, or None (cached per finder: the
        same places recur in every story about an office, and each search scores every key)."""
        cache_key = (cand, kind)
        if cache_key not in self._fuzzy_cache:
            if len(self._fuzzy_cache) >= FUZZY_CACHE_MAX:
                self._fuzzy_cache.clear()
            self._fuzzy_cache[cache_key] = process.extractOne(
                cand, self.keys[kind].keys(), scorer=fuzz.ratio, score_cutoff=self.fuzzy_threshold
            )
        return self._fuzzy_cache[cache_key]

    def _region(self, words: Words, i: int) -> int:
        """Index after a province name or abbreviation at i ("Sulawesi Tenggara", "Jatim")."""
        if i < len(words) and words.upper[i]:
            end, hit = trie_longest(self.regions, words, i)
            if hit:
                return end
        return i

    def _city(self, words: Words, i: int) -> int:
        """Index after a regency or city name at i."""
        if i < len(words) and words.upper[i]:
            end, hit = trie_longest(self.cities, words, i)
            if hit:
                return end
        return i

    def _general_place(self, words: Words, i: int, province: str | None = None) -> int:
        """Index after a place name at i; given `province`, only a city or regency in it."""
        if i < len(words) and words.upper[i]:
            end, provinces = trie_longest(
                self.places if province is None else self.cities, words, i
            )
            if provinces and (province is None or fold(province) in provinces):
                return end
        return i

    def _mention_at(self, words: Words, i: int) -> Mention | None:
        """Parse an office mention starting at words[i], or None."""
        heads = _HEADS_BY_FIRST.get(words.word[i])
        if not heads:
            return None
        for head in heads:
            j = self._seq(words, i, head)
            if j > i:
                kind = HEADS[head]
                break
        else:
            return None
        weak = head == WEAK_HEAD
        if weak and i > 0 and words.word[i - 1] in WEAK_HEAD_BLOCKERS:
            return None
        tok0 = words.tok[i]
        if kind == "ditjen_imigrasi":
            before = words.word[max(0, i - 2) : i]
            # "inovasi Ditjen Imigrasi", "unit pelaksana teknis dari Ditjen Imigrasi"
            owned = bool(before) and (before[-1] in DITJEN_OWNED or (
                len(before) == 2 and before[1] in ("dari", "di") and before[0] in DITJEN_OWNED))
            return Mention(tok0, words.tok[j - 1] + 1, kind, self.ditjen_id, (), owner_only=owned)
        j = self._paren(words, j)
        if kind == "kanwil_imigrasi":
            return self._kanwil(words, i, j)
        k = self._class(words, j)
        has_class = k > j
        if weak and not words.upper[i] and k < len(words) and words.word[k] in PLACE_PREFIXES:
            return None  # lower-case "imigrasi Bandara X" is passport control, not the office
        end, oid = self._place(words, k, kind)
        if oid is None:
            end, oid = self._fuzzy_place(words, k, kind)
        if oid is not None:
            # "Tanjung Perak Surabaya": the city the office is in; not "Kanim Kendari Bima Arya"
            end = self._general_place(words, end, self.offices[oid]["province"])
        elif weak:
            # "Imigrasi Bali telah mendeportasi ...": a province's immigration, named as written
            end = self._region(words, k) if words.upper[i] and not has_class else k
            if end == k:
                return None
            return Mention(tok0, words.tok[end - 1] + 1, kind, None, tuple(words.word[k:end]))
        else:
            end = self._city(words, k)  # "Kantor Imigrasi Bali" names no single office
            if (
                end == k
                and has_class
                and k < len(words)
                and words.upper[k]
                and words.word[k].isalpha()
            ):
                end = k + 1  # an office missing from the gazetteer, named after its class
        if end == k and oid is None:
            return Mention(tok0, words.tok[max(k, j) - 1] + 1, kind, None, (), generic=True)
        place = tuple(words.word[k:end])
        return Mention(tok0, words.tok[end - 1] + 1, kind, oid, place)

    def _kanwil(self, words: Words, i: int, j: int) -> Mention | None:
        org_end, fuzzy = j, False
        for org in KANWIL_ORGS:
            if (k := self._seq(words, j, org)) > j:
                org_end = self._paren(words, k)
                break
        else:
            k = _fuzzy_org(words, j)  # "Kementrian Hukum dan Hak Asai Manusia": typos
            if k > j:
                org_end = self._paren(words, k)
                fuzzy = True
        k = org_end + 1 if org_end < len(words) and words.word[org_end] == "provinsi" else org_end
        end, oid = trie_longest(self.tries.get("kanwil_imigrasi", {}), words, k)
        if oid is None and k < len(words) and words.upper[k]:
            end, oid = self._fuzzy_place(words, k, "kanwil_imigrasi")
        if oid is not None:
            return Mention(
                words.tok[i],
                words.tok[end - 1] + 1,
                "kanwil_imigrasi",
                oid,
                tuple(words.word[k:end]),
                fuzzy=fuzzy,
            )
        if org_end == j:
            return None  # "Kanwil" + something unknown: not ours
        return Mention(
            words.tok[i], words.tok[org_end - 1] + 1, "kanwil_imigrasi", None, (), generic=True
        )

    def mentions(self, doc: Doc) -> list[Mention]:
        """Every office phrase in the doc, left to right, not overlapping, outside link lines."""
        words = doc_words(doc)
        links = related_links(doc)
        out, end = [], -1
        # only words that can start a head are tried: one set lookup per word
        for i in words.positions(HEAD_FIRSTS):
            if words.tok[i] < end:
                continue  # inside the previous mention
            m = self._mention_at(words, i)
            if m is None:
                continue
            if not any(a <= m.start < b for a, b in links):
                out.append(m)
            end = m.end
        return out

    def __call__(self, doc: Doc) -> Doc:
        mentions = self.mentions(doc)
        _resolve_unlinked(mentions)
        doc_state(doc).mentions = mentions
        set_facts(doc, "pantau_offices", self.offices_from(doc, mentions))
        return doc

    def offices_from(self, doc: Doc, mentions: list[Mention]) -> list[Office]:
        """One Office per office_id (or unlinked place), named by its fullest written form."""
        best: dict = {}
        acting = {m.office_id for m in mentions if not m.owner_only}
        tv = token_view(doc)
        for m in mentions:
            if m.generic or m.office_id not in acting:
                continue
            key = m.office_id or (m.kind, m.place)
            text = GLUED_PREFIX.sub("", tv.span_text(m.start, m.end))  # "ARAFURA,-Kantor ..."
            size = (not m.fuzzy, m.end - m.start, len(text))  # as written without typos first
            if key not in best or size > best[key][0]:
                best[key] = (size, text, m)
        out = []
        for _size, text, m in sorted(best.values(), key=lambda b: b[2].start):
            kind = self.offices[m.office_id]["kind"] if m.office_id else m.kind
            out.append(
                Office(
                    name=" ".join(text.split()),
                    office_id=m.office_id,
                    kind=kind,
                    evidence=evidence_for_tokens(doc, m.start, m.end),
                )
            )
        return out


# A dateline glued to the office's name ("MERAUKE,ARAFURA,-Kantor Imigrasi"): not the name.
GLUED_PREFIX = re.compile(r"^\S*?[,;:]-?(?=[A-Z])")
FUZZY_ORG = 88  # a ministry's name written with typos is still that name


def _fuzzy_org(words: Words, j: int) -> int:
    """Index after a regional office's organisation written with typos, or j."""
    for org in KANWIL_ORGS:
        n = len(org)
        if n < 3 or j + n > len(words):
            continue  # short names ("kemenkumham") have no room for a typo that still reads
        if fuzz.ratio(" ".join(words.word[j : j + n]), " ".join(org)) >= FUZZY_ORG:
            return j + n
    return j


def _resolve_unlinked(mentions: list[Mention]) -> None:
    """Give an unlinked mention the id of the one linked office of its kind it abbreviates.

    "Kantor Imigrasi Jakarta" next to "Kantor Imigrasi Jakarta Pusat" is that office; a bare
    "Kanwil Ditjen Imigrasi" is the one regional office the story names, if it names one.
    """
    linked: dict[str, dict[str, tuple]] = {}
    for m in mentions:
        if m.office_id:
            linked.setdefault(m.kind, {})[m.office_id] = m.place
    for m in mentions:
        if m.office_id:
            continue
        same = linked.get(m.kind, {})
        if m.generic:
            if m.kind == "kanwil_imigrasi" and len(same) == 1:
                m.office_id, m.generic = next(iter(same)), False
            continue
        fits = [oid for oid, place in same.items() if place[: len(m.place)] == m.place]
        if len(fits) == 1:
            m.office_id = fits[0]


def evidence_for(span) -> Evidence:
    """The sentence holding `span`, with its character offsets in the doc text (the whole doc
    when no component set sentence boundaries)."""
    return evidence_for_tokens(span.doc, span.start, span.end)


def evidence_for_tokens(doc: Doc, start: int, end: int) -> Evidence:
    """evidence_for(doc[start:end]), read from the Doc's TokenView.

    Like spaCy's Span.sent, a span that crosses a sentence end gets its first sentence only;
    Span.sent walking the Doc token by token cost more than finding the offices.
    """
    tv = token_view(doc)
    if not tv.sents:
        return Evidence(sentence="", start=0, end=0)
    first, last = tv.sents[tv.sent_of[start]]
    a, b = tv.idx[first], tv.end_char[last - 1]
    text = tv.text[a:b].rstrip()
    return Evidence(sentence=text, start=a, end=a + len(text))


@Language.factory(
    "pantau_offices",
    assigns=["doc._.pantau_offices"],
    default_config={"gazetteer_path": None, "places_path": None, "fuzzy_threshold": 90.0},
)
def make_office_finder(
    nlp: Language, name: str, gazetteer_path, places_path, fuzzy_threshold: float
) -> OfficeFinder:
    """Build pantau_offices (fails at construction on a missing or empty gazetteer)."""
    return OfficeFinder(gazetteer_path, places_path, fuzzy_threshold)
