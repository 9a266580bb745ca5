"""The library's schema, as an ordered list of migrations recorded in the database.

Each migration runs once, in order, inside the transaction that records it, so a
database is never left half-migrated. Add new ones at the end; never edit one
that has shipped.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = []


def migration(function: Migration) -> Migration:
    MIGRATIONS.append(function)
    return function


@migration
def m001_items(db: sqlite3.Connection) -> None:
    run_script(
        db,
        """
        CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('paper', 'article', 'news', 'other')),
            title TEXT NOT NULL,
            title_norm TEXT NOT NULL,
            authors TEXT NOT NULL DEFAULT '[]',
            site TEXT NOT NULL DEFAULT '',
            urls TEXT NOT NULL DEFAULT '[]',
            identifiers TEXT NOT NULL DEFAULT '[]',
            published TEXT,
            updated TEXT,
            abstract TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL DEFAULT '',
            figure TEXT,
            categories TEXT NOT NULL DEFAULT '[]',
            tags TEXT NOT NULL DEFAULT '[]',
            state TEXT NOT NULL DEFAULT 'new'
                CHECK (state IN ('new', 'shortlisted', 'featured', 'rejected')),
            section TEXT,
            week TEXT,
            score REAL,
            raw TEXT NOT NULL DEFAULT '{}',
            first_seen TEXT NOT NULL,
            changed TEXT NOT NULL
        );
        CREATE INDEX items_title_norm ON items (title_norm) WHERE kind = 'paper';
        CREATE INDEX items_published ON items (published);
        -- Triage touches few items; new ones (nearly all of a big import) stay out of it.
        CREATE INDEX items_triaged ON items (week, state) WHERE state != 'new';

        -- Every key an item is known by (its own, old keys after a merge, each URL),
        -- so any form of reference finds it.
        CREATE TABLE identifiers (
            ident TEXT PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE
        ) WITHOUT ROWID;
        CREATE INDEX identifiers_item ON identifiers (item_id);

        CREATE TABLE history (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            state TEXT NOT NULL,
            section TEXT,
            week TEXT
        );
        CREATE INDEX history_item ON history (item_id);

        CREATE TABLE texts (
            item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            lang TEXT NOT NULL,
            text TEXT NOT NULL,
            edited INTEGER NOT NULL DEFAULT 0,
            updated TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (item_id, name, lang)
        );
        """,
    )


@migration
def m002_full_text_search(db: sqlite3.Connection) -> None:
    # External content: the text lives once, in `items`. Triggers keep the index in step
    # with updates and deletes. New rows are indexed by `writer.Writer.flush` in the same
    # executemany batch: an AFTER INSERT trigger doubles the cost of a bulk import.
    run_script(
        db,
        """
        CREATE VIRTUAL TABLE items_fts USING fts5 (
            title, authors, abstract, body,
            content = 'items', content_rowid = 'id',
            tokenize = 'unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
            INSERT INTO items_fts (items_fts, rowid, title, authors, abstract, body)
            VALUES ('delete', old.id, old.title, old.authors, old.abstract, old.body);
        END;
        CREATE TRIGGER items_fts_update AFTER UPDATE OF title, authors, abstract, body ON items
        BEGIN
            INSERT INTO items_fts (items_fts, rowid, title, authors, abstract, body)
            VALUES ('delete', old.id, old.title, old.authors, old.abstract, old.body);
            INSERT INTO items_fts (rowid, title, authors, abstract, body)
            VALUES (new.id, new.title, new.authors, new.abstract, new.body);
        END;
        """,
    )


@migration
def m003_issue_entries(db: sqlite3.Connection) -> None:
    # Which items each issue source has been given, so that an entry the curator deleted
    # from the file is not added back by the next `compose`.
    run_script(
        db,
        """
        CREATE TABLE issue_entries (
            issue TEXT NOT NULL,
            ident TEXT NOT NULL,
            PRIMARY KEY (issue, ident)
        ) WITHOUT ROWID;
        """,
    )


@migration
def m004_source_state(db: sqlite3.Connection) -> None:
    # Where each source's collection got to. The cursor is written in the transaction that
    # stores the items it covers, so the two cannot disagree, whenever a run is cut short.
    run_script(
        db,
        """
        CREATE TABLE source_state (
            name TEXT PRIMARY KEY,
            cursor TEXT NOT NULL DEFAULT '{}',
            last_run TEXT,
            last_success TEXT,
            last_error TEXT
        );
        """,
    )


@migration
def m005_cheaper_checks(db: sqlite3.Connection) -> None:
    # SQLite builds a lookup table for `CHECK (x IN (a, b, c))` on every row it writes:
    # two of them cost 7% of a big import. The same test written with OR costs nothing.
    # The constraints mean what they meant, so the stored rows stay valid and only the
    # schema text changes: SQLite's documented way to alter a constraint in place
    # (https://sqlite.org/lang_altertable.html, "making other kinds of table schema changes").
    where = "WHERE type = 'table' AND name = 'items'"
    (sql,) = db.execute(f"SELECT sql FROM sqlite_master {where}").fetchone()
    rewritten = _IN_CHECK.sub(_as_ors, sql)
    (version,) = db.execute("PRAGMA schema_version").fetchone()
    db.execute("PRAGMA writable_schema = ON")
    try:
        try:
            db.execute(f"UPDATE sqlite_master SET sql = ? {where}", (rewritten,))
        except sqlite3.OperationalError:
            return  # a SQLite built "defensive" refuses: the checks stay as they were, only slower
        db.execute(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        db.execute("PRAGMA writable_schema = OFF")


_IN_CHECK = re.compile(r"CHECK \((\w+) IN \(([^)]*)\)\)")


def _as_ors(match: re.Match[str]) -> str:
    column, values = match[1], [value.strip() for value in match[2].split(",")]
    return f"CHECK ({' OR '.join(f'{column} = {value}' for value in values)})"


@migration
def m006_bigger_fts_batches(db: sqlite3.Connection) -> None:
    # FTS5 writes its pending terms out as a new segment every 1 MB (its default), and
    # then spends time merging those small segments. Flushing every 32 MB instead makes
    # a 200,000-record import's indexing a quarter faster. The setting is stored in the
    # index itself; a small write still holds only what it writes.
    db.execute("INSERT INTO items_fts (items_fts, rank) VALUES ('hashsize', ?)", (32 * 1024 * 1024,))


@migration
def m007_signals(db: sqlite3.Connection) -> None:
    # Popularity and quality numbers, one per (item, name, source): the latest reading.
    run_script(
        db,
        """
        CREATE TABLE signals (
            item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            source TEXT NOT NULL,
            value REAL NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (item_id, name, source)
        ) WITHOUT ROWID;
        """,
    )


@migration
def m008_taste(db: sqlite3.Connection) -> None:
    # What the rankers read: each item's hashed term counts, built when the item is stored
    # (not when ranking), and the trained models, as plain arrays (never pickles).
    run_script(
        db,
        """
        CREATE TABLE features (
            item_id INTEGER PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
            terms BLOB NOT NULL,  -- uint32 term buckets, ascending
            counts BLOB NOT NULL,  -- uint8, one per bucket
            day TEXT,  -- the item's date (published, else first seen), read with them for recency
            built TEXT NOT NULL  -- the item's `changed` when built: a different one means stale
        );
        CREATE TABLE models (
            name TEXT PRIMARY KEY,  -- the ranker's
            trained TEXT NOT NULL,
            params TEXT NOT NULL,  -- JSON
            arrays BLOB NOT NULL  -- an .npz archive, read with allow_pickle=False
        );
        """,
    )


@migration
def m009_responses(db: sqlite3.Connection) -> None:
    # A model's answers, keyed by a hash of the model and the whole prompt: composing again
    # asks the model nothing it was asked before.
    run_script(
        db,
        """
        CREATE TABLE responses (
            key TEXT PRIMARY KEY,  -- sha256 of the endpoint's model and the request body
            model TEXT NOT NULL,
            answer TEXT NOT NULL,  -- the message content as the model wrote it
            prompt_tokens INTEGER NOT NULL DEFAULT 0,
            completion_tokens INTEGER NOT NULL DEFAULT 0,
            created TEXT NOT NULL
        );
        """,
    )


@migration
def m010_undo(db: sqlite3.Connection) -> None:
    # What each triage decision changed, so that the last one can be undone from the CLI or the
    # app alike, and after a restart: every item's state before it. The decision's own history
    # row is found by (item, at): a merge rewrites history rows, never their stamps.
    run_script(
        db,
        """
        CREATE TABLE undo (
            batch INTEGER NOT NULL,  -- one decision: the items it changed at once
            item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
            at TEXT NOT NULL,  -- the decision's stamp, as its history row has it
            state TEXT NOT NULL,  -- the item's, before the decision
            section TEXT,
            week TEXT
        );
        CREATE INDEX undo_batch ON undo (batch);
        """,
    )


@migration
def m011_who(db: sqlite3.Connection) -> None:
    # Who wrote an item and where it was filed, apart from its words: the taste ranker weighs a
    # curator's authors and categories on their own. Every item's features are built again
    # (the next import, collect or rank does it).
    run_script(
        db,
        """
        ALTER TABLE features ADD COLUMN authors BLOB NOT NULL DEFAULT x'';  -- int32 author buckets
        ALTER TABLE features ADD COLUMN categories BLOB NOT NULL DEFAULT x'';  -- int32, primary first
        UPDATE features SET built = '';
        """,
    )


@migration
def m012_embeddings(db: sqlite3.Connection) -> None:
    # The optional dense opinion (`[ranker.taste] embedder`): each item's title embedded, built at
    # import like its features. One vector an item, for one model: another model builds it again.
    run_script(
        db,
        """
        CREATE TABLE embeddings (
            item_id INTEGER PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
            model TEXT NOT NULL,  -- the embedder's `model`: another one means stale
            vector BLOB NOT NULL,  -- float16, L2-normalised
            built TEXT NOT NULL  -- the item's `changed` when built: a different one means stale
        );
        """,
    )


@migration
def m013_records(db: sqlite3.Connection) -> None:
    # Every record the library has taken, by fingerprint (`rows.Prepared.digest`): re-importing
    # an unchanged file is a lookup a record. 8 bytes a record, as the table's own rowid.
    db.execute("CREATE TABLE records (digest INTEGER PRIMARY KEY)")


@migration
def m014_search_queue(db: sqlite3.Connection) -> None:
    # The search index (`textindex`) lives beside the file, so it cannot share its transactions:
    # instead these triggers queue, in the very transaction that changes an item's words, the
    # item's id (a merge that leaves the words as they were queues nothing), and the index takes
    # the queue when it catches up. A plain insert a row: an
    # import pays little for it (FTS5's own trigger, by contrast, doubled its cost). The token
    # tells this library's index folder from one another library left there.
    run_script(
        db,
        """
        CREATE TABLE search_pending (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL);
        CREATE TABLE search_state (token TEXT NOT NULL);
        INSERT INTO search_state (token) VALUES (lower(hex(randomblob(16))));
        CREATE TRIGGER search_pending_insert AFTER INSERT ON items BEGIN
            INSERT INTO search_pending (item_id) VALUES (new.id);
        END;
        CREATE TRIGGER search_pending_update AFTER UPDATE OF title, authors, abstract, body ON items
        WHEN old.title IS NOT new.title OR old.authors IS NOT new.authors
            OR old.abstract IS NOT new.abstract OR old.body IS NOT new.body
        BEGIN
            INSERT INTO search_pending (item_id) VALUES (new.id);
        END;
        CREATE TRIGGER search_pending_delete AFTER DELETE ON items BEGIN
            INSERT INTO search_pending (item_id) VALUES (old.id);
        END;
        """,
    )


@migration
def m015_source_records(db: sqlite3.Connection) -> None:
    # Which papers each windowed source (arXiv) has brought, by id and submission time: a run
    # compares their number for an older part of the issue's window with what arXiv lists for
    # it, and fetches that part again only when arXiv lists more (its index lags, a run failed).
    run_script(
        db,
        """
        CREATE TABLE source_records (
            source TEXT NOT NULL,
            ident TEXT NOT NULL,  -- the paper's arXiv id, as the identifiers table has it
            submitted TEXT NOT NULL,  -- ISO 8601, UTC: what the API's submittedDate selects by
            PRIMARY KEY (source, ident)
        ) WITHOUT ROWID;
        CREATE INDEX source_records_submitted ON source_records (source, submitted);
        """,
    )


@migration
def m016_imports(db: sqlite3.Connection) -> None:
    # Where the import of a big file stands after each checkpoint (`collect.resume`): an
    # interrupted one goes on from there. A row a file, gone once the file is all in.
    db.execute(
        """
        CREATE TABLE imports (
            file TEXT PRIMARY KEY,  -- its resolved path
            identity TEXT NOT NULL,  -- its size, mtime and first bytes' hash: a changed file starts over
            offset INTEGER NOT NULL,  -- bytes read (of what a gzip file holds)
            line INTEGER NOT NULL,  -- the first line not yet taken
            counts TEXT NOT NULL,  -- the report's numbers so far, as JSON
            updated TEXT NOT NULL
        )
        """
    )


@migration
def m017_no_fts(db: sqlite3.Connection) -> None:
    # The search index (`textindex`, m014) answers every search and rule, so FTS5's copy of every
    # item's words (a quarter of an import's time, most of the file's size) goes. A query FTS5
    # alone understands (NEAR) is checked by FTS5 over its few candidates, in a TEMP table.
    # Dropping is quick whatever the size: SQLite frees the pages without reading them.
    run_script(
        db,
        """
        DROP TRIGGER IF EXISTS items_fts_delete;
        DROP TRIGGER IF EXISTS items_fts_update;
        DROP TABLE IF EXISTS items_fts;
        """,
    )


@migration
def m018_search_queue_by_writer(db: sqlite3.Connection) -> None:
    # The writer queues each new item for the search index itself, a batch at a time: the
    # trigger's row-by-row insert took half of the time of writing an item (4.3 s of 8.6 s for
    # 200,000). Changed and removed items are still queued by their triggers (m014).
    db.execute("DROP TRIGGER IF EXISTS search_pending_insert")


def apply(db: sqlite3.Connection) -> list[str]:
    """Bring the database up to date; returns the names of the migrations applied."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)")
    done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
    applied = []
    for function in MIGRATIONS:
        name = function.__name__
        if name in done:
            continue
        # BEGIN IMMEDIATE: two processes opening a new library at once must not both migrate.
        db.execute("BEGIN IMMEDIATE")
        try:
            if db.execute("SELECT 1 FROM _migrations WHERE name = ?", (name,)).fetchone():
                db.execute("ROLLBACK")
                continue
            function(db)
            db.execute("INSERT INTO _migrations (name, applied) VALUES (?, datetime('now'))", (name,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


def pending(db: sqlite3.Connection) -> list[str]:
    """The names of the migrations `apply` would run, without running any."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE name = '_migrations'").fetchone():
        return [function.__name__ for function in MIGRATIONS]
    done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
    return [function.__name__ for function in MIGRATIONS if function.__name__ not in done]


def run_script(db: sqlite3.Connection, script: str) -> None:
    """Run statements one by one: `executescript` would commit the open transaction."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            db.execute(buffer)
            buffer = ""
