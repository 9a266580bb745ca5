"""Translators: the curator's text (headlines, summaries, posts, the intro) in another language.

A translator is a small class with a `name` and a `translate(request)` method that returns
the texts it could translate, by field; a field it leaves out is shown in the source
language, marked as such. Built in: `memory` (a translation memory: texts translated
before, looked up exactly; offline) and `openai` (any OpenAI-compatible chat endpoint).
Third-party ones are declared in the `mlnews.translators` entry-point group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from mlnews import plugins

NONE = ""  # `translator = ""`: no translator; other languages show the source text


@dataclass(frozen=True)
class Glossary:
    """Terms kept as written in every language, and terms translated one way per language."""

    keep: tuple[str, ...] = ()
    terms: dict[str, dict[str, str]] = field(default_factory=dict)  # lang -> {term: rendering}

    def for_text(self, text: str, lang: str) -> tuple[list[str], dict[str, str]]:
        """The entries that concern this text: kept terms and renderings of terms it uses."""
        folded = text.casefold()
        keep = [term for term in self.keep if term.casefold() in folded]
        terms = {term: out for term, out in self.terms.get(lang, {}).items() if term.casefold() in folded}
        return keep, terms


@dataclass(frozen=True)
class Request:
    """The texts of one entry (or the intro), to translate together: they share their context."""

    texts: dict[str, str]  # field ("headline", "summary", "post") -> text in the source language
    source: str  # language codes: "en"
    target: str  # "zh"
    about: str = ""  # what it is for, in messages: the item's key
    title: str = ""  # the item's title: names in it are kept as written
    glossary: Glossary = field(default_factory=Glossary)


class Translator(Protocol):
    name: str

    def translate(self, request: Request) -> dict[str, str]: ...


def names() -> list[str]:
    return plugins.names("translator")


def get(name: str, settings: dict[str, Any] | None = None) -> Translator:
    """A ready translator made with its settings; `UsageError` if unknown, broken or failing to start."""
    return cast(Translator, plugins.create("translator", name, settings))
