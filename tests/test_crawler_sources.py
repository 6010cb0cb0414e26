"""crawler/sources.py: the sources TOML contract and its error messages."""

from __future__ import annotations

import pytest

from crawler.sources import SourcesError, load_sources, parse_sources


def test_minimal_source_gets_defaults():
    (src,) = parse_sources('[[sources]]\nname = "Kabar Banten"\n'
                           'start_urls = ["https://kabarbanten.example/"]\n')
    assert (src.slug, src.kind, src.url_prefixes, src.enabled) == (
        "kabar-banten", "outlet", ("https://kabarbanten.example/",), True)
    assert src.owns("http://www.kabarbanten.example/berita/x")
    assert not src.owns("https://other.example/berita/x")


def test_url_prefix_lets_two_sources_share_a_host():
    a, b = parse_sources(
        '[[sources]]\nname = "A"\nstart_urls = ["https://h.example/a/"]\n'
        'url_prefix = "https://h.example/a/"\n\n'
        '[[sources]]\nname = "B"\nstart_urls = ["https://h.example/b/"]\n'
        'url_prefix = "https://h.example/b/"\n')
    assert a.owns("https://h.example/a/berita/1") and not a.owns("https://h.example/b/berita/1")
    assert b.owns("https://h.example/b/berita/1")


@pytest.mark.parametrize("text, message", [
    pytest.param('[[sources]\nname = "A"', "malformed TOML", id="malformed-toml"),
    pytest.param('title = "x"\n', "no [[sources]]", id="no-entries"),
    pytest.param('[[sources]]\nname = "A"\nstart_urls = ["https://a.example/"]\n\n'
                 '[[sources]]\nname = "B"\nstart_url = ["https://b.example/"]\n',
                 "line 5 (source #2): unknown key(s) start_url", id="unknown-key-names-line"),
    pytest.param('[[sources]]\nstart_urls = ["https://a.example/"]\n', "'name' is required",
                 id="missing-name"),
    pytest.param('[[sources]]\nname = "A"\n', "'start_urls' must be", id="missing-start-urls"),
    pytest.param('[[sources]]\nname = "A"\nstart_urls = ["ftp://a.example/"]\n',
                 "is not an http(s) URL", id="bad-scheme"),
    pytest.param('[[sources]]\nname = "A"\nstart_urls = ["https://a.example/x/"]\n'
                 'url_prefix = "https://a.example/y/"\n', "outside url_prefix",
                 id="start-outside-prefix"),
    pytest.param('[[sources]]\nname = "A"\nstart_urls = ["https://a.example/"]\n'
                 '[[sources]]\nname = "a"\nstart_urls = ["https://b.example/"]\n',
                 "duplicate slug 'a'", id="duplicate-slug"),
    pytest.param('[[sources]]\nname = "A"\nstart_urls = ["https://a.example/"]\nkind = "blog"\n',
                 "kind 'blog' is not one of", id="bad-kind"),
    pytest.param('[[sources]]\nname = "G"\nkind = "aggregator"\nquery = "imigrasi"\n'
                 'start_urls = ["https://news.google.com/rss/search"]\n',
                 "an aggregator needs 'api'", id="aggregator-without-api"),
    pytest.param('[[sources]]\nname = "G"\nkind = "aggregator"\napi = "gdelt"\n'
                 'start_urls = ["https://api.gdeltproject.org/api/v2/doc/doc"]\n',
                 "an aggregator needs a 'query'", id="aggregator-without-query"),
    pytest.param('[[sources]]\nname = "A"\nstart_urls = ["https://a.example/"]\n'
                 'query = "imigrasi"\n', "only for kind", id="query-on-outlet"),
    pytest.param('[[sources]]\nname = "A"\nstart_urls = ["https://a.example/"]\n'
                 'province = "Papua Timur"\n', "province 'Papua Timur' is not one of the 38",
                 id="unknown-province"),
    pytest.param('[[sources]]\nname = "A"\nstart_urls = ["https://a.example/"]\n'
                 'site_kind = "joomla"\n', "site_kind 'joomla' is not one of",
                 id="unknown-site-kind"),
    pytest.param('[[sources]]\nname = "A"\nstart_urls = ["https://a.example/"]\n'
                 'office_id = "kanim-merauke"\n', "'office_id' is only for kind",
                 id="office-id-on-outlet"),
    pytest.param('[[sources]]\nname = "A"\nstart_urls = ["https://a.example/"]\n'
                 'topic_urls = ["https://b.example/tag/imigrasi"]\n', "outside url_prefix",
                 id="topic-url-off-host"),
    pytest.param('includes = ["x.toml"]\n[[sources]]\nname = "A"\n'
                 'start_urls = ["https://a.example/"]\n', "unknown top-level key(s) includes",
                 id="unknown-top-level-key"),
])
def test_bad_sources_raise_with_reason(text, message):
    with pytest.raises(SourcesError) as excinfo:
        parse_sources(text, origin="s.toml")
    assert message in str(excinfo.value)
    assert str(excinfo.value).startswith("s.toml")


def test_missing_file_is_named(tmp_path):
    with pytest.raises(SourcesError, match="sources file not found: .*nope.toml"):
        load_sources(tmp_path / "nope.toml")


def test_new_keys_are_read():
    (src,) = parse_sources(
        '[[sources]]\nname = "Kantor Imigrasi Merauke"\nkind = "office"\n'
        'office_id = "kanim-merauke"\nprovince = "Papua Selatan"\nregion = "Merauke"\n'
        'site_kind = "imigrasi-office"\n'
        'start_urls = ["https://merauke.imigrasi.go.id/berita-utama"]\n'
        'topic_urls = ["https://merauke.imigrasi.go.id/berita-utama?page=2"]\n')
    assert (src.office_id, src.province, src.region, src.site_kind, src.topic_urls) == (
        "kanim-merauke", "Papua Selatan", "Merauke", "imigrasi-office",
        ("https://merauke.imigrasi.go.id/berita-utama?page=2",))


def test_include_reads_other_files_and_slugs_stay_unique(tmp_path):
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "b.toml").write_text(
        '[[sources]]\nname = "B"\nstart_urls = ["https://b.example/"]\n', encoding="utf-8")
    main = tmp_path / "main.toml"
    main.write_text('include = ["more/b.toml"]\n[[sources]]\nname = "A"\n'
                    'start_urls = ["https://a.example/"]\n', encoding="utf-8")
    assert [s.slug for s in load_sources(main)] == ["a", "b"]
    (tmp_path / "more" / "b.toml").write_text(
        '[[sources]]\nname = "a"\nstart_urls = ["https://c.example/"]\n', encoding="utf-8")
    with pytest.raises(SourcesError, match=r"b.toml, line 1 .*duplicate slug 'a'"):
        load_sources(main)
    main.write_text('include = ["gone.toml"]\n', encoding="utf-8")
    with pytest.raises(SourcesError, match="sources file not found: .*gone.toml"):
        load_sources(main)


def test_shipped_sources_file_is_valid():
    from core.settings import setting

    sources = load_sources(setting("sources"))
    assert len(sources) >= 25
    assert len({s.slug for s in sources}) == len(sources)
    aggregators = {s.api: s for s in sources if s.kind == "aggregator"}
    assert set(aggregators) == {"google_news", "gdelt"}
    assert aggregators["google_news"].start_urls == ("https://news.google.com/rss/search",)
    assert aggregators["gdelt"].start_urls == ("https://api.gdeltproject.org/api/v2/doc/doc",)
    assert all("imigrasi" in s.query for s in aggregators.values())
