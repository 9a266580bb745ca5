"""The item: one candidate for an issue (a paper, an article, a piece of news).

Sources produce `Item`s with only the facts filled in; the library adds the key
and keeps the curator's fields (state, section, week, edited texts) across merges.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["paper", "article", "news", "other"]
KINDS: tuple[str, ...] = ("paper", "article", "news", "other")

State = Literal["new", "shortlisted", "featured", "rejected"]
STATES: tuple[str, ...] = ("new", "shortlisted", "featured", "rejected")


@dataclass
class Text:
    """A generated or curator-written text attached to an item (headline, summary, post)."""

    name: str
    lang: str
    text: str
    edited: bool = False  # True once the curator touched it: never overwritten again
    updated: str = ""


@dataclass
class Event:
    """One step of an item's triage history."""

    at: str
    state: str
    section: str | None = None
    week: str | None = None


@dataclass
class Item:
    title: str
    kind: str = "other"
    key: str | None = None
    authors: list[str] = field(default_factory=list)
    site: str = ""
    urls: list[str] = field(default_factory=list)
    # Other identities of the same thing (arxiv:/doi:/openreview: keys), beside its URLs.
    identifiers: list[str] = field(default_factory=list)
    published: str | None = None
    updated: str | None = None
    abstract: str = ""
    body: str = ""
    figure: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    state: str = "new"
    section: str | None = None
    week: str | None = None
    score: float | None = None
    history: list[Event] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    # The record each source gave, by source name: kept so nothing a source said is lost.
    raw: dict[str, Any] = field(default_factory=dict)
    first_seen: str | None = None

    @property
    def url(self) -> str | None:
        return self.urls[0] if self.urls else None

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["url"] = self.url
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Item:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known - {"url"}
        if unknown:
            raise ValueError(f"unknown field(s): {', '.join(sorted(unknown))}")
        values = {k: v for k, v in data.items() if k in known}
        _check_types(values)
        values["history"] = [Event(**e) for e in values.get("history") or []]
        values["texts"] = [Text(**t) for t in values.get("texts") or []]
        return cls(**values)


_STRINGS = ("title", "kind", "site", "abstract", "body", "state")
_OPTIONAL_STRINGS = ("key", "published", "updated", "figure", "section", "week", "first_seen")
_STRING_LISTS = ("authors", "urls", "identifiers", "categories", "tags")


def _check_types(values: dict[str, Any]) -> None:
    """Reject a record whose fields have the wrong shape, naming the field."""
    for name in _STRINGS:
        if name in values and not isinstance(values[name], str):
            raise ValueError(f"field {name!r} must be a string")
    for name in _OPTIONAL_STRINGS:
        if values.get(name) is not None and not isinstance(values[name], str):
            raise ValueError(f"field {name!r} must be a string or null")
    for name in _STRING_LISTS:
        value = values.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"field {name!r} must be a list of strings")
    score = values.get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)):
        raise ValueError("field 'score' must be a number or null")
    if not isinstance(values.get("raw", {}), dict):
        raise ValueError("field 'raw' must be an object")
    for name in ("history", "texts"):
        entries = values.get(name) or []
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ValueError(f"field {name!r} must be a list of objects")
