"""Backtests: how well each ranker would have found the curator's picks, week by week.

For each past week with picks: train on what was decided before the week began, rank
that week's candidates, and measure recall@10/20/50 and nDCG@20 of its picks. Beside
ours, in the same run: arxiv-sanity-lite's exact method, popularity alone and random.
Also Scholar Inbox's protocol: each held-out pick ranked against the curator's
rejections plus 100 random items (nDCG, MRR). Weeks are few and noisy, so every mean
comes with a 95% bootstrap interval over weeks.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.table import Table

from mlnews import lazy
from mlnews.library import Library
from mlnews.rank import dense, features, labels, pipeline
from mlnews.rank.base import Corpus, Examples, Model, Ranker
from mlnews.rank.popularity import PopularityRanker
from mlnews.rank.sanity import ArxivSanityRanker
from mlnews.rank.taste import TasteRanker, ndcg
from mlnews.settings import Config
from mlnews.weeks import Week

if TYPE_CHECKING:
    import numpy as np
else:  # imported on first use: a command that never ranks does not pay for them
    np = lazy.load("numpy")

CUTOFFS = (10, 20, 50)
RANDOM_ITEMS = 100  # Scholar Inbox's protocol
METRICS = (*(f"recall@{k}" for k in CUTOFFS), "nDCG@20", "SI nDCG", "SI MRR")
_BOOTSTRAP = 1000


@dataclass
class Case:
    """One week to rank: what was known before it, its candidates and its picks (corpus rows)."""

    name: str
    train: Examples
    candidates: np.ndarray
    picks: np.ndarray
    rejected: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


@dataclass
class Report:
    title: str
    cases: int
    picks: int
    candidates: float  # per week, on average
    level: float = 0.95  # the intervals' coverage
    # method -> metric -> (mean, low, high)
    results: dict[str, dict[str, tuple[float, float, float]]] = field(default_factory=dict)


class RandomRanker(Ranker):
    name = "random"
    description = "A random order (the floor)."

    def __init__(self, seed: int = 0):
        self.random = np.random.default_rng(seed)

    def train(self, corpus: Corpus, examples: Examples, previous: Model | None = None) -> Model:
        return Model(self.name)

    def score(self, model: Model, corpus: Corpus) -> np.ndarray:
        return self.random.random(len(corpus))


def methods(ours: Ranker, vectors: bool = False) -> dict[str, Ranker]:
    """The rankers compared; `vectors`: the corpus carries embeddings, and the taste ranker is
    shown without them and with them, side by side."""
    compared: dict[str, Ranker] = {f"mlnews {ours.name}": ours}
    if vectors and isinstance(ours, TasteRanker):
        compared = {
            "mlnews taste": _with_embedder(ours, ""),
            "mlnews taste + dense": _with_embedder(ours, ours.embedder or "stored"),
        }
    return {
        **compared,
        "arxiv-sanity": ArxivSanityRanker(),
        "popularity": PopularityRanker(),
        "random": RandomRanker(),
    }


def _with_embedder(ranker: TasteRanker, embedder: str) -> TasteRanker:
    """The same taste ranker reading the corpus's embeddings (`embedder` set) or not ('')."""
    made = copy.copy(ranker)
    made.embedder = embedder
    return made


def run(
    title: str,
    corpus: Corpus,
    cases: Sequence[Case],
    rankers: dict[str, Ranker],
    seed: int = 0,
    level: float = 0.95,
) -> Report:
    """Every ranker on every case; means with bootstrap intervals covering `level`."""
    chooser = np.random.default_rng(seed)
    pools = [_si_pools(corpus, case, chooser) for case in cases]
    per_method: dict[str, list[dict[str, float]]] = {}
    for name, ranker in rankers.items():
        rows = per_method.setdefault(name, [])
        for case, pool in zip(cases, pools, strict=True):
            model = ranker.train(corpus, case.train)
            rows.append(
                {**_week_metrics(ranker, model, corpus, case), **_si_metrics(ranker, model, corpus, pool)}
            )
    report = Report(
        title,
        len(cases),
        int(sum(len(c.picks) for c in cases)),
        float(np.mean([len(c.candidates) for c in cases])) if cases else 0.0,
        level=level,
    )
    for name, rows in per_method.items():
        report.results[name] = {m: _interval([row[m] for row in rows], seed, level) for m in METRICS}
    return report


def _week_metrics(ranker: Ranker, model: Model, corpus: Corpus, case: Case) -> dict[str, float]:
    scores = ranker.score(model, corpus.subset(case.candidates))
    relevant = np.isin(case.candidates, case.picks)
    order = np.argsort(-scores, kind="stable")
    found = {f"recall@{k}": float(relevant[order[:k]].sum() / relevant.sum()) for k in CUTOFFS}
    found["nDCG@20"] = ndcg(scores, relevant)
    return found


def _si_pools(corpus: Corpus, case: Case, chooser: np.random.Generator) -> list[np.ndarray]:
    """For each pick: the pick, the curator's rejections and 100 random other items."""
    others = np.setdiff1d(np.arange(len(corpus)), np.r_[case.picks, case.train.positives, case.rejected])
    pools = []
    for pick in case.picks:
        sample = chooser.choice(others, min(RANDOM_ITEMS, len(others)), replace=False)
        pools.append(np.r_[[pick], case.rejected, sample].astype(np.int64))
    return pools


