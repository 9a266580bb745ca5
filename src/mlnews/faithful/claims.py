"""Which claim of the source a number of the text belongs to.

A number the source states can still be moved: tied to a name the source ties to another
number ("8% on ZINC" where ZINC's is 11%), paired with a result the source gives with
another ("6 MFLOPs … 61.1%"), put at the wrong place of a "respectively" list, given as the
highest of a list it is not the highest of, or stated with another number than the source's
("33% at 5% penetration" where 33% is at 40%). Resolutions ("1024x1024") are checked here too:
the number rules read them as names.
"""

from __future__ import annotations

import re
from functools import lru_cache

from mlnews.faithful.compare import rival_units, same_units, same_value
from mlnews.faithful.problem import Problem, context
from mlnews.faithful.quantities import Quantity
from mlnews.faithful.words import TERMS


def elsewhere(said: Quantity, stated: Quantity, others: list[Quantity]) -> bool:
    """The text ties the number to a name the source ties to another number, not to this one:
    "8% on ZINC" where the source has "8% on CIFAR10 and 11% on ZINC"."""
    if stated.listed:
        return False
    rivals = [q for q in others if q.value != stated.value and q.kind == said.kind and rival_units(said, q)]
    strays = said.anchors - stated.anchors
    if said.cjk:
        # a Chinese or Japanese clause puts what it says of a number anywhere around it
        # ("MIPLIBを含む、6つのデータセット"): a name of the source's sentence is no stray
        strays -= stated.named
    if any(anchor in rival.anchors for anchor in strays for rival in rivals):
        return True
    if said.cjk:
        # the words around it are in another language than the source's; its names are
        # what a rival's sentence is about ("API" where the source's 93.9% is of API calls),
        # and its terms what only a rival's words are (既製のトラッカー: the tracker's 35%)
        if any(
            anchor in rival.named
            for anchor in strays
            for rival in rivals
            if rival.sentence != stated.sentence
        ):
            return True
        return not said.topic & stated.topic and any(said.topic & rival.topic for rival in rivals)
    # "93.0% of the stories were controlled" where the source's 93.0% is consistency and its
    # controlled stories are 77.5%: the words around it are another number's words
    own = len(said.topic & stated.topic)
    apart = [rival for rival in rivals if abs(rival.start - stated.start) > 80]  # not in the same breath
    return any(len(said.topic & rival.topic) >= max(3, own + 2) for rival in apart)


def paired(said: Quantity, text: list[Quantity], stated: list[Quantity], source: str) -> Problem | None:
    """ "6 MFLOPs … 61.1% top-1" in one sentence, where the source's 61.1% comes with 12 MFLOPs:
    the text pairs a number with a result the source gives for another of its kind."""
    if not (said.units or said.noun) or said.date or said.spelled:
        return None
    mine = [q for q in stated if same_value(said, q) and same_units(said, q)]
    for other in text:
        if other is said or other.sentence != said.sentence or other.date or other.spelled:
            continue
        theirs = [q for q in stated if same_value(other, q) and same_units(other, q)]
        together = [(q, t) for q in mine for t in theirs if _stretch(source, q) == _stretch(source, t)]
        alike = other.kind == said.kind  # "10 models … 2 models", "94% … 32%": a comparison, no pair
        if together and _pairs(said, other, text) and all(_misaligned(q, t, stated) for q, t in together):
            # "6.7, 5.9 and 3.9 ms with 78.2%, 76.5% and 71.0%, respectively": 3.9 ms is 71.0%
            return Problem("moved", said.words, context(source, together[0][0]))
        if not mine or not theirs or together or alike or not _pairs(said, other, text):
            continue
        rival = next(
            (
                q
                for t in theirs
                for q in stated
                if _stretch(source, q) == _stretch(source, t)
                and q.kind == said.kind
                and not same_value(said, q)
                and not same_value(other, q)
                and (q.units == said.units if said.units else q.noun == said.noun)
            ),
            None,
        )  # fmt: skip
        if rival is not None:
            return Problem("moved", said.words, context(source, rival))
    return None


