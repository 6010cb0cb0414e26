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
