"""The curator's rules over the ranker (`[rules]` in mlnews.toml, `mlnews rules`, `i`/`e` in the app).

A rule is one string (`mlnews.settings.rule_parts`): a word or phrase, its words in that order
in the title or the abstract, in any case, with or without accents (the library's full-text
index decides, on word boundaries: `diffusion` is not `diffusions`); `author:NAME`, one of the
authors, in any case and with or without accents; `category:cs.CV`, an arXiv category.
`Rules.of(config)` reads them once. `for_week` orders a week's scored candidates: an excluded
one is gone (it keeps no score), a pinned (included) one comes first whatever its score, one
scoring under `min_score` is gone (never a pinned one), and it says which rule decided.
Exclude wins over include. Decisions stand: a rule never hides an item already shortlisted or
featured for the week.

Matching asks the library's indexes, one query a rule, so 100,000 candidates take no longer
than 1,000: no item's text is read, but for the few an author rule's words find.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mlnews import lazy
from mlnews.errors import UsageError
from mlnews.library import Library
from mlnews.settings import Config, rule_parts
from mlnews.weeks import Week

if TYPE_CHECKING:
    import numpy as np
else:  # imported on first use: a command that never ranks does not pay for it
    np = lazy.load("numpy")

_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_WORDS = re.compile(r"[^\W_]+")  # the full-text index's words: letters and digits


def normal(name: str) -> str:
    """A name as rules compare it: no accents, any case, single spaces."""
    return " ".join(_MARKS.sub("", unicodedata.normalize("NFKD", name)).casefold().split())


@dataclass(frozen=True)
class Rule:
    kind: str  # "text", "author" or "category"
    name: str  # what it matches

    @classmethod
    def parse(cls, written: str, setting: str = "[rules]") -> Rule:
        """A rule as written; a one-line UsageError naming `setting` if it is not one."""
        try:
            return cls(*rule_parts(written))
        except ValueError as error:
            raise UsageError(f"{setting}: {written!r}: {error}") from None

    def __str__(self) -> str:
        """As the settings and the reasons show it: `'diffusion'`, `author:Yann LeCun`."""
        return repr(self.name) if self.kind == "text" else f"{self.kind}:{self.name}"

    @property
    def written(self) -> str:
        return self.name if self.kind == "text" else f"{self.kind}:{self.name}"

    def same(self, other: Rule) -> bool:
        return (self.kind, normal(self.name)) == (other.kind, normal(other.name))

    def found(self, library: Library, ids: np.ndarray) -> np.ndarray:
        """Which of the items `ids` the rule matches, as a mask."""
        if self.kind == "category":
            return np.isin(ids, library.in_category(self.name))
        phrase = '"' + " ".join(_WORDS.findall(normal(self.name))) + '"'
        columns = "authors" if self.kind == "author" else "{title abstract}"
        found = np.isin(ids, library.matching(f"{columns} : {phrase}", ids.tolist()))
        if self.kind == "author" and found.any():
            # The index finds the words; the name must be one of the authors, whole.
            wanted = normal(self.name)
            rows = np.flatnonzero(found)
            authors = library.authors_of(ids[rows].tolist())
            found[rows] = [wanted in map(normal, authors.get(int(i), ())) for i in ids[rows].tolist()]
        return found


@dataclass(frozen=True)
class Rules:
    """`[rules]` read: what to pin, what to hide, the lowest score shown."""

    include: tuple[Rule, ...] = ()
    exclude: tuple[Rule, ...] = ()
    min_score: float = 0.0

    @classmethod
    def of(cls, config: Config) -> Rules:
        given = config.rules
        return cls(
            tuple(Rule.parse(r, "[rules] include") for r in given.include),
            tuple(Rule.parse(r, "[rules] exclude") for r in given.exclude),
            given.min_score,
        )

    def __bool__(self) -> bool:
        return bool(self.include or self.exclude or self.min_score)

    def pinned(self, library: Library, ids: Sequence[int]) -> dict[int, str]:
        """The items of `ids` a rule pins, each with it as its reason: `pinned: include 'diffusion'`."""
        if not self.include:
            return {}
        shown = np.asarray(ids, dtype=np.int64)
        including, excluding = first(self.include, library, shown), first(self.exclude, library, shown)
        return {
            int(shown[row]): f"pinned: include {self.include[including[row]]}"
            for row in np.flatnonzero((including >= 0) & (excluding < 0)).tolist()
        }


def first(rules: Sequence[Rule], library: Library, ids: np.ndarray) -> np.ndarray:
    """For each item of `ids`, the number of the first rule it matches, or -1."""
    which = np.full(len(ids), -1, dtype=np.int64)
    for number in reversed(range(len(rules))):  # the first rule that matches is the one named
        which[rules[number].found(library, ids)] = number
    return which


@dataclass
class Ruled:
    """A week's candidates once the rules are applied: those shown, in order, the scores to keep,
    and (`why`) the rule that pinned or hid each item."""

    ids: np.ndarray  # shown: pinned first, then best first
    scores: np.ndarray
    stored: list[tuple[int, float]]  # every candidate's score to keep; NaN (kept as none) when excluded
    rules: Rules = field(default_factory=Rules)
    # Every candidate, with the number of the rule each matches (-1: none) and whether it is
    # pinned or under min_score: the reasons are made from them when asked for, not for 100,000.
    every: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    including: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    excluding: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    pinned: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    low: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    @property
    def hidden(self) -> int:
        return int((self.excluding >= 0).sum() + self.low.sum())

    def why(self) -> dict[int, str]:
        """Item id: the rule that pinned or hid it (`pinned: include 'diffusion'`)."""
        found: dict[int, str] = {}
        for row in np.flatnonzero(self.excluding >= 0).tolist():
            found[int(self.every[row])] = f"hidden: exclude {self.rules.exclude[self.excluding[row]]}"
        for row in np.flatnonzero(self.low).tolist():
            found[int(self.every[row])] = f"hidden: under min_score {self.rules.min_score:g}"
        for row in np.flatnonzero(self.pinned).tolist():
            found[int(self.every[row])] = f"pinned: include {self.rules.include[self.including[row]]}"
        return found


def for_week(library: Library, config: Config, week: Week, ids: np.ndarray, scores: np.ndarray) -> Ruled:
    """The rules applied to a week's scored candidates."""
    rules = Rules.of(config)
    return apply(
        rules,
        ids,
        scores,
        first(rules.include, library, ids),
        first(rules.exclude, library, ids),
        lambda: _decided(library, week),
    )


