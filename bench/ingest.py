"""Ingest and search speed: mlnews beside the bare ceiling, in one run.

    python bench/ingest.py [--records 200000] [--runs 2] [--repeat 200] [--huge 200]

1. Writes N records in the arXiv metadata snapshot format (JSON lines), submitted from 2007
   to 2026 as arXiv grew, with a snapshot's share of look-alikes (1% share a journal DOI, 1% a
   title, with another arXiv id).
2. Imports them as `mlnews import` does (sniff, parse, identity, dedupe, SQLite, the search index,
   then the ranking features of the papers a ranker meets: the last two years) into a new
   workspace library, phase by phase.
3. The bare ceiling: the same file, json.loads per line streamed into one sqlite3
   `executemany` into one table, then an FTS5 `rebuild`: what a hand-rolled script would do.
4. The same file imported again into mlnews' library (every record unchanged).
5. Bytes per record of each database, and peak memory.
6. Search latency (p50/p95) for rare, common, prefix and phrase queries, mlnews'
   `Library.search` (its search index ranks) against the same FTS5 query on the bare
   table; the bytes a record of each, and the time to build the search index alone.

Each ingest runs in a new process, as each `mlnews import` does: a process that has
just built and freed a 200,000-row import runs the next one up to 30% slower, which
would measure the order of the runs rather than the code. Each reports its peak resident
memory (the writing process; the parsing workers, if any, apart): reading a snapshot in
chunks keeps it flat whatever the file's size.

`--huge MB`: the same two ingests of a file whose one record has an abstract of MB
megabytes (issue 25: it once cost 8 GB), and their peak memory.

Goals (issue 26, at 3,000,000 records): import >= 0.9x the bare load's speed, re-import at
least as fast as importing, bytes per record <= 1.5x the bare load's, search p95 < 20 ms.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from mlnews.collect import ingest
from mlnews.library import Library
from sample import WORDS  # bench/sample.py: shared by the benchmarks

RARE = "zymurgical"  # planted in about one record in ten thousand


# What abstracts are made of: the glue words first, the field's words next, then a long tail
# (real arXiv abstracts: ~200 words from a vocabulary of 128,000; "learning" in 29% of them,
# "model" in 52%, "the" in 98%), drawn by Zipf's law. A vocabulary of a few dozen words would
# put every word in every record: no engine can skip anything then, which no real query meets.
GLUE = ["the", "of", "and", "a", "to", "in", "for", "we", "that", "on", "with", "this", "is", "by"]
GLUE += ["as", "from", "our", "an", "are", "which"]
TAIL = 100_000
WORDS_EACH = 200


def vocabulary() -> list[str]:
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]  # 70: three make 343,000 words
    tail = [syllables[n % 70] + syllables[n // 70 % 70] + syllables[n // 4900 % 70] for n in range(TAIL)]
    return GLUE + WORDS + tail


# When the snapshot's papers were submitted: April 2007 to November 2026, arXiv's monthly volume
# growing about linearly from ~5,000 to ~24,000, so that ~16% of the papers are from the last two
# years (the ones a ranker meets: `rank.features.RECENT_DAYS`), as in the real snapshot.
FIRST_DAY, LAST_DAY = date(2007, 4, 1), date(2026, 11, 30)
FIRST_MONTHLY, LAST_MONTHLY = 5_000, 24_000


def submitted(share: float) -> date:
    """The day by which `share` of the snapshot's papers had been submitted."""
    a, b = FIRST_MONTHLY, LAST_MONTHLY - FIRST_MONTHLY
    at = (-a + math.sqrt(a * a + 2 * b * share * (a + b / 2))) / b  # the linear volume's cumulative, inverted
    return FIRST_DAY + timedelta(days=round(at * (LAST_DAY - FIRST_DAY).days))


