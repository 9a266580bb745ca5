"""Big imports that go on where an interrupted one stopped.

A snapshot of all arXiv is 3 million records and ten minutes of writing: one transaction
for it would lose all of that to a Ctrl-C, a full disk or a reboot. A line-oriented file of
at least two checkpoints' worth of bytes is committed every CHECKPOINT_BYTES instead, each
commit saving where the file stands (`library.imports`), and the same command run again
goes on from there. A file that changed since (its size, time or first bytes) starts over;
what it had put in is then found again record by record, a lookup each (`records`).
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlnews.collect.parallel import ChunkDone
from mlnews.library import Library

if TYPE_CHECKING:
    from mlnews.collect.ingest import FileReport

# Each commit ends a run of writing in the library's file: often enough that little is lost,
# rarely enough that committing costs nothing next to the writing (80 for all of arXiv).
CHECKPOINT_BYTES = int(os.environ.get("MLNEWS_CHECKPOINT_BYTES", 64 * 1024 * 1024))
_COUNTS = ("added", "merged", "unchanged", "failed", "clipped", "unknown")
_HEAD = 65536


@dataclass
class Resumable:
    file: str
    identity: str
    offset: int = 0  # bytes of the file taken (of what a gzip file holds)
    line: int = 1  # the first line not taken
    saved: int = 0  # the offset of the last checkpoint


def worth_it(size: int) -> bool:
    return size >= 2 * CHECKPOINT_BYTES


def begin(library: Library, path: Path, stream: io.BufferedIOBase, report: FileReport) -> Resumable:
    """Where to start reading `stream`: after what an interrupted import of this very file
    committed (the report then counts it), else at its start."""
    resumable = Resumable(str(path.resolve()), _identity(path))
    standing = library.imports.get(resumable.file)
    if standing is not None and standing.identity == resumable.identity:
        stream.seek(standing.offset)
        resumable.offset = resumable.saved = standing.offset
        resumable.line = standing.line
        for name in _COUNTS:
            setattr(report, name, standing.counts.get(name, 0))
        report.resumed = standing.line
        report.warnings.append(
            f"{path}: went on from line {standing.line:,}, where an import interrupted on "
            f"{standing.updated[:16].replace('T', ' ')} UTC had stopped (its warnings are not repeated)"
        )
    else:
        stream.seek(0)
        if standing is not None:
            report.warnings.append(
                f"{path}: changed since an interrupted import of it: read from the start "
                "(records already in are found unchanged)"
            )
    return resumable


def passed(library: Library, resumable: Resumable, done: ChunkDone, report: FileReport) -> None:
    """A chunk's records are all taken: commit them, once CHECKPOINT_BYTES have gone by."""
    resumable.offset += done.size
    resumable.line = done.next_line
    if resumable.offset - resumable.saved < CHECKPOINT_BYTES:
        return
    counts = {name: getattr(report, name) for name in _COUNTS}
    library.imports.save(resumable.file, resumable.identity, resumable.offset, resumable.line, counts)
    library.checkpoint()
    resumable.saved = resumable.offset
    report.kept = resumable.line - 1


def finish(library: Library, resumable: Resumable) -> None:
    """The whole file is in: forget where it stood (inside the last transaction)."""
    library.imports.forget(resumable.file)


def _identity(path: Path) -> str:
    status = path.stat()
    with path.open("rb") as stream:
        head = hashlib.blake2b(stream.read(_HEAD), digest_size=8).hexdigest()
    return f"{status.st_size}:{status.st_mtime_ns}:{head}"
