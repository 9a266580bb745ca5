"""The interface every file format implements, and the registry that finds them.

A format turns the bytes of one file into items. It knows nothing of the
library: it yields `Item`s (facts only), `Subscription`s (feeds to follow, from
OPML) and `Problem`s (warnings about a record it had to skip), and raises
`ParseError` when the file as a whole cannot be read. The same parsers serve
live collection, which hands them the bytes of an HTTP response.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from mlnews import plugins
from mlnews.items import Item, Signal


class ParseError(Exception):
    """The file cannot be read: nothing from it may be imported."""

    def __init__(self, message: str, line: int | None = None, record: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.record = record

    def where(self, origin: str) -> str:
        """`FILE:LINE: message`, or `FILE: record ID: message`."""
        if self.line is not None:
            return f"{origin}:{self.line}: {self.message}"
        if self.record is not None:
            return f"{origin}: record {self.record}: {self.message}"
        return f"{origin}: {self.message}"


@dataclass
class Problem:
    """A warning: part of the file was unsound and was skipped or repaired."""

    message: str
    line: int | None = None
    record: str | None = None

    def where(self, origin: str) -> str:
        return ParseError(self.message, self.line, self.record).where(origin)


@dataclass
class Subscription:
    """A feed to collect from (what an OPML file lists)."""

    url: str
    title: str = ""
    site_url: str = ""


@dataclass
class Signals:
    """Numbers about an item the library should already hold (a ratings file names papers by
    id, without their facts): they join that item; an unknown id is counted as failed."""

    ident: str
    signals: list[Signal]


Parsed = Item | Problem | Subscription | Signals
DEFAULT_SNIFF_ORDER = 100  # a plugin's format is tried after the built-in ones


class Format:
    """One file format. Subclasses set `name` and `description` and implement both methods."""

    name: ClassVar[str]
    description: ClassVar[str]
    # One record per line, so a big file can be cut at line ends and parsed in parallel.
    line_oriented: ClassVar[bool] = False
    # Where sniffing tries it: lower first. An arXiv API response is also an Atom feed and an
    # mlnews export is also JSON, so the specific formats come before the general ones.
    sniff_order: ClassVar[int] = DEFAULT_SNIFF_ORDER

    def sniff(self, head: bytes) -> bool:
        """Whether the first few kilobytes of a file look like this format."""
        raise NotImplementedError

    def parse(self, data: bytes) -> Iterator[Parsed]:
        """Yield what the file holds; raise ParseError if it cannot be read at all."""
        raise NotImplementedError


def register(cls: type[Format]) -> type[Format]:
    """Class decorator: make a format known without an entry point (built-ins use entry points)."""
    plugins.register("format", cls)
    return cls


def formats() -> dict[str, Format]:
    """Every known format, in sniffing order: the most specific first, plugins after the built-ins."""
    classes: list[type[Format]] = [plugins.get("format", name) for name in plugins.names("format")]
    classes.sort(key=lambda cls: getattr(cls, "sniff_order", DEFAULT_SNIFF_ORDER))
    return {cls.name: cls() for cls in classes}


def get_format(name: str) -> Format:
    known = plugins.names("format")
    if name not in known:
        raise KeyError(f"unknown format {name!r}; known formats: {', '.join(known)}")
    return plugins.get("format", name)()  # type: ignore[no-any-return]


def sniff(data: bytes) -> Format | None:
    head = data[:65536]  # a snapshot line with a thousand authors is longer than 8 KB
    for fmt in formats().values():
        if fmt.sniff(head):
            return fmt
    return None
