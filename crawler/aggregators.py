"""News aggregators as discovery sources: Google News RSS search and the GDELT DOC 2.0 API."""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

from crawler.discovery import Entry, feed_entries, parse_when

# Google News search in Indonesian, for Indonesia (the hl/gl/ceid triple its own links use).
GOOGLE_NEWS_PARAMS = {"hl": "id", "gl": "ID", "ceid": "ID:id"}
# GDELT DOC 2.0: the article list, newest first, as JSON; 250 is the API's maximum.
GDELT_PARAMS = {"mode": "artlist", "format": "json", "maxrecords": 250, "sort": "datedesc"}
GDELT_LANGUAGE = "sourcelang:indonesian"
# A URL inside the protobuf of an old-style Google News article id ("CBMi...").
EMBEDDED_URL = re.compile(rb"https?://[\x21-\x7e]+")
APIS = ("google_news", "gdelt")


def google_news_url(endpoint: str, query: str, since: datetime | None = None) -> str:
    """The RSS search URL for `query`; `since` becomes Google's own `after:` operator."""
    q = f"{query} after:{since:%Y-%m-%d}" if since else query
    return f"{endpoint}?{urlencode({'q': q, **GOOGLE_NEWS_PARAMS})}"


def decode_google_news_link(link: str) -> str:
    """The outlet's URL inside a news.google.com/rss/articles/<id> link, else the link itself.

    Older ids are base64 protobufs that contain the URL; newer ones ("AU_yqL...") can only be
    resolved by Google, so the link is fetched and redirects are followed.
    """
    parts = urlsplit(link)
    if "/articles/" not in parts.path:
        return link
    token = parts.path.rsplit("/", 1)[-1]
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return link
    m = EMBEDDED_URL.search(raw)
    return m.group(0).decode("ascii") if m else link


def google_news_entries(body: bytes, base_url: str) -> list[Entry]:
    """Article links of a Google News RSS answer, decoded to the outlets' URLs."""
    return [Entry(decode_google_news_link(e.url), e.published)
            for e in feed_entries(body, base_url)]


def gdelt_url(endpoint: str, query: str, since: datetime | None = None) -> str:
    """The DOC 2.0 artlist URL for `query` in Indonesian-language sources, from `since` on."""
    params = {"query": f"{query} {GDELT_LANGUAGE}", **GDELT_PARAMS}
    if since:
        params["startdatetime"] = since.astimezone(UTC).strftime("%Y%m%d%H%M%S")
    return f"{endpoint}?{urlencode(params)}"


def gdelt_entries(body: bytes) -> list[Entry]:
    """Article URLs and first-seen dates of a DOC 2.0 artlist JSON answer.

    Raises:
        ValueError: the body is not JSON with an "articles" list (GDELT answers errors as text).
    """
    try:
        data = json.loads(body)
    except json.JSONDecodeError as e:
        raise ValueError(f"not JSON: {body[:80]!r}") from e
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    entries = []
    for art in data.get("articles") or []:
        if isinstance(art, dict) and isinstance(art.get("url"), str):
            seen = art.get("seendate")
            when = None
            if isinstance(seen, str):
                try:
                    when = datetime.strptime(seen, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                except ValueError:
                    when = parse_when(seen)
            entries.append(Entry(art["url"], when))
    return entries


def query_url(api: str, endpoint: str, query: str, since: datetime | None = None) -> str:
    """The first request URL of an aggregator source of kind `api`."""
    if api == "google_news":
        return google_news_url(endpoint, query, since)
    if api == "gdelt":
        return gdelt_url(endpoint, query, since)
    raise ValueError(f"unknown aggregator api {api!r}; expected one of {', '.join(APIS)}")


def entries(api: str, body: bytes, base_url: str) -> list[Entry]:
    """Parse an aggregator answer of kind `api`."""
    if api == "google_news":
        return google_news_entries(body, base_url)
    return gdelt_entries(body)
