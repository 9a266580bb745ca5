"""RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and CDF feeds, read by feedparser.

feedparser copes with the feeds publishers actually serve (wrong encodings,
undeclared namespaces, broken markup); this module decides what of its result
is sound enough to import, and hands each entry to the rules in `entries`.
"""

from __future__ import annotations

import io
import math
import time
from collections.abc import Iterator, Mapping
from typing import Any

import feedparser

from mlnews import limits
from mlnews.formats.base import Format, Parsed, ParseError, Problem
from mlnews.formats.entries import (
    Channel,
    Entry,
    build_item,
    doi_key,
    is_preprint_server,
    iso_date,
    note_shared_pages,
    scholarly_key,
)
from mlnews.formats.xml import root_name
from mlnews.text import html_to_text

# Root elements of RSS 0.9x/2.0, RSS 1.0 (rdf:RDF), Atom and CDF documents, in lower
# case: CDF files write <CHANNEL>.
FEED_ROOTS = frozenset({"rss", "rdf", "feed", "channel"})

# UTF-8, UTF-32 and UTF-16 byte order marks (UTF-32 LE first: it starts like UTF-16 LE's).
_BOMS = (b"\xef\xbb\xbf", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\xfe\xff", b"\xff\xfe")

_UNUSABLE = object()  # what `json_safe` returns for a value JSON cannot hold


class Feed(Format):
    name = "feed"
    sniff_order = 70
    description = "RSS 0.9x/1.0/2.0, Atom 0.3/1.0 or CDF feed"

    def sniff(self, head: bytes) -> bool:
        return (root_name(head) or "").lower() in FEED_ROOTS

    def parse(self, data: bytes) -> Iterator[Parsed]:
        # feedparser holds many copies of a text (and sanitises it): a 200 MB one cost 7.5 GB.
        # Cut first: even `strip` below copies the whole document.
        data = limits.precut_xml(data)
        if not data.strip():
            raise ParseError("not a feed: the file is empty")
        result = _run_feedparser(data)
        warning = _soundness(result, _lines_added(data))
        if warning is not None:
            yield warning
        channel = _channel(result)
        atom = str(result.get("version") or "").startswith("atom")
        yield from note_shared_pages(
            build_item(_entry(entry, number, channel, atom), channel)
            for number, entry in enumerate(_list(result.get("entries")), start=1)
            if isinstance(entry, Mapping)
        )


def _run_feedparser(data: bytes) -> Mapping[str, Any]:
    try:
        # A stream, not the bytes themselves: feedparser tries to open bytes as a file name.
        result = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=True)
    except Exception as error:  # a feedparser bug must be a readable error, not a traceback
        raise ParseError(f"cannot read the feed ({type(error).__name__}: {error})") from None
    if not isinstance(result, Mapping):
        raise ParseError("cannot read the feed (the feed reader returned nothing)")
    return result


def _soundness(result: Mapping[str, Any], lines_added: int) -> Problem | None:
    """Raise ParseError when nothing can be read; a warning when only part of it can."""
    has_entries = bool(_list(result.get("entries")))
    error = result.get("bozo_exception")
    line = _line(error, lines_added)
    if result.get("bozo") and not has_entries:
        what = "cannot read the feed" if result.get("version") else "not a feed"
        raise ParseError(f"{what}: {_describe(error)}", line=line)
    feed = _mapping(result.get("feed"))
    channel_found = _text(feed, "title") or _text(feed, "link")
    if not has_entries and not result.get("version") and not channel_found:
        raise ParseError("not a feed: no RSS, Atom or CDF channel found")
    if result.get("bozo"):
        return Problem(f"feed is ill-formed ({_describe(error)}); imported what could be read", line=line)
    return None


def _describe(error: object) -> str:
    get_message = getattr(error, "getMessage", None)  # SAX errors: the message without position
    message = str(get_message()) if callable(get_message) else str(error or "")
    return message or type(error).__name__


def _line(error: object, lines_added: int) -> int | None:
    get_line = getattr(error, "getLineNumber", None)
    line = get_line() if callable(get_line) else None
    if not isinstance(line, int) or line - lines_added < 1:
        return None
    return line - lines_added


def _lines_added(data: bytes) -> int:
    """How many lines feedparser adds at the top of the document for its XML parser.

    Re-encoding to UTF-8, feedparser rewrites the XML declaration, or puts one on
    a line of its own when there is none: the parser's line numbers are then one
    off from the file's.
    """
    head = data[:64]
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    # UTF-16/32 spell "<?xml" with NUL bytes between the letters.
    return 0 if head.replace(b"\x00", b"").startswith(b"<?xml") else 1


