"""Source types: what `[sources.NAME] type = "…"` can name, built in or from a plugin.

A source type is a small class with a `name`, its own `options` (keys of its table, as
`config.Field`s) and `pages()`, which yields what it fetched one page at a time, each
with the cursor to save once that page's items are in the library. Types are plugins
(`mlnews.plugins`), built in or not, declared in the `mlnews.sources` entry-point group:

    [project.entry-points."mlnews.sources"]
    mastodon = "mlnews_mastodon:MastodonSource"
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from mlnews import fetch, plugins
from mlnews.errors import ConfigError
from mlnews.items import Item
from mlnews.settings import Field, NetworkSettings, Source

if TYPE_CHECKING:  # the network stack is imported only when something is fetched
    from mlnews.fetch import Fetcher, Response


@dataclass
class Gap:
    """An older part of the issue's window, which the cursor has passed: what the source lists for
    it against what this source has brought of it, and whether the part was fetched again."""

    first: date
    last: date
    listed: int
    held: int

    @property
    def missing(self) -> bool:
        return self.listed > self.held


@dataclass
class Page:
    """Items fetched together, and the cursor that is true once they are stored."""

    items: list[Item]
    cursor: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    # What the source itself says, so that a run can account for itself: how many records it
    # holds for what was asked (arXiv's total results), and whether it had nothing new to send
    # (a 304). `window`: what was asked, in words ("submitted 2026-11-29 to now").
    listed: int | None = None
    not_modified: bool = False
    window: str = ""
    start: datetime | None = None  # where the window begins (UTC), when it is a date range
    # `track`: remember these items as the source's, with their dates, so that a later run can
    # count what it holds of an older part of the window (`Run.held`). `gap`: this run's count of
    # that part, against arXiv's, when it made one.
    track: bool = False
    gap: Gap | None = None


@dataclass
class Run:
    """One source's collection: what it saved last time, and how to fetch."""

    source: Source
    cursor: dict[str, Any]
    since: date | None
    fetcher: Fetcher
    network: NetworkSettings
    interval: float = 0.0  # between two requests to the same host
    # A back-fill of a closed window (`collect --week`): everything in since..until, whatever
    # the cursor or a run's usual limit says.
    until: date | None = None
    # An ordinary run: the first day of the current issue's window (`collect.window`), which the
    # run covers whatever its cursor says, and how many items this source has brought that were
    # submitted in [start, end) (ISO 8601, UTC), for a source that tracks its pages.
    window: date | None = None
    held: Callable[[str, str], int] = field(default=lambda start, end: 0)
    # The day the newest arXiv paper in the library was submitted: where a harvest with nothing
    # else to go by takes up after a snapshot import.
    newest: Callable[[], str | None] = field(default=lambda: None)

    def get(self, url: str, **options: Any) -> Response:
        return self.fetcher.get(url, interval=self.interval, **options)


class SourceType(Protocol):
    name: ClassVar[str]
    options: ClassVar[tuple[Field, ...]]
    polite: ClassVar[bool]  # keeps `[network] request_interval` between requests (arXiv, OAI-PMH)

    def pages(self, run: Run) -> Iterator[Page]: ...


register = plugins.registrar("source")


def types() -> list[str]:
    return plugins.names("source")


def get(name: str) -> SourceType:
    if name not in plugins.names("source"):
        raise ConfigError(f"source type {name!r}: unknown; types are: {', '.join(types())}")
    return plugins.get("source", name)()  # type: ignore[no-any-return]


def interval(source_type: SourceType, url: str, network: NetworkSettings) -> float:
    return fetch.polite_interval(url, network) if source_type.polite else 0.0


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
