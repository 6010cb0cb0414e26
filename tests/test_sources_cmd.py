"""`pantau sources`: generate (pantau/office_sources.py), validate (pantau/source_checks.py),
list, health (pantau/source_health.py) and --online (pantau/source_online.py)."""

from __future__ import annotations

import csv
import re

import pytest
import sqlite_utils
from click.testing import CliRunner
from sites.server import FixtureServer

from crawler.provinces import load_provinces
from crawler.sources import load_sources
from nlp.gazetteer import OFFICES_CSV, load_offices
from pantau.cli import cli
from pantau.office_sources import (
    OFFICES_TOML,
    OverrideError,
    generate_office_sources,
)
from pantau.source_checks import check_sources
from pantau.source_online import check_online
from pipelines.health import record_health


def invoke(*args):
    return CliRunner().invoke(cli, ["sources", *map(str, args)])


# --- generate ---------------------------------------------------------------------------------
def test_regenerated_office_sources_equal_the_shipped_file():
    assert generate_office_sources() == OFFICES_TOML.read_text(encoding="utf-8")
    result = invoke("generate", "--check")
    assert result.exit_code == 0, result.output
    assert "up to date (193 office sources)" in result.output


def test_a_new_gazetteer_office_becomes_a_source(tmp_path):
    with OFFICES_CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    new = dict(rows[0], office_id="kanim-tahunabaru", name="Kantor Imigrasi Tahuna Baru",
               place="Tahuna", province="Sulawesi Utara", website="tahunabaru.imigrasi.go.id")
    gazetteer = tmp_path / "offices.csv"
    with gazetteer.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([*rows, new])
    text = generate_office_sources(gazetteer)
    generated = tmp_path / "offices.toml"
    generated.write_text(text, encoding="utf-8")
    (src,) = [s for s in load_sources(generated) if s.office_id == "kanim-tahunabaru"]
    assert (src.slug, src.kind, src.province, src.region, src.site_kind, src.start_urls) == (
        "kanim-tahunabaru", "office", "Sulawesi Utara", "Tahuna", "imigrasi-office",
        ("https://tahunabaru.imigrasi.go.id/berita-utama",))
    assert text.count("[[sources]]") == 194


def test_overrides_are_applied_and_checked(tmp_path):
    overrides = tmp_path / "o.toml"
    overrides.write_text('[office.kanim-merauke]\nsite_kind = "wordpress"\nmax_pages = 50\n',
                         encoding="utf-8")
    text = generate_office_sources(overrides=overrides)
    block = text.split('slug = "kanim-merauke"')[1].split("[[sources]]")[0]
    assert 'site_kind = "wordpress"' in block
    assert 'start_urls = ["https://merauke.imigrasi.go.id/"]' in block  # wordpress' section
    assert "max_pages = 50" in block
    overrides.write_text('[office.kanim-atlantis]\nenabled = false\n', encoding="utf-8")
    with pytest.raises(OverrideError, match="kanim-atlantis"):
        generate_office_sources(overrides=overrides)
    overrides.write_text('[office.kanim-merauke]\nprovince = "Papua"\n', encoding="utf-8")
    with pytest.raises(OverrideError, match="unknown key.s. province"):
        generate_office_sources(overrides=overrides)


# --- validate ---------------------------------------------------------------------------------
def test_shipped_list_validates_and_covers_the_country():
    result = invoke("validate")
    assert result.exit_code == 0, result.output
    m = re.search(r"(\d+) office sources \((\d+) gazetteer units have a website\), (\d+) "
                  r"outlets in (\d+) of 38 provinces, 2 aggregators; 0 problem", result.output)
    assert m, result.output
    offices, with_site, outlets, provinces = map(int, m.groups())
    assert offices == with_site >= 190 and outlets >= 80 and provinces == 38
    sources = load_sources(OFFICES_TOML.parent.parent / "sources.toml")
    coverage = check_sources(sources, load_offices())
    # Every province has at least two outlets; every province with a unit has its office source.
    assert min(coverage.outlet_provinces.values()) >= 2
    assert set(coverage.outlet_provinces) == set(load_provinces())
    unit_provinces = {o["province"] for o in load_offices() if o["website"]}
    assert unit_provinces <= set(coverage.office_provinces)
    assert len(unit_provinces) == 37  # Papua Pegunungan has no unit in the gazetteer


def test_validate_reports_every_problem(tmp_path):
    sources = tmp_path / "s.toml"
    sources.write_text(
        '[[sources]]\nname = "A"\nprovince = "Aceh"\nstart_urls = ["https://a.example/"]\n\n'
        '[[sources]]\nname = "A again"\nprovince = "Bali"\n'
        'start_urls = ["https://www.a.example/berita"]\nurl_prefix = "https://www.a.example/"\n\n'
        '[[sources]]\nname = "Kanim Atlantis"\nkind = "office"\noffice_id = "kanim-atlantis"\n'
        'start_urls = ["https://atlantis.example/"]\n', encoding="utf-8")
    result = invoke("validate", "--sources", sources)
    assert result.exit_code == 1
    problems = [ln for ln in result.output.splitlines() if ln.startswith("problem: ")]
    assert problems[:2] == [
        "problem: duplicate host: a.example/ is claimed by a, a-again (give each a distinct "
        "url_prefix, or remove one)",
        "problem: kanim-atlantis: office_id 'kanim-atlantis' is not in the gazetteer"]
    missing = [p for p in problems if "gazetteer office without a source" in p]
    assert len(missing) == 193
    assert "problem: gazetteer office without a source: kanim-merauke (merauke.imigrasi.go.id)" \
        "; run `pantau sources generate`" in problems
    no_outlet = [p for p in problems if p.startswith("problem: province without an outlet")]
    assert len(no_outlet) == 36  # all but Aceh and Bali
    assert len(problems) == 2 + 193 + 36


