"""The headline: the gist in plain words, not the item's title.

It is the proposal (or result) sentence reworded — openers, "we propose" and
asides gone — and cut back where a clause ends. A candidate that only restates
the title, that would be the summary's first sentence again, or that a cut left
waiting for its next words ("with regard", "a set") is passed over for the next one.
"""

from __future__ import annotations

import re

from mlnews.summarise.centrality import STOPWORDS
from mlnews.summarise.compress import compress, cut_reads_whole, dangles, has_maths, tidy, word_cut
from mlnews.summarise.reword import (
    capitalise,
    drop_back_reference,
    drop_cjk_claim,
    drop_claim,
    drop_in_this_paper,
    drop_parentheticals,
    strip_openers,
    third_person,
)
from mlnews.summarise.sentences import WORD, leans_back
from mlnews.summarise.verbs import object_of
from mlnews.text import CJK, CJK_HEADLINE_LIMIT, HEADLINE_LIMIT, is_cjk, mostly_cjk

_NAMED = re.compile(r",? (?:called|dubbed|named|termed|coined)\s+[^,;]{1,40}?(?:,|(?= (?:that|which|to)\b))")
_APPOSITIVE = re.compile(r"^([^,;:()]{1,50}), ((?:an?|the) .{12,})$", re.IGNORECASE)
_RELATIVE = re.compile(r"^([^,;:()]{1,60}), (?:which|that) (?=[a-z])")
_PURPOSE = re.compile(r"^[^,;]{0,120}?\b(?:in order )?to (?:propose|introduce|present|develop|design) ")
_NAME_ASIDE = re.compile(r", [A-Za-z][\w-]*[A-Z0-9][\w-]*, (?=[a-z])")
# "DETR, which casts ..., needs": an aside on a subject, dropped only when a verb follows it.
_ASIDE = re.compile(
    r", (?:which|who) [^,;:()]{3,120}, "
    r"(?=(?:is|are|was|were|has|have|had|can|could|will|would|does|did|may|might|must|should"
    r"|(?!this\b|thus\b|plus\b)[a-z]{2,}[^s\W]s)\b)"
)
# "which builds X, fuses Y, and adds Z": the aside is itself a list of what it does.
_VERB_LIST = re.compile(r", and (?!this\b|thus\b)[a-z]{2,}[^s\W]s\b")
_VOICE = re.compile(r"\b(?:[Ww]e|[Oo]ur|us|I|[Mm]y|me)\b")  # the writer's own voice (not "the US")
_QUESTION_WORDS = re.compile(r"\b(?:how|why|what|when|whether|where|who)\b", re.IGNORECASE)
_CJK_LEAD = re.compile(
    r"^(?:本文|本研究|本稿|本論文|本工作|我们|我們|我々|この論文|この研究)(?:では|は|で|が|も)?[，,、]?"
)
_CJK_VERB = re.compile(r"^(?:提出了|提出|介绍了|介绍|提案する|提案した|提案し)")
# Japanese puts the verb last: "X を提案する" -> "X".
_CJK_TAIL = re.compile(r"(?:を|が)(?:提案|開発|紹介|示)(?:する|した|します|しました|している)。?$")


def _candidate(sentence: str, title: str, paper: bool) -> tuple[str, str]:
    """A sentence reworded as a headline — openers, "we propose" and asides gone, at most 90
    characters, a cut that only restates the title passed over — and the text it was cut from.
    Only a paper's authors become "they" ("our" -> "the"); a post or an article keeps its words."""
    text, proposed = _gist(sentence)
    text = _plainer(text, proposed).rstrip(" .。．")  # the full stop would cost a character
    if paper:
        text = third_person(text, our="the")
    limit = CJK_HEADLINE_LIMIT if mostly_cjk(text) else HEADLINE_LIMIT
    return capitalise(tidy(compress(text, limit, avoid=lambda cut: restates(cut, title)))), text


def _whole_clause(text: str, title: str) -> str:
    """The longest cut of a reworded sentence that reads whole and says more than the title ("" if none)."""
    limit = CJK_HEADLINE_LIMIT if mostly_cjk(text) else HEADLINE_LIMIT
    flat = " ".join(text.split())
    ends = [i for i, char in enumerate(flat[: limit + 1]) if char == " "]
    for end in reversed(ends):
        cut = tidy(flat[:end])
        if len(cut.split()) < 4:
            break
        if len(cut) <= limit and cut_reads_whole(flat, cut) and not restates(cut, title):
            return capitalise(cut)
    return ""


