"""Per-Doc token arrays (lowercased words, flags, sentences) shared by the rule components."""

from __future__ import annotations

import re

from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, IS_TITLE, IS_UPPER, LENGTH, SENT_START, SPACY
from spacy.tokens import Doc

from nlp.schema import Evidence
from nlp.sentences import doc_text, token_texts

# Soft hyphens and zero-width marks, and "Â" left where a soft hyphen was mis-decoded ("pemoÂhon").
INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]|(?<=[a-zA-Z])[âÂ](?=[a-z])")
ATTRS = [IDX, LENGTH, IS_PUNCT, IS_SPACE, IS_TITLE, IS_UPPER, SPACY, SENT_START]


def clean_text(text: str) -> str:
    """Text as written minus invisible marks, for names and units copied into the output."""
    return text if text.isascii() else INVISIBLE.sub("", text)


_LOWER_CACHE: dict[str, str] = {}
_LOWER_CACHE_MAX = 200_000  # distinct token texts; bounds memory on a long crawl


def _lower(text: str) -> str:
    """Lower-cased token text without invisible marks (cached)."""
    word = text.lower() if text.isascii() else INVISIBLE.sub("", text.lower())
    if len(_LOWER_CACHE) < _LOWER_CACHE_MAX:
        _LOWER_CACHE[text] = word
    return word


class TokenView:
    """Plain Python lists over a Doc: indexing them is ~20x cheaper than creating Token objects."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.country_starts: dict[int, str] = {}  # set by pantau_nationalities for pantau_counts
        n = len(doc)
        cols = doc.to_array(ATTRS).astype("int64").T.tolist() if n else [[]] * len(ATTRS)
        idx, length, punct, space, title, upper, ws, sent_start = cols
        # Token texts and Doc.text as pantau_sentences already read them from the string store.
        orths = token_texts(doc)[0]
        self.text = doc_text(doc)
        self.idx = idx
        self.end_char = [a + b for a, b in zip(idx, length, strict=True)]
        self.punct, self.space, self.title, self.upper, self.ws = punct, space, title, upper, ws
        cache = _LOWER_CACHE
        self.words = [cache.get(o) or _lower(o) for o in orths]
        # SENT_START is 1 at a sentence start, -1 inside, 0 everywhere when nothing set sentences
        starts = [i for i, v in enumerate(sent_start) if v == 1 or i == 0]
        self.sents = list(zip(starts, starts[1:] + [n], strict=False))  # no sentence when n == 0
        self.sent_of = [0] * n
        for s, (a, b) in enumerate(self.sents):
            self.sent_of[a:b] = [s] * (b - a)

    def span_text(self, start: int, end: int) -> str:
        """Text of tokens [start, end) as written, without trailing whitespace."""
        if end <= start:
            return ""
        return self.text[self.idx[start] : self.end_char[end - 1]]

    def evidence(self, token: int) -> Evidence:
        """The sentence holding `token`, with its character span in the text."""
        a, b = self.sents[self.sent_of[token]]
        start, end = self.idx[a], self.end_char[b - 1]
        return Evidence(self.text[start:end], start, end)

    def paragraph(self, k: int) -> bool:
        """A blank line: the end of a headline or paragraph, which no name crosses."""
        return self.space[k] and self.words[k].count("\n") >= 2


# The view of the Doc being processed. Components run one after another on the same Doc, so one
# slot is enough; it lives here, not in doc.user_data, because user_data must stay serialisable.
_LAST: list[TokenView] = []


def token_view(doc: Doc) -> TokenView:
    """The Doc's TokenView, built by the first component that asks and reused by the next ones."""
    if _LAST and _LAST[0].doc is doc and len(_LAST[0].words) == len(doc):
        return _LAST[0]
    view = TokenView(doc)
    _LAST[:] = [view]
    return view
