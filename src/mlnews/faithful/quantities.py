"""Numbers with what they count: "61.1% top-1 accuracy", "an order of magnitude faster",
"three datasets", "600M FLOPs", 十分之一, 4割, １２％ (full-width forms are read after NFKC).

A `Quantity` is a value, its kind (a percentage, a ratio, or a count), the unit words in its
clause (FLOPs, epochs, top-1, bandwidth), whether it states a change ("by 11.3%", "2x
faster") or a level ("61.1% accuracy"), and the hedge before it ("up to"). Two mentions of
the same value say the same thing only where these agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from mlnews.faithful.mentions import Mention, mentions
from mlnews.faithful.units import cjk_script, is_unit, nouns_units, units_of
from mlnews.faithful.words import TELLING, TERMS, stems

_CHANGE = re.compile(
    r"\b(?:by|improv\w*|gain\w*|faster|slower|fewer|less|more|higher|lower|reduc\w*|increas\w*|decreas\w*|cuts?|"
    r"speed-?ups?|boost\w*|margins?|outperform\w*|better|worse|smaller|larger|sav\w*|drops?|over|beyond|"
    r"surpass\w*|exceed\w*|relative)\b"
    r"|提高|提升|增加|降低|减少|缩短|加快|更快|更慢|更少|更多|快了|慢了|高出|超出|改进|改善|节省|领先|压缩|"
    r"比[^,。;]{1,20}?(?:高|低|快|慢|多|少)|"
    r"向上|削減|短縮|高速化|減少|増加|低減|低下|上昇|下降|上升|上回|改善|節約|縮小|少ない|多い|速い|高い|低い"
)
# "rises to 55.8%", 提升至, 降到: the number after is where it ends, a level
_TO = re.compile(r"(?:\bto|至|到)\s*$")
# "at TPR 95%", "at a 40% penetration rate": the point a result is measured at
_AT_POINT = re.compile(r"\bat\s+(?:an?\s+|the\s+)?(?:[A-Z][A-Za-z]{1,5}\s?)?$")
_RELATION = re.compile(r"\s*(?:\S{1,2}\s*)?[<>≤≥=]\s*$")
# "improving on the previous bound of 2.37287": the old value a result starts from
_PREVIOUS = re.compile(
    r"\b(?:(?:previous|prior|earlier|old)\s+(?:best\s+)?(?:[a-z-]+\s+){0,2}|(?:until now|so far|to date)\s+)"
    r"(?:of|was|is|at)\s*$"
)
_FROM = re.compile(r"(?:\bfrom|从|從)\s*$")
_UNTIL = re.compile(
    r"(?:(?<!up )\bto|\bdown to|降至|降到|降低到|降低至|减少到|减少至|提高到|提高至|提升到|提升至"
    r"|增加到|增至)\s*$"
)
_LEVEL = re.compile(
    r"\b(?:accuracy|achiev\w*|reach\w*|scores?|top-?\d|attains?|obtains?|retain\w*|maintain\w*|preserv\w*|keep\w*)\b"
    r"|达到|准确率|精度|取得|達成|正解率|を記録"
)
_HEDGE = re.compile(
    r"\b(?:up to|as (?:much|many|high|fast|large) as|at most|a maximum of)\b|高达|最多|最高|多达|至多|最大"
)
_LOOSE = re.compile(
    r"\b(?:about|around|nearly|almost|approximately|roughly|over|more than|less than|at least|some|under|"
    r"below|above)\b"
    r"|~|约|大约|近|超过|将近|約|ほぼ|およそ|以上|以下|未満|多|余|超"
)
_RANGE = re.compile(r"^\s*(?:to|and|-|–|~|〜|到|至|から|～)\s*$")
_SENTENCE_END = re.compile(r"\.(?:\s|$)|[!?;](?!\d)|[。！？；]")
_CLAUSE_END = re.compile(rf"{_SENTENCE_END.pattern}|,\s(?:while|whereas|but)\b|;")
_LIST = re.compile(r"^\s*(?:,|,?\s*and|,?\s*or|、|和|と)\s*$")
_CLAUSE = re.compile(
    r"[,;:()\[\]。，；：、（）]|\.\s|\b(?:and|while|but|whereas|with|versus|vs)\b|并且|而|および|と"
)


@dataclass(frozen=True)
class Quantity:
    value: float  # scaled: "1.5B" -> 1.5e9; a ratio is at least 1 ("one tenth" -> 10)
    digits: str  # the number as written, without its scale: "600" of "600M FLOPs"
    kind: str  # "percent" | "ratio" | "count" | "month"
    units: frozenset[str]
    change: bool | None  # a change ("by 2%"), a level ("2% accuracy"), or not said
    hedge: str  # "up to" for a bound, "~" for a rough figure, "range" for one end of a range
    words: str  # as written
    start: int
    decimals: int  # the precision written: "88.6" rounds "88.55"
    spelled: bool  # in words, not digits: a small count in words is checked only with a unit
    approx: bool = False  # "orders of magnitude": roughly, not exactly
    anchors: frozenset[str] = frozenset()  # the names and numbers in its clause
    named: frozenset[str] = frozenset()  # the names of its whole sentence
    listed: bool = False  # in a list matched "respectively": its neighbours say nothing of it
    noun: str = ""  # the word it counts, when no unit says: "domains" of "four domains"
    end: str = ""  # "from" (where a change starts), "to" (where it ends), "at" (a point measured at)
    split: str = ""  # "test" or "dev": the part of a benchmark it was measured on, when said
    condition: str = ""  # "with" or "without": "3.4x slowdown without NUMA-aware placement"
    topic: frozenset[str] = frozenset()  # the stems of the words around it in its sentence
    date: bool = False  # a year, a day of a month: a fact of its own, no claim to move
    cjk: bool = False  # written in a Chinese or Japanese sentence
    sentence: int = 0  # which sentence of its text it is in
    clause: int = 0  # which clause ("…, while with test-time augmentation it reaches 55.8%")


def quantities(text: str) -> list[Quantity]:
    """Every number `text` states, with what it counts; `text` is NFKC-normalised already."""
    return list(_quantities(text))


_KANA = re.compile("[\u3040-\u30ff]")


@lru_cache(maxsize=256)
def _quantities(text: str) -> tuple[Quantity, ...]:
    japanese = bool(_KANA.search(text))
    kept: list[Mention] = []
    end = -1
    for mention in sorted(mentions(text), key=lambda m: (m.start, -(m.end - m.start))):
        if mention.start >= end:
            kept.append(mention)
            end = mention.end
    found: list[Quantity] = []
    for i, m in enumerate(kept):
        floor = kept[i - 1].end if i else 0
        ceiling = kept[i + 1].start if i + 1 < len(kept) else len(text)
        before, after = _window(text, floor, m.start, m.end, ceiling)
        words = text[m.start : m.end]
        noun = _noun(text[m.end : m.end + 48])
        # "1508 examples covering nine types": what follows a count is what it counts, and
        # only that ("9 teams of students" counts teams)
        counted = after.casefold()
        if noun and not nouns_units(noun) and noun in counted:
            counted = counted[: counted.index(noun) + len(noun)]
        units, scale = units_of(counted, words.casefold(), "" if noun else before.casefold())
        units = frozenset() if m.kind == "month" else units
        cue = (
            f"{after[:8]}"
            if japanese
            else (before[-8:] if cjk_script(words + before[-1:]) else f"{before} {after}")
        )
        change = (bool(_CHANGE.search(cue.casefold())) and not _TO.search(before)) or m.kind == "ratio"
        level = bool(_LEVEL.search(f"{before} {after}".casefold()))
        hedge = _HEDGE.search(_near_words(text, floor, m.start, True, chars=24).casefold())
        loose = _LOOSE.search(before.casefold()[-12:])
        ranged = bool(i and _RANGE.match(text[floor : m.start]))
        found.append(
            Quantity(
                value=m.value * scale,
                digits=m.digits,
                kind=m.kind,
                units=units,
                change=True if change else (False if level else None),
                hedge=hedge.group().strip() if hedge else ("range" if ranged else ("~" if loose else "")),
                words=words.strip(),
                start=m.start,
                decimals=m.decimals,
                spelled=m.spelled,
                approx=m.approx,
                anchors=_anchors(
                    # in Chinese and Japanese the names a number is said of may open its clause
                    _near_words(text, 0, m.start, True, chars=40, commas=False),
                    # in Chinese and Japanese what a number is about comes before it: after it
                    # stands the noun it modifies ("32 个预测任务的 GNN 设计空间")
                    "" if cjk_script(before + words + after) else _near_words(text, m.end, len(text), False),
                )
                | _counted(kept, i, text),
                named=_names_of(_sentence_of(text, m.start, m.end)),
                listed=bool(_RESPECTIVELY.search(text[m.end : m.end + 200].split(". ")[0])),
                noun=noun,
                end=_end_of(before),
                split=_split_of(f"{before} {after}"),
                condition=_condition(text[m.end : m.end + 40]),
                topic=_topic(text, m.start, m.end),
                date=_date(text, m, noun),
                cjk=cjk_script(before + words + after),
                sentence=len(_SENTENCE_END.findall(text, 0, m.start)),
                clause=len(_CLAUSE_END.findall(text, 0, m.start)),
            )
        )
    return tuple(_ranges(found, text))


def _ranges(found: list[Quantity], text: str) -> list[Quantity]:
    """ "9 to 36 times", "6-40x", "百分之八到百分之四十": the first end counts what the second does."""
    done = list(found)
    for i in reversed(range(len(done) - 1)):
        first, second = done[i], done[i + 1]
        between = text[first.start + len(first.words) : second.start]
        if first.kind == "count" and (second.units or second.kind != "count") and _RANGE.match(between):
            # "two to three orders of magnitude": the first end is a count of orders too
            kind = second.kind if second.kind in ("percent", "ratio") else first.kind
            value = 10**first.value if second.approx and first.value < 10 else first.value
            done[i] = replace(
                first, kind=kind, units=second.units, value=value, hedge="range", approx=second.approx
            )
        elif first.kind in ("count", second.kind) and not first.spelled and _LIST.match(between):
            if second.kind == "percent" or (first.kind == second.kind and not first.units):
                # "32, 68, and 94%", "78.2%, 76.5% and 71.0% top-1": a list shares its last one's sign
                done[i] = replace(first, kind=second.kind, units=first.units | second.units)
        elif _RANGE.match(between) and not first.hedge:
            done[i] = replace(first, hedge="range")
    return done


def _date(text: str, m: Mention, noun: str) -> bool:
    """A month, a year ("in 2020", not "2048 cores"), a day (13日)."""
    if m.kind == "month" or (m.kind == "count" and 1900 <= m.value <= 2100 and m.decimals == 0 and not noun):
        return True
    return m.kind == "count" and m.value <= 31 and bool(re.match(r"\s?(?:日|号)", text[m.end : m.end + 2]))


_SPLITS = (
    ("test", re.compile(r"(?i)\btest(?:ing)?\b(?!-time)|测试|テスト")),
    ("dev", re.compile(r"(?i)\b(?:dev|development|validation|val)\b|验证|开发|検証|開発|バリデーション")),
)


_CONDITION = re.compile(r"\s*(?:[\w-]+\s+){0,2}?(without|w/o|with)\b", re.IGNORECASE)


def _condition(after: str) -> str:
    """ "1.15x slowdown with NUMA-aware placement" against "3.4x slowdown without" it."""
    found = _CONDITION.match(re.split(r"[.;()]", after)[0])
    return "" if found is None else ("with" if found.group(1).casefold() == "with" else "without")


def _split_of(words: str) -> str:
    """ "71.1% dev", "on the test set", テストセットで: the split a score is of, if one is named."""
    named = [name for name, pattern in _SPLITS if pattern.search(words)]
    return named[0] if len(named) == 1 else ""


def _end_of(before: str) -> str:
    """ "from 1.47 m/s": where a change starts; "down to", 降至, に: where it ends."""
    before = _RELATION.sub("", before)  # "down to ω < 2.37286": the words before the relation
    if _FROM.search(before) or _PREVIOUS.search(before):
        return "from"
    if _AT_POINT.search(before):
        return "at"
    return "to" if _UNTIL.search(before) else ""


def _noun(after: str) -> str:
    """The plural noun right after a count ("four domains" -> "domain"), if one is."""
    match = re.match(
        r"(?:\s+of(?:\s+the|\s+all)?)?"  # "80% of the photon counts"
        r"\s(?:(?!of\s|the\s|and\s|or\s|with\s|in\s|on\s|for\s)(?:[a-z][a-z-]*|[A-Z][\w-]*)\s){0,3}?"
        r"(?!(?:this|thus|was|has|does|plus|versus|bias|various|previous|always|perhaps)\b)([a-z]{2,}[a-rt-z]s)\b"
        r"|-([a-z]{3,})\b(?!-)",  # "242-person"
        after,
    )
    if not match:
        return ""
    if match.group(2):
        return match.group(2)
    plural = match.group(1)
    if plural.endswith("ies"):
        return plural[:-3] + "y"  # "categories", "studies"
    return plural.removesuffix("es" if plural.endswith("sses") else "s")


def _window(text: str, floor: int, start: int, stop: int, ceiling: int) -> tuple[str, str]:
    """The words of a number's clause: a few before it and after, up to the next number."""
    before = text[max(floor, start - 60) : start].replace(")", " ").replace("）", " ")
    after = text[stop : min(ceiling, stop + 50)]
    cut = list(_CLAUSE.finditer(before))
    if cut:
        before = before[cut[-1].end() :]
    first = _CLAUSE.search(after)
    if first:
        after = after[: first.start()]
    if cjk_script(text[start:stop] + before[-3:] + after[:3]):
        return before[-10:], after[:14]
    return " ".join(before.split()[-5:]), " ".join(after.split()[:4])


