"""Is a generated text faithful to its source? What stands between a model's invention and the
published issue.

The check reads claims, not tokens, in English, Chinese and Japanese (NFKC first, so １２％
is 12%):

- numbers with what they count (`mentions` finds them, `quantities` reads them, `compare`
  matches them): a number passes only where the source states it for the same kind of
  thing — the same unit ("600M FLOPs" is not "600 GFLOPs", top-1 is
  not top-5, 4.5x is not 4.5%), a change or a level alike ("by 61.1%" is not "61.1%
  accuracy"), in digits, words, fractions, orders of magnitude or CJK numerals;
- names (`names`, `cjk`): Latin names on token boundaries with their usual variants, and
  names in CJK script that must render a name of the source;
- which claim a number belongs to (`claims`): tied to a name, paired with a result, at a
  place of a "respectively" list, stated with another number, that the source gives to
  another; asymptotic bounds with what they bound (`bounds`: O(1) memory is no O(1) time);
- scope (`scope`): "all", "always", "guarantees", "state of the art", "up to 10x" made "10x",
  "might be unnecessary" made "is unnecessary".

Each `Problem` names the words, says why, and quotes what the source says instead. A model's
second opinion (`mlnews.llm.verify`, when asked for) adds problems of its own kind.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from mlnews.faithful import bounds, cjk, names, scope
from mlnews.faithful.claims import elsewhere, enumerated, paired, partner, respective, shapes, topmost
from mlnews.faithful.compare import kin, same_kind, same_noun, same_role, same_units, same_value
from mlnews.faithful.problem import Problem, context, nearest, tally
from mlnews.faithful.quantities import Quantity, quantities

__all__ = ["Problem", "check", "normal", "tally"]


def check(text: str, source: str, allowed: tuple[str, ...] = ()) -> list[Problem]:
    """What `text` states that `source` does not, each once, in the order of the text.

    `allowed`: further words it may use (a glossary's renderings, the newsletter's name, the
    title a translation keeps).
    """
    whole = normal(" ".join((source, *allowed)))
    text = names.joined(normal(text), whole)
    found = _numbers(text, normal(source), whole)
    found += [Problem("unit", words, stated) for words, stated in bounds.problems(text, normal(source))]
    for name, _start in names.names(text):
        longer = names.missing(name, whole, text)
        if longer is not None:
            found.append(Problem("inside", name, longer) if longer else Problem("name", name))
    for name, latin in cjk.problems(text, whole, " ".join(allowed)):
        found.append(Problem("name", f"{name} ({latin})" if latin else name))
    for words, hedge in scope.problems(text, normal(source)):
        found.append(Problem("scope", words, hedge))
    return list(dict.fromkeys(found))


@lru_cache(maxsize=512)
def normal(text: str) -> str:
    """NFKC (full-width digits and signs as ASCII), LaTeX's marks as what they print, one space."""
    text = unicodedata.normalize("NFKC", text)
    for latex, plain in _LATEX:
        text = text.replace(latex, plain)
    text = re.sub(r"\\(?:math[a-z]*|text[a-z]*|emph|operatorname)\{([^{}]*)\}", r"\1", text)  # \mathsf{OPT}
    text = re.sub(r"\\(alpha|beta|gamma|delta|epsilon|lambda|mu|sigma|tau|omega)(?![a-z])", _greek, text)
    text = re.sub(
        r"(?<![\d{])(\d{1,3}), (\d{3})(?!\d)", r"\1,\2", text
    )  # "1, 000x": a thousands comma a PDF spaced
    text = re.sub(r"\b(from|to|by|of|than|at|over)(\d)", r"\1 \2", text)  # "from16": a lost space
    text = re.sub(r"\b(by|of|to|an?|about|up to)\s+x(\d)", r"\1 ×\2", text)  # "by x6": a factor, not x86
    text = re.sub(r"\b10\s?\^\s?\{?(\d{1,2})\}?", lambda m: str(10 ** int(m.group(1))), text)  # 10^{3}
    text = re.sub(r"(?<=[A-Za-z])\^\{?(\d+)\}?", r"\1", text)  # "D^2-GMBC" as NFKC reads D²-GMBC
    text = re.sub(r"(?<![\w.])\.(\d)", r"0.\1", text)  # ".3%": a decimal without its 0
    return " ".join(text.split())


