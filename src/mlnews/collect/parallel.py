"""Parsing a big line-oriented file in worker processes while the main process writes.

An import is two kinds of work: turning bytes into rows (JSON decoding, names,
dates, keys: pure Python) and writing rows (SQLite). On a machine with two or
more cores the first runs in workers, on chunks cut at line ends, and the main
process only looks up, merges and writes. Results come back in file order, so
the outcome is the same as parsing in one process, line numbers included.
"""

from __future__ import annotations

import io
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

from mlnews import limits, workers
from mlnews.formats.base import Format, Parsed, ParseError, Problem, get_format
from mlnews.items import Item
from mlnews.library.rows import LibraryError, Prepared, prepare

MIN_BYTES = 8 * 1024 * 1024  # below this, starting workers costs more than it saves
CHUNK_BYTES = 2 * 1024 * 1024
AHEAD = 4  # chunks parsed ahead of the writer: bounds memory
# A chunk this big is one huge line: sending it to a worker would copy it twice more (the
# pickle, the worker's copy), so the writing process parses it itself.
BIG_CHUNK = 8 * CHUNK_BYTES


@dataclass
class Skipped:
    """A record the library would refuse (no title, no identity), found in a worker."""

    title: str
    reason: str


@dataclass
class Clipped:
    """A record cut to the library's limits (`mlnews.limits`): the warning naming it."""

    message: str


@dataclass(frozen=True)
class ChunkDone:
    """Every record of a chunk came before this: where an interrupted import can go on."""

    size: int  # the chunk's bytes
    next_line: int  # the number of the line after it


Record = Parsed | Prepared | Skipped | Clipped | ChunkDone
# What else the records' process makes of them, a chunk at a time (their ranking features):
# a module-level function, as it crosses to the workers by name.
Derive = Callable[[Sequence[Prepared]], list[Prepared]]


def worth_it(fmt: Format, size: int) -> bool:
    """Whether a file of `size` bytes in this format is parsed in worker processes."""
    return fmt.line_oriented and size >= MIN_BYTES and _workers() > 0


def _workers(derive: Derive | None = None) -> int:
    # Leave one core to the process that writes; unless the workers also derive (hash features),
    # when they, not the writer, are the slower side.
    cores = os.cpu_count() or 1
    return min(4, cores if derive is not None and cores > 1 else cores - 1)


def parse(
    fmt: Format, chunks: Iterable[tuple[int, bytes]], kind: str | None = None, derive: Derive | None = None
) -> Iterator[Record]:
    """Yield what `fmt.parse` would of the chunks (`chunks` cuts them: (first line, bytes)),
    items already cut to the limits, prepared and derived; raise its ParseError."""
    context = get_context("spawn")  # never fork a process that holds a SQLite connection
    pool = ProcessPoolExecutor(max_workers=_workers(derive), mp_context=context, initializer=workers.start)
    pending: deque[tuple[Future[list[Record] | ParseError], ChunkDone]] = deque()
    try:
        for first_line, chunk in chunks:
            done = ChunkDone(len(chunk), first_line + chunk.count(b"\n"))
            if len(chunk) >= BIG_CHUNK:
                while pending:  # in file order
                    yield from _result(*pending.popleft())
                yield from _result_of(_parse_chunk(fmt.name, chunk, first_line, kind, derive))
                yield done
                continue
            pending.append((pool.submit(_parse_chunk, fmt.name, chunk, first_line, kind, derive), done))
            if len(pending) >= AHEAD:
                yield from _result(*pending.popleft())
        while pending:
            yield from _result(*pending.popleft())
    finally:
        # On an error or Ctrl-C, drop the work not started and wait only for the chunks
        # in hand (workers ignore Ctrl-C: the main process decides, and rolls back).
        pool.shutdown(wait=True, cancel_futures=True)


def inline(
    fmt: Format, chunks: Iterable[tuple[int, bytes]], kind: str | None = None, derive: Derive | None = None
) -> Iterator[Record]:
    """What `parse` yields, parsed in this process (a small file, or a format read whole)."""
    for first_line, chunk in chunks:
        yield from derived(list(records(fmt.parse(chunk), kind, first_line - 1)), derive)
        yield ChunkDone(len(chunk), first_line + chunk.count(b"\n"))


