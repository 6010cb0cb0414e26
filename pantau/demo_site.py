"""The bundled demo news site: invented articles of two outlets, served on 127.0.0.1."""

from __future__ import annotations

import argparse
import hashlib
import html
import threading
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template

from core.settings import setting

OUTLETS = {"kabar-banten": "Kabar Banten", "warta-nusantara": "Warta Nusantara"}
# Outlets whose theme emits schema.org JSON-LD; the other has only meta tags, as many WordPress
# sites do.
JSON_LD_OUTLETS = {"warta-nusantara"}
PER_PAGE = 5
BULAN = ("Januari Februari Maret April Mei Juni Juli Agustus September Oktober November "
         "Desember").split()


class DemoSiteError(ValueError):
    """An article file of the demo site is malformed."""


@dataclass
class DemoArticle:
    """One invented article, from a `NN-slug.md` file with TOML front matter."""

    outlet: str
    slug: str
    title: str
    published: str
    author: str
    section: str
    on_topic: bool
    paragraphs: list[str]
    tags: list[str] = field(default_factory=list)
    expected: dict = field(default_factory=dict)

    @property
    def path(self) -> str:
        return f"/{self.outlet}/berita/{self.slug}/"

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def load_articles(folder: str | Path) -> list[DemoArticle]:
    """Read every article file in `folder`, newest first."""
    articles = []
    for path in sorted(Path(folder).glob("*.md")):
        parts = path.read_text(encoding="utf-8").split("+++")
        if len(parts) < 3:
            raise DemoSiteError(f"{path}: expected +++ TOML front matter +++ then the body")
        try:
            meta = tomllib.loads(parts[1])
        except tomllib.TOMLDecodeError as e:
            raise DemoSiteError(f"{path}: front matter: {e}") from None
        if meta.get("outlet") not in OUTLETS:
            raise DemoSiteError(f"{path}: outlet must be one of {', '.join(OUTLETS)}")
        body = "+++".join(parts[2:])
        paragraphs = [" ".join(p.split()) for p in body.split("\n\n") if p.strip()]
        articles.append(DemoArticle(
            outlet=meta["outlet"], slug=meta["slug"], title=meta["title"],
            published=meta["published"], author=meta.get("author", "Redaksi"),
            section=meta.get("section", "Berita"), on_topic=meta.get("on_topic", True),
            paragraphs=paragraphs, tags=meta.get("tags", []), expected=meta.get("expected", {})))
    articles.sort(key=lambda a: a.published, reverse=True)
    return articles


def _human_date(iso: str) -> str:
    dt = datetime.fromisoformat(iso)
    return f"{dt.day} {BULAN[dt.month - 1]} {dt.year} {dt:%H:%M}"


class SiteRenderer:
    """Renders pages, feeds and sitemaps from the articles and the theme templates."""

    def __init__(self, articles: list[DemoArticle], templates: Path):
        self.articles = articles
        self.templates = {p.stem: Template(p.read_text(encoding="utf-8"))
                          for p in templates.glob("*.html")}

    def outlet_articles(self, outlet: str) -> list[DemoArticle]:
        return [a for a in self.articles if a.outlet == outlet]

    def _page(self, outlet: str, page_title: str, content: str, head: str = "") -> str:
        popular = "".join(f'<li><a href="{a.path}">{html.escape(a.title)}</a></li>'
                          for a in self.outlet_articles(outlet)[:4])
        return self.templates["base"].substitute(
            page_title=html.escape(page_title), head=head, outlet_path=f"/{outlet}",
            outlet_name=OUTLETS[outlet], content=content, popular=popular)

    def article(self, a: DemoArticle, base: str) -> str:
        e = html.escape
        body = [f"<p>{e(p)}</p>" for p in a.paragraphs]
        others = [o for o in self.outlet_articles(a.outlet) if o.slug != a.slug]
        if others and len(body) > 1:  # themes inject a "Baca Juga" link mid-article
            body.insert(1, f'<p><strong>Baca Juga:</strong> <a href="{others[0].path}">'
                           f"{e(others[0].title)}</a></p>")
        url = f"{base}{a.path}"
        head = [f'<link rel="canonical" href="{url}">',
                '<meta property="og:type" content="article">',
                f'<meta property="og:title" content="{e(a.title)}">',
                f'<meta property="og:url" content="{url}">',
                f'<meta name="author" content="{e(a.author)}">',
                f'<meta property="article:section" content="{e(a.section)}">']
        if a.outlet in JSON_LD_OUTLETS:
            import json

            head.append('<script type="application/ld+json">' + json.dumps({
                "@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title,
                "datePublished": a.published, "author": {"@type": "Person", "name": a.author},
                "articleSection": a.section, "inLanguage": "id-ID", "mainEntityOfPage": url,
            }, ensure_ascii=False) + "</script>")
        else:
            head.append(f'<meta property="article:published_time" content="{a.published}">')
        content = self.templates["article"].substitute(
            outlet_path=f"/{a.outlet}", section=e(a.section), title=e(a.title),
            author=e(a.author), published=a.published, published_human=_human_date(a.published),
            body="\n".join(body), tags=", ".join(e(t) for t in a.tags),
            related="".join(f'<li><a href="{o.path}">{e(o.title)}</a></li>' for o in others[1:4]))
        return self._page(a.outlet, f"{a.title} - {OUTLETS[a.outlet]}", content, "\n".join(head))

    def listing(self, outlet: str, page: int) -> str | None:
        items = self.outlet_articles(outlet)
        pages = max(1, -(-len(items) // PER_PAGE))
        if not 1 <= page <= pages:
            return None
        chunk = items[(page - 1) * PER_PAGE: page * PER_PAGE]
        e = html.escape
        rows = "\n".join(
            f'<div class="post-item"><h2><a href="{a.path}">{e(a.title)}</a></h2>'
            f'<span class="date">{_human_date(a.published)}</span>'
            f"<p>{e(a.paragraphs[0][:160])}…</p></div>" for a in chunk)
        nav = []
        if page > 1:
            prev = f"/{outlet}/" if page == 2 else f"/{outlet}/page/{page - 1}/"
            nav.append(f'<a class="prev" href="{prev}">Sebelumnya</a>')
        if page < pages:
            nav.append(f'<a class="next" href="/{outlet}/page/{page + 1}/">Berikutnya</a>')
        content = self.templates["listing"].substitute(items=rows, pagination=" ".join(nav))
        return self._page(outlet, f"{OUTLETS[outlet]} - Halaman {page}", content)

    def feed(self, outlet: str, base: str) -> str:
        e = html.escape
        items = "".join(
            f"<item><title>{e(a.title)}</title><link>{base}{a.path}</link>"
            f"<guid>{base}{a.path}</guid>"
            f"<pubDate>{format_datetime(datetime.fromisoformat(a.published))}</pubDate>"
            f"<description>{e(a.paragraphs[0][:200])}</description></item>"
            for a in self.outlet_articles(outlet)[:10])
        return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                f"<title>{OUTLETS[outlet]}</title><link>{base}/{outlet}/</link>"
                f"<description>Berita {OUTLETS[outlet]}</description>{items}</channel></rss>")

    def sitemap(self, outlet: str, base: str) -> str:
        urls = "".join(f"<url><loc>{base}{a.path}</loc><lastmod>{a.published[:10]}</lastmod></url>"
                       for a in self.outlet_articles(outlet))
        return ('<?xml version="1.0" encoding="UTF-8"?>'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')

    def sitemap_index(self, base: str) -> str:
        maps = "".join(f"<sitemap><loc>{base}/{o}/sitemap.xml</loc></sitemap>" for o in OUTLETS)
        return ('<?xml version="1.0" encoding="UTF-8"?>'
                f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{maps}'
                "</sitemapindex>")

    def home(self) -> str:
        links = "".join(f'<li><a href="/{o}/">{n}</a></li>' for o, n in OUTLETS.items())
        return (f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>Demo</title>'
                f"</head><body><h1>Pantau demo news site</h1><ul>{links}</ul>"
                f'<p><a href="/admin/">admin</a></p></body></html>')

    def route(self, path: str, base: str) -> tuple[int, str, str]:
        """(status, content type, body) for a request path."""
        html_type, xml_type = "text/html; charset=utf-8", "application/xml; charset=utf-8"
        path = path.split("?", 1)[0].split("#", 1)[0]
        if path == "/":
            return 200, html_type, self.home()
        if path == "/robots.txt":
            return 200, "text/plain", (f"User-agent: *\nDisallow: /admin/\n"
                                       f"Sitemap: {base}/sitemap.xml\n")
        if path == "/sitemap.xml":
            return 200, xml_type, self.sitemap_index(base)
        parts = [p for p in path.split("/") if p]
        if not parts or parts[0] not in OUTLETS:
            return 404, html_type, "<h1>404 Halaman tidak ditemukan</h1>"
        outlet, rest = parts[0], parts[1:]
        if not rest:
            return 200, html_type, self.listing(outlet, 1)
        if rest == ["feed"]:
            return 200, "application/rss+xml; charset=utf-8", self.feed(outlet, base)
        if rest == ["sitemap.xml"]:
            return 200, xml_type, self.sitemap(outlet, base)
        if len(rest) == 2 and rest[0] == "page" and rest[1].isdigit():
            page = self.listing(outlet, int(rest[1]))
            if page:
                return 200, html_type, page
        if len(rest) == 2 and rest[0] == "berita":
            for a in self.outlet_articles(outlet):
                if a.slug == rest[1]:
                    return 200, html_type, self.article(a, base)
        return 404, html_type, "<h1>404 Halaman tidak ditemukan</h1>"


class DemoSite:
    """The demo site on a real HTTP server in a background thread; records every request path."""

    def __init__(self, folder: str | Path | None = None, host: str = "127.0.0.1", port: int = 0):
        self.folder = Path(folder) if folder else setting("demo_site")
        self.renderer = SiteRenderer(load_articles(self.folder / "articles"),
                                     self.folder / "templates")
        self.requests: list[str] = []
        self.responses: list[tuple[str, int]] = []  # (path, status), for tests
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.requests.append(self.path)
                status, ctype, body = site.renderer.route(self.path, site.base_url)
                data = body.encode("utf-8")
                # Validators, as real CMSs send them: a crawler may re-ask with If-None-Match.
                etag = f'"{hashlib.sha1(data).hexdigest()[:20]}"'
                if status == 200 and self.headers.get("If-None-Match") == etag:
                    status, data = 304, b""
                site.responses.append((self.path, status))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # keep test and demo output quiet
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def sources_toml(self) -> str:
        """A sources file naming each outlet by its name and start URL alone."""
        return "".join(f'[[sources]]\nname = "{name}"\nstart_urls = ["{self.url(f"/{slug}/")}"]\n'
                       f'url_prefix = "{self.url(f"/{slug}/")}"\n\n'
                       for slug, name in OUTLETS.items())

    @property
    def articles(self) -> list[DemoArticle]:
        return self.renderer.articles

    def reload(self) -> None:
        """Re-read the article files, so a test can add an article between two crawls."""
        self.renderer = SiteRenderer(load_articles(self.folder / "articles"),
                                     self.folder / "templates")

    def start(self) -> DemoSite:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    """`python -m pantau.demo_site --port N`: serve the demo site until interrupted."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--folder", default=None)
    args = parser.parse_args(argv)
    site = DemoSite(args.folder, port=args.port).start()
    print(site.base_url, flush=True)
    try:
        site.thread.join()
    except KeyboardInterrupt:
        site.stop()


if __name__ == "__main__":
    main()
