"""The issue in the app: its intro and entries by section, each text editable in every language,
the picks, and entries moved or removed.

An edit is written to the issue source at once, atomically, by the rules `compose` follows:
a text the curator writes is theirs (its `drafted:` fingerprint no longer matches, so no
compose overwrites it). Every answer carries the file's version (a hash of its bytes); an
edit made on an older version is refused with 409, so that an edit made meanwhile in an
editor is never overwritten, and the page shows the file as it now is.

An entry removed here is gone from the file as if deleted in an editor (compose does not add
it back); the app keeps it until it stops, so that the page can put it back where it was.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel

from mlnews.app import state
from mlnews.document import editions, edits
from mlnews.document.model import TRANSLATABLE, Issue, Texts, normal_key, section_order
from mlnews.document.source import path_for, read
from mlnews.errors import MlnewsError
from mlnews.weeks import Period, parse_period
from mlnews.workspace import Workspace

_LOCK = threading.Lock()  # one edit at a time from the app; an editor's are caught by the version


class Edit(BaseModel):
    key: str  # an entry's, or INTRO
    field: str  # headline, summary or post
    value: str
    version: str  # the file's version the edit was made on
    lang: str | None = None  # None (or the text's own language): the text as written; else its translation


class Review(BaseModel):
    key: str
    field: str
    action: str  # "keep": the flagged text is right as it is; "current": the translation is up to date
    version: str
    lang: str | None = None


class Move(BaseModel):
    key: str
    section: str
    position: int  # among the section's entries, after the move: 0 is first
    version: str


class Removal(BaseModel):
    key: str
    version: str


class Picks(BaseModel):
    keys: list[str]  # the picks, in order
    version: str


routes = APIRouter()


@routes.get("/api/issues/{period}")
def show(period: str, request: Request) -> dict[str, Any]:
    workspace = state.of(request).workspace
    return _as_json(workspace, _path(workspace, period))


@routes.post("/api/issues/{period}/edits")
def edit(period: str, change: Edit, request: Request) -> dict[str, Any]:
    config = state.of(request).workspace.config
    if change.lang is not None and change.lang not in config.languages:
        raise HTTPException(
            422, f"language {change.lang!r}: the issue is published in {', '.join(config.languages)}"
        )

    def apply(issue: Issue) -> None:
        lang = _translation_language(issue, change.key, change.lang, config.source_language)
        edits.set_text(issue, change.key, change.field, change.value, lang)

    return _change(request, period, change.version, apply)


@routes.post("/api/issues/{period}/reviews")
def review(period: str, wanted: Review, request: Request) -> dict[str, Any]:
    """The curator's word on a flag or a stale translation, without editing the text."""
    first = state.of(request).workspace.config.source_language

    def apply(issue: Issue) -> None:
        lang = _translation_language(issue, wanted.key, wanted.lang, first)
        edits.review(issue, wanted.key, wanted.field, wanted.action, lang)

    return _change(request, period, wanted.version, apply)


def _translation_language(issue: Issue, key: str, lang: str | None, first: str) -> str | None:
    """The translation an edit in `lang` is to, or None for the text as written (in its own language)."""
    if lang is None or key == edits.INTRO:
        own = editions.written_in(issue, first)
    else:
        own = editions.entry_language(edits.entry_of(issue, key), editions.written_in(issue, first))
    return None if lang in (None, own) else lang


@routes.post("/api/issues/{period}/moves")
def move(period: str, wanted: Move, request: Request) -> dict[str, Any]:
    if wanted.section not in {s.id for s in state.of(request).workspace.config.sections}:
        raise HTTPException(422, f"section {wanted.section!r}: not one of mlnews.toml's sections")

    def apply(issue: Issue) -> None:
        edits.move(issue, wanted.key, wanted.section, wanted.position)

    return _change(request, period, wanted.version, apply)


@routes.post("/api/issues/{period}/removals")
def remove(period: str, wanted: Removal, request: Request) -> dict[str, Any]:
    removed = state.of(request).removed

    def apply(issue: Issue) -> None:
        removed.setdefault(issue.name, []).append(edits.remove(issue, wanted.key))

    return _change(request, period, wanted.version, apply)


