"""crawler/extract.py: fields and clean bodies from the demo site's theme pages."""

from __future__ import annotations

import pytest
from sites import token_f1

from core.settings import setting
from crawler.extract import extract_article
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


# --- issue 17: pages the old pruning lost (tests/sites/traps.py) ---------------------------------
def _traps():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from sites import traps

    return traps


TRAPS = _traps()


@pytest.mark.parametrize("article", TRAPS.TRAP_ARTICLES,
                         ids=[t.slug for t in TRAPS.TRAPS])
def test_class_name_trap_keeps_the_whole_article(article):
    # The article's container has a class with a furniture word inside a compound name
    # ("Page-ad-margins", "widget Blog", "pagination-first", a <form> around the page ...).
    fields = extract_article(TRAPS.page_html(article), "http://traps.test" + article.path)
    assert fields.is_article
    assert fields.text.split("\n\n") == article.pages[0]  # every paragraph, nothing else


def test_short_brief_in_article_markup_is_an_article():
    brief = TRAPS.BRIEF
    fields = extract_article(TRAPS.page_html(brief), "http://traps.test" + brief.path)
    assert len(fields.text) < 250  # shorter than any page without article markup may be
    assert (fields.is_article, fields.published, fields.title) == (
        True, brief.published, brief.title)
    assert fields.text == brief.text


def test_same_text_without_article_signals_is_not_an_article():
    # The brief's paragraphs on a section page: no <article>, no date, a listing's path.
    paras = "".join(f"<p>{p}</p>" for p in TRAPS.BRIEF.pages[0])
    html = f"<html><head><title>Daerah</title></head><body><div>{paras}</div></body></html>"
    assert not extract_article(html, "http://traps.test/kategori/daerah/").is_article


@pytest.mark.parametrize("page", [1, 2, 3])
def test_malformed_paged_article_every_page_whole(page):
    paged = TRAPS.PAGED
    url = "http://traps.test" + paged.path + ("" if page == 1 else f"?page={page}")
    fields = extract_article(TRAPS.page_html(paged, page=page), url)
    assert token_f1(fields.text, "\n\n".join(paged.pages[page - 1])) == 1.0, fields.text
    if page == 1:
        assert fields.is_article and fields.published == paged.published
        assert fields.page_links == [f"http://traps.test{paged.path}?page={n}" for n in (2, 3)]


@pytest.mark.parametrize("html, kept", [
    # a furniture block is removed; the same word inside a compound class name is not
    ('<div class="comments">Komentar pembaca</div>', False),
    ('<div class="l-comments-fixed">Komentar pembaca</div>', True),
    ('<div class="share-buttons">Bagikan ke teman</div>', False),
    ('<div class="td-share-buttons-wrap">Bagikan ke teman</div>', True),
])
def test_furniture_classes_match_whole_tokens(html, kept):
    from lxml.html import document_fromstring

    from crawler.extract import prune_boilerplate

    body = "<p>" + "Isi berita yang panjang tentang pemeriksaan paspor. " * 10 + "</p>"
    tree = prune_boilerplate(document_fromstring(f"<html><body>{body}{html}</body></html>"))
    assert ("Komentar pembaca" in tree.text_content() or "Bagikan ke teman"
            in tree.text_content()) == kept


def test_furniture_block_holding_most_of_the_text_is_kept():
    from lxml.html import document_fromstring

    from crawler.extract import prune_boilerplate

    body = "<p>" + "Isi berita yang panjang tentang pemeriksaan paspor. " * 10 + "</p>"
    tree = document_fromstring(f"<html><body><div id='comments'>{body}</div>"
                               "<div class='comments'>Komentar</div></body></html>")
    text = prune_boilerplate(tree).text_content()
    assert "Isi berita" in text and "Komentar" not in text


@pytest.mark.parametrize("line", ["ADVERTISEMENT", "SCROLL TO CONTINUE WITH CONTENT",
                                  "Baca Juga: Imigrasi Serang deportasi WNA",
                                  "Halaman: 1 2 3 Selanjutnya", "Rabu, 18 Maret 2026 10:00 WIB"])
def test_furniture_lines_leave_the_text(line):
    paras = ["Petugas imigrasi memeriksa dokumen warga negara asing di pelabuhan. " * 3,
             "Pemeriksaan berlangsung hingga sore hari dan melibatkan tim gabungan. " * 3]
    html = (f"<html><head><title>Razia paspor</title><meta property='article:published_time' "
            f"content='2026-03-18'></head><body><article><h1>Razia paspor</h1><p>{paras[0]}</p>"
            f"<p>{line}</p><p>{paras[1]}</p></article></body></html>")
    fields = extract_article(html, BASE + "/2026/03/18/razia-paspor/")
    assert fields.text.split("\n\n") == [p.strip() for p in paras]


def test_read_also_label_and_its_list_leave_the_text():
    body = "Isi berita tentang pemeriksaan paspor di bandara. " * 6
    end = "Paragraf penutup tentang pemeriksaan dokumen warga asing. " * 3
    html = ("<html><body><article><h1>Pemeriksaan paspor di bandara</h1>"
            f"<p>{body}</p><p><strong>Baca juga:</strong></p><ul>"
            "<li><a href='/a'>Imigrasi Serang deportasi tiga WNA asal Tiongkok</a></li>"
            "<li><a href='/b'>Kanim Cilegon periksa puluhan pekerja asing</a></li></ul>"
            f"<p>{end}</p></article></body></html>")
    fields = extract_article(html, BASE + "/2026/01/02/pemeriksaan-paspor-di-bandara/")
    assert fields.text.split("\n\n") == [body.strip(), end.strip()]


def test_listing_dates_read_between_adjacent_elements():
    # No whitespace between a headline and its date: the strings are still apart.
    items = "".join(f'<div><h3><a href="/b/{d}">Kanim Ambon periksa WNA hari ke-{d} operasi</a>'
                    f"</h3><div>{d} Maret 2026 10:12 WIB</div></div>" for d in (12, 15, 9))
    html = f"<html><head><title>Indeks</title></head><body>{items}</body></html>"
    fields = extract_article(html, BASE + "/indeks")
    assert not fields.is_article
    assert fields.listing_newest == "2026-03-15T10:12:00+07:00"
