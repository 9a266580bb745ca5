"""Where the numbers of a text are, however written: digits with their scale and sign ("1.5B",
"12%", "3.4x"), words ("a hundred", "twenty-five", "a third less"), fractions and orders of
magnitude, decades, CJK numerals and counters (十分之一, 三百多次, 4割, 3億5000万), months.
Digits that are part of a name ("GPT-4", "Llama-3.2-1B", "3D", "256x256") are not numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlnews.faithful.numerals import CJK, FRACTIONS, WORD, WORDS, cjk_value, words_value
from mlnews.faithful.units import UNIT_PATTERNS, cjk_script
from mlnews.faithful.words import ORDINARY

_SCALE = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "million": 1e6,
    "b": 1e9,
    "billion": 1e9,
    "t": 1e12,
    "trillion": 1e12,
    "万": 1e4,
    "萬": 1e4,
    "亿": 1e8,
    "億": 1e8,
    "千": 1e3,
}


_FACTOR = re.compile(r"(?:×|\bfactor of)\s?~?\s?$")


_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


_MONTH_NAME = re.compile(r"\b(" + "|".join(m[:3].capitalize() + f"(?:{m[3:]}|\\.)" for m in _MONTHS) + r")\b")


_MONTH_CJK = re.compile(r"(?<![\d.])(1[0-2]|[1-9])\s?月")


@dataclass
class Mention:
    start: int
    end: int
    value: float
    digits: str
    kind: str
    decimals: int = 0
    spelled: bool = False
    approx: bool = False


_NUM = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


_SUFFIX = (
    r"(?P<scale>\s?(?:[kKMBT](?![A-Za-z])|thousand|million|billion|trillion|(?:多|余)?[万萬亿億千](?!分)))?"
    r"(?P<unit>\s?(?:%|percent(?:age points?)?|per cent|pp(?![a-z])|points?|个百分点|个点|ポイント"
    r"|[x×](?![A-Za-z0-9])|times|-?fold|倍))?"
)


# Not the digits of a name ("GPT-4", "ResNet-50"), but the second number of a range ("9-36"),
# …and a number after a minus sign ("degrades by -1.8 pp"): compared by its size
_DIGITS = re.compile(
    rf"(?:(?<![A-Za-z0-9_.\-/])|(?<=[\d×%][-–])|(?<=[\s(]-))(?P<num>{_NUM})(?![\d/]){_SUFFIX}"
)


_FRACTION = re.compile(r"(?<![A-Za-z0-9_.\-/])(?P<a>\d+)\s?/\s?(?P<b>\d+)(?![\d/])")


_WORD_NUMBER = re.compile(
    rf"(?i)\b(?P<num>{WORDS})(?P<unit>[\s-]?(?:fold|percent|per cent|times)|\s+orders?\s+of\s+magnitude)?\b"
)


_ORDINAL = re.compile(
    rf"(?i)\b(?P<num>an?|one|{WORDS})[\s-]+(?P<den>{'|'.join(sorted(FRACTIONS, key=len, reverse=True))})\b"
)


# Cheap looks for a word some pattern needs: most texts have none, and the patterns are long.
_MULTIPLE_WORD = re.compile(r"twice|doubl|tripl|quadrupl|fold")
_FRACTION_WORD = re.compile("|".join(sorted(FRACTIONS, key=len, reverse=True)))
_NUMBER_WORD = re.compile(rf"\b(?:{WORD})\b")
_SHARE = re.compile(r"\s+(?:less|fewer|smaller|lower|cheaper|more|higher|larger)\b")


# "a century old", "two decades": years in words
_CENTURY = re.compile(rf"(?i)\b(?:(?P<n>{WORDS})[\s-]+|an?\s+)?(?P<unit>centur(?:y|ies)|decades?)\b")


_HALF = re.compile(r"(?i)\b(?:halv(?:e|es|ed|ing)|half (?:the|as|of the)|in half|by half)\b|一半|半分|半数")


_MULTIPLE = re.compile(
    r"(?i)\b(?:(?P<two>twice|double[sd]?|doubling)|(?P<three>triple[sd]?|tripling)|(?P<four>quadruple[sd]?)"
    r"|(?P<n>two|three|four|five|six|seven|eight|nine|ten|twenty|hundred|thousand|million)fold)\b"
)


_MAGNITUDE = re.compile(
    r"(?i)\b(?P<n>several|many|(?:\d+|an?|one|two|three|four|five|six)\s+)?orders?\s+of\s+magnitude\b"
)


_CJK_PERCENT = re.compile(rf"百分之(?P<num>[{CJK}点\d.]+)")


_CJK_FRACTION = re.compile(rf"(?P<b>[{CJK}\d.]+)分[之の](?P<a>[{CJK}\d.]+)")


# "3億5000万", "31万5000": one number written in two parts
_CJK_COMPOUND = re.compile(r"(?P<num>\d+(?:\.\d+)?[億亿]\d+(?:\.\d+)?[万萬](?:\d+)?|\d+[万萬]\d+)(?![\d.])")


_TENTHS = re.compile(rf"(?P<num>[\d.]+|[{CJK}]+)割")


_CJK_RATIO = re.compile(rf"(?P<num>[{CJK}]+)倍")


_CJK_MAGNITUDE = re.compile(rf"(?P<num>[{CJK}\d]+)\s?(?:个|個)?(?:数量级|桁)")


_CJK_COUNT = re.compile(
    rf"(?<![第{CJK}])(?P<num>[{CJK}]{{2,}}|[二三四五六七八九十两兩])(?!次方|次元|次関数)(?=(?:多|余)?(?:个|個|種|种|项|項|次|层|層|天|日|小时|時間|分钟|秒|轮|步|名|位|篇|款|组|組|类|類|つ|件|台|块|張|张|枚|語|言語|种语言|万|亿|億|年|か国|个国家))"
)


def mentions(text: str) -> list[Mention]:
    """Every number in `text`, however written."""
    found = []
    folded = text.casefold()  # patterns that need a word the text does not have are not run
    for m in _DIGITS.finditer(text):
        if _in_name(text, m.start(), m.end(), bool(m.group("scale") or m.group("unit"))):
            continue
        raw = m.group("num").replace(",", "")
        scale = (m.group("scale") or "").strip().lstrip("多余")
        factor = _SCALE.get(scale.casefold() if len(scale) > 1 else scale.lower(), 1)
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        kind = _kind(m.group("unit") or "")
        if _FACTOR.search(text[max(0, m.start() - 16) : m.start()]):
            kind = "ratio"  # "× 30", "a factor of ~1.9"
        found.append(Mention(m.start(), m.end(), float(raw) * factor, plain(float(raw)), kind, decimals))
    for m in _FRACTION.finditer(text):
        a, b = float(m.group("a")), float(m.group("b"))
        if a and b and a < b:
            found.append(Mention(m.start(), m.end(), b / a, plain(b / a), "ratio"))
    for m in _MAGNITUDE.finditer(text) if "magnitude" in folded else ():
        n = (m.group("n") or "").strip().casefold()
        plural = "orders" in m.group().casefold()
        count = (
            1.0
            if n in ("a", "an") or not (n or plural)
            else float(n)
            if n.isdigit()
            else words_value(n)
            if n
            else None
        )
        value = 10.0**count if count else 100.0  # "orders of magnitude": a hundred times or more
        found.append(Mention(m.start(), m.end(), value, plain(value), "ratio", spelled=True, approx=True))
    for m in _MULTIPLE.finditer(text) if _MULTIPLE_WORD.search(folded) else ():
        n = m.group("n")
        value = (
            2.0
            if m.group("two")
            else 3.0
            if m.group("three")
            else 4.0
            if m.group("four")
            else words_value(n or "") or 0
        )
        found.append(Mention(m.start(), m.end(), value, plain(value), "ratio", spelled=True))
    for m in _CENTURY.finditer(text) if ("centur" in folded or "decade" in folded) else ():
        count = words_value(m.group("n") or "one") or 1.0
        value = count * (100 if m.group("unit").casefold().startswith("centur") else 10)
        found.append(Mention(m.start(), m.end(), value, plain(value), "count", spelled=True))
    for m in _HALF.finditer(text) if ("hal" in folded or "半" in text) else ():
        found.append(Mention(m.start(), m.end(), 2.0, "2", "ratio", spelled=True))
    for m in _ORDINAL.finditer(text) if _FRACTION_WORD.search(folded) else ():
        denominator = FRACTIONS[m.group("den").casefold()]
        numerator = words_value(m.group("num")) or 1
        share = _SHARE.match(text, m.end())
        if share and denominator:
            # "a third less memory": a change of a share, 33%, not a ratio
            value = round(100 * numerator / denominator, 1)
            found.append(
                Mention(m.start(), m.end(), value, plain(value), "percent", spelled=True, approx=True)
            )
            continue
        if m.group("num").casefold() in ("a", "an") and re.match(
            r"\s+(?!of\b|the\b|as\b)[a-z]", text[m.end() :]
        ):
            continue  # "a third approach" is no fraction; "a tenth of", "to a tenth." are
        if denominator and denominator > numerator:
            found.append(
                Mention(
                    m.start(),
                    m.end(),
                    denominator / numerator,
                    plain(denominator / numerator),
                    "ratio",
                    spelled=True,
                )
            )
    for m in _WORD_NUMBER.finditer(text) if _NUMBER_WORD.search(folded) else ():
        value = words_value(m.group("num"))
        unit = (m.group("unit") or "").strip(" -").casefold()
        if value is not None and "magnitude" not in unit:
            found.append(Mention(m.start(), m.end(), value, plain(value), _kind(unit), spelled=True))
    for m in _MONTH_NAME.finditer(text):
        month = next(i for i, name in enumerate(_MONTHS, 1) if name.startswith(m.group(1).casefold()[:3]))
        found.append(Mention(m.start(), m.end(), float(month), str(month), "month", spelled=True))
    if cjk_script(text):
        found += _cjk(text)
    return found


def _cjk(text: str) -> list[Mention]:
    """Numbers in Chinese or Japanese: 百分之四十, 4割, 三倍, 十分之一, 3億5000万, 三个数量级, 5月."""
    found = []
    for pattern, kind in (
        (_CJK_PERCENT, "percent"),
        (_TENTHS, "percent"),
        (_CJK_RATIO, "ratio"),
        (_CJK_COUNT, "count"),
    ):
        for m in pattern.finditer(text):
            value = cjk_value(m.group("num"))
            if value is not None:
                value = value * 10 if pattern is _TENTHS else value
                found.append(
                    Mention(
                        m.start(),
                        m.end(),
                        value,
                        plain(value),
                        kind,
                        spelled=not m.group("num")[0].isdigit(),
                    )
                )
    for m in _CJK_FRACTION.finditer(text):
        top, bottom = cjk_value(m.group("a")), cjk_value(m.group("b"))
        if top and bottom and top < bottom:
            ratio = bottom / top
            found.append(Mention(m.start(), m.end(), ratio, plain(ratio), "ratio", spelled=True))
    for m in _CJK_COMPOUND.finditer(text):
        value = cjk_value(m.group("num"))
        if value is not None:
            found.append(Mention(m.start(), m.end(), value, plain(value), "count"))
    for m in _CJK_MAGNITUDE.finditer(text):
        count = cjk_value(m.group("num"))
        if count:
            found.append(
                Mention(m.start(), m.end(), 10.0**count, plain(10**count), "ratio", spelled=True, approx=True)
            )
    for m in _MONTH_CJK.finditer(text):
        found.append(Mention(m.start(), m.end(), float(m.group(1)), m.group(1), "month"))
    return found


def _in_name(text: str, start: int, end: int, counted: bool) -> bool:
    """ "WSJ0-3mix", "v2-8", "RTX 2080Ti", "3D", "256x256": digits that are part of a name."""
    if (
        start
        and text[start - 1] in "-–"
        and re.search(r"[A-Za-z][A-Za-z0-9_.-]*\d$", text[max(0, start - 20) : start - 1])  # Llama-3.2-1B
    ):
        return True
    if re.match(r"[\d.,]+\s?[×x]\s?\d", text[start : end + 4]) or (
        start and re.search(r"\d\s?[×x]\s?$", text[max(0, start - 4) : start])
    ):
        return True  # a resolution or a shape, not a factor
    version = re.search(r"(?<![A-Za-z])([A-Z][a-z]+) $", text[max(0, start - 16) : start])
    if version and not counted and version.group(1).casefold() not in ORDINARY:
        return True  # "Claude 3.5", "Sabia 3", "Llama 2": a model's version
    index = re.search(r"(?<![A-Za-z])([A-Z&]{2,}) $", text[max(0, start - 8) : start])
    if index and not counted and text[start:end].isdigit():
        # "CSI 300", "S&P 500", "SSE 50": an index's name; "FID 9.60", "AP 50" are measures
        return not any(pattern.fullmatch(index.group(1).casefold()) for _n, _f, pattern in UNIT_PATTERNS)
    return not counted and bool(
        re.match(r"[A-Z][a-z]|[AD](?![A-Za-z])|[A-Za-z]\d|-[A-Z]", text[end : end + 2])
    )


def _kind(unit: str) -> str:
    unit = unit.strip().casefold()
    if not unit:
        return "count"
    if unit in ("x", "×", "times", "fold", "-fold", "倍"):
        return "ratio"
    if unit in ("point", "points", "个点", "ポイント"):
        return "count"  # "6 points of FID" is 6 FID, "2.5 个点" 2.5 of whatever was measured
    return "percent"


def plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
