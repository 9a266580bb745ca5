"""Items as database rows, and back. Pure code, no SQL.

`prepare` does every per-item step that needs no database (validation, keys,
clean URLs, the normalised title, JSON encoding), so an import can run it in a
worker process while the main process writes; `Prepared` is a plain tuple and
crosses a process boundary cheaply.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Mapping
from typing import Any, NamedTuple

import orjson

from mlnews import identity
from mlnews.errors import MlnewsError
from mlnews.items import KINDS, STATES, Event, Item, Signal, Text
from mlnews.workspace import figure_problem

COLUMNS = (
    "key", "kind", "title", "title_norm", "authors", "site", "urls", "identifiers", "published",
    "updated", "abstract", "body", "figure", "categories", "tags", "state", "section", "week",
    "score", "raw", "first_seen",
)  # fmt: skip
JSON_COLUMNS = frozenset({"authors", "urls", "identifiers", "categories", "tags", "raw"})
KEY, KIND, TITLE, TITLE_NORM, ABSTRACT, BODY, AUTHORS, CATEGORIES, PUBLISHED, FIRST_SEEN = (
    COLUMNS.index(name)
    for name in (
        "key", "kind", "title", "title_norm", "abstract", "body", "authors", "categories", "published",
        "first_seen",
    )
)  # fmt: skip


class LibraryError(MlnewsError):
    pass


class Prepared(NamedTuple):
    """An item ready to write: its row in `COLUMNS` order, every key it is known by,
    and its history, texts and signals as rows."""

    values: tuple[Any, ...]
    idents: tuple[str, ...]
    history: tuple[tuple[Any, ...], ...] = ()
    texts: tuple[tuple[Any, ...], ...] = ()
    signals: tuple[tuple[Any, ...], ...] = ()  # (name, source, value, at)
    # A fingerprint of the record as given: one the library has taken before changes nothing
    # (merging is idempotent), so a re-import skips it without reading its item.
    digest: int = 0
    # Its ranking features, when the process that parsed it built them (`rank.features.of_prepared`):
    # (terms, counts, authors, categories), written with a new item so no later pass reads it back.
    features: tuple[bytes, bytes, bytes, bytes] | None = None

    @property
    def title_norm(self) -> str:
        return str(self.values[TITLE_NORM])

    @property
    def kind(self) -> str:
        return str(self.values[KIND])

    def item(self) -> Item:
        item = from_mapping(dict(zip(COLUMNS, self.values, strict=True)))
        item.history = [Event(*row) for row in self.history]
        item.texts = [
            Text(n, lang, text, bool(edited), updated) for n, lang, text, edited, updated in self.texts
        ]
        item.signals = [Signal(name, value, at, source) for name, source, value, at in self.signals]
        return item


def prepare(item: Item) -> Prepared:
    """Check an item and compute its row; raises LibraryError naming what is wrong."""
    if item.kind not in KINDS:
        raise LibraryError(f"unknown kind {item.kind!r}; kinds are: {', '.join(KINDS)}")
    if item.state not in STATES:
        raise LibraryError(f"unknown state {item.state!r}; states are: {', '.join(STATES)}")
    if not item.title.strip() and not (item.texts or item.history or item.signals):
        # Only a record about a known thing may lack a title: a past issue's pick (the curator's
        # texts and decision, its title to come from its record) or numbers read about an item.
        raise LibraryError("the record has no title")
    idents = identity.identifiers([*item.identifiers, *([item.key] if item.key else []), *item.urls])
    if not idents:
        raise LibraryError("the record has no id and no usable http(s) URL")
    _check_links(item)
    key = identity.best_key(idents)
    try:
        raw = dump(item.raw)
    except ValueError:
        raise LibraryError("the record holds a number JSON cannot store") from None
    values = (
        key, item.kind, item.title, identity.normalise_title(item.title), dump(item.authors), item.site,
        dump(distinct_urls(item.urls)), dump(idents), item.published, item.updated, item.abstract,
        item.body, item.figure, dump(item.categories), dump(item.tags), item.state, item.section,
        item.week, item.score, raw, item.first_seen,
    )  # fmt: skip
    history = tuple((e.at, e.state, e.section, e.week) for e in item.history)
    texts = tuple((t.name, t.lang, t.text, int(t.edited), t.updated) for t in item.texts)
    signals = tuple((s.name, s.source, float(s.value), s.at) for s in item.signals)
    return Prepared(
        values, tuple(idents), history, texts, signals, _digest(values, idents, history, texts, signals)
    )


def _digest(*parts: Any) -> int:
    data = orjson.dumps(parts)
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big", signed=True)


# Most links are plainly http(s): they need no parsing to be known safe.
_PLAIN_WEB_LINK = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d+)?(?:[/?#][^\x00-\x20\x7f]*)?", re.ASCII)


def _check_links(item: Item) -> None:
    """Every link an item carries is http(s) and its figure a file in media/: a `javascript:` link
    or a figure path to anything else never reaches an issue, whatever record brought it."""
    for url in item.urls:
        if not _PLAIN_WEB_LINK.fullmatch(url) and identity.canonical_url(url) is None:
            raise LibraryError(f"link {_shown(url)} is not an http(s) URL")
    if item.figure is not None:
        problem = figure_problem(item.figure)
        if problem:
            raise LibraryError(f"{problem}, not {_shown(item.figure)}")


def _shown(value: str) -> str:
    return repr(value if len(value) <= 80 else value[:77] + "...")


def same(a: Prepared, b: Prepared) -> bool:
    """Whether two prepared items would write the same rows."""
    return a.values == b.values and a.history == b.history and a.texts == b.texts and a.signals == b.signals


def distinct_urls(urls: list[str]) -> list[str]:
    """Clean URLs, one per canonical form, first seen first."""
    if len(urls) == 1:
        return [identity.clean_url(urls[0])]
    kept: dict[str, str] = {}
    for url in urls:
        cleaned = identity.clean_url(url)
        kept.setdefault(identity.canonical_url(cleaned) or cleaned, cleaned)
    return list(kept.values())


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def dump(value: Any) -> str:
    if not value:
        return "[]" if isinstance(value, list) else "{}"
    try:
        # orjson is several times faster on the hot path of a big import. It writes NaN
        # and Infinity (which JSON lacks) as null, where the standard encoder refuses.
        return orjson.dumps(value).decode()
    except TypeError:  # what orjson declines (integers beyond 64 bits): the standard encoder
        return _ENCODE(value)


def _load(text: str) -> Any:
    return [] if text == "[]" else json.loads(text)


def from_mapping(row: sqlite3.Row | Mapping[str, Any]) -> Item:
    """An item from a row (a sqlite3.Row or a dict by column name). `raw` may be absent."""
    present = set(row.keys())
    values = {c: row[c] for c in COLUMNS if c != "title_norm" and c in present}
    for column in JSON_COLUMNS.intersection(values):
        values[column] = _load(values[column])
    return Item(**values)


# Listing and searching read many rows and never need `raw`: these columns, with the
# list columns fetched as one JSON array so a row costs one json.loads, not five.
_SCALARS = ("key", "kind", "title", "site", "published", "updated", "abstract", "body", "figure",
            "state", "section", "week", "score", "first_seen")  # fmt: skip
_LISTS = ("authors", "urls", "identifiers", "categories", "tags")
SUMMARY_SELECT = ", ".join(
    [
        *(f"items.{c}" for c in _SCALARS),
        "'[' || " + " || ',' || ".join(f"items.{c}" for c in _LISTS) + " || ']'",
    ]
)
SUMMARY_WIDTH = len(_SCALARS) + 1
assert SUMMARY_WIDTH == 15, "from_summary reads the columns by position"


def from_summary(row: tuple[Any, ...]) -> Item:
    """An item (without `raw`) from a row selected with SUMMARY_SELECT."""
    authors, urls, identifiers, categories, tags = json.loads(row[14])
    return Item(
        key=row[0], kind=row[1], title=row[2], site=row[3], published=row[4], updated=row[5],
        abstract=row[6], body=row[7], figure=row[8], state=row[9], section=row[10], week=row[11],
        score=row[12], first_seen=row[13], authors=authors, urls=urls, identifiers=identifiers,
        categories=categories, tags=tags,
    )  # fmt: skip