def apply(
    rules: Rules,
    ids: np.ndarray,
    scores: np.ndarray,
    including: np.ndarray,
    excluding: np.ndarray,
    decided: Callable[[], set[int]],
) -> Ruled:
    """`ids` and their `scores` in rule order. `including` and `excluding`: the number of the first
    include and exclude rule each item matches, or -1 (`first`); `decided`: the ids a rule must not
    hide (asked for only when one would)."""
    if not rules:
        order = np.argsort(-scores, kind="stable")
        return Ruled(ids[order], scores[order], list(zip(ids.tolist(), scores.tolist(), strict=True)))
    excluded = excluding >= 0
    pinned = (including >= 0) & ~excluded  # exclude wins
    low = ~pinned & ~excluded & (scores < rules.min_score) if rules.min_score else np.zeros(len(ids), bool)
    if (excluded | low).any():
        kept = np.isin(ids, list(decided()))  # the curator's decisions stand
        excluded &= ~kept
        low &= ~kept
    kept_scores = np.where(excluded, np.nan, scores)  # NaN is kept as no score: `list --sort score` last
    rows = np.flatnonzero(~(excluded | low))
    order = rows[np.lexsort((-scores[rows], ~pinned[rows]))]  # pinned first, then best first
    return Ruled(
        ids[order],
        scores[order],
        list(zip(ids.tolist(), kept_scores.tolist(), strict=True)),
        rules,
        ids,
        including,
        np.where(excluded, excluding, -1),
        pinned,
        low,
    )


def _decided(library: Library, week: Week) -> set[int]:
    """The week's items shortlisted or featured: rules leave them where they are."""
    keys = [item.key for item in library.items(week=str(week)) if item.key and item.state != "rejected"]
    return set(library.ranking.ids_for_keys(keys).values())
