"""Scale build: generate N articles, store them, then run `pantau extract` over all of them.

Usage:
    .venv/bin/python benchmarks/scale_build.py --articles 100000 --workers 2 --db /tmp/scale/100k.db
    .venv/bin/python benchmarks/scale_build.py --readme     # table from the runs logged so far

Each run builds a new database at --db: N invented articles of about 400 words
(nlp_throughput.generate_article; 40 outlets, dates spread over 2019-2026), then runs
pipelines.extract.run_extract with --workers, and prints one JSON line: wall and CPU seconds per
phase (load, extract + store, stories, events, summaries), articles/s, the peak RSS of this
process and of the NLP workers, and the database size. Each line is also appended to --log;
--readme writes the "Scale build" section of benchmarks/README.md from the latest logged run
of each size, with how time, memory and size grow with N and a projection to 1,000,000.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import os
import random
import resource
import shutil
import sys
import time
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from nlp_throughput import (  # noqa: E402
    COUNTRIES,
    DAYS,
    FILLER,
    MONTHS,
    NUMBERS,
    _distinct,
    generate_article,
    person,
)
from readme import replace_section  # noqa: E402

from crawler.sources import Source  # noqa: E402
from pipelines.db import open_db  # noqa: E402
from pipelines.extract import run_extract  # noqa: E402
from pipelines.schema import ARTICLE_COLUMNS  # noqa: E402
from pipelines.search import UPSERT_STEMS_SQL, stems  # noqa: E402
from pipelines.store import content_hash, upsert_sources  # noqa: E402

SECTION = "## Scale build (`scale_build.py`)"
README = ROOT / "benchmarks" / "README.md"
LOG = Path("/tmp/scale_build.jsonl")
OUTLETS = 40
LOADED_SUFFIX = ".loaded.json"  # beside a loaded corpus: its size, kind and load time
LOAD_BATCH = 1000  # articles per transaction while loading the corpus
PHASES = ("load", "extract", "stories", "events", "summaries")
TARGET_ARTICLES, TARGET_SECONDS, TARGET_RSS_MB = 1_000_000, 1800, 2048


CORPUS_SINCE, CORPUS_UNTIL = datetime(2019, 1, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)

# The news corpus (article_rows news=True): each immigration office of the gazetteer has a
# happening every HAPPENING_DAYS days on average (a Poisson process: some weeks two, some
# months none), and an article about an office reports its latest happening when that is at
# most REPORT_DAYS old; otherwise it is general coverage (socialisation, service, quotes) with
# no figure. Most articles are then distinct, a happening is reported by a few outlets, and an
# office's events do not chain into one (as the giant-story corpus's daily figures do).
HAPPENING_DAYS = 21
REPORT_DAYS = 4
HAPPENINGS = (
    "Kantor Imigrasi {place} mendeportasi {n} WNA asal {country} pada {day} ({d}/{m}/{year}) "
    "karena melanggar izin tinggal.",
    "Sebanyak {n} warga negara {country} diamankan petugas Kantor Imigrasi {place} dalam "
    "operasi pengawasan pada {day} ({d}/{m}/{year}).",
    "Kantor Imigrasi {place} meraih predikat Wilayah Birokrasi Bersih dan Melayani (WBBM) "
    "dari Kementerian PANRB pada {d} {month} {year}.",
    "Kantor Imigrasi {place} menolak masuk {n} WNA asal {country} di tempat pemeriksaan "
    "imigrasi pada {day} ({d}/{m}/{year}).",
)
GENERAL = (
    "Kantor Imigrasi {place} menggelar sosialisasi keimigrasian kepada warga dan pelajar "
    "di wilayah kerjanya pada {day} ({d}/{m}/{year}).",
    "Kantor Imigrasi {place} membuka layanan paspor pada akhir pekan untuk memudahkan "
    "masyarakat, {day} ({d}/{m}/{year}).",
    "Kepala Kantor Imigrasi {place} menerima kunjungan kerja pemerintah daerah setempat "
    "pada {day} ({d}/{m}/{year}).",
)


def _date_fields(ts: float) -> dict:
    when = datetime.fromtimestamp(ts, UTC)
    return {"day": DAYS[when.weekday()], "d": when.day, "m": when.month, "year": when.year,
            "month": MONTHS[when.month - 1]}


def office_happenings(since: datetime = CORPUS_SINCE, until: datetime = CORPUS_UNTIL
                      ) -> dict[str, tuple[list[float], list[str]]]:
    """Each office's happenings over the corpus: place -> (times, lead paragraphs), in time
    order. Drawn from a fixed seed, so a daily update's articles see the same happenings."""
    from nlp.gazetteer import load_offices

    rng = random.Random(21)
    places = sorted({o["place"] for o in load_offices()
                     if o.get("kind") == "kantor_imigrasi" and o.get("place")})
    out = {}
    for place in places:
        times, leads = [], []
        ts = since.timestamp()
        while (ts := ts + rng.expovariate(1 / (HAPPENING_DAYS * 86400))) < until.timestamp():
            times.append(ts)
            leads.append(rng.choice(HAPPENINGS).format(
                place=place, n=rng.choice(NUMBERS), country=rng.choice(COUNTRIES),
                **_date_fields(ts)))
        out[place] = (times, leads)
    return out


