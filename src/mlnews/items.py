"""The item: one candidate for an issue (a paper, an article, a piece of news).

Sources produce `Item`s with only the facts filled in; the library adds the key
and keeps the curator's fields (state, section, week, edited texts) across merges.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from mlnews.dates import iso

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
class Signal:
    """A number others gave the item (retweets, likes, upvotes, stars, a rating), with when it
    was read and by what: popularity and quality, apart from the curator's taste."""

    name: str  # retweets, likes, hf_upvotes, github_stars, openreview_rating, ...
    value: float
    at: str  # when it was read (ISO 8601)
    source: str = ""  # the source or importer that read it


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
    signals: list[Signal] = field(default_factory=list)
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
        if values.get("score") is not None:
            values["score"] = float(values["score"])  # as the library stores it (REAL)
        values["history"] = [Event(**e) for e in values.get("history") or []]
        values["texts"] = [Text(**t) for t in values.get("texts") or []]
        values["signals"] = [
            Signal(s["name"], float(s["value"]), s["at"], s.get("source", ""))
            for s in values.get("signals") or []
        ]
        return cls(**values)


_STRINGS = ("title", "kind", "site", "abstract", "body", "state")
_OPTIONAL_STRINGS = ("key", "published", "updated", "figure", "section", "week", "first_seen")
_STRING_LISTS = ("authors", "urls", "identifiers", "categories", "tags")
_DATES = ("published", "updated", "first_seen")
_WEEK = re.compile(r"\d{4}-W\d{2}", re.ASCII)
# BibTeX often dates an entry by year or month only, and the library keeps it so.
_PARTIAL_DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2]))?", re.ASCII)
_EVENT_KEYS = frozenset(f.name for f in dataclasses.fields(Event))
_EVENT_REQUIRED = frozenset({"at", "state"})
_TEXT_KEYS = frozenset(f.name for f in dataclasses.fields(Text))
_TEXT_REQUIRED = frozenset({"name", "lang", "text"})
_SIGNAL_KEYS = frozenset(f.name for f in dataclasses.fields(Signal))
_SIGNAL_REQUIRED = frozenset({"name", "value", "at"})


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
    if score is not None and not _finite(score):
        raise ValueError("field 'score' must be a finite number, not NaN or infinity")
    raw = values.get("raw", {})
    if not isinstance(raw, dict):
        raise ValueError("field 'raw' must be an object")
    if _holds_non_finite(raw):
        # JSON has no NaN or infinity: such an item could not be exported again.
        raise ValueError("field 'raw' must not hold NaN or infinite numbers")
    for name in ("history", "texts", "signals"):
        entries = values.get(name) or []
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ValueError(f"field {name!r} must be a list of objects")
    _check_choice("kind", values.get("kind", "other"), KINDS)
    _check_choice("state", values.get("state", "new"), STATES)
    for name in _DATES:
        _check_date(name, values.get(name))
    _check_week("week", values.get("week"))
    for number, event in enumerate(values.get("history") or [], start=1):
        _check_event(f"history[{number}]", event)
    for number, text in enumerate(values.get("texts") or [], start=1):
        _check_text(f"texts[{number}]", text)
    for number, signal in enumerate(values.get("signals") or [], start=1):
        _check_signal(f"signals[{number}]", signal)


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"field {name!r} must be one of {', '.join(choices)}, got {value!r}")


def _check_date(name: str, value: str | None) -> None:
    if value is not None and not _PARTIAL_DATE.fullmatch(value) and iso(value) is None:
        raise ValueError(f"field {name!r} must be an ISO 8601 date or null, got {value!r}")


def _check_week(name: str, value: str | None) -> None:
    if value is not None and not _WEEK.fullmatch(value):
        raise ValueError(f"field {name!r} must be a week like 2020-W49 or null, got {value!r}")


def _check_keys(name: str, entry: dict[str, Any], known: frozenset[str], required: frozenset[str]) -> None:
    unknown = set(entry) - known
    if unknown:
        raise ValueError(f"field {name!r}: unknown key(s): {', '.join(sorted(unknown))}")
    missing = required - set(entry)
    if missing:
        raise ValueError(f"field {name!r}: missing key(s): {', '.join(sorted(missing))}")


def _check_event(name: str, event: dict[str, Any]) -> None:
    _check_keys(name, event, _EVENT_KEYS, _EVENT_REQUIRED)
    if not isinstance(event["at"], str) or iso(event["at"]) is None:
        raise ValueError(f"field '{name}.at' must be an ISO 8601 date, got {event['at']!r}")
    if not isinstance(event["state"], str):
        raise ValueError(f"field '{name}.state' must be a string")
    _check_choice(f"{name}.state", event["state"], STATES)
    for key in ("section", "week"):
        if event.get(key) is not None and not isinstance(event[key], str):
            raise ValueError(f"field '{name}.{key}' must be a string or null")
    _check_week(f"{name}.week", event.get("week"))


def _check_text(name: str, text: dict[str, Any]) -> None:
    _check_keys(name, text, _TEXT_KEYS, _TEXT_REQUIRED)
    for key in ("name", "lang", "text", "updated"):
        if key in text and not isinstance(text[key], str):
            raise ValueError(f"field '{name}.{key}' must be a string")
    if not isinstance(text.get("edited", False), bool):
        raise ValueError(f"field '{name}.edited' must be true or false, got {text['edited']!r}")


def _check_signal(name: str, signal: dict[str, Any]) -> None:
    _check_keys(name, signal, _SIGNAL_KEYS, _SIGNAL_REQUIRED)
    for key in ("name", "at", "source"):
        if key in signal and not isinstance(signal[key], str):
            raise ValueError(f"field '{name}.{key}' must be a string")
    value = signal["value"]
    if isinstance(value, bool) or not isinstance(value, int | float) or not _finite(value):
        raise ValueError(f"field '{name}.value' must be a finite number, got {value!r}")
    if iso(signal["at"]) is None:
        raise ValueError(f"field '{name}.at' must be an ISO 8601 date, got {signal['at']!r}")


def _finite(number: float) -> bool:
    try:
        return math.isfinite(number)
    except OverflowError:  # an integer too big for a float (the library stores a REAL)
        return False


def _holds_non_finite(value: Any) -> bool:
    # A loop, not recursion: raw may nest as deep as the JSON parser allowed.
    pending = [value]
    while pending:
        current = pending.pop()
        if isinstance(current, float) and not math.isfinite(current):
            return True
        if isinstance(current, dict):
            pending.extend(current.values())
        elif isinstance(current, list):
            pending.extend(current)
    return False


def summary(item: Item) -> dict[str, Any]:
    """The fields a list of items shows: `--json` prints them, the app sends them."""
    return {
        "key": item.key,
        "kind": item.kind,
        "title": item.title,
        "url": item.url,
        "urls": item.urls,
        "authors": item.authors,
        "site": item.site,
        "published": item.published,
        "updated": item.updated,
        "categories": item.categories,
        "tags": item.tags,
        "state": item.state,
        "section": item.section,
        "week": item.week,
        "score": item.score,
    }
