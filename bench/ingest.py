"""Ingest and search speed: mlnews beside the bare ceiling, in one run.

    python bench/ingest.py [--records 200000] [--repeat 200]

1. Writes N records in the arXiv metadata snapshot format (JSON lines).
2. Imports them with mlnews (`mlnews import`'s code path: sniff, parse, identity,
   dedupe, SQLite with FTS5) into a new workspace library.
3. The bare ceiling: the same file, json.loads per line, one sqlite3 `executemany`
   into one table, then an FTS5 `rebuild`: what a hand-rolled script would do.
4. Search latency (p50/p95) for rare, common, prefix and phrase queries, mlnews'
   `Library.search` against the same FTS5 query on the bare table.

Each ingest runs in a new process, as each `mlnews import` does: a process that has
just built and freed a 200,000-row import runs the next one up to 30% slower, which
would measure the order of the runs rather than the code.

Goals (issue 2): ingest >= 0.7x the bare ceiling, search p95 <= 1.2x bare FTS5.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mlnews.collect import ingest
from mlnews.library import Library
from sample import WORDS  # bench/sample.py: shared by the benchmarks

RARE = "zymurgical"  # planted in about one record in ten thousand


def write_records(path: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    weights = [1 / (rank + 1) for rank in range(len(WORDS))]
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            words = rng.choices(WORDS, weights, k=140)
            if number % 10_000 == 0:
                words[rng.randrange(len(words))] = RARE
            title = " ".join(rng.choices(WORDS, weights, k=8)).capitalize() + f" {number}"
            authors = [(f"Author{rng.randrange(5000)}", f"A{rng.randrange(26)}.", "") for _ in range(4)]
            record = {
                "id": f"{2001 + number // 99_999}.{number % 99_999 + 1:05d}",
                "submitter": authors[0][1] + " " + authors[0][0],
                "authors": ", ".join(f"{first} {last}" for last, first, _ in authors),
                "title": title,
                "comments": "12 pages",
                "journal-ref": None,
                "doi": None,
                "report-no": None,
                "categories": "cs.LG stat.ML",
                "license": None,
                "abstract": " ".join(words).capitalize() + ".",
                "versions": [{"version": "v1", "created": "Mon, 2 Mar 2020 10:00:00 GMT"}],
                "update_date": "2020-03-02",
                "authors_parsed": [list(a) for a in authors],
            }
            out.write(json.dumps(record) + "\n")


def mlnews_ingest(path: Path, folder: Path) -> float:
    with Library.open(folder / "library.db") as library:
        start = time.perf_counter()
        reports = ingest.import_files(library, [path])
        elapsed = time.perf_counter() - start
    assert reports[0].ok, reports[0].error
    return elapsed


FIELDS = (
    "id", "submitter", "authors", "title", "comments", "journal-ref", "doi", "report-no",
    "categories", "license", "abstract", "versions", "update_date", "authors_parsed",
)  # fmt: skip


def _column(value: object) -> object:
    return json.dumps(value) if isinstance(value, list | dict) else value


def bare_ingest(path: Path, folder: Path) -> float:
    db = sqlite3.connect(folder / "bare.db", isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    # The whole record, as a script keeping a local copy would: mlnews keeps it too.
    columns = ", ".join(f"[{c}]" for c in FIELDS)
    db.execute(f"CREATE TABLE papers (rowid_ INTEGER PRIMARY KEY, {columns})")
    db.execute(
        "CREATE VIRTUAL TABLE papers_fts USING fts5 (title, authors, abstract, "
        "content='papers', content_rowid='rowid_')"
    )
    start = time.perf_counter()
    with path.open(encoding="utf-8") as lines:
        rows = [tuple(_column(r.get(c)) for c in FIELDS) for r in map(json.loads, lines)]
    db.execute("BEGIN")
    marks = ", ".join("?" * len(FIELDS))
    db.executemany(f"INSERT INTO papers ({columns}) VALUES ({marks})", rows)
    db.execute("INSERT INTO papers_fts (papers_fts) VALUES ('rebuild')")
    db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed


SIDES = {"bare": bare_ingest, "mlnews": mlnews_ingest}


def in_new_process(side: str, path: Path, folder: Path) -> float:
    folder.mkdir()
    command = [sys.executable, __file__, "--ingest", side, str(path), str(folder)]
    return float(subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout)  # errors show


QUERIES = {"rare": RARE, "common": "neural", "prefix": "transf*", "phrase": '"attention transformer"'}


def latencies(runs: list[Callable[[str], object]], query: str, repeat: int) -> list[list[float]]:
    """Each runner's times, taken in turn (first one, then the other first), so that
    whatever else the machine does falls on both alike."""
    timings: list[list[float]] = [[] for _ in runs]
    for turn in range(repeat):
        order = list(enumerate(runs))
        for which, run in order if turn % 2 else reversed(order):
            start = time.perf_counter()
            run(query)
            timings[which].append(time.perf_counter() - start)
    return timings


def bare_search(db: sqlite3.Connection) -> Callable[[str], object]:
    sql = (
        # The very query mlnews runs (same snippet, same weights): the ratio is mlnews' own overhead.
        "SELECT papers.*, snippet(papers_fts, 2, '[', ']', '…', 24), "
        "bm25(papers_fts, 10.0, 5.0, 1.0) AS rank "
        "FROM papers_fts JOIN papers ON papers.rowid_ = papers_fts.rowid "
        "WHERE papers_fts MATCH ? ORDER BY rank LIMIT 20"
    )
    return lambda query: db.execute(sql, (query,)).fetchall()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=200, help="runs of each search query")
    parser.add_argument("--runs", type=int, default=2, help="ingest runs of each side; the best counts")
    parser.add_argument("--ingest", nargs=3, metavar=("SIDE", "FILE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ingest:  # one run, in the process the main run started for it
        side, path, folder = args.ingest
        print(SIDES[side](Path(path), Path(folder)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "snapshot.jsonl"
        write_records(data, args.records)
        print(f"{args.records:,} records, {data.stat().st_size / 1e6:.0f} MB of snapshot JSON lines\n")
        # Best of N, alternating sides, each into a fresh database: other load on the
        # machine only ever slows a run down.
        bare_runs, ours_runs = [], []
        for run in range(args.runs):
            for side, runs in (("bare", bare_runs), ("mlnews", ours_runs)):
                runs.append((in_new_process(side, data, folder / f"{side}{run}"), folder / f"{side}{run}"))
        bare_seconds, bare_folder = min(bare_runs)
        ours_seconds, ours_folder = min(ours_runs)
        bare_db = sqlite3.connect(bare_folder / "bare.db")
        library = Library.open(ours_folder / "library.db")
        bare_rate, ours_rate = args.records / bare_seconds, args.records / ours_seconds
        print(f"{'ingest':<10}{'records/s':>12}{'seconds':>10}")
        print(f"{'bare':<10}{bare_rate:>12,.0f}{bare_seconds:>10.1f}")
        print(f"{'mlnews':<10}{ours_rate:>12,.0f}{ours_seconds:>10.1f}")
        print(f"ratio mlnews/bare: {ours_rate / bare_rate:.2f}x (goal >= 0.70x)\n")

        print(
            f"{'search':<8}{'hits':>6}{'bare p50':>10}{'p95':>8}{'mlnews p50':>12}{'p95':>8}{'p95 ratio':>11}"
        )
        worst = 0.0
        for name, query in QUERIES.items():
            bare_run = bare_search(bare_db)
            ours, bare = latencies([lambda q: library.search(q, limit=20), bare_run], query, args.repeat)
            hits = len(library.search(query, limit=20))
            ratio = percentile(ours, 0.95) / percentile(bare, 0.95)
            worst = max(worst, ratio)
            bare50, bare95 = statistics.median(bare) * 1e3, percentile(bare, 0.95) * 1e3
            ours50, ours95 = statistics.median(ours) * 1e3, percentile(ours, 0.95) * 1e3
            print(
                f"{name:<8}{hits:>6}{bare50:>9.2f}ms{bare95:>6.2f}ms{ours50:>10.2f}ms{ours95:>6.2f}ms{ratio:>10.2f}x"
            )
        print(f"worst search p95 ratio: {worst:.2f}x (goal <= 1.20x)")
        bare_db.close()
        library.close()


if __name__ == "__main__":
    main()
