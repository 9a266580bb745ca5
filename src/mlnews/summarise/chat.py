"""Summarisers that draft with a chat model: `openai` (any OpenAI-compatible endpoint) and
`local` (a GGUF file run in-process). Both ask the same request and check the answer the
same way; only where the model runs differs (`mlnews.llm`).

An answer is read as the schema asks (a JSON object with a headline, a summary and a
post), then checked: the entry's rules (`mlnews.validate`: not the title, third person,
lengths) and its facts (`mlnews.faithful`). What fails is put to the model once, named.
An answer still unreadable is a ModelError naming the item: compose keeps the offline
draft for that entry, flagged, and goes on. A readable answer that still breaks a rule is
returned, and compose flags it. Only answers with nothing wrong are cached.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlnews import lazy, plugins
from mlnews.drafts import Draft, Source
from mlnews.llm import prompts
from mlnews.settings import HTTP_KEYS, LOCAL_KEYS, Setting, inherited

if TYPE_CHECKING:
    from mlnews import faithful, validate
    from mlnews.llm import answers, endpoints, verify
    from mlnews.llm import client as llm
else:  # loaded when a backend is made: checking the settings that name one loads none of them
    faithful = lazy.load("mlnews.faithful")
    validate = lazy.load("mlnews.validate")
    answers = lazy.load("mlnews.llm.answers")
    endpoints = lazy.load("mlnews.llm.endpoints")
    verify = lazy.load("mlnews.llm.verify")
    llm = lazy.load("mlnews.llm.client")

DRAFT_FIELDS = ("headline", "summary", "post")

# The style's defaults are the prompt's (`prompts.Style`): written once.
STYLE_SETTINGS = (
    Setting(
        "examples",
        prompts.Style.examples,
        "How many of your past entries, the most like the item, are shown to the model.",
    ),
    Setting("summary_words", prompts.Style.summary_words, "About how long a summary is, in words."),
    Setting("tone", prompts.Style.tone, "How the drafts should sound."),
    Setting("language", prompts.Style.language, "The language drafts are written in: the one you write in."),
    Setting(
        "verify",
        False,
        "Put each sentence of a headline and summary to the model again with the source (is it "
        "supported?); one it doubts is flagged. A request per sentence.",
    ),
)


class ChatSummariser:
    """What both chat summarisers share: the prompt, the schema, reading and checking."""

    name = ""
    uses_examples = True  # compose gives each source the curator's entries most like it
    settings: tuple[Setting, ...] = ()

    def __init__(self, **settings: Any):
        self.values = {s.name: s.default for s in self.settings} | settings
        self.style = prompts.Style(
            language=str(self.values["language"]),
            summary_words=int(self.values["summary_words"]),
            tone=str(self.values["tone"]),
            examples=int(self.values["examples"]),
        )
        self.client = llm.ChatClient(endpoints.open_endpoint(self.name, self.values), self.values)

    def prepare(self, context: plugins.Context) -> None:
        self.client.responses = context.responses
        endpoints.ready(self.client.endpoint, context.network)

    def draft(self, source: Source) -> Draft:
        task = llm.Task(
            build=lambda budget: prompts.draft_messages(source, self.style, budget),
            schema=prompts.draft_schema(self.style),
            max_tokens=prompts.draft_tokens(self.style),
            about=source.key or source.url or source.title,
            name="draft",
        )
        fields, _ = llm.ask(self.client, task, lambda content: self._read(content, source), "a draft")
        doubts = verify.doubts(self.client, fields, source) if self.values["verify"] else {}
        return Draft(fields["headline"], fields["summary"], fields["post"], doubts=doubts)

    def _read(self, content: str, source: Source) -> tuple[dict[str, str] | None, list[str]]:
        """The draft's fields (None if unreadable) and what is wrong with them, for the model."""
        try:
            fields = answers.fields(content, DRAFT_FIELDS)
        except answers.AnswerError as error:
            return None, [str(error)]
        problems = [
            p
            for found in validate.draft_problems(fields, source.title, source.kind, source.url).values()
            for p in found
        ]
        for name in DRAFT_FIELDS:
            problems += [f"{name}: {p}" for p in faithful.check(fields[name], source.whole)]
        return fields, problems


class OpenAISummariser(ChatSummariser):
    name = "openai"
    description = (
        "Drafts in your voice by a model over an OpenAI-compatible endpoint (OpenAI, vLLM, Ollama...)."
    )
    settings = (*STYLE_SETTINGS, *inherited(HTTP_KEYS))


class LocalSummariser(ChatSummariser):
    name = "local"
    description = "Drafts in your voice by a GGUF model run in-process (pip install 'mlnews[local]')."
    settings = (*STYLE_SETTINGS, *inherited(LOCAL_KEYS))
