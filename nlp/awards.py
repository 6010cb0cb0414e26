"""PLACEHOLDER for the pantau_awards component (being written): finds nothing yet."""

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("pantau_awards")
def pantau_awards(doc: Doc) -> Doc:
    doc._.pantau_awards = []
    return doc
