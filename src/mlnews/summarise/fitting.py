"""A clause cut to a headline's length: what goes first (asides, then the optional parts at the
right end, the part with a number last), and what a cut must never leave (half a list, half a
range, words whose head went, a dangling "and", a clause that no longer parses as one)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mlnews.summarise.compress import dangles, has_maths
from mlnews.summarise.parsing import FIGURE, SAYING, SUBJECTS, is_finite, parse, root_of, subject_of, vague
from mlnews.summarise.reword import third_person
from mlnews.text import HEADLINE_LIMIT, word_set

if TYPE_CHECKING:
    from spacy.tokens import Token

# Parts a headline can do without, dropped first when it is too long.
_ASIDES = frozenset({"appos", "parataxis", "meta", "dep", "intj"})
_OPTIONAL = frozenset({"prep", "advcl", "advmod", "npadvmod", "conj", "cc", "agent", "acl", "relcl", "punct"})
# Within the clause, only whole phrases go: a single modifier ("encoder" in "encoder-only") stays.
_PHRASES = frozenset({"prep", "acl", "relcl", "advcl", "conj", "appos"})


def fit(
    subject: str,
    rest: list[Token],
    verb: Token,
    conjugated: dict[int, str] | None,
    *,
    plural: bool,
    keep_number: bool,
    limit: int = HEADLINE_LIMIT,
) -> str | None:
    """The clause within `limit` characters: asides dropped, then the optional parts at the right
    end, one at a time, the part that carries a number last (or never, with `keep_number`)."""
    tokens = _attached(_without_parentheses(rest), verb)
    tokens = [t for t in tokens if not _inside(t, _ASIDES, verb)]
    stop = next((t.i for t in tokens if t.text in (";", ":") and t.i > verb.i), None)
    if stop is not None:  # what follows is another clause: "Most models fail; the largest ..."
        tokens = [t for t in tokens if t.i < stop]
    for clause in [t for t in tokens if t.head == verb and _own_clause(t, verb)]:
        # "X does A, and in a GAN Y does B": a second clause of its own; the headline says the first.
        tokens = _without(tokens, clause)
    # A joined verb that does not agree with the subject was another's: "X encompasses A, and
    # develop B" (the authors'), "The best designs transfer ..., finds state-of-the-art models" (the paper's)
    other = ("VBZ",) if plural else ("VB", "VBP")
    for t in list(tokens):
        if (
            t.dep_ == "conj"
            and t.pos_ == "VERB"
            and t.tag_ in other
            and t.i not in (conjugated or {})
            and any(u.i == t.i for u in tokens)
        ):
            tokens = _without(tokens, t)
    text = _sentence(subject, tokens, conjugated)
    # Too long, cut, or pointing at what it does not say ("pairs them with ..."): the right end goes.
    while len(text) > limit or dangles(text) or vague(tokens):
        cut = _droppable(verb, tokens, keep_number)
        if cut is None:
            return None
        tokens = _without(tokens, cut)
        text = _sentence(subject, _tidy_end(tokens), conjugated)
    tokens = _tidy_end(tokens)
    if not tokens or not any(t.i == verb.i for t in tokens) or not any(t.i > verb.i for t in tokens):
        return None  # "X improves" says nothing
    last = tokens[-1]
    if last != verb and last.pos_ == "VERB" and any(c.i > last.i for c in last.children):
        return None  # "..., a phenomenon also known [as X]": a verb that lost what it needs
    text = _sentence(subject, tokens, conjugated).rstrip(" .")
    fits = len(text) <= limit and not dangles(text) and not has_maths(text)
    if re.search(r"\bnot only\b", text) and not re.search(r"\bbut\b", text):
        return None  # "X is not only able to ..." promises a second half
    if any(low in text and high not in text for low, high in _RANGE.findall(verb.doc.text)):
        return None  # "resampling 22 kHz [to 44.1 kHz audio]": half a range
    return text if fits and _reads_whole(text) else None


_RANGE = re.compile(r"(\d[\d.,]*\s*\w*)\s+(?:to|-|–)\s+(\d[\d.,]*)")


def _reads_whole(text: str) -> bool:
    """Whether the headline, parsed on its own, is one clause: a finite verb with its subject and no
    word left over (a cut made on a misparse reads as "X prefers weights a single low point")."""
    doc = parse(text + ".")
    root = root_of(doc)
    return (
        len(list(doc.sents)) == 1
        and root.pos_ in ("VERB", "AUX")
        and is_finite(root)
        and subject_of(root) is not None
        and not any(t.dep_ == "dep" for t in doc)
    )


def _without(tokens: list[Token], part: Token) -> list[Token]:
    """The tokens without a part; a conjunct takes the "and" or comma before it along ("A and B"
    without B is "A")."""
    kept = {t.i for t in tokens}
    gone = {t.i for t in part.subtree}
    if part.dep_ in ("conj", "ccomp"):
        head = part.head
        before = [c for c in head.children if c.dep_ == "conj" and c.i < part.i and c.i in kept]
        start = max([head.i, *(c.right_edge.i for c in before)])
        joining = {c.i for c in head.children if c.dep_ in ("cc", "punct", "preconj")}
        gone |= {i for i in joining if start < i < part.left_edge.i}
    return [t for t in tokens if t.i not in gone]


def _attached(tokens: list[Token], verb: Token) -> list[Token]:
    """The tokens still attached to the verb through kept words: a word whose head went with a
    parenthesis ("(e.g., finetuning tasks) and models") goes too."""
    kept = {t.i for t in tokens}
    out = []
    for t in tokens:
        head = t
        while head != verb and head.head != head and head.head.i in kept:
            head = head.head
        if head == verb:
            out.append(t)
    return out


def _and_before_last(tokens: list[Token]) -> dict[int, str]:
    """ "A, B, C and D" cut to "A, B, C" needs its "and" again: the comma before the list's last
    kept member says it ("A, B and C")."""
    kept = {t.i for t in tokens}
    said: dict[int, str] = {}
    for first in {_first_member(t) for t in tokens if t.dep_ == "conj"}:
        members = [t for t in first.doc if t.dep_ == "conj" and _first_member(t) == first]
        joints = [c for m in (first, *members) for c in m.children if c.dep_ == "cc"]
        left = [m for m in members if m.i in kept]
        if not left or not joints or any(c.i in kept for c in joints):
            continue
        last = max(left, key=lambda t: t.i)
        comma = [t for t in tokens if t.i < last.left_edge.i]
        if comma and comma[-1].text == ",":
            said[comma[-1].i] = " " + joints[-1].text
    return said


def _droppable(verb: Token, tokens: list[Token], keep_number: bool) -> Token | None:
    """The optional part that starts last in the clause (a trailing adjunct, aside or conjunct):
    cutting from the right end keeps the clause whole; the part with a number goes last."""
    kept = {t.i for t in tokens}
    parts = [
        t
        for t in tokens
        if t.i != verb.i
        and t.head.i in kept
        and t.i > verb.i
        and (t.dep_ in _OPTIONAL if t.head == verb else t.dep_ in _PHRASES)
        and not _hyphenated(t)
        and not (t.dep_ == "conj" and t.pos_ not in ("VERB", "AUX") and _lone_member(t))
        and not (t.head != verb and (_complement(t) or _in_member(t, verb)))
        and not _inside_list(t, tokens)
    ]
    plain = [t for t in parts if not _has_number(t, tokens)]
    chosen = plain or ([] if keep_number else parts)
    return max(chosen, key=lambda t: (t.left_edge.i, -len(list(t.subtree)))) if chosen else None


def _own_clause(part: Token, verb: Token) -> bool:
    """Whether a part of the verb is a clause of its own: a joined verb with a subject, or words
    before it, of its own ("..., and in a GAN Y does B"), or what the verb does not report ("The
    structure appears [when ...] wide models make ...": a misparse, since only saying has a clause)."""
    if part.pos_ not in ("VERB", "AUX"):
        return False
    if part.dep_ == "ccomp":
        return verb.lemma_ not in SAYING and any(c.dep_ in SUBJECTS for c in part.children)
    return part.dep_ == "conj" and any(
        c.i < part.i and c.dep_ not in ("cc", "punct", "advmod", "aux", "auxpass", "neg")
        for c in part.children
    )


def _members(conj: Token) -> int:
    """How many members the list of a conjunct has ("A, B and C": 3)."""
    first = _first_member(conj)
    return 1 + sum(1 for t in first.doc if t.dep_ == "conj" and _first_member(t) == first)


# Nouns that say little without what they are of: "a variety [of datasets]", "one [of the examples]".
_PART_OF = word_set(
    "variety range number set kind type sort lot part series couple pair one most some all each many "
    "suite collection family class amount fraction majority version price none both either any few"
)


def _inside_list(part: Token, tokens: list[Token]) -> bool:
    """Whether a part stands between list members ("improves generalisation [across datasets] and
    robustness"): without it the members run together into another list."""
    left, right = part.left_edge.i, part.right_edge.i
    return any(t.dep_ == "conj" and t.head.i < left and t.i > right for t in tokens)


def _lone_member(conj: Token) -> bool:
    """Whether a list would be cut to one member ("between A and B"); a noun joined to a verb is a
    misparse, not a list ("are closer ..., with gains of 6 FID and 5 points")."""
    return _members(conj) < 3 and conj.head.pos_ not in ("VERB", "AUX")


def _complement(part: Token) -> bool:
    """Whether a phrase completes its word ("closer to real statistics", "a variety of tasks")."""
    completing = ("to", "than", "from", "of", "for")
    if part.dep_ != "prep":
        return False
    # "a variety [of datasets]", "the price [of tolerance]": the noun says little without it
    if part.lower_ == "of" and part.head.lemma_ in _PART_OF:
        return True
    return part.head.pos_ in ("ADJ", "ADV") and part.lower_ in completing


def _first_member(token: Token) -> Token:
    while token.dep_ == "conj" and token.head != token:
        token = token.head
    return token


def _in_member(token: Token, verb: Token) -> bool:
    """Whether a token is inside a joined verb ("..., and adapts to changes in batch size"): a list
    member is kept or dropped whole, never cut inside."""
    head = token.head
    while head != verb and head.head != head:
        if head.dep_ == "conj":
            return True
        head = head.head
    return False


def _hyphenated(token: Token) -> bool:
    """Whether a part is half of a hyphenated word ("encoder" of "encoder-only")."""
    doc = token.doc
    left, right = token.left_edge.i, token.right_edge.i
    return (left > 0 and doc[left - 1].text == "-") or (right + 1 < len(doc) and doc[right + 1].text == "-")


def _has_number(token: Token, tokens: list[Token]) -> bool:
    kept = {t.i for t in tokens}
    return any(FIGURE.search(t.text.lower()) for t in token.subtree if t.i in kept)


def _inside(token: Token, deps: frozenset[str], verb: Token) -> bool:
    head = token
    while head != verb and head.head != head:
        if head.dep_ in deps and not FIGURE.search(head.text):
            return True  # an aside; but "6.7ms, 5.9ms" is a list of figures, not "5.9ms" said aside
        head = head.head
    return False


def _without_parentheses(tokens: list[Token]) -> list[Token]:
    out, depth = [], 0
    for t in tokens:
        if t.text in ("(", "["):
            depth += 1
        elif t.text in (")", "]"):
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(t)
    return out


# What a cut may leave hanging; "18.03%" keeps its "%".
_HANGING = frozenset({",", ";", ":", ".", "!", "?", "-", "–", "—", "(", "[", "/", "'", '"'})


def _tidy_end(tokens: list[Token]) -> list[Token]:
    """No comma, conjunction or preposition left hanging at the end."""
    while tokens and (
        tokens[-1].text in _HANGING or tokens[-1].dep_ in ("cc", "prep", "det", "mark", "aux", "case")
    ):
        tokens = tokens[:-1]
    return tokens


def _sentence(subject: str, tokens: list[Token], conjugated: dict[int, str] | None) -> str:
    semicolon = next((n for n, t in enumerate(tokens) if t.text in (";", ":")), len(tokens))
    tokens = tokens[:semicolon]  # what follows is another clause
    said = {**_and_before_last(tokens), **(conjugated or {})}
    words = []
    for n, t in enumerate(tokens):
        text = said.get(t.i, t.text)
        adjacent = n + 1 == len(tokens) or tokens[n + 1].i == t.i + 1
        words.append(text + (t.whitespace_ if adjacent else " "))
    predicate = third_person("".join(words).strip(), our="the")
    text = f"{subject} {predicate}".strip()
    text = re.sub(r"\s+([,.;:!?%)])", r"\1", text)
    text = re.sub(r"\(\s+", "(", text).rstrip(" ,;:")
    return capitalised(text)


def capitalised(text: str) -> str:
    """The first letter up, unless the first word is a name written otherwise ("iNeRF", "word2vec")."""
    first = text.split(" ", 1)[0]
    return text if re.search(r"[A-Z\d]", first[1:]) else text[:1].upper() + text[1:]
