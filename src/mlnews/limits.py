"""How big a record may be: the limits on each field, and the one function that applies them.

No source needs more: a 200 MB abstract is a broken or hostile file, and without limits it
cost `import` up to 8.3 GB of memory (every copy, split and index of it is another 200 MB or
more). `clip` cuts an item to the limits at a word boundary and says what it cut, so the import
can name the record: an import applies it to each record it parses (`collect.parallel.records`),
and the library to every item added another way (`library.writer`: collect, add, the app).
Before that, the formats cut a huge text in the bytes they read (`precut_document`, `precut`),
so that parsing it costs no more than parsing a big one.

The limits sit far above what real records hold (measured on the arXiv snapshot and daily
listings, 74,928 papers, and on the blog pages in tests' data), so only a broken record is cut:

- title: the longest of 74,928 arXiv titles is 226 characters;
- abstract: the longest arXiv abstract is 3,488 (arXiv's own limit is 1,920), and a feed that
  gives only full content makes its post the abstract: the longest blog post is 42,000;
- body: a paper's first PDF pages or a blog post's text, 42,000 at most in our data;
- authors: the largest collaborations (ATLAS, CMS) list 3,000 to 5,200 names; the longest
  name with its affiliation is 513 characters;
- URLs: browsers and servers stop at about 8,000 characters, and a URL cut short names
  another page, so a longer one is dropped, not cut.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import orjson

from mlnews.items import Item

TITLE = 1_000
ABSTRACT = 50_000
BODY = 200_000
NAME = 1_000  # one author, the site, a category or tag, a key
AUTHORS = 10_000
URL = 8_000
ENTRIES = 1_000  # URLs, identifiers, categories, tags
HISTORY = 10_000  # history events, curator texts, signals
RAW_TEXT = BODY  # any one string in the source's own record (a feed entry's content, say)
RAW_ENTRIES = AUTHORS  # any one list in it (an arXiv record's parsed author list)
# The whole of it as JSON, strings and lists cut: a feed entry's, with its content and summary,
# is a few hundred kilobytes at most. Past this (a record of a million fields) it is not kept.
RAW_RECORD = 2_000_000

# What a format may hand on before turning source text into plain text (LaTeX, HTML, spaces
# squashed): markup makes it longer than the text it becomes, and turning 200 MB into text
# costs gigabytes. The cut to the limit itself (and the warning) comes later, in `clip`.
SOURCE_MARGIN = 4
_ELLIPSIS = "…"
_LAST_SPACE = re.compile(r"\s\S*\Z")  # linear: each try stops at the next space


def cut(text: str, limit: int) -> str:
    """The text in at most `limit` characters, cut at a word boundary and ended with '…'.

    A word boundary within the last fifth of the room counts; text without one (CJK, a
    very long token) is cut where the room ends."""
    if len(text) <= limit:
        return text
    head = text[: limit - len(_ELLIPSIS)]
    last = _LAST_SPACE.search(head, len(head) - len(head) // 5)
    if last is not None:
        head = head[: last.start()]
    return head.rstrip() + _ELLIPSIS


def precut(text: str, limit: int) -> str:
    """What a format keeps of a source string before turning it into text: at most
    SOURCE_MARGIN times the field's limit, so the work stays bounded; `clip` still cuts
    (and warns) once it is text."""
    room = limit * SOURCE_MARGIN
    return text[:room] if len(text) > room else text


def clip(item: Item) -> list[str]:
    """Cut the item's fields to the limits in place; one note per field cut, saying how."""
    notes: list[str] = []
    for name, limit in (("title", TITLE), ("abstract", ABSTRACT), ("body", BODY), ("site", NAME)):
        value: str = getattr(item, name)
        if len(value) > limit:
            setattr(item, name, cut(value, limit))
            notes.append(f"{name} of {_size(len(value), limit)} characters cut to {limit:,}")
    if item.key is not None and len(item.key) > URL:
        notes.append(f"key of {len(item.key):,} characters dropped")
        item.key = None
    if item.figure is not None and len(item.figure) > URL:
        notes.append(f"figure path of {len(item.figure):,} characters dropped")
        item.figure = None
    item.authors = _names(item.authors, AUTHORS, NAME, "authors", notes)
    item.categories = _names(item.categories, ENTRIES, NAME, "categories", notes)
    item.tags = _names(item.tags, ENTRIES, NAME, "tags", notes)
    item.urls = _addresses(item.urls, "URLs", notes)
    item.identifiers = _addresses(item.identifiers, "identifiers", notes)
    for name in ("history", "texts", "signals"):
        entries: list[Any] = getattr(item, name)
        if len(entries) > HISTORY:
            setattr(item, name, entries[:HISTORY])
            notes.append(f"{len(entries):,} {name} entries cut to {HISTORY:,}")
    long_texts = [text for text in item.texts if len(text.text) > BODY]
    for text in long_texts:
        text.text = cut(text.text, BODY)
    if long_texts:
        notes.append(f"{len(long_texts)} curator texts cut to {BODY:,} characters")
    # The usual record is a few hundred bytes: too short to hold a string or a list over the
    # limits (a list entry takes two bytes at least), told at C speed, without a walk.
    size = _json_size(item.raw)
    if size > RAW_ENTRIES:
        raw_cuts = _clip_raw(item.raw)
        if raw_cuts:
            values = "value" if raw_cuts == 1 else "values"
            notes.append(f"{raw_cuts:,} {values} in the source's own record cut")
            size = _json_size(item.raw)
        if size > RAW_RECORD:
            item.raw = {name: {"not_kept": f"{size:,} bytes of JSON"} for name in item.raw}
            notes.append(f"the source's own record, {size:,} bytes, not kept")
    return notes


def _json_size(value: Any) -> int:
    try:
        return len(orjson.dumps(value))
    except TypeError:  # what orjson declines (integers beyond 64 bits): the standard encoder
        return len(json.dumps(value, ensure_ascii=False))


def label(item: Item) -> str:
    """The record, as a warning names it: its key or first id or URL, and its title's start."""
    reference = item.key or next(iter([*item.identifiers, *item.urls]), "")
    title = item.title if len(item.title) <= 60 else cut(item.title, 60)
    return f"{reference[:200]} {title!r}" if reference else repr(title)


def warning(item: Item, notes: list[str]) -> str:
    """One line for a record that `clip` cut."""
    return f"record {label(item)}: {'; '.join(notes)}"


def _size(length: int, limit: int) -> str:
    """A text's length as a warning gives it: a format may have cut a longer one to a few
    times the limit already (`precut`), so a length past that is only a least: '200,000+'."""
    return f"{length:,}+" if length >= limit * SOURCE_MARGIN // 2 else f"{length:,}"


def _names(values: list[str], most: int, longest: int, name: str, notes: list[str]) -> list[str]:
    kept = values[:most]
    if len(values) > most:
        notes.append(f"{len(values):,} {name} cut to {most:,}")
    long = sum(1 for value in kept if len(value) > longest)
    if long:
        kept = [cut(value, longest) for value in kept]
        notes.append(f"{long:,} {name} longer than {longest:,} characters cut")
    return kept


def _addresses(values: list[str], name: str, notes: list[str]) -> list[str]:
    kept = [value for value in values[:ENTRIES] if len(value) <= URL]
    if len(values) > ENTRIES:
        notes.append(f"{len(values):,} {name} cut to {ENTRIES:,}")
    dropped = min(len(values), ENTRIES) - len(kept)
    if dropped:
        notes.append(f"{dropped:,} {name} longer than {URL:,} characters dropped")
    return kept


def _clip_raw(raw: dict[str, Any]) -> int:
    """Cut every string and list in the source's record to the limits, in place; how many were.

    A loop, not recursion: raw may nest as deep as the JSON parser allowed."""
    cuts = 0
    pending: list[dict[str, Any] | list[Any]] = [raw]
    while pending:
        current = pending.pop()
        if isinstance(current, list) and len(current) > RAW_ENTRIES:
            del current[RAW_ENTRIES:]
            cuts += 1
        keys: Any = current.keys() if isinstance(current, dict) else range(len(current))
        for key in list(keys):
            value = current[key]
            if isinstance(value, str) and len(value) > RAW_TEXT:
                current[key] = cut(value, RAW_TEXT)
                cuts += 1
            elif isinstance(value, dict | list):
                pending.append(value)
    return cuts


def precut_xml(data: bytes) -> bytes:
    """An XML document with every run of text over `DOCUMENT_ROOM` bytes cut: a run between two
    tags (`<`, `>`), cut never inside an entity, so escaped HTML (`&lt;p&gt;`, how feeds carry
    a post) is cut as plain text is."""
    return precut_document(data, b"<>", boundary=_xml_boundary)


