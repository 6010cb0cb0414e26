"""Publishing latency: p50/p95 of Datasette pages over a database of generated articles.

Builds the database through Pantau's own schema and store code (open_db, store_article,
sync_offices, store_facts), serves it with `pantau serve` as a real process, and times each
page with plain HTTP requests. Writes the results into benchmarks/README.md.

    .venv/bin/python benchmarks/publish_latency.py                 # 100,000 articles
    .venv/bin/python benchmarks/publish_latency.py --articles 200 --no-readme   # smoke run
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from readme import replace_section  # noqa: E402

from crawler.sources import Source  # noqa: E402
from nlp import NLP_VERSION  # noqa: E402
from nlp.gazetteer import load_offices  # noqa: E402
from nlp.schema import Count, Evidence, Extraction, Nationality, Office, Official  # noqa: E402
from pipelines.db import open_db  # noqa: E402
from pipelines.events import rebuild_events  # noqa: E402
from pipelines.facts import store_facts, sync_offices  # noqa: E402
from pipelines.store import store_article, upsert_sources  # noqa: E402

TARGET_P95_MS = 300
SECTION = "## Publishing latency (`publish_latency.py`)"
# Pages of one kind (--pages) timed on a larger database, e.g. the 1,000,000-article build.
SCALE_SECTION = "## Publishing latency at scale (`publish_latency.py --pages`)"
# (name, path): every canned query, the pages each user group opens first, search and the map.
PAGES = [
    ("home page", "/"),
    ("database page", "/pantau"),
    ("articles table, metadata facets", "/pantau/articles"),
    ("articles faceted and filtered", "/pantau/articles?_facet=source&_facet=year&year=2025"),
    ("counts faceted by category", "/pantau/counts?category=deportation"),
    ("full-text search, common word", "/pantau/articles?_search=deportasi"),
    ("full-text search, affixed form", "/pantau/articles?_search=kepasporan"),
    ("full-text search, place name", "/pantau/articles?_search=wonosobo"),
    ("map page (office_map table)", "/pantau/office_map"),
    ("map data (JSON)", "/pantau/office_map.json?_size=max&_shape=objects"),
    ("chart data: coverage_by_month", "/pantau/coverage_by_month.json?_size=max"),
    ("query: deportations", "/pantau/deportations"),
    ("query: arrests", "/pantau/arrests"),
    ("query: passports", "/pantau/passports"),
    ("query: nationalities_top", "/pantau/nationalities_top"),
    ("query: office_coverage", "/pantau/office_coverage?office_id=kanim-serang"),
    ("query: office_articles", "/pantau/office_articles?office_id=kanim-serang"),
    ("query: office_feed (Atom)", "/pantau/office_feed.atom?office_id=kanim-serang"),
    ("query: top_stories", "/pantau/top_stories?since=2026-01-01"),
    ("query: articles_since", "/pantau/articles_since?since=2026-06-01"),
    ("query: nationalities_by_year", "/pantau/nationalities_by_year"),
    ("CSV export, 2,000 rows", "/pantau/counts.csv?category=deportation&_size=max"),
    # The aggregates opened as table pages (tables since they are materialised; views before,
    # which Datasette evaluated once for the rows, once for the count and once per facet).
    ("view page: deportations_by_nationality", "/pantau/deportations_by_nationality"),
    ("view page: top_nationalities", "/pantau/top_nationalities"),
    # Issue 18: headline pages built on events, the office page, search as cards, codebook.
    ("query: deportations_by_office", "/pantau/deportations_by_office"),
    ("query: detentions", "/pantau/detentions"),
    ("table: headline_by_province_year", "/pantau/headline_by_province_year"),
    ("office picker", "/pantau/-/office"),
    ("office page", "/pantau/-/office/kanim-serang"),
    ("search cards, common word", "/pantau/-/search?q=deportasi"),
    ("search cards, affixed form", "/pantau/-/search?q=dideportasi"),
    ("codebook", "/codebook"),
]

# Written under the table: what the numbers mean and why the misses miss.
NOTES = [
    "Notes:",
    "",
    "- \"first\" is the first request after the server started; the home page's first request",
    "  also counts every table once (Datasette caches the counts of an immutable database).",
    "  \"server CPU\" is the CPU time of the server's processes per timed request (Linux",
    "  /proc): it does not move with the other work on the machine, wall-clock latency does.",
    "- The database: `/work/bench/pub100k.db` (built by `publish_latency.py --articles 100000`),",
    "  copied to /tmp/publish21 and brought to this schema by `open_db` before the run (the",
    "  indexes, the search keys table and the summary tables of issue 21, a few seconds).",
    "- Full-text search goes through one word index with the Sastrawi stems of each article's",
    "  affixed words (`pipelines/search.py`: `deportasi` finds *dideportasi*, `paspor` finds",
    "  *kepasporan*). The page's rows are found by rowid for a rare word and through the",
    "  published index for a common one (`+rowid in`, or for a word in over half the articles",
    "  an FTS5 lookup per index entry: the `pantau_search` plugin); its count is the search",
    "  index's own and its outlet and year facets are read from `articles_fts_keys` (three",
    "  numbers per article, kept by triggers), not from each matching article's row",
    "  (`pantau_counts`).",
    "- The analysts' aggregates and the precomputed counts (`pipelines.schema.SUMMARIES`:",
    "  headline tables, coverage, the map, `article_counts`, `story_groups`, `office_counts`)",
    "  are tables recomputed from their SQL at the end of every `pantau extract` run (and by",
    "  `pantau serve` when out of date). The articles table's count and outlet and year facets",
    "  (unfiltered or filtered by year and outlet) are sums over `article_counts`;",
    "  `top_stories` ranks `story_groups` and recounts only the stories that span its date.",
    "- Articles per office and per outlet and fact tables are faceted through covering indexes",
    "  (`pipelines.schema.INDEXES`, `FACT_OWN_INDEXES`); the office page and office queries",
    "  read an office's articles from an index, not their rows.",
    "- Issue 21: for a database served --immutable, Datasette's schema lookups (columns, keys,",
    "  table lists, the name check before each table permission) and each table's permission",
    "  rules are kept after the first page (`pantau_schema_cache`, `pantau_permissions`): the",
    "  home page went from 220 SQL round trips and ~55 ms of CPU to 4 and ~4-8 ms. The map",
    "  data is a summary table (`office_map`), and evidence and archived-copy cells are built",
    "  without Markup.format (~70-130 µs a cell before).",
]

# Under the scale table (the database of benchmarks/scale_build.py --articles 1000000).
SCALE_NOTES = [
    "- The database: the 1,000,000-article news corpus (`benchmarks/scale_build.py --articles",
    "  1000000 --reprints 0.2 --news`, extracted by commit e13ca34: facts, 690,000 events,",
    "  stories) plus five daily updates of 1,000 articles (`events_update.py`), brought to",
    "  this schema in place by `open_db` (the new indexes, `articles_fts_keys` and the new",
    "  summary tables: 22-30 s, then 10-15 s for the summaries). The words searched are the",
    "  100,000-article benchmark's: in this corpus *deportasi* is in 42,893 articles (4.3%),",
    "  `kepasporan OR paspor` (the affixed form and its root) in 955,241 (95%), *wonosobo* in",
    "  6,829.",
    "- Before this change, the same database (1,001,000 articles then) served by the code of",
    "  `main` at 11b6d08 (same command with `--no-readme`, 19:21 UTC, load 0.2 → 3.5), server",
    "  CPU per request: articles table 91 ms, one year faceted 51, search *deportasi* 415,",
    "  `kepasporan` 1,078 (facets given up), *wonosobo* 67, office_coverage 69,",
    "  office_articles 44; top_stories answered",
    "  HTTP 400 (Datasette's SQL time limit: it grouped every on-topic article since the",
    "  date). On the database as stored before the extract stage (the table this one",
    "  replaces): office picker and office page were not measured; here before the change",
    "  (a run at 19:30 with only the counts and top_stories changes) 122 ms each.",
    "- What made the difference (issue 21): the articles table's count and its outlet and year",
    "  facets are sums over `article_counts` (320 rows) when the page is unfiltered or",
    "  filtered by year and outlet; a search's count is the search index's own and its facets",
    "  read three numbers per match from `articles_fts_keys` instead of each match's ~9 KB row;",
    "  a common word's rows are read through the published index (the `+rowid in` plan from",
    "  ~3,200 matches, an FTS5 lookup per entry above half the articles); `top_stories` ranks",
    "  `story_groups` through an index and stops after 100, recounting only the stories that",
    "  began before the date and went on after it; the office picker reads `office_counts`;",
    "  the office page and office queries read an office's ~7,000 articles from a covering",
    "  index and fetch only the rows they show.",
    "- The affixed-form search (`kepasporan`, 95% of the articles) was the one page left over",
    "  100 ms (20:02 UTC run: p95 1,732 ms, server CPU 794 ms, outlet and year facets given",
    "  up): counting its facets read ~951,000 keys per request. Now the outlet and year counts",
    "  of every stem group in over 5% of the articles (64 terms here, Sastrawi's stop words",
    "  left out) are a summary, `search_facets` (`pipelines.search.refresh_search_facets`),",
    "  read by `pantau_counts` for a one-word search on an immutable database, and only while",
    "  it covers every article and no counted article changed (else the page counts from",
    "  `articles_fts_keys` as before; tests/test_search_facets.py). Counting all 64 terms from",
    "  scratch took 44.4 s on this database (20:29 UTC, load 2.7; once, after an upgrade or a",
    "  bulk load); a daily update adds only its new articles: 0.20 s for 1,000 (rolled back",
    "  measurement, load 1.7). Wall-clock p95 of the other pages moves with the machine's",
    "  load (2 cores shared with other agents' runs): compare the server CPU column, which",
    "  for the pages nearest 100 ms is spent rendering (1,000 rows for articles_since and",
    "  office_coverage) or counting a common word's facets (*deportasi*, 4.3%: under the",
    "  5% threshold, counted per request from its 42,893 keys).",
    "- The daily update keeps its target with these tables: 1,000 new articles into this",
    "  database, `events_update.py --db /tmp/scale/f1m.db --new 1000 --reprints 0.2 --news",
    "  --log /tmp/facets_update.jsonl`, 20:31 UTC at load 1.6-1.8 (with `search_facets`):",
    "  27.2 s for the whole stage (extract 4.2, stories 14.7, events 5.3, summaries 3.0;",
    "  target 60); 19:47 UTC at load 4.4-5.5 (before it): 48.7 s (extract 8.3, stories 32.5,",
    "  events 4.4, summaries 3.5). `story_groups` is brought up to date group by group",
    "  (triggers note the groups whose articles changed): rebuilt whole, the summaries took",
    "  19.8-20.0 s (19:37 and 19:39 UTC, load 3.4-4.5), 6.2 s before issue 21's tables",
    "  (coverage_by_month, 2-6 s of it, now reads an index: 0.07 s).",
    "- This table replaces the one of 2026-12-07 20:02 (25 of 32 pages under 100 ms, the",
    "  affixed-form search's facets given up; load 2.3-3.6), which replaced the one of 17:48",
    "  (13 article pages on the database before its extract stage: 4 under 100 ms).",
    "",
]

# Vocabulary of the generated articles: invented, in the style of regional news.
NATIONALITIES = [("CN", "RRT"), ("NG", "Nigeria"), ("KR", "Korsel"), ("IN", "India"),
                 ("MY", "Malaysia"), ("BD", "Bangladesh"), ("AF", "Afghanistan"),
                 ("US", "Amerika Serikat"), ("AU", "Australia"), ("PH", "Filipina")]
EVENTS = [  # (category, unit, sentence template)
    ("deportation", "WNA", "{office} mendeportasi {n} WNA yang melanggar izin tinggal."),
    ("deportation", "orang", "Sebanyak {n} orang dideportasi melalui bandara setempat."),
    ("arrest", "WNA", "Petugas {office} mengamankan {n} WNA dalam operasi pengawasan."),
    ("passport_issued", "paspor", "{office} menerbitkan {n} paspor selama bulan ini."),
    ("applicants_served", "pemohon", "Layanan kepasporan {office} melayani {n} pemohon."),
    ("detention", "deteni", "Rudenim menampung {n} deteni dari berbagai negara."),
]
FILLER = ["Kegiatan ini merupakan bagian dari pengawasan orang asing di wilayah kerja.",
          "Masyarakat diimbau melapor bila mengetahui keberadaan orang asing yang mencurigakan.",
          "Pelayanan tetap berjalan normal pada hari kerja mulai pukul 08.00 waktu setempat.",
          "Tim pengawasan orang asing (Timpora) turut dilibatkan dalam kegiatan tersebut.",
          "Hal itu disampaikan dalam keterangan pers yang diterima redaksi pada Senin."]


def generate(db_path: Path, n_articles: int, seed: int = 6) -> None:
    """Fill a new database with `n_articles` articles and their facts."""
    rng = random.Random(seed)
    db = open_db(db_path)
    db.execute("PRAGMA synchronous = OFF")  # a throwaway file: no need to survive a power cut
    offices = [o for o in load_offices() if o.get("lat") is not None]
    sync_offices(db, load_offices())
    sources = [Source(name=f"Outlet {i}", start_urls=(f"https://outlet{i}.example/",),
                      slug=f"outlet-{i}", url_prefixes=(f"https://outlet{i}.example/",))
               for i in range(40)]
    upsert_sources(db, sources)
    start = datetime(2019, 1, 1, tzinfo=UTC).timestamp()
    span = datetime(2026, 11, 1, tzinfo=UTC).timestamp() - start
    for i in range(n_articles):
        office = rng.choice(offices)
        source = rng.choice(sources)
        published = datetime.fromtimestamp(start + rng.random() * span, UTC)
        sentences, facts = [], Extraction()
        lead = f"{office['name']} kembali menjadi sorotan pekan ini."
        sentences.append(lead)
        for category, unit, template in rng.sample(EVENTS, rng.randint(1, 3)):
            n = rng.randint(1, 400)
            sentence = template.format(office=office["name"], n=n)
            evidence = Evidence(sentence, 0, len(sentence))
            facts.counts.append(Count(n, unit, sentence[:60], category, evidence))
            sentences.append(sentence)
        for code, name in rng.sample(NATIONALITIES, rng.randint(0, 3)):
            sentence = f"Mereka antara lain warga {name}."
            facts.nationalities.append(Nationality(code, name, rng.randint(1, 20),
                                                   Evidence(sentence, 0, len(sentence))))
            sentences.append(sentence)
        facts.offices.append(Office(office["name"], office["office_id"], office.get("kind"),
                                    Evidence(lead, 0, len(lead))))
        facts.people.append(Official(f"Pejabat {i % 997}", "Kepala Kantor", office["office_id"]))
        sentences += rng.sample(FILLER, 3)
        article_id = f"a{i:07d}"
        store_article(db, {
            "article_id": article_id, "url": f"{source.start_urls[0]}berita/{i}",
            "source": source.slug, "title": f"{sentences[1][:70]} ({i})",
            "published": published.isoformat(), "section": rng.choice(["Hukum", "Daerah"]),
            "language": "id", "text": "\n\n".join(sentences),
            "fetched_at": published.isoformat(), "on_topic": 1,
            "immigration_relevance": 0.9})
        store_facts(db, article_id, facts, NLP_VERSION)
        if (i + 1) % 10000 == 0:
            print(f"generated {i + 1}/{n_articles} articles", file=sys.stderr, flush=True)
    # The headline pages are built on events, as `pantau extract` builds them.
    print(f"events: {rebuild_events(db)}", file=sys.stderr, flush=True)
    db.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> float:
    """Fetch `url` completely; returns the wall-clock milliseconds."""
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as r:
        r.read()
        assert r.status == 200, url
    return (time.perf_counter() - t0) * 1000


def timed_out_facets(url: str) -> list[str] | None:
    """The facets Datasette gave up on for a table page (facet_time_limit_ms), or None for a
    page that is not a table page. A timed-out facet is left out of the page (Datasette 0.65
    says so only in HTML): it would be fast because it is incomplete, so such a page does not
    meet the target. Asked for: the table's metadata facets and the _facet arguments."""
    base, _, query = url.partition("?")
    if base.rsplit("/", 1)[-1].count(".") or base.count("/") < 4 or "/-/" in base \
            or base.endswith("/codebook"):
        return None  # .json/.csv/.atom already, the home or the database page, Pantau's pages
    with urllib.request.urlopen(f"{base}.json{'?' + query if query else ''}",
                                timeout=120) as r:
        data = json.load(r)
    if "facet_results" not in data:
        return None  # a canned query or a view without facets
    root, database, table = base.rsplit("/", 2)
    with urllib.request.urlopen(f"{root}/-/metadata.json", timeout=120) as r:
        metadata = json.load(r)
    asked = [f if isinstance(f, str) else next(iter(f.values())) for f in
             metadata.get("databases", {}).get(database, {}).get("tables", {})
             .get(table, {}).get("facets", [])]
    asked += [v for k, v in urllib.parse.parse_qsl(query) if k == "_facet"]
    shown = {f["name"] for f in data["facet_results"].values()}
    return sorted(set(asked) - shown)


