"""The issue in the app: its entries by section, each text editable in every language.

An edit is written to the issue source at once, atomically, by the rules `compose` follows:
a text the curator writes is theirs (its `drafted:` fingerprint no longer matches, so no
compose overwrites it). Every answer carries the file's version (a hash of its bytes); an
edit made on an older version is refused with 409, so that an edit made meanwhile in an
editor is never overwritten, and the page shows the file as it now is.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from mlnews.errors import MlnewsError
from mlnews.issue.model import TRANSLATABLE, Issue, Translation
from mlnews.issue.source import path_for, read, write
from mlnews.weeks import parse_period
from mlnews.workspace import Workspace

_LOCK = threading.Lock()  # one edit at a time from the app; an editor's are caught by the version


class Edit(BaseModel):
    key: str
    field: str  # headline, summary or post
    value: str
    version: str  # the file's version the edit was made on
    lang: str | None = None  # None: the language the issue is written in


def router(workspace: Workspace) -> APIRouter:
    routes = APIRouter()

    @routes.get("/api/issues/{period}")
    def show(period: str) -> dict[str, Any]:
        path = _path(workspace, period)
        return _as_json(workspace, path)

    @routes.post("/api/issues/{period}/edits")
    def edit(period: str, change: Edit) -> dict[str, Any]:
        path = _path(workspace, period)
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
        with _LOCK:
            if version(path) != change.version:
                raise HTTPException(
                    409, "the file changed on disk since the page read it; the page shows it now"
                )
            issue = _issue(path)
            entry = issue.entry(change.key)
            if entry is None:
                raise HTTPException(404, f"{change.key}: not an entry of {period}")
            value = change.value.strip() if change.field == "summary" else " ".join(change.value.split())
            if change.lang is None:
                setattr(entry, change.field, value)
            else:
                translation = entry.translations.setdefault(change.lang, Translation(change.lang))
                setattr(translation, change.field, value)
            write(path, issue, _order(issue, [s.id for s in config.sections]))
        return _as_json(workspace, path)

    return routes


def version(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.exists() else ""


def _path(workspace: Workspace, period: str) -> Path:
    try:
        chosen = parse_period(period)
    except MlnewsError as error:
        raise HTTPException(404, str(error)) from None
    path = path_for(workspace.issues_dir, chosen)
    if not path.exists():
        raise HTTPException(404, f"{path.name}: no such issue yet; compose it first")
    return path


def _issue(path: Path) -> Issue:
    try:
        return read(path).issue
    except MlnewsError as error:
        raise HTTPException(422, str(error)) from None


def _order(issue: Issue, configured: list[str]) -> list[str]:
    return list(dict.fromkeys([e.section for e in issue.entries] + configured))


def _as_json(workspace: Workspace, path: Path) -> dict[str, Any]:
    issue = _issue(path)
    names = {s.id: s.name for s in workspace.config.sections}
    sections: dict[str, list[dict[str, Any]]] = {}
    for entry in issue.entries:
        texts = {"": {name: entry.value(name) for name in TRANSLATABLE}}
        for lang in workspace.config.languages[1:]:
            translation = entry.translations.get(lang)
            texts[lang] = {name: translation.value(name) if translation else "" for name in TRANSLATABLE}
        sections.setdefault(entry.section, []).append(
            {
                "key": entry.key,
                "title": entry.title,
                "link": entry.link,
                "texts": texts,
                "flags": entry.flags(),
            }
        )
    return {
        "period": issue.name,
        "version": version(path),
        "languages": list(workspace.config.languages),
        "sections": [{"id": s, "name": names.get(s, s), "entries": e} for s, e in sections.items()],
        "picks": issue.picks,
    }
