"""Cutting a text to a length where a clause ends, so that what is left still reads as a phrase.

Every possible cut (at a space, or beside a CJK character) is scored by what it
leaves out — a clause, a phrase, half a phrase — and by how its last word reads;
`tidy` then trims what no phrase ends with: "and", "of", an open bracket.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mlnews.text import CJK, is_cjk, squash, word_set

# What the word after a cut says about the cut. Before a clause opener the text left is a
# whole phrase; before a preposition usually one; between two content words ("low training |
# loss") it is not.
_CLAUSE_OPENERS = word_set(
    "which where whereas while but although though thereby thus so whose who yet since because despite "
    "even when respectively e.g. i.e. including such namely instead like unlike rather resulting leading "
    "allowing enabling making"
)
_LINK_WORDS = word_set(
    "by using via through with without for in on from that to as under across at over than between "
    "within against into after before whether if until among per along toward towards upon onto based "
    "compared and or"
)
# Words that leave the reader waiting when a cut ends on them ("a platform meant", "that depends").
_INCOMPLETE = word_set(
    "depends depend tend tends meant allows allow enables enable makes make aims aim seeks seek lets "
    "helps used based derived due able according prior relative similar close related like until "
    "whose whereby called named dubbed termed aimed designed intended recent various different several "
    "many new existing multiple other some certain specific objective purpose goal aim need lack variety "
    "number set range series kind type form part use role impact importance effect"
)
_VERB_BEFORE = word_set("that which who whose to can will may must should could would does do did")
# Adverbs that point at what follows them ("separated solely | on the basis of X").
_FOCUSING = word_set(
    "solely only mainly primarily largely exclusively partly partially purely specifically particularly "
    "especially mostly even just merely chiefly"
)
# Nouns whose "that" clause is what they say ("evidence that X").
_TOLD = word_set(
    "evidence fact idea claim claims finding findings observation hypothesis proof notion belief assumption "
    "insight intuition conjecture argument result results conclusion possibility question premise"
)
_AUXILIARIES = word_set("is are was were be been being has have had get gets got")
_ASKS = word_set("where when whether how what that which who whose why")
_OPENS = frozenset({"both", "either", "between", "neither"})
_DANGLING = word_set(
    "a an the and or but nor of with to for in on at by from as that which who whose via than into onto "
    "its their our is are was were be been this these those such both either while when where whether "
    "using over under between among not can will has have we they it also more most very so if e.g i.e "
    "based compared per until whereas like without within across against through toward towards upon "
    "about after before beyond during including near since unlike except along around whilst regarding "
    "concerning involving do does did being had could would should may might must shall"
)
# Phrases that want what follows them ("with regard | to X", "as an alternative | to Y"): a cut
# never ends on one, and `tidy` trims it off.
_WANTS_MORE = re.compile(
    r"(?:^|[\s—–])(?:(?:with|in) (?:regard|respect|reference)|in (?:terms|order|conjunction|response"
    r"|addition|contrast|comparison|favou?r|lieu|spite|light|front|need|search)|on (?:behalf|top)|"
    r"by (?:means|way|virtue)|as (?:an? )?(?:alternative|result|consequence|opposed|well|part|function)|"
    r"(?:such|so) as|rather|due|according|prior|similar|relative|thanks|regardless|irrespective|"
    r"not only)$",
    re.IGNORECASE,
)
# Noun phrases that only name a part or an amount of what follows ("a set | of rules").
_PART_OF = re.compile(
    r"(?:^|\s)(?:an?|the) (?:set|variety|range|series|number|combination|couple|lot|handful|family|"
    r"collection|kind|type|class|mixture|sequence|pair|suite|use|amount|lack|role|ability|importance|"
    r"effect|impact|form|problem of)$",
    re.IGNORECASE,
)
_TRAILING = ",;:—–-(/[{&+\\\"“‘'·、，；：（"
_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ("“", "”"), ("（", "）"))
_SPACE = re.compile(r"\s+")


def compress(text: str, limit: int, avoid: Callable[[str], bool] | None = None) -> str:
    """The text cut to at most `limit` characters where a clause ends; never inside a word.

    `avoid` rules out cuts (one that would repeat the title, say) unless no other cut is left.
    """
    text = squash(text)
    if len(text) <= limit:
        return text
    shortest, enough = max(12, limit // 3), max(12, limit * 2 // 3)
    best, best_score = "", 0.0
    for candidate in {tidy(text[:end]) for end in _cut_points(text, limit)}:
        if not shortest <= len(candidate) <= limit or (avoid and avoid(candidate)):
            continue
        rest = text[len(candidate) :]  # tidy only trims the end: the candidate is a prefix
        # Long enough is enough: past two thirds of the limit a stronger cut beats a longer one.
        length = min(len(candidate), enough) + 0.25 * max(0, len(candidate) - enough)
        score = (_cut_weight(candidate, rest) * _ending(candidate, rest)) ** 2 * length
        if (score, len(candidate)) > (best_score, len(best)):
            best, best_score = candidate, score
    return best or word_cut(text, limit)


def _cut_points(text: str, limit: int) -> list[int]:
    """Where the text may be cut: at a space, or beside a CJK character (CJK has no spaces)."""
    points = [space.start() for space in _SPACE.finditer(text, 0, limit + 2)]
    for char in CJK.finditer(text, 0, limit + 1):
        points += [char.start(), char.end()]
    return points


# "precision, quality, completeness and security": a cut inside a list leaves it half-read.
_LIST_ITEM = re.compile(r"\s*[,、]\s*(?!and\b|or\b)(?:[^\s,]+\s){0,2}?[^\s,]+(?:,|\s(?:and|or)\s)")
_LAST_ITEM = re.compile(r",\s*(?:[^\s,]+\s){0,2}[^\s,]+$")
_AFTER_CUT = re.compile(r"\s*([,;:，；：、—–(-]*)\s*(\S*)")


def _cut_weight(kept: str, rest: str) -> float:
    """How well a cut reads, from what it leaves out: a clause, a phrase, or half a phrase (0..1)."""
    after = _AFTER_CUT.match(rest)
    punctuation, following = (after.group(1), after.group(2).lower().rstrip(",;:")) if after else ("", "")
    if (
        punctuation[:1] in ("，", "；", "：")
        or set(punctuation) & set(";:—–(-")
        or following in {"e.g.", "i.e."}
    ):
        return 1.0
    if following in _CLAUSE_OPENERS and not _verb_here(following, kept, rest):
        return 1.0 if punctuation else 0.9
    if _LIST_ITEM.match(rest) or (following in {"and", "or"} and _LAST_ITEM.search(kept)):
        return 0.5
    if punctuation[:1] in (",", "、"):
        return 0.85
    if following in _LINK_WORDS:
        return 0.55 if following in {"and", "or"} else 0.7
    return 0.3


def _verb_here(following: str, kept: str, rest: str) -> bool:
    """Whether a clause opener is not one here: "such | an X" (not "such as"), "you'll actually | like"."""
    if following == "such":
        return rest.split()[1:2] != ["as"]
    last = kept.lower().split()[-1] if kept.split() else ""
    return following == "like" and (last in _SUBJECTS or last.endswith(("ly", "'ll", "’ll")))


_SUBJECTS = word_set("i you we they he she it who would will could should might may to not")


def _ending(kept: str, rest: str) -> float:
    """How complete a cut reads from its last word and the word it leaves behind (0..1)."""
    words = kept.lower().split()
    following = rest.split(None, 1)[0].lower().strip(",;:") if rest.strip() else ""
    if not words:
        return 1.0
    if following == "that" and words[-1] in _TOLD:
        return 0.4  # "the first evidence | that X": what the evidence shows is the news
    if _PART_OF.search(kept) or (following == "but" and "not only" in kept.lower()):
        return 0.3  # "a set | of rules", "not only X | but also Y"
    if words[-1] in _INCOMPLETE or (words[-1].endswith("ing") and following in _ASKS):
        return 0.5
    if (
        following in _LINK_WORDS
        and len(words) > 1
        and words[-2] not in _AUXILIARIES
        and (words[-1] in _FOCUSING or (words[-1].endswith("ed") and words[-2] not in _DANGLING))
    ):
        return 0.5  # "networks trained | on X", "separated solely | on the basis of X"
    if _VERB_BEFORE & set(words[-3:-1]) and following in _LINK_WORDS:
        return 0.6  # "whose edges come | from ...": the relative clause's verb wants its complement
    if following in {"and", "or", "nor"} and _OPENS & set(words[-5:]):
        return 0.3  # "both the standard | and the NTK ..."
    if has_maths(kept):
        return 0.5  # LaTeX maths reads badly in a headline
    if words[-1].endswith(
        ("ful", "ous", "able", "ible", "-based", "-driven", "-aware", "-specific", "-like")
    ):
        return 0.7  # an adjective waiting for its noun
    return 1.0


def cut_reads_whole(text: str, cut: str) -> bool:
    """Whether `cut`, a prefix of `text` (as `compress` gives), reads as a whole phrase: the text
    itself, or a cut where a clause or phrase ends that leaves no word or phrase waiting."""
    flat = squash(text).rstrip(_TRAILING + ".。．!！?？ ")
    if not cut or dangles(cut):
        return False
    if len(cut) >= len(flat):
        return True
    rest = squash(text)[len(cut) :]
    return _cut_weight(cut, rest) * _ending(cut, rest) >= 0.6


def dangles(text: str) -> bool:
    """Whether a text ends on what leaves the reader waiting: "of", "with regard", "a set", "(" ..."""
    text = text.strip()
    last = text.rsplit(None, 1)[-1].lower().rstrip(".") if text else ""
    return (
        not text
        or text[-1] in _TRAILING
        or last in _DANGLING
        or any(text.count(opening) > text.count(closing) for opening, closing in _PAIRS)
        or _WANTS_MORE.search(text) is not None
        or _PART_OF.search(text) is not None
    )


def word_cut(text: str, limit: int) -> str:
    """The text cut where a word ends within `limit`, and tidied; one overlong "word" is cut anyway."""
    end = limit
    while end > 0 and _inside_word(text, end):
        end -= 1
    if end == 0:  # one enormous "word" (a hash, a URL): nothing better than cutting it
        return text[:limit]
    return tidy(text[:end]) or text[:end].strip()


def _inside_word(text: str, at: int) -> bool:
    left, right = text[at - 1], text[at]
    return not (left.isspace() or right.isspace() or is_cjk(left) or is_cjk(right))


def tidy(text: str) -> str:
    """Trim a cut so it ends like a phrase: no dangling "and"/"of", no open bracket, no end mark."""
    for _ in range(20):
        before = text
        text = text.strip().rstrip(_TRAILING + ".。．!！?？ ").strip()
        for opening, closing in _PAIRS:
            if text.count(opening) > text.count(closing):
                text = text[: text.rfind(opening)]
            elif text.endswith(closing) and text.count(closing) > text.count(opening):
                text = text[:-1]  # the end of an aside whose start was cut off
        if text.count('"') % 2:
            text = text[: text.rfind('"')]
        maths = [i for i, char in enumerate(text) if char == "$" and not text[i + 1 : i + 2].isdigit()]
        if len(maths) % 2:  # an open "$...": LaTeX maths cut in half ("$35" is money, not maths)
            text = text[: maths[-1]]
        last = text.rsplit(None, 1)
        if len(last) == 2 and last[1].lower().rstrip(".") in _DANGLING:
            text = last[0]
        wanting = _WANTS_MORE.search(text)
        if wanting and wanting.start() > 0:
            text = text[: wanting.start()]
        if text == before:
            break
    return text


# LaTeX: a command, or "$x$" (but "$35" is money); or maths turned to text: "ε_2^2", "{±1}".
_MATHS = re.compile(r"\\|\$(?!\d)|\w[_^]\S|[{}]|[∈∉⊂⊆∀∃∑∏√∫≤≥]")


_MARKUP = re.compile(r"\\|\$(?!\d)|[{}]")


def has_markup(text: str) -> bool:
    """Whether the text holds what only LaTeX reads ("\\emph", "$f$", "{0, 1}"): "O(√n)" is text."""
    return _MARKUP.search(text) is not None


def has_maths(text: str) -> bool:
    """Whether the text holds maths (LaTeX, or turned to text), which reads badly in any draft."""
    return _MATHS.search(text) is not None
