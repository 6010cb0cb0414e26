"""Many small fixture sources on a few loopback hosts, for crawls at the scale of the shipped list.

`build(n, hosts)` gives n sources spread over `hosts` servers on 127.0.0.101, .102, ... (one
host per address: Scrapy keeps its per-host limits by host name). Each source lives under its own
path prefix, like the regional sections of one network, and is one of three site kinds: a
detik-style channel, an RRI-style station, or a site of unknown CMS with an RSS feed. Each has a
province, round-robin over the 38. The articles are invented, distinct, and about immigration.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from crawler.provinces import load_provinces
from sites.server import FixtureServer

KINDS = ("generic", "detik", "rri")
# The crawl's date window in the tests that use these sources; every 10th source also lists
# one article before it and one after it.
SINCE, UNTIL = "2026-01-01", "2026-01-31"
# One source is capped at this many pages (max_pages), with more articles than that.
CAPPED_INDEX, CAPPED_PAGES, CAPPED_ARTICLES = 3, 3, 5


@dataclass
class ManySource:
    """One generated source: where it lives and what a crawl must store of it."""

    index: int
    name: str  # letters only, also its path prefix: /<name>/
    kind: str
    province: str
    server: FixtureServer
    articles: list[tuple[str, str, str]] = field(default_factory=list)  # (path, title, date)
    outside: list[str] = field(default_factory=list)  # paths dated outside the window

    @property
    def slug(self) -> str:
        return self.name

    def in_window(self) -> list[str]:
        return [p for p, _t, _d in self.articles if p not in self.outside]


def letters(i: int) -> str:
    """0 -> 'raa', 1 -> 'rab', ...: a path segment without digits (detik's channels have none)."""
    return "r" + chr(97 + i // 26 % 26) + chr(97 + i % 26)


def _text(name: str, n: int) -> list[str]:
    return [f"Kantor Imigrasi wilayah {name.upper()} nomor {n} mendeportasi warga negara asing "
            "yang melanggar izin tinggal setelah pemeriksaan keimigrasian oleh petugas.",
            f"Petugas imigrasi {name} memeriksa paspor dan dokumen perjalanan WNA tersebut "
            f"bersama Tim Pengawasan Orang Asing dalam operasi ke-{n} tahun ini.",
            "Kepala kantor imigrasi mengimbau warga melaporkan orang asing yang mencurigakan "
            "agar pengawasan keimigrasian berjalan baik."]


def _article(title: str, published: str, paras: list[str]) -> str:
    e = html.escape
    return (f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{e(title)}'
            '</title><meta property="og:type" content="article">'
            f'<meta property="article:published_time" content="{published}"></head><body>'
            f'<nav><a href="/">Beranda</a></nav><article><h1>{e(title)}</h1>'
            + "".join(f"<p>{e(p)}</p>" for p in paras)
            + "</article><footer>Redaksi</footer></body></html>")


def _listing(title: str, links: list[tuple[str, str]], head: str = "") -> str:
    e = html.escape
    return (f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{e(title)}'
            f'</title>{head}</head><body><ul>'
            + "".join(f'<li><a href="{p}">{e(t)}</a></li>' for p, t in links)
            + "</ul></body></html>")


def _add_source(src: ManySource) -> None:
    s, name, i = src.server, src.name, src.index
    count = CAPPED_ARTICLES if i == CAPPED_INDEX else 2
    dates = [f"2026-01-{10 + n:02d}T09:00:00+07:00" for n in range(count)]
    if i % 10 == 0:  # one article before the window, one after
        dates += ["2025-12-20T09:00:00+07:00", "2026-02-05T09:00:00+07:00"]
    for n, published in enumerate(dates):
        if src.kind == "detik":
            path = f"/{name}/berita/d-{7000000 + i * 10 + n}/imigrasi-{name}-{n}"
        elif src.kind == "rri":
            path = f"/{name}/daerah/{500000 + i * 10 + n}/imigrasi-{name}-{n}"
        else:
            path = f"/{name}/kabar/imigrasi-{name}-{n}"
        title = f"Imigrasi {name.upper()} Deportasi WNA, Operasi {n}"
        s.add(path, _article(title, published, _text(name, n)))
        src.articles.append((path, title, published))
        if not published.startswith("2026-01"):
            src.outside.append(path)
    links = [(p, t) for p, t, _d in src.articles]
    if src.kind == "detik":
        s.add(f"/{name}/berita", _listing(name, links))
    elif src.kind == "rri":
        s.add(f"/{name}/", _listing(name, links))
    else:  # the last article only in the feed the home page announces
        feed_path = f"/{name}/rss.xml"
        head = f'<link rel="alternate" type="application/rss+xml" href="{feed_path}">'
        home_links = links[:-1]
        if i == 0:  # robots.txt disallows this page for everyone
            home_links.append((f"/{name}/private/laporan", "Laporan internal"))
            s.add(f"/{name}/private/laporan", _listing("private", []))
        s.add(f"/{name}/", _listing(name, home_links, head))
        path, title, published = src.articles[-1]
        s.add(feed_path, '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
              f"<title>{name}</title><item><title>{html.escape(title)}</title>"
              f"<link>{s.url(path)}</link></item></channel></rss>",
              content_type="application/rss+xml; charset=utf-8")


def build(n: int = 300, hosts: int = 25) -> list[ManySource]:
    """n sources on `hosts` loopback servers (not started: enter each `server`)."""
    provinces = list(load_provinces())
    servers = [FixtureServer(f"host{h}", host=f"127.0.0.{101 + h}") for h in range(hosts)]
    sources = []
    for i in range(n):
        src = ManySource(i, letters(i), KINDS[i % len(KINDS)], provinces[i % len(provinces)],
                         servers[i % hosts])
        _add_source(src)
        sources.append(src)
    first = sources[0]
    first.server.add("/robots.txt", f"User-agent: *\nDisallow: /{first.name}/private/\n",
                     content_type="text/plain")
    return sources


def sources_toml(sources: list[ManySource]) -> str:
    """The sources file of generated sources."""
    out = []
    for src in sources:
        start = {"detik": f"/{src.name}/berita"}.get(src.kind, f"/{src.name}/")
        out.append(f'[[sources]]\nname = "{src.name}"\nsite_kind = "{src.kind}"\n'
                   f'province = "{src.province}"\nstart_urls = ["{src.server.url(start)}"]\n'
                   f'url_prefix = "{src.server.url("/" + src.name + "/")}"\n'
                   + (f"max_pages = {CAPPED_PAGES}\n" if src.index == CAPPED_INDEX else "")
                   + "\n")
    return "".join(out)
