"""A model's second opinion on a draft: factored verification.

Each sentence of the headline and the summary is put to the model with the source, one at
a time ("is every fact in this sentence stated there? answer with the supporting words"):
a model checks one claim against a text better than it writes a paragraph without slips.
A sentence it finds unsupported is flagged like any other problem (`mlnews.faithful`),
with the source's words it gives. Its answers are cached like every answer; a request it
cannot answer gives no opinion, not a flag. Off by default (`verify = true` in the
summariser's table): it costs a request per sentence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlnews import lazy
from mlnews.drafts import Source
from mlnews.llm import answers, prompts
from mlnews.llm.client import ChatClient, ModelError, Task, ask
from mlnews.text import split_sentences

if TYPE_CHECKING:
    from mlnews import faithful
else:  # imported with the first doubt
    faithful = lazy.load("mlnews.faithful")

VERIFIED = ("headline", "summary")  # the post restates these


def doubts(client: ChatClient, fields: dict[str, str], source: Source) -> dict[str, list[str]]:
    """Field -> the model's doubts about its sentences, worded as faithfulness problems."""
    found: dict[str, list[str]] = {}
    for name in VERIFIED:
        for sentence in split_sentences(fields.get(name, "")):
            verdict = _verdict(client, source, sentence)
            if verdict is not None and verdict["verdict"] == "unsupported":
                problem = faithful.Problem("model", _short(sentence), verdict["evidence"])
                found.setdefault(name, []).append(str(problem))
    return found


def _verdict(client: ChatClient, source: Source, sentence: str) -> dict[str, str] | None:
    task = Task(
        build=lambda budget: prompts.verify_messages(source, sentence, budget),
        schema=prompts.VERIFY_SCHEMA,
        max_tokens=prompts.VERIFY_TOKENS,
        about=source.key or source.url or source.title,
        name="verdict",
    )
    try:
        verdict, problems = ask(client, task, _read, "a verdict")
    except ModelError:
        return None  # no opinion is no flag: the rule-based check still stands
    return None if problems else verdict


def _read(content: str) -> tuple[dict[str, str] | None, list[str]]:
    try:
        verdict = answers.fields(content, ("verdict", "evidence"))
    except answers.AnswerError as error:
        return None, [str(error)]
    if verdict["verdict"].casefold() not in ("supported", "unsupported"):
        return verdict, ['"verdict" must be "supported" or "unsupported"']
    return {**verdict, "verdict": verdict["verdict"].casefold()}, []


def _short(sentence: str) -> str:
    return sentence if len(sentence) <= 90 else sentence[:87].rstrip() + "…"
