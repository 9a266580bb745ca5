"""Is a generated text faithful to its source? Every number and every name in it must be there.

A name is what a model invents most readily and a reader checks least: a model, a dataset,
a method or an organisation. Without a tagger, names are told by their shape — an acronym
(BERT, GAN), a word with capitals or digits inside (DeepMind, GPT-3, ResNet-50) or a
capitalised word not at the start of a sentence (Google). Numbers are compared as digits,
so "40%" needs a 40 in the source, and "10x" a 10. Words in CJK scripts are not names by
shape; Latin names inside a Chinese or Japanese text are, and are checked the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Not the digits inside a name ("GPT-4" is checked as a name) or a word.
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.\-])\d+(?:[.,]\d+)*")
# A run of letters, digits, and inner hyphens or dots: "GPT-3", "ResNet-50", "Llama-2-7B".
# A dot joins only when a digit or a small letter follows ("H.264", "Node.js"): in
# "stability.They" it ends a sentence whose space was lost.
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+|\.(?=[a-z0-9])[A-Za-z0-9]+)*")
_SENTENCE_END = re.compile(r"[.!?:。！？：]\s*$|^\s*$")
# Capitalised words a sentence may hold anywhere without being names.
_COMMON = frozenset(
    {
        "I",
        "A",
        "An",
        "The",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "Its",
        "We",
        "Our",
        "They",
        "Their",
        "He",
        "She",
        "In",
        "On",
        "For",
        "With",
        "Without",
        "And",
        "Or",
        "But",
        "AI",
        "ML",
    }
)


@dataclass(frozen=True)
class Problem:
    kind: str  # "number" | "name"
    value: str

    def __str__(self) -> str:
        return f'the {self.kind} "{self.value}" is not in the source'


def check(text: str, source: str, allowed: tuple[str, ...] = ()) -> list[Problem]:
    """What `text` states that `source` does not: numbers and names, each once, in order.

    `allowed`: further words it may use (a glossary's renderings, the newsletter's name).
    """
    found: list[Problem] = []
    source_numbers = {_digits(n) for n in _NUMBER.findall(source)}
    haystack = _folded(" ".join((source, *allowed)))
    for number in _NUMBER.findall(text):
        if _digits(number) not in source_numbers and not _spelled(number, haystack):
            found.append(Problem("number", number))
    for name in names(text):
        if _folded(name) not in haystack and _folded(name.removesuffix("s")) not in haystack:
            found.append(Problem("name", name))
    return list(dict.fromkeys(found))


def names(text: str) -> list[str]:
    """The words of `text` shaped like names (see the module's docstring)."""
    found = []
    for match in _TOKEN.finditer(text):
        word = match.group()
        before = text[: match.start()]
        starts_sentence = bool(_SENTENCE_END.search(before)) or before.endswith(("\n", "“", '"', "("))
        if _is_name(word, starts_sentence):
            found.append(word)
    return found


def _is_name(word: str, starts_sentence: bool) -> bool:
    if word in _COMMON:
        return False
    inner_capital = any(c.isupper() for c in word[1:])
    has_digit = any(c.isdigit() for c in word)
    if inner_capital or (has_digit and word[0].isupper()):
        return True  # BERT, DeepMind, GPT-3: a name wherever it stands
    return word[0].isupper() and not starts_sentence and len(word) > 1


def _digits(number: str) -> str:
    return number.replace(",", "")


_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)
_CJK_WORDS = "零一二三四五六七八九十"


def _spelled(number: str, haystack: str) -> bool:
    """A small count the source spells out: "three datasets" -> "3 datasets", 三 -> 3."""
    if not number.isdigit() or int(number) >= len(_WORDS):
        return False
    value = int(number)
    if re.search(rf"\b{_WORDS[value]}(?:fold)?\b", haystack):
        return True
    return value <= 10 and _CJK_WORDS[value] in haystack


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())
