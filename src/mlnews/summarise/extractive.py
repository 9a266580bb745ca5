"""The default summariser: the item's own sentences, picked and trimmed, offline.

No model and no network. Sentences are split by rule (abbreviations, decimals,
CJK full stops), scored for the three things an entry tells — the problem, the
proposal, the result — by cue phrases and by how central each is to the text
(TF-IDF cosine, degree centrality), and the headline is the proposal (or
result) sentence with its discourse openers and "we propose" removed, cut back
where a clause ends so that what is left still reads as a phrase.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from mlnews.summarise import HEADLINE_LIMIT, POST_LIMIT, Draft, Source, post_length, register
from mlnews.text import squash

SUMMARY_WORDS = (40, 80)  # what the summary aims at, when the text is long enough to choose
# A CJK character carries about a word: 40 of them make as long a headline as 90 Latin letters.
CJK_HEADLINE_LIMIT = 40
POST_CLAUSE = 140  # the post's second part: a short clause, not a second summary
_MAX_SENTENCES = 60  # beyond this a "text" is not an abstract; the rest is not scored


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@register
class ExtractiveSummariser:
    name = "extractive"

    def draft(self, source: Source) -> Draft:
        text = squash(source.text)
        title = squash(source.title)
        sentences = split_sentences(text)[:_MAX_SENTENCES]
        if not sentences:
            headline = headline_from_title(title)
            return Draft(headline=headline, summary="", post=make_post(headline, [], source.url))
        roles = pick_roles(sentences, lead_first=source.kind != "paper")
        headline, used = choose_headline(sentences, roles.headline_order, title)
        extra = [sentences[i] for i in roles.post_order if i != used]
        return Draft(
            headline=headline,
            summary=make_summary(sentences, roles),
            post=make_post(headline, extra, source.url),
        )


# ---- sentences ----------------------------------------------------------------------------------

# Where a sentence may end: Latin end marks before a space, CJK ones anywhere.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|[。！？｡]+[」』”’）)\]]*|．(?![0-9０-９])[」』”’）)\]]*")
_WORD_BEFORE = re.compile(r"\S*$")
_WORD_AFTER = re.compile(r"\s*(\S+)")
# Never the end of a sentence: "e.g. the", "Fig. 3", "Smith et al. (2020)".
_ABBREVIATIONS = _words(
    "e.g i.e cf vs fig figs eq eqs sec secs ref refs tab tabs no nos vol approx resp incl "
    "dr mr mrs ms prof st jr sr ca ch pp al etc"
)
# ...except these, which end a sentence often enough when a capitalised word follows.
_ENDS_WHEN_CAPITAL = frozenset({"al", "etc"})
_INITIALS = re.compile(r"[A-Z]|(?:[A-Z]\.)+[A-Z]")  # "J. Smith", "U.S. Army"
# After an initial, only these say a new sentence began ("... with model B. We then ...").
_STARTERS = _words("we this the these our it its in here however they to finally a an")


def split_sentences(text: str) -> list[str]:
    """The sentences of a plain text, in order, whitespace collapsed."""
    text = squash(text)
    sentences: list[str] = []
    start = 0
    for mark in _BOUNDARY.finditer(text):
        if mark.group()[0] in ".!?…" and not _ends_sentence(text, mark.start(), mark.end()):
            continue
        piece = text[start : mark.end()].strip()
        if piece:
            sentences.append(piece)
        start = mark.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _ends_sentence(text: str, mark: int, end: int) -> bool:
    before = _WORD_BEFORE.search(text, max(0, mark - 40), mark)
    word = before.group().lstrip("\"'“‘([{") if before else ""
    after = _WORD_AFTER.match(text, end)
    following = after.group(1).lstrip("\"'“‘([{") if after else ""
    if text[mark] == "." and _INITIALS.fullmatch(word):
        return following.lower() in _STARTERS
    if text[mark] == "." and word.lower() in _ABBREVIATIONS:
        return word.lower() in _ENDS_WHEN_CAPITAL and following[:1].isupper()
    return _starts_sentence(following)


def _starts_sentence(word: str) -> bool:
    if not word or not word[0].islower():
        return True  # a capital, a digit, a CJK character, a symbol
    # "pixelNeRF", "word2vec": names that begin a sentence in lower case.
    return any(char.isupper() or char.isdigit() for char in word[1:])


# ---- scoring ------------------------------------------------------------------------------------

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
_ANAPHORIC = re.compile(r"(?:it|its|this|these|those|they|their|such)\b", re.IGNORECASE)
# Sentences about the paper rather than its content: never the gist.
_BOILERPLATE = re.compile(
    r"https?://|github|\bcode\b.{0,40}\bavailable|available at|project page|will be (?:made )?"
    r"(?:publicly )?(?:released|available)|accepted (?:at|to|for)|to appear in|copyright|©|"
    r"\b\d+ pages\b|\bsubmitted to\b",
    re.IGNORECASE,
)


def _cue_score(sentence: str, cues: Cues) -> float:
    return sum(weight for pattern, weight in cues if pattern.search(sentence))


_WORDS = re.compile(r"\w+")
_STOPWORDS = _words(
    "a an the and or but of to in on at by for with from as is are was were be been being this that "
    "these those it its we our they their which who whose what when where while than then there here "
    "also can could may might will would should such not no into over under between both each more most "
    "very using use used via based have has had do does did"
)


# CJK scripts and their punctuation, Hangul, compatibility ideographs, full-width forms ("！", "，").
_CJK = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uff60\uffe0-\uffe6]")


def _is_cjk(char: str) -> bool:
    return bool(_CJK.match(char))


def _cjk_count(text: str) -> int:
    return len(_CJK.findall(text))


def _terms(sentence: str) -> Counter[str]:
    """Content words; CJK runs, which have no spaces, as character pairs."""
    terms: Counter[str] = Counter()
    for word in _WORDS.findall(sentence.lower()):
        if _is_cjk(word[0]):
            terms.update(word[i : i + 2] for i in range(max(1, len(word) - 1)))
        elif len(word) > 2 and word not in _STOPWORDS:
            terms[
                word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 4 else word
            ] += 1
    return terms


def centrality(sentences: list[str]) -> list[float]:
    """How much each sentence shares with the others (TF-IDF cosine, summed), scaled to 0..1."""
    bags = [_terms(s) for s in sentences]
    documents = Counter(term for bag in bags for term in bag)
    idf = {term: math.log((1 + len(bags)) / count) + 1 for term, count in documents.items()}
    vectors = [{term: n * idf[term] for term, n in bag.items()} for bag in bags]
    norms = [math.sqrt(sum(w * w for w in v.values())) or 1.0 for v in vectors]
    degree = [
        sum(
            sum(w * other.get(term, 0.0) for term, w in v.items()) / (norms[i] * norms[j])
            for j, other in enumerate(vectors)
            if j != i
        )
        for i, v in enumerate(vectors)
    ]
    top = max(degree, default=0.0) or 1.0
    return [d / top for d in degree]


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
    central = centrality(sentences)
    usable = [not _BOILERPLATE.search(s) for s in sentences]
    n = len(sentences)

    def best(score: Callable[[int], float], among: Iterable[int]) -> int | None:
        candidates = [(score(i), -i) for i in among if usable[i] and score(i) > 0]
        return -max(candidates)[1] if candidates else None

    # "Furthermore, we develop ..." adds to the contribution; it is not the contribution.
    proposal_cue = [_cue_score(s, _PROPOSAL) - (2.5 if _SECONDARY.match(s) else 0) for s in sentences]
    result_cue = [_cue_score(s, _RESULT) for s in sentences]
    problem_cue = [_cue_score(s, _PROBLEM) - proposal_cue[i] for i, s in enumerate(sentences)]
    # A paper says "we propose"; a news story puts its gist first unless it says otherwise.
    needed = 3.0 if lead_first else 2.0
    stated = best(lambda i: proposal_cue[i] + 0.5 * central[i] if proposal_cue[i] >= needed else 0, range(n))
    opening = 0 if usable[0] and (lead_first or problem_cue[0] <= 0) else None
    central_first = best(lambda i: central[i] + 0.01, range(n))
    proposal = next(i for i in (stated, opening, central_first, 0) if i is not None)

    def result_score(i: int) -> float:
        return result_cue[i] + 0.5 * central[i]

    # A result comes after what it is the result of; before that it is background.
    result = best(result_score, range(proposal + 1, n))
    if result is None:
        result = best(lambda i: result_cue[i] - 2, (i for i in range(n) if i != proposal))
    # "It is therefore hard to ..." needs the sentence before it; the opening does not.
    problem = best(
        lambda i: (
            problem_cue[i]
            + 0.3 * central[i]
            + (1.5 if i == 0 else -1.0 if _ANAPHORIC.match(sentences[i]) else 0)
        ),
        range(proposal),
    )
    if problem is None and proposal > 0 and usable[0]:
        problem = 0  # what comes before the proposal sets the scene
    by_centrality = sorted(range(n), key=lambda i: (-central[i], i))
    first = [proposal, result] if not lead_first else [0, proposal, result]
    headline_order = _unique([*first, *by_centrality])
    post_order = _unique([i for i in (result, proposal, *by_centrality) if i is not None and usable[i]])
    return Roles(problem, proposal, result, headline_order, post_order, central)


def _unique(indices: Iterable[int | None]) -> list[int]:
    seen: list[int] = []
    for i in indices:
        if i is not None and i not in seen:
            seen.append(i)
    return seen


# ---- the summary --------------------------------------------------------------------------------

# Discourse openers: a sentence reads the same without them. Each is followed by a comma, or by
# "we"/"our" directly ("Here we show"); "in this paper" by anything.
_DOCUMENT = r"(?:paper|work|article|study|letter|note|report|manuscript|thesis|chapter|survey|review|project)"
_OPENER_PHRASES = (
    r"to (?:this|that) end|as such|at the same time|in this (?:context|setting|regard)",
    r"against this background",
    r"to (?:summari[sz]e|do so)|accordingly|in response|in practice|in contrast|on the other hand",
    r"specifically|in particular|moreover|furthermore|in addition|additionally|besides|also|finally|lastly",
    r"first(?:ly)?|second(?:ly)?|third(?:ly)?|then|thus|therefore|hence|consequently|as a result|overall",
    r"importantly|notably|interestingly|surprisingly|in summary|in conclusion|however|instead|alternatively",
    r"concretely|empirically|experimentally|theoretically|technically|for (?:example|instance)",
    r"in (?:both|all|each|these|such) cases?",
    # A leading adverbial clause or phrase: "To fill this gap, ", "Building on X, ", "Since X, ".
    r"(?:in order )?to [a-z]+ [^,]{1,80}?",
    r"(?:motivated|inspired) by [^,]{1,80}?|building (?:on|upon) [^,]{1,80}?",
    r"based on (?:this|these|the|our|such) [^,]{1,60}?",
    r"(?:with|given) the (?:advent|rise|growth|success|popularity|emergence|increasing|recent|rapid"
    r"|widespread) [^,]{1,80}?",
    r"(?:since|because|although|though|while|whereas|as|if|when|unlike|despite|given that|even though"
    r"|by|using|through|via|with|for|on|in|from|after|before|under|at|among|across|within|without|beyond"
    r"|compared (?:to|with)) [^,]{1,100}?",
)
# What points at the paper itself ("In this paper, ") or labels a structured abstract ("Methods: ").
_DOCUMENT_OPENER = (
    rf"(?:in|within|through) (?:this|the present|our)(?: \w+)? {_DOCUMENT}(?:\s*,\s*|\s+)"
    r"|here(?:in)?(?:\s*,\s*|\s+(?=we\b))"
    r"|(?:background|context|objectives?|aims?|methods?|results?|conclusions?|purpose|motivation|problem"
    r"|approach|findings|design|setting|significance)\s*:\s*"
)
_LIGHT_OPENER = re.compile(f"^(?:{_DOCUMENT_OPENER})", re.IGNORECASE)
_OPENER = re.compile(
    rf"^(?:{_DOCUMENT_OPENER}"
    rf"|(?:{'|'.join(_OPENER_PHRASES)})(?:,\s*(?:which|who|where)\b[^,]{{1,120}}?)?(?:\s*,\s*|\s+(?=we\b|our\b)))",
    re.IGNORECASE,
)
_IN_THIS_PAPER = re.compile(rf"(,?) in this {_DOCUMENT}\b(,?)", re.IGNORECASE)


def _drop_in_this_paper(text: str) -> str:
    """ "As such, in this paper, we ..." -> "As such, we ..."; "we give in this paper X" -> "we give X"."""
    return _IN_THIS_PAPER.sub(lambda m: "," if m.group(1) and m.group(2) else "", text)


# What follows a real opener is a clause; these say the "opener" was part of one.
_CONTINUES = re.compile(
    r"(?:which|who|whose|where|when|whereas|that|and|or|but|nor|than|of|as)\b", re.IGNORECASE
)
_PRONOUNS = {"we": "they", "our": "their", "us": "them", "ours": "theirs", "ourselves": "themselves"}
_FIRST_PERSON = re.compile(r"\b(?:we|our|us|ours|ourselves)\b", re.IGNORECASE)


# "The aim of this paper is to study X" says "We study X" the long way.
_AIM = re.compile(
    r"^(?:(?:the|our) )?(?:main |primary )?(?:aim|goal|purpose|intent|objective)s? (?:of (?:this|the present|"
    r"our) (?:paper|work|study|article|note) )?(?:is|was|were) (?:to )?"
    r"|^(?:we|this (?:paper|work|study)) (?:set out|aim|aims|seek|seeks|attempt|attempts|try|tries|strive"
    r"|want|intend) to ",
    re.IGNORECASE,
)


def strip_openers(sentence: str, light: bool = False) -> str:
    """Drop the discourse openers a sentence starts with ("In this paper, ", "To this end, ").

    `light` drops only what points at the paper ("In this paper, ", "Methods: "), as a summary
    may: there "However" and "On ImageNet" still carry meaning.
    """
    if light:
        return _drop_in_this_paper(_LIGHT_OPENER.sub("", sentence, count=1)) or sentence
    while True:
        shorter = _OPENER.sub("", _AIM.sub("We ", sentence, count=1), count=1)
        if shorter == sentence or not shorter or _CONTINUES.match(shorter):
            return sentence
        sentence = shorter


def third_person(sentence: str, our: str = "their") -> str:
    """ "We propose" -> "They propose": the newsletter reports on the authors."""

    def swap(match: re.Match[str]) -> str:
        word = match.group()
        if word.isupper() and len(word) > 1:
            return word  # "US", "WE": an acronym, not the authors
        new = our if word.lower() == "our" else _PRONOUNS[word.lower()]
        return new.capitalize() if word[0].isupper() else new

    return _FIRST_PERSON.sub(swap, sentence)


def _capitalise(text: str) -> str:
    quotes = len(text) - len(text.lstrip("\"'“‘(["))
    if quotes:
        return text[:quotes] + _capitalise(text[quotes:])
    first = text[:1]
    # Names like "pixelNeRF" keep their case; "ß".upper() is two letters and would change the length.
    rest = text.split(" ", 1)[0][1:]
    if first.islower() and len(first.upper()) == 1 and rest == rest.lower():
        return first.upper() + text[1:]
    return text


def make_summary(sentences: list[str], roles: Roles) -> str:
    """Problem, proposal and result sentences in their order, about 40-80 words; a short text whole."""
    low, high = SUMMARY_WORDS
    words = [_word_count(s) for s in sentences]
    usable = [i for i, s in enumerate(sentences) if not _BOILERPLATE.search(s)] or list(range(len(sentences)))
    if sum(words[i] for i in usable) <= high:
        chosen = usable
    else:
        chosen = []
        for i in _unique([roles.proposal, roles.result, roles.problem]):
            if not chosen or sum(words[j] for j in chosen) + words[i] <= high:
                chosen.append(i)
        for i in sorted(usable, key=lambda i: (-roles.central[i], i)):
            if sum(words[j] for j in chosen) >= low:
                break
            if i not in chosen and sum(words[j] for j in chosen) + words[i] <= high:
                chosen.append(i)
    paragraph = ""
    for i in sorted(chosen):
        sentence = _capitalise(third_person(strip_openers(sentences[i], light=True)))
        # CJK sentences follow one another without a space.
        paragraph += sentence if not paragraph or _is_cjk(paragraph[-1]) else " " + sentence
    return paragraph


def _word_count(text: str) -> int:
    # A CJK character carries about as much as an English word, and has no spaces around it.
    return len(text.split()) + _cjk_count(text) // 2


# ---- the headline -------------------------------------------------------------------------------

# Verbs whose object is the gist: "We propose X" -> "X".
_OBJECT_VERBS = _words(
    "propose introduce present develop design devise describe build construct formulate offer provide "
    "contribute report discuss review survey derive release create define give outline detail collect "
    "curate unveil launch announce implement obtain perform conduct highlight"
)
# Verbs whose clause is the gist: "We show that X" -> "X".
_CLAUSE_VERBS = _words(
    "show demonstrate find prove observe argue confirm verify reveal conclude note claim suggest "
    "establish explain"
)
# Verbs that stay, as a gerund: "We study X" -> "Studying X".
_GERUND_VERBS = _words(
    "study investigate explore examine analyze analyse consider address tackle revisit evaluate compare "
    "characterize characterise quantify measure assess benchmark test apply use leverage extend combine "
    "train learn turn generate improve reduce achieve look focus identify predict estimate cast "
    "frame treat adapt tune employ exploit translate render condition accelerate "
    "simplify unify enable generalize generalise solve aim seek attempt try strive"
)
_KNOWN_VERBS = _OBJECT_VERBS | _CLAUSE_VERBS | _GERUND_VERBS
# A sentence may open with one of these and no subject ("Proposes X", "Looks into why ..."); other
# -s words there are more often plural nouns ("Studies have shown", "Models trained on ...").
_SUBJECTLESS = _words(
    "propose introduce present describe define develop show demonstrate compare tackle apply turn look "
    "explore investigate examine analyse analyze generate condition translate extend combine revisit "
    "derive offer provide predict estimate adapt argue unify accelerate"
)
# After "we", verbs that do not say what the paper does ("We are the first to ...").
_NOT_ACTIONS = _words(
    "are is were was have has had can could will would do did may might must should need believe hope "
    "call refer term also then further first now here thus therefore"
)
_IRREGULAR_PAST = _words(
    "made took gave got went saw found built ran did had came brought thought wrote held kept led left lost "
    "met paid put set sent spent told understood began chose drew knew showed shown"
)
_DOUBLED = _words("run set get put map plan stop cut begin drop ship scan chat swap tap trim win fit")
_LEAD = re.compile(
    r"^(?:(?P<subject>we|they|the authors|(?:this|our|the) (?:\w+ )?"
    r"(?:paper|work|article|study|letter|note|report|survey|review|post))\s+)?"
    r"(?:(?:\w+ly|also|then|further|first|now|here|therefore|thus|hence|instead|still|have|has)\s+)?"
    r"(?P<verb>[a-z]+)\b(?:\s+and\s+[a-z]+\b)?(?:\s+(?P<particle>that|to|into|on|at|how|why|what|whether|when)\b)?\s*",
    re.IGNORECASE,
)
_CLAIM = re.compile(
    r"^[^,;:]{0,100}?\b(?:show|shows|showed|shown|demonstrate[sd]?|indicate[sd]?|suggest(?:s|ed)?|"
    r"confirm(?:s|ed)?|reveal(?:s|ed)?|verif(?:y|ies|ied)|prove[sd]?|find|finds|found)\s+that\b\s*",
    re.IGNORECASE,
)
_NAMED = re.compile(r",? (?:called|dubbed|named|termed|coined)\s+[^,;]{1,40}?(?:,|(?= (?:that|which|to)\b))")
_APPOSITIVE = re.compile(r"^([^,;:()]{1,50}), ((?:an?|the) .{12,})$", re.IGNORECASE)
_RELATIVE = re.compile(r"^([^,;:()]{1,60}), (?:which|that) (?=[a-z])")
_LEADING_ASIDE = re.compile(r"^,\s*[^,]{1,150},\s*")
_PURPOSE = re.compile(r"^[^,;]{0,120}?\b(?:in order )?to (?:propose|introduce|present|develop|design) ")
_NAME_ASIDE = re.compile(r", [A-Za-z][\w-]*[A-Z0-9][\w-]*, (?=[a-z])")
# "DETR, which casts ..., needs": an aside on a subject, dropped only when a verb follows it.
_ASIDE = re.compile(
    r", (?:which|who) [^,;:()]{3,120}, "
    r"(?=(?:is|are|was|were|has|have|had|can|could|will|would|does|did|may|might|must|should"
    r"|(?!this\b|thus\b|plus\b)[a-z]{2,}[^s\W]s)\b)"
)
# "which builds X, fuses Y, and adds Z": the aside is itself a list of what it does.
_VERB_LIST = re.compile(r", and (?!this\b|thus\b)[a-z]{2,}[^s\W]s\b")
_QUESTION_WORDS = re.compile(r"\b(?:how|why|what|when|whether|where|who)\b", re.IGNORECASE)
# Asides and acronyms "(CNNs)", "(e.g., ...)" and citations "[12]"; not maths like "(1/310)".
_PARENTHETICAL = re.compile(r"\s+\((?=[^\d(])[^()^_={}]{1,80}\)(?!\()|\s*\[[\d,\s–-]+\]")
_CJK_LEAD = re.compile(
    r"^(?:本文|本研究|本稿|本論文|本工作|我们|我們|我々|この論文|この研究)(?:では|は|で|が|も)?[，,、]?"
)
_CJK_VERB = re.compile(r"^(?:提出了|提出|介绍了|介绍|提案する|提案した|提案し)")
# Japanese puts the verb last: "X を提案する" -> "X".
_CJK_TAIL = re.compile(r"(?:を|が)(?:提案|開発|紹介|示)(?:する|した|します|しました|している)。?$")
# "实验表明，X" (experiments show that X) -> "X".
_CJK_CLAIM = re.compile(
    r"^(?:实验|實驗|结果|結果|实验结果|評価|実験)(?:表明|显示|證明|证明|では|の結果)?[，,、]"
)


def headline_from(sentence: str, title: str = "") -> str:
    """A sentence reworded as a headline: openers, "we propose" and asides gone, at most 90 characters.

    A cut that would only restate the title is passed over for another cut.
    """
    text = _drop_aside(strip_openers(_PARENTHETICAL.sub("", sentence))).strip()
    text = _drop_in_this_paper(text)  # "we construct in this paper X" -> "we construct X"
    claim = _CLAIM.sub("", text, count=1)
    claim = _LEADING_ASIDE.sub("", claim, count=1)  # "we show that, by doing Y, X" -> "X"
    purpose = _PURPOSE.match(claim)
    if purpose:  # "This paper builds on Y in order to propose X" -> "X"
        text, proposed = claim[purpose.end() :], True
    else:
        text = _cjk_lead(_object_of(claim))
        proposed = text != claim  # "We propose X, a ...": X is a name and what follows says what it is
    text = _NAMED.sub("", text, count=1)
    text = _NAME_ASIDE.sub(" ", text, count=1)  # "a framework, RLMutation, for RL" -> "a framework for RL"
    text = _drop_aside(text)
    text = re.sub(r"^(these|those)\b", "the", text, flags=re.IGNORECASE)
    text = re.sub(r"\b(of|on|for|in) (these|those)\b", r"\1 the", text)
    appositive = _APPOSITIVE.match(text)
    if proposed and appositive and len(appositive.group(1).split()) <= 5:
        text = appositive.group(2)  # "FROST, a method that ..." -> "a method that ..."
    text = _drop_relative(text)
    text = re.sub(r"\b(a )?novel\b", lambda m: "a new" if m.group(1) else "new", text)
    text = third_person(text, our="the")
    limit = CJK_HEADLINE_LIMIT if _mostly_cjk(text) else HEADLINE_LIMIT
    return _capitalise(tidy(compress(text, limit, avoid=lambda cut: _restates(cut, title))))


def _mostly_cjk(text: str) -> bool:
    return _cjk_count(text) * 2 > len(text)


def _drop_aside(text: str) -> str:
    """ "DETR, which casts detection as set prediction, needs long training" -> "DETR needs long training"."""
    aside = _ASIDE.search(text)
    if not aside or _VERB_LIST.search(text, aside.end()):
        return text
    return text[: aside.start()] + " " + text[aside.end() :]


def _drop_relative(text: str) -> str:
    """ "X, which does Y" -> "X does Y", when X is short and the cut keeps some of Y."""
    relative = _RELATIVE.match(text)
    if not relative or len(relative.group(1).split()) > 6 or _QUESTION_WORDS.search(relative.group(1)):
        return text
    joined = relative.group(1) + " " + text[relative.end() :]
    # "The problem takes" says less than "The problem": keep the verb only with some of its object.
    kept = len(compress(joined, HEADLINE_LIMIT).split()) - len(relative.group(1).split())
    return joined if kept >= 3 else text


def _object_of(text: str) -> str:
    """ "We propose X" -> "X"; "We show that X" -> "X"; "We study X" -> "Studying X"."""
    lead = _LEAD.match(text)
    if not lead:
        return text
    word, subject = lead.group("verb").lower(), lead.group("subject")
    particle = (lead.group("particle") or "").lower()
    verb = _base(word)
    if subject is None and (verb not in _SUBJECTLESS or word == verb):
        return text  # a noun, an imperative, or a verb too often a noun: leave the sentence be
    if verb is None:
        if subject.lower() not in {"we", "they"} or word in _NOT_ACTIONS or _past(word):
            return text
        verb = word  # "We train X" -> "Training X"
    rest = text[lead.end() :]
    if not rest:
        return text
    if verb in _CLAUSE_VERBS and particle == "that":
        return rest
    if particle in {"how", "why", "what", "whether", "when"}:
        return f"{particle} {rest}"
    if particle == "to" and verb in {"propose", "aim", "seek", "attempt", "try", "strive"}:
        then = re.match(r"([a-z]+)\b", rest)
        return _gerund(then.group(1)) + rest[then.end() :] if then else rest
    after = f"{particle} {rest}" if particle else rest
    if (verb in _OBJECT_VERBS or verb in _CLAUSE_VERBS) and particle not in {"on", "at", "into"}:
        return after
    return f"{_gerund(verb)} {after}"


def _past(word: str) -> bool:
    """Whether a verb after "we" is in the past tense ("we made"): no gerund can be made of it."""
    return not word.isalpha() or word.endswith("ed") or word in _IRREGULAR_PAST


def _base(word: str) -> str | None:
    """The base form of a known verb ("proposes" -> "propose", "studied" -> "study"), or None."""
    candidates = [word]
    for ending, replacement in (("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""), ("d", "")):
        if word.endswith(ending):
            candidates.append(word[: -len(ending)] + replacement)
    return next((c for c in candidates if c in _KNOWN_VERBS), None)


def _gerund(verb: str) -> str:
    verb = verb.lower()
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb in _DOUBLED:
        return verb + verb[-1] + "ing"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")) and len(verb) > 2:
        return verb[:-1] + "ing"
    return verb + "ing"


def _cjk_lead(text: str) -> str:
    shorter = _CJK_VERB.sub("", _CJK_LEAD.sub("", _CJK_CLAIM.sub("", text, count=1), count=1), count=1)
    return _CJK_TAIL.sub("", shorter, count=1) or text


def headline_from_title(title: str) -> str:
    """With no text to go on: the title's explanatory part (after a colon), or the title, shortened."""
    _, sep, tail = title.partition(": ")
    text = tail if sep and len(tail.split()) >= 3 else title
    cut = compress(text, HEADLINE_LIMIT)
    return _capitalise(tidy(cut) or cut.strip())


