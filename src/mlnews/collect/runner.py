"""`mlnews collect`: every source's new items into the library, one committed page at a time.

Each page's items and the source's cursor are written in one transaction. Killed at any
moment, a run leaves the library as it was after its last committed page, and the next
run carries on from there: nothing is lost, and what is fetched twice merges into the
item already there. A source that fails is reported and the others still run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from mlnews import progress
from mlnews.errors import MlnewsError
from mlnews.fetch import Fetcher
from mlnews.formats.base import ParseError
from mlnews.items import Item
from mlnews.library import Library, LibraryError
from mlnews.settings import Config, Source
from mlnews.sources import base


@dataclass
class SourceReport:
    """What one source's run did, and what the source itself said: see `collect.accounting`."""

    name: str
    added: int = 0
    merged: int = 0
    unchanged: int = 0
    pages: int = 0
    problems: list[str] = field(default_factory=list)
    error: str | None = None
    fetched: int = 0  # records received, read or not
    skipped: int = 0  # of them, not stored: unreadable, or refused by the library (in `problems`)
    listed: int | None = None  # how many the source says it holds for what was asked
    not_modified: bool = False  # the source answered "nothing changed" (HTTP 304)
    window: str = ""  # what was asked, in words
    start: datetime | None = None  # where that window begins
    newest: str = ""  # the newest date among the records received

    @property
    def ok(self) -> bool:
        return self.error is None


def collect(
    config: Config,
    library: Library,
    names: list[str] | None = None,
    since: date | None = None,
    fetcher: Fetcher | None = None,
    step: progress.Step = progress.nothing,
    until: date | None = None,
) -> list[SourceReport]:
    sources = [config.source(name) for name in names] if names else list(config.sources)
    own = fetcher is None
    fetcher = fetcher or Fetcher(config.network)
    reports: list[SourceReport] = []
    try:
        for source in sources:
            step("sources", len(reports), len(sources))
            reports.append(_collect_one(source, config, library, since, until, fetcher))
        step("sources", len(reports), len(sources))
        return reports
    finally:
        if own:
            fetcher.close()


def _collect_one(
    source: Source, config: Config, library: Library, since: date | None, until: date | None, fetcher: Fetcher
) -> SourceReport:
    report = SourceReport(source.name)
    try:
        source_type = base.get(source.type)
        run = base.Run(
            source=source,
            cursor=library.source_cursor(source.name),
            since=since,
            fetcher=fetcher,
            network=config.network,
            interval=base.interval(source_type, source.url, config.network),
            until=until,
        )
        for page in source_type.pages(run):
            with library.transaction():
                for item in page.items:
                    _add(library, item, report)
                library.save_source_cursor(source.name, page.cursor)
            _account(report, page)
    except (MlnewsError, ParseError) as error:
        report.error = str(error)
    library.record_source_run(source.name, report.error)
    return report


def _add(library: Library, item: Item, report: SourceReport) -> None:
    try:
        outcome = library.add(item)
    except LibraryError as error:  # a record the library refuses (no id, an unsafe link): the rest go in
        report.skipped += 1
        report.problems.append(f"skipped {item.title[:60]!r}: {error}")
        return
    setattr(report, outcome, getattr(report, outcome) + 1)


def _account(report: SourceReport, page: base.Page) -> None:
    report.pages += 1
    report.fetched += len(page.items) + len(page.problems)
    report.skipped += len(page.problems)  # records the source sent that could not be read
    report.problems += page.problems
    report.not_modified = report.not_modified or page.not_modified
    if page.listed is not None and report.listed is None:  # the first page's count covers the run
        report.listed = page.listed
    report.window = report.window or page.window
    report.start = report.start or page.start
    report.newest = max([report.newest, *(i.published or i.updated or "" for i in page.items)])
