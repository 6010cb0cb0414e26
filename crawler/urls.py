"""Canonical article URLs: one key per article whatever the tracking, scheme, www or AMP variant."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Query parameters that never change the article, only who shared it.
TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|ref|amp)$",
                             re.I)
# AMP variants news CMSs use: /amp/ path segment, trailing /amp, .amp suffix.
AMP_PATH = re.compile(r"(/amp(?=/|$)|\.amp(?=$|\.html?$))")


def clean_url(url: str) -> str:
    """Drop tracking parameters and the fragment; keep scheme, host and path as given."""
    parts = urlsplit(url)
    query_keys = [kv.split("=", 1)[0] for kv in parts.query.split("&") if kv]
    keep = [k for k in query_keys if not TRACKING_PARAMS.match(k)]
    cleaned = url_query_cleaner(url, parameterlist=keep, remove=False, keep_fragments=False)
    return canonicalize_url(cleaned, keep_fragments=False)


def url_key(url: str) -> str:
    """The identity of an article URL: no scheme, no www., no AMP marker, no tracking."""
    parts = urlsplit(clean_url(url))
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    if parts.port:
        host = f"{host}:{parts.port}"
    path = AMP_PATH.sub("", parts.path).rstrip("/") or "/"
    return urlunsplit(("", host, path, parts.query, "")).lstrip("/")


def article_id(url: str) -> str:
    """Stable id of an article: a hash of its URL key (like sqlite-utils' hash_id)."""
    return hashlib.sha1(url_key(url).encode("utf-8")).hexdigest()[:16]


def is_amp_copy(url: str, canonical: str | None) -> bool:
    """An AMP page whose canonical is the full page: the article is read from that page."""
    return bool(canonical and AMP_PATH.search(urlsplit(url).path)
                and not AMP_PATH.search(urlsplit(canonical).path))
