"""HTML to article fields: title, date, author, section, language, canonical URL, clean text.

Over 400 lines: one owner of page extraction (trafilatura's result, the guarded furniture
rules, metadata and article detection) over a single parsed tree.
"""

from __future__ import annotations

import codecs
import json
import logging
import re
import tomllib
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import trafilatura
from htmldate import find_date
from lxml import etree
from lxml.etree import XPath
from lxml.html import HtmlElement, HTMLParser, document_fromstring
from trafilatura.metadata import extract_title
from trafilatura.settings import set_date_params, use_config
from trafilatura.utils import load_html

from crawler.dates import all_dates_in_text, normalise_date
from crawler.discovery import article_page_links_in

logger = logging.getLogger(__name__)

# Theme furniture as data (class/id tokens, furniture lines): see the file's own comments.
FURNITURE = tomllib.loads((Path(__file__).with_name("furniture.toml")).read_text("utf-8"))
FURNITURE_TOKENS = frozenset(FURNITURE["blocks"]["tokens"])
FURNITURE_LINE = re.compile("|".join(f"(?:{p})" for p in FURNITURE["lines"]["patterns"]), re.I)
# A furniture block is never removed when it holds this share of the page's text or more: it is
# then the article's container whatever its class says (Blogger's "widget Blog" post, a body
# classed "pagination-first", a <form> around the whole page).
GUARD_SHARE = 0.5
# A "Baca juga:" label alone, the list of links after it being the furniture.
READ_ALSO_LABEL = re.compile(r"^\s*(baca|lihat|simak)\s+(juga|pula)\s*:?\s*$", re.I)
ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "blogposting",
                 "analysisnewsarticle", "opinionnewsarticle", "backgroundnewsarticle",
                 "reviewnewsarticle", "report", "liveblogposting", "socialmediaposting"}
# JSON-LD or og:type of pages that are not articles: profiles, listings, search results.
NOT_ARTICLE_TYPES = {"profilepage", "person", "collectionpage", "searchresultspage",
                     "itemlist", "profile", "website", "webpage"}
# Paths of listings, tag and section pages, author profiles and search results.
LISTING_PATH = re.compile(
    r"/(tag|tags|topik|topic|kategori|category|categories|author|penulis|profil|profile|"
    r"search|cari|indeks|index|arsip|archive|page|halaman|label)(/|$)|^/?$", re.I)
# Paths of articles: a date, a long slug or a numeric id.
ARTICLE_PATH = re.compile(r"/(19|20)\d\d[/-]\d\d?[/-]|[a-z0-9]+(-[a-z0-9]+){3,}|/\d{5,}", re.I)
# trafilatura replaces a main text under MIN_EXTRACTED_SIZE characters (250) by its baseline's
# dump of the whole <article> (headline, byline, share bar in one line); a three-sentence news
# brief is shorter than that. For such a one-line result the brief's own paragraphs are asked
# for again with this lower floor (see _body).
SHORT_CONFIG = use_config()
SHORT_CONFIG.set("DEFAULT", "MIN_EXTRACTED_SIZE", "150")
BASELINE_DUMP_CHARS = 250
# The share of a marked article's text the main extractor must return to be taken alone.
MARKED_SHARE = 0.7
MARKED_PAGE_SHARE = 0.25
ARTICLE_MARKUP = XPath("//*[@itemprop='articleBody' or self::article]")
# Below this many characters a page with no other article signal is a listing or a stub.
MIN_TEXT_CHARS = 250
# A short text (a news brief) is an article only with article markup and a date.
MIN_BRIEF_CHARS = 80
# A page with this many headline-length links, or this many inside headings, is a listing.
LISTING_MIN_HEADLINES = 4
LISTING_MIN_HEADING_LINKS = 2
HEADLINE_MIN_CHARS = 25
# A line this much longer than the author's name and naming them is a byline, not a paragraph.
BYLINE_EXTRA_CHARS = 40
# Charset labels servers often get wrong, as Python codec names (see decode_page).
LABELS_OFTEN_WRONG = ("utf-8", "latin-1", "iso8859-1", "cp1252", "ascii")
# " | Site name" or " - Site name" at the end of a <title>.
TITLE_SITE_SUFFIX = re.compile(r"\s+[|\-–—]\s+[^|\-–—]+$")
NOT_TEXT = ("script", "style", "template")


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
        pass
    # A UTF-8 page with a few stray bytes (a pasted snippet) is still UTF-8; in cp1252 text
    # nearly every non-ASCII byte is an invalid UTF-8 sequence.
    text = body.decode("utf-8", errors="replace")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    if text.count("\ufffd") * 10 < non_ascii:
        return text
    # latin-1's 0x80-0x9F are control codes no page means; cp1252 has quotes and dashes there
    return body.decode("cp1252", errors="replace")


