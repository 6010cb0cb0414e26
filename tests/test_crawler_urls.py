"""crawler/urls.py: variants of one article URL collapse to one key."""

from __future__ import annotations

import pytest

from crawler.urls import article_id, clean_url, url_key

BASE = "https://kabar.example/berita/kanim-serang-deportasi"


@pytest.mark.parametrize("variant", [
    pytest.param(BASE, id="canonical"),
    pytest.param(BASE + "/", id="trailing-slash"),
    pytest.param("http://kabar.example/berita/kanim-serang-deportasi", id="http"),
    pytest.param("https://www.kabar.example/berita/kanim-serang-deportasi", id="www"),
    pytest.param(BASE + "?utm_source=fb&utm_medium=social", id="utm"),
    pytest.param(BASE + "?fbclid=IwAR0abc", id="fbclid"),
    pytest.param(BASE + "#komentar", id="fragment"),
    pytest.param(BASE + "/amp", id="amp-suffix"),
    pytest.param("https://kabar.example/amp/berita/kanim-serang-deportasi", id="amp-prefix"),
])
def test_variants_share_one_id(variant):
    assert url_key(variant) == "kabar.example/berita/kanim-serang-deportasi"
    assert article_id(variant) == article_id(BASE)


@pytest.mark.parametrize("other", [
    pytest.param(BASE + "?page=2", id="page-parameter-kept"),
    pytest.param("https://kabar.example/berita/kanim-serang-deportasi-2", id="other-slug"),
    pytest.param("https://kabar.example:8080/berita/kanim-serang-deportasi", id="other-port"),
])
def test_different_articles_keep_different_ids(other):
    assert article_id(other) != article_id(BASE)


def test_clean_url_drops_tracking_only():
    assert clean_url(BASE + "?utm_campaign=x&id=7#top") == BASE + "?id=7"
