"""ArticleItem: the contract between the spider and the item pipelines."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ArticleItem:
    """One article page, extracted and ready to store."""

    article_id: str  # hash of the URL key, see crawler.urls.article_id
    url: str  # canonical URL
    fetched_url: str  # the URL actually fetched
    source: str  # source slug
    title: str | None
    published: str | None  # ISO 8601
    author: str | None
    section: str | None
    language: str | None
    description: str | None
    text: str
    discovered_by: str  # feed, sitemap or listing
    fetched_at: str  # ISO 8601 UTC
