"""PLACEHOLDER for the pantau_counts component (being written): finds nothing yet."""

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("pantau_counts")
def pantau_counts(doc: Doc) -> Doc:
    doc._.pantau_counts = []
    return doc
