"""Summarisers: what an item says about itself, turned into a headline, a summary and a post.

A summariser is a small class with a `name` and a `draft(source)` method. The
built-in one (`extractive`, offline) registers itself with `@register` exactly
as a third-party backend does. Backends installed as packages are found through
the `mlnews.summarisers` entry-point group, the entry point named like the
summariser and pointing at its class:

    [project.entry-points."mlnews.summarisers"]
    mybackend = "mlnews_mybackend:MySummariser"

`get()` imports only the plugin it is asked for, so a slow or broken backend
costs nothing until it is used, and a broken one is a `UsageError` naming it.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from dataclasses import dataclass
from importlib import metadata
from typing import Protocol, TypeVar, cast

from mlnews.errors import UsageError

ENTRY_POINT_GROUP = "mlnews.summarisers"
DEFAULT = "extractive"

POST_LIMIT = 280
LINK_LENGTH = 23  # X shortens every link to t.co, whatever its real length
HEADLINE_LIMIT = 90


@dataclass(frozen=True)
class Source:
    """What a summariser is given about one item."""

    kind: str  # "paper" | "article" | "news" | "other"
    title: str
    text: str  # the abstract or description, plain text (may be empty)
    url: str  # the item's link
    site: str = ""  # e.g. "arxiv.org", "deepmind.com"
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Draft:
    """What a summariser proposes; the curator edits it before it is published."""

    headline: str  # the gist in plain words, not the item's title, at most HEADLINE_LIMIT characters
    summary: str  # one paragraph: what problem, what they propose, what result
    post: str  # one line for social media, without the link


class Summariser(Protocol):
    name: str  # how users ask for it: `summariser = "extractive"`

    def draft(self, source: Source) -> Draft: ...


S = TypeVar("S", bound=Summariser)

_REGISTRY: dict[str, type[Summariser]] = {}

# The built-in summarisers, imported for their @register side effect.
BUILTINS = ("extractive",)


def register(cls: type[S]) -> type[S]:
    """Class decorator: make a summariser known under its `name`."""
    _REGISTRY[cls.name] = cls
    return cls


def names() -> list[str]:
    """Every summariser that can be asked for: built-in ones and installed plugins (not yet imported)."""
    _load_builtins()
    return sorted(set(_REGISTRY) | {entry.name for entry in _entry_points()})


def get(name: str) -> Summariser:
    """A ready summariser; `UsageError` if the name is unknown or its plugin is broken."""
    _load_builtins()
    if name not in _REGISTRY:
        for entry in _entry_points(name):
            _load_plugin(entry)
            break
    if name not in _REGISTRY:
        raise UsageError(f"summariser {name!r}: unknown; available: {', '.join(names())}")
    try:
        return _REGISTRY[name]()
    except UsageError:
        raise  # a backend's own message (a missing key, say) already says what to do
    except Exception as error:  # a plugin's constructor can fail in any way
        raise UsageError(f"summariser {name!r}: could not start: {type(error).__name__}: {error}") from error


def _load_builtins() -> None:
    for module in BUILTINS:
        importlib.import_module(f"mlnews.summarise.{module}")


def _entry_points(name: str | None = None) -> list[metadata.EntryPoint]:
    # Looked up through the module attribute so tests can stand in a fake plugin.
    found = metadata.entry_points(group=ENTRY_POINT_GROUP)
    return [entry for entry in found if name is None or entry.name == name]


def _load_plugin(entry: metadata.EntryPoint) -> None:
    package = entry.dist.name if entry.dist is not None else "unknown package"
    where = f"summariser {entry.name!r} (plugin {entry.value} from {package})"
    try:
        cls = entry.load()
    except Exception as error:  # importing a third-party module can fail in any way
        raise UsageError(
            f"{where}: failed to load: {type(error).__name__}: {error}; reinstall or uninstall {package}"
        ) from error
    if not (isinstance(cls, type) and isinstance(getattr(cls, "name", None), str) and hasattr(cls, "draft")):
        raise UsageError(f"{where}: not a summariser class (it needs a `name` and a `draft(source)` method)")
    cls = cast(type[Summariser], cls)
    if cls.name != entry.name:
        raise UsageError(f"{where}: the class is named {cls.name!r}; the entry point must use the same name")
    register(cls)


# ---- posts: how X counts a post's length ------------------------------------------------------

# A link, less punctuation that ends the sentence around it (X does not count that as part of it).
_URL = re.compile(r"https?://[^\s]*[^\s.,:;!?'\")\]}>]", re.IGNORECASE)
# twitter-text v3: code points in these ranges count 1, every other one 2 (CJK, emoji).
_HEAVY = re.compile("[^\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]")


def post_length(text: str) -> int:
    """The length X counts: every http(s) link is LINK_LENGTH, CJK and emoji count double.

    An emoji joined from several code points counts a little more here than on
    X, which errs on the side of a post that fits.
    """
    text = unicodedata.normalize("NFC", text)
    length = 0
    last = 0
    for link in _URL.finditer(text):
        length += _weighted(text[last : link.start()]) + LINK_LENGTH
        last = link.end()
    return length + _weighted(text[last:])


def _weighted(text: str) -> int:
    return len(text) + len(_HEAVY.findall(text))


def fits(post: str, link: str) -> bool:
    """Whether the post and its link, one space apart, fit in one X post."""
    return post_length(post + " " + link) <= POST_LIMIT
