"""Paths and defaults for every stage, each overridable by a command option or an env variable."""

from __future__ import annotations

import os
from pathlib import Path

# The repository root: pantau/ is installed editable, so data/ sits beside it.
ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"

# name -> (env variable, default, help). One table, so --help texts and docs agree.
SETTINGS = {
    "db": ("PANTAU_DB", DATA_DIR / "pantau.db", "SQLite database the stages read and write."),
    "sources": ("PANTAU_SOURCES", DATA_DIR / "sources.toml", "TOML file listing the sources."),
    "metadata": ("PANTAU_METADATA", DATA_DIR / "metadata.yml", "Datasette metadata file."),
    # The archive and the HTTP cache live beside the database they belong to (see beside_db).
    "archive": ("PANTAU_ARCHIVE_DIR", DATA_DIR / "archive",
                "Folder of the WARC archive of raw pages."),
    "httpcache": ("PANTAU_HTTPCACHE_DIR", DATA_DIR / "httpcache",
                  "Scrapy HTTP cache, for conditional re-requests of feeds and listings."),
    "demo_site": ("PANTAU_DEMO_SITE", DATA_DIR / "demo_site", "Folder of the bundled demo site."),
}


def setting(name: str) -> Path:
    """Return the path for `name`: its env variable if set, else the default."""
    env, default, _help = SETTINGS[name]
    value = os.environ.get(env)
    return Path(value) if value else Path(default)


def help_for(name: str) -> str:
    """The help sentence of a setting, with its env variable and default."""
    env, default, text = SETTINGS[name]
    try:
        shown = Path(default).relative_to(ROOT)
    except ValueError:
        shown = default
    return f"{text} [env {env}; default {shown}]"


def beside_db(name: str, db: Path) -> Path:
    """A folder that belongs to a database: its env variable if set, else `<db folder>/<name>`.

    So `--db /elsewhere/pantau.db` never writes its archive into the project's data/ folder.
    """
    env = SETTINGS[name][0]
    value = os.environ.get(env)
    return Path(value) if value else Path(db).resolve().parent / name
