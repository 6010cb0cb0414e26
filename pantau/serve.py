"""Serves a Pantau database with Datasette, its metadata and safe defaults."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import yaml

from pipelines.db import open_db

# Datasette settings Pantau always applies: bounded queries, no database download.
DATASETTE_SETTINGS = {
    "sql_time_limit_ms": 3000,
    "max_returned_rows": 2000,
    "facet_time_limit_ms": 500,
    "allow_download": "off",
    "default_page_size": 50,
}


class MetadataError(ValueError):
    """The Datasette metadata file is missing or not valid YAML."""


def metadata_for(db_path: Path, metadata_path: Path) -> dict:
    """Load metadata.yml and key its database section by the database's file stem."""
    try:
        meta = yaml.safe_load(Path(metadata_path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MetadataError(f"metadata file not found: {metadata_path}") from None
    except yaml.YAMLError as e:
        raise MetadataError(f"{metadata_path}: not valid YAML: {e}") from None
    databases = meta.get("databases") or {}
    if "pantau" in databases and db_path.stem != "pantau":
        databases[db_path.stem] = databases.pop("pantau")
    return meta


def datasette_command(db_path: Path, metadata_path: Path, host: str = "127.0.0.1",
                      port: int = 8001, extra: tuple[str, ...] = ()) -> list[str]:
    """The `datasette serve` command line for a database; writes the keyed metadata to a temp file.

    Raises:
        pipelines.db.DatabaseError: the database is missing or unreadable.
        MetadataError: the metadata file is missing or malformed.
    """
    open_db(db_path, create=False).close()  # a clear error beats Datasette creating an empty file
    meta = metadata_for(db_path, metadata_path)
    handle = tempfile.NamedTemporaryFile("w", suffix=".yml", prefix="pantau-metadata-",
                                         delete=False, encoding="utf-8")
    with handle:
        yaml.safe_dump(meta, handle, allow_unicode=True, sort_keys=False)
    cmd = [sys.executable, "-m", "datasette", "serve", str(db_path), "--metadata", handle.name,
           "--host", host, "--port", str(port)]
    for name, value in DATASETTE_SETTINGS.items():
        cmd += ["--setting", name, str(value)]
    return cmd + list(extra)
