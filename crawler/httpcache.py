"""AtomicFilesystemCacheStorage: Scrapy's file HTTP cache; entries appear whole or not at all."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from scrapy.extensions.httpcache import FilesystemCacheStorage


class AtomicFilesystemCacheStorage(FilesystemCacheStorage):
    """Writes each entry into a temporary folder and renames it into place.

    Scrapy's FilesystemCacheStorage writes an entry's files one by one, metadata first; a crawl
    killed with kill -9 between them leaves an entry whose metadata promises a body that is
    missing or cut short, and the resumed crawl then fails on that page or parses a truncated
    one. A rename is atomic, so an interrupted write is just a cache miss.
    """

    _path_override: Path | None = None

    def _get_request_path(self, spider, request) -> str:
        if self._path_override is not None:
            return str(self._path_override)
        return super()._get_request_path(spider, request)

    def store_response(self, spider, request, response) -> None:
        final = Path(self._get_request_path(spider, request))
        tmp = final.with_name(f"{final.name}.tmp{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        self._path_override = tmp
        try:
            super().store_response(spider, request, response)
        finally:
            self._path_override = None
        shutil.rmtree(final, ignore_errors=True)  # a stale entry being replaced
        os.replace(tmp, final)
