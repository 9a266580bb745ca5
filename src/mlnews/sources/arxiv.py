"""`type = "arxiv"`: new submissions from the arXiv API, oldest first within a date range.

Each run asks for the source's categories and query submitted since the last paper it
stored (less an overlap of a few days, for papers that appear late: held in moderation,
cross-listed afterwards), sorted by submission date, oldest first, a page at a time.
New submissions land at the end, so the pages already fetched never shift, and every
committed page moves the cursor: a run cut short, or stopped by `max_results`, is
carried on by the next one. Papers seen twice merge into one item.

An ordinary run also answers for the older part of the current issue's window, the days
the cursor has passed (`collect.window`): one request asking for a single result gives
arXiv's count for that part, and only when it lists more than this source has brought
(its index lagged, a run failed half-way, the machine was off) is the part fetched again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import ClassVar

from mlnews.errors import ConfigError
from mlnews.fetch import FetchError
from mlnews.items import Item
from mlnews.settings import Field, Source
from mlnews.sources.base import Gap, Page, Run, parse

MAX_PAGE = 2000  # the API's own limit per request
MAX_QUERY = 30_000  # and per query, however it is paged
EMPTY_PAGE_RETRIES = 3  # the API sometimes answers a page with nothing by mistake
_TOTAL = re.compile(rb"<opensearch:totalResults[^>]*>\s*(\d+)\s*<")


class ArxivSource:
    name: ClassVar[str] = "arxiv"
    description: ClassVar[str] = "New papers from the arXiv API, by category or query."
    polite: ClassVar[bool] = True
    options: ClassVar[tuple[Field, ...]] = (
        Field("categories", list, False, 'arXiv categories, e.g. ["cs.LG", "cs.CV", "stat.ML"].'),
        Field("query", str, False, "An arXiv search query, ANDed with the categories ('abs:diffusion')."),
        Field("page_size", int, False, "Results per request (default 100, at most 2000)."),
        Field(
            "max_results",
            int,
            False,
            "Most results per run; the next run goes on (default 2000).",
        ),
        Field(
            "lookback_days",
            int,
            False,
            "How far back the first run goes (default 7), or the issue's window if further.",
        ),
        Field(
            "overlap_days",
            int,
            False,
            "Days each run looks back, for late papers (default 3).",
        ),
    )

    @staticmethod
    def check(source: Source) -> None:
        """Options that are wrong whatever the server says, reported when the settings are read."""
        search_query(source)
        for key in ("page_size", "max_results", "lookback_days"):
            if int(source.option(key, 1)) < 1:
                raise ConfigError(f"sources.{source.name}.{key}: expected a number of at least 1")
        if int(source.option("overlap_days", 0)) < 0:
            raise ConfigError(f"sources.{source.name}.overlap_days: expected 0 or more")

    def pages(self, run: Run) -> Iterator[Page]:
        source = run.source
        size = min(MAX_PAGE, int(source.option("page_size", 100)))
        # A back-fill takes the whole window: no later run carries it on.
        limit = MAX_QUERY if run.until else int(source.option("max_results", 2000))
        since = _start(run)
        gap = self._gap(run, since)
        first = datetime(gap.first.year, gap.first.month, gap.first.day) if gap else since
        window = f"submitted {first:%Y-%m-%d %H:%M} to {run.until or 'now'} (UTC)"
        newest = str(run.cursor.get("newest", ""))
        before = gap.listed if gap else 0
        for items, problems, total in self._walk(run, _query(source, since, _end_of(run.until)), size, limit):
            newest = max([newest, *(item.published or "" for item in items)])
            listed = None if total is None else before + total  # arXiv's count for the whole window
            cursor = _cursor(run, newest)
            yield Page(items, cursor, problems, listed, window=window, start=first, track=True, gap=gap)
        if gap and gap.missing:
            # The older part again, whole: a closed range that no cursor carries on. Its papers are
            # older than the cursor's newest, so the cursor stays where the pages above left it.
            part = _query(source, first, since - timedelta(minutes=1))
            for items, problems, _ in self._walk(run, part, size, MAX_QUERY):
                yield Page(items, _cursor(run, newest), problems, window=window, start=first, track=True)

    def _gap(self, run: Run, since: datetime) -> Gap | None:
        """The part of the issue's window before this run's start, counted: one request asking for one
        result, for arXiv's total, against what this source has brought of that part."""
        if run.window is None or run.since or run.until:
            return None
        first = datetime(run.window.year, run.window.month, run.window.day)
        if first >= since:
            return None
        last = since - timedelta(minutes=1)  # the API's dates go by the minute, both ends included
        _, _, total = self._page(run, _query(run.source, first, last), 0, 1)
        held = run.held(_stamp(first), _stamp(since))
        return Gap(first.date(), last.date(), held if total is None else total, held)

    def _walk(
        self, run: Run, query: str, size: int, limit: int
    ) -> Iterator[tuple[list[Item], list[str], int | None]]:
        """A query's pages, oldest first, up to `limit` results; always at least one (with the total)."""
        done = 0
        while done < limit:
            asked = min(size, limit - done)
            items, problems, total = self._page(run, query, done, asked)
            yield items, problems, total
            done += len(items)
            if len(items) < asked:
                return  # a short page (or an empty one): the end

    def _page(self, run: Run, query: str, start: int, count: int) -> tuple[list[Item], list[str], int | None]:
        for attempt in range(EMPTY_PAGE_RETRIES + 1):
            response = run.get(
                run.source.url,
                params={
                    "search_query": query,
                    "start": start,
                    "max_results": count,
                    "sortBy": "submittedDate",
                    "sortOrder": "ascending",
                },
            )
            items, problems = parse("arxiv-atom", response.content)
            total = _total(response.content)
            if items or total is None or start >= total:
                return items, problems, total
            if attempt < EMPTY_PAGE_RETRIES:
                run.fetcher.sleep(run.interval or 1.0)
        raise FetchError(
            f"GET {response.url}: arXiv answered an empty page at {start} of {total} results "
            f"{EMPTY_PAGE_RETRIES + 1} times; the next run will try again from here"
        )


