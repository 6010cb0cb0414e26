"""NLP throughput: nlp.extract over generated ~400-word articles, next to the bare tokenizer.

Usage: .venv/bin/python benchmarks/nlp_throughput.py [--articles 10000] [--processes 2]
Prints one JSON line per row (bare tokenizer; nlp.extract in one process; spaCy's
nlp.pipe(n_process) plus nlp.from_doc; nlp.extract_many(n_process), Pantau's worker pool) with
articles/s, words/s and the peak memory (max RSS of this process and of its children). The
articles are invented from the templates below: no real news text is used.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# ---- invented vocabulary ---------------------------------------------------------------------
PLACES = ("Serang", "Tangerang", "Cilegon", "Bekasi", "Bogor", "Malang", "Batam", "Medan",
          "Kendari", "Depok", "Ambon", "Jayapura", "Mataram", "Pontianak", "Palu", "Blitar",
          "Kediri", "Sukabumi", "Cirebon", "Tegal", "Pekanbaru", "Dumai", "Bitung", "Sorong")
FIRST = ("Budi", "Ahmad", "Rina", "Dewi", "Hendra", "Agus", "Siti", "Yusuf", "Made", "Nyoman",
         "Fajar", "Irwan", "Lestari", "Taufik", "Wulan", "Bambang", "Teguh", "Ratna")
LAST = ("Santoso", "Pratama", "Wijaya", "Kurniawan", "Saputra", "Hidayat", "Nugroho",
        "Siregar", "Lubis", "Simanjuntak", "Hasibuan", "Setiawan", "Gunawan", "Rahmawati")
COUNTRIES = ("Nigeria", "India", "Malaysia", "Tiongkok", "RRT", "Bangladesh", "Filipina",
             "Korea Selatan", "Amerika Serikat", "Rusia", "Prancis", "Mesir", "Yaman", "Vietnam")
NUMBERS = ("dua", "tiga", "empat", "lima", "enam", "tujuh", "sebelas", "dua belas", "5", "8",
           "13", "27", "1.331", "2.045", "150", "seratus dua puluh")
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")
FILLER = (
    "Petugas melakukan pemeriksaan dokumen perjalanan dan izin tinggal secara menyeluruh.",
    "Masyarakat diimbau melapor apabila mengetahui keberadaan orang asing yang mencurigakan.",
    "Kegiatan ini merupakan bagian dari pengawasan keimigrasian yang dilakukan secara rutin.",
    "Pelayanan tetap berjalan normal selama kegiatan berlangsung di kantor masing-masing.",
    "Ia menambahkan bahwa koordinasi dengan instansi terkait terus ditingkatkan setiap bulan.",
    "Hasil pemeriksaan akan dilaporkan kepada pimpinan untuk ditindaklanjuti sesuai aturan.",
    "Tim pengawasan orang asing juga menyisir hotel, apartemen, dan tempat hiburan malam.",
    "Menurutnya, keberhasilan ini tidak lepas dari dukungan pemerintah daerah setempat.",
    "Para pemohon paspor diminta datang tepat waktu sesuai jadwal yang telah ditentukan.",
    "Sosialisasi dilakukan kepada warga di kecamatan dan desa agar tidak mudah tertipu calo.",
    "Undang-Undang Nomor 6 Tahun 2011 tentang Keimigrasian menjadi dasar tindakan tersebut.",
    "Laki-laki dan perempuan yang diperiksa sebagian besar bekerja tanpa izin yang sah.",
)
EVENTS = (
    "Kantor Imigrasi Kelas I TPI {place} mendeportasi {n} WNA asal {country} pada {day} "
    "({d}/{m}) karena melanggar izin tinggal.",
    "Sebanyak {n} warga negara {country} diamankan petugas Kanim {place} dalam operasi "
    "gabungan di wilayah {place2} pada {d} {month} {year}.",
    "Kantor Imigrasi {place} meraih predikat Wilayah Birokrasi Bersih dan Melayani (WBBM) "
    "dari Kementerian PANRB pada {d} {month} {year}.",
    "Unit Layanan Paspor {place} melayani {n} pemohon paspor selama bulan {month} {year}.",
    "Rumah Detensi Imigrasi {place} menampung {n} deteni asal {country} hingga {day} ({d}/{m}).",
)


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


# Made-up words for distinct articles (generate_article distinct=True): 24^3 of them.
SYLLABLES = ("ba", "ki", "lu", "me", "no", "pa", "ri", "su", "ta", "wi", "ya", "ga", "de", "ho",
             "ju", "ka", "lo", "ma", "ne", "pi", "ro", "se", "tu", "za")


def _distinct(paragraph: str, rng: random.Random) -> str:
    """The paragraph with a made-up word after every third word: two articles then share
    hardly any 3-word shingle of it, as two different reports do (pipelines/stories.py)."""
    words = paragraph.split()
    for i in range(len(words) - len(words) % 3, 0, -3):
        words.insert(i, "".join(rng.choice(SYLLABLES) for _ in range(3)))
    return " ".join(words)


def generate_article(rng: random.Random, words: int = 400, distinct: bool = False) -> str:
    """One invented article of about `words` words: events, a quote, and filler paragraphs.

    The filler comes from a short list, so articles share much of their wording and story
    grouping joins most of them into a few giant stories (a worst case); with `distinct` each
    filler paragraph is made the article's own (_distinct) and only reprints share a story.
    """
    place = rng.choice(PLACES)
    paragraphs = []
    count = 0
    while count < words:
        if rng.random() < 0.35:
            para = rng.choice(EVENTS).format(
                place=place, place2=rng.choice(PLACES), n=rng.choice(NUMBERS),
                country=rng.choice(COUNTRIES), day=rng.choice(DAYS), d=rng.randint(1, 28),
                m=f"{rng.randint(1, 12):02d}", month=rng.choice(MONTHS),
                year=rng.randint(2019, 2025))
        elif rng.random() < 0.3:
            para = (f"\"{rng.choice(FILLER)}\" ujar Kepala Kantor Imigrasi {place}, "
                    f"{person(rng)}, kepada wartawan, {rng.choice(DAYS)} ({rng.randint(1, 28)}/"
                    f"{rng.randint(1, 12):02d}/{rng.randint(2019, 2025)}).")
        else:
            para = " ".join(rng.sample(FILLER, 3))
            if distinct:
                para = _distinct(para, rng)
        paragraphs.append(para)
        count += len(para.split())
    return "\n\n".join(paragraphs)


def generate(n: int, seed: int = 4) -> list[str]:
    rng = random.Random(seed)
    return [generate_article(rng) for _ in range(n)]


def peak_mb() -> dict:
    """Max resident set size of this process and of its (waited-for) children, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_rss_mb": round(own, 1), "peak_rss_children_mb": round(kids, 1)}