def news_article(rng: random.Random, when: float, happenings: dict, words: int = 400) -> str:
    """One distinct article about one office, published at `when`: its latest happening when
    recent (else a general lead without a figure), a quote, and the article's own filler."""
    place = rng.choice(list(happenings))
    times, leads = happenings[place]
    latest = bisect.bisect_right(times, when) - 1
    if latest >= 0 and when - times[latest] <= REPORT_DAYS * 86400:
        lead = leads[latest]
    else:
        lead = rng.choice(GENERAL).format(place=place, **_date_fields(when))
    paragraphs = [lead, f"\"{rng.choice(FILLER)}\" ujar Kepala Kantor Imigrasi {place}, "
                        f"{person(rng)}, kepada wartawan."]
    count = sum(len(p.split()) for p in paragraphs)
    while count < words:
        paragraphs.append(_distinct(" ".join(rng.sample(FILLER, 3)), rng))
        count += len(paragraphs[-1].split())
    return "\n\n".join(paragraphs)


def article_rows(n: int, seed: int = 11, first: int = 0, since: datetime = CORPUS_SINCE,
                 until: datetime = CORPUS_UNTIL, reprints: float | None = None,
                 news: bool = False):
    """N invented articles as `articles` rows, with the columns store_article would write,
    numbered from `first` and published between `since` and `until`.

    reprints: None for the giant-story corpus (generate_article); else the articles are
    distinct and this share of them reprints a recent one (another outlet, a dateline added,
    published up to two days later), as syndicated press releases are.
    news: with reprints, the originals are news_article()s (offices' happenings every few
    weeks, office_happenings) instead of generate_article(distinct=True)'s random figures.
    """
    rng = random.Random(seed)
    happenings = office_happenings() if news else None
    start = since.timestamp()
    span = until.timestamp() - start
    recent: list[tuple[str, float]] = []  # (text, timestamp) of the last originals
    for i in range(first, first + n):
        outlet = rng.randrange(OUTLETS)
        if reprints is not None and recent and rng.random() < reprints:
            text, when = rng.choice(recent)
            text = f"{rng.choice(('JAKARTA', 'SERANG', 'BATAM', 'MEDAN'))} - {text}"
            when = min(when + rng.random() * 2 * 86400, until.timestamp())
        else:
            when = start + rng.random() * span
            text = (news_article(rng, when, happenings) if happenings
                    else generate_article(rng, distinct=reprints is not None))
            recent = [*recent[-99:], (text, when)]
        published = datetime.fromtimestamp(when, UTC).isoformat()
        row = {"article_id": f"a{i:07d}", "url": f"https://outlet{outlet}.example/berita/{i}",
               "source": f"outlet-{outlet}", "title": f"{text.split('.')[0][:80]} ({i})",
               "published": published, "section": rng.choice(("Hukum", "Daerah", "Nasional")),
               "language": "id", "text": text, "discovered_by": "sitemap",
               "fetched_at": published, "on_topic": 1}
        # Derived exactly as pipelines.store.store_article derives them.
        row.update(content_hash=content_hash(row), published_date=published[:10],
                   year=int(published[:4]), month=published[:7], first_seen=published)
        yield row


