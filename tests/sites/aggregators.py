"""Fixture: Google News RSS search and the GDELT DOC 2.0 API on one local server, answering in
their formats, and an outlet that is not among the sources, whose articles only they list."""

from __future__ import annotations

import base64
import html
import json
from datetime import datetime
from email.utils import format_datetime

from sites.server import FixtureArticle, FixtureServer, Hit, Reply

OUTLET = "Lintas Nusa"
ARTICLES = [
    FixtureArticle(
        "/nasional/2026/03/16/ditjen-imigrasi-luncurkan-visa-rumah-kedua",
        "Ditjen Imigrasi Perluas Visa Rumah Kedua bagi Lansia Asing",
        "2026-03-16T11:00:00+07:00",
        [["JAKARTA – Direktorat Jenderal Imigrasi memperluas syarat visa rumah kedua sehingga "
          "warga negara asing berusia lanjut dapat tinggal hingga sepuluh tahun di Indonesia.",
          "Pemohon wajib menunjukkan dana jaminan di bank milik negara dan asuransi kesehatan "
          "yang berlaku selama masa tinggal.",
          "Pejabat imigrasi menyebut kebijakan ini diharapkan menarik belanja wisatawan jangka "
          "panjang ke Bali, Lombok dan Sulawesi Utara."]],
        author="Tim Lintas Nusa"),
    FixtureArticle(
        "/daerah/2026/03/17/imigrasi-manado-deportasi-nelayan-filipina",
        "Imigrasi Manado Deportasi Tujuh Nelayan Filipina",
        "2026-03-17T15:30:00+08:00",
        [["MANADO – Kantor Imigrasi Manado mendeportasi tujuh nelayan asal Filipina yang "
          "ditangkap karena memasuki perairan Indonesia tanpa dokumen keimigrasian.",
          "Ketujuh nelayan itu dipulangkan melalui Pelabuhan Bitung dengan kapal penumpang "
          "menuju General Santos setelah menjalani pemeriksaan.",
          "Petugas imigrasi berkoordinasi dengan konsulat Filipina di Manado untuk memastikan "
          "identitas dan kewarganegaraan mereka."]],
        author="Tim Lintas Nusa"),
    FixtureArticle(
        "/daerah/2026/03/18/pelabuhan-dumai-layani-wna-malaysia",
        "Pos Imigrasi Pelabuhan Dumai Layani Ratusan WNA Malaysia Jelang Lebaran",
        "2026-03-18T09:00:00+07:00",
        [["DUMAI – Tempat pemeriksaan imigrasi Pelabuhan Dumai melayani ratusan warga negara "
          "Malaysia yang mudik dan berkunjung ke keluarga menjelang Lebaran.",
          "Petugas menambah loket pemeriksaan paspor dan membuka layanan sejak subuh agar "
          "penumpang feri dari Melaka tidak menumpuk di ruang kedatangan.",
          "Arus penumpang diperkirakan mencapai puncaknya tiga hari sebelum hari raya."]],
        author="Tim Lintas Nusa"),
]


def google_news_token(url: str) -> str:
    """An old-style Google News article id: a base64 protobuf that carries the outlet URL."""
    raw = b"\x08\x13\x22" + bytes([len(url)]) + url.encode() + b"\xd2\x01\x00"
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _article(a: FixtureArticle, base: str) -> str:
    e = html.escape
    return (f'<html lang="id"><head><meta charset="utf-8"><title>{e(a.title)}</title>'
            f'<link rel="canonical" href="{base}{a.path}">'
            '<meta property="og:type" content="article">'
            f'<meta property="article:published_time" content="{a.published}">'
            f'<meta name="author" content="{e(a.author)}"></head><body>'
            f'<div class="menu"><a href="/">{OUTLET}</a></div><h1>{e(a.title)}</h1>'
            + "".join(f"<p>{e(p)}</p>" for p in a.pages[0])
            + '<div class="share">Bagikan artikel ini</div></body></html>')


def _google_news(hit: Hit, outlet: FixtureServer, base: str) -> Reply:
    q = hit.query
    if "imigrasi" not in q.get("q", [""])[0] or q.get("hl") != ["id"]:
        return Reply("<rss version='2.0'><channel></channel></rss>", 200, "application/xml")
    links = [f"{base}/rss/articles/{google_news_token(outlet.url(ARTICLES[0].path))}?oc=5",
             f"{base}/rss/articles/AU_yqLNew0pq?oc=5"]  # new-style id: only a redirect resolves it
    items = "".join(
        f"<item><title>{html.escape(a.title)} - {OUTLET}</title><link>{link}</link>"
        f'<guid isPermaLink="false">{i}</guid>'
        f"<pubDate>{format_datetime(datetime.fromisoformat(a.published))}</pubDate>"
        f'<source url="{outlet.base_url}">{OUTLET}</source></item>'
        for i, (a, link) in enumerate(zip(ARTICLES, links, strict=False)))
    return Reply('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
                 'xmlns:media="http://search.yahoo.com/mrss/"><channel>'
                 '<title>"imigrasi" - Google Berita</title>'
                 f"<link>https://news.google.com/</link>{items}</channel></rss>",
                 200, "application/rss+xml; charset=utf-8")


def _gdelt(hit: Hit, outlet: FixtureServer, extra_urls: list[str]) -> Reply:
    q = hit.query
    if q.get("mode") != ["artlist"] or q.get("format") != ["json"] \
            or "sourcelang:indonesian" not in q.get("query", [""])[0]:
        # GDELT answers a malformed query with plain text, not JSON
        return Reply("Invalid query: please specify mode and format.", 200, "text/html")
    urls = [outlet.url(ARTICLES[2].path), *extra_urls]
    arts = [{"url": u, "url_mobile": "", "title": "-", "seendate": "20260318T030000Z",
             "socialimage": "", "domain": "lintasnusa.test", "language": "Indonesian",
             "sourcecountry": "Indonesia"} for u in urls]
    return Reply(json.dumps({"articles": arts}), 200, "application/json; charset=utf-8")


def build(extra_gdelt_urls: list[str] | None = None) -> tuple[FixtureServer, FixtureServer]:
    """(aggregator server, outlet server); GDELT also lists `extra_gdelt_urls`."""
    outlet = FixtureServer(OUTLET)
    outlet.articles = ARTICLES
    for a in ARTICLES:
        outlet.add(a.path, _article(a, outlet.base_url))
    agg = FixtureServer("Agregator")
    agg.add("/rss/articles/AU_yqLNew0pq", "", status=302, content_type=None,
            Location=outlet.url(ARTICLES[1].path))
    agg.handle("/rss/search", lambda hit: _google_news(hit, outlet, agg.base_url))
    agg.handle("/api/v2/doc/doc", lambda hit: _gdelt(hit, outlet, extra_gdelt_urls or []))
    return agg, outlet


def sources_toml(agg: FixtureServer) -> str:
    """The two aggregator sources, pointed at the local endpoints."""
    return (f'[[sources]]\nname = "Google News: imigrasi"\nkind = "aggregator"\n'
            f'api = "google_news"\nquery = "imigrasi"\n'
            f'start_urls = ["{agg.url("/rss/search")}"]\n\n'
            f'[[sources]]\nname = "GDELT: imigrasi"\nkind = "aggregator"\napi = "gdelt"\n'
            f'query = "imigrasi"\nstart_urls = ["{agg.url("/api/v2/doc/doc")}"]\n\n')
