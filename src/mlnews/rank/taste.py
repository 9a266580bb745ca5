"""The built-in ranker: the curator's taste, learned, blended with popularity.

Words, word pairs, authors and categories weighted by tf-idf; a logistic regression on
the curator's decisions (an editor's pick weighs most, a rejection is a firm no, an
item left untouched in a published week a soft one); then, by rank, a blend with the
popularity/quality prior. How much the prior weighs is chosen by cross-validation on
the curator's own past weeks, never on the week being ranked. On simulated ICLR 2021
curators this beats arxiv-sanity-lite's SVM (see `mlnews rank --evaluate` and
bench/taste.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from mlnews import lazy
from mlnews.errors import UsageError
from mlnews.rank.base import Corpus, Examples, Model, Ranker, percentiles
from mlnews.rank.features import BUCKETS
from mlnews.settings import Setting

if TYPE_CHECKING:
    import numpy as np
    from scipy import sparse
else:  # imported on first use: a command that never ranks does not pay for them
    np = lazy.load("numpy")
    sparse = lazy.load("scipy.sparse")

ALPHAS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8)
DEFAULT_ALPHA = 0.2  # too little history to choose: a light touch of popularity
_CV_WEEKS = 4  # the most recent weeks with picks each hold out once
_CV_PICKS = 8  # with no weeks to hold out, up to this many picks are held out one by one


class TasteRanker(Ranker):
    """Your picks and rejections, learned (tf-idf words, pairs, authors), blended with popularity."""

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
    ):
        self.popularity = _popularity(popularity)
        self.regularisation = float(regularisation)
        self.examples = list(examples or [])
        self.topics = list(topics or [])
        self.authors = list(authors or [])
        self.categories = list(categories or [])
        self.lookback_days = int(lookback_days)

    def train(self, corpus: Corpus, examples: Examples, previous: Model | None = None) -> Model:
        # A quick retrain after one decision sees only the decided items: it keeps the idf
        # that the whole library gave at the last full training.
        idf = previous.arrays["idf"] if previous is not None else inverse_document_frequency(corpus.tf)
        matrix = tfidf(corpus.tf, idf)
        model = Model(self.name, {"positives": int((examples.labels > 0).sum())})
        model.arrays["idf"] = idf
        model.arrays["picks"] = corpus.ids[examples.positives].astype(np.int64)
        cols, coef, intercept = fit(matrix, examples, self.regularisation)
        model.arrays["cols"], model.arrays["coef"] = cols, coef
        model.params["intercept"] = intercept
        model.params["alpha"] = self._alpha(matrix, corpus.prior, examples, previous)
        return model

    def score(self, model: Model, corpus: Corpus) -> np.ndarray:
        taste = taste_scores(model, corpus.tf)
        popular = popularity(corpus.prior, corpus.days)
        if not model.params.get("positives"):
            return popular  # nothing learned yet: popularity and recency order the week
        alpha = float(model.params.get("alpha", 0.0))
        return np.asarray((1 - alpha) * percentiles(taste) + alpha * popular)

    def _alpha(
        self, matrix: sparse.csr_matrix, prior: np.ndarray, examples: Examples, previous: Model | None
    ) -> float:
        if not np.isfinite(prior).any():
            return 0.0
        if self.popularity is not None:
            return self.popularity
        if previous is not None and "alpha" in previous.params:
            return float(previous.params["alpha"])  # a quick retrain after one decision
        return choose_alpha(matrix, prior, examples, self.regularisation)


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


def choose_alpha(matrix: sparse.csr_matrix, prior: np.ndarray, examples: Examples, c: float) -> float:
    """The prior's weight that best ranks held-out picks in the curator's own history."""
    folds = _folds(examples)
    if not folds:
        return DEFAULT_ALPHA
    gains = {alpha: 0.0 for alpha in ALPHAS}
    for train, test_rows, test_labels in folds:
        cols, coef, _ = fit(matrix, train, c)
        taste = np.asarray(matrix[test_rows][:, cols] @ coef).ravel()
        popular = popularity(prior[test_rows], np.zeros(len(test_rows)))
        for alpha in ALPHAS:
            gains[alpha] += ndcg((1 - alpha) * percentiles(taste) + alpha * popular, test_labels)
    return max(ALPHAS, key=lambda alpha: (round(gains[alpha], 9), -abs(alpha - DEFAULT_ALPHA)))


Fold = tuple[Examples, "np.ndarray", "np.ndarray"]


def _folds(examples: Examples) -> list[Fold]:
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
    negatives = np.flatnonzero(~positive)
    if len(picks) < 2 or not len(negatives):
        return []
    for pick in picks[-_CV_PICKS:]:
        keep = np.ones(len(examples.rows), dtype=bool)
        keep[pick] = False
        test = np.r_[examples.rows[pick], examples.rows[negatives]]
        folds.append((examples.only(keep), test, np.r_[True, np.zeros(len(negatives), dtype=bool)]))
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
