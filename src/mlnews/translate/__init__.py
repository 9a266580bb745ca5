"""Translators: the curator's text (headlines, summaries, posts, the intro) in another language.

A translator is a small class with a `name` and a `translate(request)` method that returns
the texts it could translate, by field; a field it leaves out is shown in the source
language, marked as such. Built in: `memory` (a translation memory: texts translated
before, looked up exactly; offline) and `openai` (any OpenAI-compatible chat endpoint).
Third-party ones are declared in the `mlnews.translators` entry-point group.
What a translator is given (`Request`) and the `[glossary]` (`Glossary`) are declared in the
base modules `mlnews.drafts` and `mlnews.settings`, which every stage may read; a plugin
imports them from here.
"""

from __future__ import annotations

from typing import Any, Protocol, cast

from mlnews import plugins
from mlnews.drafts import Request
from mlnews.settings import Glossary

__all__ = ["NONE", "Glossary", "Request", "Translator", "get", "names"]

NONE = ""  # `translator = ""`: no translator; other languages show the source text


class Translator(Protocol):
    name: str

    def translate(self, request: Request) -> dict[str, str]: ...


def names() -> list[str]:
    return plugins.names("translator")


def get(name: str, settings: dict[str, Any] | None = None) -> Translator:
    """A ready translator made with its settings; `UsageError` if unknown, broken or failing to start."""
    return cast(Translator, plugins.create("translator", name, settings))
