"""Loads the site kinds (data/site_kinds.toml): each kind's discovery stages and URL rules."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from urllib.parse import urlsplit

# Discovery stages a kind may list, in the order the news spider runs them.
STAGES = ("wordpress", "feed", "sitemap", "listing", "search")
# Every key a [kinds.<name>] table may have, with its help sentence.
KIND_KEYS = {
    "description": "One sentence: what sites these are and what they offer (required).",
    "strategies": f"Discovery stages to run, from {', '.join(STAGES)} (default: all).",
    "feeds": "Feed paths to try besides those the home page announces.",
    "sitemaps": "Sitemap paths to try when robots.txt names none.",
    "article": "Regex on path and query matching the site's article pages.",
    "listing": "Regex on path and query matching index, tag and paging pages worth reading.",
    "news_section": "Path of the news section, where generated office sources start.",
    "hosts": "Host patterns (fnmatch) of sites of this kind, for `pantau sources generate`.",
}


class SiteKindError(ValueError):
    """The site kinds file is missing, malformed or has an invalid kind."""


@dataclass(frozen=True)
class SiteKind:
    """How to find the articles of one family of sites."""

    name: str
    description: str
    strategies: tuple[str, ...] = STAGES
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    article: re.Pattern | None = None
    listing: re.Pattern | None = None
    news_section: str | None = None
    hosts: tuple[str, ...] = ()

    def is_article(self, url: str) -> bool:
        """True when the URL has the shape of this kind's articles (always, without a rule)."""
        return self.article is None or bool(self.article.search(_path_query(url)))

    def follows(self, url: str) -> bool:
        """True when a listed link is worth fetching: an article or a listing page."""
        if self.article is None and self.listing is None:
            return True
        target = _path_query(url)
        return any(rule is not None and rule.search(target)
                   for rule in (self.article, self.listing))

    def host_specificity(self, host: str) -> int | None:
        """Length of the longest of this kind's host patterns that matches `host`, else None."""
        lengths = [len(p) for p in self.hosts if fnmatchcase(host.lower(), p.lower())]
        return max(lengths) if lengths else None


def _path_query(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _strings(value, where: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SiteKindError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


def _regex(value, where: str, key: str) -> re.Pattern | None:
    if value is None:
        return None
    try:
        pattern = re.compile(value)
    except (re.error, TypeError) as e:
        raise SiteKindError(f"{where}: '{key}' is not a regular expression: {e}") from None
    if pattern.search("") is not None and pattern.search("/zzz-not-a-page") is not None:
        # trafilatura's xpaths._alt guard, for URLs: a rule that matches everything is a typo.
        raise SiteKindError(f"{where}: '{key}' matches every URL")
    return pattern


def parse_site_kinds(text: str, origin: str = "<site kinds>") -> dict[str, SiteKind]:
    """Parse site kinds TOML text.

    Args:
        text: the TOML document, one [kinds.<name>] table per kind.
        origin: the file name used in error messages.

    Returns:
        The kinds by name, in file order.

    Raises:
        SiteKindError: with the file, the kind and the reason.
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SiteKindError(f"{origin}: malformed TOML: {e}") from None
    tables = doc.get("kinds")
    if not isinstance(tables, dict) or not tables:
        raise SiteKindError(f"{origin}: no [kinds.<name>] tables found")
    kinds = {}
    for name, table in tables.items():
        where = f"{origin}, kind {name!r}"
        unknown = sorted(set(table) - set(KIND_KEYS))
        if unknown:
            raise SiteKindError(f"{where}: unknown key(s) {', '.join(unknown)}; "
                                f"allowed: {', '.join(KIND_KEYS)}")
        if not isinstance(table.get("description"), str) or not table["description"].strip():
            raise SiteKindError(f"{where}: 'description' is required")
        strategies = _strings(table.get("strategies", list(STAGES)), where, "strategies")
        bad = [s for s in strategies if s not in STAGES]
        if bad or not strategies:
            raise SiteKindError(f"{where}: strategies must be some of {', '.join(STAGES)}"
                                + (f", not {bad[0]!r}" if bad else ""))
        paths = {k: _strings(table.get(k, []), where, k) for k in ("feeds", "sitemaps")}
        section = table.get("news_section")
        for path in [*paths["feeds"], *paths["sitemaps"], *([section] if section else [])]:
            if not isinstance(path, str) or not path.startswith("/"):
                raise SiteKindError(f"{where}: path {path!r} must start with '/'")
        kinds[name] = SiteKind(
            name=name, description=table["description"].strip(),
            strategies=tuple(s for s in STAGES if s in strategies), **paths,
            article=_regex(table.get("article"), where, "article"),
            listing=_regex(table.get("listing"), where, "listing"),
            news_section=section, hosts=_strings(table.get("hosts", []), where, "hosts"))
    return kinds


def load_site_kinds(path: str | Path) -> dict[str, SiteKind]:
    """Read and parse a site kinds file; a missing file raises SiteKindError naming it."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SiteKindError(f"site kinds file not found: {path}") from None
    return parse_site_kinds(text, origin=str(path))


def kind_for_host(kinds: dict[str, SiteKind], host: str) -> SiteKind | None:
    """The kind whose host patterns match `host` most specifically, or None."""
    scored = [(k.host_specificity(host), k) for k in kinds.values()]
    scored = [(score, k) for score, k in scored if score is not None]
    return max(scored, key=lambda pair: pair[0])[1] if scored else None
