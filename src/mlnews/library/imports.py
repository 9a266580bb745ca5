"""Where the import of a big file stands: the row `collect.resume` saves at each checkpoint."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from mlnews.dates import now


@dataclass(frozen=True)
class Standing:
    identity: str
    offset: int
    line: int
    counts: dict[str, int]
    updated: str


class Imports:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def get(self, file: str) -> Standing | None:
        row = self.db.execute(
            "SELECT identity, offset, line, counts, updated FROM imports WHERE file = ?", (file,)
        ).fetchone()
        if row is None:
            return None
        return Standing(row[0], int(row[1]), int(row[2]), dict(json.loads(row[3])), row[4])

    def save(self, file: str, identity: str, offset: int, line: int, counts: dict[str, int]) -> None:
        """Use inside the transaction that the checkpoint commits."""
        self.db.execute(
            "INSERT OR REPLACE INTO imports (file, identity, offset, line, counts, updated)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (file, identity, offset, line, json.dumps(counts), now()),
        )

    def forget(self, file: str) -> None:
        self.db.execute("DELETE FROM imports WHERE file = ?", (file,))