def _greek(match: re.Match[str]) -> str:
    return unicodedata.lookup(f"GREEK SMALL LETTER {match.group(1).upper()}".replace("LAMBDA", "LAMDA"))


_LATEX = (
    ("\\%", "%"),
    ("\\times", "×"),
    ("\\sim", "~"),
    ("\\approx", "~"),
    ("\\ge", "≥"),
    ("\\le", "≤"),
    ("$", ""),
    ("---", "–"),
    ("--", "–"),
    ("\\,", ""),
)


def _numbers(text: str, source: str, whole: str) -> list[Problem]:
    found = []
    stated = quantities(source) + [q for q in quantities(whole) if q.start >= len(source)]
    said_all = quantities(text)
    found.extend(shapes(text, source))
    for said in said_all:
        if _verbatim(said, text, source):
            continue  # copied with its words: stated for the same thing, whatever the rules read
        if said.spelled and said.kind == "count" and (not said.units or said.value == 1):
            # "two new models", "one GPU": a count in words is checked when the source counts
            # the same thing ("three domains" where it has "four domains")
            counts = [q for q in stated if said.noun and kin(q.noun, said.noun)]
            if counts and said.value != 1 and not any(same_value(said, q) for q in counts):
                found.append(Problem("number", said.words, context(source, counts[0])))
            elif (
                said.value >= 3
                and not any(same_value(said, q) for q in stated)
                and not enumerated(said, source)
            ):
                # "seven best practices" where the source counts nine: a count of three or
                # more is a claim ("two" and "one" are often the writer's own; "three regions"
                # counts the source's "easy, ambiguous and hard regions")
                found.append(Problem("number", said.words, nearest(said, stated, source)))
            continue
        problem = (
            _judge(said, stated, source)
            or paired(said, said_all, stated, source)
            or partner(said, said_all, stated, source)
            or respective(said, text, stated, source)
            or topmost(said, text, stated, source)
        )
        if problem:
            found.append(problem)
    return found


def _verbatim(said: Quantity, text: str, source: str) -> bool:
    """The number, the four words before it and the word after stand in the source as in the
    text (a post cut after the number has no word after)."""
    before = re.search(r"(?:\S+\s+){3,4}$", text[: said.start])
    if before is None or not said.words:
        return False
    end = said.start + len(said.words)
    after = re.match(r"\S*(?:\s+\S+)?", text[end:])  # the rest of its token and the next word
    copied = text[before.start() : end] + (after.group() if after else "")
    return _squash(copied.rstrip(".,;:")) in _squash(source)


@lru_cache(maxsize=512)
def _squash(text: str) -> str:
    return " ".join(text.casefold().split())


def _judge(said: Quantity, stated: list[Quantity], source: str) -> Problem | None:
    same = [q for q in stated if same_value(said, q)]
    if said.value == 0 and same:
        return None  # "brought it to zero" of "reduced this to 0%": nothing is nothing
    if not same:
        digits = [q for q in stated if q.digits == said.digits and not said.spelled and q.kind != "month"]
        if digits and said.kind != "month":
            return Problem("unit", said.words, context(source, digits[0]))
        return Problem("number", said.words, nearest(said, stated, source))
    fitting = [q for q in same if same_kind(said, q) and same_units(said, q) and same_noun(said, q)]
    if not fitting:
        return Problem("unit", said.words, context(source, same[0]))
    if said.date or (said.spelled and said.value <= 12):
        return None  # a date, or "two weeks": too common a number to tie to one claim
    placed = [q for q in fitting if same_role(said, q) and not elsewhere(said, q, stated)]
    if not placed:
        return Problem("moved", said.words, context(source, fitting[0]))
    bounded = [q for q in placed if q.hedge not in ("", "~", "range")]
    if len(bounded) == len(placed) and not said.hedge:
        return Problem("hedge", said.words, context(source, bounded[0]))
    return None
