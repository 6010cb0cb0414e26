"""`pantau sources validate --online`: each host's robots.txt and every start URL, politely.

Per host the requests go one at a time, `delay` seconds apart, robots.txt first; different hosts
are checked in parallel. A start URL robots.txt disallows for Pantau is reported, not fetched.
Written on urllib and a thread per host rather than a Scrapy crawl: a few hundred GETs with no
parsing, run from the command line, need neither the reactor nor the spider's pipelines.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from crawler.sources import Source

# Hosts checked at once (each host still gets one request at a time).
PARALLEL_HOSTS = 8


@dataclass(frozen=True)
class UrlCheck:
    """What one URL answered."""

    url: str
    host: str
    status: str  # "ok", "http_404", "robots_disallowed", "error", "robots_missing" ...
    detail: str | None = None

    @property
    def ok(self) -> bool:
        # A site without robots.txt may be crawled; that is no problem.
        return self.status in ("ok", "robots_missing")


def _user_agent() -> str:
    from crawler.settings import USER_AGENT

    return USER_AGENT


def _get(url: str, timeout: float) -> tuple[int | None, bytes, str | None]:
    """(status, body, error) of one GET; redirects are followed."""
    req = urllib.request.Request(url, headers={"User-Agent": _user_agent()})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read(512 * 1024), None
    except urllib.error.HTTPError as e:
        return e.code, b"", None
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        return None, b"", str(getattr(e, "reason", e))


def _check_host(origin: str, urls: list[str], delay: float, timeout: float) -> list[UrlCheck]:
    host = urlsplit(origin).netloc
    results = []
    status, body, error = _get(origin + "/robots.txt", timeout)
    robots = None
    if status == 200:
        robots = Protego.parse(body.decode("utf-8", "replace"))
        results.append(UrlCheck(origin + "/robots.txt", host, "ok"))
    elif status in (404, 410):
        results.append(UrlCheck(origin + "/robots.txt", host, "robots_missing"))
    else:
        results.append(UrlCheck(origin + "/robots.txt", host,
                                f"http_{status}" if status else "error", error))
    for url in urls:
        if robots is not None and not robots.can_fetch(url, _user_agent()):
            results.append(UrlCheck(url, host, "robots_disallowed"))
            continue
        time.sleep(delay)
        status, _body, error = _get(url, timeout)
        results.append(UrlCheck(url, host, "ok" if status and status < 400 else
                                (f"http_{status}" if status else "error"), error))
    return results


def check_online(sources: list[Source], delay: float = 1.0, timeout: float = 20.0
                 ) -> list[UrlCheck]:
    """Fetch each host's robots.txt and every start and topic URL of the enabled sources.

    Args:
        sources: the sources to check (aggregators' API endpoints are skipped: they need a
            query and are checked by a crawl).
        delay: seconds between two requests to one host.
        timeout: seconds to wait for one answer.

    Returns:
        One UrlCheck per robots.txt and per URL, grouped by host.
    """
    by_origin: dict[str, list[str]] = defaultdict(list)
    for s in sources:
        if s.kind == "aggregator" or not s.enabled:
            continue
        for url in (*s.topic_urls, *s.start_urls):
            parts = urlsplit(url)
            origin = f"{parts.scheme}://{parts.netloc}"
            if url not in by_origin[origin]:
                by_origin[origin].append(url)
    with ThreadPoolExecutor(max_workers=PARALLEL_HOSTS) as pool:
        futures = [pool.submit(_check_host, origin, urls, delay, timeout)
                   for origin, urls in by_origin.items()]
        return [r for f in futures for r in f.result()]