def _text_of(el) -> str:
    """An element's text, its strings stripped and joined by spaces (as BeautifulSoup's
    get_text(" ", strip=True)), without scripts and styles."""
    parts = []
    for node in el.iter():
        if node.tag in NOT_TEXT or not isinstance(node.tag, str):
            if node is not el and node.tail and node.tail.strip():
                parts.append(node.tail.strip())
            continue
        if node.text and node.text.strip():
            parts.append(node.text.strip())
        if node is not el and node.tail and node.tail.strip():
            parts.append(node.tail.strip())
    return " ".join(parts)


# Strings that may be a "Baca juga" label (XPath: the test runs in libxml2).
READ_ALSO_WORDS = ("juga", "Juga", "JUGA", "pula", "Pula")
READ_ALSO_STRINGS = XPath(".//text()[" + " or ".join(f"contains(., '{w}')" for w in READ_ALSO_WORDS)
                          + "]")
# Elements (the body too) with a class or an id, in page order. (Elements, not the attribute
# strings: lxml makes a Python string with a link to its element of each one an XPath returns.)
CLASSED = XPath("descendant-or-self::*[@class or @id]")
# A page's strings; links whose text is a number; links as long as a headline.
STRINGS = XPath(".//text()", smart_strings=False)
NUMBER_LINKS = XPath(".//a[@href][normalize-space(.) != '']"
                     "[translate(normalize-space(.), '0123456789', '') = '']")
ARTICLE_INSIDE = XPath(".//article|.//main|.//*[@itemprop='articleBody']")
OUTER_TABLES = XPath(".//table[not(ancestor::table)]")
HEADINGS = XPath("//h1|//h2")
LINKS_WITH_HREF = XPath("//*[self::link or self::a][@href]")
ANCHORS = XPath("//a[@href]")
UTF8_PARSER = HTMLParser(encoding="utf-8")
HEADLINE_LINKS = XPath(f".//a[string-length(normalize-space(.)) >= {HEADLINE_MIN_CHARS}]")


def page_links(html: str) -> tuple[list[str], list[tuple[str, str, str]]]:
    """A page's links as a listing needs them: the hrefs of <link>s and <a>s with rel="next",
    and the (text, class, href) of every <a href>, in page order; texts and classes as
    BeautifulSoup gives them (strings stripped and joined by spaces, class tokens by one).

    lxml, not BeautifulSoup: it parses a listing page about ten times faster.
    """
    if not html or not html.strip():
        return [], []
    tree = load_html(html)
    if tree is None:  # trafilatura turns down a bare fragment; its links are still links
        try:
            tree = document_fromstring(html.encode("utf-8"), parser=UTF8_PARSER)
        except etree.ParserError:
            return [], []
    rel_next = [el.get("href") for el in LINKS_WITH_HREF(tree)
                if "next" in (el.get("rel") or "").split()]
    anchors = [(_text_of(a), " ".join((a.get("class") or "").split()), a.get("href"))
               for a in ANCHORS(tree)]
    return rel_next, anchors


def _page_text(tree: HtmlElement) -> str:
    """The page's strings outside scripts and styles, whitespace normalised."""
    body = tree.find(".//body")
    # Strings joined by a space, as a reader sees them ("Ambon" and "15 Maret" apart).
    return " ".join(" ".join(STRINGS(body)).split()) if body is not None else ""


def _holds_article(el) -> bool:
    """Whether an element is or holds the page's article markup."""
    return el.tag in ("article", "main") or bool(ARTICLE_INSIDE(el))


def _furniture_blocks(body: HtmlElement) -> list[HtmlElement]:
    """The elements (body included) whose class or id has a furniture token, in page order."""
    return [el for el in CLASSED(body) if not FURNITURE_TOKENS.isdisjoint(
        f"{el.get('class') or ''} {el.get('id') or ''}".lower().split())]


