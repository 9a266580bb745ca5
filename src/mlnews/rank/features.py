"""An item's features: hashed counts of its words and word pairs, its authors and categories.

Hashing needs no vocabulary, so an item's features are fixed the day it is stored and
are built then (`update`, after every import and collect), never at ranking time;
the library keeps them as two small arrays per item. Term weights (idf, the learned
coefficients) live in the model. A bucket is turned back into words only to explain
a score (`terms_of`).
"""

from __future__ import annotations

import functools
import json
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from mlnews import lazy, workers
from mlnews.dates import now
from mlnews.library import rows as columns
from mlnews.rank import hashing

if TYPE_CHECKING:
    import numpy as np
    from scipy import sparse

    from mlnews.library import Library, Prepared
    from mlnews.library.ranking import Text
else:  # imported on first use: a command that never ranks does not pay for them
    np = lazy.load("numpy")
    sparse = lazy.load("scipy.sparse")

if TYPE_CHECKING:
    from concurrent.futures import Future

BUCKETS = 2**20
BODY_CHARS = 3000  # an article with no abstract: its opening stands in for one
_BATCH = 2000


@dataclass(frozen=True)
class Document:
    title: str
    text: str
    authors: Sequence[str] = ()
    categories: Sequence[str] = ()


def tokens(document: Document) -> list[str]:
    """Words and word pairs of the title and text, then `author:` and `category:` tokens."""
    found = hashing.words(f"{document.title}. {document.text}")
    found += [f"author:{name.strip().lower()}" for name in document.authors if name.strip()]
    found += [f"category:{name.strip().lower()}" for name in document.categories if name.strip()]
    return found


# Sublinear term frequency, 1 + log(count), by count: what rankers weigh terms by.
@functools.cache
def _sublinear() -> np.ndarray:
    table: np.ndarray = np.r_[0.0, 1 + np.log(np.arange(1, 256))].astype(np.float32)
    return table


def counts(documents: Iterable[Document]) -> sparse.csr_matrix:
    """Term counts, a row per document (what the library stores)."""
    return hashing.counts([tokens(document) for document in documents], BUCKETS)


def tf(documents: Iterable[Document]) -> sparse.csr_matrix:
    """Sublinear term frequencies, a row per document (what rankers read)."""
    matrix = counts(documents)
    matrix.data = _sublinear()[np.minimum(matrix.data, 255).astype(np.intp)]
    return matrix


def bucket(term: str) -> int:
    """Where the vectoriser counts a term."""
    return hashing.bucket(term, BUCKETS)


def who(document: Document) -> tuple[list[int], list[int]]:
    """The buckets of its authors and of its categories (the primary first), as `tokens` hashes them:
    stored apart from the words, so that a ranker can weigh who wrote a paper and where it was filed
    without a word that shares a bucket passing for an author."""
    people = [bucket(f"author:{name.strip().lower()}") for name in document.authors if name.strip()]
    fields = [bucket(f"category:{name.strip().lower()}") for name in document.categories if name.strip()]
    return list(dict.fromkeys(people)), list(dict.fromkeys(fields))


def terms_of(document: Document) -> dict[int, str]:
    """Its buckets, back to the terms in them (the first term seen wins a shared bucket)."""
    found: dict[int, str] = {}
    for term in tokens(document):
        found.setdefault(bucket(term), term)
    return found


def document_of(text: Text) -> Document:
    words = text.abstract or text.body[:BODY_CHARS]
    return Document(text.title, words, text.authors, text.categories)


# -- in the library ------------------------------------------------------------------------


# Papers dated more than this before the library's newest (or today, if earlier) meet no ranker
# until a week that old is ranked or the curator decides on one: a snapshot of all arXiv is mostly
# such papers, and building their features would double its import. They are built on demand.
RECENT_DAYS = 730


def since(library: Library) -> str:
    """The first day whose items get their features as they arrive (ISO)."""
    today = date.fromisoformat(now()[:10])
    newest = _day(library.ranking.newest_day() or "")
    anchor = min(today, newest) if newest else today
    return (anchor - timedelta(days=RECENT_DAYS)).isoformat()