def row(name: str, command: str, texts: list[str], seconds: float,
        cpu_seconds: float | None = None) -> dict:
    """One result row; `cpu_seconds` (this process's CPU time) only for one-process rows,
    where articles per CPU-second shows the cost of the code whatever else the machine runs."""
    words = sum(len(t.split()) for t in texts)
    out = {"row": name, "command": command, "articles": len(texts),
           "seconds": round(seconds, 2), "articles_per_s": round(len(texts) / seconds, 1),
           "words_per_s": round(words / seconds)}
    if cpu_seconds is not None:
        out.update(cpu_seconds=round(cpu_seconds, 2),
                   articles_per_cpu_s=round(len(texts) / cpu_seconds, 1),
                   words_per_cpu_s=round(words / cpu_seconds))
    return {**out, **peak_mb()}


class Timer:
    """Wall-clock and CPU time of a block."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--block", type=int, default=250,
                        help="Articles timed at a time, the tokenizer's and nlp.extract's "
                             "blocks taking turns.")
    args = parser.parse_args()

    import spacy

    import nlp

    texts = generate(args.articles)
    base = (f".venv/bin/python benchmarks/nlp_throughput.py --articles {args.articles} "
            f"--processes {args.processes}")
    rows = []

    # The bare tokenizer and nlp.extract take turns, a block of articles each, so that both
    # meet the same machine: on a shared machine, one timed after the other could meet a
    # different load, and the ratio would measure the load as much as the code.
    bare = spacy.blank("id")
    nlp.load_pipeline()  # built once, outside the timing
    timed = {"bare": [0.0, 0.0], "extract": [0.0, 0.0]}
    for a in range(0, len(texts), args.block):
        block = texts[a : a + args.block]
        for name, run in (("bare", bare.make_doc), ("extract", nlp.extract)):
            with Timer() as t:
                for text in block:
                    run(text)
            timed[name][0] += t.wall
            timed[name][1] += t.cpu
    rows.append(row("bare spacy.blank('id') tokenizer", base, texts, *timed["bare"]))
    rows.append(row("nlp.extract, one process", base, texts, *timed["extract"]))

    pipeline = nlp.load_pipeline()
    start = time.perf_counter()
    for doc in pipeline.pipe(texts, n_process=args.processes, batch_size=args.batch_size):
        nlp.from_doc(doc)
    rows.append(row(f"nlp.pipe(n_process={args.processes}) + nlp.from_doc", base, texts,
                    time.perf_counter() - start))

    start = time.perf_counter()
    for _ in nlp.extract_many(texts, n_process=args.processes, batch_size=args.batch_size):
        pass
    rows.append(row(f"nlp.extract_many(n_process={args.processes})", base, texts,
                    time.perf_counter() - start))

    for r in rows:
        print(json.dumps(r, ensure_ascii=False))
    print(json.dumps({"one_process_vs_bare_tokenizer": round(rows[1]["seconds"]
                                                            / rows[0]["seconds"], 2),
                      "one_process_vs_bare_tokenizer_cpu": round(rows[1]["cpu_seconds"]
                                                                / rows[0]["cpu_seconds"], 2),
                      "load_average": [round(x, 2) for x in os.getloadavg()]}))


if __name__ == "__main__":
    main()
