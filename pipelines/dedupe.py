"""DuplicateArticlePipeline: drop a second copy of an article within one crawl."""

from __future__ import annotations

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem


class DuplicateArticlePipeline:
    """AMP, tracking and scheme variants share an article_id; only the first is stored per crawl."""

    def __init__(self, stats):
        self.stats = stats
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        adapter = ItemAdapter(item)
        key = adapter["article_id"]
        if key in self.seen:
            self.stats.inc_value("pantau/articles/duplicate")
            raise DropItem(f"duplicate: {adapter['fetched_url']} is {adapter['url']}")
        self.seen.add(key)
        return item
