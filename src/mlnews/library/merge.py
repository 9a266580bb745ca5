"""Merging two records of the same thing into one item.

The rule: keep the richest facts from both, and never lose what the curator did
(state, section, week, history, edited texts). Pure functions, no database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from mlnews import identity
from mlnews.items import Item, Signal, Text

T = TypeVar("T")


def merge(existing: Item, incoming: Item) -> Item:
    """`existing` updated with what `incoming` adds."""
    identifiers = _union(existing.identifiers, incoming.identifiers)
    merged = Item(
        key=identity.best_key(identifiers) if identifiers else existing.key,
        title=existing.title or incoming.title,
        kind=existing.kind if existing.kind != "other" else incoming.kind,
        authors=_longer_list(existing.authors, incoming.authors),
        site=existing.site or incoming.site,
        urls=_union(existing.urls, incoming.urls),
        identifiers=identifiers,
        published=_earliest(existing.published, incoming.published),
        updated=_latest(existing.updated, incoming.updated),
        abstract=_longer(existing.abstract, incoming.abstract),
        body=_longer(existing.body, incoming.body),
        figure=existing.figure or incoming.figure,
        categories=_union(existing.categories, incoming.categories),
        tags=_union(existing.tags, incoming.tags),
        score=existing.score if existing.score is not None else incoming.score,
        texts=_merge_texts(existing.texts, incoming.texts),
        signals=_merge_signals(existing.signals, incoming.signals),
        raw=_merge_raw(existing, incoming),
        first_seen=_earliest(existing.first_seen, incoming.first_seen),
    )
    _merge_curation(merged, existing, incoming)
    return merged


def _merge_curation(merged: Item, existing: Item, incoming: Item) -> None:
    """State, section and week come from the side the curator touched; when both were
    (two items found to be one), the latest decision stands and both histories are kept."""
    if not _is_curated(incoming):
        curated = existing
    elif not _is_curated(existing):
        curated = incoming
    else:
        history = sorted(
            {(e.at, e.state, e.section, e.week): e for e in existing.history + incoming.history}.values(),
            key=lambda e: e.at,
        )
        merged.history = history
        latest = history[-1] if history else None
        if latest is not None and latest not in existing.history:
            merged.state, merged.section, merged.week = latest.state, latest.section, latest.week
        else:
            merged.state, merged.section, merged.week = existing.state, existing.section, existing.week
        return
    merged.state, merged.section, merged.week = curated.state, curated.section, curated.week
    merged.history = list(curated.history)


def conflicts(a: Iterable[str], b: Iterable[str]) -> bool:
    """Whether two items' identifiers name different things by ids of the same family
    (two arXiv ids, two OpenReview forums, two DOIs): such items never merge on title alone."""
    families_a = _by_family(a)
    families_b = _by_family(b)
    return any(
        families_a[family].isdisjoint(families_b[family])
        for family in ("arxiv", "openreview", "doi")
        if family in families_a and family in families_b
    )


def first_compatible(candidates: Iterable[tuple[T, Iterable[str]]], idents: Iterable[str]) -> T | None:
    """The first candidate (an id, and the identifiers it is known by) that `idents` do not
    conflict with: of several same-titled items, the one a record of that title joins."""
    idents = tuple(idents)
    return next((found for found, known in candidates if not conflicts(known, idents)), None)


def _by_family(keys: Iterable[str]) -> dict[str, set[str]]:
    families: dict[str, set[str]] = {}
    for key in keys:
        families.setdefault(identity.key_family(key), set()).add(key)
    return families


def _is_curated(item: Item) -> bool:
    return item.state != "new" or bool(item.history) or item.section is not None


def _union(first: list[str], second: list[str]) -> list[str]:
    seen = dict.fromkeys(first)
    seen.update(dict.fromkeys(second))
    return list(seen)


def _longer(first: str, second: str) -> str:
    return second if len(second) > len(first) else first


def _longer_list(first: list[str], second: list[str]) -> list[str]:
    return second if len(second) > len(first) else first


def _earliest(first: str | None, second: str | None) -> str | None:
    return _date(first, second, min)


def _latest(first: str | None, second: str | None) -> str | None:
    return _date(first, second, max)


def _date(first: str | None, second: str | None, pick: Callable[[str, str], str]) -> str | None:
    if not first or not second:
        return first or second
    # "2020" and "2020-11-30T18:59:59Z" say the same thing: keep the precise one.
    if second.startswith(first) or first.startswith(second):
        return max(first, second, key=len)
    return pick(first, second)


def _merge_raw(existing: Item, incoming: Item) -> dict[str, object]:
    """One record per source: a source's record is replaced only by a newer one, so
    importing the same files again (in any order) changes nothing."""
    newer = (incoming.updated or "") > (existing.updated or "")
    raw = dict(existing.raw)
    for source, record in incoming.raw.items():
        if source not in raw or newer:
            raw[source] = record
    return raw


def _merge_texts(existing: list[Text], incoming: list[Text]) -> list[Text]:
    texts = {(t.name, t.lang): t for t in existing}
    for text in incoming:
        current = texts.get((text.name, text.lang))
        # An edited text is the curator's: a generated one never replaces it.
        if current is None or (not current.edited and (text.edited or text.updated > current.updated)):
            texts[(text.name, text.lang)] = text
    return list(texts.values())


def _merge_signals(existing: list[Signal], incoming: list[Signal]) -> list[Signal]:
    """One number per name and source: the one read latest. The same number read again
    keeps its first reading, so importing a file twice changes nothing."""
    latest = {(s.name, s.source): s for s in existing}
    for signal in incoming:
        current = latest.get((signal.name, signal.source))
        if current is None or (signal.at > current.at and signal.value != current.value):
            latest[(signal.name, signal.source)] = signal
    return sorted(latest.values(), key=lambda s: (s.name, s.source))
