"""crawler/relevance.py: immigration_relevance separates immigration news from the rest."""

from __future__ import annotations

import pytest

from core.settings import setting
from crawler.relevance import DEFAULT_THRESHOLD, immigration_relevance, is_on_topic
from pantau.demo_site import load_articles

DEMO = load_articles(setting("demo_site") / "articles")


@pytest.mark.parametrize("article", DEMO, ids=[a.slug for a in DEMO])
def test_demo_articles_marked_as_written(article):
    score = immigration_relevance(article.title, article.text)
    assert is_on_topic(score) == article.on_topic, score


@pytest.mark.parametrize("title, text, on_topic", [
    pytest.param("Kanim Serang Deportasi WNA", "Petugas imigrasi memulangkan dua WNA.", True,
                 id="headline-decides"),
    pytest.param("Rapat Koordinasi", "Timpora membahas izin tinggal orang asing dan paspor.",
                 True, id="body-terms"),
    # an airport and a harbour alone are not immigration news
    pytest.param("Arus Mudik", "Penumpang memadati bandara dan pelabuhan.", False,
                 id="weak-terms-only"),
    pytest.param("Harga Cabai Naik", "Pedagang di pasar mengeluhkan pasokan.", False,
                 id="nothing"),
    pytest.param(None, None, False, id="empty"),
])
def test_relevance_rows(title, text, on_topic):
    score = immigration_relevance(title, text)
    assert 0.0 <= score <= 1.0
    assert (score >= DEFAULT_THRESHOLD) is on_topic, score


def test_score_grows_with_evidence():
    one = immigration_relevance("Berita", "Petugas imigrasi hadir.")
    many = immigration_relevance("Berita", "Petugas imigrasi memeriksa paspor dan visa WNA.")
    assert 0 < one < many <= 1.0


@pytest.mark.parametrize("on_topic, sent", [(1, True), (0, False)])
def test_only_on_topic_articles_reach_nlp(tmp_path, monkeypatch, on_topic, sent):
    import nlp
    from pipelines.db import open_db
    from pipelines.extract import run_extract
    from pipelines.store import store_article

    texts = []
    monkeypatch.setattr(nlp, "extract", lambda text, **kw: texts.append(text) or nlp.Extraction())
    db_path = tmp_path / "pantau.db"
    db = open_db(db_path)
    store_article(db, {
        "article_id": "a1", "url": "https://kabar.example/a1", "fetched_url": "x", "source": None,
        "title": "Kanim Serang Deportasi WNA", "published": "2026-03-10",
        "text": "Kantor Imigrasi Kelas I TPI Serang mendeportasi tiga WNA asal Nigeria.",
        "discovered_by": "feed", "fetched_at": "2026-03-10T00:00:00+00:00",
        "immigration_relevance": 1.0 if on_topic else 0.0, "on_topic": on_topic})
    db.close()
    result = run_extract(db_path)
    assert result["articles"] == 1
    assert bool(texts) is sent
    db = open_db(db_path)
    assert db["articles"].get("a1")["extracted_at"] is not None  # marked done either way
