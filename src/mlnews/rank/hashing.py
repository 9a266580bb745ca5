"""Words and word pairs hashed into buckets: scikit-learn's `HashingVectorizer` as the taste ranker
sets it up (`ngram_range=(1, 2)`, English stop words, accents stripped, `alternate_sign=False`),
without importing scikit-learn.

An import's parsing workers hash every recent paper they read. Importing scikit-learn took each of
them 1.5-2 s (it loads `scipy.stats`), during which the import stood still, and its hashing loop
pulls every token through a Python generator. The steps here are sklearn's, in its order: lower
case; accents stripped (NFKD, combining marks dropped) unless the text is ASCII; words of two or more
word characters; stop words out; the words, then each pair of neighbours; MurmurHash3 (x86, 32 bits,
signed, seed 0) of each term's UTF-8 bytes; |hash| mod the number of buckets. `tests/test_rank.py`
checks both give the same counts, so features stored by either agree.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import unicodedata
from collections.abc import Sequence
from itertools import chain, pairwise
from typing import TYPE_CHECKING

import mmh3

from mlnews import lazy

if TYPE_CHECKING:
    import numpy as np
    from scipy import sparse
else:
    np = lazy.load("numpy")
    sparse = lazy.load("scipy.sparse")

_WORD = re.compile(r"(?u)\b\w\w+\b")  # sklearn's default token_pattern


def words(text: str) -> list[str]:
    """The text's words, stop words left out, then every pair of neighbouring words."""
    text = text.lower()
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    stop = stop_words()
    kept = [word for word in _WORD.findall(text) if word not in stop]
    return kept + [f"{first} {second}" for first, second in pairwise(kept)]


def bucket(term: str, buckets: int) -> int:
    """Where a term is counted."""
    return abs(mmh3.hash(term)) % buckets


def counts(terms: Sequence[Sequence[str]], buckets: int) -> sparse.csr_matrix:
    """How often each bucket's terms come in each list of terms: a row per list (float32)."""
    lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
    hashes = np.fromiter(map(mmh3.hash, chain.from_iterable(terms)), dtype=np.int64, count=int(lengths.sum()))
    indptr = np.zeros(len(terms) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    data = np.ones(len(hashes), dtype=np.float32)
    matrix = sparse.csr_matrix((data, np.abs(hashes) % buckets, indptr), shape=(len(terms), buckets))
    matrix.sum_duplicates()  # as sklearn: one entry a bucket, in order
    return matrix


@functools.cache
def stop_words() -> frozenset[str]:
    """sklearn's English stop words, read from its own module file: importing it by name would load
    scikit-learn whole, the cost this module is here to avoid."""
    found = importlib.util.find_spec("sklearn")
    locations = found.submodule_search_locations if found else None
    if locations:
        path = f"{next(iter(locations))}/feature_extraction/_stop_words.py"
        spec = importlib.util.spec_from_file_location("_mlnews_sklearn_stop_words", path)
        if spec is not None and spec.loader is not None:
            module = importlib.util.module_from_spec(spec)
            try:
                spec.loader.exec_module(module)
                return frozenset(module.ENGLISH_STOP_WORDS)
            except (OSError, AttributeError):
                pass
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # moved: the slow way

    return frozenset(ENGLISH_STOP_WORDS)
