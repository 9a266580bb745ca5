"""Is a generated text faithful to its source? What stands between a model's invention and the
published issue.

The check reads claims, not tokens, in English, Chinese and Japanese (NFKC first, so １２％
is 12%):

- numbers with what they count (`quantities`): a number passes only where the source states
  it for the same kind of thing — the same unit ("600M FLOPs" is not "600 GFLOPs", top-1 is
  not top-5, 4.5x is not 4.5%), a change or a level alike ("by 61.1%" is not "61.1%
  accuracy"), in digits, words, fractions, orders of magnitude or CJK numerals;
- names (`names`, `cjk`): Latin names on token boundaries with their usual variants, and
  names in CJK script that must render a name of the source;
- scope (`scope`): "all", "always", "guarantees", "state of the art", "up to 10x" made "10x".

Each `Problem` names the words, says why, and quotes what the source says instead. A model's
second opinion (`mlnews.llm.verify`, when asked for) adds problems of its own kind.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from mlnews.faithful import bounds, cjk, names, scope
from mlnews.faithful.quantities import Quantity, quantities
from mlnews.faithful.units import family, nouns_units
from mlnews.faithful.words import TERMS


@dataclass(frozen=True)
class Problem:
    kind: str  # a key of _WHY: "number", "unit", "moved", "hedge", "name", "inside", "scope", "model"
    value: str  # the text's words
    source_says: str = ""  # what the source says instead, when it says something

    def __str__(self) -> str:
        instead = f'; the source says "{self.source_says}"' if self.source_says else ""
        return _WHY[self.kind].format(value=self.value) + instead


_WHY = {
    "number": 'the number "{value}" is not in the source',
    "unit": '"{value}" counts something else in the source',
    "moved": '"{value}" belongs to another claim in the source',
    "hedge": '"{value}" drops the source\'s bound',
    "name": 'the name "{value}" is not in the source',
    "inside": 'the name "{value}" is only part of a longer name in the source',
    "scope": '"{value}" claims more than the source',
    "model": 'the model finds "{value}" unsupported by the source',
}


# How each kind is counted in a run's summary line.
_TALLY = {
    "number": "numbers not in the source",
    "unit": "units changed",
    "moved": "numbers moved",
    "hedge": "bounds dropped",
    "name": "names not in the source",
    "inside": "names cut from longer ones",
    "scope": "claims wider than the source",
    "model": "sentences the model doubts",
}
_KINDS = [
    (kind, re.compile(re.escape(why).replace(re.escape("{value}"), ".+?"))) for kind, why in _WHY.items()
]


def tally(flags: list[str]) -> dict[str, int]:
    """What a run's flag lines found, by kind ("numbers moved": 2), for its summary line."""
    counts: dict[str, int] = {}
    for line in flags:
        for part in line.split("; "):
            kind = next((k for k, pattern in _KINDS if pattern.search(part)), None)
            if kind is not None:
                counts[_TALLY[kind]] = counts.get(_TALLY[kind], 0) + 1
    return counts


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
    found.extend(_shapes(text, source))
    for said in said_all:
        if _verbatim(said, text, source):
            continue  # copied with its words: stated for the same thing, whatever the rules read
        if said.spelled and said.kind == "count" and (not said.units or said.value == 1):
            # "two new models", "one GPU": a count in words is checked when the source counts
            # the same thing ("three domains" where it has "four domains")
            counts = [q for q in stated if said.noun and _kin(q.noun, said.noun)]
            if counts and said.value != 1 and not any(_same_value(said, q) for q in counts):
                found.append(Problem("number", said.words, _context(source, counts[0])))
            elif said.value >= 3 and not any(_same_value(said, q) for q in stated):
                # "seven best practices" where the source counts nine: a count of three or
                # more is a claim ("two" and "one" are often the writer's own)
                found.append(Problem("number", said.words, _nearest(said, stated, source)))
            continue
        problem = (
            _judge(said, stated, source)
            or _paired(said, said_all, stated, source)
            or _partner(said, said_all, stated, source)
            or _respective(said, text, stated, source)
            or _topmost(said, text, stated, source)
        )
        if problem:
            found.append(problem)
    return found


_SHAPE = re.compile(r"(?<![\w.])(\d+)\s?[x×]\s?(\d+)(?!\w|\.\d)")


