"""Sentence boundaries for Indonesian news: the pantau_sentences component."""

from __future__ import annotations

import numpy
from spacy.attrs import IDX, LENGTH, ORTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc

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
    starts = [False] * n
    if n:
        starts[0] = True
    # Only blank lines and tokens ending in a terminal mark can end a sentence: look at those
    # alone (a Python step per token cost more than the tokenizer). `pos` is where a scan of
    # every token would be, so tokens it would have skipped are skipped here too.
    candidates = [i for i, t in enumerate(texts) if t[-1] in END_CHARS or "\n" in t]
    pos = 0
    for i in candidates:
        if i < pos:
            continue
        text = texts[i]
        if text.isspace():
            if text.count("\n") < 2:
                continue
            # A blank line always ends a paragraph (headlines have no final full stop).
            j = i + 1
            while j < n and texts[j].isspace():
                j += 1
            if j < n:
                starts[j] = True
            pos = j
            continue
        if _is_final(texts, glued, i):
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
                starts[k] = True
            pos = j
    return starts


# The texts of the Doc being processed: components run one after another on the same Doc, so
# one slot is enough. Not in doc.user_data, which must stay serialisable.
_LAST: list = []


def token_texts(doc: Doc) -> tuple[list[str], list[bool]]:
    """Token texts and "no space after" flags, read from arrays: iterating Token objects costs
    more than the tokenizer itself. Kept for the later components of the same Doc."""
    return _tokens(doc)[1]


def doc_text(doc: Doc) -> str:
    """`doc.text`, built once per Doc (spaCy rebuilds it from Token objects on every access)."""
    return _tokens(doc)[0]


def _tokens(doc: Doc) -> tuple[str, tuple[list[str], list[bool]]]:
    if _LAST and _LAST[0] is doc and len(_LAST[2][0]) == len(doc):
        return _LAST[1], _LAST[2]
    source = source_text(doc)
    if source is not None and len(doc):
        # spaCy's tokens are slices of the text they came from (non-destructive tokenizer)
        idx, length, spaces = doc.to_array([IDX, LENGTH, SPACY]).T.tolist()
        texts = [source[a : a + b] for a, b in zip(idx, length, strict=True)]
        text = source
    else:
        if len(doc):
            strings = doc.vocab.strings
            texts = [strings[o] for o in doc.to_array(ORTH).tolist()]
            spaces = doc.to_array(SPACY).tolist()
        else:
            texts, spaces = [], []
        text = "".join([t + " " if sp else t for t, sp in zip(texts, spaces, strict=True)])
    result = (texts, [not sp for sp in spaces])
    _LAST[:] = [doc, text, result]
    return text, result


@Language.component("pantau_sentences")
def pantau_sentences(doc: Doc) -> Doc:
    """Set sentence starts: after terminal marks and at blank lines, never after "H." or "No."."""
    texts, glued = token_texts(doc)
    starts = sentence_starts(texts, glued)
    # One array write instead of a Token.is_sent_start setter per token (10x faster).
    arr = numpy.full(len(starts), -1, dtype="int64")
    arr[[i for i, s in enumerate(starts) if s]] = 1
    arr = arr.astype("uint64")
    doc.from_array(["SENT_START"], arr.reshape(-1, 1))
    return doc
