"""`mlnews collect`: every source's new items into the library, one committed page at a time.

Each page's items and the source's cursor are written in one transaction. Killed at any
moment, a run leaves the library as it was after its last committed page, and the next
run carries on from there: nothing is lost, and what is fetched twice merges into the
item already there. A source that fails is reported and the others still run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from mlnews import progress
from mlnews.errors import MlnewsError
from mlnews.fetch import Fetcher
from mlnews.formats.base import ParseError
from mlnews.library import Library
from mlnews.settings import Config, Source
from mlnews.sources import base


@dataclass
class SourceReport:
    name: str
    added: int = 0
    merged: int = 0
    unchanged: int = 0
    pages: int = 0
    problems: list[str] = field(default_factory=list)
    error: str | None = None

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
) -> list[SourceReport]:
    sources = [config.source(name) for name in names] if names else list(config.sources)
    own = fetcher is None
    fetcher = fetcher or Fetcher(config.network)
    reports: list[SourceReport] = []
    try:
        for source in sources:
            step("sources", len(reports), len(sources))
            reports.append(_collect_one(source, config, library, since, fetcher))
        step("sources", len(reports), len(sources))
        return reports
    finally:
        if own:
            fetcher.close()


def _collect_one(
    source: Source, config: Config, library: Library, since: date | None, fetcher: Fetcher
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
        )
        for page in source_type.pages(run):
            with library.transaction():
                for item in page.items:
                    outcome = library.add(item)
                    setattr(report, outcome, getattr(report, outcome) + 1)
                library.save_source_cursor(source.name, page.cursor)
            report.pages += 1
            report.problems += page.problems
    except (MlnewsError, ParseError) as error:
        report.error = str(error)
    library.record_source_run(source.name, report.error)
    return report
