"""Property tests: nlp.extract never raises and its result always serialises to JSON."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nlp
from nlp.events import EVENT_TYPES

# Pieces that exercise the rules (numbers, cues, countries, award words) mixed into junk.
FRAGMENTS = st.sampled_from(
    [
        "WNA",
        "asal",
        "warga negara",
        "RRT",
        "AS",
        "Partai Gading",
        "sebelas",
        "dua belas",
        "1.331",
        "Rp1",
        "ke-67",
        "(33)",
        "26/11/2025",
        "di antaranya",
        "dari",
        "meraih",
        "predikat",
        "terbaik",
        "III",
        "ke 3",
        "oleh",
        "Ombudsman",
        "apresiasi Bupati",
        "“",
        "”",
        "(",
        ")",
        ".",
        ",",
        "\n\n",
        "penghargaan",
        "masing-masing",
        "Kelas I",
        "lebih dari",
        "orang",
        "paspor",
        "kali",
        "juta",
    ]
)
TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(FRAGMENTS, st.text(max_size=8)), max_size=60).map(" ".join),
    st.text(alphabet="0123456789.,-/()% ", max_size=80),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_extract_never_raises_and_serialises(text):
    result = nlp.extract(text)
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert set(data) == {"offices", "people", "nationalities", "counts", "awards", "event"}
    assert data["event"]["type"] in EVENT_TYPES
    for count in data["counts"]:
        assert isinstance(count["value"], int) and count["value"] > 0
    for nat in data["nationalities"]:
        assert len(nat["code"]) == 2 and nat["code"] != "ID"


def test_edge_inputs():
    assert nlp.extract("").to_dict()["counts"] == []
    long_text = "Sebanyak 5 WNA asal Nigeria dideportasi. " * 2000
    result = nlp.extract(long_text)
    assert [c.value for c in result.counts] == [5]
    assert [n.code for n in result.nationalities] == ["NG"]
    mixed = "WNA 中国 ١٢ Ελλάδα 🙂 \x00 \u200b сорок 12 orang"
    assert [c.value for c in nlp.extract(mixed).counts] == [12]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Sebanyak 5 WNA asal Nigeria dideportasi. " * 25_000, id="1mb-article"),
        pytest.param("a" * 1_000_000, id="1mb-one-word"),
        pytest.param("laki-" * 200_000, id="1mb-hyphen-chain"),
        pytest.param("\n" * 1_000_000, id="1mb-blank-lines"),
        pytest.param(bytes(range(256)).decode("latin-1") * 4000, id="binary-as-latin-1"),
        pytest.param(("Kamis (26/01) " * 80_000), id="1mb-dates"),
        pytest.param("".join(chr(c) for c in range(0x600, 0x6FF)) * 5000, id="arabic-script"),
        pytest.param("\ud800 lone surrogate Kanim Depok", id="lone-surrogate"),
    ],
)
def test_huge_and_strange_inputs_return_a_valid_result(text):
    data = json.loads(json.dumps(nlp.extract(text, published="2023-01-27").to_dict()))
    assert data["event"]["type"] in EVENT_TYPES
    assert all(isinstance(c["value"], int) and c["value"] > 0 for c in data["counts"])
