"""Indonesian number words, digit formats, ordinals and Roman numerals to int; pure functions."""

from __future__ import annotations

import re

# --- vocabulary -------------------------------------------------------------------------------
UNITS = {
    "nol": 0,
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
}
# "se-" forms stand for "satu X"; "seorang"/"sebuah" are articles (GOLD.md), absent on purpose.
SE_SMALL = {"sepuluh": 10, "sebelas": 11, "seratus": 100}
SE_LARGE = {
    "seribu": 1_000,
    "sejuta": 1_000_000,
    "semiliar": 1_000_000_000,
    "semilyar": 1_000_000_000,
}
SMALL_MULT = {"puluh": 10, "ratus": 100}
LARGE_MULT = {
    "ribu": 1_000,
    "juta": 1_000_000,
    "miliar": 1_000_000_000,
    "milyar": 1_000_000_000,
    "triliun": 1_000_000_000_000,
}
ARTICLES = frozenset({"seorang", "sebuah", "seekor", "sebiji", "sehelai", "selembar"})
ORDINALS = {
    "pertama": 1,
    "kesatu": 1,
    "kedua": 2,
    "ketiga": 3,
    "keempat": 4,
    "kelima": 5,
    "keenam": 6,
    "ketujuh": 7,
    "kedelapan": 8,
    "kesembilan": 9,
    "kesepuluh": 10,
}
NUMBER_WORDS = frozenset(UNITS) | frozenset(SE_SMALL) | frozenset(SE_LARGE)

# "1.331" and "33.818": Indonesian thousands dots; "1,5": decimal comma; "93.60": a decimal point.
THOUSANDS_DOT = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
PLAIN_INT = re.compile(r"^\d+$")
DECIMAL = re.compile(r"^\d+[.,]\d+$")
ROMAN = re.compile(r"^(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def parse_digits(token: str) -> float | None:
    """Value of one digit token ("1.331" -> 1331, "1,5" -> 1.5, "93.60" -> 93.6), else None."""
    if PLAIN_INT.match(token):
        return int(token)
    if THOUSANDS_DOT.match(token):
        return int(token.replace(".", ""))
    if DECIMAL.match(token):
        return float(token.replace(",", "."))
    return None


def starts_number(word: str) -> bool:
    """True when a lowercased token can begin a number (a fast pre-check for parse_at)."""
    return word[:1].isdigit() or word in NUMBER_WORDS


def parse_at(words: list[str], i: int) -> tuple[int, int] | None:
    """Parse the number that starts at words[i] (lowercased tokens).

    Args:
        words: lowercased token texts.
        i: index of the first token.

    Returns:
        (value, end) with `end` the index after the last number token, or None when no
        whole number starts there ("seorang", "1,5" without a multiplier, "93.60").
    """
    n = len(words)
    first = words[i]
    if first[:1].isdigit():
        value = parse_digits(first)
        if value is None:
            return None
        j = i + 1
        if j < n and words[j] in LARGE_MULT:
            value *= LARGE_MULT[words[j]]
            j += 1
        if value != int(value):
            return None
        return int(round(value)), j
    if first not in NUMBER_WORDS:
        return None
    total, small, last = 0, 0, None
    j = i
    while j < n:
        w = words[j]
        if w in UNITS:
            if last is not None:
                break  # "dua tiga" is two numbers or a range, not one
            last = UNITS[w]
        elif w == "belas" and last is not None and last > 0:
            small += last + 10
            last = None
        elif w in SMALL_MULT and last is not None and last > 0:
            small += last * SMALL_MULT[w]
            last = None
        elif w in SE_SMALL and last is None:
            small += SE_SMALL[w]
        elif w in SE_LARGE and last is None and small == 0:
            total += SE_LARGE[w]
        elif w in LARGE_MULT and (small or last):
            total += (small + (last or 0)) * LARGE_MULT[w]
            small, last = 0, None
        else:
            break
        j += 1
    if j == i:
        return None
    return total + small + (last or 0), j


def parse_number(text: str) -> int | None:
    """Whole-string number: "dua belas" -> 12, "1.331" -> 1331, "2 ribu" -> 2000; else None.

    Args:
        text: one number as written, in words or digits.

    Returns:
        The integer, or None when the text is not exactly one whole number
        ("seorang" and "sebuah" are articles, not numbers).
    """
    words = text.lower().split()
    if not words:
        return None
    result = parse_at(words, 0)
    if result is None or result[1] != len(words):
        return None
    return result[0]


def parse_roman(token: str) -> int | None:
    """Roman numeral to int ("III" -> 3); None for anything else, including lowercase."""
    if not ROMAN.match(token):
        return None
    total = 0
    for a, b in zip(token, token[1:] + " ", strict=True):
        va, vb = ROMAN_VALUES[a], ROMAN_VALUES.get(b, 0)
        total += -va if va < vb else va
    return total


def parse_rank(token: str) -> int | None:
    """A rank as written after "peringkat"/"terbaik"/"juara": "3", "III", "tiga", "ketiga"."""
    if token.isdigit():
        return int(token)
    roman = parse_roman(token)
    if roman is not None:
        return roman
    low = token.lower()
    if low in ORDINALS:
        return ORDINALS[low]
    if low in UNITS and UNITS[low] > 0:
        return UNITS[low]
    return SE_SMALL.get(low) if low in ("sepuluh", "sebelas") else None
