"""FTS5's own answer for a few items: a query matched, ranked and snippeted over a TEMP table of them.

The library keeps no FTS5 index of its items (m017): the search index (`textindex`) answers nearly
every query. What it cannot answer (NEAR, `^`, or while it is behind in a read-only library) FTS5
answers here, over candidates the caller names: their words are indexed in memory, in the
connection's own TEMP table, and the table is dropped once asked.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from mlnews.library.rows import SUMMARY_SELECT

# The columns and the tokenizer the library's FTS5 index had: a query means what it meant.
_MAKE = (
    "CREATE VIRTUAL TABLE temp.search_exact USING fts5"
    " (title, authors, abstract, body, tokenize = 'unicode61 remove_diacritics 2')"
)
_FILL = (
    "INSERT INTO temp.search_exact (rowid, title, authors, abstract, body)"
    " SELECT id, title, authors, abstract, body FROM items WHERE id IN (SELECT value FROM json_each(?))"
)
_RANKED = (
    f"SELECT {SUMMARY_SELECT}, snippet(search_exact, 2, ?1, ?2, '…', 24),"
    " bm25(search_exact, 10.0, 5.0, 1.0, 0.5) AS score_rank"
    " FROM temp.search_exact JOIN items ON items.id = search_exact.rowid"
    " WHERE search_exact MATCH ?3 ORDER BY score_rank LIMIT ?4"
)


def matching(db: sqlite3.Connection, query: str, ids: Sequence[int]) -> list[int]:
    """Which of the items `ids` an FTS5 query matches."""
    with _indexed(db, ids) as cursor:
        sql = "SELECT rowid FROM temp.search_exact WHERE search_exact MATCH ?"
        return [row[0] for row in cursor.execute(sql, (query,))]


def ranked(
    db: sqlite3.Connection, query: str, ids: Sequence[int], limit: int, start: str, end: str
) -> list[tuple[Any, ...]]:
    """The best `limit` of the items `ids` an FTS5 query matches, best first: SUMMARY_SELECT's
    columns, a snippet of the abstract (matches between `start` and `end`) and the bm25 rank.
    bm25 weighs words by how rare they are among `ids`, not in the whole library."""
    with _indexed(db, ids) as cursor:
        return cursor.execute(_RANKED, (start, end, query, limit)).fetchall()


@contextmanager
def _indexed(db: sqlite3.Connection, ids: Sequence[int]) -> Iterator[sqlite3.Cursor]:
    cursor = db.cursor()
    cursor.row_factory = None  # plain tuples, read by position
    cursor.execute("DROP TABLE IF EXISTS temp.search_exact")  # left by an interrupted question
    cursor.execute(_MAKE)
    try:
        cursor.execute(_FILL, (json.dumps([int(i) for i in ids]),))
        yield cursor
    finally:
        cursor.execute("DROP TABLE IF EXISTS temp.search_exact")
