"""Tests for nlp/docstate.py: per-Doc state shared by the components through doc._.pantau_state."""

import gc
import weakref

import nlp
from nlp.docstate import _STATES, doc_state


def test_components_interleaved_over_two_docs_keep_each_docs_state():
    pipe = nlp.load_pipeline()
    first = pipe.make_doc("Kepala Kantor Imigrasi Kelas I TPI Kendari Andi Pratama hadir.")
    second = pipe.make_doc("Kepala Kantor Imigrasi Kelas II TPI Merauke Budi Santoso hadir.")
    stages = [pipe.get_pipe(name) for name in ("pantau_sentences", "pantau_offices")]
    for stage in stages:  # both Docs through the first stages, one after the other
        first, second = stage(first), stage(second)
    officials = pipe.get_pipe("pantau_officials")
    # the first Doc goes on after the second one was processed: its own mentions are used
    assert [p["name"] for p in officials(first)._.pantau_people] == ["Andi Pratama"]
    assert [p["name"] for p in officials(second)._.pantau_people] == ["Budi Santoso"]
    assert first._.pantau_state is doc_state(first) is not doc_state(second)


def test_state_is_freed_with_its_doc_and_never_serialised():
    pipe = nlp.load_pipeline()
    doc = pipe("Kanim Ambon mendeportasi sebelas WNA asal Nigeria kemarin.")
    state = doc._.pantau_state
    assert state.view is not None
    data = doc.to_bytes()  # the shared views are not in user_data
    assert b"TokenView" not in data
    other = pipe.make_doc("Kanim Bima hadir.")  # displaces `doc` while it is alive
    assert _STATES.get(doc) is state and doc_state(doc) is state
    ref = weakref.ref(doc)
    before = len(_STATES)
    del doc
    gc.collect()
    assert ref() is None
    assert len(_STATES) <= before - 1  # its state went with it (others may have, too)
    assert doc_state(other) is not state


def test_one_doc_at_a_time_costs_no_entry():
    """nlp.extract's way (each Doc freed before the next is made): no WeakKeyDictionary entry."""
    pipe = nlp.load_pipeline()
    gc.collect()
    before = len(_STATES)
    for text in ("Kanim Ambon hadir.", "Kanim Bima hadir.", "Rudenim Kupang hadir."):
        doc = pipe(text)
        assert doc._.pantau_state.view is not None
        del doc
    assert len(_STATES) == before


def test_extension_values_are_spacy_s_own():
    """set_extension_value / extension_value read and write where doc._ does."""
    from nlp.docstate import extension_value, set_extension_value

    pipe = nlp.load_pipeline()
    doc = pipe("Kanim Ambon mendeportasi sebelas WNA asal Nigeria kemarin.")
    assert extension_value(doc, "pantau_offices") == doc._.pantau_offices != []
    set_extension_value(doc, "pantau_awards", [{"name": "x"}])
    assert doc._.pantau_awards == [{"name": "x"}]
    doc._.pantau_people = [{"name": "y"}]
    assert extension_value(doc, "pantau_people") == [{"name": "y"}]


def test_extract_takes_the_components_facts_as_from_doc_rebuilds_them():
    """nlp.extract uses the facts kept by set_facts; nlp.from_doc rebuilds them from the rows
    (a Doc from nlp.pipe or Doc.from_bytes): the same Extraction either way."""
    pipe = nlp.load_pipeline()
    texts = ["Kepala Kantor Imigrasi Kelas I TPI Kendari Andi Pratama mengatakan 11 WNA asal "
             "Nigeria dideportasi pada Senin (3/2).",
             "Kanim Bekasi meraih tiga penghargaan dari Kementerian Imigrasi pada HUT ke-75.",
             "Tidak ada fakta di sini."]
    for text in texts:
        doc = nlp._process(pipe, text)
        fast = nlp._extraction(doc, "2025-02-05", None)
        assert doc._.pantau_state.facts  # the fast path was taken
        assert fast == nlp.from_doc(doc, "2025-02-05", None)
        assert fast == nlp.extract(text, published="2025-02-05")
