"""The curator's decisions as training examples: what is a pick, what is a no, how strongly.

- an editor's pick (featured) is the strongest yes; a shortlisting (or an entry in an
  imported past issue) a yes;
- a rejection is a firm no;
- an item left untouched in a week whose issue was published is a soft no: the curator
  saw it and passed;
- a new curator's example papers are yeses too; with few noes, a sample of the rest of
  the library stands in for them (as arxiv-sanity-lite trains against every paper).

Only what was decided before the week `before` counts (a decision for an earlier week,
or one made before the week began), so a backtest never learns from the week it ranks.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from mlnews import lazy
from mlnews.library import Library
from mlnews.library.ranking import Decision
from mlnews.rank.base import Examples
from mlnews.weeks import Week

if TYPE_CHECKING:
    import numpy as np
else:  # imported on first use: a command that never ranks does not pay for them
    np = lazy.load("numpy")

PICK = {"featured": 2.0, "shortlisted": 1.0}
REJECTED = 1.0
UNTOUCHED = 0.3
EXAMPLE = 1.0
BACKGROUND = 0.1
BACKGROUND_SAMPLE = 2000
ENOUGH_NOES = 200  # fewer explicit or soft noes than this: the background sample joins


@dataclass
class Label:
    yes: bool
    weight: float
    week: str | None  # the week it was decided for (cross-validation folds by it)


@dataclass
class Labels:
    by_item: dict[int, Label] = field(default_factory=dict)

    @property
    def picks(self) -> list[int]:
        return [item for item, label in self.by_item.items() if label.yes]


def collect(
    library: Library,
    *,
    before: Week | None = None,
    examples: Iterable[int] = (),
    lookback_days: int = 28,
    first_weekday: str = "sunday",
) -> Labels:
    """Every decision made before the week `before` (None: all), as labels by item id."""
    store = library.ranking
    labels = Labels()
    start = before.start(first_weekday).isoformat() if before is not None else None
    for decision in store.decisions():  # oldest first: the latest decision stands
        if before is not None and not _earlier(decision, before, start or ""):
            continue
        if decision.state in PICK:
            labels.by_item[decision.item_id] = Label(True, PICK[decision.state], decision.week)
        elif decision.state == "rejected":
            labels.by_item[decision.item_id] = Label(False, REJECTED, _week_of(decision.at, first_weekday))
        else:
            labels.by_item.pop(decision.item_id, None)  # put back to new: no decision
    for item_id in examples:
        labels.by_item.setdefault(item_id, Label(True, EXAMPLE, None))
    weeks = [Week.parse(name) for name in sorted(library.ranking.published_weeks())]
    return _with_noes(library, labels, weeks, before, lookback_days, first_weekday)


def from_picks(
    library: Library,
    picks: dict[Week, list[int]],
    *,
    before: Week,
    lookback_days: int = 28,
    first_weekday: str = "sunday",
) -> Labels:
    """A curator's weekly picks given as data (a replay), as `collect` reads decisions: every pick
    of a week before `before` a yes, the rest of those weeks' candidates soft noes."""
    labels = Labels()
    for week, item_ids in sorted(picks.items()):
        if week < before:
            for item_id in item_ids:
                labels.by_item[item_id] = Label(True, PICK["shortlisted"], str(week))
    weeks = [week for week in sorted(picks) if picks[week]]
    return _with_noes(library, labels, weeks, before, lookback_days, first_weekday)


def _with_noes(
    library: Library,
    labels: Labels,
    weeks: list[Week],
    before: Week | None,
    lookback_days: int,
    first_weekday: str,
) -> Labels:
    _untouched(library, labels, weeks, before, lookback_days, first_weekday)
    if sum(not label.yes for label in labels.by_item.values()) < ENOUGH_NOES:
        start = before.start(first_weekday).isoformat() if before is not None else None
        _background(library, labels, start)
    return labels


def _earlier(decision: Decision, week: Week, start: str) -> bool:
    """Known before the week: made for an earlier week, or (with no week) made before it began.
    A back catalogue imported today still teaches the weeks after each of its issues."""
    if decision.week:
        return decision.week < str(week)
    return decision.at < start


def window(week: Week, lookback_days: int, first_weekday: str) -> tuple[str, str]:
    """The dates [start, end) a week's candidates come from."""
    end = week.end(first_weekday) + timedelta(days=1)
    return (end - timedelta(days=lookback_days)).isoformat(), end.isoformat()


def _untouched(
    library: Library,
    labels: Labels,
    weeks: list[Week],
    before: Week | None,
    lookback_days: int,
    first_weekday: str,
) -> None:
    for week in weeks:
        if before is not None and week >= before:
            continue
        start, end = window(week, lookback_days, first_weekday)
        for item in library.ranking.dated(start, end):
            if item.item_id not in labels.by_item and item.state == "new":
                labels.by_item[item.item_id] = Label(False, UNTOUCHED, str(week))


def _background(library: Library, labels: Labels, before: str | None) -> None:
    pool = [
        item.item_id
        for item in library.ranking.dated(None, before)
        if item.item_id not in labels.by_item and item.state == "new"
    ]
    # The same history draws the same sample: ranking twice gives the same order.
    chooser = random.Random(len(pool) * 7919 + len(labels.by_item))
    for item_id in chooser.sample(pool, min(BACKGROUND_SAMPLE, len(pool))):
        labels.by_item[item_id] = Label(False, BACKGROUND, None)


def _week_of(at: str, first_weekday: str) -> str | None:
    try:
        return str(Week.containing(date.fromisoformat(at[:10]), first_weekday))
    except ValueError:
        return None


def as_examples(found: Labels, row_of: dict[int, int]) -> Examples:
    """The labels of the items a corpus holds, as its rows; weeks numbered for the folds."""
    entries = [(row_of[i], label) for i, label in found.by_item.items() if i in row_of]
    weeks = {w: n for n, w in enumerate(sorted({label.week for _, label in entries if label.week}))}
    return Examples(
        np.array([row for row, _ in entries], dtype=np.int64),
        np.array([1.0 if label.yes else 0.0 for _, label in entries]),
        np.array([label.weight for _, label in entries]),
        np.array([weeks.get(label.week or "", -1) for _, label in entries], dtype=np.int64),
    )
