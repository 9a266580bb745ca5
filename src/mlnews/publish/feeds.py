"""A language's Atom feed and JSON Feed: the newest issues, each with its whole content."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from mlnews.render.pages import Digest, Pages

FEED_ENTRIES = 20


def atom(pages: Pages, digests: list[Digest], lang: str) -> str:
    return pages.env.get_template("feed.xml").render(
        config=pages.config, lang=lang, pages=_newest(digests), root=pages.absolute.home(lang),
        updated=max((d.date for d in digests), default=datetime.now(UTC).isoformat()),
        feed_url=pages.absolute.home(lang) + "feed.xml", absolute=pages.absolute_url,
    )  # fmt: skip


def json_feed(pages: Pages, digests: list[Digest], lang: str) -> str:
    feed: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": pages.config.name,
        "home_page_url": pages.absolute.home(lang),
        "feed_url": pages.absolute.home(lang) + "feed.json",
        "language": lang,
        "items": [
            {
                "id": pages.absolute_url(digest.url),
                "url": pages.absolute_url(digest.url),
                "title": digest.title,
                "content_html": digest.body,
                "date_published": digest.date,
            }
            for digest in _newest(digests)
        ],
    }
    if pages.config.author:
        feed["authors"] = [{"name": pages.config.author}]
    return json.dumps(feed, ensure_ascii=False, indent=1)


def _newest(digests: list[Digest]) -> list[Digest]:
    return list(reversed(digests))[:FEED_ENTRIES]
