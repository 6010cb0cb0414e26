"""A loopback HTTP server for one fixture site: canned or computed responses, a request log."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HTML = "text/html; charset=utf-8"
NOT_FOUND = b"<html><body><h1>404 Halaman tidak ditemukan</h1></body></html>"


@dataclass
class Reply:
    """What the server answers: status, body bytes and headers."""

    body: bytes | str = b""
    status: int = 200
    content_type: str | None = HTML
    headers: dict[str, str] = field(default_factory=dict)
    # Sent instead of `body`, chunk by chunk until exhausted or the client hangs up (endless or
    # huge pages); Content-Length is `length` if given, else absent.
    chunks: Iterable[bytes] | None = None
    length: int | None = None

    def data(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass
class Hit:
    """One request the server received."""

    path: str  # with the query string
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)  # when it arrived

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.path).query)


@dataclass
class FixtureArticle:
    """An article a fixture site serves, and what the crawler must get from it."""

    path: str
    title: str
    published: str  # what Pantau must store, ISO 8601
    pages: list[list[str]]  # paragraphs of each page; most articles have one page
    on_topic: bool = True
    author: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(p for page in self.pages for p in page)


Handler = Callable[[Hit], Reply]


class FixtureServer:
    """One fixture site on 127.0.0.1, port chosen by the OS, served from a background thread.

    Routes are matched on the full path with its query first, then the path alone, then the
    longest registered prefix (for computed answers such as an API).
    """

    def __init__(self, name: str, host: str = "127.0.0.1"):
        """`host`: any 127.0.0.x address, so tests can give sites distinct hosts (Scrapy keeps
        its per-host limits by host name, not by port)."""
        self.name = name
        self.pages: dict[str, Reply] = {}
        self.handlers: dict[str, Handler] = {}
        self.hits: list[Hit] = []
        self.articles: list[FixtureArticle] = []
        # Requests being answered right now, and the most there ever were at once.
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self):
                with server._lock:
                    server.active += 1
                    server.max_active = max(server.max_active, server.active)
                self.counted = True
                try:
                    self.reply()
                finally:
                    self.done()

            def done(self):
                """This request stops counting as in flight (once)."""
                if self.counted:
                    self.counted = False
                    with server._lock:
                        server.active -= 1

            def reply(self):
                hit = Hit(self.path, {k.lower(): v for k, v in self.headers.items()})
                server.hits.append(hit)
                reply = server.answer(hit)
                if reply.chunks is not None:
                    self.stream(reply)
                    return
                data = reply.data()
                try:
                    self.send_response(reply.status)
                    if reply.content_type:
                        self.send_header("Content-Type", reply.content_type)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(data)))
                    if not data:
                        self.done()
                    self.end_headers()
                    self.wfile.write(data[:-1])
                    # Done before the last byte: the client cannot hold the whole answer yet,
                    # so a request it sends next is never counted as overlapping this one.
                    self.done()
                    self.wfile.write(data[-1:])
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawler gave up (timeout or size cap): that is the test

            def stream(self, reply: Reply) -> None:
                try:
                    self.send_response(reply.status)
                    if reply.content_type:
                        self.send_header("Content-Type", reply.content_type)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    if reply.length is not None:
                        self.send_header("Content-Length", str(reply.length))
                    self.end_headers()
                    for chunk in reply.chunks:
                        self.wfile.write(chunk)
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawler hung up: the size cap or the timeout worked

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer((host, 0), RequestHandler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    # --- content ----------------------------------------------------------------------------------
    def add(self, path: str, body: bytes | str, status: int = 200, content_type: str | None = HTML,
            **headers: str) -> None:
        self.pages[path] = Reply(body, status, content_type, headers)

    def handle(self, prefix: str, handler: Handler) -> None:
        self.handlers[prefix] = handler

    def answer(self, hit: Hit) -> Reply:
        if hit.path in self.pages:
            return self.pages[hit.path]
        path = urlsplit(hit.path).path
        if path in self.pages:
            return self.pages[path]
        for prefix in sorted(self.handlers, key=len, reverse=True):
            if path.startswith(prefix):
                return self.handlers[prefix](hit)
        return Reply(NOT_FOUND, 404)

    # --- addresses and log ------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def requested(self, path: str) -> int:
        """How many times `path` (without its query) was requested."""
        return sum(1 for h in self.hits if urlsplit(h.path).path == path)

    def source_toml(self, name: str | None = None) -> str:
        """The site as a source configured by its name and start URL alone."""
        return f'[[sources]]\nname = "{name or self.name}"\nstart_urls = ["{self.url("/")}"]\n\n'

    # --- lifetime ---------------------------------------------------------------------------------
    def __enter__(self) -> FixtureServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
