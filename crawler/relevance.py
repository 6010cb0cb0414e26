"""immigration_relevance: how much an article is about immigration, from weighted terms."""

from __future__ import annotations

import re

# Term -> weight. Strong terms name immigration itself; weak ones only co-occur with it
# (a football report may mention an airport). Each is matched as a whole word, case-insensitive.
TERMS = {
    "imigrasi": 1.0, "keimigrasian": 1.0, "kanim": 1.0, "kantor imigrasi": 1.0,
    "deportasi": 1.0, "dideportasi": 1.0, "mendeportasi": 1.0, "rudenim": 1.0,
    "detensi": 1.0, "deteni": 1.0, "timpora": 1.0, "izin tinggal": 1.0, "overstay": 1.0,
    "paspor": 1.0, "visa": 0.8, "wna": 1.0, "warga negara asing": 1.0, "orang asing": 0.8,
    "pmi nonprosedural": 1.0, "pekerja migran": 0.6, "tenaga kerja asing": 0.6, "tka": 0.4,
    "tpi": 0.4, "pelintasan": 0.6, "perbatasan": 0.3, "kedutaan": 0.4, "kewarganegaraan": 0.6,
    "suaka": 0.6, "pengungsi": 0.4, "bandara": 0.2, "pelabuhan": 0.2,
}
TERM_PATTERN = re.compile(r"\b(" + "|".join(sorted(map(re.escape, TERMS), key=len, reverse=True))
                          + r")\b", re.I)
# Title words count this many times: a headline about deportation decides the topic.
TITLE_WEIGHT = 3
# Weighted hits at which the score reaches 1.0.
SATURATION = 6.0
# Articles scoring below this are kept but marked off-topic and skipped by the NLP stage.
DEFAULT_THRESHOLD = 0.3


def immigration_relevance(title: str | None, text: str | None) -> float:
    """Score in [0, 1]: weighted immigration terms in the title (x3) and body, saturating.

    Args:
        title: the headline, may be None.
        text: the clean body text, may be None.

    Returns:
        0.0 for no immigration term, 1.0 for an article clearly about immigration.
    """
    hits = sum(TERMS[m.lower()] for m in TERM_PATTERN.findall(text or ""))
    hits += TITLE_WEIGHT * sum(TERMS[m.lower()] for m in TERM_PATTERN.findall(title or ""))
    return round(min(1.0, hits / SATURATION), 3)


def is_on_topic(score: float, threshold: float = DEFAULT_THRESHOLD) -> bool:
    """True when an article's relevance score reaches the threshold."""
    return score >= threshold
