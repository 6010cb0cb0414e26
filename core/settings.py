"""Pantau's settings table: each setting's name, default, help sentence and environment variable.

One table, Datasette-style (datasette/app.py SETTINGS), read by the command line (its option
defaults and --help texts), the crawler's Scrapy settings (crawler/settings.py), the extract
stage and `pantau serve`; docs/architecture.md shows the same table (settings_markdown(), a test
checks they agree). Imports nothing of Pantau, so every stage may read it.

Scrapy's own tunables and the crawl-only PANTAU_* ones (depth, delays, search terms ...) stay in
crawler/settings.py, overridable with `pantau crawl -s NAME=value`, as Scrapy's project
template keeps them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The repository root: the packages are installed editable, so data/ sits beside them.
ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"


class SettingError(ValueError):
    """A setting's environment variable holds a value of the wrong kind."""


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default, help sentence and environment variable (or None)."""

    name: str
    default: object
    help: str
    env: str | None = None


SETTINGS = (
    Setting("db", DATA_DIR / "pantau.db", "SQLite database the stages read and write.",
            "PANTAU_DB"),
    Setting("sources", DATA_DIR / "sources.toml", "TOML file listing the sources.",
            "PANTAU_SOURCES"),
    Setting("metadata", DATA_DIR / "metadata.yml", "Datasette metadata file.", "PANTAU_METADATA"),
    # The archive and the HTTP cache live beside the database they belong to (see beside_db).
    Setting("archive", DATA_DIR / "archive", "Folder of the WARC archive of raw pages.",
            "PANTAU_ARCHIVE_DIR"),
    Setting("httpcache", DATA_DIR / "httpcache",
            "Scrapy HTTP cache, for conditional re-requests of feeds and listings.",
            "PANTAU_HTTPCACHE_DIR"),
    Setting("demo_site", DATA_DIR / "demo_site", "Folder of the bundled demo site.",
            "PANTAU_DEMO_SITE"),
    Setting("contact", "https://github.com/pantau-id/pantau",
            "Contact shown in the crawler's User-Agent, so site owners can reach the operator.",
            "PANTAU_CONTACT"),
    Setting("since", "", "Only articles published on or after this date (YYYY-MM-DD) are "
            "crawled; empty for all.", "PANTAU_SINCE"),
    Setting("until", "", "Only articles published on or before this date (YYYY-MM-DD) are "
            "crawled; with since, the crawl's date window. Empty for no end.", "PANTAU_UNTIL"),
    # A commit (a WAL sync) every few hundred articles costs nothing next to the NLP.
    Setting("batch_size", 500,
            "Articles stored per transaction; a killed run loses at most one batch.",
            "PANTAU_BATCH_SIZE"),
    Setting("idle_exit", 30.0, "With --frontier: exit once the shared queue has stayed empty "
            "this long, in seconds; 0 never exits (a long-running worker).", "PANTAU_IDLE_EXIT"),
    Setting("cache_ttl", 300, "Seconds browsers and a caching proxy may reuse a page of "
            "`pantau serve` (Cache-Control: public, max-age); not with --live. 0 leaves "
            "Datasette's own headers.", "PANTAU_CACHE_TTL"),
)

# Settings `pantau serve` passes to Datasette (`--setting NAME VALUE`), each with its reason.
DATASETTE_SETTINGS = (
    Setting("sql_time_limit_ms", 3000, "A public instance must not be held by one query."),
    Setting("max_returned_rows", 2000, "Row cap for table pages, JSON and canned queries."),
    Setting("facet_time_limit_ms", 500, "Time limit of one facet."),
    Setting("suggest_facets", "off",
            "Suggestions try every column on every page: too slow at 100,000 rows."),
    Setting("allow_download", "off",
            "Whole tables come from `pantau export` or CSV streaming instead."),
    Setting("allow_csv_stream", "on", ".csv?_stream=1 returns every row, past max_returned_rows."),
    Setting("max_csv_mb", 0, "No 100 MB cut on streamed CSV (simonw/datasette#2444)."),
    Setting("truncate_cells_html", 400,
            "Article texts stay readable in table pages; JSON and CSV are whole."),
    Setting("default_page_size", 50, "Rows per table page."),
    Setting("cache_size_kb", 65536, "64 MB of SQLite page cache per connection: a search page "
            "reads the same matching rows for the rows, the count and each facet "
            "(benchmarks/README.md)."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def value(name: str):
    """A setting's value: its environment variable when set, else its default, as the
    default's type (a Path for paths, an int for counts ...).

    Raises:
        SettingError: the environment variable cannot be read as the default's type.
    """
    s = _BY_NAME[name]
    raw = os.environ.get(s.env) if s.env else None
    if not raw:
        return s.default
    kind = Path if isinstance(s.default, Path) else type(s.default)
    try:
        return kind(raw)
    except ValueError:
        raise SettingError(f"{s.env}={raw!r}: expected {kind.__name__} ({s.help})") from None


def setting(name: str) -> Path:
    """The path of a path setting: its environment variable if set, else the default."""
    return Path(value(name))


def _shown(default) -> str:
    """A default as the docs and --help show it: paths relative to the repository."""
    if isinstance(default, Path):
        try:
            return default.relative_to(ROOT).as_posix()
        except ValueError:
            return str(default)
    return str(default)


def help_for(name: str) -> str:
    """The --help sentence of a setting, with its environment variable and default (a setting
    without a variable shows its default through click's show_default)."""
    s = _BY_NAME[name]
    if not s.env:
        return s.help
    return f"{s.help} [env {s.env}; default {_shown(s.default)}]"


def beside_db(name: str, db: Path) -> Path:
    """A folder that belongs to a database: its env variable if set, else `<db folder>/<name>`.

    So `--db /elsewhere/pantau.db` never writes its archive into the project's data/ folder.
    """
    env = _BY_NAME[name].env
    configured = os.environ.get(env) if env else None
    return Path(configured) if configured else Path(db).resolve().parent / name


def datasette_settings() -> dict:
    """DATASETTE_SETTINGS as {name: value}, for `datasette serve --setting`."""
    return {s.name: s.default for s in DATASETTE_SETTINGS}


def settings_markdown() -> str:
    """Both tables as Markdown, as docs/architecture.md shows them."""
    lines = ["| Setting | Default | Environment | What it is |", "|---|---|---|---|"]
    lines += [f"| `{s.name}` | `{_shown(s.default)}` | {f'`{s.env}`' if s.env else '-'} "
              f"| {s.help} |" for s in SETTINGS]
    lines += ["", "| Datasette setting | Value | Why |", "|---|---|---|"]
    lines += [f"| `{s.name}` | `{s.default}` | {s.help} |" for s in DATASETTE_SETTINGS]
    return "\n".join(lines)
