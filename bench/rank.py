"""Ranking speed: mlnews' taste ranker beside arxiv-sanity-lite's method, in one run.

    python bench/rank.py [--items 100000] [--week 7000]

1. Imports N generated arXiv records (bench/ingest.py's generator) into a new library.
2. Features: mlnews builds each item's features as it is stored (`features.update`);
   timed for a week of arXiv (7,000 papers) in a library of its own, and for all N.
   arxiv-sanity-lite's step is its TfidfVectorizer fitted and applied to all N texts.
3. A history: 300 picks over 10 weeks, 300 rejections.
4. Training: mlnews' full training (idf over the library, logistic regression, the
   popularity weight by cross-validation), and the quick retrain after one decision;
   arxiv-sanity-lite's LinearSVC over all N.
5. Ranking all N as one week's candidates: mlnews reads their features from the library
   and scores them; arxiv-sanity-lite scores its matrix in memory.
Each side's ranking runs in a process of its own, so its peak memory is its own.

Goals (issue 11): rank 100k in < 0.5 s and <= 1 GB; retrain after one decision < 1 s;
features for a week of arXiv (7,000 papers) < 30 s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.svm import LinearSVC

from ingest import write_records  # bench/ingest.py
from mlnews import workspace
from mlnews.collect import ingest
from mlnews.library import Library
from mlnews.rank import features, pipeline, sanity
from mlnews.rank.sanity import text_of
from mlnews.weeks import Week

WEEK = Week(2020, 10)  # the generated records are all dated 2 March 2020


def build(folder: Path, count: int) -> tuple[Path, float]:
    made, _ = workspace.init(folder)
    records = folder / "records.jsonl"
    write_records(records, count)
    with Library.open(made.library_path) as library:
        assert ingest.import_files(library, [records])[0].ok
        started = time.perf_counter()
        features.update(library)
        return folder, time.perf_counter() - started


def decide(folder: Path) -> None:
    chooser = random.Random(3)
    with Library.open(folder / "library.db") as library:
        keys = [item.key or "" for item in library.items(limit=50_000)]
        chosen = chooser.sample(keys, 600)
        for number, key in enumerate(chosen[:300]):
            library.triage(
                [key], "featured" if number % 10 == 0 else "shortlisted", None, f"2020-W{number % 10 + 1:02d}"
            )
        library.triage(chosen[300:], "rejected")


def mlnews_side(folder: Path) -> dict[str, float]:
    made = workspace.find(folder)
    config = made.config
    with Library.open(made.library_path) as library:
        ranker = pipeline.ranker_for(config)
        started = time.perf_counter()
        pipeline.train(library, config, ranker)
        full = time.perf_counter() - started
        key = library.items(state="new", limit=1)[0].key or ""
        library.triage([key], "shortlisted", None, str(WEEK))
        started = time.perf_counter()
        pipeline.train(library, config, ranker, quick=True)
        quick = time.perf_counter() - started
        model = pipeline.load_model(library, ranker)
        assert model is not None
        ids = pipeline.candidates(library, WEEK, 28, config.first_weekday)
        started = time.perf_counter()
        corpus = pipeline.corpus(library, ids)
        read = time.perf_counter() - started
        scores = ranker.score(model, corpus)
        rank = time.perf_counter() - started - read
    return {
        "train": full, "retrain": quick, "read": read, "rank": rank, "ranked": float(len(scores)),
        "peak_mb": _peak(),
    }  # fmt: skip


def sanity_side(folder: Path) -> dict[str, float]:
    """arxiv-sanity-lite's steps, as its compute.py and serve.py run them."""
    with Library.open(folder / "library.db") as library:
        items = library.ranking.summaries([d.item_id for d in library.ranking.dated()])
    texts = [text_of(features.Document(i.title, i.abstract, i.authors)) for i in items.values()]
    labels = np.array([i.state in ("shortlisted", "featured") for i in items.values()], dtype=int)
    started = time.perf_counter()
    matrix = sanity.vectoriser().fit_transform(texts)
    feats = time.perf_counter() - started
    started = time.perf_counter()
    svm = LinearSVC(class_weight="balanced", verbose=False, max_iter=10000, tol=1e-6, C=sanity.C)
    svm.fit(matrix, labels)
    train = time.perf_counter() - started
    started = time.perf_counter()
    scores = svm.decision_function(matrix)
    rank = time.perf_counter() - started
    return {"features": feats, "train": train, "rank": rank, "ranked": float(len(scores)), "peak_mb": _peak()}


def _peak() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_new_process(side: str, folder: Path) -> dict[str, float]:
    command = [sys.executable, __file__, "--side", side, str(folder)]
    result: dict[str, float] = json.loads(
        subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--week", type=int, default=7_000)
    parser.add_argument("--side", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        side, folder = args.side
        print(json.dumps((mlnews_side if side == "mlnews" else sanity_side)(Path(folder))))
        return
    with tempfile.TemporaryDirectory() as temp:
        _, week_seconds = build(Path(temp) / "week", args.week)
        folder, all_seconds = build(Path(temp) / "all", args.items)
        decide(folder)
        ours = in_new_process("mlnews", folder)
        theirs = in_new_process("sanity", folder)
    print(
        f"features  mlnews: a week ({args.week:,} papers) {week_seconds:.1f} s (goal < 30 s); "
        f"all {args.items:,} {all_seconds:.1f} s; "
        f"arxiv-sanity-lite's tf-idf over all: {theirs['features']:.1f} s"
    )
    print(f"{'':10}{'mlnews':>12}{'arxiv-sanity':>14}{'ratio':>8}")
    for name, unit in (("train", "s"), ("rank", "s"), ("peak_mb", "MB")):
        ratio = ours[name] / theirs[name] if theirs[name] else float("nan")
        print(f"{name:10}{ours[name]:>10.3f} {unit:2}{theirs[name]:>12.3f} {unit:2}{ratio:>7.2f}x")
    print(f"retrain after one decision: {ours['retrain']:.3f} s (goal < 1 s)")
    print(
        f"ranked {ours['ranked']:,.0f} candidates in {ours['rank']:.3f} s (goal < 0.5 s), "
        f"{ours['read'] + ours['rank']:.3f} s with reading their features from the library; "
        f"peak {ours['peak_mb']:,.0f} MB (goal <= 1,024 MB)"
    )


if __name__ == "__main__":
    main()
