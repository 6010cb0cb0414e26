"""PLACEHOLDER for the pantau_officials component (being written): finds nothing yet."""

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("pantau_officials")
def pantau_officials(doc: Doc) -> Doc:
    doc._.pantau_people = []
    return doc
