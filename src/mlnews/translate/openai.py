"""The `openai` translator: the curator's texts translated by a model over an OpenAI-compatible endpoint.

One request per entry and language, with the entry's texts together (they share their
context) and the glossary's terms that occur in them. A translation that adds a number or
a name its source text does not have is put back to the model once, named; if it is still
unfaithful it is returned, and compose flags it in the issue source.
"""

from __future__ import annotations

from typing import Any

from mlnews import faithful, plugins
from mlnews.llm import answers, prompts
from mlnews.llm.client import SETTINGS, ChatClient, ask
from mlnews.translate import Request


class OpenAITranslator:
    name = "openai"
    description = "Translates by a model over an OpenAI-compatible endpoint (OpenAI, vLLM, Ollama...)."
    settings = SETTINGS

    def __init__(self, **settings: Any):
        self.client = ChatClient({s.name: s.default for s in SETTINGS} | settings)

    def prepare(self, context: plugins.Context) -> None:
        self.client.responses = context.responses
        self.client.network = context.network

    def translate(self, request: Request) -> dict[str, str]:
        about = f"{request.about} ({request.target})"
        messages = prompts.translation_messages(request)
        return ask(
            self.client, messages, about, lambda content: self._read(content, request), "a translation"
        )

    def _read(self, content: str, request: Request) -> tuple[dict[str, str] | None, list[str]]:
        try:
            fields = answers.fields(content, list(request.texts))
        except answers.AnswerError as error:
            return None, [str(error)]
        _, terms = request.glossary.for_text(" ".join(request.texts.values()), request.target)
        allowed = (request.title, *terms.values())
        problems = []
        for name, text in fields.items():
            problems += [f"{name}: {p}" for p in faithful.check(text, request.texts[name], allowed)]
        return fields, problems