def _channel(result: Mapping[str, Any]) -> Channel:
    feed = _mapping(result.get("feed"))
    link = _text(feed, "link")
    authors: list[str] = []
    if str(result.get("version") or "").startswith("atom"):
        # Atom: an entry without authors has its feed's (RFC 4287, 4.2.1).
        authors = _author_names(feed)
    return Channel(
        title=html_to_text(_text(feed, "title")),
        link=link,
        preprint=is_preprint_server(link, _text(feed, "prism_publicationname")),
        authors=authors,
    )


def _entry(entry: Mapping[str, Any], number: int, channel: Channel, atom: bool) -> Entry:
    guid = _text(entry, "id")
    title = _text(entry, "title")
    return Entry(
        label=f"#{number} ({guid or html_to_text(title)[:60] or 'no id'})",
        title=title,
        summary=_text(entry, "summary"),
        content=_first_content(entry),
        links=_links(entry, atom),
        authors=_author_names(entry),
        published=_date(_get(entry, "published_parsed")),
        updated=_date(_get(entry, "updated_parsed")),
        categories=[_text(tag, "term") or _text(tag, "label") for tag in _mappings(entry, "tags")],
        identifiers=_identifiers(entry),
        raw={"feed": {**_raw(entry), "_feed": {"title": channel.title, "link": channel.link}}},
    )


def _links(entry: Mapping[str, Any], atom: bool) -> list[str]:
    """Alternate links first, then feedparser's own pick, then an RSS permalink guid.

    Enclosures, `related` and the like are left out: they point at other things
    (a podcast file, a discussed article), and would make unrelated items look alike.
    An Atom id names an entry without promising to be a link (feedparser marks
    it `guidislink` all the same), so it is never taken for one.
    """
    links = [
        _text(link, "href") for link in _mappings(entry, "links") if _text(link, "rel") in ("", "alternate")
    ]
    links.append(_text(entry, "link"))
    if _get(entry, "guidislink") and not atom:
        links.append(_text(entry, "id"))
    return [link for link in links if link]


def _first_content(entry: Mapping[str, Any]) -> str:
    contents = _mappings(entry, "content")
    return _text(contents[0], "value") if contents else ""


def _author_names(record: Mapping[str, Any]) -> list[str]:
    names = [_text(author, "name") for author in _mappings(record, "authors")]
    names = [name for name in names if name]
    return names or ([_text(record, "author")] if _text(record, "author") else [])


def _identifiers(entry: Mapping[str, Any]) -> list[str]:
    """DOIs the entry states (bioRxiv: dc:identifier, prism:doi) and the scholarly key its id names."""
    keys = [doi_key(_text(entry, name)) for name in ("prism_doi", "dc_identifier")]
    keys.append(scholarly_key(_text(entry, "id")))
    return [key for key in keys if key]


def _date(value: object) -> str | None:
    return iso_date(value) if isinstance(value, time.struct_time) else None


def _raw(entry: Mapping[str, Any]) -> dict[str, Any]:
    safe = json_safe(entry)
    return safe if isinstance(safe, dict) else {}


def json_safe(value: object) -> Any:
    """A copy that `json.dumps` can write: dates as ISO strings, anything else unusable dropped."""
    if isinstance(value, time.struct_time):  # before tuple: struct_time is one
        return _date(value) or _UNUSABLE
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else _UNUSABLE
    if isinstance(value, Mapping):
        pairs = ((key, json_safe(item)) for key, item in value.items() if isinstance(key, str))
        return {key: item for key, item in pairs if item is not _UNUSABLE}
    if isinstance(value, list | tuple):
        items = (json_safe(item) for item in value)
        return [item for item in items if item is not _UNUSABLE]
    return _UNUSABLE


def _get(record: object, key: str) -> object:
    """A field the feed itself gave.

    `FeedParserDict.get` falls back to related keys (`updated_parsed` answers with
    `published_parsed`, with a deprecation warning): reading the plain dict keeps
    a date the feed did not state out of the item.
    """
    if isinstance(record, dict):
        return dict.get(record, key)
    return record.get(key) if isinstance(record, Mapping) else None


def _text(record: object, key: str) -> str:
    """A string field of a feedparser record; '' when missing or of another type."""
    value = _get(record, key)
    return value if isinstance(value, str) else ""


def _mappings(record: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    return [item for item in _list(_get(record, key)) if isinstance(item, Mapping)]


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []
