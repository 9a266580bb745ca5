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

from mlnews import lazy, plugins, validate
from mlnews.drafts import Draft, Source
from mlnews.llm import answers, prompts, verify
from mlnews.llm.client import ChatClient, Task, ask
from mlnews.llm.endpoints import HTTP_KEYS, LOCAL_KEYS, inherited, open_endpoint, ready
from mlnews.settings import Setting

if TYPE_CHECKING:
    from mlnews import faithful
else:  # checked when a model has answered: reading the settings does not load the check
    faithful = lazy.load("mlnews.faithful")

DRAFT_FIELDS = ("headline", "summary", "post")

STYLE_SETTINGS = (
    Setting("examples", 3, "How many of your past entries, the most like the item, are shown to the model."),
    Setting("summary_words", 80, "About how long a summary is, in words."),
    Setting("tone", prompts.Style.tone, "How the drafts should sound."),
    Setting("language", "English", "The language drafts are written in: the one you write in."),
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
        self.client = ChatClient(open_endpoint(self.name, self.values), self.values)

    def prepare(self, context: plugins.Context) -> None:
        self.client.responses = context.responses
        ready(self.client.endpoint, context.network)

    def draft(self, source: Source) -> Draft:
        task = Task(
            build=lambda budget: prompts.draft_messages(source, self.style, budget),
            schema=prompts.draft_schema(self.style),
            max_tokens=prompts.draft_tokens(self.style),
            about=source.key or source.url or source.title,
            name="draft",
        )
        fields, _ = ask(self.client, task, lambda content: self._read(content, source), "a draft")
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
