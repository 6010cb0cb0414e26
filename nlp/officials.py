"""The pantau_officials component: named officials with their role as written, linked to offices.

Over 400 lines: one component, the role grammar (titles, role words, names by shape,
handovers, appositions) whose steps call each other.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from rapidfuzz import fuzz
from spacy.language import Language
from spacy.tokens import Doc

from nlp.docstate import doc_state, set_facts
from nlp.gazetteer import fold
from nlp.offices import (
    Mention,
    OfficeFinder,
    Word,
    Words,
    doc_words,
    evidence_for_tokens,
    last_mentions,
    register_word_triggers,
    related_links,
    trie_longest,
)
from nlp.schema import Official
from nlp.sentences import token_texts
from nlp.tokenview import token_view
from nlp.vocabulary import load_vocabulary

# ---- vocabulary: data/patterns/officials.jsonl (folded words) -------------------------------
_V = load_vocabulary(
    "officials",
    required=(
        "title", "chain_title", "self_contained", "role_word", "connector", "name_stop",
        "honorific", "headline_word", "immigration_word", "apposition", "name_abbreviation",
        "present_only", "kanim_unit_word",
    ),
)  # fmt: skip
TITLES = [tuple(p.split()) for p in _V["title"]]  # words that open a role
CHAIN_TITLES = set(_V["chain_title"])  # "Plt", "Wakil": chain into the next title
SELF_CONTAINED = set(_V["self_contained"])  # a full role on their own ("Menkumham X")
ROLE_WORDS = set(_V["role_word"])  # in a role or unit name, never in a person's name
CONNECTORS = set(_V["connector"])  # "dan" inside a role: "Bidang Intelijen dan Penindakan"
NAME_STOP = set(_V["name_stop"])  # capitalised words that end a name: weekdays, "Saat" ...
HONORIFICS = set(_V["honorific"])  # dropped from a name: "H.", "Dr.", ranks ("Kombes Pol")
# Title-case headlines ("Kakanim Bogor Ajak Warga ...") put verbs where a name would be.
HEADLINE_WORDS = set(_V["headline_word"])
IMMIGRATION_WORDS = _V["immigration_word"]
APPOSITION_WORDS = set(_V["apposition"])  # "Budi selaku Kepala ..."
# Units only a Kantor Imigrasi has ("Kabid Inteldakim", "Kasi Keimigrasian").
KANIM_UNIT_WORDS = set(_V["kanim_unit_word"])
NAME_ABBREVIATIONS = set(_V["name_abbreviation"])  # "Mhd. Jahari", "Moh. Yusuf"
# "Turut hadir Kepala Kanim X, Budi": people merely present are not officials who act.
PRESENT_ONLY = re.compile(r"\b(?:" + "|".join(map(re.escape, _V["present_only"])) + r")\b")
VERB_SHAPE = re.compile(
    r"^(?:me|mem|men|meng|meny|ber|di|ter|per)[a-z]{3,}(?:kan|nya)$"
    r"|^(?:meng|meny|mem|men)[a-z]{4,}i$"
)
# pe-/per-/ke- ... -an nouns name units ("Bidang Perizinan", "Seksi Kepegawaian"), not people.
UNIT_NOUN_SHAPE = re.compile(
    r"^(?:pe|per|pen|pem|peng|peny|ke)[a-z]{3,}an$|^[a-z]{5,}(?:asi|isasi)$")
FUZZY_ROLE_WORD = 85  # "Dirjen Imgrasi Ronny Sompie": a typo of a role word is still a role word
FUZZY_OTHER_ROLE_WORD = 88  # the same for the other role words ("Kementrian", "Administrari")
LONG_ROLE_WORDS = tuple(r for r in ROLE_WORDS if len(r) >= 5)
# "Kemenkum", "Kemenag", "KemenImipas": ministries by shape; "BP3MI", "KJRI": agencies by shape.
MINISTRY_SHAPE = re.compile(r"^kemen[a-z]{2,}$|^kementr?ian$|^kemn[a-z]{3,}$")
ACRONYM_SHAPE = re.compile(r"^[A-Z][A-Z0-9]{2,}$")
MAX_NAME_TOKENS = 6
NAME_TOKEN_RE = re.compile(r"^[A-Z][A-Za-z'’`]*$|^(?:[A-Z]\.){1,3}$")
INITIALS_RE = re.compile(r"^(?:[A-Z]\.){1,3}$|^[A-Z]{1,3}$")

if not Doc.has_extension("pantau_people"):  # also registered by nlp.pipeline
    Doc.set_extension("pantau_people", default=None)

_TITLE_INDEX: dict[str, list[tuple[str, ...]]] = {}
for _t in sorted(TITLES, key=len, reverse=True):
    _TITLE_INDEX.setdefault(_t[0], []).append(_t)
TITLE_FIRSTS = frozenset(_TITLE_INDEX)
# Words between a role and its holder's name: a handover ("jabatan Kadiv X dari A kepada B"),
# a listing ("dua staf KJRI, yaitu A dan B").
NAME_INTRODUCERS = frozenset({"dari", "yaitu", "yakni"})
# Academic degrees written after a name: "MSi", "SPd", "MHum", "SH", "MM".
DEGREE_SHAPE = re.compile(r"^(?:[A-Z][a-z]{0,2}[A-Z][A-Za-z]{0,3}|[A-Z]{1,4})\.?$")
APPOSITION_ROLE_WORDS = 6  # role words after a comma that still belong to the role
MAX_POST_PLACE = 4  # words of the place after "di" in a role ("Konsul Jenderal RI di Johor Bahru")
# Police and army ranks: after one, the name begins ("Kapolresta Barelang Kombes Pol Heri").
RANKS = frozenset({"akbp", "kombes", "kompol", "akp", "iptu", "ipda", "aiptu", "brigjen",
                   "irjen", "komjen", "kolonel", "letkol", "mayor", "kapten", "pol",
                   "laksma", "marsma", "mayjen", "letjen", "serka", "serma", "bripka"})
FUZZY_TITLE = 85  # "Kepla", "Kepal": a typo of a title before an office still opens a role
ONE_WORD_TITLES = tuple(t[0] for t in TITLES if len(t) == 1 and len(t[0]) >= 5)
# "... kepada B" after a handover's first name, "... dan B" after a listed one: the same role.
SECOND_NAME = {"dari": "kepada", "yaitu": "dan", "yakni": "dan"}
# "kantor yang dipimpin Budi": the office's head, named by the verb.
LED_BY = frozenset({"dipimpin"})
register_word_triggers(TITLE_FIRSTS, LED_BY)


# fold() of token texts read as possible names; bounded, for a long crawl.
_fold_cached = lru_cache(maxsize=100_000)(fold)


def _is_role_word(w: Word, texts: list[str]) -> bool:
    """A word of a role or unit name (never of a person's name); `texts`: the Doc's token texts."""
    if w.word in ROLE_WORDS or UNIT_NOUN_SHAPE.match(w.word) or MINISTRY_SHAPE.match(w.word):
        return True
    if w.upper and ACRONYM_SHAPE.match(texts[w.tok]):
        return True  # "BP3MI", "KJRI", "NTT": agencies and places, never a person's name
    return w.upper and len(w.word) >= 4 and w.word.isalpha() and _near_role_word(w.word)


@lru_cache(maxsize=100_000)  # names and places recur: score each word once
def _near_role_word(word: str) -> bool:
    """A typo of a role word: "Imgrasi", "Kementrian", "Administrari", "Asai" (asasi)."""
    if max(fuzz.ratio(word, r) for r in IMMIGRATION_WORDS) >= FUZZY_ROLE_WORD:
        return True
    # other role words: a closer match, and only words of about the same length
    return any(abs(len(r) - len(word)) <= 2 and fuzz.ratio(word, r) >= FUZZY_OTHER_ROLE_WORD
               for r in LONG_ROLE_WORDS)


class OfficialFinder:
    """Finds title + name phrases and links the role to an office."""

    def __init__(self, offices: OfficeFinder):
        """Args:
        offices: the office finder whose gazetteer links roles ("Kakanim Serang") to offices.
        """
        self.offices = offices
        self._introducer: str | None = None  # the word before the last name read, if any

    def _title_at(self, words: Words, i: int) -> int:
        """Index after a (possibly chained) title at i, or i if there is none."""
        j = i
        while j < len(words):
            for t in _TITLE_INDEX.get(words.word[j], ()):
                if tuple(words.word[j : j + len(t)]) == t:
                    j += len(t)
                    break
            else:
                break
            if words.word[j - 1] not in CHAIN_TITLES:
                break
            if j < len(words) and words.word[j] == ".":
                j += 1
        return j

    def __call__(self, doc: Doc) -> Doc:
        mentions = last_mentions(doc)
        if mentions is None:
            mentions = self.offices.mentions(doc)
        by_tok = {m.start: m for m in mentions}
        words = doc_words(doc)
        doc_offices = {}
        for m in mentions:
            if m.office_id:
                doc_offices.setdefault(m.kind, set()).add(m.office_id)
        people: list[Official] = []
        links = related_links(doc)
        done = 0  # words before this index belong to a role or name already read
        typo_titles = _typo_titles(words, mentions)
        for i in sorted({*words.positions(TITLE_FIRSTS), *typo_titles}):
            if i < done or (links and any(a <= words.tok[i] < b for a, b in links)):
                continue
            w = words[i]
            j = typo_titles.get(i) or self._title_at(words, i)
            if j == i or j >= len(words):
                continue
            # a title in lower case ("dua staf Konsuler KJRI") only before a capitalised role
            if not (w.upper or words.tok[j] in by_tok or (
                    words.upper[j] and _is_role_word(words[j], token_texts(doc)[0]))):
                continue
            found = self._role_and_name(doc, words, i, j, by_tok, doc_offices)
            if found:
                present = self._present_only(doc, words.tok[i])
                people.append((found[0], present))
                done = found[1]
                second = self._second_name(doc, words, done, found[0])
                if second is not None:
                    people.append((second[0], present))
                    done = second[1]
            else:
                done = j
        people += [(p, False) for p in self._led_by(doc, words, mentions)]
        set_facts(doc, "pantau_people", _dedupe(people))
        return doc

    def _apposed_name(self, doc, words, k: int, texts: list[str]):
        """After a comma at words[k]: role words up to another comma, or none, then a name
        closed by a comma or followed by a lower-case word. Returns (role end, name) or None."""
        j = k + 1
        while j < len(words) and j - k <= APPOSITION_ROLE_WORDS and (
                (words.upper[j] and _is_role_word(words[j], texts))
                or words.word[j] in CONNECTORS):
            j += 1
        if j > k + 1:
            if j >= len(words) or words.word[j] != ",":
                return None
            role_end, j = j, j + 1
        else:
            role_end = k
        if j >= len(words) or words.word[j] in TITLE_FIRSTS:
            return None
        name = self._name_after(doc, words, j)
        if name is None or any(DEGREE_SHAPE.match(t) for t in texts[name[0] : name[1]]):
            return None  # "Drs H Longki Djanggola, MSi": a degree after the name, not a name
        after = name[2]
        closes = after >= len(words) or words.word[after] in (",", ".") or (
            not words.upper[after] and words.word[after].isalpha())
        return (role_end, name) if closes else None

    def _second_name(self, doc, words, k, first: Official):
        """ "... dari A kepada B", "... yaitu A dan B": B holds the same role."""
        if k + 1 >= len(words) or words.word[k] != SECOND_NAME.get(self._introducer):
            return None
        name = self._name_after(doc, words, k + 1)
        if name is None:
            return None
        tv = token_view(doc)
        return Official(
            name=" ".join(tv.span_text(name[0], name[1]).split()), role=first.role,
            office_id=first.office_id, evidence=evidence_for_tokens(doc, name[0], name[1]),
        ), name[2]

    def _led_by(self, doc, words, mentions) -> list[Official]:
        """ "kantor yang dipimpin Budi Santoso": the head of the office named before the verb."""
        out = []
        for i in words.positions(LED_BY):
            k = i + 1
            if k < len(words) and words.word[k] == "oleh":
                k += 1
            name = self._name_after(doc, words, k) if k < len(words) else None
            if name is None:
                continue
            tok = words.tok[i]
            tv = token_view(doc)
            sent_start = tv.sents[tv.sent_of[tok]][0]
            office = max((m for m in mentions if sent_start <= m.start < tok),
                         key=lambda m: m.start, default=None)
            if office is None:
                continue  # "tim yang dipimpin X": only an office's head is an official here
            role = "pimpinan " + " ".join(tv.span_text(office.start, office.end).split())
            out.append(Official(
                name=" ".join(tv.span_text(name[0], name[1]).split()), role=role,
                office_id=office.office_id, evidence=evidence_for_tokens(doc, name[0], name[1])))
        return out

    @staticmethod
    def _present_only(doc: Doc, tok: int) -> bool:
        """True if the sentence only lists the official as present ("Turut hadir Kepala ...")."""
        tv = token_view(doc)
        sent_start = tv.idx[tv.sents[tv.sent_of[tok]][0]]
        return bool(PRESENT_ONLY.search(tv.text[sent_start : tv.idx[tok]].lower()))

    def _role_and_name(self, doc, words, i, j, by_tok, doc_offices):
        """Parse the role after a title and find the name after (or before) it."""
        title_words = set(words.word[i:j])
        texts = token_texts(doc)[0]
        self._introducer = None
        role_end, office_id, kinds, content = j, None, [], 0
        k = j
        name_at = None
        while k < len(words):
            w = words[k]
            m: Mention | None = by_tok.get(w.tok)
            if m is not None and (k == 0 or words.tok[k - 1] != w.tok):
                kinds.append(m.kind)
                if m.office_id:
                    office_id = m.office_id
                while k < len(words) and words.tok[k] < m.end:
                    k += 1
                role_end, content = k, content + 1
                k = self.offices._paren(words, k)
                continue
            if w.upper and _is_role_word(w, texts):
                k, role_end, content = k + 1, k + 1, content + 1
                continue
            if (
                w.word in CONNECTORS
                and k + 1 < len(words)
                and words.upper[k + 1]
                and _is_role_word(words[k + 1], texts)
            ):
                k += 1
                continue
            if w.word == "di" and content and k + 1 < len(words) and words.upper[k + 1]:
                # "Konsul Jenderal RI di Johor Bahru, Sigit ...": where the post is, up to a comma
                j = k + 1
                while j < len(words) and words.upper[j] and j - k <= MAX_POST_PLACE:
                    j += 1
                if j < len(words) and words.word[j] == ",":
                    k, role_end = j, j
                    continue
            if w.word == "(":
                k = self.offices._paren(words, k)  # "Kepala Seksi ... (Inteldakim) Kantor ..."
                if k > role_end:
                    continue
                name_at = None
                break
            # a place names the region of a title ("Bupati Sleman"), never follows an office
            after_office = bool(kinds) and role_end == k
            if after_office:
                place_end = self.offices._region(words, k)  # "Kanim Kendari Sulawesi Tenggara"
            else:
                place_end = self.offices._general_place(words, k)
            if place_end > k:
                if office_id is None:
                    office_id = self._office_by_place(words[k:place_end], title_words)
                k, role_end, content = place_end, place_end, content + 1
                continue
            if (
                w.word == ","
                and k + 1 < len(words)
                and (
                    words.tok[k + 1] in by_tok
                    or (words.upper[k + 1] and _is_role_word(words[k + 1], texts))
                )
            ):
                k += 1  # "Kepala Bidang ..., Kantor Imigrasi Jakarta Selatan, <name>"
                continue
            if w.word in NAME_INTRODUCERS and content:
                # "Kadiv Administrasi dari Budi kepada Wati", "staf KJRI, yaitu Ani dan Ina"
                name_at = k + 1
                self._introducer = w.word
                break
            name_at = k + 1 if w.word == "," else k
            break
        title_only = content == 0
        if title_only and not (title_words & SELF_CONTAINED):
            return None
        name = self._name_after(doc, words, name_at) if name_at is not None else None
        if name is not None and self._introducer is None:
            # "staf Konsuler KBRI Manila, yaitu Rina ...": what looked like a name ends the role
            k = name[2]
            if k + 2 < len(words) and words.word[k] == "," and words.word[k + 1] in (
                    "yaitu", "yakni"):
                listed = self._name_after(doc, words, k + 2)
                if listed is not None:
                    role_end, name, self._introducer = k, listed, words.word[k + 1]
            elif k + 1 < len(words) and words.word[k] == "," and words.word[name_at - 1] != ",":
                # "Deputi Bidang Koordinasi Politik, Hukum dan Keamanan, Rudi Hartono," and
                # "Atase Imigrasi KBRI Kuala Lumpur, Andi Widjaja,": the role goes on to the
                # last comma before a name that closes the apposition
                later = self._apposed_name(doc, words, k, texts)
                if later is not None:
                    role_end, name = later
        if name is None:
            name = self._name_before(doc, words, i, bool(kinds))
            next_i = role_end
        else:
            next_i = name[2]
        if name is None:
            return None
        if office_id is None:
            role_words = title_words | set(words.word[j:role_end])
            office_id = self._office_by_role(kinds, role_words, doc_offices)
        tv = token_view(doc)
        role_text = tv.span_text(words.tok[i], words.tok[role_end - 1] + 1)
        return Official(
            name=" ".join(tv.span_text(name[0], name[1]).split()),
            role=" ".join(role_text.split()),
            office_id=office_id,
            evidence=evidence_for_tokens(doc, name[0], name[1]),
        ), next_i

    def _office_by_place(self, place_words: Words, title_words: set[str]) -> str | None:
        """ "Kakanim Serang" / "Kakanwil Jatim": the title says the kind, the place says which."""
        kind = (
            "kantor_imigrasi"
            if "kakanim" in title_words
            else "kanwil_imigrasi"
            if title_words & {"kakanwil", "kadiv"}
            else None
        )
        if kind is None:
            return None
        end, oid = trie_longest(self.offices.tries.get(kind, {}), place_words, 0)
        return oid if end == len(place_words) else None

    def _office_by_role(self, kinds, title_words, doc_offices) -> str | None:
        """A role naming an office without its place ("Kepala Kantor Imigrasi", "Kabid
        Inteldakim") means the one office of that kind the story names; "Dirjen Imigrasi" is the
        directorate general. `title_words`: the folded words of the whole role."""
        if "dirjen" in title_words or ("direktur" in title_words and "jenderal" in title_words):
            return self.offices.ditjen_id
        kanim_unit = "kakanim" in title_words or bool(title_words & KANIM_UNIT_WORDS)
        for kind in (*kinds, *(["kantor_imigrasi"] if kanim_unit else [])):
            ids = doc_offices.get(kind, set())
            if len(ids) == 1:
                return next(iter(ids))
        return None

    @staticmethod
    def _name_tokens(doc: Doc, start: int, step: int) -> list[int]:
        """Token indices of a name run from `start` going forward (step 1) or backward (-1)."""
        texts, glued = token_texts(doc)  # plain lists: a Token object per look costs more
        toks, t = [], start
        while 0 <= t < len(texts) and len(toks) < MAX_NAME_TOKENS:
            text = texts[t]
            if toks and ((text == "-" and glued[t] and glued[t - 1]) or text == "\n"):
                t += step  # "Abdul-Rahman"; a name broken over two lines
                continue
            low = _fold_cached(text)
            if low in NAME_ABBREVIATIONS or (
                text == "." and t > 0 and texts[t - 1].lower() in NAME_ABBREVIATIONS
            ):
                toks.append(t)  # "Mhd." may be one token or "Mhd" + "."
                t += step
                continue
            if (
                not NAME_TOKEN_RE.match(text)
                or low in NAME_STOP
                or low in ROLE_WORDS
                or low in HEADLINE_WORDS
                or VERB_SHAPE.match(low)
                or UNIT_NOUN_SHAPE.match(low)
            ):
                if not (toks or step < 0) and low.rstrip(".") in HONORIFICS:
                    t += step
                    continue
                break
            if low.replace(" ", "") in HONORIFICS and step > 0 and not toks:
                t += step
                continue
            if step > 0 and toks and low in RANKS:
                # "Kapolresta Barelang Kombes Pol Heri ...": what stood before the rank was the
                # unit or place of the role, and the name follows the rank
                toks = []
                t += step
                continue
            toks.append(t)
            t += step
        return sorted(toks)

    @staticmethod
    def _valid(doc: Doc, toks: list[int]) -> bool:
        """A name has a real word in it: suspects' initials ("SK", "AB") are not names, and a
        first word the article also writes in lower case ("Tinjau" / "tinjau") is a verb."""
        if not toks:
            return False
        state = doc_state(doc)
        texts = token_texts(doc)[0]
        if state.text_set is None:
            # the token texts as a set, built once per Doc at its first name (a few per story)
            state.text_set = set(texts)
        low = texts[toks[0]].lower()
        if low.islower() and low in state.text_set:
            return False
        full = [t for t in toks if not INITIALS_RE.match(texts[t])]
        if not full:
            return False
        # Initials only in front of a full name ("SM Godam"), and acronyms are not names.
        return all(
            len(texts[t]) > 1 or texts[t] == "." or texts[t].isupper() for t in toks
        ) and not any(texts[t].isupper() and len(texts[t]) > 3 for t in toks)

    def _name_after(self, doc, words, k):
        if k >= len(words):
            return None
        toks = self._name_tokens(doc, words.tok[k], 1)
        while toks and INITIALS_RE.match(token_texts(doc)[0][toks[-1]]):
            toks.pop()  # initials end no name
        if not self._valid(doc, toks):
            return None
        end_tok = toks[-1] + 1
        next_i = k
        while next_i < len(words) and words.tok[next_i] < end_tok:
            next_i += 1
        return toks[0], end_tok, next_i

    def _name_before(self, doc, words, i, names_office: bool):
        """ "ujar Budi Santoso, Kepala ..." / "Budi selaku Kepala ..." / "Budi Kepala ..." when
        the name opens the sentence."""
        t = words.tok[i] - 1
        if t < 0:
            return None
        text = token_texts(doc)[0][t]
        if text == "," or text.lower() in APPOSITION_WORDS:
            toks = self._name_tokens(doc, t - 1, -1)
        else:
            toks = self._name_tokens(doc, t, -1)
            # without a comma, only before a role naming an office: not "Surat Edaran Dirjen"
            if not (toks and names_office) or not (
                doc[toks[0]].is_sent_start or doc[toks[0] - 1].is_space
            ):
                return None
        if not toks or not self._valid(doc, toks):
            return None
        before = toks[0] - 1
        # The run must start a clause: "ujar Budi, Kepala", not "Kantor Imigrasi Bogor, Kepala".
        if before >= 0 and (doc[before].text[:1].isupper() and not doc[before].is_punct):
            return None
        return toks[0], toks[-1] + 1, i


def _typo_titles(words: Words, mentions) -> dict[int, int]:
    """ "Kepla Kantor Imigrasi Bogor, Ruhiyat": a capitalised word right before an office
    mention that is a typo of a one-word title opens a role. Returns {word index: index after}."""
    out = {}
    tok = words.tok
    for m in mentions:
        i = bisect_left(tok, m.start)  # the first word of the mention
        if 0 < i < len(tok) and tok[i] == m.start and tok[i - 1] != m.start:
            w = words[i - 1]
            if w.upper and w.word not in TITLE_FIRSTS and _near_title(w.word):
                out[i - 1] = i
    return out


@lru_cache(maxsize=20_000)
def _near_title(word: str) -> bool:
    return len(word) >= 5 and word.isalpha() and any(
        fuzz.ratio(word, t) >= FUZZY_TITLE for t in ONE_WORD_TITLES)


@lru_cache(maxsize=20_000)  # every pair of people compares keys: fold() once per name
def _name_key(name: str) -> frozenset[str]:
    return frozenset(w for w in fold(name).split() if len(w) > 1)


def _dedupe(people: list[tuple[Official, bool]]) -> list[Official]:
    """One entry per person: "Reza" and "Muhammad Reza Alkahfi", or a misspelt surname, merge.
    A person only ever listed as present is dropped."""
    out: list[Official] = []
    acts: list[bool] = []
    for p, present_only in people:
        key = _name_key(p.name)
        for n, q in enumerate(out):
            qkey = _name_key(q.name)
            if (
                key <= qkey
                or qkey <= key
                or fuzz.ratio(" ".join(sorted(key)), " ".join(sorted(qkey))) >= 88
            ):
                if len(key) > len(qkey):
                    q.name = p.name
                if (p.office_id and not q.office_id) or (
                    bool(p.office_id) == bool(q.office_id) and len(p.role or "") > len(q.role or "")
                ):
                    q.role, q.office_id, q.evidence = p.role, p.office_id, p.evidence
                acts[n] = acts[n] or not present_only
                break
        else:
            out.append(p)
            acts.append(not present_only)
    return [p for p, act in zip(out, acts, strict=True) if act]


@Language.factory("pantau_officials", assigns=["doc._.pantau_people"], default_config={})
def make_official_finder(nlp: Language, name: str) -> OfficialFinder:
    """Build pantau_officials, sharing pantau_offices' gazetteer when it is in the pipeline."""
    if "pantau_offices" in nlp.pipe_names:
        return OfficialFinder(nlp.get_pipe("pantau_offices"))
    return OfficialFinder(OfficeFinder())
