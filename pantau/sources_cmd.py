"""`pantau sources`: list, validate, generate and the health history of the crawl's sources."""

from __future__ import annotations

import json
from pathlib import Path

import click

from core.settings import help_for, setting


def sources_option(f):
    return click.option("--sources", "sources_path",
                        type=click.Path(dir_okay=False, path_type=Path),
                        default=lambda: setting("sources"), show_default="data/sources.toml",
                        help=help_for("sources"))(f)


def _load(path: Path):
    from crawler.sources import load_sources

    return load_sources(path)


@click.group()
def sources():
    """List, check and generate the sources a crawl reads."""


@sources.command("list")
@sources_option
@click.option("--province", help="Only sources of this province, e.g. 'Papua Selatan'.")
@click.option("--kind", type=click.Choice(["outlet", "office", "aggregator"]),
              help="Only sources of this kind.")
@click.option("--site-kind", help="Only sources crawled as this site kind (data/site_kinds.toml).")
@click.option("--office", "office_id", metavar="OFFICE_ID",
              help="Only the source of this gazetteer office, e.g. kanim-merauke.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def list_(sources_path, province, kind, site_kind, office_id, as_json):
    """Print the sources, one a line: slug, kind, province, site kind, first start URL."""
    from pantau.errors import user_errors
    from pantau.source_checks import filter_sources

    with user_errors():
        found = filter_sources(_load(sources_path), province, kind, site_kind, office_id)
    for s in found:
        if as_json:
            click.echo(json.dumps({"slug": s.slug, "name": s.name, "kind": s.kind,
                                   "office_id": s.office_id, "province": s.province,
                                   "region": s.region, "site_kind": s.site_kind,
                                   "start_urls": list(s.start_urls),
                                   "topic_urls": list(s.topic_urls), "enabled": s.enabled},
                                  ensure_ascii=False))
        else:
            click.echo("\t".join([s.slug, s.kind, s.province or "-", s.site_kind or "-",
                                  s.start_urls[0]]))
    click.echo(f"{len(found)} source(s)", err=True)


@sources.command()
@sources_option
@click.option("--online", is_flag=True,
              help="Also fetch each host's robots.txt and every start URL, one request at a "
                   "time per host (needs the internet).")
@click.option("--delay", default=1.0, show_default=True, type=click.FloatRange(min=0),
              help="With --online: seconds between two requests to the same host.")
@click.option("--timeout", default=20.0, show_default=True, type=click.FloatRange(min=0.1),
              help="With --online: seconds to wait for one answer.")
def validate(sources_path, online, delay, timeout):
    """Check the sources: keys, URLs, duplicate hosts, gazetteer offices without a source,
    provinces without an outlet. Exits 1 when anything is wrong."""
    from nlp.gazetteer import load_offices
    from pantau.errors import user_errors
    from pantau.source_checks import check_sources

    with user_errors():
        found = _load(sources_path)
        coverage = check_sources(found, load_offices())
    problems = list(coverage.problems)
    if online:
        from pantau.source_online import check_online

        results = check_online(found, delay=delay, timeout=timeout)
        for r in results:
            click.echo(f"{r.status}\t{r.url}" + (f"\t{r.detail}" if r.detail else ""))
        problems += [f"{r.url}: {r.status} {r.detail or ''}".strip()
                     for r in results if not r.ok]
        click.echo(f"online: {sum(r.ok for r in results)} of {len(results)} URLs answered "
                   f"on {len({r.host for r in results})} hosts", err=True)
    for p in problems:
        click.echo(f"problem: {p}", err=True)
    click.echo(coverage.summary(len(problems)), err=True)
    if problems:
        raise SystemExit(1)


@sources.command()
@click.option("--check", is_flag=True,
              help="Do not write: exit 1 when data/sources/offices.toml is not what the "
                   "gazetteer, the site kinds and the overrides give.")
def generate(check):
    """Write data/sources/offices.toml from the gazetteer (one source per unit with a website),
    the site kinds and data/sources/office_overrides.toml."""
    from pantau.errors import user_errors
    from pantau.office_sources import OFFICES_TOML, generate_office_sources

    with user_errors():
        text = generate_office_sources()
    current = OFFICES_TOML.read_text(encoding="utf-8") if OFFICES_TOML.exists() else ""
    count = text.count("[[sources]]")
    if check:
        if text != current:
            raise click.ClickException(f"{OFFICES_TOML} is out of date; run "
                                       "`pantau sources generate`")
        click.echo(f"{OFFICES_TOML} is up to date ({count} office sources)", err=True)
        return
    OFFICES_TOML.write_text(text, encoding="utf-8")
    click.echo(f"wrote {count} office sources to {OFFICES_TOML}"
               + (" (unchanged)" if text == current else ""), err=True)


@sources.command()
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
              default=lambda: setting("db"), show_default="data/pantau.db", help=help_for("db"))
@click.option("--crawls", default=5, show_default=True, type=click.IntRange(min=1),
              help="How many recent crawls to show per source.")
@click.argument("slugs", nargs=-1)
def health(db_path, crawls, slugs):
    """Each source's health over its recent crawls (from source_health): last success,
    articles found per crawl, newest first, and its current flag."""
    from pantau.errors import user_errors
    from pantau.source_health import health_history

    with user_errors():
        rows = health_history(db_path, slugs, crawls)
    for r in rows:
        found = " ".join(str(n) for n in r["articles_per_crawl"])
        flag = r["status"] + (f" ({r['reason']})" if r["reason"] else "")
        click.echo(f"{r['source']}\tlast crawl {r['last_crawl']}\tlast success "
                   f"{r['last_success'] or 'never'}\tarticles {found}\t{flag}")
    click.echo(f"{len(rows)} source(s) with a health history in {db_path}", err=True)


@sources.command("map")
@sources_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("sources-map.html"), show_default=True,
              help="HTML file to write (open it in a browser, or screenshot it).")
def map_(sources_path, output):
    """Write an HTML map of the provinces with their outlets and office sources, on the
    offline basemap tiles."""
    from pantau.coverage_map import coverage_map_html
    from pantau.errors import user_errors

    with user_errors():
        found = _load(sources_path)
    output.write_text(coverage_map_html(found), encoding="utf-8")
    click.echo(f"wrote {output}", err=True)
