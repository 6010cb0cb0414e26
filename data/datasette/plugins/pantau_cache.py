"""Datasette plugin: HTTP cache headers for a database served --immutable (issue 21).

`pantau serve` (without --live) opens the database immutable: until the server is restarted on
a new file, every page is the same for every anonymous reader. This wrapper says so on each
successful GET: `Cache-Control: public, max-age=<cache_ttl>` (core.settings `cache_ttl`,
PANTAU_CACHE_TTL), so browsers and a caching reverse proxy in front (docs/deployment.md: nginx)
answer repeat requests without reaching Datasette. Datasette 0.65 gives its own table, row and
query pages `max-age=5` (`default_cache_ttl`) and Pantau's plugin pages (the office page, the
search cards, the codebook, the feed, CSV) nothing.

Left as they are: anything but a 200 answer to GET or HEAD, a response that sets a cookie or
that Datasette already marked `private` or `no-store` (a signed-in actor, a request with a
cookie or an Authorization header: personalised), and everything when `pantau serve --live`
serves a database a crawl is still writing (no `cache_ttl` in the plugin settings then).

Revalidation: the same responses carry a weak ETag, this server start's token (`etag` in the
plugin settings, new at each `pantau serve`, the same in all its worker processes). A browser
or proxy whose copy has expired asks again with If-None-Match; an anonymous request (no cookie,
no Authorization header) naming this start's tag is answered 304 Not Modified at once, without
Datasette rendering the page: the file has not changed since the tag was sent, so neither has
the page. After a restart every old tag misses and the page is sent in full.

Page cache (`pantau serve --cache-mb N`, off unless asked for): each server process keeps the
pages it sent, up to N megabytes (bodies, headers and keys counted; least recently used pages
dropped first; one page at most a quarter of it), and answers the same request again with the
same bytes without Datasette (and `X-Pantau-Cache: HIT`, as nginx's X-Cache-Status says
where an answer came from). Kept are exactly the answers this plugin marks public above, to
an anonymous GET: a 200, no cookie set, not marked private, no-store or no-cache by Datasette.
Keyed by the Host header, path and query string as sent (Datasette writes the host into
absolute links: feeds, `next_url`). With --workers each process has its own cache: memory is
up to workers x N MB. A nginx cache in front (docs/deployment.md) does the same for public
deployments across processes and restarts; this one is for a server without a proxy.
"""

from __future__ import annotations

from collections import OrderedDict

from datasette import hookimpl

PLUGIN = "pantau"
# Responses whose cache header stays: personalised, marked so by a view on purpose (`?_ttl=0`
# gives no-cache), or already public (Datasette's static files: an hour, immutable).
KEEP = (b"private", b"no-store", b"no-cache", b"public", b"immutable")


def cache_control(headers: list, max_age: int) -> list:
    """`headers` (ASGI: a list of (name, value) bytes pairs) with Cache-Control public for
    `max_age` seconds, unless the response sets a cookie or says how to cache it already
    (anything but Datasette's default bare `max-age=5`)."""
    names = {k.lower() for k, _ in headers}
    if b"set-cookie" in names:
        return headers
    current = next((v.lower() for k, v in headers if k.lower() == b"cache-control"), b"")
    if any(word in current for word in KEEP):
        return headers
    kept = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
    return kept + [(b"cache-control", f"public, max-age={max_age}".encode())]


