"""Tests for nlp/pipeline.py and nlp.extract_many: serialising, saving, loading, workers."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

import nlp
from nlp.pipeline import COMPONENTS

ARTICLES = [
    "Kantor Imigrasi Kelas I TPI Kendari mendeportasi 11 WNA asal Nigeria, RRT dan Mesir pada "
    "Kamis (26/01). Kepala Kantor Imigrasi Kendari, Wira Santosa, mengatakan hal itu.",
    "Kanim Depok meraih predikat WBK dari Kementerian PANRB pada 14 Desember 2022.",
    "Tidak ada yang terjadi hari ini.",
    "",
]


def test_docs_serialise_with_their_facts():
    doc = nlp.load_pipeline()(ARTICLES[0])
    copy = Doc(doc.vocab).from_bytes(doc.to_bytes())
    assert copy._.pantau_counts == doc._.pantau_counts
    assert [o["office_id"] for o in copy._.pantau_offices] == ["kanim-kendari"]


def test_to_disk_then_spacy_load_gives_the_same_extractions(tmp_path):
    pipeline = nlp.load_pipeline()
    pipeline.to_disk(tmp_path / "pantau_id")
    loaded = spacy.load(tmp_path / "pantau_id")
    assert loaded.pipe_names == list(COMPONENTS)
    assert loaded.config["nlp"]["tokenizer"]["@tokenizers"] == "pantau.id_tokenizer.v1"
    for text in ARTICLES:
        expected = nlp.from_doc(pipeline(text), "2023-01-27").to_dict()
        assert nlp.from_doc(loaded(text), "2023-01-27").to_dict() == expected
    assert nlp.load_pipeline(tmp_path / "pantau_id").pipe_names == list(COMPONENTS)


def test_nlp_pipe_with_two_processes():
    pipeline = nlp.load_pipeline()
    docs = list(pipeline.pipe(ARTICLES, n_process=2, batch_size=1))
    assert len(docs) == len(ARTICLES)
    got = [nlp.from_doc(doc).to_dict() for doc in docs]
    assert got == [nlp.extract(text).to_dict() for text in ARTICLES]
    assert got[0]["nationalities"][0]["code"] == "NG"


@pytest.mark.parametrize("n_process", [1, 2])
def test_extract_many_equals_extract(n_process):
    articles = [*ARTICLES, {"text": ARTICLES[0], "published": "2023-01-27", "title": None}]
    expected = [nlp.extract(a).to_dict() for a in ARTICLES]
    expected.append(nlp.extract(ARTICLES[0], published="2023-01-27").to_dict())
    got = [e.to_dict() for e in nlp.extract_many(articles, n_process=n_process, batch_size=2)]
    assert len(got) == len(expected)
    assert got == expected
    assert got[-1]["event"]["date"] == "2023-01-26"


def test_pantau_extract_with_two_workers_stores_the_same_facts(tmp_path):
    from conftest import run_pantau
    from test_extract_stage import build_db, facts

    one, two = tmp_path / "one.db", tmp_path / "two.db"
    n = build_db(one, 1)
    build_db(two, 1)
    run_pantau("extract", "--db", one, check=True)
    result = run_pantau("extract", "--db", two, "--workers", "2", check=True)
    assert f"extracted {n} articles" in result.stderr
    expected = facts(one)
    assert sum(len(rows) for rows in expected.values()) > n  # the demo articles have facts
    assert facts(two) == expected


@pytest.mark.parametrize("n_process", [1, 2])
def test_extract_many_runs_a_digest_of_each_text_beside_the_extraction(n_process):
    got = list(nlp.extract_many(ARTICLES, n_process=n_process, batch_size=1, digest=len))
    assert [d for _, d in got] == [len(a) for a in ARTICLES]
    assert [e.to_dict() for e, _ in got] == [nlp.extract(a).to_dict() for a in ARTICLES]
