"""Fixture sites, one per site kind of data/site_kinds.toml that has no fixture module of its own.

Each is written by hand from what is publicly known of that family of sites: its article URL
shape, its tag and index pages and their paging, its feed or sitemap, and where it puts the date.
The stories are invented. Every site also links pages its kind's URL rules must skip (photo
galleries, service pages, video pages): the tests check those are never requested.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime

from sites.server import FixtureArticle, FixtureServer

BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
         "Oktober", "November", "Desember"]
HARI = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]

# Four kinds of invented immigration news; {p} place, {o} office, {n} nationality, {c} count.
STORIES = [
    ("Imigrasi {o} Deportasi {C} WNA {n}",
     ["{P} – Kantor Imigrasi {o} mendeportasi {c} warga negara {n} yang terbukti tinggal "
      "melebihi izin tinggal di wilayah {p}.",
      "Para warga asing itu diamankan dalam operasi pengawasan di sejumlah penginapan dan tempat "
      "usaha pada pekan lalu, setelah warga sekitar melapor.",
      "Kepala Kantor Imigrasi {o} menjelaskan bahwa pemeriksaan dilakukan bersama Tim Pengawasan "
      "Orang Asing yang beranggotakan kepolisian, pemerintah daerah dan TNI.",
      "Selain dideportasi, mereka dimasukkan ke daftar penangkalan sehingga tidak dapat kembali "
      "ke Indonesia untuk sementara waktu."]),
    ("Layanan Paspor Kanim {o} Dibuka Akhir Pekan",
     ["{P} – Kantor Imigrasi {o} membuka layanan paspor pada hari Sabtu selama dua bulan ke "
      "depan untuk melayani {c} pemohon tambahan setiap pekan.",
      "Layanan akhir pekan ini ditujukan bagi calon jemaah umrah dan pekerja yang tidak dapat "
      "meninggalkan kantor pada hari kerja.",
      "Pemohon tetap harus mendaftar melalui aplikasi M-Paspor dan membawa dokumen asli saat "
      "datang ke kantor sesuai jadwal yang dipilih.",
      "Petugas mengingatkan warga {p} agar tidak menggunakan jasa calo karena seluruh proses "
      "dapat dilakukan sendiri dengan mudah."]),
    ("Timpora {p} Perketat Pengawasan Orang Asing",
     ["{P} – Tim Pengawasan Orang Asing Kabupaten {p} sepakat memperketat pengawasan terhadap "
      "{c} tenaga kerja asing yang bekerja di kawasan industri.",
      "Rapat koordinasi yang dipimpin Kantor Imigrasi {o} itu membahas laporan warga tentang "
      "pekerja asal {n} yang diduga tidak memiliki izin kerja.",
      "Pemerintah daerah akan membagikan data perusahaan pemberi kerja agar pemeriksaan lapangan "
      "dapat dilakukan lebih cepat dan tepat sasaran.",
      "Hasil pengawasan akan dilaporkan setiap bulan kepada kepala daerah dan instansi terkait."]),
    ("Petugas TPI {o} Periksa {C} Awak Kapal Asing",
     ["{P} – Petugas tempat pemeriksaan imigrasi Kantor Imigrasi {o} memeriksa dokumen {c} awak "
      "kapal berbendera {n} yang bersandar di pelabuhan {p}.",
      "Pemeriksaan dilakukan di atas kapal sebelum awak diizinkan turun untuk berbelanja "
      "kebutuhan logistik di kota.",
      "Seluruh awak kapal tercatat memiliki dokumen perjalanan yang sah, sehingga petugas "
      "menerbitkan izin turun sementara selama kapal bersandar.",
      "Kapal tersebut dijadwalkan melanjutkan pelayaran ke pelabuhan berikutnya dua hari "
      "kemudian."]),
]
NUMBER_WORDS = {2: "dua", 3: "tiga", 4: "empat", 5: "lima", 6: "enam", 7: "tujuh", 8: "delapan",
                9: "sembilan", 11: "sebelas", 12: "dua belas"}


def story(i: int, path: str, published: str, place: str, office: str, nat: str, count: int
          ) -> FixtureArticle:
    """An invented article from story template i (mod 4), its words filled in."""
    title, paras = STORIES[i % len(STORIES)]
    words = {"p": place, "P": place.upper(), "o": office, "n": nat, "c": NUMBER_WORDS[count],
             "C": str(count)}
    return FixtureArticle(path, title.format(**words), published,
                          [[p.format(**words) for p in paras]])


def tanggal(iso: str) -> str:
    """'2026-01-05T14:20:00+07:00' -> 'Senin, 5 Januari 2026 14:20 WIB'."""
    dt = datetime.fromisoformat(iso)
    zone = {7: "WIB", 8: "WITA", 9: "WIT"}[int(dt.utcoffset().total_seconds() // 3600)]
    return f"{HARI[dt.weekday()]}, {dt.day} {BULAN[dt.month - 1]} {dt.year} {dt:%H:%M} {zone}"


@dataclass
class KindSite:
    """One fixture site of a site kind: its pages, and where each article must be found."""

    kind: str
    name: str
    host: str
    prefix: str  # the source's url_prefix path ("/" or "/jatim/")
    start: str  # start URL path (the news section)
    articles: list[tuple[FixtureArticle, str]]  # (article, strategy that must find it)
    date_markup: str  # "meta", "jsonld", "time" or "text": where pages put the date
    topic: str | None = None
    traps: list[str] = field(default_factory=list)  # linked, served, never to be fetched
    server: FixtureServer | None = None

    def expected(self) -> list[tuple[FixtureArticle, str]]:
        return self.articles

    def source_toml(self) -> str:
        s = self.server
        lines = [f'[[sources]]\nname = "{self.name}"\nsite_kind = "{self.kind}"',
                 f'start_urls = ["{s.url(self.start)}"]', f'url_prefix = "{s.url(self.prefix)}"']
        if self.topic:
            lines.append(f'topic_urls = ["{s.url(self.topic)}"]')
        return "\n".join(lines) + "\n\n"


def _head(site: KindSite, title: str, extra: str = "") -> str:
    e = html.escape
    return (f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{e(title)}</title>'
            f"{extra}</head><body><header class=\"site-header\"><a href=\"{site.prefix}\">"
            f"{e(site.name)}</a><nav><a href=\"{site.start}\">Berita</a> "
            + " ".join(f'<a href="{t}">Galeri</a>' for t in site.traps)
            + "</nav></header>")


def _foot(site: KindSite) -> str:
    return (f'<footer><p>Hak cipta 2026 {html.escape(site.name)}. Dilarang mengutip tanpa '
            "izin.</p></footer></body></html>")


def article_page(site: KindSite, a: FixtureArticle) -> str:
    e = html.escape
    base = site.server.base_url
    extra = (f'<link rel="canonical" href="{base}{a.path}">'
             '<meta property="og:type" content="article">')
    dateline = ""
    if site.date_markup == "meta":
        extra += f'<meta property="article:published_time" content="{a.published}">'
    elif site.date_markup == "jsonld":
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title,
              "datePublished": a.published, "mainEntityOfPage": base + a.path}
        extra += f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    elif site.date_markup == "time":
        dateline = f'<time datetime="{a.published}">{tanggal(a.published)}</time>'
    else:  # the date only as the page writes it
        dateline = f'<div class="date">{tanggal(a.published)}</div>'
    others = [o for o, _ in site.articles if o is not a]
    related = "".join(f'<li><a href="{o.path}">{e(o.title)}</a></li>' for o in others)
    paras = "".join(f"<p>{e(p)}</p>" for p in a.pages[0])
    return (_head(site, f"{a.title} - {site.name}", extra)
            + f'<main><article><h1>{e(a.title)}</h1>{dateline}'
            f'<div class="share"><a href="#">Bagikan</a></div>'
            f'<div class="article-content">{paras}</div></article>'
            f'<aside><h3>Berita Terkait</h3><ul>{related}</ul></aside></main>' + _foot(site))


def listing_page(site: KindSite, items: list[FixtureArticle], next_path: str | None,
                 next_style: str = "rel") -> str:
    e = html.escape
    rows = "".join(f'<div class="list-item"><h2><a href="{a.path}">{e(a.title)}</a></h2>'
                   f'<span class="date">{tanggal(a.published)}</span></div>' for a in items)
    nav = ""
    if next_path and next_style == "rel":
        nav = f'<a rel="next" href="{next_path}">Berikutnya</a>'
    elif next_path:
        nav = f'<div class="pagination"><a href="{next_path}">2</a></div>'
    return (_head(site, site.name, '<meta property="og:type" content="website">')
            + f'<main class="list">{rows}{nav}</main>' + _foot(site))


def feed(site: KindSite, items: list[FixtureArticle]) -> str:
    base = site.server.base_url
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{html.escape(site.name)}</title><link>{base}/</link>" + "".join(
                f"<item><title>{html.escape(a.title)}</title><link>{base}{a.path}</link>"
                f"<pubDate>{format_datetime(datetime.fromisoformat(a.published))}</pubDate>"
                "</item>" for a in items) + "</channel></rss>")


def sitemap(site: KindSite, paths: list[str], lastmod: str) -> str:
    base = site.server.base_url
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset '
            'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(
                f"<url><loc>{base}{p}</loc><lastmod>{lastmod}</lastmod></url>" for p in paths)
            + "</urlset>")


XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"


def _serve(site: KindSite) -> FixtureServer:
    server = FixtureServer(site.name, host=site.host)
    site.server = server
    server.articles = [a for a, _ in site.articles]
    for a, _ in site.articles:
        server.add(a.path, article_page(site, a))
    for trap in site.traps:
        server.add(trap, listing_page(site, [], None))
    return server


def _by(site: KindSite, via: str) -> list[FixtureArticle]:
    return [a for a, v in site.articles if v == via]


# --- the sites ------------------------------------------------------------------------------------
def antara() -> KindSite:
    """<region>.antaranews.com: /berita/<id>/<slug>, /tag/imigrasi paged /tag/imigrasi/2, RSS."""
    site = KindSite("antara", "Antara Fixture", "127.0.0.21", "/", "/terkini", [
        (story(0, "/berita/4512345/imigrasi-jayapura-deportasi-tiga-wna",
               "2026-02-02T10:15:00+09:00",
               "Jayapura", "Jayapura", "Papua Nugini", 3), "topic"),
        (story(1, "/berita/4511002/layanan-paspor-akhir-pekan-di-merauke",
               "2026-01-28T09:00:00+09:00",
               "Merauke", "Merauke", "Australia", 5), "topic"),  # on page 2 of the tag
        (story(2, "/berita/4509876/timpora-mimika-perketat-pengawasan", "2026-01-20T13:30:00+09:00",
               "Mimika", "Mimika", "Tiongkok", 12), "feed"),
    ], "meta", topic="/tag/imigrasi", traps=["/foto/4510000/galeri-festival-danau-sentani"])
    s = _serve(site)
    topic = _by(site, "topic")
    s.add("/tag/imigrasi", listing_page(site, topic[:1], "/tag/imigrasi/2"))
    s.add("/tag/imigrasi/2", listing_page(site, topic[1:], None))
    s.add("/terkini", listing_page(site, [], None))
    s.add("/rss/terkini.xml", feed(site, _by(site, "feed")), content_type=RSS)
    return site


def tribun() -> KindSite:
    """<city>.tribunnews.com: /YYYY/MM/DD/<slug>, /tag/imigrasi?page=N, a news sitemap."""
    site = KindSite("tribun", "Tribun Fixture", "127.0.0.22", "/", "/news", [
        (story(3, "/2026/02/03/petugas-tpi-kupang-periksa-awak-kapal", "2026-02-03T08:45:00+08:00",
               "Kupang", "Kupang", "Timor Leste", 11), "topic"),
        (story(0, "/2026/01/30/imigrasi-atambua-deportasi-wna", "2026-01-30T16:20:00+08:00",
               "Atambua", "Atambua", "Timor Leste", 2), "sitemap"),
        (story(1, "/2026/01/25/layanan-paspor-labuan-bajo", "2026-01-25T11:00:00+08:00",
               "Labuan Bajo", "Labuan Bajo", "Belanda", 4), "listing"),
    ], "jsonld", topic="/tag/imigrasi", traps=["/video/2026/01/29/video-festival-sasando"])
    s = _serve(site)
    s.add("/tag/imigrasi", listing_page(site, _by(site, "topic"), None))
    s.add("/news", listing_page(site, [], "/news?page=2", next_style="number"))
    s.add("/news?page=2", listing_page(site, _by(site, "listing"), None))
    s.add("/sitemap_news.xml", sitemap(site, [a.path for a in _by(site, "sitemap")]
                                       + site.traps, "2026-01-30T16:20:00+08:00"), content_type=XML)
    return site


def detik() -> KindSite:
    """www.detik.com/<region>: /<region>/berita/d-<id>/<slug>, /<region>/tag/imigrasi."""
    site = KindSite("detik", "detik Fixture", "127.0.0.23", "/bali/", "/bali/berita", [
        (story(0, "/bali/berita/d-7801234/imigrasi-ngurah-rai-deportasi-wna",
               "2026-02-04T19:05:00+08:00", "Badung", "Ngurah Rai", "Rusia", 6), "topic"),
        (story(2, "/bali/berita/d-7800001/timpora-gianyar-perketat-pengawasan",
               "2026-02-01T07:30:00+08:00", "Gianyar", "Singaraja", "Australia", 9), "listing"),
    ], "time", topic="/bali/tag/imigrasi",
        traps=["/bali/foto-news/d-7800500/galeri-ogoh-ogoh", "/jatim/berita/d-7800600/lain"])
    s = _serve(site)
    s.add("/bali/tag/imigrasi", listing_page(site, _by(site, "topic"), None))
    s.add("/bali/berita", listing_page(site, _by(site, "listing"), None))
    return site


def kompas() -> KindSite:
    """regional.kompas.com: /read/YYYY/MM/DD/<id>/<slug>, a sitemap, section listings."""
    site = KindSite("kompas", "Kompas Fixture", "127.0.0.24", "/", "/", [
        (story(3, "/read/2026/02/05/101500178/petugas-tpi-bitung-periksa-awak-kapal",
               "2026-02-05T10:15:00+08:00", "Bitung", "Bitung", "Filipina", 8), "sitemap"),
        (story(1, "/read/2026/02/02/090000278/layanan-paspor-tahuna-dibuka-akhir-pekan",
               "2026-02-02T09:00:00+08:00", "Tahuna", "Tahuna", "Filipina", 3), "listing"),
    ], "jsonld", traps=["/video/read/2026/02/01/galeri-pantai"])
    s = _serve(site)
    s.add("/", listing_page(site, _by(site, "listing"), None))
    s.add("/sitemap.xml", sitemap(site, [a.path for a in _by(site, "sitemap")],
                                  "2026-02-05T10:15:00+08:00"), content_type=XML)
    return site


def suara() -> KindSite:
    """<region>.suara.com: /read/YYYY/MM/DD/<hhmmss>/<slug>, /tag/imigrasi, an RSS feed."""
    site = KindSite("suara", "Suara Fixture", "127.0.0.25", "/", "/news", [
        (story(0, "/read/2026/02/06/143012/imigrasi-pontianak-deportasi-wna",
               "2026-02-06T14:30:12+07:00", "Pontianak", "Pontianak", "Malaysia", 4), "topic"),
        (story(2, "/read/2026/02/01/081500/timpora-sanggau-perketat-pengawasan",
               "2026-02-01T08:15:00+07:00", "Sanggau", "Sanggau", "Malaysia", 7), "feed"),
    ], "meta", topic="/tag/imigrasi", traps=["/foto/2026/02/01/galeri-cap-go-meh"])
    s = _serve(site)
    s.add("/tag/imigrasi", listing_page(site, _by(site, "topic"), None))
    s.add("/news", listing_page(site, [], None))
    s.add("/rss", feed(site, _by(site, "feed")), content_type=RSS)
    return site


def inews() -> KindSite:
    """<region>.inews.id: /berita/<slug>, /tag/imigrasi paged /tag/imigrasi/2, a sitemap."""
    site = KindSite("inews", "iNews Fixture", "127.0.0.26", "/", "/indeks", [
        (story(1, "/berita/layanan-paspor-ambon-dibuka-akhir-pekan", "2026-02-07T09:45:00+09:00",
               "Ambon", "Ambon", "Australia", 5), "topic"),
        (story(3, "/berita/petugas-tpi-tual-periksa-awak-kapal", "2026-02-02T15:00:00+09:00",
               "Tual", "Tual", "Thailand", 12), "sitemap"),
    ], "text", topic="/tag/imigrasi", traps=["/multimedia/video/festival-teluk-ambon"])
    s = _serve(site)
    s.add("/tag/imigrasi", listing_page(site, [], "/tag/imigrasi/2"))
    s.add("/tag/imigrasi/2", listing_page(site, _by(site, "topic"), None))
    s.add("/indeks", listing_page(site, [], None))
    s.add("/sitemap.xml", sitemap(site, [a.path for a in _by(site, "sitemap")],
                                  "2026-02-02T15:00:00+09:00"), content_type=XML)
    return site


def rri() -> KindSite:
    """rri.co.id/<station>: /<station>/<section>/<id>/<slug>, station pages ?page=N, a search."""
    site = KindSite("rri", "RRI Fixture", "127.0.0.27", "/merauke/", "/merauke/", [
        (story(0, "/merauke/daerah/1234567/imigrasi-merauke-deportasi-wna",
               "2026-02-08T10:00:00+09:00", "Merauke", "Merauke", "Papua Nugini", 2), "listing"),
        (story(2, "/merauke/hukum/1230001/timpora-boven-digoel-perketat-pengawasan",
               "2026-01-22T12:00:00+09:00", "Boven Digoel", "Merauke", "Papua Nugini", 3),
         "listing"),  # on the station's page 2
    ], "text", traps=["/merauke/galeri/foto-festival-musamus"])
    s = _serve(site)
    listed = _by(site, "listing")
    s.add("/merauke/", listing_page(site, listed[:1], "/merauke/?page=2", next_style="number"))
    s.add("/merauke/?page=2", listing_page(site, listed[1:], None))
    return site


def imigrasi_office() -> KindSite:
    """<unit>.imigrasi.go.id: /berita-utama listing (?page=N), /berita-utama/<slug>, a sitemap."""
    site = KindSite("imigrasi-office", "Kanim Fixture", "127.0.0.28", "/", "/berita-utama", [
        (story(0, "/berita-utama/kanim-tahuna-deportasi-wna-filipina", "2026-02-09T09:30:00+08:00",
               "Tahuna", "Tahuna", "Filipina", 2), "sitemap"),
        (story(3, "/berita-utama/petugas-tpi-tahuna-periksa-awak-kapal",
               "2026-02-03T14:00:00+08:00",
               "Tahuna", "Tahuna", "Filipina", 9), "listing"),
        (story(1, "/berita-utama/layanan-paspor-tahuna-dibuka-akhir-pekan",
               "2026-01-26T08:00:00+08:00", "Sangihe", "Tahuna", "Filipina", 4), "listing"),
    ], "text", traps=["/layanan/paspor-elektronik", "/profil/struktur-organisasi"])
    s = _serve(site)
    listed = _by(site, "listing")
    s.add("/berita-utama", listing_page(site, listed[:1], "/berita-utama?page=2",
                                        next_style="number"))
    s.add("/berita-utama?page=2", listing_page(site, listed[1:], None))
    # The office sitemap lists service pages too: only /berita-utama/<slug> are articles.
    s.add("/sitemap.xml", sitemap(site, [a.path for a in _by(site, "sitemap")] + site.traps,
                                  "2026-02-09T09:30:00+08:00"), content_type=XML)
    return site


def imigrasi_ditjen() -> KindSite:
    """www.imigrasi.go.id: /berita listing and /berita/YYYY/MM/DD/<slug> articles, a sitemap."""
    site = KindSite("imigrasi-ditjen", "Ditjen Fixture", "127.0.0.29", "/", "/berita", [
        (story(2, "/berita/2026/02/10/timpora-nasional-perketat-pengawasan",
               "2026-02-10T11:00:00+07:00", "Jakarta", "Jakarta Selatan", "Tiongkok", 11),
         "sitemap"),
        (story(0, "/berita/2026/02/06/ditjen-imigrasi-deportasi-wna", "2026-02-06T16:00:00+07:00",
               "Tangerang", "Soekarno-Hatta", "Nigeria", 8), "listing"),
    ], "meta", traps=["/wna/daftar-visa-indonesia"])
    s = _serve(site)
    s.add("/berita", listing_page(site, _by(site, "listing"), None))
    s.add("/sitemap.xml", sitemap(site, [a.path for a in _by(site, "sitemap")] + site.traps,
                                  "2026-02-10T11:00:00+07:00"), content_type=XML)
    return site


def generic() -> KindSite:
    """A local paper of unknown CMS: a home page of links and an announced RSS feed."""
    site = KindSite("generic", "Koran Fixture", "127.0.0.30", "/", "/", [
        (story(1, "/2026/02/11/layanan-paspor-sorong", "2026-02-11T10:00:00+09:00", "Sorong",
               "Sorong", "Australia", 6), "feed"),
        (story(3, "/kabar/petugas-tpi-sorong-periksa-awak-kapal", "2026-02-09T09:00:00+09:00",
               "Sorong", "Sorong", "Korea Selatan", 7), "listing"),
    ], "time")
    s = _serve(site)
    s.add("/", listing_page(site, _by(site, "listing"), None).replace(
        "</head>", '<link rel="alternate" type="application/rss+xml" href="/rss.xml"></head>', 1))
    s.add("/rss.xml", feed(site, _by(site, "feed")), content_type=RSS)
    return site


# Site kind -> the function that builds its fixture.
BUILDERS = {"antara": antara, "tribun": tribun, "detik": detik, "kompas": kompas, "suara": suara,
            "inews": inews, "rri": rri, "imigrasi-office": imigrasi_office,
            "imigrasi-ditjen": imigrasi_ditjen, "generic": generic}
