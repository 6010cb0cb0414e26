"""Fixture: a big news portal. JSON-LD on every article, articles split over pages
("Halaman 1 2 3", ?page=N), AMP copies, tracking parameters on every internal link, a short-id
URL whose canonical is the full one, a sitemap index with a news sitemap and a yearly archive."""

from __future__ import annotations

import html
import json
from datetime import datetime
from email.utils import format_datetime

from sites.server import FixtureArticle, FixtureServer

NAME = "Warta Kepri"
SECTION = "Kepri"

ARTICLES = [
    FixtureArticle(
        "/read/2026/03/15/1023/imigrasi-batam-gagalkan-keberangkatan-14-pmi",
        "Imigrasi Batam Gagalkan Keberangkatan 14 PMI Nonprosedural ke Malaysia",
        "2026-03-15T10:12:00+07:00",
        [["BATAM – Kantor Imigrasi Kelas I Khusus TPI Batam menunda keberangkatan empat belas "
          "calon pekerja migran yang hendak berangkat ke Malaysia melalui Pelabuhan Batam Center.",
          "Mereka mengaku akan berlibur, tetapi petugas menemukan pesan berisi janji pekerjaan "
          "di perkebunan sawit di Johor tanpa kontrak kerja yang sah."],
         ["Petugas pemeriksaan keimigrasian kemudian mewawancarai mereka satu per satu. Sebagian "
          "besar berasal dari Nusa Tenggara Timur dan baru tiba di Batam dua hari sebelumnya.",
          "Paspor keempat belas orang itu ditahan sementara dan mereka diserahkan kepada Balai "
          "Pelayanan Pelindungan Pekerja Migran Indonesia untuk didata."],
         ["Kepala Bidang Tempat Pemeriksaan Imigrasi mengimbau warga agar tidak tergiur tawaran "
          "kerja ke luar negeri yang tidak melalui prosedur resmi.",
          "Sepanjang tahun ini, petugas di Batam telah menunda keberangkatan lebih dari dua ratus "
          "calon pekerja migran nonprosedural."]],
        author="Yusuf Harahap"),
    FixtureArticle(
        "/read/2026/03/14/1019/festival-kuliner-melayu-dataran-engku-putri",
        "Festival Kuliner Melayu Ramaikan Dataran Engku Putri",
        "2026-03-14T19:00:00+07:00",
        [["BATAM – Ratusan warga memadati Dataran Engku Putri untuk menikmati Festival Kuliner "
          "Melayu yang digelar selama tiga hari.",
          "Puluhan pelaku usaha kecil menjajakan gonggong, mi lendir, otak-otak dan kue bingke. "
          "Panitia juga menggelar lomba memasak laksa antarkecamatan.",
          "Dinas Pariwisata berharap festival ini menjadi agenda tahunan yang menarik wisatawan "
          "dari Singapura dan Malaysia."]],
        on_topic=False, author="Sri Wahyuni"),
    FixtureArticle(
        "/read/2026/03/13/1011/rudenim-tanjungpinang-pulangkan-dua-deteni-vietnam",
        "Rudenim Tanjungpinang Pulangkan Dua Deteni Asal Vietnam",
        "2026-03-13T16:45:00+07:00",
        [["TANJUNGPINANG – Rumah Detensi Imigrasi Tanjungpinang memulangkan dua deteni asal "
          "Vietnam yang sebelumnya ditangkap karena mencuri ikan di perairan Natuna.",
          "Keduanya diberangkatkan melalui Bandara Hang Nadim Batam menuju Ho Chi Minh City "
          "dengan pengawalan dua petugas rudenim.",
          "Kepala Rudenim Tanjungpinang menyebut biaya pemulangan ditanggung kedutaan Vietnam. "
          "Saat ini masih ada tiga puluh deteni lain yang menunggu proses deportasi."]],
        author="Yusuf Harahap"),
    FixtureArticle(
        "/read/2026/03/09/998/kanim-tanjung-uban-terbitkan-1200-paspor",
        "Kanim Tanjung Uban Terbitkan 1.200 Paspor Selama Triwulan Pertama",
        "2026-03-09T08:30:00+07:00",
        [["BINTAN – Kantor Imigrasi Tanjung Uban menerbitkan sekitar 1.200 paspor sejak awal "
          "tahun, naik dibanding periode yang sama tahun lalu.",
          "Sebagian besar pemohon adalah warga Bintan yang bekerja atau berdagang di Singapura "
          "dan Johor."],
         ["Untuk mengurangi antrean, kantor imigrasi membuka layanan paspor simpatik di kantor "
          "kecamatan setiap akhir pekan.",
          "Petugas mengingatkan pemohon agar memeriksa kembali data di aplikasi sebelum datang, "
          "karena kesalahan data menjadi penyebab utama permohonan tertunda."]],
        author="Sri Wahyuni"),
    FixtureArticle(
        "/read/2025/11/20/870/imigrasi-karimun-periksa-kapal-pesiar-asing",
        "Imigrasi Karimun Periksa Kapal Pesiar Asing di Perairan Tanjung Balai",
        "2025-11-20T13:00:00+07:00",
        [["KARIMUN – Petugas Kantor Imigrasi Tanjung Balai Karimun memeriksa sebuah kapal pesiar "
          "berbendera asing yang berlabuh di perairan Karimun.",
          "Seluruh awak dan penumpang yang berjumlah delapan belas orang tercatat memiliki "
          "paspor dan izin masuk yang sah.",
          "Pemeriksaan dilakukan bersama petugas bea cukai dan karantina sebagai bagian dari "
          "pengawasan kedatangan kapal asing di perbatasan."]],
        author="Yusuf Harahap"),
]
BULAN = ("Januari Februari Maret April Mei Juni Juli Agustus September Oktober November "
         "Desember").split()
