"""PLACEHOLDER for the pantau_nationalities component (being written): finds nothing yet."""

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("pantau_nationalities")
def pantau_nationalities(doc: Doc) -> Doc:
    doc._.pantau_nationalities = []
    return doc
