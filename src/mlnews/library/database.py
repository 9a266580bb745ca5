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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from mlnews import identity
from mlnews.dates import now
from mlnews.errors import ItemNotFound, MlnewsError
from mlnews.items import KINDS, STATES, Event, Item, Text
from mlnews.library import migrations
from mlnews.library.merge import conflicts, merge

Outcome = Literal["added", "merged", "unchanged"]

_COLUMNS = (
    "key",
    "kind",
    "title",
    "title_norm",
    "authors",
    "site",
    "urls",
    "identifiers",
    "published",
    "updated",
    "abstract",
    "body",
    "figure",
    "categories",
    "tags",
    "state",
    "section",
    "week",
    "score",
    "raw",
    "first_seen",
)
_JSON_COLUMNS = {"authors", "urls", "identifiers", "categories", "tags", "raw"}
_BATCH = 2000
_INSERT = (
    f"INSERT INTO items (id, {', '.join(_COLUMNS)}, changed) VALUES ({', '.join('?' * (len(_COLUMNS) + 2))})"
)
_UPDATE = f"UPDATE items SET {', '.join(f'{c} = ?' for c in _COLUMNS)}, changed = ? WHERE id = ?"
_HIGHLIGHT_START, _HIGHLIGHT_END = "\x02", "\x03"


class LibraryError(MlnewsError):
    pass


@dataclass
class Hit:
    item: Item
    snippet: str  # highlighted terms are wrapped in \x02 ... \x03
    rank: float


@dataclass
class _Pending:
    item: Item
    idents: list[str]
    title_norm: str


class Library:
    def __init__(self, db: sqlite3.Connection, path: Path):
        self.db = db
        self.path = path
        self._pending: list[_Pending] = []
        self._pending_by_ident: dict[str, _Pending] = {}
        self._pending_by_title: dict[str, _Pending] = {}
        self._in_transaction = False

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> Library:
        try:
            db = sqlite3.connect(path, isolation_level=None, timeout=30)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA busy_timeout = 30000")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
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
    def transaction(self) -> Iterator[None]:
        """All writes inside happen together or not at all."""
        if self._in_transaction:
            yield
            return
        self.db.execute("BEGIN IMMEDIATE")
        self._in_transaction = True
        try:
            yield
            self._flush()
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            self._forget_pending()
            raise
        finally:
            self._in_transaction = False

    # -- adding ----------------------------------------------------------------------------

    def add(self, item: Item) -> Outcome:
        """Add a record, merging it into the item it is the same as. Use inside `transaction()`."""
        if not self._in_transaction:
            with self.transaction():
                return self.add(item)
        idents = _prepare(item)
        found = self._find_ids(idents)
        if found:
            return self._merge_into_stored(found, item)
        pending = self._pending_match(idents)
        norm = _norm(item)
        if pending is None and item.kind == "paper" and identity.title_is_distinctive(norm):
            pending = self._pending_by_title.get(norm)
            if pending is not None and conflicts(pending.item, item):
                pending = None
            if pending is None:
                by_title = self._find_by_title(item, norm)
                if by_title is not None:
                    return self._merge_into_stored([by_title], item)
        if pending is not None:
            return self._merge_into_pending(pending, item)
        self._queue(_Pending(item, idents, norm))
        return "added"

    def _find_ids(self, idents: list[str]) -> list[int]:
        marks = ", ".join("?" * len(idents))
        rows = self.db.execute(
            f"SELECT DISTINCT item_id FROM identifiers WHERE ident IN ({marks}) ORDER BY item_id",
            idents,
        ).fetchall()
        return [row[0] for row in rows]

    def _find_by_title(self, item: Item, norm: str) -> int | None:
        rows = self.db.execute(
            "SELECT id FROM items WHERE kind = 'paper' AND title_norm = ? ORDER BY id", (norm,)
        ).fetchall()
        for row in rows:
            if not conflicts(self._load(row[0]), item):
                return int(row[0])
        return None

    def _pending_match(self, idents: list[str]) -> _Pending | None:
        for ident in idents:
            if ident in self._pending_by_ident:
                return self._pending_by_ident[ident]
        return None

    def _queue(self, entry: _Pending) -> None:
        self._pending.append(entry)
        for ident in entry.idents:
            self._pending_by_ident[ident] = entry
        if entry.item.kind == "paper":
            self._pending_by_title.setdefault(entry.title_norm, entry)
        if len(self._pending) >= _BATCH:
            self._flush()

    def _merge_into_pending(self, pending: _Pending, item: Item) -> Outcome:
        merged = merge(pending.item, item)
        idents = _prepare(merged)
        if self._find_ids(idents):
            # The merged record now also names a stored item: settle it in the database.
            self._flush()
            return self._merge_into_stored(self._find_ids(idents), item)
        before = _values(pending.item)
        pending.item, pending.idents, pending.title_norm = merged, idents, _norm(merged)
        for ident in idents:
            self._pending_by_ident[ident] = pending
        return "unchanged" if _values(merged) == before else "merged"

    def _merge_into_stored(self, ids: list[int], item: Item) -> Outcome:
        self._flush()
        target, *others = ids
        existing = self._load(target)
        merged = merge(existing, item)
        for other in others:
            merged = merge(merged, self._load(other))
        _prepare(merged)
        if not others and _same(existing, merged):
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
        for offset, entry in enumerate(self._pending):
            item_id = next_id + offset
            entry.item.first_seen = entry.item.first_seen or stamp
            rows.append((item_id, *_values(entry.item, entry.title_norm), stamp))
            ident_rows.extend((ident, item_id) for ident in entry.idents)
            history_rows.extend(_history_rows(item_id, entry.item))
            text_rows.extend(_text_rows(item_id, entry.item))
        self.db.executemany(_INSERT, rows)
        self.db.executemany(_FTS_INSERT, [(r[0], r[3], r[5], r[11], r[12]) for r in rows])
        self.db.executemany("INSERT INTO identifiers (ident, item_id) VALUES (?, ?)", ident_rows)
        self.db.executemany(_HISTORY_INSERT, history_rows)
        self.db.executemany(_TEXT_INSERT, text_rows)
        self._forget_pending()

    def _forget_pending(self) -> None:
        self._pending.clear()
        self._pending_by_ident.clear()
        self._pending_by_title.clear()

    def _write(self, item_id: int, item: Item) -> None:
        self.db.execute(_UPDATE, (*_values(item), now(), item_id))
        self.db.executemany(
            "INSERT OR REPLACE INTO identifiers (ident, item_id) VALUES (?, ?)",
            [(ident, item_id) for ident in item.identifiers],
        )
        self.db.execute("DELETE FROM history WHERE item_id = ?", (item_id,))
        self.db.executemany(_HISTORY_INSERT, _history_rows(item_id, item))
        self.db.execute("DELETE FROM texts WHERE item_id = ?", (item_id,))
        self.db.executemany(_TEXT_INSERT, _text_rows(item_id, item))

    # -- reading ---------------------------------------------------------------------------

    def _load(self, item_id: int) -> Item:
        row = self.db.execute("SELECT * FROM items WHERE id = ?", (item_id,)).fetchone()
        return self._full(row)

    def _full(self, row: sqlite3.Row) -> Item:
        item = _from_row(row)
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
        sql = "SELECT * FROM items"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY published IS NULL, published DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_from_row(row) for row in self.db.execute(sql, params)]

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """Items matching a full-text query, best first (bm25; title and authors weigh most)."""
        sql = (
            "SELECT items.*, snippet(items_fts, -1, ?, ?, '…', 16) AS snip, "
            "bm25(items_fts, 10.0, 5.0, 1.0, 0.5) AS score_rank "
            "FROM items_fts JOIN items ON items.id = items_fts.rowid "
            "WHERE items_fts MATCH ? ORDER BY score_rank LIMIT ?"
        )
        for attempt in _fts_queries(query):
            try:
                rows = self.db.execute(sql, (_HIGHLIGHT_START, _HIGHLIGHT_END, attempt, limit)).fetchall()
            except sqlite3.OperationalError:
                continue
            return [Hit(_from_row(r), r["snip"], r["score_rank"]) for r in rows]
        return []

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
                        (_dump([*item.tags, tag]), now(), item_id),
                    )
            return [self._load(i) for i in ids]


