"""Search snippets: a window of an abstract with the query's words marked, as FTS5's snippet().

Made here rather than by FTS5 for the hits the search index ranked: FTS5 answers a prefix or a
phrase by reading the whole list of every word it names, even when asked about ten rows.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field

import tantivy

WIDTH = 24  # words in a snippet, as `snippet(items_fts, 2, ..., '…', 24)` had it
ELLIPSIS = "…"


@dataclass
class Marks:
    """The words a query looks for (as the index spells them), and the beginnings of words."""

    words: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)


Tokens = Callable[[str], tantivy.PreTokenizedString]


def snippet(text: str, marks: Marks, tokens: Tokens, start: str, end: str) -> str:
    """The WIDTH words of `text` around most of the marked ones, each marked word between
    `start` and `end`, with an ellipsis where the text goes on."""
    if text.isascii():  # nearly every abstract: words found by a regular expression, in C
        spans = [m.span() for m in _WORD.finditer(text)]
        pattern = _pattern(marks)
        hits = sorted({bisect_left(spans, (m.start(), 0)) for m in pattern.finditer(text)}) if pattern else []
    else:  # as the index splits and folds them (accents off)
        words = tokens(text).tokens
        spans = [(token.char_offset_from, token.char_offset_to) for token in words]
        exact, prefixes = marks.words, tuple(marks.prefixes)
        hits = [i for i, token in enumerate(words) if token.text in exact or token.text.startswith(prefixes)]
    if not spans:
        return text[:200]
    first = _best_window(hits, len(spans))
    last = min(len(spans), first + WIDTH)
    pieces = [ELLIPSIS] if first > 0 else []
    at = spans[first][0] if first > 0 else 0
    for i in hits:
        if first <= i < last:
            word_start, word_end = spans[i]
            pieces += [text[at:word_start], start, text[word_start:word_end], end]
            at = word_end
    pieces.append(text[at : spans[last - 1][1]] if last < len(spans) else text[at:])
    if last < len(spans):
        pieces.append(ELLIPSIS)
    return "".join(pieces)


_WORD = re.compile(r"[^\W_]+")  # the index's words: runs of letters and digits


def _pattern(marks: Marks) -> re.Pattern[str] | None:
    """The marked words (whole) and beginnings (of a word), in any case, as one expression."""
    alternatives = [re.escape(word) + r"(?![^\W_])" for word in marks.words]
    alternatives += [re.escape(prefix) for prefix in marks.prefixes]
    if not alternatives:
        return None
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


def _best_window(hits: list[int], count: int) -> int:
    """Where the window of WIDTH words holding the most hits begins, the hits in its middle."""
    if not hits or count <= WIDTH:
        return 0
    best, most, end = 0, 0, 0
    for i, first in enumerate(hits):  # two pointers: hits[i:end] lie in the window from `first`
        while end < len(hits) and hits[end] < first + WIDTH:
            end += 1
        if end - i > most:
            best, most = i, end - i
    span = hits[best + most - 1] - hits[best] + 1
    return max(0, min(count - WIDTH, hits[best] - (WIDTH - span) // 2))
