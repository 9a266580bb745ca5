"""Why an item scored as it did: its category and authors as the curator's picks weigh them, the
terms that weigh most, the nearest past pick, popularity: strongest first, by how much each
moved the score (the signal's weight in the blend times how strongly the item has it).

Computed for the items shown (a page of candidates), not for the whole week.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mlnews import lazy
from mlnews.items import Item
from mlnews.library import Library
from mlnews.rank import features, prior
from mlnews.rank.base import Model
from mlnews.rank.rules import Rules
from mlnews.rank.taste import EVIDENCE, hashed_idf, tfidf

if TYPE_CHECKING:
    import numpy as np
    from scipy import sparse
else:  # imported on first use: a command that never ranks does not pay for them
    np = lazy.load("numpy")
    sparse = lazy.load("scipy.sparse")

TERMS = 3
LIKE_AT_LEAST = 0.03  # cosine likeness below this is no resemblance worth naming (bigrams keep it low)
# A word in more than this share of the library's items (and in more than COMMON of them: in a
# small library every word is in a good share) says nothing about one of them.
MAX_SHARE = 0.05
COMMON = 20
# Words every paper uses, whatever its subject: never a reason (the stop words are gone already).
GENERIC = frozenset(
    """
    furthermore additionally specifically notably finally firstly secondly thus hence therefore
    paper papers work works propose proposed proposes present presents introduce introduces novel new
    method methods approach approaches framework technique techniques results result show shows shown
    demonstrate demonstrates experiments experimental extensive evaluation evaluate evaluated
    performance performs outperforms outperform improve improves improved improvement improvements
    achieve achieves achieved significant significantly state art existing prior previous based using
    use uses used value values prove proves proven guarantee guarantees guaranteed effective
    effectiveness efficient efficiently problem problems task tasks data dataset datasets model models
    neural network networks deep learning learned learn training train trained test tests testing
    single multiple time times loss large small high low different various general simple
    lead leads leading update updates term terms layer layers empirical empirically mean means
    minimize minimizing minimise maximize maximizing benchmark benchmarks extra today observed
    procedure converge converges zero max min number numbers set sets way ways key important
    """.split()  # noqa: SIM905  (a list of 150 words reads better as text)
)


@dataclass
class Reasons:
    terms: list[str] = field(default_factory=list)  # "diffusion", "talking head"
    like: str = ""  # "Score-Based Generative Modeling…, 2020-W43"
    popularity: str = ""  # "20,484 retweets, 0 likes"
    category: str = ""  # "cs.CV, 2.4x as often as the rest"
    author: str = ""  # "Yang Song, in 3 of your picks" / "Yang Song, followed"
    rule: str = ""  # "pinned: include 'diffusion'": a rule of [rules], over the score
    # How strongly each reason moved the score, by its label: the lines come strongest first.
    strength: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The rule that placed it, if any; then the reasons, strongest first."""
        found = {
            "category": self.category,
            "author": self.author,
            "for": ", ".join(self.terms),
            "like": self.like,
            "popular": self.popularity,
        }
        order = sorted(found, key=lambda label: -self.strength.get(label, 0.0))
        return [self.rule] * bool(self.rule) + [f"{label}: {found[label]}" for label in order if found[label]]

    def to_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "author": self.author,
            "terms": self.terms,
            "like": self.like,
            "popularity": self.popularity,
            "rule": self.rule,
        }


def weighting(model: Model) -> str:
    """What the blend weighs, for a line above the candidates: "taste 52%, categories 28%, …"."""
    weights = model.params.get("weights")
    if not isinstance(weights, dict) or not model.params.get("positives"):
        return "by popularity, then the newest: no picks to learn from yet"
    picks = int(model.params["positives"])
    shares = ", ".join(
        f"{_SIGNAL_NAMES[name]} {weight:.0%}"
        for name, weight in sorted(weights.items(), key=lambda kv: -kv[1])
        if weight >= 0.005 and name in _SIGNAL_NAMES
    )
    growing = "; as picks come in, what they teach weighs more" if picks < EVIDENCE else ""
    return f"weighs {shares} (learned from {picks} pick{'s' * (picks != 1)}{growing})"


_SIGNAL_NAMES = {
    "taste": "your picks' words",
    "authors": "their authors",
    "categories": "their categories",
    "popularity": "popularity",
    "dense": "their titles' meaning (embeddings)",
}


