"""Which sentence tells what: the problem, the proposal, the result.

Each sentence is scored by cue phrases ("we propose", "outperforms", "however")
and by how central it is to the text; sentences about the paper rather than its
content (a code link, "accepted at") are never picked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from mlnews.summarise.centrality import centrality
from mlnews.summarise.sentences import leans_back

Cues = tuple[tuple[re.Pattern[str], float], ...]


def _cues(*pairs: tuple[str, float]) -> Cues:
    return tuple((re.compile(pattern, re.IGNORECASE), weight) for pattern, weight in pairs)


# Who does what the paper does: "we", or a write-up in the third person ("They propose", "The paper
# introduces", "This technical report analyses").
_SUBJECT = (
    r"(?:\bwe|^(?:[^,]{0,60},\s*)?(?:they|the authors|(?:this|our|the) (?:\w+ )?(?:paper|work|article|study"
    r"|letter|note|report|survey|review)))"
)
_PROBLEM = _cues(
    (r"\b(?:however|but|although|despite|yet|while|whereas)\b", 2.0),
    (
        r"\b(?:challeng|problem|limit|struggl|difficult|hard to|costly|expensive|suffer|lack|bottleneck|"
        r"fail|unclear|remain|issue|drawback|shortcoming|obstacle|require|rely|relies|slow|cannot|"
        r"prohibitive|impractical|poor|vulnerab|sensitiv|bias)",
        1.5,
    ),
    (r"(?:然而|但是|问题|挑战|困难|局限|しかし|課題|問題|困難)", 2.0),
)
_PROPOSAL = _cues(
    (
        _SUBJECT + r"\s+(?:\w+ly\s+|also\s+|then\s+|further\s+)?"
        r"(?:propose|introduce|present|develop|design|devise|curate|collect|release|create)",
        3,
    ),
    # The demo's and many newsletters' style: "Proposes X", "Looks into why ...".
    (
        r"^(?:propose|introduce|present|describe|develop|define|look|turn|appli|tackle|compare|show|condition"
        r"|generate|explore|investigate|examine|analy[sz]e|translate|extend|combine|revisit|derive|offer"
        r"|provide|predict|estimate|adapt|argue|unifie)s\b",
        3,
    ),
    (
        _SUBJECT + r"\s+(?:\w+\s+)?(?:describe|provide|offer|build|construct|formulate|derive|stud|investigat"
        r"|explor|examin|analy[sz]|discuss|consider|review|survey|perform|conduct|carr|aim|seek|show|highlight)",
        2,
    ),
    (r"\b(?:this|our) (?:\w+ )?(?:paper|work|article|study|letter|note|report|survey|review) [a-z]+", 1.0),
    (r"\bwe (?!also\b|then\b|further\b)[a-z]+", 1.0),
    (
        r"\b(?:is|are|was|were|has been|have been) (?:proposed|introduced|presented|developed|conducted|"
        r"performed|designed|carried out)\b",
        2.5,
    ),
    (r"\bto (?:propose|introduce|present|develop|design)\b", 1.5),
    (r"\b(?:present|report|discuss|summari[sz])e?s? (?:the |our |some )?(?:results|findings)\b", -2.0),
    (r"\b(?:aim|goal|purpose|intent|objective) of (?:this|the present|our) (?:paper|work|study|article)", 3),
    (r"\b(?:in this (?:paper|work|article|study|letter)|here,? we)\b", 1.5),
    (r"\b(?:our|the proposed|a novel|a new|novel)\b", 1.0),
    (r"^(?:an?|the)\s", 0.5),
    (r"(?:提出|本文|本研究|本稿|本論文|我们|我們|我々|提案)", 3.0),
)
_RESULT = _cues(
    (r"\b(?:outperform|surpass|beat|exceed)", 3.0),
    (r"\bstate[- ]of[- ]the[- ]art\b|\bsota\b", 2.0),
    (r"\b(?:achiev|improv|reduc|speed|faster|better|higher|lower|fewer|gain|boost|accelerat|match)", 1.5),
    (r"\b(?:show|demonstrat|find|found|reveal|confirm|indicat|suggest|prove)\w*\s+that\b", 2.0),
    (r"\b(?:experiment|result|evaluat|benchmark|empirical)", 1.0),
    (r"\d+(?:\.\d+)?\s?(?:%|x\b|×|times|fold)", 2.0),
    (r"\d", 0.5),
    (r"(?:优于|超过|提高|提升|达到|表明|结果|実験|結果|向上|上回|改善|精度|性能)", 2.0),
)
_SECONDARY = re.compile(
    r"(?:furthermore|moreover|in addition|additionally|also|finally|lastly|besides"
    r"|we (?:also|further|then))\b",
    re.IGNORECASE,
)
# Sentences about the paper rather than its content: never the gist.
_BOILERPLATE = re.compile(
    r"https?://|github|\bcode\b.{0,40}\bavailable|available at|project page|will be (?:made )?"
    r"(?:publicly )?(?:released|available)|accepted (?:at|to|for)|to appear in|copyright|©|"
    r"\b\d+ pages\b|\bsubmitted to\b|^\[?\s*updated on \d{4}-\d\d-\d\d|^\[?\s*update\s*:",
    re.IGNORECASE,
)


def _cue_score(sentence: str, cues: Cues) -> float:
    return sum(weight for pattern, weight in cues if pattern.search(sentence))


def is_boilerplate(sentence: str) -> bool:
    """Whether a sentence is about the paper rather than its content ("Code is available at ...")."""
    return _BOILERPLATE.search(sentence) is not None


@dataclass(frozen=True)
class Roles:
    """Which sentence tells what, by index (None when no sentence does)."""

    problem: int | None
    proposal: int
    result: int | None
    headline_order: list[int]  # sentences to try for the headline, best first
    post_order: list[int]  # sentences to try for the post's second clause
    central: list[float]  # each sentence's centrality, 0..1


def pick_roles(sentences: list[str], lead_first: bool = False) -> Roles:
    """Find the problem, proposal and result sentences; `lead_first` trusts the opening (news)."""
    scores = _Scores.of(sentences)
    proposal = _proposal(scores, lead_first)
    result = _result(scores, proposal)
    problem = _problem(scores, proposal)
    central, usable = scores.central, scores.usable
    by_centrality = sorted(range(len(sentences)), key=lambda i: (-central[i], i))
    first = [proposal, result] if not lead_first else [0, proposal, result]
    # Sentences about the item rather than its content ("[Updated on ...]") are tried last.
    content = [i for i in (*first, *by_centrality) if i is not None and usable[i]]
    headline_order = unique(content + by_centrality)
    post_order = unique([i for i in (result, proposal, *by_centrality) if i is not None and usable[i]])
    return Roles(problem, proposal, result, headline_order, post_order, central)


@dataclass(frozen=True)
class _Scores:
    """What is known of each sentence, by index: its centrality, whether it is usable, its cue scores."""

    sentences: list[str]
    central: list[float]
    usable: list[bool]
    proposal: list[float]
    result: list[float]
    problem: list[float]

    @classmethod
    def of(cls, sentences: list[str]) -> _Scores:
        # "Furthermore, we develop ..." adds to the contribution; it is not the contribution.
        proposal = [_cue_score(s, _PROPOSAL) - (2.5 if _SECONDARY.match(s) else 0) for s in sentences]
        return cls(
            sentences=sentences,
            central=centrality(sentences),
            usable=[not is_boilerplate(s) for s in sentences],
            proposal=proposal,
            result=[_cue_score(s, _RESULT) for s in sentences],
            problem=[_cue_score(s, _PROBLEM) - proposal[i] for i, s in enumerate(sentences)],
        )

    def best(self, score: Callable[[int], float], among: Iterable[int]) -> int | None:
        """The usable sentence that scores highest above 0, the earliest on a tie."""
        candidates = [(score(i), -i) for i in among if self.usable[i] and score(i) > 0]
        return -max(candidates)[1] if candidates else None


def _proposal(scores: _Scores, lead_first: bool) -> int:
    """The sentence that says what is proposed: one that says so, else the opening, else the most central."""
    cue, central = scores.proposal, scores.central
    everything = range(len(scores.sentences))
    # A paper says "we propose"; a news story puts its gist first unless it says otherwise.
    needed = 3.0 if lead_first else 2.0
    stated = scores.best(lambda i: cue[i] + 0.5 * central[i] if cue[i] >= needed else 0, everything)
    opening = 0 if scores.usable[0] and (lead_first or scores.problem[0] <= 0) else None
    central_first = scores.best(lambda i: central[i] + 0.01, everything)
    return next(i for i in (stated, opening, central_first, 0) if i is not None)


def _result(scores: _Scores, proposal: int) -> int | None:
    """The sentence that says what the proposal achieves."""
    cue, central, n = scores.result, scores.central, len(scores.sentences)
    # A result comes after what it is the result of; before that it is background.
    result = scores.best(lambda i: cue[i] + 0.5 * central[i], range(proposal + 1, n))
    if result is None:
        result = scores.best(lambda i: cue[i] - 2, (i for i in range(n) if i != proposal))
    return result


def _problem(scores: _Scores, proposal: int) -> int | None:
    """The sentence before the proposal that says what is wrong or missing."""
    cue, central, sentences = scores.problem, scores.central, scores.sentences
    # "It is therefore hard to ..." needs the sentence before it; the opening does not.
    problem = scores.best(
        lambda i: cue[i] + 0.3 * central[i] + (1.5 if i == 0 else -1.0 if leans_back(sentences[i]) else 0),
        range(proposal),
    )
    if problem is None and proposal > 0 and scores.usable[0]:
        problem = 0  # what comes before the proposal sets the scene
    return problem


def unique(indices: Iterable[int | None]) -> list[int]:
    """The indices in order, without repeats or None."""
    seen: list[int] = []
    for i in indices:
        if i is not None and i not in seen:
            seen.append(i)
    return seen
