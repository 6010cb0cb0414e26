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
match instead of each matching article's row (data/datasette/plugins/pantau_counts.py). For the
terms in over 5% of the articles even that is ~1 s a page at 1,000,000 articles, so their outlet
and year counts are kept with the summaries (refresh_search_facets, schema.SEARCH_FACETS).

Over 400 lines: one index and what is kept beside it (stems, keys, the common terms' counts),
all built on the same stemming and query expansion; split, each part would import the others.
"""

from __future__ import annotations

import json
import logging
import re
from functools import lru_cache

from pipelines.schema import (
    KEYS_TABLE,
    KEYS_TRIGGERS,
    SEARCH_COLUMNS,
    SEARCH_FACET_TERMS,
    SEARCH_FACETS,
    SEARCH_FACETS_DIRTY,
    SEARCH_FACETS_UPTO,
    SEARCH_TABLE,
    STEMS_TABLE,
    create_search_facets,
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



# --- Facet counts of common search terms (schema.SEARCH_FACETS) -------------------------------
# A term gets its outlet and year counts precomputed when it matches more than this share of
# the articles: below it a search page's facets read few enough keys (5% of 1,000,000 articles,
# ~35 ms) to count them per request.
FACET_TERMS_ABOVE_SHARE = 0.05
# Articles whose words are read to find the candidate terms (spread evenly over the rowids);
# each candidate is then counted exactly in the index. A term seen in at most
# FACET_SAMPLE_MARGIN times the share in the sample is left out (sampling noise aside, it
# matches too few articles).
FACET_SAMPLE = 2000
FACET_SAMPLE_MARGIN = 0.8
# At most this many terms, the most frequent first: a full count reads every match of every
# term (~0.4 s per term in 95% of 1,000,000 articles), done once after a bulk load or a change
# to an article counted already; a daily update only adds the new articles (~1 ms per term).
FACET_TERMS_MAX = 64
# More articles added than this share of those counted (a bulk load, a first run): the terms
# are chosen again and everything counted, as the words common in the archive may have changed.
FACET_RECOUNT_ABOVE_SHARE = 0.1


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Sastrawi's Indonesian stop words ("yang", "dan", ...): nobody searches for them, and
    counting their facets would cost the most of all."""
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    return frozenset(StopWordRemoverFactory().get_stop_words())


def facet_term(query: str) -> str | None:
    """The stem group a search's FTS5 expression (fts_query) looks up, when it is one word:
    `"paspor"` -> paspor, `(("kepasporan" OR "paspor"))` -> paspor (the stem of the word); None
    for anything else. Both match the same articles once every article is stemmed."""
    if m := re.fullmatch(r'"([^\W\d_]+)"', query):
        return m[1]
    # fts_query parenthesises a term with OR once more: (("kepasporan" OR "paspor")).
    inner = query[1:-1] if query.startswith("((") and query.endswith("))") else query
    m = re.fullmatch(r'\("([^\W\d_]+)" OR "([^\W\d_]+)"\)', inner)
    if m and len(m[1]) >= MIN_AFFIXED_LENGTH and stem(m[1]) == m[2]:
        return m[2]
    return None


def _candidate_terms(db, articles: int, last: int) -> list[str]:
    """Stem groups seen in more than FACET_TERMS_ABOVE_SHARE (with FACET_SAMPLE_MARGIN) of a
    sample of the articles, stop words left out, most frequent first."""
    step = max(1, last // FACET_SAMPLE)
    rows = db.execute("select title, text from articles where rowid in "
                      "(select value from json_each(?))",
                      [json.dumps(list(range(step, last + 1, step)))]).fetchall()
    seen: dict[str, int] = {}
    for title, text in rows:
        for word in set(WORD.findall(f"{title or ''} {text or ''}".lower())):
            term = stem(word) if len(word) >= MIN_AFFIXED_LENGTH else word
            seen[term] = seen.get(term, 0) + 1
    floor = FACET_TERMS_ABOVE_SHARE * FACET_SAMPLE_MARGIN * len(rows)
    stop = stop_words()
    return sorted((t for t, n in seen.items() if n > floor and t not in stop),
                  key=lambda t: (-seen[t], t))


def search_facets_stale(db) -> bool:
    """Whether refresh_search_facets has anything to do: no counts yet (a database from
    before them), articles stored since, or a counted article changed."""
    names = {r[0] for r in db.execute(
        "select name from sqlite_master where name in (?, ?, ?)",
        [SEARCH_FACETS, SEARCH_FACET_TERMS, SEARCH_FACETS_DIRTY])}
    if len(names) < 3:
        return True
    upto = db.execute("select cast(value as integer) from meta where key = ?",
                      [SEARCH_FACETS_UPTO]).fetchone()
    last = db.execute("select coalesce(max(rowid), 0) from articles").fetchone()[0]
    return upto is None or upto[0] != last or \
        db.execute(f"select exists (select 1 from {SEARCH_FACETS_DIRTY})").fetchone()[0] == 1


def refresh_search_facets(db) -> None:
    """Bring SEARCH_FACETS up to date (inside the caller's transaction): add the articles
    stored since the last refresh, or, after a change to one counted already (noted by
    triggers) or without a count yet, choose the terms again and count everything."""
    fresh = create_search_facets(db)
    upto = db.execute("select cast(value as integer) from meta where key = ?",
                      [SEARCH_FACETS_UPTO]).fetchone()
    dirty = db.execute(f"select count(*) from {SEARCH_FACETS_DIRTY}").fetchone()[0]
    articles, last = db.execute("select count(*), coalesce(max(rowid), 0) from articles"
                                ).fetchone()
    count = (f"select ?, k.year, k.source, count(*) from {SEARCH_TABLE} f "
             f"join {KEYS_TABLE} k on k.id = f.rowid "
             f"where {SEARCH_TABLE} match ? and f.rowid > ? group by k.year, k.source")
    counted = upto[0] if upto and upto[0] is not None else None
    if fresh or dirty or counted is None or counted > last \
            or last - counted > FACET_RECOUNT_ABOVE_SHARE * counted:
        db.execute(f"delete from {SEARCH_FACETS}")
        db.execute(f"delete from {SEARCH_FACET_TERMS}")
        terms = []
        for term in _candidate_terms(db, articles, last) if articles else []:
            matches = db.execute(f"select count(*) from {SEARCH_TABLE} where {SEARCH_TABLE} "
                                 "match ?", [f'"{term}"']).fetchone()[0]
            if matches > FACET_TERMS_ABOVE_SHARE * articles:
                terms.append((term, matches))
            if len(terms) == FACET_TERMS_MAX:
                break
        db.conn.executemany(f"insert into {SEARCH_FACET_TERMS}(term, matches) values (?, ?)",
                            terms)
        since = 0
    else:
        terms = db.execute(f"select term, null from {SEARCH_FACET_TERMS}").fetchall()
        since = counted
    if since < last:
        for term, _ in terms:
            rows = db.execute(count, [term, f'"{term}"', since]).fetchall()
            if since:  # add to the counts there are
                db.conn.executemany(
                    f"update {SEARCH_FACETS} set articles = articles + ? where term = ? "
                    "and year is ? and source is ?",
                    [(n, t, y, s) for t, y, s, n in rows])
                db.conn.executemany(
                    f"insert into {SEARCH_FACETS}(term, year, source, articles) select ?, ?, ?, ? "
                    f"where not exists (select 1 from {SEARCH_FACETS} where term = ? "
                    "and year is ? and source is ?)",
                    [(t, y, s, n, t, y, s) for t, y, s, n in rows])
            else:
                db.conn.executemany(f"insert into {SEARCH_FACETS}(term, year, source, articles) "
                                    "values (?, ?, ?, ?)", rows)
        db.execute(f"update {SEARCH_FACET_TERMS} set matches = (select coalesce(sum(articles), 0) "
                   f"from {SEARCH_FACETS} f where f.term = {SEARCH_FACET_TERMS}.term)")
    db.execute(f"delete from {SEARCH_FACETS_DIRTY}")
    db.execute("insert into meta(key, value) values (?, ?) on conflict(key) do update set "
               "value = excluded.value", [SEARCH_FACETS_UPTO, str(last)])