def _cursor(run: Run, newest: str) -> dict[str, str]:
    # A back-fill leaves the cursor as it was: where the next ordinary run begins.
    if run.until:
        return {key: str(value) for key, value in run.cursor.items()}
    return {"newest": newest} if newest else {}


def _query(source: Source, since: datetime, until: datetime | None) -> str:
    """The source's query over submission times, `since` to `until` (or now), both ends included."""
    end = f"{until:%Y%m%d%H%M}" if until else "299912312359"
    return f"{search_query(source)} AND submittedDate:[{since:%Y%m%d%H%M} TO {end}]"


def _end_of(day: date | None) -> datetime | None:
    return datetime(day.year, day.month, day.day, 23, 59) if day else None


def _stamp(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}Z"  # as the library stores dates (UTC)


def search_query(source: Source) -> str:
    categories = [f"cat:{c}" for c in source.option("categories", ())]
    parts = []
    if categories:
        parts.append(categories[0] if len(categories) == 1 else "(" + " OR ".join(categories) + ")")
    if source.option("query"):
        parts.append(f"({source.option('query')})")
    if not parts:
        raise ConfigError(f"sources.{source.name}: an arxiv source needs 'categories' or 'query'")
    return " AND ".join(parts)


def _start(run: Run) -> datetime:
    """Where this run begins: --since, else the last paper less the overlap, else the lookback."""
    if run.since:
        return datetime(run.since.year, run.since.month, run.since.day)
    newest = str(run.cursor.get("newest", ""))
    if newest:
        overlap = timedelta(days=int(run.source.option("overlap_days", 3)))
        start = datetime.fromisoformat(newest.replace("Z", "+00:00")).replace(tzinfo=None) - overlap
        return start.replace(second=0, microsecond=0)  # the API's dates go by the minute
    lookback = datetime.now(UTC).date() - timedelta(days=int(run.source.option("lookback_days", 7)))
    if run.window and not run.until:
        lookback = min(lookback, run.window)  # the first run covers the window too
    return datetime(lookback.year, lookback.month, lookback.day)


def _total(data: bytes) -> int | None:
    match = _TOTAL.search(data[:4096])
    return int(match.group(1)) if match else None