_FTS_INSERT = "INSERT INTO items_fts (rowid, title, authors, abstract, body) VALUES (?, ?, ?, ?, ?)"
_HISTORY_INSERT = "INSERT INTO history (item_id, at, state, section, week) VALUES (?, ?, ?, ?, ?)"
_TEXT_INSERT = "INSERT INTO texts (item_id, name, lang, text, edited, updated) VALUES (?, ?, ?, ?, ?, ?)"


def _prepare(item: Item) -> list[str]:
    """Fill in the item's identifiers and key from everything it names; return them."""
    if item.kind not in KINDS:
        raise LibraryError(f"unknown kind {item.kind!r}; kinds are: {', '.join(KINDS)}")
    if item.state not in STATES:
        raise LibraryError(f"unknown state {item.state!r}; states are: {', '.join(STATES)}")
    if not item.title.strip():
        raise LibraryError("the record has no title")
    idents = identity.identifiers([*item.identifiers, *([item.key] if item.key else []), *item.urls])
    if not idents:
        raise LibraryError("the record has no id and no usable http(s) URL")
    item.identifiers = idents
    item.key = identity.best_key(idents)
    item.urls = _distinct_urls(item.urls)
    return idents


def _distinct_urls(urls: list[str]) -> list[str]:
    """Clean URLs, one per canonical form, first seen first."""
    if len(urls) == 1:
        return [identity.clean_url(urls[0])]
    kept: dict[str, str] = {}
    for url in urls:
        cleaned = identity.clean_url(url)
        kept.setdefault(identity.canonical_url(cleaned) or cleaned, cleaned)
    return list(kept.values())


def _norm(item: Item) -> str:
    return identity.normalise_title(item.title)


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _dump(value: Any) -> str:
    return _ENCODE(value) if value else ("[]" if isinstance(value, list) else "{}")


def _values(item: Item, title_norm: str | None = None) -> tuple[Any, ...]:
    return (
        item.key,
        item.kind,
        item.title,
        title_norm if title_norm is not None else _norm(item),
        _dump(item.authors),
        item.site,
        _dump(item.urls),
        _dump(item.identifiers),
        item.published,
        item.updated,
        item.abstract,
        item.body,
        item.figure,
        _dump(item.categories),
        _dump(item.tags),
        item.state,
        item.section,
        item.week,
        item.score,
        _dump(item.raw),
        item.first_seen,
    )


def _same(a: Item, b: Item) -> bool:
    return _values(a) == _values(b) and a.history == b.history and a.texts == b.texts


def _history_rows(item_id: int, item: Item) -> list[tuple[Any, ...]]:
    return [(item_id, e.at, e.state, e.section, e.week) for e in item.history]


def _text_rows(item_id: int, item: Item) -> list[tuple[Any, ...]]:
    return [(item_id, t.name, t.lang, t.text, int(t.edited), t.updated) for t in item.texts]


def _from_row(row: sqlite3.Row) -> Item:
    values = {c: row[c] for c in _COLUMNS if c != "title_norm"}
    for column in _JSON_COLUMNS:
        values[column] = json.loads(values[column])
    return Item(**values)


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
