"""arxiv-sanity-lite's method, exactly: its tf-idf and a linear SVM against every other paper.

Kept as a ranker of its own so that `mlnews rank --evaluate` can put ours beside it in
the same run, and for curators who prefer it. As in arxiv-sanity-lite (compute.py and
serve.py), the vocabulary is fitted on the whole library's text and the SVM is trained
with the picks as positives and every other item as a negative.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from mlnews import lazy
from mlnews.rank.base import Corpus, Examples, Model, Ranker
from mlnews.rank.features import Document

if TYPE_CHECKING:
    import numpy as np
    from scipy import sparse
else:  # imported on first use: a command that never ranks does not pay for them
    np = lazy.load("numpy")
    sparse = lazy.load("scipy.sparse")

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

MAX_FEATURES = 20_000
MIN_DF = 5
MAX_DF = 0.1
C = 0.01


def vectoriser(vocabulary: dict[str, int] | None = None, min_df: int = MIN_DF) -> TfidfVectorizer:
    # sklearn is imported where it is used: a second of start-up for every command otherwise.
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        input="content", encoding="utf-8", decode_error="replace", strip_accents="unicode",
        lowercase=True, analyzer="word", stop_words="english",
        token_pattern=r"(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b", ngram_range=(1, 2),
        max_features=None if vocabulary else MAX_FEATURES, norm="l2", use_idf=True, smooth_idf=True,
        sublinear_tf=True, vocabulary=vocabulary,
        max_df=MAX_DF if vocabulary is None else 1.0, min_df=min_df if vocabulary is None else 1,
    )  # fmt: skip


def text_of(document: Document) -> str:
    return " ".join([document.title, document.text, " ".join(document.authors)])


class ArxivSanityRanker(Ranker):
    """arxiv-sanity-lite's SVM: tf-idf (1-2-grams, max_df 0.1, min_df 5), LinearSVC C=0.01."""

    name: ClassVar[str] = "arxiv-sanity"
    description: ClassVar[str] = __doc__ or ""
    needs_text: ClassVar[bool] = True

    def __init__(self) -> None:
        # arxiv-sanity-lite fits its tf-idf once over the library (compute.py), then trains one SVM
        # per user: a backtest ranking many weeks of one corpus fits it once too.
        self._fitted: tuple[Corpus, TfidfVectorizer, sparse.csr_matrix] | None = None

    def train(self, corpus: Corpus, examples: Examples, previous: Model | None = None) -> Model:
        if self._fitted is not None and self._fitted[0] is corpus:
            _, fitted, matrix = self._fitted
        else:
            texts = [text_of(d) for d in _documents(corpus)]
            fitted = vectoriser(min_df=min(MIN_DF, max(1, len(texts) // 20)))
            try:
                matrix = fitted.fit_transform(texts)
            except ValueError:  # too few documents for its df limits: nothing to learn from
                return Model(self.name)
            self._fitted = (corpus, fitted, matrix)
        labels = np.zeros(len(corpus))
        labels[examples.positives] = 1
        model = Model(self.name, {"positives": int(labels.sum())})
        vocabulary = np.array(sorted(fitted.vocabulary_, key=fitted.vocabulary_.__getitem__))
        model.arrays["vocabulary"] = vocabulary
        model.arrays["idf"] = fitted.idf_.astype(np.float64)
        if 0 < labels.sum() < len(labels):
            from sklearn.svm import LinearSVC

            svm = LinearSVC(class_weight="balanced", verbose=False, max_iter=10000, tol=1e-6, C=C)
            svm.fit(matrix, labels)
            model.arrays["coef"] = svm.coef_[0]
        return model

    def score(self, model: Model, corpus: Corpus) -> np.ndarray:
        if "coef" not in model.arrays:
            return np.zeros(len(corpus))
        vocabulary = {str(term): index for index, term in enumerate(model.arrays["vocabulary"])}
        given = vectoriser(vocabulary)
        given.fit(["placeholder"])  # the vocabulary is given; fitting only sets the machinery up
        given.idf_ = model.arrays["idf"]
        matrix: sparse.csr_matrix = given.transform([text_of(d) for d in _documents(corpus)])
        return np.asarray(matrix @ model.arrays["coef"], dtype=np.float64)


def _documents(corpus: Corpus) -> list[Document]:
    if corpus.documents is None:
        raise ValueError("the arxiv-sanity ranker reads the items' text: build the corpus with documents")
    return list(corpus.documents)
