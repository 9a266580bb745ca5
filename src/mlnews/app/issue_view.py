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

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from mlnews.app.jobs import Jobs
from mlnews.errors import MlnewsError
from mlnews.issue.compose import section_order
from mlnews.issue.model import TRANSLATABLE, Entry, Issue, Texts, Translation, fingerprint, normal_key
from mlnews.issue.source import path_for, read, write
from mlnews.weeks import Period, parse_period
from mlnews.workspace import Workspace

_LOCK = threading.Lock()  # one edit at a time from the app; an editor's are caught by the version


INTRO = ""  # the key that stands for the intro in edits and reviews; its one text is `summary`


class Edit(BaseModel):
    key: str  # an entry's, or INTRO
    field: str  # headline, summary or post
    value: str
    version: str  # the file's version the edit was made on
    lang: str | None = None  # None: the language the issue is written in


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


@dataclass
class _Removed:
    entry: Entry
    index: int  # where it was among all entries
    pick: int | None  # where it was among the picks


def router(workspace: Workspace, runner: Jobs | None = None) -> APIRouter:
    routes = APIRouter()

    @routes.get("/api/issues/{period}")
    def show(period: str) -> dict[str, Any]:
        path = _path(workspace, period)
        return _as_json(workspace, path)

    @routes.post("/api/issues/{period}/edits")
    def edit(period: str, change: Edit) -> dict[str, Any]:
        config = workspace.config
        if change.field not in TRANSLATABLE:
            raise HTTPException(
                422, f"field {change.field!r}: one of {', '.join(TRANSLATABLE)} can be edited here"
            )
        if change.lang is not None and change.lang not in config.languages[1:]:
            raise HTTPException(
                422,
                f"language {change.lang!r}: the issue is translated into {', '.join(config.languages[1:])}",
            )

        def apply(issue: Issue) -> None:
            value = change.value.strip() if change.field == "summary" else " ".join(change.value.split())
            if change.key == INTRO:
                _intro_field(change.field)
                if change.lang is None:
                    issue.intro = value
                else:
                    issue.intro_translations.setdefault(change.lang, Translation(change.lang)).summary = value
                return
            entry = _entry(issue, change.key)
            if change.lang is None:
                setattr(entry, change.field, value)
            else:
                translation = entry.translations.setdefault(change.lang, Translation(change.lang))
                setattr(translation, change.field, value)

        return _change(workspace, runner, period, change.version, apply)

    @routes.post("/api/issues/{period}/reviews")
    def review(period: str, wanted: Review) -> dict[str, Any]:
        """The curator's word on a flag or a stale translation, without editing the text."""
        if wanted.action not in ("keep", "current") or (wanted.action == "current" and wanted.lang is None):
            raise HTTPException(
                422, f"action {wanted.action!r}: keep (a flagged text) or current (a translation)"
            )

        def apply(issue: Issue) -> None:
            texts: Texts | None
            if wanted.key == INTRO:
                _intro_field(wanted.field)
                originals, what = {"summary": issue.intro}, "the intro"
                texts = issue.intro_translations.get(wanted.lang) if wanted.lang else None
            else:
                entry = _entry(issue, wanted.key)
                originals, what = entry.originals(), entry.key
                texts = entry if wanted.lang is None else entry.translations.get(wanted.lang)
            if texts is None:
                raise HTTPException(404, f"{what}: no {wanted.lang} translation")
            if wanted.action == "keep":
                texts.flagged.pop(wanted.field, None)
            elif isinstance(texts, Translation) and wanted.field in originals:
                texts.source[wanted.field] = fingerprint(originals[wanted.field])

        return _change(workspace, runner, period, wanted.version, apply)

    @routes.post("/api/issues/{period}/moves")
    def move(period: str, wanted: Move) -> dict[str, Any]:
        if wanted.section not in {s.id for s in workspace.config.sections}:
            raise HTTPException(422, f"section {wanted.section!r}: not one of mlnews.toml's sections")

        def apply(issue: Issue) -> None:
            entry = _entry(issue, wanted.key)
            issue.entries.remove(entry)
            entry.section = wanted.section
            others = issue.in_section(wanted.section)
            position = max(0, min(wanted.position, len(others)))
            if position < len(others):
                issue.entries.insert(issue.entries.index(others[position]), entry)
            elif others:
                issue.entries.insert(issue.entries.index(others[-1]) + 1, entry)
            else:
                issue.entries.append(entry)

        return _change(workspace, runner, period, wanted.version, apply)

    removed: dict[str, list[_Removed]] = {}  # by issue, the last removed last

    @routes.post("/api/issues/{period}/removals")
    def remove(period: str, wanted: Removal) -> dict[str, Any]:
        def apply(issue: Issue) -> None:
            entry = _entry(issue, wanted.key)
            key, picks = normal_key(entry.key), [normal_key(p) for p in issue.picks]
            pick = picks.index(key) if key in picks else None
            removed.setdefault(issue.name, []).append(_Removed(entry, issue.entries.index(entry), pick))
            issue.entries.remove(entry)
            if pick is not None:
                del issue.picks[pick]

        return _change(workspace, runner, period, wanted.version, apply)

    @routes.post("/api/issues/{period}/restores")
    def restore(period: str, wanted: Removal) -> dict[str, Any]:
        """An entry removed from the page put back where it was, texts and translations too."""

        def apply(issue: Issue) -> None:
            gone = removed.get(issue.name, [])
            key = normal_key(wanted.key)
            found = next((r for r in reversed(gone) if normal_key(r.entry.key) == key), None)
            if found is None:
                raise HTTPException(404, f"{wanted.key}: not removed from {issue.name} since the app started")
            if issue.entry(wanted.key) is not None:
                raise HTTPException(409, f"{wanted.key}: already in {issue.name}")
            gone.remove(found)
            issue.entries.insert(min(found.index, len(issue.entries)), found.entry)
            if found.pick is not None:
                issue.picks.insert(min(found.pick, len(issue.picks)), found.entry.key)

        return _change(workspace, runner, period, wanted.version, apply)

    @routes.post("/api/issues/{period}/picks")
    def pick(period: str, wanted: Picks) -> dict[str, Any]:
        """The issue's picks, as the page orders them: every one an entry of the issue, once."""

        def apply(issue: Issue) -> None:
            keys = [_entry(issue, key).key for key in wanted.keys]
            if len({normal_key(k) for k in keys}) != len(keys):
                raise HTTPException(422, "picks: an entry is picked once")
            issue.picks = keys

        return _change(workspace, runner, period, wanted.version, apply)

    return routes