def load_articles(db, n: int, **corpus) -> None:
    """Insert the corpus, LOAD_BATCH articles per transaction.

    Not through pipelines.store.store_article: it commits once per article (a WAL sync each),
    about 6 ms per article here against about 2 ms batched, which would make loading the
    corpus the slowest phase; the rows carry the same columns and derived values. `corpus`:
    article_rows' seed, first and date span.
    """
    upsert_sources(db, [Source(name=f"Outlet {i}", start_urls=(f"https://outlet{i}.example/",),
                               slug=f"outlet-{i}",
                               url_prefixes=(f"https://outlet{i}.example/",))
                        for i in range(OUTLETS)])
    columns = None
    rows = article_rows(n, **corpus)
    while True:
        batch = list(islice(rows, LOAD_BATCH))
        if not batch:
            return
        columns = columns or list(batch[0])
        unknown = set(columns) - set(ARTICLE_COLUMNS)
        assert not unknown, f"not article columns: {unknown}"
        with db.conn:  # one transaction per batch
            # Stems first, as store_article writes them: the insert trigger then indexes each
            # article once (without them the next open_db would rebuild the whole index).
            db.conn.executemany(UPSERT_STEMS_SQL, [(row["article_id"], stems(row["title"],
                                                                           row["text"]))
                                                   for row in batch])
            db.conn.executemany(
                f"insert into articles ({', '.join(columns)}) "
                f"values ({', '.join('?' for _ in columns)})",
                [tuple(row[c] for c in columns) for row in batch])


def database_mb(path: Path) -> float:
    return round(sum(os.path.getsize(f"{path}{s}") for s in ("", "-wal")
                     if os.path.exists(f"{path}{s}")) / 2**20, 1)


