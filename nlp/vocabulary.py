"""Loads the word lists in data/patterns/*.jsonl into label -> phrases maps for rule components."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PATTERNS_DIR = DATA_DIR / "patterns"


class VocabularyError(ValueError):
    """A pattern file is missing, malformed or lacks a label a component needs."""


@cache
def load_vocabulary(name: str, required: tuple[str, ...] = ()) -> dict[str, tuple[str, ...]]:
    """Read data/patterns/<name>.jsonl: one {"label", "pattern"} object per line.

    Args:
        name: the file stem, e.g. "counts".
        required: labels that must have at least one pattern.

    Returns:
        A map from label to its lowercased phrase patterns, in file order.

    Raises:
        VocabularyError: the file is missing, a line is not a pattern object, or a
            required label is empty (an empty word list is always a deployment error).
    """
    path = PATTERNS_DIR / f"{name}.jsonl"
    if not path.is_file():
        raise VocabularyError(f"pattern file not found: {path}")
    vocab: dict[str, list[str]] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            label, pattern = row["label"], row["pattern"]
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise VocabularyError(
                f"{path}:{lineno}: expected {{'label', 'pattern'}} ({e})"
            ) from None
        if not isinstance(pattern, str) or not pattern.strip():
            raise VocabularyError(f"{path}:{lineno}: empty pattern would match everything")
        vocab.setdefault(label, []).append(pattern.strip().lower())
    missing = [label for label in required if not vocab.get(label)]
    if missing:
        raise VocabularyError(f"{path}: no patterns for {', '.join(missing)}")
    return {label: tuple(dict.fromkeys(p)) for label, p in vocab.items()}


def phrase_index(phrases: tuple[str, ...] | list[str]) -> dict[str, list[tuple[str, ...]]]:
    """Index phrases by first word, longest first, for greedy matching over lowercased tokens."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        words = tuple(phrase.split())
        index.setdefault(words[0], []).append(words)
    for options in index.values():
        options.sort(key=len, reverse=True)
    return index


def match_phrase(index: dict[str, list[tuple[str, ...]]], words: list[str], i: int) -> int:
    """Length in tokens of the longest indexed phrase starting at words[i]; 0 if none."""
    options = index.get(words[i]) if i < len(words) else None
    if options is None:
        return 0
    for phrase in options:
        size = len(phrase)
        if size == 1 or tuple(words[i : i + size]) == phrase:  # phrase[0] == words[i]
            return size
    return 0

