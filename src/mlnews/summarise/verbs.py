"""The verb that says what the authors did, and what it leaves as the gist.

"We propose X" -> "X"; "We show that X" -> "X"; "We study X" -> "Studying X";
"Proposes X" (a newsletter's style, no subject) -> "X". A second verb of the same subject
goes with it: "We propose X and demonstrate Y" -> "X"; "We study X and develop Y" -> "Y".
"""

from __future__ import annotations

import re

from mlnews.text import word_set

# Verbs whose object is the gist: "We propose X" -> "X".
_OBJECT_VERBS = word_set(
    "propose introduce present develop design devise describe build construct formulate offer provide "
    "contribute report discuss review survey derive release create define give outline detail collect "
    "curate unveil launch announce implement obtain perform conduct highlight"
)
# Verbs whose clause is the gist: "We show that X" -> "X".
_CLAUSE_VERBS = word_set(
    "show demonstrate find prove observe argue confirm verify reveal conclude note claim suggest "
    "establish explain"
)
# Verbs that stay, as a gerund: "We study X" -> "Studying X".
_GERUND_VERBS = word_set(
    "study investigate explore examine analyze analyse consider address tackle revisit evaluate compare "
    "characterize characterise quantify measure assess benchmark test apply use leverage extend combine "
    "train learn turn generate improve reduce achieve look focus identify predict estimate cast "
    "frame treat adapt tune employ exploit translate render condition accelerate "
    "simplify unify enable generalize generalise solve aim seek attempt try strive illustrate"
)
_KNOWN_VERBS = _OBJECT_VERBS | _CLAUSE_VERBS | _GERUND_VERBS
# A sentence may open with one of these and no subject ("Proposes X", "Looks into why ..."); other
# -s words there are more often plural nouns ("Studies have shown", "Models trained on ...").
_SUBJECTLESS = word_set(
    "propose introduce present describe define develop show demonstrate compare tackle apply turn look "
    "explore investigate examine analyse analyze generate condition translate extend combine revisit "
    "derive offer provide predict estimate adapt argue unify accelerate"
)
# After "we", verbs that do not say what the paper does ("We are the first to ...").
_NOT_ACTIONS = word_set(
    "are is were was have has had can could will would do did may might must should need believe hope the "
    "all any its one two some more most many such these those this that their our not like love want wish "
    "call refer term also then further furthermore moreover first now here thus therefore"
)
_IRREGULAR_PAST = word_set(
    "made took gave got went saw found built ran did had came brought thought wrote held kept led left lost "
    "met paid put set sent spent told understood began chose drew knew showed shown"
)
_DOUBLED = word_set("run set get put map plan stop cut begin drop ship scan chat swap tap trim win fit")
_LEAD = re.compile(
    r"^(?:(?P<subject>we|they|the authors|(?:this|our|the) (?:\w+ )?"
    r"(?:paper|work|article|study|letter|note|report|survey|review|post))\s+)?"
    r"(?:(?:will|shall)\s+)?"  # "we will review X" -> "Reviewing X"
    r"(?:(?:\w+ly|also|then|further|furthermore|moreover|first|now|here|therefore|thus|hence|instead|still|have"
    r"|has)\s+){0,2}"  # "we also completely characterize X"
    r"(?P<verb>[a-z]+)\b(?:\s+and\s+[a-z]+\b)?(?:\s+(?P<particle>that|to|into|on|at|how|why|what|whether|when)\b)?\s*",
    re.IGNORECASE,
)


# "..., and demonstrate its ...": a second verb of the subject the gist has lost. A word that
# is as often a noun counts only before what opens an object: "training and test sets" stays.
_COORDINATED = re.compile(
    r"(?:,\s*|\s+)(?:and|then)\s+(?:then\s+|also\s+|further\s+)?(?P<verb>[a-z]+)\s+(?P<next>[\w-]+)"
)
_OBJECT_OPENS = word_set(
    "a an the its their our this these those it them how why whether what several various possible some new "
    "multiple extensive two three"
)
_ONLY_VERBS = word_set(
    "propose introduce develop demonstrate illustrate perform evaluate validate discuss compare apply "
    "analyze analyse provide derive investigate explore achieve obtain construct outperform show prove"
)


def object_of(text: str) -> str:
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
        if subject.lower() not in {"we", "they"} or word in _NOT_ACTIONS or _past(word) or len(word) < 3:
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
        if not then:
            return rest
        doing = then.group(1)
        first, _ = _one_verb(rest[then.end() :], doing, _base(doing) or doing, yield_to_second=False)
        return _gerund(doing) + first
    after = f"{particle} {rest}" if particle else rest
    after, second = _one_verb(after, word, verb)
    if second is not None:
        return second  # "We study X and develop Y" -> "Y"
    if (verb in _OBJECT_VERBS or verb in _CLAUSE_VERBS) and particle not in {"on", "at", "into"}:
        return after
    return f"{_gerund(verb)} {after}"


def _one_verb(after: str, word: str, verb: str, yield_to_second: bool = True) -> tuple[str, str | None]:
    """What the lead verb says, without a second verb of its subject ("X and demonstrate Y" -> "X");
    and, when the first only sets the scene ("study", "consider") and the second proposes, the second's
    object ("We study X and develop Y" -> Y)."""
    for coordinated in _COORDINATED.finditer(after):
        second = coordinated.group("verb")
        base = _base(second)
        if base is None or _form(second, base) != _form(word, verb):
            continue
        opens = coordinated.group("next")
        if base not in _ONLY_VERBS and opens.lower() not in _OBJECT_OPENS and not opens[0].isupper():
            continue
        if re.search(r"\bto [a-z]+$", after[: coordinated.start()]):
            continue  # "with experts to define and test X": both verbs are the "to"'s, not the subject's
        if yield_to_second and base in _OBJECT_VERBS and verb not in _OBJECT_VERBS | _CLAUSE_VERBS:
            gist = after[coordinated.start("next") :]
            then = re.match(r"to ([a-z]+)\b", gist)  # "and propose to interpret X" -> "interpreting X"
            return after, _gerund(then.group(1)) + gist[then.end() :] if then else gist
        return after[: coordinated.start()], None
    return after, None


def _form(word: str, base: str) -> str:
    """ "propose", "proposes" or "proposed": which form of its verb a word is."""
    if word == base:
        return "base"
    return "past" if _past(word) else "s"


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
