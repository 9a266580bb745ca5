"""The library: every item ever seen, in one SQLite file, and the questions asked of it.

Writes happen in `transaction()` blocks; `writer` does them (items in batches),
`connection` opens the file. Nothing outside this package runs SQL.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mlnews import identity, limits
from mlnews.dates import now
from mlnews.errors import ItemNotFound
from mlnews.items import STATES, Event, Item, Signal, Text
from mlnews.library import connection, exact
from mlnews.library.imports import Imports
from mlnews.library.ranking import Ranking
from mlnews.library.rows import (
    SUMMARY_SELECT,
    SUMMARY_WIDTH,
    LibraryError,
    Prepared,
    dump,
    from_mapping,
    from_summary,
)
from mlnews.library.snippets import Marks, snippet
from mlnews.library.textindex import TextIndex
from mlnews.library.writer import HISTORY_INSERT, Outcome, Writer

_log = logging.getLogger(__name__)

__all__ = ["HIGHLIGHT_END", "HIGHLIGHT_START", "Hit", "Library", "Outcome"]

# How search snippets mark matched words (control characters never found in stored text).
HIGHLIGHT_START, HIGHLIGHT_END = "\x02", "\x03"


class Hit:
    """One search result. The item is decoded when first asked for: a caller that shows
    ten titles out of a page of hits pays for ten."""

    __slots__ = ("_row", "item")

    def __init__(self, row: tuple[Any, ...]):
        self._row = row

    def __getattr__(self, name: str) -> Item:
        if name != "item":
            raise AttributeError(name)
        item = from_summary(self._row)
        self.item = item
        return item

    @property
    def snippet(self) -> str:
        """From the abstract; matched terms are wrapped in \x02 ... \x03."""
        return str(self._row[SUMMARY_WIDTH])

    @property
    def rank(self) -> float:
        return float(self._row[SUMMARY_WIDTH + 1])


class Library:
    def __init__(self, db: sqlite3.Connection, path: Path, *, read_only: bool = False):
        self.db = db
        self.path = path
        self.read_only = read_only
        self._writer = Writer(db, path, self._load, read_only=read_only)
        self.ranking = Ranking(db)  # what the rankers read and write
        self.imports = Imports(db)  # where big imports stand
        self.text_index = TextIndex(db, path, read_only=read_only)  # what `search` ranks with

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, writing: bool = True) -> Library:
        """`writing=False`: the command only reads, so a library that cannot be written
        is opened read-only instead of refused (and refuses every write)."""
        db, read_only = connection.connect(path, writing=writing)
        return cls(db, path, read_only=read_only)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------

    @contextmanager
    def transaction(self, *, bulk: bool = False) -> Iterator[None]:
        """All writes inside happen together or not at all (`bulk`: see `Writer.transaction`).

        Once the outermost one is committed, the search index takes what it changed: an import
        pays for indexing its items, not the first search after it."""
        outermost = not self.db.in_transaction
        with self._writer.transaction(bulk=bulk):
            yield
        if outermost:
            self._index_changes()

    def _index_changes(self) -> None:
        try:
            self.text_index.catch_up()
        except Exception as error:  # the items are stored; searching falls back to a slower way meanwhile
            _log.warning(
                "the search index did not take the changes (%s): `mlnews reindex` rebuilds it", error
            )

    def checkpoint(self) -> None:
        """Commit what the transaction wrote so far and go on in a new one (`Writer.checkpoint`)."""
        self._writer.checkpoint()

    def add(self, item: Item | Prepared) -> Outcome:
        """Add a record, merging it into the item it is the same as. Use inside `transaction()`.

        Takes an Item, or what `rows.prepare` made of one (in another process, say).
        """
        return self._writer.add(item)

    # -- reading ---------------------------------------------------------------------------

    def _load(self, item_id: int) -> Item:
        row = self.db.execute("SELECT * FROM items WHERE id = ?", (item_id,)).fetchone()
        return self._full(row)

    def _full(self, row: sqlite3.Row) -> Item:
        item = from_mapping(row)
        item.history = [
            Event(at=r["at"], state=r["state"], section=r["section"], week=r["week"])
            for r in self.db.execute("SELECT * FROM history WHERE item_id = ? ORDER BY id", (row["id"],))
        ]
        item.texts = [
            Text(
                name=r["name"], lang=r["lang"], text=r["text"], edited=bool(r["edited"]), updated=r["updated"]
            )
            for r in self.db.execute(
                "SELECT * FROM texts WHERE item_id = ? ORDER BY name, lang", (row["id"],)
            )
        ]
        item.signals = self.ranking.signals([row["id"]]).get(row["id"], [])
        return item

    def _id_for(self, reference: str) -> int:
        key = identity.identify(reference)
        row = None
        if key:
            row = self.db.execute("SELECT item_id FROM identifiers WHERE ident = ?", (key,)).fetchone()
        if row is None:
            row = self.db.execute("SELECT id FROM items WHERE key = ?", (reference.strip(),)).fetchone()
        if row is None:
            raise ItemNotFound(f"{reference}: no such item in the library (try `mlnews search`)")
        return int(row[0])

    def get(self, reference: str) -> Item:
        """The item a key, id or URL refers to, in any of their forms."""
        return self._load(self._id_for(reference))

    def signals(self, ids: Sequence[int]) -> dict[int, list[Signal]]:
        """The popularity and quality numbers of items, by item id (none for most)."""
        return self.ranking.signals(ids)

    def add_signals(self, reference: str, signals: list[Signal]) -> Outcome:
        """Give a stored item numbers read about it; use inside `transaction()`."""
        item = self.get(reference)
        return self.add(Item(title=item.title, kind=item.kind, key=item.key, signals=signals))

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM items").fetchone()[0])

    def items(
        self,
        *,
        state: str | None = None,
        kind: str | None = None,
        week: str | None = None,
        since: str | None = None,
        limit: int | None = None,
        by_score: bool = False,
    ) -> list[Item]:
        """Newest first, or with `by_score` best-scored first (unscored last)."""
        where: list[str] = []
        params: list[str | int] = []
        for column, value in (("state", state), ("kind", kind), ("week", week)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if since is not None:
            where.append("published >= ?")
            params.append(since)
        sql = f"SELECT {SUMMARY_SELECT} FROM items"
        if where:
            sql += " WHERE " + " AND ".join(where)
        if by_score:
            sql += " ORDER BY score IS NULL, score DESC, published DESC, id DESC"
        else:
            sql += " ORDER BY published DESC, id DESC"  # NULLs last; walks the published index
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [from_summary(row) for row in self._tuples(sql, params)]

    def shortlisted(self, week: str) -> list[Item]:
        """Items shortlisted or featured for a week, in the order they were shortlisted
        (the curator's order: compose keeps it; scores only choose the picks)."""
        rows = self.db.execute(
            "SELECT items.*, (SELECT min(history.id) FROM history WHERE history.item_id = items.id"
            " AND history.week = items.week AND history.state IN ('shortlisted', 'featured')) AS turn"
            " FROM items WHERE week = ? AND state IN ('shortlisted', 'featured')"
            " ORDER BY turn, items.id",
            (week,),
        ).fetchall()
        return [self._full(row) for row in rows]

    def curator_texts(self, lang: str) -> list[tuple[str, str, str, str, str]]:
        """Texts the curator wrote or edited (imported past issues): (key, title, abstract, name, text)."""
        rows = self.db.execute(
            "SELECT items.key, items.title, items.abstract, texts.name, texts.text FROM texts"
            " JOIN items ON items.id = texts.item_id WHERE texts.edited AND texts.lang = ?"
            " ORDER BY items.id, texts.name",
            (lang,),
        ).fetchall()
        return [(r[0] or "", r[1], r[2], r[3], r[4]) for r in rows]

    def shortlisted_without_figure(self) -> list[Item]:
        rows = self.db.execute(
            "SELECT * FROM items WHERE state IN ('shortlisted', 'featured') AND figure IS NULL ORDER BY id"
        ).fetchall()
        return [self._full(row) for row in rows]

    def set_figure(self, reference: str, path: str) -> None:
        with self.transaction():
            self.db.execute(
                "UPDATE items SET figure = ?, changed = ? WHERE id = ?",
                (path, now(), self._id_for(reference)),
            )

    def set_body(self, reference: str, body: str) -> None:
        """Give an item body text (a paper's first PDF pages) where it has none."""
        with self.transaction():
            self.db.execute(
                "UPDATE items SET body = ?, changed = ? WHERE id = ? AND body = ''",
                (limits.cut(body, limits.BODY), now(), self._id_for(reference)),
            )

    def composed(self, issue: str) -> set[str]:
        """Every key and identifier of the items an issue source has been given so far."""
        return {
            row[0]
            for row in self.db.execute(
                "SELECT i.ident FROM issue_entries e JOIN identifiers k ON k.ident = e.ident"
                " JOIN identifiers i ON i.item_id = k.item_id WHERE e.issue = ?"
                " UNION SELECT ident FROM issue_entries WHERE issue = ?",
                (issue, issue),
            )
        }

    def record_composed(self, issue: str, keys: Iterable[str]) -> None:
        with self.transaction():
            self.db.executemany(
                "INSERT OR IGNORE INTO issue_entries (issue, ident) VALUES (?, ?)", [(issue, k) for k in keys]
            )

    # -- collecting ------------------------------------------------------------------------

    def source_cursor(self, name: str) -> dict[str, Any]:
        row = self.db.execute("SELECT cursor FROM source_state WHERE name = ?", (name,)).fetchone()
        return dict(json.loads(row[0])) if row else {}

    def save_source_cursor(self, name: str, cursor: dict[str, Any]) -> None:
        """Use inside the transaction that stores the items the cursor covers."""
        self.db.execute(
            "INSERT INTO source_state (name, cursor) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET cursor = excluded.cursor",
            (name, dump(cursor)),
        )

    def note_source_records(self, name: str, records: Iterable[tuple[str, str]]) -> None:
        """Remember papers a source brought, as (id, submitted); use inside the page's transaction."""
        self.db.executemany(
            "INSERT INTO source_records (source, ident, submitted) VALUES (?1, ?2, ?3)"
            " ON CONFLICT (source, ident) DO UPDATE SET submitted = ?3",
            [(name, ident, submitted) for ident, submitted in records],
        )

    def source_records_between(self, name: str, start: str, end: str) -> int:
        """How many papers a source has brought submitted in [start, end) (ISO 8601, UTC)."""
        row = self.db.execute(
            "SELECT count(*) FROM source_records WHERE source = ? AND submitted >= ? AND submitted < ?",
            (name, start, end),
        ).fetchone()
        return int(row[0])

    def newest_arxiv_day(self) -> str | None:
        """The day the newest arXiv paper in the library was submitted (a snapshot's date, after
        importing one): read down the date index, so a library of millions answers at once."""
        row = self.db.execute(
            "SELECT substr(published, 1, 10) FROM items INDEXED BY items_published"
            " WHERE published IS NOT NULL AND key LIKE 'arxiv:%' ORDER BY published DESC LIMIT 1"
        ).fetchone()
        return str(row[0]) if row else None

    def record_source_run(self, name: str, error: str | None) -> None:
        stamp = now()
        with self.transaction():
            self.db.execute(
                "INSERT INTO source_state (name, last_run, last_success, last_error) VALUES (?1, ?2, ?3, ?4)"
                " ON CONFLICT (name) DO UPDATE SET last_run = ?2,"
                " last_success = coalesce(?3, last_success), last_error = ?4",
                (name, stamp, None if error else stamp, error),
            )

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """Items matching a full-text query (FTS5 syntax), best first (bm25; title and authors
        weigh most). The search index ranks them; FTS5 checks the query's syntax, and answers
        what the index cannot (NEAR, `^`) over candidates (`_checked_search`)."""
        for attempt in _fts_queries(query):
            if not self._parses(attempt):
                continue  # not FTS5 syntax: its words, then
            found = self.text_index.top(attempt, limit)
            if found is None:
                return self._checked_search(attempt, limit)
            return self._hits(*found)
        return []

    def _parses(self, query: str) -> bool:
        """Whether FTS5 takes the query: asked of an empty table with the same columns, where
        no query reads anything."""
        try:
            self._tuples(_FTS_CHECK, (query,))
        except sqlite3.OperationalError as error:
            if "no such table" not in str(error):
                return False
            self.db.execute(_FTS_SYNTAX)
            return self._parses(query)
        return True

    def _checked_search(self, query: str, limit: int) -> list[Hit]:
        """FTS5 over candidates, as the library keeps no FTS5 index: the CANDIDATES best matches of
        the query loosened (`textquery`: NEAR's words anywhere, `^word` anywhere), from the index
        even if it is behind, with the newest SCANNED items it has not taken yet; with no index to
        read (a read-only library whose index is missing), the newest SCANNED items. Approximate
        only where the loosened query matches more than CANDIDATES items (NEAR over two common
        words sees only the best CANDIDATES matches of both), where more than SCANNED items wait
        for the index, or with no index at all (older items are not searched); and bm25 weighs
        words by how rare they are among the candidates, not in the whole library."""
        found = self.text_index.top(query, CANDIDATES, relaxed=True, stale=True)
        if found is None:
            sql = "SELECT id FROM items ORDER BY id DESC LIMIT ?"
            ids = [row[0] for row in self._tuples(sql, (SCANNED,))]
        else:
            ids = [item_id for item_id, _ in found[0]] + self.text_index.changed(SCANNED)
        rows = exact.ranked(self.db, query, ids, limit, HIGHLIGHT_START, HIGHLIGHT_END)
        return [Hit(row) for row in rows]

    def _hits(self, ranked: list[tuple[int, float]], marks: Marks) -> list[Hit]:
        """The ranked items' rows, each with a snippet of its abstract; the rank is negated, as
        bm25's is (lower is better)."""
        rows: dict[int, tuple[Any, ...]] = {}
        for start in range(0, len(ranked), 900):
            chunk = [item_id for item_id, _ in ranked[start : start + 900]]
            sql = f"SELECT items.id, {SUMMARY_SELECT} FROM items WHERE id IN ({', '.join('?' * len(chunk))})"
            rows.update((row[0], row[1:]) for row in self._tuples(sql, chunk))
        hits = []
        for item_id, score in ranked:
            row = rows.get(item_id)
            if row is not None:  # gone since the index was read
                abstract = row[_ABSTRACT]
                marked = snippet(abstract, marks, self.text_index.tokens, HIGHLIGHT_START, HIGHLIGHT_END)
                hits.append(Hit((*row, marked, -score)))
        return hits

    # -- what the curator's rules ask (`mlnews.rank.rules`) ----------------------------------

    def matching(self, query: str, ids: Sequence[int]) -> list[int]:
        """Which of the items `ids` a full-text query matches (FTS5 syntax: `{title abstract} :
        "a phrase"`): asked of the search index, or, when it cannot answer, of FTS5 over them."""
        if not len(ids):
            return []
        found = self.text_index.among(query, ids)
        return exact.matching(self.db, query, ids) if found is None else found

    def in_category(self, name: str) -> list[int]:
        """Ids of the items filed under a category (arXiv's cs.CV), in any case."""
        sql = (
            "SELECT id FROM items WHERE categories LIKE ?1 ESCAPE '\\' AND EXISTS"
            " (SELECT 1 FROM json_each(items.categories) WHERE lower(value) = lower(?2))"
        )
        pattern = "%" + re.sub(r"([%_\\])", r"\\\1", name) + "%"
        return [row[0] for row in self._tuples(sql, (pattern, name))]

    def authors_of(self, ids: Sequence[int]) -> dict[int, list[str]]:
        """The authors of items, by id."""
        found: dict[int, list[str]] = {}
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            marks = ", ".join("?" * len(chunk))
            sql = f"SELECT id, authors FROM items WHERE id IN ({marks})"
            found.update((item_id, json.loads(authors)) for item_id, authors in self._tuples(sql, chunk))
        return found

    def _tuples(self, sql: str, params: Iterable[Any]) -> list[tuple[Any, ...]]:
        cursor = self.db.cursor()
        cursor.row_factory = None  # plain tuples: many rows, decoded by position
        return cursor.execute(sql, tuple(params)).fetchall()

    def export(self) -> Iterator[Item]:
        for row in self.db.execute("SELECT * FROM items ORDER BY id").fetchall():
            yield self._full(row)

    # -- curating --------------------------------------------------------------------------

    def triage(
        self, references: Iterable[str], state: str, section: str | None = None, week: str | None = None
    ) -> list[Item]:
        """Set the triage state of items (all or none: an unknown key changes nothing)."""
        if state not in STATES:
            raise LibraryError(f"unknown state {state!r}; states are: {', '.join(STATES)}")
        with self.transaction():
            ids = list(dict.fromkeys(self._id_for(r) for r in references))  # one change per item
            stamp = now()
            batch = self.db.execute("SELECT coalesce(max(batch), 0) + 1 FROM undo").fetchone()[0]
            for item_id in ids:
                before = self.db.execute(
                    "SELECT state, section, week FROM items WHERE id = ?", (item_id,)
                ).fetchone()
                self.db.execute(
                    "UPDATE items SET state = ?, section = ?, week = ?, changed = ? WHERE id = ?",
                    (state, section, week, stamp, item_id),
                )
                self.db.execute(HISTORY_INSERT, (item_id, stamp, state, section, week))
                self.db.execute(
                    "INSERT INTO undo (batch, item_id, at, state, section, week) VALUES (?, ?, ?, ?, ?, ?)",
                    (batch, item_id, stamp, *before),
                )
            return [self._load(i) for i in ids]

    def undo(self) -> list[Item]:
        """Undo the last triage decision not yet undone: its items back to their state before it,
        as if it had never been made (its history rows go too, so rankers do not learn from it).
        An empty list when there is none."""
        with self.transaction():
            batch = self.db.execute("SELECT max(batch) FROM undo").fetchone()[0]
            if batch is None:
                return []
            rows = self.db.execute(
                "SELECT item_id, at, state, section, week FROM undo WHERE batch = ? ORDER BY rowid DESC",
                (batch,),
            ).fetchall()
            for item_id, at, state, section, week in rows:
                self.db.execute(
                    "UPDATE items SET state = ?, section = ?, week = ?, changed = ? WHERE id = ?",
                    (state, section, week, now(), item_id),
                )
                self.db.execute(
                    "DELETE FROM history"
                    " WHERE id = (SELECT max(id) FROM history WHERE item_id = ? AND at = ?)",
                    (item_id, at),
                )
            self.db.execute("DELETE FROM undo WHERE batch = ?", (batch,))
            return [self._load(row[0]) for row in reversed(rows)]

    def tag(self, references: Iterable[str], tag: str) -> list[Item]:
        tag = tag.strip()
        if not tag:
            raise LibraryError("a tag cannot be empty")
        with self.transaction():
            ids = [self._id_for(r) for r in references]
            for item_id in ids:
                item = self._load(item_id)
                if tag not in item.tags:
                    self.db.execute(
                        "UPDATE items SET tags = ?, changed = ? WHERE id = ?",
                        (dump([*item.tags, tag]), now(), item_id),
                    )
            return [self._load(i) for i in ids]


_TOKEN = re.compile(r'"[^"]*"|\S+')
# Parses a query (FTS5 refuses bad syntax when the statement runs) against an empty table with
# the library's columns: a connection's own, in memory (TEMP), made when first asked.
_FTS_CHECK = "SELECT 1 FROM temp.search_syntax WHERE search_syntax MATCH ?"
_FTS_SYNTAX = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_syntax USING fts5 (title, authors, abstract, body)"
)
_ABSTRACT = 6  # in a SUMMARY_SELECT row
# A query the index cannot answer is checked by FTS5 over at most this many of its best matches
# (loosened), and of the items the index has not taken yet, or the newest items when there is none.
CANDIDATES = 10_000
SCANNED = 20_000


def _fts_queries(query: str) -> Iterator[str]:
    """The query as FTS5 syntax first; if that fails to parse, its words as plain terms."""
    yield query
    terms = []
    for token in _TOKEN.findall(query):
        prefix = token.endswith("*") and not token.startswith('"')
        word = token.strip('"').rstrip("*").replace('"', '""')
        if word:
            terms.append(f'"{word}"' + ("*" if prefix else ""))
    if terms:
        yield " ".join(terms)