def explain(
    library: Library,
    model: Model,
    items: Sequence[tuple[int, Item]],
    followed: Sequence[str] = (),
    rules: Rules | None = None,
) -> list[Reasons]:
    """Reasons for each (item id, item), in order; `followed`: the authors the curator follows;
    `rules`: and the rule that pinned it."""
    if not items:
        return []
    ids = [item_id for item_id, _ in items]
    item_ids, frequencies = features.load(library, ids)
    row_of = {int(i): n for n, i in enumerate(item_ids)}
    weights = _weights(model)
    idf = hashed_idf(model)
    matrix = sparse.csr_matrix(tfidf(frequencies, idf)) if idf is not None else None
    # The library's size, from the idf of a term no item holds: ln(1 + N) + 1.
    size = math.exp(float(idf.max()) - 1) - 1 if idf is not None else 0.0
    picks = _picks(library, model)
    # Likeness of every item to every past pick at once: one product, not one per item (a
    # page of 300 candidates took 0.9 s the other way).
    likeness = (
        np.asarray((matrix @ picks.matrix.T).toarray())  # type: ignore[attr-defined]
        if matrix is not None and picks is not None and len(picks.ids)
        else None
    )
    signals = library.signals(ids)
    blend = _blend(model)
    who = _Who(model, picks, followed)
    pinned = rules.pinned(library, ids) if rules else {}
    out = []
    for item_id, item in items:
        known = signals.get(item_id, ())
        reasons = Reasons(popularity=prior.describe(known), rule=pinned.get(item_id, ""))
        reasons.strength["popular"] = blend["popularity"] * (prior.value(known) if known else 0.0)
        reasons.category, reasons.strength["category"] = who.category(item, blend["categories"])
        reasons.author, reasons.strength["author"] = who.author(item, blend["authors"])
        row = row_of.get(item_id)
        if row is not None and matrix is not None:
            start, end = matrix.indptr[row], matrix.indptr[row + 1]
            cols, values = matrix.indices[start:end], matrix.data[start:end]
            reasons.terms = _terms(item, cols, values, weights, idf, size)
            reasons.strength["for"] = blend["taste"] * 0.5
            if likeness is not None and picks is not None:
                reasons.like, alike = _like(likeness[row], picks, item_id)
                reasons.strength["like"] = blend["taste"] * min(1.0, alike / 0.3)
        out.append(reasons)
    return out


def _blend(model: Model) -> dict[str, float]:
    weights = model.params.get("weights")
    if not isinstance(weights, dict):  # a model of an older mlnews: its words and popularity
        alpha = float(model.params.get("alpha", 0.0))
        weights = {"taste": 1 - alpha, "popularity": alpha}
    return {name: float(weights.get(name, 0.0)) for name in _SIGNAL_NAMES}


_STRONG = math.log(3.0)  # a log ratio this high (three times the usual rate) is as strong as it gets
_NOTABLE = math.log(1.5)  # below this, a category or author says too little to name


class _Who:
    """The curator's categories and authors, as the model weighs them."""

    def __init__(self, model: Model, picks: _Picks | None, followed: Sequence[str]):
        self.categories = _ratios(model, "categories")
        self.authors = _ratios(model, "authors")
        self.followed = {name.strip().lower() for name in followed}
        self.counts: dict[str, int] = {}
        for names in picks.authors.values() if picks is not None else ():
            for name in {n.strip().lower() for n in names}:
                self.counts[name] = self.counts.get(name, 0) + 1

    def category(self, item: Item, weight: float) -> tuple[str, float]:
        if not item.categories or not self.categories:
            return "", 0.0
        primary = item.categories[0]
        ratio = self.categories.get(features.bucket(f"category:{primary.strip().lower()}"), 0.0)
        if abs(ratio) < _NOTABLE:
            return "", 0.0
        return f"{primary}, picked {math.exp(ratio):.1f}x as often as the rest", weight * _strong(ratio)

    def author(self, item: Item, weight: float) -> tuple[str, float]:
        best, name = 0.0, ""
        for author in item.authors:
            key = author.strip().lower()
            ratio = self.authors.get(features.bucket(f"author:{key}"), 0.0)
            if key in self.followed:
                return f"{author}, followed", weight * max(_strong(ratio), 0.5)
            if ratio > best:
                best, name = ratio, author
        if best < _NOTABLE or not name:
            return "", 0.0
        count = self.counts.get(name.strip().lower(), 0)
        said = f"in {count} of your picks" if count else f"picked {math.exp(best):.1f}x as often"
        return f"{name}, {said}", weight * _strong(best)