# ASCII edges, not \b: in "面向ImageNet的" the name stands between word characters
_ANCHOR = re.compile(
    r"(?<![A-Za-z0-9_-])(?:[A-Z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9-]*|[A-Z]{2,}[a-z]*|[A-Z][a-z]+(?:-[A-Za-z0-9]+)+)"
    r"(?![A-Za-z0-9_])"
)


_RESPECTIVELY = re.compile(r"respectively|分别|それぞれ")
_BREAK = re.compile(r"[.;:!?。；：！？()\[\]（）]\s|[;:()\[\]（）。；]")
_SENTENCE = re.compile(r"[.;:!?。；：！？()\[\]（）,，]\s|[;:()\[\]（）。；，、]|,(?!\d)")


_JOINED = re.compile(r"\s(?:and|while|whereas|but|versus|vs\.?)\s(?=[^.;]*?\d)")


def _near_words(text: str, a: int, b: int, before: bool, chars: int = 12, commas: bool = True) -> str:
    """Up to seven words of a number's clause on one side (`chars` characters of Chinese or
    Japanese): what the number is said of."""
    part = text[max(a, b - 80) : b] if before else text[a : min(b, a + 80)]
    if before:  # "(at TPR 95%) by 18.03%": a closed aside before a number is part of its clause
        part = re.sub(r"[(（]([^()（）]*)[)）]", r" \1 ", part)
    cuts = list((_SENTENCE if commas else _BREAK).finditer(part))
    if cuts:
        part = part[cuts[-1].end() :] if before else part[: cuts[0].start()]
    if not before:
        # "by 13x and that of Pix2Pix by 4x": what follows the "and" is the next number's
        joined = _JOINED.search(part)
        if joined:
            part = part[: joined.start()]
    if cjk_script(part):
        # whole Latin words at the edge: "MicroNet-M1", not "croNet-M1"
        edge = (
            re.search(r"[A-Za-z0-9-]*$", part[: len(part) - chars])
            if before
            else re.match(r"[A-Za-z0-9-]*", part[chars:])
        )
        extra = edge.group() if edge else ""
        return extra + part[-chars:] if before else part[:chars] + extra
    words = part.split()
    return " ".join(words[-6:] if before else words[:7])