def _si_metrics(ranker: Ranker, model: Model, corpus: Corpus, pools: list[np.ndarray]) -> dict[str, float]:
    gains, reciprocal = [], []
    for pool in pools:
        scores = ranker.score(model, corpus.subset(pool))
        rank = 1 + int((scores > scores[0]).sum())  # ties count in the pick's favour
        gains.append(1 / np.log2(rank + 1))
        reciprocal.append(1 / rank)
    return {
        "SI nDCG": float(np.mean(gains)) if gains else 0.0,
        "SI MRR": float(np.mean(reciprocal)) if gains else 0.0,
    }


def _interval(values: list[float], seed: int, level: float = 0.95) -> tuple[float, float, float]:
    data = np.asarray(values, dtype=np.float64)
    if not len(data):
        return (float("nan"),) * 3
    draws = np.random.default_rng(seed).integers(0, len(data), size=(_BOOTSTRAP, len(data)))
    means = data[draws].mean(axis=1)
    tail = 50 * (1 - level)
    return float(data.mean()), float(np.percentile(means, tail)), float(np.percentile(means, 100 - tail))


def table(report: Report) -> Table:
    shown = Table(
        title=f"{report.title}: {report.cases} weeks, {report.picks} picks, "
        f"{report.candidates:.0f} candidates a week (mean, {report.level:.0%} interval)",
        title_justify="left",
        box=None,
        header_style="bold",
    )
    shown.add_column("method", no_wrap=True)
    for metric in METRICS:
        shown.add_column(metric, justify="right")
    for name, metrics in report.results.items():
        shown.add_row(name, *(cell(metrics[m]) for m in METRICS))
    return shown


def cell(value: tuple[float, float, float]) -> str:
    mean, low, high = value
    return f"{mean:.2f} {low:.2f}–{high:.2f}".replace("0.", ".") if np.isfinite(mean) else "–"


# -- on the library's own history -------------------------------------------------------------


def replayable(library: Library, config: Config) -> tuple[Ranker, int, Corpus, dict[int, int]]:
    """What a backtest starts from: the ranker, its lookback in days, every item with its features
    (built first where missing) and embeddings, and each item's row."""
    ranker = pipeline.ranker_for(config)
    features.update(library)  # a library from an older mlnews, or a dry import
    dense.update(library, config)
    whole = pipeline.corpus(library, text=True, vectors=dense.model_of(library, config, stored=True))
    row_of = {int(item_id): row for row, item_id in enumerate(whole.ids)}
    return ranker, int(getattr(ranker, "lookback_days", 28)), whole, row_of


def backtest_library(library: Library, config: Config) -> Report:
    ranker, lookback, whole, row_of = replayable(library, config)
    final = labels.collect(library, lookback_days=0).by_item  # every decision, as it stands now
    weeks = sorted({Week.parse(label.week) for label in final.values() if label.yes and label.week})
    cases = [
        case
        for week in weeks
        if (case := _case(library, config, whole, row_of, final, week, lookback)) is not None
    ]
    return run("Backtest on this library's history", whole, cases, methods(ranker, whole.dense is not None))


def _case(
    library: Library,
    config: Config,
    whole: Corpus,
    row_of: dict[int, int],
    final: dict[int, labels.Label],
    week: Week,
    lookback: int,
) -> Case | None:
    known = labels.collect(library, before=week, lookback_days=lookback, first_weekday=config.first_weekday)
    if not known.picks:
        return None  # nothing to learn from yet
    picks = [i for i, label in final.items() if label.yes and label.week == str(week)]
    return case_for(library, row_of, known, picks, week, (lookback, config.first_weekday))


def case_for(
    library: Library,
    row_of: dict[int, int],
    known: labels.Labels,
    picks: list[int],
    week: Week,
    calendar: tuple[int, str],
    seen_stay: bool = False,
) -> Case | None:
    """A week to rank: its candidates (the window's items nobody decided before it, and its picks),
    trained on `known`; `calendar`: the lookback in days and the first weekday. `seen_stay`: items
    passed over in earlier weeks stay candidates (only earlier picks leave), as a replayed curator,
    whose passing over is not a decision, may still pick them."""
    lookback, first_weekday = calendar
    train = labels.as_examples(known, row_of)
    decided = {
        i
        for i, label in known.by_item.items()
        if (label.yes if seen_stay else label.weight != labels.BACKGROUND)
    }
    start, end = labels.window(week, lookback, first_weekday)
    pool = {d.item_id for d in library.ranking.dated(start, end)} - decided | set(picks)
    candidates = np.array(sorted(row_of[i] for i in pool if i in row_of), dtype=np.int64)
    pick_rows = np.array(sorted(row_of[i] for i in picks if i in row_of), dtype=np.int64)
    if not len(pick_rows):
        return None
    rejected = np.array(
        sorted(
            row_of[i]
            for i, label in known.by_item.items()
            if label.weight == labels.REJECTED and not label.yes and i in row_of
        ),
        dtype=np.int64,
    )
    return Case(str(week), train, candidates, pick_rows, rejected)
