"""Pantau's extraction: load_pipeline(), extract(text) and extract_many(texts) are the only
public surface.

The pipeline is an ordinary spaCy pipeline: `load_pipeline().to_disk(path)` writes a config.cfg
(tokenizer `pantau.id_tokenizer.v1`, the `pantau_*` factories with their default_config), and
`spacy.load(path)` reads it back once `nlp` is imported (importing registers the factories).
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from nlp.schema import Extraction

__all__ = ["NLP_VERSION", "Extraction", "extract", "extract_many", "load_pipeline"]

# Bump when rules or vocabulary change: `pantau extract` redoes articles of older versions.
NLP_VERSION = "0.3"

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
    return Extraction.from_dict(_rows(doc, published, title))


def _rows(doc, published: str | None = None, title: str | None = None) -> dict:
    """The plain rows of a processed Doc, in `Extraction.to_dict()` shape: what a worker
    sends back (building the dataclasses there, then asdict() for the trip, cost more)."""
    from nlp.docstate import extension_value
    from nlp.events import resolve_event

    data = {field: extension_value(doc, ext) or [] for field, ext in FACT_FIELDS.items()}
    event = resolve_event(extension_value(doc, "pantau_event"), published, title)
    if event is not None:
        data["event"] = event
    return data


def _extraction(doc, published: str | None = None, title: str | None = None) -> Extraction:
    """from_doc(doc) for a Doc this process's pipeline just made: the components' own facts
    (kept in its state by set_facts) instead of dataclasses rebuilt from the rows."""
    from nlp.docstate import doc_state, extension_value
    from nlp.events import resolve_event

    facts = doc_state(doc).facts
    if not all(ext in facts for ext in FACT_FIELDS.values()):
        return from_doc(doc, published, title)

    event = resolve_event(extension_value(doc, "pantau_event"), published, title)
    return Extraction(**{field: facts[ext] for field, ext in FACT_FIELDS.items()},
                      event=Extraction.from_dict({"event": event}).event if event else None)


def _process(pipeline, text: str):
    """`pipeline(text)` without Language.__call__'s per-call bookkeeping (component_cfg, error
    handlers), which Pantau's components do not use: the same Doc, a few percent sooner."""
    doc = pipeline.make_doc(text)
    try:
        # Language.pipeline builds a list and formats an error message on every read
        procs = [proc for name, proc in pipeline._components if name not in pipeline._disabled]
    except AttributeError:  # another spaCy's internals
        procs = [proc for _name, proc in pipeline.pipeline]
    for proc in procs:
        doc = proc(doc)
    return doc


def extract(text: str, title: str | None = None, published: str | None = None) -> Extraction:
    """Extract offices, officials, nationalities, counts, awards and the event from one article.

    Args:
        text: the article body as plain text (paragraphs separated by blank lines).
        title: the headline, if known.
        published: the ISO publication date, if known (resolves relative dates).

    Returns:
        An Extraction; evidence offsets are character offsets into `text`.
    """
    return _extraction(_process(load_pipeline(), _clip(text)), published, title)


def extract_many(
    articles: Iterable, n_process: int = 1, batch_size: int = 64, ahead: int | None = None,
    digest: Callable[[str], Any] | None = None,
) -> Iterator[Extraction] | Iterator[tuple[Extraction, Any]]:
    """Extract from many articles, in order: the fast path for a whole archive.

    With n_process > 1, worker processes (forked after the pipeline is built, so they share
    it) each run nlp.extract over a batch and send back the plain `to_dict()` rows, which
    cost far less to pass between processes than spaCy Docs (what nlp.pipe(n_process=N)
    sends). The input is read in this thread, a few batches ahead of the workers, so a
    database cursor feeding it is never used from another thread.

    Args:
        articles: texts, or dicts with "text" and optionally "title" and "published".
        n_process: worker processes; 1 runs in this process.
        batch_size: articles per batch.
        ahead: batches given to the workers before the first result is awaited (default
            2 * n_process). A caller that stops reading results for a while (to store a batch
            of them) needs enough queued work to keep the workers busy meanwhile.
        digest: a module-level function of the text (as extracted: clipped to MAX_CHARS) run
            beside the extraction, in the workers: other per-article work that should share
            the cores (the story signature, pipelines/stories.py).

    Returns:
        An iterator of Extractions, one per article, in input order; with `digest`, of
        (Extraction, digest(text)) pairs.
    """
    items = (_item(a) for a in articles)
    pipeline = load_pipeline()  # built before any fork
    if n_process <= 1:
        # One Doc through all components at a time: the components share per-Doc views
        # (nlp.tokenview), which nlp.pipe's component-by-component batches would rebuild.
        for text, published, title in items:
            extraction = _extraction(_process(pipeline, text), published, title)
            yield (extraction, digest(text)) if digest else extraction
        return
    batches = _batches(items, batch_size)
    # Workers are replaced every WORKER_BATCHES batches: real text keeps adding new words to
    # spaCy's StringStore and to the components' caches, so a worker that ran for a whole
    # archive would grow without bound; a fresh fork starts from the parent's pipeline again.
    with _mp_context().Pool(n_process, maxtasksperchild=WORKER_BATCHES) as pool:
        pending = deque(pool.apply_async(_extract_batch, (b, digest))
                        for b in islice(batches, ahead or 2 * n_process))
        while pending:
            rows = pending.popleft().get()
            following = next(batches, None)
            if following is not None:
                pending.append(pool.apply_async(_extract_batch, (following, digest)))
            for row, digested in rows:
                extraction = Extraction.from_dict(row)
                yield (extraction, digested) if digest else extraction


# Batches a worker runs before it is replaced (about 16,000 articles at the default batch size);
# forking a new one costs a few milliseconds.
WORKER_BATCHES = 256


def _item(article) -> tuple[str, str | None, str | None]:
    """(text, published, title) of a text or an article dict."""
    if isinstance(article, str) or article is None:
        return _clip(article), None, None
    return _clip(article.get("text")), article.get("published"), article.get("title")


def _batches(items: Iterator, size: int) -> Iterator[list]:
    while batch := list(islice(items, max(1, size))):
        yield batch


def _extract_batch(batch: list[tuple[str, str | None, str | None]],
                   digest: Callable[[str], Any] | None = None) -> list[tuple[dict, Any]]:
    """In a worker: the to_dict() rows of a batch (plain data, cheap to send back), each with
    digest(text) or None."""
    pipeline = load_pipeline()
    return [(_rows(_process(pipeline, text), published, title),
             digest(text) if digest else None) for text, published, title in batch]


def _mp_context():
    """Fork where the platform has it: workers then share the already built pipeline."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)