def _stretch(source: str, q: Quantity) -> tuple[int, int]:
    """The claim a number of the source is part of: its clause, cut at ", and", "; ", "while"
    ("0.17% on TSP with 500 cities, and 0.31% on TSP with 1000 cities": two claims)."""
    return q.clause, len([at for at in _joints(source) if at < q.start])


@lru_cache(maxsize=64)
def _joints(source: str) -> tuple[int, ...]:
    return tuple(m.start() for m in _JOINT.finditer(source))


_JOINT = re.compile(r",\s+(?:and|while|whereas|but)\s|;\s|\.\s")


def _pairs(a: Quantity, b: Quantity, text: list[Quantity]) -> bool:
    """Does the text say `a` goes with `b`? Alone each ("3.9 ms with 78.2%"), or at the same
    place of two lists of one length ("6.7 and 3.9 ms with 78.2% and 71%")."""
    lists = [
        [q for q in text if q.sentence == x.sentence and q.kind == x.kind and q.units == x.units]
        for x in (a, b)
    ]
    if len(lists[0]) == len(lists[1]) == 1:
        return True
    first, second = sorted((a, b), key=lambda q: q.start)
    if first.clause == second.clause and not any(first.start < q.start < second.start for q in text):
        return True  # side by side in one clause: "0.17% optimality gap on 1000-city TSP"
    return len(lists[0]) == len(lists[1]) >= 2 and lists[0].index(a) == lists[1].index(b)


def _misaligned(a: Quantity, b: Quantity, stated: list[Quantity]) -> bool:
    """Two numbers of a "respectively" sentence at different places of their lists."""
    if not (a.listed and b.listed):
        return False
    lists = [
        [q for q in stated if q.sentence == x.sentence and q.kind == x.kind and q.units == x.units]
        for x in (a, b)
    ]
    if len(lists[0]) != len(lists[1]) or len(lists[0]) < 2 or lists[0] == lists[1]:
        return False
    return lists[0].index(a) != lists[1].index(b)


# "linear, nonlinear, and convolutional models", "the encoder and decoder": the items a
# "respectively" list goes with
_ITEMS = re.compile(r"(?<![\w-])([\w-]+)((?:,\s*[\w-]+)*),?\s+(?:and|or)\s+([\w-]+)")


def respective(said: Quantity, text: str, stated: list[Quantity], source: str) -> Problem | None:
    """ "linear models reach 68%" where the source has "linear, nonlinear, and convolutional
    models which attain 32, 68, and 94% accuracy respectively": 68% is the second's."""
    sides = _said_of(said, text)
    for q in stated:
        if not (q.listed and same_value(said, q)):
            continue
        values = [x for x in stated if x.sentence == q.sentence and x.kind == q.kind]
        items = _items(values, source)
        # what the text says the number is of: the words after it, else those before it
        named = next(
            (found for side in sides if (found := [i for i, x in enumerate(items) if x in side])), []
        )
        if named and values.index(q) not in named:
            return Problem("moved", said.words, context(source, values[named[0]]))
    return None


def _said_of(said: Quantity, text: str) -> list[set[str]]:
    """The stems of the words the text says a number is of: after it ("19.6% F1 on
    GraphQuestions"), before it ("linear models reach 68%"); in CJK, the terms before it, in
    English ("解码器吞吐提升 3.0 倍": the decoder's)."""
    near = re.split(r"(?<![A-Za-z\d])\d", text[max(0, said.start - 40) : said.start])[
        -1
    ]  # to the last number
    if said.cjk:
        return [{english[:5] for term, english in TERMS.items() if term in near[-16:]}]
    end = said.start + len(said.words)
    ahead = re.split(r"[,;]|\.\s|(?<![A-Za-z\d])\d", text[end : end + 40])[0]  # "F1" is no number
    after, before = re.findall(r"[\w-]+", ahead)[:4], re.findall(r"[\w-]+", near)[-4:]
    return [{w.casefold()[:5] for w in words} for words in (after, before)]


