"""The pantau_officials component: named officials with their role as written, linked to offices."""

from __future__ import annotations

import re

from rapidfuzz import fuzz
from spacy.language import Language
from spacy.tokens import Doc

from nlp.gazetteer import fold
from nlp.offices import (
    Mention,
    OfficeFinder,
    Word,
    Words,
    _trie_longest,
    doc_words,
    evidence_for,
    last_mentions,
)
from nlp.schema import Official
from nlp.sentences import token_texts

# ---- vocabulary (folded words) -------------------------------------------------------------
# Titles that open a role. "Plt"/"Wakil" chain into the next title ("Plt Kepala ...").
TITLES = (
    ("direktur", "jenderal"),
    ("sekretaris", "jenderal"),
    ("analis", "keimigrasian"),
    ("juru", "bicara"),
    ("wali", "kota"),
    ("kepala", "desa"),
    ("pelaksana", "tugas"),
    ("kepala",),
    ("kakanim",),
    ("kakanwil",),
    ("kadiv",),
    ("kabid",),
    ("kabag",),
    ("kasi",),
    ("kasie",),
    ("kasubsi",),
    ("kasubbag",),
    ("kasubag",),
    ("kasubdit",),
    ("kasubbid",),
    ("dirjen",),
    ("direktur",),
    ("sekjen",),
    ("sesditjen",),
    ("bupati",),
    ("walikota",),
    ("gubernur",),
    ("menteri",),
    ("menkumham",),
    ("wamenkumham",),
    ("menimipas",),
    ("wamenimipas",),
    ("ketua",),
    ("anggota",),
    ("kapolres",),
    ("kapolresta",),
    ("kapolda",),
    ("kapolsek",),
    ("kajari",),
    ("kajati",),
    ("pejabat",),
    ("jubir",),
    ("koordinator",),
    ("presiden",),
    ("camat",),
    ("kasat",),
    ("kanit",),
    ("kasatreskrim",),
    ("dandim",),
    ("plt",),
    ("plh",),
    ("pj",),
    ("wakil",),
    ("sekretaris",),
    ("atase",),
    ("konsul",),
    ("duta", "besar"),
    ("dubes",),
    ("komisioner",),
    ("deputi",),
    ("asisten",),
)
CHAIN_TITLES = {"plt", "plh", "pj", "wakil", "pelaksana"}
# Titles that name a full role on their own ("Menkumham Yasonna Laoly").
SELF_CONTAINED = {
    "menkumham",
    "wamenkumham",
    "menimipas",
    "wamenimipas",
    "presiden",
    "sekjen",
    "kapolres",
    "kapolresta",
    "kapolda",
    "kapolsek",
    "kajari",
    "kajati",
    "dandim",
    "camat",
    "dirjen",
    "jubir",
    "sesditjen",
}
# Capitalised words that belong to a role or unit name, never to a person's name.
ROLE_WORDS = set(
    """
bidang seksi subseksi sub subbidang bagian subbagian divisi direktorat direktur deputi biro
keimigrasian imigrasi intelijen kepatuhan internal teknologi informasi komunikasi izin tinggal
status dokumen perjalanan lalu lintas lalintalkim inteldakim tikim wasdakim lantaskim infokim
tikkim intaldakim dokjal intalkim tata usaha umum humas hubungan masyarakat pelayanan publik
penegakan penindakan pengawasan hukum kerja sama kerjasama program pelaporan keuangan
kepegawaian perwakilan ombudsman ri republik indonesia provinsi kabupaten kota kantor wilayah
pemeriksaan tempat tpi sekretariat jenderal sekretaris analis pertama muda madya utama ahli
penyidik pegawai negeri sipil ppns fungsional pejabat kementerian ham hak asasi manusia
kemenkumham kumham imipas pemasyarakatan kemenimipas ditjen dirjen rudenim detensi rumah unit
layanan paspor polres polda polri satreskrim reskrim kepolisian resor daerah kelas khusus non
ii iii satu dua tiga kanim kanwil kantor administrasi registrasi fasilitas lintas batas
operasional sistem manajemen kepala subdirektorat substansi pengelolaan data strategis
verifikasi pengungsi luar negeri dalam kerja sama antar instansi urusan pusat cabang daerah
dprd dpr komisi badan dinas tenaga kerja polisi ppkd tim timpora satgas pos kecamatan desa
""".split()
)
CONNECTORS = {"dan", "&"}
# Capitalised words that end a name: weekdays, months, sentence openers, prepositions.
NAME_STOP = set(
    """
senin selasa rabu kamis jumat sabtu minggu januari februari maret april mei juni juli agustus
september oktober november desember saat ketika dalam di pada kepada dari untuk usai selaku
yang bahwa menurut kata ujar dan serta atas bersama sebagai melalui sementara ia dia mereka
kami pihaknya foto jadi namun meski sedangkan adapun kemudian lalu selain bahkan hal itu ini
tersebut pun juga telah akan sudah no nomor nomer
""".split()
)
# Honorifics and ranks before a name; dropped from the name.
HONORIFICS = set(
    """
h hj dr drs dra ir prof kh kombes akbp akp kompol iptu ipda aiptu brigjen irjen komjen jenderal
kol kolonel letkol mayor kapten bapak ibu pak bu sdr saudara tn ny pol polri
""".split()
)
# Title-case headlines ("Kakanim Bogor Ajak Warga ...") put verbs where a name would be.
HEADLINE_WORDS = set(
    """
ajak beri berikan gelar tegaskan minta imbau raih terima sambut pimpin buka tutup resmikan
serahkan lantik pantau tinjau dorong dukung apresiasi harap hadiri ikuti tanggapi jelaskan ungkap
bantah kunjungi sampaikan pastikan siap targetkan paparkan cek lakukan terbitkan deportasi
amankan tangkap periksa tolak dampingi sosialisasikan luncurkan lepas ingatkan tekankan perkuat
tingkatkan evaluasi rapat audiensi silaturahmi ucapkan sebut klaim catat akui nilai borong
raup sabet bawa gandeng jalin teken tandatangani layani awasi cegah tindak usir pulangkan
""".split()
)
VERB_SHAPE = re.compile(
    r"^(?:me|mem|men|meng|meny|ber|di|ter|per)[a-z]{3,}(?:kan|nya)$"
    r"|^(?:meng|meny|mem|men)[a-z]{4,}i$"
)
IMMIGRATION_WORDS = ("imigrasi", "keimigrasian")
FUZZY_ROLE_WORD = 85  # "Dirjen Imgrasi Ronny Sompie": a typo of a role word is still a role word
MAX_NAME_TOKENS = 6
NAME_TOKEN_RE = re.compile(r"^[A-Z][A-Za-z'’`]*$|^(?:[A-Z]\.){1,3}$")
INITIALS_RE = re.compile(r"^(?:[A-Z]\.){1,3}$|^[A-Z]{1,3}$")
APPOSITION_WORDS = {"selaku", "sebagai"}

