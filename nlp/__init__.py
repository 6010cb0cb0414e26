"""Pantau's extraction: load_pipeline() and extract(text) are the only public surface."""

from __future__ import annotations

from functools import lru_cache

from nlp.schema import Extraction

__all__ = ["NLP_VERSION", "Extraction", "extract", "load_pipeline"]

# Bump when rules or vocabulary change: `pantau extract` redoes articles of older versions.
NLP_VERSION = "0.1"

# Longer inputs are cut here: a 1 MB "article" is junk, and spaCy's own limit is 1,000,000 chars.
MAX_CHARS = 200_000


@lru_cache(maxsize=1)
def load_pipeline():
    """Return the shared spaCy pipeline, built once per process."""
    from nlp.pipeline import build_pipeline

    return build_pipeline()


def extract(text: str, title: str | None = None, published: str | None = None) -> Extraction:
    """Extract offices, officials, nationalities, counts and awards from one article.

    Args:
        text: the article body as plain text (paragraphs separated by blank lines).
        title: the headline, if known.
        published: the ISO publication date, if known (resolves relative dates).

    Returns:
        An Extraction; evidence offsets are character offsets into `text`.
    """
    doc = load_pipeline()((text or "")[:MAX_CHARS])
    return Extraction(
        offices=doc._.pantau_offices or [],
        people=doc._.pantau_people or [],
        nationalities=doc._.pantau_nationalities or [],
        counts=doc._.pantau_counts or [],
        awards=doc._.pantau_awards or [],
    )
