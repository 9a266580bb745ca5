"""A model's answers kept in the library, so that asking again costs nothing.

The key is a hash of the model and the whole request: any change to the prompt, the
examples, the settings or the item asks the model afresh. Each drafting thread has its
own connection to the library file (WAL lets them read and write beside the command's).
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from mlnews.library.connection import BUSY_MS


@dataclass(frozen=True)
class Stored:
    answer: str
    prompt_tokens: int
    completion_tokens: int


class Responses:
    def __init__(self, path: Path):
        self.path = path  # the library file, already made and migrated
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_MS / 1000)
            self._local.db = db
        return db

    def get(self, key: str) -> Stored | None:
        row = (
            self._db()
            .execute("SELECT answer, prompt_tokens, completion_tokens FROM responses WHERE key = ?", (key,))
            .fetchone()
        )
        return Stored(row[0], row[1], row[2]) if row else None

    def put(self, key: str, model: str, stored: Stored) -> None:
        self._db().execute(
            "INSERT OR REPLACE INTO responses (key, model, answer, prompt_tokens, completion_tokens, created)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                key,
                model,
                stored.answer,
                stored.prompt_tokens,
                stored.completion_tokens,
                datetime.now(UTC).isoformat(timespec="seconds"),
            ),
        )
