"""What every generated text must be, besides faithful (`mlnews.faithful`): the rules of an entry.

A headline states the gist in its own words: not the item's title, one line, short. A
paper's summary says what the authors did in the third person. A post fits one X post with
its link. A translation into Chinese or Japanese is written in that language: a model that
answers in English has not translated, whatever the text says. These hold for a model's
drafts and the offline drafter's alike; a text that breaks one is flagged in the issue
source, like an unfaithful one, and never published unflagged.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from mlnews.text import CJK_HEADLINE_LIMIT, HEADLINE_LIMIT, fits, mostly_cjk

# "We", "our", "I" outside quotes: a paper's summary tells what *they* did.
# "I" only before a verb: "(i)", "i.e." and a variable I are not the author speaking; "US"
# is a country.
_FIRST_PERSON = re.compile(
    r"\b(?:[Ww]e|[Oo]urs?|[Mm]y)\b|(?<![\w(\\$])I(?= (?:am|have|propose|show|present|study|find|use|argue)\b)"
)
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|`[^`]*`|\$[^$]*\$")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
# Ordinary lower-case words: a model's or a dataset's name (GPT-3, ImageNet) stays Latin in
# any language, a sentence of plain words does not.
_PLAIN_WORD = re.compile(r"(?<![\w-])[a-z]{2,}(?![\w-])")
_WORD = re.compile(r"\w+")
SUMMARY_WORDS = 15  # fewer is a phrase, not the paragraph a summary is
LANGUAGE_SHARE = 0.3  # the least share of a zh/ja text written in its own script
_SCRIPT_NAMES = {"zh": "Chinese", "ja": "Japanese"}


def draft_problems(fields: dict[str, str], title: str, kind: str, link: str) -> dict[str, list[str]]:
    """What breaks an entry's rules, by field ("headline", "summary", "post"), worded for the
    curator and for the model asked again."""
    found: dict[str, list[str]] = {}
    headline, summary, post = fields.get("headline", ""), fields.get("summary", ""), fields.get("post", "")
    if headline:
        limit = CJK_HEADLINE_LIMIT if mostly_cjk(headline) else HEADLINE_LIMIT
        if "\n" in headline.strip() or len(headline) > limit:
            found.setdefault("headline", []).append(
                f"the headline must be one line of at most {limit} characters"
            )
        # A news story's title often is its gist; a paper's title never is the plain-words headline.
        if is_title(headline, title) if kind == "paper" else _letters(headline) == _letters(title):
            found.setdefault("headline", []).append(
                "the headline is the item's title: state the gist in other words"
            )
    if summary:
        if is_title(summary, title):
            found.setdefault("summary", []).append("the summary is the item's title")
        elif headline and _letters(summary) == _letters(headline):
            found.setdefault("summary", []).append("the summary is the headline again")
        words = len(summary.split())
        if kind == "paper" and not mostly_cjk(summary) and words < SUMMARY_WORDS:
            found.setdefault("summary", []).append(
                f"a paper's summary is a paragraph (problem, proposal, result), not {words} words"
            )
    for name, text in (("summary", summary), ("post", post)):
        person = _FIRST_PERSON.search(_QUOTED.sub("", text)) if kind == "paper" and text else None
        if person and not mostly_cjk(text):
            found.setdefault(name, []).append(
                f'a paper\'s {name} tells what the authors did in the third person, not "{person.group(0)}"'
            )
    if post and link and not fits(" ".join(post.split()), link):
        found.setdefault("post", []).append(
            "the post must fit in 280 characters with the link (a link counts 23, CJK twice)"
        )
    return found


def is_title(text: str, title: str) -> bool:
    """The text is the title, or all but the title: the same letters near enough, or the
    title's words with a word or two left out or changed."""
    a, b = _letters(text), _letters(title)
    if not a or not b:
        return False
    if a == b:
        return True
    if len(a) <= len(b) * 1.3 and SequenceMatcher(None, a, b).ratio() >= 0.9:
        return True
    said, titled = set(_WORD.findall(text.casefold())), set(_WORD.findall(title.casefold()))
    shared = len(said & titled)
    return len(titled) >= 3 and shared >= 0.8 * len(said) and shared >= 0.7 * len(titled)


def language_problems(text: str, lang: str) -> list[str]:
    """A text meant to be in `lang` that is not: too little of its script, or another's."""
    if lang not in _SCRIPT_NAMES:
        return []
    text = unicodedata.normalize("NFKC", text)
    han, kana, hangul = len(_HAN.findall(text)), len(_KANA.findall(text)), len(_HANGUL.findall(text))
    own = han + kana
    plain = len(_PLAIN_WORD.findall(text))
    if own + plain == 0:
        return []  # a name or a number alone: nothing to tell the language by
    share = own / (own + 2 * plain)  # a plain word weighs about two characters of Chinese
    name = _SCRIPT_NAMES[lang]
    if share < LANGUAGE_SHARE or hangul > own:
        return [f"it is not written in {name} (only {share:.0%} of it is in {name} script)"]
    if lang == "ja" and kana == 0 and han >= 12:
        return ["it is not written in Japanese (Chinese characters with no kana)"]
    if lang == "zh" and kana > max(2, han // 5):
        return ["it is written in Japanese, not Chinese (it has kana)"]
    return []


def _letters(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())
