"""crawler/extract.py: fields and clean bodies from the demo site's theme pages."""

from __future__ import annotations

import pytest
from sites import token_f1

from crawler.extract import extract_article
from pantau.config import setting
from pantau.demo_site import SiteRenderer, load_articles

BASE = "http://demo.test"
SITE = setting("demo_site")
ARTICLES = load_articles(SITE / "articles")
RENDERER = SiteRenderer(ARTICLES, SITE / "templates")
BOILERPLATE = ("TINGGALKAN KOMENTAR", "Silakan masukkan", "Baca Juga", "Bagikan", "cookie",
               "Berita Terkait", "Terpopuler", "Pedoman Media Siber", "Beranda")


def test_token_f1_can_fail():
    assert token_f1("satu dua tiga", "satu dua tiga") == 1.0
    assert token_f1("satu dua tiga empat lima enam", "satu dua tiga") < 0.95


@pytest.mark.parametrize("article", ARTICLES, ids=[a.slug for a in ARTICLES])
def test_article_fields_and_clean_body(article):
    html = RENDERER.article(article, BASE)
    fields = extract_article(html, BASE + article.path)
    assert fields.is_article
    assert fields.title == article.title
    assert fields.published == article.published
    assert fields.author == article.author
    assert fields.section == article.section
    assert fields.language == "id"
    assert fields.canonical_url == BASE + article.path
    assert token_f1(fields.text, article.text) >= 0.95
    assert [b for b in BOILERPLATE if b.lower() in fields.text.lower()] == []
    assert fields.text.split("\n\n")[0] == article.paragraphs[0]


@pytest.mark.parametrize("outlet, page", [("kabar-banten", 1), ("kabar-banten", 2),
                                          ("warta-nusantara", 1), ("warta-nusantara", 2)])
def test_listing_pages_are_not_articles(outlet, page):
    html = RENDERER.listing(outlet, page)
    assert html is not None
    assert not extract_article(html, f"{BASE}/{outlet}/page/{page}/").is_article


def test_page_without_body_is_not_article():
    fields = extract_article("<html><head><title>Kosong</title></head><body></body></html>",
                             BASE + "/x")
    assert (fields.is_article, fields.text) == (False, "")


def test_indonesian_date_only_in_text():
    body = "<p>" + "Petugas Kantor Imigrasi memeriksa dokumen warga negara asing. " * 8 + "</p>"
    html = (f"<html lang='id'><head><title>Razia</title></head><body><h1>Razia</h1>"
            f"<div class='meta'>Kamis, 5 Februari 2026 14:20 WIB</div>{body}</body></html>")
    fields = extract_article(html, BASE + "/razia")
    assert fields.published == "2026-02-05T14:20:00+07:00"
    assert fields.is_article


def test_short_post_comment_form_stays_out():
    # On a one- or two-sentence post trafilatura's defaults keep theme furniture (share bar,
    # byline, comment-form labels); extract_article must not.
    import sys
    from pathlib import Path

    import trafilatura

    sys.path.insert(0, str(Path(__file__).parent))
    from sites import wordpress

    site = wordpress.build()
    post = wordpress.POSTS[0]
    html = site.pages[post.path].data().decode()
    default = trafilatura.extract(html)
    assert [b for b in ("Bagikan", "Simpan nama", "TINGGALKAN") if b in default]
    fields = extract_article(html, site.url(post.path))
    assert fields.is_article
    assert fields.text == post.text
    site.httpd.server_close()


TEXT = "Kafé “Perbatasan” – paspor…"


@pytest.mark.parametrize("body, declared", [
    pytest.param(TEXT.encode("utf-8"), "utf-8", id="utf8-right-label"),
    pytest.param(TEXT.encode("utf-8"), "iso-8859-1", id="utf8-labelled-latin1"),
    pytest.param(TEXT.encode("utf-8"), None, id="utf8-no-label"),
    pytest.param(TEXT.encode("cp1252"), "utf-8", id="cp1252-labelled-utf8"),
    pytest.param(TEXT.encode("cp1252"), "windows-1252", id="cp1252-right-label"),
    pytest.param(TEXT.encode("cp1252"), "latin-1", id="cp1252-labelled-latin1"),
    pytest.param(TEXT.encode("cp1252"), "no-such-codec", id="unknown-label"),
])
def test_decode_page(body, declared):
    from crawler.extract import decode_page

    assert decode_page(body, declared) == TEXT


def test_decode_page_trusts_other_labels():
    from crawler.extract import decode_page

    assert decode_page("imigrasi 出入境".encode("gbk"), "gbk") == "imigrasi 出入境"
