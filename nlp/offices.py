"""PLACEHOLDER for the pantau_offices component (being written): finds nothing yet."""

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("pantau_offices")
def pantau_offices(doc: Doc) -> Doc:
    doc._.pantau_offices = []
    return doc
