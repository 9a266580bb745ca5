"""The backends compose drafts and translates with, what they are given, and what they cost.

A summariser drafts each new entry from a `Source`: the item's title and abstract, the
body text the library holds (an article's page text, a paper's first PDF pages) and the
curator's own past entries most like it. Drafts are made in parallel, as many at once as
the backend allows (`max_concurrency`), and each is checked: a number or a name the
source does not have (`mlnews.faithful`), or a rule of the entry broken (`mlnews.validate`:
the title for a headline, "we" in a paper's summary, a post too long) flags the field in
the issue source. A model that answers nothing usable for one item costs that entry only:
it gets the offline draft, flagged, and `compose --retry-failed` asks again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from mlnews import faithful, identity, plugins, progress, summarise, translate, validate
from mlnews.compose.examples import Examples
from mlnews.document.model import Entry
from mlnews.document.safe import plain
from mlnews.items import Item
from mlnews.library import Library
from mlnews.library.responses import Responses
from mlnews.llm import prompts
from mlnews.settings import Config

BODY_LIMIT = 20_000  # characters of body text a source carries; a backend cuts it to its budget
CHECKED = ("headline", "summary", "post")
# How a flag on an entry the model failed begins: `compose --retry-failed` finds them by it.
KEPT_OFFLINE = "kept offline"

T = TypeVar("T")
R = TypeVar("R")


# What the built-in offline drafter writes (it works from English abstracts), and what a
# summariser is taken to write when it says nothing else: an entry records it (`Entry.lang`).
OFFLINE_LANGUAGE = "en"


@dataclass
class Backends:
    drafter: summarise.Summariser
    translator: translate.Translator | None
    language: str = OFFLINE_LANGUAGE  # the language the drafter writes in, as a code
    examples: Examples = field(default_factory=lambda: Examples([]))
    # What an entry gets when the drafter fails it: the offline drafter's draft.
    offline: summarise.Summariser = field(default_factory=lambda: summarise.get(summarise.DEFAULT))

    @property
    def concurrency(self) -> int:
        return _concurrency(self.drafter)

    @property
    def translating_concurrency(self) -> int:
        return _concurrency(self.translator)

    def usage(self) -> list[str]:
        """One line per backend that spent tokens (or saved them from the cache) in this run."""
        lines = []
        for doing, backend in (("drafting", self.drafter), ("translating", self.translator)):
            client = getattr(backend, "client", None)
            usage = getattr(client, "usage", None)
            if backend is not None and usage is not None and (usage.requests or usage.cached):
                lines.append(f"{doing} with {backend.name} ({client.model}): {usage.describe()}")  # type: ignore[union-attr]
        return lines

    def close(self) -> None:
        for backend in (self.drafter, self.translator):
            close = getattr(getattr(backend, "client", None), "close", None)
            if close is not None:
                close()


def backends(
    config: Config, workspace: Path, library: Library | None, *, translating: bool = True
) -> Backends:
    context = plugins.Context(
        workspace, config.network, Responses(library.path) if library is not None else None
    )
    settings = drafter_settings(config)
    drafter = summarise.get(config.summariser, settings)
    _prepare(drafter, context)
    translator = None
    if translating and config.translator and len(config.languages) > 1:
        translator = translate.get(config.translator, config.settings_of("translator", config.translator))
        _prepare(translator, context)
    return Backends(drafter, translator, drafting_language(drafter, settings, config))


def drafter_settings(config: Config) -> dict[str, Any]:
    """The summariser's settings; one that takes a `language` writes in the workspace's first
    language unless its own table says otherwise (a Chinese-first curator gets Chinese drafts)."""
    settings = config.settings_of("summariser", config.summariser)
    own = dict(dict(config.backends).get(("summariser", config.summariser), ()))
    if "language" in settings and "language" not in own:
        settings["language"] = prompts.LANGUAGE_NAMES.get(config.source_language, settings["language"])
    return settings


def drafting_language(drafter: summarise.Summariser, settings: dict[str, Any], config: Config) -> str:
    """The language a summariser writes in, as a code: its `language` setting (a name, "Japanese",
    or a code), else a `language` attribute of its own, else English, as the offline drafter."""
    named = settings.get("language", getattr(drafter, "language", OFFLINE_LANGUAGE))
    codes = {name.casefold(): code for code, name in prompts.LANGUAGE_NAMES.items()}
    codes |= {"chinese": "zh", **{code: code for code in prompts.LANGUAGE_NAMES}}
    # A language mlnews has no edition in: taken as the curator's own, the one they asked for.
    return codes.get(str(named).strip().casefold(), config.source_language)


def _prepare(backend: object, context: plugins.Context) -> None:
    prepare: Callable[[plugins.Context], None] | None = getattr(backend, "prepare", None)
    if prepare is not None:
        prepare(context)


def source_for(item: Item, examples: Examples) -> summarise.Source:
    link = item.url or ""
    return summarise.Source(
        kind=item.kind,
        title=item.title,
        text=item.abstract or item.body[:4000],
        url=link,
        site=identity.host(link),
        authors=tuple(item.authors),
        key=item.key or link,
        body=item.body[:BODY_LIMIT] if item.abstract else item.body[4000:BODY_LIMIT],
        examples=examples.like(item.title, item.abstract),
    )


def flag_problems(
    entry: Entry, source: summarise.Source, config: Config, doubts: dict[str, list[str]] | None = None
) -> list[str]:
    """Flag each drafted text that states what the source does not, that a model's second
    opinion doubts (`doubts`), or that breaks an entry's rules; returns "KEY FIELD: problem" lines."""
    texts = {name: plain(entry.value(name)) for name in CHECKED}
    broken = validate.draft_problems(texts, source.title, source.kind, source.url)
    # A draft in Chinese or Japanese may name what the glossary renders ("注意力" for attention)
    allowed = (config.name, *(out for terms in config.glossary.terms.values() for out in terms.values()))
    found = []
    for name in CHECKED:
        if not texts[name] or not entry.untouched(name):
            continue
        problems = [str(p) for p in faithful.check(texts[name], source.whole, allowed)]
        problems += (doubts or {}).get(name, [])
        problems += broken.get(name, [])
        if problems:
            entry.flag(name, "; ".join(problems))
            found.append(f"{entry.key} {name}: {'; '.join(problems)}")
    return found