def prune_boilerplate(tree: HtmlElement) -> HtmlElement:
    """Remove theme furniture in place: the blocks the vocabulary names (furniture.toml).

    trafilatura alone lets comment forms, share bars and "Baca Juga" boxes into short posts.
    Class and id tokens match whole. A block holding most of the page's text or the article's
    own markup is kept whatever its name: no rule here can remove the main text.
    """
    body = tree.find(".//body")
    if body is None:
        return tree
    body_text = body.text_content()
    total = len(body_text)
    removed = set()
    for el in _furniture_blocks(body):
        if el.tag in ("article", "main") or el in removed:
            continue
        if any(a in removed for a in el.iterancestors()):
            continue
        if len(el.text_content()) >= GUARD_SHARE * total or _holds_article(el):
            continue
        removed.add(el)
        _drop(el)
    # A layout table (old portals: the whole page in table cells) becomes plain blocks, so its
    # menu cell and its body cells are judged as blocks, not rendered as one table row.
    for table in OUTER_TABLES(body):
        if (len(table.text_content()) >= GUARD_SHARE * total
                and table.find(".//p") is not None):
            for el in [table, *table.xpath("./tbody|./thead|./tfoot")]:
                for row in [el, *el.xpath("./tr")]:
                    for cell in row.xpath("./td|./th"):
                        cell.tag = "div"
                    row.tag = "div"
    # A "Baca juga:" label alone: the list of links that follows it is furniture too. (The
    # XPath tests every string of the page; a page whose text has none of the words has no
    # label, so it is not run there.)
    if not any(word in body_text for word in READ_ALSO_WORDS):
        return tree
    for string in READ_ALSO_STRINGS(body):
        el = string.getparent()
        if not (string.is_text and READ_ALSO_LABEL.match(string)
                and READ_ALSO_LABEL.match(el.text_content())):
            continue
        while el.getnext() is None and el.getparent() is not None and READ_ALSO_LABEL.match(
                el.getparent().text_content()):
            el = el.getparent()
        following = el.getnext()
        if following is not None and following.tag in ("ul", "ol"):
            _drop(following)
    return tree


def _drop(el) -> None:
    """Remove an element but keep the text that follows it (lxml keeps it in the tail)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail and el.tail.strip():
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _json_ld(scripts: list[HtmlElement]) -> tuple[list[dict], set[str]]:
    """Every schema.org Article-like object in the page's JSON-LD scripts (also inside
    @graph), and every @type the JSON-LD names (lower case)."""
    found, types_seen = [], set()
    for script in scripts:
        try:
            data = json.loads(script.text or "")
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
                types = {str(t).lower() for t in (types if isinstance(types, list) else [types])}
                types_seen |= types
                if types & ARTICLE_TYPES:
                    found.append(obj)
    return found, types_seen


def _ld_author(obj: dict) -> str | None:
    author = obj.get("author")
    authors = author if isinstance(author, list) else [author]
    names = [a.get("name") if isinstance(a, dict) else a for a in authors]
    names = [n.strip() for n in names if isinstance(n, str) and n.strip()]
    return ", ".join(names) or None


def _metas(tree: HtmlElement) -> dict[str, str]:
    """<meta> contents by property, else name: the first non-empty one of each."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = (meta.get("content") or "").strip()
        if not content:
            continue
        for key in (meta.get("property"), meta.get("name")):
            if key and key not in found:
                found[key] = content
    return found


def _meta(metas: dict[str, str], *keys: str) -> str | None:
    return next((metas[k] for k in keys if k in metas), None)


def _page_title(tree: HtmlElement) -> str | None:
    """The headline without markup for it: the <h1> that <title> repeats, else <title> minus
    the site name ("Judul | Kantor Imigrasi Mataram")."""
    title_el = tree.find(".//title")
    title = _text_of(title_el) if title_el is not None else ""
    for h in HEADINGS(tree):
        text = _text_of(h)
        if len(text) >= HEADLINE_MIN_CHARS and title.startswith(text):
            return text
    return TITLE_SITE_SUFFIX.sub("", title).strip() or None


def _text(doc_text: str | None, title: str | None, author: str | None = None) -> str:
    """trafilatura's lines as paragraphs separated by blank lines, minus a repeated headline,
    a byline (a short line naming the author the markup gives) and the furniture lines of the
    vocabulary."""
    # NFC, as trafilatura.extract returns its text (bare_extraction does not).
    doc_text = unicodedata.normalize("NFC", doc_text or "")
    lines = [ln.strip() for ln in doc_text.splitlines() if ln.strip()]
    if lines and title and lines[0].strip().lower() == title.strip().lower():
        lines = lines[1:]
    lines = [ln for ln in lines if not FURNITURE_LINE.match(ln)]
    if author and author.strip():
        name = author.strip().lower()
        lines = [ln for ln in lines
                 if not (len(ln) <= len(name) + BYLINE_EXTRA_CHARS and name in ln.lower())]
    return "\n\n".join(lines)


