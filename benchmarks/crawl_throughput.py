"""Crawl throughput: `pantau crawl` over a generated 2,000-article site, beside `scrapy bench`.

Usage: .venv/bin/python benchmarks/crawl_throughput.py [--articles 2000]
Prints one JSON line with pages/s for both and their ratio; the full pipeline is on
(robots.txt, extraction, relevance, SQLite store, WARC archive, HTTP cache).

Pantau's time is the wall-clock time of the whole `pantau crawl` process (start-up, imports and
the database included); `scrapy bench`'s is the elapsed time Scrapy reports for its 20 s crawl.
`scrapy bench` runs right before and right after the crawl and the ratio uses the mean of its
two rates: on a machine shared with other work the load changes within minutes, and a single
bench run after the crawl measured it at another load than the crawl (its rate moved 35-90
pages/s between runs). The 1-minute load average at each step is printed with the result.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.settings import setting  # noqa: E402
from pantau.demo_site import DemoSite  # noqa: E402

WORDS = ("kantor imigrasi kelas tpi petugas warga negara asing paspor pemohon layanan "
         "pengawasan deportasi izin tinggal operasi gabungan kabupaten kota provinsi bandara "
         "pelabuhan kepala bidang wilayah masyarakat laporan dokumen").split()
PLACES = ("Serang", "Tangerang", "Cilegon", "Bekasi", "Bogor", "Malang", "Batam", "Medan")


def generate_site(folder: Path, n: int, seed: int = 7) -> None:
    """Write `n` article files in the demo site's format, with the demo templates."""
    rng = random.Random(seed)
    shutil.copytree(setting("demo_site") / "templates", folder / "templates")
    articles = folder / "articles"
    articles.mkdir()
    for i in range(n):
        place = rng.choice(PLACES)
        paragraphs = [" ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + "."
                      for _ in range(6)]
        paragraphs[0] = f"{place.upper()} – Kantor Imigrasi {place} " + paragraphs[0]
        outlet = "kabar-banten" if i % 2 else "warta-nusantara"
        (articles / f"{i:05d}.md").write_text(
            f'+++\noutlet = "{outlet}"\nslug = "berita-{i:05d}"\n'
            f'title = "Imigrasi {place} dan laporan nomor {i}"\n'
            f'published = "2026-{1 + i % 12:02d}-{1 + i % 28:02d}T09:00:00+07:00"\n'
            f'author = "Redaksi"\nsection = "Hukum"\n+++\n' + "\n\n".join(paragraphs),
            encoding="utf-8")


def crawl_rate(site: DemoSite, tmp: Path) -> dict:
    sources = tmp / "sources.toml"
    # Lift the per-source page cap (500 by default) above the site's size.
    toml = site.sources_toml().replace("\n\n", "\nmax_pages = 100000\n\n")
    sources.write_text(toml, encoding="utf-8")
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pantau", "crawl", "--sources", str(sources), "--db",
         str(tmp / "pantau.db"), "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
         "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
         # no delay floor either: this measures the crawler, not its politeness (issue 20)
         "-s", "PANTAU_MIN_DOWNLOAD_DELAY=0",
         "-s", "PANTAU_LISTING_DEPTH=1000", "-s", "LOG_LEVEL=WARNING"],
        capture_output=True, text=True, cwd=ROOT)
    elapsed = time.monotonic() - start
    if result.returncode:
        raise SystemExit(result.stderr[-3000:])
    pages = int(re.search(r"pages fetched: (\d+)", result.stderr).group(1))
    articles = int(re.search(r"articles new: (\d+)", result.stderr).group(1))
    return {"pages": pages, "articles": articles, "seconds": round(elapsed, 2),
            "pages_per_s": round(pages / elapsed, 1)}


def bench_rate() -> dict:
    """`scrapy bench`: Scrapy's own spider against its own local server, no pipeline."""
    result = subprocess.run([sys.executable, "-m", "scrapy", "bench", "-s", "LOG_LEVEL=INFO",
                             "-s", "CLOSESPIDER_TIMEOUT=20"],
                            capture_output=True, text=True, cwd=tempfile.gettempdir())
    pages = int(re.search(r"'response_received_count': (\d+)", result.stderr).group(1))
    seconds = float(re.search(r"'elapsed_time_seconds': ([\d.]+)", result.stderr).group(1))
    return {"pages": pages, "seconds": seconds, "pages_per_s": round(pages / seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    loads = []
    with tempfile.TemporaryDirectory(prefix="pantau-bench-") as tmp:
        tmp = Path(tmp)
        generate_site(tmp / "site", args.articles)
        loads.append(os.getloadavg()[0])
        before = bench_rate()
        loads.append(os.getloadavg()[0])
        with DemoSite(tmp / "site") as site:
            pantau = crawl_rate(site, tmp)
        assert pantau["articles"] == args.articles, pantau
        loads.append(os.getloadavg()[0])
        after = bench_rate()
        loads.append(os.getloadavg()[0])
    bench = {"before": before, "after": after,
             "pages_per_s": round((before["pages_per_s"] + after["pages_per_s"]) / 2, 1)}
    print(json.dumps({"pantau_crawl": pantau, "scrapy_bench": bench,
                      "ratio": round(pantau["pages_per_s"] / bench["pages_per_s"], 2),
                      "load_average_1min": {"start": loads[0], "after_bench": loads[1],
                                            "after_crawl": loads[2], "end": loads[3]}}))


if __name__ == "__main__":
    main()
