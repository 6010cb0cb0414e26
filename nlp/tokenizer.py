"""The pantau.id_tokenizer.v1 tokenizer: spaCy's Indonesian defaults, 5-20x faster, same tokens.

spaCy's id exceptions list ~15,600 hyphenated words ("laki-laki", "masing-masing",
"Undang-Undang"). Each contains an infix (the hyphen), so spaCy also adds it to the tokenizer's
special-case PhraseMatcher, which then runs over every Doc: that matcher, not the number of
rules, is what made the bare tokenizer cost ~2-4 ms per 400-word article (with the whitespace
exceptions, below). Here those words are a set lookup instead (`token_match`, checked where
spaCy checks its special cases), and the only thing the matcher did on top, re-joining
"laki-laki" when an infix split it off a longer string ("laki-laki/perempuan"), is done by the
infix finder. The tokens are identical to spacy.blank("id")'s on the dev and generated
articles and on thousands of random strings (tests/test_nlp_tokenizer.py, benchmarks/README.md).
"""

from __future__ import annotations

from spacy import util
from spacy.lang.id import IndonesianDefaults
from spacy.tokenizer import Tokenizer
from spacy.util import registry

from nlp.docstate import doc_state, new_state

# Single-token exceptions that contain an infix: kept whole by a set lookup.
_INFIX_RE = util.compile_infix_regex(IndonesianDefaults.infixes)
_RULES = IndonesianDefaults.tokenizer_exceptions
WHOLE_WORDS = frozenset(k for k, v in _RULES.items() if len(v) == 1 and _INFIX_RE.search(k))
# Whitespace "exceptions" (" ", "\n", "\xa0" ...) say only that whitespace is one token, which
# it is anyway; but in the special-case matcher they make a text with blank lines or
# non-breaking spaces take 10-100x longer (15 ms instead of 0.1 ms for a 2,000-char article).
WHITESPACE = frozenset(k for k in _RULES if k.isspace() and len(_RULES[k]) == 1)
OTHER_RULES = {k: v for k, v in _RULES.items() if k not in WHOLE_WORDS and k not in WHITESPACE}
# Most pieces (texts between infixes) in one whole word ("laki-laki" has 2): bounds the search.
MAX_PIECES = 1 + max(len(_INFIX_RE.findall(w)) for w in WHOLE_WORDS)


def keep_whole(string: str) -> bool:
    """token_match: True for a hyphenated exception such as "laki-laki" (kept as one token)."""
    return string in WHOLE_WORDS


def find_infixes(string: str) -> list:
    """infix_finditer: spaCy's id infixes, minus those inside a whole exception word.

    "laki-laki/perempuan" splits at "/" only, and "Serang-e-paspor" into "Serang", "-",
    "e-paspor", as spaCy's special-case matcher would re-join them.
    """
    matches = list(_INFIX_RE.finditer(string))
    if len(matches) < 2:
        return matches  # a whole word with one infix was kept by keep_whole already
    # piece i runs from the end of match i-1 to the start of match i
    starts = [0] + [m.end() for m in matches]
    ends = [m.start() for m in matches] + [len(string)]
    spans = []
    for i in range(len(starts)):
        for j in range(i + 2, min(len(starts), i + MAX_PIECES) + 1):
            if string[starts[i] : ends[j - 1]] in WHOLE_WORDS:
                spans.append((i, j))
    if not spans:
        return matches
    # spaCy's special-case filter: longest first, then leftmost; a span is kept when none of
    # its pieces was covered by a span looked at before, kept or not.
    spans.sort(key=lambda span: (span[0] - span[1], span[0]))
    seen: set[int] = set()
    inside: set[int] = set()  # indexes of matches within a kept word
    for i, j in spans:
        if seen.isdisjoint(range(i, j)):
            inside.update(range(i, j - 1))
        seen.update(range(i, j))
    return [m for k, m in enumerate(matches) if k not in inside]


def source_text(doc) -> str | None:
    """The text `doc` was tokenised from (kept in its shared state, nlp/docstate.py): its token
    texts are slices of that string, cheaper than string-store lookups."""
    return doc_state(doc).source


class PantauTokenizer(Tokenizer):
    """spaCy's Tokenizer with the id defaults built in; it serialises nothing, because the
    config (`@tokenizers = "pantau.id_tokenizer.v1"`) rebuilds it exactly from code."""

    def __call__(self, string):
        doc = super().__call__(string)
        new_state(doc, string)
        return doc

    def to_bytes(self, *, exclude=tuple()) -> bytes:
        return b""

    def from_bytes(self, bytes_data, *, exclude=tuple()):
        return self

    def to_disk(self, path, *, exclude=tuple()) -> None:
        util.ensure_path(path).write_bytes(b"")

    def from_disk(self, path, *, exclude=tuple()):
        return self


@registry.tokenizers("pantau.id_tokenizer.v1")
def create_tokenizer():
    """Registered tokenizer factory: `[nlp.tokenizer] @tokenizers = "pantau.id_tokenizer.v1"`."""

    def tokenizer_factory(nlp) -> Tokenizer:
        d = IndonesianDefaults
        return PantauTokenizer(
            nlp.vocab,
            rules=OTHER_RULES,
            prefix_search=util.compile_prefix_regex(d.prefixes).search,
            suffix_search=util.compile_suffix_regex(d.suffixes).search,
            infix_finditer=find_infixes,
            token_match=keep_whole,
            url_match=d.url_match,
        )

    return tokenizer_factory
