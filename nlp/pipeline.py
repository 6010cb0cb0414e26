"""Builds the spaCy pipeline: Pantau's tokenizer on spacy.blank("id"), components in fixed order."""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc

# Importing the component modules registers their factories (and the tokenizer) with spaCy,
# so `spacy.load(path)` works on a saved pipeline once `nlp` is imported.
from nlp import (  # noqa: F401
    awards,
    counts,
    events,
    nationalities,
    offices,
    officials,
    sentences,
    tokenizer,
)

# Each component writes one Doc extension, as plain dicts and lists (so a Doc stays
# serialisable for nlp.pipe(n_process=2)); nlp.extract() turns them into an Extraction.
FACT_EXTENSIONS = ("pantau_offices", "pantau_people", "pantau_nationalities",
                   "pantau_counts", "pantau_awards", "pantau_event")

# Order matters: officials link to the offices found before them, counts may use
# nationalities ("10 warga Malaysia"), awards may name an office as giver, and the event
# type weighs the counts' categories and the awards found.
COMPONENTS = (
    "pantau_sentences",
    "pantau_offices",
    "pantau_officials",
    "pantau_nationalities",
    "pantau_counts",
    "pantau_awards",
    "pantau_event",
)
# spaCy's Indonesian defaults without the per-Doc special-case matcher (see nlp/tokenizer.py).
CONFIG = {"nlp": {"tokenizer": {"@tokenizers": "pantau.id_tokenizer.v1"}}}

for _name in FACT_EXTENSIONS:
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def build_pipeline() -> Language:
    """Return a fresh pipeline with every Pantau component added in COMPONENTS order."""
    nlp = spacy.blank("id", config=CONFIG)
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp
