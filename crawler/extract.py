"""HTML to article fields: title, date, author, section, language, canonical URL, clean text."""

from __future__ import annotations

import codecs
import json
import logging
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from urllib.parse import urljoin

import trafilatura
from bs4 import BeautifulSoup

from crawler.dates import all_dates_in_text, normalise_date
from crawler.discovery import article_page_links

logger = logging.getLogger(__name__)

# Elements no article body lives in.
BOILERPLATE_TAGS = ("script", "style", "noscript", "nav", "footer", "aside", "form", "iframe",
                    "button", "svg", "template")
# id/class words of theme furniture: comment forms, share bars, related-post lists, cookie banners.
BOILERPLATE_ATTR = re.compile(
    r"(^|[\s_-])(comments?|respond|reply|share|sharing|social|related|baca-?juga|read-?also|"
    r"cookie|consent|breadcrumbs?|sidebar|widget|newsletter|subscribe|advert\w*|ads?|banner|"
    r"popular|terpopuler|trending|tags?|author-box|menu|navbar|navigation|footer|pagination|"
    r"paging|halaman|page-?nav|pagenav)"
    r"($|[\s_-])", re.I)
# Paragraph-level furniture that themes put inside the article body itself.
BOILERPLATE_TEXT = re.compile(
    r"^\s*(baca\s+juga|lihat\s+juga|simak\s+juga|tinggalkan\s+komentar|silakan\s+masukkan|"
    r"bagikan\s*(artikel|berita)?\s*:|share\s*:|editor\s*:|copyright|©|"
    r"halaman\s*:?\s*\d+(\s+\d+)*\s*(selanjutnya|berikutnya)?\s*$|(tampilkan|lihat)\s+semua\s*$)",
    re.I)
ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "blogposting",
                 "analysisnewsarticle", "opinionnewsarticle"}
# Below this many characters a page without article markup is taken for a listing or a stub.
MIN_TEXT_CHARS = 250
# A page with this many headline-length links, or this many inside headings, is a listing.
LISTING_MIN_HEADLINES = 4
LISTING_MIN_HEADING_LINKS = 2
HEADLINE_MIN_CHARS = 25
# Charset labels servers often get wrong, as Python codec names (see decode_page).
LABELS_OFTEN_WRONG = ("utf-8", "latin-1", "iso8859-1", "cp1252", "ascii")
# " | Site name" or " - Site name" at the end of a <title>.
TITLE_SITE_SUFFIX = re.compile(r"\s+[|\-–—]\s+[^|\-–—]+$")


@dataclass
class ArticleFields:
    """What one HTML page yields."""

    url: str
    canonical_url: str | None
    title: str | None
    published: str | None  # ISO 8601, with offset when the page gives a time
    author: str | None
    section: str | None
    language: str | None
    description: str | None
    text: str
    is_article: bool
    page_links: list[str] = field(default_factory=list)  # pages 2..N of a paged article
    listing_newest: str | None = None  # newest date written on a non-article page

    def as_dict(self) -> dict:
        return asdict(self)


def decode_page(body: bytes, declared: str | None) -> str:
    """The page's text when its declared charset may be wrong (Scrapy trusts the label).

    Servers label UTF-8 pages ISO-8859-1 and windows-1252 pages UTF-8. Bytes that decode as
    UTF-8 are UTF-8 (cp1252 text almost never forms valid multi-byte sequences); bytes that
    do not are taken as windows-1252. Other labels (gbk, shift_jis ...) are trusted.

    Args:
        body: the raw response body.
        declared: the encoding Scrapy settled on (header, meta tag or detection).

    Returns:
        The decoded page.
    """
    try:
        name = codecs.lookup(declared).name if declared else "cp1252"
    except LookupError:
        name = "cp1252"
    if name not in LABELS_OFTEN_WRONG:
        return body.decode(name, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        # latin-1's 0x80-0x9F are control codes no page means; cp1252 has quotes and dashes there
        return body.decode("cp1252", errors="replace")


def prune_boilerplate(soup: BeautifulSoup) -> BeautifulSoup:
    """Remove theme furniture in place: trafilatura alone lets comment forms, 'Baca Juga' in."""
    for tag in soup(BOILERPLATE_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed or tag.name in ("html", "body", "article", "main"):
            continue
        attrs = " ".join([tag.get("id") or "", *(tag.get("class") or [])])
        if attrs.strip() and BOILERPLATE_ATTR.search(attrs):
            tag.decompose()
    for tag in soup.find_all(["p", "div", "li", "h2", "h3", "h4", "strong", "span"]):
        if not tag.decomposed and BOILERPLATE_TEXT.match(tag.get_text(" ", strip=True)):
            tag.decompose()
    return soup


def _json_ld_articles(soup: BeautifulSoup) -> list[dict]:
    """Every schema.org Article-like object in the page's JSON-LD (also inside @graph)."""
    found = []
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except (json.JSONDecodeError, TypeError):
            continue  # broken JSON-LD is common; the meta tags still work
        stack = data if isinstance(data, list) else [data]
        while stack:
            obj = stack.pop()
            if isinstance(obj, list):
                stack.extend(obj)
            elif isinstance(obj, dict):
                stack.extend(obj.get("@graph") or [])
                types = obj.get("@type")
                types = types if isinstance(types, list) else [types]
                if any(str(t).lower() in ARTICLE_TYPES for t in types):
                    found.append(obj)
    return found


def _ld_author(obj: dict) -> str | None:
    author = obj.get("author")
    authors = author if isinstance(author, list) else [author]
    names = [a.get("name") if isinstance(a, dict) else a for a in authors]
    names = [n.strip() for n in names if isinstance(n, str) and n.strip()]
    return ", ".join(names) or None


def _meta(soup: BeautifulSoup, *keys: str) -> str | None:
    for key in keys:
        tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
        if tag and tag.get("content", "").strip():
            return tag["content"].strip()
    return None


def _page_title(soup: BeautifulSoup) -> str | None:
    """The headline without markup for it: the <h1> that <title> repeats, else <title> minus
    the site name ("Judul | Kantor Imigrasi Mataram")."""
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for h in soup.find_all(["h1", "h2"]):
        text = h.get_text(" ", strip=True)
        if len(text) >= HEADLINE_MIN_CHARS and title.startswith(text):
            return text
    return TITLE_SITE_SUFFIX.sub("", title).strip() or None


def _text(doc_text: str | None, title: str | None) -> str:
    """trafilatura's lines as paragraphs separated by blank lines, minus a repeated headline."""
    lines = [ln.strip() for ln in (doc_text or "").splitlines() if ln.strip()]
    if lines and title and lines[0].strip().lower() == title.strip().lower():
        lines = lines[1:]
    lines = [ln for ln in lines if not BOILERPLATE_TEXT.match(ln)]
    return "\n\n".join(lines)


def extract_article(html: str, url: str, reference: datetime | None = None) -> ArticleFields:
    """Extract an article's fields from its HTML.

    Args:
        html: the page, already decoded to text.
        url: the URL it was fetched from (resolves relative canonical links).
        reference: when the page was fetched, for "2 jam yang lalu" and dates without a year.

    Returns:
        ArticleFields; `is_article` is False for listings, stubs and pages without a body.
    """
    soup = BeautifulSoup(html, "lxml")
    ld = _json_ld_articles(soup)
    ld0 = ld[0] if ld else {}
    canonical = soup.find("link", rel="canonical")
    canonical_url = (canonical.get("href") if canonical else None) or _meta(soup, "og:url")
    title = (ld0.get("headline") or _meta(soup, "og:title", "twitter:title")
             or _page_title(soup))
    published_raw = (ld0.get("datePublished") or _meta(
        soup, "article:published_time", "pubdate", "publishdate", "date", "dc.date",
        "DC.date.issued"))
    time_tag = soup.find("time")
    if not published_raw and time_tag:
        published_raw = time_tag.get("datetime") or time_tag.get_text(" ", strip=True)
    author = _ld_author(ld0) or _meta(soup, "author", "article:author")
    section = ld0.get("articleSection") or _meta(soup, "article:section")
    if isinstance(section, list):
        section = section[0] if section else None
    html_tag = soup.find("html")
    language = ld0.get("inLanguage") or (html_tag.get("lang") if html_tag else None)
    description = _meta(soup, "description", "og:description")
    og_type = (_meta(soup, "og:type") or "").lower()

    # Bylines with the date often sit in theme furniture that pruning removes: read them first.
    page_text = soup.body.get_text(" ", strip=True) if soup.body else ""
    page_links = article_page_links(soup, url)
    pruned_soup = prune_boilerplate(soup)
    headline_links = [a for a in pruned_soup.find_all("a")
                      if len(a.get_text(" ", strip=True)) >= HEADLINE_MIN_CHARS]
    heading_links = [a for a in headline_links if a.find_parent(["h1", "h2", "h3", "h4"])]
    is_listing = (len(headline_links) >= LISTING_MIN_HEADLINES
                  or len(heading_links) >= LISTING_MIN_HEADING_LINKS)
    pruned = str(pruned_soup)
    doc = trafilatura.bare_extraction(pruned, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True)
    doc_text = doc.text if doc is not None else None
    if doc is not None:
        title = title or doc.title
        author = author or doc.author
    # Markup first, then an Indonesian date written in the page, then htmldate's guess.
    published = normalise_date(published_raw, page_text=page_text, reference=reference)
    if published is None and doc is not None and doc.date:
        published = normalise_date(doc.date)
    text = _text(doc_text, title)
    is_article = bool(text) and (bool(ld) or og_type == "article" or (
        published is not None and len(text) >= MIN_TEXT_CHARS
        and not is_listing))
    return ArticleFields(
        url=url,
        canonical_url=urljoin(url, canonical_url) if canonical_url else None,
        title=title.strip() if isinstance(title, str) else None,
        published=published,
        author=author,
        section=section,
        language=(language or "").split("-")[0].lower() or None,
        description=description,
        text=text,
        is_article=is_article,
        page_links=page_links if is_article else [],
        listing_newest=None if is_article else max(all_dates_in_text(page_text), default=None),
    )
