"""Per-Doc token arrays (lowercased words, flags, sentences) shared by the rule components."""

from __future__ import annotations

import re
from itertools import compress

from spacy.attrs import IS_PUNCT, IS_SPACE, IS_TITLE, IS_UPPER, SENT_START
from spacy.tokens import Doc

from nlp.docstate import doc_state
from nlp.schema import Evidence
from nlp.sentences import doc_arrays, sentence_start_indices

# Soft hyphens and zero-width marks, and "Â" left where a soft hyphen was mis-decoded ("pemoÂhon").
INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]|(?<=[a-zA-Z])[âÂ](?=[a-z])")


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


class LexFlag:
    """One lexical flag of a Doc's tokens (`flags[k]` is 1 or 0, as in Doc.to_array), computed
    on first look: the rules look at a few tokens each, and reading the flag of every token
    from the Doc's arrays cost more than the rules themselves."""

    __slots__ = ("texts", "getter", "cache")

    def __init__(self, texts: list[str], getter, cache: dict[str, int]):
        self.texts, self.getter, self.cache = texts, getter, cache

    def __getitem__(self, k: int) -> int:
        text = self.texts[k]
        flag = self.cache.get(text)
        if flag is None:
            flag = int(bool(self.getter(text)))
            if len(self.cache) < _LOWER_CACHE_MAX:
                self.cache[text] = flag
        return flag

    def __len__(self) -> int:
        return len(self.texts)


# Lexeme flags by token text, one cache per getter (the vocab's own lex_attr_getters).
_FLAG_CACHES: dict = {}


# Words some component looks for first (register_triggers): TokenView.positions finds all of
# them in one pass over the Doc, and each component then filters those few positions.
_TRIGGERS: frozenset[str] = frozenset()
_REGISTERED: set[frozenset[str]] = set()  # vocabularies known to be within _TRIGGERS


class TriggerHits:
    """Where one word list holds the words of a vocabulary, for vocabularies registered in a
    union (TokenView's lower-cased words, offices.Words' folded ones): one pass over the list
    finds every union word on first use, and each vocabulary then filters those few hits."""

    __slots__ = ("words", "union", "registered", "hits", "hit_words")

    def __init__(self, words: list[str], union: frozenset[str], registered: set):
        self.words, self.union, self.registered = words, union, registered
        self.hits: list[int] | None = None  # positions of any union word
        self.hit_words: list[str] = []  # the words at hits

    def positions(self, vocab: frozenset[str]) -> list[int]:
        """Indices of the words in `vocab`, in order."""
        words = self.words
        # A frozenset caches its hash: the set lookup is cheaper than the subset test it saves
        # (a union only grows, so a registered vocabulary stays registered).
        if vocab not in self.registered:
            if not vocab <= self.union:  # not registered: look at every word
                return [k for k, w in enumerate(words) if w in vocab]
            self.registered.add(vocab)
        if self.hits is None:
            self.hits = list(compress(range(len(words)), map(self.union.__contains__, words)))
            self.hit_words = [words[k] for k in self.hits]
        return list(compress(self.hits, map(vocab.__contains__, self.hit_words)))


def register_triggers(*vocabularies: frozenset[str]) -> None:
    """Add word sets that components pass to TokenView.positions (at import time)."""
    global _TRIGGERS
    _TRIGGERS = _TRIGGERS.union(*vocabularies)


class TokenView:
    """Plain Python lists over a Doc: indexing them is ~20x cheaper than creating Token objects."""

    def __init__(self, doc: Doc):
        self.country_starts: dict[int, str] = {}  # set by pantau_nationalities for pantau_counts
        n = len(doc)
        # Token texts, offsets and Doc.text as pantau_sentences already read them.
        arrays = doc_arrays(doc)
        orths = arrays.texts
        self.text = arrays.text
        self.idx = arrays.idx
        self.end_char = arrays.end
        self.glued = arrays.glued  # no whitespace after the token
        getters = doc.vocab.lex_attr_getters
        self.punct, self.space, self.title, self.upper = (
            LexFlag(orths, getters[a], _FLAG_CACHES.setdefault(getters[a], {}))
            for a in (IS_PUNCT, IS_SPACE, IS_TITLE, IS_UPPER)
        )
        try:
            self.words = list(map(_LOWER_CACHE.__getitem__, orths))
        except KeyError:  # a token text not seen before (rare once the cache is warm)
            self.words = [_LOWER_CACHE.get(o) or _lower(o) for o in orths]
        self._triggers = TriggerHits(self.words, _TRIGGERS, _REGISTERED)
        self._evidence_rows: dict[int, dict] = {}  # sentence -> evidence_row
        starts = sentence_start_indices(doc)
        if starts is None:
            # SENT_START is 1 at a sentence start, -1 inside, 0 everywhere when nothing set them
            sent_start = doc.to_array(SENT_START).tolist() if n else []
            starts = [i for i, v in enumerate(sent_start) if v == 1 or i == 0]
        self.sents = list(zip(starts, starts[1:] + [n], strict=False))  # no sentence when n == 0
        self.sent_of = [0] * n
        for s, (a, b) in enumerate(self.sents):
            self.sent_of[a:b] = [s] * (b - a)

    def positions(self, vocab: frozenset[str]) -> list[int]:
        """Indices of the words in `vocab`, in order.

        Several components look for their trigger words: one pass over the Doc finds every
        registered one (register_triggers), which replaces a Python step per token for each.
        """
        return self._triggers.positions(vocab)

    def sentences_with(self, vocab: frozenset[str]) -> set[int]:
        """Numbers of the sentences holding a word of `vocab`."""
        sent_of = self.sent_of
        return {sent_of[k] for k in self.positions(vocab)}

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

    def evidence_row(self, token: int) -> dict:
        """evidence(token) as the plain dict a Doc extension keeps, one per sentence (a story
        gives several dates in one sentence; the dicts are shared, so never changed)."""
        s = self.sent_of[token]
        row = self._evidence_rows.get(s)
        if row is None:
            row = self._evidence_rows[s] = self.evidence(token).__dict__
        return row

    def paragraph(self, k: int) -> bool:
        """A blank line: the end of a headline or paragraph, which no name crosses."""
        return self.space[k] and self.words[k].count("\n") >= 2


def token_view(doc: Doc) -> TokenView:
    """The Doc's TokenView, built by the first component that asks and reused by the next ones
    (kept in the Doc's shared state, nlp/docstate.py)."""
    state = doc_state(doc)
    view = state.view
    if view is None or len(view.words) != len(doc):
        view = state.view = TokenView(doc)
    return view
