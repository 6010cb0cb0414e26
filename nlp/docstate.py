"""What the components share about one Doc, read through the `doc._.pantau_state` extension.

The rule components read the same per-Doc views: the source string (nlp/tokenizer.py), token
arrays and sentence starts
(nlp/sentences.py), the lower-cased token view (nlp/tokenview.py), the folded words, the
office mentions and the "Baca juga" link lines (nlp/offices.py, read again by
nlp/officials.py). spaCy keeps extension values in `doc.user_data`, which `Doc.to_bytes` and
`nlp.pipe(n_process=2)` serialise, and these views are Python objects that need not travel with
the Doc. So the extension has a getter, and the state lives in a WeakKeyDictionary keyed by the
Doc itself: built by the first component that asks, freed with the Doc, never mistaken for
another Doc's. (No view may hold the Doc: a value that refers to its key keeps it alive.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary, ref

from spacy.tokens import Doc


@dataclass
class DocState:
    """The shared views of one Doc; each is None until the component that owns it builds it."""

    source: str | None = None  # the string the Doc was tokenised from (nlp/tokenizer.py)
    arrays: Any = None  # nlp.sentences.DocArrays
    sent_starts: list[int] | None = None  # set by pantau_sentences
    view: Any = None  # nlp.tokenview.TokenView
    words: Any = None  # nlp.offices.Words
    links: list[tuple[int, int]] | None = None  # nlp.offices.related_links
    mentions: list | None = None  # nlp.offices.Mention, set by pantau_offices
    lower_words: set[str] | None = None  # the token texts (nlp.officials: a word in lower case?)


_STATES: WeakKeyDictionary[Doc, DocState] = WeakKeyDictionary()
# The Doc asked for last and its state: the components ask tens of thousands of times per
# thousand Docs, and a weak reference called is cheaper than a WeakKeyDictionary lookup.
_LAST: list = [lambda: None, None]


def doc_state(doc: Doc) -> DocState:
    """The Doc's shared state (the getter of `doc._.pantau_state`)."""
    if _LAST[0]() is doc:
        return _LAST[1]
    state = _STATES.get(doc)
    if state is None:
        state = _STATES[doc] = DocState()
    _LAST[:] = [ref(doc), state]
    return state


def new_state(doc: Doc, source: str) -> DocState:
    """The state of a Doc just made from `source` (the tokenizer's call: nothing to look up)."""
    state = _STATES[doc] = DocState(source)
    _LAST[:] = [ref(doc), state]
    return state


if not Doc.has_extension("pantau_state"):
    Doc.set_extension("pantau_state", getter=doc_state)
