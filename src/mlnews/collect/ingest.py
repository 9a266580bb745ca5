"""Importing files into the library: one file, one transaction, one line of report.

A file that cannot be read imports nothing and is reported as `FILE:LINE: what is
wrong`; the other files go on. A big line-oriented file (a snapshot) is committed every
`resume.CHECKPOINT_BYTES` instead, so that an interrupted import goes on where it stopped.
Feeds listed in OPML are added to the workspace's sources instead of the library.
"""

from __future__ import annotations

import errno
import gzip
import io
import sqlite3
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from mlnews import config, config_file
from mlnews.collect import parallel, resume
from mlnews.errors import ConfigError, ItemNotFound
from mlnews.formats.base import Format, ParseError, Problem, Signals, Subscription, get_format, sniff
from mlnews.items import Item
from mlnews.library import Library, LibraryError, Prepared

# Called as records go by: (file, records so far, records expected or None if unknown).
Progress = Callable[[str, int, int | None], None]
_PROGRESS_EVERY = 500
SNIFF_BYTES = 65536  # a snapshot line with a thousand authors is longer than 8 KB
# Records cut to the limits that the report names one by one; past these, one line says how
# many more: a broken file of a million oversized records must not print a million lines.
_CLIPPED_SHOWN = 20


@dataclass
class FileReport:
    path: str
    format: str = ""
    added: int = 0
    merged: int = 0
    unchanged: int = 0
    failed: int = 0
    sources_added: int = 0
    error: str | None = None  # the whole file failed: nothing from it was imported
    unknown: int = 0  # numbers about items the library does not hold
    clipped: int = 0  # records cut to the size limits (`mlnews.limits`)
    resumed: int = 0  # the line an interrupted import of the file was taken up at
    kept: int = 0  # lines committed at checkpoints (`collect.resume`): kept even if the rest fails
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


def import_files(
    library: Library,
    paths: Iterable[Path],
    *,
    format_name: str | None = None,
    kind: str | None = None,
    config_path: Path | None = None,
    progress: Progress | None = None,
    derive: parallel.Derive | None = None,
) -> list[FileReport]:
    """Import each file in its own transaction; `kind` overrides the kind of every record;
    `derive` adds what else is built of each record where it is parsed (`parallel.Derive`)."""
    forced = get_format(format_name) if format_name else None
    return [
        import_file(
            library, path, forced=forced, kind=kind, config_path=config_path, progress=progress, derive=derive
        )
        for path in paths
    ]


def import_file(
    library: Library,
    path: Path,
    *,
    forced: Format | None = None,
    kind: str | None = None,
    config_path: Path | None = None,
    progress: Progress | None = None,
    derive: parallel.Derive | None = None,
) -> FileReport:
    report = FileReport(str(path))
    try:
        stream = _open(path)
    except (OSError, EOFError, zlib.error) as error:
        report.error = _unreadable(path, error)
        return report
    with stream:
        _import_stream(library, stream, path, report, forced, kind, config_path, progress, derive)
    if progress:
        done = report.added + report.merged + report.unchanged + report.failed
        progress(str(path), done, done)
    return report


def _import_stream(
    library: Library,
    stream: io.BufferedIOBase,
    path: Path,
    report: FileReport,
    forced: Format | None,
    kind: str | None,
    config_path: Path | None,
    progress: Progress | None,
    derive: parallel.Derive | None,
) -> None:
    try:
        head = stream.read(SNIFF_BYTES)
        fmt = forced or sniff(head)
        if fmt is None:
            report.error = f"{path}: unrecognised format (use --format; see `mlnews import --help`)"
            return
        report.format = fmt.name
        size = _size(path)
        resumable = None
        if fmt.line_oriented and resume.worth_it(size):
            resumable = resume.begin(library, path, stream, report)
        else:
            stream.seek(0)
        first = resumable.line if resumable else 1
        # A line-oriented file is read a chunk at a time: memory stays flat whatever its size.
        # Any other format is parsed whole (a feed or a bibliography is one document).
        chunks = parallel.chunks(stream, first) if fmt.line_oriented else iter([(1, stream.read())])
        expected = _count_lines(path) if progress and fmt.line_oriented else None  # a record a line
        subscriptions: list[Subscription] = []
        with library.transaction(bulk=True):
            if parallel.worth_it(fmt, size):
                records = parallel.parse(fmt, chunks, kind, derive)
            else:
                records = parallel.inline(fmt, chunks, kind, derive)
            number = first - 1
            for parsed in records:
                if isinstance(parsed, parallel.ChunkDone):
                    if resumable:
                        resume.passed(library, resumable, parsed, report)
                    continue
                number += 1
                _take(library, parsed, report, subscriptions, str(path))
                if progress and number % _PROGRESS_EVERY == 0:
                    progress(str(path), number, expected)
            if forced is not None and number == 0 and head.strip():
                # A forced format that finds nothing is more likely the wrong one than an empty file.
                raise ParseError(f"nothing in it reads as {forced.name}; leave out --format to sniff it")
            if resumable:
                resume.finish(library, resumable)
            if subscriptions:
                report.sources_added = _register(subscriptions, config_path, str(path))
            _summarise(report, str(path))
    except ParseError as error:
        _fail(report, error.where(str(path)))
    except (LibraryError, ConfigError) as error:
        _fail(report, f"{path}: {error}")
    except sqlite3.Error as error:  # the library's fault (disk full, say), not the file's
        _fail(report, f"{path}: not imported: the library failed: {error}")
    except (OSError, EOFError, zlib.error) as error:  # read as it goes: a gzip file cut short
        _fail(report, _unreadable(path, error))
    except Exception as error:  # a parser bug must not become a traceback or a half import
        _fail(report, f"{path}: cannot read ({type(error).__name__}: {error})")