if not Doc.has_extension("pantau_people"):  # also registered by nlp.pipeline
    Doc.set_extension("pantau_people", default=None)

_TITLE_INDEX: dict[str, list[tuple[str, ...]]] = {}
for _t in TITLES:
    _TITLE_INDEX.setdefault(_t[0], []).append(_t)


# Lower-case words of the Doc being processed (one slot, like nlp.sentences.token_texts).
_LOWER: list = []


def _is_role_word(w: Word) -> bool:
    if w.word in ROLE_WORDS:
        return True
    return (
        w.upper
        and len(w.word) >= 6
        and w.word.isalpha()
        and max(fuzz.ratio(w.word, r) for r in IMMIGRATION_WORDS) >= FUZZY_ROLE_WORD
    )


class OfficialFinder:
    """Finds title + name phrases and links the role to an office."""

    def __init__(self, offices: OfficeFinder):
        """Args:
        offices: the office finder whose gazetteer links roles ("Kakanim Serang") to offices.
        """
        self.offices = offices

    def _title_at(self, words: Words, i: int) -> int:
        """Index after a (possibly chained) title at i, or i if there is none."""
        j = i
        while j < len(words):
            for t in _TITLE_INDEX.get(words[j].word, ()):
                if tuple(words.word[j : j + len(t)]) == t:
                    j += len(t)
                    break
            else:
                break
            if words[j - 1].word not in CHAIN_TITLES:
                break
            if j < len(words) and words[j].word == ".":
                j += 1
        return j

    def __call__(self, doc: Doc) -> Doc:
        mentions = last_mentions(doc)
        if mentions is None:
            mentions = self.offices.mentions(doc)
        by_tok = {m.start: m for m in mentions}
        words = doc_words(doc)
        doc_offices = {}
        for m in mentions:
            if m.office_id:
                doc_offices.setdefault(m.kind, set()).add(m.office_id)
        people: list[Official] = []
        i = 0
        while i < len(words):
            if words.word[i] not in _TITLE_INDEX:
                i += 1
                continue
            w = words[i]
            j = self._title_at(words, i)
            if j == i or not (w.upper or words[j].tok in by_tok if j < len(words) else False):
                i += 1
                continue
            found = self._role_and_name(doc, words, i, j, by_tok, doc_offices)
            if found:
                people.append(found[0])
                i = found[1]
            else:
                i = j
        doc._.pantau_people = _dedupe(people)
        return doc

    def _role_and_name(self, doc, words, i, j, by_tok, doc_offices):
        """Parse the role after a title and find the name after (or before) it."""
        title_words = {w.word for w in words[i:j]}
        role_end, office_id, kinds, content = j, None, [], 0
        k = j
        name_at = None
        while k < len(words):
            w = words[k]
            m: Mention | None = by_tok.get(w.tok)
            if m is not None and (k == 0 or words[k - 1].tok != w.tok):
                kinds.append(m.kind)
                if m.office_id:
                    office_id = m.office_id
                while k < len(words) and words[k].tok < m.end:
                    k += 1
                role_end, content = k, content + 1
                k = self.offices._paren(words, k)
                continue
            if w.upper and _is_role_word(w):
                k, role_end, content = k + 1, k + 1, content + 1
                continue
            if (
                w.word in CONNECTORS
                and k + 1 < len(words)
                and words[k + 1].upper
                and _is_role_word(words[k + 1])
            ):
                k += 1
                continue
            if w.word == "(":
                k = self.offices._paren(words, k)  # "Kepala Seksi ... (Inteldakim) Kantor ..."
                if k > role_end:
                    continue
                name_at = None
                break
            # a place names the region of a title ("Bupati Sleman"), never follows an office
            after_office = bool(kinds) and role_end == k
            if after_office:
                place_end = self.offices._region(words, k)  # "Kanim Kendari Sulawesi Tenggara"
            else:
                place_end = self.offices._general_place(words, k)
            if place_end > k:
                if office_id is None:
                    office_id = self._office_by_place(words[k:place_end], title_words)
                k, role_end, content = place_end, place_end, content + 1
                continue
            if (
                w.word == ","
                and k + 1 < len(words)
                and (
                    words[k + 1].tok in by_tok
                    or (words[k + 1].upper and _is_role_word(words[k + 1]))
                )
            ):
                k += 1  # "Kepala Bidang ..., Kantor Imigrasi Jakarta Selatan, <name>"
                continue
            name_at = k + 1 if w.word == "," else k
            break
        title_only = content == 0
        if title_only and not (title_words & SELF_CONTAINED):
            return None
        name = self._name_after(doc, words, name_at) if name_at is not None else None
        if name is None:
            name = self._name_before(doc, words, i)
            next_i = role_end
        else:
            next_i = name[2]
        if name is None:
            return None
        if office_id is None:
            office_id = self._office_by_role(kinds, title_words, doc_offices)
        role_span = doc[words[i].tok : words[role_end - 1].tok + 1]
        name_span = doc[name[0] : name[1]]
        return Official(
            name=name_span.text,
            role=role_span.text,
            office_id=office_id,
            evidence=evidence_for(name_span),
        ), next_i

    def _office_by_place(self, place_words: Words, title_words: set[str]) -> str | None:
        """ "Kakanim Serang" / "Kakanwil Jatim": the title says the kind, the place says which."""
        kind = (
            "kantor_imigrasi"
            if "kakanim" in title_words
            else "kanwil_imigrasi"
            if title_words & {"kakanwil", "kadiv"}
            else None
        )
        if kind is None:
            return None
        end, oid = _trie_longest(self.offices.tries.get(kind, {}), place_words, 0)
        return oid if end == len(place_words) else None

    def _office_by_role(self, kinds, title_words, doc_offices) -> str | None:
        """A role naming an office without its place ("Kepala Kantor Imigrasi") means the one
        office of that kind the story names; "Dirjen Imigrasi" is the directorate general."""
        if "dirjen" in title_words or ("direktur" in title_words and "jenderal" in title_words):
            return self.offices.ditjen_id
        for kind in (*kinds, *(["kantor_imigrasi"] if "kakanim" in title_words else [])):
            ids = doc_offices.get(kind, set())
            if len(ids) == 1:
                return next(iter(ids))
        return None

    @staticmethod
    def _name_tokens(doc: Doc, start: int, step: int) -> list[int]:
        """Token indices of a name run from `start` going forward (step 1) or backward (-1)."""
        toks, t = [], start
        while 0 <= t < len(doc) and len(toks) < MAX_NAME_TOKENS:
            tok = doc[t]
            text = tok.text
            if text == "-" and toks and not tok.whitespace_ and not doc[t - 1].whitespace_:
                t += step  # "Abdul-Rahman"
                continue
            low = fold(text)
            if (
                not NAME_TOKEN_RE.match(text)
                or low in NAME_STOP
                or low in ROLE_WORDS
                or low in HEADLINE_WORDS
                or VERB_SHAPE.match(low)
            ):
                if not (toks or step < 0) and low.rstrip(".") in HONORIFICS:
                    t += step
                    continue
                break
            if low.replace(" ", "") in HONORIFICS and step > 0 and not toks:
                t += step
                continue
            toks.append(t)
            t += step
        return sorted(toks)

    @staticmethod
    def _valid(doc: Doc, toks: list[int]) -> bool:
        """A name has a real word in it: suspects' initials ("SK", "AB") are not names, and a
        first word the article also writes in lower case ("Tinjau" / "tinjau") is a verb."""
        if not toks:
            return False
        if not (_LOWER and _LOWER[0] is doc):
            _LOWER[:] = [doc, {t for t in token_texts(doc)[0] if t.islower()}]
        lower_words = _LOWER[1]
        if doc[toks[0]].text.lower() in lower_words:
            return False
        full = [t for t in toks if not INITIALS_RE.match(doc[t].text)]
        if not full:
            return False
        # Initials only in front of a full name ("SM Godam"), and acronyms are not names.
        return all(len(doc[t].text) > 1 or doc[t].text.isupper() for t in toks) and not any(
            doc[t].text.isupper() and len(doc[t].text) > 3 for t in toks
        )

    def _name_after(self, doc, words, k):
        if k >= len(words):
            return None
        toks = self._name_tokens(doc, words[k].tok, 1)
        while toks and INITIALS_RE.match(doc[toks[-1]].text):
            toks.pop()  # initials end no name
        if not self._valid(doc, toks):
            return None
        end_tok = toks[-1] + 1
        next_i = k
        while next_i < len(words) and words[next_i].tok < end_tok:
            next_i += 1
        return toks[0], end_tok, next_i

    def _name_before(self, doc, words, i):
        """ "ujar Budi Santoso, Kepala ..." / "Budi selaku Kepala ..."."""
        t = words[i].tok - 1
        if t < 1 or (doc[t].text != "," and doc[t].lower_ not in APPOSITION_WORDS):
            return None
        toks = self._name_tokens(doc, t - 1, -1)
        if not toks or not self._valid(doc, toks):
            return None
        before = toks[0] - 1
        # The run must start a clause: "ujar Budi, Kepala", not "Kantor Imigrasi Bogor, Kepala".
        if before >= 0 and (doc[before].text[:1].isupper() and not doc[before].is_punct):
            return None
        return toks[0], toks[-1] + 1, i


