"""Where the extract stage's time goes: a py-spy profile summed by phase, process and kind.

Usage:
    .venv/bin/py-spy record --subprocesses --format raw -r 20 -o PROFILE.txt -- \\
        .venv/bin/python benchmarks/scale_build.py --articles 100000 ...
    .venv/bin/python benchmarks/profile_breakdown.py PROFILE.txt --rate 20 [--top 30]

py-spy samples each thread of each process `rate` times a second while it runs (idle threads,
e.g. the main process waiting for its NLP workers, are not sampled), so samples / rate is
seconds of one core. Each sample is put in one phase (from the frames: loading the corpus,
extract + store, stories, events, summaries) and one kind:

- NLP: inside nlp/ (nlp.extract: the tokenizer and the rule components);
- story signatures: MinHash of the article's shingles (pipelines/story_signatures.py), computed
  beside the NLP in the workers;
- SQLite: the innermost frame is a line that runs SQL (execute, executemany, fetch, commit ...);
- glue: Extraction to/from dict, the plain rows sent back by the NLP workers and rebuilt;
- IPC: multiprocessing's pipes, pickling and pool threads;
- numpy grouping: pipelines/story_groups.py;
- Python glue: everything else (building rows, reading results, the event rules).
"""

from __future__ import annotations

import argparse
import linecache
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQL_LINE = re.compile(r"execute|executemany|fetch|commit|rollback|insert_all|upsert|"
                      r"\bfor .* in (cursor|conn\b)|pages\(|\.count\b|create_index")
PHASES = (("load_articles", "load (not in the stage)"), ("copyfile", "load (not in the stage)"),
          ("rebuild_stories", "stories"),
          ("refresh_summaries", "summaries"), ("update_events", "events"),
          ("rebuild_events", "events"), ("_spill_part", "events"), ("bulk_indexes", "extract"),
          ("_extract_batch", "extract"), ("_extract_ids", "extract"), ("run_extract", "extract"))


def _line(frame: str) -> str:
    m = re.match(r".* \((.+):(\d+)\)$", frame)
    if not m:
        return ""
    for base in (ROOT, ROOT / "benchmarks"):
        if (base / m.group(1)).exists():
            return linecache.getline(str(base / m.group(1)), int(m.group(2)))
    return ""


def kind(frames: list[str]) -> str:
    text, leaf = ";".join(frames), frames[-1]
    if "story_signatures.py" in text and ("signature_blob" in text or "shingles" in text):
        return "story signatures (MinHash)"
    if "from_dict" in text or "to_dict" in text:
        return "glue: Extraction to/from dict"
    if "nlp/" in text:
        return "NLP (nlp.extract)"
    if re.search(r"multiprocessing|selectors|pickle|threading", leaf):
        return "IPC (pipes, pickling, pool threads)"
    if "story_groups.py" in text:
        return "stories: numpy grouping"
    if SQL_LINE.search(_line(leaf)) or "sqlite_utils" in leaf:
        return "SQLite"
    return "Python glue"


def phase(frames: list[str], role: str) -> str:
    text = ";".join(frames)
    if role == "main" and "multiprocessing/pool.py" in text and "run_extract" not in text:
        return "pool threads (extract, events)"  # the main process's threads feeding workers
    return next((name for key, name in PHASES if key in text), "other")


def breakdown(path: Path) -> tuple[Counter, Counter]:
    totals, leaves = Counter(), Counter()
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        frames = stack.split(";")
        procs = [i for i, f in enumerate(frames) if f.startswith("process ")]
        own = frames[procs[-1] + 1:] if procs else frames
        if not own:
            continue
        role = "worker" if len(procs) > 1 else "main"
        key = (phase(own, role), role, kind(own))
        totals[key] += int(n)
        leaves[(*key, own[-1])] += int(n)
    return totals, leaves


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", type=Path, help="py-spy record --format raw output")
    parser.add_argument("--rate", type=float, default=100, help="py-spy's -r (samples/s)")
    parser.add_argument("--top", type=int, default=0, help="also the N busiest lines")
    args = parser.parse_args()
    totals, leaves = breakdown(args.profile)
    stage = {k: v for k, v in totals.items() if not k[0].startswith("load")}
    whole = sum(stage.values())
    print("| phase | process | kind | core-seconds | share of the stage |")
    print("|---|---|---|---:|---:|")
    for key, n in sorted(stage.items(), key=lambda kv: (kv[0][0], -kv[1])):
        print(f"| {key[0]} | {key[1]} | {key[2]} | {n / args.rate:,.0f} | {n / whole:.1%} |")
    by_kind = Counter()
    for key, n in stage.items():
        by_kind[key[2]] += n
    print("\n| kind (whole stage) | core-seconds | share |\n|---|---:|---:|")
    for k, n in by_kind.most_common():
        print(f"| {k} | {n / args.rate:,.0f} | {n / whole:.1%} |")
    for key, n in leaves.most_common(args.top):
        print(n, key)


if __name__ == "__main__":
    main()
