"""What the rankers ask of the library: features, decisions, candidates, models and scores.

The arrays themselves are the rankers' business (`mlnews.rank`); here they are only
bytes in and out, so that SQL stays in this package.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from mlnews.items import Item, Signal
from mlnews.library.rows import SUMMARY_SELECT, from_summary

_CHUNK = 900  # ids per `IN (...)`: under SQLite's default limit of variables
# An item's features are stale when it has none or changed since they were built (f: features, i: items).
_STALE = "(f.item_id IS NULL OR f.built != i.changed)"


@dataclass(frozen=True)
class Text:
    """What an item's features are built from."""

    item_id: int
    changed: str
    day: str | None
    kind: str
    title: str
    abstract: str
    body: str
    authors: list[str]
    categories: list[str]


@dataclass(frozen=True)
class Decision:
    """One triage event: the curator shortlisted, featured or rejected an item."""

    item_id: int
    at: str
    state: str
    week: str | None


@dataclass(frozen=True)
class Dated:
    """An item as a candidate: when it appeared and where triage has it."""

    item_id: int
    date: str  # published, else first seen
    state: str
    week: str | None


class Ranking:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    # -- features --------------------------------------------------------------------------

    def stale(self, since: str) -> list[int]:
        """Ids of the items whose features are missing or older than the item, of those a ranker
        meets: dated on or after `since` (an ISO date), undated, or decided. Read through the date
        and triage indexes: a library of all arXiv is mostly papers no ranker reads."""
        sql = (
            "SELECT w.id FROM ("
            " SELECT id FROM items WHERE published >= ?1 OR published IS NULL"
            " UNION SELECT id FROM items INDEXED BY items_triaged WHERE state != 'new'"
            ") w JOIN items i ON i.id = w.id LEFT JOIN features f ON f.item_id = w.id"
            f" WHERE {_STALE} ORDER BY w.id"
        )
        return [row[0] for row in self._plain(sql, (since,))]

    def stale_among(self, ids: Sequence[int]) -> list[int]:
        """Which of these items have features missing or older than the item, whatever their date."""
        found: list[int] = []
        for chunk in _chunks(sorted(set(ids))):
            marks = ", ".join("?" * len(chunk))
            found += (
                row[0]
                for row in self._plain(
                    "SELECT i.id FROM items i LEFT JOIN features f ON f.item_id = i.id"
                    f" WHERE i.id IN ({marks}) AND {_STALE}",
                    chunk,
                )
            )
        return found

    def texts(self, ids: Sequence[int]) -> list[Text]:
        """What the features of these items are built from, by id."""
        found: list[Text] = []
        for chunk in _chunks(sorted(set(ids))):
            marks = ", ".join("?" * len(chunk))
            sql = (
                "SELECT id, changed, coalesce(published, first_seen), kind, title, abstract, body,"
                f" authors, categories FROM items WHERE id IN ({marks}) ORDER BY id"
            )
            found += (_text(row) for row in self._plain(sql, chunk))
        return found

    def newest_day(self) -> str | None:
        """The date of the newest dated item (read off the date index)."""
        row = self.db.execute("SELECT max(published) FROM items").fetchone()
        return str(row[0])[:10] if row and row[0] else None

    def save_features(self, rows: Iterable[tuple[int, bytes, bytes, bytes, bytes, str | None, str]]) -> None:
        """(item id, terms, counts, authors, categories, its date, its `changed`); use inside a
        transaction."""
        self.db.executemany(
            "INSERT OR REPLACE INTO features (item_id, terms, counts, authors, categories, day, built)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def features(
        self, ids: Sequence[int] | None = None
    ) -> list[tuple[int, bytes, bytes, bytes, bytes, str | None]]:
        """(item id, terms, counts, authors, categories, date) of the given items (all when None),
        by item id."""
        sql = "SELECT item_id, terms, counts, authors, categories, day FROM features"
        if ids is None:
            return self._plain(sql + " ORDER BY item_id", ())
        if len(ids) > _CHUNK * 20:
            # Most of the library (a month of arXiv): one pass over it beats a thousand lookups.
            wanted = set(ids)
            return [row for row in self._plain(sql + " ORDER BY item_id", ()) if row[0] in wanted]
        found = []
        for chunk in _chunks(sorted(set(ids))):
            marks = ", ".join("?" * len(chunk))
            found += self._plain(sql + f" WHERE item_id IN ({marks}) ORDER BY item_id", chunk)
        return found

    # -- embeddings (the optional dense opinion) --------------------------------------------

    def stale_embeddings(self, model: str, limit: int, after: int = 0) -> list[tuple[int, str, str]]:
        """(item id, its `changed`, its title) of items with no vector from `model`, or one older
        than the item (ids above `after`)."""
        return self._plain(
            "SELECT i.id, i.changed, i.title FROM items i LEFT JOIN embeddings e ON e.item_id = i.id"
            " WHERE i.id > ? AND (e.item_id IS NULL OR e.model != ? OR e.built != i.changed)"
            " ORDER BY i.id LIMIT ?",
            (int(after), model, int(limit)),
        )

    def count_stale_embeddings(self, model: str) -> int:
        return int(
            self.db.execute(
                "SELECT count(*) FROM items i LEFT JOIN embeddings e ON e.item_id = i.id"
                " WHERE e.item_id IS NULL OR e.model != ? OR e.built != i.changed",
                (model,),
            ).fetchone()[0]
        )

    def save_embeddings(self, rows: Iterable[tuple[int, str, bytes, str]]) -> None:
        """(item id, model, float16 vector, its `changed`); use inside a transaction."""
        self.db.executemany(
            "INSERT OR REPLACE INTO embeddings (item_id, model, vector, built) VALUES (?, ?, ?, ?)", rows
        )

    def embeddings(self, model: str, ids: Sequence[int] | None = None) -> list[tuple[int, bytes]]:
        """(item id, vector) of the given items (all when None) that have one from `model`."""
        sql = "SELECT item_id, vector FROM embeddings WHERE model = ?"
        if ids is None or len(ids) > _CHUNK * 20:
            rows = self._plain(sql + " ORDER BY item_id", (model,))
            if ids is None:
                return rows
            wanted = set(ids)
            return [row for row in rows if row[0] in wanted]
        found = []
        for chunk in _chunks(sorted(set(ids))):
            marks = ", ".join("?" * len(chunk))
            found += self._plain(sql + f" AND item_id IN ({marks}) ORDER BY item_id", (model, *chunk))
        return found

    def embedding_model(self) -> str | None:
        """The model most of the stored vectors come from (None: no vectors)."""
        row = self.db.execute(
            "SELECT model FROM embeddings GROUP BY model ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        return str(row[0]) if row else None

    # -- decisions and candidates ----------------------------------------------------------

    def decisions(self) -> list[Decision]:
        """Every triage event, oldest first."""
        return [
            Decision(*row)
            for row in self._plain("SELECT item_id, at, state, week FROM history ORDER BY at, id", ())
        ]

    def published_weeks(self) -> set[str]:
        """Weeks whose issue has been composed (the curator saw that week's candidates)."""
        return {
            row[0] for row in self._plain("SELECT DISTINCT issue FROM issue_entries", ()) if "-W" in row[0]
        }

    def dated(self, start: str | None = None, end: str | None = None) -> list[Dated]:
        """Every item dated in [start, end) (ISO dates; open ends when None): its publication
        date, else the day it was first seen. A window is read through the date index, so that a
        week of a library of all arXiv costs that week."""
        if start is None and end is None:
            return self._dated("", ())
        bounds = [("published >= ?", start), ("published < ?", end)]
        published = " AND ".join(test for test, value in bounds if value is not None)
        first_seen = published.replace("published", "first_seen")
        values = [value for _, value in bounds if value is not None]
        return self._dated(
            f" WHERE ({published}) OR (published IS NULL AND {first_seen})", (*values, *values)
        )

    def of_week(self, week: str) -> list[Dated]:
        """The items triage has put in a week (a pick, a rejection), whatever their date."""
        return self._dated(" INDEXED BY items_triaged WHERE week = ? AND state != 'new'", (week,))

    def _dated(self, where: str, params: Sequence[Any]) -> list[Dated]:
        sql = f"SELECT id, coalesce(published, first_seen), state, week FROM items{where} ORDER BY id"
        return [Dated(*row) for row in self._plain(sql, params)]

    def ids_for_keys(self, keys: Iterable[str]) -> dict[str, int]:
        """Item ids by any identifier they are known by (unknown keys left out)."""
        keys = list(keys)
        found: dict[str, int] = {}
        for chunk in _chunks(keys):
            marks = ", ".join("?" * len(chunk))
            found.update(
                self._plain(f"SELECT ident, item_id FROM identifiers WHERE ident IN ({marks})", chunk)
            )
        return found

    def tagged(self, tag: str) -> list[int]:
        return [
            row[0]
            for row in self._plain(
                "SELECT id FROM items WHERE EXISTS (SELECT 1 FROM json_each(items.tags) WHERE value = ?)",
                (tag,),
            )
        ]

    def summaries(self, ids: Sequence[int]) -> dict[int, Item]:
        """Items (without `raw`) by id, for showing."""
        found: dict[int, Item] = {}
        for chunk in _chunks(ids):
            marks = ", ".join("?" * len(chunk))
            for row in self._plain(
                f"SELECT items.id, {SUMMARY_SELECT} FROM items WHERE id IN ({marks})", chunk
            ):
                found[row[0]] = from_summary(row[1:])
        return found

    # -- popularity and quality ----------------------------------------------------------

    def signals(self, ids: Sequence[int]) -> dict[int, list[Signal]]:
        found: dict[int, list[Signal]] = {}
        sql = "SELECT item_id, name, value, at, source FROM signals"
        if len(ids) > _CHUNK * 20:
            wanted = set(ids)
            rows = [row for row in self._plain(sql, ()) if row[0] in wanted]
        else:
            rows = []
            for chunk in _chunks(ids):
                rows += self._plain(sql + f" WHERE item_id IN ({', '.join('?' * len(chunk))})", chunk)
        for item_id, name, value, at, source in sorted(rows, key=lambda r: (r[0], r[1], r[4])):
            found.setdefault(item_id, []).append(Signal(name, value, at, source))
        return found

    # -- models and scores -----------------------------------------------------------------

    def save_model(self, name: str, trained: str, params: dict[str, Any], arrays: bytes) -> None:
        """Use inside a transaction."""
        self.db.execute(
            "INSERT OR REPLACE INTO models (name, trained, params, arrays) VALUES (?, ?, ?, ?)",
            (name, trained, json.dumps(params, sort_keys=True), arrays),
        )

    def model(self, name: str) -> tuple[str, dict[str, Any], bytes] | None:
        row = self.db.execute("SELECT trained, params, arrays FROM models WHERE name = ?", (name,)).fetchone()
        return (row[0], json.loads(row[1]), bytes(row[2])) if row else None

    def save_scores(self, scores: Iterable[tuple[int, float]]) -> None:
        """Use inside a transaction. Scores are not an edit: the item's `changed` stays."""
        self.db.executemany("UPDATE items SET score = ? WHERE id = ?", [(s, i) for i, s in scores])

    def _plain(self, sql: str, params: Sequence[Any]) -> list[Any]:
        cursor = self.db.cursor()
        cursor.row_factory = None
        return cursor.execute(sql, tuple(params)).fetchall()


def _text(row: Sequence[Any]) -> Text:
    return Text(
        row[0], row[1], row[2], row[3], row[4], row[5], row[6], json.loads(row[7]), json.loads(row[8])
    )


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]
