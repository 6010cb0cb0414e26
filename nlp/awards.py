"""PLACEHOLDER for the pantau_awards component (being written): finds nothing yet."""

from spacy.language import Language
from spacy.tokens import Doc


@Language.factory("pantau_awards", assigns=["doc._.pantau_awards"], default_config={})
def make_awards(nlp: Language, name: str):
    """Build the (empty) award finder."""

    def pantau_awards(doc: Doc) -> Doc:
        doc._.pantau_awards = []
        return doc

    return pantau_awards
