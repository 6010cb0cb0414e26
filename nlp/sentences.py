"""Sentence boundaries for Indonesian news: the pantau_sentences component."""

from __future__ import annotations

import numpy
from spacy.attrs import IDX, LENGTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc

# Tokens that end a sentence when what follows looks like a sentence start.
TERMINALS = {".", "!", "?", "…", "...", "?!", "!?"}
# Words followed by "." that never end a sentence: titles, ranks, "No.", "Jl." (spaCy splits
# "Kol." into "Kol" + ".", but keeps "H." or "No." whole, so both shapes are checked).
NEVER_FINAL = {
    "h",
    "hj",
    "dr",
    "drs",
    "dra",
    "ir",
    "prof",
    "kh",
    "st",
    "sdr",
    "sdri",
    "bpk",
    "ibu",
    "ny",
    "tn",
    "kol",
    "let",
    "letkol",
    "jend",
    "brigjen",
    "mayjen",
    "irjen",
    "komjen",
    "kombes",
    "inf",
    "kav",
    "mar",
    "no",
    "nomor",
    "jl",
    "jln",
    "kab",
    "kec",
    "kel",
    "prov",
    "rt",
    "rw",
    "yth",
    "a.n",
    "u.p",
    "vs",
    "hlm",
    "tel",
    "telp",
    "fax",
    "moh",
    "muh",
    "m",
    "ds",
    "pt",
}
# Abbreviations that may end a sentence ("... paspor, visa, dll. Selain itu ...").
MAY_END = {"dll", "dsb", "dst", "tsb", "dkk", "sbb", "dl", "tbk"}
OPENERS = set("\"'“‘([«•*-–—")
CLOSERS = set("”’»)]")
STRAIGHT_QUOTES = {'"', "'"}


def _is_final(texts: list[str], glued: list[bool], i: int) -> bool:
    """True if token i can end a sentence (a terminal mark that is not part of an abbreviation)."""
    text = texts[i]
    if text in TERMINALS:
        if text == "." and i > 0 and glued[i - 1]:
            prev = texts[i - 1].lower()
            # "Kol ." / "M ." (an initial): the tokenizer split an abbreviation.
            if prev in NEVER_FINAL or (len(prev) == 1 and prev.isalpha()):
                return False
        return True
    if len(text) > 1 and text[-1] == ".":
        stem = text[:-1].lower()
        if stem in MAY_END:
            return True
        # "S.H." / "M.Si." (degrees) end a sentence only at the end of a clause.
        return "." in stem and len(stem) > 3 and stem.replace(".", "").isalpha()
    return False


def _starts_sentence(text: str) -> bool:
    ch = text[0]
    return ch.isupper() or ch.isdigit() or ch in OPENERS


def sentence_starts(texts: list[str], glued: list[bool]) -> list[bool]:
    """Sentence starts for tokens given as texts (`glued`: no whitespace after the token)."""
    n = len(texts)
    space = [not t.strip() for t in texts]
    starts = [False] * n
    if n:
        starts[0] = True
    i = 0
    while i < n:
        if space[i] and texts[i].count("\n") >= 2:
            # A blank line always ends a paragraph (headlines have no final full stop).
            j = i + 1
            while j < n and space[j]:
                j += 1
            if j < n:
                starts[j] = True
            i = j
            continue
        if _is_final(texts, glued, i):
            j = i + 1
            # Closing quotes and brackets stay with the sentence they close; a straight quote
            # closes only when glued to the mark ('katanya." Lalu'), otherwise it opens.
            while j < n and (texts[j] in CLOSERS or (texts[j] in STRAIGHT_QUOTES and glued[j - 1])):
                j += 1
            k = j
            while k < n and space[k]:
                k += 1
            # "1.331" stays one token, but "Rp1.000" + "." + "Dia" needs the gap check too.
            if k < n and (k > i + 1 or not glued[i]) and _starts_sentence(texts[k]):
                starts[k] = True
            i = j
            continue
        i += 1
    return starts


# The texts of the Doc being processed: components run one after another on the same Doc, so
# one slot is enough. Not in doc.user_data, which must stay serialisable.
_LAST: list = []


def token_texts(doc: Doc) -> tuple[list[str], list[bool]]:
    """Token texts and "no space after" flags, read from arrays: iterating Token objects costs
    more than the tokenizer itself. Kept for the later components of the same Doc."""
    if _LAST and _LAST[0] is doc and len(_LAST[1][0]) == len(doc):
        return _LAST[1]
    text = doc.text
    rows = doc.to_array([IDX, LENGTH, SPACY]).tolist() if len(doc) else []
    result = ([text[i : i + n] for i, n, _ in rows], [not sp for _, _, sp in rows])
    _LAST[:] = [doc, result]
    return result


@Language.component("pantau_sentences")
def pantau_sentences(doc: Doc) -> Doc:
    """Set sentence starts: after terminal marks and at blank lines, never after "H." or "No."."""
    texts, glued = token_texts(doc)
    starts = sentence_starts(texts, glued)
    # One array write instead of a Token.is_sent_start setter per token (10x faster).
    arr = numpy.array([1 if s else -1 for s in starts], dtype="int64").astype("uint64")
    doc.from_array(["SENT_START"], arr.reshape(-1, 1))
    return doc
