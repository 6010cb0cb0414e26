"""The articles' full-text index: words plus their Indonesian stems, so search understands affixes.

One FTS5 table, `articles_fts` (unicode61: one token, one posting list), holds for every article
its title, its text and the Sastrawi stems of its words that carry an affix. A search for
"deportasi" then matches "dideportasi" and "mendeportasi", and "paspor" matches "kepasporan",
at the cost of one posting list per query word. It replaces a trigram index that understood
affixes by matching parts of words: four times the size of the text, and a common word
intersected a dozen posting lists of tens of thousands of rows each (benchmarks/README.md).

The index stores no text (FTS5 contentless): the title and text are read from `articles` and
the stems from `articles_fts_stems` by triggers, so a write to either table through any
connection, not only Pantau's, keeps the index consistent. Stems need Python (Sastrawi), so
pipelines.store.store_article writes them; an article inserted by other code is indexed
without stems until the next open_db() adds them. The index's tables and triggers are defined
in pipelines/schema.py; pipelines/db.py calls ensure_search_index() on every open.

Beside the index, `articles_fts_keys` holds each article's year and outlet under its rowid, kept
equal to `articles` by triggers too: a search page counts its facets from these few bytes per
match instead of each matching article's row (data/datasette/plugins/pantau_counts.py).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from pipelines.schema import (
    KEYS_TABLE,
    KEYS_TRIGGERS,
    SEARCH_COLUMNS,
    SEARCH_TABLE,
    STEMS_TABLE,
    create_search_tables,
    create_search_triggers,
    drop_search_index,
    rebuild_search_keys,
)

logger = logging.getLogger(__name__)

# The words the FTS5 unicode61 tokenizer indexes (runs of letters and digits, case-folded);
# digits and underscores are left out here because a number has no affix to strip.
WORD = re.compile(r"[^\W\d_]+")
# Sastrawi returns words of three letters or fewer unchanged.
MIN_AFFIXED_LENGTH = 4
# Distinct words in a large news archive; a cache miss costs ~0.15 ms, a hit well under 1 µs.
STEM_CACHE_WORDS = 1 << 18
# Articles read, stemmed and indexed per step of a (re)build.
BUILD_BATCH = 2000
# Above this many articles a build says what it is doing (about 1 s per 2,000 articles).
ANNOUNCE_ABOVE = 20_000

# Insert an article's stems, or replace them (an upsert fires the update trigger; INSERT OR
# REPLACE would delete without firing the delete trigger and leave the index inconsistent).
UPSERT_STEMS_SQL = (f"insert into {STEMS_TABLE}(article_id, stems) values (?, ?) "
                    "on conflict(article_id) do update set stems = excluded.stems "
                    "where stems is not excluded.stems")


@lru_cache(maxsize=1)
def _stemmer():
    """Sastrawi's stemmer over its root-word dictionary, loaded on first use.

    Sastrawi 1.0.1 keeps the ~30,000 root words in a list and looks each candidate up with
    `in`, ~75 ms per new word (har07/PySastrawi#7, fix never released); the same words in a
    frozenset make it ~0.15 ms. The stemming rules are Sastrawi's, unchanged.
    """
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    class SetDictionary(ArrayDictionary):
        """ArrayDictionary with set membership instead of a list scan."""

        def __init__(self, words):
            super().__init__()
            self.words = frozenset(w for w in words if w.strip())

    return Stemmer(SetDictionary(StemmerFactory().get_words()))


@lru_cache(maxsize=STEM_CACHE_WORDS)
def stem(word: str) -> str:
    """The root of one lower-case Indonesian word: "dideportasi" -> "deportasi".

    Cached per word: a vocabulary repeats from article to article, and Sastrawi tries every
    prefix and suffix combination against its dictionary on each call.
    """
    return _stemmer().stem_word(word)


def stems(*texts: str | None) -> str:
    """The stems of the words of `texts` that differ from the words themselves.

    Indexed in their own column beside the title and text, so the words themselves and
    phrases stay searchable as written.

    Args:
        texts: title, text ... (None is skipped).

    Returns:
        The distinct stems, sorted, separated by spaces ("" when no word has an affix).
    """
    words = set(WORD.findall(" ".join(t for t in texts if t).lower()))
    found = {s for w in words if len(w) >= MIN_AFFIXED_LENGTH and (s := stem(w)) and s != w}
    return " ".join(sorted(found))


def write_stems(db, article_id: str, title: str | None, text: str | None) -> None:
    """Store an article's stems (inside the caller's transaction); the triggers re-index it.

    Called before the article is inserted (the insert trigger then indexes all three columns
    at once) or after its title or text changed.
    """
    db.execute(UPSERT_STEMS_SQL, [article_id, stems(title, text)])


def ensure_search_index(db) -> None:
    """Create the index when missing or of an older kind, and stem articles stored without.

    Runs on every open: when nothing is missing it only compares two counts.
    """
    columns = [row[1] for row in db.execute(f"pragma table_info([{SEARCH_TABLE}])")]
    if columns != SEARCH_COLUMNS:
        build_search_index(db)
        return
    articles = db.execute("select count(*) from articles").fetchone()[0]
    _ensure_keys(db, articles)
    stemmed = db.execute(f"select count(*) from {STEMS_TABLE}").fetchone()[0]
    if stemmed >= articles:
        return
    if articles - stemmed > articles // 2:
        build_search_index(db)  # from scratch: each article tokenised once instead of twice
        return
    with db.conn:
        _index(db, f"not exists (select 1 from {STEMS_TABLE} s where s.article_id = a.article_id)",
               articles - stemmed, insert=False)


def _ensure_keys(db, articles: int) -> None:
    """Build the keys table (outlet and year by rowid, schema.KEYS_TABLE) where it or one of
    its triggers is missing, or it holds another number of rows than `articles`."""
    found = {r[0] for r in db.execute("select name from sqlite_master where name in "
                                      f"({', '.join('?' * (len(KEYS_TRIGGERS) + 1))})",
                                      [KEYS_TABLE, *KEYS_TRIGGERS])}
    if found == {KEYS_TABLE, *KEYS_TRIGGERS} and \
            db.execute(f"select count(*) from {KEYS_TABLE}").fetchone()[0] == articles:
        return
    with db.conn:
        rebuild_search_keys(db)


def build_search_index(db) -> None:
    """Drop every search index (older kinds too) and index all articles, in one transaction."""
    with db.conn:
        db.execute("begin immediate")  # no article may be stored between the count and the end
        total = db.execute("select count(*) from articles").fetchone()[0]
        drop_search_index(db)
        create_search_tables(db)
        _index(db, "1", total, insert=True)
        create_search_triggers(db)


def _index(db, where: str, total: int, insert: bool) -> None:
    """Stem the articles matching `where` in rowid order, BUILD_BATCH at a time.

    Args:
        where: SQL condition on articles (alias a).
        total: how many articles match, for the progress messages.
        insert: also insert the articles into an index with no triggers yet (a build);
            otherwise the stems triggers re-index them.
    """
    if total > ANNOUNCE_ABOVE:
        logger.warning("indexing %d articles for search (words and their stems); this is "
                       "done once, after an upgrade or a bulk load", total)
    last, done, reported = -1, 0, 0
    while True:
        # Keyset pagination: each page is read whole before anything is written.
        rows = db.execute(f"select a.rowid, a.article_id, a.title, a.text from articles a "
                          f"where a.rowid > ? and {where} order by a.rowid limit {BUILD_BATCH}",
                          [last]).fetchall()
        if not rows:
            break
        found = [(article_id, stems(title, text)) for _, article_id, title, text in rows]
        if insert:
            db.conn.executemany(f"insert into {STEMS_TABLE}(article_id, stems) values (?, ?)",
                                found)
            db.conn.executemany(
                f"insert into {SEARCH_TABLE}(rowid, title, text, stems) values (?, ?, ?, ?)",
                [(rowid, title, text, s)
                 for (rowid, _, title, text), (_, s) in zip(rows, found, strict=True)])
        else:
            db.conn.executemany(UPSERT_STEMS_SQL, found)
        last, done = rows[-1][0], done + len(rows)
        if total > ANNOUNCE_ABOVE and done * 10 // total > reported:
            reported = done * 10 // total
            logger.warning("indexed %d/%d articles for search", done, total)


# A search as people type it: words, "quoted phrases" and OR between alternatives.
QUERY_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


def query_words(text: str) -> tuple[list[str], list[list[str]]]:
    """The single words and the phrases (as word lists) of a search, lower-case, OR left out."""
    words, phrases = [], []
    for phrase, token in QUERY_TOKEN.findall(text or ""):
        if phrase:
            found = WORD.findall(phrase.lower()) or re.findall(r"\w+", phrase.lower())
            if found:
                phrases.append(found)
        elif token != "OR":
            words += WORD.findall(token.lower()) or re.findall(r"\w+", token.lower())
    return words, phrases


def fts_query(text: str, stemmed: bool = True) -> str:
    """The FTS5 query for a search typed as people type it, stemmed as the index is.

    A word is looked up by its Sastrawi stem (and as written): the index holds every article's
    words as written
    and the stems of its affixed words, so the stem finds the root and every affixed form
    ("dideportasi" finds "deportasi", "dideportasi", "mendeportasi"). A "quoted phrase" must
    appear as written, word after word. OR (in capitals, as FTS5 writes it) joins the terms
    either side; terms are otherwise all required. Every term is quoted, so no character of
    the search is FTS5 syntax (AND, NOT, NEAR, *, ^, column filters are plain words here).

    Args:
        text: the search as typed.
        stemmed: look words up by their stem (a search of the whole index); False for a
            search of one column (title or text), which holds the words only as written.

    Returns:
        The FTS5 MATCH expression, "" when the search has no word.
    """
    terms: list[str] = []
    pending_or = False
    for phrase, token in QUERY_TOKEN.findall(text or ""):
        if token == "OR":
            pending_or = bool(terms)
            continue
        if phrase:
            words = WORD.findall(phrase.lower()) or re.findall(r"\w+", phrase.lower())
            term = '"' + " ".join(words) + '"' if words else ""
        else:
            words = WORD.findall(token.lower()) or re.findall(r"\w+", token.lower())
            # A token may hold several words ("e-paspor"): all required, as FTS5 would split it.
            term = " AND ".join(_query_term(w) if stemmed else f'"{w}"' for w in words)
            if len(words) > 1:
                term = f"({term})"
        if not term:
            continue
        if pending_or and terms:
            terms[-1] = f"{terms[-1]} OR {term}"
        else:
            terms.append(term)
        pending_or = False
    return " AND ".join(f"({t})" if " OR " in t else t for t in terms)


def _query_term(word: str) -> str:
    """A query word, or its stem: the word as written too, for an article stored by other code
    whose stems the next open_db() adds (ensure_search_index)."""
    root = stem(word) if len(word) >= MIN_AFFIXED_LENGTH and WORD.fullmatch(word) else word
    return f'"{word}"' if root == word else f'("{word}" OR "{root}")'

