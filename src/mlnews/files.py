"""Writing files so that a crash or an error leaves the old file or the new one, never half.

A symbolic link is followed (its target is replaced; the link stays), and a FIFO or
a device is written to, never replaced by a file. A whole folder (the site) is made beside
the old one and takes its place only when complete.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import stat
import sys
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


@contextmanager
def replacing_folder(path: Path) -> Iterator[Path]:
    """A folder to fill that replaces `path` only when the block ends without an error.

    It starts as `path`'s files hard-linked (no bytes copied), so an incremental build finds
    what it left last time; a file in it must be replaced (`write_bytes`), never written in
    place, or the old folder would change too. Killed or failed, the old folder is untouched
    and what was built is removed, now or by the next run.
    """
    target = _followed(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target):
        staging, old = (target.parent / f".{target.name}.{what}" for what in ("building", "old"))
        if old.is_dir() and not target.exists():
            os.rename(old, target)  # killed between the two renames of a swap: the old one is whole
        for leftover in (staging, old):
            shutil.rmtree(leftover, ignore_errors=True)
        if target.is_dir():
            _link_tree(target, staging)
        else:
            staging.mkdir()
        try:
            yield staging
            _swap(staging, target, old)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _locked(target: Path) -> Iterator[None]:
    # Two builds of one folder at once would share the staging folder: the second waits. The lock
    # is on the parent folder itself, so no lock file is left beside the site.
    import fcntl  # POSIX only, like the builds that need it

    folder = os.open(target.parent, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        yield
    finally:
        os.close(folder)


def _link_tree(source: Path, copy: Path) -> None:
    """`source`'s files hard-linked into `copy`, whatever made them (a CNAME, a .git folder):
    folders with their modes, links to folders as links."""
    for folder, folders, names in os.walk(source):
        into = copy / Path(folder).relative_to(source)
        into.mkdir(exist_ok=True)
        shutil.copymode(folder, into)
        for name in folders:
            if (Path(folder) / name).is_symlink():  # os.walk lists it as a folder, and skips it
                os.symlink(os.readlink(Path(folder) / name), into / name)
        for name in names:
            try:
                os.link(Path(folder) / name, into / name, follow_symlinks=False)
            except OSError:  # a file system without hard links
                shutil.copy2(Path(folder) / name, into / name, follow_symlinks=False)


_RENAME_EXCHANGE = 2  # linux/fs.h: renameat2 swaps the two names in one step
_AT_FDCWD = -100


def _swap(new: Path, target: Path, old: Path) -> None:
    """`new` in `target`'s place: in one step where Linux can, else in two renames (a kill
    between them is repaired by the next `replacing_folder`: `old` is whole)."""
    if not target.exists():
        os.rename(new, target)
        return
    if sys.platform.startswith("linux") and _exchange(new, target):
        return  # `new` now names the old folder: the caller removes it
    try:
        os.rename(target, old)
    except OSError as error:
        if error.errno not in (errno.EBUSY, errno.EXDEV, errno.EPERM, errno.EACCES):
            raise
        _move_files(new, target)  # a mount point cannot be renamed: each file replaced whole
        return
    os.rename(new, target)


def _exchange(first: Path, second: Path) -> bool:
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    done = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    return bool(done == 0)


def _move_files(new: Path, target: Path) -> None:
    kept: set[Path] = set()
    for folder, _, names in os.walk(new):
        into = target / Path(folder).relative_to(new)
        into.mkdir(exist_ok=True)
        for name in names:
            os.replace(Path(folder) / name, into / name)
            kept.add(into / name)
    for folder, _, names in os.walk(target, topdown=False):
        for name in names:
            if Path(folder) / name not in kept:
                (Path(folder) / name).unlink()
        if Path(folder) != target and not any(Path(folder).iterdir()):
            Path(folder).rmdir()
