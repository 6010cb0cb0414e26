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
"""

from __future__ import annotations

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


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def with_cache_headers(scope, receive, send):
            max_age = (datasette.plugin_config(PLUGIN) or {}).get("cache_ttl")
            if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD") \
                    or not max_age:
                await app(scope, receive, send)
                return

            async def send_cached(message):
                if message["type"] == "http.response.start" and message.get("status") == 200:
                    message = dict(message, headers=cache_control(
                        list(message.get("headers") or []), int(max_age)))
                await send(message)

            await app(scope, receive, send_cached)

        return with_cache_headers

    return wrap
