"""The `openai` summariser: drafts by a language model over any OpenAI-compatible endpoint.

Each draft is checked twice before it is returned: its shape (a JSON object, a one-line
headline, a post that fits) and its facts (`mlnews.faithful`). Either failure is put to
the model once, named; a draft still unfaithful is returned as it is, and compose flags
it in the issue source. A draft whose shape is still wrong is a one-line error naming the
item. Answers are cached in the library: drafting again asks nothing.
"""

from __future__ import annotations

from typing import Any

from mlnews import faithful, plugins
from mlnews.config import Setting
from mlnews.llm import answers, prompts
from mlnews.llm.client import SETTINGS, ChatClient, ask
from mlnews.summarise import Draft, Source

DRAFT_FIELDS = ("headline", "summary", "post")


class OpenAISummariser:
    name = "openai"
    description = (
        "Drafts in your voice by a model over an OpenAI-compatible endpoint (OpenAI, vLLM, Ollama...)."
    )
    settings = (
        *SETTINGS,
        Setting(
            "examples", 3, "How many of your past entries, the most like the item, are shown to the model."
        ),
        Setting("summary_words", 80, "About how long a summary is, in words."),
        Setting("tone", prompts.Style.tone, "How the drafts should sound."),
        Setting("language", "English", "The language drafts are written in: the one you write in."),
    )
    uses_examples = True  # compose gives each source the curator's entries most like it

    def __init__(self, **settings: Any):
        values = {s.name: s.default for s in self.settings} | settings
        self.client = ChatClient(values)
        self.style = prompts.Style(
            language=str(values["language"]),
            summary_words=int(values["summary_words"]),
            tone=str(values["tone"]),
            examples=int(values["examples"]),
        )

    def prepare(self, context: plugins.Context) -> None:
        self.client.responses = context.responses
        self.client.network = context.network

    def draft(self, source: Source) -> Draft:
        about = source.key or source.url or source.title
        messages = prompts.draft_messages(source, self.style, self.client.max_input_tokens)
        fields = ask(self.client, messages, about, lambda content: self._read(content, source), "a draft")
        return Draft(headline=fields["headline"], summary=fields["summary"], post=fields["post"])

    def _read(self, content: str, source: Source) -> tuple[dict[str, str] | None, list[str]]:
        """The draft's fields (None if unreadable) and what is wrong with it, for the model."""
        try:
            fields = answers.fields(content, DRAFT_FIELDS)
        except answers.AnswerError as error:
            return None, [str(error)]
        problems = answers.draft_problems(fields, source.url)
        if problems:
            return None, problems
        for name in DRAFT_FIELDS:
            problems += [f"{name}: {p}" for p in faithful.check(fields[name], source.whole)]
        return fields, problems
