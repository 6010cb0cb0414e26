"""Tests for nlp/tokenizer.py: the same tokens as spacy.blank("id"), without its slow matcher."""

from __future__ import annotations

import random

import pytest
import spacy

import nlp


@pytest.fixture(scope="module")
def fast():
    return nlp.load_pipeline().tokenizer


@pytest.fixture(scope="module")
def slow():
    return spacy.blank("id").tokenizer


@pytest.mark.parametrize(
    "text,tokens",
    [
        pytest.param("laki-laki dan perempuan", ["laki-laki", "dan", "perempuan"],
                     id="reduplication-whole"),
        pytest.param("(Undang-Undang), masing-masing.",
                     ["(", "Undang-Undang", ")", ",", "masing-masing", "."], id="affixes"),
        # spaCy's special-case matcher re-joins an exception split off by an infix
        pytest.param("laki-laki/perempuan", ["laki-laki", "/", "perempuan"], id="infix-split"),
        pytest.param("Serang-e-paspor", ["Serang", "-", "e-paspor"], id="inside-a-hyphen-chain"),
        # spaCy keeps the leftmost of overlapping words, and a word it passed over blocks too
        pytest.param("laki-laki-laki-laki", ["laki-laki", "-", "laki", "-", "laki"],
                     id="overlapping-words"),
        pytest.param("x-x..Mahasiswa/I", ["x", "-", "x", "..", "Mahasiswa/I"],
                     id="slash-exception"),
        pytest.param("x/laki-laki-masing-masing/y",
                     ["x", "/", "laki-laki", "-", "masing-masing", "/", "y"], id="two-in-a-chain"),
        pytest.param("Ia\xa0datang.\n\n Lalu\tpergi", ["Ia", "\xa0", "datang", ".", "\n\n ",
                                                      "Lalu", "\t", "pergi"], id="whitespace"),
        pytest.param("Soekarno-Hatta ke-67 Covid-19 26/01/2023",
                     ["Soekarno", "-", "Hatta", "ke", "-", "67", "Covid", "-", "19", "26", "/",
                      "01", "/", "2023"], id="not-exceptions"),
    ],
)
def test_tokenizer_matches_spacy_id(fast, slow, text, tokens):
    assert [t.text for t in fast(text)] == tokens
    assert [t.text for t in slow(text)] == tokens


def test_tokenizer_matches_spacy_id_on_junk(fast, slow):
    rng = random.Random(3)
    pieces = ["laki", "laki-laki", "-", "/", "e-paspor", "Serang", "(", ")", ".", " ", "\n\n",
              "\xa0", "1.331", "26/01", "Undang-Undang", "masing", "ke-67", ",", ":)", "S.H.",
              "Mahasiswa/I", "x"]
    texts = ["".join(rng.choice(pieces) for _ in range(60)) for _ in range(300)]
    different = [t for t in texts if [x.text for x in fast(t)] != [x.text for x in slow(t)]]
    assert different == []


def _spans(m):
    return None if m is None else m.span()


@pytest.fixture(scope="module")
def affix_strings():
    """Strings of affix-like pieces: brackets, quotes, dots, units, HTML, newlines, words."""
    rng = random.Random(5)
    pieces = ["(", ")", "\"", "“", "”", "'", ".", "..", "...", "…", ",", ":", ";", "!", "?", "%",
              "km", "Rp", "$", "-", "–", "<a", "href", ">", "<", "\n", "#", "@", "*", "/", "x",
              "Serang", "2.045", "12/03", "dll.", "S.H.", "°C", "’s", "—", " ", "Ä", "ditolak"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 14))) for _ in range(4000)]


@pytest.mark.parametrize("kind", ["prefix", "suffix"])
def test_affix_search_gives_spacy_s_match(affix_strings, kind):
    """PrefixSearch / SuffixSearch try fewer positions than the regex's own search and must
    return the same span for every string (spaCy reads end - start)."""
    from spacy.lang.id import IndonesianDefaults
    from spacy.util import compile_prefix_regex, compile_suffix_regex

    from nlp.tokenizer import PrefixSearch, SuffixSearch

    entries = getattr(IndonesianDefaults, f"{kind}es")
    ours = (PrefixSearch if kind == "prefix" else SuffixSearch)(entries)
    spacy_s = (compile_prefix_regex if kind == "prefix" else compile_suffix_regex)(entries).search
    different = [s for s in affix_strings if _spans(ours(s)) != _spans(spacy_s(s))]
    assert different == []


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("ab<abc>", id="prefix-alternative-not-anchored"),
        pytest.param("abc" + "." * 30, id="suffix-of-unbounded-width"),
        pytest.param("Serang.\n", id="suffix-before-final-newline"),
        pytest.param("(12/03/2021).", id="date-in-brackets"),
        pytest.param("Kemenkumham", id="no-affix"),
    ],
)
def test_affix_search_cases(text):
    from spacy.lang.id import IndonesianDefaults
    from spacy.util import compile_prefix_regex, compile_suffix_regex

    from nlp.tokenizer import PrefixSearch, SuffixSearch

    prefixes, suffixes = IndonesianDefaults.prefixes, IndonesianDefaults.suffixes
    expected = compile_prefix_regex(prefixes).search(text)
    assert _spans(PrefixSearch(prefixes)(text)) == _spans(expected)
    expected = compile_suffix_regex(suffixes).search(text)
    assert _spans(SuffixSearch(suffixes)(text)) == _spans(expected)


def test_affix_searches_take_the_shortcut():
    """The shortcuts are in force for the Indonesian defaults (not the plain-search fallback)."""
    from spacy.lang.id import IndonesianDefaults

    from nlp.tokenizer import PrefixSearch, SuffixSearch

    assert PrefixSearch(IndonesianDefaults.prefixes).firsts is not None
    assert SuffixSearch(IndonesianDefaults.suffixes).window is not None


def test_affix_searches_pickle():
    import pickle

    from spacy.lang.id import IndonesianDefaults

    from nlp.tokenizer import PrefixSearch

    search = pickle.loads(pickle.dumps(PrefixSearch(IndonesianDefaults.prefixes)))
    assert _spans(search("(abc")) == (0, 1)
