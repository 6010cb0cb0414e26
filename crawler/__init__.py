"""The Scrapy project: settings, items, sources, extraction and spiders."""
