"""The popularity and quality prior: what others thought of an item, apart from taste.

Each kind of number (social counts, Hugging Face upvotes, GitHub stars, OpenReview
ratings) is put on a 0-1 scale of its own, since a like and a star are not worth the
same; an item's prior is the mean of the ones it has. Items with none get no prior
(NaN): the blend then ranks them by recency among themselves.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from mlnews import lazy
from mlnews.items import Signal
from mlnews.library import Library

if TYPE_CHECKING:
    import numpy as np
else:  # imported on first use: a command that never ranks does not pay for them
    np = lazy.load("numpy")


@dataclass(frozen=True)
class Scale:
    label: str  # how a reason names it
    names: tuple[str, ...]  # the signals it adds up
    top: float  # the count that scores 1 (log scale), or for a rating: the best rating
    rating: bool = False  # a mean rating (1-10) rather than a count


SCALES = (
    Scale("social", ("retweets", "likes"), 20_000),
    Scale("Hugging Face upvotes", ("hf_upvotes",), 300),
    Scale("GitHub stars", ("github_stars",), 20_000),
    Scale("OpenReview rating", ("openreview_rating",), 10, rating=True),
)


def value(signals: Iterable[Signal]) -> float:
    """The prior of one item, 0-1, or NaN when nothing is known."""
    latest: dict[str, float] = {}
    for signal in sorted(signals, key=lambda s: s.at):
        latest[signal.name] = signal.value
    parts = [part for scale in SCALES if (part := _scaled(scale, latest)) is not None]
    return sum(parts) / len(parts) if parts else math.nan


def _scaled(scale: Scale, latest: dict[str, float]) -> float | None:
    found = [latest[name] for name in scale.names if name in latest]
    if not found:
        return None
    if scale.rating:
        return min(1.0, max(0.0, (sum(found) / len(found) - 1) / (scale.top - 1)))
    return min(1.0, math.log1p(max(0.0, sum(found))) / math.log1p(scale.top))


def describe(signals: Iterable[Signal]) -> str:
    """The numbers behind a prior, for a reason line: "20,484 retweets, 3 likes"."""
    latest: dict[str, Signal] = {}
    for signal in sorted(signals, key=lambda s: s.at):
        latest[signal.name] = signal
    parts = []
    for name, signal in latest.items():
        shown = f"{signal.value:.1f}" if name == "openreview_rating" else f"{signal.value:,.0f}"
        parts.append(f"{shown} {name.replace('_', ' ')}")
    return ", ".join(parts)


def values(library: Library, ids: Sequence[int]) -> np.ndarray:
    """The prior of each item (NaN where unknown), in the order of `ids`."""
    out = np.full(len(ids), np.nan)
    position = {int(item_id): row for row, item_id in enumerate(ids)}
    for item_id, signals in library.signals(ids).items():  # most items have none
        out[position[item_id]] = value(signals)
    return out


def recency(dates: Sequence[str | None]) -> np.ndarray:
    """A day number for each date (0 where unknown): newer is higher."""
    texts = [(text or "")[:10] for text in dates]
    try:
        days = np.array([t or "NaT" for t in texts], dtype="datetime64[D]")
    except ValueError:  # an odd date somewhere: one by one
        return np.array([_day(t) for t in texts], dtype=np.float64)
    return np.where(np.isnat(days), 0, days.astype(np.int64) + 719_163).astype(np.float64)


def _day(text: str) -> float:
    try:
        return float(date.fromisoformat(text).toordinal())
    except ValueError:
        return 0.0
