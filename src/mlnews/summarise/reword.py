"""Rewording a sentence to report on a paper: openers dropped, "we" made "they", claims unclaimed.

"In this paper, we propose X" reads as "They propose X"; "Experiments show that
X" as "X". Nothing here shortens a sentence to a length: see `compress`.
"""

from __future__ import annotations

import re

# Discourse openers: a sentence reads the same without them. Each is followed by a comma, or by
# "we"/"our" directly ("Here we show"); "in this paper" by anything.
_DOCUMENT = (
    r"(?:paper|work|article|study|letter|note|report|manuscript|thesis|chapter|survey|review|project"
    r"|research)"
)
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
# An opener ends at a comma, but not at one inside a number ("with 2,140 participants").
_CLAUSE = r"(?:[^,]|(?<=\d),(?=\d))"
_OPENER = re.compile(
    rf"^(?:{_DOCUMENT_OPENER}"
    rf"|(?:{'|'.join(_OPENER_PHRASES)})(?:,\s*(?:which|who|where)\b[^,]{{1,120}}?)?"
    r"(?:\s*,(?!\d)\s*|\s+(?=we\b|our\b)))".replace("[^,]", _CLAUSE),
    re.IGNORECASE,
)
_IN_THIS_PAPER = re.compile(rf"(,?) in this {_DOCUMENT}\b(,?)", re.IGNORECASE)


def drop_in_this_paper(text: str) -> str:
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
        return drop_in_this_paper(_LIGHT_OPENER.sub("", sentence, count=1)) or sentence
    while True:
        shorter = _OPENER.sub("", _AIM.sub("We ", sentence, count=1), count=1)
        if shorter == sentence or not shorter or _CONTINUES.match(shorter):
            return sentence
        sentence = shorter


# Openers that point back at a sentence before ("However, ", "To this end, ", "To bridge this gap, "):
# a sentence that opens a summary, or follows one the summary left out, reads better without them.
_THAT = r"(?:this|these|that|those|such|both|the (?:above|aforementioned|former|latter|same))\b"
_BACK_PHRASES = (
    r"however|moreover|furthermore|in addition|additionally|besides|also|thus|therefore|hence",
    r"consequently|as a (?:result|consequence)|accordingly|as such|in contrast|by contrast",
    r"on the other hand|on the contrary|instead|nevertheless|nonetheless|still|yet|but|and|so|then|next",
    r"finally|lastly|first(?:ly)?|second(?:ly)?|third(?:ly)?|meanwhile|similarly|likewise|specifically",
    r"in particular|notably|importantly|indeed|in fact|in turn|in short|in other words|that is|namely",
    r"overall|in summary|in conclusion|to (?:summari[sz]e|conclude)|further|alternatively|interestingly",
    r"surprisingly|unfortunately|crucially|concretely|more (?:importantly|specifically|precisely|generally)",
    r"in doing so|to do (?:so|this|that)|here(?:in)?|as (?:a|an) (?:remedy|solution|alternative)",
    r"(?:to|toward|towards) (?:this|that) (?:end|goal|aim)",
    r"for (?:this|that|these|those) (?:purpose|reason)s?",
    r"in (?:this|that|such a) (?:way|regard|respect|context|setting|case|direction|spirit|vein|light|sense)",
    r"in (?:such|these|those|both|all|each) (?:cases?|settings?)|along (?:this|these) lines?",
    # "To bridge this gap, ", "Motivated by these observations, ", "Despite this progress, ".
    rf"(?:in order )?to [a-z]+ [^,]{{0,60}}?\b{_THAT}[^,]{{0,50}}?",
    r"(?:in order )?to [a-z]+ (?:with )?the (?:problem|issue|gap|challenge|limitation|difficulty|shortcoming"
    r"|drawback|bottleneck|question)s?",
    rf"(?:motivated|inspired|guided|driven|informed|encouraged) by {_THAT}[^,]{{0,60}}?",
    rf"(?:building|based|drawing|relying|capitalizing|capitalising) (?:on|upon) {_THAT}[^,]{{0,60}}?",
    rf"(?:given|despite|with|following|in light of|in view of|beyond|unlike|like|apart from|besides"
    rf"|in (?:addition|contrast|response) to|compared (?:to|with)|against) {_THAT}[^,]{{0,60}}?",
    rf"(?:in|within|through) (?:this|the present|our)(?: \w+)? {_DOCUMENT}",
)
_BACK_OPENER = rf"^(?:{'|'.join(_BACK_PHRASES)})(?:\s*,(?!\d)\s*|\s+(?=(?:we|our|they|their)\b))"
_BACK_REFERENCE = re.compile(
    _BACK_OPENER.replace("[^,]", _CLAUSE)
    # These need no comma to be read as pointing back ("However existing methods ...").
    + r"|^(?:however|moreover|furthermore|therefore|thus|hence|consequently|nevertheless|nonetheless|yet"
    r"|but|and|then)\s+(?=[A-Za-z(])",
    re.IGNORECASE,
)


