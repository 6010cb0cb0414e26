"""Builds the spaCy pipeline: spacy.blank("id") plus Pantau's components in a fixed order."""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc

# Importing the component modules registers their factories with spaCy.
from nlp import awards, counts, nationalities, offices, officials, sentences  # noqa: F401

# Each component writes one Doc extension; nlp.extract() reads them into an Extraction.
FACT_EXTENSIONS = ("pantau_offices", "pantau_people", "pantau_nationalities",
                   "pantau_counts", "pantau_awards")

# Order matters: officials link to the offices found before them, counts may use
# nationalities ("10 warga Malaysia"), awards may name an office as giver.
COMPONENTS = (
    "pantau_sentences",
    "pantau_offices",
    "pantau_officials",
    "pantau_nationalities",
    "pantau_counts",
    "pantau_awards",
)

for _name in FACT_EXTENSIONS:
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def build_pipeline() -> Language:
    """Return a fresh pipeline with every Pantau component added in COMPONENTS order."""
    nlp = spacy.blank("id")
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp
