"""Checks a sources list as a whole: duplicate hosts, offices with no source, coverage."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crawler.provinces import load_provinces
from crawler.sources import Source


@dataclass
class Coverage:
    """What a sources list covers, and what is wrong with it."""

    offices: int = 0  # office sources
    gazetteer_sites: int = 0  # gazetteer units with a website
    outlets: int = 0
    aggregators: int = 0
    outlet_provinces: dict[str, int] = field(default_factory=dict)  # province -> outlets
    office_provinces: dict[str, int] = field(default_factory=dict)  # province -> office sources
    problems: list[str] = field(default_factory=list)

    def summary(self, problems: int | None = None) -> str:
        """One line of counts; `problems` counts more than this check found (--online)."""
        problems = len(self.problems) if problems is None else problems
        covered = len(self.outlet_provinces)
        total = len(load_provinces())
        return (f"{self.offices} office sources ({self.gazetteer_sites} gazetteer units have a "
                f"website), {self.outlets} outlets in {covered} of {total} provinces, "
                f"{self.aggregators} aggregators; {problems} problem(s)")


def host_key(url: str) -> str:
    """A URL prefix as ownership sees it: host without www, port, path."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{':' + str(parts.port) if parts.port else ''}{parts.path or '/'}"


def duplicate_hosts(sources: list[Source]) -> list[str]:
    """Problems for two sources that claim the same URL prefix (which owns its articles?)."""
    owners = defaultdict(list)
    for s in sources:
        if s.kind == "aggregator":
            continue
        for prefix in s.url_prefixes:
            owners[host_key(prefix)].append(s.slug)
    return [f"duplicate host: {key} is claimed by {', '.join(slugs)} (give each a distinct "
            "url_prefix, or remove one)" for key, slugs in sorted(owners.items())
            if len(slugs) > 1]


def check_sources(sources: list[Source], offices: list[dict]) -> Coverage:
    """Check a loaded sources list against the gazetteer and the 38 provinces.

    Args:
        sources: every source of the list (load_sources has checked each one already).
        offices: the gazetteer rows (nlp.gazetteer.load_offices()).

    Returns:
        The coverage counts and the problems: duplicate hosts, office sources whose office_id
        the gazetteer lacks, gazetteer units with a website but no source, provinces without an
        outlet.
    """
    cov = Coverage()
    by_id = {o["office_id"]: o for o in offices}
    kinds = Counter(s.kind for s in sources)
    cov.offices, cov.outlets, cov.aggregators = kinds["office"], kinds["outlet"], \
        kinds["aggregator"]
    cov.outlet_provinces = dict(Counter(s.province for s in sources
                                        if s.kind == "outlet" and s.province))
    cov.office_provinces = dict(Counter(s.province for s in sources
                                        if s.kind == "office" and s.province))
    cov.problems += duplicate_hosts(sources)
    covered = set()
    for s in sources:
        if s.kind != "office":
            continue
        if s.office_id is None:
            cov.problems.append(f"{s.slug}: an office source needs an office_id")
        elif s.office_id not in by_id:
            cov.problems.append(f"{s.slug}: office_id {s.office_id!r} is not in the gazetteer")
        else:
            covered.add(s.office_id)
            if s.province != by_id[s.office_id]["province"]:
                cov.problems.append(f"{s.slug}: province {s.province!r} differs from the "
                                    f"gazetteer's {by_id[s.office_id]['province']!r}")
    with_site = [o for o in offices if o.get("website")]
    cov.gazetteer_sites = len(with_site)
    for office in with_site:
        if office["office_id"] not in covered:
            cov.problems.append(f"gazetteer office without a source: {office['office_id']} "
                                f"({office['website']}); run `pantau sources generate`")
    for province in load_provinces():
        if province not in cov.outlet_provinces:
            cov.problems.append(f"province without an outlet: {province}")
    return cov


def filter_sources(sources: list[Source], province: str | None = None, kind: str | None = None,
                   site_kind: str | None = None, office: str | None = None) -> list[Source]:
    """The sources matching every given filter (case-insensitive province)."""
    out = []
    for s in sources:
        if province and (s.province or "").lower() != province.lower():
            continue
        if kind and s.kind != kind:
            continue
        if site_kind and s.site_kind != site_kind:
            continue
        if office and s.office_id != office:
            continue
        out.append(s)
    return out
