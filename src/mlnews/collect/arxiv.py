"""`type = "arxiv"`: new submissions from the arXiv API, newest first, paged.

The API is asked for the source's categories and query sorted by submission date, newest
first, a page at a time, until it reaches what the last run already saw (or `--since`).
The cursor moves only when the run is complete: a run cut short leaves it where it was,
so the next one fetches the same pages again and the library's dedupe keeps one copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import ClassVar

from mlnews.collect.base import Page, Run, parse, register
from mlnews.config import Field, Source
from mlnews.errors import ConfigError

MAX_PAGE = 2000  # the API's own limit per request


@register
class ArxivSource:
    name: ClassVar[str] = "arxiv"
    polite: ClassVar[bool] = True
    options: ClassVar[tuple[Field, ...]] = (
        Field("categories", list, False, 'arXiv categories, e.g. ["cs.LG", "cs.CV", "stat.ML"].'),
        Field(
            "query", str, False, "An arXiv search query (ANDed with the categories), e.g. 'abs:diffusion'."
        ),
        Field("page_size", int, False, "Results per request (default 100, at most 2000)."),
        Field("max_results", int, False, "The most results one run fetches (default 2000)."),
        Field("lookback_days", int, False, "How far back the first run goes (default 7)."),
    )

    def pages(self, run: Run) -> Iterator[Page]:
        source = run.source
        query = search_query(source)
        size = min(MAX_PAGE, max(1, int(source.option("page_size", 100))))
        limit = int(source.option("max_results", 2000))
        newest = str(run.cursor.get("newest", ""))
        lookback = date.today() - timedelta(days=int(source.option("lookback_days", 7)))
        stop_at = run.since.isoformat() if run.since else (newest or lookback.isoformat())
        start = 0
        while True:
            response = run.get(
                source.url,
                params={
                    "search_query": query,
                    "start": start,
                    "max_results": min(size, limit - start),
                    "sortBy": "submittedDate",
                    "sortOrder": "descending",
                },
            )
            items, problems = parse("arxiv-atom", response.content)
            fresh = [item for item in items if (item.published or "") >= stop_at]
            newest = max([newest, *(item.published or "" for item in items)])
            start += len(items)
            done = not items or len(fresh) < len(items) or len(items) < size or start >= limit
            # Until the run is done, the cursor stays: the pages still to come are older.
            yield Page(fresh, {"newest": newest} if done else dict(run.cursor), problems)
            if done:
                return


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