def write_records(path: Path, count: int, seed: int = 7) -> None:
    import numpy as np

    rng = random.Random(seed)
    draw = np.random.default_rng(seed)
    words_of = np.array(vocabulary(), dtype=object)
    weights = 1 / np.arange(1, len(words_of) + 1) ** 1.05
    weights /= weights.sum()
    title = ""
    batch = 10_000
    month, in_month = "", 0
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            day = submitted(number / count)
            in_month = in_month + 1 if day.strftime("%y%m") == month else 1
            month = day.strftime("%y%m")
            if number % batch == 0:  # drawn a batch at a time: numpy draws 100 times faster
                drawn = draw.choice(len(words_of), size=(batch, WORDS_EACH + 8), p=weights)
            row = drawn[number % batch]
            words = list(words_of[row[:WORDS_EACH]])
            if number % 10_000 == 0:
                words[rng.randrange(len(words))] = RARE
            # A snapshot's share of look-alikes: 1% of papers share a journal DOI with the one
            # before (a paper and its companion), 1% share its title (an erratum, a re-post).
            # Distinct arXiv ids: each stays an item of its own, but every one is checked.
            if number % 100 != 73:
                title = " ".join(words_of[row[WORDS_EACH:]]).capitalize() + f" {number}"
            doi = f"10.5555/bench.{number // 100}" if number % 100 in (36, 37) else None
            authors = [(f"Author{rng.randrange(5000)}", f"A{rng.randrange(26)}.", "") for _ in range(4)]
            record = {
                "id": f"{month}.{in_month:05d}",
                "submitter": authors[0][1] + " " + authors[0][0],
                "authors": ", ".join(f"{first} {last}" for last, first, _ in authors),
                "title": title,
                "comments": "12 pages",
                "journal-ref": None,
                "doi": doi,
                "report-no": None,
                "categories": "cs.LG stat.ML",
                "license": None,
                "abstract": " ".join(words).capitalize() + ".",
                "versions": [{"version": "v1", "created": day.strftime("%a, %d %b %Y 10:00:00 GMT")}],
                "update_date": day.isoformat(),
                "authors_parsed": [list(a) for a in authors],
            }
            out.write(json.dumps(record) + "\n")


def write_huge(path: Path, megabytes: int) -> None:
    """Two records, the second with an abstract of `megabytes` MB of words.

    Written a megabyte at a time: a process holding the 200 MB text would hand its memory
    to the ingest processes it starts (Linux keeps the peak across fork and exec)."""
    write_records(path, 1)
    words = " ".join(WORDS) + " "
    piece = (words * (1_000_000 // len(words) + 1))[:1_000_000]
    record = {"id": "2001.99999", "title": "A huge abstract", "authors": "A. Author", "categories": "cs.LG",
              "versions": [], "authors_parsed": [["Author", "A.", ""]], "abstract": ""}  # fmt: skip
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record).removesuffix('""}'))
        out.write('"')
        for _ in range(megabytes):
            out.write(piece)
        out.write('"}\n')


def mlnews_ingest(path: Path, folder: Path) -> dict[str, float]:
    """What `mlnews import` does, phase by phase: the records into the library (searchable),
    then what ranking reads of each (`workflow.arrivals`: the features)."""
    from mlnews.rank import features

    with Library.open(folder / "library.db") as library:
        start = time.perf_counter()
        reports = ingest.import_files(library, [path], derive=features.deriver(library))
        stored = time.perf_counter()
        features.update(library)
        ready = time.perf_counter()
    assert reports[0].ok, reports[0].error
    for warning in reports[0].warnings[:3]:
        print(warning, file=sys.stderr)
    return {"ingest": stored - start, "features": ready - stored}


def mlnews_again(path: Path, folder: Path) -> dict[str, float]:
    """The same file imported again into the library it made: every record is unchanged."""
    return mlnews_ingest(path, folder)


FIELDS = (
    "id", "submitter", "authors", "title", "comments", "journal-ref", "doi", "report-no",
    "categories", "license", "abstract", "versions", "update_date", "authors_parsed",
)  # fmt: skip


def _column(value: object) -> object:
    return json.dumps(value) if isinstance(value, list | dict) else value


def bare_ingest(path: Path, folder: Path) -> dict[str, float]:
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
    db.execute("BEGIN")
    marks = ", ".join("?" * len(FIELDS))
    with path.open(encoding="utf-8") as lines:  # streamed: a list of 3 million rows is 10 GB
        rows = (tuple(_column(r.get(c)) for c in FIELDS) for r in map(json.loads, lines))
        db.executemany(f"INSERT INTO papers ({columns}) VALUES ({marks})", rows)
    db.execute("INSERT INTO papers_fts (papers_fts) VALUES ('rebuild')")
    db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    db.close()
    return {"ingest": elapsed}


SIDES = {"bare": bare_ingest, "mlnews": mlnews_ingest, "again": mlnews_again}


@dataclass
class Run:
    phases: dict[str, float]  # seconds each
    peak_mb: float  # the process that parses (or hands out the parsing) and writes
    workers_mb: float  # the largest worker (parsing, features), 0 without workers
    folder: Path

    @property
    def seconds(self) -> float:
        return sum(self.phases.values())


def in_new_process(side: str, path: Path, folder: Path) -> Run:
    folder.mkdir(exist_ok=True)
    command = [sys.executable, __file__, "--ingest", side, str(path), str(folder)]
    out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout  # errors show
    found = json.loads(out.splitlines()[-1])
    return Run(found["phases"], found["peak"], found["workers"], folder)


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kilobytes on Linux


# "learning" is in nearly every generated abstract (bench/sample.py's second word, of 140 drawn),
# as "learning" is in most of arXiv's: the query FTS5 is slowest at, since it ranks every match.
QUERIES = {"rare": RARE, "common": "learning", "prefix": "transf*", "phrase": '"attention transformer"'}
SEARCH_GOAL_MS = 20  # issue 26: p95 under 20 ms in-process, for every query, at 3 M records


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


def folder_bytes(path: Path) -> int:
    """A file with its -wal and -shm files beside it, or every file in a folder."""
    if path.is_dir():
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def sizes(records: int, bare: Path, library: Library) -> None:
    for db in (bare, library.path):  # what each holds, its WAL folded in
        sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    per = {
        "bare (table + FTS5)": folder_bytes(bare),
        "mlnews library.db": folder_bytes(library.path),
        "mlnews search index": folder_bytes(library.text_index.folder),
    }
    per["mlnews, both"] = per["mlnews library.db"] + per["mlnews search index"]
    print(f"{'bytes':<22}{'MB':>8}{'per record':>12}")
    for name, size in per.items():
        print(f"{name:<22}{size / 1e6:>8,.0f}{size / records:>12,.0f}")
    ratio = per["mlnews, both"] / per["bare (table + FTS5)"]
    print(f"ratio mlnews/bare: {ratio:.2f}x (goal <= 1.50x)\n")