def _sentence_of(text: str, start: int, end: int) -> str:
    before = re.split(r"[.;!?。；！？]\s|[。；！？]", text[max(0, start - 300) : start])[-1]
    after = re.split(r"[.;!?。；！？]\s|[。；！？]", text[end : end + 300])[0]
    return f"{before} {after}"


def _topic(text: str, start: int, end: int) -> frozenset[str]:
    """The stems of the content words of a number's sentence near it: what it is about (in
    Chinese or Japanese, the English of the terms of its sentence: 既製のトラッカー, tracker)."""
    if cjk_script(text[max(0, start - 3) : end + 3]):
        # its clause: up to a comma, not a 、 (既製のトラッカーと比べ、…60%削減)
        clause = (
            re.split(r"[,;。；]", text[max(0, start - 80) : start])[-1]
            + re.split(r"[,;。；]", text[end : end + 80])[0]
        )
        return stems(
            " ".join(english for term, english in TERMS.items() if term in clause and english in TELLING)
        )
    before = re.split(r"[.;!?。；！？]\s", text[max(0, start - 120) : start])[-1].split()[-9:]
    after = re.split(r"[.;!?。；！？]\s", text[end : end + 120])[0].split()[:9]
    return stems(" ".join([*before, *after]))


def _counted(kept: list[Mention], i: int, text: str) -> frozenset[str]:
    """A count beside a number in its clause ("93.0% of events with 7 jets"): an anchor too."""
    found = set()
    for j in (i - 1, i + 1):
        if 0 <= j < len(kept):
            a, b = sorted((kept[i], kept[j]), key=lambda m: m.start)
            between = text[a.end : b.start]
            if (
                kept[j].kind == "count"
                and len(between) < 40
                and not _SENTENCE.search(between)
                and _noun(text[kept[j].end :])
            ):
                found.add(kept[j].digits)
    return frozenset(found)


@lru_cache(maxsize=512)
def _names_of(sentence: str) -> frozenset[str]:
    """The names of a sentence (its numbers share it: read once)."""
    return _anchors(sentence, "")


def _anchors(before: str, after: str) -> frozenset[str]:
    """Names and numbers near a number ("ZINC", "CPU", "7 jets"): what it is tied to. Units
    and ordinary words are left out: a unit is compared as a unit."""
    found = set()
    for word in _ANCHOR.findall(f"{before} {after}"):
        if word not in ("AI", "ML") and not is_unit(word):
            found.add(word.casefold())
    return frozenset(found)
