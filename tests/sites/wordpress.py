"""Fixture: a regional outlet on a WordPress news theme, with REST API, feeds, core sitemaps,
a comment form under every post, share bars, "Baca Juga" links and a cookie notice."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from email.utils import format_datetime

from sites.server import FixtureArticle, FixtureServer, Hit, Reply

NAME = "Kabar Serang Raya"
# Smaller than WordPress's own cap (100) so the API answer has several pages to follow.
API_PER_PAGE_MAX = 2

POSTS = [
    FixtureArticle(
        "/2026/03/12/layanan-paspor-kanim-serang-tetap-buka-sabtu/",
        "Layanan Paspor Kanim Serang Tetap Buka Sabtu Ini",
        "2026-03-12T08:00:00+07:00",
        [["Kantor Imigrasi Serang tetap membuka layanan paspor pada Sabtu, 14 Maret 2026, mulai "
          "pukul 08.00 hingga 12.00 WIB bagi pemohon yang sudah mendaftar lewat aplikasi M-Paspor.",
          "Pemohon diminta membawa KTP elektronik dan kartu keluarga asli."]],
        author="Dewi Anggraini"),
    FixtureArticle(
        "/2026/03/10/kantor-imigrasi-serang-deportasi-tiga-wna-tiongkok/",
        "Kantor Imigrasi Serang Deportasi Tiga WNA Asal Tiongkok",
        "2026-03-10T14:20:00+07:00",
        [["SERANG – Kantor Imigrasi Kelas I TPI Serang mendeportasi tiga warga negara asing asal "
          "Tiongkok yang terbukti bekerja tanpa izin di sebuah pabrik baja di Kecamatan "
          "Kramatwatu.",
          "Ketiganya berinisial LW, ZH dan QF. Mereka masuk ke Indonesia menggunakan visa "
          "kunjungan "
          "yang tidak boleh dipakai untuk bekerja, lalu terjaring dalam operasi pengawasan orang "
          "asing yang digelar bersama Timpora Kabupaten Serang pada akhir Februari.",
          "Kepala Seksi Intelijen dan Penindakan Keimigrasian, Bagus Prasetyo, mengatakan "
          "ketiganya "
          "diberangkatkan melalui Bandara Soekarno-Hatta dengan pengawalan petugas. Nama mereka "
          "juga diusulkan masuk daftar penangkalan selama enam bulan.",
          "Menurut Bagus, perusahaan tempat mereka bekerja akan dipanggil untuk dimintai "
          "keterangan karena mempekerjakan orang asing tanpa dokumen yang sah."]],
        author="Rina Marlina"),
    FixtureArticle(
        "/2026/03/11/harga-cabai-rawit-pasar-rau-tembus-80-ribu/",
        "Harga Cabai Rawit di Pasar Rau Tembus Rp80 Ribu per Kilogram",
        "2026-03-11T07:30:00+07:00",
        [["SERANG – Harga cabai rawit merah di Pasar Induk Rau kembali naik dan menembus Rp80 ribu "
          "per kilogram, dua kali lipat dari harga bulan lalu.",
          "Pedagang menyebut pasokan dari sentra di Pandeglang dan Garut berkurang karena hujan "
          "deras yang merusak tanaman. Sebagian pembeli memilih mengurangi belanja.",
          "Dinas Perindustrian dan Perdagangan Kota Serang berencana menggelar operasi pasar di "
          "tiga kecamatan pekan depan untuk menahan kenaikan harga."]],
        on_topic=False, author="Rina Marlina"),
    FixtureArticle(
        "/2026/02/18/petugas-imigrasi-cilegon-periksa-pekerja-asing/",
        "Petugas Imigrasi Cilegon Periksa Puluhan Pekerja Asing di Kawasan Industri",
        "2026-02-18T09:05:00+07:00",
        [["CILEGON – Petugas Kantor Imigrasi Cilegon memeriksa dokumen 47 pekerja asing di tiga "
          "perusahaan kimia di kawasan industri Ciwandan, Rabu pagi.",
          "Pemeriksaan meliputi paspor, izin tinggal terbatas dan kesesuaian jabatan dengan "
          "rencana penggunaan tenaga kerja asing yang diajukan perusahaan.",
          "Dua pekerja asal India diketahui belum memperpanjang izin tinggalnya. Keduanya "
          "diminta datang ke kantor imigrasi untuk menjalani pemeriksaan lanjutan.",
          "Kepala Kantor Imigrasi Cilegon, Hendra Wijaya, mengatakan pengawasan serupa akan "
          "dilakukan setiap bulan selama tahun ini."]],
        author="Dewi Anggraini"),
    FixtureArticle(
        "/2025/10/02/imigrasi-serang-sosialisasi-m-paspor-pelajar/",
        "Imigrasi Serang Sosialisasikan Aplikasi M-Paspor kepada Pelajar",
        "2025-10-02T10:00:00+07:00",
        [["SERANG – Kantor Imigrasi Serang mengenalkan aplikasi M-Paspor kepada ratusan pelajar "
          "SMA di Kota Serang dalam kegiatan Imigrasi Goes to School.",
          "Petugas menjelaskan cara mendaftar antrean paspor secara daring, syarat dokumen, dan "
          "bahaya memberikan data pribadi kepada calo.",
          "Para pelajar juga diajak mengunjungi ruang pelayanan paspor dan melihat langsung "
          "proses wawancara serta pengambilan foto biometrik."]],
        author="Rina Marlina"),
]
POSTS.sort(key=lambda a: a.published, reverse=True)

HEAD = """<!DOCTYPE html>
<html lang="id-ID"><head><meta charset="UTF-8">
<title>{title}</title>
<link rel="https://api.w.org/" href="{base}/wp-json/">
<link rel="alternate" type="application/rss+xml" title="{site} &raquo; Feed" href="{base}/feed/">
{extra}
</head><body class="wp-theme-newspaper">
<div id="cookie-notice">Situs ini menggunakan cookie untuk pengalaman terbaik.
<a href="#">Setuju</a></div>
<header class="td-header"><div class="td-logo"><a href="/">{site}</a></div>
<nav class="td-menu"><ul><li><a href="/">Beranda</a></li>
<li><a href="/category/imigrasi/">Imigrasi</a></li>
<li><a href="/category/ekonomi/">Ekonomi</a></li><li><a href="/tag/wna/">WNA</a></li></ul></nav>
<form role="search" method="get" class="td-search-form" action="/">
<input type="search" name="s" placeholder="Cari..."></form>
</header>
"""
FOOT = """<footer class="td-footer"><p>&copy; 2026 {site}. Hak cipta dilindungi.</p>
<a href="/redaksi/">Redaksi</a> <a href="/pedoman-media-siber/">Pedoman Media Siber</a></footer>
</body></html>"""


def _article_html(a: FixtureArticle, base: str, others: list[FixtureArticle]) -> str:
    e = html.escape
    extra = "\n".join([
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{e(a.title)}">',
        f'<link rel="canonical" href="{base}{a.path}">',
        f'<meta property="article:published_time" content="{a.published}">',
        f'<meta name="author" content="{e(a.author)}">',
        '<meta property="article:section" content="Berita">',
    ])
    paras = [f"<p>{e(p)}</p>" for p in a.pages[0]]
    if len(paras) > 2:  # the theme's inline related link
        paras.insert(2, f'<p><strong>Baca Juga:</strong> <a href="{others[0].path}">'
                        f"{e(others[0].title)}</a></p>")
    related = "".join(f'<div class="td-related-item"><a href="{o.path}">'
                      f'<img src="/wp-content/uploads/foto.jpg" alt=""></a>'
                      f'<p class="wp-caption-text">{e(o.title)}</p></div>' for o in others[:3])
    popular = "".join(f'<li><a href="{o.path}">{e(o.title)}</a></li>' for o in others)
    body = f"""<div class="td-container"><main class="td-main-content">
