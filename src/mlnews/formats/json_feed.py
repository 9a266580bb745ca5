"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org), which feedparser does not read."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from mlnews.formats.base import Format, Parsed, ParseError, Problem
from mlnews.formats.entries import (
    Channel,
    Entry,
    build_item,
    is_preprint_server,
    iso_date,
    note_shared_pages,
    scholarly_key,
)
from mlnews.text import html_to_text

VERSION_PREFIXES = ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")

# `"version": "https://jsonfeed.org/version/1"`, also as written with JSON's
# optional `\/` escapes (PHP's json_encode writes them).
_VERSION = re.compile(rb'"version"\s*:\s*"https?:\\?/\\?/jsonfeed\.org\\?/version\\?/')
# Keys no other JSON document is likely to combine.
_FEED_KEYS = (
    b'"home_page_url"',
    b'"feed_url"',
    b'"content_html"',
    b'"content_text"',
    b'"date_published"',
    b'"external_url"',
)


class JsonFeed(Format):
    name = "json-feed"
    sniff_order = 60
    description = "JSON Feed 1.0 or 1.1"

    def sniff(self, head: bytes) -> bool:
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not text.startswith(b"{"):
            return False
        if _VERSION.search(text):
            return True
        # Some writers put "version" last (a real feed here has it 57 KB in), beyond the
        # head sniffing sees: then the feed's own keys must show it for what it is.
        seen = sum(key in text for key in _FEED_KEYS)
        return b'"version"' not in text and b'"items"' in text and seen >= 2

    def parse(self, data: bytes) -> Iterator[Parsed]:
        document = _load(data)
        channel = _channel(document)
        yield from note_shared_pages(
            build_item(_entry(item, number, channel), channel)
            if isinstance(item, dict)
            else Problem(f"skipped item #{number}: it is not a JSON object")
            for number, item in enumerate(document["items"], start=1)
        )


def _load(data: bytes) -> dict[str, Any]:
    """The feed object; ParseError when the file is not JSON or not a JSON Feed."""
    try:
        document = json.loads(data)  # bytes: json finds UTF-8/16/32 and skips a BOM itself
    except json.JSONDecodeError as error:
        raise ParseError(f"not valid JSON: {error.msg} (column {error.colno})", line=error.lineno) from None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ParseError(f"not UTF-8: {error.reason}", line=line) from None
    except RecursionError:
        raise ParseError("not a JSON Feed: nested too deeply to read") from None
    if not isinstance(document, dict):
        raise ParseError("not a JSON Feed: the document is not a JSON object")
    version = document.get("version")
    if not isinstance(version, str) or not version.startswith(VERSION_PREFIXES):
        raise ParseError('not a JSON Feed: no "version": "https://jsonfeed.org/version/..."')
    if not isinstance(document.get("items"), list):
        raise ParseError('not a JSON Feed: "items" is not a list')
    return document


def _channel(document: dict[str, Any]) -> Channel:
    link = _text(document, "home_page_url") or _text(document, "feed_url")
    return Channel(
        title=html_to_text(_text(document, "title")),
        link=link,
        preprint=is_preprint_server(link),
        # The feed's authors are those of every item that names none (spec, "authors").
        authors=_author_names(document),
    )


def _entry(item: dict[str, Any], number: int, channel: Channel) -> Entry:
    guid = _id(item)
    title = _text(item, "title")
    return Entry(
        label=f"#{number} ({guid or html_to_text(title)[:60] or 'no id'})",
        title=title,
        summary=_text(item, "summary"),
        content=_text(item, "content_html") or _text(item, "content_text"),
        links=_links(item, guid),
        authors=_author_names(item),
        published=iso_date(_text(item, "date_published")),
        updated=iso_date(_text(item, "date_modified")),
        categories=[tag for tag in _list(item, "tags") if isinstance(tag, str)],
        identifiers=[key for key in [scholarly_key(guid)] if key],
        raw={"json-feed": {**item, "_feed": {"title": channel.title, "link": channel.link}}},
    )


def _id(item: dict[str, Any]) -> str:
    value = item.get("id")
    # Version 1.0 let ids be numbers; 1.1 asks for strings.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else ""


def _links(item: dict[str, Any], guid: str) -> list[str]:
    """The item's permalink, then the page it is about; its id only when neither exists
    (ids are often permalinks, but nothing promises it)."""
    links = [_text(item, "url"), _text(item, "external_url")]
    if not any(links):
        links.append(guid)
    return [link for link in links if link]


def _author_names(record: dict[str, Any]) -> list[str]:
    """Names from 1.1's `authors`, else from 1.0's `author` (1.1 feeds may carry both)."""
    authors = [a for a in _list(record, "authors") if isinstance(a, dict)]
    if not authors and isinstance(record.get("author"), dict):
        authors = [record["author"]]
    return [name for name in (_text(author, "name") for author in authors) if name]


def _text(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    return value.strip() if isinstance(value, str) else ""


def _list(record: dict[str, Any], key: str) -> list[Any]:
    value = record.get(key)
    return value if isinstance(value, list) else []
