"""The per-Doc views the components share (nlp/tokenview.py, nlp/sentences.py) agree with spaCy.

They replace spaCy calls for speed (Doc.to_array flags, Span.sent, filter_spans), so each is
checked against the spaCy call it replaces, on invented texts and seeded random ones.
"""

import random

import pytest
from spacy.attrs import IS_PUNCT, IS_SPACE, IS_TITLE, IS_UPPER, SENT_START
from spacy.util import filter_spans

import nlp
from nlp.nationalities import _longest_first
from nlp.offices import evidence_for_tokens
from nlp.tokenview import TokenView, token_view

TEXTS = [
    "Kantor Imigrasi Kelas I TPI Serang mendeportasi 11 WNA asal Nigeria. Kepala Kanim, "
    "Budi Santoso, mengatakan hal itu pada Kamis (26/01).\n\nSebanyak 1.331 paspor "
    "diterbitkan,  laki-laki dan perempuan!\xa0Baca juga: Kanim Bogor.",
    "“Kami siap,” ujar H. Ahmad, S.H. di Jl. Sudirman No. 5. Lalu ... ya?! TIDAK.",
    "",
    "   \n\n  ",
]
PIECES = ["Kanim", "Serang", ".", ",", "WNA", "\n\n", "\n", "  ", "(", ")", "1.331", "H.", "dll.",
          "Budi", "“", "”", "-", "laki-laki", "\xa0", "é", "ABC", "Kamis", "?", "juga", "Baca"]


@pytest.fixture(scope="module")
def nlp_pipeline():
    return nlp.load_pipeline()


def _random_texts(n=60, seed=7):
    rng = random.Random(seed)
    return [" ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 40))) for _ in range(n)]


@pytest.mark.parametrize("text", TEXTS + _random_texts())
def test_token_view_matches_the_doc_arrays(nlp_pipeline, text):
    doc = nlp_pipeline(text)
    tv = token_view(doc)
    assert len(tv.words) == len(doc)
    flags = {"punct": IS_PUNCT, "space": IS_SPACE, "title": IS_TITLE, "upper": IS_UPPER}
    for name, attr in flags.items():
        expected = doc.to_array(attr).tolist() if len(doc) else []
        assert [getattr(tv, name)[k] for k in range(len(doc))] == expected, name
    assert list(tv.idx) == [t.idx for t in doc]
    assert list(tv.end_char) == [t.idx + len(t.text) for t in doc]
    assert tv.glued == [not t.whitespace_ for t in doc]
    if len(doc):
        assert tv.sents == [(s.start, s.end) for s in doc.sents]
        starts = [i for i, v in enumerate(doc.to_array(SENT_START).tolist()) if v == 1 or i == 0]
        assert [a for a, _b in tv.sents] == starts
    else:
        assert tv.sents == []
    # a copy is in no per-Doc cache: its view reads SENT_START and the texts back from the Doc
    fresh = TokenView(doc.copy())
    assert (fresh.sents, fresh.words, fresh.text) == (tv.sents, tv.words, tv.text)


@pytest.mark.parametrize("text", TEXTS[:2] + _random_texts(20, seed=3))
def test_positions_match_a_scan_of_every_word(nlp_pipeline, text):
    from nlp.awards import TRIGGER_FIRST
    from nlp.events import CUE_FIRSTS, WINDOW_TRIGGERS

    doc = nlp_pipeline(text)
    tv = token_view(doc)
    unregistered = frozenset({"kanim", ".", "budi"})
    for vocab in (TRIGGER_FIRST, CUE_FIRSTS, WINDOW_TRIGGERS, unregistered):
        assert tv.positions(vocab) == [k for k, w in enumerate(tv.words) if w in vocab]
    assert tv.sentences_with(WINDOW_TRIGGERS) == {
        tv.sent_of[k] for k, w in enumerate(tv.words) if w in WINDOW_TRIGGERS
    }


def test_evidence_matches_span_sent_also_across_a_sentence_end(nlp_pipeline):
    doc = nlp_pipeline(TEXTS[0])
    assert len(list(doc.sents)) >= 3
    checked = 0
    for start in range(len(doc)):
        for end in (start + 1, start + 3, start + 12):
            if end > len(doc):
                continue
            sent = doc[start:end].sent
            text = doc.text[sent.start_char : sent.end_char].rstrip()
            ev = evidence_for_tokens(doc, start, end)
            assert (ev.sentence, ev.start, ev.end) == (
                text, sent.start_char, sent.start_char + len(text)
            )
            checked += 1
    assert checked > 100


def test_longest_first_is_filter_spans(nlp_pipeline):
    doc = nlp_pipeline(" ".join(["kata"] * 30))
    rng = random.Random(11)
    for _ in range(200):
        matches = []
        for _ in range(rng.randint(0, 8)):
            s = rng.randint(0, 28)
            matches.append((s, rng.randint(s + 1, min(30, s + 4)), rng.choice([101, 202, 303])))
        spans = filter_spans([doc[s:e] for s, e, _m in matches])
        kept = _longest_first(matches)
        assert [(m[0], m[1]) for m in kept] == [(sp.start, sp.end) for sp in spans]
