"""`type = "feed"`: an RSS, Atom or JSON feed, asked for with conditional GET.

The ETag and Last-Modified of the last answer are sent back, so a feed that has not
changed costs one 304 and no parsing. Items the library has already are unchanged;
the new ones are added.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from mlnews.formats.base import ParseError, sniff
from mlnews.items import KINDS
from mlnews.settings import Field
from mlnews.sources.base import Page, Run, parse

FEED_FORMATS = ("feed", "json-feed")
ACCEPT = "application/atom+xml, application/rss+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5"


class FeedSource:
    name: ClassVar[str] = "feed"
    description: ClassVar[str] = "An RSS, Atom or JSON feed, fetched with conditional GET."
    polite: ClassVar[bool] = False
    options: ClassVar[tuple[Field, ...]] = (
        Field("kind", str, False, "The kind of its items, if not what the feed says (e.g. news).", KINDS),
    )

    def pages(self, run: Run) -> Iterator[Page]:
        cursor = run.cursor
        response = run.get(
            run.source.url,
            etag=cursor.get("etag"),
            last_modified=cursor.get("last_modified"),
            accept=ACCEPT,
        )
        if response.not_modified:
            yield Page([], dict(cursor), not_modified=True)
            return
        found = sniff(response.content)
        if found is None or found.name not in FEED_FORMATS:
            raise ParseError(f"{response.url}: not an RSS, Atom or JSON feed")
        items, problems = parse(found.name, response.content)
        kind = run.source.option("kind")
        for item in items:
            if kind:
                item.kind = kind
        fresh = {"etag": response.headers.get("etag"), "last_modified": response.headers.get("last-modified")}
        yield Page(items, {k: v for k, v in fresh.items() if v}, problems)
