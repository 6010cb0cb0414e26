"""Sentence boundaries for Indonesian news: the pantau_sentences component."""

from __future__ import annotations

from array import array
from itertools import compress
from typing import NamedTuple

import numpy
from spacy.attrs import IDX, LENGTH, ORTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc

from nlp.docstate import doc_state
from nlp.tokenizer import source_text

# Tokens that end a sentence when what follows looks like a sentence start.
TERMINALS = {".", "!", "?", "…", "...", "?!", "!?"}
# Words followed by "." that never end a sentence: titles, ranks, "No.", "Jl." (spaCy splits
# "Kol." into "Kol" + ".", but keeps "H." or "No." whole, so both shapes are checked).
NEVER_FINAL = set(
    """
a.n abd ach bpk brigjen dr dra drs ds fax h hj hlm ibu inf ir irjen jend jl jln kab kav kec kel
kh kol kombes komjen let letkol m mar mayjen mhd moch mochd moh muh no nomor ny prof prov pt rt
rw sdr sdri st tel telp tn u.p vs yth
""".split()
)
# Abbreviations that may end a sentence ("... paspor, visa, dll. Selain itu ...").
MAY_END = {"dll", "dsb", "dst", "tsb", "dkk", "sbb", "dl", "tbk"}
OPENERS = set("\"'“‘([«•*-–—")
CLOSERS = set("”’»)]")
STRAIGHT_QUOTES = {'"', "'"}
END_CHARS = frozenset(".!?…")  # the last character of every token in TERMINALS


def _is_final(texts: list[str], glued: list[bool], i: int) -> bool:
    """True if token i can end a sentence (a terminal mark that is not part of an abbreviation)."""
    text = texts[i]
    if text in TERMINALS:
        if text == "." and i > 0 and glued[i - 1]:
            prev = texts[i - 1]
            ends = _PERIOD_ENDS.get(prev)
            return _period_ends_after(prev) if ends is None else ends
        return True
    if len(text) > 1 and text[-1] == ".":
        stem = text[:-1].lower()
        if stem in MAY_END:
            return True
        # "S.H." / "M.Si." (degrees) end a sentence only at the end of a clause.
        return "." in stem and len(stem) > 3 and stem.replace(".", "").isalpha()
    return False


# token text -> whether it may end a sentence (see _may_end), cached
_MAY_END: dict[str, bool] = {}
_MAY_END_MAX = 200_000  # distinct token texts; bounds memory on a long crawl


def _may_end(text: str) -> bool:
    """A token ending in a terminal mark, or whitespace with a blank line (cached)."""
    # Whitespace with one line break ends a sentence only before a dateline (_dateline_at).
    flag = text[-1] in END_CHARS or ("\n" in text and text.isspace())
    if len(_MAY_END) < _MAY_END_MAX:
        _MAY_END[text] = flag
    return flag


# token text -> whether "." glued after it can end a sentence (see _is_final), cached
_PERIOD_ENDS: dict[str, bool] = {}


def _period_ends_after(prev: str) -> bool:
    """Whether "." glued after `prev` may end a sentence (cached): not after an abbreviation
    such as "Kol" or an initial ("M"), which the tokenizer split from their full stop."""
    low = prev.lower()
    ends = not (low in NEVER_FINAL or (len(low) == 1 and low.isalpha()))
    if len(_PERIOD_ENDS) < _MAY_END_MAX:
        _PERIOD_ENDS[prev] = ends
    return ends


def _starts_sentence(text: str) -> bool:
    ch = text[0]
    return ch.isupper() or ch.isdigit() or ch in OPENERS


def sentence_starts(texts: list[str], glued: list[bool]) -> list[bool]:
    """Sentence starts for tokens given as texts (`glued`: no whitespace after the token)."""
    starts = [False] * len(texts)
    for i in _start_indices(texts, glued):
        starts[i] = True
    return starts


DATELINE_DASHES = frozenset({"–", "—", "-", "--"})
DATELINE_WORDS = 3  # "Jakarta –", "Tanjung Balai Karimun –"


def _dateline_at(texts: list[str], k: int) -> bool:
    """Capitalised place words then a dash: the dateline that opens a news body."""
    for j in range(k, min(len(texts), k + DATELINE_WORDS + 1)):
        t = texts[j]
        if t in DATELINE_DASHES:
            return j > k
        if not (t[:1].isupper() and t.isalpha()):
            return False
    return False


def _start_indices(texts: list[str], glued: list[bool]) -> list[int]:
    """The indices of sentence_starts() that are True, in order."""
    n = len(texts)
    starts = [0] if n else []
    # Only blank lines and tokens ending in a terminal mark can end a sentence: look at those
    # alone (a Python step per token cost more than the tokenizer). `pos` is where a scan of
    # every token would be, so tokens it would have skipped are skipped here too.
    try:
        flags = list(map(_MAY_END.__getitem__, texts))
    except KeyError:  # a token text not seen before (rare once the cache is warm)
        flags = [_may_end(t) for t in texts]
    candidates = list(compress(range(n), flags))
    pos = 0
    for i in candidates:
        if i < pos:
            continue
        text = texts[i]
        if text.isspace():
            if text.count("\n") < 2:
                # One line break ends nothing (hard-wrapped text), except before a dateline:
                # "Headline without a full stop\nJakarta – Body ..." starts the body.
                if "\n" in text and _dateline_at(texts, i + 1):
                    starts.append(i + 1)
                continue
            # A blank line always ends a paragraph (headlines have no final full stop).
            j = i + 1
            while j < n and texts[j].isspace():
                j += 1
            if j < n and starts[-1] != j:  # a blank line right after a sentence end
                starts.append(j)
            pos = j
            continue
        if text == "." and i > 0 and glued[i - 1]:
            # the usual sentence end, unless an abbreviation or an initial stands before it
            # (_is_final's first test, inlined: this loop runs for every full stop)
            prev = texts[i - 1]
            ends = _PERIOD_ENDS.get(prev)
            if ends is None:
                ends = _period_ends_after(prev)
            if not ends:
                continue
        elif not _is_final(texts, glued, i):
            continue
        j = i + 1
        # Closing quotes and brackets stay with the sentence they close; a straight quote
        # closes only when glued to the mark ('katanya." Lalu'), otherwise it opens.
        while j < n and (texts[j] in CLOSERS or (texts[j] in STRAIGHT_QUOTES and glued[j - 1])):
            j += 1
        k = j
        while k < n and texts[k].isspace():
            k += 1
        # "1.331" stays one token, but "Rp1.000" + "." + "Dia" needs the gap check too.
        if k < n and (k > i + 1 or not glued[i]) and _starts_sentence(texts[k]):
            if starts[-1] != k:
                starts.append(k)
        pos = j
    return starts



