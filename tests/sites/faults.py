"""Fixture: a small outlet whose pages show the faults of real sites: a 503 that recovers, a
500 that does not, a page too slow to answer, a 404, a redirect, a page over the size cap,
windows-1252 and UTF-8 bodies without any charset, broken HTML, and a robots.txt ban."""

from __future__ import annotations

import html
import threading
import time

from sites.server import NOT_FOUND, FixtureArticle, FixtureServer, Hit, Reply

NAME = "Pos Perbatasan"
# Sent to the crawl with -s: small, so the faults cost little time.
SETTINGS = ["-s", "RETRY_TIMES=1", "-s", "DOWNLOAD_TIMEOUT=2", "-s", "DOWNLOAD_MAXSIZE=200000",
            "-s", "DOWNLOAD_WARNSIZE=100000", "-s", "PANTAU_PROGRESS_INTERVAL=0.5"]
SLOW_SECONDS = 3.5
BIG_BYTES = 400_000


def _paragraphs(topic: str) -> list[str]:
    return [f"ENTIKONG – Petugas Pos Lintas Batas Negara Entikong memeriksa {topic} pada Senin "
            "pagi. Pemeriksaan dilakukan oleh petugas imigrasi bersama bea cukai.",
            "Menurut petugas, seluruh pelintas batas wajib menunjukkan paspor atau pas lintas "
            "batas yang masih berlaku sebelum menyeberang ke Sarawak.",
            "Pelintas yang kedapatan tidak membawa dokumen diminta kembali dan mengurus dokumen "
            "di Kantor Imigrasi Sanggau."]


ARTICLES = {
    "retry": FixtureArticle("/berita/ulang-503", "Antrean Pelintas Batas Entikong Mengular",
                            "2026-04-06T08:00:00+07:00", [_paragraphs("antrean pelintas")]),
    "redirect": FixtureArticle("/berita/tujuan-pindah", "Imigrasi Entikong Pindahkan Loket Paspor",
                               "2026-04-07T08:00:00+07:00", [_paragraphs("loket baru")]),
    "cp1252": FixtureArticle(
        "/berita/kode-lama", "Kafe “Perbatasan” Jadi Tempat Sosialisasi Paspor – Entikong",
        "2026-04-08T08:00:00+07:00",
        [["ENTIKONG – Petugas imigrasi menggelar sosialisasi paspor di kafé “Perbatasan” yang "
          "ramai dikunjungi pelintas batas… Warga menyebutnya cara yang “santai tapi serius”.",
          *_paragraphs("kafe di perbatasan")[1:]]]),
    "utf8": FixtureArticle(
        "/berita/tanpa-charset", "Petugas Imigrasi Temui Pelajar Sekolah “Tapal Batas” – Entikong",
        "2026-04-09T08:00:00+07:00",
        [["ENTIKONG – Petugas imigrasi mengunjungi sekolah “Tapal Batas” dan mengenalkan paspor "
          "kepada pelajar — sebagian besar belum pernah ke luar negeri.",
          *_paragraphs("sekolah di perbatasan")[1:]]]),
    "utf8_labelled_latin1": FixtureArticle(
        "/berita/label-latin", "Wisatawan “Backpacker” Dideportasi dari Entikong – Kalbar",
        "2026-04-11T08:00:00+07:00",
        [["ENTIKONG – Seorang wisatawan “backpacker” asal Eropa dideportasi setelah bekerja di "
          "kafé tanpa izin… Ia menyeberang dari Kuching dengan visa kunjungan.",
          *_paragraphs("wisatawan asing")[1:]]]),
    "cp1252_labelled_utf8": FixtureArticle(
        "/berita/label-utf8", "Paspor “Kilat” Diminati Warga Sanggau – Entikong",
        "2026-04-12T08:00:00+07:00",
        [["SANGGAU – Layanan paspor “kilat” di Kantor Imigrasi Sanggau diminati warga… Pemohon "
          "menerima paspor di hari yang sama—cukup membayar biaya percepatan.",
          *_paragraphs("layanan paspor")[1:]]]),
    "malformed": FixtureArticle("/berita/rusak", "Razia Dokumen Pekerja Asing di Sanggau",
                                "2026-04-10T08:00:00+07:00", [_paragraphs("dokumen pekerja")]),
}
# Linked from the home page; none of these may end up as an article.
BROKEN = {"always_500": "/berita/selalu-500", "slow": "/berita/lambat", "missing": "/berita/hilang",
          "big": "/berita/besar", "forbidden": "/rahasia/dokumen", "empty": "/berita/kosong"}
