"""Datasette plugin: CSV that Excel opens with Indonesian characters intact (`&_bom=1`).

Excel reads a CSV file as the system's legacy code page unless it starts with a UTF-8 byte
order mark, so "Kantor Imigrasi Kelas I TPI Tangerang – Mei 2026" or "Pemerintah Republik
Korea" in names and quotes come out garbled. Datasette 0.65 has no option for the mark; this
ASGI wrapper adds it to any `.csv` response asked for with `_bom=1` (streamed or not), and
leaves every other response untouched.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl

BOM = b"\xef\xbb\xbf"


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def with_bom(scope, receive, send):
            if scope["type"] != "http" or not scope["path"].endswith(".csv"):
                return await app(scope, receive, send)
            pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                              keep_blank_values=True)
            if ("_bom", "1") not in pairs:
                return await app(scope, receive, send)
            rest = [(k, v) for k, v in pairs if k != "_bom"]
            scope = dict(scope, query_string=urlencode(rest).encode("ascii"))
            first = True
            is_csv = False

            async def send_with_bom(message):
                nonlocal first, is_csv
                if message["type"] == "http.response.start":
                    headers = list(message.get("headers", []))
                    # Datasette sends CSV as text/plain unless _dl=1: the path says it is CSV.
                    is_csv = message["status"] == 200
                    if is_csv:
                        headers = [(k, str(int(v) + len(BOM)).encode())
                                   if k.lower() == b"content-length" else (k, v)
                                   for k, v in headers]
                    message = dict(message, headers=headers)
                elif message["type"] == "http.response.body" and first and is_csv:
                    first = False
                    message = dict(message, body=BOM + message.get("body", b""))
                await send(message)

            return await app(scope, receive, send_with_bom)

        return with_bom

    return wrap
