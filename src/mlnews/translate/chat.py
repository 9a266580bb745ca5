"""Translators that ask a chat model: `openai` (any OpenAI-compatible endpoint) and `local`
(a GGUF file run in-process).

One request per entry and language, with the entry's texts together (they share their
context) and the glossary's terms that occur in them. A translation that is not in the
target language, or adds a number or a name its source text does not have, is put back
to the model once, named; if it still fails it is returned, and compose flags it in the
issue source. An answer that stays unreadable is a ModelError: compose leaves those texts
untranslated (shown in the source language, marked) and goes on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlnews import lazy, plugins
from mlnews.drafts import Request
from mlnews.settings import HTTP_KEYS, LOCAL_KEYS, Setting, inherited

if TYPE_CHECKING:
    from mlnews import faithful, validate
    from mlnews.llm import answers, endpoints, prompts
    from mlnews.llm import client as llm
else:  # loaded when a backend is made: checking the settings that name one loads none of them
    faithful = lazy.load("mlnews.faithful")
    validate = lazy.load("mlnews.validate")
    answers = lazy.load("mlnews.llm.answers")
    endpoints = lazy.load("mlnews.llm.endpoints")
    prompts = lazy.load("mlnews.llm.prompts")
    llm = lazy.load("mlnews.llm.client")


class ChatTranslator:
    name = ""
    settings: tuple[Setting, ...] = ()

    def __init__(self, **settings: Any):
        values = {s.name: s.default for s in self.settings} | settings
        self.client = llm.ChatClient(endpoints.open_endpoint(self.name, values), values)

    def prepare(self, context: plugins.Context) -> None:
        self.client.responses = context.responses
        endpoints.ready(self.client.endpoint, context.network)

    def translate(self, request: Request) -> dict[str, str]:
        messages = prompts.translation_messages(request)
        task = llm.Task(
            build=lambda budget: messages,  # an entry's texts are short: they always fit
            schema=prompts.translation_schema(request),
            max_tokens=prompts.translation_tokens(request),
            about=f"{request.about} ({request.target})",
            name="translation",
        )
        fields, _ = llm.ask(self.client, task, lambda content: self._read(content, request), "a translation")
        return fields

    def _read(self, content: str, request: Request) -> tuple[dict[str, str] | None, list[str]]:
        try:
            fields = answers.fields(content, list(request.texts))
        except answers.AnswerError as error:
            return None, [str(error)]
        _, terms = request.glossary.for_text(" ".join(request.texts.values()), request.target)
        allowed = (request.title, *terms.values())
        problems = []
        for name, text in fields.items():
            problems += [f"{name}: {p}" for p in validate.language_problems(text, request.target)]
            problems += [f"{name}: {p}" for p in faithful.check(text, request.texts[name], allowed)]
        return fields, problems


class OpenAITranslator(ChatTranslator):
    name = "openai"
    description = "Translates by a model over an OpenAI-compatible endpoint (OpenAI, vLLM, Ollama...)."
    settings = inherited(HTTP_KEYS)


class LocalTranslator(ChatTranslator):
    name = "local"
    description = "Translates by a GGUF model run in-process (pip install 'mlnews[local]')."
    settings = inherited(LOCAL_KEYS)
