"""What the check finds: a `Problem` names the text's words, says why, and quotes what the
source says instead; `tally` counts a run's flags by kind for its summary line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlnews.faithful.quantities import Quantity


@dataclass(frozen=True)
class Problem:
    kind: str  # a key of _WHY: "number", "unit", "moved", "hedge", "name", "inside", "scope", "model"
    value: str  # the text's words
    source_says: str = ""  # what the source says instead, when it says something

    def __str__(self) -> str:
        instead = f'; the source says "{self.source_says}"' if self.source_says else ""
        return _WHY[self.kind].format(value=self.value) + instead


_WHY = {
    "number": 'the number "{value}" is not in the source',
    "unit": '"{value}" counts something else in the source',
    "moved": '"{value}" belongs to another claim in the source',
    "hedge": '"{value}" drops the source\'s bound',
    "name": 'the name "{value}" is not in the source',
    "inside": 'the name "{value}" is only part of a longer name in the source',
    "scope": '"{value}" claims more than the source',
    "model": 'the model finds "{value}" unsupported by the source',
}


# How each kind is counted in a run's summary line.
_TALLY = {
    "number": "numbers not in the source",
    "unit": "units changed",
    "moved": "numbers moved",
    "hedge": "bounds dropped",
    "name": "names not in the source",
    "inside": "names cut from longer ones",
    "scope": "claims wider than the source",
    "model": "sentences the model doubts",
}


_KINDS = [
    (kind, re.compile(re.escape(why).replace(re.escape("{value}"), ".+?"))) for kind, why in _WHY.items()
]


def tally(flags: list[str]) -> dict[str, int]:
    """What a run's flag lines found, by kind ("numbers moved": 2), for its summary line."""
    counts: dict[str, int] = {}
    for line in flags:
        for part in line.split("; "):
            kind = next((k for k, pattern in _KINDS if pattern.search(part)), None)
            if kind is not None:
                counts[_TALLY[kind]] = counts.get(_TALLY[kind], 0) + 1
    return counts


def context(source: str, stated: Quantity) -> str:
    """The source's words around a number it states."""
    start = stated.start if source[stated.start :].startswith(stated.words) else source.find(stated.words)
    if start < 0:
        return stated.words
    before = source[max(0, start - 45) : start].split()[-4:]
    after = source[start + len(stated.words) : start + len(stated.words) + 45].split()[:4]
    return " ".join([*before, stated.words, *after]).strip(" ,;.")


def nearest(said: Quantity, stated: list[Quantity], source: str) -> str:
    """The source's numbers of the same kind and unit, for the curator to compare."""
    kin = [q for q in stated if q.kind == said.kind and (not said.units or said.units & q.units)]
    return context(source, kin[0]) if kin else ""