def _change(
    workspace: Workspace,
    runner: Jobs | None,
    period: str,
    seen: str,
    apply: Callable[[Issue], None],
) -> dict[str, Any]:
    """One change to the issue, written atomically, only onto the version of the file the page saw."""
    path = _path(workspace, period)
    with _LOCK:
        busy = runner.running() if runner is not None else None
        if busy is not None and busy.command == "compose" and busy.period == path.stem:
            raise HTTPException(409, f"compose is writing {path.name}; the change waits until it is done")
        if version(path) != seen:
            raise HTTPException(409, "the file changed on disk since the page read it; the page shows it now")
        issue = _issue(path)
        # The file's own order of sections, as compose keeps it, whatever the change moves.
        order = section_order([e.section for e in issue.entries], [s.id for s in workspace.config.sections])
        apply(issue)
        write(path, issue, order)
    return _as_json(workspace, path)


def _entry(issue: Issue, key: str) -> Entry:
    entry = issue.entry(key)
    if entry is None:
        raise HTTPException(404, f"{key}: not an entry of {issue.name}")
    return entry


def _intro_field(field: str) -> None:
    if field != "summary":
        raise HTTPException(422, f"field {field!r}: the intro is one text, its summary")


def version(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.exists() else ""


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
    issue = _issue(path)
    names = {s.id: s.name for s in workspace.config.sections}
    order = section_order([e.section for e in issue.entries], list(names))
    sections: dict[str, list[dict[str, Any]]] = {section: [] for section in order}
    for entry in issue.entries:
        texts: dict[str, dict[str, Any]] = {"": _texts(entry, [])}
        for lang in workspace.config.languages[1:]:
            translation = entry.translations.get(lang)
            texts[lang] = (
                _texts(translation, translation.stale(entry.originals()))
                if translation
                else {name: "" for name in TRANSLATABLE}
            )
        sections.setdefault(entry.section, []).append(
            {
                "key": entry.key,
                "title": entry.title,
                "link": entry.link,
                "texts": texts,
            }
        )
    originals = {"summary": issue.intro}  # the intro's one text, as its translations see it
    intro: dict[str, dict[str, Any]] = {"": {**originals, "flags": {}, "stale": []}}
    for lang in workspace.config.languages[1:]:
        translation = issue.intro_translations.get(lang)
        intro[lang] = (
            _texts(translation, translation.stale(originals))
            if translation
            else {"summary": "", "flags": {}, "stale": []}
        )
    return {
        "period": issue.name,
        "version": version(path),
        "languages": list(workspace.config.languages),
        "intro": intro,
        # Every section, empty ones too: an entry can be moved into any.
        "sections": [{"id": s, "name": names.get(s, s), "entries": e} for s, e in sections.items()],
        # As the entries' keys, however the file writes them (`arXiv:2011.15126v2`).
        "picks": [picked.key if (picked := issue.entry(p)) else p for p in issue.picks],
    }