def _ratios(model: Model, name: str) -> dict[int, float]:
    cols, ratios = model.arrays.get(f"{name}_cols"), model.arrays.get(f"{name}_ratios")
    if cols is None or ratios is None:
        return {}
    return dict(zip(cols.tolist(), ratios.tolist(), strict=True))


def _strong(ratio: float) -> float:
    return min(1.0, max(0.0, ratio / _STRONG))


def _weights(model: Model) -> dict[int, float]:
    if "cols" not in model.arrays:
        return {}
    return dict(zip(model.arrays["cols"].tolist(), model.arrays["coef"].tolist(), strict=True))


def _terms(
    item: Item,
    cols: np.ndarray,
    values: np.ndarray,
    weights: dict[int, float],
    idf: np.ndarray | None,
    size: float,
) -> list[str]:
    """The terms that raised the item's score most; `size`: how many items the library holds."""
    if not weights:
        return []
    scored = sorted(
        (
            (value * weights.get(col, 0.0), col)
            for col, value in zip(cols.tolist(), values.tolist(), strict=True)
        ),
        reverse=True,
    )
    if not scored or scored[0][0] <= 0:
        return []
    names = features.terms_of(
        features.Document(
            item.title, item.abstract or item.body[: features.BODY_CHARS], item.authors, item.categories
        )
    )
    shown: list[str] = []
    for contribution, col in scored:
        if contribution <= 0 or len(shown) == TERMS:
            break
        if col in names and telling(names[col], float(idf[col]) if idf is not None else None, size):
            shown.append(names[col])
    return shown


def telling(term: str, idf: float | None, items: float = 0.0) -> bool:
    """Whether a word or pair of words says something about the item: not if generic (`GENERIC`)
    or common in a library of `items` items; an author or a category has a reason of its own."""
    kind, _, name = term.partition(":")
    if name and kind in ("author", "category"):
        return False  # said by the author and category reasons, as the curator's picks weigh them
    if all(word in GENERIC for word in term.split()):
        return False
    if idf is None:
        return True
    # The idf is ln((1 + N) / (1 + df)) + 1: df = (1 + N) e^(1 - idf) - 1.
    holding = (1 + items) * math.exp(1 - idf) - 1
    return holding <= max(MAX_SHARE * items, COMMON)


@dataclass
class _Picks:
    ids: np.ndarray
    matrix: object  # tf-idf rows of the past picks
    titles: dict[int, str]
    weeks: dict[int, str]
    authors: dict[int, list[str]]
    # Which picks have a title to be named by (a past issue's pick whose record is not in yet has none).
    named: np.ndarray


def _picks(library: Library, model: Model) -> _Picks | None:
    pick_ids = model.arrays.get("picks")
    idf = hashed_idf(model)
    if pick_ids is None or idf is None or not len(pick_ids):
        return None
    ids, frequencies = features.load(library, [int(i) for i in pick_ids])
    items = library.ranking.summaries(ids.tolist())
    titles = {i: item.title for i, item in items.items()}
    return _Picks(
        ids,
        tfidf(frequencies, idf),
        titles,
        {i: item.week or "" for i, item in items.items()},
        {i: list(item.authors) for i, item in items.items()},
        np.array([bool(titles.get(int(i), "").strip()) for i in ids], dtype=bool),
    )


def _like(likeness: np.ndarray, picks: _Picks, item_id: int) -> tuple[str, float]:
    """The nearest past pick, named, and how alike they are (cosine)."""
    likeness = likeness.copy()
    likeness[picks.ids == item_id] = -1  # a pick is not like itself
    likeness[~picks.named] = -1
    best = int(np.argmax(likeness))
    if likeness[best] < LIKE_AT_LEAST:
        return "", 0.0
    pick = int(picks.ids[best])
    week = picks.weeks.get(pick, "")
    return picks.titles.get(pick, "") + (f", {week}" if week else ""), float(likeness[best])