def _name_key(name: str) -> frozenset[str]:
    return frozenset(w for w in fold(name).split() if len(w) > 1)


def _dedupe(people: list[Official]) -> list[Official]:
    """One entry per person: "Reza" and "Muhammad Reza Alkahfi", or a misspelt surname, merge."""
    out: list[Official] = []
    for p in people:
        key = _name_key(p.name)
        for q in out:
            qkey = _name_key(q.name)
            if (
                key <= qkey
                or qkey <= key
                or fuzz.ratio(" ".join(sorted(key)), " ".join(sorted(qkey))) >= 88
            ):
                if len(key) > len(qkey):
                    q.name = p.name
                if (p.office_id and not q.office_id) or (
                    bool(p.office_id) == bool(q.office_id) and len(p.role or "") > len(q.role or "")
                ):
                    q.role, q.office_id, q.evidence = p.role, p.office_id, p.evidence
                break
        else:
            out.append(p)
    return out


@Language.factory("pantau_officials", assigns=["doc._.pantau_people"], default_config={})
def make_official_finder(nlp: Language, name: str) -> OfficialFinder:
    """Build pantau_officials, sharing pantau_offices' gazetteer when it is in the pipeline."""
    if "pantau_offices" in nlp.pipe_names:
        return OfficialFinder(nlp.get_pipe("pantau_offices"))
    return OfficialFinder(OfficeFinder())
