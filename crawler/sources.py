"""Loads and validates the sources TOML: a bad entry fails with its line and the reason."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

from core.values import DEFAULT_MAX_PAGES, Source
from crawler.aggregators import APIS
from crawler.provinces import load_provinces
from crawler.site_kinds import SiteKind, SiteKindError, load_site_kinds

# The site kinds file sources name their `site_kind` from (crawler/site_kinds.py).
SITE_KINDS_TOML = Path(__file__).resolve().parent.parent / "data" / "site_kinds.toml"

# Every key a [[sources]] entry may have, with its help sentence.
SOURCE_KEYS = {
    "name": "Display name of the outlet (required).",
    "start_urls": "Homepage or section URLs the crawl starts from (required).",
    "url_prefix": "Only URLs starting with this prefix belong to the source "
                  "(default: the start URLs' hosts).",
    "slug": "Stable identifier (default: the name, lowercased, hyphenated).",
    "kind": "What the source is: outlet, office, aggregator (default outlet).",
    "region": "City or area the source covers, free text (e.g. 'Merauke', 'Nasional').",
    "province": "One of the 38 provinces the source covers (data/provinces.csv); none for "
                "a national source.",
    "office_id": "For kind = office: the unit's id in data/gazetteer/offices.csv.",
    "site_kind": "How the site is crawled: a kind in data/site_kinds.toml (default: every "
                 "discovery strategy, every link).",
    "topic_urls": "The site's immigration tag or search pages, read before anything else.",
    "notes": "Free text for maintainers.",
    "max_pages": "Cap on pages fetched from this source per crawl (default 500).",
    "enabled": "Set false to keep an entry without crawling it (default true).",
    "api": "For kind = aggregator: google_news or gdelt; start_urls is then the API endpoint.",
    "query": "For kind = aggregator: the search query, e.g. 'imigrasi' (required there).",
}
KINDS = ("outlet", "office", "aggregator")


class SourcesError(ValueError):
    """The sources file is missing, malformed or has an invalid entry."""


def slugify(name: str) -> str:
    """'Kabar Banten' -> 'kabar-banten'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _check_url(url, where: str) -> str:
    if not isinstance(url, str):
        raise SourcesError(f"{where}: URL must be a string, got {url!r}")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourcesError(f"{where}: {url!r} is not an http(s) URL")
    return url


def _entry_lines(text: str) -> list[int]:
    """Line numbers of each [[sources]] header, so errors can point at the entry."""
    return [i for i, line in enumerate(text.splitlines(), 1) if line.strip() == "[[sources]]"]


