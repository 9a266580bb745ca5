"""Writing to the library: transactions, and the items added in them, written in batches.

Items added in a transaction are buffered and written in batches (an import of
200,000 records is mostly new items), but every lookup sees the buffered ones too,
so the same paper twice in one file is still one item.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from mlnews import identity, limits
from mlnews.dates import now
from mlnews.items import Item
from mlnews.library.connection import read_only_error, set_journal
from mlnews.library.merge import conflicts, first_compatible, merge
from mlnews.library.rows import (
    COLUMNS,
    FIRST_SEEN,
    KEY,
    KIND,
    PUBLISHED,
    TITLE_NORM,
    LibraryError,
    Prepared,
    prepare,
    same,
)

Outcome = Literal["added", "merged", "unchanged"]

_log = logging.getLogger(__name__)

_BATCH = 500  # rows a flush writes: small batches keep the parsing workers busy
# More papers than this with one normalised title: the title names no one paper, and a record
# is not matched by it (nor checked against each of them, which would make merging quadratic).
TITLE_PEERS = 20
_DEFAULT_CACHE = -2000  # SQLite's own default: 2 MB
_INSERT = (
    f"INSERT INTO items (id, {', '.join(COLUMNS)}, changed) VALUES ({', '.join('?' * (len(COLUMNS) + 2))})"
)
_UPDATE = f"UPDATE items SET {', '.join(f'{c} = ?' for c in COLUMNS)}, changed = ? WHERE id = ?"
HISTORY_INSERT = "INSERT INTO history (item_id, at, state, section, week) VALUES (?, ?, ?, ?, ?)"
SIGNAL_INSERT = "INSERT OR REPLACE INTO signals (item_id, name, source, value, at) VALUES (?, ?, ?, ?, ?)"
_FEATURES_INSERT = (
    "INSERT OR REPLACE INTO features (item_id, terms, counts, authors, categories, day, built)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
# Queued by the writer, not by a trigger: a trigger made inserting an item twice as slow.
_SEARCH_QUEUE = "INSERT INTO search_pending (item_id) VALUES (?)"
_TEXT_INSERT = "INSERT INTO texts (item_id, name, lang, text, edited, updated) VALUES (?, ?, ?, ?, ?, ?)"


# Indexes that filling an empty library builds once, at the end, from sorted data,
# rather than entry by entry: a quarter of the cost of writing a big file's items.
# Nothing reads through them meanwhile (keys and titles are then looked up in memory; nothing
# asks for dates during an import).
# An import interrupted after a checkpoint leaves them dropped: the next transaction makes them again.
_DEFERRED_INDEXES = {
    "items_title_norm": "CREATE INDEX items_title_norm ON items (title_norm) WHERE kind = 'paper'",
    "items_published": "CREATE INDEX items_published ON items (published)",
}


# Keys and titles the fast path of filling an empty library holds in memory at most (~200 MB):
# past that, the deferred indexes are made and lookups go to the database, so that an import's
# memory stays the same whatever the file's size (all arXiv, 3 million records, took 1.4 GB).
IN_MEMORY = 600_000


@dataclass
class _Written:
    """What this transaction wrote to an empty library: every key and paper title, to item ids.

    Ids of items merged away since stay listed: lookups check against the table."""

    by_ident: dict[str, int] = field(default_factory=dict)
    by_title: dict[str, list[int]] = field(default_factory=dict)
    deferred: list[str] = field(default_factory=list)  # the SQL that makes the dropped indexes
    crowded: set[str] = field(default_factory=set)  # titles more than TITLE_PEERS papers share

    def add_title(self, title_norm: str, item_id: int) -> None:
        self.by_title.setdefault(title_norm, []).append(item_id)

    def full(self) -> bool:
        return len(self.by_ident) + len(self.by_title) > IN_MEMORY


class Writer:
    """The library's writes. `load` reads a stored item whole (merging needs it)."""

    def __init__(
        self, db: sqlite3.Connection, path: Path, load: Callable[[int], Item], *, read_only: bool = False
    ):
        self.db = db
        self.path = path
        self._load = load
        self._read_only = read_only
        # New items not yet written, and where to find them by key and by title.
        self._pending: list[Prepared] = []
        self._pending_by_ident: dict[str, int] = {}
        self._pending_by_title: dict[str, dict[int, None]] = {}
        self._in_transaction = False
        self._written: _Written | None = None
        self._taken: list[tuple[int]] = []  # fingerprints of the records added since the last flush
        self._fingerprints = False
        self._queues_search = False

    # -- transactions ----------------------------------------------------------------------

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
        if self._read_only:
            raise read_only_error(self.path)
        direct = bulk and self._is_empty() and set_journal(self.db, "delete")
        try:
            with self._transaction():
                yield
        finally:
            if direct:
                set_journal(self.db, "wal")

    def _is_empty(self) -> bool:
        return bool(self.db.execute("SELECT NOT EXISTS (SELECT 1 FROM items)").fetchone()[0])

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._begin("try again when it is done")
        self._in_transaction = True
        # A library whose migrations are still running (an older mlnews opened it) may have no
        # table of fingerprints yet (its records are merged the long way), nor the search index's
        # queue (the index is built whole once it has one).
        tables = {
            row[0]
            for row in self.db.execute(
                "SELECT name FROM sqlite_master WHERE name IN ('records', 'search_pending')"
            )
        }
        self._fingerprints = "records" in tables
        self._queues_search = "search_pending" in tables
        # A big write touches several indexes at once and wants a big page cache; reading
        # (a search scanning 200,000 matches) is faster with the default one.
        self.db.execute("PRAGMA cache_size = -65536")
        if not self._is_empty():
            self._restore_indexes()
        else:
            # Filling an empty library: everything stored was written in this transaction,
            # so lookups can use memory instead of a query per record.
            self._written = _Written(deferred=self._drop_deferred_indexes())
        try:
            yield
            self.flush()
            if self._written is not None:
                self._leave_memory()
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

    def checkpoint(self) -> None:
        """Commit what the transaction wrote so far and go on in a new one: a long import's
        resume point. A fast path of an empty library (lookups in memory, indexes made at the
        end) carries on, as everything stored was still written by this import."""
        if not self._in_transaction:
            raise RuntimeError("checkpoint outside a transaction")
        self.flush()
        self.db.execute("COMMIT")
        self._begin("run again to go on")

    def _begin(self, advice: str) -> None:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise LibraryError(
                f"{self.path}: {error}: another mlnews command is writing to it; {advice}"
            ) from None

    def _restore_indexes(self) -> None:
        marks = ", ".join("?" * len(_DEFERRED_INDEXES))
        found = {
            row[0]
            for row in self.db.execute(
                f"SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ({marks})",
                tuple(_DEFERRED_INDEXES),
            )
        }
        for name, sql in _DEFERRED_INDEXES.items():
            if name not in found:
                self.db.execute(sql)

    def _drop_deferred_indexes(self) -> list[str]:
        marks = ", ".join("?" * len(_DEFERRED_INDEXES))
        found = self.db.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ({marks})",
            tuple(_DEFERRED_INDEXES),
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
        new = item if isinstance(item, Prepared) else _prepare(item)
        if self._fingerprints:
            if self._written is None and self._taken_before(new):
                return "unchanged"
            self._taken.append((new.digest,))
        idents = new.idents
        found = self._matching(idents)
        if found:
            return self._merge_into_stored(found, new)
        index = self._pending_match(idents)
        title_norm = new.values[TITLE_NORM]
        if index is None and new.values[KIND] == "paper" and identity.title_is_distinctive(title_norm):
            same_title = self._pending_by_title.get(title_norm, {})
            if len(same_title) <= TITLE_PEERS:
                index = first_compatible(((i, self._pending[i].idents) for i in same_title), idents)
            if index is None:
                by_title = self._find_by_title(new)
                if by_title is not None:
                    return self._merge_into_stored([by_title], new)
        if index is not None:
            return self._merge_into_pending(index, new)
        self._queue(new)
        return "added"

    def _taken_before(self, new: Prepared) -> bool:
        """Whether this very record was added before (its item is still found by its key): then
        merging it again would change nothing. Filling an empty library there is nothing to ask."""
        if not self.db.execute("SELECT 1 FROM records WHERE digest = ?", (new.digest,)).fetchone():
            return False
        return bool(self._find_ids((str(new.values[KEY]),)))

    def _matching(self, idents: tuple[str, ...]) -> list[int]:
        """Stored items that a key of the record names and that none of its ids contradicts: two
        arXiv ids that share a journal's DOI are two papers. Of items that contradict each other,
        the oldest wins, so a record never joins two different papers."""
        found = self._find_ids(idents)
        if not found:
            return found
        marks = ", ".join("?" * len(found))
        rows = self.db.execute(f"SELECT id, identifiers FROM items WHERE id IN ({marks}) ORDER BY id", found)
        kept: list[int] = []
        known = list(idents)
        for item_id, identifiers in rows.fetchall():
            theirs = json.loads(identifiers)
            if not conflicts(theirs, known):
                kept.append(item_id)
                known += theirs
        return kept

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
        peers = self._same_title(new.title_norm)
        return first_compatible(((int(i), json.loads(known)) for i, known in peers), new.idents)

    def _same_paper(self, item: Item, item_id: int) -> list[int]:
        """Stored papers titled as `item` that no id of it contradicts: when a record gives a
        past issue's untitled pick its title, the paper's other records (its OpenReview forum,
        say) found by that title join it, as they would have joined a titled one."""
        title_norm = identity.normalise_title(item.title)
        if item.kind != "paper" or not identity.title_is_distinctive(title_norm):
            return []
        if self._written is not None and title_norm not in self._written.by_title:
            return []
        idents = identity.identifiers([*item.identifiers, *([item.key] if item.key else []), *item.urls])
        return [
            int(found)
            for found, identifiers in self._same_title(title_norm)
            if found != item_id and not conflicts(json.loads(identifiers), idents)
        ]

    def _same_title(self, title_norm: str) -> list[tuple[int, str]]:
        """Stored papers with this normalised title, oldest first; none when more than
        TITLE_PEERS share it, so that merging stays linear however common a title is."""
        sql = "SELECT id, identifiers FROM items WHERE kind = 'paper' AND title_norm = ?"
        if self._written is None:
            rows = self.db.execute(sql + f" ORDER BY id LIMIT {TITLE_PEERS + 1}", (title_norm,)).fetchall()
        else:
            # The title index is deferred: the candidates' ids come from memory. A crowded title
            # stays crowded (ids are only added), so it is counted once, not at every record.
            if title_norm in self._written.crowded:
                return []
            ids = sorted(set(self._written.by_title.get(title_norm, ())))
            if len(ids) > TITLE_PEERS:  # merged-away ids stay listed: too many to be sure
                self._written.crowded.add(title_norm)
                return []
            marks = ", ".join("?" * len(ids))
            rows = self.db.execute(sql + f" AND id IN ({marks}) ORDER BY id", (title_norm, *ids)).fetchall()
        return rows if len(rows) <= TITLE_PEERS else []

    def _pending_match(self, idents: tuple[str, ...]) -> int | None:
        for ident in idents:
            index = self._pending_by_ident.get(ident)
            if index is not None and not conflicts(self._pending[index].idents, idents):
                return index
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
            self._pending_by_title.setdefault(new.values[TITLE_NORM], {})[index] = None  # an ordered set
        if len(self._pending) >= _BATCH:
            self.flush()

    def _merge_into_pending(self, index: int, new: Prepared) -> Outcome:
        before = self._pending[index]
        merged = _prepare(merge(before.item(), new.item()))
        linked = {self._pending_by_ident.get(ident, index) for ident in merged.idents}
        titled = not before.title_norm and bool(merged.title_norm)  # may now join a paper of that title
        if linked != {index} or self._matching(merged.idents) or titled:
            # The merged record also names another item, waiting or stored: join them in the database.
            return self._merge_into_stored([], merged)
        if same(merged, before):
            self._queue(before, index)  # and the features built with it
            return "unchanged"
        self._queue(merged, index)
        return "merged"

    def _merge_into_stored(self, ids: list[int], new: Prepared) -> Outcome:
        self.flush()
        # After the flush, items that were waiting are stored too: the record may name them.
        target, *others = sorted(set(ids) | set(self._matching(new.idents)))
        existing = self._load(target)
        merged_item = merge(existing, new.item())
        if not existing.title and merged_item.title:
            others = sorted(set(others) | set(self._same_paper(merged_item, target)))
        for other in others:
            merged_item = merge(merged_item, self._load(other))
        merged = _prepare(merged_item)
        if not others and same(prepare(existing), merged):
            return "unchanged"
        for other in others:
            self.db.execute("UPDATE identifiers SET item_id = ? WHERE item_id = ?", (target, other))
            self.db.execute("UPDATE undo SET item_id = ? WHERE item_id = ?", (target, other))  # its decisions
            self.db.execute("DELETE FROM items WHERE id = ?", (other,))
        self._write(target, merged, set(others))
        return "merged"

    # -- writing ---------------------------------------------------------------------------

    def flush(self) -> None:
        """Write the items waiting in memory, and the fingerprints of the records taken."""
        if self._taken:
            self.db.executemany("INSERT OR IGNORE INTO records (digest) VALUES (?)", self._taken)
            self._taken.clear()
        if not self._pending:
            return
        next_id = self.db.execute("SELECT coalesce(max(id), 0) + 1 FROM items").fetchone()[0]
        stamp = now()
        rows: list[tuple[Any, ...]] = []
        ident_rows: list[tuple[str, int]] = []
        history_rows: list[tuple[Any, ...]] = []
        text_rows: list[tuple[Any, ...]] = []
        signal_rows: list[tuple[Any, ...]] = []
        feature_rows: list[tuple[Any, ...]] = []
        for item_id, new in enumerate(self._pending, start=next_id):
            values = new.values
            rows.append((item_id, *values[:FIRST_SEEN], values[FIRST_SEEN] or stamp, stamp))
            if new.features is not None:  # built for this very row: its date, then its `changed`
                feature_rows.append((item_id, *new.features, values[PUBLISHED] or rows[-1][-2], stamp))
            ident_rows += [(ident, item_id) for ident in new.idents]
            if new.history:  # a new record seldom has history or texts: an export's do
                history_rows += [(item_id, *event) for event in new.history]
            if new.texts:
                text_rows += [(item_id, *text) for text in new.texts]
            if new.signals:
                signal_rows += [(item_id, *signal) for signal in new.signals]
        self.db.executemany(_INSERT, rows)
        if self._queues_search:  # new words for the search index (`textindex`); triggers queue the rest
            self.db.executemany(_SEARCH_QUEUE, [(row[0],) for row in rows])
        # A key two items share (a DOI of two arXiv papers) names the first of them.
        self.db.executemany("INSERT OR IGNORE INTO identifiers (ident, item_id) VALUES (?, ?)", ident_rows)
        if self._written is not None:
            by_ident = self._written.by_ident
            for ident, item_id in ident_rows:
                by_ident.setdefault(ident, item_id)
            for row in rows:
                if row[1 + KIND] == "paper":
                    self._written.add_title(row[1 + TITLE_NORM], row[0])
        self.db.executemany(HISTORY_INSERT, history_rows)
        self.db.executemany(_TEXT_INSERT, text_rows)
        if signal_rows:  # a library whose migrations are still running may not have the table
            self.db.executemany(SIGNAL_INSERT, signal_rows)
        if feature_rows:
            self.db.executemany(_FEATURES_INSERT, feature_rows)
        self._forget_pending()
        if self._written is not None and self._written.full():
            self._leave_memory()

    def _leave_memory(self) -> None:
        """Go on filling the library as a library with items: indexes made, lookups in the database."""
        assert self._written is not None
        for sql in self._written.deferred:
            self.db.execute(sql)
        self._written = None

    def _forget_pending(self) -> None:
        self._taken.clear()
        self._pending.clear()
        self._pending_by_ident.clear()
        self._pending_by_title.clear()

    def _write(self, item_id: int, new: Prepared, merged_away: set[int]) -> None:
        if self._written is not None:
            known = self._written.by_ident
            for ident in new.idents:  # a key another paper has keeps naming it
                if known.setdefault(ident, item_id) in merged_away:
                    known[ident] = item_id
            if new.kind == "paper":
                self._written.add_title(new.title_norm, item_id)
        self.db.execute(_UPDATE, (*new.values, now(), item_id))
        self.db.executemany(
            "INSERT OR IGNORE INTO identifiers (ident, item_id) VALUES (?, ?)",
            [(ident, item_id) for ident in new.idents],
        )
        self.db.execute("DELETE FROM history WHERE item_id = ?", (item_id,))
        self.db.executemany(HISTORY_INSERT, [(item_id, *event) for event in new.history])
        self.db.execute("DELETE FROM texts WHERE item_id = ?", (item_id,))
        self.db.executemany(_TEXT_INSERT, [(item_id, *text) for text in new.texts])
        if new.signals:  # merged, they only ever grow or get newer readings: replacing is enough
            self.db.executemany(SIGNAL_INSERT, [(item_id, *signal) for signal in new.signals])


def _prepare(item: Item) -> Prepared:
    """`prepare`, the item first cut to the limits. Every item reaches the library through
    `add`, and a merge of two may outgrow them (their authors joined): none is stored beyond
    them. An import has cut its records already, and named them in its report
    (`collect.parallel`); this names what another route (collect, add, the app) brought, in the log."""
    notes = limits.clip(item)
    if notes:
        _log.warning("%s", limits.warning(item, notes))
    return prepare(item)