def _gist(sentence: str) -> tuple[str, bool]:
    """What the sentence says is proposed or found, without who says it; and whether a verb was dropped."""
    text = strip_openers(drop_back_reference(strip_openers(drop_parentheticals(sentence))))
    text = _drop_aside(text).strip()
    text = drop_in_this_paper(text)  # "we construct in this paper X" -> "we construct X"
    claim = drop_claim(text)  # "we show that, by doing Y, X" -> "X"
    purpose = _PURPOSE.match(claim)
    if purpose:  # "This paper builds on Y in order to propose X" -> "X"
        return claim[purpose.end() :], True
    text = _cjk_lead(object_of(claim))
    return text, text != claim  # "We propose X, a ...": X is a name and what follows says what it is


def _plainer(text: str, proposed: bool) -> str:
    """Names, asides and "novel" gone; after a dropped verb, "X, a method that ..." -> "a method that ..."."""
    text = _NAMED.sub("", text, count=1)
    text = _NAME_ASIDE.sub(" ", text, count=1)  # "a framework, RLMutation, for RL" -> "a framework for RL"
    text = _drop_aside(text)
    text = re.sub(r"^(these|those)\b", "the", text, flags=re.IGNORECASE)
    text = re.sub(r"\b(of|on|for|in|to|with) (this|these|those)\b", r"\1 the", text)
    appositive = _APPOSITIVE.match(text)
    if proposed and appositive and len(appositive.group(1).split()) <= 5:
        text = appositive.group(2)  # "FROST, a method that ..." -> "a method that ..."
    text = _drop_relative(text)
    return re.sub(r"\b(a )?novel\b", lambda m: "a new" if m.group(1) else "new", text)


def _drop_aside(text: str) -> str:
    """ "DETR, which casts detection as set prediction, needs long training" -> "DETR needs long training"."""
    aside = _ASIDE.search(text)
    if not aside or _VERB_LIST.search(text, aside.end()):
        return text
    return text[: aside.start()] + " " + text[aside.end() :]


def _drop_relative(text: str) -> str:
    """ "X, which does Y" -> "X does Y", when X is short and the cut keeps some of Y."""
    relative = _RELATIVE.match(text)
    if not relative or len(relative.group(1).split()) > 6 or _QUESTION_WORDS.search(relative.group(1)):
        return text
    joined = relative.group(1) + " " + text[relative.end() :]
    # "The problem takes" says less than "The problem": keep the verb only with some of its object.
    kept = len(compress(joined, HEADLINE_LIMIT).split()) - len(relative.group(1).split())
    return joined if kept >= 3 else text


def _cjk_lead(text: str) -> str:
    """ "本文提出了X" -> "X"; "Xを提案する" -> "X"."""
    shorter = _CJK_VERB.sub("", _CJK_LEAD.sub("", drop_cjk_claim(text), count=1), count=1)
    return _CJK_TAIL.sub("", shorter, count=1) or text


def headline_from_title(title: str) -> str:
    """With no text to go on: the title's explanatory part (after a colon), or the title, shortened."""
    _, sep, tail = title.partition(": ")
    text = tail if sep and len(tail.split()) >= 3 else title
    cut = compress(text, HEADLINE_LIMIT)
    return capitalise(tidy(cut) or cut.strip())


