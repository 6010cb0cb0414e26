"""Who gave an award: "oleh Ombudsman RI", "apresiasi Bupati Lebak", or one named just before."""

from __future__ import annotations

from nlp.tokenview import TokenView
from nlp.vocabulary import load_vocabulary, match_phrase, phrase_index

# --- constants --------------------------------------------------------------------------------
VOCAB = load_vocabulary(
    "awards",
    required=("giver_head", "giver_inner", "giver_prep", "name_stop", "soft_stop", "assessment",
              "receipt_verb", "trigger_noun", "negation"),
)
GIVER_INDEX = phrase_index(VOCAB["giver_head"])
GIVER_INNER = frozenset(VOCAB["giver_inner"])
GIVER_PREPS = frozenset(VOCAB["giver_prep"])
GIVER_STOPS = frozenset(VOCAB["name_stop"]) | frozenset(VOCAB["soft_stop"])
ASSESSMENT_PREFIXES = tuple(VOCAB["assessment"])  # "penilaian", "menyerahkan", "hasil" ...
RECEIPT_VERBS = frozenset(VOCAB["receipt_verb"])
# "dinilai oleh Ombudsman, bukan dari kementerian": a giver denied is no giver
NEGATIONS = frozenset(VOCAB["negation"])
# A giver statement speaks of an award or its assessment (nouns and the assessing verbs).
AWARD_WORDS = frozenset(p.split()[0] for p in VOCAB["trigger_noun"]) | frozenset(
    {"dinilai", "menilai", "penilaian", "diberikan", "diserahkan", "predikat", "peringkat"})
CO_RECIPIENT = frozenset({"bersama", "beserta"})
RECEIPT_ADVERBS = frozenset({"berhasil", "telah", "sudah", "kembali", "juga", "pun", "akhirnya",
                             "sukses", "resmi"})
MAX_GIVER = 5  # tokens in a giver ("Ombudsman RI Perwakilan Provinsi Banten")
MAX_BEFORE_PREP = 3  # "... yang diberikan oleh X": tokens between a name and "oleh"
LOOKBACK = 3  # earlier sentences searched for the giver of an award
# How a giver was found, best first: "oleh/dari X" or "apresiasi Bupati X", the same sentence,
# an earlier sentence about the assessment. A better-found giver wins when mentions merge.
EXPLICIT, SAME_SENTENCE, EARLIER = 3, 2, 1


def head_at(words: list[str], k: int) -> int:
    """Length of a giver's head word(s) at words[k] ("ombudsman", "wali kota"); 0 if none."""
    return match_phrase(GIVER_INDEX, words, k)


def inner_dan(tv: TokenView, k: int) -> bool:
    """ "Bersih dan Melayani", "Hukum dan HAM": a capitalised "dan" phrase inside one name."""
    n = len(tv.words)
    return 0 < k < n - 1 and tv.title[k - 1] and (tv.title[k + 1] or tv.upper[k + 1])


def giver_end(tv: TokenView, g: int, length: int, limit: int) -> int:
    """End of a giver that starts with a head word: "Ombudsman RI Perwakilan Provinsi Banten"."""
    words = tv.words
    k = g + length
    while k < limit and k - g < MAX_GIVER:
        w = words[k]
        glued = tv.glued[k - 1] and tv.glued[k]
        if w == "-" and glued and k + 1 < limit and (tv.upper[k + 1] or tv.title[k + 1]):
            k += 2  # "KemenPAN-RB"
            continue
        if tv.punct[k] or tv.space[k] or w in RECEIPT_VERBS or w in AWARD_WORDS:
            break  # "Ditjen Imigrasi Menerima Penghargaan": a title-case headline goes on
        if (w in GIVER_INNER and w != "dan") or (w == "dan" and inner_dan(tv, k)):
            k += 1
        elif (tv.title[k] or tv.upper[k]) and w not in GIVER_STOPS:
            k += 1
        else:
            break
    while k > g + length and words[k - 1] == "dan":
        k -= 1
    return k


