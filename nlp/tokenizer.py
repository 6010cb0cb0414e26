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

import re

try:
    from re import _parser  # private, stable in CPython 3.11-3.13; used for speed only
except ImportError:  # another Python: the affix searches search as spaCy does
    _parser = None
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


# spaCy's prefix and suffix regexes are alternations of ~170 and ~90 patterns, each anchored
# at the start ("^...") or the end ("...$"), called through `re.search`: a search tries every
# position of the string, and a string without an affix (most of them) costs all of them:
# 5-11 µs for a 10-character word, more than the rest of its tokenising. The two functions
# below return the same match as that search (tests/test_nlp_tokenizer.py compares them on
# many strings) while trying only the positions where a match can start, read from the
# patterns' parsed form. No library offers "search, but only where a match can start".
def _branches(source: str) -> list | None:
    """The top-level alternatives of a regex source, parsed (None if this Python's parser is
    not the expected one: the callers then search as spaCy does)."""
    if _parser is None:
        return None
    try:
        parsed = _parser.parse(source)
        if len(parsed.data) == 1 and parsed.data[0][0] is _parser.BRANCH:
            return list(parsed.data[0][1][1])
        return [parsed]
    except Exception:  # noqa: BLE001 - any surprise means "no shortcut", never a wrong answer
        return None


class PrefixSearch:
    """`compile_prefix_regex(entries).search`, trying position 0 with `match` and the other
    positions only when an alternative that is not anchored at the start (a piece holding a
    top-level "|") can start there: when its first literal occurs in the string."""

    def __init__(self, entries):
        self.entries = tuple(entries)
        self.pattern = util.compile_prefix_regex(self.entries)
        self.firsts: set[str] | None = set()  # None: no shortcut, search as spaCy does
        branches = _branches(self.pattern.pattern)
        if branches is None:
            self.firsts = None
            return
        for branch in branches:
            first = branch.data[0] if branch.data else None
            if first == (_parser.AT, _parser.AT_BEGINNING):
                continue  # anchored at the start: only position 0
            if first is None or first[0] is not _parser.LITERAL:
                self.firsts = None  # might start anywhere with anything
                return
            self.firsts.add(chr(first[1]))

    def __call__(self, string: str):
        firsts = self.firsts
        if firsts is None:
            return self.pattern.search(string)
        m = self.pattern.match(string)
        if m is None and firsts and any(c in string for c in firsts):
            m = self.pattern.search(string)
        return m

    def __reduce__(self):
        return PrefixSearch, (self.entries,)


class SuffixSearch:
    """`compile_suffix_regex(entries).search`, from the first position where a match can
    start: an alternative of at most w characters ends the string (or precedes its final
    newline, as "$" allows), so it starts in the last w + 1 positions; the pieces of unbounded
    width ("\\.\\.+") are searched on their own, which costs little."""

    def __init__(self, entries):
        self.entries = tuple(entries)
        self.pattern = util.compile_suffix_regex(self.entries)
        self.window: int | None = None  # None: no shortcut, search as spaCy does
        self.wide = None
        bounded, wide = 0, []
        for piece in self.entries:
            if not piece.strip():
                continue  # compile_suffix_regex leaves these out
            branches = _branches(piece + "$")
            if branches is None:
                return
            if any(b.data[-1:] != [(_parser.AT, _parser.AT_END)] for b in branches):
                return  # an alternative not anchored at the end
            width = max(b.getwidth()[1] for b in branches)
            if width >= _parser.MAXREPEAT:
                wide.append(piece + "$")
            else:
                bounded = max(bounded, width)
        self.window = bounded + 1
        self.wide = re.compile("|".join(wide)) if wide else None

    def __call__(self, string: str):
        window = self.window
        if window is None or len(string) <= window:
            return self.pattern.search(string)
        start = len(string) - window
        if self.wide is not None:
            m = self.wide.search(string)
            if m is not None and m.start() < start:
                start = m.start()
        # no alternative matches before `start`; from there, the same leftmost match
        return self.pattern.search(string, start)

    def __reduce__(self):
        return SuffixSearch, (self.entries,)


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
            prefix_search=PrefixSearch(d.prefixes),
            suffix_search=SuffixSearch(d.suffixes),
            infix_finditer=find_infixes,
            token_match=keep_whole,
            url_match=d.url_match,
        )

    return tokenizer_factory