def _xml_boundary(data: bytes, at: int) -> int:
    """`at`, moved back before an entity (`&amp;`, `&#x1F600;`) it would fall inside."""
    at = _utf8_boundary(data, at)
    amp = data.rfind(b"&", max(0, at - _LONGEST_ENTITY), at)
    return amp if amp != -1 and b";" not in data[amp:at] else at


_LONGEST_ENTITY = 40  # `&CounterClockwiseContourIntegral;`, HTML's longest name, is 33


def precut_json(data: bytes) -> bytes:
    """JSON text (lines of it) with every string's run over `DOCUMENT_ROOM` bytes cut: a run
    without quotes is inside a string, and is cut between two of its characters, never inside
    an escape (`\\n`, `\\u00e9`, a surrogate pair), so the text stays JSON.
    Decoding a 200 MB string costs twice its size again; decoding this costs nothing much."""
    return precut_document(data, b'"', boundary=_json_boundary)


def _json_boundary(data: bytes, at: int) -> int:
    """`at`, moved back to fall between two characters of a JSON string."""
    at = _utf8_boundary(data, at)
    escape = data.rfind(b"\\u", max(0, at - 5), at + 1)  # inside `\\uXXXX`: before its backslash
    if escape != -1 and _unescaped(data, escape):
        at = escape
    if at >= 6 and _HIGH_SURROGATE.fullmatch(data, at - 6, at) and _unescaped(data, at - 6):
        at -= 6  # between the two halves of a surrogate pair: before both
    if not _unescaped(data, at):  # right after a lone backslash: before it
        at -= 1
    return at


def _unescaped(data: bytes, at: int) -> bool:
    """Whether the byte at `at` starts a character of its own, not escaped by the backslashes
    before it: an even number of them (pairs, each an escaped backslash)."""
    start = at
    while start > 0 and data[start - 1] == 0x5C:
        start -= 1
    return (at - start) % 2 == 0


_HIGH_SURROGATE = re.compile(rb"\\u[dD][89abAB][0-9a-fA-F]{2}")


# What `precut_document` leaves of a text in a document: room for the longest field (a body)
# in UTF-8 (up to four bytes a character), with markup.
DOCUMENT_ROOM = BODY * SOURCE_MARGIN
_WINDOW = 65536
_TAIL = 1024  # what a cut run keeps of its end: an attribute's closing quote, say


def precut_document(
    data: bytes, marks: bytes, room: int | None = None, boundary: Callable[[bytes, int], int] | None = None
) -> bytes:
    """A document (XML, BibTeX) with every run of bytes holding none of `marks` (the
    characters that shape it: `<>&` in XML, braces and quotes in BibTeX) cut to `room` bytes
    and its last few (`room`: DOCUMENT_ROOM unless given), where `boundary` (a UTF-8
    character's start unless given) moves each cut. Its parser then never meets a 200 MB text.

    Only the middle of a run goes, and its line ends stay, so the document keeps its shape
    and its line numbers. The document is looked at 64 KB at a time: a window without a mark
    is inside a long run; only then is the run's extent searched."""
    room = DOCUMENT_ROOM if room is None else room
    boundary = boundary or _utf8_boundary
    if len(data) <= room or data[:4].count(b"\x00"):  # UTF-16 and UTF-32 are left alone
        return data
    mark = re.compile(b"[" + re.escape(marks) + b"]")
    pieces: list[bytes] = []
    kept = pos = 0
    while pos < len(data):
        window = min(pos + _WINDOW, len(data))
        if mark.search(data, pos, window):
            pos = window
            continue
        start = max([kept, *(found.end() for found in mark.finditer(data, max(kept, pos - _WINDOW), pos))])
        after = mark.search(data, window)
        end = after.start() if after else len(data)
        if end - start > room + _TAIL:
            head, tail = boundary(data, start + room), boundary(data, end - _TAIL)
            pieces += [data[kept:head], b"\n" * data.count(b"\n", head, tail)]
            kept = tail
        pos = max(end, window)
    if not pieces:
        return data
    pieces.append(data[kept:])
    return b"".join(pieces)


def _utf8_boundary(data: bytes, at: int) -> int:
    """`at`, moved back to the start of the UTF-8 character it falls in."""
    while at > 0 and 0x80 <= data[at] < 0xC0:
        at -= 1
    return at
