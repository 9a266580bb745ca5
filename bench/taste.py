"""Ranking quality on simulated curators: mlnews' taste ranker beside arxiv-sanity-lite's SVM.

    python bench/taste.py [--data ../shared/data] [--weeks 10] [--seeds 3]
    python bench/taste.py --schedule 0.3 0.5 0.7   # the cold-start popularity share, on these curators

The data: ICLR 2021's 2,966 OpenReview submissions (../shared/data/openreview/iclr2021),
with the reviewers' ratings as of 2020-11-11 (before any decision) as the quality prior.
A simulated curator's taste is one area's *accepted* papers (an area: papers whose
authors' keywords name it, e.g. "reinforcement learning"); the keywords themselves are
not shown to the rankers (title and abstract only), so the ranker must find the area
from the text and the quality from the prior.

The submissions are dealt at random into weeks. Two histories:
- "months": every decision of the weeks before (picks yes; the week's other papers,
  seen and passed, soft noes);
- "five picks": a new curator gives five of the earlier picks, nothing else (a sample of
  the earlier weeks stands in for the noes, as mlnews does).
Each later week is then ranked and scored (recall@k, nDCG@20, Scholar Inbox's protocol),
with 95% bootstrap intervals over (curator, week) cases. The popularity weight is chosen
by cross-validation on each case's history only.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np
from rich.console import Console

from mlnews.rank import evaluate, features, labels, taste
from mlnews.rank.base import Corpus, Examples
from mlnews.rank.features import Document
from mlnews.rank.taste import TasteRanker

AREAS = {
    "reinforcement learning": ("reinforcement learning",),
    "graphs": ("graph",),
    "robustness": ("adversarial", "robustness"),
    "self-supervised": ("self-supervised", "contrastive"),
    "meta-learning": ("meta-learning", "meta learning", "few-shot"),
    "generative models": ("generative", "gan", "variational autoencoder", "normalizing flow", "diffusion"),
    "language": ("natural language", "transformer", "language model"),
    "federated and private": ("federated", "privacy"),
    "continual": ("continual", "lifelong"),
    "efficiency": ("architecture search", "pruning", "quantization", "distillation"),
}
FIRST_RANKED = 0.5  # the first half of the weeks is history only


def read(folder: Path) -> tuple[list[dict[str, str]], dict[str, float], dict[str, str]]:
    with (folder / "paperlist.tsv").open(encoding="utf-8", newline="") as handle:
        papers = list(csv.DictReader(handle, delimiter="\t"))
    return papers, _ratings(folder / "ratings.20201111.tsv")[0], _ratings(folder / "ratings.tsv")[1]


def _ratings(path: Path) -> tuple[dict[str, float], dict[str, str]]:
    means, decisions = {}, {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if not row or row[0] in ("", "paper_id"):
                continue
            scores = [float(x) for x in row[1:7] if x.strip()]
            if scores:
                means[row[0]] = sum(scores) / len(scores)
            if len(row) > 7:
                decisions[row[0]] = row[7]
    return means, decisions


def corpus_of(papers: list[dict[str, str]], early: dict[str, float]) -> Corpus:
    documents = [Document(p["title"], p["abstract"]) for p in papers]
    prior = np.array([(early[p["paper_id"]] - 1) / 9 if p["paper_id"] in early else np.nan for p in papers])
    return Corpus(
        np.arange(len(papers), dtype=np.int64),
        features.tf(documents),
        prior,
        np.zeros(len(papers)),
        documents,
    )


def cases(
    papers: list[dict[str, str]], decisions: dict[str, str], weeks: int, seed: int, mode: str
) -> list[evaluate.Case]:
    rng = np.random.default_rng(seed)
    week = np.empty(len(papers), dtype=np.int64)
    week[rng.permutation(len(papers))] = np.arange(len(papers)) % weeks
    accepted = np.array([decisions.get(p["paper_id"], "").startswith("Accept") for p in papers])
    keywords = [p["keywords"].lower() for p in papers]
    out = []
    for area, words in AREAS.items():
        taste = accepted & np.array([any(w in k for w in words) for k in keywords])
        for current in range(int(weeks * FIRST_RANKED), weeks):
            candidates = np.flatnonzero(week == current)
            picks = candidates[taste[candidates]]
            past = np.flatnonzero(week < current)
            past_picks = past[taste[past]]
            if not len(picks) or len(past_picks) < 5:
                continue
            train = _months(past, taste, week) if mode == "months" else _five(past, past_picks, rng)
            out.append(evaluate.Case(f"{area} {current}", train, candidates, picks))
    return out


def _months(past: np.ndarray, taste: np.ndarray, week: np.ndarray) -> Examples:
    yes = taste[past]
    return Examples(past, yes.astype(float), np.where(yes, 1.0, labels.UNTOUCHED), week[past])


def _five(past: np.ndarray, past_picks: np.ndarray, rng: np.random.Generator) -> Examples:
    picks = rng.choice(past_picks, 5, replace=False)
    others = np.setdiff1d(past, picks)
    background = rng.choice(others, min(labels.BACKGROUND_SAMPLE, len(others)), replace=False)
    rows = np.r_[picks, background]
    yes = np.r_[np.ones(5), np.zeros(len(background))]
    return Examples(rows, yes, np.where(yes > 0, 1.0, labels.BACKGROUND), np.full(len(rows), -1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--weeks", type=int, default=10)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument(
        "--schedule",
        type=float,
        nargs="+",
        metavar="SHARE",
        help="Instead: five-picks curators under each cold-start popularity share (how COLD was chosen)",
    )
    args = parser.parse_args()
    folder = args.data / "openreview" / "iclr2021"
    if not folder.is_dir():
        sys.exit(f"{folder}: not found; give --data the folder that holds openreview/iclr2021")
    papers, early, decisions = read(folder)
    corpus = corpus_of(papers, early)
    console = Console(width=150)
    if args.schedule:
        schedule(corpus, papers, decisions, args, console)
        return
    for mode, title in (("months", "months of history"), ("five", "five picks")):
        started = time.perf_counter()
        found = [c for seed in range(args.seeds) for c in cases(papers, decisions, args.weeks, seed, mode)]
        report = evaluate.run(
            f"Simulated ICLR 2021 curators, {title}", corpus, found, evaluate.methods(TasteRanker())
        )
        console.print(evaluate.table(report))
        console.print(f"({time.perf_counter() - started:.0f} s)\n")


def schedule(
    corpus: Corpus,
    papers: list[dict[str, str]],
    decisions: dict[str, str],
    args: argparse.Namespace,
    console: Console,
) -> None:
    """Five-picks curators ranked under each cold-start popularity share: the share of the
    cold-start blend (`taste.COLD`) a new curator's week is ranked with. These curators are not
    the ones the README reports (Hugging Face Daily Papers, the seeds' curator)."""
    found = [c for seed in range(args.seeds) for c in cases(papers, decisions, args.weeks, seed, "five")]
    baseline = evaluate.run("popularity", corpus, found, {"popularity": evaluate.PopularityRanker()})
    console.print(f"popularity alone: recall@20 {evaluate.cell(baseline.results['popularity']['recall@20'])}")
    for share in args.schedule:
        rest = (1 - share) / (1 - taste.COLD["popularity"])
        taste.COLD = {**{k: v * rest for k, v in taste.COLD.items()}, "popularity": share}
        report = evaluate.run("five picks", corpus, found, {"taste": TasteRanker()})
        row = report.results["taste"]
        cells = "  ".join(f"{m} {evaluate.cell(row[m])}" for m in ("recall@10", "recall@20", "nDCG@20"))
        console.print(f"popularity {share:.1f}: {cells}")


if __name__ == "__main__":
    main()
