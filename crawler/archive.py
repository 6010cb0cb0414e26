"""The raw-page archive: every fetched response in gzipped WARC files (warcio), read offline."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

logger = logging.getLogger(__name__)

# Pantau's own WARC headers: what a re-parse needs besides the page itself.
SOURCE_HEADER = "WARC-Pantau-Source"
VIA_HEADER = "WARC-Pantau-Via"
# A new file is started past this size, so no single file grows without bound.
MAX_FILE_BYTES = 512 * 1024 * 1024


@dataclass
class ArchivedResponse:
    """One response read back from the archive."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    source: str | None
    via: str | None
    date: str | None
    file: str = ""  # the WARC file it was read from: one file is one crawl

    @property
    def content_type(self) -> str:
        return next((v for k, v in self.headers if k.lower() == "content-type"), "")


class WarcArchive:
    """Appends response records to `crawl-<time>-<pid>.warc.gz` under a folder.

    Each record is its own gzip member and is flushed at once, so a crawl killed with
    kill -9 loses at most the record being written (the reader skips a truncated tail).
    """

    def __init__(self, folder: str | Path, info: dict | None = None):
        self.folder = Path(folder)
        self.info = info or {}  # written as each file's warcinfo record (JSON)
        self.handle = None
        self.writer = None
        self.path: Path | None = None

    def _open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        self.path = self.folder / f"crawl-{stamp}-{os.getpid()}.warc.gz"
        self.handle = open(self.path, "ab")
        self.writer = WARCWriter(self.handle, gzip=True)
        # The file describes itself (software, the sources crawled), so a re-parse needs
        # nothing but the archive.
        info = json.dumps({"software": "Pantau", **self.info}, ensure_ascii=False).encode("utf-8")
        record = self.writer.create_warc_record(self.path.name, "warcinfo", payload=BytesIO(info),
                                                warc_content_type="application/json")
        self.writer.write_record(record)
        self.handle.flush()

    def write(self, url: str, status: int, headers: list[tuple[str, str]], body: bytes,
              source: str | None = None, via: str | None = None) -> None:
        """Append one response record and flush it to the OS."""
        if self.handle is None or self.handle.tell() > MAX_FILE_BYTES:
            self.close()
            self._open()
        http_headers = StatusAndHeaders(f"{status} {'OK' if status == 200 else ''}".strip(),
                                        headers, protocol="HTTP/1.1")
        warc_headers = {}
        if source:
            warc_headers[SOURCE_HEADER] = source
        if via:
            warc_headers[VIA_HEADER] = via
        record = self.writer.create_warc_record(url, "response", payload=BytesIO(body),
                                                http_headers=http_headers,
                                                warc_headers_dict=warc_headers)
        self.writer.write_record(record)
        self.handle.flush()

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = self.writer = None


def iter_archive(folder: str | Path) -> Iterator[ArchivedResponse]:
    """Stream every response record of every WARC file under `folder`, oldest file first.

    A truncated or corrupt file (a crawl killed mid-write) is read up to the damage,
    with one WARNING naming the file.
    """
    for path in sorted(Path(folder).glob("*.warc.gz")):
        with open(path, "rb") as handle:
            try:
                for record in ArchiveIterator(handle):
                    if record.rec_type != "response":
                        continue
                    headers = record.http_headers.headers if record.http_headers else []
                    status = int(record.http_headers.get_statuscode() or 0) \
                        if record.http_headers else 0
                    yield ArchivedResponse(
                        url=record.rec_headers.get_header("WARC-Target-URI"),
                        status=status, headers=list(headers),
                        body=record.content_stream().read(),
                        source=record.rec_headers.get_header(SOURCE_HEADER),
                        via=record.rec_headers.get_header(VIA_HEADER),
                        date=record.rec_headers.get_header("WARC-Date"), file=path.name)
            except (ArchiveLoadFailed, EOFError, OSError, ValueError) as e:
                logger.warning("archive %s is damaged after the records read so far: %s", path, e)


def archived_info(folder: str | Path) -> list[dict]:
    """The warcinfo JSON of each WARC file under `folder` (its first record), oldest first."""
    infos = []
    for path in sorted(Path(folder).glob("*.warc.gz")):
        with open(path, "rb") as handle:
            try:
                for record in ArchiveIterator(handle):
                    if record.rec_type == "warcinfo":
                        infos.append(json.loads(record.content_stream().read() or b"{}"))
                    break
            except (ArchiveLoadFailed, EOFError, OSError, ValueError) as e:
                logger.warning("archive %s has no readable warcinfo: %s", path, e)
    return infos
