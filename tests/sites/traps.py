"""Fixture: an outlet whose pages are what page extraction gets wrong (issue 17).

A three-sentence news brief in article markup; a three-page article whose HTML is badly broken;
a WordPress post republished under a "-2" slug; and one page per theme class name that holds the
whole article while containing a furniture word ("Page-ad-margins", "widget Blog", a <form>
around the page ...). Every page is written here, in the styles of real themes.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from sites.server import FixtureArticle, FixtureServer

NAME = "Suara Tapal Batas"


def _paragraphs(place: str, topic: str, n: int) -> list[str]:
    """n distinct paragraphs of an invented immigration report."""
    lines = [
        f"{place.upper()} – Kantor Imigrasi {place} {topic} dalam operasi pengawasan orang asing "
        f"yang digelar bersama tim pengawasan orang asing kabupaten pekan ini.",
        f"Kepala Kantor Imigrasi {place} mengatakan pemeriksaan dilakukan terhadap dokumen "
        "perjalanan, izin tinggal dan kesesuaian kegiatan para warga negara asing di wilayahnya.",
        "Petugas juga meminta keterangan dari perusahaan yang mempekerjakan mereka serta pemilik "
        "penginapan tempat mereka menginap selama berada di kota itu.",
        f"Menurut dia, hasil pemeriksaan di {place} akan dilaporkan ke kantor wilayah untuk "
        "menentukan tindakan administratif keimigrasian yang paling tepat bagi setiap orang.",
        "Warga diminta melaporkan keberadaan orang asing yang mencurigakan melalui layanan "
        "pengaduan kantor imigrasi atau aplikasi pelaporan yang telah disediakan pemerintah.",
    ]
    return lines[:n]


@dataclass
class Trap:
    """A page whose article container carries a misleading class, and where it sits."""

    slug: str
    place: str
    topic: str
    wrap: str  # the container markup, with {body} where the article goes


TRAPS = [
    Trap("kelas-page-ad-margins", "Sambas", "memeriksa tiga belas pekerja asing",
         '<div class="Page-ad-margins"><div class="Page-content">{body}</div></div>'),
    Trap("kelas-l-sidebar-fixed", "Entikong", "mendeportasi dua warga Malaysia",
         '<div class="l-sidebar-fixed l-article-body-segment">{body}</div>'),
    Trap("kelas-td-content-wrap-menu", "Nunukan", "menahan empat pelintas batas",
         '<div class="td-content-wrap td-post-template-default has-mega-menu">{body}</div>'),
    Trap("kelas-category-advertising", "Atambua", "menolak permohonan izin tinggal",
         '<div class="post-3107 post type-post status-publish format-standard hentry '
         'category-iklan-advertising-promosi">{body}</div>'),
    Trap("kelas-tag-post", "Jayapura", "mengawasi kapal pesiar asing",
         '<div class="post-3110 post type-post tag-imigrasi tag-wna tag-perbatasan">'
         "{body}</div>"),
    Trap("kelas-widget-blog", "Merauke", "memulangkan lima nelayan asing",
         '<div class="widget Blog" id="Blog1"><div class="blog-posts hfeed">'
         '<div class="post-outer"><div class="post hentry">{body}</div></div></div></div>'),
    Trap("kelas-pagination-first", "Skouw", "memeriksa paspor pelintas batas",
         '<div class="article-content pagination-first">{body}</div>'),
    Trap("kelas-form-seluruh-halaman", "Aruk", "mengamankan tujuh warga negara asing",
         "{body}"),  # the <form> wraps the whole page, see _trap_html
]

BRIEF = FixtureArticle(
    "/2026/03/20/kanim-sambas-buka-layanan-paspor-sabtu/",
    "Kanim Sambas Buka Layanan Paspor pada Sabtu",
    "2026-03-20T08:15:00+07:00",
    [["SAMBAS – Kantor Imigrasi Sambas membuka layanan paspor pada Sabtu, 21 Maret 2026.",
      "Layanan dibuka pukul 08.00 hingga 12.00 WIB bagi pemohon yang sudah mendaftar.",
      "Pemohon diminta membawa KTP elektronik asli."]])
PAGED = FixtureArticle(
    "/berita/2026/03/18/operasi-gabungan-tiga-halaman.html",
    "Operasi Gabungan Imigrasi Entikong Berlangsung Tiga Hari",
    "2026-03-18T10:00:00+07:00",
    [_paragraphs("Entikong", "menggelar operasi gabungan", 3),
     ["Pada hari kedua, petugas menyisir perkebunan sawit di sepanjang jalan lintas batas & "
      "memeriksa dua puluh pekerja, tiga di antaranya tanpa izin tinggal yang sah.",
      "Ketiganya dibawa ke ruang detensi untuk pemeriksaan lebih lanjut oleh penyidik."],
     ["Hari ketiga ditutup dengan rapat evaluasi bersama aparat desa dan perwakilan "
      "perusahaan perkebunan di aula kantor kecamatan.",
      "Operasi serupa direncanakan kembali pada bulan Juni mendatang."]])
REPUBLISHED = FixtureArticle(
    "/2026/03/15/wna-overstay-diamankan-di-nunukan/",
    "WNA Overstay Diamankan di Nunukan",
    "2026-03-15T13:40:00+07:00",
    [_paragraphs("Nunukan", "mengamankan seorang warga negara asing yang overstay", 4)])
REPUBLISHED_AGAIN = REPUBLISHED.path.rstrip("/") + "-2/"
TRAP_ARTICLES = [
    FixtureArticle(f"/2026/03/{10 + i:02d}/{t.slug}/",
                   f"Imigrasi {t.place} {t.topic.capitalize()}",
                   f"2026-03-{10 + i:02d}T09:30:00+07:00",
                   [_paragraphs(t.place, t.topic, 5)])
    for i, t in enumerate(TRAPS)]
ARTICLES = [BRIEF, PAGED, REPUBLISHED, *TRAP_ARTICLES]

HEAD = """<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>{title} - {site}</title>
<link rel="canonical" href="{canonical}">
<meta property="article:published_time" content="{published}">
{extra}</head><body>
"""
MENU = """<header class="site-header"><div class="logo"><a href="/">{site}</a></div>
<nav class="main-menu"><ul><li><a href="/">Beranda</a></li><li><a href="/">Hukum</a></li>
<li><a href="/">Daerah</a></li></ul></nav></header>
"""
FURNITURE = """<div class="share-buttons">Bagikan: <a href="#">Facebook</a>
<a href="#">WhatsApp</a></div>
<div id="comments" class="comments-area"><h3>TINGGALKAN KOMENTAR</h3>
<form action="/wp-comments-post.php" method="post"><p>Silakan masukkan komentar anda!</p>
<textarea name="comment"></textarea><input type="submit" value="Kirim"></form></div>
"""
FOOT = """<footer class="site-footer"><p>&copy; 2026 {site}. Pedoman Media Siber.</p></footer>
</body></html>"""


def _paras(paragraphs: list[str]) -> str:
    return "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)


def _head(a: FixtureArticle, base: str, path: str | None = None, extra: str = "") -> str:
    return HEAD.format(title=html.escape(a.title), site=NAME, canonical=base + (path or a.path),
                       published=a.published, extra=extra)


def _trap_html(t: Trap, a: FixtureArticle, base: str) -> str:
    body = (f'<h1 class="entry-title">{html.escape(a.title)}</h1>\n'
            f'<div class="entry-meta"><time datetime="{a.published}">{a.published[:10]}</time>'
            f"</div>\n{_paras(a.pages[0])}<p><strong>Baca Juga:</strong> "
            f'<a href="{BRIEF.path}">{html.escape(BRIEF.title)}</a></p>\n')
    page = MENU.format(site=NAME) + t.wrap.format(body=body) + FURNITURE
    if "form" in t.slug:  # ASP.NET WebForms: one <form> around everything
        page = ('<form method="post" action="./berita.aspx?id=5" id="form1">'
                '<input type="hidden" name="__VIEWSTATE" value="dDwtMTA4MTc2">'
                f"{MENU.format(site=NAME)}{body}</form>")
    return _head(a, base) + page + FOOT.format(site=NAME)


def _brief_html(a: FixtureArticle, base: str) -> str:
    # No JSON-LD, no og:type: the <article>, its headline and the published time say it.
    return (_head(a, base) + MENU.format(site=NAME)
            + f'<main><article class="brief"><h1>{html.escape(a.title)}</h1>\n'
            + _paras(a.pages[0]) + "</article></main>\n" + FOOT.format(site=NAME))


def _paged_html(a: FixtureArticle, base: str, page: int) -> str:
    """One page of a three-page article in the HTML of an old portal: unclosed p, div, b and
    font, stray </td></tr>, unquoted attributes, a raw &, no </body></html>."""
    nav = " ".join(f"<a href={a.path}?page={n}>{n}</a>" if n != page else f"<b>{n}"
                   for n in (1, 2, 3))
    paras = "".join(f"<p><font face=Verdana size=2>{p}" for p in a.pages[page - 1])
    return (f"<html><head><title>{a.title} - {NAME}</title>\n"
            f"<link rel=canonical href={base}{a.path}>\n"
            f"<meta property=article:published_time content={a.published}>\n"
            f"</head><body bgcolor=#ffffff><table width=100%><tr><td class=menu>"
            f"<a href=/>Beranda</a> | <a href=/>Daerah</a></td></tr>\n"
            f"<tr><td class=isi><div class=judul><b>{a.title}</div>\n"
            f"<div class=tanggal>Rabu, 18 Maret 2026 10:00 WIB</td></tr>\n"
            f"<div class=halaman>Halaman: {nav}\n"  # never closed: it holds the body
            f"<div class=berita>{paras}\n"
            f"</td></tr>\n"
            f"<div class=copyright>Copyright &copy; 2026 {NAME} & mitra</div>")


def _republished_html(a: FixtureArticle, base: str, path: str, post_id: int) -> str:
    extra = ('<meta property="og:type" content="article">'
             f'<link rel="shortlink" href="{base}/?p={post_id}">')
    return (_head(a, base, path, extra) + MENU.format(site=NAME)
            + f'<article id="post-{post_id}" class="post-{post_id} post type-post">'
            + f'<h1 class="entry-title">{html.escape(a.title)}</h1>'
            + f'<div class="entry-content">{_paras(a.pages[0])}</div></article>'
            + FURNITURE + FOOT.format(site=NAME))


def _home(base: str) -> str:
    items = "".join(f'<h3><a href="{p}">{html.escape(a.title)}</a></h3>'
                    for a, p in [*[(a, a.path) for a in ARTICLES],
                                 (REPUBLISHED, REPUBLISHED_AGAIN)])
    return (f"<!DOCTYPE html><html lang='id'><head><title>{NAME}</title>"
            f'<meta property="og:type" content="website"></head><body>'
            f"{MENU.format(site=NAME)}<main>{items}</main>{FOOT.format(site=NAME)}")


def build() -> FixtureServer:
    site = FixtureServer(NAME)
    site.articles = ARTICLES
    # Pages need the site's own address (canonical links): rendered on first request.
    site.handle("/", lambda hit: _render(site, hit.path))
    return site


def _render(site: FixtureServer, full_path: str):
    from urllib.parse import parse_qs, urlsplit

    from sites.server import NOT_FOUND, Reply

    base = site.base_url
    parts = urlsplit(full_path)
    path = parts.path
    if path == "/":
        return Reply(_home(base))
    if path == BRIEF.path:
        return Reply(_brief_html(BRIEF, base))
    if path == PAGED.path:
        page = int(parse_qs(parts.query).get("page", ["1"])[0])
        if 1 <= page <= 3:
            return Reply(_paged_html(PAGED, base, page))
    if path == REPUBLISHED.path:
        return Reply(_republished_html(REPUBLISHED, base, path, 4101))
    if path == REPUBLISHED_AGAIN:
        return Reply(_republished_html(REPUBLISHED, base, path, 4102))
    for t, a in zip(TRAPS, TRAP_ARTICLES, strict=True):
        if path == a.path:
            return Reply(_trap_html(t, a, base))
    return Reply(NOT_FOUND, 404)


def page_html(a: FixtureArticle, base: str = "http://traps.test", page: int = 1) -> str:
    """The HTML the site serves for an article (its first page), for extraction tests."""
    if a is BRIEF:
        return _brief_html(a, base)
    if a is PAGED:
        return _paged_html(a, base, page)
    if a is REPUBLISHED:
        return _republished_html(a, base, a.path, 4101)
    t = TRAPS[TRAP_ARTICLES.index(a)]
    return _trap_html(t, a, base)
