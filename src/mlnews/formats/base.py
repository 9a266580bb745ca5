"""The interface every file format implements, and the registry that finds them.

A format turns the bytes of one file into items. It knows nothing of the
library: it yields `Item`s (facts only), `Subscription`s (feeds to follow, from
OPML) and `Problem`s (warnings about a record it had to skip), and raises
`ParseError` when the file as a whole cannot be read. The same parsers serve
live collection, which hands them the bytes of an HTTP response.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from mlnews.items import Item


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


Parsed = Item | Problem | Subscription


class Format:
    """One file format. Subclasses set `name` and `description` and implement both methods."""

    name: ClassVar[str]
    description: ClassVar[str]
    # One record per line, so a big file can be cut at line ends and parsed in parallel.
    line_oriented: ClassVar[bool] = False

    def sniff(self, head: bytes) -> bool:
        """Whether the first few kilobytes of a file look like this format."""
        raise NotImplementedError

    def parse(self, data: bytes) -> Iterator[Parsed]:
        """Yield what the file holds; raise ParseError if it cannot be read at all."""
        raise NotImplementedError


_FORMATS: dict[str, Format] = {}


def register(cls: type[Format]) -> type[Format]:
    """Class decorator: make a format known to `import` (in sniffing order)."""
    _FORMATS[cls.name] = cls()
    return cls


def formats() -> dict[str, Format]:
    """Every known format, in sniffing order (plugins after the built-in ones)."""
    _load_builtins()
    return dict(sorted(_FORMATS.items(), key=lambda pair: _sniff_rank(pair[1])))


def _sniff_rank(fmt: Format) -> int:
    module = type(fmt).__module__.rsplit(".", 1)[-1]
    return SNIFF_ORDER.index(module) if module in SNIFF_ORDER else len(SNIFF_ORDER)


def get_format(name: str) -> Format:
    known = formats()
    if name not in known:
        raise KeyError(f"unknown format {name!r}; known formats: {', '.join(known)}")
    return known[name]


def sniff(data: bytes) -> Format | None:
    head = data[:65536]  # a snapshot line with a thousand authors is longer than 8 KB
    for fmt in formats().values():
        if fmt.sniff(head):
            return fmt
    return None


# The built-in formats, imported for their @register side effect. This is the
# sniffing order: the most specific formats first (an arXiv API response is also
# an Atom feed; an mlnews export is also JSON).
SNIFF_ORDER = (
    "mlnews_jsonl",
    "arxiv_snapshot",
    "arxiv_atom",
    "oai_pmh",
    "opml",
    "json_feed",
    "feed",
    "bibtex",
)


def _load_builtins() -> None:
    for module in SNIFF_ORDER:
        importlib.import_module(f"mlnews.formats.{module}")
