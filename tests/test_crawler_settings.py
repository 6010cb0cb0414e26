"""crawler/settings.py: the shipped crawl is polite and fault-tolerant by default."""

from __future__ import annotations

from scrapy.settings import Settings

from crawler import settings as module


def test_politeness_defaults():
    s = Settings()
    s.setmodule(module)
    assert s.getbool("ROBOTSTXT_OBEY")
    assert s.getbool("AUTOTHROTTLE_ENABLED")
    assert s.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert s.getfloat("DOWNLOAD_DELAY") > 0
    agent = s.get("USER_AGENT")
    assert agent.startswith("Pantau/") and s.get("PANTAU_CONTACT") in agent


def test_fault_defaults():
    s = Settings()
    s.setmodule(module)
    assert s.getbool("RETRY_ENABLED") and 1 <= s.getint("RETRY_TIMES") <= 3
    assert 404 not in s.getlist("RETRY_HTTP_CODES")  # Scrapy's default list: 5xx, 408, 429
    assert 0 < s.getint("DOWNLOAD_MAXSIZE") <= 50 * 1024 * 1024
    assert s.getint("DOWNLOAD_TIMEOUT") > 0
    assert s.getfloat("PANTAU_RELEVANCE_MIN") > 0
    assert s.getlist("PANTAU_SEARCH_TERMS") == ["imigrasi"]