def enumerated(said: Quantity, source: str) -> bool:
    """Does the source list as many things as the text counts ("easy-to-learn, ambiguous and
    hard-to-learn regions" for 三类区域)?"""
    return any(
        len(m.group(2).split(",")) + 1 == said.value and not any(c.isdigit() for c in m.group())
        for m in _ITEMS.finditer(source)
    )


def _items(values: list[Quantity], source: str) -> list[str]:
    """The stems of the items a list of numbers goes with: the list right after the numbers
    ("3.0x and 3.3x in the encoder and decoder"), else the one right before them."""
    opening = source.rfind(". ", 0, values[0].start) + 1
    closing = source.find(". ", values[-1].start)
    lists = [
        (m.start(), [m.group(1), *re.findall(r"[\w-]+", m.group(2)), m.group(3)])
        for m in _ITEMS.finditer(source, opening, closing if closing > 0 else len(source))
    ]
    fitting = [(at, e) for at, e in lists if len(e) == len(values) and not any(x[0].isdigit() for x in e)]
    after = [e for at, e in fitting if at > values[-1].start]
    before = [e for at, e in fitting if at < values[0].start]
    chosen = after[0] if after else (before[-1] if before else [])
    return [x.casefold()[:5] for x in chosen]


_HIGHEST = re.compile(r"(?i)\b(?:highest|maximum|largest|peak)\b|最高|最大")


def topmost(said: Quantity, text: str, stated: list[Quantity], source: str) -> Problem | None:
    """ "the highest MOS is 4.21" where the source lists 4.20, 4.18, 4.21 and 4.31."""
    if not _HIGHEST.search(text[max(0, said.start - 16) : said.start]):
        return None
    for q in (x for x in stated if same_value(said, x)):
        run = [x for x in stated if x.sentence == q.sentence and x.kind == q.kind and x.units == q.units]
        top = max(run, key=lambda x: x.value)
        if len(run) >= 3 and top.value > q.value:
            return Problem("moved", said.words, context(source, top))
    return None


_AT = re.compile(r"\s*(?:[A-Za-z/]{1,5}\s+)?(?:at|with|under|using|for|to)\s+(?:an?\s+|the\s+|only\s+)?")


def partner(said: Quantity, text: list[Quantity], stated: list[Quantity], source: str) -> Problem | None:
    """ "33% at a 40% penetration rate", "22 kHz to 44.1 kHz": a number the source states with
    another. A text that puts it beside a third number of the partner's kind (and no other)
    has moved it."""
    if said.date or said.spelled:
        return None
    for q in (x for x in stated if same_value(said, x) and same_units(said, x)):
        after = [x for x in stated if x.start > q.start]
        partner = min(after, key=lambda x: x.start, default=None)
        if partner is None or not _AT.fullmatch(source[q.start + len(q.words) : partner.start]):
            continue
        beside = [x for x in text if x is not said and x.sentence == said.sentence and x.kind == partner.kind]
        lone = beside[0] if len(beside) == 1 else None
        if lone and not same_value(lone, partner) and any(same_value(lone, x) for x in stated):
            return Problem("moved", said.words, context(source, q))
    return None


_SHAPE = re.compile(r"(?<![\w.])(\d+)\s?[x×]\s?(\d+)(?!\w|\.\d)")


def shapes(text: str, source: str) -> list[Problem]:
    """ "up to 1024x1024" where the source stops at 512x512: a resolution is read as a name
    by the number rules, so it is checked here, as a pair, or its side alone in the source."""
    stated = {m.groups() for m in _SHAPE.finditer(source)}
    found = []
    for m in _SHAPE.finditer(text):
        if m.groups() not in stated and not re.search(rf"(?<![\d.]){m.group(1)}(?![\d.])", source):
            shapes = ", ".join(f"{a}x{b}" for a, b in sorted(stated, key=lambda p: int(p[0])))
            found.append(Problem("number", m.group(), shapes))
    return found