def flag_kept_offline(entry: Entry, why: str) -> None:
    """Mark an entry whose model draft failed: it holds the offline draft until asked again."""
    reason = (
        f"{KEPT_OFFLINE}: the model's answer was unusable ({why}); `mlnews compose --retry-failed` asks again"
    )
    if entry.headline:
        entry.flag("headline", reason)


def failed(entry: Entry) -> bool:
    """An entry with a flag standing on a text compose wrote: what `--retry-failed` drafts again."""
    return any(entry.untouched(name) for name in entry.flags())


def in_parallel(
    function: Callable[[T], R],
    things: Sequence[T],
    concurrency: int,
    step: progress.Step = progress.nothing,
    what: str = "drafting",
) -> list[R]:
    """`function` over `things`, `concurrency` at a time, results in order; each one done is a step."""
    done = 0
    lock = threading.Lock()

    def counted(thing: T) -> R:
        nonlocal done
        result = function(thing)
        with lock:
            done += 1
            step(what, done, len(things))
        return result

    if things:
        step(what, 0, len(things))
    if concurrency <= 1 or len(things) <= 1:
        return [counted(thing) for thing in things]
    pool = ThreadPoolExecutor(max_workers=concurrency)
    futures = [pool.submit(counted, thing) for thing in things]
    try:
        return [future.result() for future in futures]
    finally:
        # One failure ends the run: what has not started yet never will.
        pool.shutdown(wait=True, cancel_futures=True)


def _concurrency(backend: Any) -> int:
    client = getattr(backend, "client", None)
    return int(getattr(client, "concurrency", 1) or 1)
