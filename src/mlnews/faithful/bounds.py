"""Asymptotic bounds with what they bound: "O(1) memory", "Ω(d²) samples", "logarithmic time".

A theory paper's results are bounds, not numbers: "a Performer needs only O(1) memory during
training and still O(L) time". A summary that keeps the bound and changes what it bounds
(O(1) time) has changed the claim, as "61.1% top-5" for "61.1% top-1" does.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# What a bound is of, in English, Chinese and Japanese.
_OF = {
    "time": r"time|runtime|running time|時間|时间|计算量|計算量",
    "memory": r"memory|space|メモリ|内存|空间|記憶|存储",
    "samples": r"samples?|sample complexity|サンプル|样本",
    "parameters": r"parameters?|パラメータ|パラメーター|参数",
    "queries": r"quer(?:y|ies)|クエリ|查询",
    "regret": r"regret|リグレット|遗憾",
    "rounds": r"rounds?|iterations?|反復|迭代|ラウンド|轮",
}
_OF_RE = [(name, re.compile(rf"(?i)(?<![a-z]){pattern}(?![a-z])")) for name, pattern in _OF.items()]
_OPEN = re.compile(r"(?:Õ|[OΩΘ])\s*\(")
# "logarithmic time", 对数级内存: a bound in words
_GROWTH = {
    "log": r"logarithmic|対数|对数",
    "linear": r"linear|線形|线性",
    "quadratic": r"quadratic|二次|平方",
    "poly": r"polynomial|多項式|多项式",
    "exp": r"exponential|指数",
    "const": r"constant|定数|常数",
}
_GROWTH_RE = re.compile(
    "|".join(rf"(?P<{name}>(?<![a-z])(?:{pattern})(?![a-z]))" for name, pattern in _GROWTH.items()),
    re.IGNORECASE,
)
_LATEX = (
    (r"\\tilde\s*\{?\s*O\s*\}?", "Õ"),
    (r"\\widetilde\s*\{?\s*O\s*\}?", "Õ"),
    (r"\\Omega", "Ω"),
    (r"\\Theta", "Θ"),
    (r"\\(?:var)?epsilon", "ε"),
    (r"\\sqrt\s*\{([^{}]*)\}", r"√\1"),
    (r"\\(?:textrm|mathrm|text|operatorname)\s*\{([^{}]*)\}", r"\1"),
    (r"\\log", "log"),
    (r"\\cdot", "·"),
)


@dataclass(frozen=True)
class Bound:
    expression: str  # "O(L2)", "Ω(d2/ε)", "log": compared as written, without spaces or marks
    words: str
    start: int
    of: frozenset[str]  # what it bounds: time, memory, samples…


def plain(text: str) -> str:
    """LaTeX's bounds as a reader sees them: $\\tilde O(d^6)$ -> Õ(d6)."""
    text = unicodedata.normalize("NFKC", text).replace("$", "")
    for latex, sign in _LATEX:
        text = re.sub(latex, sign, text)
    return text


@lru_cache(maxsize=256)
def bounds(text: str) -> tuple[Bound, ...]:
    """Every bound in `text` (already through `plain`), with what it is of."""
    found = []
    for match in _OPEN.finditer(text):
        end = _closing(text, match.end() - 1)
        if end is not None:
            expression = re.sub(r"[\s{}^]", "", text[match.start() : end])
            found.append(
                Bound(expression, text[match.start() : end], match.start(), _of(text, match.start(), end))
            )
    for match in _GROWTH_RE.finditer(text):
        of = _of(text, match.start(), match.end(), after=12, before=0)
        if of:  # "linear" alone is no bound: "linear time" is
            found.append(Bound(match.lastgroup or "", match.group(), match.start(), of))
    return tuple(found)


def _closing(text: str, at: int) -> int | None:
    """The end of the bracket opened at `at`."""
    depth = 0
    for i in range(at, min(len(text), at + 80)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i + 1
    return None


def _of(text: str, start: int, end: int, after: int = 30, before: int = 160) -> frozenset[str]:
    """What the bound at start..end is of: the words after it, else those before it in its clause."""
    ahead = re.split(r"[,;.。，；、]|\bwhile\b|\band\b|\bvs\b", text[end : end + after])[0]
    behind = re.split(r"[,;.。，；]|\bwhile\b|\bvs\b", text[max(0, start - before) : start])[-1]
    for part in (ahead, behind):
        named = frozenset(name for name, pattern in _OF_RE if pattern.search(part))
        if named:
            return named
    return frozenset()


def problems(text: str, source: str) -> list[tuple[str, str]]:
    """(the text's bound, the source's) for each bound the source states of something else."""
    found = []
    stated = bounds(plain(source))
    for said in bounds(plain(text)):
        same = [b for b in stated if b.expression == said.expression]
        if said.of and same and all(b.of and not b.of & said.of for b in same):
            found.append((said.words, f"{same[0].words} {', '.join(sorted(same[0].of))}"))
    return found
