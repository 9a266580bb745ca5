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
from mlnews.collect.window import current_start
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
    gap: base.Gap | None = None  # the older part of the window, counted (`sources.arxiv`)

    @property
    def held(self) -> int:
        """Records of the window the run did not fetch because the library holds them already."""
        return self.gap.held if self.gap and not self.gap.missing else 0

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
    # An ordinary run covers the current issue's window; --since and --week say their own.
    window = None if since or until else current_start(config)
    own = fetcher is None
    fetcher = fetcher or Fetcher(config.network)
    reports: list[SourceReport] = []
    try:
        for source in sources:
            step("sources", len(reports), len(sources))
            reports.append(_collect_one(source, config, library, (since, until, window), fetcher))
        step("sources", len(reports), len(sources))
        return reports
    finally:
        if own:
            fetcher.close()


def _collect_one(
    source: Source,
    config: Config,
    library: Library,
    dates: tuple[date | None, date | None, date | None],
    fetcher: Fetcher,
) -> SourceReport:
    """`dates`: since and until (a back-fill's), and where the current issue's window begins."""
    report = SourceReport(source.name)
    since, until, window = dates
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
            window=window,
            held=lambda start, end: library.source_records_between(source.name, start, end),
            newest=library.newest_arxiv_day,
        )
        for page in source_type.pages(run):
            with library.transaction():
                stored = [item for item in page.items if _add(library, item, report)]
                if page.track:
                    library.note_source_records(source.name, _records(stored))
                library.save_source_cursor(source.name, page.cursor)
            _account(report, page)
    except (MlnewsError, ParseError) as error:
        report.error = str(error)
    library.record_source_run(source.name, report.error)
    return report


def _add(library: Library, item: Item, report: SourceReport) -> bool:
    try:
        outcome = library.add(item)
    except LibraryError as error:  # a record the library refuses (no id, an unsafe link): the rest go in
        report.skipped += 1
        report.problems.append(f"skipped {item.title[:60]!r}: {error}")
        return False
    setattr(report, outcome, getattr(report, outcome) + 1)
    return True


def _records(items: list[Item]) -> list[tuple[str, str]]:
    """(arXiv id, submitted) of stored papers: what a later run counts against arXiv's total."""
    found = []
    for item in items:
        ident = next((i for i in item.identifiers if i.startswith("arxiv:")), None)
        if ident and item.published:
            found.append((ident, item.published))
    return found


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
    report.gap = report.gap or page.gap
    report.newest = max([report.newest, *(i.published or i.updated or "" for i in page.items)])