def parse_sources(text: str, origin: str = "<sources>",
                  site_kinds: dict[str, SiteKind] | None = None,
                  slugs: set[str] | None = None) -> list[Source]:
    """Parse sources TOML text (its `include` key is read by load_sources, not here).

    Args:
        text: the TOML document, with one [[sources]] table per source.
        origin: the file name used in error messages.
        site_kinds: the kinds a `site_kind` may name; default data/site_kinds.toml.
        slugs: slugs taken already (by other files of the same list); updated in place.

    Returns:
        The sources, in file order.

    Raises:
        SourcesError: with the file, the line and the reason.
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SourcesError(f"{origin}: malformed TOML: {e}") from None
    entries = doc.get("sources", [] if doc.get("include") else None)
    if not isinstance(entries, list) or (not entries and not doc.get("include")):
        raise SourcesError(f"{origin}: no [[sources]] entries found")
    unknown_top = sorted(set(doc) - {"sources", "include"})
    if unknown_top:
        raise SourcesError(f"{origin}: unknown top-level key(s) {', '.join(unknown_top)}; "
                           "allowed: include, [[sources]]")
    kinds = site_kinds if site_kinds is not None else default_site_kinds()
    provinces = load_provinces()
    lines = _entry_lines(text)
    sources = []
    slugs = set() if slugs is None else slugs
    for i, entry in enumerate(entries):
        line = lines[i] if i < len(lines) else "?"
        where = f"{origin}, line {line} (source #{i + 1})"
        unknown = sorted(set(entry) - set(SOURCE_KEYS))
        if unknown:
            raise SourcesError(f"{where}: unknown key(s) {', '.join(unknown)}; "
                               f"allowed: {', '.join(SOURCE_KEYS)}")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise SourcesError(f"{where}: 'name' is required")
        starts = entry.get("start_urls")
        if isinstance(starts, str):
            starts = [starts]
        if not isinstance(starts, list) or not starts:
            raise SourcesError(f"{where}: 'start_urls' must be a non-empty list of URLs")
        starts = tuple(_check_url(u, where) for u in starts)
        prefix = entry.get("url_prefix")
        prefixes = ((_check_url(prefix, where),) if prefix is not None
                    else tuple(f"{urlsplit(u).scheme}://{urlsplit(u).netloc}/" for u in starts))
        kind = entry.get("kind", "outlet")
        if kind not in KINDS:
            raise SourcesError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
        max_pages = entry.get("max_pages", DEFAULT_MAX_PAGES)
        if not isinstance(max_pages, int) or max_pages < 1:
            raise SourcesError(f"{where}: 'max_pages' must be a positive integer")
        api, query = entry.get("api"), entry.get("query")
        if kind == "aggregator":
            if api not in APIS:
                raise SourcesError(f"{where}: an aggregator needs 'api', one of {', '.join(APIS)}")
            if not isinstance(query, str) or not query.strip():
                raise SourcesError(f"{where}: an aggregator needs a 'query'")
        elif api is not None or query is not None:
            raise SourcesError(f"{where}: 'api' and 'query' are only for kind = \"aggregator\"")
        province = entry.get("province")
        if province is not None and province not in provinces:
            raise SourcesError(f"{where}: province {province!r} is not one of the 38 in "
                               "data/provinces.csv (e.g. 'Papua Selatan', 'DKI Jakarta')")
        site_kind = entry.get("site_kind")
        if site_kind is not None and site_kind not in kinds:
            raise SourcesError(f"{where}: site_kind {site_kind!r} is not one of "
                               f"{', '.join(kinds)}")
        office_id = entry.get("office_id")
        if office_id is not None and kind != "office":
            raise SourcesError(f"{where}: 'office_id' is only for kind = \"office\"")
        topics = entry.get("topic_urls", [])
        if isinstance(topics, str):
            topics = [topics]
        if not isinstance(topics, list):
            raise SourcesError(f"{where}: 'topic_urls' must be a list of URLs")
        topics = tuple(_check_url(u, where) for u in topics)
        slug = entry.get("slug") or slugify(name)
        if slug in slugs:
            raise SourcesError(f"{where}: duplicate slug {slug!r}; give one source a 'slug'")
        slugs.add(slug)
        src = Source(name=name.strip(), start_urls=starts, slug=slug, url_prefixes=prefixes,
                     kind=kind, region=entry.get("region"), max_pages=max_pages,
                     enabled=bool(entry.get("enabled", True)), notes=entry.get("notes"),
                     api=api, query=query, province=province, office_id=office_id,
                     site_kind=site_kind, topic_urls=topics)
        bad = [u for u in starts + topics if not src.owns(u)]
        if bad:
            raise SourcesError(f"{where}: start URL {bad[0]!r} is outside url_prefix {prefix!r}")
        sources.append(src)
    return sources


def default_site_kinds() -> dict[str, SiteKind]:
    """The shipped site kinds; a broken kinds file is a SourcesError here (one message type)."""
    try:
        return load_site_kinds(SITE_KINDS_TOML)
    except SiteKindError as e:
        raise SourcesError(str(e)) from None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourcesError(f"sources file not found: {path}") from None
    except UnicodeDecodeError as e:
        raise SourcesError(f"{path}: not UTF-8 ({e.reason})") from None


def load_sources(path: str | Path, site_kinds: dict[str, SiteKind] | None = None
                 ) -> list[Source]:
    """Read and parse a sources file and the files its top-level `include` names.

    `include = ["sources/offices.toml"]` paths are relative to the including file; the
    generated office list is kept apart from the hand-written one this way. A slug must be
    unique across all the files. A missing file raises SourcesError naming it.
    """
    path = Path(path)
    text = _read(path)
    kinds = site_kinds if site_kinds is not None else default_site_kinds()
    slugs: set[str] = set()
    sources = parse_sources(text, origin=str(path), site_kinds=kinds, slugs=slugs)
    includes = tomllib.loads(text).get("include", [])
    if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
        raise SourcesError(f"{path}: 'include' must be a list of file names")
    for name in includes:
        child = path.parent / name
        sources += parse_sources(_read(child), origin=str(child), site_kinds=kinds, slugs=slugs)
    return sources