# What follows an opener that was part of the sentence's syntax ("However, which ...").
_RELATIVE = re.compile(r"(?:which|who|whose|whom|where|whereas|than|of)\b", re.IGNORECASE)


def drop_back_reference(sentence: str) -> str:
    """ "However, X" -> "X"; "To bridge this gap, we propose Y" -> "we propose Y": what is left
    stands on its own when the sentence it pointed back at is not there."""
    while True:
        shorter = _BACK_REFERENCE.sub("", sentence, count=1)
        if shorter == sentence or not shorter or _RELATIVE.match(shorter) or not shorter[0].isalnum():
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


def capitalise(text: str) -> str:
    """The first letter in upper case, past any opening quote or bracket; "pixelNeRF" kept as it is."""
    quotes = len(text) - len(text.lstrip("\"'“‘(["))
    if quotes:
        return text[:quotes] + capitalise(text[quotes:])
    first = text[:1]
    # Names like "pixelNeRF" keep their case; "ß".upper() is two letters and would change the length.
    rest = text.split(" ", 1)[0][1:]
    if first.islower() and len(first.upper()) == 1 and rest == rest.lower():
        return first.upper() + text[1:]
    return text


# "Experiments show that X", "we find that X": who claims, and the claiming, before what is claimed.
_CLAIM = re.compile(
    r"^[^,;:]{0,100}?\b(?:show|shows|showed|shown|demonstrate[sd]?|indicate[sd]?|suggest(?:s|ed)?|"
    r"confirm(?:s|ed)?|reveal(?:s|ed)?|verif(?:y|ies|ied)|prove[sd]?|find|finds|found|evidence)"
    r"(?:\s*,\s*[^,;:]{1,40}?\s*,)?\s+that\b\s*",  # "we show, somewhat surprisingly, that X"
    re.IGNORECASE,
)
_LEADING_ASIDE = re.compile(r"^,\s*[^,]{1,150},\s*")
# "实验表明，X" (experiments show that X) -> "X".
_CJK_CLAIM = re.compile(
    r"^(?:实验|實驗|结果|結果|实验结果|評価|実験)(?:表明|显示|證明|证明|では|の結果)?[，,、]"
)
# Asides and acronyms "(CNNs)", "(e.g., ...)" and citations "[12]"; not maths like "(1/310)".
_PARENTHETICAL = re.compile(r"\s+\((?=[^\d(])[^()^_={}]{1,80}\)(?!\()|\s*\[[\d,\s–-]+\]")


def drop_claim(text: str) -> str:
    """ "We show that, by doing Y, X" -> "X": what is claimed, without who claims it."""
    return _LEADING_ASIDE.sub("", _CLAIM.sub("", text, count=1), count=1)


def drop_cjk_claim(text: str) -> str:
    """ "实验表明，X" -> "X"."""
    return _CJK_CLAIM.sub("", text, count=1)


def drop_parentheticals(text: str) -> str:
    """Asides, acronyms and citations in brackets dropped: "networks (CNNs) [12]" -> "networks"."""
    return _PARENTHETICAL.sub("", text)
