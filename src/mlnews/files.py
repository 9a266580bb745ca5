"""Writing files so that a crash or an error leaves the old file or the new one, never half."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TextIO, cast


@contextmanager
def replacing(path: Path) -> Iterator[TextIO]:
    """A text file to write; it replaces `path` only when the block ends without an error."""
    with _replacing(path, "w") as out:
        yield cast(TextIO, out)


def write_bytes(path: Path, data: bytes) -> None:
    """Write a binary file whole or not at all."""
    with _replacing(path, "wb") as out:
        out.write(data)


@contextmanager
def _replacing(path: Path, mode: str) -> Iterator[IO[Any]]:
    if not path.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no such folder to write into", str(path.parent))
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        text = {"encoding": "utf-8", "newline": "\n"} if "b" not in mode else {}
        with os.fdopen(handle, mode, **text) as out:  # type: ignore[call-overload]
            yield out
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it private; a plain file is not
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
