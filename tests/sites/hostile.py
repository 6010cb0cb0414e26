"""Fixture: an outlet whose pages, feeds and sitemaps are hostile or broken (issue 8): pages that
never end, a gzip bomb, a 50 MB page, a redirect loop, binary served as text/html, feeds and
sitemaps with external entities (XXE) and billion-laughs expansion, and links, feeds, sitemaps
and redirects pointing at file://, private-network, link-local and loopback addresses.

A second server, the trap, stands in for every address the crawl must never reach: it is the
HTTP proxy of the crawl (so a request to 10.x or 169.254.x that escaped the filter lands here, on
loopback, instead of the network) and it is itself served under other loopback names.
"""

from __future__ import annotations

import gzip
import html
import itertools
import time
from pathlib import Path

from sites.server import FixtureArticle, FixtureServer, Hit, Reply

NAME = "Kabar Rawan"
# Small caps and timeouts: each hostile page costs at most about a second.
MAX_SIZE = 1_000_000
SETTINGS = ["-s", "RETRY_TIMES=1", "-s", "DOWNLOAD_TIMEOUT=1", "-s", f"DOWNLOAD_MAXSIZE={MAX_SIZE}",
            "-s", f"DOWNLOAD_WARNSIZE={MAX_SIZE // 2}", "-s", "REDIRECT_MAX_TIMES=5"]
# The gzip bomb: 30 times the size cap once inflated, under 40 kB on the wire.
BOMB = gzip.compress(b"<html><body>" + b"\0" * (30 * MAX_SIZE), compresslevel=9)
HUGE_BYTES = 50 * 1024 * 1024

PARAGRAPHS = [
    "TANJUNGPINANG – Kantor Imigrasi Kelas I Tanjungpinang memeriksa dokumen {} pada Selasa "
    "pagi. Pemeriksaan dilakukan bersama petugas pelabuhan.",
    "Menurut kepala seksi, setiap warga negara asing wajib membawa paspor dan izin tinggal yang "
    "masih berlaku selama berada di wilayah Kepulauan Riau.",
    "Petugas imigrasi mengingatkan pemohon paspor agar mengurus dokumen melalui aplikasi resmi "
    "dan tidak menggunakan jasa calo.",
]


def _article(slug: str, title: str, day: int, topic: str) -> FixtureArticle:
    return FixtureArticle(f"/berita/{slug}", title, f"2026-05-{day:02d}T09:00:00+07:00",
                          [[p.format(topic) if "{}" in p else p for p in PARAGRAPHS]])


# Good articles, each reachable only one way, so each proves that way kept working.
ARTICLES = {
    "home": _article("aman-beranda", "Imigrasi Tanjungpinang Periksa Kapal Feri", 4,
                     "penumpang feri"),
    "feed_xxe": _article("aman-umpan", "Layanan Paspor Tanjungpinang Buka Hari Sabtu", 5,
                         "pemohon paspor"),
    "sitemap": _article("aman-peta", "Imigrasi Tanjungpinang Terbitkan Izin Tinggal Terbatas", 7,
                        "tenaga kerja asing"),
}
# Listed only by the billion-laughs feed, which is refused whole: never requested.
LAUGHS_ARTICLE = _article("aman-tawa", "Petugas Imigrasi Kunjungi Pelabuhan Sri Bintan Pura", 6,
                          "awak kapal")
# Linked from the home page; none may become an article, each must be bounded and logged.
HOSTILE = {"endless": "/berita/tanpa-akhir", "drip": "/berita/tetes", "bomb": "/berita/bom-gzip",
           "huge": "/berita/raksasa", "loop": "/berita/putar-a", "binary": "/berita/biner",
           "to_private": "/berita/ke-intranet", "to_loopback": "/berita/ke-localhost"}
LOOP_B = "/berita/putar-b"
# What the XXE entities point at: if ever expanded, the crawl requests these paths.
LEAK_FEED = "/berita/bocor-umpan"
LEAK_SITEMAP = "/berita/bocor-peta"
LEAK_FILE = "/berita/bocor-berkas"
# Private, link-local and loopback URLs a feed, a sitemap or robots.txt names. None may be
# requested; those that are not article links reach crawler.middlewares.UnsafeUrlMiddleware.
PRIVATE = ["http://10.255.255.1/sitemap.xml", "http://172.16.0.1/sitemap.xml",
           "http://192.168.1.1/sitemap.xml", "http://169.254.169.254/latest/meta-data/",
           "http://[::1]/sitemap.xml"]


def _article_html(a: FixtureArticle) -> str:
    e = html.escape
    return (f"<html lang='id'><head><meta charset='utf-8'><title>{e(a.title)}</title>"
            "<meta property='og:type' content='article'>"
            f"<meta property='article:published_time' content='{a.published}'></head><body>"
            f"<div class='menu'><a href='/'>{NAME}</a></div><h1>{e(a.title)}</h1>"
            "<div class='isi'>" + "".join(f"<p>{e(p)}</p>" for p in a.pages[0])
            + "</div></body></html>")


def _endless(hit: Hit) -> Reply:
    """A page that never ends, fast: only the size cap stops it."""
    return Reply(chunks=(b"<p>" + b"tanpa akhir " * 700 + b"</p>" for _ in itertools.count()))


def _drip(hit: Hit) -> Reply:
    """A page that never ends, slowly: under the size cap for hours; only the timeout stops it."""
    def chunks():
        yield b"<html><body>"
        while True:
            time.sleep(0.2)
            yield b"."
    return Reply(chunks=chunks())