@pytest.mark.parametrize("text, message", [
    pytest.param('[[sources]]\nname = "A"\nstart_url = ["https://a.example/"]\n',
                 "unknown key(s) start_url", id="unknown-key"),
    pytest.param('[[sources]]\nname = "A"\nstart_urls = ["htp:/a"]\n', "is not an http(s) URL",
                 id="bad-url"),
])
def test_validate_rejects_a_broken_file_in_one_line(tmp_path, text, message):
    sources = tmp_path / "s.toml"
    sources.write_text(text, encoding="utf-8")
    result = invoke("validate", "--sources", sources)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


# --- list ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("args, expected", [
    pytest.param(["--office", "kanim-merauke"], ["kanim-merauke"], id="office"),
    pytest.param(["--province", "papua selatan", "--kind", "office"], ["kanim-merauke"],
                 id="province-and-kind"),
    pytest.param(["--province", "Papua Selatan"], ["rri-merauke", "rri-boven-digoel",
                                                  "kanim-merauke"], id="province"),
    pytest.param(["--site-kind", "imigrasi-ditjen"], ["ditjen-imigrasi"], id="site-kind"),
])
def test_list_filters(args, expected):
    result = invoke("list", *args)
    assert result.exit_code == 0, result.output
    slugs = [ln.split("\t")[0] for ln in result.output.splitlines() if "\t" in ln]
    assert slugs == expected


def test_list_counts_kinds():
    result = invoke("list", "--kind", "office", "--json")
    assert result.exit_code == 0, result.output
    assert result.output.count('"kind": "office"') == 193


# --- health -------------------------------------------------------------------------------------
def test_health_history(tmp_path):
    db_path = tmp_path / "pantau.db"
    db = sqlite_utils.Database(db_path)
    base = {"pages": 10, "errors": 0, "new": 0, "updated": 0, "unchanged": 0, "known": 0,
            "bodies_checked": 0, "short_bodies": 0, "missing_dates": 0}
    record_health(db, [
        {**base, "crawl_id": "2026-11-01T00:00:00", "source": "antara-papua",
         "articles_found": 7, "status": "ok", "reason": None},
        {**base, "crawl_id": "2026-11-08T00:00:00", "source": "antara-papua",
         "articles_found": 4, "status": "ok", "reason": None},
        {**base, "crawl_id": "2026-11-15T00:00:00", "source": "antara-papua",
         "articles_found": 0, "status": "unhealthy", "reason": "no articles found (usually 6)"},
        {**base, "crawl_id": "2026-11-15T00:00:00", "source": "rri-merauke",
         "articles_found": 0, "status": "unhealthy", "reason": "no articles found"},
    ])
    db.close()
    result = invoke("health", "--db", db_path, "--crawls", "2")
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if "\t" in ln]
    assert lines == [
        "antara-papua\tlast crawl 2026-11-15T00:00:00\tlast success 2026-11-08T00:00:00\t"
        "articles 0 4\tunhealthy (no articles found (usually 6))",
        "rri-merauke\tlast crawl 2026-11-15T00:00:00\tlast success never\tarticles 0\t"
        "unhealthy (no articles found)"]
    result = invoke("health", "--db", tmp_path / "none.db")
    assert result.exit_code == 1 and "database not found" in result.output


# --- --online, against loopback -------------------------------------------------------------------
@pytest.fixture
def two_hosts():
    a, b = FixtureServer("a", host="127.0.0.2"), FixtureServer("b", host="127.0.0.3")
    a.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    a.add("/news", "<html><body>news</body></html>")
    a.add("/tag/imigrasi", "<html><body>tag</body></html>")
    b.add("/", "<html><body>home</body></html>")
    with a, b:
        yield a, b


def test_online_check_is_one_request_at_a_time_per_host(tmp_path, two_hosts):
    a, b = two_hosts
    sources = tmp_path / "s.toml"
    sources.write_text(
        f'[[sources]]\nname = "A"\nstart_urls = ["{a.url("/news")}", "{a.url("/gone")}", '
        f'"{a.url("/private/x")}"]\ntopic_urls = ["{a.url("/tag/imigrasi")}"]\n\n'
        f'[[sources]]\nname = "B"\nstart_urls = ["{b.url("/")}"]\n', encoding="utf-8")
    results = check_online(load_sources(sources), delay=0, timeout=10)
    assert [(r.status, r.url) for r in results] == [
        ("ok", a.url("/robots.txt")), ("ok", a.url("/tag/imigrasi")), ("ok", a.url("/news")),
        ("http_404", a.url("/gone")), ("robots_disallowed", a.url("/private/x")),
        ("robots_missing", b.url("/robots.txt")), ("ok", b.url("/"))]
    assert [h.path for h in a.hits] == ["/robots.txt", "/tag/imigrasi", "/news", "/gone"]
    assert (a.max_active, b.max_active) == (1, 1)
    assert all("Pantau/" in h.headers["user-agent"] for h in a.hits + b.hits)
    result = invoke("validate", "--sources", sources, "--online", "--delay", "0")
    assert result.exit_code == 1  # the 404 (and the gazetteer offices this file lacks)
    assert f"problem: {a.url('/gone')}: http_404" in result.output
    assert "online: 5 of 7 URLs answered on 2 hosts" in result.output