def choose_headline(sentences: list[str], order: list[int], title: str) -> tuple[str, int | None]:
    """The first candidate that says something beyond the title; and which sentence it came from."""
    fallback: tuple[str, int | None] = ("", None)
    for i in order:
        candidate = headline_from(sentences[i], title)
        if not _gist_like(candidate):
            continue
        if not _restates(candidate, title):
            return candidate, i
        fallback = fallback if fallback[0] else (candidate, i)
    # Nothing both readable and new: any sentence that differs from the title, cut at its words.
    for i in order:
        for candidate in (
            _capitalise(tidy(compress(sentences[i], HEADLINE_LIMIT))),
            _window(sentences[i], title),
        ):
            if candidate and not _restates(candidate, title):
                return candidate, i
    return fallback if fallback[0] else (headline_from_title(title), None)


def _gist_like(text: str) -> bool:
    if _has_maths(text) or _ANAPHORIC.match(text):
        return False  # LaTeX, or "It ..." that needs the sentence before: other sentences are tried first
    return len(text.split()) >= 4 or (len(text) >= 6 and _CJK.search(text) is not None)


_MATHS = re.compile(r"\\|\$(?!\d)")  # LaTeX: a command, or "$x$" (but "$35" is money)


def _has_maths(text: str) -> bool:
    return _MATHS.search(text) is not None


