"""What every ranker works on, and the little interface a ranker implements.

A ranker is a plugin (kind "ranker", entry-point group `mlnews.rankers`) with two
methods: `train(corpus, examples) -> Model` learns from the curator's decisions, and
`score(model, corpus) -> array` scores every row of a corpus, higher first. A `Model`
is plain data: named arrays and JSON parameters, stored in the library as an `.npz`
archive read without pickle.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from mlnews import lazy
from mlnews.rank.features import Document, who_matrices

if TYPE_CHECKING:
    import numpy as np
    from scipy import sparse
else:  # imported on first use: a command that never ranks does not pay for them
    np = lazy.load("numpy")
    sparse = lazy.load("scipy.sparse")


@dataclass
class Corpus:
    """Items as rankers see them, a row each."""

    ids: np.ndarray  # item ids (int64)
    tf: sparse.csr_matrix  # sublinear frequencies of hashed terms (`features`)
    prior: np.ndarray  # popularity/quality, 0-1, NaN where unknown
    days: np.ndarray  # date as a day number, 0 where unknown: recency breaks ties
    documents: Sequence[Document] | None = None  # the text itself, for rankers that need it
    # Who wrote each row and where it was filed: 0/1 over the same buckets as `tf`, kept apart
    # from the words (`features.who`); None: built from `documents` when a ranker asks.
    authors: sparse.csr_matrix | None = None
    categories: sparse.csr_matrix | None = None
    # Each row's embedding (float32, unit length; `rank.dense`), when an embedder is set.
    dense: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def subset(self, rows: np.ndarray) -> Corpus:
        documents = [self.documents[i] for i in rows] if self.documents is not None else None
        authors, categories = (m[rows] if m is not None else None for m in (self.authors, self.categories))
        dense = self.dense[rows] if self.dense is not None else None
        return Corpus(
            self.ids[rows],
            self.tf[rows],
            self.prior[rows],
            self.days[rows],
            documents,
            authors,
            categories,
            dense,
        )

    def who(self) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        """(authors, categories), from the documents when the library did not give them."""
        if self.authors is None or self.categories is None:
            if self.documents is not None:
                self.authors, self.categories = who_matrices(self.documents)
            else:  # nothing known about who: empty rows
                empty = sparse.csr_matrix(self.tf.shape, dtype=np.float32)
                self.authors, self.categories = empty, empty
        return self.authors, self.categories


@dataclass
class Examples:
    """What the curator decided, as rows of a corpus: label 1 (a pick) or 0, with a weight
    (an editor's pick counts more than a shortlisting, an explicit rejection more than an
    item left untouched) and a group (the week decided, for cross-validation; -1: none)."""

    rows: np.ndarray
    labels: np.ndarray
    weights: np.ndarray
    groups: np.ndarray

    @property
    def positives(self) -> np.ndarray:
        return np.asarray(self.rows[self.labels > 0])

    @classmethod
    def empty(cls) -> Examples:
        nothing = np.zeros(0, dtype=np.int64)
        return cls(nothing, nothing.astype(float), nothing.astype(float), nothing)

    def only(self, mask: np.ndarray) -> Examples:
        return Examples(self.rows[mask], self.labels[mask], self.weights[mask], self.groups[mask])


@dataclass
class Model:
    ranker: str
    params: dict[str, Any] = field(default_factory=dict)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(buffer, allow_pickle=False, **self.arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, ranker: str, params: dict[str, Any], data: bytes) -> Model:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        return cls(ranker, params, arrays)


class Ranker:
    """Subclasses set `name` and `description` and implement both methods."""

    name: ClassVar[str]
    description: ClassVar[str]
    needs_text: ClassVar[bool] = False  # reads the items' words itself, not only their features

    def train(self, corpus: Corpus, examples: Examples, previous: Model | None = None) -> Model:
        """`previous`: the last model trained on the whole library, when this is a quick
        retrain after one decision (the corpus then holds only the decided items)."""
        raise NotImplementedError

    def score(self, model: Model, corpus: Corpus) -> np.ndarray:
        raise NotImplementedError


def percentiles(values: np.ndarray) -> np.ndarray:
    """Each value's rank among them, 0 (lowest) to 1 (highest); ties share the mean rank."""
    if len(values) <= 1:
        return np.full(len(values), 0.5)
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(len(values))
    # Equal values get equal ranks, so that no order sneaks in from the input's.
    _, inverse, tallies = np.unique(values, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return np.asarray(sums[inverse] / tallies[inverse] / (len(values) - 1))
