"""Tests for nlp/numbers.py: Indonesian number words, digit formats, ranks."""

import pytest

from nlp.numbers import parse_at, parse_number, parse_rank, parse_roman


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("satu", 1, id="unit-word"),
        pytest.param("sebelas", 11, id="se-eleven"),
        pytest.param("dua belas", 12, id="teen"),
        pytest.param("sepuluh", 10, id="se-ten"),
        pytest.param("dua puluh lima", 25, id="tens-and-unit"),
        pytest.param("seratus dua puluh", 120, id="hundred-and-tens"),
        pytest.param("tiga ratus empat puluh satu", 341, id="hundreds-tens-units"),
        pytest.param("seribu", 1000, id="se-thousand"),
        pytest.param("seribu dua ratus tiga puluh empat", 1234, id="thousand-compound"),
        pytest.param("lima belas ribu", 15000, id="teen-thousand"),
        pytest.param("tiga juta", 3_000_000, id="word-million"),
        pytest.param("Dua Belas", 12, id="capitalised"),
        pytest.param("7", 7, id="digit"),
        pytest.param("1.331", 1331, id="thousands-dot"),
        pytest.param("33.818", 33818, id="thousands-dot-5-digits"),
        pytest.param("272.072", 272072, id="thousands-dot-6-digits"),
        pytest.param("1.000.000", 1_000_000, id="thousands-dot-twice"),
        pytest.param("2 ribu", 2000, id="digit-ribu"),
        pytest.param("1,5 juta", 1_500_000, id="decimal-comma-juta"),
        pytest.param("2,25 ribu", 2250, id="decimal-comma-ribu"),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # GOLD.md: "seorang"/"sebuah" are articles, never numbers
        pytest.param("seorang", id="article-seorang"),
        pytest.param("sebuah", id="article-sebuah"),
        pytest.param("1,5", id="decimal-without-multiplier"),
        pytest.param("93.60", id="decimal-point"),
        pytest.param("dua tiga", id="two-units-in-a-row"),
        pytest.param("belas", id="multiplier-alone"),
        pytest.param("ratusan", id="vague-hundreds"),
        pytest.param("ketiga", id="ordinal-is-not-cardinal"),
        pytest.param("", id="empty"),
        pytest.param("orang", id="not-a-number"),
    ],
)
def test_parse_number_rejects(text):
    assert parse_number(text) is None


def test_parse_at_reports_end_of_number():
    words = "sebanyak dua puluh lima wna".split()
    assert parse_at(words, 1) == (25, 4)
    assert parse_at(words, 0) is None


@pytest.mark.parametrize(
    "token, expected",
    [
        pytest.param("III", 3, id="roman-3"),
        pytest.param("IV", 4, id="roman-4"),
        pytest.param("IX", 9, id="roman-9"),
        pytest.param("XII", 12, id="roman-12"),
        pytest.param("iii", None, id="lowercase-is-not-roman"),
        pytest.param("IIII", None, id="malformed"),
        pytest.param("", None, id="empty"),
    ],
)
def test_parse_roman(token, expected):
    assert parse_roman(token) == expected


@pytest.mark.parametrize(
    "token, expected",
    [
        pytest.param("3", 3, id="digit"),
        pytest.param("II", 2, id="roman"),
        pytest.param("tiga", 3, id="word"),
        pytest.param("ketiga", 3, id="ordinal"),
        pytest.param("pertama", 1, id="first"),
        pytest.param("tersebut", None, id="not-a-rank"),
    ],
)
def test_parse_rank(token, expected):
    assert parse_rank(token) == expected
