"""Writing files so that a crash or an error leaves the old file or the new one, never half."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


@contextmanager
def replacing(path: Path) -> Iterator[TextIO]:
    """A text file to write; it replaces `path` only when the block ends without an error."""
    if not path.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no such folder to write into", str(path.parent))
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
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