<article class="post type-post">
<h1 class="entry-title">{e(a.title)}</h1>
<div class="td-post-header"><span class="td-post-author-name">Oleh {e(a.author)}</span>
<span class="td-post-date">
<time class="entry-date" datetime="{a.published}">{a.published[:10]}</time></span></div>
<div class="td-post-sharing">Bagikan: <a href="#">Facebook</a> <a href="#">WhatsApp</a>
<a href="#">Twitter</a></div>
<div class="td-post-content entry-content">
{"".join(paras)}
</div>
<div class="td-post-source-tags"><a href="/tag/wna/" rel="tag">WNA</a></div>
</article>
<div class="td-related-posts"><h4 class="td-related-title">Artikel Terkait</h4>{related}</div>
<div id="comments" class="comments">
<div id="respond" class="comment-respond">
<h3 id="reply-title" class="comment-reply-title">TINGGALKAN KOMENTAR</h3>
<form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form">
<div class="clearfix"></div><div class="comment-form-input-wrap td-form-comment">
<textarea placeholder="Komentar:" name="comment" cols="45" rows="8"></textarea>
<div class="td-warning-comment">Silakan masukkan komentar anda!</div></div>
<div class="comment-form-input-wrap td-form-author">
<input class="" type="text" name="author" placeholder="Nama:*">
<div class="td-warning-author">Silakan masukkan nama Anda di sini</div></div>
<p class="comment-form-cookies-consent"><input id="wp-comment-cookies-consent" type="checkbox">
<label for="wp-comment-cookies-consent">Simpan nama, email, dan situs web saya pada peramban ini
untuk komentar saya berikutnya.</label></p>
<p class="form-submit">
<input name="submit" type="submit" id="submit" class="submit" value="Kirim Komentar"></p>
</form></div></div>
</main>
<aside class="td-sidebar"><h4>Terpopuler</h4><ul>{popular}</ul></aside>
</div>"""
    site = NAME
    return HEAD.format(title=e(f"{a.title} - {site}"), base=base, site=site, extra=extra) \
        + body + FOOT.format(site=site)


def _listing_html(posts: list[FixtureArticle], base: str, title: str, next_url: str | None) -> str:
    e = html.escape
    items = "".join(
        f'<div class="td_module_10"><h3 class="entry-title td-module-title">'
        f'<a href="{p.path}" rel="bookmark">{e(p.title)}</a></h3>'
        f'<time class="entry-date" datetime="{p.published}">{p.published[:10]}</time>'
        f'<div class="td-excerpt">{e(p.pages[0][0][:120])}</div></div>' for p in posts)
    nav = (f'<div class="page-nav"><a href="{next_url}" aria-label="next-page">Berikutnya</a>'
           "</div>") if next_url else ""
    extra = '<meta property="og:type" content="website">'
    return HEAD.format(title=e(title), base=base, site=NAME, extra=extra) \
        + f'<div class="td-main-content">{items}{nav}</div>' + FOOT.format(site=NAME)


def _rss(posts: list[FixtureArticle], base: str) -> str:
    e = html.escape
    items = "".join(
        f"<item><title>{e(p.title)}</title><link>{base}{p.path}</link>"
        f"<dc:creator><![CDATA[{p.author}]]></dc:creator>"
        f"<pubDate>{format_datetime(datetime.fromisoformat(p.published))}</pubDate>"
        f'<guid isPermaLink="false">{base}/?p={i}</guid>'
        f"<description><![CDATA[{p.pages[0][0][:100]}]]></description></item>"
        for i, p in enumerate(posts, 100))
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
            f"<title>{NAME}</title><link>{base}/</link><description>Berita Serang</description>"
            f"{items}</channel></rss>")


def _api(hit: Hit, base: str) -> Reply:
    """/wp-json/wp/v2/posts: search, after, page, per_page, as WordPress answers them."""
    q = hit.query
    term = q.get("search", [""])[0].lower()
    after = q.get("after", [None])[0]
    per_page = min(int(q.get("per_page", ["10"])[0]), API_PER_PAGE_MAX)
    page = int(q.get("page", ["1"])[0])
    found = [p for p in POSTS if term in (p.title + " " + p.text).lower()
             and (after is None or p.published[:19] > after)]
    pages = max(1, -(-len(found) // per_page))
    if page > pages:
        return Reply(json.dumps({"code": "rest_post_invalid_page_number"}), 400,
                     "application/json; charset=UTF-8")
    chunk = found[(page - 1) * per_page: page * per_page]
    body = [{"id": 100 + POSTS.index(p), "date": p.published[:19],
             "date_gmt": datetime.fromisoformat(p.published).astimezone(UTC).strftime(
                 "%Y-%m-%dT%H:%M:%S"),
             "link": base + p.path, "title": {"rendered": p.title}} for p in chunk]
    return Reply(json.dumps(body), 200, "application/json; charset=UTF-8",
                 {"X-WP-Total": str(len(found)), "X-WP-TotalPages": str(pages)})


def build() -> FixtureServer:
    site = FixtureServer(NAME)
    base = site.base_url
    site.articles = POSTS
    for a in POSTS:
        site.add(a.path, _article_html(a, base, [o for o in POSTS if o is not a]))
    site.add("/", _listing_html(POSTS[:3], base, NAME, "/page/2/"))
    site.add("/page/2/", _listing_html(POSTS[3:], base, f"{NAME} - Halaman 2", None))
    imigrasi = [p for p in POSTS if p.on_topic]
    site.add("/category/imigrasi/", _listing_html(imigrasi, base, "Imigrasi", None))
    site.add("/tag/wna/", _listing_html(imigrasi[:2], base, "WNA", None))
    site.add("/?s=imigrasi", _listing_html(imigrasi, base, "Hasil pencarian: imigrasi", None))
    rss = "application/rss+xml; charset=UTF-8"
    site.add("/feed/", _rss(POSTS[:3], base), content_type=rss)
    site.add("/category/imigrasi/feed/", _rss(imigrasi, base), content_type=rss)
    site.add("/robots.txt",
             f"User-agent: *\nDisallow: /wp-admin/\n\nSitemap: {base}/wp-sitemap.xml\n",
             content_type="text/plain")
    site.add("/wp-sitemap.xml", '<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
             'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f"<sitemap><loc>{base}/wp-sitemap-posts-post-1.xml</loc></sitemap></sitemapindex>",
             content_type="application/xml; charset=UTF-8")
    site.add("/wp-sitemap-posts-post-1.xml", '<?xml version="1.0" encoding="UTF-8"?><urlset '
             'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(
                 f"<url><loc>{base}{p.path}</loc><lastmod>{p.published}</lastmod></url>"
                 for p in POSTS) + "</urlset>", content_type="application/xml; charset=UTF-8")
    site.handle("/wp-json/wp/v2/posts", lambda hit: _api(hit, base))
    return site