def cpu_ms(pid: int) -> float:
    """CPU time (user + system) the process and its running children have used, in ms
    (Linux /proc).

    Wall-clock latency on a shared machine moves with the other work on it; the server's
    CPU time per request does not, so it is what to compare between versions.
    """
    total, parents = 0, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        parents[int(stat.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    for proc, (_, ticks) in parents.items():
        while proc not in (pid, 0, 1) and proc in parents:
            proc = parents[proc][0]
        total += ticks if proc == pid else 0
    return total * 1000 / os.sysconf("SC_CLK_TCK")


# The 1-minute load average when measure() started (the README gives it beside the end's).
LOAD_AT_START: list[float] = []


def measure(db_path: Path, repeat: int, pages=PAGES) -> list[dict]:
    """Serve the database with `pantau serve` and time every page `repeat` times."""
    LOAD_AT_START.append(os.getloadavg()[0])
    port = free_port()
    # One server process: requests come one at a time, and each worker process of
    # `pantau serve --workers N` would warm its own caches on its own first request.
    proc = subprocess.Popen([sys.executable, "-m", "pantau", "serve", "--db", str(db_path),
                             "--port", str(port), "--workers", "1"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                get(base + "/-/versions.json")
                break
            except OSError:
                time.sleep(0.2)
        results = []
        for name, path in pages:
            path = path.replace("/pantau", f"/{db_path.stem}", 1)  # Datasette names it so
            first = get(base + path)  # the first hit warms SQLite's page cache
            cpu = cpu_ms(proc.pid)  # `pantau serve` execs Datasette: same process
            times = sorted(get(base + path) for _ in range(repeat))
            cpu = (cpu_ms(proc.pid) - cpu) / repeat
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            timed_out = timed_out_facets(base + path)
            results.append({"name": name, "path": path, "first": first,
                            "p50": statistics.median(times), "p95": p95, "cpu": cpu,
                            "facets_timed_out": timed_out})
            print(f"{name:40} p50 {results[-1]['p50']:7.1f} ms  p95 {p95:7.1f} ms  "
                  f"server CPU {cpu:6.1f} ms"
                  + (f"  facets timed out: {', '.join(timed_out)}" if timed_out else ""),
                  file=sys.stderr, flush=True)
        return results
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def meets(result: dict, target_ms: float) -> bool:
    """p95 under the target, with every facet of the page computed."""
    return result["p95"] < target_ms and not result.get("facets_timed_out")


def write_readme(path: Path, results: list[dict], n_articles: int, db_path: Path,
                 build_s: float, repeat: int, target_ms: float = TARGET_P95_MS,
                 section: str = SECTION, command: str = "") -> None:
    db = open_db(db_path, create=False)
    n_articles = db["articles"].count
    facts = {t: db[t].count for t in ("office_mentions", "officials", "nationalities", "counts")}
    db.close()
    lines = [
        section,
        "",
        f"{n_articles:,} generated articles with {sum(facts.values()):,} fact rows "
        f"({', '.join(f'{k} {v:,}' for k, v in facts.items())}), built through Pantau's own "
        + (f"store code in {build_s / 60:.1f} min" if build_s > 1 else
           "store code by an earlier run (`--db` reused it)")
        + f" ({db_path.stat().st_size / 2**20:,.0f} MB), "
        "served by `pantau serve --workers 1` (one Datasette process, --immutable) and fetched "
        f"{repeat} times per page "
        "after one warm-up request, one request at a time, over loopback. "
        f"Target: p95 under {target_ms:,.0f} ms, and no facet given up on "
        "(Datasette's facet_time_limit_ms; a page missing a facet does not count as fast).",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other work "
        + (f"(load average {LOAD_AT_START[-1]:.1f} when the run started, " if LOAD_AT_START
           else "(load average ")
        + f"{os.getloadavg()[0]:.1f} when it ended), "
        f"Python {platform.python_version()}, SQLite "
        f"{__import__('sqlite3').sqlite_version}; run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        f"Command: `{command or '.venv/bin/python benchmarks/publish_latency.py'}`"
        + ("" if command else " (or `make benchmark`)") + ".",
        "Each row is `curl http://127.0.0.1:8001<path>` against that database.",
        "",
        "| page | path | first (ms) | p50 (ms) | p95 (ms) | facets timed out | meets target "
        "| server CPU (ms) |",
        "|---|---|---:|---:|---:|---|:-:|---:|",
    ]
    for r in results:
        ok = "yes" if meets(r, target_ms) else "**no**"
        timed_out = r.get("facets_timed_out")
        lines.append(f"| {r['name']} | `{r['path']}` | {r['first']:.0f} | {r['p50']:.0f} "
                     f"| {r['p95']:.0f} | {', '.join(timed_out) if timed_out else '-'} | {ok} "
                     f"| {r['cpu']:.0f} |")
    lines += ["", *NOTES] if section == SECTION else ["", "Notes:", "", *SCALE_NOTES]
    # Other benchmarks keep their own sections in the same README: replace only this one.
    replace_section(path, section, "\n".join(lines) + "\n\n")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20, help="Timed requests per page.")
    parser.add_argument("--db", type=Path, help="Reuse or keep this database file.")
    parser.add_argument("--no-readme", action="store_true", help="Print only.")
    parser.add_argument("--pages", help="Time only the pages whose name contains this text, "
                        "or one of several separated by commas (e.g. 'facet' on a database too "
                        "large to time every page); the README section is then SCALE_SECTION.")
    parser.add_argument("--scale", action="store_true",
                        help="Write the README's SCALE_SECTION (a larger database) even when "
                        "every page is timed.")
    parser.add_argument("--target-ms", type=float, default=TARGET_P95_MS,
                        help="p95 target (issue 9 asks 500 ms for faceted pages at 1,000,000).")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pantau-bench-") as tmp:
        db_path = args.db or Path(tmp) / "pantau.db"
        t0 = time.perf_counter()
        if not db_path.exists():
            generate(db_path, args.articles)
        build_s = time.perf_counter() - t0
        wanted = [w.strip() for w in (args.pages or "").split(",") if w.strip()]
        pages = [p for p in PAGES if any(w in p[0] for w in wanted)] if wanted else PAGES
        results = measure(db_path, args.repeat, pages)
        scale = args.scale or pages is not PAGES
        if not args.no_readme:
            command = ("" if not (scale or args.db) else
                       f".venv/bin/python benchmarks/publish_latency.py --db {db_path}"
                       + (f" --pages '{args.pages}'" if args.pages else "")
                       + (" --scale" if args.scale else "")
                       + (f" --target-ms {args.target_ms:g}"
                          if args.target_ms != TARGET_P95_MS else ""))
            write_readme(Path(__file__).parent / "README.md", results, args.articles, db_path,
                         build_s, args.repeat, args.target_ms,
                         SCALE_SECTION if scale else SECTION, command)
    slow = [r["name"] for r in results if not meets(r, args.target_ms)]
    print(f"{len(results) - len(slow)}/{len(results)} pages under {args.target_ms:g} ms at p95"
          " with every facet" + (f"; not: {', '.join(slow)}" if slow else ""), file=sys.stderr)


if __name__ == "__main__":
    main()