def _normal(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


def _restates(headline: str, title: str) -> bool:
    """Whether the headline is the title, or a part of it (case and punctuation aside)."""
    ours, theirs = _normal(headline), _normal(title)
    return not ours or ours == theirs or (bool(theirs) and f" {ours} " in f" {theirs} ")


def _window(sentence: str, title: str) -> str:
    """Degenerate input: the stretch of the sentence from its first word the title lacks."""
    known = set(_normal(title).split())
    for word in _WORDS.finditer(sentence):
        if word.group().lower() not in known:
            rest = sentence[word.start() :]
            return tidy(compress(rest, HEADLINE_LIMIT)) or _word_cut(rest, HEADLINE_LIMIT)
    return ""


# ---- compression --------------------------------------------------------------------------------

# What the word after a cut says about the cut. Before a clause opener the text left is a
# whole phrase; before a preposition usually one; between two content words ("low training |
# loss") it is not.
_CLAUSE_OPENERS = _words(
    "which where whereas while but although though thereby thus so whose who yet since because despite "
    "even when respectively e.g. i.e. including such namely instead like unlike rather resulting leading "
    "allowing enabling making"
)
_LINK_WORDS = _words(
    "by using via through with without for in on from that to as under across at over than between "
    "within against into after before whether if until among per along toward towards upon onto based "
    "compared and or"
)
# Words that leave the reader waiting when a cut ends on them ("a platform meant", "that depends").
_INCOMPLETE = _words(
    "depends depend tend tends meant allows allow enables enable makes make aims aim seeks seek lets "
    "helps used based derived due able according prior relative similar close related like until "
    "whose whereby called named dubbed termed aimed designed intended recent various different several "
    "many new existing multiple other some certain specific objective purpose goal aim need lack variety "
    "number set range series kind type form part use role impact importance effect"
)
_VERB_BEFORE = _words("that which who whose to can will may must should could would does do did")
_ASKS = _words("where when whether how what that which who whose why")
_OPENS = frozenset({"both", "either", "between", "neither"})
_DANGLING = _words(
    "a an the and or but nor of with to for in on at by from as that which who whose via than into onto "
    "its their our is are was were be been this these those such both either while when where whether "
    "using over under between among not can will has have we they it also more most very so if e.g i.e "
    "based compared per until whereas like without within across against through toward towards upon "
    "about after before beyond during including near since unlike except along around whilst regarding "
    "concerning involving"
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
    return best or _word_cut(text, limit)


def _cut_points(text: str, limit: int) -> list[int]:
    """Where the text may be cut: at a space, or beside a CJK character (CJK has no spaces)."""
    points = [space.start() for space in _SPACE.finditer(text, 0, limit + 2)]
    for char in _CJK.finditer(text, 0, limit + 1):
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
    if following in _CLAUSE_OPENERS:
        return 1.0 if punctuation else 0.9
    if _LIST_ITEM.match(rest) or (following in {"and", "or"} and _LAST_ITEM.search(kept)):
        return 0.5
    if punctuation[:1] in (",", "、"):
        return 0.85
    if following in _LINK_WORDS:
        return 0.55 if following in {"and", "or"} else 0.7
    return 0.3


def _ending(kept: str, rest: str) -> float:
    """How complete a cut reads from its last word and the word it leaves behind (0..1)."""
    words = kept.lower().split()
    following = rest.split(None, 1)[0].lower().strip(",;:") if rest.strip() else ""
    if not words:
        return 1.0
    if words[-1] in _INCOMPLETE or (words[-1].endswith("ing") and following in _ASKS):
        return 0.5
    if _VERB_BEFORE & set(words[-3:-1]) and following in _LINK_WORDS:
        return 0.6  # "whose edges come | from ...": the relative clause's verb wants its complement
    if following in {"and", "or", "nor"} and _OPENS & set(words[-5:]):
        return 0.3  # "both the standard | and the NTK ..."
    if _has_maths(kept):
        return 0.5  # LaTeX maths reads badly in a headline
    if words[-1].endswith(
        ("ful", "ous", "able", "ible", "-based", "-driven", "-aware", "-specific", "-like")
    ):
        return 0.7  # an adjective waiting for its noun
    return 1.0


def _word_cut(text: str, limit: int) -> str:
    end = limit
    while end > 0 and _inside_word(text, end):
        end -= 1
    if end == 0:  # one enormous "word" (a hash, a URL): nothing better than cutting it
        return text[:limit]
    return tidy(text[:end]) or text[:end].strip()


def _inside_word(text: str, at: int) -> bool:
    left, right = text[at - 1], text[at]
    return not (left.isspace() or right.isspace() or _is_cjk(left) or _is_cjk(right))


def tidy(text: str) -> str:
    """Trim a cut so it ends like a phrase: no dangling "and"/"of", no open bracket, no end mark."""
    for _ in range(20):
        before = text
        text = text.strip().rstrip(_TRAILING + ".。．!！?？ ").strip()
        for opening, closing in _PAIRS:
            if text.count(opening) > text.count(closing):
                text = text[: text.rfind(opening)]
        if text.count('"') % 2:
            text = text[: text.rfind('"')]
        maths = [i for i, char in enumerate(text) if char == "$" and not text[i + 1 : i + 2].isdigit()]
        if len(maths) % 2:  # an open "$...": LaTeX maths cut in half ("$35" is money, not maths)
            text = text[: maths[-1]]
        last = text.rsplit(None, 1)
        if len(last) == 2 and last[1].lower().rstrip(".") in _DANGLING:
            text = last[0]
        if text == before:
            break
    return text


# ---- the post -----------------------------------------------------------------------------------


def make_post(headline: str, others: list[str], link: str) -> str:
    """The headline and, room permitting, a short clause from another sentence; fits X with the link."""
    budget = POST_LIMIT - post_length(" " + link)  # what the post itself may count
    post = _shrink(headline, budget)
    for sentence in others[:3]:
        clause = third_person(strip_openers(_PARENTHETICAL.sub("", sentence)), our="the")
        clause = _LEADING_ASIDE.sub("", _CLAIM.sub("", _CJK_CLAIM.sub("", clause, count=1), count=1), count=1)
        clause = _capitalise(tidy(compress(clause, POST_CLAUSE)))
        overshoot = post_length(_join(post, clause)) - budget
        if overshoot > 0:  # every character counts at least one, so this many fewer will fit
            clause = _capitalise(tidy(compress(clause, len(clause) - overshoot)))
        joined = _join(post, clause)
        if _gist_like(clause) and _normal(clause) not in _normal(post) and post_length(joined) <= budget:
            return joined
    return post


def _shrink(text: str, budget: int) -> str:
    """Cut until X counts no more than `budget` (a link inside counts 23, CJK double)."""
    while text and post_length(text) > budget:
        text = tidy(compress(text, min(len(text) - 1, max(0, budget))))
    return text


def _join(first: str, second: str) -> str:
    if not first or not second:
        return first or second
    if _is_cjk(first[-1]):
        return first + ("" if first[-1] in "。！？" else "。") + second
    return first + ("" if first[-1] in "?!" else ".") + " " + second
