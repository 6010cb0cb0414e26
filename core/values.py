"""The value types the stages pass each other: a Source to crawl, an ArticleItem to store.

Here, not in crawler/, so that pipelines/ (which stores them) may import them without importing
the crawler: stages import one way (docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

# Pages fetched from one source per crawl unless its entry says otherwise.
DEFAULT_MAX_PAGES = 500


@dataclass(frozen=True)
class Source:
    """One outlet to crawl."""

    name: str
    start_urls: tuple[str, ...]
    slug: str
    url_prefixes: tuple[str, ...]
    kind: str = "outlet"
    region: str | None = None
    max_pages: int = DEFAULT_MAX_PAGES
    enabled: bool = True
    notes: str | None = field(default=None, compare=False)
    api: str | None = None
    query: str | None = None
    province: str | None = None
    office_id: str | None = None
    site_kind: str | None = None
    topic_urls: tuple[str, ...] = ()

    @property
    def domains(self) -> tuple[str, ...]:
        """Host names the source's URLs may live on (for Scrapy's allowed_domains)."""
        return tuple(sorted({urlsplit(p).hostname for p in self.url_prefixes}))

    def owns(self, url: str) -> bool:
        """True when `url` belongs to this source, ignoring scheme and a leading www."""
        key = _prefix_key(url)
        return any(key.startswith(_prefix_key(p)) for p in self.url_prefixes)


def _prefix_key(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    port = f":{parts.port}" if parts.port else ""
    return f"{host}{port}{parts.path or '/'}"



# ArticleItem: the contract between the spider and the item pipelines (crawler/items.py builds it).
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
    discovered_by: str  # topic, wordpress, feed, sitemap, listing, search, google_news, gdelt
    fetched_at: str  # ISO 8601 UTC
    immigration_relevance: float = 0.0  # 0..1, see crawler.relevance
    on_topic: bool = True  # False: kept and marked, but skipped by the NLP stage
    pages: int = 1  # pages the article was split over, joined into `text`
