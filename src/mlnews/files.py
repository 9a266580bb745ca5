"""Writing files so that a crash or an error leaves the old file or the new one, never half.

A symbolic link is followed (its target is replaced; the link stays), and a FIFO or
a device is written to, never replaced by a file.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Literal, TextIO, cast


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
    target = _followed(path)
    text = {"encoding": "utf-8", "newline": "\n"} if "b" not in mode else {}
    kind = _kind(target)
    if kind == "folder":
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if kind == "special":
        # A device or a FIFO is where the output goes (a pipe to a reader, /dev/null):
        # replacing it would swap it for a file nobody reads.
        with _naming(path), open(target, mode, **text) as out:  # type: ignore[call-overload]
            yield out
        return
    if not target.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no such folder to write into", str(target.parent))
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:  # it would name the temporary file, which the user never asked for
        raise OSError(error.errno, error.strerror, str(path)) from None
    try:
        with _naming(path), os.fdopen(handle, mode, **text) as out:  # type: ignore[call-overload]
            yield out
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _followed(path: Path) -> Path:
    """Where writing `path` goes: a symbolic link's target, which is replaced while the link stays."""
    if not path.is_symlink():
        return path
    target = Path(os.path.realpath(path))
    if target.is_symlink():  # links in a loop: there is no file to write
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))
    return target


def _kind(path: Path) -> Literal["missing", "file", "folder", "special"]:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "missing"
    if stat.S_ISDIR(mode):
        return "folder"
    return "file" if stat.S_ISREG(mode) else "special"


# Errors from writing or closing a file, which Python raises without the file's name.
_WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EPIPE})


@contextmanager
def _naming(path: Path) -> Iterator[None]:
    """Errors writing the file name it: "No space left on device" alone does not say where."""
    try:
        yield
    except OSError as error:
        if error.filename is not None or error.errno not in _WRITE_ERRORS:
            raise
        raise OSError(error.errno, error.strerror, str(path)) from None


def _mode_for(target: Path) -> int:
    """The file's own mode when it is replaced (a private file stays private), else a plain file's.

    mkstemp makes the temporary private; a new file is as open as the umask says.
    """
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
