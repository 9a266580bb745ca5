"""The best k matches of a one-word query without scoring every document that holds the word.

tantivy's own top-k collector skips what cannot reach the top (block-max WAND), but the Python
binding always searches through a collector that scores every match: "learning", in half of
3 million abstracts, costs tens of milliseconds. The fields do not weigh alike (a title 10, an
abstract 1), and a word in a title lifts a document far above any that holds it in its
abstract only. So a query that is one word, phrase or prefix is asked first of the documents
that hold it in a heavy field (their other fields scored too); if the k-th of those scores more
than any document could score from the light fields alone, those k are the best of all
(MaxScore, by field). Otherwise, or when the heavy fields hold it about as often as the light
ones, the whole query is asked.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import tantivy

from mlnews.library.textquery import WEIGHTS, Part, weighed

HEAVY = 5.0  # fields weighing this or more are asked first: title, authors
# tantivy's BM25: k1 = 1.2, so a term's score is at most idf * 2.2, however often it comes.
_MOST = 1.2 + 1.0
_MARGIN = 1.25  # the bound must hold with room to spare: idf reads counts that deletions blur
# Asking the heavy fields first costs ~110 ns a document holding the word there (a seek into the
# light fields' lists each), the whole query ~19 ns a document holding it anywhere (1 M records):
# it pays when the heavy fields hold it less than a sixth as often as the light ones.
_SELECTIVE = 0.12


def top(
    searcher: tantivy.Searcher, parts: Sequence[Part], limit: int
) -> list[tuple[float, tantivy.DocAddress]] | None:
    """The best `limit` hits, as the whole query would rank them, or None when that cannot be
    shown cheaply (the caller then asks the whole query)."""
    heavy = [part for part in parts if WEIGHTS[part.field] >= HEAVY]
    light = [part for part in parts if WEIGHTS[part.field] < HEAVY]
    if not heavy or not light or any(part.terms is None for part in parts):
        return None
    light_counts = _counts(searcher, light)
    if sum(count for _, count in _counts(searcher, heavy)) > _SELECTIVE * sum(c for _, c in light_counts):
        return None
    question = tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, weighed(heavy)), (tantivy.Occur.Should, weighed(light))]
    )
    hits = searcher.search(question, limit, count=False).hits
    if len(hits) < limit or hits[-1][0] <= _MARGIN * _bound(light_counts, searcher.num_docs):
        return None
    return hits


def _counts(searcher: tantivy.Searcher, parts: Sequence[Part]) -> list[tuple[float, int]]:
    """Each term's field weight and how many documents hold it there."""
    return [
        (WEIGHTS[part.field], searcher.doc_freq(part.field, term))
        for part in parts
        for term in part.terms or ()
    ]


def _bound(counts: Sequence[tuple[float, int]], total: int) -> float:
    """The most a document can score from these terms: each at its most."""
    return sum(weight * _MOST * _idf(count, total) for weight, count in counts)


def _idf(count: int, total: int) -> float:
    """BM25's idf, as tantivy weighs a term; a term no document holds adds nothing."""
    return math.log(1 + (total - count + 0.5) / (count + 0.5)) if count else 0.0