def index_build(library: Library) -> None:
    """What the import spent on the search index, measured apart: building it again from the library."""
    start = time.perf_counter()
    count = library.text_index.rebuild()
    print(f"search index built from {count:,} items in {time.perf_counter() - start:.1f} s\n")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=200, help="runs of each search query")
    parser.add_argument("--runs", type=int, default=2, help="ingest runs of each side; the best counts")
    parser.add_argument("--huge", type=int, metavar="MB", help="only import a record with an MB abstract")
    parser.add_argument("--ingest", nargs=3, metavar=("SIDE", "FILE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ingest:  # one run, in the process the main run started for it
        side, path, folder = args.ingest
        phases = SIDES[side](Path(path), Path(folder))
        peaks = {"peak": _peak_mb(resource.RUSAGE_SELF), "workers": _peak_mb(resource.RUSAGE_CHILDREN)}
        print(json.dumps({"phases": phases, **peaks}))
        return
    if args.huge:
        huge(args.huge)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "snapshot.jsonl"
        write_records(data, args.records)
        print(f"{args.records:,} records, {data.stat().st_size / 1e6:.0f} MB of snapshot JSON lines\n")
        # Best of N, alternating sides, each into a fresh database: other load on the
        # machine only ever slows a run down.
        bare_runs: list[Run] = []
        ours_runs: list[Run] = []
        for run in range(args.runs):
            for side, runs in (("bare", bare_runs), ("mlnews", ours_runs)):
                runs.append(in_new_process(side, data, folder / f"{side}{run}"))
        bare_best = min(bare_runs, key=lambda run: run.seconds)
        ours_best = min(ours_runs, key=lambda run: run.seconds)
        bare_db = sqlite3.connect(bare_best.folder / "bare.db")
        library = Library.open(ours_best.folder / "library.db")
        again = in_new_process("again", data, ours_best.folder)
        report_ingest(args.records, bare_best, ours_best, again)
        sizes(args.records, bare_best.folder / "bare.db", library)
        index_build(library)
        print(
            f"{'search':<8}{'hits':>6}{'bare p50':>10}{'p95':>9}{'mlnews p50':>12}{'p95':>9}{'p95 ratio':>11}"
        )
        worst = 0.0
        for name, query in QUERIES.items():
            bare_run = bare_search(bare_db)
            ours, bare = latencies([lambda q: library.search(q, limit=20), bare_run], query, args.repeat)
            hits = len(library.search(query, limit=20))
            worst = max(worst, percentile(ours, 0.95) * 1e3)
            bare50, bare95 = statistics.median(bare) * 1e3, percentile(bare, 0.95) * 1e3
            ours50, ours95 = statistics.median(ours) * 1e3, percentile(ours, 0.95) * 1e3
            print(
                f"{name:<8}{hits:>6}{bare50:>8.2f}ms{bare95:>7.2f}ms{ours50:>10.2f}ms{ours95:>7.2f}ms"
                f"{ours95 / bare95:>10.2f}x"
            )
        print(f"worst mlnews search p95: {worst:.2f} ms (goal < {SEARCH_GOAL_MS} ms)")
        bare_db.close()
        library.close()


def report_ingest(records: int, bare: Run, ours: Run, again: Run) -> None:
    print(f"{'ingest':<16}{'records/s':>12}{'seconds':>10}{'peak RSS':>12}{'workers':>10}")
    rows: list[tuple[str, float, Run | None]] = [("bare", bare.seconds, bare), ("mlnews", ours.seconds, ours)]
    rows += [(f"  {phase}", seconds, None) for phase, seconds in ours.phases.items()]
    rows += [("mlnews again", again.seconds, again)]
    for name, seconds, run in rows:
        memory = f"{run.peak_mb:>9,.0f} MB{run.workers_mb:>7,.0f} MB" if run else ""
        print(f"{name:<16}{records / seconds:>12,.0f}{seconds:>10.1f}{memory}")
    ratio = bare.seconds / ours.seconds
    stored = bare.seconds / ours.phases["ingest"]
    print(f"ratio mlnews/bare: {ratio:.2f}x the speed, {stored:.2f}x to searchable (goal >= 0.90x)")
    speed = ours.seconds / again.seconds
    print(f"re-import of the unchanged file: {speed:.2f}x the speed of importing it (goal >= 1.00x)\n")


def huge(megabytes: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "huge.jsonl"
        write_huge(data, megabytes)
        size = data.stat().st_size / 1e6
        print(f"2 records, one with a {megabytes:,} MB abstract: {size:,.0f} MB of snapshot JSON lines\n")
        print(f"{'ingest':<10}{'seconds':>10}{'peak RSS':>12}{'workers':>10}{'over file':>12}")
        for side in ("bare", "mlnews"):
            run = in_new_process(side, data, folder / side)
            over = run.peak_mb - size
            memory = f"{run.peak_mb:>9,.0f} MB{run.workers_mb:>7,.0f} MB{over:>9,.0f} MB"
            print(f"{side:<10}{run.seconds:>10.1f}{memory}")


if __name__ == "__main__":
    main()
