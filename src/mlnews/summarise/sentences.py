"""Plain text into sentences and words, by rule: abbreviations, initials, decimals, CJK full stops.

Also what the other summariser modules need to know about characters: which are
CJK (no spaces between words, a character carries about a word), and what a word is.
"""

from __future__ import annotations

import re

from mlnews.text import squash


def word_set(text: str) -> frozenset[str]:
    """A word list written as one string, split at spaces."""
    return frozenset(text.split())


WORD = re.compile(r"\w+")

# CJK scripts and their punctuation, Hangul, compatibility ideographs, full-width forms ("！", "，").
CJK = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uff60\uffe0-\uffe6]")


def is_cjk(char: str) -> bool:
    return bool(CJK.match(char))


def cjk_count(text: str) -> int:
    return len(CJK.findall(text))


def mostly_cjk(text: str) -> bool:
    return cjk_count(text) * 2 > len(text)


# Where a sentence may end: Latin end marks before a space, CJK ones anywhere.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|[。！？｡]+[」』”’）)\]]*|．(?![0-9０-９])[」』”’）)\]]*")
_WORD_BEFORE = re.compile(r"\S*$")
_WORD_AFTER = re.compile(r"\s*(\S+)")
# Never the end of a sentence: "e.g. the", "Fig. 3", "Smith et al. (2020)".
_ABBREVIATIONS = word_set(
    "e.g i.e cf vs fig figs eq eqs sec secs ref refs tab tabs no nos vol approx resp incl "
    "dr mr mrs ms prof st jr sr ca ch pp al etc"
)
# ...except these, which end a sentence often enough when a capitalised word follows.
_ENDS_WHEN_CAPITAL = frozenset({"al", "etc"})
_INITIALS = re.compile(r"[A-Z]|(?:[A-Z]\.)+[A-Z]")  # "J. Smith", "U.S. Army"
# After an initial, only these say a new sentence began ("... with model B. We then ...").
_STARTERS = word_set("we this the these our it its in here however they to finally a an")


def split_sentences(text: str) -> list[str]:
    """The sentences of a plain text, in order, whitespace collapsed."""
    text = squash(text)
    sentences: list[str] = []
    start = 0
    for mark in _BOUNDARY.finditer(text):
        if mark.group()[0] in ".!?…" and not _ends_sentence(text, mark.start(), mark.end()):
            continue
        piece = text[start : mark.end()].strip()
        if piece:
            sentences.append(piece)
        start = mark.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


_ANAPHORIC = re.compile(
    r"(?:it|its|this|these|those|they|their|such"
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


def _ends_sentence(text: str, mark: int, end: int) -> bool:
    before = _WORD_BEFORE.search(text, max(0, mark - 40), mark)
    word = before.group().lstrip("\"'“‘([{") if before else ""
    after = _WORD_AFTER.match(text, end)
    following = after.group(1).lstrip("\"'“‘([{") if after else ""
    if text[mark] == "." and _INITIALS.fullmatch(word):
        return following.lower() in _STARTERS
    if text[mark] == "." and word.lower() in _ABBREVIATIONS:
        return word.lower() in _ENDS_WHEN_CAPITAL and following[:1].isupper()
    return _starts_sentence(following)


def _starts_sentence(word: str) -> bool:
    if not word or not word[0].islower():
        return True  # a capital, a digit, a CJK character, a symbol
    # "pixelNeRF", "word2vec": names that begin a sentence in lower case.
    return any(char.isupper() or char.isdigit() for char in word[1:])
