"""The arXiv metadata snapshot: one JSON object per line (Kaggle "Cornell-University/arxiv").

This is the bulk path (the full snapshot has millions of lines), so the
per-record work is kept to one `json.loads` and plain string operations: no
regular expressions compiled per record, no XML, LaTeX decoding only for the
rare strings that contain any, and arXiv's fixed-shape dates converted by hand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import orjson

from mlnews import identity, limits
from mlnews.formats import _arxiv
from mlnews.formats.base import Format, Parsed, ParseError
from mlnews.items import Item
from mlnews.text import squash

# Fields a snapshot record has beside "id"; two of them tell it from other JSON lines.
_SIGNATURE = ("versions", "authors_parsed", "submitter", "update_date", "categories")
_ID_FIRST = re.compile(rb'\{\s*"id"\s*:')
# Already in the item in a better form; everything else a record holds is kept in raw.
_NOT_RAW = frozenset({"title", "abstract", "authors_parsed"})


class ArxivSnapshot(Format):
    name = "arxiv-snapshot"
    sniff_order = 20
    description = "arXiv metadata snapshot (JSON lines, as published on Kaggle)"
    line_oriented = True

    def sniff(self, head: bytes) -> bool:
        line = _first_line(head)
        if not line.startswith(b"{"):
            return False
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            # RecursionError: a line nested thousands deep is no snapshot record, and parsing
            # it (with orjson) reports it as a bad line rather than as a traceback.
            # The head may cut the first record short (a long abstract): read its keys as
            # text. The snapshot writes "id" first; requiring that keeps out other JSON
            # lines that merely nest a snapshot record (an mlnews export's raw field).
            keys = [key for key in _SIGNATURE if f'"{key}":'.encode() in line]
            return _ID_FIRST.match(line) is not None and len(keys) >= 2
        return isinstance(record, dict) and "id" in record and _has_signature(record)

    def parse(self, data: bytes) -> Iterator[Parsed]:
        data = limits.precut_json(data)
        for number, line in _lines(data):
            yield _item(line, number)


def _first_line(head: bytes) -> bytes:
    for line in head.lstrip(b"\xef\xbb\xbf").split(b"\n"):
        if line.strip():
            return line.strip()
    return b""


def _has_signature(record: dict[str, Any]) -> bool:
    return sum(1 for key in _SIGNATURE if key in record) >= 2


def _lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Non-blank lines with their 1-based numbers, without splitting the whole file at once."""
    start = 0
    number = 0
    size = len(data)
    if data.startswith(b"\xef\xbb\xbf"):
        start = 3
    while start < size:
        end = data.find(b"\n", start)
        if end == -1:
            end = size
        number += 1
        line = data[start:end]
        start = end + 1
        if line and not line.isspace():
            yield number, line


def _item(line: bytes, number: int) -> Item:
    try:
        # orjson: a snapshot is millions of lines, and decoding them is most of parsing.
        record = orjson.loads(line)
    except ValueError as error:
        raise ParseError(f"not a JSON line: {error}", line=number) from None
    if not isinstance(record, dict):
        raise ParseError("not a JSON object", line=number)
    record_id = record.get("id")
    if not record_id or not isinstance(record_id, str):
        raise ParseError("record has no id", line=number)
    arxiv_id = identity.arxiv_id(record_id)
    if not arxiv_id:
        raise ParseError(f"not an arXiv id: {record_id!r}", line=number, record=record_id)
    title = record.get("title")
    if not title or not isinstance(title, str):
        raise ParseError("record has no title", line=number, record=record_id)
    try:
        return _paper(arxiv_id, title, record)
    except (AttributeError, IndexError, KeyError, TypeError) as error:
        # A field of the wrong shape (a string where a list belongs, ...).
        raise ParseError(f"malformed record: {error!r}", line=number, record=record_id) from None


def _paper(arxiv_id: str, title: str, record: dict[str, Any]) -> Item:
    versions = record.get("versions") or []
    listed = (record.get("categories") or "").split()
    # Cut before squashing: splitting a 200 MB text into words costs gigabytes.
    return _arxiv.paper(
        arxiv_id,
        title=squash(limits.precut(title, limits.TITLE)),
        authors=_authors(record),
        abstract=squash(limits.precut(record.get("abstract") or "", limits.ABSTRACT)),
        categories=_arxiv.categories(listed[0] if listed else None, listed),
        dois=_arxiv.split_dois(record.get("doi")),
        published=_arxiv.rfc2822_date(versions[0]["created"]) if versions else None,
        updated=_arxiv.rfc2822_date(versions[-1]["created"]) if versions else None,
        source=ArxivSnapshot.name,
        raw={k: v for k, v in record.items() if v is not None and k not in _NOT_RAW},
    )


def _authors(record: dict[str, Any]) -> list[str]:
    """From `authors_parsed` ([last, first, suffix, affiliation...]), else the author string."""
    parsed = record.get("authors_parsed")
    if not parsed:
        return _arxiv.split_authors(limits.precut(record.get("authors") or "", limits.AUTHORS * 100))
    names: list[str] = []
    for parts in parsed[: limits.AUTHORS * limits.SOURCE_MARGIN]:
        name = _arxiv.person(parts[1] if len(parts) > 1 else "", parts[0], _suffix(parts))
        if name:
            names.append(name)
    return names


def _suffix(parts: list[str]) -> str:
    return parts[2] if len(parts) > 2 and parts[2] else ""