def derived(found: list[Record], derive: Derive | None) -> list[Record]:
    """The records, each prepared one replaced by what `derive` makes of it."""
    at = [number for number, record in enumerate(found) if isinstance(record, Prepared)]
    if derive is None or not at:
        return found
    made = derive([found[number] for number in at])  # type: ignore[misc]  # all Prepared
    for number, record in zip(at, made, strict=True):
        found[number] = record
    return found


def _result(future: Future[list[Record] | ParseError], done: ChunkDone) -> list[Record]:
    return [*_result_of(future.result()), done]


def _result_of(result: list[Record] | ParseError) -> list[Record]:
    if isinstance(result, ParseError):
        raise result
    return result


def chunks(stream: io.BufferedIOBase, line: int = 1) -> Iterator[tuple[int, bytes]]:
    """A line-oriented file in pieces of about CHUNK_BYTES cut at line ends, each with the
    number of its first line (the stream's first is `line`): a file of any size is read in
    bounded memory (a line longer than a chunk is read whole: it is one record)."""
    rest = b""
    while block := stream.read(CHUNK_BYTES):
        end = block.rfind(b"\n")
        if end == -1:
            chunk, rest = _long_line(stream, rest + block)
        else:
            chunk, rest = rest + block[: end + 1], block[end + 1 :]
        yield line, chunk
        line += chunk.count(b"\n")
    if rest:
        yield line, rest


def _long_line(stream: io.BufferedIOBase, start: bytes) -> tuple[bytes, bytes]:
    """A line longer than a chunk, whose first bytes are `start`, and what was read after it.

    From a plain file it is read in one piece once its end is found: joining the blocks read
    would hold a 200 MB line twice over."""
    if isinstance(stream, io.BufferedReader):
        begin = stream.tell() - len(start)
        length = len(start)
        while block := stream.read(CHUNK_BYTES):
            end = block.find(b"\n")
            length += len(block) if end == -1 else end + 1
            if end != -1:
                break
        stream.seek(begin)
        return stream.read(length), b""
    pieces = [start]
    while block := stream.read(CHUNK_BYTES):
        end = block.find(b"\n")
        if end != -1:
            pieces.append(block[: end + 1])
            return b"".join(pieces), block[end + 1 :]
        pieces.append(block)
    return b"".join(pieces), b""


def _parse_chunk(
    format_name: str, chunk: bytes, first_line: int, kind: str | None, derive: Derive | None
) -> list[Record] | ParseError:
    """In a worker: parse one chunk. Errors come back as values, with file line numbers
    (an exception would lose its line on the way back)."""
    try:
        return derived(list(records(get_format(format_name).parse(chunk), kind, first_line - 1)), derive)
    except ParseError as error:
        return error


def records(parsed: Iterable[Parsed], kind: str | None = None, shift: int = 0) -> Iterator[Record]:
    """What a format parsed, ready to write: items cut to the limits (a warning for each
    one cut) and prepared, problems' and errors' line numbers moved on by `shift` (the lines
    of the file before the chunk parsed).

    Every imported record passes here, in a worker or not: the one place an import applies
    the limits (the library applies them again to what other routes add)."""
    try:
        for record in parsed:
            yield from _prepared(with_kind(record, kind), shift)
    except ParseError as error:
        line = None if error.line is None else error.line + shift
        raise ParseError(error.message, line, error.record) from None


def with_kind(parsed: Parsed, kind: str | None) -> Parsed:
    """The record with the kind the curator gave for the whole file (`import --kind`)."""
    if kind is not None and isinstance(parsed, Item):
        parsed.kind = kind
    return parsed


def _prepared(parsed: Parsed, shift: int) -> Iterator[Record]:
    if isinstance(parsed, Item):
        notes = limits.clip(parsed)
        if notes:
            yield Clipped(limits.warning(parsed, notes))
        try:
            yield prepare(parsed)
        except LibraryError as error:
            yield Skipped(parsed.title, str(error))
    elif isinstance(parsed, Problem) and parsed.line is not None:
        yield Problem(parsed.message, parsed.line + shift, parsed.record)
    else:
        yield parsed