RECENT = ARTICLES[:4]
ARCHIVED = ARTICLES[4:]
TRACKING = "?utm_source=terpopuler&utm_medium=web&fbclid=IwAR0xyz"


def _short(a: FixtureArticle) -> str:
    """The short URL form the portal also answers: /read/<id>, canonical to the full URL."""
    return "/read/" + a.path.split("/")[5]


def _head(title: str, extra: str) -> str:
    return (f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{title}</title>'
            '<link rel="alternate" type="application/rss+xml" href="/rss">'
            f"{extra}</head><body>"
            '<div class="navbar"><a href="/">Beranda</a> <a href="/kepri">Kepri</a> '
            '<a href="/indeks">Indeks</a></div>'
            '<div class="cookie-consent">Kami memakai cookie. <button>OK</button></div>')


def _article(a: FixtureArticle, base: str, page: int, amp: bool = False) -> str:
    e = html.escape
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": NAME, "url": base + "/"},
        {"@type": "NewsArticle", "headline": a.title, "datePublished": a.published,
         "dateModified": a.published, "author": [{"@type": "Person", "name": a.author}],
         "articleSection": SECTION, "inLanguage": "id", "mainEntityOfPage": base + a.path}]}
    extra = (f'<link rel="canonical" href="{base}{a.path}">'
             f'<link rel="amphtml" href="{base}/amp{a.path}">'
             '<meta property="og:type" content="article">'
             f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    paras = [f"<p>{e(p)}</p>" for p in a.pages[page - 1]]
    others = [o for o in RECENT if o is not a]
    paras.insert(1, '<div class="baca-juga"><b>Baca Juga:</b><ul>' + "".join(
        f'<li><a href="{o.path}{TRACKING}">{e(o.title)}</a></li>' for o in others[:2])
        + "</ul></div>")
    nav = ""
    if len(a.pages) > 1:
        links = " ".join(f"<span>{n}</span>" if n == page else
                         f'<a href="{a.path}' + ("" if n == 1 else f"?page={n}") + f'">{n}</a>'
                         for n in range(1, len(a.pages) + 1))
        nav = f'<div class="halaman-artikel">Halaman {links}</div>'
    popular = "".join(f'<li><a href="{_short(o)}">{e(o.title)}</a></li>' for o in others)
    body = (f'<div class="breadcrumb"><a href="/">Home</a> › <a href="/kepri">{SECTION}</a></div>'
            f'<article><h1 class="read__title">{e(a.title)}</h1>'
            f'<div class="read__info">{e(a.author)} - {NAME}</div>'
            '<div class="social-share"><a href="#">Bagikan ke WhatsApp</a></div>'
            f'<div class="read__content">{"".join(paras)}</div>{nav}</article>'
            f'<div class="terpopuler"><h3>Terpopuler</h3><ol>{popular}</ol></div>'
            "<footer><p>Copyright 2026 Warta Kepri</p></footer></body></html>")
    title = f"{a.title} - {NAME}"
    if amp:  # AMP copies: same text, reduced markup, canonical to the full page
        return (f'<!doctype html><html amp lang="id"><head><meta charset="utf-8"><title>{title}'
                f'</title><link rel="canonical" href="{base}{a.path}">'
                '<meta property="og:type" content="article"></head><body>'
                f'<h1>{e(a.title)}</h1>{"".join(paras)}</body></html>')
    return _head(e(title), extra) + body


def _listing(items: list[FixtureArticle], next_url: str | None, amp_links: bool = False,
             short_links: bool = False) -> str:
    e = html.escape

    def href(a):
        if short_links:
            return _short(a)
        return ("/amp" if amp_links else "") + a.path + TRACKING

    rows = "".join(
        f'<div class="article__list"><h3><a href="{href(a)}">{e(a.title)}</a></h3>'
        f'<div class="article__date">{_tanggal(a.published)}</div></div>' for a in items)
    nav = f'<a class="paging__link--next" rel="next" href="{next_url}">Next</a>' if next_url else ""
    head = _head(NAME, '<meta property="og:type" content="website">')
    return head + rows + nav + "</body></html>"


def _tanggal(iso: str) -> str:
    """'2026-03-15T10:12:00+07:00' -> '15 Maret 2026 10:12 WIB', as the portal's lists show it."""
    dt = datetime.fromisoformat(iso)
    return f"{dt.day} {BULAN[dt.month - 1]} {dt.year} {dt:%H:%M} WIB"


def _sitemap(items: list[FixtureArticle], base: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset '
            'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + "".join(
                f"<url><loc>{base}{a.path}</loc><lastmod>{a.published}</lastmod><news:news>"
                f"<news:publication_date>{a.published}</news:publication_date>"
                f"<news:title>{html.escape(a.title)}</news:title></news:news></url>"
                for a in items) + "</urlset>")