def choose_headline(
    sentences: list[str],
    order: list[int],
    title: str,
    opening: str = "",
    paper: bool = True,
    spare_opening: bool = False,
) -> tuple[str, int | None]:
    """The best headline and which sentence it came from, by these, in turn:

    1. a candidate (in `order`) that reads whole and says more than the title (for a post, one
       not in its writer's voice: "We review ...");
    2. the title's own explanation ("FROST: Faster and more robust ..." -> "Faster and ...");
    3. a candidate that reads whole in the writer's voice; the longest cut of a candidate that
       reads whole;
    4. a cut that leaves no word waiting; then anything that differs from the title.

    None repeats `opening`, the summary's first sentence, unless `spare_opening` says the
    summary can do without it (the caller then drops it).
    """

    def fresh(headline: str) -> bool:
        return spare_opening or not repeats(headline, opening)

    read: list[tuple[str, str, int]] = []  # (headline, reworded sentence, index) worth a look
    fallback: tuple[str, int | None] = ("", None)
    for i in order:
        candidate, text = _candidate(sentences[i], title, paper)
        if not gist_like(candidate):
            continue
        if restates(candidate, title):
            fallback = fallback if fallback[0] else (candidate, i)
            continue
        read.append((candidate, text, i))
        # A post's "we" stays as written; a headline in the writer's voice waits for one without.
        if cut_reads_whole(text, candidate) and fresh(candidate) and (paper or not _VOICE.search(candidate)):
            return candidate, i
    from_title = _title_gist(title)
    if from_title and fresh(from_title):
        return from_title, None
    for candidate, text, i in read:
        if cut_reads_whole(text, candidate) and fresh(candidate):
            return candidate, i
    for _, text, i in read:
        clause = _whole_clause(text, title)
        if clause and gist_like(clause) and fresh(clause):
            return clause, i
    for candidate, _, i in read:
        if not dangles(candidate) and fresh(candidate):
            return candidate, i
    if read:
        return read[0][0], read[0][2]
    # Nothing both readable and new: any sentence that differs from the title, cut at its words.
    for i in order:
        for candidate in (
            capitalise(tidy(compress(sentences[i], HEADLINE_LIMIT))),
            _window(sentences[i], title),
        ):
            if candidate and not restates(candidate, title):
                return candidate, i
    return fallback if fallback[0] else (headline_from_title(title), None)


def _title_gist(title: str) -> str:
    """The part of a "Name: what it is" title that says what it is, when that reads whole."""
    name, sep, tail = title.partition(": ")
    if not sep or len(tail.split()) < 3 or len(name.split()) > 4:
        return ""
    text = capitalise(tail.strip())
    return text if len(text) <= HEADLINE_LIMIT and gist_like(text) and not dangles(text) else ""


def repeats(headline: str, sentence: str) -> bool:
    """Whether a headline says again what a sentence says: it is a run of the sentence's words, or
    most of its content words are the sentence's and make up much of it ("a", "of" aside, "they"
    as "we", endings aside: "analyzing" as "analyze"; CJK text character by character)."""
    ours, theirs = _tokens(headline), _tokens(sentence)
    if not ours or not theirs:
        return False
    span = len(ours)
    if span >= 4 and any(theirs[i : i + span] == ours for i in range(len(theirs) - span + 1)):
        return True
    mine, other = set(_content(ours)), set(_content(theirs))
    shared = mine & other
    return bool(mine) and len(shared) >= 0.75 * len(mine) and len(shared) >= 0.4 * len(other)


_SAME = {"they": "we", "their": "our", "them": "us", "the": "our"}  # "our X" is "the X" in a headline


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for word in WORD.findall(text.lower()):
        if is_cjk(word[0]):
            tokens.extend(char for char in word if is_cjk(char))
        else:
            tokens.append(_stem(_SAME.get(word, word)))
    return tokens


def _content(tokens: list[str]) -> list[str]:
    return [t for t in tokens if t not in STOPWORDS and (len(t) > 2 or is_cjk(t))] or tokens


def _stem(word: str) -> str:
    """ "focusing" ~ "focus", "analyzes" ~ "analyze": endings off while four letters remain."""
    while True:
        for ending in ("ing", "ed", "es", "s", "e"):
            if word.endswith(ending) and len(word) - len(ending) >= 4:
                word = word[: -len(ending)]
                break
        else:
            return word


def gist_like(text: str) -> bool:
    """Whether a cut reads as a gist on its own: a few words, no maths, no "It ..." leaning back."""
    if has_maths(text) or leans_back(text) or text[:1] in ",;:.!?)]}—–-、，；：":
        return False  # LaTeX, "It ..." that needs the sentence before, or the tail of a clause
    return len(text.split()) >= 4 or (len(text) >= 6 and CJK.search(text) is not None)


def normal(text: str) -> str:
    """The words of a text, lower case, one space apart: texts compared regardless of punctuation."""
    return " ".join(WORD.findall(text.lower()))


def restates(headline: str, title: str) -> bool:
    """Whether the headline is the title, or a part of it (case and punctuation aside)."""
    ours, theirs = normal(headline), normal(title)
    return not ours or ours == theirs or (bool(theirs) and f" {ours} " in f" {theirs} ")


def _window(sentence: str, title: str) -> str:
    """Degenerate input: the stretch of the sentence from its first word the title lacks."""
    known = set(normal(title).split())
    for word in WORD.finditer(sentence):
        if word.group().lower() not in known:
            rest = sentence[word.start() :]
            return tidy(compress(rest, HEADLINE_LIMIT)) or word_cut(rest, HEADLINE_LIMIT)
    return ""