def _shapes(text: str, source: str) -> list[Problem]:
    """ "up to 1024x1024" where the source stops at 512x512: a resolution is read as a name
    by the number rules, so it is checked here, as a pair, or its side alone in the source."""
    stated = {m.groups() for m in _SHAPE.finditer(source)}
    found = []
    for m in _SHAPE.finditer(text):
        if m.groups() not in stated and not re.search(rf"(?<![\d.]){m.group(1)}(?![\d.])", source):
            shapes = ", ".join(f"{a}x{b}" for a, b in sorted(stated, key=lambda p: int(p[0])))
            found.append(Problem("number", m.group(), shapes))
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


def _paired(said: Quantity, text: list[Quantity], stated: list[Quantity], source: str) -> Problem | None:
    """ "6 MFLOPs … 61.1% top-1" in one sentence, where the source's 61.1% comes with 12 MFLOPs:
    the text pairs a number with a result the source gives for another of its kind."""
    if not (said.units or said.noun) or said.date or said.spelled:
        return None
    mine = [q for q in stated if _same_value(said, q) and _same_units(said, q)]
    for other in text:
        if other is said or other.sentence != said.sentence or other.date or other.spelled:
            continue
        theirs = [q for q in stated if _same_value(other, q) and _same_units(other, q)]
        together = [(q, t) for q in mine for t in theirs if _stretch(source, q) == _stretch(source, t)]
        alike = other.kind == said.kind  # "10 models … 2 models", "94% … 32%": a comparison, no pair
        if together and _pairs(said, other, text) and all(_misaligned(q, t, stated) for q, t in together):
            # "6.7, 5.9 and 3.9 ms with 78.2%, 76.5% and 71.0%, respectively": 3.9 ms is 71.0%
            return Problem("moved", said.words, _context(source, together[0][0]))
        if not mine or not theirs or together or alike or not _pairs(said, other, text):
            continue
        rival = next(
            (
                q
                for t in theirs
                for q in stated
                if _stretch(source, q) == _stretch(source, t)
                and q.kind == said.kind
                and not _same_value(said, q)
                and not _same_value(other, q)
                and (q.units == said.units if said.units else q.noun == said.noun)
            ),
            None,
        )  # fmt: skip
        if rival is not None:
            return Problem("moved", said.words, _context(source, rival))
    return None


def _stretch(source: str, q: Quantity) -> tuple[int, int]:
    """The claim a number of the source is part of: its clause, cut at ", and", "; ", "while"
    ("0.17% on TSP with 500 cities, and 0.31% on TSP with 1000 cities": two claims)."""
    return q.clause, len([at for at in _joints(source) if at < q.start])


@lru_cache(maxsize=64)
def _joints(source: str) -> tuple[int, ...]:
    return tuple(m.start() for m in _JOINT.finditer(source))


_JOINT = re.compile(r",\s+(?:and|while|whereas|but)\s|;\s|\.\s")


# "linear, nonlinear, and convolutional models", "the encoder and decoder": the items a
# "respectively" list goes with
_ITEMS = re.compile(r"(?<![\w-])([\w-]+)((?:,\s*[\w-]+)*),?\s+(?:and|or)\s+([\w-]+)")


def _respective(said: Quantity, text: str, stated: list[Quantity], source: str) -> Problem | None:
    """ "linear models reach 68%" where the source has "linear, nonlinear, and convolutional
    models which attain 32, 68, and 94% accuracy respectively": 68% is the second's."""
    sides = _said_of(said, text)
    for q in stated:
        if not (q.listed and _same_value(said, q)):
            continue
        values = [x for x in stated if x.sentence == q.sentence and x.kind == q.kind]
        items = _items(values, source)
        # what the text says the number is of: the words after it, else those before it
        named = next(
            (found for side in sides if (found := [i for i, x in enumerate(items) if x in side])), []
        )
        if named and values.index(q) not in named:
            return Problem("moved", said.words, _context(source, values[named[0]]))
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


def _topmost(said: Quantity, text: str, stated: list[Quantity], source: str) -> Problem | None:
    """ "the highest MOS is 4.21" where the source lists 4.20, 4.18, 4.21 and 4.31."""
    if not _HIGHEST.search(text[max(0, said.start - 16) : said.start]):
        return None
    for q in (x for x in stated if _same_value(said, x)):
        run = [x for x in stated if x.sentence == q.sentence and x.kind == q.kind and x.units == q.units]
        top = max(run, key=lambda x: x.value)
        if len(run) >= 3 and top.value > q.value:
            return Problem("moved", said.words, _context(source, top))
    return None


