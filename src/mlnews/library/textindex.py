"""The search index: the library's words in a top-k index (tantivy) beside the SQLite file.

FTS5 ranks every match of a query before it can name the best ten: a word in most records
costs seconds in a big library. tantivy's block-max WAND skips whatever cannot reach the top.
The index holds only what ranking needs (the words of title, authors, abstract and body, with
positions for phrases, and each item's id); rows and snippets still come from SQLite.

Kept in step through the database itself: the id of every item whose text is added (by the
writer, m018), changed or removed (by triggers, m014) is queued in the transaction that changes
it. `catch_up` reads the queued items, replaces their documents, commits the index, and only then
clears the queue rows it applied: a crash in between applies them again (delete, then add:
harmless twice). A missing, foreign or unreadable index folder is built again from every item, in
a new folder swapped in at the end, so that stopping a rebuild part-way leaves nothing half-made.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import tantivy

from mlnews.library import textquery, topk
from mlnews.library.snippets import Marks

_log = logging.getLogger(__name__)

_TOKENIZER = "mlnews"
_TOKEN_FILE = "library-token"  # which library the folder indexes (`search_state.token`)
_BATCH = 2000  # rows read from SQLite at a time
_SMALL = 5000  # queued items that one indexing thread takes as fast as several
_HEAP_PER_THREAD = 128_000_000  # bytes of words an indexing thread holds before writing a segment
_T = TypeVar("_T")
_ROWS = "SELECT id, title, authors, abstract, body FROM items"


def _analyzer() -> tantivy.TextAnalyzer:
    # FTS5's `unicode61 remove_diacritics 2`: words are runs of letters and digits, in lower
    # case, accents taken off. Words over 255 bytes (a PDF's garbage) are nobody's query.
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(255))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    # Indexed to delete an item's document by id; a fast field to read ids of hits (no stored copy).
    builder.add_integer_field("id", indexed=True, fast=True)
    for field in textquery.WEIGHTS:
        builder.add_text_field(field, tokenizer_name=_TOKENIZER, index_option="position")
    return builder.build()


class TextIndex:
    """The folder beside a library (`library.search` beside `library.db`): the index in `index`,
    and the lock its writers take (outside `index`, which a rebuild replaces)."""

    def __init__(self, db: sqlite3.Connection, library_path: Path, *, read_only: bool = False):
        self.db = db
        self.folder = library_path.with_name(library_path.stem + ".search")
        self.index_path = self.folder / "index"
        self._lock_path = self.folder / "lock"
        self._read_only = read_only
        self._analyzer = _analyzer()
        self._index: tantivy.Index | None = None
        self._queue_made = False

    # -- asking ------------------------------------------------------------------------------

    def top(
        self, query: str, limit: int, *, relaxed: bool = False, stale: bool = False
    ) -> tuple[list[tuple[int, float]], Marks] | None:
        """The best `limit` items for an FTS5 query, as (id, score), best first, and the words
        to mark in snippets; None when the index cannot answer (it is behind and cannot catch
        up now, or the query is FTS5's own). `relaxed`: FTS5's own syntax loosened (see
        `textquery`), for candidates that FTS5 then checks; `stale`: an index that is behind
        answers too (without the items `changed` names)."""
        return self._ask(lambda index: self._top(index, query, limit, relaxed), stale=stale)

    def among(self, query: str, ids: Sequence[int]) -> list[int] | None:
        """Which of the items `ids` an FTS5 query matches; None as for `top`."""
        return self._ask(lambda index: self._among(index, query, ids), stale=False)

    def changed(self, limit: int) -> list[int]:
        """Items whose words the index has not taken yet (the newest `limit` of them)."""
        sql = "SELECT DISTINCT item_id FROM search_pending ORDER BY item_id DESC LIMIT ?"
        return [row[0] for row in self.db.execute(sql, (limit,))]

    def _ask(self, answer: Callable[[tantivy.Index], _T], *, stale: bool) -> _T | None:
        for _ in range(2):  # a second time after reopening: another process swapped in a rebuilt index
            index = self.ready() or (self._index if stale else None)
            if index is None:
                return None
            try:
                return answer(index)
            except textquery.Unsupported:
                return None
            except Exception as error:  # a damaged or replaced folder: opened, or built, again
                _log.info("the search index %s cannot be read (%s)", self.folder, error)
                self._index = None
        _log.warning("the search index %s cannot be read; searching without it", self.folder)
        return None

    def _top(
        self, index: tantivy.Index, query: str, limit: int, relaxed: bool
    ) -> tuple[list[tuple[int, float]], Marks]:
        searcher = self._searcher(index)
        question, marks, parts = textquery.translate(query, self.vocabulary(index, searcher), relaxed=relaxed)
        hits = topk.top(searcher, parts, limit) if parts else None
        if hits is None:
            hits = searcher.search(question, limit, count=False).hits
        ids = searcher.fast_field_values("id", [address for _, address in hits])
        ranked = [(int(i), float(score)) for (score, _), i in zip(hits, ids, strict=True) if i is not None]
        return ranked, marks

    def _among(self, index: tantivy.Index, query: str, ids: Sequence[int]) -> list[int]:
        searcher = self._searcher(index)
        question, _, _ = textquery.translate(query, self.vocabulary(index, searcher))
        within = tantivy.Query.term_set_query(index.schema, "id", list(ids))
        both = tantivy.Query.boolean_query([(tantivy.Occur.Must, question), (tantivy.Occur.Must, within)])
        hits = searcher.search(both, len(ids), count=False).hits
        found = searcher.fast_field_values("id", [address for _, address in hits])
        return [int(i) for i in found if i is not None]

    def _searcher(self, index: tantivy.Index) -> tantivy.Searcher:
        index.reload()  # another process may have committed since
        return index.searcher()

    def vocabulary(self, index: tantivy.Index, searcher: tantivy.Searcher) -> textquery.Vocabulary:
        """What translating a query needs of the index, as `searcher` sees it."""
        return textquery.Vocabulary(
            index.schema,
            self._analyzer.analyze,
            lambda field, prefix: searcher.terms_with_prefix(field, prefix, limit=1000),
        )

    def tokens(self, text: str) -> tantivy.PreTokenizedString:
        """The index's words of a text, with where each is in it."""
        return self._analyzer.pre_tokenize(text)

    def ready(self) -> tantivy.Index | None:
        """The index, in step with the library; None when it cannot be had now."""
        if not self._has_queue():
            return None  # a library still being migrated by an older mlnews
        if self._index is None:
            self._index = self._open()
        behind = self._index is None or self._pending()
        if behind and (self._read_only or self.db.in_transaction or not self.catch_up(wait=False)):
            return None
        return self._index

    # -- keeping in step ---------------------------------------------------------------------

    def catch_up(self, *, wait: bool = True) -> bool:
        """Apply what the queue holds (or build the index if there is none); False when another
        process holds the index and `wait` is False. Call outside any transaction."""
        if self._index is None:
            self._index = self._open()
        if self._index is not None and not self._pending():
            return True  # most transactions (triage, ranking) change no words
        with self._locked(wait) as got:
            if not got:
                return False
            self._index = self._open()  # afresh: another process may have swapped in a rebuilt one
            if self._index is None:
                self._rebuild()
            elif self._pending():
                self._apply(self._index)
        return True

    def rebuild(self) -> int:
        """Build the index again from every item; returns how many it holds."""
        with self._locked(True):
            return self._rebuild()

    def _apply(self, index: tantivy.Index) -> None:
        self.db.execute("BEGIN")  # one snapshot: the queue and the rows it names
        try:
            (last,) = self.db.execute("SELECT max(id) FROM search_pending").fetchone()
            queued = [row[0] for row in self.db.execute(
                "SELECT DISTINCT item_id FROM search_pending WHERE id <= ?", (last,)
            )]  # fmt: skip
            newest = _newest(index)
            writer = index.writer(*_writer_size(len(queued)))
            for item_id in queued:
                if item_id <= newest:  # ids above the newest indexed one are new: nothing to delete
                    writer.delete_documents_by_term("id", item_id)
            sql = f"{_ROWS} WHERE id IN (SELECT item_id FROM search_pending WHERE id <= ?)"
            _add_rows(writer, self.db, sql, (last,))
        finally:
            self.db.execute("COMMIT")
        _finish(writer, many=len(queued) > _SMALL)
        index.reload()
        with _writing(self.db):
            self.db.execute("DELETE FROM search_pending WHERE id <= ?", (last,))

    def _rebuild(self) -> int:
        (count,) = self.db.execute("SELECT count(*) FROM items").fetchone()
        if count > _SMALL:
            _log.warning("building the search index of %s items (%s)", f"{count:,}", self.folder)
        fresh = self.folder / "new"
        shutil.rmtree(fresh, ignore_errors=True)  # what a stopped rebuild left
        fresh.mkdir()
        index = tantivy.Index(_schema(), str(fresh), reuse=False)
        index.register_tokenizer(_TOKENIZER, self._analyzer)
        self.db.execute("BEGIN")  # one snapshot: items changed after it are queued after `last`
        try:
            (last,) = self.db.execute("SELECT coalesce(max(id), 0) FROM search_pending").fetchone()
            writer = index.writer(*_writer_size(count))
            _add_rows(writer, self.db, _ROWS, ())
            token = self._token()
        finally:
            self.db.execute("COMMIT")
        _finish(writer, many=count > _SMALL)
        (fresh / _TOKEN_FILE).write_text(token, encoding="utf-8")
        self._swap_in(fresh)
        with _writing(self.db):
            self.db.execute("DELETE FROM search_pending WHERE id <= ?", (last,))
        self._index = self._open()
        return int(count)

    def _swap_in(self, fresh: Path) -> None:
        # Two renames: stopped between them, the folder is missing and is built again.
        old = self.folder / "old"
        shutil.rmtree(old, ignore_errors=True)
        if self.index_path.exists():
            self.index_path.rename(old)
        fresh.rename(self.index_path)
        shutil.rmtree(old, ignore_errors=True)  # a reader holding its files keeps them until done

    # -- the folder --------------------------------------------------------------------------

    def _open(self) -> tantivy.Index | None:
        """The folder's index, if it is this library's and can be read."""
        try:
            if (self.index_path / _TOKEN_FILE).read_text(encoding="utf-8") != self._token():
                return None
            index = tantivy.Index.open(str(self.index_path))
            index.register_tokenizer(_TOKENIZER, self._analyzer)
            index.searcher()
        except (OSError, ValueError):
            return None
        return index

    def _token(self) -> str:
        return str(self.db.execute("SELECT token FROM search_state").fetchone()[0])

    def _has_queue(self) -> bool:
        if not self._queue_made:  # once made (m014), never unmade: asked until then
            found = self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_state'").fetchone()
            self._queue_made = found is not None
        return self._queue_made

    def _pending(self) -> bool:
        return bool(self.db.execute("SELECT EXISTS (SELECT 1 FROM search_pending)").fetchone()[0])

    @contextmanager
    def _locked(self, wait: bool) -> Iterator[bool]:
        """One process at a time writes the index (tantivy allows one writer); readers never wait."""
        self.folder.mkdir(exist_ok=True)
        with open(self._lock_path, "a+b") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _writer_size(documents: int) -> tuple[int, int]:
    """(heap bytes, threads): one thread for a few items, every core for an import."""
    threads = 1 if documents <= _SMALL else max(1, min(os.cpu_count() or 1, 4))
    return _HEAP_PER_THREAD * threads, threads


def _add_rows(writer: tantivy.IndexWriter, db: sqlite3.Connection, sql: str, params: tuple[int, ...]) -> None:
    cursor = db.cursor()
    cursor.row_factory = None  # plain tuples, read by position
    cursor.execute(sql, params)
    while rows := cursor.fetchmany(_BATCH):
        for item_id, title, authors, abstract, body in rows:
            writer.add_document(
                tantivy.Document(id=item_id, title=title, authors=authors, abstract=abstract, body=body)
            )


def _finish(writer: tantivy.IndexWriter, *, many: bool) -> None:
    writer.commit()
    if many:  # an import made several segments: merged now, searches read fewer
        writer.wait_merging_threads()


def _newest(index: tantivy.Index) -> int:
    """The highest item id in the index (0 when empty)."""
    searcher = index.searcher()
    found = searcher.search(tantivy.Query.all_query(), 1, count=False, order_by_field="id")
    if not found.hits:
        return 0
    (value,) = searcher.fast_field_values("id", [found.hits[0][1]])
    return int(value or 0)


@contextmanager
def _writing(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