class DocArrays(NamedTuple):
    """Plain Python lists over one Doc's tokens, read once from its arrays."""

    text: str  # Doc.text
    texts: list[str]  # token texts
    glued: list[bool]  # no whitespace after the token
    idx: array  # character offset of each token (array("q"))
    end: array  # character offset after each token (array("q"))


def token_texts(doc: Doc) -> tuple[list[str], list[bool]]:
    """Token texts and "no space after" flags, read from arrays: iterating Token objects costs
    more than the tokenizer itself. Kept for the later components of the same Doc."""
    arrays = doc_arrays(doc)
    return arrays.texts, arrays.glued


def doc_text(doc: Doc) -> str:
    """`doc.text`, built once per Doc (spaCy rebuilds it from Token objects on every access)."""
    return doc_arrays(doc).text


def sentence_start_indices(doc: Doc) -> list[int] | None:
    """Token indices where pantau_sentences started a sentence in `doc`, if it was the last Doc
    it processed (None otherwise: read SENT_START instead)."""
    state = doc_state(doc)
    if state.sent_starts is not None and state.arrays is not None \
            and len(state.arrays.texts) == len(doc):
        return state.sent_starts
    return None


_ORTH_TEXTS: dict[int, str] = {}  # ORTH id -> token text
_ORTH_TEXTS_MAX = 200_000  # distinct token texts; bounds memory on a long crawl


def _orth_text(doc: Doc, orth: int) -> str:
    """The text of an ORTH id (cached)."""
    text = _ORTH_TEXTS.get(orth)
    if text is None:
        text = doc.vocab.strings[orth & 0xFFFF_FFFF_FFFF_FFFF]  # read as int64: maybe < 0
        if len(_ORTH_TEXTS) < _ORTH_TEXTS_MAX:
            _ORTH_TEXTS[orth] = text
    return text


def doc_arrays(doc: Doc) -> DocArrays:
    """The DocArrays of `doc`, built once per Doc and shared by the components."""
    state = doc_state(doc)
    if state.arrays is not None and len(state.arrays.texts) == len(doc):
        return state.arrays
    n = len(doc)
    if n:
        # One array read, columns derived with numpy: a Python step per token per column cost
        # more than the rules that read them.
        # as int64: a list of int64 values is built faster than one of uint64 values
        arr = doc.to_array([IDX, LENGTH, SPACY, ORTH]).astype(numpy.int64)
        idx_col = arr[:, 0]
        # Offsets as arrays of machine ints: the rules read a few of them, and a list would
        # build (and free) a Python int for each of the thousand offsets of an article.
        idx, end = array("q", idx_col.tobytes()), array("q", (idx_col + arr[:, 1]).tobytes())
        glued = (arr[:, 2] == 0).tolist()
        # Token texts by ORTH id from a cache: cheaper than slicing the text (or asking the
        # string store) token by token, and the same str objects every time, whose hashes the
        # components' caches then need not compute again.
        orths = arr[:, 3].tolist()
        try:
            texts = list(map(_ORTH_TEXTS.__getitem__, orths))
        except KeyError:  # a token text not seen before (rare once the cache is warm)
            texts = [_orth_text(doc, o) for o in orths]
    else:
        idx, end, glued, texts = array("q"), array("q"), [], []
    text = source_text(doc)
    if text is None:
        text = "".join([t if g else t + " " for t, g in zip(texts, glued, strict=True)])
    arrays = DocArrays(text, texts, glued, idx, end)
    state.arrays, state.sent_starts = arrays, None
    return arrays


_INSIDE = numpy.uint64(2**64 - 1)  # -1 as uint64
_INSIDE_COLUMN = numpy.full((20_000, 1), _INSIDE, dtype="uint64")
_INSIDE_COLUMN.flags.writeable = False


@Language.component("pantau_sentences")
def pantau_sentences(doc: Doc) -> Doc:
    """Set sentence starts: after terminal marks and at blank lines, never after "H." or "No."."""
    arrays = doc_arrays(doc)
    starts = _start_indices(arrays.texts, arrays.glued)
    # One array write instead of a Token.is_sent_start setter per token (10x faster).
    # SENT_START is -1 inside a sentence: as uint64, which Doc.from_array takes, 2**64 - 1.
    n = len(arrays.texts)
    # a copy of a ready column (numpy.full's Python wrapper cost more than the copy)
    arr = _INSIDE_COLUMN[:n].copy() if n <= len(_INSIDE_COLUMN) else numpy.full(
        (n, 1), _INSIDE, dtype="uint64")
    arr[starts, 0] = 1
    doc.from_array(["SENT_START"], arr)
    # for nlp.tokenview, which would otherwise read SENT_START back
    doc_state(doc).sent_starts = starts
    return doc
