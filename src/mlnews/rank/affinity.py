"""Who wrote a paper and where it was filed, as the curator's history weighs them.

Each author and each arXiv category gets the share of the curator's picks that carry it against
its share of all the items seen (picks and noes), the picks' share smoothed toward the items'
(three picks say little), as a log ratio: above 0 the curator picks it more often than the rest.
A paper's author fit is its best author's; its category fit the mean over its categories, the
primary counted twice. Both are features from the first pick on: a cs.CV curator's first
issue already puts cs.PL below cs.CV.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlnews import lazy
from mlnews.rank.base import Examples

if TYPE_CHECKING:
    import numpy as np
    from scipy import sparse
else:  # imported on first use: a command that never ranks does not pay for them
    np = lazy.load("numpy")
    sparse = lazy.load("scipy.sparse")

SMOOTHING = 5.0  # picks' worth of the library's own share every author or category starts with


def fit(
    matrix: sparse.csr_matrix, examples: Examples, *, positive_only: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(buckets, log ratios) over the buckets the examples carry; `positive_only`: keep only those
    the curator favours (an author passed over once says little; a category seldom picked says much)."""
    rows = matrix[examples.rows].sign()  # the primary category counts once here
    # Only items that say who wrote them or where they were filed count: a past issue's entry
    # without categories is a pick, but not one for or against any category.
    marked = np.diff(rows.indptr) > 0
    rows, yes = rows[marked], examples.labels[marked] > 0
    if not yes.any():
        return np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.float32)
    seen = np.asarray(rows.sum(axis=0)).ravel()
    picked = np.asarray(rows[yes].sum(axis=0)).ravel()
    cols = np.flatnonzero(picked > 0 if positive_only else seen > 0)
    # The share of picks that carry it, as if SMOOTHING more picks had carried it as often as
    # items at large do: three picks, none in cs.CV, say little against cs.CV.
    everywhere = seen[cols] / rows.shape[0]
    among_picks = (picked[cols] + SMOOTHING * everywhere) / (yes.sum() + SMOOTHING)
    ratio = np.log(among_picks / everywhere)
    if positive_only:
        keep = ratio > 0
        cols, ratio = cols[keep], ratio[keep]
    return cols.astype(np.uint32), ratio.astype(np.float32)


def authors(matrix: sparse.csr_matrix, cols: np.ndarray, ratios: np.ndarray) -> np.ndarray:
    """Each row's best author's log ratio (0: none the curator favours)."""
    weights = _weights(cols, ratios)
    values = sparse.csr_matrix((weights[matrix.indices], matrix.indices, matrix.indptr), shape=matrix.shape)
    return np.asarray(values.max(axis=1).toarray()).ravel() if matrix.shape[0] else np.zeros(0)


def categories(matrix: sparse.csr_matrix, cols: np.ndarray, ratios: np.ndarray) -> np.ndarray:
    """Each row's mean log ratio over its categories, weighted as the matrix marks them (the
    primary twice)."""
    weights = _weights(cols, ratios)
    marks = np.asarray(matrix.sum(axis=1)).ravel()
    total = np.asarray(matrix @ weights).ravel()
    return np.asarray(total / np.maximum(marks, 1))


def _weights(cols: np.ndarray, ratios: np.ndarray) -> np.ndarray:
    from mlnews.rank.features import BUCKETS

    weights = np.zeros(BUCKETS, dtype=np.float64)
    weights[cols.astype(np.int64)] = ratios
    return weights
