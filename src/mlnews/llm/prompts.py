"""What the model is asked: to draft an entry in the curator's voice, or to translate one.

The default style is the reference series': a headline that states the gist in plain
words (not the title), a summary that goes problem → proposal → result, a post under 280
characters. The curator's own past entries, the ones most like the item, are shown as
earlier turns of the conversation: a model imitates examples better than descriptions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mlnews.drafts import Example, Request, Source
from mlnews.text import HEADLINE_LIMIT

Messages = list[dict[str, str]]

LANGUAGE_NAMES = {"en": "English", "zh": "Simplified Chinese", "ja": "Japanese"}
WIDE_LANGUAGES = ("Chinese", "Simplified Chinese", "Traditional Chinese", "Japanese", "Korean")


@dataclass(frozen=True)
class Style:
    newsletter: str = "a weekly machine-learning research digest"
    language: str = "English"
    summary_words: int = 80
    tone: str = "plain and concrete, like a researcher telling a colleague; no hype, no exclamation marks"
    examples: int = 3


def draft_schema(style: Style) -> dict[str, Any]:
    """The answer a draft must be: the three fields, each within its length."""
    post = 120 if style.language in WIDE_LANGUAGES else 250  # CJK counts twice on X
    return _object(
        {
            "headline": {"type": "string", "minLength": 8, "maxLength": HEADLINE_LIMIT},
            "summary": {"type": "string", "minLength": 40, "maxLength": style.summary_words * 10},
            "post": {"type": "string", "minLength": 20, "maxLength": post},
        }
    )


def draft_tokens(style: Style) -> int:
    """Room for a draft's answer: the summary (a word is ~1.3 tokens, a CJK character ~1),
    the headline, the post and the JSON around them."""
    return style.summary_words * 3 + 250


def translation_schema(request: Request) -> dict[str, Any]:
    """Each text, at most three times its source's length: a model that rambles stops there,
    readable, instead of running out of tokens mid-object."""
    return _object(
        {
            name: {"type": "string", "minLength": 1, "maxLength": max(40, 3 * len(text))}
            for name, text in request.texts.items()
        }
    )


def translation_tokens(request: Request) -> int:
    """Room for a translation: CJK takes more tokens than the English it renders."""
    return 2 * tokens(json.dumps(request.texts, ensure_ascii=False)) + 100


def verify_messages(source: Source, sentence: str, budget: int) -> Messages:
    """One sentence of a draft and its source: is every fact in it stated there?"""
    system = (
        "You check one sentence of a summary against its source. Answer with one JSON object: "
        '{"verdict": "supported" or "unsupported", "evidence": ...}. A sentence is supported only if '
        "every number, name and claim in it is stated in the source, for the same thing and with the "
        "same scope. evidence: the source's words that support it, or what the source says instead."
    )
    question = f"Sentence: {sentence}\n\nSource:\n"
    room = max(0, budget - tokens(system) - tokens(question) - 50)
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": question + cut(source.whole, room)},
    ]


VERIFY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "verdict": {"type": "string", "enum": ["supported", "unsupported"]},
        "evidence": {"type": "string", "minLength": 1, "maxLength": 300},
    },
    "required": ["verdict", "evidence"],
    "additionalProperties": False,
}
VERIFY_TOKENS = 160


def _object(properties: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def draft_messages(source: Source, style: Style, budget: int) -> Messages:
    system = (
        f"You write entries for {style.newsletter}, in {style.language}. For the item the user gives, "
        'answer with one JSON object: {"headline": ..., "summary": ..., "post": ...}.\n'
        f"- headline: the gist in plain words, a whole clause, not the item's title; at most "
        f"{HEADLINE_LIMIT} characters.\n"
        f"- summary: one paragraph of about {style.summary_words} words: the problem, what the authors "
        "propose, and the result. Say what they did in the third person for a paper; keep a blog "
        "post's or an article's own voice.\n"
        "- post: one line for social media, under 250 characters, without a link.\n"
        "- Use only facts the item states: every number, and every name of a model, dataset, method or "
        "organisation, must appear in the item's text.\n"
        f"- Tone: {style.tone}."
    )
    messages: Messages = [{"role": "system", "content": system}]
    for example in source.examples[: style.examples]:
        messages.append({"role": "user", "content": _item_text(example.title, example.text)})
        messages.append({"role": "assistant", "content": _example_answer(example)})
    used = tokens(system) + sum(tokens(m["content"]) for m in messages[1:])
    room = max(0, budget - used - tokens(_item_text(source.title, source.text)) - 50)
    body = cut(source.body, room)
    messages.append({"role": "user", "content": _item_text(source.title, source.text, source, body)})
    return messages


def _item_text(title: str, text: str, source: Source | None = None, body: str = "") -> str:
    lines = [f"Title: {title or '(not known)'}"]  # a past issue's pick whose record is not in yet
    if source is not None:
        lines.append(f"Kind: {source.kind}")
        if source.authors:
            lines.append(f"Authors: {', '.join(source.authors[:8])}")
        if source.site:
            lines.append(f"Site: {source.site}")
    lines.append(f"Text: {text or '(none)'}")
    if body:
        lines.append(f"More of it: {body}")
    return "\n".join(lines)


def _example_answer(example: Example) -> str:
    answer = {
        "headline": example.headline,
        "summary": example.summary,
        "post": example.post or example.headline,
    }
    return json.dumps(answer, ensure_ascii=False)


def translation_messages(request: Request) -> Messages:
    source = LANGUAGE_NAMES.get(request.source, request.source)
    target = LANGUAGE_NAMES.get(request.target, request.target)
    rules = [
        f"Translate the curator's texts from {source} into {target}. Answer with one JSON object with "
        f"the same keys ({', '.join(request.texts)}), each value translated.",
        "- Keep Markdown, links and code as they are.",
        "- Keep names of models, datasets, methods and organisations as written.",
        "- Add nothing and leave nothing out: every number stays the same number.",
        "- A headline stays one line; a post stays under 140 characters.",
    ]
    keep, terms = request.glossary.for_text(" ".join(request.texts.values()), request.target)
    if keep:
        rules.append(f"- Keep these terms exactly as written: {', '.join(keep)}.")
    for term, rendering in terms.items():
        rules.append(f'- Translate "{term}" as "{rendering}".')
    if request.title:
        rules.append(f"The texts are about: {request.title}")
    return [
        {"role": "system", "content": "\n".join(rules)},
        {"role": "user", "content": json.dumps(request.texts, ensure_ascii=False)},
    ]


def tokens(text: str) -> int:
    """About how many tokens a text is: four characters of Latin script, or one CJK character, each."""
    wide = sum(1 for c in text if ord(c) > 0x2E7F)
    return (len(text) - wide) // 4 + wide + 1


def cut(text: str, budget: int) -> str:
    """The start of `text` within `budget` tokens, cut at a sentence or word end."""
    if tokens(text) <= budget:
        return text
    if budget <= 0:
        return ""
    cut_at = budget * 4
    while cut_at > 0 and tokens(text[:cut_at]) > budget:
        cut_at = int(cut_at * 0.9)
    piece = text[:cut_at]
    end = max(piece.rfind(". "), piece.rfind("。"))
    return piece[: end + 1] if end > len(piece) // 2 else piece.rsplit(" ", 1)[0]
