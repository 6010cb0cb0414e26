"""crawler/httpcache.py: a cache entry interrupted mid-write is a miss, never a broken page."""

from __future__ import annotations

import pytest
from scrapy import Spider
from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.httpcache import AtomicFilesystemCacheStorage


@pytest.fixture
def spider():
    crawler = get_crawler(Spider)
    return crawler._create_spider("news")


@pytest.fixture
def storage(tmp_path, spider):
    s = AtomicFilesystemCacheStorage(Settings({"HTTPCACHE_DIR": str(tmp_path / "cache"),
                                               "HTTPCACHE_EXPIRATION_SECS": 0}))
    s.open_spider(spider)
    return s


def test_store_then_retrieve(storage, spider):
    request = Request("http://127.0.0.1/feed/")
    storage.store_response(spider, request, HtmlResponse(request.url, body=b"<rss>1</rss>",
                                                         headers={"ETag": '"a"'}))
    storage.store_response(spider, request, HtmlResponse(request.url, body=b"<rss>2</rss>"))
    cached = storage.retrieve_response(spider, request)
    assert cached.body == b"<rss>2</rss>"


def test_interrupted_write_is_a_miss(storage, spider, monkeypatch):
    request = Request("http://127.0.0.1/berita/a/")

    def die(*args, **kwargs):
        raise KeyboardInterrupt("killed mid-write")

    # The body is written after the metadata: fail there, as a kill -9 would stop the write.
    monkeypatch.setattr("scrapy.extensions.httpcache.headers_dict_to_raw", die)
    with pytest.raises(KeyboardInterrupt):
        storage.store_response(spider, request, HtmlResponse(request.url, body=b"<p>x</p>"))
    monkeypatch.undo()
    assert storage.retrieve_response(spider, request) is None