def build() -> FixtureServer:
    site = FixtureServer(NAME)
    base = site.base_url
    site.articles = ARTICLES
    for a in ARTICLES:
        for n in range(1, len(a.pages) + 1):
            suffix = "" if n == 1 else f"?page={n}"
            site.add(a.path + suffix, _article(a, base, n))
            site.add("/amp" + a.path + suffix, _article(a, base, n, amp=True))
        site.add(_short(a), _article(a, base, 1))
    # The home page links AMP copies (as portals' mobile templates do); Indeks pages the rest.
    site.add("/", _listing(RECENT[:2], None, amp_links=True))
    site.add("/indeks", _listing(RECENT[:2], "/indeks?page=2"))
    site.add("/indeks?page=2", _listing(RECENT[2:], "/indeks?page=3"))
    # The archive pages go on; a crawl with --since stops paging once a page is all older.
    site.add("/indeks?page=3", _listing(ARCHIVED, "/indeks?page=4"))
    site.add("/indeks?page=4", _listing([], None))
    # The section page links the short-id URLs: same articles, other URLs (canonical decides).
    site.add("/kepri", _listing(RECENT, None, short_links=True))
    site.add("/rss", '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
             f"<title>{NAME}</title><link>{base}/</link>" + "".join(
                 f"<item><title>{html.escape(a.title)}</title>"
                 # the feed links the AMP copy of its first item, with tracking parameters
                 f"<link>{base}{'/amp' if i == 0 else ''}{a.path}"
                 "?utm_source=rss&amp;utm_medium=feed</link>"
                 f"<pubDate>{format_datetime(datetime.fromisoformat(a.published))}</pubDate>"
                 "</item>" for i, a in enumerate(RECENT[:2])) + "</channel></rss>",
             content_type="application/rss+xml; charset=utf-8")
    site.add("/robots.txt", f"User-agent: *\nDisallow: /cari\nSitemap: {base}/sitemap-index.xml\n",
             content_type="text/plain")
    xml = "application/xml; charset=utf-8"
    site.add("/sitemap-index.xml", '<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
             'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f"<sitemap><loc>{base}/sitemap-news.xml</loc><lastmod>{RECENT[0].published}"
             f"</lastmod></sitemap><sitemap><loc>{base}/sitemap-2025.xml</loc>"
             f"<lastmod>{ARCHIVED[0].published}</lastmod></sitemap></sitemapindex>",
             content_type=xml)
    site.add("/sitemap-news.xml", _sitemap(RECENT, base), content_type=xml)
    site.add("/sitemap-2025.xml", _sitemap(ARCHIVED, base), content_type=xml)
    return site
