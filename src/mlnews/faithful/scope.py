"""Claims wider than the source's: "all", "always", "guarantees", "state of the art", "the
first", or "competitive with" turned into "beats". Summaries of science overgeneralise more
often than they invent (26–73% of LLM summaries did in a 2025 study): a word of scope the
source does not use is flagged, with the source's own hedge beside it.
"""

from __future__ import annotations

import re

from mlnews.faithful.words import stems

# "all", "any", "every" claim scope when they quantify what a result holds on ("on all
# benchmarks", "any task"); "every frame" or "all layers" describe a method.
_CLAIMED = r"on|across|in|for|over|outperform\w*|beat\w*|surpass\w*|than|of"
_THINGS = (
    r"(?:benchmarks?|datasets?|tasks?|settings?|cases?|scenarios?|languages?|domains?|baselines?|methods?|"
    r"metrics?|conditions?|environments?|maps?|problems?|inputs?|architectures?|models?|detectors?|tools?|"
    r"systems?|attacks?|devices?|images?|videos?|robots?|agents?|games?|graphs?)\b"
)
# A word of scope in the text (English, Chinese, Japanese), and what in an English source
# licenses it.
_SCOPE: list[tuple[str, str]] = [
    (
        rf"\b(?:{_CLAIMED})\s+all\b|\ball\s+(?:\w+\s+)?{_THINGS}|所有|全部|一切|すべて|全て|あらゆる"
        r"|各种[^，。,]{0,10}都",
        r"\b(?:all|every|entire(?:ly)?|whole)\b",
    ),
    (
        rf"\bany\s+(?:\w+\s+){{0,2}}{_THINGS}|\b(?:on|in|for|across|to) any\b|任何|任意|どんな",
        r"\b(?:any|arbitrar\w*|every)\b",
    ),
    (rf"\bevery\s+(?:\w+\s+)?{_THINGS}", r"\b(?:every|all|each)\b"),
    (
        r"\b(?:always|invariably)\b|总是|总能|总会|始终|永远|(?<!非)常に|いつも|必ず",
        r"\b(?:always|invariabl\w*|consistently)\b",
    ),
    (r"\bconsistently\b", r"\b(?:always|invariabl\w*|consistent\w*|all|every|each)\b"),
    (r"\bnever\b|从不|从未|決して", r"\b(?:never|ever)\b"),
    (
        r"\bguarantee\w*|\bprovabl\w*|\bproves?\b|保证|确保|保証|証明",
        r"\b(?:guarantee\w*|provabl\w*|prove\w*|proof|certif\w*|ensur\w*|theor\w*)",
    ),
    (
        r"\bstate[- ]of[- ]the[- ]art\b|\bsota\b|\bbest\b"
        r"|最先进|最佳|最好|最先端|最良|最善|最強|最高(?![\d.０-９]|で)",
        r"\b(?:state[- ]of[- ]the[- ]art|sota|best|outperform\w*|surpass\w*|new record|leading|superior|"
        r"record)",
    ),
    (
        r"\b(?:the first|first-ever)\b|首个|首次|第一个|首创|(?<![てで])初めて|初の|世界初",
        r"\b(?:first|pioneer\w*)\b",
    ),
    (
        r"\bmatch(?:es|ing)?\b|\bon par with\b|\bas good as\b|与[^，。]{1,12}相当|に匹敵",
        r"\b(?:match\w*|on par|comparabl\w*|competitive\w*|equal\w*|same|similar|as good as|rival\w*|"
        r"indistinguishable|outperform\w*|surpass\w*|better)",
    ),
    (
        r"\b(?:completely|fully|entirely|perfect\w*|eliminat\w*|solv\w*)\b|彻底|完全|完美|解决了|解決",
        r"\b(?:complete\w*|fully|full|entire\w*|perfect\w*|eliminat\w*|solv\w*|remov\w*)",
    ),
]
_SCOPE_RE = [
    (re.compile(claim, re.IGNORECASE), re.compile(licence, re.IGNORECASE)) for claim, licence in _SCOPE
]
_BEATS = re.compile(
    r"\b(?:outperform\w*|beat\w*|surpass\w*|better than|superior|exceed\w*|improv\w* (?:on|over|upon))\b"
    r"|优于|超过|超越|胜过|击败|上回|凌駕|勝る|打ち負か",
    re.IGNORECASE,
)
_COMPARABLE = re.compile(
    r"\b(?:competitive\w*|comparabl\w*|on par|similar to|close to|rival\w*|match(?:es|ing)?|approaching"
    r"|approach(?:es)? (?:that|those) of)\b",
    re.IGNORECASE,
)
# "not always", "not all", "不是所有": a negated scope word narrows the claim.
_NEGATED = re.compile(r"(?:\bnot|n't|\bnever|\balmost|\bnearly|不|并非|未必|とは限らない)\s*$", re.IGNORECASE)
_HEDGES = re.compile(
    r"\b(?:most|some|many|several|often|sometimes|usually|typically|can|could|may|might|up to|in some|"
    r"certain|"
    r"partially|potentially|largely|mostly|generally|competitive|comparable|nearly|almost|approximately)\b",
    re.IGNORECASE,
)