MOVED_FROM = "/berita/pindah"


def _article_html(a: FixtureArticle, charset_meta: bool = True, close_tags: bool = True) -> str:
    e = html.escape
    meta = '<meta charset="utf-8">' if charset_meta else ""
    paras = "".join(f"<p>{e(p)}" + ("</p>" if close_tags else "") for p in a.pages[0])
    end = "</div></body></html>" if close_tags else ""
    return (f"<html lang='id'><head>{meta}<title>{e(a.title)}</title>"
            "<meta property='og:type' content='article'>"
            f"<meta property='article:published_time' content='{a.published}'></head><body>"
            f"<div class='menu'><a href='/'>{NAME}</a></div><h1>{e(a.title)}</h1>"
            f"<div class='isi'>{paras}{end}")


class FlakyOnce:
    """Answers 503 the first time, then the page (a server that recovers)."""

    def __init__(self, page: str):
        self.page = page
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, hit: Hit) -> Reply:
        with self.lock:
            self.calls += 1
            first = self.calls == 1
        return Reply("<h1>503 Service Unavailable</h1>", 503) if first else Reply(self.page)


def _slow(hit: Hit) -> Reply:
    time.sleep(SLOW_SECONDS)
    return Reply("<html><body><p>terlambat</p></body></html>")


def build() -> FixtureServer:
    site = FixtureServer(NAME)
    site.articles = list(ARTICLES.values())
    links = [a.path for k, a in ARTICLES.items() if k != "redirect"]
    links += [MOVED_FROM, *BROKEN.values()]
    site.add("/", "<html lang='id'><head><meta charset='utf-8'><title>Pos Perbatasan</title></head>"
             "<body><h1>Pos Perbatasan</h1><ul>"
             + "".join(f"<li><a href='{p}'>{p}</a></li>" for p in links) + "</ul></body></html>")
    site.add("/robots.txt", "User-agent: *\nDisallow: /rahasia/\n", content_type="text/plain")
    site.handle(ARTICLES["retry"].path, FlakyOnce(_article_html(ARTICLES["retry"])))
    site.add(BROKEN["always_500"], "<h1>500 Internal Server Error</h1>", status=500)
    site.handle(BROKEN["slow"], _slow)
    site.add(BROKEN["missing"], NOT_FOUND, status=404)
    site.add(MOVED_FROM, "", status=301, content_type=None, Location=ARTICLES["redirect"].path)
    site.add(ARTICLES["redirect"].path, _article_html(ARTICLES["redirect"]))
    site.add(BROKEN["big"], "<html><body>" + "<p>Data besar.</p>" * (BIG_BYTES // 16)
             + "</body></html>")
    site.add(BROKEN["empty"], "")
    site.add(BROKEN["forbidden"], _article_html(ARTICLES["retry"]))
    # Served as bare "text/html": no charset in the header or in the page.
    site.add(ARTICLES["cp1252"].path,
             _article_html(ARTICLES["cp1252"], charset_meta=False).encode("windows-1252"),
             content_type="text/html")
    site.add(ARTICLES["utf8"].path, _article_html(ARTICLES["utf8"], charset_meta=False).encode(),
             content_type="text/html")
    # Wrong labels: UTF-8 sent as ISO-8859-1, windows-1252 sent as UTF-8 (header and meta).
    site.add(ARTICLES["utf8_labelled_latin1"].path,
             _article_html(ARTICLES["utf8_labelled_latin1"], charset_meta=False).encode(),
             content_type="text/html; charset=ISO-8859-1")
    site.add(ARTICLES["cp1252_labelled_utf8"].path,
             _article_html(ARTICLES["cp1252_labelled_utf8"]).encode("windows-1252"),
             content_type="text/html; charset=utf-8")
    site.add(ARTICLES["malformed"].path, _article_html(ARTICLES["malformed"], close_tags=False)
             + "<div><table><tr><td>sisa tata letak</span></b>")
    return site