def _is_listing(tree: HtmlElement, text: str) -> bool:
    """Whether the page's main text, as trafilatura judged it, is a list of headline links:
    many headline-length links, or several inside headings, whose text is in the main text.
    (Related-post lists and menus around an article are not in its main text.)"""
    headline_links = heading_links = 0
    flat = " ".join(text.split())
    if len(flat) < HEADLINE_MIN_CHARS * LISTING_MIN_HEADING_LINKS:
        return False
    for a in HEADLINE_LINKS(tree):
        if " ".join(a.text_content().split()) not in flat:
            continue
        headline_links += 1
        heading_links += any(p.tag in ("h1", "h2", "h3", "h4") for p in a.iterancestors())
    return (headline_links >= LISTING_MIN_HEADLINES
            or heading_links >= LISTING_MIN_HEADING_LINKS)


def is_article_page(*, text: str, ld: bool, types: set[str], og_type: str, markup: bool,
                    published: bool, headline: bool, url: str, listing: bool) -> bool:
    """Whether a page is one article, from all its signals together.

    Args:
        text: the extracted body.
        ld: JSON-LD names an Article type (NewsArticle, BlogPosting ...).
        types: every JSON-LD @type of the page (ProfilePage, CollectionPage ... say "not").
        og_type: the page's og:type.
        markup: one <article> element or an itemprop=articleBody.
        published: a publication date in markup or in the page.
        headline: an <h1> that the page's title repeats.
        url: the page's URL (listing, tag and profile paths against dated or slugged ones).
        listing: many headline links outside menus and sidebars.
    """
    if not text:
        return False
    if ld or og_type == "article":
        return True  # the outlet says so
    path = urlsplit(url).path
    not_article = (bool(types & NOT_ARTICLE_TYPES) or og_type in NOT_ARTICLE_TYPES
                   or og_type == "profile" or bool(LISTING_PATH.search(path)))
    if listing or (not_article and not ARTICLE_PATH.search(path)):
        return False
    if not published:
        return False
    if len(text) >= MIN_TEXT_CHARS:
        return True
    # A news brief: short, but dated, in article markup under its own headline.
    return len(text) >= MIN_BRIEF_CHARS and markup and (headline or bool(ARTICLE_PATH.search(path)))


def _body(tree: HtmlElement, url: str, marked: HtmlElement | None = None) -> str | None:
    """trafilatura's main text (its own settings; tables, fallback extractors on).

    Where the page marks its article (one <article>, or itemprop=articleBody) and trafilatura's
    main extractor alone returns most of that element's text, its fallback extractors
    (readability, jusText: over half of its time) have nothing to add and are not run.
    """
    text = None
    body = tree.find(".//body")
    marked_chars = len(marked.text_content().strip()) if marked is not None else 0
    # The marked element must be in the page still and hold a good part of it (not a teaser
    # box), and the main extractor must return about its text (not much less, not the page
    # around it).
    if (marked_chars and body is not None and marked.getroottree().getroot() is tree
            and marked_chars >= MARKED_PAGE_SHARE * len(body.text_content().strip())):
        doc = trafilatura.bare_extraction(tree, url=url, include_comments=False,
                                          include_tables=True, fast=True)
        text = doc.text if doc is not None else None
        if not text or not MARKED_SHARE <= len(text) / marked_chars <= 1 / MARKED_SHARE:
            text = None
    if text is None:
        doc = trafilatura.bare_extraction(tree, url=url, include_comments=False,
                                          include_tables=True)
        text = doc.text if doc is not None else None
    if text and "\n" not in text.strip() and len(text) < 2 * BASELINE_DUMP_CHARS:
        # One line: perhaps the baseline's dump of a short post. Its paragraphs, when the
        # main extractor finds them all inside that line, are the post without the furniture.
        short = trafilatura.bare_extraction(tree, url=url, include_comments=False,
                                            include_tables=True, config=SHORT_CONFIG)
        lines = short.text.splitlines() if short is not None and short.text else []
        flat = " ".join(text.split())
        if len(lines) > 1 and all(" ".join(ln.split()) in flat for ln in lines):
            return short.text
    return text


