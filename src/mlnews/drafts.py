"""What the drafting backends are given and what they give back: a summariser's `Source` (with
the curator's `Example`s) and `Draft`, a translator's `Request`.

Data only, importing no stage: the summarisers and translators (`mlnews.summarise`,
`mlnews.translate`) and the model client they share (`mlnews.llm`) all read these, so none of
them needs another to know what a request is. Plugins import them from `mlnews.summarise` and
`mlnews.translate`, which re-export them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mlnews.settings import Glossary


@dataclass(frozen=True)
class Example:
    """An entry the curator wrote (or edited) in a past issue, with what it was written from."""

    title: str
    text: str  # the item's abstract or description
    headline: str
    summary: str
    post: str = ""


@dataclass(frozen=True)
class Source:
    """What a summariser is given about one item."""

    kind: str  # "paper" | "article" | "news" | "other"
    title: str
    text: str  # the abstract or description, plain text (may be empty)
    url: str  # the item's link
    site: str = ""  # e.g. "arxiv.org", "deepmind.com"
    authors: tuple[str, ...] = ()
    key: str = ""  # the item's key, for messages
    body: str = ""  # more of the item where the library has it: page text, a PDF's first pages
    # The curator's own entries most like this item, best first: their voice, to imitate.
    examples: tuple[Example, ...] = ()

    @property
    def whole(self) -> str:
        """Everything a draft may state facts from."""
        return "\n".join(part for part in (self.title, self.text, self.body) if part)


@dataclass(frozen=True)
class Draft:
    """What a summariser proposes; the curator edits it before it is published."""

    headline: str  # the gist in plain words, not the item's title, at most HEADLINE_LIMIT characters
    summary: str  # one paragraph: what problem, what they propose, what result
    post: str  # one line for social media, without the link
    # Field -> what a model's second opinion doubts in it (`mlnews.llm.verify`), if asked.
    doubts: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Request:
    """The texts of one entry (or the intro), to translate together: they share their context."""

    texts: dict[str, str]  # field ("headline", "summary", "post") -> text in the source language
    source: str  # language codes: "en"
    target: str  # "zh"
    about: str = ""  # what it is for, in messages: the item's key
    title: str = ""  # the item's title: names in it are kept as written
    glossary: Glossary = field(default_factory=Glossary)