def _day(text: str) -> date | None:
    """A stored date, which may be a year or a month only."""
    year, month, day, *_ = [*text[:10].split("-"), "1", "1"]
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def update(library: Library, progress: Callable[[int, int], None] | None = None) -> int:
    """Build the features of every item a ranker meets (`since`) that has none or changed since;
    returns how many. A big import's worth is hashed in worker processes while this one reads
    and writes; hashing is nearly all the work."""
    return _build(library, library.ranking.stale(since(library)), progress)


def ensure(library: Library, ids: Sequence[int]) -> int:
    """Build the features of these items that have none or changed since, however old (a week
    ranked long after, a paper decided on): what a ranker reads next."""
    return _build(library, library.ranking.stale_among(ids))


def _build(library: Library, ids: list[int], progress: Callable[[int, int], None] | None = None) -> int:
    done = 0
    batches = (library.ranking.texts(ids[start : start + _BATCH]) for start in range(0, len(ids), _BATCH))
    for rows in _built(batches, parallel=len(ids) >= _PARALLEL_FROM):
        with library.transaction():
            library.ranking.save_features(rows)
        done += len(rows)
        if progress:
            progress(done, len(ids))
    return done


Row = tuple[int, bytes, bytes, bytes, bytes, str | None, str]
_PARALLEL_FROM = 20_000  # below this, starting the workers costs more than they save


def _built(batches: Iterator[list[Text]], *, parallel: bool) -> Iterator[list[Row]]:
    if not parallel or (os.cpu_count() or 1) < 2:
        yield from map(build_rows, batches)
        return
    # Loaded here, not with the module: checking the settings that name the ranker loads the module.
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    # spawn: never fork a process that holds a SQLite connection.
    pool = ProcessPoolExecutor(os.cpu_count(), get_context("spawn"), initializer=workers.start)
    try:
        pending: deque[Future[list[Row]]] = deque()
        for batch in batches:
            pending.append(pool.submit(build_rows, batch))
            if len(pending) > 2 * (os.cpu_count() or 1):
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        # On Ctrl-C or a plain kill, drop the batches not started (a `with` block would hash
        # every one queued before the command could end) and wait only for those in hand.
        pool.shutdown(wait=True, cancel_futures=True)


def build_rows(batch: list[Text]) -> list[Row]:
    """The features table's rows for a batch of items (runs in a worker for big batches)."""
    built = encoded([document_of(t) for t in batch])
    return [(text.item_id, *found, text.day, text.changed) for text, found in zip(batch, built, strict=True)]


def encoded(documents: Sequence[Document]) -> list[tuple[bytes, bytes, bytes, bytes]]:
    """What the library stores of each document: terms, counts, authors, categories."""
    if not documents:
        return []
    matrix = counts(documents)
    return [(*encode(matrix, row), *_who_bytes(document)) for row, document in enumerate(documents)]


# How much earlier than `since` an import's workers start building features. `since` moves back
# when the import's newest paper is older than today (a snapshot a few weeks old): what then falls
# stale would be built by `update` in the writing process, after the import. The workers building a
# few more months of papers as they parse costs less than that second pass.
ARRIVAL_MARGIN_DAYS = 92


def deriver(library: Library) -> Callable[[Sequence[Prepared]], list[Prepared]]:
    """What an import's parsing workers run on each batch of records (`ingest.import_files`'s
    `derive`): the features of those a ranker meets (`since`, less a margin), built where they
    were parsed."""
    start = date.fromisoformat(since(library)) - timedelta(days=ARRIVAL_MARGIN_DAYS)
    return functools.partial(of_prepared, since=start.isoformat())


def of_prepared(batch: Sequence[Prepared], since: str = "") -> list[Prepared]:
    """The records with their features, those dated from `since` on or undated, built where they
    were parsed (an import's workers, which wait on the writer most of the time): an item they make
    needs no second pass. The document is the one `document_of` reads back from the stored row."""
    wanted = [
        n
        for n, p in enumerate(batch)
        if not p.values[columns.PUBLISHED] or str(p.values[columns.PUBLISHED]) >= since
    ]
    documents = [
        Document(
            str(batch[n].values[columns.TITLE]),
            str(batch[n].values[columns.ABSTRACT] or str(batch[n].values[columns.BODY])[:BODY_CHARS]),
            json.loads(batch[n].values[columns.AUTHORS]),
            json.loads(batch[n].values[columns.CATEGORIES]),
        )
        for n in wanted
    ]
    built = dict(zip(wanted, encoded(documents), strict=True))
    return [p._replace(features=built[n]) if n in built else p for n, p in enumerate(batch)]