@routes.post("/api/issues/{period}/restores")
def restore(period: str, wanted: Removal, request: Request) -> dict[str, Any]:
    """An entry removed from the page put back where it was, texts and translations too."""
    removed = state.of(request).removed

    def apply(issue: Issue) -> None:
        gone = removed.get(issue.name, [])
        key = normal_key(wanted.key)
        found = next((r for r in reversed(gone) if normal_key(r.entry.key) == key), None)
        if found is None:
            raise HTTPException(404, f"{wanted.key}: not removed from {issue.name} since the app started")
        edits.restore(issue, found)
        gone.remove(found)

    return _change(request, period, wanted.version, apply)


@routes.post("/api/issues/{period}/picks")
def pick(period: str, wanted: Picks, request: Request) -> dict[str, Any]:
    """The issue's picks, as the page orders them: every one an entry of the issue, once."""

    def apply(issue: Issue) -> None:
        edits.pick(issue, wanted.keys)

    return _change(request, period, wanted.version, apply)


STATUS = {"missing": 404, "conflict": 409, "invalid": 422}  # an EditError's `why` as HTTP


def _change(request: Request, period: str, seen: str, apply: Callable[[Issue], None]) -> dict[str, Any]:
    """One change to the issue, written atomically, only onto the version of the file the page saw."""
    held = state.of(request)
    workspace = held.workspace
    path = _path(workspace, period)
    with _LOCK:
        busy = held.runner.running() if held.runner is not None else None
        if busy is not None and busy.command == "compose" and busy.period == path.stem:
            raise HTTPException(409, f"compose is writing {path.name}; the change waits until it is done")
        try:
            edits.apply(path, seen, apply, [s.id for s in workspace.config.sections])
        except edits.EditError as error:
            raise HTTPException(STATUS[error.why], str(error)) from None
    return _as_json(workspace, path)


def period_of(text: str) -> Period:
    """The week or month a URL names; 404, saying what is expected, if it names neither."""
    try:
        return parse_period(text)
    except MlnewsError as error:
        raise HTTPException(404, str(error)) from None


def _path(workspace: Workspace, period: str) -> Path:
    path = path_for(workspace.issues_dir, period_of(period))
    if not path.exists():
        raise HTTPException(404, f"{path.name}: no such issue yet; compose it first")
    return path


def _issue(path: Path) -> Issue:
    try:
        return read(path).issue
    except MlnewsError as error:
        raise HTTPException(422, str(error)) from None


def _texts(texts: Texts, stale: list[str]) -> dict[str, Any]:
    """An entry's texts in one language, with their standing flags and the stale ones."""
    return {**{name: texts.value(name) for name in TRANSLATABLE}, "flags": texts.flags(), "stale": stale}


def _as_json(workspace: Workspace, path: Path) -> dict[str, Any]:
    """The issue for the page: each text as written, in its own language (`lang`), under "", and
    its translation into each other language the issue is published in."""
    issue = _issue(path)
    config = workspace.config
    written = editions.written_in(issue, config.source_language)
    names = {s.id: s.name for s in config.sections}
    order = section_order([e.section for e in issue.entries], list(names))
    sections: dict[str, list[dict[str, Any]]] = {section: [] for section in order}
    for entry in issue.entries:
        own = editions.entry_language(entry, written)
        texts: dict[str, dict[str, Any]] = {"": _texts(entry, [])}
        for lang in config.languages:
            if lang != own:
                translation = entry.translations.get(lang)
                texts[lang] = (
                    _texts(translation, translation.stale(entry.originals()))
                    if translation
                    else {name: "" for name in TRANSLATABLE}
                )
        sections.setdefault(entry.section, []).append(
            {"key": entry.key, "title": entry.title, "link": entry.link, "lang": own, "texts": texts}
        )
    originals = {"summary": issue.intro}  # the intro's one text, as its translations see it
    intro: dict[str, dict[str, Any]] = {"": {**originals, "flags": {}, "stale": []}}
    for lang in config.languages:
        if lang != written:
            translation = issue.intro_translations.get(lang)
            intro[lang] = (
                _texts(translation, translation.stale(originals))
                if translation
                else {"summary": "", "flags": {}, "stale": []}
            )
    return {
        "period": issue.name,
        "version": edits.version(path),
        "languages": list(config.languages),
        "written": written,  # the intro's language (and each entry's that says none of its own)
        "intro": intro,
        # Every section, empty ones too: an entry can be moved into any.
        "sections": [{"id": s, "name": names.get(s, s), "entries": e} for s, e in sections.items()],
        # As the entries' keys, however the file writes them (`arXiv:2011.15126v2`).
        "picks": [picked.key if (picked := issue.entry(p)) else p for p in issue.picks],
    }