_AT = re.compile(r"\s*(?:[A-Za-z/]{1,5}\s+)?(?:at|with|under|using|for|to)\s+(?:an?\s+|the\s+|only\s+)?")


def _partner(said: Quantity, text: list[Quantity], stated: list[Quantity], source: str) -> Problem | None:
    """ "33% at a 40% penetration rate", "22 kHz to 44.1 kHz": a number the source states with
    another. A text that puts it beside a third number of the partner's kind (and no other)
    has moved it."""
    if said.date or said.spelled:
        return None
    for q in (x for x in stated if _same_value(said, x) and _same_units(said, x)):
        after = [x for x in stated if x.start > q.start]
        partner = min(after, key=lambda x: x.start, default=None)
        if partner is None or not _AT.fullmatch(source[q.start + len(q.words) : partner.start]):
            continue
        beside = [x for x in text if x is not said and x.sentence == said.sentence and x.kind == partner.kind]
        lone = beside[0] if len(beside) == 1 else None
        if lone and not _same_value(lone, partner) and any(_same_value(lone, x) for x in stated):
            return Problem("moved", said.words, _context(source, q))
    return None


def _judge(said: Quantity, stated: list[Quantity], source: str) -> Problem | None:
    same = [q for q in stated if _same_value(said, q)]
    if said.value == 0 and same:
        return None  # "brought it to zero" of "reduced this to 0%": nothing is nothing
    if not same:
        digits = [q for q in stated if q.digits == said.digits and not said.spelled and q.kind != "month"]
        if digits and said.kind != "month":
            return Problem("unit", said.words, _context(source, digits[0]))
        return Problem("number", said.words, _nearest(said, stated, source))
    fitting = [q for q in same if _same_kind(said, q) and _same_units(said, q) and _same_noun(said, q)]
    if not fitting:
        return Problem("unit", said.words, _context(source, same[0]))
    if said.date or (said.spelled and said.value <= 12):
        return None  # a date, or "two weeks": too common a number to tie to one claim
    placed = [q for q in fitting if _same_role(said, q) and not _elsewhere(said, q, stated)]
    if not placed:
        return Problem("moved", said.words, _context(source, fitting[0]))
    bounded = [q for q in placed if q.hedge not in ("", "~", "range")]
    if len(bounded) == len(placed) and not said.hedge:
        return Problem("hedge", said.words, _context(source, bounded[0]))
    return None


def _same_value(said: Quantity, stated: Quantity) -> bool:
    if said.kind == "month" or stated.kind == "month":
        return said.kind == stated.kind and said.value == stated.value
    if said.kind == stated.kind == "percent" and (said.approx or stated.approx):
        return abs(said.value - stated.value) <= 0.1 * max(said.value, stated.value)  # "a third less"
    if (said.approx or stated.approx) and "percent" not in (said.kind, stated.kind):
        # "an order of magnitude" is 5x to 30x, "more than an order of magnitude" at least 9x
        low = 0.9 if said.hedge == "~" and said.approx else 1 / 2.2
        rough, exact = (said, stated) if said.approx else (stated, said)
        return said.kind == stated.kind == "ratio" and rough.value * low <= exact.value <= rough.value * 3.2
    if {said.kind, stated.kind} == {"ratio", "percent"}:
        # "one tenth" of "10% as much"; "one hundredth" of "99% smaller"; never 4.5% of 4.5x
        ratio, percent = (said, stated) if said.kind == "ratio" else (stated, said)
        share = 100 - percent.value if percent.change else percent.value
        return share > 0 and abs(ratio.value * share - 100) <= 2
    return _close(said, said.value, stated.value, stated.decimals)


def _close(said: Quantity, a: float, b: float, decimals: int) -> bool:
    if a == b:
        return True
    if said.hedge == "~":
        return (
            abs(a - b) <= 0.06 * max(abs(a), abs(b)) + 1e-9
        )  # "about 30%" of 30.87%, "almost twofold" of 1.9
    # "88.6%" of 88.55%; "89%" of 88.55% too, but not "6" of 6.27
    rounds = said.decimals > 0 or a >= 20
    scale = (
        a / float(said.digits) if said.digits.replace(".", "", 1).isdigit() and float(said.digits) else 1.0
    )
    return rounds and said.decimals < decimals and abs(a - b) <= 0.5 * 10 ** (-said.decimals) * scale + 1e-9


