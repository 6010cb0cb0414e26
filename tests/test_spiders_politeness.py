"""Politeness at scale: per-host limit, delay floor, page budget, date window (issue 20)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from crawler.spiders.news import NewsSpider
from pantau.crawl import crawl_settings

SOURCES = ('[[sources]]\nname = "Warta Uji"\nstart_urls = ["https://warta.example/"]\n'
           'max_pages = 40\n')


def spider(tmp_path, **settings) -> NewsSpider:
    path = tmp_path / "sources.toml"
    path.write_text(SOURCES, encoding="utf-8")
    return NewsSpider.from_crawler(get_crawler(NewsSpider, {"PANTAU_SOURCES": str(path),
                                                            **settings}))


@pytest.mark.parametrize("given, expected", [
    pytest.param("0", 0.01, id="zero-raised-to-the-floor"),
    pytest.param("0.5", 0.5, id="shipped-kept"),
    pytest.param("2", 2.0, id="slower-kept"),
])
def test_download_delay_floor(tmp_path, given, expected):
    settings = crawl_settings(Path("data/sources.toml"), tmp_path / "p.db",
                              {"DOWNLOAD_DELAY": given})
    assert settings.getfloat("DOWNLOAD_DELAY") == expected
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert settings.getbool("AUTOTHROTTLE_ENABLED") and settings.getbool("ROBOTSTXT_OBEY")


@pytest.mark.parametrize("crawl_budget, expected", [(0, 40), (10, 10), (100, 40)])
def test_page_budget_is_the_lower_of_source_and_crawl(tmp_path, crawl_budget, expected):
    s = spider(tmp_path, PANTAU_MAX_PAGES=crawl_budget)
    state = s.states["warta-uji"]
    assert s.budget(state.source) == expected
    urls = [f"https://warta.example/berita/{n}" for n in range(expected + 5)]
    made = [s.request(state, u, "parse_page", "listing", article=True) for u in urls]
    assert sum(r is not None for r in made) == expected


@pytest.mark.parametrize("published, after", [
    ("2026-01-31T23:30:00+07:00", False),  # the last evening of the window, in WIB
    ("2026-01-31", False),
    ("2026-02-01T00:10:00+07:00", True),
    ("2026-02-01T06:00:00+09:00", True),
    (None, False),  # no date: kept
])
def test_until_ends_the_window(tmp_path, published, after):
    s = spider(tmp_path, PANTAU_UNTIL="2026-01-31")
    assert s.is_after(published) is after


def test_unreadable_until_fails_at_start(tmp_path):
    with pytest.raises(ValueError, match="PANTAU_UNTIL: cannot read '31/01/2026'"):
        spider(tmp_path, PANTAU_UNTIL="31/01/2026")
