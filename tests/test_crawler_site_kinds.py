"""crawler/site_kinds.py: the site kinds file, its rules and its error messages."""

from __future__ import annotations

import pytest

from crawler.site_kinds import SiteKindError, kind_for_host, load_site_kinds, parse_site_kinds
from crawler.sources import SITE_KINDS_TOML

KINDS = load_site_kinds(SITE_KINDS_TOML)


@pytest.mark.parametrize("kind, url, article, follows", [
    pytest.param("antara", "https://jatim.antaranews.com/berita/812345/imigrasi-tanjung-perak",
                 True, True, id="antara-article"),
    pytest.param("antara", "https://jatim.antaranews.com/tag/imigrasi/2", False, True,
                 id="antara-tag-page"),
    pytest.param("antara", "https://jatim.antaranews.com/foto/812345/galeri", False, False,
                 id="antara-photo-not-followed"),
    pytest.param("tribun", "https://kupang.tribunnews.com/2026/01/05/wna-dideportasi", True, True,
                 id="tribun-dated-path"),
    pytest.param("tribun", "https://kupang.tribunnews.com/tag/imigrasi?page=2", False, True,
                 id="tribun-tag-paging"),
    pytest.param("detik", "https://www.detik.com/bali/berita/d-7712345/wna-rusia-dideportasi",
                 True, True, id="detik-regional-article"),
    pytest.param("kompas", "https://regional.kompas.com/read/2026/02/03/101500178/wna-ditangkap",
                 True, True, id="kompas-read"),
    pytest.param("suara", "https://jatim.suara.com/read/2026/02/03/143012/paspor-baru", True,
                 True, id="suara-read"),
    pytest.param("imigrasi-office", "https://merauke.imigrasi.go.id/berita-utama/patroli-perbatasan",
                 True, True, id="office-berita-utama"),
    pytest.param("imigrasi-office", "https://merauke.imigrasi.go.id/layanan/paspor", False, False,
                 id="office-service-page-not-followed"),
    pytest.param("generic", "https://anything.example/x/y?z=1", True, True, id="generic-no-rules"),
])
def test_url_rules(kind, url, article, follows):
    assert (KINDS[kind].is_article(url), KINDS[kind].follows(url)) == (article, follows)


@pytest.mark.parametrize("host, kind", [
    ("merauke.imigrasi.go.id", "imigrasi-office"),
    ("www.imigrasi.go.id", "imigrasi-ditjen"),  # the exact host beats *.imigrasi.go.id
    ("imigrasi.go.id", "imigrasi-ditjen"),
    ("kupang.tribunnews.com", "tribun"),
    ("example.org", None),
])
def test_kind_for_host(host, kind):
    found = kind_for_host(KINDS, host)
    assert (found.name if found else None) == kind


def test_every_shipped_kind_is_described_and_has_known_stages():
    assert len(KINDS) >= 10
    for kind in KINDS.values():
        assert kind.description and kind.strategies


@pytest.mark.parametrize("text, message", [
    pytest.param("[kinds.a]\n", "'description' is required", id="no-description"),
    pytest.param('[kinds.a]\ndescription = "x"\nstrategy = ["feed"]\n', "unknown key(s) strategy",
                 id="unknown-key"),
    pytest.param('[kinds.a]\ndescription = "x"\nstrategies = ["rss"]\n', "not 'rss'",
                 id="unknown-stage"),
    pytest.param('[kinds.a]\ndescription = "x"\narticle = "("\n', "not a regular expression",
                 id="bad-regex"),
    pytest.param('[kinds.a]\ndescription = "x"\narticle = ".*"\n', "matches every URL",
                 id="match-everything"),
    pytest.param('[kinds.a]\ndescription = "x"\nfeeds = ["feed/"]\n', "must start with '/'",
                 id="relative-path"),
    pytest.param('title = "x"\n', "no [kinds.<name>] tables", id="empty"),
])
def test_bad_kinds_raise_with_reason(text, message):
    with pytest.raises(SiteKindError) as excinfo:
        parse_site_kinds(text, origin="k.toml")
    assert message in str(excinfo.value)
    assert str(excinfo.value).startswith("k.toml")