def peak_rss_mb() -> dict:
    """Max RSS of this process and of its largest waited-for child (an NLP worker), in MB."""
    return {"peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "peak_rss_workers_mb":
                round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(n: int, workers: int, db_path: Path, reprints: float | None = None,
          news: bool = False, loaded: Path | None = None, load_only: bool = False) -> dict:
    """Build a database of n articles and their facts; the result row.

    loaded: a copy of the loaded corpus (a load_only run's --db) to start from instead of
    generating and loading it again (an hour at 1,000,000 on a shared machine); its load time
    is the one recorded beside it (LOADED_SUFFIX). load_only: stop after loading.
    """
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    seconds, cpu = {}, {}
    wall, own = time.perf_counter(), time.process_time()
    if loaded:
        recorded = json.loads(Path(f"{loaded}{LOADED_SUFFIX}").read_text(encoding="utf-8"))
        if recorded["articles"] != n or recorded["corpus"] != corpus_name(reprints, news):
            raise SystemExit(f"{loaded} holds {recorded['articles']} articles of the corpus "
                             f"{recorded['corpus']!r}, not {n} of {corpus_name(reprints, news)!r}")
        shutil.copyfile(loaded, db_path)
        seconds["load"], cpu["load"] = recorded["seconds"], recorded["cpu_seconds"]
        copied = time.perf_counter() - wall
    else:
        db = open_db(db_path)
        load_articles(db, n, reprints=reprints, news=news)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the whole corpus in the one file
        db.close()
        seconds["load"], cpu["load"] = time.perf_counter() - wall, time.process_time() - own
        copied = None
        Path(f"{db_path}{LOADED_SUFFIX}").write_text(json.dumps(
            {"articles": n, "corpus": corpus_name(reprints, news), "seconds": seconds["load"],
             "cpu_seconds": cpu["load"]}), encoding="utf-8")
    if load_only:
        return {"articles": n, "corpus": corpus_name(reprints, news), "load_only": True,
                "seconds": {k: round(v, 1) for k, v in seconds.items()},
                "db_mb_articles_only": database_mb(db_path)}
    size_articles = database_mb(db_path)
    progress_every = max(n // 10, 1)

    def progress(done: int, total: int) -> None:
        if done == total or done // progress_every != (done - 1) // progress_every:
            print(f"extracted {done}/{total}", file=sys.stderr, flush=True)

    own, kids = time.process_time(), children_cpu()
    # CPU seconds of each phase, this process and its (reaped) workers together: steadier than
    # wall time on a shared machine. A phase's workers are reaped before the next one starts.
    marks = [("extract", own, kids)]

    def mark(name: str) -> None:
        marks.append((name, time.process_time(), children_cpu()))

    result = run_extract(db_path, workers=workers, progress=progress, phase=mark)
    mark("end")
    seconds.update(result["seconds"])
    cpu["extract_all_phases"] = time.process_time() - own
    cpu["workers"] = children_cpu() - kids
    for (name, main_a, kids_a), (_, main_b, kids_b) in zip(marks, marks[1:], strict=False):
        cpu[f"{name}_main"] = main_b - main_a
        cpu[f"{name}_workers"] = kids_b - kids_a
    extract_seconds = sum(result["seconds"].values())
    return {
        "command": f".venv/bin/python benchmarks/scale_build.py --articles {n} "
                   f"--workers {workers} --db {db_path}"
                   + (f" --reprints {reprints}" if reprints is not None else "")
                   + (" --news" if news else "") + (f" --loaded {loaded}" if loaded else ""),
        "corpus": corpus_name(reprints, news),
        "run": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "articles": n,
        "workers": workers, "facts": result["facts"], "events": result["events"],
        "shared_stories": result["shared_stories"],
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
        "cpu_seconds": {k: round(v, 1) for k, v in cpu.items()},
        "extract_to_summaries_s": round(extract_seconds, 1),
        "articles_per_s_extract_store": round(n / seconds["extract"], 1),
        "articles_per_s_all_after_load": round(n / extract_seconds, 1),
        **peak_rss_mb(), "db_mb_articles_only": size_articles, "db_mb": database_mb(db_path),
        "articles_loaded_by": "batched INSERT in scale_build.py (store_article commits per "
                              "article)" + (f"; copied from {loaded} in {copied:.0f} s"
                                            if loaded else ""),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def corpus_name(reprints: float | None, news: bool = False) -> str:
    if reprints is None:
        return "giant stories"
    if news:
        return (f"news: a happening per office every ~{HAPPENING_DAYS} days, "
                f"{reprints:.0%} reprints")
    return f"distinct articles, {reprints:.0%} reprints"


def growth(a: dict, b: dict, value) -> float:
    """Exponent k with value ~ N^k between two runs (1 = linear)."""
    va, vb = value(a), value(b)
    if not va or not vb or a["articles"] == b["articles"]:
        return float("nan")
    return math.log(vb / va) / math.log(b["articles"] / a["articles"])


def project(runs: list[dict], n: int = TARGET_ARTICLES) -> dict:
    """Seconds per phase at n articles, from the two largest runs' growth (else linear)."""
    big = runs[-1]
    small = runs[-2] if len(runs) > 1 else None
    out = {}
    for phase in PHASES[1:]:
        t = big["seconds"].get(phase)
        if not t:
            continue
        k = growth(small, big, lambda r, p=phase: r["seconds"].get(p)) if small else 1.0
        k = 1.0 if math.isnan(k) else max(k, 1.0)  # never project better than linear
        out[phase] = round(t * (n / big["articles"]) ** k)
    return out


def sampled_peak_mb(log: Path) -> dict:
    """The peaks of a benchmarks/sample_memory.sh log: sum of RSS and sum of PSS, in MB."""
    peaks = {"rss_sum_mb": 0, "pss_sum_mb": 0}
    for line in log.read_text(encoding="utf-8").splitlines():
        fields = dict(f.split("=") for f in line.split()[1:] if "=" in f)
        for key in peaks:
            peaks[key] = max(peaks[key], int(fields.get(key, 0)))
    return peaks


def _cpu(r: dict, phase: str) -> float | None:
    """CPU seconds of a phase, this process and its workers (runs logged since they were)."""
    c = r["cpu_seconds"]
    if f"{phase}_main" not in c:
        return None
    return c[f"{phase}_main"] + c.get(f"{phase}_workers", 0)


def _stage_cpu(r: dict) -> float | None:
    parts = [_cpu(r, p) for p in PHASES[1:]]
    return None if None in parts else sum(parts)


def write_readme(runs: list[dict], memory: dict[int, Path] | None = None,
                 notes: list[str] = ()) -> None:
    """Replace (or add) the Scale build section of benchmarks/README.md.

    Args:
        runs: the logged runs (the latest of each size is shown).
        memory: articles -> a benchmarks/sample_memory.sh log of that run.
        notes: more notes (what the log does not say, e.g. which commit each run measured).
    """
    runs = sorted({r["articles"]: r for r in runs}.values(), key=lambda r: r["articles"])
    sampled = {n: sampled_peak_mb(path) for n, path in (memory or {}).items()}
    lines = [SECTION, "",
             "A whole extract stage at scale: N generated articles of about 400 words, 40 "
             "outlets, dates 2019-2026, then `pipelines.extract.run_extract` with 2 NLP "
             "workers: extract + store (facts and story signatures in one transaction per 500 "
             "articles; on a first load the fact tables' secondary indexes are built at the "
             "end), stories, events, summaries. Target on this 2-core machine: 1,000,000 "
             "articles through the whole stage in under 30 minutes, peak memory (PSS of all "
             "processes) under 2 GB.", "",
             "Command for each row: `.venv/bin/python benchmarks/scale_build.py --articles N "
             "--reprints 0.2 --news --workers 2 --db PATH` (one JSON line per run, appended to "
             "`--log`; `--loaded DB` starts from a copy of a corpus a `--load-only` run "
             "loaded); this section: `.venv/bin/python benchmarks/scale_build.py --readme "
             "--log LOG --memory N=LOG`.", "",
             "Wall seconds per phase, then CPU seconds (this process and its NLP workers "
             "together): the machine is shared, and CPU time does not grow with the other "
             "work on it the way wall time does.", "",
             "| articles | corpus | run | load s | extract + store s | stories s | events s | "
             "summaries s | whole stage min | CPU s: extract + store / stories / events / "
             "summaries | whole stage CPU min (÷ 2 cores) | peak RSS MB (main / worker) | "
             "peak memory MB, all processes (RSS / PSS sum) | DB MB | facts | events | "
             "load avg (start → end) |",
             "|---:|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in runs:
        s = r["seconds"]
        cpu = [_cpu(r, p) for p in PHASES[1:]]
        stage_cpu = _stage_cpu(r)
        lines.append(
            f"| {r['articles']:,} | {r['corpus']} | {r['run']} | {s['load']:,.0f} | "
            f"{s['extract']:,.0f} | {s.get('stories', 0):,.1f} | {s.get('events', 0):,.1f} | "
            f"{s.get('summaries', 0):,.1f} | {r['extract_to_summaries_s'] / 60:,.1f} | "
            + (" / ".join(f"{c:,.0f}" for c in cpu) if stage_cpu is not None else "-")
            + " | " + (f"{stage_cpu / 60:,.1f} ({stage_cpu / 120:,.1f})"
                       if stage_cpu is not None else "-")
            + f" | {r['peak_rss_mb']:,} / {r['peak_rss_workers_mb']:,} | "
            + (f"{sampled[n]['rss_sum_mb']:,} / {sampled[n]['pss_sum_mb']:,}"
               if (n := r["articles"]) in sampled else "not sampled")
            + f" | {r['db_mb']:,.0f} | {r['facts']:,} | {r['events']:,} | "
            f"{r['load_average'][0]} → {r['load_average'][1]} |")
    lines += ["", "Notes:", ""]
    target = next((r for r in runs if r["articles"] == TARGET_ARTICLES), None)
    if target:
        whole, extract = target["extract_to_summaries_s"], target["seconds"]["extract"]
        stage_cpu = _stage_cpu(target)
        lines.append(
            f"- Targets at {TARGET_ARTICLES:,} articles: extract + store "
            f"{extract / 60:,.1f} min, the whole stage (extract, stories, events, summaries) "
            f"{whole / 60:,.1f} min wall: {'met' if whole < TARGET_SECONDS else '**not met**'} "
            f"(under {TARGET_SECONDS // 60} min), at the load averages in the table"
            + (f"; its CPU time, {stage_cpu / 60:,.1f} min of one core, is "
               f"{stage_cpu / 120:,.1f} min of both (the least wall time it could take here, "
               "were the cores its own and busy throughout)." if stage_cpu else "."))
        if TARGET_ARTICLES in sampled:
            peak = max(sampled[TARGET_ARTICLES]["pss_sum_mb"], target["peak_rss_mb"])
            verdict = "met" if peak < TARGET_RSS_MB else "**not met**"
            lines.append(
                f"- Peak memory at {TARGET_ARTICLES:,} articles: at most {peak:,} MB, the larger "
                "of the sampled sum of PSS of all processes and the main process's own peak "
                f"RSS (getrusage, between samples): {verdict} (under {TARGET_RSS_MB:,} MB).")
    if len(runs) > 1:
        lines += ["", "How each cost grows with N (exponent k of N^k between consecutive rows; "
                      "1 is linear; wall time, then CPU time of the whole stage):", "",
                  "| from → to | " + " | ".join(PHASES) + " | whole stage | whole stage CPU | "
                  "main RSS | worker RSS | DB size |",
                  "|---|" + "---:|" * (len(PHASES) + 5)]
        for a, b in zip(runs, runs[1:], strict=False):
            def k(value, a=a, b=b):
                g = growth(a, b, value)
                return "" if math.isnan(g) else f"{g:.2f}"
            lines.append(
                f"| {a['articles']:,} → {b['articles']:,} | "
                + " | ".join(k(lambda r, p=p: r["seconds"].get(p)) for p in PHASES)
                + f" | {k(lambda r: r['extract_to_summaries_s'])}"
                + f" | {k(_stage_cpu)}"
                + f" | {k(lambda r: r['peak_rss_mb'])} | {k(lambda r: r['peak_rss_workers_mb'])}"
                + f" | {k(lambda r: r['db_mb'])} |")
        lines.append("")
    if runs and runs[-1]["articles"] < TARGET_ARTICLES:
        p = project(runs)
        total = sum(p.values())
        top = max(p, key=p.get)
        lines.append(
            f"- Projected to {TARGET_ARTICLES:,} articles from the largest runs' per-phase "
            "growth (never better than linear): "
            + ", ".join(f"{phase} {s / 60:,.0f} min" for phase, s in p.items())
            + f"; {total / 60:,.0f} min in all after loading, dominated by {top}. An "
              "estimate, not a measurement.")
    big = runs[-1]
    cpu = big["cpu_seconds"]
    lines += [
        f"- CPU time at {big['articles']:,} articles: the NLP workers (reading, NLP, fact rows "
        f"and story signatures) {cpu['workers'] * 1000 / big['articles']:.2f} ms per article "
        f"(both together), the main process {cpu['extract_all_phases']:,.0f} s over all "
        "phases after loading (listing and storing, stories, events, summaries).",
        "- The news corpus (`--news`): each of the gazetteer's 150 immigration offices has a "
        f"happening every {HAPPENING_DAYS} days on average (Poisson: some weeks two, some months "
        f"none); an article about an office reports its latest happening when that is at most "
        f"{REPORT_DAYS} days old, else it is general coverage with no figure; every filler "
        "paragraph is the article's own, and 20% of the articles reprint a recent one from "
        "another outlet. About 18% of the articles report one of the 20,337 happenings "
        "(2019 to November 2026): at 1,000,000 articles each is reported by about 9.",
        "- Loading the corpus (\"load\") is not part of the target: in Pantau the crawl "
        "stores the articles. The script inserts them in batches of 1,000 through the same "
        "columns as `pipelines.store.store_article`, which commits once per article.",
        "- Memory of all processes together: `benchmarks/sample_memory.sh PID 5` beside the "
        "run, then `scale_build.py --readme --memory N=LOG`. PSS splits the pages the forked "
        "workers share with the main process; the RSS sum counts them once per process.",
        "- Peak RSS is `getrusage` max RSS: the main process (SQLite page cache capped at "
        "256 MB by `pipelines.extract.CACHE_KIB`, the story signature matrix) and the largest "
        "NLP worker (replaced every `nlp.WORKER_BATCHES` batches).",
        *(f"- {note}" for note in notes), ""]
    replace_section(README, SECTION, "\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, help="articles to generate and extract")
    parser.add_argument("--workers", type=int, default=2, help="NLP worker processes")
    parser.add_argument("--reprints", type=float, default=None, metavar="SHARE",
                        help="distinct articles, SHARE of them reprints (default: the corpus "
                             "of giant stories every row of the README section was built with)")
    parser.add_argument("--news", action="store_true",
                        help="with --reprints: the originals report their office's happenings "
                             f"(one every ~{HAPPENING_DAYS} days an office), else no figure")
    parser.add_argument("--load-only", action="store_true",
                        help="generate and load the corpus into --db, then stop (for --loaded)")
    parser.add_argument("--loaded", type=Path, metavar="DB",
                        help="start from a copy of DB, a --load-only run's corpus of the same "
                             "size and kind, instead of generating and loading it again")
    parser.add_argument("--db", type=Path, default=Path("/tmp/scale_build/pantau.db"),
                        help="database to build (replaced)")
    parser.add_argument("--log", type=Path, default=LOG,
                        help="JSON lines file each run is appended to, read by --readme")
    parser.add_argument("--readme", action="store_true",
                        help="write the Scale build section of benchmarks/README.md")
    parser.add_argument("--note", action="append", default=[],
                        help="with --readme: one more note under the table (repeatable)")
    parser.add_argument("--memory", action="append", default=[], metavar="N=LOG",
                        help="with --readme: the benchmarks/sample_memory.sh log of the run of "
                             "N articles (repeatable)")
    args = parser.parse_args()
    if args.articles:
        if args.news and args.reprints is None:
            parser.error("--news needs --reprints SHARE")
        row = build(args.articles, args.workers, args.db, args.reprints, args.news,
                    args.loaded, args.load_only)
        print(json.dumps(row, ensure_ascii=False), flush=True)
        if args.load_only:
            return
        with args.log.open("a", encoding="utf-8") as log:
            log.write(json.dumps(row, ensure_ascii=False) + "\n")
    if args.readme:
        runs = [json.loads(line) for line in args.log.read_text(encoding="utf-8").splitlines()
                if line.strip()]
        memory = {int(n): Path(log) for n, log in (m.split("=", 1) for m in args.memory)}
        write_readme(runs, memory, args.note)
    if not args.articles and not args.readme:
        parser.error("give --articles N, --readme or both")


if __name__ == "__main__":
    main()