def _summarise(report: FileReport, origin: str) -> None:
    if report.clipped > _CLIPPED_SHOWN:
        more = report.clipped - _CLIPPED_SHOWN
        report.warnings.append(f"{origin}: {more:,} more records cut to the size limits (see above)")
    if report.unknown:
        report.warnings.append(
            f"{origin}: {report.unknown} rows name items not in the library: skipped; "
            "import those items first"
        )


def _open(path: Path) -> io.BufferedIOBase:
    """The file's bytes as a stream; gzip files (`.jsonl.gz` snapshots, say) are read through."""
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
    with path.open("rb") as probe:
        compressed = probe.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if compressed else path.open("rb")


def _unreadable(path: Path, error: BaseException) -> str:
    return f"{path}: cannot read: {getattr(error, 'strerror', None) or error}"


def _size(path: Path) -> int:
    """The bytes to parse: a gzip file's own count of what it holds (its last four bytes, the size
    modulo 4 GiB, so never less than the file), which decides whether workers pay for themselves."""
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            if stream.read(2) != b"\x1f\x8b" or size < 18:
                return size
            stream.seek(-4, 2)
            return max(size, int.from_bytes(stream.read(4), "little"))
    except OSError:
        return 0


def _count_lines(path: Path) -> int | None:
    """Lines in a plain file, for the progress bar; None for a gzip file (reading it twice
    would double the time of decompressing it)."""
    count = 0
    with path.open("rb") as stream:
        if stream.read(2) == b"\x1f\x8b":
            return None
        stream.seek(0)
        while block := stream.read(parallel.CHUNK_BYTES):
            count += block.count(b"\n")
    return count


def _take(
    library: Library, parsed: object, report: FileReport, subscriptions: list[Subscription], origin: str
) -> None:
    if isinstance(parsed, Item | Prepared):
        try:
            outcome = library.add(parsed)
        except LibraryError as error:
            parsed = parallel.Skipped(parsed.title if isinstance(parsed, Item) else "", str(error))
        else:
            setattr(report, outcome, getattr(report, outcome) + 1)
            return
    if isinstance(parsed, parallel.Clipped):
        report.clipped += 1
        if report.clipped <= _CLIPPED_SHOWN:
            report.warnings.append(f"{origin}: {parsed.message}")
    elif isinstance(parsed, parallel.Skipped):
        report.failed += 1
        report.warnings.append(f"{origin}: skipped {parsed.title or 'a record'!r}: {parsed.reason}")
    elif isinstance(parsed, Signals):
        try:
            outcome = library.add_signals(parsed.ident, parsed.signals)
        except ItemNotFound:
            report.failed += 1
            report.unknown += 1
        else:
            setattr(report, outcome, getattr(report, outcome) + 1)
    elif isinstance(parsed, Problem):
        report.warnings.append(parsed.where(origin))
    elif isinstance(parsed, Subscription):
        subscriptions.append(parsed)


def _register(subscriptions: list[Subscription], config_path: Path | None, origin: str) -> int:
    if config_path is None:
        raise ConfigError(f"{origin}: lists feeds, but there is no workspace config to add them to")
    sources = [
        config.Source(name="", type="feed", url=s.url, title=s.title, site_url=s.site_url)
        for s in subscriptions
    ]
    return len(config_file.add_sources(config_path, sources))


def _fail(report: FileReport, message: str) -> None:
    report.failed += report.added + report.merged + report.unchanged
    report.added = report.merged = report.unchanged = report.sources_added = 0
    if report.kept:
        message += f" (its first {report.kept:,} lines are in the library: run again to go on from there)"
    report.error = message
