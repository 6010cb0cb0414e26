"""Pantau's extraction: load_pipeline(), extract(text) and extract_many(texts) are the only
public surface."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from nlp.schema import Extraction

__all__ = ["NLP_VERSION", "Extraction", "extract", "extract_many", "load_pipeline"]

# Bump when rules or vocabulary change: `pantau extract` redoes articles of older versions.
NLP_VERSION = "0.2"

# Longer inputs are cut here: a 1 MB "article" is junk, and spaCy's own limit is 1,000,000 chars.
MAX_CHARS = 200_000
FACT_FIELDS = {"offices": "pantau_offices", "people": "pantau_people",
               "nationalities": "pantau_nationalities", "counts": "pantau_counts",
               "awards": "pantau_awards"}


@lru_cache(maxsize=4)
def load_pipeline(path: str | Path | None = None):
    """Return the shared spaCy pipeline, built once per process.

    Args:
        path: a pipeline saved with `nlp.to_disk(path)`; None builds it from nlp/pipeline.py.
    """
    import spacy

    from nlp.pipeline import build_pipeline  # registers the factories spacy.load needs

    return build_pipeline() if path is None else spacy.load(path)


def _clip(text) -> str:
    """The text spaCy can take: at most MAX_CHARS, lone surrogates (from text decoded with
    errors="surrogateescape") replaced by "?", one for one, so evidence offsets still fit."""
    if not isinstance(text, str):
        return ""
    text = text[:MAX_CHARS]
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def from_doc(doc, published: str | None = None, title: str | None = None) -> Extraction:
    """The Extraction of a processed Doc (its extensions hold plain dicts)."""
    from nlp.events import resolve_event

    data = {field: doc._.get(ext) or [] for field, ext in FACT_FIELDS.items()}
    data["event"] = resolve_event(doc._.get("pantau_event"), published, title)
    return Extraction.from_dict(data)


def extract(text: str, title: str | None = None, published: str | None = None) -> Extraction:
    """Extract offices, officials, nationalities, counts, awards and the event from one article.

    Args:
        text: the article body as plain text (paragraphs separated by blank lines).
        title: the headline, if known.
        published: the ISO publication date, if known (resolves relative dates).

    Returns:
        An Extraction; evidence offsets are character offsets into `text`.
    """
    return from_doc(load_pipeline()(_clip(text)), published, title)


def extract_many(
    articles: Iterable, n_process: int = 1, batch_size: int = 64
) -> Iterator[Extraction]:
    """Extract from many articles with nlp.pipe, in order: the fast path for a whole archive.

    Args:
        articles: texts, or dicts with "text" and optionally "title" and "published".
        n_process: worker processes (spaCy multiprocessing; 1 runs in this process).
        batch_size: articles sent to a worker at a time.

    Returns:
        An iterator of Extractions, one per article, in input order.
    """

    def pairs():
        for a in articles:
            if isinstance(a, str) or a is None:
                yield _clip(a), (None, None)
            else:
                yield _clip(a.get("text")), (a.get("published"), a.get("title"))

    pipeline = load_pipeline()
    for doc, (published, title) in pipeline.pipe(
        pairs(), as_tuples=True, n_process=n_process, batch_size=batch_size
    ):
        yield from_doc(doc, published, title)
