"""Numbers written as words: English ("a hundred", "one-tenth", "three orders of magnitude")
and Chinese or Japanese numerals (二十, 一百二十, 1.5万, 十分之一, 4割) read as values."""

from __future__ import annotations

import re

_ONES = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "dozen": 12,
}
_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
# The denominators of English fractions: "a tenth", "one-fifteenth", "two thirds", "a half".
_IRREGULAR = {"three": "third", "five": "fifth", "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}
FRACTIONS: dict[str, float] = {"half": 2, "halves": 2, "quarter": 4, "quarters": 4}
for _word, _value in [*_ONES.items(), *_SCALES.items()]:
    if _value > 2 and _word != "dozen":
        _ordinal = _IRREGULAR.get(_word) or (_word[:-1] + "ieth" if _word.endswith("ty") else _word + "th")
        FRACTIONS[_ordinal] = FRACTIONS[_ordinal + "s"] = float(_value)
WORD = "|".join(sorted([*_ONES, *_SCALES], key=len, reverse=True))
# "a hundred", "twenty-five", "two hundred and fifty", "a dozen".
WORDS = rf"(?:(?:an?\s+)?(?:{WORD})(?:(?:[\s-]+(?:and\s+)?)(?:{WORD}))*)"


def words_value(phrase: str) -> float | None:
    """ "two hundred and fifty" -> 250, "a thousand" -> 1000, "a dozen" -> 12."""
    total, current, seen = 0.0, 0.0, False
    for word in re.split(r"[\s-]+", phrase.casefold()):
        if word in ("a", "an"):
            continue  # "a hundred" is 100 (a scale alone counts one), "a tenfold" is 10
        if word in _ONES:
            current += _ONES[word]
            seen = True
        elif word == "hundred":
            current = (current or 1) * 100
            seen = True
        elif word in _SCALES:
            total += (current or 1) * _SCALES[word]
            current, seen = 0, True
    return total + current if seen else None


_CJK_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000}
_CJK_BIG = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8}
CJK = "零〇一二三四五六七八九十百千万萬亿億两兩"


def cjk_value(numeral: str) -> float | None:
    """二十 -> 20, 一百二十 -> 120, 1.5万 -> 15000, 三千 -> 3000; None if it is no numeral."""
    numeral = numeral.replace("点", ".").replace("點", ".")
    total, section, digit = 0.0, 0.0, None
    i = 0
    while i < len(numeral):
        char = numeral[i]
        run = re.match(r"\d+(?:\.\d+)?", numeral[i:])
        if run:
            digit = float(run.group())
            i += len(run.group())
            continue
        if char in _CJK_DIGITS:
            digit = (
                (digit or 0) * 10 + _CJK_DIGITS[char]
                if digit is not None and section == 0
                else _CJK_DIGITS[char]
            )
        elif char in _CJK_UNITS:
            section += (1 if digit is None else digit) * _CJK_UNITS[char]
            digit = None
        elif char in _CJK_BIG:
            total += (section + (digit or 0) or 1) * _CJK_BIG[char]
            section, digit = 0.0, None
        elif char == ".":
            return None
        else:
            return None
        i += 1
    value = total + section + (digit or 0)
    return value if numeral else None
