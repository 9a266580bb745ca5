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

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlnews.summarise.fitting import fit
from mlnews.summarise.parsing import (
    FIGURE,
    FINDING,
    is_finite,
    parse,
    plausible,
    render,
    root_of,
    subject_of,
    vague,
)
from mlnews.summarise.reword import third_person
from mlnews.text import HEADLINE_LIMIT, word_set

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

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
# Words that make a subject point back at something said before: "our model", "this approach".
_POINTING = word_set(
    "we i it they this these those such our its their former latter both authors researchers"
)


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
        figure = bool(FIGURE.search(sentences[result]))
        said = _said(doc)
        if figure or _gain(root_of(doc)) or (said is not None and _gain(said)):
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
    # Any sentence that stands alone, the background (what comes before the proposal) last.
    for i in sorted(order, key=lambda i: i < order[0]) if order else []:
        headline = _clause(parse(sentences[i]), name, keep_number=bool(FIGURE.search(sentences[i])))
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
    keep = bool(FIGURE.search(sentence))
    return _finding(doc, name, limit) or _clause(doc, name, keep, result=True, limit=limit)


# -- the parts of a sentence ----------------------------------------------------------------------


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


def _proposed(doc: Doc) -> Token | None:
    """What "We propose X" proposes (X's head), what "X is proposed" says is, or the X of a
    sentence that is only a noun phrase."""
    for token in doc:
        if token.lemma_ in _PROPOSING and token.pos_ == "VERB":
            subject = subject_of(token)
            if subject is not None and subject.dep_ == "nsubjpass":
                return subject
            if not _by_the_authors(token, subject):
                continue  # "it is difficult to build X that ...": nobody proposes X
            obj = next((c for c in token.children if c.dep_ in ("dobj", "obj")), None)
            if obj is not None:
                return obj
    root = root_of(doc)  # a sentence that only names it: "A data-driven approach that uses deep learning ..."
    # (singular: "The paper measures scaling laws" misparsed as a noun phrase is a verb's sentence)
    return root if root.tag_ in ("NN", "NNP") and doc[0].pos_ == "DET" else None


def _by_the_authors(verb: Token, subject: Token | None) -> bool:
    """Whether the authors propose: "we/I/this paper propose(s)", or a sentence that opens on the
    verb ("Proposes X"), or a verb joined to one of those."""
    while verb.dep_ == "conj" and subject is None:
        verb, subject = verb.head, subject_of(verb.head)
    if subject is None:
        return verb.dep_ == "ROOT" or verb.i == 0
    words = {t.lower_ for t in subject.subtree}
    return bool(words & {"we", "i", "paper", "work", "article", "study", "authors", "they", "letter", "note"})


def _proper_name(thing: Token) -> str:
    """A name such as "TReCS" or "AdaBelief", as the thing itself or its apposition."""
    for token in (thing, *(c for c in thing.children if c.dep_ == "appos")):
        if token.pos_ == "PROPN" or re.fullmatch(r"[A-Za-z]*[A-Z][a-z]*[A-Z][\w-]*", token.text):
            parts = [c for c in token.lefts if c.dep_ == "compound"] + [token]
            return render(_whole_words(parts))
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
    text = render(tokens)
    while len(text) > limit and len(tokens) > 2:
        tokens = [tokens[0], *tokens[2:]] if tokens[0].dep_ == "det" else tokens[1:]
        text = render(tokens)
    if tokens and tokens[0].lower_ in ("our", "their", "its"):
        text = "The " + render(tokens[1:])
    return text[:1].upper() + text[1:] if text else ""


# -- clauses --------------------------------------------------------------------------------------


def _clause(
    doc: Doc, name: Name | None, keep_number: bool, *, result: bool = False, limit: int = HEADLINE_LIMIT
) -> str | None:
    """The sentence's main clause: its subject (the proposal's name for "we" or "our model", and in
    a result for "it" or "this approach" too) and its verb with what it needs, cut to the limit."""
    verb = root_of(doc)
    subject = subject_of(verb)
    if subject is None or verb.pos_ not in ("VERB", "AUX") or not is_finite(verb) or subject.dep_ == "expl":
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
    elif vague(subject_tokens):
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
                return fit(
                    subject, rest, clause, None, plural=thing.tag_ in ("NNS", "NNPS"), keep_number=False
                )
            if clause.dep_ == "acl" and clause.tag_ in ("VBG", "VB"):
                return _doing(thing, subject, clause)
    return _naming(thing) or _purpose(thing)


