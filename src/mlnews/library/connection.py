"""Opening the library's SQLite file: for writing, or read-only where it cannot be written."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Literal

from mlnews.library import migrations
from mlnews.library.rows import LibraryError

BUSY_MS = 30_000  # how long to wait for another command's write to end


def connect(path: Path, *, writing: bool) -> tuple[sqlite3.Connection, bool]:
    """The open library, and whether it is read-only.

    `writing`: the caller may write. Without it, a library that cannot be written
    (a read-only folder, file or disk) is opened read-only rather than refused.
    """
    read_only = not _writable(path)
    if read_only and writing:
        raise read_only_error(path)
    try:
        db = _connect_read_only(path) if read_only else _connect(path)
    except sqlite3.DatabaseError as error:
        raise LibraryError(f"{path}: cannot open the library: {error}") from None
    return db, read_only


def read_only_error(path: Path) -> LibraryError:
    return LibraryError(
        f"{path.parent}: the workspace is read-only ({path.name} cannot be written); "
        "reading commands (list, search, show, export) still work"
    )


def _writable(path: Path) -> bool:
    # Writing needs the folder too: SQLite makes its -wal and -shm files beside the library.
    # `os.access` also answers for a read-only disk, and for root, who may write anyway.
    return os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_MS / 1000)
    db.row_factory = sqlite3.Row
    # Takes effect only on a new file. 8 KB pages halve the system calls of a big
    # write: a 200,000-record import is 6% faster than with SQLite's 4 KB.
    db.execute("PRAGMA page_size = 8192")
    set_journal(db, "wal")
    db.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db)
    return db


def _connect_read_only(path: Path) -> sqlite3.Connection:
    if not path.exists():
        raise LibraryError(f"{path}: no library here, and {path.parent} is read-only: none can be made")
    # Reading a WAL library needs its -shm file, which the first reader makes: in a folder
    # nobody may write, no reader can. With neither -wal nor -shm there, no command is
    # writing and every write is in the file itself, which can then be read as immutable.
    beside = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    can_share = os.access(path.parent, os.W_OK) or any(p.exists() for p in beside)
    uri = f"{path.absolute().as_uri()}?{'mode=ro' if can_share else 'immutable=1'}"
    db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_MS / 1000)
    db.row_factory = sqlite3.Row
    if migrations.pending(db):
        db.close()
        raise LibraryError(
            f"{path}: made by an older mlnews, and the workspace is read-only: "
            "run any mlnews command once where it can be written, to bring it up to date"
        )
    return db


def set_journal(db: sqlite3.Connection, mode: Literal["wal", "delete"]) -> bool:
    """Switch the journal mode unless another connection is in the way; never wait for it.

    When opening, that is a first import filling the library without the WAL (see
    `Library.transaction`): it puts the WAL back when it is done."""
    db.execute("PRAGMA busy_timeout = 0")
    try:
        db.execute(f"PRAGMA journal_mode = {mode}")
    except sqlite3.OperationalError:
        pass
    finally:
        db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
    current = db.execute("PRAGMA journal_mode").fetchone()[0]
    # Without the WAL, FULL is what keeps a power cut from damaging the file.
    db.execute(f"PRAGMA synchronous = {'NORMAL' if current == 'wal' else 'FULL'}")
    return bool(current == mode)
