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

from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary, ref

from spacy.tokens import Doc

from nlp.schema import as_rows


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
    facts: dict = field(default_factory=dict)  # extension -> the facts set_facts stored
    text_set: set[str] | None = None  # the token texts (nlp.officials: a word in lower case?)


_STATES: WeakKeyDictionary[Doc, DocState] = WeakKeyDictionary()
# The Doc asked for last and its state: the components ask tens of thousands of times per
# thousand Docs, and a weak reference called is cheaper than a WeakKeyDictionary lookup. A Doc
# enters _STATES only when another Doc takes its place here while it is still alive (nlp.pipe
# batches): one Doc at a time through the pipeline, as nlp.extract runs, never costs an entry.
_LAST: list = [lambda: None, None]


def _remember(doc: Doc, state: DocState) -> None:
    last = _LAST[0]()
    if last is not None and last is not doc:
        _STATES[last] = _LAST[1]
    _LAST[:] = [ref(doc), state]


def doc_state(doc: Doc) -> DocState:
    """The Doc's shared state (the getter of `doc._.pantau_state`)."""
    if _LAST[0]() is doc:
        return _LAST[1]
    state = _STATES.get(doc)
    if state is None:
        state = DocState()
    _remember(doc, state)
    return state


def new_state(doc: Doc, source: str) -> DocState:
    """The state of a Doc just made from `source` (the tokenizer's call: nothing to look up)."""
    state = DocState(source)
    _remember(doc, state)
    return state


# spaCy keeps a Doc extension's value in doc.user_data under this key (Underscore._get_key);
# reading and writing it there skips the accessor object each `doc._` builds, which cost as
# much as some components (tests/test_nlp_docstate.py holds the two ways equal).
def set_extension_value(doc: Doc, name: str, value) -> None:
    """`doc._.<name> = value` for an extension with no setter."""
    doc.user_data[("._.", name, None, None)] = value


def set_facts(doc: Doc, name: str, facts: list) -> None:
    """`doc._.<name> = as_rows(facts)`, the facts themselves kept in the Doc's state: nlp.extract
    takes them from there instead of rebuilding them from the rows."""
    doc.user_data[("._.", name, None, None)] = as_rows(facts)
    doc_state(doc).facts[name] = facts


def extension_value(doc: Doc, name: str):
    """`doc._.<name>` for an extension with no getter whose default is None."""
    return doc.user_data.get(("._.", name, None, None))


if not Doc.has_extension("pantau_state"):
    Doc.set_extension("pantau_state", getter=doc_state)
