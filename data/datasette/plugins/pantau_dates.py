"""Datasette plugin: dates in canned-query parameters typed the Indonesian way.

The canned queries compare `:since` (and `:until`) with ISO dates as text, so `15/03/2026` or
`15 Maret 2026` compared as strings and silently gave the wrong rows. This ASGI wrapper reads
each such parameter with dateparser (Indonesian, then English; day before month, as Indonesia
writes it), passes it on as YYYY-MM-DD, and answers a value it cannot read as a date with a 400
page that says what to type. The URL a user shared keeps working as typed.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode

import dateparser
from datasette import hookimpl

# Query-string parameters that hold a date, in every canned query that has them.
DATE_PARAMETERS = ("since", "until")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SETTINGS = {"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first",
            "REQUIRE_PARTS": ["year"], "PREFER_DATES_FROM": "past"}


class UnreadableDate(ValueError):
    """A date parameter that is neither YYYY-MM-DD nor a date dateparser can read."""


def iso_date(value: str) -> str:
    """'15/03/2026', '15 Maret 2026', '15-3-2026' or '2026-03-15' -> '2026-03-15'.

    Raises:
        UnreadableDate: the value names no day with a year.
    """
    value = value.strip()
    if ISO_DATE.match(value):
        return value
    parsed = dateparser.parse(value, languages=["id", "en"], settings=SETTINGS)
    if parsed is None:
        raise UnreadableDate(value)
    return parsed.date().isoformat()


def _message(name: str, value: str) -> bytes:
    text = (f"<h1>Tanggal tidak dikenali / Date not understood</h1>"
            f"<p><code>{html.escape(name)}={html.escape(value)}</code>: tulis tanggal seperti "
            f"<code>15/03/2026</code>, <code>15 Maret 2026</code> atau <code>2026-03-15</code>."
            f"</p><p>Write a date as <code>15/03/2026</code> (day first), <code>15 March 2026"
            f"</code> or <code>2026-03-15</code>.</p>")
    return f"<!DOCTYPE html><html><body>{text}</body></html>".encode()


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def dates_read(scope, receive, send):
            if scope["type"] != "http" or not scope.get("query_string"):
                return await app(scope, receive, send)
            # Percent-escaped UTF-8, as browsers send it: parse_qsl decodes the escapes.
            pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
            if not any(k in DATE_PARAMETERS and v for k, v in pairs):
                return await app(scope, receive, send)
            read = []
            for name, value in pairs:
                if name in DATE_PARAMETERS and value:
                    try:
                        value = iso_date(value)
                    except UnreadableDate:
                        body = _message(name, value)
                        await send({"type": "http.response.start", "status": 400,
                                    "headers": [(b"content-type", b"text/html; charset=utf-8"),
                                                (b"content-length", str(len(body)).encode())]})
                        await send({"type": "http.response.body", "body": body})
                        return
                read.append((name, value))
            scope = dict(scope, query_string=urlencode(read).encode("ascii"))
            return await app(scope, receive, send)

        return dates_read

    return wrap