def explicit_after(tv: TokenView, k: int) -> bool:
    """True when "oleh/dari <giver>" starts at words[k]."""
    words = tv.words
    return k < len(words) and words[k] in GIVER_PREPS and bool(head_at(words, k + 1))


def giver_after(tv: TokenView, k: int, limit: int) -> str | None:
    """ "... oleh Ombudsman Republik Indonesia", "... yang diberikan oleh Bupati X"."""
    words = tv.words
    j = k
    while j < limit and j - k < MAX_BEFORE_PREP and words[j] not in GIVER_PREPS:
        if tv.punct[j]:
            return None
        j += 1
    if j < limit and words[j] in GIVER_PREPS:
        g = head_at(words, j + 1)
        if g:
            return tv.span_text(j + 1, giver_end(tv, j + 1, g, limit))
    return None


def giver_in(tv: TokenView, start: int, end: int, exclude: range = range(0)) -> str | None:
    """The first giver named anywhere in tokens [start, end), outside `exclude`; not one that
    is the subject of a receipt ("Ditjen Imigrasi Menerima Penghargaan": the recipient)."""
    words = tv.words
    co_recipient = False  # after "bersama (dengan)", up to a "dari"/"oleh"
    for k in range(start, end):
        if words[k] in CO_RECIPIENT:
            co_recipient = True
        elif words[k] in GIVER_PREPS:
            co_recipient = False
        if k in exclude or co_recipient:
            continue
        g = head_at(words, k)
        if g and (tv.title[k] or tv.upper[k] or g > 1):
            stop = giver_end(tv, k, g, end)
            if _receipt_follows(tv, stop, end):
                continue
            return tv.span_text(k, stop)
    return None


def _receipt_follows(tv: TokenView, k: int, end: int) -> bool:
    """A receipt verb after words[k], past a bracket and adverbs: "Kementerian X (KemenX)
    berhasil meraih": the one named is the recipient."""
    words = tv.words
    if k < end and words[k] == "(":
        while k < end and words[k] != ")":
            k += 1
        k += 1
    while k < end and words[k] in RECEIPT_ADVERBS:
        k += 1
    return k < end and words[k] in RECEIPT_VERBS


def giver_statement(tv: TokenView, si: int) -> tuple[str, frozenset[str]] | None:
    """ "Itu penghargaan dari kementerian.", "... dinilai langsung oleh Ombudsman": a sentence
    that says who gave an award named elsewhere. Returns the giver as written and the
    sentence's other words (which may repeat the award's name), or None."""
    start, end = tv.sents[si]
    words = tv.words
    if AWARD_WORDS.isdisjoint(words[start:end]):
        return None
    for k in range(start, end - 1):
        if words[k] not in GIVER_PREPS:
            continue
        if any(w in NEGATIONS for w in words[max(start, k - 2) : k]):
            continue  # "bukan dari kementerian"
        g = head_at(words, k + 1)
        if g:
            stop = giver_end(tv, k + 1, g, end)
            said = frozenset(words[start:k]) | frozenset(words[stop:end])
            return " ".join(tv.span_text(k + 1, stop).split()), said
    return None


def find_giver(
    tv: TokenView, si: int, name: range, award_sentences: list[bool]
) -> tuple[str | None, int]:
    """The giver of the award named by tokens `name` in sentence `si`, and how it was found.

    Args:
        tv: the document's token view.
        si: the sentence number of the award mention.
        name: the token range of the award's name.
        award_sentences: per sentence, whether it mentions an award.

    Returns:
        (giver as written, EXPLICIT / SAME_SENTENCE / EARLIER), or (None, 0).
    """
    start, end = tv.sents[si]
    g = giver_after(tv, name.stop, end)
    if g is not None:
        return g, EXPLICIT
    g = giver_in(tv, start, end, exclude=name)
    if g is not None:
        return g, SAME_SENTENCE
    for p in range(si - 1, max(-1, si - 1 - LOOKBACK), -1):
        a, b = tv.sents[p]
        if award_sentences[p] or any(w.startswith(ASSESSMENT_PREFIXES) for w in tv.words[a:b]):
            g = giver_in(tv, a, b)
            if g is not None:
                return g, EARLIER
    return None, 0
