"""Builds the ArticleItem (core/values.py) of an extracted article page."""

from __future__ import annotations

from datetime import UTC, datetime

from core.values import ArticleItem
from crawler.relevance import DEFAULT_THRESHOLD, immigration_relevance, is_on_topic
from crawler.urls import article_id, clean_url


def build_article_item(fields, source, fetched_url: str, via: str,
                       fetched_at: str | None = None, text: str | None = None, pages: int = 1,
                       threshold: float = DEFAULT_THRESHOLD) -> ArticleItem:
    """The item for an extracted article page; shared by the spider and the archive re-parse.

    Args:
        fields: crawler.extract.ArticleFields of the page.
        source: the crawler.sources.Source that owns the page.
        fetched_url: the URL the page was fetched from.
        via: the discovery strategy that found it.
        fetched_at: ISO time of the fetch (default: now).
        text: the body of all pages of a paged article (default: the page's own text).
        pages: how many pages `text` was joined from.
        threshold: the immigration_relevance below which the article is off-topic.
    """
    text = fields.text if text is None else text
    score = immigration_relevance(fields.title, text)
    canonical = fields.canonical_url if fields.canonical_url and source.owns(
        fields.canonical_url) else fetched_url
    canonical = clean_url(canonical)
    return ArticleItem(
        article_id=article_id(canonical), url=canonical, fetched_url=fetched_url,
        source=source.slug, title=fields.title, published=fields.published,
        author=fields.author, section=fields.section, language=fields.language,
        description=fields.description, text=text, discovered_by=via or "listing",
        fetched_at=fetched_at or datetime.now(UTC).replace(microsecond=0).isoformat(),
        immigration_relevance=score, on_topic=is_on_topic(score, threshold), pages=pages,
    )