def problems(text: str, source: str) -> list[tuple[str, str]]:
    """(the text's words, the source's nearest hedge) for each claim wider than the source's."""
    found = []
    for claim, licence in _SCOPE_RE:
        match = next(
            (m for m in claim.finditer(text) if not _denied(m.group(), text[: m.start()])),
            None,
        )
        if match and not _licensed(licence, source, _sentence(text, match.start())):
            found.append((match.group(), _hedge(source)))
    found.extend(_unhedged(text, source))
    par = [m.span() for m in _MATCHES_OR.finditer(text)]
    for beats in _BEATS.finditer(text):
        if any(a <= beats.start() < b for a, b in par):
            continue  # "matches or exceeds" claims par, as its source does
        rival = _RIVAL.match(text, beats.end())
        said = _said_of(source, rival.group(1)) if rival else [source]
        beats_said = any(_BEATS.search(_MATCHES_OR.sub("", part)) for part in said)
        if any(_COMPARABLE.search(part) for part in said) and not beats_said:
            comparable = next(_COMPARABLE.search(part) for part in said if _COMPARABLE.search(part))
            assert comparable is not None
            part = next(part for part in said if _COMPARABLE.search(part))
            found.append(
                (
                    text[beats.start() : rival.end() if rival else beats.end()],
                    _around(part, comparable.start(), comparable.end()),
                )
            )
            break
    return found


# "matches or exceeds", "comparable or better": a claim of par, not of a win
_MATCHES_OR = re.compile(
    r"\b(?:match(?:es)?|comparable|competitive|on par)\s+(?:or|and sometimes|or even)\s+(?:\w+\s+)?"
    r"(?:exceed\w*|outperform\w*|surpass\w*|better|superior)",
    re.IGNORECASE,
)
# What a text says it beats: "beats SGD", "outperforms BERT-large".
_RIVAL = re.compile(r"\s+(?:the\s+)?([A-Z][A-Za-z0-9-]*[A-Za-z0-9])")


def _said_of(source: str, name: str) -> list[str]:
    """The source's clauses about `name` (a few words either side of each mention)."""
    parts = []
    for match in re.finditer(rf"\b{re.escape(name)}\b", source):
        parts.append(source[max(0, match.start() - 60) : match.end() + 30])
    return parts


def _denied(claim: str, before: str) -> bool:
    """ "not always", "not all", "without any": a word of scope that claims nothing."""
    if _NEGATED.search(before) or _DENIED.search(before):
        return True
    return "any" in claim.casefold() and bool(_NO_CLAIM.search(before))


def _licensed(licence: re.Pattern[str], source: str, said: str) -> bool:
    """The source uses the word of scope about the same thing: in a sentence sharing a word
    with the text's (an English text; a Chinese or Japanese one, anywhere in the source).
    "could solve" licenses no "solves"."""
    cjk = sum("\u3040" <= c <= "\u9fff" for c in said) > len(said) / 4
    words = frozenset() if cjk else stems(said)
    for sentence in re.split(r"(?<=[.!?])\s+", source):
        # "could solve" licenses no "solves", "not all tasks" no "all tasks"
        plain = any(
            not _MODAL.search(sentence[: m.start()]) and not _DENIED.search(sentence[: m.start()])
            for m in licence.finditer(sentence)
        )
        if plain and (not words or words & stems(sentence)):
            return True
    return False


# "not all", "is not very good in all cases": the word of scope denied in its clause
_DENIED = re.compile(r"(?:\bnot(?! only)|n't)\b[^,.;]{0,25}$", re.IGNORECASE)
# "without relying on any labels": "any" where nothing is claimed
_NO_CLAIM = re.compile(r"\b(?:without|no need (?:for|of)|free of|never)\b[^,.;]{0,25}$", re.IGNORECASE)
_MODAL = re.compile(r"\b(?:could|might|may|would)\s+(?:\w+\s+)?$", re.IGNORECASE)
# "might be unnecessary", "could solve": a claim the source makes only as a possibility
_POSSIBLE = re.compile(r"\b(?:could|might|may)\s+(?:be\s+|have\s+|also\s+)?([a-z]{5,})\b", re.IGNORECASE)
_HEDGED_BEFORE = re.compile(
    r"\b(?:could|might|may|can|possibly|potentially|likely|suggests?|would|perhaps)\b[^.;]{0,25}$",
    re.IGNORECASE,
)


def _unhedged(text: str, source: str) -> list[tuple[str, str]]:
    """A claim the source hedges ("might be unnecessary") stated flatly ("is unnecessary")."""
    found = []
    for possible in _POSSIBLE.finditer(source):
        word = possible.group(1).casefold()
        if word in (
            "used",
            "useful",
            "helpful",
            "applied",
            "extended",
            "further",
            "potentially",
            "beneficial",
        ):
            continue
        for said in re.finditer(rf"\b{re.escape(word)}\b", text, re.IGNORECASE):
            if not _HEDGED_BEFORE.search(text[: said.start()]) and not _verbatim_in(text, said.end(), source):
                found.append((said.group(), _around(source, possible.start(), possible.end())))
                return found
    return found


def _verbatim_in(text: str, end: int, source: str) -> bool:
    """The words up to `end` copied from the source (with its hedge earlier in the sentence)."""
    tail = " ".join(text[:end].split()[-4:]).casefold()
    return tail in " ".join(source.split()).casefold()


def _sentence(text: str, at: int) -> str:
    """The clause a word of scope stands in: "while the hardest 0.1% always hurt learning"."""
    marks = [m.end() for m in _CLAUSE.finditer(text, 0, at)]
    end = _CLAUSE.search(text, at)
    return text[marks[-1] if marks else 0 : end.start() if end else len(text)]


_CLAUSE = re.compile(r"[.;:,。；：，]\s?|\b(?:while|whereas|but|although)\b")


def _hedge(source: str) -> str:
    match = _HEDGES.search(source)
    return _around(source, match.start(), match.end()) if match else ""


def _around(source: str, start: int, end: int) -> str:
    """A few words of the source around a match, for the curator to compare."""
    before = source[max(0, start - 40) : start].split()[-3:]
    after = source[end : end + 40].split()[:4]
    return " ".join([*before, source[start:end], *after])
