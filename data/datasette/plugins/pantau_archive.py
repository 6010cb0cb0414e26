"""Datasette plugin: the archived copy of each article, read from the WARC archive.

Every page the crawler fetched is kept in gzipped WARC files (crawler/archive.py). This plugin
serves the copy of an article's page at `/<database>/-/archive?url=<article url>`, so an
article can be read when its outlet's page is gone (the demo site, for one, stops before
Datasette starts); pantau_pages.py links it beside the original URL in every `url` cell.

The copy is served as archived, with a banner naming the original URL and the fetch date, and
a Content-Security-Policy that lets the page load nothing from the network (no scripts, no
remote images): an archived page must not phone home or change under the reader.

Where the archive is: `pantau serve` puts it in the plugin configuration
(`plugins: pantau: archive_dir`), the folder beside the database.
"""

from __future__ import annotations

import html
import threading
from pathlib import Path
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils.asgi import Response
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

PLUGIN = "pantau"
# Nothing of the archived page may reach the network; inline styles keep it readable.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


class ArchiveIndex:
    """Where each URL's latest response record is: {url: (file, offset)}.

    Built on first use by one pass over the WARC files and kept up to date by reading only
    what was appended since (a file is only ever appended to). warcio gives the offset of each
    record, so serving a page then reads one gzip member. Written here because warcio has no
    lookup by URL, and a CDX index would be a second file to keep in step with the archive.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.urls: dict[str, tuple[Path, int]] = {}
        self.read_up_to: dict[Path, int] = {}
        self.lock = threading.Lock()

    def refresh(self) -> None:
        with self.lock:
            for path in sorted(self.folder.glob("*.warc.gz")):
                size = path.stat().st_size
                start = self.read_up_to.get(path, 0)
                if size <= start:
                    continue
                with open(path, "rb") as handle:
                    handle.seek(start)
                    records = ArchiveIterator(handle)
                    try:
                        for record in records:
                            if record.rec_type == "response":
                                url = record.rec_headers.get_header("WARC-Target-URI")
                                self.urls[url] = (path, start + records.get_record_offset())
                    except (ArchiveLoadFailed, EOFError, OSError, ValueError):
                        pass  # a damaged tail (a killed crawl): what was read stays indexed
                self.read_up_to[path] = size

    def find(self, *urls: str) -> tuple[Path, int] | None:
        hit = next((self.urls[u] for u in urls if u in self.urls), None)
        if hit is None:
            self.refresh()
            hit = next((self.urls[u] for u in urls if u in self.urls), None)
        return hit


_indexes: dict[str, ArchiveIndex] = {}


def _index(datasette) -> ArchiveIndex | None:
    folder = (datasette.plugin_config(PLUGIN) or {}).get("archive_dir")
    if not folder:
        return None
    if folder not in _indexes:
        _indexes[folder] = ArchiveIndex(Path(folder))
    return _indexes[folder]


def read_record(path: Path, offset: int) -> tuple[list[tuple[str, str]], bytes, str]:
    """The HTTP headers, body and WARC-Date of the record at `offset` in `path`."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        record = next(iter(ArchiveIterator(handle)))
        headers = list(record.http_headers.headers) if record.http_headers else []
        return headers, record.content_stream().read(), \
            record.rec_headers.get_header("WARC-Date") or ""


def archive_path(datasette, database: str, url: str) -> str:
    return datasette.urls.database(database) + "/-/archive?url=" + quote(url, safe="")


async def archived_page(request, datasette):
    database = request.url_vars["database"]
    url = request.args.get("url") or ""
    db = datasette.get_database(database)  # raises NotFound for an unknown database
    index = _index(datasette)
    if not url:
        return Response.text("give the article's URL: ?url=https://...", status=400)
    # The article's canonical URL and the one it was fetched from (an AMP or tracking variant).
    row = (await db.execute("select url, fetched_url from articles where url = ? "
                            "or fetched_url = ? limit 1", [url, url])).first()
    urls = [u for u in ([url] + ([row["url"], row["fetched_url"]] if row else [])) if u]
    hit = index.find(*urls) if index else None
    if hit is None:
        return Response.text(f"no archived copy of {url} (Tidak ada salinan arsip halaman ini)",
                             status=404)
    headers, body, date = read_record(*hit)
    content_type = next((v for k, v in headers if k.lower() == "content-type"),
                        "text/html; charset=utf-8")
    if "html" in content_type.lower():
        # ASCII with character references: right whatever charset the page is in.
        banner = (f'<div style="background:#fff3c4;padding:0.5em 1em;font:14px sans-serif;'
                  f'border-bottom:1px solid #c9a800">Salinan arsip Pantau / Pantau archived '
                  f'copy, fetched {html.escape(date)}. Original: '
                  f'<a href="{html.escape(url)}">{html.escape(url)}</a></div>')
        banner = banner.encode("ascii", "xmlcharrefreplace")
        lower = body.lower()
        at = lower.find(b"<body")
        at = lower.find(b">", at) + 1 if at >= 0 else 0
        body = body[:at] + banner + body[at:]
    return Response(body, status=200, content_type=content_type,
                    headers={"Content-Security-Policy": CSP,
                             "X-Pantau-Archived-Url": hit[0].name})


@hookimpl
def register_routes():
    return [(r"^/(?P<database>[^/]+)/-/archive$", archived_page)]
