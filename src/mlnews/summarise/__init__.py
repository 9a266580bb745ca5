"""Summarisers: what an item says about itself, turned into a headline, a summary and a post.

A summariser is a small class with a `name` and a `draft(source)` method, and
optionally `settings` (read from `[summariser.NAME]` in mlnews.toml and given to
its constructor). Summarisers are plugins (`mlnews.plugins`): the built-in one
(`extractive`, offline) is declared in the `mlnews.summarisers` entry-point group
exactly as a third-party backend is:

    [project.entry-points."mlnews.summarisers"]
    mybackend = "mlnews_mybackend:MySummariser"
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, cast

from mlnews import plugins

DEFAULT = "extractive"

POST_LIMIT = 280
LINK_LENGTH = 23  # X shortens every link to t.co, whatever its real length
HEADLINE_LIMIT = 90


@dataclass(frozen=True)
class Example:
    """An entry the curator wrote (or edited) in a past issue, with what it was written from."""

    title: str
    text: str  # the item's abstract or description
    headline: str
    summary: str
    post: str = ""


@dataclass(frozen=True)
class Source:
    """What a summariser is given about one item."""

    kind: str  # "paper" | "article" | "news" | "other"
    title: str
    text: str  # the abstract or description, plain text (may be empty)
    url: str  # the item's link
    site: str = ""  # e.g. "arxiv.org", "deepmind.com"
    authors: tuple[str, ...] = ()
    key: str = ""  # the item's key, for messages
    body: str = ""  # more of the item where the library has it: page text, a PDF's first pages
    # The curator's own entries most like this item, best first: their voice, to imitate.
    examples: tuple[Example, ...] = ()

    @property
    def whole(self) -> str:
        """Everything a draft may state facts from."""
        return "\n".join(part for part in (self.title, self.text, self.body) if part)


@dataclass(frozen=True)
class Draft:
    """What a summariser proposes; the curator edits it before it is published."""

    headline: str  # the gist in plain words, not the item's title, at most HEADLINE_LIMIT characters
    summary: str  # one paragraph: what problem, what they propose, what result
    post: str  # one line for social media, without the link
    # Field -> what a model's second opinion doubts in it (`mlnews.llm.verify`), if asked.
    doubts: dict[str, list[str]] = field(default_factory=dict)


class Summariser(Protocol):
    name: str  # how users ask for it: `summariser = "extractive"`

    def draft(self, source: Source) -> Draft: ...


S = TypeVar("S", bound=Summariser)


def register(cls: type[S]) -> type[S]:
    """Class decorator: make a summariser known without an entry point (built-ins use entry points)."""
    plugins.register("summariser", cls)
    return cls


def names() -> list[str]:
    """Every summariser that can be asked for: built-in ones and installed plugins."""
    return plugins.names("summariser")


def get(name: str, settings: dict[str, Any] | None = None) -> Summariser:
    """A ready summariser made with its settings; `UsageError` if unknown, broken or failing to start."""
    return cast(Summariser, plugins.create("summariser", name, settings))


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
