"""crawler/aggregators.py: Google News RSS and GDELT DOC 2.0 queries and answers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from sites.aggregators import google_news_token

from crawler.aggregators import (
    decode_google_news_link,
    gdelt_entries,
    gdelt_url,
    google_news_entries,
    google_news_url,
    query_url,
)

SINCE = datetime(2026, 3, 1, tzinfo=UTC)


def test_google_news_url_is_indonesian_with_after():
    url = google_news_url("https://news.google.com/rss/search", "imigrasi", SINCE)
    q = parse_qs(urlsplit(url).query)
    assert q == {"q": ["imigrasi after:2026-03-01"], "hl": ["id"], "gl": ["ID"],
                 "ceid": ["ID:id"]}


def test_gdelt_url_is_artlist_json_indonesian():
    url = gdelt_url("https://api.gdeltproject.org/api/v2/doc/doc", "imigrasi", SINCE)
    q = parse_qs(urlsplit(url).query)
    assert q["query"] == ["imigrasi sourcelang:indonesian"]
    assert (q["mode"], q["format"], q["startdatetime"]) == (["artlist"], ["json"],
                                                           ["20260301000000"])


@pytest.mark.parametrize("link, expected", [
    pytest.param("https://news.google.com/rss/articles/"
                 + google_news_token("https://kabar.example/berita/1") + "?oc=5",
                 "https://kabar.example/berita/1", id="old-style-id-decoded"),
    pytest.param("https://news.google.com/rss/articles/AU_yqLxyz?oc=5",
                 "https://news.google.com/rss/articles/AU_yqLxyz?oc=5", id="new-style-kept"),
    pytest.param("https://kabar.example/berita/2", "https://kabar.example/berita/2",
                 id="plain-link"),
])
def test_decode_google_news_link(link, expected):
    assert decode_google_news_link(link) == expected


def test_google_news_entries():
    token = google_news_token("https://kabar.example/berita/1")
    body = (f'<rss version="2.0"><channel><item><title>T - Kabar</title><link>'
            f"https://news.google.com/rss/articles/{token}?oc=5</link><pubDate>Mon, 16 Mar 2026 "
            f"04:00:00 GMT</pubDate><source url='https://kabar.example'>Kabar</source></item>"
            f"</channel></rss>").encode()
    (entry,) = google_news_entries(body, "https://news.google.com/rss/search")
    assert (entry.url, entry.published) == ("https://kabar.example/berita/1",
                                            datetime(2026, 3, 16, 4, tzinfo=UTC))


def test_gdelt_entries_and_errors():
    body = json.dumps({"articles": [{"url": "https://kabar.example/a",
                                     "seendate": "20260318T030000Z"}, {"title": "no url"}]})
    (entry,) = gdelt_entries(body.encode())
    assert (entry.url, entry.published) == ("https://kabar.example/a",
                                            datetime(2026, 3, 18, 3, tzinfo=UTC))
    assert gdelt_entries(b"{}") == []
    with pytest.raises(ValueError, match="not JSON"):
        gdelt_entries(b"Invalid query: please specify mode.")


def test_unknown_api_is_an_error():
    with pytest.raises(ValueError, match="unknown aggregator api 'bing'"):
        query_url("bing", "https://x.example/", "imigrasi")
