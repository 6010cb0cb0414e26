"""The facts Pantau extracts, as plain dataclasses: the contract between nlp/ and pipelines/."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields


def as_rows(facts) -> list[dict]:
    """Facts as plain dicts: what components store on Doc extensions, so that a Doc stays
    serialisable (Doc.to_bytes, nlp.pipe(n_process=2)); nlp.extract rebuilds the dataclasses."""
    rows = []
    for f in facts:
        # A shallow copy: dataclasses.asdict deep-copies every value, which cost more than
        # finding the facts. Only `evidence` is nested.
        row = dict(f.__dict__)
        ev = row.get("evidence")
        if ev is not None:
            row["evidence"] = {"sentence": ev.sentence, "start": ev.start, "end": ev.end}
        rows.append(row)
    return rows


@dataclass
class Evidence:
    """The sentence that supports a fact, with its character span in the article text."""

    sentence: str
    start: int
    end: int


@dataclass
class Office:
    """An immigration unit named in the text, linked to a gazetteer row when one fits."""

    name: str  # as written, in its fullest form found in the text
    office_id: str | None = None
    kind: str | None = None
    evidence: Evidence | None = None


@dataclass
class Official:
    """A named official who speaks or acts, with the role as written."""

    name: str
    role: str | None = None
    office_id: str | None = None
    evidence: Evidence | None = None


@dataclass
class Nationality:
    """A foreign country whose citizens the story concerns (ISO 3166-1 alpha-2)."""

    code: str
    name: str  # as written
    count: int | None = None  # per-country number where the text gives one
    evidence: Evidence | None = None


@dataclass
class Count:
    """A cardinal quantity of people, documents or operations."""

    value: int
    unit: str | None
    what: str  # a short description in the article's words
    category: str = "other"
    evidence: Evidence | None = None


@dataclass
class Award:
    """An award, predicate, ranking or appreciation received."""

    name: str
    rank: int | None = None
    giver: str | None = None
    year: int | None = None
    evidence: Evidence | None = None


@dataclass
class Event:
    """What the story reports happening, and when (ISO date) where the text says so."""

    type: str = "other"  # one of nlp.events.EVENT_TYPES
    date: str | None = None
    evidence: Evidence | None = None


@dataclass
class Extraction:
    """Everything extracted from one article; `to_dict()` gives the `pantau nlp` JSON shape."""

    offices: list[Office] = field(default_factory=list)
    people: list[Official] = field(default_factory=list)
    nationalities: list[Nationality] = field(default_factory=list)
    counts: list[Count] = field(default_factory=list)
    awards: list[Award] = field(default_factory=list)
    event: Event | None = None

    def to_dict(self) -> dict:
        """The JSON shape; `event` is present only when the pipeline set one."""
        data = asdict(self)
        if data["event"] is None:
            del data["event"]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Extraction:
        """Rebuild the dataclasses from `to_dict()` output (or the plain dicts the pipeline
        components store on the Doc, which survive Doc.to_bytes and nlp.pipe(n_process=2))."""
        evidences: dict[int, Evidence] = {}  # rows of one sentence are often one dict

        def build(kind, row):
            ev = row.get("evidence")
            if ev:
                evidence = evidences.get(id(ev))
                if evidence is None:
                    evidence = evidences[id(ev)] = Evidence(ev["sentence"], ev["start"], ev["end"])
            else:
                evidence = None
            names = _FIELDS[kind]
            if row.keys() == _FIELD_SETS[kind]:  # every field given: no copy, no dict pop
                return kind(*[row[f] for f in names[:-1]], evidence)
            row = dict(row)
            row.pop("evidence", None)
            return kind(**row, evidence=evidence)

        lists = {key: [build(k, r) for r in data.get(key) or ()] for key, k in _KINDS.items()}
        event = data.get("event")
        return cls(**lists, event=build(Event, event) if event else None)


_KINDS = {"offices": Office, "people": Official, "nationalities": Nationality,
          "counts": Count, "awards": Award}
# Field names in order, evidence last (from_dict passes the others by position).
_FIELDS = {k: tuple(f.name for f in fields(k)) for k in (*_KINDS.values(), Event)}
_FIELD_SETS = {k: set(names) for k, names in _FIELDS.items()}
assert all(names[-1] == "evidence" for names in _FIELDS.values())
