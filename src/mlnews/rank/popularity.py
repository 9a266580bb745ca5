"""Popularity alone: what others liked, newest first where nothing is known (no taste)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from mlnews import lazy
from mlnews.rank.base import Corpus, Examples, Model, Ranker
from mlnews.rank.taste import popularity

if TYPE_CHECKING:
    import numpy as np
else:  # imported on first use: a command that never ranks does not pay for them
    np = lazy.load("numpy")


class PopularityRanker(Ranker):
    """Social counts, upvotes, stars and ratings, then recency; ignores your decisions."""

    name: ClassVar[str] = "popularity"
    description: ClassVar[str] = __doc__ or ""

    def train(self, corpus: Corpus, examples: Examples, previous: Model | None = None) -> Model:
        return Model(self.name)

    def score(self, model: Model, corpus: Corpus) -> np.ndarray:
        return popularity(corpus.prior, corpus.days)
