"""Source types: what `[sources.NAME] type = "…"` can name, built in or from a plugin.

A source type is a small class with a `name`, its own `options` (keys of its table, as
`config.Field`s) and `pages()`, which yields what it fetched one page at a time, each
with the cursor to save once that page's items are in the library. Plugins register
through the `mlnews.sources` entry-point group, pointing at such a class:

    [project.entry-points."mlnews.sources"]
    mastodon = "mlnews_mastodon:MastodonSource"
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from mlnews.config import Field, NetworkSettings, Source
from mlnews.errors import ConfigError
from mlnews.items import Item

if TYPE_CHECKING:  # the network stack is imported only when something is fetched
    from mlnews.fetch import Fetcher, Response

ENTRY_POINT_GROUP = "mlnews.sources"
BUILTINS = ("arxiv", "oai_pmh", "feed")
ARXIV_MIN_INTERVAL = 3.0  # arXiv's terms of use: one request every three seconds


@dataclass
class Page:
    """Items fetched together, and the cursor that is true once they are stored."""

    items: list[Item]
    cursor: dict[str, Any]
    problems: list[str] = field(default_factory=list)


@dataclass
class Run:
    """One source's collection: what it saved last time, and how to fetch."""

    source: Source
    cursor: dict[str, Any]
    since: date | None
    fetcher: Fetcher
    network: NetworkSettings
    interval: float = 0.0  # between two requests to the same host

    def get(self, url: str, **options: Any) -> Response:
        return self.fetcher.get(url, interval=self.interval, **options)


class SourceType(Protocol):
    name: ClassVar[str]
    options: ClassVar[tuple[Field, ...]]
    polite: ClassVar[bool]  # keeps `[network] request_interval` between requests (arXiv, OAI-PMH)

    def pages(self, run: Run) -> Iterator[Page]: ...


_TYPES: dict[str, type[SourceType]] = {}


def register(cls: type[SourceType]) -> type[SourceType]:
    _TYPES[cls.name] = cls
    return cls


def types() -> list[str]:
    _load()
    return sorted(_TYPES)


def get(name: str) -> SourceType:
    _load()
    if name not in _TYPES:
        raise ConfigError(f"source type {name!r}: unknown; types are: {', '.join(sorted(_TYPES))}")
    return _TYPES[name]()


def interval(source_type: SourceType, url: str, network: NetworkSettings) -> float:
    return polite_interval(url, network) if source_type.polite else 0.0


def polite_interval(url: str, network: NetworkSettings) -> float:
    """The pause between two requests to an API's host: never under arXiv's three seconds there."""
    host = (url.split("//", 1)[-1].split("/", 1)[0]).lower()
    if host == "arxiv.org" or host.endswith(".arxiv.org"):
        return max(ARXIV_MIN_INTERVAL, network.request_interval)
    return network.request_interval


_loaded = False


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in BUILTINS:
        importlib.import_module(f"mlnews.sources.{module}")
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            register(entry.load())
        except Exception as error:  # a broken plugin must not stop the others
            raise ConfigError(
                f"source type plugin {entry.name!r} ({entry.value}) failed to load: "
                f"{type(error).__name__}: {error}"
            ) from None


def parse(format_name: str, data: bytes) -> tuple[list[Item], list[str]]:
    """A response's items and the problems met reading it, through the importer of that format."""
    from mlnews.formats.base import Problem, get_format

    items: list[Item] = []
    problems: list[str] = []
    for parsed in get_format(format_name).parse(data):
        if isinstance(parsed, Item):
            items.append(parsed)
        elif isinstance(parsed, Problem):
            problems.append(parsed.message)
    return items, problems