def _huge(hit: Hit) -> Reply:
    """50 MB, announced by Content-Length, produced lazily."""
    block = b"<p>" + b"berita besar " * 1000 + b"</p>"
    return Reply(chunks=(block for _ in range(HUGE_BYTES // len(block) + 1)),
                 length=HUGE_BYTES)


def _binary(hit: Hit) -> Reply:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64
    return Reply(png, content_type="text/html; charset=utf-8")


def _rss(items: str, doctype: str = "") -> Reply:
    return Reply(f'<?xml version="1.0" encoding="utf-8"?>{doctype}<rss version="2.0"><channel>'
                 f"<title>{NAME}</title>{items}</channel></rss>",
                 content_type="application/rss+xml; charset=utf-8")


def _item(link: str, title: str = "Berita") -> str:
    return f"<item><title>{title}</title><link>{link}</link></item>"


def build(trap: FixtureServer, secrets: Path) -> FixtureServer:
    """The hostile site; `trap` is the server nothing may reach, `secrets` a folder for the
    local files the XXE entities and the file:// sitemap point at."""
    site = FixtureServer(NAME)
    site.articles = list(ARTICLES.values())
    trap_port = trap.httpd.server_address[1]
    secret_feed, secret_sitemap = secrets / "rahasia-umpan.txt", secrets / "rahasia-peta.txt"
    secret_feed.write_text(site.url(LEAK_FEED))
    secret_sitemap.write_text(site.url(LEAK_SITEMAP))
    local_sitemap = secrets / "sitemap.xml"
    local_sitemap.write_text('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/'
                             f'schemas/sitemap/0.9"><url><loc>{site.url(LEAK_FILE)}</loc></url>'
                             "</urlset>")
    # Other hosts on loopback (the trap under other names and ports) and a public-looking one.
    other_hosts = [f"http://localhost:{trap_port}/berita/lain", f"http://127.0.0.1:{trap_port}/"
                   "berita/lain", "http://berita-lain.test/berita/lain"]
    links = [ARTICLES["home"].path, *HOSTILE.values(), *other_hosts]
    site.add("/", "<html lang='id'><head><meta charset='utf-8'><title>Kabar Rawan</title>"
             "<link rel='alternate' type='application/rss+xml' href='/umpan-xxe.xml'>"
             "<link rel='alternate' type='application/rss+xml' href='/umpan-tawa.xml'>"
             "<link rel='alternate' type='application/rss+xml' href='/umpan-jahat.xml'>"
             # a feed announced on the operator's network and on the trap
             "<link rel='alternate' type='application/rss+xml' href='http://10.0.0.7/feed/'>"
             f"<link rel='alternate' type='application/atom+xml' href='http://localhost:"
             f"{trap_port}/feed/'>"
             "</head><body><h1>Kabar Rawan</h1><ul>"
             + "".join(f"<li><a href='{p}'>{p}</a></li>" for p in links) + "</ul></body></html>")
    site.add("/robots.txt", "User-agent: *\nAllow: /\n"
             + "".join(f"Sitemap: {u}\n" for u in [
                 PRIVATE[3], f"file://{local_sitemap}", f"http://localhost:{trap_port}/s.xml",
                 site.url("/sitemap.xml")]), content_type="text/plain")
    for a in ARTICLES.values():
        site.add(a.path, _article_html(a))
    site.handle(HOSTILE["endless"], _endless)
    site.handle(HOSTILE["drip"], _drip)
    site.add(HOSTILE["bomb"], BOMB, **{"Content-Encoding": "gzip"})
    site.handle(HOSTILE["huge"], _huge)
    site.add(HOSTILE["loop"], "", status=302, content_type=None, Location=LOOP_B)
    site.add(LOOP_B, "", status=302, content_type=None, Location=HOSTILE["loop"])
    site.handle(HOSTILE["binary"], _binary)
    site.add(HOSTILE["to_private"], "", status=302, content_type=None,
             Location="http://192.168.0.10/admin/")
    site.add(HOSTILE["to_loopback"], "", status=301, content_type=None,
             Location=f"http://localhost:{trap_port}/berita/dialihkan")
    # XXE: a local file and a network DTD; expanded, the item's link would be the leak path.
    site.pages["/umpan-xxe.xml"] = (_rss(
        _item("&xxe;", "Bocor &xxe;") + _item(site.url(ARTICLES["feed_xxe"].path)),
        f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret_feed}">'
        f'<!ENTITY % remote SYSTEM "http://localhost:{trap_port}/xxe.dtd"> %remote;]>'))
    laughs = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    site.pages["/umpan-tawa.xml"] = _rss(_item(site.url(LAUGHS_ARTICLE.path),
                                               "&lol9;"), f"<!DOCTYPE rss [{laughs}]>")
    # A feed whose items point off the site: file://, the operator's network, other hosts.
    site.pages["/umpan-jahat.xml"] = (_rss("".join(_item(u) for u in [
        f"file://{secret_feed}", "http://10.1.2.3/berita/dalam", "http://192.168.1.20/berita/x",
        "http://169.254.169.254/latest/meta-data/iam/", *other_hosts])))
    site.add("/sitemap.xml", '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/'
             'schemas/sitemap/0.9">' + "".join(f"<sitemap><loc>{html.escape(u)}</loc></sitemap>"
                                               for u in [*PRIVATE, site.url("/sitemap-1.xml")])
             + "</sitemapindex>", content_type="application/xml")
    site.add("/sitemap-1.xml", '<?xml version="1.0"?>'
             f'<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file://{secret_sitemap}">]>'
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             "<url><loc>&xxe;</loc></url>"
             f"<url><loc>{site.url(ARTICLES['sitemap'].path)}</loc></url></urlset>",
             content_type="application/xml")
    return site
