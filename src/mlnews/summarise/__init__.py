"""Summarisers: what an item says about itself, turned into a headline, a summary and a post.

A summariser is a small class with a `name` and a `draft(source)` method, and
optionally `settings` (read from `[summariser.NAME]` in mlnews.toml and given to
its constructor). Summarisers are plugins (`mlnews.plugins`): the built-in one
(`extractive`, offline) is declared in the `mlnews.summarisers` entry-point group
exactly as a third-party backend is:

    [project.entry-points."mlnews.summarisers"]
    mybackend = "mlnews_mybackend:MySummariser"
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar, cast

from mlnews import plugins
from mlnews.drafts import Draft, Example, Source

# What a summariser is given and gives back is declared in `mlnews.drafts`, where every stage can
# read it; a plugin imports it from here. The lengths a draft keeps to are `mlnews.text`'s.
__all__ = [
    "DEFAULT",
    "Draft",
    "Example",
    "Source",
    "Summariser",
    "get",
    "names",
    "register",
]

DEFAULT = "extractive"


class Summariser(Protocol):
    name: str  # how users ask for it: `summariser = "extractive"`

    def draft(self, source: Source) -> Draft: ...


S = TypeVar("S", bound=Summariser)


def register(cls: type[S]) -> type[S]:
    """Class decorator: make a summariser known without an entry point (built-ins use entry points)."""
    plugins.register("summariser", cls)
    return cls


def names() -> list[str]:
    """Every summariser that can be asked for: built-in ones and installed plugins."""
    return plugins.names("summariser")


def get(name: str, settings: dict[str, Any] | None = None) -> Summariser:
    """A ready summariser made with its settings; `UsageError` if unknown, broken or failing to start."""
    return cast(Summariser, plugins.create("summariser", name, settings))
