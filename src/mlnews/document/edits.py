"""The edits a curator makes to an issue outside an editor: a text in any language, the word on a
flag or a stale translation, an entry moved, removed, put back, and the picks in order.

Each edit is a function on the `Issue` that changes it in place or raises an `EditError` saying
why not; `apply` runs one on the file, atomically, only onto the version of the file the curator
saw, so that an edit made meanwhile in an editor is never overwritten. The rules are the ones
`compose` follows: a text the curator writes is theirs (its `drafted:` fingerprint no longer
matches, so no compose overwrites it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mlnews.document.model import (
    TRANSLATABLE,
    Entry,
    Issue,
    Texts,
    Translation,
    fingerprint,
    normal_key,
    section_order,
)
from mlnews.document.source import read, write
from mlnews.errors import MlnewsError

INTRO = ""  # the key that stands for the intro in edits and reviews; its one text is `summary`


class EditError(MlnewsError):
    """An edit that cannot be made; `why` tells a front end which kind (an HTTP status, say)."""

    def __init__(self, why: str, message: str) -> None:
        super().__init__(message)
        self.why = why  # "missing", "conflict" or "invalid"


@dataclass
class Removed:
    """An entry taken out of an issue, with where it was, so that it can be put back."""

    entry: Entry
    index: int  # where it was among all entries
    pick: int | None  # where it was among the picks


def version(path: Path) -> str:
    """The file's version: a hash of its bytes ("" for no file)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.exists() else ""


def apply(path: Path, seen: str, edit: Callable[[Issue], None], sections: list[str]) -> None:
    """Run `edit` on the issue in `path` and write it back, if the file is still at version `seen`."""
    if version(path) != seen:
        raise EditError("conflict", "the file changed on disk since the page read it; the page shows it now")
    try:
        issue = read(path).issue
    except MlnewsError as error:
        raise EditError("invalid", str(error)) from None
    # The file's own order of sections, as compose keeps it, whatever the edit moves.
    order = section_order([e.section for e in issue.entries], sections)
    edit(issue)
    write(path, issue, order)


def set_text(issue: Issue, key: str, field: str, value: str, lang: str | None = None) -> None:
    """A headline, summary or post (the intro's summary for INTRO), in `lang` or the first language."""
    _check_field(field)
    value = value.strip() if field == "summary" else " ".join(value.split())
    if key == INTRO:
        _intro_field(field)
        if lang is None:
            issue.intro = value
        else:
            issue.intro_translations.setdefault(lang, Translation(lang)).summary = value
        return
    entry = entry_of(issue, key)
    if lang is None:
        setattr(entry, field, value)
    else:
        setattr(entry.translations.setdefault(lang, Translation(lang)), field, value)


def review(issue: Issue, key: str, field: str, action: str, lang: str | None = None) -> None:
    """The curator's word without editing the text: "keep" a flagged text as it is, or call a
    translation "current" with its original."""
    if action not in ("keep", "current") or (action == "current" and lang is None):
        raise EditError("invalid", f"action {action!r}: keep (a flagged text) or current (a translation)")
    texts: Texts | None
    if key == INTRO:
        _intro_field(field)
        originals, what = {"summary": issue.intro}, "the intro"
        texts = issue.intro_translations.get(lang) if lang else None
    else:
        entry = entry_of(issue, key)
        originals, what = entry.originals(), entry.key
        texts = entry if lang is None else entry.translations.get(lang)
    if texts is None:
        raise EditError("missing", f"{what}: no {lang} translation")
    if action == "keep":
        texts.flagged.pop(field, None)
    elif isinstance(texts, Translation) and field in originals:
        texts.source[field] = fingerprint(originals[field])


def move(issue: Issue, key: str, section: str, position: int) -> None:
    """The entry into `section`, at `position` among its entries (0 is first; past the end: last)."""
    entry = entry_of(issue, key)
    issue.entries.remove(entry)
    entry.section = section
    others = issue.in_section(section)
    position = max(0, min(position, len(others)))
    if position < len(others):
        issue.entries.insert(issue.entries.index(others[position]), entry)
    elif others:
        issue.entries.insert(issue.entries.index(others[-1]) + 1, entry)
    else:
        issue.entries.append(entry)


def remove(issue: Issue, key: str) -> Removed:
    """The entry out of the issue and its picks, as if deleted in an editor (compose does not add
    it back); what it returns puts it back."""
    entry = entry_of(issue, key)
    picks = [normal_key(p) for p in issue.picks]
    normal = normal_key(entry.key)
    pick = picks.index(normal) if normal in picks else None
    removed = Removed(entry, issue.entries.index(entry), pick)
    issue.entries.remove(entry)
    if pick is not None:
        del issue.picks[pick]
    return removed


def restore(issue: Issue, removed: Removed) -> None:
    """A removed entry back where it was, texts, translations and pick too."""
    if issue.entry(removed.entry.key) is not None:
        raise EditError("conflict", f"{removed.entry.key}: already in {issue.name}")
    issue.entries.insert(min(removed.index, len(issue.entries)), removed.entry)
    if removed.pick is not None:
        issue.picks.insert(min(removed.pick, len(issue.picks)), removed.entry.key)


def pick(issue: Issue, keys: list[str]) -> None:
    """The issue's picks, in this order: every one an entry of the issue, once."""
    picked = [entry_of(issue, key).key for key in keys]
    if len({normal_key(k) for k in picked}) != len(picked):
        raise EditError("invalid", "picks: an entry is picked once")
    issue.picks = picked


def entry_of(issue: Issue, key: str) -> Entry:
    entry = issue.entry(key)
    if entry is None:
        raise EditError("missing", f"{key}: not an entry of {issue.name}")
    return entry


def _check_field(field: str) -> None:
    if field not in TRANSLATABLE:
        raise EditError("invalid", f"field {field!r}: one of {', '.join(TRANSLATABLE)} can be edited here")


def _intro_field(field: str) -> None:
    if field != "summary":
        raise EditError("invalid", f"field {field!r}: the intro is one text, its summary")