class PageCache:
    """Whole responses by key, at most `limit` bytes, least recently used dropped first.

    Written by hand: the size bound is in bytes of what is kept, which functools.lru_cache
    (entries) and the async caching libraries (entries, time) do not bound."""

    # What one entry costs beyond its bytes (tuple, dict slot, bytes objects), roughly.
    OVERHEAD = 400

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self.pages: OrderedDict[tuple, tuple[list, bytes, int]] = OrderedDict()

    def get(self, key: tuple) -> tuple[list, bytes] | None:
        page = self.pages.get(key)
        if page is None:
            return None
        self.pages.move_to_end(key)
        return page[0], page[1]

    def put(self, key: tuple, headers: list, body: bytes) -> None:
        cost = (len(body) + sum(len(k) + len(v) for k, v in headers)
                + sum(len(part) for part in key) + self.OVERHEAD)
        if cost > self.limit // 4:
            return
        if key in self.pages:
            self.size -= self.pages.pop(key)[2]
        self.pages[key] = (headers, body, cost)
        self.size += cost
        while self.size > self.limit:
            self.size -= self.pages.popitem(last=False)[1][2]


def etag(token: str) -> bytes:
    """The weak entity tag of every cacheable page of one server start."""
    return f'W/"{token}"'.encode()


def header(scope: dict, name: bytes) -> bytes | None:
    """The request's header `name` (lower case), or None."""
    return next((v for k, v in scope.get("headers") or [] if k.lower() == name), None)


def anonymous(scope: dict) -> bool:
    """No cookie and no Authorization header: the page cannot be personalised."""
    return header(scope, b"cookie") is None and header(scope, b"authorization") is None


def matches(if_none_match: bytes | None, tag: bytes) -> bool:
    """If-None-Match names `tag` (weak comparison, RFC 9110 13.1.2; `*` names any)."""
    if not if_none_match:
        return False
    wanted = tag.removeprefix(b"W/")
    return any(t.strip() == b"*" or t.strip().removeprefix(b"W/") == wanted
               for t in if_none_match.split(b","))


@hookimpl(trylast=True)  # the outermost wrapper: a kept page skips the other plugins' too
def asgi_wrapper(datasette):
    def wrap(app):
        pages: PageCache | None = None

        async def with_cache_headers(scope, receive, send):
            nonlocal pages
            config = datasette.plugin_config(PLUGIN) or {}
            max_age = config.get("cache_ttl")
            if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD") \
                    or not max_age:
                await app(scope, receive, send)
                return
            public = anonymous(scope)
            tag = etag(config["etag"]) if config.get("etag") and public else None
            if tag and matches(header(scope, b"if-none-match"), tag):
                await send({"type": "http.response.start", "status": 304, "headers": [
                    (b"etag", tag), (b"cache-control", f"public, max-age={max_age}".encode())]})
                await send({"type": "http.response.body", "body": b""})
                return
            if pages is None and config.get("cache_mb"):
                pages = PageCache(int(float(config["cache_mb"]) * 1_000_000))
            key = None
            if pages is not None and public and scope["method"] == "GET":
                key = (header(scope, b"host") or b"", scope.get("raw_path") or
                       scope["path"].encode(), scope.get("query_string") or b"")
                kept = pages.get(key)
                if kept is not None:
                    await send({"type": "http.response.start", "status": 200,
                                "headers": [*kept[0], (b"x-pantau-cache", b"HIT")]})
                    await send({"type": "http.response.body", "body": kept[1]})
                    return
            keep: list | None = None  # the page's headers, while its body is collected
            body = bytearray()

            async def send_cached(message):
                nonlocal keep
                if message["type"] == "http.response.start" and message.get("status") == 200:
                    headers = list(message.get("headers") or [])
                    cached = cache_control(headers, int(max_age))
                    if cached is not headers and public:  # made public here: this start's page
                        if tag:
                            cached = [(k, v) for k, v in cached if k.lower() != b"etag"]
                            cached.append((b"etag", tag))
                        if key is not None:
                            keep = cached
                    message = dict(message, headers=cached)
                elif message["type"] == "http.response.body" and keep is not None:
                    body.extend(message.get("body", b""))
                    if len(body) > pages.limit // 4:  # too big to keep: stop collecting
                        keep = None
                        body.clear()
                    elif not message.get("more_body"):
                        pages.put(key, keep, bytes(body))
                await send(message)

            await app(scope, receive, send_cached)

        return with_cache_headers

    return wrap