def _same_kind(said: Quantity, stated: Quantity) -> bool:
    if said.kind == stated.kind or {said.kind, stated.kind} == {"ratio", "percent"}:
        return True
    # A bare number says no kind: "accuracy of 40" may be written "40%"; "3 dB" is no "3x",
    # and "a third of the cost" needs a source that says a third, not one with a 3 in it.
    if said.kind == "ratio" and said.spelled:
        return False
    count = said if said.kind == "count" else stated
    return count.kind == "count" and not count.units


def _same_units(said: Quantity, stated: Quantity) -> bool:
    """Both name what they count and share nothing, or name two units of one family: no."""
    if said.units and stated.units and not said.units & stated.units:
        return False
    for unit in said.units:
        kin = {u for u in stated.units if family(u) == family(unit)}
        if kin and unit not in kin:
            return False
    return True


# Nouns that count the same things under another name.
_KIN_NOUNS = [
    {"dataset", "benchmark", "corpora", "corpu"},
    {"image", "photo", "picture"},
    {"example", "sample", "instance"},
    {"participant", "people", "user", "subject", "human", "person"},
    {"paper", "article", "publication"},
    {"model", "network", "architecture"},
    {"method", "approach", "algorithm", "technique"},
]


_PRECISE = frozenset({"users", "countries", "stages"})


def _kin(a: str, b: str) -> bool:
    return a == b or any({a, b} <= kin for kin in _KIN_NOUNS)


def _same_noun(said: Quantity, stated: Quantity) -> bool:
    """ "100 apps" is not "100 devices": two counts of different things, where both say what."""
    if said.units and stated.noun and not stated.units:
        # "461 categories" (a unit) against "461 indoor scenes" (a noun that is none); of a
        # Chinese or Japanese counter, only those that say what they count (人, か国)
        counted = {
            unit for unit in said.units if family(unit) == "count" and not (said.cjk and unit not in _PRECISE)
        }
        return not counted or bool(counted & nouns_units(stated.noun)) or stated.noun[:5] in said.topic
    if not (said.noun and stated.noun) or said.noun == stated.noun or said.units:
        return True
    if any({said.noun, stated.noun} <= kin for kin in _KIN_NOUNS):
        return True
    return said.noun[:5] in stated.topic or stated.noun[:5] in said.topic


def _same_role(said: Quantity, stated: Quantity) -> bool:
    if {said.end, stated.end} == {"from", "to"}:
        return False  # "dropped to 1.47 m/s" where 1.47 m/s is where it started
    if said.condition and stated.condition and said.condition != stated.condition:
        return False  # the result without a thing given as the result with it
    if said.split and stated.split and said.split != stated.split:
        return False  # the dev score given as the test score
    if (said.end == "at" and stated.change) or (stated.end == "at" and said.change):
        return False  # "cut FPR by 95%" where 95% is the TPR it was measured at
    if said.kind == "ratio" or stated.kind == "ratio" or "range" in (said.hedge, stated.hedge):
        return True
    if said.kind == "count" and not any(
        family(u) in ("metric", "resource") for u in said.units | stated.units
    ):
        return True  # "over 8 rollouts" and "with 8 rollouts": a count of things has no role
    return said.change is None or stated.change is None or said.change == stated.change


def _elsewhere(said: Quantity, stated: Quantity, others: list[Quantity]) -> bool:
    """The text ties the number to a name the source ties to another number, not to this one:
    "8% on ZINC" where the source has "8% on CIFAR10 and 11% on ZINC"."""
    if stated.listed:
        return False
    rivals = [q for q in others if q.value != stated.value and q.kind == said.kind and _rival_units(said, q)]
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


def _rival_units(said: Quantity, other: Quantity) -> bool:
    if other.kind == "count" and not other.units and (other.date or other.spelled):
        return False  # a year, or "one-step": no rival claim
    return bool(said.units & other.units) or not other.units


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


def _context(source: str, stated: Quantity) -> str:
    """The source's words around a number it states."""
    start = stated.start if source[stated.start :].startswith(stated.words) else source.find(stated.words)
    if start < 0:
        return stated.words
    before = source[max(0, start - 45) : start].split()[-4:]
    after = source[start + len(stated.words) : start + len(stated.words) + 45].split()[:4]
    return " ".join([*before, stated.words, *after]).strip(" ,;.")


def _nearest(said: Quantity, stated: list[Quantity], source: str) -> str:
    """The source's numbers of the same kind and unit, for the curator to compare."""
    kin = [q for q in stated if q.kind == said.kind and (not said.units or said.units & q.units)]
    return _context(source, kin[0]) if kin else ""