def extract_article(html: str, url: str, reference: datetime | None = None) -> ArticleFields:
    """Extract an article's fields from its HTML.

    The body is trafilatura's judgement (tables and fallback extractors on) on the page minus
    the furniture blocks of furniture.toml, then minus the furniture lines; the other fields
    come from JSON-LD, meta tags and the page, with trafilatura's and htmldate's heuristics as
    the last resort.

    Args:
        html: the page, already decoded to text.
        url: the URL it was fetched from (resolves relative canonical links).
        reference: when the page was fetched, for "2 jam yang lalu" and dates without a year.

    Returns:
        ArticleFields; `is_article` is False for listings, stubs and pages without a body.
    """
    tree = load_html(html) if html and html.strip() else None
    if tree is None:
        return ArticleFields(url=url, canonical_url=None, title=None, published=None,
                             author=None, section=None, language=None, description=None,
                             text="", is_article=False)
    ld_scripts = [el for el in tree.iter("script") if el.get("type") == "application/ld+json"]
    ld, ld_types = _json_ld(ld_scripts)
    # Scripts and styles are no text: gone once here, not skipped by every step after (JSON-LD
    # stays: trafilatura reads it for forum pages and articleBody; <noscript> too: some pages
    # hold their text there).
    # (JSON-LD scripts are renamed while libxml2 strips the others in one pass, their text
    # following them kept, as _drop does.)
    for el in ld_scripts:
        el.tag = "pantau-ld-json"
    etree.strip_elements(tree, "style", "template", "script", with_tail=False)
    for el in ld_scripts:
        el.tag = "script"
    ld0 = ld[0] if ld else {}
    metas = _metas(tree)
    canonical = next((el.get("href") for el in tree.iterfind(".//link[@href]")
                      if "canonical" in (el.get("rel") or "").lower().split()), None)
    canonical_url = canonical or _meta(metas, "og:url")
    headline_el = tree.find(".//h1")
    page_title = _page_title(tree)
    title = ld0.get("headline") or _meta(metas, "og:title", "twitter:title") or page_title
    published_raw = ld0.get("datePublished") or _meta(
        metas, "article:published_time", "pubdate", "publishdate", "date", "dc.date",
        "DC.date.issued")
    if not published_raw:
        time_tag = tree.find(".//time")
        if time_tag is not None:
            published_raw = time_tag.get("datetime") or _text_of(time_tag)
    author = _ld_author(ld0) or _meta(metas, "author", "article:author")
    section = ld0.get("articleSection") or _meta(metas, "article:section")
    if isinstance(section, list):
        section = section[0] if section else None
    html_tag = tree if tree.tag == "html" else tree.find(".//html")
    language = ld0.get("inLanguage") or (html_tag.get("lang") if html_tag is not None else None)
    description = _meta(metas, "description", "og:description")
    og_type = (_meta(metas, "og:type") or "").lower()
    marked = ARTICLE_MARKUP(tree)  # itemprop=articleBody elements, else <article> ones
    marked = [el for el in marked if el.get("itemprop") == "articleBody"] or [
        el for el in marked if el.tag == "article"]
    markup = len(marked) == 1
    headline = headline_el is not None and bool(title) and (
        _text_of(headline_el).lower() in str(title).lower())

    # Markup first, then an Indonesian date written in the page, then htmldate's guess. Bylines
    # with the date often sit in theme furniture that pruning removes: read the page first.
    published = normalise_date(published_raw, reference=reference) if published_raw else None
    page_text = None
    if published is None:
        page_text = _page_text(tree)
        published = normalise_date(published_raw, page_text=page_text, reference=reference)
    page_links = article_page_links_in(
        [(a.text_content(), a.get("href")) for a in NUMBER_LINKS(tree)], url)
    prune_boilerplate(tree)
    doc_text = _body(tree, url, marked[0] if markup else None)
    # The outlet's own "article" needs no listing test (nor its cost).
    listing = not (ld or og_type == "article") and _is_listing(tree, doc_text or "")
    if not title:
        title = extract_title(tree)
    if published is None and doc_text:
        guess = find_date(tree, **set_date_params(False))
        published = normalise_date(guess) if guess else None
    text = _text(doc_text, title, author)
    is_article = is_article_page(text=text, ld=bool(ld), types=ld_types, og_type=og_type,
                                 markup=markup, published=published is not None,
                                 headline=headline, url=url, listing=listing)
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
        # (the text before pruning where the date search read it, else after)
        listing_newest=None if is_article else max(
            all_dates_in_text(page_text if page_text is not None else _page_text(tree)),
            default=None),
    )