def _doing(thing: Token, subject: str, verb: Token) -> str | None:
    """ "X to do Y" or "X doing Y" said as "X does Y" (or "Xs do Y")."""
    rest = [t for t in verb.subtree if not (t.dep_ == "aux" and t.lower_ == "to" and t.head == verb)]
    plural = thing.tag_ in ("NNS", "NNPS") and not _proper_name(thing)
    agree = {verb.i: verb.lemma_} if plural else {verb.i: _singular(verb)}
    return fit(subject, rest, verb, agree, plural=plural, keep_number=False)


def _purpose(thing: Token) -> str | None:
    """ "We propose AdaBelief to achieve three goals" -> "AdaBelief achieves three goals"."""
    goals = (c for c in thing.head.children if c.dep_ == "xcomp" and c.tag_ == "VB" and c.i > thing.i)
    goal = next(goals, None)
    subject = _proper_name(thing) or _noun_phrase(thing)
    if goal is None or not subject or not any(c.lower_ == "to" for c in goal.children):
        return None
    return _doing(thing, subject, goal)


def _naming(thing: Token) -> str | None:
    """ "We propose NU-GAN, a new method for resampling audio" -> "NU-GAN is a new method for ..."."""
    name = _proper_name(thing)
    described = next((c for c in thing.children if c.dep_ == "appos"), None)
    if not name or described is None or described.pos_ != "NOUN":
        return None
    return fit(f"{name} is", list(described.subtree), described, None, plural=False, keep_number=False)


def _finding(doc: Doc, name: Name | None, limit: int = HEADLINE_LIMIT) -> str | None:
    """ "We show that S" -> S (its own subject, or the proposal's name for "our method")."""
    said = _said(doc)
    if said is None:
        return None
    subject = subject_of(said)
    if subject is None or not is_finite(said):
        return None
    subject_tokens = _whole_words(list(subject.subtree))
    if vague(subject_tokens) and not _points_back(subject_tokens):
        return None
    replace = name if _points_back(subject_tokens) else None
    if _points_back(subject_tokens) and (name is None or not _ours(subject, doc, name)):
        return None
    return _shape(said, subject_tokens, replace, bool(FIGURE.search(doc.text)), limit)


def _ours(subject: Token, doc: Doc, name: Name) -> bool:
    """Whether "it" in "we show that it ..." is the proposal: "our X", or the name the sentence
    itself gives ("We validate AdaBelief ..., showing that it outperforms ..."), not "beam search"."""
    if any(t.lower_ in ("our", "we") for t in subject.subtree):
        return True
    return any(t.dep_ in ("dobj", "nsubj") and t.text in name.text.split() for t in doc)


def _said(doc: Doc) -> Token | None:
    """The verb of what "We show that S" (or "We validate X, showing that S") shows."""
    root = root_of(doc)
    verb = next((v for v in (root, *root.children) if v.lemma_ in FINDING and _reports(v, root)), None)
    if verb is None:
        return None
    return next(
        (c for c in verb.children if c.dep_ == "ccomp" and any(m.dep_ == "mark" for m in c.children)), None
    )


def _reports(verb: Token, root: Token) -> bool:
    finite_or_showing = verb.tag_ in ("VBG", "VBZ", "VBP", "VBD")
    return verb == root or (verb.dep_ in ("advcl", "xcomp", "conj") and finite_or_showing)


def _shape(
    verb: Token, subject_tokens: list[Token], name: Name | None, keep_number: bool, limit: int
) -> str | None:
    """Subject + verb + complements, with what stands before the subject ("In video calls, ...",
    "Moreover, ...") and the subordinate marker left out."""
    skip = {t.i for t in subject_tokens}
    first = min(skip)
    if not plausible(verb, subject_tokens):
        return None
    rest = [
        t
        for t in verb.subtree
        if t.i not in skip
        and not (t.i < first and t.head == verb and t.dep_ != "aux")
        and not _before(t, verb, first)
        and not (t.dep_ == "mark" and t.head == verb)
    ]
    if name is None:
        subject = third_person(render(subject_tokens), our="the")
        conjugated = None
        plural = subject_tokens[-1].tag_ in ("NNS", "NNPS") if subject_tokens else False
    else:
        subject, plural = name.text, name.plural
        conjugated = None if plural else _agreeing(verb)
        if verb.lemma_ in _ABOUT_THE_PAPER:  # "TReCS proposes TReCS", "LUKE studies ...": not a gist
            return None
    return fit(subject, rest, verb, conjugated, plural=plural, keep_number=keep_number, limit=limit)


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
