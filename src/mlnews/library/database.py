"""The library: every item ever seen, in one SQLite file. The only code that runs SQL.

Writes happen in `transaction()` blocks. Items added in a block are buffered and
written in batches (an import of 200,000 records is mostly new items), but every
lookup sees the buffered ones too, so the same paper twice in one file is still
one item.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from mlnews import identity
from mlnews.dates import now
from mlnews.errors import ItemNotFound
from mlnews.items import STATES, Event, Item, Text
from mlnews.library import migrations
from mlnews.library.merge import conflicts, first_compatible, merge
from mlnews.library.rows import (
    ABSTRACT,
    AUTHORS,
    BODY,
    COLUMNS,
    FIRST_SEEN,
    KIND,
    SUMMARY_SELECT,
    SUMMARY_WIDTH,
    TITLE,
    TITLE_NORM,
    LibraryError,
    Prepared,
    dump,
    from_mapping,
    from_summary,
    prepare,
    same,
)

Outcome = Literal["added", "merged", "unchanged"]

_BATCH = 500  # rows a flush writes: small batches keep the parsing workers busy
_DEFAULT_CACHE = -2000  # SQLite's own default: 2 MB
_BUSY_MS = 30_000  # how long to wait for another command's write to end
_INSERT = (
    f"INSERT INTO items (id, {', '.join(COLUMNS)}, changed) VALUES ({', '.join('?' * (len(COLUMNS) + 2))})"
)
_UPDATE = f"UPDATE items SET {', '.join(f'{c} = ?' for c in COLUMNS)}, changed = ? WHERE id = ?"
_FTS_INSERT = "INSERT INTO items_fts (rowid, title, authors, abstract, body) VALUES (?, ?, ?, ?, ?)"
_HISTORY_INSERT = "INSERT INTO history (item_id, at, state, section, week) VALUES (?, ?, ?, ?, ?)"
_TEXT_INSERT = "INSERT INTO texts (item_id, name, lang, text, edited, updated) VALUES (?, ?, ?, ?, ?, ?)"
# Everything but the raw source records, which listing and searching never need.
# How search snippets mark matched words (control characters never found in stored text).
HIGHLIGHT_START, HIGHLIGHT_END = "\x02", "\x03"


# Indexes that filling an empty library builds once, at the end, from sorted data,
# rather than entry by entry: a quarter of the cost of writing a big file's items.
# Nothing reads through them meanwhile (keys and titles are then looked up in memory).
_DEFERRED_INDEXES = ("items_title_norm",)


@dataclass
class _Written:
    """What this transaction wrote to an empty library: every key and paper title, to item ids.

    Ids of items merged away since stay listed: lookups check against the table."""

    by_ident: dict[str, int] = field(default_factory=dict)
    by_title: dict[str, list[int]] = field(default_factory=dict)
    deferred: list[str] = field(default_factory=list)  # the SQL that makes the dropped indexes

    def add_title(self, title_norm: str, item_id: int) -> None:
        self.by_title.setdefault(title_norm, []).append(item_id)


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
    def __init__(self, db: sqlite3.Connection, path: Path):
        self.db = db
        self.path = path
        # New items not yet written, and where to find them by key and by title.
        self._pending: list[Prepared] = []
        self._pending_by_ident: dict[str, int] = {}
        self._pending_by_title: dict[str, list[int]] = {}
        self._in_transaction = False
        self._written: _Written | None = None

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> Library:
        try:
            db = sqlite3.connect(path, isolation_level=None, timeout=_BUSY_MS / 1000)
            db.row_factory = sqlite3.Row
            # Takes effect only on a new file. 8 KB pages halve the system calls of a big
            # write: a 200,000-record import is 6% faster than with SQLite's 4 KB.
            db.execute("PRAGMA page_size = 8192")
            _set_journal(db, "wal")
            db.execute("PRAGMA foreign_keys = ON")
            migrations.apply(db)
        except sqlite3.DatabaseError as error:
            raise LibraryError(f"{path}: cannot open the library: {error}") from None
        return cls(db, path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self, *, bulk: bool = False) -> Iterator[None]:
        """All writes inside happen together or not at all.

        `bulk`: many writes are coming (an import). If the library is empty, they skip
        the WAL for the time, so that each page is written once, to the file, instead of
        to the WAL and then again to the file: writing a first big import takes a third
        less time.
        Another command can still open the library meanwhile, and finds it empty; once
        the import's pages outgrow its cache, it waits for the import instead.
        """
        if self._in_transaction:
            yield
            return
        direct = bulk and self._is_empty() and _set_journal(self.db, "delete")
        try:
            with self._transaction():
                yield
        finally:
            if direct:
                _set_journal(self.db, "wal")

    def _is_empty(self) -> bool:
        return bool(self.db.execute("SELECT NOT EXISTS (SELECT 1 FROM items)").fetchone()[0])

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise LibraryError(
                f"{self.path}: {error}: another mlnews command is writing to it; try again when it is done"
            ) from None
        self._in_transaction = True
        # A big write touches several indexes at once and wants a big page cache; reading
        # (a search scanning 200,000 matches) is faster with the default one.
        self.db.execute("PRAGMA cache_size = -65536")
        if self._is_empty():
            # Filling an empty library: everything stored was written in this transaction,
            # so lookups can use memory instead of a query per record.
            self._written = _Written(deferred=self._drop_deferred_indexes())
        try:
            yield
            self._flush()
            for sql in self._written.deferred if self._written else ():
                self.db.execute(sql)
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:  # an interrupt may land just after COMMIT
                self.db.execute("ROLLBACK")
            self._forget_pending()
            raise
        finally:
            self._in_transaction = False
            self._written = None
            self.db.execute(f"PRAGMA cache_size = {_DEFAULT_CACHE}")

    def _drop_deferred_indexes(self) -> list[str]:
        marks = ", ".join("?" * len(_DEFERRED_INDEXES))
        found = self.db.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ({marks})",
            _DEFERRED_INDEXES,
        ).fetchall()
        for name, _ in found:
            self.db.execute(f"DROP INDEX {name}")
        return [sql for _, sql in found]

    # -- adding ----------------------------------------------------------------------------

    def add(self, item: Item | Prepared) -> Outcome:
        """Add a record, merging it into the item it is the same as. Use inside `transaction()`.

        Takes an Item, or what `rows.prepare` made of one (in another process, say).
        """
        if not self._in_transaction:
            with self.transaction():
                return self.add(item)
        # This runs once a record on a big import, in the process that writes: it keeps to
        # plain lookups, and the title checks only run for papers.
        new = item if isinstance(item, Prepared) else prepare(item)
        idents = new.idents
        found = self._find_ids(idents)
        if found:
            return self._merge_into_stored(found, new)
        index = self._pending_match(idents)
        title_norm = new.values[TITLE_NORM]
        if index is None and new.values[KIND] == "paper" and identity.title_is_distinctive(title_norm):
            same_title = self._pending_by_title.get(title_norm, ())
            index = first_compatible(((i, self._pending[i].idents) for i in same_title), idents)
            if index is None:
                by_title = self._find_by_title(new)
                if by_title is not None:
                    return self._merge_into_stored([by_title], new)
        if index is not None:
            return self._merge_into_pending(index, new)
        self._queue(new)
        return "added"

    def _find_ids(self, idents: tuple[str, ...]) -> list[int]:
        if self._written is not None:
            known = self._written.by_ident
            found = [known[ident] for ident in idents if ident in known]
            return sorted(set(found)) if len(found) > 1 else found
        marks = ", ".join("?" * len(idents))
        rows = self.db.execute(
            f"SELECT DISTINCT item_id FROM identifiers WHERE ident IN ({marks}) ORDER BY item_id", idents
        ).fetchall()
        return [row[0] for row in rows]

    def _find_by_title(self, new: Prepared) -> int | None:
        if self._written is not None and new.title_norm not in self._written.by_title:
            return None
        for item_id, identifiers in self._same_title(new.title_norm):
            if not conflicts(json.loads(identifiers), new.idents):
                return int(item_id)
        return None

    def _same_title(self, title_norm: str) -> Iterator[tuple[int, str]]:
        """Stored papers with this normalised title, oldest first."""
        sql = "SELECT id, identifiers FROM items WHERE kind = 'paper' AND title_norm = ?"
        if self._written is None:
            yield from self.db.execute(sql + " ORDER BY id", (title_norm,)).fetchall()
            return
        # The title index is deferred: the candidates' ids come from memory, a page at a time.
        ids = sorted(set(self._written.by_title.get(title_norm, ())))
        for start in range(0, len(ids), 500):
            page = ids[start : start + 500]
            marks = ", ".join("?" * len(page))
            rows = self.db.execute(sql + f" AND id IN ({marks}) ORDER BY id", (title_norm, *page))
            yield from rows.fetchall()

    def _pending_match(self, idents: tuple[str, ...]) -> int | None:
        for ident in idents:
            if ident in self._pending_by_ident:
                return self._pending_by_ident[ident]
        return None

    def _queue(self, new: Prepared, index: int | None = None) -> None:
        if index is None:
            index = len(self._pending)
            self._pending.append(new)
        else:
            self._pending[index] = new
        for ident in new.idents:
            self._pending_by_ident[ident] = index
        if new.values[KIND] == "paper":
            same_title = self._pending_by_title.setdefault(new.values[TITLE_NORM], [])
            if index not in same_title:
                same_title.append(index)
        if len(self._pending) >= _BATCH:
            self._flush()

    def _merge_into_pending(self, index: int, new: Prepared) -> Outcome:
        before = self._pending[index]
        merged = prepare(merge(before.item(), new.item()))
        linked = {self._pending_by_ident.get(ident, index) for ident in merged.idents}
        if linked != {index} or self._find_ids(merged.idents):
            # The merged record also names another item, waiting or stored: join them in the database.
            return self._merge_into_stored([], merged)
        self._queue(merged, index)
        return "unchanged" if same(merged, before) else "merged"

    def _merge_into_stored(self, ids: list[int], new: Prepared) -> Outcome:
        self._flush()
        # After the flush, items that were waiting are stored too: the record may name them.
        target, *others = sorted(set(ids) | set(self._find_ids(new.idents)))
        existing = self._load(target)
        merged_item = merge(existing, new.item())
        for other in others:
            merged_item = merge(merged_item, self._load(other))
        merged = prepare(merged_item)
        if not others and same(prepare(existing), merged):
            return "unchanged"
        for other in others:
            self.db.execute("UPDATE identifiers SET item_id = ? WHERE item_id = ?", (target, other))
            self.db.execute("DELETE FROM items WHERE id = ?", (other,))
        self._write(target, merged)
        return "merged"

    def _flush(self) -> None:
        if not self._pending:
            return
        next_id = self.db.execute("SELECT coalesce(max(id), 0) + 1 FROM items").fetchone()[0]
        stamp = now()
        rows: list[tuple[Any, ...]] = []
        ident_rows: list[tuple[str, int]] = []
        history_rows: list[tuple[Any, ...]] = []
        text_rows: list[tuple[Any, ...]] = []
        for item_id, new in enumerate(self._pending, start=next_id):
            values = new.values
            rows.append((item_id, *values[:FIRST_SEEN], values[FIRST_SEEN] or stamp, stamp))
            ident_rows += [(ident, item_id) for ident in new.idents]
            if new.history:  # a new record seldom has history or texts: an export's do
                history_rows += [(item_id, *event) for event in new.history]
            if new.texts:
                text_rows += [(item_id, *text) for text in new.texts]
        self.db.executemany(_INSERT, rows)
        # Indexed here rather than by a trigger: an AFTER INSERT trigger doubles the cost.
        self.db.executemany(
            _FTS_INSERT,
            [(r[0], r[1 + TITLE], r[1 + AUTHORS], r[1 + ABSTRACT], r[1 + BODY]) for r in rows],
        )
        self.db.executemany("INSERT INTO identifiers (ident, item_id) VALUES (?, ?)", ident_rows)
        if self._written is not None:
            self._written.by_ident.update(ident_rows)
            for row in rows:
                if row[1 + KIND] == "paper":
                    self._written.add_title(row[1 + TITLE_NORM], row[0])
        self.db.executemany(_HISTORY_INSERT, history_rows)
        self.db.executemany(_TEXT_INSERT, text_rows)
        self._forget_pending()

    def _forget_pending(self) -> None:
        self._pending.clear()
        self._pending_by_ident.clear()
        self._pending_by_title.clear()

    def _write(self, item_id: int, new: Prepared) -> None:
        if self._written is not None:
            self._written.by_ident.update((ident, item_id) for ident in new.idents)
            if new.kind == "paper":
                self._written.add_title(new.title_norm, item_id)
        self.db.execute(_UPDATE, (*new.values, now(), item_id))
        self.db.executemany(
            "INSERT OR REPLACE INTO identifiers (ident, item_id) VALUES (?, ?)",
            [(ident, item_id) for ident in new.idents],
        )
        self.db.execute("DELETE FROM history WHERE item_id = ?", (item_id,))
        self.db.executemany(_HISTORY_INSERT, [(item_id, *event) for event in new.history])
        self.db.execute("DELETE FROM texts WHERE item_id = ?", (item_id,))
        self.db.executemany(_TEXT_INSERT, [(item_id, *text) for text in new.texts])

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
    ) -> list[Item]:
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
        sql += " ORDER BY published DESC, id DESC"  # NULLs last; walks the published index
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [from_summary(row) for row in self._tuples(sql, params)]

    def shortlisted(self, week: str) -> list[Item]:
        """Items shortlisted or featured for a week: highest score first, then in shortlist order."""
        rows = self.db.execute(
            "SELECT items.*, (SELECT min(history.id) FROM history WHERE history.item_id = items.id"
            " AND history.week = items.week AND history.state IN ('shortlisted', 'featured')) AS turn"
            " FROM items WHERE week = ? AND state IN ('shortlisted', 'featured')"
            " ORDER BY score IS NULL, score DESC, turn, items.id",
            (week,),
        ).fetchall()
        return [self._full(row) for row in rows]

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
        """Items matching a full-text query, best first (bm25; title and authors weigh most)."""
        sql = (
            f"SELECT {SUMMARY_SELECT}, snippet(items_fts, 2, ?1, ?2, '…', 24), "
            "bm25(items_fts, 10.0, 5.0, 1.0, 0.5) AS score_rank "
            "FROM items_fts JOIN items ON items.id = items_fts.rowid "
            "WHERE items_fts MATCH ?3 ORDER BY score_rank LIMIT ?4"
        )
        for attempt in _fts_queries(query):
            try:
                rows = self._tuples(sql, (HIGHLIGHT_START, HIGHLIGHT_END, attempt, limit))
            except sqlite3.OperationalError:
                continue
            return [Hit(row) for row in rows]
        return []

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
            ids = [self._id_for(r) for r in references]
            stamp = now()
            for item_id in ids:
                self.db.execute(
                    "UPDATE items SET state = ?, section = ?, week = ?, changed = ? WHERE id = ?",
                    (state, section, week, stamp, item_id),
                )
                self.db.execute(_HISTORY_INSERT, (item_id, stamp, state, section, week))
            return [self._load(i) for i in ids]

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


def _set_journal(db: sqlite3.Connection, mode: Literal["wal", "delete"]) -> bool:
    """Switch the journal mode unless another connection is in the way; never wait for it.

    When opening, that is a first import filling the library without the WAL (see
    `Library.transaction`): it puts the WAL back when it is done."""
    db.execute("PRAGMA busy_timeout = 0")
    try:
        db.execute(f"PRAGMA journal_mode = {mode}")
    except sqlite3.OperationalError:
        pass
    finally:
        db.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
    current = db.execute("PRAGMA journal_mode").fetchone()[0]
    # Without the WAL, FULL is what keeps a power cut from damaging the file.
    db.execute(f"PRAGMA synchronous = {'NORMAL' if current == 'wal' else 'FULL'}")
    return bool(current == mode)


_TOKEN = re.compile(r'"[^"]*"|\S+')


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