def _who_bytes(document: Document) -> tuple[bytes, bytes]:
    people, fields = who(document)
    return np.array(people, dtype=TERM_TYPE).tobytes(), np.array(fields, dtype=TERM_TYPE).tobytes()


# Stored small, as they are read in bulk (100,000 items for a month of arXiv): a bucket fits
# in an int32, and a term seldom comes more than 255 times in a title and abstract.
TERM_TYPE, COUNT_TYPE = "<i4", "u1"  # numpy dtypes by name: numpy is imported on first use


def encode(matrix: sparse.csr_matrix, row: int) -> tuple[bytes, bytes]:
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    order = np.argsort(matrix.indices[start:end])
    terms = matrix.indices[start:end][order].astype(TERM_TYPE)
    values = np.minimum(matrix.data[start:end][order], 255).astype(COUNT_TYPE)
    return terms.tobytes(), values.tobytes()


Stored = tuple[int, bytes, bytes, bytes, bytes, str | None]  # a row of `Ranking.features`


def decode(rows: Sequence[Stored]) -> tuple[np.ndarray, sparse.csr_matrix]:
    """Item ids and their sublinear term frequencies, from what `Ranking.features` returns."""
    if not rows:
        return np.zeros(0, dtype=np.int64), sparse.csr_matrix((0, BUCKETS), dtype=np.float32)
    ids, terms, counts, *_ = zip(*rows, strict=True)  # columns, at C speed
    # int32 offsets, as the int32 buckets: mixed, scipy would copy every index to int64.
    indptr = np.zeros(len(rows) + 1, dtype=np.int32)
    np.cumsum(np.fromiter(map(len, counts), dtype=np.int32, count=len(rows)), out=indptr[1:])
    indices = np.frombuffer(b"".join(terms), dtype=TERM_TYPE)
    data = _sublinear().take(np.frombuffer(b"".join(counts), dtype=COUNT_TYPE))
    matrix = sparse.csr_matrix((data, indices, indptr), shape=(len(rows), BUCKETS), copy=False)
    return np.array(ids, dtype=np.int64), matrix


def decode_who(rows: Sequence[Stored]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """Each row's authors (1 each) and categories (the primary 2, the others 1) as matrices over
    the buckets (`who`)."""
    return _marks([row[3] for row in rows]), _marks([row[4] for row in rows], first=2.0)


def who_matrices(documents: Sequence[Document]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """`decode_who` for documents not stored yet (a curator's own topics, a benchmark's corpus)."""
    found = [_who_bytes(document) for document in documents]
    return _marks([people for people, _ in found]), _marks([fields for _, fields in found], first=2.0)


def _marks(blobs: Sequence[bytes], first: float = 1.0) -> sparse.csr_matrix:
    """The stored buckets as a matrix, each 1 but a row's first (`first`)."""
    sizes = np.fromiter(map(len, blobs), dtype=np.int32, count=len(blobs)) // 4
    indptr = np.zeros(len(blobs) + 1, dtype=np.int32)
    np.cumsum(sizes, out=indptr[1:])
    indices = np.frombuffer(b"".join(blobs), dtype=TERM_TYPE).copy()
    data = np.ones(len(indices), dtype=np.float32)
    data[indptr[:-1][sizes > 0]] = first
    matrix = sparse.csr_matrix((data, indices, indptr), shape=(len(blobs), BUCKETS))
    matrix.sum_duplicates()  # two names that hash alike count once, in bucket order
    return matrix


def load(library: Library, ids: Sequence[int] | None = None) -> tuple[np.ndarray, sparse.csr_matrix]:
    return decode(library.ranking.features(ids))
