"""Parsing a big line-oriented file in worker processes while the main process writes.

An import is two kinds of work: turning bytes into rows (JSON decoding, names,
dates, keys: pure Python) and writing rows (SQLite). On a machine with two or
more cores the first runs in workers, on chunks cut at line ends, and the main
process only looks up, merges and writes. Results come back in file order, so
the outcome is the same as parsing in one process, line numbers included.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

from mlnews import workers
from mlnews.formats.base import Format, Parsed, ParseError, Problem, get_format
from mlnews.items import Item
from mlnews.library.rows import LibraryError, Prepared, prepare

MIN_BYTES = 8 * 1024 * 1024  # below this, starting workers costs more than it saves
CHUNK_BYTES = 2 * 1024 * 1024
AHEAD = 4  # chunks parsed ahead of the writer: bounds memory


@dataclass
class Skipped:
    """A record the library would refuse (no title, no identity), found in a worker."""

    title: str
    reason: str


Record = Parsed | Prepared | Skipped


def worth_it(fmt: Format, data: bytes) -> bool:
    return fmt.line_oriented and len(data) >= MIN_BYTES and _workers() > 0


def _workers() -> int:
    # Leave one core to the process that writes.
    return min(4, (os.cpu_count() or 1) - 1)


def parse(fmt: Format, data: bytes, kind: str | None = None) -> Iterator[Record]:
    """Yield what `fmt.parse(data)` would, items already prepared; raise its ParseError."""
    context = get_context("spawn")  # never fork a process that holds a SQLite connection
    pool = ProcessPoolExecutor(max_workers=_workers(), mp_context=context, initializer=workers.start)
    pending: deque[Future[list[Record] | ParseError]] = deque()
    try:
        for first_line, chunk in _chunks(data):
            pending.append(pool.submit(_parse_chunk, fmt.name, chunk, first_line, kind))
            if len(pending) >= AHEAD:
                yield from _result(pending.popleft())
        while pending:
            yield from _result(pending.popleft())
    finally:
        # On an error or Ctrl-C, drop the work not started and wait only for the chunks
        # in hand (workers ignore Ctrl-C: the main process decides, and rolls back).
        pool.shutdown(wait=True, cancel_futures=True)


def _result(future: Future[list[Record] | ParseError]) -> list[Record]:
    result = future.result()
    if isinstance(result, ParseError):
        raise result
    return result


def _chunks(data: bytes) -> Iterator[tuple[int, bytes]]:
    start, line = 0, 1
    while start < len(data):
        end = data.find(b"\n", start + CHUNK_BYTES)
        end = len(data) if end == -1 else end + 1
        chunk = data[start:end]
        yield line, chunk
        line += chunk.count(b"\n")
        start = end


def _parse_chunk(
    format_name: str, chunk: bytes, first_line: int, kind: str | None
) -> list[Record] | ParseError:
    """In a worker: parse one chunk. Errors come back as values, with file line numbers
    (an exception would lose its line on the way back)."""
    shift = first_line - 1
    records: list[Record] = []
    try:
        for parsed in get_format(format_name).parse(chunk):
            records.append(_prepared(with_kind(parsed, kind), shift))
    except ParseError as error:
        return ParseError(error.message, None if error.line is None else error.line + shift, error.record)
    return records


def with_kind(parsed: Parsed, kind: str | None) -> Parsed:
    """The record with the kind the curator gave for the whole file (`import --kind`)."""
    if kind is not None and isinstance(parsed, Item):
        parsed.kind = kind
    return parsed


def _prepared(parsed: Parsed, shift: int) -> Record:
    if isinstance(parsed, Item):
        try:
            return prepare(parsed)
        except LibraryError as error:
            return Skipped(parsed.title, str(error))
    if isinstance(parsed, Problem) and parsed.line is not None:
        return Problem(parsed.message, parsed.line + shift, parsed.record)
    return parsed
