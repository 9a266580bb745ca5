"""A search query in FTS5's syntax, as the same question put to the search index (tantivy).

Users write FTS5 syntax (`mlnews search` documents it): words (all must match), "a phrase",
prefix*, AND/OR/NOT, parentheses, and a column filter (`title: word`, `{title abstract}: word`).
That subset is translated here; anything else (NEAR, `^`, `+`, `-col:`) raises `Unsupported`. Such
a query can be translated `relaxed`: into one that matches every item it matches and more (NEAR's
phrases anywhere, `^word` anywhere, `-title: word` in any column), whose best matches the library
then checks with FTS5 itself. The query has already been parsed by FTS5 (a query FTS5 refuses never
reaches this module), so only what FTS5 accepts needs to be understood.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import tantivy

from mlnews.library.snippets import Marks

# Each field's weight, as `bm25(items_fts, 10.0, 5.0, 1.0, 0.5)` had them.
WEIGHTS = {"title": 10.0, "authors": 5.0, "abstract": 1.0, "body": 0.5}
# A prefix stands for at most this many of the words it begins, the most common first: "a*"
# would otherwise be a question about a hundred thousand words.
PREFIX_TERMS = 64

_TOKEN = re.compile(r'"(?:[^"]|"")*"|[(){}*:^+-]|[^\s"(){}*:^+-]+')


_NOT_WORDS = {"NEAR", "AND", "OR", "NOT", "^", "+", "-", "*", ":", ")", "}"}


class Unsupported(Exception):
    """Valid FTS5 that the translation does not cover: FTS5 answers it."""


@dataclass
class Vocabulary:
    """What translating needs of the index: its schema, its words, and how it splits text."""

    schema: tantivy.Schema
    analyze: Callable[[str], list[str]]
    terms_with_prefix: Callable[[str, str], list[tuple[str, int]]]


@dataclass
class Part:
    """A query's one word, phrase or prefix in one field: the query, its weight, and the terms
    its score is made of (what bounds it)."""

    field: str
    query: tantivy.Query
    terms: list[str] | None  # None: not known (a phrase ending in a prefix)


def translate(
    query: str, vocabulary: Vocabulary, *, relaxed: bool = False
) -> tuple[tantivy.Query, Marks, list[Part]]:
    """The tantivy query that matches what the FTS5 query matches (a prefix: its commonest
    words), the words a snippet marks, and, when the query is one word, phrase or prefix, its
    part in each field (`topk` asks the fields that weigh most first). `relaxed`: what FTS5
    alone can tell is loosened into what the index can, so the query matches at least what the
    FTS5 one does."""
    parser = _Parser(_TOKEN.findall(query), vocabulary, relaxed)
    result = parser.expression(tuple(WEIGHTS))
    if parser.tokens[parser.at :]:
        raise Unsupported(f"unexpected {parser.tokens[parser.at]!r}")
    return result, parser.marks, parser.parts[0] if len(parser.parts) == 1 else []


class _Parser:
    """Recursive descent over FTS5's grammar; NOT binds tighter than AND, AND than OR."""

    def __init__(self, tokens: list[str], vocabulary: Vocabulary, relaxed: bool = False):
        self.tokens = tokens
        self.at = 0
        self.vocabulary = vocabulary
        self.marks = Marks()
        self.parts: list[list[Part]] = []  # each unit's parts, by field
        self.relaxed = relaxed
        self.exact = True  # whether what was read so far is translated as it is, not loosened

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise Unsupported("the query ends too soon")
        self.at += 1
        return token

    def expression(self, fields: tuple[str, ...]) -> tantivy.Query:
        either = [self.conjunction(fields)]
        while self.peek() == "OR":
            self.take()
            either.append(self.conjunction(fields))
        return _combine(tantivy.Occur.Should, either)

    def conjunction(self, fields: tuple[str, ...]) -> tantivy.Query:
        every = [self.negation(fields)]
        while (token := self.peek()) is not None and token not in ("OR", ")"):
            if token == "AND":
                self.take()
            every.append(self.negation(fields))
        return _combine(tantivy.Occur.Must, every)

    def negation(self, fields: tuple[str, ...]) -> tantivy.Query:
        query = self.unit(fields)
        while self.peek() == "NOT":
            self.take()
            kept = Marks(set(self.marks.words), set(self.marks.prefixes))
            exact, self.exact = self.exact, True
            excluded = self.unit(fields)
            self.marks = kept  # words a match cannot hold are not marked
            if not self.exact:  # leaving out a loosened set would leave out matches too
                self.exact = False
                continue
            self.exact = exact
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, query), (tantivy.Occur.MustNot, excluded)]
            )
        return query

    def unit(self, fields: tuple[str, ...]) -> tantivy.Query:
        token = self.take()
        if token == "(":
            inner = self.expression(fields)
            if self.take() != ")":
                raise Unsupported("unbalanced parentheses")
            return inner
        if token == "{":
            names: list[str] = []
            while (name := self.take()) != "}":
                names.append(name)
            return self.filtered(names)
        if self.peek() == ":":
            return self.filtered([token])
        if self.relaxed and token in ("-", "^", "NEAR"):
            return self.loosened(token, fields)
        if token in _NOT_WORDS:
            raise Unsupported(f"{token!r} is answered by FTS5")
        return self.phrase(token, fields)

    def loosened(self, token: str, fields: tuple[str, ...]) -> tantivy.Query:
        """FTS5's own syntax, as a question that matches at least as much."""
        self.exact = False
        if token == "^":  # the phrase first in its column: anywhere in it
            return self.unit(fields)
        if token == "-":  # not in the columns named: in any column
            if self.take() == "{":
                while self.take() != "}":
                    pass
            if self.take() != ":":
                raise Unsupported("a column list without ':'")
            return self.unit(tuple(WEIGHTS))
        return self.near(fields)

    def near(self, fields: tuple[str, ...]) -> tantivy.Query:
        """NEAR(a b, 10): each phrase, near each other or not."""
        if self.take() != "(":
            raise Unsupported("NEAR without its group")
        phrases = []
        while (token := self.take()) != ")":
            if "," in token and not token.startswith('"'):  # the distance follows
                if before := token.split(",", 1)[0]:
                    phrases.append(self.phrase(before, fields))
                while self.take() != ")":
                    pass
                break
            phrases.append(self.phrase(token, fields))
        if not phrases:
            raise Unsupported("an empty NEAR group")
        return _combine(tantivy.Occur.Must, phrases)

    def filtered(self, names: list[str]) -> tantivy.Query:
        if self.take() != ":":
            raise Unsupported("a column list without ':'")
        fields = tuple(name.lower() for name in names)
        if not fields or any(field not in WEIGHTS for field in fields):
            raise Unsupported(f"unknown column in {names}")
        return self.unit(fields)

    def phrase(self, token: str, fields: tuple[str, ...]) -> tantivy.Query:
        text = token[1:-1].replace('""', '"') if token.startswith('"') else token
        prefix = self.peek() == "*"
        if prefix:
            self.take()
        if self.relaxed and self.peek() == "+":  # phrases joined into one: each of them, anywhere
            self.take()
            self.exact = False
            joined = self.words(token, text, prefix, fields)
            return _combine(tantivy.Occur.Must, [joined, self.phrase(self.take(), fields)])
        if self.peek() in ("+", "^") and not self.relaxed:
            raise Unsupported("joined phrases are answered by FTS5")
        return self.words(token, text, prefix, fields)

    def words(self, token: str, text: str, prefix: bool, fields: tuple[str, ...]) -> tantivy.Query:
        words = self.vocabulary.analyze(text)
        if not words:
            raise Unsupported(f"{token!r} holds no word")
        self.marks.words.update(words[:-1] if prefix else words)
        if prefix:
            self.marks.prefixes.add(words[-1])
        parts = [self.in_field(field, words, prefix) for field in fields]
        self.parts.append(parts)
        return weighed(parts)

    def in_field(self, field: str, words: list[str], prefix: bool) -> Part:
        schema = self.vocabulary.schema
        if prefix and len(words) == 1:
            found = self.vocabulary.terms_with_prefix(field, words[0])
            commonest = [term for term, _ in sorted(found, key=lambda pair: -pair[1])[:PREFIX_TERMS]]
            if not commonest:
                return Part(field, tantivy.Query.empty_query(), [])
            either = [tantivy.Query.term_query(schema, field, term) for term in commonest]
            return Part(field, _combine(tantivy.Occur.Should, either), commonest)
        if prefix:  # its last word's completions are not known: nothing bounds its score
            return Part(field, tantivy.Query.phrase_prefix_query(schema, field, list(words)), None)
        if len(words) == 1:
            return Part(field, tantivy.Query.term_query(schema, field, words[0]), words)
        return Part(field, tantivy.Query.phrase_query(schema, field, list(words)), words)


def weighed(parts: Sequence[Part]) -> tantivy.Query:
    """The parts in any of their fields, each match weighed by its field."""
    return _combine(
        tantivy.Occur.Should, [tantivy.Query.boost_query(part.query, WEIGHTS[part.field]) for part in parts]
    )


def _combine(occur: tantivy.Occur, queries: list[tantivy.Query]) -> tantivy.Query:
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(occur, query) for query in queries])
