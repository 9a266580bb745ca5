"""What the summariser reads in a sentence: its words, and whether it leans on the one before.

Splitting a text into sentences, and telling CJK characters, are `mlnews.text`'s: the checks
of every generated text use them too.
"""

from __future__ import annotations

import re

WORD = re.compile(r"\w+")


_ANAPHORIC = re.compile(
    r"(?:it|its|this|these|those|they|their|such|instead|then|consequently|as a result|finally|besides"
    r"|in addition(?! to)|in contrast(?! to)|both of|(?:by |in )?doing so"
    r"|(?:all|each|both|either|neither|none|most|some|many|several|few|one|two|three)"
    r" of (?:them|these|those|this|it))\b",
    re.IGNORECASE,
)


def leans_back(sentence: str) -> bool:
    """Whether a sentence opens with a word that points at the one before ("It ...", "These ...")."""
    return _ANAPHORIC.match(sentence) is not None


# "It is known that", "This paper ...": a sentence that opens so points at nothing before it.
_STANDS_ALONE = re.compile(
    r"it (?:is|was|has been|had been|remains|remained|seems|seemed|appears|becomes|became|turns out|can be"
    r"|could be|may be|might be|should be|will be|would be)\b[^.;]{0,60}?\b(?:that|to|whether|if|how|why|what"
    r"|when|which)\b"
    r"|(?:this|our) (?:\w+ ){0,2}?(?:paper|work|article|study|letter|note|report|survey|review|thesis"
    r"|research|manuscript|contribution|chapter|book|post|tutorial|talk|dissertation|proposal|submission)\b",
    re.IGNORECASE,
)


# "We also show", "They then train": a sentence that goes on from the one before.
_GOES_ON = re.compile(
    r"(?:we|they)\s+(?:also|then|further|furthermore|therefore|thus|hence|additionally|next|finally|moreover"
    r"|again|likewise|similarly|instead|subsequently)\b",
    re.IGNORECASE,
)


def needs_before(sentence: str) -> bool:
    """Whether a sentence needs the one before it to be understood: "It fails ...", "These methods
    ...", "We also show ...", but not "It is known that ..." or "This paper ..."."""
    if _GOES_ON.match(sentence):
        return True
    return leans_back(sentence) and _STANDS_ALONE.match(sentence) is None


# Words within a sentence that point at something said before it: "such interactions", "the
# proposed methods" (unless a sentence before proposes), "this grounding".
_POINTS_WITHIN = re.compile(
    r"\bsuch (?!as\b)(?:an? )?[a-z]+|\bthe (?:proposed|resulting|aforementioned|above)\b|, in contrast,",
    re.IGNORECASE,
)
_PROPOSES = re.compile(r"\b(?:propos|introduc|present|develop|design|devis)\w*\b", re.IGNORECASE)


def points_within(sentence: str, before: list[str]) -> bool:
    """Whether a sentence names what only a sentence before it explains ("such interactions"), when
    `before`, the sentences told before it, do not: "the proposed method" after "We propose X" is
    understood."""
    found = _POINTS_WITHIN.search(sentence)
    if found is None:
        return False
    if found.group().lower().startswith(("the proposed", "the resulting")):
        return not any(_PROPOSES.search(s) for s in before)
    return True
